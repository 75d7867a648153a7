//! Alliance Check-in: a private, on-device therapy alliance check-in widget. The client rates a
//! session, sees a kind result against their own recent ratings, and keeps the history on their
//! device. Layers: `domain` (pure, host-tested) <- `browser` (web API adapters) <- `ui`.

pub mod browser;
pub mod domain;
pub mod ui;

pub use ui::app::App;

/// The attribute that marks the element the widget mounts into.
pub const MOUNT_ATTRIBUTE: &str = "data-alliance-checkin";

/// Mounts the widget into the first element carrying [`MOUNT_ATTRIBUTE`], or into `<body>` when
/// the page has none, with the practice's settings read from that element. The rest of the host
/// page is never touched.
pub fn start() {
    use leptos::wasm_bindgen::JsCast;

    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let host = document
        .query_selector(&format!("[{MOUNT_ATTRIBUTE}]"))
        .ok()
        .flatten()
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
        .or_else(|| document.body());
    if let Some(host) = host {
        let settings = domain::settings::read_host_settings(&|name| host.get_attribute(name));
        leptos::mount::mount_to(host, move || {
            leptos::prelude::provide_context(settings);
            App()
        })
        .forget();
    }
}
