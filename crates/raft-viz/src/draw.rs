//! Draws a [`Frame`] with any [`Painter`], in the article's style: a follower is a
//! filled circle, a candidate a filled circle with a dashed border, a leader a filled
//! circle with a solid border; crashed nodes are grey.

use core::f64::consts::{FRAC_PI_2, TAU};

use raft_sim::raft_core::Role;

use crate::layout::Point;
use crate::narrate::text::{Arg, render};
use crate::paint::{Align, Painter, Stroke};
use crate::stage::Stage;
use crate::theme::Theme;
use crate::view::{CellView, Frame, MessageView, NodeView, Shape};

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
    draw_logs(frame, stage, theme, p);
}

fn draw_cut(a: Point, b: Point, theme: &Theme, p: &mut impl Painter) {
    p.line(a, b, Stroke::dashed(theme.cut, 1.5, 6.0, 5.0));
    let mid = Point {
        x: (a.x + b.x) / 2.0,
        y: (a.y + b.y) / 2.0,
    };
    cross(mid, 5.0, Stroke::solid(theme.cut, 2.0), p);
}

fn cross(c: Point, r: f64, s: Stroke, p: &mut impl Painter) {
    p.line(
        Point {
            x: c.x - r,
            y: c.y - r,
        },
        Point {
            x: c.x + r,
            y: c.y + r,
        },
        s,
    );
    p.line(
        Point {
            x: c.x - r,
            y: c.y + r,
        },
        Point {
            x: c.x + r,
            y: c.y - r,
        },
        s,
    );
}

fn draw_node(n: &NodeView<'_>, stage: &Stage, theme: &Theme, p: &mut impl Painter) {
    let r = n.radius;
    if r <= 0.0 {
        return;
    }
    let (fill, text) = match n.role {
        None => (theme.crashed_fill, theme.crashed_text),
        Some(_) => (theme.node_fill, theme.node_text),
    };
    p.circle(n.at, r, Some(fill), None);
    match n.role {
        Some(Role::Candidate | Role::PreCandidate) => {
            p.circle(
                n.at,
                r + 2.5,
                None,
                Some(Stroke::dashed(theme.node_border, 3.0, 7.0, 5.0)),
            );
        }
        Some(Role::Leader) => {
            p.circle(
                n.at,
                r + 2.5,
                None,
                Some(Stroke::solid(theme.node_border, 4.0)),
            );
        }
        Some(Role::Follower) => {}
        None => cross(n.at, r * 0.45, Stroke::solid(theme.crashed_text, 2.0), p),
    }
    if n.selected {
        p.circle(
            n.at,
            r + 9.0,
            None,
            Some(Stroke::solid(theme.selection, 2.0)),
        );
    }
    // The election timer drains clockwise from the top; a leader shows its heartbeat.
    if let Some(left) = n.timer {
        p.arc(
            n.at,
            r + 6.0,
            -FRAC_PI_2,
            -FRAC_PI_2 + TAU * left,
            Stroke::solid(theme.timer, 2.0),
        );
    }
    if let Some(left) = n.heartbeat {
        p.arc(
            n.at,
            r + 6.0,
            -FRAC_PI_2,
            -FRAC_PI_2 + TAU * left,
            // Thin and solid: a dashed ring beside the leader's border would read as
            // a candidate's dashed border.
            Stroke::solid(theme.timer, 1.0),
        );
    }
    let f = stage.font;
    p.text(
        n.name,
        Point {
            x: n.at.x,
            y: n.at.y - r * 0.18,
        },
        f * 1.35,
        text,
        Align::Center,
        true,
    );
    p.text(
        &term_label(n.term),
        Point {
            x: n.at.x,
            y: n.at.y + r * 0.42,
        },
        f * 0.85,
        text,
        Align::Center,
        false,
    );
    // The stored value, in a small box under the node (the article's "data").
    let value = crate::num::i64_text(n.value);
    let w = (value.len() as f64 * f * 0.62 + f).max(f * 1.8);
    let top = Point {
        x: n.at.x - w / 2.0,
        y: n.at.y + r + 10.0,
    };
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
        Point {
            x: n.at.x,
            y: top.y + f * 0.75,
        },
        f,
        theme.text,
        Align::Center,
        false,
    );
    if matches!(n.role, Some(Role::Candidate | Role::PreCandidate)) {
        let badge = Point {
            x: n.at.x + r * 0.8,
            y: n.at.y - r * 0.8,
        };
        p.circle(
            badge,
            f * 0.95,
            Some(theme.background),
            Some(Stroke::solid(theme.node_border, 1.5)),
        );
        p.text(
            &render("{0}/{1}", &[Arg::from(n.votes), Arg::from(n.needed)]),
            badge,
            f * 0.75,
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
    };
    if let Some(fade) = m.lost {
        p.set_alpha(crate::num::clamp(1.0 - fade, 0.0, 1.0));
        cross(m.at, size, Stroke::solid(theme.bad, 2.5), p);
        p.set_alpha(1.0);
        return;
    }
    let s = if m.heartbeat { size * 0.7 } else { size };
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
                Point {
                    x: m.at.x,
                    y: m.at.y - d,
                },
                Point {
                    x: m.at.x + d,
                    y: m.at.y,
                },
                Point {
                    x: m.at.x,
                    y: m.at.y + d,
                },
                Point {
                    x: m.at.x - d,
                    y: m.at.y,
                },
            ];
            p.polygon(&pts, fill, stroke);
        }
        Shape::Client => p.rect(
            Point {
                x: m.at.x - s,
                y: m.at.y - s,
            },
            2.0 * s,
            2.0 * s,
            2.0,
            fill,
            stroke,
        ),
    }
    // A refused vote or a rejected append is struck through.
    if m.ok == Some(false) {
        p.line(
            Point {
                x: m.at.x - s,
                y: m.at.y + s,
            },
            Point {
                x: m.at.x + s,
                y: m.at.y - s,
            },
            Stroke::solid(theme.bad, 2.0),
        );
    }
    if m.selected {
        p.circle(
            m.at,
            s + 5.0,
            None,
            Some(Stroke::solid(theme.selection, 2.0)),
        );
    }
}

fn draw_client(frame: &Frame<'_>, stage: &Stage, theme: &Theme, p: &mut impl Painter) {
    let c = &frame.client;
    let h = stage.client_half;
    p.rect(
        Point {
            x: c.at.x - h,
            y: c.at.y - h,
        },
        2.0 * h,
        2.0 * h,
        4.0,
        Some(theme.client),
        None,
    );
    let f = stage.font;
    p.text(
        c.label,
        Point {
            x: c.at.x,
            y: c.at.y - h - f * 0.8,
        },
        f * 0.85,
        theme.muted,
        Align::Center,
        false,
    );
    if let Some(op) = c.waiting {
        p.text(
            &render("{0}", &[Arg::Op(op)]),
            Point {
                x: c.at.x,
                y: c.at.y + h + f * 0.9,
            },
            f * 0.85,
            theme.text,
            Align::Center,
            true,
        );
    } else if let Some(v) = c.last_value {
        p.text(
            &render("✓ {0}", &[Arg::Int(v)]),
            Point {
                x: c.at.x,
                y: c.at.y + h + f * 0.9,
            },
            f * 0.85,
            theme.good,
            Align::Center,
            false,
        );
    }
}

fn draw_logs(frame: &Frame<'_>, stage: &Stage, theme: &Theme, p: &mut impl Painter) {
    let area = &stage.logs;
    let f = crate::num::clamp(area.row_height * 0.42, 8.0, 13.0);
    // Header: log indexes.
    for col in 0..area.columns {
        let index = frame.first_index + col as u64;
        if col % 2 == 0 || area.cell_width > 24.0 {
            let at = area.cell(0, col);
            p.text(
                &crate::num::u64_text(index),
                Point {
                    x: at.x + area.cell_width / 2.0,
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
        draw_cell(cell, stage, theme, f, p);
    }
}

fn draw_cell(c: &CellView, stage: &Stage, theme: &Theme, f: f64, p: &mut impl Painter) {
    let area = &stage.logs;
    let at = area.cell(c.row, c.col);
    let (w, h) = (area.cell_width - 3.0, area.row_height - 4.0);
    let top = Point {
        x: at.x + 1.5,
        y: at.y + 2.0,
    };
    // Committed entries are filled with their term's colour; uncommitted ones are only
    // outlined, dashed.
    if c.committed {
        p.rect(
            top,
            w,
            h,
            3.0,
            Some(theme.term(c.term)),
            Some(Stroke::solid(theme.muted, 1.0)),
        );
    } else {
        p.rect(
            top,
            w,
            h,
            3.0,
            None,
            Some(Stroke::dashed(theme.muted, 1.2, 3.0, 2.0)),
        );
    }
    p.text(
        &c.label,
        Point {
            x: top.x + w / 2.0,
            y: top.y + h * 0.42,
        },
        f,
        theme.text,
        Align::Center,
        c.committed,
    );
    if h > 22.0 {
        p.text(
            &term_label(c.term),
            Point {
                x: top.x + w / 2.0,
                y: top.y + h * 0.82,
            },
            f * 0.7,
            theme.muted,
            Align::Center,
            false,
        );
    }
}
