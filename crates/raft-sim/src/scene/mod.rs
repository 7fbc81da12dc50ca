//! Scripted scenes for the tour: a setup, timed interventions (cues), and waypoints
//! that name states the narration waits for.
//!
//! A scene never draws a state the protocol did not reach: cues only do what a user
//! could do (set a timer, a link's latency, a partition, a client command), and each
//! waypoint is a predicate on the world that the protocol itself must make true.

use alloc::vec::Vec;
use core::time::Duration;

use raft_core::Instant;

use crate::action::Action;
use crate::timeline::Timeline;
use crate::world::{Setup, SetupError, World};

/// An intervention at a fixed virtual time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cue {
    /// When.
    pub at: Instant,
    /// What.
    pub action: Action,
}

/// A named state the narration waits for.
#[derive(Clone, Copy, Debug)]
pub struct Waypoint {
    /// Stable id, e.g. `"candidates"`.
    pub id: &'static str,
    /// Caption, in English. Its Chinese (the article's language) is the front end's
    /// business: raft-viz's catalogue `www/zh.txt`, keyed by this text.
    pub en: &'static str,
    /// Whether the world has reached it.
    pub reached: fn(&World) -> bool,
}

/// A scripted scene.
#[derive(Clone, Debug)]
pub struct Scene {
    /// Deep-link id (`?scene=...`).
    pub id: &'static str,
    /// Title, in English (translated like the captions).
    pub title_en: &'static str,
    /// Nodes, seed and settings.
    pub setup: Setup,
    /// Interventions, in time order.
    pub cues: Vec<Cue>,
    /// States to reach, in order.
    pub waypoints: Vec<Waypoint>,
}

/// A scene being played: its progress through cues and waypoints. The timeline it
/// drives is owned by the caller, so that leaving the tour ("try it yourself") simply
/// drops the script and keeps the world.
#[derive(Clone, Debug)]
pub struct SceneRun {
    scene: Scene,
    next_cue: usize,
    /// When each waypoint was reached, in order.
    reached: Vec<Instant>,
}

impl SceneRun {
    /// Starts a scene at time 0, with the timeline it drives.
    pub fn new(scene: Scene) -> Result<(SceneRun, Timeline), SetupError> {
        let timeline = Timeline::new(&scene.setup)?;
        let mut run = SceneRun {
            scene,
            next_cue: 0,
            reached: Vec::new(),
        };
        run.check_waypoints(&timeline);
        Ok((run, timeline))
    }

    /// The scene.
    #[must_use]
    pub fn scene(&self) -> &Scene {
        &self.scene
    }

    /// Waypoints reached so far, with their times.
    pub fn reached(&self) -> impl Iterator<Item = (&Waypoint, Instant)> + '_ {
        self.scene
            .waypoints
            .iter()
            .zip(self.reached.iter().copied())
    }

    /// The last waypoint reached, if any: the caption to show.
    #[must_use]
    pub fn current_waypoint(&self) -> Option<&Waypoint> {
        self.reached
            .len()
            .checked_sub(1)
            .and_then(|i| self.scene.waypoints.get(i))
    }

    /// The next waypoint the narration waits for.
    #[must_use]
    pub fn next_waypoint(&self) -> Option<&Waypoint> {
        self.scene.waypoints.get(self.reached.len())
    }

    /// Whether every waypoint was reached.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.reached.len() == self.scene.waypoints.len()
    }

    /// Plays `timeline` forward to `t`, applying cues on time and noting waypoints,
    /// event by event.
    pub fn advance_to(&mut self, timeline: &mut Timeline, t: Instant) {
        loop {
            let cue_at = self.scene.cues.get(self.next_cue).map(|c| c.at);
            let event_at = timeline.world().next_event_time();
            let next = match (cue_at, event_at) {
                (Some(c), Some(e)) => c.min(e),
                (c, e) => match c.or(e) {
                    Some(x) => x,
                    None => break,
                },
            };
            if next > t {
                break;
            }
            if cue_at == Some(next) {
                let cue = self.scene.cues[self.next_cue].clone();
                timeline.advance_to(cue.at);
                // A cue that cannot apply (e.g. a timer on a node that became leader)
                // is skipped; waypoints decide whether the scene still works.
                let _ = timeline.act(cue.action);
                self.next_cue += 1;
            } else {
                timeline.step_forward();
            }
            self.check_waypoints(timeline);
        }
        timeline.advance_to(t);
        self.check_waypoints(timeline);
    }

    /// Plays until the next waypoint is reached or `limit` of virtual time passes;
    /// returns when it was reached.
    pub fn run_to_next_waypoint(
        &mut self,
        timeline: &mut Timeline,
        limit: Duration,
    ) -> Option<Instant> {
        let want = self.reached.len() + 1;
        let end = timeline.now().after(limit);
        let step = Duration::from_millis(1);
        while self.reached.len() < want && timeline.now() < end {
            let t = timeline.now().after(step);
            self.advance_to(timeline, t);
        }
        self.reached.get(want - 1).copied()
    }

    fn check_waypoints(&mut self, timeline: &Timeline) {
        while let Some(w) = self.scene.waypoints.get(self.reached.len()) {
            if (w.reached)(timeline.world()) {
                self.reached.push(timeline.now());
            } else {
                break;
            }
        }
    }
}

mod tour;
pub use tour::{all, by_id, split_vote};
