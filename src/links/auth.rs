//! The AUTH exchanges of a timeline, from typed events: an exchange starts with the
//! first SASL step or AUTH command while none is open, gathers every SASL trace of both
//! sides, and ends with the server's first reply to it that is not a 334 continuation
//! (RFC 4954 §4, §6).

use serde::Serialize;

use crate::client::ClientEventKind;
use crate::loopback::TimelineEntry;
use crate::protocol::{Command, Reply, ReplyKind};
use crate::sasl::trace::{Side, TraceEntry};
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
    /// The values both sides computed under one name, which must agree for the
    /// exchange to succeed (e.g. CRAM-MD5's digest, DIGEST-MD5's `response`).
    pub agreements: Vec<Agreement>,
}

/// A value both sides computed: where each side's trace has it, and whether the octets
/// are the same. The first value under a name on each side counts; the same pair of
/// octets under a second name (`334 challenge` and `challenge`) is listed once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Agreement {
    /// The name both traces give it.
    pub label: String,
    /// The client's value.
    pub client: ValueAt,
    /// The server's value.
    pub server: ValueAt,
    /// True when both sides computed the same octets.
    pub same: bool,
}

/// Where a trace value is: `steps[step]`'s trace, entry `entry`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ValueAt {
    /// Index into the exchange's `steps`.
    pub step: usize,
    /// Index into that step's trace entries.
    pub entry: usize,
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
                    exchange.agreements = agreements(entries, &exchange.steps);
                    out.push(exchange);
                }
            }
            Step::Replied(..) | Step::Nothing => {}
        }
    }
    out.extend(open.map(|mut exchange| {
        exchange.agreements = agreements(entries, &exchange.steps);
        exchange
    }));
    out
}

/// The trace entries of one SASL trace event, if `entry` is one.
fn trace_of(entry: &TimelineEntry) -> &[TraceEntry] {
    match entry {
        TimelineEntry::Client { event } => match &event.kind {
            ClientEventKind::SaslTrace { entries, .. } => entries,
            _ => &[],
        },
        TimelineEntry::Server { event } => match &event.kind {
            ServerEventKind::SaslTrace { entries, .. } => entries,
            _ => &[],
        },
        _ => &[],
    }
}

/// Pairs the values the client and the server computed under the same name.
fn agreements(entries: &[TimelineEntry], steps: &[usize]) -> Vec<Agreement> {
    let values: Vec<(ValueAt, &TraceEntry)> = steps
        .iter()
        .enumerate()
        .filter_map(|(step, &index)| Some((step, entries.get(index)?)))
        .flat_map(|(step, entry)| {
            trace_of(entry)
                .iter()
                .enumerate()
                .filter(|(_, value)| value.octets.is_some())
                .map(move |(entry, value)| (ValueAt { step, entry }, value))
        })
        .collect();
    let first = |side: Side, label: &str| {
        values
            .iter()
            .find(|(_, value)| value.side == side && value.label == label)
    };
    let mut out: Vec<Agreement> = Vec::new();
    let mut seen: Vec<(&[u8], &[u8])> = Vec::new();
    for (client_at, client) in values
        .iter()
        .filter(|(_, value)| value.side == Side::Client)
    {
        if first(Side::Client, &client.label).map(|(at, _)| at) != Some(client_at) {
            continue;
        }
        let Some((server_at, server)) = first(Side::Server, &client.label) else {
            continue;
        };
        let (Some(ours), Some(theirs)) = (&client.octets, &server.octets) else {
            continue;
        };
        let pair = (ours.raw.as_slice(), theirs.raw.as_slice());
        if seen.contains(&pair) {
            continue;
        }
        seen.push(pair);
        out.push(Agreement {
            label: client.label.clone(),
            client: *client_at,
            server: *server_at,
            same: pair.0 == pair.1,
        });
    }
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
        agreements: Vec::new(),
    }
}
