//! TURN across hosts: refused by default (RFC 5321 Appendix F.1), and in legacy mode
//! the hijack it allowed: whoever claims the domain in EHLO gets its mail.

mod world_support;

use esmtp_playground::server::{
    HostInputs, Peer, ReversalCommand, Server, ServerConfig, ServerEventKind,
};
use esmtp_playground::world::{preset, run_world, WorldEvent};
use world_support::{final_replies, lines_from, reply_explanation, world_events};

const ISP: &str = "mx.isp.example";
const CUSTOMER: &str = "mail.dialup.example";
const ATTACKER: &str = "attacker.example.net";

#[test]
fn turn_is_refused_with_the_reason_and_the_mail_stays() {
    let timeline = run_world(&preset("turn-refused").unwrap()).unwrap();
    assert_eq!(timeline.connections.len(), 2);
    assert!(timeline.connections.iter().all(|c| c.reversed_at.is_none()));
    let replies = final_replies(&timeline, 2, ISP);
    assert!(
        replies.contains(&"502 5.5.1 Error: TURN is not implemented".to_owned()),
        "{replies:?}"
    );
    let why = reply_explanation(&timeline, 2, "502");
    assert!(why.contains("Appendix F.1"), "{why}");
    assert_eq!(
        timeline.mailstore(ISP).queued_for("dialup.example").len(),
        1
    );
    assert!(timeline.mailstore(CUSTOMER).mailboxes.is_empty());
}

#[test]
fn legacy_turn_hands_the_mail_to_whoever_claims_the_domain() {
    let timeline = run_world(&preset("turn-hijack").unwrap()).unwrap();
    assert_eq!(timeline.connections.len(), 2, "same connection, no new one");
    let hijack = &timeline.connections[1];
    assert_eq!((hijack.from.as_str(), hijack.to.as_str()), (ATTACKER, ISP));
    assert!(hijack.reversed_at.is_some());

    let attacker_lines = lines_from(&timeline, 2, ATTACKER);
    assert_eq!(attacker_lines[0], "EHLO dialup.example", "the claim");
    assert_eq!(attacker_lines[1], "TURN");
    assert_eq!(
        attacker_lines[2],
        format!("220 {ATTACKER} ESMTP Playground"),
        "new server greets"
    );
    assert!(final_replies(&timeline, 2, ISP)
        .contains(&"250 2.0.0 OK, turning around: mail for dialup.example follows".to_owned()));
    assert!(
        lines_from(&timeline, 2, ISP).contains(&format!("EHLO {ISP}")),
        "ISP is now the client"
    );

    let stolen = timeline.mailstore(ATTACKER);
    let messages = stolen.mailbox("bob@dialup.example");
    assert_eq!(messages.len(), 1);
    assert!(messages[0].text.contains("Subject: Payroll"));
    assert!(messages[0]
        .text
        .contains(&format!("by {ATTACKER} with ESMTP")));
    assert!(
        timeline.mailstore(CUSTOMER).mailboxes.is_empty(),
        "the real customer got nothing"
    );
    assert!(timeline
        .mailstore(ISP)
        .queued_for("dialup.example")
        .is_empty());

    assert!(world_events(&timeline).iter().any(|(event, _)| matches!(
        event,
        WorldEvent::RolesReversed { command: ReversalCommand::Turn, client, server }
            if client == ISP && server == ATTACKER
    )));
    assert!(timeline
        .graph
        .iter()
        .any(|edge| edge.from == ISP && edge.to == ATTACKER && edge.connections == [2]));
    let why = reply_explanation(&timeline, 2, "250 2.0.0 OK, turning");
    assert!(why.contains("Nothing was authenticated"), "{why}");
}

#[test]
fn legacy_turn_with_nothing_queued_reverses_and_quits() {
    let mut scenario = preset("turn-hijack").unwrap();
    scenario.steps.remove(0);
    let timeline = run_world(&scenario).unwrap();
    let isp_lines = lines_from(&timeline, 1, ISP);
    assert_eq!(isp_lines.last().unwrap(), "QUIT", "{isp_lines:?}");
    assert!(timeline.mailstore(ATTACKER).mailboxes.is_empty());
}

fn legacy_server() -> Server {
    let mut server = Server::new(
        ServerConfig::default(),
        Peer {
            address: "192.0.2.9".into(),
        },
        0,
        3,
    );
    server.set_host_inputs(HostInputs {
        legacy_turn: true,
        ..HostInputs::default()
    });
    server.take_output();
    server
}

#[test]
fn legacy_turn_needs_a_greeting_and_no_transaction() {
    let mut server = legacy_server();
    server.receive(b"TURN\r\n", 0);
    assert!(String::from_utf8(server.take_output())
        .unwrap()
        .starts_with("503 5.5.1"));
    server.receive(b"HELO claimed.example\r\nMAIL FROM:<a@example.org>\r\n", 0);
    server.take_output();
    server.receive(b"TURN\r\n", 0);
    assert!(String::from_utf8(server.take_output())
        .unwrap()
        .starts_with("503 5.5.1"));
    server.receive(b"RSET\r\nTURN\r\n", 0);
    let output = String::from_utf8(server.take_output()).unwrap();
    assert!(
        output.ends_with("250 2.0.0 OK, turning around: mail for claimed.example follows\r\n"),
        "{output}"
    );
    assert!(server.is_closed(), "reads nothing more as a server");
    let reversed = std::iter::from_fn(|| server.poll_event()).find_map(|event| match event.kind {
        ServerEventKind::RolesReversed { command, domains } => Some((command, domains)),
        _ => None,
    });
    assert_eq!(
        reversed,
        Some((ReversalCommand::Turn, vec!["claimed.example".to_owned()]))
    );
}
