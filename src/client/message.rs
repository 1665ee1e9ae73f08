//! Turns a [`MessageSpec`] into RFC 5322 message text and then into DATA octets.

use super::spec::MessageSpec;
use crate::time::{rfc5322_date, Millis};

/// Builds the message: headers (no Bcc: RFC 5322 §3.6.3), a blank line, the body with
/// every line ending made CRLF.
pub fn compose(spec: &MessageSpec, date: Millis, message_id: &str) -> Vec<u8> {
    let mut text = String::new();
    push_header(&mut text, "From", &spec.from);
    if !spec.to.is_empty() {
        push_header(&mut text, "To", &spec.to.join(", "));
    }
    if !spec.cc.is_empty() {
        push_header(&mut text, "Cc", &spec.cc.join(", "));
    }
    push_header(&mut text, "Subject", &spec.subject);
    push_header(&mut text, "Date", &rfc5322_date(date));
    push_header(&mut text, "Message-ID", &format!("<{message_id}>"));
    text.push_str("\r\n");
    text.push_str(&normalise_line_endings(&spec.body));
    if !text.ends_with("\r\n") {
        text.push_str("\r\n");
    }
    text.into_bytes()
}

fn push_header(text: &mut String, name: &str, value: &str) {
    text.push_str(name);
    text.push_str(": ");
    text.push_str(value);
    text.push_str("\r\n");
}

/// CRLF, lone CR and lone LF all become CRLF (RFC 5321 §2.3.8).
pub fn normalise_line_endings(body: &str) -> String {
    body.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', "\r\n")
}

/// DATA octets: each line starting with "." gets another "." (RFC 5321 §4.5.2), then
/// the terminating CRLF "." CRLF. `message` must already use CRLF only.
pub fn dot_stuff(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + 8);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stuffs_leading_dots_and_terminates() {
        assert_eq!(dot_stuff(b"a\r\n.b\r\n"), b"a\r\n..b\r\n.\r\n");
        assert_eq!(dot_stuff(b".\r\n"), b"..\r\n.\r\n");
        assert_eq!(dot_stuff(b"no newline"), b"no newline\r\n.\r\n");
    }

    #[test]
    fn line_endings_become_crlf() {
        assert_eq!(normalise_line_endings("a\nb\rc\r\nd"), "a\r\nb\r\nc\r\nd");
    }

    #[test]
    fn bcc_never_appears_in_headers() {
        let spec = MessageSpec {
            bcc: vec!["hidden@example.org".into()],
            ..MessageSpec::default()
        };
        let text = String::from_utf8(compose(&spec, 0, "id@x")).unwrap();
        assert!(!text.contains("hidden@example.org"));
        assert!(!text.to_ascii_lowercase().contains("bcc:"));
    }
}
