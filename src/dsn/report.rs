//! The delivery status notification itself (RFC 3464): a `multipart/report;
//! report-type=delivery-status` message (RFC 6522) of three parts: a note for people,
//! the machine-readable `message/delivery-status` part (one block of per-message fields,
//! then one block per recipient), and what RET asked to return of the original message
//! (RFC 3461 §4.3): its header section as `text/rfc822-headers`, or the whole message as
//! `message/rfc822`.
//!
//! [`build_report`] is pure: the dates and the seed of the MIME boundary are inputs, so
//! the same input gives the same octets. The caller sends the result with the null
//! reverse-path `MAIL FROM:<>` (RFC 3461 §6.2, RFC 5321 §4.5.5), so a notification never
//! causes another.

use core::fmt;

use memchr::memmem;
use serde::Serialize;

use super::parameters::{OriginalRecipient, Ret};
use crate::entropy::Entropy;
use crate::protocol::EnhancedCode;
use crate::time::{rfc5322_date, Millis};

/// What happened to one recipient (RFC 3464 §2.3.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    /// Delivery failed and will not be retried.
    Failed,
    /// Delivery has not succeeded yet and is still being retried.
    Delayed,
    /// Delivered to the recipient's mailbox.
    Delivered,
    /// Passed on to a host that does not offer DSN, so no further notification will
    /// come (RFC 3461 §5.2.3).
    Relayed,
    /// Delivered to a list or alias and passed on to its members.
    Expanded,
}

impl Action {
    /// The word of the `Action:` field (RFC 3464 §2.3.3): `failed`, `delayed`, ….
    pub(crate) fn keyword(self) -> &'static str {
        match self {
            Self::Failed => "failed",
            Self::Delayed => "delayed",
            Self::Delivered => "delivered",
            Self::Relayed => "relayed",
            Self::Expanded => "expanded",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// The per-recipient block of the report (RFC 3464 §2.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecipientReport {
    /// The recipient this MTA tried to deliver to (`Final-Recipient: rfc822; …`).
    pub final_recipient: String,
    /// The ORCPT the sender gave, if any (`Original-Recipient:`).
    pub original_recipient: Option<OriginalRecipient>,
    /// What happened.
    pub action: Action,
    /// The enhanced status code (RFC 3463), e.g. 5.1.1.
    pub status: EnhancedCode,
    /// The host that answered, when one did (`Remote-MTA: dns; …`).
    pub remote_mta: Option<String>,
    /// That host's reply, e.g. `550 5.1.1 <bob@example.org>: Recipient address rejected`
    /// (`Diagnostic-Code: smtp; …`).
    pub diagnostic: Option<String>,
    /// When delivery was last attempted.
    pub last_attempt: Option<Millis>,
    /// For `delayed`: until when the MTA keeps retrying.
    pub will_retry_until: Option<Millis>,
}

/// Everything a report says, given by the reporting MTA.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportInput {
    /// The host writing the report (`Reporting-MTA: dns; …`, and the From: domain).
    pub reporting_mta: String,
    /// The original envelope sender, without angle brackets: the report's To:.
    pub sender: String,
    /// The original `ENVID=`, decoded (`Original-Envelope-Id:`).
    pub envelope_id: Option<String>,
    /// The original `RET=`; without one the whole message is returned on failure.
    pub ret: Option<Ret>,
    /// The host the message came from (`Received-From-MTA: dns; …`).
    pub received_from_mta: Option<String>,
    /// When the reporting MTA accepted the message (`Arrival-Date:`).
    pub arrival: Millis,
    /// When the report is written (its Date:).
    pub date: Millis,
    /// One block per recipient reported on; at least one.
    pub recipients: Vec<RecipientReport>,
    /// The original message as the reporting MTA holds it.
    pub original: Vec<u8>,
    /// Seeds the MIME boundary and the Message-ID.
    pub seed: u64,
}

/// How many boundaries are drawn before giving up on one that the returned content
/// does not contain; the last draw is lengthened with a counter so it always differs.
const BOUNDARY_DRAWS: usize = 8;

/// Builds the whole notification message, header section included, lines ending in
/// CRLF. Its Subject: and note follow the gravest action reported (failed, then
/// delayed, then the successful ones).
pub fn build_report(input: &ReportInput) -> Vec<u8> {
    let returned = Returned::choose(input);
    let mut entropy = Entropy::from_seed(input.seed);
    let boundary = boundary(&mut entropy, returned.content);
    let message_id = format!(
        "<{}.{}@{}>",
        input.date / 1000,
        entropy.hex_upper(10),
        input.reporting_mta
    );
    let mut out = String::new();
    push_header(&mut out, input, &boundary, &message_id);
    let seven_bit = Part {
        description: "Notification",
        content_type: "text/plain; charset=us-ascii",
        eight_bit: false,
    };
    seven_bit.open(&mut out, &boundary);
    out.push_str(&human_text(input));
    Part {
        description: "Delivery report",
        content_type: "message/delivery-status",
        ..seven_bit
    }
    .open(&mut out, &boundary);
    out.push_str(&delivery_status(input));
    returned.part.open(&mut out, &boundary);
    let mut octets = out.into_bytes();
    octets.extend_from_slice(returned.content);
    if !returned.content.ends_with(b"\r\n") {
        octets.extend_from_slice(b"\r\n");
    }
    octets.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    octets
}

/// The third part: what of the original goes back.
struct Returned<'a> {
    content: &'a [u8],
    part: Part,
}

/// The header fields of one body part.
#[derive(Clone, Copy)]
struct Part {
    description: &'static str,
    content_type: &'static str,
    /// The content has octets above 127 (RFC 2045 §6.2 labels it `8bit`).
    eight_bit: bool,
}

impl Part {
    /// The delimiter line and this part's header fields, through the empty line.
    fn open(self, out: &mut String, boundary: &str) {
        out.push_str(&format!(
            "--{boundary}\r\nContent-Description: {}\r\nContent-Type: {}\r\n",
            self.description, self.content_type
        ));
        if self.eight_bit {
            out.push_str("Content-Transfer-Encoding: 8bit\r\n");
        }
        out.push_str("\r\n");
    }
}

impl<'a> Returned<'a> {
    /// The whole message only for a failure the sender did not limit with RET=HDRS;
    /// a report of no failure returns the headers only (RFC 3461 §4.3).
    fn choose(input: &'a ReportInput) -> Self {
        let failed = input.recipients.iter().any(|r| r.action == Action::Failed);
        let full = failed && input.ret != Some(Ret::Hdrs);
        let content = if full {
            input.original.as_slice()
        } else {
            header_section(&input.original)
        };
        let (content_type, description) = if full {
            ("message/rfc822", "Undelivered Message")
        } else {
            ("text/rfc822-headers", "Message Headers")
        };
        Self {
            content,
            part: Part {
                description,
                content_type,
                eight_bit: !content.is_ascii(),
            },
        }
    }
}

/// The header section of a message, through the CRLF that ends its last field (the
/// whole text when no empty line ends it).
fn header_section(message: &[u8]) -> &[u8] {
    if message.starts_with(b"\r\n") {
        return &[];
    }
    match memmem::find(message, b"\r\n\r\n") {
        Some(end) => message.get(..end.saturating_add(2)).unwrap_or(message),
        None => message,
    }
}

/// A boundary the returned content does not contain (RFC 2046 §5.1.1).
fn boundary(entropy: &mut Entropy, content: &[u8]) -> String {
    let mut candidate = String::new();
    for draw in 0..BOUNDARY_DRAWS {
        candidate = format!("=_dsn_{}", entropy.alphanumeric(24));
        if draw + 1 == BOUNDARY_DRAWS {
            candidate.push_str(&format!("_{}", content.len()));
        }
        if memmem::find(content, candidate.as_bytes()).is_none() {
            break;
        }
    }
    candidate
}

fn push_header(out: &mut String, input: &ReportInput, boundary: &str, message_id: &str) {
    let lines = [
        format!(
            "From: Mail Delivery System <MAILER-DAEMON@{}>",
            input.reporting_mta
        ),
        format!("To: <{}>", input.sender),
        format!("Subject: {}", subject(input)),
        format!("Date: {}", rfc5322_date(input.date)),
        format!("Message-ID: {message_id}"),
        "Auto-Submitted: auto-replied".to_owned(),
        "MIME-Version: 1.0".to_owned(),
        "Content-Type: multipart/report; report-type=delivery-status;".to_owned(),
        format!("\tboundary=\"{boundary}\""),
        String::new(),
        "This is a MIME-encapsulated message.".to_owned(),
        String::new(),
    ];
    for line in lines {
        out.push_str(&line);
        out.push_str("\r\n");
    }
}

/// The action the report is about: failed, else delayed, else the first one.
fn gravest(input: &ReportInput) -> Action {
    let has = |action| input.recipients.iter().any(|r| r.action == action);
    if has(Action::Failed) {
        Action::Failed
    } else if has(Action::Delayed) {
        Action::Delayed
    } else {
        input
            .recipients
            .first()
            .map_or(Action::Delivered, |r| r.action)
    }
}

fn subject(input: &ReportInput) -> &'static str {
    match gravest(input) {
        Action::Failed => "Undelivered Mail Returned to Sender",
        Action::Delayed => "Delayed Mail (still being retried)",
        Action::Relayed => "Relayed Mail Delivery Report",
        Action::Delivered | Action::Expanded => "Successful Mail Delivery Report",
    }
}

/// The note for people: what happened, then one line per recipient.
fn human_text(input: &ReportInput) -> String {
    let opening = match gravest(input) {
        Action::Failed => "I'm sorry to have to inform you that your message could not\r\nbe delivered to one or more recipients.",
        Action::Delayed => "Your message could not be delivered yet; it is still being\r\nretried and you need not send it again.",
        Action::Relayed => "Your message was passed on to a host that does not offer\r\ndelivery status notifications, so no further notice will come.",
        Action::Delivered | Action::Expanded => "Your message was successfully delivered.",
    };
    let mut text = format!(
        "This is the mail system at host {}.\r\n\r\n{opening}\r\n\r\n",
        input.reporting_mta
    );
    for recipient in &input.recipients {
        text.push_str(&format!(
            "<{}>: {}",
            recipient.final_recipient, recipient.action
        ));
        match (&recipient.remote_mta, &recipient.diagnostic) {
            (Some(host), Some(said)) => text.push_str(&format!("; host {host} said: {said}")),
            (None, Some(said)) => text.push_str(&format!(": {said}")),
            _ => {}
        }
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    text
}

/// The `message/delivery-status` body (RFC 3464 §2.1): per-message fields, an empty
/// line, then each recipient's fields, each block ended by an empty line.
fn delivery_status(input: &ReportInput) -> String {
    let mut fields = vec![format!("Reporting-MTA: dns; {}", input.reporting_mta)];
    if let Some(id) = &input.envelope_id {
        fields.push(format!("Original-Envelope-Id: {id}"));
    }
    if let Some(host) = &input.received_from_mta {
        fields.push(format!("Received-From-MTA: dns; {host}"));
    }
    fields.push(format!("Arrival-Date: {}", rfc5322_date(input.arrival)));
    let mut text = block(&fields);
    for recipient in &input.recipients {
        text.push_str(&block(&recipient_fields(recipient)));
    }
    text
}

fn recipient_fields(recipient: &RecipientReport) -> Vec<String> {
    let mut fields = vec![format!(
        "Final-Recipient: rfc822; {}",
        recipient.final_recipient
    )];
    if let Some(original) = &recipient.original_recipient {
        fields.push(format!(
            "Original-Recipient: {}; {}",
            original.addr_type, original.address
        ));
    }
    fields.push(format!("Action: {}", recipient.action));
    fields.push(format!("Status: {}", recipient.status));
    if let Some(host) = &recipient.remote_mta {
        fields.push(format!("Remote-MTA: dns; {host}"));
    }
    if let Some(said) = &recipient.diagnostic {
        fields.push(format!("Diagnostic-Code: smtp; {said}"));
    }
    if let Some(at) = recipient.last_attempt {
        fields.push(format!("Last-Attempt-Date: {}", rfc5322_date(at)));
    }
    if let Some(at) = recipient.will_retry_until {
        fields.push(format!("Will-Retry-Until: {}", rfc5322_date(at)));
    }
    fields
}

fn block(fields: &[String]) -> String {
    let mut text = String::new();
    for field in fields {
        text.push_str(field);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    text
}

// Test code only: its unwraps run on the builder's own output.
#[cfg(test)]
mod tests {
    use super::*;

    const ORIGINAL: &[u8] =
        b"From: alice@example.net\r\nTo: bob@example.org\r\nSubject: Hi\r\n\r\nHello Bob\r\n";

    fn input(action: Action, ret: Option<Ret>) -> ReportInput {
        ReportInput {
            reporting_mta: "mx.example.net".into(),
            sender: "alice@example.net".into(),
            envelope_id: Some("QQ314159".into()),
            ret,
            received_from_mta: Some("client.example.net".into()),
            arrival: 1_700_000_000_000,
            date: 1_700_000_060_000,
            recipients: vec![RecipientReport {
                final_recipient: "bob@example.org".into(),
                original_recipient: Some(OriginalRecipient::rfc822("Bob@example.org")),
                action,
                status: EnhancedCode::new(5, 1, 1),
                remote_mta: Some("mx.example.org".into()),
                diagnostic: Some("550 5.1.1 <bob@example.org>: Recipient address rejected".into()),
                last_attempt: Some(1_700_000_050_000),
                will_retry_until: None,
            }],
            original: ORIGINAL.to_vec(),
            seed: 7,
        }
    }

    /// A message split into its header fields (unfolded) and body.
    struct Parsed {
        fields: Vec<(String, String)>,
        body: String,
    }

    impl Parsed {
        fn new(text: &str) -> Self {
            let (head, body) = text.split_once("\r\n\r\n").unwrap_or((text, ""));
            let mut fields: Vec<(String, String)> = Vec::new();
            for line in head.split("\r\n") {
                if line.starts_with([' ', '\t']) {
                    fields.last_mut().unwrap().1.push_str(line.trim_start());
                } else if let Some((name, value)) = line.split_once(':') {
                    fields.push((name.to_owned(), value.trim().to_owned()));
                }
            }
            Self {
                fields,
                body: body.to_owned(),
            }
        }

        fn field(&self, name: &str) -> Option<&str> {
            self.fields
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        }

        /// The body parts of a multipart body with this boundary.
        fn parts(&self) -> Vec<Parsed> {
            let content_type = self.field("Content-Type").unwrap();
            let boundary = content_type.split("boundary=\"").nth(1).unwrap();
            let boundary = boundary.trim_end_matches('"');
            let close = format!("\r\n--{boundary}--\r\n");
            assert!(self.body.ends_with(&close), "closing delimiter");
            let inner = self.body.strip_suffix(&close).unwrap();
            inner
                .split(&format!("--{boundary}\r\n"))
                .skip(1)
                .map(Parsed::new)
                .collect()
        }
    }

    fn report(input: &ReportInput) -> Parsed {
        Parsed::new(&String::from_utf8(build_report(input)).unwrap())
    }

    #[test]
    fn failure_report_has_three_parts_and_rfc_3464_fields() {
        let message = report(&input(Action::Failed, None));
        assert_eq!(
            message.field("Subject"),
            Some("Undelivered Mail Returned to Sender")
        );
        assert_eq!(message.field("To"), Some("<alice@example.net>"));
        assert!(message
            .field("Content-Type")
            .unwrap()
            .starts_with("multipart/report; report-type=delivery-status;"));
        let parts = message.parts();
        assert_eq!(parts.len(), 3);
        assert!(parts[0]
            .body
            .contains("<bob@example.org>: failed; host mx.example.org said: 550 5.1.1"));
        assert_eq!(
            parts[1].field("Content-Type"),
            Some("message/delivery-status")
        );
        let (per_message, per_recipient) = parts[1].body.split_once("\r\n\r\n").unwrap();
        let per_message = Parsed::new(per_message);
        assert_eq!(
            per_message.field("Reporting-MTA"),
            Some("dns; mx.example.net")
        );
        assert_eq!(per_message.field("Original-Envelope-Id"), Some("QQ314159"));
        assert_eq!(
            per_message.field("Arrival-Date"),
            Some("Tue, 14 Nov 2023 22:13:20 +0000")
        );
        let recipient = Parsed::new(per_recipient);
        assert_eq!(
            recipient.field("Final-Recipient"),
            Some("rfc822; bob@example.org")
        );
        assert_eq!(
            recipient.field("Original-Recipient"),
            Some("rfc822; Bob@example.org")
        );
        assert_eq!(recipient.field("Action"), Some("failed"));
        assert_eq!(recipient.field("Status"), Some("5.1.1"));
        assert_eq!(recipient.field("Remote-MTA"), Some("dns; mx.example.org"));
        assert_eq!(
            recipient.field("Diagnostic-Code"),
            Some("smtp; 550 5.1.1 <bob@example.org>: Recipient address rejected")
        );
        assert_eq!(parts[2].field("Content-Type"), Some("message/rfc822"));
        let returned = Parsed::new(&parts[2].body);
        assert_eq!(returned.field("Subject"), Some("Hi"));
        assert_eq!(
            returned.body, "Hello Bob\r\n",
            "RET absent: the whole message"
        );
    }

    #[test]
    fn ret_hdrs_and_success_reports_return_headers_only() {
        for built in [
            input(Action::Failed, Some(Ret::Hdrs)),
            input(Action::Relayed, Some(Ret::Full)),
        ] {
            let parts = report(&built).parts();
            assert_eq!(parts[2].field("Content-Type"), Some("text/rfc822-headers"));
            let returned = build_report(&built);
            assert!(memmem::find(&returned, b"Hello Bob").is_none());
            assert!(memmem::find(&returned, b"Subject: Hi\r\n").is_some());
        }
        let relayed = report(&input(Action::Relayed, None));
        assert_eq!(
            relayed.field("Subject"),
            Some("Relayed Mail Delivery Report")
        );
    }

    #[test]
    fn same_seed_same_octets_and_boundary_avoids_content() {
        let first = input(Action::Failed, None);
        assert_eq!(build_report(&first), build_report(&first));
        let mut entropy = Entropy::from_seed(first.seed);
        let drawn = boundary(&mut entropy, b"");
        let mut clash = first.clone();
        clash.original = format!("Subject: x\r\n\r\n--{drawn}\r\n").into_bytes();
        let message = report(&clash);
        let content_type = message.field("Content-Type").unwrap();
        assert!(
            !content_type.contains(&drawn),
            "redrawn when the body holds it"
        );
        assert_eq!(message.parts().len(), 3);
    }

    #[test]
    fn eight_bit_content_is_labelled() {
        let mut built = input(Action::Failed, Some(Ret::Full));
        built.original = b"Subject: caf\xc3\xa9\r\n\r\nbody".to_vec();
        let octets = build_report(&built);
        assert!(memmem::find(
            &octets,
            b"Content-Transfer-Encoding: 8bit\r\n\r\nSubject: caf"
        )
        .is_some());
        assert!(
            memmem::find(&octets, b"body\r\n\r\n--=_dsn_").is_some(),
            "a CRLF ends the returned text before the closing delimiter"
        );
    }
}
