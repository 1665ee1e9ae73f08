//! Problems with a spec, found before anything is sent: the client never puts a value
//! on the wire that could break the protocol (a CR, LF or NUL could inject a command or
//! a header line), so such values are refused locally with a clear reason.

use super::sasl_exchange::AuthChoiceError;
use crate::protocol::path::PathError;

/// A problem with the spec, found before anything is sent. Each variant names the
/// field at fault, so a form can point at it; `Display` gives the sentence shown to
/// the user.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SpecError {
    /// `chunkSize` is 0 or larger than [`super::spec::MAX_CHUNK_SIZE`].
    ChunkSize {
        /// The size given.
        given: u32,
    },
    /// A value holds CR, LF or NUL, which could inject commands or header lines.
    LineBreak {
        /// The field, in words ("the Subject header", "raw line 2").
        field: String,
        /// The offending octet.
        octet: u8,
    },
    /// The name for EHLO/HELO is not a domain or address literal.
    ClientHostname {
        /// The name given.
        name: String,
        /// Why it does not parse.
        problem: PathError,
    },
    /// A From, To, Cc or Bcc entry is not a mailbox.
    Address {
        /// "From" or "recipient".
        role: String,
        /// The entry as given (trimmed).
        text: String,
        /// Why it does not parse.
        problem: PathError,
    },
    /// A display name holds a control character.
    DisplayName {
        /// "From" or "recipient".
        role: String,
        /// The entry as given.
        text: String,
        /// The control character.
        character: char,
    },
    /// No To, Cc or Bcc address.
    NoRecipient,
    /// More raw lines than a spec may carry.
    TooManyRawLines {
        /// The most allowed.
        max: usize,
    },
    /// One raw line is too long.
    RawLineTooLong {
        /// Its number, from 1.
        line: usize,
        /// Its length in octets.
        octets: usize,
        /// The most allowed.
        max: usize,
    },
    /// An AUTH field is longer than any real account needs.
    AuthFieldTooLong {
        /// The field's JSON name (`user`, `password`, …).
        field: &'static str,
        /// The most allowed, in octets.
        max: usize,
    },
    /// The AUTH mechanism is not one the client implements.
    UnknownMechanism {
        /// The name given.
        name: String,
    },
    /// The given Message-ID is not `id@domain` in printable ASCII.
    MessageId {
        /// The value given.
        given: String,
    },
    /// An extra header's name is empty, too long, or not printable ASCII without `:`.
    HeaderName {
        /// The name given.
        name: String,
    },
    /// An extra header the engine writes itself (From, To, Subject, …).
    ReservedHeader {
        /// The name given.
        name: String,
    },
    /// An address, Date or Message-ID header holds a non-ASCII character.
    NonAsciiHeader {
        /// The header.
        name: String,
        /// The first character that needs SMTPUTF8.
        character: char,
    },
    /// A header holds a word too long to fold.
    UnfoldableHeader {
        /// The header.
        name: String,
        /// The longest line allowed.
        max: usize,
    },
    /// A relayed message's envelope sender is not a reverse-path.
    EnvelopeSender {
        /// The sender as stored.
        text: String,
        /// Why it does not parse.
        problem: PathError,
    },
    /// A relayed message without recipients.
    RelayWithoutRecipient,
    /// A relay client with no message.
    NothingToRelay,
    /// The DSN envelope id is empty, not printable ASCII, or too long once encoded.
    EnvelopeId {
        /// The value given.
        given: String,
        /// The most xtext characters allowed (RFC 3461 §4.4).
        max: usize,
    },
}

impl core::fmt::Display for SpecError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::ChunkSize { given } => write!(
                f,
                "chunkSize {given}: a BDAT chunk must be 1 to {} octets (RFC 3030 §2)",
                super::spec::MAX_CHUNK_SIZE
            ),
            Self::LineBreak { field, octet } => write!(
                f,
                "{field} contains {} (0x{octet:02X}); refused before sending: a line break or NUL \
                 in it could inject commands or header lines (RFC 5321 §2.3.8, §4.1.1)",
                octet_name(*octet)
            ),
            Self::ClientHostname { name, problem } => {
                write!(f, "client hostname '{name}': {problem}")
            }
            Self::Address {
                role,
                text,
                problem,
            } => match at_sign_problem(text) {
                Some(plain) => write!(
                    f,
                    "{role} address '{text}': {plain}; expected name@domain ({problem})"
                ),
                None => write!(f, "{role} address '{text}': {problem}"),
            },
            Self::DisplayName {
                role,
                text,
                character,
            } => write!(
                f,
                "{role} address '{text}': the display name holds the control character '{}'",
                character.escape_debug()
            ),
            Self::NoRecipient => f.write_str("at least one recipient (To, Cc or Bcc) is needed"),
            Self::TooManyRawLines { max } => write!(f, "at most {max} raw lines"),
            Self::RawLineTooLong { line, octets, max } => {
                write!(f, "raw line {line} is {octets} octets; at most {max}")
            }
            Self::AuthFieldTooLong { field, max } => {
                write!(f, "auth.{field} is longer than {max} octets")
            }
            Self::UnknownMechanism { name } => {
                let unknown = AuthChoiceError::UnknownMechanism { name: name.clone() };
                write!(f, "{unknown}")
            }
            Self::MessageId { given } => write!(
                f,
                "Message-ID '{}' must look like id@domain: printable ASCII, no spaces, at most 250 \
                 characters (RFC 5322 §3.6.4)",
                given.escape_debug()
            ),
            Self::HeaderName { name } => write!(
                f,
                "header name '{}' must be 1–76 printable ASCII characters without ':' (RFC 5322 §2.2)",
                name.escape_debug()
            ),
            Self::ReservedHeader { name } => write!(
                f,
                "header '{name}' is written by the engine; set it through the message's own field"
            ),
            Self::NonAsciiHeader { name, character } => write!(
                f,
                "the {name} header contains '{}', which it cannot carry: only the address \
                 fields and Subject of a message with a UTF-8 address (sent with SMTPUTF8, \
                 RFC 6532 §3.2) hold UTF-8, and no header holds a control character",
                character.escape_debug()
            ),
            Self::UnfoldableHeader { name, max } => write!(
                f,
                "the {name} header has a word too long to fold under {max} octets per line \
                 (RFC 5322 §2.1.1)"
            ),
            Self::EnvelopeSender { text, problem } => {
                write!(f, "envelope sender '{text}': {problem}")
            }
            Self::RelayWithoutRecipient => f.write_str("a relayed message needs a recipient"),
            Self::NothingToRelay => f.write_str("there is no message to relay"),
            Self::EnvelopeId { given, max } => write!(
                f,
                "the DSN envelope id {given:?} must be printable ASCII, at most {max} characters \
                 once xtext-encoded (RFC 3461 §4.4)"
            ),
        }
    }
}

impl std::error::Error for SpecError {}

/// The commonest address slip in plain words, for people who do not read the RFC
/// grammar: a mailbox has exactly one `@` outside its quoted local-part.
fn at_sign_problem(text: &str) -> Option<&'static str> {
    let address = text
        .rsplit_once('<')
        .map_or(text, |(_, inner)| inner.trim_end_matches('>'));
    if address.starts_with('"') {
        return None;
    }
    match address.matches('@').count() {
        0 => Some("no @ sign"),
        1 => None,
        2 => Some("two @ signs"),
        _ => Some("more than one @ sign"),
    }
}

fn octet_name(octet: u8) -> &'static str {
    match octet {
        b'\r' => "CR",
        b'\n' => "LF",
        _ => "NUL",
    }
}

/// Refuses `value` when it holds CR, LF or NUL, naming the field and the octet.
pub(crate) fn reject_line_breaks(what: &str, value: &str) -> Result<(), SpecError> {
    match value.bytes().find(|b| matches!(b, b'\r' | b'\n' | 0)) {
        None => Ok(()),
        Some(octet) => Err(SpecError::LineBreak {
            field: what.to_owned(),
            octet,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_offending_octet() {
        assert!(reject_line_breaks("x", "fine\ttab").is_ok());
        let error = reject_line_breaks("the Subject", "a\r\nRCPT TO:<x@y>").unwrap_err();
        assert_eq!(
            error,
            SpecError::LineBreak {
                field: "the Subject".into(),
                octet: b'\r'
            }
        );
        assert!(
            error
                .to_string()
                .starts_with("the Subject contains CR (0x0D)"),
            "{error}"
        );
        assert!(reject_line_breaks("x", "a\nb")
            .unwrap_err()
            .to_string()
            .contains("LF"));
        assert!(reject_line_breaks("x", "a\0b")
            .unwrap_err()
            .to_string()
            .contains("NUL (0x00)"));
    }

    #[test]
    fn says_an_at_sign_slip_in_plain_words() {
        let error = |text: &str| SpecError::Address {
            role: "recipient".into(),
            text: text.into(),
            problem: PathError::Syntax("a domain"),
        };
        let two = error("bob@@example").to_string();
        assert!(
            two.starts_with("recipient address 'bob@@example': two @ signs; expected name@domain"),
            "{two}"
        );
        assert!(error("Bob <bob>").to_string().contains(": no @ sign;"));
        assert!(!error("bob@exa mple").to_string().contains("@ sign"));
        assert!(!error("\"a@b\"@example").to_string().contains("@ sign"));
    }
}
