//! The space-time diagram's side of the app: the window it shows (the tour's step, or
//! the reader's zoom ending at the cursor), the diagram of that window, a click on it,
//! and a selected event checked against the history.

use core::time::Duration;

use crate::diagram::{self, Diagram, Scale, Window};
use crate::layout::Point;
use crate::view::Selection;

use super::App;
use crate::command::CommandError;

impl App {
    /// The diagram's window: in the tour the scene's stretch, unless the reader
    /// zoomed; else the zoom's span ending at the cursor.
    pub fn diagram_window(&self) -> Window {
        let now = self.timeline.world().now();
        match (&self.tour, self.diagram_span) {
            (Some(tour), None) => {
                diagram::window(now, diagram::DEFAULT_SPAN, Some(tour.scene_span()))
            }
            (_, span) => diagram::window(now, span.unwrap_or(diagram::DEFAULT_SPAN), None),
        }
    }

    /// The diagram of its window, read from the history now.
    pub fn diagram(&self) -> Diagram {
        diagram::build(
            self.timeline.world(),
            self.timeline.history(),
            self.diagram_window(),
        )
    }

    /// What the tour's caption names, once its step is shown (the diagram lights it as
    /// the cluster view does).
    pub fn subjects(&self) -> &'static [raft_sim::scene::Subject] {
        match &self.tour {
            Some(tour) if tour.is_done(&self.timeline) => tour.subjects(),
            _ => &[],
        }
    }

    /// Zooms the diagram's time axis by `factor` (above 1: a longer span, zoomed
    /// out), within [`diagram::MIN_SPAN`] and [`diagram::MAX_SPAN`]. The factor comes
    /// from the page's buttons and gestures only; one that is not a positive number
    /// changes nothing.
    pub(super) fn zoom(&mut self, factor: f64) {
        let span = self.diagram_window().span_us() as f64 * factor;
        if span > 0.0 {
            let span = crate::num::clamp(
                span,
                diagram::MIN_SPAN.as_micros() as f64,
                diagram::MAX_SPAN.as_micros() as f64,
            );
            self.diagram_span = Some(Duration::from_micros(span as u64));
        }
    }

    /// A click or tap at `p` on a diagram of `width` × `height`: selects the event,
    /// message or node there, or clears the selection.
    pub fn diagram_click(&mut self, p: Point, width: f64, height: f64) -> Option<Selection> {
        let d = self.diagram();
        let hit = diagram::hit(&d, &Scale::of(&d, width, height), p);
        self.selection = hit;
        self.dirty = true;
        hit
    }

    /// A selection the history can explain: an event must still be in it.
    pub(super) fn check_selection(&self, s: Option<Selection>) -> Result<(), CommandError> {
        match s {
            Some(Selection::Event(seq)) => {
                let h = self.timeline.history();
                let first = h.next_seq() - h.len() as u64;
                if (first..h.next_seq()).contains(&seq) {
                    Ok(())
                } else {
                    Err(CommandError::NoSuchEvent(seq))
                }
            }
            _ => Ok(()),
        }
    }
}
