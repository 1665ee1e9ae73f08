//! A host while the world runs: its spec, its mail store and its POP-before-SMTP relay
//! window. It turns its state into the inputs its engines take (sans-IO: the engines
//! never see the store or the window themselves).

use litemap::LiteMap;

use super::HostSpec;
use crate::client::RelayMessage;
use crate::mailstore::{MailStore, StoredMessage};
use crate::pop3::{Pop3Config, RelayDecision, RelayWindow, UpdateOutcome};
use crate::server::{HostInputs, RelayCheck, ServerConfig};
use crate::time::Millis;

/// One machine's running state.
#[derive(Debug)]
pub(super) struct Host {
    pub spec: HostSpec,
    pub store: MailStore,
    pub relay_window: RelayWindow,
}

impl Host {
    pub fn new(spec: HostSpec) -> Self {
        let relay_window = RelayWindow::new(spec.relay_window_ms);
        Self {
            spec,
            store: MailStore::new(),
            relay_window,
        }
    }

    pub fn name(&self) -> &str {
        &self.spec.name
    }

    pub fn smtp(&self) -> Option<&ServerConfig> {
        self.spec.smtp.as_ref()
    }

    /// True when this host's SMTP server delivers `domain` locally.
    pub fn serves(&self, domain: &str) -> bool {
        self.smtp()
            .is_some_and(|config| config.is_local_domain(domain))
    }

    /// The relay decision for `address` now, when this host runs POP-before-SMTP.
    pub(crate) fn relay_decision(&self, address: &str, now: Millis) -> Option<RelayDecision> {
        self.spec
            .pop_before_smtp
            .then(|| self.relay_window.decide(address, now))
    }

    /// What this host's SMTP server is told for a session with `peer` at `now`.
    pub(crate) fn server_inputs(&self, peer: &str, now: Millis) -> HostInputs {
        let mut outbound_queue = LiteMap::new();
        for (domain, copies) in &self.store.outbound {
            outbound_queue.insert(domain.clone(), copies.len() as u64);
        }
        HostInputs {
            held_domains: self.spec.held_domains.clone(),
            outbound_queue,
            unreachable_domains: Vec::new(),
            etrn: self.spec.etrn.clone(),
            legacy_turn: self.spec.legacy_turn,
            atrn: self.spec.atrn.clone(),
            relay_check: self.relay_decision(peer, now).map(|decision| RelayCheck {
                allowed: decision.allowed,
                explanation: decision.explanation,
            }),
            // Connections run one after another here, so no queue is ever mid-delivery.
            busy_domains: Vec::new(),
        }
    }

    /// The POP3 configuration with each user's maildrop filled from the mailbox of the
    /// same name in the store (after the messages the spec gives).
    pub fn pop3_config(&self) -> Option<Pop3Config> {
        let mut config = self.spec.pop3.clone()?;
        for user in &mut config.users {
            let stored = self.store.mailbox(&user.name);
            user.messages
                .extend(stored.iter().map(|m| m.text.clone().into_bytes()));
        }
        Some(config)
    }

    /// A POP3 session's UPDATE state removed messages: drop them from the store too.
    /// Indices count the spec's fixed messages first, then the stored mailbox's (as
    /// [`Host::pop3_config`] lists them); only stored messages can go.
    pub(crate) fn apply_pop3_update(&mut self, outcome: &UpdateOutcome) -> usize {
        let fixed = self
            .spec
            .pop3
            .as_ref()
            .and_then(|config| config.user(&outcome.user))
            .map_or(0, |user| user.messages.len());
        let key = mailbox_key(&outcome.user);
        let Some(mailbox) = self.store.mailboxes.get_mut(&key) else {
            return 0;
        };
        let mut removed = 0;
        for index in outcome.deleted.iter().rev() {
            if let Some(stored) = index.checked_sub(fixed).filter(|i| *i < mailbox.len()) {
                mailbox.remove(stored);
                removed += 1;
            }
        }
        removed
    }

    /// Removes and returns every copy queued for `domains`.
    pub(crate) fn take_queued(&mut self, domains: &[String]) -> Vec<StoredMessage> {
        domains
            .iter()
            .flat_map(|domain| self.store.take_queued(domain))
            .collect()
    }

    /// Puts copies back in the queue of their recipient's domain.
    pub(crate) fn restore(&mut self, copies: Vec<StoredMessage>) {
        for copy in copies {
            let domain = copy
                .recipient
                .rsplit_once('@')
                .map(|(_, domain)| domain.to_ascii_lowercase())
                .unwrap_or_default();
            self.store.outbound.entry(domain).or_default().push(copy);
        }
    }
}

/// The store's key for a mailbox: the domain lower-cased, the local-part as is.
fn mailbox_key(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_ascii_lowercase()),
        None => address.to_owned(),
    }
}

/// Queued copies → messages to relay: the copies of one message (same queue id and
/// sender) go in one transaction with all their recipients, in queue order.
pub(super) fn batch(copies: &[StoredMessage]) -> Vec<RelayMessage> {
    let mut messages: Vec<(String, RelayMessage)> = Vec::new();
    for copy in copies {
        let same = messages
            .iter_mut()
            .find(|(id, m)| *id == copy.id && m.envelope_from == copy.envelope_from);
        match same {
            Some((_, message)) => {
                message.recipients.push(copy.recipient.clone());
                message.recipient_dsn.push(copy.dsn.rcpt.clone());
            }
            None => messages.push((
                copy.id.clone(),
                RelayMessage {
                    envelope_from: copy.envelope_from.clone(),
                    recipients: vec![copy.recipient.clone()],
                    text: copy.text.clone().into_bytes(),
                    dsn: copy.dsn.mail.clone(),
                    recipient_dsn: vec![copy.dsn.rcpt.clone()],
                },
            )),
        }
    }
    messages.into_iter().map(|(_, message)| message).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy(id: &str, recipient: &str) -> StoredMessage {
        StoredMessage {
            id: id.into(),
            envelope_from: "<a@example.net>".into(),
            recipient: recipient.into(),
            headers: Vec::new(),
            layout: Default::default(),
            bcc: false,
            dsn: Default::default(),
            arrived_at: 0,
            text: "Subject: x\r\n\r\nhi\r\n".into(),
            octets: 17,
        }
    }

    #[test]
    fn copies_of_one_message_share_a_transaction() {
        let copies = [
            copy("A", "bob@dialup.example"),
            copy("B", "carol@dialup.example"),
            copy("A", "dave@dialup.example"),
        ];
        let messages = batch(&copies);
        assert_eq!(messages.len(), 2);
        assert_eq!(
            messages[0].recipients,
            ["bob@dialup.example", "dave@dialup.example"]
        );
        assert_eq!(messages[1].recipients, ["carol@dialup.example"]);
    }
}
