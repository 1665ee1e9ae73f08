//! The sans-IO TLS layer: a rustls connection between the wire and an engine.
//!
//! Order of calls for a driver: octets read from the socket go to
//! [`TlsLayer::receive_wire`], which returns the plaintext they carried (for the
//! engine); plaintext the engine wants to send goes to [`TlsLayer::send_plaintext`];
//! after each of these, [`TlsLayer::take_wire`] gives the octets to write to the socket
//! (handshake messages, records, alerts). While [`TlsLayer::is_handshaking`], there is
//! no plaintext yet; once it turns false, [`TlsLayer::summary`] says what was
//! negotiated. The layer reads no clock: a driver bounds the handshake itself.

use std::io::{ErrorKind, Read, Write};
use std::sync::Arc;

use rustls::pki_types::ServerName;
use rustls::{ClientConnection, Connection, ServerConnection};

use super::certificate::summarise;
use super::config::ClientTls;
use super::error::TlsError;
use super::summary::{TlsSummary, Verification};

/// What one batch of wire octets carried.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Received {
    /// Application data, in order.
    pub plaintext: Vec<u8>,
    /// The peer sent close_notify: nothing more will come.
    pub peer_closed: bool,
}

/// One TLS connection, client or server side.
pub struct TlsLayer {
    connection: Connection,
    verification: Verification,
}

impl core::fmt::Debug for TlsLayer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TlsLayer")
            .field("handshaking", &self.connection.is_handshaking())
            .finish()
    }
}

impl TlsLayer {
    /// The server side: waits for a ClientHello.
    pub fn server(config: Arc<rustls::ServerConfig>) -> Result<Self, TlsError> {
        let connection = ServerConnection::new(config).map_err(TlsError::Config)?;
        Ok(Self {
            connection: connection.into(),
            verification: Verification::NoPeerCertificate,
        })
    }

    /// The client side for `server_name` (the name the certificate must carry); its
    /// ClientHello is ready in [`TlsLayer::take_wire`] at once.
    pub fn client(tls: &ClientTls, server_name: &str) -> Result<Self, TlsError> {
        let name = ServerName::try_from(server_name.to_owned())
            .map_err(|_| TlsError::ServerName(server_name.to_owned()))?;
        let connection =
            ClientConnection::new(Arc::clone(&tls.config), name).map_err(TlsError::Config)?;
        Ok(Self {
            connection: connection.into(),
            verification: tls.verification.clone(),
        })
    }

    /// True until the handshake completes.
    pub fn is_handshaking(&self) -> bool {
        self.connection.is_handshaking()
    }

    /// Feeds octets read from the wire. On an error the alert to send is already
    /// queued in [`TlsLayer::take_wire`]; the connection is then unusable.
    pub fn receive_wire(&mut self, mut octets: &[u8]) -> Result<Received, TlsError> {
        let mut received = Received::default();
        while !octets.is_empty() {
            let read = self.connection.read_tls(&mut octets);
            if let Err(error) = read {
                return Err(TlsError::RecordBuffer(error.to_string()));
            }
            self.connection
                .process_new_packets()
                .map_err(TlsError::Protocol)?;
            self.drain_plaintext(&mut received);
        }
        Ok(received)
    }

    fn drain_plaintext(&mut self, received: &mut Received) {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            match self.connection.reader().read(&mut chunk) {
                Ok(0) => {
                    received.peer_closed = true;
                    return;
                }
                Ok(count) => received
                    .plaintext
                    .extend_from_slice(chunk.get(..count).unwrap_or_default()),
                Err(error) if error.kind() == ErrorKind::WouldBlock => return,
                // An unclean end (no close_notify) is the transport's business.
                Err(_) => return,
            }
        }
    }

    /// Queues plaintext to send; it goes out encrypted once the handshake is done.
    pub fn send_plaintext(&mut self, octets: &[u8]) {
        // rustls' writer buffers without limit before the handshake and never fails
        // on a Vec-backed buffer.
        let _ = self.connection.writer().write_all(octets);
    }

    /// Octets to write to the wire: handshake messages, records, alerts.
    pub fn take_wire(&mut self) -> Vec<u8> {
        let mut wire = Vec::new();
        while self.connection.wants_write() {
            if self.connection.write_tls(&mut wire).is_err() {
                break;
            }
        }
        wire
    }

    /// Queues close_notify (RFC 8446 §6.1) before the transport closes.
    pub fn close(&mut self) {
        self.connection.send_close_notify();
    }

    /// What was negotiated, once the handshake is done.
    pub fn summary(&self) -> Option<TlsSummary> {
        if self.is_handshaking() {
            return None;
        }
        let version = self.connection.protocol_version()?;
        let suite = self.connection.negotiated_cipher_suite()?;
        Some(TlsSummary {
            protocol_version: version_name(version),
            cipher_suite: format!("{:?}", suite.suite()),
            key_exchange_group: self
                .connection
                .negotiated_key_exchange_group()
                .map(|group| format!("{:?}", group.name())),
            peer_certificate: self
                .connection
                .peer_certificates()
                .and_then(|chain| chain.first())
                .and_then(|leaf| summarise(leaf)),
            verification: self.verification.clone(),
        })
    }
}

fn version_name(version: rustls::ProtocolVersion) -> String {
    match version {
        rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".into(),
        rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".into(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::config::{client_config, native_provider, server_config, Trust};
    use crate::tls::self_signed::generate;

    fn pair(trust: Trust) -> (TlsLayer, TlsLayer) {
        let identity = generate("mx.example.org").unwrap();
        let server = server_config(
            identity.certificate_pem.as_bytes(),
            identity.key_pem.as_bytes(),
            native_provider(),
        )
        .unwrap();
        let trust = match trust {
            Trust::CaPem { label, .. } => Trust::CaPem {
                pem: identity.certificate_pem.clone().into_bytes(),
                label,
            },
            other => other,
        };
        let client = client_config(&trust, native_provider()).unwrap();
        (
            TlsLayer::client(&client, "mx.example.org").unwrap(),
            TlsLayer::server(server).unwrap(),
        )
    }

    /// Moves octets both ways until neither side has anything to send.
    fn exchange(
        client: &mut TlsLayer,
        server: &mut TlsLayer,
    ) -> Result<(Vec<u8>, Vec<u8>), TlsError> {
        let (mut to_client, mut to_server) = (Vec::new(), Vec::new());
        loop {
            let c = client.take_wire();
            let s = server.take_wire();
            if c.is_empty() && s.is_empty() {
                return Ok((to_client, to_server));
            }
            to_server.extend(server.receive_wire(&c)?.plaintext);
            to_client.extend(client.receive_wire(&s)?.plaintext);
        }
    }

    #[test]
    fn a_client_and_a_server_agree_and_carry_plaintext_both_ways() {
        let (mut client, mut server) = pair(Trust::CaPem {
            pem: Vec::new(),
            label: "ca.pem".into(),
        });
        exchange(&mut client, &mut server).unwrap();
        assert!(!client.is_handshaking() && !server.is_handshaking());
        server.send_plaintext(b"220 ready\r\n");
        client.send_plaintext(b"EHLO c\r\n");
        let (to_client, to_server) = exchange(&mut client, &mut server).unwrap();
        assert_eq!(to_client, b"220 ready\r\n");
        assert_eq!(to_server, b"EHLO c\r\n");
        let summary = client.summary().unwrap();
        assert_eq!(summary.protocol_version, "TLSv1.3");
        assert!(summary.cipher_suite.starts_with("TLS13_"));
        assert!(summary.key_exchange_group.is_some());
        assert_eq!(
            summary.peer_certificate.unwrap().subject,
            "CN=mx.example.org"
        );
        assert_eq!(
            summary.verification,
            Verification::Verified {
                against: "the CA certificates in ca.pem".into()
            }
        );
        assert_eq!(
            server.summary().unwrap().verification,
            Verification::NoPeerCertificate
        );
    }

    #[test]
    fn an_untrusted_certificate_fails_the_client_and_alerts_the_server() {
        let (mut client, mut server) = pair(Trust::WebPkiRoots);
        let error = exchange(&mut client, &mut server).unwrap_err();
        assert!(error.to_string().contains("UnknownIssuer"), "{error}");
        let alert = client.take_wire();
        assert!(
            server.receive_wire(&alert).is_err(),
            "the server hears the alert"
        );
    }

    #[test]
    fn insecure_mode_accepts_any_certificate_and_says_so() {
        let (mut client, mut server) = pair(Trust::Insecure);
        exchange(&mut client, &mut server).unwrap();
        assert_eq!(
            client.summary().unwrap().verification,
            Verification::NotVerified
        );
    }

    #[test]
    fn garbage_instead_of_a_client_hello_is_an_error_not_a_panic() {
        let (_, mut server) = pair(Trust::Insecure);
        let error = server
            .receive_wire(b"EHLO attacker\r\nMAIL FROM:<x>\r\n")
            .unwrap_err();
        assert!(matches!(error, TlsError::Protocol(_)), "{error}");
        assert!(!server.take_wire().is_empty(), "an alert is queued");
    }
}
