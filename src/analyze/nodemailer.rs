//! nodemailer's logger output: `[time] DEBUG [id] C: …` / `S: …`. With `debug: true`
//! the message follows the `354` as unmarked DEBUG lines up to a lone `.`; without it,
//! an INFO line `<N bytes encoded mime message …>` stands for the data.

use super::line::{input_lines, Origin, Side, WireLine};

/// True for a nodemailer log line.
pub(crate) fn recognises(line: &str) -> bool {
    parts(line).is_some()
}

/// Reads the C:/S: lines and the message lines between `354` and the final dot.
pub fn read(text: &str) -> Vec<WireLine> {
    let mut lines = Vec::new();
    let mut in_data = false;
    let mut data_seen = false;
    for (n, line) in input_lines(text) {
        let Some((level, rest)) = parts(line) else {
            continue;
        };
        if let Some(text) = rest.strip_prefix("C: ") {
            lines.push(WireLine::logged(n, Side::Client, text));
        } else if let Some(text) = rest.strip_prefix("S: ") {
            in_data = text.starts_with("354");
            data_seen = false;
            lines.push(WireLine::logged(n, Side::Server, text));
        } else if in_data && level == "DEBUG" {
            lines.push(WireLine::logged(n, Side::Client, rest));
            data_seen = true;
            in_data = rest != ".";
        } else if in_data && !data_seen && rest.contains("bytes encoded mime message") {
            lines.push(WireLine::logged(n, Side::Client, rest).with_origin(Origin::Elided));
            in_data = false;
        }
    }
    lines
}

/// The level and the text after `[time] LEVEL [id] `.
fn parts(line: &str) -> Option<(&str, &str)> {
    let after_time = line.strip_prefix('[')?.split_once("] ")?.1;
    let (level, rest) = after_time.split_once(' ')?;
    if !matches!(level, "DEBUG" | "INFO" | "WARN" | "ERROR" | "TRACE") {
        return None;
    }
    let rest = rest.trim_start();
    let rest = match rest.strip_prefix('[').and_then(|r| r.split_once("] ")) {
        Some((_, after_id)) => after_id,
        None => rest
            .strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
            .map_or(rest, |_| ""),
    };
    Some((level, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_data_lines_between_354_and_the_dot() {
        let text = "[t] DEBUG [a] S: 354 go\n[t] DEBUG [a] Subject: x\n[t] DEBUG [a] \n[t] DEBUG [a] .\n[t] DEBUG [a] Closing\n";
        let lines = read(text);
        let texts: Vec<_> = lines.iter().map(WireLine::text).collect();
        assert_eq!(texts, vec!["354 go", "Subject: x", "", "."]);
    }
}
