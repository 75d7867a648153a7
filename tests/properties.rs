//! Property tests for the stored format, merging and backups (host only): any history survives
//! a round trip, merging and importing obey their laws (idempotent, order-independent, a deleted
//! check-in never comes back through a merge), and no input, however damaged, makes a reader
//! panic (questionnaire definitions included).
#![cfg(not(target_arch = "wasm32"))]

use alliance_checkin::domain::backup::{export_backup, import_into, read_import};
use alliance_checkin::domain::checkin::{
    canonical_history, in_completion_order, merge_histories, CheckIn, History, InstrumentRef,
    Revision, Tombstone,
};
use alliance_checkin::domain::codec::{
    decode_draft, decode_history, decode_newer_history_leniently, encode_draft, encode_history,
    DecodeError, MAX_COUNT, MAX_TIME_MS,
};
use alliance_checkin::domain::draft::Draft;
use alliance_checkin::domain::json::{parse, write_string, Json};
use alliance_checkin::domain::scoring::Answer;
use proptest::collection::{btree_set, vec};
use proptest::option;
use proptest::prelude::*;

/// Text as clients and other versions may write it: any Unicode, including controls and quotes.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~]{0,40}",
        "[\\u{0}-\\u{1f}\"\\\\/]{0,12}",
        "\\PC{0,30}",
    ]
}

fn answers() -> impl Strategy<Value = Vec<Answer>> {
    btree_set("[a-z][a-z0-9-]{0,15}", 1..6).prop_flat_map(|items| {
        let count = items.len();
        (Just(items), vec(any::<u16>(), count)).prop_map(|(items, values)| {
            items
                .into_iter()
                .zip(values)
                .map(|(item_id, value)| Answer { item_id, value })
                .collect()
        })
    })
}

fn check_in_with_id(id: String) -> impl Strategy<Value = CheckIn> {
    (
        0..=MAX_TIME_MS,
        (any_text(), any::<u32>()),
        answers(),
        any_text(),
        (option::of(any_text()), option::of(any_text())),
        (option::of(0..=MAX_TIME_MS), 0..3u32, 0..3u32),
    )
        .prop_map(
            move |(
                completed_at_ms,
                (instrument_id, version),
                answers,
                note,
                (practice, therapist),
                (edited_at_ms, life, edits),
            )| CheckIn {
                id: id.clone(),
                completed_at_ms,
                instrument: InstrumentRef {
                    id: instrument_id,
                    version,
                },
                answers,
                note,
                practice,
                therapist,
                edited_at_ms,
                revision: Revision { life, edits },
            },
        )
}

fn ids() -> impl Strategy<Value = std::collections::BTreeSet<String>> {
    btree_set("[0-9a-f]{1,16}-[0-9a-f]{1,16}", 0..12)
}

/// Entries with unique ids of 1 to 64 bytes, in any order.
fn entries() -> impl Strategy<Value = Vec<CheckIn>> {
    ids().prop_flat_map(|ids| {
        ids.into_iter()
            .map(check_in_with_id)
            .collect::<Vec<_>>()
            .prop_shuffle()
    })
}

/// A draft as the check-in form saves it: any answers placed so far (none included).
fn draft() -> impl Strategy<Value = Draft> {
    (
        0..=MAX_TIME_MS,
        (any_text(), any::<u32>()),
        prop_oneof![Just(Vec::new()), answers()],
        any_text(),
    )
        .prop_map(|(saved_at_ms, (id, version), answers, note)| Draft {
            saved_at_ms,
            instrument: InstrumentRef { id, version },
            answers,
            note,
        })
}

/// A history as it may be held in memory: entries and deletions (ids disjoint) in any order.
fn raw_history() -> impl Strategy<Value = History> {
    (entries(), ids(), 0..MAX_TIME_MS / 2, 0..=MAX_COUNT).prop_map(
        |(entries, deleted_ids, time, generation)| {
            // Reversed, so the deletions are out of order too.
            let deleted = deleted_ids
                .into_iter()
                .rev()
                .filter(|id| !entries.iter().any(|entry| entry.id == *id))
                .enumerate()
                .map(|(index, id)| Tombstone {
                    id,
                    deleted_at_ms: time + index as u64 * 7_919,
                    life: (index % 3) as u32,
                })
                .collect();
            History {
                generation,
                entries,
                deleted,
            }
        },
    )
}

/// A history in the form every history function returns.
fn history() -> impl Strategy<Value = History> {
    raw_history().prop_map(canonical_history)
}

/// A few check-ins and, per history, a choice for each of them: absent; present (as saved,
/// corrected once, corrected once differently at the same moment by another tab, or brought
/// back after a deletion); or deleted (in its first or second life, at one of two times).
fn pool() -> impl Strategy<Value = Vec<CheckIn>> {
    btree_set("[a-z]{1,3}", 1..8)
        .prop_flat_map(|ids| ids.into_iter().map(check_in_with_id).collect::<Vec<_>>())
}

fn pick(pool: &[CheckIn], choices: &[u8]) -> History {
    let mut entries = Vec::new();
    let mut deleted = Vec::new();
    for (entry, choice) in pool.iter().zip(choices) {
        match choice {
            0 | 1 => {}
            2..=5 => {
                let mut copy = entry.clone();
                copy.revision = match choice {
                    2 => Revision { life: 0, edits: 0 },
                    3 | 4 => Revision { life: 0, edits: 1 },
                    _ => Revision { life: 1, edits: 0 },
                };
                copy.edited_at_ms = (*choice == 3 || *choice == 4).then_some(7);
                copy.note.push_str(&choice.to_string());
                entries.push(copy);
            }
            _ => deleted.push(Tombstone {
                id: entry.id.clone(),
                deleted_at_ms: u64::from(*choice % 2),
                life: u32::from(*choice > 7),
            }),
        }
    }
    canonical_history(History {
        generation: 0,
        entries,
        deleted,
    })
}

fn picks(count: usize) -> impl Strategy<Value = (Vec<CheckIn>, Vec<Vec<u8>>)> {
    pool().prop_flat_map(move |pool| {
        let size = pool.len();
        (Just(pool), vec(vec(0u8..8, size), count))
    })
}

fn deleted_ids(history: &History) -> Vec<&str> {
    history.deleted.iter().map(|t| t.id.as_str()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_history_round_trips(history in history()) {
        prop_assert_eq!(decode_history(&encode_history(&history)), Ok(history));
    }

    #[test]
    fn any_order_decodes_to_the_settled_form(history in raw_history()) {
        let text = encode_history(&history);
        prop_assert_eq!(decode_history(&text), Ok(canonical_history(history)));
    }

    #[test]
    fn every_cut_short_history_is_reported_unreadable(history in history(), cut in any::<prop::sample::Index>()) {
        let text = encode_history(&history);
        let boundaries: Vec<usize> = text.char_indices().map(|(index, _)| index).collect();
        let end = boundaries[cut.index(boundaries.len())];
        let result = decode_history(&text[..end]);
        prop_assert!(
            matches!(result, Err(DecodeError::Unreadable(_))),
            "a truncated history decoded: {:?}",
            result
        );
        prop_assert!(decode_newer_history_leniently(&text[..end]).is_none());
        prop_assert!(read_import(&text[..end]).is_err());
    }

    #[test]
    fn damaged_histories_never_panic(history in history(), position in any::<prop::sample::Index>(), replacement in any::<char>()) {
        let text = encode_history(&history);
        let mut characters: Vec<char> = text.chars().collect();
        let index = position.index(characters.len());
        characters[index] = replacement;
        let damaged: String = characters.into_iter().collect();
        // Ok or Err are both fine; a panic fails the test.
        let _ = decode_history(&damaged);
        let _ = decode_draft(&damaged);
        let _ = decode_newer_history_leniently(&damaged);
        if let Ok(file) = read_import(&damaged) {
            let _ = import_into(history, &file);
        }
    }

    #[test]
    fn damaged_backups_never_panic(history in history(), position in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<prop::sample::Index>()) {
        let text = export_backup(&history.entries, &history.deleted, 42);
        let mut bytes = text.clone().into_bytes();
        let index = position.index(bytes.len());
        bytes[index] = byte;
        let damaged = String::from_utf8_lossy(&bytes);
        if let Ok(file) = read_import(&damaged) {
            let (imported, report) = import_into(history.clone(), &file);
            prop_assert_eq!(report.added + report.already_present + report.stayed_deleted, file.entries().len());
            prop_assert_eq!(imported.clone(), canonical_history(imported));
        }
        let boundaries: Vec<usize> = text.char_indices().map(|(index, _)| index).collect();
        let end = boundaries[cut.index(boundaries.len())];
        prop_assert!(read_import(&text[..end]).is_err(), "a cut-short backup was read");
    }

    #[test]
    fn arbitrary_text_never_panics(text in any_text()) {
        let _ = parse(&text);
        let _ = decode_history(&text);
        let _ = decode_draft(&text);
        let _ = decode_newer_history_leniently(&text);
        let _ = read_import(&text);
    }

    #[test]
    fn what_strict_decoding_reads_lenient_decoding_reads_the_same(history in history()) {
        let text = encode_history(&history);
        prop_assert_eq!(decode_newer_history_leniently(&text), Some(history.entries));
    }

    #[test]
    fn written_strings_parse_back(text in any_text()) {
        let mut written = String::new();
        write_string(&mut written, &text);
        prop_assert_eq!(parse(&written), Ok(Json::String(text.into())));
    }

    /// The stored formats are written with serde_json: its strings must be the bytes
    /// `json.rs`'s writer (the stored formats' writer until serde) wrote, so nothing stored
    /// changes.
    #[test]
    fn serde_json_writes_strings_as_before(text in any_text()) {
        let mut written = String::new();
        write_string(&mut written, &text);
        prop_assert_eq!(serde_json::to_string(&text).ok(), Some(written));
    }

    /// Any history the domain can produce (merges of generated check-ins and deletions, any
    /// generation) reads back exactly as written.
    #[test]
    fn any_merged_history_round_trips(base in history(), (pool, choices) in picks(3)) {
        let merged = [0, 1, 2].iter().fold(base, |history, &at| {
            merge_histories(history, &pick(&pool, &choices[at]))
        });
        prop_assert_eq!(decode_history(&encode_history(&merged)), Ok(merged));
    }

    #[test]
    fn any_draft_round_trips(draft in draft()) {
        prop_assert_eq!(decode_draft(&encode_draft(&draft)), Ok(draft));
    }

    #[test]
    fn completion_order_matches_a_reference_sort(entries in entries()) {
        let mut expected = entries.clone();
        expected.sort_by(|a, b| (a.completed_at_ms, &a.id).cmp(&(b.completed_at_ms, &b.id)));
        prop_assert_eq!(in_completion_order(entries), expected);
    }

    #[test]
    fn merge_histories_laws((pool, choices) in picks(3)) {
        let [a, b, c] = [0, 1, 2].map(|at| pick(&pool, &choices[at]));
        let ab = merge_histories(a.clone(), &b);
        // Idempotent.
        prop_assert_eq!(merge_histories(a.clone(), &a), a.clone());
        prop_assert_eq!(merge_histories(ab.clone(), &b), ab.clone());
        prop_assert_eq!(merge_histories(ab.clone(), &ab), ab.clone());
        // Commutative, even when two copies of an id share a revision.
        prop_assert_eq!(merge_histories(b.clone(), &a), ab.clone());
        // Associative.
        prop_assert_eq!(
            merge_histories(ab.clone(), &c),
            merge_histories(a.clone(), &merge_histories(b.clone(), &c))
        );
        // A deletion is never undone by a merge (only a later life, the client's undo, outranks
        // it), and no copy is lost but to a later copy or a deletion of its life.
        for side in [&a, &b] {
            for gone in &side.deleted {
                let still_deleted = ab.deleted.iter().any(|kept| kept.id == gone.id && kept.life >= gone.life);
                let undone = ab.entries.iter().any(|kept| kept.id == gone.id && kept.revision.life > gone.life);
                prop_assert!(still_deleted || undone);
            }
            for entry in &side.entries {
                let kept = ab.entries.iter().any(|kept| kept.id == entry.id && kept.revision >= entry.revision);
                let deleted = ab.deleted.iter().any(|gone| gone.id == entry.id && gone.life >= entry.revision.life);
                prop_assert!(kept || deleted);
            }
        }
        prop_assert_eq!(ab.clone(), canonical_history(ab));
    }

    #[test]
    fn a_backup_restores_its_entries_into_an_empty_history(history in history(), at in any::<u64>()) {
        let at = at % MAX_TIME_MS;
        let file = read_import(&export_backup(&history.entries, &history.deleted, at)).unwrap();
        prop_assert!(file.rejected().is_empty());
        let (restored, report) = import_into(History::default(), &file);
        prop_assert_eq!(report.added, history.entries.len());
        prop_assert_eq!(restored.entries, history.entries.clone());
        prop_assert_eq!(restored.deleted, history.deleted.clone());
        // A stored history imports its entries the same way.
        let file = read_import(&encode_history(&history)).unwrap();
        prop_assert_eq!(file.entries(), history.entries.as_slice());
    }

    #[test]
    fn importing_twice_is_importing_once((pool, choices) in picks(2)) {
        let base = pick(&pool, &choices[0]);
        let theirs = pick(&pool, &choices[1]);
        let file = read_import(&export_backup(&theirs.entries, &theirs.deleted, 1)).unwrap();
        let (once, first) = import_into(base.clone(), &file);
        let (twice, second) = import_into(once.clone(), &file);
        prop_assert_eq!(twice, once.clone());
        prop_assert_eq!(second.added, 0);
        prop_assert_eq!(second.already_present + second.stayed_deleted, first.added + first.already_present + first.stayed_deleted);
        // Everything imported is there, unless deleted here in its life (then it stays deleted).
        for entry in file.entries() {
            let kept = once.entries.iter().any(|kept| kept.id == entry.id);
            prop_assert!(kept || deleted_ids(&once).contains(&entry.id.as_str()));
        }
        prop_assert_eq!(once, merge_histories(base, &theirs));
    }

    #[test]
    fn the_order_of_imports_does_not_matter((pool, choices) in picks(3)) {
        let base = pick(&pool, &choices[0]);
        let [one, two] = [1, 2].map(|at| {
            let picked = pick(&pool, &choices[at]);
            read_import(&export_backup(&picked.entries, &picked.deleted, 1)).unwrap()
        });
        let one_then_two = import_into(import_into(base.clone(), &one).0, &two).0;
        let two_then_one = import_into(import_into(base, &two).0, &one).0;
        prop_assert_eq!(one_then_two, two_then_one);
    }
}

/// The questionnaire definitions shipped in `src/instruments/`.
const DEFINITIONS: [&str; 3] = [
    include_str!("../src/instruments/alliance-checkin.json"),
    include_str!("../src/instruments/example-12-item-5-point.json"),
    include_str!("../src/instruments/example-4-line.json"),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A practice's file may be damaged in any way: reading it never panics, what reads is a
    /// valid instrument, and what does not is explained, each problem at a place.
    #[test]
    fn damaged_definitions_are_read_or_explained(
        which in 0..DEFINITIONS.len(),
        position in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        cut in any::<prop::sample::Index>(),
        language in prop_oneof![Just("en"), Just("es"), Just("es-MX"), Just("fr"), Just("")],
    ) {
        use alliance_checkin::domain::definition::parse_definition;
        let text = DEFINITIONS[which];
        let mut bytes = text.as_bytes().to_vec();
        let index = position.index(bytes.len());
        bytes[index] = byte;
        let damaged = String::from_utf8_lossy(&bytes);
        match parse_definition(&damaged, language) {
            Ok(instrument) => prop_assert_eq!(instrument.validate(), Ok(())),
            Err(problems) => {
                prop_assert!(!problems.is_empty());
                prop_assert!(problems.iter().all(|problem| !problem.message.is_empty()));
            }
        }
        // Cut anywhere before the closing brace (a cut in the trailing newline loses nothing).
        let text = text.trim_end();
        let boundaries: Vec<usize> = text.char_indices().map(|(index, _)| index).collect();
        let end = boundaries[cut.index(boundaries.len())];
        prop_assert!(parse_definition(&text[..end], language).is_err(), "a cut-short definition was read");
    }

    #[test]
    fn arbitrary_text_is_never_a_definition(text in any_text()) {
        use alliance_checkin::domain::definition::parse_definition;
        prop_assert!(parse_definition(&text, "en").is_err());
    }
}

/// One text of a definition as a practice may write it: a plain string or an object of
/// language tag to text, each text valid or not (empty, blank, too long, controls, markup).
fn definition_text() -> impl Strategy<Value = String> {
    let words = prop_oneof![
        80 => Just("Words".to_owned()),
        1 => Just(String::new()),
        1 => Just("   ".to_owned()),
        1 => Just("x".repeat(501)),
        1 => Just("é".repeat(500)),
        1 => Just("<b onclick=\"x\">&amp;</b>".to_owned()),
        4 => "\\PC{1,12}",
    ];
    let tag = prop_oneof![
        8 => Just("en"),
        8 => Just("es"),
        4 => Just("es-MX"),
        4 => Just("EN"),
        4 => Just("fr"),
        1 => Just("x"),
        1 => Just("")
    ];
    prop_oneof![
        2 => words.clone().prop_map(|text| {
            let mut out = String::new();
            write_string(&mut out, &text);
            out
        }),
        3 => prop_oneof![1 => Just(0..1usize), 12 => Just(1..4usize)]
            .prop_flat_map(move |count| vec((tag.clone(), words.clone()), count))
            .prop_map(|entries| {
            let mut out = String::from("{");
            let mut seen: Vec<&str> = Vec::new();
            for (tag, text) in &entries {
                // A key twice is not JSON (the reader says so); one text per tag here.
                if seen.contains(tag) {
                    continue;
                }
                if !seen.is_empty() {
                    out.push(',');
                }
                seen.push(tag);
                write_string(&mut out, tag);
                out.push(':');
                write_string(&mut out, text);
            }
            out.push('}');
            out
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// A practice's questionnaire reads in every language of the widget or in none, and reads
    /// as the same questionnaire in each (only the words differ): a page never shows the
    /// practice's questionnaire in one language and the built-in check-in in another, which
    /// would record answers given on one under the other (`PracticeQuestionnaire::in_language`
    /// falls back to the built-in where a language does not read).
    #[test]
    fn a_practice_questionnaire_reads_alike_in_every_language(
        texts in vec(definition_text(), 11),
        language in prop_oneof![Just(""), Just("\"language\": \"es\","), Just("\"language\": \"fr\",")],
    ) {
        use alliance_checkin::domain::definition::{parse_definition, PracticeQuestionnaire};
        use alliance_checkin::domain::instrument::Scale;
        let text = format!(
            r#"{{"format": "alliance-checkin.questionnaire/1", "id": "p.q", "version": 1, {language}
                "title": {}, "attribution": {}, "scoring": "sum",
                "items": [
                  {{"id": "a", "title": {}, "prompt": {}, "scale": {{"type": "line", "low": {}, "high": {}}}}},
                  {{"id": "b", "title": {}, "prompt": {},
                    "scale": {{"type": "likert", "points": 3, "labels": [{}, {}, {}]}}}}
                ]}}"#,
            texts[0], texts[1], texts[2], texts[3], texts[4], texts[5], texts[6], texts[7],
            texts[8], texts[9], texts[10],
        );
        let english = parse_definition(&text, "en");
        for tag in ["es", "es-MX", "fr", "de"] {
            prop_assert_eq!(parse_definition(&text, tag).is_ok(), english.is_ok(), "{}", tag);
        }
        let Ok(english) = english else {
            prop_assert!(PracticeQuestionnaire::read(&text).is_err());
            return Ok(());
        };
        let read = PracticeQuestionnaire::read(&text).unwrap();
        for (tag, instrument) in &read.in_languages {
            let Some(instrument) = instrument else {
                return Err(TestCaseError::fail(format!("{tag} does not read: {text}")));
            };
            prop_assert_eq!(
                (&instrument.id, instrument.version, instrument.scoring, &instrument.thresholds),
                (&english.id, english.version, english.scoring, &english.thresholds)
            );
            let shape = |items: &[alliance_checkin::domain::instrument::Item]| -> Vec<(String, usize)> {
                items
                    .iter()
                    .map(|item| {
                        let points = match &item.scale {
                            Scale::Likert { labels, .. } => labels.len(),
                            Scale::VisualAnalogue { .. } => 0,
                        };
                        (item.id.clone(), points)
                    })
                    .collect()
            };
            prop_assert_eq!(shape(&instrument.items), shape(&english.items));
        }
    }
}
