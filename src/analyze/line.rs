//! The line model every reader produces: one wire line, who sent it, how it ended on
//! the wire when the input shows that, and the input line (or packet) it came from.

use serde::Serialize;

/// Who sent a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The SMTP client.
    Client,
    /// The SMTP server.
    Server,
}

/// How a line ended on the wire. Text logs (swaks, curl, C:/S:) drop the terminator, so
/// only smtplib's byte literals and packet captures tell; a pasted log's own line
/// endings say nothing about the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Ending {
    /// CR LF, as RFC 5321 §2.3.8 requires.
    CrLf,
    /// A LF with no CR before it.
    BareLf,
    /// The stream stopped before any terminator.
    Missing,
    /// The input does not show the wire terminator.
    Unknown,
}

/// Where a line's text comes from, when it is not simply what the log shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Origin {
    /// Shown by the log as sent or received.
    Logged,
    /// Sent inside TLS; the log shows the decrypted text (swaks `~>` / `<~`).
    InsideTls,
    /// The log only says that data went by (curl's `} [86 bytes data]`).
    Elided,
    /// No direction marker: the side was guessed from the reply code or verb.
    Inferred,
    /// Encrypted TLS records from a capture, not readable as SMTP.
    OpaqueTls,
}

/// One line on the wire, as a reader found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireLine {
    /// 1-based line number in the input file (for a capture: the packet number).
    pub n: usize,
    /// Who sent it.
    pub side: Side,
    /// The octets, without the terminator.
    pub octets: Vec<u8>,
    /// How it ended on the wire.
    pub ending: Ending,
    /// What the text is.
    pub origin: Origin,
}

impl WireLine {
    /// A logged line whose wire terminator the input does not show.
    pub fn logged(n: usize, side: Side, text: &str) -> Self {
        Self {
            n,
            side,
            octets: text.as_bytes().to_vec(),
            ending: Ending::Unknown,
            origin: Origin::Logged,
        }
    }

    /// The same line with another origin.
    pub(crate) fn with_origin(mut self, origin: Origin) -> Self {
        self.origin = origin;
        self
    }

    /// The text for display and parsing (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.octets).into_owned()
    }
}

/// The input's lines with 1-based numbers, as an editor counts them: CR LF and LF end
/// a line, and so does a lone CR in an input with no LF at all (old Mac text), so a
/// paste reads the same whatever line endings an editor or clipboard gave it. In an
/// input with LFs a lone CR stays in its line (curl's progress meter writes them).
pub(crate) fn input_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let separators: &'static [char] = if text.contains('\n') {
        &['\n']
    } else {
        &['\r']
    };
    InputLines {
        rest: text,
        n: 0,
        separators,
    }
}

struct InputLines<'a> {
    rest: &'a str,
    n: usize,
    separators: &'static [char],
}

impl<'a> Iterator for InputLines<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        self.n += 1;
        let end = self.rest.find(self.separators).unwrap_or(self.rest.len());
        let line = self.rest.get(..end).unwrap_or_default();
        self.rest = self.rest.get(end + 1..).unwrap_or_default();
        Some((self.n, line.strip_suffix('\r').unwrap_or(line)))
    }
}

/// Splits octets into wire lines at LF, telling CR LF from a bare LF; a last piece
/// with no LF ends [`Ending::Missing`]. Bare CRs stay inside the text, where the judge
/// sees them.
pub(crate) fn split_wire(octets: &[u8]) -> Vec<(Vec<u8>, Ending)> {
    let mut lines = Vec::new();
    let mut rest = octets;
    while !rest.is_empty() {
        match memchr::memchr(b'\n', rest) {
            Some(at) => {
                let line = rest.get(..at).unwrap_or_default();
                let (text, ending) = match line.strip_suffix(b"\r") {
                    Some(text) => (text, Ending::CrLf),
                    None => (line, Ending::BareLf),
                };
                lines.push((text.to_vec(), ending));
                rest = rest.get(at + 1..).unwrap_or_default();
            }
            None => {
                lines.push((rest.to_vec(), Ending::Missing));
                rest = &[];
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_lines_are_the_same_for_every_line_ending() {
        let expected = vec![(1, "a"), (2, ""), (3, "b")];
        for text in ["a\n\nb", "a\r\n\r\nb\r\n", "a\r\rb\r"] {
            assert_eq!(input_lines(text).collect::<Vec<_>>(), expected, "{text:?}");
        }
        let progress_meter = "\r  0 *   Trying\n< 220 hi\n";
        assert_eq!(input_lines(progress_meter).nth(1), Some((2, "< 220 hi")));
    }

    #[test]
    fn split_wire_tells_crlf_from_bare_lf() {
        assert_eq!(
            split_wire(b"a\r\nb\nc"),
            vec![
                (b"a".to_vec(), Ending::CrLf),
                (b"b".to_vec(), Ending::BareLf),
                (b"c".to_vec(), Ending::Missing)
            ]
        );
    }
}
