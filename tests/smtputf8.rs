//! SMTPUTF8 (RFC 6531, RFC 6532) and IDN domains: the server's reply to every bad use of
//! the parameter and of UTF-8 addresses, whatever the input's split; the client's
//! decisions (use it only when needed, refuse when not offered, A-labels otherwise);
//! and the domain conversion the Negotiation view shows.

mod server_support;

use esmtp_playground::client::{Choice, ClientEventKind, Topic};
use esmtp_playground::loopback::{run as run_scenario, Scenario, TimelineEntry};
use esmtp_playground::protocol::idn::DomainForms;
use esmtp_playground::server::ServerConfig;
use server_support::{deliveries, feed, final_lines, server, Split, SPLITS};

const EHLO: &str = "EHLO client.example.net\r\n";

/// The final reply lines to `commands` after EHLO, for every split of the input.
fn replies(config: &ServerConfig, commands: &str) -> Vec<String> {
    let input = format!("{EHLO}{commands}");
    let mut seen: Option<Vec<String>> = None;
    for split in SPLITS {
        let mut server = server(config.clone());
        let output = feed(&mut server, input.as_bytes(), split);
        let text = String::from_utf8(output).expect("replies are UTF-8");
        let lines: Vec<String> = final_lines(&text)
            .into_iter()
            .skip(1)
            .map(str::to_owned)
            .collect();
        if let Some(first) = &seen {
            assert_eq!(first, &lines, "{split:?}");
        }
        seen = Some(lines);
    }
    seen.unwrap_or_default()
}

fn starts(line: &str, prefix: &str) -> bool {
    line.starts_with(prefix)
}

#[test]
fn the_server_offers_smtputf8_after_8bitmime_unless_switched_off() {
    let mut server = server(ServerConfig::default());
    let ehlo = String::from_utf8(feed(&mut server, EHLO.as_bytes(), Split::Whole)).unwrap();
    assert!(ehlo.ends_with("250-8BITMIME\r\n250 SMTPUTF8\r\n"), "{ehlo}");
    let mut config = ServerConfig::default();
    config.extensions.smtputf8 = false;
    let mut server = server_support::server(config);
    let ehlo = String::from_utf8(feed(&mut server, EHLO.as_bytes(), Split::Whole)).unwrap();
    assert!(!ehlo.contains("SMTPUTF8"), "{ehlo}");
}

#[test]
fn every_bad_use_gets_its_rfc_reply() {
    let on = ServerConfig::default();
    let mut off = ServerConfig::default();
    off.extensions.smtputf8 = false;
    let cases: [(&ServerConfig, &str, &str); 8] = [
        // A value on the flag: 501 (RFC 6531 §3.4, the parameter has none).
        (
            &on,
            "MAIL FROM:<a@example.net> SMTPUTF8=YES\r\n",
            "501 5.5.4",
        ),
        // Twice: 501.
        (
            &on,
            "MAIL FROM:<a@example.net> SMTPUTF8 SMTPUTF8\r\n",
            "501 5.5.4",
        ),
        // Not offered: an unknown parameter, 555 (RFC 5321 §4.1.1.11).
        (&off, "MAIL FROM:<a@example.net> SMTPUTF8\r\n", "555 5.5.4"),
        // A UTF-8 sender without the parameter: 553 5.6.7 (RFC 6531 §3.5).
        (&on, "MAIL FROM:<jörg@bücher.example>\r\n", "553 5.6.7"),
        // A U-label domain alone is UTF-8 too.
        (&on, "MAIL FROM:<bob@bücher.example>\r\n", "553 5.6.7"),
        // Not offered at all: commands are ASCII, 501 5.5.2 (RFC 5321 §2.4).
        (&off, "MAIL FROM:<jörg@bücher.example>\r\n", "501 5.5.2"),
        // Not UTF-8, or a control character: refused before the grammar.
        (
            &on,
            "MAIL FROM:<j\u{85}rg@example.org> SMTPUTF8\r\n",
            "501 5.5.2",
        ),
        // A domain no A-label spells.
        (
            &on,
            "MAIL FROM:<a@-bücher.example> SMTPUTF8\r\n",
            "501 5.1.7",
        ),
    ];
    for (config, command, expected) in cases {
        let got = replies(config, command);
        assert!(
            got.first().is_some_and(|l| starts(l, expected)),
            "{command:?}: {got:?}"
        );
    }
    let invalid = replies(&on, "MAIL FROM:<j\u{F6}rg@example.org>\r\n");
    assert!(starts(&invalid[0], "553 5.6.7"), "{invalid:?}");
    let mut server = server(on);
    let raw = feed(
        &mut server,
        b"EHLO c.example\r\nMAIL FROM:<j\xF6rg@example.org> SMTPUTF8\r\n",
        Split::Whole,
    );
    let text = String::from_utf8_lossy(&raw);
    assert!(
        final_lines(&text)
            .last()
            .is_some_and(|l| starts(l, "501 5.5.2")),
        "{text}"
    );
}

#[test]
fn a_utf8_recipient_needs_a_transaction_that_said_smtputf8() {
    let mut config = ServerConfig::default();
    config.local_domains.push("例子.广告".into());
    let without = replies(
        &config,
        "MAIL FROM:<alice@example.net>\r\nRCPT TO:<用户@例子.广告>\r\n",
    );
    assert!(starts(&without[0], "250 2.1.0"), "{without:?}");
    assert!(starts(&without[1], "553 5.6.7"), "{without:?}");
    let with = replies(
        &config,
        "MAIL FROM:<alice@example.net> SMTPUTF8\r\nRCPT TO:<用户@例子.广告>\r\nRCPT TO:<bob@xn--fsqu00a.xn--4rr70v>\r\n",
    );
    assert!(with.iter().all(|l| starts(l, "250 ")), "{with:?}");
}

#[test]
fn utf8_headers_are_stored_byte_for_byte_with_a_utf8smtp_received_line() {
    let mut config = ServerConfig::default();
    config.strictness.undeclared_eight_bit =
        esmtp_playground::server::UndeclaredEightBitPolicy::Reject;
    let message =
        "From: jörg@bücher.example\r\nTo: bob@example.org\r\nSubject: Grüße\r\n\r\nHi\r\n";
    let input = format!(
        "{EHLO}MAIL FROM:<jörg@bücher.example> SMTPUTF8\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n{message}.\r\n"
    );
    let mut server = server(config);
    let output = String::from_utf8(feed(&mut server, input.as_bytes(), Split::Whole)).unwrap();
    assert!(
        final_lines(&output)
            .last()
            .is_some_and(|l| starts(l, "250 2.0.0")),
        "{output}"
    );
    let copies = deliveries(&mut server);
    let stored = String::from_utf8(copies[0].message.to_vec()).unwrap();
    assert!(stored.contains(" with UTF8SMTP id "), "{stored}");
    assert!(stored.ends_with(message), "{stored}");
    // The same 8-bit body without BODY=8BITMIME is still refused by the strict switch.
    let body = input.replace("\r\nHi\r\n", "\r\nGrüße\r\n");
    let mut config = ServerConfig::default();
    config.strictness.undeclared_eight_bit =
        esmtp_playground::server::UndeclaredEightBitPolicy::Reject;
    let mut server = server_support::server(config);
    let output = String::from_utf8(feed(&mut server, body.as_bytes(), Split::Whole)).unwrap();
    assert!(
        final_lines(&output)
            .last()
            .is_some_and(|l| starts(l, "550 5.6.0")),
        "{output}"
    );
}

fn decisions(scenario: &Scenario) -> (Vec<esmtp_playground::client::Decision>, String) {
    let timeline = run_scenario(scenario).expect("runs");
    let decisions = timeline
        .entries
        .iter()
        .filter_map(|entry| match entry {
            TimelineEntry::Client { event } => match &event.kind {
                ClientEventKind::Decided { decision } => Some(decision.clone()),
                _ => None,
            },
            _ => None,
        })
        .filter(|d| d.topic == Topic::SmtpUtf8)
        .collect();
    (decisions, timeline.transcript())
}

fn utf8_scenario() -> Scenario {
    let mut scenario = Scenario::default();
    scenario.client.message.from = "Jörg <jörg@bücher.example>".into();
    scenario.client.message.to = vec!["用户@例子.广告".into()];
    scenario.client.message.subject = "Grüße".into();
    scenario
        .server
        .local_domains
        .push("xn--fsqu00a.xn--4rr70v".into());
    scenario
}

#[test]
fn the_client_uses_smtputf8_for_a_utf8_local_part_and_sends_it_as_written() {
    let scenario = utf8_scenario();
    let (decided, transcript) = decisions(&scenario);
    assert_eq!(decided[0].choice, Choice::UseSmtpUtf8);
    assert!(decided.iter().any(|d| d.used == "bücher.example (U-label)"));
    assert!(decided.iter().any(|d| d.used == "例子.广告 (U-label)"));
    assert!(
        transcript.contains("C: MAIL FROM:<jörg@bücher.example> SIZE="),
        "{transcript}"
    );
    assert!(transcript.contains(" SMTPUTF8\n"), "{transcript}");
    assert!(transcript.contains("C: RCPT TO:<用户@例子.广告>\n"));
    assert!(transcript.contains("C: From: =?UTF-8?B?SsO2cmc=?= <jörg@bücher.example>\n"));
    assert!(transcript.contains("C: Subject: Grüße\n"));
    let timeline = run_scenario(&scenario).unwrap();
    let row = timeline
        .negotiation
        .iter()
        .find(|row| row.keyword == "SMTPUTF8")
        .expect("offered");
    assert!(row.client.contains("Used SMTPUTF8"), "{}", row.client);
    assert!(
        row.client.contains("xn--bcher-kva.example"),
        "{}",
        row.client
    );
    let stored = String::from_utf8(timeline.deliveries[0].message.to_vec()).unwrap();
    assert!(stored.contains(" with UTF8SMTP id "), "{stored}");
}

#[test]
fn without_smtputf8_offered_the_client_refuses_and_never_sends_utf8() {
    let mut scenario = utf8_scenario();
    scenario.server.extensions.smtputf8 = false;
    let (decided, transcript) = decisions(&scenario);
    assert_eq!(decided.len(), 1);
    assert_eq!(decided[0].choice, Choice::RefuseSmtpUtf8);
    assert_eq!(decided[0].used, "not sent");
    assert!(!transcript.contains("MAIL FROM"), "{transcript}");
    assert!(
        transcript
            .lines()
            .filter(|l| l.starts_with("C: "))
            .all(|l| l.is_ascii()),
        "{transcript}"
    );
    assert!(transcript.contains("C: QUIT\n"));
}

#[test]
fn ascii_mail_never_carries_the_parameter_and_idn_domains_go_as_a_labels() {
    let (decided, transcript) = decisions(&Scenario::default());
    assert!(decided.is_empty());
    assert!(!transcript
        .lines()
        .any(|l| l.starts_with("C: MAIL") && l.contains("SMTPUTF8")));

    let mut scenario = Scenario::default();
    scenario.client.message.to = vec!["Bob <bob@bücher.example>".into()];
    scenario.server.local_domains.push("bücher.example".into());
    let (decided, transcript) = decisions(&scenario);
    assert_eq!(decided.len(), 1);
    assert_eq!(
        decided[0].choice,
        Choice::IdnDomain {
            forms: Box::new(DomainForms {
                unicode: "bücher.example".into(),
                ascii: "xn--bcher-kva.example".into(),
            }),
            u_label_on_wire: false
        }
    );
    assert!(transcript.contains("C: RCPT TO:<bob@xn--bcher-kva.example>\n"));
    assert!(transcript.contains("C: To: Bob <bob@xn--bcher-kva.example>\n"));
    assert!(!transcript
        .lines()
        .any(|l| l.starts_with("C: MAIL") && l.contains("SMTPUTF8")));
    assert!(transcript.contains("S: 250 2.1.5 Ok"), "{transcript}");
}

#[test]
fn idn_conversion_both_ways() {
    for (unicode, ascii) in [
        ("bücher.example", "xn--bcher-kva.example"),
        ("例子.广告", "xn--fsqu00a.xn--4rr70v"),
        ("münchen.de", "xn--mnchen-3ya.de"),
    ] {
        let from_unicode = DomainForms::of(unicode).unwrap();
        assert_eq!(from_unicode.ascii, ascii);
        assert_eq!(DomainForms::of(ascii).unwrap(), from_unicode);
    }
    assert!(DomainForms::of("a..example").is_err());
}
