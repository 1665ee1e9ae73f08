//! SMTPUTF8 on the server side (RFC 6531, RFC 6532): which UTF-8 addresses a transaction
//! may carry, what the replies say about them, and what SMTPUTF8 allows in the message.
//!
//! A UTF-8 address parses anywhere (the grammar of RFC 6531 §3.3), but it is accepted
//! only in a transaction whose MAIL FROM said `SMTPUTF8`: otherwise `553 5.6.7` (RFC
//! 6531 §3.5), or `501 5.5.2` when this server does not offer SMTPUTF8 at all, so that
//! for it a command is ASCII (RFC 5321 §2.4).

use super::session::Server;
use crate::protocol::idn::DomainForms;
use crate::protocol::{Mailbox, ReplyKind};

/// A refusal: the reply, its text and the explanation.
pub(super) type Refusal = (ReplyKind, String, String);

impl Server {
    /// True when this session's EHLO reply listed SMTPUTF8.
    pub(super) fn smtputf8_offered(&self) -> bool {
        self.ehlo_session() && self.config.extensions.smtputf8
    }

    /// Why `mailbox` cannot be taken in this transaction, or `None` when it is ASCII or
    /// the transaction said SMTPUTF8. `role` is "sender" or "recipient".
    pub(super) fn utf8_address_refusal(
        &self,
        mailbox: Option<&Mailbox>,
        transaction_says_utf8: bool,
        role: &str,
    ) -> Option<Refusal> {
        let mailbox = mailbox.filter(|m| !m.is_ascii())?;
        if !self.smtputf8_offered() {
            return Some((
                ReplyKind::BadOctetInCommand,
                ReplyKind::BadOctetInCommand.default_text().to_owned(),
                format!(
                    "The {role} address {mailbox} is UTF-8, and this session did not offer \
                     SMTPUTF8, so a command is printable US-ASCII (RFC 5321 §2.4). A client \
                     writes a U-label domain as its A-label; a UTF-8 local-part cannot be \
                     sent here at all."
                ),
            ));
        }
        if transaction_says_utf8 {
            return None;
        }
        Some((
            ReplyKind::NonAsciiAddress,
            format!("Error: {mailbox}: non-ASCII address without SMTPUTF8"),
            format!(
                "The {role} address {mailbox} is UTF-8, but MAIL FROM did not say SMTPUTF8: \
                 the server offered it, yet this transaction did not ask for it (RFC 6531 §3.5)."
            ),
        ))
    }
}

/// What an accepted UTF-8 address adds to the reply's explanation: why it was allowed,
/// and its domain's A-label when the domain is a U-label.
pub(super) fn utf8_address_note(mailbox: &Mailbox) -> String {
    if mailbox.is_ascii() {
        return String::new();
    }
    let domain = mailbox.domain.as_str();
    let forms = DomainForms::of(domain)
        .ok()
        .filter(|forms| forms.ascii != domain.to_ascii_lowercase())
        .map(|forms| {
            format!(
                " Its domain {} is the A-label {} in DNS (RFC 5890 §2.3.2.1).",
                forms.unicode, forms.ascii
            )
        })
        .unwrap_or_default();
    format!(
        " The address is UTF-8, allowed because MAIL FROM said SMTPUTF8 (RFC 6531 §3.3).{forms}"
    )
}

/// True when the message's body (after the first empty line) is 7-bit, so any 8-bit
/// octets are in the header fields, which SMTPUTF8 lets be UTF-8 (RFC 6532 §3).
pub(super) fn body_is_seven_bit(message: &[u8]) -> bool {
    // A plain window scan: it runs once per SMTPUTF8 message, and the substring searcher
    // would add its code to the page's module for this one call.
    let body_start = message
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map_or(message.len(), |at| at + 4);
    message.get(body_start..).unwrap_or_default().is_ascii()
}

// Test code only: its unwraps run on fixed test inputs, never on a peer's octets.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_headers_and_a_seven_bit_body_are_told_apart() {
        assert!(body_is_seven_bit(
            "From: jörg@bücher.example\r\n\r\nHi\r\n".as_bytes()
        ));
        assert!(!body_is_seven_bit("Subject: x\r\n\r\nGrüße\r\n".as_bytes()));
        assert!(body_is_seven_bit("Subject: ü\r\n".as_bytes()));
    }

    #[test]
    fn a_note_names_the_a_label_of_a_u_label_domain() {
        let mailbox = Mailbox::parse("jörg@bücher.example").unwrap();
        let note = utf8_address_note(&mailbox);
        assert!(note.contains("xn--bcher-kva.example"), "{note}");
        assert!(utf8_address_note(&Mailbox::parse("a@example.org").unwrap()).is_empty());
        let local_only = utf8_address_note(&Mailbox::parse("jörg@example.org").unwrap());
        assert!(!local_only.contains("A-label"), "{local_only}");
    }
}
