//! Why TLS could not be set up or went wrong, one variant per thing a user can act on.

use core::fmt;

/// A TLS failure: in the configuration (files, names) or on the connection.
#[derive(Debug)]
#[non_exhaustive]
pub enum TlsError {
    /// A PEM file held no certificate or no private key, or could not be read.
    Pem(String),
    /// rustls refused the configuration (a key that does not match its certificate...).
    Config(rustls::Error),
    /// The name to check the server certificate against is neither a DNS name nor an
    /// IP address.
    ServerName(String),
    /// The handshake or the record layer failed: a bad or untrusted certificate, a
    /// peer that sent something other than TLS, an alert from the peer.
    Protocol(rustls::Error),
    /// The peer closed the connection before the handshake finished.
    ClosedDuringHandshake,
    /// rustls would take no more records before its plaintext is read (cannot happen
    /// while the layer drains the plaintext after every record).
    RecordBuffer(String),
    /// A certificate could not be generated.
    Generate(String),
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Pem(why) => write!(f, "cannot read the PEM data: {why}"),
            Self::Config(error) => write!(f, "the TLS configuration was refused: {error}"),
            Self::ServerName(name) => {
                write!(f, "'{name}' is not a DNS name or IP address to verify")
            }
            Self::Protocol(error) => write!(f, "TLS failed: {}", describe(error)),
            Self::ClosedDuringHandshake => {
                f.write_str("the peer closed the connection during the TLS handshake")
            }
            Self::Generate(why) => write!(f, "cannot generate a certificate: {why}"),
            Self::RecordBuffer(why) => write!(f, "the TLS record buffer is full: {why}"),
        }
    }
}

impl std::error::Error for TlsError {}

/// rustls' words, with what they mean for the person reading the transcript.
fn describe(error: &rustls::Error) -> String {
    use rustls::{CertificateError, Error};
    let hint = match error {
        Error::InvalidCertificate(
            CertificateError::Expired | CertificateError::ExpiredContext { .. },
        ) => " (the certificate's validity period has ended)",
        Error::InvalidCertificate(
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. },
        ) => " (the certificate's validity period has not begun)",
        Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        ) => " (the certificate does not name the host connected to)",
        Error::InvalidCertificate(CertificateError::UnknownIssuer) => {
            " (no trusted root signed it: give the CA with --ca-file)"
        }
        Error::InvalidMessage(_) | Error::InappropriateMessage { .. } => {
            " (the peer did not speak TLS)"
        }
        _ => "",
    };
    format!("{error}{hint}")
}
