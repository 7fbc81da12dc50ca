//! A [`Painter`] that writes SVG: the space-time diagram exported for a teacher's
//! slides is the very drawing the canvas shows, call for call. Every shape is one
//! element with its numbers, paint and opacity as attributes; numbers keep one decimal.

use crate::layout::Point;
use crate::paint::{Align, Painter, Stroke};

/// Writes an SVG document.
#[derive(Debug)]
pub struct SvgPainter {
    out: String,
    alpha: f64,
    family: String,
}

impl SvgPainter {
    /// An empty picture of `width` × `height` CSS pixels, its text in `family`.
    pub fn new(width: f64, height: f64, family: &str) -> SvgPainter {
        let mut p = SvgPainter {
            out: String::from("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            alpha: 1.0,
            family: escape(family),
        };
        p.nums(&[("width", width), ("height", height)]);
        p.out.push_str(" viewBox=\"0 0");
        for v in [width, height] {
            p.out.push(' ');
            num(&mut p.out, v);
        }
        p.out.push_str("\">\n");
        p
    }

    /// The finished document.
    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }

    fn attr(&mut self, name: &str, value: &str) {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        self.out.push_str(value);
        self.out.push('"');
    }

    fn nums(&mut self, attrs: &[(&str, f64)]) {
        for &(name, v) in attrs {
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=\"");
            num(&mut self.out, v);
            self.out.push('"');
        }
    }

    /// `<tag` with the opacity in force.
    fn open(&mut self, tag: &str) {
        self.out.push('<');
        self.out.push_str(tag);
        if self.alpha < 1.0 {
            let alpha = self.alpha;
            self.nums(&[("opacity", alpha)]);
        }
    }

    /// One shape: its numbers, its fill and stroke, closed.
    fn shape(
        &mut self,
        tag: &str,
        attrs: &[(&str, f64)],
        fill: Option<&str>,
        stroke: Option<Stroke>,
    ) {
        self.open(tag);
        self.nums(attrs);
        self.paint(fill, stroke);
    }

    /// ` points="x,y x,y ..."`.
    fn points(&mut self, points: &[Point]) {
        self.out.push_str(" points=\"");
        for (i, p) in points.iter().enumerate() {
            if i > 0 {
                self.out.push(' ');
            }
            num(&mut self.out, p.x);
            self.out.push(',');
            num(&mut self.out, p.y);
        }
        self.out.push('"');
    }

    /// The fill and stroke, and the end of the element.
    fn paint(&mut self, fill: Option<&str>, stroke: Option<Stroke>) {
        self.attr("fill", fill.unwrap_or("none"));
        if let Some(s) = stroke {
            self.attr("stroke", s.color);
            self.nums(&[("stroke-width", s.width)]);
            self.attr("stroke-linecap", "round");
            if let Some((dash, gap)) = s.dash {
                self.out.push_str(" stroke-dasharray=\"");
                num(&mut self.out, dash);
                self.out.push(' ');
                num(&mut self.out, gap);
                self.out.push('"');
            }
        }
        self.out.push_str("/>\n");
    }
}

/// Appends `v` with at most one decimal.
fn num(out: &mut String, v: f64) {
    let tenths = (v * 10.0).round();
    if tenths < 0.0 {
        out.push('-');
    }
    crate::num::push_fixed(out, tenths.abs() as u64, 1);
}

/// Text with the characters XML reserves escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

impl Painter for SvgPainter {
    fn clear(&mut self, color: &'static str) {
        self.out.push_str("<rect width=\"100%\" height=\"100%\"");
        self.attr("fill", color);
        self.out.push_str("/>\n");
    }

    fn set_alpha(&mut self, alpha: f64) {
        self.alpha = crate::num::clamp(alpha, 0.0, 1.0);
    }

    fn circle(
        &mut self,
        center: Point,
        radius: f64,
        fill: Option<&'static str>,
        stroke: Option<Stroke>,
    ) {
        let attrs = [("cx", center.x), ("cy", center.y), ("r", radius)];
        self.shape("circle", &attrs, fill, stroke);
    }

    /// The diagram draws no arcs (only the cluster's timers do): an arc is written as
    /// the chord's polyline through its middle, good enough for a picture.
    fn arc(&mut self, center: Point, radius: f64, start: f64, end: f64, stroke: Stroke) {
        let at = |a: f64| {
            let (s, c) = crate::num::sin_cos(a);
            Point {
                x: center.x + radius * c,
                y: center.y + radius * s,
            }
        };
        self.open("polyline");
        self.points(&[at(start), at((start + end) / 2.0), at(end)]);
        self.paint(None, Some(stroke));
    }

    fn line(&mut self, from: Point, to: Point, stroke: Stroke) {
        let attrs = [("x1", from.x), ("y1", from.y), ("x2", to.x), ("y2", to.y)];
        self.shape("line", &attrs, None, Some(stroke));
    }

    fn polygon(&mut self, points: &[Point], fill: Option<&'static str>, stroke: Option<Stroke>) {
        self.open("polygon");
        self.points(points);
        self.paint(fill, stroke);
    }

    fn rect(
        &mut self,
        top_left: Point,
        width: f64,
        height: f64,
        radius: f64,
        fill: Option<&'static str>,
        stroke: Option<Stroke>,
    ) {
        let attrs = [
            ("x", top_left.x),
            ("y", top_left.y),
            ("width", width.max(0.0)),
            ("height", height.max(0.0)),
            ("rx", radius),
        ];
        self.shape("rect", &attrs, fill, stroke);
    }

    fn text(
        &mut self,
        text: &str,
        at: Point,
        size: f64,
        color: &'static str,
        align: Align,
        bold: bool,
    ) {
        self.open("text");
        self.nums(&[("x", at.x), ("y", at.y), ("font-size", size)]);
        let family = core::mem::take(&mut self.family);
        self.attr("font-family", &family);
        self.family = family;
        self.attr("fill", color);
        self.attr("dominant-baseline", "central");
        let anchor = match align {
            Align::Left => "start",
            Align::Center => "middle",
            Align::Right => "end",
        };
        self.attr("text-anchor", anchor);
        if bold {
            self.attr("font-weight", "bold");
        }
        self.out.push('>');
        self.out.push_str(&escape(text));
        self.out.push_str("</text>\n");
    }
}
