//! The localStorage adapter: the only code that reads or writes the device's storage. It reads
//! every key of a namespace at once (a `Snapshot` for the history engine) and performs the
//! writes the engine plans, in order, stopping at the first refusal. Every operation returns a
//! typed error instead of throwing; what to write, and what to tell the client, is decided in
//! `domain::history_engine`.
//!
//! gloo-storage is not used: its `LocalStorage::raw()` throws when storage is blocked (for
//! example in a sandboxed iframe), which would crash the widget instead of reporting it.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::DomException;

pub use crate::domain::history_engine::{Keys, StorageError};
use crate::domain::history_engine::{Snapshot, StorageOp};

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

/// Whether any key of the device's storage satisfies `wanted` (no when it cannot be read).
pub fn any_key(wanted: fn(&str) -> bool) -> bool {
    let Ok(store) = LocalStore::open() else {
        return false;
    };
    let count = store.storage.length().unwrap_or(0);
    (0..count).any(|index| {
        store
            .storage
            .key(index)
            .ok()
            .flatten()
            .is_some_and(|key| wanted(&key))
    })
}

/// Every key of `keys`' namespace with its text, read now.
pub fn read_snapshot(store: &LocalStore, keys: &Keys) -> Result<Snapshot, StorageError> {
    read_keys(store, &keys.namespace_start())
}

/// The keys that start with `start`, with their texts, read now. (Reading a value is what
/// costs: a long history is hundreds of kilobytes copied out of the browser.)
pub fn read_keys(store: &LocalStore, start: &str) -> Result<Snapshot, StorageError> {
    let count = store.storage.length().map_err(classify)?;
    let mut items = Vec::new();
    for index in 0..count {
        if let Some(key) = store.storage.key(index).map_err(classify)? {
            if key.starts_with(start) {
                if let Some(value) = store.get(&key)? {
                    items.push((key, value));
                }
            }
        }
    }
    Ok(Snapshot::new(items))
}

/// Performs `ops` in order. On a refusal, stops and says which op (counting from 0) and why.
pub fn perform(store: &LocalStore, ops: &[StorageOp]) -> Result<(), (usize, StorageError)> {
    for (index, op) in ops.iter().enumerate() {
        let done = match op {
            StorageOp::Set { key, value } => store.set(key, value),
            StorageOp::Remove { key } => store.remove(key),
        };
        done.map_err(|error| (index, error))?;
    }
    Ok(())
}

/// A preference stored under `key` (a plain word), if any.
pub fn read_preference(store: &LocalStore, key: &str) -> Result<Option<String>, StorageError> {
    store.get(key)
}

/// Keeps a preference; the caller tells the client if this fails (the choice still applies now).
pub fn write_preference(store: &LocalStore, key: &str, value: &str) -> Result<(), StorageError> {
    store.set(key, value)
}
