//! The optional note: a textarea with a visible character counter. There is deliberately no
//! `maxlength`: a browser would silently cut pasted text, so an over-long note is kept whole,
//! flagged, and blocks finishing until the client shortens it.

use leptos::prelude::*;

use crate::browser::clock::browser_languages;
use crate::domain::checkin::{note_length, NoteLength, NOTE_LIMIT};
use crate::domain::crisis::crisis_words;
use crate::domain::settings::{PracticeSettings, SettingProblem};
use crate::domain::text::{fill, Text};
use crate::ui::reactive;

#[component]
pub fn NoteField(
    /// The note's text.
    note: RwSignal<String>,
    /// Prefix that makes element ids unique on the page.
    id_prefix: String,
    /// The language's strings.
    text: &'static Text,
) -> impl IntoView {
    let field_id = format!("{id_prefix}-note");
    let hint_id = format!("{field_id}-hint");
    let counter_id = format!("{field_id}-counter");
    let error_id = format!("{field_id}-error");
    let length = move || note.with(|note| note_length(note));
    let is_over = move || matches!(length(), NoteLength::Over { .. });
    let limit = NOTE_LIMIT.to_string();
    let counter = {
        let limit = limit.clone();
        move || {
            let used = match length() {
                NoteLength::Within { used } | NoteLength::Over { used, .. } => used,
            };
            fill(
                text.note_counter,
                &[("used", &used.to_string()), ("limit", &limit)],
            )
        }
    };
    let over_message = move || match length() {
        NoteLength::Over { excess, .. } => fill(
            text.note_over_limit,
            &[("excess", &excess.to_string()), ("limit", &limit)],
        ),
        NoteLength::Within { .. } => String::new(),
    };
    let described_by = format!("{hint_id} {counter_id} {error_id}");
    // A client may write about risk here: the safety line sits under the field, not only on
    // the result. The practice's own safety text wins over the region's numbers.
    let practice = with_context::<(PracticeSettings, Vec<SettingProblem>), _>(|(settings, _)| {
        settings.safety_text.clone()
    })
    .flatten();
    let safety = format!(
        "{} {}",
        text.note_safety,
        crisis_words(text, practice.as_deref(), &browser_languages())
    );

    view! {
        <div class="aci-note">
            <label class="aci-note__label" for=field_id.clone()>
                {text.note_label}
            </label>
            <p class="aci-note__hint" id=hint_id>
                {text.note_hint}
            </p>
            <textarea
                dir="auto"
                class="aci-note__field"
                id=field_id
                rows="4"
                aria-describedby=described_by
                aria-invalid=move || if is_over() { "true" } else { "false" }.to_owned()
                prop:value=move || note.get()
                on:input=move |event| note.set(event_target_value(&event))
            ></textarea>
            <p class="aci-note__counter" id=counter_id>
                {reactive(counter)}
            </p>
            <p class="aci-note__error" id=error_id role="alert">
                {reactive(over_message)}
            </p>
            <p class="aci-note__hint aci-note__safety">{safety}</p>
        </div>
    }
}
