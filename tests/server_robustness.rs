//! Robustness: no input panics the engine, buffering stays bounded, and the replies do
//! not depend on how the input is split into `receive` calls.

mod server_support;

use esmtp_playground::protocol::{MAX_AUTH_LINE, MAX_COMMAND_LINE};
use esmtp_playground::server::State;
use esmtp_playground::server::{
    BareLfPolicy, EhloMode, Server, ServerConfig, Strictness, UndeclaredEightBitPolicy,
};
use proptest::prelude::*;
use server_support::{feed, server, Split, ENVELOPE, START};

/// Every reply line is `ddd` then `-` or SP then text then CRLF.
fn assert_well_formed(output: &[u8]) {
    for line in output.split_inclusive(|&b| b == b'\n') {
        assert!(line.ends_with(b"\r\n"), "{line:?}");
        assert!(line.len() >= 6, "{line:?}");
        assert!(line[..3].iter().all(u8::is_ascii_digit), "{line:?}");
        assert!(matches!(line[3], b' ' | b'-'), "{line:?}");
    }
}

fn configs() -> Vec<ServerConfig> {
    let mut strict = ServerConfig {
        max_message_size: Some(300),
        max_recipients: 3,
        max_errors: 50,
        ..ServerConfig::default()
    };
    strict.strictness = Strictness {
        bare_lf: BareLfPolicy::Normalise,
        undeclared_eight_bit: UndeclaredEightBitPolicy::Reject,
        ..Strictness::default()
    };
    strict.extensions.vrfy = true;
    strict.extensions.etrn = true;
    strict.trusted_clients = vec!["192.0.2.10".into()];
    let old = ServerConfig {
        ehlo_mode: EhloMode::HeloOnlyUnrecognized,
        max_message_size: None,
        ..ServerConfig::default()
    };
    vec![ServerConfig::default(), strict, old]
}

/// Plausible command lines, some malformed, with the odd message text mixed in.
fn plausible_line() -> impl Strategy<Value = String> {
    let address = prop_oneof![
        Just("<bob@example.org>".to_owned()),
        Just("<>".to_owned()),
        Just("<x@remote.example>".to_owned()),
        Just("bob@example.org".to_owned()),
        Just("<\"a b\"@example.org>".to_owned()),
        Just("<@r.example:c@example.org>".to_owned()),
        "[a-z@.<>\\[\\]:\"]{0,20}",
    ];
    let parameter = prop_oneof![
        Just(String::new()),
        Just(" SIZE=100".to_owned()),
        Just(" SIZE=99999999999999999999999".to_owned()),
        Just(" BODY=8BITMIME".to_owned()),
        Just(" BODY=7BIT BODY=7BIT".to_owned()),
        Just(" AUTH=<>".to_owned()),
        "( [A-Z]{1,5}=[a-z0-9=]{0,4}){0,2}",
    ];
    prop_oneof![
        "(EHLO|HELO|ehlo) [a-z.]{0,12}",
        (address.clone(), parameter.clone()).prop_map(|(a, p)| format!("MAIL FROM:{a}{p}")),
        (address, parameter).prop_map(|(a, p)| format!("RCPT TO:{a}{p}")),
        Just("DATA".to_owned()),
        Just(".".to_owned()),
        Just("..stuffed".to_owned()),
        Just("Subject: caf\u{e9}".to_owned()),
        "(RSET|NOOP|QUIT|HELP|VRFY bob|EXPN x|ETRN [@#]?[a-z.]{0,10}|TURN|SEND|AUTH PLAIN)",
        "[ -~]{0,40}",
        "[A-Z]{0,4}\\x00[ -~]{0,5}",
        "x{500,700}",
    ]
}

fn session_input() -> impl Strategy<Value = Vec<u8>> {
    let ending = prop_oneof![
        Just("\r\n"),
        Just("\r\n"),
        Just("\r\n"),
        Just("\n"),
        Just("\r")
    ];
    prop::collection::vec((plausible_line(), ending), 0..40).prop_map(|lines| {
        lines
            .into_iter()
            .flat_map(|(line, end)| [line.into_bytes(), end.as_bytes().to_vec()])
            .flatten()
            .collect()
    })
}

/// The bound on buffered input in the server's current state: 512 octets for commands,
/// 12288 while a SASL exchange reads its response lines (RFC 4954 §4).
fn line_limit(server: &Server) -> usize {
    if server.state() == State::Authenticating {
        MAX_AUTH_LINE
    } else {
        MAX_COMMAND_LINE
    }
}

/// Feeds `input` cut at the given points; returns all output and checks invariants.
fn feed_cut(server: &mut Server, input: &[u8], cuts: &[usize]) -> Vec<u8> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
    points.sort_unstable();
    let mut output = Vec::new();
    let mut start = 0;
    for point in points.into_iter().chain([input.len()]) {
        server.receive(&input[start..point], START + 1_000);
        output.extend(server.take_output());
        assert!(server.buffered_input() <= line_limit(server));
        start = point;
    }
    while server.poll_event().is_some() {}
    output
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn random_bytes_never_panic(input in prop::collection::vec(any::<u8>(), 0..4096),
                                cuts in prop::collection::vec(any::<usize>(), 0..8),
                                which in 0usize..3) {
        let config = configs().swap_remove(which);
        let mut server = server(config);
        let output = feed_cut(&mut server, &input, &cuts);
        assert_well_formed(&output);
    }

    #[test]
    fn random_plausible_sessions_never_panic(input in session_input(),
                                             cuts in prop::collection::vec(any::<usize>(), 0..8),
                                             which in 0usize..3) {
        let config = configs().swap_remove(which);
        let mut server = server(config);
        let output = feed_cut(&mut server, &input, &cuts);
        assert_well_formed(&output);
        server.handle_timeout(START + 10 * 60 * 1000);
        assert!(server.is_closed());
    }

    #[test]
    fn replies_do_not_depend_on_the_chunking(input in session_input(),
                                             cuts in prop::collection::vec(any::<usize>(), 1..12),
                                             which in 0usize..3) {
        let config = configs().swap_remove(which);
        let whole = feed(&mut server(config.clone()), &input, Split::Whole);
        let by_line = feed(&mut server(config.clone()), &input, Split::Lines);
        let by_byte = feed(&mut server(config.clone()), &input, Split::Bytes);
        let cut = feed_cut(&mut server(config), &input, &cuts);
        prop_assert_eq!(&whole, &by_line);
        prop_assert_eq!(&whole, &by_byte);
        prop_assert_eq!(&whole, &cut);
    }
}

#[test]
fn a_megabyte_without_lf_costs_no_more_than_the_line_limit() {
    let mut server = server(ServerConfig::default());
    let chunk = vec![b'A'; 64 * 1024];
    for _ in 0..16 {
        server.receive(&chunk, START);
        assert!(server.buffered_input() <= MAX_COMMAND_LINE);
    }
    assert!(server.take_output().is_empty(), "no reply before the LF");
    let output = feed(&mut server, b"\r\nNOOP\r\n", Split::Whole);
    assert_eq!(
        String::from_utf8(output).unwrap(),
        "500 5.5.2 Line too long\r\n250 2.0.0 Ok\r\n"
    );
}

#[test]
fn a_megabyte_of_data_without_line_ends_is_bounded_by_the_size_limit() {
    let config = ServerConfig {
        max_message_size: Some(10_000),
        ..ServerConfig::default()
    };
    let mut server = server(config);
    feed(
        &mut server,
        format!("{ENVELOPE}DATA\r\n").as_bytes(),
        Split::Whole,
    );
    let chunk = vec![b'B'; 64 * 1024];
    for _ in 0..16 {
        server.receive(&chunk, START);
        assert!(server.buffered_message() <= 10_000);
    }
    let output = feed(&mut server, b"\r\n.\r\n", Split::Whole);
    assert!(
        String::from_utf8(output).unwrap().starts_with("500 5.5.2"),
        "the long line is reported first"
    );
}

#[test]
fn an_auth_response_line_may_exceed_the_command_limit_but_not_the_auth_limit() {
    // The case proptest once shrank to: after AUTH PLAIN, a 600-octet response line.
    let mut server = server(ServerConfig::default());
    feed(&mut server, b"EHLO a\r\nAUTH PLAIN\r\n", Split::Whole);
    assert_eq!(server.state(), State::Authenticating);
    server.receive(&[b'x'; 600], START);
    assert_eq!(server.buffered_input(), 600, "held whole: under 12288");
    server.receive(&vec![b'x'; 20_000], START);
    assert!(server.buffered_input() <= MAX_AUTH_LINE);
    let reply = String::from_utf8(feed(&mut server, b"\r\nNOOP\r\n", Split::Whole)).unwrap();
    assert!(reply.starts_with("500 5.5.6"), "{reply}");
    assert!(
        reply.ends_with("250 2.0.0 Ok\r\n"),
        "the session goes on: {reply}"
    );
}
