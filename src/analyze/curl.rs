//! `curl -v` SMTP logs: `> ` sent, `< ` received, `* ` curl's remarks, and
//! `} [86 bytes data]` where curl sent message data without showing it.

use super::line::{input_lines, Origin, Side, WireLine};

/// True for a curl verbose line.
pub(crate) fn recognises(line: &str) -> bool {
    line.starts_with("> ") || line.starts_with("< ") || line.starts_with("* ") || elided(line)
}

/// Reads the sent and received lines; data curl did not show becomes one elided line.
pub fn read(text: &str) -> Vec<WireLine> {
    input_lines(text)
        .filter_map(|(n, line)| {
            if let Some(text) = line.strip_prefix("> ") {
                Some(WireLine::logged(n, Side::Client, text))
            } else if let Some(text) = line.strip_prefix("< ") {
                Some(WireLine::logged(n, Side::Server, text))
            } else if elided(line) {
                Some(WireLine::logged(n, Side::Client, line).with_origin(Origin::Elided))
            } else {
                None
            }
        })
        .collect()
}

fn elided(line: &str) -> bool {
    line.starts_with("} [") && line.ends_with(" data]")
}
