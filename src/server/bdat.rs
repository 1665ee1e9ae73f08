//! CHUNKING (RFC 3030 §2) and BINARYMIME (§3): `BDAT n [LAST]` and the n octets after
//! it. The octet count is the framing: the chunk is read raw, with no dot-stuffing and
//! no line rules, straight from the input by [`Server::read_chunk`], which the session's
//! read loop calls instead of the line reader while a chunk is due. A refused BDAT's
//! octets are still read and thrown away before the reply, so the next command is
//! found where the client put it. Nothing is allocated from the declared size: a
//! chunk that would take the message past the limit is refused before it is read, and
//! the octets of an accepted one are stored as they arrive.

use super::data::{DataFindings, ReceivedData};
use super::envelope::HARD_MESSAGE_CAP;
use super::event::ServerEventKind;
use super::session::Server;
use super::stage::{Stage, Step};
use super::state::{State, Trigger};
use super::UndeclaredEightBitPolicy;
use crate::event::StreamSpan;
use crate::protocol::{Body, ReplyKind};
use crate::time::Millis;

/// The message of a BDAT transaction so far.
#[derive(Clone, Debug, Default)]
pub(super) struct Chunked {
    /// The octets kept, never more than the message limit.
    text: Vec<u8>,
    /// Chunks read and kept.
    chunks: u32,
    /// An octet above 127 arrived.
    eight_bit: bool,
    /// A chunk was refused: until RSET every BDAT is refused (RFC 3030 §2).
    failed: bool,
}

impl Chunked {
    /// Octets of the message held so far.
    pub(super) fn stored(&self) -> usize {
        self.text.len()
    }

    /// Keeps octets of the chunk being read.
    fn add(&mut self, octets: &[u8]) {
        self.eight_bit |= !octets.is_ascii();
        self.text.extend_from_slice(octets);
    }
}

/// The reply a refused BDAT gets once its octets have been read.
#[derive(Clone, Debug)]
struct Refusal {
    kind: ReplyKind,
    text: String,
    explanation: String,
    /// The refusal ends the transaction's chances: later chunks are refused too.
    fails_transaction: bool,
}

/// The octets of one chunk still to come, counted from its BDAT (RFC 3030 §2).
#[derive(Clone, Copy, Debug)]
struct Counted {
    size: u64,
    remaining: u64,
    /// Offset in the input stream of the chunk's first octet.
    start: u64,
    /// When its BDAT arrived: the DATA deadline runs from there.
    started: Millis,
}

impl Counted {
    fn new(size: u64, start: u64, started: Millis) -> Self {
        Self {
            size,
            remaining: size,
            start,
            started,
        }
    }

    /// Takes the chunk's octets from the front of `input`, up to its end.
    fn take<'a>(&mut self, input: &mut &'a [u8]) -> &'a [u8] {
        let data = *input;
        let take = usize::try_from(self.remaining)
            .unwrap_or(usize::MAX)
            .min(data.len());
        let (octets, rest) = data.split_at_checked(take).unwrap_or((data, &[]));
        self.remaining = self.remaining.saturating_sub(octets.len() as u64);
        *input = rest;
        octets
    }

    fn is_done(&self) -> bool {
        self.remaining == 0
    }
}

/// An accepted chunk being read: how many octets are still due and whether it is the
/// last.
#[derive(Clone, Copy, Debug)]
struct ChunkReader {
    counted: Counted,
    last: bool,
}

/// What [`super::stage::Step::ReceivingChunk`] holds: the accepted chunk being read
/// and the message its octets go into, taken from the transaction for the read and
/// given back (or stored, after the last chunk) once the chunk is in.
#[derive(Clone, Debug)]
pub(super) struct ChunkReading {
    reader: ChunkReader,
    message: Chunked,
}

impl ChunkReading {
    /// When its BDAT arrived.
    pub(super) fn started(&self) -> Millis {
        self.reader.counted.started
    }

    /// Octets of the message held so far, this chunk's included.
    pub(super) fn stored(&self) -> usize {
        self.message.stored()
    }
}

/// A refused chunk being read: its octets are thrown away, then the refusal is sent.
#[derive(Clone, Debug)]
pub(super) struct RefusedChunk {
    counted: Counted,
    refusal: Refusal,
}

impl RefusedChunk {
    /// When its BDAT arrived.
    pub(super) fn started(&self) -> Millis {
        self.counted.started
    }
}

impl Server {
    /// True when this session's EHLO reply listed CHUNKING.
    pub(super) fn chunking_offered(&self) -> bool {
        self.ehlo_session() && self.config.extensions.chunking
    }

    /// True when this session's EHLO reply listed BINARYMIME.
    pub(super) fn binary_mime_offered(&self) -> bool {
        self.chunking_offered() && self.config.extensions.binary_mime
    }

    /// `BDAT size [LAST]`: sets up the reading of its octets, kept or thrown away.
    pub(super) fn bdat(&mut self, size: u64, last: bool) {
        if !self.chunking_offered() {
            self.reply(
                ReplyKind::CommandUnrecognized,
                "Error: command not recognized",
                "CHUNKING was not offered in this session, so BDAT is an unknown command; the \
                 octets after it will be read as commands (RFC 3030 §2 needs the extension).",
            );
            return;
        }
        let counted = Counted::new(size, self.input_offset, self.now);
        if let Some(refusal) = self.bdat_refusal(size) {
            let refused = RefusedChunk { counted, refusal };
            if size == 0 {
                self.refuse_chunk(refused);
            } else {
                self.refused_chunk = Some(refused);
            }
            return;
        }
        let reading = ChunkReading {
            reader: ChunkReader { counted, last },
            message: self.take_chunked().unwrap_or_default(),
        };
        if self.enter_step(Trigger::Bdat, Step::ReceivingChunk(reading)) && size == 0 {
            if let Some((reader, message)) = self.take_chunk_octets(&mut &[][..]) {
                self.finish_chunk(reader, message);
            }
        }
    }

    /// The message so far of the transaction in progress, taken out for the next chunk.
    fn take_chunked(&mut self) -> Option<Chunked> {
        self.stage.transaction_mut().and_then(|t| t.chunked.take())
    }

    /// True while a chunk's octets are read by count instead of lines: an accepted
    /// chunk (kept) or a refused one (thrown away).
    pub(super) fn reading_chunk(&self) -> bool {
        self.refused_chunk.is_some()
            || matches!(self.stage, Stage::InTransaction(_, Step::ReceivingChunk(_)))
    }

    /// Why this BDAT cannot add to the message, or `None` when it can.
    fn bdat_refusal(&self, size: u64) -> Option<Refusal> {
        let refuse = |kind: ReplyKind, text: &str, why: String, fails_transaction| Refusal {
            kind,
            text: text.to_owned(),
            explanation: why,
            fails_transaction,
        };
        match self.state() {
            State::ExpectRcptOrData | State::ExpectChunk => {}
            State::ExpectRcpt if self.refused_every_recipient() => {
                return Some(refuse(
                    ReplyKind::NoValidRecipients,
                    "Error: no valid recipients",
                    "Every RCPT TO of this transaction was refused, so there is nobody to \
                     deliver the chunk to (RFC 5321 §3.3)."
                        .into(),
                    false,
                ));
            }
            state => {
                let text = match state {
                    State::ExpectHello => "Error: send HELO/EHLO first",
                    State::ExpectMail => "Error: need MAIL command",
                    _ => "Error: need RCPT command",
                };
                let why = format!(
                    "BDAT needs a transaction with at least one accepted recipient; the server \
                     is in state {} (RFC 5321 §4.1.4).",
                    state.label()
                );
                return Some(refuse(ReplyKind::BadSequence, text, why, false));
            }
        }
        let chunked = self.chunked();
        if chunked.is_some_and(|c| c.failed) {
            return Some(refuse(
                ReplyKind::ChunkingOutOfSequence,
                "Error: an earlier chunk failed, send RSET",
                "A chunk of this message was refused, so the transaction has failed: the \
                 client must not send more BDAT, and only RSET clears it (RFC 3030 §2)."
                    .into(),
                true,
            ));
        }
        let held = chunked.map_or(0, |c| c.text.len() as u64);
        let limit = self.message_limit();
        if held.saturating_add(size) > limit {
            return Some(refuse(
                ReplyKind::MessageTooBig,
                ReplyKind::MessageTooBig.default_text(),
                format!(
                    "This chunk of {size} octets would take the message to {} octets, more \
                     than the {limit} this server takes (RFC 1870 §6); the transaction has \
                     failed.",
                    held.saturating_add(size)
                ),
                true,
            ));
        }
        None
    }

    /// The message so far of the transaction in progress, once BDAT was used.
    fn chunked(&self) -> Option<&Chunked> {
        self.stage.transaction().and_then(|t| t.chunked.as_ref())
    }

    /// True when the transaction in progress had every RCPT refused so far.
    fn refused_every_recipient(&self) -> bool {
        self.stage
            .transaction()
            .is_some_and(|t| t.refused_recipients > 0)
    }

    /// The most octets a message may have: the SIZE limit, or the hard cap without one.
    fn message_limit(&self) -> u64 {
        let cap = HARD_MESSAGE_CAP as u64;
        self.config
            .max_message_size
            .map_or(cap, |size| size.min(cap))
    }

    /// Takes the chunk's octets from the front of `input`, up to its end; once the last
    /// octet is in, the chunk is answered.
    pub(super) fn read_chunk(&mut self, input: &mut &[u8]) {
        if let Some(refused) = self.refused_chunk.as_mut() {
            let octets = refused.counted.take(input).len();
            let done = refused.counted.is_done();
            self.advance_input(octets);
            if done {
                if let Some(refused) = self.refused_chunk.take() {
                    self.with_chunk_read(refused.counted, |server| server.refuse_chunk(refused));
                }
            }
            return;
        }
        if let Some((reader, message)) = self.take_chunk_octets(input) {
            self.with_chunk_read(reader.counted, |server| {
                server.finish_chunk(reader, message)
            });
        }
    }

    /// Keeps the accepted chunk's octets from the front of `input`; once its last octet
    /// is in, gives back the chunk and the message, which leave the stage with it.
    fn take_chunk_octets(&mut self, input: &mut &[u8]) -> Option<(ChunkReader, Chunked)> {
        let Stage::InTransaction(_, Step::ReceivingChunk(reading)) = &mut self.stage else {
            return None;
        };
        let octets = reading.reader.counted.take(input);
        reading.message.add(octets);
        let reader = reading.reader;
        let finished = reader
            .counted
            .is_done()
            .then(|| core::mem::take(&mut reading.message));
        self.advance_input(octets.len());
        finished.map(|message| (reader, message))
    }

    fn advance_input(&mut self, octets: usize) {
        self.input_offset = self.input_offset.saturating_add(octets as u64);
    }

    /// Runs `answer` with the chunk's octets as what its events read.
    fn with_chunk_read(&mut self, counted: Counted, answer: impl FnOnce(&mut Self)) {
        self.reading = Some(StreamSpan {
            start: counted.start,
            end: self.input_offset,
        });
        answer(self);
        self.reading = None;
    }

    /// Every octet of the accepted chunk is in: acknowledge it, or end the message.
    fn finish_chunk(&mut self, reader: ChunkReader, mut message: Chunked) {
        let size = reader.counted.size;
        message.chunks = message.chunks.saturating_add(1);
        let chunk = message.chunks;
        let total = message.text.len() as u64;
        self.emit(
            ServerEventKind::ChunkReceived {
                chunk,
                octets: size,
                total,
                last: reader.last,
            },
            format!(
                "Chunk {chunk}: {size} octets read by count, as sent (no dot-stuffing to undo); \
                 {total} octets of message so far."
            ),
            "RFC 3030 §2",
        );
        if reader.last {
            self.last_chunk(message);
        } else {
            let Some(transaction) = self.transaction_for(Trigger::ChunkRead) else {
                return;
            };
            transaction.chunked = Some(message);
            self.transition(Trigger::ChunkRead);
            self.reply(
                ReplyKind::ChunkReceived,
                format!("Ok: {size} octets received"),
                "Every chunk that is not the last gets its own 250; the client may have sent the \
                 next BDAT already (RFC 3030 §2, §4.2).",
            );
        }
    }

    /// Every octet of the refused chunk was read and thrown away: the refusal is sent.
    fn refuse_chunk(&mut self, refused: RefusedChunk) {
        let RefusedChunk { counted, refusal } = refused;
        let size = counted.size;
        self.emit(
            ServerEventKind::ChunkDiscarded { octets: size },
            format!(
                "The {size} octets after the refused BDAT were read and thrown away, so the \
                 next command is read where it starts (RFC 3030 §2)."
            ),
            "RFC 3030 §2",
        );
        if let Some(transaction) = self
            .stage
            .transaction_mut()
            .filter(|_| refusal.fails_transaction)
        {
            transaction
                .chunked
                .get_or_insert_with(Chunked::default)
                .failed = true;
        }
        self.reply(refusal.kind, refusal.text, refusal.explanation);
    }

    /// BDAT LAST was read: the message is judged and, if it passes, stored; its 250
    /// waits for the store as after DATA's final dot.
    fn last_chunk(&mut self, chunked: Chunked) {
        let Some(transaction) = self.end_transaction(Trigger::LastChunk) else {
            return;
        };
        let body = transaction.parameters.body;
        let undeclared_eight_bit = chunked.eight_bit
            && matches!(body, None | Some(Body::SevenBit))
            && self.config.strictness.undeclared_eight_bit == UndeclaredEightBitPolicy::Reject;
        if undeclared_eight_bit {
            let kind = ReplyKind::EightBitNotDeclared;
            self.reply(
                kind,
                kind.default_text(),
                "The chunks hold octets above 127 but MAIL FROM declared neither BODY=8BITMIME \
                 nor BODY=BINARYMIME (RFC 6152 §3, RFC 3030 §3). Nothing of the message was \
                 delivered.",
            );
            return;
        }
        let received = ReceivedData {
            octets: chunked.text.len() as u64,
            text: chunked.text,
            findings: DataFindings {
                eight_bit: chunked.eight_bit,
                ..DataFindings::default()
            },
        };
        self.accept(transaction, received);
    }

    /// DATA in a transaction that used BDAT, or after BODY=BINARYMIME: the reply text
    /// and why, or `None` when DATA may go on.
    pub(super) fn data_refused_by_chunking(&self) -> Option<(&'static str, &'static str)> {
        if self.chunked().is_some() {
            return Some((
                "Error: DATA after BDAT",
                "DATA and BDAT cannot be mixed in one transaction; RSET clears it (RFC 3030 §2).",
            ));
        }
        let body = self.stage.transaction().and_then(|t| t.parameters.body);
        (body == Some(Body::BinaryMime)).then_some((
            "Error: BODY=BINARYMIME needs BDAT",
            "MAIL FROM declared BODY=BINARYMIME, whose octets have no line structure and can \
             only go in BDAT chunks, never after DATA (RFC 3030 §3).",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::test_support::last_reply;
    use crate::server::{Peer, ServerConfig};

    /// A session with CHUNKING on and messages of at most 8 octets, in a transaction
    /// with one accepted recipient.
    fn in_transaction() -> Server {
        let mut config = ServerConfig::default();
        config.extensions.chunking = true;
        config.max_message_size = Some(8);
        let peer = Peer {
            address: "192.0.2.1".into(),
        };
        let mut server = Server::new(config, peer, 0, 1);
        server.receive(
            b"EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n",
            0,
        );
        server.take_output();
        server
    }

    fn transaction_chunks(server: &Server) -> Option<(u32, usize, bool)> {
        let chunked = server.stage.transaction()?.chunked.as_ref()?;
        Some((chunked.chunks, chunked.stored(), chunked.failed))
    }

    #[test]
    fn the_message_is_read_in_the_chunk_stage_and_handed_back_between_chunks() {
        let mut server = in_transaction();
        server.receive(b"BDAT 4\r\nab", 0);
        assert!(matches!(
            &server.stage,
            Stage::InTransaction(_, Step::ReceivingChunk(r)) if r.stored() == 2
        ));
        assert_eq!(transaction_chunks(&server), None, "the stage holds it");
        assert_eq!(server.buffered_message(), 2);
        server.receive(b"cd", 0);
        assert_eq!(transaction_chunks(&server), Some((1, 4, false)));
        server.receive(b"BDAT 2\r\nef", 0);
        assert_eq!(transaction_chunks(&server), Some((2, 6, false)));
        server.receive(b"BDAT 0 LAST\r\n", 0);
        assert!(server.stage.transaction().is_none());
        assert!(server.is_awaiting_store());
        let copy = server.poll_delivery().map(|d| d.message.to_vec());
        assert!(copy.is_some_and(|octets| octets.ends_with(b"abcdef")));
    }

    #[test]
    fn a_failing_refusal_marks_the_transaction_until_rset() {
        let mut server = in_transaction();
        server.receive(b"BDAT 9\r\n123456789", 0);
        assert!(last_reply(&mut server).starts_with("552"));
        assert_eq!(transaction_chunks(&server), Some((0, 0, true)));
        server.receive(b"BDAT 1 LAST\r\nx", 0);
        assert!(last_reply(&mut server).contains("an earlier chunk failed"));
        server.receive(b"RSET\r\n", 0);
        assert!(server.stage.transaction().is_none());
    }
}
