//! The AUTH exchanges of a timeline, from typed events: an exchange starts with the
//! first SASL step or AUTH command while none is open, gathers every SASL trace of both
//! sides, and ends with the server's first reply to it that is not a 334 continuation
//! (RFC 4954 §4, §6).

use serde::Serialize;

use crate::client::ClientEventKind;
use crate::loopback::TimelineEntry;
use crate::protocol::{Command, Reply, ReplyKind};
use crate::sasl::Mechanism;
use crate::server::ServerEventKind;

/// One AUTH exchange.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthExchange {
    /// The mechanism, once a step named it.
    pub mechanism: Option<Mechanism>,
    /// Entry of its first event.
    pub start: usize,
    /// Entries of its SASL trace events, both sides, in order.
    pub steps: Vec<usize>,
    /// Entry of the server's final reply, if the run got that far.
    pub end: Option<usize>,
    /// How it ended.
    pub outcome: Option<AuthOutcome>,
}

/// How an exchange ended, in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthOutcome {
    /// True for 235.
    pub ok: bool,
    /// "alice authenticated with PLAIN", or the failure reply as sent.
    pub text: String,
}

/// What one event means for AUTH exchanges. Replies are kept as they are and put in
/// words only when one closes an exchange: most replies of a session close none.
enum Step<'a> {
    Begins,
    Trace(Mechanism),
    Succeeded(String),
    Replied(ReplyKind, &'a Reply),
    Nothing,
}

fn step(entry: &TimelineEntry) -> Step<'_> {
    match entry {
        TimelineEntry::Client { event } => match &event.kind {
            ClientEventKind::SaslTrace { mechanism, .. } => Step::Trace(*mechanism),
            ClientEventKind::CommandSent {
                command: Command::Auth { .. },
                ..
            } => Step::Begins,
            _ => Step::Nothing,
        },
        TimelineEntry::Server { event } => match &event.kind {
            ServerEventKind::SaslTrace { mechanism, .. } => Step::Trace(*mechanism),
            ServerEventKind::CommandReceived {
                command: Command::Auth { .. },
            } => Step::Begins,
            ServerEventKind::Authenticated {
                authcid,
                authzid,
                mechanism,
            } => Step::Succeeded(match authzid {
                Some(authzid) => {
                    format!("{authcid} authenticated with {mechanism}, acting as {authzid}")
                }
                None => format!("{authcid} authenticated with {mechanism}"),
            }),
            ServerEventKind::ReplySent { kind, reply } => Step::Replied(*kind, reply),
            _ => Step::Nothing,
        },
        _ => Step::Nothing,
    }
}

/// Every AUTH exchange of `entries`, in order.
pub fn exchanges(entries: &[TimelineEntry]) -> Vec<AuthExchange> {
    let mut out: Vec<AuthExchange> = Vec::new();
    let mut open: Option<AuthExchange> = None;
    let mut succeeded: Option<String> = None;
    for (index, entry) in entries.iter().enumerate() {
        match step(entry) {
            Step::Begins => {
                open.get_or_insert_with(|| begin(index));
            }
            Step::Trace(mechanism) => {
                let exchange = open.get_or_insert_with(|| begin(index));
                exchange.mechanism.get_or_insert(mechanism);
                exchange.steps.push(index);
            }
            Step::Succeeded(text) => succeeded = Some(text),
            Step::Replied(kind, reply) if kind != ReplyKind::AuthContinue => {
                if let Some(mut exchange) = open.take() {
                    let ok = kind == ReplyKind::AuthSucceeded;
                    exchange.end = Some(index);
                    let text = succeeded
                        .take()
                        .filter(|_| ok)
                        .unwrap_or_else(|| reply_as_sent(reply));
                    exchange.outcome = Some(AuthOutcome { ok, text });
                    out.push(exchange);
                }
            }
            Step::Replied(..) | Step::Nothing => {}
        }
    }
    out.extend(open);
    out
}

/// The reply's lines as sent, joined by spaces.
fn reply_as_sent(reply: &Reply) -> String {
    reply.to_string().trim_end().replace("\r\n", " ")
}

fn begin(start: usize) -> AuthExchange {
    AuthExchange {
        mechanism: None,
        start,
        steps: Vec::new(),
        end: None,
        outcome: None,
    }
}
