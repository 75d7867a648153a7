//! The widget's root: holds the check-in state, loads and saves through the storage adapter,
//! keeps the draft, follows other tabs, and switches between the form and the result.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use leptos::{
    either::{Either, EitherOf5},
    ev,
    prelude::*,
};

use crate::browser::clock::{browser_languages, format_date_time, mark, now_ms};
use crate::browser::durability::{request_persistent_storage, with_exclusive_lock};
use crate::browser::focus::focus_when_rendered;
use crate::browser::ids::new_entry_id;
use crate::browser::storage::{
    change_history, clear_draft, delete_everything, read_draft, read_history, read_preference,
    write_draft, write_preference, DraftRead, Keys, LocalStore, SaveError, StoredDataProblem,
};
use crate::domain::backup::{export_backup, export_csv, import_into, read_import, ImportError};
use crate::domain::builtin::{builtin_instrument_in, BUILTIN_INSTRUMENT_ID};
use crate::domain::chart::chart_points;
use crate::domain::checkin::{
    delete_entry, in_completion_order, merge_by_id, merge_histories, note_length, restore_entry,
    CheckIn, History, InstrumentRef, NoteLength,
};
use crate::domain::definition::parse_definition;
use crate::domain::draft::{Draft, DraftDecision};
use crate::domain::instrument::{Instrument, Scale};
use crate::domain::preferences::{choose_language, AnswerStyle};
use crate::domain::reminders::{backup_reminder_due, BackupMark};
use crate::domain::report::{report_for_entry, same_relationship};
use crate::domain::scoring::Answer;
use crate::domain::settings::{
    apply_practice_thresholds, PracticeSettings, ProblemKind, QuestionnaireChoice, SettingProblem,
};
use crate::domain::text::{catalogue_for, fill, Text};
use crate::ui::backup_panel::{BackupPanel, BackupRequest, RestoreOutcome};
use crate::ui::history_list::HistoryList;
use crate::ui::likert_item::LikertItem;
use crate::ui::line_item::LineItem;
use crate::ui::note_field::NoteField;
use crate::ui::notices::{push_notice, Notice, Notices, SettingProblems, UnreadableData};
use crate::ui::result_view::{ResultView, SaveStatus};
use crate::ui::settings_panel::SettingsPanel;
use crate::ui::summary_view::SummaryView;
use crate::ui::trend_chart::TrendChart;

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
    /// Correcting `entry`, the latest check-in.
    Edit {
        entry: CheckIn,
    },
}

/// Where changes to the stored history go: each one is applied to what storage holds at that
/// moment (re-read inside the Web Lock, merged by id with deletions kept, written back), and
/// the page's copy follows.
#[derive(Clone)]
struct HistoryWriter {
    keys: Keys,
    stored: RwSignal<History>,
    notices: RwSignal<Vec<Notice>>,
}

impl HistoryWriter {
    fn write(
        &self,
        change: impl FnOnce(History) -> History + 'static,
        done: impl FnOnce(Result<(), SaveError>) + 'static,
    ) {
        let this = self.clone();
        with_exclusive_lock(&self.keys.history(), move || {
            let outcome = LocalStore::open()
                .map_err(SaveError::Storage)
                .and_then(|store| change_history(&store, &this.keys, now_ms(), change))
                .map(|saved| {
                    this.stored.set(saved.history);
                    for problem in &saved.problems {
                        push_notice(this.notices, Notice::of_problem(problem));
                    }
                });
            done(outcome);
        });
    }
}

/// What the draft banner above the form shows.
#[derive(Clone, Debug, PartialEq)]
pub enum DraftBanner {
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

    /// Puts a saved check-in's answers and note in, to correct it.
    fn restore_entry(&self, instrument: &Instrument, entry: &CheckIn) {
        for (item, value) in instrument.items.iter().zip(&self.values) {
            let answer = entry
                .answers
                .iter()
                .find(|answer| answer.item_id == item.id);
            value.set(answer.map(|answer| answer.value));
        }
        self.note.set(entry.note.clone());
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
    // The practice's settings from the host element (the defaults when mounted without them).
    let (settings, mut setting_problems) =
        use_context::<(PracticeSettings, Vec<SettingProblem>)>().unwrap_or_default();
    let keys = Keys::new(&settings.namespace);
    let id_prefix = next_id_prefix();

    let notices = RwSignal::new(Vec::<Notice>::new());
    // The client's own choices win over the practice's (see `choose_language`).
    let preference = |key: String| {
        LocalStore::open()
            .ok()
            .and_then(|store| read_preference(&store, &key).ok().flatten())
    };
    // The practice's questionnaire when it reads; otherwise the built-in, with every problem
    // of the definition named for the practice.
    let mut questionnaire_language = None;
    let practice_definition = match &settings.questionnaire {
        QuestionnaireChoice::Definition { json, setting } => match parse_definition(json, "en") {
            Ok(instrument) => {
                questionnaire_language = instrument.language;
                Some(json.clone())
            }
            Err(errors) => {
                let errors = errors.iter().map(ToString::to_string).collect();
                setting_problems.push(SettingProblem::new(
                    setting.clone(),
                    ProblemKind::QuestionnaireInvalid(errors),
                ));
                None
            }
        },
        QuestionnaireChoice::Builtin | QuestionnaireChoice::Element { .. } => None,
    };
    // The client > the practice > the questionnaire's own language > the browser > English.
    let language = RwSignal::new(choose_language(
        preference(keys.language()).as_deref(),
        settings
            .language
            .as_deref()
            .or(questionnaire_language.as_deref()),
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
    let instrument_in = {
        let settings = settings.clone();
        move |text: &'static Text| {
            let mut instrument = practice_definition
                .as_deref()
                .and_then(|json| parse_definition(json, text.language_tag).ok())
                .unwrap_or_else(|| builtin_instrument_in(text));
            let problems = apply_practice_thresholds(&mut instrument, &settings);
            (instrument, problems)
        }
    };
    let (first_instrument, instrument_problems) = instrument_in(language.get_untracked());
    setting_problems.extend(instrument_problems);
    let instrument = Arc::new(first_instrument);
    // The client's choice wins over the practice's default.
    let keep_history = RwSignal::new(match preference(keys.keep_history()).as_deref() {
        Some("no") => false,
        Some("yes") => true,
        _ => settings.keep_history,
    });
    let backup_mark =
        RwSignal::new(preference(keys.last_backup()).and_then(|stored| BackupMark::parse(&stored)));
    // What storage holds (with its deletions), check-ins a newer version saved (shown, never
    // changed), and check-ins this page holds but the device does not (not saved, or the client
    // chose not to keep them): kept for this page's life.
    let stored = RwSignal::new(History::default());
    let read_only = RwSignal::new(Vec::<CheckIn>::new());
    let unsaved = RwSignal::new(Vec::<CheckIn>::new());
    // A memo: every reader shares one merged copy instead of re-merging on each read.
    let history: Signal<Vec<CheckIn>> =
        Memo::new(move |_| merge_by_id(stored.with(|kept| kept.entries.clone()), &unsaved.get()))
            .into();
    let not_kept = Signal::derive(move || {
        unsaved.with(|kept| kept.iter().map(|entry| entry.id.clone()).collect())
    });
    // Backup keys of stored data that could not be read, so the client can copy or download it.
    let unreadable_keys = RwSignal::new(Vec::<String>::new());
    let last_deleted = RwSignal::new(None::<CheckIn>);
    let restore_outcome = RwSignal::new(None::<RestoreOutcome>);
    let edit_answers = Answers::new(&instrument);
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
            mark("aci-history-read-start");
            let result = LocalStore::open().and_then(|store| read_history(&store, &keys, now_ms()));
            mark("aci-history-read-end");
            match result {
                Ok(read) => {
                    stored.set(read.history);
                    read_only.set(read.read_only);
                    for problem in &read.problems {
                        push_notice(notices, Notice::of_problem(problem));
                        if let StoredDataProblem::HistoryUnreadableKeptAside {
                            backup_key, ..
                        } = problem
                        {
                            unreadable_keys.update(|keys| {
                                if !keys.contains(backup_key) {
                                    keys.push(backup_key.clone());
                                }
                            });
                        }
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

    let writer = HistoryWriter {
        keys: keys.clone(),
        stored,
        notices,
    };
    // Another tab wrote the history: show its check-ins too, and put back any check-in saved
    // here that its write replaced. (Without Web Locks, two tabs can read before either write
    // is visible to the other, and the write that lands last would otherwise win. A deleted
    // check-in is never put back: its tombstone travels with every write.)
    let storage_listener = {
        let (keys, writer) = (keys.clone(), writer.clone());
        window_event_listener(ev::storage, move |event| {
            if !keys.concerns_history(event.key().as_deref()) {
                return;
            }
            load_history();
            let missing: Vec<CheckIn> = stored.with_untracked(|stored| {
                saved_here.with_value(|saved| {
                    saved
                        .iter()
                        .filter(|entry| {
                            !stored.entries.iter().any(|kept| kept.id == entry.id)
                                && !stored.deleted.iter().any(|gone| gone.id == entry.id)
                        })
                        .cloned()
                        .collect()
                })
            });
            if missing.is_empty() {
                return;
            }
            let adding = History {
                entries: missing,
                deleted: Vec::new(),
            };
            writer.write(move |history| merge_histories(history, &adding), |_| {});
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
            // The client chose not to keep check-ins here: nor the one in progress.
            if !keep_history.get() {
                if clear_draft(&store, &keys).is_ok() {
                    wrote_draft.set_value(false);
                }
                return;
            }
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

    // Shows the result of a finished or corrected check-in. Keyboard and screen-reader users
    // land on its heading, not on a vanished button.
    let show = Callback::new({
        let result_prefix = id_prefix.clone();
        move |(entry, saved): (CheckIn, SaveStatus)| {
            screen.set(Screen::Result { entry, saved });
            focus_when_rendered(format!("{result_prefix}-result-heading"));
        }
    });
    let submit = Callback::new({
        let (instrument, keys, answers, writer) = (
            instrument.clone(),
            keys.clone(),
            answers.clone(),
            writer.clone(),
        );
        let (practice, therapist) = (
            settings.practice_name.clone(),
            settings.therapist_name.clone(),
        );
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
                practice: practice.clone(),
                therapist: therapist.clone(),
                edited_at_ms: None,
            };
            wrote_draft.set_value(false);
            answers.clear();
            draft_banner.set(DraftBanner::Hidden);
            if !keep_history.get_untracked() {
                unsaved.update(|kept| kept.push(entry.clone()));
                show.run((entry, SaveStatus::NotSaved(Notice::NotKeptByChoice)));
                return;
            }
            let keys = keys.clone();
            let adding = History {
                entries: vec![entry.clone()],
                deleted: Vec::new(),
            };
            writer.write(
                move |history| merge_histories(history, &adding),
                move |outcome| match outcome {
                    Ok(()) => {
                        saved_here.update_value(|saved| saved.push(entry.clone()));
                        // Saved: the draft has done its job.
                        if let Ok(store) = LocalStore::open() {
                            let _ = clear_draft(&store, &keys);
                        }
                        request_persistent_storage();
                        show.run((entry, SaveStatus::Saved));
                    }
                    Err(error) => {
                        // Not lost: kept in this page, and the draft (if any) stays on the device.
                        unsaved.update(|kept| kept.push(entry.clone()));
                        show.run((entry, SaveStatus::NotSaved(Notice::of_save_error(&error))));
                    }
                },
            );
        }
    });

    let save_correction = Callback::new({
        let (instrument, edit_answers, writer) =
            (instrument.clone(), edit_answers.clone(), writer.clone());
        move |()| {
            let Screen::Edit { entry } = screen.get_untracked() else {
                return;
            };
            let placed = edit_answers.placed_now(&instrument);
            let note = edit_answers.note.get_untracked();
            if placed.len() != instrument.items.len()
                || matches!(note_length(&note), NoteLength::Over { .. })
            {
                return;
            }
            let corrected = CheckIn {
                answers: placed,
                note,
                edited_at_ms: Some(now_ms()),
                ..entry
            };
            if unsaved.with_untracked(|kept| kept.iter().any(|kept| kept.id == corrected.id)) {
                unsaved.update(|kept| {
                    for kept in kept.iter_mut().filter(|kept| kept.id == corrected.id) {
                        *kept = corrected.clone();
                    }
                });
                show.run((corrected, SaveStatus::NotSaved(Notice::NotKeptByChoice)));
                return;
            }
            let replacing = History {
                entries: vec![corrected.clone()],
                deleted: Vec::new(),
            };
            writer.write(
                move |history| merge_histories(history, &replacing),
                move |outcome| match outcome {
                    Ok(()) => show.run((corrected, SaveStatus::Saved)),
                    Err(error) => show.run((
                        corrected,
                        SaveStatus::NotSaved(Notice::of_save_error(&error)),
                    )),
                },
            );
        }
    });
    let start_correction = Callback::new({
        let (instrument, edit_answers) = (instrument.clone(), edit_answers.clone());
        let id_prefix = id_prefix.clone();
        move |entry: CheckIn| {
            edit_answers.restore_entry(&instrument, &entry);
            screen.set(Screen::Edit { entry });
            focus_when_rendered(format!("{id_prefix}-form-heading"));
        }
    });

    let delete = Callback::new({
        let writer = writer.clone();
        move |entry: CheckIn| {
            last_deleted.set(Some(entry.clone()));
            if unsaved.with_untracked(|kept| kept.iter().any(|kept| kept.id == entry.id)) {
                unsaved.update(|kept| kept.retain(|kept| kept.id != entry.id));
                return;
            }
            saved_here.update_value(|saved| saved.retain(|saved| saved.id != entry.id));
            let id = entry.id.clone();
            writer.write(move |history| delete_entry(history, &id, now_ms()), |_| {});
        }
    });
    let undo_delete = Callback::new({
        let writer = writer.clone();
        move |()| {
            let Some(entry) = last_deleted.get_untracked() else {
                return;
            };
            last_deleted.set(None);
            if !keep_history.get_untracked() {
                unsaved.update(|kept| kept.push(entry));
                return;
            }
            saved_here.update_value(|saved| saved.push(entry.clone()));
            writer.write(move |history| restore_entry(history, entry), |_| {});
        }
    });

    let backup_request = Callback::new({
        let (keys, writer) = (keys.clone(), writer.clone());
        move |request: BackupRequest| match request {
            BackupRequest::MarkBackedUp => {
                let mark = BackupMark {
                    at_ms: now_ms(),
                    check_ins: stored.with_untracked(|kept| kept.entries.len()),
                };
                backup_mark.set(Some(mark));
                // Only the reminder's memory: when storage is blocked the reminder simply
                // counts from the page's start, so there is nothing to tell the client.
                if let Ok(store) = LocalStore::open() {
                    let _ = write_preference(&store, &keys.last_backup(), &mark.encode());
                }
            }
            BackupRequest::Import(file) => {
                let report = std::rc::Rc::new(std::cell::RefCell::new(None));
                let filled = report.clone();
                writer.write(
                    move |history| {
                        let (history, import_report) = import_into(history, &file);
                        *filled.borrow_mut() = Some(import_report);
                        history
                    },
                    move |outcome| match outcome {
                        Ok(()) => {
                            let report = report.borrow_mut().take();
                            restore_outcome.set(report.map(RestoreOutcome::Done));
                        }
                        Err(error) => push_notice(notices, Notice::of_save_error(&error)),
                    },
                );
            }
            BackupRequest::DeleteEverything => {
                match LocalStore::open().and_then(|store| delete_everything(&store, &keys)) {
                    Ok(()) => {
                        stored.set(History::default());
                        read_only.set(Vec::new());
                        unsaved.set(Vec::new());
                        unreadable_keys.set(Vec::new());
                        last_deleted.set(None);
                        restore_outcome.set(None);
                        backup_mark.set(None);
                        saved_here.set_value(Vec::new());
                        wrote_draft.set_value(false);
                        notices.set(vec![Notice::DeletedEverything]);
                    }
                    Err(error) => push_notice(notices, Notice::of_storage_error(&error)),
                }
            }
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

    let on_keep_history = Callback::new({
        let keys = keys.clone();
        move |keep: bool| {
            keep_history.set(keep);
            keep_preference(keys.keep_history(), if keep { "yes" } else { "no" });
        }
    });
    let cancel_correction = Callback::new(move |()| screen.set(Screen::Form));
    let no_draft_banner = RwSignal::new(DraftBanner::Hidden);
    let reminder_due = Signal::derive(move || {
        stored.with(|kept| {
            backup_reminder_due(
                now_ms(),
                kept.entries.len(),
                kept.entries.first().map(|entry| entry.completed_at_ms),
                backup_mark.get(),
            )
        })
    });
    // Everything the client can see, for exports: kept, not kept here, and a newer version's.
    let everything_shown = move || {
        let mut entries = history.get_untracked();
        entries.extend(read_only.get_untracked());
        in_completion_order(entries)
    };
    let backup_text = Callback::new(move |()| export_backup(&everything_shown(), now_ms()));
    let read_file = Callback::new(move |contents: String| {
        read_import(&contents).map_err(|error| {
            let text = language.get_untracked();
            match error {
                ImportError::NotOurs(_) => text.import_not_a_backup,
                ImportError::Damaged(_) => text.import_damaged,
                ImportError::NewerVersion { .. } => text.import_newer,
            }
        })
    });

    let show_history = settings.show_history;
    let header = (settings.title.is_some() || settings.practice_name.is_some()).then(|| {
        let (title, practice_name) = (settings.title.clone(), settings.practice_name.clone());
        move || {
            view! {
                <header class="aci-header">
                    {practice_name.clone().map(|name| view! { <p class="aci-header__practice">{name}</p> })}
                    {title.clone().map(|title| view! { <p class="aci-header__title">{title}</p> })}
                </header>
            }
        }
    });
    // Everything the client reads is rebuilt when the language changes; the state above is not.
    let screen_view = move |text: &'static Text, instrument: Arc<Instrument>, id_prefix: String| {
        let (settings, answers, edit_answers) =
            (settings.clone(), answers.clone(), edit_answers.clone());
        move || match screen.get() {
            Screen::Form => EitherOf5::A(view! {
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
            Screen::Edit { entry } => EitherOf5::E(view! {
                <CheckInForm
                    instrument=instrument.clone()
                    values=edit_answers.values.clone()
                    note=edit_answers.note
                    id_prefix=id_prefix.clone()
                    text=text
                    draft_banner=no_draft_banner
                    answer_style=answer_style
                    on_submit=save_correction
                    on_start_over=cancel_correction
                    on_continue_draft=cancel_correction
                    correcting=(entry.completed_at_ms, cancel_correction)
                />
            }),
            Screen::Summary { entry, .. } => EitherOf5::D(view! {
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
                    Ok(report) => EitherOf5::B(view! {
                        <ResultView
                            report=report
                            saved=saved
                            text=text
                            safety_text=settings.safety_text.clone()
                            id_prefix=id_prefix.clone()
                            on_done=back_to_form
                            on_share={
                                let entry = entry.clone();
                                Callback::new(move |()| open_summary.run(entry.clone()))
                            }
                        />
                    }),
                    // Unreachable for an entry built from a complete form; show the form.
                    Err(_) => EitherOf5::C(view! { <p>{text.save_failed}</p> }),
                }
            }
        }
    };

    move || {
        let text = language.get();
        let shown_instrument = Arc::new(instrument_in(text).0);
        let chart_prefix = id_prefix.clone();
        let history_section = show_history.then(|| view! {
                <section class="aci-history">
                    <h2 class="aci-history__heading">
                        {text.history_heading}
                        " "
                        <span class="aci-history__count">
                            {move || history.with(Vec::len) + read_only.with(Vec::len)}
                        </span>
                    </h2>
                    {
                        let (instrument, id_prefix) = (shown_instrument.clone(), chart_prefix);
                        move || {
                            let entries = history.get();
                            let latest = entries.last().cloned();
                            let points = latest
                                .map(|latest| {
                                    let same: Vec<CheckIn> = entries
                                        .into_iter()
                                        .filter(|entry| same_relationship(entry, &latest))
                                        .collect();
                                    chart_points(&instrument, &same)
                                })
                                .unwrap_or_default();
                            (points.len() >= 2).then(|| view! {
                                <TrendChart
                                    points=points
                                    instrument=instrument.clone()
                                    text=text
                                    id_prefix=id_prefix.clone()
                                />
                            })
                        }
                    }
                    {move || last_deleted.get().map(|entry| view! {
                        <div class="aci-banner" role="status">
                            <p>
                                {fill(
                                    text.deleted_entry,
                                    &[("date", &format_date_time(text.language_tag, entry.completed_at_ms))],
                                )}
                            </p>
                            <button
                                type="button"
                                class="aci-button"
                                on:click=move |_| undo_delete.run(())
                            >
                                {text.undo}
                            </button>
                        </div>
                    })}
                <HistoryList
                    history=history
                    not_kept=not_kept
                    read_only=read_only.into()
                    instrument=shown_instrument.clone()
                    text=text
                    on_share=open_summary
                    on_delete=delete
                    on_edit=start_correction
                />
                </section>
                <BackupPanel
                    text=text
                    backup_text=backup_text
                    csv_text={
                        let instrument = shown_instrument.clone();
                        Callback::new(move |()| export_csv(&everything_shown(), &instrument))
                    }
                    reminder_due=reminder_due
                    restore_outcome=restore_outcome
                    read_file=read_file
                    on_request=backup_request
                    id_prefix=id_prefix.clone()
                />
        });
        view! {
            <div class="aci" lang=text.language_tag dir=text.text_direction>
                {header.clone()}
                <SettingsPanel
                    text=text
                    answer_style=answer_style
                    open=settings_open.get_value()
                    id_prefix=id_prefix.clone()
                    on_language=on_language
                    on_answer_style=on_answer_style
                    keep_history=keep_history
                    on_keep_history=on_keep_history
                />
                <SettingProblems problems=setting_problems.clone() text=text/>
                <Notices notices=notices text=text/>
                <UnreadableData keys=unreadable_keys text=text/>
                {screen_view(text, shown_instrument.clone(), id_prefix.clone())}
                {history_section}
                {(shown_instrument.id == BUILTIN_INSTRUMENT_ID)
                    .then(|| view! { <p class="aci-footnote">{text.not_validated}</p> })}
            </div>
        }
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
            <button
                type="button"
                class="aci-button aci-button--quiet"
                on:click=move |_| on_cancel.run(())
            >
                {text.cancel}
            </button>
        }
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
            Scale::Likert { .. } => Either::Left(view! {
                <LikertItem item=item value=value id_prefix=id_prefix.clone() text=text/>
            }),
            Scale::VisualAnalogue { .. } => Either::Right(view! {
                <LineItem
                    item=item
                    value=value
                    answer_style=answer_style
                    id_prefix=id_prefix.clone()
                    text=text
                />
            }),
        })
        .collect_view();
    // Licence or copyright text the questionnaire's owner requires, as plain text.
    let attribution = instrument.attribution.clone().map(
        |attribution| view! { <p class="aci-footnote aci-likert-attribution">{attribution}</p> },
    );
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
                {heading}
            </h2>
            <p class="aci-lead">{intro}</p>
            <p class="aci-muted">{text.honest_answers}</p>
            {banner}
            {has_lines.then(|| view! {
                <p class="aci-hint">
                    {move || match answer_style.get() {
                        AnswerStyle::Slider => text.slider_hint,
                        AnswerStyle::Numbers => text.number_hint,
                    }}
                </p>
            })}
            <div class="aci-items">{items}</div>
            {attribution}
            <NoteField note=note id_prefix=id_prefix.clone() text=text/>
            <div class="aci-submit">
                <button
                    type="submit"
                    class="aci-button aci-button--primary"
                    disabled=move || !can_submit()
                    aria-describedby=hint_id.clone()
                >
                    {submit_label}
                </button>
                {cancel}
                <p class="aci-submit__hint" id=hint_id aria-live="polite">
                    {submit_hint}
                </p>
            </div>
        </form>
    }
}
