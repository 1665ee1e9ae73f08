//! `esmtp-playground send`: the client engine against a real server over TCP, printing
//! the same annotated transcript as `serve` (like swaks, but explained).

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use super::clock::{now_ms, os_seed};
use super::driver::{drive, DriverOptions, Ending};
use super::engine::{ClientEngine, ClientOutcome};
use super::tls_door::TlsSetup;
use super::transcript::{Side, Transcript};
use super::NativeError;
use crate::client::{Client, ClientSpec};

/// Everything `send` needs.
#[derive(Clone, Debug)]
pub struct SendOptions {
    /// `HOST:PORT`.
    pub server: String,
    /// What to send.
    pub spec: ClientSpec,
    /// How long to try to connect.
    pub connect_timeout: Duration,
    /// How long each step may take: the whole greeting, then each reply, however the
    /// server drips it (the engine's RFC 5321 timers are longer).
    pub reply_timeout: Duration,
    /// TLS: after STARTTLS (the spec's policy says when) or implicit TLS.
    pub tls: Option<TlsSetup>,
}

/// Connects, runs the session with the transcript on stdout, and reports how it ended.
pub fn send(options: SendOptions) -> Result<ClientOutcome, NativeError> {
    let client = Client::new(options.spec.clone(), now_ms(), os_seed())
        .map_err(|e| NativeError::Usage(e.to_string()))?;
    let mut stream = connect(&options.server, options.connect_timeout)?;
    let mut transcript = Transcript::new("", Box::new(std::io::stdout()));
    match stream.peer_addr() {
        Ok(address) => transcript.info(&format!("connected to {address}")),
        Err(_) => transcript.info(&format!("connected to {}", options.server)),
    }
    let mut engine = ClientEngine::new(client);
    let driver = DriverOptions {
        local: Side::Client,
        transport_timeout: Some(options.reply_timeout),
        write_timeout: options.reply_timeout,
        tls: options.tls.clone(),
    };
    let ending = drive(
        &mut stream,
        &mut engine,
        &mut transcript,
        driver,
        &mut |_, _| {},
    );
    let mut outcome = engine.outcome;
    match ending {
        Ending::PeerSilent { waiting_for } => outcome.failures.push(format!(
            "no complete answer to {waiting_for} from {} within --timeout {} s",
            options.server,
            options.reply_timeout.as_secs()
        )),
        Ending::TlsFailed { error } => outcome.failures.insert(0, error),
        Ending::EngineClosed => {}
    }
    Ok(outcome)
}

fn connect(server: &str, timeout: Duration) -> Result<TcpStream, NativeError> {
    let addresses: Vec<SocketAddr> = server
        .to_socket_addrs()
        .map_err(|e| NativeError::Connect(format!("cannot resolve {server}: {e}")))?
        .collect();
    let mut last_error = None;
    for address in &addresses {
        match TcpStream::connect_timeout(address, timeout) {
            Ok(stream) => return Ok(stream),
            Err(error) => last_error = Some(error),
        }
    }
    Err(NativeError::Connect(match last_error {
        Some(error) => format!("cannot connect to {server}: {error}"),
        None => format!("cannot connect to {server}: no address"),
    }))
}
