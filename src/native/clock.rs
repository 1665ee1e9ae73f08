//! The real clock and the OS random source: the two inputs the engines never read
//! themselves.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::time::Millis;

/// Milliseconds since the Unix epoch from the system clock (0 if the clock is before
/// 1970, which only a broken machine reports).
pub fn now_ms() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// A fresh seed from the operating system, so every connection gets unpredictable queue
/// ids and challenges. Falls back to the clock if the OS source fails (it does not on
/// Linux), which only costs unpredictability, never correctness.
pub fn os_seed() -> u64 {
    let mut bytes = [0u8; 8];
    match getrandom::getrandom(&mut bytes) {
        Ok(()) => u64::from_le_bytes(bytes),
        Err(_) => now_ms().rotate_left(17) ^ u64::from(std::process::id()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_is_after_2020_and_seeds_differ() {
        assert!(now_ms() > 1_577_836_800_000);
        assert_ne!(os_seed(), os_seed());
    }
}
