//! The diagram of a world run: one lifeline per host and, under each, one lane per
//! connection the host takes part in, drawn as a bar from the connection's first arrow
//! to its last, so two connections of one host never share a line. After TURN or ATRN
//! the same connection carries mail the other way; arrows are coloured by the role the
//! writing host had at that moment. When hosts look names up (MX routing), a `DNS`
//! lifeline stands at the right: each lookup is a question arrow from the asking host's
//! DNS lane and an answer arrow back.

use super::layout::{self, LaneSpec, LifelineSpec, Unplaced};
use super::{first_line_label, line_count, seconds, Arrow, Diagram, Sender};
use crate::world::timeline::{ConnectionId, WorldEntry, WorldEvent, WorldTimeline};

/// The DNS lifeline's name, and its lane's.
const DNS: &str = "DNS";

/// Lays out `timeline`.
pub fn diagram(timeline: &WorldTimeline) -> Diagram {
    let lanes = lanes(timeline);
    let mut reversed: Vec<ConnectionId> = Vec::new();
    let mut arrows = Vec::new();
    let mut writes = 0usize;
    let mut lookups = 0usize;
    for (index, entry) in timeline.entries.iter().enumerate() {
        match entry {
            WorldEntry::World {
                at,
                event:
                    WorldEvent::DnsLookup {
                        host,
                        name,
                        query,
                        summary,
                        ..
                    },
                explanation,
                rfc,
                ..
            } => {
                lookups += 1;
                if arrows.len() + 2 > super::MAX_ARROWS {
                    continue;
                }
                let lane = |name: &str| lanes.iter().position(|l| l.name == name);
                let (Some(asker), Some(dns)) = (lane(&dns_lane_name(host)), lane(DNS)) else {
                    continue;
                };
                let elapsed = at.saturating_sub(timeline.start_time);
                let arrow = |from, to, sender, label: String| Arrow {
                    write: index,
                    from,
                    to,
                    sender,
                    label: super::cut(&label, super::MAX_LABEL_CHARS),
                    more_lines: 0,
                    elapsed,
                    time: seconds(elapsed),
                    explanation: explanation.clone(),
                    rfc: (*rfc).to_owned(),
                    y: 0,
                };
                let question = format!("{}? {name}", query.label());
                arrows.push(arrow(asker, dns, Sender::Client, question));
                arrows.push(arrow(dns, asker, Sender::Server, summary.clone()));
            }
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
    let mut lifelines: Vec<LifelineSpec> = timeline
        .hosts
        .iter()
        .map(|host| LifelineSpec {
            name: host.name.clone(),
            short: host.name.clone(),
            detail: host.label.clone(),
        })
        .collect();
    if lookups > 0 {
        lifelines.push(LifelineSpec {
            name: DNS.to_owned(),
            short: DNS.to_owned(),
            detail: "the world's zone".to_owned(),
        });
    }
    let omitted = (writes + 2 * lookups).saturating_sub(arrows.len());
    let asked = if lookups > 0 {
        format!(", {lookups} DNS lookups")
    } else {
        String::new()
    };
    layout::place(Unplaced {
        title: format!(
            "{}: {} connections, {} writes{asked}",
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

fn dns_lane_name(host: &str) -> String {
    format!("{host} {DNS}")
}

/// The hosts that looked names up, each once.
fn askers(timeline: &WorldTimeline) -> Vec<&str> {
    let mut hosts: Vec<&str> = Vec::new();
    for entry in &timeline.entries {
        if let WorldEntry::World {
            event: WorldEvent::DnsLookup { host, .. },
            ..
        } = entry
        {
            if !hosts.contains(&host.as_str()) {
                hosts.push(host);
            }
        }
    }
    hosts
}

/// A host's lanes: one per connection it opened or accepted, by connection id, then one
/// for its DNS lookups if it made any; the DNS lifeline's lane last.
fn lanes(timeline: &WorldTimeline) -> Vec<LaneSpec> {
    let mut lanes = Vec::new();
    let askers = askers(timeline);
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
        if askers.contains(&host.name.as_str()) {
            lanes.push(LaneSpec {
                lifeline,
                connection: None,
                name: dns_lane_name(&host.name),
            });
        }
    }
    if !askers.is_empty() {
        lanes.push(LaneSpec {
            lifeline: timeline.hosts.len(),
            connection: None,
            name: DNS.to_owned(),
        });
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

    #[test]
    fn each_lookup_is_a_question_to_the_dns_lifeline_and_an_answer_back() {
        let scenario = crate::world::preset("mx-dead-primary").expect("the preset");
        let timeline = crate::world::run_world(&scenario).expect("it runs");
        let diagram = diagram(&timeline);
        let dns = diagram.lifelines.len() - 1;
        assert_eq!(diagram.lifelines[dns].name, DNS);
        let to_dns: Vec<&Arrow> = diagram
            .arrows
            .iter()
            .filter(|a| diagram.lanes[a.to].lifeline == dns)
            .collect();
        // Two rounds (the first try and the retry), each MX example.org, A mx1, A mx2.
        let questions: Vec<&str> = to_dns.iter().map(|a| a.label.as_str()).collect();
        assert_eq!(
            questions,
            [
                "MX? example.org",
                "A? mx1.example.org",
                "A? mx2.example.org",
                "MX? example.org",
                "A? mx1.example.org",
                "A? mx2.example.org"
            ]
        );
        for question in to_dns {
            let asker = &diagram.lanes[question.from];
            assert_eq!(asker.name, "mail.example.net DNS");
            assert_eq!(asker.connection, None);
            let answer = diagram
                .arrows
                .iter()
                .find(|a| a.write == question.write && a.to == question.from)
                .expect("an answer arrow");
            assert_eq!(answer.sender, Sender::Server);
        }
        let answers: Vec<&str> = diagram
            .arrows
            .iter()
            .filter(|a| diagram.lanes[a.from].lifeline == dns)
            .map(|a| a.label.as_str())
            .collect();
        assert_eq!(answers[0], "10 mx1.example.org, 20 mx2.example.org");
        assert_eq!(answers[1], "192.0.2.10");
        assert!(
            diagram.title.ends_with(", 6 DNS lookups"),
            "{}",
            diagram.title
        );
    }

    #[test]
    fn a_run_without_lookups_has_no_dns_lifeline() {
        let (_, diagram) = etrn();
        assert!(diagram.lifelines.iter().all(|l| l.name != DNS));
    }

    fn sorted<'a>(hosts: [&'a str; 2], timeline: &WorldTimeline) -> Vec<&'a str> {
        let position = |name: &str| timeline.hosts.iter().position(|h| h.name == name);
        let mut hosts = hosts.to_vec();
        hosts.sort_by_key(|h| position(h));
        hosts
    }
}
