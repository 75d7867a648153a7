//! The clock and date formatting: the current time for records and drafts, and dates written
//! in the client's own locale by the browser's Intl API.

use std::cell::RefCell;

use js_sys::{Array, Date, Function, Intl, Object, Reflect};
use wasm_bindgen::JsValue;

use crate::domain::codec::MAX_TIME_MS;
use crate::domain::text::catalogue_for;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    Date::now() as u64
}

/// A `Date` for `ms`, clamped to the latest time the decoders accept, so that no stored or
/// imported time can make a `Date` that throws when written (`RangeError: Invalid time value`).
fn date_of(ms: u64) -> Date {
    Date::new(&JsValue::from_f64(ms.min(MAX_TIME_MS) as f64))
}

/// The browser's preferred languages, most preferred first (`navigator.languages`).
pub fn browser_languages() -> Vec<String> {
    web_sys::window()
        .map(|window| window.navigator().languages())
        .map(|languages| languages.iter().filter_map(|tag| tag.as_string()).collect())
        .unwrap_or_default()
}

/// The locale for dates in `language_tag`: the browser's own regional variant when it prefers
/// one of that language ("en-GB" writes 22 Nov; "en-US" Nov 22), else the bare tag.
fn date_locale(language_tag: &str) -> JsValue {
    browser_languages()
        .into_iter()
        .find(|tag| catalogue_for(tag).is_some_and(|text| text.language_tag == language_tag))
        .map_or_else(
            || JsValue::from_str(language_tag),
            |tag| JsValue::from_str(&tag),
        )
}

thread_local! {
    /// Intl formatters already made, by language and whether they write the time: a history
    /// page and its table write forty dates per render, and each formatter costs a locale lookup.
    static FORMATTERS: RefCell<Vec<(String, bool, Function)>> = const { RefCell::new(Vec::new()) };
}

/// The `format` function of an Intl.DateTimeFormat for the widget's language: a medium date,
/// with a short time when `with_time`. Made once per language and kind.
fn formatter(language_tag: &str, with_time: bool) -> Function {
    FORMATTERS.with_borrow_mut(|made| {
        if let Some((_, _, format)) = made
            .iter()
            .find(|(tag, time, _)| tag == language_tag && *time == with_time)
        {
            return format.clone();
        }
        let locales = Array::of1(&date_locale(language_tag));
        let options = Object::new();
        // Setting plain string properties on a fresh object cannot fail.
        let _ = Reflect::set(&options, &"dateStyle".into(), &"medium".into());
        if with_time {
            let _ = Reflect::set(&options, &"timeStyle".into(), &"short".into());
        }
        let format = Intl::DateTimeFormat::new(&locales, &options).format();
        made.push((language_tag.to_owned(), with_time, format.clone()));
        format
    })
}

/// `ms` written by Intl in the widget's language: a medium date, with a short time when
/// `with_time`.
fn format_with_intl(language_tag: &str, ms: u64, with_time: bool) -> String {
    formatter(language_tag, with_time)
        .call1(&JsValue::UNDEFINED, &date_of(ms))
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// A short date and time in the widget's language (`language_tag`), e.g. "22 Nov 2026, 14:05"
/// or "22 nov 2026, 14:05".
pub fn format_date_time(language_tag: &str, ms: u64) -> String {
    format_with_intl(language_tag, ms, true)
}

/// A short date without the time, e.g. "22 Nov 2026" or "Nov 22, 2026" (the trend chart's
/// axis and table, where the time would crowd a phone's width).
pub fn format_date(language_tag: &str, ms: u64) -> String {
    format_with_intl(language_tag, ms, false)
}

/// The machine-readable form for a `<time datetime>` attribute.
pub fn iso_date_time(ms: u64) -> String {
    String::from(date_of(ms).to_iso_string())
}

/// Marks a moment on the page's performance timeline (`performance.mark`), so the benchmark
/// can time the widget's own steps from outside. Costs nothing when nobody reads it.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.mark(name);
    }
}
