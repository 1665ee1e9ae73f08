//! The POP3 engine never panics, keeps memory bounded and answers the same however
//! the input is split, whatever a client sends.
#![cfg(not(target_arch = "wasm32"))]

use esmtp_playground::pop3::{Pop3Config, Pop3Server, Pop3User, MAX_POP3_LINE};
use proptest::prelude::*;

const NOW: u64 = 1_795_831_497_000;

fn config() -> Pop3Config {
    Pop3Config {
        users: vec![Pop3User::new("mrose", "tanstaaf")
            .with_messages(vec![b"Subject: a\r\n\r\n.x\r\n".to_vec(), b"b".to_vec()])],
        ..Pop3Config::default()
    }
}

/// Feeds `input` cut at `cuts` and returns everything the server sent.
fn run(input: &[u8], cuts: &[usize]) -> Vec<u8> {
    let mut server = Pop3Server::new(config(), "192.0.2.7", NOW, 5);
    let mut output = server.take_output();
    let mut points: Vec<usize> = cuts.iter().map(|cut| cut % (input.len() + 1)).collect();
    points.sort_unstable();
    let mut start = 0;
    for point in points.into_iter().chain([input.len()]) {
        server.receive(&input[start..point], NOW);
        output.extend(server.take_output());
        start = point;
    }
    while server.poll_event().is_some() {}
    server.handle_timeout(NOW + 3_600_000);
    assert!(server.is_closed());
    output
}

/// Pieces a client might send: real commands, broken ones, and noise.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::sample::select(vec![
            "USER mrose\r\n",
            "PASS tanstaaf\r\n",
            "PASS wrong\r\n",
            "STAT\r\n",
            "LIST\r\n",
            "LIST 1\r\n",
            "RETR 1\r\n",
            "RETR 2\r\n",
            "TOP 1 0\r\n",
            "DELE 1\r\n",
            "RSET\r\n",
            "NOOP\r\n",
            "CAPA\r\n",
            "QUIT\r\n",
            "APOP mrose 0\r\n",
            "retr 9\r\n",
            "\r\n",
            "\n",
        ])
        .prop_map(|text| text.as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 0..300),
    ]
}

proptest! {
    #[test]
    fn random_bytes_get_status_lines_only(input in prop::collection::vec(any::<u8>(), 0..4096)) {
        let output = run(&input, &[]);
        let text = String::from_utf8_lossy(&output);
        for line in text.split_terminator("\r\n") {
            prop_assert!(line.starts_with("+OK") || line.starts_with("-ERR"), "{line:?}");
        }
    }

    #[test]
    fn replies_do_not_depend_on_splitting(
        pieces in prop::collection::vec(piece(), 0..40),
        cuts in prop::collection::vec(any::<usize>(), 0..20),
    ) {
        let input = pieces.concat();
        prop_assert_eq!(run(&input, &[]), run(&input, &cuts));
    }
}

#[test]
fn memory_stays_bounded_under_a_flood() {
    let mut server = Pop3Server::new(config(), "192.0.2.7", NOW, 5);
    server.take_output();
    let chunk = vec![b'A'; 64 * 1024];
    for _ in 0..256 {
        server.receive(&chunk, NOW);
        assert!(server.take_output().is_empty());
        assert!(server.buffered() <= MAX_POP3_LINE);
    }
    server.receive(b"\r\nNOOP\r\n", NOW);
    assert_eq!(
        server.take_output(),
        b"-ERR line too long\r\n-ERR command not valid in this state\r\n"
    );
}
