//! The client against scripted server replies: the behaviours the current server engine
//! cannot show (HELO-only servers, relay refusals, silent servers…), each fed whole, line
//! by line and one octet at a time.

mod client_support;

use client_support::run as run_once;
use client_support::{run_all_splits, RcptRule, Script, Split, START};
use esmtp_playground::client::{
    Choice, Client, ClientEventKind, ClientSpec, EightBitPolicy, Header, HelloMode, MessageSpec,
    PipeliningMode, RawLine, SpecError, Step, Topic, TransferEncoding,
};
use esmtp_playground::time::MINUTE;

const NO_PIPELINING_EHLO: &str =
    "250-mx.example.org\r\n250-SIZE 10240000\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n";

fn spec_with(message: MessageSpec) -> ClientSpec {
    ClientSpec {
        message,
        ..ClientSpec::default()
    }
}

fn three_recipients() -> MessageSpec {
    MessageSpec {
        to: vec!["bob@example.org".into(), "carol@example.org".into()],
        cc: vec!["dave@elsewhere.example".into()],
        ..MessageSpec::default()
    }
}

fn choices(run: &client_support::Run, topic: Topic) -> Vec<Choice> {
    run.client
        .decisions()
        .iter()
        .filter(|d| d.topic == topic)
        .map(|d| d.choice.clone())
        .collect()
}

#[test]
fn default_session_pipelines_and_declares_size() {
    let run = run_all_splits(&ClientSpec::default(), Script::default);
    assert_eq!(run.verbs(), ["EHLO", "MAIL", "RCPT", "DATA", "QUIT"]);
    let size = run.messages[0].len();
    assert_eq!(
        run.commands[1],
        format!("MAIL FROM:<alice@example.net> SIZE={size}")
    );
    // EHLO, the MAIL/RCPT/DATA group, the message, QUIT.
    assert_eq!(run.client.round_trips(), 4);
    let decision = run
        .client
        .decisions()
        .iter()
        .find(|d| d.topic == Topic::Size)
        .unwrap();
    assert_eq!(decision.used, format!("SIZE={size}"));
    assert!(decision.why.contains("SIZE 10240000"), "{}", decision.why);
    assert_eq!(run.client.outcome().delivered, ["bob@example.org"]);
    assert!(run.client.is_closed());
}

#[test]
fn ehlo_refused_with_500_or_502_falls_back_to_helo_without_extensions() {
    for code in [
        "500 5.5.2 Syntax error, command unrecognized",
        "502 Command not implemented",
    ] {
        let script = || Script {
            ehlo: format!("{code}\r\n"),
            ..Script::default()
        };
        let spec = spec_with(MessageSpec {
            body: "Grüße\n".into(),
            ..MessageSpec::default()
        });
        let run = run_all_splits(&spec, script);
        assert_eq!(
            run.verbs(),
            ["EHLO", "HELO", "MAIL", "RCPT", "DATA", "QUIT"],
            "{code}"
        );
        assert_eq!(
            run.commands[2], "MAIL FROM:<alice@example.net>",
            "no SIZE, no BODY"
        );
        assert!(run.client.capabilities().extensions.is_empty());
        assert_eq!(choices(&run, Topic::Greeting), [Choice::HeloFallback]);
        assert_eq!(choices(&run, Topic::Pipelining), [Choice::LockStep]);
        // No 8BITMIME after HELO: the 8-bit body is downgraded.
        let text = run.message_text(0);
        assert!(text.contains("Content-Transfer-Encoding: quoted-printable\r\n"));
        assert!(text.contains("Gr=C3=BC=C3=9Fe"), "{text}");
        assert!(run.writes >= 6, "lock-step");
    }
}

#[test]
fn helo_mode_never_sends_ehlo() {
    let spec = ClientSpec {
        hello: HelloMode::Helo,
        ..ClientSpec::default()
    };
    let run = run_all_splits(&spec, Script::default);
    assert_eq!(run.verbs(), ["HELO", "MAIL", "RCPT", "DATA", "QUIT"]);
    assert_eq!(choices(&run, Topic::Greeting), [Choice::Helo]);
}

#[test]
fn ehlo_refused_otherwise_ends_with_quit() {
    let run = run_once(
        ClientSpec::default(),
        Script {
            ehlo: "554 5.7.1 go away\r\n".into(),
            ..Script::default()
        },
        Split::Whole,
    );
    assert_eq!(run.verbs(), ["EHLO", "QUIT"]);
    // No enhanced code is read from an EHLO reply (RFC 2034 §3), only the class.
    assert!(run.explanations().contains("554 permanent failure"));
}

#[test]
fn eight_bit_body_uses_8bitmime_when_offered() {
    let spec = spec_with(MessageSpec {
        subject: "Ünïcödé".into(),
        body: "Ça va? 日本語\n".into(),
        ..MessageSpec::default()
    });
    let run = run_all_splits(&spec, Script::default);
    assert!(
        run.commands[1].ends_with(" BODY=8BITMIME"),
        "{}",
        run.commands[1]
    );
    let text = run.message_text(0);
    assert!(text.contains("Content-Transfer-Encoding: 8bit\r\n"));
    assert!(text.contains("Content-Type: text/plain; charset=utf-8\r\n"));
    assert!(text.ends_with("\r\n\r\nÇa va? 日本語\r\n"));
    assert!(text.contains("Subject: =?UTF-8?B?"));
    assert_eq!(
        choices(&run, Topic::Body),
        [Choice::Encode {
            encoding: TransferEncoding::EightBit,
            body_8bitmime: true
        }]
    );
}

#[test]
fn seven_bit_body_sends_no_body_parameter() {
    let run = run_once(ClientSpec::default(), Script::default(), Split::Whole);
    assert!(!run.commands[1].contains("BODY="));
    assert!(run
        .message_text(0)
        .contains("Content-Transfer-Encoding: 7bit\r\n"));
}

#[test]
fn no_8bitmime_downgrades_or_refuses_per_spec() {
    let body = "naïve café\n.leading dot\n";
    let script = || Script {
        ehlo: NO_PIPELINING_EHLO.replace("250 8BITMIME", "250 DSN"),
        ..Script::default()
    };
    let downgrade = spec_with(MessageSpec {
        body: body.into(),
        ..MessageSpec::default()
    });
    let run = run_all_splits(&downgrade, script);
    assert!(!run.commands[1].contains("BODY="));
    let text = run.message_text(0);
    assert!(text.is_ascii());
    assert!(text.contains("MIME-Version: 1.0\r\n"));
    assert!(text.contains("Content-Type: text/plain; charset=utf-8\r\n"));
    assert!(text.contains("Content-Transfer-Encoding: quoted-printable\r\n"));
    let (_, encoded) = text.split_once("\r\n\r\n").unwrap();
    let decoded = quoted_printable::decode(encoded, quoted_printable::ParseMode::Strict).unwrap();
    assert_eq!(
        String::from_utf8(decoded).unwrap(),
        "naïve café\r\n.leading dot\r\n"
    );

    let refuse = ClientSpec {
        eight_bit: EightBitPolicy::Refuse,
        ..downgrade
    };
    let run = run_all_splits(&refuse, script);
    assert_eq!(run.verbs(), ["EHLO", "QUIT"]);
    assert!(run.messages.is_empty());
    assert_eq!(choices(&run, Topic::Body), [Choice::RefuseEightBit]);
    assert_eq!(run.client.outcome().undelivered, ["bob@example.org"]);
}

#[test]
fn message_over_the_size_limit_is_not_sent() {
    let spec = spec_with(MessageSpec {
        body: "x".repeat(3000),
        ..MessageSpec::default()
    });
    let script = || Script {
        ehlo: "250-mx.example.org\r\n250-PIPELINING\r\n250 SIZE 1000\r\n".into(),
        ..Script::default()
    };
    let run = run_all_splits(&spec, script);
    assert_eq!(run.verbs(), ["EHLO", "QUIT"]);
    let [Choice::TooBig { octets, limit }] = choices(&run, Topic::Size)[..] else {
        panic!("{:?}", run.client.decisions())
    };
    assert_eq!(limit, 1000);
    assert!(octets > 3000);
    assert!(run
        .explanations()
        .contains("over the server's limit of 1000"));
}

#[test]
fn size_offered_without_a_limit_is_still_declared() {
    let run = run_once(
        ClientSpec::default(),
        Script {
            ehlo: "250-mx\r\n250 SIZE\r\n".into(),
            ..Script::default()
        },
        Split::Whole,
    );
    assert!(run.commands[1].contains(" SIZE="));
}

#[test]
fn no_pipelining_means_lock_step_and_more_round_trips() {
    let spec = spec_with(three_recipients());
    let pipelined = run_all_splits(&spec, Script::default);
    let lock_step = run_all_splits(&spec, || Script {
        ehlo: NO_PIPELINING_EHLO.into(),
        ..Script::default()
    });
    let switched_off = run_all_splits(
        &ClientSpec {
            pipelining: PipeliningMode::Off,
            ..spec.clone()
        },
        Script::default,
    );
    assert_eq!(pipelined.verbs(), lock_step.verbs());
    assert_eq!(pipelined.client.round_trips(), 4);
    assert_eq!(
        lock_step.client.round_trips(),
        8,
        "EHLO MAIL RCPT×3 DATA message QUIT"
    );
    assert_eq!(switched_off.client.round_trips(), 8);
    assert_eq!(
        choices(&pipelined, Topic::Pipelining),
        [Choice::Pipeline { commands: 5 }]
    );
    assert_eq!(choices(&lock_step, Topic::Pipelining), [Choice::LockStep]);
    let pipelined_flags: Vec<bool> = pipelined
        .kinds()
        .iter()
        .filter_map(|k| match k {
            ClientEventKind::CommandSent { pipelined, .. } => Some(*pipelined),
            _ => None,
        })
        .collect();
    assert_eq!(
        pipelined_flags,
        [false, false, true, true, true, true, false]
    );
}

#[test]
fn one_rcpt_per_distinct_address_and_no_bcc_header() {
    let spec = spec_with(MessageSpec {
        to: vec!["bob@example.org".into(), "carol@example.org".into()],
        cc: vec!["bob@example.org".into()],
        bcc: vec![
            "carol@EXAMPLE.org".into(),
            "secret@example.org".into(),
            "Secret@example.org".into(),
        ],
        ..MessageSpec::default()
    });
    let run = run_all_splits(&spec, Script::default);
    let rcpts: Vec<&String> = run
        .commands
        .iter()
        .filter(|c| c.starts_with("RCPT"))
        .collect();
    assert_eq!(
        rcpts,
        [
            "RCPT TO:<bob@example.org>",
            "RCPT TO:<carol@example.org>",
            "RCPT TO:<secret@example.org>",
            "RCPT TO:<Secret@example.org>"
        ]
    );
    let text = run.message_text(0);
    assert!(!text.to_ascii_lowercase().contains("secret@example.org"));
    assert!(!text.to_ascii_lowercase().contains("\nbcc:"));
    assert!(text.contains("To: bob@example.org, carol@example.org\r\n"));
    assert!(text.contains("Cc: bob@example.org\r\n"));
}

fn relay_rule() -> RcptRule {
    Box::new(|address: &str, _| {
        if address.ends_with("@example.org") {
            "250 2.1.5 Ok\r\n".into()
        } else {
            format!("550 5.7.1 <{address}>: Relay access denied\r\n")
        }
    })
}

#[test]
fn refused_recipients_are_reported_and_the_rest_still_get_the_message() {
    for mode in [PipeliningMode::Auto, PipeliningMode::Off] {
        let spec = ClientSpec {
            pipelining: mode,
            ..spec_with(three_recipients())
        };
        let run = run_all_splits(&spec, || Script {
            rcpt: relay_rule(),
            ..Script::default()
        });
        assert_eq!(run.messages.len(), 1);
        let outcome = run.client.outcome();
        assert_eq!(outcome.delivered, ["bob@example.org", "carol@example.org"]);
        assert_eq!(outcome.refused.len(), 1);
        assert_eq!(outcome.refused[0].address, "dave@elsewhere.example");
        assert_eq!(outcome.refused[0].code.value(), 550);
        let refused = run
            .events
            .iter()
            .find(|e| matches!(e.kind, ClientEventKind::RecipientRefused { .. }))
            .unwrap();
        assert!(
            refused
                .explanation
                .contains("5.7.1 Delivery not authorized, message refused (permanent failure)"),
            "{}",
            refused.explanation
        );
    }
}

#[test]
fn no_recipient_accepted_means_rset_and_no_data() {
    let spec = spec_with(MessageSpec {
        to: vec!["x@elsewhere.example".into()],
        ..MessageSpec::default()
    });
    let lock_step = run_all_splits(
        &ClientSpec {
            pipelining: PipeliningMode::Off,
            ..spec.clone()
        },
        || Script {
            rcpt: relay_rule(),
            ..Script::default()
        },
    );
    assert_eq!(lock_step.verbs(), ["EHLO", "MAIL", "RCPT", "RSET", "QUIT"]);
    assert!(lock_step.messages.is_empty());
    // Pipelined, DATA already went out; a correct server refuses it, then RSET.
    let pipelined = run_all_splits(&spec, || Script {
        rcpt: relay_rule(),
        data: "554 5.5.1 Error: no valid recipients\r\n".into(),
        ..Script::default()
    });
    assert_eq!(
        pipelined.verbs(),
        ["EHLO", "MAIL", "RCPT", "DATA", "RSET", "QUIT"]
    );
    assert!(pipelined.messages.is_empty());
    assert!(pipelined.client.outcome().delivered.is_empty());
}

#[test]
fn too_many_recipients_go_in_a_following_transaction() {
    let recipients: Vec<String> = (1..=5).map(|n| format!("user{n}@example.org")).collect();
    let spec = spec_with(MessageSpec {
        to: recipients.clone(),
        ..MessageSpec::default()
    });
    let limit_two = || Script {
        rcpt: Box::new(|_: &str, index| {
            if index <= 2 {
                "250 2.1.5 Ok\r\n".into()
            } else {
                "452 4.5.3 Error: too many recipients\r\n".into()
            }
        }),
        ..Script::default()
    };
    for mode in [PipeliningMode::Auto, PipeliningMode::Off] {
        let run = run_all_splits(
            &ClientSpec {
                pipelining: mode,
                ..spec.clone()
            },
            limit_two,
        );
        assert_eq!(run.messages.len(), 3, "{mode:?}: 2 + 2 + 1");
        assert_eq!(
            run.messages[0], run.messages[2],
            "the same message each time"
        );
        assert_eq!(run.client.outcome().delivered, recipients);
        assert_eq!(run.client.outcome().messages_accepted, 3);
        assert!(run.client.outcome().refused.is_empty());
        assert_eq!(run.verbs().iter().filter(|v| *v == "MAIL").count(), 3);
        let next: Vec<Choice> = choices(&run, Topic::Recipients);
        assert_eq!(
            next,
            [
                Choice::NextTransaction { recipients: 3 },
                Choice::NextTransaction { recipients: 1 }
            ],
            "{mode:?}"
        );
    }
}

#[test]
fn a_452_with_no_progress_gives_up_instead_of_looping() {
    let run = run_once(
        ClientSpec::default(),
        Script {
            rcpt: Box::new(|_, _| "452 4.5.3 Too many recipients\r\n".into()),
            data: "554 5.5.1 no valid recipients\r\n".into(),
            ..Script::default()
        },
        Split::Whole,
    );
    assert_eq!(
        run.verbs(),
        ["EHLO", "MAIL", "RCPT", "DATA", "RSET", "QUIT"]
    );
    assert_eq!(run.client.outcome().undelivered, ["bob@example.org"]);
}

#[test]
fn mail_refused_ends_with_quit() {
    for reply in [
        "553 5.7.1 <alice@example.net>: Sender address rejected\r\n",
        "451 4.3.0 try later\r\n",
    ] {
        let lock_step = ClientSpec {
            pipelining: PipeliningMode::Off,
            ..ClientSpec::default()
        };
        let run = run_all_splits(&lock_step, || Script {
            mail: reply.into(),
            ..Script::default()
        });
        assert_eq!(run.verbs(), ["EHLO", "MAIL", "QUIT"], "{reply}");
        // Pipelined: the RCPT and DATA replies are read, then QUIT.
        let run = run_all_splits(&ClientSpec::default(), || Script {
            mail: reply.into(),
            rcpt: Box::new(|_, _| "503 5.5.1 Error: need MAIL command\r\n".into()),
            data: "503 5.5.1 Error: need RCPT command\r\n".into(),
            ..Script::default()
        });
        assert_eq!(
            run.verbs(),
            ["EHLO", "MAIL", "RCPT", "DATA", "QUIT"],
            "{reply}"
        );
        assert!(run.messages.is_empty());
        assert_eq!(run.client.outcome().undelivered, ["bob@example.org"]);
    }
}

#[test]
fn data_and_message_refusals_end_with_quit() {
    let run = run_once(
        ClientSpec::default(),
        Script {
            data: "451 4.3.0 not now\r\n".into(),
            ..Script::default()
        },
        Split::Whole,
    );
    assert_eq!(run.verbs(), ["EHLO", "MAIL", "RCPT", "DATA", "QUIT"]);
    let run = run_once(
        ClientSpec::default(),
        Script {
            end_of_data: "554 5.6.0 content rejected\r\n".into(),
            ..Script::default()
        },
        Split::Whole,
    );
    assert_eq!(run.verbs(), ["EHLO", "MAIL", "RCPT", "DATA", "QUIT"]);
    assert_eq!(run.messages.len(), 1);
    assert_eq!(run.client.outcome().undelivered, ["bob@example.org"]);
    assert!(run
        .explanations()
        .contains("5.6.0 Other or undefined media error"));
}

#[test]
fn greeting_554_gets_quit_and_421_anywhere_closes_without_quit() {
    let run = run_once(
        ClientSpec::default(),
        Script {
            greeting: "554 5.3.2 no service\r\n".into(),
            ..Script::default()
        },
        Split::Whole,
    );
    assert_eq!(run.verbs(), ["QUIT"]);
    let run = run_once(
        ClientSpec::default(),
        Script {
            mail: "421 4.3.2 shutting down\r\n".into(),
            ..Script::default()
        },
        Split::Whole,
    );
    assert_eq!(run.verbs(), ["EHLO", "MAIL", "RCPT", "DATA"]);
    assert!(run.client.is_closed());
    assert!(matches!(run.kinds().last(), Some(ClientEventKind::Closed)));
}

#[test]
fn quit_after_each_step_like_swaks() {
    let cases: [(Step, &[&str]); 6] = [
        (Step::Greeting, &["QUIT"]),
        (Step::Ehlo, &["EHLO", "QUIT"]),
        (Step::Auth, &["EHLO", "QUIT"]),
        (Step::Mail, &["EHLO", "MAIL", "QUIT"]),
        (
            Step::Rcpt,
            &["EHLO", "MAIL", "RCPT", "RCPT", "RCPT", "QUIT"],
        ),
        (
            Step::Data,
            &["EHLO", "MAIL", "RCPT", "RCPT", "RCPT", "DATA", "QUIT"],
        ),
    ];
    for (step, verbs) in cases {
        let spec = ClientSpec {
            quit_after: Some(step),
            ..spec_with(three_recipients())
        };
        let run = run_all_splits(&spec, Script::default);
        assert_eq!(run.verbs(), verbs, "{step:?}");
        assert_eq!(
            run.messages.len(),
            usize::from(step == Step::Data),
            "{step:?}"
        );
        assert!(run.explanations().contains("--quit-after"), "{step:?}");
    }
}

#[test]
fn raw_lines_are_sent_as_typed_at_their_point() {
    let spec = ClientSpec {
        raw_lines: vec![
            RawLine {
                after: Step::Greeting,
                line: "XYZZY plugh".into(),
            },
            RawLine {
                after: Step::Mail,
                line: "MAIL FROM:<second@example.net>".into(),
            },
            RawLine {
                after: Step::Data,
                line: "NOOP ünïcode".into(),
            },
        ],
        ..ClientSpec::default()
    };
    let run = run_all_splits(&spec, || Script {
        mail: "250 2.1.0 Ok\r\n".into(),
        ..Script::default()
    });
    assert_eq!(
        run.commands,
        [
            "XYZZY plugh",
            "EHLO client.example.net",
            &format!(
                "MAIL FROM:<alice@example.net> SIZE={}",
                run.messages[0].len()
            ),
            "MAIL FROM:<second@example.net>",
            "RCPT TO:<bob@example.org>",
            "DATA",
            "NOOP ünïcode",
            "QUIT",
        ]
    );
    let typed = "\r\nNOOP ünïcode\r\n".as_bytes();
    assert!(run.sent.windows(typed.len()).any(|w| w == typed));
    // A raw line at MAIL keeps the first group from passing it.
    assert_eq!(
        choices(&run, Topic::Pipelining),
        [Choice::Pipeline { commands: 1 }]
    );
}

#[test]
fn values_with_cr_lf_or_nul_are_refused_before_anything_is_sent() {
    let base = ClientSpec::default();
    let mut cases: Vec<(ClientSpec, &str)> = Vec::new();
    let mut spec = base.clone();
    spec.hostname = "client.example\r\nMAIL FROM:<x@y>".into();
    cases.push((spec, "hostname contains CR"));
    let mut spec = base.clone();
    spec.message.to = vec!["bob@example.org>\r\nRCPT TO:<eve@evil.example".into()];
    cases.push((spec, "recipient address contains CR"));
    let mut spec = base.clone();
    spec.message.from = "alice@example.net\0".into();
    cases.push((spec, "From address contains NUL"));
    let mut spec = base.clone();
    spec.message.headers = vec![Header {
        name: "X-Test".into(),
        value: "a\nBcc: eve@evil.example".into(),
    }];
    cases.push((spec, "X-Test header contains LF"));
    let mut spec = base.clone();
    spec.message.date = Some("today\r\n".into());
    cases.push((spec, "Date header contains CR"));
    let mut spec = base.clone();
    spec.raw_lines = vec![RawLine {
        after: Step::Greeting,
        line: "NOOP\r\nQUIT".into(),
    }];
    cases.push((spec, "raw line 1 contains CR"));
    for (spec, expected) in cases {
        let error = Client::new(spec, START, 1).unwrap_err();
        assert!(matches!(error, SpecError::LineBreak { .. }), "{error:?}");
        let text = error.to_string();
        assert!(text.contains(expected), "{text} / {expected}");
        assert!(text.contains("refused before sending"), "{text}");
    }
}

#[test]
fn long_lines_are_folded_or_encoded_and_never_bare_lf() {
    let long_subject = "word ".repeat(300);
    let spec = spec_with(MessageSpec {
        subject: long_subject.trim_end().into(),
        body: format!("short\n{}\r\nlone\rcr and lone\nlf\n", "k".repeat(2500)),
        ..MessageSpec::default()
    });
    let run = run_all_splits(&spec, Script::default);
    let text = run.message_text(0);
    assert!(text.split("\r\n").all(|line| line.len() <= 998));
    assert!(text.contains("Content-Transfer-Encoding: quoted-printable\r\n"));
    assert!(!run.commands[1].contains("BODY="), "QP is 7-bit");
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(
        head.lines().filter(|l| l.starts_with(' ')).count() > 10,
        "folded"
    );
    let decoded = quoted_printable::decode(body, quoted_printable::ParseMode::Strict).unwrap();
    assert_eq!(
        String::from_utf8(decoded).unwrap(),
        format!(
            "short\r\n{}\r\nlone\r\ncr and lone\r\nlf\r\n",
            "k".repeat(2500)
        )
    );
}

#[test]
fn dot_stuffing_survives_the_round_trip() {
    let spec = spec_with(MessageSpec {
        body: ".\n..\n. x\nmid.dle\n.".into(),
        ..MessageSpec::default()
    });
    let run = run_all_splits(&spec, Script::default);
    assert!(run.sent.windows(7).any(|w| w == b"\r\n..\r\n.".as_slice()));
    assert!(run
        .message_text(0)
        .ends_with("\r\n\r\n.\r\n..\r\n. x\r\nmid.dle\r\n.\r\n"));
}

fn waiting_client(spec: ClientSpec) -> Client {
    Client::new(spec, START, 3).unwrap()
}

fn timed_out(client: &mut Client) -> (String, u64) {
    let mut found = None;
    while let Some(event) = client.poll_event() {
        if let ClientEventKind::TimedOut {
            waiting_for,
            limit_ms,
        } = event.kind
        {
            found = Some((waiting_for, limit_ms));
        }
    }
    found.expect("a timeout event")
}

#[test]
fn silent_server_times_out_per_command() {
    // Greeting: 5 minutes.
    let mut client = waiting_client(ClientSpec::default());
    assert_eq!(client.poll_timeout(), Some(START + 5 * MINUTE));
    client.handle_timeout(START + 5 * MINUTE - 1);
    assert!(!client.is_closed());
    client.handle_timeout(START + 5 * MINUTE);
    assert!(client.is_closed());
    assert_eq!(timed_out(&mut client), ("greeting".into(), 5 * MINUTE));
    assert_eq!(client.poll_timeout(), None);
    assert!(
        client.take_output().is_empty(),
        "no QUIT to a silent server"
    );

    // Lock-step steps: MAIL and RCPT 5 min, DATA initiation 2 min, termination 10 min.
    let lock_step = ClientSpec {
        pipelining: PipeliningMode::Off,
        ..ClientSpec::default()
    };
    let replies: [(&str, &str, u64); 4] = [
        ("220 mx\r\n250 mx\r\n", "MAIL", 5 * MINUTE),
        ("220 mx\r\n250 mx\r\n250 ok\r\n", "RCPT", 5 * MINUTE),
        (
            "220 mx\r\n250 mx\r\n250 ok\r\n250 ok\r\n",
            "DATA",
            2 * MINUTE,
        ),
        (
            "220 mx\r\n250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n",
            "end of data",
            10 * MINUTE,
        ),
    ];
    for (script, waiting_for, limit) in replies {
        let mut client = waiting_client(lock_step.clone());
        let at = START + 1000;
        client.receive(script.as_bytes(), at);
        assert_eq!(client.poll_timeout(), Some(at + limit), "{waiting_for}");
        client.handle_timeout(at + limit);
        assert_eq!(timed_out(&mut client), (waiting_for.to_owned(), limit));
        assert!(client.is_closed());
    }
}

#[test]
fn each_reply_restarts_the_timer() {
    let mut client = waiting_client(ClientSpec::default());
    client.receive(b"220 mx\r\n", START + 4 * MINUTE);
    assert_eq!(client.poll_timeout(), Some(START + 9 * MINUTE));
}

#[test]
fn malformed_and_overlong_replies_are_reported_not_fatal_to_the_process() {
    for bad in [
        "hello there\r\n".to_owned(),
        format!("220 {}\r\n", "x".repeat(600)),
        "220-mx\r\n250 mixed codes\r\n".to_owned(),
        "22\r\n".to_owned(),
        "2200 four digits\r\n".to_owned(),
    ] {
        let mut client = waiting_client(ClientSpec::default());
        client.receive(bad.as_bytes(), START + 1);
        let mut kinds = Vec::new();
        while let Some(event) = client.poll_event() {
            kinds.push(event.kind);
        }
        assert!(
            kinds
                .iter()
                .any(|k| matches!(k, ClientEventKind::MalformedReply { .. })),
            "{bad:?}: {kinds:?}"
        );
        assert!(client.is_closed(), "{bad:?}");
        client.receive(b"220 more\r\n", START + 2);
    }
}

#[test]
fn multi_line_replies_with_odd_spacing_parse() {
    let run = run_all_splits(&ClientSpec::default(), || {
        Script {
        greeting: "220-mx.example.org ESMTP\r\n220-no UCE\r\n220 welcome\r\n".into(),
        ehlo: "250-mx.example.org Hello\r\n250-SIZE   2048000\r\n250-AUTH=LOGIN PLAIN\r\n250-pipelining\r\n250 8bitmime\r\n".into(),
        ..Script::default()
    }
    });
    let caps = run.client.capabilities();
    assert_eq!(caps.size(), Some(Some(2_048_000)));
    assert_eq!(caps.auth_mechanisms(), ["LOGIN", "PLAIN"]);
    assert!(caps.has("PIPELINING") && caps.has("8BITMIME"));
    assert_eq!(
        run.client.round_trips(),
        4,
        "lower-case keywords still pipeline"
    );
}

#[test]
fn capabilities_event_lists_the_offer() {
    let run = run_once(ClientSpec::default(), Script::default(), Split::Whole);
    let event = run
        .events
        .iter()
        .find(|e| matches!(e.kind, ClientEventKind::CapabilitiesLearned { .. }))
        .unwrap();
    assert_eq!(
        event.explanation,
        "The server offers: PIPELINING, SIZE 10240000, VRFY, ETRN, ENHANCEDSTATUSCODES, 8BITMIME, DSN."
    );
}

#[test]
fn decisions_serialize_as_camel_case_json() {
    let run = run_once(ClientSpec::default(), Script::default(), Split::Whole);
    let json = serde_json::to_value(run.client.decisions()).unwrap();
    let size = json
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["topic"] == "size")
        .unwrap();
    assert_eq!(size["choice"], "declareSize");
    assert_eq!(size["offered"], "SIZE 10240000");
    assert!(size["octets"].as_u64().unwrap() > 100);
    assert_eq!(size["rfc"], "RFC 1870 §6");
    let body = json
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["topic"] == "body")
        .unwrap();
    assert_eq!(body["encoding"], "sevenBit");
    assert_eq!(body["body8bitmime"], false);
}

#[test]
fn spec_reads_camel_case_json_with_defaults() {
    let spec: ClientSpec = serde_json::from_str(
        r#"{"hello":"HELO","pipelining":"off","eightBit":"refuse","quitAfter":"rcpt",
            "rawLines":[{"after":"greeting","line":"NOOP"}],
            "message":{"to":["x@example.org"],"messageId":"a@b","date":"Mon, 1 Jan 2001 00:00:00 +0000",
                       "headers":[{"name":"X-A","value":"1"}]}}"#,
    )
    .unwrap();
    assert_eq!(spec.hello, HelloMode::Helo);
    assert_eq!(spec.pipelining, PipeliningMode::Off);
    assert_eq!(spec.eight_bit, EightBitPolicy::Refuse);
    assert_eq!(spec.quit_after, Some(Step::Rcpt));
    assert_eq!(spec.raw_lines.len(), 1);
    assert_eq!(spec.message.message_id.as_deref(), Some("a@b"));
    assert_eq!(spec.message.from, "alice@example.net", "default kept");
    assert_eq!(spec.hostname, "client.example.net");
}

#[test]
fn size_refused_at_mail_ends_with_quit() {
    let run = run_all_splits(&ClientSpec::default(), || Script {
        mail: "552 5.3.4 Message size exceeds fixed limit\r\n".into(),
        rcpt: Box::new(|_, _| "503 5.5.1 Error: need MAIL command\r\n".into()),
        data: "503 5.5.1 Error: need RCPT command\r\n".into(),
        ..Script::default()
    });
    assert_eq!(run.verbs(), ["EHLO", "MAIL", "RCPT", "DATA", "QUIT"]);
    assert!(run
        .explanations()
        .contains("5.3.4 Message too big for system (permanent failure)"));
}

#[test]
fn a_354_without_accepted_recipients_gets_only_the_terminator() {
    let spec = spec_with(MessageSpec {
        to: vec!["x@elsewhere.example".into()],
        ..MessageSpec::default()
    });
    let run = run_all_splits(&spec, || Script {
        rcpt: relay_rule(),
        ..Script::default()
    });
    assert_eq!(run.messages, [Vec::<u8>::new()], "only '.' was sent");
    assert_eq!(
        run.verbs(),
        ["EHLO", "MAIL", "RCPT", "DATA", "RSET", "QUIT"]
    );
    assert!(run.client.outcome().delivered.is_empty());
}

#[test]
fn server_closing_early_is_reported() {
    let mut client = Client::new(ClientSpec::default(), START, 1).unwrap();
    client.receive(b"220 mx\r\n", START);
    client.handle_close(START + 5);
    let kinds: Vec<ClientEventKind> = std::iter::from_fn(|| client.poll_event())
        .map(|e| e.kind)
        .collect();
    assert!(kinds
        .iter()
        .any(|k| matches!(k, ClientEventKind::Failed { reason } if reason == "connection closed")));
    assert!(client.is_closed());
    assert_eq!(client.outcome().undelivered, ["bob@example.org"]);
}
