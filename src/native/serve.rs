//! `esmtp-playground serve`: the server engine behind a TCP listener. One engine and one
//! thread per connection, bounds on concurrent connections in all and per client address
//! (the excess gets 421 from the reply table and is closed), the real clock and an OS
//! seed per connection, every transcript on stdout through the log queue, and every
//! accepted message stored in the maildir before the engine may answer 250.

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::accept_backoff::AcceptBackoff;
use super::clock::{now_ms, os_seed};
use super::driver::{drive, DriverOptions};
use super::engine::{Engine, ServerEngine};
use super::fd_limit;
use super::log_queue::LogQueue;
use super::maildir::Maildir;
use super::slots::{Refusal, Slot, Slots};
use super::tls_door::{TlsSetup, Wire};
use super::transcript::{Side, Transcript};
use super::NativeError;
use crate::protocol::ReplyKind;
use crate::server::{Delivery, Peer, Server, ServerConfig, StoreOutcome};

/// A user name and password given with `--user NAME:PASSWORD`.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    /// The SASL authentication identity.
    pub name: String,
    /// The password.
    pub password: String,
}

impl core::fmt::Debug for Credential {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Never print passwords into logs.
        write!(f, "Credential {{ name: {:?}, password: \"…\" }}", self.name)
    }
}

impl From<Credential> for crate::sasl::UserCredential {
    fn from(credential: Credential) -> Self {
        Self {
            name: credential.name,
            password: credential.password,
        }
    }
}

impl core::str::FromStr for Credential {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        // Split at the first colon: user names have none, passwords may.
        match text.split_once(':') {
            Some((name, password)) if !name.is_empty() => Ok(Self {
                name: name.to_owned(),
                password: password.to_owned(),
            }),
            _ => Err(format!("expected NAME:PASSWORD, got '{text}'")),
        }
    }
}

/// Everything `serve` needs.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Where to listen, e.g. `127.0.0.1:2525` (`:0` picks a free port).
    pub listen: String,
    /// The engine's configuration, shared by every connection.
    pub config: ServerConfig,
    /// Where accepted mail goes; `None` keeps nothing.
    pub maildir: Option<Maildir>,
    /// Connections served at once; the next one gets 421.
    pub max_connections: usize,
    /// Connections served at once from one client address; the next one gets 421.
    pub max_per_client: usize,
    /// Longest a whole reply may take to write, so a peer that never reads cannot hold
    /// a slot for ever.
    pub write_timeout: Duration,
    /// TLS: STARTTLS (the config then offers it) or implicit TLS on every connection.
    pub tls: Option<TlsSetup>,
}

/// Under load (three quarters of the slots taken) a new connection gets this idle
/// timeout and command deadline instead, as Postfix's `smtpd_timeout` falls to 10 s
/// under stress.
const BUSY_TIMEOUT_MS: u64 = 10 * crate::time::SECOND;

/// Refused connections on an implicit-TLS listener that may be in their handshake at
/// once: each costs a thread and a signature.
const REFUSAL_HANDSHAKES: usize = 4;

/// How many of those one client address may hold, so one host cannot take them all.
const REFUSAL_HANDSHAKES_PER_CLIENT: usize = 2;

/// The longest a refused client's handshake may take, whatever `--tls-handshake-timeout`.
const REFUSAL_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

/// Binds, prints `listening on ADDR` as the first stdout line, then serves for ever.
pub fn serve(mut options: ServeOptions) -> Result<(), NativeError> {
    fd_limit::check(options.max_connections)?;
    let listener = bind(&options.listen)?;
    let local = listener
        .local_addr()
        .map_err(|e| NativeError::Io(format!("cannot read the bound address: {e}")))?;
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "listening on {local}");
    if !local.ip().is_loopback() {
        eprintln!("warning: listening on {local}, reachable from other machines");
    }
    add_digest_uri_aliases(&mut options.config, local);
    let slots = Slots::new(options.max_connections, options.max_per_client);
    let refusals = Slots::new(REFUSAL_HANDSHAKES, REFUSAL_HANDSHAKES_PER_CLIENT);
    let shared = Arc::new(options);
    let mut number = 0u64;
    let mut backoff = AcceptBackoff::default();
    loop {
        let stream = match listener.accept() {
            Ok((stream, _)) => {
                backoff.succeeded();
                stream
            }
            Err(error) => {
                let after = backoff.failed(Instant::now(), &error);
                if let Some(line) = after.log {
                    eprintln!("{line}");
                }
                std::thread::sleep(after.wait);
                continue;
            }
        };
        number = number.saturating_add(1);
        let busy = slots.is_busy();
        let client = stream.peer_addr().ok().map(|a| a.ip());
        match slots.take(client) {
            Ok(slot) => start_connection(stream, number, slot, busy, &shared),
            Err(refusal) => match shared.tls.as_ref().filter(|tls| tls.implicit) {
                Some(setup) => {
                    let slot = refusals.take(client);
                    refuse_over_tls(stream, number, refusal, &shared, setup, slot);
                }
                None => refuse(stream, number, refusal, &shared),
            },
        }
    }
}

/// One thread per connection; the slot goes back when the thread ends.
fn start_connection(
    stream: TcpStream,
    number: u64,
    slot: Slot,
    busy: bool,
    shared: &Arc<ServeOptions>,
) {
    let shared = Arc::clone(shared);
    let spawned = std::thread::Builder::new()
        .name(format!("smtp-{number}"))
        .spawn(move || {
            let _slot = slot;
            serve_connection(stream, number, &shared, busy);
        });
    if let Err(error) = spawned {
        eprintln!("cannot start a thread for connection {number}: {error}");
    }
}

fn bind(listen: &str) -> Result<TcpListener, NativeError> {
    let addresses: Vec<SocketAddr> = listen
        .to_socket_addrs()
        .map_err(|e| NativeError::Usage(format!("cannot use --listen {listen}: {e}")))?
        .collect();
    TcpListener::bind(&addresses[..])
        .map_err(|e| NativeError::Bind(format!("cannot listen on {listen}: {e}")))
}

/// DIGEST-MD5 binds the response to the server's name: the client puts
/// `digest-uri="smtp/<host>"` in it, where host is the name or address *it used to reach
/// the server* (RFC 2831 §2.1.2, `serv-host`), and the server must check it. A client
/// such as swaks connecting to `127.0.0.1:2525` sends `smtp/127.0.0.1`, not the
/// configured hostname (`mx.example.org`), so over TCP the server also accepts the
/// address it listens on and `localhost`: the names it can really be reached by. (The
/// loopback and the page have no such names, so only `serve` adds them.)
pub fn add_digest_uri_aliases(config: &mut ServerConfig, local: SocketAddr) {
    let ip = local.ip();
    let mut names = vec!["localhost".to_owned()];
    if ip.is_unspecified() {
        names.push(if ip.is_ipv4() { "127.0.0.1" } else { "::1" }.to_owned());
    } else {
        names.push(ip.to_string());
    }
    let aliases = &mut config.auth.digest_uri_aliases;
    for name in names {
        if !aliases
            .iter()
            .any(|known| known.eq_ignore_ascii_case(&name))
        {
            aliases.push(name);
        }
    }
}

/// A connection's transcript, written to stdout by the log queue's thread, so a stdout
/// nobody reads never blocks a session.
fn transcript_for(number: u64) -> Transcript {
    Transcript::new(
        format!("[#{number}] "),
        Box::new(LogQueue::stdout().writer()),
    )
}

/// Over a bound: one 421 from the table, then close (RFC 5321 §3.8).
fn refuse(mut stream: TcpStream, number: u64, refusal: Refusal, options: &ServeOptions) {
    let mut transcript = transcript_for(number);
    transcript.info(&describe_peer(&stream));
    let (octets, why, rfc) = refusal_reply(refusal, options);
    transcript.octets(Side::Server, &octets);
    transcript.note(why, rfc);
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = stream.write_all(&octets);
    let _ = stream.shutdown(std::net::Shutdown::Both);
    transcript.finish();
}

/// Over a bound on an implicit-TLS listener (RFC 8314 §3.3): the client speaks TLS from
/// its first octet and reads nothing else, so a 421 in the clear would reach it as a
/// malformed TLS record ("wrong version number"), not as SMTP. The server completes the
/// handshake and sends the 421 inside TLS, so the client learns that the refusal is
/// temporary (RFC 5321 §3.8: a server that must close for its own reasons says 421
/// first). A handshake costs a thread and a signature, which a flood must not be able
/// to multiply: at most [`REFUSAL_HANDSHAKES`] run at once, each within
/// [`REFUSAL_HANDSHAKE_TIMEOUT`]; without a `slot` the connection is closed with no
/// reply, which a client treats like any connection lost during the handshake, a
/// transient failure to retry later.
fn refuse_over_tls(
    stream: TcpStream,
    number: u64,
    refusal: Refusal,
    options: &Arc<ServeOptions>,
    setup: &TlsSetup,
    slot: Result<Slot, Refusal>,
) {
    let Ok(slot) = slot else {
        let mut transcript = transcript_for(number);
        transcript.info(&describe_peer(&stream));
        transcript.info(
            "over the connection limit, and too many refused TLS handshakes already \
             running: closed without a reply (a 421 in the clear is no TLS record)",
        );
        let _ = stream.shutdown(std::net::Shutdown::Both);
        transcript.finish();
        return;
    };
    let options = Arc::clone(options);
    let mut setup = setup.clone();
    setup.handshake_timeout = setup.handshake_timeout.min(REFUSAL_HANDSHAKE_TIMEOUT);
    let spawned = std::thread::Builder::new()
        .name(format!("smtp-refuse-{number}"))
        .spawn(move || {
            let _slot = slot;
            refuse_inside_tls(stream, number, refusal, &options, &setup);
        });
    if let Err(error) = spawned {
        eprintln!("cannot start a thread to refuse connection {number}: {error}");
    }
}

/// The handshake, then the 421 as a TLS record, close_notify and close.
fn refuse_inside_tls(
    mut stream: TcpStream,
    number: u64,
    refusal: Refusal,
    options: &ServeOptions,
    setup: &TlsSetup,
) {
    let mut transcript = transcript_for(number);
    transcript.info(&describe_peer(&stream));
    transcript.info("over the connection limit: TLS handshake first, to send the 421 inside TLS");
    let mut wire = Wire::new(&mut stream);
    match wire.handshake(setup) {
        Ok(_) => {
            transcript.set_encrypted(true);
            let (octets, why, rfc) = refusal_reply(refusal, options);
            transcript.octets(Side::Server, &octets);
            transcript.note(why, rfc);
            let records = wire.encode(&octets);
            let _ = wire
                .stream()
                .set_write_timeout(Some(Duration::from_secs(1)));
            let _ = wire.stream().write_all(&records);
            wire.close();
        }
        Err(error) => transcript.info(&format!("TLS handshake failed: {error}; closing")),
    }
    let _ = wire.stream().shutdown(std::net::Shutdown::Both);
    transcript.finish();
}

/// The 421 for a refused connection, from the reply table, with why and the RFC.
fn refusal_reply(
    refusal: Refusal,
    options: &ServeOptions,
) -> (Vec<u8>, &'static str, &'static str) {
    let kind = ReplyKind::ServiceUnavailable;
    let (text, why) = match refusal {
        Refusal::Full => (
            format!("Too many connections ({} at once)", options.max_connections),
            "The server is at its connection limit, so it refuses this one with 421.",
        ),
        Refusal::ClientFull => (
            format!(
                "Too many connections from your address ({} at once)",
                options.max_per_client
            ),
            "This client address already holds its share of the connections, so the server \
             refuses another with 421 and keeps slots for everyone else.",
        ),
    };
    let reply = kind.reply_with(format!(
        "{} {text}, try again later",
        options.config.hostname
    ));
    (reply.encode(), why, kind.rfc())
}

fn describe_peer(stream: &TcpStream) -> String {
    match stream.peer_addr() {
        Ok(address) => format!("connection from {address}"),
        Err(_) => "connection from an unknown address".into(),
    }
}

/// The TCP-info of RFC 5321 §4.4: an address literal, `[192.0.2.1]` or `[IPv6:...]`.
fn address_literal(stream: &TcpStream) -> String {
    match stream.peer_addr() {
        Ok(SocketAddr::V4(v4)) => format!("[{}]", v4.ip()),
        Ok(SocketAddr::V6(v6)) => match v6.ip().to_ipv4_mapped() {
            Some(v4) => format!("[{v4}]"),
            None => format!("[IPv6:{}]", v6.ip()),
        },
        Err(_) => "[unknown]".into(),
    }
}

fn serve_connection(mut stream: TcpStream, number: u64, options: &ServeOptions, busy: bool) {
    let mut transcript = transcript_for(number);
    transcript.info(&describe_peer(&stream));
    let peer = Peer {
        address: address_literal(&stream),
    };
    let mut config = options.config.clone();
    if busy {
        config.idle_timeout_ms = config.idle_timeout_ms.min(BUSY_TIMEOUT_MS);
        config.command_deadline_ms = config.command_deadline_ms.min(BUSY_TIMEOUT_MS);
        transcript.info("the server is busy: this connection gets 10 s timeouts");
    }
    let server = Server::new(config, peer, now_ms(), os_seed());
    let mut engine = ServerEngine::new(server);
    let driver = DriverOptions {
        local: Side::Server,
        transport_timeout: None,
        write_timeout: options.write_timeout,
        tls: options.tls.clone(),
    };
    let maildir = options.maildir.clone();
    let mut store = |engine: &mut ServerEngine, transcript: &mut Transcript| {
        if let Some(copies) = engine.take_message() {
            engine.handle_stored(store_message(maildir.as_ref(), &copies, transcript));
        }
    };
    drive(
        &mut stream,
        &mut engine,
        &mut transcript,
        driver,
        &mut store,
    );
    debug_assert!(engine.is_closed());
    transcript.info("connection closed");
    transcript.flush();
}

/// Stores every copy of one accepted message, all or nothing, and says how it went.
fn store_message(
    maildir: Option<&Maildir>,
    copies: &[Delivery],
    transcript: &mut Transcript,
) -> StoreOutcome {
    let Some(maildir) = maildir else {
        for copy in copies {
            transcript.info(&format!(
                "accepted {} octets for {} (no --maildir: not kept)",
                copy.message.len(),
                copy.recipient
            ));
        }
        return StoreOutcome::Stored;
    };
    match maildir.store_message(copies) {
        Ok(paths) => {
            for (copy, path) in copies.iter().zip(paths) {
                transcript.info(&format!(
                    "stored {} octets for {} in {}",
                    copy.message.len(),
                    copy.recipient,
                    path.display()
                ));
            }
            StoreOutcome::Stored
        }
        Err(error) => {
            transcript.info(&format!(
                "could not store the message, nothing kept: {error}"
            ));
            error.outcome()
        }
    }
}
