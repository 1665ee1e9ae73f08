//! POP3 commands (RFC 1939 §3, RFC 2449): a case-insensitive keyword of three or four
//! characters, then arguments separated by single spaces, each at most 40 octets
//! (RFC 2449 §4), all printable ASCII. Parsing is the only place the wire text of a
//! command is read.

use serde::Serialize;

use super::codes::Pop3ReplyKind;

/// Longest command line, CRLF included (RFC 2449 §4).
pub const MAX_POP3_LINE: usize = 255;
/// Longest argument (RFC 2449 §4).
pub const MAX_ARGUMENT: usize = 40;

/// One parsed command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "verb", rename_all = "camelCase")]
pub enum Pop3Command {
    /// `USER name` (RFC 1939 §7).
    User {
        /// The maildrop's name.
        name: String,
    },
    /// `PASS secret` (RFC 1939 §7); the whole rest of the line, spaces included.
    Pass {
        /// The password as sent.
        secret: String,
    },
    /// `APOP name digest` (RFC 1939 §7).
    Apop {
        /// The maildrop's name.
        name: String,
        /// MD5(timestamp + secret) in hex, as sent.
        digest: String,
    },
    /// `STAT` (RFC 1939 §5).
    Stat,
    /// `LIST [msg]` (RFC 1939 §5).
    List {
        /// One message, or all when absent.
        message: Option<u32>,
    },
    /// `RETR msg` (RFC 1939 §5).
    Retr {
        /// Message number, from 1.
        message: u32,
    },
    /// `TOP msg n` (RFC 1939 §7).
    Top {
        /// Message number, from 1.
        message: u32,
        /// Body lines to send after the header.
        lines: u32,
    },
    /// `DELE msg` (RFC 1939 §5).
    Dele {
        /// Message number, from 1.
        message: u32,
    },
    /// `NOOP` (RFC 1939 §5).
    Noop,
    /// `RSET` (RFC 1939 §5).
    Rset,
    /// `QUIT` (RFC 1939 §4, §6).
    Quit,
    /// `CAPA` (RFC 2449 §5).
    Capa,
}

impl Pop3Command {
    /// The keyword as the RFC spells it.
    pub fn verb(&self) -> &'static str {
        match self {
            Pop3Command::User { .. } => "USER",
            Pop3Command::Pass { .. } => "PASS",
            Pop3Command::Apop { .. } => "APOP",
            Pop3Command::Stat => "STAT",
            Pop3Command::List { .. } => "LIST",
            Pop3Command::Retr { .. } => "RETR",
            Pop3Command::Top { .. } => "TOP",
            Pop3Command::Dele { .. } => "DELE",
            Pop3Command::Noop => "NOOP",
            Pop3Command::Rset => "RSET",
            Pop3Command::Quit => "QUIT",
            Pop3Command::Capa => "CAPA",
        }
    }

    /// Parses one command line (without its line ending).
    pub fn parse(line: &[u8]) -> Result<Self, Pop3CommandError> {
        if let Some(bad) = line.iter().find(|octet| !(0x20..=0x7e).contains(*octet)) {
            return Err(Pop3CommandError::syntax(format!(
                "Octet 0x{bad:02x} is not printable ASCII; POP3 commands are printable ASCII."
            )));
        }
        let text = String::from_utf8_lossy(line);
        let (keyword, rest) = match text.split_once(' ') {
            Some((keyword, rest)) => (keyword, Some(rest)),
            None => (text.as_ref(), None),
        };
        let keyword = keyword.to_ascii_uppercase();
        if keyword == "PASS" {
            return parse_pass(rest);
        }
        let arguments = split_arguments(rest)?;
        let arguments: Vec<&str> = arguments.iter().map(String::as_str).collect();
        match (keyword.as_str(), arguments.as_slice()) {
            ("USER", [name]) => Ok(Pop3Command::User {
                name: (*name).to_owned(),
            }),
            ("APOP", [name, digest]) => Ok(Pop3Command::Apop {
                name: (*name).to_owned(),
                digest: (*digest).to_owned(),
            }),
            ("STAT", []) => Ok(Pop3Command::Stat),
            ("LIST", []) => Ok(Pop3Command::List { message: None }),
            ("LIST", [number]) => Ok(Pop3Command::List {
                message: Some(parse_number(number)?),
            }),
            ("RETR", [number]) => Ok(Pop3Command::Retr {
                message: parse_number(number)?,
            }),
            ("TOP", [number, lines]) => Ok(Pop3Command::Top {
                message: parse_number(number)?,
                lines: parse_number(lines)?,
            }),
            ("DELE", [number]) => Ok(Pop3Command::Dele {
                message: parse_number(number)?,
            }),
            ("NOOP", []) => Ok(Pop3Command::Noop),
            ("RSET", []) => Ok(Pop3Command::Rset),
            ("QUIT", []) => Ok(Pop3Command::Quit),
            ("CAPA", []) => Ok(Pop3Command::Capa),
            (known, _) if grammar(known).is_some() => Err(Pop3CommandError::syntax(format!(
                "Expected: {}",
                grammar(known).unwrap_or_default()
            ))),
            _ => Err(Pop3CommandError {
                kind: Pop3ReplyKind::UnknownCommand,
                detail: format!(
                    "'{}' is not a POP3 command.",
                    text.split(' ').next().unwrap_or_default()
                ),
            }),
        }
    }
}

/// What went wrong parsing a command, with the reply it earns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pop3CommandError {
    /// The reply row to answer with.
    pub kind: Pop3ReplyKind,
    /// What was wrong, for the event log.
    pub detail: String,
}

impl Pop3CommandError {
    fn syntax(detail: String) -> Self {
        Self {
            kind: Pop3ReplyKind::SyntaxError,
            detail,
        }
    }
}

/// The RFC grammar of each known keyword, for syntax-error explanations.
fn grammar(keyword: &str) -> Option<&'static str> {
    Some(match keyword {
        "USER" => "USER name",
        "PASS" => "PASS string",
        "APOP" => "APOP name digest",
        "STAT" => "STAT",
        "LIST" => "LIST [msg]",
        "RETR" => "RETR msg",
        "TOP" => "TOP msg n",
        "DELE" => "DELE msg",
        "NOOP" => "NOOP",
        "RSET" => "RSET",
        "QUIT" => "QUIT",
        "CAPA" => "CAPA",
        _ => return None,
    })
}

/// RFC 1939 §7: PASS has exactly one argument, so spaces belong to the password.
fn parse_pass(rest: Option<&str>) -> Result<Pop3Command, Pop3CommandError> {
    let secret = rest.unwrap_or_default();
    if secret.is_empty() {
        return Err(Pop3CommandError::syntax("Expected: PASS string".into()));
    }
    check_length(secret)?;
    Ok(Pop3Command::Pass {
        secret: secret.to_owned(),
    })
}

fn split_arguments(rest: Option<&str>) -> Result<Vec<String>, Pop3CommandError> {
    let Some(rest) = rest else {
        return Ok(Vec::new());
    };
    rest.split(' ')
        .map(|argument| {
            if argument.is_empty() {
                return Err(Pop3CommandError::syntax(
                    "Keywords and arguments are separated by exactly one space.".into(),
                ));
            }
            check_length(argument)?;
            Ok(argument.to_owned())
        })
        .collect()
}

fn check_length(argument: &str) -> Result<(), Pop3CommandError> {
    if argument.len() > MAX_ARGUMENT {
        return Err(Pop3CommandError {
            kind: Pop3ReplyKind::ArgumentTooLong,
            detail: format!(
                "An argument of {} octets; at most {MAX_ARGUMENT} are allowed.",
                argument.len()
            ),
        });
    }
    Ok(())
}

/// A decimal message number or line count. Values too large for `u32` saturate: no
/// maildrop holds that many messages, so they are answered "no such message".
fn parse_number(argument: &str) -> Result<u32, Pop3CommandError> {
    if argument.is_empty() || !argument.bytes().all(|octet| octet.is_ascii_digit()) {
        return Err(Pop3CommandError::syntax(format!(
            "'{argument}' is not a decimal number."
        )));
    }
    Ok(argument.bytes().fold(0u32, |value, digit| {
        value
            .saturating_mul(10)
            .saturating_add(u32::from(digit.saturating_sub(b'0')))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_command_case_insensitively() {
        assert_eq!(
            Pop3Command::parse(b"user mrose"),
            Ok(Pop3Command::User {
                name: "mrose".into()
            })
        );
        assert_eq!(
            Pop3Command::parse(b"PASS my secret"),
            Ok(Pop3Command::Pass {
                secret: "my secret".into()
            })
        );
        assert_eq!(
            Pop3Command::parse(b"LiSt 2"),
            Ok(Pop3Command::List { message: Some(2) })
        );
        assert_eq!(
            Pop3Command::parse(b"TOP 1 10"),
            Ok(Pop3Command::Top {
                message: 1,
                lines: 10
            })
        );
        assert_eq!(Pop3Command::parse(b"capa"), Ok(Pop3Command::Capa));
    }

    #[test]
    fn rejects_with_the_right_reply() {
        let kind = |line: &[u8]| Pop3Command::parse(line).unwrap_err().kind;
        assert_eq!(kind(b"HELO x"), Pop3ReplyKind::UnknownCommand);
        assert_eq!(kind(b""), Pop3ReplyKind::UnknownCommand);
        assert_eq!(kind(b"RETR"), Pop3ReplyKind::SyntaxError);
        assert_eq!(kind(b"RETR one"), Pop3ReplyKind::SyntaxError);
        assert_eq!(kind(b"RETR -1"), Pop3ReplyKind::SyntaxError);
        assert_eq!(kind(b"STAT now"), Pop3ReplyKind::SyntaxError);
        assert_eq!(kind(b"LIST  1"), Pop3ReplyKind::SyntaxError);
        assert_eq!(kind(b"USER \x01"), Pop3ReplyKind::SyntaxError);
        assert_eq!(kind(b"PASS"), Pop3ReplyKind::SyntaxError);
        assert_eq!(kind(&[b'x'; 41]), Pop3ReplyKind::UnknownCommand);
        let mut long = b"USER ".to_vec();
        long.extend_from_slice(&[b'a'; 41]);
        assert_eq!(kind(&long), Pop3ReplyKind::ArgumentTooLong);
    }

    #[test]
    fn huge_numbers_saturate() {
        assert_eq!(
            Pop3Command::parse(b"DELE 99999999999999999999"),
            Ok(Pop3Command::Dele { message: u32::MAX })
        );
    }
}
