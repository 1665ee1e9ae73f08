//! A run as a sequence diagram: one lifeline per side (per host in a world run), one
//! arrow per write, bracketed phases for AUTH exchanges and the message text, and the
//! virtual time of every arrow. The layout (every coordinate) is computed here, once, so
//! the SVG file ([`svg`]), the text rendering ([`text`]) and the page all draw the same
//! picture and the page derives nothing itself.
//!
//! - [`single`]: a loopback timeline (client engine or script against the server).
//! - [`world`]: a world timeline, one lane per connection under each host.
//! - [`layout`]: rows and columns, from the arrows and phases those two produce.

pub mod layout;
pub mod single;
pub mod svg;
pub mod text;
pub mod world;

use serde::Serialize;

use crate::time::Millis;

/// At most this many arrows are drawn; the rest of a huge run is counted in
/// [`Diagram::omitted`], so a diagram's size stays bounded.
pub const MAX_ARROWS: usize = 400;

/// A label longer than this many characters is cut, with `…` at the end.
pub const MAX_LABEL_CHARS: usize = 48;

/// A laid-out sequence diagram. Coordinates are SVG user units (pixels at 100 %).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagram {
    /// One line naming the run, for the SVG `<title>`.
    pub title: String,
    /// What the diagram shows in a sentence, for the SVG `<desc>`.
    pub description: String,
    /// The parties, left to right.
    pub lifelines: Vec<Lifeline>,
    /// Where arrows start and end: one per lifeline in a loopback run, one per
    /// connection and host in a world run.
    pub lanes: Vec<Lane>,
    /// One per write, in order.
    pub arrows: Vec<Arrow>,
    /// Bracketed stretches of arrows (AUTH, the message text).
    pub phases: Vec<Phase>,
    /// Writes past [`MAX_ARROWS`], not drawn.
    pub omitted: usize,
    /// Where the lifelines start, under their heads.
    pub body_top: u32,
    /// Total width.
    pub width: u32,
    /// Total height.
    pub height: u32,
}

/// One party: the client, the server, or a world host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lifeline {
    /// Its name at the head ("Client", "isp").
    pub name: String,
    /// The short name the text rendering uses ("C", "S", or the host name).
    pub short: String,
    /// A second line under the head ("the ISP's mail exchanger"); may be empty.
    pub detail: String,
    /// Centre of its head.
    pub x: u32,
    /// Width of its head box.
    pub head_width: u32,
}

/// A vertical line arrows attach to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lane {
    /// Index of its lifeline.
    pub lifeline: usize,
    /// The world connection it carries, if any.
    pub connection: Option<u32>,
    /// Its name in the text rendering ("C", "isp #2").
    pub name: String,
    /// Its x.
    pub x: u32,
    /// Where its bar starts (a world connection's first arrow) or the head's bottom.
    pub top: u32,
    /// Where it ends.
    pub bottom: u32,
}

/// Which way an arrow goes, as the page colours it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Sender {
    /// The SMTP client (or the host acting as client) wrote it.
    Client,
    /// The server side wrote it.
    Server,
}

/// One write, drawn as one arrow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Arrow {
    /// Its index in the timeline's `writes` (a loopback run) or `entries` (a world run).
    pub write: usize,
    /// The lane it starts from.
    pub from: usize,
    /// The lane it points to.
    pub to: usize,
    /// Who wrote it.
    pub sender: Sender,
    /// Its first line, printable and cut to [`MAX_LABEL_CHARS`].
    pub label: String,
    /// How many more lines the write holds (a pipelined group, a multi-line reply).
    pub more_lines: usize,
    /// Virtual time since the run started, in milliseconds.
    pub elapsed: Millis,
    /// The same as `+seconds`, e.g. `+0.040`.
    pub time: String,
    /// What the event that wrote the first line did, and why.
    pub explanation: String,
    /// That event's RFC section, or empty.
    pub rfc: String,
    /// The y of the arrow line.
    pub y: u32,
}

impl Arrow {
    /// The label with its line count, as both renderers print it.
    pub fn full_label(&self) -> String {
        match self.more_lines {
            0 => self.label.clone(),
            1 => format!("{} (+1 line)", self.label),
            more => format!("{} (+{more} lines)", self.label),
        }
    }
}

/// What a phase brackets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PhaseKind {
    /// An AUTH exchange, from the AUTH command to the final reply (RFC 4954).
    Auth,
    /// DATA: the command, the message text and the reply to it (RFC 5321 §4.1.1.4).
    Message,
    /// The writes under TLS (after STARTTLS, RFC 3207, or from the start, RFC 8314),
    /// headed where the handshake ran; drawn shaded.
    Tls,
}

/// A bracketed stretch of arrows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Phase {
    /// What it is.
    pub kind: PhaseKind,
    /// Its heading ("AUTH PLAIN: alice authenticated with PLAIN").
    pub label: String,
    /// Index of its first arrow.
    pub first: usize,
    /// Index of its last arrow (inclusive).
    pub last: usize,
    /// Top of its box (its heading row).
    pub top: u32,
    /// Bottom of its box.
    pub bottom: u32,
}

/// A phase before layout: its arrows, not yet its rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhaseSpan {
    /// What it is.
    pub kind: PhaseKind,
    /// Its heading.
    pub label: String,
    /// First arrow.
    pub first: usize,
    /// Last arrow (inclusive).
    pub last: usize,
}

/// `octets` up to the first line end, as printable text cut to [`MAX_LABEL_CHARS`]:
/// control octets as `·`, octets that are not UTF-8 as U+FFFD.
pub fn first_line_label(octets: &[u8]) -> String {
    let end = octets
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .unwrap_or(octets.len());
    let text = String::from_utf8_lossy(octets.get(..end).unwrap_or(octets));
    let printable: String = text
        .chars()
        .map(|c| if c.is_control() { '·' } else { c })
        .collect();
    cut(&printable, MAX_LABEL_CHARS)
}

/// `text` cut to `max` characters, the last one `…` when it was cut.
pub fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// How many lines `octets` hold: one per LF, plus a last line without one.
pub fn line_count(octets: &[u8]) -> usize {
    let ends = octets.iter().filter(|&&b| b == b'\n').count();
    ends + usize::from(!octets.is_empty() && !octets.ends_with(b"\n"))
}

/// `elapsed` milliseconds as `+seconds` with three decimals.
pub fn seconds(elapsed: Millis) -> String {
    format!("+{}.{:03}", elapsed / 1000, elapsed % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_the_first_line_printable_and_cut() {
        assert_eq!(
            first_line_label(b"EHLO a.example\r\nMAIL FROM:<>\r\n"),
            "EHLO a.example"
        );
        assert_eq!(first_line_label(b"bare\x07bell\n"), "bare·bell");
        assert_eq!(first_line_label(b"\xffx"), "\u{fffd}x");
        let long = "x".repeat(100);
        let label = first_line_label(long.as_bytes());
        assert_eq!(label.chars().count(), MAX_LABEL_CHARS);
        assert!(label.ends_with('…'));
    }

    #[test]
    fn lines_are_counted_as_the_links_split_them() {
        assert_eq!(line_count(b""), 0);
        assert_eq!(line_count(b"a\r\n"), 1);
        assert_eq!(line_count(b"a\r\nb"), 2);
        assert_eq!(line_count(b"a\nb\n"), 2);
    }

    #[test]
    fn times_are_seconds_with_three_decimals() {
        assert_eq!(seconds(0), "+0.000");
        assert_eq!(seconds(40), "+0.040");
        assert_eq!(seconds(300_040), "+300.040");
    }
}
