//! Files in and out: saving text as a download (backups, CSV), copying text that is not on the
//! screen, and reading a file the client picked. Nothing here touches the network: downloads are
//! object URLs made from memory.

use js_sys::{Array, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlTextAreaElement, Url};

use crate::browser::sharing::{copy_text, CopyOutcome};

/// Why a download could not start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DownloadFailed;

/// Offers `contents` as a file named `file_name` of type `mime`. Must run inside a click.
pub fn download(file_name: &str, mime: &str, contents: &str) -> Result<(), DownloadFailed> {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or(DownloadFailed)?;
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let parts = Array::of1(&JsValue::from_str(contents));
    let blob =
        Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| DownloadFailed)?;
    let url = Url::create_object_url_with_blob(&blob).map_err(|_| DownloadFailed)?;
    let link: HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| DownloadFailed)?
        .unchecked_into();
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    // The click has started the download; the URL can go once this task ends.
    let revoke: Closure<dyn FnMut(JsValue)> = Closure::once(move |_: JsValue| {
        let _ = Url::revoke_object_url(&url);
    });
    let _ = Promise::resolve(&JsValue::UNDEFINED).then(&revoke);
    revoke.forget();
    Ok(())
}

/// Copies `text` that is not shown in a text box: through a temporary, off-screen text area,
/// so every fallback of [`copy_text`] still applies. `done` receives the outcome.
pub fn copy_string(text: &str, done: impl FnOnce(CopyOutcome) + 'static) {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        done(CopyOutcome::SelectedForManualCopy);
        return;
    };
    let Some(body) = document.body() else {
        done(CopyOutcome::SelectedForManualCopy);
        return;
    };
    let Ok(field) = document.create_element("textarea") else {
        done(CopyOutcome::SelectedForManualCopy);
        return;
    };
    let field: HtmlTextAreaElement = field.unchecked_into();
    field.set_value(text);
    let _ = field.set_attribute("readonly", "");
    let _ = field.set_attribute("aria-hidden", "true");
    // Through the CSS object model: a `style` attribute would break a strict CSP.
    let style = field.style();
    for (property, value) in [
        ("position", "fixed"),
        ("top", "0"),
        ("left", "-9999px"),
        ("opacity", "0"),
    ] {
        let _ = style.set_property(property, value);
    }
    let _ = body.append_child(&field);
    let cleanup = field.clone();
    copy_text(field, move |outcome| {
        cleanup.remove();
        done(outcome);
    });
}

/// The largest file read as a backup: localStorage holds about 5 MiB per site, so no backup of
/// this widget comes near it. A larger file is refused before it is read into memory.
pub const MAX_BACKUP_BYTES: f64 = 8.0 * 1024.0 * 1024.0;

/// Why a picked file was not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickedFileError {
    /// Larger than [`MAX_BACKUP_BYTES`]: not read at all.
    TooLarge,
    /// None was picked, or it could not be read as text.
    Unreadable,
}

/// The text of the first file picked in `input`.
pub async fn read_picked_file(
    input: &web_sys::HtmlInputElement,
) -> Result<String, PickedFileError> {
    let file = input
        .files()
        .and_then(|files| files.get(0))
        .ok_or(PickedFileError::Unreadable)?;
    if file.size() > MAX_BACKUP_BYTES {
        return Err(PickedFileError::TooLarge);
    }
    let text = JsFuture::from(file.text())
        .await
        .map_err(|_| PickedFileError::Unreadable)?;
    text.as_string().ok_or(PickedFileError::Unreadable)
}
