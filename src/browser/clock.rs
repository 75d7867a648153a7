//! The clock and date formatting: the current time for records and drafts, and dates written
//! in the client's own locale by the browser's Intl API.

use js_sys::{Array, Date, Function, Intl, Object, Reflect};
use wasm_bindgen::JsValue;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    Date::now() as u64
}

fn date_of(ms: u64) -> Date {
    Date::new(&JsValue::from_f64(ms as f64))
}

/// A short date and time in the browser's locale, e.g. "22 Nov 2026, 14:05".
pub fn format_date_time(ms: u64) -> String {
    let options = Object::new();
    // Setting plain string properties on a fresh object cannot fail.
    let _ = Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = Reflect::set(&options, &"timeStyle".into(), &"short".into());
    let format: Function = Intl::DateTimeFormat::new(&Array::new(), &options).format();
    format
        .call1(&JsValue::UNDEFINED, &date_of(ms))
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// The machine-readable form for a `<time datetime>` attribute.
pub fn iso_date_time(ms: u64) -> String {
    String::from(date_of(ms).to_iso_string())
}
