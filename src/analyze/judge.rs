//! Replays a transcript line by line against the RFCs: pairs each command with its
//! reply (in order, as pipelining does), keeps the session state a server would keep
//! (greeting, EHLO and its extensions, transaction, AUTH, TLS) and records a finding
//! wherever a side deviates. Commands and replies are read with the engines' own
//! parsers ([`Command`], [`ReplyReader`], [`Capabilities`]).

use std::collections::VecDeque;

use serde::Serialize;

use super::expect::{extension_for_parameter, parameter_rfc, Sent};
use super::finding::Finding;
use super::line::{Ending, Origin, Side, WireLine};
use super::message_text::{check_octets, MessageText};
use super::sasl_check::SaslExchange;
use crate::protocol::reply_reader::MAX_REPLY_LINES;
use crate::protocol::{
    Capabilities, Command, Parameter, Reply, ReplyCode, ReplyReader, ReplyStatus, MAX_AUTH_LINE,
    MAX_COMMAND_LINE,
};
use crate::sasl::Mechanism;

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
    Sasl,
}

/// The envelope being built.
#[derive(Clone, Debug, Default)]
struct Transaction {
    mail_sent: bool,
    mail_accepted: bool,
    declared_8bit: bool,
    rcpts_accepted: usize,
    rcpts_pending: usize,
    limit_announced: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hello {
    None,
    Ehlo,
    Helo,
}

/// Commands waiting for their replies, in order. The oldest synchronisation point
/// among them is found without a scan, so a log whose replies are missing stays linear.
#[derive(Debug, Default)]
struct Awaiting {
    commands: VecDeque<(u64, usize, Sent)>,
    synchronisation_points: VecDeque<u64>,
    next_id: u64,
}

impl Awaiting {
    fn push(&mut self, (line, sent): (usize, Sent)) {
        let id = self.next_id;
        self.next_id += 1;
        if sent.is_synchronisation_point() {
            self.synchronisation_points.push_back(id);
        }
        self.commands.push_back((id, line, sent));
    }

    fn pop(&mut self) -> Option<(usize, Sent)> {
        let (id, line, sent) = self.commands.pop_front()?;
        if self.synchronisation_points.front() == Some(&id) {
            self.synchronisation_points.pop_front();
        }
        Some((line, sent))
    }

    /// The line and command of the oldest waiting synchronisation point.
    fn first_synchronisation_point(&self) -> Option<(usize, &Sent)> {
        let id = *self.synchronisation_points.front()?;
        let first = self.commands.front()?.0;
        // Ids are consecutive in `commands`, so the offset is the index.
        let index = usize::try_from(id.checked_sub(first)?).ok()?;
        self.commands
            .get(index)
            .map(|(_, line, sent)| (*line, sent))
    }

    fn first_line(&self) -> Option<usize> {
        self.commands.front().map(|(_, line, _)| *line)
    }

    fn len(&self) -> usize {
        self.commands.len()
    }

    fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }
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
        replies: ReplyReader::new(),
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
    judge.replies.set_max_line(MAX_AUTH_LINE);
    for line in lines {
        judge.line(line);
    }
    judge.finish(lines.last().map_or(1, |line| line.n));
    (judge.lines, judge.findings)
}

impl Judge<'_> {
    fn line(&mut self, line: &WireLine) {
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
        let Some(first) = text.first_8bit_line else {
            return;
        };
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

    fn command(&mut self, line: &WireLine) {
        let n = line.n;
        check_octets(line, &mut self.findings);
        if line.octets.len() + 2 > MAX_COMMAND_LINE && !line.octets.starts_with(b"AUTH ") {
            self.findings.push(Finding::error(
                n,
                "RFC 5321 §4.5.3.1.4",
                format!(
                    "a command line of {} octets plus CRLF is over the 512-octet limit",
                    line.octets.len()
                ),
            ));
        }
        let sent = match Command::parse_borrowed(&line.octets) {
            Ok(command) => self.judge_command(n, &command),
            Err(error) => {
                let unknown = error.detail.starts_with("Unknown command");
                let finding = if unknown {
                    Finding::warning(
                        n,
                        "RFC 5321 §4.1.1",
                        format!("not a command RFC 5321 defines: {error}"),
                    )
                } else {
                    Finding::error(
                        n,
                        "RFC 5321 §4.1.1",
                        format!("the command does not parse: {error}"),
                    )
                };
                self.findings.push(finding);
                Sent::Unknown
            }
        };
        self.check_pipelining(n, &sent);
        self.pending.push((n, sent));
    }

    fn check_pipelining(&mut self, n: usize, sent: &Sent) {
        if let Some((at, waiting)) = self.pending.first_synchronisation_point() {
            self.findings.push(Finding::error(
                n,
                waiting.synchronisation_rfc(),
                format!("{} was sent before the reply to {} on line {at}, which the client must wait for", sent.name(), waiting.name()),
            ));
        } else if let Some(at) = self.pending.first_line() {
            if !self.caps.has("PIPELINING") {
                self.findings.push(Finding::error(
                    n,
                    "RFC 2920 §3",
                    format!("{} was pipelined behind line {at}, but the server did not offer PIPELINING", sent.name()),
                ));
            }
        }
    }

    fn needs_hello(&mut self, n: usize, verb: &str) {
        if self.hello == Hello::None && !self.hello_pending {
            self.findings.push(Finding::error(
                n,
                "RFC 5321 §4.1.4",
                format!("{verb} before EHLO/HELO: the session must start with a greeting exchange"),
            ));
        }
    }

    fn judge_command(&mut self, n: usize, command: &Command<&str>) -> Sent {
        match command {
            Command::Ehlo { .. } => {
                self.hello_pending = true;
                Sent::Ehlo
            }
            Command::Helo { .. } => {
                self.hello_pending = true;
                Sent::Helo
            }
            Command::Mail { parameters, .. } => {
                self.mail(n, parameters);
                Sent::Mail
            }
            Command::Rcpt { parameters, .. } => {
                self.rcpt(n, parameters);
                Sent::Rcpt
            }
            Command::Data => {
                self.data(n);
                Sent::Data
            }
            Command::Rset => Sent::Rset,
            Command::Quit => Sent::Quit,
            Command::Auth {
                mechanism,
                initial_response,
            } => self.auth(n, mechanism, *initial_response),
            Command::StartTls => {
                self.needs_hello(n, "STARTTLS");
                if !self.caps.has("STARTTLS") {
                    self.findings.push(Finding::error(
                        n,
                        "RFC 3207 §4",
                        "STARTTLS was not offered in the EHLO reply",
                    ));
                }
                Sent::StartTls
            }
            other => Sent::Other(other.verb()),
        }
    }

    fn mail(&mut self, n: usize, parameters: &[Parameter<&str>]) {
        self.needs_hello(n, "MAIL");
        if self.transaction.mail_sent {
            self.findings.push(Finding::error(
                n,
                "RFC 5321 §4.1.1.2",
                "MAIL inside a transaction: send RSET or finish the message first",
            ));
        }
        self.transaction = Transaction {
            mail_sent: true,
            ..Transaction::default()
        };
        for parameter in parameters {
            self.check_parameter(n, parameter);
            if parameter.keyword.eq_ignore_ascii_case("BODY")
                && parameter
                    .value
                    .is_some_and(|v| v.eq_ignore_ascii_case("8BITMIME"))
            {
                self.transaction.declared_8bit = true;
            }
            if parameter.keyword.eq_ignore_ascii_case("SIZE") {
                self.check_size(n, parameter.value.unwrap_or_default());
            }
        }
    }

    fn check_parameter(&mut self, n: usize, parameter: &Parameter<&str>) {
        let keyword = parameter.keyword;
        let needed = extension_for_parameter(keyword).unwrap_or(keyword);
        if !self.caps.has(needed) {
            self.findings.push(Finding::error(
                n,
                parameter_rfc(needed),
                format!(
                    "the {} parameter needs the {needed} extension, which the server did not offer",
                    keyword.to_ascii_uppercase()
                ),
            ));
        }
    }

    fn check_size(&mut self, n: usize, value: &str) {
        let (Ok(declared), Some(Some(limit))) = (value.parse::<u64>(), self.caps.size()) else {
            return;
        };
        if declared > limit {
            self.findings.push(Finding::error(
                n,
                "RFC 1870 §6",
                format!("SIZE={declared} is larger than the {limit} octets the server announced"),
            ));
        }
    }

    fn rcpt(&mut self, n: usize, parameters: &[Parameter<&str>]) {
        self.needs_hello(n, "RCPT");
        if !self.transaction.mail_sent {
            self.findings.push(Finding::error(
                n,
                "RFC 5321 §4.1.4",
                "RCPT with no MAIL before it",
            ));
        }
        if self.transaction.limit_announced {
            self.findings.push(Finding::error(
                n,
                "RFC 5321 §4.5.3.1.10",
                "another RCPT after the server's 452 said it takes no more recipients in this transaction",
            ));
        }
        for parameter in parameters {
            self.check_parameter(n, parameter);
        }
        self.transaction.rcpts_pending += 1;
    }

    fn data(&mut self, n: usize) {
        self.needs_hello(n, "DATA");
        if !self.transaction.mail_sent {
            self.findings.push(Finding::error(
                n,
                "RFC 5321 §4.1.4",
                "DATA with no MAIL before it",
            ));
        } else if self.transaction.rcpts_accepted == 0 && self.transaction.rcpts_pending == 0 {
            self.findings.push(Finding::error(
                n,
                "RFC 5321 §4.1.1.4",
                "DATA with no accepted RCPT",
            ));
        }
    }

    fn auth(&mut self, n: usize, name: &str, initial_response: Option<&str>) -> Sent {
        let mechanism = Mechanism::parse(name);
        if self.hello != Hello::Ehlo && !self.hello_pending {
            self.findings.push(Finding::error(
                n,
                "RFC 4954 §4",
                "AUTH before EHLO: AUTH is an ESMTP extension offered in the EHLO reply",
            ));
        } else if !self
            .caps
            .auth_mechanisms()
            .iter()
            .any(|m| m.eq_ignore_ascii_case(name))
        {
            self.findings.push(Finding::error(
                n,
                "RFC 4954 §4",
                format!("AUTH {name}: the server did not offer this mechanism"),
            ));
        }
        if self.authenticated {
            self.findings.push(Finding::error(
                n,
                "RFC 4954 §4",
                "AUTH after a successful AUTH: the session is already authenticated",
            ));
        }
        if self.transaction.mail_sent {
            self.findings.push(Finding::error(
                n,
                "RFC 4954 §4",
                "AUTH during a mail transaction",
            ));
        }
        if self.caps.has("STARTTLS") && !self.in_tls {
            self.findings.push(Finding::warning(
                n,
                "RFC 4954 §4",
                "AUTH in the clear although the server offered STARTTLS: credentials cross the network readable",
            ));
        }
        let mut exchange = SaslExchange::new(mechanism);
        if let Some(response) = initial_response {
            if mechanism.is_some_and(Mechanism::is_server_first) {
                self.findings.push(Finding::error(
                    n,
                    "RFC 4954 §4",
                    format!(
                        "{name} starts with the server's challenge: it has no initial response"
                    ),
                ));
            } else {
                exchange.response(n, response, self.password, &mut self.findings);
            }
        }
        self.sasl = Some(exchange);
        Sent::Auth(mechanism)
    }

    fn server_line(&mut self, line: &WireLine) {
        if !self.replies.is_mid_reply() {
            self.reply_first_line = line.n;
        }
        self.seen_server = true;
        let mut octets = line.octets.clone();
        octets.extend_from_slice(b"\r\n");
        let mut input = octets.as_slice();
        if self.reply_so_far.len() < MAX_REPLY_LINES {
            self.reply_so_far.push(line.text());
        }
        match self.replies.read(&mut input) {
            Some(ReplyStatus::Complete(reply)) => {
                self.reply_so_far.clear();
                self.reply(reply);
            }
            Some(ReplyStatus::Malformed(problem)) => {
                self.reply_so_far.clear();
                self.findings.push(Finding::error(
                    line.n,
                    "RFC 5321 §4.2.1",
                    format!("not a valid reply line: {problem}"),
                ));
                self.replies = new_reader();
            }
            None => {}
        }
        if line.ending == Ending::BareLf {
            self.findings.push(Finding::error(
                line.n,
                "RFC 5321 §2.3.8",
                "the reply line ends with a bare LF instead of CRLF",
            ));
        }
    }

    fn unfinished_reply(&mut self) {
        self.findings.push(Finding::error(
            self.reply_first_line,
            "RFC 5321 §4.2.1",
            "this multi-line reply never ends: its last line must be `code SP text`, not `code-text`",
        ));
        self.replies = new_reader();
        // Judge the rest as if the last line had been right, so one broken marker
        // does not shift every later reply onto the wrong command.
        let lines: Vec<String> = self
            .reply_so_far
            .drain(..)
            .map(|line| line.get(4..).unwrap_or_default().to_owned())
            .collect();
        let code = self
            .lines
            .iter()
            .rev()
            .find(|l| l.n == self.reply_first_line && l.side == Side::Server)
            .and_then(|l| l.text.get(..3)?.parse().ok())
            .and_then(ReplyCode::new);
        if let Some(code) = code {
            self.reply(Reply::multiline(code, None, lines));
        }
    }

    fn reply(&mut self, reply: Reply) {
        let n = self.reply_first_line;
        let code = reply.code.value();
        if (code / 10) % 10 > 5 {
            self.findings.push(Finding::error(
                n,
                "RFC 5321 §4.2.1",
                format!("{code}: the second digit of a reply code is 0 to 5"),
            ));
        }
        if !self.greeted {
            self.greeted = true;
            if !matches!(code, 220 | 421 | 554) {
                self.findings.push(Finding::error(
                    n,
                    "RFC 5321 §4.3.1",
                    format!("the greeting is {code}; a server opens with 220 (or 554 to refuse)"),
                ));
            }
            self.closed = code != 220;
            return;
        }
        let Some((sent_at, sent)) = self.pending.pop() else {
            if code != 421 {
                self.findings.push(Finding::error(
                    n,
                    "RFC 5321 §4.2",
                    format!("a {code} reply with no command waiting for it"),
                ));
            }
            self.closed |= code == 421;
            return;
        };
        self.check_code(n, code, sent_at, &sent);
        self.apply(&sent, &reply);
    }

    fn check_code(&mut self, n: usize, code: u16, sent_at: usize, sent: &Sent) {
        let Some((codes, rfc)) = sent.positive_codes() else {
            return;
        };
        if code < 400 && !codes.contains(&code) {
            let expected: Vec<String> = codes.iter().map(u16::to_string).collect();
            self.findings.push(Finding::error(
                n,
                rfc,
                format!(
                    "{code} to {} on line {sent_at}; the RFC answers it with {} or an error code",
                    sent.name(),
                    expected.join(" or ")
                ),
            ));
        }
    }

    /// What a reply changes in the session.
    fn apply(&mut self, sent: &Sent, reply: &Reply) {
        let code = reply.code.value();
        let positive = reply.code.is_positive();
        match sent {
            Sent::Ehlo | Sent::Helo => {
                self.hello_pending = false;
                if positive {
                    self.hello = if *sent == Sent::Ehlo {
                        Hello::Ehlo
                    } else {
                        Hello::Helo
                    };
                    self.caps = match sent {
                        Sent::Ehlo => Capabilities::from_ehlo_lines(
                            reply.lines.iter().skip(1).map(String::as_str),
                        ),
                        _ => Capabilities::default(),
                    };
                    self.transaction = Transaction::default();
                }
            }
            Sent::Mail => {
                self.transaction.mail_accepted = positive;
                self.transaction.mail_sent = positive;
            }
            Sent::Rcpt => self.rcpt_reply(code),
            Sent::Data => self.data_reply(code),
            Sent::EndOfData | Sent::Rset => self.transaction = Transaction::default(),
            Sent::Auth(_) | Sent::SaslResponse => self.auth_reply(reply),
            Sent::StartTls if code == 220 => {
                self.in_tls = true;
                self.hello = Hello::None;
                self.caps = Capabilities::default();
                self.transaction = Transaction::default();
            }
            Sent::Quit if code == 221 => self.closed = true,
            _ => {}
        }
        if code == 421 {
            self.closed = true;
        }
    }

    fn rcpt_reply(&mut self, code: u16) {
        let transaction = &mut self.transaction;
        transaction.rcpts_pending = transaction.rcpts_pending.saturating_sub(1);
        if matches!(code, 250 | 251) {
            transaction.rcpts_accepted += 1;
        } else if code == 452 && transaction.rcpts_accepted > 0 {
            transaction.limit_announced = true;
        }
    }

    fn data_reply(&mut self, code: u16) {
        if code != 354 {
            return;
        }
        if self.transaction.rcpts_accepted == 0 {
            self.findings.push(Finding::error(
                self.reply_first_line,
                "RFC 2920 §3.1",
                "354 to DATA although no recipient was accepted: the server must refuse DATA (503 or 554)",
            ));
        }
        self.mode = Mode::MessageText(MessageText::default());
    }

    fn auth_reply(&mut self, reply: &Reply) {
        match reply.code.value() {
            334 => {
                let text = reply.lines.first().map(String::as_str).unwrap_or_default();
                if let Some(exchange) = &mut self.sasl {
                    exchange.challenge(self.reply_first_line, text, &mut self.findings);
                }
                self.mode = Mode::Sasl;
            }
            235 => {
                self.authenticated = true;
                self.sasl = None;
            }
            _ => self.sasl = None,
        }
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

fn new_reader() -> ReplyReader {
    let mut reader = ReplyReader::new();
    reader.set_max_line(MAX_AUTH_LINE);
    reader
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn awaiting_finds_the_oldest_synchronisation_point_and_forgets_answered_ones() {
        let mut awaiting = Awaiting::default();
        awaiting.push((1, Sent::Mail));
        awaiting.push((2, Sent::Data));
        awaiting.push((3, Sent::Rcpt));
        awaiting.push((4, Sent::Quit));
        assert_eq!(
            awaiting.first_synchronisation_point(),
            Some((2, &Sent::Data))
        );
        assert_eq!(awaiting.pop(), Some((1, Sent::Mail)));
        assert_eq!(
            awaiting.first_synchronisation_point(),
            Some((2, &Sent::Data))
        );
        assert_eq!(awaiting.pop(), Some((2, Sent::Data)));
        assert_eq!(
            awaiting.first_synchronisation_point(),
            Some((4, &Sent::Quit))
        );
        assert_eq!(awaiting.first_line(), Some(3));
        assert_eq!(awaiting.len(), 2);
    }
}
