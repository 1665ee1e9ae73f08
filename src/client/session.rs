//! The client engine: one SMTP session, sans-IO. It reads every reply (multi-line
//! included), lets what the server offers drive the session (EHLO extensions → AUTH,
//! SIZE, BODY, PIPELINING) and says what it decided and why. SMTP AUTH, when the spec
//! asks for it, runs between EHLO and the first MAIL (see `session/authenticate.rs`).
//!
//! Order of calls: feed octets with [`Client::receive`], the clock with
//! [`Client::handle_timeout`] (when [`Client::poll_timeout`] says), a closed connection
//! with [`Client::handle_close`]; after each, collect octets with
//! [`Client::take_output`] and explained events with [`Client::poll_event`].
//!
//! Design: every command sent pushes what it waits for onto a queue (`Awaiting`); each
//! reply pops one and records its result in the transaction. When nothing is awaited
//! any more (after every reply in lock-step, after the whole group when pipelining),
//! `Client::next_action` looks at what is known and sends the next command.

use std::collections::VecDeque;

mod authenticate;

use super::address::NamedAddress;
use super::auth::ClientAuth;
use super::decision::{Choice, Decision};
use super::error::{reject_line_breaks, SpecError};
use super::event::{ClientEvent, ClientEventKind, ReplyMeaning};
use super::message::{dot_stuff, Draft, TransferEncoding};
use super::negotiation;
use super::outcome::{Outcome, Refusal};
use super::spec::{ClientSpec, EightBitPolicy, HelloMode, Step};
use super::timeouts;
use crate::entropy::Entropy;
use crate::protocol::path::parse_reverse_path;
use crate::protocol::{
    Capabilities, Command, Domain, Extension, ForwardPath, Mailbox, Parameter, Reply, ReplyKind,
    ReplyReader, ReplyStatus, ReversePath,
};
use crate::time::{Millis, MINUTE};
use authenticate::check_auth;

/// Most raw lines a spec may carry, and the longest one: enough for any experiment,
/// small enough to keep a shared link and the engine's memory small.
const MAX_RAW_LINES: usize = 64;
const MAX_RAW_LINE: usize = 4096;

/// The reply the client is waiting for, oldest first.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Awaiting {
    Greeting,
    Ehlo,
    Helo,
    /// The reply to AUTH or to an AUTH continuation line.
    Auth,
    Mail,
    Rcpt(Mailbox),
    Data,
    EndOfData,
    Rset,
    Raw,
    Quit,
}

impl Awaiting {
    /// RFC 5321 §4.5.3.2: how long to wait for this reply.
    fn limit(&self) -> Millis {
        match self {
            Self::Greeting => timeouts::GREETING,
            Self::Mail => timeouts::MAIL,
            Self::Rcpt(_) => timeouts::RCPT,
            Self::Data => timeouts::DATA_INITIATION,
            Self::EndOfData => timeouts::DATA_TERMINATION,
            Self::Ehlo | Self::Helo | Self::Auth | Self::Rset | Self::Raw | Self::Quit => {
                timeouts::OTHER
            }
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Self::Greeting => "greeting",
            Self::Ehlo => "EHLO",
            Self::Helo => "HELO",
            Self::Auth => "AUTH",
            Self::Mail => "MAIL",
            Self::Rcpt(_) => "RCPT",
            Self::Data => "DATA",
            Self::EndOfData => "end of data",
            Self::Rset => "RSET",
            Self::Raw => "raw line",
            Self::Quit => "QUIT",
        }
    }
}

/// Where the session is, outside a transaction's details.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Waiting for the 220.
    Connected,
    /// 220 received; HELO/EHLO next.
    Greeted,
    /// HELO/EHLO accepted; the message plan is made next.
    Hello,
    /// Plan made; raw lines and quit-after for EHLO/AUTH, then the first transaction.
    Negotiated,
    /// Inside a mail transaction.
    Transaction,
    /// QUIT sent (or about to close): nothing more is started.
    Ending,
}

/// How far one command of a transaction got.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Progress {
    #[default]
    NotSent,
    Pending,
    Accepted,
    Refused,
}

/// One MAIL … DATA transaction.
#[derive(Clone, Debug, Default)]
struct Transaction {
    /// The first transaction is the one quit-after and raw lines refer to.
    first: bool,
    /// Recipients not yet sent a RCPT for (lock-step).
    to_send: VecDeque<Mailbox>,
    mail: Progress,
    accepted: Vec<Mailbox>,
    /// Refused with 452: they go in the next transaction.
    deferred: Vec<Mailbox>,
    data: Progress,
    message: Progress,
    reset: Progress,
}

/// What was negotiated for the message.
#[derive(Clone, Debug)]
struct Plan {
    parameters: Vec<Parameter>,
    payload: Vec<u8>,
    encoding: TransferEncoding,
    pipelining: bool,
}

/// One stored message an MTA passes on: the envelope it was accepted with and its
/// text as stored (trace headers included). See [`Client::relay`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelayMessage {
    /// The envelope sender as stored: `<>` or `<local@domain>` (brackets optional).
    pub envelope_from: String,
    /// The envelope recipients, `local@domain` (brackets optional).
    pub recipients: Vec<String>,
    /// The message text, CRLF line endings.
    pub text: Vec<u8>,
}

/// A relayed message, checked and ready for its transaction.
#[derive(Clone, Debug)]
struct Prepared {
    sender: ReversePath,
    recipients: Vec<Mailbox>,
    draft: Draft,
}

impl Prepared {
    fn of(message: &RelayMessage) -> Result<Self, SpecError> {
        let from = message.envelope_from.trim();
        let bracketed = if from.starts_with('<') {
            from.to_owned()
        } else {
            format!("<{from}>")
        };
        reject_line_breaks("the envelope sender", &bracketed)?;
        let sender = parse_reverse_path(&bracketed)
            .map(ReversePath::into_owned)
            .map_err(|e| SpecError(format!("envelope sender '{from}': {e}")))?;
        let recipients = message
            .recipients
            .iter()
            .map(|r| {
                parse_address(
                    r.trim().trim_start_matches('<').trim_end_matches('>'),
                    "recipient",
                )
            })
            .collect::<Result<Vec<Mailbox>, SpecError>>()?;
        if recipients.is_empty() {
            return Err(SpecError("a relayed message needs a recipient".into()));
        }
        Ok(Self {
            sender,
            recipients,
            draft: Draft::verbatim(message.text.clone()),
        })
    }
}

/// How far SMTP AUTH got (RFC 4954).
#[derive(Debug, Default)]
enum AuthProgress {
    /// Not started (or not asked for).
    #[default]
    NotStarted,
    /// The exchange is running.
    Running(Box<ClientAuth>),
    /// Over: 235, refused, or never sent.
    Done,
}

/// One client-side SMTP session.
#[derive(Debug)]
pub struct Client {
    spec: ClientSpec,
    sender: ReversePath,
    recipients: Vec<Mailbox>,
    draft: Draft,
    plan: Option<Plan>,
    replies: ReplyReader,
    awaiting: VecDeque<Awaiting>,
    waiting_since: Millis,
    phase: Phase,
    capabilities: Capabilities,
    transaction: Transaction,
    transaction_started: bool,
    raw_sent: Vec<bool>,
    decisions: Vec<Decision>,
    outcome: Outcome,
    now: Millis,
    output: crate::event::Output,
    events: VecDeque<ClientEvent>,
    closed: bool,
    round_trips: usize,
    flight_open: bool,
    /// Relayed messages still to send after the current one (see [`Client::relay`]).
    batch: VecDeque<Prepared>,
    entropy: Entropy,
    /// The first word of the 220 greeting: the server's own name.
    greeting_name: String,
    auth: AuthProgress,
}

impl Client {
    /// Checks the whole spec (addresses, hostname, header values and raw lines may not
    /// hold CR, LF or NUL, and must parse) and builds the message, so nothing malformed
    /// or injected can reach the wire; then waits for the greeting. `now` dates the
    /// message unless the spec gives a Date; `seed` makes its Message-ID.
    pub fn new(spec: ClientSpec, now: Millis, seed: u64) -> Result<Self, SpecError> {
        reject_line_breaks("the client hostname", &spec.hostname)?;
        Domain::parse(&spec.hostname)
            .map_err(|e| SpecError(format!("client hostname '{}': {e}", spec.hostname)))?;
        let sender = parse_address(&spec.message.from, "From").map(ReversePath::Mailbox)?;
        let recipients = distinct_recipients(&spec)?;
        check_raw_lines(&spec)?;
        check_auth(&spec)?;
        let mut entropy = Entropy::from_seed(seed);
        let message_id = format!("{}@{}", entropy.alphanumeric(16), spec.hostname);
        let draft = Draft::new(&spec.message, now, &message_id)?;
        Ok(Self {
            raw_sent: vec![false; spec.raw_lines.len()],
            spec,
            sender,
            recipients,
            draft,
            plan: None,
            replies: ReplyReader::new(),
            awaiting: VecDeque::from([Awaiting::Greeting]),
            waiting_since: now,
            phase: Phase::Connected,
            capabilities: Capabilities::default(),
            transaction: Transaction::default(),
            transaction_started: false,
            decisions: Vec::new(),
            outcome: Outcome::default(),
            now,
            output: crate::event::Output::new(),
            events: VecDeque::new(),
            closed: false,
            round_trips: 0,
            flight_open: false,
            batch: VecDeque::new(),
            entropy,
            greeting_name: String::new(),
            auth: AuthProgress::NotStarted,
        })
    }

    /// A client for an MTA passing on stored mail, as Postfix's flush service does
    /// after ETRN or an ODMR server does after ATRN: one transaction per message over
    /// this one session, each message sent octet for octet as stored (its trace headers
    /// stay; the receiving server adds its own Received on top). An 8-bit message goes
    /// only with BODY=8BITMIME: a relay may not rewrite what it did not write, so
    /// without 8BITMIME the client says why and stops.
    pub fn relay(
        hostname: &str,
        messages: &[RelayMessage],
        now: Millis,
        seed: u64,
    ) -> Result<Self, SpecError> {
        let mut batch = messages
            .iter()
            .map(Prepared::of)
            .collect::<Result<VecDeque<Prepared>, SpecError>>()?;
        let first = batch
            .pop_front()
            .ok_or_else(|| SpecError("there is no message to relay".into()))?;
        let spec = ClientSpec {
            hostname: hostname.to_owned(),
            eight_bit: EightBitPolicy::Refuse,
            ..ClientSpec::default()
        };
        let mut client = Self::new(spec, now, seed)?;
        client.sender = first.sender;
        client.recipients = first.recipients;
        client.draft = first.draft;
        client.batch = batch;
        Ok(client)
    }

    /// Relayed messages not yet started.
    pub fn messages_waiting(&self) -> usize {
        self.batch.len()
    }

    /// True once the session is over.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Octets to send to the server.
    pub fn take_output(&mut self) -> Vec<u8> {
        self.output.take()
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<ClientEvent> {
        self.events.pop_front()
    }

    /// What the server offered in its EHLO reply (nothing after HELO).
    pub fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    /// The negotiation so far: what was offered, what was used, and why.
    pub fn decisions(&self) -> &[Decision] {
        &self.decisions
    }

    /// What became of each recipient so far.
    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }

    /// How many times the client sent something and then had to wait for the server:
    /// pipelining makes this smaller.
    pub fn round_trips(&self) -> usize {
        self.round_trips
    }

    /// When the timer for the awaited reply expires (RFC 5321 §4.5.3.2), if any.
    pub fn poll_timeout(&self) -> Option<Millis> {
        if self.closed {
            return None;
        }
        let awaiting = self.awaiting.front()?;
        Some(self.waiting_since.saturating_add(awaiting.limit()))
    }

    /// Call at (or after) the time [`Client::poll_timeout`] gave: if the reply is still
    /// missing, the client reports the timeout and closes the connection.
    pub fn handle_timeout(&mut self, now: Millis) {
        self.now = now;
        let Some(deadline) = self.poll_timeout() else {
            return;
        };
        if now < deadline {
            return;
        }
        let Some(awaiting) = self.awaiting.front().cloned() else {
            return;
        };
        let limit = awaiting.limit();
        self.emit(
            ClientEventKind::TimedOut {
                waiting_for: awaiting.name().into(),
                limit_ms: limit,
            },
            format!(
                "No reply to {} within {} minutes: the client gives up and closes the connection.",
                awaiting.name(),
                limit / MINUTE
            ),
            "RFC 5321 §4.5.3.2",
        );
        self.finish();
    }

    /// Feeds octets from the server.
    pub fn receive(&mut self, mut input: &[u8], now: Millis) {
        self.now = now;
        while !self.closed {
            match self.replies.read(&mut input) {
                Some(ReplyStatus::Complete(reply)) => self.handle_reply(reply),
                Some(ReplyStatus::Malformed(problem)) => {
                    self.emit(
                        ClientEventKind::MalformedReply {
                            problem: problem.clone(),
                        },
                        format!("Not a valid reply: {problem}."),
                        "RFC 5321 §4.2",
                    );
                    self.fail(
                        "the server's replies can no longer be trusted, so the client closes",
                    );
                }
                None => break,
            }
        }
    }

    /// The server closed the connection.
    pub fn handle_close(&mut self, now: Millis) {
        self.now = now;
        if self.closed {
            return;
        }
        if self.awaiting.front().is_some_and(|a| *a != Awaiting::Quit) {
            self.emit(
                ClientEventKind::Failed {
                    reason: "connection closed".into(),
                },
                "The server closed the connection before answering.",
                "RFC 5321 §3.8",
            );
        }
        self.finish();
    }

    fn handle_reply(&mut self, reply: Reply) {
        self.flight_open = false;
        self.waiting_since = self.now;
        let awaiting = self.awaiting.pop_front();
        let meaning = ReplyMeaning::of(&reply);
        let explanation = meaning.summary(&reply);
        self.emit(
            ClientEventKind::ReplyReceived {
                reply: reply.clone(),
                answers: awaiting.as_ref().map(|a| a.name().to_owned()),
                meaning,
            },
            explanation,
            "RFC 5321 §4.2",
        );
        if reply.code == ReplyKind::ServiceUnavailable.code() && awaiting != Some(Awaiting::Quit) {
            self.fail("421: the server is closing the connection, so the client closes too");
            return;
        }
        let Some(awaiting) = awaiting else {
            self.emit(
                ClientEventKind::MalformedReply {
                    problem: "a reply arrived that no command asked for".into(),
                },
                "A reply arrived that no command asked for; it is ignored.",
                "RFC 5321 §4.2",
            );
            return;
        };
        match awaiting {
            Awaiting::Greeting => self.on_greeting(&reply),
            Awaiting::Ehlo => self.on_ehlo(&reply),
            Awaiting::Helo => self.on_helo(&reply),
            Awaiting::Auth => self.on_auth_reply(&reply),
            Awaiting::Mail => self.on_mail(&reply),
            Awaiting::Rcpt(mailbox) => self.on_rcpt(&reply, mailbox),
            Awaiting::Data => self.on_data(&reply),
            Awaiting::EndOfData => self.on_end_of_data(&reply),
            Awaiting::Rset => self.transaction.reset = Progress::Accepted,
            Awaiting::Raw => {}
            Awaiting::Quit => self.finish(),
        }
        if !self.closed && self.awaiting.is_empty() && self.phase != Phase::Ending {
            self.next_action();
        }
    }

    fn on_greeting(&mut self, reply: &Reply) {
        if reply.code == ReplyKind::Greeting.code() {
            self.greeting_name = reply
                .lines
                .first()
                .and_then(|line| line.split_whitespace().next())
                .unwrap_or_default()
                .to_owned();
            self.phase = Phase::Greeted;
        } else {
            self.quit_after(reply, "the server refused service in its greeting");
        }
    }

    fn on_ehlo(&mut self, reply: &Reply) {
        let code = reply.code;
        if code == ReplyKind::Hello.code() {
            self.learn_capabilities(reply);
        } else if code == ReplyKind::CommandUnrecognized.code()
            || code == ReplyKind::NotImplemented.code()
        {
            self.fall_back_to_helo(reply);
        } else {
            self.quit_after(reply, "EHLO was refused");
        }
    }

    /// The EHLO reply's lines after the first are the extensions (RFC 5321 §4.1.1.1).
    fn learn_capabilities(&mut self, reply: &Reply) {
        self.capabilities =
            Capabilities::from_ehlo_lines(reply.lines.iter().skip(1).map(String::as_str));
        self.replies
            .expect_enhanced_codes(self.capabilities.has("ENHANCEDSTATUSCODES"));
        let offered = self.offered_summary();
        self.emit(
            ClientEventKind::CapabilitiesLearned {
                capabilities: self.capabilities.clone(),
            },
            format!("The server offers: {offered}."),
            "RFC 5321 §4.1.1.1",
        );
        let count = self.capabilities.extensions.len();
        self.decide(Decision::new(
            Choice::Ehlo { extensions: count },
            offered,
            "EHLO",
            format!("EHLO was accepted, so the {count} extensions listed may be used."),
            "RFC 5321 §4.1.1.1",
        ));
        self.phase = Phase::Hello;
    }

    /// RFC 5321 §3.2: a server that does not know EHLO answers 500 or 502; the client
    /// says HELO instead and uses no extension.
    fn fall_back_to_helo(&mut self, reply: &Reply) {
        self.decide(Decision::new(
            Choice::HeloFallback,
            format!("no EHLO ({})", reply.code),
            "HELO",
            "EHLO was refused with 500/502: an old server. HELO instead, and no extensions.",
            "RFC 5321 §3.2",
        ));
        let domain = self.spec.hostname.clone();
        self.send(
            Command::Helo { domain },
            Awaiting::Helo,
            "RFC 5321 §3.2",
            "Falling back to HELO after the server refused EHLO.",
        );
    }

    fn on_helo(&mut self, reply: &Reply) {
        if reply.code.is_positive() {
            self.capabilities = Capabilities::default();
            self.phase = Phase::Hello;
        } else {
            self.quit_after(reply, "HELO was refused");
        }
    }

    fn on_mail(&mut self, reply: &Reply) {
        if reply.code.is_positive() {
            self.transaction.mail = Progress::Accepted;
        } else {
            self.transaction.mail = Progress::Refused;
            let meaning = ReplyMeaning::of(reply).summary(reply);
            self.emit(
                ClientEventKind::Failed {
                    reason: "sender refused".into(),
                },
                format!("MAIL FROM was refused ({meaning}); the transaction cannot go on."),
                "RFC 5321 §4.1.1.2",
            );
        }
    }

    fn on_rcpt(&mut self, reply: &Reply, mailbox: Mailbox) {
        let address = mailbox.to_string();
        if self.transaction.mail == Progress::Refused {
            self.emit(
                ClientEventKind::Failed {
                    reason: format!("{address} not tried"),
                },
                format!("Reply to the pipelined RCPT for {address}: MAIL had failed, so it does not count."),
                "RFC 2920 §3.1",
            );
            self.outcome.undelivered.push(address);
            return;
        }
        if reply.code.is_positive() {
            self.transaction.accepted.push(mailbox);
            return;
        }
        let deferred = reply.code == ReplyKind::TooManyRecipients.code();
        self.emit(
            ClientEventKind::RecipientRefused {
                address: address.clone(),
                code: reply.code,
                deferred,
            },
            if deferred {
                format!("{address}: 452, the server's recipient buffer is full; it goes in the next transaction.")
            } else {
                format!(
                    "{address} refused ({}); the other recipients still get the message.",
                    ReplyMeaning::of(reply).summary(reply)
                )
            },
            if deferred {
                "RFC 5321 §4.5.3.1.10"
            } else {
                "RFC 5321 §3.3"
            },
        );
        if deferred {
            self.transaction.deferred.push(mailbox);
            // Lock-step: the rest would meet the same full buffer.
            let rest: Vec<Mailbox> = self.transaction.to_send.drain(..).collect();
            self.transaction.deferred.extend(rest);
        } else {
            self.outcome.refused.push(Refusal::new(address, reply));
        }
    }

    fn on_data(&mut self, reply: &Reply) {
        if reply.code != ReplyKind::StartMailInput.code() {
            self.transaction.data = Progress::Refused;
            if !self.transaction.accepted.is_empty() {
                let meaning = ReplyMeaning::of(reply).summary(reply);
                self.emit(
                    ClientEventKind::Failed {
                        reason: "DATA refused".into(),
                    },
                    format!("DATA was refused ({meaning}); the message is not sent."),
                    "RFC 5321 §4.1.1.4",
                );
            }
            return;
        }
        self.transaction.data = Progress::Accepted;
        if self.transaction.accepted.is_empty() {
            // Only a confused server says 354 with no recipient: end the data at once so
            // nothing is delivered (RFC 2920 §3.1).
            self.output.extend_from_slice(b".\r\n");
            self.awaiting.push_back(Awaiting::EndOfData);
            self.emit(
                ClientEventKind::Failed {
                    reason: "354 without recipients".into(),
                },
                "354 although no recipient was accepted: the client sends only the terminating '.'.",
                "RFC 2920 §3.1",
            );
            return;
        }
        let Some(plan) = &self.plan else {
            return self.fail("internal: no message plan");
        };
        let octets = plan.payload.len();
        let encoding = plan.encoding;
        let payload = plan.payload.clone();
        self.open_flight();
        self.output.extend_from_slice(&payload);
        self.awaiting.push_back(Awaiting::EndOfData);
        self.emit(
            ClientEventKind::MessageSent { octets, encoding },
            format!(
                "Message sent: {octets} octets ({}), lines starting with '.' doubled, ended by CRLF.CRLF.",
                encoding.header_value()
            ),
            "RFC 5321 §4.5.2",
        );
    }

    fn on_end_of_data(&mut self, reply: &Reply) {
        let accepted: Vec<String> = self
            .transaction
            .accepted
            .iter()
            .map(ToString::to_string)
            .collect();
        if reply.code.is_positive() && !accepted.is_empty() {
            self.transaction.message = Progress::Accepted;
            self.outcome.messages_accepted += 1;
            self.outcome.delivered.extend(accepted);
        } else {
            self.transaction.message = Progress::Refused;
            if !accepted.is_empty() {
                let meaning = ReplyMeaning::of(reply).summary(reply);
                self.emit(
                    ClientEventKind::Failed {
                        reason: "message refused".into(),
                    },
                    format!("The server refused the message ({meaning})."),
                    "RFC 5321 §4.1.1.4",
                );
            }
            self.outcome.undelivered.extend(accepted);
        }
    }

    /// Nothing is awaited: decide what to send next from what is known.
    fn next_action(&mut self) {
        match self.phase {
            Phase::Connected | Phase::Ending => {}
            Phase::Greeted => {
                if !self.raw_or_stop(Step::Greeting) {
                    self.send_hello();
                }
            }
            Phase::Hello => {
                self.phase = Phase::Negotiated;
                self.negotiate();
                if self.phase == Phase::Negotiated {
                    self.next_action();
                }
            }
            Phase::Negotiated => {
                if self.raw_or_stop(Step::Ehlo) || self.start_auth() {
                    return;
                }
                if !self.raw_or_stop(Step::Auth) {
                    self.phase = Phase::Transaction;
                    let recipients = self.recipients.clone();
                    self.start_transaction(recipients, true);
                }
            }
            Phase::Transaction => self.transaction_step(),
        }
    }

    /// Sends the next raw line for `step`, or QUIT if the spec stops there. True if
    /// something was sent.
    fn raw_or_stop(&mut self, step: Step) -> bool {
        if self.send_raw(step) {
            return true;
        }
        if self.spec.quit_after == Some(step) {
            self.quit(
                format!(
                    "Stopping after {} as the spec asks (like swaks --quit-after).",
                    step.name()
                ),
                "RFC 5321 §4.1.1.10",
            );
            return true;
        }
        false
    }

    fn send_raw(&mut self, step: Step) -> bool {
        let next = self
            .spec
            .raw_lines
            .iter()
            .zip(&self.raw_sent)
            .position(|(raw, sent)| raw.after == step && !sent);
        let Some(index) = next else {
            return false;
        };
        let Some(line) = self.spec.raw_lines.get(index).map(|raw| raw.line.clone()) else {
            return false;
        };
        if let Some(sent) = self.raw_sent.get_mut(index) {
            *sent = true;
        }
        self.open_flight();
        self.output.extend_from_slice(line.as_bytes());
        self.output.extend_from_slice(b"\r\n");
        self.push_awaiting(Awaiting::Raw);
        self.emit(
            ClientEventKind::RawLineSent { line },
            format!(
                "Raw line from the spec, sent as typed after {} (the engine adds only CRLF).",
                step.name()
            ),
            "RFC 5321 §2.3.8",
        );
        true
    }

    fn send_hello(&mut self) {
        let domain = self.spec.hostname.clone();
        match self.spec.hello {
            HelloMode::Ehlo => self.send(
                Command::Ehlo { domain },
                Awaiting::Ehlo,
                "RFC 5321 §4.1.1.1",
                "Greeting received; EHLO asks for the extension list.",
            ),
            HelloMode::Helo => {
                self.decide(Decision::new(
                    Choice::Helo,
                    "not asked (HELO)",
                    "HELO",
                    "The spec asks for HELO: plain SMTP, so no extension is used.",
                    "RFC 5321 §4.1.1.1",
                ));
                self.send(
                    Command::Helo { domain },
                    Awaiting::Helo,
                    "RFC 5321 §4.1.1.1",
                    "Greeting received; HELO as asked (no extensions).",
                );
            }
        }
    }

    /// Chooses the body encoding, SIZE and pipelining from what the server offered
    /// (rules in [`super::negotiation`]); records each decision, or quits when one of
    /// them is not to send.
    fn negotiate(&mut self) {
        let traits = self.draft.traits();
        let encoding = match negotiation::encoding(traits, &self.capabilities, self.spec.eight_bit)
        {
            Ok((encoding, decision)) => {
                self.decide(decision);
                encoding
            }
            Err(refusal) => return self.refuse_to_send(refusal),
        };
        let message = self.draft.render(encoding);
        let octets = u64::try_from(message.len()).unwrap_or(u64::MAX);
        let mut parameters = match negotiation::size(octets, &self.capabilities) {
            Ok((parameter, decision)) => {
                self.decide(decision);
                parameter.into_iter().collect::<Vec<Parameter>>()
            }
            Err(refusal) => return self.refuse_to_send(refusal),
        };
        if encoding == TransferEncoding::EightBit {
            parameters.push(Parameter::new("BODY", "8BITMIME"));
        }
        let first_group = self.first_group_size();
        let (pipelining, decision) =
            negotiation::pipelining(&self.capabilities, self.spec.pipelining, first_group);
        self.decide(decision);
        self.plan = Some(Plan {
            parameters,
            payload: dot_stuff(&message),
            encoding,
            pipelining,
        });
    }

    fn refuse_to_send(&mut self, refusal: Decision) {
        let explanation = format!("{} QUIT.", refusal.why);
        let rfc = refusal.rfc;
        self.decide(refusal);
        self.quit(explanation, rfc);
    }

    /// How far the first group may reach: raw lines or quit-after at MAIL or RCPT need
    /// a reply before the next command, so the group stops there.
    fn first_group_size(&self) -> usize {
        if !self.group_may_pass(Step::Mail) {
            return 1;
        }
        let rcpts = self.recipients.len();
        if self.group_may_pass(Step::Rcpt) {
            rcpts + 2
        } else {
            rcpts + 1
        }
    }

    fn group_may_pass(&self, step: Step) -> bool {
        self.spec.quit_after != Some(step) && !self.spec.raw_lines.iter().any(|r| r.after == step)
    }

    fn start_transaction(&mut self, recipients: Vec<Mailbox>, first: bool) {
        self.transaction_started = true;
        self.transaction = Transaction {
            first,
            to_send: recipients.into(),
            ..Transaction::default()
        };
        let Some(plan) = &self.plan else {
            return self.fail("internal: no message plan");
        };
        let parameters = plan.parameters.clone();
        let pipelining = plan.pipelining;
        let from = self.sender.clone();
        let explanation = if parameters.is_empty() {
            "MAIL FROM starts the transaction with the envelope sender.".to_owned()
        } else {
            let list: Vec<String> = parameters.iter().map(ToString::to_string).collect();
            format!(
                "MAIL FROM starts the transaction, declaring {}.",
                list.join(" ")
            )
        };
        self.transaction.mail = Progress::Pending;
        self.send(
            Command::Mail { from, parameters },
            Awaiting::Mail,
            "RFC 5321 §4.1.1.2",
            explanation,
        );
        if !pipelining || (first && !self.group_may_pass(Step::Mail)) {
            return;
        }
        while let Some(mailbox) = self.transaction.to_send.pop_front() {
            self.send_rcpt(mailbox, true);
        }
        if first && !self.group_may_pass(Step::Rcpt) {
            return;
        }
        self.transaction.data = Progress::Pending;
        self.send_pipelined(
            Command::Data,
            Awaiting::Data,
            "RFC 2920 §3.1",
            "DATA ends the pipelined group; its reply comes after the RCPT replies.",
        );
    }

    fn transaction_step(&mut self) {
        let first = self.transaction.first;
        if self.transaction.mail == Progress::Refused {
            return self.next_message_or_quit(
                "MAIL was refused, so the session ends with QUIT.",
                "RFC 5321 §4.1.1.2",
            );
        }
        if first && self.raw_or_stop(Step::Mail) {
            return;
        }
        if let Some(mailbox) = self.transaction.to_send.pop_front() {
            return self.send_rcpt(mailbox, false);
        }
        if first && self.raw_or_stop(Step::Rcpt) {
            return;
        }
        if self.transaction.accepted.is_empty() {
            return self.no_recipient_accepted();
        }
        match self.transaction.data {
            Progress::NotSent => {
                self.transaction.data = Progress::Pending;
                return self.send(
                    Command::Data,
                    Awaiting::Data,
                    "RFC 5321 §4.1.1.4",
                    "Recipients accepted; DATA asks to send the message.",
                );
            }
            Progress::Refused => {
                return self.next_message_or_quit(
                    "DATA was refused, so the session ends with QUIT.",
                    "RFC 5321 §4.1.1.4",
                );
            }
            Progress::Pending | Progress::Accepted => {}
        }
        if self.transaction.message == Progress::Refused {
            return self.next_message_or_quit(
                "The message was refused; the session ends with QUIT.",
                "RFC 5321 §4.1.1.4",
            );
        }
        if first && self.raw_or_stop(Step::Data) {
            return;
        }
        let deferred = core::mem::take(&mut self.transaction.deferred);
        if deferred.is_empty() {
            return self.next_message_or_quit(
                "The message was accepted; the session ends with QUIT.",
                "RFC 5321 §4.1.1.10",
            );
        }
        let count = deferred.len();
        self.decide(Decision::new(
            Choice::NextTransaction { recipients: count },
            "452 too many recipients",
            format!("another transaction for {count}"),
            format!(
                "{count} {} 452 (recipient buffer full): the message goes to {} in a new transaction.",
                if count == 1 { "recipient got" } else { "recipients got" },
                if count == 1 { "it" } else { "them" }
            ),
            "RFC 5321 §4.5.3.1.10",
        ));
        self.start_transaction(deferred, false);
    }

    /// The transaction is over: start the next relayed message, if any (a fresh plan,
    /// since each message has its own size and octets), or end with QUIT.
    fn next_message_or_quit(&mut self, explanation: &str, rfc: &'static str) {
        let Some(next) = self.batch.pop_front() else {
            return self.quit(explanation, rfc);
        };
        let waiting = self.batch.len();
        self.emit(
            ClientEventKind::NextMessage { waiting },
            format!(
                "Next stored message in the same session ({waiting} more after it): a new \
                 transaction starts with MAIL FROM."
            ),
            "RFC 5321 §3.3",
        );
        self.sender = next.sender;
        self.recipients = next.recipients;
        self.draft = next.draft;
        self.negotiate();
        if self.phase != Phase::Ending {
            let recipients = self.recipients.clone();
            self.start_transaction(recipients, false);
        }
    }

    /// No RCPT was accepted: no DATA; RSET clears the transaction, then QUIT.
    fn no_recipient_accepted(&mut self) {
        match self.transaction.reset {
            Progress::NotSent => {
                self.transaction.reset = Progress::Pending;
                self.emit(
                    ClientEventKind::Failed {
                        reason: "no recipient accepted".into(),
                    },
                    "No recipient was accepted, so there is nothing to send: RSET, no DATA.",
                    "RFC 5321 §3.3",
                );
                self.send(
                    Command::Rset,
                    Awaiting::Rset,
                    "RFC 5321 §4.1.1.5",
                    "RSET abandons the transaction.",
                );
            }
            _ => {
                self.next_message_or_quit(
                    "Nothing to deliver; the session ends with QUIT.",
                    "RFC 5321 §4.1.1.10",
                );
            }
        }
    }

    /// When the session ends, recipients not yet sent, deferred, or accepted for a
    /// message that never reached its final reply did not get it. Drains them, so
    /// calling twice counts nobody twice.
    fn undeliver_rest(&mut self) {
        if !self.transaction_started {
            // The session ended before any MAIL: nobody got the message.
            self.transaction_started = true;
            let everyone = self.recipients.iter().map(ToString::to_string);
            self.outcome.undelivered.extend(everyone);
            return;
        }
        let transaction = &mut self.transaction;
        let accepted = if transaction.message == Progress::NotSent {
            core::mem::take(&mut transaction.accepted)
        } else {
            Vec::new()
        };
        let rest: Vec<String> = transaction
            .deferred
            .drain(..)
            .chain(transaction.to_send.drain(..))
            .chain(accepted)
            .map(|m| m.to_string())
            .collect();
        self.outcome.undelivered.extend(rest);
    }

    fn send_rcpt(&mut self, mailbox: Mailbox, pipelined: bool) {
        let address = mailbox.to_string();
        let command = Command::Rcpt {
            to: ForwardPath::Mailbox(mailbox.clone()),
            parameters: Vec::new(),
        };
        let explanation =
            format!("One RCPT TO per distinct recipient (To, Cc and Bcc alike): {address}.");
        if pipelined {
            self.send_pipelined(
                command,
                Awaiting::Rcpt(mailbox),
                "RFC 2920 §3.1",
                explanation,
            );
        } else {
            self.send(
                command,
                Awaiting::Rcpt(mailbox),
                "RFC 5321 §4.1.1.3",
                explanation,
            );
        }
    }

    fn quit_after(&mut self, reply: &Reply, reason: &str) {
        let meaning = ReplyMeaning::of(reply).summary(reply);
        self.emit(
            ClientEventKind::Failed {
                reason: reason.into(),
            },
            format!("{reason} ({meaning}); sending QUIT."),
            "RFC 5321 §4.2.1",
        );
        self.quit("QUIT ends the session politely.", "RFC 5321 §4.1.1.10");
    }

    fn quit(&mut self, explanation: impl Into<String>, rfc: &'static str) {
        self.phase = Phase::Ending;
        self.undeliver_rest();
        self.send(Command::Quit, Awaiting::Quit, rfc, explanation);
    }

    fn fail(&mut self, reason: &str) {
        self.emit(
            ClientEventKind::Failed {
                reason: reason.into(),
            },
            reason.to_owned(),
            "RFC 5321 §3.8",
        );
        self.finish();
    }

    fn finish(&mut self) {
        if self.closed {
            return;
        }
        self.closed = true;
        self.phase = Phase::Ending;
        self.undeliver_rest();
        self.awaiting.clear();
        self.emit(
            ClientEventKind::Closed,
            "The client closes the connection.",
            "RFC 5321 §3.8",
        );
    }

    fn decide(&mut self, decision: Decision) {
        let explanation = format!(
            "Offered: {}. Used: {}. {}",
            decision.offered, decision.used, decision.why
        );
        let rfc = decision.rfc;
        self.decisions.push(decision.clone());
        self.emit(ClientEventKind::Decided { decision }, explanation, rfc);
    }

    fn offered_summary(&self) -> String {
        let list: Vec<String> = self
            .capabilities
            .extensions
            .iter()
            .map(Extension::to_string)
            .collect();
        if list.is_empty() {
            "nothing".into()
        } else {
            list.join(", ")
        }
    }

    fn send(
        &mut self,
        command: Command,
        awaiting: Awaiting,
        rfc: &'static str,
        explanation: impl Into<String>,
    ) {
        self.queue(command, awaiting, false, rfc, explanation.into());
    }

    fn send_pipelined(
        &mut self,
        command: Command,
        awaiting: Awaiting,
        rfc: &'static str,
        explanation: impl Into<String>,
    ) {
        self.queue(command, awaiting, true, rfc, explanation.into());
    }

    fn queue(
        &mut self,
        command: Command,
        awaiting: Awaiting,
        pipelined: bool,
        rfc: &'static str,
        explanation: String,
    ) {
        self.open_flight();
        self.output.extend_from_slice(&command.encode());
        self.push_awaiting(awaiting);
        self.emit(
            ClientEventKind::CommandSent { command, pipelined },
            explanation,
            rfc,
        );
    }

    fn push_awaiting(&mut self, awaiting: Awaiting) {
        if self.awaiting.is_empty() {
            self.waiting_since = self.now;
        }
        self.awaiting.push_back(awaiting);
    }

    /// Output after a reply (or the first output) starts a new round trip.
    fn open_flight(&mut self) {
        if !self.flight_open {
            self.flight_open = true;
            self.round_trips += 1;
        }
    }

    /// Records an event; octets written since the previous event are this event's
    /// (every writer writes, then emits the event that explains the write).
    fn emit(&mut self, kind: ClientEventKind, explanation: impl Into<String>, rfc: &'static str) {
        let wrote = self.output.claim();
        self.events
            .push_back(ClientEvent::new(self.now, kind, explanation, rfc).with_wrote(wrote));
    }
}

/// The envelope mailbox of a From, To, Cc or Bcc entry (a display name stays in the header).
fn parse_address(text: &str, role: &str) -> Result<Mailbox, SpecError> {
    NamedAddress::parse(text, role).map(|address| address.mailbox)
}

/// One envelope recipient per distinct address of To, Cc and Bcc, in that order.
fn distinct_recipients(spec: &ClientSpec) -> Result<Vec<Mailbox>, SpecError> {
    let message = &spec.message;
    let mut recipients: Vec<Mailbox> = Vec::new();
    for address in message.to.iter().chain(&message.cc).chain(&message.bcc) {
        let mailbox = parse_address(address, "recipient")?;
        // Domains are case-insensitive, local-parts are not (RFC 5321 §2.4).
        let same = |known: &Mailbox| {
            known.local_part == mailbox.local_part
                && known
                    .domain
                    .as_str()
                    .eq_ignore_ascii_case(mailbox.domain.as_str())
        };
        if !recipients.iter().any(same) {
            recipients.push(mailbox);
        }
    }
    if recipients.is_empty() {
        return Err(SpecError(
            "at least one recipient (To, Cc or Bcc) is needed".into(),
        ));
    }
    Ok(recipients)
}

fn check_raw_lines(spec: &ClientSpec) -> Result<(), SpecError> {
    if spec.raw_lines.len() > MAX_RAW_LINES {
        return Err(SpecError(format!("at most {MAX_RAW_LINES} raw lines")));
    }
    for (index, raw) in spec.raw_lines.iter().enumerate() {
        reject_line_breaks(&format!("raw line {}", index + 1), &raw.line)?;
        if raw.line.len() > MAX_RAW_LINE {
            return Err(SpecError(format!(
                "raw line {} is {} octets; at most {MAX_RAW_LINE}",
                index + 1,
                raw.line.len()
            )));
        }
    }
    Ok(())
}
