//! What happens to an accepted message: the `Received:` trace header (RFC 5321 §4.4),
//! Bcc removal in the submission role (RFC 5322 §3.6.3) and one copy per recipient,
//! each marked for a local mailbox or the outbound queue of its domain. The text is held
//! once and shared by every copy; each copy adds only its trace header in front, so a
//! message to a hundred recipients costs one message of memory, not a hundred.
//!
//! The copies are the driver's to store; [`StoreOutcome`] is what it reports back, and
//! only then does the engine answer the end of data.

use std::sync::Arc;

use serde::{Serialize, Serializer};

use super::headers::{self, MessageLayout};
use crate::dsn::parameters::{DsnRequest, MailDsn, RcptDsn};
use crate::protocol::{ForwardPath, ReversePath};
use crate::time::{rfc5322_date, Millis};

/// Where one copy goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Destination {
    /// A mailbox of a local domain.
    Mailbox,
    /// The outbound queue for a remote domain (relayed mail; ETRN flushes it).
    Outbound {
        /// The recipient's domain.
        domain: String,
    },
}

/// A message the server accepted, one copy per recipient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// Queue id shared by all copies of one message.
    pub id: String,
    /// The envelope sender (`<>` for bounces).
    pub envelope_from: String,
    /// The recipient address.
    pub recipient: String,
    /// True when the recipient's domain is local (a mailbox), false for the outbound queue.
    pub local: bool,
    /// Mailbox or outbound queue.
    pub destination: Destination,
    /// The header field names of this copy, in order.
    pub headers: Vec<String>,
    /// Where this copy's header fields, the trace field this server added and the body
    /// sit in `message`, and its Subject.
    pub layout: MessageLayout,
    /// True when the copy reached a Bcc recipient: a fact of the sending client, which
    /// alone knows its Bcc list (the server sees only envelope recipients); the driver
    /// that runs both sets it (`MessageSpec::is_blind_copy`).
    pub bcc: bool,
    /// What the sender asked of delivery status notifications for this copy (RFC 3461).
    pub dsn: DsnRequest,
    /// When the server accepted the message (a notification's Arrival-Date, RFC 3464
    /// §2.2.5).
    pub accepted_at: Millis,
    /// The message as stored, Received header first: a latin1 string in JSON; in the
    /// wasm build it crosses beside the JSON as bytes ([`crate::octets`]).
    #[cfg_attr(target_arch = "wasm32", serde(skip))]
    pub message: CopyText,
}

/// The octets of one copy: its trace header, then the text every copy of the message
/// shares (cloning a copy never copies the text). Serialised as the whole copy in one
/// latin1 string (see [`crate::octets`]), which is what the page reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyText {
    trace: Arc<str>,
    text: Arc<Vec<u8>>,
}

impl CopyText {
    /// A copy made of `trace` (a header field with its CRLF) and the shared `text`.
    pub fn new(trace: Arc<str>, text: Arc<Vec<u8>>) -> Self {
        Self { trace, text }
    }

    /// The two parts in order, to write one after the other.
    pub fn parts(&self) -> [&[u8]; 2] {
        [self.trace.as_bytes(), self.text.as_slice()]
    }

    /// Octets in the whole copy.
    pub fn len(&self) -> usize {
        self.trace.len().saturating_add(self.text.len())
    }

    /// True for a copy of no octets (never: a copy has a trace header).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when both are the very same octets in memory (copies of one message with
    /// one trace header), so a store may write them once (the native maildir store) and
    /// the page's octet buffer may carry them once.
    pub(crate) fn is_shared_with(&self, other: &CopyText) -> bool {
        Arc::ptr_eq(&self.trace, &other.trace) && Arc::ptr_eq(&self.text, &other.text)
    }

    /// The whole copy in one buffer (for tests and displays; storing writes the parts).
    pub fn to_vec(&self) -> Vec<u8> {
        self.parts().concat()
    }
}

impl Serialize for CopyText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut whole = String::with_capacity(self.len());
        for part in self.parts() {
            crate::octets::push_latin1(&mut whole, part);
        }
        serializer.serialize_str(&whole)
    }
}

/// What the driver reports after trying to store every copy of the message the engine
/// accepted (see [`crate::server::Server::handle_stored`]). Anything but `Stored` means
/// nothing was kept: a driver that stored some copies removes them before saying so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreOutcome {
    /// Every copy is durably stored: the engine answers 250.
    Stored,
    /// Storing failed (an I/O error, too many open files, a folder that is a file):
    /// the engine answers 451 4.3.0.
    Failed {
        /// What went wrong, for the explanation.
        reason: String,
    },
    /// The store has no room left: the engine answers 452 4.3.1.
    NoSpace {
        /// What went wrong, for the explanation.
        reason: String,
    },
}

/// How the client spoke, for the `with` clause (RFC 3848).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Protocol {
    /// After HELO.
    Smtp,
    /// After EHLO.
    Esmtp,
    /// After EHLO and a successful AUTH.
    Esmtpa,
    /// After EHLO over TLS.
    Esmtps,
    /// After EHLO and a successful AUTH over TLS.
    Esmtpsa,
    /// ESMTP with SMTPUTF8 (RFC 6531 §3.7.3), and the same with AUTH, TLS, or both.
    Utf8Smtp,
    /// SMTPUTF8 and AUTH.
    Utf8Smtpa,
    /// SMTPUTF8 over TLS.
    Utf8Smtps,
    /// SMTPUTF8, AUTH and TLS.
    Utf8Smtpsa,
}

impl Protocol {
    fn keyword(self) -> &'static str {
        match self {
            Self::Smtp => "SMTP",
            Self::Esmtp => "ESMTP",
            Self::Esmtpa => "ESMTPA",
            Self::Esmtps => "ESMTPS",
            Self::Esmtpsa => "ESMTPSA",
            Self::Utf8Smtp => "UTF8SMTP",
            Self::Utf8Smtpa => "UTF8SMTPA",
            Self::Utf8Smtps => "UTF8SMTPS",
            Self::Utf8Smtpsa => "UTF8SMTPSA",
        }
    }

    /// The same session with a transaction that said SMTPUTF8: the `with` value RFC
    /// 6531 §3.7.3 registers for it. Plain SMTP (after HELO) has no SMTPUTF8.
    pub(super) fn with_smtputf8(self) -> Self {
        match self {
            Self::Esmtp => Self::Utf8Smtp,
            Self::Esmtpa => Self::Utf8Smtpa,
            Self::Esmtps => Self::Utf8Smtps,
            Self::Esmtpsa => Self::Utf8Smtpsa,
            other => other,
        }
    }
}

/// Everything a Received header says.
pub(super) struct Trace<'a> {
    /// The EHLO/HELO argument.
    pub helo: &'a str,
    /// The client's address as the transport saw it.
    pub client_address: &'a str,
    /// Our hostname.
    pub host: &'a str,
    /// SMTP, ESMTP or ESMTPA.
    pub protocol: Protocol,
    /// The queue id.
    pub id: &'a str,
    /// The one recipient, when there is exactly one (RFC 5321 §7.2: never the list).
    pub single_recipient: Option<&'a ForwardPath>,
    /// When the message was accepted.
    pub at: Millis,
}

impl Trace<'_> {
    /// `Received: from <helo> (<TCP-info>) by <host> with <protocol> id <id>
    /// [for <path>]; <date-time>`, folded, with its CRLF.
    pub fn header(&self) -> String {
        let for_clause = self
            .single_recipient
            .map(|path| format!("\r\n\tfor {path}"))
            .unwrap_or_default();
        format!(
            "Received: from {} ({})\r\n\tby {} with {} id {}{for_clause};\r\n\t{}\r\n",
            self.helo,
            address_literal(self.client_address),
            self.host,
            self.protocol.keyword(),
            self.id,
            rfc5322_date(self.at)
        )
    }
}

/// RFC 5321 §4.1.3 address literal for TCP-info: `[192.0.2.1]`, `[IPv6:2001:db8::1]`.
fn address_literal(address: &str) -> String {
    if address.starts_with('[') {
        address.to_owned()
    } else if address.contains(':') {
        format!("[IPv6:{address}]")
    } else {
        format!("[{address}]")
    }
}

/// The envelope of one accepted message.
pub(super) struct Envelope<'a> {
    pub id: &'a str,
    pub from: &'a ReversePath,
    pub recipients: &'a [ForwardPath],
    /// `RET=` and `ENVID=` of MAIL FROM.
    pub mail_dsn: &'a MailDsn,
    /// `NOTIFY=` and `ORCPT=` of each recipient, in the order of `recipients`.
    pub recipient_dsn: &'a [RcptDsn],
    /// When the message was accepted.
    pub at: Millis,
}

/// Builds one copy per recipient: the trace header, then the text, shared. `is_local`
/// says whether a recipient's domain is local; `hostname` names the Postmaster mailbox;
/// `bcc_removed` says the server took Bcc fields out of `text` (submission role).
pub(super) fn copies(
    envelope: &Envelope<'_>,
    received: &str,
    text: Vec<u8>,
    bcc_removed: bool,
    hostname: &str,
    is_local: impl Fn(&str) -> bool,
) -> Vec<Delivery> {
    let mut header_names = headers::field_names(received.as_bytes());
    header_names.extend(headers::field_names(&text));
    let mut layout = MessageLayout::of(&[received.as_bytes(), &text]);
    layout.mark_trace_field();
    if bcc_removed {
        layout.mark_bcc_removed();
    }
    let message = CopyText::new(Arc::from(received), Arc::new(text));
    let envelope_from = envelope.from.to_string();
    envelope
        .recipients
        .iter()
        .enumerate()
        .map(|(index, recipient)| {
            let (address, destination) = route(recipient, hostname, &is_local);
            let dsn = DsnRequest {
                mail: envelope.mail_dsn.clone(),
                rcpt: envelope
                    .recipient_dsn
                    .get(index)
                    .cloned()
                    .unwrap_or_default(),
            };
            Delivery {
                id: envelope.id.to_owned(),
                envelope_from: envelope_from.clone(),
                recipient: address,
                local: destination == Destination::Mailbox,
                destination,
                headers: header_names.clone(),
                layout: layout.clone(),
                bcc: false,
                dsn,
                accepted_at: envelope.at,
                message: message.clone(),
            }
        })
        .collect()
}

fn route(
    recipient: &ForwardPath,
    hostname: &str,
    is_local: impl Fn(&str) -> bool,
) -> (String, Destination) {
    match recipient {
        ForwardPath::Postmaster => (format!("postmaster@{hostname}"), Destination::Mailbox),
        ForwardPath::Mailbox(mailbox) => {
            let domain = mailbox.domain.as_str();
            let destination = if is_local(domain) {
                Destination::Mailbox
            } else {
                Destination::Outbound {
                    domain: domain.to_ascii_lowercase(),
                }
            };
            (mailbox.to_string(), destination)
        }
    }
}

/// Header fields a submission server removes (RFC 5322 §3.6.3 Bcc, §3.6.6 Resent-Bcc).
pub(super) const BLIND_COPY_FIELDS: &[&str] = &["Bcc", "Resent-Bcc"];

/// The text without Bcc fields, and the removed fields.
pub(super) fn strip_blind_copies(text: &[u8]) -> (Vec<u8>, Vec<String>) {
    headers::remove_fields(text, BLIND_COPY_FIELDS)
}

// Test code only: its unwraps run on fixed test inputs, never on a peer's octets.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::path::parse_forward_path;

    #[test]
    fn received_header_follows_rfc_5321_section_4_4() {
        let rcpt = parse_forward_path("<bob@example.org>")
            .unwrap()
            .into_owned();
        let trace = Trace {
            helo: "client.example.net",
            client_address: "192.0.2.10",
            host: "mx.example.org",
            protocol: Protocol::Esmtpa,
            id: "4F2A",
            single_recipient: Some(&rcpt),
            at: 0,
        };
        assert_eq!(
            trace.header(),
            "Received: from client.example.net ([192.0.2.10])\r\n\tby mx.example.org with ESMTPA id 4F2A\r\n\tfor <bob@example.org>;\r\n\tThu, 1 Jan 1970 00:00:00 +0000\r\n"
        );
        assert_eq!(address_literal("2001:db8::1"), "[IPv6:2001:db8::1]");
        let several = Trace {
            single_recipient: None,
            protocol: Protocol::Smtp,
            ..trace
        };
        assert!(!several.header().contains("for"));
        assert!(several.header().contains("with SMTP id"));
    }
}
