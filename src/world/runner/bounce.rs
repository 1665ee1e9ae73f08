//! Delivery status notifications in the world (RFC 3461 §6, RFC 3464). After a host
//! tried to pass queued mail on, it reports to each sender: `failed` for a recipient
//! the next host refused for good (5yz), and `relayed` for one whose sender asked
//! NOTIFY=SUCCESS when the next host does not offer DSN, so no later report can come
//! (RFC 3461 §5.2.3). A host that files a copy in a local mailbox reports `delivered`
//! when its sender asked NOTIFY=SUCCESS. No report goes to the null reverse-path `<>`
//! (a notification never causes another) nor for NOTIFY=NEVER.
//!
//! The report goes where the sender's mail goes: into the reporting host's own mailbox
//! for the sender when it serves the sender's domain, else over a new connection, from
//! `<>`, to the host that serves it; with no such host it stays in the reporting
//! host's queue.

use super::World;
use crate::client::{Outcome, Refusal};
use crate::dsn::{build_report, Action, RecipientReport, ReportInput};
use crate::entropy::Entropy;
use crate::mailstore::StoredMessage;
use crate::protocol::{EnhancedCode, ReplyClass};
use crate::server::{Delivery, Destination};
use crate::world::timeline::{ConnectionId, ConnectionKind, WorldEvent};

/// What became of one copy, as a report says it.
struct Reported<'a> {
    copy: &'a StoredMessage,
    action: Action,
    refusal: Option<&'a Refusal>,
}

impl World {
    /// Splits what `reporting` tried to deliver to `remote` on connection `id`: copies
    /// refused for good are reported to their senders and leave the queue; the other
    /// failures are returned, to go back in the queue for a later try.
    pub(super) fn report_relay(
        &mut self,
        id: ConnectionId,
        (reporting, remote): (usize, usize),
        copies: Vec<StoredMessage>,
        outcome: &Outcome,
        dsn_offered: bool,
    ) -> Vec<StoredMessage> {
        let permanent: Vec<&Refusal> = outcome
            .refused
            .iter()
            .chain(&outcome.refused_message)
            .filter(|r| r.code.class() == ReplyClass::PermanentNegative)
            .collect();
        let mut reported = Vec::new();
        let mut retry = Vec::new();
        for copy in &copies {
            let refusal = permanent
                .iter()
                .find(|r| r.address == copy.recipient)
                .copied();
            let failed = refusal.is_some();
            let delivered = outcome.delivered.contains(&copy.recipient);
            let notify = copy.dsn.rcpt.notify_or_default();
            if failed && notify.on_failure() {
                reported.push(Reported {
                    copy,
                    action: Action::Failed,
                    refusal,
                });
            } else if delivered && !dsn_offered && notify.on_success() {
                reported.push(Reported {
                    copy,
                    action: Action::Relayed,
                    refusal: None,
                });
            }
            if !failed && !delivered {
                retry.push(copy.clone());
            }
        }
        let remote_name = self.host_name(remote);
        let notices = self.write_reports(id, reporting, Some(&remote_name), &reported);
        self.send_notices(id, reporting, notices);
        retry
    }

    /// `host` filed `deliveries` on connection `id`: the copies it put in a local
    /// mailbox whose sender asked NOTIFY=SUCCESS get a `delivered` report.
    pub(super) fn report_deliveries(
        &mut self,
        id: ConnectionId,
        host: usize,
        deliveries: &[Delivery],
    ) {
        let copies: Vec<StoredMessage> = deliveries
            .iter()
            .filter(|d| d.destination == Destination::Mailbox)
            .filter(|d| d.dsn.rcpt.notify_or_default().on_success())
            .map(StoredMessage::of)
            .collect();
        let reported: Vec<Reported<'_>> = copies
            .iter()
            .map(|copy| Reported {
                copy,
                action: Action::Delivered,
                refusal: None,
            })
            .collect();
        let notices = self.write_reports(id, host, None, &reported);
        self.send_notices(id, host, notices);
    }

    /// One report per original message (copies sharing queue id and sender), to
    /// senders other than `<>`.
    fn write_reports(
        &mut self,
        id: ConnectionId,
        reporting: usize,
        remote: Option<&str>,
        reported: &[Reported<'_>],
    ) -> Vec<StoredMessage> {
        let mut messages: Vec<Vec<&Reported<'_>>> = Vec::new();
        for item in reported.iter().filter(|r| sender(r.copy).is_some()) {
            let same = messages.iter_mut().find(|group| {
                group.first().is_some_and(|first| {
                    first.copy.id == item.copy.id
                        && first.copy.envelope_from == item.copy.envelope_from
                })
            });
            match same {
                Some(group) => group.push(item),
                None => messages.push(vec![item]),
            }
        }
        let host = self.host_name(reporting);
        let mut notices = Vec::new();
        for (index, group) in messages.iter().enumerate() {
            let seed = self.seed_for(id) ^ (index as u64).wrapping_add(0xD5_u64 << 32);
            if let Some(notice) = self.write_report(&host, remote, group, seed, id) {
                notices.push(notice);
            }
        }
        notices
    }

    fn write_report(
        &mut self,
        host: &str,
        remote: Option<&str>,
        group: &[&Reported<'_>],
        seed: u64,
        id: ConnectionId,
    ) -> Option<StoredMessage> {
        let first = group.first()?.copy;
        let to = sender(first)?;
        let input = ReportInput {
            reporting_mta: host.to_owned(),
            sender: to.clone(),
            envelope_id: first.dsn.mail.envid.clone(),
            ret: first.dsn.mail.ret,
            received_from_mta: None,
            arrival: first.arrived_at,
            date: self.now,
            recipients: group
                .iter()
                .map(|item| recipient_report(item, remote, self.now))
                .collect(),
            original: first.text.as_bytes().to_vec(),
            seed,
        };
        let octets = build_report(&input);
        let action = group.first().map_or(Action::Failed, |item| item.action);
        let about: Vec<String> = group.iter().map(|i| i.copy.recipient.clone()).collect();
        self.note(
            Some(id),
            WorldEvent::NotificationWritten {
                host: host.to_owned(),
                to: to.clone(),
                action,
                recipients: about.clone(),
            },
            format!(
                "{host} writes a delivery status notification to {to}: {action} for {}. It is \
                 a multipart/report with a note, the machine-readable message/delivery-status \
                 part and the returned {}, sent from <> so it can never cause another.",
                about.join(", "),
                if action == Action::Failed && input.ret != Some(crate::dsn::Ret::Hdrs) {
                    "message"
                } else {
                    "headers"
                }
            ),
            "RFC 3464 §2",
        );
        let text = String::from_utf8_lossy(&octets).into_owned();
        Some(StoredMessage {
            id: Entropy::from_seed(seed).hex_upper(10),
            envelope_from: "<>".into(),
            recipient: to,
            headers: crate::server::headers::field_names(&octets),
            dsn: Default::default(),
            arrived_at: self.now,
            octets: octets.len(),
            text,
        })
    }

    /// Files each notice in the mailbox of its recipient: here when this host serves
    /// the domain, else over a new connection to the host that does.
    fn send_notices(
        &mut self,
        trigger: ConnectionId,
        reporting: usize,
        notices: Vec<StoredMessage>,
    ) {
        let mut remote: Vec<(usize, Vec<StoredMessage>)> = Vec::new();
        for notice in notices {
            let domain = domain_of(&notice.recipient);
            let target = self.hosts.iter().position(|h| h.serves(&domain));
            match target {
                Some(index) if index == reporting => {
                    if let Some(host) = self.hosts.get_mut(reporting) {
                        host.store.file_in_mailbox(notice);
                    }
                }
                Some(index) => match remote.iter_mut().find(|(i, _)| *i == index) {
                    Some((_, batch)) => batch.push(notice),
                    None => remote.push((index, vec![notice])),
                },
                None => {
                    let what = format!(
                        "No server in this world takes mail for {domain}, so the notification \
                         stays in {}'s queue.",
                        self.host_name(reporting)
                    );
                    self.problem(trigger, what, "RFC 3461 §6.2");
                    if let Some(host) = self.hosts.get_mut(reporting) {
                        host.restore(vec![notice]);
                    }
                }
            }
        }
        for (target, batch) in remote {
            if self.connections.len() >= super::MAX_CONNECTIONS {
                self.truncated = true;
                break;
            }
            let purpose = format!(
                "returning delivery status notifications from connection {trigger} to {}",
                batch
                    .iter()
                    .map(|n| n.recipient.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let id = self.open(
                reporting,
                target,
                ConnectionKind::Bounce,
                &purpose,
                Some(trigger),
            );
            self.relay_leg(id, reporting, target, batch);
            self.close(id);
        }
    }
}

/// The sender to report to, without brackets; `None` for `<>`.
fn sender(copy: &StoredMessage) -> Option<String> {
    let address = copy
        .envelope_from
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>');
    (!address.is_empty()).then(|| address.to_owned())
}

fn domain_of(address: &str) -> String {
    address
        .rsplit_once('@')
        .map(|(_, domain)| domain.to_ascii_lowercase())
        .unwrap_or_default()
}

fn recipient_report(
    item: &Reported<'_>,
    remote: Option<&str>,
    now: crate::time::Millis,
) -> RecipientReport {
    let (status, diagnostic) = match item.refusal {
        Some(refusal) => {
            let status = refusal.enhanced.unwrap_or(EnhancedCode::new(5, 0, 0));
            let enhanced = refusal
                .enhanced
                .map(|e| format!(" {e}"))
                .unwrap_or_default();
            let said = format!("{}{enhanced} {}", refusal.code.value(), refusal.text);
            (status, Some(said))
        }
        None => (EnhancedCode::new(2, 0, 0), None),
    };
    RecipientReport {
        final_recipient: item.copy.recipient.clone(),
        original_recipient: item.copy.dsn.rcpt.orcpt.clone(),
        action: item.action,
        status,
        remote_mta: remote.map(str::to_owned),
        diagnostic,
        last_attempt: Some(now),
        will_retry_until: None,
    }
}
