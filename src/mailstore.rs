//! Where accepted mail ends up in the playground: one mailbox per local recipient and one
//! outbound queue per remote domain (the queue ETRN asks to flush, RFC 1985). Filled from
//! the server engine's deliveries; serialisable so the page can show it.

use litemap::LiteMap;

use serde::Serialize;

use crate::dsn::parameters::DsnRequest;
use crate::server::{Delivery, Destination, MessageLayout};
use crate::time::Millis;

/// One copy of a message, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredMessage {
    /// The queue id the server gave the message (shared by all its copies).
    pub id: String,
    /// The envelope sender (`<>` for bounces).
    pub envelope_from: String,
    /// The envelope recipient this copy is for.
    pub recipient: String,
    /// The header field names of this copy, in order.
    pub headers: Vec<String>,
    /// Where its header fields, the trace field the receiving server added and the
    /// body sit, as offsets into its octets, and its Subject.
    pub layout: MessageLayout,
    /// True when the copy reached a Bcc recipient of the client that sent it.
    pub bcc: bool,
    /// The DSN parameters it was accepted with (RFC 3461).
    pub dsn: DsnRequest,
    /// When the server accepted it.
    pub arrived_at: Millis,
    /// The message text (lossy UTF-8 for display; 8-bit text that is not UTF-8 shows
    /// replacement characters).
    pub text: String,
    /// Its length in octets.
    pub octets: usize,
}

impl StoredMessage {
    /// The copy as the store keeps it.
    pub(crate) fn of(delivery: &Delivery) -> Self {
        Self {
            id: delivery.id.clone(),
            envelope_from: delivery.envelope_from.clone(),
            recipient: delivery.recipient.clone(),
            headers: delivery.headers.clone(),
            layout: delivery.layout.clone(),
            bcc: delivery.bcc,
            dsn: delivery.dsn.clone(),
            arrived_at: delivery.accepted_at,
            text: String::from_utf8_lossy(&delivery.message.to_vec()).into_owned(),
            octets: delivery.message.len(),
        }
    }
}

/// Mailboxes and outbound queues.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MailStore {
    /// Local mailboxes, keyed by address (domain lower-cased; local-parts are
    /// case-sensitive, RFC 5321 §2.4).
    #[serde(serialize_with = "crate::sorted_map::as_object")]
    pub mailboxes: LiteMap<String, Vec<StoredMessage>>,
    /// Outbound queues, keyed by the recipient's domain, lower-cased.
    #[serde(serialize_with = "crate::sorted_map::as_object")]
    pub outbound: LiteMap<String, Vec<StoredMessage>>,
}

impl MailStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Files one delivered copy in its mailbox or outbound queue.
    pub fn store(&mut self, delivery: &Delivery) {
        let message = StoredMessage::of(delivery);
        let (shelf, key) = match &delivery.destination {
            Destination::Mailbox => (&mut self.mailboxes, mailbox_key(&delivery.recipient)),
            Destination::Outbound { domain } => (&mut self.outbound, domain.to_ascii_lowercase()),
        };
        shelf.entry(key).or_default().push(message);
    }

    /// Puts a message the host wrote itself (a delivery status notification) in the
    /// local mailbox of its recipient.
    pub(crate) fn file_in_mailbox(&mut self, message: StoredMessage) {
        let key = mailbox_key(&message.recipient);
        self.mailboxes.entry(key).or_default().push(message);
    }

    /// The messages in a local mailbox, oldest first.
    pub fn mailbox(&self, address: &str) -> &[StoredMessage] {
        self.mailboxes
            .get(&mailbox_key(address))
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The messages queued for a remote domain, oldest first.
    pub fn queued_for(&self, domain: &str) -> &[StoredMessage] {
        self.outbound
            .get(&domain.to_ascii_lowercase())
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Removes and returns what is queued for `domain` (what an ETRN flush hands to the
    /// outbound connection).
    pub(crate) fn take_queued(&mut self, domain: &str) -> Vec<StoredMessage> {
        self.outbound
            .remove(&domain.to_ascii_lowercase())
            .unwrap_or_default()
    }
}

/// `local@Domain` → `local@domain`: domains are case-insensitive, local-parts are not.
fn mailbox_key(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_ascii_lowercase()),
        None => address.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(recipient: &str, destination: Destination) -> Delivery {
        Delivery {
            id: "ABC".into(),
            envelope_from: "<a@example.net>".into(),
            recipient: recipient.into(),
            local: destination == Destination::Mailbox,
            destination,
            headers: vec!["Received".into(), "Subject".into()],
            layout: MessageLayout::default(),
            bcc: false,
            dsn: DsnRequest::default(),
            accepted_at: 0,
            message: crate::server::CopyText::new(
                "Received: x\r\n".into(),
                std::sync::Arc::new(b"Subject: s\r\n\r\nbody\r\n".to_vec()),
            ),
        }
    }

    #[test]
    fn files_local_and_remote_copies_apart() {
        let mut store = MailStore::new();
        store.store(&delivery("Bob@Example.ORG", Destination::Mailbox));
        store.store(&delivery(
            "carol@remote.example",
            Destination::Outbound {
                domain: "Remote.Example".into(),
            },
        ));
        assert_eq!(store.mailbox("Bob@example.org").len(), 1);
        assert!(
            store.mailbox("bob@example.org").is_empty(),
            "local-part keeps its case"
        );
        assert_eq!(store.queued_for("remote.example")[0].octets, 33);
        assert_eq!(store.take_queued("REMOTE.example").len(), 1);
        assert!(store.queued_for("remote.example").is_empty());
    }
}
