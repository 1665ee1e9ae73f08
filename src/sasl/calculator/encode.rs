//! Calculator → Encode: mechanism + credentials (+ challenge, realm, nonce, cnonce,
//! host) → the exact lines a client sends and each server line they answer. The lines
//! come from running the mechanism's own client type against the challenges, so the
//! calculator and a real session cannot disagree.

use serde::{Deserialize, Serialize};

use super::{challenge_octets, check_length, mechanism_named, required_field, CalcError, WireLine};
use crate::sasl::base64;
use crate::sasl::cram_md5::CramMd5Client;
use crate::sasl::digest_md5::{self, DigestClientSettings, DigestMd5Client, DigestValues};
use crate::sasl::login::{LoginClient, PASSWORD_PROMPT, USERNAME_PROMPT};
use crate::sasl::oauthbearer::OAuthBearerClient;
use crate::sasl::plain::PlainClient;
use crate::sasl::scram::{ScramClient, ScramHash, DEFAULT_ITERATIONS};
use crate::sasl::trace::{Side, Trace};
use crate::sasl::xoauth2::Xoauth2Client;
use crate::sasl::{ClientMechanism, Mechanism};

/// The `digest-uri` host when none is given.
const DEFAULT_HOST: &str = "localhost";

/// What to encode. Every field is optional in JSON; mechanism-specific needs:
/// CRAM-MD5 needs `challenge`; DIGEST-MD5 needs `challenge` (the whole server
/// challenge) or `nonce` (then `realm` is used to build one), and `cnonce`.
///
/// ```json
/// { "mechanism": "CRAM-MD5", "user": "tim", "password": "tanstaaftanstaaf",
///   "challenge": "<1896.697170952@postoffice.reston.mci.net>" }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EncodeRequest {
    /// A mechanism name (any case); for XOAUTH2 and OAUTHBEARER `password` is the token.
    pub mechanism: String,
    /// User name (authcid).
    pub user: String,
    /// Password.
    pub password: String,
    /// PLAIN / DIGEST-MD5: identity to act as.
    pub authzid: Option<String>,
    /// CRAM-MD5 / DIGEST-MD5: the server challenge, as decoded text or as the base64
    /// after `334 ` (a whole `334 …` line is fine too).
    pub challenge: Option<String>,
    /// DIGEST-MD5: realm (when building the challenge from `nonce`, or to override).
    pub realm: Option<String>,
    /// DIGEST-MD5: the server nonce, when no `challenge` is given.
    pub nonce: Option<String>,
    /// DIGEST-MD5: the client nonce.
    pub cnonce: Option<String>,
    /// DIGEST-MD5: host in `digest-uri` (default `localhost`).
    pub host: Option<String>,
    /// DIGEST-MD5: service in `digest-uri` (default `smtp`; `imap` reproduces RFC 2831 §4).
    pub service: Option<String>,
    /// LOGIN: send the user name on the AUTH line.
    pub login_initial_response: bool,
    /// SCRAM, when no `challenge` is given: the salt (base64) of the server-first
    /// message built from `nonce` (the server's part), `salt` and `iterations`.
    pub salt: Option<String>,
    /// SCRAM: the iteration count (default 4096).
    pub iterations: Option<u32>,
    /// OAUTHBEARER: the server's port, sent as `port=` (`host` gives `host=`).
    pub port: Option<u16>,
}

/// The result of [`encode`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EncodeResult {
    /// The mechanism.
    pub mechanism: Mechanism,
    /// One sentence saying what the client sends.
    pub summary: String,
    /// Only the client's lines, exactly as sent (without CRLF).
    pub client_lines: Vec<String>,
    /// The whole exchange: client lines and the server challenges they answer.
    pub exchange: Vec<WireLine>,
    /// DIGEST-MD5: the computed values (response, rspauth…).
    pub digest: Option<DigestValues>,
    /// Every computed value, step by step.
    pub trace: Trace,
}

/// Computes the exact client lines for a mechanism.
pub fn encode(request: &EncodeRequest) -> Result<EncodeResult, CalcError> {
    let optional = [
        &request.authzid,
        &request.challenge,
        &request.realm,
        &request.nonce,
        &request.cnonce,
        &request.host,
        &request.service,
        &request.salt,
    ];
    let given = optional.into_iter().flatten();
    for field in [&request.user, &request.password, &request.mechanism]
        .into_iter()
        .chain(given)
    {
        check_length(field)?;
    }
    let mechanism = mechanism_named(&request.mechanism)?;
    if request.user.is_empty() {
        return Err(CalcError::Missing {
            field: "user",
            why: "every mechanism sends a user name",
        });
    }
    let mut exchange = Exchange::default();
    let digest = match mechanism {
        Mechanism::Plain => encode_plain(request, &mut exchange)?,
        Mechanism::Login => encode_login(request, &mut exchange)?,
        Mechanism::CramMd5 => encode_cram(request, &mut exchange)?,
        Mechanism::DigestMd5 => Some(encode_digest(request, &mut exchange)?),
        Mechanism::ScramSha1 => encode_scram(ScramHash::Sha1, request, &mut exchange)?,
        Mechanism::ScramSha256 => encode_scram(ScramHash::Sha256, request, &mut exchange)?,
        Mechanism::Xoauth2 => {
            exchange.start(&mut Xoauth2Client::new(&request.user, &request.password));
            None
        }
        Mechanism::OAuthBearer => {
            exchange.start(&mut OAuthBearerClient::new(
                &request.user,
                &request.password,
                request.host.as_deref().filter(|h| !h.is_empty()),
                request.port,
            ));
            None
        }
    };
    let client_lines: Vec<String> = exchange
        .lines
        .iter()
        .filter(|line| line.from == Side::Client)
        .map(|line| line.line.clone())
        .collect();
    Ok(EncodeResult {
        mechanism,
        summary: summary(mechanism, &client_lines),
        client_lines,
        exchange: exchange.lines,
        digest,
        trace: exchange.trace,
    })
}

/// "CRAM-MD5 (RFC 2195): the client sends the 2 lines, each ending in CRLF."
fn summary(mechanism: Mechanism, client_lines: &[String]) -> String {
    let lines = match client_lines.len() {
        1 => "the line".to_owned(),
        count => format!("the {count} lines"),
    };
    let empty = if client_lines.iter().any(String::is_empty) {
        "; the empty line is an empty response"
    } else {
        ""
    };
    format!(
        "{mechanism} ({}): the client sends {lines}, each ending in CRLF{empty}.",
        mechanism.rfc()
    )
}

/// The exchange being written: the wire lines and the client's trace.
#[derive(Default)]
struct Exchange {
    lines: Vec<WireLine>,
    trace: Trace,
}

impl Exchange {
    /// `AUTH <mechanism> [initial-response]`, as the client type decides.
    fn start(&mut self, client: &mut dyn ClientMechanism) {
        let mechanism = client.mechanism();
        let line = match client.initial_response(&mut self.trace) {
            Some(octets) => WireLine::client(
                format!("AUTH {mechanism} {}", initial(&octets)),
                Some(&octets),
            ),
            None => WireLine::client(format!("AUTH {mechanism}"), None),
        };
        self.lines.push(line);
    }

    /// One `334` challenge and the client type's answer to it.
    fn answer(
        &mut self,
        client: &mut dyn ClientMechanism,
        challenge: &[u8],
    ) -> Result<(), CalcError> {
        self.lines.push(WireLine::server_challenge(challenge));
        let response =
            client
                .step(challenge, &mut self.trace)
                .map_err(|failure| CalcError::Refused {
                    explanation: failure.to_string(),
                })?;
        self.lines
            .push(WireLine::client(base64::encode(&response), Some(&response)));
        Ok(())
    }
}

/// An initial response on the AUTH line: base64, or `=` for no octets (RFC 4954 §4).
fn initial(octets: &[u8]) -> String {
    if octets.is_empty() {
        "=".into()
    } else {
        base64::encode(octets)
    }
}

fn encode_plain(
    request: &EncodeRequest,
    exchange: &mut Exchange,
) -> Result<Option<DigestValues>, CalcError> {
    let authzid = request.authzid.as_deref().unwrap_or_default();
    exchange.start(&mut PlainClient::new(
        authzid,
        &request.user,
        &request.password,
    ));
    Ok(None)
}

fn encode_login(
    request: &EncodeRequest,
    exchange: &mut Exchange,
) -> Result<Option<DigestValues>, CalcError> {
    let mut client = LoginClient::new(
        &request.user,
        &request.password,
        request.login_initial_response,
    );
    exchange.start(&mut client);
    if !request.login_initial_response {
        exchange.answer(&mut client, USERNAME_PROMPT)?;
    }
    exchange.answer(&mut client, PASSWORD_PROMPT)?;
    Ok(None)
}

fn encode_cram(
    request: &EncodeRequest,
    exchange: &mut Exchange,
) -> Result<Option<DigestValues>, CalcError> {
    let text = required_field(
        &request.challenge,
        "challenge",
        "CRAM-MD5 answers the server's challenge (the text after 334, decoded or as base64)",
    )?;
    let (challenge, how) = challenge_octets(text)?;
    exchange.trace.note(
        Side::Client,
        "challenge input",
        format!("The challenge was {how}."),
        "RFC 2195 §2",
    );
    let mut client = CramMd5Client::new(&request.user, &request.password);
    exchange.start(&mut client);
    exchange.answer(&mut client, &challenge)?;
    Ok(None)
}

fn encode_digest(
    request: &EncodeRequest,
    exchange: &mut Exchange,
) -> Result<DigestValues, CalcError> {
    let cnonce = required_field(
        &request.cnonce,
        "cnonce",
        "DIGEST-MD5's response includes the client's own nonce",
    )?;
    let challenge = digest_challenge(request)?;
    let mut client = DigestMd5Client::new(DigestClientSettings {
        username: request.user.clone(),
        password: request.password.clone(),
        authzid: request.authzid.clone(),
        realm: request.realm.clone().filter(|realm| !realm.is_empty()),
        host: non_empty_or(&request.host, DEFAULT_HOST),
        service: non_empty_or(&request.service, digest_md5::SMTP_SERVICE),
        cnonce: cnonce.to_owned(),
    });
    exchange.start(&mut client);
    exchange.answer(&mut client, &challenge)?;
    let Some(values) = client.computed().cloned() else {
        return Err(CalcError::Refused {
            explanation: "the DIGEST-MD5 client computed no response".into(),
        });
    };
    exchange.answer(
        &mut client,
        format!("rspauth={}", values.rspauth).as_bytes(),
    )?;
    Ok(values)
}

fn encode_scram(
    hash: ScramHash,
    request: &EncodeRequest,
    exchange: &mut Exchange,
) -> Result<Option<DigestValues>, CalcError> {
    let cnonce = required_field(
        &request.cnonce,
        "cnonce",
        "SCRAM's first message carries the client's own nonce",
    )?;
    let server_first = scram_server_first(request, cnonce)?;
    let authzid = request.authzid.as_deref().unwrap_or_default();
    let mut client = ScramClient::new(hash, &request.user, &request.password, authzid, cnonce);
    exchange.start(&mut client);
    exchange.answer(&mut client, &server_first)?;
    let Some(verifier) = client.expected_server_final() else {
        return Err(CalcError::Refused {
            explanation: "the SCRAM client computed no proof".into(),
        });
    };
    exchange.answer(&mut client, verifier.as_bytes())?;
    Ok(None)
}

/// The server-first message: as given, or built from `nonce`, `salt` and `iterations`.
fn scram_server_first(request: &EncodeRequest, cnonce: &str) -> Result<Vec<u8>, CalcError> {
    if let Some(text) = request.challenge.as_deref().filter(|c| !c.is_empty()) {
        return Ok(challenge_octets(text)?.0);
    }
    let why = "SCRAM needs the server-first message, or the server's nonce and the salt";
    let nonce = required_field(&request.nonce, "nonce", why)?;
    let salt = required_field(&request.salt, "salt", why)?;
    let iterations = request.iterations.unwrap_or(DEFAULT_ITERATIONS);
    Ok(format!("r={cnonce}{nonce},s={salt},i={iterations}").into_bytes())
}

/// The server challenge: as given, or built from `nonce` and `realm`.
fn digest_challenge(request: &EncodeRequest) -> Result<Vec<u8>, CalcError> {
    if let Some(text) = request.challenge.as_deref().filter(|c| !c.is_empty()) {
        return Ok(challenge_octets(text)?.0);
    }
    let nonce = required_field(
        &request.nonce,
        "nonce",
        "DIGEST-MD5 needs the server's challenge or at least its nonce",
    )?;
    let realm = request.realm.clone().unwrap_or_default();
    Ok(digest_md5::DigestMd5Server::new(nonce.to_owned())
        .challenge(&realm)
        .into_bytes())
}

fn non_empty_or(value: &Option<String>, default: &str) -> String {
    value
        .clone()
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(mechanism: &str) -> EncodeRequest {
        EncodeRequest {
            mechanism: mechanism.into(),
            user: "tim".into(),
            password: "tanstaaftanstaaf".into(),
            ..EncodeRequest::default()
        }
    }

    #[test]
    fn plain_encode_matches_rfc_4616() {
        let result = encode(&request("plain")).unwrap();
        assert_eq!(
            result.client_lines,
            vec!["AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm"]
        );
    }

    #[test]
    fn login_answers_both_prompts_through_the_login_client() {
        let result = encode(&request("LOGIN")).unwrap();
        assert_eq!(
            result.client_lines,
            vec!["AUTH LOGIN", "dGlt", "dGFuc3RhYWZ0YW5zdGFhZg=="]
        );
        assert_eq!(result.exchange[1].line, "334 VXNlcm5hbWU6");
        let with_initial = encode(&EncodeRequest {
            login_initial_response: true,
            ..request("LOGIN")
        })
        .unwrap();
        assert_eq!(
            with_initial.client_lines,
            vec!["AUTH LOGIN dGlt", "dGFuc3RhYWZ0YW5zdGFhZg=="]
        );
    }

    #[test]
    fn cram_md5_encode_gives_the_rfc_2195_response() {
        let result = encode(&EncodeRequest {
            challenge: Some("<1896.697170952@postoffice.reston.mci.net>".into()),
            ..request("CRAM-MD5")
        })
        .unwrap();
        assert_eq!(
            result.client_lines,
            vec![
                "AUTH CRAM-MD5",
                "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"
            ]
        );
    }

    #[test]
    fn digest_md5_encode_answers_the_challenge_and_the_rspauth() {
        let result = encode(&EncodeRequest {
            nonce: Some("OA6MG9tEQGm2hh".into()),
            realm: Some("elwood.innosoft.com".into()),
            cnonce: Some("OA6MHXh6VqTrRk".into()),
            ..request("DIGEST-MD5")
        })
        .unwrap();
        assert_eq!(result.client_lines.len(), 3);
        assert_eq!(result.client_lines.last().map(String::as_str), Some(""));
        let digest = result.digest.unwrap();
        assert!(result.exchange[3].line.ends_with(&base64::encode(
            format!("rspauth={}", digest.rspauth).as_bytes()
        )));
    }

    #[test]
    fn digest_md5_without_cnonce_says_what_is_missing() {
        let error = encode(&EncodeRequest {
            nonce: Some("n".into()),
            ..request("DIGEST-MD5")
        })
        .unwrap_err();
        assert!(matches!(
            error,
            CalcError::Missing {
                field: "cnonce",
                ..
            }
        ));
    }

    #[test]
    fn scram_sha_256_encode_gives_the_rfc_7677_exchange() {
        let result = encode(&EncodeRequest {
            mechanism: "SCRAM-SHA-256".into(),
            user: "user".into(),
            password: "pencil".into(),
            cnonce: Some("rOprNGfwEbeRWgbNEkqO".into()),
            nonce: Some("%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0".into()),
            salt: Some("W22ZaJ0SNY7soEsUEjb6gQ==".into()),
            ..EncodeRequest::default()
        })
        .unwrap();
        let decoded: Vec<String> = result
            .client_lines
            .iter()
            .map(|line| {
                let data = line.strip_prefix("AUTH SCRAM-SHA-256 ").unwrap_or(line);
                String::from_utf8(base64::decode(data).unwrap()).unwrap()
            })
            .collect();
        assert_eq!(
            decoded,
            vec![
                "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
                "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
                "",
            ]
        );
        assert_eq!(
            result.exchange[3]
                .decoded
                .as_ref()
                .map(|o| o.visible.as_str()),
            Some("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
        );
    }
}
