//! The bounce a host writes when it gives up on queued copies: one RFC 3464 delivery
//! status notification per original message (built by [`crate::dsn::build_report`]),
//! sent from the null reverse-path `<>` to the message's sender. None for a message
//! that was itself from `<>` (RFC 5321 §4.5.5: a bounce never causes another), and
//! none for recipients whose sender asked `NOTIFY=NEVER` or left FAILURE out (RFC 3461
//! §4.1).

use crate::dsn::{build_report, Action, Notify, RecipientReport, ReportInput};
use crate::entropy::Entropy;
use crate::mailstore::StoredMessage;
use crate::protocol::EnhancedCode;
use crate::time::Millis;

/// One copy given up on, and why.
#[derive(Clone, Debug)]
pub(super) struct FailedCopy {
    /// The copy as it was queued.
    pub copy: StoredMessage,
    /// The reply that refused it, or the one the host writes for itself.
    pub reply: String,
    /// The enhanced status code (`5.1.10`).
    pub status: String,
    /// The exchanger that answered, if one did.
    pub remote_mta: Option<String>,
}

/// A notification ready to file: from `<>` to the original sender.
#[derive(Clone, Debug)]
pub(super) struct Notification {
    /// The original sender, without angle brackets.
    pub to: String,
    /// The report as a stored copy.
    pub message: StoredMessage,
}

/// The notifications `reporting_mta` writes at `now` for `failed`, one per original
/// message (same queue id and sender) with a block per recipient that asked for one.
pub(super) fn notifications(
    reporting_mta: &str,
    failed: &[FailedCopy],
    now: Millis,
    seed: u64,
) -> Vec<Notification> {
    let mut entropy = Entropy::from_seed(seed);
    let mut groups: Vec<Vec<&FailedCopy>> = Vec::new();
    for item in failed.iter().filter(|f| wants_failure_report(&f.copy)) {
        let same = groups.iter_mut().find(|group| {
            group.first().is_some_and(|first| {
                first.copy.id == item.copy.id && first.copy.envelope_from == item.copy.envelope_from
            })
        });
        match same {
            Some(group) => group.push(item),
            None => groups.push(vec![item]),
        }
    }
    groups
        .into_iter()
        .filter_map(|group| {
            let first = group.first()?;
            let sender = bare(&first.copy.envelope_from).to_owned();
            let input = ReportInput {
                reporting_mta: reporting_mta.to_owned(),
                sender: sender.clone(),
                envelope_id: first.copy.dsn.mail.envid.clone(),
                ret: first.copy.dsn.mail.ret,
                received_from_mta: None,
                arrival: first.copy.arrived_at,
                date: now,
                recipients: group.iter().map(|f| recipient_report(f, now)).collect(),
                original: first.copy.text.clone().into_bytes(),
                seed: entropy.next_u64(),
            };
            let octets = build_report(&input);
            let text = String::from_utf8_lossy(&octets).into_owned();
            Some(Notification {
                to: sender.clone(),
                message: StoredMessage {
                    id: entropy.hex_upper(10),
                    envelope_from: "<>".into(),
                    recipient: sender,
                    headers: crate::server::headers::field_names(&octets),
                    dsn: Default::default(),
                    text,
                    octets: octets.len(),
                    arrived_at: now,
                },
            })
        })
        .collect()
}

/// True unless the copy came from `<>` or its sender asked for no failure report.
fn wants_failure_report(copy: &StoredMessage) -> bool {
    let from_null = bare(&copy.envelope_from).is_empty();
    let asked = match copy.dsn.rcpt.notify_or_default() {
        Notify::Never => false,
        Notify::On { failure, .. } => failure,
    };
    !from_null && asked
}

fn recipient_report(failed: &FailedCopy, now: Millis) -> RecipientReport {
    RecipientReport {
        final_recipient: failed.copy.recipient.clone(),
        original_recipient: failed.copy.dsn.rcpt.orcpt.clone(),
        action: Action::Failed,
        status: EnhancedCode::parse_prefix(&failed.status)
            .map_or(EnhancedCode::new(5, 0, 0), |(code, _)| code),
        remote_mta: failed.remote_mta.clone(),
        diagnostic: Some(failed.reply.clone()),
        last_attempt: Some(now),
        will_retry_until: None,
    }
}

/// `<a@b>` → `a@b`.
fn bare(path: &str) -> &str {
    let path = path.trim();
    path.strip_prefix('<')
        .and_then(|p| p.strip_suffix('>'))
        .unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(id: &str, from: &str, recipient: &str) -> FailedCopy {
        FailedCopy {
            copy: StoredMessage {
                id: id.into(),
                envelope_from: from.into(),
                recipient: recipient.into(),
                headers: vec!["Subject".into()],
                dsn: Default::default(),
                text: "Subject: hi\r\n\r\nbody\r\n".into(),
                octets: 21,
                arrived_at: 0,
            },
            reply: "556 5.1.10 no mail".into(),
            status: "5.1.10".into(),
            remote_mta: None,
        }
    }

    #[test]
    fn one_report_per_message_from_null_sender_to_the_sender() {
        let all = [
            failed("A", "<alice@example.net>", "bob@nomail.example"),
            failed("A", "<alice@example.net>", "carol@nomail.example"),
            failed("B", "<>", "dave@nomail.example"),
        ];
        let reports = notifications("mail.example.net", &all, 0, 7);
        assert_eq!(reports.len(), 1, "none for the message from <>");
        let report = &reports[0];
        assert_eq!(report.to, "alice@example.net");
        assert_eq!(report.message.envelope_from, "<>");
        let text = &report.message.text;
        assert!(text.contains("multipart/report; report-type=delivery-status"));
        assert!(text.contains("Final-Recipient: rfc822; bob@nomail.example"));
        assert!(text.contains("Final-Recipient: rfc822; carol@nomail.example"));
        assert!(text.contains("Status: 5.1.10"));
        assert!(text.contains("Diagnostic-Code: smtp; 556 5.1.10 no mail"));
        assert!(report.message.headers.iter().any(|h| h == "Content-Type"));
    }

    #[test]
    fn notify_never_gets_no_report() {
        let mut quiet = failed("A", "<alice@example.net>", "bob@nomail.example");
        quiet.copy.dsn.rcpt.notify = Some(Notify::Never);
        assert!(notifications("m", &[quiet], 0, 1).is_empty());
    }
}
