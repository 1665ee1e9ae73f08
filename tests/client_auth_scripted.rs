//! The client's SMTP AUTH (RFC 4954) against scripted server replies, with the RFC test
//! vectors: each run is fed whole, line by line and one octet at a time.

mod client_support;

use client_support::{run_all_splits, Script};
use esmtp_playground::client::{
    AuthSpec, Choice, Client, ClientEventKind, ClientSpec, SpecError, Step, Topic,
};
use esmtp_playground::sasl::trace::Side;
use esmtp_playground::sasl::Mechanism;

const AUTH_EHLO: &str = "250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-AUTH PLAIN LOGIN CRAM-MD5\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n";
const RFC2195_CHALLENGE: &str = "334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n";
const OK_235: &str = "235 2.7.0 Authentication successful\r\n";

fn tim(mechanism: &str) -> AuthSpec {
    AuthSpec {
        mechanism: mechanism.into(),
        user: "tim".into(),
        password: "tanstaaftanstaaf".into(),
        ..AuthSpec::default()
    }
}

fn spec(auth: AuthSpec) -> ClientSpec {
    ClientSpec {
        auth: Some(auth),
        ..ClientSpec::default()
    }
}

fn script(auth: &[&str]) -> Script {
    Script {
        ehlo: AUTH_EHLO.into(),
        auth: auth.iter().map(|r| (*r).to_owned()).collect(),
        ..Script::default()
    }
}

fn auth_decisions(run: &client_support::Run) -> Vec<Choice> {
    run.client
        .decisions()
        .iter()
        .filter(|d| d.topic == Topic::Auth)
        .map(|d| d.choice.clone())
        .collect()
}

#[test]
fn cram_md5_answers_the_rfc_2195_challenge_with_the_rfc_digest() {
    let run = run_all_splits(&spec(tim("CRAM-MD5")), || {
        script(&[RFC2195_CHALLENGE, OK_235])
    });
    assert_eq!(run.commands[1], "AUTH CRAM-MD5");
    assert_eq!(
        run.commands[2],
        "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"
    );
    assert_eq!(run.verbs()[3..], ["MAIL", "RCPT", "DATA", "QUIT"]);
    assert_eq!(run.client.outcome().delivered, ["bob@example.org"]);
    let kinds = run.kinds();
    assert!(kinds.iter().any(|k| matches!(
        k,
        ClientEventKind::Authenticated {
            mechanism: Mechanism::CramMd5
        }
    )));
    // The trace shows the digest, computed by the client.
    let digest = kinds
        .iter()
        .filter_map(|k| match k {
            ClientEventKind::SaslTrace { entries, .. } => Some(entries),
            _ => None,
        })
        .flatten()
        .find(|e| {
            e.octets
                .as_ref()
                .is_some_and(|o| o.visible.contains("b913a602c7eda7a495b4e6e7334d3890"))
        })
        .expect("a trace entry carries the RFC digest");
    assert_eq!(digest.side, Side::Client);
}

#[test]
fn plain_sends_the_rfc_4616_initial_response_on_the_auth_line() {
    let run = run_all_splits(&spec(tim("PLAIN")), || script(&[OK_235]));
    assert_eq!(run.commands[1], "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
    assert_eq!(run.verbs()[2..], ["MAIL", "RCPT", "DATA", "QUIT"]);
    assert_eq!(run.client.outcome().delivered, ["bob@example.org"]);
}

#[test]
fn login_answers_both_prompts() {
    let run = run_all_splits(&spec(tim("LOGIN")), || {
        script(&["334 VXNlcm5hbWU6\r\n", "334 UGFzc3dvcmQ6\r\n", OK_235])
    });
    assert_eq!(
        run.commands[1..4],
        ["AUTH LOGIN", "dGlt", "dGFuc3RhYWZ0YW5zdGFhZg=="]
    );
    assert_eq!(run.verbs()[4], "MAIL");
}

#[test]
fn login_with_initial_response_sends_the_user_name_on_the_auth_line() {
    let auth = AuthSpec {
        login_initial_response: true,
        ..tim("LOGIN")
    };
    let run = run_all_splits(&spec(auth), || script(&["334 UGFzc3dvcmQ6\r\n", OK_235]));
    assert_eq!(
        run.commands[1..3],
        ["AUTH LOGIN dGlt", "dGFuc3RhYWZ0YW5zdGFhZg=="]
    );
    assert_eq!(run.verbs()[3], "MAIL");
}

#[test]
fn auto_picks_the_strongest_mechanism_offered_and_records_why() {
    let run = run_all_splits(&spec(tim("auto")), || script(&[RFC2195_CHALLENGE, OK_235]));
    assert_eq!(run.commands[1], "AUTH CRAM-MD5");
    assert_eq!(
        auth_decisions(&run),
        [Choice::Authenticate {
            mechanism: Mechanism::CramMd5
        }]
    );
    let decision = run
        .client
        .decisions()
        .iter()
        .find(|d| d.topic == Topic::Auth)
        .unwrap();
    assert_eq!(decision.offered, "AUTH PLAIN LOGIN CRAM-MD5");
    assert_eq!(decision.used, "AUTH CRAM-MD5");
    assert!(decision.why.contains("preference"), "{}", decision.why);
}

#[test]
fn wrong_password_535_ends_with_quit_and_says_what_it_means() {
    let run = run_all_splits(&spec(tim("PLAIN")), || {
        script(&["535 5.7.8 Authentication credentials invalid\r\n"])
    });
    assert_eq!(run.verbs(), ["EHLO", "AUTH", "QUIT"]);
    assert_eq!(run.client.outcome().undelivered, ["bob@example.org"]);
    assert!(
        run.explanations().contains("wrong user name or password"),
        "{}",
        run.explanations()
    );
    assert!(run
        .kinds()
        .iter()
        .any(|k| matches!(k, ClientEventKind::Failed { reason } if reason.contains("535"))));
}

#[test]
fn no_auth_offered_fails_cleanly_without_sending_the_message() {
    let run = run_all_splits(&spec(tim("PLAIN")), Script::default);
    assert_eq!(run.verbs(), ["EHLO", "QUIT"]);
    assert_eq!(auth_decisions(&run), [Choice::AuthNotOffered]);
    assert!(
        run.explanations().contains("RFC 4954"),
        "{}",
        run.explanations()
    );
    assert_eq!(run.client.outcome().undelivered, ["bob@example.org"]);
}

#[test]
fn auto_with_nothing_in_common_fails_cleanly() {
    let auth = AuthSpec {
        preference: vec![Mechanism::DigestMd5],
        ..tim("auto")
    };
    let run = run_all_splits(&spec(auth), || script(&[]));
    assert_eq!(run.verbs(), ["EHLO", "QUIT"]);
    assert_eq!(auth_decisions(&run), [Choice::NoCommonMechanism]);
}

#[test]
fn quit_after_auth_stops_after_the_235() {
    let spec = ClientSpec {
        quit_after: Some(Step::Auth),
        ..spec(tim("PLAIN"))
    };
    let run = run_all_splits(&spec, || script(&[OK_235]));
    assert_eq!(run.verbs(), ["EHLO", "AUTH", "QUIT"]);
    assert!(run.explanations().contains("Stopping after AUTH"));
}

#[test]
fn bad_base64_from_the_server_is_cancelled_with_a_star() {
    let run = run_all_splits(&spec(tim("CRAM-MD5")), || {
        script(&[
            "334 not*base64!\r\n",
            "501 5.0.0 Authentication cancelled\r\n",
        ])
    });
    assert_eq!(run.commands[1..], ["AUTH CRAM-MD5", "*", "QUIT"]);
    assert!(run
        .kinds()
        .iter()
        .any(|k| matches!(k, ClientEventKind::AuthLineSent { cancel: true, .. })));
    assert!(run.explanations().contains("confirms the cancellation"));
}

#[test]
fn digest_md5_with_a_wrong_rspauth_is_cancelled_then_quit() {
    let challenge = b64(b"realm=\"elwood.innosoft.com\",nonce=\"OA6MG9tEQGm2hh\",qop=\"auth\",charset=utf-8,algorithm=md5-sess");
    let rspauth = b64(b"rspauth=00000000000000000000000000000000");
    let first = format!("334 {challenge}\r\n");
    let second = format!("334 {rspauth}\r\n");
    let auth = AuthSpec {
        user: "chris".into(),
        password: "secret".into(),
        ..tim("DIGEST-MD5")
    };
    let run = run_all_splits(&spec(auth), || Script {
        ehlo: AUTH_EHLO.replace("CRAM-MD5", "CRAM-MD5 DIGEST-MD5"),
        auth: vec![
            first.clone(),
            second.clone(),
            "501 5.0.0 Authentication cancelled\r\n".into(),
        ],
        ..Script::default()
    });
    assert_eq!(run.verbs()[..2], ["EHLO", "AUTH"]);
    let response = String::from_utf8(base64_decode(&run.commands[2])).unwrap();
    assert!(
        response.contains("digest-uri=\"smtp/mx.example.org\""),
        "{response}"
    );
    assert!(response.contains("username=\"chris\""), "{response}");
    assert_eq!(run.commands[3..], ["*", "QUIT"]);
    assert!(
        run.explanations().contains("rspauth"),
        "{}",
        run.explanations()
    );
    assert_eq!(run.client.outcome().undelivered, ["bob@example.org"]);
}

#[test]
fn digest_md5_success_without_rspauth_is_not_trusted() {
    let challenge = b64(b"realm=\"elwood.innosoft.com\",nonce=\"OA6MG9tEQGm2hh\",qop=\"auth\",charset=utf-8,algorithm=md5-sess");
    let auth = AuthSpec {
        user: "chris".into(),
        password: "secret".into(),
        ..tim("DIGEST-MD5")
    };
    // The server skips the rspauth step and claims success straight away.
    let run = run_all_splits(&spec(auth), || Script {
        ehlo: AUTH_EHLO.replace("CRAM-MD5", "CRAM-MD5 DIGEST-MD5"),
        auth: vec![
            format!("334 {challenge}\r\n"),
            "235 2.7.0 Authentication successful\r\n".into(),
        ],
        ..Script::default()
    });
    assert_eq!(run.verbs()[..2], ["EHLO", "AUTH"]);
    assert_eq!(run.commands[3..], ["QUIT"], "no MAIL to an unproven server");
    assert!(
        run.explanations().contains("never proved it knows"),
        "{}",
        run.explanations()
    );
    assert_eq!(run.client.outcome().undelivered, ["bob@example.org"]);
}

#[test]
fn digest_uri_uses_the_server_name_from_the_spec_when_given() {
    let challenge =
        b64(b"realm=\"mx\",nonce=\"abc\",qop=\"auth\",charset=utf-8,algorithm=md5-sess");
    let auth = AuthSpec {
        server_name: Some("127.0.0.1".into()),
        ..tim("DIGEST-MD5")
    };
    let run = run_all_splits(&spec(auth), || Script {
        ehlo: AUTH_EHLO.replace("CRAM-MD5", "DIGEST-MD5"),
        auth: vec![format!("334 {challenge}\r\n"), "535 5.7.8 no\r\n".into()],
        ..Script::default()
    });
    let response = String::from_utf8(base64_decode(&run.commands[2])).unwrap();
    assert!(
        response.contains("digest-uri=\"smtp/127.0.0.1\""),
        "{response}"
    );
    assert_eq!(run.verbs().last().unwrap(), "QUIT");
}

#[test]
fn a_long_334_challenge_is_read_but_an_over_long_ordinary_reply_is_not() {
    // 6000 base64 characters: over the 512-octet reply limit, within RFC 4954's 12288.
    let long_challenge = format!("334 {}\r\n", b64(&vec![b'<'; 4500]));
    let run = run_all_splits(&spec(tim("CRAM-MD5")), || {
        script(&[&long_challenge, OK_235])
    });
    assert!(!run
        .kinds()
        .iter()
        .any(|k| matches!(k, ClientEventKind::MalformedReply { .. })));
    assert_eq!(run.verbs()[3], "MAIL");
    // After AUTH the limit is back to 512: a 600-octet MAIL reply is malformed.
    let long_mail = format!("250 {}\r\n", "x".repeat(600));
    let run = client_support::run(
        spec(tim("PLAIN")),
        Script {
            mail: long_mail,
            ..script(&[OK_235])
        },
        client_support::Split::Whole,
    );
    assert!(run
        .kinds()
        .iter()
        .any(|k| matches!(k, ClientEventKind::MalformedReply { .. })));
}

#[test]
fn an_unknown_mechanism_in_the_spec_is_refused_before_connecting() {
    let error = Client::new(spec(tim("GSSAPI")), 0, 1).unwrap_err();
    assert_eq!(
        error,
        SpecError::UnknownMechanism {
            name: "GSSAPI".into()
        }
    );
    assert!(error.to_string().contains("GSSAPI"), "{error}");
    let long = AuthSpec {
        password: "p".repeat(5000),
        ..tim("PLAIN")
    };
    assert_eq!(
        Client::new(spec(long), 0, 1).unwrap_err(),
        SpecError::AuthFieldTooLong {
            field: "password",
            max: 1024
        }
    );
}

#[test]
fn spec_json_accepts_auth_and_null() {
    let json = r#"{"auth":{"mechanism":"LOGIN","user":"tim","password":"pw","loginInitialResponse":true,"serverName":"127.0.0.1"}}"#;
    let parsed: ClientSpec = serde_json::from_str(json).unwrap();
    let auth = parsed.auth.unwrap();
    assert!(auth.login_initial_response);
    assert_eq!(auth.server_name.as_deref(), Some("127.0.0.1"));
    assert_eq!(auth.preference, Mechanism::DEFAULT_PREFERENCE);
    let none: ClientSpec = serde_json::from_str(r#"{"auth":null}"#).unwrap();
    assert_eq!(none.auth, None);
}

fn b64(octets: &[u8]) -> String {
    esmtp_playground::sasl::base64::encode(octets)
}

fn base64_decode(text: &str) -> Vec<u8> {
    esmtp_playground::sasl::base64::decode(text).unwrap()
}

#[test]
fn raw_lines_after_auth_go_out_once_authenticated() {
    let spec = ClientSpec {
        raw_lines: vec![esmtp_playground::client::RawLine {
            after: Step::Auth,
            line: "NOOP".into(),
        }],
        ..spec(tim("PLAIN"))
    };
    let run = run_all_splits(&spec, || Script {
        other: "250 2.0.0 Ok\r\n".into(),
        ..script(&[OK_235])
    });
    assert_eq!(run.verbs()[..4], ["EHLO", "AUTH", "NOOP", "MAIL"]);
}

#[test]
fn temporary_failure_454_quits_with_its_meaning() {
    let run = run_all_splits(&spec(tim("PLAIN")), || {
        script(&["454 4.7.0 Temporary authentication failure\r\n"])
    });
    assert_eq!(run.verbs(), ["EHLO", "AUTH", "QUIT"]);
    assert!(
        run.explanations().contains("temporary failure"),
        "{}",
        run.explanations()
    );
}
