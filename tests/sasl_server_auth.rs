//! The server side of AUTH (RFC 4954) as a table: policy, AUTH arguments, the client's
//! continuation lines, and the exact reply to each.

use esmtp_playground::entropy::Entropy;
use esmtp_playground::protocol::{ReplyKind, MAX_AUTH_LINE};
use esmtp_playground::sasl::{base64, Mechanism};
use esmtp_playground::server::sasl_exchange::{
    already_authenticated_reply, in_transaction_reply, line_too_long_reply, AuthOutcome,
    AuthPolicy, AuthStep, ServerAuth,
};

/// Stands for "334 " followed by a fresh (seed-dependent) challenge.
const ANY_CHALLENGE: &str = "334 <challenge>";

/// alice / S3cret-pw, as in the default policy.
const GOOD_PLAIN: &str = "AGFsaWNlAFMzY3JldC1wdw==";

struct Case {
    name: &'static str,
    policy: AuthPolicy,
    mechanism: &'static str,
    initial: Option<&'static str>,
    lines: Vec<Vec<u8>>,
    /// Reply (without CRLF) after AUTH and after each line.
    replies: Vec<&'static str>,
}

fn case(
    name: &'static str,
    mechanism: &'static str,
    initial: Option<&'static str>,
    lines: &[&[u8]],
    replies: &[&'static str],
) -> Case {
    Case {
        name,
        policy: AuthPolicy::default(),
        mechanism,
        initial,
        lines: lines.iter().map(|l| l.to_vec()).collect(),
        replies: replies.to_vec(),
    }
}

fn plaintext_policy() -> AuthPolicy {
    AuthPolicy {
        plaintext_needs_secure_channel: true,
        ..AuthPolicy::default()
    }
}

fn wire(step: &AuthStep) -> String {
    let text = step.reply.to_string();
    text.strip_suffix("\r\n").unwrap_or(&text).to_owned()
}

fn run(case: &Case) -> Vec<String> {
    let (mut auth, step) = ServerAuth::start(
        &case.policy,
        "mx.example.org",
        case.mechanism,
        case.initial,
        1_795_856_400_000,
        &mut Entropy::from_seed(5),
    );
    let mut replies = vec![wire(&step)];
    for line in &case.lines {
        replies.push(wire(&auth.respond(line)));
    }
    replies
}

#[test]
fn reply_table() {
    let too_long = vec![b'A'; MAX_AUTH_LINE - 1];
    let bad_utf8 = b"AG\xffF".as_slice();
    let cases = vec![
        case(
            "PLAIN initial response",
            "PLAIN",
            Some(GOOD_PLAIN),
            &[],
            &["235 2.7.0 Authentication successful"],
        ),
        case(
            "mechanism name is case-insensitive",
            "plain",
            Some(GOOD_PLAIN),
            &[],
            &["235 2.7.0 Authentication successful"],
        ),
        case(
            "PLAIN after empty challenge",
            "PLAIN",
            None,
            &[GOOD_PLAIN.as_bytes()],
            &["334 ", "235 2.7.0 Authentication successful"],
        ),
        case(
            "= is an empty initial response",
            "PLAIN",
            Some("="),
            &[],
            &["535 5.7.8 Authentication credentials invalid"],
        ),
        case(
            "* cancels",
            "PLAIN",
            None,
            &[b"*"],
            &["334 ", "501 5.0.0 Authentication cancelled"],
        ),
        case(
            "* cancels LOGIN midway",
            "LOGIN",
            None,
            &[b"YWxpY2U=", b"*"],
            &[
                "334 VXNlcm5hbWU6",
                "334 UGFzc3dvcmQ6",
                "501 5.0.0 Authentication cancelled",
            ],
        ),
        case(
            "undecodable initial response",
            "PLAIN",
            Some("AGFsaWNl!"),
            &[],
            &["501 5.5.2 Cannot decode base64"],
        ),
        case(
            "undecodable continuation",
            "PLAIN",
            None,
            &[b"AGFsaWNl="],
            &["334 ", "501 5.5.2 Cannot decode base64"],
        ),
        case(
            "non-ASCII continuation",
            "PLAIN",
            None,
            &[bad_utf8],
            &["334 ", "501 5.5.2 Cannot decode base64"],
        ),
        case(
            "unknown mechanism",
            "XOAUTH2",
            None,
            &[],
            &["504 5.5.4 Command parameter not implemented"],
        ),
        case(
            "initial response to CRAM-MD5",
            "CRAM-MD5",
            Some("dGlt"),
            &[],
            &["501 5.7.0 Initial response not allowed for this mechanism"],
        ),
        case(
            "= to DIGEST-MD5",
            "DIGEST-MD5",
            Some("="),
            &[],
            &["501 5.7.0 Initial response not allowed for this mechanism"],
        ),
        case(
            "wrong PLAIN password",
            "PLAIN",
            Some("AGFsaWNlAHdyb25n"),
            &[],
            &["535 5.7.8 Authentication credentials invalid"],
        ),
        case(
            "unknown user via LOGIN",
            "LOGIN",
            Some("Ym9i"),
            &[b"UzNjcmV0LXB3"],
            &[
                "334 UGFzc3dvcmQ6",
                "535 5.7.8 Authentication credentials invalid",
            ],
        ),
        case(
            "CRAM-MD5 garbage response",
            "CRAM-MD5",
            None,
            &[b"Z2FyYmFnZQ=="],
            &[
                ANY_CHALLENGE,
                "535 5.7.8 Authentication credentials invalid",
            ],
        ),
        case(
            "line over 12288 octets",
            "PLAIN",
            None,
            &[&too_long],
            &["334 ", "500 5.5.6 Authentication exchange line is too long"],
        ),
        case(
            "line after the end",
            "PLAIN",
            Some(GOOD_PLAIN),
            &[b""],
            &[
                "235 2.7.0 Authentication successful",
                "503 5.5.1 Bad sequence of commands",
            ],
        ),
        Case {
            name: "mechanism switched off",
            policy: AuthPolicy {
                mechanisms: vec![Mechanism::Plain],
                ..AuthPolicy::default()
            },
            ..case(
                "",
                "CRAM-MD5",
                None,
                &[],
                &["504 5.5.4 Command parameter not implemented"],
            )
        },
        Case {
            name: "PLAIN needs a secure channel",
            policy: plaintext_policy(),
            ..case(
                "",
                "PLAIN",
                Some(GOOD_PLAIN),
                &[],
                &["538 5.7.11 Encryption required for requested authentication mechanism"],
            )
        },
        Case {
            name: "LOGIN needs a secure channel",
            policy: plaintext_policy(),
            ..case(
                "",
                "LOGIN",
                None,
                &[],
                &["538 5.7.11 Encryption required for requested authentication mechanism"],
            )
        },
    ];
    for case in &cases {
        let actual = run(case);
        assert_eq!(actual.len(), case.replies.len(), "{}", case.name);
        for (got, want) in actual.iter().zip(&case.replies) {
            if *want == ANY_CHALLENGE {
                assert!(
                    got.starts_with("334 ") && got.len() > 4,
                    "{}: {got}",
                    case.name
                );
            } else {
                assert_eq!(got, want, "{}", case.name);
            }
        }
    }
}

#[test]
fn cram_md5_challenge_follows_entropy_and_clock() {
    let (_, step) = ServerAuth::start(
        &AuthPolicy::default(),
        "mx.example.org",
        "CRAM-MD5",
        None,
        1_795_856_400_000,
        &mut Entropy::from_seed(5),
    );
    let text = step.reply.lines[0].clone();
    let challenge = String::from_utf8(base64::decode(&text).unwrap()).unwrap();
    assert!(
        challenge.starts_with('<') && challenge.ends_with(".1795856400@mx.example.org>"),
        "{challenge}"
    );
    let (_, other) = ServerAuth::start(
        &AuthPolicy::default(),
        "mx.example.org",
        "CRAM-MD5",
        None,
        1_795_856_400_000,
        &mut Entropy::from_seed(6),
    );
    assert_ne!(
        other.reply, step.reply,
        "a different seed gives a different challenge"
    );
}

#[test]
fn plaintext_policy_still_allows_challenge_response_mechanisms() {
    for mechanism in ["CRAM-MD5", "DIGEST-MD5"] {
        let (_, step) = ServerAuth::start(
            &plaintext_policy(),
            "mx",
            mechanism,
            None,
            0,
            &mut Entropy::from_seed(1),
        );
        assert_eq!(step.outcome, AuthOutcome::Challenge, "{mechanism}");
    }
    let (_, step) = ServerAuth::start(
        &plaintext_policy(),
        "mx",
        "PLAIN",
        None,
        0,
        &mut Entropy::from_seed(1),
    );
    assert!(step.explanation.contains("no TLS"), "{}", step.explanation);
}

#[test]
fn failures_carry_a_specific_explanation_but_a_generic_wire_text() {
    let (_, step) = ServerAuth::start(
        &AuthPolicy::default(),
        "mx",
        "PLAIN",
        Some("AGJvYgBTM2NyZXQtcHc="),
        0,
        &mut Entropy::from_seed(1),
    );
    assert!(
        step.explanation.contains("no user \"bob\""),
        "{}",
        step.explanation
    );
    assert!(
        !step.reply.to_string().contains("bob"),
        "the wire must not reveal which users exist"
    );
    let AuthOutcome::Failed { kind } = step.outcome else {
        panic!()
    };
    let rfc = step.rfc;
    assert_eq!(kind, ReplyKind::AuthInvalidCredentials);
    assert!(rfc.starts_with("RFC 4616"));
}

#[test]
fn the_trace_shows_every_step() {
    let (mut auth, _) = ServerAuth::start(
        &AuthPolicy::default(),
        "mx",
        "LOGIN",
        None,
        0,
        &mut Entropy::from_seed(1),
    );
    auth.respond(b"YWxpY2U=");
    auth.respond(b"UzNjcmV0LXB3");
    let labels: Vec<&str> = auth.trace().iter().map(|e| e.label.as_str()).collect();
    for expected in [
        "Username: prompt",
        "334 challenge",
        "client line",
        "user name",
        "password",
        "success",
    ] {
        assert!(labels.contains(&expected), "{labels:?}");
    }
    let taken = auth.take_trace();
    assert!(!taken.is_empty() && auth.trace().is_empty());
}

#[test]
fn session_helpers_have_the_rfc_codes() {
    assert!(already_authenticated_reply()
        .to_string()
        .starts_with("503 5.5.1 "));
    assert!(in_transaction_reply().to_string().starts_with("503 5.5.1 "));
    assert!(line_too_long_reply().to_string().starts_with("500 5.5.6 "));
    let advertised = AuthPolicy::default().advertised().unwrap().to_string();
    assert_eq!(advertised, "AUTH PLAIN LOGIN CRAM-MD5 DIGEST-MD5");
    let none = AuthPolicy {
        mechanisms: Vec::new(),
        ..AuthPolicy::default()
    };
    assert!(none.advertised().is_none());
}
