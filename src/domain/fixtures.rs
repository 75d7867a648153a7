//! Test fixtures shared by the crate's unit tests: built-in check-ins, answers, deletions and
//! histories in one line each.

use super::builtin::builtin_instrument;
use super::checkin::{canonical_history, CheckIn, History, InstrumentRef, Revision, Tombstone};
use super::definition::parse_definition;
use super::instrument::Instrument;
use super::scoring::Answer;

/// The built-in check-in's item ids, in order.
pub const BUILTIN_ITEM_IDS: [&str; 4] = ["connection", "focus", "way-of-working", "overall"];

/// Answers to the four built-in items, in tenths.
pub fn builtin_answers(values: [u16; 4]) -> Vec<Answer> {
    BUILTIN_ITEM_IDS
        .iter()
        .zip(values)
        .map(|(item_id, value)| Answer {
            item_id: (*item_id).into(),
            value,
        })
        .collect()
}

/// The built-in check-in's first version, which the frozen fixtures and backups were written
/// with (version 2 compares with it).
pub fn builtin_v1() -> InstrumentRef {
    InstrumentRef {
        id: super::builtin::BUILTIN_INSTRUMENT_ID.into(),
        version: 1,
    }
}

/// A completed built-in check-in with no note.
pub fn builtin_check_in(id: &str, completed_at_ms: u64, values: [u16; 4]) -> CheckIn {
    CheckIn {
        id: id.into(),
        completed_at_ms,
        instrument: InstrumentRef::of(&builtin_instrument()),
        answers: builtin_answers(values),
        note: String::new(),
        practice: None,
        therapist: None,
        edited_at_ms: None,
        revision: Revision::default(),
    }
}

/// The 12-item five-point example (placeholder text, mean-scored, "item-7" reverse-scored).
pub fn likert_example() -> Instrument {
    let definition = include_str!("../instruments/example-12-item-5-point.json");
    parse_definition(definition, "en").unwrap()
}

/// A completed check-in of [`likert_example`], one point (1-5) per item in order.
pub fn likert_check_in(id: &str, completed_at_ms: u64, points: [u16; 12]) -> CheckIn {
    let instrument = likert_example();
    CheckIn {
        instrument: InstrumentRef::of(&instrument),
        answers: instrument
            .items
            .iter()
            .zip(points)
            .map(|(item, value)| answer(&item.id, value))
            .collect(),
        ..builtin_check_in(id, completed_at_ms, [0; 4])
    }
}

/// One answer, in the stored unit of its scale.
pub fn answer(item_id: &str, value: u16) -> Answer {
    Answer {
        item_id: item_id.into(),
        value,
    }
}

/// A deletion of `id` at `deleted_at_ms`.
pub fn tombstone(id: &str, deleted_at_ms: u64) -> Tombstone {
    Tombstone {
        id: id.into(),
        deleted_at_ms,
        life: 0,
    }
}

/// `entry` as corrected by the client at `edited_at_ms`, with `note` as its new note (one more
/// edit).
pub fn edited(mut entry: CheckIn, edited_at_ms: u64, note: &str) -> CheckIn {
    entry.edited_at_ms = Some(edited_at_ms);
    entry.revision.edits += 1;
    entry.note = note.into();
    entry
}

/// A history of `entries` (put in completion order) and `deleted`, as the history functions
/// keep it.
pub fn history(entries: Vec<CheckIn>, deleted: Vec<Tombstone>) -> History {
    canonical_history(History {
        generation: 0,
        entries,
        deleted,
    })
}
