//! Runs a client engine against a server engine over an in-memory connection on a
//! virtual clock, and records everything as a timeline: each chunk of octets with its
//! direction and time, and every event either side emitted. Deterministic: the same
//! scenario always yields the same timeline.

use serde::{Deserialize, Serialize};

use crate::client::{Client, ClientEvent, ClientEventKind, ClientSpec};
use crate::mailstore::MailStore;
use crate::scripted::{ScriptStep, ScriptedClient};
use crate::server::{Delivery, Peer, Server, ServerConfig, ServerEvent, ServerEventKind};
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
    /// Octets to send in place of the client engine ([`crate::scripted`]); `None` or
    /// empty runs the client engine. Read, never written back: the default scenario has
    /// none, and writing steps out would cost the page's wasm for nothing.
    #[serde(skip_serializing)]
    pub script: Option<Vec<ScriptStep>>,
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
            script: None,
        }
    }
}

/// Which way octets went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
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
    /// Set when a script ([`crate::scripted`]) stood in for the client engine, so
    /// nothing was negotiated on the client side.
    pub scripted: bool,
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

/// Runs the scenario to completion, with the client engine or the scenario's script.
pub fn run(scenario: &Scenario) -> Result<Timeline, ScenarioError> {
    let start = scenario.start_time;
    let peer = Peer {
        address: scenario.client_address.clone(),
    };
    let server = Server::new(scenario.server.clone(), peer, start, scenario.seed);
    if let Some(script) = scenario.script.as_deref().filter(|s| !s.is_empty()) {
        let client = ScriptedClient::new(script, start, scenario.latency_ms);
        let mut timeline = record(client, server, scenario);
        timeline.scripted = true;
        return Ok(timeline);
    }
    let client = Client::new(scenario.client.clone(), start, scenario.seed ^ 0x5EED_C11E)
        .map_err(|e| ScenarioError(format!("client: {e}")))?;
    Ok(record(client, server, scenario))
}

fn record<C: ClientSide>(client: C, server: Server, scenario: &Scenario) -> Timeline {
    let mut link = Link {
        server,
        client,
        now: scenario.start_time,
        latency: scenario.latency_ms,
        timeline: Timeline::empty(),
    };
    link.run();
    link.timeline
}

impl Timeline {
    fn empty() -> Self {
        Self {
            entries: Vec::new(),
            deliveries: Vec::new(),
            mailstore: MailStore::new(),
            end_time: 0,
            truncated: false,
            scripted: false,
        }
    }

    /// What the client engine did, in order: the typed part of each client event.
    pub fn client_event_kinds(&self) -> Vec<&ClientEventKind> {
        self.entries
            .iter()
            .filter_map(|entry| match entry {
                TimelineEntry::Client { event } => Some(&event.kind),
                _ => None,
            })
            .collect()
    }

    /// What the server engine did, in order: the typed part of each server event.
    pub fn server_event_kinds(&self) -> Vec<&ServerEventKind> {
        self.entries
            .iter()
            .filter_map(|entry| match entry {
                TimelineEntry::Server { event } => Some(&event.kind),
                _ => None,
            })
            .collect()
    }

    /// How many writes went `direction`. A pipelined group is one write, so this counts
    /// what pipelining saves (RFC 2920).
    pub fn writes(&self, direction: Direction) -> usize {
        self.entries
            .iter()
            .filter(|entry| matches!(entry, TimelineEntry::Bytes { direction: d, .. } if *d == direction))
            .count()
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

/// One end of an in-memory connection: a sans-IO engine as the link drives it. The SMTP
/// client and server engines and the POP3 server implement it, so the loopback and the
/// multi-host world ([`crate::world`]) pair any two of them with the same code.
pub trait Endpoint {
    /// Octets the engine wants to send.
    fn take_output(&mut self) -> Vec<u8>;
    /// Octets from the peer, arriving at `now`.
    fn receive(&mut self, input: &[u8], now: Millis);
    /// The peer closed the connection.
    fn handle_close(&mut self, now: Millis);
    /// The clock reached `now`.
    fn handle_timeout(&mut self, now: Millis);
    /// When the engine's next timer fires, if any.
    fn poll_timeout(&self) -> Option<Millis>;
    /// True once the engine will neither read nor send.
    fn is_closed(&self) -> bool;
}

macro_rules! endpoint_for {
    ($engine:ty) => {
        impl Endpoint for $engine {
            fn take_output(&mut self) -> Vec<u8> {
                <$engine>::take_output(self)
            }
            fn receive(&mut self, input: &[u8], now: Millis) {
                <$engine>::receive(self, input, now);
            }
            fn handle_close(&mut self, now: Millis) {
                <$engine>::handle_close(self, now);
            }
            fn handle_timeout(&mut self, now: Millis) {
                <$engine>::handle_timeout(self, now);
            }
            fn poll_timeout(&self) -> Option<Millis> {
                <$engine>::poll_timeout(self)
            }
            fn is_closed(&self) -> bool {
                <$engine>::is_closed(self)
            }
        }
    };
}

endpoint_for!(Server);
endpoint_for!(Client);
endpoint_for!(crate::pop3::Pop3Server);

/// The client end of a recorded session: the client engine, or a script
/// ([`crate::scripted`]) that makes no decisions and so reports no events.
pub trait ClientSide: Endpoint {
    /// The next event to record, if any.
    fn poll_event(&mut self) -> Option<ClientEvent>;
}

impl ClientSide for Client {
    fn poll_event(&mut self) -> Option<ClientEvent> {
        Client::poll_event(self)
    }
}

/// What a link reports to whoever records it.
pub trait LinkObserver<C, S> {
    /// Octets went across at `at`.
    fn bytes(&mut self, at: Millis, direction: Direction, octets: &[u8]);
    /// Collect the engines' events (called before every step and at the end). Return
    /// false to end the exchange here, e.g. when the roles on the connection reverse.
    fn drain(&mut self, client: &mut C, server: &mut S) -> bool;
}

/// How an exchange ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExchangeEnd {
    /// Both sides closed, or neither has anything to send and no timer is left.
    Quiet,
    /// The observer asked to stop.
    Stopped,
    /// A safety bound was reached.
    Truncated,
}

/// Runs a connection between `client` (the side that connected) and `server` until it
/// goes quiet: each write crosses after `latency`, and when nobody has anything to
/// send the clock jumps to the earliest engine timer. `now` is the shared virtual
/// clock, advanced in place.
pub fn exchange<C: Endpoint, S: Endpoint, O: LinkObserver<C, S>>(
    client: &mut C,
    server: &mut S,
    now: &mut Millis,
    latency: Millis,
    observer: &mut O,
) -> ExchangeEnd {
    let mut recorded = 0usize;
    let mut end = ExchangeEnd::Truncated;
    for _ in 0..MAX_STEPS {
        if !observer.drain(client, server) {
            return ExchangeEnd::Stopped;
        }
        let mut progressed = false;
        let to_client = server.take_output();
        if !to_client.is_empty() {
            recorded = recorded.saturating_add(to_client.len());
            observer.bytes(*now, Direction::ServerToClient, &to_client);
            *now = now.saturating_add(latency);
            client.receive(&to_client, *now);
            progressed = true;
        }
        if server.is_closed() && !client.is_closed() {
            client.handle_close(*now);
            progressed = true;
        }
        let to_server = client.take_output();
        if !to_server.is_empty() && !server.is_closed() {
            recorded = recorded.saturating_add(to_server.len());
            observer.bytes(*now, Direction::ClientToServer, &to_server);
            *now = now.saturating_add(latency);
            server.receive(&to_server, *now);
            progressed = true;
        }
        if client.is_closed() && !server.is_closed() {
            server.handle_close(*now);
            progressed = true;
        }
        if recorded > MAX_RECORDED_OCTETS {
            break;
        }
        if !progressed && !advance_clock(client, server, now) {
            end = ExchangeEnd::Quiet;
            break;
        }
    }
    if !observer.drain(client, server) {
        return ExchangeEnd::Stopped;
    }
    end
}

/// Nobody had anything to send: jump to the earlier of the two engines' timers (the
/// server's idle timer, the client's per-command timer), if any, and let both look.
fn advance_clock<C: Endpoint, S: Endpoint>(
    client: &mut C,
    server: &mut S,
    now: &mut Millis,
) -> bool {
    if server.is_closed() && client.is_closed() {
        return false;
    }
    let deadlines = [server.poll_timeout(), client.poll_timeout()];
    match deadlines.into_iter().flatten().min() {
        Some(deadline) => {
            *now = (*now).max(deadline);
            server.handle_timeout(*now);
            client.handle_timeout(*now);
            true
        }
        None => false,
    }
}

struct Link<C> {
    server: Server,
    client: C,
    now: Millis,
    latency: Millis,
    timeline: Timeline,
}

/// Records a loopback session into its [`Timeline`].
struct Recorder<'a> {
    timeline: &'a mut Timeline,
}

impl<C: ClientSide> LinkObserver<C, Server> for Recorder<'_> {
    fn bytes(&mut self, at: Millis, direction: Direction, octets: &[u8]) {
        self.timeline.entries.push(TimelineEntry::Bytes {
            at,
            direction,
            octets: octets.to_vec(),
        });
    }

    fn drain(&mut self, client: &mut C, server: &mut Server) -> bool {
        while let Some(event) = client.poll_event() {
            self.timeline.entries.push(TimelineEntry::Client { event });
        }
        while let Some(event) = server.poll_event() {
            self.timeline.entries.push(TimelineEntry::Server { event });
        }
        while let Some(delivery) = server.poll_delivery() {
            self.timeline.mailstore.store(&delivery);
            self.timeline.deliveries.push(delivery);
        }
        true
    }
}

impl<C: ClientSide> Link<C> {
    fn run(&mut self) {
        let mut recorder = Recorder {
            timeline: &mut self.timeline,
        };
        let end = exchange(
            &mut self.client,
            &mut self.server,
            &mut self.now,
            self.latency,
            &mut recorder,
        );
        self.timeline.truncated = end == ExchangeEnd::Truncated;
        self.timeline.end_time = self.now;
    }
}
