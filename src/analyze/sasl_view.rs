//! The SASL inspector of the Analyze view: every AUTH exchange of the analysed session
//! as its steps (the AUTH line, each 334 challenge, each client response, the final
//! reply), each decoded by the SASL calculator's own decoder, so a step shows the same
//! fields, octets, verdict and trace as the Calculator. With the analysis' password the
//! decoder also checks PLAIN/LOGIN passwords and recomputes CRAM-MD5, DIGEST-MD5 and
//! SCRAM proofs against the challenge the step answers.

use serde::Serialize;

use super::judge::{AnnotatedLine, Role};
use crate::protocol::Command;
use crate::sasl::calculator::{self, DecodeRequest, DecodeResult};
use crate::sasl::Mechanism;

/// Longest list of exchanges kept: a session with more AUTH attempts than this is
/// shown up to here, so the view stays bounded.
pub const MAX_EXCHANGES: usize = 32;
/// Most steps kept per exchange (a server could keep challenging forever).
pub const MAX_STEPS: usize = 64;

/// What a step of an exchange is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum StepKind {
    /// The `AUTH <mechanism> [initial-response]` command.
    Auth,
    /// A `334` server challenge.
    Challenge,
    /// A client response after a `334`.
    Response,
    /// The reply that ends the exchange (`235` success, `535` failure, …).
    Outcome,
}

impl StepKind {
    /// The step in words, for the page's list.
    pub fn label(self) -> &'static str {
        match self {
            Self::Auth => "AUTH command",
            Self::Challenge => "334 server challenge",
            Self::Response => "client response",
            Self::Outcome => "final reply",
        }
    }
}

/// One step of an AUTH exchange.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaslStep {
    /// Index into the view's lines.
    pub index: usize,
    /// 1-based line number in the input (for a capture: the packet number).
    pub n: usize,
    /// What the step is.
    pub kind: StepKind,
    /// The step in words ([`StepKind::label`]).
    pub label: &'static str,
    /// The line as sent.
    pub text: String,
    /// The calculator's decoding of the payload; none for the final reply and an AUTH
    /// line without an initial response.
    pub decoded: Option<DecodeResult>,
    /// Why the payload could not be decoded, in the calculator's words.
    pub decode_error: Option<String>,
}

/// One AUTH exchange.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaslExchangeView {
    /// The mechanism as the AUTH line names it.
    pub mechanism: String,
    /// The steps, in line order.
    pub steps: Vec<SaslStep>,
}

/// Every AUTH exchange in `lines`, decoded with `password` when given.
pub fn exchanges(lines: &[AnnotatedLine], password: Option<&str>) -> Vec<SaslExchangeView> {
    let mut found: Vec<Walk> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if let Some(mechanism) = auth_mechanism(line) {
            if found.len() == MAX_EXCHANGES {
                break;
            }
            found.push(Walk::new(mechanism, password));
        }
        let Some(walk) = found.last_mut().filter(|walk| !walk.finished) else {
            continue;
        };
        walk.take(index, line);
    }
    found.into_iter().map(|walk| walk.view).collect()
}

/// The mechanism of an AUTH command line.
fn auth_mechanism(line: &AnnotatedLine) -> Option<String> {
    if line.role != Role::Command {
        return None;
    }
    match Command::parse(line.text.as_bytes()) {
        Ok(Command::Auth { mechanism, .. }) => Some(mechanism.to_string()),
        _ => None,
    }
}

/// True when an AUTH line carries an initial response (RFC 4954 §4), the only AUTH
/// payload there is to decode.
fn has_initial_response(text: &str) -> bool {
    matches!(
        Command::parse(text.as_bytes()),
        Ok(Command::Auth {
            initial_response: Some(_),
            ..
        })
    )
}

/// An exchange being collected.
struct Walk<'p> {
    view: SaslExchangeView,
    password: Option<&'p str>,
    /// The base64 of the latest 334 challenge: what the next response answers.
    challenge: Option<String>,
    /// The payload lines so far, for SCRAM, whose proof needs the whole exchange.
    payloads: Vec<String>,
    finished: bool,
}

impl<'p> Walk<'p> {
    fn new(mechanism: String, password: Option<&'p str>) -> Self {
        Self {
            view: SaslExchangeView {
                mechanism,
                steps: Vec::new(),
            },
            password,
            challenge: None,
            payloads: Vec::new(),
            finished: false,
        }
    }

    /// Adds `line` when it belongs to the exchange; a final reply or another command
    /// ends it.
    fn take(&mut self, index: usize, line: &AnnotatedLine) {
        let kind = match line.role {
            Role::Command if self.view.steps.is_empty() => StepKind::Auth,
            Role::SaslResponse => StepKind::Response,
            Role::Reply if line.text.starts_with("334") => StepKind::Challenge,
            Role::Reply if line.text.get(3..4) == Some("-") => return,
            Role::Reply => StepKind::Outcome,
            _ => {
                self.finished = true;
                return;
            }
        };
        if self.view.steps.len() == MAX_STEPS {
            self.finished = true;
            return;
        }
        let (decoded, decode_error) = match kind {
            StepKind::Outcome => (None, None),
            StepKind::Auth if !has_initial_response(&line.text) => (None, None),
            _ => self.decode(kind, &line.text),
        };
        if kind == StepKind::Challenge {
            let data = line.text.get(3..).unwrap_or_default();
            self.challenge = Some(data.trim_start_matches([' ', '-']).trim().to_owned());
        }
        self.finished = kind == StepKind::Outcome;
        self.view.steps.push(SaslStep {
            index,
            n: line.n,
            kind,
            label: kind.label(),
            text: line.text.clone(),
            decoded,
            decode_error,
        });
    }

    /// The calculator's reading of a step's payload.
    fn decode(&mut self, kind: StepKind, text: &str) -> (Option<DecodeResult>, Option<String>) {
        self.payloads.push(text.to_owned());
        let input = if kind == StepKind::Response && self.is_scram() {
            self.payloads.join("\n")
        } else {
            text.to_owned()
        };
        let request = DecodeRequest {
            input,
            mechanism: Some(self.view.mechanism.clone()).filter(|_| self.is_known()),
            password: self.password.map(str::to_owned),
            challenge: self
                .challenge
                .clone()
                .filter(|_| kind == StepKind::Response),
        };
        match calculator::decode(&request) {
            Ok(result) => (Some(result), None),
            Err(error) => (None, Some(error.to_string())),
        }
    }

    fn mechanism(&self) -> Option<Mechanism> {
        Mechanism::parse(&self.view.mechanism)
    }

    fn is_known(&self) -> bool {
        self.mechanism().is_some()
    }

    fn is_scram(&self) -> bool {
        self.view
            .mechanism
            .to_ascii_uppercase()
            .starts_with("SCRAM-")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{analyze, Options};
    use crate::sasl::calculator::Outcome;

    fn fixture(name: &str, password: Option<&str>) -> Vec<SaslExchangeView> {
        let path = format!(
            "{}/tests/fixtures/analyze/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let input = std::fs::read(path).expect("fixture");
        let options = Options {
            password: password.map(str::to_owned),
            ..Options::default()
        };
        let analysis = analyze(&input, &options).expect("a session");
        exchanges(&analysis.lines, password)
    }

    fn kinds(exchange: &SaslExchangeView) -> Vec<StepKind> {
        exchange.steps.iter().map(|step| step.kind).collect()
    }

    fn decoded(step: &SaslStep) -> &DecodeResult {
        step.decoded.as_ref().expect("decoded")
    }

    #[test]
    fn cram_md5_with_the_password_shows_the_digest_matching() {
        let exchanges = fixture("swaks-cram-md5.txt", Some("S3cret-pw"));
        let [exchange] = exchanges.as_slice() else {
            panic!("one exchange: {exchanges:?}");
        };
        assert_eq!(exchange.mechanism, "CRAM-MD5");
        assert_eq!(
            kinds(exchange),
            [
                StepKind::Auth,
                StepKind::Challenge,
                StepKind::Response,
                StepKind::Outcome
            ]
        );
        let auth = &exchange.steps[0];
        assert_eq!(
            (&auth.decoded, &auth.decode_error),
            (&None, &None),
            "AUTH without an initial response: nothing to decode"
        );
        let challenge = decoded(&exchange.steps[1]);
        assert_eq!(challenge.source, "334 server challenge");
        let response = decoded(&exchange.steps[2]);
        assert_eq!(response.verdict.outcome, Outcome::Matches, "{response:?}");
        assert!(!response.trace.entries().is_empty());
        assert!(exchange.steps[3].text.starts_with("235"));
    }

    #[test]
    fn cram_md5_with_a_wrong_password_shows_the_mismatch() {
        let exchanges = fixture("swaks-cram-md5.txt", Some("not-it"));
        let response = decoded(&exchanges[0].steps[2]);
        assert_eq!(response.verdict.outcome, Outcome::Differs, "{response:?}");
    }

    #[test]
    fn steps_point_at_their_lines() {
        let input = std::fs::read(format!(
            "{}/tests/fixtures/analyze/swaks-cram-md5.txt",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let analysis = analyze(&input, &Options::default()).unwrap();
        for step in &exchanges(&analysis.lines, None)[0].steps {
            let line = &analysis.lines[step.index];
            assert_eq!((line.n, &line.text), (step.n, &step.text));
        }
    }

    #[test]
    fn plain_initial_response_shows_its_fields_and_password_check() {
        let exchanges = fixture("swaks-plain-raw.txt", Some("S3cret-pw"));
        let auth = &exchanges[0].steps[0];
        assert_eq!(auth.kind, StepKind::Auth);
        let result = decoded(auth);
        let labels: Vec<&str> = result.fields.iter().map(|f| f.label.as_str()).collect();
        assert!(labels.len() >= 3, "{labels:?}");
        assert_eq!(result.verdict.outcome, Outcome::Matches, "{result:?}");
    }

    #[test]
    fn login_prompts_and_answers_are_decoded() {
        let exchanges = fixture("swaks-login.txt", Some("S3cret-pw"));
        let exchange = &exchanges[0];
        let expected = [
            StepKind::Auth,
            StepKind::Challenge,
            StepKind::Response,
            StepKind::Challenge,
            StepKind::Response,
            StepKind::Outcome,
        ];
        assert_eq!(kinds(exchange), expected);
        let password = decoded(&exchange.steps[4]);
        assert_eq!(password.verdict.outcome, Outcome::Matches, "{password:?}");
    }

    #[test]
    fn a_payload_that_is_not_base64_says_why() {
        let exchanges = fixture("bad-auth-base64.txt", None);
        let step = exchanges
            .iter()
            .flat_map(|exchange| &exchange.steps)
            .find(|step| step.decode_error.is_some())
            .expect("an undecodable step");
        assert!(step.decoded.is_none());
        assert!(
            step.decode_error.as_deref().unwrap().contains("not base64"),
            "{step:?}"
        );
    }

    #[test]
    fn scram_client_proof_is_checked_against_the_exchange_so_far() {
        let log = "S: 220 mx\nC: EHLO c.example\nS: 250-mx\nS: 250 AUTH SCRAM-SHA-1\n\
C: AUTH SCRAM-SHA-1 biwsbj11c2VyLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdM\n\
S: 334 cj1meWtvK2QybGJiRmdPTlJ2OXFreGRhd0wzcmZjTkhZSlkxWlZ2V1ZzN2oscz1RU1hDUitRNnNlazhiZjkyLGk9NDA5Ng==\n\
C: Yz1iaXdzLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdMM3JmY05IWUpZMVpWdldWczdqLHA9djBYOHYzQnoyVDBDSkdiSlF5RjBYK0hJNFRzPQ==\n\
S: 235 2.7.0 ok\nC: QUIT\nS: 221 bye\n";
        let check = |password: &str| {
            let options = Options {
                password: Some(password.to_owned()),
                ..Options::default()
            };
            let analysis = analyze(log.as_bytes(), &options).unwrap();
            let exchanges = exchanges(&analysis.lines, Some(password));
            let proof = &exchanges[0].steps[2];
            assert_eq!(proof.kind, StepKind::Response);
            decoded(proof).verdict.outcome
        };
        assert_eq!(check("pencil"), Outcome::Matches);
        assert_eq!(check("pencil2"), Outcome::Differs);
    }

    #[test]
    fn digest_md5_response_is_checked_against_its_challenge() {
        let exchanges = fixture("swaks-digest-pipeline.txt", Some("S3cret-pw"));
        let response = exchanges[0]
            .steps
            .iter()
            .find(|step| step.kind == StepKind::Response)
            .expect("a response");
        assert_eq!(decoded(response).verdict.outcome, Outcome::Matches);
    }

    #[test]
    fn a_session_without_auth_has_no_exchanges() {
        assert!(fixture("swaks-clean.txt", None).is_empty());
    }
}
