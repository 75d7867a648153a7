//! Property tests for the stored format (host only): any history survives a round trip, merging
//! is idempotent and order-independent, and no input, however damaged, makes decoding panic.
#![cfg(not(target_arch = "wasm32"))]

use alliance_checkin::domain::checkin::{in_completion_order, merge_by_id, CheckIn, InstrumentRef};
use alliance_checkin::domain::codec::{decode_draft, decode_history, encode_history, DecodeError};
use alliance_checkin::domain::json::{parse, write_string, Json};
use alliance_checkin::domain::scoring::Answer;
use proptest::collection::{btree_set, vec};
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
        any::<u64>(),
        any_text(),
        any::<u32>(),
        answers(),
        any_text(),
    )
        .prop_map(
            move |(completed_at_ms, instrument_id, version, answers, note)| CheckIn {
                id: id.clone(),
                completed_at_ms,
                instrument: InstrumentRef {
                    id: instrument_id,
                    version,
                },
                answers,
                note,
                practice: None,
                therapist: None,
                edited_at_ms: None,
            },
        )
}

/// A history: unique ids of 1 to 64 bytes, in any order.
fn history() -> impl Strategy<Value = Vec<CheckIn>> {
    btree_set("[0-9a-f]{1,16}-[0-9a-f]{1,16}", 0..12).prop_flat_map(|ids| {
        ids.into_iter()
            .map(check_in_with_id)
            .collect::<Vec<_>>()
            .prop_shuffle()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_history_round_trips(entries in history()) {
        prop_assert_eq!(decode_history(&encode_history(&entries)), Ok(entries));
    }

    #[test]
    fn every_cut_short_history_is_reported_unreadable(entries in history(), cut in any::<prop::sample::Index>()) {
        let text = encode_history(&entries);
        let boundaries: Vec<usize> = text.char_indices().map(|(index, _)| index).collect();
        let end = boundaries[cut.index(boundaries.len())];
        let result = decode_history(&text[..end]);
        prop_assert!(
            matches!(result, Err(DecodeError::Unreadable(_))),
            "a truncated history decoded: {:?}",
            result
        );
    }

    #[test]
    fn damaged_histories_never_panic(entries in history(), position in any::<prop::sample::Index>(), replacement in any::<char>()) {
        let text = encode_history(&entries);
        let mut characters: Vec<char> = text.chars().collect();
        let index = position.index(characters.len());
        characters[index] = replacement;
        let damaged: String = characters.into_iter().collect();
        // Ok or Err are both fine; a panic fails the test.
        let _ = decode_history(&damaged);
        let _ = decode_draft(&damaged);
    }

    #[test]
    fn arbitrary_text_never_panics(text in any_text()) {
        let _ = parse(&text);
        let _ = decode_history(&text);
        let _ = decode_draft(&text);
    }

    #[test]
    fn written_strings_parse_back(text in any_text()) {
        let mut written = String::new();
        write_string(&mut written, &text);
        prop_assert_eq!(parse(&written), Ok(Json::String(text)));
    }

    #[test]
    fn completion_order_matches_a_reference_sort(entries in history()) {
        let mut expected = entries.clone();
        expected.sort_by(|a, b| (a.completed_at_ms, &a.id).cmp(&(b.completed_at_ms, &b.id)));
        prop_assert_eq!(in_completion_order(entries), expected);
    }

    #[test]
    fn merging_is_idempotent_and_order_independent(entries in history(), split in any::<prop::sample::Index>()) {
        let at = split.index(entries.len() + 1);
        let (ours, theirs) = entries.split_at(at);
        let merged = merge_by_id(ours.to_vec(), theirs);
        prop_assert_eq!(merge_by_id(merged.clone(), theirs), merged.clone());
        prop_assert_eq!(merge_by_id(merged.clone(), ours), merged.clone());
        prop_assert_eq!(merge_by_id(theirs.to_vec(), ours), merged.clone());
        prop_assert_eq!(merged.len(), entries.len());
    }
}
