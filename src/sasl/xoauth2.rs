//! XOAUTH2 (Google's and Microsoft's mechanism, the forerunner of RFC 7628's
//! OAUTHBEARER): one message `user=<user>` ^A `auth=Bearer <token>` ^A ^A. A refused
//! token gets a `334` with a JSON error; the client answers with an empty line and the
//! server fails with 535. Framing, token check and error challenge are shared with
//! [`super::oauthbearer`]; the token a user may present is its configured password.

use super::bearer_server::{BearerClaim, BearerFraming, BearerServer};
use super::oauthbearer::{bearer_token, key_values};
use super::trace::{Side, Trace};
use super::{utf8_or_explain, ClientMechanism, Mechanism, SaslFailure};

const RFC: &str = "RFC 7628 §3.1";
const RFC_ERROR: &str = "RFC 7628 §3.2.2";

/// The client's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Xoauth2Message {
    /// `user=`.
    pub user: String,
    /// The bearer token.
    pub token: String,
}

impl Xoauth2Message {
    /// The wire octets.
    pub fn encode(&self) -> Vec<u8> {
        format!(
            "user={}\u{1}auth=Bearer {}\u{1}\u{1}",
            self.user, self.token
        )
        .into_bytes()
    }

    /// Reads a client message.
    pub fn parse(octets: &[u8]) -> Result<Self, SaslFailure> {
        let text = utf8_or_explain(octets, "XOAUTH2 message")
            .map_err(|problem| SaslFailure::malformed(problem, RFC))?;
        let pairs = key_values(&text, "XOAUTH2 message", RFC)?;
        let user = pairs
            .iter()
            .find(|(key, _)| *key == "user")
            .map(|(_, value)| (*value).to_owned())
            .ok_or_else(|| SaslFailure::malformed("the XOAUTH2 message has no user=", RFC))?;
        Ok(Self {
            user,
            token: bearer_token(&pairs, RFC)?.to_owned(),
        })
    }
}

/// Client side of XOAUTH2.
#[derive(Clone, Debug)]
pub struct Xoauth2Client {
    message: Xoauth2Message,
}

impl Xoauth2Client {
    /// A client sending `token` for `user`.
    pub fn new(user: &str, token: &str) -> Self {
        Self {
            message: Xoauth2Message {
                user: user.to_owned(),
                token: token.to_owned(),
            },
        }
    }
}

impl ClientMechanism for Xoauth2Client {
    fn mechanism(&self) -> Mechanism {
        Mechanism::Xoauth2
    }

    fn initial_response(&mut self, trace: &mut Trace) -> Option<Vec<u8>> {
        let octets = self.message.encode();
        trace.value(Side::Client, "client message", &octets,
            "user= the mailbox, ^A, auth=Bearer <token>, ^A^A. The token crosses the wire as it is, so it belongs behind TLS.", RFC);
        Some(octets)
    }

    fn step(&mut self, challenge: &[u8], trace: &mut Trace) -> Result<Vec<u8>, SaslFailure> {
        trace.value(Side::Client, "error challenge", challenge,
            "The server refused the token and says why in JSON. An XOAUTH2 client answers with an empty line so the server can end the exchange.", RFC_ERROR);
        Ok(Vec::new())
    }
}

/// How XOAUTH2 frames the bearer exchange ([`BearerServer`]).
#[derive(Clone, Debug)]
pub struct Xoauth2Framing;

impl BearerFraming for Xoauth2Framing {
    const MECHANISM: Mechanism = Mechanism::Xoauth2;
    const MESSAGE_PARTS: &'static str = "The user and the bearer token.";
    const ERROR_REASON: &'static str = "The token is not valid for this user: the server answers 334 with this JSON error, then fails after the client's empty line.";
    const DUMMY_RESPONSE: &'static [u8] = b"";

    fn parse(octets: &[u8]) -> Result<BearerClaim, SaslFailure> {
        let message = Xoauth2Message::parse(octets)?;
        Ok(BearerClaim {
            user: Some(message.user),
            token: message.token,
        })
    }
}

/// Server side of XOAUTH2.
pub type Xoauth2Server = BearerServer<Xoauth2Framing>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sasl::{
        base64, FailureKind, ServerContext, ServerMechanism, ServerStep, UserCredential,
    };

    /// Google's published XOAUTH2 example (developers.google.com, "OAuth 2.0 Mechanism").
    const GOOGLE: &str = "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==";
    const TOKEN: &str = "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg";

    fn message() -> Vec<u8> {
        Xoauth2Client::new("someuser@example.com", TOKEN)
            .initial_response(&mut Trace::new())
            .unwrap()
    }

    #[test]
    fn the_client_message_is_googles_example() {
        assert_eq!(base64::encode(&message()), GOOGLE);
        let parsed = Xoauth2Message::parse(&message()).unwrap();
        assert_eq!(
            (parsed.user.as_str(), parsed.token.as_str()),
            ("someuser@example.com", TOKEN)
        );
    }

    #[test]
    fn the_configured_token_authenticates_and_another_gets_the_error_then_535() {
        let users = vec![UserCredential {
            name: "someuser@example.com".into(),
            password: TOKEN.into(),
        }];
        let context = ServerContext::for_tests(&users, "mail.example.com");
        let ok = Xoauth2Server::new().start(Some(&message()), &context, &mut Trace::new());
        assert!(matches!(ok, ServerStep::Success(_)), "{ok:?}");
        let wrong = Xoauth2Client::new("someuser@example.com", "expired")
            .initial_response(&mut Trace::new())
            .unwrap();
        let mut server = Xoauth2Server::new();
        let mut trace = Trace::new();
        let ServerStep::Challenge(error) = server.start(Some(&wrong), &context, &mut trace) else {
            panic!()
        };
        assert!(error.starts_with(b"{\"status\":\"invalid_token\""));
        let ServerStep::Failure(failure) = server.step(b"", &context, &mut trace) else {
            panic!()
        };
        assert_eq!(failure.kind, FailureKind::BadCredentials);
    }

    #[test]
    fn bad_messages_fail_without_a_panic() {
        let context = ServerContext::for_tests(&[], "mx");
        for input in [
            &b""[..],
            b"user=a\x01\x01",
            b"auth=Bearer t\x01\x01",
            b"user=a\x01auth=Bearer t",
            b"\xff\x01\x01",
        ] {
            let step = Xoauth2Server::new().start(Some(input), &context, &mut Trace::new());
            assert!(
                matches!(step, ServerStep::Failure(_)),
                "{input:?}: {step:?}"
            );
        }
    }
}
