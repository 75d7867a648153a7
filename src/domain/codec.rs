//! The storage codec: versioned JSON envelopes for the history and the draft. The stored layout
//! is written out here field by field (not derived from the domain types), so the domain can
//! change while every stored version keeps decoding. Decoding never guesses: data it cannot
//! read, or data from a newer version of the widget, is reported to the caller (which keeps
//! it), never replaced by an empty default.

use super::checkin::{CheckIn, InstrumentRef};
use super::draft::Draft;
use super::json::{parse, write_string, Json};
use super::scoring::Answer;

pub const HISTORY_FORMAT: &str = "alliance-checkin/history";
pub const DRAFT_FORMAT: &str = "alliance-checkin/draft";
/// The envelope version this build writes and the newest it reads.
pub const CURRENT_VERSION: u32 = 1;
/// Entry ids longer than this are not ours.
const MAX_ID_LENGTH: usize = 64;

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
    /// The history entry at fault, counting from 0, when the problem is inside one.
    pub entry: Option<usize>,
    /// The member at fault, e.g. `"answers.value"`, or `"text"` for the whole text.
    pub field: &'static str,
    pub problem: &'static str,
}

// Version 1, as stored (frozen: the fixtures in the tests must keep decoding):
//
// history: {"format":"alliance-checkin/history","version":1,"entries":[entry...]}
// entry:   {"id":"...","completed_at":<ms since epoch>,"instrument":{"id":"...","version":<n>},
//           "answers":[{"item":"...","value":<n>}...],"note":"..."}
// draft:   {"format":"alliance-checkin/draft","version":1,"saved_at":<ms>,
//           "instrument":{...},"answers":[...],"note":"..."}
//
// Values are integers: tenths on a 0-10 line, the point's value on a Likert item.

fn unreadable(entry: Option<usize>, field: &'static str, problem: &'static str) -> DecodeError {
    DecodeError::Unreadable(Unreadable {
        entry,
        field,
        problem,
    })
}

static MISSING: Json = Json::Null;

/// The members `names` of the object `field`, in that order; any other member is an error
/// (an unknown member means a layout this version did not write).
fn members<'a, const N: usize>(
    value: &'a Json,
    names: [&'static str; N],
    entry: Option<usize>,
    field: &'static str,
) -> Result<[&'a Json; N], DecodeError> {
    let object = value
        .as_object()
        .ok_or(unreadable(entry, field, "not an object"))?;
    if object.len() != N {
        return Err(unreadable(entry, field, "unexpected members"));
    }
    let mut found = [&MISSING; N];
    for (slot, name) in found.iter_mut().zip(names) {
        *slot = value.get(name).ok_or(unreadable(entry, name, "missing"))?;
    }
    Ok(found)
}

fn text(value: &Json, entry: Option<usize>, field: &'static str) -> Result<String, DecodeError> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or(unreadable(entry, field, "not text"))
}

fn whole<T: TryFrom<u64>>(
    value: &Json,
    entry: Option<usize>,
    field: &'static str,
) -> Result<T, DecodeError> {
    value
        .as_u64()
        .and_then(|number| T::try_from(number).ok())
        .ok_or(unreadable(entry, field, "not a whole number in range"))
}

/// Reads the envelope's format and version before anything else, so that a newer version is
/// recognised as such even when its layout has changed.
fn probe(root: &Json, expected_format: &str) -> Result<u32, DecodeError> {
    let format = root.get("format").and_then(Json::as_str).ok_or(unreadable(
        None,
        "format",
        "missing or not text",
    ))?;
    if format != expected_format {
        return Err(unreadable(None, "format", "another format"));
    }
    let version = root
        .get("version")
        .ok_or(unreadable(None, "version", "missing"))?;
    match whole::<u32>(version, None, "version")? {
        0 => Err(unreadable(None, "version", "version 0 was never written")),
        version if version > CURRENT_VERSION => Err(DecodeError::NewerVersion { version }),
        version => Ok(version),
    }
}

fn parse_envelope(text: &str, expected_format: &str) -> Result<Json, DecodeError> {
    let root = parse(text).map_err(|error| unreadable(None, "text", error.message))?;
    probe(&root, expected_format)?;
    Ok(root)
}

fn decode_instrument(value: &Json, entry: Option<usize>) -> Result<InstrumentRef, DecodeError> {
    let [id, version] = members(value, ["id", "version"], entry, "instrument")?;
    Ok(InstrumentRef {
        id: text(id, entry, "instrument.id")?,
        version: whole(version, entry, "instrument.version")?,
    })
}

fn decode_answers(value: &Json, entry: Option<usize>) -> Result<Vec<Answer>, DecodeError> {
    let list = value
        .as_array()
        .ok_or(unreadable(entry, "answers", "not a list"))?;
    let mut answers: Vec<Answer> = Vec::with_capacity(list.len());
    for answer in list {
        let [item, value] = members(answer, ["item", "value"], entry, "answers")?;
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

fn write_instrument(out: &mut String, instrument: &InstrumentRef) {
    out.push_str("{\"id\":");
    write_string(out, &instrument.id);
    out.push_str(",\"version\":");
    out.push_str(&instrument.version.to_string());
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
        out.push_str(&answer.value.to_string());
        out.push('}');
    }
    out.push(']');
}

/// The members every stored check-in and draft ends with, in this order.
fn write_answered(out: &mut String, instrument: &InstrumentRef, answers: &[Answer], note: &str) {
    out.push_str(",\"instrument\":");
    write_instrument(out, instrument);
    out.push_str(",\"answers\":");
    write_answers(out, answers);
    out.push_str(",\"note\":");
    write_string(out, note);
    out.push('}');
}

fn write_envelope_start(out: &mut String, format: &str) {
    out.push_str("{\"format\":");
    write_string(out, format);
    out.push_str(",\"version\":");
    out.push_str(&CURRENT_VERSION.to_string());
}

/// Encodes a whole history (oldest first) as the current envelope version.
pub fn encode_history(entries: &[CheckIn]) -> String {
    let mut out = String::with_capacity(64 + entries.len() * 256);
    write_envelope_start(&mut out, HISTORY_FORMAT);
    out.push_str(",\"entries\":[");
    for (index, entry) in entries.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push_str("{\"id\":");
        write_string(&mut out, &entry.id);
        out.push_str(",\"completed_at\":");
        out.push_str(&entry.completed_at_ms.to_string());
        write_answered(&mut out, &entry.instrument, &entry.answers, &entry.note);
    }
    out.push_str("]}");
    out
}

/// Decodes a stored history. Every entry must be well formed; otherwise the whole text is
/// reported unreadable so the caller can keep it aside untouched.
pub fn decode_history(text_in: &str) -> Result<Vec<CheckIn>, DecodeError> {
    let root = parse_envelope(text_in, HISTORY_FORMAT)?;
    let [_, _, entries] = members(&root, ["format", "version", "entries"], None, "history")?;
    let list = entries
        .as_array()
        .ok_or(unreadable(None, "entries", "not a list"))?;
    let mut decoded: Vec<CheckIn> = Vec::with_capacity(list.len());
    for (index, entry) in list.iter().enumerate() {
        let at = Some(index);
        let [id, completed_at, instrument, answers, note] = members(
            entry,
            ["id", "completed_at", "instrument", "answers", "note"],
            at,
            "entry",
        )?;
        let id = text(id, at, "id")?;
        if id.is_empty() || id.len() > MAX_ID_LENGTH {
            return Err(unreadable(at, "id", "must be 1 to 64 bytes"));
        }
        if decoded.iter().any(|kept| kept.id == id) {
            return Err(unreadable(at, "id", "repeats an earlier entry"));
        }
        let answers = decode_answers(answers, at)?;
        if answers.is_empty() {
            return Err(unreadable(at, "answers", "empty"));
        }
        decoded.push(CheckIn {
            id,
            completed_at_ms: whole(completed_at, at, "completed_at")?,
            instrument: decode_instrument(instrument, at)?,
            answers,
            note: text(note, at, "note")?,
            practice: None,
            therapist: None,
            edited_at_ms: None,
        });
    }
    Ok(decoded)
}

pub fn encode_draft(draft: &Draft) -> String {
    let mut out = String::with_capacity(256 + draft.note.len());
    write_envelope_start(&mut out, DRAFT_FORMAT);
    out.push_str(",\"saved_at\":");
    out.push_str(&draft.saved_at_ms.to_string());
    write_answered(&mut out, &draft.instrument, &draft.answers, &draft.note);
    out
}

pub fn decode_draft(text_in: &str) -> Result<Draft, DecodeError> {
    let root = parse_envelope(text_in, DRAFT_FORMAT)?;
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
        saved_at_ms: whole(saved_at, None, "saved_at")?,
        instrument: decode_instrument(instrument, None)?,
        answers: decode_answers(answers, None)?,
        note: text(note, None, "note")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::builtin::builtin_instrument;

    fn entry(id: &str, note: &str) -> CheckIn {
        CheckIn {
            id: id.into(),
            completed_at_ms: 1_763_800_000_000,
            instrument: InstrumentRef::of(&builtin_instrument()),
            answers: vec![
                Answer {
                    item_id: "connection".into(),
                    value: 95,
                },
                Answer {
                    item_id: "focus".into(),
                    value: 0,
                },
            ],
            note: note.into(),
            practice: None,
            therapist: None,
            edited_at_ms: None,
        }
    }

    /// The exact text version 1 writes. Frozen: it must keep decoding in every later version.
    const HISTORY_V1_FIXTURE: &str = r#"{"format":"alliance-checkin/history","version":1,"entries":[{"id":"19aa4a-1f3c","completed_at":1763800000000,"instrument":{"id":"builtin.alliance-checkin","version":1},"answers":[{"item":"connection","value":95},{"item":"focus","value":0}],"note":"line one\nline \"two\" <b>ok</b>"}]}"#;

    #[test]
    fn history_round_trips_and_matches_the_frozen_fixture() {
        let entries = vec![entry("19aa4a-1f3c", "line one\nline \"two\" <b>ok</b>")];
        let text = encode_history(&entries);
        assert_eq!(text, HISTORY_V1_FIXTURE);
        assert_eq!(decode_history(&text), Ok(entries));
        assert_eq!(decode_history(&encode_history(&[])), Ok(vec![]));
    }

    #[test]
    fn unicode_notes_survive() {
        let entries = vec![entry("a", "שלום 🙂 \u{202e}reversed\u{202c} «ok»")];
        assert_eq!(decode_history(&encode_history(&entries)), Ok(entries));
    }

    fn is_unreadable(result: Result<Vec<CheckIn>, DecodeError>) -> bool {
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
        ];
        for text in cases {
            assert!(is_unreadable(decode_history(text)), "{text:?}");
        }
    }

    #[test]
    fn malformed_entries_make_the_whole_history_unreadable() {
        let with = |entry: &str| {
            format!(r#"{{"format":"alliance-checkin/history","version":1,"entries":[{entry}]}}"#)
        };
        let good = r#"{"id":"a","completed_at":1,"instrument":{"id":"x","version":1},"answers":[{"item":"i","value":1}],"note":""}"#;
        assert!(decode_history(&with(good)).is_ok());
        let bad = [
            good.replace(r#""id":"a""#, r#""id":"""#),
            good.replace(r#""value":1"#, r#""value":-1"#),
            good.replace(r#""value":1"#, r#""value":70000"#),
            good.replace(r#""value":1"#, r#""value":1.5"#),
            good.replace(r#""completed_at":1"#, r#""completed_at":"yesterday""#),
            good.replace(r#"[{"item":"i","value":1}]"#, "[]"),
            good.replace(
                r#"[{"item":"i","value":1}]"#,
                r#"[{"item":"i","value":1},{"item":"i","value":2}]"#,
            ),
            format!("{good},{good}"),
        ];
        for entry in bad {
            assert!(is_unreadable(decode_history(&with(&entry))), "{entry}");
        }
    }

    #[test]
    fn unreadable_says_which_entry_and_member() {
        let good = r#"{"id":"a","completed_at":1,"instrument":{"id":"x","version":1},"answers":[{"item":"i","value":1}],"note":""}"#;
        let bad = good
            .replace(r#""id":"a""#, r#""id":"b""#)
            .replace(r#""value":1"#, r#""value":"high""#);
        let text = format!(
            r#"{{"format":"alliance-checkin/history","version":1,"entries":[{good},{bad}]}}"#
        );
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
    }

    #[test]
    fn draft_round_trips() {
        let draft = Draft {
            saved_at_ms: 42,
            instrument: InstrumentRef::of(&builtin_instrument()),
            answers: vec![Answer {
                item_id: "overall".into(),
                value: 63,
            }],
            note: "half".into(),
        };
        assert_eq!(decode_draft(&encode_draft(&draft)), Ok(draft));
        assert!(matches!(
            decode_draft(&encode_history(&[])),
            Err(DecodeError::Unreadable(_))
        ));
    }
}
