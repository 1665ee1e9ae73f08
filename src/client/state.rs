//! The client's state machine as data. The session's stage says which reply it waits
//! for ([`Expect`]); [`REPLIES`] says what each reply leads to. The session looks every
//! reply up here before acting, so this table is the whole list of ways a reply can
//! move the client. This file knows nothing else about the session.

use serde::Serialize;

use super::timeouts;
use crate::protocol::{ReplyCode, ReplyKind};
use crate::time::Millis;

/// The reply the client waits for: what it answers, the key of [`REPLIES`].
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
    /// Nothing: no command was waiting for this reply.
    Nothing,
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
            | Self::Quit
            | Self::Nothing => timeouts::OTHER,
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
            Self::Nothing => "nothing",
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

/// What a reply leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub(crate) enum Reaction {
    /// 421 to anything but QUIT: the server is closing, so the client closes too.
    ServerClosing,
    /// A reply no command asked for: reported and ignored.
    Unsolicited,
    /// 220: HELO/EHLO next (after any raw lines for the greeting).
    Greeted,
    /// Any other banner: QUIT.
    GreetingRefused,
    /// 250 to EHLO: the extensions are learned and the message planned.
    ExtensionsLearned,
    /// 500/502 to EHLO: an old server; HELO instead, no extensions.
    FallBackToHelo,
    /// Any other reply to EHLO: QUIT.
    EhloRefused,
    /// 2yz to HELO: no extensions; the message is planned.
    HeloAccepted,
    /// Any other reply to HELO: QUIT.
    HeloRefused,
    /// Any reply to AUTH: the SASL mechanism decides.
    AuthStep,
    /// 220 to STARTTLS: the TLS handshake comes next.
    TlsReady,
    /// Any other reply to STARTTLS: TLS is not to be had on this connection.
    StartTlsRefused,
    /// 2yz to MAIL: the recipients follow.
    MailAccepted,
    /// Any other reply to MAIL: the transaction cannot go on.
    MailRefused,
    /// 2yz to RCPT: this recipient gets the message.
    RecipientAccepted,
    /// 452 to RCPT: the recipient buffer is full; a later transaction.
    RecipientDeferred,
    /// Any other reply to RCPT: this recipient is refused.
    RecipientRefused,
    /// 354 to DATA: the message text is sent.
    SendMessage,
    /// Any other reply to DATA: the message is not sent.
    DataRefused,
    /// 2yz to ".": the message is delivered.
    MessageAccepted,
    /// Any other reply to ".": the message is refused.
    MessageRefused,
    /// 2yz to a BDAT chunk that is not the last: the next one follows.
    ChunkAccepted,
    /// Any other reply to such a chunk: the message has failed (RFC 3030 §2).
    ChunkRefused,
    /// Any reply to RSET: the transaction is over.
    ResetDone,
    /// Any reply to a raw line: shown, and the session goes on.
    RawAnswered,
    /// Any reply to QUIT: the client closes.
    QuitAnswered,
}

/// One row of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Row {
    /// The replies this row is for.
    pub awaiting: &'static [Expect],
    /// The codes it matches.
    pub codes: Codes,
    /// What follows.
    pub leads_to: Reaction,
    /// The RFC section that says so.
    pub rfc: &'static str,
}

use Expect::*;

const BEFORE_QUIT: &[Expect] = &[
    Greeting, Ehlo, Helo, Auth, StartTls, Mail, Rcpt, Data, EndOfData, Chunk, LastChunk, Rset, Raw,
    Nothing,
];

const fn code(kind: ReplyKind) -> ReplyCode {
    kind.code()
}

const fn row(
    awaiting: &'static [Expect],
    codes: Codes,
    leads_to: Reaction,
    rfc: &'static str,
) -> Row {
    Row {
        awaiting,
        codes,
        leads_to,
        rfc,
    }
}

/// Every way a reply moves the client; the first row that matches wins, and each
/// awaited reply ends in a row for [`Codes::Any`].
pub(crate) const REPLIES: &[Row] = &[
    row(
        BEFORE_QUIT,
        Codes::Exactly(code(ReplyKind::ServiceUnavailable)),
        Reaction::ServerClosing,
        "RFC 5321 §3.8",
    ),
    row(
        &[Nothing],
        Codes::Any,
        Reaction::Unsolicited,
        "RFC 5321 §4.2",
    ),
    row(
        &[Greeting],
        Codes::Exactly(code(ReplyKind::Greeting)),
        Reaction::Greeted,
        "RFC 5321 §4.3.1",
    ),
    row(
        &[Greeting],
        Codes::Any,
        Reaction::GreetingRefused,
        "RFC 5321 §4.2.1",
    ),
    row(
        &[Ehlo],
        Codes::Exactly(code(ReplyKind::Hello)),
        Reaction::ExtensionsLearned,
        "RFC 5321 §4.1.1.1",
    ),
    row(
        &[Ehlo],
        Codes::OneOf(&[
            code(ReplyKind::CommandUnrecognized),
            code(ReplyKind::NotImplemented),
        ]),
        Reaction::FallBackToHelo,
        "RFC 5321 §3.2",
    ),
    row(
        &[Ehlo],
        Codes::Any,
        Reaction::EhloRefused,
        "RFC 5321 §4.2.1",
    ),
    row(
        &[Helo],
        Codes::Positive,
        Reaction::HeloAccepted,
        "RFC 5321 §4.1.1.1",
    ),
    row(
        &[Helo],
        Codes::Any,
        Reaction::HeloRefused,
        "RFC 5321 §4.2.1",
    ),
    row(&[Auth], Codes::Any, Reaction::AuthStep, "RFC 4954 §4"),
    row(
        &[StartTls],
        Codes::Exactly(code(ReplyKind::ReadyToStartTls)),
        Reaction::TlsReady,
        "RFC 3207 §4",
    ),
    row(
        &[StartTls],
        Codes::Any,
        Reaction::StartTlsRefused,
        "RFC 3207 §4",
    ),
    row(
        &[Mail],
        Codes::Positive,
        Reaction::MailAccepted,
        "RFC 5321 §4.1.1.2",
    ),
    row(
        &[Mail],
        Codes::Any,
        Reaction::MailRefused,
        "RFC 5321 §4.1.1.2",
    ),
    row(
        &[Rcpt],
        Codes::Positive,
        Reaction::RecipientAccepted,
        "RFC 5321 §4.1.1.3",
    ),
    row(
        &[Rcpt],
        Codes::Exactly(code(ReplyKind::TooManyRecipients)),
        Reaction::RecipientDeferred,
        "RFC 5321 §4.5.3.1.10",
    ),
    row(
        &[Rcpt],
        Codes::Any,
        Reaction::RecipientRefused,
        "RFC 5321 §3.3",
    ),
    row(
        &[Data],
        Codes::Exactly(code(ReplyKind::StartMailInput)),
        Reaction::SendMessage,
        "RFC 5321 §4.1.1.4",
    ),
    row(
        &[Data],
        Codes::Any,
        Reaction::DataRefused,
        "RFC 5321 §4.1.1.4",
    ),
    row(
        &[EndOfData, LastChunk],
        Codes::Positive,
        Reaction::MessageAccepted,
        "RFC 5321 §4.1.1.4",
    ),
    row(
        &[EndOfData, LastChunk],
        Codes::Any,
        Reaction::MessageRefused,
        "RFC 5321 §4.1.1.4",
    ),
    row(
        &[Chunk],
        Codes::Positive,
        Reaction::ChunkAccepted,
        "RFC 3030 §2",
    ),
    row(&[Chunk], Codes::Any, Reaction::ChunkRefused, "RFC 3030 §2"),
    row(
        &[Rset],
        Codes::Any,
        Reaction::ResetDone,
        "RFC 5321 §4.1.1.5",
    ),
    row(&[Raw], Codes::Any, Reaction::RawAnswered, "RFC 5321 §2.3.8"),
    row(
        &[Quit],
        Codes::Any,
        Reaction::QuitAnswered,
        "RFC 5321 §4.1.1.10",
    ),
];

/// True when a reply that `answers` (an [`Expect::name`]) is the message's own: the
/// reply to DATA's final dot or to the LAST BDAT chunk. The native driver reads its
/// exit code from it.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn answers_message(answers: &str) -> bool {
    answers == EndOfData.name() || answers == LastChunk.name()
}

/// What a reply with `code` leads to when `awaiting` was expected.
pub(crate) fn reaction(awaiting: Expect, code: ReplyCode) -> Reaction {
    REPLIES
        .iter()
        .find(|row| row.awaiting.contains(&awaiting) && row.codes.matches(code))
        .map_or(Reaction::Unsolicited, |row| row.leads_to)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Expect; 15] = [
        Greeting, Ehlo, Helo, Auth, StartTls, Mail, Rcpt, Data, EndOfData, Chunk, LastChunk, Rset,
        Raw, Quit, Nothing,
    ];

    fn leads_to(awaiting: Expect, value: u16) -> Reaction {
        reaction(awaiting, ReplyCode::new(value).expect("valid code"))
    }

    #[test]
    fn every_awaited_reply_has_a_row_for_any_code() {
        for awaiting in ALL {
            let total = REPLIES
                .iter()
                .any(|row| row.awaiting.contains(&awaiting) && row.codes == Codes::Any);
            assert!(total, "{awaiting:?} has no catch-all row");
        }
    }

    #[test]
    fn a_421_closes_everything_but_quit() {
        for awaiting in ALL {
            let expected = if awaiting == Quit {
                Reaction::QuitAnswered
            } else {
                Reaction::ServerClosing
            };
            assert_eq!(leads_to(awaiting, 421), expected, "{awaiting:?}");
        }
    }

    #[test]
    fn greeting_and_hello_rows() {
        assert_eq!(leads_to(Greeting, 220), Reaction::Greeted);
        assert_eq!(leads_to(Greeting, 554), Reaction::GreetingRefused);
        assert_eq!(leads_to(Greeting, 250), Reaction::GreetingRefused);
        assert_eq!(leads_to(Ehlo, 250), Reaction::ExtensionsLearned);
        assert_eq!(leads_to(Ehlo, 500), Reaction::FallBackToHelo);
        assert_eq!(leads_to(Ehlo, 502), Reaction::FallBackToHelo);
        assert_eq!(leads_to(Ehlo, 251), Reaction::EhloRefused);
        assert_eq!(leads_to(Ehlo, 550), Reaction::EhloRefused);
        assert_eq!(leads_to(Helo, 250), Reaction::HeloAccepted);
        assert_eq!(leads_to(Helo, 550), Reaction::HeloRefused);
    }

    #[test]
    fn transaction_rows() {
        assert_eq!(leads_to(Mail, 250), Reaction::MailAccepted);
        assert_eq!(leads_to(Mail, 452), Reaction::MailRefused);
        assert_eq!(leads_to(Rcpt, 251), Reaction::RecipientAccepted);
        assert_eq!(leads_to(Rcpt, 452), Reaction::RecipientDeferred);
        assert_eq!(leads_to(Rcpt, 450), Reaction::RecipientRefused);
        assert_eq!(leads_to(Rcpt, 550), Reaction::RecipientRefused);
        assert_eq!(leads_to(Data, 354), Reaction::SendMessage);
        assert_eq!(leads_to(Data, 250), Reaction::DataRefused);
        assert_eq!(leads_to(Data, 554), Reaction::DataRefused);
        assert_eq!(leads_to(EndOfData, 250), Reaction::MessageAccepted);
        assert_eq!(leads_to(EndOfData, 552), Reaction::MessageRefused);
        assert_eq!(leads_to(Chunk, 250), Reaction::ChunkAccepted);
        assert_eq!(leads_to(Chunk, 552), Reaction::ChunkRefused);
        assert_eq!(leads_to(LastChunk, 250), Reaction::MessageAccepted);
        assert_eq!(leads_to(LastChunk, 503), Reaction::MessageRefused);
        assert!(answers_message(LastChunk.name()) && answers_message(EndOfData.name()));
        assert!(!answers_message(Chunk.name()) && !answers_message(Rcpt.name()));
    }

    #[test]
    fn replies_that_only_inform() {
        assert_eq!(leads_to(Auth, 334), Reaction::AuthStep);
        assert_eq!(leads_to(Auth, 535), Reaction::AuthStep);
        assert_eq!(leads_to(Rset, 500), Reaction::ResetDone);
        assert_eq!(leads_to(Raw, 502), Reaction::RawAnswered);
        assert_eq!(leads_to(Quit, 221), Reaction::QuitAnswered);
        assert_eq!(leads_to(Quit, 500), Reaction::QuitAnswered);
        assert_eq!(leads_to(Nothing, 250), Reaction::Unsolicited);
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
