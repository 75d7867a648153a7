//! The widget's root: holds the check-in state, loads and saves through the storage adapter,
//! keeps the draft, follows other tabs, and switches between the form and the result.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use leptos::{
    either::{Either, EitherOf4},
    ev,
    prelude::*,
};

use crate::browser::clock::{browser_languages, format_date_time, now_ms};
use crate::browser::focus::focus_when_rendered;
use crate::browser::ids::new_entry_id;
use crate::browser::storage::{
    append_check_in, clear_draft, read_draft, read_history, read_preference, write_draft,
    write_preference, DraftRead, Keys, LocalStore, SaveError,
};
use crate::domain::builtin::builtin_instrument_in;
use crate::domain::checkin::{merge_by_id, note_length, CheckIn, InstrumentRef, NoteLength};
use crate::domain::draft::{Draft, DraftDecision};
use crate::domain::instrument::Instrument;
use crate::domain::preferences::{choose_language, AnswerStyle};
use crate::domain::report::report_for_entry;
use crate::domain::scoring::Answer;
use crate::domain::settings::{HostSettings, SettingProblem};
use crate::domain::text::{catalogue_for, fill, Text};
use crate::ui::history_list::HistoryList;
use crate::ui::line_item::LineItem;
use crate::ui::note_field::NoteField;
use crate::ui::notices::{push_notice, Notice, Notices};
use crate::ui::result_view::{ResultView, SaveStatus};
use crate::ui::settings_panel::SettingsPanel;
use crate::ui::summary_view::SummaryView;

/// The storage namespace used until configuration arrives.
pub const DEFAULT_NAMESPACE: &str = "default";

static NEXT_INSTANCE: AtomicU32 = AtomicU32::new(1);

/// A prefix that keeps element ids unique when several widgets share a page.
fn next_id_prefix() -> String {
    format!("aci{}", NEXT_INSTANCE.fetch_add(1, Ordering::Relaxed))
}

#[derive(Clone, Debug, PartialEq)]
enum Screen {
    Form,
    Result {
        entry: CheckIn,
        saved: SaveStatus,
    },
    /// The summary of `entry`; Back returns to `back_to`.
    Summary {
        entry: CheckIn,
        back_to: Box<Screen>,
    },
}

/// What the draft banner above the form shows.
#[derive(Clone, Debug, PartialEq)]
enum DraftBanner {
    Hidden,
    /// A recent draft was restored.
    Restored,
    /// An old draft waits for the client's choice; nothing overwrites it meanwhile.
    Offered(Draft),
}

/// The check-in in progress: one signal per item (`None` until placed) and the note.
#[derive(Clone)]
struct Answers {
    values: Vec<RwSignal<Option<u16>>>,
    note: RwSignal<String>,
}

impl Answers {
    fn new(instrument: &Instrument) -> Self {
        Answers {
            values: instrument
                .items
                .iter()
                .map(|_| RwSignal::new(None))
                .collect(),
            note: RwSignal::new(String::new()),
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
    fn placed(&self, instrument: &Instrument) -> Vec<Answer> {
        self.collect(instrument, |value| value.get())
    }

    /// The items placed so far, for event handlers (no tracking).
    fn placed_now(&self, instrument: &Instrument) -> Vec<Answer> {
        self.collect(instrument, |value| value.get_untracked())
    }

    fn clear(&self) {
        for value in &self.values {
            value.set(None);
        }
        self.note.set(String::new());
    }

    /// Puts a draft's answers back (answers outside an item's range are skipped).
    fn restore(&self, instrument: &Instrument, draft: &Draft) {
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
    }
}

/// The whole widget.
#[component]
pub fn App() -> impl IntoView {
    let keys = Keys::new(DEFAULT_NAMESPACE);
    let id_prefix = next_id_prefix();

    let notices = RwSignal::new(Vec::<Notice>::new());
    // The practice's settings from the host element (none when mounted without them).
    let (settings, setting_problems) =
        use_context::<(HostSettings, Vec<SettingProblem>)>().unwrap_or_default();
    for problem in setting_problems {
        push_notice(notices, Notice::of_setting_problem(problem));
    }
    // The client's own choices win over the practice's (see `choose_language`).
    let preference = |key: String| {
        LocalStore::open()
            .ok()
            .and_then(|store| read_preference(&store, &key).ok().flatten())
    };
    let language = RwSignal::new(choose_language(
        preference(keys.language()).as_deref(),
        settings.language.as_deref(),
        &browser_languages(),
    ));
    let answer_style = RwSignal::new(
        preference(keys.answer_style())
            .and_then(|stored| AnswerStyle::parse(&stored))
            .unwrap_or_default(),
    );
    // Open after a language switch, which re-renders the widget in the new language.
    let settings_open = StoredValue::new(false);
    // Scoring and records use this copy; the wording shown follows the language (same id,
    // version and scoring in every language).
    let instrument = Arc::new(builtin_instrument_in(language.get_untracked()));
    // What storage holds, and check-ins that could not be saved (kept for this page's life).
    let stored = RwSignal::new(Vec::<CheckIn>::new());
    let unsaved = RwSignal::new(Vec::<CheckIn>::new());
    let history = Signal::derive(move || merge_by_id(stored.get(), &unsaved.get()));
    let answers = Answers::new(&instrument);
    let screen = RwSignal::new(Screen::Form);
    let draft_banner = RwSignal::new(DraftBanner::Hidden);
    // False when the draft key holds something we could not set aside: never write over it.
    let draft_writable = StoredValue::new(true);
    let wrote_draft = StoredValue::new(false);
    // Check-ins saved by this page, so a concurrent write from another tab cannot drop them.
    let saved_here = StoredValue::new(Vec::<CheckIn>::new());

    // Load what the device holds.
    let load_history = {
        let keys = keys.clone();
        move || {
            let result = LocalStore::open().and_then(|store| read_history(&store, &keys, now_ms()));
            match result {
                Ok(read) => {
                    stored.set(read.entries);
                    for problem in &read.problems {
                        push_notice(notices, Notice::of_problem(problem));
                    }
                }
                Err(error) => push_notice(notices, Notice::of_storage_error(&error)),
            }
        }
    };
    load_history();
    match LocalStore::open().and_then(|store| read_draft(&store, &keys, now_ms())) {
        Ok(DraftRead::Found(draft)) => match draft.decide(&instrument, now_ms()) {
            DraftDecision::Restore => {
                answers.restore(&instrument, &draft);
                draft_banner.set(DraftBanner::Restored);
            }
            DraftDecision::Offer => draft_banner.set(DraftBanner::Offered(draft)),
            DraftDecision::Ignore => {}
        },
        Ok(DraftRead::KeptAside(problem)) => push_notice(notices, Notice::of_problem(&problem)),
        Ok(DraftRead::None) => {}
        Err(_) => draft_writable.set_value(false),
    }

    // Another tab wrote the history: show its check-ins too, and put back any check-in saved
    // here that its write replaced. (Two tabs can read before either write is visible to the
    // other; whichever write lands last would otherwise drop the other tab's entry.)
    let storage_listener = {
        let keys = keys.clone();
        window_event_listener(ev::storage, move |event| {
            if !keys.concerns_history(event.key().as_deref()) {
                return;
            }
            load_history();
            let missing: Vec<CheckIn> = stored.with_untracked(|stored| {
                saved_here.with_value(|saved| {
                    saved
                        .iter()
                        .filter(|entry| !stored.iter().any(|kept| kept.id == entry.id))
                        .cloned()
                        .collect()
                })
            });
            for entry in missing {
                let restored = LocalStore::open()
                    .map_err(SaveError::Storage)
                    .and_then(|store| append_check_in(&store, &keys, &entry, now_ms()));
                if let Ok(saved) = restored {
                    stored.set(saved.entries);
                }
            }
        })
    };
    on_cleanup(move || storage_listener.remove());

    // Keep the check-in in progress, so a reload or a switch to another app loses nothing.
    Effect::new({
        let (instrument, keys, answers) = (instrument.clone(), keys.clone(), answers.clone());
        move |_| {
            let placed = answers.placed(&instrument);
            let note = answers.note.get();
            let on_form = screen.with(|screen| matches!(screen, Screen::Form));
            let offer_pending =
                draft_banner.with(|banner| matches!(banner, DraftBanner::Offered(_)));
            if !on_form || offer_pending || !draft_writable.get_value() {
                return;
            }
            let Ok(store) = LocalStore::open() else {
                return;
            };
            let draft = Draft {
                saved_at_ms: now_ms(),
                instrument: InstrumentRef::of(&instrument),
                answers: placed,
                note,
            };
            if draft.is_empty() {
                if wrote_draft.get_value() && clear_draft(&store, &keys).is_ok() {
                    wrote_draft.set_value(false);
                }
            } else if write_draft(&store, &keys, &draft).is_ok() {
                wrote_draft.set_value(true);
            }
        }
    });

    let submit = Callback::new({
        let (instrument, keys, answers) = (instrument.clone(), keys.clone(), answers.clone());
        let result_prefix = id_prefix.clone();
        move |()| {
            let placed = answers.placed_now(&instrument);
            let note = answers.note.get_untracked();
            if placed.len() != instrument.items.len()
                || matches!(note_length(&note), NoteLength::Over { .. })
            {
                return;
            }
            let now = now_ms();
            let entry = CheckIn {
                id: new_entry_id(now),
                completed_at_ms: now,
                instrument: InstrumentRef::of(&instrument),
                answers: placed,
                note,
                practice: None,
                therapist: None,
                edited_at_ms: None,
            };
            let outcome = LocalStore::open()
                .map_err(SaveError::Storage)
                .and_then(|store| {
                    let saved = append_check_in(&store, &keys, &entry, now)?;
                    // Saved: the draft has done its job.
                    let _ = clear_draft(&store, &keys);
                    Ok(saved)
                });
            let saved = match outcome {
                Ok(saved) => {
                    stored.set(saved.entries);
                    saved_here.update_value(|saved| saved.push(entry.clone()));
                    for problem in &saved.problems {
                        push_notice(notices, Notice::of_problem(problem));
                    }
                    SaveStatus::Saved
                }
                Err(error) => {
                    // Not lost: kept in this page, and the draft (if any) stays on the device.
                    unsaved.update(|kept| kept.push(entry.clone()));
                    SaveStatus::NotSaved(Notice::of_save_error(&error))
                }
            };
            wrote_draft.set_value(false);
            answers.clear();
            draft_banner.set(DraftBanner::Hidden);
            screen.set(Screen::Result { entry, saved });
            // Keyboard and screen-reader users land on the result, not on a vanished button.
            focus_when_rendered(format!("{result_prefix}-result-heading"));
        }
    });

    let start_over = Callback::new({
        let (keys, answers) = (keys.clone(), answers.clone());
        move |()| {
            answers.clear();
            if let Ok(store) = LocalStore::open() {
                let _ = clear_draft(&store, &keys);
            }
            wrote_draft.set_value(false);
            draft_banner.set(DraftBanner::Hidden);
        }
    });
    let continue_draft = Callback::new({
        let (instrument, answers) = (instrument.clone(), answers.clone());
        move |()| {
            if let DraftBanner::Offered(draft) = draft_banner.get_untracked() {
                answers.restore(&instrument, &draft);
            }
            draft_banner.set(DraftBanner::Hidden);
        }
    });
    let open_summary = Callback::new({
        let id_prefix = id_prefix.clone();
        move |entry: CheckIn| {
            let back_to = Box::new(screen.get_untracked());
            screen.set(Screen::Summary { entry, back_to });
            focus_when_rendered(format!("{id_prefix}-summary-heading"));
        }
    });
    let close_summary = Callback::new(move |()| {
        if let Screen::Summary { back_to, .. } = screen.get_untracked() {
            screen.set(*back_to);
        }
    });
    let back_to_form = Callback::new({
        let id_prefix = id_prefix.clone();
        move |()| {
            screen.set(Screen::Form);
            focus_when_rendered(format!("{id_prefix}-form-heading"));
        }
    });

    let keep_preference = move |key: String, value: &str| {
        let kept = LocalStore::open().and_then(|store| write_preference(&store, &key, value));
        if kept.is_err() {
            push_notice(notices, Notice::SettingNotKept);
        }
    };
    let on_language = Callback::new({
        let (keys, id_prefix) = (keys.clone(), id_prefix.clone());
        move |tag: String| {
            if let Some(text) = catalogue_for(&tag) {
                settings_open.set_value(true);
                language.set(text);
                keep_preference(keys.language(), text.language_tag);
                focus_when_rendered(format!("{id_prefix}-language"));
            }
        }
    });
    let on_answer_style = Callback::new({
        let keys = keys.clone();
        move |style: AnswerStyle| {
            answer_style.set(style);
            keep_preference(keys.answer_style(), style.as_str());
        }
    });

    // Everything the client reads is rebuilt when the language changes; the state above is not.
    let screen_view = move |text: &'static Text, instrument: Arc<Instrument>, id_prefix: String| {
        let (settings, answers) = (settings.clone(), answers.clone());
        move || match screen.get() {
            Screen::Form => EitherOf4::A(view! {
                <CheckInForm
                    instrument=instrument.clone()
                    values=answers.values.clone()
                    note=answers.note
                    id_prefix=id_prefix.clone()
                    text=text
                    draft_banner=draft_banner
                    answer_style=answer_style
                    on_submit=submit
                    on_start_over=start_over
                    on_continue_draft=continue_draft
                />
            }),
            Screen::Summary { entry, .. } => EitherOf4::D(view! {
                <SummaryView
                    instrument=instrument.clone()
                    entry=entry
                    history=history.get_untracked()
                    settings=settings.clone()
                    text=text
                    id_prefix=id_prefix.clone()
                    on_back=close_summary
                />
            }),
            Screen::Result { entry, saved } => {
                let all = history.get_untracked();
                match report_for_entry(text, &instrument, &entry, &all) {
                    Ok(report) => EitherOf4::B(view! {
                        <ResultView
                            report=report
                            saved=saved
                            text=text
                            id_prefix=id_prefix.clone()
                            on_done=back_to_form
                            on_share={
                                let entry = entry.clone();
                                Callback::new(move |()| open_summary.run(entry.clone()))
                            }
                        />
                    }),
                    // Unreachable for an entry built from a complete form; show the form.
                    Err(_) => EitherOf4::C(view! { <p>{text.save_failed}</p> }),
                }
            }
        }
    };

    move || {
        let text = language.get();
        let shown_instrument = Arc::new(builtin_instrument_in(text));
        view! {
            <div class="aci" lang=text.language_tag dir=text.text_direction>
                <SettingsPanel
                    text=text
                    answer_style=answer_style
                    open=settings_open.get_value()
                    id_prefix=id_prefix.clone()
                    on_language=on_language
                    on_answer_style=on_answer_style
                />
                <Notices notices=notices text=text/>
                {screen_view(text, shown_instrument.clone(), id_prefix.clone())}
                <HistoryList
                    history=history
                    instrument=shown_instrument
                    text=text
                    on_share=open_summary
                />
                <p class="aci-footnote">{text.not_validated}</p>
            </div>
        }
    }
}

/// The check-in form: the draft banner, one line per item, the note, and the finish button.
#[component]
fn CheckInForm(
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
) -> impl IntoView {
    let heading_id = format!("{id_prefix}-form-heading");
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
        .map(|(item, value)| {
            view! {
                <LineItem
                    item=item
                    value=value
                    answer_style=answer_style
                    id_prefix=id_prefix.clone()
                    text=text
                />
            }
        })
        .collect_view();
    let banner = move || match draft_banner.get() {
        DraftBanner::Hidden => None,
        DraftBanner::Restored => Some(Either::Left(view! {
            <div class="aci-banner" role="status">
                <p>{text.draft_restored}</p>
                <button type="button" class="aci-button aci-button--quiet" on:click=move |_| on_start_over.run(())>
                    {text.start_over}
                </button>
            </div>
        })),
        DraftBanner::Offered(draft) => Some(Either::Right(view! {
            <div class="aci-banner" role="status">
                <p>{fill(text.draft_offer, &[("date", &format_date_time(text.language_tag, draft.saved_at_ms))])}</p>
                <div class="aci-banner__actions">
                    <button type="button" class="aci-button" on:click=move |_| on_continue_draft.run(())>
                        {text.draft_continue}
                    </button>
                    <button type="button" class="aci-button aci-button--quiet" on:click=move |_| on_start_over.run(())>
                        {text.draft_discard}
                    </button>
                </div>
            </div>
        })),
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
                {text.form_heading}
            </h2>
            <p class="aci-lead">{text.form_intro}</p>
            <p class="aci-muted">{text.honest_answers}</p>
            {banner}
            <p class="aci-hint">
                {move || match answer_style.get() {
                    AnswerStyle::Slider => text.slider_hint,
                    AnswerStyle::Numbers => text.number_hint,
                }}
            </p>
            <div class="aci-items">{items}</div>
            <NoteField note=note id_prefix=id_prefix.clone() text=text/>
            <div class="aci-submit">
                <button
                    type="submit"
                    class="aci-button aci-button--primary"
                    disabled=move || !can_submit()
                    aria-describedby=hint_id.clone()
                >
                    {text.submit}
                </button>
                <p class="aci-submit__hint" id=hint_id aria-live="polite">
                    {submit_hint}
                </p>
            </div>
        </form>
    }
}
