//! The server session's SMTP AUTH (RFC 4954): the AUTH command, the `Authenticating`
//! state in which every line is a SASL response instead of a command, and the `AUTH=`
//! parameter of MAIL FROM. [`ServerAuth`] (`sasl_exchange.rs`) owns the SASL exchange;
//! this file wires it into
//! the session: the checks that come before it (503 before EHLO, when authenticated,
//! inside a transaction), the state table moves, the longer line limit, the replies and
//! the events (each step's SASL trace in the same shape as the client's).

use super::event::ServerEventKind;
use super::sasl_exchange::{
    already_authenticated_reply, in_transaction_reply, line_too_long_reply, parse_auth_parameter,
    AuthOutcome, AuthParameter, AuthPolicy, AuthStep, ServerAuth, MAX_AUTH_LINE,
};
use super::session::Server;
use super::stage::Stage;
use super::state::{State, Trigger};
use crate::protocol::{LineInfo, ReplyKind};
use crate::sasl::trace::TraceEntry;
use crate::sasl::{Identity, Mechanism};

const RFC_AUTH: &str = "RFC 4954 §4";

impl Server {
    /// `AUTH mechanism [initial-response]`.
    pub(super) fn auth_command(&mut self, mechanism: &str, initial_response: Option<&str>) {
        if !self.config.offers_auth() {
            return self.reply(
                ReplyKind::NotImplemented,
                "Error: authentication not enabled",
                "This server did not offer AUTH in its EHLO reply (RFC 4954 §4).",
            );
        }
        if !self.auth_allowed_now() {
            return self.reply(
                ReplyKind::AuthEncryptionRequired,
                "Must issue a STARTTLS command first",
                "This server allows AUTH only over TLS (like Postfix's smtpd_tls_auth_only), \
                 so before STARTTLS it neither lists AUTH nor accepts it: a password must \
                 never cross the network in the clear (RFC 4954 §6, RFC 3207).",
            );
        }
        if !self.ehlo_session() {
            return self.reply(
                ReplyKind::BadSequence,
                "Error: send EHLO first",
                "AUTH is an ESMTP extension: it may only follow an EHLO whose reply listed it \
                 (RFC 4954 §4, RFC 5321 §4.1.1.1).",
            );
        }
        if self.identity.is_some() {
            return self.send(
                ReplyKind::BadSequence,
                already_authenticated_reply(),
                "Only one successful AUTH per session (RFC 4954 §4).".into(),
            );
        }
        if self.state() != State::ExpectMail {
            return self.send(
                ReplyKind::BadSequence,
                in_transaction_reply(),
                "AUTH is not permitted inside a mail transaction, between MAIL and the end of \
                 data (RFC 4954 §4)."
                    .into(),
            );
        }
        let over_tls;
        let policy = if self.tls.is_some() && self.config.auth.plaintext_needs_secure_channel {
            // Over TLS the plaintext mechanisms' passwords are encrypted on the wire.
            over_tls = AuthPolicy {
                plaintext_needs_secure_channel: false,
                ..self.config.auth.clone()
            };
            &over_tls
        } else {
            &self.config.auth
        };
        let (mut exchange, step) = ServerAuth::start(
            policy,
            &self.config.hostname,
            mechanism,
            initial_response,
            self.now,
            &mut self.entropy,
        );
        self.emit_sasl_trace(&mut exchange);
        let finished = self.answer_auth_step(step);
        if finished || self.is_closed() {
            return;
        }
        // AUTH is answered only after EHLO (checked above), so the greeting is there.
        if let Some(greeting) = self.stage.greeting().cloned() {
            self.enter(
                Trigger::AuthChallenge,
                Stage::Authenticating(Box::new(exchange), greeting),
            );
        }
    }

    /// One line while [`State::Authenticating`]: a base64 response or `*`, read with
    /// the 12288-octet limit of RFC 4954 §4 instead of the 512 of a command. The
    /// exchange lives in the stage, so there is none to answer in any other.
    pub(super) fn auth_line(&mut self, content: &[u8], line: LineInfo) {
        let Stage::Authenticating(exchange, _) = &mut self.stage else {
            return;
        };
        let step = if line.overflowed {
            AuthStep {
                outcome: AuthOutcome::Failed {
                    kind: ReplyKind::AuthLineTooLong,
                },
                reply: line_too_long_reply(),
                explanation: format!(
                    "The response line was {} octets; AUTH lines may be at most {MAX_AUTH_LINE} \
                     including CRLF. The exchange is over.",
                    line.wire_len
                ),
                rfc: RFC_AUTH,
            }
        } else {
            exchange.respond(content)
        };
        let trace = take_sasl_trace(exchange);
        self.emit_trace(trace);
        let finished = self.answer_auth_step(step);
        if finished && matches!(self.stage, Stage::Authenticating(..)) {
            self.transition(Trigger::AuthDone);
        }
    }

    /// Records a success and sends the step's reply. True when the exchange is over.
    fn answer_auth_step(&mut self, step: AuthStep) -> bool {
        let kind = step.reply_kind();
        let finished = step.is_finished();
        let AuthStep {
            outcome,
            reply,
            explanation,
            rfc,
        } = step;
        if let AuthOutcome::Succeeded {
            identity,
            mechanism,
        } = outcome
        {
            self.authenticate(identity, mechanism);
        }
        self.send(kind, reply, format!("{explanation} ({rfc})."));
        finished
    }

    /// Records who authenticated and tells the timeline.
    fn authenticate(&mut self, identity: Identity, mechanism: Mechanism) {
        self.emit(
            ServerEventKind::Authenticated {
                authcid: identity.authcid.clone(),
                authzid: identity.authzid.clone(),
                mechanism,
            },
            format!(
                "{} is authenticated: relaying is allowed and Received will say ESMTPA \
                 (ESMTPSA over TLS).",
                identity.authcid
            ),
            "RFC 4954 §6",
        );
        self.identity = Some(identity);
    }

    fn emit_sasl_trace(&mut self, exchange: &mut ServerAuth) {
        let trace = take_sasl_trace(exchange);
        self.emit_trace(trace);
    }

    /// The step's SASL trace as one event, if the step added to it.
    fn emit_trace(&mut self, trace: Option<(Mechanism, Vec<TraceEntry>)>) {
        let Some((mechanism, entries)) = trace else {
            return;
        };
        let labels: Vec<&str> = entries.iter().map(|entry| entry.label.as_str()).collect();
        let explanation = format!("{mechanism} ({}): {}.", mechanism.rfc(), labels.join(", "));
        self.emit(
            ServerEventKind::SaslTrace { mechanism, entries },
            explanation,
            RFC_AUTH,
        );
    }

    /// `AUTH=` on MAIL FROM (RFC 4954 §5), decoded from xtext. Only an authenticated
    /// client is trusted to name the original submitter; otherwise the server must act
    /// as if `AUTH=<>` had been sent. `Err` holds the explanation of a 501.
    pub(super) fn read_submitter(&mut self, value: &str) -> Result<(), String> {
        let submitter = parse_auth_parameter(value).map_err(|error| {
            format!("AUTH={value} is not valid xtext ({error}) (RFC 4954 §5, RFC 3461 §4).")
        })?;
        let trusted = self.identity.is_some();
        let explanation = match (&submitter, trusted) {
            (AuthParameter::Unknown, _) => {
                "AUTH=<>: the original submitter is unknown (RFC 4954 §5).".to_owned()
            }
            (AuthParameter::Identity(who), true) => format!(
                "AUTH={value} decodes to {who}: the authenticated client vouches for the \
                 original submitter, which is passed on when relaying (RFC 4954 §5)."
            ),
            (AuthParameter::Identity(who), false) => format!(
                "AUTH={value} decodes to {who}, but the client has not authenticated, so the \
                 server acts as if AUTH=<> had been sent (RFC 4954 §5)."
            ),
        };
        self.emit(
            ServerEventKind::SubmitterDeclared { submitter, trusted },
            explanation,
            "RFC 4954 §5",
        );
        Ok(())
    }
}

/// What the exchange's last step added to its trace, with the mechanism; `None` before a
/// mechanism was chosen or when the step added nothing.
fn take_sasl_trace(exchange: &mut ServerAuth) -> Option<(Mechanism, Vec<TraceEntry>)> {
    let entries = exchange.take_trace();
    let mechanism = exchange.mechanism()?;
    (!entries.is_empty()).then_some((mechanism, entries))
}
