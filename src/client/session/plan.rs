//! The message plan: after HELO/EHLO (and before each relayed message) the client
//! chooses the body encoding, SIZE and pipelining from what the server offered (rules
//! in `client/negotiation.rs`), records each decision, and keeps the octets to send.

use super::Client;
use crate::client::decision::Decision;
use crate::client::message::{dot_stuff, TransferEncoding};
use crate::client::negotiation;
use crate::client::spec::Step;
use crate::protocol::Parameter;

/// What was negotiated for the message: MAIL parameters, the octets to send after
/// 354 (dot-stuffed, with the final "."), their encoding, and whether to pipeline.
#[derive(Clone, Debug)]
pub(super) struct Plan {
    pub(super) parameters: Vec<Parameter>,
    pub(super) payload: Vec<u8>,
    pub(super) encoding: TransferEncoding,
    pub(super) pipelining: bool,
    /// The server offered DSN and the message asks for notifications: RCPT TO carries
    /// NOTIFY=/ORCPT= (RFC 3461 §4).
    pub(super) dsn: bool,
}

impl Client {
    /// Chooses the body encoding, SIZE and pipelining from what the server offered
    /// (rules in [`super::negotiation`]) and records each decision. `None` when one of
    /// them is not to send: the client has said why and sent QUIT.
    pub(super) fn negotiate(&mut self) -> Option<Plan> {
        let traits = self.message.draft.traits();
        let encoding = match negotiation::encoding(traits, &self.capabilities, self.spec.eight_bit)
        {
            Ok((encoding, decision)) => {
                self.decide(decision);
                encoding
            }
            Err(refusal) => return self.refuse_to_send(refusal),
        };
        let message = self.message.draft.render(encoding);
        let octets = u64::try_from(message.len()).unwrap_or(u64::MAX);
        let mut parameters = match negotiation::size(octets, &self.capabilities) {
            Ok((parameter, decision)) => {
                self.decide(decision);
                parameter.into_iter().collect::<Vec<Parameter>>()
            }
            Err(refusal) => return self.refuse_to_send(refusal),
        };
        if encoding == TransferEncoding::EightBit {
            parameters.push(Parameter::new("BODY", "8BITMIME"));
        }
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
        Some(Plan {
            parameters,
            payload: dot_stuff(&message),
            encoding,
            pipelining,
            dsn,
        })
    }

    fn refuse_to_send(&mut self, refusal: Decision) -> Option<Plan> {
        let explanation = format!("{} QUIT.", refusal.why);
        let rfc = refusal.rfc;
        self.decide(refusal);
        self.quit(explanation, rfc);
        None
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
