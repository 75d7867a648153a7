//! Fuzz target for everything that reads stored text: the JSON reader and the history and draft
//! decoders. No input may panic, and whatever a decoder accepts must survive a re-encode.
#![no_main]

use alliance_checkin::domain::codec::{decode_draft, decode_history, encode_draft, encode_history};
use alliance_checkin::domain::json::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse(&text);
    if let Ok(entries) = decode_history(&text) {
        assert_eq!(decode_history(&encode_history(&entries)), Ok(entries));
    }
    if let Ok(draft) = decode_draft(&text) {
        assert_eq!(decode_draft(&encode_draft(&draft)), Ok(draft));
    }
});
