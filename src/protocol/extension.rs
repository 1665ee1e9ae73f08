//! ESMTP service extensions as advertised in the EHLO reply (RFC 5321 §4.1.1.1). The
//! server writes them with `Display`; the client parses them back into a capability set.

use core::fmt;
use serde::Serialize;

/// One EHLO keyword line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "keyword", content = "value", rename_all = "camelCase")]
pub enum Extension {
    /// RFC 2920.
    Pipelining,
    /// RFC 1870; `None` means "SIZE" with no limit announced.
    Size(Option<u64>),
    /// VRFY is answered (RFC 5321 §3.5).
    Vrfy,
    /// RFC 1985.
    Etrn,
    /// RFC 3207.
    StartTls,
    /// RFC 4954: the SASL mechanisms offered.
    Auth(Vec<String>),
    /// RFC 2034.
    EnhancedStatusCodes,
    /// RFC 6152.
    EightBitMime,
    /// RFC 3461.
    Dsn,
    /// RFC 6531.
    SmtpUtf8,
    /// RFC 3030.
    Chunking,
    /// RFC 3030 §3: `BODY=BINARYMIME`, only with BDAT.
    BinaryMime,
    /// RFC 2645.
    Atrn,
    /// Anything else, kept as sent.
    Other {
        /// The keyword, upper-cased.
        keyword: String,
        /// Its parameters.
        parameters: Vec<String>,
    },
}

impl Extension {
    /// The EHLO keyword.
    pub fn keyword(&self) -> &str {
        match self {
            Self::Pipelining => "PIPELINING",
            Self::Size(_) => "SIZE",
            Self::Vrfy => "VRFY",
            Self::Etrn => "ETRN",
            Self::StartTls => "STARTTLS",
            Self::Auth(_) => "AUTH",
            Self::EnhancedStatusCodes => "ENHANCEDSTATUSCODES",
            Self::EightBitMime => "8BITMIME",
            Self::Dsn => "DSN",
            Self::SmtpUtf8 => "SMTPUTF8",
            Self::Chunking => "CHUNKING",
            Self::BinaryMime => "BINARYMIME",
            Self::Atrn => "ATRN",
            Self::Other { keyword, .. } => keyword,
        }
    }

    /// The RFC that defines it.
    pub fn rfc(&self) -> &'static str {
        match self {
            Self::Pipelining => "RFC 2920",
            Self::Size(_) => "RFC 1870",
            Self::Vrfy => "RFC 5321 §3.5",
            Self::Etrn => "RFC 1985",
            Self::StartTls => "RFC 3207",
            Self::Auth(_) => "RFC 4954",
            Self::EnhancedStatusCodes => "RFC 2034",
            Self::EightBitMime => "RFC 6152",
            Self::Dsn => "RFC 3461",
            Self::SmtpUtf8 => "RFC 6531",
            Self::Chunking => "RFC 3030 §2",
            Self::BinaryMime => "RFC 3030 §3",
            Self::Atrn => "RFC 2645",
            Self::Other { .. } => "RFC 5321 §4.1.1.1",
        }
    }

    /// What the extension lets a client do, for a learner reading the EHLO reply.
    pub fn explanation(&self) -> String {
        match self {
            Self::Pipelining => "The client may send several commands (MAIL, RCPT…, DATA) in one \
                write without waiting for each reply; the replies come back in the same order."
                .into(),
            Self::Size(Some(limit)) => format!(
                "The largest message the server takes: {limit} octets. A client declares its \
                 message's size with SIZE= on MAIL FROM, so a message that is too large is \
                 refused before its text is sent."
            ),
            Self::Size(None) => {
                "The server takes SIZE= on MAIL FROM but announces no size limit.".into()
            }
            Self::Vrfy => "The server answers VRFY, which asks whether a mailbox exists.".into(),
            Self::Etrn => "A client may ask the server to deliver the mail queued for its domain \
                now (ETRN domain), over a new connection the server opens."
                .into(),
            Self::StartTls => {
                "The client may switch this connection to TLS before going on.".into()
            }
            Self::Auth(mechanisms) => format!(
                "The SASL mechanisms offered for logging in with AUTH: {}. The client picks one \
                 it knows.",
                mechanisms.join(", ")
            ),
            Self::EnhancedStatusCodes => "Replies carry a finer, second code after the reply code \
                (such as 2.1.0 or 5.7.8) that says exactly what happened."
                .into(),
            Self::EightBitMime => "The server takes message text with 8-bit octets when MAIL FROM \
                declares BODY=8BITMIME."
                .into(),
            Self::Dsn => "The client may ask for delivery status notifications (NOTIFY=, RET=, \
                ENVID=)."
                .into(),
            Self::SmtpUtf8 => "Addresses and header fields may be UTF-8 when MAIL FROM says \
                SMTPUTF8."
                .into(),
            Self::Chunking => "The client may send the message in BDAT chunks instead of DATA: \
                each BDAT line says how many octets follow, so there is no dot-stuffing and no \
                end-of-data line."
                .into(),
            Self::BinaryMime => "The client may declare BODY=BINARYMIME on MAIL FROM and send a \
                body of any octets, without line structure; such a message goes only with BDAT."
                .into(),
            Self::Atrn => "An authenticated client may collect its domains' queued mail on this \
                same connection: ATRN reverses the roles."
                .into(),
            Self::Other { keyword, .. } => format!(
                "{keyword}: an extension this engine does not know; a client that does not know \
                 an extension ignores it."
            ),
        }
    }

    /// Why a MAIL FROM parameter is on the line: which offered extension allows it and
    /// what it tells the server. `None` for a keyword no extension here defines.
    pub(crate) fn mail_parameter_note(
        keyword: &str,
        value: Option<&str>,
    ) -> Option<(String, &'static str)> {
        let value = value.unwrap_or_default();
        let note = match keyword.to_ascii_uppercase().as_str() {
            "SIZE" => (
                format!(
                    "SIZE={value}: the message's size in octets, declared because the server \
                     offered SIZE; it can refuse a message that is too large before the text \
                     is sent."
                ),
                "RFC 1870 §3",
            ),
            "BODY" if value.eq_ignore_ascii_case("BINARYMIME") => (
                "BODY=BINARYMIME: the body is binary (any octets, no line limit), declared \
                 because the server offered BINARYMIME; it can only go in BDAT chunks."
                    .into(),
                "RFC 3030 §3",
            ),
            "BODY" => (
                format!(
                    "BODY={value}: the body's type, declared because the server offered \
                     8BITMIME; 8BITMIME means the text holds 8-bit octets."
                ),
                "RFC 6152 §2",
            ),
            "AUTH" => (
                format!(
                    "AUTH={value}: who submits the message, allowed because the server offered \
                     AUTH; <> means the client does not say."
                ),
                "RFC 4954 §5",
            ),
            "RET" | "ENVID" => (
                format!("{keyword}={value}: a delivery status notification option (DSN)."),
                "RFC 3461 §4",
            ),
            "SMTPUTF8" => (
                "SMTPUTF8: addresses or headers in this message are UTF-8.".into(),
                "RFC 6531 §3.4",
            ),
            _ => return None,
        };
        Some(note)
    }

    /// Parses one EHLO line after the first (the text after `250-`/`250 `). Keywords
    /// are case-insensitive; old servers sent `AUTH=LOGIN PLAIN`, which is read as AUTH.
    pub fn parse(line: &str) -> Option<Self> {
        let mut words = line.split([' ', '=']).filter(|w| !w.is_empty());
        let keyword = words.next()?.to_ascii_uppercase();
        let parameters: Vec<String> = words.map(str::to_owned).collect();
        Some(match keyword.as_str() {
            "PIPELINING" => Self::Pipelining,
            "SIZE" => Self::Size(
                parameters
                    .first()
                    .and_then(|p| p.parse().ok())
                    .filter(|n| *n > 0),
            ),
            "VRFY" => Self::Vrfy,
            "ETRN" => Self::Etrn,
            "STARTTLS" => Self::StartTls,
            "AUTH" => Self::Auth(parameters.iter().map(|p| p.to_ascii_uppercase()).collect()),
            "ENHANCEDSTATUSCODES" => Self::EnhancedStatusCodes,
            "8BITMIME" => Self::EightBitMime,
            "DSN" => Self::Dsn,
            "SMTPUTF8" => Self::SmtpUtf8,
            "CHUNKING" => Self::Chunking,
            "BINARYMIME" => Self::BinaryMime,
            "ATRN" => Self::Atrn,
            _ => Self::Other {
                keyword,
                parameters,
            },
        })
    }
}

impl fmt::Display for Extension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())?;
        match self {
            Self::Size(Some(limit)) => write!(f, " {limit}"),
            Self::Auth(mechanisms) => write!(f, " {}", mechanisms.join(" ")),
            Self::Other { parameters, .. } if !parameters.is_empty() => {
                write!(f, " {}", parameters.join(" "))
            }
            _ => Ok(()),
        }
    }
}

/// What a server offered, as the client understood it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    /// Every extension, in the order offered.
    pub extensions: Vec<Extension>,
}

impl Capabilities {
    /// Parses the lines after the first of an EHLO reply. Duplicate AUTH lines (`AUTH`
    /// and the old `AUTH=`) are merged.
    pub fn from_ehlo_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> Self {
        let mut capabilities = Self::default();
        for extension in lines.into_iter().filter_map(Extension::parse) {
            capabilities.add(extension);
        }
        capabilities
    }

    fn add(&mut self, extension: Extension) {
        if let Extension::Auth(new) = &extension {
            if let Some(Extension::Auth(existing)) = self
                .extensions
                .iter_mut()
                .find(|e| matches!(e, Extension::Auth(_)))
            {
                for mechanism in new {
                    if !existing.contains(mechanism) {
                        existing.push(mechanism.clone());
                    }
                }
                return;
            }
        }
        self.extensions.push(extension);
    }

    /// True if the keyword was offered.
    pub fn has(&self, keyword: &str) -> bool {
        self.extensions
            .iter()
            .any(|e| e.keyword().eq_ignore_ascii_case(keyword))
    }

    /// The SIZE extension: `None` if not offered, `Some(None)` if offered without limit.
    pub fn size(&self) -> Option<Option<u64>> {
        self.extensions.iter().find_map(|e| match e {
            Extension::Size(limit) => Some(*limit),
            _ => None,
        })
    }

    /// The AUTH mechanisms offered, upper-cased.
    pub fn auth_mechanisms(&self) -> &[String] {
        self.extensions
            .iter()
            .find_map(|e| match e {
                Extension::Auth(mechanisms) => Some(mechanisms.as_slice()),
                _ => None,
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_postfix_style_lines() {
        let caps = Capabilities::from_ehlo_lines([
            "PIPELINING",
            "SIZE 10240000",
            "AUTH PLAIN LOGIN",
            "AUTH=PLAIN LOGIN CRAM-MD5",
            "enhancedstatuscodes",
            "8BITMIME",
            "X-EXPS GSSAPI",
        ]);
        assert!(caps.has("PIPELINING"));
        assert!(caps.has("ENHANCEDSTATUSCODES"));
        assert_eq!(caps.size(), Some(Some(10_240_000)));
        assert_eq!(caps.auth_mechanisms(), ["PLAIN", "LOGIN", "CRAM-MD5"]);
        assert!(caps.has("X-EXPS"));
    }

    #[test]
    fn size_without_number_means_no_announced_limit() {
        assert_eq!(Capabilities::from_ehlo_lines(["SIZE"]).size(), Some(None));
        assert_eq!(Capabilities::from_ehlo_lines(["SIZE 0"]).size(), Some(None));
        assert_eq!(Extension::Size(None).to_string(), "SIZE");
    }

    #[test]
    fn every_extension_line_explains_itself() {
        let pipelining = Extension::parse("PIPELINING").map(|e| e.explanation());
        assert!(pipelining.is_some_and(|text| text.contains("without waiting")));
        let size = Extension::parse("SIZE 10240000").map(|e| (e.explanation(), e.rfc()));
        assert!(size.is_some_and(|(text, rfc)| text.contains("10240000") && rfc == "RFC 1870"));
        let auth = Extension::parse("AUTH PLAIN LOGIN").map(|e| e.explanation());
        assert!(auth.is_some_and(|text| text.contains("PLAIN, LOGIN")));
    }

    #[test]
    fn mail_parameters_say_which_extension_allows_them() {
        let size = Extension::mail_parameter_note("size", Some("389"));
        assert!(size.is_some_and(|(text, rfc)| text.contains("SIZE=389")
            && text.contains("offered SIZE")
            && rfc == "RFC 1870 §3"));
        assert_eq!(Extension::mail_parameter_note("X-FOO", None), None);
    }

    #[test]
    fn display_matches_wire_form() {
        assert_eq!(Extension::Size(Some(1000)).to_string(), "SIZE 1000");
        let auth = Extension::Auth(vec!["PLAIN".into(), "CRAM-MD5".into()]);
        assert_eq!(auth.to_string(), "AUTH PLAIN CRAM-MD5");
    }
}
