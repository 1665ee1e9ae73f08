//! Several hosts on one virtual clock: the parts of ESMTP that only make sense with
//! more than two machines and time passing. A small site on a dial-up line whose ISP
//! holds its mail (ETRN, TURN), an ISP that lets its POP users relay
//! (POP-before-SMTP), a sending MTA that routes its queue by MX records (RFC 5321
//! §5.1, RFC 7505) and returns what it cannot deliver as an RFC 3464 bounce.
//!
//! A [`WorldScenario`] lists hosts (each with an address, optionally an SMTP server,
//! a POP3 server and the ISP-side switches), a DNS zone ([`dns`]: MX, A and CNAME
//! records, and which hosts are down) and steps (connect and send, log in to POP3,
//! deliver a host's queue by MX, bring a host up or down, let the clock run: deferred
//! mail is retried as it falls due). [`run_world`] plays it over in-memory links
//! ([`crate::loopback::exchange`]) and returns a [`WorldTimeline`]: every octet and
//! event tagged with its connection and hosts, the connections as a small graph for
//! the page's diagram, and each host's mailboxes and queues at the end. Connections
//! can start others: a positive ETRN reply makes the ISP open a new connection to the
//! customer's server; TURN reverses the roles on the same connection.
//! Deterministic: the same scenario (seed and start time included) gives the same
//! timeline.
//!
//! A scenario as JSON (every field optional; see [`mod@presets`] for whole examples):
//!
//! ```json
//! {
//!   "name": "custom", "startTime": 1795856400000, "seed": 2026, "latencyMs": 40,
//!   "hosts": [
//!     { "name": "mx.isp.example", "address": "192.0.2.25",
//!       "smtp": { "hostname": "mx.isp.example", "localDomains": ["isp.example"],
//!                 "extensions": { "etrn": true } },
//!       "heldDomains": ["dialup.example"],
//!       "etrn": { "grants": [{ "client": "203.0.113.20", "nodes": ["dialup.example"] }],
//!                 "hideCounts": false },
//!       "legacyTurn": false,
//!       "atrn": { "enabled": false, "accounts": [] },
//!       "pop3": null, "popBeforeSmtp": false, "relayWindowMs": 1800000 }
//!   ],
//!   "steps": [
//!     { "type": "smtp", "from": "mail.dialup.example", "to": "mx.isp.example",
//!       "client": { "quitAfter": "ehlo",
//!                   "rawLines": [{ "after": "ehlo", "line": "ETRN dialup.example" }] },
//!       "purpose": "ask for the held mail" },
//!     { "type": "pop3", "from": "laptop", "to": "mail.isp.example",
//!       "lines": ["USER alice", "PASS wonderland", "QUIT"] },
//!     { "type": "wait", "ms": 1860000, "reason": "31 minutes later" },
//!     { "type": "deliver", "from": "mx.isp.example", "domains": ["dialup.example"] },
//!     { "type": "hostState", "host": "mail.dialup.example", "state": "up" }
//!   ],
//!   "dns": { "mx": [{ "name": "dialup.example", "preference": 10,
//!                     "exchange": "mail.dialup.example" }],
//!            "a": [{ "name": "mail.dialup.example", "address": "203.0.113.20" }],
//!            "hosts": [{ "host": "mail.dialup.example", "state": "refused" }] },
//!   "retryMs": 1800000, "giveUpMs": 432000000, "delayWarningMs": 14400000
//! }
//! ```

pub mod dns;
mod event_text;
mod host;
pub(crate) mod line_client;
mod notice;
pub mod presets;
mod recorder;
mod relay_state;
mod routing;
mod runner;
mod step_input;
pub(crate) mod timeline;

use serde::{Deserialize, Serialize};

use crate::client::ClientSpec;
use crate::pop3::{Pop3Config, DEFAULT_RELAY_WINDOW};
use crate::server::{AtrnPolicy, EtrnPolicy, ServerConfig};
use crate::time::Millis;

pub use crate::loopback::ScenarioError;
pub use dns::{DnsZone, HostState};
pub use presets::{preset, presets, PresetInfo};
pub use relay_state::RelayWindowState;
pub use runner::run_world;
pub use timeline::{
    ConnectionKind, ConnectionSummary, GraphEdge, HostSummary, MxChoice, RelayInterval, WorldEntry,
    WorldEvent, WorldTimeline,
};

/// Most connections one run may open (flushes can trigger each other).
pub const MAX_CONNECTIONS: usize = 64;

/// The wait before a deferred domain is tried again: 30 minutes (RFC 5321 §4.5.4.1).
pub const DEFAULT_RETRY_MS: Millis = 30 * crate::time::MINUTE;

/// How long deferred mail is kept trying: 5 days (RFC 5321 §4.5.4.1, "at least 4-5
/// days").
pub const DEFAULT_GIVE_UP_MS: Millis = 5 * 24 * 60 * crate::time::MINUTE;

/// How long a copy may wait in a queue before its sender gets a "delayed" notice
/// (RFC 3464 §2.3.3): 4 hours, sendmail's `Timeout.queuewarn` and the value Postfix's
/// `delay_warning_time` is usually set to. 0 turns the warning off.
pub const DEFAULT_DELAY_WARNING_MS: Millis = 4 * 60 * crate::time::MINUTE;

/// One machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct HostSpec {
    /// Its name; also the name it gives in EHLO when it connects as a client.
    pub name: String,
    /// What it is, for the diagram (e.g. "ISP mail exchanger").
    pub label: String,
    /// Its address, as its peers' transports see it.
    pub address: String,
    /// Its SMTP server, if it runs one.
    pub smtp: Option<ServerConfig>,
    /// Domains whose mail this host keeps queued until collected (ETRN, TURN).
    pub held_domains: Vec<String>,
    /// Who may flush what with ETRN.
    pub etrn: EtrnPolicy,
    /// Answer TURN as RFC 821 did (for showing the hole).
    pub legacy_turn: bool,
    /// On-Demand Mail Relay (ATRN, RFC 2645): offered or not, and the accounts.
    pub atrn: AtrnPolicy,
    /// Its POP3 server, if it runs one.
    pub pop3: Option<Pop3Config>,
    /// Let addresses that logged in to this host's POP3 server relay through its SMTP
    /// server for `relayWindowMs` (POP-before-SMTP).
    pub pop_before_smtp: bool,
    /// How long a POP3 login opens the relay window.
    pub relay_window_ms: Millis,
}

impl Default for HostSpec {
    fn default() -> Self {
        Self {
            name: "host.example".into(),
            label: String::new(),
            address: "192.0.2.1".into(),
            smtp: None,
            held_domains: Vec::new(),
            etrn: EtrnPolicy::default(),
            legacy_turn: false,
            atrn: AtrnPolicy::default(),
            pop3: None,
            pop_before_smtp: false,
            relay_window_ms: DEFAULT_RELAY_WINDOW,
        }
    }
}

/// One step of the script. Read through `step_input` (same JSON, no buffering).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    try_from = "step_input::StepInput"
)]
pub enum WorldStep {
    /// `from` connects to `to`'s SMTP server and runs the client spec (send a message,
    /// or ETRN/TURN as raw lines after EHLO).
    Smtp {
        /// The connecting host's name.
        from: String,
        /// The server host's name.
        to: String,
        /// What the client does; its hostname is replaced by `from`'s name unless set
        /// to claim another (as the TURN hijacker does). Optional: the default client.
        #[serde(default)]
        client: Box<ClientSpec>,
        /// What this connection is for, for the timeline.
        #[serde(default)]
        purpose: String,
    },
    /// `from` connects to `to`'s POP3 server and sends these lines one by one.
    Pop3 {
        /// The connecting host's name.
        from: String,
        /// The POP3 server host's name.
        to: String,
        /// Command lines, without line endings.
        lines: Vec<String>,
        /// What this connection is for.
        #[serde(default)]
        purpose: String,
    },
    /// `from` delivers what its outbound queue holds for `domains` (every queued
    /// domain when empty), routing each by the zone's MX records (RFC 5321 §5.1).
    Deliver {
        /// The sending MTA's name.
        from: String,
        /// Which queued domains; empty for all.
        #[serde(default)]
        domains: Vec<String>,
        /// What this delivery run is for.
        #[serde(default)]
        purpose: String,
    },
    /// `host` comes up, goes down (connections refused) or starts answering 4xx.
    HostState {
        /// The host's name.
        host: String,
        /// Its new state.
        state: HostState,
        /// Why, for the timeline.
        #[serde(default)]
        reason: String,
    },
    /// The clock runs on with nothing happening (the dial-up line is down, the user
    /// went to lunch). Queued mail whose retry falls due meanwhile is tried again.
    Wait {
        /// How long, in milliseconds.
        ms: Millis,
        /// Why, for the timeline.
        #[serde(default)]
        reason: String,
    },
}

/// A whole multi-host scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WorldScenario {
    /// Short name (a preset's key).
    pub name: String,
    /// One paragraph: what it shows.
    pub explanation: String,
    /// Virtual start time, milliseconds since the Unix epoch.
    pub start_time: Millis,
    /// Seed for every random choice.
    pub seed: u64,
    /// One-way delay of every link, in milliseconds.
    pub latency_ms: Millis,
    /// The machines.
    pub hosts: Vec<HostSpec>,
    /// What happens, in order.
    pub steps: Vec<WorldStep>,
    /// The DNS every host resolves against, and which hosts are down.
    #[serde(skip_serializing_if = "DnsZone::is_unset")]
    pub dns: DnsZone,
    /// How long a sending MTA waits before trying a deferred domain again (RFC 5321
    /// §4.5.4.1: at least 30 minutes).
    pub retry_ms: Millis,
    /// How long it keeps trying before it gives up and bounces (RFC 5321 §4.5.4.1:
    /// at least 4 to 5 days).
    pub give_up_ms: Millis,
    /// How long a copy waits in a queue before its sender, if it asked NOTIFY=DELAY or
    /// gave no NOTIFY=, gets one "delayed" notice (RFC 3461 §4.1, RFC 3464 §2.3.3);
    /// checked at each retry. 0: never.
    pub delay_warning_ms: Millis,
}

impl Default for WorldScenario {
    fn default() -> Self {
        let loopback = crate::loopback::Scenario::default();
        Self {
            name: "custom".into(),
            explanation: String::new(),
            start_time: loopback.start_time,
            seed: loopback.seed,
            latency_ms: loopback.latency_ms,
            hosts: Vec::new(),
            steps: Vec::new(),
            dns: DnsZone::default(),
            retry_ms: DEFAULT_RETRY_MS,
            give_up_ms: DEFAULT_GIVE_UP_MS,
            delay_warning_ms: DEFAULT_DELAY_WARNING_MS,
        }
    }
}
