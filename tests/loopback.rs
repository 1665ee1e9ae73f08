//! A client engine and a server engine joined by the loopback: what one sends, the other
//! receives, and the transcript holds the whole conversation.

use esmtp_playground::loopback::{run, Scenario, TimelineEntry};
use esmtp_playground::server::ServerEventKind;

#[test]
fn default_scenario_delivers_one_message() {
    let timeline = run(&Scenario::default()).unwrap();
    let transcript = timeline.transcript();
    assert!(
        transcript.starts_with("S: 220 mx.example.org ESMTP Playground\n"),
        "{transcript}"
    );
    assert!(transcript.contains("C: EHLO client.example.net\n"));
    assert!(transcript.contains("S: 250-PIPELINING\n"));
    assert!(transcript.contains("S: 250-8BITMIME\n"));
    assert!(transcript.contains("S: 250 SMTPUTF8\n"));
    assert!(transcript.contains("C: MAIL FROM:<alice@example.net> SIZE="));
    assert!(transcript.contains("C: RCPT TO:<bob@example.org>\n"));
    assert!(transcript.contains("S: 354 End data with <CR><LF>.<CR><LF>\n"));
    assert!(transcript.contains("C: ..A line starting with a dot is stuffed.\n"));
    assert!(transcript.contains("S: 250 2.0.0 Ok: queued as "));
    assert!(transcript
        .trim_end()
        .ends_with("S: 221 2.0.0 mx.example.org closing connection"));

    assert_eq!(timeline.deliveries.len(), 1);
    let delivered = String::from_utf8(timeline.deliveries[0].message.to_vec()).unwrap();
    assert!(delivered.starts_with(
        "Received: from client.example.net ([192.0.2.10])\r\n\tby mx.example.org with ESMTP id "
    ));
    assert!(
        delivered.contains("\r\n.A line starting with a dot is stuffed.\r\n"),
        "unstuffed on arrival"
    );
}

#[test]
fn same_scenario_same_bytes() {
    let scenario = Scenario {
        seed: 7,
        ..Scenario::default()
    };
    assert_eq!(run(&scenario).unwrap(), run(&scenario).unwrap());
    let other = Scenario {
        seed: 8,
        ..Scenario::default()
    };
    assert_ne!(
        run(&scenario).unwrap().deliveries,
        run(&other).unwrap().deliveries
    );
}

#[test]
fn every_server_reply_is_explained_with_an_rfc_section() {
    let timeline = run(&Scenario::default()).unwrap();
    let replies: Vec<_> = timeline
        .entries
        .iter()
        .filter_map(|entry| match entry {
            TimelineEntry::Server { event } => Some(event),
            _ => None,
        })
        .filter(|event| matches!(event.kind, ServerEventKind::ReplySent { .. }))
        .collect();
    assert_eq!(
        replies.len(),
        7,
        "220, EHLO, MAIL, RCPT, 354, 250 queued, 221"
    );
    for event in replies {
        assert!(event.rfc.starts_with("RFC "));
        assert!(!event.explanation.is_empty());
    }
}

#[test]
fn helo_mode_gets_no_extensions() {
    let mut scenario = Scenario::default();
    scenario.client.hello = esmtp_playground::client::HelloMode::Helo;
    let transcript = run(&scenario).unwrap().transcript();
    assert!(transcript.contains("C: HELO client.example.net\n"));
    assert!(!transcript.contains("PIPELINING"));
    assert!(transcript.contains("S: 221"));
}

#[test]
fn octet_layout_holds_each_write_and_each_message_text_once() {
    let mut scenario = Scenario::default();
    scenario.client.message.to = vec![
        "bob@example.org".into(),
        "carol@example.org".into(),
        "dave@example.org".into(),
    ];
    let timeline = run(&scenario).unwrap();
    let layout = timeline.octet_layout();
    let buffer = &layout.gathered.buffer;
    let writes: Vec<&Vec<u8>> = timeline
        .entries
        .iter()
        .filter_map(|entry| match entry {
            TimelineEntry::Bytes { octets, .. } => Some(octets),
            _ => None,
        })
        .collect();
    assert_eq!(layout.writes.len(), writes.len());
    for ((entry, range), octets) in layout.writes.iter().zip(&writes) {
        assert!(matches!(
            timeline.entries[*entry],
            TimelineEntry::Bytes { .. }
        ));
        assert_eq!(&buffer[range.clone()], octets.as_slice());
    }
    assert_eq!(timeline.deliveries.len(), 3);
    assert_eq!(layout.copies.len(), 3);
    for (copy, range) in timeline.deliveries.iter().zip(&layout.copies) {
        assert_eq!(buffer[range.clone()], copy.message.to_vec());
        assert_eq!(*range, layout.copies[0], "one range for the three copies");
    }
    let written: usize = writes.iter().map(|octets| octets.len()).sum();
    assert_eq!(buffer.len(), written + timeline.deliveries[0].message.len());
}

#[test]
fn copies_of_different_messages_keep_their_own_octets() {
    let mut scenario = Scenario::default();
    scenario.server.max_recipients = 1;
    scenario.client.message.to = vec!["bob@example.org".into(), "carol@example.org".into()];
    let timeline = run(&scenario).unwrap();
    assert_eq!(timeline.deliveries.len(), 2, "{}", timeline.transcript());
    let layout = timeline.octet_layout();
    assert_ne!(layout.copies[0], layout.copies[1]);
    for (copy, range) in timeline.deliveries.iter().zip(&layout.copies) {
        assert_eq!(layout.gathered.buffer[range.clone()], copy.message.to_vec());
    }
}
