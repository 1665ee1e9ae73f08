//! The diagram as monospace text, for a Markdown code block: one row per arrow,
//! `C ── EHLO client.example ───▶ S`, the time on the left, phases as brackets.

use std::fmt::Write as _;

use super::{Arrow, Diagram};

/// Columns of arrow shaft and head around a label (`── ` + ` ─…▶`).
const ARROW_FRAME: usize = 6;

/// Renders `diagram` as text; every line ends with `\n`.
pub fn render(diagram: &Diagram) -> String {
    let shaft = diagram
        .arrows
        .iter()
        .map(|a| width(&a.full_label()))
        .max()
        .unwrap_or(0)
        .max(14)
        + ARROW_FRAME;
    let time_width = diagram
        .arrows
        .iter()
        .map(|a| a.time.len())
        .max()
        .unwrap_or(6);
    let name_width = diagram
        .lanes
        .iter()
        .map(|l| width(&l.name))
        .max()
        .unwrap_or(1);
    let mut out = format!("{}\n\n", diagram.title);
    let mut open = 0usize;
    for (index, arrow) in diagram.arrows.iter().enumerate() {
        for phase in diagram.phases.iter().filter(|p| p.first == index) {
            let _ = writeln!(out, "{:time_width$}  ┌─ {}", "", phase.label);
            open += 1;
        }
        let gutter = if open > 0 { '│' } else { ' ' };
        let (left, right, body) = row(diagram, arrow, shaft);
        let line = format!(
            "{:>time_width$}  {gutter} {left:>name_width$} {body} {right}",
            arrow.time
        );
        out.push_str(line.trim_end());
        out.push('\n');
        for _ in diagram.phases.iter().filter(|p| p.last == index) {
            let _ = writeln!(out, "{:time_width$}  └─", "");
            open = open.saturating_sub(1);
        }
    }
    if diagram.omitted > 0 {
        let _ = writeln!(out, "… {} more writes not drawn", diagram.omitted);
    }
    out
}

/// The row's left and right lane names and the arrow between them.
fn row(diagram: &Diagram, arrow: &Arrow, shaft: usize) -> (String, String, String) {
    let name = |lane: usize| {
        diagram
            .lanes
            .get(lane)
            .map(|l| l.name.clone())
            .unwrap_or_default()
    };
    let x = |lane: usize| diagram.lanes.get(lane).map_or(0, |l| l.x);
    let label = arrow.full_label();
    let fill = "─".repeat(shaft.saturating_sub(width(&label) + 5));
    if x(arrow.from) <= x(arrow.to) {
        (
            name(arrow.from),
            name(arrow.to),
            format!("── {label} {fill}▶"),
        )
    } else {
        (
            name(arrow.to),
            name(arrow.from),
            format!("◀{fill} {label} ──"),
        )
    }
}

/// Columns `text` takes in a monospace font (one per character).
fn width(text: &str) -> usize {
    text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loopback::{self, Scenario};

    fn default_text() -> String {
        let scenario = Scenario::default();
        let timeline = loopback::run(&scenario).expect("runs");
        render(&super::super::single::diagram(
            &timeline,
            scenario.start_time,
        ))
    }

    #[test]
    fn rows_point_from_the_sender_and_line_up() {
        let text = default_text();
        let rows: Vec<&str> = text.lines().filter(|l| l.contains(" C ")).collect();
        assert!(rows[0].contains("C ◀") && rows[0].contains("220 ") && rows[0].ends_with("── S"));
        assert!(rows[1].contains("C ── EHLO ") && rows[1].ends_with("▶ S"));
        let ends: Vec<usize> = rows.iter().map(|r| r.chars().count()).collect();
        assert!(
            ends.windows(2).all(|w| w[0] == w[1]),
            "rows of one width: {ends:?}"
        );
    }

    #[test]
    fn phases_open_and_close_around_their_rows() {
        let text = default_text();
        let opens = text
            .lines()
            .filter(|l| l.trim_start().starts_with("┌─ DATA"))
            .count();
        let closes = text.lines().filter(|l| l.trim_start() == "└─").count();
        assert_eq!((opens, closes), (1, 1));
        assert!(text.lines().any(|l| l.contains("│ C ")));
    }
}
