//! The delivery status notifications a host writes in the world, whatever made it
//! write them: copies refused for good by the next host or given up on by the router
//! (`failed`), still queued past the warning time (`delayed`), filed in a local mailbox
//! (`delivered`) or passed to a host without DSN (`relayed`). One notice per original
//! message (copies sharing queue id and sender), each an RFC 3464 report built by
//! [`crate::dsn::build_report`] and sent from the null reverse-path `<>`.
//!
//! Who gets one follows RFC 3461 §4.1: never the null sender `<>` (a notification never
//! causes another, RFC 5321 §4.5.5), and only for the events the recipient's `NOTIFY=`
//! names. A recipient without `NOTIFY=` counts as `FAILURE,DELAY` ([`Notify::DEFAULT`]):
//! the RFC lets the MTA choose, and warning a sender whose mail sits in a queue for
//! hours is what sendmail does by default (`Timeout.queuewarn`) and Postfix does once
//! `delay_warning_time` is set.
//!
//! Pure: the caller gives the time, the seed and what became of each copy; the runner
//! files the notices (`runner/bounce.rs`).

use crate::client::Refusal;
use crate::dsn::{build_report, Action, Notify, RecipientReport, ReportInput, Ret};
use crate::entropy::Entropy;
use crate::mailstore::StoredMessage;
use crate::protocol::{EnhancedCode, Reply, ReplyCode};
use crate::time::{rfc5322_date, Millis};

/// Why a copy failed or is delayed: the status, and the SMTP reply that said so when
/// one did (a refused connection has none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Reason {
    /// The enhanced status code (`Status:`).
    pub status: EnhancedCode,
    /// The reply as the report quotes it (`Diagnostic-Code: smtp; 550 5.1.1 …`),
    /// received or written by the reporting host itself.
    pub reply: Option<String>,
}

impl Reason {
    /// A reply the host wrote for itself (`556 5.1.10 …`).
    pub(super) fn own(reply: &str, status: EnhancedCode) -> Self {
        Self {
            status,
            reply: Some(reply.to_owned()),
        }
    }

    /// The reply a host sent (at RCPT, or after the message text).
    pub(super) fn from_refusal(refusal: &Refusal) -> Self {
        Self::quoting(refusal.code, refusal.enhanced, &refusal.text)
    }

    /// Any reply received; its enhanced code, or the class's `X.0.0` without one.
    pub(super) fn from_reply(reply: &Reply) -> Self {
        Self::quoting(reply.code, reply.enhanced, &reply.text())
    }

    fn quoting(code: ReplyCode, enhanced: Option<EnhancedCode>, text: &str) -> Self {
        let class = u8::try_from(code.value() / 100).unwrap_or(5);
        let written = enhanced.map(|e| format!(" {e}")).unwrap_or_default();
        Self {
            status: enhanced.unwrap_or(EnhancedCode::new(class, 0, 0)),
            reply: Some(format!("{}{written} {text}", code.value())),
        }
    }
}

/// What became of one copy, as a notice says it.
#[derive(Clone, Debug)]
pub(super) struct CopyReport {
    /// The copy as it was queued or filed.
    pub copy: StoredMessage,
    /// What happened to it.
    pub action: Action,
    /// Why, for a failed or delayed copy.
    pub reason: Option<Reason>,
    /// The exchanger that answered, if one did.
    pub remote_mta: Option<String>,
}

/// The host writing notices, and when.
#[derive(Clone, Copy, Debug)]
pub(super) struct Reporter<'a> {
    /// Its name (`Reporting-MTA:`).
    pub mta: &'a str,
    /// Now: the report's Date: and each recipient's `Last-Attempt-Date:`.
    pub now: Millis,
    /// For delayed copies: when the host gives up (`Will-Retry-Until:`).
    pub will_retry_until: Option<Millis>,
    /// Seeds the boundaries and queue ids.
    pub seed: u64,
}

/// One notice, ready to file.
#[derive(Clone, Debug)]
pub(super) struct Notice {
    /// The original sender, without angle brackets.
    pub to: String,
    /// The gravest action it reports (failed, delayed, then the others).
    pub action: Action,
    /// The recipients it reports on.
    pub recipients: Vec<String>,
    /// The report as a stored copy from `<>`.
    pub message: StoredMessage,
    /// The whole original message goes back, not only its header section.
    pub returns_message: bool,
}

impl Notice {
    /// The timeline's words for writing it, and the section that says so.
    pub(super) fn explanation(&self, reporter: &Reporter<'_>) -> (String, &'static str) {
        let host = reporter.mta;
        let (to, about) = (&self.to, self.recipients.join(", "));
        let returned = if self.returns_message {
            "message"
        } else {
            "headers"
        };
        if self.action == Action::Delayed {
            let until = reporter
                .will_retry_until
                .map(|at| format!(" until {}", rfc5322_date(at)))
                .unwrap_or_default();
            let text = format!(
                "{host} writes a delay warning to {to}: the mail for {about} is still queued, \
                 and {host} keeps trying{until}. The report says Action: delayed with a 4.x.x \
                 Status and Will-Retry-Until, and returns only the headers; the sender need not \
                 send again. A failure or success notice follows when the mail's fate is known."
            );
            return (text, "RFC 3464 §2.3.3");
        }
        let text = format!(
            "{host} writes a delivery status notification to {to}: {} for {about}. It is a \
             multipart/report with a note, the machine-readable message/delivery-status part \
             and the returned {returned}, sent from <> so it can never cause another.",
            self.action
        );
        (text, "RFC 3464 §2")
    }
}

/// The notices `reporter` owes for `reports`: one per original message, with a block
/// per recipient whose sender asked for this kind of notice.
pub(super) fn notices(reporter: &Reporter<'_>, reports: &[CopyReport]) -> Vec<Notice> {
    let mut entropy = Entropy::from_seed(reporter.seed);
    let mut groups: Vec<Vec<&CopyReport>> = Vec::new();
    for item in reports.iter().filter(|r| wanted(&r.copy, r.action)) {
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
        .filter_map(|group| notice(reporter, &group, entropy.next_u64()))
        .collect()
}

/// True when `copy`'s sender is someone (not `<>`) who asked for `action` notices.
pub(super) fn wanted(copy: &StoredMessage, action: Action) -> bool {
    let notify = copy.dsn.rcpt.notify_or_default();
    let asked = match action {
        Action::Failed => notify.on_failure(),
        Action::Delayed => notify.on_delay(),
        Action::Delivered | Action::Relayed | Action::Expanded => notify.on_success(),
    };
    sender(copy).is_some() && asked && notify != Notify::Never
}

fn notice(reporter: &Reporter<'_>, group: &[&CopyReport], seed: u64) -> Option<Notice> {
    let first = &group.first()?.copy;
    let to = sender(first)?;
    let input = ReportInput {
        reporting_mta: reporter.mta.to_owned(),
        sender: to.clone(),
        envelope_id: first.dsn.mail.envid.clone(),
        ret: first.dsn.mail.ret,
        received_from_mta: None,
        arrival: first.arrived_at,
        date: reporter.now,
        recipients: group.iter().map(|r| recipient(reporter, r)).collect(),
        original: first.text.as_bytes().to_vec(),
        seed,
    };
    let action = gravest(group);
    let octets = build_report(&input);
    Some(Notice {
        to: to.clone(),
        action,
        recipients: group.iter().map(|r| r.copy.recipient.clone()).collect(),
        returns_message: action == Action::Failed && input.ret != Some(Ret::Hdrs),
        message: StoredMessage {
            id: Entropy::from_seed(seed).hex_upper(10),
            envelope_from: "<>".into(),
            recipient: to,
            headers: crate::server::headers::field_names(&octets),
            layout: crate::server::MessageLayout::of(&[&octets]),
            bcc: false,
            dsn: Default::default(),
            text: String::from_utf8_lossy(&octets).into_owned(),
            octets: octets.len(),
            arrived_at: reporter.now,
        },
    })
}

/// Failed before delayed before the rest, as the report's Subject: says.
fn gravest(group: &[&CopyReport]) -> Action {
    let has = |action| group.iter().any(|r| r.action == action);
    if has(Action::Failed) {
        Action::Failed
    } else if has(Action::Delayed) {
        Action::Delayed
    } else {
        group.first().map_or(Action::Delivered, |r| r.action)
    }
}

fn recipient(reporter: &Reporter<'_>, report: &CopyReport) -> RecipientReport {
    let default_status = match report.action {
        Action::Failed => EnhancedCode::new(5, 0, 0),
        Action::Delayed => EnhancedCode::new(4, 0, 0),
        Action::Delivered | Action::Relayed | Action::Expanded => EnhancedCode::new(2, 0, 0),
    };
    RecipientReport {
        final_recipient: report.copy.recipient.clone(),
        original_recipient: report.copy.dsn.rcpt.orcpt.clone(),
        action: report.action,
        status: report.reason.as_ref().map_or(default_status, |r| r.status),
        remote_mta: report.remote_mta.clone(),
        diagnostic: report.reason.as_ref().and_then(|r| r.reply.clone()),
        last_attempt: Some(reporter.now),
        will_retry_until: (report.action == Action::Delayed)
            .then_some(reporter.will_retry_until)
            .flatten(),
    }
}

/// The sender to report to, without brackets; `None` for `<>`.
fn sender(copy: &StoredMessage) -> Option<String> {
    let path = copy.envelope_from.trim();
    let address = path
        .strip_prefix('<')
        .and_then(|p| p.strip_suffix('>'))
        .unwrap_or(path);
    (!address.is_empty()).then(|| address.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORTER: Reporter<'static> = Reporter {
        mta: "mail.example.net",
        now: 1_700_000_000_000,
        will_retry_until: Some(1_700_400_000_000),
        seed: 7,
    };

    fn report(id: &str, from: &str, recipient: &str, action: Action) -> CopyReport {
        CopyReport {
            copy: StoredMessage {
                id: id.into(),
                envelope_from: from.into(),
                recipient: recipient.into(),
                headers: vec!["Subject".into()],
                layout: Default::default(),
                bcc: false,
                dsn: Default::default(),
                text: "Subject: hi\r\n\r\nbody\r\n".into(),
                octets: 21,
                arrived_at: 0,
            },
            action,
            reason: Some(Reason::own(
                "556 5.1.10 no mail",
                EnhancedCode::new(5, 1, 10),
            )),
            remote_mta: None,
        }
    }

    #[test]
    fn one_notice_per_message_from_null_sender_to_the_sender() {
        let all = [
            report(
                "A",
                "<alice@example.net>",
                "bob@nomail.example",
                Action::Failed,
            ),
            report(
                "A",
                "<alice@example.net>",
                "carol@nomail.example",
                Action::Failed,
            ),
            report("B", "<>", "dave@nomail.example", Action::Failed),
        ];
        let notices = notices(&REPORTER, &all);
        assert_eq!(notices.len(), 1, "none for the message from <>");
        let notice = &notices[0];
        assert_eq!(notice.to, "alice@example.net");
        assert_eq!(notice.recipients.len(), 2);
        assert_eq!(notice.message.envelope_from, "<>");
        let text = &notice.message.text;
        assert!(text.contains("multipart/report; report-type=delivery-status"));
        assert!(text.contains("Final-Recipient: rfc822; carol@nomail.example"));
        assert!(text.contains("Status: 5.1.10"));
        assert!(text.contains("Diagnostic-Code: smtp; 556 5.1.10 no mail"));
        assert!(!text.contains("Will-Retry-Until"), "only for delayed");
        assert!(notice.returns_message);
    }

    #[test]
    fn notify_never_gets_nothing_and_a_delay_needs_delay() {
        let mut quiet = report("A", "<alice@example.net>", "bob@x.example", Action::Failed);
        quiet.copy.dsn.rcpt.notify = Some(Notify::Never);
        assert!(notices(&REPORTER, &[quiet]).is_empty());
        let mut failure_only = report("A", "<alice@example.net>", "bob@x.example", Action::Delayed);
        failure_only.copy.dsn.rcpt.notify = Some(Notify::On {
            success: false,
            failure: true,
            delay: false,
        });
        assert!(notices(&REPORTER, &[failure_only.clone()]).is_empty());
        failure_only.copy.dsn.rcpt.notify = None;
        assert_eq!(
            notices(&REPORTER, &[failure_only]).len(),
            1,
            "no NOTIFY= counts as FAILURE,DELAY"
        );
    }

    #[test]
    fn a_delayed_notice_says_until_when_and_returns_headers_only() {
        let mut delayed = report("A", "<alice@example.net>", "bob@x.example", Action::Delayed);
        delayed.reason = Some(Reason::own(
            "452 4.3.1 Insufficient system storage",
            EnhancedCode::new(4, 3, 1),
        ));
        let notice = notices(&REPORTER, &[delayed]).remove(0);
        assert_eq!(notice.action, Action::Delayed);
        assert!(!notice.returns_message);
        let text = &notice.message.text;
        assert!(text.contains("Subject: Delayed Mail (still being retried)"));
        assert!(
            text.contains("Action: delayed\r\nStatus: 4.3.1\r\n"),
            "{text}"
        );
        assert!(text.contains(&format!(
            "Will-Retry-Until: {}",
            rfc5322_date(1_700_400_000_000)
        )));
        assert!(text.contains("Content-Type: text/rfc822-headers"));
        let (explanation, rfc) = notice.explanation(&REPORTER);
        assert_eq!(rfc, "RFC 3464 §2.3.3");
        assert!(explanation.contains("delay warning"), "{explanation}");
    }
}
