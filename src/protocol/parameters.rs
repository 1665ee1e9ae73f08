//! The MAIL FROM and RCPT TO parameters this engine knows, read into typed values:
//! `SIZE=` (RFC 1870), `BODY=` (RFC 6152, RFC 3030 §3), `AUTH=` (RFC 4954 §5),
//! `SMTPUTF8` (RFC 6531 §3.4), and DSN's `RET=`, `ENVID=`, `NOTIFY=`, `ORCPT=` (RFC 3461,
//! read in [`crate::dsn::parameters`]). Which keywords are allowed depends on what the
//! server advertised, so the caller says which extensions are on.

use serde::Serialize;

use super::codes::ReplyKind;
use super::command::Parameter;
use crate::dsn::parameters::{MailDsn, RcptDsn};

/// Most digits a `SIZE=` value may have (RFC 1870 §3: `1*20DIGIT`).
pub const MAX_SIZE_DIGITS: usize = 20;

/// The declared body type (RFC 6152 §2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Body {
    /// `BODY=7BIT`, also what a message without `BODY=` is.
    #[default]
    SevenBit,
    /// `BODY=8BITMIME`.
    EightBitMime,
    /// `BODY=BINARYMIME` (RFC 3030 §3): any octets, sent only with BDAT.
    BinaryMime,
}

/// A `SIZE=` value: a number, or "more than any u64" (20 digits can exceed u64, and
/// such a value is too big, never a wrapped small one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DeclaredSize {
    /// The octet count the client declared.
    Octets(u64),
    /// Larger than 18446744073709551615.
    BeyondU64,
}

impl DeclaredSize {
    /// True when over `limit`.
    pub fn exceeds(self, limit: u64) -> bool {
        match self {
            Self::Octets(octets) => octets > limit,
            Self::BeyondU64 => true,
        }
    }
}

/// Which parameter extensions the server offered in this session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OfferedParameters {
    /// SIZE was advertised.
    pub size: bool,
    /// 8BITMIME was advertised.
    pub eight_bit_mime: bool,
    /// SMTPUTF8 was advertised.
    pub smtputf8: bool,
    /// BINARYMIME was advertised (RFC 3030 §3).
    pub binary_mime: bool,
    /// DSN was advertised.
    pub dsn: bool,
}

/// The MAIL FROM parameters, read and checked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MailParameters {
    /// `SIZE=`, if given.
    pub size: Option<DeclaredSize>,
    /// `BODY=`, if given.
    pub body: Option<Body>,
    /// `AUTH=` exactly as sent (xtext, RFC 4954 §5); decoded by the AUTH code.
    pub auth: Option<String>,
    /// `SMTPUTF8` was given: addresses and header fields may be UTF-8 (RFC 6531 §3.4).
    pub smtputf8: bool,
    /// `RET=` and `ENVID=` (RFC 3461).
    pub dsn: MailDsn,
}

/// A parameter that cannot be accepted, with the reply it earns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParameterError {
    /// 501 (syntax, repeated) or 555 (not recognised or not offered).
    pub reply: ReplyKind,
    /// What was wrong, for the reply text.
    pub detail: String,
}

impl ParameterError {
    fn syntax(detail: String) -> Self {
        Self {
            reply: ReplyKind::SyntaxError,
            detail,
        }
    }

    fn unknown(detail: String) -> Self {
        Self {
            reply: ReplyKind::UnknownParameter,
            detail,
        }
    }
}

impl MailParameters {
    /// Reads MAIL FROM's parameters. A keyword the server did not advertise is unknown
    /// (555, RFC 5321 §4.1.1.11); a malformed or repeated one is a syntax error (501).
    pub fn parse<S: AsRef<str>>(
        parameters: &[Parameter<S>],
        offered: OfferedParameters,
    ) -> Result<Self, ParameterError> {
        let mut read = Self::default();
        for parameter in parameters {
            read.add(
                parameter.keyword.as_ref(),
                parameter.value.as_ref(),
                offered,
            )?;
        }
        Ok(read)
    }

    /// Reads one parameter; the keyword in any case (a borrowed command keeps it as sent).
    fn add<S: AsRef<str>>(
        &mut self,
        keyword: &str,
        value: Option<&S>,
        offered: OfferedParameters,
    ) -> Result<(), ParameterError> {
        let value = value.map(AsRef::as_ref);
        let is = |name: &str| keyword.eq_ignore_ascii_case(name);
        if is("SIZE") && offered.size {
            ensure_once(self.size.is_some(), "SIZE")?;
            self.size = Some(parse_size(value)?);
        } else if is("BODY") && (offered.eight_bit_mime || offered.binary_mime) {
            ensure_once(self.body.is_some(), "BODY")?;
            self.body = Some(parse_body(value, offered)?);
        } else if is("AUTH") {
            ensure_once(self.auth.is_some(), "AUTH")?;
            let value = value.ok_or_else(|| {
                ParameterError::syntax("AUTH= needs a value: an xtext mailbox or <>".into())
            })?;
            self.auth = Some(value.to_owned());
        } else if is("SMTPUTF8") && offered.smtputf8 {
            ensure_once(self.smtputf8, "SMTPUTF8")?;
            if value.is_some() {
                return Err(ParameterError::syntax(
                    "SMTPUTF8 takes no value (RFC 6531 §3.4)".into(),
                ));
            }
            self.smtputf8 = true;
        } else if MailDsn::knows(keyword) && offered.dsn {
            self.dsn
                .add(keyword, value)
                .map_err(ParameterError::syntax)?;
        } else if is("SIZE") || is("BODY") || is("SMTPUTF8") || MailDsn::knows(keyword) {
            return Err(not_offered(if is("SIZE") {
                "SIZE"
            } else if is("BODY") {
                "8BITMIME"
            } else if is("SMTPUTF8") {
                "SMTPUTF8"
            } else {
                "DSN"
            }));
        } else {
            return Err(unsupported(keyword));
        }
        Ok(())
    }
}

/// The RCPT TO parameters, read and checked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RcptParameters {
    /// `NOTIFY=` and `ORCPT=` (RFC 3461).
    pub dsn: RcptDsn,
}

impl RcptParameters {
    /// Reads RCPT TO's parameters: only DSN's, and only when DSN was offered (else 555,
    /// RFC 5321 §4.1.1.11); a malformed or repeated one is a syntax error (501).
    pub fn parse<S: AsRef<str>>(
        parameters: &[Parameter<S>],
        offered: OfferedParameters,
    ) -> Result<Self, ParameterError> {
        let mut read = Self::default();
        for parameter in parameters {
            let keyword = parameter.keyword.as_ref();
            let value = parameter.value.as_ref().map(AsRef::as_ref);
            if RcptDsn::knows(keyword) && offered.dsn {
                read.dsn
                    .add(keyword, value)
                    .map_err(ParameterError::syntax)?;
            } else if RcptDsn::knows(keyword) {
                return Err(not_offered("DSN"));
            } else {
                return Err(unsupported(keyword));
            }
        }
        Ok(read)
    }
}

fn not_offered(extension: &str) -> ParameterError {
    ParameterError::unknown(format!(
        "{extension} was not offered in the EHLO reply, so its parameter is not accepted"
    ))
}

fn unsupported(keyword: &str) -> ParameterError {
    ParameterError::unknown(format!(
        "Unsupported parameter {}",
        keyword.get(..32).unwrap_or(keyword).to_ascii_uppercase()
    ))
}

fn ensure_once(seen: bool, keyword: &str) -> Result<(), ParameterError> {
    if seen {
        Err(ParameterError::syntax(format!(
            "{keyword}= given twice; each parameter may appear once"
        )))
    } else {
        Ok(())
    }
}

/// `size-value ::= 1*20DIGIT` (RFC 1870 §3), read with checked arithmetic.
fn parse_size(value: Option<&str>) -> Result<DeclaredSize, ParameterError> {
    let digits = value.unwrap_or_default();
    if digits.is_empty()
        || digits.len() > MAX_SIZE_DIGITS
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(ParameterError::syntax(format!(
            "SIZE= must be 1 to {MAX_SIZE_DIGITS} digits (RFC 1870 §3)"
        )));
    }
    let octets = digits.bytes().try_fold(0u64, |total, digit| {
        total
            .checked_mul(10)
            .and_then(|t| t.checked_add(u64::from(digit - b'0')))
    });
    Ok(octets.map_or(DeclaredSize::BeyondU64, DeclaredSize::Octets))
}

/// The body values the offered extensions allow: 7BIT always, 8BITMIME with 8BITMIME
/// (RFC 6152 §2), BINARYMIME with BINARYMIME (RFC 3030 §3).
fn parse_body(value: Option<&str>, offered: OfferedParameters) -> Result<Body, ParameterError> {
    let value = value.unwrap_or_default();
    let is = |name: &str| value.eq_ignore_ascii_case(name);
    match () {
        () if is("7BIT") => Ok(Body::SevenBit),
        () if is("8BITMIME") && offered.eight_bit_mime => Ok(Body::EightBitMime),
        () if is("BINARYMIME") && offered.binary_mime => Ok(Body::BinaryMime),
        () => {
            let mut allowed = vec!["7BIT"];
            if offered.eight_bit_mime {
                allowed.push("8BITMIME");
            }
            if offered.binary_mime {
                allowed.push("BINARYMIME");
            }
            Err(ParameterError::syntax(format!(
                "BODY= must be {} as offered (RFC 6152 §2, RFC 3030 §3)",
                allowed.join(" or ")
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: OfferedParameters = OfferedParameters {
        size: true,
        eight_bit_mime: true,
        smtputf8: true,
        binary_mime: false,
        dsn: true,
    };

    fn param(keyword: &str, value: &str) -> Parameter {
        Parameter::new(keyword, value)
    }

    #[test]
    fn reads_size_body_and_auth() {
        let read = MailParameters::parse(
            &[
                param("SIZE", "1000"),
                param("BODY", "8bitmime"),
                param("AUTH", "<>"),
            ],
            ALL,
        )
        .unwrap();
        assert_eq!(read.size, Some(DeclaredSize::Octets(1000)));
        assert_eq!(read.body, Some(Body::EightBitMime));
        assert_eq!(read.auth.as_deref(), Some("<>"));
    }

    #[test]
    fn binarymime_only_when_offered() {
        let binary = OfferedParameters {
            binary_mime: true,
            ..ALL
        };
        let read = MailParameters::parse(&[param("BODY", "binarymime")], binary).unwrap();
        assert_eq!(read.body, Some(Body::BinaryMime));
        let refused = MailParameters::parse(&[param("BODY", "BINARYMIME")], ALL);
        assert_eq!(refused.map_err(|e| e.reply), Err(ReplyKind::SyntaxError));
    }

    #[test]
    fn size_beyond_u64_is_too_big_not_wrapped() {
        let read = MailParameters::parse(&[param("SIZE", "99999999999999999999")], ALL).unwrap();
        assert_eq!(read.size, Some(DeclaredSize::BeyondU64));
        assert!(DeclaredSize::BeyondU64.exceeds(u64::MAX));
        let max = MailParameters::parse(&[param("SIZE", "18446744073709551615")], ALL).unwrap();
        assert_eq!(max.size, Some(DeclaredSize::Octets(u64::MAX)));
    }

    #[test]
    fn smtputf8_is_a_flag_given_once_and_only_when_offered() {
        let flag = Parameter {
            keyword: "smtputf8".to_owned(),
            value: None,
        };
        let read = MailParameters::parse(core::slice::from_ref(&flag), ALL).unwrap();
        assert!(read.smtputf8);
        let cases: [(&[Parameter], OfferedParameters, ReplyKind); 3] = [
            (&[param("SMTPUTF8", "YES")], ALL, ReplyKind::SyntaxError),
            (&[flag.clone(), flag.clone()], ALL, ReplyKind::SyntaxError),
            (
                core::slice::from_ref(&flag),
                OfferedParameters {
                    smtputf8: false,
                    ..ALL
                },
                ReplyKind::UnknownParameter,
            ),
        ];
        for (parameters, offered, expected) in cases {
            let got = MailParameters::parse(parameters, offered).map_err(|e| e.reply);
            assert_eq!(got, Err(expected), "{parameters:?}");
        }
    }

    #[test]
    fn refusals_carry_their_reply() {
        let cases: [(&[Parameter], OfferedParameters, ReplyKind); 8] = [
            (
                &[param("SIZE", "123456789012345678901")],
                ALL,
                ReplyKind::SyntaxError,
            ),
            (&[param("SIZE", "12a")], ALL, ReplyKind::SyntaxError),
            (
                &[param("SIZE", "1"), param("SIZE", "2")],
                ALL,
                ReplyKind::SyntaxError,
            ),
            (&[param("BODY", "BINARYMIME")], ALL, ReplyKind::SyntaxError),
            (
                &[param("BODY", "7BIT"), param("BODY", "7BIT")],
                ALL,
                ReplyKind::SyntaxError,
            ),
            (
                &[param("BODY", "8BITMIME")],
                OfferedParameters {
                    eight_bit_mime: false,
                    ..ALL
                },
                ReplyKind::UnknownParameter,
            ),
            (
                &[param("SIZE", "1")],
                OfferedParameters { size: false, ..ALL },
                ReplyKind::UnknownParameter,
            ),
            (
                &[param("RET", "HDRS")],
                OfferedParameters { dsn: false, ..ALL },
                ReplyKind::UnknownParameter,
            ),
        ];
        for (parameters, offered, expected) in cases {
            let got = MailParameters::parse(parameters, offered).map_err(|e| e.reply);
            assert_eq!(got, Err(expected), "{parameters:?}");
        }
        let bare: Parameter = Parameter {
            keyword: "SIZE".into(),
            value: None,
        };
        assert_eq!(
            MailParameters::parse(&[bare], ALL).map_err(|e| e.reply),
            Err(ReplyKind::SyntaxError)
        );
    }
}
