//! The timeline strip behind the scrub bar: 0 to the frontier, coloured by the
//! leader's term, with a mark for each election (top), crash (red line), safety
//! violation (red, top) and client write (bottom). Redrawn only when the history grew
//! or the strip was resized, and at most twice a second.

use raft_sim::history::{History, Record};
use raft_sim::raft_core::{Event, Instant, Role};
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use super::canvas::CanvasPainter;
use crate::app::App;
use crate::layout::Point;
use crate::paint::{Painter, Stroke};
use crate::theme::Theme;

/// One mark on the timeline strip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A node became leader of `term`.
    Elected {
        /// When.
        at: Instant,
        /// The term it leads.
        term: u64,
    },
    /// A node crashed.
    Crash(Instant),
    /// The client sent a new write (not a retry).
    Write(Instant),
    /// The checker found a violation.
    Violation(Instant),
}

impl Mark {
    /// When it happened.
    pub fn at(self) -> Instant {
        match self {
            Mark::Elected { at, .. } | Mark::Crash(at) | Mark::Write(at) | Mark::Violation(at) => {
                at
            }
        }
    }
}

/// The timeline strip's marks, read from the history incrementally.
#[derive(Debug, Default)]
pub struct Marks {
    /// The marks, in time order.
    pub marks: Vec<Mark>,
    /// The first history sequence number not yet read.
    next_seq: u64,
}

impl Marks {
    /// Most marks kept (later ones are not shown; the strip is a few hundred pixels).
    pub const MAX: usize = 20_000;

    /// Reads what the history gained since the last call; starts over when the history
    /// was cut back (a fork) or replaced. Returns whether anything changed.
    pub fn update(&mut self, history: &History) -> bool {
        let next = history.next_seq();
        if next == self.next_seq {
            return false;
        }
        if next < self.next_seq {
            self.clear();
        }
        let from = self.next_seq;
        let fresh: Vec<&raft_sim::Item> =
            history.iter().rev().take_while(|i| i.seq >= from).collect();
        for item in fresh.into_iter().rev() {
            if self.marks.len() >= Self::MAX {
                break;
            }
            let mark = match &item.record {
                Record::Node {
                    event:
                        Event::RoleChanged {
                            to: Role::Leader,
                            term,
                            ..
                        },
                    ..
                } => Mark::Elected {
                    at: item.at,
                    term: term.0,
                },
                Record::Crashed(_) => Mark::Crash(item.at),
                Record::ClientSent { retry: false, .. } => Mark::Write(item.at),
                Record::Violation(_) => Mark::Violation(item.at),
                _ => continue,
            };
            self.marks.push(mark);
        }
        self.next_seq = next;
        true
    }

    /// Forgets everything (a new run).
    pub fn clear(&mut self) {
        self.marks.clear();
        self.next_seq = 0;
    }
}

/// Least time between two redraws while the history grows, in ms.
const REDRAW_EVERY_MS: f64 = 500.0;

/// The strip's canvas and what it shows.
#[derive(Debug)]
pub struct Strip {
    painter: CanvasPainter,
    marks: Marks,
    /// CSS size, measured on start and after resizes.
    size: Option<(f64, f64)>,
    /// `(frontier µs, marks, dark, width)` of the picture on screen.
    drawn: Option<(u64, usize, bool, u64)>,
    last_draw: f64,
}

impl Strip {
    /// A strip on `canvas`.
    pub fn new(canvas: &HtmlCanvasElement, family: &str) -> Result<Strip, JsValue> {
        Ok(Strip {
            painter: CanvasPainter::new(canvas, family, false)?,
            marks: Marks::default(),
            size: None,
            drawn: None,
            last_draw: f64::NEG_INFINITY,
        })
    }

    /// The layout changed: measure again before the next drawing.
    pub fn remeasure(&mut self) {
        self.size = None;
        self.drawn = None;
    }

    /// A new run: forget the marks.
    pub fn reset(&mut self) {
        self.marks.clear();
        self.drawn = None;
    }

    /// Redraws if the history grew (throttled unless `force`).
    pub fn update(&mut self, app: &App, theme: &Theme, ratio: f64, now_ms: f64, force: bool) {
        let grew = self.marks.update(app.timeline().history());
        if !force && grew && now_ms - self.last_draw < REDRAW_EVERY_MS && self.drawn.is_some() {
            return;
        }
        let (w, h) = match self.size {
            Some(s) => s,
            None => {
                let rect = self.painter.canvas().get_bounding_client_rect();
                let s = (rect.width(), rect.height());
                self.size = Some(s);
                s
            }
        };
        let frontier = app.timeline().frontier().as_micros();
        let key = (
            frontier,
            self.marks.marks.len(),
            theme.dark,
            (w * ratio) as u64,
        );
        if self.drawn == Some(key) {
            return;
        }
        if !self.painter.begin(w, h, ratio) {
            return;
        }
        self.drawn = Some(key);
        self.last_draw = now_ms;
        draw(&self.marks.marks, frontier, w, h, theme, &mut self.painter);
    }
}

fn draw(marks: &[Mark], frontier_us: u64, w: f64, h: f64, theme: &Theme, p: &mut impl Painter) {
    p.clear(theme.background);
    let span = frontier_us.max(1) as f64;
    let x = |m: Mark| crate::num::clamp(m.at().as_micros() as f64 / span * w, 0.0, w);
    let bar_top = h * 0.3;
    let bar_h = h * 0.4;
    p.rect(
        Point { x: 0.0, y: bar_top },
        w,
        bar_h,
        0.0,
        Some(theme.faint),
        None,
    );
    // Term bands: from each election to the next one.
    let elections: Vec<(f64, u64)> = marks
        .iter()
        .filter_map(|&m| match m {
            Mark::Elected { term, .. } => Some((x(m), term)),
            _ => None,
        })
        .collect();
    for (i, &(x0, term)) in elections.iter().enumerate() {
        let x1 = elections.get(i + 1).map_or(w, |e| e.0);
        p.rect(
            Point { x: x0, y: bar_top },
            (x1 - x0).max(1.0),
            bar_h,
            0.0,
            Some(theme.term(term)),
            None,
        );
    }
    let mut last_x = [f64::NEG_INFINITY; 4];
    for &m in marks {
        let mx = x(m);
        let slot = match m {
            Mark::Elected { .. } => 0,
            Mark::Crash(_) => 1,
            Mark::Write(_) => 2,
            Mark::Violation(_) => 3,
        };
        // One mark per pixel and kind is enough.
        let Some(last) = last_x.get_mut(slot) else {
            continue;
        };
        if mx - *last < 1.0 {
            continue;
        }
        *last = mx;
        match m {
            Mark::Elected { .. } => p.line(
                Point { x: mx, y: 0.0 },
                Point {
                    x: mx,
                    y: bar_top + bar_h,
                },
                Stroke::solid(theme.node_border, 1.5),
            ),
            Mark::Crash(_) => p.line(
                Point { x: mx, y: 0.0 },
                Point { x: mx, y: h },
                Stroke::solid(theme.bad, 1.5),
            ),
            Mark::Write(_) => p.rect(
                Point {
                    x: mx - 1.5,
                    y: h - 4.0,
                },
                3.0,
                4.0,
                0.0,
                Some(theme.client),
                None,
            ),
            Mark::Violation(_) => p.polygon(
                &[
                    Point {
                        x: mx - 4.0,
                        y: 0.0,
                    },
                    Point {
                        x: mx + 4.0,
                        y: 0.0,
                    },
                    Point { x: mx, y: 6.0 },
                ],
                Some(theme.bad),
                None,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::command::Command;
    use crate::options::Options;

    /// Plays `ms` of real time at speed 1 in 16 ms frames.
    fn play(app: &mut App, ms: u32) {
        for _ in 0..ms / 16 {
            app.tick(16.0);
        }
    }

    fn options(seed: u64, nodes: usize) -> Options {
        Options {
            seed: Some(seed),
            nodes,
            speed: 1.0,
            ..Options::default()
        }
    }

    #[wasm_bindgen_test]
    fn marks_follow_the_history_and_start_over_on_a_new_run() {
        let mut app = App::new(&options(5, 5), 0).expect("app");
        let mut marks = Marks::default();
        play(&mut app, 1_000);
        assert!(marks.update(app.timeline().history()));
        assert!(
            marks
                .marks
                .iter()
                .any(|m| matches!(m, Mark::Elected { .. }))
        );
        assert!(!marks.update(app.timeline().history()), "nothing new");
        app.command(Command::Crash(raft_sim::raft_core::NodeId(0)))
            .expect("crash");
        marks.update(app.timeline().history());
        assert!(matches!(marks.marks.last(), Some(Mark::Crash(_))));
        app.command(Command::Seed(6)).expect("reset");
        marks.update(app.timeline().history());
        assert!(marks.marks.is_empty(), "{:?}", marks.marks);
        assert!(marks.marks.windows(2).all(|w| w[0].at() <= w[1].at()));
    }
}
