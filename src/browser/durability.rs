//! What keeps the history safe beyond one write: the Web Locks API, so two tabs never interleave
//! a read-merge-write; the request for persistent storage; and the facts about the platform that
//! decide whether the browser may delete the data (Safari's 7-day rule outside the home screen).
//!
//! `LockManager` is marked unstable in web-sys, so it is reached through `Reflect`.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

fn navigator() -> Option<JsValue> {
    web_sys::window().map(|window| window.navigator().into())
}

/// `object[name]` as a function bound to call on `object`, when it is one.
fn method(object: &JsValue, name: &str) -> Option<Function> {
    Reflect::get(object, &JsValue::from_str(name))
        .ok()
        .and_then(|value| value.dyn_into::<Function>().ok())
}

type Work = Box<dyn FnOnce()>;

/// Runs `work` while holding the exclusive Web Lock `name`, so no other tab of this origin runs
/// its own `work` for the same lock at the same time. Where the browser has no Web Locks (or
/// refuses the request), `work` runs at once: the re-read and merge inside it still keep both
/// tabs' check-ins, only the tiny window between read and write is unguarded.
pub fn with_exclusive_lock(name: &str, work: impl FnOnce() + 'static) {
    // Shared by the granted callback, the refusal handler and the fallback: whichever comes
    // first runs the work, exactly once.
    let work: Rc<RefCell<Option<Work>>> = Rc::new(RefCell::new(Some(Box::new(work))));
    let run = {
        let work = work.clone();
        move || {
            if let Some(work) = work.borrow_mut().take() {
                work();
            }
        }
    };
    let locks = navigator().and_then(|navigator| Reflect::get(&navigator, &"locks".into()).ok());
    let request = locks
        .as_ref()
        .filter(|locks| !locks.is_undefined() && !locks.is_null())
        .and_then(|locks| method(locks, "request"));
    let (Some(locks), Some(request)) = (locks, request) else {
        run();
        return;
    };
    let granted = {
        let run = run.clone();
        Closure::once_into_js(move |_lock: JsValue| {
            run();
            JsValue::UNDEFINED
        })
    };
    match request.call2(&locks, &JsValue::from_str(name), &granted) {
        Ok(promise) => {
            // A request the browser rejects (an opaque origin, an abort) still does the work.
            if let Ok(promise) = promise.dyn_into::<Promise>() {
                let refused: Closure<dyn FnMut(JsValue)> =
                    Closure::once(move |_error: JsValue| run());
                let _ = promise.catch(&refused);
                refused.forget();
            }
        }
        Err(_) => run(),
    }
}

/// Asks the browser to keep this origin's storage under pressure (`navigator.storage.persist()`).
/// The answer only changes how likely eviction is; nothing depends on it.
pub fn request_persistent_storage() {
    let Some(storage) = navigator()
        .and_then(|navigator| Reflect::get(&navigator, &"storage".into()).ok())
        .filter(|storage| !storage.is_undefined())
    else {
        return;
    };
    if let Some(persist) = method(&storage, "persist") {
        if let Ok(promise) = persist.call0(&storage) {
            if let Ok(promise) = promise.dyn_into::<Promise>() {
                // Swallow a rejection: there is nothing to tell the client.
                let ignore: Closure<dyn FnMut(JsValue)> = Closure::once(|_: JsValue| {});
                let _ = promise.catch(&ignore);
                ignore.forget();
            }
        }
    }
}

/// Whether this is Safari on an iPhone or iPad running as an ordinary tab (not from the home
/// screen), where the site's storage is deleted after seven days without a visit.
pub fn storage_expires_without_home_screen() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let navigator = window.navigator();
    let agent = navigator.user_agent().unwrap_or_default();
    // Byte windows, not `str::contains`: the string searcher costs 0.7 KB of download.
    let has = |needle: &str| {
        agent
            .as_bytes()
            .windows(needle.len())
            .any(|window| window == needle.as_bytes())
    };
    let touch_mac = has("Macintosh") && navigator.max_touch_points() > 1;
    let apple_mobile = has("iPhone") || has("iPad") || touch_mac;
    let standalone = Reflect::get(&navigator, &"standalone".into())
        .ok()
        .and_then(|value| value.as_bool())
        .unwrap_or(false);
    apple_mobile && !standalone
}
