//! Check-in records and the history they form: what is kept after each completed check-in,
//! how two copies of a history merge by entry id, and the rules for the client's note.

use std::cmp::Ordering;

use super::instrument::Instrument;
use super::scoring::{score, Answer, ScoreSheet};

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

    pub fn is(&self, instrument: &Instrument) -> bool {
        self.id == instrument.id && self.version == instrument.version
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
/// never drops or changes an existing entry.
pub fn merge_by_id(mut existing: Vec<CheckIn>, incoming: &[CheckIn]) -> Vec<CheckIn> {
    for entry in incoming {
        if !existing.iter().any(|kept| kept.id == entry.id) {
            existing.push(entry.clone());
        }
    }
    in_completion_order(existing)
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

/// The score sheets of the check-ins in `history` that answered `instrument` (this exact
/// version), oldest first. Entries that do not score are left out of comparisons, not dropped.
pub fn score_sheets_for(instrument: &Instrument, history: &[CheckIn]) -> Vec<ScoreSheet> {
    history
        .iter()
        .filter(|entry| entry.instrument.is(instrument))
        .filter_map(|entry| score(instrument, &entry.answers).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::builtin::builtin_instrument;
    use crate::domain::fixtures::builtin_check_in;

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

    #[test]
    fn comparisons_use_only_the_same_instrument_version() {
        let instrument = builtin_instrument();
        let mut other_version = entry("old", 5);
        other_version.instrument.version = 99;
        let mut unscorable = entry("bad", 6);
        unscorable.answers.pop();
        let history = vec![other_version, unscorable, entry("ok", 7)];
        assert_eq!(score_sheets_for(&instrument, &history).len(), 1);
    }
}
