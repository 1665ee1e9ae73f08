//! The end of data waits for the driver's storage outcome: 250 only once the copies are
//! stored, 451 4.3.0 / 452 4.3.1 when they could not be, and input that arrives
//! meanwhile is read afterwards, in order, whatever the chunking.

mod server_support;

use esmtp_playground::server::session::MAX_HELD_INPUT;
use esmtp_playground::server::{ServerConfig, StoreOutcome};
use server_support::{codes, final_lines, server, Split, ENVELOPE, SPLITS, START};

const MESSAGE: &str = "DATA\r\nSubject: hi\r\n\r\nbody\r\n.\r\n";

fn feed_unconfirmed(
    server: &mut esmtp_playground::server::Server,
    input: &[u8],
    split: Split,
) -> String {
    let chunks: Vec<&[u8]> = match split {
        Split::Whole => vec![input],
        Split::Lines => input.split_inclusive(|&b| b == b'\n').collect(),
        Split::Bytes => input.chunks(1).collect(),
    };
    let mut output = Vec::new();
    for chunk in chunks {
        server.receive(chunk, START + 1_000);
        output.extend(server.take_output());
    }
    String::from_utf8_lossy(&output).into_owned()
}

#[test]
fn the_250_waits_until_the_copies_are_stored() {
    for split in SPLITS {
        let mut server = server(ServerConfig::default());
        let input = format!("{ENVELOPE}{MESSAGE}QUIT\r\n");
        let before = feed_unconfirmed(&mut server, input.as_bytes(), split);
        assert_eq!(codes(&before), ["250", "250", "250", "354"], "{split:?}");
        assert!(server.is_awaiting_store());
        assert_eq!(
            server.poll_delivery().map(|d| d.recipient).as_deref(),
            Some("bob@example.org")
        );
        server.handle_stored(StoreOutcome::Stored);
        let after = String::from_utf8_lossy(&server.take_output()).into_owned();
        assert_eq!(
            codes(&after),
            ["250", "221"],
            "{split:?}: QUIT was held, then answered"
        );
        assert!(final_lines(&after)[0].starts_with("250 2.0.0 Ok: queued as "));
        assert!(server.is_closed());
    }
}

#[test]
fn a_failed_store_answers_451_and_the_session_goes_on() {
    let mut server = server(ServerConfig::default());
    feed_unconfirmed(
        &mut server,
        format!("{ENVELOPE}{MESSAGE}").as_bytes(),
        Split::Whole,
    );
    server.handle_stored(StoreOutcome::Failed {
        reason: "Too many open files".into(),
    });
    let reply = String::from_utf8_lossy(&server.take_output()).into_owned();
    assert!(reply.starts_with("451 4.3.0 "), "{reply}");
    let explained = std::iter::from_fn(|| server.poll_event()).any(|event| {
        event.explanation.contains("Too many open files")
            && event.explanation.contains("nothing of it was kept")
    });
    assert!(explained);
    assert_eq!(
        server.error_count(),
        0,
        "the server's failure is not the client's error"
    );
    let next = feed_unconfirmed(&mut server, b"MAIL FROM:<a@example.net>\r\n", Split::Whole);
    assert_eq!(
        codes(&next),
        ["250"],
        "the transaction was reset, the session goes on"
    );
}

#[test]
fn a_full_disk_answers_452() {
    let mut server = server(ServerConfig::default());
    feed_unconfirmed(
        &mut server,
        format!("{ENVELOPE}{MESSAGE}").as_bytes(),
        Split::Whole,
    );
    server.handle_stored(StoreOutcome::NoSpace {
        reason: "No space left on device".into(),
    });
    let reply = String::from_utf8_lossy(&server.take_output()).into_owned();
    assert!(reply.starts_with("452 4.3.1 "), "{reply}");
}

#[test]
fn an_outcome_with_no_message_waiting_changes_nothing() {
    let mut server = server(ServerConfig::default());
    server.handle_stored(StoreOutcome::Stored);
    assert!(server.take_output().is_empty());
    assert!(!server.is_awaiting_store());
}

#[test]
fn input_held_past_the_bound_closes_with_421_after_the_reply() {
    let mut server = server(ServerConfig::default());
    let mut input = format!("{ENVELOPE}{MESSAGE}").into_bytes();
    input.extend(b"NOOP\r\n".repeat(MAX_HELD_INPUT / 6 + 10));
    feed_unconfirmed(&mut server, &input, Split::Whole);
    server.handle_stored(StoreOutcome::Stored);
    let after = String::from_utf8_lossy(&server.take_output()).into_owned();
    let codes = codes(&after);
    assert_eq!(codes.first(), Some(&"250"));
    assert_eq!(codes.last(), Some(&"421"));
    assert_eq!(
        codes.len(),
        1 + MAX_HELD_INPUT / 6 + 1,
        "every whole held NOOP answered"
    );
    assert!(server.is_closed());
}

#[test]
fn copies_share_one_text() {
    let mut server = server(ServerConfig::default());
    let input = "EHLO c.example\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<b@example.org>\r\n\
                 RCPT TO:<c@example.org>\r\nRCPT TO:<d@example.org>\r\n";
    feed_unconfirmed(
        &mut server,
        format!("{input}{MESSAGE}").as_bytes(),
        Split::Whole,
    );
    let copies: Vec<_> = std::iter::from_fn(|| server.poll_delivery()).collect();
    assert_eq!(copies.len(), 3);
    let text = copies[0].message.parts()[1].as_ptr();
    assert!(copies.iter().all(|c| c.message.parts()[1].as_ptr() == text));
    assert!(copies[0]
        .message
        .to_vec()
        .starts_with(b"Received: from c.example"));
    assert_eq!(copies[0].headers, ["Received", "Subject"]);
}

#[test]
fn a_copy_serialises_as_one_latin1_string_of_the_whole_copy() {
    let mut server = server(ServerConfig::default());
    feed_unconfirmed(
        &mut server,
        format!("{ENVELOPE}{MESSAGE}").as_bytes(),
        Split::Whole,
    );
    let copy = server.poll_delivery().unwrap();
    let json = serde_json::to_value(&copy).unwrap();
    let octets: Vec<u8> = json["message"]
        .as_str()
        .unwrap()
        .chars()
        .map(|c| u8::try_from(c).unwrap())
        .collect();
    assert_eq!(octets, copy.message.to_vec());
    assert_eq!(octets.len(), copy.message.len());
}
