//! The server engine: one SMTP session, sans-IO. Feed it octets with [`Server::receive`]
//! and the time with [`Server::handle_timeout`]; collect what it wants to send with
//! [`Server::take_output`], what it did with [`Server::poll_event`] and the messages it
//! accepted with [`Server::poll_delivery`]; after storing a message's copies, report how
//! it went with [`Server::handle_stored`], which is when the end of data is answered. It
//! never blocks, reads a clock or a random source, and never panics on input.
//!
//! This file holds the session plumbing: reading lines, the state table, replies,
//! errors and closing. The commands live in `commands.rs` (session commands) and
//! `envelope.rs` (MAIL, RCPT, DATA and the end of data).

use litemap::LiteMap;
use std::collections::VecDeque;

use super::config::{BareLfPolicy, ServerConfig, UnofferedPipeliningPolicy};
use super::delivery::{Delivery, StoreOutcome};
use super::event::{ServerEvent, ServerEventKind};
use super::host_inputs::HostInputs;
use super::stage::{Stage, Step};
use super::state::{next_state, State, Trigger};
use super::transaction::Transaction;
use crate::entropy::Entropy;
use crate::event::{Output, StreamSpan};
use crate::protocol::{
    Command, LineEnding, LineInfo, LineReader, Reply, ReplyKind, MAX_COMMAND_LINE,
};
use crate::sasl::Identity;
use crate::time::Millis;

/// Who is connecting, as the transport sees it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Peer {
    /// The client's address, as shown in Received headers.
    pub address: String,
}

/// The client's EHLO or HELO. Only the stages after one hold it (see `stage.rs`), so
/// none that needs it can lack it.
#[derive(Clone, Debug)]
pub(super) enum Greeting {
    Helo(String),
    Ehlo(String),
}

/// One server-side SMTP session.
#[derive(Debug)]
pub struct Server {
    pub(super) config: ServerConfig,
    pub(super) peer: Peer,
    /// Where the session is, with the data only that stage holds.
    pub(super) stage: Stage,
    pub(super) lines: LineReader,
    /// The command line being handled, kept to reuse its allocation.
    pub(super) line_buffer: Vec<u8>,
    /// The octets of a refused BDAT still to be read and thrown away. A BDAT is refused
    /// in whatever state it arrives, and the session stays there.
    pub(super) refused_chunk: Option<super::bdat::RefusedChunk>,
    /// Who authenticated, once AUTH succeeded; `None` before.
    pub(super) identity: Option<Identity>,
    pub(super) entropy: Entropy,
    pub(super) now: Millis,
    pub(super) last_activity: Millis,
    /// When the first octet of the unfinished command line arrived.
    line_started: Option<Millis>,
    pub(super) errors: u32,
    /// Messages this session put in each remote domain's queue (what ETRN reports).
    pub(super) queued: LiteMap<String, u64>,
    /// What the host told the session (queues, ETRN policy, TURN, relay grants).
    pub(super) host: HostInputs,
    /// Octets to send, numbered so each reply event names the octets it wrote.
    pub(super) output: Output,
    /// Octets read from the client so far: the input stream's offset.
    pub(super) input_offset: u64,
    /// The client's octets being handled right now, named by every event they cause.
    pub(super) reading: Option<StreamSpan>,
    pub(super) events: VecDeque<ServerEvent>,
    pub(super) deliveries: VecDeque<Delivery>,
    /// What TLS negotiated, once the connection is encrypted (STARTTLS or implicit).
    pub(super) tls: Option<crate::tls::TlsSummary>,
}

/// The session's timers (RFC 5321 §4.5.3.2.7 and the deadlines against slow clients).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Timer {
    /// No octet for `idle_timeout_ms`.
    Idle,
    /// One command line took longer than `command_deadline_ms`.
    CommandLine,
    /// The message text took longer than `data_deadline_ms`.
    Data,
}

/// Octets of input kept while the driver stores a message (pipelined commands after the
/// final "."). A driver confirms before it reads again, so this is never reached by a
/// client that waits for its replies; past it the session closes with 421.
pub const MAX_HELD_INPUT: usize = 64 * 1024;

impl Server {
    /// Starts a session: the 220 greeting is queued at once (RFC 5321 §3.1).
    pub fn new(config: ServerConfig, peer: Peer, now: Millis, seed: u64) -> Self {
        let mut server = Self {
            config,
            peer,
            stage: Stage::ExpectHello,
            lines: LineReader::new(MAX_COMMAND_LINE),
            line_buffer: Vec::new(),
            refused_chunk: None,
            identity: None,
            entropy: Entropy::from_seed(seed),
            now,
            last_activity: now,
            line_started: None,
            errors: 0,
            queued: LiteMap::new(),
            host: HostInputs::default(),
            output: Output::new(),
            input_offset: 0,
            reading: None,
            events: VecDeque::new(),
            deliveries: VecDeque::new(),
            tls: None,
        };
        let text = format!("{} {}", server.config.hostname, server.config.greeting);
        server.reply(
            ReplyKind::Greeting,
            text,
            "The server speaks first with 220 and its name.",
        );
        server
    }

    /// Tells the session what its host knows: queued mail, held domains, the ETRN
    /// policy, legacy TURN and relay grants (see [`HostInputs`]). Call before feeding
    /// octets; a later call replaces the inputs for the commands still to come.
    pub fn set_host_inputs(&mut self, inputs: HostInputs) {
        self.host = inputs;
    }

    /// The current state.
    pub fn state(&self) -> State {
        self.stage.state()
    }

    /// True once the session is over; nothing more will be read or sent.
    pub fn is_closed(&self) -> bool {
        matches!(self.stage, Stage::Closed)
    }

    /// True once the client has authenticated (set by AUTH; relaying is then allowed
    /// and Received says ESMTPA).
    pub fn is_authenticated(&self) -> bool {
        self.identity.is_some()
    }

    /// Marks the session authenticated, as a successful AUTH does (RFC 4954 §6). Public
    /// so tests and front ends can stand in for AUTH.
    pub fn mark_authenticated(&mut self, identity: Identity) {
        self.identity = Some(identity);
    }

    /// Octets of an unfinished line held right now. Never more than the 512-octet
    /// command line limit, or 12288 octets while an AUTH exchange reads its response
    /// lines (RFC 4954 §4), whatever the client sends.
    pub fn buffered_input(&self) -> usize {
        self.lines.buffered()
    }

    /// Octets of message text held for the DATA or BDAT transaction in progress
    /// (bounded by the SIZE limit, or 64 MiB without one).
    pub fn buffered_message(&self) -> usize {
        self.stage.buffered_text()
    }

    /// Errors counted so far in this session.
    pub fn error_count(&self) -> u32 {
        self.errors
    }

    /// Octets to send to the client, in order. Call after every `receive`.
    pub fn take_output(&mut self) -> Vec<u8> {
        self.output.take()
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<ServerEvent> {
        self.events.pop_front()
    }

    /// The next copy to store. After the final "." of an accepted message its copies
    /// are all here; store them, then call [`Server::handle_stored`].
    pub fn poll_delivery(&mut self) -> Option<Delivery> {
        self.deliveries.pop_front()
    }

    /// True while the engine waits for [`Server::handle_stored`]: a message was accepted,
    /// its copies wait in [`Server::poll_delivery`], and its reply (and any input that
    /// follows) waits for the outcome. A session that closes meanwhile (a timeout, the
    /// client left) waits no longer: no reply can go, and the copies stay queued.
    pub fn is_awaiting_store(&self) -> bool {
        matches!(self.stage, Stage::AwaitingStore(..))
    }

    /// The driver's outcome of storing the accepted message's copies: `Stored` answers
    /// 250, a failure 451 4.3.0 or 452 4.3.1 (the driver has kept nothing). Then the
    /// input held meanwhile is read. Does nothing when no message awaits storage. The
    /// reply is stamped with the time of the end of data.
    pub fn handle_stored(&mut self, outcome: StoreOutcome) {
        // `Closed` stands in only while the wait is taken apart.
        let wait = match core::mem::replace(&mut self.stage, Stage::Closed) {
            Stage::AwaitingStore(wait, greeting) => {
                self.stage = Stage::ExpectMail(greeting);
                wait
            }
            other => {
                self.stage = other;
                return;
            }
        };
        self.stored(&wait.id, outcome);
        self.read_input(&wait.held);
        if wait.overflowed && !self.is_closed() {
            self.reply(
                ReplyKind::ServiceUnavailable,
                format!(
                    "{} Error: too much input before the reply",
                    self.config.hostname
                ),
                format!(
                    "More than {MAX_HELD_INPUT} octets arrived while the message was being \
                     stored, before its reply; the rest was not read, so the server closes."
                ),
            );
            self.close();
        }
    }

    /// When the next timer fires, if the session is open: the idle timer, the deadline
    /// of the command line in progress, or the deadline of the message text.
    pub fn poll_timeout(&self) -> Option<Millis> {
        if self.is_closed() {
            return None;
        }
        self.timers().map(|(at, _)| at).min()
    }

    /// The running timers: when each fires and what it is.
    fn timers(&self) -> impl Iterator<Item = (Millis, Timer)> {
        let config = &self.config;
        let idle = self.last_activity.saturating_add(config.idle_timeout_ms);
        let line = self
            .line_started
            .map(|at| at.saturating_add(config.command_deadline_ms));
        let data = self
            .text_started()
            .map(|at| at.saturating_add(config.data_deadline_ms));
        [
            Some((idle, Timer::Idle)),
            line.map(|at| (at, Timer::CommandLine)),
            data.map(|at| (at, Timer::Data)),
        ]
        .into_iter()
        .flatten()
    }

    /// When the message text being read began to arrive, refused chunk included: the
    /// DATA deadline counts from there.
    fn text_started(&self) -> Option<Millis> {
        match &self.refused_chunk {
            Some(refused) => Some(refused.started()),
            None => self.stage.text_started(),
        }
    }

    /// Tells the engine the time; past a deadline it answers 421 and closes (RFC 5321
    /// §4.5.3.2.7).
    pub fn handle_timeout(&mut self, now: Millis) {
        self.now = now;
        if self.is_closed() {
            return;
        }
        let Some((_, timer)) = self.timers().filter(|(at, _)| now >= *at).min() else {
            return;
        };
        let explanation = match timer {
            Timer::Idle => format!(
                "No command arrived within the idle timeout ({} s), so the server gives up.",
                self.config.idle_timeout_ms / crate::time::SECOND
            ),
            Timer::CommandLine => format!(
                "The command line was still unfinished {} s after its first octet (the \
                 command deadline), so the server gives up on this slow client.",
                self.config.command_deadline_ms / crate::time::SECOND
            ),
            Timer::Data => format!(
                "The message text was still arriving {} s after the 354 (the DATA \
                 deadline), so the server gives up on this slow client.",
                self.config.data_deadline_ms / crate::time::SECOND
            ),
        };
        self.reply(
            ReplyKind::IdleTimeout,
            format!(
                "{} Error: timeout exceeded, closing connection",
                self.config.hostname
            ),
            explanation,
        );
        self.close();
    }

    /// The client closed the connection (or the transport lost it).
    pub fn handle_close(&mut self, now: Millis) {
        self.now = now;
        if !self.is_closed() {
            self.stage = Stage::Closed;
            self.refused_chunk = None;
            self.emit(
                ServerEventKind::Closed,
                "The client closed the connection.",
                "RFC 5321 §3.8",
            );
        }
    }

    /// Feeds octets from the client. Pipelined commands are answered in order, whatever
    /// the chunking (RFC 2920 §3). After the session closed, input is ignored.
    pub fn receive(&mut self, input: &[u8], now: Millis) {
        self.now = now;
        self.last_activity = now;
        self.read_input(input);
    }

    fn read_input(&mut self, input: &[u8]) {
        self.read_octets(input);
        self.line_started = match self.lines.buffered() {
            0 => None,
            _ => self.line_started.or(Some(self.now)),
        };
    }

    fn read_octets(&mut self, mut input: &[u8]) {
        while !input.is_empty() && !self.is_closed() {
            if let Stage::AwaitingStore(wait, _) = &mut self.stage {
                wait.hold(input);
                break;
            }
            if self.tls_pending() {
                self.discard_cleartext(input.len());
                break;
            }
            if self.reading_chunk() {
                self.read_chunk(&mut input);
                continue;
            }
            let before = input.len();
            if let Stage::InTransaction(_, Step::ReceivingData(text)) = &mut self.stage {
                let finished = text.receiver.receive(&mut input);
                let start = self.consumed(before, input.len());
                if let Some(received) = finished {
                    self.reading = Some(StreamSpan {
                        start,
                        end: self.input_offset,
                    });
                    self.end_of_data(received);
                }
                self.reading = None;
                continue;
            }
            let mut line = core::mem::take(&mut self.line_buffer);
            let read = self.lines.read_into(&mut input, &mut line);
            self.consumed(before, input.len());
            let Some(info) = read else {
                self.line_buffer = line;
                break;
            };
            let start = self.input_offset.saturating_sub(info.wire_len as u64);
            self.reading = Some(StreamSpan {
                start,
                end: self.input_offset,
            });
            self.handle_command_line(&line, info);
            self.reading = None;
            self.line_buffer = line;
        }
    }

    /// Advances the input offset past the octets just consumed; returns where they began.
    fn consumed(&mut self, before: usize, after: usize) -> u64 {
        let start = self.input_offset;
        let count = before.saturating_sub(after) as u64;
        self.input_offset = start.saturating_add(count);
        start
    }

    fn handle_command_line(&mut self, content: &[u8], line: LineInfo) {
        if matches!(self.stage, Stage::Authenticating(..)) {
            self.auth_line(content, line);
            return;
        }
        if self.is_unoffered_pipelining() {
            let explanation = "The client sent a command before reading the previous reply, \
                although PIPELINING was not offered; like Postfix (smtpd_forbid_unauth_pipelining) \
                the server closes.";
            self.reply_kind(ReplyKind::ImproperPipelining, explanation);
            self.close();
            return;
        }
        if line.overflowed {
            self.reject_line(
                content,
                ReplyKind::LineTooLong,
                format!(
                    "The line was {} octets; commands may be at most {MAX_COMMAND_LINE} including CRLF. \
                     The rest of the line was skipped.",
                    line.wire_len
                ),
            );
            return;
        }
        if line.ending == LineEnding::BareLf
            && self.config.strictness.bare_lf == BareLfPolicy::Reject
        {
            self.reject_line(
                content,
                ReplyKind::BareLfInCommand,
                ReplyKind::BareLfInCommand.explanation().to_owned(),
            );
            return;
        }
        self.handle_line(content);
    }

    /// A command line arrived while an earlier reply had not been collected, and the
    /// session did not offer PIPELINING: the client did not wait (RFC 2920 §3.1).
    fn is_unoffered_pipelining(&self) -> bool {
        self.config.strictness.unoffered_pipelining == UnofferedPipeliningPolicy::Reject
            && !self.output.is_empty()
            && !self.pipelining_offered()
    }

    /// True when this session's EHLO reply listed PIPELINING.
    pub(super) fn pipelining_offered(&self) -> bool {
        self.ehlo_session() && self.config.extensions.pipelining
    }

    /// True after an EHLO that was answered with extensions.
    pub(super) fn ehlo_session(&self) -> bool {
        matches!(self.stage.greeting(), Some(Greeting::Ehlo(_))) && self.config.speaks_esmtp()
    }

    fn reject_line(&mut self, content: &[u8], kind: ReplyKind, explanation: String) {
        self.emit(
            ServerEventKind::CommandRejected {
                line: shown_line(content),
            },
            explanation.clone(),
            kind.rfc(),
        );
        self.reply(kind, kind.default_text(), explanation);
    }

    fn handle_line(&mut self, line: &[u8]) {
        match Command::parse(line) {
            Ok(command) => {
                let explanation = format!("Client sent {}.", command.verb());
                self.emit(
                    ServerEventKind::CommandReceived {
                        command: command.clone(),
                    },
                    explanation,
                    "RFC 5321 §4.1.1",
                );
                self.handle_command(command);
            }
            Err(error) => {
                let explanation = format!("{} {}", error.detail, error.reply.explanation());
                self.emit(
                    ServerEventKind::CommandRejected {
                        line: shown_line(line),
                    },
                    explanation.clone(),
                    error.reply.rfc(),
                );
                self.reply(error.reply, error.detail, explanation);
            }
        }
    }

    /// Applies a table transition into a state that holds no data but the greeting,
    /// carried over (leaving any transaction behind), or into the next step of the
    /// transaction in progress, or answers 503 when the table has no row for it. A
    /// trigger into a state that holds data goes through [`Self::enter`] or
    /// [`Self::enter_step`], which bring it; staying in the same state keeps its data.
    pub(super) fn transition(&mut self, trigger: Trigger) -> bool {
        let from = self.state();
        match next_state(from, trigger) {
            Some(to) if to == from => true,
            Some(to) => match (
                Stage::without_data(to, self.stage.greeting()),
                Step::without_data(to),
            ) {
                (Some(stage), _) => {
                    self.move_to(stage);
                    true
                }
                (None, Some(step)) => self.enter_step(trigger, step),
                (None, None) => self.out_of_sequence(trigger),
            },
            None => self.out_of_sequence(trigger),
        }
    }

    /// Applies a table transition into `stage`, which brings the data of its state;
    /// answers 503 when the table does not lead there.
    pub(super) fn enter(&mut self, trigger: Trigger, stage: Stage) -> bool {
        if next_state(self.state(), trigger) == Some(stage.state()) {
            self.move_to(stage);
            true
        } else {
            self.out_of_sequence(trigger)
        }
    }

    /// Applies a table transition into `next`, a step of the transaction in progress,
    /// which keeps its transaction; answers 503 when the table does not lead there or
    /// there is no transaction.
    pub(super) fn enter_step(&mut self, trigger: Trigger, next: Step) -> bool {
        let from = self.state();
        let to = next.state();
        match &mut self.stage {
            Stage::InTransaction(_, step) if next_state(from, trigger) == Some(to) => {
                *step = next;
                self.record_change(from, to);
                true
            }
            _ => self.out_of_sequence(trigger),
        }
    }

    /// The transaction in progress, for `trigger`, which goes on with it: when the
    /// table allows `trigger` now and there is a transaction. Otherwise answers the
    /// table's 503.
    pub(super) fn transaction_for(&mut self, trigger: Trigger) -> Option<&mut Transaction> {
        if !self.allows(trigger) || self.stage.transaction().is_none() {
            self.out_of_sequence(trigger);
            return None;
        }
        self.stage.transaction_mut()
    }

    /// Ends the transaction in progress with `trigger`, whose row leads out of it to a
    /// stage without data: moves there and hands back the transaction. Otherwise
    /// answers the table's 503 and leaves the stage as it was.
    pub(super) fn end_transaction(&mut self, trigger: Trigger) -> Option<Transaction> {
        let next = next_state(self.state(), trigger)
            .and_then(|to| Stage::without_data(to, self.stage.greeting()))
            .filter(|_| self.stage.transaction().is_some());
        let Some(next) = next else {
            self.out_of_sequence(trigger);
            return None;
        };
        match self.move_to(next) {
            Stage::InTransaction(transaction, _) => Some(*transaction),
            _ => None,
        }
    }

    /// The 503 for a trigger the table has no row for in the current state.
    fn out_of_sequence(&mut self, trigger: Trigger) -> bool {
        let state = self.state();
        let explanation = format!("{trigger:?} is not allowed in state {state:?}.");
        self.reply(
            ReplyKind::BadSequence,
            bad_sequence_text(state, trigger),
            explanation,
        );
        false
    }

    /// True when the table has a row for `trigger` in the current state.
    pub(super) fn allows(&self, trigger: Trigger) -> bool {
        next_state(self.state(), trigger).is_some()
    }

    /// Enters `stage`, reads lines with its limit, and records the change of state;
    /// gives back the stage left, with its data.
    fn move_to(&mut self, stage: Stage) -> Stage {
        let from = self.state();
        let to = stage.state();
        self.lines.set_limit(stage.line_limit());
        let left = core::mem::replace(&mut self.stage, stage);
        self.record_change(from, to);
        left
    }

    /// Records a change of state as an event; staying in a state is no change.
    fn record_change(&mut self, from: State, to: State) {
        if to != from {
            self.emit(
                ServerEventKind::StateChanged { from, to },
                format!("{} → {}: {}", from.label(), to.label(), to.meaning()),
                "RFC 5321 §4.1.4",
            );
        }
    }

    /// Counts a client error; at the limit the server answers 421 and closes, as
    /// Postfix does at `smtpd_hard_error_limit`.
    fn count_error(&mut self) {
        self.errors = self.errors.saturating_add(1);
        if self.errors >= self.config.max_errors && !self.is_closed() {
            let explanation = format!(
                "{} errors in one session without a delivered message; the limit is {}.",
                self.errors, self.config.max_errors
            );
            self.reply(
                ReplyKind::TooManyErrors,
                format!("{} Error: too many errors", self.config.hostname),
                explanation,
            );
            self.close();
        }
    }

    /// Ends the session: nothing more is read.
    pub(super) fn close(&mut self) {
        self.move_to(Stage::Closed);
        self.refused_chunk = None;
        self.emit(
            ServerEventKind::Closed,
            "The server closes the connection.",
            "RFC 5321 §3.8",
        );
    }

    /// Queues a table reply with its default text.
    pub(super) fn reply_kind(&mut self, kind: ReplyKind, explanation: impl Into<String>) {
        self.reply(kind, kind.default_text(), explanation);
    }

    /// Queues a reply and records it: one call, so transcript and events always agree.
    /// Negative replies count towards the error limit.
    pub(super) fn reply(
        &mut self,
        kind: ReplyKind,
        text: impl Into<String>,
        explanation: impl Into<String>,
    ) {
        let reply = kind.reply_with(text);
        self.send(kind, reply, explanation.into());
    }

    /// The one place the server writes: the reply's octets, then the event naming them.
    pub(super) fn send(&mut self, kind: ReplyKind, mut reply: Reply, explanation: String) {
        if !self.config.sends_enhanced_codes() {
            reply.enhanced = None;
        }
        self.output.extend_from_slice(&reply.encode());
        self.emit(
            ServerEventKind::ReplySent { kind, reply },
            explanation,
            kind.rfc(),
        );
        if counts_as_error(kind) {
            self.count_error();
        }
    }

    /// Records an event. Octets written since the previous event are this event's (the
    /// one writer, [`Self::send`], writes a reply and then emits its `ReplySent`), and
    /// the client's octets being handled are what it read.
    pub(super) fn emit(
        &mut self,
        kind: ServerEventKind,
        explanation: impl Into<String>,
        rfc: &'static str,
    ) {
        let event = ServerEvent::new(self.now, kind, explanation, rfc)
            .with_wrote(self.output.claim())
            .with_read(self.reading);
        self.events.push_back(event);
    }
}

/// Every negative reply is a client error, except the closing 421s themselves, a store
/// failure (the server's fault) and 452 "too many recipients", which RFC 5321 §4.5.3.1.10 makes a normal event (Postfix
/// also lets a client overshoot the recipient limit without counting).
fn counts_as_error(kind: ReplyKind) -> bool {
    kind.code().is_negative()
        && !matches!(
            kind,
            ReplyKind::TooManyErrors
                | ReplyKind::IdleTimeout
                | ReplyKind::ServiceUnavailable
                | ReplyKind::ImproperPipelining
                | ReplyKind::TooManyRecipients
                | ReplyKind::StoreFailed
                | ReplyKind::StoreFull
        )
}

fn bad_sequence_text(state: State, trigger: Trigger) -> String {
    match (state, trigger) {
        (State::ExpectHello, _) => "Error: send HELO/EHLO first".into(),
        (State::ExpectChunk, Trigger::Mail) => "Error: MAIL after BDAT".into(),
        (State::ExpectChunk, Trigger::Rcpt) => "Error: RCPT after BDAT".into(),
        (_, Trigger::Mail) => "Error: nested MAIL command".into(),
        (_, Trigger::Rcpt) => "Error: need MAIL command".into(),
        (_, Trigger::Data) => "Error: need RCPT command".into(),
        _ => ReplyKind::BadSequence.default_text().into(),
    }
}

/// A refused line for the event, lossy UTF-8, at most the command line limit.
fn shown_line(line: &[u8]) -> String {
    String::from_utf8_lossy(line.get(..MAX_COMMAND_LINE).unwrap_or(line)).into_owned()
}
