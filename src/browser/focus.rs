//! Focus management: moves keyboard focus to an element once the next render has happened.

use leptos::prelude::request_animation_frame;
use wasm_bindgen::JsCast;

use crate::browser::host::element_by_id;

/// Focuses the element with `element_id` after the pending DOM update (the reactive system
/// renders asynchronously, so the element may not exist yet when this is called). The element
/// may be inside the widget's shadow root.
pub fn focus_when_rendered(element_id: String) {
    request_animation_frame(move || {
        let element = element_by_id(&element_id)
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            let _ = element.focus();
        }
    });
}
