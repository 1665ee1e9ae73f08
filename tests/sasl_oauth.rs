//! XOAUTH2 and OAUTHBEARER (RFC 7628) end to end: the client engine against the server
//! engine over the loopback. The server accepts the token configured as the user's
//! password; any other token gets the `334` JSON error, the client's answer (^A for
//! OAUTHBEARER, an empty line for XOAUTH2) and then 535, as RFC 7628 §4.4 shows.

use esmtp_playground::client::{AuthSpec, ClientSpec, MessageSpec};
use esmtp_playground::loopback::{run, Direction, Scenario, Timeline, TimelineEntry};
use esmtp_playground::sasl::{base64, Mechanism, UserCredential};
use esmtp_playground::server::sasl_exchange::AuthPolicy;
use esmtp_playground::server::ServerConfig;

const USER: &str = "user@example.com";
const TOKEN: &str = "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==";

fn scenario(mechanism: &str, token: &str) -> Scenario {
    Scenario {
        server: ServerConfig {
            auth: AuthPolicy {
                mechanisms: vec![Mechanism::Xoauth2, Mechanism::OAuthBearer],
                users: vec![UserCredential {
                    name: USER.into(),
                    password: TOKEN.into(),
                }],
                ..AuthPolicy::default()
            },
            ..ServerConfig::default()
        },
        client: ClientSpec {
            auth: Some(AuthSpec {
                mechanism: mechanism.into(),
                user: USER.into(),
                password: token.into(),
                ..AuthSpec::default()
            }),
            message: MessageSpec {
                to: vec!["carol@elsewhere.example".into()],
                ..MessageSpec::default()
            },
            ..ClientSpec::default()
        },
        ..Scenario::default()
    }
}

/// Every line either side wrote, prefixed `C:` or `S:`, up to the end of AUTH.
fn auth_lines(timeline: &Timeline) -> Vec<String> {
    let mut lines = Vec::new();
    for entry in &timeline.entries {
        let TimelineEntry::Bytes {
            direction, octets, ..
        } = entry
        else {
            continue;
        };
        let side = match direction {
            Direction::ClientToServer => "C:",
            Direction::ServerToClient => "S:",
        };
        // An empty line (XOAUTH2's answer) stays: only the text after the last CRLF goes.
        for line in String::from_utf8_lossy(octets).split_terminator("\r\n") {
            lines.push(format!("{side} {line}"));
        }
    }
    let start = lines.iter().position(|l| l.starts_with("C: AUTH")).unwrap();
    let end = lines
        .iter()
        .position(|l| l.starts_with("S: 235") || l.starts_with("S: 535"))
        .unwrap();
    lines[start..=end].to_vec()
}

#[test]
fn the_configured_token_authenticates_with_both_mechanisms() {
    for mechanism in ["XOAUTH2", "OAUTHBEARER"] {
        let timeline = run(&scenario(mechanism, TOKEN)).unwrap();
        let lines = auth_lines(&timeline);
        assert_eq!(lines.len(), 2, "{mechanism}: {lines:?}");
        assert!(lines[0].starts_with(&format!("C: AUTH {mechanism} ")));
        assert!(lines[1].starts_with("S: 235 2.7.0"), "{lines:?}");
        assert_eq!(
            timeline.deliveries.len(),
            1,
            "{mechanism}: relayed after AUTH"
        );
    }
}

#[test]
fn the_oauthbearer_message_names_the_user_and_the_server() {
    let timeline = run(&scenario("OAUTHBEARER", TOKEN)).unwrap();
    let lines = auth_lines(&timeline);
    let data = lines[0].rsplit(' ').next().unwrap();
    let message = String::from_utf8(base64::decode(data).unwrap()).unwrap();
    assert_eq!(
        message,
        format!("n,a={USER},\u{1}host=mx.example.org\u{1}auth=Bearer {TOKEN}\u{1}\u{1}")
    );
}

#[test]
fn a_wrong_token_gets_the_json_error_then_the_clients_answer_then_535() {
    for (mechanism, answer) in [("OAUTHBEARER", "C: AQ=="), ("XOAUTH2", "C: ")] {
        let timeline = run(&scenario(mechanism, "expired-token")).unwrap();
        let lines = auth_lines(&timeline);
        assert_eq!(lines.len(), 4, "{mechanism}: {lines:?}");
        let json = base64::decode(lines[1].strip_prefix("S: 334 ").unwrap()).unwrap();
        assert_eq!(
            String::from_utf8(json).unwrap(),
            "{\"status\":\"invalid_token\",\"schemes\":\"bearer\",\"scope\":\"https://mx.example.org/\"}"
        );
        assert_eq!(lines[2], answer, "{mechanism}: {lines:?}");
        assert!(
            lines.last().unwrap().starts_with("S: 535 5.7.8"),
            "{lines:?}"
        );
        assert!(timeline.deliveries.is_empty(), "{mechanism}: relay refused");
    }
}

mod calculator {
    use esmtp_playground::sasl::calculator::{
        decode, encode, DecodeRequest, EncodeRequest, Interpretation, Outcome,
    };
    use esmtp_playground::sasl::Mechanism;

    const RFC_7628_SMTP: &str = "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9NTg3AWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB";
    const RFC_7628_ERROR: &str = "eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NoZW1lcyI6ImJlYXJlciIsInNjb3BlIjoiaHR0cHM6Ly9tYWlsLmV4YW1wbGUuY29tLyJ9";

    #[test]
    fn encode_gives_the_rfc_7628_section_4_4_line() {
        let result = encode(&EncodeRequest {
            mechanism: "OAUTHBEARER".into(),
            user: "user@example.com".into(),
            password: super::TOKEN.into(),
            host: Some("server.example.com".into()),
            port: Some(587),
            ..EncodeRequest::default()
        })
        .unwrap();
        assert_eq!(
            result.client_lines,
            vec![format!("AUTH OAUTHBEARER {RFC_7628_SMTP}")]
        );
    }

    #[test]
    fn decode_reads_the_message_and_compares_the_token() {
        let request = |password: &str| DecodeRequest {
            input: format!("C: AUTH OAUTHBEARER {RFC_7628_SMTP}"),
            password: Some(password.into()),
            ..DecodeRequest::default()
        };
        let right = decode(&request(super::TOKEN)).unwrap();
        assert_eq!(right.mechanism, Some(Mechanism::OAuthBearer));
        assert_eq!(
            right.verdict.outcome,
            Outcome::Matches,
            "{:?}",
            right.verdict
        );
        assert!(matches!(
            right.interpretation,
            Interpretation::BearerToken { ref host, port: Some(587), .. }
                if host.as_deref() == Some("server.example.com")
        ));
        let wrong = decode(&request("expired")).unwrap();
        assert_eq!(wrong.verdict.outcome, Outcome::Differs);
        // The server's error and Google's XOAUTH2 example are recognised without a hint.
        let error = decode(&DecodeRequest {
            input: format!("S: 334 {RFC_7628_ERROR}"),
            ..DecodeRequest::default()
        })
        .unwrap();
        assert!(matches!(
            error.interpretation,
            Interpretation::BearerError { .. }
        ));
        let google = decode(&DecodeRequest {
            input: "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==".into(),
            ..DecodeRequest::default()
        })
        .unwrap();
        assert_eq!(google.mechanism, Some(Mechanism::Xoauth2));
        assert_eq!(
            google.verdict.text,
            "Decoded: a bearer token message for user \"someuser@example.com\""
        );
    }
}
