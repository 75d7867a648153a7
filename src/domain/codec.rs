//! The storage codec: versioned JSON envelopes for the history and the draft. The stored layout
//! is written out here field by field (not derived from the domain types), so the domain can
//! change while every stored version keeps decoding. Decoding never guesses: data it cannot
//! read, or data from a newer version of the widget, is reported to the caller (which keeps
//! it), never replaced by an empty default. Older layouts are brought up to the current one by
//! an explicit table of migrations, one step per version, and then read by the one decoder.

use super::checkin::{
    add_tombstone, canonical_history, in_completion_order, CheckIn, History, InstrumentRef,
    Revision, Tombstone,
};
use super::draft::Draft;
use std::borrow::Cow;

use super::json::{parse, write_string, Json};
use super::scoring::Answer;

pub const HISTORY_FORMAT: &str = "alliance-checkin/history";
pub const DRAFT_FORMAT: &str = "alliance-checkin/draft";
/// The history envelope version this build writes and the newest it reads.
pub const CURRENT_VERSION: u32 = 3;
/// The draft envelope version this build writes and the newest it reads. Drafts are numbered
/// on their own: history version 2 did not change them.
pub const DRAFT_VERSION: u32 = 1;
/// Entry (and deletion) ids longer than this are not ours.
pub(crate) const MAX_ID_LENGTH: usize = 64;
/// The latest time any stored member may name: the last millisecond of the year 9999 (UTC).
/// Later ones are unreadable: JavaScript's `Date` cannot format them (it throws past year
/// 275760) and no check-in was made then.
pub const MAX_TIME_MS: u64 = 253_402_300_799_999;
/// The largest `life`, `edits` or `generation` read: far beyond any client's undos, corrections
/// or erasures, and far from overflow (a hostile file with `u32::MAX` would otherwise make an
/// undo that cannot outrank its deletion).
pub const MAX_COUNT: u64 = 1_000_000;

/// Why stored text could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Not JSON, not our format, or not the layout our version wrote.
    Unreadable(Unreadable),
    /// Written by a newer version of the widget: leave it alone.
    NewerVersion { version: u32 },
}

/// Where and why stored text is unreadable. Plain data with static text (no formatting at decode
/// time, which cost 1.1 KB of wasm); a reader such as an import report words it when needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// The history entry at fault, counting from 0, when the problem is inside one. For a
    /// `field` starting with `deleted`, the deletion (tombstone) at fault instead.
    pub entry: Option<usize>,
    /// The member at fault, e.g. `"answers.value"`, or `"text"` for the whole text.
    pub field: &'static str,
    pub problem: &'static str,
}

impl From<Unreadable> for DecodeError {
    fn from(reason: Unreadable) -> Self {
        DecodeError::Unreadable(reason)
    }
}

// Version 1, as stored (frozen: tests/fixtures/history-v1.json must keep decoding):
//
// history: {"format":"alliance-checkin/history","version":1,"entries":[entry...]}
// entry:   {"id":"...","completed_at":<ms since epoch>,"instrument":{"id":"...","version":<n>},
//           "answers":[{"item":"...","value":<n>}...],"note":"..."}
// draft:   {"format":"alliance-checkin/draft","version":1,"saved_at":<ms>,
//           "instrument":{...},"answers":[...],"note":"..."}
//
// Values are integers: tenths on a 0-10 line, the point's value on a Likert item.
//
// Version 2, the history only (frozen: tests/fixtures/history-v2.json must keep decoding;
// drafts are still written and read as version 1, see `DRAFT_VERSION`):
//
// history: {"format":"alliance-checkin/history","version":2,"entries":[entry...],
//           "deleted":[{"id":"...","deleted_at":<ms since epoch>}...]}
// entry:   the version 1 members in the same order, then each of these only when it is set:
//          {"id":"...","completed_at":<ms>,"instrument":{...},"answers":[...],"note":"...",
//           "practice":"...","therapist":"...","edited_at":<ms since epoch>}
//
// Entry ids are unique and so are deletion ids (1 to 64 bytes each); an entry needs at least
// one answer. An entry whose id is also in "deleted" cannot be written by this version (the
// history functions drop it); if one is found, the deletion wins: deleting is the client's
// explicit act, so the entry is left out and the rest decodes. Entries are read into
// completion order whatever their stored order.
//
// Migration from version 1: "deleted" is an empty list and no entry has the optional members
// (a version 1 entry that has them is unreadable: version 1 never wrote them).
//
// Version 3 (frozen: tests/fixtures/history-v3.json):
//
// history: {"format":"alliance-checkin/history","version":3,"generation":<n>,
//           "entries":[entry...],"deleted":[{"id":"...","deleted_at":<ms>,"life":<n>}...]}
// entry:   the version 2 members in the same order, then each of these only when it is not 0:
//          ...,"edited_at":<ms>,"life":<n>,"edits":<n>}
// deletion: "life" only when it is not 0.
//
// "generation" counts the client's "delete everything"; "life" and "edits" order the copies of
// one check-in without clocks (see `checkin::Revision`). Every time member is at most
// `MAX_TIME_MS`.
//
// Migration from version 2: generation 0; an entry with "edited_at" has 1 edit, every life is 0
// (so a version 2 deletion still wins over every copy version 2 could have written).

fn unreadable(entry: Option<usize>, field: &'static str, problem: &'static str) -> Unreadable {
    Unreadable {
        entry,
        field,
        problem,
    }
}

/// An envelope's members, in document order.
type Members<'a> = Vec<(Cow<'a, str>, Json<'a>)>;

/// One step up of the stored history layout, from `from` to `from + 1`, on the parsed JSON.
/// Old versions have no decoder of their own: they are brought up step by step and read by the
/// current decoder.
struct Migration {
    from: u32,
    /// Rewrites the envelope's members. The entries are left in place for `entry`.
    envelope: fn(&mut Members) -> Result<(), Unreadable>,
    /// Rewrites one entry (counting from 0, for the report). An entry it refuses is reported
    /// on its own, so an import can keep the others.
    entry: fn(&mut Json, usize) -> Result<(), Unreadable>,
}

/// Every step, in order: `MIGRATIONS[n].from == n + 1`, up to `CURRENT_VERSION - 1`. A test
/// fails when a version lacks its step or its frozen fixture.
const MIGRATIONS: &[Migration] = &[
    Migration {
        from: 1,
        envelope: envelope_v1_to_v2,
        entry: entry_v1_to_v2,
    },
    Migration {
        from: 2,
        envelope: envelope_v2_to_v3,
        entry: entry_v2_to_v3,
    },
];

const ENVELOPE_V1: [&str; 3] = ["format", "version", "entries"];
const ENTRY_V1: [&str; 5] = ["id", "completed_at", "instrument", "answers", "note"];

/// Version 1 had no deletions: the list starts empty. (The `version` member is not read after
/// the probe, so it is left as stored.)
fn envelope_v1_to_v2(members: &mut Members) -> Result<(), Unreadable> {
    if members.len() != ENVELOPE_V1.len()
        || !members
            .iter()
            .all(|(name, _)| ENVELOPE_V1.contains(&&**name))
    {
        return Err(unreadable(None, "history", "unexpected members"));
    }
    members.push(("deleted".into(), Json::Array(Vec::new())));
    Ok(())
}

/// Version 1 entries had no practice, therapist or edit time: they stay unset. Members version 1
/// never wrote make the entry unreadable (the decoder checks the rest).
fn entry_v1_to_v2(entry: &mut Json, index: usize) -> Result<(), Unreadable> {
    match entry.as_object() {
        Some(members) if !members.iter().all(|(name, _)| ENTRY_V1.contains(&&**name)) => {
            Err(unreadable(Some(index), "entry", "unexpected members"))
        }
        _ => Ok(()),
    }
}

/// Generation 0: "delete everything" came with version 3.
fn envelope_v2_to_v3(members: &mut Members) -> Result<(), Unreadable> {
    if members.iter().any(|(name, _)| name == "generation") {
        return Err(unreadable(None, "history", "unexpected members"));
    }
    members.push(("generation".into(), Json::Number("0")));
    Ok(())
}

/// A corrected version 2 entry has one edit; "life" and "edits" were never written by version 2.
fn entry_v2_to_v3(entry: &mut Json, index: usize) -> Result<(), Unreadable> {
    let Json::Object(members) = entry else {
        return Ok(());
    };
    if members
        .iter()
        .any(|(name, _)| name == "life" || name == "edits")
    {
        return Err(unreadable(Some(index), "entry", "unexpected members"));
    }
    if members.iter().any(|(name, _)| name == "edited_at") {
        members.push(("edits".into(), Json::Number("1")));
    }
    Ok(())
}

static MISSING: Json = Json::Null;

/// The members `required` (all present) and `optional` of the object `field`. Unless
/// `lenient`, any other member is an error (an unknown member means a layout this version did
/// not write).
pub(crate) fn fields<'a, const R: usize, const O: usize>(
    value: &'a Json<'a>,
    required: [&'static str; R],
    optional: [&'static str; O],
    lenient: bool,
    entry: Option<usize>,
    field: &'static str,
) -> Result<([&'a Json<'a>; R], [Option<&'a Json<'a>>; O]), Unreadable> {
    let object = value
        .as_object()
        .ok_or(unreadable(entry, field, "not an object"))?;
    let mut found = [&MISSING; R];
    for (slot, name) in found.iter_mut().zip(required) {
        *slot = value.get(name).ok_or(unreadable(entry, name, "missing"))?;
    }
    let mut present = [None; O];
    for (slot, name) in present.iter_mut().zip(optional) {
        *slot = value.get(name);
    }
    if !lenient && object.len() != R + present.iter().flatten().count() {
        return Err(unreadable(entry, field, "unexpected members"));
    }
    Ok((found, present))
}

/// Exactly the members `names` of the object `field`.
pub(crate) fn members<'a, const N: usize>(
    value: &'a Json<'a>,
    names: [&'static str; N],
    entry: Option<usize>,
    field: &'static str,
) -> Result<[&'a Json<'a>; N], Unreadable> {
    fields(value, names, [], false, entry, field).map(|(found, _)| found)
}

fn text(value: &Json, entry: Option<usize>, field: &'static str) -> Result<String, Unreadable> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or(unreadable(entry, field, "not text"))
}

/// A count (`life`, `edits`, `generation`), at most [`MAX_COUNT`].
fn counted<T: TryFrom<u64>>(
    value: &Json,
    entry: Option<usize>,
    field: &'static str,
) -> Result<T, Unreadable> {
    match value.as_u64() {
        Some(count) if count <= MAX_COUNT => whole(value, entry, field),
        _ => Err(unreadable(entry, field, "not a count in range")),
    }
}

pub(crate) fn whole<T: TryFrom<u64>>(
    value: &Json,
    entry: Option<usize>,
    field: &'static str,
) -> Result<T, Unreadable> {
    value
        .as_u64()
        .and_then(|number| T::try_from(number).ok())
        .ok_or(unreadable(entry, field, "not a whole number in range"))
}

/// A time in milliseconds since the Unix epoch, at most [`MAX_TIME_MS`].
pub(crate) fn time(
    value: &Json,
    entry: Option<usize>,
    field: &'static str,
) -> Result<u64, Unreadable> {
    let at: u64 = whole(value, entry, field)?;
    if at > MAX_TIME_MS {
        return Err(unreadable(entry, field, "a time after the year 9999"));
    }
    Ok(at)
}

fn id(value: &Json, entry: Option<usize>, field: &'static str) -> Result<String, Unreadable> {
    let id = text(value, entry, field)?;
    if id.is_empty() || id.len() > MAX_ID_LENGTH {
        return Err(unreadable(entry, field, "must be 1 to 64 bytes"));
    }
    Ok(id)
}

/// Reads the envelope's format and version before anything else, so that a newer version is
/// recognised as such even when its layout has changed. Returns the version, `1..=newest`.
pub(crate) fn probe(root: &Json, expected_format: &str, newest: u32) -> Result<u32, DecodeError> {
    let format = root.get("format").and_then(Json::as_str).ok_or(unreadable(
        None,
        "format",
        "missing or not text",
    ))?;
    if format != expected_format {
        return Err(unreadable(None, "format", "another format").into());
    }
    let version = root
        .get("version")
        .ok_or(unreadable(None, "version", "missing"))?;
    match whole::<u32>(version, None, "version")? {
        0 => Err(unreadable(None, "version", "version 0 was never written").into()),
        version if version > newest => Err(DecodeError::NewerVersion { version }),
        version => Ok(version),
    }
}

pub(crate) fn parse_text(text_in: &str) -> Result<Json<'_>, Unreadable> {
    parse(text_in).map_err(|error| unreadable(None, "text", error.message))
}

fn decode_instrument(
    value: &Json,
    entry: Option<usize>,
    lenient: bool,
) -> Result<InstrumentRef, Unreadable> {
    let ([id, version], []) = fields(value, ["id", "version"], [], lenient, entry, "instrument")?;
    Ok(InstrumentRef {
        id: text(id, entry, "instrument.id")?,
        version: whole(version, entry, "instrument.version")?,
    })
}

fn decode_answers(
    value: &Json,
    entry: Option<usize>,
    lenient: bool,
) -> Result<Vec<Answer>, Unreadable> {
    let list = value
        .as_array()
        .ok_or(unreadable(entry, "answers", "not a list"))?;
    let mut answers: Vec<Answer> = Vec::with_capacity(list.len());
    for answer in list {
        let ([item, value], []) = fields(answer, ["item", "value"], [], lenient, entry, "answers")?;
        let item_id = text(item, entry, "answers.item")?;
        if item_id.is_empty() {
            return Err(unreadable(entry, "answers.item", "empty"));
        }
        if answers.iter().any(|other| other.item_id == item_id) {
            return Err(unreadable(entry, "answers.item", "answered twice"));
        }
        answers.push(Answer {
            item_id,
            value: whole(value, entry, "answers.value")?,
        });
    }
    Ok(answers)
}

/// Decodes one entry of the current layout. `lenient` accepts members this version does not
/// know (for reading a newer version's data, never for writing it back).
fn decode_entry(value: &Json, at: Option<usize>, lenient: bool) -> Result<CheckIn, Unreadable> {
    let (
        [id_value, completed_at, instrument, answers, note],
        [practice, therapist, edited_at, life, edits],
    ) = fields(
        value,
        ENTRY_V1,
        ["practice", "therapist", "edited_at", "life", "edits"],
        lenient,
        at,
        "entry",
    )?;
    let count = |value: Option<&Json>, field| {
        value
            .map(|value| counted::<u32>(value, at, field))
            .transpose()
            .map(Option::unwrap_or_default)
    };
    let id = id(id_value, at, "id")?;
    let answers = decode_answers(answers, at, lenient)?;
    if answers.is_empty() {
        return Err(unreadable(at, "answers", "empty"));
    }
    Ok(CheckIn {
        id,
        completed_at_ms: time(completed_at, at, "completed_at")?,
        instrument: decode_instrument(instrument, at, lenient)?,
        answers,
        note: text(note, at, "note")?,
        practice: practice
            .map(|value| text(value, at, "practice"))
            .transpose()?,
        therapist: therapist
            .map(|value| text(value, at, "therapist"))
            .transpose()?,
        edited_at_ms: edited_at
            .map(|value| time(value, at, "edited_at"))
            .transpose()?,
        revision: Revision {
            life: count(life, "life")?,
            edits: count(edits, "edits")?,
        },
    })
}

/// A stored history's envelope, brought up to the current layout; its entries still to read.
pub(crate) struct OpenHistory<'a> {
    /// The version the text was written in.
    pub version: u32,
    /// The entries as stored (in the layout of `version`): read each with [`read_entry`].
    pub entries: Vec<Json<'a>>,
    /// The `deleted` member (current layout).
    pub deleted: Json<'a>,
    /// The `generation` member (current layout).
    pub generation: u64,
}

/// Checks a parsed history's envelope (format, version, members) and migrates it to the current
/// layout. A newer version is reported as such, whatever its shape.
pub(crate) fn open_history(root: Json<'_>) -> Result<OpenHistory<'_>, DecodeError> {
    let version = probe(&root, HISTORY_FORMAT, CURRENT_VERSION)?;
    let Json::Object(mut envelope) = root else {
        return Err(unreadable(None, "history", "not an object").into());
    };
    for migration in MIGRATIONS.iter().filter(|step| step.from >= version) {
        (migration.envelope)(&mut envelope)?;
    }
    let mut entries = None;
    let mut deleted = None;
    let mut generation = None;
    let mut others = 0;
    for (name, value) in envelope {
        match &*name {
            "entries" => entries = Some(value),
            "deleted" => deleted = Some(value),
            "generation" => generation = Some(value),
            "format" | "version" => {}
            _ => others += 1,
        }
    }
    if others > 0 {
        return Err(unreadable(None, "history", "unexpected members").into());
    }
    let Some(Json::Array(entries)) = entries else {
        return Err(unreadable(None, "entries", "missing or not a list").into());
    };
    let deleted = deleted.ok_or(unreadable(None, "deleted", "missing"))?;
    let generation = generation.ok_or(unreadable(None, "generation", "missing"))?;
    Ok(OpenHistory {
        version,
        entries,
        deleted,
        generation: counted(&generation, None, "generation")?,
    })
}

/// Reads entry `index` of a history (or backup) written in layout `version`: migrates it to the
/// current layout, then decodes it strictly.
pub(crate) fn read_entry(
    mut value: Json,
    version: u32,
    index: usize,
) -> Result<CheckIn, Unreadable> {
    for migration in MIGRATIONS.iter().filter(|step| step.from >= version) {
        (migration.entry)(&mut value, index)?;
    }
    decode_entry(&value, Some(index), false)
}

/// The deletions of a current-layout history, sorted by id.
pub(crate) fn decode_deleted(value: &Json) -> Result<Vec<Tombstone>, Unreadable> {
    let list = value
        .as_array()
        .ok_or(unreadable(None, "deleted", "not a list"))?;
    let mut deleted = Vec::with_capacity(list.len());
    for (index, tombstone) in list.iter().enumerate() {
        let at = Some(index);
        let ([id_value, deleted_at], [life]) = fields(
            tombstone,
            ["id", "deleted_at"],
            ["life"],
            false,
            at,
            "deleted",
        )?;
        let tombstone = Tombstone {
            id: id(id_value, at, "deleted.id")?,
            deleted_at_ms: time(deleted_at, at, "deleted.deleted_at")?,
            life: life
                .map(|life| counted(life, at, "deleted.life"))
                .transpose()?
                .unwrap_or_default(),
        };
        if !add_tombstone(&mut deleted, tombstone) {
            return Err(unreadable(at, "deleted.id", "repeats an earlier deletion"));
        }
    }
    Ok(deleted)
}

fn write_number(out: &mut String, number: u64) {
    out.push_str(&number.to_string());
}

/// Writes `member` and `count` unless `count` is 0 (the value an absent member reads as).
fn write_count(out: &mut String, member: &str, count: u32) {
    if count > 0 {
        out.push_str(member);
        write_number(out, u64::from(count));
    }
}

/// Writes the deletions list (sorted by id, as the history functions keep it).
pub(crate) fn write_deleted(out: &mut String, deleted: &[Tombstone]) {
    out.push('[');
    for (index, tombstone) in deleted.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push_str("{\"id\":");
        write_string(out, &tombstone.id);
        out.push_str(",\"deleted_at\":");
        write_number(out, tombstone.deleted_at_ms);
        write_count(out, ",\"life\":", tombstone.life);
        out.push('}');
    }
    out.push(']');
}

fn write_instrument(out: &mut String, instrument: &InstrumentRef) {
    out.push_str("{\"id\":");
    write_string(out, &instrument.id);
    out.push_str(",\"version\":");
    write_number(out, u64::from(instrument.version));
    out.push('}');
}

fn write_answers(out: &mut String, answers: &[Answer]) {
    out.push('[');
    for (index, answer) in answers.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push_str("{\"item\":");
        write_string(out, &answer.item_id);
        out.push_str(",\"value\":");
        write_number(out, u64::from(answer.value));
        out.push('}');
    }
    out.push(']');
}

/// The members every stored check-in and draft ends with, in this order (the object is left
/// open).
fn write_answered(out: &mut String, instrument: &InstrumentRef, answers: &[Answer], note: &str) {
    out.push_str(",\"instrument\":");
    write_instrument(out, instrument);
    out.push_str(",\"answers\":");
    write_answers(out, answers);
    out.push_str(",\"note\":");
    write_string(out, note);
}

/// Writes one entry in the current layout (see the layout comment above).
pub(crate) fn write_entry(out: &mut String, entry: &CheckIn) {
    out.push_str("{\"id\":");
    write_string(out, &entry.id);
    out.push_str(",\"completed_at\":");
    write_number(out, entry.completed_at_ms);
    write_answered(out, &entry.instrument, &entry.answers, &entry.note);
    if let Some(practice) = &entry.practice {
        out.push_str(",\"practice\":");
        write_string(out, practice);
    }
    if let Some(therapist) = &entry.therapist {
        out.push_str(",\"therapist\":");
        write_string(out, therapist);
    }
    if let Some(edited_at_ms) = entry.edited_at_ms {
        out.push_str(",\"edited_at\":");
        write_number(out, edited_at_ms);
    }
    write_count(out, ",\"life\":", entry.revision.life);
    write_count(out, ",\"edits\":", entry.revision.edits);
    out.push('}');
}

/// Writes `entries` as a JSON list of current-layout entries.
pub(crate) fn write_entries(out: &mut String, entries: &[CheckIn]) {
    out.push('[');
    for (index, entry) in entries.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        write_entry(out, entry);
    }
    out.push(']');
}

pub(crate) fn write_envelope_start(out: &mut String, format: &str, version: u32) {
    out.push_str("{\"format\":");
    write_string(out, format);
    out.push_str(",\"version\":");
    write_number(out, u64::from(version));
}

/// Encodes a whole history as the current envelope version, entries and deletions in the order
/// given (the history functions keep them in completion order and sorted by id).
pub fn encode_history(history: &History) -> String {
    let mut out = String::with_capacity(96 + history.entries.len() * 256);
    write_envelope_start(&mut out, HISTORY_FORMAT, CURRENT_VERSION);
    out.push_str(",\"generation\":");
    write_number(&mut out, history.generation);
    out.push_str(",\"entries\":");
    write_entries(&mut out, &history.entries);
    out.push_str(",\"deleted\":");
    write_deleted(&mut out, &history.deleted);
    out.push('}');
    out
}

/// Decodes a stored history of any version up to [`CURRENT_VERSION`] (older ones through the
/// migrations). Every entry and deletion must be well formed; otherwise the whole text is
/// reported unreadable so the caller can keep it aside untouched. The result is in completion
/// order, deletions sorted by id, and no entry has a deleted id (the deletion wins).
pub fn decode_history(text_in: &str) -> Result<History, DecodeError> {
    decode_history_with_version(text_in).map(|(history, _)| history)
}

/// [`decode_history`], and the version the text was written in.
pub fn decode_history_with_version(text_in: &str) -> Result<(History, u32), DecodeError> {
    let open = open_history(parse_text(text_in)?)?;
    let mut entries: Vec<CheckIn> = Vec::with_capacity(open.entries.len());
    let mut increasing = true;
    for (index, value) in open.entries.into_iter().enumerate() {
        let entry = read_entry(value, open.version, index)?;
        // Ids this widget writes start with the time in fixed-width hex, so a stored history
        // usually lists them in increasing order: then one comparison with the previous entry
        // proves the id new while every id so far has increased. Anything else gets the full search.
        increasing = increasing && entries.last().is_none_or(|last| last.id < entry.id);
        if !increasing && entries.iter().any(|kept| kept.id == entry.id) {
            return Err(unreadable(Some(index), "id", "repeats an earlier entry").into());
        }
        entries.push(entry);
    }
    let deleted = decode_deleted(&open.deleted)?;
    let history = canonical_history(History {
        generation: open.generation,
        entries,
        deleted,
    });
    Ok((history, open.version))
}

/// A best-effort read of the check-ins in a history written by a NEWER version (any version is
/// accepted), so they can be shown read-only. Members this version does not know are ignored,
/// in the envelope and in the entries; the members it knows must be there (optional ones may be
/// absent) with the right types. Entries the text lists as deleted are left out. All or
/// nothing: `None` when any entry cannot be read, ids repeat, or the envelope is not a history.
/// Never use the result to write: it may lack what the newer version keeps.
pub fn decode_newer_history_leniently(text_in: &str) -> Option<Vec<CheckIn>> {
    let root = parse(text_in).ok()?;
    if root.get("format")?.as_str()? != HISTORY_FORMAT || root.get("version")?.as_u64()? == 0 {
        return None;
    }
    let mut deleted: Vec<&str> = Vec::new();
    if let Some(list) = root.get("deleted") {
        for tombstone in list.as_array()? {
            deleted.push(tombstone.get("id")?.as_str()?);
        }
    }
    let list = root.get("entries")?.as_array()?;
    let mut entries: Vec<CheckIn> = Vec::with_capacity(list.len());
    for (index, value) in list.iter().enumerate() {
        let entry = decode_entry(value, Some(index), true).ok()?;
        if entries.iter().any(|kept| kept.id == entry.id) {
            return None;
        }
        entries.push(entry);
    }
    entries.retain(|entry| !deleted.contains(&entry.id.as_str()));
    Some(in_completion_order(entries))
}

pub fn encode_draft(draft: &Draft) -> String {
    let mut out = String::with_capacity(256 + draft.note.len());
    write_envelope_start(&mut out, DRAFT_FORMAT, DRAFT_VERSION);
    out.push_str(",\"saved_at\":");
    write_number(&mut out, draft.saved_at_ms);
    write_answered(&mut out, &draft.instrument, &draft.answers, &draft.note);
    out.push('}');
    out
}

pub fn decode_draft(text_in: &str) -> Result<Draft, DecodeError> {
    let root = parse_text(text_in)?;
    probe(&root, DRAFT_FORMAT, DRAFT_VERSION)?;
    let [_, _, saved_at, instrument, answers, note] = members(
        &root,
        [
            "format",
            "version",
            "saved_at",
            "instrument",
            "answers",
            "note",
        ],
        None,
        "draft",
    )?;
    Ok(Draft {
        saved_at_ms: time(saved_at, None, "saved_at")?,
        instrument: decode_instrument(instrument, None, false)?,
        answers: decode_answers(answers, None, false)?,
        note: text(note, None, "note")?,
    })
}

#[cfg(test)]
mod duplicate_id_tests {
    use super::*;

    #[test]
    fn a_repeated_id_is_found_after_ids_stop_increasing() {
        let entry = |id: &str| {
            format!(
                r#"{{"id":"{id}","completed_at":1,"instrument":{{"id":"i","version":1}},"answers":[{{"item":"a","value":1}}],"note":""}}"#
            )
        };
        let text = format!(
            r#"{{"format":"alliance-checkin/history","version":2,"entries":[{},{},{}],"deleted":[]}}"#,
            entry("b"),
            entry("a"),
            entry("b")
        );
        assert!(decode_history(&text).is_err(), "b, a, b repeats b");
        let fine = text.replacen(r#""id":"b""#, r#""id":"c""#, 1);
        assert!(decode_history(&fine).is_ok());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::{answer, builtin_v1, tombstone};

    fn entry(id: &str, note: &str) -> CheckIn {
        CheckIn {
            id: id.into(),
            completed_at_ms: 1_763_800_000_000,
            instrument: builtin_v1(),
            answers: vec![answer("connection", 95), answer("focus", 0)],
            note: note.into(),
            practice: None,
            therapist: None,
            edited_at_ms: None,
            revision: Revision::default(),
        }
    }

    fn only(entries: Vec<CheckIn>) -> History {
        History {
            generation: 0,
            entries,
            deleted: Vec::new(),
        }
    }

    /// The exact text version 1 wrote. Frozen: it must keep decoding in every later version.
    const HISTORY_V1_FIXTURE: &str = r#"{"format":"alliance-checkin/history","version":1,"entries":[{"id":"19aa4a-1f3c","completed_at":1763800000000,"instrument":{"id":"builtin.alliance-checkin","version":1},"answers":[{"item":"connection","value":95},{"item":"focus","value":0}],"note":"line one\nline \"two\" <b>ok</b>"}]}"#;

    #[test]
    fn the_version_1_fixture_string_still_decodes() {
        let entries = vec![entry("19aa4a-1f3c", "line one\nline \"two\" <b>ok</b>")];
        assert_eq!(
            decode_history(HISTORY_V1_FIXTURE),
            Ok(only(entries.clone()))
        );
        // Written back as version 3: the entry's bytes are unchanged (no optional member set).
        let written = encode_history(&only(entries));
        let entry_text = HISTORY_V1_FIXTURE
            .split_once("\"entries\":")
            .and_then(|(_, rest)| rest.strip_suffix('}'))
            .unwrap();
        assert_eq!(
            written,
            format!(
                r#"{{"format":"alliance-checkin/history","version":3,"generation":0,"entries":{entry_text},"deleted":[]}}"#
            )
        );
    }

    /// The history each frozen fixture (`tests/fixtures/history-v<n>.json`) must decode to.
    fn history_v1_expected() -> History {
        // The fixtures are frozen: written by version 1 of the built-in check-in.
        let builtin = builtin_v1();
        let check_in = |id: &str, completed_at_ms, answers, note: &str| CheckIn {
            id: id.into(),
            completed_at_ms,
            instrument: builtin.clone(),
            answers,
            note: note.into(),
            practice: None,
            therapist: None,
            edited_at_ms: None,
            revision: Revision::default(),
        };
        let builtin_answers = |values: [u16; 4]| crate::domain::fixtures::builtin_answers(values);
        let mut likert = check_in(
            "19ab10-beef",
            1_765_000_000_000,
            vec![answer("bond", 5), answer("goals", 1)],
            "",
        );
        likert.instrument = InstrumentRef {
            id: "practice.srs-likert".into(),
            version: 3,
        };
        only(vec![
            check_in(
                "19aa4a-1f3c",
                1_763_800_000_000,
                builtin_answers([95, 0, 100, 75]),
                "line one\nline \"two\" <b>ok</b>",
            ),
            check_in(
                "19ab00-0007",
                1_764_404_800_123,
                builtin_answers([80, 85, 90, 88]),
                "שלום 🙂 \u{202e}reversed\u{202c} «ok» tab\there \u{1}\\",
            ),
            likert,
        ])
    }

    fn history_v2_expected() -> History {
        let mut history = history_v1_expected();
        // The second check-in was deleted; the first was corrected and carries its practice.
        let deleted = history.entries.remove(1);
        let first = &mut history.entries[0];
        first.practice = Some("Praxis Süd, \"Raum 2\"".into());
        first.therapist = Some("Dr. Ana Pérez".into());
        first.edited_at_ms = Some(1_763_900_000_000);
        // Version 2 had no revisions: a corrected entry reads as corrected once.
        first.revision.edits = 1;
        first.note = "corrected\r\nwith CRLF".into();
        let mut therapist_only = history.entries[1].clone();
        therapist_only.id = "19ac00-0001".into();
        therapist_only.completed_at_ms = 1_766_000_000_000;
        therapist_only.therapist = Some(String::new());
        history.entries.push(therapist_only);
        history.deleted = vec![
            tombstone(&deleted.id, 1_764_500_000_000),
            tombstone("19ff00-dead", 1_764_600_000_000),
        ];
        history
    }

    fn history_v3_expected() -> History {
        let mut history = history_v2_expected();
        // Everything was deleted twice; one check-in was deleted, brought back and corrected
        // twice more; one deletion ended a check-in's second life.
        history.generation = 2;
        history.entries[0].revision = Revision { life: 1, edits: 3 };
        history.deleted[1].life = 1;
        history
    }

    /// A stored version, its frozen fixture, and the history it must decode to, forever.
    type Frozen = (u32, &'static str, fn() -> History);

    /// Every stored version.
    const FROZEN: &[Frozen] = &[
        (
            1,
            include_str!("../../tests/fixtures/history-v1.json"),
            history_v1_expected,
        ),
        (
            2,
            include_str!("../../tests/fixtures/history-v2.json"),
            history_v2_expected,
        ),
        (
            3,
            include_str!("../../tests/fixtures/history-v3.json"),
            history_v3_expected,
        ),
    ];

    #[test]
    fn every_version_has_a_migration_and_a_frozen_fixture() {
        for (index, migration) in MIGRATIONS.iter().enumerate() {
            assert_eq!(
                migration.from as usize,
                index + 1,
                "migrations out of order"
            );
        }
        assert_eq!(
            MIGRATIONS.len() as u32,
            CURRENT_VERSION - 1,
            "every version below CURRENT_VERSION needs a migration to the next"
        );
        for version in 1..=CURRENT_VERSION {
            let path = format!(
                "{}/tests/fixtures/history-v{version}.json",
                env!("CARGO_MANIFEST_DIR")
            );
            let on_disk = std::fs::read_to_string(&path)
                .unwrap_or_else(|_| panic!("version {version} has no frozen fixture at {path}"));
            let listed = FROZEN.iter().find(|(frozen, _, _)| *frozen == version);
            let (_, text, _) = listed.unwrap_or_else(|| panic!("add {path} to FROZEN"));
            assert_eq!(*text, on_disk);
        }
    }

    #[test]
    fn frozen_fixtures_decode_to_exactly_their_history() {
        for (version, text, expected) in FROZEN {
            assert!(text.contains(&format!("\"version\":{version},")));
            assert_eq!(decode_history(text), Ok(expected()), "version {version}");
        }
    }

    #[test]
    fn the_current_version_writes_its_frozen_fixture_byte_for_byte() {
        let (_, text, expected) = FROZEN
            .iter()
            .find(|(version, _, _)| *version == CURRENT_VERSION)
            .unwrap();
        assert_eq!(encode_history(&expected()), *text);
    }

    #[test]
    fn history_round_trips_with_every_member() {
        let history = history_v3_expected();
        assert_eq!(decode_history(&encode_history(&history)), Ok(history));
        assert_eq!(
            decode_history(&encode_history(&History::default())),
            Ok(History::default())
        );
    }

    #[test]
    fn unicode_notes_survive() {
        let history = only(vec![entry("a", "שלום 🙂 \u{202e}reversed\u{202c} «ok»")]);
        assert_eq!(decode_history(&encode_history(&history)), Ok(history));
    }

    fn is_unreadable(result: Result<History, DecodeError>) -> bool {
        matches!(result, Err(DecodeError::Unreadable(_)))
    }

    #[test]
    fn unreadable_history_is_reported_not_emptied() {
        let cases = [
            "",
            "not json",
            "[]",
            "null",
            r#"{"format":"alliance-checkin/history","version":1,"entries":[{"id":"a"#,
            r#"{"format":"something-else","version":1,"entries":[]}"#,
            r#"{"format":"alliance-checkin/history","version":0,"entries":[]}"#,
            r#"{"format":"alliance-checkin/history","version":1,"entries":{}}"#,
            r#"{"format":"alliance-checkin/history","version":1,"entries":[],"extra":1}"#,
            r#"{"format":"alliance-checkin/history","version":"1","entries":[]}"#,
            // Version 1 never had deletions; version 2 always has them.
            r#"{"format":"alliance-checkin/history","version":1,"entries":[],"deleted":[]}"#,
            r#"{"format":"alliance-checkin/history","version":2,"entries":[]}"#,
            r#"{"format":"alliance-checkin/history","version":2,"entries":[],"deleted":{}}"#,
            r#"{"format":"alliance-checkin/history","version":2,"entries":[],"deleted":[],"x":1}"#,
        ];
        for text in cases {
            assert!(is_unreadable(decode_history(text)), "{text:?}");
        }
    }

    const GOOD_ENTRY: &str = r#"{"id":"a","completed_at":1,"instrument":{"id":"x","version":1},"answers":[{"item":"i","value":1}],"note":""}"#;

    fn history_text(version: u32, entries: &str, deleted: &str) -> String {
        let deleted = if version == 1 {
            String::new()
        } else {
            format!(r#","deleted":[{deleted}]"#)
        };
        format!(
            r#"{{"format":"alliance-checkin/history","version":{version},"entries":[{entries}]{deleted}}}"#
        )
    }

    #[test]
    fn malformed_entries_make_the_whole_history_unreadable() {
        for version in [1, 2] {
            let with = |entry: &str| history_text(version, entry, "");
            assert!(decode_history(&with(GOOD_ENTRY)).is_ok());
            let bad = [
                GOOD_ENTRY.replace(r#""id":"a""#, r#""id":"""#),
                GOOD_ENTRY.replace(r#""id":"a""#, &format!(r#""id":"{}""#, "a".repeat(65))),
                GOOD_ENTRY.replace(r#""value":1"#, r#""value":-1"#),
                GOOD_ENTRY.replace(r#""value":1"#, r#""value":70000"#),
                GOOD_ENTRY.replace(r#""value":1"#, r#""value":1.5"#),
                GOOD_ENTRY.replace(r#""completed_at":1"#, r#""completed_at":"yesterday""#),
                GOOD_ENTRY.replace(r#"[{"item":"i","value":1}]"#, "[]"),
                GOOD_ENTRY.replace(
                    r#"[{"item":"i","value":1}]"#,
                    r#"[{"item":"i","value":1},{"item":"i","value":2}]"#,
                ),
                GOOD_ENTRY.replace(r#""note":"""#, r#""note":"","mood":"ok""#),
                GOOD_ENTRY.replace(r#""note":"""#, r#""note":"","practice":7"#),
                GOOD_ENTRY.replace(r#""note":"""#, r#""note":"","therapist":null"#),
                GOOD_ENTRY.replace(r#""note":"""#, r#""note":"","edited_at":-3"#),
                format!("{GOOD_ENTRY},{GOOD_ENTRY}"),
            ];
            for entry in bad {
                assert!(is_unreadable(decode_history(&with(&entry))), "{entry}");
            }
        }
    }

    #[test]
    fn version_1_entries_with_version_2_members_are_unreadable() {
        let with_practice = GOOD_ENTRY.replace(r#""note":"""#, r#""note":"","practice":"P""#);
        assert!(decode_history(&history_text(2, &with_practice, "")).is_ok());
        assert_eq!(
            decode_history(&history_text(1, &with_practice, "")),
            Err(DecodeError::Unreadable(Unreadable {
                entry: Some(0),
                field: "entry",
                problem: "unexpected members",
            }))
        );
    }

    #[test]
    fn malformed_deletions_make_the_whole_history_unreadable() {
        let cases = [
            (r#"{"id":"a"}"#, "deleted_at", "missing"),
            (
                r#"{"id":"","deleted_at":1}"#,
                "deleted.id",
                "must be 1 to 64 bytes",
            ),
            (
                r#"{"id":"a","deleted_at":"x"}"#,
                "deleted.deleted_at",
                "not a whole number in range",
            ),
            (
                r#"{"id":"a","deleted_at":1,"by":"me"}"#,
                "deleted",
                "unexpected members",
            ),
            (
                r#"{"id":"b","deleted_at":1},{"id":"b","deleted_at":2}"#,
                "deleted.id",
                "repeats an earlier deletion",
            ),
        ];
        for (deleted, field, problem) in cases {
            let result = decode_history(&history_text(2, GOOD_ENTRY, deleted));
            let Err(DecodeError::Unreadable(reason)) = result else {
                panic!("{deleted} decoded: {result:?}");
            };
            assert_eq!(
                (reason.field, reason.problem),
                (field, problem),
                "{deleted}"
            );
        }
    }

    #[test]
    fn a_deletion_wins_over_an_entry_with_its_id() {
        let text = history_text(2, GOOD_ENTRY, r#"{"id":"a","deleted_at":5}"#);
        assert_eq!(
            decode_history(&text),
            Ok(History {
                generation: 0,
                entries: Vec::new(),
                deleted: vec![tombstone("a", 5)],
            })
        );
    }

    #[test]
    fn entries_and_deletions_come_back_in_order() {
        let later = GOOD_ENTRY
            .replace(r#""id":"a""#, r#""id":"b""#)
            .replace(r#""completed_at":1"#, r#""completed_at":9"#);
        let text = history_text(
            2,
            &format!("{later},{GOOD_ENTRY}"),
            r#"{"id":"z","deleted_at":1},{"id":"m","deleted_at":2}"#,
        );
        let history = decode_history(&text).unwrap();
        let ids: Vec<&str> = history.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(history.deleted, vec![tombstone("m", 2), tombstone("z", 1)]);
    }

    #[test]
    fn unreadable_says_which_entry_and_member() {
        let bad = GOOD_ENTRY
            .replace(r#""id":"a""#, r#""id":"b""#)
            .replace(r#""value":1"#, r#""value":"high""#);
        let text = history_text(1, &format!("{GOOD_ENTRY},{bad}"), "");
        assert_eq!(
            decode_history(&text),
            Err(DecodeError::Unreadable(Unreadable {
                entry: Some(1),
                field: "answers.value",
                problem: "not a whole number in range",
            }))
        );
        assert_eq!(
            decode_history("{\"format\":"),
            Err(DecodeError::Unreadable(Unreadable {
                entry: None,
                field: "text",
                problem: "unexpected end",
            }))
        );
    }

    #[test]
    fn newer_versions_are_recognised_whatever_their_shape() {
        let newer = r#"{"format":"alliance-checkin/history","version":7,"records":{"x":[1,2]}}"#;
        assert_eq!(
            decode_history(newer),
            Err(DecodeError::NewerVersion { version: 7 })
        );
        let four = history_text(4, GOOD_ENTRY, "");
        assert_eq!(
            decode_history(&four),
            Err(DecodeError::NewerVersion { version: 4 })
        );
    }

    #[test]
    fn newer_histories_are_read_leniently_for_display() {
        let newer_entry = GOOD_ENTRY.replace(
            r#""note":"""#,
            r#""note":"hi","therapist":"T","mood":{"x":1},"edited_at":4"#,
        );
        let gone = GOOD_ENTRY.replace(r#""id":"a""#, r#""id":"gone""#);
        let text = format!(
            r#"{{"format":"alliance-checkin/history","version":9,"sync":{{}},"entries":[{newer_entry},{gone}],"deleted":[{{"id":"gone","deleted_at":1,"by":"x"}}]}}"#
        );
        assert_eq!(
            decode_history(&text),
            Err(DecodeError::NewerVersion { version: 9 })
        );
        let entries = decode_newer_history_leniently(&text).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].note, "hi");
        assert_eq!(entries[0].therapist.as_deref(), Some("T"));
        assert_eq!(entries[0].edited_at_ms, Some(4));

        // What strict decoding accepts, lenient decoding reads the same.
        let current = history_v2_expected();
        assert_eq!(
            decode_newer_history_leniently(&encode_history(&current)),
            Some(current.entries)
        );

        // Known members with the wrong type, a repeated id, no entries: nothing to show.
        let refused = [
            text.replace(r#""therapist":"T""#, r#""therapist":5"#),
            text.replace(r#""completed_at":1,"#, ""),
            text.replace(r#""id":"gone","c"#, r#""id":"a","c"#),
            text.replace(r#""entries""#, r#""records""#),
            text.replace(r#""deleted":["#, r#""deleted":[7,"#),
            text.replace("alliance-checkin/history", "alliance-checkin/draft"),
            "not json".into(),
        ];
        for text in refused {
            assert_eq!(decode_newer_history_leniently(&text), None, "{text}");
        }
    }

    fn sample_draft() -> Draft {
        Draft {
            saved_at_ms: 42,
            instrument: builtin_v1(),
            answers: vec![answer("overall", 63)],
            note: "half".into(),
        }
    }

    #[test]
    fn draft_round_trips() {
        let draft = sample_draft();
        assert_eq!(decode_draft(&encode_draft(&draft)), Ok(draft));
        assert!(matches!(
            decode_draft(&encode_history(&History::default())),
            Err(DecodeError::Unreadable(_))
        ));
    }

    #[test]
    fn drafts_stay_version_1() {
        let v1 = r#"{"format":"alliance-checkin/draft","version":1,"saved_at":42,"instrument":{"id":"builtin.alliance-checkin","version":1},"answers":[{"item":"overall","value":63}],"note":"half"}"#;
        assert_eq!(encode_draft(&sample_draft()), v1);
        assert_eq!(decode_draft(v1), Ok(sample_draft()));
        assert_eq!(
            decode_draft(&v1.replace("\"version\":1,\"saved", "\"version\":2,\"saved")),
            Err(DecodeError::NewerVersion { version: 2 })
        );
    }
}
