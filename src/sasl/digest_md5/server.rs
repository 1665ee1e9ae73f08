//! The DIGEST-MD5 server (RFC 2831 §2.1.1, §2.1.3): it issues a challenge, checks the
//! client's digest-response directive by directive, recomputes `response` from the
//! stored password and proves itself with `rspauth`.

use super::compute::{compute, DigestInputs};
use super::directives::quote;
use super::{
    check_qop, directive_failure, optional, parse_directives, required, FIRST_NONCE_COUNT, RFC,
    RFC_CHALLENGE, RFC_RESPONSE_VALUE, RFC_RSPAUTH, SMTP_SERVICE,
};
use crate::sasl::plain::authorize;
use crate::sasl::trace::{Side, Trace};
use crate::sasl::{
    constant_time_eq, Identity, Mechanism, SaslFailure, ServerContext, ServerMechanism, ServerStep,
};

/// Single-valued directives of a response (RFC 2831 §2.1.2).
const RESPONSE_SINGLE: &[&str] = &[
    "username",
    "realm",
    "nonce",
    "cnonce",
    "nc",
    "qop",
    "digest-uri",
    "response",
    "maxbuf",
    "charset",
    "cipher",
    "authzid",
];

/// What the DIGEST-MD5 server expects next.
#[derive(Clone, Debug, PartialEq, Eq)]
enum ServerExpect {
    Start,
    Response,
    EmptyAfterRspauth(Identity),
    Done,
}

/// Server side of DIGEST-MD5.
#[derive(Clone, Debug)]
pub struct DigestMd5Server {
    nonce: String,
    expect: ServerExpect,
}

impl DigestMd5Server {
    /// A server that will issue `nonce` (fresh per exchange, from the entropy source).
    pub fn new(nonce: String) -> Self {
        Self {
            nonce,
            expect: ServerExpect::Start,
        }
    }

    /// The challenge text for `realm`.
    pub fn challenge(&self, realm: &str) -> String {
        format!(
            "realm={},nonce={},qop=\"auth\",charset=utf-8,algorithm=md5-sess",
            quote(realm),
            quote(&self.nonce)
        )
    }

    fn check_response(
        &self,
        octets: &[u8],
        context: &ServerContext<'_>,
        trace: &mut Trace,
    ) -> Result<(Identity, String), SaslFailure> {
        trace.value(
            Side::Server,
            "client response",
            octets,
            "The decoded digest-response directives.",
            RFC,
        );
        let directives = parse_directives(octets, "digest-response", RFC)?;
        directives
            .check_single(RESPONSE_SINGLE)
            .map_err(|e| directive_failure(e, RFC))?;
        let username = required(&directives, "username", RFC)?;
        let nonce = required(&directives, "nonce", RFC)?;
        let cnonce = required(&directives, "cnonce", RFC)?;
        let nc = required(&directives, "nc", RFC)?;
        let digest_uri = required(&directives, "digest-uri", RFC)?;
        let response = required(&directives, "response", RFC)?;
        let qop = optional(&directives, "qop", RFC)?.unwrap_or("auth");
        let realm = optional(&directives, "realm", RFC)?.unwrap_or("");
        let authzid = optional(&directives, "authzid", RFC)?;
        let charset = optional(&directives, "charset", RFC)?;
        check_qop(qop, RFC)?;
        if let Some(other) = charset.filter(|c| !c.eq_ignore_ascii_case("utf-8")) {
            return Err(SaslFailure::malformed(
                format!("charset \"{other}\": the only allowed value is utf-8"),
                RFC,
            ));
        }
        if nonce != self.nonce {
            return Err(SaslFailure::malformed(
                format!(
                    "nonce \"{nonce}\" is not the one this server issued (\"{}\")",
                    self.nonce
                ),
                RFC,
            ));
        }
        if nc != FIRST_NONCE_COUNT {
            return Err(SaslFailure::malformed(
                format!("nc={nc}: the nonce was issued for this exchange only, so the count must be {FIRST_NONCE_COUNT}"), RFC));
        }
        if cnonce.is_empty() {
            return Err(SaslFailure::malformed(
                "cnonce is empty; the client must add its own randomness",
                RFC,
            ));
        }
        let offered_realm = context.effective_realm();
        if !realm.is_empty() && realm != offered_realm {
            return Err(SaslFailure::malformed(
                format!(
                    "realm \"{realm}\" is not the realm this server offered (\"{offered_realm}\")"
                ),
                RFC,
            ));
        }
        check_digest_uri(digest_uri, context)?;
        trace.note(
            Side::Server,
            "directive checks",
            format!("nonce is ours, nc={nc}, qop={qop}, digest-uri {digest_uri} names this server"),
            RFC,
        );
        let Some(password) = context.password_of(username) else {
            return Err(SaslFailure::bad_credentials(
                format!("no user \"{username}\" is configured on this server"),
                RFC,
            ));
        };
        let inputs = DigestInputs {
            username: username.to_owned(),
            realm: realm.to_owned(),
            password: password.to_owned(),
            nonce: nonce.to_owned(),
            cnonce: cnonce.to_owned(),
            nc: nc.to_owned(),
            qop: qop.to_owned(),
            digest_uri: digest_uri.to_owned(),
            authzid: authzid.map(str::to_owned),
            utf8: charset.is_some(),
        };
        let values = compute(&inputs, Side::Server, trace);
        if !constant_time_eq(
            values.response.as_bytes(),
            response.to_ascii_lowercase().as_bytes(),
        ) {
            return Err(SaslFailure::bad_credentials(
                format!("response={response} is not what the password configured for \"{username}\" gives ({})", values.response),
                RFC_RESPONSE_VALUE));
        }
        trace.note(
            Side::Server,
            "response check",
            "The client's response equals the server's computation (compared in constant time).",
            RFC_RESPONSE_VALUE,
        );
        match authorize(username, authzid.unwrap_or(""), context, RFC) {
            ServerStep::Success(who) => Ok((who, values.rspauth)),
            ServerStep::Failure(failure) => Err(failure),
            ServerStep::Challenge(_) => Err(SaslFailure::malformed("unexpected state", RFC)),
        }
    }
}

/// Checks `serv-type "/" host [ "/" serv-name ]` names SMTP on this server.
fn check_digest_uri(digest_uri: &str, context: &ServerContext<'_>) -> Result<(), SaslFailure> {
    let mut parts = digest_uri.splitn(3, '/');
    let service = parts.next().unwrap_or_default();
    let host = parts.next().unwrap_or_default();
    if !service.eq_ignore_ascii_case(SMTP_SERVICE) {
        return Err(SaslFailure::malformed(
            format!("digest-uri \"{digest_uri}\" names service \"{service}\"; an SMTP server expects \"smtp/{}\"", context.hostname), RFC));
    }
    let known = host.eq_ignore_ascii_case(context.hostname)
        || context
            .digest_uri_aliases
            .iter()
            .any(|alias| alias.eq_ignore_ascii_case(host));
    if !known {
        return Err(SaslFailure::malformed(
            format!("digest-uri \"{digest_uri}\" names host \"{host}\", not this server (\"{}\"); the check stops a response computed for another server being replayed here", context.hostname), RFC));
    }
    Ok(())
}

impl ServerMechanism for DigestMd5Server {
    fn mechanism(&self) -> Mechanism {
        Mechanism::DigestMd5
    }

    fn start(
        &mut self,
        initial_response: Option<&[u8]>,
        context: &ServerContext<'_>,
        trace: &mut Trace,
    ) -> ServerStep {
        if initial_response.is_some() {
            self.expect = ServerExpect::Done;
            return ServerStep::Failure(SaslFailure::malformed(
                "DIGEST-MD5 starts with the server's challenge; the client may not send an initial response",
                "RFC 4954 §4",
            ));
        }
        let challenge = self.challenge(context.effective_realm());
        trace.value(
            Side::Server,
            "challenge",
            challenge.as_bytes(),
            "realm, a fresh nonce, qop=\"auth\" (authentication only), charset=utf-8 and algorithm=md5-sess.",
            RFC_CHALLENGE,
        );
        self.expect = ServerExpect::Response;
        ServerStep::Challenge(challenge.into_bytes())
    }

    fn step(
        &mut self,
        response: &[u8],
        context: &ServerContext<'_>,
        trace: &mut Trace,
    ) -> ServerStep {
        match core::mem::replace(&mut self.expect, ServerExpect::Done) {
            ServerExpect::Response => match self.check_response(response, context, trace) {
                Ok((who, rspauth)) => {
                    let line = format!("rspauth={rspauth}");
                    trace.value(
                        Side::Server,
                        "rspauth line",
                        line.as_bytes(),
                        "The server proves it knows the password too; the client must check this value before trusting the server.",
                        RFC_RSPAUTH,
                    );
                    self.expect = ServerExpect::EmptyAfterRspauth(who);
                    ServerStep::Challenge(line.into_bytes())
                }
                Err(failure) => ServerStep::Failure(failure),
            },
            ServerExpect::EmptyAfterRspauth(who) if response.is_empty() => {
                trace.note(
                    Side::Server,
                    "final step",
                    "The client accepted rspauth with an empty response; authentication is complete.",
                    "RFC 4954 §4",
                );
                ServerStep::Success(who)
            }
            ServerExpect::EmptyAfterRspauth(_) => ServerStep::Failure(SaslFailure::malformed(
                "after rspauth the client must send an empty response",
                RFC_RSPAUTH,
            )),
            ServerExpect::Start | ServerExpect::Done => ServerStep::Failure(
                SaslFailure::malformed("the DIGEST-MD5 exchange is not expecting a response", RFC),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sasl::digest_md5::client::{DigestClientSettings, DigestMd5Client};
    use crate::sasl::{ClientMechanism, UserCredential};

    #[test]
    fn client_and_server_agree_and_finish_with_empty_step() {
        let users = vec![UserCredential {
            name: "chris".into(),
            password: "secret".into(),
        }];
        let context = ServerContext::for_tests(&users, "mx.example.org");
        let mut trace = Trace::new();
        let mut server = DigestMd5Server::new("n0nce".into());
        let mut client = DigestMd5Client::new(DigestClientSettings {
            username: "chris".into(),
            password: "secret".into(),
            authzid: None,
            realm: None,
            host: "mx.example.org".into(),
            service: SMTP_SERVICE.into(),
            cnonce: "cn0nce".into(),
        });
        let ServerStep::Challenge(challenge) = server.start(None, &context, &mut trace) else {
            panic!("expected a challenge");
        };
        let response = client.step(&challenge, &mut trace).unwrap();
        let ServerStep::Challenge(rspauth) = server.step(&response, &context, &mut trace) else {
            panic!("expected rspauth");
        };
        assert!(rspauth.starts_with(b"rspauth="));
        let empty = client.step(&rspauth, &mut trace).unwrap();
        assert!(empty.is_empty());
        assert!(matches!(
            server.step(&empty, &context, &mut trace),
            ServerStep::Success(_)
        ));
    }
}
