//! Everything that touches the browser (compiled for `wasm32` only).
//!
//! [`start`] reads the URL's options, builds the [`App`], and wires the page: the
//! canvas ([`canvas`]), the animation loop and what wakes it ([`runner`]), the DOM
//! controls ([`controls`], [`strip`], [`labels`]), the JS API ([`api`]). The whole page
//! state is one [`Page`] in a thread-local; every callback reaches it through
//! `with_page`, and every closure and listener is owned by it (dropped, and removed
//! from the DOM, by [`stop`]): nothing is leaked with `forget`.
//!
//! A panic shows an error overlay and stops the loop (see [`install_panic_hook`]); a
//! failed start shows what went wrong on the page.

pub mod api;
pub mod canvas;
pub mod catalogue;
pub mod controls;
pub mod dom;
pub mod labels;
pub mod runner;
pub mod strip;

use std::cell::{Cell, RefCell};

use raft_sim::raft_core::NodeId;
use serde::Serialize;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Event, HtmlCanvasElement, KeyboardEvent, MouseEvent, Window};

use self::api::Api;
use self::canvas::CanvasPainter;
use self::controls::Controls;
use self::dom::{
    Listener, concat, err, escape_html, find, focus_select, get, message_of, num, set_hidden,
    set_value, value_of,
};
use self::runner::{LoopStats, Pending, Runner, Watch, Watchers, matches_media, pixel_ratio};
use crate::app::{App, UiCommand};
use crate::app_ext::{MAX_REPLAY_MS, percent_encode};
use crate::lang::Lang;
use crate::layout::Point;
use crate::narrate::text::say;
use crate::options::{self, Controls as ControlsMode, Options, ThemeChoice, parse_speed};
use crate::theme::{DARK, LIGHT, Theme};
use crate::view::Selection;

/// The id of the canvas in `index.html`.
pub const CANVAS_ID: &str = "raft-canvas";
/// The id of the error overlay in `index.html` (created if missing).
pub const ERROR_ID: &str = "raft-error";
/// The id of the notice bar (created if missing).
pub const NOTICES_ID: &str = "rv-notices";

/// The keys (letters in lower case) and the buttons' `data-cmd` they press.
const KEYS: [(&str, &str); 10] = [
    (" ", "toggle"),
    ("ArrowLeft", "back"),
    ("ArrowRight", "step"),
    ("l", "live"),
    ("c", "crash"),
    ("r", "restart"),
    ("t", "timeout"),
    ("h", "heal"),
    ("p", "split"),
    ("?", "help"),
];

/// How long a passing message ("link copied") stays, in ms.
const FLASH_MS: i32 = 6_000;

thread_local! {
    static PAGE: RefCell<Option<Page>> = const { RefCell::new(None) };
    /// Set by the panic hook: from then on every callback returns at once.
    static DEAD: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` on the page, unless there is none, it is busy (a re-entrant event), or
/// the program panicked.
fn with_page<R>(f: impl FnOnce(&mut Page) -> R) -> Option<R> {
    if DEAD.with(Cell::get) {
        return None;
    }
    PAGE.with(|cell| {
        let mut guard = cell.try_borrow_mut().ok()?;
        let page = guard.as_mut()?;
        Some(f(page))
    })
}

/// Installs a panic hook that logs to the console (console_error_panic_hook), stops
/// the animation loop and shows the message on the page, so a panic never leaves a
/// silently frozen canvas.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        DEAD.with(|d| d.set(true));
        console_error_panic_hook::hook(info);
        // The page may be borrowed by the code that panicked; then its loop is stopped
        // anyway (every callback now returns at once).
        let _ = PAGE.try_with(|cell| {
            if let Ok(mut page) = cell.try_borrow_mut()
                && let Some(page) = page.as_mut()
            {
                page.runner.stop();
            }
        });
        show_error(&format!(
            "raft-viz stopped after an internal error.\n{info}"
        ));
    }));
}

/// Starts the page from `location.search`; in Chinese, once the Chinese text has been
/// fetched ([`catalogue`]).
pub fn start() -> Result<(), JsValue> {
    let query = dom::window()?.location().search()?;
    if catalogue::wanted(&query) && !crate::lang::chinese_installed() {
        catalogue::load(|outcome| {
            let started = dom::window()
                .and_then(|w| w.location().search())
                .and_then(|q| start_with(&q));
            match (started, outcome) {
                (Err(e), _) => report_error(&e),
                (Ok(()), Err(m)) => drop(with_page(|p| p.notice(&m))),
                (Ok(()), Ok(())) => {}
            }
        });
        return Ok(());
    }
    start_with(&query)
}

/// Starts the page with this query string (tests pass their own). Replaces a page
/// already running.
pub fn start_with(query: &str) -> Result<(), JsValue> {
    stop();
    DEAD.with(|d| d.set(false));
    let page = Page::new(query)?;
    // `stop` emptied the cell; `try_borrow_mut` keeps a `RefCell` panic out of the module.
    PAGE.with(|cell| {
        if let Ok(mut p) = cell.try_borrow_mut() {
            *p = Some(page);
        }
    });
    with_page(Page::wire).unwrap_or(Ok(()))
}

/// Stops the page: cancels the loop, removes every listener and `window.raftviz`.
pub fn stop() {
    let page = PAGE.with(|cell| cell.try_borrow_mut().ok().and_then(|mut p| p.take()));
    drop(page);
}

/// What the loop waits for and its counters (`None` when not running).
pub fn loop_state() -> Option<(Pending, LoopStats)> {
    with_page(|p| (p.runner.pending(), p.runner.stats()))
}

/// Shows `err` as a fatal error: on the page and in the console; the loop stops.
pub fn report_error(err: &JsValue) {
    let message = message_of(err);
    web_sys::console::error_1(&JsValue::from_str(&message));
    let _ = with_page(|p| p.runner.stop());
    show_error(&concat(&["raft-viz could not start: ", &message]));
}

/// Puts `message` in the error overlay (creating it if needed), with a reload link.
/// Never fails: without a document, the console is the only place left.
pub fn show_error(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let element = match document.get_element_by_id(ERROR_ID) {
        Some(element) => element,
        None => {
            let Ok(element) = document.create_element("div") else {
                return;
            };
            let _ = element.set_attribute("id", ERROR_ID);
            let _ = element.set_attribute("class", "error-overlay");
            if let Some(body) = document.body() {
                let _ = body.append_child(&element);
            }
            element
        }
    };
    let _ = element.set_attribute("role", "alert");
    // One `innerHTML` write (the message escaped) rather than an element at a time.
    element.set_inner_html(&concat(&[
        "<p>",
        &escape_html(message),
        "</p><a href=\"\">Reload the page</a>",
    ]));
    let _ = element.remove_attribute("hidden");
}

/// A seed from the browser's random source (`crypto.getRandomValues`), six digits so
/// that it reads well aloud.
fn fresh_seed() -> Result<u64, String> {
    getrandom::u64()
        .map(|r| r % 1_000_000)
        // The error's own text would bring integer formatting into the module.
        .map_err(|_| String::from("no random source (crypto.getRandomValues)"))
}

/// Whether the query names `key` at all (`autoplay=1` must be explicit to override
/// `prefers-reduced-motion`).
fn query_has(query: &str, key: &str) -> bool {
    query
        .trim_start_matches('?')
        .split('&')
        .any(|p| options::percent_decode(p.split('=').next().unwrap_or("")) == key)
}

/// The page: the app, the canvas, the loop and every listener.
struct Page {
    window: Window,
    document: Document,
    root: Element,
    app: App,
    canvas: HtmlCanvasElement,
    container: Element,
    painter: CanvasPainter,
    theme: &'static Theme,
    theme_choice: ThemeChoice,
    mode: ControlsMode,
    size: (f64, f64),
    ratio: f64,
    controls: Controls,
    notices: Vec<String>,
    runner: Runner,
    watchers: Option<Watchers>,
    listeners: Vec<Listener>,
    api: Option<Api>,
    /// Whether a frame has brought every control up to date yet.
    synced: bool,
    /// Messages for the pending clipboard write: (done, failed).
    copy_messages: (String, String),
    copied: Closure<dyn FnMut(JsValue)>,
    copy_failed: Closure<dyn FnMut(JsValue)>,
    flash_timer: Option<i32>,
    flash_cb: Closure<dyn FnMut()>,
}

impl core::fmt::Debug for Page {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Page")
            .field("runner", &self.runner)
            .finish()
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        // The other callbacks are removed by their owners' `Drop`.
        if let Some(id) = self.flash_timer.take() {
            self.window.clear_timeout_with_handle(id);
        }
    }
}

impl Page {
    /// Builds the page's state (no listeners yet).
    fn new(query: &str) -> Result<Page, JsValue> {
        let window = dom::window()?;
        let document = dom::document()?;
        let canvas: HtmlCanvasElement = get(&document, CANVAS_ID)?;
        let container = canvas
            .parent_element()
            .ok_or_else(|| err("the canvas has no container"))?;
        let root = find::<Element>(&document, "app")
            .or_else(|| document.body().map(Into::into))
            .ok_or_else(|| err("the page has no body"))?;

        let (mut opts, mut notices) =
            options::parse(query, |id| raft_sim::scene::by_id(id).is_some());
        let lang = opts.lang;
        if opts.autoplay
            && !query_has(query, "autoplay")
            && matches_media(&window, "(prefers-reduced-motion: reduce)")
        {
            opts.autoplay = false;
            notices.push(String::from(lang.tr(
                "Paused: your system asks for reduced motion. Press play (or Space) to start; autoplay=1 in the URL starts at once.",
            )));
        }
        let seed = match opts.seed {
            Some(s) => s,
            None => fresh_seed().unwrap_or_else(|e| {
                notices.push(say!(lang, "{0}; using seed 1.", &e));
                1
            }),
        };
        let app = build_app(&opts, seed, &mut notices)
            .map_err(|e| err(&concat(&["the simulation could not be set up: ", &e])))?;

        let theme_choice = opts.theme;
        let theme = resolve_theme(theme_choice, &window);
        set_theme_attr(&document, theme);
        let family = css_var(&window, &canvas, "--canvas-font");
        let painter = CanvasPainter::new(&canvas, &family, true)?;
        let mode = opts.controls;
        let _ = root.set_attribute(
            "data-controls",
            match mode {
                ControlsMode::All => "all",
                ControlsMode::Minimal => "minimal",
                ControlsMode::None => "none",
            },
        );
        let controls = Controls::bind(
            &document,
            &family,
            &app,
            mode != ControlsMode::None,
            mode == ControlsMode::All,
        )?;
        let runner = Runner::new(&window, on_frame, on_timeout);
        // Plain `fn`s rather than closures: callbacks of one signature then share one
        // closure type, so one copy of its code and JS shim is in the wasm (the
        // runner's timeout is a `fn()` too).
        let copied = Closure::<dyn FnMut(JsValue)>::new(on_copied as fn(JsValue));
        let copy_failed = Closure::<dyn FnMut(JsValue)>::new(on_copy_failed as fn(JsValue));
        let flash_cb = Closure::<dyn FnMut()>::new(on_flash_over as fn());
        let ratio = pixel_ratio(&window);
        Ok(Page {
            window,
            document,
            root,
            app,
            canvas,
            container,
            painter,
            theme,
            theme_choice,
            mode,
            size: (0.0, 0.0),
            ratio,
            controls,
            notices,
            runner,
            watchers: None,
            listeners: Vec::new(),
            api: None,
            synced: false,
            copy_messages: (String::new(), String::new()),
            copied,
            copy_failed,
            flash_timer: None,
            flash_cb,
        })
    }

    /// Listeners, observers, the JS API and the first frame.
    fn wire(&mut self) -> Result<(), JsValue> {
        for n in core::mem::take(&mut self.notices) {
            self.notice(&n);
        }
        // Size now, so the first frame is drawn at once (the observer reports later).
        // The canvas fills its container's content box: measure the canvas itself.
        // The first picture and the controls are drawn by the first animation frame,
        // which is requested below: the start returns to the browser sooner.
        let rect = dom::css_box(&self.canvas);
        self.resized(rect.width(), rect.height());

        self.watchers = Some(Watchers::new(
            &self.window,
            &self.document,
            &self.canvas,
            &self.container,
            self.theme_choice == ThemeChoice::Auto,
            on_watch,
        )?);
        let doc: &web_sys::EventTarget = &self.document;
        let root: &web_sys::EventTarget = &self.root;
        self.listeners = vec![
            // All `fn(Event)`: one closure type for the five (see `Page::new`).
            Listener::new(root, "click", on_click as fn(Event))?,
            Listener::new(root, "change", on_change as fn(Event))?,
            Listener::new(root, "input", on_input as fn(Event))?,
            Listener::new(doc, "keydown", on_key as fn(Event))?,
            Listener::new(&self.canvas, "click", on_canvas_click as fn(Event))?,
        ];
        self.api = Some(Api::install(&self.window, api_snapshot, api_command)?);
        self.runner.set_hidden(self.document.hidden());
        self.runner.wake();
        Ok(())
    }

    /// One animation frame.
    fn frame(&mut self, timestamp: f64) {
        let elapsed = self.runner.begin_frame(timestamp);
        if self.app.tick(elapsed) {
            self.paint();
        }
        let next = self.app.next_frame_in_ms();
        // Going to sleep: bring every control up to date first.
        let force = next.is_none() || !self.synced;
        self.synced = true;
        self.controls
            .sync(&self.app, self.theme, self.ratio, timestamp, force);
        self.runner.plan(next);
        // After the first frame, not before it: the ~2.5 MB ring keeps memory flat.
        self.app.reserve_history();
    }

    fn paint(&mut self) {
        let (w, h) = self.size;
        if self.painter.begin(w, h, self.ratio) {
            crate::draw::draw(
                &self.app.frame(),
                self.app.stage(),
                self.theme,
                &mut self.painter,
            );
            self.runner.drew();
        }
    }

    fn resized(&mut self, w: f64, h: f64) {
        if (w, h) == self.size {
            return;
        }
        self.size = (w, h);
        self.app.resize(w, h);
        self.app.invalidate();
        self.controls.resized();
        self.runner.wake();
    }

    fn watch(&mut self, w: Watch) {
        match w {
            Watch::Hidden(h) => self.runner.set_hidden(h),
            Watch::Offscreen(o) => self.runner.set_offscreen(o),
            Watch::Resized(w, h) => self.resized(w, h),
            Watch::PixelRatio => {
                self.ratio = pixel_ratio(&self.window);
                if let Some(w) = self.watchers.as_mut() {
                    w.follow_ratio(&self.window);
                }
                self.app.invalidate();
                self.controls.resized();
                self.after_input();
            }
            Watch::DarkScheme(dark) => {
                if self.theme_choice == ThemeChoice::Auto {
                    self.theme = if dark { &DARK } else { &LIGHT };
                    set_theme_attr(&self.document, self.theme);
                    self.painter
                        .set_family(&css_var(&self.window, &self.canvas, "--canvas-font"));
                    self.app.invalidate();
                    self.controls.resized();
                    self.after_input();
                }
            }
        }
    }

    /// After any input: every control up to date, and a frame soon.
    fn after_input(&mut self) {
        self.controls
            .sync(&self.app, self.theme, self.ratio, now(&self.window), true);
        self.runner.wake();
    }

    /// Carries out a command (from a control, a key or the JS API).
    fn command(&mut self, cmd: UiCommand) -> Result<(), String> {
        // A seek far past the live end would simulate for a very long time.
        if let UiCommand::Seek { ms } = cmd {
            let live_ms = self.app.timeline().frontier().as_micros() / 1_000;
            if ms > (live_ms + MAX_REPLAY_MS) as f64 {
                return Err(self.say("A seek goes at most 10 minutes past the live end."));
            }
        }
        let resets = matches!(
            cmd,
            UiCommand::Nodes { .. } | UiCommand::Seed { .. } | UiCommand::Scene { .. }
        );
        let lang = matches!(cmd, UiCommand::Lang { .. });
        let result = self.app.command(cmd).map_err(|e| e.0);
        if resets {
            self.controls.new_run();
        }
        if lang && self.app.lang() == Lang::Zh && !crate::lang::chinese_installed() {
            // Shown in English until the Chinese text is here, then relabelled.
            catalogue::load(|outcome| {
                with_page(|p| match outcome {
                    Ok(()) => {
                        p.controls.relabel(p.app.lang());
                        p.app.invalidate();
                        p.after_input();
                    }
                    Err(m) => p.notice(&m),
                });
            });
        }
        if lang {
            self.controls.set_lang(self.app.lang());
        }
        self.after_input();
        result
    }

    /// A button (`data-cmd`).
    fn perform(&mut self, cmd: &str, el: Option<&Element>) {
        let result = match cmd {
            "toggle" => self.command(UiCommand::Toggle),
            "back" => self.command(UiCommand::Back),
            "step" => self.command(UiCommand::Step),
            "live" => self.command(UiCommand::Live),
            "crash" | "restart" | "timeout" => self.on_selected_node(cmd),
            "drop" => match self.app.selection() {
                Some(Selection::Message(id)) => self.command(UiCommand::Drop { message: id.0 }),
                _ => Err(self.say("Select a message first.")),
            },
            "set" | "add" => self.client(cmd == "add"),
            "split" => self
                .app
                .split_command()
                .map_err(|e| e.0)
                .and_then(|c| self.command(c)),
            "isolate" => self
                .app
                .isolate_leader_command()
                .map_err(|e| e.0)
                .and_then(|c| self.command(c)),
            "heal" => self.command(UiCommand::Heal),
            "newSeed" => fresh_seed().and_then(|seed| self.command(UiCommand::Seed { seed })),
            "share" => self.share(),
            "embed" => self.embed(),
            "copyEmbed" => {
                if let Some(t) = self.document.get_element_by_id("rv-embed-code") {
                    focus_select(&t);
                    let ok = self.say("Snippet copied.");
                    let no = self.say("Select the snippet and copy it.");
                    self.copy(&value_of(&t), ok, no);
                }
                Ok(())
            }
            "help" => {
                self.toggle_overlay("rv-help");
                Ok(())
            }
            "close" => {
                self.close_overlays();
                Ok(())
            }
            "dismiss" => {
                if let Some(notice) = el.and_then(|e| e.parent_element()) {
                    notice.remove();
                }
                Ok(())
            }
            _ => Ok(()),
        };
        if let Err(e) = result {
            self.flash(&e, true);
        }
    }

    /// An input or select (`data-set`).
    fn setting(&mut self, kind: &str, el: &Element, live: bool) {
        // Only the timeline scrubs while dragging; the rest act on `change`.
        if live != (kind == "seek") {
            return;
        }
        let value = value_of(el);
        let value = value.trim();
        let result = match kind {
            "speed" => match parse_speed(value) {
                Some(v) => self.command(UiCommand::Speed { value: v }),
                None => Err(self.say("Unknown speed.")),
            },
            "seek" => match crate::num::parse_decimal(value) {
                Some(ms) => self.command(UiCommand::Seek { ms }),
                None => Ok(()),
            },
            // Read as a `u64` like the seed: one integer parser in the wasm, not two.
            "nodes" => match value
                .parse::<u64>()
                .ok()
                .and_then(|n| usize::try_from(n).ok())
            {
                Some(count) => self.command(UiCommand::Nodes { count }),
                None => Err(self.say("A cluster has 1 to 9 nodes.")),
            },
            "seed" => match value.parse::<u64>() {
                Ok(seed) => self.command(UiCommand::Seed { seed }),
                Err(_) => Err(self.say("The seed is a whole number, 0 or more.")),
            },
            "network" => self.network(),
            "timeouts" => self.timeouts(),
            "cut" => {
                let result = match (self.app.selection(), value) {
                    (_, "") => Ok(()),
                    (Some(Selection::Node(from)), to) => self.command(UiCommand::Cut {
                        from: num(u64::from(from.0)),
                        to: to.to_owned(),
                        both: Some(true),
                    }),
                    _ => Err(self.say("Select a node first.")),
                };
                set_value(el, "");
                result
            }
            "lang" => self.command(UiCommand::Lang {
                lang: value.to_owned(),
            }),
            _ => Ok(()),
        };
        if let Err(e) = result {
            self.flash(&e, true);
            // Show the app's actual value again.
            self.after_input();
        }
    }

    fn say(&self, en: &str) -> String {
        String::from(self.app.lang().tr(en))
    }

    fn on_selected_node(&mut self, cmd: &str) -> Result<(), String> {
        let Some(Selection::Node(id)) = self.app.selection() else {
            return Err(self.say("Select a node first (click it)."));
        };
        let node = num(u64::from(id.0));
        self.command(match cmd {
            "crash" => UiCommand::Crash { node },
            "restart" => UiCommand::Restart { node },
            _ => UiCommand::Timeout { node },
        })
    }

    fn client(&mut self, add: bool) -> Result<(), String> {
        let text = self
            .controls
            .value_box()
            .map_or_else(|| String::from("5"), |b| value_of(b));
        let Ok(value) = text.trim().parse::<i64>() else {
            return Err(self.say("The client sends whole numbers: type one in the box."));
        };
        self.command(if add {
            UiCommand::Add { value, node: None }
        } else {
            UiCommand::Set { value, node: None }
        })
    }

    fn number(&self, id: &str) -> Result<f64, String> {
        self.document
            .get_element_by_id(id)
            .and_then(|i| crate::num::parse_decimal(&value_of(&i)))
            .filter(|v| v.is_finite())
            .ok_or_else(|| self.say("Type a number."))
    }

    fn network(&mut self) -> Result<(), String> {
        let loss = self.number("rv-loss")?;
        if !(0.0..=100.0).contains(&loss) {
            return Err(self.say("Loss is 0 to 100 %."));
        }
        let (min, max) = (self.number("rv-lat-min")?, self.number("rv-lat-max")?);
        self.command(UiCommand::Network {
            loss: Some(loss / 100.0),
            latency_min: Some(min),
            latency_max: Some(max),
            duplicate: None,
            reorder: None,
        })
    }

    fn timeouts(&mut self) -> Result<(), String> {
        let (min, max) = (self.number("rv-to-min")?, self.number("rv-to-max")?);
        self.command(UiCommand::Timeouts { min, max })
    }

    /// A link that reproduces this run, paused at this moment.
    fn share_link(&mut self) -> Result<(String, String), String> {
        let location = self.window.location();
        let href = location.href().map_err(|e| message_of(&e))?;
        let base = href.split(['?', '#']).next().unwrap_or("").to_owned();
        let query = if self.app.reproducible() {
            // `at=` counts whole milliseconds: move on to the next one (simulating less
            // than a millisecond), so the link shows exactly what is on screen.
            let us = self.app.world().now().as_micros();
            if !us.is_multiple_of(1_000) {
                let ms = (us / 1_000 + 1) as f64;
                self.command(UiCommand::Seek { ms })?;
            }
            self.app
                .share_query(&crate::share::encode(self.app.timeline().actions()))
        } else if let Some(scene) = self.app.scene() {
            let mut q = concat(&["scene=", &percent_encode(scene.scene().id)]);
            if self.app.lang() == Lang::Zh {
                q.push_str("&lang=zh");
            }
            q
        } else {
            return Err(
                self.say("This run began in a tour scene: only sandbox runs can be shared.")
            );
        };
        Ok((base, query))
    }

    fn share(&mut self) -> Result<(), String> {
        let (_, query) = self.share_link()?;
        let location = self.window.location();
        let path = location.pathname().map_err(|e| message_of(&e))?;
        let relative = concat(&[&path, "?", &query]);
        self.window
            .history()
            .and_then(|h| h.replace_state_with_url(&JsValue::NULL, "", Some(&relative)))
            .map_err(|e| message_of(&e))?;
        let href = location.href().map_err(|e| message_of(&e))?;
        let ok = self.say("Link copied: it reproduces this exact run.");
        let no = self.say("The link is in the address bar: copy it from there.");
        self.copy(&href, ok, no);
        Ok(())
    }

    fn embed(&mut self) -> Result<(), String> {
        let (base, query) = self.share_link()?;
        let src = concat(&[&base, "?", &query, "&controls=minimal"]);
        let snippet = concat(&[
            "<iframe src=\"",
            &escape_html(&src),
            "\" width=\"720\" height=\"480\" style=\"border:0;max-width:100%\" title=\"Raft, visualized\" loading=\"lazy\"></iframe>",
        ]);
        let area = dom::get_element(&self.document, "rv-embed-code").map_err(|e| message_of(&e))?;
        set_value(&area, &snippet);
        self.close_overlays();
        self.toggle_overlay("rv-embed");
        focus_select(&area);
        Ok(())
    }

    /// Copies `text`; `ok` or `failed` is flashed when the browser answers.
    fn copy(&mut self, text: &str, ok: String, failed: String) {
        let navigator = self.window.navigator();
        let available = js_sys::Reflect::get(&navigator, &"clipboard".into())
            .is_ok_and(|c| !c.is_undefined() && !c.is_null());
        if !available {
            self.flash(&failed, true);
            return;
        }
        self.copy_messages = (ok, failed);
        let _ = navigator
            .clipboard()
            .write_text(text)
            .then2(&self.copied, &self.copy_failed);
    }

    fn toggle_overlay(&mut self, id: &str) {
        if let Some(el) = self.document.get_element_by_id(id) {
            let open = dom::has_attr(&el, "hidden");
            set_hidden(&el, !open);
            if open
                && id == "rv-help"
                && let Some(button) = el.query_selector_all("button").ok().and_then(|l| l.item(0))
            {
                // `focus` reports its errors: no type check needed (nor its import).
                let _ = button.unchecked_ref::<web_sys::HtmlElement>().focus();
            }
        }
    }

    /// Closes the overlays; returns whether one was open.
    fn close_overlays(&mut self) -> bool {
        let mut closed = false;
        for id in ["rv-help", "rv-embed"] {
            if let Some(el) = self.document.get_element_by_id(id)
                && !dom::has_attr(&el, "hidden")
            {
                set_hidden(&el, true);
                closed = true;
            }
        }
        closed
    }

    /// A lasting notice (bad URL values and the like), with a dismiss button.
    fn notice(&mut self, text: &str) {
        let _ = self.add_notice(text, None);
    }

    /// A passing message (a refused command, "link copied"); replaces the previous one.
    fn flash(&mut self, text: &str, error: bool) {
        if let Some(old) = self.document.get_element_by_id("rv-flash") {
            old.remove();
        }
        if self.add_notice(text, Some(error)).is_ok() {
            if let Some(id) = self.flash_timer.take() {
                self.window.clear_timeout_with_handle(id);
            }
            self.flash_timer = self
                .window
                .set_timeout_with_callback_and_timeout_and_arguments_0(
                    self.flash_cb.as_ref().unchecked_ref(),
                    FLASH_MS,
                )
                .ok();
        }
    }

    /// Adds a notice to the bar: a lasting one (`flash` is `None`), or the passing
    /// `#rv-flash`, an error or not.
    fn add_notice(&self, text: &str, flash: Option<bool>) -> Result<(), JsValue> {
        let doc = &self.document;
        let bar = match doc.get_element_by_id(NOTICES_ID) {
            Some(bar) => bar,
            None => {
                let bar = doc.create_element("div")?;
                bar.set_attribute("id", NOTICES_ID)?;
                bar.set_attribute("class", "notices")?;
                self.root.prepend_with_node_1(&bar)?;
                bar
            }
        };
        let notice = doc.create_element("div")?;
        let (class, role) = match flash {
            None => ("notice", "status"),
            Some(false) => ("notice info", "status"),
            Some(true) => ("notice error", "alert"),
        };
        notice.set_attribute("class", class)?;
        notice.set_attribute("role", role)?;
        if flash.is_some() {
            notice.set_attribute("id", "rv-flash")?;
        }
        // The text and its dismiss button in one `innerHTML` write (the text escaped):
        // smaller in the wasm than an element and an attribute at a time.
        notice.set_inner_html(&concat(&[
            "<span>",
            &escape_html(text),
            "</span><button type=\"button\" class=\"dismiss\" data-cmd=\"dismiss\" aria-label=\"",
            self.app.lang().tr("Dismiss"),
            "\">×</button>",
        ]));
        bar.append_child(&notice)?;
        Ok(())
    }

    fn click(&mut self, x: f64, y: f64) {
        self.app.click(Point { x, y });
        self.after_input();
    }

    fn key(&mut self, event: &KeyboardEvent) {
        if event.ctrl_key() || event.meta_key() || event.alt_key() {
            return;
        }
        let key = event.key();
        // Keys go to text boxes and selects; the timeline's slider keeps its arrows
        // but not Space.
        let target = event.target().and_then(|t| t.dyn_into::<Element>().ok());
        let slider = target
            .as_ref()
            .is_some_and(|el| el.get_attribute("type").as_deref() == Some("range"));
        let typing = !(slider && key == " ")
            && target
                .map(|el| el.tag_name())
                .is_some_and(|tag| matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
        if typing {
            if key == "Escape"
                && let Some(el) = self
                    .document
                    .active_element()
                    // `blur` reports its errors: no type check needed (nor its import).
                    .map(|e| e.unchecked_into::<web_sys::HtmlElement>())
            {
                let _ = el.blur();
                self.close_overlays();
            }
            return;
        }
        // Letters in either case.
        let key = if key.len() == 1 {
            key.to_ascii_lowercase()
        } else {
            key
        };
        let cmd = match key.as_str() {
            "s" => "",
            "Escape" => "escape",
            key => match KEYS.iter().find(|(k, _)| *k == key) {
                Some((_, cmd)) => cmd,
                None => return,
            },
        };
        // The page must not scroll on Space or the arrows, nor a focused button click.
        event.prevent_default();
        match cmd {
            "" => {
                if let Some(b) = self.controls.value_box()
                    && self.mode == ControlsMode::All
                {
                    focus_select(b);
                }
            }
            "escape" => {
                if !self.close_overlays() {
                    let _ = self.command(UiCommand::Select {
                        node: None,
                        message: None,
                    });
                }
            }
            // The other keys do what their buttons do: one dispatcher for both.
            cmd => self.perform(cmd, None),
        }
    }
}

/// Builds the app: a shared run when the URL carries one (`a=` and/or `at=`), else a
/// fresh sandbox or tour scene.
fn build_app(opts: &Options, seed: u64, notices: &mut Vec<String>) -> Result<App, String> {
    let lang = opts.lang;
    if opts.scene.is_none() && (opts.actions.is_some() || opts.at_ms.is_some()) {
        let actions = match opts.actions.as_deref() {
            None => Ok(Vec::new()),
            Some(text) => crate::share::decode(text, opts.nodes),
        };
        match actions {
            Ok(actions) => {
                if opts.seed.is_none() && !actions.is_empty() {
                    notices.push(String::from(lang.tr(
                        "a=: a shared run needs its seed; the actions are replayed on a fresh one.",
                    )));
                }
                let fixed = Options {
                    seed: Some(seed),
                    ..opts.clone()
                };
                match App::replayed(&fixed, seed, &actions) {
                    Ok((app, 0)) => return Ok(app),
                    Ok((app, skipped)) => {
                        notices.push(say!(
                            lang,
                            "a=: {0} shared action(s) could not be replayed and were skipped.",
                            skipped
                        ));
                        return Ok(app);
                    }
                    Err(e) => notices.push(concat(&["a=: ", &e.0])),
                }
            }
            Err(e) => notices.push(say!(
                lang,
                "a=: {0}; starting a new run.",
                &e.describe(lang)
            )),
        }
    }
    App::new(opts, seed).map_err(|e| e.0)
}

fn resolve_theme(choice: ThemeChoice, window: &Window) -> &'static Theme {
    match choice {
        ThemeChoice::Light => &LIGHT,
        ThemeChoice::Dark => &DARK,
        ThemeChoice::Auto => {
            if runner::prefers_dark(window) {
                &DARK
            } else {
                &LIGHT
            }
        }
    }
}

/// `data-theme` on `<html>`, so the page's CSS matches the canvas.
fn set_theme_attr(doc: &Document, theme: &Theme) {
    if let Some(html) = doc.document_element() {
        let _ = html.set_attribute("data-theme", if theme.dark { "dark" } else { "light" });
    }
}

fn css_var(window: &Window, el: &Element, name: &str) -> String {
    window
        .get_computed_style(el)
        .ok()
        .flatten()
        .and_then(|s| s.get_property_value(name).ok())
        .map(|v| v.trim().to_owned())
        .unwrap_or_default()
}

fn now(window: &Window) -> f64 {
    window.performance().map_or(0.0, |p| p.now())
}

fn on_frame(timestamp: f64) {
    with_page(|p| p.frame(timestamp));
}

fn on_timeout() {
    with_page(|p| p.runner.timeout_fired());
}

fn on_watch(w: Watch) {
    with_page(|p| p.watch(w));
}

fn target_element(event: &Event) -> Option<Element> {
    event.target()?.dyn_into::<Element>().ok()
}

fn on_click(event: Event) {
    let Some(target) = target_element(&event) else {
        return;
    };
    // A click on an overlay's backdrop closes it.
    // The class attribute, not `classList`: one JS import less.
    if target
        .get_attribute("class")
        .is_some_and(|c| c.split_ascii_whitespace().any(|c| c == "overlay"))
    {
        with_page(|p| p.close_overlays());
        return;
    }
    let Some(el) = target.closest("[data-cmd]").ok().flatten() else {
        return;
    };
    if dom::has_attr(&el, "disabled") {
        return;
    }
    if let Some(cmd) = el.get_attribute("data-cmd") {
        with_page(|p| p.perform(&cmd, Some(&el)));
    }
}

fn on_change(event: Event) {
    on_setting(event, false);
}

fn on_input(event: Event) {
    on_setting(event, true);
}

fn on_copied(_: JsValue) {
    with_page(|p| {
        let m = p.copy_messages.0.clone();
        p.flash(&m, false);
    });
}

fn on_copy_failed(_: JsValue) {
    with_page(|p| {
        let m = p.copy_messages.1.clone();
        p.flash(&m, true);
    });
}

fn on_flash_over() {
    with_page(|p| {
        p.flash_timer = None;
        if let Some(el) = p.document.get_element_by_id("rv-flash") {
            el.remove();
        }
    });
}

fn on_setting(event: Event, live: bool) {
    let Some(el) = target_element(&event).and_then(|t| t.closest("[data-set]").ok().flatten())
    else {
        return;
    };
    if let Some(kind) = el.get_attribute("data-set") {
        with_page(|p| p.setting(&kind, &el, live));
    }
}

fn on_key(event: Event) {
    if let Some(event) = event.dyn_ref::<KeyboardEvent>() {
        with_page(|p| p.key(event));
    }
}

fn on_canvas_click(event: Event) {
    let Some(event) = event.dyn_ref::<MouseEvent>() else {
        return;
    };
    with_page(|p| {
        let rect = dom::css_box(&p.canvas);
        let x = f64::from(event.client_x()) - rect.left();
        let y = f64::from(event.client_y()) - rect.top();
        p.click(x, y);
    });
}

fn api_snapshot() -> Result<JsValue, JsValue> {
    with_page(|p| {
        p.app
            .snapshot()
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(JsValue::from)
    })
    .unwrap_or_else(|| Err(err("raftviz is not running (or is busy)")))
}

fn api_command(value: JsValue) -> Result<bool, JsValue> {
    api::read_command(&value)
        .and_then(|cmd| {
            with_page(|p| p.command(cmd))
                .unwrap_or_else(|| Err(String::from("raftviz is not running (or is busy)")))
        })
        .map_err(|e| err(&concat(&["raftviz.command: ", &e])))?;
    Ok(true)
}

/// A node's id from its name, for tests.
pub fn node_id(name: &str) -> Option<NodeId> {
    with_page(|p| p.app.node_id(name).ok()).flatten()
}
