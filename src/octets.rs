//! How octets cross to JavaScript.
//!
//! A timeline's octets (each write, each delivered copy) cross beside its JSON, not in
//! it: the wasm adapter gathers them into one buffer ([`Gathered`]), hands JavaScript one
//! `Uint8Array` of it, and puts a view of that buffer on each bytes entry and each copy.
//! WHY: in the JSON, octets cost a pass to escape them, a UTF-8 decode and a parse, and a
//! message text went once per recipient; as bytes they cross as one copy, and a text
//! every copy shares crosses once.
//!
//! Natively (and wherever JSON is the whole answer) octets are a latin1 string, one
//! character (U+0000–U+00FF) per octet: a JSON array of numbers costs a parse and an
//! object per octet, and `Uint8Array.from(text, c => c.charCodeAt(0))` gives the octets
//! back exactly, whatever they are (NUL, bare LF, 8-bit).

use std::ops::Range;

#[cfg(not(target_arch = "wasm32"))]
use serde::Serializer;

/// Serializes octets as a latin1 string (`#[serde(serialize_with = "crate::octets::latin1")]`).
#[cfg(not(target_arch = "wasm32"))]
pub fn latin1<T: AsRef<[u8]>, S: Serializer>(octets: &T, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&to_latin1(octets.as_ref()))
}

/// The octets as a latin1 string.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn to_latin1(octets: &[u8]) -> String {
    let mut text = String::with_capacity(octets.len());
    push_latin1(&mut text, octets);
    text
}

/// Appends the octets to `text` as latin1. WHY the ASCII branch: most octets a session
/// carries are ASCII, which is the same text in UTF-8, so the run is copied in one piece;
/// char by char, the page's runScenario spent a tenth of its time here.
pub(crate) fn push_latin1(text: &mut String, octets: &[u8]) {
    let mut rest = octets;
    loop {
        let ascii = rest
            .iter()
            .position(|octet| !octet.is_ascii())
            .unwrap_or(rest.len());
        let (run, after) = rest.split_at(ascii);
        if let Ok(run) = std::str::from_utf8(run) {
            text.push_str(run);
        }
        let Some((&octet, tail)) = after.split_first() else {
            return;
        };
        text.push(char::from(octet));
        rest = tail;
    }
}

/// Octets gathered into one buffer, each piece once, with where each piece sits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gathered {
    /// Every piece, one after the other.
    pub buffer: Vec<u8>,
}

impl Gathered {
    /// Appends a piece made of `parts` in order and returns where it sits.
    pub fn push(&mut self, parts: &[&[u8]]) -> Range<usize> {
        let start = self.buffer.len();
        for part in parts {
            self.buffer.extend_from_slice(part);
        }
        start..self.buffer.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gathered_pieces_sit_one_after_the_other() {
        let mut gathered = Gathered::default();
        assert_eq!(gathered.push(&[b"EHLO a\r\n"]), 0..8);
        assert_eq!(gathered.push(&[b"Received: x\r\n", b"body\r\n"]), 8..27);
        assert_eq!(gathered.push(&[]), 27..27);
        assert_eq!(gathered.buffer, b"EHLO a\r\nReceived: x\r\nbody\r\n");
    }

    #[test]
    fn every_octet_is_one_character_with_its_value() {
        let octets: Vec<u8> = (0..=255).collect();
        let text = to_latin1(&octets);
        assert_eq!(text.chars().count(), 256);
        let back: Vec<u8> = text.chars().filter_map(|c| u8::try_from(c).ok()).collect();
        assert_eq!(back, octets);
    }

    #[test]
    fn ascii_runs_and_8_bit_octets_alternate_in_order() {
        let mut text = String::from("C: ");
        push_latin1(&mut text, b"ab\xe9\xffcd\r\n\x80");
        assert_eq!(text, "C: ab\u{e9}\u{ff}cd\r\n\u{80}");
        assert_eq!(to_latin1(b""), "");
    }

    #[test]
    fn serializes_as_one_json_string() {
        #[derive(serde::Serialize)]
        struct Write {
            #[serde(serialize_with = "latin1")]
            octets: Vec<u8>,
        }
        let json = serde_json::to_string(&Write {
            octets: b"250 ok\r\n\xe9".to_vec(),
        });
        assert_eq!(
            json.ok().as_deref(),
            Some(r#"{"octets":"250 ok\r\n\u00e9"}"#.replace("\\u00e9", "é").as_str())
        );
    }
}
