//! The POP3 server engine: one session, sans-IO (RFC 1939). Feed it octets with
//! [`Pop3Server::receive`] and the time with [`Pop3Server::handle_timeout`]; collect what
//! it wants to send with [`Pop3Server::take_output`] and what it did with
//! [`Pop3Server::poll_event`]. After QUIT, [`Pop3Server::update_outcome`] says which
//! messages the UPDATE state removed. It never blocks, reads a clock or a random source,
//! and never panics on input.

use std::collections::VecDeque;

use super::apop::{banner_timestamp, verify};
use super::codes::Pop3ReplyKind;
use super::command::{Pop3Command, MAX_POP3_LINE};
use super::config::Pop3Config;
use super::event::{Pop3Event, Pop3EventKind};
use super::maildrop::{Maildrop, MessageError, UpdateOutcome};
use super::reply::{message_lines, wire_size, Pop3Reply};
use super::state::{next_state, transition, State, Trigger};
use crate::entropy::Entropy;
use crate::protocol::LineReader;
use crate::time::{Millis, MINUTE};

/// What CAPA lists (RFC 2449 §6). Every command is answered in order whatever the
/// chunking, so PIPELINING is honest.
const CAPABILITIES: &[&str] = &[
    "USER",
    "TOP",
    "PIPELINING",
    "IMPLEMENTATION ESMTP-Playground",
];

/// One server-side POP3 session.
#[derive(Debug)]
pub struct Pop3Server {
    config: Pop3Config,
    peer_address: String,
    state: State,
    lines: LineReader,
    timestamp: Option<String>,
    pending_user: Option<String>,
    maildrop: Option<Maildrop>,
    outcome: Option<UpdateOutcome>,
    now: Millis,
    last_activity: Millis,
    errors: u32,
    output: Vec<u8>,
    events: VecDeque<Pop3Event>,
}

impl Pop3Server {
    /// Starts a session for a client at `peer_address`: the greeting is queued at once
    /// (RFC 1939 §4), with an APOP timestamp drawn from `seed` and `now` when APOP is on.
    pub fn new(
        config: Pop3Config,
        peer_address: impl Into<String>,
        now: Millis,
        seed: u64,
    ) -> Self {
        let timestamp = config.apop.then(|| {
            config.fixed_timestamp.clone().unwrap_or_else(|| {
                banner_timestamp(&mut Entropy::from_seed(seed), now, &config.hostname)
            })
        });
        let mut server = Self {
            config,
            peer_address: peer_address.into(),
            state: State::Authorization,
            lines: LineReader::new(MAX_POP3_LINE),
            timestamp,
            pending_user: None,
            maildrop: None,
            outcome: None,
            now,
            last_activity: now,
            errors: 0,
            output: Vec::new(),
            events: VecDeque::new(),
        };
        server.greet();
        server
    }

    fn greet(&mut self) {
        let hostname = &self.config.hostname;
        let (text, explanation) = match &self.timestamp {
            Some(timestamp) => (
                format!("{hostname} POP3 server ready {timestamp}"),
                format!("Greeting with APOP timestamp {timestamp}: the client may log in with MD5(timestamp + secret) instead of sending the password."),
            ),
            None => (
                format!("{hostname} POP3 server ready"),
                "Greeting without a timestamp: APOP is not offered, only USER/PASS.".to_owned(),
            ),
        };
        self.reply(Pop3ReplyKind::Greeting, text, explanation);
    }

    /// The current state.
    pub fn state(&self) -> State {
        self.state
    }

    /// The APOP timestamp in the greeting, if APOP is offered.
    pub fn timestamp(&self) -> Option<&str> {
        self.timestamp.as_deref()
    }

    /// Octets of an unfinished command line held (never more than 255, however much
    /// a client sends without a line end).
    pub fn buffered(&self) -> usize {
        self.lines.buffered()
    }

    /// True once the session is over; nothing more will be read or sent.
    pub fn is_closed(&self) -> bool {
        self.state == State::Closed
    }

    /// What the UPDATE state removed, once QUIT in TRANSACTION has run. `None` when the
    /// session ended any other way: then no message was removed (RFC 1939 §6).
    pub fn update_outcome(&self) -> Option<&UpdateOutcome> {
        self.outcome.as_ref()
    }

    /// Octets to send to the client, in order. Call after every `receive`.
    pub fn take_output(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.output)
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<Pop3Event> {
        self.events.pop_front()
    }

    /// When the autologout timer fires, if the session is open.
    pub fn poll_timeout(&self) -> Option<Millis> {
        (!self.is_closed()).then(|| {
            self.last_activity
                .saturating_add(self.config.effective_autologout())
        })
    }

    /// Tells the engine the time. Past the autologout deadline the session closes
    /// without a reply and without entering UPDATE (RFC 1939 §3), so no message is
    /// removed.
    pub fn handle_timeout(&mut self, now: Millis) {
        self.now = now;
        if self.poll_timeout().is_some_and(|deadline| now >= deadline) {
            let minutes = self.config.effective_autologout() / MINUTE;
            self.emit(
                Pop3EventKind::AutoLogout,
                format!("No command for {minutes} minutes: autologout closes the connection without a reply; marked messages stay."),
                "RFC 1939 §3",
            );
            self.close_without_update();
        }
    }

    /// The client closed the connection (or the transport lost it): no UPDATE, so
    /// messages marked as deleted stay (RFC 1939 §6).
    pub fn handle_close(&mut self, now: Millis) {
        self.now = now;
        if !self.is_closed() {
            self.close_without_update();
        }
    }

    /// Feeds octets from the client. Commands are answered in order, however the input
    /// is split.
    pub fn receive(&mut self, mut input: &[u8], now: Millis) {
        self.now = now;
        self.last_activity = now;
        while !input.is_empty() && !self.is_closed() {
            let Some(line) = self.lines.read(&mut input) else {
                break;
            };
            if line.overflowed {
                self.reply(
                    Pop3ReplyKind::LineTooLong,
                    Pop3ReplyKind::LineTooLong.default_text(),
                    format!(
                        "The line was {} octets; POP3 commands may be at most {MAX_POP3_LINE}.",
                        line.wire_len
                    ),
                );
                self.count_error();
                continue;
            }
            self.handle_line(&line.content);
        }
    }

    fn handle_line(&mut self, line: &[u8]) {
        match Pop3Command::parse(line) {
            Ok(command) => {
                self.emit(
                    Pop3EventKind::CommandReceived {
                        command: command.clone(),
                    },
                    format!("Client sent {}.", command.verb()),
                    "RFC 1939 §3",
                );
                self.handle_command(command);
            }
            Err(error) => {
                self.emit(
                    Pop3EventKind::CommandRejected {
                        line: String::from_utf8_lossy(line).into_owned(),
                    },
                    error.detail.clone(),
                    error.kind.rfc(),
                );
                self.reply(error.kind, error.kind.default_text(), error.detail);
                self.count_error();
            }
        }
    }

    fn handle_command(&mut self, command: Pop3Command) {
        let trigger = probe_trigger(&command);
        if next_state(self.state, trigger).is_none() {
            let explanation = format!(
                "{} is not valid in the {:?} state.",
                command.verb(),
                self.state
            );
            self.reply(
                Pop3ReplyKind::WrongState,
                Pop3ReplyKind::WrongState.default_text(),
                explanation,
            );
            self.count_error();
            return;
        }
        match command {
            Pop3Command::User { name } => self.user(name),
            Pop3Command::Pass { secret } => self.pass(&secret),
            Pop3Command::Apop { name, digest } => self.apop(name, &digest),
            Pop3Command::Capa => self.capa(),
            Pop3Command::Stat => self.stat(),
            Pop3Command::List { message } => self.list(message),
            Pop3Command::Retr { message } => self.retr(message),
            Pop3Command::Top { message, lines } => self.top(message, lines),
            Pop3Command::Dele { message } => self.dele(message),
            Pop3Command::Noop => {
                self.transition(Trigger::Noop);
                self.reply_default(Pop3ReplyKind::NoopOk);
            }
            Pop3Command::Rset => self.rset(),
            Pop3Command::Quit => self.quit(),
        }
    }

    fn user(&mut self, name: String) {
        if self.config.user(&name).is_some() {
            self.transition(Trigger::UserAccepted);
            let text = format!("{name} is known here, send PASS");
            self.pending_user = Some(name);
            self.reply(
                Pop3ReplyKind::UserAccepted,
                text,
                Pop3ReplyKind::UserAccepted.explanation(),
            );
        } else {
            self.pending_user = None;
            self.transition(Trigger::UserRejected);
            self.login_failed(name);
            self.reply_default(Pop3ReplyKind::NoSuchUser);
            self.count_error();
        }
    }

    fn pass(&mut self, secret: &str) {
        let name = self.pending_user.take().unwrap_or_default();
        let matches = self
            .config
            .user(&name)
            .is_some_and(|user| user.password == secret);
        if matches {
            self.log_in(name, Trigger::PassAccepted);
        } else {
            self.transition(Trigger::PassRejected);
            self.login_failed(name);
            self.reply_default(Pop3ReplyKind::InvalidPassword);
            self.count_error();
        }
    }

    fn apop(&mut self, name: String, digest: &str) {
        self.pending_user = None;
        let Some(timestamp) = self.timestamp.clone() else {
            self.transition(Trigger::ApopRejected);
            self.reply_default(Pop3ReplyKind::ApopNotOffered);
            self.count_error();
            return;
        };
        let secret = self.config.user(&name).map(|user| user.password.clone());
        let matched = match secret {
            Some(secret) => {
                let trace = verify(&timestamp, &secret, digest);
                let matched = trace.matched;
                let explanation = format!(
                    "APOP: MD5({timestamp} + secret) = {}; the client sent {digest}.",
                    trace.expected
                );
                self.emit(
                    Pop3EventKind::ApopChecked {
                        user: name.clone(),
                        trace,
                    },
                    explanation,
                    "RFC 1939 §7",
                );
                matched
            }
            None => false,
        };
        if matched {
            self.log_in(name, Trigger::ApopAccepted);
        } else {
            self.transition(Trigger::ApopRejected);
            self.login_failed(name);
            self.reply_default(Pop3ReplyKind::ApopFailed);
            self.count_error();
        }
    }

    fn log_in(&mut self, name: String, trigger: Trigger) {
        let messages = self
            .config
            .user(&name)
            .map(|user| user.messages.clone())
            .unwrap_or_default();
        let maildrop = Maildrop::new(name.clone(), messages);
        let (count, octets) = maildrop.stat();
        self.maildrop = Some(maildrop);
        self.transition(trigger);
        self.emit(
            Pop3EventKind::LoggedIn {
                user: name.clone(),
                address: self.peer_address.clone(),
            },
            format!(
                "{name} logged in from {}; with POP-before-SMTP this address may now relay for a while.",
                self.peer_address
            ),
            "RFC 1939 §7",
        );
        self.reply(
            Pop3ReplyKind::LoggedIn,
            format!(
                "{name}'s maildrop has {} ({octets} octets)",
                count_messages(count)
            ),
            Pop3ReplyKind::LoggedIn.explanation(),
        );
    }

    fn login_failed(&mut self, user: String) {
        let explanation = format!("Login as '{user}' failed; the client may try again or QUIT.");
        self.emit(
            Pop3EventKind::LoginFailed { user },
            explanation,
            "RFC 1939 §7",
        );
    }

    fn capa(&mut self) {
        self.transition(Trigger::Capa);
        let lines = CAPABILITIES
            .iter()
            .map(|capability| capability.as_bytes().to_vec())
            .collect();
        self.reply_multi_line(
            Pop3ReplyKind::Capabilities,
            Pop3ReplyKind::Capabilities.default_text().to_owned(),
            lines,
        );
    }

    fn stat(&mut self) {
        self.transition(Trigger::Stat);
        let (count, octets) = self.maildrop_stat();
        self.reply(
            Pop3ReplyKind::DropListing,
            format!("{count} {octets}"),
            format!("{count} messages, {octets} octets, not counting messages marked as deleted."),
        );
    }

    fn list(&mut self, message: Option<u32>) {
        self.transition(Trigger::List);
        match message {
            None => {
                let scan = self
                    .maildrop
                    .as_ref()
                    .map(Maildrop::scan)
                    .unwrap_or_default();
                let (count, octets) = self.maildrop_stat();
                let lines = scan
                    .iter()
                    .map(|(number, size)| format!("{number} {size}").into_bytes())
                    .collect();
                self.reply_multi_line(
                    Pop3ReplyKind::ScanListing,
                    format!("{} ({octets} octets)", count_messages(count)),
                    lines,
                );
            }
            Some(number) => {
                if let Some(size) = self.with_message(number, wire_size) {
                    self.reply(
                        Pop3ReplyKind::ScanLine,
                        format!("{number} {size}"),
                        format!("Message {number} is {size} octets."),
                    );
                }
            }
        }
    }

    fn retr(&mut self, number: u32) {
        self.transition(Trigger::Retr);
        if let Some((size, lines)) = self.with_message(number, |message| {
            (wire_size(message), message_lines(message))
        }) {
            self.reply_multi_line(
                Pop3ReplyKind::MessageFollows,
                format!("{size} octets"),
                lines,
            );
        }
    }

    fn top(&mut self, number: u32, body_lines: u32) {
        self.transition(Trigger::Top);
        let wanted = usize::try_from(body_lines).unwrap_or(usize::MAX);
        if let Some(lines) = self.with_message(number, |message| top_lines(message, wanted)) {
            self.reply_multi_line(
                Pop3ReplyKind::TopFollows,
                Pop3ReplyKind::TopFollows.default_text().to_owned(),
                lines,
            );
        }
    }

    fn dele(&mut self, number: u32) {
        self.transition(Trigger::Dele);
        let result = match self.maildrop.as_mut() {
            Some(maildrop) => maildrop.mark_deleted(number),
            None => Err(MessageError::NoSuchMessage),
        };
        match result {
            Ok(()) => self.reply(
                Pop3ReplyKind::Deleted,
                format!("message {number} deleted"),
                Pop3ReplyKind::Deleted.explanation(),
            ),
            Err(error) => self.message_error(number, error),
        }
    }

    fn rset(&mut self) {
        self.transition(Trigger::Rset);
        if let Some(maildrop) = self.maildrop.as_mut() {
            maildrop.reset();
        }
        let (count, octets) = self.maildrop_stat();
        self.reply(
            Pop3ReplyKind::ResetOk,
            format!("maildrop has {} ({octets} octets)", count_messages(count)),
            Pop3ReplyKind::ResetOk.explanation(),
        );
    }

    fn quit(&mut self) {
        if self.state != State::Transaction {
            let text = format!("{} POP3 server signing off", self.config.hostname);
            self.reply(
                Pop3ReplyKind::SigningOff,
                text,
                Pop3ReplyKind::SigningOff.explanation(),
            );
            self.transition(Trigger::Quit);
            self.emit_closed();
            return;
        }
        self.transition(Trigger::Quit);
        let outcome = self.maildrop.as_ref().map(Maildrop::update);
        let remaining = outcome.as_ref().map_or(0, |outcome| outcome.remaining);
        let left = if remaining == 0 {
            "maildrop empty".to_owned()
        } else {
            format!("{} left", count_messages(remaining))
        };
        if let Some(outcome) = outcome {
            let explanation = format!(
                "UPDATE: {} marked messages removed from {}'s maildrop, {} left.",
                outcome.deleted.len(),
                outcome.user,
                outcome.remaining
            );
            self.emit(
                Pop3EventKind::MaildropUpdated {
                    outcome: outcome.clone(),
                },
                explanation,
                "RFC 1939 §6",
            );
            self.outcome = Some(outcome);
        }
        self.reply(
            Pop3ReplyKind::UpdateDone,
            format!("{} POP3 server signing off ({left})", self.config.hostname),
            Pop3ReplyKind::UpdateDone.explanation(),
        );
        self.transition(Trigger::UpdateDone);
        self.emit_closed();
    }

    /// Runs `read` on message `number`, or answers `-ERR` when it is missing or marked.
    fn with_message<T>(&mut self, number: u32, read: impl FnOnce(&[u8]) -> T) -> Option<T> {
        let result = match self.maildrop.as_ref() {
            Some(maildrop) => maildrop.get(number).map(read),
            None => Err(MessageError::NoSuchMessage),
        };
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.message_error(number, error);
                None
            }
        }
    }

    fn message_error(&mut self, number: u32, error: MessageError) {
        let (kind, text) = match error {
            MessageError::NoSuchMessage => (
                Pop3ReplyKind::NoSuchMessage,
                format!("no such message {number}"),
            ),
            MessageError::AlreadyDeleted => (
                Pop3ReplyKind::AlreadyDeleted,
                format!("message {number} already deleted"),
            ),
        };
        self.reply(kind, text, kind.explanation());
    }

    fn maildrop_stat(&self) -> (usize, usize) {
        self.maildrop.as_ref().map_or((0, 0), Maildrop::stat)
    }

    /// Applies a table transition and records it. Callers check the table first
    /// (`handle_command`), so a missing row only means "stay".
    fn transition(&mut self, trigger: Trigger) {
        let Some(row) = transition(self.state, trigger) else {
            return;
        };
        let (from, to) = (self.state, row.to);
        if from != to {
            self.state = to;
            self.emit(
                Pop3EventKind::StateChanged { from, to },
                format!("{from:?} → {to:?}"),
                row.rfc,
            );
        }
    }

    fn count_error(&mut self) {
        self.errors = self.errors.saturating_add(1);
        if self.errors > self.config.max_errors && !self.is_closed() {
            let explanation = format!(
                "More than {} errors in one session; closing without UPDATE, so no message is removed.",
                self.config.max_errors
            );
            self.reply(
                Pop3ReplyKind::TooManyErrors,
                Pop3ReplyKind::TooManyErrors.default_text(),
                explanation,
            );
            self.close_without_update();
        }
    }

    fn close_without_update(&mut self) {
        self.transition(Trigger::Close);
        self.state = State::Closed;
        self.emit_closed();
    }

    fn emit_closed(&mut self) {
        self.pending_user = None;
        self.emit(
            Pop3EventKind::Closed,
            "The connection is closed.",
            "RFC 1939 §6",
        );
    }

    fn reply_default(&mut self, kind: Pop3ReplyKind) {
        self.reply(kind, kind.default_text(), kind.explanation());
    }

    /// Queues a single-line reply and records it: one call, so transcript and events agree.
    fn reply(
        &mut self,
        kind: Pop3ReplyKind,
        text: impl Into<String>,
        explanation: impl Into<String>,
    ) {
        self.send(Pop3Reply::line(kind, text), explanation.into());
    }

    fn reply_multi_line(&mut self, kind: Pop3ReplyKind, text: String, lines: Vec<Vec<u8>>) {
        self.send(
            Pop3Reply::multi_line(kind, text, lines),
            kind.explanation().to_owned(),
        );
    }

    fn send(&mut self, reply: Pop3Reply, explanation: String) {
        self.output.extend_from_slice(&reply.encode());
        let kind = reply.kind;
        self.emit(
            Pop3EventKind::ReplySent {
                kind,
                status: kind.status(),
                status_line: reply.status_line(),
                body_lines: reply.body.as_ref().map(Vec::len),
            },
            explanation,
            kind.rfc(),
        );
    }

    fn emit(&mut self, kind: Pop3EventKind, explanation: impl Into<String>, rfc: &'static str) {
        self.events
            .push_back(Pop3Event::new(self.now, kind, explanation, rfc));
    }
}

/// The trigger whose table row decides whether `command` is allowed in a state. For
/// commands with two outcomes, the success row stands for both (they share `from`).
fn probe_trigger(command: &Pop3Command) -> Trigger {
    match command {
        Pop3Command::User { .. } => Trigger::UserAccepted,
        Pop3Command::Pass { .. } => Trigger::PassAccepted,
        Pop3Command::Apop { .. } => Trigger::ApopAccepted,
        Pop3Command::Capa => Trigger::Capa,
        Pop3Command::Stat => Trigger::Stat,
        Pop3Command::List { .. } => Trigger::List,
        Pop3Command::Retr { .. } => Trigger::Retr,
        Pop3Command::Top { .. } => Trigger::Top,
        Pop3Command::Dele { .. } => Trigger::Dele,
        Pop3Command::Noop => Trigger::Noop,
        Pop3Command::Rset => Trigger::Rset,
        Pop3Command::Quit => Trigger::Quit,
    }
}

/// "1 message", "2 messages".
fn count_messages(count: usize) -> String {
    if count == 1 {
        "1 message".to_owned()
    } else {
        format!("{count} messages")
    }
}

/// TOP (RFC 1939 §7): the header, the blank line after it, then at most `body_lines`
/// lines of the body.
fn top_lines(message: &[u8], body_lines: usize) -> Vec<Vec<u8>> {
    let lines = message_lines(message);
    let header_end = lines
        .iter()
        .position(Vec::is_empty)
        .map_or(lines.len(), |blank| blank.saturating_add(1));
    let keep = header_end.saturating_add(body_lines).min(lines.len());
    lines.into_iter().take(keep).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_keeps_header_blank_line_and_n_body_lines() {
        let message = b"A: 1\r\nB: 2\r\n\r\none\r\ntwo\r\nthree\r\n";
        assert_eq!(top_lines(message, 0).len(), 3);
        assert_eq!(top_lines(message, 2).last().unwrap(), b"two");
        assert_eq!(top_lines(message, 99).len(), 6);
    }
}
