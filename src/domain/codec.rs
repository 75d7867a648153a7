//! The storage codec: versioned JSON envelopes for the history and the draft. The stored layouts
//! are the boundary types of `stored.rs`, one per frozen version (not the domain types), so the
//! domain can change while every stored version keeps decoding. Decoding never guesses: data it
//! cannot read, or data from a newer version of the widget, is reported to the caller (which
//! keeps it), never replaced by an empty default. Older layouts are brought up to the current one
//! by explicit migrations (`From`, one step per version, in `stored.rs`) and then read by the one
//! conversion to the domain.

use super::checkin::{canonical_history, in_completion_order, CheckIn, History, Tombstone};
use super::draft::Draft;
use super::json::{parse, Json};
use super::stored::{
    self, read, read_entry, write, NewerHistory, StoredDraftV1, StoredHistoryV1, StoredHistoryV2,
    StoredHistoryV3,
};
use serde::de::IgnoredAny;
use std::borrow::Cow;
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
// A deletion's "life" (version 3) is also accepted in a version 2 history, as the one reader of
// both versions accepted it before they were types of their own.
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
        .ok_or(unreadable(None, "version", "missing"))?
        .as_u64()
        .and_then(|version| u32::try_from(version).ok())
        .ok_or(unreadable(None, "version", "not a whole number in range"))?;
    match version {
        0 => Err(unreadable(None, "version", "version 0 was never written").into()),
        version if version > newest => Err(DecodeError::NewerVersion { version }),
        version => Ok(version),
    }
}

pub(crate) fn parse_text(text_in: &str) -> Result<Json<'_>, Unreadable> {
    parse(text_in).map_err(|error| unreadable(None, "text", error.message))
}

/// A stored history's envelope, read and brought up to the current layout; its entries still
/// to read.
pub(crate) struct OpenHistory<'t, 'a> {
    /// The version the text was written in.
    pub version: u32,
    /// The entries as stored (in the layout of `version`): read each with [`read_entry`].
    pub entries: &'t [Json<'a>],
    /// The deletions, sorted by id.
    pub deleted: Vec<Tombstone>,
    pub generation: u64,
}

/// Checks a parsed history's envelope (format, version, members, deletions) and migrates it to
/// the current layout. A newer version is reported as such, whatever its shape.
pub(crate) fn open_history<'t, 'a>(root: &'t Json<'a>) -> Result<OpenHistory<'t, 'a>, DecodeError> {
    let version = probe(root, HISTORY_FORMAT, CURRENT_VERSION)?;
    // The entries are read one by one afterwards (an import keeps the readable ones).
    let envelope: StoredHistoryV3<IgnoredAny> = match version {
        1 => read::<StoredHistoryV1<IgnoredAny>>(root, false)
            .map(|v1| StoredHistoryV2::<IgnoredAny>::from(v1).into()),
        2 => read::<StoredHistoryV2<IgnoredAny>>(root, false).map(Into::into),
        _ => read(root, false),
    }
    .map_err(|error| error.named("history"))?;
    Ok(OpenHistory {
        version,
        entries: root
            .get("entries")
            .and_then(Json::as_array)
            .unwrap_or_default(),
        deleted: stored::tombstones(envelope.deleted)?,
        generation: stored::generation(envelope.generation)?,
    })
}

/// Encodes a whole history as the current envelope version, entries and deletions in the order
/// given (the history functions keep them in completion order and sorted by id).
pub fn encode_history(history: &History) -> String {
    write(&StoredHistoryV3 {
        format: Cow::Borrowed(HISTORY_FORMAT),
        version: CURRENT_VERSION,
        generation: history.generation,
        entries: stored::entries(&history.entries),
        deleted: stored::deletions(&history.deleted),
    })
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
    let root = parse_text(text_in)?;
    let open = open_history(&root)?;
    let mut entries: Vec<CheckIn> = Vec::with_capacity(open.entries.len());
    let mut increasing = true;
    for (index, value) in open.entries.iter().enumerate() {
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
    let history = canonical_history(History {
        generation: open.generation,
        entries,
        deleted: open.deleted,
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
    let newer: NewerHistory = read(&parse(text_in).ok()?, true).ok()?;
    if newer.format != HISTORY_FORMAT || newer.version == 0 {
        return None;
    }
    let mut entries: Vec<CheckIn> = Vec::with_capacity(newer.entries.len());
    for stored in newer.entries {
        let entry = CheckIn::try_from(stored).ok()?;
        if entries.iter().any(|kept| kept.id == entry.id) {
            return None;
        }
        entries.push(entry);
    }
    entries.retain(|entry| !newer.deleted.iter().any(|gone| gone.id == entry.id));
    Some(in_completion_order(entries))
}

pub fn encode_draft(draft: &Draft) -> String {
    write(&StoredDraftV1::from(draft))
}

pub fn decode_draft(text_in: &str) -> Result<Draft, DecodeError> {
    let root = parse_text(text_in)?;
    probe(&root, DRAFT_FORMAT, DRAFT_VERSION)?;
    let draft = read::<StoredDraftV1>(&root, false)
        .and_then(Draft::try_from)
        // A draft is not a list of entries: no index (an answer's is not reported).
        .map_err(|error| Unreadable {
            entry: None,
            ..error.named("draft")
        })?;
    Ok(draft)
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
    use crate::domain::checkin::{InstrumentRef, Revision};
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
        // The migrations are `From` steps in `stored.rs` (the compiler holds them to their
        // types); here every version reads through them as the version it is.
        for (version, text, _) in FROZEN {
            assert_eq!(
                decode_history_with_version(text).map(|(_, read)| read),
                Ok(*version)
            );
        }
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
            (r#"{"id":"a"}"#, "deleted.deleted_at", "missing"),
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
