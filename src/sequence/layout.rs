//! Rows and columns: where every head, lane, arrow and phase box goes. Arrows take one
//! row each, in the order the writes happened (not spaced by time: the time is printed
//! beside each row). A phase opens with a heading row of its own, so its label never
//! sits on an arrow's.

use super::{Arrow, Diagram, Lane, Lifeline, Phase, PhaseSpan};

/// Space around the drawing.
pub const MARGIN: u32 = 16;
/// The time column on the left.
pub const TIME_COLUMN: u32 = 64;
/// Height of a lifeline's head box.
pub const HEAD_HEIGHT: u32 = 28;
/// Extra height under the heads when a lifeline has a detail line.
pub const DETAIL_HEIGHT: u32 = 16;
/// One arrow row.
pub const ROW: u32 = 32;
/// Where the arrow line sits in its row (its label is above it).
pub const ARROW_IN_ROW: u32 = 22;
/// A phase's heading row.
pub const PHASE_HEAD: u32 = 22;
/// Space under a phase's last arrow, inside its box.
pub const PHASE_PAD: u32 = 8;
/// Horizontal room between two lifelines: fits a full label with its line count in a
/// 12 px monospace font (60 characters of about 7.2 px).
pub const LIFELINE_GAP: u32 = 450;
/// Between two lanes (connections) of one host.
pub const LANE_GAP: u32 = 14;
/// Half a world lane's bar beyond its first and last arrows.
const BAR_OVERHANG: u32 = 10;

/// A party before layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LifelineSpec {
    /// Its name at the head.
    pub name: String,
    /// Its name in the text rendering.
    pub short: String,
    /// A second line under the head, or empty.
    pub detail: String,
}

/// A lane before layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaneSpec {
    /// Its lifeline.
    pub lifeline: usize,
    /// Its world connection.
    pub connection: Option<u32>,
    /// Its name in the text rendering.
    pub name: String,
}

/// Everything a diagram holds before layout. `arrows` have `y` 0 and lanes that are
/// indices in `lanes`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unplaced {
    /// The SVG title.
    pub title: String,
    /// The SVG description.
    pub description: String,
    /// The parties, left to right.
    pub lifelines: Vec<LifelineSpec>,
    /// The lanes, grouped by lifeline, left to right.
    pub lanes: Vec<LaneSpec>,
    /// The arrows, in order, at most [`super::MAX_ARROWS`].
    pub arrows: Vec<Arrow>,
    /// The phases, by their first arrow.
    pub phases: Vec<PhaseSpan>,
    /// Writes not drawn.
    pub omitted: usize,
    /// True when each lane is a bar from its first to its last arrow (a world
    /// connection) instead of running the diagram's whole height.
    pub lanes_are_bars: bool,
}

/// Places everything.
pub fn place(unplaced: Unplaced) -> Diagram {
    let Unplaced {
        title,
        description,
        lifelines,
        lanes,
        mut arrows,
        phases,
        omitted,
        lanes_are_bars,
    } = unplaced;
    let has_detail = lifelines.iter().any(|l| !l.detail.is_empty());
    let body_top = MARGIN + HEAD_HEIGHT + if has_detail { DETAIL_HEIGHT } else { 0 } + 8;
    let (lifelines, lanes_x, right) = columns(&lifelines, &lanes);
    let (phase_rows, bottom) = rows(&mut arrows, &phases, body_top + 8);
    let height = bottom + if omitted > 0 { ROW } else { 0 } + MARGIN;
    let lanes = lanes
        .into_iter()
        .zip(lanes_x)
        .enumerate()
        .map(|(index, (spec, x))| {
            let (top, bottom) = if lanes_are_bars {
                bar(&arrows, index).unwrap_or((body_top, body_top))
            } else {
                (body_top, height.saturating_sub(MARGIN))
            };
            Lane {
                lifeline: spec.lifeline,
                connection: spec.connection,
                name: spec.name,
                x,
                top,
                bottom,
            }
        })
        .collect();
    Diagram {
        title,
        description,
        lifelines,
        lanes,
        arrows,
        phases: phase_rows,
        omitted,
        body_top,
        width: right + MARGIN,
        height,
    }
}

/// Each lifeline's head and each lane's x; the rightmost x anything reaches.
fn columns(specs: &[LifelineSpec], lanes: &[LaneSpec]) -> (Vec<Lifeline>, Vec<u32>, u32) {
    let mut lifelines = Vec::with_capacity(specs.len());
    let mut lane_x = vec![0; lanes.len()];
    let mut right = MARGIN + TIME_COLUMN;
    // The previous lifeline's x, half its lane spread and half its head.
    let mut previous: Option<(u32, u32, u32)> = None;
    for (index, spec) in specs.iter().enumerate() {
        let mine: Vec<usize> = (0..lanes.len())
            .filter(|&lane| lanes.get(lane).is_some_and(|l| l.lifeline == index))
            .collect();
        let half_spread = LANE_GAP * u32::try_from(mine.len().saturating_sub(1)).unwrap_or(0) / 2;
        let head_width = head_width(spec);
        let half_head = head_width / 2;
        // Lanes facing each other are a full gap apart, and heads never touch.
        let x = match previous {
            None => right + half_head.max(half_spread),
            Some((x, spread, head)) => {
                x + (spread + LIFELINE_GAP + half_spread).max(head + half_head + 24)
            }
        };
        for (k, lane) in mine.iter().enumerate() {
            if let Some(slot) = lane_x.get_mut(*lane) {
                *slot = x - half_spread + LANE_GAP * u32::try_from(k).unwrap_or(0);
            }
        }
        lifelines.push(Lifeline {
            name: spec.name.clone(),
            short: spec.short.clone(),
            detail: spec.detail.clone(),
            x,
            head_width,
        });
        right = x + half_head.max(half_spread);
        previous = Some((x, half_spread, half_head));
    }
    (lifelines, lane_x, right)
}

/// A head fits its name in 13 px bold and its detail in 11 px.
fn head_width(spec: &LifelineSpec) -> u32 {
    let chars = spec
        .name
        .chars()
        .count()
        .max(spec.detail.chars().count() * 6 / 8);
    let text = u32::try_from(chars)
        .unwrap_or(u32::MAX / 16)
        .saturating_mul(8);
    text.saturating_add(24).max(110)
}

/// Gives every arrow its y and every phase its box; returns the phases and the y below
/// the last row.
fn rows(arrows: &mut [Arrow], phases: &[PhaseSpan], top: u32) -> (Vec<Phase>, u32) {
    let mut y = top;
    let mut tops: Vec<Option<u32>> = vec![None; phases.len()];
    let mut bottoms: Vec<u32> = vec![0; phases.len()];
    for (index, arrow) in arrows.iter_mut().enumerate() {
        for (phase, slot) in phases.iter().zip(tops.iter_mut()) {
            if phase.first == index {
                *slot = Some(y);
                y += PHASE_HEAD;
            }
        }
        arrow.y = y + ARROW_IN_ROW;
        y += ROW;
        for (phase, bottom) in phases.iter().zip(bottoms.iter_mut()) {
            if phase.last == index {
                y += PHASE_PAD;
                *bottom = y;
            }
        }
    }
    let placed = phases
        .iter()
        .zip(tops)
        .zip(bottoms)
        .filter_map(|((phase, top), bottom)| {
            Some(Phase {
                kind: phase.kind,
                label: phase.label.clone(),
                first: phase.first,
                last: phase.last,
                top: top?,
                bottom: bottom.max(top?),
            })
        })
        .collect();
    (placed, y)
}

/// The span of `lane`'s arrows, with a little overhang.
fn bar(arrows: &[Arrow], lane: usize) -> Option<(u32, u32)> {
    let ys = arrows
        .iter()
        .filter(|a| a.from == lane || a.to == lane)
        .map(|a| a.y);
    let (low, high) = ys.fold(None, |span: Option<(u32, u32)>, y| match span {
        None => Some((y, y)),
        Some((low, high)) => Some((low.min(y), high.max(y))),
    })?;
    Some((
        low.saturating_sub(BAR_OVERHANG),
        high.saturating_add(BAR_OVERHANG),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::{PhaseKind, Sender};
    use super::*;

    fn arrow(from: usize, to: usize) -> Arrow {
        Arrow {
            write: 0,
            from,
            to,
            sender: Sender::Client,
            label: "NOOP".into(),
            more_lines: 0,
            elapsed: 0,
            time: "+0.000".into(),
            explanation: String::new(),
            rfc: String::new(),
            y: 0,
        }
    }

    fn two_sides(arrows: Vec<Arrow>, phases: Vec<PhaseSpan>) -> Unplaced {
        let spec = |name: &str| LifelineSpec {
            name: name.into(),
            short: name.into(),
            detail: String::new(),
        };
        let lane = |lifeline| LaneSpec {
            lifeline,
            connection: None,
            name: String::new(),
        };
        Unplaced {
            title: String::new(),
            description: String::new(),
            lifelines: vec![spec("Client"), spec("Server")],
            lanes: vec![lane(0), lane(1)],
            arrows,
            phases,
            omitted: 0,
            lanes_are_bars: false,
        }
    }

    #[test]
    fn arrows_go_down_one_row_each_and_phases_add_a_heading() {
        let phase = PhaseSpan {
            kind: PhaseKind::Auth,
            label: "AUTH".into(),
            first: 1,
            last: 2,
        };
        let diagram = place(two_sides(vec![arrow(0, 1); 4], vec![phase]));
        let ys: Vec<u32> = diagram.arrows.iter().map(|a| a.y).collect();
        assert_eq!(ys[1] - ys[0], ROW + PHASE_HEAD);
        assert_eq!(ys[2] - ys[1], ROW);
        assert_eq!(ys[3] - ys[2], ROW + PHASE_PAD);
        let placed = &diagram.phases[0];
        assert!(placed.top < ys[1] - ARROW_IN_ROW && ys[2] < placed.bottom);
        assert!(placed.bottom <= ys[3] - ARROW_IN_ROW);
        assert!(diagram.height > ys[3]);
    }

    #[test]
    fn lifelines_leave_room_for_a_label_and_lanes_span_the_body() {
        let diagram = place(two_sides(vec![arrow(0, 1), arrow(1, 0)], Vec::new()));
        let [client, server] = [&diagram.lanes[0], &diagram.lanes[1]];
        assert_eq!(server.x - client.x, LIFELINE_GAP);
        assert!(client.x > MARGIN + TIME_COLUMN);
        assert!(diagram.width >= server.x + 55);
        assert_eq!(client.top, diagram.body_top);
        assert_eq!(client.bottom, diagram.height - MARGIN);
    }

    #[test]
    fn a_bar_lane_spans_only_its_arrows() {
        let mut unplaced = two_sides(vec![arrow(0, 1), arrow(0, 1), arrow(0, 1)], Vec::new());
        unplaced.lanes.push(LaneSpec {
            lifeline: 1,
            connection: Some(2),
            name: String::new(),
        });
        unplaced.arrows[2].to = 2;
        unplaced.lanes_are_bars = true;
        let diagram = place(unplaced);
        let third = &diagram.lanes[2];
        assert_eq!(third.top, diagram.arrows[2].y - BAR_OVERHANG);
        assert_eq!(third.bottom, diagram.arrows[2].y + BAR_OVERHANG);
        assert_eq!(third.x - diagram.lanes[1].x, LANE_GAP);
    }
}
