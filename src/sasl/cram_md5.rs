//! CRAM-MD5 (RFC 2195): the server sends a unique challenge `<random.timestamp@host>`,
//! the client answers `user SP lowercase-hex(HMAC-MD5(key = password, challenge))`.
//! The password never crosses the wire, but the server must know it.

use hmac::{Hmac, Mac};
use md5::Md5;
use serde::Serialize;

use super::plain::authorize;
use super::trace::{Side, Trace};
use super::{
    constant_time_eq, lower_hex, utf8_or_explain, ClientMechanism, FailureKind, Mechanism,
    SaslFailure, ServerContext, ServerMechanism, ServerStep,
};
use crate::entropy::Entropy;
use crate::time::{Millis, SECOND};

const RFC: &str = "RFC 2195 §2";
/// Octets of an MD5 digest written as hex.
const DIGEST_HEX_LEN: usize = 32;

/// HMAC-MD5 (RFC 2104) of `message` keyed with `key`.
pub(crate) fn hmac_md5(key: &[u8], message: &[u8]) -> [u8; 16] {
    // HMAC accepts keys of any length (long keys are hashed first), so this never fails.
    let mut mac = match <Hmac<Md5> as Mac>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return [0; 16],
    };
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// Builds the challenge `<random.timestamp@hostname>` (RFC 2195 §2 suggests the
/// RFC 822 msg-id form: something unique per exchange, then the server's name).
pub fn make_challenge(hostname: &str, now: Millis, entropy: &mut Entropy) -> String {
    let random = entropy.next_u64() % 10_000_000_000;
    format!("<{random}.{}@{hostname}>", now / SECOND)
}

/// Computes the digest and the client's response line, tracing key, challenge,
/// digest and final string.
pub fn respond(
    user: &str,
    password: &str,
    challenge: &[u8],
    side: Side,
    trace: &mut Trace,
) -> Vec<u8> {
    trace.value(
        side,
        "key",
        password.as_bytes(),
        "The HMAC key is the password itself (keys over 64 octets would be MD5-hashed first).",
        "RFC 2195 §2, RFC 2104 §2",
    );
    trace.value(
        side,
        "challenge",
        challenge,
        "The server's challenge, decoded from base64: the HMAC message.",
        RFC,
    );
    let digest = hmac_md5(password.as_bytes(), challenge);
    trace.value(
        side,
        "HMAC-MD5 digest",
        &digest,
        format!(
            "HMAC-MD5(key, challenge) = {}; 16 octets, written as 32 lower-case hex digits.",
            lower_hex(&digest)
        ),
        "RFC 2104 §2",
    );
    let response = format!("{user} {}", lower_hex(&digest)).into_bytes();
    trace.value(
        side,
        "response",
        &response,
        "user name, one space, the hex digest; this string is base64-encoded on the wire.",
        RFC,
    );
    response
}

/// A CRAM-MD5 response split into its parts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CramResponse {
    /// The user name (everything before the last space).
    pub user: String,
    /// The 32 hex digits after it, as sent.
    pub digest_hex: String,
    /// The 16 digest octets.
    #[serde(skip)]
    pub digest: [u8; 16],
}

impl CramResponse {
    /// Splits at the last space and checks the digest is 32 hex digits.
    pub fn parse(octets: &[u8]) -> Result<Self, SaslFailure> {
        let text = utf8_or_explain(octets, "CRAM-MD5 response")
            .map_err(|problem| SaslFailure::malformed(problem, RFC))?;
        let Some((user, digest_hex)) = text.rsplit_once(' ') else {
            return Err(SaslFailure::malformed(
                "a CRAM-MD5 response is `user SP digest`; there is no space",
                RFC,
            ));
        };
        if user.is_empty() {
            return Err(SaslFailure::malformed(
                "the user name before the space is empty",
                RFC,
            ));
        }
        let digest = parse_hex_digest(digest_hex).ok_or_else(|| {
            SaslFailure::malformed(
                format!(
                    "the digest must be {DIGEST_HEX_LEN} hex digits; got {} characters \"{digest_hex}\"",
                    digest_hex.chars().count()
                ),
                RFC,
            )
        })?;
        Ok(Self {
            user: user.to_owned(),
            digest_hex: digest_hex.to_owned(),
            digest,
        })
    }
}

/// Parses exactly 32 hex digits into 16 octets.
pub(crate) fn parse_hex_digest(text: &str) -> Option<[u8; 16]> {
    if text.len() != DIGEST_HEX_LEN || !text.bytes().all(|octet| octet.is_ascii_hexdigit()) {
        return None;
    }
    let mut digest = [0u8; 16];
    for (slot, pair) in digest.iter_mut().zip(text.as_bytes().chunks(2)) {
        let pair = core::str::from_utf8(pair).ok()?;
        *slot = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(digest)
}

/// Server side of CRAM-MD5.
#[derive(Clone, Debug)]
pub struct CramMd5Server {
    challenge: String,
    done: bool,
}

impl CramMd5Server {
    /// A server that will send `challenge` (see [`make_challenge`]).
    pub fn new(challenge: String) -> Self {
        Self {
            challenge,
            done: false,
        }
    }

    /// The challenge this exchange uses.
    pub fn challenge(&self) -> &str {
        &self.challenge
    }
}

impl ServerMechanism for CramMd5Server {
    fn mechanism(&self) -> Mechanism {
        Mechanism::CramMd5
    }

    fn start(
        &mut self,
        initial_response: Option<&[u8]>,
        _context: &ServerContext<'_>,
        trace: &mut Trace,
    ) -> ServerStep {
        if initial_response.is_some() {
            return ServerStep::Failure(SaslFailure::malformed(
                "CRAM-MD5 starts with the server's challenge; the client may not send an initial response",
                "RFC 4954 §4",
            ));
        }
        trace.value(
            Side::Server,
            "challenge",
            self.challenge.as_bytes(),
            "A fresh challenge <random.timestamp@hostname>, unique per exchange so a recorded answer cannot be replayed.",
            RFC,
        );
        ServerStep::Challenge(self.challenge.clone().into_bytes())
    }

    fn step(
        &mut self,
        response: &[u8],
        context: &ServerContext<'_>,
        trace: &mut Trace,
    ) -> ServerStep {
        if core::mem::replace(&mut self.done, true) {
            return ServerStep::Failure(SaslFailure::malformed(
                "the CRAM-MD5 exchange is already over",
                RFC,
            ));
        }
        trace.value(
            Side::Server,
            "client response",
            response,
            "The decoded client line: user SP hex digest.",
            RFC,
        );
        let parsed = match CramResponse::parse(response) {
            Ok(parsed) => parsed,
            Err(failure) => return ServerStep::Failure(failure),
        };
        let Some(password) = context.password_of(&parsed.user) else {
            return ServerStep::Failure(SaslFailure::bad_credentials(
                format!("no user \"{}\" is configured on this server", parsed.user),
                RFC,
            ));
        };
        let expected = respond(
            &parsed.user,
            password,
            self.challenge.as_bytes(),
            Side::Server,
            trace,
        );
        let expected_digest = expected
            .get(parsed.user.len().saturating_add(1)..)
            .unwrap_or_default();
        let sent = parsed.digest_hex.to_ascii_lowercase();
        if !constant_time_eq(expected_digest, sent.as_bytes()) {
            return ServerStep::Failure(SaslFailure::bad_credentials(
                format!(
                    "the digest {} is not HMAC-MD5 of this challenge with the password configured for \"{}\"",
                    parsed.digest_hex, parsed.user
                ),
                RFC,
            ));
        }
        trace.note(
            Side::Server,
            "digest check",
            "The client's digest equals the server's own computation (compared in constant time).",
            RFC,
        );
        authorize(&parsed.user, "", context, RFC)
    }
}

/// Client side of CRAM-MD5.
#[derive(Clone, Debug)]
pub struct CramMd5Client {
    user: String,
    password: String,
    answered: bool,
}

impl CramMd5Client {
    /// A client for these credentials.
    pub fn new(user: &str, password: &str) -> Self {
        Self {
            user: user.to_owned(),
            password: password.to_owned(),
            answered: false,
        }
    }
}

impl ClientMechanism for CramMd5Client {
    fn mechanism(&self) -> Mechanism {
        Mechanism::CramMd5
    }

    fn initial_response(&mut self, _trace: &mut Trace) -> Option<Vec<u8>> {
        None
    }

    fn step(&mut self, challenge: &[u8], trace: &mut Trace) -> Result<Vec<u8>, SaslFailure> {
        if core::mem::replace(&mut self.answered, true) {
            return Err(SaslFailure::new(
                FailureKind::ServerNotTrusted,
                "the server sent a second CRAM-MD5 challenge; there is only one",
                RFC,
            ));
        }
        Ok(respond(
            &self.user,
            &self.password,
            challenge,
            Side::Client,
            trace,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_has_the_msg_id_form_and_is_deterministic() {
        let challenge = make_challenge(
            "mx.example.org",
            1_795_856_400_123,
            &mut Entropy::from_seed(7),
        );
        assert!(challenge.starts_with('<') && challenge.ends_with("@mx.example.org>"));
        assert!(challenge.contains(".1795856400@"), "{challenge}");
        let again = make_challenge(
            "mx.example.org",
            1_795_856_400_123,
            &mut Entropy::from_seed(7),
        );
        assert_eq!(challenge, again);
    }

    #[test]
    fn response_parser_refuses_bad_shapes() {
        for bad in [
            b"tim".as_slice(),
            b" b913a602c7eda7a495b4e6e7334d3890",
            b"tim b913a602c7eda7a495b4e6e7334d389",
            b"tim b913a602c7eda7a495b4e6e7334d389g",
            b"tim b913a602c7eda7a495b4e6e7334d3890aa",
            b"tim \xff\xfe",
            b"tim +913a602c7eda7a495b4e6e7334d3890",
        ] {
            assert!(CramResponse::parse(bad).is_err(), "{bad:?}");
        }
        let ok = CramResponse::parse(b"tim smith b913a602c7eda7a495b4e6e7334d3890").unwrap();
        assert_eq!(ok.user, "tim smith");
    }
}
