//! ATRN (RFC 2645, On-Demand Mail Relay): TURN made safe. The client must have
//! authenticated (AUTH, RFC 4954) first; the server then reverses the roles on the same
//! connection and sends the mail queued for the domains that account may collect,
//! never for a domain the client merely names. Which account owns which domains is a
//! host input ([`AtrnPolicy`]), as is what is queued.

use serde::{Deserialize, Serialize};

use super::event::ReversalCommand;
use super::session::Server;
use super::state::State;
use crate::protocol::{Domain, ReplyKind};

/// One ODMR account: the user who authenticates and the domains it collects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AtrnAccount {
    /// The authenticated identity (as AUTH established it).
    pub user: String,
    /// The domains whose mail it may collect.
    pub domains: Vec<String>,
}

/// Whether ATRN is offered and who may collect what.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AtrnPolicy {
    /// Offer ATRN in EHLO and answer it; off → 502.
    pub enabled: bool,
    /// The accounts.
    pub accounts: Vec<AtrnAccount>,
}

impl AtrnPolicy {
    /// The domains `user` may collect (none for an unknown user).
    pub(crate) fn domains_of(&self, user: &str) -> Vec<String> {
        self.accounts
            .iter()
            .filter(|account| account.user == user)
            .flat_map(|account| account.domains.iter().map(|d| d.to_ascii_lowercase()))
            .collect()
    }
}

impl Server {
    /// ATRN [domain[,domain…]] (RFC 2645 §4.2).
    pub(super) fn atrn(&mut self, requested: &[String]) {
        if !self.host.atrn.enabled || !self.ehlo_session() {
            self.reply(
                ReplyKind::NotImplemented,
                "Error: ATRN is not implemented",
                "ATRN (RFC 2645) is for on-demand mail relay servers; this one does not offer it.",
            );
            return;
        }
        if self.state() != State::ExpectMail {
            self.reply(
                ReplyKind::BadSequence,
                "Error: ATRN needs EHLO and no mail transaction",
                "ATRN is allowed only after EHLO and AUTH, outside a mail transaction (RFC 2645 §4.2).",
            );
            return;
        }
        let Some(user) = self.identity.as_ref().map(|who| who.acting_as().to_owned()) else {
            self.reply(
                ReplyKind::AuthRequired,
                "Authentication required",
                "ATRN hands over a domain's mail, so the server must know who is asking: AUTH \
                 first (RFC 2645 §4.2). This is exactly what TURN lacked.",
            );
            return;
        };
        if requested.iter().any(|d| Domain::parse(d).is_err()) {
            self.reply(
                ReplyKind::SyntaxError,
                "Error: syntax: ATRN [domain[,domain]...]",
                "ATRN takes an optional comma-separated list of domains (RFC 2645 §4.2).",
            );
            return;
        }
        let owned = self.host.atrn.domains_of(&user);
        let domains = if requested.is_empty() {
            owned.clone()
        } else {
            requested.iter().map(|d| d.to_ascii_lowercase()).collect()
        };
        if let Some(foreign) = domains.iter().find(|d| !owned.contains(d)) {
            let explanation =
                format!(
                "{user} authenticated, but {foreign} is not one of its domains ({}): the server \
                 refuses rather than hand over someone else's mail.",
                if owned.is_empty() { "none".to_owned() } else { owned.join(", ") }
            );
            self.reply(
                ReplyKind::AtrnRefused,
                ReplyKind::AtrnRefused.default_text(),
                explanation,
            );
            return;
        }
        let waiting: Vec<String> = domains
            .into_iter()
            .filter(|domain| self.queued_under(domain) > 0)
            .collect();
        if waiting.is_empty() {
            self.reply_kind(ReplyKind::AtrnNoMail, ReplyKind::AtrnNoMail.explanation());
            return;
        }
        if let Some(busy) = waiting.iter().find(|d| self.queue_is_busy(d)) {
            let explanation = format!(
                "The queue for {busy} is being delivered on another connection right now, so \
                 the server cannot hand it over on this one; the client should try again later \
                 (RFC 2645 §4.2)."
            );
            let kind = ReplyKind::AtrnUnavailable;
            self.reply(kind, kind.default_text(), explanation);
            return;
        }
        let list = waiting.join(", ");
        self.reply(
            ReplyKind::AtrnReversing,
            ReplyKind::AtrnReversing.default_text(),
            format!(
                "{user} authenticated and owns {list}, which has mail waiting: the roles reverse \
                 and the mail flows back on this connection (RFC 2645 §4.2)."
            ),
        );
        self.reverse_roles(ReversalCommand::Atrn, waiting);
    }

    /// True when the host reported `domain`'s queue busy with another delivery.
    fn queue_is_busy(&self, domain: &str) -> bool {
        self.host
            .busy_domains
            .iter()
            .any(|busy| busy.eq_ignore_ascii_case(domain))
    }

    /// Messages the host reported queued for `domain`.
    fn queued_under(&self, domain: &str) -> u64 {
        self.host.outbound_queue.get(domain).copied().unwrap_or(0)
    }
}
