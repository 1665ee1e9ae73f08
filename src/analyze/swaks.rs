//! swaks output: ` -> ` sent, `<-  ` received, `**> ` / `<** ` sent or received when
//! swaks did not expect it, ` ~> ` / `<~  ` / `*~> ` / `<~* ` the same inside TLS; `===`
//! and `***` are swaks' own remarks. With `--show-raw-text` swaks also dumps every octet
//! in hex (`  > 0000: …` sent, `<   0000: …` received); those dumps give each line its
//! real terminator, so a bare LF shows.

use super::line::{input_lines, split_wire, Origin, Side, WireLine};

const MARKERS: [(&str, Side, Origin); 8] = [
    (" -> ", Side::Client, Origin::Logged),
    ("**> ", Side::Client, Origin::Logged),
    ("<-  ", Side::Server, Origin::Logged),
    ("<** ", Side::Server, Origin::Logged),
    (" ~> ", Side::Client, Origin::InsideTls),
    ("*~> ", Side::Client, Origin::InsideTls),
    ("<~  ", Side::Server, Origin::InsideTls),
    ("<~* ", Side::Server, Origin::InsideTls),
];

/// Width of the hex columns of a dump line: 16 octets, spaces, a wider gap every 4.
const HEX_COLUMNS: usize = 50;

/// True for a swaks transcript line, remark or hex dump line. The dumps count, so a
/// short `--show-raw-text` session is not taken for curl's `< ` lines.
pub(crate) fn recognises(line: &str) -> bool {
    line.starts_with("=== ")
        || line.starts_with("*** ")
        || marked(line).is_some()
        || hex_dump(line).is_some()
}

/// Reads the sent and received lines, with their terminators when hex dumps show them.
pub fn read(text: &str) -> Vec<WireLine> {
    let mut lines = Vec::new();
    let mut dumped: [Vec<u8>; 2] = [Vec::new(), Vec::new()];
    for (n, line) in input_lines(text) {
        if let Some((side, text, origin)) = marked(line) {
            lines.push(WireLine::logged(n, side, text).with_origin(origin));
        } else if let Some((side, octets)) = hex_dump(line) {
            dumped[usize::from(side == Side::Server)].extend(octets);
        }
    }
    for (side, octets) in [(Side::Client, &dumped[0]), (Side::Server, &dumped[1])] {
        if !octets.is_empty() {
            apply_endings(&mut lines, side, octets);
        }
    }
    lines
}

fn marked(line: &str) -> Option<(Side, &str, Origin)> {
    MARKERS
        .iter()
        .find_map(|(marker, side, origin)| {
            line.strip_prefix(marker).map(|text| (*side, text, *origin))
        })
        .or_else(|| {
            // swaks writes an empty DATA line as " -> "; editors trim the space.
            (line == " ->").then_some((Side::Client, "", Origin::Logged))
        })
}

/// The octets of one `--show-raw-text` dump line.
fn hex_dump(line: &str) -> Option<(Side, Vec<u8>)> {
    let (side, rest) = if let Some(rest) = line.strip_prefix("  > ") {
        (Side::Client, rest)
    } else {
        (Side::Server, line.strip_prefix("<   ")?)
    };
    let (offset, rest) = rest.split_once(": ")?;
    if offset.len() != 4 || !offset.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let columns = rest.get(..HEX_COLUMNS).unwrap_or(rest);
    let octets = columns
        .split_whitespace()
        .map_while(|pair| {
            (pair.len() == 2)
                .then(|| u8::from_str_radix(pair, 16).ok())
                .flatten()
        })
        .collect();
    Some((side, octets))
}

/// Gives one side's text lines the terminators the dumps show, when the dumps split
/// into exactly those lines; otherwise the endings stay unknown.
fn apply_endings(lines: &mut [WireLine], side: Side, octets: &[u8]) {
    let wire = split_wire(octets);
    let texts: Vec<&mut WireLine> = lines
        .iter_mut()
        .filter(|l| l.side == side && l.origin == Origin::Logged)
        .collect();
    let matches = texts.len() == wire.len()
        && texts
            .iter()
            .zip(&wire)
            .all(|(line, (octets, _))| line.octets == *octets);
    if !matches {
        return;
    }
    for (line, (_, ending)) in texts.into_iter().zip(wire) {
        line.ending = ending;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::line::Ending;

    #[test]
    fn skips_remarks_and_hex_dumps() {
        let text = "=== Trying\n<-  220 hi\n -> EHLO x\n  > 0000: 45 48    EH\n<~  250 ok\n";
        let lines = read(text);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1].side, Side::Client);
        assert_eq!(lines[2].origin, Origin::InsideTls);
    }

    #[test]
    fn unexpected_lines_keep_their_side() {
        let text = "**> RSET\n<** 550 no\n*~> QUIT\n<~* 554 bye\n";
        let sides: Vec<_> = read(text).iter().map(|l| (l.side, l.origin)).collect();
        assert_eq!(
            sides,
            vec![
                (Side::Client, Origin::Logged),
                (Side::Server, Origin::Logged),
                (Side::Client, Origin::InsideTls),
                (Side::Server, Origin::InsideTls)
            ]
        );
    }

    #[test]
    fn hex_dumps_give_the_real_terminators() {
        let text = concat!(
            "<   0000: 32 32 30 0D  0A                                       220..\n",
            "<-  220\n -> NOOP\n -> RSET\n",
            "  > 0000: 4E 4F 4F 50  0A 52 53 45  54 0D 0A                    NOOP.RSET..\n",
        );
        let endings: Vec<_> = read(text).iter().map(|l| l.ending).collect();
        assert_eq!(endings, vec![Ending::CrLf, Ending::BareLf, Ending::CrLf]);
    }
}
