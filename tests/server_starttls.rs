//! STARTTLS on the server (RFC 3207): when it is listed, what the command gets, that
//! nothing sent in the clear after it is acted on, that the session starts over after
//! the handshake, and AUTH only over TLS.

mod server_support;

use esmtp_playground::sasl::Identity;
use esmtp_playground::server::{ServerConfig, ServerEventKind, StartTlsOffer, State, TRANSITIONS};
use esmtp_playground::tls::TlsSummary;
use server_support::{codes, events, feed, final_lines, server, Split, SPLITS, START};

fn offered() -> ServerConfig {
    ServerConfig {
        starttls: StartTlsOffer::Offered,
        ..ServerConfig::default()
    }
}

fn text(octets: &[u8]) -> String {
    String::from_utf8_lossy(octets).into_owned()
}

fn ehlo_keywords(output: &str) -> Vec<String> {
    output
        .split("\r\n")
        .skip(1)
        .filter(|line| line.starts_with("250"))
        .map(|line| line.get(4..).unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn starttls_is_listed_only_when_configured_and_before_auth() {
    let mut plain = server(ServerConfig::default());
    let without = text(&feed(&mut plain, b"EHLO c.example\r\n", Split::Whole));
    assert!(!without.contains("STARTTLS"));
    let mut tls = server(offered());
    let with = ehlo_keywords(&text(&feed(&mut tls, b"EHLO c.example\r\n", Split::Whole)));
    let at = |word: &str| with.iter().position(|k| k.starts_with(word)).unwrap();
    assert!(
        at("SIZE") < at("STARTTLS") && at("STARTTLS") < at("AUTH"),
        "{with:?}"
    );
}

#[test]
fn starttls_is_answered_220_and_the_engine_waits_for_the_handshake() {
    let mut session = server(offered());
    let output = text(&feed(
        &mut session,
        b"EHLO c.example\r\nSTARTTLS\r\n",
        Split::Whole,
    ));
    assert_eq!(
        final_lines(&output).last().copied(),
        Some("220 2.0.0 Ready to start TLS")
    );
    assert!(session.tls_pending());
    assert_eq!(session.state(), State::ExpectTlsHandshake);
    let kinds: Vec<_> = events(&mut session).into_iter().map(|e| e.kind).collect();
    assert!(kinds.contains(&ServerEventKind::TlsHandshakeExpected));
}

#[test]
fn a_command_pipelined_behind_starttls_is_never_run() {
    for split in SPLITS {
        let mut session = server(offered());
        let output = text(&feed(
            &mut session,
            b"EHLO c.example\r\nSTARTTLS\r\nRSET\r\nMAIL FROM:<evil@example.net>\r\n",
            split,
        ));
        assert_eq!(codes(&output), ["250", "220"], "{split:?}: {output}");
        let discarded: u64 = events(&mut session)
            .into_iter()
            .filter_map(|e| match e.kind {
                ServerEventKind::PlaintextDiscarded { octets } => Some(octets),
                _ => None,
            })
            .sum();
        assert_eq!(discarded, 36, "{split:?}");
        session.tls_established(TlsSummary::for_tests(), START + 2_000);
        let after = text(&feed(&mut session, b"MAIL FROM:<a@example.net>\r\n", split));
        assert_eq!(
            codes(&after),
            ["503"],
            "{split:?}: the injected MAIL left no trace"
        );
    }
}

#[test]
fn after_the_handshake_the_session_starts_over() {
    let mut session = server(offered());
    feed(&mut session, b"EHLO c.example\r\n", Split::Whole);
    session.mark_authenticated(Identity::user("alice"));
    feed(&mut session, b"STARTTLS\r\n", Split::Whole);
    session.tls_established(TlsSummary::for_tests(), START + 2_000);
    assert_eq!(session.state(), State::ExpectHello);
    assert!(
        !session.is_authenticated(),
        "AUTH in the clear is forgotten"
    );
    assert_eq!(session.tls(), Some(&TlsSummary::for_tests()));
    let established = events(&mut session).into_iter().any(|e| {
        matches!(e.kind, ServerEventKind::TlsEstablished { .. }) && e.rfc == "RFC 3207 §4.2"
    });
    assert!(established);
    let output = text(&feed(
        &mut session,
        b"MAIL FROM:<a@example.net>\r\nEHLO c.example\r\n",
        Split::Whole,
    ));
    assert_eq!(codes(&output), ["503", "250"]);
    assert!(
        !output.contains("STARTTLS"),
        "not listed after TLS: {output}"
    );
    let again = text(&feed(&mut session, b"STARTTLS\r\n", Split::Whole));
    assert_eq!(final_lines(&again), ["503 5.5.1 Error: TLS already active"]);
}

#[test]
fn the_refusals_follow_rfc_3207() {
    let cases: [(&ServerConfig, &[u8], &str); 5] = [
        (
            &ServerConfig::default(),
            b"EHLO c\r\nSTARTTLS\r\n",
            "502 5.5.1 Error: STARTTLS not offered",
        ),
        (&offered(), b"EHLO c\r\nSTARTTLS now\r\n", "501"),
        (
            &offered(),
            b"STARTTLS\r\n",
            "503 5.5.1 Error: send EHLO first",
        ),
        (
            &offered(),
            b"EHLO c\r\nMAIL FROM:<a@example.net>\r\nSTARTTLS\r\n",
            "503 5.5.1 Error: MAIL transaction in progress",
        ),
        (
            &ServerConfig {
                starttls: StartTlsOffer::Unavailable,
                ..ServerConfig::default()
            },
            b"EHLO c\r\nSTARTTLS\r\n",
            "454 4.7.0 TLS not available due to temporary reason",
        ),
    ];
    for (config, input, expected) in cases {
        let mut session = server(config.clone());
        let output = text(&feed(&mut session, input, Split::Whole));
        let last = final_lines(&output)
            .last()
            .copied()
            .unwrap_or_default()
            .to_owned();
        assert!(last.starts_with(expected), "{}: {last}", text(input));
        assert!(!session.tls_pending());
    }
}

#[test]
fn auth_only_after_tls_hides_auth_and_answers_538() {
    let config = ServerConfig {
        auth_requires_tls: true,
        ..offered()
    };
    let mut session = server(config);
    let before = text(&feed(
        &mut session,
        b"EHLO c.example\r\nAUTH PLAIN AGFsaWNlAFMzY3JldC1wdw==\r\n",
        Split::Whole,
    ));
    assert!(!before.contains("AUTH "), "{before}");
    assert_eq!(
        final_lines(&before).last().copied(),
        Some("538 5.7.11 Must issue a STARTTLS command first")
    );
    feed(&mut session, b"STARTTLS\r\n", Split::Whole);
    session.tls_established(TlsSummary::for_tests(), START + 2_000);
    let after = text(&feed(
        &mut session,
        b"EHLO c.example\r\nAUTH PLAIN AGFsaWNlAFMzY3JldC1wdw==\r\n",
        Split::Whole,
    ));
    assert!(after.contains("250-AUTH PLAIN"), "{after}");
    assert_eq!(codes(&after).last().copied(), Some("235"));
}

#[test]
fn received_says_esmtpsa_over_tls() {
    let mut session = server(offered());
    feed(
        &mut session,
        b"EHLO c.example\r\nSTARTTLS\r\n",
        Split::Whole,
    );
    session.tls_established(TlsSummary::for_tests(), START + 2_000);
    feed(
        &mut session,
        b"EHLO c.example\r\nAUTH PLAIN AGFsaWNlAFMzY3JldC1wdw==\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n",
        Split::Whole,
    );
    feed(&mut session, b"Subject: x\r\n\r\nhi\r\n.\r\n", Split::Whole);
    let copy = session.poll_delivery().expect("a copy");
    let message = text(&copy.message.parts().concat());
    assert!(message.contains("with ESMTPSA"), "{message}");
}

#[test]
fn implicit_tls_is_known_from_the_start() {
    let mut session = server(ServerConfig::default());
    session.tls_established(TlsSummary::for_tests(), START);
    assert!(session.tls().is_some());
    assert_eq!(session.state(), State::ExpectHello);
    let output = text(&feed(&mut session, b"EHLO c.example\r\n", Split::Whole));
    assert_eq!(codes(&output), ["250"]);
}

#[test]
fn the_state_table_has_the_tls_rows() {
    assert!(TRANSITIONS
        .iter()
        .any(|row| row.to == State::ExpectTlsHandshake && row.from == [State::ExpectMail]));
    assert!(TRANSITIONS
        .iter()
        .any(|row| row.from == [State::ExpectTlsHandshake] && row.to == State::ExpectHello));
}
