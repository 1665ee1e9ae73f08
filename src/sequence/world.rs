//! The diagram of a world run: one lifeline per host and, under each, one lane per
//! connection the host takes part in, drawn as a bar from the connection's first arrow
//! to its last, so two connections of one host never share a line. After TURN or ATRN
//! the same connection carries mail the other way; arrows are coloured by the role the
//! writing host had at that moment.

use super::layout::{self, LaneSpec, LifelineSpec, Unplaced};
use super::{first_line_label, line_count, seconds, Arrow, Diagram, Sender};
use crate::world::timeline::{ConnectionId, WorldEntry, WorldEvent, WorldTimeline};

/// Lays out `timeline`.
pub fn diagram(timeline: &WorldTimeline) -> Diagram {
    let lanes = lanes(timeline);
    let mut reversed: Vec<ConnectionId> = Vec::new();
    let mut arrows = Vec::new();
    let mut writes = 0;
    for (index, entry) in timeline.entries.iter().enumerate() {
        match entry {
            WorldEntry::World {
                connection: Some(id),
                event: WorldEvent::RolesReversed { .. },
                ..
            } => reversed.push(*id),
            WorldEntry::Bytes {
                connection,
                at,
                from,
                to,
                octets,
            } => {
                writes += 1;
                if arrows.len() >= super::MAX_ARROWS {
                    continue;
                }
                let lane_of = |host: &str| {
                    lanes.iter().position(|l| {
                        l.connection == Some(*connection) && l.name == lane_name(host, *connection)
                    })
                };
                let (Some(from_lane), Some(to_lane)) = (lane_of(from), lane_of(to)) else {
                    continue;
                };
                let opener = timeline
                    .connections
                    .iter()
                    .find(|c| c.id == *connection)
                    .is_some_and(|c| c.from == *from);
                let acting_client = opener != reversed.contains(connection);
                let elapsed = at.saturating_sub(timeline.start_time);
                arrows.push(Arrow {
                    write: index,
                    from: from_lane,
                    to: to_lane,
                    sender: if acting_client {
                        Sender::Client
                    } else {
                        Sender::Server
                    },
                    label: first_line_label(octets),
                    more_lines: line_count(octets).saturating_sub(1),
                    elapsed,
                    time: seconds(elapsed),
                    explanation: format!("connection {connection}: {from} to {to}"),
                    rfc: String::new(),
                    y: 0,
                });
            }
            _ => {}
        }
    }
    let lifelines = timeline
        .hosts
        .iter()
        .map(|host| LifelineSpec {
            name: host.name.clone(),
            short: host.name.clone(),
            detail: host.label.clone(),
        })
        .collect();
    let omitted = writes - arrows.len();
    layout::place(Unplaced {
        title: format!(
            "{}: {} connections, {} writes",
            timeline.name,
            timeline.connections.len(),
            writes
        ),
        description: "Sequence diagram of several hosts. One lifeline per host; under each, one bar per connection it takes part in (numbered as in the connection list); one arrow per write, top to bottom in time order.".to_owned(),
        lifelines,
        lanes: lanes
            .into_iter()
            .map(|lane| LaneSpec {
                lifeline: lane.lifeline,
                connection: lane.connection,
                name: lane.name,
            })
            .collect(),
        arrows,
        phases: Vec::new(),
        omitted,
        lanes_are_bars: true,
    })
}

fn lane_name(host: &str, connection: ConnectionId) -> String {
    format!("{host} #{connection}")
}

/// A host's lanes: one per connection it opened or accepted, by connection id.
fn lanes(timeline: &WorldTimeline) -> Vec<LaneSpec> {
    let mut lanes = Vec::new();
    for (lifeline, host) in timeline.hosts.iter().enumerate() {
        let mut ids: Vec<ConnectionId> = timeline
            .connections
            .iter()
            .filter(|c| c.from == host.name || c.to == host.name)
            .map(|c| c.id)
            .collect();
        ids.sort_unstable();
        lanes.extend(ids.into_iter().map(|id| LaneSpec {
            lifeline,
            connection: Some(id),
            name: lane_name(&host.name, id),
        }));
    }
    lanes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn etrn() -> (WorldTimeline, Diagram) {
        let scenario = crate::world::preset("etrn").expect("the etrn preset");
        let timeline = crate::world::run_world(&scenario).expect("it runs");
        let diagram = diagram(&timeline);
        (timeline, diagram)
    }

    #[test]
    fn every_write_is_an_arrow_between_the_lanes_of_its_connection() {
        let (timeline, diagram) = etrn();
        let writes = timeline
            .entries
            .iter()
            .filter(|e| matches!(e, WorldEntry::Bytes { .. }))
            .count();
        assert_eq!(diagram.arrows.len(), writes);
        for arrow in &diagram.arrows {
            let (from, to) = (&diagram.lanes[arrow.from], &diagram.lanes[arrow.to]);
            assert_eq!(from.connection, to.connection);
            assert_ne!(from.lifeline, to.lifeline);
            let Some(WorldEntry::Bytes { from: host, .. }) = timeline.entries.get(arrow.write)
            else {
                panic!("an arrow names a bytes entry");
            };
            assert_eq!(&diagram.lifelines[from.lifeline].name, host);
            assert!(from.top <= arrow.y && arrow.y <= from.bottom);
        }
    }

    #[test]
    fn each_host_has_one_lane_per_connection_it_is_in() {
        let (timeline, diagram) = etrn();
        for connection in &timeline.connections {
            let lanes: Vec<&str> = diagram
                .lanes
                .iter()
                .filter(|l| l.connection == Some(connection.id))
                .map(|l| diagram.lifelines[l.lifeline].name.as_str())
                .collect();
            assert_eq!(
                lanes,
                sorted(
                    [connection.from.as_str(), connection.to.as_str()],
                    &timeline
                )
            );
        }
    }

    fn sorted<'a>(hosts: [&'a str; 2], timeline: &WorldTimeline) -> Vec<&'a str> {
        let position = |name: &str| timeline.hosts.iter().position(|h| h.name == name);
        let mut hosts = hosts.to_vec();
        hosts.sort_by_key(|h| position(h));
        hosts
    }
}
