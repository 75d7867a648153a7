//! Messages about the device's storage (what happened to the client's data and what they can
//! do) and about practice settings the widget refused. Each names a situation already dealt
//! with safely.

use leptos::prelude::*;

use crate::browser::files::{copy_string, download};
use crate::browser::sharing::CopyOutcome;
use crate::browser::storage::{LocalStore, SaveError, StorageError, StoredDataProblem};
use crate::domain::settings::SettingProblem;
use crate::domain::text::{fill, join_list, Text, CATALOGUES};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Notice {
    StorageUnavailable,
    StorageFull,
    SaveFailed,
    HistoryUnreadableKeptAside,
    HistoryUnreadableLeftInPlace,
    NewerVersionLeftAlone,
    DraftUnreadableKeptAside,
    TherapistEmailRefused,
    TherapistNameRefused,
    LanguageRefused,
    PracticeNameRefused,
    /// The client chose not to keep check-ins on this device.
    NotKeptByChoice,
    DeletedEverything,
    /// A setting applies now but could not be kept on this device.
    SettingNotKept,
}

impl Notice {
    pub fn message(self, text: &Text) -> String {
        let message = match self {
            Notice::StorageUnavailable => text.storage_unavailable,
            Notice::StorageFull => text.storage_full,
            Notice::SaveFailed => text.save_failed,
            Notice::HistoryUnreadableKeptAside => text.unreadable_kept_aside,
            Notice::HistoryUnreadableLeftInPlace => text.unreadable_left_in_place,
            Notice::NewerVersionLeftAlone => text.newer_version_left_alone,
            Notice::DraftUnreadableKeptAside => text.draft_unreadable_kept_aside,
            Notice::TherapistEmailRefused => text.setting_therapist_email_refused,
            Notice::TherapistNameRefused => text.setting_therapist_name_refused,
            Notice::SettingNotKept => text.setting_not_kept,
            Notice::PracticeNameRefused => text.setting_practice_name_refused,
            Notice::NotKeptByChoice => text.keep_history_off,
            Notice::DeletedEverything => text.deleted_all,
            Notice::LanguageRefused => {
                let tags: Vec<String> = CATALOGUES
                    .iter()
                    .map(|catalogue| catalogue.language_tag.to_owned())
                    .collect();
                return fill(
                    text.setting_language_refused,
                    &[("languages", &join_list(&tags, text.list_and))],
                );
            }
        };
        message.to_owned()
    }

    pub fn of_problem(problem: &StoredDataProblem) -> Self {
        match problem {
            StoredDataProblem::HistoryUnreadableKeptAside { .. } => {
                Notice::HistoryUnreadableKeptAside
            }
            StoredDataProblem::HistoryUnreadableLeftInPlace { .. } => {
                Notice::HistoryUnreadableLeftInPlace
            }
            StoredDataProblem::HistoryFromNewerVersion { .. } => Notice::NewerVersionLeftAlone,
            StoredDataProblem::DraftUnreadableKeptAside { .. } => Notice::DraftUnreadableKeptAside,
        }
    }

    pub fn of_setting_problem(problem: SettingProblem) -> Self {
        match problem {
            SettingProblem::TherapistEmailNotPlain => Notice::TherapistEmailRefused,
            SettingProblem::TherapistNameUnusable => Notice::TherapistNameRefused,
            SettingProblem::LanguageUnknown => Notice::LanguageRefused,
            SettingProblem::PracticeNameUnusable => Notice::PracticeNameRefused,
        }
    }

    pub fn of_storage_error(error: &StorageError) -> Self {
        match error {
            StorageError::Unavailable => Notice::StorageUnavailable,
            StorageError::QuotaExceeded => Notice::StorageFull,
            StorageError::Failed(_) => Notice::SaveFailed,
        }
    }

    pub fn of_save_error(error: &SaveError) -> Self {
        match error {
            SaveError::Storage(error) => Notice::of_storage_error(error),
            SaveError::UnreadableDataInTheWay => Notice::HistoryUnreadableLeftInPlace,
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
                    .map(|notice| view! { <p class="aci-notice">{notice.message(text)}</p> })
                    .collect_view()
            }}
        </div>
    }
}

/// For each backup key holding stored data that could not be read: copy it or download it, so
/// the client (or someone helping them) can rescue it.
#[component]
pub fn UnreadableData(
    /// The backup keys.
    keys: RwSignal<Vec<String>>,
    /// The language's strings.
    text: &'static Text,
) -> impl IntoView {
    // `None` when storage no longer gives the text back: then nothing is copied or saved, and
    // the client is told, rather than handed an empty file that looks like a rescue.
    let raw = |key: &str| {
        LocalStore::open()
            .ok()
            .and_then(|store| store.get(key).ok().flatten())
    };
    move || {
        keys.get()
            .into_iter()
            .map(|key| {
                let copied = RwSignal::new(None::<&'static str>);
                let download_key = key.clone();
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
                                    copied.set(Some(match outcome {
                                        CopyOutcome::Copied => text.copied,
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
                                if !matches!(saved, Some(Ok(()))) {
                                    copied.set(Some(text.backup_copy_failed));
                                }
                            }
                        >
                            {text.unreadable_download}
                        </button>
                        <p class="aci-status" role="status">{move || copied.get()}</p>
                    </div>
                }
            })
            .collect_view()
    }
}
