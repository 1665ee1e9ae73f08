//! One SMTP AUTH exchange on the server side (RFC 4954), sans-IO: the policy (which
//! mechanisms, which users), the mechanism's server half, base64 and the `334` framing.
//! The session's AUTH command (`auth_command.rs`) drives it:
//!
//! 1. EHLO: advertise [`AuthPolicy::advertised`] (`AUTH PLAIN LOGIN …`).
//! 2. `AUTH mech [initial-response]`: the session first refuses AUTH when already
//!    authenticated or inside a mail transaction ([`already_authenticated_reply`],
//!    [`in_transaction_reply`], both 503 5.5.1), then calls [`ServerAuth::start`] and
//!    sends the step's reply.
//! 3. While the last step was [`AuthOutcome::Challenge`], every line the client sends
//!    (without its CRLF, read with a [`MAX_AUTH_LINE`] limit; an over-long line is
//!    answered with [`line_too_long_reply`], 500 5.5.6) goes to
//!    [`ServerAuth::respond`], not to the command parser.
//! 4. [`AuthOutcome::Succeeded`] marks the session authenticated: relaying is allowed
//!    and Received says `with ESMTPA` (RFC 3848). [`AuthOutcome::Failed`] leaves the
//!    session as it was; the client may try again.
//!
//! Each [`AuthStep`] carries its reply, one explanation and one RFC section for the
//! session's event, whatever it decided; [`ServerAuth::take_trace`] yields the SASL
//! trace entries computed so far.

use serde::{Deserialize, Serialize};

pub use crate::protocol::MAX_AUTH_LINE;
pub use crate::sasl::xtext::{parse_auth_parameter, AuthParameter, XtextError};

use crate::entropy::Entropy;
use crate::protocol::{Extension, Reply, ReplyKind};
use crate::sasl::cram_md5::{make_challenge, CramMd5Server};
use crate::sasl::digest_md5::DigestMd5Server;
use crate::sasl::login::LoginServer;
#[cfg(feature = "scram-oauth")]
use crate::sasl::oauthbearer::OAuthBearerServer;
use crate::sasl::plain::PlainServer;
#[cfg(feature = "scram-oauth")]
use crate::sasl::scram::{ScramHash, ScramServer, DEFAULT_ITERATIONS};
use crate::sasl::trace::{Side, Trace, TraceEntry};
#[cfg(feature = "scram-oauth")]
use crate::sasl::xoauth2::Xoauth2Server;
use crate::sasl::{
    base64, Identity, Mechanism, SaslFailure, ServerContext, ServerMechanism, ServerStep,
    UserCredential,
};
use crate::time::Millis;

const RFC_AUTH: &str = "RFC 4954 §4";
/// Length of the DIGEST-MD5 nonce the server draws from its entropy source.
const NONCE_LENGTH: usize = 24;
/// 64-bit words of a SCRAM salt drawn from the entropy source (16 octets).
#[cfg(feature = "scram-oauth")]
const SALT_WORDS: usize = 2;

/// What the server offers and whom it accepts. Embedded in the server config.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AuthPolicy {
    /// Mechanisms advertised and accepted, in EHLO order. Empty: no AUTH at all.
    pub mechanisms: Vec<Mechanism>,
    /// Users and passwords.
    pub users: Vec<UserCredential>,
    /// Refuse PLAIN and LOGIN with 538 5.7.11, as a server does before STARTTLS.
    pub plaintext_needs_secure_channel: bool,
    /// Let a user act as someone else (authzid ≠ authcid).
    pub allow_authzid: bool,
    /// DIGEST-MD5 realm; empty means the server's hostname.
    pub realm: String,
    /// Extra hosts accepted in a DIGEST-MD5 digest-uri besides the hostname (e.g. the
    /// IP literal a client like swaks connected to).
    pub digest_uri_aliases: Vec<String>,
}

impl Default for AuthPolicy {
    fn default() -> Self {
        Self {
            mechanisms: Mechanism::OFFERED_BY_DEFAULT.to_vec(),
            users: vec![UserCredential::default()],
            plaintext_needs_secure_channel: false,
            allow_authzid: false,
            realm: String::new(),
            digest_uri_aliases: Vec::new(),
        }
    }
}

impl AuthPolicy {
    /// The EHLO line, or `None` when no mechanism is enabled.
    pub fn advertised(&self) -> Option<Extension> {
        if self.mechanisms.is_empty() {
            return None;
        }
        Some(Extension::Auth(
            self.mechanisms
                .iter()
                .map(|m| m.name().to_owned())
                .collect(),
        ))
    }

    fn context<'a>(&'a self, hostname: &'a str) -> ServerContext<'a> {
        ServerContext {
            users: &self.users,
            allow_authzid: self.allow_authzid,
            hostname,
            realm: &self.realm,
            digest_uri_aliases: &self.digest_uri_aliases,
        }
    }
}

/// 503 5.5.1 for AUTH after a successful AUTH (RFC 4954 §4: "only one successful AUTH
/// per session").
pub fn already_authenticated_reply() -> Reply {
    ReplyKind::BadSequence.reply_with("Already authenticated")
}

/// 503 5.5.1 for AUTH between MAIL and the end of the transaction (RFC 4954 §4).
pub fn in_transaction_reply() -> Reply {
    ReplyKind::BadSequence.reply_with("AUTH is not permitted during a mail transaction")
}

/// 500 5.5.6 for an AUTH continuation line over [`MAX_AUTH_LINE`] octets.
pub fn line_too_long_reply() -> Reply {
    ReplyKind::AuthLineTooLong.reply()
}

/// One AUTH step: what it decided, the reply to send, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthStep {
    /// What the step decided.
    pub outcome: AuthOutcome,
    /// The reply to send.
    pub reply: Reply,
    /// One sentence for the session's event (never sent: it may name users).
    pub explanation: String,
    /// The RFC section behind the step.
    pub rfc: &'static str,
}

/// What an AUTH step decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum AuthOutcome {
    /// 334 + base64: the client's next line goes to [`ServerAuth::respond`].
    Challenge,
    /// 235 2.7.0: the session is now authenticated.
    Succeeded {
        /// Who authenticated.
        identity: Identity,
        /// With which mechanism.
        mechanism: Mechanism,
    },
    /// The exchange is over and the session is not authenticated.
    Failed {
        /// Which row of the reply table.
        kind: ReplyKind,
    },
}

impl AuthStep {
    /// Which row of the reply table the reply is.
    pub(crate) fn reply_kind(&self) -> ReplyKind {
        match &self.outcome {
            AuthOutcome::Challenge => ReplyKind::AuthContinue,
            AuthOutcome::Succeeded { .. } => ReplyKind::AuthSucceeded,
            AuthOutcome::Failed { kind } => *kind,
        }
    }

    /// True unless the server waits for another client line.
    pub fn is_finished(&self) -> bool {
        !matches!(self.outcome, AuthOutcome::Challenge)
    }

    /// A failed step with `kind`'s standard reply.
    pub fn failed(kind: ReplyKind, explanation: impl Into<String>, rfc: &'static str) -> Self {
        Self {
            outcome: AuthOutcome::Failed { kind },
            reply: kind.reply(),
            explanation: explanation.into(),
            rfc,
        }
    }
}

/// One mechanism's server state.
#[derive(Clone, Debug)]
enum AnyServer {
    Plain(PlainServer),
    Login(LoginServer),
    CramMd5(CramMd5Server),
    DigestMd5(DigestMd5Server),
    #[cfg(feature = "scram-oauth")]
    Scram(ScramServer),
    #[cfg(feature = "scram-oauth")]
    Xoauth2(Xoauth2Server),
    #[cfg(feature = "scram-oauth")]
    OAuthBearer(OAuthBearerServer),
}

impl AnyServer {
    /// The mechanism's server half, or the refusal when this build leaves it out
    /// ([`Mechanism::is_built`]).
    fn new(
        mechanism: Mechanism,
        hostname: &str,
        now: Millis,
        entropy: &mut Entropy,
    ) -> Result<Self, Refusal> {
        Ok(match mechanism {
            Mechanism::Plain => Self::Plain(PlainServer::new()),
            Mechanism::Login => Self::Login(LoginServer::new()),
            Mechanism::CramMd5 => {
                Self::CramMd5(CramMd5Server::new(make_challenge(hostname, now, entropy)))
            }
            Mechanism::DigestMd5 => {
                Self::DigestMd5(DigestMd5Server::new(entropy.alphanumeric(NONCE_LENGTH)))
            }
            #[cfg(feature = "scram-oauth")]
            Mechanism::ScramSha1 => Self::scram(ScramHash::Sha1, entropy),
            #[cfg(feature = "scram-oauth")]
            Mechanism::ScramSha256 => Self::scram(ScramHash::Sha256, entropy),
            #[cfg(feature = "scram-oauth")]
            Mechanism::Xoauth2 => Self::Xoauth2(Xoauth2Server::new()),
            #[cfg(feature = "scram-oauth")]
            Mechanism::OAuthBearer => Self::OAuthBearer(OAuthBearerServer::new()),
            #[cfg(not(feature = "scram-oauth"))]
            Mechanism::ScramSha1
            | Mechanism::ScramSha256
            | Mechanism::Xoauth2
            | Mechanism::OAuthBearer => return Err(Refusal::not_built(mechanism)),
        })
    }

    /// A SCRAM server with a fresh nonce and salt from the entropy source.
    #[cfg(feature = "scram-oauth")]
    fn scram(hash: ScramHash, entropy: &mut Entropy) -> Self {
        let salt: Vec<u8> = (0..SALT_WORDS)
            .flat_map(|_| entropy.next_u64().to_be_bytes())
            .collect();
        Self::Scram(ScramServer::new(
            hash,
            entropy.alphanumeric(NONCE_LENGTH),
            salt,
            DEFAULT_ITERATIONS,
        ))
    }

    fn as_mechanism(&mut self) -> &mut dyn ServerMechanism {
        match self {
            Self::Plain(server) => server,
            Self::Login(server) => server,
            Self::CramMd5(server) => server,
            Self::DigestMd5(server) => server,
            #[cfg(feature = "scram-oauth")]
            Self::Scram(server) => server,
            #[cfg(feature = "scram-oauth")]
            Self::Xoauth2(server) => server,
            #[cfg(feature = "scram-oauth")]
            Self::OAuthBearer(server) => server,
        }
    }
}

/// How far an AUTH exchange got; the mechanism's server half exists only while it
/// waits for a client line.
#[derive(Clone, Debug)]
enum Progress {
    /// The AUTH line was refused before a mechanism ran.
    Refused,
    /// `mechanism` sent a challenge and waits for the client's next line.
    Waiting {
        mechanism: Mechanism,
        server: AnyServer,
    },
    /// `mechanism` ran and the exchange is over, succeeded or failed.
    Over(Mechanism),
}

/// One AUTH exchange on the server side.
#[derive(Clone, Debug)]
pub struct ServerAuth {
    policy: AuthPolicy,
    hostname: String,
    progress: Progress,
    trace: Trace,
}

impl ServerAuth {
    /// Handles `AUTH mechanism_name [initial_response]`. `initial_response` is the
    /// second word as sent (base64, or `=` for an empty response). Keep the returned
    /// `ServerAuth` while the step is a challenge.
    pub fn start(
        policy: &AuthPolicy,
        hostname: &str,
        mechanism_name: &str,
        initial_response: Option<&str>,
        now: Millis,
        entropy: &mut Entropy,
    ) -> (Self, AuthStep) {
        let mut auth = Self {
            policy: policy.clone(),
            hostname: hostname.to_owned(),
            progress: Progress::Refused,
            trace: Trace::new(),
        };
        let step = auth.begin(mechanism_name, initial_response, now, entropy);
        (auth, step)
    }

    fn begin(
        &mut self,
        mechanism_name: &str,
        initial_response: Option<&str>,
        now: Millis,
        entropy: &mut Entropy,
    ) -> AuthStep {
        let mechanism = match self.choose(mechanism_name) {
            Ok(mechanism) => mechanism,
            Err(refusal) => return refusal.into(),
        };
        if mechanism.sends_password_in_clear() && self.policy.plaintext_needs_secure_channel {
            return AuthStep::failed(
                ReplyKind::AuthEncryptionRequired,
                format!("{mechanism} sends the password itself (only base64-encoded), so this server's policy allows it only over an encrypted channel. This connection has no TLS yet: real servers hide PLAIN and LOGIN until after STARTTLS, and after the handshake this one accepts them."),
                "RFC 4954 §6",
            );
        }
        if initial_response.is_some() && mechanism.is_server_first() {
            return AuthStep::failed(
                ReplyKind::AuthUnexpectedInitialResponse,
                format!("{mechanism} starts with a server challenge, so AUTH {mechanism} may not carry an initial response"),
                RFC_AUTH,
            );
        }
        let initial = match initial_response.map(decode_initial).transpose() {
            Ok(initial) => initial,
            Err(refusal) => return refusal.into(),
        };
        if let Some(octets) = &initial {
            self.trace.value(
                Side::Server,
                "initial response",
                octets,
                format!(
                    "Decoded from the AUTH line's second word \"{}\".",
                    initial_response.unwrap_or_default()
                ),
                RFC_AUTH,
            );
        }
        let mut server = match AnyServer::new(mechanism, &self.hostname, now, entropy) {
            Ok(server) => server,
            Err(refusal) => return refusal.into(),
        };
        let context = self.policy.context(&self.hostname);
        let step = server
            .as_mechanism()
            .start(initial.as_deref(), &context, &mut self.trace);
        self.progress = match step {
            ServerStep::Challenge(_) => Progress::Waiting { mechanism, server },
            ServerStep::Success(_) | ServerStep::Failure(_) => Progress::Over(mechanism),
        };
        self.finish_step(mechanism, step)
    }

    fn choose(&self, name: &str) -> Result<Mechanism, Refusal> {
        let offered: Vec<&str> = self.policy.mechanisms.iter().map(|m| m.name()).collect();
        match Mechanism::parse(name) {
            Some(mechanism) if self.policy.mechanisms.contains(&mechanism) => Ok(mechanism),
            Some(mechanism) => Err(Refusal(
                ReplyKind::ParameterNotImplemented,
                format!(
                    "{mechanism} is switched off on this server; it offers {}",
                    offered.join(" ")
                ),
            )),
            None => Err(Refusal(
                ReplyKind::ParameterNotImplemented,
                format!(
                    "\"{}\" is not a mechanism this server knows; it offers {}",
                    name.escape_debug(),
                    offered.join(" ")
                ),
            )),
        }
    }

    /// Handles one client line during the exchange, without its CRLF.
    pub fn respond(&mut self, line: &[u8]) -> AuthStep {
        let Progress::Waiting { mechanism, server } = &mut self.progress else {
            return AuthStep::failed(
                ReplyKind::BadSequence,
                "no AUTH exchange is waiting for a response",
                RFC_AUTH,
            );
        };
        let mechanism = *mechanism;
        let step = match read_response(line, &mut self.trace) {
            Ok(decoded) => {
                let context = self.policy.context(&self.hostname);
                server
                    .as_mechanism()
                    .step(&decoded, &context, &mut self.trace)
            }
            Err(refusal) => {
                self.progress = Progress::Over(mechanism);
                return refusal.into();
            }
        };
        if !matches!(step, ServerStep::Challenge(_)) {
            self.progress = Progress::Over(mechanism);
        }
        self.finish_step(mechanism, step)
    }

    /// Turns the mechanism's step into the AUTH step.
    fn finish_step(&mut self, mechanism: Mechanism, step: ServerStep) -> AuthStep {
        match step {
            ServerStep::Challenge(octets) => {
                let encoded = base64::encode(&octets);
                self.trace.value(
                    Side::Server,
                    "334 challenge",
                    &octets,
                    format!(
                        "Sent as \"334 {encoded}\": every 3 octets become 4 base64 characters."
                    ),
                    RFC_AUTH,
                );
                AuthStep {
                    outcome: AuthOutcome::Challenge,
                    reply: ReplyKind::AuthContinue.reply_with(encoded),
                    explanation: format!(
                        "{mechanism} challenge \"{}\", base64-encoded after 334",
                        crate::sasl::trace::visible(&octets)
                    ),
                    rfc: RFC_AUTH,
                }
            }
            ServerStep::Success(identity) => {
                let explanation = match &identity.authzid {
                    Some(authzid) => format!(
                        "{mechanism}: {} authenticated, acting as {authzid}",
                        identity.authcid
                    ),
                    None => format!("{mechanism}: {} authenticated", identity.authcid),
                };
                self.trace
                    .note(Side::Server, "success", explanation.clone(), "RFC 4954 §6");
                AuthStep {
                    outcome: AuthOutcome::Succeeded {
                        identity,
                        mechanism,
                    },
                    reply: ReplyKind::AuthSucceeded.reply(),
                    explanation,
                    rfc: "RFC 4954 §6",
                }
            }
            ServerStep::Failure(failure) => self.fail(failure),
        }
    }

    fn fail(&mut self, failure: SaslFailure) -> AuthStep {
        self.trace.note(
            Side::Server,
            "failure",
            failure.explanation.clone(),
            failure.rfc,
        );
        AuthStep::failed(failure.kind.reply_kind(), failure.explanation, failure.rfc)
    }

    /// The mechanism in use, once one was accepted.
    pub fn mechanism(&self) -> Option<Mechanism> {
        match self.progress {
            Progress::Refused => None,
            Progress::Waiting { mechanism, .. } | Progress::Over(mechanism) => Some(mechanism),
        }
    }

    /// True while the server waits for a client line.
    #[cfg(test)]
    pub(crate) fn is_waiting(&self) -> bool {
        matches!(self.progress, Progress::Waiting { .. })
    }

    /// The trace entries so far.
    pub fn trace(&self) -> &[TraceEntry] {
        self.trace.entries()
    }

    /// Removes and returns the trace entries so far.
    pub fn take_trace(&mut self) -> Vec<TraceEntry> {
        self.trace.take()
    }
}

/// One client line of the exchange, decoded and traced; `Err` when it is too long,
/// `*` (cancel) or not base64, which ends the exchange.
fn read_response(line: &[u8], trace: &mut Trace) -> Result<Vec<u8>, Refusal> {
    if line.len().saturating_add(2) > MAX_AUTH_LINE {
        return Err(Refusal(
            ReplyKind::AuthLineTooLong,
            format!(
                "the response line is {} octets with CRLF; at most {MAX_AUTH_LINE} are allowed",
                line.len().saturating_add(2)
            ),
        ));
    }
    if line == b"*" {
        return Err(Refusal(
            ReplyKind::AuthCancelled,
            "the client sent \"*\" to cancel the exchange".to_owned(),
        ));
    }
    let decoded = decode_line(line)?;
    trace.value(
        Side::Server,
        "client line",
        &decoded,
        format!(
            "Decoded from the base64 line \"{}\".",
            String::from_utf8_lossy(line)
        ),
        RFC_AUTH,
    );
    Ok(decoded)
}

/// A refusal decided before any mechanism runs (always RFC 4954 §4).
struct Refusal(ReplyKind, String);

impl Refusal {
    /// 504 for a mechanism this build of the engines leaves out: the policy offers it,
    /// but only builds with the `scram-oauth` feature can run it.
    #[cfg(not(feature = "scram-oauth"))]
    fn not_built(mechanism: Mechanism) -> Self {
        Refusal(
            ReplyKind::ParameterNotImplemented,
            format!("{mechanism} is not built into this engine module (it is built without the `scram-oauth` feature), so this server cannot run it"),
        )
    }
}

impl From<Refusal> for AuthStep {
    fn from(Refusal(kind, explanation): Refusal) -> Self {
        AuthStep::failed(kind, explanation, RFC_AUTH)
    }
}

fn decode_initial(text: &str) -> Result<Vec<u8>, Refusal> {
    if text == "=" {
        return Ok(Vec::new());
    }
    base64::decode(text).map_err(|error| {
        Refusal(
            ReplyKind::AuthBadBase64,
            format!("the initial response is not base64 (\"=\" stands for an empty one): {error}"),
        )
    })
}

fn decode_line(line: &[u8]) -> Result<Vec<u8>, Refusal> {
    let text = core::str::from_utf8(line).map_err(|error| {
        Refusal(
            ReplyKind::AuthBadBase64,
            format!(
                "the response line has a non-ASCII octet at position {}; base64 is ASCII only",
                error.valid_up_to()
            ),
        )
    })?;
    base64::decode(text).map_err(|error| {
        Refusal(
            ReplyKind::AuthBadBase64,
            format!("the response line is not base64: {error}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start(name: &str, initial: Option<&str>) -> (ServerAuth, AuthStep) {
        ServerAuth::start(
            &AuthPolicy::default(),
            "mx.example.org",
            name,
            initial,
            1_795_856_400_000,
            &mut Entropy::from_seed(1),
        )
    }

    #[test]
    fn plain_initial_response_succeeds_in_one_step() {
        let (_, step) = start("PLAIN", Some("AGFsaWNlAFMzY3JldC1wdw=="));
        assert_eq!(
            step.reply.to_string(),
            "235 2.7.0 Authentication successful\r\n"
        );
    }

    #[test]
    fn empty_initial_response_is_an_empty_plain_message() {
        let (_, step) = start("PLAIN", Some("="));
        assert_eq!(
            step.outcome,
            AuthOutcome::Failed {
                kind: ReplyKind::AuthInvalidCredentials
            }
        );
    }

    #[test]
    fn a_refused_auth_line_runs_no_mechanism() {
        let (mut auth, step) = start("NOPE", None);
        assert!(step.is_finished());
        assert_eq!(auth.mechanism(), None);
        assert!(!auth.is_waiting());
        let again = auth.respond(b"");
        assert_eq!(auth.mechanism(), None);
        assert_eq!(
            again.outcome,
            AuthOutcome::Failed {
                kind: ReplyKind::BadSequence
            }
        );
    }

    #[test]
    fn the_mechanism_waits_only_after_a_challenge_and_is_named_after_the_end() {
        let (mut auth, step) = start("LOGIN", None);
        assert_eq!(step.outcome, AuthOutcome::Challenge);
        assert!(auth.is_waiting());
        assert_eq!(auth.mechanism(), Some(Mechanism::Login));
        let cancelled = auth.respond(b"*");
        assert_eq!(
            cancelled.outcome,
            AuthOutcome::Failed {
                kind: ReplyKind::AuthCancelled
            }
        );
        assert!(!auth.is_waiting());
        assert_eq!(auth.mechanism(), Some(Mechanism::Login));
    }

    #[test]
    fn responding_after_the_end_is_a_bad_sequence() {
        let (mut auth, _) = start("PLAIN", Some("AGFsaWNlAFMzY3JldC1wdw=="));
        assert!(!auth.is_waiting());
        let step = auth.respond(b"");
        assert_eq!(
            step.outcome,
            AuthOutcome::Failed {
                kind: ReplyKind::BadSequence
            }
        );
    }
}
