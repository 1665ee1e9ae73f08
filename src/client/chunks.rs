//! The BDAT chunks of one message (RFC 3030 §2), cut once when a transaction starts.
//! [`Chunks`] hands them out in order, each with its number and whether it is the last,
//! so the transaction that sends them never looks a chunk up by index: a chunk that
//! does not exist cannot be asked for.

use std::collections::VecDeque;
use std::num::NonZeroUsize;

/// One BDAT chunk: its octets exactly as they go on the wire, and where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Chunk {
    pub(crate) octets: Vec<u8>,
    /// Its number, from 1.
    pub(crate) number: usize,
    /// How many chunks the message takes.
    pub(crate) of: usize,
    /// The last chunk: its BDAT says LAST and its reply is the message's.
    pub(crate) last: bool,
}

/// The chunks of a message not yet sent, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Chunks {
    waiting: VecDeque<Chunk>,
}

impl Chunks {
    /// `message` cut into chunks of at most `size` octets. An empty message is one empty
    /// chunk, `BDAT 0 LAST`, since the message must still be ended (RFC 3030 §2).
    pub(crate) fn new(message: &[u8], size: NonZeroUsize) -> Self {
        let mut pieces: Vec<&[u8]> = message.chunks(size.get()).collect();
        if pieces.is_empty() {
            pieces.push(&[]);
        }
        let of = pieces.len();
        let waiting = pieces
            .into_iter()
            .enumerate()
            .map(|(index, octets)| Chunk {
                octets: octets.to_vec(),
                number: index + 1,
                of,
                last: index + 1 == of,
            })
            .collect();
        Self { waiting }
    }

    /// The next chunk to send, or `None` once the last one went.
    pub(crate) fn next_chunk(&mut self) -> Option<Chunk> {
        self.waiting.pop_front()
    }

    /// Every chunk not yet sent, in order (a pipelined group, RFC 3030 §4.2).
    pub(crate) fn take_all(&mut self) -> Vec<Chunk> {
        self.waiting.drain(..).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(octets: usize) -> NonZeroUsize {
        NonZeroUsize::new(octets).expect("not zero")
    }

    fn shape(chunks: &[Chunk]) -> Vec<(usize, usize, usize, bool)> {
        chunks
            .iter()
            .map(|c| (c.octets.len(), c.number, c.of, c.last))
            .collect()
    }

    #[test]
    fn a_message_is_cut_in_order_and_only_the_last_says_last() {
        let mut chunks = Chunks::new(b"0123456789", size(4));
        let all = chunks.take_all();
        assert_eq!(
            shape(&all),
            [(4, 1, 3, false), (4, 2, 3, false), (2, 3, 3, true)]
        );
        let joined: Vec<u8> = all.into_iter().flat_map(|c| c.octets).collect();
        assert_eq!(joined, b"0123456789");
        assert_eq!(chunks.next_chunk(), None);
    }

    #[test]
    fn an_empty_message_is_one_empty_last_chunk() {
        let mut chunks = Chunks::new(b"", size(16));
        assert_eq!(shape(&chunks.take_all()), [(0, 1, 1, true)]);
    }

    #[test]
    fn chunks_go_one_at_a_time_and_then_there_are_none() {
        let mut chunks = Chunks::new(b"abcdef", size(3));
        assert_eq!(chunks.next_chunk().map(|c| c.octets), Some(b"abc".to_vec()));
        let last = chunks.next_chunk().expect("second chunk");
        assert!(last.last);
        assert_eq!(chunks.next_chunk(), None);
        assert!(chunks.take_all().is_empty());
    }
}
