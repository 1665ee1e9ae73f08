//! What a capture shows after STARTTLS: one direction's octets framed as TLS records
//! (RFC 8446 §5.1: type, version, 16-bit length), each shown as one opaque line. A
//! record split across TCP segments is shown once, on the packet that completed it;
//! octets that do not frame as records are shown by count.

use super::line::{Ending, Origin, Side, WireLine};

/// Length of a TLS record header: type, version (2), length (2).
const HEADER: usize = 5;

/// One direction's TLS octets, framed into records as they arrive.
#[derive(Clone, Debug)]
pub struct TlsStream {
    side: Side,
    /// Octets of a record whose end has not arrived yet.
    partial: Vec<u8>,
    /// Set once octets did not frame as a record: the rest is only counted.
    unframed: bool,
    /// The packet of the last octets taken, for the line of a record cut short.
    last_packet: usize,
}

impl TlsStream {
    /// A stream for what `side` sends.
    pub fn new(side: Side) -> Self {
        Self {
            side,
            partial: Vec::new(),
            unframed: false,
            last_packet: 0,
        }
    }

    /// Takes the octets that `packet` made readable and returns a line for each record
    /// they complete.
    pub fn take(&mut self, packet: usize, octets: &[u8]) -> Vec<WireLine> {
        if octets.is_empty() {
            return Vec::new();
        }
        self.last_packet = packet;
        if self.unframed {
            return vec![self.opaque(packet, unframed_text(octets.len()))];
        }
        self.partial.extend_from_slice(octets);
        let mut lines = Vec::new();
        let mut used = 0;
        loop {
            let rest = self.partial.get(used..).unwrap_or_default();
            let Some(&[kind, _, _, high, low]) = rest.get(..HEADER) else {
                break;
            };
            let Some(kind) = record_type(kind) else {
                self.unframed = true;
                lines.push(self.opaque(packet, unframed_text(rest.len())));
                used = self.partial.len();
                break;
            };
            let length = usize::from(u16::from_be_bytes([high, low]));
            if rest.len() < HEADER + length {
                break;
            }
            lines.push(self.opaque(packet, format!("[TLS {kind} record, {length} octets]")));
            used += HEADER + length;
        }
        self.partial.drain(..used);
        lines
    }

    /// A line for a record the capture cut short, if one is pending.
    pub fn finish(&mut self) -> Option<WireLine> {
        if self.partial.is_empty() {
            return None;
        }
        let text = format!(
            "[{} octets of a TLS record the capture ends inside]",
            self.partial.len()
        );
        self.partial.clear();
        Some(self.opaque(self.last_packet, text))
    }

    fn opaque(&self, packet: usize, text: String) -> WireLine {
        WireLine {
            n: packet,
            side: self.side,
            octets: text.into_bytes(),
            ending: Ending::Unknown,
            origin: Origin::OpaqueTls,
        }
    }
}

fn record_type(kind: u8) -> Option<&'static str> {
    Some(match kind {
        20 => "change_cipher_spec",
        21 => "alert",
        22 => "handshake",
        23 => "application_data",
        _ => return None,
    })
}

fn unframed_text(count: usize) -> String {
    format!("[{count} octets of TLS data]")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[WireLine]) -> Vec<(usize, String)> {
        lines.iter().map(|l| (l.n, l.text())).collect()
    }

    #[test]
    fn a_record_split_inside_its_header_is_shown_once_on_the_packet_that_completes_it() {
        let mut stream = TlsStream::new(Side::Client);
        let record = [22, 3, 1, 0, 2, 0xaa, 0xbb];
        assert!(stream.take(7, &record[..3]).is_empty());
        let mut rest = record[3..].to_vec();
        rest.extend_from_slice(&[23, 3, 3, 0, 1]);
        assert_eq!(
            texts(&stream.take(8, &rest)),
            vec![(8, "[TLS handshake record, 2 octets]".to_owned())]
        );
        assert_eq!(
            texts(&stream.take(9, &[0x55])),
            vec![(9, "[TLS application_data record, 1 octets]".to_owned())]
        );
        assert!(stream.finish().is_none());
    }

    #[test]
    fn octets_that_are_no_record_are_counted_and_a_cut_record_is_reported() {
        let mut junk = TlsStream::new(Side::Server);
        assert_eq!(
            texts(&junk.take(3, b"hello world")),
            vec![(3, "[11 octets of TLS data]".to_owned())]
        );
        assert_eq!(
            texts(&junk.take(4, &[22, 3, 3, 0, 0])),
            vec![(4, "[5 octets of TLS data]".to_owned())]
        );
        let mut cut = TlsStream::new(Side::Server);
        assert!(cut.take(5, &[23, 3, 3, 0, 9, 1, 2]).is_empty());
        let last = cut.finish().expect("a line");
        assert_eq!(
            (last.n, last.text()),
            (
                5,
                "[7 octets of a TLS record the capture ends inside]".to_owned()
            )
        );
    }
}
