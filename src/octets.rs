//! How octets cross to JavaScript: as a latin1 string, one character (U+0000–U+00FF) per
//! octet. A JSON array of numbers costs the page a parse and an object per octet; a
//! string is one value, and `Uint8Array.from(text, c => c.charCodeAt(0))` (the page's
//! `toBytes`) gives the octets back exactly, whatever they are (NUL, bare LF, 8-bit).

use serde::Serializer;

/// Serializes octets as a latin1 string (`#[serde(serialize_with = "crate::octets::latin1")]`).
pub fn latin1<T: AsRef<[u8]>, S: Serializer>(octets: &T, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&to_latin1(octets.as_ref()))
}

/// The octets as a latin1 string.
pub fn to_latin1(octets: &[u8]) -> String {
    octets.iter().map(|&octet| char::from(octet)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_octet_is_one_character_with_its_value() {
        let octets: Vec<u8> = (0..=255).collect();
        let text = to_latin1(&octets);
        assert_eq!(text.chars().count(), 256);
        let back: Vec<u8> = text.chars().filter_map(|c| u8::try_from(c).ok()).collect();
        assert_eq!(back, octets);
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
