//! The negotiation table: for each extension the server offered (as the client learned
//! it from the EHLO reply), its keyword, value, RFC, what it allows, and what the client
//! did with it, taken from the client's own decisions.

use serde::Serialize;

use crate::client::ClientEventKind;
use crate::client::{Decision, Topic};
use crate::loopback::TimelineEntry;
use crate::protocol::Extension;

/// One offered extension.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NegotiationRow {
    /// The EHLO keyword, as on the wire (`8BITMIME`).
    pub keyword: String,
    /// Its parameters as offered (`10240000`, `PLAIN LOGIN`), empty for none.
    pub value: String,
    /// The RFC that defines it.
    pub rfc: &'static str,
    /// What it lets a client do.
    pub explanation: String,
    /// What this client did with it, and why.
    pub client: String,
}

/// The rows, in the order offered; empty when the client learned no EHLO extensions.
pub fn rows(entries: &[TimelineEntry]) -> Vec<NegotiationRow> {
    let client_kinds = entries.iter().filter_map(|entry| match entry {
        TimelineEntry::Client { event } => Some(&event.kind),
        _ => None,
    });
    let mut offered: &[Extension] = &[];
    let mut decisions: Vec<&Decision> = Vec::new();
    let mut enhanced_seen = false;
    for kind in client_kinds {
        match kind {
            ClientEventKind::CapabilitiesLearned { capabilities } => {
                offered = &capabilities.extensions;
            }
            ClientEventKind::Decided { decision } => decisions.push(decision),
            ClientEventKind::ReplyReceived { reply, .. } => {
                enhanced_seen |= reply.enhanced.is_some();
            }
            _ => {}
        }
    }
    offered
        .iter()
        .map(|extension| NegotiationRow {
            keyword: extension.keyword().to_owned(),
            value: value_of(extension),
            rfc: extension.rfc(),
            explanation: extension.explanation(),
            client: client_use(extension, &decisions, enhanced_seen),
        })
        .collect()
}

/// Why the negotiation table is empty: the client learned no EHLO extension list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct NoExtensionsNote {
    /// What it means for the session.
    pub text: &'static str,
    /// The RFC section.
    pub rfc: &'static str,
}

/// The note for a client-engine run whose table has no row: without an EHLO reply listing
/// extensions (the client said HELO, or EHLO was refused), RFC 5321 §4.1.1.1 leaves the
/// client the base protocol only. `None` when the client learned extensions.
pub fn no_extensions_note(rows: &[NegotiationRow]) -> Option<NoExtensionsNote> {
    rows.is_empty().then_some(NoExtensionsNote {
        text: "No EHLO extension list was learned: the session used HELO (or EHLO failed), \
               so the client may use no extension at all.",
        rfc: "RFC 5321 §4.1.1.1",
    })
}

/// The wire form after the keyword.
fn value_of(extension: &Extension) -> String {
    let line = extension.to_string();
    line.get(extension.keyword().len()..)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// The decision topic an extension belongs to, if the client decides about it.
fn topic(extension: &Extension) -> Option<Topic> {
    match extension {
        Extension::Size(_) => Some(Topic::Size),
        Extension::EightBitMime | Extension::BinaryMime => Some(Topic::Body),
        Extension::Chunking => Some(Topic::Chunking),
        Extension::Pipelining => Some(Topic::Pipelining),
        Extension::Auth(_) => Some(Topic::Auth),
        Extension::StartTls => Some(Topic::Tls),
        Extension::SmtpUtf8 => Some(Topic::SmtpUtf8),
        Extension::Dsn => Some(Topic::Dsn),
        _ => None,
    }
}

fn client_use(extension: &Extension, decisions: &[&Decision], enhanced_seen: bool) -> String {
    let decided: Vec<String> = topic(extension)
        .map(|topic| {
            decisions
                .iter()
                .filter(|d| d.topic == topic)
                .map(|d| format!("Used {}: {}", d.used, d.why))
                .collect()
        })
        .unwrap_or_default();
    if !decided.is_empty() {
        return decided.join(" ");
    }
    match extension {
        Extension::EnhancedStatusCodes if enhanced_seen => {
            "Replies carried enhanced codes, which the client reads for the precise reason.".into()
        }
        Extension::EnhancedStatusCodes => "No reply carried an enhanced code.".into(),
        Extension::SmtpUtf8 => "Not needed: every address is ASCII (a U-label domain would go as \
            its A-label), so MAIL FROM carries no SMTPUTF8 (RFC 6531 §3.4)."
            .into(),
        Extension::Dsn => {
            "The message asked for no delivery status notification, so no DSN parameter was \
             sent."
                .into()
        }
        _ => "Not used by this client.".into(),
    }
}
