//! SMTP replies: the three-digit code, the optional RFC 3463 enhanced code and the text
//! lines. This is the only place that turns a reply into wire text (and back).

use core::fmt::{self, Write as _};
use serde::Serialize;

/// A three-digit reply code (RFC 5321 §4.2). Always in `200..=599`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ReplyCode(u16);

/// The first digit of a reply code, which is all a client needs to decide what to do
/// next (RFC 5321 §4.2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ReplyClass {
    /// 2yz: the command was accepted.
    PositiveCompletion,
    /// 3yz: send more (DATA text, an AUTH response).
    PositiveIntermediate,
    /// 4yz: failed this time; the same command may work later.
    TransientNegative,
    /// 5yz: failed; do not repeat the same command unchanged.
    PermanentNegative,
}

impl ReplyCode {
    /// Builds a code from a number, refusing anything outside `200..=599`.
    pub const fn new(value: u16) -> Option<Self> {
        if value >= 200 && value <= 599 {
            Some(Self(value))
        } else {
            None
        }
    }

    /// The numeric value.
    pub const fn value(self) -> u16 {
        self.0
    }

    /// What the first digit means.
    pub const fn class(self) -> ReplyClass {
        match self.0 / 100 {
            2 => ReplyClass::PositiveCompletion,
            3 => ReplyClass::PositiveIntermediate,
            4 => ReplyClass::TransientNegative,
            _ => ReplyClass::PermanentNegative,
        }
    }

    /// True for 2yz.
    pub(crate) const fn is_positive(self) -> bool {
        self.0 < 300
    }

    /// True for 4yz and 5yz.
    pub(crate) const fn is_negative(self) -> bool {
        self.0 >= 400
    }
}

impl fmt::Display for ReplyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl ReplyClass {
    /// A short phrase for explanations.
    pub(crate) const fn describe(self) -> &'static str {
        match self {
            Self::PositiveCompletion => "success (2yz)",
            Self::PositiveIntermediate => "go ahead, send more (3yz)",
            Self::TransientNegative => "temporary failure, may retry later (4yz)",
            Self::PermanentNegative => "permanent failure, do not retry unchanged (5yz)",
        }
    }
}

/// An RFC 3463 enhanced status code `class.subject.detail`, e.g. `5.7.8`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EnhancedCode {
    /// 2, 4 or 5; must equal the first digit of the reply code (RFC 2034 §4).
    pub class: u8,
    /// Subject, 0–999.
    pub subject: u16,
    /// Detail, 0–999.
    pub detail: u16,
}

impl EnhancedCode {
    /// Builds a code; used by the reply table.
    pub const fn new(class: u8, subject: u16, detail: u16) -> Self {
        Self {
            class,
            subject,
            detail,
        }
    }

    /// Parses `c.s.d` at the start of a reply line's text (RFC 3463 §2 grammar:
    /// class 2/4/5, subject and detail 1–3 digits). Returns the code and the rest.
    pub(crate) fn parse_prefix(text: &str) -> Option<(Self, &str)> {
        let (token, rest) = match text.find(' ') {
            Some(at) => (text.get(..at)?, text.get(at + 1..)?),
            None => (text, ""),
        };
        let mut parts = token.split('.');
        let class = parse_digits(parts.next()?, 1)?;
        let subject = parse_digits(parts.next()?, 3)?;
        let detail = parse_digits(parts.next()?, 3)?;
        if parts.next().is_some() || !matches!(class, 2 | 4 | 5) {
            return None;
        }
        let class = u8::try_from(class).ok()?;
        Some((Self::new(class, subject, detail), rest))
    }
}

fn parse_digits(text: &str, max_len: usize) -> Option<u16> {
    if text.is_empty() || text.len() > max_len || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

impl fmt::Display for EnhancedCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

impl Serialize for EnhancedCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One complete reply, possibly multi-line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reply {
    /// The three-digit code, repeated on every line on the wire.
    pub code: ReplyCode,
    /// The enhanced code, written after the code on every line when present.
    pub enhanced: Option<EnhancedCode>,
    /// The text of each line, without code, separator or CRLF. Never empty.
    pub lines: Vec<String>,
}

impl Reply {
    /// A single-line reply.
    pub fn new(code: ReplyCode, enhanced: Option<EnhancedCode>, text: impl Into<String>) -> Self {
        Self {
            code,
            enhanced,
            lines: vec![text.into()],
        }
    }

    /// A multi-line reply; an empty list becomes one empty line.
    pub fn multiline(code: ReplyCode, enhanced: Option<EnhancedCode>, lines: Vec<String>) -> Self {
        let lines = if lines.is_empty() {
            vec![String::new()]
        } else {
            lines
        };
        Self {
            code,
            enhanced,
            lines,
        }
    }

    /// The wire form: `code-text CRLF` for every line but the last, `code SP text CRLF`
    /// for the last (RFC 5321 §4.2.1). The enhanced code prefixes every line's text
    /// (RFC 2034 §4).
    pub fn encode(&self) -> Vec<u8> {
        let room = self.lines.iter().map(|line| line.len() + 16).sum();
        let mut text = String::with_capacity(room);
        // Writing into a String cannot fail.
        let _ = fmt::Write::write_fmt(&mut text, format_args!("{self}"));
        text.into_bytes()
    }

    /// The text of all lines joined with a space, for explanations.
    pub fn text(&self) -> String {
        self.lines.join(" ")
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written piece by piece, not through `write!` per piece: every reply the
        // server sends goes through here, the EHLO reply with a dozen lines.
        let last = self.lines.len().saturating_sub(1);
        let code = self.code.0;
        let digits = [code / 100, code / 10 % 10, code % 10]
            .map(|digit| char::from_digit(u32::from(digit), 10).unwrap_or('0'));
        for (index, line) in self.lines.iter().enumerate() {
            for digit in digits {
                f.write_char(digit)?;
            }
            f.write_char(if index == last { ' ' } else { '-' })?;
            if let Some(enhanced) = self.enhanced {
                write!(f, "{enhanced} ")?;
            }
            f.write_str(line)?;
            f.write_str("\r\n")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(value: u16) -> ReplyCode {
        ReplyCode::new(value).unwrap()
    }

    #[test]
    fn single_line_reply_has_space_separator() {
        let reply = Reply::new(code(250), Some(EnhancedCode::new(2, 0, 0)), "Ok");
        assert_eq!(reply.to_string(), "250 2.0.0 Ok\r\n");
    }

    #[test]
    fn multiline_reply_uses_dash_on_all_but_last() {
        let lines = vec!["mx.example".into(), "PIPELINING".into(), "8BITMIME".into()];
        let reply = Reply::multiline(code(250), None, lines);
        assert_eq!(
            reply.to_string(),
            "250-mx.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n"
        );
    }

    #[test]
    fn encoding_writes_every_digit_and_the_enhanced_code_on_each_line() {
        let reply = Reply::multiline(
            code(451),
            Some(EnhancedCode::new(4, 7, 10)),
            vec!["first".into(), "second".into()],
        );
        assert_eq!(
            reply.encode(),
            b"451-4.7.10 first\r\n451 4.7.10 second\r\n".to_vec()
        );
        assert_eq!(
            Reply::new(code(209), None, "").encode(),
            b"209 \r\n".to_vec()
        );
    }

    #[test]
    fn reply_codes_outside_range_are_refused() {
        assert!(ReplyCode::new(199).is_none());
        assert!(ReplyCode::new(600).is_none());
        assert_eq!(code(421).class(), ReplyClass::TransientNegative);
    }

    #[test]
    fn enhanced_code_prefix_parses_and_rejects() {
        let (parsed, rest) = EnhancedCode::parse_prefix("5.7.8 Bad credentials").unwrap();
        assert_eq!(parsed, EnhancedCode::new(5, 7, 8));
        assert_eq!(rest, "Bad credentials");
        assert!(EnhancedCode::parse_prefix("3.1.1 x").is_none());
        assert!(EnhancedCode::parse_prefix("5.7 x").is_none());
        assert!(EnhancedCode::parse_prefix("5.7.1234 x").is_none());
        assert!(EnhancedCode::parse_prefix("mx.example").is_none());
    }
}
