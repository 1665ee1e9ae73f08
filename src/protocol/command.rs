//! SMTP commands as typed values. `Command::parse_borrowed` reads one command line
//! (without its CRLF) into a `Command<&str>` that borrows the line, allocating nothing,
//! as httparse does; `into_owned` (or `Command::parse`) gives a `Command` that owns its
//! text. `Display` writes the canonical wire form. Clients build commands as values and
//! never format command text themselves.

use core::fmt;
use serde::Serialize;

use super::codes::ReplyKind;
use super::path::{self, ForwardPath, PathError, ReversePath};

/// An ESMTP parameter on MAIL or RCPT (`esmtp-keyword ["=" esmtp-value]`, RFC 5321 §4.1.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Parameter<S = String> {
    /// The keyword: upper-cased in an owned parameter, as sent in a borrowed one
    /// (keywords are case-insensitive either way).
    pub keyword: S,
    /// The value after `=`, if any.
    pub value: Option<S>,
}

impl Parameter {
    /// A `KEY=value` parameter.
    pub fn new(keyword: &str, value: impl Into<String>) -> Self {
        Self {
            keyword: keyword.to_ascii_uppercase(),
            value: Some(value.into()),
        }
    }
}

impl Parameter<&str> {
    /// The same parameter, owning its text, keyword upper-cased.
    pub fn into_owned(self) -> Parameter {
        Parameter {
            keyword: self.keyword.to_ascii_uppercase(),
            value: self.value.map(str::to_owned),
        }
    }
}

impl<S: AsRef<str>> fmt::Display for Parameter<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword.as_ref())?;
        match &self.value {
            Some(value) => write!(f, "={}", value.as_ref()),
            None => Ok(()),
        }
    }
}

/// Verbs RFC 5321 retired (Appendix F); a server answers them 502.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ObsoleteVerb {
    /// SEND (deliver to terminal), RFC 821.
    Send,
    /// SOML (send or mail), RFC 821.
    Soml,
    /// SAML (send and mail), RFC 821.
    Saml,
}

impl ObsoleteVerb {
    fn name(self) -> &'static str {
        match self {
            Self::Send => "SEND",
            Self::Soml => "SOML",
            Self::Saml => "SAML",
        }
    }
}

/// One SMTP command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(
    tag = "verb",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Command<S = String> {
    /// `EHLO domain` (RFC 5321 §4.1.1.1).
    Ehlo {
        /// The client's name or address literal.
        domain: S,
    },
    /// `HELO domain`.
    Helo {
        /// The client's name.
        domain: S,
    },
    /// `MAIL FROM:<path> [params]`.
    Mail {
        /// The reverse-path.
        from: ReversePath<S>,
        /// ESMTP parameters (SIZE=, BODY=, AUTH=).
        parameters: Vec<Parameter<S>>,
    },
    /// `RCPT TO:<path> [params]`.
    Rcpt {
        /// The forward-path.
        to: ForwardPath<S>,
        /// ESMTP parameters.
        parameters: Vec<Parameter<S>>,
    },
    /// `DATA`.
    Data,
    /// `BDAT chunk-size [LAST]` (RFC 3030 §2): exactly `size` octets of message follow
    /// the line, with no dot-stuffing; `LAST` ends the message.
    Bdat {
        /// The chunk's length in octets.
        size: u64,
        /// True for the last chunk of the message.
        last: bool,
    },
    /// `RSET`.
    Rset,
    /// `NOOP [string]`.
    Noop,
    /// `QUIT`.
    Quit,
    /// `VRFY string`.
    Vrfy {
        /// What to verify.
        argument: S,
    },
    /// `EXPN string`.
    Expn {
        /// The list to expand.
        argument: S,
    },
    /// `HELP [topic]`.
    Help {
        /// Optional topic.
        topic: Option<S>,
    },
    /// `AUTH mechanism [initial-response]` (RFC 4954 §4).
    Auth {
        /// The SASL mechanism name: upper-cased when owned, as sent when borrowed.
        mechanism: S,
        /// The base64 initial response; `=` stands for an empty one.
        initial_response: Option<S>,
    },
    /// `STARTTLS` (RFC 3207).
    StartTls,
    /// `ETRN node` (RFC 1985).
    Etrn {
        /// A domain, `@domain` or `#queue`.
        argument: S,
    },
    /// `TURN` (RFC 821, obsolete and insecure).
    Turn,
    /// `ATRN [domain,...]` (RFC 2645).
    Atrn {
        /// Domains requested, if any.
        domains: Vec<S>,
    },
    /// SEND, SOML or SAML.
    Obsolete {
        /// Which.
        which: ObsoleteVerb,
    },
}

/// Why a command line was refused, with the reply it earns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommandError {
    /// The reply a server sends.
    pub reply: ReplyKind,
    /// What was wrong or expected, e.g. `MAIL FROM:<reverse-path> [parameters]`.
    pub detail: String,
}

impl CommandError {
    fn new(reply: ReplyKind, detail: impl Into<String>) -> Self {
        Self {
            reply,
            detail: detail.into(),
        }
    }

    fn syntax(grammar: &str) -> Self {
        Self::new(ReplyKind::SyntaxError, format!("Syntax: {grammar}"))
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail)
    }
}

impl<S> Command<S> {
    /// The verb as sent on the wire.
    pub fn verb(&self) -> &'static str {
        match self {
            Self::Ehlo { .. } => "EHLO",
            Self::Helo { .. } => "HELO",
            Self::Mail { .. } => "MAIL",
            Self::Rcpt { .. } => "RCPT",
            Self::Data => "DATA",
            Self::Bdat { .. } => "BDAT",
            Self::Rset => "RSET",
            Self::Noop => "NOOP",
            Self::Quit => "QUIT",
            Self::Vrfy { .. } => "VRFY",
            Self::Expn { .. } => "EXPN",
            Self::Help { .. } => "HELP",
            Self::Auth { .. } => "AUTH",
            Self::StartTls => "STARTTLS",
            Self::Etrn { .. } => "ETRN",
            Self::Turn => "TURN",
            Self::Atrn { .. } => "ATRN",
            Self::Obsolete { which } => which.name(),
        }
    }
}

impl<S: AsRef<str>> Command<S> {
    /// The wire form with its CRLF.
    pub fn encode(&self) -> Vec<u8> {
        format!("{self}\r\n").into_bytes()
    }
}

impl Command {
    /// Parses one command line, CRLF already removed, into a command that owns its
    /// text. See [`Command::parse_borrowed`].
    pub fn parse(line: &[u8]) -> Result<Self, CommandError> {
        Command::parse_borrowed(line).map(Command::into_owned)
    }
}

impl<'a> Command<&'a str> {
    /// Parses one command line, CRLF already removed, borrowing its text. Octets outside
    /// printable ASCII are refused before anything else: without SMTPUTF8 commands are
    /// ASCII (RFC 5321 §2.4), and a NUL has no place in a command. The one exception is
    /// UTF-8 in the argument of MAIL and RCPT, which SMTPUTF8 allows (RFC 6531 §3.3):
    /// such a line parses, and the server decides whether this transaction may carry it.
    pub fn parse_borrowed(line: &'a [u8]) -> Result<Self, CommandError> {
        let text = match ascii_command_text(line) {
            Ok(text) => text,
            Err(error) => utf8_path_text(line).ok_or(error)?,
        };
        // A short byte loop: the space is a few octets in, where a vector search costs more.
        let (verb, argument) = match text.bytes().position(|b| b == b' ') {
            Some(at) => (text.get(..at).unwrap_or_default(), text.get(at + 1..)),
            None => (text, None),
        };
        match verb_key(verb) {
            VERB_EHLO => parse_hello(argument, "EHLO").map(|domain| Self::Ehlo { domain }),
            VERB_HELO => parse_hello(argument, "HELO").map(|domain| Self::Helo { domain }),
            VERB_MAIL => parse_mail(argument),
            VERB_RCPT => parse_rcpt(argument),
            VERB_DATA => no_argument(argument, "DATA", Self::Data),
            VERB_BDAT => parse_bdat(argument),
            VERB_RSET => no_argument(argument, "RSET", Self::Rset),
            VERB_QUIT => no_argument(argument, "QUIT", Self::Quit),
            VERB_STARTTLS => no_argument(argument, "STARTTLS", Self::StartTls),
            VERB_TURN => no_argument(argument, "TURN", Self::Turn),
            VERB_NOOP => Ok(Self::Noop),
            VERB_VRFY => {
                required(argument, "VRFY <string>").map(|argument| Self::Vrfy { argument })
            }
            VERB_EXPN => {
                required(argument, "EXPN <string>").map(|argument| Self::Expn { argument })
            }
            VERB_HELP => Ok(Self::Help {
                topic: argument.filter(|t| !t.is_empty()),
            }),
            VERB_AUTH => parse_auth(argument),
            VERB_ETRN => required(argument, "ETRN <domain> | @<domain> | #<queue>")
                .map(|argument| Self::Etrn { argument }),
            VERB_ATRN => Ok(parse_atrn(argument)),
            VERB_SEND => Ok(Self::Obsolete {
                which: ObsoleteVerb::Send,
            }),
            VERB_SOML => Ok(Self::Obsolete {
                which: ObsoleteVerb::Soml,
            }),
            VERB_SAML => Ok(Self::Obsolete {
                which: ObsoleteVerb::Saml,
            }),
            _ => Err(CommandError::new(
                ReplyKind::CommandUnrecognized,
                format!("Unknown command '{}'", truncate(verb, 32)),
            )),
        }
    }

    /// The same command, owning its text (parameter keywords and the AUTH mechanism
    /// upper-cased).
    pub fn into_owned(self) -> Command {
        match self {
            Self::Ehlo { domain } => Command::Ehlo {
                domain: domain.to_owned(),
            },
            Self::Helo { domain } => Command::Helo {
                domain: domain.to_owned(),
            },
            Self::Mail { from, parameters } => Command::Mail {
                from: from.into_owned(),
                parameters: owned_parameters(parameters),
            },
            Self::Rcpt { to, parameters } => Command::Rcpt {
                to: to.into_owned(),
                parameters: owned_parameters(parameters),
            },
            Self::Data => Command::Data,
            Self::Bdat { size, last } => Command::Bdat { size, last },
            Self::Rset => Command::Rset,
            Self::Noop => Command::Noop,
            Self::Quit => Command::Quit,
            Self::Vrfy { argument } => Command::Vrfy {
                argument: argument.to_owned(),
            },
            Self::Expn { argument } => Command::Expn {
                argument: argument.to_owned(),
            },
            Self::Help { topic } => Command::Help {
                topic: topic.map(str::to_owned),
            },
            Self::Auth {
                mechanism,
                initial_response,
            } => Command::Auth {
                mechanism: mechanism.to_ascii_uppercase(),
                initial_response: initial_response.map(str::to_owned),
            },
            Self::StartTls => Command::StartTls,
            Self::Etrn { argument } => Command::Etrn {
                argument: argument.to_owned(),
            },
            Self::Turn => Command::Turn,
            Self::Atrn { domains } => Command::Atrn {
                domains: domains.into_iter().map(str::to_owned).collect(),
            },
            Self::Obsolete { which } => Command::Obsolete { which },
        }
    }
}

fn owned_parameters(parameters: Vec<Parameter<&str>>) -> Vec<Parameter> {
    parameters.into_iter().map(Parameter::into_owned).collect()
}

/// The verb upper-cased and packed into one number, so the verb match is integer
/// compares rather than a string compare per arm. Verbs are at most 8 octets; a longer
/// word packs to 0, which no verb has, and so matches nothing.
fn verb_key(verb: &str) -> u64 {
    if verb.len() > 8 {
        return 0;
    }
    // Shifted into a register octet by octet: copying into a buffer and reading it back
    // as one number stalls on the store.
    verb.bytes().enumerate().fold(0, |key, (index, octet)| {
        key | u64::from(octet.to_ascii_uppercase()) << (8 * index)
    })
}

/// [`verb_key`] of a verb as written in this file (upper case, at most 8 octets).
const fn key(verb: &[u8]) -> u64 {
    let mut buffer = [0u8; 8];
    let mut index = 0;
    while index < verb.len() && index < 8 {
        buffer[index] = verb[index];
        index += 1;
    }
    u64::from_le_bytes(buffer)
}

const VERB_EHLO: u64 = key(b"EHLO");
const VERB_HELO: u64 = key(b"HELO");
const VERB_MAIL: u64 = key(b"MAIL");
const VERB_RCPT: u64 = key(b"RCPT");
const VERB_DATA: u64 = key(b"DATA");
const VERB_BDAT: u64 = key(b"BDAT");
const VERB_RSET: u64 = key(b"RSET");
const VERB_QUIT: u64 = key(b"QUIT");
const VERB_STARTTLS: u64 = key(b"STARTTLS");
const VERB_TURN: u64 = key(b"TURN");
const VERB_NOOP: u64 = key(b"NOOP");
const VERB_VRFY: u64 = key(b"VRFY");
const VERB_EXPN: u64 = key(b"EXPN");
const VERB_HELP: u64 = key(b"HELP");
const VERB_AUTH: u64 = key(b"AUTH");
const VERB_ETRN: u64 = key(b"ETRN");
const VERB_ATRN: u64 = key(b"ATRN");
const VERB_SEND: u64 = key(b"SEND");
const VERB_SOML: u64 = key(b"SOML");
const VERB_SAML: u64 = key(b"SAML");

fn ascii_command_text(line: &[u8]) -> Result<&str, CommandError> {
    // A branch-free fold the compiler vectorises; the position is looked up only on failure.
    let printable = line
        .iter()
        .fold(true, |ok, &b| ok & (b.wrapping_sub(32) < 95));
    if let Some(at) = (!printable)
        .then(|| line.iter().position(|b| !(32..=126).contains(b)))
        .flatten()
    {
        let bad = line.get(at).copied().unwrap_or_default();
        // An odd octet inside the verb makes the verb unknown (500); inside the
        // arguments the verb is fine but its arguments are not (501).
        let in_verb = !line.get(..at).unwrap_or_default().contains(&b' ');
        let reply = if in_verb {
            ReplyKind::CommandUnrecognized
        } else {
            ReplyKind::BadOctetInCommand
        };
        return Err(CommandError::new(
            reply,
            format!("Command contains the octet 0x{bad:02X}; commands are printable ASCII"),
        ));
    }
    let text = core::str::from_utf8(line).unwrap_or_default();
    if text.is_empty() {
        return Err(CommandError::new(
            ReplyKind::CommandUnrecognized,
            "Empty command line",
        ));
    }
    Ok(text)
}

/// A MAIL or RCPT line whose only octets outside printable ASCII are UTF-8 characters
/// (no control octet, no malformed sequence): the text, for the SMTPUTF8 grammar.
fn utf8_path_text(line: &[u8]) -> Option<&str> {
    let text = core::str::from_utf8(line).ok()?;
    let verb = text.get(..4).map(verb_key)?;
    let no_controls = line
        .iter()
        .all(|&b| !b.is_ascii() || (32..=126).contains(&b))
        && !text.chars().any(char::is_control);
    (no_controls && matches!(verb, VERB_MAIL | VERB_RCPT) && text.as_bytes().get(4) == Some(&b' '))
        .then_some(text)
}

/// The space-separated words of `text` (runs of spaces count as one separator).
/// Walks the octets directly: command words are short, so a byte loop beats a
/// searcher set up per word.
fn words(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    core::iter::from_fn(move || {
        // Only spaces can be here (commands are printable ASCII), so trimming ASCII
        // white space is trimming spaces, without a pattern searcher.
        rest = rest.trim_ascii_start();
        if rest.is_empty() {
            return None;
        }
        let end = rest.bytes().position(|b| b == b' ').unwrap_or(rest.len());
        let word = rest.get(..end).unwrap_or_default();
        rest = rest.get(end..).unwrap_or_default();
        Some(word)
    })
}

/// Trims spaces at both ends. Commands are printable ASCII by the time this runs,
/// so the space is the only white space there is, and an octet loop suffices.
fn trim(text: &str) -> &str {
    text.trim_ascii()
}

fn truncate(text: &str, max: usize) -> &str {
    text.get(..max).unwrap_or(text)
}

#[inline]
fn no_argument<'a>(
    argument: Option<&str>,
    verb: &str,
    command: Command<&'a str>,
) -> Result<Command<&'a str>, CommandError> {
    match argument {
        Some(extra) if !trim(extra).is_empty() => Err(CommandError::syntax(verb)),
        _ => Ok(command),
    }
}

fn required<'a>(argument: Option<&'a str>, grammar: &str) -> Result<&'a str, CommandError> {
    match argument.map(trim) {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(CommandError::syntax(grammar)),
    }
}

fn parse_hello<'a>(argument: Option<&'a str>, verb: &str) -> Result<&'a str, CommandError> {
    let value = argument.map(trim).unwrap_or_default();
    if value.is_empty() {
        return Err(CommandError::syntax(&format!("{verb} <domain>")));
    }
    let name = words(value).next().unwrap_or_default();
    path::Domain::parse_borrowed(name)
        .map(path::Domain::into_text)
        .map_err(|error| CommandError::syntax(&format!("{verb} <domain> ({error})")))
}

/// Splits `FROM:` / `TO:` off the argument. Spaces after the colon are tolerated (many
/// clients send them) but the keyword and colon are required.
#[inline]
fn after_keyword<'a>(
    argument: Option<&'a str>,
    keyword: &str,
    grammar: &str,
) -> Result<&'a str, CommandError> {
    let argument = argument.ok_or_else(|| CommandError::syntax(grammar))?;
    // Compared as octets: slicing the text would check for a character boundary first.
    let head = argument.as_bytes().get(..keyword.len()).unwrap_or_default();
    if !head.eq_ignore_ascii_case(keyword.as_bytes()) {
        return Err(CommandError::syntax(grammar));
    }
    Ok(argument
        .get(keyword.len()..)
        .unwrap_or_default()
        .trim_ascii_start())
}

const MAIL_GRAMMAR: &str = "MAIL FROM:<reverse-path> [parameters]";
const RCPT_GRAMMAR: &str = "RCPT TO:<forward-path> [parameters]";

fn path_error(error: PathError, syntax_reply: ReplyKind, grammar: &str) -> CommandError {
    if error == PathError::MISSING_BRACKETS {
        return CommandError::new(
            syntax_reply,
            format!(
                "Syntax: {grammar}: the address must be in angle brackets (RFC 5321 §4.1.2); \
                 Postfix accepts a bare address unless strict_rfc821_envelopes = yes, this server is strict"
            ),
        );
    }
    if error.is_length_limit() {
        CommandError::new(ReplyKind::PathTooLong, error.to_string())
    } else {
        CommandError::new(syntax_reply, format!("Syntax: {grammar}: {error}"))
    }
}

fn parse_mail(argument: Option<&str>) -> Result<Command<&str>, CommandError> {
    let rest = after_keyword(argument, "FROM:", MAIL_GRAMMAR)?;
    if let Some((mailbox, tail)) = path::parse_plain_path(rest) {
        return Ok(Command::Mail {
            from: ReversePath::Mailbox(mailbox),
            parameters: parse_parameters(tail, MAIL_GRAMMAR)?,
        });
    }
    let (path_text, tail) = path::split_bracketed(rest)
        .map_err(|e| path_error(e, ReplyKind::BadSenderSyntax, MAIL_GRAMMAR))?;
    let from = path::parse_reverse_path(path_text)
        .map_err(|e| path_error(e, ReplyKind::BadSenderSyntax, MAIL_GRAMMAR))?;
    let parameters = parse_parameters(tail, MAIL_GRAMMAR)?;
    Ok(Command::Mail { from, parameters })
}

fn parse_rcpt(argument: Option<&str>) -> Result<Command<&str>, CommandError> {
    let rest = after_keyword(argument, "TO:", RCPT_GRAMMAR)?;
    if let Some((mailbox, tail)) = path::parse_plain_path(rest) {
        return Ok(Command::Rcpt {
            to: ForwardPath::Mailbox(mailbox),
            parameters: parse_parameters(tail, RCPT_GRAMMAR)?,
        });
    }
    let (path_text, tail) = path::split_bracketed(rest)
        .map_err(|e| path_error(e, ReplyKind::BadRecipientSyntax, RCPT_GRAMMAR))?;
    let to = path::parse_forward_path(path_text)
        .map_err(|e| path_error(e, ReplyKind::BadRecipientSyntax, RCPT_GRAMMAR))?;
    let parameters = parse_parameters(tail, RCPT_GRAMMAR)?;
    Ok(Command::Rcpt { to, parameters })
}

/// `*( SP esmtp-param )`; keyword `(ALPHA / DIGIT) *(ALPHA / DIGIT / "-")`, value any
/// printable ASCII except `=` and SP.
fn parse_parameters<'a>(
    tail: &'a str,
    grammar: &str,
) -> Result<Vec<Parameter<&'a str>>, CommandError> {
    let mut parameters = Vec::new();
    for token in words(tail) {
        let (keyword, value) = match token.bytes().position(|b| b == b'=') {
            Some(at) => (token.get(..at).unwrap_or_default(), token.get(at + 1..)),
            None => (token, None),
        };
        let keyword_ok = keyword
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
            && keyword
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        let value_ok = value.is_none_or(|v| !v.is_empty() && !v.bytes().any(|b| b == b'='));
        if !keyword_ok || !value_ok {
            return Err(CommandError::syntax(&format!(
                "{grammar}: bad parameter '{}'",
                truncate(token, 64)
            )));
        }
        parameters.push(Parameter { keyword, value });
    }
    Ok(parameters)
}

/// The grammar a 501 to BDAT quotes (RFC 3030 §2).
pub const BDAT_GRAMMAR: &str = "BDAT <chunk-size> [LAST]";

/// `bdat-cmd ::= "BDAT" SP chunk-size [ SP end-marker ]`, `chunk-size ::= 1*DIGIT`,
/// `end-marker ::= "LAST"` (RFC 3030 §2). A size beyond u64 is a syntax error: no
/// octet count can be that large, and wrapping it would misframe the stream.
fn parse_bdat(argument: Option<&str>) -> Result<Command<&str>, CommandError> {
    let mut words = words(argument.unwrap_or_default());
    let digits = words.next().unwrap_or_default();
    let last = match words.next() {
        None => false,
        Some(marker) if marker.eq_ignore_ascii_case("LAST") => true,
        Some(_) => return Err(CommandError::syntax(BDAT_GRAMMAR)),
    };
    if words.next().is_some() || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CommandError::syntax(BDAT_GRAMMAR));
    }
    let size = digits
        .bytes()
        .try_fold(0u64, |total, digit| {
            total
                .checked_mul(10)
                .and_then(|t| t.checked_add(u64::from(digit - b'0')))
        })
        .ok_or_else(|| {
            CommandError::syntax(&format!(
                "{BDAT_GRAMMAR}: the chunk size is beyond any octet count"
            ))
        })?;
    Ok(Command::Bdat { size, last })
}

fn parse_auth(argument: Option<&str>) -> Result<Command<&str>, CommandError> {
    let value = required(argument, "AUTH <mechanism> [initial-response]")?;
    let mut words = words(value);
    let mechanism = words.next().unwrap_or_default();
    let initial_response = words.next();
    if words.next().is_some() {
        return Err(CommandError::syntax("AUTH <mechanism> [initial-response]"));
    }
    Ok(Command::Auth {
        mechanism,
        initial_response,
    })
}

fn parse_atrn(argument: Option<&str>) -> Command<&str> {
    let domains = argument
        .unwrap_or_default()
        .split(',')
        .map(trim)
        .filter(|d| !d.is_empty())
        .collect();
    Command::Atrn { domains }
}

impl<S: AsRef<str>> fmt::Display for Command<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.verb())?;
        match self {
            Self::Ehlo { domain } | Self::Helo { domain } => write!(f, " {}", domain.as_ref()),
            Self::Mail { from, parameters } => {
                write!(f, " FROM:{from}")?;
                write_parameters(f, parameters)
            }
            Self::Rcpt { to, parameters } => {
                write!(f, " TO:{to}")?;
                write_parameters(f, parameters)
            }
            Self::Vrfy { argument } | Self::Expn { argument } | Self::Etrn { argument } => {
                write!(f, " {}", argument.as_ref())
            }
            Self::Help { topic: Some(topic) } => write!(f, " {}", topic.as_ref()),
            Self::Bdat { size, last } => {
                write!(f, " {size}")?;
                if *last {
                    f.write_str(" LAST")?;
                }
                Ok(())
            }
            Self::Auth {
                mechanism,
                initial_response,
            } => {
                write!(f, " {}", mechanism.as_ref())?;
                match initial_response {
                    Some(response) => write!(f, " {}", response.as_ref()),
                    None => Ok(()),
                }
            }
            Self::Atrn { domains } => {
                for (index, domain) in domains.iter().enumerate() {
                    let separator = if index == 0 { ' ' } else { ',' };
                    write!(f, "{separator}{}", domain.as_ref())?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

fn write_parameters<S: AsRef<str>>(
    f: &mut fmt::Formatter<'_>,
    parameters: &[Parameter<S>],
) -> fmt::Result {
    for parameter in parameters {
        write!(f, " {parameter}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Command, CommandError> {
        Command::parse(text.as_bytes())
    }

    #[test]
    fn round_trips_canonical_commands() {
        for text in [
            "EHLO client.example",
            "HELO client.example",
            "MAIL FROM:<a@b.example> SIZE=1000 BODY=8BITMIME",
            "MAIL FROM:<>",
            "RCPT TO:<Postmaster>",
            "RCPT TO:<c@d.example>",
            "DATA",
            "RSET",
            "QUIT",
            "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm",
            "AUTH CRAM-MD5",
            "ETRN @dialup.example",
            "VRFY postmaster",
            "BDAT 120",
            "BDAT 0 LAST",
        ] {
            assert_eq!(parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn verbs_are_case_insensitive() {
        assert_eq!(parse("quit"), Ok(Command::Quit));
        assert!(matches!(
            parse("mail from:<a@b.c>"),
            Ok(Command::Mail { .. })
        ));
    }

    #[test]
    fn errors_carry_the_reply_kind() {
        let cases = [
            ("FOO", ReplyKind::CommandUnrecognized),
            ("", ReplyKind::CommandUnrecognized),
            ("MAIL FROM:a@b.example", ReplyKind::BadSenderSyntax),
            ("MAIL TO:<a@b.example>", ReplyKind::SyntaxError),
            ("RCPT TO:<a@>", ReplyKind::BadRecipientSyntax),
            ("DATA now", ReplyKind::SyntaxError),
            ("EHLO", ReplyKind::SyntaxError),
            ("NOOP\0", ReplyKind::CommandUnrecognized),
            ("NOOP x\0", ReplyKind::BadOctetInCommand),
            (
                "MAIL FROM:<a\u{85}@b.example>",
                ReplyKind::BadOctetInCommand,
            ),
            ("NOOP é", ReplyKind::BadOctetInCommand),
            ("VRFY jörg", ReplyKind::BadOctetInCommand),
            ("MAIL FROM:<a@b.example> SIZE==1", ReplyKind::SyntaxError),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text).map_err(|e| e.reply), Err(expected), "{text:?}");
        }
    }

    #[test]
    fn utf8_paths_parse_for_the_server_to_judge() {
        let mail = parse("MAIL FROM:<jörg@bücher.example> SMTPUTF8").unwrap();
        assert_eq!(mail.to_string(), "MAIL FROM:<jörg@bücher.example> SMTPUTF8");
        assert!(parse("rcpt TO:<用户@例子.广告>").is_ok());
        let invalid = Command::parse(b"MAIL FROM:<j\xF6rg@example.org>");
        assert_eq!(
            invalid.map_err(|e| e.reply),
            Err(ReplyKind::BadOctetInCommand)
        );
    }

    #[test]
    fn bdat_reads_its_size_and_end_marker() {
        assert_eq!(
            parse("bdat 42 last"),
            Ok(Command::Bdat {
                size: 42,
                last: true
            })
        );
        assert_eq!(
            parse("BDAT 18446744073709551615"),
            Ok(Command::Bdat {
                size: u64::MAX,
                last: false
            })
        );
        for bad in [
            "BDAT",
            "BDAT LAST",
            "BDAT -1",
            "BDAT 12a",
            "BDAT 1 FIRST",
            "BDAT 1 LAST x",
            "BDAT 18446744073709551616",
        ] {
            assert_eq!(
                parse(bad).map_err(|e| e.reply),
                Err(ReplyKind::SyntaxError),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn obsolete_verbs_are_recognised() {
        assert_eq!(
            parse("SOML FROM:<a@b.c>"),
            Ok(Command::Obsolete {
                which: ObsoleteVerb::Soml
            })
        );
        assert_eq!(parse("TURN"), Ok(Command::Turn));
    }

    #[test]
    fn over_long_local_part_is_path_too_long() {
        let line = format!("RCPT TO:<{}@example.org>", "x".repeat(65));
        assert_eq!(
            parse(&line).map_err(|e| e.reply),
            Err(ReplyKind::PathTooLong)
        );
    }
}
