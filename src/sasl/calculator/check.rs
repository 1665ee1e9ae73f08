//! Calculator → Decode with a password: does this message carry (PLAIN, LOGIN) or
//! prove (CRAM-MD5, DIGEST-MD5) the password the user typed? Every check ends in a
//! [`Verdict`], one sentence the page and the CLI show at the top of the result.

use serde::Serialize;

use crate::sasl::cram_md5;
use crate::sasl::digest_md5::directives::Directives;
use crate::sasl::digest_md5::{self, compute, parse_challenge, DigestInputs, DigestValues};
use crate::sasl::trace::{visible, Side, Trace};
use crate::sasl::{constant_time_eq, lower_hex};

/// How a decode ended, for the verdict's mark and colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// A check was made and the password fits.
    Matches,
    /// A check was made and the password does not fit.
    Differs,
    /// Decoded; nothing was checked.
    Decoded,
    /// The octets do not fit the mechanism's grammar.
    Malformed,
}

/// One sentence saying what the input is or whether the check passed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    /// Which kind of ending.
    pub outcome: Outcome,
    /// The sentence, starting with ✓, ✗ or "Decoded:".
    pub text: String,
}

impl Verdict {
    fn new(outcome: Outcome, text: String) -> Self {
        let mark = match outcome {
            Outcome::Matches => "✓ ",
            Outcome::Differs | Outcome::Malformed => "✗ ",
            Outcome::Decoded => "Decoded: ",
        };
        Self {
            outcome,
            text: format!("{mark}{text}"),
        }
    }

    /// A check that passed.
    pub fn matches(text: String) -> Self {
        Self::new(Outcome::Matches, text)
    }

    /// A check that failed.
    pub fn differs(text: String) -> Self {
        Self::new(Outcome::Differs, text)
    }

    /// Decoded without a check: what the octets are.
    pub fn decoded(text: String) -> Self {
        Self::new(Outcome::Decoded, text)
    }

    /// Octets that do not fit the mechanism.
    pub fn malformed(text: String) -> Self {
        Self::new(Outcome::Malformed, text)
    }

    /// True when a check was made and failed.
    pub fn is_failed_check(&self) -> bool {
        self.outcome == Outcome::Differs
    }
}

/// A value in quotes with every octet visible, as the calculator shows user input.
pub fn quoted(text: &str) -> String {
    format!("\"{}\"", visible(text.as_bytes()))
}

/// PLAIN: the password the message carries against the typed one.
pub(crate) fn plain_password(authcid: &str, carried: &str, typed: &str) -> Verdict {
    if constant_time_eq(carried.as_bytes(), typed.as_bytes()) {
        Verdict::matches(format!(
            "{} is the password this message carries for user {}",
            quoted(typed),
            quoted(authcid)
        ))
    } else {
        Verdict::differs(format!(
            "user {} sent password {}; expected {}",
            quoted(authcid),
            quoted(carried),
            quoted(typed)
        ))
    }
}

/// XOAUTH2 / OAUTHBEARER: the token the message carries against the typed one.
pub fn bearer_token(user: &str, carried: &str, typed: &str) -> Verdict {
    if constant_time_eq(carried.as_bytes(), typed.as_bytes()) {
        Verdict::matches(format!(
            "{} is the bearer token this message carries for user {}",
            quoted(typed),
            quoted(user)
        ))
    } else {
        Verdict::differs(format!(
            "user {} sent token {}; expected {}",
            quoted(user),
            quoted(carried),
            quoted(typed)
        ))
    }
}

/// LOGIN: an answer line against the typed password (the line may be the user name).
pub(crate) fn login_answer(carried: &str, typed: &str) -> Verdict {
    if constant_time_eq(carried.as_bytes(), typed.as_bytes()) {
        Verdict::matches(format!(
            "this LOGIN answer is the password {}",
            quoted(typed)
        ))
    } else {
        Verdict::differs(format!(
            "expected the password {}, got {} (if this line answered \"Username:\", it is the user name, not the password)",
            quoted(typed),
            quoted(carried)
        ))
    }
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

/// CRAM-MD5: recomputes HMAC-MD5(password, challenge) as the server does.
pub fn cram(
    user: &str,
    digest_hex: &str,
    password: &str,
    challenge: &[u8],
    trace: &mut Trace,
) -> (CramCheck, Verdict) {
    cram_md5::respond(user, password, challenge, Side::Server, trace);
    let expected = lower_hex(&cram_md5::hmac_md5(password.as_bytes(), challenge));
    let matches = constant_time_eq(
        expected.as_bytes(),
        digest_hex.to_ascii_lowercase().as_bytes(),
    );
    let verdict = if matches {
        Verdict::matches(format!(
            "{} produces this response for user {}",
            quoted(password),
            quoted(user)
        ))
    } else {
        Verdict::differs(format!(
            "{} does not produce this response for user {}: expected {expected}, got {digest_hex} (a wrong password or a different challenge)",
            quoted(password),
            quoted(user)
        ))
    };
    (CramCheck { expected, matches }, verdict)
}

/// Which DIGEST-MD5 value came out different (RFC 2831 §2.1.2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum DigestPart {
    /// HEX(H(A1)): user name, realm, password, nonce, cnonce, authzid.
    #[serde(rename = "HA1")]
    Ha1,
    /// HEX(H(A2)): the digest-uri.
    #[serde(rename = "HA2")]
    Ha2,
    /// The `response=` value itself.
    #[serde(rename = "response")]
    Response,
}

impl DigestPart {
    /// The name as RFC 2831 writes it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Ha1 => "HA1",
            Self::Ha2 => "HA2",
            Self::Response => "response",
        }
    }
}

/// The result of checking a DIGEST-MD5 `response=`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DigestCheck {
    /// What the server computes from the password (and the challenge, when given).
    pub expected: DigestValues,
    /// The `response=` value the client sent.
    pub received: String,
    /// Whether they are equal.
    pub matches: bool,
    /// When they differ: the first value that differs.
    pub differs: Option<DigestPart>,
    /// When they differ: why that value differs.
    pub reason: Option<String>,
}

/// The directives of a digest-response the check needs.
struct Claimed<'a> {
    username: &'a str,
    realm: &'a str,
    nonce: &'a str,
    cnonce: &'a str,
    nc: &'a str,
    qop: &'a str,
    digest_uri: &'a str,
    response: &'a str,
    authzid: Option<&'a str>,
    utf8: bool,
}

impl<'a> Claimed<'a> {
    fn read(directives: &'a Directives) -> Result<Self, String> {
        let rfc = "RFC 2831 §2.1.2";
        let required =
            |name| digest_md5::required(directives, name, rfc).map_err(|f| f.to_string());
        let optional =
            |name| digest_md5::optional(directives, name, rfc).map_err(|f| f.to_string());
        Ok(Self {
            username: required("username")?,
            realm: optional("realm")?.unwrap_or(""),
            nonce: required("nonce")?,
            cnonce: required("cnonce")?,
            nc: required("nc")?,
            qop: optional("qop")?.unwrap_or("auth"),
            digest_uri: required("digest-uri")?,
            response: required("response")?,
            authzid: optional("authzid")?,
            utf8: optional("charset")?.is_some(),
        })
    }

    fn inputs(&self, password: &str) -> DigestInputs {
        DigestInputs {
            username: self.username.to_owned(),
            realm: self.realm.to_owned(),
            password: password.to_owned(),
            nonce: self.nonce.to_owned(),
            cnonce: self.cnonce.to_owned(),
            nc: self.nc.to_owned(),
            qop: self.qop.to_owned(),
            digest_uri: self.digest_uri.to_owned(),
            authzid: self.authzid.map(str::to_owned),
            utf8: self.utf8,
        }
    }
}

/// True when `directives` hold a client's digest-response (they carry `response=`).
pub(crate) fn is_digest_response(directives: &Directives) -> bool {
    directives
        .iter()
        .any(|directive| directive.name == "response")
}

/// DIGEST-MD5: recomputes `response=` from the password as the server does: with the
/// challenge's nonce and realm when the challenge is given, and an SMTP `digest-uri`.
/// `Err` is a problem with the input (a missing directive, an unsupported qop).
pub fn digest(
    directives: &Directives,
    password: &str,
    challenge: Option<&[u8]>,
    trace: &mut Trace,
) -> Result<(DigestCheck, Verdict), String> {
    let claimed = Claimed::read(directives)?;
    digest_md5::check_qop(claimed.qop, "RFC 2831 §2.1.2").map_err(|f| f.to_string())?;
    let mut server_view = claimed.inputs(password);
    let known_difference = match challenge {
        Some(octets) => server_differences(&claimed, octets, &mut server_view)?,
        None => None,
    };
    let expected = compute(&server_view, Side::Server, trace);
    let matches = constant_time_eq(
        expected.response.as_bytes(),
        claimed.response.to_ascii_lowercase().as_bytes(),
    );
    let culprit = (!matches)
        .then(|| known_difference.unwrap_or_else(|| unexplained_difference(&claimed, password)));
    let verdict = digest_verdict(&claimed, password, &expected, culprit.as_ref());
    let (differs, reason) =
        culprit.map_or((None, None), |(part, reason)| (Some(part), Some(reason)));
    let check = DigestCheck {
        expected,
        received: claimed.response.to_owned(),
        matches,
        differs,
        reason,
    };
    Ok((check, verdict))
}

/// Where the server's inputs differ from the response's directives, given the
/// challenge it sent: its nonce and realm (A1), an SMTP service (A2).
fn server_differences(
    claimed: &Claimed<'_>,
    challenge: &[u8],
    server_view: &mut DigestInputs,
) -> Result<Option<(DigestPart, String)>, String> {
    let offered = parse_challenge(challenge).map_err(|f| format!("the challenge: {f}"))?;
    let mut difference = None;
    if offered.nonce != claimed.nonce {
        server_view.nonce = offered.nonce.clone();
        difference = Some((
            DigestPart::Ha1,
            format!(
            "the response answers nonce {}, but the challenge issued {}; the nonce is part of A1",
            quoted(claimed.nonce),
            quoted(&offered.nonce)
        ),
        ));
    } else if !offered.realms.is_empty() && !offered.realms.iter().any(|r| r == claimed.realm) {
        difference = Some((DigestPart::Ha1, format!(
            "the response names realm {}, which the challenge did not offer ({}); the realm is part of A1",
            quoted(claimed.realm),
            offered.realms.iter().map(|r| quoted(r)).collect::<Vec<_>>().join(", ")
        )));
    }
    let (service, host) = claimed
        .digest_uri
        .split_once('/')
        .unwrap_or((claimed.digest_uri, ""));
    if difference.is_none() && !service.eq_ignore_ascii_case(digest_md5::SMTP_SERVICE) {
        server_view.digest_uri = format!("{}/{host}", digest_md5::SMTP_SERVICE);
        difference = Some((
            DigestPart::Ha2,
            format!(
                "digest-uri {} names service {}; an SMTP server computes A2 over {}",
                quoted(claimed.digest_uri),
                quoted(service),
                quoted(&server_view.digest_uri)
            ),
        ));
    }
    Ok(difference)
}

/// Why the response differs when every input on the wire agrees with the server.
fn unexplained_difference(claimed: &Claimed<'_>, password: &str) -> (DigestPart, String) {
    if claimed.response.len() != 32 || !claimed.response.bytes().all(|b| b.is_ascii_hexdigit()) {
        return (
            DigestPart::Response,
            format!(
                "response={} is not 32 hex digits, so it is no MD5 value",
                claimed.response
            ),
        );
    }
    let mut other_charset = claimed.inputs(password);
    other_charset.utf8 = !other_charset.utf8;
    let alternative = compute(&other_charset, Side::Server, &mut Trace::new());
    if alternative.response.eq_ignore_ascii_case(claimed.response) {
        let (used, announced) = if claimed.utf8 {
            ("UTF-8", "announced charset=utf-8, so ISO 8859-1 was due")
        } else {
            ("ISO 8859-1", "announced no charset, so UTF-8 was due")
        };
        return (
            DigestPart::Ha1,
            format!("the client hashed user name, realm and password as {used}, but it {announced} (RFC 2831 §2.1.2.1)"),
        );
    }
    (
        DigestPart::Ha1,
        "every other input is on the wire and was used as sent; the password is the one input of A1 that is not, so the client used a different password".into(),
    )
}

fn digest_verdict(
    claimed: &Claimed<'_>,
    password: &str,
    expected: &DigestValues,
    culprit: Option<&(DigestPart, String)>,
) -> Verdict {
    match culprit {
        None => Verdict::matches(format!(
            "{} produces this response for user {}",
            quoted(password),
            quoted(claimed.username)
        )),
        Some((part, reason)) => Verdict::differs(format!(
            "{} does not produce this response for user {}: {} differs ({reason}); expected response={}, got {}",
            quoted(password),
            quoted(claimed.username),
            part.name(),
            expected.response,
            claimed.response
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 2831 §4's response, with its IMAP digest-uri.
    const RFC_RESPONSE: &str = "charset=utf-8,username=\"chris\",realm=\"elwood.innosoft.com\",nonce=\"OA6MG9tEQGm2hh\",nc=00000001,cnonce=\"OA6MHXh6VqTrRk\",digest-uri=\"imap/elwood.innosoft.com\",response=d388dad90d4bbd760a152321f2143af7,qop=auth";
    const RFC_CHALLENGE: &[u8] = b"realm=\"elwood.innosoft.com\",nonce=\"OA6MG9tEQGm2hh\",qop=\"auth\",algorithm=md5-sess,charset=utf-8";

    fn check(response: &str, password: &str, challenge: Option<&[u8]>) -> (DigestCheck, Verdict) {
        let directives = Directives::parse(response).unwrap();
        digest(&directives, password, challenge, &mut Trace::new()).unwrap()
    }

    #[test]
    fn rfc_2831_response_matches_its_password() {
        let (result, verdict) = check(RFC_RESPONSE, "secret", None);
        assert!(result.matches);
        assert_eq!(result.expected.ha1, "a2549853149b0536f01f0b850c643c57");
        assert_eq!(verdict.outcome, Outcome::Matches);
        assert_eq!(
            verdict.text,
            "✓ \"secret\" produces this response for user \"chris\""
        );
    }

    #[test]
    fn a_wrong_password_is_blamed_on_ha1() {
        let (result, verdict) = check(RFC_RESPONSE, "wrong", None);
        assert!(!result.matches);
        assert_eq!(result.differs, Some(DigestPart::Ha1));
        assert!(
            verdict.text.starts_with("✗ \"wrong\" does not produce"),
            "{}",
            verdict.text
        );
        assert!(verdict
            .text
            .contains("got d388dad90d4bbd760a152321f2143af7"));
    }

    #[test]
    fn another_nonce_in_the_challenge_is_blamed_on_ha1() {
        let challenge =
            b"realm=\"elwood.innosoft.com\",nonce=\"other\",qop=\"auth\",algorithm=md5-sess";
        let (result, _) = check(RFC_RESPONSE, "secret", Some(challenge));
        assert_eq!(result.differs, Some(DigestPart::Ha1));
        assert!(result.reason.unwrap().contains("nonce"));
    }

    #[test]
    fn an_imap_digest_uri_against_an_smtp_challenge_is_blamed_on_ha2() {
        let (result, verdict) = check(RFC_RESPONSE, "secret", Some(RFC_CHALLENGE));
        assert_eq!(result.differs, Some(DigestPart::Ha2));
        assert!(verdict.text.contains("HA2 differs"), "{}", verdict.text);
    }

    #[test]
    fn an_smtp_response_to_its_challenge_matches() {
        let smtp = RFC_RESPONSE
            .replace("imap/", "smtp/")
            .replace("d388dad90d4bbd760a152321f2143af7", "RESPONSE");
        let inputs = DigestInputs {
            username: "chris".into(),
            realm: "elwood.innosoft.com".into(),
            password: "secret".into(),
            nonce: "OA6MG9tEQGm2hh".into(),
            cnonce: "OA6MHXh6VqTrRk".into(),
            nc: "00000001".into(),
            qop: "auth".into(),
            digest_uri: "smtp/elwood.innosoft.com".into(),
            authzid: None,
            utf8: true,
        };
        let value = compute(&inputs, Side::Client, &mut Trace::new()).response;
        let (result, _) = check(
            &smtp.replace("RESPONSE", &value),
            "secret",
            Some(RFC_CHALLENGE),
        );
        assert!(result.matches);
    }

    #[test]
    fn a_response_that_is_no_md5_value_is_blamed_on_response() {
        let short = RFC_RESPONSE.replace("d388dad90d4bbd760a152321f2143af7", "d388");
        let (result, _) = check(&short, "secret", None);
        assert_eq!(result.differs, Some(DigestPart::Response));
    }

    #[test]
    fn cram_md5_rfc_2195_vector_matches() {
        let (result, verdict) = cram(
            "tim",
            "b913a602c7eda7a495b4e6e7334d3890",
            "tanstaaftanstaaf",
            b"<1896.697170952@postoffice.reston.mci.net>",
            &mut Trace::new(),
        );
        assert!(result.matches);
        assert_eq!(
            verdict.text,
            "✓ \"tanstaaftanstaaf\" produces this response for user \"tim\""
        );
        let (_, wrong) = cram(
            "tim",
            "b913a602c7eda7a495b4e6e7334d3890",
            "wrong",
            b"<1896.697170952@postoffice.reston.mci.net>",
            &mut Trace::new(),
        );
        assert!(wrong
            .text
            .starts_with("✗ \"wrong\" does not produce this response for user \"tim\": expected "));
        assert!(wrong.text.contains("got b913a602c7eda7a495b4e6e7334d3890"));
    }

    #[test]
    fn plain_and_login_compare_the_typed_password() {
        assert_eq!(
            plain_password("alice", "pw", "pw").outcome,
            Outcome::Matches
        );
        let wrong = plain_password("alice", "wrong", "S3cret-pw");
        assert_eq!(
            wrong.text,
            "✗ user \"alice\" sent password \"wrong\"; expected \"S3cret-pw\""
        );
        assert_eq!(login_answer("pw", "pw").outcome, Outcome::Matches);
        assert!(login_answer("tim", "pw").is_failed_check());
    }
}
