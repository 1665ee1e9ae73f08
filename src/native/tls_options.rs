//! The TLS flags of `serve` and `send`, turned into a [`TlsSetup`]: files read, a
//! certificate generated, the trust chosen. Errors are usage errors (exit 2) that name
//! the flag.

use std::path::PathBuf;
use std::time::Duration;

use super::tls_door::{TlsRole, TlsSetup, HANDSHAKE_TIMEOUT};
use super::NativeError;
use crate::client::TlsPolicy;
use crate::tls::certificate::summarise;
use crate::tls::config::{client_config, native_provider, server_config, Trust};
use crate::tls::self_signed;
use rustls::pki_types::pem::PemObject;

/// `serve`'s TLS flags.
#[derive(Clone, Debug)]
pub struct ServeTls {
    /// `--tls-cert FILE` (PEM chain, leaf first).
    pub cert: Option<PathBuf>,
    /// `--tls-key FILE` (PEM private key).
    pub key: Option<PathBuf>,
    /// `--tls-self-signed`: generate a certificate for the server's hostname.
    pub self_signed: bool,
    /// `--tls-on-connect`: implicit TLS (RFC 8314 §3.3) instead of STARTTLS.
    pub on_connect: bool,
    /// `--tls-handshake-timeout SECS`: how long a client may take over the handshake.
    pub handshake_timeout: Duration,
}

impl Default for ServeTls {
    fn default() -> Self {
        Self {
            cert: None,
            key: None,
            self_signed: false,
            on_connect: false,
            handshake_timeout: HANDSHAKE_TIMEOUT,
        }
    }
}

/// What `serve` runs with: the setup, and a line that describes the certificate.
#[derive(Debug)]
pub struct ServerTls {
    /// For every connection.
    pub setup: TlsSetup,
    /// `certificate CN=…, SHA-256 …`, for the operator.
    pub description: String,
}

/// The server's TLS from its flags, or `None` when TLS is off. `hostname` names a
/// generated certificate.
pub fn server_tls(flags: &ServeTls, hostname: &str) -> Result<Option<ServerTls>, NativeError> {
    let (cert_pem, key_pem, origin) = match (&flags.cert, &flags.key, flags.self_signed) {
        (None, None, false) if flags.on_connect => {
            return Err(NativeError::Usage(
                "--tls-on-connect needs --tls-cert and --tls-key, or --tls-self-signed".into(),
            ))
        }
        (None, None, false) => return Ok(None),
        (Some(cert), Some(key), false) => (
            read(cert, "--tls-cert")?,
            read(key, "--tls-key")?,
            "from --tls-cert",
        ),
        (None, None, true) => {
            let generated =
                self_signed::generate(hostname).map_err(|e| NativeError::Io(e.to_string()))?;
            (
                generated.certificate_pem.into_bytes(),
                generated.key_pem.into_bytes(),
                "self-signed, generated at start",
            )
        }
        (_, _, true) => {
            return Err(NativeError::Usage(
                "--tls-self-signed replaces --tls-cert and --tls-key; give one or the other".into(),
            ))
        }
        _ => {
            return Err(NativeError::Usage(
                "--tls-cert and --tls-key go together".into(),
            ))
        }
    };
    let config = server_config(&cert_pem, &key_pem, native_provider())
        .map_err(|e| NativeError::Usage(e.to_string()))?;
    let leaf = rustls::pki_types::CertificateDer::pem_slice_iter(&cert_pem)
        .next()
        .and_then(Result::ok);
    let description = match leaf.as_ref().and_then(|der| summarise(der)) {
        Some(summary) => format!(
            "certificate {} ({origin}), valid to {}, SHA-256 {}",
            summary.subject, summary.not_after, summary.sha256_fingerprint
        ),
        None => format!("certificate {origin}"),
    };
    Ok(Some(ServerTls {
        setup: TlsSetup {
            role: TlsRole::Server(config),
            implicit: flags.on_connect,
            handshake_timeout: flags.handshake_timeout,
        },
        description,
    }))
}

/// `send`'s TLS flags.
#[derive(Clone, Debug)]
pub struct SendTls {
    /// `--starttls`: TLS required.
    pub starttls: bool,
    /// `--starttls-optional`: TLS when offered.
    pub starttls_optional: bool,
    /// `--tls-on-connect`: implicit TLS.
    pub on_connect: bool,
    /// `--ca-file FILE`: trust these CA certificates instead of the built-in roots.
    pub ca_file: Option<PathBuf>,
    /// `--insecure`: do not check the certificate.
    pub insecure: bool,
    /// `--tls-handshake-timeout SECS`: how long the server may take over the handshake.
    pub handshake_timeout: Duration,
}

impl Default for SendTls {
    fn default() -> Self {
        Self {
            starttls: false,
            starttls_optional: false,
            on_connect: false,
            ca_file: None,
            insecure: false,
            handshake_timeout: HANDSHAKE_TIMEOUT,
        }
    }
}

/// The client's STARTTLS policy and TLS setup from its flags; `server_name` is the host
/// the certificate must name.
pub fn client_tls(
    flags: &SendTls,
    server_name: &str,
) -> Result<(TlsPolicy, Option<TlsSetup>), NativeError> {
    let policy = if flags.starttls {
        TlsPolicy::Required
    } else if flags.starttls_optional {
        TlsPolicy::Opportunistic
    } else {
        TlsPolicy::Never
    };
    if policy == TlsPolicy::Never && !flags.on_connect {
        if flags.ca_file.is_some() || flags.insecure {
            return Err(NativeError::Usage(
                "--ca-file and --insecure need --starttls, --starttls-optional or --tls-on-connect"
                    .into(),
            ));
        }
        return Ok((policy, None));
    }
    let trust = match (&flags.ca_file, flags.insecure) {
        (Some(_), true) => {
            return Err(NativeError::Usage(
                "--insecure checks nothing, so --ca-file would be ignored; give one".into(),
            ))
        }
        (Some(path), false) => Trust::CaPem {
            pem: read(path, "--ca-file")?,
            label: path.display().to_string(),
        },
        (None, true) => Trust::Insecure,
        (None, false) => Trust::WebPkiRoots,
    };
    let tls =
        client_config(&trust, native_provider()).map_err(|e| NativeError::Usage(e.to_string()))?;
    let setup = TlsSetup {
        role: TlsRole::Client {
            tls,
            server_name: server_name.to_owned(),
        },
        implicit: flags.on_connect,
        handshake_timeout: flags.handshake_timeout,
    };
    Ok((policy, Some(setup)))
}

fn read(path: &PathBuf, flag: &str) -> Result<Vec<u8>, NativeError> {
    std::fs::read(path)
        .map_err(|e| NativeError::Usage(format!("cannot read {flag} {}: {e}", path.display())))
}
