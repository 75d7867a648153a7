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
    /// When the client last corrected it (scores or note), if ever. Shown to the client; never
    /// used to order copies (two devices' clocks disagree): [`Revision`] does that.
    pub edited_at_ms: Option<u64>,
    /// Which copy of the check-in this is, for merging copies written by different tabs.
    pub revision: Revision,
}

/// Orders the copies of one check-in that different tabs (or a backup) hold, without clocks.
///
/// `life` counts how often the client brought the check-in back after deleting it (undo);
/// `edits` counts the client's corrections within that life. Between two records of one id the
/// higher `life` wins; within a life a deletion wins over every copy (so a correction made in a
/// tab that had not yet seen the deletion never brings it back); between two copies the one with
/// more `edits` wins. See [`merge_histories`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Revision {
    pub life: u32,
    pub edits: u32,
}

/// A check-in the client deleted: kept so that no merge with another tab's copy of the history
/// brings it back (an explicit import of a backup may).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tombstone {
    pub id: String,
    pub deleted_at_ms: u64,
    /// The life of the check-in this deletion ended (see [`Revision`]): an undo brings the
    /// check-in back in the next life, which wins over this deletion.
    pub life: u32,
}

/// Everything the device keeps about the client's check-ins.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    /// How many times the client deleted everything on this device. A history of an earlier
    /// generation holds only what "delete everything" removed: merged with a later one, it
    /// counts for nothing.
    pub generation: u64,
    /// In completion order (oldest first, ties by id); never an id that is in `deleted`.
    pub entries: Vec<CheckIn>,
    /// Deleted ids, sorted by id, each at most once.
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

impl Tombstone {
    /// The deletion of `entry` (the copy the client saw) at `now_ms`.
    pub fn of(entry: &CheckIn, now_ms: u64) -> Self {
        Tombstone {
            id: entry.id.clone(),
            deleted_at_ms: now_ms,
            life: entry.revision.life,
        }
    }
}

/// Adds a deletion to `deleted` (kept sorted by id, each id once). When the id is already
/// there, the deletion of the later life is kept, and within one life the earlier time; the
/// result is false.
pub(crate) fn add_tombstone(deleted: &mut Vec<Tombstone>, tombstone: Tombstone) -> bool {
    match deleted.binary_search_by(|kept| kept.id.as_str().cmp(&tombstone.id)) {
        Ok(at) => {
            if let Some(kept) = deleted.get_mut(at) {
                let later_life = tombstone.life > kept.life;
                let same_life_earlier =
                    tombstone.life == kept.life && tombstone.deleted_at_ms < kept.deleted_at_ms;
                if later_life || same_life_earlier {
                    *kept = tombstone;
                }
            }
            false
        }
        Err(at) => {
            deleted.insert(at, tombstone);
            true
        }
    }
}

/// The deletion of `id` in `deleted` (sorted by id, as `add_tombstone` keeps it), if any.
pub fn tombstone_of<'a>(deleted: &'a [Tombstone], id: &str) -> Option<&'a Tombstone> {
    deleted
        .binary_search_by(|kept| kept.id.as_str().cmp(id))
        .ok()
        .and_then(|at| deleted.get(at))
}

/// Whether `id` is in `deleted` (sorted by id, as `add_tombstone` keeps it).
pub(crate) fn is_tombstoned(deleted: &[Tombstone], id: &str) -> bool {
    tombstone_of(deleted, id).is_some()
}

/// Whether `deletion` ends `entry`: it deleted the same life or a later one.
fn ends(deletion: &Tombstone, entry: &CheckIn) -> bool {
    deletion.life >= entry.revision.life
}

/// The order of two copies of one check-in: the later revision, then (two tabs corrected the
/// same copy at once) a fixed order of their contents, so every tab picks the same winner.
fn copy_order(a: &CheckIn, b: &CheckIn) -> Ordering {
    fn answers(entry: &CheckIn) -> Vec<(&str, u16)> {
        entry
            .answers
            .iter()
            .map(|answer| (answer.item_id.as_str(), answer.value))
            .collect()
    }
    a.revision
        .cmp(&b.revision)
        .then_with(|| a.edited_at_ms.cmp(&b.edited_at_ms))
        .then_with(|| a.note.cmp(&b.note))
        .then_with(|| answers(a).cmp(&answers(b)))
        .then_with(|| a.completed_at_ms.cmp(&b.completed_at_ms))
        .then_with(|| a.practice.cmp(&b.practice))
        .then_with(|| a.therapist.cmp(&b.therapist))
        .then_with(|| a.instrument.id.cmp(&b.instrument.id))
        .then_with(|| a.instrument.version.cmp(&b.instrument.version))
}

/// Whether `a` is a later copy of its check-in than `b` (see [`merge_histories`]).
pub fn later_copy(a: &CheckIn, b: &CheckIn) -> bool {
    copy_order(a, b) == Ordering::Greater
}

/// Puts `entries` and `deleted` in the form every history function returns: one record per id
/// (the winning copy, or the deletion when it ends the winning copy's life), deletions sorted
/// by id, entries in completion order.
fn settle(generation: u64, entries: Vec<CheckIn>, tombstones: Vec<Tombstone>) -> History {
    let mut deleted = Vec::with_capacity(tombstones.len());
    for tombstone in tombstones {
        add_tombstone(&mut deleted, tombstone);
    }
    // One copy per id, found through the entries sorted by id (linear-logarithmic: a history
    // of thousands merges on every sync).
    let order = indices_by_id(&entries);
    let mut slots: Vec<Option<CheckIn>> = entries.into_iter().map(Some).collect();
    let mut kept: Vec<CheckIn> = Vec::with_capacity(slots.len());
    for index in order {
        let Some(entry) = slots.get_mut(index).and_then(Option::take) else {
            continue;
        };
        match kept.last_mut() {
            Some(last) if last.id == entry.id => {
                if copy_order(&entry, last) == Ordering::Greater {
                    *last = entry;
                }
            }
            _ => kept.push(entry),
        }
    }
    kept.retain(|entry| !tombstone_of(&deleted, &entry.id).is_some_and(|gone| ends(gone, entry)));
    // A deletion of an earlier life than a kept copy was undone: the copy stands for both.
    deleted.retain(|gone| {
        kept.binary_search_by(|entry| entry.id.as_str().cmp(&gone.id))
            .is_err()
    });
    History {
        generation,
        entries: in_completion_order(kept),
        deleted,
    }
}

/// The positions of `entries` in order of id (stable: equal ids keep their order), by a
/// bottom-up merge sort of indices (std's sort would link specialised code for this one use).
pub(crate) fn indices_by_id(entries: &[CheckIn]) -> Vec<usize> {
    let id = |index: usize| entries.get(index).map_or("", |entry| entry.id.as_str());
    let mut order: Vec<usize> = (0..entries.len()).collect();
    if order.windows(2).all(|pair| id(pair[0]) <= id(pair[1])) {
        return order;
    }
    let count = order.len();
    let mut merged = Vec::with_capacity(count);
    let mut width = 1;
    while width < count {
        merged.clear();
        let mut start = 0;
        while start < count {
            let middle = (start + width).min(count);
            let end = (start + 2 * width).min(count);
            let (mut left, mut right) = (start, middle);
            while left < middle && right < end {
                if id(order[right]) < id(order[left]) {
                    merged.push(order[right]);
                    right += 1;
                } else {
                    merged.push(order[left]);
                    left += 1;
                }
            }
            merged.extend_from_slice(&order[left..middle]);
            merged.extend_from_slice(&order[right..end]);
            start = end;
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

/// `history` in the form every history function returns (see [`merge_histories`]). Decoding
/// returns this form too, so comparing two settled histories compares what they hold.
pub fn canonical_history(history: History) -> History {
    settle(history.generation, history.entries, history.deleted)
}

/// Merges two copies of a history (another tab's, a backup's, or one read back from storage).
/// It is the join of a semilattice, so tabs that merge in any order agree:
///
/// - generations: a history of a later generation (after "delete everything") wins whole.
/// - per id, the record that wins: the higher life; within a life a deletion over any copy;
///   between copies the one with more edits, then a fixed order of contents (see [`Revision`]).
///   No wall clock decides anything.
///
/// The result has its entries in completion order and its deletions sorted by id. Merging is
/// idempotent, commutative and associative.
pub fn merge_histories(ours: History, theirs: &History) -> History {
    join(ours, theirs.clone())
}

/// [`merge_histories`] of two histories the caller gives up: nothing is cloned (a history of a
/// thousand check-ins is merged at every sync).
pub fn join(ours: History, theirs: History) -> History {
    match ours.generation.cmp(&theirs.generation) {
        Ordering::Greater => return canonical_history(ours),
        Ordering::Less => return canonical_history(theirs),
        Ordering::Equal => {}
    }
    let mut entries = ours.entries;
    entries.extend(theirs.entries);
    let mut deleted = ours.deleted;
    deleted.extend(theirs.deleted);
    settle(ours.generation, entries, deleted)
}

/// Deletes `entry` (the copy the client saw) and records the deletion at `now_ms`, so that no
/// merge brings it back. A second deletion of the same life keeps the first time.
pub fn delete_entry(history: History, entry: &CheckIn, now_ms: u64) -> History {
    with_deletion(history, Tombstone::of(entry, now_ms))
}

/// Puts `deletion` in (it ends the copies of its life and earlier).
pub fn with_deletion(history: History, deletion: Tombstone) -> History {
    let mut deleted = history.deleted;
    deleted.push(deletion);
    settle(history.generation, history.entries, deleted)
}

/// `count + 1`, but never past what the decoder reads (`codec::MAX_COUNT`): a history this
/// version writes always reads back.
fn bounded_increment(count: u32) -> u32 {
    count.saturating_add(1).min(super::codec::MAX_COUNT as u32)
}

/// `entry` brought back after its deletion (the client's undo): the next life, which wins over
/// the deletion everywhere.
pub fn restored(entry: CheckIn) -> CheckIn {
    CheckIn {
        revision: Revision {
            life: bounded_increment(entry.revision.life),
            edits: entry.revision.edits,
        },
        ..entry
    }
}

/// `entry` corrected by the client: the next revision within its life.
pub fn corrected(entry: CheckIn) -> CheckIn {
    CheckIn {
        revision: Revision {
            life: entry.revision.life,
            edits: bounded_increment(entry.revision.edits),
        },
        ..entry
    }
}

/// Puts `entry` in (a new check-in, a correction or an undo, already given its revision).
pub fn with_entry(history: History, entry: CheckIn) -> History {
    let mut entries = history.entries;
    entries.push(entry);
    settle(history.generation, entries, history.deleted)
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
    fn more_corrections_win_whatever_the_clocks_say() {
        let plain = entry("a", 10);
        let once = edited(entry("a", 10), 900, "once, by a clock running ahead");
        let twice = edited(edited(entry("a", 10), 100, "first"), 200, "second");
        let one = |entry: &CheckIn| history(vec![entry.clone()], vec![]);
        for (ours, theirs, expected) in [
            (&plain, &once, &once),
            (&once, &plain, &once),
            (&once, &twice, &twice),
            (&twice, &once, &twice),
        ] {
            assert_eq!(merge_histories(one(ours), &one(theirs)), one(expected));
        }
        // Two tabs corrected the same copy at once: both pick the same one, in either order.
        let rival = edited(edited(entry("a", 10), 100, "first"), 200, "rival words");
        assert_eq!(
            merge_histories(one(&twice), &one(&rival)),
            merge_histories(one(&rival), &one(&twice))
        );
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
    fn delete_then_undo_brings_it_back_in_its_next_life() {
        let before = history(vec![entry("a", 10), entry("b", 20)], vec![]);
        let deleted = delete_entry(before.clone(), &entry("a", 10), 500);
        assert_eq!(ids(&deleted), ["b"]);
        assert_eq!(deleted.deleted, vec![tombstone("a", 500)]);
        // A merge with a copy that still holds it does not bring it back.
        assert_eq!(merge_histories(deleted.clone(), &before), deleted);
        // Deleting again keeps the first time; deleting an unknown id is still remembered.
        let again = delete_entry(deleted.clone(), &entry("a", 10), 900);
        assert_eq!(again, deleted);
        let unknown = delete_entry(deleted.clone(), &entry("zz", 1), 600);
        assert_eq!(
            unknown.deleted,
            vec![tombstone("a", 500), tombstone("zz", 600)]
        );
        let undone = with_entry(deleted.clone(), restored(entry("a", 10)));
        assert_eq!(ids(&undone), ["a", "b"]);
        assert!(undone.deleted.is_empty());
        // The undo wins over the deletion and over the old copy, in any order.
        assert_eq!(merge_histories(deleted.clone(), &undone), undone);
        assert_eq!(merge_histories(before.clone(), &undone), undone);
        // Deleted again in the new life: that deletion wins.
        let undone_a = undone.entries[0].clone();
        let deleted_again = delete_entry(undone.clone(), &undone_a, 700);
        assert_eq!(ids(&deleted_again), ["b"]);
        assert_eq!(merge_histories(undone, &deleted_again), deleted_again);
    }

    #[test]
    fn a_correction_never_undoes_a_deletion_of_its_life() {
        let twice = edited(edited(entry("a", 10), 5, "one"), 6, "two");
        let gone = delete_entry(history(vec![entry("a", 10)], vec![]), &entry("a", 10), 50);
        let corrected_elsewhere = history(vec![twice], vec![]);
        assert!(merge_histories(gone.clone(), &corrected_elsewhere)
            .entries
            .is_empty());
        assert!(merge_histories(corrected_elsewhere, &gone)
            .entries
            .is_empty());
    }

    #[test]
    fn a_later_generation_wins_whole() {
        let old = history(vec![entry("a", 10)], vec![tombstone("x", 1)]);
        let erased = History {
            generation: 1,
            entries: vec![entry("n", 99)],
            deleted: vec![],
        };
        assert_eq!(merge_histories(old.clone(), &erased), erased);
        assert_eq!(merge_histories(erased.clone(), &old), erased);
    }
}
