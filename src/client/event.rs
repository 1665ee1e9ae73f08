//! What the client engine reports, step by step.

use serde::Serialize;

use crate::protocol::{Capabilities, Command, Reply};

/// A client event (see [`crate::event::Event`]).
pub type ClientEvent = crate::event::Event<ClientEventKind>;

/// The typed part of a client event.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ClientEventKind {
    /// A command was queued for sending.
    CommandSent {
        /// The command.
        command: Command,
    },
    /// The message text (dot-stuffed, with the final ".") was queued.
    MessageSent {
        /// Octets on the wire.
        octets: usize,
    },
    /// A whole reply arrived.
    ReplyReceived {
        /// The reply.
        reply: Reply,
    },
    /// The server's reply could not be understood.
    MalformedReply {
        /// What was wrong.
        problem: String,
    },
    /// The EHLO reply was parsed.
    CapabilitiesLearned {
        /// What the server offers.
        capabilities: Capabilities,
    },
    /// The client gave up on the transaction or session.
    Failed {
        /// Why.
        reason: String,
    },
    /// The session is over.
    Closed,
}
