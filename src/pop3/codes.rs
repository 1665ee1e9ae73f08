//! The one table of POP3 replies. POP3 has no numeric codes: every reply starts with a
//! status indicator, `+OK` or `-ERR` (RFC 1939 §3), followed by free text. Each row names
//! a condition, its indicator, the default text, the RFC section and a one-line
//! explanation for learners. No other file writes `+OK` or `-ERR`.

use core::fmt;

use serde::Serialize;

/// The status indicator that starts every POP3 reply (RFC 1939 §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// `+OK`: the command succeeded.
    Ok,
    /// `-ERR`: the command failed; the session goes on.
    Err,
}

impl Status {
    /// The indicator as sent on the wire.
    pub const fn wire(self) -> &'static str {
        match self {
            Status::Ok => "+OK",
            Status::Err => "-ERR",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.wire())
    }
}

macro_rules! pop3_reply_table {
    ($(
        $(#[$doc:meta])*
        $name:ident => $status:ident, $text:literal, $rfc:literal, $why:literal;
    )*) => {
        /// Every condition the POP3 server engine can answer with.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub enum Pop3ReplyKind {
            $( $(#[$doc])* $name, )*
        }

        impl Pop3ReplyKind {
            /// Every row, in table order (for documentation and tests).
            pub const ALL: &'static [Pop3ReplyKind] = &[$(Pop3ReplyKind::$name),*];

            /// `+OK` or `-ERR`.
            pub const fn status(self) -> Status {
                match self {
                    $( Pop3ReplyKind::$name => Status::$status, )*
                }
            }

            /// The text sent when the caller has nothing more specific to say.
            pub(crate) const fn default_text(self) -> &'static str {
                match self {
                    $( Pop3ReplyKind::$name => $text, )*
                }
            }

            /// The RFC section that defines this reply.
            pub const fn rfc(self) -> &'static str {
                match self {
                    $( Pop3ReplyKind::$name => $rfc, )*
                }
            }

            /// Why a server answers this way, for learners.
            pub const fn explanation(self) -> &'static str {
                match self {
                    $( Pop3ReplyKind::$name => $why, )*
                }
            }
        }
    };
}

pop3_reply_table! {
    /// The greeting; with a `<timestamp>` when APOP is offered.
    Greeting => Ok, "POP3 server ready", "RFC 1939 §4",
        "The server speaks first with +OK; a <...> timestamp in the banner means APOP is offered.";
    /// USER named a known maildrop.
    UserAccepted => Ok, "send PASS", "RFC 1939 §7",
        "USER names the maildrop; the password follows in PASS.";
    /// USER named no known maildrop.
    NoSuchUser => Err, "no mailbox for that user here", "RFC 1939 §7",
        "The server knows no such maildrop. (Many servers answer +OK anyway so outsiders cannot probe for user names.)";
    /// PASS or APOP succeeded: the maildrop is open.
    LoggedIn => Ok, "maildrop locked and ready", "RFC 1939 §7",
        "The credentials were right: the server opens and locks the maildrop and enters the TRANSACTION state.";
    /// PASS with a wrong password.
    InvalidPassword => Err, "invalid password", "RFC 1939 §7",
        "The password did not match; the session returns to the AUTHORIZATION state.";
    /// APOP with an unknown user or a wrong digest (same text for both, so it reveals nothing).
    ApopFailed => Err, "permission denied", "RFC 1939 §7",
        "The digest did not match MD5(timestamp + secret) for that user; the session stays in AUTHORIZATION.";
    /// APOP when the greeting carried no timestamp.
    ApopNotOffered => Err, "APOP not offered", "RFC 1939 §7",
        "The greeting carried no timestamp, so there is nothing for the client to digest.";
    /// STAT: the drop listing.
    DropListing => Ok, "", "RFC 1939 §5",
        "STAT gives the number of messages and their total size in octets, messages marked as deleted left out.";
    /// LIST without an argument: a multi-line scan listing follows.
    ScanListing => Ok, "scan listing follows", "RFC 1939 §5",
        "LIST without an argument sends one 'number size' line per message not marked as deleted, ended by a lone dot.";
    /// LIST n: one scan line.
    ScanLine => Ok, "", "RFC 1939 §5",
        "LIST with a message number answers on one line: the number and the size in octets.";
    /// RETR n: the message follows, byte-stuffed.
    MessageFollows => Ok, "message follows", "RFC 1939 §5",
        "The whole message follows; lines starting with '.' get one more '.', and CRLF.CRLF ends it.";
    /// TOP n m: the headers and m body lines follow.
    TopFollows => Ok, "top of message follows", "RFC 1939 §7",
        "TOP sends the header, the blank line and the first lines of the body, byte-stuffed like RETR.";
    /// DELE n succeeded.
    Deleted => Ok, "message deleted", "RFC 1939 §5",
        "The message is only marked; it is removed when QUIT takes the session into the UPDATE state.";
    /// A message number that does not exist.
    NoSuchMessage => Err, "no such message", "RFC 1939 §5",
        "Message numbers run from 1 to the number of messages in the maildrop when the session began.";
    /// A message number marked as deleted.
    AlreadyDeleted => Err, "message already deleted", "RFC 1939 §5",
        "A message marked as deleted may not be referred to again until RSET unmarks it.";
    /// NOOP.
    NoopOk => Ok, "", "RFC 1939 §5", "NOOP does nothing but must be answered with +OK.";
    /// RSET: all deletion marks removed.
    ResetOk => Ok, "", "RFC 1939 §5", "RSET unmarks every message marked as deleted in this session.";
    /// QUIT before login: no UPDATE state.
    SigningOff => Ok, "POP3 server signing off", "RFC 1939 §4",
        "QUIT in the AUTHORIZATION state closes the connection without entering UPDATE.";
    /// QUIT in TRANSACTION: deletions applied in UPDATE.
    UpdateDone => Ok, "POP3 server signing off", "RFC 1939 §6",
        "QUIT in the TRANSACTION state enters UPDATE: the messages marked as deleted are removed, then the server closes.";
    /// CAPA: the capability list follows.
    Capabilities => Ok, "Capability list follows", "RFC 2449 §5",
        "CAPA lists what this server supports, one capability per line, ended by a lone dot.";
    /// An unknown keyword.
    UnknownCommand => Err, "unknown command", "RFC 1939 §3",
        "The server does not know this keyword; it answers -ERR and the session goes on.";
    /// A known command in the wrong state.
    WrongState => Err, "command not valid in this state", "RFC 1939 §3",
        "Each POP3 command is valid only in certain states (AUTHORIZATION, TRANSACTION).";
    /// Missing, extra or malformed arguments.
    SyntaxError => Err, "syntax error", "RFC 1939 §3",
        "The keyword is known but its arguments do not follow the grammar.";
    /// A command line over 255 octets.
    LineTooLong => Err, "line too long", "RFC 2449 §4",
        "A POP3 command line may be at most 255 octets including CRLF.";
    /// An argument over 40 octets.
    ArgumentTooLong => Err, "argument too long", "RFC 2449 §4",
        "Each POP3 argument may be at most 40 octets.";
    /// Too many bad commands: the server closes (no UPDATE).
    TooManyErrors => Err, "too many errors, closing connection", "RFC 1939 §6",
        "The server limits how many bad commands a session may send; closing without QUIT removes no message.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_explained_and_failures_say_err() {
        for kind in Pop3ReplyKind::ALL {
            assert!(kind.rfc().starts_with("RFC "), "{kind:?}");
            assert!(!kind.explanation().is_empty(), "{kind:?}");
            assert!(!kind.default_text().contains('\n'), "{kind:?}");
        }
        assert_eq!(Pop3ReplyKind::NoSuchMessage.status().wire(), "-ERR");
        assert_eq!(Pop3ReplyKind::LoggedIn.status().to_string(), "+OK");
    }
}
