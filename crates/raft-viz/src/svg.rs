//! A [`Painter`] that writes SVG: the space-time diagram exported for a teacher's
//! slides is the very drawing the canvas shows, call for call. Every shape is one
//! element, written from one template by the sentences' own filler
//! ([`render_into`]): its numbers (to one decimal), then its opacity and paint.

use crate::layout::Point;
use crate::narrate::text::{Arg, render_into};
use crate::paint::{Align, Painter, Stroke};

/// Writes an SVG document.
#[derive(Debug)]
pub struct SvgPainter {
    out: String,
    alpha: f64,
    family: String,
}

/// A length or a coordinate, to one decimal.
fn n(v: f64) -> Arg<'static> {
    Arg::Tenths((v * 10.0).round() as i64)
}

impl SvgPainter {
    /// An empty picture of `width` × `height` CSS pixels, its text in `family`.
    pub fn new(width: f64, height: f64, family: &str) -> SvgPainter {
        let mut out = String::new();
        render_into(
            &mut out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\">\n",
            &[n(width), n(height)],
        );
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

    /// An element: `open` (its tag and numbers) filled with `args`, then the opacity in
    /// force, the fill and the stroke, closed.
    fn shape(&mut self, open: &str, args: &[Arg<'_>], fill: Option<&str>, stroke: Option<Stroke>) {
        render_into(&mut self.out, open, args);
        self.opacity();
        render_into(
            &mut self.out,
            " fill=\"{0}\"",
            &[Arg::Str(fill.unwrap_or("none"))],
        );
        if let Some(s) = stroke {
            render_into(
                &mut self.out,
                " stroke=\"{0}\" stroke-width=\"{1}\" stroke-linecap=\"round\"",
                &[Arg::Str(s.color), n(s.width)],
            );
            if let Some((dash, gap)) = s.dash {
                render_into(
                    &mut self.out,
                    " stroke-dasharray=\"{0} {1}\"",
                    &[n(dash), n(gap)],
                );
            }
        }
        self.out.push_str("/>\n");
    }

    fn opacity(&mut self) {
        if self.alpha < 1.0 {
            render_into(&mut self.out, " opacity=\"{0}\"", &[n(self.alpha)]);
        }
    }

    /// A polyline or polygon through `points`.
    fn poly(&mut self, tag: &str, points: &[Point], fill: Option<&str>, stroke: Option<Stroke>) {
        let mut list = String::new();
        for p in points {
            render_into(&mut list, "{0},{1} ", &[n(p.x), n(p.y)]);
        }
        let open = if tag == "polygon" {
            "<polygon points=\"{0}\""
        } else {
            "<polyline points=\"{0}\""
        };
        self.shape(open, &[Arg::Str(list.trim_end())], fill, stroke);
    }
}

/// Text with the characters XML (and HTML) reserve escaped.
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
        render_into(
            &mut self.out,
            "<rect width=\"100%\" height=\"100%\" fill=\"{0}\"/>\n",
            &[Arg::Str(color)],
        );
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
        self.shape(
            "<circle cx=\"{0}\" cy=\"{1}\" r=\"{2}\"",
            &[n(center.x), n(center.y), n(radius)],
            fill,
            stroke,
        );
    }

    /// The diagram draws no arcs (only the cluster's timers do): an arc is written as
    /// the polyline through its ends and its middle, good enough for a picture.
    fn arc(&mut self, center: Point, radius: f64, start: f64, end: f64, stroke: Stroke) {
        let at = |a: f64| {
            let (s, c) = crate::num::sin_cos(a);
            Point {
                x: center.x + radius * c,
                y: center.y + radius * s,
            }
        };
        let points = [at(start), at((start + end) / 2.0), at(end)];
        self.poly("polyline", &points, None, Some(stroke));
    }

    fn line(&mut self, from: Point, to: Point, stroke: Stroke) {
        self.shape(
            "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{3}\"",
            &[n(from.x), n(from.y), n(to.x), n(to.y)],
            None,
            Some(stroke),
        );
    }

    fn polygon(&mut self, points: &[Point], fill: Option<&'static str>, stroke: Option<Stroke>) {
        self.poly("polygon", points, fill, stroke);
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
        self.shape(
            "<rect x=\"{0}\" y=\"{1}\" width=\"{2}\" height=\"{3}\" rx=\"{4}\"",
            &[
                n(top_left.x),
                n(top_left.y),
                n(width.max(0.0)),
                n(height.max(0.0)),
                n(radius),
            ],
            fill,
            stroke,
        );
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
        let anchor = match align {
            Align::Left => "start",
            Align::Center => "middle",
            Align::Right => "end",
        };
        render_into(
            &mut self.out,
            "<text x=\"{0}\" y=\"{1}\" font-size=\"{2}\" font-family=\"{3}\" fill=\"{4}\" dominant-baseline=\"central\" text-anchor=\"{5}\"{6}",
            &[
                n(at.x),
                n(at.y),
                n(size),
                Arg::Str(&self.family.clone()),
                Arg::Str(color),
                Arg::Str(anchor),
                Arg::Str(if bold { " font-weight=\"bold\"" } else { "" }),
            ],
        );
        self.opacity();
        self.out.push('>');
        self.out.push_str(&escape(text));
        self.out.push_str("</text>\n");
    }
}
