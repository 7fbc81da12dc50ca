//! The page's state: the [`App`], the canvas and its painter, the controls, the loop,
//! and every listener, observer and callback the page registered (each removed when
//! the page is dropped). Built by [`Page::new`], wired by [`Page::wire`]; the event
//! callbacks (`events.rs`) reach it through `with_page`.

use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Event, HtmlCanvasElement, Window};

use super::api::Api;
use super::canvas::CanvasPainter;
use super::controls::Controls;
use super::diagram::DiagramPane;
use super::dom::{self, Listener, concat, err, find, get};
use super::events;
use super::links::Clipboard;
use super::notices::Notices;
use super::rule_panel::RulePanel;
use super::runner::{Runner, Watch, Watchers, matches_media, pixel_ratio};
use super::tour_card::TourCard;
use crate::app::App;
use crate::command::{Command, CommandError, Outcome};
use crate::lang::{Book, Lang};
use crate::layout::Point;
use crate::narrate::text::say;
use crate::options::{self, Controls as ControlsMode, ThemeChoice};
use crate::theme::{DARK, LIGHT, Theme};
use crate::tour;

/// The id of the canvas in `index.html`.
pub const CANVAS_ID: &str = "raft-canvas";

/// The page: the app, the canvas, the loop and every listener.
pub struct Page {
    pub(super) window: Window,
    pub(super) document: Document,
    root: Element,
    pub(super) app: App,
    pub(super) canvas: HtmlCanvasElement,
    container: Element,
    painter: CanvasPainter,
    pub(super) theme: &'static Theme,
    theme_choice: ThemeChoice,
    pub(super) mode: ControlsMode,
    pub(super) size: (f64, f64),
    ratio: f64,
    /// The space-time diagram, on pages with every control.
    pub(super) diagram: Option<DiagramPane>,
    /// The rule panel: why the selection happened, over Figure 2.
    rule_panel: Option<RulePanel>,
    pub(super) controls: Controls,
    /// The tour's card (and the sandbox's task), if the page has one.
    tour_card: Option<TourCard>,
    /// Where a touch began on the canvas, for swipes between the tour's steps.
    pub(super) touch_start: Option<(f64, f64)>,
    /// The tour step the address bar names (scene index, step).
    pub(super) reflected: Option<(usize, usize)>,
    /// Notices from the start, shown once the page is wired.
    pending_notices: Vec<String>,
    pub(super) notices: Notices,
    pub(super) runner: Runner,
    watchers: Option<Watchers>,
    listeners: Vec<Listener>,
    api: Option<Api>,
    /// Whether a frame has brought every control up to date yet.
    synced: bool,
    /// Whether the appendix (the captions beyond the article) has been asked for.
    appendix_asked: bool,
    pub(super) clipboard: Clipboard,
    /// Tells why the takeaway module failed (a picture's promise rejected).
    pub(super) takeaway_failed: Closure<dyn FnMut(JsValue)>,
}

impl core::fmt::Debug for Page {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Page")
            .field("runner", &self.runner)
            .finish()
    }
}

impl Page {
    /// Builds the page's state from the URL's query (no listeners yet).
    pub fn new(query: &str) -> Result<Page, JsValue> {
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
            None => super::fresh_seed().unwrap_or_else(|e| {
                notices.push(say!(lang, "{0}; using seed 1.", &e));
                1
            }),
        };
        let app = crate::share::open(&opts, seed, &mut notices).map_err(|e| {
            err(&concat(&[
                "the simulation could not be set up: ",
                &e.describe(lang),
            ]))
        })?;

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
        let tour_card = if mode == ControlsMode::None {
            None
        } else {
            TourCard::bind(&document, &root)?
        };
        let diagram = match find::<HtmlCanvasElement>(&document, "rv-diagram") {
            Some(c) if mode == ControlsMode::All => Some(DiagramPane::new(&c, &family)?),
            _ => None,
        };
        let rule_panel = (mode == ControlsMode::All)
            .then(|| RulePanel::bind(&document))
            .flatten();
        let runner = Runner::new(&window, events::on_frame, events::on_timeout);
        let notices_bar = Notices::new(&window, &document, &root, events::on_flash_over);
        let clipboard = Clipboard::new(events::on_copied, events::on_copy_failed);
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
            diagram,
            rule_panel,
            controls,
            tour_card,
            touch_start: None,
            reflected: None,
            pending_notices: notices,
            notices: notices_bar,
            runner,
            watchers: None,
            listeners: Vec::new(),
            api: None,
            synced: false,
            appendix_asked: false,
            clipboard,
            takeaway_failed: Closure::<dyn FnMut(JsValue)>::new(events::on_takeaway_failed),
        })
    }

    /// Listeners, observers, the JS API and the first frame.
    pub fn wire(&mut self) -> Result<(), JsValue> {
        for n in core::mem::take(&mut self.pending_notices) {
            self.notice(&n);
        }
        // Size now, so the first frame is drawn at once (the observer reports later).
        // The canvas fills its container's content box: measure the canvas itself.
        // The first picture and the controls are drawn by the first animation frame,
        // which is requested below: the start returns to the browser sooner.
        let rect = self.canvas.get_bounding_client_rect();
        self.resized(rect.width(), rect.height());

        // The loop runs while the cluster or the diagram is in view: on a phone the
        // diagram's tab hides the cluster, so the box around both is what is watched.
        let views = find::<Element>(&self.document, "rv-views")
            .unwrap_or_else(|| self.canvas.clone().into());
        self.watchers = Some(Watchers::new(
            &self.window,
            &self.document,
            &views,
            &self.container,
            self.theme_choice == ThemeChoice::Auto,
            events::on_watch,
        )?);
        let doc: &web_sys::EventTarget = &self.document;
        let root: &web_sys::EventTarget = &self.root;
        self.listeners = vec![
            // All `fn(Event)`: one closure type for the five.
            Listener::new(root, "click", events::on_click as fn(Event))?,
            Listener::new(root, "change", events::on_change as fn(Event))?,
            Listener::new(root, "input", events::on_input as fn(Event))?,
            Listener::new(doc, "keydown", events::on_key as fn(Event))?,
            Listener::new(&self.canvas, "click", events::on_canvas_click as fn(Event))?,
            Listener::new(&self.canvas, "pointerdown", events::on_pointer as fn(Event))?,
            Listener::new(&self.canvas, "pointerup", events::on_pointer as fn(Event))?,
        ];
        if let Some(panel) = &self.rule_panel {
            self.listeners.push(Listener::new(
                panel.figure(),
                "toggle",
                events::on_figure_2_toggle as fn(Event),
            )?);
        }
        if let Some(pane) = &self.diagram {
            let target: &web_sys::EventTarget = pane.canvas();
            for kind in ["pointerdown", "pointermove", "pointerup", "pointercancel"] {
                self.listeners.push(Listener::new(
                    target,
                    kind,
                    events::on_diagram_pointer as fn(Event),
                )?);
            }
            self.listeners.push(Listener::new(
                target,
                "wheel",
                events::on_diagram_wheel as fn(Event),
            )?);
        }
        self.api = Some(Api::install(
            &self.window,
            events::api_snapshot,
            events::api_command,
            events::api_scenes,
        )?);
        self.runner.set_hidden(self.document.hidden());
        self.runner.wake();
        Ok(())
    }

    /// One animation frame.
    pub fn frame(&mut self, timestamp: f64) {
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
        self.sync_diagram(timestamp, force);
        self.sync_card();
        self.reflect_tour();
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
        if let Some(d) = self.diagram.as_mut() {
            d.remeasure();
        }
        self.runner.wake();
    }

    /// What a watcher saw.
    pub fn watch(&mut self, w: Watch) {
        match w {
            Watch::Hidden(h) => self.runner.set_hidden(h),
            Watch::Offscreen(o) => self.runner.set_offscreen(o),
            Watch::Resized(w, h) => self.resized(w, h),
            Watch::PixelRatio => {
                self.ratio = pixel_ratio(&self.window);
                if let Some(w) = self.watchers.as_mut() {
                    w.follow_ratio(&self.window);
                }
                self.restyled();
            }
            Watch::DarkScheme(dark) => {
                if self.theme_choice == ThemeChoice::Auto {
                    self.theme = if dark { &DARK } else { &LIGHT };
                    set_theme_attr(&self.document, self.theme);
                    let family = css_var(&self.window, &self.canvas, "--canvas-font");
                    self.painter.set_family(&family);
                    if let Some(d) = self.diagram.as_mut() {
                        d.set_family(&family);
                    }
                    self.restyled();
                }
            }
        }
    }

    /// The look changed (pixel ratio, theme): everything is drawn again.
    fn restyled(&mut self) {
        self.app.invalidate();
        self.controls.resized();
        if let Some(d) = self.diagram.as_mut() {
            d.remeasure();
        }
        self.after_input();
    }

    /// After any input: every control up to date, and a frame soon.
    pub fn after_input(&mut self) {
        let now = self.window.performance().map_or(0.0, |p| p.now());
        self.controls
            .sync(&self.app, self.theme, self.ratio, now, true);
        self.sync_diagram(now, true);
        self.sync_card();
        self.runner.wake();
    }

    /// Draws the diagram if what it shows changed, and brings the rule panel up to
    /// date.
    fn sync_diagram(&mut self, now_ms: f64, force: bool) {
        if let Some(d) = self.diagram.as_mut()
            && d.update(&self.app, self.theme, self.ratio, now_ms, force)
        {
            self.runner.drew();
        }
        if let Some(panel) = self.rule_panel.as_mut() {
            panel.sync(&self.document, &self.app);
        }
    }

    /// Figure 2's text has arrived: its lines are written and the rule in use marked.
    pub fn figure_2_arrived(&mut self) {
        if let Some(panel) = self.rule_panel.as_mut() {
            panel.fill(&self.document, self.app.lang());
        }
        self.after_input();
    }

    /// Figure 2's box opened or closed.
    pub fn figure_2_toggled(&mut self) {
        if let Some(panel) = self.rule_panel.as_ref() {
            panel.opened();
        }
    }

    /// A click or tap on the diagram at `p` (CSS pixels from its corner).
    pub fn diagram_click(&mut self, p: Point) {
        if let Some(pane) = self.diagram.as_mut() {
            let (w, h) = pane.size();
            self.app.diagram_click(p, w, h);
        }
        self.after_input();
    }

    /// Brings the tour's card up to date, first asking for the appendix if the scene's
    /// captions are there (with or without a card: `snapshot()` tells them too). They
    /// show once it has arrived.
    fn sync_card(&mut self) {
        if !self.appendix_asked
            && !Book::Appendix.installed()
            && self
                .app
                .tour()
                .is_some_and(|t| tour::needs_appendix(t.scene()))
        {
            self.appendix_asked = true;
            super::catalogue::load(Book::Appendix, |outcome| {
                super::with_page(|p| match outcome {
                    Ok(()) => p.relabel(),
                    Err(m) => p.notice(&m),
                });
            });
        }
        if let Some(card) = self.tour_card.as_mut() {
            card.sync(&self.document, &self.app);
        }
    }

    /// Writes every text again, once a catalogue has arrived.
    fn relabel(&mut self) {
        self.controls.relabel(self.app.lang());
        if let Some(card) = self.tour_card.as_mut() {
            card.relabel();
        }
        self.app.invalidate();
        self.after_input();
    }

    /// Carries out a command (from a control, a key or the JS API); a refusal is
    /// returned in the reader's language.
    pub fn command(&mut self, cmd: Command) -> Result<(), String> {
        let result = self.app.command(cmd);
        match result {
            Ok(Outcome::NewRun) => self.controls.new_run(),
            Ok(Outcome::NewLang) => self.language_changed(),
            Ok(Outcome::Done | Outcome::Moved) | Err(_) => {}
        }
        self.after_input();
        result.map(drop).map_err(|e| self.describe(&e))
    }

    /// A refusal in the reader's language.
    pub fn describe(&self, e: &CommandError) -> String {
        e.describe(self.app.lang())
    }

    /// The labels follow the app's language; Chinese is shown in English until its
    /// text has arrived, then relabelled.
    fn language_changed(&mut self) {
        let lang = self.app.lang();
        if lang == Lang::Zh && !Book::Chinese.installed() {
            super::catalogue::load(Book::Chinese, |outcome| {
                super::with_page(|p| match outcome {
                    Ok(()) => p.relabel(),
                    Err(m) => p.notice(&m),
                });
            });
        }
        self.controls.set_lang(lang);
    }

    /// A click or tap on the canvas at `(x, y)` CSS pixels from its corner.
    pub fn click(&mut self, x: f64, y: f64) {
        self.app.click(Point { x, y });
        self.after_input();
    }

    /// A touch or pen went down (`down`) or up at `(x, y)` on the canvas: in the tour,
    /// a horizontal swipe goes to the next step (leftwards) or the previous one.
    pub fn pointer(&mut self, x: f64, y: f64, down: bool) {
        if down {
            self.touch_start = Some((x, y));
            return;
        }
        let Some((x0, y0)) = self.touch_start.take() else {
            return;
        };
        let (dx, dy) = (x - x0, y - y0);
        if self.app.tour().is_some() && dx.abs() > 40.0 && dx.abs() > 2.0 * dy.abs() {
            let cmd = if dx < 0.0 {
                Command::Next
            } else {
                Command::Prev
            };
            if let Err(e) = self.command(cmd) {
                self.flash(&e, true);
            }
        }
    }

    /// A lasting notice.
    pub fn notice(&self, text: &str) {
        self.notices.notice(text, self.app.lang());
    }

    /// A passing message.
    pub fn flash(&mut self, text: &str, error: bool) {
        let lang = self.app.lang();
        self.notices.flash(text, error, lang);
    }
}

/// Whether the query names `key` at all (`autoplay=1` must be explicit to override
/// `prefers-reduced-motion`).
fn query_has(query: &str, key: &str) -> bool {
    query
        .trim_start_matches('?')
        .split('&')
        .any(|p| crate::share::percent_decode(p.split('=').next().unwrap_or("")) == key)
}

fn resolve_theme(choice: ThemeChoice, window: &Window) -> &'static Theme {
    match choice {
        ThemeChoice::Light => &LIGHT,
        ThemeChoice::Dark => &DARK,
        ThemeChoice::Auto => {
            if super::runner::prefers_dark(window) {
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

/// A CSS custom property of `el`, trimmed (empty when unset).
pub(super) fn css_var(window: &Window, el: &Element, name: &str) -> String {
    window
        .get_computed_style(el)
        .ok()
        .flatten()
        .and_then(|s| s.get_property_value(name).ok())
        .map(|v| v.trim().to_owned())
        .unwrap_or_default()
}
