//! What the client engine reports, step by step.

use serde::Serialize;

use super::decision::Decision;
use super::message::TransferEncoding;
use crate::protocol::enhanced::{self, EnhancedMeaning};
use crate::protocol::{Capabilities, Command, Reply, ReplyClass, ReplyCode};
use crate::sasl::trace::TraceEntry;
use crate::sasl::Mechanism;
use crate::time::Millis;

/// A client event (see [`crate::event::Event`]).
pub type ClientEvent = crate::event::Event<ClientEventKind>;

/// What a reply code means: its class (RFC 5321 §4.2.1) and, when the server sent one,
/// its enhanced code (RFC 3463).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplyMeaning {
    /// The first digit's class.
    pub class: ReplyClass,
    /// The class in words.
    pub class_text: &'static str,
    /// The enhanced code explained, if present.
    pub enhanced: Option<EnhancedMeaning>,
}

impl ReplyMeaning {
    /// Explains `reply`.
    pub fn of(reply: &Reply) -> Self {
        Self {
            class: reply.code.class(),
            class_text: reply.code.class().describe(),
            enhanced: reply.enhanced.map(enhanced::explain),
        }
    }

    /// One line: `550 permanent failure…; 5.7.1 Delivery not authorized…: text`.
    /// Written into one string: the client explains every reply it reads this way.
    pub fn summary(&self, reply: &Reply) -> String {
        use core::fmt::Write as _;
        let room = reply.lines.iter().map(|line| line.len() + 1).sum::<usize>() + 160;
        let mut text = String::with_capacity(room);
        // Writing into a String cannot fail.
        let _ = write!(text, "{} {}", reply.code, self.class_text);
        if let Some(meaning) = &self.enhanced {
            text.push_str("; ");
            meaning.write_summary(&mut text);
        }
        text.push_str(": \"");
        for (index, line) in reply.lines.iter().enumerate() {
            if index > 0 {
                text.push(' ');
            }
            text.push_str(line);
        }
        text.push('"');
        text
    }
}

/// The typed part of a client event.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ClientEventKind {
    /// A command was queued for sending.
    CommandSent {
        /// The command.
        command: Command,
        /// True when sent ahead of earlier replies (RFC 2920).
        pipelined: bool,
    },
    /// A raw line from the spec was sent exactly as typed (plus CRLF).
    RawLineSent {
        /// The line.
        line: String,
    },
    /// The message text (dot-stuffed, with the final ".") was queued.
    MessageSent {
        /// Octets on the wire, stuffing and terminator included.
        octets: usize,
        /// The body's transfer encoding.
        encoding: TransferEncoding,
    },
    /// One BDAT chunk's octets, right after its BDAT line (RFC 3030 §2).
    ChunkSent {
        /// Which chunk, counting from 1.
        chunk: usize,
        /// How many chunks the message takes.
        of: usize,
        /// The chunk's octets.
        octets: usize,
        /// True for the LAST chunk.
        last: bool,
    },
    /// An AUTH continuation line was sent: a base64 response to a `334` challenge, or
    /// `*` to cancel (RFC 4954 §4). Not a command, so not a [`Self::CommandSent`].
    AuthLineSent {
        /// The line as sent, without CRLF.
        line: String,
        /// True for the `*` cancel line.
        cancel: bool,
    },
    /// What the SASL mechanism computed and sent during one AUTH step, in order. The
    /// server emits the same shape (`ServerEventKind::SaslTrace`), so the page draws
    /// both sides with one renderer: each entry has `side`, `label`, `explanation`,
    /// `rfc` and, for values, `octets` (`raw`, `visible`, `hex`, `base64`, `groups`).
    SaslTrace {
        /// The mechanism in use.
        mechanism: Mechanism,
        /// The entries of this step.
        entries: Vec<TraceEntry>,
    },
    /// The AUTH exchange ended with 235: the session is authenticated.
    Authenticated {
        /// The mechanism that succeeded.
        mechanism: Mechanism,
    },
    /// A whole reply arrived.
    ReplyReceived {
        /// The reply.
        reply: Reply,
        /// The verb it answers (`greeting` for the banner), if any was waiting.
        answers: Option<String>,
        /// What the code means.
        meaning: ReplyMeaning,
    },
    /// STARTTLS was answered `220`: the driver runs the TLS handshake now and reports
    /// it with `Client::tls_established`; no reply is read meanwhile (RFC 3207 §4).
    TlsHandshakeExpected,
    /// Octets that came after the `220` to STARTTLS in the clear were thrown away
    /// unread: a reply injected before the handshake is never believed.
    PlaintextDiscarded {
        /// How many octets.
        octets: u64,
    },
    /// The TLS handshake completed (after STARTTLS, or before the greeting with
    /// implicit TLS).
    TlsEstablished {
        /// What was negotiated.
        summary: crate::tls::TlsSummary,
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
    /// A negotiation decision (also in [`super::Client::decisions`]).
    Decided {
        /// The decision.
        decision: Decision,
    },
    /// A recipient was refused by RCPT TO.
    RecipientRefused {
        /// The address.
        address: String,
        /// The reply code.
        code: ReplyCode,
        /// True for 452: it goes in a following transaction.
        deferred: bool,
    },
    /// No reply came within the RFC 5321 §4.5.3.2 limit.
    TimedOut {
        /// The command whose reply was awaited.
        waiting_for: String,
        /// The limit, in milliseconds.
        limit_ms: Millis,
    },
    /// The client gave up on the transaction or session.
    Failed {
        /// Why.
        reason: String,
    },
    /// A relaying client starts its next stored message in the same session.
    NextMessage {
        /// Messages still waiting after this one.
        waiting: usize,
    },
    /// The session is over.
    Closed,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::EnhancedCode;

    #[test]
    fn a_reply_summary_names_class_enhanced_meaning_and_every_line() {
        let code = ReplyCode::new(550).unwrap();
        let reply = Reply::multiline(
            code,
            Some(EnhancedCode::new(5, 7, 1)),
            vec!["No relay".into(), "for you".into()],
        );
        assert_eq!(
            ReplyMeaning::of(&reply).summary(&reply),
            "550 permanent failure, do not retry unchanged (5yz); 5.7.1 Delivery not \
             authorized, message refused (permanent failure): \"No relay for you\""
        );
        let plain = Reply::new(ReplyCode::new(250).unwrap(), None, "Ok");
        assert_eq!(
            ReplyMeaning::of(&plain).summary(&plain),
            "250 success (2yz): \"Ok\""
        );
    }
}
