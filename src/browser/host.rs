//! The host element a widget mounts into: reads the practice's settings from it (data
//! attributes, the JSON configuration block inside it, and, when the widget is the whole page,
//! the configuration file `?config=` names and the URL parameters a link may set), resolves a questionnaire named by element id, and applies the accent colour to
//! the widget's own container. Nothing outside the widget is changed, except the page title
//! when the widget is the page.

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use crate::domain::settings::{
    resolve, Layer, PracticeSettings, ProblemKind, QuestionnaireChoice, SettingProblem, Source,
};

/// Marks a host element whose widget is the whole page (the iframe page): URL parameters are
/// read and the title setting names the page.
pub const STANDALONE_ATTRIBUTE: &str = "data-standalone";

thread_local! {
    /// Namespaces of the widgets mounted on this page, to catch two sharing one history.
    static NAMESPACES_IN_USE: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// The URL parameters a link may set (a setting that must not come from a link is refused,
/// named in a problem).
fn url_layer() -> (Layer, Vec<SettingProblem>) {
    let search = web_sys::window()
        .and_then(|window| window.location().search().ok())
        .unwrap_or_default();
    let parameters = web_sys::UrlSearchParams::new_with_str(&search).ok();
    Layer::of_url(&|name| {
        parameters
            .as_ref()
            .and_then(|parameters| parameters.get(name))
    })
}

/// The first `<script type="application/json">` directly inside `host`.
fn config_block(host: &Element) -> Option<String> {
    let children = host.children();
    (0..children.length())
        .filter_map(|index| children.item(index))
        .find(|child| {
            child.tag_name().eq_ignore_ascii_case("script")
                && child
                    .get_attribute("type")
                    .is_some_and(|kind| kind.trim().eq_ignore_ascii_case("application/json"))
        })
        .and_then(|script| script.text_content())
}

/// Reads and validates everything the practice set for the widget in `host`. `config` is the
/// configuration file `?config=` named, as the loader read it before mounting: its name and
/// text (None when it is missing or unreadable).
pub fn read_practice_settings(
    host: &Element,
    config: Option<(String, Option<String>)>,
) -> (PracticeSettings, Vec<SettingProblem>) {
    let standalone = host.has_attribute(STANDALONE_ATTRIBUTE);
    let mut problems = Vec::new();
    let mut layers = Vec::with_capacity(4);
    if standalone {
        let (layer, url_problems) = url_layer();
        layers.push(layer);
        problems.extend(url_problems);
    }
    if let Some((name, text)) = config {
        let (layer, file_problems) = Layer::of_config_file(&name, text.as_deref());
        layers.push(layer);
        problems.extend(file_problems);
    }
    if let Some(block) = config_block(host) {
        let (layer, block_problems) = Layer::of_config_block(&block);
        layers.push(layer);
        problems.extend(block_problems);
    }
    layers.push(Layer::of_text(Source::DataAttribute, &|name| {
        host.get_attribute(&format!("data-{name}"))
    }));
    let (mut settings, resolve_problems) = resolve(&layers);
    problems.extend(resolve_problems);

    if let QuestionnaireChoice::Element { id, setting } = &settings.questionnaire {
        let definition = host
            .owner_document()
            .and_then(|document| document.get_element_by_id(id))
            .filter(|element| element.tag_name().eq_ignore_ascii_case("script"))
            .and_then(|element| element.text_content());
        settings.questionnaire = match definition {
            Some(json) => QuestionnaireChoice::Definition {
                json,
                setting: setting.clone(),
            },
            None => {
                problems.push(SettingProblem::new(
                    setting.clone(),
                    ProblemKind::QuestionnaireMissing,
                ));
                QuestionnaireChoice::Builtin
            }
        };
    }

    let shared = NAMESPACES_IN_USE.with_borrow_mut(|in_use| {
        let shared = in_use.contains(&settings.namespace);
        if !shared {
            in_use.push(settings.namespace.clone());
        }
        shared
    });
    if shared {
        problems.push(SettingProblem::new(
            "data-namespace".into(),
            ProblemKind::NamespaceShared,
        ));
    }

    if standalone {
        if let (Some(title), Some(document)) = (&settings.title, host.owner_document()) {
            document.set_title(title);
        }
    }
    (settings, problems)
}

/// Gives `container` (the widget's own element inside its shadow root) the practice's accent
/// colours, through the CSS object model: allowed under a strict Content-Security-Policy, and
/// every value is a `#rrggbb` the domain formatted itself.
pub fn apply_accent(container: &HtmlElement, settings: &PracticeSettings) {
    let Some(palette) = &settings.accent else {
        return;
    };
    let style = container.style();
    for (property, value) in palette.custom_properties() {
        let _ = style.set_property(property, &value);
    }
}

/// Forgets a namespace when its widget is removed, so mounting it again is not "shared".
pub fn release_namespace(namespace: &str) {
    NAMESPACES_IN_USE.with_borrow_mut(|in_use| in_use.retain(|used| used != namespace));
}

/// Finds the element with `id` in the page or inside any widget's shadow root.
pub fn element_by_id(id: &str) -> Option<Element> {
    let document = web_sys::window()?.document()?;
    if let Some(element) = document.get_element_by_id(id) {
        return Some(element);
    }
    let hosts = document
        .query_selector_all("[data-alliance-checkin]")
        .ok()?;
    (0..hosts.length())
        .filter_map(|index| hosts.item(index))
        .filter_map(|node| node.dyn_into::<Element>().ok())
        .filter_map(|host| host.shadow_root())
        .find_map(|root| root.get_element_by_id(id))
}
