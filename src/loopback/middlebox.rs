//! A box on the path between client and server that rewrites cleartext: the
//! "STARTTLS stripping" attack (RFC 3207 §6). It deletes the STARTTLS line from the
//! server's EHLO reply, so a client that only uses TLS when offered goes on in the
//! clear, where the box reads everything, passwords included. It cannot touch what
//! travels inside TLS. It acts only in runs with TLS (the STARTTLS line is there only
//! when the server offers TLS), so builds without TLS carry only the setting.

use crate::variant_names::by_name;
use serde::{Deserialize, Serialize};

/// What sits on the path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum Middlebox {
    /// Nothing: octets arrive as sent.
    #[default]
    None,
    /// Deletes `250-STARTTLS` (or `250 STARTTLS`) from the server's EHLO reply.
    StripStarttls,
}

by_name!(Middlebox { None = "none", StripStarttls = "stripStarttls" });

#[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
/// A write the box altered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Tampering {
    /// What arrives instead.
    pub delivered: Vec<u8>,
    /// The line it deleted, as text.
    pub removed: String,
    /// Why it matters, for the timeline.
    pub explanation: &'static str,
}

#[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
/// The RFC section on the attack.
pub(crate) const RFC: &str = "RFC 3207 §6";

impl Middlebox {
    /// True for [`Middlebox::None`]: octets arrive as sent.
    pub fn is_none(&self) -> bool {
        *self == Self::None
    }

    #[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
    /// What the box does to one cleartext write from the server; `None` when it lets
    /// the write through unchanged.
    pub(crate) fn tamper_server_write(self, octets: &[u8]) -> Option<Tampering> {
        match self {
            Self::None => None,
            Self::StripStarttls => strip_starttls(octets),
        }
    }
}

#[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
/// Removes the STARTTLS line of a multi-line 250 reply. When it was the last line, the
/// line before it becomes the last (`250-` turns into `250 `), so the reply stays
/// well-formed and the client never notices.
fn strip_starttls(octets: &[u8]) -> Option<Tampering> {
    let lines: Vec<&[u8]> = octets.split_inclusive(|&b| b == b'\n').collect();
    let index = lines.iter().position(|line| is_starttls_line(line))?;
    let removed = lines.get(index)?;
    let was_last = removed.get(3) == Some(&b' ');
    let mut delivered = Vec::with_capacity(octets.len());
    let kept: Vec<&[u8]> = lines
        .iter()
        .enumerate()
        .filter(|(at, _)| *at != index)
        .map(|(_, line)| *line)
        .collect();
    for (at, line) in kept.iter().enumerate() {
        let start = delivered.len();
        delivered.extend_from_slice(line);
        let now_last = was_last && at + 1 == index;
        if now_last && line.get(3) == Some(&b'-') {
            if let Some(separator) = delivered.get_mut(start + 3) {
                *separator = b' ';
            }
        }
    }
    Some(Tampering {
        delivered,
        removed: String::from_utf8_lossy(removed)
            .trim_end_matches(['\r', '\n'])
            .to_owned(),
        explanation: "A box on the path deleted STARTTLS from the EHLO reply before the \
                      client read it. The server offered TLS; the client never learns so. \
                      Only a client that requires TLS notices something is wrong.",
    })
}

#[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
/// `250-STARTTLS` or `250 STARTTLS`, any case, with its line end.
fn is_starttls_line(line: &[u8]) -> bool {
    let text = line.strip_suffix(b"\n").unwrap_or(line);
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    matches!(text.get(..4), Some(b"250-" | b"250 "))
        && text
            .get(4..)
            .is_some_and(|keyword| keyword.eq_ignore_ascii_case(b"STARTTLS"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starttls_line_goes_and_the_rest_stays() {
        let reply = b"250-mx.example.org\r\n250-STARTTLS\r\n250 HELP\r\n";
        let tampering = Middlebox::StripStarttls.tamper_server_write(reply).unwrap();
        assert_eq!(tampering.delivered, b"250-mx.example.org\r\n250 HELP\r\n");
        assert_eq!(tampering.removed, "250-STARTTLS");
    }

    #[test]
    fn a_last_starttls_line_leaves_a_well_formed_reply() {
        let reply = b"250-mx.example.org\r\n250-PIPELINING\r\n250 starttls\r\n";
        let tampering = Middlebox::StripStarttls.tamper_server_write(reply).unwrap();
        assert_eq!(
            tampering.delivered,
            b"250-mx.example.org\r\n250 PIPELINING\r\n"
        );
    }

    #[test]
    fn other_writes_and_no_box_pass_unchanged() {
        let reply = b"250-mx.example.org\r\n250-STARTTLS\r\n250 HELP\r\n";
        assert_eq!(Middlebox::None.tamper_server_write(reply), None);
        assert_eq!(
            Middlebox::StripStarttls.tamper_server_write(b"220 Ready to start TLS\r\n"),
            None
        );
    }
}
