//! Copy and share: the clipboard with its fallbacks, and the system share sheet. Each reports
//! what really happened so the client always sees whether their text left the page.
//!
//! Copy order: `navigator.clipboard.writeText`, started synchronously inside the click (Safari
//! rejects it after an await); if that is missing or refused, `execCommand('copy')` on the
//! visible text; if that fails too, the text is left selected for the client to copy by hand.

use js_sys::{Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlDocument, HtmlTextAreaElement, ShareData};

/// How a copy ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyOutcome {
    /// On the clipboard (by the Clipboard API or the older copy command).
    Copied,
    /// Nothing could copy: the text is selected for the client to copy themselves.
    SelectedForManualCopy,
}

/// How a share ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShareOutcome {
    Shared,
    /// The client closed the share sheet: not an error.
    Cancelled,
    Failed,
}

fn navigator() -> Option<web_sys::Navigator> {
    web_sys::window().map(|window| window.navigator())
}

/// Whether `object.name` exists and is not `undefined` (feature detection without calling).
fn has(object: &JsValue, name: &str) -> bool {
    Reflect::get(object, &JsValue::from_str(name)).is_ok_and(|value| !value.is_undefined())
}

/// Whether the browser offers a share sheet (`navigator.share`).
pub fn can_share() -> bool {
    navigator().is_some_and(|navigator| has(&navigator, "share"))
}

/// Selects all of `field`'s text, as the last fallback and before the copy command.
fn select_all(field: &HtmlTextAreaElement) {
    let _ = field.focus();
    field.select();
    let _ = field.set_selection_range(0, field.value().len() as u32);
}

/// The older copy command on the visible text. Returns whether the browser says it copied.
fn copy_command(field: &HtmlTextAreaElement) -> bool {
    select_all(field);
    web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.dyn_into::<HtmlDocument>().ok())
        .and_then(|document| document.exec_command("copy").ok())
        .unwrap_or(false)
}

/// Copies `field`'s current text. Must be called inside the click handler: the Clipboard API
/// call starts before anything is awaited. `done` receives the outcome.
pub fn copy_text(field: HtmlTextAreaElement, done: impl FnOnce(CopyOutcome) + 'static) {
    let text = field.value();
    let clipboard = navigator()
        .filter(|navigator| has(navigator, "clipboard"))
        .map(|navigator| navigator.clipboard());
    let Some(clipboard) = clipboard else {
        let outcome = if copy_command(&field) {
            CopyOutcome::Copied
        } else {
            select_all(&field);
            CopyOutcome::SelectedForManualCopy
        };
        done(outcome);
        return;
    };
    let promise: Promise = clipboard.write_text(&text);
    leptos::task::spawn_local(async move {
        let outcome = if JsFuture::from(promise).await.is_ok() || copy_command(&field) {
            CopyOutcome::Copied
        } else {
            select_all(&field);
            CopyOutcome::SelectedForManualCopy
        };
        done(outcome);
    });
}

/// Opens the share sheet with `title` and `text`. Must be called inside the click handler.
pub fn share_text(title: &str, text: &str, done: impl FnOnce(ShareOutcome) + 'static) {
    let Some(navigator) = navigator().filter(|navigator| has(navigator, "share")) else {
        done(ShareOutcome::Failed);
        return;
    };
    let data = ShareData::new();
    data.set_title(title);
    data.set_text(text);
    let promise = navigator.share_with_data(&data);
    leptos::task::spawn_local(async move {
        let outcome = match JsFuture::from(promise).await {
            Ok(_) => ShareOutcome::Shared,
            Err(error)
                if error
                    .dyn_ref::<web_sys::DomException>()
                    .is_some_and(|exception| exception.name() == "AbortError") =>
            {
                ShareOutcome::Cancelled
            }
            Err(_) => ShareOutcome::Failed,
        };
        done(outcome);
    });
}
