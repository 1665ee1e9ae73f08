//! The input formats and how they are recognised: a capture by its magic number, a
//! text log by which reader claims most of its first lines.

use core::fmt;
use core::str::FromStr;
use serde::{Deserialize, Serialize};

use super::{cs, curl, nodemailer, raw, smtplib, swaks};

/// How many lines detection looks at.
const DETECTION_LINES: usize = 400;

/// An input format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// swaks output.
    Swaks,
    /// Python smtplib debug output.
    Smtplib,
    /// `curl -v`.
    Curl,
    /// `C:` / `S:` lines.
    Cs,
    /// nodemailer's logger.
    Nodemailer,
    /// Unmarked dialogue.
    Raw,
    /// pcap or pcapng capture.
    Pcap,
}

impl Format {
    /// The name on the command line and in JSON.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Swaks => "swaks",
            Self::Smtplib => "smtplib",
            Self::Curl => "curl",
            Self::Cs => "cs",
            Self::Nodemailer => "nodemailer",
            Self::Raw => "raw",
            Self::Pcap => "pcap",
        }
    }

    const TEXT: [Format; 5] = [
        Self::Nodemailer,
        Self::Smtplib,
        Self::Swaks,
        Self::Cs,
        Self::Curl,
    ];

    fn claims(self, line: &str) -> bool {
        match self {
            Self::Swaks => swaks::recognises(line),
            Self::Smtplib => smtplib::recognises(line),
            Self::Curl => curl::recognises(line),
            Self::Cs => cs::recognises(line),
            Self::Nodemailer => nodemailer::recognises(line),
            Self::Raw | Self::Pcap => false,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        [
            Self::Swaks,
            Self::Smtplib,
            Self::Curl,
            Self::Cs,
            Self::Nodemailer,
            Self::Raw,
            Self::Pcap,
        ]
        .into_iter()
        .find(|format| format.name().eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            format!("unknown format '{name}' (swaks, smtplib, curl, cs, nodemailer, raw or pcap)")
        })
    }
}

/// True when the octets start like a pcap or pcapng file.
pub(crate) fn is_capture(octets: &[u8]) -> bool {
    matches!(
        octets.get(..4),
        Some(
            [0xd4, 0xc3, 0xb2, 0xa1]
                | [0xa1, 0xb2, 0xc3, 0xd4]
                | [0x4d, 0x3c, 0xb2, 0xa1]
                | [0xa1, 0xb2, 0x3c, 0x4d]
                | [0x0a, 0x0d, 0x0d, 0x0a]
        )
    )
}

/// The text format whose reader claims most of the first lines; `Raw` when none does
/// but some line starts with a reply code; `None` when nothing looks like SMTP.
pub(crate) fn detect_text(text: &str) -> Option<Format> {
    let mut counts = [0usize; Format::TEXT.len()];
    let mut replies = 0;
    for (_, line) in super::line::input_lines(text).take(DETECTION_LINES) {
        for (count, format) in counts.iter_mut().zip(Format::TEXT) {
            *count += usize::from(format.claims(line));
        }
        replies += usize::from(raw::looks_like_reply(line));
    }
    let (best, count) = counts
        .iter()
        .zip(Format::TEXT)
        .max_by_key(|(count, _)| **count)
        .map(|(count, format)| (format, *count))?;
    if count > 0 {
        Some(best)
    } else if replies > 0 {
        Some(Format::Raw)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_text_format() {
        let cases = [
            ("<-  220 hi\n -> EHLO x\n", Format::Swaks),
            (
                "send: 'ehlo x\\r\\n'\nreply: b'250 ok\\r\\n'\n",
                Format::Smtplib,
            ),
            ("* Trying\n< 220 hi\n> EHLO x\n", Format::Curl),
            ("S: 220 hi\nC: EHLO x\n", Format::Cs),
            (
                "[2026-01-01 00:00:00] DEBUG [a] S: 220 hi\n",
                Format::Nodemailer,
            ),
            ("220 hi\nEHLO x\n", Format::Raw),
        ];
        for (text, format) in cases {
            assert_eq!(detect_text(text), Some(format), "{text:?}");
        }
        assert_eq!(detect_text("hello world\n"), None);
    }
}
