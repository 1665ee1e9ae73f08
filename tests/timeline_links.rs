//! The timeline's cause and effect, as the engines recorded it: every event that wrote
//! maps to a write and back, every line of every write maps to exactly one event, the
//! server's events name the client line they handled, and the notes, AUTH exchanges and
//! negotiation rows say what the page shows.

use esmtp_playground::links::{EventLink, LineRange, Write};
use esmtp_playground::loopback::{run, Direction, Scenario, Timeline, TimelineEntry};
use serde_json::json;

fn scenario(patch: serde_json::Value) -> Scenario {
    let mut value = serde_json::to_value(Scenario::default()).expect("the default serializes");
    merge(&mut value, patch);
    serde_json::from_value(value).expect("a valid scenario")
}

fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
    match (base, patch) {
        (serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
            for (key, value) in patch {
                merge(base.entry(key).or_insert(serde_json::Value::Null), value);
            }
        }
        (base, patch) => *base = patch,
    }
}

fn auth(mechanism: &str, password: &str) -> serde_json::Value {
    json!({ "client": { "auth": { "mechanism": mechanism, "user": "alice", "password": password } } })
}

/// `case` with a server that offers the SCRAM mechanisms beside its default ones.
fn offering_scram(mut case: serde_json::Value) -> serde_json::Value {
    case["server"] = json!({ "auth": { "mechanisms":
        ["PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"] } });
    case
}

fn three_recipients() -> serde_json::Value {
    json!({ "client": {
        "auth": { "mechanism": "PLAIN", "user": "alice", "password": "S3cret-pw" },
        "message": { "to": ["bob@example.org", "carol@example.org", "dave@example.org"] }
    } })
}

/// Runs of every shape: pipelined and lock-step, HELO, each AUTH mechanism, a failed
/// AUTH, several recipients.
fn runs() -> Vec<(&'static str, Timeline)> {
    let cases = [
        ("default", json!({})),
        ("three recipients", three_recipients()),
        ("lock-step", json!({ "client": { "pipelining": "off" } })),
        ("helo", json!({ "client": { "hello": "HELO" } })),
        ("plain", auth("PLAIN", "S3cret-pw")),
        ("login", auth("LOGIN", "S3cret-pw")),
        ("cram", auth("CRAM-MD5", "S3cret-pw")),
        ("digest", auth("DIGEST-MD5", "S3cret-pw")),
        ("wrong password", auth("PLAIN", "wrong")),
        (
            "relay denied",
            json!({ "client": { "message": { "to": ["someone@elsewhere.test"] } } }),
        ),
        (
            "raw lines",
            json!({ "client": { "rawLines": [
            { "after": "greeting", "line": "XYZZY" },
            { "after": "mail", "line": "NOOP" }
        ] } }),
        ),
        (
            "quit after mail",
            json!({ "client": { "quitAfter": "mail" } }),
        ),
        (
            "helo server",
            json!({ "server": { "ehloMode": "heloOnlyUnrecognized" } }),
        ),
    ];
    cases
        .into_iter()
        .map(|(name, patch)| (name, run(&scenario(patch)).expect("the scenario runs")))
        .collect()
}

fn write_lines<'a>(
    timeline: &'a Timeline,
    range: &LineRange,
) -> &'a [esmtp_playground::links::Line] {
    let write = &timeline.writes[range.write];
    &write.lines[range.first_line..=range.last_line]
}

fn octets(timeline: &Timeline, write: &Write) -> Vec<u8> {
    match &timeline.entries[write.entry] {
        TimelineEntry::Bytes { octets, .. } => octets.clone(),
        other => panic!("write {write:?} points at {other:?}"),
    }
}

#[test]
fn every_event_that_wrote_maps_to_its_lines_and_back() {
    for (name, timeline) in runs() {
        assert_eq!(timeline.links.len(), timeline.entries.len(), "{name}");
        let mut writers = 0;
        for (index, link) in timeline.links.iter().enumerate() {
            let Some(EventLink {
                wrote: Some(range), ..
            }) = link
            else {
                continue;
            };
            writers += 1;
            for line in write_lines(&timeline, range) {
                assert_eq!(line.event, Some(index), "{name}: line of entry {index}");
            }
        }
        let bytes = timeline
            .entries
            .iter()
            .filter(|e| matches!(e, TimelineEntry::Bytes { .. }))
            .count();
        assert_eq!(
            timeline.writes.len(),
            bytes,
            "{name}: one write per bytes entry"
        );
        assert!(writers >= bytes, "{name}: every write has a writer");
    }
}

#[test]
fn every_line_of_every_write_maps_to_exactly_one_event() {
    for (name, timeline) in runs() {
        for (w, write) in timeline.writes.iter().enumerate() {
            let octets = octets(&timeline, write);
            assert_eq!(write.lines.first().map(|l| l.start), Some(0), "{name}");
            assert_eq!(
                write.lines.last().map(|l| l.end),
                Some(octets.len()),
                "{name}"
            );
            for (l, line) in write.lines.iter().enumerate() {
                let event = line
                    .event
                    .unwrap_or_else(|| panic!("{name}: write {w} line {l} has no writer"));
                let range = timeline.links[event]
                    .and_then(|link| link.wrote)
                    .expect("the writer links back");
                assert_eq!(range.write, w, "{name}");
                assert!((range.first_line..=range.last_line).contains(&l), "{name}");
                let side_matches = matches!(
                    (&timeline.entries[event], write.direction),
                    (TimelineEntry::Client { .. }, Direction::ClientToServer)
                        | (TimelineEntry::Server { .. }, Direction::ServerToClient)
                );
                assert!(
                    side_matches,
                    "{name}: write {w} line {l} written by the other side"
                );
            }
        }
    }
}

#[test]
fn the_server_names_each_client_line_it_handled() {
    for (name, timeline) in runs() {
        for write in timeline
            .writes
            .iter()
            .filter(|w| w.direction == Direction::ClientToServer)
        {
            let last = write.lines.last().expect("a write has lines");
            assert!(
                !last.read_by.is_empty(),
                "{name}: the server read {write:?}"
            );
            for &reader in &last.read_by {
                assert!(matches!(
                    timeline.entries[reader],
                    TimelineEntry::Server { .. }
                ));
            }
        }
    }
}

#[test]
fn server_writes_are_answered_on_arrival_by_the_client() {
    let timeline = run(&Scenario::default()).unwrap();
    for write in timeline
        .writes
        .iter()
        .filter(|w| w.direction == Direction::ServerToClient)
    {
        assert!(!write.arrival.is_empty(), "{write:?}");
        for &event in &write.arrival {
            assert!(matches!(
                timeline.entries[event],
                TimelineEntry::Client { .. }
            ));
            assert_eq!(
                timeline.links[event].and_then(|l| l.arrival),
                Some(timeline.writes.iter().position(|w| w == write).unwrap())
            );
        }
    }
}

fn notes_of(timeline: &Timeline, starts_with: &str) -> Vec<String> {
    for write in &timeline.writes {
        let octets = octets(timeline, write);
        for line in &write.lines {
            if octets[line.start..line.end].starts_with(starts_with.as_bytes()) {
                return line
                    .notes
                    .iter()
                    .map(|n| format!("{} ({})", n.text, n.rfc))
                    .collect();
            }
        }
    }
    panic!("no line starts with {starts_with}");
}

#[test]
fn a_pipelined_group_says_which_command_each_line_is() {
    let timeline = run(&scenario(three_recipients())).unwrap();
    let group = timeline
        .writes
        .iter()
        .find(|w| w.label == "pipelined: 5 commands in one write")
        .expect("MAIL, 3 RCPT and DATA go in one write");
    assert_eq!(group.lines.len(), 5);
    let mail = notes_of(&timeline, "MAIL FROM:");
    assert!(
        mail[0].starts_with("First command of a pipelined group"),
        "{mail:?}"
    );
    assert!(
        mail.iter()
            .any(|n| n.contains("SIZE=") && n.contains("offered SIZE") && n.contains("RFC 1870")),
        "{mail:?}"
    );
    let rcpt = notes_of(&timeline, "RCPT TO:<carol");
    assert!(rcpt[0].starts_with("Command 3 of 5"), "{rcpt:?}");
    let replies = timeline
        .writes
        .iter()
        .find(|w| w.label == "5 replies in one write");
    assert!(replies.is_some(), "the answers come back together");
}

#[test]
fn each_ehlo_extension_line_explains_its_extension() {
    let timeline = run(&Scenario::default()).unwrap();
    let pipelining = notes_of(&timeline, "250-PIPELINING");
    assert!(
        pipelining[0].contains("without waiting") && pipelining[0].ends_with("(RFC 2920)"),
        "{pipelining:?}"
    );
    let size = notes_of(&timeline, "250-SIZE");
    assert!(
        size[0].contains("largest message") && size[0].contains("RFC 1870"),
        "{size:?}"
    );
    let first = notes_of(&timeline, "250-mx.example.org");
    assert!(
        first.iter().any(|n| n.contains("'-' after the code")),
        "{first:?}"
    );
    let extension_rows: Vec<&str> = timeline
        .writes
        .iter()
        .flat_map(|w| &w.lines)
        .flat_map(|l| &l.notes)
        .filter_map(|n| n.extension.as_deref())
        .collect();
    let offered: Vec<&str> = timeline
        .negotiation
        .iter()
        .map(|r| r.keyword.as_str())
        .collect();
    assert_eq!(
        extension_rows, offered,
        "each extension line names its negotiation row"
    );
}

#[test]
fn auth_exchanges_run_from_the_first_step_to_the_final_reply() {
    let ok = run(&scenario(auth("CRAM-MD5", "S3cret-pw"))).unwrap();
    assert_eq!(ok.auth_exchanges.len(), 1);
    let exchange = &ok.auth_exchanges[0];
    let outcome = exchange.outcome.as_ref().expect("it ended");
    assert!(
        outcome.ok && outcome.text == "alice authenticated with CRAM-MD5",
        "{outcome:?}"
    );
    assert!(exchange.steps.len() >= 2, "both sides traced");
    let has_side = |client: bool| {
        exchange
            .steps
            .iter()
            .any(|&s| matches!(ok.entries[s], TimelineEntry::Client { .. }) == client)
    };
    assert!(has_side(true) && has_side(false));

    let failed = run(&scenario(auth("PLAIN", "wrong"))).unwrap();
    let outcome = failed.auth_exchanges[0].outcome.as_ref().expect("it ended");
    assert!(
        !outcome.ok && outcome.text.starts_with("535 5.7.8"),
        "{outcome:?}"
    );
    assert!(run(&Scenario::default()).unwrap().auth_exchanges.is_empty());
}

#[test]
fn the_negotiation_says_what_the_client_did_with_each_offer() {
    let timeline = run(&scenario(auth("PLAIN", "S3cret-pw"))).unwrap();
    let row = |keyword: &str| {
        timeline
            .negotiation
            .iter()
            .find(|r| r.keyword == keyword)
            .unwrap_or_else(|| panic!("{keyword} offered"))
    };
    assert!(
        row("SIZE").client.starts_with("Used SIZE="),
        "{:?}",
        row("SIZE")
    );
    assert_eq!(row("SIZE").value, "10240000");
    assert!(
        row("AUTH").client.contains("AUTH PLAIN"),
        "{:?}",
        row("AUTH")
    );
    assert!(row("PIPELINING").explanation.contains("without waiting"));
    assert_eq!(row("8BITMIME").rfc, "RFC 6152");
    assert_eq!(
        timeline.negotiation_note, None,
        "a table with rows needs no note"
    );
    let helo = run(&scenario(json!({ "client": { "hello": "HELO" } }))).unwrap();
    assert!(helo.negotiation.is_empty());
    let note = helo.negotiation_note.expect("an empty table says why");
    assert!(note.text.contains("HELO"), "{note:?}");
    assert_eq!(note.rfc, "RFC 5321 §4.1.1.1");
}

#[test]
fn octets_cross_as_one_latin1_string() {
    let timeline = run(&Scenario::default()).unwrap();
    let json = serde_json::to_value(&timeline).unwrap();
    let first = &json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "bytes")
        .unwrap()["octets"];
    assert_eq!(
        first.as_str(),
        Some("220 mx.example.org ESMTP Playground\r\n")
    );
}

/// The trace entry an agreement points at, with the side of the event holding it.
fn value_at<'a>(
    timeline: &'a Timeline,
    steps: &[usize],
    (step, entry): (usize, usize),
) -> &'a esmtp_playground::sasl::trace::TraceEntry {
    let entries = match &timeline.entries[steps[step]] {
        TimelineEntry::Client { event } => match &event.kind {
            esmtp_playground::client::ClientEventKind::SaslTrace { entries, .. } => entries,
            other => panic!("not a trace: {other:?}"),
        },
        TimelineEntry::Server { event } => match &event.kind {
            esmtp_playground::server::ServerEventKind::SaslTrace { entries, .. } => entries,
            other => panic!("not a trace: {other:?}"),
        },
        other => panic!("not an engine event: {other:?}"),
    };
    &entries[entry]
}

/// SCRAM's values as RFC 5802 §3 names them are paired: each side derives them on its
/// own, and the AuthMessage (the exchange itself) is the same even with a wrong password.
fn assert_scram_pairs(agreements: &[(&str, bool)], matches: bool) {
    let same = |label: &str| {
        agreements
            .iter()
            .find(|(paired, _)| *paired == label)
            .unwrap_or_else(|| panic!("{label} not paired: {agreements:?}"))
            .1
    };
    for label in [
        "SaltedPassword",
        "ClientKey",
        "StoredKey",
        "ClientSignature",
        "ClientProof",
        "ServerKey",
        "ServerSignature",
    ] {
        assert_eq!(same(label), matches, "{label}");
    }
    assert!(same("AuthMessage"));
    assert!(
        same("client-final-message"),
        "the server read what the client sent"
    );
}

#[test]
fn agreements_pair_what_both_sides_computed_and_say_whether_it_matched() {
    use esmtp_playground::sasl::trace::Side;
    for mechanism in ["CRAM-MD5", "DIGEST-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"] {
        for (password, matches) in [("S3cret-pw", true), ("wrong", false)] {
            let timeline = run(&scenario(offering_scram(auth(mechanism, password)))).unwrap();
            let exchange = &timeline.auth_exchanges[0];
            assert!(
                !exchange.agreements.is_empty(),
                "{mechanism}: nothing paired"
            );
            for agreement in &exchange.agreements {
                let at = |value: &_| -> (usize, usize) {
                    let esmtp_playground::links::ValueAt { step, entry } = *value;
                    (step, entry)
                };
                let client = value_at(&timeline, &exchange.steps, at(&agreement.client));
                let server = value_at(&timeline, &exchange.steps, at(&agreement.server));
                assert_eq!((client.side, server.side), (Side::Client, Side::Server));
                assert_eq!(
                    (&client.label, &server.label),
                    (&agreement.label, &agreement.label)
                );
                assert_eq!(
                    agreement.same,
                    client.octets == server.octets,
                    "{mechanism} {}",
                    agreement.label
                );
            }
            if mechanism.starts_with("SCRAM") {
                let pairs: Vec<(&str, bool)> = exchange
                    .agreements
                    .iter()
                    .map(|agreement| (agreement.label.as_str(), agreement.same))
                    .collect();
                assert_scram_pairs(&pairs, matches);
            }
            let all_same = exchange.agreements.iter().all(|a| a.same);
            assert_eq!(
                all_same, matches,
                "{mechanism} with {password}: {:?}",
                exchange.agreements
            );
        }
    }
}
