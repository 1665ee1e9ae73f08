//! DSN (RFC 3461) end to end: every bad parameter's reply, fed whole, line by line and
//! one byte at a time; the parameters stored with each copy; the client sending them
//! only when DSN is offered, and the negotiation row saying why.

mod server_support;

use esmtp_playground::client::{Choice, DsnSpec, Topic};
use esmtp_playground::dsn::{Notify, OriginalRecipient, Ret};
use esmtp_playground::loopback::{run as run_scenario, Scenario};
use esmtp_playground::server::{ExtensionSwitches, ServerConfig};
use server_support::{deliveries, final_lines, run, run_keep, SPLITS};

const EHLO: &str = "EHLO client.example.net\r\n";
const MAIL: &str = "EHLO client.example.net\r\nMAIL FROM:<alice@example.net>\r\n";

fn offering_dsn() -> ServerConfig {
    ServerConfig {
        extensions: ExtensionSwitches {
            dsn: true,
            ..ExtensionSwitches::default()
        },
        ..ServerConfig::default()
    }
}

/// (name, what comes before, the bad line, the reply it must start with)
const BAD: &[(&str, &str, &str, &str)] = &[
    ("RET unknown value", EHLO, "MAIL FROM:<a@example.net> RET=ALL", "501 5.5.4"),
    ("RET without value", EHLO, "MAIL FROM:<a@example.net> RET", "501 5.5.4"),
    ("RET twice", EHLO, "MAIL FROM:<a@example.net> RET=FULL RET=HDRS", "501 5.5.4"),
    ("ENVID bad xtext", EHLO, "MAIL FROM:<a@example.net> ENVID=a+3", "501 5.5.4"),
    ("ENVID lower-case hex", EHLO, "MAIL FROM:<a@example.net> ENVID=a+3d", "501 5.5.4"),
    ("ENVID too long", EHLO, "MAIL FROM:<a@example.net> ENVID=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "501 5.5.4"),
    ("ENVID not printable", EHLO, "MAIL FROM:<a@example.net> ENVID=a+0Ab", "501 5.5.4"),
    ("ENVID twice", EHLO, "MAIL FROM:<a@example.net> ENVID=a ENVID=b", "501 5.5.4"),
    ("NOTIFY empty", MAIL, "RCPT TO:<bob@example.org> NOTIFY=", "501 5.5.4"),
    ("NOTIFY unknown", MAIL, "RCPT TO:<bob@example.org> NOTIFY=ALWAYS", "501 5.5.4"),
    ("NOTIFY NEVER with others", MAIL, "RCPT TO:<bob@example.org> NOTIFY=NEVER,FAILURE", "501 5.5.4"),
    ("NOTIFY value twice", MAIL, "RCPT TO:<bob@example.org> NOTIFY=DELAY,DELAY", "501 5.5.4"),
    ("NOTIFY twice", MAIL, "RCPT TO:<bob@example.org> NOTIFY=DELAY NOTIFY=FAILURE", "501 5.5.4"),
    ("ORCPT without type", MAIL, "RCPT TO:<bob@example.org> ORCPT=bob@example.org", "501 5.5.4"),
    ("ORCPT bad type", MAIL, "RCPT TO:<bob@example.org> ORCPT=rfc(822);bob@example.org", "501 5.5.4"),
    ("ORCPT empty address", MAIL, "RCPT TO:<bob@example.org> ORCPT=rfc822;", "501 5.5.4"),
    ("ORCPT bad xtext", MAIL, "RCPT TO:<bob@example.org> ORCPT=rfc822;bob+zz@example.org", "501 5.5.4"),
    ("ORCPT twice", MAIL, "RCPT TO:<bob@example.org> ORCPT=rfc822;a@b.example ORCPT=rfc822;a@b.example", "501 5.5.4"),
    ("unknown RCPT parameter", MAIL, "RCPT TO:<bob@example.org> FOO=BAR", "555 5.5.4"),
];

#[test]
fn every_bad_dsn_parameter_gets_its_reply_and_the_session_goes_on() {
    let config = offering_dsn();
    for (name, before, bad, expected) in BAD {
        let input = format!("{before}{bad}\r\nNOOP\r\n");
        for split in SPLITS {
            let output = run(&config, input.as_bytes(), split);
            let lines = final_lines(&output);
            let answer = lines.iter().rev().nth(1).copied().unwrap_or_default();
            assert!(
                answer.starts_with(expected),
                "{name} ({split:?}): got {answer:?}, want {expected:?}\n{output}"
            );
            assert_eq!(
                lines.last().copied(),
                Some("250 2.0.0 Ok"),
                "{name}: goes on"
            );
        }
    }
}

#[test]
fn dsn_parameters_without_the_offer_are_unknown() {
    let config = ServerConfig::default();
    for (before, line) in [
        (EHLO, "MAIL FROM:<a@example.net> RET=HDRS"),
        (EHLO, "MAIL FROM:<a@example.net> ENVID=x"),
        (MAIL, "RCPT TO:<bob@example.org> NOTIFY=NEVER"),
        (
            MAIL,
            "RCPT TO:<bob@example.org> ORCPT=rfc822;bob@example.org",
        ),
        (
            "HELO client.example.net\r\n",
            "MAIL FROM:<a@example.net> RET=HDRS",
        ),
    ] {
        let output = run(&config, format!("{before}{line}\r\n").as_bytes(), SPLITS[0]);
        let answer = final_lines(&output).last().copied().unwrap_or_default();
        assert!(answer.starts_with("555 5.5.4"), "{line}: {answer}");
    }
    let ehlo = run(&offering_dsn(), EHLO.as_bytes(), SPLITS[0]);
    assert!(
        ehlo.contains("250-DSN\r\n") || ehlo.contains("250 DSN\r\n"),
        "{ehlo}"
    );
    assert!(!run(&config, EHLO.as_bytes(), SPLITS[0]).contains("DSN"));
}

#[test]
fn accepted_parameters_are_stored_with_each_copy() {
    let input = "EHLO client.example.net\r\n\
                 MAIL FROM:<alice@example.net> RET=hdrs ENVID=QQ+2B314\r\n\
                 RCPT TO:<bob@example.org> NOTIFY=success,FAILURE ORCPT=rfc822;Bob+2Bx@example.org\r\n\
                 RCPT TO:<carol@example.org>\r\n\
                 DATA\r\nSubject: hi\r\n\r\nhello\r\n.\r\n";
    let (output, mut server) = run_keep(&offering_dsn(), input.as_bytes());
    assert!(output.contains("250 2.0.0 Ok: queued as"), "{output}");
    let copies = deliveries(&mut server);
    assert_eq!(copies.len(), 2);
    let bob = &copies[0].dsn;
    assert_eq!(bob.mail.ret, Some(Ret::Hdrs));
    assert_eq!(
        bob.mail.envid.as_deref(),
        Some("QQ+314"),
        "decoded from xtext"
    );
    assert_eq!(
        bob.rcpt.notify,
        Some(Notify::On {
            success: true,
            failure: true,
            delay: false
        })
    );
    assert_eq!(
        bob.rcpt.orcpt,
        Some(OriginalRecipient {
            addr_type: "rfc822".into(),
            address: "Bob+x@example.org".into()
        })
    );
    let carol = &copies[1].dsn;
    assert_eq!(carol.mail, bob.mail, "RET and ENVID belong to the message");
    assert!(
        carol.rcpt.is_empty(),
        "NOTIFY and ORCPT belong to each recipient"
    );
    let json = serde_json::to_value(&copies[0]).unwrap();
    assert_eq!(json["dsn"]["notify"], "SUCCESS,FAILURE");
    assert_eq!(json["dsn"]["ret"], "HDRS");
    assert_eq!(
        json["dsn"]["summary"],
        "RET=HDRS ENVID=QQ+314 NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Bob+x@example.org"
    );
}

fn dsn_scenario(offered: bool) -> Scenario {
    let mut scenario = Scenario::default();
    scenario.server.extensions.dsn = offered;
    scenario.client.dsn = DsnSpec {
        ret: Some(Ret::Hdrs),
        envid: Some("id=42".into()),
        notify: Some(Notify::On {
            success: true,
            failure: true,
            delay: false,
        }),
        orcpt: true,
    };
    scenario
}

#[test]
fn client_sends_dsn_parameters_only_when_offered() {
    let timeline = run_scenario(&dsn_scenario(true)).unwrap();
    let transcript = timeline.transcript();
    assert!(
        transcript.contains(" RET=HDRS ENVID=id+3D42\n"),
        "{transcript}"
    );
    assert!(
        transcript.contains(
            "C: RCPT TO:<bob@example.org> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@example.org\n"
        ),
        "{transcript}"
    );
    assert_eq!(
        timeline.deliveries[0].dsn.mail.envid.as_deref(),
        Some("id=42")
    );
    let row = timeline
        .negotiation
        .iter()
        .find(|r| r.keyword == "DSN")
        .unwrap();
    assert!(
        row.client
            .starts_with("Used RET=HDRS ENVID=id+3D42 NOTIFY=SUCCESS,FAILURE ORCPT="),
        "{}",
        row.client
    );

    let without = run_scenario(&dsn_scenario(false)).unwrap();
    let transcript = without.transcript();
    assert!(!transcript.contains("RET="), "{transcript}");
    assert!(transcript.contains("C: RCPT TO:<bob@example.org>\n"));
    assert!(
        transcript.contains("250 2.0.0 Ok: queued as"),
        "sent without them"
    );
    let decided = without
        .client_event_kinds()
        .into_iter()
        .find_map(|kind| match kind {
            esmtp_playground::client::ClientEventKind::Decided { decision }
                if decision.topic == Topic::Dsn =>
            {
                Some(decision.clone())
            }
            _ => None,
        });
    assert_eq!(decided.map(|d| d.choice), Some(Choice::DsnNotOffered));
}

#[test]
fn a_bad_envid_in_the_spec_is_refused_before_sending() {
    let mut scenario = dsn_scenario(true);
    scenario.client.dsn.envid = Some("caf\u{e9}".into());
    assert!(run_scenario(&scenario).is_err());
}
