//! The client's settings: the language, whether to answer with whole numbers instead of the
//! slider, and whether to keep new check-ins on this device. A native disclosure (`<details>`), a native select and a native checkbox; each choice
//! applies at once and is kept on this device.

use leptos::prelude::*;

use crate::domain::preferences::AnswerStyle;
use crate::domain::text::{Text, CATALOGUES};

#[component]
pub fn SettingsPanel(
    /// The language's strings (the current language).
    text: &'static Text,
    /// Slider or whole numbers.
    answer_style: RwSignal<AnswerStyle>,
    /// Whether the panel starts open (it stays open across a language switch).
    open: bool,
    /// Prefix that makes element ids unique on the page.
    id_prefix: String,
    /// The client chose a language (its tag).
    on_language: Callback<String>,
    /// The client chose how to answer.
    on_answer_style: Callback<AnswerStyle>,
    /// Whether new check-ins are kept on this device.
    keep_history: RwSignal<bool>,
    /// The client chose whether to keep new check-ins on this device.
    on_keep_history: Callback<bool>,
) -> impl IntoView {
    let language_id = format!("{id_prefix}-language");
    let options = CATALOGUES
        .iter()
        .map(|catalogue| {
            view! {
                <option
                    value=catalogue.language_tag
                    lang=catalogue.language_tag
                    selected=catalogue.language_tag == text.language_tag
                >
                    {catalogue.language_name}
                </option>
            }
        })
        .map(IntoAny::into_any)
        .collect_view();
    view! {
        <details class="aci-settings" open=open>
            <summary class="aci-settings__summary">{text.settings_heading}</summary>
            <div class="aci-settings__body">
                <label class="aci-settings__label" for=language_id.clone()>
                    {text.language_label}
                </label>
                <select
                    class="aci-select"
                    id=language_id
                    on:change=move |event| on_language.run(event_target_value(&event))
                >
                    {options}
                </select>
                <label class="aci-switch">
                    <input
                        type="checkbox"
                        class="aci-switch__box"
                        prop:checked=move || answer_style.get() == AnswerStyle::Numbers
                        on:change=move |event| {
                            on_answer_style
                                .run(
                                    if event_target_checked(&event) {
                                        AnswerStyle::Numbers
                                    } else {
                                        AnswerStyle::Slider
                                    },
                                )
                        }
                    />
                    <span>{text.numbers_instead_of_slider}</span>
                </label>
                <label class="aci-switch">
                    <input
                        type="checkbox"
                        class="aci-switch__box"
                        prop:checked=move || keep_history.get()
                        on:change=move |event| on_keep_history.run(event_target_checked(&event))
                    />
                    <span>{text.keep_history}</span>
                </label>
                {move || (!keep_history.get()).then(|| view! { <p class="aci-hint">{text.keep_history_off}</p> }.into_any()).into_any()}
                <p class="aci-muted">{text.settings_kept}</p>
            </div>
        </details>
    }
}
