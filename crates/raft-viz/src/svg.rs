//! A [`Painter`] that writes SVG: the space-time diagram exported for a teacher's
//! slides is the very drawing the canvas shows, call for call.

use crate::layout::Point;
use crate::num::decimal;
use crate::paint::{Align, Painter, Stroke};

/// Writes an SVG document of `width` × `height` CSS pixels.
#[derive(Debug)]
pub struct SvgPainter {
    out: String,
    alpha: f64,
    family: String,
}

impl SvgPainter {
    /// An empty picture of `width` × `height`, its text in `family`.
    pub fn new(width: f64, height: f64, family: &str) -> SvgPainter {
        let mut out = String::from("<svg xmlns=\"http://www.w3.org/2000/svg\"");
        for (name, v) in [("width", width), ("height", height)] {
            attr(&mut out, name, &decimal(v, 1));
        }
        out.push_str(" viewBox=\"0 0 ");
        out.push_str(&decimal(width, 1));
        out.push(' ');
        out.push_str(&decimal(height, 1));
        out.push_str("\">\n");
        SvgPainter {
            out,
            alpha: 1.0,
            family: escape(family),
        }
    }

    /// The finished document.
    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }

    fn open(&mut self, tag: &str) {
        self.out.push('<');
        self.out.push_str(tag);
        if self.alpha < 1.0 {
            attr(&mut self.out, "opacity", &decimal(self.alpha, 2));
        }
    }

    fn paint(&mut self, fill: Option<&str>, stroke: Option<Stroke>) {
        attr(&mut self.out, "fill", fill.unwrap_or("none"));
        if let Some(s) = stroke {
            attr(&mut self.out, "stroke", s.color);
            attr(&mut self.out, "stroke-width", &decimal(s.width, 2));
            attr(&mut self.out, "stroke-linecap", "round");
            if let Some((dash, gap)) = s.dash {
                let mut d = decimal(dash, 2);
                d.push(' ');
                d.push_str(&decimal(gap, 2));
                attr(&mut self.out, "stroke-dasharray", &d);
            }
        }
        self.out.push_str("/>\n");
    }

    fn points(&mut self, name: &str, points: &[Point]) {
        let mut list = String::new();
        for (i, p) in points.iter().enumerate() {
            if i > 0 {
                list.push(' ');
            }
            list.push_str(&decimal(p.x, 2));
            list.push(',');
            list.push_str(&decimal(p.y, 2));
        }
        attr(&mut self.out, name, &list);
    }
}

/// ` name="value"` (the value already escaped or made of safe characters).
fn attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    out.push_str(value);
    out.push('"');
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
        attr(&mut self.out, "fill", color);
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
        self.open("circle");
        attr(&mut self.out, "cx", &decimal(center.x, 2));
        attr(&mut self.out, "cy", &decimal(center.y, 2));
        attr(&mut self.out, "r", &decimal(radius, 2));
        self.paint(fill, stroke);
    }

    fn arc(&mut self, center: Point, radius: f64, start: f64, end: f64, stroke: Stroke) {
        let (s0, c0) = crate::num::sin_cos(start);
        let (s1, c1) = crate::num::sin_cos(end);
        let large = if (end - start).abs() > core::f64::consts::PI {
            "1"
        } else {
            "0"
        };
        let mut d = String::from("M");
        for v in [center.x + radius * c0, center.y + radius * s0] {
            d.push_str(&decimal(v, 2));
            d.push(' ');
        }
        d.push('A');
        for v in [radius, radius] {
            d.push_str(&decimal(v, 2));
            d.push(' ');
        }
        d.push_str("0 ");
        d.push_str(large);
        d.push_str(" 1 ");
        d.push_str(&decimal(center.x + radius * c1, 2));
        d.push(' ');
        d.push_str(&decimal(center.y + radius * s1, 2));
        self.open("path");
        attr(&mut self.out, "d", &d);
        self.paint(None, Some(stroke));
    }

    fn line(&mut self, from: Point, to: Point, stroke: Stroke) {
        self.open("line");
        attr(&mut self.out, "x1", &decimal(from.x, 2));
        attr(&mut self.out, "y1", &decimal(from.y, 2));
        attr(&mut self.out, "x2", &decimal(to.x, 2));
        attr(&mut self.out, "y2", &decimal(to.y, 2));
        self.paint(None, Some(stroke));
    }

    fn polygon(&mut self, points: &[Point], fill: Option<&'static str>, stroke: Option<Stroke>) {
        self.open("polygon");
        self.points("points", points);
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
        self.open("rect");
        attr(&mut self.out, "x", &decimal(top_left.x, 2));
        attr(&mut self.out, "y", &decimal(top_left.y, 2));
        attr(&mut self.out, "width", &decimal(width.max(0.0), 2));
        attr(&mut self.out, "height", &decimal(height.max(0.0), 2));
        if radius > 0.0 {
            attr(&mut self.out, "rx", &decimal(radius, 2));
        }
        self.paint(fill, stroke);
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
        attr(&mut self.out, "x", &decimal(at.x, 2));
        attr(&mut self.out, "y", &decimal(at.y, 2));
        attr(&mut self.out, "font-size", &decimal(size, 1));
        let family = core::mem::take(&mut self.family);
        attr(&mut self.out, "font-family", &family);
        self.family = family;
        attr(&mut self.out, "fill", color);
        attr(&mut self.out, "dominant-baseline", "central");
        let anchor = match align {
            Align::Left => "start",
            Align::Center => "middle",
            Align::Right => "end",
        };
        attr(&mut self.out, "text-anchor", anchor);
        if bold {
            attr(&mut self.out, "font-weight", "bold");
        }
        self.out.push('>');
        self.out.push_str(&escape(text));
        self.out.push_str("</text>\n");
    }
}
