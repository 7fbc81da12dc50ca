//! The space-time diagram's canvas on the page (`#rv-diagram`): drawn only when what
//! it shows changed (the window, the history, the selection, the spotlight, the size
//! or the theme), at most ten times a second while the run plays (measured: twenty
//! cost 17 ms/s of main thread in the default sandbox); and the
//! pointer gestures on it: a click selects, a drag scrubs the timeline, a pinch or
//! the wheel zooms the time axis.

use raft_sim::raft_core::Instant;
use web_sys::{HtmlCanvasElement, PointerEvent, WheelEvent};

use super::canvas::CanvasPainter;
use crate::app::App;
use crate::command::Command;
use crate::diagram::{self, Scale, Window};
use crate::layout::Point;
use crate::snapshot::DiagramSnapshot;
use crate::theme::Theme;
use crate::view::Selection;

/// Least time between two redraws but after an input, in ms.
const REDRAW_EVERY_MS: f64 = 100.0;
/// How far a pointer may move and still click, in CSS pixels.
const CLICK_SLOP: f64 = 4.0;

/// What the picture on screen shows: redrawn when any of it changes.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Shown {
    window: Window,
    now: Instant,
    records: u64,
    selection: Option<Selection>,
    subjects: usize,
    dark: bool,
    backing: (u64, u64),
}

/// A pointer held down on the diagram.
#[derive(Debug, Clone, Copy)]
struct Press {
    id: i32,
    x: f64,
    y: f64,
    /// The cursor when it went down: a drag seeks from there.
    cursor: Instant,
    moved: bool,
}

/// The diagram's canvas and the gestures on it.
#[derive(Debug)]
pub struct DiagramPane {
    painter: CanvasPainter,
    /// CSS size, measured after layout changes.
    size: Option<(f64, f64)>,
    shown: Option<Shown>,
    last_draw: f64,
    presses: Vec<Press>,
    /// The distance between two fingers, while pinching.
    pinch: Option<f64>,
}

impl DiagramPane {
    /// A pane on `canvas`.
    pub fn new(
        canvas: &HtmlCanvasElement,
        family: &str,
    ) -> Result<DiagramPane, wasm_bindgen::JsValue> {
        Ok(DiagramPane {
            painter: CanvasPainter::new(canvas, family, true)?,
            size: None,
            shown: None,
            last_draw: f64::NEG_INFINITY,
            presses: Vec::new(),
            pinch: None,
        })
    }

    /// The canvas.
    pub fn canvas(&self) -> &HtmlCanvasElement {
        self.painter.canvas()
    }

    /// The layout or the look changed: measure and draw again.
    pub fn remeasure(&mut self) {
        self.size = None;
        self.shown = None;
    }

    /// Changes the font family.
    pub fn set_family(&mut self, family: &str) {
        self.painter.set_family(family);
        self.shown = None;
    }

    /// Its CSS size (measured once after each layout change).
    pub fn size(&mut self) -> (f64, f64) {
        *self.size.get_or_insert_with(|| {
            let rect = self.painter.canvas().get_bounding_client_rect();
            (rect.width(), rect.height())
        })
    }

    /// Draws the diagram if what it shows changed, at most every [`REDRAW_EVERY_MS`]
    /// unless `force` (after an input). Returns whether it drew.
    pub fn update(
        &mut self,
        app: &App,
        theme: &Theme,
        ratio: f64,
        now_ms: f64,
        force: bool,
    ) -> bool {
        let (w, h) = self.size();
        if w < 1.0 || h < 1.0 {
            return false;
        }
        let shown = Shown {
            window: app.diagram_window(),
            now: app.world().now(),
            records: app.timeline().history().next_seq(),
            selection: app.selection(),
            subjects: app.subjects().len(),
            dark: theme.dark,
            backing: ((w * ratio) as u64, (h * ratio) as u64),
        };
        // Playing changes the window and the history on every frame: that waits its
        // turn; an input (a click, a zoom: `force`) or a new size shows at once.
        let throttled = !force && now_ms - self.last_draw < REDRAW_EVERY_MS;
        if self.shown == Some(shown) || (self.shown.is_some() && throttled) {
            return false;
        }
        self.draw(app, theme, ratio, shown, now_ms)
    }

    fn draw(&mut self, app: &App, theme: &Theme, ratio: f64, shown: Shown, now_ms: f64) -> bool {
        let (w, h) = self.size();
        if !self.painter.begin(w, h, ratio) {
            return false;
        }
        let d = app.diagram();
        let scale = Scale::of(&d, w, h);
        diagram::draw::draw(
            &d,
            &scale,
            theme,
            app.selection(),
            app.subjects(),
            app.lang().tr("client"),
            &mut self.painter,
        );
        self.shown = Some(shown);
        self.last_draw = now_ms;
        true
    }

    /// The virtual time, in µs, that `dx` pixels of the diagram stand for now.
    fn duration_of(&mut self, dx: f64, app: &App) -> f64 {
        let (width, height) = self.size();
        let scale = Scale {
            width,
            height,
            window: app.diagram_window(),
            lanes: 1,
        };
        scale.duration_of(dx)
    }

    /// Where the diagram draws things now, for `snapshot().diagram`; `None` while it
    /// is hidden (no size: a phone showing the cluster, or the Diagram box unticked).
    pub fn snapshot(&mut self, app: &App) -> Option<DiagramSnapshot> {
        let (w, h) = self.size();
        let d = app.diagram();
        (w >= 1.0).then(|| DiagramSnapshot::of(&d, &Scale::of(&d, w, h)))
    }

    /// A pointer went down at `(x, y)` on the canvas.
    pub fn down(&mut self, e: &PointerEvent, x: f64, y: f64, app: &App) {
        let _ = self.painter.canvas().set_pointer_capture(e.pointer_id());
        self.presses.retain(|p| p.id != e.pointer_id());
        self.presses.push(Press {
            id: e.pointer_id(),
            x,
            y,
            cursor: app.world().now(),
            moved: false,
        });
        self.pinch = self.finger_gap();
    }

    /// A pointer moved: a drag asks to seek, a pinch to zoom.
    pub fn moved(&mut self, e: &PointerEvent, x: f64, y: f64, app: &App) -> Option<Command> {
        let i = self.presses.iter().position(|p| p.id == e.pointer_id())?;
        if self.presses.len() >= 2 {
            // Two fingers: keep them on the same moments by zooming.
            self.presses[i].x = x;
            self.presses[i].y = y;
            self.presses[i].moved = true;
            let (Some(before), Some(now)) = (self.pinch, self.finger_gap()) else {
                return None;
            };
            self.pinch = Some(now);
            return (now > 1.0).then(|| Command::Zoom(before / now));
        }
        let press = &mut self.presses[i];
        let dx = x - press.x;
        if !press.moved && dx.abs().max((y - press.y).abs()) <= CLICK_SLOP {
            return None;
        }
        press.moved = true;
        // Dragging right pulls earlier moments into view: the cursor goes back.
        let cursor = press.cursor;
        let dt = self.duration_of(dx, app);
        let t = (cursor.as_micros() as f64 - dt).max(0.0);
        Some(Command::Seek(Instant::from_micros(t as u64)))
    }

    /// A pointer went up: a press that did not move is a click, at `(x, y)`.
    pub fn up(&mut self, e: &PointerEvent) -> Option<Point> {
        let i = self.presses.iter().position(|p| p.id == e.pointer_id())?;
        let press = self.presses.remove(i);
        self.pinch = self.finger_gap();
        let lone = self.presses.is_empty() && !press.moved;
        lone.then_some(Point {
            x: press.x,
            y: press.y,
        })
    }

    /// A pointer was cancelled (the browser took the gesture over).
    pub fn cancel(&mut self, e: &PointerEvent) {
        self.presses.retain(|p| p.id != e.pointer_id());
        self.pinch = self.finger_gap();
    }

    fn finger_gap(&self) -> Option<f64> {
        match self.presses.as_slice() {
            [a, b, ..] => Some(Point { x: a.x, y: a.y }.distance(Point { x: b.x, y: b.y })),
            _ => None,
        }
    }

    /// The wheel zooms (a trackpad's pinch comes as the wheel with Ctrl).
    pub fn wheel(e: &WheelEvent) -> Option<Command> {
        // Lines or pages: about 16 or 400 pixels each.
        let unit = match e.delta_mode() {
            1 => 16.0,
            2 => 400.0,
            _ => 1.0,
        };
        let dy = e.delta_y() * unit;
        (dy != 0.0).then(|| Command::Zoom(diagram::wheel_zoom(dy)))
    }
}
