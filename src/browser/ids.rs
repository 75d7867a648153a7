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
    let hex: String = random.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("{now_ms:x}-{hex}")
}
