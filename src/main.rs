//! The WebAssembly entry points the loader (src/web/loader.js) calls: it prepares a shadow root
//! for each `[data-alliance-checkin]` element and calls `mount`; everything else lives in the
//! library. `main` runs when the module starts and has nothing to do before that.

use wasm_bindgen::prelude::wasm_bindgen;

/// A widget on the page, as the loader holds it.
#[wasm_bindgen]
pub struct Widget(alliance_checkin::MountedWidget);

#[wasm_bindgen]
impl Widget {
    /// Removes the widget (the set-up page replaces its preview this way).
    pub fn unmount(&mut self) {
        self.0.unmount();
    }
}

/// Run once before the first `mount`: loads what a returning visitor's widgets need to read
/// the device's check-ins and drafts (see `alliance_checkin::prepare`), then calls `done`.
/// (A callback, not an `async` export: wasm-bindgen's promise glue cost 0.6 KB brotli.)
#[wasm_bindgen]
pub fn prepare(done: js_sys::Function) {
    // wasm-bindgen-futures' executor: Leptos's is set up only by the first mount.
    wasm_bindgen_futures::spawn_local(async move {
        alliance_checkin::prepare().await;
        let _ = done.call0(&wasm_bindgen::JsValue::UNDEFINED);
    });
}

/// Mounts a widget into `container`, with settings read from `host`, and from the
/// configuration file `config_name` (`?config=`) whose text the loader read (`config_text`,
/// absent when the file is missing or unreadable). The loader's first screen may already have
/// been answered: `lines` names the lines placed there with their tenths
/// (`connection=75,focus=30`), and `note` is the note typed there (absent when untouched).
#[wasm_bindgen]
pub fn mount(
    host: web_sys::Element,
    container: web_sys::HtmlElement,
    config_name: Option<String>,
    config_text: Option<String>,
    lines: Option<String>,
    note: Option<String>,
) -> Widget {
    let config = config_name.map(|name| (name, config_text));
    let early = alliance_checkin::ui::check_in_form::EarlyAnswers::read(lines.as_deref(), note);
    Widget(alliance_checkin::mount(&host, container, config, early))
}

fn main() {}
