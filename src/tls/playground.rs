//! The TLS configurations of the in-memory loopback: the playground's fixed test CA and
//! server certificate (`src/tls/playground/`, trusted nowhere else), the seeded crypto
//! provider ([`super::seeded`]) and the scenario's virtual start time as both sides'
//! clock, so a run depends on nothing but its scenario.

use std::sync::Arc;
use std::time::Duration;

use rustls::client::Resumption;
use rustls::pki_types::UnixTime;
use rustls::time_provider::TimeProvider;
use rustls::{ClientConfig, ServerConfig};

use super::config::{identity_from_pem, roots_from_pem, ClientTls};
use super::error::TlsError;
use super::seeded::seeded_provider;
use super::summary::Verification;
use crate::time::Millis;

/// The test CA the loopback client trusts.
const CA_PEM: &[u8] = include_bytes!("playground/ca.pem");
/// The server's certificate, issued by that CA for `mx.example.org` and the
/// `example.*` domains.
const LEAF_PEM: &[u8] = include_bytes!("playground/leaf.pem");
/// Its Ed25519 key (deterministic signatures; public, like everything here).
const LEAF_KEY_PEM: &[u8] = include_bytes!("playground/leaf-key.pem");

/// What the handshake summary names as the client's trust anchor.
pub const TRUST_ANCHOR: &str = "the playground's test CA";

/// A clock stopped at the scenario's virtual time: certificate validity is judged at
/// that instant, not at the machine's.
#[derive(Debug)]
struct VirtualClock(Millis);

impl TimeProvider for VirtualClock {
    fn current_time(&self) -> Option<UnixTime> {
        Some(UnixTime::since_unix_epoch(Duration::from_millis(self.0)))
    }
}

/// The loopback server: the test certificate, TLS 1.3 only, and no session tickets (a
/// ticket would only add records that nothing in a single run uses).
pub fn server_config(now: Millis) -> Result<Arc<ServerConfig>, TlsError> {
    let (chain, key) = identity_from_pem(LEAF_PEM, LEAF_KEY_PEM)?;
    let mut config =
        ServerConfig::builder_with_details(seeded_provider(), Arc::new(VirtualClock(now)))
            .with_protocol_versions(&[&rustls::version::TLS13])
            .map_err(TlsError::Config)?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(TlsError::Config)?;
    config.send_tls13_tickets = 0;
    Ok(Arc::new(config))
}

/// The loopback client: trusts the test CA alone, TLS 1.3 only, no resumption.
pub fn client_config(now: Millis) -> Result<ClientTls, TlsError> {
    let mut config =
        ClientConfig::builder_with_details(seeded_provider(), Arc::new(VirtualClock(now)))
            .with_protocol_versions(&[&rustls::version::TLS13])
            .map_err(TlsError::Config)?
            .with_root_certificates(roots_from_pem(CA_PEM)?)
            .with_no_client_auth();
    config.resumption = Resumption::disabled();
    Ok(ClientTls {
        config: Arc::new(config),
        verification: Verification::Verified {
            against: TRUST_ANCHOR.into(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::layer::TlsLayer;
    use crate::tls::seeded::seed;

    /// Runs a whole handshake and returns every octet each side wrote, in order.
    fn handshake(seed_value: u64, now: Millis, name: &str) -> Result<Vec<Vec<u8>>, TlsError> {
        let _seed = seed(seed_value);
        let mut client = TlsLayer::client(&client_config(now)?, name)?;
        let mut server = TlsLayer::server(server_config(now)?)?;
        let mut flights = Vec::new();
        loop {
            let to_server = client.take_wire();
            server.receive_wire(&to_server)?;
            let to_client = server.take_wire();
            client.receive_wire(&to_client)?;
            if to_server.is_empty() && to_client.is_empty() {
                return Ok(flights);
            }
            flights.extend([to_server, to_client]);
        }
    }

    const NOW: Millis = 1_795_856_400_000;

    #[test]
    fn the_same_seed_gives_byte_identical_records() {
        let first = handshake(2026, NOW, "mx.example.org").unwrap();
        assert_eq!(first, handshake(2026, NOW, "mx.example.org").unwrap());
        assert_ne!(first, handshake(2027, NOW, "mx.example.org").unwrap());
    }

    #[test]
    fn the_client_verifies_against_the_test_ca() {
        let _seed = seed(1);
        let mut client = TlsLayer::client(&client_config(NOW).unwrap(), "mx.example.org").unwrap();
        let mut server = TlsLayer::server(server_config(NOW).unwrap()).unwrap();
        while client.is_handshaking() || server.is_handshaking() {
            server.receive_wire(&client.take_wire()).unwrap();
            client.receive_wire(&server.take_wire()).unwrap();
        }
        let summary = client.summary().unwrap();
        assert_eq!(summary.protocol_version, "TLSv1.3");
        assert_eq!(summary.key_exchange_group.as_deref(), Some("X25519"));
        let certificate = summary.peer_certificate.unwrap();
        assert!(certificate.subject.contains("CN=mx.example.org"));
        assert!(certificate
            .issuer
            .contains("ESMTP Playground test CA — not trusted anywhere"));
        assert_eq!(
            summary.verification,
            Verification::Verified {
                against: TRUST_ANCHOR.into()
            }
        );
    }

    #[test]
    fn a_name_the_certificate_does_not_carry_fails() {
        let error = handshake(1, NOW, "smtp.elsewhere.test").unwrap_err();
        assert!(error.to_string().contains("does not name"), "{error}");
    }

    #[test]
    fn a_scenario_after_the_validity_period_fails() {
        let year_2100 = 4_102_444_800_000;
        let error = handshake(1, year_2100, "mx.example.org").unwrap_err();
        assert!(error.to_string().contains("validity period"), "{error}");
    }
}
