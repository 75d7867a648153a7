//! Entry ids: unique across tabs and devices, so histories merge by id without collisions.

/// A new id: the completion time in hexadecimal, then 64 random bits from the browser's
/// cryptographic generator (`Math.random` only if `crypto` is missing).
pub fn new_entry_id(now_ms: u64) -> String {
    let mut random = [0u8; 8];
    let filled = web_sys::window()
        .and_then(|window| window.crypto().ok())
        .is_some_and(|crypto| crypto.get_random_values_with_u8_array(&mut random).is_ok());
    if !filled {
        for byte in &mut random {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    // Written by hand: `format!` with padding costs wasm bytes for nothing here.
    let mut id = String::with_capacity(32);
    push_hex(&mut id, &now_ms.to_be_bytes());
    id.push('-');
    push_hex(&mut id, &random);
    id
}

/// Appends bytes as lowercase hexadecimal, leading zero bytes skipped (a non-empty rest kept).
fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let first = bytes
        .iter()
        .position(|byte| *byte != 0)
        .unwrap_or(bytes.len() - 1);
    for byte in &bytes[first..] {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0xF)]));
    }
}

#[cfg(test)]
mod tests {
    use super::push_hex;

    #[test]
    fn hex_skips_leading_zero_bytes_only() {
        let mut out = String::new();
        push_hex(&mut out, &1_763_800_000_000_u64.to_be_bytes());
        assert_eq!(out, "019aaaac2600"); // 0x19aaaac2600, in whole bytes
        out.clear();
        push_hex(&mut out, &[0, 0, 0x0f, 0xa0]);
        assert_eq!(out, "0fa0");
        out.clear();
        push_hex(&mut out, &[0, 0]);
        assert_eq!(out, "00");
    }
}
