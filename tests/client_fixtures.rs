//! Replies of real (and real-shaped) servers: the reply reader and the capability
//! parser must read them whole, line by line and one octet at a time, and the client
//! must act on them.

mod client_support;

use client_support::{run_all_splits, Script, SPLITS};
use esmtp_playground::client::{Choice, ClientEventKind, ClientSpec, Topic};
use esmtp_playground::protocol::{Capabilities, Extension, Reply, ReplyReader, ReplyStatus};

fn fixture(path: &str) -> Vec<u8> {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// Reads every reply, with the input cut as `split` says.
fn replies(bytes: &[u8], split: client_support::Split) -> Vec<Reply> {
    let mut reader = ReplyReader::new();
    let mut out = Vec::new();
    let chunks: Vec<&[u8]> = match split {
        client_support::Split::Whole => vec![bytes],
        client_support::Split::Lines => bytes.split_inclusive(|b| *b == b'\n').collect(),
        client_support::Split::Bytes => bytes.chunks(1).collect(),
    };
    for chunk in chunks {
        let mut input = chunk;
        while let Some(status) = reader.read(&mut input) {
            match status {
                ReplyStatus::Complete(reply) => out.push(reply),
                ReplyStatus::Malformed(problem) => panic!("{problem}"),
            }
        }
    }
    out
}

fn ehlo_capabilities(reply: &Reply) -> Capabilities {
    Capabilities::from_ehlo_lines(reply.lines.iter().skip(1).map(String::as_str))
}

/// The server's lines of a swaks transcript (`<-  ` and `<** `), as wire bytes.
fn swaks_server_bytes(transcript: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for line in transcript.lines() {
        if let Some(reply) = line.strip_prefix("<-  ").or(line.strip_prefix("<** ")) {
            out.extend_from_slice(reply.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
    }
    out
}

#[test]
fn postfix_greeting_and_ehlo_bytes_parse() {
    let bytes = fixture("postfix-3.7-cyrus/raw-greeting-ehlo.bin");
    for split in SPLITS {
        let replies = replies(&bytes, split);
        let codes: Vec<u16> = replies.iter().map(|r| r.code.value()).collect();
        assert_eq!(codes, [220, 250, 221], "{split:?}");
        assert_eq!(replies[0].lines, ["mx.example.org ESMTP"]);
        let caps = ehlo_capabilities(&replies[1]);
        let keywords: Vec<&str> = caps.extensions.iter().map(Extension::keyword).collect();
        assert_eq!(
            keywords,
            [
                "PIPELINING",
                "SIZE",
                "VRFY",
                "ETRN",
                "AUTH",
                "ENHANCEDSTATUSCODES",
                "8BITMIME",
                "DSN",
                "SMTPUTF8",
                "CHUNKING"
            ]
        );
        assert_eq!(caps.size(), Some(Some(10_240_000)));
        assert_eq!(
            caps.auth_mechanisms(),
            ["PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5"]
        );
    }
}

#[test]
fn client_negotiates_with_postfix_offer() {
    let bytes = fixture("postfix-3.7-cyrus/raw-greeting-ehlo.bin");
    let text = String::from_utf8(bytes).unwrap();
    let (greeting, rest) = text.split_once("\r\n").unwrap();
    let ehlo = rest.trim_end_matches("221 2.0.0 Bye\r\n").to_owned();
    let script = || Script {
        greeting: format!("{greeting}\r\n"),
        ehlo: ehlo.clone(),
        ..Script::default()
    };
    let run = run_all_splits(&ClientSpec::default(), script);
    // Postfix offers CHUNKING, so the message goes in one BDAT LAST chunk.
    assert_eq!(run.verbs(), ["EHLO", "MAIL", "RCPT", "BDAT", "QUIT"]);
    let size = run
        .client
        .decisions()
        .iter()
        .find(|d| d.topic == Topic::Size)
        .unwrap();
    assert_eq!(size.offered, "SIZE 10240000");
    assert!(matches!(
        run.client
            .decisions()
            .iter()
            .find(|d| d.topic == Topic::Pipelining)
            .unwrap()
            .choice,
        Choice::Pipeline { commands: 3 }
    ));
}

#[test]
fn swaks_transcripts_parse_as_replies() {
    let relay = swaks_server_bytes(
        &String::from_utf8(fixture("postfix-3.7-cyrus/swaks-relay-denied.txt")).unwrap(),
    );
    let plain = swaks_server_bytes(
        &String::from_utf8(fixture("postfix-3.7-cyrus/swaks-auth-PLAIN.txt")).unwrap(),
    );
    for split in SPLITS {
        let codes: Vec<u16> = replies(&relay, split)
            .iter()
            .map(|r| r.code.value())
            .collect();
        assert_eq!(codes, [220, 250, 250, 554, 221], "{split:?}");
        let codes: Vec<u16> = replies(&plain, split)
            .iter()
            .map(|r| r.code.value())
            .collect();
        assert_eq!(codes, [220, 250, 235, 250, 250, 354, 250, 221], "{split:?}");
    }
}

#[test]
fn postfix_relay_denial_is_explained_and_nothing_is_sent() {
    let transcript =
        String::from_utf8(fixture("postfix-3.7-cyrus/swaks-relay-denied.txt")).unwrap();
    let all = replies(
        &swaks_server_bytes(&transcript),
        client_support::Split::Whole,
    );
    let wire = |reply: &Reply| reply.to_string();
    let denial = wire(&all[3]);
    assert_eq!(
        denial,
        "554 5.7.1 <b@elsewhere.invalid>: Relay access denied\r\n"
    );
    let script = || Script {
        greeting: wire(&all[0]),
        ehlo: wire(&all[1]),
        mail: wire(&all[2]),
        rcpt: Box::new({
            let denial = denial.clone();
            move |_, _| denial.clone()
        }),
        data: "554 5.5.1 Error: no valid recipients\r\n".into(),
        ..Script::default()
    };
    let spec = ClientSpec {
        message: esmtp_playground::client::MessageSpec {
            to: vec!["b@elsewhere.invalid".into()],
            ..Default::default()
        },
        ..ClientSpec::default()
    };
    let run = run_all_splits(&spec, script);
    assert!(run.messages.is_empty());
    assert_eq!(
        run.verbs(),
        ["EHLO", "MAIL", "RCPT", "BDAT", "RSET", "QUIT"]
    );
    let refused = run
        .events
        .iter()
        .find(|e| matches!(e.kind, ClientEventKind::RecipientRefused { .. }))
        .unwrap();
    assert!(
        refused
            .explanation
            .contains("554 permanent failure, do not retry unchanged (5yz); 5.7.1 Delivery not authorized, message refused"),
        "{}",
        refused.explanation
    );
    assert_eq!(
        run.client.outcome().refused[0].text,
        "<b@elsewhere.invalid>: Relay access denied"
    );
}

#[test]
fn old_servers_auth_equals_lines_and_odd_spacing() {
    let sendmail = fixture("hand-written/sendmail-style-greeting-ehlo.bin");
    let exchange = fixture("hand-written/exchange-style-greeting-ehlo.bin");
    for split in SPLITS {
        let from_sendmail = replies(&sendmail, split);
        assert_eq!(from_sendmail.len(), 2);
        let caps = ehlo_capabilities(&from_sendmail[1]);
        assert_eq!(
            caps.auth_mechanisms(),
            ["LOGIN", "PLAIN"],
            "AUTH and AUTH= merged"
        );
        assert_eq!(caps.size(), Some(None), "SIZE with no number");
        assert!(caps.has("DELIVERBY") && caps.has("HELP"));

        let from_exchange = replies(&exchange, split);
        assert_eq!(from_exchange.len(), 2);
        assert_eq!(from_exchange[0].lines.len(), 2, "multi-line greeting");
        let caps = ehlo_capabilities(&from_exchange[1]);
        assert_eq!(
            caps.size(),
            Some(Some(36_700_160)),
            "double and trailing spaces"
        );
        assert!(caps.has("8BITMIME"), "lower-case keyword");
        assert_eq!(caps.auth_mechanisms(), ["GSSAPI", "NTLM", "LOGIN"]);
        assert!(caps.has("X-EXPS") && caps.has("XEXCH50") && caps.has("OK"));
    }
}

#[test]
fn client_with_old_servers() {
    let sendmail =
        String::from_utf8(fixture("hand-written/sendmail-style-greeting-ehlo.bin")).unwrap();
    let (greeting, ehlo) = sendmail.split_once("\r\n").unwrap();
    let run = run_all_splits(&ClientSpec::default(), || Script {
        greeting: format!("{greeting}\r\n"),
        ehlo: ehlo.to_owned(),
        ..Script::default()
    });
    assert!(
        run.commands[1].contains(" SIZE="),
        "SIZE offered without a limit"
    );
    assert_eq!(run.messages.len(), 1);

    let helo_only =
        String::from_utf8(fixture("hand-written/helo-only-greeting-ehlo-helo.bin")).unwrap();
    let lines: Vec<&str> = helo_only.split_inclusive("\r\n").collect();
    let run = run_all_splits(&ClientSpec::default(), || Script {
        greeting: lines[0].to_owned(),
        ehlo: lines[1].to_owned(),
        helo: lines[2].to_owned(),
        ..Script::default()
    });
    assert_eq!(
        run.verbs(),
        ["EHLO", "HELO", "MAIL", "RCPT", "DATA", "QUIT"]
    );
    assert_eq!(run.commands[2], "MAIL FROM:<alice@example.net>");
}
