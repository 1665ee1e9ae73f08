//! The relay windows of a world run (POP-before-SMTP) as they stand at each entry: for
//! every host and address, the latest window opened by then, open while the entry's time
//! is before its end. Decided here, with the same rule the host's relay check follows
//! ([`crate::pop3::RelayWindow::decide`]: allowed while `now < end`), so the page shows
//! the state at its cursor and never works it out from the intervals.

use serde::Serialize;

use super::event_text::{clock_text, duration_text};
use super::timeline::{RelayInterval, WorldEntry};
use crate::time::Millis;

/// One relay window as it stands at one entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelayWindowState {
    /// Index into the timeline's `relayWindows`.
    pub window: usize,
    /// True while the address may relay.
    pub open: bool,
    /// The state in words: "Relay window for alice@isp.example at mail.isp.example:
    /// open until 09:30:00.720 (29 min 59 s left)".
    pub text: String,
}

/// The windows' states at each entry, parallel to `entries`. Every list is empty when
/// the run opened no window.
pub(crate) fn states(
    entries: &[WorldEntry],
    intervals: &[RelayInterval],
) -> Vec<Vec<RelayWindowState>> {
    entries
        .iter()
        .map(|entry| states_at(intervals, entry.at()))
        .collect()
}

/// The windows at `now`: per host and address, the latest one opened by then.
fn states_at(intervals: &[RelayInterval], now: Millis) -> Vec<RelayWindowState> {
    let mut latest: Vec<(usize, &RelayInterval)> = Vec::new();
    for (index, interval) in intervals.iter().enumerate() {
        if interval.opened_at > now {
            continue;
        }
        let same = |(_, seen): &(usize, &RelayInterval)| {
            seen.host == interval.host && seen.address == interval.address
        };
        match latest.iter_mut().find(|pair| same(pair)) {
            Some(slot) => *slot = (index, interval),
            None => latest.push((index, interval)),
        }
    }
    latest
        .into_iter()
        .map(|(window, interval)| state(window, interval, now))
        .collect()
}

fn state(window: usize, interval: &RelayInterval, now: Millis) -> RelayWindowState {
    let RelayInterval {
        host,
        address,
        closes_at,
        ..
    } = interval;
    let open = now < *closes_at;
    let text = if open {
        format!(
            "Relay window for {address} at {host}: open until {} ({} left)",
            clock_text(*closes_at),
            duration_text(closes_at.saturating_sub(now))
        )
    } else {
        format!(
            "Relay window for {address} at {host}: closed at {} ({} ago)",
            clock_text(*closes_at),
            duration_text(now.saturating_sub(*closes_at))
        )
    };
    RelayWindowState { window, open, text }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::MINUTE;

    fn interval(address: &str, opened_at: Millis) -> RelayInterval {
        RelayInterval {
            host: "mail.isp.example".into(),
            address: address.into(),
            opened_at,
            closes_at: opened_at + 30 * MINUTE,
        }
    }

    #[test]
    fn a_window_is_open_until_just_before_it_closes() {
        let windows = [interval("a", 1_000)];
        assert!(states_at(&windows, 999).is_empty(), "not opened yet");
        let open = &states_at(&windows, 1_000)[0];
        assert!(open.open);
        assert_eq!(
            open.text,
            "Relay window for a at mail.isp.example: open until 00:30:01.000 (30 min 00 s left)"
        );
        assert!(states_at(&windows, 1_000 + 30 * MINUTE - 1)[0].open);
        let closed = &states_at(&windows, 1_000 + 31 * MINUTE)[0];
        assert!(!closed.open);
        assert_eq!(
            closed.text,
            "Relay window for a at mail.isp.example: closed at 00:30:01.000 (1 min 00 s ago)"
        );
    }

    #[test]
    fn a_later_login_replaces_the_earlier_window_of_its_address_only() {
        let windows = [
            interval("a", 0),
            interval("b", 0),
            interval("a", 40 * MINUTE),
        ];
        let at = |now| -> Vec<(usize, bool)> {
            states_at(&windows, now)
                .iter()
                .map(|state| (state.window, state.open))
                .collect()
        };
        assert_eq!(at(35 * MINUTE), [(0, false), (1, false)]);
        assert_eq!(at(40 * MINUTE), [(2, true), (1, false)]);
    }
}
