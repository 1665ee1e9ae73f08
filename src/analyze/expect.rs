//! What each command waits for: the positive replies RFC 5321 §4.3.2 (and the AUTH and
//! STARTTLS RFCs) allow, and whether the client must wait for the reply before sending
//! more (the RFC 2920 §3.1 synchronisation points).

use crate::sasl::Mechanism;

/// A client line that waits for a reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sent {
    /// EHLO.
    Ehlo,
    /// HELO.
    Helo,
    /// MAIL.
    Mail,
    /// RCPT.
    Rcpt,
    /// DATA.
    Data,
    /// The `.` that ends the message text (or data a log did not show).
    EndOfData,
    /// `BDAT n [LAST]` with its chunk (RFC 3030 §2): answered once the chunk is read.
    Bdat {
        /// True for `BDAT … LAST`, whose reply ends the message.
        last: bool,
    },
    /// RSET.
    Rset,
    /// QUIT.
    Quit,
    /// AUTH with its mechanism (None when the name is not one the playground knows).
    Auth(Option<Mechanism>),
    /// A SASL response line after a 334.
    SaslResponse,
    /// STARTTLS.
    StartTls,
    /// Any other command, by verb.
    Other(&'static str),
    /// A line that is not a command the RFCs define.
    Unknown,
}

impl Sent {
    /// The name used in findings.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Ehlo => "EHLO",
            Self::Helo => "HELO",
            Self::Mail => "MAIL",
            Self::Rcpt => "RCPT",
            Self::Data => "DATA",
            Self::EndOfData => "the end of the message",
            Self::Bdat { .. } => "BDAT",
            Self::Rset => "RSET",
            Self::Quit => "QUIT",
            Self::Auth(_) => "AUTH",
            Self::SaslResponse => "the SASL response",
            Self::StartTls => "STARTTLS",
            Self::Other(verb) => verb,
            Self::Unknown => "the unknown command",
        }
    }

    /// The positive (2yz/3yz) codes this command may get, with the section that lists
    /// them; `None` when any reply goes.
    pub(crate) fn positive_codes(&self) -> Option<(&'static [u16], &'static str)> {
        let expected: (&'static [u16], &'static str) = match self {
            Self::Ehlo | Self::Helo => (&[250], "RFC 5321 §4.3.2"),
            Self::Mail | Self::Rset | Self::EndOfData => (&[250], "RFC 5321 §4.3.2"),
            Self::Rcpt => (&[250, 251], "RFC 5321 §4.3.2"),
            Self::Data => (&[354], "RFC 5321 §4.3.2"),
            Self::Quit => (&[221], "RFC 5321 §4.3.2"),
            Self::Bdat { .. } => (&[250], "RFC 3030 §2"),
            Self::Auth(_) | Self::SaslResponse => (&[235, 334], "RFC 4954 §6"),
            Self::StartTls => (&[220], "RFC 3207 §4"),
            Self::Other("NOOP") => (&[250], "RFC 5321 §4.3.2"),
            Self::Other("VRFY" | "EXPN") => (&[250, 251, 252], "RFC 5321 §4.3.2"),
            Self::Other("HELP") => (&[211, 214], "RFC 5321 §4.3.2"),
            Self::Other(_) | Self::Unknown => return None,
        };
        Some(expected)
    }

    /// True when RFC 2920 §3.1 (or RFC 4954 §4 / RFC 3207 §4 for AUTH and STARTTLS)
    /// makes the client wait for this command's reply before sending anything else.
    pub(crate) fn is_synchronisation_point(&self) -> bool {
        matches!(
            self,
            Self::Ehlo
                | Self::Helo
                | Self::Data
                | Self::Quit
                | Self::Auth(_)
                | Self::SaslResponse
                | Self::StartTls
                | Self::Other("NOOP" | "VRFY" | "EXPN" | "TURN" | "ATRN" | "ETRN")
        )
    }

    /// The section that names this synchronisation point.
    pub(crate) fn synchronisation_rfc(&self) -> &'static str {
        match self {
            Self::Auth(_) | Self::SaslResponse => "RFC 4954 §4",
            Self::StartTls => "RFC 3207 §4",
            _ => "RFC 2920 §3.1",
        }
    }
}

/// The EHLO keyword a MAIL or RCPT parameter needs (with its value: `BODY=BINARYMIME`
/// needs BINARYMIME, RFC 3030 §3), or `None` for one no extension here defines (then
/// any offered keyword of the same name is enough).
pub(crate) fn extension_for_parameter(keyword: &str, value: Option<&str>) -> Option<&'static str> {
    Some(match keyword.to_ascii_uppercase().as_str() {
        "SIZE" => "SIZE",
        "BODY" if value.is_some_and(|v| v.eq_ignore_ascii_case("BINARYMIME")) => "BINARYMIME",
        "BODY" => "8BITMIME",
        "SMTPUTF8" => "SMTPUTF8",
        "RET" | "ENVID" | "NOTIFY" | "ORCPT" => "DSN",
        "AUTH" => "AUTH",
        _ => return None,
    })
}

/// The RFC section that defines a parameter's extension.
pub(crate) fn parameter_rfc(extension: &str) -> &'static str {
    match extension {
        "SIZE" => "RFC 1870 §6",
        "8BITMIME" => "RFC 6152 §3",
        "BINARYMIME" => "RFC 3030 §3",
        "SMTPUTF8" => "RFC 6531 §3.4",
        "DSN" => "RFC 3461 §4",
        "AUTH" => "RFC 4954 §5",
        _ => "RFC 5321 §4.1.1.11",
    }
}
