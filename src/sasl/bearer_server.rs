//! The server side shared by OAUTHBEARER (RFC 7628) and XOAUTH2: both are client-first
//! mechanisms with one message that names a user and carries a bearer token. A valid
//! token authenticates at once; an invalid one gets a `334` with the JSON error of
//! RFC 7628 §3.2.2, the client answers with a dummy response, and the exchange fails
//! with 535 (RFC 7628 §3.2.3). What differs between the two is only how the message is
//! framed and what the dummy response is: [`BearerFraming`].

use super::oauthbearer::{error_json, token_owner};
use super::trace::{Side, Trace};
use super::{Identity, Mechanism, SaslFailure, ServerContext, ServerMechanism, ServerStep};

const RFC: &str = "RFC 7628 §3.1";
const RFC_ERROR: &str = "RFC 7628 §3.2.2";

/// What a bearer mechanism's client message holds, once parsed.
pub struct BearerClaim {
    /// The user the client names (`a=` / `user=`), when it names one.
    pub user: Option<String>,
    /// The bearer token.
    pub token: String,
}

/// How one bearer mechanism frames its messages.
pub trait BearerFraming {
    /// The mechanism's name.
    const MECHANISM: Mechanism;
    /// What the client's message is made of, for the trace.
    const MESSAGE_PARTS: &'static str;
    /// Why the server answers an invalid token with the error challenge, for the trace.
    const ERROR_REASON: &'static str;
    /// The response a client sends after the error challenge.
    const DUMMY_RESPONSE: &'static [u8];
    /// Parses the client's message.
    fn parse(octets: &[u8]) -> Result<BearerClaim, SaslFailure>;
}

/// What the server expects next.
#[derive(Clone, Debug)]
enum Expect {
    Message,
    /// The token was refused: the failure is reported after the client's dummy response.
    AfterError(SaslFailure),
    Done,
}

/// The server side of a bearer-token mechanism.
#[derive(Clone, Debug)]
pub struct BearerServer<F> {
    expect: Expect,
    framing: core::marker::PhantomData<F>,
}

impl<F: BearerFraming> Default for BearerServer<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: BearerFraming> BearerServer<F> {
    /// A server waiting for the client's message.
    pub fn new() -> Self {
        Self {
            expect: Expect::Message,
            framing: core::marker::PhantomData,
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
            F::MESSAGE_PARTS,
            RFC,
        );
        let claim = match F::parse(octets) {
            Ok(claim) => claim,
            Err(failure) => return ServerStep::Failure(failure),
        };
        if let Some(user) = token_owner(claim.user.as_deref(), &claim.token, context) {
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
        trace.value(
            Side::Server,
            "error challenge",
            json.as_bytes(),
            F::ERROR_REASON,
            RFC_ERROR,
        );
        let who = claim
            .user
            .map_or_else(|| "any user".to_owned(), |user| format!("\"{user}\""));
        self.expect = Expect::AfterError(SaslFailure::bad_credentials(
            format!("the bearer token is not the one configured for {who}"),
            RFC_ERROR,
        ));
        ServerStep::Challenge(json.into_bytes())
    }
}

/// The server's answer to the client's dummy response after the error challenge.
fn after_error(
    failure: SaslFailure,
    response: &[u8],
    expected: &[u8],
    trace: &mut Trace,
) -> ServerStep {
    if response != expected {
        trace.note(Side::Server, "after the error", "The client's answer to the error challenge is not the expected one; the exchange fails all the same.", RFC_ERROR);
    }
    trace.note(
        Side::Server,
        "exchange ends",
        "The client acknowledged the error challenge; the server ends the exchange with 535.",
        RFC_ERROR,
    );
    ServerStep::Failure(failure)
}

impl<F: BearerFraming + Clone + core::fmt::Debug> ServerMechanism for BearerServer<F> {
    fn mechanism(&self) -> Mechanism {
        F::MECHANISM
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
                trace.note(
                    Side::Server,
                    "empty challenge",
                    format!("{} is client-first: without an initial response the server sends an empty challenge.", F::MECHANISM),
                    "RFC 4954 §4",
                );
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
        match core::mem::replace(&mut self.expect, Expect::Done) {
            Expect::Message => self.message(response, context, trace),
            Expect::AfterError(failure) => after_error(failure, response, F::DUMMY_RESPONSE, trace),
            Expect::Done => ServerStep::Failure(SaslFailure::malformed(
                format!("the {} exchange is not expecting a response", F::MECHANISM),
                RFC,
            )),
        }
    }
}
