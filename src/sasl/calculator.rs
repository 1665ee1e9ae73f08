//! The offline calculator behind the page's "check my AUTH line" tool. No session:
//!
//! - [`encode`]: mechanism + credentials (+ challenge, realm, nonce, cnonce, host) →
//!   the exact lines a client sends, each server line it answers, and the trace.
//! - [`decode`]: a base64 string or a whole log line (`AUTH PLAIN …`, `334 …`, swaks'
//!   ` -> ` / `<-  ` prefixes, `C:`/`S:`) → the decoded octets explained; for a CRAM-MD5
//!   response with the password and challenge, whether the digest is right.
//!
//! Bad input never panics: it yields a [`CalcError`] that says what is wrong, or, when
//! the octets decode but do not fit the mechanism, a result listing the problems.

use core::fmt;
use serde::{Deserialize, Serialize};

use super::base64::{self, Base64Error};
use super::cram_md5::{self, CramResponse};
use super::digest_md5::{self, directives::Directives, DigestClientSettings, DigestValues};
use super::login::{PASSWORD_PROMPT, USERNAME_PROMPT};
use super::plain::{PlainClient, PlainMessage};
use super::trace::{Octets, Side, Trace};
use super::{constant_time_eq, lower_hex, ClientMechanism, Mechanism};

/// Longest input the calculator looks at (four times the AUTH line limit).
pub const MAX_INPUT: usize = 4 * crate::protocol::MAX_AUTH_LINE;

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
    /// `PLAIN`, `LOGIN`, `CRAM-MD5` or `DIGEST-MD5` (any case).
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
}

/// One line of the exchange the calculator shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WireLine {
    /// Who sends it.
    pub from: Side,
    /// The line without CRLF.
    pub line: String,
    /// The octets inside the base64, when there are any.
    pub decoded: Option<Octets>,
}

/// The result of [`encode`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EncodeResult {
    /// The mechanism.
    pub mechanism: Mechanism,
    /// Only the client's lines, exactly as sent (without CRLF).
    pub client_lines: Vec<String>,
    /// The whole exchange: client lines and the server challenges they answer.
    pub exchange: Vec<WireLine>,
    /// DIGEST-MD5: the computed values (response, rspauth…).
    pub digest: Option<DigestValues>,
    /// Every computed value, step by step.
    pub trace: Trace,
}

/// What to decode.
///
/// ```json
/// { "input": "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm" }
/// { "input": "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw",
///   "mechanism": "CRAM-MD5", "password": "tanstaaftanstaaf",
///   "challenge": "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+" }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DecodeRequest {
    /// Base64, or a log line: `AUTH <mech> <data>`, `334 <data>`, optionally after
    /// `C:`, `S:`, ` -> ` or `<-  `.
    pub input: String,
    /// How to read the octets; otherwise taken from an `AUTH` line or guessed.
    pub mechanism: Option<String>,
    /// CRAM-MD5 response: the password, to check the digest.
    pub password: Option<String>,
    /// CRAM-MD5 response: the challenge it answers (text or base64).
    pub challenge: Option<String>,
}

/// What the decoded octets are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Interpretation {
    /// No octets (an empty response, `=` on an AUTH line).
    Empty,
    /// A PLAIN message split at its NULs.
    Plain {
        /// authzid (may be empty).
        authzid: String,
        /// authcid.
        authcid: String,
        /// password.
        password: String,
    },
    /// A LOGIN prompt (`Username:`/`Password:`) from the server.
    LoginPrompt {
        /// The prompt text.
        prompt: String,
    },
    /// A LOGIN answer: user name or password (the position in the exchange says which).
    LoginAnswer {
        /// The text.
        text: String,
    },
    /// A CRAM-MD5 server challenge.
    CramChallenge {
        /// The challenge text.
        challenge: String,
    },
    /// A CRAM-MD5 client response.
    CramResponse {
        /// User name.
        user: String,
        /// The hex digest as sent.
        digest: String,
        /// With password and challenge: the expected digest and whether they match.
        check: Option<CramCheck>,
    },
    /// DIGEST-MD5 directives (challenge, response or rspauth).
    DigestDirectives {
        /// The directives in wire order.
        directives: Directives,
    },
    /// UTF-8 text that fits no mechanism.
    Text {
        /// The text.
        text: String,
    },
    /// Octets that are neither a known message nor UTF-8 text.
    Binary,
}

/// The result of checking a CRAM-MD5 digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CramCheck {
    /// HMAC-MD5(password, challenge) in hex.
    pub expected: String,
    /// Whether the response carries exactly that.
    pub matches: bool,
}

/// The result of [`decode`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecodeResult {
    /// What the input was recognised as.
    pub source: String,
    /// The base64 that was decoded.
    pub base64: String,
    /// The decoded octets.
    pub octets: Octets,
    /// The mechanism used to interpret them, if known.
    pub mechanism: Option<Mechanism>,
    /// What the octets are.
    pub interpretation: Interpretation,
    /// Everything that does not fit the mechanism's rules.
    pub problems: Vec<String>,
    /// Computed values (CRAM-MD5 check).
    pub trace: Trace,
}

/// Input the calculator cannot work with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "camelCase")]
pub enum CalcError {
    /// Nothing to decode.
    EmptyInput,
    /// More than [`MAX_INPUT`] characters.
    TooLong {
        /// How long it was.
        length: usize,
    },
    /// The data part is not base64.
    NotBase64 {
        /// Which field or word.
        what: String,
        /// Why.
        error: Base64Error,
    },
    /// A mechanism name the playground does not implement.
    UnknownMechanism {
        /// The name.
        name: String,
    },
    /// An `AUTH <mech>` line without data.
    NoData {
        /// The mechanism on the line.
        mechanism: String,
    },
    /// A field the mechanism needs is missing or empty.
    Missing {
        /// Field name.
        field: &'static str,
        /// Why it is needed.
        why: &'static str,
    },
    /// The mechanism refused the input (e.g. a malformed DIGEST-MD5 challenge).
    Refused {
        /// What was wrong.
        explanation: String,
    },
}

impl fmt::Display for CalcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyInput => write!(f, "the input is empty: paste a base64 string or an AUTH line"),
            Self::TooLong { length } => write!(f, "the input is {length} characters; at most {MAX_INPUT} are examined"),
            Self::NotBase64 { what, error } => write!(f, "{what} is not base64: {error}"),
            Self::UnknownMechanism { name } => write!(f, "\"{name}\" is not one of PLAIN, LOGIN, CRAM-MD5, DIGEST-MD5"),
            Self::NoData { mechanism } => write!(f, "\"AUTH {mechanism}\" carries no initial response, so there is nothing to decode; paste the next line of the log"),
            Self::Missing { field, why } => write!(f, "{field} is needed: {why}"),
            Self::Refused { explanation } => f.write_str(explanation),
        }
    }
}

fn mechanism_named(name: &str) -> Result<Mechanism, CalcError> {
    Mechanism::parse(name.trim()).ok_or_else(|| CalcError::UnknownMechanism {
        name: name.trim().to_owned(),
    })
}

fn check_length(text: &str) -> Result<(), CalcError> {
    if text.len() > MAX_INPUT {
        return Err(CalcError::TooLong { length: text.len() });
    }
    Ok(())
}

/// Strips log decorations: swaks arrows, `C:`/`S:`, surrounding whitespace and CRLF.
fn strip_log_prefix(line: &str) -> &str {
    let mut text = line.trim();
    for prefix in ["<**", "<~", "~>", "->", "<-", "C:", "S:", "c:", "s:"] {
        if let Some(rest) = text.strip_prefix(prefix) {
            text = rest.trim_start();
            break;
        }
    }
    text
}

/// A challenge given as text or base64 (optionally with `334 `) → its octets.
fn challenge_octets(text: &str) -> Result<(Vec<u8>, &'static str), CalcError> {
    check_length(text)?;
    let stripped = strip_log_prefix(text);
    let data = stripped.strip_prefix("334 ").unwrap_or(stripped).trim();
    match base64::decode(data) {
        Ok(octets) if !data.is_empty() => Ok((octets, "decoded from base64")),
        _ => Ok((data.as_bytes().to_vec(), "taken as text (it is not base64)")),
    }
}

fn required_field<'a>(
    value: &'a Option<String>,
    field: &'static str,
    why: &'static str,
) -> Result<&'a str, CalcError> {
    value
        .as_deref()
        .filter(|v| !v.is_empty())
        .ok_or(CalcError::Missing { field, why })
}

fn client_line(line: String, octets: Option<&[u8]>) -> WireLine {
    WireLine {
        from: Side::Client,
        line,
        decoded: octets.map(Octets::new),
    }
}

fn server_challenge(octets: &[u8]) -> WireLine {
    WireLine {
        from: Side::Server,
        line: format!("334 {}", base64::encode(octets)),
        decoded: Some(Octets::new(octets)),
    }
}

fn response_line(octets: &[u8]) -> WireLine {
    client_line(base64::encode(octets), Some(octets))
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
    let mut trace = Trace::new();
    let mut digest = None;
    let exchange = match mechanism {
        Mechanism::Plain => encode_plain(request, &mut trace),
        Mechanism::Login => encode_login(request, &mut trace),
        Mechanism::CramMd5 => encode_cram(request, &mut trace)?,
        Mechanism::DigestMd5 => {
            let (lines, values) = encode_digest(request, &mut trace)?;
            digest = Some(values);
            lines
        }
    };
    let client_lines = exchange
        .iter()
        .filter(|l| l.from == Side::Client)
        .map(|l| l.line.clone())
        .collect();
    Ok(EncodeResult {
        mechanism,
        client_lines,
        exchange,
        digest,
        trace,
    })
}

fn encode_plain(request: &EncodeRequest, trace: &mut Trace) -> Vec<WireLine> {
    let authzid = request.authzid.clone().unwrap_or_default();
    let mut client = PlainClient::new(&authzid, &request.user, &request.password);
    let octets = client.initial_response(trace).unwrap_or_default();
    let encoded = base64::encode(&octets);
    vec![client_line(format!("AUTH PLAIN {encoded}"), Some(&octets))]
}

fn encode_login(request: &EncodeRequest, trace: &mut Trace) -> Vec<WireLine> {
    trace.value(
        Side::Client,
        "user name",
        request.user.as_bytes(),
        "LOGIN's first answer.",
        "draft-murchison-sasl-login §2",
    );
    trace.value(
        Side::Client,
        "password",
        request.password.as_bytes(),
        "LOGIN's second answer, only base64-encoded.",
        "draft-murchison-sasl-login §2",
    );
    let user = request.user.as_bytes();
    let password = request.password.as_bytes();
    let mut lines = Vec::new();
    if request.login_initial_response {
        lines.push(client_line(
            format!("AUTH LOGIN {}", base64::encode(user)),
            Some(user),
        ));
    } else {
        lines.push(client_line("AUTH LOGIN".into(), None));
        lines.push(server_challenge(USERNAME_PROMPT));
        lines.push(response_line(user));
    }
    lines.push(server_challenge(PASSWORD_PROMPT));
    lines.push(response_line(password));
    lines
}

fn encode_cram(request: &EncodeRequest, trace: &mut Trace) -> Result<Vec<WireLine>, CalcError> {
    let text = required_field(
        &request.challenge,
        "challenge",
        "CRAM-MD5 answers the server's challenge (the text after 334, decoded or as base64)",
    )?;
    let (challenge, how) = challenge_octets(text)?;
    trace.note(
        Side::Client,
        "challenge input",
        format!("The challenge was {how}."),
        "RFC 2195 §2",
    );
    let response = cram_md5::respond(
        &request.user,
        &request.password,
        &challenge,
        Side::Client,
        trace,
    );
    Ok(vec![
        client_line("AUTH CRAM-MD5".into(), None),
        server_challenge(&challenge),
        response_line(&response),
    ])
}

fn encode_digest(
    request: &EncodeRequest,
    trace: &mut Trace,
) -> Result<(Vec<WireLine>, DigestValues), CalcError> {
    let cnonce = required_field(
        &request.cnonce,
        "cnonce",
        "DIGEST-MD5's response includes the client's own nonce",
    )?;
    let challenge = match request.challenge.as_deref().filter(|c| !c.is_empty()) {
        Some(text) => challenge_octets(text)?.0,
        None => {
            let nonce = required_field(
                &request.nonce,
                "nonce",
                "DIGEST-MD5 needs the server's challenge or at least its nonce",
            )?;
            let realm = request.realm.clone().unwrap_or_default();
            digest_md5::DigestMd5Server::new(nonce.to_owned())
                .challenge(&realm)
                .into_bytes()
        }
    };
    trace.value(
        Side::Server,
        "challenge",
        &challenge,
        "The server challenge the response answers.",
        "RFC 2831 §2.1.1",
    );
    let parsed = digest_md5::parse_challenge(&challenge).map_err(|failure| CalcError::Refused {
        explanation: failure.to_string(),
    })?;
    let settings = DigestClientSettings {
        username: request.user.clone(),
        password: request.password.clone(),
        authzid: request.authzid.clone(),
        realm: request.realm.clone(),
        host: request
            .host
            .clone()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "localhost".into()),
        service: request
            .service
            .clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| digest_md5::SMTP_SERVICE.into()),
        cnonce: cnonce.to_owned(),
    };
    let (response, values) = digest_md5::client_response(&settings, &parsed, trace);
    let rspauth = format!("rspauth={}", values.rspauth);
    let lines = vec![
        client_line("AUTH DIGEST-MD5".into(), None),
        server_challenge(&challenge),
        response_line(&response),
        server_challenge(rspauth.as_bytes()),
        client_line(String::new(), Some(&[])),
    ];
    Ok((lines, values))
}

/// Where the data in a decode input came from.
struct Located<'a> {
    source: String,
    data: &'a str,
    mechanism: Option<Mechanism>,
}

fn locate(input: &str) -> Result<Located<'_>, CalcError> {
    let text = strip_log_prefix(input);
    if text.is_empty() {
        return Err(CalcError::EmptyInput);
    }
    let mut words = text.split_ascii_whitespace();
    let first = words.next().unwrap_or_default();
    if first.eq_ignore_ascii_case("AUTH") {
        let name = words.next().unwrap_or_default();
        let mechanism = mechanism_named(name)?;
        let Some(data) = words.next() else {
            return Err(CalcError::NoData {
                mechanism: mechanism.name().to_owned(),
            });
        };
        return Ok(Located {
            source: format!("AUTH {mechanism} line with an initial response"),
            data,
            mechanism: Some(mechanism),
        });
    }
    if let Some(rest) = text.strip_prefix("334") {
        let data = rest.trim_start_matches([' ', '-']).trim();
        return Ok(Located {
            source: "334 server challenge".into(),
            data,
            mechanism: None,
        });
    }
    Ok(Located {
        source: "base64 text".into(),
        data: text,
        mechanism: None,
    })
}

/// Decodes and explains a base64 string or AUTH log line.
pub fn decode(request: &DecodeRequest) -> Result<DecodeResult, CalcError> {
    check_length(&request.input)?;
    let located = locate(&request.input)?;
    let hinted = request
        .mechanism
        .as_deref()
        .filter(|m| !m.trim().is_empty())
        .map(mechanism_named)
        .transpose()?;
    let octets = if located.data == "=" {
        Vec::new()
    } else {
        base64::decode(located.data).map_err(|error| CalcError::NotBase64 {
            what: format!("\"{}\"", located.data.chars().take(40).collect::<String>()),
            error,
        })?
    };
    let mechanism = hinted.or(located.mechanism).or_else(|| guess(&octets));
    let mut problems = Vec::new();
    let mut trace = Trace::new();
    let interpretation = interpret(&octets, mechanism, request, &mut problems, &mut trace);
    Ok(DecodeResult {
        source: located.source,
        base64: located.data.to_owned(),
        octets: Octets::new(&octets),
        mechanism,
        interpretation,
        problems,
        trace,
    })
}

/// Guesses the mechanism from the octets' shape.
fn guess(octets: &[u8]) -> Option<Mechanism> {
    let nuls = octets.iter().filter(|&&o| o == 0).count();
    let text = core::str::from_utf8(octets).ok();
    if nuls == 2 {
        Some(Mechanism::Plain)
    } else if octets == USERNAME_PROMPT || octets == PASSWORD_PROMPT {
        Some(Mechanism::Login)
    } else if text.is_some_and(|t| t.contains("nonce=") || t.starts_with("rspauth=")) {
        Some(Mechanism::DigestMd5)
    } else if text.is_some_and(|t| {
        (t.starts_with('<') && t.ends_with('>')) || CramResponse::parse(octets).is_ok()
    }) {
        Some(Mechanism::CramMd5)
    } else {
        None
    }
}

fn interpret(
    octets: &[u8],
    mechanism: Option<Mechanism>,
    request: &DecodeRequest,
    problems: &mut Vec<String>,
    trace: &mut Trace,
) -> Interpretation {
    if octets.is_empty() {
        return Interpretation::Empty;
    }
    let result = match mechanism {
        Some(Mechanism::Plain) => PlainMessage::parse(octets)
            .map(|m| Interpretation::Plain {
                authzid: m.authzid,
                authcid: m.authcid,
                password: m.password,
            })
            .map_err(|f| f.to_string()),
        Some(Mechanism::Login) => login_text(octets),
        Some(Mechanism::CramMd5) => cram(octets, request, problems, trace),
        Some(Mechanism::DigestMd5) => digest_text(octets),
        None => Err(String::new()),
    };
    match result {
        Ok(interpretation) => interpretation,
        Err(problem) => {
            if !problem.is_empty() {
                problems.push(problem);
            }
            match core::str::from_utf8(octets) {
                Ok(text) => Interpretation::Text {
                    text: text.to_owned(),
                },
                Err(error) => {
                    problems.push(format!(
                        "the octets are not UTF-8 text (invalid octet at position {})",
                        error.valid_up_to()
                    ));
                    Interpretation::Binary
                }
            }
        }
    }
}

fn login_text(octets: &[u8]) -> Result<Interpretation, String> {
    let text = super::utf8_or_explain(octets, "LOGIN text")?;
    if octets == USERNAME_PROMPT || octets == PASSWORD_PROMPT {
        Ok(Interpretation::LoginPrompt { prompt: text })
    } else {
        Ok(Interpretation::LoginAnswer { text })
    }
}

fn digest_text(octets: &[u8]) -> Result<Interpretation, String> {
    let text = super::utf8_or_explain(octets, "DIGEST-MD5 message")?;
    Directives::parse(&text)
        .map(|directives| Interpretation::DigestDirectives { directives })
        .map_err(|e| e.to_string())
}

fn cram(
    octets: &[u8],
    request: &DecodeRequest,
    problems: &mut Vec<String>,
    trace: &mut Trace,
) -> Result<Interpretation, String> {
    if octets.first() == Some(&b'<') {
        let challenge = super::utf8_or_explain(octets, "CRAM-MD5 challenge")?;
        return Ok(Interpretation::CramChallenge { challenge });
    }
    let parsed = CramResponse::parse(octets).map_err(|f| f.to_string())?;
    let check = match (
        request.password.as_deref(),
        request.challenge.as_deref().filter(|c| !c.is_empty()),
    ) {
        (Some(password), Some(challenge)) => match challenge_octets(challenge) {
            Ok((challenge, _)) => {
                let expected = lower_hex(&cram_md5::hmac_md5(password.as_bytes(), &challenge));
                cram_md5::respond(&parsed.user, password, &challenge, Side::Server, trace);
                let matches = constant_time_eq(
                    expected.as_bytes(),
                    parsed.digest_hex.to_ascii_lowercase().as_bytes(),
                );
                if !matches {
                    problems.push(format!("the digest {} is not HMAC-MD5(password, challenge) = {expected}: wrong password or a different challenge", parsed.digest_hex));
                }
                Some(CramCheck { expected, matches })
            }
            Err(error) => {
                problems.push(error.to_string());
                None
            }
        },
        (Some(_), None) | (None, Some(_)) => {
            problems.push(
                "to check the digest, give both the password and the challenge it answers".into(),
            );
            None
        }
        (None, None) => None,
    };
    Ok(Interpretation::CramResponse {
        user: parsed.user,
        digest: parsed.digest_hex,
        check,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_encode_matches_rfc_4616() {
        let result = encode(&EncodeRequest {
            mechanism: "plain".into(),
            user: "tim".into(),
            password: "tanstaaftanstaaf".into(),
            ..EncodeRequest::default()
        })
        .unwrap();
        assert_eq!(
            result.client_lines,
            vec!["AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm"]
        );
    }

    #[test]
    fn decode_a_swaks_line() {
        let result = decode(&DecodeRequest {
            input: " -> AUTH PLAIN AGFsaWNlAFMzY3JldC1wdw==\r\n".into(),
            ..DecodeRequest::default()
        })
        .unwrap();
        assert_eq!(result.mechanism, Some(Mechanism::Plain));
        assert_eq!(
            result.interpretation,
            Interpretation::Plain {
                authzid: String::new(),
                authcid: "alice".into(),
                password: "S3cret-pw".into()
            }
        );
        assert_eq!(result.octets.visible, "␀alice␀S3cret-pw");
    }
}
