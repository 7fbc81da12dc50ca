//! The drawing vocabulary: a small trait the canvas implements on the web and a
//! recorder implements in native tests, so what is drawn is testable without a browser.

use crate::layout::Point;

/// A stroke: colour, width in CSS pixels, optional dash pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stroke {
    /// CSS colour.
    pub color: &'static str,
    /// Line width.
    pub width: f64,
    /// Dash and gap lengths, for a dashed line.
    pub dash: Option<(f64, f64)>,
}

impl Stroke {
    /// A solid stroke.
    pub const fn solid(color: &'static str, width: f64) -> Stroke {
        Stroke {
            color,
            width,
            dash: None,
        }
    }

    /// A dashed stroke.
    pub const fn dashed(color: &'static str, width: f64, dash: f64, gap: f64) -> Stroke {
        Stroke {
            color,
            width,
            dash: Some((dash, gap)),
        }
    }
}

/// Horizontal text alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text starts at the point.
    Left,
    /// Text is centred on the point.
    Center,
    /// Text ends at the point.
    Right,
}

/// What a drawing target can do. Coordinates are CSS pixels; text is vertically centred
/// on its point.
pub trait Painter {
    /// Fills the whole surface.
    fn clear(&mut self, color: &'static str);
    /// Sets the opacity of what follows (1 = opaque).
    fn set_alpha(&mut self, alpha: f64);
    /// A circle, filled and/or stroked.
    fn circle(
        &mut self,
        center: Point,
        radius: f64,
        fill: Option<&'static str>,
        stroke: Option<Stroke>,
    );
    /// An arc from `start` to `end` radians (clockwise from 3 o'clock, y down).
    fn arc(&mut self, center: Point, radius: f64, start: f64, end: f64, stroke: Stroke);
    /// A straight line.
    fn line(&mut self, from: Point, to: Point, stroke: Stroke);
    /// A closed polygon.
    fn polygon(&mut self, points: &[Point], fill: Option<&'static str>, stroke: Option<Stroke>);
    /// A rectangle with rounded corners.
    fn rect(
        &mut self,
        top_left: Point,
        width: f64,
        height: f64,
        radius: f64,
        fill: Option<&'static str>,
        stroke: Option<Stroke>,
    );
    /// A line of text.
    fn text(
        &mut self,
        text: &str,
        at: Point,
        size: f64,
        color: &'static str,
        align: Align,
        bold: bool,
    );
}

/// One recorded drawing call (native tests).
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    /// See [`Painter::clear`].
    Clear(&'static str),
    /// See [`Painter::set_alpha`].
    Alpha(f64),
    /// See [`Painter::circle`].
    Circle {
        /// Centre.
        center: Point,
        /// Radius.
        radius: f64,
        /// Fill.
        fill: Option<&'static str>,
        /// Stroke.
        stroke: Option<Stroke>,
    },
    /// See [`Painter::arc`].
    Arc {
        /// Centre.
        center: Point,
        /// Radius.
        radius: f64,
        /// Start angle.
        start: f64,
        /// End angle.
        end: f64,
        /// Stroke.
        stroke: Stroke,
    },
    /// See [`Painter::line`].
    Line(Point, Point, Stroke),
    /// See [`Painter::polygon`].
    Polygon(Vec<Point>, Option<&'static str>, Option<Stroke>),
    /// See [`Painter::rect`].
    Rect {
        /// Top left corner.
        top_left: Point,
        /// Width.
        width: f64,
        /// Height.
        height: f64,
        /// Fill.
        fill: Option<&'static str>,
        /// Stroke.
        stroke: Option<Stroke>,
    },
    /// See [`Painter::text`].
    Text(String, Point),
}

/// A painter that records calls, for tests.
#[derive(Debug, Default)]
pub struct Recorder {
    /// Calls, in order.
    pub calls: Vec<Call>,
}

impl Recorder {
    /// Every text drawn.
    pub fn texts(&self) -> Vec<&str> {
        self.calls
            .iter()
            .filter_map(|c| match c {
                Call::Text(s, _) => Some(s.as_str()),
                _ => None,
            })
            .collect()
    }
}

impl Painter for Recorder {
    fn clear(&mut self, color: &'static str) {
        self.calls.push(Call::Clear(color));
    }
    fn set_alpha(&mut self, alpha: f64) {
        self.calls.push(Call::Alpha(alpha));
    }
    fn circle(
        &mut self,
        center: Point,
        radius: f64,
        fill: Option<&'static str>,
        stroke: Option<Stroke>,
    ) {
        self.calls.push(Call::Circle {
            center,
            radius,
            fill,
            stroke,
        });
    }
    fn arc(&mut self, center: Point, radius: f64, start: f64, end: f64, stroke: Stroke) {
        self.calls.push(Call::Arc {
            center,
            radius,
            start,
            end,
            stroke,
        });
    }
    fn line(&mut self, from: Point, to: Point, stroke: Stroke) {
        self.calls.push(Call::Line(from, to, stroke));
    }
    fn polygon(&mut self, points: &[Point], fill: Option<&'static str>, stroke: Option<Stroke>) {
        self.calls
            .push(Call::Polygon(points.to_vec(), fill, stroke));
    }
    fn rect(
        &mut self,
        top_left: Point,
        width: f64,
        height: f64,
        _radius: f64,
        fill: Option<&'static str>,
        stroke: Option<Stroke>,
    ) {
        self.calls.push(Call::Rect {
            top_left,
            width,
            height,
            fill,
            stroke,
        });
    }
    fn text(
        &mut self,
        text: &str,
        at: Point,
        _size: f64,
        _color: &'static str,
        _align: Align,
        _bold: bool,
    ) {
        self.calls.push(Call::Text(text.to_owned(), at));
    }
}
