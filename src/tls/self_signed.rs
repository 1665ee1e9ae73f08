//! A certificate made on the spot (`serve --tls-self-signed`): a fresh key pair and a
//! self-signed certificate for one name, valid from a day ago for a year. A client can
//! only trust it by its fingerprint or with verification off.

use super::certificate::sha256_fingerprint;
use super::error::TlsError;

/// A generated certificate and its key.
pub struct GeneratedIdentity {
    /// The certificate, PEM.
    pub certificate_pem: String,
    /// The certificate, DER.
    pub certificate_der: Vec<u8>,
    /// The PKCS#8 private key, PEM.
    pub key_pem: String,
    /// SHA-256 of the DER certificate, colon-separated hex.
    pub sha256_fingerprint: String,
}

impl core::fmt::Debug for GeneratedIdentity {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Never print private keys into logs.
        write!(f, "GeneratedIdentity {{ {} }}", self.sha256_fingerprint)
    }
}

/// Generates an ECDSA P-256 key and a self-signed certificate naming `hostname` (as
/// subject CN and subjectAltName). Randomness comes from the operating system.
pub fn generate(hostname: &str) -> Result<GeneratedIdentity, TlsError> {
    let failed = |error: rcgen::Error| TlsError::Generate(error.to_string());
    let key = rcgen::KeyPair::generate().map_err(failed)?;
    let mut params = rcgen::CertificateParams::new(vec![hostname.to_owned()]).map_err(failed)?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, hostname);
    let now = std::time::SystemTime::now();
    params.not_before = (now - std::time::Duration::from_secs(24 * 3600)).into();
    params.not_after = (now + std::time::Duration::from_secs(365 * 24 * 3600)).into();
    let certificate = params.self_signed(&key).map_err(failed)?;
    let der = certificate.der().to_vec();
    Ok(GeneratedIdentity {
        certificate_pem: certificate.pem(),
        sha256_fingerprint: sha256_fingerprint(&der),
        certificate_der: der,
        key_pem: key.serialize_pem(),
    })
}
