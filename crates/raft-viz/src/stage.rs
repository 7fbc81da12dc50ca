//! The stage: where the cluster ring, the client and the log table go for a given
//! canvas size. Landscape puts the logs to the right of the ring, portrait below it.

use crate::layout::{Point, RingLayout, node_radius, ring};

/// The log table's geometry.
#[derive(Debug, Clone, PartialEq)]
pub struct LogArea {
    /// Top left corner.
    pub origin: Point,
    /// Width available.
    pub width: f64,
    /// Height of one node's row.
    pub row_height: f64,
    /// Width of the name column.
    pub name_width: f64,
    /// Width of one entry cell.
    pub cell_width: f64,
    /// How many entries fit in a row.
    pub columns: usize,
}

impl LogArea {
    /// Top left of the cell for row `row` and visible column `col`.
    pub fn cell(&self, row: usize, col: usize) -> Point {
        Point {
            x: self.origin.x + self.name_width + col as f64 * self.cell_width,
            y: self.origin.y + (row as f64 + 1.0) * self.row_height,
        }
    }
}

/// Everything's place on the canvas, in CSS pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// Canvas width.
    pub width: f64,
    /// Canvas height.
    pub height: f64,
    /// The nodes on their ring (absolute coordinates).
    pub ring: RingLayout,
    /// Where the client is drawn.
    pub client: Point,
    /// Half the side of the client's square.
    pub client_half: f64,
    /// The log table (no columns while every log is empty).
    pub logs: LogArea,
    /// Base text size.
    pub font: f64,
    /// The log table's size class this stage was laid out for ([`log_slots`]).
    pub log_slots: usize,
    /// The bottom of the ring's part of the canvas (the log table may be below).
    pub floor: f64,
}

/// The number of entry columns the log table makes room for when the longest log has
/// `entries` entries: none while every log is empty (the ring takes the whole canvas,
/// DESIGN.md: no half-empty canvas), then 4, 8, then 16 (older entries scroll out).
/// Steps, so that the stage is laid out again only a few times in a run.
pub fn log_slots(entries: u64) -> usize {
    match entries {
        0 => 0,
        1..=4 => 4,
        5..=8 => 8,
        _ => 16,
    }
}

/// The base text size for nodes of radius `r`.
fn font_for(r: f64) -> f64 {
    crate::num::clamp(r * 0.42, 10.0, 18.0)
}

/// How far below its centre a node's value box reaches (see `draw.rs`), for radius `r`
/// and text size `f`. (A candidate's vote count goes under it where there is room,
/// else above the node.)
pub fn below_node(r: f64, f: f64) -> f64 {
    r + 1.85 * f
}

impl Stage {
    /// Lays out `n` nodes on a `width` × `height` canvas, with a log table for a
    /// longest log of `entries` entries.
    pub fn new(n: usize, width: f64, height: f64, entries: u64) -> Stage {
        let (w, h) = (finite(width), finite(height));
        let slots = log_slots(entries);
        let landscape = w >= h * 1.15;
        let rows = n.max(1) as f64;
        let pad = 8.0;
        // Rows as tall as fit (up to a comfortable size); the log text follows them.
        let row_height =
            |box_h: f64| crate::num::clamp((box_h - 2.0 * pad) / (rows + 1.0), 12.0, 30.0);
        let row_h = if landscape {
            row_height(h)
        } else {
            row_height(h * 0.36)
        };
        let name_width = crate::num::clamp(row_h * 0.42, 8.0, 13.0) * 2.8;
        let cell_width = crate::num::clamp(row_h * 1.15, 14.0, 40.0);
        let table_height = (rows + 1.0) * row_h;
        let (ring_box, log_box) = if slots == 0 {
            ((0.0, 0.0, w, h), (w, h, 0.0, 0.0))
        } else if landscape {
            let want = 2.0 * pad + name_width + slots as f64 * cell_width;
            let log_w = want.min(w * 0.44);
            ((0.0, 0.0, w - log_w, h), (w - log_w, 0.0, log_w, h))
        } else {
            let log_h = (table_height + 2.0 * pad).min(h * 0.4);
            ((0.0, 0.0, w, h - log_h), (0.0, h - log_h, w, log_h))
        };
        let (ring_layout, client, client_half) = place_ring(n, ring_box);
        let font = font_for(ring_layout.node_radius);
        let usable = (log_box.2 - 2.0 * pad - name_width).max(0.0);
        let columns = if slots == 0 {
            0
        } else {
            ((usable / cell_width).floor().max(1.0) as usize).min(slots)
        };
        // A short table (few nodes, tall canvas) sits a little above the middle of its
        // box, level with the ring, instead of leaving the box's lower part empty.
        let slack = (log_box.3 - 2.0 * pad - table_height).max(0.0);
        Stage {
            width: w,
            height: h,
            ring: ring_layout,
            client,
            client_half,
            logs: LogArea {
                origin: Point {
                    x: log_box.0 + pad,
                    y: log_box.1 + pad + slack * 0.4,
                },
                width: (log_box.2 - 2.0 * pad).max(0.0),
                row_height: row_h,
                name_width,
                cell_width,
                columns,
            },
            font,
            log_slots: slots,
            floor: ring_box.1 + ring_box.3,
        }
    }

    /// Whether this stage suits a longest log of `entries` entries (else lay it out
    /// again: the log table grows).
    pub fn suits(&self, entries: u64) -> bool {
        log_slots(entries) == self.log_slots
    }

    /// The centre of node `i`, if it exists.
    pub fn node(&self, i: usize) -> Option<Point> {
        self.ring.nodes.get(i).copied()
    }
}

/// The ring of `n` nodes in the box `(x, y, w, h)`, with room below each node for
/// its value box, and the client (centre, half side) in a margin on the left.
fn place_ring(n: usize, (x, y, w, h): (f64, f64, f64, f64)) -> (RingLayout, Point, f64) {
    let margin = crate::num::clamp(w * 0.14, 0.0, 90.0);
    let ring_w = w - margin;
    // The ring leaves `EDGE_MARGIN` radii under the bottom node; its value box needs
    // more.
    let r = node_radius(n, ring_w, h);
    let below = (below_node(r, font_for(r)) - r * 1.35 + 4.0).max(0.0);
    let mut layout = ring(n, ring_w, (h - below).max(0.0));
    let dx = x + margin;
    for p in &mut layout.nodes {
        p.x += dx;
        p.y += y;
    }
    layout.center.x += dx;
    layout.center.y += y;
    let half = crate::num::clamp(layout.node_radius * 0.45, 6.0, 22.0);
    let client = Point {
        x: x + margin * 0.5 + half * 0.3,
        y: y + h * 0.5,
    };
    (layout, client, half)
}

fn finite(v: f64) -> f64 {
    if v.is_finite() && v > 0.0 { v } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_log_table_sits_level_with_the_ring_not_at_the_top() {
        let s = Stage::new(5, 1280.0, 800.0, 3);
        let top = s.logs.origin.y;
        let bottom = top + 6.0 * s.logs.row_height;
        let middle = (top + bottom) / 2.0;
        assert!(top > 100.0, "the table hugs the top edge: {top}");
        assert!((middle - 400.0).abs() < 120.0, "table centre {middle}");
        assert!(bottom <= 800.0);
    }

    #[test]
    fn everything_fits_the_canvas_in_landscape_and_portrait() {
        for &(w, h) in &[
            (1280.0, 800.0),
            (390.0, 760.0),
            (390.0, 480.0),
            (800.0, 800.0),
            (300.0, 200.0),
        ] {
            for n in 1..=9 {
                for entries in [0, 3, 7, 40] {
                    let s = Stage::new(n, w, h, entries);
                    let r = s.ring.node_radius;
                    for p in &s.ring.nodes {
                        assert!(p.x - r >= -1e-6 && p.x + r <= w + 1e-6);
                        assert!(p.y - r >= -1e-6, "{w}x{h} n={n}");
                        // The value box and a candidate's vote count too.
                        let bottom = p.y + below_node(r, s.font);
                        let floor = if s.logs.origin.x < p.x - r {
                            s.logs.origin.y.min(h)
                        } else {
                            h
                        };
                        assert!(
                            bottom <= floor + 1e-6,
                            "{w}x{h} n={n} entries={entries}: labels reach {bottom}"
                        );
                    }
                    assert!(s.client.x - s.client_half >= 0.0, "{w}x{h} n={n}");
                    for p in &s.ring.nodes {
                        let d = s.client.distance(*p);
                        assert!(d > r + s.client_half, "{w}x{h} n={n}: client on a node");
                    }
                    if entries == 0 {
                        assert_eq!(s.logs.columns, 0);
                        continue;
                    }
                    let last = s.logs.cell(n - 1, s.logs.columns - 1);
                    assert!(last.x + s.logs.cell_width <= w + 1e-6, "{w}x{h} n={n}");
                    assert!(last.y + s.logs.row_height <= h + 1e-6, "{w}x{h} n={n}");
                }
            }
        }
    }

    #[test]
    fn landscape_puts_logs_right_and_portrait_below() {
        let wide = Stage::new(5, 1280.0, 800.0, 1);
        assert!(wide.logs.origin.x > wide.ring.center.x);
        let tall = Stage::new(5, 390.0, 760.0, 1);
        assert!(tall.logs.origin.y > tall.ring.center.y);
    }

    #[test]
    fn the_stage_is_laid_out_again_only_when_the_log_table_grows_a_size() {
        let s = Stage::new(5, 1280.0, 800.0, 0);
        assert!(s.suits(0) && !s.suits(1));
        let s = Stage::new(5, 1280.0, 800.0, 1);
        assert!(s.suits(2) && s.suits(4) && !s.suits(5));
        assert!(Stage::new(5, 1280.0, 800.0, 9).suits(1_000));
    }
}
