//! Replays a transcript line by line against the RFCs: pairs each command with its
//! reply (in order, as pipelining does), keeps the session state a server would keep
//! (greeting, EHLO and its extensions, transaction, AUTH, TLS) and records a finding
//! wherever a side deviates. Commands and replies are read with the engines' own
//! parsers ([`Command`], [`ReplyReader`], [`Capabilities`]).
//!
//! The replay state and the client's line kinds live here; [`commands`] judges each
//! command, [`chunks`] BDAT and the octets its count frames, [`replies`] each reply
//! and what it changes, [`awaiting`] pairs them.

mod awaiting;
mod chunks;
mod commands;
mod replies;

use serde::Serialize;

use awaiting::Awaiting;
use replies::new_reader;

use super::expect::Sent;
use super::finding::Finding;
use super::line::{Ending, Origin, Side, WireLine};
use super::message_text::MessageText;
use super::sasl_check::SaslExchange;
use crate::protocol::{Capabilities, ReplyReader, MAX_AUTH_LINE};

/// What a line is in the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    /// A command line.
    Command,
    /// A reply line.
    Reply,
    /// Message text between `354` and the final `.`.
    MessageText,
    /// Octets of a BDAT chunk: message, framed by the count, not commands.
    ChunkData,
    /// A SASL response after a `334`.
    SaslResponse,
    /// Data the log did not show.
    Elided,
    /// Encrypted TLS records.
    Tls,
}

/// One judged line, as the CLI prints it and the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnnotatedLine {
    /// 1-based line number in the input (for a capture: the packet number).
    pub n: usize,
    /// Who sent it.
    pub side: Side,
    /// The text (invalid UTF-8 replaced).
    pub text: String,
    /// What it is in the session.
    pub role: Role,
    /// How it ended on the wire.
    pub ending: Ending,
    /// Where the text comes from.
    pub origin: Origin,
}

/// What the client is sending now.
#[derive(Clone, Debug)]
enum Mode {
    Commands,
    MessageText(MessageText),
    /// Inside a BDAT chunk: how many of its octets are still to come.
    Chunk(chunks::Chunk),
    Sasl,
}

/// The envelope being built.
#[derive(Clone, Debug, Default)]
struct Transaction {
    mail_sent: bool,
    mail_accepted: bool,
    declared_8bit: bool,
    /// MAIL declared BODY=BINARYMIME (RFC 3030 §3).
    declared_binary: bool,
    /// MAIL declared SMTPUTF8 (RFC 6531 §3.4).
    declared_smtputf8: bool,
    rcpts_accepted: usize,
    rcpts_pending: usize,
    limit_announced: bool,
    /// BDAT commands sent in this transaction.
    chunks: usize,
    /// BDAT LAST was sent: the message is complete.
    last_chunk_sent: bool,
    /// A BDAT was refused: the transaction has failed until RSET (RFC 3030 §2).
    chunk_refused: bool,
    /// What the chunks' octets showed so far.
    chunk_text: MessageText,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hello {
    None,
    Ehlo,
    Helo,
}

/// The replay state.
struct Judge<'a> {
    password: Option<&'a str>,
    findings: Vec<Finding>,
    lines: Vec<AnnotatedLine>,
    replies: ReplyReader,
    reply_first_line: usize,
    reply_so_far: Vec<String>,
    seen_server: bool,
    greeted: bool,
    hello: Hello,
    hello_pending: bool,
    caps: Capabilities,
    pending: Awaiting,
    mode: Mode,
    transaction: Transaction,
    sasl: Option<SaslExchange>,
    authenticated: bool,
    in_tls: bool,
    closed: bool,
    first_opaque_line: Option<usize>,
}

/// Judges `lines`; the password, when given, checks AUTH digests and passwords.
pub fn judge(lines: &[WireLine], password: Option<&str>) -> (Vec<AnnotatedLine>, Vec<Finding>) {
    let mut judge = Judge {
        password,
        findings: Vec::new(),
        lines: Vec::with_capacity(lines.len()),
        replies: new_reader(),
        reply_first_line: 0,
        reply_so_far: Vec::new(),
        seen_server: false,
        greeted: false,
        hello: Hello::None,
        hello_pending: false,
        caps: Capabilities::default(),
        pending: Awaiting::default(),
        mode: Mode::Commands,
        transaction: Transaction::default(),
        sasl: None,
        authenticated: false,
        in_tls: false,
        closed: false,
        first_opaque_line: None,
    };
    for line in lines {
        judge.line(line);
    }
    judge.finish(lines.last().map_or(1, |line| line.n));
    (judge.lines, judge.findings)
}

impl Judge<'_> {
    fn line(&mut self, line: &WireLine) {
        if let Some((data, rest)) = self.split_at_chunk_end(line) {
            self.line(&data);
            self.line(&rest);
            return;
        }
        let role = match (line.origin, line.side) {
            (Origin::OpaqueTls, _) => {
                self.first_opaque_line.get_or_insert(line.n);
                Role::Tls
            }
            (_, Side::Server) => {
                self.server_line(line);
                Role::Reply
            }
            (Origin::Inferred, Side::Client) => {
                self.findings.push(Finding::note(
                    line.n,
                    "RFC 5321 §2.3.7",
                    "no direction marker, no reply code and no known verb: this line is taken as the client's, which may be wrong",
                ));
                self.client_line(line)
            }
            (_, Side::Client) => self.client_line(line),
        };
        self.lines.push(AnnotatedLine {
            n: line.n,
            side: line.side,
            text: line.text(),
            role,
            ending: line.ending,
            origin: line.origin,
        });
    }

    fn client_line(&mut self, line: &WireLine) -> Role {
        if !self.seen_server && self.lines.is_empty() {
            self.findings.push(Finding::note(
                line.n,
                "RFC 5321 §4.3.1",
                "the transcript starts with the client: the server's greeting is not in it",
            ));
            self.seen_server = true;
            self.greeted = true;
        }
        if self.closed {
            self.findings.push(Finding::error(
                line.n,
                "RFC 5321 §4.1.1.10",
                "the client sent after the server closed the session",
            ));
        }
        if self.replies.is_mid_reply() {
            self.unfinished_reply();
        }
        match std::mem::replace(&mut self.mode, Mode::Commands) {
            Mode::MessageText(text) => self.message_text(line, text),
            Mode::Chunk(chunk) => self.chunk_octets(line, chunk),
            Mode::Sasl => {
                self.sasl_response(line);
                Role::SaslResponse
            }
            Mode::Commands => {
                self.command(line);
                Role::Command
            }
        }
    }

    fn message_text(&mut self, line: &WireLine, mut text: MessageText) -> Role {
        if line.origin == Origin::Elided {
            self.pending.push((line.n, Sent::EndOfData));
            return Role::Elided;
        }
        if line.octets == b"." {
            if line.ending == Ending::Missing {
                self.findings.push(Finding::error(
                    line.n,
                    "RFC 5321 §4.1.1.4",
                    "the final \".\" has no CRLF after it: the message must end with CRLF.CRLF",
                ));
            }
            self.end_of_message(line.n, &text);
            self.pending.push((line.n, Sent::EndOfData));
            return Role::MessageText;
        }
        text.line(line, &mut self.findings);
        self.mode = Mode::MessageText(text);
        Role::MessageText
    }

    fn end_of_message(&mut self, n: usize, text: &MessageText) {
        let first = if self.transaction.declared_smtputf8 {
            text.first_8bit_body_line
        } else {
            text.first_8bit_line
        };
        let Some(first) = first else {
            return;
        };
        if self.transaction.declared_binary {
            return;
        }
        if !self.caps.has("8BITMIME") {
            self.findings.push(Finding::error(
                first,
                "RFC 6152 §3",
                "the message has 8-bit octets but the server did not offer 8BITMIME",
            ));
        } else if !self.transaction.declared_8bit {
            self.findings.push(Finding::error(
                first,
                "RFC 6152 §3",
                format!("the message has 8-bit octets but MAIL did not declare BODY=8BITMIME (message ends on line {n})"),
            ));
        }
    }

    fn sasl_response(&mut self, line: &WireLine) {
        if line.octets.len() + 2 > MAX_AUTH_LINE {
            self.findings.push(Finding::error(
                line.n,
                "RFC 4954 §4",
                "the SASL response line is over 12,288 octets",
            ));
        }
        let text = line.text();
        if let Some(exchange) = &mut self.sasl {
            exchange.response(line.n, &text, self.password, &mut self.findings);
        }
        self.pending.push((line.n, Sent::SaslResponse));
    }

    fn finish(&mut self, last: usize) {
        if let Some(first) = self.first_opaque_line {
            self.findings.push(Finding::note(
                first,
                "RFC 3207 §4",
                "from here the session is encrypted (STARTTLS): the rest is TLS records, which cannot be read or judged as SMTP",
            ));
            return;
        }
        if self.replies.is_mid_reply() {
            self.unfinished_reply();
        }
        if matches!(self.mode, Mode::MessageText(_)) {
            self.findings.push(Finding::error(
                last,
                "RFC 5321 §4.1.1.4",
                "the transcript ends inside the message: it never ended with CRLF.CRLF",
            ));
        }
        if let Mode::Chunk(chunk) = &self.mode {
            self.findings.push(Finding::error(
                last,
                "RFC 3030 §2",
                format!(
                    "the transcript ends inside a BDAT chunk: {} of its octets never came",
                    chunk.remaining()
                ),
            ));
        }
        if !self.pending.is_empty() {
            self.findings.push(Finding::note(
                last,
                "RFC 5321 §4.2",
                format!(
                    "{} command(s) got no reply before the transcript ends",
                    self.pending.len()
                ),
            ));
        }
        if !self.closed {
            self.findings.push(Finding::note(
                last,
                "RFC 5321 §4.1.1.10",
                "the transcript ends without QUIT and 221: the log may be cut short, or the client just closed",
            ));
        }
    }
}
