//! OAUTHBEARER (RFC 7628): the client sends an OAuth 2.0 bearer token in one message,
//! `n,a=user,` ^A `host=…` ^A `port=…` ^A `auth=Bearer <token>` ^A ^A (^A is the octet
//! 0x01). A server that refuses the token answers with a `334` carrying a JSON error
//! (`{"status":"invalid_token",…}`); the client then sends a single ^A and the server
//! fails the exchange with 535 (RFC 7628 §3.2.3).
//!
//! A playground has no authorization server, so the token the server accepts for a
//! user is that user's configured password. The key=value framing, the token check and
//! the error challenge are shared with [`super::xoauth2`], Google's older variant.

use super::bearer_server::{BearerClaim, BearerFraming, BearerServer};
use super::scram::{escape_name, unescape_name};
use super::trace::{Side, Trace};
use super::{
    constant_time_eq, utf8_or_explain, ClientMechanism, FailureKind, Mechanism, SaslFailure,
    ServerContext,
};

const RFC: &str = "RFC 7628 §3.1";
const RFC_ERROR: &str = "RFC 7628 §3.2.2";
/// The key-value separator (RFC 7628 §3.1: `kvsep = %x01`).
pub const KVSEP: u8 = 0x01;

/// The `key=value` pairs between ^A separators, up to the final ^A ^A.
pub(crate) fn key_values<'a>(
    text: &'a str,
    what: &str,
    rfc: &'static str,
) -> Result<Vec<(&'a str, &'a str)>, SaslFailure> {
    let Some(body) = text.strip_suffix("\u{1}\u{1}") else {
        return Err(SaslFailure::malformed(
            format!("the {what} must end with two ^A (0x01) octets"),
            rfc,
        ));
    };
    body.split('\u{1}')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            pair.split_once('=').ok_or_else(|| {
                SaslFailure::malformed(format!("\"{pair}\" in the {what} is not key=value"), rfc)
            })
        })
        .collect()
}

/// The token of `auth=Bearer <token>` (the scheme is case-insensitive, RFC 6750 §2.1).
pub(crate) fn bearer_token<'a>(
    pairs: &[(&str, &'a str)],
    rfc: &'static str,
) -> Result<&'a str, SaslFailure> {
    let auth = pairs
        .iter()
        .find(|(key, _)| *key == "auth")
        .map(|(_, value)| *value)
        .ok_or_else(|| SaslFailure::malformed("the message has no auth=Bearer <token>", rfc))?;
    match auth.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("Bearer") && !token.is_empty() => {
            Ok(token)
        }
        _ => Err(SaslFailure::malformed(
            format!("auth={auth} is not \"Bearer <token>\""),
            rfc,
        )),
    }
}

/// The user a token belongs to: `user`'s own when named, else the one whose token it
/// is. `None` when the token is not valid for anyone.
pub(crate) fn token_owner(
    user: Option<&str>,
    token: &str,
    context: &ServerContext<'_>,
) -> Option<String> {
    context
        .users
        .iter()
        .filter(|known| user.is_none_or(|name| known.name == name))
        .find(|known| constant_time_eq(known.password.as_bytes(), token.as_bytes()))
        .map(|known| known.name.clone())
}

/// The JSON error a refusing server sends (RFC 7628 §3.2.2), as in RFC 7628 §4.4.
pub fn error_json(hostname: &str) -> String {
    format!(
        "{{\"status\":\"invalid_token\",\"schemes\":\"bearer\",\"scope\":\"https://{hostname}/\"}}"
    )
}

/// The client's message (RFC 7628 §3.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BearerMessage {
    /// The gs2 header's `a=` (the user to act as), if any.
    pub authzid: Option<String>,
    /// `host=`, if sent.
    pub host: Option<String>,
    /// `port=`, if sent.
    pub port: Option<u16>,
    /// The bearer token.
    pub token: String,
}

impl BearerMessage {
    /// The wire octets.
    pub fn encode(&self) -> Vec<u8> {
        let mut text = match &self.authzid {
            Some(user) => format!("n,a={},", escape_name(user)),
            None => "n,,".to_owned(),
        };
        text.push('\u{1}');
        if let Some(host) = &self.host {
            text.push_str(&format!("host={host}\u{1}"));
        }
        if let Some(port) = self.port {
            text.push_str(&format!("port={port}\u{1}"));
        }
        text.push_str(&format!("auth=Bearer {}\u{1}\u{1}", self.token));
        text.into_bytes()
    }

    /// Reads a client message.
    pub fn parse(octets: &[u8]) -> Result<Self, SaslFailure> {
        let text = utf8_or_explain(octets, "OAUTHBEARER message")
            .map_err(|problem| SaslFailure::malformed(problem, RFC))?;
        let Some((gs2, rest)) = split_gs2(&text) else {
            return Err(SaslFailure::malformed(
                "an OAUTHBEARER message starts with a gs2 header like \"n,a=user,\"",
                RFC,
            ));
        };
        let mut parts = gs2.splitn(3, ',');
        let binding = parts.next().unwrap_or_default();
        if binding.starts_with("p=") {
            return Err(SaslFailure::new(
                FailureKind::Unsupported,
                "OAUTHBEARER takes no channel binding (p=)",
                RFC,
            ));
        }
        let authzid = match parts.next().unwrap_or_default() {
            "" => None,
            part => Some(unescape_name(part.strip_prefix("a=").ok_or_else(
                || {
                    SaslFailure::malformed(
                        format!("\"{part}\" where the gs2 header has a=user or nothing"),
                        RFC,
                    )
                },
            )?)?),
        };
        let pairs = key_values(rest, "OAUTHBEARER message", RFC)?;
        let value = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v).to_owned())
        };
        let port = match value("port") {
            Some(port) => Some(port.parse().map_err(|_| {
                SaslFailure::malformed(format!("port={port} is not a port number"), RFC)
            })?),
            None => None,
        };
        Ok(Self {
            authzid,
            host: value("host"),
            port,
            token: bearer_token(&pairs, RFC)?.to_owned(),
        })
    }
}

/// `n,a=user,` ^A … → (`n,a=user`, ^A …).
fn split_gs2(text: &str) -> Option<(&str, &str)> {
    let at = text.find('\u{1}')?;
    let gs2 = text.get(..at)?.strip_suffix(',')?;
    Some((gs2, text.get(at..)?))
}

/// Client side of OAUTHBEARER.
#[derive(Clone, Debug)]
pub struct OAuthBearerClient {
    message: BearerMessage,
}

impl OAuthBearerClient {
    /// A client sending `token` for `user` (empty: let the token say who), naming the
    /// server's `host` and `port` when known.
    pub fn new(user: &str, token: &str, host: Option<&str>, port: Option<u16>) -> Self {
        Self {
            message: BearerMessage {
                authzid: (!user.is_empty()).then(|| user.to_owned()),
                host: host.map(str::to_owned),
                port,
                token: token.to_owned(),
            },
        }
    }
}

impl ClientMechanism for OAuthBearerClient {
    fn mechanism(&self) -> Mechanism {
        Mechanism::OAuthBearer
    }

    fn initial_response(&mut self, trace: &mut Trace) -> Option<Vec<u8>> {
        let octets = self.message.encode();
        trace.value(Side::Client, "client message", &octets,
            "gs2 header (n: no channel binding, a= the user), then ^A-separated host=, port= and auth=Bearer <token>, ending ^A^A. The token crosses the wire as it is, so it belongs behind TLS.", RFC);
        Some(octets)
    }

    fn step(&mut self, challenge: &[u8], trace: &mut Trace) -> Result<Vec<u8>, SaslFailure> {
        trace.value(Side::Client, "error challenge", challenge,
            "The server refused the token and says why in JSON (status, scope). The client must answer with a single ^A so the server can end the exchange.", RFC_ERROR);
        Ok(vec![KVSEP])
    }
}

/// How OAUTHBEARER frames the bearer exchange ([`BearerServer`]).
#[derive(Clone, Debug)]
pub struct OAuthBearerFraming;

impl BearerFraming for OAuthBearerFraming {
    const MECHANISM: Mechanism = Mechanism::OAuthBearer;
    const MESSAGE_PARTS: &'static str = "The gs2 header, host, port and the bearer token.";
    const ERROR_REASON: &'static str = "The token is not valid here: the server answers 334 with this JSON error instead of failing at once, so the client learns why.";
    const DUMMY_RESPONSE: &'static [u8] = &[KVSEP];

    fn parse(octets: &[u8]) -> Result<BearerClaim, SaslFailure> {
        let message = BearerMessage::parse(octets)?;
        Ok(BearerClaim {
            user: message.authzid,
            token: message.token,
        })
    }
}

/// Server side of OAUTHBEARER.
pub type OAuthBearerServer = BearerServer<OAuthBearerFraming>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sasl::{base64, ServerMechanism, ServerStep, UserCredential};

    /// RFC 7628 §4.1 (IMAP, port 143) and §4.4 (SMTP, port 587): the client's message.
    const RFC_7628_IMAP: &str = "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB";
    const RFC_7628_SMTP: &str = "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9NTg3AWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB";
    /// RFC 7628 §4.4: the server's error challenge.
    const RFC_7628_ERROR: &str = "eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NoZW1lcyI6ImJlYXJlciIsInNjb3BlIjoiaHR0cHM6Ly9tYWlsLmV4YW1wbGUuY29tLyJ9";
    const TOKEN: &str = "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==";

    fn client(port: u16) -> Vec<u8> {
        OAuthBearerClient::new(
            "user@example.com",
            TOKEN,
            Some("server.example.com"),
            Some(port),
        )
        .initial_response(&mut Trace::new())
        .unwrap()
    }

    #[test]
    fn the_client_message_is_rfc_7628_section_4_1_and_4_4() {
        assert_eq!(base64::encode(&client(143)), RFC_7628_IMAP);
        assert_eq!(base64::encode(&client(587)), RFC_7628_SMTP);
        let parsed = BearerMessage::parse(&client(587)).unwrap();
        assert_eq!(parsed.token, TOKEN);
        assert_eq!(parsed.port, Some(587));
        assert_eq!(parsed.authzid.as_deref(), Some("user@example.com"));
    }

    #[test]
    fn the_configured_token_authenticates() {
        let users = vec![UserCredential {
            name: "user@example.com".into(),
            password: TOKEN.into(),
        }];
        let context = ServerContext::for_tests(&users, "mail.example.com");
        let step = OAuthBearerServer::new().start(Some(&client(587)), &context, &mut Trace::new());
        assert!(
            matches!(step, ServerStep::Success(ref who) if who.authcid == "user@example.com"),
            "{step:?}"
        );
    }

    #[test]
    fn a_wrong_token_gets_the_rfc_7628_section_4_4_error_then_535() {
        let users = vec![UserCredential {
            name: "user@example.com".into(),
            password: "another".into(),
        }];
        let context = ServerContext::for_tests(&users, "mail.example.com");
        let mut server = OAuthBearerServer::new();
        let mut trace = Trace::new();
        let ServerStep::Challenge(error) = server.start(Some(&client(587)), &context, &mut trace)
        else {
            panic!()
        };
        assert_eq!(base64::encode(&error), RFC_7628_ERROR);
        let mut client = OAuthBearerClient::new("user@example.com", TOKEN, None, None);
        let answer = client.step(&error, &mut trace).unwrap();
        assert_eq!(base64::encode(&answer), "AQ==");
        let ServerStep::Failure(failure) = server.step(&answer, &context, &mut trace) else {
            panic!()
        };
        assert_eq!(failure.kind, FailureKind::BadCredentials);
    }

    #[test]
    fn bad_messages_fail_without_a_panic() {
        let context = ServerContext::for_tests(&[], "mx");
        for input in [
            &b""[..],
            b"n,,",
            b"n,,\x01auth=Bearer t\x01",
            b"n,,\x01auth=Basic t\x01\x01",
            b"n,,\x01nokey\x01\x01",
            b"p=x,,\x01auth=Bearer t\x01\x01",
            b"n,b=u,\x01auth=Bearer t\x01\x01",
            b"n,,\x01port=x\x01auth=Bearer t\x01\x01",
            b"\xff",
        ] {
            let step = OAuthBearerServer::new().start(Some(input), &context, &mut Trace::new());
            assert!(
                matches!(step, ServerStep::Failure(_)),
                "{input:?}: {step:?}"
            );
        }
    }
}
