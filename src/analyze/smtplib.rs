//! Python `smtplib` with `set_debuglevel(1)` or `(2)` (level 2 adds a timestamp):
//! `send: 'ehlo x\r\n'` / `send: b'…'` and `reply: b'250-…\r\n'` carry the exact octets
//! as Python literals, so CR LF, bare LF and 8-bit octets are all visible;
//! `reply: retcode …` and `data: (…)` repeat what was already shown.

use super::line::{input_lines, split_wire, Side, WireLine};

/// True for a `send:` or `reply:` line.
pub(crate) fn recognises(line: &str) -> bool {
    let rest = skip_time(line);
    rest.starts_with("send: ") || rest.starts_with("reply: ")
}

/// Reads the octets of every `send:` and `reply:` literal, split into wire lines.
pub fn read(text: &str) -> Vec<WireLine> {
    let mut lines = Vec::new();
    for (n, line) in input_lines(text) {
        let rest = skip_time(line);
        let (side, literal) = if let Some(literal) = rest.strip_prefix("send: ") {
            (Side::Client, literal)
        } else if let Some(literal) = rest.strip_prefix("reply: ") {
            (Side::Server, literal)
        } else {
            continue;
        };
        let Some(octets) = python_literal(literal) else {
            continue;
        };
        for (text, ending) in split_wire(&octets) {
            lines.push(WireLine {
                n,
                side,
                octets: text,
                ending,
                origin: super::line::Origin::Logged,
            });
        }
    }
    lines
}

/// Level 2 starts each line with `HH:MM:SS.ffffff `.
fn skip_time(line: &str) -> &str {
    let (word, rest) = line.split_once(' ').unwrap_or(("", line));
    if !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b':' || b == b'.')
    {
        rest
    } else {
        line
    }
}

/// The octets of a Python `repr` of `str` or `bytes`: `'…'`, `b'…'` or `"…"`.
fn python_literal(literal: &str) -> Option<Vec<u8>> {
    let body = literal.strip_prefix('b').unwrap_or(literal);
    let quote = body.chars().next().filter(|q| *q == '\'' || *q == '"')?;
    let inner = body.get(1..)?.strip_suffix(quote)?;
    Some(unescape(inner))
}

fn unescape(inner: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buffer = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
            continue;
        }
        match chars.next() {
            Some('n') => out.push(b'\n'),
            Some('r') => out.push(b'\r'),
            Some('t') => out.push(b'\t'),
            Some('0') => out.push(0),
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(u8::from_str_radix(&hex, 16).unwrap_or(b'?'));
            }
            Some(c @ ('u' | 'U')) => {
                let width = if c == 'u' { 4 } else { 8 };
                let hex: String = chars.by_ref().take(width).collect();
                let decoded = u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or(char::REPLACEMENT_CHARACTER);
                let mut buffer = [0; 4];
                out.extend_from_slice(decoded.encode_utf8(&mut buffer).as_bytes());
            }
            Some(other) => {
                let mut buffer = [0; 4];
                out.extend_from_slice(other.encode_utf8(&mut buffer).as_bytes());
            }
            None => out.push(b'\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::line::Ending;

    #[test]
    fn unescapes_bytes_literals_into_wire_lines() {
        let lines =
            read("12:00:00.1 send: b'a\\r\\nb\\nc\\xe9\\r\\n'\nreply: retcode (250); Msg: b'x'\n");
        let got: Vec<_> = lines.iter().map(|l| (l.octets.clone(), l.ending)).collect();
        assert_eq!(
            got,
            vec![
                (b"a".to_vec(), Ending::CrLf),
                (b"b".to_vec(), Ending::BareLf),
                (b"c\xe9".to_vec(), Ending::CrLf)
            ]
        );
    }
}
