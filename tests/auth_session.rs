//! SMTP AUTH end to end: the client engine against the server engine over the loopback
//! (every mechanism, failures, relay, the 538 policy), and the server fed by hand where
//! our client would never send what is tested (`*`, bad base64, AUTH= on MAIL FROM).

use esmtp_playground::client::{AuthSpec, ClientEventKind, ClientSpec, MessageSpec, Step};
use esmtp_playground::loopback::{run, Direction, Scenario, Timeline, TimelineEntry};
use esmtp_playground::sasl::trace::{Side, TraceEntry};
use esmtp_playground::sasl::xtext::AuthParameter;
use esmtp_playground::sasl::UserCredential;
use esmtp_playground::server::sasl_exchange::AuthPolicy;
use esmtp_playground::server::{Peer, Server, ServerConfig, ServerEventKind, State};
use hmac::{Hmac, Mac};

const USER: &str = "tim";
const PASSWORD: &str = "tanstaaftanstaaf";

fn server_config(policy: AuthPolicy) -> ServerConfig {
    ServerConfig {
        auth: policy,
        ..ServerConfig::default()
    }
}

fn policy() -> AuthPolicy {
    AuthPolicy {
        users: vec![UserCredential {
            name: USER.into(),
            password: PASSWORD.into(),
        }],
        ..AuthPolicy::default()
    }
}

fn auth(mechanism: &str, password: &str) -> AuthSpec {
    AuthSpec {
        mechanism: mechanism.into(),
        user: USER.into(),
        password: password.into(),
        ..AuthSpec::default()
    }
}

fn scenario(auth: Option<AuthSpec>, to: &str) -> Scenario {
    Scenario {
        server: server_config(policy()),
        client: ClientSpec {
            auth,
            message: MessageSpec {
                to: vec![to.into()],
                ..MessageSpec::default()
            },
            ..ClientSpec::default()
        },
        ..Scenario::default()
    }
}

/// Client command lines as sent (each write cut at CRLF; message text excluded).
fn client_lines(timeline: &Timeline) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_data = false;
    for entry in &timeline.entries {
        let TimelineEntry::Bytes {
            direction, octets, ..
        } = entry
        else {
            continue;
        };
        let text = String::from_utf8_lossy(octets);
        match direction {
            Direction::ServerToClient => {
                if text.starts_with("354") {
                    in_data = true;
                }
            }
            Direction::ClientToServer if in_data => in_data = false,
            Direction::ClientToServer => {
                lines.extend(
                    text.split("\r\n")
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned),
                );
            }
        }
    }
    lines
}

fn server_text(timeline: &Timeline) -> String {
    timeline
        .entries
        .iter()
        .filter_map(|e| match e {
            TimelineEntry::Bytes {
                direction: Direction::ServerToClient,
                octets,
                ..
            } => Some(String::from_utf8_lossy(octets).into_owned()),
            _ => None,
        })
        .collect()
}

fn client_trace(timeline: &Timeline) -> Vec<&TraceEntry> {
    timeline
        .client_event_kinds()
        .into_iter()
        .filter_map(|k| match k {
            ClientEventKind::SaslTrace { entries, .. } => Some(entries),
            _ => None,
        })
        .flatten()
        .collect()
}

fn server_trace(timeline: &Timeline) -> Vec<&TraceEntry> {
    timeline
        .server_event_kinds()
        .into_iter()
        .filter_map(|k| match k {
            ServerEventKind::SaslTrace { entries, .. } => Some(entries),
            _ => None,
        })
        .flatten()
        .collect()
}

fn verbs(timeline: &Timeline) -> Vec<String> {
    client_lines(timeline)
        .iter()
        .map(|l| l.split([' ', ':']).next().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn every_mechanism_authenticates_end_to_end_and_relays_with_esmtpa() {
    let cases = [
        ("PLAIN", false),
        ("LOGIN", false),
        ("LOGIN", true),
        ("CRAM-MD5", false),
        ("DIGEST-MD5", false),
    ];
    for (mechanism, initial) in cases {
        let spec = AuthSpec {
            login_initial_response: initial,
            ..auth(mechanism, PASSWORD)
        };
        let timeline = run(&scenario(Some(spec), "carol@elsewhere.example")).unwrap();
        let label = format!("{mechanism} initial={initial}");
        assert_eq!(
            timeline.deliveries.len(),
            1,
            "{label}: {}",
            server_text(&timeline)
        );
        let message =
            String::from_utf8_lossy(&timeline.deliveries[0].message.to_vec()).into_owned();
        assert!(message.contains(" with ESMTPA id "), "{label}: {message}");
        assert!(server_text(&timeline).contains("235 2.7.0"), "{label}");
        let lines = client_lines(&timeline);
        assert!(
            lines[1].starts_with(&format!("AUTH {mechanism}")),
            "{label}: {lines:?}"
        );
        assert!(timeline.server_event_kinds().iter().any(|k| matches!(
            k,
            ServerEventKind::Authenticated { authcid, .. } if authcid == USER
        )));
        assert!(timeline
            .client_event_kinds()
            .iter()
            .any(|k| matches!(k, ClientEventKind::Authenticated { .. })));
        // Both sides traced their half, in the same shape.
        assert!(client_trace(&timeline)
            .iter()
            .all(|e| e.side == Side::Client));
        assert!(server_trace(&timeline)
            .iter()
            .all(|e| e.side == Side::Server));
        assert!(!client_trace(&timeline).is_empty() && !server_trace(&timeline).is_empty());
    }
}

#[test]
fn plain_sends_the_rfc_4616_vector_through_a_whole_session() {
    let timeline = run(&scenario(Some(auth("PLAIN", PASSWORD)), "bob@example.org")).unwrap();
    assert_eq!(
        client_lines(&timeline)[1],
        "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm"
    );
}

#[test]
fn login_sends_the_user_name_vector() {
    let timeline = run(&scenario(Some(auth("LOGIN", PASSWORD)), "bob@example.org")).unwrap();
    let lines = client_lines(&timeline);
    assert_eq!(lines[1..3], ["AUTH LOGIN", "dGlt"]);
    assert!(server_text(&timeline).contains("334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n"));
}

#[test]
fn cram_md5_digest_over_the_seeded_challenge_is_the_hmac_md5_of_the_password() {
    let timeline = run(&scenario(
        Some(auth("CRAM-MD5", PASSWORD)),
        "bob@example.org",
    ))
    .unwrap();
    let server = server_text(&timeline);
    let challenge_b64 = server
        .lines()
        .find_map(|l| l.strip_prefix("334 "))
        .expect("a 334 challenge");
    let challenge = esmtp_playground::sasl::base64::decode(challenge_b64).unwrap();
    let text = String::from_utf8(challenge.clone()).unwrap();
    assert!(
        text.starts_with('<') && text.ends_with("@mx.example.org>"),
        "{text}"
    );
    let mut mac = Hmac::<md5::Md5>::new_from_slice(PASSWORD.as_bytes()).unwrap();
    mac.update(&challenge);
    let digest: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let lines = client_lines(&timeline);
    let response = esmtp_playground::sasl::base64::decode(&lines[2]).unwrap();
    assert_eq!(
        String::from_utf8(response).unwrap(),
        format!("{USER} {digest}")
    );
    // Same seed, same bytes.
    assert_eq!(
        run(&scenario(
            Some(auth("CRAM-MD5", PASSWORD)),
            "bob@example.org"
        ))
        .unwrap(),
        timeline
    );
}

#[test]
fn wrong_password_gets_535_and_the_client_quits() {
    for mechanism in ["PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5"] {
        let timeline = run(&scenario(Some(auth(mechanism, "wrong")), "bob@example.org")).unwrap();
        assert!(server_text(&timeline).contains("535 5.7.8"), "{mechanism}");
        assert_eq!(
            verbs(&timeline).last().map(String::as_str),
            Some("QUIT"),
            "{mechanism}"
        );
        assert!(
            !verbs(&timeline).contains(&"MAIL".to_owned()),
            "{mechanism}"
        );
        assert!(timeline.deliveries.is_empty());
    }
}

#[test]
fn relay_is_denied_without_auth_and_local_mail_says_esmtp() {
    let timeline = run(&scenario(None, "carol@elsewhere.example")).unwrap();
    assert!(timeline.deliveries.is_empty());
    assert!(
        server_text(&timeline).contains("5.7.1"),
        "{}",
        server_text(&timeline)
    );
    let local = run(&scenario(None, "bob@example.org")).unwrap();
    let message = String::from_utf8_lossy(&local.deliveries[0].message.to_vec()).into_owned();
    assert!(message.contains(" with ESMTP id "), "{message}");
}

#[test]
fn plaintext_policy_answers_538_but_a_challenge_mechanism_still_works() {
    let mut scenario_538 = scenario(Some(auth("PLAIN", PASSWORD)), "bob@example.org");
    scenario_538.server.auth.plaintext_needs_secure_channel = true;
    let timeline = run(&scenario_538).unwrap();
    assert!(server_text(&timeline).contains("538 5.7.11"));
    assert_eq!(verbs(&timeline), ["EHLO", "AUTH", "QUIT"]);
    scenario_538.client.auth = Some(auth("auto", PASSWORD));
    let timeline = run(&scenario_538).unwrap();
    assert_eq!(client_lines(&timeline)[1], "AUTH DIGEST-MD5");
    assert_eq!(timeline.deliveries.len(), 1);
}

#[test]
fn quit_after_auth_stops_after_the_235() {
    let mut stop = scenario(Some(auth("CRAM-MD5", PASSWORD)), "bob@example.org");
    stop.client.quit_after = Some(Step::Auth);
    let timeline = run(&stop).unwrap();
    assert_eq!(verbs(&timeline)[..2], ["EHLO", "AUTH"]);
    assert_eq!(verbs(&timeline).last().map(String::as_str), Some("QUIT"));
    assert!(!verbs(&timeline).contains(&"MAIL".to_owned()));
    assert!(server_text(&timeline).contains("235 2.7.0"));
}

#[test]
fn auth_switched_off_is_not_listed_and_the_client_says_so() {
    let mut off = scenario(Some(auth("PLAIN", PASSWORD)), "bob@example.org");
    off.server.extensions.auth = false;
    let timeline = run(&off).unwrap();
    assert!(!server_text(&timeline).contains("AUTH"));
    assert_eq!(verbs(&timeline), ["EHLO", "QUIT"]);
}

#[test]
fn ehlo_lists_auth_in_postfix_order() {
    let mut config = server_config(policy());
    config.extensions.etrn = true;
    config.extensions.vrfy = true;
    let mut server = Server::new(config, peer(), 0, 1);
    server.take_output();
    let text = exchange(&mut server, b"EHLO c.example\r\n");
    let keywords: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l[4..].split(' ').next().unwrap())
        .collect();
    assert_eq!(
        keywords,
        [
            "PIPELINING",
            "SIZE",
            "VRFY",
            "ETRN",
            "AUTH",
            "ENHANCEDSTATUSCODES",
            "8BITMIME",
            "SMTPUTF8"
        ]
    );
    assert!(text.contains("250-AUTH PLAIN LOGIN CRAM-MD5 DIGEST-MD5\r\n"));
}

// ------------------------------------------------------------- the server by hand

fn peer() -> Peer {
    Peer {
        address: "[192.0.2.10]".into(),
    }
}

fn exchange(server: &mut Server, input: &[u8]) -> String {
    server.receive(input, 1);
    String::from_utf8_lossy(&server.take_output()).into_owned()
}

fn greeted_server(policy: AuthPolicy) -> Server {
    let mut server = Server::new(server_config(policy), peer(), 0, 1);
    server.take_output();
    exchange(&mut server, b"EHLO c.example\r\n");
    server
}

/// Feeds `input` whole, line by line and one octet at a time; the replies must agree.
fn replies_all_splits(policy: &AuthPolicy, input: &[u8]) -> String {
    let mut whole = greeted_server(policy.clone());
    let expected = exchange(&mut whole, input);
    let mut lines = greeted_server(policy.clone());
    let by_line: String = input
        .split_inclusive(|b| *b == b'\n')
        .map(|line| exchange(&mut lines, line))
        .collect();
    assert_eq!(by_line, expected);
    let mut bytes = greeted_server(policy.clone());
    let by_byte: String = input
        .iter()
        .map(|b| exchange(&mut bytes, std::slice::from_ref(b)))
        .collect();
    assert_eq!(by_byte, expected);
    expected
}

#[test]
fn auth_before_ehlo_or_after_helo_is_a_bad_sequence() {
    let mut server = Server::new(server_config(policy()), peer(), 0, 1);
    server.take_output();
    assert!(
        exchange(&mut server, b"AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n")
            .starts_with("503 5.5.1")
    );
    exchange(&mut server, b"HELO c.example\r\n");
    assert!(
        exchange(&mut server, b"AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n")
            .starts_with("503 5.5.1")
    );
    assert!(!server.is_authenticated());
}

#[test]
fn auth_twice_or_inside_a_transaction_is_refused_with_503() {
    let replies = replies_all_splits(
        &policy(),
        b"MAIL FROM:<a@example.net>\r\nAUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\nRSET\r\n\
          AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\nAUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n",
    );
    let codes: Vec<&str> = replies.lines().map(|l| &l[..9]).collect();
    assert_eq!(
        codes,
        [
            "250 2.1.0",
            "503 5.5.1",
            "250 2.0.0",
            "235 2.7.0",
            "503 5.5.1"
        ]
    );
}

#[test]
fn star_cancels_and_the_session_goes_on() {
    let replies = replies_all_splits(&policy(), b"AUTH CRAM-MD5\r\n*\r\nNOOP\r\n");
    let lines: Vec<&str> = replies.lines().collect();
    assert!(lines[0].starts_with("334 "), "{replies}");
    assert!(lines[1].starts_with("501 5.0.0"), "{replies}");
    assert!(lines[2].starts_with("250"), "{replies}");
}

#[test]
fn bad_base64_and_unknown_mechanisms_get_their_rfc_replies() {
    let replies = replies_all_splits(
        &policy(),
        b"AUTH LOGIN\r\n!!notbase64\r\nAUTH SCRAM-SHA-1\r\nAUTH CRAM-MD5 dGlt\r\nAUTH PLAIN VXJzZWwAS3VydAB4aXBqM3BsbXE=\r\n",
    );
    let codes: Vec<&str> = replies.lines().map(|l| &l[..9]).collect();
    assert_eq!(
        codes,
        [
            "334 VXNlc",
            "501 5.5.2",
            "504 5.5.4",
            "501 5.7.0",
            "535 5.7.8"
        ]
    );
}

#[test]
fn over_long_auth_line_gets_500_5_5_6_and_a_long_one_within_12288_is_read() {
    let mut server = greeted_server(policy());
    assert!(exchange(&mut server, b"AUTH LOGIN\r\n").starts_with("334 "));
    assert_eq!(server.state(), State::Authenticating);
    let mut long = vec![b'A'; 13_000];
    long.extend_from_slice(b"\r\n");
    assert!(exchange(&mut server, &long).starts_with("500 5.5.6"));
    assert_eq!(server.state(), State::ExpectMail);
    // A 4000-octet response is within the AUTH limit: it is decoded and judged (a
    // 3000-octet user name is refused with 535), not cut as an over-long line.
    assert!(exchange(&mut server, b"AUTH LOGIN\r\n").starts_with("334 "));
    let mut within = vec![b'Q'; 4000];
    within.extend_from_slice(b"\r\n");
    let reply = exchange(&mut server, &within);
    assert!(reply.starts_with("535 5.7.8"), "{reply}");
    assert_eq!(server.state(), State::ExpectMail);
    // Back to commands: the 512-octet limit applies again afterwards.
    let mut command = b"NOOP ".to_vec();
    command.extend(vec![b'x'; 600]);
    command.extend_from_slice(b"\r\n");
    let reply = exchange(&mut server, &command);
    assert!(reply.starts_with("500 5.5.2"), "{reply}");
}

#[test]
fn mail_from_auth_parameter_is_decoded_and_trusted_only_after_auth() {
    let mut server = greeted_server(policy());
    exchange(
        &mut server,
        b"MAIL FROM:<a@example.net> AUTH=tim+2Bx@example.net\r\n",
    );
    exchange(
        &mut server,
        b"RSET\r\nAUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n",
    );
    exchange(
        &mut server,
        b"MAIL FROM:<a@example.net> AUTH=tim+2Bx@example.net\r\n",
    );
    exchange(&mut server, b"RSET\r\n");
    let bad = exchange(&mut server, b"MAIL FROM:<a@example.net> AUTH=bad+ZZ\r\n");
    assert!(bad.starts_with("501 5.5.4"), "{bad}");
    let mut declared = Vec::new();
    while let Some(event) = server.poll_event() {
        if let ServerEventKind::SubmitterDeclared { submitter, trusted } = event.kind {
            declared.push((submitter, trusted, event.explanation));
        }
    }
    assert_eq!(declared.len(), 2);
    for (submitter, _, _) in &declared {
        assert_eq!(
            *submitter,
            AuthParameter::Identity("tim+x@example.net".into())
        );
    }
    assert!(!declared[0].1 && declared[1].1);
    assert!(declared[0].2.contains("as if AUTH=<>"), "{}", declared[0].2);
}

#[test]
fn mail_from_auth_parameter_without_the_auth_extension_is_unknown() {
    let mut config = server_config(policy());
    config.extensions.auth = false;
    let mut server = Server::new(config, peer(), 0, 1);
    server.take_output();
    let ehlo = exchange(&mut server, b"EHLO c.example\r\n");
    assert!(!ehlo.contains("AUTH"), "{ehlo}");
    let reply = exchange(&mut server, b"MAIL FROM:<a@example.net> AUTH=<>\r\n");
    assert!(reply.starts_with("555 5.5.4"), "{reply}");
    let reply = exchange(&mut server, b"MAIL FROM:<a@example.net>\r\n");
    assert!(reply.starts_with("250 "), "the session goes on: {reply}");
}

#[test]
fn state_table_shows_authenticating() {
    let rows = esmtp_playground::server::TRANSITIONS;
    assert!(rows
        .iter()
        .any(|row| row.to == State::Authenticating && row.from.contains(&State::ExpectMail)));
    assert!(rows
        .iter()
        .any(|row| row.from.contains(&State::Authenticating) && row.to == State::ExpectMail));
}
