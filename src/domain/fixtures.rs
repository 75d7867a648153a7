//! Test fixtures shared by the crate's unit tests: built-in check-ins, answers, deletions and
//! histories in one line each.

use super::builtin::builtin_instrument;
use std::collections::BTreeMap;

use super::checkin::{canonical_history, CheckIn, History, InstrumentRef, Revision, Tombstone};
use super::codec::decode_history;
use super::definition::parse_definition;
use super::history_engine::{HistoryEngine, Keys, Snapshot, StorageOp};
use super::instrument::Instrument;
use super::scoring::Answer;
use super::stored_reader::StoredReader;

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

/// A device's localStorage for engine tests: every key with its text. `sync` reads it, lets
/// the engine plan, performs every write and reports success, as the browser adapter does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Device(pub BTreeMap<String, String>);

impl Device {
    /// A device holding `items` (key, text).
    pub fn holding<const N: usize>(items: [(String, String); N]) -> Self {
        Device(items.into_iter().collect())
    }

    pub fn snapshot(&self, keys: &Keys) -> Snapshot {
        Snapshot::new(
            self.0
                .iter()
                .filter(|(key, _)| keys.owns(key))
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect(),
        )
    }

    pub fn sync(&mut self, engine: &mut HistoryEngine, now_ms: u64) {
        self.sync_reading_with(engine, now_ms, Some(&StoredReader::new()));
    }

    /// A sync by a page that has the stored data's `reader`, or not yet; true if it waited.
    pub fn sync_reading_with(
        &mut self,
        engine: &mut HistoryEngine,
        now_ms: u64,
        reader: Option<&StoredReader>,
    ) -> bool {
        let plan = engine.plan(&self.snapshot(engine.keys()), now_ms, reader);
        let waited = plan.waits_for_reader();
        for op in &plan.ops {
            match op {
                StorageOp::Set { key, value } => {
                    self.0.insert(key.clone(), value.clone());
                }
                StorageOp::Remove { key } => {
                    self.0.remove(key);
                }
            }
        }
        engine.finish(plan, Ok(()));
        waited
    }

    /// The main history as this version reads it (the test fails when there is none).
    pub fn main_history(&self, keys: &Keys) -> History {
        decode_history(&self.0[&keys.history()]).unwrap()
    }

    /// The ids the main history holds (none when it is absent or unreadable).
    pub fn main_ids(&self, keys: &Keys) -> Vec<String> {
        self.0
            .get(&keys.history())
            .and_then(|text| decode_history(text).ok())
            .map(|history| history.entries.into_iter().map(|entry| entry.id).collect())
            .unwrap_or_default()
    }
}
