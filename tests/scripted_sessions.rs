//! Scripted sessions: fixed client octets (a bare LF, a silence) sent to the real server
//! engine over the loopback, recorded like a client-engine run.

use esmtp_playground::loopback::{run, Direction, Scenario, Timeline, TimelineEntry};
use esmtp_playground::scripted::ScriptStep;
use esmtp_playground::server::{BareLfPolicy, ServerEventKind, State};

const SMUGGLED_BODY: &str = "From: alice@example.net\r\nSubject: hello\r\n\r\nHi Bob\n.\nMAIL FROM:<evil@example.net>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n\r\nSubject: smuggled\r\n\r\nPay.\r\n.\r\n";

fn send(text: &str) -> ScriptStep {
    ScriptStep::Send(text.into())
}

fn scripted(steps: Vec<ScriptStep>) -> Scenario {
    Scenario {
        script: Some(steps),
        ..Scenario::default()
    }
}

fn smuggling(bare_lf: BareLfPolicy) -> Timeline {
    let mut scenario = scripted(vec![
        send("EHLO client.example.net\r\n"),
        send("MAIL FROM:<alice@example.net>\r\n"),
        send("RCPT TO:<bob@example.org>\r\n"),
        send("DATA\r\n"),
        send(SMUGGLED_BODY),
        send("QUIT\r\n"),
    ]);
    scenario.server.strictness.bare_lf = bare_lf;
    run(&scenario).unwrap()
}

/// The server's replies after the 354, up to the QUIT reply.
fn replies_to_data(transcript: &str) -> Vec<&str> {
    transcript
        .lines()
        .skip_while(|line| !line.starts_with("S: 354 "))
        .skip(1)
        .filter(|line| line.starts_with("S: ") && !line.starts_with("S: 221 "))
        .collect()
}

#[test]
fn smuggling_gets_one_refusal_and_no_delivery() {
    let timeline = smuggling(BareLfPolicy::Reject);
    let transcript = timeline.transcript();
    assert!(timeline.scripted);
    assert!(
        transcript.contains("C: MAIL FROM:<evil@example.net>\n"),
        "{transcript}"
    );
    assert_eq!(
        replies_to_data(&transcript),
        ["S: 550 5.5.2 Error: bare <LF> received"],
        "{transcript}"
    );
    assert!(transcript
        .trim_end()
        .ends_with("S: 221 2.0.0 mx.example.org closing connection"));
    assert!(timeline.deliveries.is_empty());
    assert!(
        timeline.client_event_kinds().is_empty(),
        "a script reports no decisions"
    );
}

#[test]
fn smuggling_normalised_is_one_message_with_the_attempt_inside() {
    let timeline = smuggling(BareLfPolicy::Normalise);
    let transcript = timeline.transcript();
    assert_eq!(replies_to_data(&transcript).len(), 1, "{transcript}");
    assert_eq!(timeline.deliveries.len(), 1);
    let message = String::from_utf8_lossy(&timeline.deliveries[0].message.to_vec()).into_owned();
    assert!(
        message.contains("Hi Bob\r\n\r\nMAIL FROM:<evil@example.net>\r\n"),
        "{message}"
    );
}

#[test]
fn silence_after_ehlo_meets_the_idle_timeout() {
    let mut scenario = scripted(vec![
        send("EHLO client.example.net\r\n"),
        ScriptStep::Wait(30_000),
    ]);
    scenario.server.idle_timeout_ms = 30_000;
    let timeline = run(&scenario).unwrap();
    let transcript = timeline.transcript();
    assert!(
        transcript.contains("S: 421 4.4.2 mx.example.org Error: timeout exceeded"),
        "{transcript}"
    );
    let start = scenario.start_time;
    let latency = scenario.latency_ms;
    let writes: Vec<(u64, Direction)> = timeline
        .entries
        .iter()
        .filter_map(|entry| match entry {
            TimelineEntry::Bytes { at, direction, .. } => Some((at - start, *direction)),
            _ => None,
        })
        .collect();
    assert_eq!(
        writes,
        [
            (0, Direction::ServerToClient),
            (latency, Direction::ClientToServer),
            (2 * latency, Direction::ServerToClient),
            (2 * latency + 30_000, Direction::ServerToClient),
        ],
        "the greeting, EHLO once it arrived, the reply, and 421 when the server's idle timer runs out"
    );
    let closed = timeline.server_event_kinds().into_iter().any(|kind| {
        matches!(
            kind,
            ServerEventKind::StateChanged {
                to: State::Closed,
                ..
            }
        )
    });
    assert!(closed, "the server closed the session");
}

#[test]
fn raw_octets_reach_the_server_unchanged() {
    let scenario = scripted(vec![
        ScriptStep::SendOctets(b"HELO x\r\nNOOP \xE9\r\n".to_vec()),
        send("QUIT\r\n"),
    ]);
    let timeline = run(&scenario).unwrap();
    let sent: Vec<u8> = timeline
        .entries
        .iter()
        .filter_map(|entry| match entry {
            TimelineEntry::Bytes {
                direction: Direction::ClientToServer,
                octets,
                ..
            } => Some(octets.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(sent, b"HELO x\r\nNOOP \xE9\r\nQUIT\r\n");
}

#[test]
fn a_script_that_ends_hangs_up() {
    let timeline = run(&scripted(vec![send("HELO x\r\n")])).unwrap();
    assert!(!timeline.truncated);
    assert_eq!(
        timeline.negotiation_note, None,
        "a script negotiates nothing, so no note says why its table is empty"
    );
    assert!(
        !timeline.transcript().contains("421"),
        "the server saw the close before any timeout"
    );
}

#[test]
fn an_empty_script_runs_the_client_engine() {
    let timeline = run(&scripted(Vec::new())).unwrap();
    assert!(!timeline.scripted);
    assert_eq!(timeline.deliveries.len(), 1);
}
