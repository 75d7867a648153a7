//! Focus management: moves keyboard focus to an element once the next render has happened.

use leptos::prelude::request_animation_frame;
use wasm_bindgen::JsCast;

use crate::browser::host::element_by_id;

/// Frames to wait for the element to appear: a view that waited for a part (the summary) is
/// put into the page a task after it resolved, which can be after the next frame.
const FRAMES_TO_WAIT: u8 = 10;

/// Focuses the element with `element_id` after the pending DOM update (the reactive system
/// renders asynchronously, so the element may not exist yet when this is called). The element
/// may be inside the widget's shadow root.
pub fn focus_when_rendered(element_id: String) {
    focus_within_frames(element_id, FRAMES_TO_WAIT);
}

fn focus_within_frames(element_id: String, frames: u8) {
    request_animation_frame(move || {
        match element_by_id(&element_id)
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
        {
            Some(element) => {
                let _ = element.focus();
            }
            None if frames > 1 => focus_within_frames(element_id, frames - 1),
            None => {}
        }
    });
}
