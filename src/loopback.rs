//! Runs a client engine against a server engine over an in-memory connection on a
//! virtual clock, and records everything as a timeline: each chunk of octets with its
//! direction and time, every event either side emitted, and the links between them
//! (which event wrote which lines, which events read them: [`crate::links`]).
//! Deterministic: the same scenario always yields the same timeline.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::client::{Client, ClientEvent, ClientEventKind, ClientSpec, SpecError};
use crate::links::auth::AuthExchange;
use crate::links::negotiation::{NegotiationRow, NoExtensionsNote};
use crate::links::{EventLink, Write, WriteRecord};
use crate::mailstore::MailStore;
use crate::octets::Gathered;
use crate::scripted::{ScriptStep, ScriptedClient};
use crate::server::{
    CopyText, Delivery, Peer, Server, ServerConfig, ServerEvent, ServerEventKind, StoreOutcome,
};
use crate::time::Millis;

mod engine_module;
mod middlebox;
pub mod tls;

pub use engine_module::EngineModule;
pub use middlebox::Middlebox;
pub use tls::{TlsEndpoint, TlsMode, TlsRun, TlsSide};

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
    /// Implicit TLS (RFC 8314 §3.3, port 465): TLS from the first octet, no STARTTLS.
    /// Written out even when off, like the middlebox, so the page's forms offer both.
    pub implicit_tls: bool,
    /// A box on the path that tampers with the cleartext ([`Middlebox`]). Every build
    /// reads it; it only acts in TLS runs, which builds without TLS refuse.
    pub middlebox: Middlebox,
}

impl Scenario {
    /// True when the run needs TLS: the server offers STARTTLS, TLS starts with the
    /// first octet, or a script starts TLS itself. Only builds with TLS can run it
    /// ([`Scenario::module`] says so to the page).
    pub fn uses_tls(&self) -> bool {
        tls::mode(self).is_some()
    }
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
            implicit_tls: false,
            middlebox: Middlebox::None,
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

impl Direction {
    /// The other way.
    pub(crate) fn opposite(self) -> Self {
        match self {
            Self::ClientToServer => Self::ServerToClient,
            Self::ServerToClient => Self::ClientToServer,
        }
    }
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
        /// The octets: a latin1 string in JSON; in the wasm build they cross beside the
        /// JSON as bytes ([`Timeline::octet_layout`], [`crate::octets`]).
        #[cfg_attr(
            not(target_arch = "wasm32"),
            serde(serialize_with = "crate::octets::latin1")
        )]
        #[cfg_attr(target_arch = "wasm32", serde(skip))]
        octets: Vec<u8>,
        /// True when they crossed inside TLS (the wire carried [`TimelineEntry::TlsRecords`]
        /// instead); absent in JSON when false, and in builds without TLS.
        #[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
        #[serde(skip_serializing_if = "core::ops::Not::not")]
        encrypted: bool,
    },
    /// Wire octets of one write under TLS, as records ([`crate::tls::records`]):
    /// handshake messages, encrypted SMTP lines, alerts. Like the other TLS-only entries,
    /// absent from builds without TLS.
    #[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
    TlsRecords {
        /// When they were sent.
        at: Millis,
        /// Which way.
        direction: Direction,
        /// The records, in order.
        records: Vec<crate::tls::records::TlsRecord>,
    },
    /// The TLS handshake completed, as the client saw it (once per connection).
    #[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
    TlsEstablished {
        /// When the client's side completed.
        at: Millis,
        /// What was negotiated and how the certificate was checked.
        summary: crate::tls::TlsSummary,
        /// What it means, in a sentence or two.
        explanation: String,
        /// The RFC sections.
        rfc: &'static str,
    },
    /// TLS failed on one side, which closed the connection.
    #[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
    TlsFailed {
        /// When.
        at: Millis,
        /// Which side failed.
        side: TlsSide,
        /// The TLS library's reason, with what it means.
        reason: String,
        /// What happens next.
        explanation: String,
        /// The RFC section.
        rfc: &'static str,
    },
    /// A middlebox changed the previous bytes entry in transit: the receiver got the
    /// octets without `removed`.
    #[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
    Tampered {
        /// When.
        at: Millis,
        /// Which way the altered write went.
        direction: Direction,
        /// Index of the altered bytes entry.
        entry: usize,
        /// What the box deleted, as text.
        removed: String,
        /// What it did and why it matters.
        explanation: String,
        /// The RFC section.
        rfc: &'static str,
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
    /// One per bytes entry, in order: its lines, the events that wrote and read each, and
    /// what the write holds.
    pub writes: Vec<Write>,
    /// One per entry: for an event, the lines it wrote or read and the write whose
    /// arrival it answered; `null` for bytes and for events linked to nothing.
    pub links: Vec<Option<EventLink>>,
    /// The AUTH exchanges, from first SASL step to the server's final reply.
    pub auth_exchanges: Vec<AuthExchange>,
    /// What the server offered and what the client did with each extension.
    pub negotiation: Vec<NegotiationRow>,
    /// Why `negotiation` is empty, when the client engine learned no extension list;
    /// `null` when it has rows or a script stood in for the client.
    pub negotiation_note: Option<NoExtensionsNote>,
    /// Every message copy the server accepted.
    pub deliveries: Vec<Delivery>,
    /// Virtual time when the run ended.
    pub end_time: Millis,
    /// Set when the run stopped at a safety bound instead of a clean close.
    pub truncated: bool,
    /// Set when a script ([`crate::scripted`]) stood in for the client engine, so
    /// nothing was negotiated on the client side.
    pub scripted: bool,
    /// How TLS was set up on this connection; `null` when the scenario has none
    /// (absent in builds without TLS).
    #[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
    pub tls: Option<TlsRun>,
}

/// Why a scenario could not run: nothing was sent, and the message says which part of
/// the scenario to fix.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The client spec was refused before anything was sent.
    Client(SpecError),
    /// The client spec of one world connection was refused.
    ConnectionClient {
        /// The connection's number in the world timeline.
        connection: u32,
        /// Why the spec was refused.
        error: SpecError,
    },
    /// Two hosts of a world scenario share a name (names are case-insensitive).
    DuplicateHost {
        /// The name given twice.
        name: String,
    },
    /// A world step names a host the scenario does not have.
    UnknownHost {
        /// The name given.
        name: String,
    },
    /// The scenario is larger than a run may be (a shared link is untrusted input).
    TooLarge(crate::scenario_limits::LimitError),
    /// The scenario uses TLS and this build has none (the page's TLS module has it).
    TlsUnavailable,
    /// The scenario may use a SASL mechanism this build leaves out
    /// ([`crate::sasl::Mechanism::is_built`]; the page's full and TLS modules have it).
    MechanismUnavailable {
        /// The mechanism.
        mechanism: crate::sasl::Mechanism,
    },
}

impl core::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Client(error) => write!(f, "client: {error}"),
            Self::ConnectionClient { connection, error } => {
                write!(f, "connection {connection}: client: {error}")
            }
            Self::DuplicateHost { name } => write!(f, "two hosts are called '{name}'"),
            Self::UnknownHost { name } => write!(f, "no host is called '{name}'"),
            Self::TooLarge(limit) => limit.fmt(f),
            Self::TlsUnavailable => {
                f.write_str("the scenario uses TLS, which needs the page's TLS module")
            }
            Self::MechanismUnavailable { mechanism } => write!(
                f,
                "the scenario has {mechanism} (offered by the server or named by the client), which only the page's full engine module runs"
            ),
        }
    }
}

impl std::error::Error for ScenarioError {}

/// Runs the scenario to completion, with the client engine or the scenario's script.
pub fn run(scenario: &Scenario) -> Result<Timeline, ScenarioError> {
    crate::scenario_limits::check_scenario(scenario).map_err(ScenarioError::TooLarge)?;
    if let Some(mechanism) = scenario.unbuilt_mechanism() {
        return Err(ScenarioError::MechanismUnavailable { mechanism });
    }
    let start = scenario.start_time;
    let peer = Peer {
        address: scenario.client_address.clone(),
    };
    let server = Server::new(scenario.server.clone(), peer, start, scenario.seed);
    if let Some(script) = scenario.script.as_deref().filter(|s| !s.is_empty()) {
        let client = ScriptedClient::new(script, start, scenario.latency_ms);
        let mut timeline = record(client, server, scenario)?;
        timeline.scripted = true;
        timeline.negotiation_note = None;
        return Ok(timeline);
    }
    let client = Client::new(scenario.client.clone(), start, scenario.seed ^ 0x5EED_C11E)
        .map_err(ScenarioError::Client)?;
    let mut timeline = record(client, server, scenario)?;
    for delivery in &mut timeline.deliveries {
        delivery.bcc = scenario.client.message.is_blind_copy(&delivery.recipient);
    }
    Ok(timeline)
}

/// Records the session: over TLS when the scenario uses it ([`tls`]), else in the clear.
fn record<C: ClientSide + TlsEndpoint>(
    client: C,
    server: Server,
    scenario: &Scenario,
) -> Result<Timeline, ScenarioError> {
    match tls::mode(scenario) {
        Some(mode) => tls::record(client, server, scenario, mode),
        None => Ok(record_clear(client, server, scenario)),
    }
}

fn record_clear<C: ClientSide>(client: C, server: Server, scenario: &Scenario) -> Timeline {
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

/// Where a timeline's octets sit in one buffer: what the wasm adapter hands JavaScript
/// as one `Uint8Array`, with a view of it on each bytes entry and each delivered copy
/// ([`crate::octets`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OctetLayout {
    /// Every write's octets, then every distinct copy's.
    pub gathered: Gathered,
    /// Per bytes entry, in order: its index in the entries and where its octets sit.
    pub writes: Vec<(usize, Range<usize>)>,
    /// Per delivered copy, in order: where its octets sit. The copies of one message
    /// with one trace header (every copy of a message to several recipients) share one
    /// range, so the text crosses once, not once per recipient.
    pub copies: Vec<Range<usize>>,
}

impl Timeline {
    /// Gathers the octets of every write and every distinct copy into one buffer.
    pub fn octet_layout(&self) -> OctetLayout {
        let mut layout = OctetLayout::default();
        for (index, entry) in self.entries.iter().enumerate() {
            if let TimelineEntry::Bytes { octets, .. } = entry {
                let range = layout.gathered.push(&[octets]);
                layout.writes.push((index, range));
            }
        }
        let mut previous: Option<(&CopyText, Range<usize>)> = None;
        for delivery in &self.deliveries {
            let range = match previous {
                Some((text, ref range)) if text.is_shared_with(&delivery.message) => range.clone(),
                _ => layout.gathered.push(&delivery.message.parts()),
            };
            layout.copies.push(range.clone());
            previous = Some((&delivery.message, range));
        }
        layout
    }

    fn empty() -> Self {
        Self {
            entries: Vec::new(),
            writes: Vec::new(),
            links: Vec::new(),
            auth_exchanges: Vec::new(),
            negotiation: Vec::new(),
            negotiation_note: None,
            deliveries: Vec::new(),
            end_time: 0,
            truncated: false,
            scripted: false,
            #[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
            tls: None,
        }
    }

    /// The accepted copies filed in mailboxes and outbound queues. Built when asked, not
    /// during the run: the page reads `deliveries`, and filing every copy (a lossy UTF-8
    /// text of each) would cost every run for a view nobody asked for.
    pub fn mailstore(&self) -> MailStore {
        let mut store = MailStore::new();
        for delivery in &self.deliveries {
            store.store(delivery);
        }
        store
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

/// Records a loopback session into its [`Timeline`], noting for each write where it
/// sits in its direction's stream and for each event which write's arrival it answered,
/// so [`crate::links::build`] can link them at the end.
struct Recorder<'a> {
    timeline: &'a mut Timeline,
    writes: Vec<WriteRecord>,
    /// Per entry: the write whose arrival the event answered.
    arrivals: Vec<Option<usize>>,
    /// Octets recorded so far each way: client to server, server to client.
    streams: [u64; 2],
    /// The write each engine received since the last drain: the client's, the server's.
    arrived: [Option<usize>; 2],
}

/// Room for the entries of a short session (a mail with a few recipients records about
/// seventy), so the vector of large entries is not regrown and copied as it fills.
const EXPECTED_ENTRIES: usize = 128;

impl<'a> Recorder<'a> {
    fn new(timeline: &'a mut Timeline) -> Self {
        timeline.entries.reserve(EXPECTED_ENTRIES);
        Self {
            timeline,
            writes: Vec::new(),
            arrivals: Vec::with_capacity(EXPECTED_ENTRIES),
            streams: [0; 2],
            arrived: [None; 2],
        }
    }

    fn push(&mut self, entry: TimelineEntry, arrival: Option<usize>) {
        self.timeline.entries.push(entry);
        self.arrivals.push(arrival);
    }

    /// Links everything recorded.
    fn finish(self) {
        let links = crate::links::build(&self.timeline.entries, &self.writes, &self.arrivals);
        self.timeline.writes = links.writes;
        self.timeline.links = links.events;
        self.timeline.auth_exchanges = crate::links::auth::exchanges(&self.timeline.entries);
        self.timeline.negotiation = crate::links::negotiation::rows(&self.timeline.entries);
        self.timeline.negotiation_note =
            crate::links::negotiation::no_extensions_note(&self.timeline.negotiation);
    }
}

fn stream_index(direction: Direction) -> usize {
    match direction {
        Direction::ClientToServer => 0,
        Direction::ServerToClient => 1,
    }
}

impl Recorder<'_> {
    /// Records one write of plaintext; returns its entry's index.
    fn write(&mut self, at: Millis, direction: Direction, octets: &[u8], encrypted: bool) -> usize {
        #[cfg(all(target_arch = "wasm32", not(feature = "tls-page")))]
        let _ = encrypted;
        let stream = stream_index(direction);
        let id = self.writes.len();
        let entry = self.timeline.entries.len();
        let stream_start = self.streams.get(stream).copied().unwrap_or_default();
        self.writes.push(WriteRecord {
            entry,
            stream_start,
        });
        if let Some(offset) = self.streams.get_mut(stream) {
            *offset = stream_start.saturating_add(octets.len() as u64);
        }
        // The receiving engine: the client for server octets, the server for client octets.
        if let Some(arrived) = self.arrived.get_mut(1 - stream) {
            *arrived = Some(id);
        }
        self.push(
            TimelineEntry::Bytes {
                at,
                direction,
                octets: octets.to_vec(),
                #[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
                encrypted,
            },
            None,
        );
        entry
    }
}

impl<C: ClientSide> LinkObserver<C, Server> for Recorder<'_> {
    fn bytes(&mut self, at: Millis, direction: Direction, octets: &[u8]) {
        self.write(at, direction, octets, false);
    }

    fn drain(&mut self, client: &mut C, server: &mut Server) -> bool {
        // Copies first: kept in memory at once, so the 250 joins this drain's events.
        while let Some(delivery) = server.poll_delivery() {
            self.timeline.deliveries.push(delivery);
        }
        server.handle_stored(StoreOutcome::Stored);
        let [client_arrival, server_arrival] = core::mem::take(&mut self.arrived);
        while let Some(event) = client.poll_event() {
            self.push(TimelineEntry::Client { event }, client_arrival);
        }
        while let Some(event) = server.poll_event() {
            self.push(TimelineEntry::Server { event }, server_arrival);
        }
        true
    }
}

impl<C: ClientSide> Link<C> {
    fn run(&mut self) {
        let mut recorder = Recorder::new(&mut self.timeline);
        let end = exchange(
            &mut self.client,
            &mut self.server,
            &mut self.now,
            self.latency,
            &mut recorder,
        );
        recorder.finish();
        self.timeline.truncated = end == ExchangeEnd::Truncated;
        self.timeline.end_time = self.now;
    }
}
