//! Where a server session is, with the data that exists only there: the mail
//! transaction lives inside [`Stage::InTransaction`], from its accepted MAIL to its
//! end, with the [`Step`] it has reached; the message text after 354 inside
//! [`Step::ReceivingData`]; the chunk being read, with the message it adds to, inside
//! [`Step::ReceivingChunk`]; the accepted message's wait for its store, with the input
//! held meanwhile, inside [`Stage::AwaitingStore`]; the AUTH exchange inside
//! [`Stage::Authenticating`]. So no other stage can hold one, and no transaction step
//! exists without its transaction (as rustls' `Expect*` states own their data).
//!
//! The client's EHLO/HELO [`Greeting`] lives in every stage the table reaches only
//! after one (RFC 5321 §4.1.4): `ExpectMail` holds it alone, `AwaitingStore` and
//! `Authenticating` beside their data, and a transaction in its [`Transaction`], from
//! which the Received header is written. A field of each greeted variant, rather than
//! a wrapper stage around them, keeps the stages flat and leaves the matches on the
//! others as they were; and a transaction, an AUTH exchange or a store wait without a
//! greeting cannot be built. `ExpectHello`, `ExpectTlsHandshake` and `Closed` have
//! none: no command is read between STARTTLS and its handshake, which forgets the
//! greeting (RFC 3207 §4.2), and a closed session reads nothing more.
//!
//! [`Stage::state`] names the stage as the transition table in `state.rs` knows it;
//! the table decides where a trigger leads, and the session builds the stage for it
//! (`Server::transition`, or `Server::enter` and `Server::enter_step` for a stage
//! that brings its data).

use super::bdat::ChunkReading;
use super::data::DataReceiver;
use super::sasl_exchange::ServerAuth;
use super::session::Greeting;
use super::state::State;
use super::store_wait::StoreWait;
use super::transaction::Transaction;
use crate::protocol::{MAX_AUTH_LINE, MAX_COMMAND_LINE};
use crate::time::Millis;

/// The session's stage: a [`State`] and what only that state holds.
#[derive(Clone, Debug)]
pub(super) enum Stage {
    ExpectHello,
    /// Greeted, outside a transaction: the greeting is the stage's only data.
    ExpectMail(Greeting),
    /// A mail transaction, begun by an accepted MAIL (RFC 5321 §3.3), and how far it
    /// has got; RSET, EHLO/HELO, the end of its message or the close end it. Boxed,
    /// so the stages outside a transaction stay small; the transaction holds the
    /// greeting it began under.
    InTransaction(Box<Transaction>, Step),
    /// The final dot (or LAST chunk) of an accepted message led to ExpectMail, but its
    /// reply waits for the driver to store the copies, and input that arrives
    /// meanwhile is held, not read; the table knows this stage as ExpectMail, and the
    /// greeting goes back to it.
    AwaitingStore(StoreWait, Greeting),
    /// The AUTH exchange waiting for the client's next response line (RFC 4954 §4);
    /// boxed, since it is large and most sessions spend no time here.
    Authenticating(Box<ServerAuth>, Greeting),
    ExpectTlsHandshake,
    Closed,
}

/// How far the mail transaction has got, with what only that step holds.
#[derive(Clone, Debug)]
pub(super) enum Step {
    ExpectRcpt,
    ExpectRcptOrData,
    /// The message text after 354, until CRLF.CRLF (RFC 5321 §4.1.1.4).
    ReceivingData(MessageText),
    /// The accepted chunk whose octets are being read (RFC 3030 §2).
    ReceivingChunk(ChunkReading),
    ExpectChunk,
}

/// The message text being read after 354, and when the 354 went: the DATA deadline
/// runs from there.
#[derive(Clone, Debug)]
pub(super) struct MessageText {
    pub(super) receiver: DataReceiver,
    pub(super) started: Millis,
}

impl Stage {
    /// The stage as the transition table names it.
    pub(super) fn state(&self) -> State {
        match self {
            Self::ExpectHello => State::ExpectHello,
            Self::ExpectMail(_) | Self::AwaitingStore(..) => State::ExpectMail,
            Self::InTransaction(_, step) => step.state(),
            Self::Authenticating(..) => State::Authenticating,
            Self::ExpectTlsHandshake => State::ExpectTlsHandshake,
            Self::Closed => State::Closed,
        }
    }

    /// The stage of a state that holds no data of its own, and so no transaction,
    /// carrying over `greeting`, the greeting of the stage left, where the state has
    /// one; `None` for a state whose data the caller must bring (`Server::enter`), that
    /// is a step of a transaction, or that needs a greeting when there is none.
    pub(super) fn without_data(state: State, greeting: Option<&Greeting>) -> Option<Self> {
        Some(match state {
            State::ExpectHello => Self::ExpectHello,
            State::ExpectMail => Self::ExpectMail(greeting?.clone()),
            State::ExpectTlsHandshake => Self::ExpectTlsHandshake,
            State::Closed => Self::Closed,
            State::ExpectRcpt
            | State::ExpectRcptOrData
            | State::ReceivingData
            | State::ReceivingChunk
            | State::ExpectChunk
            | State::Authenticating => return None,
        })
    }

    /// The client's EHLO/HELO, in every stage that has one.
    pub(super) fn greeting(&self) -> Option<&Greeting> {
        match self {
            Self::ExpectMail(greeting)
            | Self::AwaitingStore(_, greeting)
            | Self::Authenticating(_, greeting) => Some(greeting),
            Self::InTransaction(transaction, _) => Some(&transaction.greeting),
            Self::ExpectHello | Self::ExpectTlsHandshake | Self::Closed => None,
        }
    }

    /// The mail transaction in progress, if the session is inside one.
    pub(super) fn transaction(&self) -> Option<&Transaction> {
        match self {
            Self::InTransaction(transaction, _) => Some(transaction),
            _ => None,
        }
    }

    /// The mail transaction in progress, to change, if the session is inside one.
    pub(super) fn transaction_mut(&mut self) -> Option<&mut Transaction> {
        match self {
            Self::InTransaction(transaction, _) => Some(transaction),
            _ => None,
        }
    }

    /// When the message text being read began to arrive (the 354, or the chunk's
    /// BDAT), which its deadline counts from; `None` in a stage that reads commands.
    pub(super) fn text_started(&self) -> Option<Millis> {
        match self {
            Self::InTransaction(_, Step::ReceivingData(text)) => Some(text.started),
            Self::InTransaction(_, Step::ReceivingChunk(reading)) => Some(reading.started()),
            _ => None,
        }
    }

    /// Octets of message text this stage holds: the text after 354, the chunked
    /// message with the chunk being read, or the chunks read so far between BDATs.
    pub(super) fn buffered_text(&self) -> usize {
        let Self::InTransaction(transaction, step) = self else {
            return 0;
        };
        let between_chunks = transaction
            .chunked
            .as_ref()
            .map_or(0, super::bdat::Chunked::stored);
        let reading = match step {
            Step::ReceivingData(text) => text.receiver.stored(),
            Step::ReceivingChunk(reading) => reading.stored(),
            _ => 0,
        };
        between_chunks + reading
    }

    /// The longest line read in this stage: an AUTH response may take 12288 octets,
    /// a command 512 (RFC 4954 §4, RFC 5321 §4.5.3.1.4).
    pub(super) fn line_limit(&self) -> usize {
        match self {
            Self::Authenticating(..) => MAX_AUTH_LINE,
            _ => MAX_COMMAND_LINE,
        }
    }
}

impl Step {
    /// The step as the transition table names it.
    pub(super) fn state(&self) -> State {
        match self {
            Self::ExpectRcpt => State::ExpectRcpt,
            Self::ExpectRcptOrData => State::ExpectRcptOrData,
            Self::ReceivingData(_) => State::ReceivingData,
            Self::ReceivingChunk(_) => State::ReceivingChunk,
            Self::ExpectChunk => State::ExpectChunk,
        }
    }

    /// The step of a transaction state that holds nothing beyond the transaction;
    /// `None` for a state outside a transaction or whose data the caller brings.
    pub(super) fn without_data(state: State) -> Option<Self> {
        Some(match state {
            State::ExpectRcpt => Self::ExpectRcpt,
            State::ExpectRcptOrData => Self::ExpectRcptOrData,
            State::ExpectChunk => Self::ExpectChunk,
            State::ExpectHello
            | State::ExpectMail
            | State::ReceivingData
            | State::ReceivingChunk
            | State::Authenticating
            | State::ExpectTlsHandshake
            | State::Closed => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::state::{STATES, TRANSITIONS};
    use crate::server::test_support::{greeted_with, last_reply};
    use crate::server::{Server, ServerConfig};

    /// A greeting for a stage that needs one.
    fn hello() -> Greeting {
        Greeting::Ehlo("client.example".into())
    }

    /// The states whose stages carry the mail transaction.
    const IN_TRANSACTION: &[State] = &[
        State::ExpectRcpt,
        State::ExpectRcptOrData,
        State::ReceivingData,
        State::ReceivingChunk,
        State::ExpectChunk,
    ];

    #[test]
    fn a_state_gets_one_shape_and_names_itself_back() {
        for &state in STATES {
            let (stage, step) = (
                Stage::without_data(state, Some(&hello())),
                Step::without_data(state),
            );
            assert!(
                stage.is_none() || step.is_none(),
                "{state:?} is one or the other"
            );
            if let Some(stage) = stage {
                assert_eq!(stage.state(), state);
                assert!(
                    stage.transaction().is_none(),
                    "{state:?} has no transaction"
                );
            } else if let Some(step) = step {
                assert_eq!(step.state(), state);
                assert!(IN_TRANSACTION.contains(&state), "{state:?} is a step");
            } else {
                assert!(
                    matches!(
                        state,
                        State::ReceivingData | State::ReceivingChunk | State::Authenticating
                    ),
                    "{state:?} holds no data of its own"
                );
            }
        }
    }

    #[test]
    fn only_the_stages_that_bring_data_are_entered_with_it() {
        use crate::server::state::Trigger;
        let entered_with_data: Vec<_> = TRANSITIONS
            .iter()
            .filter(|row| {
                Stage::without_data(row.to, Some(&hello())).is_none()
                    && Step::without_data(row.to).is_none()
            })
            .map(|row| row.trigger)
            .collect();
        assert_eq!(
            entered_with_data,
            [
                Trigger::Data,
                Trigger::Bdat,
                Trigger::AuthChallenge,
                Trigger::AuthChallenge
            ]
        );
    }

    #[test]
    fn only_mail_begins_a_transaction_and_leaving_one_ends_it() {
        use crate::server::state::Trigger;
        for row in TRANSITIONS {
            let into = IN_TRANSACTION.contains(&row.to);
            for from in row.from {
                if into && !IN_TRANSACTION.contains(from) {
                    assert_eq!(row.trigger, Trigger::Mail, "{from:?} -> {:?}", row.to);
                }
                if !into && IN_TRANSACTION.contains(from) {
                    let left = Stage::without_data(row.to, Some(&hello()));
                    assert!(
                        left.is_some(),
                        "{:?} leaves it for a bare stage",
                        row.trigger
                    );
                }
            }
        }
    }

    #[test]
    fn only_an_auth_exchange_reads_long_lines() {
        assert_eq!(Stage::ExpectMail(hello()).line_limit(), MAX_COMMAND_LINE);
        assert_eq!(Stage::Closed.line_limit(), MAX_COMMAND_LINE);
    }

    /// A session with CHUNKING on, greeted with EHLO.
    fn greeted() -> Server {
        let mut config = ServerConfig::default();
        config.extensions.chunking = true;
        greeted_with(config)
    }

    #[test]
    fn the_auth_exchange_lives_in_authenticating_and_ends_with_it() {
        let mut server = greeted();
        server.receive(b"AUTH LOGIN\r\n", 0);
        assert!(last_reply(&mut server).starts_with("334"));
        assert!(matches!(server.stage, Stage::Authenticating(..)));
        assert_eq!(server.lines.limit(), MAX_AUTH_LINE);
        server.receive(b"YWxpY2U=\r\n", 0);
        assert!(matches!(server.stage, Stage::Authenticating(..)));
        server.receive(b"UzNjcmV0LXB3\r\n", 0);
        assert!(last_reply(&mut server).starts_with("235"));
        assert!(matches!(server.stage, Stage::ExpectMail(_)));
        assert_eq!(server.lines.limit(), MAX_COMMAND_LINE);
        assert!(server.is_authenticated());
    }

    #[test]
    fn a_cancelled_or_one_step_auth_leaves_no_exchange_behind() {
        let mut server = greeted();
        server.receive(b"AUTH LOGIN\r\n*\r\n", 0);
        assert!(last_reply(&mut server).starts_with("501"));
        assert!(matches!(server.stage, Stage::ExpectMail(_)));
        assert_eq!(server.lines.limit(), MAX_COMMAND_LINE);
        server.receive(b"AUTH PLAIN AGFsaWNlAFMzY3JldC1wdw==\r\n", 0);
        assert!(last_reply(&mut server).starts_with("235"));
        assert!(matches!(server.stage, Stage::ExpectMail(_)));
    }

    #[test]
    fn the_message_text_is_held_by_receiving_data_and_gone_after_the_dot() {
        let mut server = greeted();
        server.receive(
            b"MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n",
            0,
        );
        server.receive(b"DATA\r\n", 0);
        assert!(last_reply(&mut server).starts_with("354"));
        server.receive(b"Subject: hi\r\n\r\nhello\r\n", 0);
        assert!(matches!(
            server.stage,
            Stage::InTransaction(_, Step::ReceivingData(_))
        ));
        assert!(server.buffered_message() > 0);
        server.receive(b".\r\n", 0);
        assert!(matches!(server.stage, Stage::AwaitingStore(..)));
        assert_eq!(server.buffered_message(), 0);
    }

    #[test]
    fn the_store_wait_is_a_stage_the_table_calls_expect_mail() {
        let mut server = greeted();
        let message =
            b"MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nDATA\r\nhi\r\n.\r\n";
        server.receive(message, 0);
        server.receive(b"NOOP\r\n", 0);
        assert!(matches!(&server.stage, Stage::AwaitingStore(wait, _) if wait.held == b"NOOP\r\n"));
        assert_eq!(server.state(), State::ExpectMail);
        assert!(server.is_awaiting_store());
        server.handle_stored(crate::server::StoreOutcome::Stored);
        assert!(matches!(server.stage, Stage::ExpectMail(_)));
        assert!(!server.is_awaiting_store());
        assert!(last_reply(&mut server).starts_with("250 2.0.0 Ok"));

        server.receive(message, 0);
        assert!(server.is_awaiting_store());
        server.take_output();
        server.handle_close(1);
        assert!(!server.is_awaiting_store(), "closing ends the wait");
        server.handle_stored(crate::server::StoreOutcome::Stored);
        assert!(server.take_output().is_empty());
    }

    #[test]
    fn the_text_deadline_counts_from_the_354_or_the_bdat_and_only_while_reading() {
        let mut server = greeted();
        server.receive(
            b"MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n",
            1,
        );
        assert_eq!(server.stage.text_started(), None);
        server.receive(b"DATA\r\n", 5);
        assert_eq!(server.stage.text_started(), Some(5));
        server.receive(b"hi\r\n", 7);
        assert_eq!(server.stage.text_started(), Some(5));
        server.receive(b".\r\n", 9);
        assert_eq!(server.stage.text_started(), None);
        server.handle_stored(crate::server::StoreOutcome::Stored);
        server.receive(
            b"MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n",
            10,
        );
        server.receive(b"BDAT 4\r\nab", 12);
        assert_eq!(server.stage.text_started(), Some(12));
        server.receive(b"cd", 20);
        assert_eq!(server.stage.text_started(), None);
    }

    /// The domain of the greeting the stage holds, if it holds one.
    fn greeted_as(server: &Server) -> Option<String> {
        server.stage.greeting().map(|greeting| match greeting {
            Greeting::Ehlo(domain) => format!("EHLO {domain}"),
            Greeting::Helo(domain) => format!("HELO {domain}"),
        })
    }

    #[test]
    fn the_greeting_lives_in_every_stage_after_hello_and_a_new_one_replaces_it() {
        let peer = crate::server::Peer {
            address: "192.0.2.1".into(),
        };
        let mut server = Server::new(ServerConfig::default(), peer, 0, 1);
        assert_eq!(greeted_as(&server), None, "no EHLO/HELO yet");
        server.receive(b"RSET\r\nEHLO a.example\r\n", 0);
        assert_eq!(greeted_as(&server).as_deref(), Some("EHLO a.example"));
        server.receive(b"MAIL FROM:<a@example.org>\r\n", 0);
        assert_eq!(greeted_as(&server).as_deref(), Some("EHLO a.example"));
        server.receive(b"HELO b.example\r\n", 0);
        assert!(matches!(server.stage, Stage::ExpectMail(_)), "HELO ends it");
        assert_eq!(greeted_as(&server).as_deref(), Some("HELO b.example"));
        server.receive(b"MAIL FROM:<a@example.org>\r\nRSET\r\n", 0);
        assert_eq!(greeted_as(&server).as_deref(), Some("HELO b.example"));
        server.receive(
            b"MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nDATA\r\nhi\r\n.\r\n",
            0,
        );
        assert!(server.is_awaiting_store());
        assert_eq!(greeted_as(&server).as_deref(), Some("HELO b.example"));
        let copy = server.poll_delivery().map(|copy| copy.message.to_vec());
        let received = String::from_utf8_lossy(copy.as_deref().unwrap_or_default());
        assert!(
            received.starts_with("Received: from b.example"),
            "{received}"
        );
        server.handle_stored(crate::server::StoreOutcome::Stored);
        assert_eq!(greeted_as(&server).as_deref(), Some("HELO b.example"));
        server.receive(b"QUIT\r\n", 0);
        assert_eq!(greeted_as(&server), None, "a closed session holds none");
    }

    /// The recipients of the transaction the stage carries, if it carries one.
    fn recipients(server: &Server) -> Option<usize> {
        server.stage.transaction().map(|t| t.recipients.len())
    }

    #[test]
    fn every_step_of_a_transaction_carries_it_and_no_other_stage_does() {
        let mut server = greeted();
        assert_eq!(recipients(&server), None);
        server.receive(b"MAIL FROM:<a@example.org>\r\n", 0);
        assert_eq!(server.state(), State::ExpectRcpt);
        assert_eq!(recipients(&server), Some(0));
        server.receive(b"RCPT TO:<b@example.org>\r\n", 0);
        assert_eq!(server.state(), State::ExpectRcptOrData);
        assert_eq!(recipients(&server), Some(1));
        server.receive(b"BDAT 2\r\na", 0);
        assert_eq!(server.state(), State::ReceivingChunk);
        assert_eq!(recipients(&server), Some(1));
        server.receive(b"b", 0);
        assert_eq!(server.state(), State::ExpectChunk);
        assert_eq!(recipients(&server), Some(1));
        server.receive(b"RSET\r\n", 0);
        assert_eq!(server.state(), State::ExpectMail);
        assert_eq!(recipients(&server), None);
        server.receive(
            b"MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n",
            0,
        );
        server.receive(b"DATA\r\n", 0);
        assert_eq!(server.state(), State::ReceivingData);
        assert_eq!(recipients(&server), Some(1));
        server.receive(b"QUIT\r\n", 0);
        assert_eq!(recipients(&server), Some(1), "message text, not a command");
        server.handle_close(0);
        assert_eq!(recipients(&server), None);
    }

    #[test]
    fn an_accepted_chunk_is_read_in_its_stage_and_a_refused_one_where_it_arrived() {
        let mut server = greeted();
        server.receive(b"BDAT 4\r\nab", 0);
        assert!(server.refused_chunk.is_some(), "no MAIL yet: refused");
        assert!(matches!(server.stage, Stage::ExpectMail(_)));
        server.receive(b"cd", 0);
        assert!(last_reply(&mut server).starts_with("503"));
        assert!(server.refused_chunk.is_none());
        server.receive(
            b"MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n",
            0,
        );
        server.take_output();
        server.receive(b"BDAT 4\r\nab", 0);
        assert!(matches!(
            server.stage,
            Stage::InTransaction(_, Step::ReceivingChunk(_))
        ));
        assert!(server.refused_chunk.is_none());
        server.receive(b"cd", 0);
        assert!(last_reply(&mut server).starts_with("250"));
        assert!(matches!(
            server.stage,
            Stage::InTransaction(_, Step::ExpectChunk)
        ));
    }
}
