//! Whatever a server sends, the client never panics, its output and events stay bounded,
//! and cutting the input differently never changes what it does.

#![cfg(not(target_arch = "wasm32"))]

mod client_support;

use esmtp_playground::client::{Client, ClientSpec, MessageSpec, PipeliningMode, Step};
use esmtp_playground::time::MINUTE;
use proptest::prelude::*;

const START: u64 = client_support::START;

/// Feeds `input` cut at `cuts`, draining output and events after each piece; returns
/// (output, number of events).
fn drive(spec: &ClientSpec, input: &[u8], cuts: &[usize], ticks: bool) -> (Vec<u8>, usize) {
    let mut client = Client::new(spec.clone(), START, 11).unwrap();
    let mut output = Vec::new();
    let mut events = 0;
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
    points.push(input.len());
    points.sort_unstable();
    let mut from = 0;
    for (step, to) in points.into_iter().enumerate() {
        client.receive(&input[from..to], START);
        from = to;
        if ticks && step % 3 == 2 {
            if let Some(deadline) = client.poll_timeout() {
                client.handle_timeout(deadline);
            }
        }
        output.extend(client.take_output());
        while client.poll_event().is_some() {
            events += 1;
        }
    }
    client.handle_close(START + MINUTE);
    while client.poll_event().is_some() {
        events += 1;
    }
    (output, events)
}

fn reply_line() -> impl Strategy<Value = String> {
    let code = prop_oneof![
        Just(220u16),
        Just(250),
        Just(354),
        Just(421),
        Just(452),
        Just(500),
        Just(502),
        Just(550),
        Just(554),
        Just(221),
        200u16..600,
    ];
    let text = prop_oneof![
        Just("PIPELINING".to_owned()),
        Just("SIZE 100".to_owned()),
        Just("SIZE".to_owned()),
        Just("8BITMIME".to_owned()),
        Just("AUTH=LOGIN PLAIN".to_owned()),
        Just("ENHANCEDSTATUSCODES".to_owned()),
        Just("5.7.1 denied".to_owned()),
        "[ -~]{0,40}",
    ];
    (code, prop_oneof![Just('-'), Just(' ')], text)
        .prop_map(|(code, sep, text)| format!("{code}{sep}{text}\r\n"))
}

fn spec_strategy() -> impl Strategy<Value = ClientSpec> {
    (
        any::<bool>(),
        any::<bool>(),
        prop_oneof![
            Just(None),
            Just(Some(Step::Ehlo)),
            Just(Some(Step::Rcpt)),
            Just(Some(Step::Data))
        ],
        1usize..6,
    )
        .prop_map(
            |(pipelining, eight_bit, quit_after, recipients)| ClientSpec {
                pipelining: if pipelining {
                    PipeliningMode::Auto
                } else {
                    PipeliningMode::Off
                },
                quit_after,
                message: MessageSpec {
                    to: (0..recipients)
                        .map(|n| format!("r{n}@example.org"))
                        .collect(),
                    body: if eight_bit {
                        "ü\n".into()
                    } else {
                        "u\n".into()
                    },
                    ..MessageSpec::default()
                },
                ..ClientSpec::default()
            },
        )
}

/// Generous bounds: each reply line leads to at most a few dozen events, and output is
/// at most the message plus a few commands per line.
fn assert_bounded(input: &[u8], output: &[u8], events: usize) {
    let lines = input.iter().filter(|b| **b == b'\n').count() + 1;
    assert!(
        events <= 40 * lines + 40,
        "{events} events for {lines} lines"
    );
    assert!(
        output.len() <= 4096 + 600 * lines,
        "{} octets out for {lines} lines",
        output.len()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_octets_never_panic(
        input in proptest::collection::vec(any::<u8>(), 0..4096),
        cuts in proptest::collection::vec(any::<usize>(), 0..16),
        ticks in any::<bool>(),
    ) {
        let spec = ClientSpec::default();
        let (output, events) = drive(&spec, &input, &cuts, ticks);
        assert_bounded(&input, &output, events);
    }

    #[test]
    fn reply_shaped_input_never_panics_and_cutting_changes_nothing(
        spec in spec_strategy(),
        lines in proptest::collection::vec(reply_line(), 0..40),
        cuts in proptest::collection::vec(any::<usize>(), 0..24),
    ) {
        let input = lines.concat().into_bytes();
        let (whole, whole_events) = drive(&spec, &input, &[], false);
        let (cut, cut_events) = drive(&spec, &input, &cuts, false);
        prop_assert_eq!(&whole, &cut);
        prop_assert_eq!(whole_events, cut_events);
        assert_bounded(&input, &whole, whole_events);
        // Whatever happened, the client never put a bare CR or LF on the wire.
        for (at, byte) in whole.iter().enumerate() {
            if *byte == b'\n' {
                prop_assert_eq!(whole.get(at.wrapping_sub(1)), Some(&b'\r'));
            }
        }
    }
}

fn body_strategy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\n".to_owned()),
        Just("\r".to_owned()),
        Just("\r\n".to_owned()),
        Just(".".to_owned()),
        Just("\r\n.\r\n".to_owned()),
        Just(" ".to_owned()),
        Just("=".to_owned()),
        Just("\0".to_owned()),
        "[a-zé€😀]{1,8}",
        "x{900,1100}",
    ];
    proptest::collection::vec(piece, 0..30).prop_map(|pieces| pieces.concat())
}

fn unfold_and_decode(message: &str) -> (String, String) {
    let (head, body) = message.split_once("\r\n\r\n").unwrap();
    let body = if head.contains("Content-Transfer-Encoding: quoted-printable") {
        let decoded = quoted_printable::decode(body, quoted_printable::ParseMode::Strict).unwrap();
        String::from_utf8(decoded).unwrap()
    } else {
        body.to_owned()
    };
    (head.replace("\r\n ", " "), body)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Whatever the user types, the wire carries CRLF only, no line over 1000 octets, a
    /// single end-of-data, and the server reads back exactly the text that was meant.
    #[test]
    fn any_message_goes_out_safely_and_arrives_intact(
        body in body_strategy(),
        subject in "[ -~é€]{0,300}",
        eight_bit_mime in any::<bool>(),
    ) {
        let spec = ClientSpec {
            message: MessageSpec { subject: subject.clone(), body: body.clone(), ..MessageSpec::default() },
            ..ClientSpec::default()
        };
        let script = client_support::Script {
            ehlo: if eight_bit_mime {
                client_support::POSTFIX_EHLO.to_owned()
            } else {
                "250-mx\r\n250-PIPELINING\r\n250 SIZE 10240000\r\n".to_owned()
            },
            ..client_support::Script::default()
        };
        let run = client_support::run(spec, script, client_support::Split::Whole);
        for line in run.sent.split(|b| *b == b'\n') {
            prop_assert!(line.len() <= 999, "line of {} octets", line.len());
        }
        prop_assert_eq!(run.messages.len(), 1);
        let text = String::from_utf8(run.messages[0].clone()).unwrap();
        let (head, received) = unfold_and_decode(&text);
        let expected = body.replace("\r\n", "\n").replace('\r', "\n").replace('\n', "\r\n");
        let expected = if expected.is_empty() || expected.ends_with("\r\n") {
            expected
        } else {
            expected + "\r\n"
        };
        prop_assert_eq!(received, expected);
        prop_assert!(head.is_ascii());
        if subject.is_ascii() {
            let wanted = format!("Subject: {subject}\r\n");
            prop_assert!(head.contains(&wanted));
        }
    }
}

#[test]
fn an_endless_line_is_not_kept() {
    let mut client = Client::new(ClientSpec::default(), START, 1).unwrap();
    let chunk = vec![b'2'; 64 * 1024];
    for _ in 0..256 {
        client.receive(&chunk, START);
    }
    // 16 MiB without a line end: nothing to report yet, nothing sent, still waiting.
    assert!(client.poll_event().is_none());
    assert!(client.take_output().is_empty());
    client.receive(b"\r\n", START);
    let event = client.poll_event().unwrap();
    assert!(
        event.explanation.contains("over the 512-octet limit"),
        "{}",
        event.explanation
    );
    assert!(client.is_closed());
}
