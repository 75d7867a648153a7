//! The history section: the count, the trend chart, the undo banner after a deletion, the list
//! of check-ins and the backup panel. It reads the history engine and the widget context, and
//! hands the client's changes to the engine.

use std::sync::Arc;

use leptos::prelude::*;

use crate::browser::clock::{format_date_time, now_ms};
use crate::browser::storage::{write_preference, LocalStore};
use crate::domain::backup::export_backup;
use crate::domain::backup::ImportFile;
use crate::domain::chart::chart_points;
use crate::domain::checkin::CheckIn;
use crate::domain::history_engine::{EntryStatus, HistoryEngine, Keys};
use crate::domain::instrument::Instrument;
use crate::domain::reminders::{backup_reminder_due, BackupMark};
use crate::domain::report::same_relationship;
use crate::domain::text::{fill, Text};
use crate::ui::app::{Screen, WidgetContext};
use crate::ui::backup_panel::{BackupPanel, BackupRequest, RestoreOutcome};
use crate::ui::history_handle::HistoryHandle;
use crate::ui::history_list::HistoryList;
use crate::ui::notices::Notice;
use crate::ui::parts::{part_or_notice, trend_chart};
use crate::ui::{button, reactive};

/// A deletion the client can still undo: the copy deleted, and whether it was on the device.
#[derive(Clone, Debug, PartialEq)]
struct LastDeleted {
    entry: CheckIn,
    was_kept: bool,
}

/// The section's state, made once per widget by `App` (the section itself is rebuilt on a
/// language switch; this is not).
#[derive(Clone, Copy)]
pub struct SectionState {
    last_deleted: RwSignal<Option<LastDeleted>>,
    restore_outcome: RwSignal<Option<RestoreOutcome>>,
    backup_mark: RwSignal<Option<BackupMark>>,
    /// Whether the backup panel is open (it stays open across a language switch).
    backup_open: RwSignal<bool>,
}

impl SectionState {
    pub fn new(keys: &Keys) -> Self {
        let mark = LocalStore::open()
            .ok()
            .and_then(|store| store.get(&keys.last_backup()).ok().flatten())
            .and_then(|stored| BackupMark::parse(&stored));
        SectionState {
            last_deleted: RwSignal::new(None),
            restore_outcome: RwSignal::new(None),
            backup_mark: RwSignal::new(mark),
            backup_open: RwSignal::new(false),
        }
    }

    /// Restores a backup into the device and shows its report. It needs nothing of the view
    /// (both handles live as long as the widget), so a restore whose file or part arrives
    /// after the view was rebuilt (the language changed meanwhile) still happens.
    pub fn restore(&self, history: HistoryHandle, file: ImportFile) {
        let restore_outcome = self.restore_outcome;
        history.change(
            move |engine| engine.import(file),
            move |engine| {
                if let Some(report) = engine.take_import_report() {
                    restore_outcome.set(Some(RestoreOutcome::Done(report)));
                }
            },
        );
    }

    /// Counts the backup reminder from now: a backup was downloaded or copied. Like `restore`,
    /// it needs nothing of the view, so a copy whose clipboard answers after the view was
    /// rebuilt (the language changed meanwhile) is still counted.
    pub fn mark_backed_up(&self, history: HistoryHandle, keys: &Keys) {
        let mark = BackupMark {
            at_ms: now_ms(),
            check_ins: history.read_untracked(HistoryEngine::stored_count),
        };
        self.backup_mark.set(Some(mark));
        // Only the reminder's memory: when storage is blocked the reminder simply counts
        // from the page's start, so there is nothing to tell the client.
        if let Ok(store) = LocalStore::open() {
            let _ = write_preference(&store, &keys.last_backup(), &mark.encode());
        }
    }

    /// Forgets what only made sense before "delete everything".
    pub fn clear(&self) {
        self.last_deleted.set(None);
        self.restore_outcome.set(None);
        self.backup_mark.set(None);
    }
}

#[component]
pub fn HistorySection(
    /// The language's strings.
    text: &'static Text,
    /// The questionnaire in that language.
    instrument: Arc<Instrument>,
) -> impl IntoView {
    let context = expect_context::<WidgetContext>();
    let (history, state) = (context.history, context.section);
    let SectionState {
        last_deleted,
        restore_outcome,
        backup_mark,
        backup_open,
    } = state;
    let notices = context.notices;
    let screen = context.screen;

    // Merged once per change of the engine: the count, the chart, the list and the reminder
    // all read these (a derived signal would merge the history again for each of them).
    let entries = Memo::new(move |_| history.read(HistoryEngine::history));
    let read_only = Signal::derive(move || history.read(|engine| engine.read_only().to_vec()));
    let not_kept = Signal::derive(move || {
        entries.with(|shown| history.read(|engine| engine.not_saved(shown)))
    });

    let delete = Callback::new(move |entry: CheckIn| {
        let was_kept = history
            .read_untracked(|engine| engine.status(&entry.id) != EntryStatus::NotKeptByChoice);
        last_deleted.set(Some(LastDeleted {
            entry: entry.clone(),
            was_kept,
        }));
        // The screen showing this check-in has nothing left to show.
        let shows_it = screen.with_untracked(|screen| match screen {
            Screen::Result { entry: shown, .. } | Screen::Edit { entry: shown } => {
                shown.id == entry.id
            }
            _ => false,
        });
        if shows_it {
            screen.set(Screen::Form);
        }
        history.change(move |engine| engine.delete(&entry, now_ms()), |_| {});
    });
    let undo_delete = Callback::new(move |()| {
        let Some(LastDeleted { entry, was_kept }) = last_deleted.get_untracked() else {
            return;
        };
        last_deleted.set(None);
        history.change(move |engine| engine.undo_delete(entry, was_kept), |_| {});
    });

    let keys = context.keys.clone();
    let backup_request = Callback::new(move |request: BackupRequest| match request {
        BackupRequest::MarkBackedUp => state.mark_backed_up(history, &keys),
        BackupRequest::DeleteEverything => {
            state.clear();
            history.change(HistoryEngine::erase_everything, move |engine| {
                if engine.last_problem().is_none() {
                    notices.set(vec![Notice::DeletedEverything]);
                }
            });
        }
    });

    let reminder_due = Signal::derive(move || {
        let first = entries.with(|shown| shown.first().map(|entry| entry.completed_at_ms));
        history.read(|engine| {
            backup_reminder_due(now_ms(), engine.stored_count(), first, backup_mark.get())
        })
    });
    let backup_text = Callback::new(move |()| {
        history.read_untracked(|engine| {
            export_backup(&engine.everything(), &engine.deletions(), now_ms())
        })
    });
    let csv_input = {
        let instrument = instrument.clone();
        Callback::new(move |()| {
            (
                history.read_untracked(HistoryEngine::everything),
                instrument.clone(),
            )
        })
    };

    let chart = {
        let (instrument, id_prefix) = (instrument.clone(), context.id_prefix.clone());
        move || {
            let all = entries.get();
            let latest = all.last().cloned();
            let points = latest
                .map(|latest| {
                    let same: Vec<CheckIn> = all
                        .into_iter()
                        .filter(|entry| same_relationship(entry, &latest))
                        .collect();
                    chart_points(&instrument, &same)
                })
                .unwrap_or_default();
            (points.len() >= 2).then(|| {
                let chart = trend_chart(points, instrument.clone(), text, id_prefix.clone());
                Suspend::new(async move { part_or_notice(chart.await, text) }).into_any()
            })
        }
    };
    let undo_banner = move || {
        last_deleted.get().map(|deleted| {
            view! {
                <div class="aci-banner" role="status">
                    <p>
                        {fill(
                            text.deleted_entry,
                            &[("date", &format_date_time(text.language_tag, deleted.entry.completed_at_ms))],
                        )}
                    </p>
                    {button("aci-button", text.undo, move || undo_delete.run(()))}
                </div>
            }
            .into_any()
        })
    };

    view! {
        <section class="aci-history">
            <h2 class="aci-history__heading">
                {text.history_heading}
                " "
                <span class="aci-history__count">
                    {move || (entries.with(Vec::len) + read_only.with(Vec::len)).to_string()}
                </span>
            </h2>
            {reactive(move || chart().into_any())}
            {move || undo_banner().into_any()}
            <HistoryList
                history=entries.into()
                not_kept=not_kept
                read_only=read_only
                instrument=instrument.clone()
                text=text
                on_share=context.open_summary
                on_delete=delete
                on_edit=context.start_correction
            />
        </section>
        <BackupPanel
            text=text
            backup_text=backup_text
            csv_input=csv_input
            reminder_due=reminder_due
            restore_outcome=restore_outcome
            open=backup_open
            on_request=backup_request
            id_prefix=context.id_prefix.clone()
        />
    }
}
