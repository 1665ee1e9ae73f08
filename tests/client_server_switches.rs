//! The client engine against the server engine over the loopback, with the server's
//! switches that `client_pair.rs` does not cover flipped: HELO-only servers, relay
//! control, relay after AUTH, a strict server without PIPELINING, and a server without
//! enhanced status codes. Each test checks what crossed the wire and what was delivered.

use esmtp_playground::client::AuthSpec;
use esmtp_playground::client::{ClientEventKind, ClientSpec, MessageSpec, PipeliningMode};
use esmtp_playground::loopback::{run, Direction, Scenario, Timeline};
use esmtp_playground::server::config::{EhloMode, UnofferedPipeliningPolicy};
use esmtp_playground::server::ServerConfig;

fn scenario(server: ServerConfig, message: MessageSpec) -> Scenario {
    Scenario {
        server,
        client: ClientSpec {
            message,
            ..ClientSpec::default()
        },
        ..Scenario::default()
    }
}

fn to(addresses: &[&str]) -> MessageSpec {
    MessageSpec {
        to: addresses.iter().map(|a| (*a).to_owned()).collect(),
        ..MessageSpec::default()
    }
}

fn delivered_to(timeline: &Timeline) -> Vec<String> {
    timeline
        .deliveries
        .iter()
        .map(|d| d.recipient.clone())
        .collect()
}

#[test]
fn helo_only_servers_make_the_client_fall_back_to_helo() {
    for (mode, code) in [
        (EhloMode::HeloOnlyUnrecognized, "500"),
        (EhloMode::HeloOnlyNotImplemented, "502"),
    ] {
        let server = ServerConfig {
            ehlo_mode: mode,
            ..ServerConfig::default()
        };
        let timeline = run(&scenario(server, MessageSpec::default())).unwrap();
        let transcript = timeline.transcript();
        let ehlo_refused = format!("C: EHLO client.example.net\nS: {code} ");
        assert!(transcript.contains(&ehlo_refused), "{mode:?}\n{transcript}");
        assert!(
            transcript.contains("C: HELO client.example.net\nS: 250 "),
            "{transcript}"
        );
        // No extensions: no SIZE=, no BODY=, lock-step, and a plain SMTP Received.
        assert!(
            transcript.contains("C: MAIL FROM:<alice@example.net>\n"),
            "{transcript}"
        );
        assert_eq!(delivered_to(&timeline), ["bob@example.org"]);
        let stored = String::from_utf8_lossy(&timeline.deliveries[0].message.to_vec()).into_owned();
        assert!(stored.contains(" with SMTP id "), "{stored}");
    }
}

#[test]
fn relay_denied_for_one_recipient_the_others_still_get_the_message() {
    let message = to(&["bob@example.org", "carol@elsewhere.example"]);
    let timeline = run(&scenario(ServerConfig::default(), message)).unwrap();
    let transcript = timeline.transcript();
    assert!(
        transcript.contains("S: 550 5.7.1 "),
        "relaying to a foreign domain is refused:\n{transcript}"
    );
    assert_eq!(delivered_to(&timeline), ["bob@example.org"]);
    assert!(timeline
        .client_event_kinds()
        .into_iter()
        .any(|kind| matches!(kind, ClientEventKind::RecipientRefused { .. })));
}

#[test]
fn relay_denied_for_every_recipient_means_rset_and_no_data() {
    let message = to(&["carol@elsewhere.example"]);
    let timeline = run(&scenario(ServerConfig::default(), message)).unwrap();
    let transcript = timeline.transcript();
    assert!(transcript.contains("S: 550 5.7.1 "), "{transcript}");
    assert!(transcript.contains("C: RSET\n"), "{transcript}");
    assert!(
        !transcript.contains("S: 354"),
        "no DATA phase:\n{transcript}"
    );
    assert!(timeline.deliveries.is_empty());
}

#[test]
fn relay_is_allowed_after_auth_and_received_says_esmtpa() {
    let mut experiment = scenario(ServerConfig::default(), to(&["carol@elsewhere.example"]));
    experiment.client.auth = Some(AuthSpec::default());
    let timeline = run(&experiment).unwrap();
    let transcript = timeline.transcript();
    assert!(transcript.contains("S: 235 2.7.0 "), "{transcript}");
    assert_eq!(delivered_to(&timeline), ["carol@elsewhere.example"]);
    let copy = &timeline.deliveries[0];
    assert!(!copy.local, "a foreign domain goes to the outbound queue");
    let stored = String::from_utf8_lossy(&copy.message.to_vec()).into_owned();
    assert!(stored.contains(" with ESMTPA id "), "{stored}");
}

#[test]
fn trusted_client_address_may_relay_without_auth() {
    let server = ServerConfig {
        trusted_clients: vec!["192.0.2.10".into()],
        ..ServerConfig::default()
    };
    let timeline = run(&scenario(server, to(&["carol@elsewhere.example"]))).unwrap();
    assert_eq!(delivered_to(&timeline), ["carol@elsewhere.example"]);
}

#[test]
fn strict_server_without_pipelining_gets_lock_step_and_delivers() {
    let mut server = ServerConfig::default();
    server.extensions.pipelining = false;
    server.strictness.unoffered_pipelining = UnofferedPipeliningPolicy::Reject;
    let message = to(&["bob@example.org", "dave@example.org", "erin@example.org"]);
    let timeline = run(&scenario(server.clone(), message.clone())).unwrap();
    let transcript = timeline.transcript();
    assert!(!transcript.contains("554 5.5.0"), "{transcript}");
    assert_eq!(timeline.deliveries.len(), 3);

    // The same server offering PIPELINING: the client groups MAIL/RCPT/DATA.
    server.extensions.pipelining = true;
    let pipelined = run(&scenario(server, message)).unwrap();
    assert!(
        pipelined.writes(Direction::ClientToServer) < timeline.writes(Direction::ClientToServer),
        "pipelining saves writes: {} vs {}",
        pipelined.writes(Direction::ClientToServer),
        timeline.writes(Direction::ClientToServer)
    );
}

#[test]
fn a_client_told_not_to_pipeline_never_trips_the_strict_server() {
    let mut server = ServerConfig::default();
    server.strictness.unoffered_pipelining = UnofferedPipeliningPolicy::Reject;
    let mut experiment = scenario(server, to(&["bob@example.org", "dave@example.org"]));
    experiment.client.pipelining = PipeliningMode::Off;
    let timeline = run(&experiment).unwrap();
    assert_eq!(timeline.deliveries.len(), 2);
}

#[test]
fn without_enhanced_status_codes_no_reply_carries_one() {
    let mut server = ServerConfig::default();
    server.extensions.enhanced_status_codes = false;
    let timeline = run(&scenario(server, MessageSpec::default())).unwrap();
    let transcript = timeline.transcript();
    assert!(!transcript.contains("ENHANCEDSTATUSCODES"), "{transcript}");
    assert!(transcript.contains("S: 250 Ok: queued as "), "{transcript}");
    assert!(!transcript.contains(" 2.0.0 "), "{transcript}");
    assert_eq!(timeline.deliveries.len(), 1);
}
