//! [`Painter`] on a `CanvasRenderingContext2d`.
//!
//! Crisp on high-DPI screens: the backing store is the CSS size × `devicePixelRatio`
//! and the transform that maps CSS pixels to device pixels is set once per frame.
//! Context state (colours, line width, dash, font, alignment, alpha) is cached and set
//! only when it changes; dash arrays are made once per pattern and the font string is
//! rebuilt in a reused buffer only when the size or weight changes, so a frame makes
//! no allocations in steady state.

use core::f64::consts::TAU;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::dom::err;
use crate::layout::{self, Point};
use crate::num::push_u64;
use crate::paint::{Align, Painter, Stroke};

/// Draws on one canvas.
pub struct CanvasPainter {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    /// The font family, from the page's `--canvas-font`.
    family: String,
    /// The backing store's size as last set (not read back from the canvas: one JS
    /// import less each for `width` and `height`).
    backing: Option<(u32, u32)>,
    /// The surface's CSS size.
    width: f64,
    height: f64,
    cache: Cache,
    /// One JS array per dash pattern seen, reused (the empty one is solid).
    dashes: Vec<((f64, f64), js_sys::Array)>,
    solid: js_sys::Array,
    font: String,
}

impl core::fmt::Debug for CanvasPainter {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "CanvasPainter({}×{})", self.width, self.height)
    }
}

/// The context state last set (`None`: unknown, set it next time).
#[derive(Default)]
struct Cache {
    fill: Option<&'static str>,
    stroke: Option<&'static str>,
    line_width: Option<f64>,
    dash: Option<Option<(f64, f64)>>,
    alpha: Option<f64>,
    font: Option<(u64, bool)>,
    align: Option<Align>,
}

impl CanvasPainter {
    /// A painter for `canvas`, drawing text in `family`. An `opaque` canvas (the
    /// stage, always fully painted) gets the context attributes `alpha: false` and
    /// `desynchronized: true`: without a compositor copy of the whole backing store on
    /// every frame, an animated frame costs about half the main-thread time in
    /// software-rendered Chromium (measured: 85 → 44 ms per second at the default
    /// speed). Browsers that do not support the hint ignore it.
    pub fn new(
        canvas: &HtmlCanvasElement,
        family: &str,
        opaque: bool,
    ) -> Result<CanvasPainter, JsValue> {
        // A plain object: web-sys's `ContextAttributes2d` has no `desynchronized`.
        let options = js_sys::Object::new();
        js_sys::Reflect::set(&options, &"alpha".into(), &JsValue::from_bool(!opaque))?;
        js_sys::Reflect::set(
            &options,
            &"desynchronized".into(),
            &JsValue::from_bool(opaque),
        )?;
        let ctx = canvas
            .get_context_with_context_options("2d", &options)?
            .ok_or_else(|| err("this browser gives no 2D canvas context"))?
            .dyn_into::<CanvasRenderingContext2d>()
            .map_err(|_| err("getContext(\"2d\") returned something else"))?;
        Ok(CanvasPainter {
            canvas: canvas.clone(),
            ctx,
            family: family_or_default(family),
            backing: None,
            width: 0.0,
            height: 0.0,
            cache: Cache::default(),
            dashes: Vec::new(),
            solid: js_sys::Array::new(),
            font: String::with_capacity(96),
        })
    }

    /// The canvas drawn on.
    pub fn canvas(&self) -> &HtmlCanvasElement {
        &self.canvas
    }

    /// Changes the font family (the page's CSS changed).
    pub fn set_family(&mut self, family: &str) {
        self.family = family_or_default(family);
        self.cache.font = None;
    }

    /// Starts a frame of `width` × `height` CSS pixels at `ratio` device pixels per CSS
    /// pixel: sizes the backing store if needed and sets the transform. Returns false
    /// when there is nothing to draw on (a zero-sized canvas).
    pub fn begin(&mut self, width: f64, height: f64, ratio: f64) -> bool {
        let (bw, bh) = layout::backing_size(width, height, ratio);
        if self.backing != Some((bw, bh)) {
            // Resizing resets the whole context state.
            self.canvas.set_width(bw);
            self.canvas.set_height(bh);
            self.backing = Some((bw, bh));
            self.cache = Cache::default();
        }
        if !(width.is_finite() && height.is_finite() && width >= 1.0 && height >= 1.0) {
            return false;
        }
        if self.cache.align.is_none() {
            self.ctx.set_text_baseline("middle");
            self.ctx.set_line_cap("round");
            self.ctx.set_line_join("round");
        }
        self.width = width;
        self.height = height;
        // Map CSS pixels exactly onto the (rounded) backing store.
        let _ = self.ctx.set_transform(
            f64::from(bw) / width,
            0.0,
            0.0,
            f64::from(bh) / height,
            0.0,
            0.0,
        );
        true
    }

    fn fill_style(&mut self, color: &'static str) {
        if self.cache.fill != Some(color) {
            self.ctx.set_fill_style_str(color);
            self.cache.fill = Some(color);
        }
    }

    fn stroke_style(&mut self, s: Stroke) {
        if self.cache.stroke != Some(s.color) {
            self.ctx.set_stroke_style_str(s.color);
            self.cache.stroke = Some(s.color);
        }
        if self.cache.line_width != Some(s.width) {
            self.ctx.set_line_width(s.width);
            self.cache.line_width = Some(s.width);
        }
        if self.cache.dash != Some(s.dash) {
            let array = match s.dash {
                None => &self.solid,
                Some(pattern) => {
                    let i = match self.dashes.iter().position(|(p, _)| *p == pattern) {
                        Some(i) => i,
                        None => {
                            let a = js_sys::Array::of2(&pattern.0.into(), &pattern.1.into());
                            self.dashes.push((pattern, a));
                            self.dashes.len() - 1
                        }
                    };
                    match self.dashes.get(i) {
                        Some((_, a)) => a,
                        None => return,
                    }
                }
            };
            let _ = self.ctx.set_line_dash(array);
            self.cache.dash = Some(s.dash);
        }
    }

    fn finish(&mut self, fill: Option<&'static str>, stroke: Option<Stroke>) {
        if let Some(color) = fill {
            self.fill_style(color);
            self.ctx.fill();
        }
        if let Some(s) = stroke {
            self.stroke_style(s);
            self.ctx.stroke();
        }
    }

    fn font(&mut self, size: f64, bold: bool) {
        // Tenths of a pixel are as fine as text sizes need to be.
        let tenths = crate::num::clamp((size * 10.0).round(), 1.0, 10_000.0) as u64;
        let key = (tenths, bold);
        if self.cache.font != Some(key) {
            self.font.clear();
            if bold {
                self.font.push_str("600 ");
            }
            push_u64(&mut self.font, tenths / 10);
            self.font.push('.');
            push_u64(&mut self.font, tenths % 10);
            self.font.push_str("px ");
            self.font.push_str(&self.family);
            self.ctx.set_font(&self.font);
            self.cache.font = Some(key);
        }
    }
}

fn family_or_default(family: &str) -> String {
    let family = family.trim();
    if family.is_empty() {
        String::from("system-ui, sans-serif")
    } else {
        family.to_owned()
    }
}

impl Painter for CanvasPainter {
    fn clear(&mut self, color: &'static str) {
        self.fill_style(color);
        self.ctx.fill_rect(0.0, 0.0, self.width, self.height);
    }

    fn set_alpha(&mut self, alpha: f64) {
        let alpha = if alpha.is_finite() {
            crate::num::clamp(alpha, 0.0, 1.0)
        } else {
            1.0
        };
        if self.cache.alpha != Some(alpha) {
            self.ctx.set_global_alpha(alpha);
            self.cache.alpha = Some(alpha);
        }
    }

    fn circle(
        &mut self,
        center: Point,
        radius: f64,
        fill: Option<&'static str>,
        stroke: Option<Stroke>,
    ) {
        if radius.is_nan() || radius <= 0.0 {
            return;
        }
        self.ctx.begin_path();
        let _ = self.ctx.arc(center.x, center.y, radius, 0.0, TAU);
        self.finish(fill, stroke);
    }

    fn arc(&mut self, center: Point, radius: f64, start: f64, end: f64, stroke: Stroke) {
        if radius.is_nan() || radius <= 0.0 {
            return;
        }
        self.ctx.begin_path();
        let _ = self.ctx.arc(center.x, center.y, radius, start, end);
        self.finish(None, Some(stroke));
    }

    fn line(&mut self, from: Point, to: Point, stroke: Stroke) {
        self.ctx.begin_path();
        self.ctx.move_to(from.x, from.y);
        self.ctx.line_to(to.x, to.y);
        self.finish(None, Some(stroke));
    }

    fn polygon(&mut self, points: &[Point], fill: Option<&'static str>, stroke: Option<Stroke>) {
        let Some((first, rest)) = points.split_first() else {
            return;
        };
        self.ctx.begin_path();
        self.ctx.move_to(first.x, first.y);
        for p in rest {
            self.ctx.line_to(p.x, p.y);
        }
        self.ctx.close_path();
        self.finish(fill, stroke);
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
        if !(width > 0.0 && height > 0.0) {
            return;
        }
        self.ctx.begin_path();
        let r = radius.min(width / 2.0).min(height / 2.0);
        if r > 0.0 {
            if self
                .ctx
                .round_rect_with_f64(top_left.x, top_left.y, width, height, r)
                .is_err()
            {
                self.ctx.rect(top_left.x, top_left.y, width, height);
            }
        } else {
            self.ctx.rect(top_left.x, top_left.y, width, height);
        }
        self.finish(fill, stroke);
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
        if text.is_empty() || size.is_nan() || size <= 0.0 {
            return;
        }
        self.font(size, bold);
        if self.cache.align != Some(align) {
            self.ctx.set_text_align(match align {
                Align::Left => "left",
                Align::Center => "center",
                Align::Right => "right",
            });
            self.cache.align = Some(align);
        }
        self.fill_style(color);
        let _ = self.ctx.fill_text(text, at.x, at.y);
    }
}
