//! swaks output: ` -> ` sent, `<-  ` received, `<** ` received error, ` ~> ` / `<~  `
//! / `<~* ` the same inside TLS; `===` and `***` are swaks' own remarks, and the hex
//! dump of `--show-raw-text` repeats the octets already shown as text.

use super::line::{input_lines, Origin, Side, WireLine};

const MARKERS: [(&str, Side, Origin); 6] = [
    (" -> ", Side::Client, Origin::Logged),
    ("<-  ", Side::Server, Origin::Logged),
    ("<** ", Side::Server, Origin::Logged),
    (" ~> ", Side::Client, Origin::InsideTls),
    ("<~  ", Side::Server, Origin::InsideTls),
    ("<~* ", Side::Server, Origin::InsideTls),
];

/// True for a swaks transcript line or remark.
pub fn recognises(line: &str) -> bool {
    line.starts_with("=== ") || line.starts_with("*** ") || marked(line).is_some()
}

/// Reads the sent and received lines.
pub fn read(text: &str) -> Vec<WireLine> {
    input_lines(text)
        .filter_map(|(n, line)| {
            marked(line)
                .map(|(side, origin, text)| WireLine::logged(n, side, text).with_origin(origin))
        })
        .collect()
}

fn marked(line: &str) -> Option<(Side, Origin, &str)> {
    MARKERS
        .iter()
        .find_map(|(marker, side, origin)| {
            line.strip_prefix(marker).map(|text| (*side, *origin, text))
        })
        .or_else(|| {
            // swaks writes an empty DATA line as " -> " with its space trimmed by editors.
            (line == " ->").then_some((Side::Client, Origin::Logged, ""))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_remarks_and_hex_dumps() {
        let text = "=== Trying\n<-  220 hi\n -> EHLO x\n  > 0000: 45 48    EH\n<~  250 ok\n";
        let lines = read(text);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1].side, Side::Client);
        assert_eq!(lines[2].origin, Origin::InsideTls);
    }
}
