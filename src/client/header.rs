//! Header fields as they go on the wire: checked, encoded when not plain ASCII (RFC 2047
//! encoded-words) and folded so that no line passes 78 characters where a space allows
//! a break, and never 998 (RFC 5322 §2.1.1, §2.2.3).

use base64::Engine as _;

use super::error::{reject_line_breaks, SpecError};

/// Lines should stay under this (RFC 5322 §2.1.1 "SHOULD be no more than 78").
const PREFERRED_LINE: usize = 78;
/// Lines must stay under this, CRLF excluded (RFC 5322 §2.1.1 "MUST be no more than 998").
pub const MAX_LINE: usize = 998;
/// Raw octets per encoded-word, so each word stays within 75 characters (RFC 2047 §2):
/// `=?UTF-8?B?` + base64(45 octets) = 60 characters + `?=`.
const OCTETS_PER_ENCODED_WORD: usize = 45;

/// Names the engine writes itself; an extra header with one of these names is refused
/// so the message never carries two Date or two Content-Type fields.
const RESERVED: &[&str] = &[
    "from",
    "to",
    "cc",
    "bcc",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
];

/// Checks an extra header's name: 1–76 printable ASCII characters without `:` (RFC 5322
/// §2.2), and not one the engine writes itself.
pub(crate) fn check_name(name: &str) -> Result<(), SpecError> {
    let printable = name.bytes().all(|b| (33..=126).contains(&b) && b != b':');
    if name.is_empty() || name.len() > 76 || !printable {
        return Err(SpecError::HeaderName {
            name: name.to_owned(),
        });
    }
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(name)) {
        return Err(SpecError::ReservedHeader {
            name: name.to_owned(),
        });
    }
    Ok(())
}

/// `Name: value` CRLF, with an unstructured value (Subject, extra headers): refused if
/// it holds CR, LF or NUL; sent as encoded-words if it is not printable ASCII.
pub fn unstructured(name: &str, value: &str) -> Result<String, SpecError> {
    reject_line_breaks(&format!("the {name} header"), value)?;
    let plain = value.bytes().all(|b| b == b'\t' || (32..=126).contains(&b));
    if plain {
        fold(name, value)
    } else {
        fold(name, &encoded_words(value))
    }
}

/// `Name: value` CRLF for a value that must stay as written (addresses, Date,
/// Message-ID): refused if it holds CR, LF, NUL or anything but printable ASCII.
pub(crate) fn structured(name: &str, value: &str) -> Result<String, SpecError> {
    reject_line_breaks(&format!("the {name} header"), value)?;
    if let Some(bad) = value
        .chars()
        .find(|c| !(' '..='~').contains(c) && *c != '\t')
    {
        return Err(SpecError::NonAsciiHeader {
            name: name.to_owned(),
            character: bad,
        });
    }
    fold(name, value)
}

/// `Name: value` CRLF in a message that uses SMTPUTF8, where header fields may hold
/// UTF-8 as it is (RFC 6532 §3.2): addresses with a UTF-8 local-part, a Subject. Only
/// line breaks, NUL and other control characters are refused.
pub(crate) fn utf8_field(name: &str, value: &str) -> Result<String, SpecError> {
    reject_line_breaks(&format!("the {name} header"), value)?;
    if let Some(bad) = value.chars().find(|c| c.is_control() && *c != '\t') {
        return Err(SpecError::NonAsciiHeader {
            name: name.to_owned(),
            character: bad,
        });
    }
    fold(name, value)
}

/// RFC 2047 §4.1 "B" encoded-words of at most 75 characters, separated by spaces
/// (which decoders drop between encoded-words), split only between characters.
pub(crate) fn encoded_words(value: &str) -> String {
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in value.chars() {
        if chunk.len() + c.len_utf8() > OCTETS_PER_ENCODED_WORD {
            words.push(encode_word(&chunk));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(encode_word(&chunk));
    }
    words.join(" ")
}

fn encode_word(chunk: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(chunk);
    format!("=?UTF-8?B?{encoded}?=")
}

/// Folds at spaces: a line longer than 78 characters breaks before a space, which
/// starts the continuation line. A word too long to fit in 998 octets cannot be folded
/// and is refused.
pub fn fold(name: &str, value: &str) -> Result<String, SpecError> {
    let mut out = String::new();
    let mut line = format!("{name}:");
    let mut words_on_line = 0usize;
    for word in value.split(' ') {
        let piece_len = word.len() + 1;
        if line.len() + piece_len > PREFERRED_LINE && words_on_line > 0 && !word.is_empty() {
            out.push_str(&line);
            out.push_str("\r\n");
            line.clear();
            words_on_line = 0;
        }
        line.push(' ');
        line.push_str(word);
        if !word.is_empty() {
            words_on_line += 1;
        }
        if line.len() > MAX_LINE {
            return Err(SpecError::UnfoldableHeader {
                name: name.to_owned(),
                max: MAX_LINE,
            });
        }
    }
    out.push_str(&line);
    out.push_str("\r\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_stay_on_one_line() {
        assert_eq!(unstructured("Subject", "Hi").unwrap(), "Subject: Hi\r\n");
        assert_eq!(fold("Subject", "").unwrap(), "Subject: \r\n");
    }

    #[test]
    fn long_values_fold_before_a_space() {
        let value = "word ".repeat(40);
        let folded = unstructured("Subject", value.trim_end()).unwrap();
        let lines: Vec<&str> = folded.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(lines.len() > 2, "{folded}");
        assert!(lines.iter().all(|l| l.len() <= PREFERRED_LINE), "{folded}");
        assert!(lines.iter().skip(1).all(|l| l.starts_with(' ')));
        // Unfolding (RFC 5322 §2.2.3: remove each CRLF before WSP) gives the value back.
        assert_eq!(
            folded.replace("\r\n ", " "),
            format!("Subject: {}\r\n", value.trim_end())
        );
    }

    #[test]
    fn an_unbreakable_word_over_998_is_refused() {
        let value = "x".repeat(1200);
        let error = unstructured("X-Long", &value).unwrap_err();
        assert!(error.to_string().contains("998"), "{error}");
        // 900 octets fit on their own continuation line.
        let ok = unstructured("X-Long", &format!("a {}", "y".repeat(900))).unwrap();
        assert!(ok.split("\r\n").all(|l| l.len() <= MAX_LINE));
    }

    #[test]
    fn non_ascii_becomes_encoded_words_of_at_most_75_characters() {
        let value = "Grüße aus Köln — ".repeat(6);
        let header = unstructured("Subject", &value).unwrap();
        assert!(header.is_ascii());
        let words: Vec<&str> = header
            .split([' ', '\r', '\n'])
            .filter(|w| w.starts_with("=?"))
            .collect();
        assert!(words.len() > 1);
        let mut decoded = Vec::new();
        for word in &words {
            assert!(word.len() <= 75, "{word}");
            let b64 = word
                .strip_prefix("=?UTF-8?B?")
                .and_then(|w| w.strip_suffix("?="))
                .unwrap();
            decoded.extend(
                base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .unwrap(),
            );
        }
        assert_eq!(String::from_utf8(decoded).unwrap(), value);
    }

    #[test]
    fn injection_and_bad_names_are_refused() {
        assert!(unstructured("Subject", "x\r\nBcc: eve@example.com").is_err());
        assert!(structured("Date", "today\n").is_err());
        assert!(structured("Message-ID", "<é@x>").is_err());
        assert!(check_name("X-Ok").is_ok());
        assert!(check_name("Bad Name").is_err());
        assert!(check_name("X:Y").is_err());
        assert!(check_name("").is_err());
        assert!(check_name("bcc").is_err());
        assert!(check_name("Content-Type").is_err());
        assert!(utf8_field("From", "jörg@bücher.example\u{7}").is_err());
    }

    #[test]
    fn utf8_fields_keep_their_text() {
        assert_eq!(
            utf8_field("Subject", "Grüße").unwrap(),
            "Subject: Grüße\r\n"
        );
    }
}
