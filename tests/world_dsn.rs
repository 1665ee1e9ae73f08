//! DSN in the world: a relay refused for good turns into an RFC 3464 bounce in the
//! sender's mailbox, delivered over a new connection from <>; NOTIFY=SUCCESS to a host
//! without DSN gives a "relayed" notice; NOTIFY=NEVER gets nothing, and a notice for a
//! domain no host serves stays in the reporting host's queue.

mod world_support;

use esmtp_playground::dsn::{Action, Notify};
use esmtp_playground::world::{
    preset, run_world, ConnectionKind, WorldEvent, WorldScenario, WorldStep,
};
use world_support::{final_replies, lines_from, world_events};

const ISP: &str = "mx.isp.example";
const CUSTOMER: &str = "mail.dialup.example";
const SENDER: &str = "mail.example.net";

/// A message's header field, unfolded, or its parts split on the boundary.
fn field<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let head = text.split("\r\n\r\n").next()?;
    head.split("\r\n")
        .find_map(|line| line.strip_prefix(&format!("{name}: ")))
}

#[test]
fn refused_relay_bounces_to_the_sender_and_success_to_a_non_dsn_host_is_relayed() {
    let timeline = run_world(&preset("dsn-bounce").unwrap()).unwrap();
    assert!(!timeline.truncated);
    let kinds: Vec<ConnectionKind> = timeline.connections.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [
            ConnectionKind::Smtp,
            ConnectionKind::Smtp,
            ConnectionKind::Smtp,
            ConnectionKind::Flush,
            ConnectionKind::Notice
        ]
    );
    let flush_replies = final_replies(&timeline, 4, CUSTOMER);
    assert!(
        flush_replies.iter().any(|r| r.starts_with("552 5.3.4")),
        "{flush_replies:?}"
    );
    let bounce = &timeline.connections[4];
    assert_eq!((bounce.from.as_str(), bounce.to.as_str()), (ISP, SENDER));
    assert_eq!(bounce.triggered_by, Some(4));
    let sent = lines_from(&timeline, 5, ISP);
    assert!(
        sent.iter().any(|l| l.starts_with("MAIL FROM:<>")),
        "{sent:?}"
    );

    let notices: Vec<(Action, Vec<String>)> = world_events(&timeline)
        .into_iter()
        .filter_map(|(event, _)| match event {
            WorldEvent::NotificationWritten {
                action, recipients, ..
            } => Some((action, recipients)),
            _ => None,
        })
        .collect();
    assert_eq!(
        notices,
        [
            (Action::Failed, vec!["bob@dialup.example".to_owned()]),
            (Action::Relayed, vec!["carol@dialup.example".to_owned()]),
        ]
    );

    let isp = timeline.mailstore(ISP);
    assert!(
        isp.queued_for("dialup.example").is_empty(),
        "bounced, not requeued"
    );
    let mailbox = timeline
        .mailstore(SENDER)
        .mailbox("alice@example.net")
        .to_vec();
    assert_eq!(mailbox.len(), 2);
    let failed = &mailbox[0];
    assert_eq!(failed.envelope_from, "<>");
    let text = &failed.text;
    assert_eq!(
        field(text, "Subject"),
        Some("Undelivered Mail Returned to Sender")
    );
    assert!(
        text.contains("Content-Type: message/delivery-status\r\n"),
        "{text}"
    );
    assert!(text.contains("Original-Envelope-Id: Q4-report-7\r\n"));
    assert!(
        text.contains(
            "Final-Recipient: rfc822; bob@dialup.example\r\nAction: failed\r\nStatus: 5.3.4\r\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("Remote-MTA: dns; mail.dialup.example\r\nDiagnostic-Code: smtp; 552 5.3.4 ")
    );
    assert!(
        text.contains("Content-Type: text/rfc822-headers\r\n"),
        "RET=HDRS"
    );
    assert!(
        !text.contains("Report line: all figures"),
        "no body returned"
    );
    assert!(text.contains("Subject: Quarterly report\r\n"));

    let relayed = &mailbox[1].text;
    assert_eq!(
        field(relayed, "Subject"),
        Some("Relayed Mail Delivery Report")
    );
    assert!(relayed.contains("Original-Recipient: rfc822; carol@dialup.example\r\nAction: relayed\r\nStatus: 2.0.0\r\n"), "{relayed}");
    assert!(relayed.contains("Original-Envelope-Id: note-8\r\n"));
    assert_eq!(
        timeline
            .mailstore(CUSTOMER)
            .mailbox("carol@dialup.example")
            .len(),
        1
    );
}

fn with_notify(notify: Option<Notify>, from: &str) -> WorldScenario {
    let mut scenario = preset("dsn-bounce").unwrap();
    for step in &mut scenario.steps {
        if let WorldStep::Smtp { client, .. } = step {
            client.dsn.notify = notify;
            client.message.from = from.into();
        }
    }
    scenario
}

#[test]
fn never_and_null_senders_get_no_notice_and_the_refused_copy_still_leaves_the_queue() {
    for scenario in [
        with_notify(Some(Notify::Never), "alice@example.net"),
        with_notify(None, "alice@nowhere.example"),
    ] {
        let timeline = run_world(&scenario).unwrap();
        let written = world_events(&timeline)
            .into_iter()
            .filter(|(event, _)| matches!(event, WorldEvent::NotificationWritten { .. }))
            .count();
        let bounces = timeline
            .connections
            .iter()
            .filter(|c| c.kind == ConnectionKind::Notice)
            .count();
        assert_eq!(bounces, 0);
        assert!(timeline
            .mailstore(SENDER)
            .mailbox("alice@example.net")
            .is_empty());
        assert!(timeline
            .mailstore(ISP)
            .queued_for("dialup.example")
            .is_empty());
        if scenario.steps.iter().any(|s| matches!(s, WorldStep::Smtp { client, .. } if client.message.from.ends_with("nowhere.example"))) {
            assert_eq!(written, 1, "written, but no server takes mail for nowhere.example");
            assert_eq!(timeline.mailstore(ISP).queued_for("nowhere.example").len(), 1);
        } else {
            assert_eq!(written, 0);
        }
    }
}

#[test]
fn notify_success_at_the_final_host_gives_a_delivered_report() {
    let mut scenario = preset("dsn-bounce").unwrap();
    for host in &mut scenario.hosts {
        if let Some(config) = host.smtp.as_mut() {
            config.extensions.dsn = true;
            config.max_message_size = None;
        }
    }
    scenario.steps.retain(
        |step| matches!(step, WorldStep::Smtp { client, .. } if client.dsn.notify.is_some()),
    );
    if let Some(WorldStep::Smtp { to, .. }) = scenario.steps.first_mut() {
        *to = CUSTOMER.into();
    }
    let timeline = run_world(&scenario).unwrap();
    let kinds: Vec<ConnectionKind> = timeline.connections.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ConnectionKind::Smtp, ConnectionKind::Notice]);
    let bounce = &timeline.connections[1];
    assert_eq!(
        (bounce.from.as_str(), bounce.to.as_str()),
        (CUSTOMER, SENDER)
    );
    let mailbox = timeline
        .mailstore(SENDER)
        .mailbox("alice@example.net")
        .to_vec();
    assert_eq!(mailbox.len(), 1);
    let text = &mailbox[0].text;
    assert_eq!(
        field(text, "Subject"),
        Some("Successful Mail Delivery Report")
    );
    assert!(
        text.contains("Action: delivered\r\nStatus: 2.0.0\r\n"),
        "{text}"
    );
    assert!(
        !text.contains("Remote-MTA:"),
        "delivered here, no remote host"
    );
    assert_eq!(
        timeline.mailstore(CUSTOMER).mailbox("carol@dialup.example")[0]
            .dsn
            .rcpt
            .orcpt,
        Some(esmtp_playground::dsn::OriginalRecipient::rfc822(
            "carol@dialup.example"
        ))
    );
}

#[test]
fn mx_delivery_reports_through_the_same_path_relayed_to_an_exchanger_without_dsn() {
    let mut scenario = preset("implicit-mx").unwrap();
    for host in &mut scenario.hosts {
        if host.name == SENDER {
            if let Some(config) = host.smtp.as_mut() {
                config.extensions.dsn = true;
            }
        }
    }
    for step in &mut scenario.steps {
        if let WorldStep::Smtp { client, .. } = step {
            client.dsn.notify = Some(Notify::On {
                success: true,
                failure: true,
                delay: false,
            });
        }
    }
    let timeline = run_world(&scenario).unwrap();
    assert_eq!(
        timeline
            .mailstore("plain.example")
            .mailbox("carol@plain.example")
            .len(),
        1
    );
    let written: Vec<(String, Action)> = world_events(&timeline)
        .into_iter()
        .filter_map(|(event, _)| match event {
            WorldEvent::NotificationWritten { host, action, .. } => Some((host, action)),
            _ => None,
        })
        .collect();
    assert_eq!(written, [(SENDER.to_owned(), Action::Relayed)]);
    let mailbox = timeline
        .mailstore(SENDER)
        .mailbox("alice@example.net")
        .to_vec();
    assert_eq!(mailbox.len(), 1, "filed in Alice's mailbox at her provider");
    let text = &mailbox[0].text;
    assert_eq!(field(text, "Subject"), Some("Relayed Mail Delivery Report"));
    assert!(
        text.contains("Action: relayed\r\nStatus: 2.0.0\r\nRemote-MTA: dns; plain.example\r\n"),
        "{text}"
    );
}

/// The (action, recipients) of every notice written, in order.
fn notices_written(timeline: &esmtp_playground::world::WorldTimeline) -> Vec<(Action, String)> {
    world_events(timeline)
        .into_iter()
        .filter_map(|(event, _)| match event {
            WorldEvent::NotificationWritten { action, host, .. } => Some((action, host)),
            _ => None,
        })
        .collect()
}

#[test]
fn mail_queued_past_the_warning_time_gets_one_delayed_notice_then_the_delivered_one() {
    let timeline = run_world(&preset("dsn-delayed").unwrap()).unwrap();
    assert!(!timeline.truncated);
    assert_eq!(
        notices_written(&timeline),
        [
            (Action::Delayed, SENDER.to_owned()),
            (Action::Delivered, "mx.example.org".to_owned())
        ],
        "one warning however many retries follow it"
    );
    let (at, explanation, rfc) = timeline
        .entries
        .iter()
        .find_map(|entry| match entry {
            esmtp_playground::world::WorldEntry::World {
                at,
                event: WorldEvent::NotificationWritten { .. },
                explanation,
                rfc,
                ..
            } => Some((*at, explanation.clone(), *rfc)),
            _ => None,
        })
        .unwrap();
    assert_eq!(*rfc, *"RFC 3464 §2.3.3");
    assert!(explanation.contains("delay warning"), "{explanation}");
    let mailbox = timeline
        .mailstore(SENDER)
        .mailbox("alice@example.net")
        .to_vec();
    assert_eq!(mailbox.len(), 2, "{mailbox:#?}");
    let delayed = &mailbox[0];
    assert!(at - delayed.arrived_at < 1000);
    let submitted = timeline.connections[0].opened_at;
    assert!(
        at - submitted >= 4 * 3_600_000,
        "not before the warning time"
    );
    assert!(
        at - submitted < 4 * 3_600_000 + 30 * 60_000,
        "at the first retry after it"
    );
    let text = &delayed.text;
    assert_eq!(delayed.envelope_from, "<>");
    assert_eq!(
        field(text, "Subject"),
        Some("Delayed Mail (still being retried)")
    );
    assert!(
        text.contains("Action: delayed\r\nStatus: 4.4.1\r\n"),
        "{text}"
    );
    assert!(text.contains("Will-Retry-Until: "), "{text}");
    assert!(text.contains("Original-Envelope-Id: board-42\r\n"));
    assert!(text.contains("Content-Type: text/rfc822-headers\r\n"));
    assert!(!text.contains("the board meeting moves"), "headers only");
    let delivered = &mailbox[1].text;
    assert_eq!(
        field(delivered, "Subject"),
        Some("Successful Mail Delivery Report")
    );
    assert_eq!(
        timeline
            .mailstore("mx.example.org")
            .mailbox("bob@example.org")
            .len(),
        1
    );
}

#[test]
fn no_delay_notice_without_delay_in_notify_or_with_the_warning_off() {
    let mut without_delay = preset("dsn-delayed").unwrap();
    for step in &mut without_delay.steps {
        if let WorldStep::Smtp { client, .. } = step {
            client.dsn.notify = Some(Notify::On {
                success: true,
                failure: true,
                delay: false,
            });
        }
    }
    let mut warning_off = preset("dsn-delayed").unwrap();
    warning_off.delay_warning_ms = 0;
    for scenario in [without_delay, warning_off] {
        let timeline = run_world(&scenario).unwrap();
        assert_eq!(
            notices_written(&timeline),
            [(Action::Delivered, "mx.example.org".to_owned())]
        );
    }
    let mut no_notify = preset("dsn-delayed").unwrap();
    for step in &mut no_notify.steps {
        if let WorldStep::Smtp { client, .. } = step {
            client.dsn.notify = None;
        }
    }
    let timeline = run_world(&no_notify).unwrap();
    assert_eq!(
        notices_written(&timeline),
        [(Action::Delayed, SENDER.to_owned())],
        "no NOTIFY= counts as FAILURE,DELAY; no success notice asked"
    );
}

#[test]
fn a_delay_notice_quotes_the_last_4xx_received() {
    // mx1 refuses the connection, then mx2 answers 452 4.3.1 after the text: the last
    // temporary failure of the round is the one the notice reports.
    let mut scenario = preset("mx-dead-primary").unwrap();
    scenario.delay_warning_ms = 1;
    let timeline = run_world(&scenario).unwrap();
    assert_eq!(
        notices_written(&timeline),
        [(Action::Delayed, SENDER.to_owned())]
    );
    let mailbox = timeline
        .mailstore(SENDER)
        .mailbox("alice@example.net")
        .to_vec();
    let text = &mailbox[0].text;
    assert!(
        text.contains("Action: delayed\r\nStatus: 4.3.1\r\nDiagnostic-Code: smtp; 452 4.3.1 "),
        "{text}"
    );
}
