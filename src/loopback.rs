//! Runs a client engine against a server engine over an in-memory connection on a
//! virtual clock, and records everything as a timeline: each chunk of octets with its
//! direction and time, and every event either side emitted. Deterministic: the same
//! scenario always yields the same timeline.

use serde::{Deserialize, Serialize};

use crate::client::{Client, ClientEvent, ClientSpec};
use crate::mailstore::MailStore;
use crate::server::{Delivery, Peer, Server, ServerConfig, ServerEvent};
use crate::time::Millis;

/// Safety bound on loop iterations; a real session needs a few dozen.
const MAX_STEPS: usize = 100_000;
/// Safety bound on octets recorded in one timeline.
const MAX_RECORDED_OCTETS: usize = 32 * 1024 * 1024;

/// Everything needed to reproduce a session exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Scenario {
    /// The server's configuration.
    pub server: ServerConfig,
    /// What the client does.
    pub client: ClientSpec,
    /// The client's address as the server sees it.
    pub client_address: String,
    /// Virtual start time, milliseconds since the Unix epoch.
    pub start_time: Millis,
    /// Seed for every random choice (queue ids, nonces, challenges).
    pub seed: u64,
    /// One-way delay of the virtual link, in milliseconds.
    pub latency_ms: Millis,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            server: ServerConfig::default(),
            client: ClientSpec::default(),
            client_address: "192.0.2.10".into(),
            // 2026-11-28T09:00:00Z: a fixed instant, so dates in the output are stable.
            start_time: 1_795_856_400_000,
            seed: 2026,
            latency_ms: 40,
        }
    }
}

/// Which way octets went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Direction {
    /// Client to server (`C:` in transcripts).
    ClientToServer,
    /// Server to client (`S:`).
    ServerToClient,
}

/// One thing that happened.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum TimelineEntry {
    /// Octets sent in one write.
    Bytes {
        /// When they were sent.
        at: Millis,
        /// Which way.
        direction: Direction,
        /// The octets.
        octets: Vec<u8>,
    },
    /// A server event.
    Server {
        /// The event.
        event: ServerEvent,
    },
    /// A client event.
    Client {
        /// The event.
        event: ClientEvent,
    },
}

/// The result of a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timeline {
    /// Everything, in order.
    pub entries: Vec<TimelineEntry>,
    /// Every message copy the server accepted.
    pub deliveries: Vec<Delivery>,
    /// The same copies filed in mailboxes and outbound queues.
    pub mailstore: MailStore,
    /// Virtual time when the run ended.
    pub end_time: Millis,
    /// Set when the run stopped at a safety bound instead of a clean close.
    pub truncated: bool,
}

/// Why a scenario could not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError(pub String);

impl core::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScenarioError {}

/// Runs the scenario to completion.
pub fn run(scenario: &Scenario) -> Result<Timeline, ScenarioError> {
    let start = scenario.start_time;
    let client = Client::new(scenario.client.clone(), start, scenario.seed ^ 0x5EED_C11E)
        .map_err(|e| ScenarioError(format!("client: {e}")))?;
    let peer = Peer {
        address: scenario.client_address.clone(),
    };
    let server = Server::new(scenario.server.clone(), peer, start, scenario.seed);
    let mut link = Link {
        server,
        client,
        now: start,
        latency: scenario.latency_ms,
        timeline: Timeline::empty(),
    };
    link.run();
    Ok(link.timeline)
}

impl Timeline {
    fn empty() -> Self {
        Self {
            entries: Vec::new(),
            deliveries: Vec::new(),
            mailstore: MailStore::new(),
            end_time: 0,
            truncated: false,
        }
    }

    /// The transcript in swaks style: `S: ` / `C: ` before every line.
    pub fn transcript(&self) -> String {
        let mut out = String::new();
        for entry in &self.entries {
            if let TimelineEntry::Bytes {
                direction, octets, ..
            } = entry
            {
                let prefix = match direction {
                    Direction::ClientToServer => "C: ",
                    Direction::ServerToClient => "S: ",
                };
                for line in String::from_utf8_lossy(octets).split_inclusive('\n') {
                    out.push_str(prefix);
                    out.push_str(line.trim_end_matches(['\r', '\n']));
                    out.push('\n');
                }
            }
        }
        out
    }
}

struct Link {
    server: Server,
    client: Client,
    now: Millis,
    latency: Millis,
    timeline: Timeline,
}

impl Link {
    fn run(&mut self) {
        let mut recorded = 0usize;
        for _ in 0..MAX_STEPS {
            self.drain_events();
            let mut progressed = false;
            let to_client = self.server.take_output();
            if !to_client.is_empty() {
                recorded += to_client.len();
                self.record(Direction::ServerToClient, to_client.clone());
                self.now += self.latency;
                self.client.receive(&to_client, self.now);
                progressed = true;
            }
            if self.server.is_closed() && !self.client.is_closed() {
                self.client.handle_close(self.now);
                progressed = true;
            }
            let to_server = self.client.take_output();
            if !to_server.is_empty() && !self.server.is_closed() {
                recorded += to_server.len();
                self.record(Direction::ClientToServer, to_server.clone());
                self.now += self.latency;
                self.server.receive(&to_server, self.now);
                progressed = true;
            }
            if self.client.is_closed() && !self.server.is_closed() {
                self.server.handle_close(self.now);
                progressed = true;
            }
            if recorded > MAX_RECORDED_OCTETS {
                self.timeline.truncated = true;
                break;
            }
            if !progressed && !self.advance_clock() {
                break;
            }
        }
        self.drain_events();
        self.timeline.end_time = self.now;
    }

    /// Nobody had anything to send: jump to the earlier of the two engines' timers (the
    /// server's idle timer, the client's per-command timer), if any, and let both look.
    fn advance_clock(&mut self) -> bool {
        if self.server.is_closed() && self.client.is_closed() {
            return false;
        }
        let deadlines = [self.server.poll_timeout(), self.client.poll_timeout()];
        match deadlines.into_iter().flatten().min() {
            Some(deadline) => {
                self.now = self.now.max(deadline);
                self.server.handle_timeout(self.now);
                self.client.handle_timeout(self.now);
                true
            }
            None => false,
        }
    }

    fn record(&mut self, direction: Direction, octets: Vec<u8>) {
        self.timeline.entries.push(TimelineEntry::Bytes {
            at: self.now,
            direction,
            octets,
        });
    }

    fn drain_events(&mut self) {
        while let Some(event) = self.client.poll_event() {
            self.timeline.entries.push(TimelineEntry::Client { event });
        }
        while let Some(event) = self.server.poll_event() {
            self.timeline.entries.push(TimelineEntry::Server { event });
        }
        while let Some(delivery) = self.server.poll_delivery() {
            self.timeline.mailstore.store(&delivery);
            self.timeline.deliveries.push(delivery);
        }
    }
}
