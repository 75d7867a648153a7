//! The check-in form (new or correcting a saved check-in): the draft banner, one line or set of
//! choices per item, the attribution, the note, and the finish button; and the answers it edits.

use std::sync::Arc;

use leptos::prelude::*;

use crate::browser::clock::format_date_time;
use crate::domain::builtin::BUILTIN_INSTRUMENT_ID;
use crate::domain::checkin::{note_length, CheckIn, NoteLength};
use crate::domain::draft::Draft;
use crate::domain::instrument::{Instrument, Scale, VISUAL_ANALOGUE_MAX};
use crate::domain::preferences::AnswerStyle;
use crate::domain::scoring::Answer;
use crate::domain::text::{fill, Text};
use crate::ui::likert_item::LikertItem;
use crate::ui::line_item::LineItem;
use crate::ui::note_field::NoteField;
use crate::ui::{button, reactive};

/// What the draft banner above the form shows.
#[derive(Clone, Debug, PartialEq)]
pub enum DraftBanner {
    Hidden,
    /// A recent draft was restored.
    Restored,
    /// An old draft waits for the client's choice; nothing overwrites it meanwhile.
    Offered(Draft),
}

/// What the client answered on the first screen the loader showed before the widget mounted
/// (`domain::skeleton`): the lines placed there, by item id, in tenths, and the note if it was
/// typed in. They win over a draft brought back at mount, for what they touched.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EarlyAnswers {
    pub lines: Vec<(String, u16)>,
    pub note: Option<String>,
}

impl EarlyAnswers {
    /// Reads the loader's `id=tenths,…` list of placed lines (a pair that does not read is
    /// skipped: the loader only writes ids and whole numbers) and the typed note.
    pub fn read(lines: Option<&str>, note: Option<String>) -> Self {
        let lines = lines
            .unwrap_or_default()
            .split(',')
            .filter_map(|pair| {
                let (id, tenths) = pair.split_once('=')?;
                Some((id.to_owned(), tenths.parse().ok()?))
            })
            .collect();
        EarlyAnswers { lines, note }
    }
}

/// The check-in in progress: one signal per item (`None` until placed) and the note.
#[derive(Clone)]
pub struct Answers {
    pub values: Vec<RwSignal<Option<u16>>>,
    pub note: RwSignal<String>,
    /// What the first screen handed over, put in again over any draft restored later.
    early: StoredValue<Option<EarlyAnswers>>,
}

impl Answers {
    pub fn new(instrument: &Instrument) -> Self {
        Answers {
            values: instrument
                .items
                .iter()
                .map(|_| RwSignal::new(None))
                .collect(),
            note: RwSignal::new(String::new()),
            early: StoredValue::new(None),
        }
    }

    /// The items placed so far, read with `read` (tracked in effects, untracked in handlers).
    fn collect(
        &self,
        instrument: &Instrument,
        read: impl Fn(&RwSignal<Option<u16>>) -> Option<u16>,
    ) -> Vec<Answer> {
        instrument
            .items
            .iter()
            .zip(&self.values)
            .filter_map(|(item, value)| {
                read(value).map(|value| Answer {
                    item_id: item.id.clone(),
                    value,
                })
            })
            .collect()
    }

    /// The items placed so far; the calling effect re-runs when one changes.
    pub fn placed(&self, instrument: &Instrument) -> Vec<Answer> {
        self.collect(instrument, |value| value.get())
    }

    /// The items placed so far, for event handlers (no tracking).
    pub fn placed_now(&self, instrument: &Instrument) -> Vec<Answer> {
        self.collect(instrument, |value| value.get_untracked())
    }

    pub fn clear(&self) {
        for value in &self.values {
            value.set(None);
        }
        self.note.set(String::new());
        self.early.set_value(None);
    }

    /// Puts a saved check-in's answers and note in, to correct it.
    pub fn restore_entry(&self, instrument: &Instrument, entry: &CheckIn) {
        for (item, value) in instrument.items.iter().zip(&self.values) {
            let answer = entry
                .answers
                .iter()
                .find(|answer| answer.item_id == item.id);
            value.set(answer.map(|answer| answer.value));
        }
        self.note.set(entry.note.clone());
    }

    /// Puts in what was answered before the widget mounted: each placed line whose item is a
    /// line of `instrument` (clamped to its range), and the note if one was typed. They win
    /// over a draft restored before or after (an old draft the client takes up later), for
    /// what they touched. The first screen never shows a draft's note, so a typed note goes
    /// after the draft's, never over it, and an emptied one changes nothing.
    pub fn adopt(&self, instrument: &Instrument, early: &EarlyAnswers) {
        self.early.set_value(Some(early.clone()));
        self.apply_early(instrument);
    }

    fn apply_early(&self, instrument: &Instrument) {
        let Some(early) = self.early.get_value() else {
            return;
        };
        for (item, value) in instrument.items.iter().zip(&self.values) {
            let placed = early.lines.iter().find(|(id, _)| *id == item.id);
            if let (Some((_, tenths)), Scale::VisualAnalogue { .. }) = (placed, &item.scale) {
                value.set(Some((*tenths).min(VISUAL_ANALOGUE_MAX)));
            }
        }
        match early.note {
            Some(typed) if !typed.trim().is_empty() => self.note.update(|note| {
                if note.trim().is_empty() {
                    *note = typed;
                } else if !note.ends_with(typed.as_str()) {
                    note.push_str("\n\n");
                    note.push_str(&typed);
                }
            }),
            _ => {}
        }
    }

    /// Puts a draft's answers back (answers outside an item's range are skipped), then what
    /// the first screen handed over, which wins for what it touched.
    pub fn restore(&self, instrument: &Instrument, draft: &Draft) {
        for (item, value) in instrument.items.iter().zip(&self.values) {
            let (low, high) = item.scale.answer_range();
            let restored = draft
                .answers
                .iter()
                .find(|answer| answer.item_id == item.id)
                .map(|answer| answer.value)
                .filter(|stored| (low..=high).contains(stored));
            value.set(restored);
        }
        self.note.set(draft.note.clone());
        self.apply_early(instrument);
    }
}

/// The check-in form: the draft banner, one line or set of choices per item, the attribution,
/// the note, and the finish button. Public so component tests can mount it with any instrument.
#[component]
pub fn CheckInForm(
    /// The questionnaire to present.
    instrument: Arc<Instrument>,
    /// One value per item, in order; `None` until placed.
    values: Vec<RwSignal<Option<u16>>>,
    /// The optional note.
    note: RwSignal<String>,
    /// Prefix that makes element ids unique on the page.
    id_prefix: String,
    /// The language's strings.
    text: &'static Text,
    /// The draft banner's state.
    draft_banner: RwSignal<DraftBanner>,
    /// Slider or whole numbers.
    answer_style: RwSignal<AnswerStyle>,
    /// Finish the check-in (only called when every item is answered and the note fits).
    on_submit: Callback<()>,
    /// Clear the answers and the saved draft.
    on_start_over: Callback<()>,
    /// Restore an offered old draft.
    on_continue_draft: Callback<()>,
    /// Set when correcting a saved check-in: when it was made, and how to cancel.
    #[prop(optional)]
    correcting: Option<(u64, Callback<()>)>,
) -> impl IntoView {
    let heading_id = format!("{id_prefix}-form-heading");
    // "Four quick questions" is true of the built-in check-in only.
    let form_intro = if instrument.id == BUILTIN_INSTRUMENT_ID {
        text.form_intro
    } else {
        text.form_intro_other
    };
    let (heading, intro, submit_label) = match correcting {
        Some(_) => (text.edit_heading, text.edit_intro, text.save_correction),
        None => (text.form_heading, form_intro, text.submit),
    };
    let has_lines = instrument
        .items
        .iter()
        .any(|item| matches!(item.scale, Scale::VisualAnalogue { .. }));
    let cancel = correcting.map(|(made_at_ms, on_cancel)| {
        view! {
            <p class="aci-muted">{format_date_time(text.language_tag, made_at_ms)}</p>
            {button("aci-button aci-button--quiet", text.cancel, move || on_cancel.run(()))}
        }
        .into_any()
    });
    let unanswered = {
        let values = values.clone();
        move || values.iter().filter(|value| value.get().is_none()).count()
    };
    let note_is_over =
        move || note.with(|note| matches!(note_length(note), NoteLength::Over { .. }));
    let can_submit = {
        let unanswered = unanswered.clone();
        move || unanswered() == 0 && !note_is_over()
    };
    let submit_hint = {
        let unanswered = unanswered.clone();
        move || match unanswered() {
            0 if note_is_over() => text.note_blocks_submit.to_owned(),
            0 => String::new(),
            1 => text.one_left.to_owned(),
            count => fill(text.many_left, &[("count", &count.to_string())]),
        }
    };
    let hint_id = format!("{id_prefix}-submit-hint");
    let items = instrument
        .items
        .iter()
        .cloned()
        .zip(values)
        .map(|(item, value)| match item.scale {
            Scale::Likert { .. } => view! {
                <LikertItem item=item value=value id_prefix=id_prefix.clone() text=text/>
            }
            .into_any(),
            Scale::VisualAnalogue { .. } => view! {
                <LineItem
                    item=item
                    value=value
                    answer_style=answer_style
                    id_prefix=id_prefix.clone()
                    text=text
                />
            }
            .into_any(),
        })
        .collect_view();
    // Licence or copyright text the questionnaire's owner requires, as plain text.
    let attribution = instrument.attribution.clone().map(|attribution| {
        view! { <p class="aci-footnote aci-likert-attribution">{attribution}</p> }.into_any()
    });
    // The banner is set once, when the widget starts, and then only hidden: a restored one
    // never turns into an offered one, so its two shapes need not be kept apart (`Either`).
    let banner = move || {
        match draft_banner.get() {
        DraftBanner::Hidden => None,
        DraftBanner::Restored => Some(view! {
            <div class="aci-banner" role="status">
                <p>{text.draft_restored}</p>
                {button("aci-button aci-button--quiet", text.start_over, move || on_start_over.run(()))}
            </div>
        }
        .into_any()),
        DraftBanner::Offered(draft) => Some(view! {
            <div class="aci-banner" role="status">
                <p>{fill(text.draft_offer, &[("date", &format_date_time(text.language_tag, draft.saved_at_ms))])}</p>
                <div class="aci-banner__actions">
                    {button("aci-button", text.draft_continue, move || on_continue_draft.run(()))}
                    {button("aci-button aci-button--quiet", text.draft_discard, move || on_start_over.run(()))}
                </div>
            </div>
        }
        .into_any()),
    }
    };
    let can_submit_for_handler = can_submit.clone();

    view! {
        <form
            class="aci-form"
            novalidate
            on:submit=move |event| {
                event.prevent_default();
                if can_submit_for_handler() {
                    on_submit.run(());
                }
            }
        >
            <h2 class="aci-heading" id=heading_id tabindex="-1">
                {heading}
            </h2>
            <p class="aci-lead">{intro}</p>
            <p class="aci-muted">{text.honest_answers}</p>
            {move || banner().into_any()}
            {has_lines.then(|| view! {
                <p class="aci-hint">
                    {move || match answer_style.get() {
                        AnswerStyle::Slider => text.slider_hint.to_owned(),
                        AnswerStyle::Numbers => text.number_hint.to_owned(),
                    }}
                </p>
            }.into_any())}
            <div class="aci-items">{items}</div>
            {attribution}
            <NoteField note=note id_prefix=id_prefix.clone() text=text/>
            <div class="aci-submit">
                <button
                    type="submit"
                    class="aci-button aci-button--primary"
                    prop:disabled=move || !can_submit()
                    aria-describedby=hint_id.clone()
                >
                    {submit_label}
                </button>
                {cancel}
                <p class="aci-submit__hint" id=hint_id aria-live="polite">
                    {reactive(submit_hint)}
                </p>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::builtin::builtin_instrument_in;
    use crate::domain::text::ENGLISH;

    #[test]
    fn answers_from_the_first_screen_are_read_and_win_over_a_restored_draft() {
        let early = EarlyAnswers::read(Some("connection=80,overall=30"), Some("typed".into()));
        assert_eq!(
            early.lines,
            vec![("connection".to_owned(), 80), ("overall".to_owned(), 30)]
        );
        // Nothing placed, nothing typed.
        assert_eq!(EarlyAnswers::read(Some(""), None), EarlyAnswers::default());
        assert_eq!(EarlyAnswers::read(None, None), EarlyAnswers::default());

        let instrument = builtin_instrument_in(&ENGLISH);
        let answers = Answers::new(&instrument);
        for value in &answers.values {
            value.set(Some(50));
        }
        answers.note.set("from the draft".into());
        answers.adopt(
            &instrument,
            &EarlyAnswers::read(Some("focus=70,overall=900,unknown=10"), None),
        );
        let values: Vec<_> = answers
            .values
            .iter()
            .map(|value| value.get_untracked())
            .collect();
        // Touched lines win (clamped to the line's range); untouched lines and the note stay.
        assert_eq!(values, [Some(50), Some(70), Some(50), Some(100)]);
        assert_eq!(answers.note.get_untracked(), "from the draft");
        // The first screen never shows a draft's note: an emptied note there changes nothing,
        // and a typed one goes after the draft's.
        answers.adopt(&instrument, &EarlyAnswers::read(None, Some(String::new())));
        assert_eq!(answers.note.get_untracked(), "from the draft");
        answers.adopt(
            &instrument,
            &EarlyAnswers::read(None, Some("and today".into())),
        );
        assert_eq!(answers.note.get_untracked(), "from the draft\n\nand today");
    }
}
