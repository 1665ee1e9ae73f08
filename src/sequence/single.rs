//! The diagram of a loopback run: the client on the left, the server on the right, one
//! arrow per linked write, the AUTH exchanges and each message's DATA or BDAT chunks
//! bracketed. Which write a phase starts and ends on comes from the links (the events
//! that wrote and read each line), never from matching text; a BDAT line's chunk number
//! comes from the engine's chunk mark.

use super::layout::{self, LaneSpec, LifelineSpec, Unplaced};
use super::{first_line_label, seconds, Arrow, Diagram, PhaseKind, PhaseSpan, Sender};
use crate::links::auth::AuthExchange;
use crate::links::{Group, LineMark, Write};
use crate::loopback::{Direction, Timeline, TimelineEntry};
use crate::protocol::Command;
use crate::server::ServerEventKind;
use crate::time::Millis;

/// The lane of each side.
const CLIENT: usize = 0;
const SERVER: usize = 1;

/// Lays out `timeline`, which started at `start` (the scenario's start time).
pub fn diagram(timeline: &Timeline, start: Millis) -> Diagram {
    let drawn = timeline.writes.len().min(super::MAX_ARROWS);
    let arrows: Vec<Arrow> = timeline
        .writes
        .iter()
        .take(drawn)
        .enumerate()
        .map(|(index, write)| arrow(timeline, index, write, start))
        .collect();
    let mut phases: Vec<PhaseSpan> = timeline
        .auth_exchanges
        .iter()
        .filter_map(|exchange| auth_phase(timeline, exchange))
        .chain(message_phases(timeline))
        .chain(chunked_message_phases(timeline))
        .chain(tls_phase(timeline))
        .filter_map(|phase| clip(phase, drawn))
        .collect();
    phases.sort_by_key(|phase| (phase.first, phase.last));
    let tls = if phases.iter().any(|phase| phase.kind == PhaseKind::Tls) {
        " So are the writes that went inside TLS."
    } else {
        ""
    };
    let client = if timeline.scripted {
        "Client (script)"
    } else {
        "Client"
    };
    let seconds = seconds(timeline.end_time.saturating_sub(start));
    layout::place(Unplaced {
        title: format!(
            "SMTP session: {} writes in {} s of virtual time",
            timeline.writes.len(),
            seconds.trim_start_matches('+')
        ),
        description: format!(
            "Sequence diagram. {client} on the left, the server on the right; one arrow per write, top to bottom in time order, labelled with its first line; AUTH exchanges and the message text are bracketed.{tls}"
        ),
        lifelines: vec![side(client, "C"), side("Server", "S")],
        lanes: vec![lane(CLIENT, "C"), lane(SERVER, "S")],
        arrows,
        phases,
        omitted: timeline.writes.len() - drawn,
        lanes_are_bars: false,
    })
}

fn side(name: &str, short: &str) -> LifelineSpec {
    LifelineSpec {
        name: name.to_owned(),
        short: short.to_owned(),
        detail: String::new(),
    }
}

fn lane(lifeline: usize, name: &str) -> LaneSpec {
    LaneSpec {
        lifeline,
        connection: None,
        name: name.to_owned(),
    }
}

fn arrow(timeline: &Timeline, index: usize, write: &Write, start: Millis) -> Arrow {
    let (at, octets) = match timeline.entries.get(write.entry) {
        Some(TimelineEntry::Bytes { at, octets, .. }) => (*at, octets.as_slice()),
        _ => (start, &[][..]),
    };
    let (sender, from, to) = match write.direction {
        Direction::ClientToServer => (Sender::Client, CLIENT, SERVER),
        Direction::ServerToClient => (Sender::Server, SERVER, CLIENT),
    };
    let (explanation, rfc) = writer_explanation(timeline, write);
    let elapsed = at.saturating_sub(start);
    Arrow {
        write: index,
        from,
        to,
        sender,
        label: label(write, octets),
        more_lines: write.lines.len().saturating_sub(1),
        elapsed,
        time: seconds(elapsed),
        explanation,
        rfc,
        y: 0,
    }
}

/// The write's first line; a BDAT line says which chunk it announces, as the engine's
/// chunk mark tells.
fn label(write: &Write, octets: &[u8]) -> String {
    let first = first_line_label(octets);
    match write.lines.first().and_then(|line| line.mark.as_ref()) {
        Some(LineMark::ChunkCommand { chunk, of, .. }) => super::cut(
            &format!("{first} — chunk {chunk} of {of}"),
            super::MAX_LABEL_CHARS,
        ),
        _ => first,
    }
}

/// The explanation and RFC of the event that wrote the write's first line.
fn writer_explanation(timeline: &Timeline, write: &Write) -> (String, String) {
    let writer = write
        .lines
        .first()
        .and_then(|line| line.event)
        .and_then(|entry| timeline.entries.get(entry));
    match writer {
        Some(TimelineEntry::Client { event }) => (event.explanation.clone(), event.rfc.to_owned()),
        Some(TimelineEntry::Server { event }) => (event.explanation.clone(), event.rfc.to_owned()),
        _ => (String::new(), String::new()),
    }
}

/// The writes an event wrote or read.
fn writes_of(timeline: &Timeline, entry: usize) -> impl Iterator<Item = usize> + '_ {
    let link = timeline.links.get(entry).copied().flatten();
    link.into_iter()
        .flat_map(|link| [link.wrote, link.read])
        .flatten()
        .map(|range| range.write)
}

/// An AUTH exchange spans every write its events wrote or read.
fn auth_phase(timeline: &Timeline, exchange: &AuthExchange) -> Option<PhaseSpan> {
    let last_entry = exchange
        .end
        .unwrap_or(timeline.entries.len().saturating_sub(1));
    let writes: Vec<usize> = (exchange.start..=last_entry)
        .flat_map(|entry| writes_of(timeline, entry))
        .collect();
    let mechanism = exchange
        .mechanism
        .map(|m| format!(" {m}"))
        .unwrap_or_default();
    let label = match &exchange.outcome {
        Some(outcome) => format!("AUTH{mechanism}: {}", outcome.text),
        None => format!("AUTH{mechanism}: no final reply"),
    };
    Some(PhaseSpan {
        kind: PhaseKind::Auth,
        label: super::cut(&label, 80),
        first: *writes.iter().min()?,
        last: *writes.iter().max()?,
    })
}

/// Each message text, from the write holding its DATA command to the server's next write.
fn message_phases(timeline: &Timeline) -> Vec<PhaseSpan> {
    let data_commands: Vec<usize> = timeline
        .entries
        .iter()
        .enumerate()
        .filter(|(_, entry)| {
            matches!(
                entry,
                TimelineEntry::Server { event } if matches!(
                    event.kind,
                    ServerEventKind::CommandReceived { command: Command::Data }
                )
            )
        })
        .flat_map(|(entry, _)| writes_of(timeline, entry))
        .collect();
    timeline
        .writes
        .iter()
        .enumerate()
        .filter_map(|(index, write)| match write.group {
            Group::MessageText { lines } => Some((index, lines)),
            _ => None,
        })
        .map(|(text, lines)| {
            let first = data_commands
                .iter()
                .copied()
                .filter(|&w| w < text)
                .max()
                .unwrap_or(text);
            let last = (text + 1..timeline.writes.len())
                .find(|&w| {
                    timeline
                        .writes
                        .get(w)
                        .is_some_and(|w| w.direction == Direction::ServerToClient)
                })
                .unwrap_or(text);
            PhaseSpan {
                kind: PhaseKind::Message,
                label: format!("DATA: the message text, {lines} lines, ends with a lone dot"),
                first,
                last,
            }
        })
        .collect()
}

/// The BDAT commands of one message, as the server read them: the entry of each and
/// its chunk size.
#[derive(Default)]
struct Chunks {
    entries: Vec<usize>,
    sizes: Vec<u64>,
    last: bool,
}

/// Each message sent in BDAT chunks, from the write holding its first BDAT to the
/// server's reply to its last one (LAST's, which ends the message); a run of chunks that
/// another command cuts short ends at the reply to its last chunk.
fn chunked_message_phases(timeline: &Timeline) -> Vec<PhaseSpan> {
    let mut runs: Vec<Chunks> = Vec::new();
    let mut open: Option<Chunks> = None;
    for (entry, item) in timeline.entries.iter().enumerate() {
        let TimelineEntry::Server { event } = item else {
            continue;
        };
        let ServerEventKind::CommandReceived { command } = &event.kind else {
            continue;
        };
        match command {
            Command::Bdat { size, last } => {
                let run = open.get_or_insert_with(Chunks::default);
                run.entries.push(entry);
                run.sizes.push(*size);
                run.last = *last;
                if *last {
                    runs.extend(open.take());
                }
            }
            _ => runs.extend(open.take()),
        }
    }
    runs.extend(open);
    runs.iter()
        .filter_map(|run| chunked_phase(timeline, run))
        .collect()
}

fn chunked_phase(timeline: &Timeline, run: &Chunks) -> Option<PhaseSpan> {
    let first = writes_of(timeline, *run.entries.first()?).min()?;
    let final_bdat = *run.entries.last()?;
    let reply = timeline
        .entries
        .iter()
        .enumerate()
        .skip(final_bdat + 1)
        .find(|(_, entry)| {
            matches!(
                entry,
                TimelineEntry::Server { event }
                    if matches!(event.kind, ServerEventKind::ReplySent { .. })
            )
        })
        .map(|(entry, _)| entry);
    let last = reply
        .and_then(|entry| writes_of(timeline, entry).max())
        .or_else(|| writes_of(timeline, final_bdat).max())?;
    let sizes: Vec<String> = run.sizes.iter().map(u64::to_string).collect();
    let count = run.sizes.len();
    let chunks = if count == 1 { "chunk" } else { "chunks" };
    let end = if run.last {
        "LAST ends it"
    } else {
        "no LAST, so it never ended"
    };
    Some(PhaseSpan {
        kind: PhaseKind::Message,
        label: super::cut(
            &format!(
                "BDAT: the message in {count} {chunks} of {} octets, {end}",
                sizes.join(" + ")
            ),
            80,
        ),
        first,
        last: last.max(first),
    })
}

/// The TLS stretch: its heading sits where the handshake ran (before the first write
/// that went encrypted) and it brackets every encrypted write, as the bytes entries
/// mark them; nothing when no write went encrypted.
#[cfg(any(not(target_arch = "wasm32"), feature = "tls-page"))]
fn tls_phase(timeline: &Timeline) -> Option<PhaseSpan> {
    let encrypted: Vec<usize> = timeline
        .writes
        .iter()
        .enumerate()
        .filter(|(_, write)| {
            matches!(
                timeline.entries.get(write.entry),
                Some(TimelineEntry::Bytes {
                    encrypted: true,
                    ..
                })
            )
        })
        .map(|(index, _)| index)
        .collect();
    let summary = timeline.entries.iter().find_map(|entry| match entry {
        TimelineEntry::TlsEstablished { summary, .. } => Some(summary),
        _ => None,
    });
    let label = match summary {
        Some(summary) => format!(
            "TLS handshake ({}, {}, {}), then encrypted",
            summary.protocol_version,
            summary.cipher_suite,
            summary
                .key_exchange_group
                .as_deref()
                .unwrap_or("unknown group")
        ),
        None => "TLS handshake, then encrypted".to_owned(),
    };
    Some(PhaseSpan {
        kind: PhaseKind::Tls,
        label: super::cut(&label, 80),
        first: *encrypted.first()?,
        last: *encrypted.last()?,
    })
}

/// Builds without TLS have no TLS phase.
#[cfg(all(target_arch = "wasm32", not(feature = "tls-page")))]
fn tls_phase(_: &Timeline) -> Option<PhaseSpan> {
    None
}

/// The phase cut to the arrows drawn, or nothing if it starts past them.
fn clip(phase: PhaseSpan, drawn: usize) -> Option<PhaseSpan> {
    let last_drawn = drawn.checked_sub(1)?;
    (phase.first <= last_drawn).then(|| PhaseSpan {
        last: phase.last.min(last_drawn),
        ..phase
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loopback::{self, Scenario};

    fn run(scenario: &Scenario) -> Diagram {
        let timeline = loopback::run(scenario).expect("the scenario runs");
        diagram(&timeline, scenario.start_time)
    }

    #[test]
    fn one_arrow_per_write_alternating_sides() {
        let scenario = Scenario::default();
        let timeline = loopback::run(&scenario).expect("the default scenario runs");
        let diagram = diagram(&timeline, scenario.start_time);
        assert_eq!(diagram.arrows.len(), timeline.writes.len());
        let greeting = &diagram.arrows[0];
        assert_eq!(
            (greeting.sender, greeting.from, greeting.to),
            (Sender::Server, SERVER, CLIENT)
        );
        assert!(greeting.label.starts_with("220 "), "{}", greeting.label);
        assert!(!greeting.explanation.is_empty() && greeting.rfc.starts_with("RFC"));
        let ehlo = &diagram.arrows[1];
        assert!(ehlo.label.starts_with("EHLO "));
        let capabilities = &diagram.arrows[2];
        assert!(
            capabilities.more_lines >= 3,
            "a multi-line 250 is one arrow"
        );
        assert!(diagram.arrows.windows(2).all(|w| w[0].y < w[1].y));
        assert!(diagram
            .arrows
            .windows(2)
            .all(|w| w[0].elapsed <= w[1].elapsed));
    }

    #[test]
    fn data_is_bracketed_from_the_command_to_the_reply_after_the_text() {
        let diagram = run(&Scenario::default());
        let message = diagram
            .phases
            .iter()
            .find(|p| p.kind == PhaseKind::Message)
            .expect("a message phase");
        let first = &diagram.arrows[message.first];
        let last = &diagram.arrows[message.last];
        assert_eq!(first.sender, Sender::Client);
        assert!(
            first.label.starts_with("MAIL FROM:"),
            "pipelined with DATA: {}",
            first.label
        );
        assert_eq!(last.sender, Sender::Server);
        assert!(last.label.starts_with("250"), "{}", last.label);
    }

    fn chunking(chunk_size: u32, pipelining: bool) -> Diagram {
        let mut scenario = Scenario::default();
        scenario.server.extensions.chunking = true;
        scenario.server.extensions.pipelining = pipelining;
        scenario.client.chunk_size = chunk_size;
        run(&scenario)
    }

    #[test]
    fn bdat_chunks_are_bracketed_through_the_reply_to_last() {
        let diagram = chunking(150, false);
        let message = diagram
            .phases
            .iter()
            .find(|p| p.kind == PhaseKind::Message)
            .expect("a message phase");
        assert!(
            message
                .label
                .starts_with("BDAT: the message in 3 chunks of 150 + 150 + "),
            "{}",
            message.label
        );
        assert!(
            message.label.ends_with(" octets, LAST ends it"),
            "{}",
            message.label
        );
        let first = &diagram.arrows[message.first];
        assert!(
            first.label.starts_with("BDAT 150 — chunk 1 of 3"),
            "{}",
            first.label
        );
        let bdats: Vec<&str> = diagram.arrows[message.first..=message.last]
            .iter()
            .filter(|a| a.sender == Sender::Client)
            .map(|a| a.label.as_str())
            .collect();
        assert_eq!(bdats.len(), 3, "{bdats:?}");
        assert!(bdats[2].ends_with("LAST — chunk 3 of 3"), "{bdats:?}");
        let last = &diagram.arrows[message.last];
        assert_eq!(last.sender, Sender::Server);
        assert!(last.label.contains("queued as"), "{}", last.label);
        assert!(diagram.arrows[message.last + 1].label.starts_with("QUIT"));
    }

    #[test]
    fn pipelined_chunks_are_bracketed_from_their_write() {
        let diagram = chunking(150, true);
        let message = diagram
            .phases
            .iter()
            .find(|p| p.kind == PhaseKind::Message)
            .expect("a message phase");
        assert!(diagram.arrows[message.first]
            .label
            .starts_with("MAIL FROM:"));
        assert!(diagram.arrows[message.last].label.starts_with("250"));
        assert_eq!(message.last, message.first + 1, "one write each way");
        assert!(message.label.starts_with("BDAT: the message in 3 chunks"));
    }

    #[test]
    fn an_auth_exchange_is_bracketed_with_its_outcome() {
        let mut scenario = Scenario::default();
        scenario.client.auth = Some(crate::client::sasl_exchange::AuthSpec {
            mechanism: "CRAM-MD5".into(),
            user: "alice".into(),
            password: "S3cret-pw".into(),
            ..Default::default()
        });
        let diagram = run(&scenario);
        let auth = diagram
            .phases
            .iter()
            .find(|p| p.kind == PhaseKind::Auth)
            .expect("an AUTH phase");
        assert!(
            auth.label.starts_with("AUTH CRAM-MD5: alice authenticated"),
            "{}",
            auth.label
        );
        assert!(diagram.arrows[auth.first]
            .label
            .starts_with("AUTH CRAM-MD5"));
        assert!(diagram.arrows[auth.last].label.starts_with("235"));
        assert_eq!(
            auth.last - auth.first,
            3,
            "AUTH, 334 challenge, response, 235"
        );
    }

    #[test]
    fn the_tls_phase_brackets_the_encrypted_writes_after_the_handshake() {
        let mut scenario = Scenario::default();
        scenario.server.starttls = crate::server::StartTlsOffer::Offered;
        scenario.client.tls = crate::client::TlsPolicy::Required;
        let diagram = run(&scenario);
        let tls = diagram
            .phases
            .iter()
            .find(|p| p.kind == PhaseKind::Tls)
            .expect("a TLS phase");
        assert!(
            tls.label.starts_with("TLS handshake (TLSv1.3, "),
            "{}",
            tls.label
        );
        assert!(diagram.arrows[tls.first - 1].label.starts_with("220 2.0.0"));
        assert!(diagram.arrows[tls.first].label.starts_with("EHLO "));
        assert_eq!(tls.last, diagram.arrows.len() - 1);
        assert!(run(&Scenario::default())
            .phases
            .iter()
            .all(|p| p.kind != PhaseKind::Tls));
    }

    #[test]
    fn phases_past_the_drawn_arrows_are_cut_or_dropped() {
        let span = |first, last| PhaseSpan {
            kind: PhaseKind::Message,
            label: String::new(),
            first,
            last,
        };
        assert_eq!(clip(span(3, 9), 5).map(|p| p.last), Some(4));
        assert_eq!(clip(span(5, 9), 5), None);
        assert_eq!(clip(span(0, 0), 0), None);
    }
}
