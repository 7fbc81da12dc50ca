//! The space-time diagram: one lane per node, time running left to right, every
//! message a slanted line from its send to its delivery (Lamport's picture, as log
//! viewers such as ShiViz draw it). `model.rs` reads what to show from the history;
//! this file places it ([`Scale`]) and finds what a click hits ([`hit`]); `draw.rs`
//! draws it through any [`Painter`](crate::paint::Painter), so the canvas and the SVG
//! export are one drawing.
//!
//! The window always ends at the cursor ("now"): scrolling the diagram seeks the
//! timeline and scrubbing the timeline scrolls the diagram, and at the live end it
//! follows the run. In the tour it spans the scene instead, from its start to its last
//! waypoint: the axis stays put while the steps fill it in.

pub mod draw;
pub mod model;

pub use model::{Diagram, Fate, Lane, LaneState, Line, Mark, MarkKind, Span, Window, build};

use core::time::Duration;
use raft_sim::network::Endpoint;

use raft_sim::raft_core::Instant;

use crate::layout::Point;
use crate::view::Selection;

/// The span shown until the reader zooms: a few election timeouts of the article's
/// timing.
pub const DEFAULT_SPAN: Duration = Duration::from_millis(1_000);
/// The shortest span a zoom reaches.
pub const MIN_SPAN: Duration = Duration::from_millis(40);
/// The longest span a zoom reaches.
pub const MAX_SPAN: Duration = Duration::from_secs(60);

/// Width of the lane names on the left, in CSS pixels.
pub const LABEL_WIDTH: f64 = 24.0;
/// Height of the time axis along the top.
pub const AXIS_HEIGHT: f64 = 16.0;
/// Room on the right of "now".
pub const RIGHT_PAD: f64 = 8.0;
/// The tallest lane.
pub const MAX_LANE: f64 = 26.0;

/// How far a click may miss a mark, and a line, in CSS pixels.
const MARK_SLOP: f64 = 6.0;
const LINE_SLOP: f64 = 4.0;

/// The window to show: `span` ending at `now`, or in the tour the scene's stretch
/// `(start, end)` with a little room either side (the cursor walks across it).
pub fn window(now: Instant, span: Duration, scene: Option<(Instant, Instant)>) -> Window {
    if let Some((start, end)) = scene {
        let length = end.as_micros().saturating_sub(start.as_micros());
        let pad = (length / 12).max(20_000);
        let from = start.as_micros().saturating_sub(pad);
        let to = end.as_micros().max(now.as_micros()) + pad;
        // A step of no length (the scene's first picture) still shows some time.
        let to = to.max(from + MIN_SPAN.as_micros() as u64);
        return Window {
            from: Instant::from_micros(from),
            to: Instant::from_micros(to),
        };
    }
    let span = span.clamp(MIN_SPAN, MAX_SPAN).as_micros() as u64;
    Window {
        from: Instant::from_micros(now.as_micros().saturating_sub(span)),
        to: now,
    }
}

/// The zoom factor of a wheel turn of `dy` pixels (down: out, up: in), gentle for a
/// trackpad's many small deltas and at most ×2 for one big step; turns of opposite
/// signs undo each other.
pub fn wheel_zoom(dy: f64) -> f64 {
    let k = crate::num::clamp(dy.abs() * 0.002, 0.0, 1.0);
    if dy >= 0.0 { 1.0 + k } else { 1.0 / (1.0 + k) }
}

/// Where things go on a diagram of `width` × `height` CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
    /// The time spanned.
    pub window: Window,
    /// Lanes, the client's included.
    pub lanes: usize,
}

impl Scale {
    /// The scale of `diagram` on a surface of `width` × `height`.
    pub fn of(diagram: &Diagram, width: f64, height: f64) -> Scale {
        Scale {
            width,
            height,
            window: diagram.window,
            lanes: diagram.lanes.len() + usize::from(diagram.client),
        }
    }

    /// Pixels per µs.
    fn px_per_us(&self) -> f64 {
        (self.width - LABEL_WIDTH - RIGHT_PAD).max(1.0) / self.window.span_us() as f64
    }

    /// The x of time `t`.
    pub fn x(&self, t: Instant) -> f64 {
        let dt = t.as_micros() as f64 - self.window.from.as_micros() as f64;
        LABEL_WIDTH + dt * self.px_per_us()
    }

    /// The virtual time `dx` pixels stand for.
    pub fn duration_of(&self, dx: f64) -> f64 {
        dx / self.px_per_us()
    }

    /// The height of one lane.
    pub fn lane_height(&self) -> f64 {
        let room = (self.height - AXIS_HEIGHT - 4.0).max(1.0);
        (room / self.lanes.max(1) as f64).min(MAX_LANE)
    }

    /// The y of lane `i`'s centre line.
    pub fn lane_y(&self, i: usize) -> f64 {
        AXIS_HEIGHT + self.lane_height() * (i as f64 + 0.5)
    }
}

/// The lane of an endpoint: a node's by its place, the client's last.
pub fn lane_of(diagram: &Diagram, e: Endpoint) -> Option<usize> {
    match e {
        Endpoint::Node(id) => diagram.lanes.iter().position(|l| l.node == id),
        Endpoint::Client(_) => diagram.client.then_some(diagram.lanes.len()),
    }
}

/// A line's two ends on the picture: its send, and where it got to (its receiver's
/// lane when delivered, part way when lost or still travelling).
pub fn line_ends(diagram: &Diagram, scale: &Scale, line: &Line) -> Option<(Point, Point)> {
    let y0 = scale.lane_y(lane_of(diagram, line.from)?);
    let y1 = scale.lane_y(lane_of(diagram, line.to)?);
    let start = Point {
        x: scale.x(line.sent),
        y: y0,
    };
    let end = Point {
        x: scale.x(line.end),
        y: y0 + (y1 - y0) * line.reach(),
    };
    Some((start, end))
}

/// Where a mark sits.
pub fn mark_at(diagram: &Diagram, scale: &Scale, mark: &Mark) -> Option<Point> {
    let lane = lane_of(diagram, Endpoint::Node(mark.node))?;
    Some(Point {
        x: scale.x(mark.at),
        y: scale.lane_y(lane),
    })
}

/// What a click at `p` selects: a mark (its event), else the nearest line (its
/// message), else a lane's name (its node).
pub fn hit(diagram: &Diagram, scale: &Scale, p: Point) -> Option<Selection> {
    let nearest_mark = diagram
        .marks
        .iter()
        .filter_map(|m| Some((mark_at(diagram, scale, m)?.distance(p), m.seq)))
        .filter(|&(d, _)| d <= MARK_SLOP)
        .min_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((_, seq)) = nearest_mark {
        return Some(Selection::Event(seq));
    }
    let nearest_line = diagram
        .lines
        .iter()
        .filter_map(|l| {
            let (a, b) = line_ends(diagram, scale, l)?;
            Some((distance_to_segment(p, a, b), l.id))
        })
        .filter(|&(d, _)| d <= LINE_SLOP)
        .min_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((_, id)) = nearest_line {
        return Some(Selection::Message(id));
    }
    if p.x < LABEL_WIDTH {
        let h = scale.lane_height();
        let i = ((p.y - AXIS_HEIGHT) / h).floor();
        if i >= 0.0 {
            return diagram
                .lanes
                .get(i as usize)
                .map(|l| Selection::Node(l.node));
        }
    }
    None
}

/// The distance from `p` to the segment `a`–`b`.
fn distance_to_segment(p: Point, a: Point, b: Point) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 <= f64::EPSILON {
        0.0
    } else {
        crate::num::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0, 1.0)
    };
    p.distance(Point {
        x: a.x + t * dx,
        y: a.y + t * dy,
    })
}
