//! The storage codec: versioned JSON envelopes for the history and the draft. Stored types are
//! private copies of the domain types, so the domain can change while every stored version
//! keeps decoding. Decoding never guesses: data it cannot read, or data from a newer version of
//! the widget, is reported to the caller (which keeps it), never replaced by an empty default.

use serde::{Deserialize, Serialize};

use super::checkin::{CheckIn, InstrumentRef};
use super::draft::Draft;
use super::scoring::Answer;

pub const HISTORY_FORMAT: &str = "alliance-checkin/history";
pub const DRAFT_FORMAT: &str = "alliance-checkin/draft";
/// The envelope version this build writes and the newest it reads.
pub const CURRENT_VERSION: u32 = 1;
/// Entry ids longer than this are not ours.
const MAX_ID_LENGTH: usize = 64;

/// Why stored text could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Not JSON, not our format, or not the shape our version wrote.
    Unreadable { reason: String },
    /// Written by a newer version of the widget: leave it alone.
    NewerVersion { version: u32 },
}

#[derive(Deserialize)]
struct EnvelopeProbe {
    format: String,
    version: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryV1 {
    format: String,
    version: u32,
    entries: Vec<CheckInV1>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckInV1 {
    id: String,
    /// Milliseconds since the Unix epoch.
    completed_at: u64,
    instrument: InstrumentRefV1,
    answers: Vec<AnswerV1>,
    note: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct InstrumentRefV1 {
    id: String,
    version: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerV1 {
    item: String,
    /// Tenths on a 0-10 line, the point's value on a Likert item.
    value: u16,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DraftV1 {
    format: String,
    version: u32,
    saved_at: u64,
    instrument: InstrumentRefV1,
    answers: Vec<AnswerV1>,
    note: String,
}

fn unreadable(reason: impl Into<String>) -> DecodeError {
    DecodeError::Unreadable {
        reason: reason.into(),
    }
}

/// Reads the envelope's format and version before anything else, so that a newer version is
/// recognised as such even when its shape has changed.
fn probe(text: &str, expected_format: &str) -> Result<u32, DecodeError> {
    let probe: EnvelopeProbe = serde_json::from_str(text)
        .map_err(|error| unreadable(format!("not a saved {expected_format}: {error}")))?;
    if probe.format != expected_format {
        return Err(unreadable(format!(
            "format is {:?}, expected {expected_format:?}",
            probe.format
        )));
    }
    match probe.version {
        0 => Err(unreadable("version 0 was never written")),
        version if version > CURRENT_VERSION => Err(DecodeError::NewerVersion { version }),
        version => Ok(version),
    }
}

impl From<&Answer> for AnswerV1 {
    fn from(answer: &Answer) -> Self {
        AnswerV1 {
            item: answer.item_id.clone(),
            value: answer.value,
        }
    }
}

impl From<AnswerV1> for Answer {
    fn from(stored: AnswerV1) -> Self {
        Answer {
            item_id: stored.item,
            value: stored.value,
        }
    }
}

impl From<&InstrumentRef> for InstrumentRefV1 {
    fn from(instrument: &InstrumentRef) -> Self {
        InstrumentRefV1 {
            id: instrument.id.clone(),
            version: instrument.version,
        }
    }
}

impl From<InstrumentRefV1> for InstrumentRef {
    fn from(stored: InstrumentRefV1) -> Self {
        InstrumentRef {
            id: stored.id,
            version: stored.version,
        }
    }
}

fn check_answers(answers: &[AnswerV1], path: &str) -> Result<(), DecodeError> {
    for (index, answer) in answers.iter().enumerate() {
        if answer.item.is_empty() {
            return Err(unreadable(format!(
                "{path}.answers[{index}]: empty item id"
            )));
        }
        if answers[..index]
            .iter()
            .any(|other| other.item == answer.item)
        {
            return Err(unreadable(format!(
                "{path}.answers[{index}]: item {:?} answered twice",
                answer.item
            )));
        }
    }
    Ok(())
}

/// Encodes a whole history (oldest first) as the current envelope version.
pub fn encode_history(entries: &[CheckIn]) -> String {
    let stored = HistoryV1 {
        format: HISTORY_FORMAT.into(),
        version: CURRENT_VERSION,
        entries: entries
            .iter()
            .map(|entry| CheckInV1 {
                id: entry.id.clone(),
                completed_at: entry.completed_at_ms,
                instrument: (&entry.instrument).into(),
                answers: entry.answers.iter().map(AnswerV1::from).collect(),
                note: entry.note.clone(),
            })
            .collect(),
    };
    serde_json::to_string(&stored).expect("a history always serialises")
}

/// Decodes a stored history. Every entry must be well formed; otherwise the whole text is
/// reported unreadable so the caller can keep it aside untouched.
pub fn decode_history(text: &str) -> Result<Vec<CheckIn>, DecodeError> {
    probe(text, HISTORY_FORMAT)?;
    let stored: HistoryV1 = serde_json::from_str(text)
        .map_err(|error| unreadable(format!("history does not match version 1: {error}")))?;
    let mut entries: Vec<CheckIn> = Vec::with_capacity(stored.entries.len());
    for (index, entry) in stored.entries.into_iter().enumerate() {
        let path = format!("entries[{index}]");
        if entry.id.is_empty() || entry.id.len() > MAX_ID_LENGTH {
            return Err(unreadable(format!("{path}.id: must be 1 to 64 bytes")));
        }
        if entries.iter().any(|kept| kept.id == entry.id) {
            return Err(unreadable(format!("{path}.id: repeats an earlier entry")));
        }
        if entry.answers.is_empty() {
            return Err(unreadable(format!("{path}.answers: empty")));
        }
        check_answers(&entry.answers, &path)?;
        entries.push(CheckIn {
            id: entry.id,
            completed_at_ms: entry.completed_at,
            instrument: entry.instrument.into(),
            answers: entry.answers.into_iter().map(Answer::from).collect(),
            note: entry.note,
        });
    }
    Ok(entries)
}

pub fn encode_draft(draft: &Draft) -> String {
    let stored = DraftV1 {
        format: DRAFT_FORMAT.into(),
        version: CURRENT_VERSION,
        saved_at: draft.saved_at_ms,
        instrument: (&draft.instrument).into(),
        answers: draft.answers.iter().map(AnswerV1::from).collect(),
        note: draft.note.clone(),
    };
    serde_json::to_string(&stored).expect("a draft always serialises")
}

pub fn decode_draft(text: &str) -> Result<Draft, DecodeError> {
    probe(text, DRAFT_FORMAT)?;
    let stored: DraftV1 = serde_json::from_str(text)
        .map_err(|error| unreadable(format!("draft does not match version 1: {error}")))?;
    check_answers(&stored.answers, "draft")?;
    Ok(Draft {
        saved_at_ms: stored.saved_at,
        instrument: stored.instrument.into(),
        answers: stored.answers.into_iter().map(Answer::from).collect(),
        note: stored.note,
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
        matches!(result, Err(DecodeError::Unreadable { .. }))
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
            Err(DecodeError::Unreadable { .. })
        ));
    }
}
