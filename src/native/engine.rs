//! The one place that knows the engines' method names. The TCP driver talks to this
//! trait only, so when the engines grow (client timers, AUTH traces, a mailstore) the
//! merge touches this file and nothing else.

use crate::client::{Client, ClientEvent, ClientEventKind};
use crate::sasl::trace::{self, TraceEntry};
use crate::server::{Delivery, Server, ServerEventKind, State, StoreOutcome};
use crate::time::Millis;
use crate::tls::TlsSummary;

/// One explained step, ready for the transcript.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// What happened and why.
    pub explanation: String,
    /// The RFC section followed.
    pub rfc: &'static str,
    /// The octets this step queued for the peer, when the event carries them (a
    /// server's reply), so the transcript can show each reply right under its reason.
    pub wrote: Option<Vec<u8>>,
}

/// A sans-IO engine as the socket driver sees it.
pub trait Engine {
    /// Octets from the peer.
    fn receive(&mut self, octets: &[u8], now: Millis);
    /// Octets to write to the peer.
    fn take_output(&mut self) -> Vec<u8>;
    /// When the engine next wants [`Engine::handle_timeout`], if ever.
    fn poll_timeout(&self) -> Option<Millis>;
    /// The time has come (or passed).
    fn handle_timeout(&mut self, now: Millis);
    /// The peer closed the connection.
    fn handle_close(&mut self, now: Millis);
    /// True once nothing more will be read or written.
    fn is_closed(&self) -> bool;
    /// True while the peer's octets are message text (the transcript summarises them).
    fn in_message_text(&self) -> bool {
        false
    }
    /// The explanations of everything done since the last call, oldest first.
    fn take_notes(&mut self) -> Vec<Note>;
    /// True when STARTTLS was accepted and the TLS handshake is due.
    fn tls_pending(&self) -> bool;
    /// The TLS handshake completed (after STARTTLS, or first with implicit TLS).
    fn tls_established(&mut self, summary: TlsSummary, now: Millis);
}

/// The server engine as the driver sees it; a message's accepted copies are taken with
/// [`ServerEngine::take_message`].
#[derive(Debug)]
pub struct ServerEngine {
    /// The engine.
    pub server: Server,
}

impl ServerEngine {
    /// Wraps a server session.
    pub fn new(server: Server) -> Self {
        Self { server }
    }

    /// Every copy of the message whose reply waits for storing, or `None` when no
    /// message waits.
    pub fn take_message(&mut self) -> Option<Vec<Delivery>> {
        self.server
            .is_awaiting_store()
            .then(|| std::iter::from_fn(|| self.server.poll_delivery()).collect())
    }

    /// How storing the message went; the engine answers its end of data.
    pub fn handle_stored(&mut self, outcome: StoreOutcome) {
        self.server.handle_stored(outcome);
    }
}

impl Engine for ServerEngine {
    fn receive(&mut self, octets: &[u8], now: Millis) {
        self.server.receive(octets, now);
    }
    fn take_output(&mut self) -> Vec<u8> {
        self.server.take_output()
    }
    fn poll_timeout(&self) -> Option<Millis> {
        self.server.poll_timeout()
    }
    fn handle_timeout(&mut self, now: Millis) {
        self.server.handle_timeout(now);
    }
    fn handle_close(&mut self, now: Millis) {
        self.server.handle_close(now);
    }
    fn is_closed(&self) -> bool {
        self.server.is_closed()
    }
    fn in_message_text(&self) -> bool {
        self.server.state() == State::ReceivingData
    }
    fn tls_pending(&self) -> bool {
        self.server.tls_pending()
    }
    fn tls_established(&mut self, summary: TlsSummary, now: Millis) {
        self.server.tls_established(summary, now);
    }
    fn take_notes(&mut self) -> Vec<Note> {
        let mut notes = Vec::new();
        while let Some(event) = self.server.poll_event() {
            let wrote = match &event.kind {
                ServerEventKind::ReplySent { reply, .. } => Some(reply.encode()),
                _ => None,
            };
            let entries = match &event.kind {
                ServerEventKind::SaslTrace { entries, .. } => sasl_notes(entries),
                _ => Vec::new(),
            };
            notes.push(Note {
                explanation: event.explanation,
                rfc: event.rfc,
                wrote,
            });
            notes.extend(entries);
        }
        notes
    }
}

/// How a client session ended, as far as the message is concerned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientOutcome {
    /// The message text went out after a 354, or its LAST BDAT chunk did.
    pub message_sent: bool,
    /// The reply code to the end of DATA or the LAST chunk, if one arrived.
    pub final_code: Option<u16>,
    /// Every reason the client gave for giving up on something.
    pub failures: Vec<String>,
}

impl ClientOutcome {
    /// True when the server took responsibility for the message and nothing failed.
    pub fn delivered(&self) -> bool {
        self.final_code
            .is_some_and(|code| (200..300).contains(&code))
            && self.failures.is_empty()
    }
}

/// The client engine plus what the CLI needs to decide its exit code.
#[derive(Debug)]
pub struct ClientEngine {
    /// The engine.
    pub client: Client,
    /// Learned from the events as they pass.
    pub outcome: ClientOutcome,
}

impl ClientEngine {
    /// Wraps a client session.
    pub fn new(client: Client) -> Self {
        Self {
            client,
            outcome: ClientOutcome::default(),
        }
    }

    fn learn(&mut self, event: &ClientEvent) {
        match &event.kind {
            ClientEventKind::MessageSent { .. } => self.outcome.message_sent = true,
            ClientEventKind::ChunkSent { last: true, .. } => self.outcome.message_sent = true,
            // BDAT chunks may go pipelined behind MAIL and RCPT (RFC 3030 §4.2), so the
            // message's reply is the one that answers its end, not the first after it.
            ClientEventKind::ReplyReceived { reply, answers, .. }
                if self.outcome.message_sent
                    && self.outcome.final_code.is_none()
                    && answers
                        .as_deref()
                        .is_some_and(crate::client::answers_message) =>
            {
                self.outcome.final_code = Some(reply.code.value());
            }
            ClientEventKind::Failed { reason } => self.outcome.failures.push(reason.clone()),
            _ => {}
        }
    }
}

impl Engine for ClientEngine {
    fn receive(&mut self, octets: &[u8], now: Millis) {
        self.client.receive(octets, now);
    }
    fn take_output(&mut self) -> Vec<u8> {
        self.client.take_output()
    }
    fn poll_timeout(&self) -> Option<Millis> {
        self.client.poll_timeout()
    }
    fn handle_timeout(&mut self, now: Millis) {
        self.client.handle_timeout(now);
    }
    fn handle_close(&mut self, now: Millis) {
        self.client.handle_close(now);
    }
    fn is_closed(&self) -> bool {
        self.client.is_closed()
    }
    fn tls_pending(&self) -> bool {
        self.client.tls_pending()
    }
    fn tls_established(&mut self, summary: TlsSummary, now: Millis) {
        self.client.tls_established(summary, now);
    }
    fn take_notes(&mut self) -> Vec<Note> {
        let mut notes = Vec::new();
        while let Some(event) = self.client.poll_event() {
            self.learn(&event);
            let entries = match &event.kind {
                ClientEventKind::SaslTrace { entries, .. } => sasl_notes(entries),
                _ => Vec::new(),
            };
            notes.push(Note {
                explanation: event.explanation,
                rfc: event.rfc,
                wrote: None,
            });
            notes.extend(entries);
        }
        notes
    }
}

/// One transcript note per SASL trace entry: who computed what, and the octets shown
/// visibly (NUL as `␀`) with their base64, so `send` and `serve` print the exchange
/// byte by byte like the page does.
pub fn sasl_notes(entries: &[TraceEntry]) -> Vec<Note> {
    entries
        .iter()
        .map(|entry| {
            let side = match entry.side {
                trace::Side::Client => "client",
                trace::Side::Server => "server",
            };
            let octets = entry
                .octets
                .as_ref()
                .map(|o| format!(" = \"{}\" (base64 {})", o.visible, o.base64))
                .unwrap_or_default();
            Note {
                explanation: format!(
                    "  SASL {side}: {}{octets}. {}",
                    entry.label, entry.explanation
                ),
                rfc: entry.rfc,
                wrote: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::{Peer, ServerConfig};

    fn written(notes: &[Note]) -> Vec<u8> {
        notes
            .iter()
            .filter_map(|note| note.wrote.clone())
            .flatten()
            .collect()
    }

    #[test]
    fn server_notes_account_for_every_octet_written() {
        let peer = Peer {
            address: "[127.0.0.1]".into(),
        };
        let mut engine = ServerEngine::new(Server::new(ServerConfig::default(), peer, 0, 1));
        let greeting = engine.take_output();
        assert_eq!(written(&engine.take_notes()), greeting);
        engine.receive(
            b"EHLO c.example\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<x>\r\nBOGUS\r\n",
            1,
        );
        let output = engine.take_output();
        let notes = engine.take_notes();
        assert!(output.starts_with(b"250-mx.example.org"));
        assert_eq!(written(&notes), output);
        assert!(notes.len() > 4 && notes.iter().all(|n| n.rfc.starts_with("RFC ")));
    }

    #[test]
    fn sasl_trace_entries_become_notes_with_visible_octets() {
        let mut trace = crate::sasl::trace::Trace::new();
        trace.value(
            trace::Side::Client,
            "PLAIN message",
            b"\0tim\0tanstaaftanstaaf",
            "authzid NUL authcid NUL passwd",
            "RFC 4616 §2",
        );
        trace.note(
            trace::Side::Server,
            "check",
            "password matches",
            "RFC 4616 §2",
        );
        let notes = sasl_notes(trace.entries());
        assert_eq!(notes.len(), 2);
        assert!(notes[0].explanation.contains("SASL client: PLAIN message = \"␀tim␀tanstaaftanstaaf\" (base64 AHRpbQB0YW5zdGFhZnRhbnN0YWFm)"), "{}", notes[0].explanation);
        assert!(notes[1]
            .explanation
            .contains("SASL server: check. password matches"));
        assert_eq!(notes[1].rfc, "RFC 4616 §2");
    }

    /// Our client against our server offering CHUNKING, the chunks pipelined behind
    /// MAIL and RCPT; `limit` is the server's message size limit (SIZE not offered).
    fn chunked_session(limit: u64) -> ClientOutcome {
        let mut config = ServerConfig::default();
        config.extensions.chunking = true;
        config.extensions.size = false;
        config.max_message_size = Some(limit);
        let peer = Peer {
            address: "[127.0.0.1]".into(),
        };
        let mut server = Server::new(config, peer, 0, 1);
        let spec = crate::client::ClientSpec {
            chunk_size: 100,
            ..crate::client::ClientSpec::default()
        };
        let mut client = ClientEngine::new(crate::client::Client::new(spec, 0, 1).unwrap());
        for now in 1..200 {
            client.receive(&server.take_output(), now);
            client.take_notes();
            server.receive(&client.take_output(), now);
            while server.is_awaiting_store() {
                server.handle_stored(crate::server::StoreOutcome::Stored);
            }
            if client.is_closed() {
                break;
            }
        }
        client.outcome
    }

    #[test]
    fn the_final_code_answers_the_last_chunk_not_the_first_reply_after_it() {
        let delivered = chunked_session(10_000);
        assert!(delivered.message_sent);
        assert_eq!(delivered.final_code, Some(250));
        assert!(delivered.delivered(), "{delivered:?}");
        // MAIL and RCPT get 250, the second chunk 552, the LAST 503: the last is final.
        let refused = chunked_session(150);
        assert_eq!(refused.final_code, Some(503), "{refused:?}");
        assert!(!refused.delivered());
    }

    #[test]
    fn a_client_delivered_only_with_a_2yz_to_the_data_and_no_failure() {
        let mut outcome = ClientOutcome::default();
        assert!(!outcome.delivered());
        outcome.final_code = Some(250);
        assert!(outcome.delivered());
        outcome.failures.push("x@example.org refused".into());
        assert!(!outcome.delivered());
        let refused = ClientOutcome {
            final_code: Some(554),
            ..ClientOutcome::default()
        };
        assert!(!refused.delivered());
    }
}
