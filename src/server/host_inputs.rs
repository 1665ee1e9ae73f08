//! What the host running a server session knows and the session cannot see for itself:
//! the mail queued on the host, which domains it holds mail for, who may flush what,
//! and relay permissions granted by another service (POP-before-SMTP). Sans-IO: the
//! host passes these in with [`Server::set_host_inputs`](super::Server::set_host_inputs)
//! before feeding octets; the engine never looks at a store or a clock itself.

use litemap::LiteMap;

use serde::{Deserialize, Serialize};

use super::atrn::AtrnPolicy;
use super::etrn::EtrnPolicy;

/// The host's own answer to "may this client relay?", decided outside SMTP (e.g.
/// POP-before-SMTP: a POP3 login from the same address within the last 30 minutes),
/// with the reason, which the RCPT reply's event repeats.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelayCheck {
    /// True when the host lets the client relay.
    pub allowed: bool,
    /// Why, for the RCPT event.
    pub explanation: String,
}

/// Inputs from the host. The default is an isolated server: nothing held for anyone,
/// no queue beyond what this session accepts, TURN refused, no outside relay decision.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct HostInputs {
    /// Domains whose mail this host accepts from anyone and keeps in its outbound queue
    /// until the domain's own server collects it (an ISP for dial-up customers; Postfix
    /// `relay_domains` with delivery deferred).
    pub held_domains: Vec<String>,
    /// Held domains whose own server the host cannot reach now: ETRN for them gets 458
    /// (RFC 1985 §5, "unable to queue messages for node").
    pub unreachable_domains: Vec<String>,
    /// Messages waiting in the host's outbound queue now, per domain (lower-case).
    #[serde(serialize_with = "crate::sorted_map::as_object")]
    pub outbound_queue: LiteMap<String, u64>,
    /// Who may flush which node with ETRN, and how the reply reads.
    pub etrn: EtrnPolicy,
    /// Answer TURN as RFC 821 did (roles reverse for whoever claims a domain) instead
    /// of 502 (RFC 5321 Appendix F.1). For demonstrating the hole only.
    pub legacy_turn: bool,
    /// On-Demand Mail Relay: whether ATRN is offered and which domains each account
    /// may collect.
    pub atrn: AtrnPolicy,
    /// The host's relay decision for this client, if it makes one.
    pub relay_check: Option<RelayCheck>,
    /// Domains whose queue is being delivered on another connection right now (a flush
    /// in progress): ATRN for them gets 451, "unable to process now" (RFC 2645 §4.2).
    pub busy_domains: Vec<String>,
}

impl HostInputs {
    /// True when the host's own relay decision lets the client relay.
    pub(crate) fn relay_allowed(&self) -> bool {
        self.relay_check.as_ref().is_some_and(|check| check.allowed)
    }

    /// True if the host holds mail for `domain` (case-insensitive).
    pub fn holds(&self, domain: &str) -> bool {
        self.held_domains
            .iter()
            .any(|held| held.eq_ignore_ascii_case(domain))
    }

    /// True if the host holds mail for `domain` or one of its subdomains.
    pub(crate) fn holds_under(&self, domain: &str) -> bool {
        self.held_domains
            .iter()
            .any(|held| is_same_or_subdomain(held, domain))
    }
}

/// True when `name` is `parent` or ends with `.parent` (case-insensitive).
pub(crate) fn is_same_or_subdomain(name: &str, parent: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let parent = parent.to_ascii_lowercase();
    name == parent || name.ends_with(&format!(".{parent}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomain_match_needs_a_label_boundary() {
        assert!(is_same_or_subdomain("dialup.example", "example"));
        assert!(is_same_or_subdomain("Example", "example"));
        assert!(!is_same_or_subdomain("badexample", "example"));
        let inputs = HostInputs {
            held_domains: vec!["dialup.example".into()],
            ..HostInputs::default()
        };
        assert!(inputs.holds("DIALUP.example"));
        assert!(inputs.holds_under("example"));
        assert!(!inputs.holds("example"));
    }
}
