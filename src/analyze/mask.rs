//! Masks the secrets of a session before it is shared: every AUTH initial response,
//! every SASL response after a `334`, and the challenges whose values feed a digest
//! (CRAM-MD5's challenge, DIGEST-MD5's nonce and rspauth). Each secret is replaced by
//! a placeholder of the same shape (still base64, PLAIN still with two NULs, a
//! DIGEST-MD5 response still a directive list), so the masked session reads and judges
//! like the original, only without anything a password could be guessed from.
//!
//! A text log is masked in place, keeping its format and line endings; a capture is
//! first turned into `C:`/`S:` lines, since its packets cannot be edited.

use serde::Serialize;

use super::judge::{AnnotatedLine, Role};
use super::line::{input_lines, Ending, Side};
use super::{analyze, AnalyzeError, Format, Options};
use crate::protocol::Command;
use crate::sasl::{base64, Mechanism};

/// What nodemailer writes in its own logs in place of a password; used here too, so
/// the analysis says "the log masks the password" when a password is given.
const MASKED_PASSWORD: &str = "/* secret */";
/// The user name in a masked PLAIN, CRAM-MD5 or DIGEST-MD5 response.
const MASKED_USER: &str = "masked";
/// A digest of the right length that matches nothing.
const MASKED_DIGEST: &str = "00000000000000000000000000000000";

/// A session ready for a share link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Shareable {
    /// The text to put in the link.
    pub text: String,
    /// How many secrets were replaced.
    pub masked: usize,
    /// True when the input was a capture, so the text is its `C:`/`S:` transcript.
    pub from_capture: bool,
}

/// The text to share for `input`: a text log as it is, a capture as `C:`/`S:` lines,
/// with its secrets masked unless `keep_secrets`.
pub fn shareable(
    input: &[u8],
    options: &Options,
    keep_secrets: bool,
) -> Result<Shareable, AnalyzeError> {
    let analysis = analyze(input, options)?;
    let from_capture = analysis.format == Format::Pcap;
    let (text, analysis) = if from_capture {
        let text = cs_transcript(&analysis.lines);
        let cs = Options {
            format: Some(Format::Cs),
            ..Options::default()
        };
        let reread = analyze(text.as_bytes(), &cs)?;
        (text, reread)
    } else {
        (String::from_utf8_lossy(input).into_owned(), analysis)
    };
    if keep_secrets {
        return Ok(Shareable {
            text,
            masked: 0,
            from_capture,
        });
    }
    let secrets = secrets(&analysis.lines);
    let masked = secrets.len();
    Ok(Shareable {
        text: replace_secrets(&text, &secrets),
        masked,
        from_capture,
    })
}

/// The judged lines as a `C:`/`S:` transcript; encrypted and elided lines, which hold
/// no SMTP text, are left out. A BDAT chunk that ended mid-line is followed on the same
/// line by what came next, as on the wire, so the chunk keeps its octet count.
fn cs_transcript(lines: &[AnnotatedLine]) -> String {
    let mut text = String::new();
    let mut continues = false;
    for line in lines {
        if matches!(line.role, Role::Tls | Role::Elided) {
            continue;
        }
        if !continues {
            text.push_str(match line.side {
                Side::Client => "C: ",
                Side::Server => "S: ",
            });
        }
        text.push_str(&line.text);
        continues = line.role == Role::ChunkData && line.ending == Ending::Missing;
        if !continues {
            text.push('\n');
        }
    }
    if continues {
        text.push('\n');
    }
    text
}

/// One secret: the input line it is on, the text to find there and its placeholder.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Secret {
    line: usize,
    token: String,
    placeholder: String,
}

/// Every secret of the session, in line order.
fn secrets(lines: &[AnnotatedLine]) -> Vec<Secret> {
    let mut found = Vec::new();
    let mut mechanism = None;
    let mut challenges = 0;
    for line in lines {
        match line.role {
            Role::Command => {
                let Ok(Command::Auth {
                    mechanism: name,
                    initial_response,
                }) = Command::parse(line.text.as_bytes())
                else {
                    continue;
                };
                mechanism = Mechanism::parse(&name);
                challenges = 0;
                if let Some(token) = initial_response.filter(|t| is_secret(t)) {
                    found.push(secret(
                        line.n,
                        &token,
                        response_placeholder(mechanism, &token),
                    ));
                }
            }
            Role::SaslResponse if is_secret(line.text.trim_end()) => {
                let token = line.text.trim_end();
                found.push(secret(
                    line.n,
                    token,
                    response_placeholder(mechanism, token),
                ));
            }
            Role::Reply => {
                let Some(token) = line.text.strip_prefix("334 ").map(str::trim_end) else {
                    continue;
                };
                challenges += 1;
                if let Some(placeholder) = challenge_placeholder(mechanism, challenges, token) {
                    found.push(secret(line.n, token, placeholder));
                }
            }
            _ => {}
        }
    }
    found
}

fn secret(line: usize, token: &str, placeholder: String) -> Secret {
    Secret {
        line,
        token: token.to_owned(),
        placeholder,
    }
}

/// `*` cancels and `=` or nothing is an empty response: nothing to hide.
fn is_secret(token: &str) -> bool {
    !matches!(token, "" | "=" | "*")
}

/// A client response of the same shape that carries no credential.
fn response_placeholder(mechanism: Option<Mechanism>, token: &str) -> String {
    let plain = match mechanism {
        Some(Mechanism::Plain) => format!("\0{MASKED_USER}\0{MASKED_PASSWORD}"),
        Some(Mechanism::CramMd5) => format!("{MASKED_USER} {MASKED_DIGEST}"),
        Some(Mechanism::DigestMd5) => match decoded_text(token) {
            Some(directives) => {
                let directives = replace_directive(&directives, "username", MASKED_USER);
                let directives = replace_directive(&directives, "cnonce", MASKED_USER);
                let directives = replace_directive(&directives, "nonce", MASKED_USER);
                replace_directive(&directives, "response", MASKED_DIGEST)
            }
            None => MASKED_PASSWORD.to_owned(),
        },
        _ => MASKED_PASSWORD.to_owned(),
    };
    base64::encode(plain.as_bytes())
}

/// A challenge whose values feed a digest, made harmless; `None` for challenges that
/// hide nothing (LOGIN's fixed `Username:` and `Password:` prompts).
fn challenge_placeholder(
    mechanism: Option<Mechanism>,
    index: usize,
    token: &str,
) -> Option<String> {
    let plain = match mechanism {
        Some(Mechanism::Login) => return None,
        Some(Mechanism::CramMd5) => format!("<0.0@{MASKED_USER}>"),
        Some(Mechanism::DigestMd5) => {
            let directives = decoded_text(token)?;
            if index == 1 {
                replace_directive(&directives, "nonce", MASKED_USER)
            } else {
                replace_directive(&directives, "rspauth", MASKED_DIGEST)
            }
        }
        _ => MASKED_PASSWORD.to_owned(),
    };
    Some(base64::encode(plain.as_bytes())).filter(|masked| masked != token)
}

fn decoded_text(token: &str) -> Option<String> {
    let octets = base64::decode(token).ok()?;
    String::from_utf8(octets).ok()
}

/// `directives` with the value of `name` (quoted or not, the name in any case)
/// replaced by `value`, quoted as the original was.
fn replace_directive(directives: &str, name: &str, value: &str) -> String {
    let mut out = Vec::new();
    for part in split_directives(directives) {
        let trimmed = part.trim_start();
        let replaced = trimmed.split_once('=').and_then(|(key, old)| {
            if !key.trim().eq_ignore_ascii_case(name) {
                return None;
            }
            let leading = part.get(..part.len() - trimmed.len()).unwrap_or_default();
            Some(if old.trim_start().starts_with('"') {
                format!("{leading}{key}=\"{value}\"")
            } else {
                format!("{leading}{key}={value}")
            })
        });
        out.push(replaced.unwrap_or_else(|| part.to_owned()));
    }
    out.join(",")
}

/// Splits a directive list at commas outside double quotes (RFC 2831 §7.1).
fn split_directives(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    for (at, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                parts.push(text.get(start..at).unwrap_or_default());
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(text.get(start..).unwrap_or_default());
    parts
}

/// `text` with each secret replaced on its input line; lines keep their endings.
fn replace_secrets(text: &str, secrets: &[Secret]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending = secrets.iter().peekable();
    let mut rest = text;
    for (n, line) in input_lines(text) {
        let Some(at) = rest.find(line) else {
            break;
        };
        let end = at + line.len();
        out.push_str(rest.get(..at).unwrap_or_default());
        let mut line = line.to_owned();
        while let Some(secret) = pending.next_if(|s| s.line <= n) {
            if secret.line == n {
                line = line.replacen(&secret.token, &secret.placeholder, 1);
            }
        }
        out.push_str(&line);
        rest = rest.get(end..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask(text: &str) -> Shareable {
        shareable(text.as_bytes(), &Options::default(), false).expect("a session")
    }

    #[test]
    fn plain_initial_response_is_masked_and_still_judged_clean() {
        let log = "<-  220 mx.example.org ESMTP\r\n -> EHLO c.example\r\n<-  250-mx.example.org\r\n<-  250 AUTH PLAIN\r\n -> AUTH PLAIN AGFsaWNlAFMzY3JldC1wdw==\r\n<-  235 2.7.0 ok\r\n -> QUIT\r\n<-  221 bye\r\n";
        let shared = mask(log);
        assert_eq!(shared.masked, 1);
        assert!(!shared.text.contains("AGFsaWNlAFMzY3JldC1wdw=="));
        assert!(shared
            .text
            .contains(" -> AUTH PLAIN AG1hc2tlZAAvKiBzZWNyZXQgKi8=\r\n"));
        assert_eq!(shared.text.lines().count(), log.lines().count());
        let again = analyze(shared.text.as_bytes(), &Options::default()).unwrap();
        assert!(!again.has_errors(), "{:?}", again.findings);
    }

    #[test]
    fn login_prompts_stay_and_both_responses_go() {
        let log = "S: 220 mx\nC: EHLO c\nS: 250 AUTH LOGIN\nC: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: YWxpY2U=\nS: 334 UGFzc3dvcmQ6\nC: UzNjcmV0LXB3\nS: 235 ok\n";
        let shared = mask(log);
        assert_eq!(shared.masked, 2);
        assert!(shared.text.contains("S: 334 VXNlcm5hbWU6\n"));
        assert!(!shared.text.contains("YWxpY2U="));
        assert!(!shared.text.contains("UzNjcmV0LXB3"));
    }

    #[test]
    fn cram_md5_challenge_and_response_are_masked() {
        let log = std::fs::read_to_string("tests/fixtures/analyze/swaks-cram-md5.txt").unwrap();
        let shared = mask(&log);
        assert_eq!(shared.masked, 2);
        assert!(!shared
            .text
            .contains("PDg1OTU3MTE4Ny4xNzk2NDk2NTc0QG14LmV4YW1wbGUub3JnPg=="));
        assert!(!shared
            .text
            .contains("YWxpY2UgMWZkOGU5ZWEwNWJhYmJjZTgxMWU3Njc3ZDk4YzJiZDk="));
        let again = analyze(shared.text.as_bytes(), &Options::default()).unwrap();
        assert!(!again.has_errors(), "{:?}", again.findings);
    }

    #[test]
    fn keeping_secrets_returns_the_text_unchanged() {
        let log = "S: 220 mx\nC: EHLO c\nC: AUTH PLAIN AGFsaWNlAFMzY3JldC1wdw==\n";
        let kept = shareable(log.as_bytes(), &Options::default(), true).unwrap();
        assert_eq!(kept.text, log);
        assert_eq!(kept.masked, 0);
    }

    #[test]
    fn a_capture_with_bdat_is_shared_with_its_chunk_ends_kept() {
        let capture = std::fs::read("tests/fixtures/analyze/pcap-send-bdat.pcap").unwrap();
        let shared = shareable(&capture, &Options::default(), false).unwrap();
        assert!(
            shared.text.contains("C: Subject: Test meBDAT 100\n"),
            "{}",
            shared.text
        );
        let again = analyze(shared.text.as_bytes(), &Options::default()).unwrap();
        assert!(again.findings.is_empty(), "{:?}", again.findings);
    }

    #[test]
    fn a_capture_is_shared_as_cs_lines_without_its_digest() {
        let capture = std::fs::read("tests/fixtures/analyze/pcap-swaks-cram-md5.pcap").unwrap();
        let shared = shareable(&capture, &Options::default(), false).unwrap();
        assert!(shared.from_capture);
        assert!(shared.text.starts_with("S: 220 "), "{}", shared.text);
        assert_eq!(shared.masked, 2);
        let again = analyze(shared.text.as_bytes(), &Options::default()).unwrap();
        assert_eq!(again.format, Format::Cs);
    }

    #[test]
    fn digest_md5_directives_keep_their_shape() {
        let masked = replace_directive(
            "username=\"alice\",nonce=\"abc,d\",nc=00000001,response=0123abcd",
            "response",
            MASKED_DIGEST,
        );
        assert_eq!(
            masked,
            format!("username=\"alice\",nonce=\"abc,d\",nc=00000001,response={MASKED_DIGEST}")
        );
        let masked = replace_directive(&masked, "NONCE", MASKED_USER);
        assert!(masked.contains("nonce=\"masked\""), "{masked}");
    }

    #[test]
    fn a_session_without_auth_has_nothing_to_mask() {
        let log = "S: 220 mx\nC: EHLO c\nS: 250 ok\nC: QUIT\nS: 221 bye\n";
        assert_eq!(mask(log).text, log);
        assert_eq!(mask(log).masked, 0);
    }

    #[test]
    fn masking_a_fixture_adds_no_error_and_keeps_every_line() {
        for entry in std::fs::read_dir("tests/fixtures/analyze").unwrap() {
            let path = entry.unwrap().path();
            let input = std::fs::read(&path).unwrap();
            let Ok(original) = analyze(&input, &Options::default()) else {
                continue;
            };
            let shared = shareable(&input, &Options::default(), false).unwrap();
            let masked = analyze(shared.text.as_bytes(), &Options::default()).unwrap();
            let errors = |a: &super::super::Analysis| {
                a.findings
                    .iter()
                    .filter(|f| f.severity == super::super::Severity::Error)
                    .map(|f| f.message.clone())
                    .collect::<Vec<_>>()
            };
            if !shared.from_capture {
                assert_eq!(masked.lines.len(), original.lines.len(), "{path:?}");
                assert!(
                    errors(&masked).len() <= errors(&original).len(),
                    "{path:?}: {:?}",
                    errors(&masked)
                );
            }
        }
    }
}
