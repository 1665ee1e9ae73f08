//! ETRN end to end across hosts: mail held by the ISP, flushed over a new connection
//! after the customer's ETRN; and the RFC 1985 reply table at the server.

mod world_support;

use esmtp_playground::server::{
    EtrnGrant, EtrnPolicy, HostInputs, Peer, Server, ServerConfig, ServerEventKind,
};
use esmtp_playground::world::{preset, run_world, ConnectionKind, WorldEvent, WorldStep};
use world_support::{final_replies, world_events};

const ISP: &str = "mx.isp.example";
const CUSTOMER: &str = "mail.dialup.example";

#[test]
fn etrn_flushes_the_queue_over_a_new_connection() {
    let timeline = run_world(&preset("etrn").unwrap()).unwrap();
    assert!(!timeline.truncated);
    assert_eq!(
        timeline.connections.len(),
        4,
        "two sends, the ETRN, the flush"
    );

    let etrn_replies = final_replies(&timeline, 3, ISP);
    assert!(
        etrn_replies
            .contains(&"253 2.0.0 2 pending messages for node dialup.example started".to_owned()),
        "{etrn_replies:?}"
    );

    let flush = &timeline.connections[3];
    assert_eq!(flush.kind, ConnectionKind::Flush);
    assert_eq!((flush.from.as_str(), flush.to.as_str()), (ISP, CUSTOMER));
    assert_eq!(flush.triggered_by, Some(3));
    assert!(flush.opened_at >= timeline.connections[2].closed_at);

    let isp = timeline.mailstore(ISP);
    assert!(
        isp.queued_for("dialup.example").is_empty(),
        "ISP queue emptied"
    );
    let customer = timeline.mailstore(CUSTOMER);
    for (mailbox, subject) in [
        ("bob@dialup.example", "Subject: Minutes of Tuesday"),
        ("carol@dialup.example", "Subject: Lunch?"),
    ] {
        let messages = customer.mailbox(mailbox);
        assert_eq!(messages.len(), 1, "{mailbox}");
        let message = &messages[0];
        assert!(message.text.contains(subject));
        assert_eq!(&message.headers[..2], ["Received", "Received"]);
        let first = message.text.split("\r\n\t").nth(1).unwrap();
        assert!(
            first.starts_with(&format!("by {CUSTOMER} with ESMTP")),
            "{}",
            message.text
        );
        assert!(message
            .text
            .starts_with(&format!("Received: from {ISP} ([192.0.2.25])")));
        assert!(message.text.contains(&format!("by {ISP} with ESMTP")));
    }
    assert_eq!(customer.mailboxes.len(), 2);

    // Both messages went in one session, one transaction each.
    let flush_replies = final_replies(&timeline, 4, CUSTOMER);
    let queued = flush_replies
        .iter()
        .filter(|l| l.contains("Ok: queued as"))
        .count();
    assert_eq!(queued, 2, "{flush_replies:?}");

    let edges: Vec<(&str, &str, Vec<u32>)> = timeline
        .graph
        .iter()
        .map(|e| (e.from.as_str(), e.to.as_str(), e.connections.clone()))
        .collect();
    assert_eq!(
        edges,
        [
            ("mail.example.net", ISP, vec![1, 2]),
            (CUSTOMER, ISP, vec![3]),
            (ISP, CUSTOMER, vec![4]),
        ]
    );
    assert!(world_events(&timeline)
        .iter()
        .any(|(event, _)| matches!(event, WorldEvent::QueueTaken { copies: 2, .. })));
}

#[test]
fn the_same_scenario_gives_the_same_timeline() {
    let scenario = preset("etrn").unwrap();
    assert_eq!(run_world(&scenario).unwrap(), run_world(&scenario).unwrap());
    let mut reseeded = scenario.clone();
    reseeded.seed += 1;
    assert_ne!(
        run_world(&scenario).unwrap().entries,
        run_world(&reseeded).unwrap().entries,
        "queue ids and message ids come from the seed"
    );
}

#[test]
fn nothing_waiting_is_251_and_opens_no_connection() {
    let timeline = run_world(&preset("etrn-nothing-waiting").unwrap()).unwrap();
    assert_eq!(timeline.connections.len(), 1);
    assert!(final_replies(&timeline, 1, ISP)
        .contains(&"251 2.0.0 No messages waiting for node dialup.example".to_owned()));
    assert!(timeline.mailstore(CUSTOMER).mailboxes.is_empty());
}

/// A server with mail held for dialup.example (2) and mx.dialup.example (1), talking
/// to `client`; returns the final reply line for each ETRN and the flush requests.
fn etrn_replies(
    client: &str,
    hide_counts: bool,
    commands: &[&str],
) -> (Vec<String>, Vec<Vec<String>>) {
    let config = ServerConfig {
        hostname: ISP.into(),
        local_domains: vec!["isp.example".into()],
        extensions: esmtp_playground::server::ExtensionSwitches {
            etrn: true,
            ..Default::default()
        },
        ..ServerConfig::default()
    };
    let mut server = Server::new(
        config,
        Peer {
            address: client.into(),
        },
        0,
        1,
    );
    server.set_host_inputs(HostInputs {
        held_domains: vec!["dialup.example".into(), "mx.dialup.example".into()],
        outbound_queue: [
            ("dialup.example".to_owned(), 2),
            ("mx.dialup.example".to_owned(), 1),
        ]
        .into_iter()
        .collect(),
        etrn: EtrnPolicy {
            grants: vec![EtrnGrant {
                client: "203.0.113.20".into(),
                nodes: vec!["dialup.example".into()],
            }],
            hide_counts,
        },
        ..HostInputs::default()
    });
    server.receive(b"EHLO mail.dialup.example\r\n", 0);
    let mut replies = Vec::new();
    for command in commands {
        server.take_output();
        server.receive(format!("{command}\r\n").as_bytes(), 0);
        let output = String::from_utf8(server.take_output()).unwrap();
        replies.push(output.trim_end().to_owned());
    }
    let mut flushes = Vec::new();
    while let Some(event) = server.poll_event() {
        if let ServerEventKind::FlushRequested { domains } = event.kind {
            flushes.push(domains);
        }
    }
    (replies, flushes)
}

#[test]
fn rfc_1985_reply_table() {
    let (replies, flushes) = etrn_replies(
        "203.0.113.20",
        false,
        &[
            "ETRN dialup.example",
            "ETRN @dialup.example",
            "ETRN #mx.dialup.example",
            "ETRN #nosuchqueue",
            "ETRN other.example",
            "ETRN isp.example",
            "ETRN bad..name",
            "ETRN @",
        ],
    );
    let codes: Vec<&str> = replies.iter().map(|r| &r[..3]).collect();
    assert_eq!(
        codes,
        ["253", "253", "250", "458", "459", "459", "501", "501"],
        "{replies:#?}"
    );
    assert_eq!(
        replies[0],
        "253 2.0.0 2 pending messages for node dialup.example started"
    );
    assert_eq!(
        replies[1],
        "253 2.0.0 3 pending messages for node @dialup.example started"
    );
    assert_eq!(
        replies[2],
        "250 2.0.0 OK, queuing for node #mx.dialup.example started"
    );
    assert!(
        replies[4].contains("this server holds no mail for it"),
        "{}",
        replies[4]
    );
    assert!(replies[5].contains("delivered locally"), "{}", replies[5]);
    assert_eq!(
        flushes,
        [
            vec!["dialup.example".to_owned()],
            vec!["dialup.example".to_owned(), "mx.dialup.example".to_owned()],
            vec!["mx.dialup.example".to_owned()],
        ]
    );
}

#[test]
fn a_client_without_a_grant_gets_459_and_hidden_counts_give_252() {
    let (replies, flushes) = etrn_replies("198.51.100.5", false, &["ETRN dialup.example"]);
    assert!(
        replies[0].starts_with(
            "459 4.7.1 Node dialup.example not allowed: 198.51.100.5 may not flush it"
        ),
        "{replies:?}"
    );
    assert!(flushes.is_empty());
    let (replies, flushes) = etrn_replies("203.0.113.20", true, &["ETRN dialup.example"]);
    assert_eq!(
        replies[0],
        "252 2.0.0 OK, pending messages for node dialup.example started"
    );
    assert_eq!(flushes.len(), 1);
}

#[test]
fn a_domain_with_no_reachable_server_gets_458_and_keeps_its_mail() {
    let mut scenario = preset("etrn").unwrap();
    scenario.hosts[2].smtp.as_mut().unwrap().local_domains = vec!["elsewhere.example".into()];
    let timeline = run_world(&scenario).unwrap();
    assert_eq!(timeline.connections.len(), 3, "no flush connection");
    assert!(final_replies(&timeline, 3, ISP)
        .contains(&"458 4.3.0 Unable to queue messages for node dialup.example".to_owned()));
    assert_eq!(
        timeline.mailstore(ISP).queued_for("dialup.example").len(),
        2
    );
}

#[test]
fn the_flushed_mail_is_read_and_deleted_over_pop3() {
    use esmtp_playground::pop3::{Pop3Config, Pop3User};
    use esmtp_playground::world::HostSpec;
    let mut scenario = preset("etrn").unwrap();
    scenario.hosts[2].pop3 = Some(Pop3Config {
        hostname: CUSTOMER.into(),
        users: vec![Pop3User::new("bob@dialup.example", "bobpw")],
        ..Pop3Config::default()
    });
    scenario.hosts.push(HostSpec {
        name: "bob-pc.dialup.example".into(),
        address: "10.0.0.2".into(),
        ..HostSpec::default()
    });
    scenario.steps.push(WorldStep::Pop3 {
        from: "bob-pc.dialup.example".into(),
        to: CUSTOMER.into(),
        lines: [
            "USER bob@dialup.example",
            "PASS bobpw",
            "RETR 1",
            "DELE 1",
            "QUIT",
        ]
        .map(String::from)
        .to_vec(),
        purpose: "Bob reads his mail".into(),
    });
    let timeline = run_world(&scenario).unwrap();
    let pop = timeline.transcript(5);
    assert!(pop.contains("Subject: Minutes of Tuesday"), "{pop}");
    assert!(pop.contains(&format!("{CUSTOMER}: +OK")));
    let customer = timeline.mailstore(CUSTOMER);
    assert!(
        customer.mailbox("bob@dialup.example").is_empty(),
        "DELE + QUIT removed it"
    );
    assert_eq!(customer.mailbox("carol@dialup.example").len(), 1);
}
