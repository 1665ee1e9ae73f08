//! SMTP commands as typed values. `Command::parse` reads one command line (without its
//! CRLF); `Display` writes the canonical wire form. Clients build commands as values and
//! never format command text themselves.

use core::fmt;
use serde::Serialize;

use super::codes::ReplyKind;
use super::path::{self, ForwardPath, PathError, ReversePath};

/// An ESMTP parameter on MAIL or RCPT (`esmtp-keyword ["=" esmtp-value]`, RFC 5321 §4.1.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Parameter {
    /// The keyword, upper-cased (keywords are case-insensitive).
    pub keyword: String,
    /// The value after `=`, if any.
    pub value: Option<String>,
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

impl fmt::Display for Parameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(value) => write!(f, "{}={}", self.keyword, value),
            None => f.write_str(&self.keyword),
        }
    }
}

/// Verbs RFC 5321 retired (Appendix F); a server answers them 502.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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
#[serde(tag = "verb")]
pub enum Command {
    /// `EHLO domain` (RFC 5321 §4.1.1.1).
    Ehlo {
        /// The client's name or address literal.
        domain: String,
    },
    /// `HELO domain`.
    Helo {
        /// The client's name.
        domain: String,
    },
    /// `MAIL FROM:<path> [params]`.
    Mail {
        /// The reverse-path.
        from: ReversePath,
        /// ESMTP parameters (SIZE=, BODY=, AUTH=).
        parameters: Vec<Parameter>,
    },
    /// `RCPT TO:<path> [params]`.
    Rcpt {
        /// The forward-path.
        to: ForwardPath,
        /// ESMTP parameters.
        parameters: Vec<Parameter>,
    },
    /// `DATA`.
    Data,
    /// `RSET`.
    Rset,
    /// `NOOP [string]`.
    Noop,
    /// `QUIT`.
    Quit,
    /// `VRFY string`.
    Vrfy {
        /// What to verify.
        argument: String,
    },
    /// `EXPN string`.
    Expn {
        /// The list to expand.
        argument: String,
    },
    /// `HELP [topic]`.
    Help {
        /// Optional topic.
        topic: Option<String>,
    },
    /// `AUTH mechanism [initial-response]` (RFC 4954 §4).
    Auth {
        /// The SASL mechanism name, upper-cased.
        mechanism: String,
        /// The base64 initial response; `=` stands for an empty one.
        initial_response: Option<String>,
    },
    /// `STARTTLS` (RFC 3207).
    StartTls,
    /// `ETRN node` (RFC 1985).
    Etrn {
        /// A domain, `@domain` or `#queue`.
        argument: String,
    },
    /// `TURN` (RFC 821, obsolete and insecure).
    Turn,
    /// `ATRN [domain,...]` (RFC 2645).
    Atrn {
        /// Domains requested, if any.
        domains: Vec<String>,
    },
    /// SEND, SOML or SAML.
    Obsolete {
        /// Which.
        which: ObsoleteVerb,
    },
}

/// Why a command line was refused, with the reply it earns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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

impl Command {
    /// The verb as sent on the wire.
    pub fn verb(&self) -> &'static str {
        match self {
            Self::Ehlo { .. } => "EHLO",
            Self::Helo { .. } => "HELO",
            Self::Mail { .. } => "MAIL",
            Self::Rcpt { .. } => "RCPT",
            Self::Data => "DATA",
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

    /// The wire form with its CRLF.
    pub fn encode(&self) -> Vec<u8> {
        format!("{self}\r\n").into_bytes()
    }

    /// Parses one command line, CRLF already removed. Octets outside printable ASCII
    /// are refused before anything else: without SMTPUTF8 commands are ASCII (RFC 5321
    /// §2.4), and a NUL has no place in a command.
    pub fn parse(line: &[u8]) -> Result<Self, CommandError> {
        let text = ascii_command_text(line)?;
        // A short byte loop: the space is a few octets in, where a vector search costs more.
        let (verb, argument) = match text.bytes().position(|b| b == b' ') {
            Some(at) => (text.get(..at).unwrap_or_default(), text.get(at + 1..)),
            None => (text, None),
        };
        let mut upper = [0u8; 8];
        match upper_case_verb(verb, &mut upper) {
            b"EHLO" => parse_hello(argument, "EHLO").map(|domain| Self::Ehlo { domain }),
            b"HELO" => parse_hello(argument, "HELO").map(|domain| Self::Helo { domain }),
            b"MAIL" => parse_mail(argument),
            b"RCPT" => parse_rcpt(argument),
            b"DATA" => no_argument(argument, "DATA", Self::Data),
            b"RSET" => no_argument(argument, "RSET", Self::Rset),
            b"QUIT" => no_argument(argument, "QUIT", Self::Quit),
            b"STARTTLS" => no_argument(argument, "STARTTLS", Self::StartTls),
            b"TURN" => no_argument(argument, "TURN", Self::Turn),
            b"NOOP" => Ok(Self::Noop),
            b"VRFY" => required(argument, "VRFY <string>").map(|argument| Self::Vrfy { argument }),
            b"EXPN" => required(argument, "EXPN <string>").map(|argument| Self::Expn { argument }),
            b"HELP" => Ok(Self::Help {
                topic: argument.map(str::to_owned).filter(|t| !t.is_empty()),
            }),
            b"AUTH" => parse_auth(argument),
            b"ETRN" => required(argument, "ETRN <domain> | @<domain> | #<queue>")
                .map(|argument| Self::Etrn { argument }),
            b"ATRN" => Ok(parse_atrn(argument)),
            b"SEND" => Ok(Self::Obsolete {
                which: ObsoleteVerb::Send,
            }),
            b"SOML" => Ok(Self::Obsolete {
                which: ObsoleteVerb::Soml,
            }),
            b"SAML" => Ok(Self::Obsolete {
                which: ObsoleteVerb::Saml,
            }),
            _ => Err(CommandError::new(
                ReplyKind::CommandUnrecognized,
                format!("Unknown command '{}'", truncate(verb, 32)),
            )),
        }
    }
}

/// The verb upper-cased into `buffer` without allocating or re-checking UTF-8 (it is
/// matched as octets); a verb longer than any known one comes back empty (and so
/// matches nothing).
fn upper_case_verb<'b>(verb: &str, buffer: &'b mut [u8; 8]) -> &'b [u8] {
    let Some(slot) = buffer.get_mut(..verb.len()) else {
        return b"";
    };
    slot.copy_from_slice(verb.as_bytes());
    slot.make_ascii_uppercase();
    slot
}

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

/// The space-separated words of `text` (runs of spaces count as one separator).
/// Walks the octets directly: command words are short, so a byte loop beats a
/// searcher set up per word.
fn words(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    core::iter::from_fn(move || {
        rest = rest.trim_start_matches(' ');
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

fn no_argument(
    argument: Option<&str>,
    verb: &str,
    command: Command,
) -> Result<Command, CommandError> {
    match argument {
        Some(extra) if !trim(extra).is_empty() => Err(CommandError::syntax(verb)),
        _ => Ok(command),
    }
}

fn required(argument: Option<&str>, grammar: &str) -> Result<String, CommandError> {
    match argument.map(trim) {
        Some(value) if !value.is_empty() => Ok(value.to_owned()),
        _ => Err(CommandError::syntax(grammar)),
    }
}

fn parse_hello(argument: Option<&str>, verb: &str) -> Result<String, CommandError> {
    let value = argument.map(trim).unwrap_or_default();
    if value.is_empty() {
        return Err(CommandError::syntax(&format!("{verb} <domain>")));
    }
    let name = words(value).next().unwrap_or_default();
    path::Domain::parse(name)
        .map(path::Domain::into_string)
        .map_err(|error| CommandError::syntax(&format!("{verb} <domain> ({error})")))
}

/// Splits `FROM:` / `TO:` off the argument. Spaces after the colon are tolerated (many
/// clients send them) but the keyword and colon are required.
fn after_keyword<'a>(
    argument: Option<&'a str>,
    keyword: &str,
    grammar: &str,
) -> Result<&'a str, CommandError> {
    let argument = argument.ok_or_else(|| CommandError::syntax(grammar))?;
    let head = argument.get(..keyword.len()).unwrap_or_default();
    if !head.eq_ignore_ascii_case(keyword) {
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

fn parse_mail(argument: Option<&str>) -> Result<Command, CommandError> {
    let rest = after_keyword(argument, "FROM:", MAIL_GRAMMAR)?;
    let (path_text, tail) = path::split_bracketed(rest)
        .map_err(|e| path_error(e, ReplyKind::BadSenderSyntax, MAIL_GRAMMAR))?;
    let from = path::parse_reverse_path(path_text)
        .map_err(|e| path_error(e, ReplyKind::BadSenderSyntax, MAIL_GRAMMAR))?;
    let parameters = parse_parameters(tail, MAIL_GRAMMAR)?;
    Ok(Command::Mail { from, parameters })
}

fn parse_rcpt(argument: Option<&str>) -> Result<Command, CommandError> {
    let rest = after_keyword(argument, "TO:", RCPT_GRAMMAR)?;
    let (path_text, tail) = path::split_bracketed(rest)
        .map_err(|e| path_error(e, ReplyKind::BadRecipientSyntax, RCPT_GRAMMAR))?;
    let to = path::parse_forward_path(path_text)
        .map_err(|e| path_error(e, ReplyKind::BadRecipientSyntax, RCPT_GRAMMAR))?;
    let parameters = parse_parameters(tail, RCPT_GRAMMAR)?;
    Ok(Command::Rcpt { to, parameters })
}

/// `*( SP esmtp-param )`; keyword `(ALPHA / DIGIT) *(ALPHA / DIGIT / "-")`, value any
/// printable ASCII except `=` and SP.
fn parse_parameters(tail: &str, grammar: &str) -> Result<Vec<Parameter>, CommandError> {
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
        let value_ok = value.is_none_or(|v| !v.is_empty() && !v.contains('='));
        if !keyword_ok || !value_ok {
            return Err(CommandError::syntax(&format!(
                "{grammar}: bad parameter '{}'",
                truncate(token, 64)
            )));
        }
        parameters.push(Parameter {
            keyword: keyword.to_ascii_uppercase(),
            value: value.map(str::to_owned),
        });
    }
    Ok(parameters)
}

fn parse_auth(argument: Option<&str>) -> Result<Command, CommandError> {
    let value = required(argument, "AUTH <mechanism> [initial-response]")?;
    let mut words = words(&value);
    let mechanism = words.next().unwrap_or_default().to_ascii_uppercase();
    let initial_response = words.next().map(str::to_owned);
    if words.next().is_some() {
        return Err(CommandError::syntax("AUTH <mechanism> [initial-response]"));
    }
    Ok(Command::Auth {
        mechanism,
        initial_response,
    })
}

fn parse_atrn(argument: Option<&str>) -> Command {
    let domains = argument
        .unwrap_or_default()
        .split(',')
        .map(trim)
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
        .collect();
    Command::Atrn { domains }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.verb())?;
        match self {
            Self::Ehlo { domain } | Self::Helo { domain } => write!(f, " {domain}"),
            Self::Mail { from, parameters } => {
                write!(f, " FROM:{from}")?;
                write_parameters(f, parameters)
            }
            Self::Rcpt { to, parameters } => {
                write!(f, " TO:{to}")?;
                write_parameters(f, parameters)
            }
            Self::Vrfy { argument } | Self::Expn { argument } | Self::Etrn { argument } => {
                write!(f, " {argument}")
            }
            Self::Help { topic: Some(topic) } => write!(f, " {topic}"),
            Self::Auth {
                mechanism,
                initial_response,
            } => {
                write!(f, " {mechanism}")?;
                match initial_response {
                    Some(response) => write!(f, " {response}"),
                    None => Ok(()),
                }
            }
            Self::Atrn { domains } if !domains.is_empty() => write!(f, " {}", domains.join(",")),
            _ => Ok(()),
        }
    }
}

fn write_parameters(f: &mut fmt::Formatter<'_>, parameters: &[Parameter]) -> fmt::Result {
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
            ("MAIL FROM:<aé@b.example>", ReplyKind::BadOctetInCommand),
            ("MAIL FROM:<a@b.example> SIZE==1", ReplyKind::SyntaxError),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text).map_err(|e| e.reply), Err(expected), "{text:?}");
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
