//! TLS on a real socket: the [`TlsLayer`] (sans-IO) between the TCP stream and an
//! engine. [`Wire`] is what the driver reads from and writes to: plain TCP until a
//! handshake succeeds, then TLS records. [`Wire::handshake`] runs one handshake with
//! its own deadline, so a peer that stalls, sends garbage or closes mid-handshake ends
//! with a clear error instead of a hang.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::tls::config::ClientTls;
use crate::tls::error::TlsError;
use crate::tls::layer::TlsLayer;
use crate::tls::TlsSummary;

/// How long a TLS handshake may take by default (`--tls-handshake-timeout`), whatever
/// the engines' timers say.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);

/// Which side of TLS this end plays, with what it needs.
#[derive(Clone, Debug)]
pub enum TlsRole {
    /// A server with its certificate and key.
    Server(Arc<rustls::ServerConfig>),
    /// A client that checks the certificate against `server_name`.
    Client {
        /// What to trust.
        tls: ClientTls,
        /// The name the server's certificate must carry.
        server_name: String,
    },
}

/// TLS for one connection: the role, and whether TLS starts at once.
#[derive(Clone, Debug)]
pub struct TlsSetup {
    /// Server or client.
    pub role: TlsRole,
    /// Implicit TLS (RFC 8314 §3.3, port 465): the handshake comes before any SMTP.
    /// Otherwise TLS starts only after STARTTLS.
    pub implicit: bool,
    /// The handshake's deadline.
    pub handshake_timeout: Duration,
}

/// Why a handshake did not complete.
#[derive(Debug)]
pub enum HandshakeError {
    /// The TLS layer refused it (see [`TlsError`]).
    Tls(TlsError),
    /// Nothing completed it within the deadline.
    TimedOut(Duration),
    /// The socket failed.
    Io(std::io::Error),
}

impl core::fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Tls(error) => write!(f, "{error}"),
            Self::TimedOut(limit) if limit.subsec_millis() == 0 => write!(
                f,
                "the TLS handshake did not complete within {} s",
                limit.as_secs()
            ),
            Self::TimedOut(limit) => write!(
                f,
                "the TLS handshake did not complete within {} ms",
                limit.as_millis()
            ),
            Self::Io(error) => write!(f, "the TLS handshake failed on the socket: {error}"),
        }
    }
}

/// The connection as the driver sees it: TCP, with TLS once a handshake succeeded.
pub struct Wire<'s> {
    stream: &'s mut TcpStream,
    tls: Option<TlsLayer>,
}

impl<'s> Wire<'s> {
    /// Plain TCP for now.
    pub fn new(stream: &'s mut TcpStream) -> Self {
        Self { stream, tls: None }
    }

    /// The socket underneath (for timeouts and shutdown).
    pub fn stream(&mut self) -> &mut TcpStream {
        self.stream
    }

    /// True once the connection carries TLS.
    pub fn is_encrypted(&self) -> bool {
        self.tls.is_some()
    }

    /// Runs a TLS handshake on the socket within `setup.handshake_timeout`; on success
    /// every later read and write goes through TLS, and the plaintext that arrived
    /// right behind the handshake (a TLS 1.3 client's first command may share a read
    /// with its Finished) is returned for the engine. On failure the alert (if any) has
    /// been sent and the connection should be closed.
    pub fn handshake(&mut self, setup: &TlsSetup) -> Result<(TlsSummary, Vec<u8>), HandshakeError> {
        let mut layer = match &setup.role {
            TlsRole::Server(config) => TlsLayer::server(Arc::clone(config)),
            TlsRole::Client { tls, server_name } => TlsLayer::client(tls, server_name),
        }
        .map_err(HandshakeError::Tls)?;
        let deadline = Instant::now() + setup.handshake_timeout;
        let mut buffer = vec![0u8; 16 * 1024];
        let mut early = Vec::new();
        self.stream
            .set_write_timeout(Some(setup.handshake_timeout))
            .map_err(HandshakeError::Io)?;
        self.send_wire(&mut layer)?;
        while layer.is_handshaking() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(HandshakeError::TimedOut(setup.handshake_timeout));
            }
            self.stream
                .set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .map_err(HandshakeError::Io)?;
            let count = match self.stream.read(&mut buffer) {
                Ok(0) => return Err(HandshakeError::Tls(TlsError::ClosedDuringHandshake)),
                Ok(count) => count,
                Err(error) if error.kind() == ErrorKind::Interrupted => continue,
                Err(error) if is_timeout(&error) => continue,
                Err(error) => return Err(HandshakeError::Io(error)),
            };
            let received = layer.receive_wire(buffer.get(..count).unwrap_or_default());
            self.send_wire(&mut layer)?;
            early.extend(received.map_err(HandshakeError::Tls)?.plaintext);
        }
        self.send_wire(&mut layer)?;
        let summary = layer
            .summary()
            .ok_or(HandshakeError::Tls(TlsError::ClosedDuringHandshake))?;
        self.tls = Some(layer);
        Ok((summary, early))
    }

    fn send_wire(&mut self, layer: &mut TlsLayer) -> Result<(), HandshakeError> {
        let wire = layer.take_wire();
        if wire.is_empty() {
            return Ok(());
        }
        self.stream.write_all(&wire).map_err(HandshakeError::Io)
    }

    /// Reads once: the plaintext it carried (possibly none, when a TLS record is still
    /// incomplete), or `Ok(None)` when the peer closed.
    pub fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<Option<Vec<u8>>> {
        let count = self.stream.read(buffer)?;
        let octets = buffer.get(..count).unwrap_or_default();
        let Some(layer) = self.tls.as_mut() else {
            return Ok((count > 0).then(|| octets.to_vec()));
        };
        if count == 0 {
            return Ok(None);
        }
        let received = layer.receive_wire(octets);
        let reply = layer.take_wire();
        if !reply.is_empty() {
            self.stream.write_all(&reply)?;
        }
        let received = received
            .map_err(|error| std::io::Error::new(ErrorKind::InvalidData, error.to_string()))?;
        if received.peer_closed && received.plaintext.is_empty() {
            return Ok(None);
        }
        Ok(Some(received.plaintext))
    }

    /// The octets to put on the socket for `plaintext`: itself, or TLS records.
    pub fn encode(&mut self, plaintext: &[u8]) -> Vec<u8> {
        match self.tls.as_mut() {
            Some(layer) => {
                layer.send_plaintext(plaintext);
                layer.take_wire()
            }
            None => plaintext.to_vec(),
        }
    }

    /// Sends close_notify when TLS is up (best effort: the connection is ending).
    pub fn close(&mut self) {
        if let Some(layer) = self.tls.as_mut() {
            layer.close();
            let wire = layer.take_wire();
            let _ = self.stream.write_all(&wire);
        }
    }
}

fn is_timeout(error: &std::io::Error) -> bool {
    matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}
