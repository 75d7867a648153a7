//! Alliance Check-in: a private, on-device therapy alliance check-in widget. The client rates a
//! session, sees a kind result against their own recent ratings, and keeps the history on their
//! device. Layers: `domain` (pure, host-tested) <- `browser` (web API adapters) <- `ui`.

pub mod browser;
pub mod domain;
pub mod ui;

pub use ui::app::App;

/// The attribute that marks the element the widget mounts into.
pub const MOUNT_ATTRIBUTE: &str = "data-alliance-checkin";

/// A mounted widget; dropping it leaves the widget in place, `unmount` removes it.
pub struct MountedWidget {
    handle: Option<Box<dyn std::any::Any>>,
    namespace: String,
}

impl MountedWidget {
    /// Removes the widget and frees its namespace for another mount on this page.
    pub fn unmount(&mut self) {
        if self.handle.take().is_some() {
            browser::host::release_namespace(&self.namespace);
        }
    }
}

/// Loads the readers of stored data (a part of their own in the release build) when the device
/// holds check-ins or drafts of any widget, so every widget starts with them; a first visit
/// loads nothing. Never fails: a widget whose reader could not be loaded says so itself.
pub async fn prepare() {
    if browser::storage::any_key(domain::stored_reader::may_need_reader) {
        let _ = ui::parts::stored_reader().await;
    }
}

/// Mounts the widget into `container` (inside `host`'s shadow root, prepared by the loader),
/// with the practice's settings read from `host` and from the configuration file the loader
/// read before mounting (`config`: its name and text, None if missing), so the first render
/// already has every setting. `early` is what the client answered on the loader's first screen
/// before the widget arrived; the widget starts with it. The rest of the page is never touched.
pub fn mount(
    host: &web_sys::Element,
    container: web_sys::HtmlElement,
    config: Option<(String, Option<String>)>,
    early: ui::check_in_form::EarlyAnswers,
) -> MountedWidget {
    let (settings, problems) = browser::host::read_practice_settings(host, config);
    browser::host::apply_accent(&container, &settings);
    let namespace = settings.namespace.clone();
    let handle = leptos::mount::mount_to(container, move || {
        leptos::prelude::provide_context((settings, problems));
        leptos::prelude::view! { <App early/> }
    });
    MountedWidget {
        handle: Some(Box::new(handle)),
        namespace,
    }
}
