//! The client session's AUTH command (RFC 4954), between EHLO and the first MAIL.
//! [`ClientAuth`] (`sasl_exchange.rs`) owns the SASL exchange; this file wires it into
//! the session: it chooses and records the decision, raises the reply-line limit for
//! long `334` challenges, sends each continuation line, turns every SASL trace step
//! into an event and decides what follows (MAIL after 235, QUIT after anything else).

use super::{Client, Stage};
use crate::client::decision::{Choice, Decision};
use crate::client::event::ClientEventKind;
use crate::client::sasl_exchange::{AuthChoiceError, ClientAuth, ClientAuthStep};
use crate::protocol::reply_reader::MAX_REPLY_LINE;
use crate::protocol::{Command, Reply, MAX_AUTH_LINE};
use crate::sasl::Mechanism;

const RFC_AUTH: &str = "RFC 4954 §4";

impl Client {
    /// Starts AUTH when the spec asks for it and it has not been tried yet. True when
    /// something was sent (AUTH, or QUIT because AUTH is impossible).
    pub(super) fn start_auth(&mut self) -> bool {
        let Some(spec) = self.spec.auth.clone() else {
            return false;
        };
        let Stage::Negotiated { auth_tried, .. } = &mut self.stage else {
            return false;
        };
        if *auth_tried {
            return false;
        }
        *auth_tried = true;
        let offered = self.capabilities.auth_mechanisms().to_vec();
        if offered.is_empty() {
            self.refuse_auth(
                Choice::AuthNotOffered,
                "nothing",
                "The spec asks for AUTH but the server's EHLO reply lists no AUTH mechanisms (RFC 4954 §3: a client uses AUTH only when it is advertised), so the client does not send the message unauthenticated.",
            );
            return true;
        }
        let server_name = spec
            .server_name
            .clone()
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| self.greeting_name.clone());
        match ClientAuth::start(&spec, &offered, &server_name, &mut self.entropy) {
            Ok((auth, command)) => self.send_auth(auth, command, &offered),
            Err(error @ AuthChoiceError::NothingInCommon { .. }) => self.refuse_auth(
                Choice::NoCommonMechanism,
                &format!("AUTH {}", offered.join(" ")),
                &format!("{error}; the client does not send the message unauthenticated."),
            ),
            Err(error @ AuthChoiceError::UnknownMechanism { .. }) => self.refuse_auth(
                Choice::NoCommonMechanism,
                &format!("AUTH {}", offered.join(" ")),
                &error.to_string(),
            ),
        }
        true
    }

    fn send_auth(&mut self, auth: ClientAuth, command: Command, offered: &[String]) {
        let mechanism = auth.mechanism();
        self.decide(Decision::new(
            Choice::Authenticate { mechanism },
            format!("AUTH {}", offered.join(" ")),
            format!("AUTH {mechanism}"),
            auth.choice().to_owned(),
            RFC_AUTH,
        ));
        // A 334 challenge may be up to 12288 octets (RFC 4954 §4).
        self.replies.set_max_line(MAX_AUTH_LINE);
        self.advance(|stage| match stage {
            Stage::Negotiated { plan, .. } => Stage::ExpectAuth {
                plan,
                auth: Box::new(auth),
            },
            other => other,
        });
        self.emit_sasl_trace();
        let explanation = match &command {
            Command::Auth {
                initial_response: Some(_),
                ..
            } => format!(
                "AUTH {mechanism} with the initial response on the same line, saving a round trip."
            ),
            _ if mechanism.is_server_first() => {
                format!("AUTH {mechanism}: the server speaks first with a 334 challenge.")
            }
            _ => format!("AUTH {mechanism}, waiting for the server's 334 prompt."),
        };
        self.send(command, RFC_AUTH, explanation);
    }

    fn refuse_auth(&mut self, choice: Choice, offered: &str, why: &str) {
        self.decide(Decision::new(choice, offered, "none", why, RFC_AUTH));
        self.emit(
            ClientEventKind::Failed {
                reason: why.to_owned(),
            },
            why.to_owned(),
            RFC_AUTH,
        );
        self.quit("No AUTH possible, so the session ends with QUIT.", RFC_AUTH);
    }

    /// The reply to AUTH or to a continuation line.
    pub(super) fn on_auth_reply(&mut self, reply: &Reply) {
        let Stage::ExpectAuth { auth, .. } = &mut self.stage else {
            return;
        };
        let step = auth.on_reply(reply);
        let mechanism = auth.mechanism();
        self.emit_sasl_trace();
        match step {
            ClientAuthStep::Send { line, explanation } => {
                self.send_auth_line(&line, false, explanation);
            }
            ClientAuthStep::Cancel { line, explanation } => {
                self.send_auth_line(&line, true, explanation);
            }
            ClientAuthStep::Succeeded { explanation } => {
                self.end_auth();
                self.emit(
                    ClientEventKind::Authenticated { mechanism },
                    format!("{explanation}; the transaction follows."),
                    "RFC 4954 §6",
                );
            }
            ClientAuthStep::Failed { explanation, .. } => {
                self.end_auth();
                self.emit(
                    ClientEventKind::Failed {
                        reason: format!("AUTH {mechanism} failed: {explanation}"),
                    },
                    format!("AUTH {mechanism} failed ({explanation})."),
                    "RFC 4954 §6",
                );
                self.quit(
                    "Not authenticated, so the session ends with QUIT instead of trying to send.",
                    RFC_AUTH,
                );
            }
        }
    }

    fn send_auth_line(&mut self, line: &[u8], cancel: bool, explanation: String) {
        let text = String::from_utf8_lossy(line).trim_end().to_owned();
        self.queue(
            line,
            ClientEventKind::AuthLineSent { line: text, cancel },
            explanation,
            RFC_AUTH,
        );
    }

    /// The exchange is over (235 or not): back to the negotiated session, with the
    /// ordinary reply-line limit.
    fn end_auth(&mut self) {
        self.advance(|stage| match stage {
            Stage::ExpectAuth { plan, .. } => Stage::Negotiated {
                plan,
                auth_tried: true,
            },
            other => other,
        });
        self.replies.set_max_line(MAX_REPLY_LINE);
    }

    /// One event with the trace entries of the step just taken, if any.
    fn emit_sasl_trace(&mut self) {
        let Stage::ExpectAuth { auth, .. } = &mut self.stage else {
            return;
        };
        let entries = auth.take_trace();
        if entries.is_empty() {
            return;
        }
        let mechanism: Mechanism = auth.mechanism();
        let labels: Vec<&str> = entries.iter().map(|entry| entry.label.as_str()).collect();
        let explanation = format!("{mechanism} ({}): {}.", mechanism.rfc(), labels.join(", "));
        self.emit(
            ClientEventKind::SaslTrace { mechanism, entries },
            explanation,
            RFC_AUTH,
        );
    }
}
