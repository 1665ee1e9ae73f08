//! Checks on the message text between `354` and the final `.`: line length, NUL, bare
//! CR or LF (RFC 5321 §2.3.8, §4.5.3.1.6) and 8-bit octets, which need BODY=8BITMIME
//! (RFC 6152 §3).

use super::finding::Finding;
use super::line::{Ending, WireLine};
use crate::protocol::MAX_TEXT_LINE;

/// What the message text showed so far.
#[derive(Clone, Debug, Default)]
pub struct MessageText {
    /// The first line with an octet above 127.
    pub first_8bit_line: Option<usize>,
    /// The first line of the body (after the blank line) with an octet above 127:
    /// SMTPUTF8 allows UTF-8 header fields (RFC 6532), not an 8-bit body.
    pub first_8bit_body_line: Option<usize>,
    /// The blank line that ends the header section went by.
    in_body: bool,
}

impl MessageText {
    /// Checks one line of message text.
    pub fn line(&mut self, line: &WireLine, findings: &mut Vec<Finding>) {
        let n = line.n;
        if line.octets.len() + 2 > MAX_TEXT_LINE {
            findings.push(Finding::error(
                n,
                "RFC 5321 §4.5.3.1.6",
                format!(
                    "a text line of {} octets plus CRLF is over the 1000-octet limit",
                    line.octets.len()
                ),
            ));
        }
        if !line.octets.is_ascii() {
            self.first_8bit_line.get_or_insert(n);
            if self.in_body {
                self.first_8bit_body_line.get_or_insert(n);
            }
        }
        // A chunk that ends mid-line leaves an empty piece with no ending: not a blank line.
        if line.octets.is_empty() && line.ending != Ending::Missing {
            self.in_body = true;
        }
        check_octets(line, findings);
    }
}

/// NUL, bare CR and bare LF anywhere in a line (commands and text alike).
pub(crate) fn check_octets(line: &WireLine, findings: &mut Vec<Finding>) {
    let n = line.n;
    if line.octets.contains(&0) {
        findings.push(Finding::error(
            n,
            "RFC 5321 §4.5.2",
            "the line contains a NUL octet, which SMTP text must not carry",
        ));
    }
    if line.octets.contains(&b'\r') {
        findings.push(Finding::error(
            n,
            "RFC 5321 §2.3.8",
            "the line contains a bare CR: CR may only appear as part of CRLF",
        ));
    }
    if line.ending == Ending::BareLf {
        findings.push(Finding::error(
            n,
            "RFC 5321 §2.3.8",
            "the line ends with a bare LF instead of CRLF",
        ));
    }
}
