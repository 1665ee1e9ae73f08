//! Each delivered copy carries its own layout: every header field as an octet range
//! into the copy (folded lines included), the trace field the receiving server added,
//! where the body starts, any Bcc field, the Subject (read as the sender typed it,
//! RFC 2047 encoded-words decoded), and whether the copy reached a Bcc recipient. The page slices the copy's octets with these; nothing parses again.

use esmtp_playground::client::MessageSpec;
use esmtp_playground::loopback::{run, Scenario};
use esmtp_playground::scripted::ScriptStep;
use esmtp_playground::server::{BccState, Delivery, Role};
use esmtp_playground::world::{preset, run_world, WorldStep};

/// The octets `start..end` of the copy, as text.
fn slice(delivery: &Delivery, start: usize, end: usize) -> String {
    let octets = delivery.message.to_vec();
    String::from_utf8_lossy(octets.get(start..end).unwrap_or_default()).into_owned()
}

/// Fields cover the header section without gaps, and the empty line follows them.
fn assert_contiguous(delivery: &Delivery) {
    let layout = &delivery.layout;
    let mut at = 0;
    for field in &layout.fields {
        assert_eq!(field.start, at, "{layout:?}");
        assert!(field.end > field.start);
        at = field.end;
    }
    if let Some(body) = layout.body_start {
        assert_eq!(slice(delivery, at, body), "\r\n");
    } else {
        assert_eq!(at, delivery.message.len());
    }
}

#[test]
fn each_copy_has_its_fields_trace_body_subject_and_bcc_fact() {
    let mut scenario = Scenario::default();
    let message = &mut scenario.client.message;
    message.to = vec!["bob@example.org".into()];
    message.cc = vec!["carol@example.org".into()];
    message.bcc = vec!["Dave <dave@example.org>".into()];
    message.subject = "A subject long enough that the client engine has to fold it \
                       over two lines, as RFC 5322 asks of lines over 78 characters"
        .into();
    message.body = "Hi Bob,\r\nsee you.\r\n".into();
    let timeline = run(&scenario).unwrap();
    assert_eq!(timeline.deliveries.len(), 3);
    for delivery in &timeline.deliveries {
        assert_contiguous(delivery);
        let layout = &delivery.layout;
        let added = layout.added_field.unwrap();
        assert_eq!(
            (added.index, added.text, added.rfc),
            (0, "added by the server", "RFC 5321 §4.4")
        );
        let trace = &layout.fields[0];
        assert!(slice(delivery, trace.start, trace.end)
            .starts_with("Received: from client.example.net"));
        assert!(slice(delivery, trace.start, trace.end).contains("\r\n\tby mx.example.org"));
        let subject = layout
            .fields
            .iter()
            .find(|f| slice(delivery, f.start, f.end).starts_with("Subject:"))
            .unwrap();
        assert!(
            slice(delivery, subject.start, subject.end).contains("\r\n "),
            "the field's range holds its folded lines"
        );
        assert_eq!(
            layout.subject.as_deref(),
            Some(scenario.client.message.subject.as_str())
        );
        let body = layout.body_start.unwrap();
        assert_eq!(
            slice(delivery, body, delivery.message.len()),
            "Hi Bob,\r\nsee you.\r\n"
        );
        assert_eq!(layout.bcc_field, None, "the client never writes Bcc");
        assert_eq!(layout.bcc_note.state, BccState::Absent);
        assert_eq!(layout.bcc_note.rfc, "RFC 5322 §3.6.3");
        assert!(layout.bcc_note.text.contains("envelope only"));
        assert_eq!(
            delivery.bcc,
            delivery.recipient == "dave@example.org",
            "{}",
            delivery.recipient
        );
        assert_eq!(
            layout.fields.len(),
            delivery.headers.len(),
            "one field per name"
        );
        for (field, name) in layout.fields.iter().zip(&delivery.headers) {
            assert!(
                slice(delivery, field.start, field.end).starts_with(&format!("{name}:")),
                "the fields in the order of the names"
            );
        }
    }
}

#[test]
fn a_scripted_message_keeps_its_bcc_field_and_may_lack_a_body() {
    let mut scenario = Scenario::default();
    let text =
        "EHLO c.example\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n\
                Bcc: eve@example.org\r\nSubject: no body\r\n.\r\nQUIT\r\n";
    scenario.script = Some(vec![ScriptStep::Send(text.into())]);
    let timeline = run(&scenario).unwrap();
    let delivery = &timeline.deliveries[0];
    assert_contiguous(delivery);
    let layout = &delivery.layout;
    assert_eq!(layout.body_start, None, "no empty line, so no body");
    assert_eq!(layout.bcc_field, Some(1), "a relay (MTA) role keeps Bcc");
    assert_eq!(layout.bcc_note.state, BccState::Kept);
    assert_eq!(layout.subject.as_deref(), Some("no body"));
    assert!(!delivery.bcc, "a script has no Bcc list");
}

#[test]
fn a_submission_server_says_it_removed_the_bcc_field() {
    let mut scenario = Scenario::default();
    scenario.server.role = Role::Submission;
    let text =
        "EHLO c.example\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n\
                Bcc: eve@example.org\r\nSubject: s\r\n\r\nbody\r\n.\r\nQUIT\r\n";
    scenario.script = Some(vec![ScriptStep::Send(text.into())]);
    let timeline = run(&scenario).unwrap();
    let layout = &timeline.deliveries[0].layout;
    assert_eq!(layout.bcc_field, None);
    assert_eq!(layout.bcc_note.state, BccState::Removed);
    assert!(
        layout.bcc_note.text.contains("removed the Bcc header"),
        "{:?}",
        layout.bcc_note
    );
    assert_eq!(layout.added_field.map(|added| added.index), Some(0));
}

#[test]
fn world_messages_carry_the_layout_and_subject_too() {
    let timeline = run_world(&preset("dsn-bounce").unwrap()).unwrap();
    let mailbox = timeline.mailstore("mail.example.net");
    let notices = mailbox.mailbox("alice@example.net");
    assert_eq!(notices.len(), 2);
    let subjects: Vec<Option<&str>> = notices
        .iter()
        .map(|m| m.layout.subject.as_deref())
        .collect();
    assert_eq!(
        subjects,
        [
            Some("Undelivered Mail Returned to Sender"),
            Some("Relayed Mail Delivery Report")
        ]
    );
    for notice in notices {
        assert_eq!(
            notice.layout.added_field.map(|added| added.index),
            Some(0),
            "filed through the sender's server"
        );
        let trace = &notice.layout.fields[0];
        assert!(notice.text[trace.start..trace.end].starts_with("Received:"));
        assert!(!notice.bcc);
    }
    let etrn = run_world(&preset("etrn").unwrap()).unwrap();
    let delivered = etrn.mailstore("mail.dialup.example");
    let copy = &delivered.mailbox("bob@dialup.example")[0];
    for trace in &copy.layout.fields[..2] {
        assert!(
            copy.text[trace.start..trace.end].starts_with("Received:"),
            "each hop adds its trace field"
        );
    }
    assert_eq!(copy.layout.added_field.map(|added| added.index), Some(0));
    let body = copy.layout.body_start.unwrap();
    assert!(body < copy.octets);
}

#[test]
fn a_blind_copy_stays_blind_across_a_relay() {
    let mut scenario = preset("mx-dead-primary").unwrap();
    let Some(WorldStep::Smtp { client, .. }) = scenario.steps.first_mut() else {
        panic!("the preset starts with a submission");
    };
    client.message.to = vec!["Carol <carol@example.net>".into()];
    client.message.bcc = vec!["bob@example.org".into()];
    let timeline = run_world(&scenario).unwrap();
    let queued_at_sender = timeline.mailstore("mail.example.net");
    let local = queued_at_sender.mailbox("carol@example.net");
    assert_eq!(local.len(), 1);
    assert!(!local[0].bcc, "carol is a To recipient");
    let delivered = timeline.mailstore("mx2.example.org");
    let bob = delivered.mailbox("bob@example.org");
    assert_eq!(bob.len(), 1);
    assert!(
        bob[0].bcc,
        "the relaying MTA passes on that bob was blind-copied"
    );
    assert_eq!(bob[0].layout.bcc_field, None);
}

/// The delivered copy's Subject as the layout reads it, and the copy's Subject line
/// as it travelled (its first line, when folded).
fn delivered_subject(message: MessageSpec) -> (Option<String>, String) {
    let mut scenario = Scenario::default();
    scenario.client.message = message;
    let timeline = run(&scenario).unwrap();
    let delivery = timeline.deliveries.first().expect("one copy delivered");
    let field = delivery
        .layout
        .fields
        .iter()
        .map(|f| slice(delivery, f.start, f.end))
        .find(|text| text.starts_with("Subject:"))
        .expect("a Subject field");
    let first_line = field.lines().next().unwrap_or_default().to_owned();
    (delivery.layout.subject.clone(), first_line)
}

fn typed(subject: &str) -> MessageSpec {
    MessageSpec {
        subject: subject.into(),
        ..MessageSpec::default()
    }
}

#[test]
fn a_non_ascii_subject_travels_encoded_and_reads_as_typed() {
    let (subject, line) = delivered_subject(typed("Grüße aus München"));
    assert!(line.starts_with("Subject: =?UTF-8?B?"), "{line}");
    assert_eq!(subject.as_deref(), Some("Grüße aus München"));
    let mut scenario = Scenario::default();
    scenario.client.message = typed("Grüße aus München");
    let timeline = run(&scenario).unwrap();
    let layout = &timeline.deliveries[0].layout;
    let decoded = layout
        .decoded_subject
        .as_ref()
        .expect("the page shows what it reads as");
    let field = &layout.fields[decoded.index];
    assert!(slice(&timeline.deliveries[0], field.start, field.end).starts_with("Subject: =?UTF-8?"));
    assert_eq!(decoded.text, "reads as \u{201c}Grüße aus München\u{201d}");
    // Several encoded-words over folded lines (RFC 2047 §2: at most 75 characters each).
    let long = "Grüße aus Köln — ".repeat(6);
    let (subject, _) = delivered_subject(typed(long.trim_end()));
    assert_eq!(subject.as_deref(), Some(long.trim_end()));
}

#[test]
fn ascii_that_only_looks_encoded_and_a_utf8_subject_read_as_typed() {
    let (subject, line) = delivered_subject(typed("Price =?x?= odd"));
    assert_eq!(line, "Subject: Price =?x?= odd");
    assert_eq!(subject.as_deref(), Some("Price =?x?= odd"));
    // With SMTPUTF8 the Subject travels as UTF-8 (RFC 6532 §3.2), not encoded.
    let (subject, line) = delivered_subject(MessageSpec {
        from: "jörg@bücher.example".into(),
        subject: "Grüße".into(),
        ..MessageSpec::default()
    });
    assert_eq!(line, "Subject: Grüße");
    assert_eq!(subject.as_deref(), Some("Grüße"));
}

#[test]
fn a_world_message_reads_its_subject_as_typed() {
    let mut scenario = preset("dsn-bounce").unwrap();
    for step in &mut scenario.steps {
        if let WorldStep::Smtp { client, .. } = step {
            client.message.subject = "Grüße".into();
        }
    }
    let timeline = run_world(&scenario).unwrap();
    let subjects: Vec<String> = timeline
        .hosts
        .iter()
        .flat_map(|host| {
            let store = timeline.mailstore(&host.name);
            store
                .mailboxes
                .values()
                .chain(store.outbound.values())
                .flatten()
                .filter(|m| m.envelope_from != "<>")
                .filter_map(|m| m.layout.subject.clone())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(!subjects.is_empty());
    assert!(subjects.iter().all(|s| s == "Grüße"), "{subjects:?}");
}
