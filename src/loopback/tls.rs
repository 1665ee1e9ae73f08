//! TLS in the in-memory loopback: when the scenario uses it, both ends are wrapped in
//! a [`crate::tls::layer::TlsLayer`] at the moment the server says "switch to TLS"
//! (the 220 to STARTTLS, RFC 3207) or from the first octet (implicit TLS, RFC 8314
//! §3.3), and the handshake runs on the virtual clock like any other write.
//!
//! The timeline keeps both views of every write: the bytes entry holds the plaintext
//! the engine wrote (marked `encrypted` under TLS), and a `tlsRecords` entry the records
//! that crossed the wire, each naming the bytes entries it carries. The handshake
//! writes records only. `tlsEstablished` comes once per connection, when the client's
//! side completes, with the client's summary (the certificate and how it was checked).
//!
//! Deterministic like the rest of the loopback: randomness comes from the scenario seed
//! and the certificate is the playground's test CA ([`crate::tls::playground`]).

use serde::Serialize;

use super::{ClientSide, Scenario, ScenarioError, Timeline};
use crate::client::Client;
use crate::scripted::{ScriptStep, ScriptedClient};
use crate::server::{Server, StartTlsOffer};
use crate::time::Millis;
use crate::tls::TlsSummary;

#[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
mod driver;

/// What the page shows beside every TLS run.
pub const DETERMINISTIC_NOTE: &str = "For teaching, the playground draws this TLS \
    session's randomness from the scenario seed and uses a test CA made for the \
    playground, so the same link replays the same records. Real TLS must never do this: \
    anyone who knows the seed could decrypt everything.";

/// How TLS starts on a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TlsMode {
    /// After STARTTLS and its 220 reply (RFC 3207).
    Starttls,
    /// From the first octet (RFC 8314 §3.3, port 465).
    Implicit,
}

/// The timeline's TLS facts, for the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TlsRun {
    /// How TLS starts.
    pub mode: TlsMode,
    /// Why the records are the same for the same seed, and that real TLS never is.
    pub deterministic_note: &'static str,
}

/// Which end of the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TlsSide {
    /// The SMTP client.
    Client,
    /// The SMTP server.
    Server,
}

/// An engine that can be told about TLS: it says when it waits for a handshake and
/// hears when one completed.
pub trait TlsEndpoint {
    /// True when the engine waits for the driver to run a TLS handshake.
    fn tls_pending(&self) -> bool;
    /// The handshake completed (after STARTTLS, or first with implicit TLS).
    fn tls_established(&mut self, summary: TlsSummary, now: Millis);
}

macro_rules! tls_endpoint_for {
    ($engine:ty) => {
        impl TlsEndpoint for $engine {
            fn tls_pending(&self) -> bool {
                <$engine>::tls_pending(self)
            }
            fn tls_established(&mut self, summary: TlsSummary, now: Millis) {
                <$engine>::tls_established(self, summary, now);
            }
        }
    };
}

tls_endpoint_for!(Server);
tls_endpoint_for!(Client);
tls_endpoint_for!(ScriptedClient);

/// The scenario's TLS mode: implicit TLS, a server that offers STARTTLS, or a script
/// that starts TLS itself; `None` runs in the clear.
pub(super) fn mode(scenario: &Scenario) -> Option<TlsMode> {
    let script_starts_tls = scenario
        .script
        .iter()
        .flatten()
        .any(|step| matches!(step, ScriptStep::StartTls(true)));
    if scenario.implicit_tls {
        Some(TlsMode::Implicit)
    } else if scenario.server.starttls == StartTlsOffer::Offered || script_starts_tls {
        Some(TlsMode::Starttls)
    } else {
        None
    }
}

/// Runs the session with TLS.
#[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
pub(super) fn record<C: ClientSide + TlsEndpoint>(
    client: C,
    server: Server,
    scenario: &Scenario,
    mode: TlsMode,
) -> Result<Timeline, ScenarioError> {
    Ok(driver::record(client, server, scenario, mode))
}

/// This build has no TLS: the scenario cannot run here.
#[cfg(all(target_arch = "wasm32", not(feature = "tls-page")))]
pub(super) fn record<C: ClientSide + TlsEndpoint>(
    _client: C,
    _server: Server,
    _scenario: &Scenario,
    _mode: TlsMode,
) -> Result<Timeline, ScenarioError> {
    Err(ScenarioError::TlsUnavailable)
}
