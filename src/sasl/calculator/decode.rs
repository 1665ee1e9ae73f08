//! Calculator → Decode: a base64 string or a whole log line (`AUTH PLAIN …`, `334 …`,
//! swaks' ` -> ` / `<-  ` prefixes, `C:`/`S:`) → the decoded octets explained, their
//! fields labelled for people, and with a password, whether it fits ([`super::check`]).

use serde::{Deserialize, Serialize};

use super::check::{self, quoted, CramCheck, DigestCheck, Verdict};
use super::scram_check::{self, ScramCheck};
use super::{challenge_octets, check_length, mechanism_named, strip_log_prefix, CalcError};
use crate::sasl::base64;
use crate::sasl::cram_md5::CramResponse;
use crate::sasl::digest_md5::directives::Directives;
use crate::sasl::login::{PASSWORD_PROMPT, USERNAME_PROMPT};
use crate::sasl::oauthbearer::BearerMessage;
use crate::sasl::plain::PlainMessage;
use crate::sasl::trace::{Octets, Trace};
use crate::sasl::xoauth2::Xoauth2Message;
use crate::sasl::Mechanism;

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
    /// The password to check: the one a PLAIN message or LOGIN answer carries, or the
    /// one a CRAM-MD5 or DIGEST-MD5 response proves.
    pub password: Option<String>,
    /// The challenge the response answers (text or base64): needed for CRAM-MD5,
    /// optional for DIGEST-MD5 (its nonce and realm are then checked too).
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
        /// For a response, with a password: the recomputed values and the first that
        /// differs.
        check: Option<DigestCheck>,
    },
    /// A whole pasted SCRAM exchange, with the password: every value recomputed.
    ScramExchange {
        /// The messages as text, in wire order.
        messages: Vec<String>,
        /// With a password: the recomputed values and the first that differs.
        check: Option<ScramCheck>,
    },
    /// A SCRAM message: its attributes in wire order.
    ScramMessage {
        /// Which of the four messages (client-first, server-first…).
        message: String,
        /// The `name=value` attributes, in wire order.
        attributes: Vec<Field>,
    },
    /// An XOAUTH2 or OAUTHBEARER client message: who and which bearer token.
    BearerToken {
        /// `user=` (XOAUTH2) or the gs2 `a=` (OAUTHBEARER; may be empty).
        user: String,
        /// OAUTHBEARER `host=`, when sent.
        host: Option<String>,
        /// OAUTHBEARER `port=`, when sent.
        port: Option<u16>,
        /// The token after `auth=Bearer `.
        token: String,
    },
    /// The JSON error a server sends when it refuses a bearer token.
    BearerError {
        /// The JSON text.
        json: String,
    },
    /// UTF-8 text that fits no mechanism.
    Text {
        /// The text.
        text: String,
    },
    /// Octets that are neither a known message nor UTF-8 text.
    Binary,
}

/// One field of a decoded message, as the page and the CLI show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    /// What the value is, in words.
    pub label: String,
    /// The value, quoted with every octet visible, or "(empty)" with what that means.
    pub value: String,
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
    /// The fields of the message for people: labelled, quoted values.
    pub fields: Vec<Field>,
    /// Everything that does not fit the mechanism's rules.
    pub problems: Vec<String>,
    /// One sentence for the top of the result: what this is, or whether the password
    /// check passed.
    pub verdict: Verdict,
    /// Computed values (the password checks).
    pub trace: Trace,
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
    if let Some(exchange) = scram_check::read_exchange(&request.input) {
        return scram_check::decode_exchange(request, &exchange);
    }
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
    let mut reading = Reading::new(request);
    let mechanism = hinted
        .or(located.mechanism)
        .or_else(|| guess(&octets))
        .or_else(|| reading.login_candidate(&octets));
    let interpretation = reading.interpret(&octets, mechanism);
    let verdict = reading.verdict(&interpretation, mechanism);
    Ok(DecodeResult {
        source: located.source,
        base64: located.data.to_owned(),
        octets: Octets::new(&octets),
        mechanism,
        fields: interpretation.fields(),
        interpretation,
        problems: reading.problems,
        verdict,
        trace: reading.trace,
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
    } else if text.is_some_and(|t| t.starts_with("user=") && t.contains("\u{1}auth=")) {
        Some(Mechanism::Xoauth2)
    } else if text.is_some_and(|t| {
        (t.starts_with("n,") && t.contains("\u{1}auth=")) || t.starts_with("{\"status\"")
    }) {
        Some(Mechanism::OAuthBearer)
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

/// One decode in progress: the password check asked for, and what it found.
struct Reading<'a> {
    password: Option<&'a str>,
    challenge: Option<&'a str>,
    problems: Vec<String>,
    checked: Option<Verdict>,
    trace: Trace,
}

impl<'a> Reading<'a> {
    fn new(request: &'a DecodeRequest) -> Self {
        Self {
            password: request.password.as_deref().filter(|p| !p.is_empty()),
            challenge: request
                .challenge
                .as_deref()
                .filter(|c| !c.trim().is_empty()),
            problems: Vec::new(),
            checked: None,
            trace: Trace::new(),
        }
    }

    /// With a password typed, text that fits no other mechanism is read as a LOGIN
    /// answer (a continuation line pasted without its `AUTH LOGIN`), so it is compared.
    fn login_candidate(&self, octets: &[u8]) -> Option<Mechanism> {
        let text = core::str::from_utf8(octets).ok()?;
        (self.password.is_some() && !text.is_empty()).then_some(Mechanism::Login)
    }

    fn interpret(&mut self, octets: &[u8], mechanism: Option<Mechanism>) -> Interpretation {
        if octets.is_empty() {
            return Interpretation::Empty;
        }
        let result = match mechanism {
            Some(Mechanism::Plain) => self.plain(octets),
            Some(Mechanism::Login) => self.login(octets),
            Some(Mechanism::CramMd5) => self.cram(octets),
            Some(Mechanism::DigestMd5) => self.digest(octets),
            Some(Mechanism::ScramSha1 | Mechanism::ScramSha256) => scram(octets),
            Some(mechanism @ (Mechanism::Xoauth2 | Mechanism::OAuthBearer)) => {
                self.bearer(octets, mechanism)
            }
            None => Err(String::new()),
        };
        result.unwrap_or_else(|problem| {
            if !problem.is_empty() {
                self.problems.push(problem);
            }
            self.as_text(octets)
        })
    }

    /// Octets that fit no mechanism: as text, or as binary with where UTF-8 stops.
    fn as_text(&mut self, octets: &[u8]) -> Interpretation {
        match core::str::from_utf8(octets) {
            Ok(text) => Interpretation::Text {
                text: text.to_owned(),
            },
            Err(error) => {
                self.problems.push(format!(
                    "the octets are not UTF-8 text (invalid octet at position {})",
                    error.valid_up_to()
                ));
                Interpretation::Binary
            }
        }
    }

    fn plain(&mut self, octets: &[u8]) -> Result<Interpretation, String> {
        let message = PlainMessage::parse(octets).map_err(|f| f.to_string())?;
        if let Some(typed) = self.password {
            self.checked = Some(check::plain_password(
                &message.authcid,
                &message.password,
                typed,
            ));
        }
        Ok(Interpretation::Plain {
            authzid: message.authzid,
            authcid: message.authcid,
            password: message.password,
        })
    }

    /// An XOAUTH2 / OAUTHBEARER message or the server's JSON error; with a password
    /// (the token), whether the message carries it.
    fn bearer(&mut self, octets: &[u8], mechanism: Mechanism) -> Result<Interpretation, String> {
        if octets.first() == Some(&b'{') {
            let json = crate::sasl::utf8_or_explain(octets, "JSON error")?;
            return Ok(Interpretation::BearerError { json });
        }
        let (user, host, port, token) = if mechanism == Mechanism::Xoauth2 {
            let message = Xoauth2Message::parse(octets).map_err(|f| f.to_string())?;
            (message.user, None, None, message.token)
        } else {
            let message = BearerMessage::parse(octets).map_err(|f| f.to_string())?;
            let user = message.authzid.unwrap_or_default();
            (user, message.host, message.port, message.token)
        };
        if let Some(typed) = self.password {
            self.checked = Some(check::bearer_token(&user, &token, typed));
        }
        Ok(Interpretation::BearerToken {
            user,
            host,
            port,
            token,
        })
    }

    fn login(&mut self, octets: &[u8]) -> Result<Interpretation, String> {
        let text = crate::sasl::utf8_or_explain(octets, "LOGIN text")?;
        if octets == USERNAME_PROMPT || octets == PASSWORD_PROMPT {
            return Ok(Interpretation::LoginPrompt { prompt: text });
        }
        if let Some(typed) = self.password.filter(|_| !self.answers_username_prompt()) {
            self.checked = Some(check::login_answer(&text, typed));
        }
        Ok(Interpretation::LoginAnswer { text })
    }

    /// True when the challenge this LOGIN answer replies to is the "Username:" prompt:
    /// the answer is then the user name, which the password says nothing about.
    fn answers_username_prompt(&self) -> bool {
        self.challenge
            .map(challenge_octets)
            .and_then(Result::ok)
            .is_some_and(|(octets, _)| octets == USERNAME_PROMPT)
    }

    fn digest(&mut self, octets: &[u8]) -> Result<Interpretation, String> {
        let text = crate::sasl::utf8_or_explain(octets, "DIGEST-MD5 message")?;
        let directives = Directives::parse(&text).map_err(|e| e.to_string())?;
        let check = match self.password {
            Some(password) if check::is_digest_response(&directives) => {
                self.digest_check(&directives, password)
            }
            _ => None,
        };
        Ok(Interpretation::DigestDirectives { directives, check })
    }

    fn digest_check(&mut self, directives: &Directives, password: &str) -> Option<DigestCheck> {
        let challenge = match self.challenge.map(challenge_octets).transpose() {
            Ok(challenge) => challenge.map(|(octets, _)| octets),
            Err(error) => {
                self.problems.push(error.to_string());
                return None;
            }
        };
        match check::digest(directives, password, challenge.as_deref(), &mut self.trace) {
            Ok((result, verdict)) => {
                self.checked = Some(verdict);
                Some(result)
            }
            Err(problem) => {
                self.problems.push(problem);
                None
            }
        }
    }

    fn cram(&mut self, octets: &[u8]) -> Result<Interpretation, String> {
        if octets.first() == Some(&b'<') {
            let challenge = crate::sasl::utf8_or_explain(octets, "CRAM-MD5 challenge")?;
            return Ok(Interpretation::CramChallenge { challenge });
        }
        let parsed = CramResponse::parse(octets).map_err(|f| f.to_string())?;
        let check = match (self.password, self.challenge) {
            (Some(password), Some(challenge)) => match challenge_octets(challenge) {
                Ok((challenge, _)) => {
                    let (result, verdict) = check::cram(
                        &parsed.user,
                        &parsed.digest_hex,
                        password,
                        &challenge,
                        &mut self.trace,
                    );
                    self.checked = Some(verdict);
                    Some(result)
                }
                Err(error) => {
                    self.problems.push(error.to_string());
                    None
                }
            },
            (Some(_), None) | (None, Some(_)) => {
                self.problems.push(
                    "to check the digest, give both the password and the challenge it answers"
                        .into(),
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

    /// The sentence for the top: a problem, the check's verdict, or what this is.
    fn verdict(
        &mut self,
        interpretation: &Interpretation,
        mechanism: Option<Mechanism>,
    ) -> Verdict {
        if let Some(problem) = self.problems.first() {
            return Verdict::malformed(match mechanism {
                Some(mechanism) => format!("not a valid {mechanism} message: {problem}"),
                None => problem.clone(),
            });
        }
        if let Some(verdict) = self.checked.take() {
            return verdict;
        }
        let nothing_to_check = if self.password.is_some() {
            " (it carries nothing to check the password against)"
        } else {
            ""
        };
        Verdict::decoded(format!("{}{nothing_to_check}", interpretation.summary()))
    }
}

impl Interpretation {
    /// What the octets are, in a few words.
    pub fn summary(&self) -> String {
        match self {
            Self::Empty => "an empty response (no octets)".into(),
            Self::Plain {
                authzid, authcid, ..
            } if authzid.is_empty() || authzid == authcid => {
                format!("a PLAIN message for user {}", quoted(authcid))
            }
            Self::Plain {
                authzid, authcid, ..
            } => format!(
                "a PLAIN message for user {}, acting as {}",
                quoted(authcid),
                quoted(authzid)
            ),
            Self::LoginPrompt { prompt } => format!("the LOGIN server prompt {}", quoted(prompt)),
            Self::LoginAnswer { text } => format!(
                "a LOGIN answer {} (the user name or the password, by its place in the exchange)",
                quoted(text)
            ),
            Self::CramChallenge { challenge } => {
                format!("a CRAM-MD5 server challenge {}", quoted(challenge))
            }
            Self::CramResponse { user, .. } => {
                format!("a CRAM-MD5 response for user {}", quoted(user))
            }
            Self::DigestDirectives { directives, .. } => digest_summary(directives),
            Self::ScramMessage { message, .. } => format!("the SCRAM {message}"),
            Self::BearerToken { user, .. } if user.is_empty() => {
                "a bearer token message (the token names the user)".into()
            }
            Self::BearerToken { user, .. } => {
                format!("a bearer token message for user {}", quoted(user))
            }
            Self::BearerError { .. } => {
                "the server's JSON error: it refused the token (the client answers, then gets 535)"
                    .into()
            }
            Self::ScramExchange { messages, .. } => {
                format!("a SCRAM exchange of {} messages", messages.len())
            }
            Self::Text { text } => format!("text that fits no mechanism: {}", quoted(text)),
            Self::Binary => "octets that are neither a SASL message nor UTF-8 text".into(),
        }
    }

    /// The message's fields, labelled and quoted.
    pub fn fields(&self) -> Vec<Field> {
        match self {
            Self::Empty | Self::Binary => Vec::new(),
            Self::Plain {
                authzid,
                authcid,
                password,
            } => vec![
                Field::of(
                    "authorization identity (authzid)",
                    authzid,
                    "(empty): the user acts as itself",
                ),
                Field::of("user (authcid)", authcid, "(empty)"),
                Field::of("password", password, "(empty)"),
            ],
            Self::LoginPrompt { prompt } => vec![Field::of("server prompt", prompt, "(empty)")],
            Self::LoginAnswer { text } => {
                vec![Field::of("answer (user name or password)", text, "(empty)")]
            }
            Self::CramChallenge { challenge } => {
                vec![Field::of("challenge", challenge, "(empty)")]
            }
            Self::CramResponse {
                user,
                digest,
                check,
            } => {
                let mut fields = vec![
                    Field::of("user", user, "(empty)"),
                    Field::of("digest sent", digest, "(empty)"),
                ];
                if let Some(check) = check {
                    fields.push(Field::of("digest expected", &check.expected, "(empty)"));
                }
                fields
            }
            Self::DigestDirectives { directives, check } => {
                digest_fields(directives, check.as_ref())
            }
            Self::ScramMessage { attributes, .. } => attributes.clone(),
            Self::ScramExchange { messages, check } => {
                scram_check::exchange_fields(messages, check.as_ref())
            }
            Self::BearerToken {
                user,
                host,
                port,
                token,
            } => {
                let mut fields = vec![Field::of("user", user, "(empty): the token says who")];
                if let Some(host) = host {
                    fields.push(Field::of("host", host, "(empty)"));
                }
                if let Some(port) = port {
                    fields.push(Field::of("port", &port.to_string(), "(empty)"));
                }
                fields.push(Field::of("bearer token", token, "(empty)"));
                fields
            }
            Self::BearerError { json } => vec![Field::of("JSON error", json, "(empty)")],
            Self::Text { text } => vec![Field::of("text", text, "(empty)")],
        }
    }
}

/// A SCRAM message split into its attributes (RFC 5802 §5.1).
fn scram(octets: &[u8]) -> Result<Interpretation, String> {
    let text = crate::sasl::utf8_or_explain(octets, "SCRAM message")?;
    let mut attributes = Vec::new();
    let (message, body) = match text.get(..2) {
        Some("n," | "y,") => {
            let (gs2, bare) = split_gs2(&text);
            attributes.push(Field::of("gs2 header", gs2, "(empty)"));
            ("client-first-message", bare)
        }
        Some("r=") => ("server-first-message", text.as_str()),
        Some("c=") => ("client-final-message", text.as_str()),
        Some("v=" | "e=") => ("server-final-message", text.as_str()),
        _ => return Err("a SCRAM message starts with n, y, r=, c=, v= or e=".into()),
    };
    attributes.extend(body.split(',').map(|part| {
        let (name, value) = part.split_once('=').unwrap_or(("", part));
        Field::of(scram_attribute(name), value, "(empty)")
    }));
    Ok(Interpretation::ScramMessage {
        message: message.into(),
        attributes,
    })
}

/// One message of an exchange: its attributes, each label led by the message's name.
pub(super) fn scram_fields(message: &str) -> Vec<Field> {
    match scram(message.as_bytes()) {
        Ok(Interpretation::ScramMessage {
            message,
            attributes,
        }) => attributes
            .into_iter()
            .map(|field| Field {
                label: format!("{message}: {}", field.label),
                value: field.value,
            })
            .collect(),
        _ => vec![Field::of("message", message, "(empty)")],
    }
}

/// `n,[a=authzid],rest` → (`n,[a=authzid],`, `rest`).
fn split_gs2(text: &str) -> (&str, &str) {
    let end = text
        .char_indices()
        .filter(|(_, c)| *c == ',')
        .nth(1)
        .map_or(text.len(), |(at, _)| at.saturating_add(1));
    (
        text.get(..end).unwrap_or(text),
        text.get(end..).unwrap_or_default(),
    )
}

fn scram_attribute(name: &str) -> &'static str {
    match name {
        "a" => "authzid (a)",
        "n" => "user (n)",
        "r" => "nonce (r)",
        "s" => "salt, base64 (s)",
        "i" => "iterations (i)",
        "c" => "gs2 header, base64 (c)",
        "p" => "ClientProof, base64 (p)",
        "v" => "ServerSignature, base64 (v)",
        "e" => "error (e)",
        _ => "extension",
    }
}

fn digest_summary(directives: &Directives) -> String {
    let value = |name: &str| {
        directives
            .iter()
            .find(|directive| directive.name == name)
            .map(|directive| directive.value.as_str())
    };
    if check::is_digest_response(directives) {
        format!(
            "a DIGEST-MD5 response for user {}",
            quoted(value("username").unwrap_or_default())
        )
    } else if value("rspauth").is_some() {
        "the DIGEST-MD5 server's proof (rspauth)".into()
    } else {
        "a DIGEST-MD5 challenge".into()
    }
}

fn digest_fields(directives: &Directives, check: Option<&DigestCheck>) -> Vec<Field> {
    let mut fields: Vec<Field> = directives
        .iter()
        .map(|directive| Field::of(&directive.name, &directive.value, "(empty)"))
        .collect();
    if let Some(check) = check {
        fields.push(Field::of("HA1 expected", &check.expected.ha1, "(empty)"));
        fields.push(Field::of("HA2 expected", &check.expected.ha2, "(empty)"));
        fields.push(Field::of(
            "response expected",
            &check.expected.response,
            "(empty)",
        ));
    }
    fields
}

impl Field {
    /// `value` quoted, or `when_empty` for an empty value.
    fn of(label: &str, value: &str, when_empty: &str) -> Self {
        Self {
            label: label.to_owned(),
            value: if value.is_empty() {
                when_empty.to_owned()
            } else {
                quoted(value)
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sasl::calculator::check::Outcome;

    fn decode_with(input: &str, password: Option<&str>, challenge: Option<&str>) -> DecodeResult {
        decode(&DecodeRequest {
            input: input.into(),
            password: password.map(str::to_owned),
            challenge: challenge.map(str::to_owned),
            ..DecodeRequest::default()
        })
        .unwrap()
    }

    #[test]
    fn decode_a_swaks_line() {
        let result = decode_with(" -> AUTH PLAIN AGFsaWNlAFMzY3JldC1wdw==\r\n", None, None);
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
        assert_eq!(
            result.verdict.text,
            "Decoded: a PLAIN message for user \"alice\""
        );
    }

    #[test]
    fn plain_fields_are_quoted_and_an_empty_authzid_says_so() {
        let result = decode_with("AUTH PLAIN AGFsaWNlAHdyb25n", Some("S3cret-pw"), None);
        let shown: Vec<(&str, &str)> = result
            .fields
            .iter()
            .map(|field| (field.label.as_str(), field.value.as_str()))
            .collect();
        assert_eq!(
            shown,
            vec![
                (
                    "authorization identity (authzid)",
                    "(empty): the user acts as itself"
                ),
                ("user (authcid)", "\"alice\""),
                ("password", "\"wrong\""),
            ]
        );
        assert_eq!(result.verdict.outcome, Outcome::Differs);
    }

    #[test]
    fn cram_md5_rfc_2195_vector_gets_a_verdict() {
        let result = decode_with(
            "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw",
            Some("tanstaaftanstaaf"),
            Some("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+"),
        );
        assert_eq!(result.verdict.outcome, Outcome::Matches);
        assert!(result.problems.is_empty());
    }

    #[test]
    fn a_login_answer_to_the_username_prompt_is_not_compared_with_the_password() {
        let user = decode_with("YWxpY2U=", Some("S3cret-pw"), Some("VXNlcm5hbWU6"));
        assert_eq!(user.verdict.outcome, Outcome::Decoded, "{user:?}");
        let password = decode_with("UzNjcmV0LXB3", Some("S3cret-pw"), Some("UGFzc3dvcmQ6"));
        assert_eq!(password.verdict.outcome, Outcome::Matches, "{password:?}");
    }

    #[test]
    fn a_login_answer_is_compared_with_the_password() {
        let result = decode_with("dGFuc3RhYWZ0YW5zdGFhZg==", Some("tanstaaftanstaaf"), None);
        assert_eq!(result.mechanism, Some(Mechanism::Login));
        assert_eq!(result.verdict.outcome, Outcome::Matches);
        let unchecked = decode_with("dGFuc3RhYWZ0YW5zdGFhZg==", None, None);
        assert_eq!(unchecked.mechanism, None);
        let login = decode(&DecodeRequest {
            input: "dGFuc3RhYWZ0YW5zdGFhZg==".into(),
            mechanism: Some("LOGIN".into()),
            password: Some("tanstaaftanstaaf".into()),
            ..DecodeRequest::default()
        })
        .unwrap();
        assert_eq!(login.verdict.outcome, Outcome::Matches);
    }

    #[test]
    fn a_malformed_message_leads_with_the_problem() {
        let result = decode_with("AUTH PLAIN dGltAHNlY3JldA==", None, None);
        assert_eq!(result.verdict.outcome, Outcome::Malformed);
        assert!(result
            .verdict
            .text
            .starts_with("✗ not a valid PLAIN message: "));
    }

    #[test]
    fn a_scram_line_is_split_into_labelled_attributes() {
        let result = decode_with(
            "AUTH SCRAM-SHA-256 biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=",
            None,
            None,
        );
        assert_eq!(
            result.verdict.text,
            "Decoded: the SCRAM client-first-message"
        );
        assert_eq!(result.fields[0].value, "\"n,,\"");
        assert_eq!(result.fields[1].label, "user (n)");
        assert_eq!(result.fields[1].value, "\"user\"");
        assert_eq!(result.fields[2].value, "\"rOprNGfwEbeRWgbNEkqO\"");
    }
}
