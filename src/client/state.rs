//! The client's state machine as data. The session's stage says which reply it waits
//! for ([`Expect`]); for each awaited reply a [`Table`] says what its code leads to.
//! Each table has its own outcome type, so the handler of a stage can only be handed
//! the outcomes of that stage's reply: a reply acted on in the wrong stage does not
//! compile. Together with [`closes_session`] (421) these tables are the whole list of
//! ways a reply can move the client. This file knows nothing else about the session.

use serde::Serialize;

use super::timeouts;
use crate::protocol::{ReplyCode, ReplyKind};
use crate::time::Millis;

/// The reply the client waits for: the command it answers (its timer and its name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub(crate) enum Expect {
    /// The 220 banner.
    Greeting,
    /// EHLO.
    Ehlo,
    /// HELO (asked for, or the fallback after EHLO was refused).
    Helo,
    /// AUTH or a continuation line.
    Auth,
    /// STARTTLS.
    StartTls,
    /// MAIL FROM.
    Mail,
    /// RCPT TO.
    Rcpt,
    /// DATA.
    Data,
    /// The final "." after the message.
    EndOfData,
    /// A BDAT chunk that is not the last (RFC 3030 §2).
    Chunk,
    /// The LAST BDAT chunk: its reply is the message's.
    LastChunk,
    /// RSET.
    Rset,
    /// A raw line from the spec.
    Raw,
    /// QUIT.
    Quit,
}

impl Expect {
    /// RFC 5321 §4.5.3.2: how long to wait for this reply.
    pub(crate) fn limit(self) -> Millis {
        match self {
            Self::Greeting => timeouts::GREETING,
            Self::Mail => timeouts::MAIL,
            Self::Rcpt => timeouts::RCPT,
            Self::Data => timeouts::DATA_INITIATION,
            Self::EndOfData | Self::LastChunk => timeouts::DATA_TERMINATION,
            Self::Chunk => timeouts::DATA_BLOCK,
            Self::Ehlo
            | Self::Helo
            | Self::Auth
            | Self::StartTls
            | Self::Rset
            | Self::Raw
            | Self::Quit => timeouts::OTHER,
        }
    }

    /// The name events use for the command this reply answers.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Greeting => "greeting",
            Self::Ehlo => "EHLO",
            Self::Helo => "HELO",
            Self::Auth => "AUTH",
            Self::StartTls => "STARTTLS",
            Self::Mail => "MAIL",
            Self::Rcpt => "RCPT",
            Self::Data => "DATA",
            Self::EndOfData => "end of data",
            Self::Chunk => "BDAT",
            Self::LastChunk => "BDAT LAST",
            Self::Rset => "RSET",
            Self::Raw => "raw line",
            Self::Quit => "QUIT",
        }
    }
}

/// Which reply codes a row matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) enum Codes {
    /// Exactly this code.
    Exactly(ReplyCode),
    /// Any of these codes.
    OneOf(&'static [ReplyCode]),
    /// 1yz and 2yz (RFC 5321 §4.2.1).
    Positive,
    /// Every code.
    Any,
}

impl Codes {
    fn matches(self, code: ReplyCode) -> bool {
        match self {
            Self::Exactly(wanted) => code == wanted,
            Self::OneOf(list) => list.contains(&code),
            Self::Positive => code.is_positive(),
            Self::Any => true,
        }
    }
}

/// One row of a table: the codes it matches, what they lead to, and the RFC section
/// that says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Row<R> {
    /// The codes this row is for.
    pub codes: Codes,
    /// What follows.
    pub leads_to: R,
    /// The RFC section that says so.
    pub rfc: &'static str,
}

/// What the reply to one command leads to: the first row that matches, else
/// `otherwise` (every other code). A table always has an answer, so no reply to an
/// awaited command can go unhandled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Table<R: 'static> {
    /// The rows tried in order.
    pub rows: &'static [Row<R>],
    /// What every code no row matches leads to ([`Codes::Any`]).
    pub otherwise: Row<R>,
}

impl<R: Copy> Table<R> {
    /// What a reply with `code` leads to.
    pub(crate) fn lookup(&self, code: ReplyCode) -> R {
        self.row(code).leads_to
    }

    /// The row that decides a reply with `code`.
    pub(crate) fn row(&self, code: ReplyCode) -> &Row<R> {
        self.rows
            .iter()
            .find(|row| row.codes.matches(code))
            .unwrap_or(&self.otherwise)
    }
}

const fn code(kind: ReplyKind) -> ReplyCode {
    kind.code()
}

const fn row<R>(codes: Codes, leads_to: R, rfc: &'static str) -> Row<R> {
    Row {
        codes,
        leads_to,
        rfc,
    }
}

const fn otherwise<R>(leads_to: R, rfc: &'static str) -> Row<R> {
    row(Codes::Any, leads_to, rfc)
}

/// RFC 5321 §3.8: a 421 to anything but QUIT (a reply to nothing included) means the
/// server is closing the connection, so the client closes too. It is checked before
/// the awaited reply's table.
pub(crate) fn closes_session(awaiting: Option<Expect>, code: ReplyCode) -> bool {
    awaiting != Some(Expect::Quit) && code == self::code(ReplyKind::ServiceUnavailable)
}

/// What the banner leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) enum GreetingAnswer {
    /// 220: HELO/EHLO next (after any raw lines for the greeting).
    Greeted,
    /// Any other banner: QUIT.
    Refused,
}

/// The reply to the banner's wait.
pub(crate) const GREETING: Table<GreetingAnswer> = Table {
    rows: &[row(
        Codes::Exactly(code(ReplyKind::Greeting)),
        GreetingAnswer::Greeted,
        "RFC 5321 §4.3.1",
    )],
    otherwise: otherwise(GreetingAnswer::Refused, "RFC 5321 §4.2.1"),
};

/// What the reply to EHLO leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) enum EhloAnswer {
    /// 250: the extensions are learned and the message planned.
    ExtensionsLearned,
    /// 500/502: an old server; HELO instead, no extensions.
    FallBackToHelo,
    /// Any other reply: QUIT.
    Refused,
}

/// The reply to EHLO.
pub(crate) const EHLO: Table<EhloAnswer> = Table {
    rows: &[
        row(
            Codes::Exactly(code(ReplyKind::Hello)),
            EhloAnswer::ExtensionsLearned,
            "RFC 5321 §4.1.1.1",
        ),
        row(
            Codes::OneOf(&[
                code(ReplyKind::CommandUnrecognized),
                code(ReplyKind::NotImplemented),
            ]),
            EhloAnswer::FallBackToHelo,
            "RFC 5321 §3.2",
        ),
    ],
    otherwise: otherwise(EhloAnswer::Refused, "RFC 5321 §4.2.1"),
};

/// What a reply that accepts or refuses leads to (HELO, STARTTLS, MAIL, DATA, the
/// message and its chunks).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) enum Answer {
    /// The command was accepted: the session goes on.
    Accepted,
    /// The command was refused.
    Refused,
}

impl Answer {
    /// True for [`Answer::Accepted`].
    pub(crate) fn accepted(self) -> bool {
        self == Self::Accepted
    }
}

/// The reply to HELO: 2yz, no extensions and the message is planned; else QUIT.
pub(crate) const HELO: Table<Answer> = Table {
    rows: &[row(Codes::Positive, Answer::Accepted, "RFC 5321 §4.1.1.1")],
    otherwise: otherwise(Answer::Refused, "RFC 5321 §4.2.1"),
};

/// The reply to STARTTLS: 220, the TLS handshake comes next; else TLS is not to be
/// had on this connection.
pub(crate) const STARTTLS: Table<Answer> = Table {
    rows: &[row(
        Codes::Exactly(code(ReplyKind::ReadyToStartTls)),
        Answer::Accepted,
        "RFC 3207 §4",
    )],
    otherwise: otherwise(Answer::Refused, "RFC 3207 §4"),
};

/// The reply to MAIL: 2yz, the recipients follow; else the transaction cannot go on.
pub(crate) const MAIL: Table<Answer> = Table {
    rows: &[row(Codes::Positive, Answer::Accepted, "RFC 5321 §4.1.1.2")],
    otherwise: otherwise(Answer::Refused, "RFC 5321 §4.1.1.2"),
};

/// What the reply to RCPT leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) enum RcptAnswer {
    /// 2yz: this recipient gets the message.
    Accepted,
    /// 452: the recipient buffer is full; a later transaction.
    Deferred,
    /// Any other reply: this recipient is refused.
    Refused,
}

/// The reply to RCPT.
pub(crate) const RCPT: Table<RcptAnswer> = Table {
    rows: &[
        row(Codes::Positive, RcptAnswer::Accepted, "RFC 5321 §4.1.1.3"),
        row(
            Codes::Exactly(code(ReplyKind::TooManyRecipients)),
            RcptAnswer::Deferred,
            "RFC 5321 §4.5.3.1.10",
        ),
    ],
    otherwise: otherwise(RcptAnswer::Refused, "RFC 5321 §3.3"),
};

/// The reply to DATA: 354, the message text is sent; else it is not.
pub(crate) const DATA: Table<Answer> = Table {
    rows: &[row(
        Codes::Exactly(code(ReplyKind::StartMailInput)),
        Answer::Accepted,
        "RFC 5321 §4.1.1.4",
    )],
    otherwise: otherwise(Answer::Refused, "RFC 5321 §4.1.1.4"),
};

/// The message's own reply (to the final "." or to the LAST BDAT chunk): 2yz, the
/// message is delivered; else it is refused.
pub(crate) const MESSAGE: Table<Answer> = Table {
    rows: &[row(Codes::Positive, Answer::Accepted, "RFC 5321 §4.1.1.4")],
    otherwise: otherwise(Answer::Refused, "RFC 5321 §4.1.1.4"),
};

/// The reply to a BDAT chunk that is not the last: 2yz, the next one follows; else
/// the message has failed (RFC 3030 §2).
pub(crate) const CHUNK: Table<Answer> = Table {
    rows: &[row(Codes::Positive, Answer::Accepted, "RFC 3030 §2")],
    otherwise: otherwise(Answer::Refused, "RFC 3030 §2"),
};

// The replies to AUTH, RSET, a raw line and QUIT each lead one way whatever their
// code (after the 421 check): the SASL mechanism reads the AUTH reply (RFC 4954 §4),
// RSET ends the transaction (RFC 5321 §4.1.1.5), a raw line's reply is shown and the
// session goes on (RFC 5321 §2.3.8), and after QUIT's the client closes
// (RFC 5321 §4.1.1.10). A reply when nothing is awaited is reported and ignored
// (RFC 5321 §4.2).

/// True when a reply that `answers` (an [`Expect::name`]) is the message's own: the
/// reply to DATA's final dot or to the LAST BDAT chunk. The native driver reads its
/// exit code from it.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn answers_message(answers: &str) -> bool {
    answers == Expect::EndOfData.name() || answers == Expect::LastChunk.name()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Expect::*;

    const ALL: [Expect; 14] = [
        Greeting, Ehlo, Helo, Auth, StartTls, Mail, Rcpt, Data, EndOfData, Chunk, LastChunk, Rset,
        Raw, Quit,
    ];

    fn reply(value: u16) -> ReplyCode {
        ReplyCode::new(value).expect("valid code")
    }

    fn rows_end_in_any<R>(table: &Table<R>) -> bool {
        table.otherwise.codes == Codes::Any && table.rows.iter().all(|r| r.codes != Codes::Any)
    }

    #[test]
    fn every_table_ends_in_a_row_for_any_code() {
        assert!(rows_end_in_any(&GREETING));
        assert!(rows_end_in_any(&EHLO));
        assert!(rows_end_in_any(&HELO));
        assert!(rows_end_in_any(&STARTTLS));
        assert!(rows_end_in_any(&MAIL));
        assert!(rows_end_in_any(&RCPT));
        assert!(rows_end_in_any(&DATA));
        assert!(rows_end_in_any(&MESSAGE));
        assert!(rows_end_in_any(&CHUNK));
    }

    #[test]
    fn a_421_closes_everything_but_quit() {
        for awaiting in ALL {
            let closes = closes_session(Some(awaiting), reply(421));
            assert_eq!(closes, awaiting != Quit, "{awaiting:?}");
            assert!(!closes_session(Some(awaiting), reply(221)), "{awaiting:?}");
        }
        assert!(closes_session(None, reply(421)));
        assert!(!closes_session(None, reply(250)));
    }

    #[test]
    fn greeting_and_hello_rows() {
        assert_eq!(GREETING.lookup(reply(220)), GreetingAnswer::Greeted);
        assert_eq!(GREETING.lookup(reply(554)), GreetingAnswer::Refused);
        assert_eq!(GREETING.lookup(reply(250)), GreetingAnswer::Refused);
        assert_eq!(EHLO.lookup(reply(250)), EhloAnswer::ExtensionsLearned);
        assert_eq!(EHLO.lookup(reply(500)), EhloAnswer::FallBackToHelo);
        assert_eq!(EHLO.lookup(reply(502)), EhloAnswer::FallBackToHelo);
        assert_eq!(EHLO.lookup(reply(251)), EhloAnswer::Refused);
        assert_eq!(EHLO.lookup(reply(550)), EhloAnswer::Refused);
        assert_eq!(HELO.lookup(reply(250)), Answer::Accepted);
        assert_eq!(HELO.lookup(reply(550)), Answer::Refused);
        assert_eq!(STARTTLS.lookup(reply(220)), Answer::Accepted);
        assert_eq!(STARTTLS.lookup(reply(454)), Answer::Refused);
        assert_eq!(STARTTLS.lookup(reply(250)), Answer::Refused);
    }

    #[test]
    fn transaction_rows() {
        assert_eq!(MAIL.lookup(reply(250)), Answer::Accepted);
        assert_eq!(MAIL.lookup(reply(452)), Answer::Refused);
        assert_eq!(RCPT.lookup(reply(251)), RcptAnswer::Accepted);
        assert_eq!(RCPT.lookup(reply(452)), RcptAnswer::Deferred);
        assert_eq!(RCPT.lookup(reply(450)), RcptAnswer::Refused);
        assert_eq!(RCPT.lookup(reply(550)), RcptAnswer::Refused);
        assert_eq!(DATA.lookup(reply(354)), Answer::Accepted);
        assert_eq!(DATA.lookup(reply(250)), Answer::Refused);
        assert_eq!(DATA.lookup(reply(554)), Answer::Refused);
        assert_eq!(MESSAGE.lookup(reply(250)), Answer::Accepted);
        assert_eq!(MESSAGE.lookup(reply(552)), Answer::Refused);
        assert_eq!(MESSAGE.lookup(reply(503)), Answer::Refused);
        assert_eq!(CHUNK.lookup(reply(250)), Answer::Accepted);
        assert_eq!(CHUNK.lookup(reply(552)), Answer::Refused);
        assert!(answers_message(LastChunk.name()) && answers_message(EndOfData.name()));
        assert!(!answers_message(Chunk.name()) && !answers_message(Rcpt.name()));
    }

    #[test]
    fn each_row_names_its_rfc() {
        assert_eq!(RCPT.row(reply(452)).rfc, "RFC 5321 §4.5.3.1.10");
        assert_eq!(RCPT.row(reply(550)).rfc, "RFC 5321 §3.3");
        assert_eq!(EHLO.row(reply(502)).rfc, "RFC 5321 §3.2");
        assert_eq!(CHUNK.row(reply(552)).rfc, "RFC 3030 §2");
    }

    #[test]
    fn timers_follow_rfc_5321() {
        assert_eq!(Greeting.limit(), timeouts::GREETING);
        assert_eq!(Rcpt.limit(), timeouts::RCPT);
        assert_eq!(Data.limit(), timeouts::DATA_INITIATION);
        assert_eq!(EndOfData.limit(), timeouts::DATA_TERMINATION);
        assert_eq!(Raw.limit(), timeouts::OTHER);
        assert_eq!(Raw.name(), "raw line");
        assert_eq!(EndOfData.name(), "end of data");
    }
}
