//! What each client command breaks: order (RFC 5321 §4.1.4), pipelining and its
//! synchronisation points (RFC 2920 §3.1), parameters of extensions not offered, SIZE,
//! UTF-8 addresses without SMTPUTF8 (RFC 6531 §3.4), the 452 recipient limit, and where
//! AUTH may come (RFC 4954 §4). BDAT is judged in [`super::chunks`].

use super::{Hello, Judge, Transaction};
use crate::analyze::expect::{extension_for_parameter, parameter_rfc, Sent};
use crate::analyze::finding::Finding;
use crate::analyze::line::WireLine;
use crate::analyze::message_text::check_octets;
use crate::analyze::sasl_check::SaslExchange;
use crate::protocol::{Command, Parameter, MAX_COMMAND_LINE};
use crate::sasl::Mechanism;

impl Judge<'_> {
    pub(super) fn command(&mut self, line: &WireLine) {
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

    pub(super) fn needs_hello(&mut self, n: usize, verb: &str) {
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
            Command::Mail { from, parameters } => {
                self.mail(n, parameters);
                self.utf8_address(n, "MAIL FROM", &from.to_string());
                Sent::Mail
            }
            Command::Rcpt { to, parameters } => {
                self.rcpt(n, parameters);
                self.utf8_address(n, "RCPT TO", &to.to_string());
                Sent::Rcpt
            }
            Command::Data => {
                self.data(n);
                Sent::Data
            }
            Command::Bdat { size, last } => self.bdat(n, *size, *last),
            Command::Rset => Sent::Rset,
            Command::Quit => {
                self.quit_mid_chunking(n);
                Sent::Quit
            }
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
            if parameter.keyword.eq_ignore_ascii_case("SMTPUTF8") {
                self.transaction.declared_smtputf8 = true;
            }
            if parameter.keyword.eq_ignore_ascii_case("BODY") {
                let body = parameter.value.unwrap_or_default();
                self.transaction.declared_8bit = body.eq_ignore_ascii_case("8BITMIME");
                self.transaction.declared_binary = body.eq_ignore_ascii_case("BINARYMIME");
            }
            if parameter.keyword.eq_ignore_ascii_case("SIZE") {
                self.check_size(n, parameter.value.unwrap_or_default());
            }
        }
    }

    fn check_parameter(&mut self, n: usize, parameter: &Parameter<&str>) {
        let keyword = parameter.keyword;
        let needed = extension_for_parameter(keyword, parameter.value).unwrap_or(keyword);
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

    /// A UTF-8 address needs SMTPUTF8 on this transaction's MAIL FROM (RFC 6531 §3.4).
    fn utf8_address(&mut self, n: usize, verb: &str, path: &str) {
        if path.is_ascii() || self.transaction.declared_smtputf8 {
            return;
        }
        self.findings.push(Finding::error(
            n,
            "RFC 6531 §3.4",
            format!("{verb}:{path} is a UTF-8 address, but MAIL FROM did not declare SMTPUTF8: the server must refuse it (553 5.6.7)"),
        ));
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
        self.data_after_chunking(n);
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
}
