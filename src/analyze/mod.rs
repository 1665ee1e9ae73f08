//! Bring your own session: read a real transcript or capture (swaks, smtplib, curl,
//! C:/S:, nodemailer, a raw dialogue, pcap/pcapng), replay it line by line and judge
//! every line against the RFCs.
//!
//! - Readers (one file per format) turn the input into [`line::WireLine`]s: who sent
//!   what, and the input line (or packet) it came from.
//! - [`judge`] replays them with the engines' own parsers and returns findings, each
//!   with a severity, the input line, one sentence and the RFC section.
//!
//! Sans-IO like the engines: bytes in, an [`Analysis`] out. Input is capped at
//! [`MAX_INPUT`] octets so memory stays bounded; a longer input is cut and says so.

pub(crate) mod cs;
pub(crate) mod curl;
pub(crate) mod expect;
pub(crate) mod finding;
pub(crate) mod format;
pub(crate) mod judge;
pub mod line;
/// Used by the page's Analyze tab only (the wasm adapter's `analyze-page` exports).
#[cfg(any(all(target_arch = "wasm32", feature = "analyze-page"), test))]
pub(crate) mod mask;
pub(crate) mod message_text;
pub(crate) mod negotiation;
pub(crate) mod nodemailer;
pub(crate) mod pcap;
pub(crate) mod raw;
pub(crate) mod sasl_check;
pub(crate) mod sasl_view;
pub(crate) mod smtplib;
pub(crate) mod swaks;
pub(crate) mod tcp;
pub(crate) mod tls_records;
/// Used by the page's Analyze tab only (the wasm adapter's `analyze-page` exports).
#[cfg(any(all(target_arch = "wasm32", feature = "analyze-page"), test))]
pub(crate) mod to_scenario;
pub mod view;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;

use core::fmt;
use serde::{Deserialize, Serialize};

pub use finding::{Finding, Severity};
pub use format::Format;
pub use judge::{AnnotatedLine, Role};

/// Longest input analysed: 8 MiB, far beyond any real session log.
pub const MAX_INPUT: usize = 8 * 1024 * 1024;

/// How to read the input.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Options {
    /// The format, or `None` (`"auto"` in JSON) to recognise it.
    #[serde(deserialize_with = "format_or_auto")]
    pub format: Option<Format>,
    /// The password, to recompute CRAM-MD5 / DIGEST-MD5 digests and compare PLAIN and
    /// LOGIN passwords.
    pub password: Option<String>,
    /// For a capture with several TCP connections: which one (1-based); by default
    /// the first that carries data.
    pub connection: Option<usize>,
}

/// Reads a format name, `"auto"` or nothing as "recognise it".
fn format_or_auto<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Format>, D::Error> {
    let name: Option<String> = Option::deserialize(deserializer)?;
    match name.as_deref() {
        None | Some("auto") | Some("") => Ok(None),
        Some(name) => name.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

/// The judged session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Analysis {
    /// The format read.
    pub format: Format,
    /// Every wire line, in order.
    pub lines: Vec<AnnotatedLine>,
    /// Every finding, in line order.
    pub findings: Vec<Finding>,
    /// For a capture: every TCP connection in it (empty for a text log).
    pub connections: Vec<pcap::Connection>,
    /// For a capture: the index of the connection whose lines these are.
    pub connection: Option<usize>,
}

impl Analysis {
    /// True when at least one finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// Why an input cannot be analysed at all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum AnalyzeError {
    /// Nothing in the input looks like an SMTP session.
    NotRecognised,
    /// The chosen format found no SMTP lines.
    NoLines(Format),
    /// The capture cannot be read.
    BadCapture(String),
}

impl fmt::Display for AnalyzeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotRecognised => f.write_str(
                "the input does not look like an SMTP session (swaks, smtplib, curl -v, C:/S:, nodemailer, a raw dialogue, pcap or pcapng)",
            ),
            Self::NoLines(format) => write!(f, "no SMTP lines found when reading the input as {format}"),
            Self::BadCapture(problem) => write!(f, "the capture cannot be read: {problem}"),
        }
    }
}

impl std::error::Error for AnalyzeError {}

/// Reads and judges `input`.
pub fn analyze(input: &[u8], options: &Options) -> Result<Analysis, AnalyzeError> {
    let cut = input.len() > MAX_INPUT;
    let input = input.get(..MAX_INPUT).unwrap_or(input);
    let format = match options.format {
        Some(format) => format,
        None if format::is_capture(input) => Format::Pcap,
        None => format::detect_text(&String::from_utf8_lossy(input))
            .ok_or(AnalyzeError::NotRecognised)?,
    };
    let (wire, capture_findings, connections, connection) = match format {
        Format::Pcap => read_capture(input, options.connection)?,
        text_format => (read_text(text_format, input), Vec::new(), Vec::new(), None),
    };
    if wire.is_empty() {
        return Err(AnalyzeError::NoLines(format));
    }
    let (lines, mut findings) = judge::judge(&wire, options.password.as_deref());
    findings.extend(capture_findings);
    if cut {
        findings.push(Finding::warning(
            wire.last().map_or(1, |l| l.n),
            "RFC 5321 §4.5.3",
            format!("the input is longer than {MAX_INPUT} octets: only the first {MAX_INPUT} were analysed, the rest is ignored"),
        ));
    }
    findings.sort_by_key(|f| f.line);
    Ok(Analysis {
        format,
        lines,
        findings,
        connections,
        connection,
    })
}

fn read_text(format: Format, input: &[u8]) -> Vec<line::WireLine> {
    let text = String::from_utf8_lossy(input);
    match format {
        Format::Swaks => swaks::read(&text),
        Format::Smtplib => smtplib::read(&text),
        Format::Curl => curl::read(&text),
        Format::Cs => cs::read(&text),
        Format::Nodemailer => nodemailer::read(&text),
        Format::Raw | Format::Pcap => raw::read(&text),
    }
}

/// The chosen connection's lines, with notes on the capture itself.
type CaptureRead = (
    Vec<line::WireLine>,
    Vec<Finding>,
    Vec<pcap::Connection>,
    Option<usize>,
);

fn read_capture(input: &[u8], connection: Option<usize>) -> Result<CaptureRead, AnalyzeError> {
    let capture = pcap::read(input, connection)?;
    let first = capture.lines.first().map_or(1, |l| l.n);
    let last = capture.lines.last().map_or(1, |l| l.n);
    let mut findings = Vec::new();
    if capture.connections.len() > 1 {
        findings.push(Finding::note(
            first,
            "RFC 793 §2.7",
            format!(
                "the capture has {} TCP connections; this is connection {} (choose another with the connection option)",
                capture.connections.len(),
                capture.chosen
            ),
        ));
    }
    for packet in &capture.gaps {
        findings.push(Finding::warning(
            *packet,
            "RFC 793 §3.3",
            "octets before this packet are missing from the capture, so the lines around it are incomplete",
        ));
    }
    if capture.truncated {
        findings.push(Finding::warning(
            last,
            "RFC 793 §3.3",
            "the capture file ends inside a packet: it was cut short",
        ));
    }
    Ok((
        capture.lines,
        findings,
        capture.connections,
        Some(capture.chosen),
    ))
}
