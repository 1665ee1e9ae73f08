//! A scripted client: fixed octets fed to the real server engine over the loopback, in
//! place of the client engine. It does what no well-behaved client does on purpose:
//! send a bare LF (SMTP smuggling), send octets that are not UTF-8, or go quiet until
//! the server's idle timeout fires. The loopback records it like any other session, so
//! a scripted run has the same timeline as a client-engine run.
//!
//! A script is plain data in the scenario, one step an object:
//!
//! ```json
//! [{"send": "EHLO x\r\n"}, {"sendOctets": [77, 65, 73, 76, 10]}, {"wait": 30000}, {"close": true}]
//! ```
//!
//! `{"startTls": true}` starts the client's TLS handshake there (after the server's 220
//! to STARTTLS, or at any point a test wants to see what happens); the steps after it
//! go through TLS once the handshake completes. Whatever a script sends in the clear
//! behind its STARTTLS line, as in `{"send": "STARTTLS\r\nRSET\r\n"}`, is what a
//! command injection looks like (RFC 3207 §5).
//!
//! Timing: the first step runs when the greeting has arrived. After a `send` the next
//! step waits one round trip (the reply's way back), after a `wait` the time it names.
//! When the script runs out the client hangs up, as a real client closing its socket.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::client::ClientEvent;
use crate::loopback::{ClientSide, Endpoint};
use crate::time::Millis;

/// One step of a script.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ScriptStep {
    /// Sends this text as UTF-8, exactly: nothing is added, so `"\n"` in it is a bare LF
    /// and a command needs its own `"\r\n"`.
    Send(String),
    /// Sends these octets exactly, any value 0–255 (e.g. 8-bit text that is not UTF-8).
    SendOctets(Vec<u8>),
    /// Lets this many milliseconds of virtual time pass before the next step.
    Wait(Millis),
    /// `true` hangs up here; `false` does nothing.
    Close(bool),
    /// `true` starts the TLS handshake here and waits for it to complete; `false` does
    /// nothing.
    StartTls(bool),
}

/// The client end of a scripted session, driven by [`crate::loopback::exchange`].
#[derive(Clone, Debug)]
pub struct ScriptedClient {
    /// Steps not run yet.
    steps: VecDeque<ScriptStep>,
    /// The latest time the link told us about.
    now: Millis,
    /// When the next step may run.
    next_at: Millis,
    /// Time for a write to reach the server and its reply to come back.
    round_trip: Millis,
    /// Octets written and not yet taken by the link.
    output: Vec<u8>,
    /// Hung up, or the server closed.
    closed: bool,
    /// Waiting for the driver's TLS handshake ([`ScriptStep::StartTls`]).
    tls_pending: bool,
}

impl ScriptedClient {
    /// A client that will run `script`, starting at `start` on a link whose one-way delay
    /// is `latency`.
    pub fn new(script: &[ScriptStep], start: Millis, latency: Millis) -> Self {
        Self {
            steps: script.iter().cloned().collect(),
            now: start,
            next_at: start,
            round_trip: latency.saturating_mul(2),
            output: Vec::new(),
            closed: false,
            tls_pending: false,
        }
    }

    /// Runs every step whose time has come; stops at the first one that makes the client
    /// wait.
    fn run_due_steps(&mut self) {
        while !self.closed && !self.tls_pending && self.now >= self.next_at {
            match self.steps.pop_front() {
                Some(ScriptStep::Send(text)) => self.write(text.as_bytes()),
                Some(ScriptStep::SendOctets(octets)) => self.write(&octets),
                Some(ScriptStep::Wait(ms)) => self.next_at = self.now.saturating_add(ms),
                Some(ScriptStep::Close(true)) | None => self.closed = true,
                Some(ScriptStep::Close(false) | ScriptStep::StartTls(false)) => {}
                Some(ScriptStep::StartTls(true)) => self.tls_pending = true,
            }
        }
    }

    /// Queues one write; the next step waits for the reply's way back.
    fn write(&mut self, octets: &[u8]) {
        self.output.extend_from_slice(octets);
        self.next_at = self.now.saturating_add(self.round_trip);
    }

    fn advance_to(&mut self, now: Millis) {
        self.now = self.now.max(now);
    }

    /// True after a `startTls` step until the driver reports the handshake.
    pub fn tls_pending(&self) -> bool {
        self.tls_pending
    }

    /// The handshake completed: the next step runs at once, through TLS. A script
    /// reports nothing, so the summary is not kept.
    pub fn tls_established(&mut self, _summary: crate::tls::TlsSummary, now: Millis) {
        self.advance_to(now);
        self.tls_pending = false;
        self.next_at = self.now;
    }
}

impl Endpoint for ScriptedClient {
    fn take_output(&mut self) -> Vec<u8> {
        self.run_due_steps();
        std::mem::take(&mut self.output)
    }

    fn receive(&mut self, _input: &[u8], now: Millis) {
        self.advance_to(now);
    }

    fn handle_close(&mut self, now: Millis) {
        self.advance_to(now);
        self.closed = true;
    }

    fn handle_timeout(&mut self, now: Millis) {
        self.advance_to(now);
    }

    fn poll_timeout(&self) -> Option<Millis> {
        (!self.closed && !self.tls_pending).then_some(self.next_at)
    }

    fn is_closed(&self) -> bool {
        self.closed && self.output.is_empty()
    }
}

impl ClientSide for ScriptedClient {
    /// A script makes no decisions, so it reports nothing; the server's events tell the
    /// story.
    fn poll_event(&mut self) -> Option<ClientEvent> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send(text: &str) -> ScriptStep {
        ScriptStep::Send(text.into())
    }

    #[test]
    fn a_send_waits_one_round_trip_before_the_next() {
        let mut client = ScriptedClient::new(&[send("A\r\n"), send("B\r\n")], 1_000, 40);
        assert_eq!(client.take_output(), b"A\r\n");
        assert_eq!(client.take_output(), b"");
        assert_eq!(client.poll_timeout(), Some(1_080));
        client.handle_timeout(1_080);
        assert_eq!(client.take_output(), b"B\r\n");
    }

    #[test]
    fn a_wait_delays_the_next_step_and_the_end_hangs_up() {
        let mut client = ScriptedClient::new(&[ScriptStep::Wait(500)], 0, 40);
        assert_eq!(client.take_output(), b"");
        assert_eq!(client.poll_timeout(), Some(500));
        assert!(!client.is_closed());
        client.handle_timeout(500);
        assert_eq!(client.take_output(), b"");
        assert!(client.is_closed());
        assert_eq!(client.poll_timeout(), None);
    }

    #[test]
    fn octets_go_out_exactly_and_close_ends_the_script() {
        let steps = [
            ScriptStep::SendOctets(vec![0xE9, b'\n']),
            ScriptStep::Close(true),
            send("never\r\n"),
        ];
        let mut client = ScriptedClient::new(&steps, 0, 0);
        assert_eq!(client.take_output(), [0xE9, b'\n']);
        assert!(client.is_closed());
        assert_eq!(client.take_output(), b"");
    }

    #[test]
    fn steps_read_as_one_key_objects() {
        let json = r#"[{"send":"EHLO x\r\n"},{"sendOctets":[10]},{"wait":30000},{"close":true}]"#;
        let steps: Vec<ScriptStep> = serde_json::from_str(json).unwrap();
        assert_eq!(
            steps,
            [
                send("EHLO x\r\n"),
                ScriptStep::SendOctets(vec![10]),
                ScriptStep::Wait(30_000),
                ScriptStep::Close(true),
            ]
        );
    }
}
