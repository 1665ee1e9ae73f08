//! The diagram as a self-contained SVG file: presentation attributes only (no `style`,
//! no CSS, no script, no external font or image), the system font stacks, `<title>` and
//! `<desc>` for screen readers, and a `<title>` per arrow (its explanation) that viewers
//! show on hover. The output depends only on the diagram, so a scenario always gives the
//! same file. Every text goes through [`escape`]. Class names let the page restyle the
//! picture for its dark theme; a viewer ignores them.

use std::fmt::Write as _;

use super::layout::{HEAD_HEIGHT, MARGIN, TIME_COLUMN};
use super::{Arrow, Diagram, Lane, Lifeline, Phase, PhaseKind, Sender};

const SANS: &str = "system-ui, -apple-system, &apos;Segoe UI&apos;, Roboto, &apos;Helvetica Neue&apos;, Arial, sans-serif";
const MONO: &str =
    "ui-monospace, SFMono-Regular, Menlo, Consolas, &apos;Liberation Mono&apos;, monospace";
const INK: &str = "#1a1a1a";
const MUTED: &str = "#5c5c5c";
const CLIENT: &str = "#0b5394";
const SERVER: &str = "#6f3600";
/// Length and half-width of an arrowhead.
const HEAD: u32 = 8;

/// Renders `diagram` as an SVG document.
pub fn render(diagram: &Diagram) -> String {
    let mut out = String::with_capacity(2048 + diagram.arrows.len() * 600);
    let (w, h) = (diagram.width, diagram.height);
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="sequence-title sequence-desc" font-family="{SANS}" font-size="12"><title id="sequence-title">{}</title><desc id="sequence-desc">{}</desc><rect class="sequence-background" width="{w}" height="{h}" fill="#ffffff"/>"##,
        escape(&diagram.title),
        escape(&diagram.description),
    );
    out.push_str(r#"<g class="sequence-phases">"#);
    for phase in &diagram.phases {
        phase_box(&mut out, diagram, phase);
    }
    out.push_str(r#"</g><g class="sequence-lifelines">"#);
    for lifeline in &diagram.lifelines {
        head(&mut out, diagram, lifeline);
    }
    for lane in &diagram.lanes {
        lane_line(&mut out, diagram, lane);
    }
    out.push_str(r#"</g><g class="sequence-phase-labels">"#);
    for phase in &diagram.phases {
        phase_label(&mut out, phase);
    }
    out.push_str(r#"</g><g class="sequence-times">"#);
    for arrow in &diagram.arrows {
        let _ = write!(
            out,
            r#"<text class="sequence-muted" x="{MARGIN}" y="{}" font-family="{MONO}" font-size="11" fill="{MUTED}">{}</text>"#,
            arrow.y + 4,
            escape(&arrow.time),
        );
    }
    out.push_str(r#"</g><g class="sequence-arrows">"#);
    for (index, arrow) in diagram.arrows.iter().enumerate() {
        arrow_group(&mut out, diagram, index, arrow);
    }
    out.push_str("</g>");
    if diagram.omitted > 0 {
        let _ = write!(
            out,
            r#"<text class="sequence-muted" x="{MARGIN}" y="{}" fill="{MUTED}">… {} more writes not drawn</text>"#,
            h.saturating_sub(MARGIN + 10),
            diagram.omitted
        );
    }
    out.push_str("</svg>\n");
    out
}

/// A phase's colours: fill, border, ink.
fn phase_colours(kind: PhaseKind) -> (&'static str, &'static str, &'static str, &'static str) {
    match kind {
        PhaseKind::Auth => ("auth", "#fff4d6", "#b8901c", "#5e4708"),
        PhaseKind::Message => ("message", "#eef3fb", "#7d9cc9", "#1f3f6e"),
        PhaseKind::Tls => ("tls", "#e6e6e6", "#8c8c8c", "#333333"),
    }
}

fn phase_box(out: &mut String, diagram: &Diagram, phase: &Phase) {
    let (kind, fill, stroke, _) = phase_colours(phase.kind);
    let x = MARGIN + TIME_COLUMN;
    let width = diagram.width.saturating_sub(MARGIN + x);
    let height = phase.bottom.saturating_sub(phase.top);
    let _ = write!(
        out,
        r#"<rect class="sequence-phase sequence-phase-{kind}" x="{x}" y="{}" width="{width}" height="{height}" rx="4" fill="{fill}" stroke="{stroke}"/>"#,
        phase.top,
    );
}

/// The heading goes over the lifelines, on a halo of the box's colour.
fn phase_label(out: &mut String, phase: &Phase) {
    let (kind, fill, _, ink) = phase_colours(phase.kind);
    let _ = write!(
        out,
        r#"<text class="sequence-phase-label sequence-phase-{kind}" x="{}" y="{}" fill="{ink}" stroke="{fill}" stroke-width="4" stroke-linejoin="round" paint-order="stroke" font-weight="600">{}</text>"#,
        MARGIN + TIME_COLUMN + 8,
        phase.top + 15,
        escape(&phase.label),
    );
}

fn head(out: &mut String, diagram: &Diagram, lifeline: &Lifeline) {
    let left = lifeline.x.saturating_sub(lifeline.head_width / 2);
    let _ = write!(
        out,
        r##"<g class="sequence-lifeline"><rect class="sequence-head" x="{left}" y="{MARGIN}" width="{}" height="{HEAD_HEIGHT}" rx="4" fill="#f4f4f4" stroke="#5c5c5c"/><text x="{}" y="{}" text-anchor="middle" font-weight="700" font-size="13" fill="{INK}">{}</text>"##,
        lifeline.head_width,
        lifeline.x,
        MARGIN + 19,
        escape(&lifeline.name),
    );
    if !lifeline.detail.is_empty() {
        let _ = write!(
            out,
            r#"<text class="sequence-muted" x="{}" y="{}" text-anchor="middle" font-size="11" fill="{MUTED}">{}</text>"#,
            lifeline.x,
            MARGIN + HEAD_HEIGHT + 13,
            escape(&lifeline.detail),
        );
    }
    let _ = write!(
        out,
        r##"<line class="sequence-lifeline-line" x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="#9a9a9a" stroke-dasharray="4 4"/></g>"##,
        diagram.body_top,
        diagram.height.saturating_sub(MARGIN),
        x = lifeline.x,
    );
}

/// A world connection's bar, numbered at its top; a two-party run's lanes are its
/// lifelines, already drawn.
fn lane_line(out: &mut String, diagram: &Diagram, lane: &Lane) {
    let Some(connection) = lane.connection else {
        return;
    };
    if lane.bottom <= lane.top {
        return;
    }
    let _ = write!(
        out,
        r##"<g class="sequence-lane"><rect x="{}" y="{}" width="6" height="{}" fill="#dddddd" stroke="#5c5c5c"/><text class="sequence-muted" x="{}" y="{}" text-anchor="middle" font-size="10" fill="{MUTED}">#{connection}</text></g>"##,
        lane.x.saturating_sub(3),
        lane.top,
        lane.bottom - lane.top,
        lane.x,
        lane.top.saturating_sub(3).max(diagram.body_top),
    );
}

fn arrow_group(out: &mut String, diagram: &Diagram, index: usize, arrow: &Arrow) {
    let x = |lane: usize| diagram.lanes.get(lane).map_or(0, |l| l.x);
    let (x1, x2) = (x(arrow.from), x(arrow.to));
    let (sender, colour) = match arrow.sender {
        Sender::Client => ("client", CLIENT),
        Sender::Server => ("server", SERVER),
    };
    let y = arrow.y;
    let back = if x2 >= x1 {
        x2.saturating_sub(HEAD)
    } else {
        x2 + HEAD
    };
    let tooltip = match (arrow.explanation.is_empty(), arrow.rfc.is_empty()) {
        (true, _) => arrow.full_label(),
        (false, true) => format!("{}: {}", arrow.full_label(), arrow.explanation),
        (false, false) => format!(
            "{}: {} ({})",
            arrow.full_label(),
            arrow.explanation,
            arrow.rfc
        ),
    };
    let _ = write!(
        out,
        r##"<g class="sequence-arrow sequence-{sender}" data-arrow="{index}"><title>{}</title><rect class="sequence-hit" x="{}" y="{}" width="{}" height="28" fill="#ffffff" fill-opacity="0"/><line x1="{x1}" y1="{y}" x2="{back}" y2="{y}" stroke="{colour}" stroke-width="1.5"/><path d="M{x2} {y}L{back} {}L{back} {}Z" fill="{colour}"/><text class="sequence-label" x="{}" y="{}" text-anchor="middle" font-family="{MONO}" fill="{INK}">{}"##,
        escape(&tooltip),
        x1.min(x2).saturating_sub(4),
        y.saturating_sub(20),
        x1.abs_diff(x2) + 8,
        y.saturating_sub(HEAD / 2),
        y + HEAD / 2,
        (x1 + x2) / 2,
        y.saturating_sub(6),
        escape(&arrow.label),
    );
    if arrow.more_lines > 0 {
        let more = arrow.full_label();
        let count = more.get(arrow.label.len()..).unwrap_or_default();
        let _ = write!(out, r#"<tspan fill="{MUTED}">{}</tspan>"#, escape(count));
    }
    out.push_str("</text></g>");
}

/// `text` as XML character data or attribute value: markup characters escaped and the
/// characters XML 1.0 forbids (C0 controls but tab, LF and CR; U+FFFE, U+FFFF) dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_is_escaped_and_forbidden_characters_dropped() {
        assert_eq!(
            escape("<script>a&b</script> \"x\" 'y'"),
            "&lt;script&gt;a&amp;b&lt;/script&gt; &quot;x&quot; &apos;y&apos;"
        );
        assert_eq!(escape("a\u{0}b\u{1b}c\u{ffff}"), "abc");
    }
}
