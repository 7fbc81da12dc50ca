//! Draws a [`Diagram`] in the cluster view's language: a lane is shaded in its term's
//! colour and bordered as the node is drawn (a follower's band plain, a candidate's
//! dashed, a leader's solid; crashed, a thin grey line); a message's line has its
//! kind's colour and ends in its kind's shape (requests filled on solid lines, replies
//! hollow on dashed ones), a cross where it was lost, and stops at "now" while in
//! flight.

use raft_sim::raft_core::Role;
use raft_sim::scene::Subject;

use super::{
    AXIS_HEIGHT, Diagram, Fate, LABEL_WIDTH, LaneState, Line, MarkKind, Scale, line_ends, mark_at,
};
use crate::draw::DIM;
use crate::layout::Point;
use crate::paint::{Align, Painter, Stroke};
use crate::theme::Theme;
use crate::view::{Focus, Selection, Shape, message_focus};

/// Draws the whole diagram. `subjects` is the tour caption's spotlight (none: every
/// item plain); `client` labels the client's lane.
pub fn draw(
    d: &Diagram,
    s: &Scale,
    theme: &Theme,
    selection: Option<Selection>,
    subjects: &[Subject],
    client: &str,
    p: &mut dyn Painter,
) {
    p.clear(theme.background);
    axis(s, theme, p);
    let h = s.lane_height();
    for (i, lane) in d.lanes.iter().enumerate() {
        let y = s.lane_y(i);
        let focus = Focus::of(subjects, subjects.contains(&Subject::Node(lane.node)));
        alpha(focus, p);
        for span in &lane.spans {
            let (x0, x1) = (s.x(span.from), s.x(span.to));
            band(x0, x1, y, h, span.state, theme, p);
        }
        let bold = selection == Some(Selection::Node(lane.node)) || focus == Focus::Lit;
        let name = raft_sim::node_name(lane.node);
        p.text(
            &name,
            Point {
                x: LABEL_WIDTH / 2.0,
                y,
            },
            11.0,
            theme.text,
            Align::Center,
            bold,
        );
        p.set_alpha(1.0);
    }
    if d.client {
        let y = s.lane_y(d.lanes.len());
        let focus = Focus::of(subjects, subjects.contains(&Subject::Client));
        alpha(focus, p);
        p.line(
            Point { x: LABEL_WIDTH, y },
            Point { x: s.width, y },
            Stroke::dashed(theme.faint, 1.0, 2.0, 3.0),
        );
        p.text(
            client,
            Point {
                x: LABEL_WIDTH / 2.0,
                y,
            },
            9.0,
            theme.muted,
            Align::Center,
            false,
        );
        p.set_alpha(1.0);
    }
    // Heartbeats first, so that messages that carry something are drawn over them.
    for pass in [true, false] {
        for line in d.lines.iter().filter(|l| l.heartbeat == pass) {
            let focus = message_focus(subjects, line.shape, line.request);
            let selected = selection == Some(Selection::Message(line.id));
            draw_line(d, s, line, focus, selected, theme, p);
        }
    }
    for m in &d.marks {
        let Some(at) = mark_at(d, s, m) else {
            continue;
        };
        let focus = Focus::of(subjects, subjects.contains(&Subject::Node(m.node)));
        alpha(focus, p);
        mark(at, m.kind, theme, p);
        if selection == Some(Selection::Event(m.seq)) {
            p.circle(at, 7.5, None, Some(Stroke::solid(theme.selection, 2.0)));
        }
        p.set_alpha(1.0);
    }
    // "Now": the cursor, where the cluster view is.
    let x = s.x(d.now);
    if x <= s.width {
        p.line(
            Point { x, y: AXIS_HEIGHT },
            Point { x, y: s.height },
            Stroke::solid(theme.selection, 1.5),
        );
    }
}

fn alpha(focus: Focus, p: &mut dyn Painter) {
    if focus == Focus::Dim {
        p.set_alpha(DIM);
    }
}

/// One stretch of a lane.
fn band(x0: f64, x1: f64, y: f64, h: f64, state: LaneState, theme: &Theme, p: &mut dyn Painter) {
    let w = (x1 - x0).max(0.0);
    match state {
        LaneState::Absent => {}
        LaneState::Down => p.line(
            Point { x: x0, y },
            Point { x: x1, y },
            Stroke::solid(theme.crashed_fill, 2.0),
        ),
        LaneState::Up { role, term } => {
            let half = if role == Role::Leader { 0.34 } else { 0.26 } * h;
            let border = match role {
                Role::Follower => None,
                Role::PreCandidate | Role::Candidate => {
                    Some(Stroke::dashed(theme.node_border, 1.2, 3.0, 2.0))
                }
                Role::Leader => Some(Stroke::solid(theme.node_border, 1.6)),
            };
            p.rect(
                Point { x: x0, y: y - half },
                w,
                2.0 * half,
                0.0,
                Some(theme.term(term)),
                border,
            );
        }
    }
}

fn color_of(shape: Shape, theme: &Theme) -> &'static str {
    match shape {
        Shape::Vote => theme.vote,
        Shape::Append | Shape::Snapshot => theme.append,
        Shape::Client => theme.client,
    }
}

fn draw_line(
    d: &Diagram,
    s: &Scale,
    line: &Line,
    focus: Focus,
    selected: bool,
    theme: &Theme,
    p: &mut dyn Painter,
) {
    let Some((a, b)) = line_ends(d, s, line) else {
        return;
    };
    let color = if selected {
        theme.selection
    } else {
        color_of(line.shape, theme)
    };
    let width = match (selected, line.heartbeat) {
        (true, _) => 2.6,
        (false, true) => 0.8,
        (false, false) => 1.4,
    };
    let stroke = if line.request {
        Stroke::solid(color, width)
    } else {
        Stroke::dashed(color, width, 4.0, 2.5)
    };
    match focus {
        Focus::Dim => p.set_alpha(DIM * 0.7),
        _ if line.heartbeat && !selected => p.set_alpha(0.55),
        _ => {}
    }
    p.line(a, b, stroke);
    match line.fate {
        Fate::Lost => glyph(
            b,
            Glyph::Cross,
            3.5,
            None,
            Some(Stroke::solid(theme.bad, 1.8)),
            p,
        ),
        // A heartbeat's line alone says enough: its head would be most of the
        // drawing's calls.
        _ if line.heartbeat && !selected => {}
        _ => head(b, line, color, theme, p),
    }
    p.set_alpha(1.0);
}

/// The small shapes of the diagram: a line's end and a mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Glyph {
    Disc,
    Diamond,
    Square,
    Cross,
    Tick,
}

/// Draws `g` of radius `r` at `c`.
fn glyph(
    c: Point,
    g: Glyph,
    r: f64,
    fill: Option<&'static str>,
    stroke: Option<Stroke>,
    p: &mut dyn Painter,
) {
    match g {
        Glyph::Disc => p.circle(c, r, fill, stroke),
        Glyph::Diamond => p.polygon(
            &[at(c, 0.0, -r), at(c, r, 0.0), at(c, 0.0, r), at(c, -r, 0.0)],
            fill,
            stroke,
        ),
        Glyph::Square => p.rect(at(c, -r, -r), 2.0 * r, 2.0 * r, 0.0, fill, stroke),
        Glyph::Cross | Glyph::Tick => {
            let s = stroke.unwrap_or(Stroke::solid("#000", 1.0));
            let dx = if g == Glyph::Cross { r } else { 0.0 };
            p.line(at(c, -dx, -r), at(c, dx, r), s);
            if g == Glyph::Cross {
                p.line(at(c, -r, r), at(c, r, -r), s);
            }
        }
    }
}

/// The kind's shape where a line ends: filled for a request, hollow for a reply,
/// struck through for a refusal.
fn head(b: Point, line: &Line, color: &'static str, theme: &Theme, p: &mut dyn Painter) {
    let r = if line.heartbeat { 1.8 } else { 2.6 };
    let (fill, stroke) = if line.request {
        (Some(color), None)
    } else {
        (Some(theme.background), Some(Stroke::solid(color, 1.2)))
    };
    let g = match line.shape {
        Shape::Append => Glyph::Disc,
        Shape::Vote => Glyph::Diamond,
        Shape::Client | Shape::Snapshot => Glyph::Square,
    };
    glyph(b, g, r, fill, stroke, p);
    if line.ok == Some(false) {
        p.line(
            at(b, -r - 1.0, r + 1.0),
            at(b, r + 1.0, -r - 1.0),
            Stroke::solid(theme.bad, 1.4),
        );
    }
}

/// A mark's glyph: the timer's orange ring for a timeout, the vote's diamond, the
/// leader's bordered disc, an append's tick, a commit's filled square (hollow and red
/// when the Figure 8 rule held it back), a crash's cross, a restart's green ring.
fn mark(c: Point, kind: MarkKind, theme: &Theme, p: &mut dyn Painter) {
    let solid = Stroke::solid;
    let (g, fill, stroke) = match kind {
        MarkKind::Timeout => (
            Glyph::Disc,
            Some(theme.background),
            Some(solid(theme.heartbeat, 1.6)),
        ),
        MarkKind::Vote => (Glyph::Diamond, Some(theme.vote), None),
        MarkKind::Elected => (
            Glyph::Disc,
            Some(theme.node_fill),
            Some(solid(theme.node_border, 1.6)),
        ),
        MarkKind::Append => (Glyph::Tick, None, Some(solid(theme.append, 1.6))),
        MarkKind::Commit => (Glyph::Square, Some(theme.good), None),
        MarkKind::Withheld => (
            Glyph::Square,
            Some(theme.background),
            Some(solid(theme.bad, 1.4)),
        ),
        MarkKind::Crash => (Glyph::Cross, None, Some(solid(theme.bad, 2.0))),
        MarkKind::Restart => (Glyph::Disc, None, Some(solid(theme.good, 1.6))),
    };
    glyph(c, g, 3.6, fill, stroke, p);
}

/// Time ticks along the top: every 1, 2 or 5 × 10ⁿ ms, as many as fit.
fn axis(s: &Scale, theme: &Theme, p: &mut dyn Painter) {
    let span_ms = s.window.span_us() as f64 / 1_000.0;
    let room = (s.width - LABEL_WIDTH).max(1.0);
    let most = (room / 70.0).max(1.0);
    // 1, 2, 5, 10, 20, 50, ... ms.
    let (mut step_ms, mut nth) = (1u64, 0u32);
    while (span_ms / step_ms as f64) > most {
        step_ms = if nth % 3 == 1 {
            step_ms / 2 * 5
        } else {
            step_ms * 2
        };
        nth += 1;
    }
    let from_ms = s.window.from.as_micros() / 1_000;
    let mut t = from_ms.div_ceil(step_ms) * step_ms;
    let end_ms = s.window.to.as_micros() / 1_000;
    while t <= end_ms {
        let x = s.x(raft_sim::raft_core::Instant::from_micros(t * 1_000));
        p.line(
            Point {
                x,
                y: AXIS_HEIGHT - 3.0,
            },
            Point { x, y: s.height },
            Stroke::solid(theme.faint, 0.6),
        );
        let mut label = String::new();
        crate::num::push_u64(&mut label, t);
        label.push_str(" ms");
        p.text(
            &label,
            Point {
                x,
                y: AXIS_HEIGHT / 2.0,
            },
            9.5,
            theme.muted,
            Align::Center,
            false,
        );
        t += step_ms;
    }
}

fn at(c: Point, dx: f64, dy: f64) -> Point {
    Point {
        x: c.x + dx,
        y: c.y + dy,
    }
}
