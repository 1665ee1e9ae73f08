//! Strict base64 (RFC 4648 §4, the alphabet SMTP AUTH uses, RFC 4954 §4) with errors a
//! learner can act on: which character at which position, what is wrong with the
//! padding, why the length cannot be right. Decoding itself is done by the `base64`
//! crate; this file only turns its verdicts into explanations.

use base64::engine::general_purpose::STANDARD;
use base64::{DecodeError, Engine as _};
use core::fmt;
use serde::Serialize;

/// Why a string is not canonical base64.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "camelCase")]
pub enum Base64Error {
    /// A character outside `A–Z a–z 0–9 + /` (and `=` only at the end).
    BadCharacter {
        /// Zero-based position in the input.
        position: usize,
        /// The offending character (as a Unicode scalar, for display).
        character: char,
    },
    /// `=` where it may not be: in the middle, or more than two.
    BadPadding {
        /// Zero-based position of the first misplaced `=`.
        position: usize,
    },
    /// The number of characters is not a multiple of 4 (with padding).
    WrongLength {
        /// How many characters there were.
        length: usize,
    },
    /// The last character carries bits that must be zero: not the canonical encoding
    /// of any octets (RFC 4648 §3.5).
    NonZeroTrailingBits {
        /// Zero-based position of that character.
        position: usize,
    },
}

impl fmt::Display for Base64Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::BadCharacter { position, character } => write!(
                f,
                "bad character {} at position {position}: base64 uses only A-Z, a-z, 0-9, '+' and '/', with '=' padding at the end",
                describe_char(character)
            ),
            Self::BadPadding { position } => write!(
                f,
                "bad padding: '=' at position {position}; padding may only appear at the very end, at most twice"
            ),
            Self::WrongLength { length } => write!(
                f,
                "wrong length: {length} characters; base64 comes in groups of 4 characters (3 octets each), so the length must be a multiple of 4 including '=' padding"
            ),
            Self::NonZeroTrailingBits { position } => write!(
                f,
                "the character at position {position} has low bits set that no encoder would produce; this is not the canonical base64 of any octets"
            ),
        }
    }
}

fn describe_char(character: char) -> String {
    match character {
        ' ' => "' ' (space)".into(),
        '\t' => "'\\t' (tab)".into(),
        '\r' => "'\\r' (carriage return)".into(),
        '\n' => "'\\n' (line feed)".into(),
        c if c.is_control() => format!("U+{:04X} (a control character)", u32::from(c)),
        c => format!("'{c}'"),
    }
}

/// Encodes octets as padded standard base64.
pub fn encode(octets: &[u8]) -> String {
    STANDARD.encode(octets)
}

/// Decodes canonical padded base64. The empty string decodes to no octets.
pub fn decode(text: &str) -> Result<Vec<u8>, Base64Error> {
    precheck(text)?;
    STANDARD
        .decode(text)
        .map_err(|error| explain_crate_error(text, error))
}

/// Checks the things the crate reports as byte offsets, so positions are in
/// characters and non-ASCII input is named as such.
fn precheck(text: &str) -> Result<(), Base64Error> {
    let mut padding_from: Option<usize> = None;
    for (position, character) in text.chars().enumerate() {
        match character {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '+' | '/' => {
                if padding_from.is_some() {
                    return Err(Base64Error::BadPadding {
                        position: padding_from.unwrap_or(position),
                    });
                }
            }
            '=' => {
                padding_from.get_or_insert(position);
            }
            _ => {
                return Err(Base64Error::BadCharacter {
                    position,
                    character,
                })
            }
        }
    }
    let length = text.len();
    if let Some(start) = padding_from {
        if length.saturating_sub(start) > 2 {
            return Err(Base64Error::BadPadding { position: start });
        }
    }
    if !length.is_multiple_of(4) {
        return Err(Base64Error::WrongLength { length });
    }
    Ok(())
}

fn explain_crate_error(text: &str, error: DecodeError) -> Base64Error {
    match error {
        DecodeError::InvalidByte(position, b'=') => Base64Error::BadPadding { position },
        DecodeError::InvalidByte(position, byte) => Base64Error::BadCharacter {
            position,
            character: char::from(byte),
        },
        DecodeError::InvalidLength(_) => Base64Error::WrongLength { length: text.len() },
        DecodeError::InvalidLastSymbol(position, _) => {
            Base64Error::NonZeroTrailingBits { position }
        }
        DecodeError::InvalidPadding => Base64Error::BadPadding {
            position: text.find('=').unwrap_or(text.len()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_rfc_4648_vectors() {
        let vectors: &[(&str, &str)] = &[
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(encode(plain.as_bytes()), *encoded);
            assert_eq!(decode(encoded).unwrap(), plain.as_bytes());
        }
    }

    #[test]
    fn bad_inputs_are_explained() {
        let table: &[(&str, Base64Error)] = &[
            (
                "dGlt!",
                Base64Error::BadCharacter {
                    position: 4,
                    character: '!',
                },
            ),
            (
                "dG lt",
                Base64Error::BadCharacter {
                    position: 2,
                    character: ' ',
                },
            ),
            (
                "dGé=",
                Base64Error::BadCharacter {
                    position: 2,
                    character: 'é',
                },
            ),
            ("dGl", Base64Error::WrongLength { length: 3 }),
            ("Zg=a", Base64Error::BadPadding { position: 2 }),
            ("Z===", Base64Error::BadPadding { position: 1 }),
            ("Zh==", Base64Error::NonZeroTrailingBits { position: 1 }),
            ("====", Base64Error::BadPadding { position: 0 }),
        ];
        for (input, expected) in table {
            assert_eq!(decode(input), Err(*expected), "{input}");
            assert!(!expected.to_string().is_empty());
        }
    }

    #[test]
    fn explanation_names_whitespace() {
        let error = decode("dGlt\r").unwrap_err();
        assert!(error.to_string().contains("carriage return"), "{error}");
    }
}
