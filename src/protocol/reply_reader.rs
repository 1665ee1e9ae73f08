//! Reads replies on the client side: multi-line replies (`250-…` continued, `250 …` last,
//! RFC 5321 §4.2.1), each line bounded, malformed lines reported instead of trusted.

use super::line_reader::LineReader;
use super::reply::{EnhancedCode, Reply, ReplyCode};

/// Longest reply line, CRLF included (RFC 5321 §4.5.3.1.5).
pub const MAX_REPLY_LINE: usize = 512;
/// Most lines one reply may have before the reader gives up on it. Real EHLO replies
/// have about 15; the bound keeps a hostile server from growing memory forever.
pub const MAX_REPLY_LINES: usize = 256;

/// What the reader produced from the input so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplyStatus {
    /// A whole reply.
    Complete(Reply),
    /// The server sent something that is not a reply; the text says what.
    Malformed(String),
}

/// Collects reply lines into replies.
#[derive(Clone, Debug)]
pub struct ReplyReader {
    lines: LineReader,
    pending: Option<Reply>,
    enhanced_expected: bool,
}

impl Default for ReplyReader {
    fn default() -> Self {
        Self::new()
    }
}

impl ReplyReader {
    /// A reader with the RFC limits.
    pub fn new() -> Self {
        Self {
            // The reader keeps one octet more than the limit so "too long" can be told
            // apart from "exactly at the limit".
            lines: LineReader::new(MAX_REPLY_LINE),
            pending: None,
            enhanced_expected: false,
        }
    }

    /// After ENHANCEDSTATUSCODES was negotiated, split the enhanced code off each line.
    pub(crate) fn expect_enhanced_codes(&mut self, expected: bool) {
        self.enhanced_expected = expected;
    }

    /// Changes the longest reply line accepted, CRLF included. A client raises it to
    /// [`super::MAX_AUTH_LINE`] while an AUTH exchange runs, because a `334` challenge
    /// may be that long (RFC 4954 §4), and lowers it back to [`MAX_REPLY_LINE`] after.
    pub(crate) fn set_max_line(&mut self, limit: usize) {
        self.lines.set_limit(limit);
    }

    /// The longest reply line accepted now, CRLF included.
    #[cfg(test)]
    pub(crate) fn max_line(&self) -> usize {
        self.lines.limit()
    }

    /// True when part of a reply has arrived.
    pub(crate) fn is_mid_reply(&self) -> bool {
        self.pending.is_some() || self.lines.has_partial()
    }

    /// Consumes input until one reply (or one malformed line) is finished.
    pub fn read(&mut self, input: &mut &[u8]) -> Option<ReplyStatus> {
        while let Some(line) = self.lines.read(input) {
            if line.overflowed {
                self.pending = None;
                return Some(ReplyStatus::Malformed(format!(
                    "reply line of {} octets is over the {}-octet limit (RFC 5321 §4.5.3.1.5; RFC 4954 §4 during AUTH)",
                    line.wire_len,
                    self.lines.limit()
                )));
            }
            match self.accept_line(&line.content) {
                Ok(Some(reply)) => return Some(ReplyStatus::Complete(reply)),
                Ok(None) => {}
                Err(problem) => {
                    self.pending = None;
                    return Some(ReplyStatus::Malformed(problem));
                }
            }
        }
        None
    }

    fn accept_line(&mut self, content: &[u8]) -> Result<Option<Reply>, String> {
        let text = String::from_utf8_lossy(content);
        let (code, is_last, rest) = split_reply_line(&text)?;
        let (enhanced, rest) = match EnhancedCode::parse_prefix(rest) {
            Some((enhanced, after)) if self.enhanced_expected => (Some(enhanced), after),
            _ => (None, rest),
        };
        let reply = self
            .pending
            .get_or_insert_with(|| Reply::multiline(code, enhanced, Vec::new()));
        if reply.code != code {
            return Err(format!(
                "line with code {code} inside a {} reply (RFC 5321 §4.2.1 says every line has the same code)",
                reply.code
            ));
        }
        if reply.lines.len() == 1 && reply.lines.first().is_some_and(String::is_empty) {
            reply.lines.clear();
        }
        if reply.lines.len() >= MAX_REPLY_LINES {
            return Err(format!("reply has more than {MAX_REPLY_LINES} lines"));
        }
        reply.lines.push(rest.to_owned());
        if is_last {
            return Ok(self.pending.take());
        }
        Ok(None)
    }
}

/// `code SP text` (last line), `code - text` (more follow) or a bare `code`.
fn split_reply_line(text: &str) -> Result<(ReplyCode, bool, &str), String> {
    let digits = text.get(..3).unwrap_or_default();
    let code = digits
        .parse::<u16>()
        .ok()
        .filter(|_| digits.bytes().all(|b| b.is_ascii_digit()))
        .and_then(ReplyCode::new)
        .ok_or_else(|| {
            format!(
                "'{}' does not start with a reply code 200–599",
                preview(text)
            )
        })?;
    match text.as_bytes().get(3) {
        None => Ok((code, true, "")),
        Some(b' ') => Ok((code, true, text.get(4..).unwrap_or_default())),
        Some(b'-') => Ok((code, false, text.get(4..).unwrap_or_default())),
        Some(_) => Err(format!(
            "'{}': after the code comes a space or '-' (RFC 5321 §4.2)",
            preview(text)
        )),
    }
}

fn preview(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(reader: &mut ReplyReader, mut input: &[u8]) -> Vec<ReplyStatus> {
        let mut out = Vec::new();
        while let Some(status) = reader.read(&mut input) {
            out.push(status);
        }
        out
    }

    #[test]
    fn reads_multiline_ehlo_reply() {
        let mut reader = ReplyReader::new();
        let out = read_all(
            &mut reader,
            b"250-mx.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n",
        );
        let ReplyStatus::Complete(reply) = &out[0] else {
            panic!("{out:?}")
        };
        assert_eq!(reply.lines, ["mx.example", "PIPELINING", "8BITMIME"]);
    }

    #[test]
    fn splits_enhanced_codes_when_negotiated() {
        let mut reader = ReplyReader::new();
        reader.expect_enhanced_codes(true);
        let out = read_all(&mut reader, b"550 5.7.1 Relay access denied\r\n");
        let ReplyStatus::Complete(reply) = &out[0] else {
            panic!()
        };
        assert_eq!(reply.enhanced, Some(EnhancedCode::new(5, 7, 1)));
        assert_eq!(reply.lines, ["Relay access denied"]);
    }

    #[test]
    fn reports_garbage_and_mixed_codes() {
        let mut reader = ReplyReader::new();
        let out = read_all(&mut reader, b"hello\r\n250-a\r\n251 b\r\n");
        assert!(matches!(out[0], ReplyStatus::Malformed(_)));
        assert!(matches!(out[1], ReplyStatus::Malformed(_)));
    }

    #[test]
    fn raised_limit_accepts_a_long_auth_challenge_and_lowering_restores_it() {
        let mut line = b"334 ".to_vec();
        line.extend(vec![b'Q'; 4000]);
        line.extend(b"\r\n");
        let mut reader = ReplyReader::new();
        reader.set_max_line(crate::protocol::MAX_AUTH_LINE);
        let out = read_all(&mut reader, &line);
        let ReplyStatus::Complete(reply) = &out[0] else {
            panic!("{out:?}")
        };
        assert_eq!(reply.lines[0].len(), 4000);
        reader.set_max_line(MAX_REPLY_LINE);
        assert_eq!(reader.max_line(), MAX_REPLY_LINE);
        assert!(matches!(
            read_all(&mut reader, &line)[0],
            ReplyStatus::Malformed(_)
        ));
    }

    #[test]
    fn overlong_reply_line_is_reported() {
        let mut reader = ReplyReader::new();
        let mut line = b"250 ".to_vec();
        line.extend(vec![b'x'; 600]);
        line.extend(b"\r\n");
        assert!(matches!(
            read_all(&mut reader, &line)[0],
            ReplyStatus::Malformed(_)
        ));
    }
}
