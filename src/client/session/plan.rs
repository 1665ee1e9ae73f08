//! The message plan: after HELO/EHLO (and before each relayed message) the client
//! chooses the body encoding, SIZE and pipelining from what the server offered (rules
//! in `client/negotiation.rs`), records each decision, and keeps the octets to send.

use std::num::NonZeroUsize;

use super::{Client, Stage};
use crate::client::chunks::Chunks;
use crate::client::decision::Decision;
use crate::client::message::{dot_stuff, TransferEncoding};
use crate::client::negotiation;
use crate::client::outcome::Withheld;
use crate::client::spec::Step;
use crate::protocol::Parameter;

/// What was negotiated for the message: MAIL parameters, the octets to send and how,
/// their encoding, and whether to pipeline.
#[derive(Clone, Debug)]
pub(super) struct Plan {
    pub(super) parameters: Vec<Parameter>,
    pub(super) payload: Payload,
    pub(super) encoding: TransferEncoding,
    pub(super) pipelining: bool,
    /// The server offered DSN and the message asks for notifications: RCPT TO carries
    /// NOTIFY=/ORCPT= (RFC 3461 §4).
    pub(super) dsn: bool,
}

/// The message's octets and how they go: the chunk size exists only for BDAT, and only
/// the text sent after 354 is dot-stuffed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Payload {
    /// Dot-stuffed and ended by CRLF.CRLF, sent after DATA's 354 (RFC 5321 §4.5.2).
    AfterData(Vec<u8>),
    /// As they are, cut into BDAT chunks of at most `size` octets (RFC 3030 §2).
    Chunked {
        message: Vec<u8>,
        size: NonZeroUsize,
    },
}

impl Payload {
    /// The octets of `message` for the way it goes: in chunks of `chunk_size` when BDAT
    /// is used, else dot-stuffed for DATA.
    fn new(message: Vec<u8>, chunk_size: Option<NonZeroUsize>) -> Self {
        match chunk_size {
            Some(size) => Self::Chunked { message, size },
            None => Self::AfterData(dot_stuff(&message)),
        }
    }

    /// The message cut into its BDAT chunks for a new transaction; `None` for DATA.
    pub(super) fn chunks(&self) -> Option<Chunks> {
        match self {
            Self::Chunked { message, size } => Some(Chunks::new(message, *size)),
            Self::AfterData(_) => None,
        }
    }
}

impl Client {
    /// Chooses the body encoding, SIZE and pipelining from what the server offered
    /// (rules in [`crate::client::negotiation`]) and records each decision. `Err` with the
    /// refusal when one of them says not to send (see [`Client::refuse_to_send`]).
    pub(super) fn negotiate(&mut self) -> Result<Plan, Decision> {
        let (smtputf8, decisions) = negotiation::smtputf8(&self.message.needs, &self.capabilities)?;
        decisions.into_iter().for_each(|d| self.decide(d));
        let traits = self.message.draft.traits();
        let chunks = negotiation::chunks_possible(&self.capabilities, self.spec.chunking);
        let policy = self.spec.eight_bit;
        let (encoding, decision) =
            negotiation::encoding(traits, &self.capabilities, policy, chunks)?;
        self.decide(decision);
        let message = self.message.draft.render(encoding);
        let octets = u64::try_from(message.len()).unwrap_or(u64::MAX);
        let (size, decision) = negotiation::size(octets, &self.capabilities)?;
        self.decide(decision);
        let mut parameters: Vec<Parameter> = size.into_iter().collect();
        match encoding {
            TransferEncoding::EightBit => parameters.push(Parameter::new("BODY", "8BITMIME")),
            TransferEncoding::Binary => parameters.push(Parameter::new("BODY", "BINARYMIME")),
            TransferEncoding::SevenBit | TransferEncoding::QuotedPrintable => {}
        }
        let chunk_size = usize::try_from(self.spec.chunk_size)
            .ok()
            .and_then(NonZeroUsize::new)
            .unwrap_or(NonZeroUsize::MIN);
        let (chunk_size, decision) =
            negotiation::chunking(&self.capabilities, self.spec.chunking, chunk_size, octets);
        if let Some(decision) = decision {
            self.decide(decision);
        }
        parameters.extend(smtputf8);
        let mut dsn = false;
        if let Some((use_it, decision)) = negotiation::dsn(&self.message.dsn, &self.capabilities) {
            self.decide(decision);
            dsn = use_it;
        }
        if dsn {
            parameters.extend(self.message.dsn.mail_parameters());
        }
        let first_group = self.first_group_size();
        let (pipelining, decision) =
            negotiation::pipelining(&self.capabilities, self.spec.pipelining, first_group);
        self.decide(decision);
        Ok(Plan {
            parameters,
            payload: Payload::new(message, chunk_size),
            encoding,
            pipelining,
            dsn,
        })
    }

    /// The message is not to be sent: records the refusal, leaves `stage` and quits.
    /// The message goes into the outcome's `withheld`, typed, for a relay to bounce.
    pub(super) fn refuse_to_send(&mut self, stage: Stage, refusal: Decision) -> Stage {
        let explanation = format!("{} QUIT.", refusal.why);
        let rfc = refusal.rfc;
        self.outcome.withheld.push(Withheld {
            sender: self.message.sender.to_string(),
            recipients: self
                .message
                .recipients
                .iter()
                .map(ToString::to_string)
                .collect(),
            decision: refusal.clone(),
        });
        self.decide(refusal);
        self.quit(stage, explanation, rfc)
    }

    /// How far the first group may reach: raw lines or quit-after at MAIL or RCPT need
    /// a reply before the next command, so the group stops there.
    fn first_group_size(&self) -> usize {
        if !self.group_may_pass(Step::Mail) {
            return 1;
        }
        let rcpts = self.message.recipients.len();
        if self.group_may_pass(Step::Rcpt) {
            rcpts + 2
        } else {
            rcpts + 1
        }
    }

    pub(super) fn group_may_pass(&self, step: Step) -> bool {
        self.spec.quit_after != Some(step) && !self.spec.raw_lines.iter().any(|r| r.after == step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(octets: usize) -> NonZeroUsize {
        NonZeroUsize::new(octets).unwrap_or(NonZeroUsize::MIN)
    }

    #[test]
    fn text_for_data_is_dot_stuffed_and_has_no_chunks() {
        let payload = Payload::new(b".hi\r\n".to_vec(), None);
        assert_eq!(payload, Payload::AfterData(dot_stuff(b".hi\r\n")));
        assert!(payload.chunks().is_none());
    }

    #[test]
    fn text_for_bdat_goes_as_it_is_in_chunks_of_the_size() {
        let payload = Payload::new(b".hi\r\n".to_vec(), Some(size(4)));
        let Some(mut chunks) = payload.chunks() else {
            panic!("BDAT payload without chunks: {payload:?}");
        };
        let sent: Vec<Vec<u8>> = chunks.take_all().into_iter().map(|c| c.octets).collect();
        assert_eq!(sent, [b".hi\r".to_vec(), b"\n".to_vec()]);
    }
}
