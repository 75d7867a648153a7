//! Component tests in headless Chromium (wasm-bindgen-test): the widget is mounted into a fresh
//! element and driven through the DOM the way a person would, then what they would see is
//! checked: the unanswered state of the lines, when Finish is available, the note limit, and a
//! five-point questionnaire's labelled radios (the form mounted on its own with that instrument).
#![cfg(target_arch = "wasm32")]

use alliance_checkin::App;
use leptos::{mount::mount_to, task::tick};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    Event, EventInit, HtmlButtonElement, HtmlElement, HtmlInputElement, HtmlTextAreaElement,
    PointerEvent, PointerEventInit,
};

wasm_bindgen_test_configure!(run_in_browser);

const HISTORY_KEY: &str = "alliance-checkin:default:history";

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Clears the device's storage and mounts a fresh widget; keep the handle alive for the test.
fn mount_app() -> (HtmlElement, impl Sized) {
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
    let root: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    let handle = mount_to(root.clone(), || leptos::view! { <App/> });
    (root, handle)
}

/// Waits (up to two seconds) until `selector` matches inside `root`: a save waits for a Web
/// Lock, so the result appears a moment after the click, sooner or later depending on the machine.
async fn wait_for(root: &HtmlElement, selector: &str) {
    for _ in 0..200 {
        tick().await;
        if root.query_selector(selector).ok().flatten().is_some() {
            return;
        }
        let pause = js_sys::Promise::new(&mut |resolve, _| {
            web_sys::window()
                .unwrap()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 10)
                .unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(pause).await.unwrap();
    }
    panic!("{selector} did not appear within two seconds");
}

fn all<T: JsCast>(root: &HtmlElement, selector: &str) -> Vec<T> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|index| list.item(index).unwrap().unchecked_into())
        .collect()
}

fn one<T: JsCast>(root: &HtmlElement, selector: &str) -> T {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .unchecked_into()
}

fn lines(root: &HtmlElement) -> Vec<HtmlInputElement> {
    all(root, "input.aci-range")
}

fn fire_input(target: &web_sys::EventTarget) {
    let init = EventInit::new();
    init.set_bubbles(true);
    target
        .dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
}

/// Moves a line the way a drag or an arrow key does: the browser sets the value, then `input`.
fn place(line: &HtmlInputElement, tenths: u16) {
    line.set_value(&tenths.to_string());
    fire_input(line);
}

fn type_note(root: &HtmlElement, text: &str) {
    let field: HtmlTextAreaElement = one(root, "textarea");
    field.set_value(text);
    fire_input(&field);
}

fn finish_button(root: &HtmlElement) -> HtmlButtonElement {
    one(root, "button[type=submit]")
}

fn text_of(root: &HtmlElement, selector: &str) -> String {
    one::<HtmlElement>(root, selector)
        .text_content()
        .unwrap_or_default()
}

/// Places every line, writes the note, presses Finish and waits for the result.
async fn finish_check_in(root: &HtmlElement, tenths: [u16; 4], note: &str) {
    tick().await;
    for (line, value) in lines(root).iter().zip(tenths) {
        place(line, value);
    }
    type_note(root, note);
    tick().await;
    finish_button(root).click();
    wait_for(root, ".aci-result").await;
}

#[wasm_bindgen_test]
async fn a_line_is_unanswered_until_the_client_places_it() {
    let (root, _app) = mount_app();
    tick().await;
    let lines = lines(&root);
    assert_eq!(lines.len(), 4);
    for line in &lines {
        assert_eq!(
            line.get_attribute("aria-valuetext").as_deref(),
            Some("not answered yet")
        );
    }
    for item in all::<HtmlElement>(&root, ".aci-item") {
        assert!(!item.class_list().contains("aci-item--answered"));
    }
    assert_eq!(text_of(&root, ".aci-item__value"), "Not answered");

    place(&lines[0], 75);
    tick().await;
    assert_eq!(
        lines[0].get_attribute("aria-valuetext").as_deref(),
        Some("7.5 of 10, towards “I could be open without feeling judged”")
    );
    let items: Vec<HtmlElement> = all(&root, ".aci-item");
    assert!(items[0].class_list().contains("aci-item--answered"));
    assert_eq!(text_of(&root, ".aci-item__value"), "7.5 of 10");
    // The others are still unanswered: placing one never places another.
    assert!(!items[1].class_list().contains("aci-item--answered"));
    assert_eq!(
        lines[1].get_attribute("aria-valuetext").as_deref(),
        Some("not answered yet")
    );
}

#[wasm_bindgen_test]
async fn a_tap_on_the_track_places_the_value_under_the_finger() {
    let (root, _app) = mount_app();
    tick().await;
    let line = &lines(&root)[2];
    let rect = line.get_bounding_client_rect();
    // Three quarters of the way along the thumb's travel (32 px thumb).
    let x = rect.left() + 16.0 + 0.75 * (rect.width() - 32.0);
    let init = PointerEventInit::new();
    init.set_bubbles(true);
    init.set_client_x(x.round() as i32);
    init.set_client_y((rect.top() + rect.height() / 2.0) as i32);
    for kind in ["pointerdown", "pointerup"] {
        line.dispatch_event(&PointerEvent::new_with_event_init_dict(kind, &init).unwrap())
            .unwrap();
    }
    tick().await;
    let spoken = line.get_attribute("aria-valuetext").unwrap();
    assert!(
        spoken.starts_with("7.5 of 10")
            || spoken.starts_with("7.4 of 10")
            || spoken.starts_with("7.6 of 10"),
        "{spoken}"
    );
    let item: HtmlElement = all(&root, ".aci-item").swap_remove(2);
    assert!(item.class_list().contains("aci-item--answered"));
}

#[wasm_bindgen_test]
async fn finish_is_available_only_when_every_item_is_answered() {
    let (root, _app) = mount_app();
    tick().await;
    let lines = lines(&root);
    assert!(finish_button(&root).disabled());
    assert_eq!(
        text_of(&root, ".aci-submit__hint"),
        "4 questions left to answer."
    );
    for line in &lines[..3] {
        place(line, 90);
    }
    tick().await;
    assert!(finish_button(&root).disabled());
    assert_eq!(
        text_of(&root, ".aci-submit__hint"),
        "1 question left to answer."
    );
    // Zero is a real answer, not "unanswered".
    place(&lines[3], 0);
    tick().await;
    assert!(!finish_button(&root).disabled());
    assert_eq!(text_of(&root, ".aci-submit__hint"), "");
}

#[wasm_bindgen_test]
async fn an_over_long_note_is_kept_whole_and_blocks_finishing() {
    let (root, _app) = mount_app();
    tick().await;
    for line in lines(&root) {
        place(&line, 80);
    }
    let pasted = "ü".repeat(1005);
    type_note(&root, &pasted);
    tick().await;
    let field: HtmlTextAreaElement = one(&root, "textarea");
    assert_eq!(field.value().chars().count(), 1005, "nothing is cut");
    assert_eq!(
        text_of(&root, ".aci-note__counter"),
        "1005 of 1000 characters"
    );
    assert!(text_of(&root, ".aci-note__error").contains("5 characters over the limit of 1000"));
    assert_eq!(field.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(finish_button(&root).disabled());
    assert_eq!(
        text_of(&root, ".aci-submit__hint"),
        "Shorten your note to finish."
    );

    type_note(&root, &"ü".repeat(1000));
    tick().await;
    assert_eq!(text_of(&root, ".aci-note__error"), "");
    assert!(!finish_button(&root).disabled());
}

#[wasm_bindgen_test]
async fn finishing_saves_on_the_device_and_shows_the_result() {
    let (root, _app) = mount_app();
    finish_check_in(&root, [92, 88, 100, 75], "Thanks for today").await;
    assert_eq!(
        text_of(&root, ".aci-result h2"),
        "Thank you for checking in"
    );
    assert!(text_of(&root, ".aci-score--total").contains("35.5 of 40"));
    assert_eq!(text_of(&root, ".aci-saved"), "Saved on this device.");
    assert_eq!(text_of(&root, ".aci-history__count"), "1");
    let stored = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item(HISTORY_KEY)
        .unwrap()
        .expect("the history was written");
    assert!(stored.contains(r#""note":"Thanks for today""#), "{stored}");
    assert!(
        stored.contains(r#"{"item":"overall","value":75}"#),
        "{stored}"
    );
}

#[wasm_bindgen_test]
async fn the_summary_previews_exactly_what_the_switches_choose() {
    let (root, _app) = mount_app();
    finish_check_in(&root, [92, 88, 100, 75], "Thanks for today").await;
    one::<HtmlButtonElement>(&root, ".aci-result .aci-button--primary").click();
    // One tick renders the summary screen, the next runs its text area's value binding.
    tick().await;
    tick().await;
    let preview = || one::<HtmlTextAreaElement>(&root, ".aci-summary textarea").value();
    assert!(
        preview().contains("Total 35.5 of 40, under 36"),
        "{}",
        preview()
    );
    assert!(preview().contains("Thanks for today"));

    let include_note: HtmlInputElement = one(&root, ".aci-summary input[type=checkbox]");
    assert!(include_note.checked());
    include_note.click();
    tick().await;
    assert!(!include_note.checked());
    assert!(!preview().contains("Thanks for today"), "{}", preview());
    assert!(preview().contains("Total 35.5 of 40, under 36"));
}

/// The 12-item five-point example definition (placeholder wording only).
const FIVE_POINT_EXAMPLE: &str = include_str!("../src/instruments/example-12-item-5-point.json");

#[wasm_bindgen_test]
async fn a_five_point_questionnaire_is_answered_with_labelled_radios() {
    use alliance_checkin::domain::definition::parse_definition;
    use alliance_checkin::domain::preferences::AnswerStyle;
    use alliance_checkin::domain::text::ENGLISH;
    use alliance_checkin::ui::check_in_form::{CheckInForm, DraftBanner};
    use leptos::prelude::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    let instrument = Arc::new(parse_definition(FIVE_POINT_EXAMPLE, "en").unwrap());
    let values: Vec<RwSignal<Option<u16>>> = instrument
        .items
        .iter()
        .map(|_| RwSignal::new(None))
        .collect();
    let submitted = Arc::new(AtomicBool::new(false));
    let root: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    let _form = {
        let (instrument, values, submitted) =
            (instrument.clone(), values.clone(), submitted.clone());
        mount_to(root.clone(), move || {
            let submitted = submitted.clone();
            view! {
                <CheckInForm
                    instrument=instrument.clone()
                    values=values.clone()
                    note=RwSignal::new(String::new())
                    id_prefix="likert-test".to_owned()
                    text=&ENGLISH
                    draft_banner=RwSignal::new(DraftBanner::Hidden)
                    answer_style=RwSignal::new(AnswerStyle::Slider)
                    on_submit=Callback::new(move |()| submitted.store(true, Ordering::SeqCst))
                    on_start_over=Callback::new(|()| ())
                    on_continue_draft=Callback::new(|()| ())
                />
            }
        })
    };
    tick().await;

    // One fieldset per item, its legend the title and prompt; one radio per point, its label
    // visible beside it, nothing chosen yet. No line, so no slider hint.
    let groups: Vec<HtmlElement> = all(&root, "fieldset.aci-likert__group");
    assert_eq!(groups.len(), 12);
    let legend = text_of(&groups[0], "legend");
    assert!(legend.contains("Item 1"), "{legend}");
    assert!(
        legend.contains("Item 1: text from your licensed copy"),
        "{legend}"
    );
    assert!(root.query_selector(".aci-hint").unwrap().is_none());
    assert!(lines(&root).is_empty());
    let radios: Vec<HtmlInputElement> = all(&root, "input[type=radio]");
    assert_eq!(radios.len(), 60);
    assert!(radios.iter().all(|radio| !radio.checked()));
    let first_item: Vec<HtmlElement> = all(&groups[0], "label.aci-likert__option");
    let labels: Vec<String> = first_item
        .iter()
        .map(|label| label.text_content().unwrap_or_default())
        .collect();
    assert_eq!(
        labels,
        (1..=5)
            .map(|point| format!("Point {point} label from your licensed copy"))
            .collect::<Vec<_>>()
    );
    for (label, radio) in first_item.iter().zip(&radios) {
        assert_eq!(label.get_attribute("for"), Some(radio.id()));
        assert!(label.contains(Some(radio)));
    }
    // The five radios of an item share a name no other item (or widget) uses.
    assert!(radios[..5]
        .iter()
        .all(|radio| radio.name() == radios[0].name()));
    assert_ne!(radios[5].name(), radios[0].name());
    assert!(radios[0].name().starts_with("likert-test-"));
    assert_eq!(
        text_of(&root, ".aci-likert-attribution"),
        "Replace with the attribution your licence requires."
    );

    assert!(finish_button(&root).disabled());
    assert_eq!(
        text_of(&root, ".aci-submit__hint"),
        "12 questions left to answer."
    );
    // Choose the third point of the first eleven items, then the first point of the last.
    for item in 0..11 {
        radios[item * 5 + 2].click();
    }
    tick().await;
    assert!(radios[2].checked());
    assert_eq!(values[0].get_untracked(), Some(3), "the point's own value");
    let answered: Vec<HtmlElement> = all(&root, ".aci-likert.aci-item--answered");
    assert_eq!(answered.len(), 11);
    assert!(finish_button(&root).disabled());
    assert_eq!(
        text_of(&root, ".aci-submit__hint"),
        "1 question left to answer."
    );
    radios[55].click();
    tick().await;
    assert_eq!(values[11].get_untracked(), Some(1));
    assert!(!finish_button(&root).disabled());
    assert_eq!(text_of(&root, ".aci-submit__hint"), "");
    // Changing one's mind replaces the answer; it never adds a second one.
    radios[3].click();
    tick().await;
    assert!(radios[3].checked() && !radios[2].checked());
    assert_eq!(values[0].get_untracked(), Some(4));

    finish_button(&root).click();
    tick().await;
    assert!(submitted.load(Ordering::SeqCst));
}
