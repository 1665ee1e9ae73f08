//! STARTTLS on the server side (RFC 3207). The engine answers the command and then
//! waits: the driver runs the TLS handshake (the engine never sees TLS records) and
//! reports it with [`Server::tls_established`], after which the session starts over.
//!
//! Two rules carry the security of STARTTLS:
//! - Nothing read in the clear after the STARTTLS line is ever acted on: a command
//!   pipelined behind it (`STARTTLS\r\nRSET\r\n`) could have been injected by anyone on
//!   the path, so it is thrown away (the CVE-2011-0411 class).
//! - After the handshake the server forgets everything said in the clear: the EHLO
//!   greeting, any AUTH, any transaction (RFC 3207 §4.2).

use super::config::StartTlsOffer;
use super::event::ServerEventKind;
use super::session::Server;
use super::state::{State, Trigger};
use crate::protocol::{LineReader, ReplyKind, MAX_COMMAND_LINE};
use crate::time::Millis;
use crate::tls::TlsSummary;

const RFC_STARTTLS: &str = "RFC 3207 §4";

impl Server {
    /// `STARTTLS` (its argument, if any, was refused with 501 by the parser).
    pub(super) fn starttls(&mut self) {
        if !self.config.offers_starttls() {
            return self.reply(
                ReplyKind::NotImplemented,
                "Error: STARTTLS not offered",
                "This server has no TLS configured, so its EHLO reply does not list STARTTLS \
                 (RFC 3207).",
            );
        }
        if self.tls.is_some() {
            return self.reply(
                ReplyKind::BadSequence,
                "Error: TLS already active",
                "The connection is already encrypted; after the handshake the server no \
                 longer lists STARTTLS (RFC 3207 §4.2), so a second one is out of sequence.",
            );
        }
        if !self.ehlo_session() {
            return self.reply(
                ReplyKind::BadSequence,
                "Error: send EHLO first",
                "STARTTLS is an ESMTP extension: it may only follow an EHLO whose reply \
                 listed it (RFC 3207 §4, RFC 5321 §4.1.1.1).",
            );
        }
        if self.state() != State::ExpectMail {
            return self.reply(
                ReplyKind::BadSequence,
                "Error: MAIL transaction in progress",
                "STARTTLS starts the session over, so it is refused inside a mail \
                 transaction; RSET first (RFC 3207 §4.2).",
            );
        }
        if self.config.starttls == StartTlsOffer::Unavailable {
            return self.reply_kind(
                ReplyKind::TlsNotAvailable,
                ReplyKind::TlsNotAvailable.explanation(),
            );
        }
        self.reply_kind(
            ReplyKind::ReadyToStartTls,
            ReplyKind::ReadyToStartTls.explanation(),
        );
        if self.transition(Trigger::StartTls) {
            self.emit(
                ServerEventKind::TlsHandshakeExpected,
                "The next octets from the client are a TLS ClientHello: the driver runs the \
                 handshake; no line is read until it completes.",
                RFC_STARTTLS,
            );
        }
    }

    /// True after `220` to STARTTLS until [`Server::tls_established`]: the driver must
    /// send [`Server::take_output`] in the clear and then run the TLS handshake.
    pub fn tls_pending(&self) -> bool {
        self.state() == State::ExpectTlsHandshake
    }

    /// What TLS negotiated, once the connection is encrypted.
    pub fn tls(&self) -> Option<&TlsSummary> {
        self.tls.as_ref()
    }

    /// The driver completed the TLS handshake. After STARTTLS the session forgets the
    /// greeting, any AUTH and any transaction and waits for EHLO again (RFC 3207 §4.2).
    /// With implicit TLS (RFC 8314 §3.3) the driver calls this before the first
    /// command, and the session simply knows it is encrypted from the start. A call at
    /// any other time, or a second one, is ignored.
    pub fn tls_established(&mut self, summary: TlsSummary, now: Millis) {
        self.now = now;
        self.last_activity = now;
        if self.is_closed() || self.tls.is_some() {
            return;
        }
        let explanation = match self.state() {
            State::ExpectTlsHandshake => {
                self.forget_cleartext_session();
                self.transition(Trigger::TlsEstablished);
                format!(
                    "TLS is up ({}). Everything said in the clear is forgotten: the client \
                     must send EHLO again, and may now authenticate.",
                    summary.protocol_version
                )
            }
            State::ExpectHello if self.input_offset == 0 => {
                format!(
                    "Implicit TLS (RFC 8314 §3.3): the connection was encrypted from its first \
                     octet ({}), so the greeting and everything after it travel encrypted.",
                    summary.protocol_version
                )
            }
            _ => return,
        };
        self.tls = Some(summary.clone());
        self.emit(
            ServerEventKind::TlsEstablished { summary },
            explanation,
            "RFC 3207 §4.2",
        );
    }

    /// Drops what the client said in the clear (RFC 3207 §4.2); the greeting goes with
    /// the stage, since `ExpectTlsHandshake` and `ExpectHello` hold none.
    fn forget_cleartext_session(&mut self) {
        self.identity = None;
        self.lines = LineReader::new(MAX_COMMAND_LINE);
    }

    /// Input read while the handshake is awaited: thrown away unread, and said so.
    pub(super) fn discard_cleartext(&mut self, octets: usize) {
        if octets == 0 {
            return;
        }
        self.input_offset = self.input_offset.saturating_add(octets as u64);
        self.emit(
            ServerEventKind::PlaintextDiscarded {
                octets: octets as u64,
            },
            format!(
                "{octets} octets arrived in the clear after the STARTTLS line, before the \
                 handshake: anyone on the path could have injected them, so they are thrown \
                 away unread (CVE-2011-0411)."
            ),
            "RFC 3207 §5",
        );
    }

    /// True when AUTH may be listed and used now: always, unless the policy asks for
    /// TLS first and the connection is still in the clear.
    pub(super) fn auth_allowed_now(&self) -> bool {
        !self.config.auth_requires_tls || self.tls.is_some()
    }
}
