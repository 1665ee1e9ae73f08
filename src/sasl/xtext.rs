//! xtext (RFC 3461 §4), the encoding of the `AUTH=` parameter of MAIL FROM
//! (RFC 4954 §5): printable ASCII except `+` and `=` stands for itself; any other
//! octet is `+` followed by two upper-case hex digits. `AUTH=<>` means "identity
//! unknown or not authenticated".

use core::fmt;
use serde::Serialize;

/// Why an xtext value is malformed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "camelCase")]
pub enum XtextError {
    /// A character that must be hex-encoded appeared as is.
    BadCharacter {
        /// Octet position.
        position: usize,
        /// The octet.
        octet: u8,
    },
    /// `+` not followed by two upper-case hex digits.
    BadHexChar {
        /// Position of the `+`.
        position: usize,
    },
}

impl fmt::Display for XtextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::BadCharacter { position, octet } => write!(
                f,
                "octet 0x{octet:02X} at position {position} must be written as +{octet:02X} in xtext"
            ),
            Self::BadHexChar { position } => write!(
                f,
                "'+' at position {position} must be followed by two upper-case hex digits (hexchar)"
            ),
        }
    }
}

/// The value of `AUTH=` on MAIL FROM.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "mailbox", rename_all = "camelCase")]
pub enum AuthParameter {
    /// `AUTH=<>`: the sender's identity is unknown (RFC 4954 §5).
    Unknown,
    /// The decoded identity.
    Identity(String),
}

/// Decodes xtext into octets.
pub fn decode(text: &str) -> Result<Vec<u8>, XtextError> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut position = 0;
    while let Some(&octet) = bytes.get(position) {
        match octet {
            b'+' => {
                let digits = bytes
                    .get(position.saturating_add(1)..position.saturating_add(3))
                    .and_then(|pair| core::str::from_utf8(pair).ok())
                    .filter(|pair| pair.bytes().all(|b| matches!(b, b'0'..=b'9' | b'A'..=b'F')))
                    .and_then(|pair| u8::from_str_radix(pair, 16).ok());
                let Some(value) = digits else {
                    return Err(XtextError::BadHexChar { position });
                };
                decoded.push(value);
                position = position.saturating_add(3);
            }
            b'!'..=b'~' if octet != b'=' => {
                decoded.push(octet);
                position = position.saturating_add(1);
            }
            _ => return Err(XtextError::BadCharacter { position, octet }),
        }
    }
    Ok(decoded)
}

/// Encodes octets as xtext.
pub fn encode(octets: &[u8]) -> String {
    octets
        .iter()
        .map(|&octet| match octet {
            b'!'..=b'~' if octet != b'+' && octet != b'=' => char::from(octet).to_string(),
            _ => format!("+{octet:02X}"),
        })
        .collect()
}

/// Parses the value of `AUTH=` on MAIL FROM: `<>` or an xtext-encoded mailbox.
pub fn parse_auth_parameter(value: &str) -> Result<AuthParameter, XtextError> {
    if value == "<>" {
        return Ok(AuthParameter::Unknown);
    }
    let octets = decode(value)?;
    Ok(AuthParameter::Identity(
        String::from_utf8_lossy(&octets).into_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_rfc_examples_and_round_trips() {
        assert_eq!(decode("e+3Dmc2@example.com").unwrap(), b"e=mc2@example.com");
        assert_eq!(encode(b"e=mc2@example.com"), "e+3Dmc2@example.com");
        assert_eq!(decode("a+2Bb").unwrap(), b"a+b");
        assert_eq!(parse_auth_parameter("<>").unwrap(), AuthParameter::Unknown);
        assert_eq!(
            parse_auth_parameter("alice@example.org").unwrap(),
            AuthParameter::Identity("alice@example.org".into())
        );
    }

    #[test]
    fn refuses_bad_xtext() {
        assert_eq!(decode("a+3"), Err(XtextError::BadHexChar { position: 1 }));
        assert_eq!(decode("a+3d"), Err(XtextError::BadHexChar { position: 1 }));
        assert_eq!(decode("+"), Err(XtextError::BadHexChar { position: 0 }));
        assert_eq!(
            decode("a=b"),
            Err(XtextError::BadCharacter {
                position: 1,
                octet: b'='
            })
        );
        assert_eq!(
            decode("a b"),
            Err(XtextError::BadCharacter {
                position: 1,
                octet: b' '
            })
        );
        assert_eq!(
            decode("é"),
            Err(XtextError::BadCharacter {
                position: 0,
                octet: 0xc3
            })
        );
    }
}
