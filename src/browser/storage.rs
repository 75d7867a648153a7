//! The localStorage adapter: the only code that reads or writes the device's storage. Every
//! operation returns a typed error instead of throwing, every write re-reads what is stored and
//! adds to it (so two open tabs never erase each other's check-ins), and data this version
//! cannot read is moved aside to a backup key, never overwritten or deleted.
//!
//! gloo-storage is not used: its `LocalStorage::raw()` throws when storage is blocked (for
//! example in a sandboxed iframe), which would crash the widget instead of reporting it.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::DomException;

use crate::domain::checkin::{CheckIn, History};
use crate::domain::codec::{
    decode_draft, decode_history, decode_newer_history_leniently, encode_draft, encode_history,
    DecodeError, Unreadable,
};
use crate::domain::draft::Draft;

/// Why a storage operation failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageError {
    /// The browser gives no storage here (blocked, disabled, sandboxed iframe).
    Unavailable,
    /// The origin's quota is used up.
    QuotaExceeded,
    /// Anything else the browser reported, by its error name.
    Failed(String),
}

fn classify(error: JsValue) -> StorageError {
    match error.dyn_ref::<DomException>().map(DomException::name) {
        Some(name) if name == "QuotaExceededError" || name == "NS_ERROR_DOM_QUOTA_REACHED" => {
            StorageError::QuotaExceeded
        }
        Some(name) if name == "SecurityError" => StorageError::Unavailable,
        Some(name) => StorageError::Failed(name),
        None => StorageError::Failed("unknown error".into()),
    }
}

/// An open localStorage with non-throwing operations.
pub struct LocalStore {
    storage: web_sys::Storage,
}

impl LocalStore {
    pub fn open() -> Result<Self, StorageError> {
        let window = web_sys::window().ok_or(StorageError::Unavailable)?;
        match window.local_storage() {
            Ok(Some(storage)) => Ok(LocalStore { storage }),
            Ok(None) => Err(StorageError::Unavailable),
            Err(error) => Err(match classify(error) {
                StorageError::Failed(_) => StorageError::Unavailable,
                other => other,
            }),
        }
    }

    pub fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        self.storage.get_item(key).map_err(classify)
    }

    pub fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        self.storage.set_item(key, value).map_err(classify)
    }

    pub fn remove(&self, key: &str) -> Result<(), StorageError> {
        self.storage.remove_item(key).map_err(classify)
    }
}

/// The storage keys of one widget instance, all under a namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keys {
    prefix: String,
}

impl Keys {
    pub fn new(namespace: &str) -> Self {
        Keys {
            prefix: format!("alliance-checkin:{namespace}"),
        }
    }

    pub fn history(&self) -> String {
        format!("{}:history", self.prefix)
    }

    /// Where this version keeps its check-ins when the main key holds a newer version's data.
    pub fn history_beside_newer(&self) -> String {
        format!("{}:history:v1-beside-newer", self.prefix)
    }

    pub fn draft(&self) -> String {
        format!("{}:draft", self.prefix)
    }

    /// The client's chosen language (a BCP 47 tag).
    pub fn language(&self) -> String {
        format!("{}:language", self.prefix)
    }

    /// How the client answers (`AnswerStyle::as_str`).
    pub fn answer_style(&self) -> String {
        format!("{}:answer-style", self.prefix)
    }

    /// "no" when the client chose not to keep check-ins on this device.
    pub fn keep_history(&self) -> String {
        format!("{}:keep-history", self.prefix)
    }

    /// The last backup or backup reminder (`BackupMark::encode`).
    pub fn last_backup(&self) -> String {
        format!("{}:last-backup", self.prefix)
    }

    /// Whether `key` belongs to this namespace.
    pub fn owns(&self, key: &str) -> bool {
        key.strip_prefix(self.prefix.as_str())
            .is_some_and(|rest| rest.starts_with(':'))
    }

    fn backup_base(&self, of_key: &str, now_ms: u64) -> String {
        format!("{of_key}:unreadable:{now_ms}")
    }

    /// Whether a `storage` event for `key` concerns the history (`None` means "all cleared").
    pub fn concerns_history(&self, key: Option<&str>) -> bool {
        match key {
            None => true,
            Some(key) => key == self.history() || key == self.history_beside_newer(),
        }
    }
}

/// A problem found while reading, already dealt with safely, for the client to be told about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoredDataProblem {
    /// History this version could not read was copied to `backup_key` and removed from its
    /// original key, so new check-ins start a fresh list.
    HistoryUnreadableKeptAside {
        backup_key: String,
        reason: Unreadable,
    },
    /// History this version could not read could not be copied aside (no room): it stays where
    /// it is and nothing will be written over it.
    HistoryUnreadableLeftInPlace { reason: Unreadable },
    /// The main key holds a newer version's history: left untouched.
    HistoryFromNewerVersion { version: u32 },
    /// A draft this version could not read was copied aside.
    DraftUnreadableKeptAside { backup_key: String },
}

/// The outcome of reading the history: the entries, what was dealt with, and where new
/// entries may safely be written (`None` when nowhere is safe).
#[derive(Debug)]
pub struct HistoryRead {
    /// The check-ins and deletions this version can read and write.
    pub history: History,
    /// Check-ins a newer version saved (read leniently): shown, never written.
    pub read_only: Vec<CheckIn>,
    pub problems: Vec<StoredDataProblem>,
    write_key: Option<String>,
}

/// Copies `text` to a fresh backup key and removes `key`. Returns the backup key.
fn move_aside(
    store: &LocalStore,
    keys: &Keys,
    key: &str,
    text: &str,
    now_ms: u64,
) -> Result<String, StorageError> {
    let base = keys.backup_base(key, now_ms);
    let mut backup_key = base.clone();
    let mut attempt = 1;
    while store.get(&backup_key)?.is_some() {
        attempt += 1;
        backup_key = format!("{base}-{attempt}");
    }
    store.set(&backup_key, text)?;
    // The copy is in place; only now may the original go.
    store.remove(key)?;
    Ok(backup_key)
}

/// Reads the history at `key`, moving unreadable data aside. Returns the history, the problems
/// dealt with, and whether `key` is safe to write.
fn read_key(
    store: &LocalStore,
    keys: &Keys,
    key: &str,
    now_ms: u64,
    problems: &mut Vec<StoredDataProblem>,
) -> Result<(History, bool), StorageError> {
    let Some(text) = store.get(key)? else {
        return Ok((History::default(), true));
    };
    match decode_history(&text) {
        Ok(history) => Ok((history, true)),
        Err(DecodeError::NewerVersion { version }) => {
            problems.push(StoredDataProblem::HistoryFromNewerVersion { version });
            Ok((History::default(), false))
        }
        Err(DecodeError::Unreadable(reason)) => match move_aside(store, keys, key, &text, now_ms) {
            Ok(backup_key) => {
                problems.push(StoredDataProblem::HistoryUnreadableKeptAside { backup_key, reason });
                Ok((History::default(), true))
            }
            Err(StorageError::Unavailable) => Err(StorageError::Unavailable),
            Err(_) => {
                problems.push(StoredDataProblem::HistoryUnreadableLeftInPlace { reason });
                Ok((History::default(), false))
            }
        },
    }
}

/// Reads the stored history. Unreadable data is moved aside; a newer version's data is left
/// alone and this version's entries are read from (and later written to) a key beside it.
pub fn read_history(
    store: &LocalStore,
    keys: &Keys,
    now_ms: u64,
) -> Result<HistoryRead, StorageError> {
    let mut problems = Vec::new();
    let main_key = keys.history();
    let (history, main_is_writable) = read_key(store, keys, &main_key, now_ms, &mut problems)?;
    let newer_in_main = problems
        .iter()
        .any(|problem| matches!(problem, StoredDataProblem::HistoryFromNewerVersion { .. }));
    if main_is_writable {
        return Ok(HistoryRead {
            history,
            read_only: Vec::new(),
            problems,
            write_key: Some(main_key),
        });
    }
    if !newer_in_main {
        // Unreadable and could not be moved aside: nowhere is safe to write.
        return Ok(HistoryRead {
            history,
            read_only: Vec::new(),
            problems,
            write_key: None,
        });
    }
    let read_only = store
        .get(&main_key)?
        .and_then(|text| decode_newer_history_leniently(&text))
        .unwrap_or_default();
    let beside_key = keys.history_beside_newer();
    let (history, beside_is_writable) = read_key(store, keys, &beside_key, now_ms, &mut problems)?;
    Ok(HistoryRead {
        history,
        read_only,
        problems,
        write_key: beside_is_writable.then_some(beside_key),
    })
}

/// Why a check-in could not be saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveError {
    Storage(StorageError),
    /// Unreadable data occupies the history key and could not be moved aside.
    UnreadableDataInTheWay,
}

/// The stored history after a successful save, and the problems met on the way.
#[derive(Debug)]
pub struct Saved {
    /// What storage holds now.
    pub history: History,
    pub problems: Vec<StoredDataProblem>,
}

/// Applies `change` to what storage holds now (another tab may have written since this page
/// read it) and writes the result back. Every change to the history goes through here:
/// adding, correcting, deleting, restoring, importing. Deletions travel with every write.
pub fn change_history(
    store: &LocalStore,
    keys: &Keys,
    now_ms: u64,
    change: impl FnOnce(History) -> History,
) -> Result<Saved, SaveError> {
    let read = read_history(store, keys, now_ms).map_err(SaveError::Storage)?;
    let Some(write_key) = read.write_key else {
        return Err(SaveError::UnreadableDataInTheWay);
    };
    let history = change(read.history);
    store
        .set(&write_key, &encode_history(&history))
        .map_err(SaveError::Storage)?;
    Ok(Saved {
        history,
        problems: read.problems,
    })
}

/// Removes every key this widget keeps under its namespace: history, backups of unreadable
/// data, the draft and the client's settings. Keys of other namespaces and other sites' data
/// are left alone.
pub fn delete_everything(store: &LocalStore, keys: &Keys) -> Result<(), StorageError> {
    let count = store.storage.length().map_err(classify)?;
    let mut ours = Vec::new();
    for index in 0..count {
        if let Some(key) = store.storage.key(index).map_err(classify)? {
            if keys.owns(&key) {
                ours.push(key);
            }
        }
    }
    for key in ours {
        store.remove(&key)?;
    }
    Ok(())
}

/// What was found under the draft key.
#[derive(Debug)]
pub enum DraftRead {
    None,
    Found(Draft),
    /// Unreadable (or from a newer version): copied aside so the next draft can be written.
    KeptAside(StoredDataProblem),
}

pub fn read_draft(store: &LocalStore, keys: &Keys, now_ms: u64) -> Result<DraftRead, StorageError> {
    let key = keys.draft();
    let Some(text) = store.get(&key)? else {
        return Ok(DraftRead::None);
    };
    match decode_draft(&text) {
        Ok(draft) => Ok(DraftRead::Found(draft)),
        Err(_) => {
            let backup_key = move_aside(store, keys, &key, &text, now_ms)?;
            Ok(DraftRead::KeptAside(
                StoredDataProblem::DraftUnreadableKeptAside { backup_key },
            ))
        }
    }
}

pub fn write_draft(store: &LocalStore, keys: &Keys, draft: &Draft) -> Result<(), StorageError> {
    store.set(&keys.draft(), &encode_draft(draft))
}

pub fn clear_draft(store: &LocalStore, keys: &Keys) -> Result<(), StorageError> {
    store.remove(&keys.draft())
}

/// A preference stored under `key` (a plain word), if any.
pub fn read_preference(store: &LocalStore, key: &str) -> Result<Option<String>, StorageError> {
    store.get(key)
}

/// Keeps a preference; the caller tells the client if this fails (the choice still applies now).
pub fn write_preference(store: &LocalStore, key: &str, value: &str) -> Result<(), StorageError> {
    store.set(key, value)
}
