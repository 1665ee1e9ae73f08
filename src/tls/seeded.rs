//! Deterministic TLS for the playground's loopback: every random octet rustls asks for
//! comes from the scenario seed, so a shared link replays the very same TLS records.
//!
//! This is for teaching only and never how real TLS may work: anyone who knows the
//! seed can recompute every key. Three sources of randomness are covered:
//! - rustls' own draws (the hello randoms, the legacy session id) go through
//!   [`CryptoProvider::secure_random`], here [`SeededRandom`];
//! - the ephemeral X25519 secret: ring's X25519 draws from the operating system and its
//!   random-source trait is sealed, so [`SEEDED_X25519`] does the key exchange with
//!   RustCrypto's `x25519-dalek` and a secret drawn from the same seeded source;
//! - signatures: the playground server's key is Ed25519, whose signatures are
//!   deterministic (ECDSA and RSA-PSS would draw randomness).
//!
//! The algorithms themselves (AES-GCM, SHA-256, Ed25519) are ring's.

use std::cell::RefCell;
use std::sync::Arc;

use rustls::crypto::{
    ActiveKeyExchange, CryptoProvider, GetRandomFailed, KeyProvider, SecureRandom, SharedSecret,
    SupportedKxGroup, WebPkiSupportedAlgorithms,
};
use rustls::pki_types::PrivateKeyDer;
use rustls::sign::SigningKey;
use rustls::{Error, NamedGroup, PeerMisbehaved, SignatureScheme};
use x25519_dalek::{PublicKey, StaticSecret};

use crate::entropy::Entropy;

thread_local! {
    /// The generator of the run in progress on this thread, if any. Thread-local (not
    /// one static generator) so runs on different threads never draw from each other's
    /// sequence; a run never leaves its thread.
    static SOURCE: RefCell<Option<Entropy>> = const { RefCell::new(None) };
}

/// While alive, rustls' randomness on this thread comes from one seed; dropping it
/// restores what was there before.
#[must_use = "the seed applies only while the guard lives"]
pub struct SeedGuard {
    previous: Option<Entropy>,
}

impl core::fmt::Debug for SeedGuard {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SeedGuard")
    }
}

/// Draws this thread's TLS randomness from `seed` until the guard is dropped.
pub fn seed(seed: u64) -> SeedGuard {
    let previous = SOURCE.with(|source| source.replace(Some(Entropy::from_seed(seed))));
    SeedGuard { previous }
}

impl Drop for SeedGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        SOURCE.with(|source| *source.borrow_mut() = previous);
    }
}

/// Fills `out` from the seeded generator; fails when no seed is in force, so a
/// provider built here never falls back to unseeded randomness silently.
fn draw(out: &mut [u8]) -> Result<(), GetRandomFailed> {
    SOURCE.with(|source| {
        let mut source = source.borrow_mut();
        let generator = source.as_mut().ok_or(GetRandomFailed)?;
        for chunk in out.chunks_mut(8) {
            let word = generator.next_u64().to_le_bytes();
            chunk.copy_from_slice(word.get(..chunk.len()).unwrap_or_default());
        }
        Ok(())
    })
}

/// rustls' random source, drawn from the seed in force ([`seed`]).
#[derive(Debug)]
pub struct SeededRandom;

impl SecureRandom for SeededRandom {
    fn fill(&self, out: &mut [u8]) -> Result<(), GetRandomFailed> {
        draw(out)
    }
}

/// X25519 (RFC 7748) whose ephemeral secret comes from the seeded source.
#[derive(Debug)]
pub struct SeededX25519;

/// The one key-exchange group of the seeded provider.
pub static SEEDED_X25519: SeededX25519 = SeededX25519;

impl SupportedKxGroup for SeededX25519 {
    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, Error> {
        let mut secret = [0u8; 32];
        draw(&mut secret).map_err(|_| Error::FailedToGetRandomBytes)?;
        let secret = StaticSecret::from(secret);
        let public = PublicKey::from(&secret).to_bytes();
        Ok(Box::new(SeededKeyExchange { secret, public }))
    }

    fn name(&self) -> NamedGroup {
        NamedGroup::X25519
    }
}

/// One side's half of an X25519 exchange in progress.
struct SeededKeyExchange {
    secret: StaticSecret,
    public: [u8; 32],
}

impl ActiveKeyExchange for SeededKeyExchange {
    fn complete(self: Box<Self>, peer_public: &[u8]) -> Result<SharedSecret, Error> {
        let peer: [u8; 32] = peer_public
            .try_into()
            .map_err(|_| Error::PeerMisbehaved(PeerMisbehaved::InvalidKeyShare))?;
        let shared = self.secret.diffie_hellman(&PublicKey::from(peer));
        // An all-zero result means the peer sent a low-order point (RFC 7748 §6.1).
        if !shared.was_contributory() {
            return Err(Error::PeerMisbehaved(PeerMisbehaved::InvalidKeyShare));
        }
        Ok(SharedSecret::from(&shared.as_bytes()[..]))
    }

    fn pub_key(&self) -> &[u8] {
        &self.public
    }

    fn group(&self) -> NamedGroup {
        NamedGroup::X25519
    }
}

/// The provider of the loopback: the seeded random source and X25519, one TLS 1.3
/// cipher suite, and Ed25519 alone for signatures (the playground's keys are Ed25519).
/// Leaving out the RSA and ECDSA code ring would otherwise bring keeps the page's TLS
/// module smaller. Use it only while a [`seed`] guard is alive.
pub fn seeded_provider() -> Arc<CryptoProvider> {
    Arc::new(CryptoProvider {
        cipher_suites: vec![rustls::crypto::ring::cipher_suite::TLS13_AES_128_GCM_SHA256],
        kx_groups: vec![&SEEDED_X25519],
        signature_verification_algorithms: ED25519_ONLY,
        secure_random: &SeededRandom,
        key_provider: &Ed25519Keys,
    })
}

/// Certificate and handshake signatures: Ed25519 (RFC 8410, RFC 8446 §4.2.3) only.
static ED25519_ONLY: WebPkiSupportedAlgorithms = WebPkiSupportedAlgorithms {
    all: &[webpki::ring::ED25519],
    mapping: &[(SignatureScheme::ED25519, &[webpki::ring::ED25519])],
};

/// Loads the server's private key, which must be an Ed25519 PKCS#8 key.
#[derive(Debug)]
struct Ed25519Keys;

impl KeyProvider for Ed25519Keys {
    fn load_private_key(&self, key: PrivateKeyDer<'static>) -> Result<Arc<dyn SigningKey>, Error> {
        match key {
            PrivateKeyDer::Pkcs8(pkcs8) => rustls::crypto::ring::sign::any_eddsa_type(&pkcs8),
            _ => Err(Error::General(
                "the playground's key must be Ed25519 (PKCS#8)".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random(length: usize) -> Vec<u8> {
        let mut out = vec![0u8; length];
        SeededRandom.fill(&mut out).unwrap();
        out
    }

    #[test]
    fn the_same_seed_gives_the_same_octets() {
        let first = {
            let _seed = seed(7);
            random(37)
        };
        let again = {
            let _seed = seed(7);
            random(37)
        };
        let other = {
            let _seed = seed(8);
            random(37)
        };
        assert_eq!(first, again);
        assert_ne!(first, other);
    }

    #[test]
    fn without_a_seed_nothing_is_drawn() {
        let mut out = [0u8; 4];
        assert!(SeededRandom.fill(&mut out).is_err());
        assert!(SEEDED_X25519.start().is_err());
    }

    #[test]
    fn both_halves_agree_on_the_shared_secret() {
        let _seed = seed(1);
        let client = SEEDED_X25519.start().unwrap();
        let server = SEEDED_X25519.start().unwrap();
        let client_public = client.pub_key().to_vec();
        let server_public = server.pub_key().to_vec();
        assert_ne!(client_public, server_public);
        let a = client.complete(&server_public).unwrap();
        let b = server.complete(&client_public).unwrap();
        assert_eq!(a.secret_bytes(), b.secret_bytes());
    }

    #[test]
    fn a_bad_peer_key_is_refused() {
        let _seed = seed(1);
        assert!(SEEDED_X25519.start().unwrap().complete(&[1, 2, 3]).is_err());
        let low_order = [0u8; 32];
        assert!(SEEDED_X25519.start().unwrap().complete(&low_order).is_err());
    }
}
