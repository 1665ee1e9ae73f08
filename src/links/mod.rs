//! Cause and effect in a loopback timeline, read from what the engines recorded: every
//! event that wrote names its octets, and every server event names the client octets it
//! was handling (see [`crate::event::Event::wrote`] and [`crate::event::Event::read`]).
//! From those spans this module builds the links the page shows, so nothing is matched
//! by time, position or content afterwards:
//!
//! - each write's lines, each line naming the event that wrote it and the events that
//!   read it, with notes in people's words (which command of a pipelined group, which
//!   line of a multi-line reply, what an EHLO extension allows, why a MAIL parameter is
//!   there);
//! - each event's write and line range (`links`, parallel to the timeline's entries);
//! - each write's kind (pipelined commands, message text, several replies, one reply);
//! - the AUTH exchanges ([`auth`]) and the negotiation table ([`negotiation`]).

pub(crate) mod auth;
pub use auth::ValueAt;
pub(crate) mod negotiation;
mod notes;

use serde::Serialize;

use crate::event::StreamSpan;
use crate::loopback::{Direction, TimelineEntry};

/// One write (a bytes entry of the timeline) with its lines and what caused them.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Write {
    /// Index of its bytes entry in the timeline's entries.
    pub entry: usize,
    /// Which way it went.
    pub direction: Direction,
    /// What the write holds.
    pub group: Group,
    /// The group in words ("pipelined: 3 commands in one write"); empty for one line.
    pub label: String,
    /// Its lines, in order; together they cover every octet of the write. They cross as
    /// [`LineEntry`]s: a run of plain lines one event wrote is one entry.
    #[serde(serialize_with = "serialize_lines")]
    pub lines: Vec<Line>,
    /// Entries of the events the receiving engine emitted when this write arrived.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub arrival: Vec<usize>,
}

/// What a write holds, as the events that wrote it say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Group {
    /// One command, one reply line, or anything else written alone.
    Single,
    /// Several commands sent without waiting for replies (RFC 2920).
    Pipelined {
        /// How many commands.
        commands: usize,
    },
    /// The message text after 354, ending with the lone dot.
    MessageText {
        /// How many lines.
        lines: usize,
    },
    /// Several replies in one write: the answers to a pipelined group.
    Replies {
        /// How many replies.
        replies: usize,
    },
    /// One reply of several lines (`250-…` up to `250 …`).
    Reply {
        /// How many lines.
        lines: usize,
    },
}

impl Group {
    /// The group in words, as the transcript heads it; empty when there is nothing to say.
    pub fn label(self) -> String {
        match self {
            Self::Single => String::new(),
            Self::Pipelined { commands } => format!("pipelined: {commands} commands in one write"),
            Self::MessageText { lines } => format!("message text: {lines} lines in one write"),
            Self::Replies { replies } => format!("{replies} replies in one write"),
            Self::Reply { lines } => format!("one reply: {lines} lines"),
        }
    }
}

/// One line of a write: octets `start..end` of it, line ending included.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    /// Offset of its first octet in the write.
    pub start: usize,
    /// Offset just past its line ending.
    pub end: usize,
    /// The entry of the event that wrote it.
    pub event: Option<usize>,
    /// Entries of the receiver's events that handled this line (the server's).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub read_by: Vec<usize>,
    /// What this line is and why now, beyond its event's explanation.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    /// What the line is on the wire when its text does not say: a BDAT line and the
    /// chunk it announces, or a chunk's octets (message, not commands).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mark: Option<LineMark>,
}

impl Line {
    /// True when the line says nothing beyond its octets and its writer: no reader, no
    /// notes, no mark (most lines of a message text).
    fn is_plain(&self) -> bool {
        self.read_by.is_empty() && self.notes.is_empty() && self.mark.is_none()
    }
}

/// A write's lines as they cross: one object per line, except that consecutive plain
/// lines of one writer cross as one [`LineRun`]. WHY: a 10 KB message text is about 170
/// lines that differ only in where they end; as objects they were a sixth of the
/// timeline's JSON, and writing and parsing that JSON is about half of runScenario.
#[derive(Debug, PartialEq, Serialize)]
#[serde(untagged)]
enum LineEntry<'a> {
    /// A line with something to say, as it is.
    One(&'a Line),
    /// Two or more plain lines of one writer.
    Run(LineRun<'a>),
}

/// Consecutive plain lines one event wrote: `{start, ends, event}`, line `i` spanning
/// from the end of line `i - 1` (or `start`) to `ends[i]`.
#[derive(Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct LineRun<'a> {
    /// Offset of the first line's first octet in the write.
    start: usize,
    /// Where each line ends.
    #[serde(serialize_with = "serialize_ends")]
    ends: &'a [Line],
    /// The entry of the event that wrote them.
    event: Option<usize>,
}

/// The lines as they cross, in order (see [`LineEntry`]).
fn line_entries(lines: &[Line]) -> impl Iterator<Item = LineEntry<'_>> {
    let mut rest = lines;
    std::iter::from_fn(move || {
        let first = rest.first()?;
        let run = if first.is_plain() {
            rest.iter()
                .take_while(|line| line.is_plain() && line.event == first.event)
                .count()
        } else {
            1
        };
        let (taken, after) = rest.split_at(run.max(1).min(rest.len()));
        rest = after;
        Some(if taken.len() >= 2 {
            LineEntry::Run(LineRun {
                start: first.start,
                ends: taken,
                event: first.event,
            })
        } else {
            LineEntry::One(first)
        })
    })
}

fn serialize_lines<S: serde::Serializer>(lines: &[Line], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(line_entries(lines))
}

fn serialize_ends<S: serde::Serializer>(lines: &&[Line], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(lines.iter().map(|line| line.end))
}

/// A line's part in a BDAT exchange, as the engine's events say (RFC 3030 §2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum LineMark {
    /// A `BDAT n [LAST]` line.
    ChunkCommand {
        /// Which chunk it announces, from 1.
        chunk: usize,
        /// How many chunks the message takes.
        of: usize,
        /// The chunk's octets.
        octets: usize,
        /// True for the LAST chunk.
        last: bool,
        /// The same in words: `chunk 1 of 3, 120 octets`.
        label: String,
    },
    /// Octets of a chunk: message data, framed by the count, not commands.
    ChunkData {
        /// Which chunk, from 1.
        chunk: usize,
        /// How many chunks the message takes.
        of: usize,
    },
}

/// A line's explanation in people's words, with its RFC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    /// What and why.
    pub text: String,
    /// The RFC section.
    pub rfc: &'static str,
    /// The EHLO keyword this line offers, naming its row of the negotiation table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
}

/// Where an event's octets are: which write, which lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LineRange {
    /// Index in the timeline's writes.
    pub write: usize,
    /// First line, an index in that write's lines.
    pub first_line: usize,
    /// Last line (inclusive).
    pub last_line: usize,
}

/// An event's links.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventLink {
    /// The lines it wrote.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wrote: Option<LineRange>,
    /// The peer's lines it was handling (the last one, for message text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read: Option<LineRange>,
    /// The write whose arrival it answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrival: Option<usize>,
}

/// Where a write sits in its direction's stream, as the recorder saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteRecord {
    /// Index of its bytes entry.
    pub entry: usize,
    /// Offset of its first octet in its direction's stream.
    pub stream_start: u64,
}

/// Everything the links module derives, ready for the timeline.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Links {
    /// One per write, in order.
    pub writes: Vec<Write>,
    /// One per timeline entry: `None` for bytes and for events linked to nothing.
    pub events: Vec<Option<EventLink>>,
}

/// Builds the links of `entries`. `records` are the writes in order; `arrivals` gives,
/// per entry, the write whose arrival the event answered.
pub fn build(
    entries: &[TimelineEntry],
    records: &[WriteRecord],
    arrivals: &[Option<usize>],
) -> Links {
    let mut writes: Vec<Write> = records
        .iter()
        .map(|record| empty_write(entries, record.entry))
        .collect();
    split_at_writers(&mut writes, records, entries);
    let mut events: Vec<Option<EventLink>> = vec![None; entries.len()];
    for (index, entry) in entries.iter().enumerate() {
        let Some((side, wrote, read)) = spans(entry) else {
            continue;
        };
        let mut link = EventLink {
            arrival: arrivals.get(index).copied().flatten(),
            ..EventLink::default()
        };
        if let Some(span) = wrote {
            link.wrote = locate(&writes, records, side, span);
            mark_writer(&mut writes, link.wrote, index);
        }
        if let Some(span) = read {
            let last = StreamSpan {
                start: span.end.saturating_sub(1),
                end: span.end,
            };
            link.read = locate(&writes, records, side.opposite(), last);
            mark_reader(&mut writes, link.read, index);
        }
        if let Some(write) = link.arrival.and_then(|w| writes.get_mut(w)) {
            write.arrival.push(index);
        }
        if link != EventLink::default() {
            if let Some(slot) = events.get_mut(index) {
                *slot = Some(link);
            }
        }
    }
    for write in &mut writes {
        write.group = notes::group_of(write, entries);
        write.label = write.group.label();
        notes::annotate(write, entries);
    }
    Links { writes, events }
}

/// The direction an event's writes go, and its spans; `None` for other entries.
fn spans(entry: &TimelineEntry) -> Option<(Direction, Option<StreamSpan>, Option<StreamSpan>)> {
    match entry {
        TimelineEntry::Client { event } => {
            Some((Direction::ClientToServer, event.wrote, event.read))
        }
        TimelineEntry::Server { event } => {
            Some((Direction::ServerToClient, event.wrote, event.read))
        }
        _ => None,
    }
}

/// A write with its lines and no links yet (no lines if `entry` is not a bytes entry).
fn empty_write(entries: &[TimelineEntry], entry: usize) -> Write {
    let (direction, lines) = match entries.get(entry) {
        Some(TimelineEntry::Bytes {
            direction, octets, ..
        }) => (*direction, split_lines(octets)),
        _ => (Direction::ClientToServer, Vec::new()),
    };
    Write {
        entry,
        direction,
        group: Group::Single,
        label: String::new(),
        lines,
        arrival: Vec::new(),
    }
}

/// Lines end after each LF; a last line without one ends with the write.
fn split_lines(octets: &[u8]) -> Vec<Line> {
    // Counted first (a vector search, like the split), so a message text's lines fill one
    // allocation instead of growing one.
    let mut lines = Vec::with_capacity(memchr::memchr_iter(b'\n', octets).count() + 1);
    let mut start = 0;
    for index in memchr::memchr_iter(b'\n', octets) {
        lines.push(line(start, index + 1));
        start = index + 1;
    }
    if start < octets.len() {
        lines.push(line(start, octets.len()));
    }
    lines
}

fn line(start: usize, end: usize) -> Line {
    Line {
        start,
        end,
        event: None,
        read_by: Vec::new(),
        notes: Vec::new(),
        mark: None,
    }
}

/// Lines also end where an event's octets begin: a BDAT chunk need not end with CRLF,
/// and the BDAT line that follows it in the same write is a line of its own.
fn split_at_writers(writes: &mut [Write], records: &[WriteRecord], entries: &[TimelineEntry]) {
    for entry in entries {
        let Some((side, Some(span), _)) = spans(entry) else {
            continue;
        };
        let Some((index, offset)) = write_offset(writes, records, side, span.start) else {
            continue;
        };
        let Some(write) = writes.get_mut(index) else {
            continue;
        };
        let Some(at) = line_at(&write.lines, offset).filter(|&at| {
            write
                .lines
                .get(at)
                .is_some_and(|l| l.start < offset && offset < l.end)
        }) else {
            continue;
        };
        let end = write.lines.get(at).map_or(offset, |l| l.end);
        if let Some(cut) = write.lines.get_mut(at) {
            cut.end = offset;
        }
        write.lines.insert(at + 1, line(offset, end));
    }
}

/// The write of `direction`'s stream that holds octet `at`, and its offset there.
fn write_offset(
    writes: &[Write],
    records: &[WriteRecord],
    direction: Direction,
    at: u64,
) -> Option<(usize, usize)> {
    let (index, record) = records.iter().enumerate().rev().find(|(index, record)| {
        record.stream_start <= at && writes.get(*index).is_some_and(|w| w.direction == direction)
    })?;
    let offset = usize::try_from(at.saturating_sub(record.stream_start)).ok()?;
    Some((index, offset))
}

/// The write and lines of `direction`'s stream that `span` covers. A span past the last
/// recorded write (octets the link dropped because the peer had closed) has none.
fn locate(
    writes: &[Write],
    records: &[WriteRecord],
    direction: Direction,
    span: StreamSpan,
) -> Option<LineRange> {
    let (index, record) = records.iter().enumerate().rev().find(|(index, record)| {
        record.stream_start <= span.start
            && writes.get(*index).is_some_and(|w| w.direction == direction)
    })?;
    let write = writes.get(index)?;
    let offset = |at: u64| usize::try_from(at.saturating_sub(record.stream_start)).ok();
    let first = offset(span.start)?;
    let last = offset(span.end.saturating_sub(1))?;
    let line_of = |at: usize| line_at(&write.lines, at);
    Some(LineRange {
        write: index,
        first_line: line_of(first)?,
        last_line: line_of(last).or(write.lines.len().checked_sub(1))?,
    })
}

/// The index of the line that holds octet `at`. WHY a binary search: lines are in order
/// and do not overlap, and a message text has hundreds of them, which every event that
/// wrote or read it would otherwise scan.
fn line_at(lines: &[Line], at: usize) -> Option<usize> {
    let index = lines.partition_point(|line| line.end <= at);
    lines
        .get(index)
        .filter(|line| line.start <= at)
        .map(|_| index)
}

fn mark_writer(writes: &mut [Write], range: Option<LineRange>, event: usize) {
    for line in lines_mut(writes, range) {
        line.event.get_or_insert(event);
    }
}

fn mark_reader(writes: &mut [Write], range: Option<LineRange>, event: usize) {
    for line in lines_mut(writes, range) {
        line.read_by.push(event);
    }
}

fn lines_mut(writes: &mut [Write], range: Option<LineRange>) -> impl Iterator<Item = &mut Line> {
    range
        .and_then(|r| {
            let lines = &mut writes.get_mut(r.write)?.lines;
            lines.get_mut(r.first_line..=r.last_line.max(r.first_line))
        })
        .into_iter()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_cover_the_write() {
        let lines = split_lines(b"MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\npartial");
        let bounds: Vec<(usize, usize)> = lines.iter().map(|l| (l.start, l.end)).collect();
        assert_eq!(bounds, [(0, 17), (17, 32), (32, 39)]);
        assert!(split_lines(b"").is_empty());
    }

    #[test]
    fn plain_lines_of_one_writer_cross_as_one_run() {
        let mut lines = split_lines(b"MAIL\r\nRCPT\r\nSubject: a\r\n\r\nbody\r\n.\r\n");
        let writers = [Some(1), Some(2), Some(3), Some(3), Some(3), Some(3)];
        for (line, writer) in lines.iter_mut().zip(writers) {
            line.event = writer;
        }
        if let Some(dot) = lines.last_mut() {
            dot.read_by.push(4);
        }
        let json = serde_json::to_string(&line_entries(&lines).collect::<Vec<_>>()).ok();
        assert_eq!(
            json.as_deref(),
            Some(concat!(
                r#"[{"start":0,"end":6,"event":1},{"start":6,"end":12,"event":2},"#,
                r#"{"start":12,"ends":[24,26,32],"event":3},"#,
                r#"{"start":32,"end":35,"event":3,"readBy":[4]}]"#
            ))
        );
    }

    #[test]
    fn an_octet_is_found_in_its_line() {
        let lines = split_lines(b"EHLO a\r\nMAIL\r\nRCPT\r\n");
        let found: Vec<Option<usize>> = [0, 7, 8, 13, 14, 19, 20]
            .into_iter()
            .map(|at| line_at(&lines, at))
            .collect();
        assert_eq!(
            found,
            [Some(0), Some(0), Some(1), Some(1), Some(2), Some(2), None]
        );
    }

    #[test]
    fn group_labels_are_words() {
        assert_eq!(
            Group::Pipelined { commands: 3 }.label(),
            "pipelined: 3 commands in one write"
        );
        assert_eq!(Group::Single.label(), "");
    }
}
