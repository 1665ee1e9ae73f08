//! Building rustls configurations: the crypto provider, the server's certificate and
//! key from PEM, and what a client trusts.
//!
//! # The crypto provider is injectable
//! Every builder takes an `Arc<CryptoProvider>`. Natively that is ring's default
//! ([`native_provider`]), which draws its randomness from the operating system. The
//! loopback's deterministic runs use [`super::seeded::seeded_provider`] instead, through
//! [`super::playground`]: same records for the same seed, which is for teaching only and
//! never how real TLS may work.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, RootCertStore, ServerConfig};

use super::error::TlsError;
use super::summary::Verification;

/// ring's provider with its default cipher suites, groups and OS randomness.
///
/// rustls marks it deprecated because ring has no post-quantum key exchange; ring is
/// still this project's provider because it needs no cmake/aws-lc toolchain and also
/// builds for the page's wasm32 target.
#[allow(deprecated)]
pub fn native_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A server's TLS configuration from a PEM certificate chain (leaf first) and a PEM
/// private key (PKCS#8, PKCS#1 or SEC1).
pub fn server_config(
    certificate_pem: &[u8],
    key_pem: &[u8],
    provider: Arc<CryptoProvider>,
) -> Result<Arc<ServerConfig>, TlsError> {
    let (chain, key) = identity_from_pem(certificate_pem, key_pem)?;
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(TlsError::Config)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(TlsError::Config)?;
    Ok(Arc::new(config))
}

/// A certificate chain (leaf first) and its private key, from PEM.
pub(crate) fn identity_from_pem(
    certificate_pem: &[u8],
    key_pem: &[u8],
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), TlsError> {
    let chain = CertificateDer::pem_slice_iter(certificate_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::Pem(format!("certificate: {e}")))?;
    if chain.is_empty() {
        return Err(TlsError::Pem("no CERTIFICATE block found".into()));
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem)
        .map_err(|e| TlsError::Pem(format!("private key: {e}")))?;
    Ok((chain, key))
}

/// What a client checks the server's certificate against.
#[derive(Clone, Debug)]
pub enum Trust {
    /// The CA certificates in this PEM data (`--ca-file`); the label names the file.
    CaPem {
        /// The PEM data.
        pem: Vec<u8>,
        /// Where it came from, for the handshake summary.
        label: String,
    },
    /// The Mozilla root program's roots, as shipped in `webpki-roots` (native builds
    /// only: the page's loopback trusts the playground's test CA alone).
    #[cfg(not(target_arch = "wasm32"))]
    WebPkiRoots,
    /// No check at all (`--insecure`): for testing against self-signed servers only.
    Insecure,
}

/// A client's TLS configuration and how it verifies, for the handshake summary.
#[derive(Clone, Debug)]
pub struct ClientTls {
    /// The rustls configuration.
    pub config: Arc<ClientConfig>,
    /// What a completed handshake's certificate was checked against.
    pub verification: Verification,
}

/// A client configuration that trusts `trust`.
pub fn client_config(trust: &Trust, provider: Arc<CryptoProvider>) -> Result<ClientTls, TlsError> {
    let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(TlsError::Config)?;
    let (config, verification) = match trust {
        Trust::Insecure => (
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAnything { provider }))
                .with_no_client_auth(),
            Verification::NotVerified,
        ),
        Trust::CaPem { pem, label } => (
            builder
                .with_root_certificates(roots_from_pem(pem)?)
                .with_no_client_auth(),
            Verification::Verified {
                against: format!("the CA certificates in {label}"),
            },
        ),
        #[cfg(not(target_arch = "wasm32"))]
        Trust::WebPkiRoots => {
            let roots = RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            (
                builder.with_root_certificates(roots).with_no_client_auth(),
                Verification::Verified {
                    against: "the Mozilla root program (webpki-roots)".into(),
                },
            )
        }
    };
    Ok(ClientTls {
        config: Arc::new(config),
        verification,
    })
}

pub(crate) fn roots_from_pem(pem: &[u8]) -> Result<RootCertStore, TlsError> {
    let mut roots = RootCertStore::empty();
    for certificate in CertificateDer::pem_slice_iter(pem) {
        let certificate = certificate.map_err(|e| TlsError::Pem(format!("CA file: {e}")))?;
        roots
            .add(certificate)
            .map_err(|e| TlsError::Pem(format!("CA file: {e}")))?;
    }
    if roots.is_empty() {
        return Err(TlsError::Pem(
            "the CA file holds no CERTIFICATE block".into(),
        ));
    }
    Ok(roots)
}

/// `--insecure`: accepts any certificate for any name, but still checks that the peer
/// holds the key of the certificate it sent (the handshake signatures).
#[derive(Debug)]
struct AcceptAnything {
    provider: Arc<CryptoProvider>,
}

impl rustls::client::danger::ServerCertVerifier for AcceptAnything {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
