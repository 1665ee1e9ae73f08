//! The SASL trace: every value each side computes and every octet string it sends,
//! shown the ways a learner needs to see it — raw octets with control bytes drawn
//! visibly, hex, base64, and the base64 grouping of 3 octets into 4 characters.
//! The view is computed here, in Rust, so the page only lays it out.

use serde::Serialize;

/// Which side of the exchange computed or sent a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Side {
    /// The SMTP client (SASL client).
    Client,
    /// The SMTP server (SASL server).
    Server,
}

/// One octet string, shown every way the page needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Octets {
    /// The octets themselves. In JSON a latin1 string, one character (U+0000–U+00FF)
    /// per octet, the form the timeline's octets take ([`crate::octets`]): exact
    /// whatever the octets are, and one string instead of a number per octet.
    #[serde(serialize_with = "latin1")]
    pub raw: Vec<u8>,
    /// Printable ASCII as is; NUL as `␀`, other control and 8-bit octets as `\xNN`,
    /// so nothing invisible hides in the view.
    pub visible: String,
    /// Lower-case hex, two digits per octet, space-separated.
    pub hex: String,
    /// Standard padded base64 (RFC 4648 §4), as SMTP AUTH sends it.
    pub base64: String,
    /// How base64 groups them: each 3 octets become 4 characters.
    pub groups: Vec<Base64Group>,
}

/// Serializes octets as a latin1 string, in every build (the SASL views and the CLI's
/// `sasl --json` read the same form).
fn latin1<S: serde::Serializer>(octets: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
    let mut text = String::with_capacity(octets.len());
    crate::octets::push_latin1(&mut text, octets);
    serializer.serialize_str(&text)
}

/// One base64 quantum: up to 3 octets and the 4 characters they become.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Base64Group {
    /// The 1–3 octets of this group, visibly drawn.
    pub visible: String,
    /// Their hex.
    pub hex: String,
    /// The 4 base64 characters (with `=` padding for a short last group).
    pub base64: String,
}

impl Octets {
    /// The view of `raw`.
    pub fn new(raw: &[u8]) -> Self {
        let groups = raw
            .chunks(3)
            .map(|chunk| Base64Group {
                visible: visible(chunk),
                hex: spaced_hex(chunk),
                base64: super::base64::encode(chunk),
            })
            .collect();
        Self {
            raw: raw.to_vec(),
            visible: visible(raw),
            hex: spaced_hex(raw),
            base64: super::base64::encode(raw),
            groups,
        }
    }
}

/// Draws octets so that every one is visible: `␀` for NUL, `\r`/`\n`/`\t` escapes,
/// `\xNN` for other control and non-ASCII octets, `\\` for a backslash.
pub fn visible(octets: &[u8]) -> String {
    let mut text = String::with_capacity(octets.len());
    for &octet in octets {
        match octet {
            0 => text.push('␀'),
            b'\r' => text.push_str("\\r"),
            b'\n' => text.push_str("\\n"),
            b'\t' => text.push_str("\\t"),
            b'\\' => text.push_str("\\\\"),
            0x20..=0x7e => text.push(char::from(octet)),
            _ => text.push_str(&format!("\\x{octet:02x}")),
        }
    }
    text
}

/// `48 69`: two lowercase digits per octet, spaced. Written digit by digit: every
/// SASL step shows its octets this way, in whole and per base64 group.
fn spaced_hex(octets: &[u8]) -> String {
    let mut text = String::with_capacity(octets.len() * 3);
    for (index, &octet) in octets.iter().enumerate() {
        if index > 0 {
            text.push(' ');
        }
        for nibble in [octet >> 4, octet & 0x0f] {
            text.extend(char::from_digit(u32::from(nibble), 16));
        }
    }
    text
}

/// One explained value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceEntry {
    /// Who computed or sent it.
    pub side: Side,
    /// Short name, e.g. `HMAC-MD5 digest` or `A1`.
    pub label: String,
    /// One sentence: what it is and how it was computed.
    pub explanation: String,
    /// The RFC section that defines it.
    pub rfc: &'static str,
    /// The octets, when the entry is a value (not just a decision).
    pub octets: Option<Octets>,
}

/// The growing list of entries of one exchange.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Trace {
    entries: Vec<TraceEntry>,
}

impl Trace {
    /// An empty trace.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a value with its octets.
    pub fn value(
        &mut self,
        side: Side,
        label: impl Into<String>,
        octets: &[u8],
        explanation: impl Into<String>,
        rfc: &'static str,
    ) {
        self.entries.push(TraceEntry {
            side,
            label: label.into(),
            explanation: explanation.into(),
            rfc,
            octets: Some(Octets::new(octets)),
        });
    }

    /// Records a decision or check that has no octets of its own.
    pub fn note(
        &mut self,
        side: Side,
        label: impl Into<String>,
        explanation: impl Into<String>,
        rfc: &'static str,
    ) {
        self.entries.push(TraceEntry {
            side,
            label: label.into(),
            explanation: explanation.into(),
            rfc,
            octets: None,
        });
    }

    /// All entries so far.
    pub fn entries(&self) -> &[TraceEntry] {
        &self.entries
    }

    /// Removes and returns the entries so far (for a session that emits them as events).
    pub fn take(&mut self) -> Vec<TraceEntry> {
        core::mem::take(&mut self.entries)
    }

    /// The first entry with this label, for tests and the calculator.
    pub fn find(&self, label: &str) -> Option<&TraceEntry> {
        self.entries.iter().find(|entry| entry.label == label)
    }

    /// Appends another trace's entries.
    pub fn extend(&mut self, other: Trace) {
        self.entries.extend(other.entries);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_message_is_drawn_with_visible_nuls_and_groups() {
        let view = Octets::new(b"\0tim\0tanstaaftanstaaf");
        assert_eq!(view.visible, "␀tim␀tanstaaftanstaaf");
        assert_eq!(view.base64, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
        assert_eq!(view.groups.len(), 7);
        let first = view.groups.first().unwrap();
        assert_eq!(first.visible, "␀ti");
        assert_eq!(first.hex, "00 74 69");
        assert_eq!(first.base64, "AHRp");
        let joined: String = view.groups.iter().map(|g| g.base64.as_str()).collect();
        assert_eq!(joined, view.base64);
    }

    #[test]
    fn short_last_group_is_padded() {
        let view = Octets::new(b"Kurt");
        assert_eq!(view.groups.last().unwrap().base64, "dA==");
        assert_eq!(view.hex, "4b 75 72 74");
        assert_eq!(Octets::new(b"\xff\x0a\xa0").hex, "ff 0a a0");
    }

    #[test]
    fn raw_octets_serialize_as_one_latin1_string() {
        let json = serde_json::to_value(Octets::new(b"\0a\xfe\r\n")).unwrap();
        assert_eq!(json["raw"], "\u{0}a\u{fe}\r\n");
    }

    #[test]
    fn control_and_high_octets_are_escaped() {
        assert_eq!(visible(b"a\r\n\x01\xff\\"), "a\\r\\n\\x01\\xff\\\\");
    }
}
