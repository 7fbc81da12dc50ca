//! The guided tour: which scene and step the reader is at, and playing a step at the
//! tour's pace. Plain Rust on a [`Timeline`]; [`App`](crate::app::App) owns one
//! `Tour` while the reader is in the tour.
//!
//! A step is a caption plus the moment the protocol reached its waypoint
//! ([`SceneRun::moment`]). Step `i` (from 0) *plays* from the moment of step `i - 1`
//! (time 0 for the first) to its own moment, and *shows* at its own moment. Going
//! there is [`Timeline::seek_moment`]: exact, forward or back, so Back restores the
//! very state first seen at a step.

use raft_sim::raft_core::Instant;
use raft_sim::scene::{self, Fill, Moment, Scene, SceneRun, Subject, Task, Text, Waypoint};
use raft_sim::{Timeline, World};

use crate::lang::{Book, Lang};
use crate::narrate::text::{Arg, render};

/// The slowest the tour plays: virtual time per real time (1/15, the sandbox's
/// default speed: a 150 ms timeout takes 2.25 s to watch).
pub const TOUR_PACE: f64 = 1.0 / 15.0;

/// The longest a step takes to play, in real ms: a long quiet stretch (a crashed
/// leader's followers waiting out their timeouts) plays faster than [`TOUR_PACE`].
pub const LONGEST_STEP_MS: f64 = 6_000.0;

/// The tour's scenes in order, as built once for the menu (ids, titles, steps).
pub fn scenes() -> Vec<Scene> {
    scene::all()
}

/// Where a scene stands in the tour's order.
pub fn index_of(id: &str) -> Option<usize> {
    scene::ids().position(|s| s == id)
}

/// The id of the scene at `index` in the tour's order.
pub fn id_at(index: usize) -> Option<&'static str> {
    scene::ids().nth(index)
}

/// How many scenes the tour has.
pub fn scene_count() -> usize {
    scene::ids().len()
}

/// A scene's text in English: compiled in, or the appendix's entry `scene/item` (see
/// [`Text::Appendix`]), which is empty until the appendix has arrived.
pub fn english(scene: &str, item: &str, text: Text) -> &'static str {
    text.inline().unwrap_or_else(|| {
        let mut key = String::from(scene);
        key.push('/');
        key.push_str(item);
        Book::Appendix.get(&key).unwrap_or_default()
    })
}

/// Whether a scene's text is in the appendix, which the page must fetch to tell it.
pub fn needs_appendix(scene: &Scene) -> bool {
    scene.waypoints.iter().any(|w| w.en == Text::Appendix)
        || scene.task.is_some_and(|t| t.en == Text::Appendix)
}

/// The reader's place in the tour.
#[derive(Debug, Clone)]
pub struct Tour {
    run: SceneRun,
    /// The scene's place in the tour's order.
    index: usize,
    /// The step shown or playing (from 0).
    step: usize,
    /// While the step plays: its end and the pace.
    playing: Option<(Moment, f64)>,
    /// Virtual microseconds owed to the clock while playing.
    owed_us: f64,
}

impl Tour {
    /// The tour on `run` (the scene at `index` in the tour's order), at no step yet:
    /// call [`Tour::show`] or [`Tour::play`].
    pub fn new(run: SceneRun, index: usize) -> Tour {
        Tour {
            run,
            index,
            step: 0,
            playing: None,
            owed_us: 0.0,
        }
    }

    /// The scene and the moments of its steps.
    pub fn run(&self) -> &SceneRun {
        &self.run
    }

    /// The scene.
    pub fn scene(&self) -> &Scene {
        self.run.scene()
    }

    /// The scene's place in the tour's order.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The step shown, or playing (from 0).
    pub fn step(&self) -> usize {
        self.step
    }

    /// How many steps the scene has (its reached waypoints).
    pub fn steps(&self) -> usize {
        self.run.reached().count()
    }

    /// Whether a step is playing.
    pub fn is_playing(&self) -> bool {
        self.playing.is_some()
    }

    /// The current step's waypoint.
    pub fn waypoint(&self) -> Option<&Waypoint> {
        self.scene().waypoints.get(self.step)
    }

    /// What the current step's caption talks about.
    pub fn subjects(&self) -> &'static [Subject] {
        self.waypoint().map_or(&[], |w| w.subjects)
    }

    /// The current step's caption in `lang`, its numbers from the run.
    pub fn caption(&self, lang: Lang) -> String {
        let Some(w) = self.waypoint() else {
            return String::new();
        };
        let args: Vec<Arg<'_>> = self
            .run
            .fill(self.step)
            .iter()
            .map(|f| match *f {
                Fill::Num(n) => Arg::Int(n),
                Fill::Node(id) => Arg::Node(id),
            })
            .collect();
        render(lang.tr(english(self.scene().id, w.id, w.en)), &args)
    }

    /// The current step's stretch of virtual time: from the previous step's moment (or
    /// the start) to its own. A figure's scrubber spans it.
    pub fn span(&self) -> (Instant, Instant) {
        let start = self.start_of(self.step).at;
        let end = self.run.moment(self.step).map_or(start, |m| m.at);
        (start, end)
    }

    /// The whole scene's stretch of virtual time: from the start to its last step's
    /// moment. The space-time diagram spans it, so its axis stays put from step to
    /// step while the steps fill it in.
    pub fn scene_span(&self) -> (Instant, Instant) {
        let last = self.steps().checked_sub(1).and_then(|i| self.run.moment(i));
        (Instant::ZERO, last.map_or(Instant::ZERO, |m| m.at))
    }

    /// Where step `i` plays from: the previous step's moment, or the start.
    fn start_of(&self, i: usize) -> Moment {
        i.checked_sub(1)
            .and_then(|p| self.run.moment(p))
            .unwrap_or(Moment {
                at: Instant::ZERO,
                steps: 0,
            })
    }

    /// Shows step `i` (clamped to the last), at once and paused.
    pub fn show(&mut self, timeline: &mut Timeline, i: usize) {
        self.step = i.min(self.steps().saturating_sub(1));
        self.playing = None;
        if let Some(m) = self.run.moment(self.step) {
            timeline.seek_moment(m.at, m.steps);
        }
    }

    /// Plays step `i` (clamped to the last) from the previous step's moment.
    pub fn play(&mut self, timeline: &mut Timeline, i: usize) {
        self.step = i.min(self.steps().saturating_sub(1));
        let from = self.start_of(self.step);
        timeline.seek_moment(from.at, from.steps);
        self.play_on(timeline);
    }

    /// Plays on from the cursor to the current step's moment.
    fn play_on(&mut self, timeline: &Timeline) {
        let Some(end) = self.run.moment(self.step) else {
            return;
        };
        let gap_ms = end
            .at
            .as_micros()
            .saturating_sub(timeline.now().as_micros()) as f64
            / 1e3;
        let pace = TOUR_PACE.max(gap_ms / LONGEST_STEP_MS);
        self.playing = Some((end, pace));
        self.owed_us = 0.0;
    }

    /// Pauses where the cursor is (between two steps' moments, say).
    pub fn pause(&mut self) {
        self.playing = None;
    }

    /// Plays on to the current step if paused before it; else plays the next step.
    /// Returns false at the scene's last step, shown (nothing to play).
    pub fn resume_or_next(&mut self, timeline: &mut Timeline) -> bool {
        let at_step = self
            .run
            .moment(self.step)
            .is_some_and(|m| Moment::of(timeline.world()) >= m);
        if !at_step {
            self.play_on(timeline);
            true
        } else if self.step + 1 < self.steps() {
            let next = self.step + 1;
            self.play(timeline, next);
            true
        } else {
            false
        }
    }

    /// Whether the current step is shown exactly at its moment (not playing toward
    /// it, not scrubbed away from it).
    pub fn is_done(&self, timeline: &Timeline) -> bool {
        self.playing.is_none() && self.run.moment(self.step) == Some(Moment::of(timeline.world()))
    }

    /// After the reader moved the cursor by other means (the scrubber, one event):
    /// the step is the last one passed, paused.
    pub fn follow(&mut self, timeline: &Timeline) {
        self.playing = None;
        self.step = self.run.passed(timeline.world()).saturating_sub(1);
    }

    /// Advances a playing step by `wall_ms` of real time; stops exactly at the step's
    /// moment. Returns whether the cursor moved.
    pub fn tick(&mut self, timeline: &mut Timeline, wall_ms: f64) -> bool {
        let Some((end, pace)) = self.playing else {
            return false;
        };
        if !(wall_ms.is_finite() && wall_ms > 0.0) {
            return false;
        }
        self.owed_us += wall_ms.min(250.0) * 1_000.0 * pace;
        let whole = self.owed_us.floor();
        if whole < 1.0 {
            return false;
        }
        self.owed_us -= whole;
        let target = timeline
            .now()
            .after(core::time::Duration::from_micros(whole as u64));
        if target >= end.at {
            timeline.seek_moment(end.at, end.steps);
            self.playing = None;
        } else {
            timeline.advance_to(target);
        }
        true
    }
}

/// A scene's task, taken into the sandbox by "try it yourself": done once its
/// predicate holds (and done it stays, as a ticked box does).
#[derive(Debug, Clone)]
pub struct TaskRun {
    task: Task,
    /// The id of the scene it comes from.
    scene: &'static str,
    /// The world when the reader left the tour.
    start: World,
    done: bool,
}

impl TaskRun {
    /// `task`, of the scene `scene`, starting from `start`.
    pub fn new(task: Task, scene: &'static str, start: &World) -> TaskRun {
        TaskRun {
            task,
            scene,
            start: start.snapshot(),
            done: false,
        }
    }

    /// What to do, in English.
    pub fn text_en(&self) -> &'static str {
        english(self.scene, "task", self.task.en)
    }

    /// Whether it is done.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Checks the task against the world at the cursor.
    pub fn check(&mut self, now: &World) {
        if !self.done {
            self.done = (self.task.done)(&self.start, now);
        }
    }
}
