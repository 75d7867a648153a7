//! The stored formats as serde types, one per frozen version (history 1-3, draft 1, backup 1-2),
//! and the serde `Deserializer` that reads them from `json.rs`'s tree.
//!
//! Kept apart from the domain types (`CheckIn`, `History`, `Draft`): the domain may change, these
//! may not (each is a version already written to someone's storage). Older versions are brought
//! up by `From` one step at a time (V1 → V2 → V3) and then converted to the domain with the
//! checks no type expresses (id lengths, time and count limits, answers unique and non-empty).
//!
//! Reading: `json.rs` parses (it refuses duplicate keys, lone surrogates, too deep or too wide
//! text, and keeps numbers as written), and [`Tree`] hands its tree to serde. Numbers are whole
//! numbers only, read from their digits: a sign, fraction or exponent is refused, and no float
//! is read anywhere. An object's members are refused unless the type names them
//! (`deny_unknown_fields`), except in lenient mode, where [`Tree`] skips the members a struct
//! does not name (for a newer version's history, read only to be shown). Errors are
//! [`Unreadable`]: static texts, the member's path made from the static field names.
//!
//! Writing: the same types over borrowed text (`S = &str`: nothing is copied to be written),
//! through `serde_json`, whose string escaping is the one `json.rs`'s `write_string` copied (a
//! property test holds them equal), so every stored byte is as before.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::StrDeserializer;
use serde::de::{
    DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use serde::{Deserialize, Deserializer, Serialize};

use super::checkin::{CheckIn, InstrumentRef, Revision, Tombstone};
use super::codec::{Unreadable, MAX_COUNT, MAX_ID_LENGTH, MAX_TIME_MS};
use super::draft::Draft;
use super::json::Json;
use super::scoring::Answer;

fn is_zero(count: &u64) -> bool {
    *count == 0
}

/// History version 1: `{"format":…,"version":1,"entries":[…]}`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StoredHistoryV1<E> {
    pub format: Cow<'static, str>,
    pub version: u32,
    pub entries: Vec<E>,
}

/// History version 2: version 1 and the deletions.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StoredHistoryV2<E> {
    pub format: Cow<'static, str>,
    pub version: u32,
    pub entries: Vec<E>,
    pub deleted: Vec<StoredDeletion>,
}

/// History version 3: version 2 and the generation ("delete everything" count), written first.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StoredHistoryV3<E, D = StoredDeletion> {
    pub format: Cow<'static, str>,
    pub version: u32,
    pub generation: u64,
    pub entries: Vec<E>,
    pub deleted: Vec<D>,
}

/// A deletion (history versions 2 and 3, backup version 2). `life` came with version 3, but
/// version 2's reader already accepted it (one reader served both), so it still does.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StoredDeletion<S = String> {
    pub id: S,
    pub deleted_at: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub life: u64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StoredInstrument<S = String> {
    pub id: S,
    pub version: u32,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StoredAnswer<S = String> {
    pub item: S,
    pub value: u16,
}

/// An entry of history version 1.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StoredEntryV1 {
    pub id: String,
    pub completed_at: u64,
    pub instrument: StoredInstrument,
    pub answers: Vec<StoredAnswer>,
    pub note: String,
}

/// An entry of history version 2 (and backup version 1): version 1's members, then the optional
/// ones, each left out when unset.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StoredEntryV2 {
    pub id: String,
    pub completed_at: u64,
    pub instrument: StoredInstrument,
    pub answers: Vec<StoredAnswer>,
    pub note: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub practice: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub therapist: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_at: Option<u64>,
}

/// An entry of history version 3 (and backup version 2): version 2's members, then the
/// revision's counts, each left out when 0.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StoredEntryV3<S = String> {
    pub id: S,
    pub completed_at: u64,
    pub instrument: StoredInstrument<S>,
    pub answers: Vec<StoredAnswer<S>>,
    pub note: S,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub practice: Option<S>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub therapist: Option<S>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_at: Option<u64>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub life: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub edits: u64,
}

/// Draft version 1.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StoredDraftV1<S = String> {
    pub format: Cow<'static, str>,
    pub version: u32,
    pub saved_at: u64,
    pub instrument: StoredInstrument<S>,
    pub answers: Vec<StoredAnswer<S>>,
    pub note: S,
}

/// Backup version 1 (entries in history layout 2).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StoredBackupV1<E> {
    pub format: Cow<'static, str>,
    pub version: u32,
    pub exported_at: u64,
    pub entries: Vec<E>,
}

/// Backup version 2 (entries in history layout 3) and the deletions.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StoredBackupV2<E, D = StoredDeletion> {
    pub format: Cow<'static, str>,
    pub version: u32,
    pub exported_at: u64,
    pub entries: Vec<E>,
    pub deleted: Vec<D>,
}

/// What this version reads of a newer version's history (leniently: other members skipped).
#[derive(Deserialize)]
pub(crate) struct NewerHistory {
    pub format: String,
    pub version: u64,
    pub entries: Vec<StoredEntryV3>,
    #[serde(default)]
    pub deleted: Vec<NewerDeletion>,
}

#[derive(Deserialize)]
pub(crate) struct NewerDeletion {
    pub id: String,
}

// Migrations, one step per version.

/// Version 1 had no deletions: the list starts empty.
impl<A: Into<B>, B> From<StoredHistoryV1<A>> for StoredHistoryV2<B> {
    fn from(v1: StoredHistoryV1<A>) -> Self {
        StoredHistoryV2 {
            format: v1.format,
            version: 2,
            entries: v1.entries.into_iter().map(Into::into).collect(),
            deleted: Vec::new(),
        }
    }
}

/// Generation 0: "delete everything" came with version 3.
impl<A: Into<B>, B> From<StoredHistoryV2<A>> for StoredHistoryV3<B> {
    fn from(v2: StoredHistoryV2<A>) -> Self {
        StoredHistoryV3 {
            format: v2.format,
            version: 3,
            generation: 0,
            entries: v2.entries.into_iter().map(Into::into).collect(),
            deleted: v2.deleted,
        }
    }
}

/// Backup version 1 had no deletions; its entries take their own step (layout 2 to 3).
impl<A: Into<B>, B> From<StoredBackupV1<A>> for StoredBackupV2<B> {
    fn from(v1: StoredBackupV1<A>) -> Self {
        StoredBackupV2 {
            format: v1.format,
            version: 2,
            exported_at: v1.exported_at,
            entries: v1.entries.into_iter().map(Into::into).collect(),
            deleted: Vec::new(),
        }
    }
}

/// Version 1 entries had no practice, therapist or edit time.
impl From<StoredEntryV1> for StoredEntryV2 {
    fn from(v1: StoredEntryV1) -> Self {
        StoredEntryV2 {
            id: v1.id,
            completed_at: v1.completed_at,
            instrument: v1.instrument,
            answers: v1.answers,
            note: v1.note,
            practice: None,
            therapist: None,
            edited_at: None,
        }
    }
}

/// Version 2 had no revisions: a corrected entry has one edit, every life is 0 (so a version 2
/// deletion still wins over every copy version 2 could have written).
impl From<StoredEntryV2> for StoredEntryV3 {
    fn from(v2: StoredEntryV2) -> Self {
        StoredEntryV3 {
            edits: u64::from(v2.edited_at.is_some()),
            id: v2.id,
            completed_at: v2.completed_at,
            instrument: v2.instrument,
            answers: v2.answers,
            note: v2.note,
            practice: v2.practice,
            therapist: v2.therapist,
            edited_at: v2.edited_at,
            life: 0,
        }
    }
}

// To and from the domain.

fn problem(field: &'static str, problem: &'static str) -> Unreadable {
    Unreadable {
        entry: None,
        field,
        problem,
    }
}

fn id(id: String, field: &'static str) -> Result<String, Unreadable> {
    if id.is_empty() || id.len() > MAX_ID_LENGTH {
        return Err(problem(field, "must be 1 to 64 bytes"));
    }
    Ok(id)
}

/// A time in milliseconds since the Unix epoch, at most [`MAX_TIME_MS`].
pub(crate) fn time(at: u64, field: &'static str) -> Result<u64, Unreadable> {
    if at > MAX_TIME_MS {
        return Err(problem(field, "a time after the year 9999"));
    }
    Ok(at)
}

/// A count (`life`, `edits`, `generation`), at most [`MAX_COUNT`].
fn count(count: u64, field: &'static str) -> Result<u32, Unreadable> {
    if count > MAX_COUNT {
        return Err(problem(field, "not a count in range"));
    }
    Ok(count as u32)
}

pub(crate) fn generation(generation: u64) -> Result<u64, Unreadable> {
    count(generation, "generation").map(u64::from)
}

fn answers(stored: Vec<StoredAnswer>) -> Result<Vec<Answer>, Unreadable> {
    for (index, answer) in stored.iter().enumerate() {
        if answer.item.is_empty() {
            return Err(problem("answers.item", "empty"));
        }
        if stored
            .iter()
            .take(index)
            .any(|other| other.item == answer.item)
        {
            return Err(problem("answers.item", "answered twice"));
        }
    }
    // Same layout: collected in place, without a second list.
    Ok(stored
        .into_iter()
        .map(|answer| Answer {
            item_id: answer.item,
            value: answer.value,
        })
        .collect())
}

fn stored_answers(answers: &[Answer]) -> Vec<StoredAnswer<&str>> {
    answers
        .iter()
        .map(|answer| StoredAnswer {
            item: answer.item_id.as_str(),
            value: answer.value,
        })
        .collect()
}

impl From<StoredInstrument> for InstrumentRef {
    fn from(stored: StoredInstrument) -> Self {
        InstrumentRef {
            id: stored.id,
            version: stored.version,
        }
    }
}

impl<'a> From<&'a InstrumentRef> for StoredInstrument<&'a str> {
    fn from(instrument: &'a InstrumentRef) -> Self {
        StoredInstrument {
            id: instrument.id.as_str(),
            version: instrument.version,
        }
    }
}

impl TryFrom<StoredEntryV3> for CheckIn {
    type Error = Unreadable;

    fn try_from(stored: StoredEntryV3) -> Result<Self, Unreadable> {
        let answers = answers(stored.answers)?;
        if answers.is_empty() {
            return Err(problem("answers", "empty"));
        }
        Ok(CheckIn {
            id: id(stored.id, "id")?,
            completed_at_ms: time(stored.completed_at, "completed_at")?,
            instrument: stored.instrument.into(),
            answers,
            note: stored.note,
            practice: stored.practice,
            therapist: stored.therapist,
            edited_at_ms: stored
                .edited_at
                .map(|at| time(at, "edited_at"))
                .transpose()?,
            revision: Revision {
                life: count(stored.life, "life")?,
                edits: count(stored.edits, "edits")?,
            },
        })
    }
}

impl<'a> From<&'a CheckIn> for StoredEntryV3<&'a str> {
    fn from(entry: &'a CheckIn) -> Self {
        StoredEntryV3 {
            id: entry.id.as_str(),
            completed_at: entry.completed_at_ms,
            instrument: (&entry.instrument).into(),
            answers: stored_answers(&entry.answers),
            note: entry.note.as_str(),
            practice: entry.practice.as_deref(),
            therapist: entry.therapist.as_deref(),
            edited_at: entry.edited_at_ms,
            life: entry.revision.life.into(),
            edits: entry.revision.edits.into(),
        }
    }
}

impl TryFrom<StoredDeletion> for Tombstone {
    type Error = Unreadable;

    fn try_from(stored: StoredDeletion) -> Result<Self, Unreadable> {
        Ok(Tombstone {
            id: id(stored.id, "deleted.id")?,
            deleted_at_ms: time(stored.deleted_at, "deleted.deleted_at")?,
            life: count(stored.life, "deleted.life")?,
        })
    }
}

impl<'a> From<&'a Tombstone> for StoredDeletion<&'a str> {
    fn from(tombstone: &'a Tombstone) -> Self {
        StoredDeletion {
            id: tombstone.id.as_str(),
            deleted_at: tombstone.deleted_at_ms,
            life: tombstone.life.into(),
        }
    }
}

impl TryFrom<StoredDraftV1> for Draft {
    type Error = Unreadable;

    fn try_from(stored: StoredDraftV1) -> Result<Self, Unreadable> {
        Ok(Draft {
            saved_at_ms: time(stored.saved_at, "saved_at")?,
            instrument: stored.instrument.into(),
            answers: answers(stored.answers)?,
            note: stored.note,
        })
    }
}

impl<'a> From<&'a Draft> for StoredDraftV1<&'a str> {
    fn from(draft: &'a Draft) -> Self {
        StoredDraftV1 {
            format: Cow::Borrowed(super::codec::DRAFT_FORMAT),
            version: super::codec::DRAFT_VERSION,
            saved_at: draft.saved_at_ms,
            instrument: (&draft.instrument).into(),
            answers: stored_answers(&draft.answers),
            note: draft.note.as_str(),
        }
    }
}

/// The entries as the current layout writes them.
pub(crate) fn entries(entries: &[CheckIn]) -> Vec<StoredEntryV3<&str>> {
    entries.iter().map(Into::into).collect()
}

/// The deletions as the current layout writes them.
pub(crate) fn deletions(deleted: &[Tombstone]) -> Vec<StoredDeletion<&str>> {
    deleted.iter().map(Into::into).collect()
}

/// The deletions, sorted by id; an id twice is unreadable (at its index).
pub(crate) fn tombstones(stored: Vec<StoredDeletion>) -> Result<Vec<Tombstone>, Unreadable> {
    let mut deleted = Vec::with_capacity(stored.len());
    for (index, tombstone) in stored.into_iter().enumerate() {
        let tombstone = Tombstone::try_from(tombstone).map_err(|error| error.at(index))?;
        if !super::checkin::add_tombstone(&mut deleted, tombstone) {
            return Err(problem("deleted.id", "repeats an earlier deletion").at(index));
        }
    }
    Ok(deleted)
}

/// Reads entry `index` of a history (or backup) written in entry layout `layout`: migrated to
/// the current layout, then checked.
pub(crate) fn read_entry(value: &Json, layout: u32, index: usize) -> Result<CheckIn, Unreadable> {
    let stored = match layout {
        1 => read::<StoredEntryV1>(value, false).map(|v1| StoredEntryV2::from(v1).into()),
        2 => read::<StoredEntryV2>(value, false).map(Into::into),
        _ => read::<StoredEntryV3>(value, false),
    };
    stored
        .and_then(CheckIn::try_from)
        .map_err(|error| error.named("entry").at_entry(index))
}

/// Writes `value` as compact JSON. These types cannot fail to serialize (structs, text, whole
/// numbers; no map, no custom `Serialize`). Were one to, the page stops before it writes: an
/// empty default written over the device's history would lose it.
pub(crate) fn write<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("the stored types always serialize")
}

// Reading: a serde Deserializer over json.rs's tree.

/// Reads `T` from `value`. `lenient`: structs skip the members they do not name.
pub(crate) fn read<T: DeserializeOwned>(value: &Json, lenient: bool) -> Result<T, Unreadable> {
    T::deserialize(Tree { value, lenient })
}

/// Nested members' paths as reported (static text, as today's readers named them).
const PATHS: [&str; 7] = [
    "answers.item",
    "answers.value",
    "instrument.id",
    "instrument.version",
    "deleted.id",
    "deleted.deleted_at",
    "deleted.life",
];

impl Unreadable {
    /// The error seen from the object holding member `key`: `key.field` when that is one of
    /// [`PATHS`], else `key`.
    fn within(mut self, key: &'static str) -> Self {
        let field = self.field;
        self.field = match field {
            "" => key,
            _ => PATHS
                .into_iter()
                .find(|path| {
                    path.strip_prefix(key)
                        .and_then(|rest| rest.strip_prefix('.'))
                        == Some(field)
                })
                .unwrap_or(key),
        };
        self
    }

    /// At item `index` of a list, unless an inner list already placed it.
    fn at(mut self, index: usize) -> Self {
        self.entry = self.entry.or(Some(index));
        self
    }

    /// At entry `index` of a history or backup (whatever inner list placed it).
    pub(crate) fn at_entry(mut self, index: usize) -> Self {
        self.entry = Some(index);
        self
    }

    /// With `field` when no member was named (the value read as a whole was at fault).
    pub(crate) fn named(mut self, field: &'static str) -> Self {
        if self.field.is_empty() {
            self.field = field;
        }
        self
    }
}

impl fmt::Display for Unreadable {
    fn fmt(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        write!(formatter, "{}: {}", self.field, self.problem)
    }
}

impl std::error::Error for Unreadable {}

impl serde::de::Error for Unreadable {
    /// Only serde's own messages come here (the reader words its errors itself): a static text
    /// keeps formatting code out.
    fn custom<T: fmt::Display>(_message: T) -> Self {
        problem("", "not readable")
    }

    fn missing_field(field: &'static str) -> Self {
        problem(field, "missing")
    }

    fn unknown_field(_field: &str, _expected: &'static [&'static str]) -> Self {
        problem("", "unexpected members")
    }
}

/// A value of `json.rs`'s tree as a serde `Deserializer`.
struct Tree<'t, 'a> {
    value: &'t Json<'a>,
    lenient: bool,
}

impl<'t, 'a> Tree<'t, 'a> {
    fn whole<'de, V: Visitor<'de>>(self, max: u64, visitor: V) -> Result<V::Value, Unreadable> {
        match self.value.as_u64() {
            Some(number) if number <= max => visitor.visit_u64(number),
            _ => Err(problem("", "not a whole number in range")),
        }
    }
}

impl<'de> Deserializer<'de> for Tree<'_, '_> {
    type Error = Unreadable;

    /// Only for types that take any kind of value: none of the stored types does.
    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Unreadable> {
        Err(problem("", "not readable"))
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        self.whole(u8::MAX.into(), visitor)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        self.whole(u16::MAX.into(), visitor)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        self.whole(u32::MAX.into(), visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        self.whole(u64::MAX, visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        match self.value {
            Json::String(text) => visitor.visit_str(text),
            _ => Err(problem("", "not text")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        self.deserialize_str(visitor)
    }

    /// A member that is present is never "none": `null` is of the wrong type, as before.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Unreadable> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        match self.value {
            Json::Array(items) => visitor.visit_seq(Items {
                items: items.iter().enumerate(),
                lenient: self.lenient,
            }),
            _ => Err(problem("", "not a list")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Unreadable> {
        match self.value {
            Json::Object(members) => visitor.visit_map(Members {
                members: members.iter(),
                fields,
                lenient: self.lenient,
                value: None,
            }),
            _ => Err(problem("", "not an object")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u128 f32 f64 char bytes byte_buf unit unit_struct tuple
        tuple_struct map enum identifier
    }
}

/// A list's items, each placed at its index when it cannot be read.
struct Items<'t, 'a> {
    items: std::iter::Enumerate<std::slice::Iter<'t, Json<'a>>>,
    lenient: bool,
}

impl<'de> SeqAccess<'de> for Items<'_, '_> {
    type Error = Unreadable;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Unreadable> {
        let Some((index, value)) = self.items.next() else {
            return Ok(None);
        };
        let lenient = self.lenient;
        seed.deserialize(Tree { value, lenient })
            .map(Some)
            .map_err(|error| error.at(index))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// An object's members in the order written (`json.rs` has refused a key given twice). In
/// lenient mode, members the struct does not name are skipped.
struct Members<'t, 'a> {
    members: std::slice::Iter<'t, (Cow<'a, str>, Json<'a>)>,
    fields: &'static [&'static str],
    lenient: bool,
    /// The value of the key last handed out, and the field name it matched.
    value: Option<(&'t Json<'a>, &'static str)>,
}

impl<'de> MapAccess<'de> for Members<'_, '_> {
    type Error = Unreadable;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Unreadable> {
        for (key, value) in self.members.by_ref() {
            let field = self.fields.iter().find(|field| **field == key);
            if self.lenient && field.is_none() {
                continue;
            }
            self.value = Some((value, field.copied().unwrap_or("")));
            let key: StrDeserializer<Unreadable> = key.as_ref().into_deserializer();
            return seed.deserialize(key).map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Unreadable> {
        let (value, field) = self.value.take().unwrap_or((&Json::Null, ""));
        seed.deserialize(Tree {
            value,
            lenient: self.lenient,
        })
        .map_err(|error| error.within(field))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::json::parse;
    use serde::de::IgnoredAny;

    fn read_text<T: DeserializeOwned>(text: &str, lenient: bool) -> Result<T, Unreadable> {
        read(&parse(text).unwrap(), lenient)
    }

    /// Each type is its version's exact layout: every frozen fixture, read as its version's
    /// type and written back, is the same bytes.
    #[test]
    fn every_frozen_fixture_is_its_types_layout_byte_for_byte() {
        fn same<T: DeserializeOwned + Serialize>(text: &str) {
            assert_eq!(write(&read_text::<T>(text, false).unwrap()), text);
        }
        same::<StoredHistoryV1<StoredEntryV1>>(include_str!(
            "../../tests/fixtures/history-v1.json"
        ));
        same::<StoredHistoryV2<StoredEntryV2>>(include_str!(
            "../../tests/fixtures/history-v2.json"
        ));
        same::<StoredHistoryV3<StoredEntryV3>>(include_str!(
            "../../tests/fixtures/history-v3.json"
        ));
        same::<StoredBackupV1<StoredEntryV2>>(include_str!("../../tests/fixtures/backup-v1.json"));
        same::<StoredBackupV2<StoredEntryV3>>(include_str!("../../tests/fixtures/backup-v2.json"));
    }

    #[test]
    fn numbers_are_whole_digits_in_range() {
        let answer = |value: &str| {
            read_text::<StoredAnswer>(&format!(r#"{{"item":"i","value":{value}}}"#), false)
                .map(|answer| answer.value)
        };
        assert_eq!(answer("65535"), Ok(65535));
        for refused in ["65536", "-1", "-0", "1.0", "1e2", "\"1\"", "null", "true"] {
            let error = answer(refused).unwrap_err();
            assert_eq!(error.field, "value", "{refused}");
        }
    }

    #[test]
    fn a_present_optional_member_is_never_null() {
        let entry = r#"{"id":"a","completed_at":1,"instrument":{"id":"x","version":1},"answers":[{"item":"i","value":1}],"note":"","practice":null}"#;
        assert_eq!(
            read_text::<StoredEntryV2>(entry, false).unwrap_err(),
            problem("practice", "not text")
        );
    }

    #[test]
    fn lenient_reading_skips_only_unknown_members() {
        let entry = r#"{"id":"a","completed_at":1,"mood":[1],"instrument":{"id":"x","version":1,"x":{}},"answers":[{"item":"i","value":1,"why":"?"}],"note":""}"#;
        assert_eq!(
            read_text::<StoredEntryV1>(entry, false).unwrap_err(),
            problem("", "unexpected members")
        );
        let read = read_text::<StoredEntryV1>(entry, true).unwrap();
        assert_eq!((read.instrument.id.as_str(), read.answers.len()), ("x", 1));
        // The known members are still checked.
        let wrong = entry.replace(r#""value":1"#, r#""value":"1""#);
        let error = read_text::<StoredEntryV1>(&wrong, true).unwrap_err();
        assert_eq!((error.entry, error.field), (Some(0), "answers.value"));
    }

    #[test]
    fn errors_name_the_item_and_the_member() {
        let history = r#"{"format":"f","version":2,"entries":[],"deleted":[{"id":"a","deleted_at":1},{"id":"b","deleted_at":1,"life":"x"}]}"#;
        let error = read_text::<StoredHistoryV2<IgnoredAny>>(history, false).unwrap_err();
        assert_eq!(
            error,
            Unreadable {
                entry: Some(1),
                field: "deleted.life",
                problem: "not a whole number in range",
            }
        );
        let missing = history.replace(r#""deleted_at":1,"life":"x""#, r#""life":1"#);
        let error = read_text::<StoredHistoryV2<IgnoredAny>>(&missing, false).unwrap_err();
        assert_eq!((error.entry, error.field), (Some(1), "deleted.deleted_at"));
        assert_eq!(error.problem, "missing");
    }
}
