//! ATRN (RFC 2645) across hosts: refused without AUTH, then after AUTH the connection
//! turns around and the queued mail flows back; and the reply table at the server.

mod world_support;

use base64::Engine;
use esmtp_playground::sasl::UserCredential;
use esmtp_playground::server::{
    AtrnAccount, AtrnPolicy, HostInputs, Peer, ReversalCommand, Server, ServerConfig,
    ServerEventKind,
};
use esmtp_playground::world::{preset, run_world, WorldEvent};
use world_support::{final_replies, lines_from, reply_explanation, world_events};

const ISP: &str = "mx.isp.example";
const CUSTOMER: &str = "mail.dialup.example";

#[test]
fn atrn_needs_auth_then_reverses_and_delivers() {
    let timeline = run_world(&preset("atrn").unwrap()).unwrap();
    assert_eq!(
        timeline.connections.len(),
        3,
        "no flush connection: same connection"
    );

    assert!(
        final_replies(&timeline, 2, ISP).contains(&"530 5.7.0 Authentication required".to_owned())
    );
    assert!(reply_explanation(&timeline, 2, "530").contains("TURN lacked"));
    assert!(timeline.connections[1].reversed_at.is_none());

    let replies = final_replies(&timeline, 3, ISP);
    assert!(
        replies.contains(&"235 2.7.0 Authentication successful".to_owned()),
        "{replies:?}"
    );
    assert!(replies.contains(&"250 2.0.0 OK, now reversing the connection".to_owned()));
    assert!(timeline.connections[2].reversed_at.is_some());
    let customer_lines = lines_from(&timeline, 3, CUSTOMER);
    assert!(customer_lines.contains(&format!("220 {CUSTOMER} ESMTP Playground")));

    let mailbox = timeline.mailstore(CUSTOMER);
    let messages = mailbox.mailbox("bob@dialup.example");
    assert_eq!(messages.len(), 1);
    assert!(messages[0]
        .text
        .contains(&format!("by {CUSTOMER} with ESMTP")));
    assert!(timeline
        .mailstore(ISP)
        .queued_for("dialup.example")
        .is_empty());
    assert!(world_events(&timeline).iter().any(|(event, _)| matches!(
        event,
        WorldEvent::RolesReversed {
            command: ReversalCommand::Atrn,
            ..
        }
    )));
}

/// An ODMR server with 1 message queued for dialup.example; `lines` go after EHLO.
fn replies(enabled: bool, lines: &[String]) -> (Vec<String>, Option<Vec<String>>) {
    replies_with_busy(enabled, &[], lines)
}

/// As `replies`, with `busy` queues being delivered on another connection.
fn replies_with_busy(
    enabled: bool,
    busy: &[&str],
    lines: &[String],
) -> (Vec<String>, Option<Vec<String>>) {
    let mut config = ServerConfig {
        hostname: ISP.into(),
        ..ServerConfig::default()
    };
    config.auth.users = vec![
        UserCredential {
            name: "dialup".into(),
            password: "pw".into(),
        },
        UserCredential {
            name: "other".into(),
            password: "pw2".into(),
        },
    ];
    let mut server = Server::new(
        config,
        Peer {
            address: "203.0.113.20".into(),
        },
        0,
        9,
    );
    server.set_host_inputs(HostInputs {
        outbound_queue: [("dialup.example".to_owned(), 1)].into_iter().collect(),
        atrn: AtrnPolicy {
            enabled,
            accounts: vec![
                AtrnAccount {
                    user: "dialup".into(),
                    domains: vec!["dialup.example".into()],
                },
                AtrnAccount {
                    user: "other".into(),
                    domains: vec!["quiet.example".into()],
                },
            ],
        },
        busy_domains: busy.iter().map(|d| (*d).to_owned()).collect(),
        ..HostInputs::default()
    });
    server.receive(b"EHLO c.example\r\n", 0);
    let ehlo = String::from_utf8(server.take_output()).unwrap();
    assert_eq!(ehlo.contains("250-ATRN\r\n"), enabled, "{ehlo}");
    let mut out = Vec::new();
    for line in lines {
        server.receive(format!("{line}\r\n").as_bytes(), 0);
        out.push(
            String::from_utf8(server.take_output())
                .unwrap()
                .trim_end()
                .to_owned(),
        );
    }
    let reversal = std::iter::from_fn(|| server.poll_event()).find_map(|e| match e.kind {
        ServerEventKind::RolesReversed { domains, .. } => Some(domains),
        _ => None,
    });
    (out, reversal)
}

fn plain(user: &str, password: &str) -> String {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("\0{user}\0{password}"));
    format!("AUTH PLAIN {token}")
}

#[test]
fn rfc_2645_reply_table() {
    let (out, reversal) = replies(false, &["ATRN".into()]);
    assert!(out[0].starts_with("502 5.5.1"), "{out:?}");
    assert_eq!(reversal, None);

    let (out, _) = replies(true, &["ATRN".into()]);
    assert_eq!(out[0], "530 5.7.0 Authentication required");

    let (out, reversal) = replies(
        true,
        &[
            plain("dialup", "pw"),
            "ATRN other.example".into(),
            "ATRN bad..domain".into(),
            "MAIL FROM:<a@example.org>".into(),
            "ATRN".into(),
            "RSET".into(),
            "ATRN".into(),
        ],
    );
    let codes: Vec<&str> = out.iter().map(|l| &l[..3]).collect();
    assert_eq!(
        codes,
        ["235", "450", "501", "250", "503", "250", "250"],
        "{out:#?}"
    );
    assert_eq!(out[1], "450 4.7.1 ATRN request refused");
    assert_eq!(out[6], "250 2.0.0 OK, now reversing the connection");
    assert_eq!(reversal, Some(vec!["dialup.example".to_owned()]));

    let (out, reversal) = replies(true, &[plain("other", "pw2"), "ATRN".into()]);
    assert_eq!(out[1], "453 4.3.0 You have no mail");

    // The queue is being flushed on another connection: 451, try later; no reversal.
    let (busy, busy_reversal) = replies_with_busy(
        true,
        &["dialup.example"],
        &[plain("dialup", "pw"), "ATRN".into(), "NOOP".into()],
    );
    assert_eq!(busy[1], "451 4.3.0 Unable to process ATRN request now");
    assert!(busy[2].starts_with("250 "), "the session goes on: {busy:?}");
    assert_eq!(busy_reversal, None);
    assert_eq!(reversal, None);
}
