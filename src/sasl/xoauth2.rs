//! XOAUTH2 (Google's and Microsoft's mechanism, the forerunner of RFC 7628's
//! OAUTHBEARER): one message `user=<user>` ^A `auth=Bearer <token>` ^A ^A. A refused
//! token gets a `334` with a JSON error; the client answers with an empty line and the
//! server fails with 535. Framing, token check and error challenge are shared with
//! [`super::oauthbearer`]; the token a user may present is its configured password.

use super::oauthbearer::{after_error, bearer_token, error_json, key_values, token_owner, Refused};
use super::trace::{Side, Trace};
use super::{
    utf8_or_explain, ClientMechanism, Identity, Mechanism, SaslFailure, ServerContext,
    ServerMechanism, ServerStep,
};

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

/// What the XOAUTH2 server expects next.
#[derive(Clone, Debug)]
enum ServerExpect {
    Message,
    AfterError(Refused),
    Done,
}

/// Server side of XOAUTH2.
#[derive(Clone, Debug)]
pub struct Xoauth2Server {
    expect: ServerExpect,
}

impl Default for Xoauth2Server {
    fn default() -> Self {
        Self::new()
    }
}

impl Xoauth2Server {
    /// A server waiting for the client's message.
    pub fn new() -> Self {
        Self {
            expect: ServerExpect::Message,
        }
    }

    fn message(
        &mut self,
        octets: &[u8],
        context: &ServerContext<'_>,
        trace: &mut Trace,
    ) -> ServerStep {
        trace.value(
            Side::Server,
            "client message",
            octets,
            "The user and the bearer token.",
            RFC,
        );
        let message = match Xoauth2Message::parse(octets) {
            Ok(message) => message,
            Err(failure) => return ServerStep::Failure(failure),
        };
        if let Some(user) = token_owner(Some(&message.user), &message.token, context) {
            trace.note(
                Side::Server,
                "token check",
                format!("The token is the one configured for \"{user}\": authenticated."),
                RFC,
            );
            return ServerStep::Success(Identity {
                authcid: user,
                authzid: None,
            });
        }
        let json = error_json(context.hostname);
        trace.value(Side::Server, "error challenge", json.as_bytes(),
            "The token is not valid for this user: the server answers 334 with this JSON error, then fails after the client's empty line.", RFC_ERROR);
        self.expect = ServerExpect::AfterError(Refused(SaslFailure::bad_credentials(
            format!(
                "the bearer token is not the one configured for \"{}\"",
                message.user
            ),
            RFC_ERROR,
        )));
        ServerStep::Challenge(json.into_bytes())
    }
}

impl ServerMechanism for Xoauth2Server {
    fn mechanism(&self) -> Mechanism {
        Mechanism::Xoauth2
    }

    fn start(
        &mut self,
        initial_response: Option<&[u8]>,
        context: &ServerContext<'_>,
        trace: &mut Trace,
    ) -> ServerStep {
        match initial_response {
            Some(octets) => self.message(octets, context, trace),
            None => {
                trace.note(Side::Server, "empty challenge", "XOAUTH2 is client-first: without an initial response the server sends an empty challenge.", "RFC 4954 §4");
                ServerStep::Challenge(Vec::new())
            }
        }
    }

    fn step(
        &mut self,
        response: &[u8],
        context: &ServerContext<'_>,
        trace: &mut Trace,
    ) -> ServerStep {
        match core::mem::replace(&mut self.expect, ServerExpect::Done) {
            ServerExpect::Message => self.message(response, context, trace),
            ServerExpect::AfterError(refused) => {
                after_error(refused, response, &[], trace, RFC_ERROR)
            }
            ServerExpect::Done => ServerStep::Failure(SaslFailure::malformed(
                "the XOAUTH2 exchange is not expecting a response",
                RFC,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sasl::{base64, FailureKind, UserCredential};

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
