//! What an RFC 3463 enhanced status code means, for explanations on the client side.
//! One table: every `subject.detail` pair registered by RFC 3463 (and the AUTH ones of
//! RFC 4954 / RFC 5248), with the registry's own wording. The class digit only says
//! "success / persistent transient / permanent", so it is looked up separately.

use serde::Serialize;

use super::reply::EnhancedCode;

/// `(subject, detail, meaning, defining RFC)`.
const DETAILS: &[(u16, u16, &str, &str)] = &[
    (0, 0, "Other undefined status", "RFC 3463 §3.1"),
    (1, 0, "Other address status", "RFC 3463 §3.2"),
    (1, 1, "Bad destination mailbox address", "RFC 3463 §3.2"),
    (1, 2, "Bad destination system address", "RFC 3463 §3.2"),
    (
        1,
        3,
        "Bad destination mailbox address syntax",
        "RFC 3463 §3.2",
    ),
    (
        1,
        4,
        "Destination mailbox address ambiguous",
        "RFC 3463 §3.2",
    ),
    (1, 5, "Destination address valid", "RFC 3463 §3.2"),
    (
        1,
        6,
        "Destination mailbox has moved, no forwarding address",
        "RFC 3463 §3.2",
    ),
    (1, 7, "Bad sender's mailbox address syntax", "RFC 3463 §3.2"),
    (1, 8, "Bad sender's system address", "RFC 3463 §3.2"),
    (2, 0, "Other or undefined mailbox status", "RFC 3463 §3.3"),
    (
        2,
        1,
        "Mailbox disabled, not accepting messages",
        "RFC 3463 §3.3",
    ),
    (2, 2, "Mailbox full", "RFC 3463 §3.3"),
    (
        2,
        3,
        "Message length exceeds administrative limit",
        "RFC 3463 §3.3",
    ),
    (2, 4, "Mailing list expansion problem", "RFC 3463 §3.3"),
    (
        3,
        0,
        "Other or undefined mail system status",
        "RFC 3463 §3.4",
    ),
    (3, 1, "Mail system full", "RFC 3463 §3.4"),
    (
        3,
        2,
        "System not accepting network messages",
        "RFC 3463 §3.4",
    ),
    (
        3,
        3,
        "System not capable of selected features",
        "RFC 3463 §3.4",
    ),
    (3, 4, "Message too big for system", "RFC 3463 §3.4"),
    (3, 5, "System incorrectly configured", "RFC 3463 §3.4"),
    (
        4,
        0,
        "Other or undefined network or routing status",
        "RFC 3463 §3.5",
    ),
    (4, 1, "No answer from host", "RFC 3463 §3.5"),
    (4, 2, "Bad connection", "RFC 3463 §3.5"),
    (4, 3, "Directory server failure", "RFC 3463 §3.5"),
    (4, 4, "Unable to route", "RFC 3463 §3.5"),
    (4, 5, "Mail system congestion", "RFC 3463 §3.5"),
    (4, 6, "Routing loop detected", "RFC 3463 §3.5"),
    (4, 7, "Delivery time expired", "RFC 3463 §3.5"),
    (5, 0, "Other or undefined protocol status", "RFC 3463 §3.6"),
    (5, 1, "Invalid command", "RFC 3463 §3.6"),
    (5, 2, "Syntax error", "RFC 3463 §3.6"),
    (5, 3, "Too many recipients", "RFC 3463 §3.6"),
    (5, 4, "Invalid command arguments", "RFC 3463 §3.6"),
    (5, 5, "Wrong protocol version", "RFC 3463 §3.6"),
    (
        5,
        6,
        "Authentication exchange line is too long",
        "RFC 4954 §6",
    ),
    (6, 0, "Other or undefined media error", "RFC 3463 §3.7"),
    (6, 1, "Media not supported", "RFC 3463 §3.7"),
    (6, 2, "Conversion required and prohibited", "RFC 3463 §3.7"),
    (
        6,
        3,
        "Conversion required but not supported",
        "RFC 3463 §3.7",
    ),
    (6, 4, "Conversion with loss performed", "RFC 3463 §3.7"),
    (6, 5, "Conversion failed", "RFC 3463 §3.7"),
    (
        6,
        7,
        "Non-ASCII addresses not permitted for that sender/recipient",
        "RFC 6531 §3.5",
    ),
    (7, 0, "Other or undefined security status", "RFC 3463 §3.8"),
    (
        7,
        1,
        "Delivery not authorized, message refused",
        "RFC 3463 §3.8",
    ),
    (7, 2, "Mailing list expansion prohibited", "RFC 3463 §3.8"),
    (
        7,
        3,
        "Security conversion required but not possible",
        "RFC 3463 §3.8",
    ),
    (7, 4, "Security features not supported", "RFC 3463 §3.8"),
    (7, 5, "Cryptographic failure", "RFC 3463 §3.8"),
    (
        7,
        6,
        "Cryptographic algorithm not supported",
        "RFC 3463 §3.8",
    ),
    (7, 7, "Message integrity failure", "RFC 3463 §3.8"),
    (7, 8, "Authentication credentials invalid", "RFC 4954 §6"),
    (7, 9, "Authentication mechanism is too weak", "RFC 4954 §6"),
    (7, 10, "Encryption needed", "RFC 5248 §2.4"),
    (
        7,
        11,
        "Encryption required for requested authentication mechanism",
        "RFC 4954 §6",
    ),
    (7, 12, "A password transition is needed", "RFC 4954 §6"),
];

/// The subject digit's heading (RFC 3463 §3).
const SUBJECTS: &[&str] = &[
    "Other or undefined status",
    "Addressing status",
    "Mailbox status",
    "Mail system status",
    "Network and routing status",
    "Mail delivery protocol status",
    "Message content or media status",
    "Security or policy status",
];

/// An enhanced code, explained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnhancedMeaning {
    /// The code as written, e.g. `5.7.1`.
    pub code: String,
    /// What the class digit says.
    pub class: &'static str,
    /// What the subject digit is about.
    pub subject: &'static str,
    /// The registered meaning of `subject.detail`, when the pair is registered.
    pub detail: Option<&'static str>,
    /// Where the meaning is defined.
    pub rfc: &'static str,
}

impl EnhancedMeaning {
    /// One line for an explanation, e.g. `5.7.1 Delivery not authorized, message refused
    /// (permanent failure)`.
    pub fn summary(&self) -> String {
        let mut text = String::new();
        self.write_summary(&mut text);
        text
    }

    /// Appends [`Self::summary`] to `text`, for explanations built in one string.
    pub fn write_summary(&self, text: &mut String) {
        text.push_str(&self.code);
        text.push(' ');
        text.push_str(self.detail.unwrap_or(self.subject));
        text.push_str(" (");
        text.push_str(self.class);
        text.push(')');
    }
}

/// Looks up what `code` means. Unregistered pairs still get their class and subject.
pub fn explain(code: EnhancedCode) -> EnhancedMeaning {
    let class = match code.class {
        2 => "success",
        4 => "persistent transient failure",
        _ => "permanent failure",
    };
    let subject = SUBJECTS
        .get(usize::from(code.subject))
        .copied()
        .unwrap_or("unregistered subject");
    let row = DETAILS
        .iter()
        .find(|(s, d, _, _)| *s == code.subject && *d == code.detail);
    EnhancedMeaning {
        code: code.to_string(),
        class,
        subject,
        detail: row.map(|(_, _, text, _)| *text),
        rfc: row.map_or("RFC 3463 §3", |(_, _, _, rfc)| *rfc),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_have_registry_wording() {
        let relay = explain(EnhancedCode::new(5, 7, 1));
        assert_eq!(
            relay.summary(),
            "5.7.1 Delivery not authorized, message refused (permanent failure)"
        );
        assert_eq!(relay.subject, "Security or policy status");
        let full = explain(EnhancedCode::new(4, 5, 3));
        assert_eq!(full.detail, Some("Too many recipients"));
        assert_eq!(full.class, "persistent transient failure");
        assert_eq!(explain(EnhancedCode::new(5, 7, 8)).rfc, "RFC 4954 §6");
    }

    #[test]
    fn unregistered_codes_fall_back_to_subject_or_nothing() {
        let odd = explain(EnhancedCode::new(5, 1, 99));
        assert_eq!(odd.detail, None);
        assert_eq!(
            odd.summary(),
            "5.1.99 Addressing status (permanent failure)"
        );
        assert_eq!(
            explain(EnhancedCode::new(2, 999, 999)).subject,
            "unregistered subject"
        );
    }

    #[test]
    fn table_has_no_duplicate_rows() {
        for (at, (s, d, _, _)) in DETAILS.iter().enumerate() {
            assert!(
                !DETAILS
                    .iter()
                    .skip(at + 1)
                    .any(|(s2, d2, _, _)| s2 == s && d2 == d),
                "{s}.{d}"
            );
        }
    }
}
