//! The user interface: Leptos components that present the domain's data and call the browser
//! adapters. No scoring rule or stored format is decided here.

pub mod app;
pub mod backup_panel;
pub mod check_in_form;
pub mod draft_keeper;
pub mod history_handle;
pub mod history_list;
pub mod history_section;
pub mod likert_item;
pub mod line_item;
pub mod note_field;
pub mod notices;
pub mod parts;
pub mod result_view;
pub mod settings_panel;
pub mod summary_view;
pub mod trend_chart;

use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use leptos::tachys::reactive_graph::SharedReactiveFunction;

/// A reactive child or attribute in the one shape `view!` gives an inline `move || …` under
/// `--cfg erase_components`, so that every binding with the same output shares one copy of
/// Leptos's render and rebuild code. A closure passed by name (`{banner}`) is not converted
/// by the macro, and each one would compile its own copy (about 0.5 KB of wasm each).
///
/// The output type matters as much: each distinct one compiles its own render effect and
/// state (1-2 KB raw). So a binding that shows a view returns `AnyView` (`.into_any()` on
/// the whole `Option` or `Either`, which keeps its branches apart), and one that shows text
/// returns `String`.
pub fn reactive<T: 'static>(f: impl FnMut() -> T + Send + 'static) -> SharedReactiveFunction<T> {
    Arc::new(Mutex::new(f))
}

/// A plain `type="button"` button: its classes, its label, and what a click does. All the
/// widget's plain buttons are built by this one function; a `view!` of each compiled its own
/// copy of the element's build.
pub fn button(class: &'static str, label: &'static str, on_click: impl Fn() + 'static) -> AnyView {
    plain_button(class, label, Box::new(on_click))
}

fn plain_button(class: &'static str, label: &'static str, on_click: Box<dyn Fn()>) -> AnyView {
    view! {
        <button type="button" class=class on:click=move |_| on_click()>
            {label}
        </button>
    }
    .into_any()
}
