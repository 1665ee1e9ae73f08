//! TCP reassembly for captures: each direction's segments put back in sequence order,
//! retransmitted octets dropped, out-of-order segments placed where they belong, and
//! the two directions merged in the order their data became readable.

use std::collections::BTreeMap;
use std::net::IpAddr;

/// One end of a connection.
pub type Endpoint = (IpAddr, u16);

/// A TCP segment as captured.
#[derive(Clone, Debug)]
pub struct Segment {
    /// 1-based packet number in the capture.
    pub packet: usize,
    /// Sequence number of the first payload octet (or of the SYN).
    pub seq: u32,
    /// True for a SYN segment.
    pub syn: bool,
    /// The payload.
    pub payload: Vec<u8>,
}

/// A piece of one direction's stream, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    /// The packet that made these octets readable (the latest one they needed).
    pub packet: usize,
    /// The octets.
    pub octets: Vec<u8>,
}

/// One direction's reassembled stream, and the packets whose data never arrived.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stream {
    /// The data in sequence order.
    pub chunks: Vec<Chunk>,
    /// Packets after which octets are missing from the capture.
    pub gaps: Vec<usize>,
}

/// Puts one direction's segments back in sequence order.
pub(crate) fn reassemble(segments: &[Segment]) -> Stream {
    let Some(base) = initial_sequence(segments) else {
        return Stream::default();
    };
    let mut ordered: BTreeMap<(u32, usize), &Segment> = BTreeMap::new();
    for segment in segments.iter().filter(|s| !s.payload.is_empty()) {
        let offset = segment.seq.wrapping_sub(base);
        // Data from before the first sequence number seen (a capture started mid-way).
        if offset > u32::MAX / 2 {
            continue;
        }
        ordered.insert((offset, segment.packet), segment);
    }
    let mut stream = Stream::default();
    let mut next: u64 = 0;
    let mut readable_at = 0;
    for ((offset, packet), segment) in ordered {
        let offset = u64::from(offset);
        let end = offset + segment.payload.len() as u64;
        if end <= next {
            continue;
        }
        if offset > next {
            stream.gaps.push(readable_at.max(packet));
            next = offset;
        }
        readable_at = readable_at.max(packet);
        let skip = usize::try_from(next - offset).unwrap_or(usize::MAX);
        let fresh = segment.payload.get(skip..).unwrap_or_default();
        stream.chunks.push(Chunk {
            packet: readable_at,
            octets: fresh.to_vec(),
        });
        next = end;
    }
    stream
}

/// The sequence number of the first data octet: one after the SYN when the capture
/// has it, else the lowest one seen.
fn initial_sequence(segments: &[Segment]) -> Option<u32> {
    if let Some(syn) = segments.iter().find(|s| s.syn) {
        return Some(syn.seq.wrapping_add(1));
    }
    let first = segments.iter().find(|s| !s.payload.is_empty())?;
    let earliest = segments
        .iter()
        .filter(|s| !s.payload.is_empty())
        .map(|s| s.seq)
        .min_by_key(|seq| seq.wrapping_sub(first.seq).wrapping_add(u32::MAX / 2))?;
    Some(earliest)
}

/// Both directions' chunks in the order they became readable (client first on a tie).
pub fn merge(client: Stream, server: Stream) -> Vec<(bool, Chunk)> {
    let mut merged: Vec<(bool, Chunk)> = client
        .chunks
        .into_iter()
        .map(|c| (true, c))
        .chain(server.chunks.into_iter().map(|c| (false, c)))
        .collect();
    merged.sort_by_key(|(from_client, chunk)| (chunk.packet, !*from_client));
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(packet: usize, seq: u32, payload: &[u8]) -> Segment {
        Segment {
            packet,
            seq,
            syn: false,
            payload: payload.to_vec(),
        }
    }

    #[test]
    fn drops_retransmissions_and_reorders() {
        let mut syn = segment(1, 99, b"");
        syn.syn = true;
        let segments = [
            syn,
            segment(2, 100, b"EHLO "),
            segment(4, 109, b"ple\r\n"),
            segment(3, 105, b"exam"),
            segment(5, 100, b"EHLO "),
        ];
        let stream = reassemble(&segments);
        let text: Vec<u8> = stream
            .chunks
            .iter()
            .flat_map(|c| c.octets.clone())
            .collect();
        assert_eq!(text, b"EHLO example\r\n");
        assert_eq!(stream.chunks.last().map(|c| c.packet), Some(4));
        assert!(stream.gaps.is_empty());
    }

    #[test]
    fn reports_missing_data() {
        let stream = reassemble(&[segment(1, 0, b"ab"), segment(2, 5, b"cd")]);
        assert_eq!(stream.gaps, vec![2]);
    }
}
