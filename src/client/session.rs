//! The client engine: one SMTP session, sans-IO. It sends what the spec asks, reads
//! every reply (multi-line included) and decides the next step from the reply codes.
//! Feed it octets with [`Client::receive`]; collect octets with [`Client::take_output`]
//! and explained events with [`Client::poll_event`].

use std::collections::VecDeque;

use super::event::{ClientEvent, ClientEventKind};
use super::message::{compose, dot_stuff};
use super::spec::{ClientSpec, HelloMode};
use crate::entropy::Entropy;
use crate::protocol::{
    Capabilities, Command, ForwardPath, Mailbox, Reply, ReplyReader, ReplyStatus, ReversePath,
};
use crate::time::Millis;

/// The reply the client is waiting for, oldest first.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Awaiting {
    Greeting,
    Ehlo,
    Helo,
    Mail,
    Rcpt(String),
    Data,
    EndOfData,
    Quit,
}

/// A problem with the spec, found before anything is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecError(pub String);

impl core::fmt::Display for SpecError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One client-side SMTP session.
#[derive(Debug)]
pub struct Client {
    spec: ClientSpec,
    sender: ReversePath,
    recipients: Vec<Mailbox>,
    replies: ReplyReader,
    awaiting: VecDeque<Awaiting>,
    accepted: Vec<String>,
    capabilities: Capabilities,
    entropy: Entropy,
    now: Millis,
    output: Vec<u8>,
    events: VecDeque<ClientEvent>,
    closed: bool,
}

impl Client {
    /// Checks the spec (addresses must parse, so nothing malformed or injected can reach
    /// the wire) and waits for the greeting.
    pub fn new(spec: ClientSpec, now: Millis, seed: u64) -> Result<Self, SpecError> {
        let sender = parse_address(&spec.message.from, "From").map(ReversePath::Mailbox)?;
        let mut recipients: Vec<Mailbox> = Vec::new();
        let message = &spec.message;
        for address in message.to.iter().chain(&message.cc).chain(&message.bcc) {
            let mailbox = parse_address(address, "recipient")?;
            if !recipients.contains(&mailbox) {
                recipients.push(mailbox);
            }
        }
        if recipients.is_empty() {
            return Err(SpecError(
                "at least one recipient (To, Cc or Bcc) is needed".into(),
            ));
        }
        crate::protocol::Domain::parse(&spec.hostname)
            .map_err(|e| SpecError(format!("client hostname '{}': {e}", spec.hostname)))?;
        Ok(Self {
            spec,
            sender,
            recipients,
            replies: ReplyReader::new(),
            awaiting: VecDeque::from([Awaiting::Greeting]),
            accepted: Vec::new(),
            capabilities: Capabilities::default(),
            entropy: Entropy::from_seed(seed),
            now,
            output: Vec::new(),
            events: VecDeque::new(),
            closed: false,
        })
    }

    /// True once the session is over.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Octets to send to the server.
    pub fn take_output(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.output)
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<ClientEvent> {
        self.events.pop_front()
    }

    /// What the server offered in its EHLO reply.
    pub fn capabilities(&self) -> &Capabilities {
        &self.capabilities
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
                        problem,
                        "RFC 5321 §4.2",
                    );
                    self.fail("the server's reply could not be understood");
                }
                None => break,
            }
        }
    }

    /// The server closed the connection.
    pub fn handle_close(&mut self, now: Millis) {
        self.now = now;
        if !self.closed {
            if !self.awaiting.is_empty() && self.awaiting.front() != Some(&Awaiting::Quit) {
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
    }

    fn handle_reply(&mut self, reply: Reply) {
        let explanation = format!(
            "{} {}: {}",
            reply.code,
            reply.code.class().describe(),
            reply.text()
        );
        self.emit(
            ClientEventKind::ReplyReceived {
                reply: reply.clone(),
            },
            explanation,
            "RFC 5321 §4.2",
        );
        let Some(awaiting) = self.awaiting.pop_front() else {
            self.fail("a reply arrived that no command asked for");
            return;
        };
        match awaiting {
            Awaiting::Greeting => self.on_greeting(&reply),
            Awaiting::Ehlo => self.on_ehlo(&reply),
            Awaiting::Helo => self.on_helo(&reply),
            Awaiting::Mail => self.on_mail(&reply),
            Awaiting::Rcpt(address) => self.on_rcpt(&reply, address),
            Awaiting::Data => self.on_data(&reply),
            Awaiting::EndOfData => self.on_end_of_data(&reply),
            Awaiting::Quit => self.finish(),
        }
    }

    fn on_greeting(&mut self, reply: &Reply) {
        if reply.code.value() != 220 {
            return self.quit_after(reply, "the server refused service in its greeting");
        }
        let domain = self.spec.hostname.clone();
        match self.spec.hello {
            HelloMode::Ehlo => self.send(
                Command::Ehlo { domain },
                Awaiting::Ehlo,
                "RFC 5321 §4.1.1.1",
                "Greeting received; EHLO asks for the extension list.",
            ),
            HelloMode::Helo => self.send(
                Command::Helo { domain },
                Awaiting::Helo,
                "RFC 5321 §4.1.1.1",
                "Greeting received; HELO as asked (no extensions).",
            ),
        }
    }

    fn on_ehlo(&mut self, reply: &Reply) {
        match reply.code.value() {
            250 => {
                self.capabilities =
                    Capabilities::from_ehlo_lines(reply.lines.iter().skip(1).map(String::as_str));
                self.replies
                    .expect_enhanced_codes(self.capabilities.has("ENHANCEDSTATUSCODES"));
                let summary: Vec<String> = self
                    .capabilities
                    .extensions
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                self.emit(
                    ClientEventKind::CapabilitiesLearned {
                        capabilities: self.capabilities.clone(),
                    },
                    format!(
                        "The server offers: {}.",
                        if summary.is_empty() {
                            "nothing".into()
                        } else {
                            summary.join(", ")
                        }
                    ),
                    "RFC 5321 §4.1.1.1",
                );
                self.start_mail();
            }
            500 | 502 => {
                let domain = self.spec.hostname.clone();
                self.send(
                    Command::Helo { domain },
                    Awaiting::Helo,
                    "RFC 5321 §3.2",
                    "EHLO was refused: an old server. Falling back to HELO, with no extensions.",
                );
            }
            _ => self.quit_after(reply, "EHLO was refused"),
        }
    }

    fn on_helo(&mut self, reply: &Reply) {
        if reply.code.is_positive() {
            self.start_mail();
        } else {
            self.quit_after(reply, "HELO was refused");
        }
    }

    fn start_mail(&mut self) {
        let from = self.sender.clone();
        self.send(
            Command::Mail {
                from,
                parameters: Vec::new(),
            },
            Awaiting::Mail,
            "RFC 5321 §4.1.1.2",
            "MAIL FROM starts the transaction with the envelope sender.",
        );
    }

    fn on_mail(&mut self, reply: &Reply) {
        if !reply.code.is_positive() {
            return self.quit_after(reply, "the sender was refused");
        }
        // Lock-step: only the first RCPT goes now; each reply sends the next.
        if let Some(mailbox) = self.recipients.first().cloned() {
            self.send_rcpt(mailbox);
        }
    }

    fn on_rcpt(&mut self, reply: &Reply, address: String) {
        if reply.code.is_positive() {
            self.accepted.push(address.clone());
        } else {
            self.emit(
                ClientEventKind::Failed {
                    reason: format!("{address} refused"),
                },
                format!(
                    "{address} was refused ({}); the others still get the message.",
                    reply.code
                ),
                "RFC 5321 §3.3",
            );
        }
        let position = self
            .recipients
            .iter()
            .position(|m| m.to_string() == address);
        let next = position.and_then(|at| self.recipients.get(at + 1)).cloned();
        match next {
            Some(mailbox) => self.send_rcpt(mailbox),
            None if self.accepted.is_empty() => self.quit_after(reply, "no recipient was accepted"),
            None => self.send(
                Command::Data,
                Awaiting::Data,
                "RFC 5321 §4.1.1.4",
                "Recipients accepted; DATA asks to send the message.",
            ),
        }
    }

    fn send_rcpt(&mut self, mailbox: Mailbox) {
        let address = mailbox.to_string();
        let explanation = format!("One RCPT TO per recipient: {address}.");
        let command = Command::Rcpt {
            to: ForwardPath::Mailbox(mailbox),
            parameters: Vec::new(),
        };
        self.send(
            command,
            Awaiting::Rcpt(address),
            "RFC 5321 §4.1.1.3",
            explanation,
        );
    }

    fn on_data(&mut self, reply: &Reply) {
        if reply.code.value() != 354 {
            return self.quit_after(reply, "DATA was refused");
        }
        let message_id = format!("{}@{}", self.entropy.alphanumeric(16), self.spec.hostname);
        let text = compose(&self.spec.message, self.now, &message_id);
        let octets = dot_stuff(&text);
        let count = octets.len();
        self.output.extend_from_slice(&octets);
        self.awaiting.push_back(Awaiting::EndOfData);
        self.emit(
            ClientEventKind::MessageSent { octets: count },
            format!("Message sent: {count} octets, lines starting with '.' doubled, ended by CRLF.CRLF."),
            "RFC 5321 §4.5.2",
        );
    }

    fn on_end_of_data(&mut self, reply: &Reply) {
        let explanation = if reply.code.is_positive() {
            "The server accepted the message; the session ends with QUIT."
        } else {
            "The server refused the message; the session ends with QUIT."
        };
        self.send(
            Command::Quit,
            Awaiting::Quit,
            "RFC 5321 §4.1.1.10",
            explanation,
        );
    }

    fn quit_after(&mut self, reply: &Reply, reason: &str) {
        self.emit(
            ClientEventKind::Failed {
                reason: reason.into(),
            },
            format!(
                "{reason} ({} {}); sending QUIT.",
                reply.code,
                reply.code.class().describe()
            ),
            "RFC 5321 §4.2.1",
        );
        self.send(
            Command::Quit,
            Awaiting::Quit,
            "RFC 5321 §4.1.1.10",
            "QUIT ends the session politely.",
        );
    }

    fn fail(&mut self, reason: &str) {
        self.emit(
            ClientEventKind::Failed {
                reason: reason.into(),
            },
            reason.to_owned(),
            "RFC 5321 §4.2",
        );
        self.finish();
    }

    fn finish(&mut self) {
        if !self.closed {
            self.closed = true;
            self.awaiting.clear();
            self.emit(
                ClientEventKind::Closed,
                "The client closes the connection.",
                "RFC 5321 §4.1.1.10",
            );
        }
    }

    fn send(
        &mut self,
        command: Command,
        awaiting: Awaiting,
        rfc: &'static str,
        explanation: impl Into<String>,
    ) {
        self.output.extend_from_slice(&command.encode());
        self.awaiting.push_back(awaiting);
        self.emit(ClientEventKind::CommandSent { command }, explanation, rfc);
    }

    fn emit(&mut self, kind: ClientEventKind, explanation: impl Into<String>, rfc: &'static str) {
        self.events
            .push_back(ClientEvent::new(self.now, kind, explanation, rfc));
    }
}

fn parse_address(text: &str, role: &str) -> Result<Mailbox, SpecError> {
    Mailbox::parse(text.trim()).map_err(|e| SpecError(format!("{role} address '{text}': {e}")))
}
