//! Test fixtures shared by the crate's unit tests: built-in check-ins in one line each.

use super::builtin::builtin_instrument;
use super::checkin::{CheckIn, InstrumentRef};
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
    }
}
