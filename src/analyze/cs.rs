//! `C:` / `S:` transcripts: RFC examples, this project's "Copy transcript" and the
//! `send`/`serve` output (with `# …` explanation lines and `[#1]` connection tags), with
//! or without a timestamp before the marker.

use super::line::{input_lines, Side, WireLine};

/// True when the line is a `C:`/`S:` line.
pub(crate) fn recognises(line: &str) -> bool {
    marked(line).is_some()
}

/// Reads every `C:`/`S:` line; anything else (explanations, banners) is skipped.
pub fn read(text: &str) -> Vec<WireLine> {
    input_lines(text)
        .filter_map(|(n, line)| marked(line).map(|(side, text)| WireLine::logged(n, side, text)))
        .collect()
}

/// The side and the text after `C: ` / `S: `, once tags and timestamps are skipped.
fn marked(line: &str) -> Option<(Side, &str)> {
    let rest = skip_prefixes(line);
    let (side, after) = if let Some(after) = rest.strip_prefix("C:") {
        (Side::Client, after)
    } else {
        (Side::Server, rest.strip_prefix("S:")?)
    };
    match after.strip_prefix(' ') {
        Some(text) => Some((side, text)),
        None if after.is_empty() => Some((side, "")),
        None => None,
    }
}

/// Skips `[…]` tags and timestamp words (`12:00:01.250`, `+35ms`, `0.120s`).
pub(crate) fn skip_prefixes(line: &str) -> &str {
    let mut rest = line.trim_start();
    loop {
        if rest.starts_with('[') {
            match rest.find(']') {
                Some(end) => rest = rest.get(end + 1..).unwrap_or_default().trim_start(),
                None => return rest,
            }
            continue;
        }
        let word_end = rest.find(' ').unwrap_or(rest.len());
        let word = rest.get(..word_end).unwrap_or_default();
        if is_timestamp(word) && word_end < rest.len() {
            rest = rest.get(word_end..).unwrap_or_default().trim_start();
            continue;
        }
        return rest;
    }
}

fn is_timestamp(word: &str) -> bool {
    word.bytes().any(|b| b.is_ascii_digit())
        && word.bytes().all(|b| {
            b.is_ascii_digit() || matches!(b, b':' | b'.' | b'+' | b'-' | b'm' | b's' | b'T' | b'Z')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_markers_after_tags_and_timestamps() {
        let lines = read("[#1] S: 220 hi\n   # note\n12:00:01.5 C: EHLO x\n+35ms S: 250 ok\nC:\n");
        let texts: Vec<_> = lines.iter().map(|l| (l.n, l.side, l.text())).collect();
        assert_eq!(
            texts,
            vec![
                (1, Side::Server, "220 hi".to_owned()),
                (3, Side::Client, "EHLO x".to_owned()),
                (4, Side::Server, "250 ok".to_owned()),
                (5, Side::Client, String::new()),
            ]
        );
    }
}
