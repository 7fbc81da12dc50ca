//! Where things go on the canvas: pure geometry in CSS pixels, no DOM.

use core::f64::consts::{PI, TAU};

use crate::num::sin_cos;

/// A point in CSS pixels, origin at the top left, y growing downwards.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    /// Euclidean distance to `other`.
    pub fn distance(self, other: Point) -> f64 {
        crate::num::hypot(self.x - other.x, self.y - other.y)
    }
}

/// Nodes placed on a ring inside a box.
#[derive(Debug, Clone, PartialEq)]
pub struct RingLayout {
    /// Centre of the ring (the centre of the box, or a little lower for an odd count:
    /// the nodes are centred).
    pub center: Point,
    /// Radius of the ring through the node centres (0 for a single node).
    pub ring_radius: f64,
    /// Radius of every node's circle.
    pub node_radius: f64,
    /// Node centres, the first at the top, then clockwise.
    pub nodes: Vec<Point>,
}

/// Largest node radius, as a fraction of half the box's shorter side.
const MAX_NODE_FRACTION: f64 = 0.24;
/// Largest node radius in CSS pixels: on a big canvas the ring grows, not the nodes.
const MAX_NODE_RADIUS: f64 = 64.0;
/// Gap between neighbouring circles, as a multiple of the node radius (room for labels).
const NEIGHBOUR_GAP: f64 = 0.6;
/// Room kept free between a circle and the box edge, as a multiple of the node radius.
const EDGE_MARGIN: f64 = 0.35;

/// The radius of each of `n` nodes on a ring in a `width` × `height` box (see [`ring`]).
pub fn node_radius(n: usize, width: f64, height: f64) -> f64 {
    let half = sanitize(width).min(sanitize(height)) / 2.0;
    // Neighbours on a ring of radius R are 2·R·sin(π/n) apart; with
    // R = half − r·(1 + EDGE_MARGIN) they keep a gap of NEIGHBOUR_GAP·r when
    // r ≤ half·k / (1 + k·(1 + EDGE_MARGIN)), k = 2·sin(π/n) / (2 + NEIGHBOUR_GAP).
    // (The ring below is never smaller than that R.)
    let k = if n > 1 {
        2.0 * sin_cos(PI / n as f64).0 / (2.0 + NEIGHBOUR_GAP)
    } else {
        1.0
    };
    (half * MAX_NODE_FRACTION)
        .min(half * k / (1.0 + k * (1.0 + EDGE_MARGIN)))
        .min(MAX_NODE_RADIUS)
}

/// Places `n` nodes evenly on a ring in a `width` × `height` box.
///
/// The first node is at the top and the rest follow clockwise, equally spaced; a single
/// node sits at the centre. Every circle (centre ± `node_radius`) lies inside the box,
/// and neighbours never touch. With an odd count the lowest nodes sit above the
/// circle's bottom: the ring grows into that room, and its nodes, not its circle, are
/// centred in the box. Degenerate boxes (zero, negative or non-finite sides) give zero
/// radii rather than NaN.
pub fn ring(n: usize, width: f64, height: f64) -> RingLayout {
    let (width, height) = (sanitize(width), sanitize(height));
    let node_radius = node_radius(n, width, height);
    // Unit directions first.
    let mut nodes: Vec<Point> = (0..n)
        .map(|i| {
            let (sin, cos) = sin_cos(-PI / 2.0 + TAU * i as f64 / n as f64);
            Point { x: cos, y: sin }
        })
        .collect();
    let (mut low, mut wide) = (0.0_f64, 0.0_f64);
    for p in &nodes {
        low = low.max(p.y);
        wide = wide.max(p.x.abs());
    }
    let edge = node_radius * (1.0 + EDGE_MARGIN);
    let ring_radius = if n > 1 {
        ((width / 2.0 - edge) / wide)
            .min((height - 2.0 * edge) / (1.0 + low))
            .max(0.0)
    } else {
        0.0
    };
    let center = Point {
        x: width / 2.0,
        y: height / 2.0 + ring_radius * (1.0 - low) / 2.0,
    };
    for p in &mut nodes {
        *p = Point {
            x: center.x + ring_radius * p.x,
            y: center.y + ring_radius * p.y,
        };
    }
    RingLayout {
        center,
        ring_radius,
        node_radius,
        nodes,
    }
}

/// The canvas backing-store size in device pixels for a CSS size and a
/// `devicePixelRatio`, so that one canvas pixel is one screen pixel (crisp on high-DPI).
/// Each side is at least 1 pixel.
pub fn backing_size(css_width: f64, css_height: f64, device_pixel_ratio: f64) -> (u32, u32) {
    let ratio = if device_pixel_ratio.is_finite() && device_pixel_ratio > 0.0 {
        device_pixel_ratio
    } else {
        1.0
    };
    let side = |css: f64| {
        let px = (sanitize(css) * ratio).round();
        // Saturating float-to-int conversion; the cap keeps it well within canvas limits.
        crate::num::clamp(px, 1.0, 32_767.0) as u32
    };
    (side(css_width), side(css_height))
}

#[inline(never)]
fn sanitize(side: f64) -> f64 {
    if side.is_finite() && side > 0.0 {
        side
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPS: f64 = 1e-9;

    #[test]
    fn every_circle_lies_inside_the_box_and_neighbours_do_not_touch() {
        for &(width, height) in &[(800.0, 600.0), (320.0, 640.0), (100.0, 100.0), (1.0, 3.0)] {
            for n in 1..=9 {
                let layout = ring(n, width, height);
                assert_eq!(layout.nodes.len(), n);
                assert!(layout.node_radius > 0.0, "n={n} {width}x{height}");
                for p in &layout.nodes {
                    assert!(
                        p.x - layout.node_radius >= -EPS,
                        "n={n} {width}x{height} {p:?}"
                    );
                    assert!(
                        p.y - layout.node_radius >= -EPS,
                        "n={n} {width}x{height} {p:?}"
                    );
                    assert!(
                        p.x + layout.node_radius <= width + EPS,
                        "n={n} {width}x{height}"
                    );
                    assert!(
                        p.y + layout.node_radius <= height + EPS,
                        "n={n} {width}x{height}"
                    );
                }
                for (i, a) in layout.nodes.iter().enumerate() {
                    for b in &layout.nodes[i + 1..] {
                        assert!(a.distance(*b) > 2.0 * layout.node_radius, "n={n} touch");
                    }
                }
            }
        }
    }

    #[test]
    fn nodes_are_equally_spaced_on_the_ring_starting_at_the_top() {
        for n in 2..=9 {
            let layout = ring(n, 640.0, 480.0);
            let first = layout.nodes[0];
            assert!(
                (first.x - 320.0).abs() < EPS,
                "first node is at the top centre"
            );
            assert!(first.y < layout.center.y);
            for p in &layout.nodes {
                assert!((p.distance(layout.center) - layout.ring_radius).abs() < EPS);
            }
            let step = first.distance(layout.nodes[1]);
            for i in 0..n {
                let gap = layout.nodes[i].distance(layout.nodes[(i + 1) % n]);
                assert!(
                    (gap - step).abs() < 1e-6,
                    "n={n}: gap {i} is {gap}, not {step}"
                );
            }
            // Clockwise on screen (y down): the second node is to the right of the first
            // (with two nodes, straight below it).
            if n > 2 {
                assert!(layout.nodes[1].x > first.x);
            } else {
                assert!((layout.nodes[1].x - first.x).abs() < EPS && layout.nodes[1].y > first.y);
            }
        }
    }

    #[test]
    fn a_single_node_is_centred_and_degenerate_boxes_give_no_nan() {
        let one = ring(1, 300.0, 200.0);
        assert_eq!(one.nodes, vec![Point { x: 150.0, y: 100.0 }]);
        assert!(one.node_radius > 0.0 && one.node_radius <= 100.0);

        assert!(ring(0, 300.0, 200.0).nodes.is_empty());
        for layout in [ring(5, 0.0, 0.0), ring(5, f64::NAN, -3.0)] {
            assert_eq!(layout.node_radius, 0.0);
            assert!(
                layout
                    .nodes
                    .iter()
                    .all(|p| p.x.is_finite() && p.y.is_finite())
            );
        }
    }

    #[test]
    fn backing_size_follows_the_device_pixel_ratio() {
        assert_eq!(backing_size(300.0, 150.0, 1.0), (300, 150));
        assert_eq!(backing_size(300.0, 150.0, 2.0), (600, 300));
        assert_eq!(backing_size(101.0, 33.0, 1.5), (152, 50));
        assert_eq!(backing_size(0.0, f64::NAN, 2.0), (1, 1));
        assert_eq!(backing_size(10.0, 10.0, 0.0), (10, 10));
    }
}
