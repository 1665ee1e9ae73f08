//! MX routing in the world (RFC 5321 §5.1, RFC 7505): preference order, fallback on a
//! refused connection or a 4xx, the rule that an exchanger never hands mail to an equal
//! or less preferred one, the seeded order of equal preferences, CNAMEs, implicit MX,
//! null MX, NXDOMAIN, retries on the world clock and giving up.

mod world_support;

use esmtp_playground::client::{ClientSpec, MessageSpec};
use esmtp_playground::server::ServerConfig;
use esmtp_playground::world::dns::{
    ARecord, Answer, CnameRecord, DnsZone, HostAvailability, HostState, MxRecord, QueryType,
};
use esmtp_playground::world::{
    preset, run_world, ConnectionKind, HostSpec, WorldEntry, WorldEvent, WorldScenario, WorldStep,
    WorldTimeline,
};
use world_support::{final_replies, world_events};

const SENDER: &str = "mail.example.net";
const PC: &str = "pc.example.net";

fn mx(name: &str, preference: u16, exchange: &str) -> MxRecord {
    MxRecord {
        name: name.into(),
        preference,
        exchange: exchange.into(),
    }
}

fn a(name: &str, address: &str) -> ARecord {
    ARecord {
        name: name.into(),
        address: address.into(),
    }
}

fn host(name: &str, address: &str, local: &[&str]) -> HostSpec {
    HostSpec {
        name: name.into(),
        address: address.into(),
        smtp: Some(ServerConfig {
            hostname: name.into(),
            local_domains: local.iter().map(|d| (*d).to_owned()).collect(),
            trusted_clients: vec!["198.51.100.40".into()],
            ..ServerConfig::default()
        }),
        ..HostSpec::default()
    }
}

/// Alice's PC, her provider's MTA and `others`; the PC submits one message for `to`,
/// then the MTA delivers its queue.
fn world(others: Vec<HostSpec>, dns: DnsZone, to: &str) -> WorldScenario {
    let mut hosts = vec![
        HostSpec {
            name: PC.into(),
            address: "198.51.100.40".into(),
            ..HostSpec::default()
        },
        host(SENDER, "198.51.100.5", &["example.net"]),
    ];
    hosts.extend(others);
    WorldScenario {
        hosts,
        dns,
        steps: vec![
            WorldStep::Smtp {
                from: PC.into(),
                to: SENDER.into(),
                client: Box::new(ClientSpec {
                    message: MessageSpec {
                        from: "alice@example.net".into(),
                        to: vec![to.into()],
                        subject: "Hello".into(),
                        body: "Hi.\n".into(),
                        ..MessageSpec::default()
                    },
                    ..ClientSpec::default()
                }),
                purpose: String::new(),
            },
            deliver(),
        ],
        ..WorldScenario::default()
    }
}

fn deliver() -> WorldStep {
    WorldStep::Deliver {
        from: SENDER.into(),
        domains: Vec::new(),
        purpose: String::new(),
    }
}

fn down(host: &str, state: HostState) -> HostAvailability {
    HostAvailability {
        host: host.into(),
        state,
    }
}

/// `(from, to)` of every connection after the submission.
fn relays(timeline: &WorldTimeline) -> Vec<(String, String)> {
    timeline
        .connections
        .iter()
        .filter(|c| c.kind != ConnectionKind::Smtp)
        .map(|c| (c.from.clone(), c.to.clone()))
        .collect()
}

fn orders(timeline: &WorldTimeline) -> Vec<Vec<String>> {
    world_events(timeline)
        .into_iter()
        .filter_map(|(event, _)| match event {
            WorldEvent::RouteChosen { order, .. } => {
                Some(order.into_iter().map(|c| c.exchange).collect())
            }
            _ => None,
        })
        .collect()
}

fn bounces(timeline: &WorldTimeline) -> Vec<(Vec<String>, String, String)> {
    world_events(timeline)
        .into_iter()
        .filter_map(|(event, explanation)| match event {
            WorldEvent::Bounced {
                recipients, status, ..
            } => Some((recipients, status, explanation)),
            _ => None,
        })
        .collect()
}

fn refused(timeline: &WorldTimeline) -> Vec<String> {
    world_events(timeline)
        .into_iter()
        .filter_map(|(event, _)| match event {
            WorldEvent::ConnectionRefused { to, .. } => Some(to),
            _ => None,
        })
        .collect()
}

fn lookups(timeline: &WorldTimeline) -> Vec<(String, QueryType, Answer)> {
    world_events(timeline)
        .into_iter()
        .filter_map(|(event, _)| match event {
            WorldEvent::DnsLookup {
                name,
                query,
                answer,
                ..
            } => Some((name, query, answer)),
            _ => None,
        })
        .collect()
}

fn three_exchangers(preferences: [u16; 3]) -> WorldScenario {
    let names = ["mx-a.example.org", "mx-b.example.org", "mx-c.example.org"];
    let addresses = ["192.0.2.1", "192.0.2.2", "192.0.2.3"];
    world(
        names
            .iter()
            .zip(addresses)
            .map(|(n, addr)| host(n, addr, &["example.org"]))
            .collect(),
        DnsZone {
            mx: names
                .iter()
                .zip(preferences)
                .map(|(n, p)| mx("example.org", p, n))
                .collect(),
            a: names
                .iter()
                .zip(addresses)
                .map(|(n, addr)| a(n, addr))
                .collect(),
            ..DnsZone::default()
        },
        "bob@example.org",
    )
}

#[test]
fn exchangers_are_tried_lowest_preference_first() {
    let timeline = run_world(&three_exchangers([30, 10, 20])).unwrap();
    assert_eq!(
        orders(&timeline),
        [["mx-b.example.org", "mx-c.example.org", "mx-a.example.org"]]
    );
    assert_eq!(
        relays(&timeline),
        [(SENDER.to_owned(), "mx-b.example.org".to_owned())]
    );
    assert_eq!(
        timeline
            .mailstore("mx-b.example.org")
            .mailbox("bob@example.org")
            .len(),
        1
    );
}

#[test]
fn equal_preferences_are_ordered_by_the_seed() {
    let mut firsts = Vec::new();
    for seed in 0..24 {
        let mut scenario = three_exchangers([10, 10, 20]);
        scenario.seed = seed;
        let order = orders(&run_world(&scenario).unwrap()).remove(0);
        assert_eq!(order[2], "mx-c.example.org", "the 20 stays last");
        assert_eq!(
            orders(&run_world(&scenario).unwrap()).remove(0),
            order,
            "the same seed gives the same order"
        );
        firsts.push(order[0].clone());
    }
    assert!(firsts.iter().any(|f| f == "mx-a.example.org"), "{firsts:?}");
    assert!(firsts.iter().any(|f| f == "mx-b.example.org"), "{firsts:?}");
    let timeline = run_world(&three_exchangers([10, 10, 20])).unwrap();
    assert!(world_events(&timeline)
        .iter()
        .any(
            |(event, explanation)| matches!(event, WorldEvent::RouteChosen { .. })
                && explanation.contains("random order")
        ));
}

#[test]
fn a_refused_connection_and_a_4xx_move_on_then_a_retry_delivers() {
    let timeline = run_world(&preset("mx-dead-primary").unwrap()).unwrap();
    assert!(!timeline.truncated);
    // First round: mx1 refused, mx2 452; second round, 30 minutes later: mx1 refused,
    // mx2 takes it. The primary never gets a connection.
    assert_eq!(refused(&timeline), ["mx1.example.org", "mx1.example.org"]);
    let mx2 = "mx2.example.org".to_owned();
    assert_eq!(
        relays(&timeline),
        [(SENDER.to_owned(), mx2.clone()), (SENDER.to_owned(), mx2)]
    );
    assert!(final_replies(&timeline, 2, "mx2.example.org")
        .iter()
        .any(|l| l.starts_with("452 4.3.1")));
    let retry = world_events(&timeline)
        .into_iter()
        .find_map(|(event, _)| match event {
            WorldEvent::RetryScheduled { at, attempts, .. } => Some((at, attempts)),
            _ => None,
        })
        .expect("a retry is scheduled");
    assert_eq!(retry.1, 1);
    assert_eq!(timeline.connections[2].opened_at, retry.0);
    assert_eq!(retry.0 - timeline.connections[1].closed_at, 30 * 60_000);
    let stores = timeline.mailstore("mx2.example.org");
    assert_eq!(stores.mailbox("bob@example.org").len(), 1);
    assert!(timeline.mailstore(SENDER).outbound.is_empty());
}

#[test]
fn an_exchanger_never_relays_to_an_equal_or_less_preferred_one() {
    let timeline = run_world(&preset("mx-backup-etrn").unwrap()).unwrap();
    let orders = orders(&timeline);
    assert_eq!(
        orders[0],
        ["mail.dialup.example", "mx.isp.example"],
        "the outside sender may use both"
    );
    for order in &orders[1..] {
        assert_eq!(
            order,
            &["mail.dialup.example"],
            "the ISP (MX 20) drops itself"
        );
    }
    let from_isp: Vec<_> = relays(&timeline)
        .into_iter()
        .filter(|(from, _)| from == "mx.isp.example")
        .collect();
    assert_eq!(
        from_isp,
        [(
            "mx.isp.example".to_owned(),
            "mail.dialup.example".to_owned()
        )],
        "only the flush after ETRN connects"
    );
    let flush = timeline.connections.last().unwrap();
    assert_eq!(flush.kind, ConnectionKind::Flush);
    assert_eq!(flush.triggered_by, Some(flush.id - 1));
    assert_eq!(
        timeline
            .mailstore("mail.dialup.example")
            .mailbox("bob@dialup.example")
            .len(),
        1
    );
    assert!(timeline.mailstore("mx.isp.example").outbound.is_empty());
}

#[test]
fn the_most_preferred_exchanger_that_does_not_deliver_bounces_a_loop() {
    let isp = "mx.isp.example";
    let mut scenario = world(
        Vec::new(),
        DnsZone {
            mx: vec![mx("example.org", 10, SENDER), mx("example.org", 20, isp)],
            a: vec![a(SENDER, "198.51.100.5"), a(isp, "192.0.2.25")],
            ..DnsZone::default()
        },
        "bob@example.org",
    );
    scenario
        .hosts
        .push(host(isp, "192.0.2.25", &["example.org"]));
    let timeline = run_world(&scenario).unwrap();
    assert!(relays(&timeline).is_empty());
    let bounces = bounces(&timeline);
    assert_eq!(bounces.len(), 1);
    assert_eq!(bounces[0].1, "5.4.6");
    assert!(bounces[0].2.contains("most preferred"), "{}", bounces[0].2);
}

#[test]
fn a_cname_is_followed_to_the_canonical_domain() {
    let scenario = world(
        vec![host(
            "mx.example.org",
            "192.0.2.10",
            &["example.org", "alias.example"],
        )],
        DnsZone {
            mx: vec![mx("example.org", 10, "mx.example.org")],
            a: vec![a("mx.example.org", "192.0.2.10")],
            cname: vec![CnameRecord {
                name: "alias.example".into(),
                target: "example.org".into(),
            }],
            ..DnsZone::default()
        },
        "bob@alias.example",
    );
    let timeline = run_world(&scenario).unwrap();
    let asked = lookups(&timeline);
    assert_eq!(asked[0].0, "alias.example");
    assert_eq!(
        asked[0].2,
        Answer::Cname {
            target: "example.org".into()
        }
    );
    assert_eq!(
        (asked[1].0.as_str(), asked[1].1),
        ("example.org", QueryType::Mx)
    );
    assert_eq!(
        relays(&timeline),
        [(SENDER.to_owned(), "mx.example.org".to_owned())]
    );
    assert_eq!(
        timeline
            .mailstore("mx.example.org")
            .mailbox("bob@alias.example")
            .len(),
        1
    );
}

#[test]
fn without_mx_the_address_is_an_implicit_mx() {
    let timeline = run_world(&preset("implicit-mx").unwrap()).unwrap();
    let asked = lookups(&timeline);
    assert_eq!(asked[0].2, Answer::NoData);
    assert_eq!(asked[1].1, QueryType::A);
    assert_eq!(asked.len(), 2, "the address is asked once: {asked:?}");
    assert_eq!(orders(&timeline), [["plain.example"]]);
    assert!(world_events(&timeline)
        .iter()
        .any(|(event, explanation)| matches!(
            event,
            WorldEvent::RouteChosen { order, .. } if order[0].preference == 0
        ) && explanation.contains("implicit MX")));
    assert_eq!(
        timeline
            .mailstore("plain.example")
            .mailbox("carol@plain.example")
            .len(),
        1
    );
}

#[test]
fn a_null_mx_bounces_at_once_with_556_5_1_10() {
    let timeline = run_world(&preset("null-mx").unwrap()).unwrap();
    assert!(relays(&timeline).is_empty(), "no connection is tried");
    assert!(refused(&timeline).is_empty());
    let bounces = bounces(&timeline);
    assert_eq!(bounces.len(), 1);
    assert_eq!(bounces[0].0, ["info@nomail.example"]);
    assert_eq!(bounces[0].1, "5.1.10");
    let reply = world_events(&timeline)
        .into_iter()
        .find_map(|(event, _)| match event {
            WorldEvent::Bounced { reply, .. } => Some(reply),
            _ => None,
        })
        .unwrap();
    assert!(reply.starts_with("556 5.1.10 "), "{reply}");
    assert!(timeline.mailstore(SENDER).outbound.is_empty());
    let report = only_report(&timeline);
    assert!(report.contains("Final-Recipient: rfc822; info@nomail.example"));
    assert!(report.contains("Action: failed"));
    assert!(report.contains("Status: 5.1.10"));
    assert!(report.contains("Diagnostic-Code: smtp; 556 5.1.10 "));
}

/// The one delivery status notification in Alice's mailbox at her provider.
fn only_report(timeline: &WorldTimeline) -> String {
    let store = timeline.mailstore(SENDER);
    let mailbox = store.mailbox("alice@example.net");
    assert_eq!(mailbox.len(), 1, "one bounce for Alice");
    let report = &mailbox[0];
    assert_eq!(
        report.envelope_from, "<>",
        "a bounce comes from the null sender"
    );
    assert!(report
        .text
        .contains("multipart/report; report-type=delivery-status"));
    assert!(world_events(timeline)
        .iter()
        .any(|(event, _)| matches!(event, WorldEvent::NoticeFiled { mailbox: true, .. })));
    report.text.clone()
}

#[test]
fn no_such_domain_bounces_without_retry() {
    let timeline = run_world(&preset("nxdomain").unwrap()).unwrap();
    assert_eq!(lookups(&timeline)[0].2, Answer::NxDomain);
    assert!(relays(&timeline).is_empty());
    let bounces = bounces(&timeline);
    assert_eq!(bounces.len(), 1);
    assert_eq!(bounces[0].1, "5.1.2");
    let report = only_report(&timeline);
    assert!(report.contains("Status: 5.1.2"));
    assert!(report.contains("Final-Recipient: rfc822; bob@exmaple.org"));
    assert!(!world_events(&timeline)
        .iter()
        .any(|(event, _)| matches!(event, WorldEvent::RetryScheduled { .. })));
}

#[test]
fn a_permanent_refusal_bounces_and_the_next_exchanger_is_not_tried() {
    // mx-a does not take mail for example.org (relay denied, 550 5.7.1).
    let mut scenario = three_exchangers([10, 20, 30]);
    if let Some(config) = scenario.hosts[2].smtp.as_mut() {
        config.local_domains = vec!["elsewhere.example".into()];
    }
    let timeline = run_world(&scenario).unwrap();
    assert_eq!(
        relays(&timeline),
        [(SENDER.to_owned(), "mx-a.example.org".to_owned())]
    );
    let bounces = bounces(&timeline);
    assert_eq!(bounces.len(), 1);
    assert_eq!(bounces[0].1, "5.7.1");
    let report = only_report(&timeline);
    assert!(
        report.contains("Remote-MTA: dns; mx-a.example.org"),
        "{report}"
    );
    assert!(
        report.contains("Diagnostic-Code: smtp; 550 5.7.1 "),
        "{report}"
    );
}

#[test]
fn a_5xx_after_the_message_text_bounces_at_once_without_fallback_or_retry() {
    // mx-a takes messages of at most 64 octets and does not announce it (no SIZE), so
    // it refuses this one after the dot with 552 5.3.4.
    let mut scenario = three_exchangers([10, 20, 30]);
    if let Some(config) = scenario.hosts[2].smtp.as_mut() {
        config.extensions.size = false;
        config.max_message_size = Some(64);
    }
    scenario.steps.push(WorldStep::Wait {
        ms: 2 * 3_600_000,
        reason: "two hours".into(),
    });
    let timeline = run_world(&scenario).unwrap();
    assert!(final_replies(&timeline, 2, "mx-a.example.org")
        .iter()
        .any(|l| l.starts_with("552 5.3.4")));
    assert_eq!(
        relays(&timeline),
        [(SENDER.to_owned(), "mx-a.example.org".to_owned())],
        "no other exchanger is tried after a 5xx"
    );
    let bounces = bounces(&timeline);
    assert_eq!(bounces.len(), 1);
    assert_eq!(bounces[0].1, "5.3.4");
    assert!(!world_events(&timeline)
        .iter()
        .any(|(event, _)| matches!(event, WorldEvent::RetryScheduled { .. })));
    assert!(timeline.mailstore(SENDER).outbound.is_empty());
    let report = only_report(&timeline);
    assert!(
        report.contains("Remote-MTA: dns; mx-a.example.org"),
        "{report}"
    );
    assert!(
        report.contains("Diagnostic-Code: smtp; 552 5.3.4 "),
        "{report}"
    );
}

#[test]
fn a_message_over_the_next_hops_size_bounces_at_once_without_fallback_or_retry() {
    // mx-a offers SIZE 64: the relaying client must not send the bigger message (RFC
    // 1870 §6), so no MAIL FROM goes out, and a fixed maximum is a permanent failure.
    let mut scenario = three_exchangers([10, 20, 30]);
    if let Some(config) = scenario.hosts[2].smtp.as_mut() {
        config.max_message_size = Some(64);
    }
    if let Some(WorldStep::Smtp { client, .. }) = scenario.steps.first_mut() {
        client.message.to.push("carol@example.org".into());
    }
    scenario.steps.push(WorldStep::Wait {
        ms: 2 * 3_600_000,
        reason: "two hours".into(),
    });
    let timeline = run_world(&scenario).unwrap();
    let transcript = timeline.transcript(2);
    assert!(transcript.contains("250-SIZE 64"), "{transcript}");
    assert!(!transcript.contains("MAIL FROM"), "{transcript}");
    assert_eq!(
        relays(&timeline),
        [(SENDER.to_owned(), "mx-a.example.org".to_owned())],
        "one attempt: no other exchanger"
    );
    let bounces = bounces(&timeline);
    assert_eq!(bounces.len(), 1);
    assert_eq!(
        bounces[0].0,
        ["bob@example.org", "carol@example.org"],
        "one bounce for the message's copies"
    );
    assert_eq!(bounces[0].1, "5.3.4");
    assert!(bounces[0].2.contains("SIZE 64"), "{}", bounces[0].2);
    let bounce_rfc = timeline.entries.iter().find_map(|entry| match entry {
        WorldEntry::World {
            event: WorldEvent::Bounced { .. },
            rfc,
            ..
        } => Some(*rfc),
        _ => None,
    });
    assert_eq!(bounce_rfc, Some("RFC 1870 §6"));
    assert!(!world_events(&timeline)
        .iter()
        .any(|(event, _)| matches!(event, WorldEvent::RetryScheduled { .. })));
    assert!(timeline.mailstore(SENDER).outbound.is_empty());
    let report = only_report(&timeline);
    assert!(report.contains("Status: 5.3.4"), "{report}");
    assert!(
        report.contains("Diagnostic-Code: smtp; 552 5.3.4 "),
        "{report}"
    );
    assert!(
        report.contains("mx-a.example.org takes at most 64"),
        "{report}"
    );
}

#[test]
fn an_8bit_body_for_a_next_hop_without_8bitmime_bounces_without_retry() {
    // The provider takes the 8-bit body (it offers 8BITMIME); mx-a does not, and the
    // relay does not convert bodies, so the message cannot go there (RFC 6152 §3).
    let mut scenario = three_exchangers([10, 20, 30]);
    if let Some(config) = scenario.hosts[2].smtp.as_mut() {
        config.extensions.eight_bit_mime = false;
    }
    if let Some(WorldStep::Smtp { client, .. }) = scenario.steps.first_mut() {
        client.message.body = "Grüße aus Köln\n".into();
    }
    let timeline = run_world(&scenario).unwrap();
    assert!(!timeline.transcript(2).contains("MAIL FROM"));
    assert_eq!(relays(&timeline).len(), 1, "one attempt");
    let bounces = bounces(&timeline);
    assert_eq!(bounces.len(), 1);
    assert_eq!(bounces[0].1, "5.6.3");
    assert!(bounces[0].2.contains("8BITMIME"), "{}", bounces[0].2);
    assert!(timeline.mailstore(SENDER).outbound.is_empty());
    let report = only_report(&timeline);
    assert!(report.contains("Status: 5.6.3"), "{report}");
}

#[test]
fn a_4xx_after_the_message_text_falls_back_to_the_next_exchanger() {
    let mut scenario = three_exchangers([10, 20, 30]);
    scenario.dns.hosts = vec![down("mx-a.example.org", HostState::Deferring)];
    let timeline = run_world(&scenario).unwrap();
    assert!(final_replies(&timeline, 2, "mx-a.example.org")
        .iter()
        .any(|l| l.starts_with("452 4.3.1")));
    assert_eq!(
        relays(&timeline),
        [
            (SENDER.to_owned(), "mx-a.example.org".to_owned()),
            (SENDER.to_owned(), "mx-b.example.org".to_owned())
        ]
    );
    assert!(bounces(&timeline).is_empty());
    assert_eq!(
        timeline
            .mailstore("mx-b.example.org")
            .mailbox("bob@example.org")
            .len(),
        1
    );
}

#[test]
fn temporary_failures_retry_until_the_give_up_time_then_bounce() {
    let mut scenario = world(
        vec![host("mx.example.org", "192.0.2.10", &["example.org"])],
        DnsZone {
            mx: vec![mx("example.org", 10, "mx.example.org")],
            a: vec![a("mx.example.org", "192.0.2.10")],
            hosts: vec![down("mx.example.org", HostState::Refused)],
            ..DnsZone::default()
        },
        "bob@example.org",
    );
    scenario.give_up_ms = 2 * 3_600_000;
    scenario.steps.push(WorldStep::Wait {
        ms: 24 * 3_600_000,
        reason: "a day".into(),
    });
    let timeline = run_world(&scenario).unwrap();
    assert!(!timeline.truncated);
    // Tries at 0, 30, 60, 90 and 120 minutes; the last is past the give-up time.
    assert_eq!(refused(&timeline).len(), 5);
    let bounces = bounces(&timeline);
    assert_eq!(bounces.len(), 1);
    assert_eq!(bounces[0].1, "4.4.7");
    assert!(only_report(&timeline).contains("Status: 4.4.7"));
    assert!(timeline.mailstore(SENDER).outbound.is_empty());
    assert_eq!(
        timeline.end_time - timeline.start_time,
        24 * 3_600_000 + 360
    );
}

#[test]
fn a_host_that_goes_down_refuses_the_script_too() {
    let mut scenario = three_exchangers([10, 20, 30]);
    scenario.steps.insert(
        0,
        WorldStep::HostState {
            host: SENDER.into(),
            state: HostState::Refused,
            reason: "power cut".into(),
        },
    );
    let timeline = run_world(&scenario).unwrap();
    assert!(timeline.transcript(1).is_empty(), "nothing was said");
    assert!(world_events(&timeline).iter().any(|(event, _)| matches!(
        event,
        WorldEvent::Problem { what } if what == "mail.example.net is down: connection refused."
    )));
    assert!(world_events(&timeline).iter().any(|(event, _)| matches!(
        event,
        WorldEvent::HostStateChanged {
            state: HostState::Refused,
            ..
        }
    )));
}

#[test]
fn retries_stay_bounded_however_long_the_wait() {
    let mut scenario = world(
        vec![host("mx.example.org", "192.0.2.10", &["example.org"])],
        DnsZone {
            mx: vec![mx("example.org", 10, "mx.example.org")],
            a: vec![a("mx.example.org", "192.0.2.10")],
            hosts: vec![down("mx.example.org", HostState::Refused)],
            ..DnsZone::default()
        },
        "bob@example.org",
    );
    scenario.retry_ms = 0;
    scenario.give_up_ms = u64::MAX;
    scenario.steps.push(WorldStep::Wait {
        ms: u64::MAX / 2,
        reason: String::new(),
    });
    let timeline = run_world(&scenario).unwrap();
    assert!(timeline.truncated);
    assert!(refused(&timeline).len() <= 256);
}

#[test]
fn a_scenario_with_a_zone_reads_from_json() {
    let json = r#"{
      "hosts": [{ "name": "mail.example.net", "address": "198.51.100.5",
                  "smtp": { "hostname": "mail.example.net", "localDomains": ["example.net"] } }],
      "dns": { "mx": [{ "name": "nomail.example", "preference": 0, "exchange": "." }],
               "hosts": [{ "host": "mail.example.net", "state": "deferring" }] },
      "retryMs": 60000,
      "steps": [{ "type": "deliver", "from": "mail.example.net", "domains": ["nomail.example"] },
                { "type": "hostState", "host": "mail.example.net", "state": "up" }]
    }"#;
    let scenario: WorldScenario = serde_json::from_str(json).unwrap();
    assert_eq!(scenario.dns.mx[0].exchange, ".");
    assert_eq!(scenario.dns.hosts[0].state, HostState::Deferring);
    assert_eq!(scenario.retry_ms, 60_000);
    let timeline = run_world(&scenario).unwrap();
    assert!(world_events(&timeline).iter().any(|(event, _)| matches!(
        event,
        WorldEvent::Problem { what } if what.contains("nothing queued")
    )));
    for name in [
        "mx-dead-primary",
        "mx-backup-etrn",
        "null-mx",
        "implicit-mx",
        "nxdomain",
        "dsn-delayed",
    ] {
        let scenario = preset(name).unwrap();
        let json = serde_json::to_string(&scenario).unwrap();
        let back: WorldScenario = serde_json::from_str(&json).unwrap();
        assert_eq!(back, scenario, "{name}");
        assert_eq!(run_world(&back).unwrap(), run_world(&scenario).unwrap());
    }
}

#[test]
fn a_huge_zone_is_refused_before_the_run() {
    let mut scenario = three_exchangers([10, 20, 30]);
    scenario.dns.a = (0..2000)
        .map(|i| a(&format!("h{i}.example"), "192.0.2.9"))
        .collect();
    let error = run_world(&scenario).unwrap_err().to_string();
    assert!(error.contains("DNS records"), "{error}");
}
