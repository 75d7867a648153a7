//! Keeping a copy: download or copy a backup, download a CSV for a spreadsheet, restore from a
//! backup file (with a report of what was added, already here, or unreadable), the gentle
//! backup reminder, the home-screen hint where Safari would delete the data, and "delete all
//! my data" behind a confirmation.

use std::sync::Arc;

use leptos::{ev, prelude::*};

use crate::browser::durability::storage_expires_without_home_screen;
use crate::browser::files::{copy_string, download, read_picked_file, PickedFileError};
use crate::browser::sharing::CopyOutcome;
use crate::domain::backup::ImportReport;
use crate::domain::checkin::CheckIn;
use crate::domain::instrument::Instrument;
use crate::domain::text::{fill, Text};
use crate::ui::app::WidgetContext;
use crate::ui::parts::{csv_file, read_backup, PartUnavailable};
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
    /// Carries out the client's requests.
    on_request: Callback<BackupRequest>,
    /// Prefix that makes element ids unique on the page.
    id_prefix: String,
) -> impl IntoView {
    let status = RwSignal::new(None::<&'static str>);
    let confirming = RwSignal::new(false);
    let file_id = format!("{id_prefix}-restore");
    // "2026-11-22": the day, for file names.
    let stamp = || {
        let mut stamp = String::from(js_sys::Date::new_0().to_iso_string());
        stamp.truncate(10);
        stamp
    };
    let on_download = move || {
        let name = format!("alliance-checkin-backup-{}.json", stamp());
        match download(&name, "application/json", &backup_text.run(())) {
            Ok(()) => {
                on_request.run(BackupRequest::MarkBackedUp);
                status.set(None);
            }
            Err(_) => status.set(Some(text.backup_copy_failed)),
        }
    };
    let on_copy = move || {
        copy_string(&backup_text.run(()), move |outcome| {
            status.set(Some(match outcome {
                CopyOutcome::Copied => {
                    on_request.run(BackupRequest::MarkBackedUp);
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
            let failed = match csv_file(entries, instrument).await {
                Ok(contents) => download(&name, "text/csv;charset=utf-8", &contents).is_err(),
                Err(PartUnavailable) => true,
            };
            if failed {
                status.set(Some(text.backup_copy_failed));
            }
        });
    };
    // Both live as long as the widget, not this panel (see `SectionState::restore`).
    let WidgetContext {
        section, history, ..
    } = expect_context::<WidgetContext>();
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
                        // changed while the file or the restore part loaded), and `run` on a
                        // disposed callback would abort the whole widget.
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
                        {button("aci-button", text.download_backup, on_download)}
                        {button("aci-button aci-button--quiet", text.reminder_later, move || on_request.run(BackupRequest::MarkBackedUp))}
                    </div>
                </div>
            }
            .into_any()
        })
    };
    let home_screen_hint = storage_expires_without_home_screen()
        .then(|| view! { <p class="aci-muted">{text.home_screen_hint}</p> }.into_any());
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
            view! {
                {button("aci-button aci-button--quiet aci-button--danger-quiet", text.delete_all, move || confirming.set(true))}
            }
            .into_any()
        }
    };

    view! {
        <section class="aci-backup">
            <h3 class="aci-backup__heading">{text.backup_heading}</h3>
            {move || reminder().into_any()}
            <p class="aci-muted">{text.backup_intro}</p>
            {home_screen_hint}
            <div class="aci-actions">
                {button("aci-button", text.download_backup, on_download)}
                {button("aci-button aci-button--quiet", text.copy_backup, on_copy)}
                {button("aci-button aci-button--quiet", text.download_csv, on_csv)}
            </div>
            <p class="aci-status" role="status">{move || status.get().unwrap_or_default().to_owned()}</p>
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
            {move || report().into_any()}
            <div class="aci-backup__danger">{reactive(delete_all)}</div>
        </section>
    }
}
