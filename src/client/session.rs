//! The client engine: one SMTP session, sans-IO. It reads every reply (multi-line
//! included), lets what the server offers drive the session (EHLO extensions → AUTH,
//! SIZE, BODY, PIPELINING) and says what it decided and why. SMTP AUTH, when the spec
//! asks for it, runs between EHLO and the first MAIL (see `session/auth_command.rs`).
//!
//! Order of calls: feed octets with [`Client::receive`], the clock with
//! [`Client::handle_timeout`] (when [`Client::poll_timeout`] says), a closed connection
//! with [`Client::handle_close`]; after each, collect octets with
//! [`Client::take_output`] and explained events with [`Client::poll_event`].
//!
//! Design: the session is in one `Stage`, named for the reply it waits for, which owns
//! what only that stage needs (the message plan once negotiated, the SASL exchange
//! while authenticating, the transaction and its pipelined replies while in one). The
//! stage changes in one place, `Client::transition`: it moves the stage out, and a
//! handler consumes it and returns the next one, as rustls' states do. `on_reply`
//! matches the stage once and hands each handler that stage's data and the outcome of
//! that stage's reply table in `state.rs`, so no handler can run in the wrong stage.
//! When nothing is awaited any more (after every reply in lock-step, after the whole
//! group when pipelining), `Client::act` sends the next command. Every octet the
//! client sends goes through one writer, `Client::queue`.

use std::collections::VecDeque;
use std::ops::ControlFlow::{self, Break, Continue};

mod auth_command;
mod plan;
mod starttls;
#[cfg(test)]
mod tests;
mod transaction_step;

use super::decision::{Choice, Decision};
use super::error::SpecError;
use super::event::{ClientEvent, ClientEventKind, ReplyMeaning};
use super::outcome::Outcome;
use super::sasl_exchange::ClientAuth;
use super::spec::{ClientSpec, EightBitPolicy, HelloMode, Prepared, RelayMessage, Step};
use super::state::{self, Answer, EhloAnswer, Expect, GreetingAnswer};
use super::transaction::Transaction;
use crate::entropy::Entropy;
use crate::protocol::{Capabilities, Command, Extension, Reply, ReplyReader, ReplyStatus};
use crate::time::{Millis, MINUTE};
use plan::Plan;

/// Where the session is, named for the reply it waits for (`Expect…`) or, between
/// replies, for what it does next. Each stage owns what only it needs and hands it to
/// its handlers by value, so a reply acted on outside its stage, a transaction without
/// a plan, or a SASL exchange outside AUTH cannot be written down.
#[derive(Debug)]
enum Stage {
    /// Waiting for the 220 banner.
    ExpectGreeting,
    /// 220 received: raw lines for the greeting, then HELO/EHLO.
    Greeted,
    /// Waiting for the reply to EHLO or HELO (the one sent).
    ExpectHello(HelloMode),
    /// HELO/EHLO accepted; the message plan is made next.
    Hello,
    /// Plan made: raw lines and quit-after for EHLO, AUTH (tried once), raw lines and
    /// quit-after for AUTH, then the first transaction.
    Negotiated(Negotiated),
    /// Waiting for the reply to STARTTLS (RFC 3207).
    ExpectStartTls,
    /// STARTTLS was answered 220: the driver runs the TLS handshake; no reply is read.
    ExpectTlsHandshake,
    /// Waiting for the reply to AUTH or to a continuation line (RFC 4954).
    ExpectAuth(Authenticating),
    /// Inside a mail transaction; it knows which replies it waits for.
    Transaction(InTransaction),
    /// Waiting for the reply to a raw line; then the session goes on from `resume`.
    ExpectRaw { resume: Box<Stage> },
    /// Waiting for the reply to QUIT: nothing more is started.
    ExpectQuit,
    /// The connection is closed.
    Closed,
}

/// The data of [`Stage::Negotiated`].
#[derive(Debug)]
struct Negotiated {
    plan: Plan,
    /// AUTH is tried once, whatever its outcome.
    auth_tried: bool,
}

/// The data of [`Stage::ExpectAuth`]: the plan to go on with after 235, and the SASL
/// exchange (boxed: it is large, and most of the session is spent without one).
#[derive(Debug)]
struct Authenticating {
    plan: Plan,
    auth: Box<ClientAuth>,
}

/// The data of [`Stage::Transaction`].
#[derive(Debug)]
struct InTransaction {
    plan: Plan,
    transaction: Transaction,
}

impl From<Negotiated> for Stage {
    fn from(negotiated: Negotiated) -> Self {
        Self::Negotiated(negotiated)
    }
}

impl From<InTransaction> for Stage {
    fn from(in_transaction: InTransaction) -> Self {
        Self::Transaction(in_transaction)
    }
}

impl Stage {
    /// The reply this stage waits for, if any.
    fn awaiting(&self) -> Option<Expect> {
        match self {
            Self::ExpectGreeting => Some(Expect::Greeting),
            Self::ExpectHello(HelloMode::Ehlo) => Some(Expect::Ehlo),
            Self::ExpectHello(HelloMode::Helo) => Some(Expect::Helo),
            Self::ExpectAuth(_) => Some(Expect::Auth),
            Self::ExpectStartTls => Some(Expect::StartTls),
            Self::Transaction(InTransaction { transaction, .. }) => transaction.awaiting(),
            Self::ExpectRaw { .. } => Some(Expect::Raw),
            Self::ExpectQuit => Some(Expect::Quit),
            Self::Greeted
            | Self::Hello
            | Self::Negotiated(_)
            | Self::ExpectTlsHandshake
            | Self::Closed => None,
        }
    }
}

/// One client-side SMTP session.
#[derive(Debug)]
pub struct Client {
    spec: ClientSpec,
    /// The message of the current transaction.
    message: Prepared,
    /// Relayed messages still to send after the current one (see [`Client::relay`]).
    batch: VecDeque<Prepared>,
    stage: Stage,
    replies: ReplyReader,
    waiting_since: Millis,
    capabilities: Capabilities,
    raw_sent: Vec<bool>,
    decisions: Vec<Decision>,
    outcome: Outcome,
    now: Millis,
    output: crate::event::Output,
    events: VecDeque<ClientEvent>,
    round_trips: usize,
    flight_open: bool,
    entropy: Entropy,
    /// The first word of the 220 greeting: the server's own name.
    greeting_name: String,
    /// Where the connection stands with TLS.
    tls: starttls::TlsProgress,
}

impl Client {
    /// Checks the whole spec (addresses, hostname, header values and raw lines may not
    /// hold CR, LF or NUL, and must parse) and builds the message, so nothing malformed
    /// or injected can reach the wire; then waits for the greeting. `now` dates the
    /// message unless the spec gives a Date; `seed` makes its Message-ID.
    pub fn new(spec: ClientSpec, now: Millis, seed: u64) -> Result<Self, SpecError> {
        let mut entropy = Entropy::from_seed(seed);
        let message_id = format!("{}@{}", entropy.alphanumeric(16), spec.hostname);
        let message = Prepared::of_spec(&spec, now, &message_id)?;
        Ok(Self {
            raw_sent: vec![false; spec.raw_lines.len()],
            spec,
            message,
            batch: VecDeque::new(),
            stage: Stage::ExpectGreeting,
            replies: ReplyReader::new(),
            waiting_since: now,
            capabilities: Capabilities::default(),
            decisions: Vec::new(),
            outcome: Outcome::default(),
            now,
            output: crate::event::Output::new(),
            events: VecDeque::new(),
            round_trips: 0,
            flight_open: false,
            entropy,
            greeting_name: String::new(),
            tls: starttls::TlsProgress::Undecided,
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
            .map(Prepared::of_relay)
            .collect::<Result<VecDeque<Prepared>, SpecError>>()?;
        let first = batch.pop_front().ok_or(SpecError::NothingToRelay)?;
        let spec = ClientSpec {
            hostname: hostname.to_owned(),
            eight_bit: EightBitPolicy::Refuse,
            ..ClientSpec::default()
        };
        let mut client = Self::new(spec, now, seed)?;
        client.message = first;
        client.batch = batch;
        Ok(client)
    }

    /// True once the session is over.
    pub fn is_closed(&self) -> bool {
        matches!(self.stage, Stage::Closed)
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
        let awaiting = self.stage.awaiting()?;
        Some(self.waiting_since.saturating_add(awaiting.limit()))
    }

    /// Call at (or after) the time [`Client::poll_timeout`] gave: if the reply is still
    /// missing, the client reports the timeout and closes the connection.
    pub fn handle_timeout(&mut self, now: Millis) {
        self.now = now;
        let Some(awaiting) = self.stage.awaiting() else {
            return;
        };
        let limit = awaiting.limit();
        if now < self.waiting_since.saturating_add(limit) {
            return;
        }
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
        self.transition(Self::close);
    }

    /// Feeds octets from the server.
    pub fn receive(&mut self, mut input: &[u8], now: Millis) {
        self.now = now;
        while !self.is_closed() {
            if self.tls_pending() {
                self.discard_cleartext(input.len());
                break;
            }
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
                    self.transition(|client, stage| {
                        client.fail(
                            stage,
                            "the server's replies can no longer be trusted, so the client closes",
                        )
                    });
                }
                None => break,
            }
        }
    }

    /// The server closed the connection.
    pub fn handle_close(&mut self, now: Millis) {
        self.now = now;
        if self.is_closed() {
            return;
        }
        if self.tls_pending() || self.stage.awaiting().is_some_and(|a| a != Expect::Quit) {
            self.emit(
                ClientEventKind::Failed {
                    reason: "connection closed".into(),
                },
                "The server closed the connection before answering.",
                "RFC 5321 §3.8",
            );
        }
        self.transition(Self::close);
    }

    /// The one place the stage changes: `next` consumes the stage being left (as
    /// rustls' states do) and returns the one entered. Everything `next` calls gets the
    /// stage's data as arguments and never reads `self.stage`, which meanwhile holds
    /// [`Stage::Closed`].
    fn transition(&mut self, next: impl FnOnce(&mut Self, Stage) -> Stage) {
        let stage = core::mem::replace(&mut self.stage, Stage::Closed);
        self.stage = next(self, stage);
    }

    /// One whole reply: reported, then a 421 closes (RFC 5321 §3.8), or the stage
    /// acts on it; then the next command once nothing else is awaited.
    fn handle_reply(&mut self, reply: Reply) {
        self.flight_open = false;
        self.waiting_since = self.now;
        let awaiting = self.stage.awaiting();
        let meaning = ReplyMeaning::of(&reply);
        let explanation = meaning.summary(&reply);
        self.emit(
            ClientEventKind::ReplyReceived {
                reply: reply.clone(),
                answers: awaiting.map(|a| a.name().to_owned()),
                meaning,
            },
            explanation,
            "RFC 5321 §4.2",
        );
        if state::closes_session(awaiting, reply.code) {
            return self.transition(|client, stage| {
                client.fail(
                    stage,
                    "421: the server is closing the connection, so the client closes too",
                )
            });
        }
        self.transition(|client, stage| client.on_reply(stage, &reply));
        if self.stage.awaiting().is_none() {
            self.transition(Self::act);
        }
    }

    /// The reply table of what `stage` waits for, acted on: each arm hands its
    /// handler the stage's own data and returns the stage the reply leads to.
    fn on_reply(&mut self, stage: Stage, reply: &Reply) -> Stage {
        let code = reply.code;
        match stage {
            Stage::ExpectGreeting => match state::GREETING.lookup(code) {
                GreetingAnswer::Greeted => self.on_greeting(reply),
                GreetingAnswer::Refused => {
                    self.quit_after(stage, reply, "the server refused service in its greeting")
                }
            },
            Stage::ExpectHello(HelloMode::Ehlo) => match state::EHLO.lookup(code) {
                EhloAnswer::ExtensionsLearned => self.learn_capabilities(reply),
                EhloAnswer::FallBackToHelo => self.fall_back_to_helo(reply),
                EhloAnswer::Refused => self.quit_after(stage, reply, "EHLO was refused"),
            },
            Stage::ExpectHello(HelloMode::Helo) => match state::HELO.lookup(code) {
                Answer::Accepted => {
                    self.capabilities = Capabilities::default();
                    Stage::Hello
                }
                Answer::Refused => self.quit_after(stage, reply, "HELO was refused"),
            },
            Stage::ExpectAuth(authenticating) => self.on_auth_reply(authenticating, reply),
            Stage::ExpectStartTls => match state::STARTTLS.lookup(code) {
                Answer::Accepted => self.on_tls_ready(),
                Answer::Refused => self.on_starttls_refused(stage, reply),
            },
            Stage::Transaction(in_transaction) => self.on_transaction_reply(in_transaction, reply),
            Stage::ExpectRaw { resume } => *resume,
            Stage::ExpectQuit => self.close(stage),
            Stage::Greeted
            | Stage::Hello
            | Stage::Negotiated(_)
            | Stage::ExpectTlsHandshake
            | Stage::Closed => {
                self.unsolicited();
                stage
            }
        }
    }

    /// A reply nothing asked for: reported, and the session does not move on.
    fn unsolicited(&mut self) {
        self.emit(
            ClientEventKind::MalformedReply {
                problem: "a reply arrived that no command asked for".into(),
            },
            "A reply arrived that no command asked for; it is ignored.",
            "RFC 5321 §4.2",
        );
    }

    fn on_greeting(&mut self, reply: &Reply) -> Stage {
        self.greeting_name = reply
            .lines
            .first()
            .and_then(|line| line.split_whitespace().next())
            .unwrap_or_default()
            .to_owned();
        Stage::Greeted
    }

    /// The EHLO reply's lines after the first are the extensions (RFC 5321 §4.1.1.1).
    fn learn_capabilities(&mut self, reply: &Reply) -> Stage {
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
        Stage::Hello
    }

    /// RFC 5321 §3.2: a server that does not know EHLO answers 500 or 502; the client
    /// says HELO instead and uses no extension.
    fn fall_back_to_helo(&mut self, reply: &Reply) -> Stage {
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
            "RFC 5321 §3.2",
            "Falling back to HELO after the server refused EHLO.",
        );
        Stage::ExpectHello(HelloMode::Helo)
    }

    /// Nothing is awaited in `stage`: decide what to send next from what is known, and
    /// return the stage that waits for its reply.
    fn act(&mut self, stage: Stage) -> Stage {
        match stage {
            Stage::ExpectGreeting
            | Stage::ExpectHello(_)
            | Stage::ExpectAuth(_)
            | Stage::ExpectStartTls
            | Stage::ExpectTlsHandshake
            | Stage::ExpectRaw { .. }
            | Stage::ExpectQuit
            | Stage::Closed => stage,
            Stage::Greeted => match self.raw_or_stop(Step::Greeting, stage) {
                Break(next) => next,
                Continue(_) => self.send_hello(),
            },
            Stage::Hello => match self.starttls_step(stage) {
                Break(next) => next,
                Continue(stage) => match self.negotiate() {
                    Ok(plan) => settle(self.before_mail(Negotiated {
                        plan,
                        auth_tried: false,
                    })),
                    Err(refusal) => self.refuse_to_send(stage, refusal),
                },
            },
            Stage::Negotiated(negotiated) => settle(self.before_mail(negotiated)),
            Stage::Transaction(in_transaction) => self.transaction_step(in_transaction),
        }
    }

    /// After EHLO: raw lines, AUTH, raw lines after AUTH, then the first transaction.
    /// `Break` when one of them was sent and its reply is awaited.
    fn before_mail(&mut self, negotiated: Negotiated) -> ControlFlow<Stage, Stage> {
        let negotiated = self.raw_or_stop(Step::Ehlo, negotiated)?;
        let negotiated = self.start_auth(negotiated)?;
        let Negotiated { plan, .. } = self.raw_or_stop(Step::Auth, negotiated)?;
        let recipients = self.message.recipients.clone();
        Continue(self.start_transaction(plan, recipients, true))
    }

    /// Sends the next raw line for `step`, or QUIT if the spec stops there: `Break`
    /// with the stage that waits for its reply (`held` is resumed after a raw line, or
    /// left for good before QUIT). `Continue` hands `held` back when neither applies.
    fn raw_or_stop<S: Into<Stage>>(&mut self, step: Step, held: S) -> ControlFlow<Stage, S> {
        if let Some((index, line)) = self.next_raw_line(step) {
            return Break(self.send_raw(step, index, line, held.into()));
        }
        if self.spec.quit_after == Some(step) {
            return Break(self.quit(
                held.into(),
                format!(
                    "Stopping after {} as the spec asks (like swaks --quit-after).",
                    step.name()
                ),
                "RFC 5321 §4.1.1.10",
            ));
        }
        Continue(held)
    }

    /// The first raw line for `step` not yet sent, with its index.
    fn next_raw_line(&self, step: Step) -> Option<(usize, String)> {
        self.spec
            .raw_lines
            .iter()
            .zip(&self.raw_sent)
            .enumerate()
            .find(|(_, (raw, sent))| raw.after == step && !**sent)
            .map(|(index, (raw, _))| (index, raw.line.clone()))
    }

    /// Sends raw line `index`; its reply is awaited, then the session goes on from
    /// `resume`.
    fn send_raw(&mut self, step: Step, index: usize, line: String, resume: Stage) -> Stage {
        if let Some(sent) = self.raw_sent.get_mut(index) {
            *sent = true;
        }
        let octets = [line.as_bytes(), b"\r\n"].concat();
        self.queue(
            &octets,
            ClientEventKind::RawLineSent { line },
            format!(
                "Raw line from the spec, sent as typed after {} (the engine adds only CRLF).",
                step.name()
            ),
            "RFC 5321 §2.3.8",
        );
        Stage::ExpectRaw {
            resume: Box::new(resume),
        }
    }

    fn send_hello(&mut self) -> Stage {
        let domain = self.spec.hostname.clone();
        match self.spec.hello {
            HelloMode::Ehlo => self.send(
                Command::Ehlo { domain },
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
                    "RFC 5321 §4.1.1.1",
                    "Greeting received; HELO as asked (no extensions).",
                );
            }
        }
        Stage::ExpectHello(self.spec.hello)
    }

    /// Leaves `stage` because of `reply`: says why, then QUIT.
    fn quit_after(&mut self, stage: Stage, reply: &Reply, reason: &str) -> Stage {
        let meaning = ReplyMeaning::of(reply).summary(reply);
        self.emit(
            ClientEventKind::Failed {
                reason: reason.into(),
            },
            format!("{reason} ({meaning}); sending QUIT."),
            "RFC 5321 §4.2.1",
        );
        self.quit(
            stage,
            "QUIT ends the session politely.",
            "RFC 5321 §4.1.1.10",
        )
    }

    /// Leaves `stage` for good and sends QUIT.
    fn quit(&mut self, stage: Stage, explanation: impl Into<String>, rfc: &'static str) -> Stage {
        self.undeliver(stage);
        self.send(Command::Quit, rfc, explanation);
        Stage::ExpectQuit
    }

    /// Leaves `stage` because of `reason`, without QUIT: the connection closes.
    fn fail(&mut self, stage: Stage, reason: &str) -> Stage {
        self.emit(
            ClientEventKind::Failed {
                reason: reason.into(),
            },
            reason.to_owned(),
            "RFC 5321 §3.8",
        );
        self.close(stage)
    }

    /// Leaves `stage` and closes the connection (once: closing a closed session does
    /// nothing).
    fn close(&mut self, stage: Stage) -> Stage {
        if matches!(stage, Stage::Closed) {
            return stage;
        }
        self.undeliver(stage);
        self.emit(
            ClientEventKind::Closed,
            "The client closes the connection.",
            "RFC 5321 §3.8",
        );
        Stage::Closed
    }

    /// The session is leaving `stage` for good: whoever did not get the message is
    /// counted once. Before any MAIL that is everyone.
    fn undeliver(&mut self, stage: Stage) {
        match stage {
            Stage::ExpectGreeting
            | Stage::Greeted
            | Stage::ExpectHello(_)
            | Stage::Hello
            | Stage::Negotiated(_)
            | Stage::ExpectStartTls
            | Stage::ExpectTlsHandshake
            | Stage::ExpectAuth(_) => {
                let everyone = self.message.recipients.iter().map(ToString::to_string);
                self.outcome.undelivered.extend(everyone);
            }
            Stage::Transaction(InTransaction {
                mut transaction, ..
            }) => self.outcome.undelivered.extend(transaction.undelivered()),
            Stage::ExpectRaw { resume } => self.undeliver(*resume),
            Stage::ExpectQuit | Stage::Closed => {}
        }
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

    /// Sends a command in lock-step: its reply comes before anything else is sent. The
    /// caller has set the stage that waits for the reply.
    fn send(&mut self, command: Command, rfc: &'static str, explanation: impl Into<String>) {
        self.send_command(command, false, rfc, explanation.into());
    }

    /// Sends a command of a pipelined group (RFC 2920), ahead of earlier replies.
    fn send_pipelined(
        &mut self,
        command: Command,
        rfc: &'static str,
        explanation: impl Into<String>,
    ) {
        self.send_command(command, true, rfc, explanation.into());
    }

    fn send_command(
        &mut self,
        command: Command,
        pipelined: bool,
        rfc: &'static str,
        explanation: String,
    ) {
        let octets = command.encode();
        let kind = ClientEventKind::CommandSent { command, pipelined };
        self.queue(&octets, kind, explanation, rfc);
    }

    /// The one place the client writes octets: every command, raw line, AUTH line and
    /// message text goes out here, followed by the event that says what was written and
    /// why. Output after a reply starts a new round trip. (Every write happens while
    /// handling a reply, so the reply timer already runs from `now`.)
    fn queue(
        &mut self,
        octets: &[u8],
        kind: ClientEventKind,
        explanation: String,
        rfc: &'static str,
    ) {
        self.open_flight();
        self.output.extend_from_slice(octets);
        self.emit(kind, explanation, rfc);
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

/// The stage a run of steps ends in, whether one of them sent something (`Break`) or
/// all went through (`Continue`).
fn settle(flow: ControlFlow<Stage, Stage>) -> Stage {
    match flow {
        Break(stage) | Continue(stage) => stage,
    }
}
