//! The analysis as the page's Analyze view shows it: every line with what it is in
//! people's words and its RFC section, the groups the transcript draws (a multi-line
//! reply, a block of message text), each finding tied to the line it concerns, and
//! the counts per severity. The page only renders this; it derives nothing.

use serde::Serialize;

use super::finding::{Finding, Severity};
use super::judge::{AnnotatedLine, Role};
use super::line::{Ending, Origin, Side};
use super::{pcap, Analysis, Format};
use crate::protocol::{Command, EnhancedCode, ReplyCode, ReplyKind};

/// What a line is and the RFC section behind it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    /// One or two sentences.
    pub text: String,
    /// Where it is defined.
    pub rfc: &'static str,
}

/// One line of the view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ViewLine<'a> {
    /// 1-based line number in the input (for a capture: the packet number).
    pub n: usize,
    /// Who sent it.
    pub side: Side,
    /// The text.
    pub text: &'a str,
    /// What it is in the session.
    pub role: Role,
    /// How it ended on the wire.
    pub ending: Ending,
    /// Where the text comes from.
    pub origin: Origin,
    /// What it means: an index into [`View::notes`] (lines share their notes, so a
    /// long session does not repeat the same sentence thousands of times).
    pub note: usize,
    /// Indexes into [`View::findings`] of the findings on this line.
    pub findings: Vec<usize>,
}

/// Consecutive lines the transcript draws as one group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    /// Index of its first line.
    pub first: usize,
    /// How many lines.
    pub count: usize,
    /// Who sent them.
    pub side: Side,
    /// True for message text.
    pub message_text: bool,
    /// What the group is, e.g. "multi-line reply, 6 lines".
    pub label: String,
}

/// A finding with the index of the line it selects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ViewFinding<'a> {
    /// The finding as the analysis reports it.
    #[serde(flatten)]
    pub finding: &'a Finding,
    /// Index into [`View::lines`]: the first line from the finding's input line on.
    pub index: usize,
}

/// How many findings of each severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Notes.
    pub notes: usize,
}

/// The whole view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct View<'a> {
    /// The format read.
    pub format: Format,
    /// The format in words, e.g. "swaks output".
    pub format_label: &'static str,
    /// Every line.
    pub lines: Vec<ViewLine<'a>>,
    /// The distinct line notes, in order of first use.
    pub notes: Vec<Note>,
    /// The groups, in line order.
    pub groups: Vec<Group>,
    /// Every finding, in line order.
    pub findings: Vec<ViewFinding<'a>>,
    /// Findings per severity.
    pub counts: Counts,
    /// For a capture: its TCP connections.
    pub connections: &'a [pcap::Connection],
    /// What the server offered in its EHLO reply and what the client did with it.
    pub negotiation: Vec<super::negotiation::OfferedRow>,
    /// Every AUTH exchange, step by step, each payload decoded as the SASL calculator
    /// decodes it.
    pub sasl: Vec<super::sasl_view::SaslExchangeView>,
}

/// The view of `analysis`; `password` (the one the analysis was given) lets the SASL
/// steps check PLAIN/LOGIN passwords and recompute CRAM-MD5, DIGEST-MD5 and SCRAM proofs.
pub fn view<'a>(analysis: &'a Analysis, password: Option<&str>) -> View<'a> {
    let mut notes = Notes::default();
    let mut lines: Vec<ViewLine> = analysis
        .lines
        .iter()
        .map(|line| view_line(line, &mut notes))
        .collect();
    let findings: Vec<ViewFinding> = analysis
        .findings
        .iter()
        .map(|finding| ViewFinding {
            finding,
            index: line_index(&analysis.lines, finding.line),
        })
        .collect();
    for (at, finding) in findings.iter().enumerate() {
        if let Some(line) = lines.get_mut(finding.index) {
            line.findings.push(at);
        }
    }
    View {
        format: analysis.format,
        format_label: format_label(analysis.format),
        groups: groups(&analysis.lines),
        counts: counts(&analysis.findings),
        lines,
        notes: notes.list,
        findings,
        connections: &analysis.connections,
        negotiation: super::negotiation::rows(&analysis.lines),
        sasl: super::sasl_view::exchanges(&analysis.lines, password),
    }
}

/// What the page's input form offers: every format with its label, and the largest
/// input the analysis reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InputFacts {
    /// Every format, in the order to list them.
    pub formats: Vec<FormatChoice>,
    /// Longest input analysed, in octets ([`super::MAX_INPUT`]).
    pub max_input: usize,
}

/// One format the input form can force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FormatChoice {
    /// The name the options take.
    pub name: &'static str,
    /// In words.
    pub label: &'static str,
}

/// Every format, in the order the form lists them.
const FORMATS: [Format; 7] = [
    Format::Swaks,
    Format::Smtplib,
    Format::Curl,
    Format::Cs,
    Format::Nodemailer,
    Format::Raw,
    Format::Pcap,
];

/// The formats and the input limit, for the page's form.
pub fn input_facts() -> InputFacts {
    InputFacts {
        formats: FORMATS
            .iter()
            .map(|&format| FormatChoice {
                name: format.name(),
                label: format_label(format),
            })
            .collect(),
        max_input: super::MAX_INPUT,
    }
}

fn format_label(format: Format) -> &'static str {
    match format {
        Format::Swaks => "swaks output",
        Format::Smtplib => "Python smtplib debug output",
        Format::Curl => "curl -v log",
        Format::Cs => "C:/S: transcript",
        Format::Nodemailer => "nodemailer log",
        Format::Raw => "raw dialogue (directions inferred)",
        Format::Pcap => "packet capture (pcap/pcapng)",
    }
}

/// The first line whose input line is `n` or later; the last line when none is.
fn line_index(lines: &[AnnotatedLine], n: usize) -> usize {
    let at = lines.partition_point(|line| line.n < n);
    at.min(lines.len().saturating_sub(1))
}

fn counts(findings: &[Finding]) -> Counts {
    let mut counts = Counts::default();
    for finding in findings {
        match finding.severity {
            Severity::Error => counts.errors += 1,
            Severity::Warning => counts.warnings += 1,
            Severity::Note => counts.notes += 1,
        }
    }
    counts
}

/// The distinct notes and where each is in the list.
#[derive(Default)]
struct Notes {
    list: Vec<Note>,
    index: std::collections::HashMap<Note, usize>,
}

impl Notes {
    fn intern(&mut self, note: Note) -> usize {
        if let Some(&at) = self.index.get(&note) {
            return at;
        }
        let at = self.list.len();
        self.index.insert(note.clone(), at);
        self.list.push(note);
        at
    }
}

fn view_line<'a>(line: &'a AnnotatedLine, notes: &mut Notes) -> ViewLine<'a> {
    let mut note = note(line);
    match line.origin {
        Origin::InsideTls => note
            .text
            .push_str(" Sent inside TLS: the log shows it decrypted."),
        Origin::Inferred => note
            .text
            .push_str(" The log has no direction marker: the side is inferred."),
        _ => {}
    }
    ViewLine {
        n: line.n,
        side: line.side,
        text: &line.text,
        role: line.role,
        ending: line.ending,
        origin: line.origin,
        note: notes.intern(note),
        findings: Vec::new(),
    }
}

fn note(line: &AnnotatedLine) -> Note {
    match line.role {
        Role::Command => command_note(&line.text),
        Role::Reply => reply_note(&line.text),
        Role::MessageText if line.text == "." => Note {
            text: "A line with a single dot ends the message text (CRLF.CRLF).".into(),
            rfc: "RFC 5321 §4.1.1.4",
        },
        Role::MessageText => Note {
            text: "Message text, sent after 354 until a line with a single dot; a line that starts with a dot gets a second one (dot-stuffing).".into(),
            rfc: "RFC 5321 §4.5.2",
        },
        Role::ChunkData => Note {
            text: "Octets of a BDAT chunk: message text sent as it is, framed by the count on the BDAT line, so nothing is dot-stuffed and the next command starts right after the last octet.".into(),
            rfc: "RFC 3030 §2",
        },
        Role::SaslResponse => Note {
            text: "The client's SASL response to the 334 challenge, in base64 (\"*\" cancels).".into(),
            rfc: "RFC 4954 §4",
        },
        Role::Elided => Note {
            text: "The log only says that data went by here, not what it was.".into(),
            rfc: "RFC 5321 §4.1.1.4",
        },
        Role::Tls => Note {
            text: "TLS records after STARTTLS: encrypted, so they cannot be read as SMTP.".into(),
            rfc: "RFC 3207 §4",
        },
    }
}

/// What each command asks for, from its verb.
fn command_note(text: &str) -> Note {
    let command = match Command::parse(text.as_bytes()) {
        Ok(command) => command,
        Err(error) => {
            return Note {
                text: format!("Not a valid command: {error}."),
                rfc: "RFC 5321 §4.1",
            }
        }
    };
    let (text, rfc) = match command {
        Command::Ehlo { .. } => ("EHLO: the client names itself and asks which extensions the server offers.", "RFC 5321 §4.1.1.1"),
        Command::Helo { .. } => ("HELO: the client names itself, without extensions (plain SMTP).", "RFC 5321 §4.1.1.1"),
        Command::Mail { .. } => ("MAIL FROM starts a transaction with the reverse-path, where bounces go; parameters such as SIZE= and BODY= follow.", "RFC 5321 §4.1.1.2"),
        Command::Rcpt { .. } => ("RCPT TO names one recipient of this transaction.", "RFC 5321 §4.1.1.3"),
        Command::Data => ("DATA asks to send the message text; the server answers 354 when it is ready.", "RFC 5321 §4.1.1.4"),
        Command::Bdat { .. } => ("BDAT sends the next chunk of the message: exactly the octets its size says follow the line, with no dot-stuffing; LAST ends the message.", "RFC 3030 §2"),
        Command::Rset => ("RSET abandons the current transaction; the session stays.", "RFC 5321 §4.1.1.5"),
        Command::Noop => ("NOOP does nothing but must be answered with 250.", "RFC 5321 §4.1.1.9"),
        Command::Quit => ("QUIT ends the session; the server answers 221 and closes.", "RFC 5321 §4.1.1.10"),
        Command::Vrfy { .. } => ("VRFY asks whether a mailbox exists.", "RFC 5321 §4.1.1.6"),
        Command::Expn { .. } => ("EXPN asks for the members of a mailing list.", "RFC 5321 §4.1.1.7"),
        Command::Help { .. } => ("HELP asks for human-readable hints.", "RFC 5321 §4.1.1.8"),
        Command::Auth { .. } => ("AUTH starts a SASL exchange with the named mechanism, optionally with the first response in base64.", "RFC 4954 §4"),
        Command::StartTls => ("STARTTLS asks to switch this connection to TLS; after 220 both sides start the TLS handshake.", "RFC 3207 §4"),
        Command::Etrn { .. } => ("ETRN asks the server to deliver the mail queued for a domain now.", "RFC 1985 §5"),
        Command::Turn => ("TURN asks the server to swap roles: obsolete and insecure.", "RFC 5321 Appendix F.1"),
        Command::Atrn { .. } => ("ATRN asks an authenticated server to turn the connection around and deliver held mail.", "RFC 2645 §2"),
        Command::Obsolete { .. } => ("An obsolete RFC 821 command (SEND, SOML or SAML).", "RFC 5321 Appendix F.6"),
    };
    Note {
        text: text.into(),
        rfc,
    }
}

/// What a reply line says, from its code and enhanced code (the reply table the
/// server engine answers from).
fn reply_note(text: &str) -> Note {
    let code = text
        .get(..3)
        .and_then(|digits| digits.parse::<u16>().ok())
        .and_then(ReplyCode::new);
    let Some(code) = code else {
        return Note {
            text: "A server line without a valid three-digit reply code.".into(),
            rfc: "RFC 5321 §4.2",
        };
    };
    let continued = text.get(3..4) == Some("-");
    let enhanced = text
        .get(4..)
        .and_then(EnhancedCode::parse_prefix)
        .map(|(code, _)| code);
    let kind = ReplyKind::ALL
        .iter()
        .filter(|kind| kind.code() == code)
        .find(|kind| enhanced.is_none() || kind.enhanced() == enhanced)
        .or_else(|| ReplyKind::ALL.iter().find(|kind| kind.code() == code));
    let mut note = match kind {
        Some(kind) => Note {
            text: format!("{code}: {}", kind.explanation()),
            rfc: kind.rfc(),
        },
        None => Note {
            text: format!("{code}: {}.", code.class().describe()),
            rfc: "RFC 5321 §4.2.1",
        },
    };
    if continued {
        note.text
            .push_str(" A \"-\" after the code means more lines of this reply follow.");
    }
    note
}

/// Multi-line replies and blocks of message text.
fn groups(lines: &[AnnotatedLine]) -> Vec<Group> {
    let mut groups = Vec::new();
    let mut at = 0;
    while let Some(line) = lines.get(at) {
        let count = run_length(lines, at);
        if count > 1 {
            let label = match line.role {
                Role::MessageText => format!("message text, {count} lines"),
                Role::ChunkData => format!("BDAT chunk, {count} lines"),
                _ => format!("multi-line reply, {count} lines"),
            };
            groups.push(Group {
                first: at,
                count,
                side: line.side,
                message_text: matches!(line.role, Role::MessageText | Role::ChunkData),
                label,
            });
        }
        at += count.max(1);
    }
    groups
}

/// How many lines from `at` belong together: a reply up to its line without `-`, or
/// message text up to its final dot.
fn run_length(lines: &[AnnotatedLine], at: usize) -> usize {
    let mut count = 0;
    for line in lines.iter().skip(at) {
        let first = lines.get(at);
        let same_role = first.is_some_and(|f| f.role == line.role && f.side == line.side);
        let grouped = matches!(line.role, Role::Reply | Role::MessageText | Role::ChunkData);
        if !same_role || !grouped {
            break;
        }
        count += 1;
        let last = match line.role {
            Role::Reply => line.text.get(3..4) != Some("-"),
            Role::MessageText => line.text == ".",
            _ => false,
        };
        if last {
            break;
        }
    }
    count.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{analyze, Options};

    fn analysis(log: &str) -> Analysis {
        analyze(log.as_bytes(), &Options::default()).expect("a session")
    }

    #[test]
    fn lines_carry_notes_and_groups_follow_replies_and_message_text() {
        let analysis = analysis("S: 220 mx.example.org ESMTP\nC: EHLO c.example\nS: 250-mx.example.org\nS: 250-PIPELINING\nS: 250 8BITMIME\nC: MAIL FROM:<a@b.example>\nS: 250 2.1.0 ok\nC: RCPT TO:<c@d.example>\nS: 250 2.1.5 ok\nC: DATA\nS: 354 go\nC: Subject: x\nC: \nC: hi\nC: .\nS: 250 2.0.0 queued\nC: QUIT\nS: 221 2.0.0 bye\n");
        let view = view(&analysis, None);
        assert_eq!(view.format_label, "C:/S: transcript");
        let note = |at: usize| &view.notes[view.lines[at].note];
        assert_eq!(note(1).rfc, "RFC 5321 §4.1.1.1");
        assert_eq!(
            note(6).rfc,
            "RFC 5321 §4.1.1.2",
            "250 2.1.0 is the sender reply"
        );
        assert!(note(2).text.contains("more lines"));
        assert_eq!(
            view.lines[12].note, view.lines[13].note,
            "message text shares one note"
        );
        let labels: Vec<&str> = view.groups.iter().map(|g| g.label.as_str()).collect();
        assert_eq!(
            labels,
            ["multi-line reply, 3 lines", "message text, 4 lines"]
        );
        assert_eq!(
            (view.groups[1].first, view.groups[1].message_text),
            (11, true)
        );
        assert_eq!(view.counts, Counts::default());
    }

    #[test]
    fn each_finding_points_at_its_line() {
        let analysis = analysis(
            "S: 220 mx\nC: MAIL FROM:<a@b.example>\nS: 503 5.5.1 EHLO first\nC: QUIT\nS: 221 bye\n",
        );
        let view = view(&analysis, None);
        assert!(view.counts.errors >= 1, "{:?}", analysis.findings);
        for (at, finding) in view.findings.iter().enumerate() {
            let line = &view.lines[finding.index];
            assert!(line.n >= finding.finding.line || finding.index == view.lines.len() - 1);
            assert!(line.findings.contains(&at));
        }
        let mail = view
            .findings
            .iter()
            .find(|f| f.finding.severity == Severity::Error)
            .unwrap();
        assert_eq!(view.lines[mail.index].text, "MAIL FROM:<a@b.example>");
    }

    #[test]
    fn a_bad_command_says_why() {
        let analysis = analysis("S: 220 mx\nC: XYZZY\nS: 500 5.5.2 unknown\n");
        let view = view(&analysis, None);
        let note = &view.notes[view.lines[1].note];
        assert!(note.text.starts_with("Not a valid command"), "{note:?}");
    }
}
