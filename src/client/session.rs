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
//! while authenticating, the transaction and its pipelined replies while in one). Each
//! reply is looked up in the table in `state.rs` with what the stage waits for, and
//! acted on. When nothing is awaited any more (after every reply in lock-step, after
//! the whole group when pipelining), `Client::next_action` sends the next command.
//! Every octet the client sends goes through one writer, `Client::queue`.

use std::collections::VecDeque;

mod auth_command;
mod plan;
mod starttls;
mod transaction_step;

use super::decision::{Choice, Decision};
use super::error::SpecError;
use super::event::{ClientEvent, ClientEventKind, ReplyMeaning};
use super::outcome::Outcome;
use super::sasl_exchange::ClientAuth;
use super::spec::{ClientSpec, EightBitPolicy, HelloMode, Prepared, RelayMessage, Step};
use super::state::{self, Expect, Reaction};
use super::transaction::Transaction;
use crate::entropy::Entropy;
use crate::protocol::{Capabilities, Command, Extension, Reply, ReplyReader, ReplyStatus};
use crate::time::{Millis, MINUTE};
use plan::Plan;

/// Where the session is, named for the reply it waits for (`Expect…`) or, between
/// replies, for what it does next. Each stage owns what only it needs, so a reply
/// awaited outside its stage, a transaction without a plan, or a SASL exchange outside
/// AUTH cannot be written down.
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
    Negotiated { plan: Plan, auth_tried: bool },
    /// Waiting for the reply to STARTTLS (RFC 3207).
    ExpectStartTls,
    /// STARTTLS was answered 220: the driver runs the TLS handshake; no reply is read.
    ExpectTlsHandshake,
    /// Waiting for the reply to AUTH or to a continuation line (RFC 4954).
    ExpectAuth { plan: Plan, auth: Box<ClientAuth> },
    /// Inside a mail transaction; it knows which replies it waits for.
    Transaction {
        plan: Plan,
        transaction: Transaction,
    },
    /// Waiting for the reply to a raw line; then the session goes on from `resume`.
    ExpectRaw { resume: Box<Stage> },
    /// Waiting for the reply to QUIT: nothing more is started.
    ExpectQuit,
    /// The connection is closed.
    Closed,
}

impl Stage {
    /// The reply this stage waits for, if any.
    fn awaiting(&self) -> Option<Expect> {
        match self {
            Self::ExpectGreeting => Some(Expect::Greeting),
            Self::ExpectHello(HelloMode::Ehlo) => Some(Expect::Ehlo),
            Self::ExpectHello(HelloMode::Helo) => Some(Expect::Helo),
            Self::ExpectAuth { .. } => Some(Expect::Auth),
            Self::ExpectStartTls => Some(Expect::StartTls),
            Self::Transaction { transaction, .. } => transaction.awaiting(),
            Self::ExpectRaw { .. } => Some(Expect::Raw),
            Self::ExpectQuit => Some(Expect::Quit),
            Self::Greeted
            | Self::Hello
            | Self::Negotiated { .. }
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
        if self.is_closed() {
            return None;
        }
        let awaiting = self.stage.awaiting()?;
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
        let Some(awaiting) = self.stage.awaiting() else {
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
        self.finish();
    }

    /// One whole reply: reported, looked up in the reply table, acted on; then the next
    /// command once nothing else is awaited.
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
        let reaction = state::reaction(awaiting.unwrap_or(Expect::Nothing), reply.code);
        if matches!(reaction, Reaction::ServerClosing | Reaction::Unsolicited) {
            return self.react_out_of_turn(reaction);
        }
        self.react(reaction, &reply);
        if self.stage.awaiting().is_none() {
            self.next_action();
        }
    }

    /// A 421, or a reply nothing asked for: the session does not move on.
    fn react_out_of_turn(&mut self, reaction: Reaction) {
        if reaction == Reaction::ServerClosing {
            return self
                .fail("421: the server is closing the connection, so the client closes too");
        }
        self.emit(
            ClientEventKind::MalformedReply {
                problem: "a reply arrived that no command asked for".into(),
            },
            "A reply arrived that no command asked for; it is ignored.",
            "RFC 5321 §4.2",
        );
    }

    /// Acts on one row of the reply table: each leaves the stage that waited for the
    /// reply (a transaction pops it from its own list).
    fn react(&mut self, reaction: Reaction, reply: &Reply) {
        match reaction {
            Reaction::ServerClosing | Reaction::Unsolicited => self.react_out_of_turn(reaction),
            Reaction::Greeted => self.on_greeting(reply),
            Reaction::GreetingRefused => {
                self.quit_after(reply, "the server refused service in its greeting");
            }
            Reaction::ExtensionsLearned => self.learn_capabilities(reply),
            Reaction::FallBackToHelo => self.fall_back_to_helo(reply),
            Reaction::EhloRefused => self.quit_after(reply, "EHLO was refused"),
            Reaction::HeloAccepted => {
                self.capabilities = Capabilities::default();
                self.stage = Stage::Hello;
            }
            Reaction::HeloRefused => self.quit_after(reply, "HELO was refused"),
            Reaction::AuthStep => self.on_auth_reply(reply),
            Reaction::TlsReady => self.on_tls_ready(),
            Reaction::StartTlsRefused => self.on_starttls_refused(reply),
            Reaction::MailAccepted
            | Reaction::MailRefused
            | Reaction::RecipientAccepted
            | Reaction::RecipientDeferred
            | Reaction::RecipientRefused
            | Reaction::SendMessage
            | Reaction::DataRefused
            | Reaction::MessageAccepted
            | Reaction::MessageRefused
            | Reaction::ChunkAccepted
            | Reaction::ChunkRefused
            | Reaction::ResetDone => self.on_transaction_reply(reaction, reply),
            Reaction::RawAnswered => self.resume_after_raw(),
            Reaction::QuitAnswered => self.finish(),
        }
    }

    fn on_greeting(&mut self, reply: &Reply) {
        self.greeting_name = reply
            .lines
            .first()
            .and_then(|line| line.split_whitespace().next())
            .unwrap_or_default()
            .to_owned();
        self.stage = Stage::Greeted;
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
        self.stage = Stage::Hello;
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
        self.stage = Stage::ExpectHello(HelloMode::Helo);
        self.send(
            Command::Helo { domain },
            "RFC 5321 §3.2",
            "Falling back to HELO after the server refused EHLO.",
        );
    }

    /// Nothing is awaited: decide what to send next from what is known.
    fn next_action(&mut self) {
        match self.stage {
            Stage::ExpectGreeting
            | Stage::ExpectHello(_)
            | Stage::ExpectAuth { .. }
            | Stage::ExpectStartTls
            | Stage::ExpectTlsHandshake
            | Stage::ExpectRaw { .. }
            | Stage::ExpectQuit
            | Stage::Closed => {}
            Stage::Greeted => {
                if !self.raw_or_stop(Step::Greeting) {
                    self.send_hello();
                }
            }
            Stage::Hello => {
                if self.starttls_step() {
                    return;
                }
                if let Some(plan) = self.negotiate() {
                    self.stage = Stage::Negotiated {
                        plan,
                        auth_tried: false,
                    };
                    self.next_action();
                }
            }
            Stage::Negotiated { .. } => self.before_mail(),
            Stage::Transaction { .. } => self.transaction_step(),
        }
    }

    /// After EHLO: raw lines, AUTH, raw lines after AUTH, then the first transaction.
    fn before_mail(&mut self) {
        if self.raw_or_stop(Step::Ehlo) || self.start_auth() || self.raw_or_stop(Step::Auth) {
            return;
        }
        match core::mem::replace(&mut self.stage, Stage::Closed) {
            Stage::Negotiated { plan, .. } => {
                let recipients = self.message.recipients.clone();
                self.start_transaction(plan, recipients, true);
            }
            other => self.stage = other,
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
        let octets = [line.as_bytes(), b"\r\n"].concat();
        self.advance(|resume| Stage::ExpectRaw {
            resume: Box::new(resume),
        });
        self.queue(
            &octets,
            ClientEventKind::RawLineSent { line },
            format!(
                "Raw line from the spec, sent as typed after {} (the engine adds only CRLF).",
                step.name()
            ),
            "RFC 5321 §2.3.8",
        );
        true
    }

    /// The raw line was answered: the session goes on where it was.
    fn resume_after_raw(&mut self) {
        self.advance(|stage| match stage {
            Stage::ExpectRaw { resume } => *resume,
            other => other,
        });
    }

    /// Moves to the stage `next` makes of the current one: a transition consumes the
    /// stage it leaves (as rustls' states do), and one that does not apply hands it
    /// back unchanged.
    fn advance(&mut self, next: impl FnOnce(Stage) -> Stage) {
        let stage = core::mem::replace(&mut self.stage, Stage::Closed);
        self.stage = next(stage);
    }

    fn send_hello(&mut self) {
        let domain = self.spec.hostname.clone();
        self.stage = Stage::ExpectHello(self.spec.hello);
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
        let stage = core::mem::replace(&mut self.stage, Stage::ExpectQuit);
        self.undeliver(stage);
        self.send(Command::Quit, rfc, explanation);
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
        if self.is_closed() {
            return;
        }
        let stage = core::mem::replace(&mut self.stage, Stage::Closed);
        self.undeliver(stage);
        self.emit(
            ClientEventKind::Closed,
            "The client closes the connection.",
            "RFC 5321 §3.8",
        );
    }

    /// The session is leaving `stage` for good: whoever did not get the message is
    /// counted once. Before any MAIL that is everyone.
    fn undeliver(&mut self, stage: Stage) {
        match stage {
            Stage::ExpectGreeting
            | Stage::Greeted
            | Stage::ExpectHello(_)
            | Stage::Hello
            | Stage::Negotiated { .. }
            | Stage::ExpectStartTls
            | Stage::ExpectTlsHandshake
            | Stage::ExpectAuth { .. } => {
                let everyone = self.message.recipients.iter().map(ToString::to_string);
                self.outcome.undelivered.extend(everyone);
            }
            Stage::Transaction {
                mut transaction, ..
            } => self.outcome.undelivered.extend(transaction.undelivered()),
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
