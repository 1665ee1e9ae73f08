//! DIGEST-MD5 (RFC 2831; Historic since RFC 6331 but still deployed, e.g. by Cyrus SASL).
//!
//! 1. Server challenge: `realm="…",nonce="…",qop="auth",charset=utf-8,algorithm=md5-sess`.
//! 2. Client response: username, realm, nonce, cnonce, nc, qop, digest-uri `smtp/<host>`
//!    and `response` = KD(HEX(H(A1)), nonce:nc:cnonce:qop:HEX(H(A2))) (§2.1.2.1).
//! 3. Server checks it and answers `rspauth=` (same formula, A2 without
//!    "AUTHENTICATE"), proving it knows the password too; the client verifies it.
//! 4. The client sends an empty response and the server reports success.
//!
//! Only qop "auth" is offered: integrity and confidentiality layers (auth-int,
//! auth-conf) are refused with an explanation.
//!
//! [`compute()`] holds the formulas, [`server`] and [`client`] the two halves of the
//! exchange, [`directives`] the `name=value` list both sides write and read.

pub(crate) mod client;
pub mod compute;
pub mod directives;
pub(crate) mod server;

pub use client::{
    parse_challenge, parse_rspauth, DigestClientSettings, DigestMd5Client, ParsedChallenge,
};
pub use compute::{compute, DigestInputs, DigestValues};
pub use server::DigestMd5Server;

use super::{FailureKind, SaslFailure};
use directives::{DirectiveError, Directives};

const RFC: &str = "RFC 2831 §2.1.2";
const RFC_CHALLENGE: &str = "RFC 2831 §2.1.1";
const RFC_RESPONSE_VALUE: &str = "RFC 2831 §2.1.2.1";
const RFC_RSPAUTH: &str = "RFC 2831 §2.1.3";
/// The only nonce count we accept: the nonce is used once (no re-authentication).
pub const FIRST_NONCE_COUNT: &str = "00000001";
/// The SMTP service type in `digest-uri` (RFC 4954 §4 / RFC 2831 §2.1.2).
pub const SMTP_SERVICE: &str = "smtp";

fn directive_failure(error: DirectiveError, rfc: &'static str) -> SaslFailure {
    SaslFailure::malformed(error.to_string(), rfc)
}

fn parse_directives(
    octets: &[u8],
    what: &str,
    rfc: &'static str,
) -> Result<Directives, SaslFailure> {
    let text = super::utf8_or_explain(octets, what).map_err(|p| SaslFailure::malformed(p, rfc))?;
    Directives::parse(&text).map_err(|e| directive_failure(e, rfc))
}

pub(crate) fn required<'a>(
    directives: &'a Directives,
    name: &str,
    rfc: &'static str,
) -> Result<&'a str, SaslFailure> {
    directives
        .single(name)
        .map_err(|e| directive_failure(e, rfc))?
        .ok_or_else(|| {
            SaslFailure::malformed(format!("the required directive \"{name}\" is missing"), rfc)
        })
}

pub(crate) fn optional<'a>(
    directives: &'a Directives,
    name: &str,
    rfc: &'static str,
) -> Result<Option<&'a str>, SaslFailure> {
    directives
        .single(name)
        .map_err(|e| directive_failure(e, rfc))
}

/// Refuses quality-of-protection values other than `auth`.
pub(crate) fn check_qop(qop: &str, rfc: &'static str) -> Result<(), SaslFailure> {
    match qop {
        "auth" => Ok(()),
        "auth-int" | "auth-conf" => Err(SaslFailure::new(
            FailureKind::Unsupported,
            format!("qop \"{qop}\" asks for an integrity or encryption layer after authentication; this playground offers only qop=\"auth\" (authentication only)"),
            rfc,
        )),
        other => Err(SaslFailure::malformed(format!("unknown qop \"{other}\"; only \"auth\" is offered"), rfc)),
    }
}
