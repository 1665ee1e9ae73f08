//! The header section of a message (RFC 5322 §2.2): listing field names and removing
//! fields. Used to strip Bcc in the submission role (RFC 5322 §3.6.3) and to tell the
//! learner which headers each copy carries. Works on octets; never panics on odd input.

/// The header fields of `message`: every line up to the first empty line. A line
/// starting with SP or HTAB continues the previous field (folding, RFC 5322 §2.2.3).
fn header_lines(message: &[u8]) -> (Vec<&[u8]>, usize) {
    let mut lines = Vec::new();
    let mut offset = 0;
    for line in message.split_inclusive(|&b| b == b'\n') {
        let content = trim_line_end(line);
        if content.is_empty() {
            break;
        }
        lines.push(line);
        offset += line.len();
    }
    (lines, offset)
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn is_continuation(line: &[u8]) -> bool {
    matches!(line.first(), Some(b' ' | b'\t'))
}

fn field_name(line: &[u8]) -> Option<&[u8]> {
    let colon = line.iter().position(|&b| b == b':')?;
    let name = line.get(..colon)?;
    (!name.is_empty()).then_some(name)
}

/// The names of the header fields, in order, as written.
pub(crate) fn field_names(message: &[u8]) -> Vec<String> {
    let (lines, _) = header_lines(message);
    lines
        .into_iter()
        .filter(|line| !is_continuation(line))
        .filter_map(field_name)
        .map(|name| String::from_utf8_lossy(name).into_owned())
        .collect()
}

/// `message` without the header fields named in `names` (case-insensitive), with the
/// removed fields' text (unfolded lines joined, line endings dropped) for the events.
pub(crate) fn remove_fields(message: &[u8], names: &[&str]) -> (Vec<u8>, Vec<String>) {
    let (lines, header_end) = header_lines(message);
    let mut kept = Vec::with_capacity(message.len());
    let mut removed: Vec<String> = Vec::new();
    let mut dropping = false;
    for line in lines {
        if !is_continuation(line) {
            dropping = field_name(line).is_some_and(|name| {
                names
                    .iter()
                    .any(|wanted| name.eq_ignore_ascii_case(wanted.as_bytes()))
            });
            if dropping {
                removed.push(String::new());
            }
        }
        if dropping {
            if let Some(text) = removed.last_mut() {
                text.push_str(&String::from_utf8_lossy(trim_line_end(line)));
            }
        } else {
            kept.extend_from_slice(line);
        }
    }
    kept.extend_from_slice(message.get(header_end..).unwrap_or_default());
    (kept, removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MESSAGE: &[u8] = b"From: a@example.net\r\nTo: b@example.org\r\nBcc: c@example.org,\r\n d@example.com\r\nSubject: hi\r\n\r\nBcc: in the body stays\r\n";

    #[test]
    fn lists_field_names() {
        assert_eq!(field_names(MESSAGE), ["From", "To", "Bcc", "Subject"]);
    }

    #[test]
    fn removes_folded_bcc_but_not_the_body() {
        let (kept, removed) = remove_fields(MESSAGE, &["bcc", "Resent-Bcc"]);
        assert_eq!(
            kept,
            b"From: a@example.net\r\nTo: b@example.org\r\nSubject: hi\r\n\r\nBcc: in the body stays\r\n"
        );
        assert_eq!(removed, ["Bcc: c@example.org, d@example.com"]);
    }

    #[test]
    fn message_without_body_or_headers() {
        assert_eq!(remove_fields(b"", &["Bcc"]), (Vec::new(), Vec::new()));
        let (kept, removed) = remove_fields(b"Bcc: x\r\n", &["Bcc"]);
        assert!(kept.is_empty());
        assert_eq!(removed, ["Bcc: x"]);
        assert_eq!(
            field_names(b" folded first\r\nNoColon\r\n"),
            Vec::<String>::new()
        );
    }
}
