//! Where the world's delivery status notifications come from and where they go (RFC
//! 3461 §6, RFC 3464). Every caller says what became of its copies and this one path
//! writes the notices ([`super::super::notice`]) and files them: after a host tried to
//! pass queued mail on (by MX or to a host that serves the domain), copies refused for
//! good (5yz at RCPT or after the message text, or kept back by the client because the
//! next host must not get them: over its SIZE, no 8BITMIME or SMTPUTF8) are `failed`,
//! and copies taken by a host that does not offer DSN are `relayed` for a sender who
//! asked NOTIFY=SUCCESS (RFC 3461 §5.2.3); a host that files a copy in a local mailbox
//! reports `delivered` on NOTIFY=SUCCESS; the router's own give-ups (null MX, NXDOMAIN,
//! expiry) are `failed`, and mail still queued past the warning time is `delayed`.
//!
//! A notice goes where the sender's mail goes: into the reporting host's own mailbox
//! when it serves the sender's domain; into its queue, to be routed by MX like any
//! mail, when the zone knows the domain; else over a new connection, from `<>`, to the
//! host that serves it; with no such host it stays in the reporting host's queue.

use super::super::notice::{notices, CopyReport, Notice, Reason, Reporter};
use super::super::routing::Failure;
use super::World;
use crate::client::{Choice, Outcome, Refusal};
use crate::dsn::Action;
use crate::mailstore::StoredMessage;
use crate::protocol::{EnhancedCode, ReplyClass};
use crate::server::{Delivery, Destination};
use crate::time::Millis;
use crate::world::timeline::{ConnectionId, ConnectionKind, WorldEvent};

impl World {
    /// Settles what `reporting` tried to deliver to `remote` on connection `id`: copies
    /// refused for good, or kept back by the client because `remote` must not get them
    /// (over its SIZE, say), bounce, copies taken by a host without DSN are reported
    /// `relayed`, and the rest (4yz, or never accepted) are returned, to be tried
    /// elsewhere or later.
    pub(super) fn settle(
        &mut self,
        id: ConnectionId,
        (reporting, remote): (usize, usize),
        copies: Vec<StoredMessage>,
        outcome: &Outcome,
        dsn_offered: bool,
    ) -> Vec<StoredMessage> {
        let remote_name = self.host_name(remote);
        let mut refused = Vec::new();
        let mut relayed = Vec::new();
        let mut kept_back: Vec<(Failure, Vec<(StoredMessage, Reason)>)> = Vec::new();
        let mut temporary = Vec::new();
        for copy in copies {
            if outcome.delivered.contains(&copy.recipient) {
                if !dsn_offered {
                    relayed.push(CopyReport {
                        copy,
                        action: Action::Relayed,
                        reason: None,
                        remote_mta: Some(remote_name.clone()),
                    });
                }
                continue;
            }
            if let Some(refusal) = permanent_refusal(outcome, &copy) {
                refused.push((copy, Reason::from_refusal(refusal)));
            } else if let Some(failure) = withheld_for_good(outcome, &copy, &remote_name) {
                let reason = Reason::own(&failure.reply, failure.status);
                match kept_back.iter_mut().find(|(f, _)| *f == failure) {
                    Some((_, same)) => same.push((copy, reason)),
                    None => kept_back.push((failure, vec![(copy, reason)])),
                }
            } else {
                temporary.push(copy);
            }
        }
        let mut reports = self.give_up(reporting, refused, Some(&remote_name), None, Some(id));
        for (failure, failed) in kept_back {
            reports.extend(self.give_up(reporting, failed, None, Some(&failure), Some(id)));
        }
        reports.extend(relayed);
        self.notify(Some(id), reporting, &reports, None);
        temporary
    }

    /// Records that `host` gives up on `failed` (one `Bounced` event, noted even for a
    /// sender of `<>`, who gets no notice, RFC 5321 §4.5.5) and returns them as
    /// `failed` reports. `failure` is the host's own reason when no exchanger was
    /// asked; otherwise `remote`'s reply refused them.
    pub(super) fn give_up(
        &mut self,
        host: usize,
        failed: Vec<(StoredMessage, Reason)>,
        remote: Option<&str>,
        failure: Option<&Failure>,
        connection: Option<ConnectionId>,
    ) -> Vec<CopyReport> {
        let Some((_, first)) = failed.first() else {
            return Vec::new();
        };
        let (reply, status) = (first.reply.clone().unwrap_or_default(), first.status);
        let name = self.host_name(host);
        let recipients: Vec<String> = failed.iter().map(|(c, _)| c.recipient.clone()).collect();
        let mut senders: Vec<&str> = Vec::new();
        for (copy, _) in &failed {
            if !senders.contains(&copy.envelope_from.as_str()) {
                senders.push(&copy.envelope_from);
            }
        }
        let why = failure.map_or_else(
            || {
                format!(
                    "The reply was {reply}: a permanent failure, so the mail goes to no other \
                     exchanger and is not retried."
                )
            },
            |f| f.explanation.clone(),
        );
        let explanation = format!(
            "{why} {name} returns the mail for {} to {} with a delivery status notification \
             (status {status}).",
            recipients.join(", "),
            senders.join(", ")
        );
        let rfc = failure.map_or("RFC 5321 §4.2.1", |f| f.rfc);
        let event = WorldEvent::Bounced {
            host: name,
            recipients,
            status: status.to_string(),
            reply,
        };
        self.note(connection, event, explanation, rfc);
        failed
            .into_iter()
            .map(|(copy, reason)| CopyReport {
                copy,
                action: Action::Failed,
                reason: Some(reason),
                remote_mta: remote.map(str::to_owned),
            })
            .collect()
    }

    /// `host` filed `deliveries` on connection `id`: the copies it put in a local
    /// mailbox whose sender asked NOTIFY=SUCCESS get a `delivered` report.
    pub(super) fn report_deliveries(
        &mut self,
        id: ConnectionId,
        host: usize,
        deliveries: &[Delivery],
    ) {
        let reports: Vec<CopyReport> = deliveries
            .iter()
            .filter(|d| d.destination == Destination::Mailbox)
            .map(|d| CopyReport {
                copy: StoredMessage::of(d),
                action: Action::Delivered,
                reason: None,
                remote_mta: None,
            })
            .collect();
        self.notify(Some(id), host, &reports, None);
    }

    /// Writes the notices `reporting` owes for `reports` (only those their senders
    /// asked for), notes each, and files them.
    pub(super) fn notify(
        &mut self,
        connection: Option<ConnectionId>,
        reporting: usize,
        reports: &[CopyReport],
        will_retry_until: Option<Millis>,
    ) {
        if reports.is_empty() {
            return;
        }
        let name = self.host_name(reporting);
        let reporter = Reporter {
            mta: &name,
            now: self.now,
            will_retry_until,
            seed: self.seed ^ (self.entries.len() as u64).wrapping_mul(0xD1B5_4A32_D192_ED03),
        };
        let written = notices(&reporter, reports);
        for notice in &written {
            let (explanation, rfc) = notice.explanation(&reporter);
            let event = WorldEvent::NotificationWritten {
                host: name.clone(),
                to: notice.to.clone(),
                action: notice.action,
                recipients: notice.recipients.clone(),
            };
            self.note(connection, event, explanation, rfc);
        }
        self.file_notices(connection, reporting, written);
    }

    /// Files each notice where its recipient's mail goes (see the module's text).
    fn file_notices(
        &mut self,
        trigger: Option<ConnectionId>,
        reporting: usize,
        written: Vec<Notice>,
    ) {
        let mut remote: Vec<(usize, Vec<StoredMessage>)> = Vec::new();
        for notice in written {
            let domain = domain_of(&notice.to);
            let here = self
                .hosts
                .get(reporting)
                .is_some_and(|host| host.serves(&domain));
            let target = self
                .hosts
                .iter()
                .enumerate()
                .position(|(index, h)| index != reporting && h.serves(&domain));
            match target {
                _ if here || self.dns.knows(&domain) => {
                    self.file_here(trigger, reporting, notice, here);
                }
                Some(index) => match remote.iter_mut().find(|(i, _)| *i == index) {
                    Some((_, batch)) => batch.push(notice.message),
                    None => remote.push((index, vec![notice.message])),
                },
                None => {
                    let what = format!(
                        "No server in this world takes mail for {domain}, so the notification \
                         stays in {}'s queue.",
                        self.host_name(reporting)
                    );
                    let event = WorldEvent::Problem { what: what.clone() };
                    self.note(trigger, event, what, "RFC 3461 §6.2");
                    if let Some(host) = self.hosts.get_mut(reporting) {
                        host.restore(vec![notice.message]);
                    }
                }
            }
        }
        for (target, batch) in remote {
            self.send_notices(trigger, reporting, target, batch);
        }
    }

    /// A notice for a local mailbox, or for the outbound queue to be routed by MX.
    fn file_here(
        &mut self,
        connection: Option<ConnectionId>,
        host: usize,
        notice: Notice,
        mailbox: bool,
    ) {
        let Some(source) = self.hosts.get_mut(host) else {
            return;
        };
        let name = source.name().to_owned();
        let to = notice.to;
        if mailbox {
            source.store.file_in_mailbox(notice.message);
        } else {
            source.restore(vec![notice.message]);
        }
        let place = if mailbox {
            format!("{to}'s mailbox on {name}")
        } else {
            format!(
                "{name}'s queue for {}, to be routed like any other mail",
                domain_of(&to)
            )
        };
        let explanation = format!(
            "The delivery status notification (a multipart/report message, RFC 3464) from the \
             null sender <> goes to {place}."
        );
        let event = WorldEvent::NoticeFiled {
            host: name,
            recipient: to,
            mailbox,
        };
        self.note(connection, event, explanation, "RFC 3464 §2");
    }

    /// Sends `batch` from `reporting` to `target` over a new connection.
    fn send_notices(
        &mut self,
        trigger: Option<ConnectionId>,
        reporting: usize,
        target: usize,
        batch: Vec<StoredMessage>,
    ) {
        if self.connections.len() >= super::MAX_CONNECTIONS {
            self.truncated = true;
            return;
        }
        let recipients: Vec<&str> = batch.iter().map(|n| n.recipient.as_str()).collect();
        let from = trigger
            .map(|id| format!(" from connection {id}"))
            .unwrap_or_default();
        let purpose = format!(
            "returning delivery status notifications{from} to {}",
            recipients.join(", ")
        );
        let id = self.open(reporting, target, ConnectionKind::Notice, &purpose, trigger);
        self.relay_leg(id, reporting, target, batch);
        self.close(id);
    }
}

/// The 5yz refusal of `copy`: of its recipient at RCPT or after the message text, or of
/// its sender at MAIL FROM, which refuses every copy of that message (RFC 5321 §4.2.1).
fn permanent_refusal<'a>(outcome: &'a Outcome, copy: &StoredMessage) -> Option<&'a Refusal> {
    let permanent = |r: &&Refusal| r.code.class() == ReplyClass::PermanentNegative;
    outcome
        .refused
        .iter()
        .chain(&outcome.refused_message)
        .filter(permanent)
        .find(|r| r.address == copy.recipient)
        .or_else(|| {
            outcome
                .refused_senders
                .iter()
                .find(|r| r.address == copy.envelope_from)
        })
}

/// Why `copy` failed for good when the client kept its message back before MAIL FROM
/// (the client's typed decision, never its text). `remote` must not get it, and
/// waiting does not change that, so it is a permanent failure: over the fixed maximum
/// it offered with SIZE (552 5.3.4, RFC 1870 §6), an 8-bit body it cannot take
/// without 8BITMIME (554 5.6.3, RFC 6152 §3), or a UTF-8 address without SMTPUTF8
/// (553 5.6.7, RFC 6531 §3.2).
fn withheld_for_good(outcome: &Outcome, copy: &StoredMessage, remote: &str) -> Option<Failure> {
    let withheld = outcome
        .withheld
        .iter()
        .find(|w| w.sender == copy.envelope_from && w.recipients.contains(&copy.recipient))?;
    let not_retried = "so the mail is not sent, goes to no other exchanger and is not retried.";
    let (reply, status, explanation, rfc) = match withheld.decision.choice {
        Choice::TooBig { octets, limit } => (
            format!(
                "552 5.3.4 Message size exceeds fixed maximum message size: {octets} octets, \
                 {remote} takes at most {limit} (SIZE {limit})"
            ),
            EnhancedCode::new(5, 3, 4),
            format!(
                "The message is {octets} octets and {remote} offered SIZE {limit}: a client \
                 must not send a message over the server's fixed maximum, and waiting does not \
                 change it, {not_retried}"
            ),
            "RFC 1870 §6",
        ),
        Choice::RefuseEightBit => (
            format!(
                "554 5.6.3 Conversion required but not supported: the body has 8-bit octets \
                 and {remote} does not offer 8BITMIME"
            ),
            EnhancedCode::new(5, 6, 3),
            format!(
                "The body has 8-bit octets and {remote} does not offer 8BITMIME: this relay \
                 does not convert bodies, and waiting does not change it, {not_retried}"
            ),
            "RFC 6152 §3",
        ),
        Choice::RefuseSmtpUtf8 => (
            format!(
                "553 5.6.7 Non-ASCII addresses not permitted: the envelope needs SMTPUTF8 and \
                 {remote} does not offer it"
            ),
            EnhancedCode::new(5, 6, 7),
            format!(
                "An address of the message needs SMTPUTF8 and {remote} does not offer it: \
                 waiting does not change that, {not_retried}"
            ),
            "RFC 6531 §3.2",
        ),
        _ => return None,
    };
    Some(Failure {
        reply,
        status,
        explanation,
        rfc,
    })
}

fn domain_of(address: &str) -> String {
    address
        .rsplit_once('@')
        .map(|(_, domain)| domain.to_ascii_lowercase())
        .unwrap_or_default()
}
