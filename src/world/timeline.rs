//! What a world run returns: every octet and event tagged with its connection and
//! hosts, the connections as a graph, and each host's store at the end. Serialises to
//! plain JSON for the page (camelCase fields, `type` tags on enums).

use litemap::LiteMap;

use serde::Serialize;

use super::dns::{Answer, HostState, QueryType};
use super::relay_state::RelayWindowState;
use crate::client::ClientEvent;
use crate::mailstore::MailStore;
use crate::pop3::Pop3Event;
use crate::server::{ReversalCommand, ServerEvent};
use crate::time::Millis;

/// A connection id, 1 for the first connection of a run.
pub type ConnectionId = u32;

/// What a connection carried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ConnectionKind {
    /// An SMTP session the script asked for.
    Smtp,
    /// An SMTP session the ISP opened to deliver a queue after ETRN (RFC 1985 §4).
    Flush,
    /// A POP3 session.
    Pop3,
    /// An SMTP session a sending MTA opened to an MX host to deliver its queue
    /// (RFC 5321 §5).
    Relay,
    /// An SMTP session a host opened to return delivery status notifications (failed,
    /// delayed, relayed or delivered) to the senders' domain, from the null
    /// reverse-path (RFC 3461 §6, RFC 3464).
    Notice,
}

/// One connection, for the list and the diagram. After TURN/ATRN the same connection
/// carries mail the other way: `reversedAt` says when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionSummary {
    /// Its id.
    pub id: ConnectionId,
    /// The host that opened it.
    pub from: String,
    /// The host it connected to.
    pub to: String,
    /// SMTP, flush, POP3, relay or notice.
    pub kind: ConnectionKind,
    /// The kind as the connection list shows it (`FLUSH`, `NOTICE`): [`ConnectionKind::label`].
    pub kind_label: &'static str,
    /// What it was for.
    pub purpose: String,
    /// The connection whose reply caused this one (ETRN), if any.
    pub triggered_by: Option<ConnectionId>,
    /// When it opened.
    pub opened_at: Millis,
    /// When it closed.
    pub closed_at: Millis,
    /// When TURN/ATRN reversed the roles on it, if they did.
    pub reversed_at: Option<Millis>,
}

/// One host, for the diagram.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HostSummary {
    /// Its name.
    pub name: String,
    /// What it is.
    pub label: String,
    /// Its address.
    pub address: String,
    /// The services it runs: `smtp`, `pop3`.
    pub services: Vec<String>,
}

/// "`from` connected to `to`", with the connections that did, for the diagram.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphEdge {
    /// The connecting host.
    pub from: String,
    /// The host connected to.
    pub to: String,
    /// Which connections.
    pub connections: Vec<ConnectionId>,
}

/// Something the world itself did (not one engine).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum WorldEvent {
    /// A connection opened.
    ConnectionOpened {
        /// The connecting host.
        from: String,
        /// The host connected to.
        to: String,
    },
    /// A connection closed.
    ConnectionClosed,
    /// The clock ran on.
    ClockAdvanced {
        /// Before.
        from: Millis,
        /// After.
        to: Millis,
    },
    /// The ISP takes these messages from its queue to deliver them.
    QueueTaken {
        /// The host whose queue it is.
        host: String,
        /// The domains.
        domains: Vec<String>,
        /// How many message copies.
        copies: usize,
    },
    /// Copies that could not be delivered went back into the queue.
    QueueRestored {
        /// The host.
        host: String,
        /// How many copies.
        copies: usize,
    },
    /// The roles on a connection reversed (TURN/ATRN).
    RolesReversed {
        /// Which command.
        command: ReversalCommand,
        /// The host that now acts as client.
        client: String,
        /// The host that now acts as server.
        server: String,
    },
    /// A POP3 login opened a relay window for an address (POP-before-SMTP).
    RelayWindowOpened {
        /// The host running the window.
        host: String,
        /// The address allowed to relay.
        address: String,
        /// When the window ends.
        until: Millis,
    },
    /// The host told its SMTP server whether the client may relay (POP-before-SMTP).
    RelayChecked {
        /// The host.
        host: String,
        /// The client's address.
        address: String,
        /// The decision.
        allowed: bool,
    },
    /// A host asked the zone a question (RFC 5321 §5.1).
    DnsLookup {
        /// The asking host.
        host: String,
        /// The name asked about.
        name: String,
        /// The record type asked for.
        query: QueryType,
        /// What the zone answered.
        answer: Answer,
        /// The answer in one line (`10 mx1.example.org, 20 mx2.example.org`).
        summary: String,
    },
    /// A sending MTA put a domain's mail exchangers in the order it will try them.
    RouteChosen {
        /// The sending host.
        host: String,
        /// The recipient domain.
        domain: String,
        /// The exchangers to try, in order.
        order: Vec<MxChoice>,
    },
    /// A connection to an exchanger's address was refused, or nothing answered there.
    ConnectionRefused {
        /// The connecting host.
        from: String,
        /// The exchanger's name.
        to: String,
        /// The address tried.
        address: String,
    },
    /// A host came up, went down or began deferring.
    HostStateChanged {
        /// The host.
        host: String,
        /// Its new state.
        state: HostState,
    },
    /// Deferred mail waits in the queue for another try.
    RetryScheduled {
        /// The sending host.
        host: String,
        /// The recipient domain.
        domain: String,
        /// When the next try is due.
        at: Millis,
        /// How many tries failed so far.
        attempts: u32,
    },
    /// Mail could not be delivered and will not be tried again.
    Bounced {
        /// The host giving up.
        host: String,
        /// The recipients that failed.
        recipients: Vec<String>,
        /// The enhanced status code, e.g. `5.1.10`.
        status: String,
        /// The reply (received, or the one the host writes for itself).
        reply: String,
    },
    /// A host filed a delivery status notification (failed, delayed, relayed or
    /// delivered) in a mailbox or its queue.
    NoticeFiled {
        /// The host that wrote it.
        host: String,
        /// The original sender it goes to.
        recipient: String,
        /// True when it went to a local mailbox, false when queued to be sent on.
        mailbox: bool,
    },
    /// A host wrote a delivery status notification for a sender (RFC 3464).
    NotificationWritten {
        /// The reporting host.
        host: String,
        /// The sender it goes to.
        to: String,
        /// What it reports (`failed`, `relayed`).
        action: crate::dsn::Action,
        /// The recipients it reports on.
        recipients: Vec<String>,
    },
    /// Something could not happen (no route to a domain, a step naming no host).
    Problem {
        /// What.
        what: String,
    },
}

/// One mail exchanger in a sending MTA's order of trial.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MxChoice {
    /// The MX preference (0 for an implicit MX).
    pub preference: u16,
    /// The exchanger's name.
    pub exchange: String,
    /// Its address from the A lookup, if it has one.
    pub address: Option<String>,
}

/// One thing that happened.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum WorldEntry {
    /// Octets sent in one write.
    Bytes {
        /// The connection.
        connection: ConnectionId,
        /// When they were sent.
        at: Millis,
        /// The sending host.
        from: String,
        /// The receiving host.
        to: String,
        /// The octets.
        octets: Vec<u8>,
    },
    /// An SMTP server engine's event.
    SmtpServer {
        /// The connection.
        connection: ConnectionId,
        /// The host running the engine.
        host: String,
        /// The event.
        event: ServerEvent,
    },
    /// An SMTP client engine's event.
    SmtpClient {
        /// The connection.
        connection: ConnectionId,
        /// The host running the engine.
        host: String,
        /// The event.
        event: ClientEvent,
    },
    /// A POP3 server engine's event.
    Pop3Server {
        /// The connection.
        connection: ConnectionId,
        /// The host running the engine.
        host: String,
        /// The event.
        event: Pop3Event,
    },
    /// Something the world did.
    World {
        /// When.
        at: Millis,
        /// The connection it concerns, if any.
        connection: Option<ConnectionId>,
        /// What.
        event: WorldEvent,
        /// The row's heading: [`WorldEvent::title`].
        title: String,
        /// The row's detail line, empty when there is none: [`WorldEvent::detail`].
        detail: String,
        /// One line for a learner.
        explanation: String,
        /// The RFC section, or empty when none applies.
        rfc: &'static str,
    },
}

impl WorldEntry {
    /// When it happened, on the world clock.
    pub fn at(&self) -> Millis {
        match self {
            Self::Bytes { at, .. } | Self::World { at, .. } => *at,
            Self::SmtpServer { event, .. } => event.at,
            Self::SmtpClient { event, .. } => event.at,
            Self::Pop3Server { event, .. } => event.at,
        }
    }
}

/// How long a POP3 login let an address relay (POP-before-SMTP): one interval per login.
/// A later login from the same address at the same host starts a new interval.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelayInterval {
    /// The host running the window.
    pub host: String,
    /// The address allowed to relay.
    pub address: String,
    /// When the login opened it.
    pub opened_at: Millis,
    /// When it closes: relaying is allowed from `opened_at` until just before this.
    pub closes_at: Millis,
}

/// The result of a world run.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorldTimeline {
    /// The scenario's name.
    pub name: String,
    /// The scenario's explanation.
    pub explanation: String,
    /// The hosts, in scenario order.
    pub hosts: Vec<HostSummary>,
    /// Every connection, in the order they opened.
    pub connections: Vec<ConnectionSummary>,
    /// Who connected to whom.
    pub graph: Vec<GraphEdge>,
    /// Everything, in order.
    pub entries: Vec<WorldEntry>,
    /// Every relay window opened in the run, in the order the logins happened.
    pub relay_windows: Vec<RelayInterval>,
    /// Parallel to `entries`: the relay windows as they stand at each entry (per host
    /// and address the latest one opened by then, open or closed), so a view stepping
    /// the clock shows them as they are; empty lists when no window was opened.
    pub relay_window_states: Vec<Vec<RelayWindowState>>,
    /// Each host's mailboxes and outbound queues at the end, by host name.
    #[serde(serialize_with = "crate::sorted_map::as_object")]
    pub mailstores: LiteMap<String, MailStore>,
    /// Virtual time when the run started.
    pub start_time: Millis,
    /// Virtual time when it ended.
    pub end_time: Millis,
    /// Set when a safety bound cut the run short.
    pub truncated: bool,
}

impl WorldTimeline {
    /// The transcript of one connection, `host: line` per line sent (swaks-like, with
    /// the sending host instead of `C:`/`S:`, since after TURN they swap).
    pub fn transcript(&self, connection: ConnectionId) -> String {
        let mut out = String::new();
        for entry in &self.entries {
            if let WorldEntry::Bytes {
                connection: id,
                from,
                octets,
                ..
            } = entry
            {
                if *id != connection {
                    continue;
                }
                for line in String::from_utf8_lossy(octets).split_inclusive('\n') {
                    out.push_str(from);
                    out.push_str(": ");
                    out.push_str(line.trim_end_matches(['\r', '\n']));
                    out.push('\n');
                }
            }
        }
        out
    }

    /// The store of `host` (empty if the host is unknown).
    pub fn mailstore(&self, host: &str) -> MailStore {
        self.mailstores.get(host).cloned().unwrap_or_default()
    }
}
