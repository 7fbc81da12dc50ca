//! Draws a [`Frame`] with any [`Painter`], in the article's style: a follower is a
//! filled circle, a candidate a filled circle with a dashed border, a leader a filled
//! circle with a solid border; crashed nodes are grey and crossed out. The rim belongs
//! to the role alone (DESIGN.md): the timers run on a ring well inside the circle, the
//! selection is marked by corner brackets and the tour's spotlight by a soft glow.

use core::f64::consts::{FRAC_PI_2, TAU};

use raft_sim::raft_core::Role;

use crate::layout::Point;
use crate::narrate::text::{Arg, render};
use crate::paint::{Align, Painter, Stroke};
use crate::stage::Stage;
use crate::theme::Theme;
use crate::view::{CellView, Focus, Frame, MessageView, NodeView, Shape};

/// The opacity of what the tour's spotlight leaves out.
pub const DIM: f64 = 0.3;

/// The inner ring of the timers, as a fraction of the node's radius: well inside the
/// rim, so that it never reads as a border.
pub const TIMER_RING: f64 = 0.72;

/// Draws everything.
pub fn draw(frame: &Frame<'_>, stage: &Stage, theme: &Theme, p: &mut impl Painter) {
    p.clear(theme.background);
    for &(a, b) in &frame.cuts {
        draw_cut(a, b, theme, p);
    }
    draw_client(frame, stage, theme, p);
    for node in &frame.nodes {
        draw_node(node, stage, theme, p);
    }
    let size = crate::num::clamp(stage.ring.node_radius * 0.22, 4.0, 9.0);
    for m in &frame.messages {
        draw_message(m, size, theme, p);
    }
    // Labels over every circle and message, so that nothing hides one.
    for node in &frame.nodes {
        draw_labels(node, frame, stage, theme, p);
    }
    draw_logs(frame, stage, theme, p);
    if let Some(joint) = &frame.joint {
        p.text(
            joint,
            // The top left corner: clear of the ring, whose top node is centred.
            Point {
                x: stage.font,
                y: stage.font * 1.4,
            },
            stage.font,
            theme.muted,
            Align::Left,
            true,
        );
    }
}

/// Starts drawing an item under the spotlight: faded when dimmed; when lit, on a soft
/// glow (a filled disc or box, never a ring), if `glow` says where.
fn enter(focus: Focus, theme: &Theme, p: &mut impl Painter, glow: Option<Glow>) {
    match (focus, glow) {
        (Focus::Dim, _) => p.set_alpha(DIM),
        (Focus::Lit, Some(glow)) => {
            p.set_alpha(0.45);
            match glow {
                Glow::Disc(c, r) => p.circle(c, r, Some(theme.spot), None),
                Glow::Box(at, w, h) => p.rect(at, w, h, 6.0, Some(theme.spot), None),
            }
            p.set_alpha(1.0);
        }
        _ => {}
    }
}

/// Ends an item started with [`enter`].
fn leave(focus: Focus, p: &mut impl Painter) {
    if focus == Focus::Dim {
        p.set_alpha(1.0);
    }
}

#[derive(Clone, Copy)]
enum Glow {
    Disc(Point, f64),
    Box(Point, f64, f64),
}

fn draw_cut(a: Point, b: Point, theme: &Theme, p: &mut impl Painter) {
    p.line(a, b, Stroke::dashed(theme.cut, 1.5, 6.0, 5.0));
    let mid = Point {
        x: (a.x + b.x) / 2.0,
        y: (a.y + b.y) / 2.0,
    };
    cross(mid, 5.0, Stroke::solid(theme.cut, 2.0), p);
}

fn at(c: Point, dx: f64, dy: f64) -> Point {
    Point {
        x: c.x + dx,
        y: c.y + dy,
    }
}

fn cross(c: Point, r: f64, s: Stroke, p: &mut impl Painter) {
    p.line(at(c, -r, -r), at(c, r, r), s);
    p.line(at(c, -r, r), at(c, r, -r), s);
}

/// The selection mark: four corner brackets on a square of half side `h` around `c`
/// (no ring: a ring round a node would read as a border).
fn brackets(c: Point, h: f64, theme: &Theme, p: &mut impl Painter) {
    let s = Stroke::solid(theme.selection, 2.5);
    let arm = h * 0.4;
    for (sx, sy) in [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)] {
        let corner = at(c, sx * h, sy * h);
        p.line(corner, at(corner, -sx * arm, 0.0), s);
        p.line(corner, at(corner, 0.0, -sy * arm), s);
    }
}

/// Roughly how wide `text` is at `size` (Latin letters about half an em, CJK one).
fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 0.58 } else { 1.0 })
        .sum::<f64>()
        * size
}

fn draw_node(n: &NodeView<'_>, stage: &Stage, theme: &Theme, p: &mut impl Painter) {
    let r = n.radius;
    if r <= 0.0 {
        return;
    }
    enter(n.focus, theme, p, Some(Glow::Disc(n.at, r * 1.4)));
    let (fill, text) = match n.role {
        None => (theme.crashed_fill, theme.crashed_text),
        Some(_) if n.learner => (theme.learner_fill, theme.node_text),
        Some(_) => (theme.node_fill, theme.node_text),
    };
    p.circle(n.at, r, Some(fill), None);
    // The rim: the role, and nothing else.
    match n.role {
        Some(Role::Candidate | Role::PreCandidate) => {
            p.circle(
                n.at,
                r + 1.5,
                None,
                Some(Stroke::dashed(theme.node_border, 3.0, 7.0, 5.0)),
            );
        }
        Some(Role::Leader) => {
            p.circle(
                n.at,
                r + 1.5,
                None,
                Some(Stroke::solid(theme.node_border, 4.0)),
            );
        }
        Some(Role::Follower) => {}
        // Crashed: crossed out, in the background colour so that the name stays legible.
        None => cross(n.at, r * 0.62, Stroke::solid(theme.background, 3.0), p),
    }
    if n.selected {
        brackets(n.at, r + 8.0, theme, p);
    }
    // Inside, on a faint track: the election timer drains clockwise from the top; a
    // leader's ring counts down to its next heartbeat in another colour.
    let timer = match (n.timer, n.heartbeat) {
        (Some(left), _) => Some((left, theme.timer)),
        (None, Some(left)) => Some((left, theme.heartbeat)),
        (None, None) => None,
    };
    if let Some((left, color)) = timer {
        let width = crate::num::clamp(r * 0.06, 2.0, 4.0);
        let ring = r * TIMER_RING;
        p.circle(
            n.at,
            ring,
            None,
            Some(Stroke::solid(theme.timer_track, width)),
        );
        p.arc(
            n.at,
            ring,
            -FRAC_PI_2,
            -FRAC_PI_2 + TAU * left,
            Stroke::solid(color, width),
        );
    }
    let f = stage.font;
    p.text(
        n.name,
        at(n.at, 0.0, -r * 0.14),
        f * 1.3,
        text,
        Align::Center,
        true,
    );
    p.text(
        &term_label(n.term),
        at(n.at, 0.0, r * 0.36),
        f * 0.9,
        text,
        Align::Center,
        false,
    );
    leave(n.focus, p);
}

/// A node's stored value, in a small box under it (the article's "data"), and under
/// that a candidate's votes: received, and more than n/2 to win (the article's rule).
/// Together they reach `stage::below_node` under the centre.
fn draw_labels(
    n: &NodeView<'_>,
    frame: &Frame<'_>,
    stage: &Stage,
    theme: &Theme,
    p: &mut impl Painter,
) {
    let r = n.radius;
    if r <= 0.0 {
        return;
    }
    enter(n.focus, theme, p, None);
    let f = stage.font;
    let value = crate::num::i64_text(n.value);
    let w = (text_width(&value, f) + f).max(f * 1.8);
    let top = at(n.at, -w / 2.0, r + f * 0.35);
    p.rect(
        top,
        w,
        f * 1.5,
        4.0,
        Some(theme.background),
        Some(Stroke::solid(theme.muted, 1.0)),
    );
    p.text(
        &value,
        at(top, w / 2.0, f * 0.75),
        f,
        theme.text,
        Align::Center,
        false,
    );
    if matches!(n.role, Some(Role::Candidate | Role::PreCandidate)) {
        let mut half = crate::num::u64_text(n.voters as u64 / 2);
        if n.voters % 2 == 1 {
            half.push_str(".5");
        }
        let votes = render(frame.votes_label, &[Arg::from(n.votes)]);
        let needs = render(frame.needs_label, &[Arg::from(&half)]);
        let label = [votes.as_str(), " · ", needs.as_str()].concat();
        let size = f * 0.72;
        let (w, h) = (text_width(&label, size) + f * 0.7, f * 1.45);
        // Inside the canvas, clear of the other nodes.
        let fits = |left: f64, top: f64, w: f64, h: f64| {
            top >= 0.0
                && top + h <= stage.floor
                && !frame.nodes.iter().any(|o| {
                    let x = crate::num::clamp(o.at.x, left, left + w);
                    let y = crate::num::clamp(o.at.y, top, top + h);
                    o.id != n.id && o.at.distance(Point { x, y }) < o.radius + 2.0
                })
        };
        // Under the value box, else above the node; on a crowded ring, in two lines
        // on the side of the ring's centre.
        // A little room from the canvas's sides, so the pill never reads as cut off.
        let margin = f * 0.5;
        let left = crate::num::clamp(n.at.x - w / 2.0, margin, stage.width - w - margin);
        let spot = [n.at.y + r + f * 2.15, n.at.y - r - f * 0.35 - h]
            .into_iter()
            .find(|&top| fits(left, top, w, h));
        if let Some(top) = spot {
            pill(Point { x: left, y: top }, w, h, &[&label], size, theme, p);
        } else {
            let w = text_width(&votes, size).max(text_width(&needs, size)) + f * 0.7;
            let h = f * 2.5;
            let c = stage.ring.center;
            let d = c.distance(n.at).max(1.0);
            let (ux, uy) = ((c.x - n.at.x) / d, (c.y - n.at.y) / d);
            let reach = r + 4.0 + ux.abs() * w / 2.0 + uy.abs() * h / 2.0 + uy.max(0.0) * f * 1.9;
            let top = at(n.at, ux * reach - w / 2.0, uy * reach - h / 2.0);
            pill(top, w, h, &[&votes, &needs], size, theme, p);
        }
    }
    leave(n.focus, p);
}

/// A rounded label with one or more centred lines.
fn pill(
    top: Point,
    w: f64,
    h: f64,
    lines: &[&str],
    size: f64,
    theme: &Theme,
    p: &mut impl Painter,
) {
    p.rect(
        top,
        w,
        h,
        size,
        Some(theme.background),
        Some(Stroke::solid(theme.node_border, 1.5)),
    );
    let step = h / lines.len() as f64;
    for (i, line) in lines.iter().enumerate() {
        p.text(
            line,
            at(top, w / 2.0, step * (i as f64 + 0.5)),
            size,
            theme.text,
            Align::Center,
            true,
        );
    }
}

fn term_label(term: u64) -> String {
    render("T{0}", &[Arg::Num(term)])
}

fn draw_message(m: &MessageView, size: f64, theme: &Theme, p: &mut impl Painter) {
    let color = match m.shape {
        Shape::Vote => theme.vote,
        Shape::Append => theme.append,
        Shape::Client => theme.client,
        Shape::Snapshot => theme.append,
    };
    let mut s = if m.heartbeat { size * 0.7 } else { size };
    if m.focus == Focus::Lit {
        s *= 1.4;
    }
    if let Some(fade) = m.lost {
        let dim = if m.focus == Focus::Dim { DIM } else { 1.0 };
        p.set_alpha(crate::num::clamp(1.0 - fade, 0.0, 1.0) * dim);
        cross(m.at, s, Stroke::solid(theme.bad, 2.5), p);
        p.set_alpha(1.0);
        return;
    }
    enter(m.focus, theme, p, Some(Glow::Disc(m.at, s * 2.2)));
    // Requests are solid; replies are hollow.
    let (fill, stroke) = if m.request {
        (Some(color), None)
    } else {
        (Some(theme.background), Some(Stroke::solid(color, 2.0)))
    };
    match m.shape {
        Shape::Append => p.circle(m.at, s, fill, stroke),
        Shape::Vote => {
            let d = s * 1.3;
            let pts = [
                at(m.at, 0.0, -d),
                at(m.at, d, 0.0),
                at(m.at, 0.0, d),
                at(m.at, -d, 0.0),
            ];
            p.polygon(&pts, fill, stroke);
        }
        Shape::Client => p.rect(at(m.at, -s, -s), 2.0 * s, 2.0 * s, 2.0, fill, stroke),
        Shape::Snapshot => p.rect(at(m.at, -1.6 * s, -s), 3.2 * s, 2.0 * s, 0.5, fill, stroke),
    }
    // A refused vote or a rejected append is struck through.
    if m.ok == Some(false) {
        p.line(
            at(m.at, -s, s),
            at(m.at, s, -s),
            Stroke::solid(theme.bad, 2.0),
        );
    }
    if m.selected {
        brackets(m.at, s + 5.0, theme, p);
    }
    leave(m.focus, p);
}

fn draw_client(frame: &Frame<'_>, stage: &Stage, theme: &Theme, p: &mut impl Painter) {
    let c = &frame.client;
    let h = stage.client_half;
    enter(
        c.focus,
        theme,
        p,
        Some(Glow::Box(
            at(c.at, -h - 7.0, -h - 7.0),
            2.0 * h + 14.0,
            2.0 * h + 14.0,
        )),
    );
    p.rect(
        at(c.at, -h, -h),
        2.0 * h,
        2.0 * h,
        4.0,
        Some(theme.client),
        None,
    );
    let f = stage.font;
    p.text(
        c.label,
        at(c.at, 0.0, -h - f * 0.8),
        f * 0.85,
        theme.muted,
        Align::Center,
        false,
    );
    let below = at(c.at, 0.0, h + f * 0.9);
    if let Some(op) = c.waiting {
        p.text(
            &render("{0}", &[Arg::Op(op)]),
            below,
            f * 0.85,
            theme.text,
            Align::Center,
            true,
        );
    } else if let Some(v) = c.last_value {
        p.text(
            &render("✓ {0}", &[Arg::Int(v)]),
            below,
            f * 0.85,
            theme.good,
            Align::Center,
            false,
        );
    }
    leave(c.focus, p);
}

fn draw_logs(frame: &Frame<'_>, stage: &Stage, theme: &Theme, p: &mut impl Painter) {
    let area = &stage.logs;
    // Every log empty: no table at all (the ring has the canvas).
    if area.columns == 0 {
        return;
    }
    let f = crate::num::clamp(area.row_height * 0.42, 8.0, 13.0);
    // Header: log indexes.
    for col in 0..area.columns {
        let index = frame.first_index + col as u64;
        if col % 2 == 0 || area.cell_width > 24.0 {
            let top = area.cell(0, col);
            p.text(
                &crate::num::u64_text(index),
                Point {
                    x: top.x + area.cell_width / 2.0,
                    y: area.origin.y + area.row_height / 2.0,
                },
                f * 0.85,
                theme.muted,
                Align::Center,
                false,
            );
        }
    }
    for (row, node) in frame.nodes.iter().enumerate() {
        let y = area.cell(row, 0).y + area.row_height / 2.0;
        let color = if node.role.is_some() {
            theme.text
        } else {
            theme.crashed_text
        };
        p.text(
            node.name,
            Point {
                x: area.origin.x + area.name_width * 0.4,
                y,
            },
            f * 1.1,
            color,
            Align::Center,
            true,
        );
    }
    for cell in &frame.cells {
        draw_cell(cell, frame.snapshot_label, stage, theme, f, p);
    }
}

fn draw_cell(c: &CellView, word: &str, stage: &Stage, theme: &Theme, f: f64, p: &mut impl Painter) {
    let area = &stage.logs;
    if c.col >= area.columns {
        return;
    }
    let span = c.span.min(area.columns - c.col).max(1);
    let (w, h) = (area.cell_width * span as f64 - 3.0, area.row_height - 4.0);
    let top = at(area.cell(c.row, c.col), 1.5, 2.0);
    let lit = c.focus == Focus::Lit;
    enter(
        c.focus,
        theme,
        p,
        Some(Glow::Box(at(top, -3.0, -3.0), w + 6.0, h + 6.0)),
    );
    // Committed entries are filled with their term's colour and outlined solid;
    // uncommitted ones are only outlined, dashed. A lit one has a heavier outline.
    let (color, width) = if lit {
        (theme.text, 2.5)
    } else {
        (theme.muted, 1.2)
    };
    let (fill, stroke) = if c.committed {
        (Some(theme.term(c.term)), Stroke::solid(color, width))
    } else {
        (None, Stroke::dashed(color, width, 3.0, 2.0))
    };
    p.rect(top, w, h, 3.0, fill, Some(stroke));
    // A snapshot's block says so when it has room for the word.
    let label = if c.span > 2 {
        let mut l = String::from(word);
        l.push(' ');
        l.push_str(&c.label);
        l
    } else {
        c.label.clone()
    };
    p.text(
        &label,
        at(top, w / 2.0, h * 0.42),
        f,
        theme.text,
        Align::Center,
        c.committed,
    );
    if h > 22.0 {
        p.text(
            &term_label(c.term),
            at(top, w / 2.0, h * 0.82),
            f * 0.7,
            theme.muted,
            Align::Center,
            false,
        );
    }
    leave(c.focus, p);
}
