//! Messages about the device's storage (what happened to the client's data and what they can
//! do) and about practice settings the widget refused. Each names a situation already dealt
//! with safely.

use leptos::prelude::*;

use crate::browser::files::{copy_string, download};
use crate::browser::sharing::CopyOutcome;
use crate::browser::storage::{LocalStore, StorageError};
use crate::domain::history_engine::HistoryNotice;
use crate::domain::settings::SettingProblem;
use crate::domain::text::Text;
use crate::ui::app::WidgetContext;
use crate::ui::parts::{part_gone, reload_button};
use crate::ui::reactive;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Notice {
    StorageUnavailable,
    StorageFull,
    SaveFailed,
    HistoryUnreadableKeptAside,
    HistoryUnreadableLeftInPlace,
    NewerVersionLeftAlone,
    DraftUnreadableKeptAside,
    /// The client chose not to keep check-ins on this device.
    NotKeptByChoice,
    DeletedEverything,
    /// The client deleted everything in another tab.
    ErasedElsewhere,
    /// A corrected check-in had been deleted in another tab: the correction was not kept.
    CorrectionOfDeleted,
    /// A setting applies now but could not be kept on this device.
    SettingNotKept,
    /// The check-ins on the device cannot be read until the part that reads them is loaded.
    ReaderUnavailable,
    /// The same, because a new version went live while the page was open: shown with Reload.
    ReaderGone,
}

impl Notice {
    pub fn message(self, text: &Text) -> &'static str {
        match self {
            Notice::StorageUnavailable => text.storage_unavailable,
            Notice::StorageFull => text.storage_full,
            Notice::SaveFailed => text.save_failed,
            Notice::HistoryUnreadableKeptAside => text.unreadable_kept_aside,
            Notice::HistoryUnreadableLeftInPlace => text.unreadable_left_in_place,
            Notice::NewerVersionLeftAlone => text.newer_version_left_alone,
            Notice::DraftUnreadableKeptAside => text.draft_unreadable_kept_aside,
            Notice::SettingNotKept => text.setting_not_kept,
            Notice::NotKeptByChoice => text.keep_history_off,
            Notice::DeletedEverything => text.deleted_all,
            Notice::ErasedElsewhere => text.erased_elsewhere,
            Notice::CorrectionOfDeleted => text.correction_of_deleted,
            Notice::ReaderUnavailable | Notice::ReaderGone => text.reader_unavailable,
        }
    }

    pub fn of_history(notice: &HistoryNotice) -> Self {
        match notice {
            HistoryNotice::UnreadableSetAside => Notice::HistoryUnreadableKeptAside,
            HistoryNotice::UnreadableLeftInPlace => Notice::HistoryUnreadableLeftInPlace,
            HistoryNotice::NewerVersion { .. } => Notice::NewerVersionLeftAlone,
            HistoryNotice::ErasedElsewhere => Notice::ErasedElsewhere,
            HistoryNotice::WriteFailed(error) => Notice::of_storage_error(error),
            HistoryNotice::CorrectionOfDeleted => Notice::CorrectionOfDeleted,
            // A new version went live while the page was open: only a reload gets its reader.
            HistoryNotice::ReaderUnavailable if part_gone() => Notice::ReaderGone,
            HistoryNotice::ReaderUnavailable => Notice::ReaderUnavailable,
        }
    }

    pub fn of_storage_error(error: &StorageError) -> Self {
        match error {
            StorageError::Unavailable => Notice::StorageUnavailable,
            StorageError::QuotaExceeded => Notice::StorageFull,
            StorageError::Failed(_) => Notice::SaveFailed,
        }
    }
}

/// Adds `notice` unless it is already shown.
pub fn push_notice(notices: RwSignal<Vec<Notice>>, notice: Notice) {
    if !notices.with_untracked(|shown| shown.contains(&notice)) {
        notices.update(|shown| shown.push(notice));
    }
}

/// The list of standing storage messages, above the check-in.
#[component]
pub fn Notices(
    /// The messages to show.
    notices: RwSignal<Vec<Notice>>,
    /// The language's strings.
    text: &'static Text,
) -> impl IntoView {
    view! {
        <div class="aci-notices" role="status">
            {move || {
                notices
                    .get()
                    .into_iter()
                    .map(|notice| {
                        let reload = (notice == Notice::ReaderGone).then(|| reload_button(text));
                        view! { <p class="aci-notice">{notice.message(text)}" "{reload}</p> }
                    })
                    .map(IntoAny::into_any)
                    .collect_view()
                    .into_any()
            }}
        </div>
    }
}

/// Practice set-up problems: each names the setting as the practice wrote it and what is wrong
/// (a questionnaire also lists every problem in its definition). Plain text, never markup.
#[component]
pub fn SettingProblems(
    /// The refused settings.
    problems: Vec<SettingProblem>,
    /// The language's strings.
    text: &'static Text,
) -> impl IntoView {
    (!problems.is_empty()).then(|| {
        let messages = problems
            .iter()
            .map(|problem| {
                let (message, details) = problem.message(text);
                let details = (!details.is_empty()).then(|| {
                    view! {
                        <ul class="aci-notice__details">
                            {details.into_iter().map(|detail| view! { <li>{detail}</li> }.into_any()).collect_view()}
                        </ul>
                    }
                    .into_any()
                });
                view! { <p class="aci-notice">{message}</p>{details} }
            })
            .map(IntoAny::into_any)
            .collect_view();
        view! { <div class="aci-notices aci-notices--setup">{messages}</div> }.into_any()
    })
}

/// Stored data that could not be read, kept aside under backup keys (found by a scan of the
/// device, so every tab and every later visit shows it): for each key, copy it, download it,
/// or remove it once rescued.
#[component]
pub fn UnreadableData(
    /// The language's strings.
    text: &'static Text,
) -> impl IntoView {
    let history = expect_context::<WidgetContext>().history;
    reactive(move || {
        let keys = history.read(|engine| engine.set_aside_keys().to_vec());
        (!keys.is_empty()).then(|| {
            let rows = crate::ui::parts::rescue_rows(keys, text);
            view! {
                <div class="aci-rescue">
                    <p class="aci-notice">{text.unreadable_waiting}</p>
                    {Suspend::new(async move { crate::ui::parts::part_or_notice(rows.await, text) })}
                </div>
            }
            .into_any()
        })
        .into_any()
    })
}

/// The rescue rows of `UnreadableData`: a part (`ui::parts`), since a device rarely has data
/// set aside. The notice that data is waiting is not part of it: it shows at once, and stays
/// with the words that the part could not be loaded if it cannot (the data stays set aside).
pub fn rescue_rows_view(keys: Vec<String>, text: &'static Text) -> AnyView {
    let history = expect_context::<WidgetContext>().history;
    let raw = |key: &str| {
        LocalStore::open()
            .ok()
            .and_then(|store| store.get(key).ok().flatten())
    };
    {
        {
            let rows = keys
                .into_iter()
                .map(|key| {
                    let copied = RwSignal::new(None::<&'static str>);
                    // Removing is offered only once the data was copied or downloaded here.
                    let rescued = RwSignal::new(false);
                    let (download_key, forget_key) = (key.clone(), key.clone());
                    view! {
                        <div class="aci-actions">
                            <button
                                type="button"
                                class="aci-button aci-button--quiet"
                                on:click=move |_| {
                                    let Some(contents) = raw(&key) else {
                                        copied.set(Some(text.backup_copy_failed));
                                        return;
                                    };
                                    copy_string(&contents, move |outcome| {
                                        // The clipboard answers after an await: by then these rows
                                        // may be gone (the language changed, or the history changed
                                        // and the rows were made anew), and reading a disposed
                                        // signal would abort the whole widget. Setting one is a
                                        // no-op, so only set.
                                        if outcome == CopyOutcome::Copied {
                                            rescued.set(true);
                                        }
                                        copied.set(Some(match outcome {
                                            CopyOutcome::Copied => text.unreadable_copied,
                                            CopyOutcome::SelectedForManualCopy => text.backup_copy_failed,
                                        }));
                                    });
                                }
                            >
                                {text.unreadable_copy}
                            </button>
                            <button
                                type="button"
                                class="aci-button aci-button--quiet"
                                on:click=move |_| {
                                    let saved = raw(&download_key).map(|contents| {
                                        download("alliance-checkin-unreadable.txt", "text/plain", &contents)
                                    });
                                    if matches!(saved, Some(Ok(()))) {
                                        rescued.set(true);
                                    } else {
                                        copied.set(Some(text.backup_copy_failed));
                                    }
                                }
                            >
                                {text.unreadable_download}
                            </button>
                            <Show when=move || rescued.get()>
                                <button
                                    type="button"
                                    class="aci-button aci-button--quiet"
                                    on:click={
                                        let forget_key = forget_key.clone();
                                        move |_| history.forget(&forget_key)
                                    }
                                >
                                    {text.unreadable_forget}
                                </button>
                            </Show>
                            <p class="aci-status" role="status">{move || copied.get().unwrap_or_default().to_owned()}</p>
                        </div>
                    }
                })
                .map(IntoAny::into_any)
                .collect_view();
            rows.into_any()
        }
    }
}
