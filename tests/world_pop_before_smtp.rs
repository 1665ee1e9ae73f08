//! POP-before-SMTP across hosts: relay denied, POP3 login, relay allowed, the window
//! closes, denied again; and bad POP3 input inside a world run.

mod world_support;

use esmtp_playground::time::MINUTE;
use esmtp_playground::world::{preset, run_world, WorldEntry, WorldEvent, WorldStep};
use world_support::{final_replies, lines_from, reply_explanation, world_events};

const ISP: &str = "mail.isp.example";
const LAPTOP: &str = "laptop.example.net";

fn rcpt_reply(timeline: &esmtp_playground::world::WorldTimeline, connection: u32) -> String {
    final_replies(timeline, connection, ISP)
        .into_iter()
        .find(|line| line.contains("friend@elsewhere.example") || line.starts_with("250 2.1.5"))
        .unwrap()
}

/// The reply to the RCPT for `address` on `connection`: the line after the client's
/// `RCPT TO:<address>` among the server's final replies, in order.
fn rcpt_reply_to(
    timeline: &esmtp_playground::world::WorldTimeline,
    connection: u32,
    address: &str,
) -> String {
    let replies = final_replies(timeline, connection, ISP);
    assert!(timeline
        .transcript(connection)
        .contains(&format!("RCPT TO:<{address}>")));
    // Greeting, EHLO, MAIL, then RCPT.
    replies[3].clone()
}

#[test]
fn relay_follows_the_pop3_login_window() {
    let timeline = run_world(&preset("pop-before-smtp").unwrap()).unwrap();
    assert_eq!(timeline.connections.len(), 5);

    assert_eq!(
        rcpt_reply(&timeline, 1),
        "550 5.7.1 <friend@elsewhere.example>: Relay access denied"
    );
    let denied = reply_explanation(&timeline, 1, "550 5.7.1");
    assert!(
        denied.contains("No POP3 login from 198.51.100.77"),
        "{denied}"
    );

    let pop = lines_from(&timeline, 2, ISP);
    assert!(pop[2].starts_with("+OK alice's maildrop"), "{pop:?}");
    let opened = world_events(&timeline)
        .into_iter()
        .find_map(|(event, why)| match event {
            WorldEvent::RelayWindowOpened { address, until, .. } => Some((address, until, why)),
            _ => None,
        });
    let (address, until, why) = opened.expect("the login opened a window");
    assert_eq!(address, "198.51.100.77");
    assert_eq!(until, timeline.connections[1].closed_at + 30 * MINUTE);
    assert!(why.contains("forges") && why.contains("SMTP AUTH"), "{why}");

    assert_eq!(rcpt_reply(&timeline, 3), "250 2.1.5 Ok");
    let allowed = reply_explanation(&timeline, 3, "250 2.1.5");
    assert!(allowed.contains("logged in to POP3 recently"), "{allowed}");

    // Another guest behind the same NAT address relays too: the window is the
    // address's, not Alice's.
    assert_eq!(timeline.connections[3].from, "guest-pc.hotel.example");
    assert_eq!(
        rcpt_reply_to(&timeline, 4, "victim@elsewhere.example"),
        "250 2.1.5 Ok"
    );
    assert_eq!(
        timeline
            .mailstore(ISP)
            .queued_for("elsewhere.example")
            .len(),
        2,
        "Alice's message and the stranger's spam"
    );

    assert!(timeline.connections[4].opened_at >= until);
    let [window] = timeline.relay_windows.as_slice() else {
        panic!("one login, one window: {:?}", timeline.relay_windows);
    };
    assert_eq!(
        (window.host.as_str(), window.address.as_str()),
        (ISP, "198.51.100.77")
    );
    assert_eq!(window.closes_at, until);
    assert_eq!(window.closes_at - window.opened_at, 30 * MINUTE);
    assert!(
        (window.opened_at..window.closes_at).contains(&timeline.connections[3].opened_at),
        "the stranger's connection fell inside the window"
    );
    assert_eq!(
        rcpt_reply(&timeline, 5),
        "550 5.7.1 <friend@elsewhere.example>: Relay access denied"
    );
    let expired = reply_explanation(&timeline, 5, "550 5.7.1");
    assert!(expired.contains("window ended"), "{expired}");
    assert!(expired.contains("forges it relays too"), "{expired}");
    assert_eq!(
        timeline
            .mailstore(ISP)
            .queued_for("elsewhere.example")
            .len(),
        2,
        "nothing was taken after the window closed"
    );
}

/// At every relay check the window state the timeline gives for that entry says what
/// the host decided: open where it allowed, closed (or not yet opened) where it denied.
#[test]
fn the_window_state_at_each_entry_matches_the_hosts_decisions() {
    let timeline = run_world(&preset("pop-before-smtp").unwrap()).unwrap();
    assert_eq!(timeline.relay_window_states.len(), timeline.entries.len());
    let mut checks = Vec::new();
    for (entry, states) in timeline.entries.iter().zip(&timeline.relay_window_states) {
        let WorldEntry::World {
            event: WorldEvent::RelayChecked {
                address, allowed, ..
            },
            ..
        } = entry
        else {
            continue;
        };
        let open = states
            .iter()
            .any(|state| state.open && &timeline.relay_windows[state.window].address == address);
        assert_eq!(open, *allowed, "{address} at {}: {states:?}", entry.at());
        checks.push((*allowed, states.first().map(|state| state.text.clone())));
    }
    assert_eq!(
        checks
            .iter()
            .map(|(allowed, _)| *allowed)
            .collect::<Vec<_>>(),
        [false, true, true, false]
    );
    assert_eq!(checks[0].1, None, "no window before the login");
    let open = checks[1].1.as_deref().unwrap();
    assert!(
        open.starts_with("Relay window for 198.51.100.77 at mail.isp.example: open until "),
        "{open}"
    );
    let closed = checks[3].1.as_deref().unwrap();
    assert!(
        closed.contains(": closed at ") && closed.ends_with(" ago)"),
        "{closed}"
    );
}

#[test]
fn a_failed_login_opens_no_window() {
    let mut scenario = preset("pop-before-smtp").unwrap();
    if let WorldStep::Pop3 { lines, .. } = &mut scenario.steps[1] {
        lines[1] = "PASS guess".into();
    }
    let timeline = run_world(&scenario).unwrap();
    assert!(lines_from(&timeline, 2, ISP)[2].starts_with("-ERR"));
    assert!(!world_events(&timeline)
        .iter()
        .any(|(event, _)| matches!(event, WorldEvent::RelayWindowOpened { .. })));
    assert!(timeline.relay_windows.is_empty());
    assert!(timeline.relay_window_states.iter().all(Vec::is_empty));
    assert!(rcpt_reply(&timeline, 3).starts_with("550 5.7.1"));
}

#[test]
fn bad_pop3_input_gets_err_and_the_session_goes_on() {
    let mut scenario = preset("pop-before-smtp").unwrap();
    let long_line = format!("USER {}", "x".repeat(400));
    scenario.steps = vec![WorldStep::Pop3 {
        from: LAPTOP.into(),
        to: ISP.into(),
        lines: vec![
            "STAT".into(),
            long_line,
            "RETR 1".into(),
            "XYZZY".into(),
            "USER alice".into(),
            "PASS wonderland".into(),
            "LIST".into(),
            "QUIT".into(),
        ],
        purpose: "bad input first, then a proper login".into(),
    }];
    let timeline = run_world(&scenario).unwrap();
    let statuses: Vec<String> = lines_from(&timeline, 1, ISP)
        .into_iter()
        .filter(|line| line.starts_with('+') || line.starts_with('-'))
        .collect();
    let kinds: Vec<&str> = statuses.iter().map(|s| &s[..3]).collect();
    assert_eq!(
        kinds,
        ["+OK", "-ER", "-ER", "-ER", "-ER", "+OK", "+OK", "+OK", "+OK"],
        "{statuses:#?}"
    );
    assert!(world_events(&timeline)
        .iter()
        .any(|(event, _)| matches!(event, WorldEvent::RelayWindowOpened { .. })));
}
