//! A bounded line reader. Incomplete input is a state, not an error: `read` returns
//! `None` until a whole line has arrived. A line longer than the limit is not kept: its
//! excess is dropped as it arrives and the line is reported as `overflowed` once its LF
//! shows up, so memory stays at the limit whatever a peer sends (RFC 5321 §4.5.3.1).

use memchr::memchr;

/// How a line ended on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
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
    /// The last line that spanned inputs, handed out by `next_line` (reused).
    stitched: Vec<u8>,
    partial_len: usize,
}

impl LineReader {
    /// A reader for lines of at most `limit` octets, CRLF included.
    pub fn new(limit: usize) -> Self {
        Self {
            limit,
            partial: Vec::new(),
            stitched: Vec::new(),
            partial_len: 0,
        }
    }

    /// Changes the limit (AUTH continuation lines may be longer than commands).
    pub(crate) fn set_limit(&mut self, limit: usize) {
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
    pub(crate) fn has_partial(&self) -> bool {
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

    /// Reads the next line into `out` (cleared first), without its ending; see
    /// [`LineReader::next_line`].
    pub fn read_into(&mut self, input: &mut &[u8], out: &mut Vec<u8>) -> Option<LineInfo> {
        let (content, info) = self.next_line(input)?;
        out.clear();
        out.extend_from_slice(content);
        Some(info)
    }

    /// Reads the next line, without its ending, consuming it from `input`. A line that
    /// arrived whole in `input` (the usual case) is handed out as a slice of it, not
    /// copied; one that spanned several inputs comes from the reader's own buffer.
    /// None until a LF arrives; what came so far is kept, up to the limit.
    pub fn next_line<'s, 'i: 's>(
        &'s mut self,
        input: &mut &'i [u8],
    ) -> Option<(&'s [u8], LineInfo)> {
        let data: &'i [u8] = input;
        let Some(at) = memchr(b'\n', data) else {
            self.keep(data);
            *input = &[];
            return None;
        };
        let head = data.get(..at).unwrap_or_default();
        *input = data.get(at + 1..).unwrap_or_default();
        if self.partial_len == 0 {
            let kept = head.get(..head.len().min(self.limit)).unwrap_or_default();
            return Some(finish(self.limit, kept, head.len()));
        }
        self.keep(head);
        let seen = core::mem::take(&mut self.partial_len);
        core::mem::swap(&mut self.partial, &mut self.stitched);
        self.partial.clear();
        Some(finish(self.limit, &self.stitched, seen))
    }

    fn keep(&mut self, octets: &[u8]) {
        self.partial_len = self.partial_len.saturating_add(octets.len());
        let room = self.limit.saturating_sub(self.partial.len());
        let take = octets.len().min(room);
        self.partial
            .extend_from_slice(octets.get(..take).unwrap_or_default());
    }
}

/// The line's content without its ending, and what is known about it. `kept` is what
/// was kept of it (at most the limit), `seen` how many octets came before the LF.
fn finish(limit: usize, kept: &[u8], seen: usize) -> (&[u8], LineInfo) {
    let wire_len = seen.saturating_add(1);
    let kept_all = kept.len() == seen;
    let (content, ending) = match kept.split_last() {
        Some((b'\r', content)) if kept_all => (content, LineEnding::CrLf),
        // The octet before the LF was dropped; it is the CR we cannot see. Treat the
        // line as CRLF-terminated: it is refused as too long anyway.
        _ if !kept_all => (kept, LineEnding::CrLf),
        _ => (kept, LineEnding::BareLf),
    };
    let info = LineInfo {
        ending,
        overflowed: wire_len > limit,
        wire_len,
    };
    (content, info)
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
    fn a_whole_line_is_lent_from_the_input_and_a_split_one_from_the_buffer() {
        let mut reader = LineReader::new(512);
        let input = b"NOOP\r\nQU".to_vec();
        let mut rest = &input[..];
        let (line, info) = reader.next_line(&mut rest).unwrap();
        assert_eq!(line, b"NOOP");
        assert_eq!(line.as_ptr(), input.as_ptr(), "not copied");
        assert_eq!(info.ending, LineEnding::CrLf);
        assert!(reader.next_line(&mut rest).is_none());
        let mut rest: &[u8] = b"IT\r\n";
        let (line, info) = reader.next_line(&mut rest).unwrap();
        assert_eq!((line, info.wire_len), (&b"QUIT"[..], 6));
        assert_eq!(reader.buffered(), 0);
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
