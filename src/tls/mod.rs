//! TLS for SMTP (RFC 3207 STARTTLS, RFC 8314 implicit TLS), kept apart from the engines.
//!
//! The engines only know *that* a connection became secure and what was negotiated
//! ([`TlsSummary`], always compiled, plain data). The TLS layer itself
//! ([`layer::TlsLayer`]) wraps a rustls connection, which is sans-IO too: the driver
//! feeds it the octets read from the wire and writes what it hands back, and in between
//! the layer gives the engine plaintext. It owns no socket and reads no clock; the
//! handshake's timeout is the driver's.
//!
//! Native builds always have it. On wasm32 it is compiled only with the `tls-page`
//! feature (the page's lazily loaded TLS module), so the other page modules do not
//! grow.

mod summary;

pub use summary::{CertificateSummary, TlsSummary, Verification};

#[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
pub mod certificate;
#[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
pub mod config;
#[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
pub mod error;
#[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
pub mod layer;
#[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
pub mod playground;
#[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
pub mod records;
#[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
pub mod seeded;
#[cfg(not(target_arch = "wasm32"))]
pub mod self_signed;
