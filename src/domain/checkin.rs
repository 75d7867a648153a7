//! Check-in records and the history they form: what is kept after each completed check-in,
//! how two copies of a history merge by entry id (edits and deletions included), deleting and
//! restoring a check-in, and the rules for the client's note.

use std::cmp::Ordering;

use super::instrument::Instrument;
use super::scoring::Answer;

/// The longest note a client can save, in characters (Unicode scalar values).
pub const NOTE_LIMIT: usize = 1000;

/// Which instrument (and which version of it) a check-in answered.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct InstrumentRef {
    pub id: String,
    pub version: u32,
}

impl InstrumentRef {
    pub fn of(instrument: &Instrument) -> Self {
        InstrumentRef {
            id: instrument.id.clone(),
            version: instrument.version,
        }
    }

    /// Whether a check-in of this questionnaire and version counts as one of `instrument`'s:
    /// the same id, and the same version or one it declares it compares with
    /// (`Instrument::compares_with`). Every comparison, list and chart uses this one rule.
    pub fn is(&self, instrument: &Instrument) -> bool {
        self.id == instrument.id
            && (self.version == instrument.version
                || instrument.compares_with.contains(&self.version))
    }
}

/// One completed check-in as kept on the device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckIn {
    /// Unique and stable: merges and (later) deletions are by id.
    pub id: String,
    /// When it was completed, in milliseconds since the Unix epoch.
    pub completed_at_ms: u64,
    pub instrument: InstrumentRef,
    pub answers: Vec<Answer>,
    pub note: String,
    /// The practice the check-in was about, when the configuration named one.
    pub practice: Option<String>,
    /// The therapist the check-in was about, when the configuration named one. Baselines and
    /// trends compare check-ins about the same therapist only.
    pub therapist: Option<String>,
    /// When the client last corrected it (scores or note), if ever.
    pub edited_at_ms: Option<u64>,
}

/// A check-in the client deleted: kept so that no merge with another tab's copy of the history
/// brings it back (an explicit import of a backup may).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tombstone {
    pub id: String,
    pub deleted_at_ms: u64,
}

/// Everything the device keeps about the client's check-ins.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    /// In completion order (oldest first, ties by id); never an id that is in `deleted`.
    pub entries: Vec<CheckIn>,
    /// Deleted ids, in no particular order; each id at most once.
    pub deleted: Vec<Tombstone>,
}

/// How the note stands against the limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteLength {
    Within {
        used: usize,
    },
    /// Over the limit by `excess` characters: never cut, the client shortens it.
    Over {
        used: usize,
        excess: usize,
    },
}

pub fn note_length(note: &str) -> NoteLength {
    let used = note.chars().count();
    if used <= NOTE_LIMIT {
        NoteLength::Within { used }
    } else {
        NoteLength::Over {
            used,
            excess: used - NOTE_LIMIT,
        }
    }
}

/// Adds the entries of `incoming` that `existing` does not already hold (by id), keeping the
/// history in completion order (oldest first, ties broken by id). Merging is idempotent and
/// never drops or changes an existing entry. (Whole histories, with edits and deletions, merge
/// with [`merge_histories`].)
pub fn merge_by_id(mut existing: Vec<CheckIn>, incoming: &[CheckIn]) -> Vec<CheckIn> {
    for entry in incoming {
        if !existing.iter().any(|kept| kept.id == entry.id) {
            existing.push(entry.clone());
        }
    }
    in_completion_order(existing)
}

/// Adds a deletion to `deleted` (kept sorted by id, each id once). When the id is already
/// there, the earlier deletion time is kept and the result is false.
pub(crate) fn add_tombstone(deleted: &mut Vec<Tombstone>, tombstone: Tombstone) -> bool {
    match deleted.binary_search_by(|kept| kept.id.as_str().cmp(&tombstone.id)) {
        Ok(at) => {
            if let Some(kept) = deleted.get_mut(at) {
                kept.deleted_at_ms = kept.deleted_at_ms.min(tombstone.deleted_at_ms);
            }
            false
        }
        Err(at) => {
            deleted.insert(at, tombstone);
            true
        }
    }
}

/// Whether `id` is in `deleted` (sorted by id, as `add_tombstone` keeps it).
pub(crate) fn is_tombstoned(deleted: &[Tombstone], id: &str) -> bool {
    deleted
        .binary_search_by(|kept| kept.id.as_str().cmp(id))
        .is_ok()
}

/// Puts `entries` and `deleted` in the form every history function returns: deletions sorted
/// by id, each id once (the earliest kept); entries in completion order; no entry whose id is
/// deleted (deleting is the client's explicit act, so it wins).
fn settle(mut entries: Vec<CheckIn>, tombstones: Vec<Tombstone>) -> History {
    let mut deleted = Vec::with_capacity(tombstones.len());
    for tombstone in tombstones {
        add_tombstone(&mut deleted, tombstone);
    }
    entries.retain(|entry| !is_tombstoned(&deleted, &entry.id));
    History {
        entries: in_completion_order(entries),
        deleted,
    }
}

/// `history` in the form every history function returns (see [`merge_histories`]). Decoding
/// returns this form too, so comparing two settled histories compares what they hold.
pub fn canonical_history(history: History) -> History {
    settle(history.entries, history.deleted)
}

/// Merges two copies of a history (another tab's, or one read back from storage):
///
/// - entries: the union by id. When both hold an id, the copy edited later wins (`edited_at_ms`,
///   where never edited counts as earliest); on a tie `ours` is kept.
/// - deletions: the union by id, keeping the earliest deletion time.
/// - an entry whose id is deleted on either side is dropped: a merge never brings a deleted
///   check-in back (only [`restore_entry`] does).
///
/// The result has its entries in completion order and its deletions sorted by id. Merging is
/// idempotent and associative, and commutative whenever no id holds two different copies with
/// the same edit time.
pub fn merge_histories(ours: History, theirs: &History) -> History {
    let mut entries = ours.entries;
    for entry in &theirs.entries {
        match entries.iter_mut().find(|kept| kept.id == entry.id) {
            Some(kept) => {
                if entry.edited_at_ms > kept.edited_at_ms {
                    *kept = entry.clone();
                }
            }
            None => entries.push(entry.clone()),
        }
    }
    let mut deleted = ours.deleted;
    deleted.extend(theirs.deleted.iter().cloned());
    settle(entries, deleted)
}

/// Deletes the check-in `id` (if present) and records the deletion at `now_ms`, so that no
/// merge brings it back. A second deletion of the same id keeps the first time.
pub fn delete_entry(history: History, id: &str, now_ms: u64) -> History {
    let mut entries = history.entries;
    entries.retain(|entry| entry.id != id);
    let mut deleted = history.deleted;
    deleted.push(Tombstone {
        id: id.into(),
        deleted_at_ms: now_ms,
    });
    settle(entries, deleted)
}

/// Puts `entry` back (undo of a deletion, or an explicit import): its deletion is forgotten and
/// it replaces any entry with its id.
pub fn restore_entry(history: History, entry: CheckIn) -> History {
    let mut deleted = history.deleted;
    deleted.retain(|tombstone| tombstone.id != entry.id);
    let mut entries = history.entries;
    entries.retain(|kept| kept.id != entry.id);
    entries.push(entry);
    settle(entries, deleted)
}

/// Oldest first; ids break ties, so the order is total for a history (ids are unique).
fn completion_order(a: &CheckIn, b: &CheckIn) -> Ordering {
    a.completed_at_ms
        .cmp(&b.completed_at_ms)
        .then_with(|| a.id.cmp(&b.id))
}

/// Sorts entries in completion order with a plain merge sort. Histories are stored in order, so
/// the usual case is a single pass that finds them sorted. (std's sort links specialised code
/// worth 1.2 KB of brotli-compressed wasm for this one type.)
pub fn in_completion_order(entries: Vec<CheckIn>) -> Vec<CheckIn> {
    if entries
        .windows(2)
        .all(|pair| completion_order(&pair[0], &pair[1]) != Ordering::Greater)
    {
        return entries;
    }
    let mut left = entries;
    let right = left.split_off(left.len() / 2);
    let (left, right) = (in_completion_order(left), in_completion_order(right));
    let mut merged = Vec::with_capacity(left.len() + right.len());
    let (mut left, mut right) = (left.into_iter().peekable(), right.into_iter().peekable());
    while let (Some(a), Some(b)) = (left.peek(), right.peek()) {
        let next = if completion_order(a, b) == Ordering::Greater {
            right.next()
        } else {
            left.next()
        };
        merged.extend(next);
    }
    merged.extend(left);
    merged.extend(right);
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::{builtin_check_in, edited, history, tombstone};

    fn entry(id: &str, completed_at_ms: u64) -> CheckIn {
        builtin_check_in(id, completed_at_ms, [90; 4])
    }

    #[test]
    fn note_limit_counts_characters_not_bytes() {
        assert_eq!(note_length(""), NoteLength::Within { used: 0 });
        let at_limit = "é".repeat(NOTE_LIMIT);
        assert_eq!(note_length(&at_limit), NoteLength::Within { used: 1000 });
        let over = "🙂".repeat(NOTE_LIMIT + 3);
        assert_eq!(
            note_length(&over),
            NoteLength::Over {
                used: 1003,
                excess: 3
            }
        );
    }

    #[test]
    fn merge_keeps_both_sides_and_is_idempotent() {
        let ours = vec![entry("a", 10), entry("c", 30)];
        let theirs = vec![entry("b", 20), entry("c", 30)];
        let merged = merge_by_id(ours, &theirs);
        let ids: Vec<&str> = merged.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        let again = merge_by_id(merged.clone(), &theirs);
        assert_eq!(again, merged);
    }

    #[test]
    fn merge_never_replaces_an_existing_entry() {
        let mut edited = entry("a", 10);
        edited.note = "incoming copy".into();
        let merged = merge_by_id(vec![entry("a", 10)], &[edited]);
        assert_eq!(merged, vec![entry("a", 10)]);
    }

    fn ids(history: &History) -> Vec<&str> {
        history.entries.iter().map(|e| e.id.as_str()).collect()
    }

    #[test]
    fn histories_merge_into_the_union_in_completion_order() {
        let ours = history(vec![entry("a", 10), entry("c", 30)], vec![]);
        let theirs = history(vec![entry("b", 20), entry("c", 30)], vec![]);
        let merged = merge_histories(ours.clone(), &theirs);
        assert_eq!(ids(&merged), ["a", "b", "c"]);
        assert_eq!(merged, merge_histories(theirs.clone(), &ours));
        assert_eq!(merge_histories(merged.clone(), &theirs), merged);
        assert_eq!(merge_histories(merged.clone(), &merged), merged);
    }

    #[test]
    fn the_later_edit_wins_and_a_tie_keeps_ours() {
        let plain = entry("a", 10);
        let early = edited(entry("a", 10), 100, "early");
        let late = edited(entry("a", 10), 200, "late");
        let one = |entry: &CheckIn| history(vec![entry.clone()], vec![]);
        for (ours, theirs, expected) in [
            (&plain, &early, &early),
            (&early, &plain, &early),
            (&early, &late, &late),
            (&late, &early, &late),
        ] {
            assert_eq!(merge_histories(one(ours), &one(theirs)), one(expected));
        }
        let rival = edited(entry("a", 10), 200, "same time, other words");
        assert_eq!(merge_histories(one(&late), &one(&rival)), one(&late));
        assert_eq!(merge_histories(one(&rival), &one(&late)), one(&rival));
    }

    #[test]
    fn a_deletion_on_either_side_wins_and_keeps_its_earliest_time() {
        let ours = history(
            vec![entry("a", 10), entry("b", 20)],
            vec![tombstone("x", 7)],
        );
        let theirs = history(
            vec![edited(entry("a", 10), 99, "edited after")],
            vec![tombstone("a", 50), tombstone("x", 3)],
        );
        let merged = merge_histories(ours.clone(), &theirs);
        assert_eq!(ids(&merged), ["b"]);
        assert_eq!(merged.deleted, vec![tombstone("a", 50), tombstone("x", 3)]);
        assert_eq!(merged, merge_histories(theirs, &ours));
    }

    #[test]
    fn merging_is_associative() {
        let a = history(vec![entry("a", 10), edited(entry("s", 5), 3, "a")], vec![]);
        let b = history(vec![edited(entry("s", 5), 9, "b")], vec![tombstone("c", 1)]);
        let c = history(vec![entry("c", 30), edited(entry("s", 5), 4, "c")], vec![]);
        assert_eq!(
            merge_histories(merge_histories(a.clone(), &b), &c),
            merge_histories(a, &merge_histories(b, &c))
        );
    }

    #[test]
    fn delete_then_restore_is_undo() {
        let before = history(vec![entry("a", 10), entry("b", 20)], vec![]);
        let deleted = delete_entry(before.clone(), "a", 500);
        assert_eq!(ids(&deleted), ["b"]);
        assert_eq!(deleted.deleted, vec![tombstone("a", 500)]);
        // A merge with a copy that still holds it does not bring it back.
        assert_eq!(merge_histories(deleted.clone(), &before), deleted);
        // Deleting again keeps the first time; deleting an unknown id is still remembered.
        let again = delete_entry(deleted.clone(), "a", 900);
        assert_eq!(again, deleted);
        let unknown = delete_entry(deleted.clone(), "zz", 600);
        assert_eq!(
            unknown.deleted,
            vec![tombstone("a", 500), tombstone("zz", 600)]
        );
        assert_eq!(restore_entry(deleted, entry("a", 10)), before);
    }

    #[test]
    fn restore_replaces_an_entry_with_the_same_id() {
        let corrected = edited(entry("a", 10), 5, "corrected");
        let restored = restore_entry(history(vec![entry("a", 10)], vec![]), corrected.clone());
        assert_eq!(restored, history(vec![corrected], vec![]));
    }
}
