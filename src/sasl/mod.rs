//! SASL mechanisms for SMTP AUTH (RFC 4954): PLAIN, LOGIN, CRAM-MD5, DIGEST-MD5,
//! SCRAM-SHA-1 / SCRAM-SHA-256, XOAUTH2 and OAUTHBEARER, one file each behind the shared
//! [`ClientMechanism`] and [`ServerMechanism`] traits.
//!
//! Mechanisms work on decoded octets only: base64 and the `334` framing belong to
//! `server::sasl_exchange` and `client::auth`. Every step pushes [`trace::TraceEntry`] values
//! saying what was computed, from which inputs, and which octets go on the wire.
//!
//! Every build compiles every mechanism, but the server and client build the exchanges
//! of SCRAM, XOAUTH2 and OAUTHBEARER only with the `scram-oauth` feature
//! ([`Mechanism::is_optional`]): without it the linker leaves them and their hashes out.

pub mod base64;
pub(crate) mod bearer_server;
pub mod calculator;
pub mod cram_md5;
pub mod digest_md5;
pub(crate) mod login;
pub mod oauthbearer;
pub mod plain;
pub mod saslprep;
pub mod scram;
pub mod trace;
pub mod xoauth2;
pub mod xtext;

use crate::variant_names::by_name;
use core::fmt;
use serde::{Deserialize, Serialize};

use crate::protocol::ReplyKind;
use trace::Trace;

/// The SASL mechanisms the playground speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum Mechanism {
    /// RFC 4616: one message `[authzid] NUL authcid NUL passwd`.
    Plain,
    /// draft-murchison-sasl-login: `Username:` and `Password:` prompts.
    Login,
    /// RFC 2195: HMAC-MD5 over a server challenge.
    CramMd5,
    /// RFC 2831 (Historic since RFC 6331, still deployed): HTTP-digest style.
    DigestMd5,
    /// RFC 5802: salted challenge-response with SHA-1; both sides prove the password.
    ScramSha1,
    /// RFC 7677: SCRAM with SHA-256.
    ScramSha256,
    /// Google's and Microsoft's OAuth 2.0 bearer token mechanism.
    Xoauth2,
    /// RFC 7628: an OAuth 2.0 bearer token with a gs2 header.
    OAuthBearer,
}

by_name!(Mechanism { Plain = "PLAIN", Login = "LOGIN", CramMd5 = "CRAM-MD5", DigestMd5 = "DIGEST-MD5", ScramSha1 = "SCRAM-SHA-1", ScramSha256 = "SCRAM-SHA-256", Xoauth2 = "XOAUTH2", OAuthBearer = "OAUTHBEARER" });

impl Mechanism {
    /// Every mechanism, in the order servers usually list them (Postfix + Cyrus).
    pub const ALL: [Mechanism; 8] = [
        Self::Plain,
        Self::Login,
        Self::CramMd5,
        Self::DigestMd5,
        Self::ScramSha1,
        Self::ScramSha256,
        Self::Xoauth2,
        Self::OAuthBearer,
    ];

    /// What a server offers unless configured otherwise: the mechanisms of the Postfix
    /// + Cyrus server the playground models. SCRAM is offered when switched on.
    pub const OFFERED_BY_DEFAULT: [Mechanism; 4] =
        [Self::Plain, Self::Login, Self::CramMd5, Self::DigestMd5];

    /// The client's default preference when the user picks "auto": strongest first.
    /// SCRAM proves the password both ways and the server stores only a salted hash;
    /// DIGEST-MD5 and CRAM-MD5 never send the password; PLAIN beats LOGIN because it is
    /// standardised (RFC 4616) and needs one round trip. XOAUTH2 and OAUTHBEARER carry
    /// a token, not a password, so "auto" never picks them.
    pub const DEFAULT_PREFERENCE: [Mechanism; 6] = [
        Self::ScramSha256,
        Self::ScramSha1,
        Self::DigestMd5,
        Self::CramMd5,
        Self::Plain,
        Self::Login,
    ];

    /// The registered name, as written after `AUTH` and in the EHLO `AUTH` line.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Plain => "PLAIN",
            Self::Login => "LOGIN",
            Self::CramMd5 => "CRAM-MD5",
            Self::DigestMd5 => "DIGEST-MD5",
            Self::ScramSha1 => "SCRAM-SHA-1",
            Self::ScramSha256 => "SCRAM-SHA-256",
            Self::Xoauth2 => "XOAUTH2",
            Self::OAuthBearer => "OAUTHBEARER",
        }
    }

    /// Parses a mechanism name; SASL names are case-insensitive (RFC 4422 §3.1).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|mechanism| mechanism.name().eq_ignore_ascii_case(name))
    }

    /// The document that defines the mechanism, for explanations.
    pub const fn rfc(self) -> &'static str {
        match self {
            Self::Plain => "RFC 4616",
            Self::Login => "draft-murchison-sasl-login",
            Self::CramMd5 => "RFC 2195",
            Self::DigestMd5 => "RFC 2831",
            Self::ScramSha1 => "RFC 5802",
            Self::ScramSha256 => "RFC 7677",
            Self::Xoauth2 => "Google XOAUTH2 (RFC 7628)",
            Self::OAuthBearer => "RFC 7628",
        }
    }

    /// True when the password itself crosses the wire (only base64-encoded), so a
    /// server should allow the mechanism only over TLS (RFC 4954 §4, RFC 4616 §6).
    pub(crate) const fn sends_password_in_clear(self) -> bool {
        matches!(
            self,
            Self::Plain | Self::Login | Self::Xoauth2 | Self::OAuthBearer
        )
    }

    /// True when the server speaks first, so `AUTH <mech> <initial-response>` is a
    /// protocol error (RFC 4954 §4: 501 5.7.0).
    pub(crate) const fn is_server_first(self) -> bool {
        matches!(self, Self::CramMd5 | Self::DigestMd5)
    }

    /// True for the mechanisms only builds with the `scram-oauth` feature run (Cargo.toml):
    /// SCRAM, which brings SHA-1, SHA-256 and PBKDF2 with it, and the OAuth bearer
    /// mechanisms. The default server offers none of them, so the page's first-view
    /// module leaves them out. Every build knows their names.
    pub const fn is_optional(self) -> bool {
        matches!(
            self,
            Self::ScramSha1 | Self::ScramSha256 | Self::Xoauth2 | Self::OAuthBearer
        )
    }

    /// True when this build can run the mechanism's exchange.
    pub const fn is_built(self) -> bool {
        !self.is_optional() || cfg!(feature = "scram-oauth")
    }
}

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One user the server knows. The playground stores plain passwords because CRAM-MD5
/// and DIGEST-MD5 need them (or an equivalent secret) on the server side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct UserCredential {
    /// The authentication identity (authcid / username).
    pub name: String,
    /// The password.
    pub password: String,
}

impl Default for UserCredential {
    fn default() -> Self {
        Self {
            name: "alice".into(),
            password: "S3cret-pw".into(),
        }
    }
}

/// What a server mechanism needs to know about the server, passed into every step so
/// mechanisms hold no configuration of their own.
#[derive(Clone, Copy, Debug)]
pub struct ServerContext<'a> {
    /// Known users and their passwords.
    pub users: &'a [UserCredential],
    /// Whether a client may act as someone else (authzid ≠ authcid, RFC 4616 §2).
    pub allow_authzid: bool,
    /// The server's hostname (CRAM-MD5 challenge, DIGEST-MD5 digest-uri host).
    pub hostname: &'a str,
    /// The DIGEST-MD5 realm offered; empty means the hostname.
    pub realm: &'a str,
    /// Further hosts accepted in a DIGEST-MD5 `digest-uri` (e.g. the server's IP
    /// literal, which swaks sends and Cyrus accepts).
    pub digest_uri_aliases: &'a [String],
}

#[cfg(test)]
impl<'a> ServerContext<'a> {
    /// The context the mechanisms' unit tests share: these users at `hostname`, no
    /// authzid, no realm, no digest-uri aliases.
    pub(crate) fn for_tests(users: &'a [UserCredential], hostname: &'a str) -> Self {
        Self {
            users,
            allow_authzid: false,
            hostname,
            realm: "",
            digest_uri_aliases: &[],
        }
    }
}

impl ServerContext<'_> {
    /// The password of `name`, if the user exists. User names are compared exactly.
    pub(crate) fn password_of(&self, name: &str) -> Option<&str> {
        self.users
            .iter()
            .find(|user| user.name == name)
            .map(|user| user.password.as_str())
    }

    /// The realm the server offers: the configured one or the hostname.
    pub(crate) fn effective_realm(&self) -> &str {
        if self.realm.is_empty() {
            self.hostname
        } else {
            self.realm
        }
    }
}

/// Why a SASL exchange failed, and so which reply the server sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum FailureKind {
    /// Unknown user or wrong password/digest: 535 5.7.8.
    BadCredentials,
    /// The decoded response does not follow the mechanism's grammar (wrong number of
    /// NULs, missing directive…). RFC 4954 leaves the code open; like Postfix with
    /// Cyrus we answer 535 5.7.8 and say exactly what was wrong.
    Malformed,
    /// authzid differs from authcid and the policy forbids acting for someone else.
    AuthzidRefused,
    /// The peer asked for something this implementation deliberately does not offer
    /// (DIGEST-MD5 qop auth-int / auth-conf).
    Unsupported,
    /// The server's challenge or rspauth was wrong (client side): the client cancels.
    ServerNotTrusted,
}

impl FailureKind {
    /// The reply a server sends for this failure.
    pub(crate) const fn reply_kind(self) -> ReplyKind {
        match self {
            Self::BadCredentials
            | Self::Malformed
            | Self::AuthzidRefused
            | Self::Unsupported
            | Self::ServerNotTrusted => ReplyKind::AuthInvalidCredentials,
        }
    }
}

/// A failed SASL step: the kind (which reply) and a sentence for the learner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaslFailure {
    /// What went wrong, as a type.
    pub kind: FailureKind,
    /// One sentence saying what exactly was wrong.
    pub explanation: String,
    /// The section of the mechanism's RFC that was broken.
    pub rfc: &'static str,
}

impl SaslFailure {
    /// A failure of `kind`.
    pub fn new(kind: FailureKind, explanation: impl Into<String>, rfc: &'static str) -> Self {
        Self {
            kind,
            explanation: explanation.into(),
            rfc,
        }
    }

    /// A grammar violation.
    pub fn malformed(explanation: impl Into<String>, rfc: &'static str) -> Self {
        Self::new(FailureKind::Malformed, explanation, rfc)
    }

    /// Wrong user or password.
    pub(crate) fn bad_credentials(explanation: impl Into<String>, rfc: &'static str) -> Self {
        Self::new(FailureKind::BadCredentials, explanation, rfc)
    }
}

impl fmt::Display for SaslFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.explanation, self.rfc)
    }
}

/// Who authenticated, once a server mechanism succeeds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    /// The authentication identity whose password was checked.
    pub authcid: String,
    /// The identity the client acts as, when it asked for a different one.
    pub authzid: Option<String>,
}

impl Identity {
    /// A user acting as itself.
    pub fn user(authcid: impl Into<String>) -> Self {
        Self {
            authcid: authcid.into(),
            authzid: None,
        }
    }

    /// Whom the session acts for: the granted authzid, else the authcid (RFC 4422 §2).
    pub(crate) fn acting_as(&self) -> &str {
        self.authzid.as_deref().unwrap_or(&self.authcid)
    }
}

/// What a server mechanism does after a client message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerStep {
    /// Send these octets as the next challenge (base64 after `334 `).
    Challenge(Vec<u8>),
    /// The exchange is over and the client is who it says.
    Success(Identity),
    /// The exchange is over and failed.
    Failure(SaslFailure),
}

/// The server half of a mechanism. Call [`ServerMechanism::start`] once with the
/// decoded initial response (if the client sent one), then [`ServerMechanism::step`]
/// with each decoded response until the result is not a challenge.
pub trait ServerMechanism {
    /// Which mechanism this is.
    fn mechanism(&self) -> Mechanism;
    /// The first move: a challenge, or the result of processing the initial response.
    fn start(
        &mut self,
        initial_response: Option<&[u8]>,
        context: &ServerContext<'_>,
        trace: &mut Trace,
    ) -> ServerStep;
    /// Processes one decoded client response.
    fn step(
        &mut self,
        response: &[u8],
        context: &ServerContext<'_>,
        trace: &mut Trace,
    ) -> ServerStep;
}

/// The client half of a mechanism. Call [`ClientMechanism::initial_response`] once
/// before sending AUTH, then [`ClientMechanism::step`] with each decoded challenge.
pub trait ClientMechanism {
    /// Which mechanism this is.
    fn mechanism(&self) -> Mechanism;
    /// The octets to send with the AUTH command, or `None` to wait for a challenge.
    fn initial_response(&mut self, trace: &mut Trace) -> Option<Vec<u8>>;
    /// The response to one decoded challenge. An error means the client must cancel
    /// with `*` (RFC 4954 §4).
    fn step(&mut self, challenge: &[u8], trace: &mut Trace) -> Result<Vec<u8>, SaslFailure>;
    /// True while the mechanism still waits for the server to prove itself (DIGEST-MD5
    /// before `rspauth`). A success reply in that state means mutual authentication
    /// failed, so the client must not trust the session. Mechanisms without server
    /// proof never wait.
    fn awaits_server_proof(&self) -> bool {
        false
    }
}

/// Compares two octet strings in time that depends only on their lengths, so a
/// network attacker cannot learn a digest prefix from response times.
pub(crate) fn constant_time_eq(left: &[u8], right: &[u8]) -> bool {
    if left.len() != right.len() {
        return false;
    }
    let difference = left
        .iter()
        .zip(right)
        .fold(0u8, |accumulated, (a, b)| accumulated | (a ^ b));
    difference == 0
}

/// Lower-case hex of `octets`, as CRAM-MD5 and DIGEST-MD5 write digests.
pub fn lower_hex(octets: &[u8]) -> String {
    use fmt::Write as _;
    octets.iter().fold(
        String::with_capacity(octets.len() * 2),
        |mut text, octet| {
            let _ = write!(text, "{octet:02x}");
            text
        },
    )
}

/// Text for a learner from octets that should be UTF-8: the string, or a note saying
/// at which octet it stops being UTF-8.
pub(crate) fn utf8_or_explain(octets: &[u8], what: &str) -> Result<String, String> {
    String::from_utf8(octets.to_vec()).map_err(|error| {
        format!(
            "the {what} is not valid UTF-8 (invalid octet at position {})",
            error.utf8_error().valid_up_to()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_case_insensitively() {
        for mechanism in Mechanism::ALL {
            assert_eq!(Mechanism::parse(mechanism.name()), Some(mechanism));
            assert_eq!(
                Mechanism::parse(&mechanism.name().to_ascii_lowercase()),
                Some(mechanism)
            );
        }
        assert_eq!(Mechanism::parse("GSSAPI"), None);
        assert_eq!(Mechanism::parse(""), None);
    }

    #[test]
    fn display_is_the_wire_name() {
        assert_eq!(Mechanism::CramMd5.to_string(), "CRAM-MD5");
        assert_eq!(Mechanism::DigestMd5.to_string(), "DIGEST-MD5");
    }

    #[test]
    fn constant_time_eq_compares_content_and_length() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn lower_hex_pads_each_octet() {
        assert_eq!(lower_hex(&[0x00, 0x0f, 0xab]), "000fab");
    }
}
