//! A raw telnet-style dialogue with no markers. A line that starts with a reply code
//! is the server's; the rest are the client's. After `354` every line up to a lone `.`
//! is message text, after `BDAT n` the lines holding its n octets are the client's
//! (each counted with its CRLF), and after `334` the next line is a SASL response,
//! whatever it looks like. Lines that are neither a reply nor a known verb keep a note
//! that their side was guessed.

use super::line::{input_lines, Origin, Side, WireLine};
use crate::protocol::Command;

/// What the reader expects from the client next.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    Commands,
    MessageText,
    /// Octets of a BDAT chunk still to come.
    Chunk(u64),
    SaslResponse,
}

/// True when the line starts like a server reply (`250 `, `250-`, or a bare `250`).
pub(crate) fn looks_like_reply(line: &str) -> bool {
    let bytes = line.as_bytes();
    bytes.len() >= 3
        && bytes.iter().take(3).all(u8::is_ascii_digit)
        && matches!(bytes.first(), Some(b'2'..=b'5'))
        && matches!(bytes.get(3), None | Some(b' ' | b'-'))
}

/// Reads every non-empty line, inferring its side.
pub fn read(text: &str) -> Vec<WireLine> {
    let mut lines = Vec::new();
    let mut expect = Expect::Commands;
    for (n, line) in input_lines(text) {
        let (side, origin) = match expect {
            Expect::MessageText => {
                if line == "." {
                    expect = Expect::Commands;
                }
                (Side::Client, Origin::Logged)
            }
            Expect::Chunk(remaining) => {
                expect = after_chunk_line(line, remaining);
                (Side::Client, Origin::Logged)
            }
            Expect::SaslResponse if !looks_like_reply(line) => {
                expect = Expect::Commands;
                (Side::Client, Origin::Logged)
            }
            _ if looks_like_reply(line) => {
                expect = match line.get(..4) {
                    Some("354 ") | Some("354") => Expect::MessageText,
                    Some("334 ") | Some("334") => Expect::SaslResponse,
                    _ => Expect::Commands,
                };
                (Side::Server, Origin::Logged)
            }
            _ if line.trim().is_empty() => continue,
            _ if is_known_verb(line) => {
                expect = after_command(line);
                (Side::Client, Origin::Logged)
            }
            _ => (Side::Client, Origin::Inferred),
        };
        lines.push(WireLine::logged(n, side, line).with_origin(origin));
    }
    lines
}

/// What follows a client command: a BDAT chunk's octets, or more commands.
fn after_command(line: &str) -> Expect {
    match Command::parse_borrowed(line.as_bytes()) {
        Ok(Command::Bdat { size, .. }) if size > 0 => Expect::Chunk(size),
        _ => Expect::Commands,
    }
}

/// What follows a line of a chunk with `remaining` octets to come: the rest of the
/// chunk, or, once it is complete, commands (a BDAT right after the chunk's last
/// octet, on the same line, starts the next chunk).
fn after_chunk_line(line: &str, remaining: u64) -> Expect {
    let length = line.len() as u64 + 2;
    if length <= remaining {
        return match remaining - length {
            0 => Expect::Commands,
            left => Expect::Chunk(left),
        };
    }
    let rest = usize::try_from(remaining)
        .ok()
        .and_then(|at| line.get(at..))
        .unwrap_or_default();
    after_command(rest)
}

fn is_known_verb(line: &str) -> bool {
    match Command::parse_borrowed(line.as_bytes()) {
        Ok(_) => true,
        Err(error) => !error.detail.starts_with("Unknown command"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_octets_are_the_clients_whatever_they_look_like() {
        // "250 x\r\n" is 7 octets of the first chunk, "ab\r\n" the 4 of the second.
        let text = "BDAT 7\n250 x\nBDAT 4 LAST\nab\n250 ok\n250 ok\n";
        let sides: Vec<_> = read(text).iter().map(|l| l.side).collect();
        assert_eq!(
            sides,
            [
                Side::Client,
                Side::Client,
                Side::Client,
                Side::Client,
                Side::Server,
                Side::Server
            ]
        );
        let mid_line = read("BDAT 2\nabBDAT 3 LAST\nx\n250 ok\n");
        let sides: Vec<_> = mid_line.iter().map(|l| (l.side, l.origin)).collect();
        assert_eq!(
            sides,
            [
                (Side::Client, Origin::Logged),
                (Side::Client, Origin::Logged),
                (Side::Client, Origin::Logged),
                (Side::Server, Origin::Logged),
            ]
        );
    }

    #[test]
    fn infers_sides_from_codes_and_verbs() {
        let text = "220 hi\nEHLO x\n250 ok\nDATA\n354 go\n250 looks like a code\n.\nfrobnicate\n";
        let sides: Vec<_> = read(text).iter().map(|l| (l.side, l.origin)).collect();
        assert_eq!(
            sides,
            vec![
                (Side::Server, Origin::Logged),
                (Side::Client, Origin::Logged),
                (Side::Server, Origin::Logged),
                (Side::Client, Origin::Logged),
                (Side::Server, Origin::Logged),
                (Side::Client, Origin::Logged),
                (Side::Client, Origin::Logged),
                (Side::Client, Origin::Inferred),
            ]
        );
    }
}
