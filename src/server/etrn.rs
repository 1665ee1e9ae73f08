//! ETRN (RFC 1985): a client asks the server to start delivering the mail it holds for
//! a node. The server does not deliver on this connection: it answers, and the host
//! opens a new connection to the node's server (as Postfix's flush service does). The
//! engine says which queues to flush in a typed [`ServerEventKind::FlushRequested`]
//! event; what is queued comes from the host ([`HostInputs`](super::HostInputs)) plus
//! what this session itself accepted.

use serde::{Deserialize, Serialize};

use super::event::ServerEventKind;
use super::host_inputs::is_same_or_subdomain;
use super::session::Server;
use super::state::State;
use crate::protocol::{Domain, ReplyKind};

/// Longest queue name accepted after `#` (a domain's length limit).
pub const MAX_QUEUE_NAME: usize = 255;

/// What an ETRN argument names (RFC 1985 §3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "name", rename_all = "camelCase")]
pub enum EtrnTarget {
    /// `ETRN dialup.example`: that domain's queue.
    Domain(String),
    /// `ETRN @example`: the domain and every subdomain.
    WithSubdomains(String),
    /// `ETRN #name`: a queue by the server's own name for it.
    Queue(String),
}

/// Why an ETRN argument was refused (answered 501).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum EtrnArgumentError {
    /// Nothing after the verb, or only `@` / `#`.
    Empty,
    /// The domain does not follow RFC 5321's grammar; the text says why.
    BadDomain(String),
    /// A queue name with spaces, control or 8-bit octets, or over [`MAX_QUEUE_NAME`].
    BadQueueName,
}

impl core::fmt::Display for EtrnArgumentError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Empty => f.write_str("no node named"),
            Self::BadDomain(why) => write!(f, "not a domain: {why}"),
            Self::BadQueueName => write!(
                f,
                "a queue name is 1 to {MAX_QUEUE_NAME} printable characters without spaces"
            ),
        }
    }
}

/// Parses `domain`, `@domain` or `#queue`. Never panics, whatever the input.
pub fn parse_etrn_argument(argument: &str) -> Result<EtrnTarget, EtrnArgumentError> {
    let argument = argument.trim();
    if let Some(queue) = argument.strip_prefix('#') {
        return match queue {
            "" => Err(EtrnArgumentError::Empty),
            q if q.len() <= MAX_QUEUE_NAME && q.bytes().all(|b| b.is_ascii_graphic()) => {
                Ok(EtrnTarget::Queue(q.to_owned()))
            }
            _ => Err(EtrnArgumentError::BadQueueName),
        };
    }
    let (name, with_subdomains) = match argument.strip_prefix('@') {
        Some(name) => (name, true),
        None => (argument, false),
    };
    if name.is_empty() {
        return Err(EtrnArgumentError::Empty);
    }
    let domain = Domain::parse(name)
        .map_err(|e| EtrnArgumentError::BadDomain(e.to_string()))?
        .into_string()
        .to_ascii_lowercase();
    Ok(if with_subdomains {
        EtrnTarget::WithSubdomains(domain)
    } else {
        EtrnTarget::Domain(domain)
    })
}

/// One client's ETRN permission.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EtrnGrant {
    /// The client's address, as the transport reports it.
    pub client: String,
    /// Domains it may flush (subdomains included).
    pub nodes: Vec<String>,
}

/// Who may flush what, and how much the reply says.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EtrnPolicy {
    /// Per-client permissions. Empty: any client may flush any node the server holds
    /// mail for (Postfix's default; ETRN only speeds up what would happen anyway).
    pub grants: Vec<EtrnGrant>,
    /// Answer 252 without the count instead of 253 with it.
    pub hide_counts: bool,
}

impl EtrnPolicy {
    /// True when `client` may flush `node`.
    pub fn allows(&self, client: &str, node: &str) -> bool {
        self.grants.is_empty()
            || self.grants.iter().any(|grant| {
                grant.client.eq_ignore_ascii_case(client)
                    && grant
                        .nodes
                        .iter()
                        .any(|allowed| is_same_or_subdomain(node, allowed))
            })
    }
}

impl Server {
    /// ETRN (RFC 1985 §3–§5).
    pub(super) fn etrn(&mut self, argument: &str) {
        if !self.config.extensions.etrn || !self.ehlo_session() {
            self.reply(
                ReplyKind::NotImplemented,
                "Error: ETRN not offered",
                "ETRN was not listed in the EHLO reply, so it may not be used (RFC 1985 §3).",
            );
            return;
        }
        if self.state() != State::ExpectMail {
            self.reply(
                ReplyKind::BadSequence,
                "Error: MAIL transaction in progress",
                "ETRN may not be sent inside a mail transaction (RFC 1985 §3).",
            );
            return;
        }
        match parse_etrn_argument(argument) {
            Ok(EtrnTarget::Queue(name)) => self.etrn_queue(&name),
            Ok(EtrnTarget::Domain(name)) => self.etrn_node(&name, argument, false),
            Ok(EtrnTarget::WithSubdomains(name)) => self.etrn_node(&name, argument, true),
            Err(error) => self.reply(
                ReplyKind::SyntaxError,
                "Error: syntax: ETRN <domain> | @<domain> | #<queue>",
                format!(
                    "ETRN takes a domain, @domain for it and its subdomains, or #queue; here: \
                     {error} (RFC 1985 §3)."
                ),
            ),
        }
    }

    fn etrn_queue(&mut self, name: &str) {
        let queue = name.to_ascii_lowercase();
        let waiting = self.waiting_in(&queue, false);
        let allowed = self.etrn_allowed(&queue);
        let unreachable = self.is_unreachable(&queue);
        if waiting.is_empty() || !allowed || unreachable {
            let shown = name.get(..64).unwrap_or(name);
            let why = if !allowed {
                "this client may not run that queue"
            } else if unreachable {
                "the server that queue goes to cannot be reached now"
            } else {
                "this server has no queue of that name with mail in it"
            };
            self.reply(
                ReplyKind::EtrnUnableToQueue,
                format!("Unable to queue messages for node #{shown}"),
                format!(
                    "{} Here: {why}.",
                    ReplyKind::EtrnUnableToQueue.explanation()
                ),
            );
            return;
        }
        self.reply(
            ReplyKind::EtrnQueueStarted,
            format!("OK, queuing for node #{queue} started"),
            ReplyKind::EtrnQueueStarted.explanation(),
        );
        self.request_flush(waiting);
    }

    fn etrn_node(&mut self, name: &str, argument: &str, with_subdomains: bool) {
        let argument = argument.trim();
        if let Some(refusal) = self.etrn_refusal(name, with_subdomains) {
            self.reply(
                ReplyKind::EtrnNodeNotAllowed,
                format!("Node {argument} not allowed: {refusal}"),
                format!(
                    "{} Here: {refusal}.",
                    ReplyKind::EtrnNodeNotAllowed.explanation()
                ),
            );
            return;
        }
        let waiting = self.waiting_in(name, with_subdomains);
        let unreachable: Vec<&str> = waiting
            .iter()
            .map(|(domain, _)| domain.as_str())
            .filter(|domain| self.is_unreachable(domain))
            .collect();
        if !waiting.is_empty() && unreachable.len() == waiting.len() {
            let explanation = format!(
                "{} Here: mail is waiting, but the server for {} cannot be reached now.",
                ReplyKind::EtrnUnableToQueue.explanation(),
                unreachable.join(", ")
            );
            self.reply(
                ReplyKind::EtrnUnableToQueue,
                format!("Unable to queue messages for node {argument}"),
                explanation,
            );
            return;
        }
        let pending = waiting
            .iter()
            .map(|(_, count)| *count)
            .fold(0, u64::saturating_add);
        if pending == 0 {
            self.reply(
                ReplyKind::EtrnNoMessages,
                format!("No messages waiting for node {argument}"),
                ReplyKind::EtrnNoMessages.explanation(),
            );
            return;
        }
        if self.host.etrn.hide_counts {
            self.reply(
                ReplyKind::EtrnPendingStartedUncounted,
                format!("OK, pending messages for node {argument} started"),
                ReplyKind::EtrnPendingStartedUncounted.explanation(),
            );
        } else {
            self.reply(
                ReplyKind::EtrnPendingStarted,
                format!("{pending} pending messages for node {argument} started"),
                ReplyKind::EtrnPendingStarted.explanation(),
            );
        }
        self.request_flush(waiting);
    }

    /// Why this client may not flush `name`, if it may not.
    fn etrn_refusal(&self, name: &str, with_subdomains: bool) -> Option<String> {
        if self.config.is_local_domain(name) {
            return Some("mail for it is delivered locally".into());
        }
        let inputs = &self.host;
        let held = if with_subdomains {
            inputs.holds_under(name)
        } else {
            inputs.holds(name)
        };
        if !inputs.held_domains.is_empty() && !held {
            return Some("this server holds no mail for it".into());
        }
        if !self.etrn_allowed(name) {
            return Some(format!("{} may not flush it", self.peer.address));
        }
        None
    }

    /// True when the host said it cannot reach `domain`'s server now.
    fn is_unreachable(&self, domain: &str) -> bool {
        self.host
            .unreachable_domains
            .iter()
            .any(|unreachable| unreachable.eq_ignore_ascii_case(domain))
    }

    fn etrn_allowed(&self, node: &str) -> bool {
        self.host.etrn.allows(&self.peer.address, node)
    }

    /// The queues under `name` with mail in them: what the host reported plus what this
    /// session accepted since.
    fn waiting_in(&self, name: &str, with_subdomains: bool) -> Vec<(String, u64)> {
        let mut counts = self.host.outbound_queue.clone();
        for (domain, count) in &self.queued {
            let entry = counts.entry(domain.clone()).or_insert(0);
            *entry = entry.saturating_add(*count);
        }
        counts
            .into_iter()
            .filter(|(domain, count)| {
                *count > 0
                    && if with_subdomains {
                        is_same_or_subdomain(domain, name)
                    } else {
                        domain.eq_ignore_ascii_case(name)
                    }
            })
            .collect()
    }

    fn request_flush(&mut self, waiting: Vec<(String, u64)>) {
        let domains: Vec<String> = waiting.into_iter().map(|(domain, _)| domain).collect();
        let list = domains.join(", ");
        self.emit(
            ServerEventKind::FlushRequested { domains },
            format!(
                "The host now opens a new connection to the server for {list} and delivers \
                 the queued mail there; this connection is not used for it."
            ),
            "RFC 1985 §4",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_arguments_are_refused_with_a_reason() {
        let table: &[(&str, EtrnArgumentError)] = &[
            ("", EtrnArgumentError::Empty),
            ("@", EtrnArgumentError::Empty),
            ("#", EtrnArgumentError::Empty),
            ("#two words", EtrnArgumentError::BadQueueName),
            ("#caf\u{e9}", EtrnArgumentError::BadQueueName),
        ];
        for (input, expected) in table {
            assert_eq!(
                parse_etrn_argument(input).as_ref(),
                Err(expected),
                "{input:?}"
            );
        }
        let long_queue = format!("#{}", "q".repeat(MAX_QUEUE_NAME + 1));
        assert_eq!(
            parse_etrn_argument(&long_queue),
            Err(EtrnArgumentError::BadQueueName)
        );
        for bad_domain in [
            "bad..name",
            "-x.example",
            "a b",
            "@@example",
            "@x..y",
            "x.example.",
        ] {
            assert!(
                matches!(
                    parse_etrn_argument(bad_domain),
                    Err(EtrnArgumentError::BadDomain(_))
                ),
                "{bad_domain:?} → {:?}",
                parse_etrn_argument(bad_domain)
            );
        }
    }

    #[test]
    fn good_arguments_name_their_target() {
        assert_eq!(
            parse_etrn_argument("Dialup.Example"),
            Ok(EtrnTarget::Domain("dialup.example".into()))
        );
        assert_eq!(
            parse_etrn_argument("@example"),
            Ok(EtrnTarget::WithSubdomains("example".into()))
        );
        assert_eq!(
            parse_etrn_argument("#dialup.example"),
            Ok(EtrnTarget::Queue("dialup.example".into()))
        );
    }

    #[test]
    fn grants_limit_nodes_per_client() {
        let policy = EtrnPolicy {
            grants: vec![EtrnGrant {
                client: "203.0.113.20".into(),
                nodes: vec!["dialup.example".into()],
            }],
            hide_counts: false,
        };
        assert!(policy.allows("203.0.113.20", "dialup.example"));
        assert!(policy.allows("203.0.113.20", "mx.dialup.example"));
        assert!(!policy.allows("203.0.113.20", "other.example"));
        assert!(!policy.allows("198.51.100.5", "dialup.example"));
        assert!(EtrnPolicy::default().allows("anyone", "anything"));
    }
}
