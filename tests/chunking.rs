//! CHUNKING and BINARYMIME (RFC 3030) on the server: BDAT framing by octet count, every
//! refusal with its reply (and its octets still read), byte-exact storage however the
//! input is split, pipelined chunks, and memory that stays bounded whatever size a
//! BDAT line claims.

mod server_support;

use esmtp_playground::protocol::Command;
use esmtp_playground::server::{ServerConfig, ServerEventKind, State};
use server_support::{
    codes, deliveries, events, feed, final_lines, run, run_keep, server, Split, ENVELOPE, SPLITS,
};

fn chunking() -> ServerConfig {
    let mut config = ServerConfig::default();
    config.extensions.chunking = true;
    config.extensions.binary_mime = true;
    config
}

/// `BDAT n[ LAST]` followed by exactly the chunk's octets.
fn bdat(chunk: &[u8], last: bool) -> Vec<u8> {
    let marker = if last { " LAST" } else { "" };
    let mut out = format!("BDAT {}{marker}\r\n", chunk.len()).into_bytes();
    out.extend_from_slice(chunk);
    out
}

fn session(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

#[test]
fn ehlo_lists_chunking_and_binarymime_only_when_switched_on() {
    let lines = |config: &ServerConfig| run(config, b"EHLO c.example\r\n", Split::Whole);
    let plain = lines(&ServerConfig::default());
    assert!(!plain.contains("CHUNKING") && !plain.contains("BINARYMIME"));
    let on = lines(&chunking());
    assert!(on.contains("250-CHUNKING\r\n250 BINARYMIME\r\n"), "{on}");
    let mut no_chunking = chunking();
    no_chunking.extensions.chunking = false;
    assert!(
        !lines(&no_chunking).contains("BINARYMIME"),
        "BINARYMIME only goes with CHUNKING"
    );
}

#[test]
fn chunks_are_stored_byte_exact_whatever_the_split() {
    // What DATA could not carry as is: a lone dot line, bare LF and CR, a NUL, 8-bit
    // octets and a line far over 1000 octets.
    let first: &[u8] = b"Subject: binary\r\n\r\n.\r\n..x\nbare\r";
    let second = [&b"\0\xff\xfe"[..], &[b'z'; 3000], b"\r\n.\r\n"].concat();
    let third: &[u8] = b"end without CRLF";
    let input = session(&[
        b"EHLO c.example\r\nMAIL FROM:<a@example.net> BODY=BINARYMIME\r\n",
        b"RCPT TO:<bob@example.org>\r\n",
        &bdat(first, false),
        &bdat(&second, false),
        &bdat(third, true),
        b"QUIT\r\n",
    ]);
    for split in SPLITS {
        let mut server = server(chunking());
        let output = String::from_utf8_lossy(&feed(&mut server, &input, split)).into_owned();
        assert_eq!(
            codes(&output),
            ["250", "250", "250", "250", "250", "250", "221"],
            "{split:?}: {output}"
        );
        assert!(output.contains("250 2.0.0 Ok: 31 octets received\r\n"));
        let copies = deliveries(&mut server);
        assert_eq!(copies.len(), 1);
        let [_, text] = copies[0].message.parts();
        assert_eq!(text, [first, &second, third].concat(), "{split:?}");
    }
}

#[test]
fn pipelined_chunks_are_answered_in_order() {
    let input = session(&[
        ENVELOPE.as_bytes(),
        &bdat(b"one ", false),
        &bdat(b"two ", false),
        &bdat(b"three\r\n", true),
        b"NOOP\r\n",
    ]);
    let (output, mut server) = run_keep(&chunking(), &input);
    let finals = final_lines(&output);
    assert_eq!(
        finals[3..],
        [
            "250 2.0.0 Ok: 4 octets received",
            "250 2.0.0 Ok: 4 octets received",
            "250 2.0.0 Ok: queued as 3DE293ED42",
            "250 2.0.0 Ok"
        ][..finals.len() - 3],
        "{output}"
    );
    let chunks: Vec<(u32, u64, bool)> = events(&mut server)
        .into_iter()
        .filter_map(|e| match e.kind {
            ServerEventKind::ChunkReceived {
                chunk, total, last, ..
            } => Some((chunk, total, last)),
            _ => None,
        })
        .collect();
    assert_eq!(chunks, [(1, 4, false), (2, 8, false), (3, 15, true)]);
}

#[test]
fn an_empty_last_chunk_ends_the_message() {
    let input = session(&[
        ENVELOPE.as_bytes(),
        &bdat(b"hi\r\n", false),
        b"BDAT 0 LAST\r\n",
    ]);
    let (output, mut server) = run_keep(&chunking(), &input);
    assert_eq!(codes(&output)[3..], ["250", "250"], "{output}");
    let copies = deliveries(&mut server);
    let [_, text] = copies[0].message.parts();
    assert_eq!(text, b"hi\r\n");
    assert_eq!(server.state(), State::ExpectMail);
}

/// Runs `input` on a chunking server; the replies after EHLO, each as its last line.
fn replies_after_ehlo(input: &[u8]) -> Vec<String> {
    let output = run(&chunking(), input, Split::Whole);
    final_lines(&output)
        .into_iter()
        .skip(1)
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_bad_bdat_gets_its_rfc_reply_and_its_octets_are_still_read() {
    let cases: [(&[u8], &[&str]); 8] = [
        // Not offered: an unknown command (checked below with the switch off).
        // Bad sizes: no count can be trusted, so the line alone is refused.
        (b"BDAT\r\n", &["501 5.5.4 Syntax: BDAT <chunk-size> [LAST]"]),
        (b"BDAT x LAST\r\n", &["501 5.5.4 Syntax: BDAT <chunk-size> [LAST]"]),
        (
            b"BDAT 99999999999999999999\r\n",
            &["501 5.5.4 Syntax: BDAT <chunk-size> [LAST]: the chunk size is beyond any octet count"],
        ),
        // No transaction: the 6 octets ("QUIT\r\n") are discarded, not run.
        (b"BDAT 6 LAST\r\nQUIT\r\nNOOP\r\n", &["503 5.5.1 Error: need MAIL command", "250 2.0.0 Ok"]),
        (
            b"MAIL FROM:<a@example.net>\r\nBDAT 6\r\nQUIT\r\nNOOP\r\n",
            &["250 2.1.0 Ok", "503 5.5.1 Error: need RCPT command", "250 2.0.0 Ok"],
        ),
        (
            b"MAIL FROM:<a@example.net>\r\nRCPT TO:<x@elsewhere.example>\r\nBDAT 6\r\nQUIT\r\nNOOP\r\n",
            &[
                "250 2.1.0 Ok",
                "550 5.7.1 <x@elsewhere.example>: Relay access denied",
                "554 5.5.1 Error: no valid recipients",
                "250 2.0.0 Ok",
            ],
        ),
        // DATA, MAIL and RCPT inside a BDAT transaction.
        (
            b"MAIL FROM:<a@example.net>\r\nRCPT TO:<bob@example.org>\r\nBDAT 1\r\nxDATA\r\nMAIL FROM:<b@example.net>\r\nRCPT TO:<c@example.org>\r\n",
            &[
                "250 2.1.0 Ok",
                "250 2.1.5 Ok",
                "250 2.0.0 Ok: 1 octets received",
                "503 5.5.1 Error: DATA after BDAT",
                "503 5.5.1 Error: MAIL after BDAT",
                "503 5.5.1 Error: RCPT after BDAT",
            ],
        ),
        // BDAT after LAST: the transaction is over.
        (
            b"MAIL FROM:<a@example.net>\r\nRCPT TO:<bob@example.org>\r\nBDAT 1 LAST\r\nxBDAT 1 LAST\r\ny",
            &[
                "250 2.1.0 Ok",
                "250 2.1.5 Ok",
                "250 2.0.0 Ok: queued as 3DE293ED42",
                "503 5.5.1 Error: need MAIL command",
            ],
        ),
    ];
    for (commands, expected) in cases {
        let input = [&b"EHLO c.example\r\n"[..], commands].concat();
        assert_eq!(
            replies_after_ehlo(&input),
            expected,
            "{}",
            String::from_utf8_lossy(commands)
        );
    }
    let unknown = run(
        &ServerConfig::default(),
        b"EHLO c.example\r\nBDAT 6\r\n",
        Split::Whole,
    );
    assert_eq!(
        final_lines(&unknown)[1],
        "500 5.5.2 Error: command not recognized"
    );
}

#[test]
fn a_chunk_past_the_size_limit_fails_the_transaction_until_rset() {
    let mut config = chunking();
    config.max_message_size = Some(10);
    let input = session(&[
        ENVELOPE.as_bytes(),
        &bdat(b"12345678", false),
        &bdat(b"abcdef", false),
        &bdat(b"z", true),
        b"DATA\r\nRSET\r\n",
        ENVELOPE.get(25..).unwrap_or_default().as_bytes(),
        &bdat(b"fits", true),
    ]);
    let (output, mut server) = run_keep(&config, &input);
    assert_eq!(
        final_lines(&output)[3..],
        [
            "250 2.0.0 Ok: 8 octets received",
            "552 5.3.4 Message size exceeds fixed maximum message size",
            "503 5.5.1 Error: an earlier chunk failed, send RSET",
            "503 5.5.1 Error: DATA after BDAT",
            "250 2.0.0 Ok",
            "250 2.1.0 Ok",
            "250 2.1.5 Ok",
            "250 2.0.0 Ok: queued as 3DE293ED42",
        ],
        "{output}"
    );
    let copies = deliveries(&mut server);
    let [_, text] = copies[0].message.parts();
    assert_eq!(text, b"fits");
}

#[test]
fn rset_mid_chunking_drops_the_chunks() {
    let input = session(&[ENVELOPE.as_bytes(), &bdat(b"abc", false), b"RSET\r\n"]);
    let (output, mut server) = run_keep(&chunking(), &[&input[..], &bdat(b"x", true)].concat());
    assert_eq!(
        final_lines(&output)[3..],
        [
            "250 2.0.0 Ok: 3 octets received",
            "250 2.0.0 Ok",
            "503 5.5.1 Error: need MAIL command"
        ]
    );
    assert!(deliveries(&mut server).is_empty());
    assert_eq!(server.buffered_message(), 0);
}

#[test]
fn binarymime_needs_bdat_and_must_be_offered() {
    let data_after = replies_after_ehlo(
        b"EHLO c.example\r\nMAIL FROM:<a@example.net> BODY=BINARYMIME\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n",
    );
    assert_eq!(
        data_after.last().map(String::as_str),
        Some("503 5.5.1 Error: BODY=BINARYMIME needs BDAT")
    );
    let not_offered = run(
        &ServerConfig::default(),
        b"EHLO c.example\r\nMAIL FROM:<a@example.net> BODY=BINARYMIME\r\n",
        Split::Whole,
    );
    assert!(
        final_lines(&not_offered)[1].starts_with("501 5.5.4 Error: BODY= must be 7BIT or 8BITMIME"),
        "{not_offered}"
    );
}

#[test]
fn a_giant_size_is_refused_and_streamed_never_allocated() {
    let mut config = chunking();
    config.max_message_size = None;
    let mut server = server(config);
    feed(&mut server, ENVELOPE.as_bytes(), Split::Whole);
    let output = feed(
        &mut server,
        b"BDAT 18446744073709551615 LAST\r\n",
        Split::Whole,
    );
    assert!(output.is_empty(), "the reply waits for the chunk's octets");
    let megabyte = vec![b'x'; 1 << 20];
    for _ in 0..8 {
        assert!(feed(&mut server, &megabyte, Split::Whole).is_empty());
        assert_eq!(server.buffered_message(), 0);
        assert_eq!(server.buffered_input(), 0);
    }
    // An accepted chunk is stored as it arrives, never reserved from its size.
    let mut server = server_with_envelope();
    feed(&mut server, b"BDAT 10000000\r\n", Split::Whole);
    feed(&mut server, &megabyte, Split::Whole);
    assert_eq!(server.buffered_message(), 1 << 20);
    assert_eq!(server.state(), State::ReceivingChunk);
}

fn server_with_envelope() -> esmtp_playground::server::Server {
    let mut server = server(chunking());
    feed(&mut server, ENVELOPE.as_bytes(), Split::Whole);
    server
}

#[test]
fn our_bdat_lines_read_the_same_in_smtp_proto() {
    for (size, last) in [(0u64, true), (120, false), (65_536, true)] {
        let line = Command::<String>::Bdat { size, last }.encode();
        let mut receiver = smtp_proto::request::receiver::RequestReceiver::default();
        let parsed = receiver.ingest(&mut line.iter());
        assert!(
            matches!(
                parsed,
                Ok(smtp_proto::Request::Bdat { chunk_size, is_last })
                    if chunk_size as u64 == size && is_last == last
            ),
            "{line:?}: {parsed:?}"
        );
        assert_eq!(
            Command::parse(&line[..line.len() - 2]),
            Ok(Command::Bdat { size, last })
        );
    }
}

mod sizes {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Whatever a BDAT line says and whatever follows, the server answers with
        /// well-formed replies, never panics, and holds no more than the message limit.
        #[test]
        fn bdat_sizes_never_panic(
            size in prop_oneof![
                (0u64..64).prop_map(|n| n.to_string()),
                any::<u64>().prop_map(|n| n.to_string()),
                "[0-9]{19,25}",
                "[0-9a-z -]{0,12}",
            ],
            last in any::<bool>(),
            tail in prop::collection::vec(any::<u8>(), 0..300),
            split in 0usize..3,
        ) {
            let mut config = chunking();
            config.max_message_size = Some(200);
            let marker = if last { " LAST" } else { "" };
            let input = [
                ENVELOPE.as_bytes(),
                format!("BDAT {size}{marker}\r\n").as_bytes(),
                &tail,
                b"\r\nBDAT 3 LAST\r\nabcQUIT\r\n",
            ]
            .concat();
            let mut server = server(config);
            let output = feed(&mut server, &input, SPLITS[split]);
            for line in output.split_inclusive(|&b| b == b'\n') {
                prop_assert!(line.ends_with(b"\r\n"));
                prop_assert!(line.len() >= 6 && line[..3].iter().all(u8::is_ascii_digit));
            }
            prop_assert!(server.buffered_message() <= 200);
        }
    }
}

mod client {
    use esmtp_playground::client::{Choice, ChunkingMode, ClientEventKind, PipeliningMode};
    use esmtp_playground::loopback::{run, Scenario};

    fn scenario(chunk_size: u32) -> Scenario {
        let mut scenario = Scenario::default();
        scenario.server.extensions.chunking = true;
        scenario.server.extensions.binary_mime = true;
        scenario.client.chunk_size = chunk_size;
        scenario
    }

    fn chunks_sent(scenario: &Scenario) -> Vec<(usize, usize, bool)> {
        let timeline = run(scenario).unwrap();
        timeline
            .client_event_kinds()
            .into_iter()
            .filter_map(|kind| match kind {
                ClientEventKind::ChunkSent {
                    chunk, of, last, ..
                } => Some((*chunk, *of, *last)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_client_prefers_bdat_and_the_message_arrives_unstuffed() {
        let scenario = scenario(120);
        let timeline = run(&scenario).unwrap();
        let transcript = timeline.transcript();
        assert!(transcript.contains("C: BDAT 120\n"), "{transcript}");
        assert!(!transcript.contains("C: DATA"), "{transcript}");
        assert!(
            !transcript.contains("C: ..A line"),
            "no dot-stuffing: {transcript}"
        );
        let chunks = chunks_sent(&scenario);
        let of = chunks.len();
        assert!(of >= 3, "{chunks:?}");
        assert_eq!(chunks.last(), Some(&(of, of, true)));
        assert_eq!(timeline.deliveries.len(), 1);
        let text = timeline.deliveries[0].message.to_vec();
        let text = String::from_utf8(text).unwrap();
        assert!(text.contains("\r\n.A line starting with a dot is stuffed.\r\n"));
        let decided = timeline.client_event_kinds().into_iter().any(|kind| {
            matches!(kind, ClientEventKind::Decided { decision }
                if matches!(decision.choice, Choice::Chunks { chunks, chunk_size: 120, .. } if chunks == of))
        });
        assert!(decided, "the decision says how many chunks and why");
        let row = timeline
            .negotiation
            .iter()
            .find(|r| r.keyword == "CHUNKING");
        assert!(
            row.is_some_and(|r| r.client.contains("BDAT chunks")),
            "{row:?}"
        );
    }

    #[test]
    fn the_engine_marks_each_bdat_line_and_its_chunk_octets() {
        use esmtp_playground::links::LineMark;
        use esmtp_playground::loopback::TimelineEntry;
        let timeline = run(&scenario(120)).unwrap();
        let mut commands = Vec::new();
        let mut data_octets = 0;
        for write in &timeline.writes {
            let Some(TimelineEntry::Bytes { octets, .. }) = timeline.entries.get(write.entry)
            else {
                continue;
            };
            for line in &write.lines {
                let text = &octets[line.start..line.end];
                match &line.mark {
                    Some(LineMark::ChunkCommand { label, .. }) => {
                        assert!(text.starts_with(b"BDAT "), "{text:?}");
                        commands.push(label.clone());
                    }
                    Some(LineMark::ChunkData { .. }) => {
                        assert!(!text.starts_with(b"BDAT "), "a chunk line holds no command");
                        data_octets += text.len();
                    }
                    None => assert!(!text.starts_with(b"BDAT")),
                }
            }
        }
        let of = commands.len();
        assert_eq!(commands[0], format!("chunk 1 of {of}, 120 octets"));
        assert!(commands[of - 1].ends_with(", LAST"), "{commands:?}");
        let delivered = timeline.deliveries[0].message.parts()[1].len();
        assert_eq!(
            data_octets, delivered,
            "every chunk octet is marked, nothing else"
        );
    }

    #[test]
    fn chunks_go_lock_step_without_pipelining_and_data_when_switched_off() {
        let mut lock_step = scenario(100);
        lock_step.client.pipelining = PipeliningMode::Off;
        let timeline = run(&lock_step).unwrap();
        assert_eq!(timeline.deliveries.len(), 1);
        assert!(chunks_sent(&lock_step).len() >= 3);
        let mut off = scenario(100);
        off.client.chunking = ChunkingMode::Off;
        let transcript = run(&off).unwrap().transcript();
        assert!(transcript.contains("C: DATA\n") && !transcript.contains("BDAT"));
    }

    #[test]
    fn a_binary_body_goes_as_binarymime_in_bdat() {
        let mut scenario = scenario(64 * 1024);
        scenario.client.message.body = format!("{}\nNUL here: \0\n", "x".repeat(1500));
        let timeline = run(&scenario).unwrap();
        let transcript = timeline.transcript();
        assert!(transcript.contains(" BODY=BINARYMIME\n"), "{transcript}");
        let text = timeline.deliveries[0].message.to_vec();
        assert!(text.windows(1500).any(|w| w.iter().all(|&b| b == b'x')));
        assert!(text.contains(&0));
        let mut no_binary = scenario.clone();
        no_binary.server.extensions.binary_mime = false;
        let transcript = run(&no_binary).unwrap().transcript();
        assert!(transcript.contains("quoted-printable") || !transcript.contains("BINARYMIME"));
        assert!(!transcript.contains("BODY=BINARYMIME"));
    }

    #[test]
    fn a_refused_chunk_stops_the_message() {
        let mut scenario = scenario(200);
        scenario.server.max_message_size = Some(300);
        scenario.client.message.body = "y\n".repeat(400);
        // The client declares SIZE and would not send; without SIZE the chunk is refused.
        scenario.server.extensions.size = false;
        let timeline = run(&scenario).unwrap();
        assert!(timeline.deliveries.is_empty());
        let transcript = timeline.transcript();
        assert!(transcript.contains("S: 552 5.3.4"), "{transcript}");
    }
}
