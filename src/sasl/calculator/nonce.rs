//! A fresh client nonce for the encoder (DIGEST-MD5's `cnonce`, SCRAM's `r=`), made from
//! random octets the caller draws: the engine takes randomness only as input, and says
//! here how much of it a nonce needs.

use super::CalcError;
use crate::sasl::lower_hex;

/// Random octets in a fresh client nonce: 96 bits, more than the 64 RFC 2831 §2.1.2
/// asks of a cnonce.
pub const CNONCE_RANDOM_OCTETS: usize = 12;

/// The nonce made of `random` (exactly [`CNONCE_RANDOM_OCTETS`] octets) in lower-case
/// hex: printable, without the quote a DIGEST-MD5 quoted-string would need escaped or
/// the comma SCRAM forbids in `r=` (RFC 5802 §5.1).
pub fn client_nonce(random: &[u8]) -> Result<String, CalcError> {
    if random.len() != CNONCE_RANDOM_OCTETS {
        return Err(CalcError::Refused {
            explanation: format!(
                "a client nonce is made of {CNONCE_RANDOM_OCTETS} random octets; {} were given",
                random.len()
            ),
        });
    }
    Ok(lower_hex(random))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_is_the_random_octets_in_hex() {
        let random: Vec<u8> = (0..12).map(|i| i * 21).collect();
        assert_eq!(client_nonce(&random).unwrap(), "00152a3f54697e93a8bdd2e7");
    }

    #[test]
    fn too_few_or_too_many_octets_are_refused() {
        for length in [0, 7, 13] {
            let error = client_nonce(&vec![1; length]).unwrap_err();
            assert!(error.to_string().contains("12 random octets"), "{error}");
        }
    }
}
