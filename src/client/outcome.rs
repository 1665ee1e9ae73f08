//! What became of each recipient, for the page's summary.

use serde::Serialize;

use super::decision::Decision;
use crate::protocol::{EnhancedCode, Reply, ReplyCode};

/// A recipient the server refused for good.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Refusal {
    /// The address.
    pub address: String,
    /// The reply code.
    pub code: ReplyCode,
    /// The enhanced code, if sent.
    pub enhanced: Option<EnhancedCode>,
    /// The reply text.
    pub text: String,
}

impl Refusal {
    /// From the reply to RCPT TO.
    pub fn new(address: String, reply: &Reply) -> Self {
        Self {
            address,
            code: reply.code,
            enhanced: reply.enhanced,
            text: reply.text(),
        }
    }
}

/// The session's result so far.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    /// Recipients of a message the server accepted with 2yz after ".".
    pub delivered: Vec<String>,
    /// Recipients refused at RCPT TO (not counting 452 deferrals that were retried).
    pub refused: Vec<Refusal>,
    /// Recipients accepted or deferred whose message never got accepted.
    pub undelivered: Vec<String>,
    /// Those of `undelivered` whose message the server refused for good (5yz after the
    /// data), with that reply: what a relay reports in a bounce.
    pub refused_message: Vec<Refusal>,
    /// Messages the server accepted.
    pub messages_accepted: usize,
    /// Replies that refused a reverse-path for good (5yz to MAIL FROM, RFC 5321
    /// §4.2.1), each with the reverse-path as the wire writes it (`<a@b>`, the form a
    /// stored copy's `envelope_from` has): no recipient of that message can get
    /// it, which is what a relay reports in a bounce. A 4yz to MAIL is not listed.
    pub refused_senders: Vec<Refusal>,
    /// Messages the client kept back before MAIL FROM because one of its own checks
    /// says the server must not get them (over the server's fixed SIZE, RFC 1870 §6):
    /// no reply refused them, so a relay learns here why their recipients failed.
    pub withheld: Vec<Withheld>,
}

/// A message the client did not send, and the decision that kept it back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Withheld {
    /// The reverse-path as the wire writes it (`<a@b>`, the form of a stored copy's
    /// `envelope_from`).
    pub sender: String,
    /// Its recipients, as `refused` names them.
    pub recipients: Vec<String>,
    /// Why it was not sent (e.g. [`super::Choice::TooBig`] with the size and the limit).
    pub decision: Decision,
}
