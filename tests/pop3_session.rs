//! The POP3 server engine end to end: a whole session, APOP with RFC 1939's example,
//! failed logins, commands out of state, bad input, timeouts, and the POP-before-SMTP
//! relay window fed by the engine's login event.

use esmtp_playground::pop3::{
    Pop3Config, Pop3EventKind, Pop3Server, Pop3User, RelayWindow, State, DEFAULT_RELAY_WINDOW,
    MIN_AUTOLOGOUT,
};
use md5::{Digest, Md5};

const NOW: u64 = 1_795_831_497_000;
const PEER: &str = "192.0.2.7";
const FIRST: &[u8] =
    b"From: alice@example.net\r\nSubject: one\r\n\r\nHello\r\n.dot line\r\nlast\r\n";
const SECOND: &[u8] = b"Subject: two\r\n\r\nBye\r\n";
const RFC_TIMESTAMP: &str = "<1896.697170952@dbc.mtview.ca.us>";

fn config() -> Pop3Config {
    Pop3Config {
        users: vec![
            Pop3User::new("mrose", "tanstaaf").with_messages(vec![FIRST.to_vec(), SECOND.to_vec()]),
            Pop3User::new("empty", "nothing"),
        ],
        ..Pop3Config::default()
    }
}

fn server() -> Pop3Server {
    let mut server = Pop3Server::new(config(), PEER, NOW, 1);
    server.take_output();
    server
}

/// Sends one command line and returns the reply as text.
fn say(server: &mut Pop3Server, line: &str) -> String {
    server.receive(format!("{line}\r\n").as_bytes(), NOW);
    String::from_utf8(server.take_output()).unwrap()
}

fn events(server: &mut Pop3Server) -> Vec<Pop3EventKind> {
    std::iter::from_fn(|| server.poll_event())
        .map(|event| {
            assert!(event.rfc.starts_with("RFC "), "{event:?}");
            assert!(!event.explanation.is_empty(), "{event:?}");
            event.kind
        })
        .collect()
}

fn log_in(server: &mut Pop3Server) {
    assert!(say(server, "USER mrose").starts_with("+OK"));
    assert!(say(server, "PASS tanstaaf").starts_with("+OK"));
    assert_eq!(server.state(), State::Transaction);
}

#[test]
fn full_session_user_pass_stat_list_retr_dele_rset_quit() {
    let total = FIRST.len() + SECOND.len();
    let mut server = Pop3Server::new(config(), PEER, NOW, 1);
    let greeting = String::from_utf8(server.take_output()).unwrap();
    assert!(
        greeting.starts_with("+OK pop.example.org POP3 server ready <"),
        "{greeting}"
    );
    assert!(greeting.ends_with("@pop.example.org>\r\n"), "{greeting}");

    assert_eq!(
        say(&mut server, "USER mrose"),
        "+OK mrose is known here, send PASS\r\n"
    );
    assert_eq!(server.state(), State::ExpectPass);
    assert_eq!(
        say(&mut server, "PASS tanstaaf"),
        format!("+OK mrose's maildrop has 2 messages ({total} octets)\r\n")
    );
    assert_eq!(say(&mut server, "STAT"), format!("+OK 2 {total}\r\n"));
    assert_eq!(
        say(&mut server, "LIST"),
        format!(
            "+OK 2 messages ({total} octets)\r\n1 {}\r\n2 {}\r\n.\r\n",
            FIRST.len(),
            SECOND.len()
        )
    );
    assert_eq!(
        say(&mut server, "LIST 2"),
        format!("+OK 2 {}\r\n", SECOND.len())
    );
    assert_eq!(
        say(&mut server, "RETR 1"),
        format!(
            "+OK {} octets\r\nFrom: alice@example.net\r\nSubject: one\r\n\r\nHello\r\n..dot line\r\nlast\r\n.\r\n",
            FIRST.len()
        )
    );
    assert_eq!(say(&mut server, "DELE 1"), "+OK message 1 deleted\r\n");
    assert_eq!(
        say(&mut server, "RETR 1"),
        "-ERR message 1 already deleted\r\n"
    );
    assert_eq!(
        say(&mut server, "DELE 1"),
        "-ERR message 1 already deleted\r\n"
    );
    assert_eq!(
        say(&mut server, "STAT"),
        format!("+OK 1 {}\r\n", SECOND.len())
    );
    assert_eq!(
        say(&mut server, "LIST"),
        format!(
            "+OK 1 message ({} octets)\r\n2 {}\r\n.\r\n",
            SECOND.len(),
            SECOND.len()
        )
    );
    assert_eq!(
        say(&mut server, "RSET"),
        format!("+OK maildrop has 2 messages ({total} octets)\r\n")
    );
    assert_eq!(say(&mut server, "DELE 2"), "+OK message 2 deleted\r\n");
    assert_eq!(say(&mut server, "RETR 3"), "-ERR no such message 3\r\n");
    assert_eq!(say(&mut server, "NOOP"), "+OK\r\n");
    assert!(
        server.update_outcome().is_none(),
        "nothing removed before QUIT"
    );
    assert_eq!(
        say(&mut server, "QUIT"),
        "+OK pop.example.org POP3 server signing off (1 message left)\r\n"
    );
    assert!(server.is_closed());
    let outcome = server.update_outcome().unwrap();
    assert_eq!(outcome.user, "mrose");
    assert_eq!(outcome.deleted, vec![1]);
    assert_eq!(outcome.remaining, 1);

    let kinds = events(&mut server);
    assert!(kinds.contains(&Pop3EventKind::LoggedIn {
        user: "mrose".into(),
        address: PEER.into()
    }));
    assert!(kinds.contains(&Pop3EventKind::StateChanged {
        from: State::Transaction,
        to: State::Update
    }));
    assert!(kinds.contains(&Pop3EventKind::StateChanged {
        from: State::Update,
        to: State::Closed
    }));
    assert!(kinds
        .iter()
        .any(|kind| matches!(kind, Pop3EventKind::MaildropUpdated { outcome } if outcome.deleted == vec![1])));
    assert_eq!(say(&mut server, "NOOP"), "", "nothing is read after QUIT");
}

#[test]
fn apop_with_the_rfc_1939_example() {
    let config = Pop3Config {
        fixed_timestamp: Some(RFC_TIMESTAMP.into()),
        ..config()
    };
    let mut server = Pop3Server::new(config, PEER, NOW, 1);
    assert_eq!(
        String::from_utf8(server.take_output()).unwrap(),
        format!("+OK pop.example.org POP3 server ready {RFC_TIMESTAMP}\r\n")
    );
    assert_eq!(
        say(&mut server, "APOP mrose c4c9334bac560ecc979e58001b3e22fb"),
        format!(
            "+OK mrose's maildrop has 2 messages ({} octets)\r\n",
            FIRST.len() + SECOND.len()
        )
    );
    assert_eq!(server.state(), State::Transaction);
    let kinds = events(&mut server);
    let trace = kinds
        .iter()
        .find_map(|kind| match kind {
            Pop3EventKind::ApopChecked { user, trace } if user == "mrose" => Some(trace),
            _ => None,
        })
        .expect("APOP is traced");
    assert!(trace.matched);
    assert_eq!(trace.expected, "c4c9334bac560ecc979e58001b3e22fb");
    let labels: Vec<_> = trace.steps.iter().map(|step| step.label).collect();
    assert_eq!(
        labels,
        [
            "timestamp",
            "shared secret",
            "digest input",
            "server's MD5",
            "client's digest"
        ]
    );
    assert_eq!(trace.steps[1].ascii, "tanstaaf");
    assert_eq!(trace.steps[1].hex, "74 61 6e 73 74 61 61 66");
    assert!(trace.steps.iter().all(|step| step.rfc == "RFC 1939 §7"));
    assert!(kinds.contains(&Pop3EventKind::LoggedIn {
        user: "mrose".into(),
        address: PEER.into()
    }));
}

#[test]
fn apop_against_a_random_banner_and_wrong_digests() {
    let mut server = Pop3Server::new(config(), PEER, NOW, 42);
    let greeting = String::from_utf8(server.take_output()).unwrap();
    let start = greeting.find('<').unwrap();
    let end = greeting.find('>').unwrap();
    let timestamp = &greeting[start..=end];
    assert_eq!(server.timestamp(), Some(timestamp));
    let other_seed = Pop3Server::new(config(), PEER, NOW, 43);
    assert_ne!(
        other_seed.timestamp(),
        Some(timestamp),
        "the seed picks the banner"
    );

    // The RFC's digest belongs to another timestamp: refused.
    assert_eq!(
        say(&mut server, "APOP mrose c4c9334bac560ecc979e58001b3e22fb"),
        "-ERR permission denied\r\n"
    );
    // Unknown user: same answer, so it reveals nothing.
    assert_eq!(
        say(&mut server, "APOP nobody c4c9334bac560ecc979e58001b3e22fb"),
        "-ERR permission denied\r\n"
    );
    assert_eq!(server.state(), State::Authorization);

    let digest: String = Md5::digest(format!("{timestamp}tanstaaf").as_bytes())
        .iter()
        .map(|octet| format!("{octet:02x}"))
        .collect();
    assert!(say(&mut server, &format!("APOP mrose {digest}")).starts_with("+OK mrose's maildrop"));
}

#[test]
fn apop_switched_off_means_no_timestamp() {
    let config = Pop3Config {
        apop: false,
        ..config()
    };
    let mut server = Pop3Server::new(config, PEER, NOW, 1);
    assert_eq!(
        String::from_utf8(server.take_output()).unwrap(),
        "+OK pop.example.org POP3 server ready\r\n"
    );
    assert_eq!(
        say(&mut server, "APOP mrose c4c9334bac560ecc979e58001b3e22fb"),
        "-ERR APOP not offered\r\n"
    );
}

#[test]
fn wrong_password_returns_to_authorization() {
    let mut server = server();
    assert!(say(&mut server, "USER mrose").starts_with("+OK"));
    assert_eq!(
        say(&mut server, "PASS tanstaafl"),
        "-ERR invalid password\r\n"
    );
    assert_eq!(server.state(), State::Authorization);
    assert!(events(&mut server).contains(&Pop3EventKind::LoginFailed {
        user: "mrose".into()
    }));
    assert_eq!(
        say(&mut server, "PASS tanstaaf"),
        "-ERR command not valid in this state\r\n",
        "a failed PASS forgets the USER"
    );
    assert_eq!(
        say(&mut server, "USER nobody"),
        "-ERR no mailbox for that user here\r\n"
    );
    assert!(say(&mut server, "USER mrose").starts_with("+OK"));
    // RFC 1939 §7: USER and APOP only after the greeting or a failed USER/PASS.
    for command in ["USER empty", "APOP mrose c4c9334bac560ecc979e58001b3e22fb"] {
        assert_eq!(
            say(&mut server, command),
            "-ERR command not valid in this state\r\n",
            "{command} after an accepted USER"
        );
    }
    assert_eq!(server.state(), State::ExpectPass);
    assert!(say(&mut server, "PASS tanstaaf").starts_with("+OK mrose's maildrop"));
}

#[test]
fn commands_out_of_state_get_err_and_the_session_goes_on() {
    let mut server = server();
    for command in [
        "STAT", "LIST", "RETR 1", "DELE 1", "NOOP", "RSET", "TOP 1 0", "PASS x",
    ] {
        assert_eq!(
            say(&mut server, command),
            "-ERR command not valid in this state\r\n",
            "{command} before login"
        );
    }
    assert_eq!(server.state(), State::Authorization);
    log_in(&mut server);
    for command in ["USER mrose", "PASS tanstaaf", "APOP mrose 00"] {
        assert_eq!(
            say(&mut server, command),
            "-ERR command not valid in this state\r\n",
            "{command} after login"
        );
    }
    assert_eq!(server.state(), State::Transaction);
    assert!(say(&mut server, "STAT").starts_with("+OK 2 "));
}

#[test]
fn bad_input_gets_err_and_the_session_goes_on() {
    let mut server = server();
    log_in(&mut server);
    assert_eq!(say(&mut server, "HELO there"), "-ERR unknown command\r\n");
    assert_eq!(say(&mut server, "RETR"), "-ERR syntax error\r\n");
    assert_eq!(say(&mut server, "RETR x"), "-ERR syntax error\r\n");
    assert_eq!(say(&mut server, "DELE 0"), "-ERR no such message 0\r\n");
    assert_eq!(
        say(&mut server, "DELE 99999999999999999999"),
        format!("-ERR no such message {}\r\n", u32::MAX)
    );
    assert_eq!(
        say(&mut server, &format!("LIST {}", "1".repeat(41))),
        "-ERR argument too long\r\n"
    );
    // 255 octets including CRLF is the limit (RFC 2449 §4): 253 + CRLF passes, 254 fails.
    assert_eq!(
        say(&mut server, &format!("NOOP{}", " ".repeat(249))),
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        say(&mut server, &format!("NOOP{}", " ".repeat(250))),
        "-ERR line too long\r\n"
    );
    server.receive(&vec![b'x'; 1_000_000], NOW);
    assert_eq!(server.take_output(), b"", "no reply before the line ends");
    assert_eq!(say(&mut server, ""), "-ERR line too long\r\n");
    assert_eq!(say(&mut server, "NOOP"), "+OK\r\n");
    assert_eq!(server.state(), State::Transaction);
}

#[test]
fn too_many_errors_close_without_update() {
    let mut server = server();
    log_in(&mut server);
    assert!(say(&mut server, "DELE 1").starts_with("+OK"));
    let limit = Pop3Config::default().max_errors;
    for _ in 0..limit {
        assert_eq!(say(&mut server, "BOGUS"), "-ERR unknown command\r\n");
    }
    assert_eq!(
        say(&mut server, "BOGUS"),
        "-ERR unknown command\r\n-ERR too many errors, closing connection\r\n"
    );
    assert!(server.is_closed());
    assert!(server.update_outcome().is_none(), "DELE is not applied");
}

#[test]
fn capa_and_top() {
    let mut server = server();
    assert_eq!(
        say(&mut server, "CAPA"),
        "+OK Capability list follows\r\nUSER\r\nTOP\r\nPIPELINING\r\nIMPLEMENTATION ESMTP-Playground\r\n.\r\n"
    );
    log_in(&mut server);
    assert_eq!(
        say(&mut server, "TOP 1 1"),
        "+OK top of message follows\r\nFrom: alice@example.net\r\nSubject: one\r\n\r\nHello\r\n.\r\n"
    );
    assert_eq!(
        say(&mut server, "TOP 1 2"),
        "+OK top of message follows\r\nFrom: alice@example.net\r\nSubject: one\r\n\r\nHello\r\n..dot line\r\n.\r\n"
    );
    assert!(say(&mut server, "CAPA").starts_with("+OK Capability list follows\r\n"));
}

#[test]
fn quit_before_login_and_dropped_connections_remove_nothing() {
    let mut server = server();
    assert_eq!(
        say(&mut server, "QUIT"),
        "+OK pop.example.org POP3 server signing off\r\n"
    );
    assert!(server.is_closed());
    assert!(server.update_outcome().is_none());

    let mut server = server_logged_in_with_a_deletion();
    server.handle_close(NOW);
    assert!(server.is_closed());
    assert!(server.update_outcome().is_none(), "no QUIT, no UPDATE");
}

fn server_logged_in_with_a_deletion() -> Pop3Server {
    let mut server = server();
    log_in(&mut server);
    assert!(say(&mut server, "DELE 2").starts_with("+OK"));
    server
}

#[test]
fn empty_maildrop_quits_with_maildrop_empty() {
    let mut server = server();
    assert!(say(&mut server, "USER empty").starts_with("+OK"));
    assert_eq!(
        say(&mut server, "PASS nothing"),
        "+OK empty's maildrop has 0 messages (0 octets)\r\n"
    );
    assert_eq!(
        say(&mut server, "LIST"),
        "+OK 0 messages (0 octets)\r\n.\r\n"
    );
    assert_eq!(
        say(&mut server, "QUIT"),
        "+OK pop.example.org POP3 server signing off (maildrop empty)\r\n"
    );
    assert_eq!(
        server.update_outcome().unwrap().deleted,
        Vec::<usize>::new()
    );
}

#[test]
fn autologout_is_at_least_ten_minutes_and_silent() {
    let config = Pop3Config {
        autologout_ms: 60_000,
        ..config()
    };
    let mut server = Pop3Server::new(config, PEER, NOW, 1);
    server.take_output();
    assert_eq!(
        server.poll_timeout(),
        Some(NOW + MIN_AUTOLOGOUT),
        "raised to the RFC minimum"
    );
    server.receive(b"USER mrose\r\nPASS tanstaaf\r\nDELE 1\r\n", NOW + 1000);
    server.take_output();
    let deadline = server.poll_timeout().unwrap();
    assert_eq!(deadline, NOW + 1000 + MIN_AUTOLOGOUT);
    server.handle_timeout(deadline - 1);
    assert!(!server.is_closed());
    server.handle_timeout(deadline);
    assert!(server.is_closed());
    assert_eq!(server.take_output(), b"", "autologout sends no reply");
    assert!(
        server.update_outcome().is_none(),
        "autologout does not enter UPDATE"
    );
    assert!(events(&mut server).contains(&Pop3EventKind::AutoLogout));
    assert_eq!(server.poll_timeout(), None);
}

const SCRIPT: &[u8] = b"CAPA\r\nUSER mrose\r\nPASS tanstaaf\r\nSTAT\r\nLIST\r\nRETR 1\r\nTOP 2 0\r\nBOGUS\r\nDELE 1\r\nRETR 1\r\nRSET\r\nDELE 2\r\nQUIT\r\n";

fn run_split(pieces: &[&[u8]]) -> (Vec<u8>, Vec<String>) {
    let mut server = Pop3Server::new(config(), PEER, NOW, 9);
    let mut output = server.take_output();
    for piece in pieces {
        server.receive(piece, NOW);
        output.extend(server.take_output());
    }
    let events = std::iter::from_fn(|| server.poll_event())
        .map(|event| format!("{event:?}"))
        .collect();
    (output, events)
}

#[test]
fn same_replies_whole_line_by_line_and_byte_by_byte() {
    let whole = run_split(&[SCRIPT]);
    let lines: Vec<&[u8]> = SCRIPT.split_inclusive(|&octet| octet == b'\n').collect();
    let bytes: Vec<&[u8]> = SCRIPT.chunks(1).collect();
    assert_eq!(whole, run_split(&lines));
    assert_eq!(whole, run_split(&bytes));
    let text = String::from_utf8(whole.0).unwrap();
    assert!(text.ends_with("signing off (1 message left)\r\n"), "{text}");
    assert_eq!(text.matches("-ERR").count(), 2, "{text}");
}

#[test]
fn pop_before_smtp_window_fed_by_the_login_event() {
    let mut window = RelayWindow::default();
    let mut server = server();
    assert!(
        !window.allows(PEER, NOW),
        "relay denied before any POP login"
    );
    log_in(&mut server);
    for event in std::iter::from_fn(|| server.poll_event()) {
        if let Pop3EventKind::LoggedIn { address, .. } = event.kind {
            window.authorised(&address, event.at);
        }
    }
    assert!(window.allows(PEER, NOW));
    assert!(window.allows(PEER, NOW + DEFAULT_RELAY_WINDOW - 1));
    assert!(
        !window.allows("198.51.100.1", NOW),
        "only the address that logged in"
    );
    let later = window.decide(PEER, NOW + DEFAULT_RELAY_WINDOW + 60_000);
    assert!(!later.allowed, "the clock jumped past the window");
    assert_eq!(later.expires_at, Some(NOW + DEFAULT_RELAY_WINDOW));
    assert!(
        later.explanation.contains("forges"),
        "{}",
        later.explanation
    );
    assert!(
        later.explanation.contains("SMTP AUTH"),
        "{}",
        later.explanation
    );

    // A new login restarts the window; pruning forgets expired ones.
    window.authorised(PEER, NOW + DEFAULT_RELAY_WINDOW + 60_000);
    assert!(window.allows(PEER, NOW + DEFAULT_RELAY_WINDOW + 120_000));
    window.prune(NOW + 3 * DEFAULT_RELAY_WINDOW);
    assert!(window.is_empty());
}

#[test]
fn relay_window_duration_is_configurable() {
    let mut window = RelayWindow::new(5 * 60_000);
    window.authorised(PEER, NOW);
    assert!(window.allows(PEER, NOW + 4 * 60_000));
    assert!(!window.allows(PEER, NOW + 5 * 60_000));
    assert!(window
        .decide(PEER, NOW)
        .explanation
        .contains("5 min 00 s more"));
}

#[test]
fn messages_with_bare_lf_are_sent_with_crlf_and_sized_as_sent() {
    let config = Pop3Config {
        users: vec![Pop3User::new("lf", "pw")
            .with_messages(vec![b"Subject: lf\n\n.x\nno newline".to_vec()])],
        ..Pop3Config::default()
    };
    let mut server = Pop3Server::new(config, PEER, NOW, 1);
    server.take_output();
    assert!(say(&mut server, "USER lf").starts_with("+OK"));
    // 13 + 2 + 4 + 12 octets once every line ends in CRLF (RFC 1939 §5).
    assert_eq!(
        say(&mut server, "PASS pw"),
        "+OK lf's maildrop has 1 message (31 octets)\r\n"
    );
    assert_eq!(say(&mut server, "LIST 1"), "+OK 1 31\r\n");
    assert_eq!(
        say(&mut server, "RETR 1"),
        "+OK 31 octets\r\nSubject: lf\r\n\r\n..x\r\nno newline\r\n.\r\n"
    );
}
