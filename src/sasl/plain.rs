//! PLAIN (RFC 4616): the client sends one message `[authzid] NUL authcid NUL passwd`,
//! UTF-8, each part at most 255 octets. The password crosses the wire only base64
//! encoded, which is why servers offer PLAIN only over TLS.

use serde::Serialize;

use super::trace::{Side, Trace};
use super::{
    constant_time_eq, utf8_or_explain, ClientMechanism, FailureKind, Identity, Mechanism,
    SaslFailure, ServerContext, ServerMechanism, ServerStep,
};

const RFC: &str = "RFC 4616 §2";
/// Longest authzid, authcid or password (RFC 4616 §2: `1*SAFE` up to 255 octets).
pub const MAX_PART: usize = 255;

/// The three parts of a PLAIN message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlainMessage {
    /// Who to act as; empty means "the same as authcid".
    pub authzid: String,
    /// Whose password this is.
    pub authcid: String,
    /// The password.
    pub password: String,
}

impl PlainMessage {
    /// The wire octets `authzid NUL authcid NUL passwd`.
    pub fn encode(&self) -> Vec<u8> {
        let mut octets =
            Vec::with_capacity(self.authzid.len() + self.authcid.len() + self.password.len() + 2);
        octets.extend_from_slice(self.authzid.as_bytes());
        octets.push(0);
        octets.extend_from_slice(self.authcid.as_bytes());
        octets.push(0);
        octets.extend_from_slice(self.password.as_bytes());
        octets
    }

    /// Splits a decoded message at its NULs and checks the RFC 4616 §2 grammar.
    pub fn parse(octets: &[u8]) -> Result<Self, SaslFailure> {
        let parts: Vec<&[u8]> = octets.split(|&octet| octet == 0).collect();
        let [authzid, authcid, password] = parts.as_slice() else {
            return Err(SaslFailure::malformed(
                format!(
                    "a PLAIN message has exactly 2 NUL octets (authzid NUL authcid NUL password); this one has {}",
                    parts.len().saturating_sub(1)
                ),
                RFC,
            ));
        };
        for (part, name) in [
            (authzid, "authzid"),
            (authcid, "authcid (user name)"),
            (password, "password"),
        ] {
            if part.len() > MAX_PART {
                return Err(SaslFailure::malformed(
                    format!(
                        "the {name} is {} octets; PLAIN allows at most {MAX_PART}",
                        part.len()
                    ),
                    RFC,
                ));
            }
        }
        if authcid.is_empty() {
            return Err(SaslFailure::malformed(
                "the authcid (user name) between the two NULs is empty",
                RFC,
            ));
        }
        if password.is_empty() {
            return Err(SaslFailure::malformed(
                "the password after the second NUL is empty",
                RFC,
            ));
        }
        let text = |part: &[u8], name: &str| {
            utf8_or_explain(part, name).map_err(|problem| SaslFailure::malformed(problem, RFC))
        };
        Ok(Self {
            authzid: text(authzid, "authzid")?,
            authcid: text(authcid, "authcid")?,
            password: text(password, "password")?,
        })
    }
}

/// Server side of PLAIN.
#[derive(Clone, Debug, Default)]
pub struct PlainServer {
    challenged: bool,
}

impl PlainServer {
    /// A fresh exchange.
    pub fn new() -> Self {
        Self::default()
    }

    fn check(octets: &[u8], context: &ServerContext<'_>, trace: &mut Trace) -> ServerStep {
        trace.value(
            Side::Server,
            "PLAIN message",
            octets,
            "The decoded client message: authzid NUL authcid NUL password.",
            RFC,
        );
        let message = match PlainMessage::parse(octets) {
            Ok(message) => message,
            Err(failure) => return ServerStep::Failure(failure),
        };
        trace.note(
            Side::Server,
            "split at NULs",
            format!(
                "authzid \"{}\", authcid \"{}\", password of {} octets",
                message.authzid,
                message.authcid,
                message.password.len()
            ),
            RFC,
        );
        check_password(
            Mechanism::Plain,
            &message.authcid,
            &message.password,
            &message.authzid,
            context,
            trace,
        )
    }
}

/// Compares a clear-text password (PLAIN, LOGIN) and applies the authzid policy.
pub(crate) fn check_password(
    mechanism: Mechanism,
    authcid: &str,
    password: &str,
    authzid: &str,
    context: &ServerContext<'_>,
    trace: &mut Trace,
) -> ServerStep {
    let rfc = mechanism.rfc();
    let Some(expected) = context.password_of(authcid) else {
        return ServerStep::Failure(SaslFailure::bad_credentials(
            format!("no user \"{authcid}\" is configured on this server"),
            rfc,
        ));
    };
    if !constant_time_eq(expected.as_bytes(), password.as_bytes()) {
        return ServerStep::Failure(SaslFailure::bad_credentials(
            format!("the password given for \"{authcid}\" is not the configured one"),
            rfc,
        ));
    }
    trace.note(
        Side::Server,
        "password check",
        format!("the password matches the one configured for \"{authcid}\""),
        rfc,
    );
    authorize(authcid, authzid, context, rfc)
}

/// Applies the authzid policy once the authcid's credentials are proven.
pub(crate) fn authorize(
    authcid: &str,
    authzid: &str,
    context: &ServerContext<'_>,
    rfc: &'static str,
) -> ServerStep {
    if authzid.is_empty() || authzid == authcid {
        return ServerStep::Success(Identity {
            authcid: authcid.to_owned(),
            authzid: None,
        });
    }
    if context.allow_authzid {
        return ServerStep::Success(Identity {
            authcid: authcid.to_owned(),
            authzid: Some(authzid.to_owned()),
        });
    }
    ServerStep::Failure(SaslFailure::new(
        FailureKind::AuthzidRefused,
        format!("\"{authcid}\" may not act as \"{authzid}\": this server does not allow an authzid different from the authcid"),
        rfc,
    ))
}

impl ServerMechanism for PlainServer {
    fn mechanism(&self) -> Mechanism {
        Mechanism::Plain
    }

    fn start(
        &mut self,
        initial_response: Option<&[u8]>,
        context: &ServerContext<'_>,
        trace: &mut Trace,
    ) -> ServerStep {
        match initial_response {
            Some(octets) => Self::check(octets, context, trace),
            None => {
                self.challenged = true;
                trace.note(
                    Side::Server,
                    "empty challenge",
                    "No initial response: the server sends an empty challenge and waits for the PLAIN message.",
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
        if !self.challenged {
            return ServerStep::Failure(SaslFailure::malformed(
                "PLAIN has a single message; nothing more was expected",
                RFC,
            ));
        }
        self.challenged = false;
        Self::check(response, context, trace)
    }
}

/// Client side of PLAIN: always sends the message as the initial response.
#[derive(Clone, Debug)]
pub struct PlainClient {
    message: PlainMessage,
    sent: bool,
}

impl PlainClient {
    /// A client for these credentials; `authzid` empty means none.
    pub fn new(authzid: &str, authcid: &str, password: &str) -> Self {
        Self {
            message: PlainMessage {
                authzid: authzid.to_owned(),
                authcid: authcid.to_owned(),
                password: password.to_owned(),
            },
            sent: false,
        }
    }

    fn message(&mut self, trace: &mut Trace) -> Vec<u8> {
        self.sent = true;
        let octets = self.message.encode();
        trace.value(
            Side::Client,
            "PLAIN message",
            &octets,
            format!(
                "authzid \"{}\" NUL authcid \"{}\" NUL password: {} octets, sent base64-encoded.",
                self.message.authzid,
                self.message.authcid,
                octets.len()
            ),
            RFC,
        );
        octets
    }
}

impl ClientMechanism for PlainClient {
    fn mechanism(&self) -> Mechanism {
        Mechanism::Plain
    }

    fn initial_response(&mut self, trace: &mut Trace) -> Option<Vec<u8>> {
        Some(self.message(trace))
    }

    fn step(&mut self, challenge: &[u8], trace: &mut Trace) -> Result<Vec<u8>, SaslFailure> {
        if self.sent || !challenge.is_empty() {
            return Err(SaslFailure::new(
                FailureKind::ServerNotTrusted,
                "the server sent a challenge after the PLAIN message; PLAIN has no further steps",
                RFC,
            ));
        }
        Ok(self.message(trace))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users() -> Vec<super::super::UserCredential> {
        vec![
            super::super::UserCredential {
                name: "tim".into(),
                password: "tanstaaftanstaaf".into(),
            },
            super::super::UserCredential {
                name: "Kurt".into(),
                password: "xipj3plmq".into(),
            },
        ]
    }

    fn context(users: &[super::super::UserCredential], allow: bool) -> ServerContext<'_> {
        ServerContext {
            users,
            allow_authzid: allow,
            hostname: "mx.example.org",
            realm: "",
            digest_uri_aliases: &[],
        }
    }

    #[test]
    fn rfc_4616_messages_parse() {
        let tim = PlainMessage::parse(b"\0tim\0tanstaaftanstaaf").unwrap();
        assert_eq!((tim.authzid.as_str(), tim.authcid.as_str()), ("", "tim"));
        let kurt = PlainMessage::parse(b"Ursel\0Kurt\0xipj3plmq").unwrap();
        assert_eq!(kurt.authzid, "Ursel");
        assert_eq!(kurt.encode(), b"Ursel\0Kurt\0xipj3plmq");
    }

    #[test]
    fn bad_messages_are_refused_with_reasons() {
        let long = [b"\0".as_slice(), &[b'a'; 256], b"\0pw"].concat();
        let table: &[(&[u8], &str)] = &[
            (b"tim\0pw", "has 1"),
            (b"a\0b\0c\0d", "has 3"),
            (b"", "has 0"),
            (b"\0\0pw", "authcid"),
            (b"\0tim\0", "password"),
            (&long, "256 octets"),
            (b"\0t\xffm\0pw", "UTF-8"),
        ];
        for (input, needle) in table {
            let failure = PlainMessage::parse(input).unwrap_err();
            assert_eq!(failure.kind, FailureKind::Malformed);
            assert!(failure.explanation.contains(needle), "{failure}");
        }
    }

    #[test]
    fn server_applies_the_authzid_policy() {
        let users = users();
        let mut trace = Trace::new();
        let refused = PlainServer::new().start(
            Some(b"Ursel\0Kurt\0xipj3plmq"),
            &context(&users, false),
            &mut trace,
        );
        assert!(matches!(refused, ServerStep::Failure(f) if f.kind == FailureKind::AuthzidRefused));
        let allowed = PlainServer::new().start(
            Some(b"Ursel\0Kurt\0xipj3plmq"),
            &context(&users, true),
            &mut trace,
        );
        assert_eq!(
            allowed,
            ServerStep::Success(Identity {
                authcid: "Kurt".into(),
                authzid: Some("Ursel".into())
            })
        );
    }

    #[test]
    fn server_without_initial_response_sends_empty_challenge_then_checks() {
        let users = users();
        let context = context(&users, false);
        let mut trace = Trace::new();
        let mut server = PlainServer::new();
        assert_eq!(
            server.start(None, &context, &mut trace),
            ServerStep::Challenge(Vec::new())
        );
        let wrong = server.step(b"\0tim\0wrong", &context, &mut trace);
        assert!(matches!(wrong, ServerStep::Failure(f) if f.kind == FailureKind::BadCredentials));
    }
}
