//! One SMTP AUTH exchange on the client side (RFC 4954), sans-IO: the mechanism choice,
//! the mechanism's client half, base64 and the `334` framing. The session's AUTH
//! command (`session/auth_command.rs`) drives it:
//!
//! 1. After the EHLO reply, if the spec asks for AUTH, call [`ClientAuth::start`] with
//!    the mechanisms the server listed (`Capabilities` `AUTH` parameters). It chooses a
//!    mechanism (saying why) and returns the `AUTH` command to send.
//! 2. Feed every reply to the AUTH command and to each continuation line to
//!    [`ClientAuth::on_reply`] and act on the [`ClientAuthStep`]: send the line, send
//!    the `*` cancel line, or carry on (235) / give up (anything else).
//!
//! Note: a 334 line may be up to 12288 octets (RFC 4954 §4); the session's reply reader
//! must allow that while an AUTH exchange is running.

use serde::{Deserialize, Serialize};

use crate::entropy::Entropy;
use crate::protocol::{Command, Reply, MAX_COMMAND_LINE};
use crate::sasl::cram_md5::CramMd5Client;
use crate::sasl::digest_md5::{DigestClientSettings, DigestMd5Client};
use crate::sasl::login::LoginClient;
#[cfg(feature = "scram-oauth")]
use crate::sasl::oauthbearer::OAuthBearerClient;
use crate::sasl::plain::PlainClient;
#[cfg(feature = "scram-oauth")]
use crate::sasl::scram::{ScramClient, ScramHash};
use crate::sasl::trace::{Side, Trace, TraceEntry};
#[cfg(feature = "scram-oauth")]
use crate::sasl::xoauth2::Xoauth2Client;
use crate::sasl::{base64, ClientMechanism, Mechanism};

const RFC_AUTH: &str = "RFC 4954 §4";
/// Length of the DIGEST-MD5 and SCRAM client nonces drawn from the entropy source.
const CNONCE_LENGTH: usize = 24;
/// The cancel line (RFC 4954 §4).
const CANCEL_LINE: &[u8] = b"*\r\n";

/// What the user asked the client to authenticate with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AuthSpec {
    /// `"auto"` (strongest offered, by `preference`) or a mechanism name.
    pub mechanism: String,
    /// The user name (authcid).
    pub user: String,
    /// The password.
    pub password: String,
    /// Act as this identity (PLAIN, DIGEST-MD5); `None` for none.
    pub authzid: Option<String>,
    /// LOGIN: send the user name with `AUTH LOGIN` (as Python's smtplib does).
    pub login_initial_response: bool,
    /// Order tried with `"auto"`.
    pub preference: Vec<Mechanism>,
    /// DIGEST-MD5 realm; `None` takes the server's first.
    pub realm: Option<String>,
    /// The host in DIGEST-MD5's digest-uri `smtp/<host>`: the name the client used to
    /// reach the server (swaks sends the host it connected to, e.g. `127.0.0.1`).
    /// `None` takes the first word of the server's 220 greeting, its own name.
    pub server_name: Option<String>,
}

impl Default for AuthSpec {
    fn default() -> Self {
        Self {
            mechanism: "auto".into(),
            user: "alice".into(),
            password: "S3cret-pw".into(),
            authzid: None,
            login_initial_response: false,
            preference: Mechanism::DEFAULT_PREFERENCE.to_vec(),
            realm: None,
            server_name: None,
        }
    }
}

/// Why no AUTH command can be sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "camelCase")]
pub enum AuthChoiceError {
    /// The spec names a mechanism the playground does not implement.
    UnknownMechanism {
        /// The name given.
        name: String,
    },
    /// "auto", but no mechanism in the preference list is offered.
    NothingInCommon {
        /// What the server offered.
        offered: Vec<String>,
    },
    /// The chosen mechanism is left out of this build ([`Mechanism::is_built`]).
    NotBuilt {
        /// The mechanism chosen.
        mechanism: Mechanism,
    },
}

impl core::fmt::Display for AuthChoiceError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::UnknownMechanism { name } => write!(
                f,
                "\"{name}\" is not a mechanism this client implements (PLAIN, LOGIN, CRAM-MD5, DIGEST-MD5, or \"auto\")"
            ),
            Self::NothingInCommon { offered } if offered.is_empty() => write!(
                f,
                "the server does not advertise AUTH in its EHLO reply, so the client cannot authenticate"
            ),
            Self::NothingInCommon { offered } => write!(
                f,
                "the server offers {} but none of them is in the client's preference list",
                offered.join(" ")
            ),
            Self::NotBuilt { mechanism } => write!(
                f,
                "{mechanism} is not built into this engine module (it is built without the `scram-oauth` feature), so the client cannot run it"
            ),
        }
    }
}

/// What the client session does next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ClientAuthStep {
    /// Send `line` (base64 response + CRLF) and wait for the next reply.
    Send {
        /// The octets to send.
        line: Vec<u8>,
        /// For the event.
        explanation: String,
    },
    /// Send `*` CRLF ([`CANCEL_LINE`]); the server will answer 501.
    Cancel {
        /// The octets to send.
        line: Vec<u8>,
        /// Why the client gives up.
        explanation: String,
    },
    /// 235: authenticated.
    Succeeded {
        /// For the event.
        explanation: String,
    },
    /// Any other final reply: not authenticated.
    Failed {
        /// The server's reply.
        reply: Reply,
        /// What it means.
        explanation: String,
    },
}

/// One mechanism's client state.
#[derive(Clone, Debug)]
enum AnyClient {
    Plain(PlainClient),
    Login(LoginClient),
    CramMd5(CramMd5Client),
    DigestMd5(DigestMd5Client),
    #[cfg(feature = "scram-oauth")]
    Scram(ScramClient),
    #[cfg(feature = "scram-oauth")]
    Xoauth2(Xoauth2Client),
    #[cfg(feature = "scram-oauth")]
    OAuthBearer(OAuthBearerClient),
}

impl AnyClient {
    fn as_mechanism(&mut self) -> &mut dyn ClientMechanism {
        match self {
            Self::Plain(client) => client,
            Self::Login(client) => client,
            Self::CramMd5(client) => client,
            Self::DigestMd5(client) => client,
            #[cfg(feature = "scram-oauth")]
            Self::Scram(client) => client,
            #[cfg(feature = "scram-oauth")]
            Self::Xoauth2(client) => client,
            #[cfg(feature = "scram-oauth")]
            Self::OAuthBearer(client) => client,
        }
    }
}

/// One AUTH exchange on the client side.
#[derive(Clone, Debug)]
pub struct ClientAuth {
    mechanism: Mechanism,
    client: AnyClient,
    /// An initial response too long for the AUTH line, sent after the first 334.
    held_initial_response: Option<Vec<u8>>,
    cancelled: bool,
    choice: String,
    trace: Trace,
}

impl ClientAuth {
    /// Chooses a mechanism from `offered` (the EHLO `AUTH` parameters) and builds the
    /// AUTH command. `server_name` is the host part of the DIGEST-MD5 digest-uri: the
    /// name the client used to reach the server.
    pub fn start(
        spec: &AuthSpec,
        offered: &[String],
        server_name: &str,
        entropy: &mut Entropy,
    ) -> Result<(Self, Command), AuthChoiceError> {
        let (mechanism, choice) = choose(spec, offered)?;
        let mut trace = Trace::new();
        trace.note(Side::Client, "mechanism choice", choice.clone(), RFC_AUTH);
        let mut client = build_client(mechanism, spec, server_name, entropy)
            .ok_or(AuthChoiceError::NotBuilt { mechanism })?;
        let initial = client.as_mechanism().initial_response(&mut trace);
        let mut auth = Self {
            mechanism,
            client,
            held_initial_response: None,
            cancelled: false,
            choice,
            trace,
        };
        let initial_response = initial.and_then(|octets| auth.initial_word(octets));
        let command = Command::Auth {
            mechanism: mechanism.name().to_owned(),
            initial_response,
        };
        Ok((auth, command))
    }

    /// The second word of the AUTH line, or `None` when it would make the line longer
    /// than 512 octets (RFC 4954 §4: then wait for an empty challenge and send it).
    fn initial_word(&mut self, octets: Vec<u8>) -> Option<String> {
        let word = if octets.is_empty() {
            "=".to_owned()
        } else {
            base64::encode(&octets)
        };
        let line_length = "AUTH  \r\n".len() + self.mechanism.name().len() + word.len();
        if line_length > MAX_COMMAND_LINE {
            self.trace.note(
                Side::Client,
                "initial response held back",
                format!("AUTH with the initial response would be {line_length} octets, over the 512-octet command limit; it is sent after the server's first (empty) challenge instead"),
                RFC_AUTH,
            );
            self.held_initial_response = Some(octets);
            return None;
        }
        self.trace.value(
            Side::Client,
            "initial response",
            &octets,
            format!("Sent on the AUTH line as \"{word}\" (\"=\" means an empty response)."),
            RFC_AUTH,
        );
        Some(word)
    }

    /// Why this mechanism was chosen.
    pub fn choice(&self) -> &str {
        &self.choice
    }

    /// The mechanism in use.
    pub fn mechanism(&self) -> Mechanism {
        self.mechanism
    }

    /// Handles the server's reply to AUTH or to a continuation line.
    pub fn on_reply(&mut self, reply: &Reply) -> ClientAuthStep {
        match reply.code.value() {
            334 if !self.cancelled => self.on_challenge(reply),
            235 if self.client.as_mechanism().awaits_server_proof() => ClientAuthStep::Failed {
                explanation: format!(
                    "{} got 235 before the server sent rspauth: the server never proved it knows \
                     the password, so mutual authentication failed and the client does not trust \
                     this session (RFC 2831 §2.1.3)",
                    self.mechanism
                ),
                reply: reply.clone(),
            },
            235 => ClientAuthStep::Succeeded {
                explanation: format!("{} succeeded: the session is authenticated", self.mechanism),
            },
            _ => ClientAuthStep::Failed {
                explanation: failure_meaning(reply, self.cancelled),
                reply: reply.clone(),
            },
        }
    }

    fn on_challenge(&mut self, reply: &Reply) -> ClientAuthStep {
        let text = reply.lines.first().map(String::as_str).unwrap_or_default();
        let challenge = match base64::decode(text.trim_end()) {
            Ok(challenge) => challenge,
            Err(error) => {
                return self.cancel(format!("the server's 334 text is not base64 ({error})"))
            }
        };
        self.trace.value(
            Side::Client,
            "334 challenge",
            &challenge,
            format!("Decoded from \"334 {text}\"."),
            RFC_AUTH,
        );
        let response = match self.held_initial_response.take() {
            Some(held) => Ok(held),
            None => self.client.as_mechanism().step(&challenge, &mut self.trace),
        };
        match response {
            Ok(octets) => {
                let mut line = base64::encode(&octets).into_bytes();
                self.trace.value(
                    Side::Client,
                    "response line",
                    &octets,
                    format!("Sent as \"{}\" + CRLF.", String::from_utf8_lossy(&line)),
                    RFC_AUTH,
                );
                line.extend_from_slice(b"\r\n");
                let explanation = if octets.is_empty() {
                    format!(
                        "{}: empty response, acknowledging the server's last challenge",
                        self.mechanism
                    )
                } else {
                    format!("{} response to the server's challenge", self.mechanism)
                };
                ClientAuthStep::Send { line, explanation }
            }
            Err(failure) => self.cancel(failure.explanation),
        }
    }

    fn cancel(&mut self, why: String) -> ClientAuthStep {
        self.cancelled = true;
        self.trace
            .note(Side::Client, "cancel", why.clone(), RFC_AUTH);
        ClientAuthStep::Cancel {
            line: CANCEL_LINE.to_vec(),
            explanation: format!("{why}; the client sends \"*\" to cancel"),
        }
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

fn choose(spec: &AuthSpec, offered: &[String]) -> Result<(Mechanism, String), AuthChoiceError> {
    let is_offered = |mechanism: Mechanism| {
        offered
            .iter()
            .any(|name| name.eq_ignore_ascii_case(mechanism.name()))
    };
    if !spec.mechanism.eq_ignore_ascii_case("auto") {
        let Some(mechanism) = Mechanism::parse(&spec.mechanism) else {
            return Err(AuthChoiceError::UnknownMechanism {
                name: spec.mechanism.clone(),
            });
        };
        let why = if is_offered(mechanism) {
            format!("{mechanism}: chosen by the user and offered by the server")
        } else {
            format!("{mechanism}: chosen by the user although the server does not offer it (it will probably answer 504)")
        };
        return Ok((mechanism, why));
    }
    let chosen = spec.preference.iter().copied().find(|m| is_offered(*m));
    let Some(mechanism) = chosen else {
        return Err(AuthChoiceError::NothingInCommon {
            offered: offered.to_vec(),
        });
    };
    let order: Vec<&str> = spec.preference.iter().map(|m| m.name()).collect();
    let strength = match mechanism {
        Mechanism::ScramSha256 | Mechanism::ScramSha1 => {
            "the password never crosses the wire, the server proves with v= that it knows it \
             too, and what the server stores (salt, StoredKey, ServerKey) is not enough to log \
             in as the user (RFC 5802 §1)"
        }
        m if m.sends_password_in_clear() => {
            "it sends the password only base64-encoded, so it belongs behind TLS"
        }
        _ => "the password never crosses the wire",
    };
    Ok((
        mechanism,
        format!(
            "{mechanism}: the first of the preference list ({}) that the server offers ({}); {strength}",
            order.join(" > "),
            offered.join(" ")
        ),
    ))
}

/// The mechanism's client half, or `None` when this build leaves it out
/// ([`Mechanism::is_built`]).
fn build_client(
    mechanism: Mechanism,
    spec: &AuthSpec,
    server_name: &str,
    entropy: &mut Entropy,
) -> Option<AnyClient> {
    let authzid = spec.authzid.clone().unwrap_or_default();
    Some(match mechanism {
        Mechanism::Plain => {
            AnyClient::Plain(PlainClient::new(&authzid, &spec.user, &spec.password))
        }
        Mechanism::Login => AnyClient::Login(LoginClient::new(
            &spec.user,
            &spec.password,
            spec.login_initial_response,
        )),
        Mechanism::CramMd5 => AnyClient::CramMd5(CramMd5Client::new(&spec.user, &spec.password)),
        Mechanism::DigestMd5 => AnyClient::DigestMd5(DigestMd5Client::new(DigestClientSettings {
            username: spec.user.clone(),
            password: spec.password.clone(),
            authzid: spec.authzid.clone(),
            realm: spec.realm.clone(),
            host: server_name.to_owned(),
            service: crate::sasl::digest_md5::SMTP_SERVICE.to_owned(),
            cnonce: entropy.alphanumeric(CNONCE_LENGTH),
        })),
        #[cfg(feature = "scram-oauth")]
        Mechanism::ScramSha1 => scram_client(ScramHash::Sha1, spec, &authzid, entropy),
        #[cfg(feature = "scram-oauth")]
        Mechanism::ScramSha256 => scram_client(ScramHash::Sha256, spec, &authzid, entropy),
        // The token goes where the password is typed; OAUTHBEARER names the server.
        #[cfg(feature = "scram-oauth")]
        Mechanism::Xoauth2 => AnyClient::Xoauth2(Xoauth2Client::new(&spec.user, &spec.password)),
        #[cfg(feature = "scram-oauth")]
        Mechanism::OAuthBearer => AnyClient::OAuthBearer(OAuthBearerClient::new(
            &spec.user,
            &spec.password,
            Some(server_name),
            None,
        )),
        #[cfg(not(feature = "scram-oauth"))]
        Mechanism::ScramSha1
        | Mechanism::ScramSha256
        | Mechanism::Xoauth2
        | Mechanism::OAuthBearer => return None,
    })
}

#[cfg(feature = "scram-oauth")]
fn scram_client(
    hash: ScramHash,
    spec: &AuthSpec,
    authzid: &str,
    entropy: &mut Entropy,
) -> AnyClient {
    let cnonce = entropy.alphanumeric(CNONCE_LENGTH);
    AnyClient::Scram(ScramClient::new(
        hash,
        &spec.user,
        &spec.password,
        authzid,
        &cnonce,
    ))
}

/// What a final non-235 reply to AUTH means, for the event.
fn failure_meaning(reply: &Reply, cancelled: bool) -> String {
    let meaning = match reply.code.value() {
        501 if cancelled => "the server confirms the cancellation",
        501 => "the server could not parse what the client sent (bad base64 or an initial response it does not allow)",
        504 => "the server does not offer this mechanism",
        534 => "the server's policy finds this mechanism too weak",
        535 => "wrong user name or password",
        538 => "this mechanism needs an encrypted channel (STARTTLS) on this server",
        454 => "temporary failure on the server; try again later",
        503 => "AUTH is not allowed now (already authenticated, or inside a transaction)",
        500 => "the server did not accept the line (too long or AUTH unknown)",
        334 => "the server sent another challenge after the client cancelled",
        _ => "authentication failed",
    };
    format!("{}: {meaning}", reply.to_string().trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offered(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn auto_picks_the_strongest_offered() {
        let spec = AuthSpec::default();
        let mut entropy = Entropy::from_seed(3);
        let (auth, command) = ClientAuth::start(
            &spec,
            &offered(&["PLAIN", "LOGIN", "CRAM-MD5"]),
            "mx.example.org",
            &mut entropy,
        )
        .unwrap();
        assert_eq!(auth.mechanism(), Mechanism::CramMd5);
        assert_eq!(command.to_string(), "AUTH CRAM-MD5");
        assert!(
            auth.choice().contains("DIGEST-MD5 > CRAM-MD5"),
            "{}",
            auth.choice()
        );
    }

    #[test]
    fn auto_picks_scram_sha_256_and_says_why() {
        let mut entropy = Entropy::from_seed(3);
        let (auth, command) = ClientAuth::start(
            &AuthSpec::default(),
            &offered(&["PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256", "CRAM-MD5"]),
            "mx.example.org",
            &mut entropy,
        )
        .unwrap();
        assert_eq!(auth.mechanism(), Mechanism::ScramSha256);
        assert!(command.to_string().starts_with("AUTH SCRAM-SHA-256 "));
        assert!(
            auth.choice().starts_with(
                "SCRAM-SHA-256: the first of the preference list (SCRAM-SHA-256 > SCRAM-SHA-1"
            ) && auth
                .choice()
                .contains("the server proves with v= that it knows it too"),
            "{}",
            auth.choice()
        );
    }

    #[test]
    fn nothing_in_common_and_unknown_names_are_errors() {
        let mut entropy = Entropy::from_seed(3);
        let spec = AuthSpec::default();
        assert!(matches!(
            ClientAuth::start(&spec, &offered(&["GSSAPI"]), "mx", &mut entropy),
            Err(AuthChoiceError::NothingInCommon { .. })
        ));
        let named = AuthSpec {
            mechanism: "NTLM".into(),
            ..AuthSpec::default()
        };
        assert!(matches!(
            ClientAuth::start(&named, &offered(&["PLAIN"]), "mx", &mut entropy),
            Err(AuthChoiceError::UnknownMechanism { .. })
        ));
    }

    #[test]
    fn oversized_plain_initial_response_waits_for_the_empty_challenge() {
        let spec = AuthSpec {
            mechanism: "PLAIN".into(),
            password: "p".repeat(255),
            authzid: Some("z".repeat(255)),
            ..AuthSpec::default()
        };
        let mut entropy = Entropy::from_seed(3);
        let (mut auth, command) =
            ClientAuth::start(&spec, &offered(&["PLAIN"]), "mx", &mut entropy).unwrap();
        assert_eq!(command.to_string(), "AUTH PLAIN");
        let step = auth.on_reply(&crate::protocol::ReplyKind::AuthContinue.reply());
        let ClientAuthStep::Send { line, .. } = step else {
            panic!("expected the held response, got {step:?}");
        };
        let decoded = base64::decode(core::str::from_utf8(&line).unwrap().trim_end()).unwrap();
        assert_eq!(decoded.len(), 255 + 1 + 5 + 1 + 255);
    }
}
