//! The readers of what the widget stores (the history, the drafts) and of a backup file, as one
//! value handed to whoever reads. The release build keeps them in a part of their own
//! (`ui::parts::stored_reader`), fetched only when the device holds something to read or the
//! client picks a backup file, so a first visit downloads no reader. [`StoredReader::new`] is
//! the one place that names them: code that only writes never links them.

use super::backup::{read_import, ImportError, ImportFile};
use super::checkin::{CheckIn, History};
use super::codec::DecodeError;
use super::codec::{decode_draft, decode_history_with_version, decode_newer_history_leniently};
use super::draft::Draft;
use super::history_engine::marks_set_aside;

/// The readers of the stored formats (see the module comment).
#[derive(Clone, Copy, Debug)]
pub struct StoredReader {
    /// A stored history, with the version that wrote it.
    pub history: fn(&str) -> Result<(History, u32), DecodeError>,
    /// A newer version's history, read for show with what this version knows of it.
    pub newer_history: fn(&str) -> Option<Vec<CheckIn>>,
    /// A stored draft.
    pub draft: fn(&str) -> Result<Draft, DecodeError>,
    /// A file picked to restore from: a backup, or a history copied out of storage.
    pub backup: fn(&str) -> Result<ImportFile, ImportError>,
}

impl StoredReader {
    pub fn new() -> Self {
        StoredReader {
            history: decode_history_with_version,
            newer_history: decode_newer_history_leniently,
            draft: decode_draft,
            backup: read_import,
        }
    }
}

impl Default for StoredReader {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether `key`, of any widget's namespace, may hold what only the reader reads (a history or
/// a draft, not data set aside): the page loads the reader before it shows a widget then.
/// Errs towards yes; a key of another app never counts.
pub fn may_need_reader(key: &str) -> bool {
    // `alliance-checkin:<namespace>:<what>`; a namespace holds no `:` (and may be named
    // `history`, `draft` or `unreadable`).
    key.strip_prefix("alliance-checkin:")
        .and_then(|rest| rest.split_once(':'))
        .is_some_and(|(_, what)| {
            (what.starts_with("history") || what.starts_with("draft")) && !marks_set_aside(what)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::history_engine::Keys;

    #[test]
    fn the_history_and_drafts_of_any_namespace_need_the_reader_and_nothing_else_does() {
        for namespace in ["default", "unreadable", "history", "draft", "a-1"] {
            let keys = Keys::new(namespace);
            for key in [
                keys.history(),
                keys.history_beside_newer(2),
                keys.draft("19aa-0001"),
                keys.legacy_draft(),
            ] {
                assert!(may_need_reader(&key), "{key}");
            }
            for key in [
                format!("{}:unreadable:0123456789abcdef", keys.history()),
                format!("{}:unreadable:0123456789abcdef", keys.draft("x")),
                keys.erased(),
                keys.language(),
                keys.keep_history(),
                keys.last_backup(),
            ] {
                assert!(!may_need_reader(&key), "{key}");
            }
        }
        assert!(!may_need_reader("another-app:default:history"));
    }
}
