//! The DIGEST-MD5 client (RFC 2831 §2.1.2, §2.1.3): it reads the server's challenge,
//! answers with its digest-response and checks the server's `rspauth` before trusting
//! the session.

use serde::Serialize;

use super::compute::{compute, DigestInputs, DigestValues};
use super::directives::quote;
use super::{
    directive_failure, optional, parse_directives, required, FIRST_NONCE_COUNT, RFC, RFC_CHALLENGE,
    RFC_RSPAUTH,
};
use crate::sasl::trace::{Side, Trace};
use crate::sasl::{constant_time_eq, ClientMechanism, FailureKind, Mechanism, SaslFailure};

/// Single-valued directives of a challenge (RFC 2831 §2.1.1; realm may repeat).
const CHALLENGE_SINGLE: &[&str] = &["nonce", "qop", "stale", "maxbuf", "charset", "algorithm"];

/// The parts of a server challenge a client needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParsedChallenge {
    /// Realms offered (may be none).
    pub realms: Vec<String>,
    /// The server nonce.
    pub nonce: String,
    /// Whether `charset=utf-8` was announced.
    pub utf8: bool,
}

/// Parses and checks a server challenge (RFC 2831 §2.1.1).
pub fn parse_challenge(octets: &[u8]) -> Result<ParsedChallenge, SaslFailure> {
    let directives = parse_directives(octets, "digest-challenge", RFC_CHALLENGE)?;
    directives
        .check_single(CHALLENGE_SINGLE)
        .map_err(|e| directive_failure(e, RFC_CHALLENGE))?;
    let nonce = required(&directives, "nonce", RFC_CHALLENGE)?;
    let algorithm = required(&directives, "algorithm", RFC_CHALLENGE)?;
    if algorithm != "md5-sess" {
        return Err(SaslFailure::malformed(
            format!("algorithm \"{algorithm}\": RFC 2831 requires md5-sess"),
            RFC_CHALLENGE,
        ));
    }
    let qop = optional(&directives, "qop", RFC_CHALLENGE)?.unwrap_or("auth");
    let offers_auth = qop.split(',').map(str::trim).any(|q| q == "auth");
    if !offers_auth {
        return Err(SaslFailure::new(
            FailureKind::Unsupported,
            format!(
                "the server offers qop \"{qop}\" but not \"auth\", the only one this client speaks"
            ),
            RFC_CHALLENGE,
        ));
    }
    let charset = optional(&directives, "charset", RFC_CHALLENGE)?;
    Ok(ParsedChallenge {
        realms: directives
            .all("realm")
            .into_iter()
            .map(str::to_owned)
            .collect(),
        nonce: nonce.to_owned(),
        utf8: charset.is_some_and(|c| c.eq_ignore_ascii_case("utf-8")),
    })
}

/// Client settings for DIGEST-MD5.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigestClientSettings {
    /// User name.
    pub username: String,
    /// Password.
    pub password: String,
    /// Identity to act as; `None` or empty for none.
    pub authzid: Option<String>,
    /// Realm to use; `None` takes the first one offered (or the empty realm).
    pub realm: Option<String>,
    /// Host part of `digest-uri` (the server's name as the client knows it).
    pub host: String,
    /// Service part of `digest-uri`: `smtp` for SMTP ([`super::SMTP_SERVICE`]); other values
    /// only to reproduce RFC 2831's IMAP and ACAP examples.
    pub service: String,
    /// The client nonce (fresh per exchange, from the entropy source).
    pub cnonce: String,
}

/// Builds the digest-response for a parsed challenge. Returns the octets to send and
/// the computed values (including the rspauth to expect).
pub(crate) fn client_response(
    settings: &DigestClientSettings,
    challenge: &ParsedChallenge,
    trace: &mut Trace,
) -> (Vec<u8>, DigestValues) {
    let realm = settings
        .realm
        .clone()
        .or_else(|| challenge.realms.first().cloned())
        .unwrap_or_default();
    let inputs = DigestInputs {
        username: settings.username.clone(),
        realm: realm.clone(),
        password: settings.password.clone(),
        nonce: challenge.nonce.clone(),
        cnonce: settings.cnonce.clone(),
        nc: FIRST_NONCE_COUNT.into(),
        qop: "auth".into(),
        digest_uri: format!("{}/{}", settings.service, settings.host),
        authzid: settings.authzid.clone().filter(|a| !a.is_empty()),
        utf8: challenge.utf8,
    };
    let values = compute(&inputs, Side::Client, trace);
    let mut line = String::new();
    if inputs.utf8 {
        line.push_str("charset=utf-8,");
    }
    line.push_str(&format!(
        "username={},realm={},nonce={},nc={},cnonce={},digest-uri={},response={},qop=auth",
        quote(&inputs.username),
        quote(&inputs.realm),
        quote(&inputs.nonce),
        inputs.nc,
        quote(&inputs.cnonce),
        quote(&inputs.digest_uri),
        values.response
    ));
    if let Some(authzid) = &inputs.authzid {
        line.push_str(&format!(",authzid={}", quote(authzid)));
    }
    trace.value(
        Side::Client,
        "digest-response",
        line.as_bytes(),
        "The client's directives: who, which realm and nonce, its own cnonce, the digest-uri and the response value.",
        RFC,
    );
    (line.into_bytes(), values)
}

/// Extracts the rspauth value from the server's second challenge.
pub fn parse_rspauth(octets: &[u8]) -> Result<String, SaslFailure> {
    let directives = parse_directives(octets, "response-auth", RFC_RSPAUTH)?;
    required(&directives, "rspauth", RFC_RSPAUTH).map(str::to_owned)
}

/// What the DIGEST-MD5 client expects next.
#[derive(Clone, Debug, PartialEq, Eq)]
enum ClientExpect {
    Challenge,
    Rspauth(String),
    Done,
}

/// Client side of DIGEST-MD5.
#[derive(Clone, Debug)]
pub struct DigestMd5Client {
    settings: DigestClientSettings,
    expect: ClientExpect,
    /// Boxed: five strings would make every client session's mechanism as large.
    computed: Option<Box<DigestValues>>,
}

impl DigestMd5Client {
    /// A client with these settings.
    pub fn new(settings: DigestClientSettings) -> Self {
        Self {
            settings,
            expect: ClientExpect::Challenge,
            computed: None,
        }
    }

    /// The values computed for the server's challenge (response, and the rspauth the
    /// server must answer), once the challenge was answered.
    pub fn computed(&self) -> Option<&DigestValues> {
        self.computed.as_deref()
    }
}

impl ClientMechanism for DigestMd5Client {
    fn mechanism(&self) -> Mechanism {
        Mechanism::DigestMd5
    }

    fn initial_response(&mut self, _trace: &mut Trace) -> Option<Vec<u8>> {
        None
    }

    fn awaits_server_proof(&self) -> bool {
        !matches!(self.expect, ClientExpect::Done)
    }

    fn step(&mut self, challenge: &[u8], trace: &mut Trace) -> Result<Vec<u8>, SaslFailure> {
        match core::mem::replace(&mut self.expect, ClientExpect::Done) {
            ClientExpect::Challenge => {
                trace.value(
                    Side::Client,
                    "challenge",
                    challenge,
                    "The decoded server challenge.",
                    RFC_CHALLENGE,
                );
                let parsed = parse_challenge(challenge)?;
                let (line, values) = client_response(&self.settings, &parsed, trace);
                self.expect = ClientExpect::Rspauth(values.rspauth.clone());
                self.computed = Some(Box::new(values));
                Ok(line)
            }
            ClientExpect::Rspauth(expected) => {
                trace.value(
                    Side::Client,
                    "server rspauth",
                    challenge,
                    "The server's proof that it knows the password.",
                    RFC_RSPAUTH,
                );
                let received = parse_rspauth(challenge)?;
                if !constant_time_eq(
                    expected.as_bytes(),
                    received.to_ascii_lowercase().as_bytes(),
                ) {
                    return Err(SaslFailure::new(
                        FailureKind::ServerNotTrusted,
                        format!("rspauth={received} but the password gives {expected}: this server does not know the password (or the exchange was tampered with), so the client cancels"),
                        RFC_RSPAUTH,
                    ));
                }
                trace.note(Side::Client, "rspauth check",
                    "rspauth matches the client's own computation: the server is genuine. The client answers with an empty line.",
                    RFC_RSPAUTH);
                Ok(Vec::new())
            }
            ClientExpect::Done => Err(SaslFailure::new(
                FailureKind::ServerNotTrusted,
                "the server sent another challenge after rspauth; DIGEST-MD5 has no further steps",
                RFC,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sasl::digest_md5::SMTP_SERVICE;

    #[test]
    fn client_refuses_a_wrong_rspauth() {
        let mut client = DigestMd5Client::new(DigestClientSettings {
            username: "chris".into(),
            password: "secret".into(),
            authzid: None,
            realm: None,
            host: "mx".into(),
            service: SMTP_SERVICE.into(),
            cnonce: "c".into(),
        });
        let mut trace = Trace::new();
        client
            .step(b"nonce=\"n\",qop=\"auth\",algorithm=md5-sess", &mut trace)
            .unwrap();
        let failure = client
            .step(b"rspauth=00000000000000000000000000000000", &mut trace)
            .unwrap_err();
        assert_eq!(failure.kind, FailureKind::ServerNotTrusted);
    }
}
