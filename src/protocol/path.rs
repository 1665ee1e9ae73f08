//! Mailboxes and paths per RFC 5321 §4.1.2, with the length limits of §4.5.3.1.
//! Parsing is strict: what RFC 5321 does not allow is refused with the rule it breaks.

use core::fmt;
use serde::Serialize;

/// Longest local-part, in octets (RFC 5321 §4.5.3.1.1).
pub const MAX_LOCAL_PART: usize = 64;
/// Longest domain, in octets (RFC 5321 §4.5.3.1.2).
pub const MAX_DOMAIN: usize = 255;
/// Longest path including the angle brackets (RFC 5321 §4.5.3.1.3).
pub const MAX_PATH: usize = 256;

/// The part after `@`: a domain name or an address literal.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", content = "value")]
pub enum Domain {
    /// A dotted domain name such as `mx.example.org`.
    Name(String),
    /// An address literal such as `[192.0.2.1]` or `[IPv6:2001:db8::1]`, brackets included.
    Literal(String),
}

impl Domain {
    /// Parses a domain or address literal (RFC 5321 §4.1.2 `Domain / address-literal`).
    pub fn parse(text: &str) -> Result<Self, PathError> {
        if text.len() > MAX_DOMAIN {
            return Err(PathError::DomainTooLong { length: text.len() });
        }
        if text.starts_with('[') {
            return parse_address_literal(text).map(Self::Literal);
        }
        if is_domain_name(text) {
            Ok(Self::Name(text.to_owned()))
        } else {
            Err(PathError::Syntax(
                "a domain: labels of letters, digits and hyphens separated by dots",
            ))
        }
    }

    /// The domain as written.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Name(name) | Self::Literal(name) => name,
        }
    }

    /// The domain as written, taking ownership.
    pub fn into_string(self) -> String {
        match self {
            Self::Name(name) | Self::Literal(name) => name,
        }
    }

    /// Case-insensitive comparison with a configured domain name.
    pub fn matches(&self, other: &str) -> bool {
        self.as_str().eq_ignore_ascii_case(other)
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `Local-part "@" ( Domain / address-literal )`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Mailbox {
    /// The local-part exactly as written (a quoted local-part keeps its quotes).
    pub local_part: String,
    /// The domain.
    pub domain: Domain,
}

impl Mailbox {
    /// Parses `local@domain` (no angle brackets).
    pub fn parse(text: &str) -> Result<Self, PathError> {
        let at = find_domain_separator(text).ok_or(PathError::Syntax("local-part \"@\" domain"))?;
        let local_part = text.get(..at).unwrap_or_default();
        let domain = text.get(at + 1..).unwrap_or_default();
        if local_part.len() > MAX_LOCAL_PART {
            return Err(PathError::LocalPartTooLong {
                length: local_part.len(),
            });
        }
        if !is_local_part(local_part) {
            return Err(PathError::Syntax(
                "a local-part: a dot-string (atoms separated by dots) or a quoted string",
            ));
        }
        Ok(Self {
            local_part: local_part.to_owned(),
            domain: Domain::parse(domain)?,
        })
    }
}

impl fmt::Display for Mailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.local_part, self.domain)
    }
}

/// The argument of MAIL FROM: a mailbox or the null path `<>` used for bounces.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "mailbox")]
pub enum ReversePath {
    /// `<>`.
    Null,
    /// `<mailbox>`.
    Mailbox(Mailbox),
}

impl fmt::Display for ReversePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("<>"),
            Self::Mailbox(mailbox) => write!(f, "<{mailbox}>"),
        }
    }
}

/// The argument of RCPT TO.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "mailbox")]
pub enum ForwardPath {
    /// `<Postmaster>` with no domain, which every server must accept (RFC 5321 §4.1.1.3).
    Postmaster,
    /// `<mailbox>`.
    Mailbox(Mailbox),
}

impl fmt::Display for ForwardPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Postmaster => f.write_str("<Postmaster>"),
            Self::Mailbox(mailbox) => write!(f, "<{mailbox}>"),
        }
    }
}

/// Why a path was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum PathError {
    /// Not in the grammar; the text says what was expected.
    Syntax(&'static str),
    /// Local-part over 64 octets.
    LocalPartTooLong {
        /// Its length.
        length: usize,
    },
    /// Domain over 255 octets.
    DomainTooLong {
        /// Its length.
        length: usize,
    },
    /// Path over 256 octets.
    PathTooLong {
        /// Its length.
        length: usize,
    },
}

impl PathError {
    /// The path was not enclosed in `<` `>`.
    pub const MISSING_BRACKETS: Self =
        Self::Syntax("\"<\" path \">\" (angle brackets are required)");

    /// True for the length limits (answered `501` "Path too long" with the limit named).
    pub fn is_length_limit(self) -> bool {
        !matches!(self, Self::Syntax(_))
    }
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Syntax(expected) => write!(f, "expected {expected}"),
            Self::LocalPartTooLong { length } => write!(
                f,
                "local-part is {length} octets; the limit is {MAX_LOCAL_PART} (RFC 5321 §4.5.3.1.1)"
            ),
            Self::DomainTooLong { length } => write!(
                f,
                "domain is {length} octets; the limit is {MAX_DOMAIN} (RFC 5321 §4.5.3.1.2)"
            ),
            Self::PathTooLong { length } => write!(
                f,
                "path is {length} octets; the limit is {MAX_PATH} (RFC 5321 §4.5.3.1.3)"
            ),
        }
    }
}

/// Splits `<path> rest` into the path text (brackets included) and the rest.
/// Refuses a path without brackets: RFC 5321 requires them (Postfix is lenient here,
/// this playground is strict so the rule stays visible).
pub fn split_bracketed(text: &str) -> Result<(&str, &str), PathError> {
    if !text.starts_with('<') {
        return Err(PathError::MISSING_BRACKETS);
    }
    let close = find_closing_bracket(text).ok_or(PathError::Syntax("a closing \">\""))?;
    let path = text.get(..=close).unwrap_or_default();
    let rest = text.get(close + 1..).unwrap_or_default();
    if path.len() > MAX_PATH {
        return Err(PathError::PathTooLong { length: path.len() });
    }
    Ok((path, rest))
}

/// Parses `<>` or `<[source-route:]mailbox>` as a reverse-path.
pub fn parse_reverse_path(path: &str) -> Result<ReversePath, PathError> {
    if path == "<>" {
        return Ok(ReversePath::Null);
    }
    parse_bracketed_mailbox(path).map(ReversePath::Mailbox)
}

/// Parses `<Postmaster>` or `<[source-route:]mailbox>` as a forward-path.
pub fn parse_forward_path(path: &str) -> Result<ForwardPath, PathError> {
    if path.eq_ignore_ascii_case("<postmaster>") {
        return Ok(ForwardPath::Postmaster);
    }
    parse_bracketed_mailbox(path).map(ForwardPath::Mailbox)
}

fn parse_bracketed_mailbox(path: &str) -> Result<Mailbox, PathError> {
    let inner = path
        .strip_prefix('<')
        .and_then(|rest| rest.strip_suffix('>'))
        .ok_or(PathError::Syntax("\"<\" mailbox \">\""))?;
    Mailbox::parse(strip_source_route(inner)?)
}

/// Source routes (`@a,@b:user@c`) are obsolete: accepted and ignored (RFC 5321 §4.1.2, §C).
fn strip_source_route(inner: &str) -> Result<&str, PathError> {
    if !inner.starts_with('@') {
        return Ok(inner);
    }
    let colon = inner.find(':').ok_or(PathError::Syntax(
        "a source route \"@domain,@domain:\" before the mailbox",
    ))?;
    let route = inner.get(..colon).unwrap_or_default();
    for hop in route.split(',') {
        let domain = hop
            .strip_prefix('@')
            .ok_or(PathError::Syntax("\"@\" before every source-route domain"))?;
        Domain::parse(domain)?;
    }
    Ok(inner.get(colon + 1..).unwrap_or_default())
}

/// The `>` that closes the path, skipping any inside a quoted local-part. One octet
/// loop: paths are short, and a quote is seen on the way to the `>`.
fn find_closing_bracket(text: &str) -> Option<usize> {
    let first = text.bytes().position(|b| b == b'>' || b == b'"')?;
    if text.as_bytes().get(first) == Some(&b'>') {
        return Some(first);
    }
    let mut in_quotes = false;
    let mut escaped = false;
    for (index, byte) in text.bytes().enumerate() {
        match byte {
            _ if escaped => escaped = false,
            b'\\' if in_quotes => escaped = true,
            b'"' => in_quotes = !in_quotes,
            b'>' if !in_quotes => return Some(index),
            _ => {}
        }
    }
    None
}

/// The `@` that separates local-part and domain: the last one outside quotes.
fn find_domain_separator(text: &str) -> Option<usize> {
    if !text.starts_with('"') {
        // An unquoted local-part cannot contain "@" or a quoted part worth skipping.
        return text.bytes().rposition(|b| b == b'@');
    }
    let mut in_quotes = false;
    let mut escaped = false;
    let mut found = None;
    for (index, byte) in text.bytes().enumerate() {
        match byte {
            _ if escaped => escaped = false,
            b'\\' if in_quotes => escaped = true,
            b'"' => in_quotes = !in_quotes,
            b'@' if !in_quotes => found = Some(index),
            _ => {}
        }
    }
    found
}

/// RFC 5321 `atext` (RFC 5322 §3.2.3), as a lookup table: paths are parsed for every
/// MAIL and RCPT, so this check is on the hot path.
const ATEXT: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'/'
                    | b'='
                    | b'?'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'{'
                    | b'|'
                    | b'}'
                    | b'~'
            );
        byte += 1;
    }
    table
};

fn is_atext(byte: u8) -> bool {
    ATEXT.get(usize::from(byte)).copied().unwrap_or(false)
}

fn is_local_part(text: &str) -> bool {
    if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        return is_quoted_content(inner);
    }
    is_dot_string(text)
}

/// `Atom *("." Atom)` in one pass: no empty atom, only atext.
fn is_dot_string(text: &str) -> bool {
    let mut previous_was_dot = true;
    for byte in text.bytes() {
        if byte == b'.' {
            if previous_was_dot {
                return false;
            }
            previous_was_dot = true;
        } else if is_atext(byte) {
            previous_was_dot = false;
        } else {
            return false;
        }
    }
    !previous_was_dot
}

/// `*QcontentSMTP`: printable ASCII except `"` and `\`, or a backslash pair.
fn is_quoted_content(inner: &str) -> bool {
    let mut bytes = inner.bytes();
    while let Some(byte) = bytes.next() {
        match byte {
            b'\\' => match bytes.next() {
                Some(32..=126) => {}
                _ => return false,
            },
            b'"' => return false,
            32..=126 => {}
            _ => return false,
        }
    }
    true
}

/// Octet classes for domain names: letter or digit, hyphen, dot, anything else.
const OTHER: u8 = 0;
const LET_DIG: u8 = 1;
const HYPHEN: u8 = 2;
const DOT: u8 = 3;

const DOMAIN_CLASS: [u8; 256] = {
    let mut table = [OTHER; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = if b.is_ascii_alphanumeric() {
            LET_DIG
        } else if b == b'-' {
            HYPHEN
        } else if b == b'.' {
            DOT
        } else {
            OTHER
        };
        byte += 1;
    }
    table
};

/// `sub-domain *("." sub-domain)`, each `Let-dig [Ldh-str]` of at most 63 octets
/// (RFC 1035), checked in one pass with a class table (paths are parsed for every MAIL
/// and RCPT).
fn is_domain_name(text: &str) -> bool {
    let mut label_len = 0usize;
    let mut after_let_dig = false;
    for byte in text.bytes() {
        match DOMAIN_CLASS
            .get(usize::from(byte))
            .copied()
            .unwrap_or(OTHER)
        {
            LET_DIG => {
                label_len += 1;
                after_let_dig = true;
            }
            HYPHEN if label_len > 0 => {
                label_len += 1;
                after_let_dig = false;
            }
            DOT if after_let_dig => {
                label_len = 0;
                after_let_dig = false;
            }
            _ => return false,
        }
        if label_len > 63 {
            return false;
        }
    }
    after_let_dig
}

fn parse_address_literal(text: &str) -> Result<String, PathError> {
    let inner = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .ok_or(PathError::Syntax("an address literal \"[\" address \"]\""))?;
    let valid = if let Some(v6) = strip_prefix_ignore_case(inner, "IPv6:") {
        v6.parse::<core::net::Ipv6Addr>().is_ok()
    } else if inner.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        inner.parse::<core::net::Ipv4Addr>().is_ok()
    } else {
        is_general_literal(inner)
    };
    if valid {
        Ok(text.to_owned())
    } else {
        Err(PathError::Syntax(
            "an IPv4, IPv6: or tagged address literal",
        ))
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
}

/// `General-address-literal = Standardized-tag ":" 1*dcontent`.
fn is_general_literal(inner: &str) -> bool {
    match inner.split_once(':') {
        Some((tag, content)) => {
            !tag.contains('.')
                && is_domain_name(tag)
                && !content.is_empty()
                && content.bytes().all(|b| matches!(b, 33..=90 | 94..=126))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_rfc_forms() {
        assert_eq!(parse_reverse_path("<>"), Ok(ReversePath::Null));
        assert!(parse_forward_path("<Postmaster>").is_ok());
        assert!(parse_forward_path("<\"john doe\"@example.org>").is_ok());
        assert!(parse_forward_path("<user@[192.0.2.1]>").is_ok());
        assert!(parse_forward_path("<user@[IPv6:2001:db8::1]>").is_ok());
        let routed = parse_forward_path("<@relay.example,@b.example:joe@c.example>").unwrap();
        assert_eq!(routed.to_string(), "<joe@c.example>");
    }

    #[test]
    fn refuses_bad_syntax() {
        for bad in [
            "<a@>",
            "<@b>",
            "<a..b@c>",
            "<a@-b.c>",
            "<a@[999.1.1.1]>",
            "<a b@c>",
            "<a@b_c>",
        ] {
            assert!(parse_forward_path(bad).is_err(), "{bad}");
        }
        assert!(split_bracketed("a@b").is_err());
    }

    #[test]
    fn names_the_length_limits() {
        let long_local = format!("<{}@example.org>", "a".repeat(65));
        assert_eq!(
            parse_forward_path(&long_local),
            Err(PathError::LocalPartTooLong { length: 65 })
        );
        let long_path = format!("<a@{}.example>", "b".repeat(250));
        assert!(matches!(
            split_bracketed(&long_path),
            Err(PathError::PathTooLong { .. })
        ));
    }

    #[test]
    fn split_keeps_parameters() {
        let (path, rest) = split_bracketed("<a@b.c> SIZE=100").unwrap();
        assert_eq!(path, "<a@b.c>");
        assert_eq!(rest, " SIZE=100");
    }
}
