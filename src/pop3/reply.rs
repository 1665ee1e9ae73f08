//! A POP3 reply and its wire form: a status line, and for multi-line replies the body
//! lines byte-stuffed and ended by a lone dot (RFC 1939 §3). The wire text is produced
//! here and nowhere else.

use serde::Serialize;

use super::codes::{Pop3ReplyKind, Status};

/// One reply as the server sends it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pop3Reply {
    /// Which table row.
    pub kind: Pop3ReplyKind,
    /// The text after the status indicator (may be empty).
    pub text: String,
    /// For multi-line replies, the body lines without line endings and before stuffing.
    pub body: Option<Vec<Vec<u8>>>,
}

impl Pop3Reply {
    /// A single-line reply.
    pub fn line(kind: Pop3ReplyKind, text: impl Into<String>) -> Self {
        Self {
            kind,
            text: text.into(),
            body: None,
        }
    }

    /// A multi-line reply: status line, `lines`, then the terminating dot.
    pub(crate) fn multi_line(
        kind: Pop3ReplyKind,
        text: impl Into<String>,
        lines: Vec<Vec<u8>>,
    ) -> Self {
        Self {
            kind,
            text: text.into(),
            body: Some(lines),
        }
    }

    /// `+OK` or `-ERR`.
    pub fn status(&self) -> Status {
        self.kind.status()
    }

    /// The status line without CRLF, e.g. `+OK 2 320`.
    pub(crate) fn status_line(&self) -> String {
        if self.text.is_empty() {
            self.status().wire().to_owned()
        } else {
            format!("{} {}", self.status().wire(), self.text)
        }
    }

    /// The octets to send: status line, then any body lines byte-stuffed (a line that
    /// starts with '.' gets one more '.'), then `.` CRLF (RFC 1939 §3).
    pub fn encode(&self) -> Vec<u8> {
        let mut wire = self.status_line().into_bytes();
        wire.extend_from_slice(b"\r\n");
        if let Some(lines) = &self.body {
            for line in lines {
                if line.first() == Some(&b'.') {
                    wire.push(b'.');
                }
                wire.extend_from_slice(line);
                wire.extend_from_slice(b"\r\n");
            }
            wire.extend_from_slice(b".\r\n");
        }
        wire
    }
}

/// Splits a stored message into lines without endings. CRLF and a bare LF both end a
/// line, so what is sent always uses CRLF; a last line without an ending still counts.
pub(crate) fn message_lines(message: &[u8]) -> Vec<Vec<u8>> {
    let mut lines: Vec<Vec<u8>> = message
        .split(|&octet| octet == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line).to_vec())
        .collect();
    if message.is_empty() || message.ends_with(b"\n") {
        lines.pop();
    }
    lines
}

/// The size RFC 1939 §5 asks LIST, STAT and RETR to report: the message as it is sent,
/// every line end counted as the two octets of CRLF, before byte-stuffing. For a
/// message stored with CRLF endings this is its length.
pub fn wire_size(message: &[u8]) -> usize {
    message_lines(message).iter().fold(0usize, |size, line| {
        size.saturating_add(line.len()).saturating_add(2)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_line_reply_is_stuffed_and_terminated() {
        let lines = message_lines(b"Subject: x\r\n\r\n.hidden\r\n..two\r\nlast");
        let reply = Pop3Reply::multi_line(Pop3ReplyKind::MessageFollows, "30 octets", lines);
        assert_eq!(
            reply.encode(),
            b"+OK 30 octets\r\nSubject: x\r\n\r\n..hidden\r\n...two\r\nlast\r\n.\r\n"
        );
    }

    #[test]
    fn empty_message_is_just_the_terminator() {
        let reply = Pop3Reply::multi_line(Pop3ReplyKind::MessageFollows, "", message_lines(b""));
        assert_eq!(reply.encode(), b"+OK\r\n.\r\n");
        assert_eq!(
            message_lines(b"a\nb\r\n"),
            vec![b"a".to_vec(), b"b".to_vec()]
        );
    }

    #[test]
    fn single_line_reply() {
        let reply = Pop3Reply::line(Pop3ReplyKind::NoSuchMessage, "no such message");
        assert_eq!(reply.encode(), b"-ERR no such message\r\n");
    }

    #[test]
    fn wire_size_counts_every_line_end_as_crlf() {
        assert_eq!(wire_size(b"Subject: x\r\n\r\nbody\r\n"), 20);
        assert_eq!(wire_size(b"a\nb"), 6);
        assert_eq!(wire_size(b""), 0);
    }
}
