//! TURN (RFC 821 §4.1.1): the client asks the server to swap roles on the same
//! connection so that the server sends the client the mail it holds for it. The server
//! knows the client only by the domain it *claimed* in HELO/EHLO, so anyone who claims
//! a domain collects that domain's mail. RFC 2821 withdrew TURN and RFC 5321 Appendix
//! F.1 says not to implement it; this server answers 502 unless the host switches on
//! legacy TURN to show the hole. ATRN (RFC 2645) is the authenticated replacement.

use super::event::{ReversalCommand, ServerEventKind};
use super::session::{Greeting, Server};
use super::state::{State, Trigger};
use crate::protocol::ReplyKind;

impl Server {
    /// TURN: 502 5.5.1 with the reason, or in legacy mode 250 and the roles reverse.
    pub(super) fn turn(&mut self) {
        if !self.host.legacy_turn {
            self.reply(
                ReplyKind::NotImplemented,
                "Error: TURN is not implemented",
                "TURN let any client that claimed a domain receive its mail; RFC 2821 retired it \
                 and RFC 5321 Appendix F.1 keeps it out (ATRN with AUTH replaced it).",
            );
            return;
        }
        let claimed = match (self.stage.greeting(), self.state()) {
            (Some(Greeting::Ehlo(domain) | Greeting::Helo(domain)), State::ExpectMail) => {
                domain.to_ascii_lowercase()
            }
            _ => {
                self.reply(
                    ReplyKind::BadSequence,
                    "Error: TURN needs HELO/EHLO and no mail transaction",
                    "TURN is allowed only after the greeting and outside a mail transaction \
                     (RFC 821 §4.1.1).",
                );
                return;
            }
        };
        self.reply(
            ReplyKind::TurnAccepted,
            format!("OK, turning around: mail for {claimed} follows"),
            format!(
                "Legacy TURN: the server takes the client to be {claimed} only because it said \
                 so in HELO/EHLO, and will now send it {claimed}'s mail. Nothing was \
                 authenticated; this is why RFC 5321 Appendix F.1 removed TURN."
            ),
        );
        self.reverse_roles(ReversalCommand::Turn, vec![claimed]);
    }

    /// Ends this side's receiving role: the host starts a client on this connection for
    /// `domains` and the peer starts a server (which greets with 220, RFC 821 §4.1.1).
    pub(super) fn reverse_roles(&mut self, command: ReversalCommand, domains: Vec<String>) {
        let list = domains.join(", ");
        self.emit(
            ServerEventKind::RolesReversed { command, domains },
            format!(
                "Roles reverse on this connection: this host becomes the SMTP client and \
                 sends the mail held for {list}; the peer answers as a server, starting \
                 with its 220 greeting."
            ),
            command.rfc(),
        );
        self.transition(Trigger::Close);
    }
}
