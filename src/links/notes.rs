//! What each write holds and what each line is, in people's words, read from the typed
//! events that wrote them: the n-th command of a pipelined group, the n-th reply of a
//! write, the first and last line of a multi-line reply, what each EHLO extension
//! allows, why each MAIL FROM parameter is there, where message text starts and ends.

use super::{Group, LineMark, Note, Write};
use crate::client::ClientEventKind;
use crate::loopback::TimelineEntry;
use crate::protocol::{Command, Extension, Reply, ReplyKind};
use crate::server::ServerEventKind;

const RFC_PIPELINING: &str = "RFC 2920 §3";
const RFC_REPLY_LINES: &str = "RFC 5321 §4.2.1";
const RFC_MESSAGE_TEXT: &str = "RFC 5321 §4.5.2";
const RFC_CHUNKING: &str = "RFC 3030 §2";

/// What an event wrote, as far as grouping and notes care.
enum Written<'a> {
    Command(&'a Command),
    Reply(ReplyKind, &'a Reply),
    MessageText,
    /// A BDAT chunk's octets: chunk, of, octets, last.
    Chunk(usize, usize, usize, bool),
    Other,
}

fn written(entries: &[TimelineEntry], entry: usize) -> Written<'_> {
    match entries.get(entry) {
        Some(TimelineEntry::Client { event }) => match &event.kind {
            ClientEventKind::CommandSent { command, .. } => Written::Command(command),
            ClientEventKind::MessageSent { .. } => Written::MessageText,
            ClientEventKind::ChunkSent {
                chunk,
                of,
                octets,
                last,
            } => Written::Chunk(*chunk, *of, *octets, *last),
            _ => Written::Other,
        },
        Some(TimelineEntry::Server { event }) => match &event.kind {
            ServerEventKind::ReplySent { kind, reply } => Written::Reply(*kind, reply),
            _ => Written::Other,
        },
        _ => Written::Other,
    }
}

/// The writers of a write, in order, each once.
fn writers(write: &Write) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for event in write.lines.iter().filter_map(|line| line.event) {
        if out.last() != Some(&event) {
            out.push(event);
        }
    }
    out
}

/// What a write holds, from the kinds of the events that wrote it.
pub(super) fn group_of(write: &Write, entries: &[TimelineEntry]) -> Group {
    let writers = writers(write);
    let count = |wanted: fn(&Written) -> bool| {
        writers
            .iter()
            .filter(|&&e| wanted(&written(entries, e)))
            .count()
    };
    let lines = write.lines.len();
    if count(|w| matches!(w, Written::MessageText)) > 0 {
        return Group::MessageText { lines };
    }
    let commands = count(|w| matches!(w, Written::Command(_)));
    if commands > 1 {
        return Group::Pipelined { commands };
    }
    let replies = count(|w| matches!(w, Written::Reply(..)));
    if replies > 1 {
        return Group::Replies { replies };
    }
    if replies == 1 && lines > 1 {
        return Group::Reply { lines };
    }
    Group::Single
}

/// Adds every line's notes.
pub(super) fn annotate(write: &mut Write, entries: &[TimelineEntry]) {
    let writers = writers(write);
    let group = write.group;
    for (ordinal, &event) in writers.iter().enumerate() {
        let lines: Vec<usize> = (0..write.lines.len())
            .filter(|&i| write.lines.get(i).and_then(|l| l.event) == Some(event))
            .collect();
        let position = Position {
            ordinal,
            of: writers.len(),
            group,
        };
        let mark = chunk_mark(entries, event);
        for (within, &index) in lines.iter().enumerate() {
            let notes = line_notes(written(entries, event), position, within, lines.len());
            if let Some(line) = write.lines.get_mut(index) {
                line.notes = notes;
                line.mark.clone_from(&mark);
            }
        }
    }
}

/// Where an event's lines sit in its write.
#[derive(Clone, Copy)]
struct Position {
    /// Which writer of the write (0 for the first).
    ordinal: usize,
    /// How many writers.
    of: usize,
    group: Group,
}

fn line_notes(written: Written, position: Position, within: usize, count: usize) -> Vec<Note> {
    let mut notes = Vec::new();
    match written {
        Written::Command(command) => {
            if let Group::Pipelined { commands } = position.group {
                notes.push(pipelined_note(position.ordinal, commands));
            }
            notes.extend(parameter_notes(command));
        }
        Written::Reply(kind, reply) => {
            if within == 0 && position.of > 1 {
                notes.push(note(
                    format!(
                        "Reply {} of {} in one write: the answers to a pipelined group come \
                         back together, in the order of the commands.",
                        position.ordinal + 1,
                        position.of
                    ),
                    RFC_PIPELINING,
                ));
            }
            notes.extend(reply_line_notes(kind, reply, within, count));
        }
        Written::MessageText => notes.extend(message_text_note(within, count)),
        Written::Chunk(chunk, of, octets, last) if within == 0 => notes.push(note(
            format!(
                "Chunk {chunk} of {of}: {octets} octets of message exactly as they are, framed \
                 by the count on the BDAT line, not by lines: nothing is dot-stuffed{}.",
                if last {
                    ", and no final dot follows"
                } else {
                    ""
                }
            ),
            RFC_CHUNKING,
        )),
        Written::Chunk(..) => {}
        Written::Other => {}
    }
    notes
}

/// The mark of every line `event` wrote: a chunk's octets are data; a BDAT line names
/// its chunk, told by the client's next event (the chunk it sent right after the line).
fn chunk_mark(entries: &[TimelineEntry], event: usize) -> Option<LineMark> {
    match written(entries, event) {
        Written::Chunk(chunk, of, _, _) => Some(LineMark::ChunkData { chunk, of }),
        Written::Command(Command::Bdat { .. }) => {
            let next = entries
                .get(event + 1..)?
                .iter()
                .find_map(|entry| match entry {
                    TimelineEntry::Client { event } => Some(&event.kind),
                    _ => None,
                })?;
            let ClientEventKind::ChunkSent {
                chunk,
                of,
                octets,
                last,
            } = *next
            else {
                return None;
            };
            let end = if last { ", LAST" } else { "" };
            Some(LineMark::ChunkCommand {
                chunk,
                of,
                octets,
                last,
                label: format!("chunk {chunk} of {of}, {octets} octets{end}"),
            })
        }
        _ => None,
    }
}

fn note(text: String, rfc: &'static str) -> Note {
    Note {
        text,
        rfc,
        extension: None,
    }
}

fn pipelined_note(ordinal: usize, commands: usize) -> Note {
    let text = if ordinal == 0 {
        format!(
            "First command of a pipelined group: {commands} commands in one write, sent \
             without waiting for each reply because the server offered PIPELINING."
        )
    } else {
        format!(
            "Command {} of {commands} in the pipelined group, sent before the reply to the \
             one before it; its reply comes back in the same order.",
            ordinal + 1
        )
    };
    note(text, RFC_PIPELINING)
}

fn parameter_notes(command: &Command) -> Vec<Note> {
    let Command::Mail { parameters, .. } = command else {
        return Vec::new();
    };
    parameters
        .iter()
        .filter_map(|p| Extension::mail_parameter_note(&p.keyword, p.value.as_deref()))
        .map(|(text, rfc)| note(text, rfc))
        .collect()
}

fn reply_line_notes(kind: ReplyKind, reply: &Reply, within: usize, count: usize) -> Vec<Note> {
    let mut notes = Vec::new();
    let extension = (kind == ReplyKind::Hello && within > 0)
        .then(|| reply.lines.get(within).and_then(|l| Extension::parse(l)))
        .flatten();
    if let Some(extension) = extension {
        notes.push(Note {
            text: format!("{}: {}", extension.keyword(), extension.explanation()),
            rfc: extension.rfc(),
            extension: Some(extension.keyword().to_owned()),
        });
    }
    if count > 1 && within == 0 {
        notes.push(note(
            format!(
                "First line of a reply of {count} lines: a '-' after the code means more \
                 lines follow."
            ),
            RFC_REPLY_LINES,
        ));
    } else if count > 1 && within + 1 == count {
        notes.push(note(
            "Last line of the reply: a space after the code ends it.".into(),
            RFC_REPLY_LINES,
        ));
    }
    notes
}

fn message_text_note(within: usize, count: usize) -> Option<Note> {
    if within == 0 {
        return Some(note(
            format!(
                "Start of the message text ({count} lines), sent after the server's 354: \
                 header fields, an empty line, the body; a line starting with '.' gets a \
                 second '.'."
            ),
            RFC_MESSAGE_TEXT,
        ));
    }
    (within + 1 == count).then(|| {
        note(
            "The line with a lone '.' ends the message text.".into(),
            "RFC 5321 §4.1.1.4",
        )
    })
}
