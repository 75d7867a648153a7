//! One 0-10 item, answered one of two ways (the client chooses in settings; the stored answer is
//! the same tenths either way):
//! - a native range input whose thumb stays hidden (the item lacks `aci-item--answered`) and
//!   whose `aria-valuetext` says "not answered yet" until the client places it, so no value is
//!   pre-set; a tap anywhere on the track places the value there (mobile Safari does not);
//! - eleven native radio buttons 0-10 for a whole number (no dragging: tremor, switch access),
//!   with − and + buttons that fine-tune by 0.1.

use leptos::{ev, html, prelude::*};

use crate::domain::instrument::{Item, Scale, VISUAL_ANALOGUE_MAX};
use crate::domain::preferences::AnswerStyle;
use crate::domain::report::item_score_words;
use crate::domain::tenths::Tenths;
use crate::domain::text::{fill, Text};
use crate::ui::reactive;

/// Width of the slider thumb in CSS pixels; must match `--aci-thumb` in style/widget.css so a
/// tap maps to the value under the finger.
const THUMB_WIDTH_PX: f64 = 32.0;
/// Where the hidden thumb rests before the item is answered (never stored).
const RESTING_VALUE: u16 = VISUAL_ANALOGUE_MAX / 2;

/// The value (in tenths) under a pointer at `client_x` on a range input spanning
/// `left..left + width`, the way browsers map a thumb's centre. In right-to-left text the
/// range runs from the right.
pub fn value_at(client_x: f64, left: f64, width: f64, right_to_left: bool) -> u16 {
    let travel = (width - THUMB_WIDTH_PX).max(1.0);
    let from_left = ((client_x - left - THUMB_WIDTH_PX / 2.0) / travel).clamp(0.0, 1.0);
    let fraction = if right_to_left {
        1.0 - from_left
    } else {
        from_left
    };
    (fraction * f64::from(VISUAL_ANALOGUE_MAX)).round() as u16
}

/// What a screen reader hears for the slider's value.
pub fn value_text(text: &Text, value: Option<u16>, low_label: &str, high_label: &str) -> String {
    let Some(value) = value else {
        return text.not_answered_yet.to_owned();
    };
    let shown = Tenths(i32::from(value)).format_with(text.decimal_separator);
    match value.cmp(&RESTING_VALUE) {
        std::cmp::Ordering::Less => fill(
            text.value_towards,
            &[("value", &shown), ("label", low_label)],
        ),
        std::cmp::Ordering::Greater => fill(
            text.value_towards,
            &[("value", &shown), ("label", high_label)],
        ),
        std::cmp::Ordering::Equal => fill(text.value_midway, &[("value", &shown)]),
    }
}

/// A 0-10 line item.
#[component]
pub fn LineItem(
    /// The item to present; its scale must be a visual-analogue line.
    item: Item,
    /// The placed value in tenths; `None` until the client places it.
    value: RwSignal<Option<u16>>,
    /// Prefix that makes element ids unique on the page (several widgets may share one).
    id_prefix: String,
    /// Slider or whole numbers.
    answer_style: RwSignal<AnswerStyle>,
    /// The language's strings.
    text: &'static Text,
) -> impl IntoView {
    let (low_label, high_label) = match &item.scale {
        Scale::VisualAnalogue {
            low_label,
            high_label,
        } => (low_label.clone(), high_label.clone()),
        Scale::Likert { .. } => (String::new(), String::new()),
    };
    let input_id = format!("{id_prefix}-item-{}", item.id);
    let prompt_id = format!("{input_id}-prompt");
    let ends_id = format!("{input_id}-ends");
    let input_ref = NodeRef::<html::Input>::new();
    // Set when the browser itself moved the value during the current press, so the tap
    // fallback below does not second-guess it.
    let moved_natively = StoredValue::new(false);

    let aria_value_text = {
        let (low, high) = (low_label.clone(), high_label.clone());
        move || value_text(text, value.get(), &low, &high)
    };
    let shown_value = move || match value.get() {
        Some(tenths) => item_score_words(
            text,
            Tenths(i32::from(tenths)),
            Tenths(i32::from(VISUAL_ANALOGUE_MAX)),
        ),
        None => text.not_answered_short.to_owned(),
    };
    let on_input = move |event: ev::Event| {
        moved_natively.set_value(true);
        if let Ok(tenths) = event_target_value(&event).parse::<u16>() {
            value.set(Some(tenths.min(VISUAL_ANALOGUE_MAX)));
        }
    };
    // A press that ends without the browser having moved the value (mobile Safari ignores taps
    // on the track; every browser ignores a tap on the resting, hidden thumb) places it here.
    // `pointerup`, not `click`: Chromium sends no click for a touch on a range input's thumb,
    // and a scroll that starts on the line ends in `pointercancel`, so scrolling never answers.
    let on_pointer_up = move |event: ev::PointerEvent| {
        if moved_natively.get_value() {
            return;
        }
        if let Some(input) = input_ref.get_untracked() {
            let rect = input.get_bounding_client_rect();
            value.set(Some(value_at(
                f64::from(event.client_x()),
                rect.left(),
                rect.width(),
                text.text_direction == "rtl",
            )));
        }
    };

    let title_id = format!("{input_id}-title");
    let described_by = format!("{prompt_id} {ends_id}");
    let slider = {
        let (input_id, title_id, described_by) =
            (input_id.clone(), title_id.clone(), described_by.clone());
        move || {
            view! {
                <input
                    type="range"
                    class="aci-range"
                    id=input_id.clone()
                    min="0"
                    max=VISUAL_ANALOGUE_MAX.to_string()
                    step="1"
                    aria-labelledby=title_id.clone()
                    aria-describedby=described_by.clone()
                    aria-valuetext=reactive(aria_value_text.clone())
                    prop:value=move || value.get().unwrap_or(RESTING_VALUE).to_string()
                    node_ref=input_ref
                    on:pointerdown=move |_| moved_natively.set_value(false)
                    on:input=on_input
                    on:pointerup=on_pointer_up
                />
            }
        }
    };
    let numbers = {
        let (title, title_id) = (item.title.clone(), title_id.clone());
        move || {
            let name = format!("{input_id}-number");
            let choices = (0..=10u16)
                .map(|number| {
                    let tenths = number * 10;
                    let id = format!("{name}-{number}");
                    view! {
                        <span class="aci-number">
                        <input
                            type="radio"
                            class="aci-number__input"
                            id=id.clone()
                            name=name.clone()
                            prop:checked=move || value.get() == Some(tenths)
                            on:change=move |_| value.set(Some(tenths))
                        />
                        <label class="aci-number__label" for=id>{number.to_string()}</label>
                        </span>
                    }
                })
                .map(IntoAny::into_any)
                .collect_view();
            // Fine-tune by one tenth; `limit` is where the button stops.
            let tune = move |step: i16, limit: u16, symbol: &'static str, label: String| {
                view! {
                    <button
                        type="button"
                        class="aci-button aci-button--quiet aci-tune__button"
                        aria-label=label
                        prop:disabled=move || value.get().is_none_or(|current| current == limit)
                        on:click=move |_| {
                            value.update(|current| {
                                if let Some(current) = current {
                                    *current = current.saturating_add_signed(step).min(VISUAL_ANALOGUE_MAX);
                                }
                            })
                        }
                    >
                        {symbol}
                    </button>
                }
            };
            view! {
                <fieldset
                    class="aci-numbers"
                    aria-labelledby=title_id.clone()
                    aria-describedby=described_by.clone()
                >
                    <div class="aci-numbers__grid">{choices}</div>
                    <div class="aci-tune">
                        {tune(-1, 0, "−", fill(text.fine_tune_down, &[("title", &title)]))}
                        {tune(1, VISUAL_ANALOGUE_MAX, "+", fill(text.fine_tune_up, &[("title", &title)]))}
                        <output class="aci-tune__value" aria-live="polite">
                            {reactive(shown_value)}
                        </output>
                    </div>
                </fieldset>
            }
        }
    };

    view! {
        <div class=move || {
            // One class binding, not a `class:` toggle: it shares the code of the other
            // string bindings (see `ui::reactive`).
            if value.get().is_some() { "aci-item aci-item--answered" } else { "aci-item" }.to_owned()
        }>
            <div class="aci-item__head">
                <span class="aci-item__title" id=title_id>
                    {item.title.clone()}
                </span>
                <span class="aci-item__value" aria-hidden="true">
                    {reactive(shown_value)}
                </span>
            </div>
            <p class="aci-item__prompt" id=prompt_id>
                {item.prompt.clone()}
            </p>
            {move || match answer_style.get() {
                AnswerStyle::Slider => slider().into_any(),
                AnswerStyle::Numbers => numbers().into_any(),
            }}
            <div class="aci-item__ends" id=ends_id>
                <span class="aci-item__end">{low_label}</span>
                <span class="aci-item__end aci-item__end--high">{high_label}</span>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::ENGLISH;

    #[test]
    fn taps_map_to_the_value_under_the_finger() {
        // A 332 px wide input: the thumb centre travels from 16 to 316.
        assert_eq!(value_at(16.0, 0.0, 332.0, false), 0);
        assert_eq!(value_at(316.0, 0.0, 332.0, false), 100);
        assert_eq!(value_at(166.0, 0.0, 332.0, false), 50);
        assert_eq!(value_at(241.0, 0.0, 332.0, false), 75);
        assert_eq!(value_at(-50.0, 0.0, 332.0, false), 0);
        assert_eq!(value_at(900.0, 0.0, 332.0, false), 100);
        assert_eq!(value_at(116.0, 100.0, 332.0, false), 0);
        // Right to left: 0 is at the right-hand end.
        assert_eq!(value_at(316.0, 0.0, 332.0, true), 0);
        assert_eq!(value_at(91.0, 0.0, 332.0, true), 75);
    }

    #[test]
    fn value_text_says_unanswered_then_value_and_direction() {
        let low = "didn't suit me";
        let high = "suited me well";
        assert_eq!(value_text(&ENGLISH, None, low, high), "not answered yet");
        assert_eq!(
            value_text(&ENGLISH, Some(75), low, high),
            "7.5 of 10, towards “suited me well”"
        );
        assert_eq!(
            value_text(&ENGLISH, Some(0), low, high),
            "0 of 10, towards “didn't suit me”"
        );
        assert_eq!(value_text(&ENGLISH, Some(50), low, high), "5 of 10, midway");
    }
}
