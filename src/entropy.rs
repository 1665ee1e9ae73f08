//! Randomness as an input. Engines draw from an `Entropy` seeded by their caller: the
//! page and the loopback use the scenario's seed (so a shared link reproduces the same
//! challenges byte for byte), the TCP front door seeds from the OS.

/// A small deterministic generator (SplitMix64). Not for keys: it only makes nonces and
/// queue ids unpredictable enough for a playground, and reproducible from a seed.
#[derive(Clone, Debug)]
pub struct Entropy {
    state: u64,
}

impl Entropy {
    /// A generator that always yields the same sequence for the same seed.
    pub fn from_seed(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// `length` characters from `[A-Za-z0-9]`, e.g. for nonces and queue ids.
    pub(crate) fn alphanumeric(&mut self, length: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..length)
            .map(|_| {
                let index = (self.next_u64() % ALPHABET.len() as u64) as usize;
                char::from(ALPHABET.get(index).copied().unwrap_or(b'A'))
            })
            .collect()
    }

    /// `length` upper-case hex digits, Postfix-style queue ids.
    pub(crate) fn hex_upper(&mut self, length: usize) -> String {
        (0..length)
            .map(|_| {
                let digit = (self.next_u64() % 16) as u32;
                char::from_digit(digit, 16)
                    .unwrap_or('0')
                    .to_ascii_uppercase()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let mut a = Entropy::from_seed(42);
        let mut b = Entropy::from_seed(42);
        assert_eq!(a.alphanumeric(16), b.alphanumeric(16));
        assert_ne!(
            Entropy::from_seed(1).next_u64(),
            Entropy::from_seed(2).next_u64()
        );
        assert_eq!(a.hex_upper(10).len(), 10);
    }
}
