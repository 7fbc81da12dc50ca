//! The article page's live figures: one wasm instance draws every figure of
//! `article.html`, each an [`App`] on a tour step with its own canvas, caption, Replay
//! button and scrubber.
//!
//! Why not an iframe of the main page per figure, as a blogger embeds one: each iframe
//! is a whole document (its style, layout, JS context and wasm instance), about 100 ms
//! of main-thread work to start on this machine, and the article has 21 figures. Here a
//! figure costs a canvas, a few elements and an `App`, whose scene runs in well under a
//! millisecond.
//!
//! # Contract
//! - A figure is a `<figure class="live" data-scene="ID" data-step="N">` holding a
//!   `.frame` (`N` counts from 1). [`start`] finds them all; nothing else in the page is
//!   touched.
//! - A figure comes to life (its `App` built, its elements added to its `.frame`)
//!   within about a viewport of the screen, and is dropped again (elements removed,
//!   memory freed) beyond that: only figures near the viewport cost anything.
//! - A live figure opens at step `N - 1`'s moment and plays step `N` while it is in
//!   view; out of view, or in a hidden tab, its clock stands still. One animation loop
//!   ([`Runner`]) serves all figures and sleeps when none moves.
//! - The page's language is `<html data-lang>`; a `raftviz-lang` event on the document
//!   says it changed.
//! - `window.raftfigures.snapshot()` lists the figures, for tests and tools: each
//!   figure's `scene` and `step` (its attributes), `live`, `inView`, and while live
//!   `tourScene`, `tourStep` (where its app is), `playing`, `done` (shown exactly at its
//!   step's moment), `caption` and `atMs` (virtual time). `raftfigures.memoryBytes()`
//!   is the wasm instance's memory.

use std::cell::RefCell;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{
    Document, Element, Event, HtmlCanvasElement, HtmlInputElement, IntersectionObserver,
    IntersectionObserverEntry, IntersectionObserverInit, Window,
};

use super::canvas::CanvasPainter;
use super::catalogue;
use super::dom::{self, Listener, set_attr, set_text};
use super::runner::{Runner, pixel_ratio, prefers_dark};
use crate::app::App;
use crate::command::Command;
use crate::lang::Lang;
use crate::options::Options;
use crate::theme::{DARK, LIGHT, Theme};
use raft_sim::raft_core::Instant;

thread_local! {
    static FIGURES: RefCell<Option<Figures>> = const { RefCell::new(None) };
}

/// Runs `f` on the figures, unless there are none or they are busy (a re-entrant event).
fn with_figures<R>(f: impl FnOnce(&mut Figures) -> R) -> Option<R> {
    FIGURES.with(|cell| cell.try_borrow_mut().ok()?.as_mut().map(f))
}

/// Starts the figures of `doc`.
pub fn start(doc: &Document) -> Result<(), JsValue> {
    let figures = Figures::new(doc)?;
    FIGURES.with(|cell| {
        if let Ok(mut f) = cell.try_borrow_mut() {
            *f = Some(figures);
        }
    });
    with_figures(Figures::wire).unwrap_or(Ok(()))
}

/// One figure of the page.
struct Figure {
    /// The `<figure>`.
    root: Element,
    /// Its box, where the canvas and the bar go.
    frame: Element,
    scene: String,
    /// The step it plays, from 0.
    step: usize,
    live: Option<Live>,
    /// Whether any of it is on the screen.
    in_view: bool,
}

/// A figure near the viewport: its app and its elements.
struct Live {
    app: App,
    painter: CanvasPainter,
    bar: Element,
    caption: Element,
    scrub: HtmlInputElement,
    /// The canvas's size in CSS pixels, as last measured.
    size: (f64, f64),
    /// What the bar shows, to touch the DOM only on a change: the caption, and the
    /// step and language it was made for.
    shown_caption: String,
    caption_for: Option<(usize, Lang)>,
    shown_span: (Instant, Instant),
    shown_at: Instant,
}

type EntriesCallback = Closure<dyn FnMut(Array)>;
type ApiFn = Closure<dyn FnMut() -> JsValue>;

/// Every figure, the loop and the listeners. Dropping it removes them all.
struct Figures {
    window: Window,
    figures: Vec<Figure>,
    runner: Runner,
    lang: Lang,
    theme: &'static Theme,
    ratio: f64,
    family: String,
    /// Whether the figures' sizes must be read again (the window resized).
    resized: bool,
    observers: Vec<(IntersectionObserver, EntriesCallback)>,
    listeners: Vec<Listener>,
    /// `window.raftfigures` and its two functions.
    api: Option<(Object, [ApiFn; 2])>,
}

/// How far from the viewport a figure comes to life, and how far it is dropped.
const NEAR: &str = "100% 0px";

/// How much of a figure must be on the screen for it to play: a step starts when the
/// reader can see it, not while its top edge peeks in (and two figures half in view do
/// not both play to nobody).
const IN_VIEW: f64 = 0.5;

impl Figures {
    fn new(doc: &Document) -> Result<Figures, JsValue> {
        let window = dom::window()?;
        let list = doc.query_selector_all("figure.live[data-scene]")?;
        let mut figures = Vec::new();
        for i in 0..list.length() {
            let Some(root) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            let Some(frame) = root.query_selector(".frame")? else {
                continue;
            };
            let scene = root.get_attribute("data-scene").unwrap_or_default();
            let step = root
                .get_attribute("data-step")
                .and_then(|s| s.trim().parse::<usize>().ok())
                .unwrap_or(1)
                .saturating_sub(1);
            set_attr(
                &root,
                "data-index",
                &crate::num::u64_text(figures.len() as u64),
            );
            figures.push(Figure {
                root,
                frame,
                scene,
                step,
                live: None,
                in_view: false,
            });
        }
        let theme = if prefers_dark(&window) { &DARK } else { &LIGHT };
        Ok(Figures {
            ratio: pixel_ratio(&window),
            runner: Runner::new(&window, on_frame, on_timeout),
            window,
            figures,
            lang: page_lang(doc),
            theme,
            family: String::new(),
            resized: false,
            observers: Vec::new(),
            listeners: Vec::new(),
            api: None,
        })
    }

    /// Observers, listeners and the JS API, once the figures are in their cell.
    fn wire(&mut self) -> Result<(), JsValue> {
        let doc = dom::document()?;
        self.observers
            .push(observer(Some(NEAR), 0.0, |f, i, on| f.near(i, on))?);
        self.observers
            .push(observer(None, IN_VIEW, |f, i, on| f.seen(i, on))?);
        for (o, _) in &self.observers {
            for f in &self.figures {
                o.observe(&f.root);
            }
        }
        self.listeners.push(Listener::new(&doc, "click", on_click)?);
        self.listeners.push(Listener::new(&doc, "input", on_input)?);
        self.listeners
            .push(Listener::new(&doc, "raftviz-lang", |_| {
                on_lang();
            })?);
        self.listeners
            .push(Listener::new(&doc, "visibilitychange", |_| {
                let hidden = dom::document().is_ok_and(|d| d.hidden());
                with_figures(|f| {
                    f.runner.set_hidden(hidden);
                    f.runner.wake();
                });
            })?);
        self.listeners
            .push(Listener::new(&self.window, "resize", |_| {
                with_figures(|f| {
                    f.resized = true;
                    f.runner.wake();
                });
            })?);
        let api = Object::new();
        let snapshot = Closure::<dyn FnMut() -> JsValue>::new(|| {
            with_figures(|f| f.snapshot()).unwrap_or(JsValue::NULL)
        });
        Reflect::set(&api, &"snapshot".into(), snapshot.as_ref())?;
        // The one wasm instance's memory, in bytes (every figure's share of it).
        let memory = Closure::<dyn FnMut() -> JsValue>::new(|| {
            wasm_bindgen::memory()
                .dyn_into::<js_sys::WebAssembly::Memory>()
                .ok()
                .and_then(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
                .map_or(JsValue::NULL, |b| b.byte_length().into())
        });
        Reflect::set(&api, &"memoryBytes".into(), memory.as_ref())?;
        Reflect::set(&self.window, &"raftfigures".into(), &api)?;
        self.api = Some((api, [snapshot, memory]));
        if self.lang == Lang::Zh {
            on_lang();
        }
        Ok(())
    }

    /// Figure `i` came near the viewport (`on`) or went far from it.
    fn near(&mut self, i: usize, on: bool) {
        let (lang, theme, ratio) = (self.lang, self.theme, self.ratio);
        let Some(f) = self.figures.get_mut(i) else {
            return;
        };
        if on && f.live.is_none() {
            match Live::new(f, lang) {
                Ok(live) => f.live = Some(live),
                Err(e) => web_sys::console::error_1(&e),
            }
            if let Some(live) = f.live.as_mut() {
                if self.family.is_empty() {
                    self.family = canvas_font(&self.window, &live.painter);
                }
                live.painter.set_family(&self.family);
                live.measure();
                live.paint(theme, ratio);
                live.sync(lang);
            }
        } else if !on && let Some(live) = f.live.take() {
            live.remove();
        }
        self.runner.wake();
    }

    /// Figure `i` came into view (`on`) or left it.
    fn seen(&mut self, i: usize, on: bool) {
        if let Some(f) = self.figures.get_mut(i) {
            f.in_view = on;
        }
        self.runner.wake();
    }

    /// One animation frame: every live figure in view moves on and is drawn.
    fn frame(&mut self, timestamp: f64) {
        let elapsed = self.runner.begin_frame(timestamp);
        let (lang, theme, ratio, resized) = (self.lang, self.theme, self.ratio, self.resized);
        self.resized = false;
        let mut next: Option<f64> = None;
        for f in &mut self.figures {
            let Some(live) = f.live.as_mut() else {
                continue;
            };
            if resized && live.measure() {
                live.paint(theme, ratio);
            }
            if !f.in_view {
                continue;
            }
            if live.app.tick(elapsed) {
                live.paint(theme, ratio);
                self.runner.drew();
            }
            live.sync(lang);
            if let Some(n) = live.app.next_frame_in_ms() {
                next = Some(next.map_or(n, |m: f64| m.min(n)));
            }
        }
        self.runner.plan(next);
    }

    /// A command for figure `i`, from its bar.
    fn command(&mut self, i: usize, cmd: Command) {
        let (lang, theme, ratio) = (self.lang, self.theme, self.ratio);
        if let Some(live) = self.figures.get_mut(i).and_then(|f| f.live.as_mut()) {
            // A refused command (a scrub past the run) changes nothing: no word needed.
            let _ = live.app.command(cmd);
            live.paint(theme, ratio);
            live.sync(lang);
        }
        self.runner.wake();
    }

    /// The page's language changed (its catalogue is installed).
    fn set_lang(&mut self, lang: Lang) {
        self.lang = lang;
        for live in self.figures.iter_mut().filter_map(|f| f.live.as_mut()) {
            let _ = live.app.command(Command::Lang(lang));
            // Also when the language is the same: its catalogue may have just come.
            live.caption_for = None;
            live.paint(self.theme, self.ratio);
            live.sync(lang);
        }
    }

    /// `raftfigures.snapshot()`: one object per figure.
    fn snapshot(&self) -> JsValue {
        let out = Array::new();
        for f in &self.figures {
            let o = Object::new();
            let set = |k: &str, v: JsValue| {
                let _ = Reflect::set(&o, &k.into(), &v);
            };
            set("scene", f.scene.as_str().into());
            set("step", (f.step + 1).into());
            set("live", f.live.is_some().into());
            set("inView", f.in_view.into());
            if let Some(live) = &f.live {
                let tour = live.app.tour();
                set(
                    "tourScene",
                    tour.map_or(JsValue::NULL, |t| t.scene().id.into()),
                );
                set(
                    "tourStep",
                    tour.map_or(JsValue::NULL, |t| (t.step() + 1).into()),
                );
                set("playing", tour.is_some_and(|t| t.is_playing()).into());
                set(
                    "done",
                    tour.is_some_and(|t| t.is_done(live.app.timeline())).into(),
                );
                set("caption", live.shown_caption.as_str().into());
                set("atMs", live.app.timeline().now().as_millis_f64().into());
            }
            out.push(&o);
        }
        out.into()
    }
}

impl Drop for Figures {
    fn drop(&mut self) {
        for (o, _) in &self.observers {
            o.disconnect();
        }
        if self.api.is_some() {
            let _ = Reflect::delete_property(&self.window, &"raftfigures".into());
        }
        self.runner.stop();
    }
}

impl Live {
    /// Builds figure `f`'s app at the step before its own, about to play its own, and
    /// adds its canvas and bar to its frame.
    fn new(f: &Figure, lang: Lang) -> Result<Live, JsValue> {
        let options = Options {
            scene: Some(f.scene.clone()),
            step: Some(f.step),
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
        f.frame.append_child(&canvas)?;
        f.frame.append_child(&bar)?;
        set_attr(&f.frame, "data-live", "");
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
    fn measure(&mut self) -> bool {
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

    fn paint(&mut self, theme: &Theme, ratio: f64) {
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
    fn sync(&mut self, lang: Lang) {
        let Some(tour) = self.app.tour() else {
            return;
        };
        // Chinese before its catalogue has come would show English for a moment: the
        // caption waits for it (set_lang writes it then).
        let waiting = lang == Lang::Zh && !crate::lang::chinese_installed();
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
    fn remove(self) {
        self.painter.canvas().remove();
        self.bar.remove();
    }
}

/// A time as whole milliseconds, for the scrubber.
fn ms_text(t: Instant) -> String {
    crate::num::u64_text(t.as_micros() / 1_000)
}

/// The page's language, from `<html data-lang>` (English unless it says `zh`).
fn page_lang(doc: &Document) -> Lang {
    doc.document_element()
        .and_then(|e| e.get_attribute("data-lang"))
        .and_then(|l| Lang::parse(&l))
        .unwrap_or(Lang::En)
}

/// The canvas's font family, from the page's CSS (`--canvas-font`), else the default.
fn canvas_font(window: &Window, painter: &CanvasPainter) -> String {
    window
        .get_computed_style(painter.canvas())
        .ok()
        .flatten()
        .and_then(|s| s.get_property_value("--canvas-font").ok())
        .map(|v| v.trim().to_owned())
        .unwrap_or_default()
}

/// An observer of the figures, with `margin` around the viewport, telling `report`
/// (on the figures) each figure's index and whether at least `ratio` of it (anything,
/// for 0) is within.
fn observer(
    margin: Option<&str>,
    ratio: f64,
    report: fn(&mut Figures, usize, bool),
) -> Result<(IntersectionObserver, EntriesCallback), JsValue> {
    let callback = Closure::<dyn FnMut(Array)>::new(move |entries: Array| {
        for entry in entries.iter() {
            let entry = entry.unchecked_into::<IntersectionObserverEntry>();
            if let Some(i) = index_of(&entry.target()) {
                let on = entry.is_intersecting() && entry.intersection_ratio() >= ratio;
                with_figures(|f| report(f, i, on));
            }
        }
    });
    let init = IntersectionObserverInit::new();
    if let Some(m) = margin {
        init.set_root_margin(m);
    }
    if ratio > 0.0 {
        init.set_threshold(&JsValue::from_f64(ratio));
    }
    let o = IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &init)?;
    Ok((o, callback))
}

/// The index of the figure holding `el`.
fn index_of(el: &Element) -> Option<usize> {
    el.closest("figure.live[data-index]")
        .ok()
        .flatten()?
        .get_attribute("data-index")?
        .parse()
        .ok()
}

fn on_frame(timestamp: f64) {
    with_figures(|f| f.frame(timestamp));
}

fn on_timeout() {
    with_figures(|f| f.runner.timeout_fired());
}

fn target(event: &Event) -> Option<Element> {
    event.target()?.dyn_into::<Element>().ok()
}

/// Back, Replay and Next, in a figure's bar.
fn on_click(event: Event) {
    let Some(el) = target(&event) else {
        return;
    };
    let Some(button) = el.closest(".fig-bar button").ok().flatten() else {
        return;
    };
    let cmd = match button.class_name().as_str() {
        "fig-back" => Command::Prev,
        "fig-replay" => Command::Replay,
        "fig-next" => Command::Next,
        _ => return,
    };
    if let Some(i) = index_of(&button) {
        with_figures(|f| f.command(i, cmd));
    }
}

/// The scrubber, in a figure's bar: seeks within the step.
fn on_input(event: Event) {
    let Some(el) = target(&event) else {
        return;
    };
    if !el.matches(".fig-scrub").unwrap_or(false) {
        return;
    }
    let Some(input) = el.dyn_ref::<HtmlInputElement>() else {
        return;
    };
    let Ok(ms) = input.value().parse::<u64>() else {
        return;
    };
    if let Some(i) = index_of(&el) {
        with_figures(|f| f.command(i, Command::Seek(Instant::from_millis(ms))));
    }
}

/// The page's language changed: Chinese needs its catalogue first.
fn on_lang() {
    let Ok(doc) = dom::document() else {
        return;
    };
    match page_lang(&doc) {
        Lang::Zh => catalogue::load(|outcome| {
            if let Err(m) = outcome {
                web_sys::console::warn_1(&JsValue::from_str(&m));
                return;
            }
            with_figures(|f| f.set_lang(Lang::Zh));
        }),
        lang => drop(with_figures(|f| f.set_lang(lang))),
    }
}
