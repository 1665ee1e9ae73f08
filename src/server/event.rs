//! What the server engine reports, step by step.

use serde::Serialize;

use super::delivery::Destination;
use super::state::State;
use crate::protocol::{Command, Reply, ReplyKind};
use crate::sasl::trace::TraceEntry;
use crate::sasl::xtext::AuthParameter;
use crate::sasl::Mechanism;
use crate::tls::TlsSummary;

/// A server event: what happened, with its explanation (see [`crate::event::Event`]).
pub type ServerEvent = crate::event::Event<ServerEventKind>;

/// The typed part of a server event.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ServerEventKind {
    /// A command line was read and parsed.
    CommandReceived {
        /// The parsed command.
        command: Command,
    },
    /// A line could not be parsed as a command.
    CommandRejected {
        /// The line as received (lossy UTF-8, at most the line limit).
        line: String,
    },
    /// A reply was queued for sending.
    ReplySent {
        /// Which table row.
        kind: ReplyKind,
        /// The reply as sent.
        reply: Reply,
    },
    /// The state machine moved.
    StateChanged {
        /// Before.
        from: State,
        /// After.
        to: State,
    },
    /// A message was accepted and handed to delivery.
    MessageAccepted {
        /// Queue id.
        id: String,
        /// Octets received.
        octets: u64,
        /// Recipients it goes to.
        recipients: Vec<String>,
    },
    /// A BDAT chunk's octets were all read and kept (RFC 3030 §2).
    ChunkReceived {
        /// Which chunk of the message, counting from 1.
        chunk: u32,
        /// The chunk's octets.
        octets: u64,
        /// Octets of the message so far, this chunk included.
        total: u64,
        /// True for the LAST chunk, which ends the message.
        last: bool,
    },
    /// A refused BDAT's octets were read and thrown away, so the stream stays framed
    /// (RFC 3030 §2).
    ChunkDiscarded {
        /// How many.
        octets: u64,
    },
    /// One recipient's copy of an accepted message went to a mailbox or a queue.
    CopyDelivered {
        /// Queue id of the message.
        id: String,
        /// The recipient.
        recipient: String,
        /// Mailbox or outbound queue.
        destination: Destination,
        /// The header field names of this copy, in order.
        headers: Vec<String>,
    },
    /// Submission role: Bcc fields were removed before delivery (RFC 5322 §3.6.3).
    BlindCopiesRemoved {
        /// The removed fields as they were written (unfolded).
        removed: Vec<String>,
    },
    /// ETRN was accepted: the host should deliver these queues over a new connection
    /// to their server (RFC 1985 §4).
    FlushRequested {
        /// The queues (domains, lower-case) with mail waiting.
        domains: Vec<String>,
    },
    /// TURN or ATRN was accepted: on this same connection the host becomes the client
    /// and sends the mail held for `domains`; this session reads nothing more.
    RolesReversed {
        /// Which command did it.
        command: ReversalCommand,
        /// The domains whose mail goes to the peer.
        domains: Vec<String>,
    },
    /// What the SASL mechanism computed and checked during one AUTH step, in order:
    /// the same shape as the client's `ClientEventKind::SaslTrace`, so the page draws
    /// both sides with one renderer.
    SaslTrace {
        /// The mechanism in use.
        mechanism: Mechanism,
        /// The entries of this step.
        entries: Vec<TraceEntry>,
    },
    /// AUTH succeeded (235): relaying is allowed and Received says ESMTPA.
    Authenticated {
        /// The identity whose password was checked.
        authcid: String,
        /// The identity the client acts as, when it asked for another one.
        authzid: Option<String>,
        /// The mechanism used.
        mechanism: Mechanism,
    },
    /// STARTTLS was answered `220`: the driver runs the TLS handshake now and reports
    /// it with `Server::tls_established`; no line is read meanwhile (RFC 3207 §4).
    TlsHandshakeExpected,
    /// Octets that came after the STARTTLS line in the clear were thrown away unread,
    /// so a command injected before the handshake never runs (CVE-2011-0411).
    PlaintextDiscarded {
        /// How many octets.
        octets: u64,
    },
    /// The TLS handshake completed: the session starts over from EHLO (RFC 3207 §4.2).
    TlsEstablished {
        /// What was negotiated.
        summary: TlsSummary,
    },
    /// MAIL FROM carried `AUTH=` (RFC 4954 §5), decoded from xtext.
    SubmitterDeclared {
        /// `<>` or the decoded identity.
        submitter: AuthParameter,
        /// True when the client authenticated, so the server believes it.
        trusted: bool,
    },
    /// The connection is closed; nothing more will be read.
    Closed,
}

/// The command that reversed the roles on a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ReversalCommand {
    /// RFC 821 TURN: the domain the client claimed, unauthenticated.
    Turn,
    /// RFC 2645 ATRN: the authenticated user's domains.
    Atrn,
}

impl ReversalCommand {
    /// The command as the wire writes it: `TURN`, `ATRN`.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Turn => "TURN",
            Self::Atrn => "ATRN",
        }
    }

    /// The RFC section that defines the reversal.
    pub fn rfc(self) -> &'static str {
        match self {
            Self::Turn => "RFC 821 §4.1.1",
            Self::Atrn => "RFC 2645 §4",
        }
    }
}
