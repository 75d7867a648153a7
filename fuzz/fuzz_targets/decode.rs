//! Fuzz target for everything that reads stored text: the JSON reader, the history and draft
//! decoders and the lenient reader of a newer version's history. No input may panic, whatever a
//! decoder accepts must survive a re-encode, and what strict decoding reads in the current
//! layout, lenient decoding reads the same. (Lenient decoding is only used for a newer version,
//! which starts from the current layout; an older version's entries are migrated by the strict
//! path only, e.g. a corrected version-2 entry counts one edit there.)
#![no_main]

use alliance_checkin::domain::checkin::CheckIn;
use alliance_checkin::domain::codec::{
    decode_draft, decode_history, decode_history_with_version, decode_newer_history_leniently,
    encode_draft, encode_history, CURRENT_VERSION,
};
use alliance_checkin::domain::json::parse;
use libfuzzer_sys::fuzz_target;

/// Completion order (oldest first, ties by id), which also means no id twice.
fn in_order(entries: &[CheckIn]) -> bool {
    entries
        .windows(2)
        .all(|pair| (pair[0].completed_at_ms, &pair[0].id) < (pair[1].completed_at_ms, &pair[1].id))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse(&text);
    let lenient = decode_newer_history_leniently(&text);
    if let Some(entries) = &lenient {
        assert!(in_order(entries));
    }
    if let Ok(history) = decode_history(&text) {
        assert!(in_order(&history.entries));
        assert!(history
            .deleted
            .windows(2)
            .all(|pair| pair[0].id < pair[1].id));
        assert!(!history
            .entries
            .iter()
            .any(|entry| history.deleted.iter().any(|gone| gone.id == entry.id)));
        assert_eq!(
            decode_history(&encode_history(&history)),
            Ok(history.clone())
        );
        if decode_history_with_version(&text).map(|(_, version)| version) == Ok(CURRENT_VERSION) {
            assert_eq!(lenient, Some(history.entries));
        }
    }
    if let Ok(draft) = decode_draft(&text) {
        assert_eq!(decode_draft(&encode_draft(&draft)), Ok(draft));
    }
});
