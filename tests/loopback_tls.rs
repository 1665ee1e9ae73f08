//! TLS in the in-memory loopback: the client and server engines with real rustls
//! layers between them (the playground's test CA, randomness from the scenario seed).
//! STARTTLS then AUTH PLAIN, AUTH refused before TLS, STARTTLS stripped by a middlebox
//! (required and opportunistic), an injected command behind STARTTLS, implicit TLS,
//! failures, and byte-identical replays.

use esmtp_playground::client::{AuthSpec, Choice, ClientEventKind, TlsPolicy};
use esmtp_playground::loopback::{
    run, Direction, Middlebox, Scenario, Timeline, TimelineEntry, TlsMode, TlsSide,
};
use esmtp_playground::protocol::Command;
use esmtp_playground::scripted::ScriptStep;
use esmtp_playground::server::{ServerEventKind, StartTlsOffer};
use esmtp_playground::tls::records::ContentType;
use esmtp_playground::tls::Verification;

/// A submission server that offers STARTTLS and keeps AUTH for TLS, and a client that
/// authenticates with PLAIN under `policy`.
fn submission(policy: TlsPolicy) -> Scenario {
    let mut scenario = Scenario::default();
    scenario.server.starttls = StartTlsOffer::Offered;
    scenario.server.auth_requires_tls = true;
    scenario.client.tls = policy;
    scenario.client.auth = Some(AuthSpec {
        mechanism: "PLAIN".into(),
        ..AuthSpec::default()
    });
    scenario
}

fn scripted(steps: &[&str]) -> Scenario {
    let mut scenario = Scenario::default();
    scenario.server.starttls = StartTlsOffer::Offered;
    scenario.script = Some(
        steps
            .iter()
            .map(|step| match *step {
                "<startTls>" => ScriptStep::StartTls(true),
                text => ScriptStep::Send(text.into()),
            })
            .collect(),
    );
    scenario
}

/// Every bytes entry: (index, direction, text, encrypted).
fn writes(timeline: &Timeline) -> Vec<(usize, Direction, String, bool)> {
    timeline
        .entries
        .iter()
        .enumerate()
        .filter_map(|(index, entry)| match entry {
            TimelineEntry::Bytes {
                direction,
                octets,
                encrypted,
                ..
            } => Some((
                index,
                *direction,
                String::from_utf8_lossy(octets).into_owned(),
                *encrypted,
            )),
            _ => None,
        })
        .collect()
}

fn write_starting(timeline: &Timeline, prefix: &str) -> (usize, bool) {
    writes(timeline)
        .into_iter()
        .find(|(_, _, text, _)| text.starts_with(prefix))
        .map(|(index, _, _, encrypted)| (index, encrypted))
        .unwrap_or_else(|| {
            panic!(
                "no write starts with {prefix:?}:\n{}",
                timeline.transcript()
            )
        })
}

fn records(timeline: &Timeline) -> Vec<&esmtp_playground::tls::records::TlsRecord> {
    timeline
        .entries
        .iter()
        .filter_map(|entry| match entry {
            TimelineEntry::TlsRecords { records, .. } => Some(records),
            _ => None,
        })
        .flatten()
        .collect()
}

fn handshake_messages(timeline: &Timeline) -> Vec<String> {
    records(timeline)
        .into_iter()
        .flat_map(|record| record.handshake_messages.clone())
        .collect()
}

fn established(timeline: &Timeline) -> Vec<&TimelineEntry> {
    timeline
        .entries
        .iter()
        .filter(|entry| matches!(entry, TimelineEntry::TlsEstablished { .. }))
        .collect()
}

fn decided(timeline: &Timeline) -> Vec<Choice> {
    timeline
        .client_event_kinds()
        .into_iter()
        .filter_map(|kind| match kind {
            ClientEventKind::Decided { decision } => Some(decision.choice.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn starttls_then_auth_plain_goes_encrypted_and_the_message_arrives() {
    let timeline = run(&submission(TlsPolicy::Required)).unwrap();
    let (starttls, clear) = write_starting(&timeline, "STARTTLS");
    assert!(!clear, "STARTTLS itself is sent in the clear");
    assert!(!write_starting(&timeline, "220 2.0.0").1);
    let (auth, encrypted) = write_starting(&timeline, "AUTH PLAIN");
    assert!(encrypted, "the password travels inside TLS");
    assert!(auth > starttls);
    assert!(
        records(&timeline)
            .iter()
            .any(|record| record.carries.contains(&auth)
                && record.content_type == ContentType::ApplicationData),
        "a record carries the AUTH line"
    );
    assert_eq!(
        handshake_messages(&timeline),
        ["ClientHello", "ServerHello"],
        "only the hellos are readable; the rest of the handshake is encrypted"
    );
    assert_eq!(timeline.deliveries.len(), 1);
    assert_eq!(
        timeline.tls.as_ref().map(|tls| tls.mode),
        Some(TlsMode::Starttls)
    );
    let [TimelineEntry::TlsEstablished { summary, rfc, .. }] = established(&timeline)[..] else {
        panic!("one tlsEstablished entry per connection");
    };
    assert_eq!(summary.protocol_version, "TLSv1.3");
    assert_eq!(summary.key_exchange_group.as_deref(), Some("X25519"));
    assert_eq!(
        summary.verification,
        Verification::Verified {
            against: "the playground's test CA".into()
        }
    );
    assert!(rfc.contains("RFC 8446") && rfc.contains("RFC 3207"));
    let ehlos = writes(&timeline)
        .into_iter()
        .filter(|(_, _, text, _)| text.starts_with("EHLO"))
        .map(|(_, _, _, encrypted)| encrypted)
        .collect::<Vec<_>>();
    assert_eq!(ehlos, [false, true], "EHLO again under TLS");
}

#[test]
fn every_record_entry_is_in_time_order_and_names_real_bytes_entries() {
    let timeline = run(&submission(TlsPolicy::Required)).unwrap();
    let mut last = 0;
    for entry in &timeline.entries {
        if let TimelineEntry::TlsRecords { at, records, .. } = entry {
            assert!(*at >= last);
            last = *at;
            for record in records {
                assert_eq!(record.version.len(), 6);
                for carried in &record.carries {
                    assert!(matches!(
                        timeline.entries[*carried],
                        TimelineEntry::Bytes {
                            encrypted: true,
                            ..
                        }
                    ));
                }
            }
        }
    }
    let server_close = records(&timeline).last().map(|r| r.carries.is_empty());
    assert_eq!(
        server_close,
        Some(true),
        "close_notify ends the server's side"
    );
}

#[test]
fn auth_before_tls_is_refused_with_538() {
    let timeline = {
        let mut scenario = scripted(&[
            "EHLO c.example\r\n",
            "AUTH PLAIN AGFsaWNlAFMzY3JldC1wdw==\r\n",
            "QUIT\r\n",
        ]);
        scenario.server.auth_requires_tls = true;
        run(&scenario).unwrap()
    };
    let text = timeline.transcript();
    assert!(
        !text.contains("S: 250-AUTH"),
        "AUTH is not listed before TLS:\n{text}"
    );
    assert!(text.contains("S: 538 5.7.11"), "{text}");
    assert!(records(&timeline).is_empty(), "no TLS was started");
}

#[test]
fn a_stripped_starttls_stops_a_client_that_requires_tls() {
    let mut scenario = submission(TlsPolicy::Required);
    scenario.middlebox = Middlebox::StripStarttls;
    let timeline = run(&scenario).unwrap();
    let tampered = timeline.entries.iter().find_map(|entry| match entry {
        TimelineEntry::Tampered { removed, entry, .. } => Some((removed.clone(), *entry)),
        _ => None,
    });
    let (removed, altered) = tampered.expect("the box altered the EHLO reply");
    assert_eq!(removed, "250-STARTTLS");
    assert!(
        matches!(&timeline.entries[altered], TimelineEntry::Bytes { octets, .. }
        if String::from_utf8_lossy(octets).contains("STARTTLS")),
        "the bytes entry is what the server wrote"
    );
    assert!(decided(&timeline).contains(&Choice::StartTlsNotOffered { required: true }));
    let text = timeline.transcript();
    assert!(!text.contains("AUTH PLAIN"), "{text}");
    assert!(text.contains("C: QUIT"), "{text}");
    assert!(timeline.deliveries.is_empty());
    assert!(records(&timeline).is_empty());
}

#[test]
fn a_stripped_starttls_leaks_the_password_of_an_opportunistic_client() {
    let mut scenario = submission(TlsPolicy::Opportunistic);
    scenario.server.auth_requires_tls = false;
    scenario.middlebox = Middlebox::StripStarttls;
    let timeline = run(&scenario).unwrap();
    assert!(decided(&timeline).contains(&Choice::StartTlsNotOffered { required: false }));
    let (_, encrypted) = write_starting(&timeline, "AUTH PLAIN");
    assert!(!encrypted, "the password crossed in the clear");
    assert_eq!(timeline.deliveries.len(), 1);
    assert!(records(&timeline).is_empty());
}

#[test]
fn a_command_injected_behind_starttls_is_never_run() {
    let timeline = run(&scripted(&[
        "EHLO c.example\r\n",
        "STARTTLS\r\nRSET\r\n",
        "<startTls>",
        "EHLO c.example\r\n",
        "QUIT\r\n",
    ]))
    .unwrap();
    let kinds = timeline.server_event_kinds();
    assert!(kinds
        .iter()
        .any(|kind| matches!(kind, ServerEventKind::PlaintextDiscarded { octets: 6 })));
    assert!(!kinds.iter().any(|kind| matches!(
        kind,
        ServerEventKind::CommandReceived {
            command: Command::Rset
        }
    )));
    assert_eq!(established(&timeline).len(), 1);
    let encrypted: Vec<bool> = writes(&timeline)
        .into_iter()
        .filter(|(_, direction, _, _)| *direction == Direction::ClientToServer)
        .map(|(_, _, _, encrypted)| encrypted)
        .collect();
    assert_eq!(encrypted, [false, false, true, true]);
    assert!(timeline.transcript().contains("S: 221"));
}

#[test]
fn implicit_tls_encrypts_from_the_greeting_on() {
    let mut scenario = submission(TlsPolicy::Required);
    scenario.server.starttls = StartTlsOffer::Off;
    scenario.implicit_tls = true;
    let timeline = run(&scenario).unwrap();
    let first_on_the_wire = timeline.entries.iter().find(|entry| {
        matches!(
            entry,
            TimelineEntry::Bytes { .. } | TimelineEntry::TlsRecords { .. }
        )
    });
    assert!(
        matches!(
            first_on_the_wire,
            Some(TimelineEntry::TlsRecords { direction: Direction::ClientToServer, records, .. })
                if records[0].handshake_messages == ["ClientHello"]
        ),
        "the ClientHello comes before any SMTP"
    );
    let all: Vec<bool> = writes(&timeline).into_iter().map(|w| w.3).collect();
    assert!(all.iter().all(|&encrypted| encrypted), "{all:?}");
    assert!(write_starting(&timeline, "220 ").1);
    assert!(!timeline.transcript().contains("STARTTLS"));
    assert!(decided(&timeline).contains(&Choice::ImplicitTls));
    assert_eq!(
        timeline.tls.as_ref().map(|tls| tls.mode),
        Some(TlsMode::Implicit)
    );
    assert_eq!(timeline.deliveries.len(), 1);
}

#[test]
fn the_same_seed_replays_the_same_records_and_another_seed_does_not() {
    let scenario = submission(TlsPolicy::Required);
    let first = run(&scenario).unwrap();
    assert_eq!(first, run(&scenario).unwrap());
    let reseeded = run(&Scenario {
        seed: scenario.seed + 1,
        ..scenario
    })
    .unwrap();
    let hex = |timeline: &Timeline| -> Vec<String> {
        records(timeline).iter().map(|r| r.hex.clone()).collect()
    };
    assert_ne!(hex(&first), hex(&reseeded));
}

#[test]
fn a_server_name_the_certificate_lacks_fails_the_client_before_any_password() {
    let mut scenario = submission(TlsPolicy::Required);
    scenario.server.hostname = "mx.elsewhere.test".into();
    let timeline = run(&scenario).unwrap();
    let failures: Vec<(TlsSide, String)> = timeline
        .entries
        .iter()
        .filter_map(|entry| match entry {
            TimelineEntry::TlsFailed { side, reason, .. } => Some((*side, reason.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        failures.first().map(|f| f.0),
        Some(TlsSide::Client),
        "{failures:?}"
    );
    assert!(failures[0].1.contains("does not name"), "{failures:?}");
    assert!(
        failures.iter().any(|f| f.0 == TlsSide::Server),
        "the client's alert ends the server's side too: {failures:?}"
    );
    assert!(!timeline.transcript().contains("AUTH"));
    assert!(timeline.deliveries.is_empty());
    assert!(!timeline.truncated);
}

#[test]
fn cleartext_instead_of_a_client_hello_fails_the_server_with_an_alert() {
    let timeline = run(&scripted(&[
        "EHLO c.example\r\n",
        "STARTTLS\r\n",
        "EHLO c.example\r\n",
    ]))
    .unwrap();
    assert!(timeline.entries.iter().any(|entry| matches!(
        entry,
        TimelineEntry::TlsFailed {
            side: TlsSide::Server,
            ..
        }
    )));
    let alert = records(&timeline)
        .into_iter()
        .any(|record| record.content_type == ContentType::Alert);
    assert!(alert, "the server sends its alert in the clear");
    assert!(!timeline.truncated);
}

#[test]
fn a_scenario_says_whether_it_needs_tls() {
    let mut scenario = Scenario::default();
    assert!(
        !scenario.uses_tls(),
        "the default session runs in the clear"
    );
    scenario.server.starttls = StartTlsOffer::Offered;
    assert!(scenario.uses_tls(), "a server that offers STARTTLS");
    let implicit = Scenario {
        implicit_tls: true,
        ..Scenario::default()
    };
    assert!(implicit.uses_tls(), "TLS from the first octet");
    let scripted = Scenario {
        script: Some(vec![ScriptStep::StartTls(true)]),
        ..Scenario::default()
    };
    assert!(scripted.uses_tls(), "a script that starts TLS");
}
