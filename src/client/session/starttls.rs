//! STARTTLS on the client side (RFC 3207) and implicit TLS (RFC 8314 §3.3).
//!
//! After the EHLO reply, before anything else, the client decides by its
//! [`TlsPolicy`]: send STARTTLS, go on in the clear, or stop because TLS was required
//! and not offered (the "STARTTLS stripped" attack, RFC 3207 §6). After `220` it reads
//! nothing more in the clear (a reply injected behind the 220 is discarded) and waits
//! for the driver's [`Client::tls_established`]; then it forgets the EHLO reply and
//! sends EHLO again, because what the server offers may differ under TLS (RFC 3207 §4.2).

use std::ops::ControlFlow::{self, Break, Continue};

use super::{Client, Stage};
use crate::client::decision::{Choice, Decision};
use crate::client::event::ClientEventKind;
use crate::client::spec::TlsPolicy;
use crate::protocol::{Capabilities, Command, Reply, ReplyReader};
use crate::time::Millis;
use crate::tls::TlsSummary;

const RFC_STARTTLS: &str = "RFC 3207 §4";

/// Where the connection stands with TLS.
#[derive(Debug)]
pub(super) enum TlsProgress {
    /// Nothing decided yet on this connection.
    Undecided,
    /// Decided to stay in the clear (policy, not offered, or refused).
    Clear,
    /// Encrypted: what was negotiated (boxed: a summary is large, and most sessions
    /// never have one).
    Secure(Box<TlsSummary>),
}

impl Client {
    /// True after `220` to STARTTLS until [`Client::tls_established`]: the driver must
    /// send [`Client::take_output`] (nothing, by then) and run the TLS handshake.
    pub fn tls_pending(&self) -> bool {
        matches!(self.stage, Stage::ExpectTlsHandshake)
    }

    /// What TLS negotiated, once the connection is encrypted.
    pub fn tls(&self) -> Option<&TlsSummary> {
        match &self.tls {
            TlsProgress::Secure(summary) => Some(summary),
            TlsProgress::Undecided | TlsProgress::Clear => None,
        }
    }

    /// The driver completed the TLS handshake: after STARTTLS the client forgets the
    /// EHLO reply and sends EHLO again (RFC 3207 §4.2); before the greeting (implicit
    /// TLS, RFC 8314 §3.3) it only records that the connection is encrypted. Ignored at
    /// any other time.
    pub fn tls_established(&mut self, summary: TlsSummary, now: Millis) {
        self.now = now;
        self.waiting_since = now;
        let after_starttls = self.tls_pending();
        let implicit = matches!(self.stage, Stage::ExpectGreeting)
            && matches!(self.tls, TlsProgress::Undecided);
        if !after_starttls && !implicit {
            return;
        }
        self.tls = TlsProgress::Secure(Box::new(summary.clone()));
        let explanation = if implicit {
            self.decide(Decision::new(
                Choice::ImplicitTls,
                "TLS from the first octet",
                "no STARTTLS",
                "The connection is encrypted from its first octet (port 465), so the greeting \
                 and everything after it travel encrypted and STARTTLS is not used.",
                "RFC 8314 §3.3",
            ));
            format!("Implicit TLS is up ({}).", summary.protocol_version)
        } else {
            format!(
                "TLS is up ({}). What the server said in the clear is forgotten; EHLO again \
                 to learn what it offers under TLS.",
                summary.protocol_version
            )
        };
        self.emit(
            ClientEventKind::TlsEstablished { summary },
            explanation,
            "RFC 3207 §4.2",
        );
        if after_starttls {
            self.capabilities = Capabilities::default();
            self.replies = ReplyReader::new();
            self.transition(|client, _handshake| client.send_hello());
        }
    }

    /// After the EHLO reply: STARTTLS, the clear, or a stop. `Break` with the stage
    /// that waits for the reply when something was sent (STARTTLS, or QUIT leaving
    /// `hello`); `Continue` hands `hello` back to go on in the clear (or under TLS
    /// already).
    pub(super) fn starttls_step(&mut self, hello: Stage) -> ControlFlow<Stage, Stage> {
        if !matches!(self.tls, TlsProgress::Undecided) {
            return Continue(hello);
        }
        let offered = self.capabilities.has("STARTTLS");
        let policy = self.spec.tls;
        if offered && policy != TlsPolicy::Never {
            self.decide(Decision::new(
                Choice::StartTls,
                "STARTTLS",
                "STARTTLS",
                "The server offers STARTTLS and the policy asks for TLS: encrypt before \
                 anything else, then EHLO again.",
                RFC_STARTTLS,
            ));
            self.send(
                Command::StartTls,
                RFC_STARTTLS,
                "STARTTLS asks the server to switch this connection to TLS.",
            );
            return Break(Stage::ExpectStartTls);
        }
        self.tls = TlsProgress::Clear;
        match (policy, offered) {
            (TlsPolicy::Never, false) => Continue(hello),
            (TlsPolicy::Never, true) => {
                self.decide(Decision::new(
                    Choice::StartTlsNotWanted,
                    "STARTTLS",
                    "none",
                    "The server offers STARTTLS but the policy says never: everything, \
                     passwords included, crosses the network in the clear.",
                    RFC_STARTTLS,
                ));
                Continue(hello)
            }
            (TlsPolicy::Opportunistic, _) => {
                self.decide(Decision::new(
                    Choice::StartTlsNotOffered { required: false },
                    "no STARTTLS",
                    "none",
                    "The server does not offer STARTTLS; the policy is opportunistic, so the \
                     session goes on in the clear. A man in the middle who removed STARTTLS \
                     from the EHLO reply gets to read it all.",
                    "RFC 3207 §6",
                ));
                Continue(hello)
            }
            (TlsPolicy::Required, _) => {
                self.decide(Decision::new(
                    Choice::StartTlsNotOffered { required: true },
                    "no STARTTLS",
                    "QUIT",
                    "TLS is required but the EHLO reply does not offer STARTTLS: a man in \
                     the middle may have removed it (STARTTLS stripping), so the client \
                     stops before sending a password or the message.",
                    "RFC 3207 §6",
                ));
                Break(self.stop(hello, "TLS is required but STARTTLS was not offered"))
            }
        }
    }

    /// 220 to STARTTLS: nothing more is read in the clear; the driver shakes hands.
    pub(super) fn on_tls_ready(&mut self) -> Stage {
        self.emit(
            ClientEventKind::TlsHandshakeExpected,
            "The server is ready: the next octets are the TLS handshake, starting with this \
             client's ClientHello.",
            RFC_STARTTLS,
        );
        Stage::ExpectTlsHandshake
    }

    /// Anything but 220 to STARTTLS: stop if TLS is required, else go on in the clear.
    pub(super) fn on_starttls_refused(&mut self, stage: Stage, reply: &Reply) -> Stage {
        let code = reply.code.value();
        let required = self.spec.tls == TlsPolicy::Required;
        self.tls = TlsProgress::Clear;
        let (used, why) = if required {
            (
                "QUIT",
                format!("STARTTLS was answered {code} and TLS is required: the client stops."),
            )
        } else {
            (
                "none",
                format!(
                    "STARTTLS was answered {code}; the policy is opportunistic, so the session \
                     goes on in the clear."
                ),
            )
        };
        self.decide(Decision::new(
            Choice::StartTlsRefused { code, required },
            "STARTTLS",
            used,
            why,
            RFC_STARTTLS,
        ));
        if required {
            self.stop(stage, "TLS is required but STARTTLS was refused")
        } else {
            Stage::Hello
        }
    }

    /// Leaves `stage` with `reason`, politely (QUIT).
    fn stop(&mut self, stage: Stage, reason: &str) -> Stage {
        self.emit(
            ClientEventKind::Failed {
                reason: reason.into(),
            },
            format!("{reason}; sending QUIT."),
            "RFC 3207 §6",
        );
        self.quit(
            stage,
            "QUIT ends the session politely.",
            "RFC 5321 §4.1.1.10",
        )
    }

    /// Input read while the handshake is awaited: thrown away unread, and said so.
    pub(super) fn discard_cleartext(&mut self, octets: usize) {
        if octets == 0 {
            return;
        }
        self.emit(
            ClientEventKind::PlaintextDiscarded {
                octets: octets as u64,
            },
            format!(
                "{octets} octets arrived in the clear after the 220 to STARTTLS, before the \
                 handshake: anyone on the path could have injected them, so they are thrown \
                 away unread."
            ),
            "RFC 3207 §5",
        );
    }
}
