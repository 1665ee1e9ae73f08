//! The annotated transcript printed by `serve` and `send`: every line each side wrote,
//! marked `C:` or `S:`, and under it the engine's explanation with its RFC section.
//! Lines are shown as they crossed the wire, less the CRLF; control octets are escaped
//! so a bare CR or a NUL is visible. What is kept of an unfinished line is bounded, so a
//! peer sending megabytes without a line feed costs no memory here either. Message text
//! is shown in summary: its first lines, its last lines and how much was not shown, so
//! a large (or refused) message does not fill the log.

use std::collections::VecDeque;
use std::io::Write;

use super::engine::Note;

/// Most octets of one line shown; the rest is counted, not kept.
pub const SHOWN_LINE_OCTETS: usize = 1000;

/// Which side wrote some octets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The SMTP client (`C:`).
    Client,
    /// The SMTP server (`S:`).
    Server,
}

impl Side {
    /// `C:`/`S:` in the clear, `C~`/`S~` once TLS is up (as swaks marks TLS lines).
    fn marker(self, encrypted: bool) -> &'static str {
        match (self, encrypted) {
            (Side::Client, false) => "C:",
            (Side::Server, false) => "S:",
            (Side::Client, true) => "C~",
            (Side::Server, true) => "S~",
        }
    }
}

/// Cuts a byte stream into display lines, keeping at most [`SHOWN_LINE_OCTETS`] of
/// the line in progress.
#[derive(Debug, Default)]
pub struct LineSplitter {
    pending: Vec<u8>,
    hidden: usize,
    last_was_cr: bool,
}

impl LineSplitter {
    /// Adds octets; returns every line they completed, rendered.
    pub fn push(&mut self, octets: &[u8]) -> Vec<String> {
        let mut lines = Vec::new();
        for &octet in octets {
            if octet == b'\n' {
                lines.push(self.take_line(true));
            } else {
                if self.pending.len() < SHOWN_LINE_OCTETS {
                    self.pending.push(octet);
                } else {
                    self.hidden = self.hidden.saturating_add(1);
                }
                self.last_was_cr = octet == b'\r';
            }
        }
        lines
    }

    /// The unfinished line, if any (at the end of a connection).
    pub fn finish(&mut self) -> Option<String> {
        (!self.pending.is_empty() || self.hidden > 0).then(|| self.take_line(false))
    }

    fn take_line(&mut self, ended_by_lf: bool) -> String {
        let crlf = ended_by_lf && self.last_was_cr;
        if crlf {
            if self.hidden > 0 {
                self.hidden -= 1;
            } else {
                self.pending.pop();
            }
        }
        let mut shown = render(&self.pending);
        if self.hidden > 0 {
            shown.push_str(&format!(" … ({} more octets not shown)", self.hidden));
        }
        if !ended_by_lf {
            shown.push_str(" ⟨no line ending yet⟩");
        } else if !crlf {
            shown.push_str(" ⟨bare LF⟩");
        }
        self.pending.clear();
        self.hidden = 0;
        self.last_was_cr = false;
        shown
    }
}

/// UTF-8 text as is; control octets (except TAB) and octets that are not UTF-8 shown
/// as `\xNN`, so nothing on the wire is hidden behind a replacement character.
fn render(octets: &[u8]) -> String {
    let mut shown = String::with_capacity(octets.len());
    for chunk in octets.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c.is_control() && c != '\t' {
                shown.push_str(&format!("\\x{:02X}", u32::from(c)));
            } else {
                shown.push(c);
            }
        }
        for octet in chunk.invalid() {
            shown.push_str(&format!("\\x{octet:02X}"));
        }
    }
    shown
}

/// Lines of message text shown from its start.
pub const MESSAGE_HEAD_LINES: usize = 20;
/// Lines of message text shown from its end (the final "." among them).
pub const MESSAGE_TAIL_LINES: usize = 5;

/// The message text in progress: what was shown, and the last lines held back.
#[derive(Debug, Default)]
struct MessageText {
    shown: usize,
    tail: VecDeque<String>,
    hidden_lines: u64,
    octets: u64,
}

/// One connection's transcript, written a step at a time to a shared output.
pub struct Transcript {
    prefix: String,
    out: Box<dyn Write + Send>,
    buffer: String,
    from_client: LineSplitter,
    from_server: LineSplitter,
    message: Option<MessageText>,
    /// TLS is up: lines are marked `~` instead of `:`.
    encrypted: bool,
}

impl Transcript {
    /// A transcript whose lines start with `prefix` (e.g. `[#3] ` when several
    /// connections share stdout).
    pub fn new(prefix: impl Into<String>, out: Box<dyn Write + Send>) -> Self {
        Self {
            prefix: prefix.into(),
            out,
            buffer: String::new(),
            from_client: LineSplitter::default(),
            from_server: LineSplitter::default(),
            message: None,
            encrypted: false,
        }
    }

    /// From now on the connection is encrypted: lines are marked `C~`/`S~`.
    pub fn set_encrypted(&mut self, encrypted: bool) {
        self.encrypted = encrypted;
    }

    /// Octets `side` wrote.
    pub fn octets(&mut self, side: Side, octets: &[u8]) {
        if let Some(message) = self.message.as_mut() {
            message.octets = message.octets.saturating_add(octets.len() as u64);
        }
        let lines = self.splitter(side).push(octets);
        for line in lines {
            let text = format!("{} {line}", side.marker(self.encrypted));
            self.message_line(text);
        }
    }

    /// Whether the octets that follow are message text (between the 354 and the final
    /// "."): its lines are then shown in summary. Leaving it writes the summary.
    pub fn set_message_text(&mut self, inside: bool) {
        match (inside, self.message.is_some()) {
            (true, false) => self.message = Some(MessageText::default()),
            (false, true) => self.end_message_text(),
            _ => {}
        }
    }

    fn message_line(&mut self, text: String) {
        let Some(message) = self.message.as_mut() else {
            self.line(&text);
            return;
        };
        if message.shown < MESSAGE_HEAD_LINES {
            message.shown += 1;
            self.line(&text);
            return;
        }
        message.tail.push_back(text);
        if message.tail.len() > MESSAGE_TAIL_LINES {
            message.tail.pop_front();
            message.hidden_lines = message.hidden_lines.saturating_add(1);
        }
    }

    fn end_message_text(&mut self) {
        let Some(message) = self.message.take() else {
            return;
        };
        if message.hidden_lines > 0 {
            self.line(&format!(
                "   … {} lines of message text not shown ({} octets in all) …",
                message.hidden_lines, message.octets
            ));
        }
        for line in message.tail {
            self.line(&line);
        }
    }

    /// The engine's explanations and the octets it wrote (`local` is the engine's
    /// side). When the notes account for every octet written, each reply is shown
    /// right above its explanation; otherwise the explanations come first and the
    /// octets after, exactly as written.
    pub fn step(&mut self, local: Side, notes: Vec<Note>, output: &[u8]) {
        let accounted: Vec<u8> = notes
            .iter()
            .filter_map(|n| n.wrote.as_deref())
            .flatten()
            .copied()
            .collect();
        let interleave = accounted == output;
        for note in notes {
            if let (true, Some(wrote)) = (interleave, &note.wrote) {
                self.octets(local, wrote);
            }
            self.note(&note.explanation, note.rfc);
        }
        if !interleave {
            self.octets(local, output);
        }
    }

    /// One explanation.
    pub fn note(&mut self, explanation: &str, rfc: &str) {
        self.line(&format!("   # {explanation} ({rfc})"));
    }

    /// A line about the connection itself (not protocol).
    pub fn info(&mut self, text: &str) {
        self.line(&format!("-- {text}"));
    }

    /// Shows unfinished lines, then writes out everything.
    pub fn finish(&mut self) {
        self.end_message_text();
        for side in [Side::Client, Side::Server] {
            if let Some(line) = self.splitter(side).finish() {
                self.line(&format!("{} {line}", side.marker(self.encrypted)));
            }
        }
        self.flush();
    }

    /// Writes what was gathered in one call, so lines of concurrent connections never
    /// interleave mid-line.
    pub fn flush(&mut self) {
        if !self.buffer.is_empty() {
            // A closed stdout must not stop the server; the transcript is best effort.
            let _ = self.out.write_all(self.buffer.as_bytes());
            let _ = self.out.flush();
            self.buffer.clear();
        }
    }

    fn splitter(&mut self, side: Side) -> &mut LineSplitter {
        match side {
            Side::Client => &mut self.from_client,
            Side::Server => &mut self.from_server,
        }
    }

    fn line(&mut self, text: &str) {
        self.buffer.push_str(&self.prefix);
        self.buffer.push_str(text);
        self.buffer.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lines_whatever_the_chunking() {
        let input = b"220 hi\r\nbare\nEHLO x\r\npartial";
        let mut whole = LineSplitter::default();
        let mut lines = whole.push(input);
        lines.extend(whole.finish());
        let mut bytewise = LineSplitter::default();
        let mut one_by_one: Vec<String> = input.iter().flat_map(|b| bytewise.push(&[*b])).collect();
        one_by_one.extend(bytewise.finish());
        assert_eq!(lines, one_by_one);
        assert_eq!(
            lines,
            [
                "220 hi",
                "bare ⟨bare LF⟩",
                "EHLO x",
                "partial ⟨no line ending yet⟩"
            ]
        );
    }

    /// A `Write` whose contents the test can read afterwards.
    #[derive(Clone, Default)]
    struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, octets: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(octets);
            Ok(octets.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn note(explanation: &str, wrote: Option<&[u8]>) -> Note {
        Note {
            explanation: explanation.into(),
            rfc: "RFC 5321 §4.2",
            wrote: wrote.map(<[u8]>::to_vec),
        }
    }

    fn render_step(notes: Vec<Note>, output: &[u8]) -> String {
        let sink = Shared::default();
        let mut transcript = Transcript::new("[#1] ", Box::new(sink.clone()));
        transcript.step(Side::Server, notes, output);
        transcript.finish();
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        text
    }

    #[test]
    fn replies_sit_above_their_reasons_when_the_notes_account_for_the_output() {
        let notes = vec![
            note("sent MAIL", None),
            note("sender ok", Some(b"250 2.1.0 Ok\r\n")),
            note("recipient ok", Some(b"250 2.1.5 Ok\r\n")),
        ];
        assert_eq!(
            render_step(notes.clone(), b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n"),
            "[#1]    # sent MAIL (RFC 5321 §4.2)\n[#1] S: 250 2.1.0 Ok\n[#1]    # sender ok (RFC 5321 §4.2)\n\
             [#1] S: 250 2.1.5 Ok\n[#1]    # recipient ok (RFC 5321 §4.2)\n"
        );
        // Octets the notes do not explain: reasons first, then the octets as written.
        let shown = render_step(notes, b"250 2.1.0 Ok\r\n");
        assert!(
            shown.ends_with("# recipient ok (RFC 5321 §4.2)\n[#1] S: 250 2.1.0 Ok\n"),
            "{shown}"
        );
        assert_eq!(shown.matches("S: ").count(), 1);
    }

    #[test]
    fn message_text_is_shown_by_its_first_and_last_lines() {
        let sink = Shared::default();
        let mut transcript = Transcript::new("", Box::new(sink.clone()));
        transcript.set_message_text(true);
        let mut text = Vec::new();
        for n in 0..1000 {
            text.extend_from_slice(format!("line {n}\r\n").as_bytes());
        }
        text.extend_from_slice(b".\r\nQUIT\r\n");
        transcript.octets(Side::Client, &text);
        transcript.set_message_text(false);
        transcript.finish();
        let shown = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(
            lines.len(),
            MESSAGE_HEAD_LINES + 1 + MESSAGE_TAIL_LINES,
            "{shown}"
        );
        assert_eq!(lines[0], "C: line 0");
        assert_eq!(
            lines[MESSAGE_HEAD_LINES],
            format!(
                "   … 977 lines of message text not shown ({} octets in all) …",
                text.len()
            )
        );
        assert_eq!(lines[lines.len() - 2..], ["C: .", "C: QUIT"]);
    }

    #[test]
    fn long_lines_are_bounded_and_controls_escaped() {
        let mut splitter = LineSplitter::default();
        assert!(splitter.push(&vec![b'x'; 10_000]).is_empty());
        assert!(splitter.pending.len() <= SHOWN_LINE_OCTETS);
        let line = splitter.push(b"\r\n").remove(0);
        assert!(line.ends_with("x … (9000 more octets not shown)"), "{line}");
        assert_eq!(LineSplitter::default().push(b"a\0b\r\n"), ["a\\x00b"]);
        assert_eq!(
            LineSplitter::default().push(b"\xc3\xa9 \xff\xc3\r\n"),
            ["é \\xFF\\xC3"]
        );
    }
}
