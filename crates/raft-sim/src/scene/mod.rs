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

/// When a waypoint was reached: the virtual time and the events processed by then.
/// Moments of one timeline are ordered as it runs (time first, then events).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Moment {
    /// Virtual time.
    pub at: Instant,
    /// Events the world had processed.
    pub steps: u64,
}

impl Moment {
    /// Where `world` is now.
    #[must_use]
    pub fn of(world: &World) -> Moment {
        Moment {
            at: world.now(),
            steps: world.steps(),
        }
    }
}

/// Longest virtual time a scene's script may take: a scene whose waypoints are not all
/// reached by then stops where it got to (its test fails long before).
pub const SCRIPT_LIMIT: Duration = Duration::from_secs(30);

/// A scene and the moments its waypoints were reached.
///
/// [`SceneRun::new`] plays the script once, to its end: each cue is applied through
/// [`Timeline::act`] at its time, so it becomes a recorded action of the timeline like
/// any user action. The timeline then goes back to time 0. From there, playing,
/// seeking, stepping back and share links replay the cues exactly, and the caption to
/// show at any cursor is the last waypoint whose moment the cursor has passed. The
/// timeline is owned by the caller, so that leaving the tour ("try it yourself") drops
/// only this and keeps the world.
#[derive(Clone, Debug)]
pub struct SceneRun {
    scene: Scene,
    /// When each waypoint was reached, in order (fewer than the waypoints if the
    /// script ran out of time).
    reached: Vec<Moment>,
}

impl SceneRun {
    /// Plays `scene`'s script into a new timeline and returns both, the timeline's
    /// cursor at time 0 (after the cues of time 0).
    pub fn new(scene: Scene) -> Result<(SceneRun, Timeline), SetupError> {
        let mut timeline = Timeline::new(&scene.setup)?;
        let mut run = SceneRun {
            scene,
            reached: Vec::new(),
        };
        run.play_script(&mut timeline);
        timeline.seek(Instant::ZERO);
        Ok((run, timeline))
    }

    /// The scene.
    #[must_use]
    pub fn scene(&self) -> &Scene {
        &self.scene
    }

    /// The waypoints the script reached, with their moments.
    pub fn reached(&self) -> impl Iterator<Item = (&Waypoint, Moment)> + '_ {
        self.scene
            .waypoints
            .iter()
            .zip(self.reached.iter().copied())
    }

    /// Whether the script reached every waypoint.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.reached.len() == self.scene.waypoints.len()
    }

    /// How many waypoints `world` (a world of this scene's timeline) has passed.
    #[must_use]
    pub fn passed(&self, world: &World) -> usize {
        let now = Moment::of(world);
        self.reached.partition_point(|m| *m <= now)
    }

    /// The last waypoint `world` has passed, if any: the caption to show.
    #[must_use]
    pub fn current_waypoint(&self, world: &World) -> Option<&Waypoint> {
        self.passed(world)
            .checked_sub(1)
            .and_then(|i| self.scene.waypoints.get(i))
    }

    /// Applies the cues on time and notes each waypoint as the protocol reaches it,
    /// event by event, until every cue is applied and every waypoint reached (or
    /// [`SCRIPT_LIMIT`] passes). A cue applies after the events of its instant.
    fn play_script(&mut self, timeline: &mut Timeline) {
        let end = Instant::ZERO.after(SCRIPT_LIMIT);
        let mut next_cue = 0;
        self.check_waypoints(timeline);
        loop {
            let cue = self.scene.cues.get(next_cue);
            if cue.is_none() && self.is_complete() {
                break;
            }
            let event_at = timeline.world().next_event_time();
            let next = match (cue.map(|c| c.at), event_at) {
                (Some(c), Some(e)) => c.min(e),
                (c, e) => match c.or(e) {
                    Some(x) => x,
                    None => break,
                },
            };
            if next > end {
                break;
            }
            match cue {
                Some(cue) if cue.at == next => {
                    timeline.advance_to(cue.at);
                    // A cue that cannot apply (e.g. a timer on a node that became
                    // leader) is skipped; waypoints decide whether the scene still works.
                    let _ = timeline.act(cue.action.clone());
                    next_cue += 1;
                }
                _ => {
                    timeline.step_forward();
                }
            }
            self.check_waypoints(timeline);
        }
    }

    fn check_waypoints(&mut self, timeline: &Timeline) {
        while let Some(w) = self.scene.waypoints.get(self.reached.len()) {
            if (w.reached)(timeline.world()) {
                self.reached.push(Moment::of(timeline.world()));
            } else {
                break;
            }
        }
    }
}

mod tour;
pub use tour::{all, by_id, split_vote};
