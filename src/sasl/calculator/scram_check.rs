//! Calculator → Decode of a whole pasted SCRAM exchange (RFC 5802 §3, §5): the
//! client-first, server-first, client-final and (optionally) server-final messages, as
//! log lines (`AUTH SCRAM-SHA-256 …`, `334 …`, base64 continuation lines) or as SCRAM
//! text. With the password, every value is recomputed (SaltedPassword, ClientKey,
//! StoredKey, ClientSignature, ClientProof, ServerSignature) and the verdict names the
//! value that differs.

use serde::Serialize;

use super::check::{quoted, Verdict};
use super::decode::{DecodeRequest, DecodeResult, Field, Interpretation};
use super::{mechanism_named, strip_log_prefix, CalcError};
use crate::sasl::base64;
use crate::sasl::scram::{prove, ProofInputs, ScramHash, ServerFirst, MAX_ITERATIONS};
use crate::sasl::trace::{Octets, Side, Trace};
use crate::sasl::{constant_time_eq, lower_hex, Mechanism};

/// A pasted exchange: the SCRAM messages in wire order, and the mechanism an AUTH
/// line named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PastedExchange {
    /// SCRAM-SHA-1 or SCRAM-SHA-256, when the paste has the AUTH line.
    pub mechanism: Option<Mechanism>,
    /// Each message as text (decoded from base64 where the line was base64).
    pub messages: Vec<String>,
    /// The base64 of the client-final message, as pasted (empty when pasted as text).
    client_final_base64: String,
}

/// The value of a SCRAM exchange that does not fit the password.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ScramPart {
    /// The messages do not chain (nonce, c=), so the two sides signed different
    /// AuthMessages.
    AuthMessage,
    /// p= is not ClientKey XOR ClientSignature for this password: the SaltedPassword,
    /// and so ClientKey and StoredKey, differ.
    ClientProof,
    /// v= is not HMAC(ServerKey, AuthMessage) for this password.
    ServerSignature,
}

/// Every value recomputed from the password, and which one differs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScramCheck {
    /// SaltedPassword, hex.
    pub salted_password: String,
    /// ClientKey, hex.
    pub client_key: String,
    /// StoredKey, hex.
    pub stored_key: String,
    /// ClientSignature, hex.
    pub client_signature: String,
    /// The ClientProof the password gives, base64 (as p= carries it).
    pub client_proof: String,
    /// The ServerSignature the password gives, base64 (as v= carries it).
    pub server_signature: String,
    /// The first value that differs, or `None` when everything fits.
    pub differs: Option<ScramPart>,
}

/// The SCRAM messages of a paste with at least two lines, each a SCRAM message (text
/// or base64, with or without log prefixes), the first a client-first-message; `None`
/// for any other input, which the one-message decoder reads.
pub fn read_exchange(input: &str) -> Option<PastedExchange> {
    let lines: Vec<&str> = input
        .lines()
        .map(strip_log_prefix)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() < 2 {
        return None;
    }
    let mut exchange = PastedExchange {
        mechanism: None,
        messages: Vec::new(),
        client_final_base64: String::new(),
    };
    for line in lines {
        let data = exchange.data_of(line)?;
        if data.is_empty() || data == "=" {
            continue;
        }
        let (message, base64_text) = match scram_text(data) {
            Some(text) => (text.to_owned(), ""),
            None => {
                let octets = base64::decode(data).ok()?;
                let text = String::from_utf8(octets).ok()?;
                scram_text(&text)?;
                (text, data)
            }
        };
        if message.starts_with("c=") {
            exchange.client_final_base64 = base64_text.to_owned();
        }
        exchange.messages.push(message);
    }
    let starts_right = exchange
        .messages
        .first()
        .is_some_and(|m| m.starts_with("n,") || m.starts_with("y,"));
    (starts_right && exchange.messages.len() >= 2).then_some(exchange)
}

impl PastedExchange {
    /// The data part of one line: after `AUTH <mech>` or `334`; a reply with another
    /// code (235, 535) has none. `None` when an AUTH line names another mechanism.
    fn data_of<'a>(&mut self, line: &'a str) -> Option<&'a str> {
        let mut words = line.split_ascii_whitespace();
        let first = words.next().unwrap_or_default();
        if first.eq_ignore_ascii_case("AUTH") {
            let mechanism = Mechanism::parse(words.next().unwrap_or_default())?;
            if !matches!(mechanism, Mechanism::ScramSha1 | Mechanism::ScramSha256) {
                return None;
            }
            self.mechanism = Some(mechanism);
            return Some(words.next().unwrap_or_default());
        }
        if let Some(rest) = line.strip_prefix("334") {
            return Some(rest.trim_start_matches([' ', '-']).trim());
        }
        if first.len() == 3 && first.bytes().all(|b| b.is_ascii_digit()) {
            return Some("");
        }
        Some(line)
    }
}

/// The text when it starts like one of the four SCRAM messages.
fn scram_text(text: &str) -> Option<&str> {
    ["n,", "y,", "p=", "r=", "c=", "v=", "e="]
        .iter()
        .any(|start| text.starts_with(start))
        .then_some(text)
}

/// The four messages, by role.
struct Messages<'a> {
    client_first: &'a str,
    server_first: Option<&'a str>,
    client_final: Option<&'a str>,
    server_final: Option<&'a str>,
}

impl<'a> Messages<'a> {
    fn of(list: &'a [String]) -> Self {
        let find = |start: &[&str]| {
            list.iter()
                .skip(1)
                .find(|m| start.iter().any(|s| m.starts_with(s)))
                .map(String::as_str)
        };
        Self {
            client_first: list.first().map(String::as_str).unwrap_or_default(),
            server_first: find(&["r="]),
            client_final: find(&["c="]),
            server_final: find(&["v=", "e="]),
        }
    }
}

/// Decodes and, with a password, checks a pasted exchange.
pub fn decode_exchange(
    request: &DecodeRequest,
    exchange: &PastedExchange,
) -> Result<DecodeResult, CalcError> {
    let hinted = request
        .mechanism
        .as_deref()
        .filter(|m| !m.trim().is_empty())
        .map(mechanism_named)
        .transpose()?;
    let messages = Messages::of(&exchange.messages);
    let mut checking = Checking {
        problems: Vec::new(),
        trace: Trace::new(),
    };
    let hash = match hinted.or(exchange.mechanism) {
        Some(Mechanism::ScramSha1) => ScramHash::Sha1,
        Some(Mechanism::ScramSha256) => ScramHash::Sha256,
        Some(other) => {
            return Err(CalcError::Refused {
                explanation: format!("the paste is a SCRAM exchange, not {other}"),
            })
        }
        None => hash_from_proof_length(&messages),
    };
    let password = request.password.as_deref().filter(|p| !p.is_empty());
    let check = checking.run(hash, &messages, password);
    let user = user_of(messages.client_first);
    let verdict = checking.verdict(hash, &user, password, check.as_ref(), &messages);
    let client_final = messages.client_final.unwrap_or(messages.client_first);
    let interpretation = Interpretation::ScramExchange {
        messages: exchange.messages.clone(),
        check,
    };
    Ok(DecodeResult {
        source: format!("{} SCRAM messages", exchange.messages.len()),
        base64: if exchange.client_final_base64.is_empty() {
            base64::encode(client_final.as_bytes())
        } else {
            exchange.client_final_base64.clone()
        },
        octets: Octets::new(client_final.as_bytes()),
        mechanism: Some(hash.mechanism()),
        fields: interpretation.fields(),
        interpretation,
        problems: checking.problems,
        verdict,
        trace: checking.trace,
    })
}

/// Without an AUTH line: SHA-1 when p= or v= decodes to 20 octets, else SHA-256.
fn hash_from_proof_length(messages: &Messages<'_>) -> ScramHash {
    let proof = messages
        .client_final
        .and_then(|m| m.rsplit_once(",p="))
        .map(|(_, p)| p)
        .or_else(|| messages.server_final.and_then(|m| m.strip_prefix("v=")));
    match proof.and_then(|p| base64::decode(p).ok()) {
        Some(octets) if octets.len() == 20 => ScramHash::Sha1,
        _ => ScramHash::Sha256,
    }
}

/// `n,,n=user,r=…` → the user name (escapes left as sent).
fn user_of(client_first: &str) -> String {
    client_first
        .split(',')
        .find_map(|part| part.strip_prefix("n="))
        .unwrap_or_default()
        .to_owned()
}

struct Checking {
    problems: Vec<String>,
    trace: Trace,
}

impl Checking {
    /// The recomputed values, when the password is given and the messages chain.
    fn run(
        &mut self,
        hash: ScramHash,
        messages: &Messages<'_>,
        password: Option<&str>,
    ) -> Option<ScramCheck> {
        let (Some(server_first), Some(client_final)) =
            (messages.server_first, messages.client_final)
        else {
            self.problems.push(
                "the paste needs the server-first (r=, s=, i=) and client-final (c=, r=, p=) messages to check the proof".into(),
            );
            return None;
        };
        let parsed = match ServerFirst::parse(server_first) {
            Ok(parsed) => parsed,
            Err(failure) => {
                self.problems.push(failure.explanation);
                return None;
            }
        };
        let chains = self.chains(messages.client_first, &parsed, client_final);
        let password = password?;
        if parsed.iterations > MAX_ITERATIONS {
            self.problems.push(format!(
                "i={} is more than the {MAX_ITERATIONS} iterations the calculator computes",
                parsed.iterations
            ));
            return None;
        }
        let (without_proof, proof_text) = client_final.rsplit_once(",p=")?;
        let bare = messages
            .client_first
            .get(gs2_length(messages.client_first)..)
            .unwrap_or_default();
        let auth_message = format!("{bare},{server_first},{without_proof}");
        let inputs = ProofInputs {
            password,
            salt: &parsed.salt,
            iterations: parsed.iterations,
            auth_message: &auth_message,
        };
        let proof = match prove(hash, &inputs, Side::Client, &mut self.trace) {
            Ok(proof) => proof,
            Err(failure) => {
                self.problems.push(failure.explanation);
                return None;
            }
        };
        let sent_proof = base64::decode(proof_text).unwrap_or_default();
        let sent_signature = messages
            .server_final
            .and_then(|m| m.strip_prefix("v="))
            .and_then(|v| base64::decode(v).ok());
        let differs = if !constant_time_eq(&sent_proof, &proof.client_proof) {
            Some(if chains {
                ScramPart::ClientProof
            } else {
                ScramPart::AuthMessage
            })
        } else {
            sent_signature
                .filter(|sent| !constant_time_eq(sent, &proof.server_signature))
                .map(|_| ScramPart::ServerSignature)
        };
        Some(ScramCheck {
            salted_password: lower_hex(&proof.salted_password),
            client_key: lower_hex(&proof.client_key),
            stored_key: lower_hex(&proof.stored_key),
            client_signature: lower_hex(&proof.client_signature),
            client_proof: base64::encode(&proof.client_proof),
            server_signature: base64::encode(&proof.server_signature),
            differs,
        })
    }

    /// Whether the messages chain as RFC 5802 §5.1 says (the server's nonce extends the
    /// client's, the client-final repeats it, c= is the gs2 header); each break is
    /// noted in the trace, since it makes the two sides sign different AuthMessages.
    fn chains(
        &mut self,
        client_first: &str,
        server_first: &ServerFirst<'_>,
        client_final: &str,
    ) -> bool {
        let mut breaks = Vec::new();
        let cnonce = client_first
            .get(gs2_length(client_first)..)
            .unwrap_or_default()
            .split(',')
            .find_map(|part| part.strip_prefix("r="))
            .unwrap_or_default();
        if cnonce.is_empty() || !server_first.nonce.starts_with(cnonce) {
            breaks.push(format!(
                "the server's nonce {} does not extend the client's {}",
                quoted(server_first.nonce),
                quoted(cnonce)
            ));
        }
        let attribute = |name: &str| {
            client_final
                .split(',')
                .find_map(|part| part.strip_prefix(name))
                .unwrap_or_default()
        };
        if attribute("r=") != server_first.nonce {
            breaks.push(format!(
                "the client-final r={} is not the server's nonce {}",
                attribute("r="),
                quoted(server_first.nonce)
            ));
        }
        let gs2 = client_first
            .get(..gs2_length(client_first))
            .unwrap_or_default();
        if base64::decode(attribute("c=")).ok().as_deref() != Some(gs2.as_bytes()) {
            breaks.push(format!(
                "c={} is not the base64 of the gs2 header {}",
                attribute("c="),
                quoted(gs2)
            ));
        }
        for text in &breaks {
            self.trace.note(
                Side::Client,
                "messages do not chain",
                text.clone(),
                "RFC 5802 §5.1",
            );
        }
        breaks.is_empty()
    }

    fn verdict(
        &self,
        hash: ScramHash,
        user: &str,
        password: Option<&str>,
        check: Option<&ScramCheck>,
        messages: &Messages<'_>,
    ) -> Verdict {
        let mechanism = hash.mechanism();
        if let Some(problem) = self.problems.first() {
            return Verdict::malformed(format!("not a checkable {mechanism} exchange: {problem}"));
        }
        let Some(check) = check else {
            let hint = if password.is_none() {
                "; give the password to recompute every value"
            } else {
                ""
            };
            return Verdict::decoded(format!(
                "a {mechanism} exchange for user {}{hint}",
                quoted(user)
            ));
        };
        let typed = quoted(password.unwrap_or_default());
        match check.differs {
            Some(ScramPart::ClientProof) => Verdict::differs(format!(
                "ClientProof differs: password {typed} gives p={}, so the client's SaltedPassword, ClientKey and StoredKey are not this password's",
                check.client_proof
            )),
            Some(ScramPart::AuthMessage) => Verdict::differs(format!(
                "ClientProof differs and the messages do not chain: the two sides signed different AuthMessages (see the step by step); password {typed} gives p={}",
                check.client_proof
            )),
            Some(ScramPart::ServerSignature) => Verdict::differs(format!(
                "ServerSignature differs: the client's proof fits password {typed}, but the server's v= is not HMAC(ServerKey, AuthMessage) for it (v={} expected): do not trust this server",
                check.server_signature
            )),
            None if messages.server_final.is_some_and(|m| m.starts_with("e=")) => Verdict::matches(format!(
                "ClientProof fits password {typed} for user {}, yet the server answered with an error",
                quoted(user)
            )),
            None if messages.server_final.is_some() => Verdict::matches(format!(
                "ClientProof and ServerSignature both fit password {typed} for user {}",
                quoted(user)
            )),
            None => Verdict::matches(format!(
                "ClientProof fits password {typed} for user {} (paste the server-final v= line to check the server too)",
                quoted(user)
            )),
        }
    }
}

/// Length of the gs2 header `n,[a=…],` at the start of a client-first-message.
fn gs2_length(client_first: &str) -> usize {
    client_first
        .char_indices()
        .filter(|(_, c)| *c == ',')
        .nth(1)
        .map_or(client_first.len(), |(at, _)| at + 1)
}

/// The fields of an exchange: each message's attributes, labelled by message, then
/// the recomputed values.
pub fn exchange_fields(messages: &[String], check: Option<&ScramCheck>) -> Vec<Field> {
    let mut fields: Vec<Field> = messages
        .iter()
        .flat_map(|message| super::decode::scram_fields(message))
        .collect();
    if let Some(check) = check {
        for (label, value) in [
            ("SaltedPassword expected (hex)", &check.salted_password),
            ("ClientKey expected (hex)", &check.client_key),
            ("StoredKey expected (hex)", &check.stored_key),
            ("ClientSignature expected (hex)", &check.client_signature),
            ("ClientProof expected (p=)", &check.client_proof),
            ("ServerSignature expected (v=)", &check.server_signature),
        ] {
            fields.push(Field {
                label: label.to_owned(),
                value: quoted(value),
            });
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sasl::calculator::check::Outcome;
    use crate::sasl::calculator::decode;

    /// RFC 5802 §5, as a swaks-style log.
    const RFC_5802: &str = "\
 -> AUTH SCRAM-SHA-1 biwsbj11c2VyLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdM
<-  334 cj1meWtvK2QybGJiRmdPTlJ2OXFreGRhd0wzcmZjTkhZSlkxWlZ2V1ZzN2oscz1RU1hDUitRNnNlazhiZjkyLGk9NDA5Ng==
 -> Yz1iaXdzLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdMM3JmY05IWUpZMVpWdldWczdqLHA9djBYOHYzQnoyVDBDSkdiSlF5RjBYK0hJNFRzPQ==
<-  334 dj1ybUY5cHFWOFM3c3VBb1pXamE0ZEpSa0ZzS1E9
 -> 
<-  235 2.7.0 Authentication successful
";

    /// RFC 7677 §3, as SCRAM text.
    const RFC_7677: &str = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO
r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096
c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=
v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=
";

    fn check(input: &str, password: &str) -> DecodeResult {
        decode(&DecodeRequest {
            input: input.into(),
            password: Some(password.into()),
            ..DecodeRequest::default()
        })
        .unwrap()
    }

    fn differs(result: &DecodeResult) -> Option<ScramPart> {
        match &result.interpretation {
            Interpretation::ScramExchange { check, .. } => check.as_ref().and_then(|c| c.differs),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rfc_5802_and_7677_exchanges_fit_their_password() {
        let sha1 = check(RFC_5802, "pencil");
        assert_eq!(sha1.mechanism, Some(Mechanism::ScramSha1));
        assert_eq!(sha1.verdict.outcome, Outcome::Matches, "{:?}", sha1.verdict);
        assert!(sha1.verdict.text.contains("ServerSignature"));
        let sha256 = check(RFC_7677, "pencil");
        assert_eq!(sha256.mechanism, Some(Mechanism::ScramSha256));
        assert_eq!(
            sha256.verdict.outcome,
            Outcome::Matches,
            "{:?}",
            sha256.verdict
        );
        assert!(sha256.trace.find("SaltedPassword").is_some());
        assert!(sha256
            .fields
            .iter()
            .any(|f| f.label == "ClientProof expected (p=)"
                && f.value == "\"dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=\""));
    }

    #[test]
    fn a_wrong_password_is_blamed_on_the_client_proof() {
        let result = check(RFC_7677, "pencil2");
        assert_eq!(result.verdict.outcome, Outcome::Differs);
        assert_eq!(differs(&result), Some(ScramPart::ClientProof));
        assert!(result.verdict.text.starts_with("✗ ClientProof differs"));
    }

    #[test]
    fn a_forged_server_signature_is_named() {
        let forged = RFC_7677.replace("v=6rriTRBi", "v=7rriTRBi");
        let result = check(&forged, "pencil");
        assert_eq!(differs(&result), Some(ScramPart::ServerSignature));
    }

    #[test]
    fn messages_that_do_not_chain_are_blamed_on_the_auth_message() {
        let other_nonce = RFC_7677.replacen(
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%",
            "c=biws,r=xOprNGfwEbeRWgbNEkqO%",
            1,
        );
        let result = check(&other_nonce, "pencil");
        assert_eq!(differs(&result), Some(ScramPart::AuthMessage));
        assert!(result.trace.find("messages do not chain").is_some());
    }

    #[test]
    fn without_a_password_the_exchange_is_decoded_and_other_pastes_are_not_taken() {
        let result = decode(&DecodeRequest {
            input: RFC_7677.into(),
            ..DecodeRequest::default()
        })
        .unwrap();
        assert_eq!(result.verdict.outcome, Outcome::Decoded);
        assert!(result
            .fields
            .iter()
            .any(|f| f.label.starts_with("server-first")));
        assert!(read_exchange("AUTH PLAIN AGFsaWNlAHB3").is_none());
        assert!(read_exchange("AUTH PLAIN AGFsaWNlAHB3\n334 PDE+").is_none());
        assert!(read_exchange("r=abc,s=c2FsdA==,i=1\nc=biws,r=abc,p=AA==").is_none());
    }
}
