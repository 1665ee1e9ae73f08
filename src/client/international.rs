//! What internationalized addresses ask of the client (RFC 6530, RFC 6531, RFC 5890).
//!
//! WHY decided from the message alone, before any server is seen: a UTF-8 local-part
//! has no ASCII spelling, so the message needs SMTPUTF8 whatever the server offers (and
//! cannot be sent where it is not offered, RFC 6531 §3.2), while a U-label domain always
//! has one, its A-label. So a message whose local-parts are all ASCII never uses
//! SMTPUTF8: its domains go as A-labels, in the envelope and the header alike. A message
//! that needs SMTPUTF8 sends every address as written.

use crate::protocol::idn::{self, DomainForms};
use crate::protocol::{Domain, Mailbox};

/// What the message's addresses need, found once when it is prepared.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Needs {
    /// The first address whose local-part is UTF-8: why the message needs SMTPUTF8.
    pub utf8_address: Option<String>,
    /// Each distinct internationalized domain of the envelope, in both forms.
    pub domains: Vec<DomainForms>,
}

impl Needs {
    /// What `mailboxes` (the envelope, as written) need.
    pub fn of<'a>(mailboxes: impl IntoIterator<Item = &'a Mailbox>) -> Self {
        let mut needs = Self::default();
        for mailbox in mailboxes {
            if needs.utf8_address.is_none() && !mailbox.local_part_is_ascii() {
                needs.utf8_address = Some(mailbox.to_string());
            }
            let domain = mailbox.domain.as_str();
            if !idn::is_internationalized(domain) {
                continue;
            }
            if let Ok(forms) = DomainForms::of(domain) {
                if !needs.domains.contains(&forms) {
                    needs.domains.push(forms);
                }
            }
        }
        needs
    }

    /// True when only SMTPUTF8 can carry the message.
    pub fn smtputf8(&self) -> bool {
        self.utf8_address.is_some()
    }
}

/// The mailbox as the wire carries it: as written when the message uses SMTPUTF8,
/// with its domain's A-label otherwise (RFC 5890 §2.3.2.1).
pub(crate) fn on_the_wire(mailbox: Mailbox, smtputf8: bool) -> Mailbox {
    if smtputf8 || mailbox.domain.as_str().is_ascii() {
        return mailbox;
    }
    match idn::to_ascii(mailbox.domain.as_str()) {
        Ok(ascii) => Mailbox {
            local_part: mailbox.local_part,
            domain: Domain::Name(ascii),
        },
        Err(_) => mailbox,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox(text: &str) -> Mailbox {
        Mailbox::parse(text).unwrap()
    }

    #[test]
    fn only_a_utf8_local_part_needs_smtputf8() {
        let ascii = [mailbox("alice@example.net"), mailbox("bob@bücher.example")];
        let needs = Needs::of(&ascii);
        assert!(!needs.smtputf8());
        assert_eq!(needs.domains.len(), 1);
        assert_eq!(needs.domains[0].ascii, "xn--bcher-kva.example");
        let utf8 = [mailbox("alice@example.net"), mailbox("jörg@bücher.example")];
        let needs = Needs::of(&utf8);
        assert_eq!(needs.utf8_address.as_deref(), Some("jörg@bücher.example"));
        assert_eq!(needs.domains.len(), 1);
    }

    #[test]
    fn without_smtputf8_the_domain_goes_as_its_a_label() {
        let idn = mailbox("bob@bücher.example");
        assert_eq!(
            on_the_wire(idn.clone(), false).to_string(),
            "bob@xn--bcher-kva.example"
        );
        assert_eq!(on_the_wire(idn, true).to_string(), "bob@bücher.example");
    }
}
