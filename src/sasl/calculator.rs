//! The offline calculator behind the page's "check my AUTH line" tool. No session:
//!
//! - [`encode()`]: mechanism + credentials (+ challenge, realm, nonce, cnonce, host) →
//!   the exact lines a client sends, each server line it answers, and the trace.
//! - [`decode()`]: a base64 string or a whole log line → the decoded octets explained;
//!   with a password, whether the message carries or proves it ([`check`]); a pasted
//!   SCRAM exchange has every value recomputed ([`scram_check`]).
//!
//! Bad input never panics: it yields a [`CalcError`] that says what is wrong, or, when
//! the octets decode but do not fit the mechanism, a result listing the problems.

pub(crate) mod check;
pub mod decode;
pub mod encode;
mod nonce;
pub mod scram_check;

use core::fmt;
use serde::Serialize;

pub use check::{CramCheck, DigestCheck, DigestPart, Outcome, Verdict};
pub use decode::{decode, DecodeRequest, DecodeResult, Field, Interpretation};
pub use encode::{encode, EncodeRequest, EncodeResult};
pub use nonce::{client_nonce, CNONCE_RANDOM_OCTETS};
pub use scram_check::{ScramCheck, ScramPart};

use super::base64::{self, Base64Error};
use super::trace::{Octets, Side};
use super::Mechanism;

/// Longest input the calculator looks at (four times the AUTH line limit).
pub const MAX_INPUT: usize = 4 * crate::protocol::MAX_AUTH_LINE;

/// One line of the exchange the calculator shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WireLine {
    /// Who sends it.
    pub from: Side,
    /// The line without CRLF.
    pub line: String,
    /// The octets inside the base64, when there are any.
    pub decoded: Option<Octets>,
}

impl WireLine {
    fn client(line: String, octets: Option<&[u8]>) -> Self {
        Self {
            from: Side::Client,
            line,
            decoded: octets.map(Octets::new),
        }
    }

    fn server_challenge(octets: &[u8]) -> Self {
        Self {
            from: Side::Server,
            line: format!("334 {}", base64::encode(octets)),
            decoded: Some(Octets::new(octets)),
        }
    }
}

/// Input the calculator cannot work with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "camelCase")]
pub enum CalcError {
    /// Nothing to decode.
    EmptyInput,
    /// More than [`MAX_INPUT`] characters.
    TooLong {
        /// How long it was.
        length: usize,
    },
    /// The data part is not base64.
    NotBase64 {
        /// Which field or word.
        what: String,
        /// Why.
        error: Base64Error,
    },
    /// A mechanism name the playground does not implement.
    UnknownMechanism {
        /// The name.
        name: String,
    },
    /// An `AUTH <mech>` line without data.
    NoData {
        /// The mechanism on the line.
        mechanism: String,
    },
    /// A field the mechanism needs is missing or empty.
    Missing {
        /// Field name.
        field: &'static str,
        /// Why it is needed.
        why: &'static str,
    },
    /// The mechanism refused the input (e.g. a malformed DIGEST-MD5 challenge).
    Refused {
        /// What was wrong.
        explanation: String,
    },
}

impl fmt::Display for CalcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyInput => write!(f, "the input is empty: paste a base64 string or an AUTH line"),
            Self::TooLong { length } => write!(f, "the input is {length} characters; at most {MAX_INPUT} are examined"),
            Self::NotBase64 { what, error } => write!(f, "{what} is not base64: {error}"),
            Self::UnknownMechanism { name } => {
                let known: Vec<&str> = Mechanism::ALL.iter().map(|m| m.name()).collect();
                write!(f, "\"{name}\" is not one of {}", known.join(", "))
            }
            Self::NoData { mechanism } => write!(f, "\"AUTH {mechanism}\" carries no initial response, so there is nothing to decode; paste the next line of the log"),
            Self::Missing { field, why } => write!(f, "{field} is needed: {why}"),
            Self::Refused { explanation } => f.write_str(explanation),
        }
    }
}

fn mechanism_named(name: &str) -> Result<Mechanism, CalcError> {
    Mechanism::parse(name.trim()).ok_or_else(|| CalcError::UnknownMechanism {
        name: name.trim().to_owned(),
    })
}

fn check_length(text: &str) -> Result<(), CalcError> {
    if text.len() > MAX_INPUT {
        return Err(CalcError::TooLong { length: text.len() });
    }
    Ok(())
}

/// Strips log decorations: swaks arrows, `C:`/`S:`, surrounding whitespace and CRLF.
fn strip_log_prefix(line: &str) -> &str {
    let mut text = line.trim();
    for prefix in ["<**", "<~", "~>", "->", "<-", "C:", "S:", "c:", "s:"] {
        if let Some(rest) = text.strip_prefix(prefix) {
            text = rest.trim_start();
            break;
        }
    }
    text
}

/// A challenge given as text or base64 (optionally with `334 `) → its octets.
fn challenge_octets(text: &str) -> Result<(Vec<u8>, &'static str), CalcError> {
    check_length(text)?;
    let stripped = strip_log_prefix(text);
    let data = stripped.strip_prefix("334 ").unwrap_or(stripped).trim();
    match base64::decode(data) {
        Ok(octets) if !data.is_empty() => Ok((octets, "decoded from base64")),
        _ => Ok((data.as_bytes().to_vec(), "taken as text (it is not base64)")),
    }
}

fn required_field<'a>(
    value: &'a Option<String>,
    field: &'static str,
    why: &'static str,
) -> Result<&'a str, CalcError> {
    value
        .as_deref()
        .filter(|v| !v.is_empty())
        .ok_or(CalcError::Missing { field, why })
}
