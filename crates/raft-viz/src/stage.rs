//! The stage: where the cluster ring, the client and the log table go for a given
//! canvas size. Landscape puts the logs to the right of the ring, portrait below it.

use crate::layout::{Point, RingLayout, ring};

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
    /// The log table.
    pub logs: LogArea,
    /// Base text size.
    pub font: f64,
}

impl Stage {
    /// Lays out `n` nodes on a `width` × `height` canvas.
    pub fn new(n: usize, width: f64, height: f64) -> Stage {
        let (w, h) = (finite(width), finite(height));
        let landscape = w >= h * 1.15;
        let rows = n.max(1) as f64;
        let (ring_box, log_box) = if landscape {
            let ring_w = (w * 0.56).max(0.0);
            ((0.0, 0.0, ring_w, h), (ring_w, 0.0, w - ring_w, h))
        } else {
            let ring_h = (h * 0.6).max(0.0);
            ((0.0, 0.0, w, ring_h), (0.0, ring_h, w, h - ring_h))
        };
        // Keep a margin on the ring's left for the client.
        let client_room = crate::num::clamp(ring_box.2 * 0.14, 0.0, 90.0);
        let mut ring_layout = ring(n, ring_box.2 - client_room, ring_box.3);
        let dx = ring_box.0 + client_room;
        let dy = ring_box.1;
        for p in &mut ring_layout.nodes {
            p.x += dx;
            p.y += dy;
        }
        ring_layout.center.x += dx;
        ring_layout.center.y += dy;
        let client_half = crate::num::clamp(ring_layout.node_radius * 0.45, 6.0, 22.0);
        let client = Point {
            x: ring_box.0 + client_room * 0.5 + client_half * 0.3,
            y: ring_box.1 + ring_box.3 * 0.5,
        };
        let font = crate::num::clamp(ring_layout.node_radius * 0.42, 10.0, 16.0);
        let pad = 8.0;
        let row_height = crate::num::clamp((log_box.3 - 2.0 * pad) / (rows + 1.0), 12.0, 34.0);
        let name_width = font * 2.6;
        let cell_width = crate::num::clamp(row_height * 1.15, 14.0, 40.0);
        let usable = (log_box.2 - 2.0 * pad - name_width).max(0.0);
        let columns = (usable / cell_width).floor().max(1.0) as usize;
        // A short table (few nodes, tall canvas) sits a little above the middle of its
        // box, level with the ring, instead of leaving the box's lower part empty.
        let table_height = (rows + 1.0) * row_height;
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
                row_height,
                name_width,
                cell_width,
                columns,
            },
            font,
        }
    }

    /// The centre of node `i`, if it exists.
    pub fn node(&self, i: usize) -> Option<Point> {
        self.ring.nodes.get(i).copied()
    }
}

fn finite(v: f64) -> f64 {
    if v.is_finite() && v > 0.0 { v } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_log_table_sits_level_with_the_ring_not_at_the_top() {
        let s = Stage::new(5, 1280.0, 800.0);
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
            (800.0, 800.0),
            (300.0, 200.0),
        ] {
            for n in 1..=9 {
                let s = Stage::new(n, w, h);
                for p in &s.ring.nodes {
                    assert!(
                        p.x - s.ring.node_radius >= -1e-6 && p.x + s.ring.node_radius <= w + 1e-6
                    );
                    assert!(
                        p.y - s.ring.node_radius >= -1e-6 && p.y + s.ring.node_radius <= h + 1e-6
                    );
                }
                assert!(s.client.x - s.client_half >= 0.0, "{w}x{h} n={n}");
                assert!(
                    s.client.x + s.client_half < s.ring.nodes[0].x
                        || n == 1
                        || s.client.y != s.ring.nodes[0].y
                );
                let last = s.logs.cell(n - 1, s.logs.columns - 1);
                assert!(last.x + s.logs.cell_width <= w + 1e-6, "{w}x{h} n={n}");
                assert!(last.y <= h, "{w}x{h} n={n}");
            }
        }
    }

    #[test]
    fn landscape_puts_logs_right_and_portrait_below() {
        let wide = Stage::new(5, 1280.0, 800.0);
        assert!(wide.logs.origin.x > wide.ring.center.x);
        let tall = Stage::new(5, 390.0, 760.0);
        assert!(tall.logs.origin.y > tall.ring.center.y);
    }
}
