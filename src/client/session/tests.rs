//! The client's state table, stage by stage: each awaited reply, fed as octets, leads
//! to the stage named here (after the command that stage sends, if any).

use super::*;
use crate::client::sasl_exchange::AuthSpec;
use crate::client::spec::{RawLine, TlsPolicy};

/// Lock-step: no PIPELINING, so each transaction reply is its own step.
const EHLO: &str = "250-mx.example.org\r\n250 8BITMIME\r\n";
const EHLO_STARTTLS: &str = "250-mx.example.org\r\n250 STARTTLS\r\n";
const EHLO_AUTH: &str = "250-mx.example.org\r\n250 AUTH PLAIN\r\n";

/// The stage's name, with what a transaction waits for.
fn stage(client: &Client) -> String {
    match &client.stage {
        Stage::ExpectGreeting => "ExpectGreeting".into(),
        Stage::Greeted => "Greeted".into(),
        Stage::ExpectHello(mode) => format!("ExpectHello({mode:?})"),
        Stage::Hello => "Hello".into(),
        Stage::Negotiated(_) => "Negotiated".into(),
        Stage::ExpectStartTls => "ExpectStartTls".into(),
        Stage::ExpectTlsHandshake => "ExpectTlsHandshake".into(),
        Stage::ExpectAuth(_) => "ExpectAuth".into(),
        Stage::Transaction(InTransaction { transaction, .. }) => {
            format!("Transaction({:?})", transaction.awaiting())
        }
        Stage::ExpectRaw { .. } => "ExpectRaw".into(),
        Stage::ExpectQuit => "ExpectQuit".into(),
        Stage::Closed => "Closed".into(),
    }
}

fn client(spec: ClientSpec) -> Client {
    Client::new(spec, 0, 1).expect("valid spec")
}

/// Feeds each reply in turn, dropping the output, and returns the stage reached and
/// the last command written.
fn after(spec: ClientSpec, replies: &[&str]) -> (String, String) {
    let mut client = client(spec);
    let mut wrote = Vec::new();
    for reply in replies {
        client.receive(reply.as_bytes(), 0);
        wrote = client.take_output();
    }
    let line = String::from_utf8_lossy(&wrote);
    let first = line.lines().next().unwrap_or_default().to_owned();
    (stage(&client), first)
}

fn stage_after(spec: ClientSpec, replies: &[&str]) -> String {
    after(spec, replies).0
}

fn plain() -> ClientSpec {
    ClientSpec::default()
}

#[test]
fn greeting_220_leads_to_ehlo_and_anything_else_to_quit() {
    assert_eq!(
        after(plain(), &["220 mx.example.org ESMTP\r\n"]),
        ("ExpectHello(Ehlo)".into(), "EHLO client.example.net".into())
    );
    assert_eq!(
        after(plain(), &["554 no service\r\n"]),
        ("ExpectQuit".into(), "QUIT".into())
    );
}

#[test]
fn ehlo_replies() {
    let greeted = "220 mx\r\n";
    assert_eq!(
        after(plain(), &[greeted, EHLO]),
        (
            "Transaction(Some(Mail))".into(),
            "MAIL FROM:<alice@example.net>".into()
        )
    );
    assert_eq!(
        after(plain(), &[greeted, "502 no\r\n"]),
        ("ExpectHello(Helo)".into(), "HELO client.example.net".into())
    );
    assert_eq!(
        stage_after(plain(), &[greeted, "550 go away\r\n"]),
        "ExpectQuit"
    );
}

#[test]
fn helo_replies() {
    let spec = || ClientSpec {
        hello: HelloMode::Helo,
        ..ClientSpec::default()
    };
    assert_eq!(stage_after(spec(), &["220 mx\r\n"]), "ExpectHello(Helo)");
    assert_eq!(
        stage_after(spec(), &["220 mx\r\n", "250 hi\r\n"]),
        "Transaction(Some(Mail))"
    );
    assert_eq!(
        stage_after(spec(), &["220 mx\r\n", "550 no\r\n"]),
        "ExpectQuit"
    );
}

#[test]
fn starttls_replies() {
    let spec = |tls| ClientSpec {
        tls,
        ..ClientSpec::default()
    };
    let offered = ["220 mx\r\n", EHLO_STARTTLS];
    assert_eq!(
        after(spec(TlsPolicy::Opportunistic), &offered),
        ("ExpectStartTls".into(), "STARTTLS".into())
    );
    let ready = ["220 mx\r\n", EHLO_STARTTLS, "220 go ahead\r\n"];
    assert_eq!(
        stage_after(spec(TlsPolicy::Opportunistic), &ready),
        "ExpectTlsHandshake"
    );
    let refused = ["220 mx\r\n", EHLO_STARTTLS, "454 not now\r\n"];
    assert_eq!(
        stage_after(spec(TlsPolicy::Opportunistic), &refused),
        "Transaction(Some(Mail))"
    );
    assert_eq!(
        stage_after(spec(TlsPolicy::Required), &refused),
        "ExpectQuit"
    );
    assert_eq!(
        stage_after(spec(TlsPolicy::Required), &["220 mx\r\n", EHLO]),
        "ExpectQuit"
    );
}

#[test]
fn auth_replies() {
    let spec = || ClientSpec {
        auth: Some(AuthSpec::default()),
        ..ClientSpec::default()
    };
    let (stage, sent) = after(spec(), &["220 mx\r\n", EHLO_AUTH]);
    assert_eq!(stage, "ExpectAuth");
    assert!(sent.starts_with("AUTH PLAIN "), "{sent}");
    assert_eq!(
        stage_after(spec(), &["220 mx\r\n", EHLO_AUTH, "235 ok\r\n"]),
        "Transaction(Some(Mail))"
    );
    assert_eq!(
        stage_after(spec(), &["220 mx\r\n", EHLO_AUTH, "535 no\r\n"]),
        "ExpectQuit"
    );
    assert_eq!(
        stage_after(spec(), &["220 mx\r\n", EHLO]),
        "ExpectQuit",
        "AUTH asked for but not offered"
    );
}

#[test]
fn transaction_replies_in_lock_step() {
    let start = ["220 mx\r\n", EHLO];
    let with = |more: &[&'static str]| -> Vec<&'static str> { [&start[..], more].concat() };
    assert_eq!(
        after(plain(), &with(&["250 ok\r\n"])),
        (
            "Transaction(Some(Rcpt))".into(),
            "RCPT TO:<bob@example.org>".into()
        )
    );
    assert_eq!(stage_after(plain(), &with(&["550 no\r\n"])), "ExpectQuit");
    assert_eq!(
        after(plain(), &with(&["250 ok\r\n", "250 ok\r\n"])),
        ("Transaction(Some(Data))".into(), "DATA".into())
    );
    assert_eq!(
        stage_after(plain(), &with(&["250 ok\r\n", "550 no\r\n"])),
        "Transaction(Some(Rset))"
    );
    assert_eq!(
        stage_after(plain(), &with(&["250 ok\r\n", "550 no\r\n", "250 ok\r\n"])),
        "ExpectQuit"
    );
    assert_eq!(
        stage_after(plain(), &with(&["250 ok\r\n", "250 ok\r\n", "354 go\r\n"])),
        "Transaction(Some(EndOfData))"
    );
    assert_eq!(
        stage_after(plain(), &with(&["250 ok\r\n", "250 ok\r\n", "554 no\r\n"])),
        "ExpectQuit"
    );
    let delivered = with(&["250 ok\r\n", "250 ok\r\n", "354 go\r\n", "250 queued\r\n"]);
    assert_eq!(
        after(plain(), &delivered),
        ("ExpectQuit".into(), "QUIT".into())
    );
    let mut quit = delivered;
    quit.push("221 bye\r\n");
    assert_eq!(stage_after(plain(), &quit), "Closed");
}

#[test]
fn a_raw_line_waits_for_its_reply_then_the_session_resumes() {
    let spec = || ClientSpec {
        raw_lines: vec![RawLine {
            after: Step::Greeting,
            line: "NOOP".into(),
        }],
        ..ClientSpec::default()
    };
    assert_eq!(
        after(spec(), &["220 mx\r\n"]),
        ("ExpectRaw".into(), "NOOP".into())
    );
    assert_eq!(
        after(spec(), &["220 mx\r\n", "502 what\r\n"]),
        ("ExpectHello(Ehlo)".into(), "EHLO client.example.net".into())
    );
}

#[test]
fn a_421_closes_every_stage_but_quit() {
    let closing = "421 shutting down\r\n";
    assert_eq!(stage_after(plain(), &[closing]), "Closed");
    assert_eq!(stage_after(plain(), &["220 mx\r\n", closing]), "Closed");
    assert_eq!(
        stage_after(plain(), &["220 mx\r\n", EHLO, "250 ok\r\n", closing]),
        "Closed"
    );
    let mut client = client(plain());
    client.receive(b"554 no\r\n", 0);
    assert_eq!(stage(&client), "ExpectQuit");
    while client.poll_event().is_some() {}
    client.receive(closing.as_bytes(), 0);
    assert_eq!(stage(&client), "Closed");
    let failed = std::iter::from_fn(|| client.poll_event())
        .any(|event| matches!(event.kind, ClientEventKind::Failed { .. }));
    assert!(!failed, "a 421 to QUIT is QUIT's answer, not a failure");
}

#[test]
fn a_reply_in_a_stage_that_awaits_nothing_is_reported_and_changes_nothing() {
    let mut client = client(plain());
    let code = crate::protocol::ReplyCode::new(250).expect("valid code");
    let reply = Reply::new(code, None, "ok");
    let next = client.on_reply(Stage::Hello, &reply);
    assert!(matches!(next, Stage::Hello));
    let reported = std::iter::from_fn(|| client.poll_event()).any(|event| {
        matches!(event.kind, ClientEventKind::MalformedReply { ref problem } if problem.contains("no command asked"))
    });
    assert!(reported);
    assert!(client.take_output().is_empty());
}

#[test]
fn a_pipelined_group_waits_for_each_reply_in_order() {
    let ehlo = "250-mx.example.org\r\n250 PIPELINING\r\n";
    let mut client = client(plain());
    client.receive(b"220 mx\r\n", 0);
    client.take_output();
    client.receive(ehlo.as_bytes(), 0);
    let group = String::from_utf8_lossy(&client.take_output()).into_owned();
    let verbs: Vec<&str> = group
        .lines()
        .filter_map(|l| l.split([' ', ':']).next())
        .collect();
    assert_eq!(verbs, ["MAIL", "RCPT", "DATA"]);
    assert_eq!(stage(&client), "Transaction(Some(Mail))");
    client.receive(b"250 ok\r\n", 0);
    assert_eq!(stage(&client), "Transaction(Some(Rcpt))");
    client.receive(b"250 ok\r\n", 0);
    assert_eq!(stage(&client), "Transaction(Some(Data))");
    assert!(
        client.take_output().is_empty(),
        "nothing is sent inside a group"
    );
    client.receive(b"354 go\r\n", 0);
    assert_eq!(stage(&client), "Transaction(Some(EndOfData))");
}

#[test]
fn a_452_recipient_gets_a_new_transaction_after_the_message() {
    let spec = ClientSpec {
        message: crate::client::spec::MessageSpec {
            to: vec!["bob@example.org".into(), "carol@example.org".into()],
            ..crate::client::spec::MessageSpec::default()
        },
        ..ClientSpec::default()
    };
    let replies = [
        "220 mx\r\n",
        EHLO,
        "250 ok\r\n",
        "250 ok\r\n",
        "452 too many\r\n",
        "354 go\r\n",
        "250 queued\r\n",
    ];
    assert_eq!(
        after(spec, &replies),
        (
            "Transaction(Some(Mail))".into(),
            "MAIL FROM:<alice@example.net>".into()
        )
    );
}

#[test]
fn bdat_chunks_wait_in_lock_step_and_the_last_answers_for_the_message() {
    let spec = || ClientSpec {
        chunk_size: 16,
        ..ClientSpec::default()
    };
    let ehlo = "250-mx.example.org\r\n250 CHUNKING\r\n";
    let start = ["220 mx\r\n", ehlo, "250 ok\r\n", "250 ok\r\n"];
    let (first, sent) = after(spec(), &start);
    assert_eq!(first, "Transaction(Some(Chunk))");
    assert!(sent.starts_with("BDAT 16"), "{sent}");
    let refused = [&start[..], &["552 too big\r\n"]].concat();
    assert_eq!(stage_after(spec(), &refused), "ExpectQuit");
    let mut client = client(spec());
    for reply in start {
        client.receive(reply.as_bytes(), 0);
    }
    for _ in 0..64 {
        if stage(&client) != "Transaction(Some(Chunk))" {
            break;
        }
        client.receive(b"250 chunk ok\r\n", 0);
    }
    assert_eq!(stage(&client), "Transaction(Some(LastChunk))");
    client.receive(b"250 message ok\r\n", 0);
    assert_eq!(stage(&client), "ExpectQuit");
    assert_eq!(client.outcome().delivered, ["bob@example.org"]);
}

#[test]
fn a_5yz_to_mail_refuses_the_sender_for_good_and_a_4yz_does_not() {
    let run = |mail_reply: &str| {
        let mut client = client(plain());
        for reply in ["220 mx\r\n", EHLO, mail_reply] {
            client.receive(reply.as_bytes(), 0);
            client.take_output();
        }
        client.outcome.refused_senders.clone()
    };
    let refused = run("550 5.7.1 sender rejected\r\n");
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].address, "<alice@example.net>");
    assert_eq!(refused[0].code.to_string(), "550");
    assert!(run("451 4.3.0 try later\r\n").is_empty());
}

#[test]
fn a_message_over_the_offered_size_is_withheld_with_its_typed_decision() {
    let mut client = client(plain());
    for reply in ["220 mx\r\n", "250-mx.example.org\r\n250 SIZE 10\r\n"] {
        client.receive(reply.as_bytes(), 0);
        client.take_output();
    }
    assert_eq!(stage(&client), "ExpectQuit");
    let withheld = &client.outcome().withheld;
    assert_eq!(withheld.len(), 1);
    assert_eq!(withheld[0].sender, "<alice@example.net>");
    assert_eq!(withheld[0].recipients, ["bob@example.org"]);
    assert!(matches!(
        withheld[0].decision.choice,
        Choice::TooBig { limit: 10, .. }
    ));
    assert!(client.outcome().refused.is_empty());
}

/// The BDAT commands in `wire` with the octets each framed: `(size, last, octets)`.
fn bdat_chunks(wire: &[u8]) -> Vec<(usize, bool, Vec<u8>)> {
    let mut chunks = Vec::new();
    let mut rest = wire;
    while let Some(end) = rest.windows(2).position(|pair| pair == b"\r\n") {
        let line = String::from_utf8_lossy(&rest[..end]).into_owned();
        rest = &rest[end + 2..];
        let mut words = line.split(' ');
        if words.next() != Some("BDAT") {
            continue;
        }
        let size: usize = words.next().and_then(|n| n.parse().ok()).expect("size");
        let last = words.next() == Some("LAST");
        chunks.push((size, last, rest[..size].to_vec()));
        rest = &rest[size..];
    }
    chunks
}

#[test]
fn every_chunk_goes_once_in_order_whether_pipelined_or_in_lock_step() {
    let spec = ClientSpec {
        chunk_size: 16,
        ..ClientSpec::default()
    };
    let run = |ehlo: &str| {
        let mut client = client(spec.clone());
        let mut wire = Vec::new();
        for reply in ["220 mx\r\n", ehlo, "250 ok\r\n", "250 ok\r\n"] {
            client.receive(reply.as_bytes(), 0);
            wire.extend(client.take_output());
        }
        for _ in 0..64 {
            if stage(&client) == "ExpectQuit" {
                break;
            }
            client.receive(b"250 ok\r\n", 0);
            wire.extend(client.take_output());
        }
        assert_eq!(stage(&client), "ExpectQuit");
        assert_eq!(client.outcome().delivered, ["bob@example.org"]);
        bdat_chunks(&wire)
    };
    let lock_step = run("250-mx.example.org\r\n250 CHUNKING\r\n");
    let pipelined = run("250-mx.example.org\r\n250-PIPELINING\r\n250 CHUNKING\r\n");
    assert_eq!(lock_step, pipelined);
    assert!(lock_step.len() > 1, "the message takes several chunks");
    let (last, before) = lock_step.split_last().expect("chunks");
    assert!(before.iter().all(|(size, last, _)| *size == 16 && !last));
    assert!(last.1 && last.0 <= 16);
    let message: Vec<u8> = lock_step.iter().flat_map(|c| c.2.clone()).collect();
    assert!(message.ends_with(b"\r\n") && !message.ends_with(b"\r\n.\r\n"));
}
