//! Helpers shared by the world tests: reading a WorldTimeline the way the page does.

#![allow(dead_code)]

use esmtp_playground::server::ServerEventKind;
use esmtp_playground::world::{WorldEntry, WorldEvent, WorldTimeline};

/// Every reply line one host sent on one connection, in order.
pub fn lines_from(timeline: &WorldTimeline, connection: u32, host: &str) -> Vec<String> {
    let prefix = format!("{host}: ");
    timeline
        .transcript(connection)
        .lines()
        .filter_map(|line| line.strip_prefix(&prefix).map(str::to_owned))
        .collect()
}

/// The reply lines with a code (three digits and a space), i.e. final reply lines.
pub fn final_replies(timeline: &WorldTimeline, connection: u32, host: &str) -> Vec<String> {
    lines_from(timeline, connection, host)
        .into_iter()
        .filter(|line| {
            line.len() > 3
                && line.as_bytes()[..3].iter().all(u8::is_ascii_digit)
                && line.as_bytes()[3] == b' '
        })
        .collect()
}

/// The world events, in order.
pub fn world_events(timeline: &WorldTimeline) -> Vec<(WorldEvent, String)> {
    timeline
        .entries
        .iter()
        .filter_map(|entry| match entry {
            WorldEntry::World {
                event, explanation, ..
            } => Some((event.clone(), explanation.clone())),
            _ => None,
        })
        .collect()
}

/// The explanation of the server event that sent a reply starting with `start` on
/// `connection`.
pub fn reply_explanation(timeline: &WorldTimeline, connection: u32, start: &str) -> String {
    timeline
        .entries
        .iter()
        .find_map(|entry| match entry {
            WorldEntry::SmtpServer {
                connection: id,
                event,
                ..
            } if *id == connection => match &event.kind {
                ServerEventKind::ReplySent { reply, .. }
                    if reply.to_string().starts_with(start) =>
                {
                    Some(event.explanation.clone())
                }
                _ => None,
            },
            _ => None,
        })
        .unwrap_or_else(|| panic!("no reply starting {start:?} on connection {connection}"))
}
