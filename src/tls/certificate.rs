//! The peer certificate in words: subject, issuer, validity, names and fingerprint.

use sha2::{Digest, Sha256};
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};

use super::summary::CertificateSummary;

/// Describes a DER certificate; `None` when it cannot be parsed (rustls has already
/// judged it by then, so a summary is a courtesy, not a check).
pub fn summarise(der: &[u8]) -> Option<CertificateSummary> {
    let (_, certificate) = X509Certificate::from_der(der).ok()?;
    let validity = certificate.validity();
    let dns_names = certificate
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|extension| {
            extension
                .value
                .general_names
                .iter()
                .filter_map(|name| match name {
                    GeneralName::DNSName(dns) => Some((*dns).to_owned()),
                    GeneralName::IPAddress(octets) => ip_text(octets),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    Some(CertificateSummary {
        subject: certificate.subject().to_string(),
        issuer: certificate.issuer().to_string(),
        not_before: utc_text(&validity.not_before),
        not_after: utc_text(&validity.not_after),
        dns_names,
        sha256_fingerprint: sha256_fingerprint(der),
    })
}

/// SHA-256 of `der` as colon-separated upper-case hex (`openssl x509 -fingerprint`).
pub fn sha256_fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|octet| format!("{octet:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn utc_text(time: &x509_parser::time::ASN1Time) -> String {
    let at = time.to_datetime();
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

fn ip_text(octets: &[u8]) -> Option<String> {
    match octets.len() {
        4 => <[u8; 4]>::try_from(octets)
            .ok()
            .map(|v4| std::net::Ipv4Addr::from(v4).to_string()),
        16 => <[u8; 16]>::try_from(octets)
            .ok()
            .map(|v6| std::net::Ipv6Addr::from(v6).to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_certificate_is_described() {
        let identity = crate::tls::self_signed::generate("mx.example.org").unwrap();
        let summary = summarise(&identity.certificate_der).unwrap();
        assert_eq!(summary.subject, "CN=mx.example.org");
        assert_eq!(summary.issuer, "CN=mx.example.org");
        assert_eq!(summary.dns_names, ["mx.example.org"]);
        assert!(summary.not_before.ends_with(" UTC"));
        assert_eq!(summary.sha256_fingerprint, identity.sha256_fingerprint);
        assert_eq!(summary.sha256_fingerprint.len(), 32 * 3 - 1);
    }

    #[test]
    fn garbage_is_no_certificate() {
        assert_eq!(summarise(b"not a certificate"), None);
    }
}
