//! Deadlines against slow clients: the idle timer restarts on every octet, so a client
//! that trickles one octet at a time is bounded by the command-line deadline and the
//! DATA deadline instead.

mod server_support;

use esmtp_playground::server::{Server, ServerConfig};
use server_support::{codes, confirm_stored, server, ENVELOPE, START};

/// Feeds `input` one octet every `step` ms from `from`, letting the clock run between
/// octets; returns what the server sent and the time it closed, if it did.
fn trickle(server: &mut Server, input: &[u8], from: u64, step: u64) -> (String, Option<u64>) {
    let mut output = Vec::new();
    let mut now = from;
    for octet in input {
        server.receive(&[*octet], now);
        confirm_stored(server);
        now += step;
        server.handle_timeout(now);
        output.extend(server.take_output());
        if server.is_closed() {
            return (String::from_utf8_lossy(&output).into_owned(), Some(now));
        }
    }
    (String::from_utf8_lossy(&output).into_owned(), None)
}

#[test]
fn a_command_line_trickled_past_its_deadline_gets_421() {
    let config = ServerConfig::default();
    let mut server = server(config.clone());
    let line = b"MAIL FROM:<someone-who-types-very-slowly@example.net>\r\n";
    let (output, closed) = trickle(&mut server, line, START, 2_000);
    assert!(output.starts_with("421 4.4.2 "), "{output}");
    let closed = closed.expect("closed");
    assert!(closed >= START + config.command_deadline_ms);
    assert!(
        closed < START + config.idle_timeout_ms,
        "the idle timer never fired"
    );
    let explained = std::iter::from_fn(|| server.poll_event())
        .any(|event| event.explanation.contains("the command deadline"));
    assert!(explained);
}

#[test]
fn message_text_trickled_past_the_data_deadline_gets_421() {
    let config = ServerConfig::default();
    let mut server = server(config.clone());
    server.receive(format!("{ENVELOPE}DATA\r\n").as_bytes(), START);
    assert_eq!(
        codes(&String::from_utf8_lossy(&server.take_output())),
        ["250", "250", "250", "354"]
    );
    let body = b"x\r\n".repeat(1_000);
    let (output, closed) = trickle(&mut server, &body, START, 1_000);
    assert!(output.starts_with("421 4.4.2 "), "{output}");
    assert!(closed.expect("closed") >= START + config.data_deadline_ms);
}

#[test]
fn a_prompt_client_never_meets_the_deadlines() {
    let mut server = server(ServerConfig::default());
    let input = format!("{ENVELOPE}DATA\r\nSubject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n");
    let (output, _) = trickle(&mut server, input.as_bytes(), START, 10);
    assert_eq!(codes(&output), ["250", "250", "250", "354", "250", "221"]);
}

#[test]
fn deadlines_only_run_while_a_line_or_the_text_is_unfinished() {
    let mut server = server(ServerConfig::default());
    assert_eq!(
        server.poll_timeout(),
        Some(START + 300_000),
        "only the idle timer"
    );
    server.receive(b"NOOP", START + 1);
    assert_eq!(server.poll_timeout(), Some(START + 1 + 60_000));
    server.receive(b"\r\n", START + 2);
    assert_eq!(server.poll_timeout(), Some(START + 2 + 300_000));
}
