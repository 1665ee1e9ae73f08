//! DIGEST-MD5 (RFC 2831; Historic since RFC 6331 but still deployed, e.g. by Cyrus SASL).
//!
//! 1. Server challenge: `realm="…",nonce="…",qop="auth",charset=utf-8,algorithm=md5-sess`.
//! 2. Client response: username, realm, nonce, cnonce, nc, qop, digest-uri `smtp/<host>`
//!    and `response` = KD(HEX(H(A1)), nonce:nc:cnonce:qop:HEX(H(A2))) (§2.1.2.1).
//! 3. Server checks it and answers `rspauth=` (same formula, A2 without
//!    "AUTHENTICATE"), proving it knows the password too; the client verifies it.
//! 4. The client sends an empty response and the server reports success.
//!
//! Only qop "auth" is offered: integrity and confidentiality layers (auth-int,
//! auth-conf) are refused with an explanation.

pub mod directives;

use md5::{Digest as _, Md5};
use serde::Serialize;

use super::plain::authorize;
use super::trace::{Side, Trace};
use super::{
    constant_time_eq, lower_hex, Authenticated, ClientMechanism, FailureKind, Mechanism,
    SaslFailure, ServerContext, ServerMechanism, ServerStep,
};
use directives::{quote, DirectiveError, Directives};

const RFC: &str = "RFC 2831 §2.1.2";
const RFC_CHALLENGE: &str = "RFC 2831 §2.1.1";
const RFC_RESPONSE_VALUE: &str = "RFC 2831 §2.1.2.1";
const RFC_RSPAUTH: &str = "RFC 2831 §2.1.3";
/// The only nonce count we accept: the nonce is used once (no re-authentication).
pub const FIRST_NONCE_COUNT: &str = "00000001";
/// The SMTP service type in `digest-uri` (RFC 4954 §4 / RFC 2831 §2.1.2).
pub const SMTP_SERVICE: &str = "smtp";

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
/// Single-valued directives of a challenge (RFC 2831 §2.1.1; realm may repeat).
const CHALLENGE_SINGLE: &[&str] = &["nonce", "qop", "stale", "maxbuf", "charset", "algorithm"];

/// H(octets) = 16-octet MD5.
fn h(octets: &[u8]) -> [u8; 16] {
    Md5::digest(octets).into()
}

/// Strings in DIGEST-MD5 hashes are ISO 8859-1 when every character fits, UTF-8
/// otherwise, if the peer announced `charset=utf-8` (RFC 2831 §2.1.2.1).
pub fn hash_form(text: &str, utf8_announced: bool) -> Vec<u8> {
    let latin1: Option<Vec<u8>> = text
        .chars()
        .map(|character| u8::try_from(u32::from(character)).ok())
        .collect();
    match latin1 {
        Some(octets) if utf8_announced => octets,
        _ => text.as_bytes().to_vec(),
    }
}

/// Everything that goes into the response and rspauth values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DigestInputs {
    /// The user name.
    pub username: String,
    /// The realm (empty if the response had none).
    pub realm: String,
    /// The password.
    pub password: String,
    /// The server's nonce.
    pub nonce: String,
    /// The client's nonce.
    pub cnonce: String,
    /// Nonce count, 8 hex digits.
    pub nc: String,
    /// Quality of protection; always `auth` here.
    pub qop: String,
    /// `serv-type/host[/serv-name]`.
    pub digest_uri: String,
    /// Identity to act as, if any.
    pub authzid: Option<String>,
    /// Whether `charset=utf-8` was announced (changes how strings are hashed).
    pub utf8: bool,
}

/// The computed values: the response the client sends and the rspauth the server
/// answers, as lower-case hex.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DigestValues {
    /// HEX(H(user:realm:password)).
    pub user_realm_password_hash: String,
    /// HEX(H(A1)).
    pub ha1: String,
    /// HEX(H(A2)) for the response.
    pub ha2: String,
    /// The `response=` value.
    pub response: String,
    /// The `rspauth=` value.
    pub rspauth: String,
}

/// Computes response and rspauth, tracing every intermediate value.
pub fn compute(inputs: &DigestInputs, side: Side, trace: &mut Trace) -> DigestValues {
    let mut user_realm_password = hash_form(&inputs.username, inputs.utf8);
    user_realm_password.push(b':');
    user_realm_password.extend(hash_form(&inputs.realm, inputs.utf8));
    user_realm_password.push(b':');
    user_realm_password.extend(hash_form(&inputs.password, inputs.utf8));
    trace.value(
        side,
        "user:realm:password",
        &user_realm_password,
        "The secret that both sides can compute: user name, realm and password joined by colons.",
        RFC_RESPONSE_VALUE,
    );
    let urp_hash = h(&user_realm_password);
    trace.value(
        side,
        "H(user:realm:password)",
        &urp_hash,
        format!(
            "MD5 of the line above: {} (16 binary octets, not hex, go into A1).",
            lower_hex(&urp_hash)
        ),
        RFC_RESPONSE_VALUE,
    );
    let mut a1 = urp_hash.to_vec();
    a1.extend(format!(":{}:{}", inputs.nonce, inputs.cnonce).as_bytes());
    if let Some(authzid) = inputs.authzid.as_deref().filter(|a| !a.is_empty()) {
        a1.push(b':');
        a1.extend(authzid.as_bytes());
    }
    trace.value(side, "A1", &a1,
        "A1 = H(user:realm:password) : nonce : cnonce [: authzid] (md5-sess: the session key mixes in both nonces).",
        RFC_RESPONSE_VALUE);
    let ha1 = lower_hex(&h(&a1));
    trace.value(
        side,
        "HA1",
        ha1.as_bytes(),
        format!("HEX(H(A1)) = {ha1}"),
        RFC_RESPONSE_VALUE,
    );
    let ha2 = hashed_a2(inputs, "AUTHENTICATE", "A2", "HA2", side, trace);
    let response = kd(&ha1, inputs, &ha2, "response", side, trace);
    let rsp_ha2 = hashed_a2(inputs, "", "A2 (rspauth)", "HA2 (rspauth)", side, trace);
    let rspauth = kd(&ha1, inputs, &rsp_ha2, "rspauth", side, trace);
    DigestValues {
        user_realm_password_hash: lower_hex(&urp_hash),
        ha1,
        ha2,
        response,
        rspauth,
    }
}

fn hashed_a2(
    inputs: &DigestInputs,
    method: &str,
    label: &str,
    hash_label: &str,
    side: Side,
    trace: &mut Trace,
) -> String {
    let a2 = format!("{method}:{}", inputs.digest_uri);
    let why = if method.is_empty() {
        "For rspauth, A2 = \":\" digest-uri (no method), so the server's proof differs from the client's."
    } else {
        "A2 = \"AUTHENTICATE:\" digest-uri (qop=auth adds nothing more)."
    };
    trace.value(side, label, a2.as_bytes(), why, RFC_RESPONSE_VALUE);
    let hashed = lower_hex(&h(a2.as_bytes()));
    trace.value(
        side,
        hash_label,
        hashed.as_bytes(),
        format!("HEX(H({label})) = {hashed}"),
        RFC_RESPONSE_VALUE,
    );
    hashed
}

fn kd(
    ha1: &str,
    inputs: &DigestInputs,
    ha2: &str,
    label: &str,
    side: Side,
    trace: &mut Trace,
) -> String {
    let data = format!(
        "{ha1}:{}:{}:{}:{}:{ha2}",
        inputs.nonce, inputs.nc, inputs.cnonce, inputs.qop
    );
    trace.value(
        side,
        format!("KD input ({label})"),
        data.as_bytes(),
        "KD(k, s) = H(k:s) with k = HA1 and s = nonce:nc:cnonce:qop:HA2, all in hex.",
        RFC_RESPONSE_VALUE,
    );
    let value = lower_hex(&h(data.as_bytes()));
    let rfc = if label == "rspauth" {
        RFC_RSPAUTH
    } else {
        RFC_RESPONSE_VALUE
    };
    trace.value(
        side,
        label,
        value.as_bytes(),
        format!("{label} = HEX(KD(...)) = {value}"),
        rfc,
    );
    value
}

fn directive_failure(error: DirectiveError, rfc: &'static str) -> SaslFailure {
    SaslFailure::malformed(error.to_string(), rfc)
}

fn parse_directives(
    octets: &[u8],
    what: &str,
    rfc: &'static str,
) -> Result<Directives, SaslFailure> {
    let text = super::utf8_or_explain(octets, what).map_err(|p| SaslFailure::malformed(p, rfc))?;
    Directives::parse(&text).map_err(|e| directive_failure(e, rfc))
}

fn required<'a>(
    directives: &'a Directives,
    name: &str,
    rfc: &'static str,
) -> Result<&'a str, SaslFailure> {
    directives
        .single(name)
        .map_err(|e| directive_failure(e, rfc))?
        .ok_or_else(|| {
            SaslFailure::malformed(format!("the required directive \"{name}\" is missing"), rfc)
        })
}

fn optional<'a>(
    directives: &'a Directives,
    name: &str,
    rfc: &'static str,
) -> Result<Option<&'a str>, SaslFailure> {
    directives
        .single(name)
        .map_err(|e| directive_failure(e, rfc))
}

/// Refuses quality-of-protection values other than `auth`.
fn check_qop(qop: &str, rfc: &'static str) -> Result<(), SaslFailure> {
    match qop {
        "auth" => Ok(()),
        "auth-int" | "auth-conf" => Err(SaslFailure::new(
            FailureKind::Unsupported,
            format!("qop \"{qop}\" asks for an integrity or encryption layer after authentication; this playground offers only qop=\"auth\" (authentication only)"),
            rfc,
        )),
        other => Err(SaslFailure::malformed(format!("unknown qop \"{other}\"; only \"auth\" is offered"), rfc)),
    }
}

/// What the DIGEST-MD5 server expects next.
#[derive(Clone, Debug, PartialEq, Eq)]
enum ServerExpect {
    Start,
    Response,
    EmptyAfterRspauth(Authenticated),
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
    ) -> Result<(Authenticated, String), SaslFailure> {
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
    /// Service part of `digest-uri`: `smtp` for SMTP ([`SMTP_SERVICE`]); other values
    /// only to reproduce RFC 2831's IMAP and ACAP examples.
    pub service: String,
    /// The client nonce (fresh per exchange, from the entropy source).
    pub cnonce: String,
}

/// Builds the digest-response for a parsed challenge. Returns the octets to send and
/// the computed values (including the rspauth to expect).
pub fn client_response(
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
}

impl DigestMd5Client {
    /// A client with these settings.
    pub fn new(settings: DigestClientSettings) -> Self {
        Self {
            settings,
            expect: ClientExpect::Challenge,
        }
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
                self.expect = ClientExpect::Rspauth(values.rspauth);
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
    use crate::sasl::UserCredential;

    fn rfc_inputs(nonce: &str, cnonce: &str, uri: &str) -> DigestInputs {
        DigestInputs {
            username: "chris".into(),
            realm: "elwood.innosoft.com".into(),
            password: "secret".into(),
            nonce: nonce.into(),
            cnonce: cnonce.into(),
            nc: "00000001".into(),
            qop: "auth".into(),
            digest_uri: uri.into(),
            authzid: None,
            utf8: true,
        }
    }

    #[test]
    fn rfc_2831_imap_example_with_intermediates() {
        let mut trace = Trace::new();
        let values = compute(
            &rfc_inputs(
                "OA6MG9tEQGm2hh",
                "OA6MHXh6VqTrRk",
                "imap/elwood.innosoft.com",
            ),
            Side::Client,
            &mut trace,
        );
        assert_eq!(
            values.user_realm_password_hash,
            "eb5a750053e4d2c34aa84bbc9b0b6ee7"
        );
        assert_eq!(values.ha1, "a2549853149b0536f01f0b850c643c57");
        assert_eq!(values.ha2, "15e3594677e51ade69715d1cb7d207ba");
        assert_eq!(values.response, "d388dad90d4bbd760a152321f2143af7");
        assert_eq!(values.rspauth, "ea40f60335c427b5527b84dbabcdfffd");
        for label in [
            "H(user:realm:password)",
            "A1",
            "HA1",
            "A2",
            "HA2",
            "response",
            "rspauth",
        ] {
            assert!(trace.find(label).is_some(), "trace lacks {label}");
        }
    }

    #[test]
    fn hash_form_uses_latin1_only_when_it_fits_and_utf8_was_announced() {
        assert_eq!(hash_form("é", true), vec![0xe9]);
        assert_eq!(hash_form("é", false), "é".as_bytes());
        assert_eq!(hash_form("€", true), "€".as_bytes());
    }

    #[test]
    fn client_and_server_agree_and_finish_with_empty_step() {
        let users = vec![UserCredential {
            name: "chris".into(),
            password: "secret".into(),
        }];
        let context = ServerContext {
            users: &users,
            allow_authzid: false,
            hostname: "mx.example.org",
            realm: "",
            digest_uri_aliases: &[],
        };
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
