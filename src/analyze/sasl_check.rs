//! Judges one AUTH exchange with the SASL code the engines use: challenges and
//! responses must be base64 (RFC 4954 §4), PLAIN has exactly two NULs, LOGIN prompts
//! are the usual ones, and with a password CRAM-MD5 and DIGEST-MD5 digests are
//! recomputed and PLAIN/LOGIN passwords compared.

use super::finding::Finding;
use crate::sasl::cram_md5::{self, CramResponse};
use crate::sasl::digest_md5::{self, directives::Directives, DigestInputs};
use crate::sasl::login::{PASSWORD_PROMPT, USERNAME_PROMPT};
use crate::sasl::plain::PlainMessage;
use crate::sasl::trace::{Side, Trace};
use crate::sasl::{base64, lower_hex, Mechanism};

const RFC_AUTH: &str = "RFC 4954 §4";
const RFC_LOGIN: &str = "draft-murchison-sasl-login §2";
const RFC_CRAM: &str = "RFC 2195 §2";
const RFC_DIGEST: &str = "RFC 2831 §2.1.2.1";
/// What nodemailer writes in its log instead of a password.
const MASKED: &[u8] = b"/* secret */";

/// One AUTH exchange in progress.
#[derive(Clone, Debug)]
pub struct SaslExchange {
    mechanism: Option<Mechanism>,
    last_challenge: Option<Vec<u8>>,
    first_challenge: Option<Vec<u8>>,
    digest_expected_rspauth: Option<String>,
}

impl SaslExchange {
    /// An exchange for `mechanism` (None: a mechanism the playground does not know).
    pub fn new(mechanism: Option<Mechanism>) -> Self {
        Self {
            mechanism,
            last_challenge: None,
            first_challenge: None,
            digest_expected_rspauth: None,
        }
    }

    /// A `334` challenge (the text after the code).
    pub fn challenge(&mut self, n: usize, text: &str, findings: &mut Vec<Finding>) {
        let octets = match decode(text) {
            Ok(octets) => octets,
            Err(problem) => {
                findings.push(Finding::error(
                    n,
                    RFC_AUTH,
                    format!("the 334 challenge is not base64: {problem}"),
                ));
                return;
            }
        };
        match self.mechanism {
            Some(Mechanism::Login) if octets != USERNAME_PROMPT && octets != PASSWORD_PROMPT => {
                findings.push(Finding::warning(
                    n,
                    RFC_LOGIN,
                    format!(
                        "the LOGIN prompt decodes to \"{}\", not the usual \"Username:\" or \"Password:\" that clients expect",
                        String::from_utf8_lossy(&octets)
                    ),
                ));
            }
            Some(Mechanism::DigestMd5) if self.first_challenge.is_some() => {
                self.check_rspauth(n, &octets, findings);
            }
            _ => {}
        }
        if self.first_challenge.is_none() {
            self.first_challenge = Some(octets.clone());
        }
        self.last_challenge = Some(octets);
    }

    /// A client response (an AUTH initial response or a line after a 334).
    pub fn response(
        &mut self,
        n: usize,
        text: &str,
        password: Option<&str>,
        findings: &mut Vec<Finding>,
    ) {
        if text == "*" {
            findings.push(Finding::note(
                n,
                RFC_AUTH,
                "the client cancelled the exchange with \"*\"",
            ));
            return;
        }
        let octets = match decode(text) {
            Ok(octets) => octets,
            Err(problem) => {
                findings.push(Finding::error(
                    n,
                    RFC_AUTH,
                    format!("the SASL response is not base64: {problem}"),
                ));
                return;
            }
        };
        match self.mechanism {
            Some(Mechanism::Plain) => plain(n, &octets, password, findings),
            Some(Mechanism::Login) => self.login(n, &octets, password, findings),
            Some(Mechanism::CramMd5) => self.cram(n, &octets, password, findings),
            Some(Mechanism::DigestMd5) if !octets.is_empty() => {
                self.digest(n, &octets, password, findings)
            }
            _ => {}
        }
    }

    fn login(&self, n: usize, octets: &[u8], password: Option<&str>, findings: &mut Vec<Finding>) {
        if self.last_challenge.as_deref() == Some(PASSWORD_PROMPT) {
            compare_password(n, octets, password, RFC_LOGIN, findings);
        }
    }

    fn cram(&self, n: usize, octets: &[u8], password: Option<&str>, findings: &mut Vec<Finding>) {
        let response = match CramResponse::parse(octets) {
            Ok(response) => response,
            Err(failure) => {
                findings.push(Finding::error(n, RFC_CRAM, failure.explanation));
                return;
            }
        };
        let (Some(password), Some(challenge)) = (password, self.last_challenge.as_deref()) else {
            return;
        };
        let expected = lower_hex(&cram_md5::hmac_md5(password.as_bytes(), challenge));
        if expected.eq_ignore_ascii_case(&response.digest_hex) {
            findings.push(Finding::note(
                n,
                RFC_CRAM,
                format!(
                    "the CRAM-MD5 digest of {} matches the given password",
                    response.user
                ),
            ));
        } else {
            findings.push(Finding::error(
                n,
                RFC_CRAM,
                format!(
                    "the CRAM-MD5 digest {} is not HMAC-MD5(password, challenge) = {expected}: the password differs from the one given",
                    response.digest_hex
                ),
            ));
        }
    }

    fn digest(
        &mut self,
        n: usize,
        octets: &[u8],
        password: Option<&str>,
        findings: &mut Vec<Finding>,
    ) {
        let text = String::from_utf8_lossy(octets);
        let directives = match Directives::parse(&text) {
            Ok(directives) => directives,
            Err(error) => {
                findings.push(Finding::error(
                    n,
                    "RFC 2831 §2.1.2",
                    format!("the digest-response does not parse: {error}"),
                ));
                return;
            }
        };
        let Some(password) = password else {
            return;
        };
        let field = |name: &str| {
            directives
                .single(name)
                .ok()
                .flatten()
                .unwrap_or_default()
                .to_owned()
        };
        let challenge = self
            .first_challenge
            .as_deref()
            .and_then(|c| digest_md5::parse_challenge(c).ok());
        if let Some(challenge) = &challenge {
            if challenge.nonce != field("nonce") {
                findings.push(Finding::error(
                    n,
                    "RFC 2831 §2.1.2",
                    "the response's nonce is not the one the server's challenge gave",
                ));
            }
        }
        let inputs = DigestInputs {
            username: field("username"),
            realm: field("realm"),
            password: password.to_owned(),
            nonce: field("nonce"),
            cnonce: field("cnonce"),
            nc: field("nc"),
            qop: directives
                .single("qop")
                .ok()
                .flatten()
                .unwrap_or("auth")
                .to_owned(),
            digest_uri: field("digest-uri"),
            authzid: directives
                .single("authzid")
                .ok()
                .flatten()
                .map(str::to_owned),
            utf8: field("charset").eq_ignore_ascii_case("utf-8"),
        };
        let values = digest_md5::compute(&inputs, Side::Server, &mut Trace::new());
        self.digest_expected_rspauth = Some(values.rspauth.clone());
        let sent = field("response");
        if values.response.eq_ignore_ascii_case(&sent) {
            findings.push(Finding::note(
                n,
                RFC_DIGEST,
                "the DIGEST-MD5 response matches the given password",
            ));
        } else {
            findings.push(Finding::error(
                n,
                RFC_DIGEST,
                format!(
                    "the DIGEST-MD5 response {sent} is not the {} computed from the given password (H(user:realm:password) = {}, HA1 = {}, HA2 = {}): the password, realm or digest-uri differs",
                    values.response, values.user_realm_password_hash, values.ha1, values.ha2
                ),
            ));
        }
    }

    fn check_rspauth(&self, n: usize, octets: &[u8], findings: &mut Vec<Finding>) {
        let Some(expected) = &self.digest_expected_rspauth else {
            return;
        };
        let Ok(sent) = digest_md5::parse_rspauth(octets) else {
            return;
        };
        if !sent.eq_ignore_ascii_case(expected) {
            findings.push(Finding::error(
                n,
                "RFC 2831 §2.1.3",
                format!("the server's rspauth {sent} is not the {expected} the given password gives: the server does not know this password"),
            ));
        }
    }
}

fn decode(text: &str) -> Result<Vec<u8>, String> {
    let text = text.trim_end();
    if text.is_empty() || text == "=" {
        return Ok(Vec::new());
    }
    base64::decode(text).map_err(|e| e.to_string())
}

fn plain(n: usize, octets: &[u8], password: Option<&str>, findings: &mut Vec<Finding>) {
    match PlainMessage::parse(octets) {
        Ok(message) => compare_password(
            n,
            message.password.as_bytes(),
            password,
            "RFC 4616 §2",
            findings,
        ),
        Err(failure) => findings.push(Finding::error(n, "RFC 4616 §2", failure.explanation)),
    }
}

fn compare_password(
    n: usize,
    sent: &[u8],
    password: Option<&str>,
    rfc: &'static str,
    findings: &mut Vec<Finding>,
) {
    let Some(password) = password else {
        return;
    };
    if sent == MASKED {
        findings.push(Finding::note(
            n,
            rfc,
            "the log masks the password, so it cannot be compared",
        ));
    } else if sent == password.as_bytes() {
        findings.push(Finding::note(n, rfc, "the password sent is the one given"));
    } else {
        findings.push(Finding::warning(
            n,
            rfc,
            "the password sent differs from the one given",
        ));
    }
}
