//! TLS records as an eavesdropper sees them (RFC 8446 §5.1): the five-octet header
//! (content type, legacy version, length) and, for the handshake messages still sent in
//! the clear, which messages they hold. Plain data, read from the octets a TLS layer
//! wrote; nothing here decrypts anything.

use serde::Serialize;

/// How many octets of a record [`TlsRecord::hex`] shows.
pub const HEX_PREFIX: usize = 64;

/// The header's length field never exceeds 2^14 + 256 in TLS 1.3 (RFC 8446 §5.2);
/// anything longer is not a record a TLS layer wrote.
const MAX_RECORD_LENGTH: usize = (1 << 14) + 256;

/// A record's outer content type (RFC 8446 §5.1). Under TLS 1.3 every encrypted record
/// says `applicationData`, whatever it carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ContentType {
    /// 20: the compatibility ChangeCipherSpec (RFC 8446 Appendix D.4).
    ChangeCipherSpec,
    /// 21: an alert in the clear.
    Alert,
    /// 22: handshake messages in the clear (ClientHello, ServerHello).
    Handshake,
    /// 23: encrypted octets: SMTP lines, the encrypted handshake messages, alerts.
    ApplicationData,
    /// Any other value (never written by a TLS layer).
    Unknown,
}

impl ContentType {
    fn from_octet(octet: u8) -> Self {
        match octet {
            20 => Self::ChangeCipherSpec,
            21 => Self::Alert,
            22 => Self::Handshake,
            23 => Self::ApplicationData,
            _ => Self::Unknown,
        }
    }
}

/// One record on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TlsRecord {
    /// The outer content type.
    pub content_type: ContentType,
    /// The legacy record version, e.g. `0x0303` (TLS 1.3 records say TLS 1.2 here,
    /// RFC 8446 §5.1).
    pub version: String,
    /// The length field: the octets after the header.
    pub length: usize,
    /// The record's first [`HEX_PREFIX`] octets, header included, as lower-case hex
    /// pairs separated by single spaces.
    pub hex: String,
    /// Timeline entries (bytes entries) whose plaintext this record carries; empty for
    /// handshake records and alerts.
    pub carries: Vec<usize>,
    /// The handshake messages starting in this record, when it is sent in the clear.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub handshake_messages: Vec<String>,
}

/// Splits octets a TLS layer wrote into records. A tail too short for its header, or
/// longer than a record may be, is reported as one record of what is there.
pub fn split(mut wire: &[u8]) -> Vec<TlsRecord> {
    let mut records = Vec::new();
    while let Some((&kind, rest)) = wire.split_first() {
        let version = u16_at(rest, 0);
        let declared = u16_at(rest, 2).map(usize::from);
        let length = match (version, declared) {
            (Some(_), Some(length)) if length <= MAX_RECORD_LENGTH => length,
            _ => wire.len().saturating_sub(5),
        };
        let end = length.saturating_add(5).min(wire.len());
        let record = wire.get(..end).unwrap_or(wire);
        let content_type = ContentType::from_octet(kind);
        let body = record.get(5..).unwrap_or_default();
        records.push(TlsRecord {
            content_type,
            version: format!("0x{:04x}", version.unwrap_or_default()),
            length,
            hex: hex_pairs(record.get(..HEX_PREFIX).unwrap_or(record)),
            carries: Vec::new(),
            handshake_messages: match content_type {
                ContentType::Handshake => handshake_messages(body),
                _ => Vec::new(),
            },
        });
        wire = wire.get(end..).unwrap_or_default();
    }
    records
}

/// The names of the handshake messages whose headers lie in `body` (RFC 8446 §4).
fn handshake_messages(mut body: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    while let Some(&[kind, high, middle, low]) = body.get(..4) {
        let length = usize::from(high) << 16 | usize::from(middle) << 8 | usize::from(low);
        names.push(handshake_name(kind));
        body = body.get(length.saturating_add(4)..).unwrap_or_default();
    }
    names
}

/// The big-endian 16-bit number at `at`, if the octets reach that far.
fn u16_at(octets: &[u8], at: usize) -> Option<u16> {
    let pair = octets.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes(pair.try_into().ok()?))
}

fn handshake_name(kind: u8) -> String {
    let name = match kind {
        1 => "ClientHello",
        2 => "ServerHello",
        4 => "NewSessionTicket",
        8 => "EncryptedExtensions",
        11 => "Certificate",
        12 => "ServerKeyExchange",
        13 => "CertificateRequest",
        14 => "ServerHelloDone",
        15 => "CertificateVerify",
        16 => "ClientKeyExchange",
        20 => "Finished",
        24 => "KeyUpdate",
        other => return format!("handshake type {other}"),
    };
    name.to_owned()
}

fn hex_pairs(octets: &[u8]) -> String {
    octets
        .iter()
        .map(|octet| format!("{octet:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_split_at_their_length_fields() {
        let mut wire = vec![22, 3, 1, 0, 8, 1, 0, 0, 4, 0xAA, 0xBB, 0xCC, 0xDD];
        wire.extend([20, 3, 3, 0, 1, 1]);
        wire.extend([23, 3, 3, 0, 2, 0xEE, 0xFF]);
        let records = split(&wire);
        assert_eq!(records.len(), 3);
        assert_eq!(records[0].content_type, ContentType::Handshake);
        assert_eq!(records[0].version, "0x0301");
        assert_eq!(records[0].length, 8);
        assert_eq!(records[0].handshake_messages, ["ClientHello"]);
        assert_eq!(records[1].content_type, ContentType::ChangeCipherSpec);
        assert_eq!(records[2].content_type, ContentType::ApplicationData);
        assert_eq!(records[2].hex, "17 03 03 00 02 ee ff");
        assert!(records[2].handshake_messages.is_empty());
    }

    #[test]
    fn the_hex_stops_after_sixty_four_octets() {
        let mut wire = vec![23, 3, 3, 0, 100];
        wire.extend([0u8; 100]);
        let record = &split(&wire)[0];
        assert_eq!(record.length, 100);
        assert_eq!(record.hex.split(' ').count(), HEX_PREFIX);
    }

    #[test]
    fn a_truncated_or_garbage_tail_is_one_record_not_a_panic() {
        for wire in [
            &[22u8][..],
            &[22, 3],
            &[23, 3, 3, 0xFF, 0xFF, 1],
            b"EHLO x\r\n",
        ] {
            let records = split(wire);
            assert_eq!(records.len(), 1, "{wire:?}");
        }
    }
}
