//! What a TLS handshake negotiated, as plain data the engines, the transcript and (later)
//! the page can show without knowing anything of rustls.

use core::fmt;
use serde::Serialize;

/// The outcome of one completed TLS handshake, as one side saw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TlsSummary {
    /// `TLSv1.3` or `TLSv1.2`.
    pub protocol_version: String,
    /// The IANA name of the cipher suite, e.g. `TLS13_AES_256_GCM_SHA384`.
    pub cipher_suite: String,
    /// The key-exchange group, e.g. `X25519`, when the library reports one.
    pub key_exchange_group: Option<String>,
    /// The certificate the peer presented (a client sees the server's; a server sees
    /// none unless it asked for client certificates, which this one does not). Named
    /// `certificate` for JavaScript.
    #[serde(rename = "certificate")]
    pub peer_certificate: Option<CertificateSummary>,
    /// Whether this side checked the peer's certificate, and against what.
    pub verification: Verification,
}

/// The leaf certificate of the peer, in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateSummary {
    /// The subject's distinguished name, e.g. `CN=mx.example.org`.
    pub subject: String,
    /// The issuer's distinguished name.
    pub issuer: String,
    /// The start of the validity period (RFC 5280 §4.1.2.5), as `YYYY-MM-DD HH:MM:SS UTC`.
    pub not_before: String,
    /// The end of the validity period.
    pub not_after: String,
    /// The DNS names of the subjectAltName extension, which are what a client checks.
    pub dns_names: Vec<String>,
    /// SHA-256 of the DER certificate, colon-separated hex, as `openssl x509
    /// -fingerprint -sha256` prints it.
    pub sha256_fingerprint: String,
}

/// How the peer's certificate was judged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Verification {
    /// The chain led to a trusted root and the certificate names the host we connected
    /// to (RFC 6125); `against` says which roots (a CA file, the system's, ...).
    Verified {
        /// The trust anchors used.
        against: String,
    },
    /// The client was told not to check (`--insecure`): anyone in the middle could
    /// have presented this certificate.
    NotVerified,
    /// A server does not ask for client certificates, so there is nothing to check.
    NoPeerCertificate,
}

impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Verified { against } => write!(f, "verified against {against}"),
            Self::NotVerified => f.write_str("NOT verified (insecure mode)"),
            Self::NoPeerCertificate => f.write_str("no client certificate asked for"),
        }
    }
}

impl TlsSummary {
    /// The summary in a few lines for a transcript, most important first.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "{}, {}, key exchange {}",
            self.protocol_version,
            self.cipher_suite,
            self.key_exchange_group.as_deref().unwrap_or("unknown")
        )];
        if let Some(certificate) = &self.peer_certificate {
            lines.push(format!(
                "certificate subject {}, issuer {}",
                certificate.subject, certificate.issuer
            ));
            lines.push(format!(
                "valid {} to {}; names {}",
                certificate.not_before,
                certificate.not_after,
                if certificate.dns_names.is_empty() {
                    "none".to_owned()
                } else {
                    certificate.dns_names.join(", ")
                }
            ));
            lines.push(format!("SHA-256 {}", certificate.sha256_fingerprint));
        }
        lines.push(format!("certificate {}", self.verification));
        lines
    }

    /// A summary for tests and scripted runs where no real handshake took place.
    pub fn for_tests() -> Self {
        Self {
            protocol_version: "TLSv1.3".into(),
            cipher_suite: "TLS13_AES_128_GCM_SHA256".into(),
            key_exchange_group: Some("X25519".into()),
            peer_certificate: None,
            verification: Verification::NoPeerCertificate,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lines_name_version_suite_group_and_verification() {
        let lines = TlsSummary::for_tests().lines();
        assert_eq!(
            lines[0],
            "TLSv1.3, TLS13_AES_128_GCM_SHA256, key exchange X25519"
        );
        assert_eq!(lines[1], "certificate no client certificate asked for");
    }
}
