//! The client session's AUTH command (RFC 4954), between EHLO and the first MAIL.
//! [`ClientAuth`] (`sasl_exchange.rs`) owns the SASL exchange; this file wires it into
//! the session: it chooses and records the decision, raises the reply-line limit for
//! long `334` challenges, sends each continuation line, turns every SASL trace step
//! into an event and decides what follows (MAIL after 235, QUIT after anything else).

use std::ops::ControlFlow::{self, Break, Continue};

use super::plan::Plan;
use super::{Authenticating, Client, Negotiated, Stage};
use crate::client::decision::{Choice, Decision};
use crate::client::event::ClientEventKind;
use crate::client::sasl_exchange::{AuthChoiceError, ClientAuth, ClientAuthStep};
use crate::protocol::reply_reader::MAX_REPLY_LINE;
use crate::protocol::{Command, Reply, MAX_AUTH_LINE};
use crate::sasl::Mechanism;

const RFC_AUTH: &str = "RFC 4954 §4";

impl Client {
    /// Starts AUTH when the spec asks for it and it has not been tried yet: `Break`
    /// with the stage that waits for a reply (to AUTH, or to QUIT because AUTH is
    /// impossible); `Continue` hands `negotiated` back when there is no AUTH to send.
    pub(super) fn start_auth(
        &mut self,
        mut negotiated: Negotiated,
    ) -> ControlFlow<Stage, Negotiated> {
        let Some(spec) = self.spec.auth.clone() else {
            return Continue(negotiated);
        };
        if negotiated.auth_tried {
            return Continue(negotiated);
        }
        negotiated.auth_tried = true;
        let offered = self.capabilities.auth_mechanisms().to_vec();
        if offered.is_empty() {
            return Break(self.refuse_auth(
                negotiated,
                Choice::AuthNotOffered,
                "nothing",
                "The spec asks for AUTH but the server's EHLO reply lists no AUTH mechanisms (RFC 4954 §3: a client uses AUTH only when it is advertised), so the client does not send the message unauthenticated.",
            ));
        }
        let server_name = spec
            .server_name
            .clone()
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| self.greeting_name.clone());
        Break(
            match ClientAuth::start(&spec, &offered, &server_name, &mut self.entropy) {
                Ok((auth, command)) => self.send_auth(negotiated.plan, auth, command, &offered),
                Err(error @ AuthChoiceError::NothingInCommon { .. }) => self.refuse_auth(
                    negotiated,
                    Choice::NoCommonMechanism,
                    &format!("AUTH {}", offered.join(" ")),
                    &format!("{error}; the client does not send the message unauthenticated."),
                ),
                Err(
                    error @ (AuthChoiceError::UnknownMechanism { .. }
                    | AuthChoiceError::NotBuilt { .. }),
                ) => self.refuse_auth(
                    negotiated,
                    Choice::NoCommonMechanism,
                    &format!("AUTH {}", offered.join(" ")),
                    &error.to_string(),
                ),
            },
        )
    }

    fn send_auth(
        &mut self,
        plan: Plan,
        auth: ClientAuth,
        command: Command,
        offered: &[String],
    ) -> Stage {
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
        let mut authenticating = Authenticating {
            plan,
            auth: Box::new(auth),
        };
        self.emit_sasl_trace(&mut authenticating.auth);
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
        Stage::ExpectAuth(authenticating)
    }

    fn refuse_auth(
        &mut self,
        negotiated: Negotiated,
        choice: Choice,
        offered: &str,
        why: &str,
    ) -> Stage {
        self.decide(Decision::new(choice, offered, "none", why, RFC_AUTH));
        self.emit(
            ClientEventKind::Failed {
                reason: why.to_owned(),
            },
            why.to_owned(),
            RFC_AUTH,
        );
        self.quit(
            negotiated.into(),
            "No AUTH possible, so the session ends with QUIT.",
            RFC_AUTH,
        )
    }

    /// The reply to AUTH or to a continuation line: the SASL mechanism reads it and
    /// says what follows.
    pub(super) fn on_auth_reply(&mut self, authenticating: Authenticating, reply: &Reply) -> Stage {
        let Authenticating { plan, mut auth } = authenticating;
        let step = auth.on_reply(reply);
        let mechanism = auth.mechanism();
        self.emit_sasl_trace(&mut auth);
        match step {
            ClientAuthStep::Send { line, explanation } => {
                self.send_auth_line(&line, false, explanation);
                Stage::ExpectAuth(Authenticating { plan, auth })
            }
            ClientAuthStep::Cancel { line, explanation } => {
                self.send_auth_line(&line, true, explanation);
                Stage::ExpectAuth(Authenticating { plan, auth })
            }
            ClientAuthStep::Succeeded { explanation } => {
                let negotiated = self.end_auth(plan);
                self.emit(
                    ClientEventKind::Authenticated { mechanism },
                    format!("{explanation}; the transaction follows."),
                    "RFC 4954 §6",
                );
                negotiated.into()
            }
            ClientAuthStep::Failed { explanation, .. } => {
                let negotiated = self.end_auth(plan);
                self.emit(
                    ClientEventKind::Failed {
                        reason: format!("AUTH {mechanism} failed: {explanation}"),
                    },
                    format!("AUTH {mechanism} failed ({explanation})."),
                    "RFC 4954 §6",
                );
                self.quit(
                    negotiated.into(),
                    "Not authenticated, so the session ends with QUIT instead of trying to send.",
                    RFC_AUTH,
                )
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
    fn end_auth(&mut self, plan: Plan) -> Negotiated {
        self.replies.set_max_line(MAX_REPLY_LINE);
        Negotiated {
            plan,
            auth_tried: true,
        }
    }

    /// One event with the trace entries of the step just taken, if any.
    fn emit_sasl_trace(&mut self, auth: &mut ClientAuth) {
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
