//! The words the page shows for the world come from the engine: each world entry's
//! title and detail line, and each connection's kind label.

use esmtp_playground::world::{preset, run_world, ConnectionKind, WorldEntry};

/// `(event type tag, title, detail)` of every world entry.
fn rows(name: &str) -> Vec<(String, String, String)> {
    let timeline = run_world(&preset(name).unwrap()).unwrap();
    timeline
        .entries
        .iter()
        .filter_map(|entry| match entry {
            WorldEntry::World {
                event,
                title,
                detail,
                ..
            } => {
                let json = serde_json::to_value(event).unwrap();
                let tag = json["type"].as_str().unwrap_or_default().to_owned();
                Some((tag, title.clone(), detail.clone()))
            }
            _ => None,
        })
        .collect()
}

fn row(tag: &str, title: &str, detail: &str) -> (String, String, String) {
    (tag.into(), title.into(), detail.into())
}

#[test]
fn a_delayed_then_delivered_message_reads_as_retries_notices_and_a_notice_connection() {
    let rows = rows("dsn-delayed");
    for expected in [
        row(
            "retryScheduled",
            "Retry scheduled",
            "mail.example.net retries example.org at 09:30:00.360 (1 failed so far)",
        ),
        row(
            "clockAdvanced",
            "The clock jumps 30 min 00 s",
            "09:00:00.360 → 09:30:00.360",
        ),
        row(
            "notificationWritten",
            "Delivery status notification",
            "mail.example.net → alice@example.net: delayed for bob@example.org",
        ),
        row(
            "noticeFiled",
            "Notice filed",
            "to alice@example.net (mailbox) at mail.example.net",
        ),
        row("hostStateChanged", "Host state", "mx.example.org: up"),
        row(
            "routeChosen",
            "Exchangers in order",
            "mail.example.net: 10 mx.example.org (192.0.2.30)",
        ),
        row(
            "notificationWritten",
            "Delivery status notification",
            "mx.example.org → alice@example.net: delivered for bob@example.org",
        ),
    ] {
        assert!(rows.contains(&expected), "{expected:?} not in {rows:#?}");
    }
    assert!(rows.iter().all(|(tag, _, _)| tag != "bounceFiled"));
    let timeline = run_world(&preset("dsn-delayed").unwrap()).unwrap();
    let kinds: Vec<(ConnectionKind, &str)> = timeline
        .connections
        .iter()
        .map(|c| (c.kind, c.kind_label))
        .collect();
    assert_eq!(
        kinds,
        [
            (ConnectionKind::Smtp, "SMTP"),
            (ConnectionKind::Relay, "RELAY"),
            (ConnectionKind::Notice, "NOTICE"),
        ],
        "the connection that carries the 'delivered' notice back is a notice, not a bounce"
    );
}

#[test]
fn relay_checks_and_windows_read_with_the_page_clock() {
    let rows = rows("pop-before-smtp");
    let titles: Vec<&str> = rows.iter().map(|(_, title, _)| title.as_str()).collect();
    assert!(titles.contains(&"Relay denied") && titles.contains(&"Relay allowed"));
    assert!(rows.contains(&row(
        "relayWindowOpened",
        "Relay window opens",
        "198.51.100.77 may relay until 09:30:00.720"
    )));
    assert!(rows.contains(&row(
        "clockAdvanced",
        "The clock jumps 31 min 00 s",
        "09:00:01.440 → 09:31:01.440"
    )));
    assert!(rows.contains(&row(
        "connectionOpened",
        "Connection opens",
        "laptop.example.net → mail.isp.example"
    )));
    assert!(rows.contains(&row("connectionClosed", "Connection closes", "")));
}

#[test]
fn lookups_and_routes_name_the_question_and_the_order() {
    let rows = rows("mx-dead-primary");
    assert!(rows.contains(&row(
        "dnsLookup",
        "DNS: MX? example.org",
        "mail.example.net asks; answer: 10 mx1.example.org, 20 mx2.example.org"
    )));
    assert!(rows.contains(&row(
        "routeChosen",
        "Exchangers in order",
        "mail.example.net: 10 mx1.example.org (192.0.2.10) → 20 mx2.example.org (192.0.2.20)"
    )));
    assert!(rows.contains(&row(
        "connectionRefused",
        "Connection refused",
        "mail.example.net → mx1.example.org (192.0.2.10): refused"
    )));
}

#[test]
fn every_world_entry_has_a_title_and_every_connection_a_label() {
    for info in esmtp_playground::world::presets() {
        let timeline = run_world(&preset(&info.name).unwrap()).unwrap();
        for entry in &timeline.entries {
            if let WorldEntry::World { title, .. } = entry {
                assert!(!title.is_empty(), "{}: {entry:?}", info.name);
            }
        }
        for connection in &timeline.connections {
            assert_eq!(connection.kind_label, connection.kind.label());
        }
    }
}
