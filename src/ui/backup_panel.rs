//! Keeping a copy: download or copy a backup, download a CSV for a spreadsheet, restore from a
//! backup file (with a report of what was added, already here, or unreadable), the gentle
//! backup reminder, the home-screen hint where Safari would delete the data, and "delete all
//! my data" behind a confirmation.
//!
//! The panel is a native disclosure, closed at first. Its buttons are a part (`ui::parts`,
//! `backup_actions_view`), fetched when the client first opens it: most visits never do. What
//! the client needs without opening anything stays here, in the main module: what the panel is
//! for, the home-screen hint, the backup reminder with its own Download button, the status of
//! the last copy or download, and a restore's report.

use std::sync::Arc;

use leptos::{ev, prelude::*};

use crate::browser::durability::storage_expires_without_home_screen;
use crate::browser::files::{copy_string, download, read_picked_file, PickedFileError};
use crate::browser::sharing::CopyOutcome;
use crate::domain::backup::ImportReport;
use crate::domain::checkin::CheckIn;
use crate::domain::history_engine::Keys;
use crate::domain::instrument::Instrument;
use crate::domain::text::{fill, Text};
use crate::ui::app::WidgetContext;
use crate::ui::history_handle::HistoryHandle;
use crate::ui::history_section::SectionState;
use crate::ui::parts::{backup_actions, csv_file, part_or_notice, read_backup, PartUnavailable};
use crate::ui::{button, reactive};

/// What the client asked the panel to do; the app does the storage work and reports back.
#[derive(Clone, Debug)]
pub enum BackupRequest {
    /// The reminder was answered or a backup was made: count from now.
    MarkBackedUp,
    /// Delete everything this widget keeps on the device.
    DeleteEverything,
}

/// The outcome of a restore, as the panel shows it.
#[derive(Clone, Debug, PartialEq)]
pub enum RestoreOutcome {
    Done(ImportReport),
    /// The file could not be read at all: nothing changed. The text says why.
    Refused(&'static str),
}

#[component]
pub fn BackupPanel(
    /// The language's strings.
    text: &'static Text,
    /// The backup file's text, made on demand.
    backup_text: Callback<(), String>,
    /// What the CSV is made of: every check-in known, and the questionnaire.
    csv_input: Callback<(), (Vec<CheckIn>, Arc<Instrument>)>,
    /// Whether to show the backup reminder.
    reminder_due: Signal<bool>,
    /// The last restore's outcome, if any.
    restore_outcome: RwSignal<Option<RestoreOutcome>>,
    /// Whether the panel is open: it stays open across a language switch.
    open: RwSignal<bool>,
    /// Carries out the client's requests.
    on_request: Callback<BackupRequest>,
    /// Prefix that makes element ids unique on the page.
    id_prefix: String,
) -> impl IntoView {
    let status = RwSignal::new(None::<&'static str>);
    // The reminder's Download button needs no part: a backup that is due never waits for one.
    let on_download = Callback::new(move |()| {
        let name = format!("alliance-checkin-backup-{}.json", stamp());
        match download(&name, "application/json", &backup_text.run(())) {
            Ok(()) => {
                on_request.run(BackupRequest::MarkBackedUp);
                status.set(None);
            }
            Err(_) => status.set(Some(text.backup_copy_failed)),
        }
    });
    // Both live as long as the widget, not this panel (see `SectionState::restore`).
    let WidgetContext {
        section,
        history,
        keys,
        ..
    } = expect_context::<WidgetContext>();
    let actions = BackupActions {
        text,
        backup_text,
        csv_input,
        restore_outcome,
        status,
        on_download,
        on_request,
        section,
        history,
        keys,
        id_prefix,
    };
    // Asked for each time the panel opens (a part loads once; one that could not be loaded is
    // tried again), and dropped when it closes, which also cancels a "delete all" not confirmed.
    let body = move || {
        open.get().then(|| {
            let part = backup_actions(actions.clone());
            Suspend::new(async move { part_or_notice(part.await, text) }).into_any()
        })
    };
    let report = move || {
        restore_outcome.get().map(|outcome| match outcome {
            RestoreOutcome::Refused(reason) => view! {
                <p class="aci-notice" role="alert">{reason}</p>
            }
            .into_any(),
            RestoreOutcome::Done(report) => {
                let rejected = report
                    .rejected
                    .iter()
                    .map(|entry| {
                        let number = (entry.index + 1).to_string();
                        view! {
                            <li>
                                {fill(
                                    text.import_rejected_entry,
                                    &[("number", &number), ("field", entry.problem.field)],
                                )}
                            </li>
                        }
                    })
                    .map(IntoAny::into_any)
                    .collect_view();
                view! {
                    <div class="aci-banner" role="status">
                        <p>
                            {fill(
                                text.import_report,
                                &[
                                    ("added", &report.added.to_string()),
                                    ("present", &report.already_present.to_string()),
                                    ("rejected", &report.rejected.len().to_string()),
                                ],
                            )}
                        </p>
                        {(report.removed_here > 0).then(|| view! {
                            <p>
                                {fill(
                                    text.import_removed_here,
                                    &[("count", &report.removed_here.to_string())],
                                )}
                            </p>
                        }.into_any())}
                        {(report.stayed_deleted > 0).then(|| view! {
                            <p>
                                {fill(
                                    text.import_stayed_deleted,
                                    &[("count", &report.stayed_deleted.to_string())],
                                )}
                            </p>
                        }.into_any())}
                        <ul>{rejected}</ul>
                    </div>
                }
                .into_any()
            }
        })
    };
    let reminder = move || {
        reminder_due.get().then(|| {
            view! {
                <div class="aci-banner" role="status">
                    <p>{text.reminder_backup}</p>
                    <div class="aci-banner__actions">
                        {button("aci-button", text.download_backup, move || on_download.run(()))}
                        {button("aci-button aci-button--quiet", text.reminder_later, move || on_request.run(BackupRequest::MarkBackedUp))}
                    </div>
                </div>
            }
            .into_any()
        })
    };
    let home_screen_hint = storage_expires_without_home_screen()
        .then(|| view! { <p class="aci-muted">{text.home_screen_hint}</p> }.into_any());

    // The heading is the disclosure's summary (HTML allows one heading there), so it stays in
    // the page's outline. Focus stays on it when the buttons appear below. "Loading" shows
    // while it is the body's last element: CSS hides it once the part's view (or the words
    // that it could not be loaded) follows it.
    view! {
        <section class="aci-backup">
            <details
                class="aci-backup__more"
                open=open.get_untracked()
                on:toggle=move |event| {
                    open.set(event_target::<web_sys::Element>(&event).has_attribute("open"));
                }
            >
                <summary class="aci-backup__summary">
                    <h3 class="aci-backup__heading">{text.backup_heading}</h3>
                </summary>
                <div class="aci-backup__body">
                    <p class="aci-muted aci-backup__loading">{text.part_loading}</p>
                    {reactive(move || body().into_any())}
                </div>
            </details>
            <p class="aci-status" role="status">{move || status.get().unwrap_or_default().to_owned()}</p>
            {move || report().into_any()}
            {move || reminder().into_any()}
            <p class="aci-muted">{text.backup_intro}</p>
            {home_screen_hint}
        </section>
    }
}

/// "2026-11-22": the day, for file names.
fn stamp() -> String {
    let mut stamp = String::from(js_sys::Date::new_0().to_iso_string());
    stamp.truncate(10);
    stamp
}

/// What the panel's buttons need from the main module (`backup_actions_view`).
#[derive(Clone)]
pub struct BackupActions {
    text: &'static Text,
    backup_text: Callback<(), String>,
    csv_input: Callback<(), (Vec<CheckIn>, Arc<Instrument>)>,
    restore_outcome: RwSignal<Option<RestoreOutcome>>,
    status: RwSignal<Option<&'static str>>,
    on_download: Callback<()>,
    on_request: Callback<BackupRequest>,
    section: SectionState,
    history: HistoryHandle,
    keys: Keys,
    id_prefix: String,
}

/// The panel's buttons: download, copy, CSV, restore, and "delete all my data" behind a
/// confirmation. A part (`ui::parts::backup_actions`): they exist only once it has loaded, so
/// Copy still starts its clipboard write inside the click (Safari refuses one after an await).
pub fn backup_actions_view(actions: BackupActions) -> AnyView {
    let BackupActions {
        text,
        backup_text,
        csv_input,
        restore_outcome,
        status,
        on_download,
        on_request,
        section,
        history,
        keys,
        id_prefix,
    } = actions;
    let confirming = RwSignal::new(false);
    let file_id = format!("{id_prefix}-restore");
    let on_copy = move || {
        let keys = keys.clone();
        copy_string(&backup_text.run(()), move |outcome| {
            // The clipboard answers after an await: by then the language may have changed,
            // which disposes this panel's `on_request`, and `run` on a disposed callback would
            // abort the whole widget. The mark goes through the widget-lived state instead (a
            // disposed `status` only drops the words).
            status.set(Some(match outcome {
                CopyOutcome::Copied => {
                    section.mark_backed_up(history, &keys);
                    text.backup_copied
                }
                CopyOutcome::SelectedForManualCopy => text.backup_copy_failed,
            }));
        });
    };
    let on_csv = move || {
        let name = format!("alliance-checkin-{}.csv", stamp());
        let (entries, instrument) = csv_input.run(());
        leptos::task::spawn_local(async move {
            // The CSV writer is a part of its own: offline and never used, say that, not that
            // this browser cannot download.
            let failed = match csv_file(entries, instrument).await {
                Ok(contents) => download(&name, "text/csv;charset=utf-8", &contents)
                    .is_err()
                    .then_some(text.backup_copy_failed),
                Err(PartUnavailable) => Some(text.part_unavailable),
            };
            if failed.is_some() {
                status.set(failed);
            }
        });
    };
    let picker = NodeRef::<leptos::html::Input>::new();
    let on_file = move |event: ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&event);
        leptos::task::spawn_local(async move {
            let outcome = match read_picked_file(&input).await {
                Err(PickedFileError::TooLarge) => RestoreOutcome::Refused(text.import_too_large),
                Err(PickedFileError::Unreadable) => RestoreOutcome::Refused(text.import_damaged),
                Ok(contents) => match read_backup(contents, text).await {
                    Ok(Ok(file)) => {
                        // Not through `on_request`: this panel may be gone by now (the language
                        // changed, or the panel was closed, while the file or the reader part
                        // loaded), and `run` on a disposed callback would abort the whole
                        // widget.
                        section.restore(history, file);
                        input.set_value("");
                        return;
                    }
                    Ok(Err(reason)) => RestoreOutcome::Refused(reason),
                    Err(PartUnavailable) => RestoreOutcome::Refused(text.part_unavailable),
                },
            };
            input.set_value("");
            restore_outcome.set(Some(outcome));
        });
    };
    let delete_all = move || {
        if confirming.get() {
            view! {
                <div class="aci-banner" role="alert">
                    <p>{text.delete_all_confirm}</p>
                    <div class="aci-banner__actions">
                        {button("aci-button aci-button--danger", text.delete_all_yes, move || {
                                confirming.set(false);
                                on_request.run(BackupRequest::DeleteEverything);
                            })}
                        {button("aci-button aci-button--quiet", text.cancel, move || confirming.set(false))}
                    </div>
                </div>
            }
            .into_any()
        } else {
            button(
                "aci-button aci-button--quiet aci-button--danger-quiet",
                text.delete_all,
                move || confirming.set(true),
            )
        }
    };

    view! {
        <div class="aci-actions">
            {button("aci-button", text.download_backup, move || on_download.run(()))}
            {button("aci-button aci-button--quiet", text.copy_backup, on_copy)}
            {button("aci-button aci-button--quiet", text.download_csv, on_csv)}
        </div>
        // A real button in the widget's language opens the picker: the native file input
        // would show the browser's own "Choose File" inside a Spanish widget. The input is
        // hidden (out of the tab order and the accessibility tree) and carries the same name.
        {button("aci-button aci-button--quiet", text.restore_label, move || {
                if let Some(input) = picker.get() {
                    input.click();
                }
            })}
        <input
            type="file"
            id=file_id
            hidden
            aria-label=text.restore_label
            accept=".json,application/json,text/plain"
            node_ref=picker
            on:change=on_file
        />
        <div class="aci-backup__danger">{reactive(delete_all)}</div>
    }
    .into_any()
}
