//! Mailboxes and paths per RFC 5321 §4.1.2, with the length limits of §4.5.3.1.
//! Parsing is strict: what RFC 5321 does not allow is refused with the rule it breaks.

use core::fmt;
use serde::Serialize;

use super::idn::DomainForms;

/// Longest local-part, in octets (RFC 5321 §4.5.3.1.1).
pub const MAX_LOCAL_PART: usize = 64;
/// Longest domain, in octets (RFC 5321 §4.5.3.1.2).
pub const MAX_DOMAIN: usize = 255;
/// Longest path including the angle brackets (RFC 5321 §4.5.3.1.3).
pub const MAX_PATH: usize = 256;

/// The part after `@`: a domain name or an address literal. `S` is `String` for a
/// value that is kept, `&str` for one borrowed from the command line being parsed
/// (parsing allocates nothing; `into_owned` copies what is kept).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "camelCase")]
pub enum Domain<S = String> {
    /// A dotted domain name such as `mx.example.org`.
    Name(S),
    /// An address literal such as `[192.0.2.1]` or `[IPv6:2001:db8::1]`, brackets included.
    Literal(S),
}

impl Domain {
    /// Parses a domain or address literal (RFC 5321 §4.1.2 `Domain / address-literal`).
    pub fn parse(text: &str) -> Result<Self, PathError> {
        Domain::parse_borrowed(text).map(Domain::into_owned)
    }

    /// The text, giving up the value.
    pub(crate) fn into_string(self) -> String {
        self.into_text()
    }
}

impl<'a> Domain<&'a str> {
    /// [`Domain::parse`] without copying: the result borrows `text`.
    pub fn parse_borrowed(text: &'a str) -> Result<Self, PathError> {
        if text.len() > MAX_DOMAIN {
            return Err(PathError::DomainTooLong { length: text.len() });
        }
        if text.starts_with('[') {
            return parse_address_literal(text).map(Self::Literal);
        }
        if is_domain_name(text) || is_international_domain_name(text) {
            Ok(Self::Name(text))
        } else if !text.is_ascii() {
            Err(PathError::Syntax(
                "a domain of U-labels that convert to A-labels (RFC 6531 §3.3, RFC 5891)",
            ))
        } else {
            Err(PathError::Syntax(
                "a domain: labels of letters, digits and hyphens separated by dots",
            ))
        }
    }

    /// The same domain, owning its text.
    pub fn into_owned(self) -> Domain {
        match self {
            Self::Name(name) => Domain::Name(name.to_owned()),
            Self::Literal(literal) => Domain::Literal(literal.to_owned()),
        }
    }
}

impl<S> Domain<S> {
    /// The text (owned or borrowed), giving up the value.
    pub(crate) fn into_text(self) -> S {
        match self {
            Self::Name(name) | Self::Literal(name) => name,
        }
    }
}

impl<S: AsRef<str>> Domain<S> {
    /// The text as written (literals keep their brackets).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Name(name) | Self::Literal(name) => name.as_ref(),
        }
    }

    /// Domains compare case-insensitively (RFC 5321 §2.4).
    pub fn matches(&self, other: &str) -> bool {
        self.as_str().eq_ignore_ascii_case(other)
    }
}

impl<S: AsRef<str>> fmt::Display for Domain<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `local-part "@" domain`, the local-part kept exactly as sent (it is case-sensitive).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Mailbox<S = String> {
    /// The part before `@`, quotes included if it was quoted.
    pub local_part: S,
    /// The part after `@`.
    pub domain: Domain<S>,
}

impl Mailbox {
    /// Parses `local-part@domain` (no brackets).
    pub fn parse(text: &str) -> Result<Self, PathError> {
        Mailbox::parse_borrowed(text).map(Mailbox::into_owned)
    }
}

impl<'a> Mailbox<&'a str> {
    /// [`Mailbox::parse`] without copying: the result borrows `text`.
    pub fn parse_borrowed(text: &'a str) -> Result<Self, PathError> {
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
            local_part,
            domain: Domain::parse_borrowed(domain)?,
        })
    }

    /// The same mailbox, owning its text.
    pub fn into_owned(self) -> Mailbox {
        Mailbox {
            local_part: self.local_part.to_owned(),
            domain: self.domain.into_owned(),
        }
    }
}

impl<S: AsRef<str>> Mailbox<S> {
    /// True when the local-part is US-ASCII. A UTF-8 local-part has no ASCII spelling,
    /// so only SMTPUTF8 can carry it (RFC 6531 §3.2); a U-label domain has its A-label.
    pub fn local_part_is_ascii(&self) -> bool {
        self.local_part.as_ref().is_ascii()
    }

    /// True when the whole mailbox is US-ASCII, as every path is without SMTPUTF8.
    pub fn is_ascii(&self) -> bool {
        self.local_part_is_ascii() && self.domain.as_str().is_ascii()
    }
}

impl<S: AsRef<str>> fmt::Display for Mailbox<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.local_part.as_ref(), self.domain)
    }
}

/// The argument of MAIL FROM: a mailbox or the null path `<>` used for bounces.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "mailbox", rename_all = "camelCase")]
pub enum ReversePath<S = String> {
    /// `<>`.
    Null,
    /// `<mailbox>`.
    Mailbox(Mailbox<S>),
}

impl ReversePath<&str> {
    /// The same path, owning its text.
    pub fn into_owned(self) -> ReversePath {
        match self {
            Self::Null => ReversePath::Null,
            Self::Mailbox(mailbox) => ReversePath::Mailbox(mailbox.into_owned()),
        }
    }
}

impl<S: AsRef<str>> fmt::Display for ReversePath<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("<>"),
            Self::Mailbox(mailbox) => write!(f, "<{mailbox}>"),
        }
    }
}

/// The argument of RCPT TO.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "mailbox", rename_all = "camelCase")]
pub enum ForwardPath<S = String> {
    /// `<Postmaster>` with no domain, which every server must accept (RFC 5321 §4.1.1.3).
    Postmaster,
    /// `<mailbox>`.
    Mailbox(Mailbox<S>),
}

impl ForwardPath<&str> {
    /// The same path, owning its text.
    pub fn into_owned(self) -> ForwardPath {
        match self {
            Self::Postmaster => ForwardPath::Postmaster,
            Self::Mailbox(mailbox) => ForwardPath::Mailbox(mailbox.into_owned()),
        }
    }
}

impl<S: AsRef<str>> fmt::Display for ForwardPath<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Postmaster => f.write_str("<Postmaster>"),
            Self::Mailbox(mailbox) => write!(f, "<{mailbox}>"),
        }
    }
}

/// Why a path was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
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
    pub(crate) fn is_length_limit(self) -> bool {
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
pub(crate) fn split_bracketed(text: &str) -> Result<(&str, &str), PathError> {
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

/// Parses `<>` or `<[source-route:]mailbox>` as a reverse-path, borrowing `path`.
pub(crate) fn parse_reverse_path(path: &str) -> Result<ReversePath<&str>, PathError> {
    if path == "<>" {
        return Ok(ReversePath::Null);
    }
    parse_bracketed_mailbox(path).map(ReversePath::Mailbox)
}

/// Parses `<Postmaster>` or `<[source-route:]mailbox>` as a forward-path, borrowing
/// `path`.
pub(crate) fn parse_forward_path(path: &str) -> Result<ForwardPath<&str>, PathError> {
    if path.eq_ignore_ascii_case("<postmaster>") {
        return Ok(ForwardPath::Postmaster);
    }
    parse_bracketed_mailbox(path).map(ForwardPath::Mailbox)
}

fn parse_bracketed_mailbox(path: &str) -> Result<Mailbox<&str>, PathError> {
    let inner = path
        .strip_prefix('<')
        .and_then(|rest| rest.strip_suffix('>'))
        .ok_or(PathError::Syntax("\"<\" mailbox \">\""))?;
    Mailbox::parse_borrowed(strip_source_route(inner)?)
}

/// The common path in one pass: `<local-part@domain>` with a dot-string local-part and
/// a domain name, within the length limits, and the text after `>`. None for anything
/// else (`<>`, `<Postmaster>`, a quoted local-part, a source route, an address literal,
/// any error): the full parser then decides, with its explanations. WHY: MAIL and RCPT
/// are most of a session's commands, and the full parser walks the path four times
/// (closing bracket, `@`, local-part, domain).
pub(crate) fn parse_plain_path(text: &str) -> Option<(Mailbox<&str>, &str)> {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'<') {
        return None;
    }
    let at = plain_local_part_end(bytes)?;
    let close = plain_domain_end(bytes, at + 1)?;
    let local_part = text.get(1..at)?;
    let domain = text.get(at + 1..close)?;
    if local_part.len() > MAX_LOCAL_PART || domain.len() > MAX_DOMAIN || close + 1 > MAX_PATH {
        return None;
    }
    let mailbox = Mailbox {
        local_part,
        domain: Domain::Name(domain),
    };
    Some((mailbox, text.get(close + 1..)?))
}

/// Where the `@` after a non-empty dot-string that starts at 1 sits.
fn plain_local_part_end(bytes: &[u8]) -> Option<usize> {
    let end = dot_string_end(bytes, 1)?;
    (bytes.get(end) == Some(&b'@')).then_some(end)
}

/// Where the `>` after a domain name that starts at `start` sits.
fn plain_domain_end(bytes: &[u8], start: usize) -> Option<usize> {
    let end = domain_name_end(bytes, start)?;
    (bytes.get(end) == Some(&b'>')).then_some(end)
}

/// The end of `Atom *("." Atom)` starting at `start`; None if there is no atom there or
/// a dot is not followed by one. Atom by atom: the inner loop only asks "atext?".
fn dot_string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut at = start;
    loop {
        let atom = run_length(bytes.get(at..)?, is_atext);
        if atom == 0 {
            return None;
        }
        at += atom;
        if bytes.get(at) != Some(&b'.') {
            return Some(at);
        }
        at += 1;
    }
}

/// The end of `sub-domain *("." sub-domain)` starting at `start`, each label a run of
/// letters, digits and hyphens that starts and ends with a letter or digit, at most
/// 63 octets (RFC 1035); None if there is no valid label there or after a dot.
fn domain_name_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut at = start;
    loop {
        let label = bytes.get(at..)?;
        let length = run_length(label, is_ldh);
        let first = *label.first()?;
        let last = *label.get(length.checked_sub(1)?)?;
        if length > 63 || !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
            return None;
        }
        at += length;
        if bytes.get(at) != Some(&b'.') {
            return Some(at);
        }
        at += 1;
    }
}

/// How many octets at the start of `bytes` are in the class.
fn run_length(bytes: &[u8], in_class: impl Fn(u8) -> bool) -> usize {
    bytes
        .iter()
        .position(|&byte| !in_class(byte))
        .unwrap_or(bytes.len())
}

/// A letter, digit or hyphen (RFC 5321 `Ldh-str` octets), as a lookup table: every
/// domain octet of every EHLO, MAIL and RCPT goes through it.
fn is_ldh(byte: u8) -> bool {
    LDH.get(usize::from(byte)).copied().unwrap_or(false)
}

const LDH: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || b == b'-';
        byte += 1;
    }
    table
};

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
        Domain::parse_borrowed(domain)?;
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
        return is_quoted_content(inner) && is_utf8_text(inner);
    }
    if text.is_ascii() {
        is_dot_string(text)
    } else {
        is_utf8_dot_string(text)
    }
}

/// RFC 6531 §3.3's dot-string: atoms of atext or non-ASCII characters (`atext =/
/// UTF8-non-ascii`), control characters excepted.
fn is_utf8_dot_string(text: &str) -> bool {
    is_utf8_text(text)
        && text
            .split('.')
            .all(|atom| !atom.is_empty() && atom.bytes().all(|b| !b.is_ascii() || is_atext(b)))
}

/// No control character among the non-ASCII ones (the ASCII ones are checked by the
/// grammar): U+0080 to U+009F have no place in an address.
fn is_utf8_text(text: &str) -> bool {
    text.is_ascii() || !text.chars().any(char::is_control)
}

/// `Atom *("." Atom)`: no empty atom, only atext.
fn is_dot_string(text: &str) -> bool {
    dot_string_end(text.as_bytes(), 0) == Some(text.len())
}

/// `*QcontentSMTP`: printable ASCII except `"` and `\`, non-ASCII characters (RFC 6531
/// §3.3 `qtextSMTP =/ UTF8-non-ascii`; the text is UTF-8 already), or a backslash pair.
fn is_quoted_content(inner: &str) -> bool {
    let mut bytes = inner.bytes();
    while let Some(byte) = bytes.next() {
        match byte {
            b'\\' => match bytes.next() {
                Some(32..=126) => {}
                _ => return false,
            },
            b'"' => return false,
            32..=126 | 128..=255 => {}
            _ => return false,
        }
    }
    true
}

/// `sub-domain *("." sub-domain)`, each `Let-dig [Ldh-str]` of at most 63 octets.
fn is_domain_name(text: &str) -> bool {
    domain_name_end(text.as_bytes(), 0) == Some(text.len())
}

/// A domain with U-labels (RFC 6531 §3.3 `sub-domain =/ U-label`): written in U-label
/// form (ASCII letters in either case; a U-label itself has no upper case, RFC 5892)
/// and converting to a domain name of A-labels.
fn is_international_domain_name(text: &str) -> bool {
    !text.is_ascii()
        && DomainForms::of(text).is_ok_and(|forms| {
            is_domain_name(&forms.ascii) && forms.unicode.eq_ignore_ascii_case(text)
        })
}

fn parse_address_literal(text: &str) -> Result<&str, PathError> {
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
        Ok(text)
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
    fn accepts_the_rfc_6531_forms_and_refuses_what_no_a_label_spells() {
        for good in [
            "<jörg@bücher.example>",
            "<用户@例子.广告>",
            "<\"jörg müller\"@example.org>",
            "<bob@xn--bcher-kva.example>",
            "<bob@Bücher.example>",
        ] {
            assert!(parse_forward_path(good).is_ok(), "{good}");
        }
        for bad in [
            "<jörg..x@example.org>",
            "<a\u{85}b@example.org>",
            "<bob@bü cher.example>",
            "<bob@-bücher.example>",
        ] {
            assert!(parse_forward_path(bad).is_err(), "{bad}");
        }
        // A full-width letter is mapped by UTS #46, so the name is not in U-label form.
        #[cfg(feature = "uts46")]
        assert!(parse_forward_path("<bob@ｂücher.example>").is_err());
        let mailbox = Mailbox::parse("jörg@example.org").unwrap();
        assert!(!mailbox.local_part_is_ascii() && !mailbox.is_ascii());
        let idn = Mailbox::parse("bob@bücher.example").unwrap();
        assert!(idn.local_part_is_ascii() && !idn.is_ascii());
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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod plain_path_tests {
    use super::*;
    use proptest::prelude::*;

    /// What the full parser makes of a path and the rest of the line.
    fn full(text: &str) -> Option<(Mailbox<&str>, &str)> {
        let (path, rest) = split_bracketed(text).ok()?;
        match parse_forward_path(path).ok()? {
            ForwardPath::Mailbox(mailbox) => Some((mailbox, rest)),
            ForwardPath::Postmaster => None,
        }
    }

    proptest! {
        /// Whatever the one-pass parser accepts, the full parser accepts the same way.
        #[test]
        fn plain_paths_agree_with_the_full_parser(
            text in prop_oneof![
                "<[a-z.@\\-\"\\[\\]0-9>: ]{0,24}( SIZE=1)?",
                "<[a-z]{1,5}(\\.[a-z.]{0,5}){0,2}@[a-z0-9-]{1,4}(\\.[a-z0-9-]{0,4}){0,3}>( BODY=7BIT)?",
            ],
            long_label in 60usize..66,
            use_long in any::<bool>(),
        ) {
            let text = if use_long {
                format!("<a@{}.example>{}", "x".repeat(long_label), text)
            } else {
                text
            };
            if let Some(plain) = parse_plain_path(&text) {
                prop_assert_eq!(Some(plain), full(&text), "{}", text);
            }
        }
    }

    #[test]
    fn the_common_forms_take_the_one_pass_path() {
        for text in [
            "<bob@example.org>",
            "<carol.smith@sub.example.org> SIZE=10",
            "<bounce-12345-alice=example.net@lists.example.com>",
        ] {
            assert!(parse_plain_path(text).is_some(), "{text}");
            assert_eq!(parse_plain_path(text), full(text), "{text}");
        }
        for text in [
            "<>",
            "<Postmaster>",
            "<\"dave jones\"@example.org>",
            "<@relay.example:bob@example.org>",
            "<user+tag@[192.0.2.1]>",
            "<a..b@example.org>",
            "<a@-example.org>",
        ] {
            assert!(parse_plain_path(text).is_none(), "{text}");
        }
    }
}
