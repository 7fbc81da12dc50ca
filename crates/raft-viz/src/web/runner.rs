//! The animation loop and what wakes or stops it.
//!
//! [`Runner`] owns the one loop (eframe-style): each frame is a `Closure::once` handed
//! to `requestAnimationFrame` and kept in the runner until the next frame (so it is
//! never dropped while it runs, and never leaked). Pacing follows
//! [`App::next_frame_in_ms`](crate::app::App::next_frame_in_ms): `0` asks for the next
//! animation frame, `d > 0` waits `d` ms with `setTimeout` and then asks for a frame,
//! `None` asks for nothing until an input calls [`Runner::wake`]. While the page is
//! hidden or the canvas is scrolled out of view nothing is scheduled at all, and the
//! first frame after a pause of any kind ticks zero elapsed time (no catch-up jump).
//!
//! [`Watchers`] owns the listeners around the loop: `visibilitychange`, an
//! `IntersectionObserver` on the canvas, a `ResizeObserver` on its container, and
//! media queries for `devicePixelRatio` and `prefers-color-scheme`. Dropping either
//! struct removes everything it registered.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{
    Document, Element, Event, EventTarget, IntersectionObserver, IntersectionObserverEntry,
    MediaQueryList, ResizeObserver, ResizeObserverEntry, Window,
};

use super::dom::{Listener, concat, err, message_of};
use crate::num::decimal;

/// What the loop waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    /// Nothing: the loop sleeps until an input wakes it.
    Nothing,
    /// An animation frame.
    Frame,
    /// A timeout, then an animation frame.
    Timeout,
}

/// Counters, for tests and the curious.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoopStats {
    /// Animation frames run.
    pub frames: u64,
    /// Frames that repainted the canvas.
    pub draws: u64,
    /// Animation frames requested.
    pub requests: u64,
    /// Timeouts set.
    pub timeouts: u64,
}

/// A JS callback with one argument, owned by Rust.
type Callback<T> = Closure<dyn FnMut(T)>;

/// An observer and the callback it calls.
type Observed<O> = Option<(O, Callback<js_sys::Array>)>;

/// The loop's handle. Frame and timeout callbacks are plain functions (they reach the
/// page through its thread-local), so the runner holds no reference cycle.
pub struct Runner {
    window: Window,
    on_frame: fn(f64),
    frame: Option<(i32, Callback<f64>)>,
    /// The closure of the frame running now or last run: kept until the next one.
    spent: Option<Closure<dyn FnMut(f64)>>,
    timeout: Option<i32>,
    timeout_cb: Closure<dyn FnMut()>,
    last: Option<f64>,
    hidden: bool,
    offscreen: bool,
    stopped: bool,
    stats: LoopStats,
}

impl core::fmt::Debug for Runner {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Runner")
            .field("pending", &self.pending())
            .field("hidden", &self.hidden)
            .field("offscreen", &self.offscreen)
            .field("stats", &self.stats)
            .finish()
    }
}

impl Runner {
    /// A sleeping loop: `on_frame(timestamp)` runs for each animation frame,
    /// `on_timeout()` when a wait ends (it should call [`Runner::timeout_fired`]).
    pub fn new(window: &Window, on_frame: fn(f64), on_timeout: fn()) -> Runner {
        Runner {
            window: window.clone(),
            on_frame,
            frame: None,
            spent: None,
            timeout: None,
            timeout_cb: Closure::<dyn FnMut()>::new(on_timeout),
            last: None,
            hidden: false,
            offscreen: false,
            stopped: false,
            stats: LoopStats::default(),
        }
    }

    /// What the loop waits for now.
    pub fn pending(&self) -> Pending {
        if self.frame.is_some() {
            Pending::Frame
        } else if self.timeout.is_some() {
            Pending::Timeout
        } else {
            Pending::Nothing
        }
    }

    /// The counters.
    pub fn stats(&self) -> LoopStats {
        self.stats
    }

    /// Counts a repaint.
    pub fn drew(&mut self) {
        self.stats.draws += 1;
    }

    /// Whether the loop stands still: stopped, the tab hidden, or the canvas out of
    /// view (the clock does not move then, so nothing is playing).
    pub fn blocked(&self) -> bool {
        self.stopped || self.hidden || self.offscreen
    }

    /// Something changed (a command, a click, a resize, a theme): draw soon.
    pub fn wake(&mut self) {
        if self.blocked() || self.frame.is_some() {
            return;
        }
        self.clear_timeout();
        self.request_frame();
    }

    fn request_frame(&mut self) {
        if self.blocked() || self.frame.is_some() {
            return;
        }
        // The `fn` itself, not a closure around it: no closure type of its own.
        let closure = Closure::once(self.on_frame);
        match self
            .window
            .request_animation_frame(closure.as_ref().unchecked_ref())
        {
            Ok(id) => {
                self.stats.requests += 1;
                self.frame = Some((id, closure));
            }
            Err(e) => web_sys::console::error_1(&JsValue::from_str(&concat(&[
                "requestAnimationFrame failed: ",
                &message_of(&e),
            ]))),
        }
    }

    /// Called first in each frame: returns the real time elapsed since the previous
    /// frame, in ms (0 after a pause, a hidden page or an idle loop).
    pub fn begin_frame(&mut self, timestamp: f64) -> f64 {
        // Keep this frame's closure alive until the next frame; drop the previous one.
        self.spent = self.frame.take().map(|(_, c)| c);
        self.stats.frames += 1;
        let elapsed = match self.last {
            Some(last) if timestamp.is_finite() => (timestamp - last).max(0.0),
            _ => 0.0,
        };
        self.last = timestamp.is_finite().then_some(timestamp);
        elapsed
    }

    /// Schedules what comes after a frame, from `App::next_frame_in_ms`.
    pub fn plan(&mut self, next_in_ms: Option<f64>) {
        if self.blocked() || self.frame.is_some() {
            return;
        }
        match next_in_ms {
            None => {
                self.clear_timeout();
                self.last = None;
            }
            Some(d) if d.is_nan() || d < 1.0 => self.request_frame(),
            Some(d) => {
                if self.timeout.is_some() {
                    return;
                }
                let ms = d.min(60_000.0).round() as i32;
                match self
                    .window
                    .set_timeout_with_callback_and_timeout_and_arguments_0(
                        self.timeout_cb.as_ref().unchecked_ref(),
                        ms,
                    ) {
                    Ok(id) => {
                        self.stats.timeouts += 1;
                        self.timeout = Some(id);
                    }
                    Err(_) => self.request_frame(),
                }
            }
        }
    }

    /// The wait set by [`Runner::plan`] is over: ask for the frame.
    pub fn timeout_fired(&mut self) {
        self.timeout = None;
        self.request_frame();
    }

    /// The page was hidden or shown.
    pub fn set_hidden(&mut self, hidden: bool) {
        if self.hidden != hidden {
            self.hidden = hidden;
            self.blocked_changed();
        }
    }

    /// The canvas left or entered the viewport.
    pub fn set_offscreen(&mut self, offscreen: bool) {
        if self.offscreen != offscreen {
            self.offscreen = offscreen;
            self.blocked_changed();
        }
    }

    /// Stops for good (after an error); nothing is scheduled again.
    pub fn stop(&mut self) {
        self.stopped = true;
        self.cancel();
    }

    fn blocked_changed(&mut self) {
        self.last = None;
        if self.blocked() {
            self.cancel();
        } else {
            self.wake();
        }
    }

    fn clear_timeout(&mut self) {
        if let Some(id) = self.timeout.take() {
            self.window.clear_timeout_with_handle(id);
        }
    }

    fn cancel(&mut self) {
        self.clear_timeout();
        if let Some((id, closure)) = self.frame.take() {
            let _ = self.window.cancel_animation_frame(id);
            self.spent = Some(closure);
        }
        self.last = None;
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// What the watchers report.
#[derive(Debug, Clone, Copy)]
pub enum Watch {
    /// The page became hidden (true) or visible.
    Hidden(bool),
    /// The canvas left (true) or entered the viewport.
    Offscreen(bool),
    /// The canvas's container now measures this many CSS pixels.
    Resized(f64, f64),
    /// `devicePixelRatio` changed.
    PixelRatio,
    /// `prefers-color-scheme` changed; true for dark.
    DarkScheme(bool),
}

/// The listeners around the loop. Dropping it removes them all.
pub struct Watchers {
    _visibility: Listener,
    intersection: Observed<IntersectionObserver>,
    resize: Observed<ResizeObserver>,
    /// The current `(resolution: Xdppx)` query and its listener, moved to a new query
    /// each time the ratio changes.
    ratio: Option<Listener>,
    scheme: Option<Listener>,
}

impl core::fmt::Debug for Watchers {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Watchers")
    }
}

/// The `(resolution: Xdppx)` query matching the window's ratio now.
fn ratio_query(window: &Window) -> Result<MediaQueryList, JsValue> {
    let q = concat(&["(resolution: ", &decimal(pixel_ratio(window), 4), "dppx)"]);
    window
        .match_media(&q)?
        .ok_or_else(|| err("matchMedia gave no list"))
}

/// `devicePixelRatio`, or 1 if the browser reports nonsense.
pub fn pixel_ratio(window: &Window) -> f64 {
    let r = window.device_pixel_ratio();
    if r.is_finite() && r > 0.0 { r } else { 1.0 }
}

/// Whether the system asks for a dark colour scheme.
pub fn prefers_dark(window: &Window) -> bool {
    matches_media(window, "(prefers-color-scheme: dark)")
}

/// Whether the media query matches now.
pub fn matches_media(window: &Window, query: &str) -> bool {
    window
        .match_media(query)
        .ok()
        .flatten()
        .is_some_and(|m| m.matches())
}

/// A listener that reports `read(event)`. One closure type for every watcher (the
/// differences are in plain `fn`s): one copy of the closure's code and JS shim in the
/// wasm rather than one per listener.
fn watch(
    target: &EventTarget,
    kind: &'static str,
    report: fn(Watch),
    read: fn(&Event) -> Watch,
) -> Result<Listener, JsValue> {
    Listener::new(target, kind, move |e| report(read(&e)))
}

/// An observer's callback: reports `read(last entry)` (one closure type for both
/// observers, as in [`watch`]).
fn observed(report: fn(Watch), read: fn(JsValue) -> Watch) -> Callback<js_sys::Array> {
    Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        if let Some(entry) = entries.iter().last() {
            report(read(entry));
        }
    })
}

impl Watchers {
    /// Watches `canvas` (visibility), `container` (size), the page's visibility and
    /// the media; every change goes to `report`. `follow_scheme`: listen to
    /// `prefers-color-scheme` (the theme is "auto").
    pub fn new(
        window: &Window,
        document: &Document,
        canvas: &Element,
        container: &Element,
        follow_scheme: bool,
        report: fn(Watch),
    ) -> Result<Watchers, JsValue> {
        let visibility = watch(document, "visibilitychange", report, |_| {
            Watch::Hidden(
                web_sys::window()
                    .and_then(|w| w.document())
                    .is_some_and(|d| d.hidden()),
            )
        })?;

        // Observers are missing in very old browsers: then the loop just never pauses
        // for scrolling, and resizes are caught on the next frame. Each observer calls
        // its callback with entries of its own kind, as web-sys types them.
        let closure = observed(report, |entry| {
            let entry = entry.unchecked_into::<IntersectionObserverEntry>();
            Watch::Offscreen(!entry.is_intersecting())
        });
        let intersection = IntersectionObserver::new(closure.as_ref().unchecked_ref())
            .ok()
            .map(|observer| {
                observer.observe(canvas);
                (observer, closure)
            });
        let closure = observed(report, |entry| {
            let rect = entry.unchecked_into::<ResizeObserverEntry>().content_rect();
            Watch::Resized(rect.width(), rect.height())
        });
        let resize = ResizeObserver::new(closure.as_ref().unchecked_ref())
            .ok()
            .map(|observer| {
                observer.observe(container);
                (observer, closure)
            });
        let ratio = match ratio_query(window) {
            Ok(mql) => Some(watch(&mql, "change", report, |_| Watch::PixelRatio)?),
            Err(_) => None,
        };
        let scheme = if follow_scheme {
            match window.match_media("(prefers-color-scheme: dark)")? {
                // The `change` event's target is the list itself.
                Some(mql) => Some(watch(&mql, "change", report, |_| {
                    Watch::DarkScheme(web_sys::window().is_some_and(|w| prefers_dark(&w)))
                })?),
                None => None,
            }
        } else {
            None
        };
        Ok(Watchers {
            _visibility: visibility,
            intersection,
            resize,
            ratio,
            scheme,
        })
    }

    /// After a ratio change: listen to the query for the new ratio.
    pub fn follow_ratio(&mut self, window: &Window) {
        if let (Some(listener), Ok(mql)) = (self.ratio.as_mut(), ratio_query(window)) {
            let _ = listener.retarget(&mql);
        }
    }

    /// Whether it listens to the colour scheme.
    pub fn follows_scheme(&self) -> bool {
        self.scheme.is_some()
    }
}

impl Drop for Watchers {
    fn drop(&mut self) {
        if let Some((observer, _)) = &self.intersection {
            observer.disconnect();
        }
        if let Some((observer, _)) = &self.resize {
            observer.disconnect();
        }
    }
}
