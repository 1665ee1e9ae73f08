//! A bounded line reader. Incomplete input is a state, not an error: `read` returns
//! `None` until a whole line has arrived. A line longer than the limit is not kept: its
//! excess is dropped as it arrives and the line is reported as `overflowed` once its LF
//! shows up, so memory stays at the limit whatever a peer sends (RFC 5321 §4.5.3.1).

use memchr::memchr;

/// How a line ended on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum LineEnding {
    /// CR LF, the only ending RFC 5321 §2.3.8 allows.
    CrLf,
    /// A LF with no CR before it.
    BareLf,
}

/// One line as read from the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// The content without the line ending. When `overflowed`, only the first
    /// `limit` octets are kept.
    pub content: Vec<u8>,
    /// The ending that terminated it.
    pub ending: LineEnding,
    /// True when the line (with its ending) was longer than the limit.
    pub overflowed: bool,
    /// The full length on the wire, ending included, even when overflowed.
    pub wire_len: usize,
}

/// What [`LineReader::read_into`] found about the line it wrote out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineInfo {
    /// The ending that terminated it.
    pub ending: LineEnding,
    /// True when the line (with its ending) was longer than the limit.
    pub overflowed: bool,
    /// The full length on the wire, ending included, even when overflowed.
    pub wire_len: usize,
}

/// Collects octets into lines of at most `limit` octets (ending included).
#[derive(Clone, Debug)]
pub struct LineReader {
    limit: usize,
    partial: Vec<u8>,
    partial_len: usize,
}

impl LineReader {
    /// A reader for lines of at most `limit` octets, CRLF included.
    pub fn new(limit: usize) -> Self {
        Self {
            limit,
            partial: Vec::new(),
            partial_len: 0,
        }
    }

    /// Changes the limit (AUTH continuation lines may be longer than commands).
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
    }

    /// The current limit.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Octets of an unfinished line held so far (never more than the limit).
    pub fn buffered(&self) -> usize {
        self.partial.len()
    }

    /// True when part of a line has arrived without its LF.
    pub fn has_partial(&self) -> bool {
        self.partial_len > 0
    }

    /// Takes octets from the front of `input` up to and including the next LF and
    /// returns the finished line, or `None` when `input` ran out first (everything was
    /// consumed and is remembered for the next call).
    pub fn read(&mut self, input: &mut &[u8]) -> Option<Line> {
        let mut content = Vec::new();
        let info = self.read_into(input, &mut content)?;
        Some(Line {
            content,
            ending: info.ending,
            overflowed: info.overflowed,
            wire_len: info.wire_len,
        })
    }

    /// Like [`read`](Self::read), but writes the line's content into `out` (cleared
    /// first), so a caller that keeps `out` allocates nothing per line.
    pub fn read_into(&mut self, input: &mut &[u8], out: &mut Vec<u8>) -> Option<LineInfo> {
        let Some(at) = memchr(b'\n', input) else {
            self.keep(input);
            *input = &[];
            return None;
        };
        let (head, tail) = input.split_at(at);
        *input = tail.get(1..).unwrap_or_default();
        out.clear();
        let seen = if self.partial_len == 0 {
            // The whole line is in this input: copy it straight out, up to the limit.
            let take = head.len().min(self.limit);
            out.extend_from_slice(head.get(..take).unwrap_or_default());
            head.len()
        } else {
            self.keep(head);
            out.extend_from_slice(&self.partial);
            self.partial.clear();
            self.partial_len
        };
        self.partial_len = 0;
        Some(self.finish(out, seen))
    }

    fn keep(&mut self, octets: &[u8]) {
        self.partial_len = self.partial_len.saturating_add(octets.len());
        let room = self.limit.saturating_sub(self.partial.len());
        let take = octets.len().min(room);
        self.partial
            .extend_from_slice(octets.get(..take).unwrap_or_default());
    }

    /// Judges the ending of a line whose content (at most `limit` octets of the `seen`
    /// before the LF) is in `content`.
    fn finish(&self, content: &mut Vec<u8>, seen: usize) -> LineInfo {
        let wire_len = seen.saturating_add(1);
        let kept_all = content.len() == seen;
        let ending = if kept_all && content.last() == Some(&b'\r') {
            content.pop();
            LineEnding::CrLf
        } else if !kept_all {
            // The octet before the LF was dropped; it is the CR we cannot see. Treat the
            // line as CRLF-terminated: it is refused as too long anyway.
            LineEnding::CrLf
        } else {
            LineEnding::BareLf
        };
        LineInfo {
            ending,
            overflowed: wire_len > self.limit,
            wire_len,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(reader: &mut LineReader, mut input: &[u8]) -> Vec<Line> {
        let mut lines = Vec::new();
        while let Some(line) = reader.read(&mut input) {
            lines.push(line);
        }
        lines
    }

    #[test]
    fn splits_crlf_lines_and_keeps_partial() {
        let mut reader = LineReader::new(512);
        let lines = read_all(&mut reader, b"EHLO a\r\nNOOP\r\nQU");
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].content, b"EHLO a");
        assert_eq!(lines[1].ending, LineEnding::CrLf);
        assert!(reader.has_partial());
        let lines = read_all(&mut reader, b"IT\r\n");
        assert_eq!(lines[0].content, b"QUIT");
    }

    #[test]
    fn same_lines_whatever_the_chunking() {
        let input = b"MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\nDATA\r\n";
        let whole = read_all(&mut LineReader::new(512), input);
        let mut reader = LineReader::new(512);
        let mut bytewise = Vec::new();
        for byte in input.iter() {
            bytewise.extend(read_all(&mut reader, core::slice::from_ref(byte)));
        }
        assert_eq!(whole, bytewise);
        assert_eq!(whole[1].ending, LineEnding::BareLf);
    }

    #[test]
    fn overlong_line_is_bounded_and_flagged() {
        let mut reader = LineReader::new(16);
        let big = vec![b'x'; 1_000_000];
        assert!(read_all(&mut reader, &big).is_empty());
        assert!(reader.buffered() <= 16);
        let lines = read_all(&mut reader, b"\r\nNOOP\r\n");
        assert!(lines[0].overflowed);
        assert_eq!(lines[0].wire_len, 1_000_002);
        assert!(!lines[1].overflowed);
    }

    #[test]
    fn line_exactly_at_limit_is_accepted() {
        let mut reader = LineReader::new(8);
        let lines = read_all(&mut reader, b"123456\r\n1234567\r\n");
        assert!(!lines[0].overflowed);
        assert!(lines[1].overflowed);
    }
}
