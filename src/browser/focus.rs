//! Focus management: moves keyboard focus to an element once the next render has happened.

use leptos::prelude::request_animation_frame;
use wasm_bindgen::JsCast;

/// Focuses the element with `element_id` after the pending DOM update (the reactive system
/// renders asynchronously, so the element may not exist yet when this is called).
pub fn focus_when_rendered(element_id: String) {
    request_animation_frame(move || {
        let element = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.get_element_by_id(&element_id))
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            let _ = element.focus();
        }
    });
}
