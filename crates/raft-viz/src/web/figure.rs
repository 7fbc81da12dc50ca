//! One live figure of the article page: its [`App`], its canvas and its bar (Back,
//! Replay, Next, a scrubber over the step, the step's caption). [`Figures`] owns them
//! and runs their frames.
//!
//! [`Figures`]: super::figures

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlCanvasElement, HtmlInputElement};

use super::canvas::CanvasPainter;
use super::dom::{self, set_attr, set_text};
use crate::app::App;
use crate::lang::Lang;
use crate::options::Options;
use crate::theme::Theme;
use raft_sim::raft_core::Instant;

/// A figure near the viewport: its app and its elements.
pub(super) struct Live {
    pub(super) app: App,
    pub(super) painter: CanvasPainter,
    bar: Element,
    caption: Element,
    scrub: HtmlInputElement,
    /// The canvas's size in CSS pixels, as last measured.
    size: (f64, f64),
    /// What the bar shows, to touch the DOM only on a change: the caption, and the
    /// step and language it was made for.
    pub(super) shown_caption: String,
    pub(super) caption_for: Option<(usize, Lang)>,
    shown_span: (Instant, Instant),
    shown_at: Instant,
}

impl Live {
    /// Builds the app of a figure showing `scene`'s step `step` (from 0), at the step
    /// before it and about to play it, and adds its canvas and bar to `frame`.
    pub(super) fn new(
        frame: &Element,
        scene: &str,
        step: usize,
        lang: Lang,
    ) -> Result<Live, JsValue> {
        let options = Options {
            scene: Some(scene.into()),
            step: Some(step),
            autoplay: true,
            lang,
            ..Options::default()
        };
        let app = App::new(&options, 0).map_err(|e| dom::err(&e.describe(lang)))?;
        let doc = dom::document()?;
        let canvas = doc
            .create_element("canvas")?
            .dyn_into::<HtmlCanvasElement>()
            .map_err(|_| dom::err("a canvas that is not one"))?;
        canvas.set_class_name("fig-canvas");
        let bar = doc.create_element("div")?;
        bar.set_class_name("fig-bar");
        let buttons = [
            ("fig-back", "Back", "◀"),
            ("fig-replay", "Replay this step", "↻"),
            ("fig-next", "Next", "▶"),
        ];
        for (class, label, glyph) in buttons {
            let b = doc.create_element("button")?;
            b.set_class_name(class);
            set_attr(&b, "type", "button");
            set_attr(&b, "aria-label", lang.tr(label));
            set_attr(&b, "title", lang.tr(label));
            set_text(&b, glyph);
            bar.append_child(&b)?;
        }
        let scrub = doc
            .create_element("input")?
            .dyn_into::<HtmlInputElement>()
            .map_err(|_| dom::err("an input that is not one"))?;
        scrub.set_class_name("fig-scrub");
        scrub.set_type("range");
        set_attr(&scrub, "aria-label", lang.tr("Time within this step"));
        let caption = doc.create_element("p")?;
        caption.set_class_name("fig-caption");
        set_attr(&caption, "aria-live", "polite");
        bar.append_child(&scrub)?;
        bar.append_child(&caption)?;
        frame.append_child(&canvas)?;
        frame.append_child(&bar)?;
        set_attr(frame, "data-live", "");
        let painter = CanvasPainter::new(&canvas, "", true)?;
        Ok(Live {
            app,
            painter,
            bar,
            caption,
            scrub,
            size: (0.0, 0.0),
            shown_caption: String::new(),
            caption_for: None,
            shown_span: (Instant::ZERO, Instant::ZERO),
            shown_at: Instant::ZERO,
        })
    }

    /// Reads the canvas's size; true if it changed.
    pub(super) fn measure(&mut self) -> bool {
        let c = self.painter.canvas();
        let size = (f64::from(c.client_width()), f64::from(c.client_height()));
        if size == self.size {
            return false;
        }
        self.size = size;
        self.app.resize(size.0, size.1);
        self.app.invalidate();
        true
    }

    pub(super) fn paint(&mut self, theme: &Theme, ratio: f64) {
        let (w, h) = self.size;
        if self.painter.begin(w, h, ratio) {
            crate::draw::draw(
                &self.app.frame(),
                self.app.stage(),
                theme,
                &mut self.painter,
            );
        }
    }

    /// Brings the bar up to date: the caption, and the scrubber's span and place.
    pub(super) fn sync(&mut self, lang: Lang) {
        let Some(tour) = self.app.tour() else {
            return;
        };
        // Chinese before its catalogue has come would show English for a moment: the
        // caption waits for it (set_lang writes it then).
        let waiting = lang == Lang::Zh && !crate::lang::Book::Chinese.installed();
        if !waiting && self.caption_for != Some((tour.step(), lang)) {
            self.caption_for = Some((tour.step(), lang));
            let caption = tour.caption(lang);
            if caption != self.shown_caption {
                set_text(&self.caption, &caption);
                self.shown_caption = caption;
            }
        }
        let span = tour.span();
        if span != self.shown_span {
            set_attr(&self.scrub, "min", &ms_text(span.0));
            set_attr(&self.scrub, "max", &ms_text(span.1));
            self.shown_span = span;
        }
        // The thumb moves in whole steps of a 200th of the span (or a millisecond): the
        // page is laid out again only when it visibly moves.
        let at = self.app.timeline().now();
        let grain =
            ((span.1.as_micros() - span.0.as_micros().min(span.1.as_micros())) / 200).max(1_000);
        let (a, b) = (at.as_micros() / grain, self.shown_at.as_micros() / grain);
        if a != b || at == span.1 && self.shown_at != at {
            self.scrub.set_value(&ms_text(at));
            self.shown_at = at;
        }
    }

    /// Takes the canvas and the bar out of the frame.
    pub(super) fn remove(self) {
        self.painter.canvas().remove();
        self.bar.remove();
    }
}

/// A time as whole milliseconds, for the scrubber.
fn ms_text(t: Instant) -> String {
    crate::num::u64_text(t.as_micros() / 1_000)
}
