//! Each server reply: read with the engines' [`ReplyReader`], checked against the codes
//! the RFCs allow for the command it answers, and applied to the session (EHLO
//! extensions, transaction, DATA, AUTH, STARTTLS, QUIT).

use super::{Hello, Judge, Mode, Transaction};
use crate::analyze::expect::Sent;
use crate::analyze::finding::Finding;
use crate::analyze::line::{Ending, Side, WireLine};
use crate::analyze::message_text::MessageText;
use crate::protocol::reply_reader::MAX_REPLY_LINES;
use crate::protocol::{Capabilities, Reply, ReplyCode, ReplyReader, ReplyStatus, MAX_AUTH_LINE};

impl Judge<'_> {
    pub(super) fn server_line(&mut self, line: &WireLine) {
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

    pub(super) fn unfinished_reply(&mut self) {
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
            Sent::Bdat { last } => self.bdat_reply(*last, positive),
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
                if self.pending.is_empty() {
                    self.mode = Mode::Sasl;
                } else {
                    // The client did not wait: the server reads its next line as the
                    // SASL response.
                    if self.pending.retype_first(Sent::SaslResponse) == Some(Sent::Mail) {
                        self.transaction = Transaction::default();
                    }
                }
            }
            235 => {
                self.authenticated = true;
                self.sasl = None;
            }
            _ => self.sasl = None,
        }
    }
}

pub(super) fn new_reader() -> ReplyReader {
    let mut reader = ReplyReader::new();
    reader.set_max_line(MAX_AUTH_LINE);
    reader
}
