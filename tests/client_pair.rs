//! The client engine against the server engine over the loopback, with the server's
//! current switches flipped (PIPELINING, 8BITMIME, SIZE, recipient limit).

use esmtp_playground::client::{
    Choice, ClientEventKind, ClientSpec, Header, HelloMode, MessageSpec, RawLine, SpecError, Step,
    Topic,
};
use esmtp_playground::loopback::{
    run, Direction, Scenario, ScenarioError, Timeline, TimelineEntry,
};

fn scenario(message: MessageSpec) -> Scenario {
    Scenario {
        client: ClientSpec {
            message,
            ..ClientSpec::default()
        },
        ..Scenario::default()
    }
}

fn decisions(timeline: &Timeline, topic: Topic) -> Vec<Choice> {
    timeline
        .client_event_kinds()
        .into_iter()
        .filter_map(|k| match k {
            ClientEventKind::Decided { decision } if decision.topic == topic => {
                Some(decision.choice.clone())
            }
            _ => None,
        })
        .collect()
}

fn delivered_text(timeline: &Timeline, index: usize) -> String {
    String::from_utf8(timeline.deliveries[index].message.to_vec()).unwrap()
}

fn client_bytes(timeline: &Timeline) -> Vec<u8> {
    timeline
        .entries
        .iter()
        .filter_map(|e| match e {
            TimelineEntry::Bytes {
                direction: Direction::ClientToServer,
                octets,
                ..
            } => Some(octets.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

fn three_recipients() -> MessageSpec {
    MessageSpec {
        to: vec!["bob@example.org".into(), "carol@example.org".into()],
        cc: vec!["dave@example.org".into()],
        ..MessageSpec::default()
    }
}

#[test]
fn pipelining_saves_round_trips_over_the_loopback() {
    let pipelined = run(&scenario(three_recipients())).unwrap();
    let mut off = scenario(three_recipients());
    off.server.extensions.pipelining = false;
    let lock_step = run(&off).unwrap();
    assert_eq!(pipelined.deliveries.len(), 3);
    assert_eq!(lock_step.deliveries.len(), 3);
    assert_eq!(
        pipelined.writes(Direction::ClientToServer),
        4,
        "EHLO, group, message, QUIT"
    );
    assert_eq!(
        lock_step.writes(Direction::ClientToServer),
        8,
        "EHLO, MAIL, 3×RCPT, DATA, message, QUIT"
    );
    assert!(
        pipelined.end_time < lock_step.end_time,
        "fewer latencies paid"
    );
    assert_eq!(
        decisions(&pipelined, Topic::Pipelining),
        [Choice::Pipeline { commands: 5 }]
    );
    assert_eq!(decisions(&lock_step, Topic::Pipelining), [Choice::LockStep]);
    assert!(pipelined
        .transcript()
        .contains("C: MAIL FROM:<alice@example.net> SIZE="));
}

#[test]
fn eight_bit_body_with_and_without_8bitmime() {
    let message = MessageSpec {
        subject: "Grüße".into(),
        body: "Grüße aus Köln\n.Punkt\n".into(),
        ..MessageSpec::default()
    };
    let with = run(&scenario(message.clone())).unwrap();
    assert!(with.transcript().contains(" BODY=8BITMIME\n"));
    let text = delivered_text(&with, 0);
    assert!(
        text.ends_with("\r\n\r\nGrüße aus Köln\r\n.Punkt\r\n"),
        "{text}"
    );
    assert!(text.contains("Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n"));

    let mut no_8bit = scenario(message);
    no_8bit.server.extensions.eight_bit_mime = false;
    let without = run(&no_8bit).unwrap();
    assert!(!without.transcript().contains("BODY="));
    let text = delivered_text(&without, 0);
    assert!(text.contains("Content-Transfer-Encoding: quoted-printable\r\n"));
    let (_, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(body.is_ascii());
    let decoded = quoted_printable::decode(body, quoted_printable::ParseMode::Strict).unwrap();
    assert_eq!(
        String::from_utf8(decoded).unwrap(),
        "Grüße aus Köln\r\n.Punkt\r\n"
    );
}

#[test]
fn small_size_limit_stops_the_message_before_mail() {
    let mut small = scenario(MessageSpec {
        body: "x ".repeat(1000),
        ..MessageSpec::default()
    });
    small.server.max_message_size = Some(500);
    let timeline = run(&small).unwrap();
    assert!(timeline.deliveries.is_empty());
    let transcript = timeline.transcript();
    assert!(transcript.contains("S: 250-SIZE 500\n"));
    assert!(!transcript.contains("C: MAIL"), "{transcript}");
    assert!(transcript.contains("C: QUIT\n"));
    assert!(matches!(
        decisions(&timeline, Topic::Size)[..],
        [Choice::TooBig { limit: 500, .. }]
    ));
}

#[test]
fn unadvertised_limit_is_met_at_the_end_of_data() {
    let mut hidden = scenario(MessageSpec {
        body: "x ".repeat(1000),
        ..MessageSpec::default()
    });
    hidden.server.max_message_size = Some(500);
    hidden.server.extensions.size = false;
    let timeline = run(&hidden).unwrap();
    assert!(timeline.deliveries.is_empty());
    assert!(matches!(
        decisions(&timeline, Topic::Size)[..],
        [Choice::NoSizeParameter { .. }]
    ));
    assert!(timeline
        .client_event_kinds()
        .iter()
        .any(|k| matches!(k, ClientEventKind::Failed { reason } if reason == "message refused")));
    assert!(timeline
        .transcript()
        .trim_end()
        .ends_with("S: 221 2.0.0 mx.example.org closing connection"));
}

#[test]
fn recipient_limit_splits_into_transactions() {
    let recipients: Vec<String> = (1..=5).map(|n| format!("user{n}@example.org")).collect();
    let mut limited = scenario(MessageSpec {
        to: recipients[..3].to_vec(),
        bcc: recipients[3..].to_vec(),
        ..MessageSpec::default()
    });
    limited.server.max_recipients = 2;
    for pipelining in [true, false] {
        limited.server.extensions.pipelining = pipelining;
        let timeline = run(&limited).unwrap();
        let mut delivered: Vec<&str> = timeline
            .deliveries
            .iter()
            .map(|d| d.recipient.as_str())
            .collect();
        delivered.sort_unstable();
        assert_eq!(delivered, recipients, "pipelining {pipelining}");
        let transcript = timeline.transcript();
        assert_eq!(transcript.matches("C: MAIL FROM:").count(), 3);
        assert_eq!(
            transcript.matches("S: 452 4.5.3").count(),
            if pipelining { 3 + 1 } else { 2 }
        );
        assert_eq!(
            decisions(&timeline, Topic::Recipients),
            [
                Choice::NextTransaction { recipients: 3 },
                Choice::NextTransaction { recipients: 1 }
            ]
        );
        for delivery in &timeline.deliveries {
            let text = String::from_utf8(delivery.message.to_vec()).unwrap();
            // The server's Received header may name the one recipient ("for <…>");
            // the client's own headers start at Date.
            let ours = &text[text.find("\r\nDate: ").unwrap()..];
            assert!(
                !ours.contains("user4@") && !ours.contains("user5@"),
                "Bcc hidden"
            );
        }
    }
}

#[test]
fn bcc_recipients_get_the_message_without_the_header() {
    let timeline = run(&scenario(MessageSpec {
        cc: vec!["bob@example.org".into()],
        bcc: vec!["hidden@example.org".into()],
        ..MessageSpec::default()
    }))
    .unwrap();
    let recipients: Vec<&str> = timeline
        .deliveries
        .iter()
        .map(|d| d.recipient.as_str())
        .collect();
    assert_eq!(recipients, ["bob@example.org", "hidden@example.org"]);
    for index in 0..2 {
        let text = delivered_text(&timeline, index);
        let ours = &text[text.find("\r\nDate: ").unwrap()..];
        assert!(!ours.contains("hidden@"));
        assert!(!text.to_ascii_lowercase().contains("\nbcc:"));
    }
}

#[test]
fn display_names_stay_in_the_header_and_only_mailboxes_go_in_the_envelope() {
    let timeline = run(&scenario(MessageSpec {
        from: "Alice Example <alice@example.net>".into(),
        to: vec!["Bob <bob@example.org>".into()],
        cc: vec!["Smith, Carol <carol@example.org>".into()],
        bcc: vec!["Dave Hidden <dave@example.org>".into()],
        ..MessageSpec::default()
    }))
    .unwrap();
    let sent = String::from_utf8(client_bytes(&timeline)).unwrap();
    for envelope in [
        "MAIL FROM:<alice@example.net>",
        "RCPT TO:<bob@example.org>\r\n",
        "RCPT TO:<carol@example.org>\r\n",
        "RCPT TO:<dave@example.org>\r\n",
    ] {
        assert!(sent.contains(envelope), "{envelope} missing from:\n{sent}");
    }
    let recipients: Vec<&str> = timeline
        .deliveries
        .iter()
        .map(|d| d.recipient.as_str())
        .collect();
    assert_eq!(
        recipients,
        ["bob@example.org", "carol@example.org", "dave@example.org"]
    );
    let text = delivered_text(&timeline, 2);
    assert!(
        text.contains("\r\nFrom: Alice Example <alice@example.net>\r\n"),
        "{text}"
    );
    assert!(text.contains("\r\nTo: Bob <bob@example.org>\r\n"), "{text}");
    assert!(
        text.contains("\r\nCc: \"Smith, Carol\" <carol@example.org>\r\n"),
        "{text}"
    );
    assert!(!text.contains("Dave Hidden"), "the Bcc name leaks: {text}");
}

#[test]
fn long_lines_and_dots_arrive_intact() {
    let body = format!(".\n..two\n{}\nend\n", "é".repeat(800));
    let mut no_8bit = scenario(MessageSpec {
        subject: "s ".repeat(200),
        headers: vec![Header {
            name: "X-Long".into(),
            value: "v ".repeat(600),
        }],
        body: body.clone(),
        ..MessageSpec::default()
    });
    no_8bit.server.extensions.eight_bit_mime = false;
    let timeline = run(&no_8bit).unwrap();
    assert_eq!(timeline.deliveries.len(), 1, "{}", timeline.transcript());
    let text = delivered_text(&timeline, 0);
    assert!(text.split("\r\n").all(|l| l.len() <= 998));
    let (_, encoded) = text.split_once("\r\n\r\n").unwrap();
    let decoded = quoted_printable::decode(encoded, quoted_printable::ParseMode::Strict).unwrap();
    assert_eq!(
        String::from_utf8(decoded).unwrap(),
        body.replace('\n', "\r\n")
    );
    let sent = client_bytes(&timeline);
    for (at, byte) in sent.iter().enumerate() {
        if *byte == b'\n' {
            assert_eq!(sent[at - 1], b'\r', "bare LF at {at}");
        }
    }
}

#[test]
fn raw_lines_meet_the_server_and_the_session_goes_on() {
    let mut experiment = scenario(MessageSpec::default());
    experiment.client.raw_lines = vec![
        RawLine {
            after: Step::Greeting,
            line: "XYZZY".into(),
        },
        RawLine {
            after: Step::Ehlo,
            line: "NOOP ünïcode".into(),
        },
        RawLine {
            after: Step::Ehlo,
            line: format!("NOOP {}", "a".repeat(600)),
        },
    ];
    let timeline = run(&experiment).unwrap();
    let transcript = timeline.transcript();
    assert!(
        transcript.contains("C: XYZZY\nS: 500 5.5.2"),
        "{transcript}"
    );
    assert!(
        transcript.contains("C: NOOP ünïcode\nS: 501 "),
        "{transcript}"
    );
    assert!(
        transcript.contains("aaaa\nS: 500 5.5.2 Line too long\n"),
        "{transcript}"
    );
    assert_eq!(timeline.deliveries.len(), 1);
}

#[test]
fn quit_after_rcpt_delivers_nothing() {
    let mut stop = scenario(MessageSpec::default());
    stop.client.quit_after = Some(Step::Rcpt);
    let timeline = run(&stop).unwrap();
    assert!(timeline.deliveries.is_empty());
    let transcript = timeline.transcript();
    assert!(transcript.contains("C: RCPT TO:<bob@example.org>\n"));
    assert!(!transcript.contains("C: DATA"));
    assert!(transcript.contains("C: QUIT\n"));
}

#[test]
fn helo_session_uses_no_extension() {
    let mut helo = scenario(MessageSpec {
        body: "ünïcode\n".into(),
        ..MessageSpec::default()
    });
    helo.client.hello = HelloMode::Helo;
    let timeline = run(&helo).unwrap();
    let transcript = timeline.transcript();
    assert!(transcript.contains("C: MAIL FROM:<alice@example.net>\n"));
    assert_eq!(timeline.deliveries.len(), 1);
    assert!(delivered_text(&timeline, 0).contains("quoted-printable"));
    assert_eq!(timeline.writes(Direction::ClientToServer), 6);
}

#[test]
fn every_client_event_is_explained_and_timelines_are_deterministic() {
    let scenario = scenario(three_recipients());
    let first = run(&scenario).unwrap();
    assert_eq!(first, run(&scenario).unwrap());
    let mut count = 0;
    for entry in &first.entries {
        if let TimelineEntry::Client { event } = entry {
            assert!(event.rfc.starts_with("RFC "), "{event:?}");
            assert!(!event.explanation.is_empty());
            count += 1;
        }
    }
    assert!(count > 10);
    assert!(first
        .client_event_kinds()
        .iter()
        .any(|k| matches!(k, ClientEventKind::CapabilitiesLearned { .. })));
}

#[test]
fn the_loopback_clock_jumps_to_the_client_timer_when_the_server_stays_silent() {
    // Raw lines put the server into DATA mode, so it reads the client's next commands as
    // message text and never answers them: the client's 5-minute MAIL timer must fire
    // before the server's (longer) idle timer.
    let mut silent = scenario(MessageSpec::default());
    silent.server.idle_timeout_ms = 30 * esmtp_playground::time::MINUTE;
    silent.client.raw_lines = [
        "MAIL FROM:<x@example.net>",
        "RCPT TO:<bob@example.org>",
        "DATA",
    ]
    .into_iter()
    .map(|line| RawLine {
        after: Step::Ehlo,
        line: line.into(),
    })
    .collect();
    let timeline = run(&silent).unwrap();
    let last_write = timeline
        .entries
        .iter()
        .filter_map(|e| match e {
            TimelineEntry::Bytes {
                at,
                direction: Direction::ClientToServer,
                ..
            } => Some(*at),
            _ => None,
        })
        .next_back()
        .unwrap();
    let timed_out = timeline
        .client_event_kinds()
        .into_iter()
        .find_map(|k| match k {
            ClientEventKind::TimedOut {
                waiting_for,
                limit_ms,
            } => Some((waiting_for.clone(), *limit_ms)),
            _ => None,
        })
        .expect("client timeout");
    assert_eq!(
        timed_out,
        ("MAIL".to_owned(), 5 * esmtp_playground::time::MINUTE)
    );
    assert_eq!(
        timeline.end_time,
        last_write + 5 * esmtp_playground::time::MINUTE
    );
    assert!(timeline.deliveries.is_empty());
    assert!(!timeline.truncated);
}

#[test]
fn a_refused_spec_stops_the_scenario_and_names_the_cause() {
    let error = run(&scenario(MessageSpec {
        to: Vec::new(),
        ..MessageSpec::default()
    }))
    .unwrap_err();
    assert_eq!(error, ScenarioError::Client(SpecError::NoRecipient));
    assert_eq!(
        error.to_string(),
        "client: at least one recipient (To, Cc or Bcc) is needed"
    );
    let error = run(&scenario(MessageSpec {
        from: "not an address".into(),
        ..MessageSpec::default()
    }))
    .unwrap_err();
    assert!(
        matches!(
            &error,
            ScenarioError::Client(SpecError::Address { role, .. }) if role == "From"
        ),
        "{error:?}"
    );
}
