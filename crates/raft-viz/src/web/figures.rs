//! The article page's live figures: one wasm instance draws every figure of
//! `article.html`, each an [`App`] on a tour step with its own canvas, caption, Replay
//! button and scrubber.
//!
//! Why not an iframe of the main page per figure, as a blogger embeds one: each iframe
//! is a whole document (its style, layout, JS context and wasm instance), about 100 ms
//! of main-thread work to start on this machine, and the article has 21 figures. Here a
//! figure costs a canvas, a few elements and an `App`, whose scene runs in well under a
//! millisecond. A figure's own parts (its app, canvas and bar) are in
//! [`figure`](super::figure); this module finds the figures, brings them to life and
//! runs the loop.
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
    Document, Element, Event, HtmlInputElement, IntersectionObserver, IntersectionObserverEntry,
    IntersectionObserverInit, Window,
};

use super::catalogue;
use super::dom::{self, Listener, set_attr};
use super::events::target_element;
use super::figure::Live;
use super::page::css_var;
use super::runner::{Runner, pixel_ratio, prefers_dark};
use crate::command::Command;
use crate::lang::Lang;
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
    /// Whether at least [`IN_VIEW`] of it is on the screen (then it plays).
    in_view: bool,
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
        let lang = self.lang;
        let Some(f) = self.figures.get_mut(i) else {
            return;
        };
        if on && f.live.is_none() {
            match Live::new(&f.frame, &f.scene, f.step, lang) {
                Ok(live) => f.live = Some(live),
                Err(e) => web_sys::console::error_1(&e),
            }
            if let Some(live) = f.live.as_mut() {
                if self.family.is_empty() {
                    self.family = css_var(&self.window, live.painter.canvas(), "--canvas-font");
                }
                live.painter.set_family(&self.family);
                // Drawn by the next frame (a new app, like a command, asks for one).
                live.measure();
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

    /// One animation frame: every live figure in view moves on; any live figure that
    /// moved or changed (a command, a resize, a new app) is drawn. Out of view, a
    /// figure's clock stands still.
    fn frame(&mut self, timestamp: f64) {
        let elapsed = self.runner.begin_frame(timestamp);
        let (lang, theme, ratio, resized) = (self.lang, self.theme, self.ratio, self.resized);
        self.resized = false;
        let mut next: Option<f64> = None;
        for f in &mut self.figures {
            let Some(live) = f.live.as_mut() else {
                continue;
            };
            if resized {
                live.measure();
            }
            if live.app.tick(if f.in_view { elapsed } else { 0.0 }) {
                live.paint(theme, ratio);
                self.runner.drew();
            }
            live.sync(lang);
            if f.in_view
                && let Some(n) = live.app.next_frame_in_ms()
            {
                next = Some(next.map_or(n, |m: f64| m.min(n)));
            }
        }
        self.runner.plan(next);
    }

    /// A command for figure `i`, from its bar.
    fn command(&mut self, i: usize, cmd: Command) {
        let lang = self.lang;
        if let Some(live) = self.figures.get_mut(i).and_then(|f| f.live.as_mut()) {
            // A refused command (a scrub past the run) changes nothing: no word needed.
            // The bar at once; the picture with the next frame.
            let _ = live.app.command(cmd);
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
            live.sync(lang);
        }
        self.runner.wake();
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

/// The page's language, from `<html data-lang>` (English unless it says `zh`).
fn page_lang(doc: &Document) -> Lang {
    doc.document_element()
        .and_then(|e| e.get_attribute("data-lang"))
        .and_then(|l| Lang::parse(&l))
        .unwrap_or(Lang::En)
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

/// Back, Replay and Next, in a figure's bar.
fn on_click(event: Event) {
    let Some(el) = target_element(&event) else {
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
    let Some(el) = target_element(&event) else {
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
        Lang::Zh => catalogue::load(crate::lang::Book::Chinese, |outcome| {
            if let Err(m) = outcome {
                web_sys::console::warn_1(&JsValue::from_str(&m));
                return;
            }
            with_figures(|f| f.set_lang(Lang::Zh));
        }),
        lang => drop(with_figures(|f| f.set_lang(lang))),
    }
}
