//! Turns a [`MessageSpec`] into RFC 5322 message text and then into DATA octets.
//!
//! The draft is built (and every value checked) when the client is created, before any
//! octet is sent; the body's transfer encoding is chosen later, once the server's
//! extensions are known (8BITMIME or not), by [`Draft::render`].

use serde::Serialize;

use super::address::NamedAddress;
use super::error::{reject_line_breaks, SpecError};
use super::header;
use super::spec::MessageSpec;
use crate::time::{rfc5322_date, Millis};

/// How the body goes on the wire (RFC 2045 §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TransferEncoding {
    /// Plain US-ASCII lines of at most 998 octets: no BODY parameter.
    SevenBit,
    /// UTF-8 as is, announced with `BODY=8BITMIME` (RFC 6152).
    EightBit,
    /// Quoted-printable: 7-bit, lines of at most 76 characters (RFC 2045 §6.7).
    QuotedPrintable,
    /// As is, any octets and line lengths, announced with `BODY=BINARYMIME` and sent
    /// only in BDAT chunks (RFC 3030 §3).
    Binary,
}

impl TransferEncoding {
    /// The Content-Transfer-Encoding value.
    pub(crate) fn header_value(self) -> &'static str {
        match self {
            Self::SevenBit => "7bit",
            Self::EightBit => "8bit",
            Self::QuotedPrintable => "quoted-printable",
            Self::Binary => "binary",
        }
    }
}

/// What the body needs, found once when the draft is built.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BodyTraits {
    /// Some octet is 0x80 or above (any non-ASCII character).
    pub eight_bit: bool,
    /// Some line is longer than 998 octets (RFC 5321 §4.5.3.1.6 allows 1000 with CRLF).
    pub long_line: bool,
    /// The body holds a NUL or another control octet SMTP text must not carry.
    pub control: bool,
}

impl BodyTraits {
    /// Reads the body (already CRLF-only, [`normalise_line_endings`]) with vector
    /// searches and folds that the compiler vectorises: the body is a message's
    /// largest part, so no octet-by-octet branching.
    fn of(body: &str) -> Self {
        let octets = body.as_bytes();
        let mut long_line = false;
        let mut line_start = 0;
        for lf in memchr::memchr_iter(b'\n', octets) {
            let line = octets.get(line_start..lf).unwrap_or_default();
            let text = line.strip_suffix(b"\r").unwrap_or(line);
            long_line |= text.len() > header::MAX_LINE;
            line_start = lf + 1;
        }
        long_line |= octets.len().saturating_sub(line_start) > header::MAX_LINE;
        let control = octets.iter().fold(false, |found, &octet| {
            found | ((octet < 32 && !matches!(octet, b'\t' | b'\r' | b'\n')) || octet == 127)
        });
        Self {
            eight_bit: !octets.is_ascii(),
            long_line,
            control,
        }
    }

    /// True when the body cannot go as it is even over 8BITMIME: quoted-printable then.
    pub(crate) fn needs_encoding(self) -> bool {
        self.long_line || self.control
    }
}

/// A message whose headers are final and whose body waits for its transfer encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    headers: String,
    body: String,
    traits: BodyTraits,
    /// A message relayed as received (see [`Draft::verbatim`]).
    verbatim: Option<Vec<u8>>,
}

impl Draft {
    /// Checks every value and builds the header block (no Bcc: RFC 5322 §3.6.3). `date`
    /// is used unless the spec gives one; `generated_id` unless it gives a Message-ID.
    /// A message with a UTF-8 local-part (which needs SMTPUTF8) writes its address
    /// fields and Subject in UTF-8 (RFC 6532 §3.2); any other writes them in ASCII.
    pub fn new(spec: &MessageSpec, date: Millis, generated_id: &str) -> Result<Self, SpecError> {
        let mut headers = String::new();
        let date = match &spec.date {
            Some(given) => given.clone(),
            None => rfc5322_date(date),
        };
        let utf8 = has_utf8_local_part(spec);
        headers.push_str(&header::structured("Date", &date)?);
        headers.push_str(&address_header(
            "From",
            std::slice::from_ref(&spec.from),
            utf8,
        )?);
        if !spec.to.is_empty() {
            headers.push_str(&address_header("To", &spec.to, utf8)?);
        }
        if !spec.cc.is_empty() {
            headers.push_str(&address_header("Cc", &spec.cc, utf8)?);
        }
        if utf8 {
            headers.push_str(&header::utf8_field("Subject", &spec.subject)?);
        } else {
            headers.push_str(&header::unstructured("Subject", &spec.subject)?);
        }
        let message_id = match &spec.message_id {
            Some(given) => checked_message_id(given)?,
            None => format!("<{generated_id}>"),
        };
        headers.push_str(&header::structured("Message-ID", &message_id)?);
        for extra in &spec.headers {
            header::check_name(&extra.name)?;
            headers.push_str(&header::unstructured(&extra.name, &extra.value)?);
        }
        let body = normalise_line_endings(&spec.body);
        Ok(Self {
            headers,
            traits: BodyTraits::of(&body),
            body,
            verbatim: None,
        })
    }

    /// A message an MTA passes on as it was received and stored (its own Received
    /// header already on top): sent octet for octet, whatever encoding is negotiated.
    /// It came in over SMTP, so its lines are already CRLF-terminated and within the
    /// 1000-octet limit; only its 8-bit octets matter (they need BODY=8BITMIME, RFC
    /// 6152 §3, and a relay may not re-encode a message it did not write).
    pub fn verbatim(mut text: Vec<u8>) -> Self {
        if !text.is_empty() && !text.ends_with(b"\r\n") {
            text.extend_from_slice(b"\r\n");
        }
        Self {
            headers: String::new(),
            body: String::new(),
            traits: BodyTraits {
                eight_bit: !text.is_ascii(),
                long_line: false,
                control: false,
            },
            verbatim: Some(text),
        }
    }

    /// What the body needs.
    pub fn traits(&self) -> BodyTraits {
        self.traits
    }

    /// The whole message with the MIME headers for `encoding` (RFC 2045 §4, §5, §6):
    /// CRLF line endings only, ending with CRLF.
    pub fn render(&self, encoding: TransferEncoding) -> Vec<u8> {
        if let Some(text) = &self.verbatim {
            return text.clone();
        }
        let charset = if self.traits.eight_bit {
            "utf-8"
        } else {
            "us-ascii"
        };
        let mut text = self.headers.clone().into_bytes();
        text.extend_from_slice(b"MIME-Version: 1.0\r\n");
        text.extend_from_slice(
            format!("Content-Type: text/plain; charset={charset}\r\n").as_bytes(),
        );
        text.extend_from_slice(
            format!("Content-Transfer-Encoding: {}\r\n", encoding.header_value()).as_bytes(),
        );
        text.extend_from_slice(b"\r\n");
        match encoding {
            TransferEncoding::QuotedPrintable => {
                text.extend(quoted_printable::encode(self.body.as_bytes()));
            }
            TransferEncoding::SevenBit | TransferEncoding::EightBit | TransferEncoding::Binary => {
                text.extend_from_slice(self.body.as_bytes());
            }
        }
        if !text.ends_with(b"\r\n") {
            text.extend_from_slice(b"\r\n");
        }
        text
    }
}

/// An address field: each entry in its header form (display names kept, quoted or
/// encoded as needed; see [`NamedAddress`]), separated by commas (RFC 5322 §3.6.2,
/// §3.6.3). UTF-8 as written when the message uses SMTPUTF8 (`utf8`).
fn address_header(name: &str, entries: &[String], utf8: bool) -> Result<String, SpecError> {
    let forms = entries
        .iter()
        .map(|entry| NamedAddress::parse(entry, name).map(|address| address.header_form(utf8)))
        .collect::<Result<Vec<_>, _>>()?;
    if utf8 {
        header::utf8_field(name, &forms.join(", "))
    } else {
        header::structured(name, &forms.join(", "))
    }
}

/// True when an address of the message (Bcc included: it is on the envelope) has a
/// UTF-8 local-part, so the message needs SMTPUTF8. Addresses that do not parse are
/// refused by the header they are in.
fn has_utf8_local_part(spec: &MessageSpec) -> bool {
    core::iter::once(&spec.from)
        .chain(&spec.to)
        .chain(&spec.cc)
        .chain(&spec.bcc)
        .filter_map(|entry| NamedAddress::parse(entry, "recipient").ok())
        .any(|address| !address.mailbox.local_part_is_ascii())
}

impl MessageSpec {
    /// True when `recipient` (an envelope mailbox, `local@domain`) got the message only
    /// as a blind copy: listed under Bcc and not under To or Cc (RFC 5322 §3.6.3).
    /// Mailboxes compare as the envelope does: the local-part exactly, the domain
    /// without case (RFC 5321 §2.4).
    pub fn is_blind_copy(&self, recipient: &str) -> bool {
        let listed =
            |entries: &[String]| entries.iter().any(|entry| same_mailbox(entry, recipient));
        listed(&self.bcc) && !listed(&self.to) && !listed(&self.cc)
    }
}

/// True when the address entry `entry` (display name allowed) names `mailbox`.
fn same_mailbox(entry: &str, mailbox: &str) -> bool {
    let (Ok(entry), Ok(mailbox)) = (
        NamedAddress::parse(entry, "recipient"),
        NamedAddress::parse(mailbox, "recipient"),
    ) else {
        return false;
    };
    entry.mailbox.local_part == mailbox.mailbox.local_part
        && entry
            .mailbox
            .domain
            .as_str()
            .eq_ignore_ascii_case(mailbox.mailbox.domain.as_str())
}

/// A given Message-ID: `id-left@id-right`, angle brackets optional, printable ASCII
/// without spaces (RFC 5322 §3.6.4).
fn checked_message_id(given: &str) -> Result<String, SpecError> {
    reject_line_breaks("the Message-ID", given)?;
    let inner = given.trim().trim_start_matches('<').trim_end_matches('>');
    let valid = inner.len() <= 250
        && inner.matches('@').count() == 1
        && !inner.starts_with('@')
        && !inner.ends_with('@')
        && inner
            .bytes()
            .all(|b| (33..=126).contains(&b) && !matches!(b, b'<' | b'>'));
    if valid {
        Ok(format!("<{inner}>"))
    } else {
        Err(SpecError::MessageId {
            given: given.to_owned(),
        })
    }
}

/// CRLF, lone CR and lone LF all become CRLF (RFC 5321 §2.3.8), and a non-empty body
/// ends with CRLF. One pass that copies the runs between line breaks whole.
pub(crate) fn normalise_line_endings(body: &str) -> String {
    let mut text = String::with_capacity(body.len() + body.len() / 32 + 2);
    let mut rest = body;
    while let Some(at) = memchr::memchr2(b'\r', b'\n', rest.as_bytes()) {
        // CR and LF are ASCII, so `at` and `at + 1` are character boundaries.
        text.push_str(rest.get(..at).unwrap_or_default());
        text.push_str("\r\n");
        let tail = rest.get(at..).unwrap_or_default();
        rest = tail
            .strip_prefix("\r\n")
            .or_else(|| tail.get(1..))
            .unwrap_or_default();
    }
    text.push_str(rest);
    if !text.is_empty() && !text.ends_with("\r\n") {
        text.push_str("\r\n");
    }
    text
}

/// DATA octets: each line starting with "." gets another "." (RFC 5321 §4.5.2), then
/// the terminating CRLF "." CRLF. `message` must already use CRLF only.
pub(crate) fn dot_stuff(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + 8);
    let mut rest = message;
    while !rest.is_empty() {
        if rest.first() == Some(&b'.') {
            out.push(b'.');
        }
        let line_end = memchr::memchr(b'\n', rest).map_or(rest.len(), |lf| lf + 1);
        let (line, tail) = rest.split_at(line_end);
        out.extend_from_slice(line);
        rest = tail;
    }
    if !message.is_empty() && !message.ends_with(b"\n") {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::spec::Header;

    fn draft(spec: &MessageSpec) -> Draft {
        Draft::new(spec, 0, "id@client.example").unwrap()
    }

    fn text(spec: &MessageSpec, encoding: TransferEncoding) -> String {
        String::from_utf8(draft(spec).render(encoding)).unwrap()
    }

    #[test]
    fn a_blind_copy_is_a_bcc_recipient_not_also_in_to_or_cc() {
        let spec = MessageSpec {
            to: vec!["Bob <bob@example.org>".into()],
            cc: vec!["carol@example.org".into()],
            bcc: vec!["Dave <dave@Example.ORG>".into(), "carol@example.org".into()],
            ..MessageSpec::default()
        };
        assert!(
            spec.is_blind_copy("dave@example.org"),
            "domain without case"
        );
        assert!(
            !spec.is_blind_copy("Dave@example.org"),
            "local-part exactly"
        );
        assert!(
            !spec.is_blind_copy("carol@example.org"),
            "also a Cc recipient"
        );
        assert!(!spec.is_blind_copy("bob@example.org"));
        assert!(!spec.is_blind_copy("not an address"));
    }

    #[test]
    fn stuffs_leading_dots_and_terminates() {
        assert_eq!(dot_stuff(b"a\r\n.b\r\n"), b"a\r\n..b\r\n.\r\n");
        assert_eq!(dot_stuff(b".\r\n"), b"..\r\n.\r\n");
        assert_eq!(dot_stuff(b"no newline"), b"no newline\r\n.\r\n");
    }

    #[test]
    fn line_endings_become_crlf() {
        assert_eq!(
            normalise_line_endings("a\nb\rc\r\nd"),
            "a\r\nb\r\nc\r\nd\r\n"
        );
        assert_eq!(normalise_line_endings(""), "");
        assert_eq!(normalise_line_endings("\r\r\n\n\r"), "\r\n\r\n\r\n\r\n");
        assert_eq!(normalise_line_endings("ü\rx"), "ü\r\nx\r\n");
    }

    /// The rules spelled out one at a time, to hold the one-pass versions to.
    fn normalised_by_replacing(body: &str) -> String {
        let mut text = body
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .replace('\n', "\r\n");
        if !text.is_empty() && !text.ends_with("\r\n") {
            text.push_str("\r\n");
        }
        text
    }

    fn stuffed_octet_by_octet(message: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut at_line_start = true;
        for &byte in message {
            if at_line_start && byte == b'.' {
                out.push(b'.');
            }
            out.push(byte);
            at_line_start = byte == b'\n';
        }
        if !at_line_start && !message.is_empty() {
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b".\r\n");
        out
    }

    proptest::proptest! {
        #[test]
        fn one_pass_rewrites_match_the_rules(body in "[a.\r\n\t\u{7f}\u{0}é]{0,40}") {
            let normalised = normalise_line_endings(&body);
            proptest::prop_assert_eq!(&normalised, &normalised_by_replacing(&body));
            proptest::prop_assert_eq!(
                dot_stuff(body.as_bytes()),
                stuffed_octet_by_octet(body.as_bytes())
            );
            let traits = BodyTraits::of(&normalised);
            proptest::prop_assert_eq!(traits.eight_bit, !normalised.is_ascii());
            proptest::prop_assert_eq!(
                traits.control,
                normalised.bytes().any(|b| b < 32 && !matches!(b, b'\t' | b'\r' | b'\n') || b == 127)
            );
        }

        #[test]
        fn long_lines_are_found_in_one_pass(lengths in proptest::collection::vec(990usize..1005, 1..4)) {
            let body: String = lengths.iter().map(|n| format!("{}\r\n", "x".repeat(*n))).collect();
            let longest = lengths.iter().copied().max().unwrap_or_default();
            proptest::prop_assert_eq!(BodyTraits::of(&body).long_line, longest > header::MAX_LINE);
        }
    }

    #[test]
    fn bcc_never_appears_in_headers() {
        let spec = MessageSpec {
            bcc: vec!["hidden@example.org".into()],
            ..MessageSpec::default()
        };
        let text = text(&spec, TransferEncoding::SevenBit);
        assert!(!text.contains("hidden@example.org"));
        assert!(!text.to_ascii_lowercase().contains("bcc:"));
    }

    #[test]
    fn date_and_message_id_come_from_the_inputs_unless_given() {
        let generated = text(&MessageSpec::default(), TransferEncoding::SevenBit);
        assert!(generated.starts_with("Date: Thu, 1 Jan 1970 00:00:00 +0000\r\n"));
        assert!(generated.contains("\r\nMessage-ID: <id@client.example>\r\n"));
        let spec = MessageSpec {
            date: Some("Mon, 2 Mar 2026 10:00:00 +0100".into()),
            message_id: Some("abc@host.example".into()),
            ..MessageSpec::default()
        };
        let given = text(&spec, TransferEncoding::SevenBit);
        assert!(given.starts_with("Date: Mon, 2 Mar 2026 10:00:00 +0100\r\n"));
        assert!(given.contains("\r\nMessage-ID: <abc@host.example>\r\n"));
        for bad in ["no-at-sign", "a@b@c", "sp ace@x", "<>"] {
            let spec = MessageSpec {
                message_id: Some(bad.into()),
                ..MessageSpec::default()
            };
            assert!(Draft::new(&spec, 0, "x@y").is_err(), "{bad}");
        }
    }

    #[test]
    fn extra_headers_follow_in_order_and_unicode_is_encoded() {
        let spec = MessageSpec {
            subject: "Grüße".into(),
            headers: vec![
                Header {
                    name: "X-Mailer".into(),
                    value: "playground".into(),
                },
                Header {
                    name: "X-Note".into(),
                    value: "naïve".into(),
                },
            ],
            ..MessageSpec::default()
        };
        let text = text(&spec, TransferEncoding::SevenBit);
        assert!(
            text.contains("Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n"),
            "{text}"
        );
        let mailer = text.find("X-Mailer: playground\r\n").unwrap();
        let note = text.find("X-Note: =?UTF-8?B?").unwrap();
        assert!(mailer < note);
        let (head, _) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.is_ascii());
    }

    #[test]
    fn a_utf8_local_part_makes_utf8_headers_and_an_idn_domain_alone_an_a_label() {
        let utf8 = text(
            &MessageSpec {
                from: "jörg@bücher.example".into(),
                subject: "Grüße".into(),
                ..MessageSpec::default()
            },
            TransferEncoding::SevenBit,
        );
        assert!(utf8.contains("\r\nFrom: jörg@bücher.example\r\n"), "{utf8}");
        assert!(utf8.contains("\r\nSubject: Grüße\r\n"), "{utf8}");
        let idn = text(
            &MessageSpec {
                to: vec!["Bob <bob@bücher.example>".into()],
                subject: "Grüße".into(),
                ..MessageSpec::default()
            },
            TransferEncoding::SevenBit,
        );
        assert!(idn.contains("\r\nTo: Bob <bob@xn--bcher-kva.example>\r\n"));
        let (head, _) = idn.split_once("\r\n\r\n").unwrap();
        assert!(head.is_ascii(), "{head}");
    }

    #[test]
    fn header_injection_is_refused_before_sending() {
        let spec = MessageSpec {
            subject: "hi\r\nBcc: eve@example.com".into(),
            ..MessageSpec::default()
        };
        let error = Draft::new(&spec, 0, "x@y").unwrap_err();
        assert!(
            error.to_string().contains("Subject") && error.to_string().contains("CR"),
            "{error}"
        );
    }

    #[test]
    fn body_traits_are_detected() {
        let ascii = draft(&MessageSpec::default()).traits();
        assert_eq!(ascii, BodyTraits::default());
        let utf8 = draft(&MessageSpec {
            body: "café".into(),
            ..MessageSpec::default()
        })
        .traits();
        assert!(utf8.eight_bit && !utf8.needs_encoding());
        let long = draft(&MessageSpec {
            body: "y".repeat(999),
            ..MessageSpec::default()
        })
        .traits();
        assert!(long.long_line && long.needs_encoding());
        let exactly = draft(&MessageSpec {
            body: "y".repeat(998),
            ..MessageSpec::default()
        })
        .traits();
        assert!(!exactly.long_line);
        assert!(
            draft(&MessageSpec {
                body: "a\0b".into(),
                ..MessageSpec::default()
            })
            .traits()
            .control
        );
    }

    #[test]
    fn quoted_printable_is_seven_bit_short_lined_and_decodes_back() {
        let body = format!("Grüße\n.dot\n{}\nend ", "z".repeat(2000));
        let spec = MessageSpec {
            body: body.clone(),
            ..MessageSpec::default()
        };
        let text = text(&spec, TransferEncoding::QuotedPrintable);
        assert!(text.is_ascii());
        assert!(text.contains("Content-Transfer-Encoding: quoted-printable\r\n"));
        assert!(text.contains("Content-Type: text/plain; charset=utf-8\r\n"));
        assert!(text.split("\r\n").all(|line| line.len() <= 78));
        assert!(!text.replace("\r\n", "").contains(['\r', '\n']));
        let (_, encoded) = text.split_once("\r\n\r\n").unwrap();
        let decoded =
            quoted_printable::decode(encoded, quoted_printable::ParseMode::Strict).unwrap();
        assert_eq!(
            String::from_utf8(decoded).unwrap(),
            normalise_line_endings(&body)
        );
    }

    #[test]
    fn eight_bit_rendering_keeps_utf8() {
        let spec = MessageSpec {
            body: "¡Hola!".into(),
            ..MessageSpec::default()
        };
        let text = text(&spec, TransferEncoding::EightBit);
        assert!(text.contains("Content-Transfer-Encoding: 8bit\r\n"));
        assert!(text.ends_with("\r\n\r\n¡Hola!\r\n"));
    }
}
