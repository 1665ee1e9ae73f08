//! The loop of a loopback connection with TLS: the same turns as
//! [`crate::loopback::exchange`] (the server writes, then the client; each write crosses
//! after the link's latency; when nobody writes, the clock jumps to the next timer),
//! with a [`TlsLayer`] between each engine and the wire once TLS has started.
//!
//! One turn of a side ([`flush`]): the records its layer already holds (handshake
//! messages, alerts); then, unless its handshake is still running, the engine's
//! plaintext, recorded as a bytes entry and sealed into records; then, if the engine
//! just asked for TLS, a new layer (a client's ClientHello goes out at once). What
//! arrives ([`deliver`]) goes through the receiver's layer; when its handshake
//! completes, its engine hears of it before the plaintext that came with it.

use super::{TlsEndpoint, TlsMode, TlsRun, TlsSide, DETERMINISTIC_NOTE};
use crate::loopback::middlebox::{self, Middlebox};
use crate::loopback::{
    advance_clock, ClientSide, Direction, Endpoint, ExchangeEnd, LinkObserver, Recorder, Scenario,
    Timeline, TimelineEntry, MAX_RECORDED_OCTETS, MAX_STEPS,
};
use crate::server::Server;
use crate::time::Millis;
use crate::tls::error::TlsError;
use crate::tls::layer::TlsLayer;
use crate::tls::{playground, records, seeded, TlsSummary};

/// Mixed into the scenario seed so TLS draws a sequence of its own, apart from the
/// engines' challenges and queue ids.
const TLS_SEED: u64 = 0x7115_5EED_7115_5EED;

/// Runs the connection with TLS from the start (`Implicit`) or from STARTTLS.
pub(super) fn record<C: ClientSide + TlsEndpoint>(
    client: C,
    server: Server,
    scenario: &Scenario,
    mode: TlsMode,
) -> Timeline {
    let _seed = seeded::seed(scenario.seed ^ TLS_SEED);
    let mut timeline = Timeline::empty();
    let mut link = TlsLink {
        client: End::new(client),
        server: End::new(server),
        path: Path {
            now: scenario.start_time,
            start: scenario.start_time,
            latency: scenario.latency_ms,
            server_name: scenario.server.hostname.clone(),
            middlebox: scenario.middlebox,
            mode,
            recorded: 0,
        },
    };
    let mut recorder = Recorder::new(&mut timeline);
    if mode == TlsMode::Implicit {
        link.start_implicit_tls(&mut recorder);
    }
    let end = link.run(&mut recorder);
    recorder.finish();
    timeline.truncated = end == ExchangeEnd::Truncated;
    timeline.end_time = link.path.now;
    timeline.tls = Some(TlsRun {
        mode,
        deterministic_note: DETERMINISTIC_NOTE,
    });
    timeline
}

/// One end of the connection: its engine and, once TLS started, its layer.
struct End<E> {
    engine: E,
    layer: Option<TlsLayer>,
    /// The engine has heard that the handshake completed.
    secured: bool,
    /// TLS failed here: the layer only sends its alert, nothing more is read.
    failed: bool,
    /// close_notify has been queued.
    closing: bool,
}

impl<E: Endpoint + TlsEndpoint> End<E> {
    fn new(engine: E) -> Self {
        Self {
            engine,
            layer: None,
            secured: false,
            failed: false,
            closing: false,
        }
    }

    fn handshaking(&self) -> bool {
        self.layer.as_ref().is_some_and(TlsLayer::is_handshaking)
    }

    /// Octets the layer holds for the wire (none without a layer).
    fn take_wire(&mut self) -> Vec<u8> {
        self.layer
            .as_mut()
            .map(TlsLayer::take_wire)
            .unwrap_or_default()
    }
}

/// The link's shared state: the clock and what the scenario says about the path.
struct Path {
    now: Millis,
    start: Millis,
    latency: Millis,
    /// The name the client checks the certificate against.
    server_name: String,
    middlebox: Middlebox,
    mode: TlsMode,
    /// Wire octets so far, against [`MAX_RECORDED_OCTETS`].
    recorded: usize,
}

impl Path {
    /// A new layer for `side`, with the playground's configuration.
    fn layer(&self, side: TlsSide) -> Result<TlsLayer, TlsError> {
        match side {
            TlsSide::Server => TlsLayer::server(playground::server_config(self.start)?),
            TlsSide::Client => {
                TlsLayer::client(&playground::client_config(self.start)?, &self.server_name)
            }
        }
    }
}

struct TlsLink<C> {
    client: End<C>,
    server: End<Server>,
    path: Path,
}

impl<C: ClientSide + TlsEndpoint> TlsLink<C> {
    /// Implicit TLS: both layers exist before anything is written, so the server's
    /// greeting waits for the handshake.
    fn start_implicit_tls(&mut self, recorder: &mut Recorder<'_>) {
        install(&mut self.server, TlsSide::Server, &self.path, recorder);
        install(&mut self.client, TlsSide::Client, &self.path, recorder);
    }

    fn run(&mut self, recorder: &mut Recorder<'_>) -> ExchangeEnd {
        for _ in 0..MAX_STEPS {
            recorder.drain(&mut self.client.engine, &mut self.server.engine);
            let mut progressed = false;
            let to_client = flush(&mut self.server, TlsSide::Server, &mut self.path, recorder);
            if !to_client.is_empty() {
                self.path.now = self.path.now.saturating_add(self.path.latency);
                deliver(
                    &mut self.client,
                    TlsSide::Client,
                    &to_client,
                    &self.path,
                    recorder,
                );
                progressed = true;
            }
            if self.server.engine.is_closed() && !self.client.engine.is_closed() {
                self.client.engine.handle_close(self.path.now);
                progressed = true;
            }
            if self.server.engine.is_closed() {
                // Octets for a closed server are dropped, as in the clear.
                let _ = self.client.engine.take_output();
            } else {
                let to_server = flush(&mut self.client, TlsSide::Client, &mut self.path, recorder);
                if !to_server.is_empty() {
                    self.path.now = self.path.now.saturating_add(self.path.latency);
                    deliver(
                        &mut self.server,
                        TlsSide::Server,
                        &to_server,
                        &self.path,
                        recorder,
                    );
                    progressed = true;
                }
            }
            if self.client.engine.is_closed() && !self.server.engine.is_closed() {
                self.server.engine.handle_close(self.path.now);
                progressed = true;
            }
            if self.path.recorded > MAX_RECORDED_OCTETS {
                recorder.drain(&mut self.client.engine, &mut self.server.engine);
                return ExchangeEnd::Truncated;
            }
            if !progressed
                && !advance_clock(
                    &mut self.client.engine,
                    &mut self.server.engine,
                    &mut self.path.now,
                )
            {
                recorder.drain(&mut self.client.engine, &mut self.server.engine);
                return ExchangeEnd::Quiet;
            }
        }
        recorder.drain(&mut self.client.engine, &mut self.server.engine);
        ExchangeEnd::Truncated
    }
}

fn direction_of(side: TlsSide) -> Direction {
    match side {
        TlsSide::Client => Direction::ClientToServer,
        TlsSide::Server => Direction::ServerToClient,
    }
}

/// One side's turn to write; returns the octets that go on the wire.
fn flush<E: Endpoint + TlsEndpoint>(
    end: &mut End<E>,
    side: TlsSide,
    path: &mut Path,
    recorder: &mut Recorder<'_>,
) -> Vec<u8> {
    let direction = direction_of(side);
    let mut handshake = end.take_wire();
    let encrypted = end.layer.is_some();
    let plaintext = if end.handshaking() || end.failed {
        Vec::new()
    } else {
        end.engine.take_output()
    };
    let mut sealed = Vec::new();
    let mut entry = None;
    if !plaintext.is_empty() {
        entry = Some(recorder.write(path.now, direction, &plaintext, encrypted));
        if let Some(layer) = end.layer.as_mut() {
            layer.send_plaintext(&plaintext);
            sealed = layer.take_wire();
        }
    }
    let mut clear = if encrypted { Vec::new() } else { plaintext };
    if side == TlsSide::Server && !clear.is_empty() {
        if let (Some(tampering), Some(entry)) = (path.middlebox.tamper_server_write(&clear), entry)
        {
            recorder.push(
                TimelineEntry::Tampered {
                    at: path.now,
                    direction,
                    entry,
                    removed: tampering.removed,
                    explanation: tampering.explanation.into(),
                    rfc: middlebox::RFC,
                },
                None,
            );
            clear = tampering.delivered;
        }
    }
    if end.layer.is_none() && end.engine.tls_pending() && !end.failed {
        install(end, side, path, recorder);
        handshake.extend(end.take_wire());
    }
    let closing = close_notify(end);
    let mut listed = records::split(&handshake);
    listed.extend(records::split(&sealed).into_iter().map(|mut record| {
        record.carries.extend(entry);
        record
    }));
    listed.extend(records::split(&closing));
    if !listed.is_empty() {
        recorder.push(
            TimelineEntry::TlsRecords {
                at: path.now,
                direction,
                records: listed,
            },
            None,
        );
    }
    let mut wire = clear;
    wire.extend(handshake);
    wire.extend(sealed);
    wire.extend(closing);
    path.recorded = path.recorded.saturating_add(wire.len());
    wire
}

/// close_notify (RFC 8446 §6.1) once an engine with TLS up has closed.
fn close_notify<E: Endpoint + TlsEndpoint>(end: &mut End<E>) -> Vec<u8> {
    if !end.secured || end.closing || end.failed || !end.engine.is_closed() {
        return Vec::new();
    }
    end.closing = true;
    match end.layer.as_mut() {
        Some(layer) => {
            layer.close();
            layer.take_wire()
        }
        None => Vec::new(),
    }
}

/// Puts a TLS layer under `end`; if none can be made, TLS has failed there.
fn install<E: Endpoint + TlsEndpoint>(
    end: &mut End<E>,
    side: TlsSide,
    path: &Path,
    recorder: &mut Recorder<'_>,
) {
    match path.layer(side) {
        Ok(layer) => end.layer = Some(layer),
        Err(error) => fail(end, side, &error, path.now, recorder),
    }
}

/// Octets arrive at `end`: through its layer once it has one.
fn deliver<E: Endpoint + TlsEndpoint>(
    end: &mut End<E>,
    side: TlsSide,
    wire: &[u8],
    path: &Path,
    recorder: &mut Recorder<'_>,
) {
    if end.failed {
        return;
    }
    let Some(layer) = end.layer.as_mut() else {
        end.engine.receive(wire, path.now);
        return;
    };
    match layer.receive_wire(wire) {
        Ok(received) => {
            if !end.secured && !layer.is_handshaking() {
                if let Some(summary) = layer.summary() {
                    end.secured = true;
                    if side == TlsSide::Client {
                        recorder.push(established(&summary, path), None);
                    }
                    end.engine.tls_established(summary, path.now);
                }
            }
            if !received.plaintext.is_empty() {
                end.engine.receive(&received.plaintext, path.now);
            }
        }
        Err(error) => fail(end, side, &error, path.now, recorder),
    }
}

/// The `tlsEstablished` entry: what the client negotiated and checked.
fn established(summary: &TlsSummary, path: &Path) -> TimelineEntry {
    let group = summary.key_exchange_group.as_deref().unwrap_or("unknown");
    let certificate = summary
        .peer_certificate
        .as_ref()
        .map(|c| format!("the server's certificate ({})", c.subject))
        .unwrap_or_else(|| "the server's certificate".into());
    let (after, rfc) = match path.mode {
        TlsMode::Starttls => (
            "Everything said in the clear is forgotten: the client sends EHLO again.",
            "RFC 8446 §4 / RFC 3207 §4.2",
        ),
        TlsMode::Implicit => (
            "The connection was encrypted from its first octet (port 465), so even the \
             greeting travels encrypted.",
            "RFC 8446 §4 / RFC 8314 §3.3",
        ),
    };
    TimelineEntry::TlsEstablished {
        at: path.now,
        explanation: format!(
            "The TLS handshake completed: {} with {}, key exchange {group}. The client {} \
             {certificate}. From here on an eavesdropper sees only encrypted records. {after}",
            summary.protocol_version, summary.cipher_suite, summary.verification
        ),
        summary: summary.clone(),
        rfc,
    }
}

/// TLS failed at `end`: recorded, and the side closes the connection (its alert, if
/// any, still goes out with its next turn).
fn fail<E: Endpoint + TlsEndpoint>(
    end: &mut End<E>,
    side: TlsSide,
    error: &TlsError,
    now: Millis,
    recorder: &mut Recorder<'_>,
) {
    end.failed = true;
    let who = match side {
        TlsSide::Client => "The client",
        TlsSide::Server => "The server",
    };
    recorder.push(
        TimelineEntry::TlsFailed {
            at: now,
            side,
            reason: error.to_string(),
            explanation: format!(
                "{who} cannot go on: nothing can be sent safely on this connection, so it \
                 sends a fatal alert (if TLS got far enough for one) and closes."
            ),
            rfc: "RFC 8446 §6.2",
        },
        None,
    );
    end.engine.handle_close(now);
}
