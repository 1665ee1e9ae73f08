//! TLS for SMTP (RFC 3207 STARTTLS, RFC 8314 implicit TLS), kept apart from the engines.
//!
//! The engines only know *that* a connection became secure and what was negotiated
//! ([`TlsSummary`], always compiled, plain data). The TLS layer itself
//! ([`layer::TlsLayer`]) wraps a rustls connection, which is sans-IO too: the driver
//! feeds it the octets read from the wire and writes what it hands back, and in between
//! the layer gives the engine plaintext. It owns no socket and reads no clock; the
//! handshake's timeout is the driver's. It is compiled for native builds only for now,
//! so the page's wasm does not grow.

mod summary;

pub use summary::{CertificateSummary, TlsSummary, Verification};

#[cfg(not(target_arch = "wasm32"))]
pub mod certificate;
#[cfg(not(target_arch = "wasm32"))]
pub mod config;
#[cfg(not(target_arch = "wasm32"))]
pub mod error;
#[cfg(not(target_arch = "wasm32"))]
pub mod layer;
#[cfg(not(target_arch = "wasm32"))]
pub mod self_signed;
