//! The server engine: one SMTP session, sans-IO. Feed it octets with [`Server::receive`]
//! and the time with [`Server::handle_timeout`]; collect what it wants to send with
//! [`Server::take_output`], what it did with [`Server::poll_event`] and the messages it
//! accepted with [`Server::poll_delivery`]. It never blocks, reads a clock or a random
//! source, and never panics on input.

use std::collections::VecDeque;

use super::config::ServerConfig;
use super::data::{DataReceiver, ReceivedData};
use super::event::{ServerEvent, ServerEventKind};
use super::state::{next_state, State, Trigger};
use crate::entropy::Entropy;
use crate::protocol::{
    Command, Extension, ForwardPath, LineReader, Reply, ReplyKind, ReversePath, MAX_COMMAND_LINE,
    MAX_TEXT_LINE,
};
use crate::time::{rfc5322_date, Millis};

/// Storage cap for one message when no SIZE limit is set, so memory stays bounded.
const HARD_MESSAGE_CAP: usize = 64 * 1024 * 1024;

/// A message the server accepted for one recipient.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// Queue id shared by all copies of one message.
    pub id: String,
    /// The envelope sender (`<>` for bounces).
    pub envelope_from: String,
    /// The recipient address.
    pub recipient: String,
    /// True when the recipient's domain is local (a mailbox), false for the outbound queue.
    pub local: bool,
    /// The message as stored, Received header first.
    pub message: Vec<u8>,
}

/// Who is connecting, as the transport sees it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Peer {
    /// The client's address, as shown in Received headers.
    pub address: String,
}

#[derive(Clone, Debug, Default)]
struct Transaction {
    from: Option<ReversePath>,
    recipients: Vec<ForwardPath>,
}

#[derive(Clone, Debug)]
enum Greeting {
    Helo(String),
    Ehlo(String),
}

/// One server-side SMTP session.
#[derive(Debug)]
pub struct Server {
    config: ServerConfig,
    peer: Peer,
    state: State,
    lines: LineReader,
    data: Option<DataReceiver>,
    transaction: Transaction,
    greeting: Option<Greeting>,
    entropy: Entropy,
    now: Millis,
    last_activity: Millis,
    errors: u32,
    output: Vec<u8>,
    events: VecDeque<ServerEvent>,
    deliveries: VecDeque<Delivery>,
}

impl Server {
    /// Starts a session: the 220 greeting is queued at once (RFC 5321 §3.1).
    pub fn new(config: ServerConfig, peer: Peer, now: Millis, seed: u64) -> Self {
        let mut server = Self {
            config,
            peer,
            state: State::ExpectHello,
            lines: LineReader::new(MAX_COMMAND_LINE),
            data: None,
            transaction: Transaction::default(),
            greeting: None,
            entropy: Entropy::from_seed(seed),
            now,
            last_activity: now,
            errors: 0,
            output: Vec::new(),
            events: VecDeque::new(),
            deliveries: VecDeque::new(),
        };
        let text = format!("{} {}", server.config.hostname, server.config.greeting);
        server.reply(
            ReplyKind::Greeting,
            text,
            "The server speaks first with 220 and its name.",
        );
        server
    }

    /// The current state.
    pub fn state(&self) -> State {
        self.state
    }

    /// True once the session is over; nothing more will be read or sent.
    pub fn is_closed(&self) -> bool {
        self.state == State::Closed
    }

    /// Octets to send to the client, in order. Call after every `receive`.
    pub fn take_output(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.output)
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<ServerEvent> {
        self.events.pop_front()
    }

    /// The next accepted message copy.
    pub fn poll_delivery(&mut self) -> Option<Delivery> {
        self.deliveries.pop_front()
    }

    /// When the idle timer fires, if the session is open.
    pub fn poll_timeout(&self) -> Option<Millis> {
        (!self.is_closed()).then(|| {
            self.last_activity
                .saturating_add(self.config.idle_timeout_ms)
        })
    }

    /// Tells the engine the time; past the idle deadline it answers 421 and closes
    /// (RFC 5321 §4.5.3.2.7).
    pub fn handle_timeout(&mut self, now: Millis) {
        self.now = now;
        if self.poll_timeout().is_some_and(|deadline| now >= deadline) {
            let minutes = self.config.idle_timeout_ms / crate::time::MINUTE;
            self.reply(
                ReplyKind::IdleTimeout,
                format!(
                    "{} Timeout exceeded ({minutes} min), closing connection",
                    self.config.hostname
                ),
                "No command arrived within the idle timeout, so the server gives up.",
            );
            self.close();
        }
    }

    /// The client closed the connection (or the transport lost it).
    pub fn handle_close(&mut self, now: Millis) {
        self.now = now;
        if !self.is_closed() {
            self.state = State::Closed;
            self.data = None;
            self.emit(
                ServerEventKind::Closed,
                "The client closed the connection.",
                "RFC 5321 §3.8",
            );
        }
    }

    /// Feeds octets from the client. Pipelined commands are answered in order, whatever
    /// the chunking (RFC 2920 §3).
    pub fn receive(&mut self, mut input: &[u8], now: Millis) {
        self.now = now;
        self.last_activity = now;
        while !input.is_empty() && !self.is_closed() {
            if let Some(receiver) = self.data.as_mut() {
                if let Some(received) = receiver.receive(&mut input) {
                    self.data = None;
                    self.end_of_data(received);
                }
                continue;
            }
            let Some(line) = self.lines.read(&mut input) else {
                break;
            };
            if line.overflowed {
                self.reply(
                    ReplyKind::LineTooLong,
                    ReplyKind::LineTooLong.default_text(),
                    format!(
                        "The line was {} octets; commands may be at most {MAX_COMMAND_LINE}.",
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
                let shown = String::from_utf8_lossy(line).into_owned();
                self.emit(
                    ServerEventKind::CommandRejected { line: shown },
                    error.detail.clone(),
                    error.reply.rfc(),
                );
                self.reply(error.reply, error.detail.clone(), error.reply.explanation());
                self.count_error();
            }
        }
    }

    fn handle_command(&mut self, command: Command) {
        match command {
            Command::Ehlo { domain } => self.hello(Greeting::Ehlo(domain)),
            Command::Helo { domain } => self.hello(Greeting::Helo(domain)),
            Command::Mail { from, .. } => self.mail(from),
            Command::Rcpt { to, .. } => self.rcpt(to),
            Command::Data => self.data_command(),
            Command::Rset => self.rset(),
            Command::Noop => self.reply_default(ReplyKind::NoopOk),
            Command::Quit => {
                let text = format!("{} closing connection", self.config.hostname);
                self.reply(ReplyKind::Closing, text, "QUIT ends the session.");
                self.close();
            }
            Command::Obsolete { which } => {
                let explanation = format!("{which:?} was retired by RFC 2821/5321 (Appendix F).");
                self.reply(ReplyKind::NotImplemented, "Command not implemented", explanation);
            }
            Command::Turn => self.reply(
                ReplyKind::NotImplemented,
                "TURN is not implemented",
                "TURN lets anyone who claims a domain receive its mail; RFC 5321 Appendix F.1 retired it.",
            ),
            _ => self.reply(
                ReplyKind::NotImplemented,
                "Command not implemented",
                "This playground server does not implement that command yet.",
            ),
        }
    }

    fn hello(&mut self, greeting: Greeting) {
        if !self.transition(Trigger::Hello) {
            return;
        }
        self.transaction = Transaction::default();
        let lines = match &greeting {
            Greeting::Ehlo(domain) => self.ehlo_lines(domain),
            Greeting::Helo(domain) => vec![format!("{} Hello {domain}", self.config.hostname)],
        };
        let explanation = match greeting {
            Greeting::Ehlo(_) => {
                "EHLO: the server names itself and lists its extensions, one per line."
            }
            Greeting::Helo(_) => "HELO: plain SMTP, so no extensions are listed.",
        };
        self.greeting = Some(greeting);
        let reply = ReplyKind::Hello.reply_lines(lines);
        self.send(ReplyKind::Hello, reply, explanation.into());
    }

    fn ehlo_lines(&self, domain: &str) -> Vec<String> {
        let switches = &self.config.extensions;
        let mut lines = vec![format!("{} Hello {domain}", self.config.hostname)];
        let offered = [
            (switches.pipelining, Extension::Pipelining),
            (switches.size, Extension::Size(self.config.max_message_size)),
            (switches.vrfy, Extension::Vrfy),
            (switches.etrn, Extension::Etrn),
            (
                switches.enhanced_status_codes,
                Extension::EnhancedStatusCodes,
            ),
            (switches.eight_bit_mime, Extension::EightBitMime),
        ];
        lines.extend(
            offered
                .into_iter()
                .filter(|(on, _)| *on)
                .map(|(_, ext)| ext.to_string()),
        );
        lines
    }

    fn mail(&mut self, from: ReversePath) {
        if !self.transition(Trigger::Mail) {
            return;
        }
        let explanation = format!("Transaction started; bounces would go to {from}.");
        self.transaction = Transaction {
            from: Some(from),
            recipients: Vec::new(),
        };
        self.reply(ReplyKind::SenderOk, "Ok", explanation);
    }

    fn rcpt(&mut self, to: ForwardPath) {
        if next_state(self.state, Trigger::Rcpt).is_none() {
            self.transition(Trigger::Rcpt);
            return;
        }
        if self.transaction.recipients.len() >= self.config.max_recipients {
            let explanation = format!(
                "This server takes at most {} recipients per message; send the rest in another transaction.",
                self.config.max_recipients
            );
            self.reply(
                ReplyKind::TooManyRecipients,
                ReplyKind::TooManyRecipients.default_text(),
                explanation,
            );
            return;
        }
        self.transition(Trigger::Rcpt);
        let explanation = format!("{to} accepted as recipient.");
        self.transaction.recipients.push(to);
        self.reply(ReplyKind::RecipientOk, "Ok", explanation);
    }

    fn data_command(&mut self) {
        if !self.transition(Trigger::Data) {
            return;
        }
        let cap = self
            .config
            .max_message_size
            .and_then(|size| usize::try_from(size).ok())
            .unwrap_or(HARD_MESSAGE_CAP)
            .min(HARD_MESSAGE_CAP);
        self.data = Some(DataReceiver::new(cap, MAX_TEXT_LINE, false));
        self.reply_default(ReplyKind::StartMailInput);
    }

    fn end_of_data(&mut self, received: ReceivedData) {
        let findings = received.findings;
        let refusal = if findings.bare_lf || findings.bare_cr {
            Some(ReplyKind::BadMessageContent)
        } else if findings.long_line {
            Some(ReplyKind::DataLineTooLong)
        } else if findings.over_cap {
            Some(ReplyKind::MessageTooBig)
        } else {
            None
        };
        self.transition(Trigger::EndOfData);
        let transaction = core::mem::take(&mut self.transaction);
        if let Some(kind) = refusal {
            self.reply(
                kind,
                kind.default_text(),
                format!("{} Nothing was delivered.", kind.explanation()),
            );
            return;
        }
        let id = self.entropy.hex_upper(10);
        self.deliver(&id, &transaction, &received.text);
        let recipients = transaction
            .recipients
            .iter()
            .map(ToString::to_string)
            .collect();
        self.emit(
            ServerEventKind::MessageAccepted {
                id: id.clone(),
                octets: received.octets,
                recipients,
            },
            format!(
                "Message of {} octets accepted with id {id}.",
                received.octets
            ),
            "RFC 5321 §4.1.1.4",
        );
        self.reply(
            ReplyKind::Queued,
            format!("Ok: queued as {id}"),
            ReplyKind::Queued.explanation(),
        );
    }

    fn deliver(&mut self, id: &str, transaction: &Transaction, text: &[u8]) {
        for recipient in &transaction.recipients {
            let (address, local) = match recipient {
                ForwardPath::Postmaster => (format!("postmaster@{}", self.config.hostname), true),
                ForwardPath::Mailbox(mailbox) => (
                    mailbox.to_string(),
                    self.config.is_local_domain(mailbox.domain.as_str()),
                ),
            };
            let mut message = self
                .received_header(id, transaction, recipient)
                .into_bytes();
            message.extend_from_slice(text);
            let envelope_from = transaction
                .from
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            self.deliveries.push_back(Delivery {
                id: id.to_owned(),
                envelope_from,
                recipient: address,
                local,
                message,
            });
        }
    }

    /// RFC 5321 §4.4 trace header. `for <path>` only with exactly one recipient
    /// (§7.2: do not copy the recipient list into headers).
    fn received_header(
        &self,
        id: &str,
        transaction: &Transaction,
        recipient: &ForwardPath,
    ) -> String {
        let (helo, protocol) = match &self.greeting {
            Some(Greeting::Ehlo(domain)) => (domain.as_str(), "ESMTP"),
            Some(Greeting::Helo(domain)) => (domain.as_str(), "SMTP"),
            None => ("unknown", "SMTP"),
        };
        let for_clause = if transaction.recipients.len() == 1 {
            format!("\r\n\tfor {recipient}")
        } else {
            String::new()
        };
        format!(
            "Received: from {helo} ({})\r\n\tby {} with {protocol} id {id}{for_clause};\r\n\t{}\r\n",
            self.peer.address,
            self.config.hostname,
            rfc5322_date(self.now)
        )
    }

    fn rset(&mut self) {
        if self.transition(Trigger::Rset) {
            self.transaction = Transaction::default();
            self.reply_default(ReplyKind::ResetOk);
        }
    }

    /// Applies a table transition, or answers 503 when the table has no row for it.
    fn transition(&mut self, trigger: Trigger) -> bool {
        match next_state(self.state, trigger) {
            Some(to) => {
                if to != self.state {
                    let from = self.state;
                    self.state = to;
                    self.emit(
                        ServerEventKind::StateChanged { from, to },
                        format!("{from:?} → {to:?}"),
                        "RFC 5321 §4.1.4",
                    );
                }
                true
            }
            None => {
                let explanation = format!("{trigger:?} is not allowed in state {:?}.", self.state);
                self.reply(
                    ReplyKind::BadSequence,
                    ReplyKind::BadSequence.default_text(),
                    explanation,
                );
                self.count_error();
                false
            }
        }
    }

    fn count_error(&mut self) {
        self.errors = self.errors.saturating_add(1);
        if self.errors > self.config.max_errors && !self.is_closed() {
            let explanation = format!(
                "More than {} errors in one session.",
                self.config.max_errors
            );
            self.reply(
                ReplyKind::TooManyErrors,
                ReplyKind::TooManyErrors.default_text(),
                explanation,
            );
            self.close();
        }
    }

    fn close(&mut self) {
        self.transition(Trigger::Close);
        self.data = None;
        self.emit(
            ServerEventKind::Closed,
            "The server closes the connection.",
            "RFC 5321 §3.8",
        );
    }

    fn reply_default(&mut self, kind: ReplyKind) {
        self.reply(kind, kind.default_text(), kind.explanation());
    }

    /// Queues a reply and records it: one call, so transcript and events always agree.
    fn reply(&mut self, kind: ReplyKind, text: impl Into<String>, explanation: impl Into<String>) {
        let reply = kind.reply_with(text);
        self.send(kind, reply, explanation.into());
    }

    fn send(&mut self, kind: ReplyKind, mut reply: Reply, explanation: String) {
        if !self.config.extensions.enhanced_status_codes {
            reply.enhanced = None;
        }
        self.output.extend_from_slice(&reply.encode());
        self.emit(
            ServerEventKind::ReplySent { kind, reply },
            explanation,
            kind.rfc(),
        );
    }

    fn emit(&mut self, kind: ServerEventKind, explanation: impl Into<String>, rfc: &'static str) {
        self.events
            .push_back(ServerEvent::new(self.now, kind, explanation, rfc));
    }
}
