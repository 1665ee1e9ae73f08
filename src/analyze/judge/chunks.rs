//! CHUNKING (RFC 3030): `BDAT n [LAST]` and the n octets after it. The count frames
//! the chunk, so its lines are message, never commands, and the next command starts
//! right after the n-th octet, in the middle of a logged line if the chunk ends there
//! (a log splits at LF, not at chunk ends). Octets are counted as the log shows them:
//! a line's text plus its ending (CRLF when the log does not show it).
//!
//! The rules judged: BDAT needs CHUNKING offered and a transaction with a recipient;
//! DATA and BDAT are not mixed in one transaction; BDAT LAST ends the message and
//! nothing but MAIL starts the next; no BDAT after a refused chunk until RSET; a
//! BODY=BINARYMIME message only goes in BDAT chunks (§3).

use super::{Judge, Mode, Role};
use crate::analyze::expect::Sent;
use crate::analyze::finding::Finding;
use crate::analyze::line::{Ending, Origin, Side, WireLine};

const RFC_CHUNKING: &str = "RFC 3030 §2";
const RFC_BINARYMIME: &str = "RFC 3030 §3";

/// A chunk being read.
#[derive(Clone, Debug)]
pub(super) struct Chunk {
    /// Octets still to come.
    remaining: u64,
    /// It was announced with LAST.
    last: bool,
}

impl Chunk {
    /// Octets the chunk still needs.
    pub(super) fn remaining(&self) -> u64 {
        self.remaining
    }
}

/// The octets a logged line stood for on the wire: its text and its ending, CRLF when
/// the log does not show the ending (the only ending RFC 5321 §2.3.8 allows).
fn wire_length(line: &WireLine) -> u64 {
    let ending = match line.ending {
        Ending::CrLf | Ending::Unknown => 2,
        Ending::BareLf => 1,
        Ending::Missing => 0,
    };
    line.octets.len() as u64 + ending
}

impl Judge<'_> {
    /// `BDAT size [LAST]`: judged against the transaction, then its octets are read.
    pub(super) fn bdat(&mut self, n: usize, size: u64, last: bool) -> Sent {
        self.needs_hello(n, "BDAT");
        if !self.caps.has("CHUNKING") {
            self.findings.push(Finding::error(
                n,
                RFC_CHUNKING,
                "BDAT but the server did not offer CHUNKING: a server without it reads the chunk's octets as commands",
            ));
        }
        let transaction = &self.transaction;
        let problem = if transaction.last_chunk_sent {
            Some("BDAT after BDAT LAST ended the message: the next message starts with MAIL")
        } else if transaction.chunk_refused {
            Some("BDAT after a chunk of this message was refused: the transaction has failed, and only RSET clears it")
        } else if !transaction.mail_sent {
            Some("BDAT with no MAIL before it")
        } else if transaction.rcpts_accepted == 0 && transaction.rcpts_pending == 0 {
            Some("BDAT with no accepted RCPT")
        } else {
            None
        };
        if let Some(problem) = problem {
            self.findings.push(Finding::error(n, RFC_CHUNKING, problem));
        }
        self.transaction.chunks += 1;
        let chunk = Chunk {
            remaining: size,
            last,
        };
        if size == 0 {
            self.chunk_done(n, &chunk);
        } else {
            self.mode = Mode::Chunk(chunk);
        }
        Sent::Bdat { last }
    }

    /// A line of a chunk: message octets, counted off the chunk.
    pub(super) fn chunk_octets(&mut self, line: &WireLine, mut chunk: Chunk) -> Role {
        if line.origin == Origin::Elided {
            // The log only says data went by: take it as the rest of the chunk.
            self.chunk_done(line.n, &chunk);
            return Role::Elided;
        }
        chunk.remaining = chunk.remaining.saturating_sub(wire_length(line));
        if !self.transaction.declared_binary {
            let mut text = core::mem::take(&mut self.transaction.chunk_text);
            text.line(line, &mut self.findings);
            self.transaction.chunk_text = text;
        }
        if chunk.remaining == 0 {
            self.chunk_done(line.n, &chunk);
        } else {
            self.mode = Mode::Chunk(chunk);
        }
        Role::ChunkData
    }

    /// Every octet of the chunk is in; LAST ends the message.
    fn chunk_done(&mut self, n: usize, chunk: &Chunk) {
        if !chunk.last {
            return;
        }
        let text = core::mem::take(&mut self.transaction.chunk_text);
        self.end_of_message(n, &text);
        self.transaction.last_chunk_sent = true;
    }

    /// A client line that holds the end of the chunk being read and more: the chunk's
    /// part and the rest (the next command), each to be judged on its own.
    pub(super) fn split_at_chunk_end(&self, line: &WireLine) -> Option<(WireLine, WireLine)> {
        let Mode::Chunk(chunk) = &self.mode else {
            return None;
        };
        if line.side != Side::Client
            || matches!(line.origin, Origin::Elided | Origin::OpaqueTls)
            || chunk.remaining >= wire_length(line)
        {
            return None;
        }
        let take = usize::try_from(chunk.remaining).ok()?;
        let text_length = line.octets.len();
        let (data, data_ending, rest, rest_ending) = if take <= text_length {
            let (data, rest) = line.octets.split_at_checked(take)?;
            (data.to_vec(), Ending::Missing, rest.to_vec(), line.ending)
        } else {
            // The chunk ends between CR and LF: it takes the CR, the LF stays.
            let mut data = line.octets.clone();
            data.push(b'\r');
            (data, Ending::Missing, Vec::new(), Ending::BareLf)
        };
        let part = |octets: Vec<u8>, ending: Ending| WireLine {
            n: line.n,
            side: line.side,
            octets,
            ending,
            origin: line.origin,
        };
        Some((part(data, data_ending), part(rest, rest_ending)))
    }

    /// DATA in a transaction that used BDAT, or after BODY=BINARYMIME.
    pub(super) fn data_after_chunking(&mut self, n: usize) {
        if self.transaction.chunks > 0 {
            self.findings.push(Finding::error(
                n,
                RFC_CHUNKING,
                "DATA after BDAT in the same transaction: the two cannot be mixed (the server answers 503)",
            ));
        } else if self.transaction.declared_binary {
            self.findings.push(Finding::error(
                n,
                RFC_BINARYMIME,
                "DATA after MAIL declared BODY=BINARYMIME: a binary message can only go in BDAT chunks",
            ));
        }
    }

    /// QUIT while a chunked message waits for its LAST chunk.
    pub(super) fn quit_mid_chunking(&mut self, n: usize) {
        let transaction = &self.transaction;
        if transaction.chunks > 0 && !transaction.last_chunk_sent && !transaction.chunk_refused {
            self.findings.push(Finding::warning(
                n,
                RFC_CHUNKING,
                format!(
                    "QUIT after {} BDAT chunk(s) but no BDAT LAST: the message never ended, so the server delivers nothing",
                    transaction.chunks
                ),
            ));
        }
    }

    /// A reply to BDAT: a refused chunk fails the transaction; LAST's reply ends it.
    pub(super) fn bdat_reply(&mut self, last: bool, positive: bool) {
        if last {
            self.transaction = super::Transaction::default();
        } else if !positive {
            self.transaction.chunk_refused = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::judge::{judge, Role};
    use crate::analyze::line::{Side, WireLine};
    use crate::analyze::Finding;

    const EHLO: &str = "S: 220 mx\nC: EHLO c.example\nS: 250-mx\nS: 250-PIPELINING\nS: 250-8BITMIME\nS: 250 CHUNKING\n";

    fn lines(log: &str) -> Vec<WireLine> {
        log.lines()
            .enumerate()
            .map(|(at, line)| {
                let (side, text) = match line.split_at(3) {
                    ("C: ", text) => (Side::Client, text),
                    (_, text) => (Side::Server, text),
                };
                WireLine::logged(at + 1, side, text)
            })
            .collect()
    }

    fn run(log: &str) -> (Vec<(String, Role)>, Vec<Finding>) {
        let (lines, findings) = judge(&lines(log), None);
        (
            lines.into_iter().map(|l| (l.text, l.role)).collect(),
            findings,
        )
    }

    fn errors(findings: &[Finding]) -> Vec<&str> {
        findings
            .iter()
            .filter(|f| f.severity == crate::analyze::Severity::Error)
            .map(|f| f.message.as_str())
            .collect()
    }

    #[test]
    fn chunk_octets_are_message_and_the_next_command_is_found_mid_line() {
        // "Subject: x\r\n" is 12 octets, "hi" 2 more: the second chunk starts mid-line.
        let log = format!(
            "{EHLO}C: MAIL FROM:<a@b.example>\nC: RCPT TO:<c@d.example>\nC: BDAT 14\nC: Subject: x\nC: hiBDAT 4 LAST\nC: .x\nS: 250 ok\nS: 250 ok\nS: 250 ok\nS: 250 ok\nC: QUIT\nS: 221 bye\n"
        );
        let (lines, findings) = run(&log);
        let roles: Vec<(&str, Role)> = lines
            .iter()
            .skip(6)
            .map(|(text, role)| (text.as_str(), *role))
            .collect();
        assert_eq!(
            roles,
            [
                ("MAIL FROM:<a@b.example>", Role::Command),
                ("RCPT TO:<c@d.example>", Role::Command),
                ("BDAT 14", Role::Command),
                ("Subject: x", Role::ChunkData),
                ("hi", Role::ChunkData),
                ("BDAT 4 LAST", Role::Command),
                (".x", Role::ChunkData),
                ("250 ok", Role::Reply),
                ("250 ok", Role::Reply),
                ("250 ok", Role::Reply),
                ("250 ok", Role::Reply),
                ("QUIT", Role::Command),
                ("221 bye", Role::Reply),
            ]
        );
        assert!(findings.is_empty(), "{findings:#?}");
    }

    #[test]
    fn the_bdat_rules() {
        let mail = "C: MAIL FROM:<a@b.example>\nS: 250 ok\nC: RCPT TO:<c@d.example>\nS: 250 ok\n";
        let cases = [
            (
                format!("{EHLO}C: BDAT 0 LAST\nS: 503 no\n"),
                "BDAT with no MAIL before it",
            ),
            (
                format!("{EHLO}{mail}C: BDAT 3\nC: a\nS: 250 ok\nC: DATA\nS: 503 no\n"),
                "DATA after BDAT",
            ),
            (
                format!("{EHLO}{mail}C: BDAT 3 LAST\nC: a\nC: BDAT 0 LAST\nS: 250 ok\nS: 503 no\n"),
                "BDAT after BDAT LAST",
            ),
            (
                format!("{EHLO}{mail}C: BDAT 3 LAST\nC: a\nS: 250 ok\nC: BDAT 0 LAST\nS: 503 no\n"),
                "BDAT with no MAIL before it",
            ),
            (
                format!("{EHLO}{mail}C: BDAT 3\nC: a\nS: 552 too big\nC: BDAT 0 LAST\nS: 503 no\n"),
                "after a chunk of this message was refused",
            ),
            (
                "S: 220 mx\nC: EHLO c\nS: 250-mx\nS: 250 BINARYMIME\nC: MAIL FROM:<a@b.example> BODY=BINARYMIME\nS: 250 ok\nC: RCPT TO:<c@d.example>\nS: 250 ok\nC: DATA\nS: 503 no\n".to_owned(),
                "a binary message can only go in BDAT chunks",
            ),
            (
                "S: 220 mx\nC: EHLO c\nS: 250 mx\nC: MAIL FROM:<a@b.example>\nS: 250 ok\nC: RCPT TO:<c@d.example>\nS: 250 ok\nC: BDAT 3 LAST\nC: a\nS: 500 what\n".to_owned(),
                "the server did not offer CHUNKING",
            ),
            (
                format!("{EHLO}{mail}C: BDAT 30 LAST\nC: a\n"),
                "the transcript ends inside a BDAT chunk: 27 of its octets never came",
            ),
        ];
        for (log, words) in cases {
            let (_, findings) = run(&log);
            let errors = errors(&findings);
            assert!(
                errors.iter().any(|e| e.contains(words)),
                "{words}: {errors:#?}\n{log}"
            );
        }
    }

    #[test]
    fn eight_bit_chunks_need_a_body_declaration_unless_binary() {
        let log = |body: &str| {
            format!("{EHLO}C: MAIL FROM:<a@b.example>{body}\nS: 250 ok\nC: RCPT TO:<c@d.example>\nS: 250 ok\nC: BDAT 9 LAST\nC: Grüße\nS: 250 ok\n")
        };
        let (_, findings) = run(&log(""));
        assert!(errors(&findings)
            .iter()
            .any(|e| e.contains("did not declare BODY=8BITMIME")));
        let (_, findings) = run(&log(" BODY=8BITMIME"));
        assert!(errors(&findings).is_empty(), "{findings:#?}");
    }

    #[test]
    fn quit_before_last_is_a_warning() {
        let log = format!("{EHLO}C: MAIL FROM:<a@b.example>\nS: 250 ok\nC: RCPT TO:<c@d.example>\nS: 250 ok\nC: BDAT 3\nC: a\nS: 250 ok\nC: QUIT\nS: 221 bye\n");
        let (_, findings) = run(&log);
        assert!(findings
            .iter()
            .any(|f| f.message.contains("no BDAT LAST") && f.rfc == "RFC 3030 §2"));
    }
}
