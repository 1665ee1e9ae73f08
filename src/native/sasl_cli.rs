//! `esmtp-playground sasl encode|decode`: the page's offline SASL calculator
//! ([`crate::sasl::calculator`]) on the command line. Everything SASL is computed by the
//! calculator; this file only lays its results out as text (or JSON) and picks the
//! exit code, so the terminal shows exactly what the page shows.
//!
//! Exit codes: 0 done, 1 a check you asked for failed (the password a PLAIN or LOGIN
//! message carries, a CRAM-MD5 digest, a DIGEST-MD5 response, or the user name does not
//! match), 2 input the calculator cannot use or that does not fit the
//! mechanism (bad base64, a PLAIN message without exactly two NULs…).

use crate::sasl::calculator::{
    self, CalcError, DecodeRequest, DecodeResult, DigestCheck, EncodeRequest, EncodeResult,
    Interpretation,
};
use crate::sasl::trace::{self, Octets, Side, TraceEntry};

/// Exit code: a check asked for on the command line failed.
pub const EXIT_CHECK_FAILED: u8 = 1;
/// Exit code: input the calculator cannot use.
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit code: the result could not be written as JSON (never expected).
const EXIT_INTERNAL: u8 = 4;

/// Hex octets per printed line, like `hexdump -C`.
const HEX_PER_LINE: usize = 16;
/// base64 groups (3 octets → 4 characters) per printed line.
const GROUPS_PER_LINE: usize = 6;

/// How to print a result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Explained text for a terminal.
    Text,
    /// The calculator's result as pretty-printed JSON (the page's data).
    Json,
}

/// What the command prints and how it ends; the caller does the writing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Everything for stdout.
    pub stdout: String,
    /// One line for stderr, when something is wrong.
    pub error: Option<String>,
    /// The process exit code.
    pub exit_code: u8,
}

impl Report {
    fn failed(error: &CalcError) -> Self {
        Self {
            stdout: String::new(),
            error: Some(one_line(&error.to_string())),
            exit_code: EXIT_BAD_INPUT,
        }
    }
}

/// `sasl encode`: the client lines first (exactly as sent), then the exchange and trace.
pub fn encode(request: &EncodeRequest, format: Format) -> Report {
    match calculator::encode(request) {
        Err(error) => Report::failed(&error),
        Ok(result) => match format {
            Format::Json => json(&result, None, 0),
            Format::Text => Report {
                stdout: encode_text(&result),
                error: None,
                exit_code: 0,
            },
        },
    }
}

/// `sasl decode`: the decoded octets explained. `expected_user`, when given, must be the
/// user name the message carries.
pub fn decode(request: &DecodeRequest, expected_user: Option<&str>, format: Format) -> Report {
    let result = match calculator::decode(request) {
        Err(error) => return Report::failed(&error),
        Ok(result) => result,
    };
    let ending = Ending::of(&result, expected_user);
    match format {
        Format::Json => json(&result, ending.error_line(), ending.exit_code()),
        Format::Text => Report {
            stdout: decode_text(&result, &ending),
            error: ending.error_line(),
            exit_code: ending.exit_code(),
        },
    }
}

fn json<T: serde::Serialize>(value: &T, error: Option<String>, exit_code: u8) -> Report {
    match serde_json::to_string_pretty(value) {
        Ok(mut text) => {
            text.push('\n');
            Report {
                stdout: text,
                error,
                exit_code,
            }
        }
        Err(e) => Report {
            stdout: String::new(),
            error: Some(format!("cannot write the result as JSON: {e}")),
            exit_code: EXIT_INTERNAL,
        },
    }
}

/// Joins lines so a message fits on one stderr line.
fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// How a decode ended: problems with the input's shape, and failed checks.
struct Ending {
    /// Everything that does not fit the mechanism (from the calculator).
    problems: Vec<String>,
    /// The calculator's password check failed: its verdict says how.
    failed_check: Option<String>,
    /// `--user` differs from the user the message carries, or it carries none.
    user_problem: Option<UserProblem>,
}

enum UserProblem {
    /// The message names someone else.
    Differs(String),
    /// The message names nobody, so `--user` cannot be checked.
    Absent,
}

impl Ending {
    fn of(result: &DecodeResult, expected_user: Option<&str>) -> Self {
        let user_problem =
            expected_user.and_then(|expected| match carried_user(&result.interpretation) {
                Some(user) if user == expected => None,
                Some(user) => Some(UserProblem::Differs(format!(
                    "the message is for user \"{}\", not --user \"{}\"",
                    trace::visible(user.as_bytes()),
                    trace::visible(expected.as_bytes())
                ))),
                None => Some(UserProblem::Absent),
            });
        Self {
            problems: result.problems.clone(),
            failed_check: result
                .verdict
                .is_failed_check()
                .then(|| result.verdict.text.clone()),
            user_problem,
        }
    }

    fn exit_code(&self) -> u8 {
        if !self.problems.is_empty() || matches!(self.user_problem, Some(UserProblem::Absent)) {
            EXIT_BAD_INPUT
        } else if self.failed_check.is_some() || self.user_problem.is_some() {
            EXIT_CHECK_FAILED
        } else {
            0
        }
    }

    fn all_problems(&self) -> Vec<String> {
        let mut all = self.problems.clone();
        all.extend(self.failed_check.clone());
        match &self.user_problem {
            Some(UserProblem::Differs(text)) => all.push(text.clone()),
            Some(UserProblem::Absent) => {
                all.push("--user cannot be checked: the decoded octets carry no user name".into())
            }
            None => {}
        }
        all
    }

    fn error_line(&self) -> Option<String> {
        let all = self.all_problems();
        (!all.is_empty()).then(|| one_line(&all.join("; ")))
    }
}

/// The user name a decoded message carries, if it carries one.
fn carried_user(interpretation: &Interpretation) -> Option<&str> {
    match interpretation {
        Interpretation::Plain { authcid, .. } => Some(authcid),
        Interpretation::CramResponse { user, .. } => Some(user),
        Interpretation::BearerToken { user, .. } => Some(user),
        Interpretation::ScramExchange { messages, .. } => messages
            .first()
            .and_then(|first| first.split(',').find_map(|part| part.strip_prefix("n="))),
        Interpretation::DigestDirectives { directives, .. } => directives
            .iter()
            .find(|directive| directive.name == "username")
            .map(|directive| directive.value.as_str()),
        _ => None,
    }
}

fn encode_text(result: &EncodeResult) -> String {
    let mut out = String::new();
    for line in &result.client_lines {
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&result.summary);
    out.push('\n');
    out.push_str("\nExchange:\n");
    for line in &result.exchange {
        out.push_str(&format!("  {} {}\n", marker(line.from), line.line));
        match &line.decoded {
            Some(octets) if octets.raw.is_empty() => {
                out.push_str("     = no octets: an empty response\n");
            }
            Some(octets) => out.push_str(&format!("     = {}\n", octets.visible)),
            None => {}
        }
    }
    if let Some(digest) = &result.digest {
        out.push_str(&format!(
            "\nComputed: response={} rspauth={}\n",
            digest.response, digest.rspauth
        ));
    }
    push_trace(&mut out, result.trace.entries());
    out
}

fn decode_text(result: &DecodeResult, ending: &Ending) -> String {
    let mut out = String::new();
    out.push_str(&format!("Verdict    {}\n", one_line(&result.verdict.text)));
    out.push_str(&format!("Input      {}\n", result.source));
    out.push_str(&format!("Base64     {}\n", result.base64));
    match result.mechanism {
        Some(mechanism) => {
            out.push_str(&format!("Mechanism  {mechanism} ({})\n", mechanism.rfc()));
        }
        None => out.push_str("Mechanism  not recognised (choose one with --mechanism)\n"),
    }
    push_octets(&mut out, "Octets     ", "           ", &result.octets);
    out.push('\n');
    push_interpretation(&mut out, &result.interpretation, result.mechanism);
    let problems = ending.all_problems();
    if !problems.is_empty() {
        out.push_str("\nProblems:\n");
        for problem in problems {
            out.push_str(&format!("  - {}\n", one_line(&problem)));
        }
    }
    push_trace(&mut out, result.trace.entries());
    out
}

fn push_interpretation(
    out: &mut String,
    interpretation: &Interpretation,
    mechanism: Option<crate::sasl::Mechanism>,
) {
    let rfc = mechanism.map(|m| m.rfc()).unwrap_or("RFC 4954");
    match interpretation {
        Interpretation::Empty => {
            out.push_str(
                "An empty response: no octets (sent as \"=\" on an AUTH line, RFC 4954 §4).\n",
            );
        }
        Interpretation::Plain {
            authzid,
            authcid,
            password,
        } => {
            out.push_str("PLAIN message, split at its two NUL octets (RFC 4616 §2):\n");
            push_field(out, "authzid", authzid, "empty: act as the authcid");
            push_field(out, "authcid", authcid, "");
            push_field(out, "password", password, "");
        }
        Interpretation::LoginPrompt { prompt } => {
            out.push_str(&format!("LOGIN server prompt ({rfc}):\n"));
            push_field(out, "prompt", prompt, "");
        }
        Interpretation::LoginAnswer { text } => {
            out.push_str(&format!(
                "LOGIN client answer ({rfc}): the user name or the password, by its place in the exchange:\n"
            ));
            push_field(out, "text", text, "");
        }
        Interpretation::CramChallenge { challenge } => {
            out.push_str("CRAM-MD5 server challenge (RFC 2195 §2):\n");
            push_field(out, "challenge", challenge, "");
        }
        Interpretation::CramResponse {
            user,
            digest,
            check,
        } => {
            out.push_str(
                "CRAM-MD5 response: user name, a space, then HMAC-MD5(password, challenge) in hex (RFC 2195 §2):\n",
            );
            push_field(out, "user", user, "");
            push_field(out, "digest", digest, "");
            match check {
                Some(check) => {
                    push_field(out, "expected", &check.expected, "");
                    out.push_str(if check.matches {
                        "  check      the digest matches: this password and challenge give it\n"
                    } else {
                        "  check      the digest does NOT match: wrong password or another challenge\n"
                    });
                }
                None => out.push_str(
                    "  check      not made (give --password and --challenge to check the digest)\n",
                ),
            }
        }
        Interpretation::DigestDirectives { directives, check } => {
            out.push_str("DIGEST-MD5 directives, in wire order (RFC 2831 §2.1):\n");
            for directive in directives.iter() {
                let quoted = if directive.quoted { "  (quoted)" } else { "" };
                out.push_str(&format!(
                    "  {:<10} {}{quoted}\n",
                    directive.name,
                    trace::visible(directive.value.as_bytes())
                ));
            }
            if let Some(check) = check {
                push_digest_check(out, check);
            }
        }
        Interpretation::ScramMessage {
            message,
            attributes,
        } => {
            out.push_str(&format!(
                "SCRAM {message}, attribute by attribute ({rfc} §5.1):\n"
            ));
            for attribute in attributes {
                out.push_str(&format!("  {:<10} {}\n", attribute.label, attribute.value));
            }
        }
        Interpretation::ScramExchange { messages, check } => {
            out.push_str(&format!(
                "A {} exchange of {} messages ({rfc} §5):\n",
                mechanism.map_or("SCRAM", |m| m.name()),
                messages.len()
            ));
            for field in interpretation.fields() {
                out.push_str(&format!("  {:<42} {}\n", field.label, field.value));
            }
            if check.is_none() {
                out.push_str("  check      not made (give --password to recompute every value)\n");
            }
        }
        Interpretation::BearerToken { .. } | Interpretation::BearerError { .. } => {
            out.push_str(&format!(
                "{} ({rfc} §3), field by field:\n",
                interpretation.summary()
            ));
            for field in interpretation.fields() {
                out.push_str(&format!("  {:<14} {}\n", field.label, field.value));
            }
        }
        Interpretation::Text { text } => {
            match mechanism {
                Some(mechanism) => out.push_str(&format!(
                    "The octets do not fit {mechanism} (see Problems); as UTF-8 text:\n"
                )),
                None => out.push_str("UTF-8 text that fits no mechanism:\n"),
            }
            push_field(out, "text", text, "");
        }
        Interpretation::Binary => {
            out.push_str("Octets that are neither a known SASL message nor UTF-8 text.\n");
        }
    }
}

/// The DIGEST-MD5 check: the recomputed values and, on a mismatch, which one differs.
fn push_digest_check(out: &mut String, check: &DigestCheck) {
    out.push_str("Recomputed from the password (RFC 2831 §2.1.2.1):\n");
    push_field(out, "HA1", &check.expected.ha1, "");
    push_field(out, "HA2", &check.expected.ha2, "");
    push_field(out, "response", &check.expected.response, "");
    match (check.differs, &check.reason) {
        (Some(part), Some(reason)) => out.push_str(&format!(
            "  check      {} differs: {}\n",
            part.name(),
            one_line(reason)
        )),
        _ => out.push_str("  check      response= matches: this password gives it\n"),
    }
}

/// One decoded field, drawn visibly (a NUL or escape sequence cannot hide in it).
fn push_field(out: &mut String, name: &str, value: &str, when_empty: &str) {
    let shown = format!("\"{}\"", trace::visible(value.as_bytes()));
    if value.is_empty() && !when_empty.is_empty() {
        out.push_str(&format!("  {name:<10} {shown} ({when_empty})\n"));
    } else {
        out.push_str(&format!("  {name:<10} {shown}\n"));
    }
}

fn marker(side: Side) -> &'static str {
    match side {
        Side::Client => "C:",
        Side::Server => "S:",
    }
}

fn side_name(side: Side) -> &'static str {
    match side {
        Side::Client => "client",
        Side::Server => "server",
    }
}

fn push_trace(out: &mut String, entries: &[TraceEntry]) {
    if entries.is_empty() {
        return;
    }
    out.push_str("\nTrace:\n");
    for (number, entry) in entries.iter().enumerate() {
        out.push_str(&format!(
            "{:>3}. {} · {} ({})\n",
            number.saturating_add(1),
            side_name(entry.side),
            entry.label,
            entry.rfc
        ));
        out.push_str(&format!("     {}\n", one_line(&entry.explanation)));
        if let Some(octets) = &entry.octets {
            push_octets(out, "     octets  ", "             ", octets);
        }
    }
}

/// An octet string every way the trace shows it: visible ASCII, hex (16 a line),
/// base64, and the 3 → 4 grouping that produced the base64.
fn push_octets(out: &mut String, first: &str, rest: &str, octets: &Octets) {
    let count = octets.raw.len();
    if count == 0 {
        out.push_str(&format!("{first}(none: 0 octets)\n"));
        return;
    }
    let plural = if count == 1 { "" } else { "s" };
    out.push_str(&format!(
        "{first}{}  ({count} octet{plural})\n",
        octets.visible
    ));
    let indent = " ".repeat(rest.chars().count().saturating_sub(8));
    let hex: Vec<&str> = octets.hex.split(' ').collect();
    for (index, chunk) in hex.chunks(HEX_PER_LINE).enumerate() {
        let label = if index == 0 { "hex     " } else { "        " };
        out.push_str(&format!("{indent}{label}{}\n", chunk.join(" ")));
    }
    out.push_str(&format!("{indent}base64  {}\n", octets.base64));
    for (index, chunk) in octets.groups.chunks(GROUPS_PER_LINE).enumerate() {
        let label = if index == 0 { "3→4     " } else { "        " };
        let groups: Vec<String> = chunk
            .iter()
            .map(|group| format!("[{}]→{}", group.visible, group.base64))
            .collect();
        out.push_str(&format!("{indent}{label}{}\n", groups.join("  ")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain_decode(input: &str) -> Report {
        decode(
            &DecodeRequest {
                input: input.into(),
                ..DecodeRequest::default()
            },
            None,
            Format::Text,
        )
    }

    #[test]
    fn octets_show_visible_hex_base64_and_groups() {
        let mut out = String::new();
        push_octets(&mut out, "Octets  ", "        ", &Octets::new(b"\0tim\0x"));
        assert_eq!(
            out,
            "Octets  ␀tim␀x  (6 octets)\n\
             hex     00 74 69 6d 00 78\n\
             base64  AHRpbQB4\n\
             3→4     [␀ti]→AHRp  [m␀x]→bQB4\n"
        );
    }

    #[test]
    fn long_hex_wraps_at_sixteen_octets() {
        let mut out = String::new();
        push_octets(&mut out, "Octets  ", "        ", &Octets::new(&[0x41; 17]));
        assert!(out.contains("\n        41\n"), "{out}");
    }

    #[test]
    fn a_plain_line_is_split_at_its_nuls() {
        let report = plain_decode("AUTH PLAIN dGVzdAB0ZXN0ADEyMzQ=");
        assert_eq!(report.exit_code, 0);
        assert_eq!(report.error, None);
        assert!(
            report.stdout.contains("authcid    \"test\""),
            "{}",
            report.stdout
        );
        assert!(report.stdout.contains("password   \"1234\""));
    }

    #[test]
    fn one_nul_is_bad_input_with_the_octets_still_shown() {
        // "tim\0secret": one NUL where PLAIN needs two.
        let report = plain_decode("AUTH PLAIN dGltAHNlY3JldA==");
        assert_eq!(report.exit_code, EXIT_BAD_INPUT);
        let error = report.error.unwrap();
        assert!(error.contains("exactly 2 NUL"), "{error}");
        assert!(report.stdout.contains("tim␀secret"));
    }

    #[test]
    fn a_wrong_user_is_a_failed_check() {
        let request = DecodeRequest {
            input: "AGFsaWNlAHB3".into(),
            ..DecodeRequest::default()
        };
        assert_eq!(decode(&request, Some("alice"), Format::Text).exit_code, 0);
        let other = decode(&request, Some("bob"), Format::Text);
        assert_eq!(other.exit_code, EXIT_CHECK_FAILED);
        assert!(other
            .error
            .unwrap()
            .contains("\"alice\", not --user \"bob\""));
    }

    #[test]
    fn errors_are_one_line() {
        assert_eq!(one_line("a\r\nb\nc"), "a b c");
        let report = plain_decode("!!!");
        assert_eq!(report.exit_code, EXIT_BAD_INPUT);
        assert!(report.stdout.is_empty());
    }
}
