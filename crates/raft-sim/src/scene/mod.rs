//! Scripted scenes for the tour: a setup, timed interventions (cues), and waypoints
//! that name states the narration waits for.
//!
//! A scene never draws a state the protocol did not reach: cues only do what a user
//! could do (set a timer, a link's latency, a partition, a client command), and each
//! waypoint is a predicate on the world that the protocol itself must make true.

use alloc::vec::Vec;
use core::time::Duration;

use raft_core::{Instant, NodeId};

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
    /// Caption, in English, a template: `{0}`, `{1}`... are [`Waypoint::fill`]'s values
    /// at the waypoint (a term, a vote count, an index: numbers come from the run).
    /// Its Chinese (the article's language) is the front end's business: raft-viz's
    /// catalogue `www/zh.txt`, keyed by the English.
    pub en: Text,
    /// What the caption talks about, for the front end to mark (and to dim the rest).
    pub subjects: &'static [Subject],
    /// The caption's placeholder values, read from the world at the waypoint.
    pub fill: fn(&World) -> Vec<Fill>,
    /// Whether the world has reached it.
    pub reached: fn(&World) -> bool,
}

/// Where a scene's English text (a caption, a task) is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Text {
    /// Here, compiled in: the article's chapters, which the page opens on.
    Inline(&'static str),
    /// In the appendix, raft-viz's `www/beyond.txt`, under the scene's id and the
    /// waypoint's (`crash/leader`; `crash/task` for a [`Task`]): the chapter beyond the
    /// article ([`Chapter::Beyond`]), whose text a page fetches only when a reader
    /// first opens one of its scenes, rather than every reader downloading it.
    Appendix,
}

/// The appendix's text (`www/beyond.txt`), for tests and tools, which read captions
/// without a page to fetch it. The page does not use it, so its module does not carry
/// it.
pub const APPENDIX: &str = include_str!("../../../../www/beyond.txt");

impl Text {
    /// The English, if it is compiled in.
    #[must_use]
    pub fn inline(self) -> Option<&'static str> {
        match self {
            Text::Inline(en) => Some(en),
            Text::Appendix => None,
        }
    }

    /// The English for tests and tools: compiled in, or [`APPENDIX`]'s entry for
    /// `scene` and `item` (a waypoint's id, or `task`), if it has one.
    #[must_use]
    pub fn bundled(self, scene: &str, item: &str) -> Option<&'static str> {
        self.inline().or_else(|| {
            let key = alloc::format!("{scene}/{item}");
            let mut lines = APPENDIX.lines();
            lines.find(|l| *l == key)?;
            lines.next()
        })
    }
}

/// No placeholder values: for a caption without `{0}`.
#[must_use]
pub fn no_fill(_: &World) -> Vec<Fill> {
    Vec::new()
}

/// A value for a caption's placeholder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    /// A number (a term, a count, an index, a value).
    Num(i64),
    /// A node, shown by its name.
    Node(NodeId),
}

/// Something a caption talks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A node.
    Node(NodeId),
    /// Every message of this kind in flight.
    Messages(MessageKind),
    /// A node's log entry at an index (1-based, as in the paper).
    Entry {
        /// Whose log.
        node: NodeId,
        /// The index.
        index: u64,
    },
    /// The client.
    Client,
}

/// The kinds of message a caption can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageKind {
    /// RequestVote (and pre-vote) requests.
    VoteRequest,
    /// Their replies.
    VoteReply,
    /// AppendEntries requests (heartbeats included).
    Append,
    /// Their replies (the acks).
    AppendReply,
    /// The client's requests and the cluster's answers.
    Client,
}

/// The section of the source article a scene belongs to: the chapter menu's headings,
/// in the article's order, then what goes beyond it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Chapter {
    /// 什么是分布式一致性 (with the three states).
    Consensus,
    /// Leader选举.
    LeaderElection,
    /// 日志复制流程.
    LogReplication,
    /// term选举周期.
    Term,
    /// timeout.
    Timeout,
    /// 选举和选举timeout.
    ElectionTimeout,
    /// 选举分裂.
    SplitVote,
    /// 日志复制和心跳timeout.
    Heartbeat,
    /// Beyond the article: faults, the paper's Figure 8, the unsafe switches.
    Beyond,
}

impl Chapter {
    /// Every chapter, in the menu's order.
    pub const ALL: [Chapter; 9] = [
        Chapter::Consensus,
        Chapter::LeaderElection,
        Chapter::LogReplication,
        Chapter::Term,
        Chapter::Timeout,
        Chapter::ElectionTimeout,
        Chapter::SplitVote,
        Chapter::Heartbeat,
        Chapter::Beyond,
    ];

    /// The heading, in English (the front end translates it; the Chinese is the
    /// article's own section title).
    #[must_use]
    pub fn title_en(self) -> &'static str {
        match self {
            Chapter::Consensus => "What is distributed consensus?",
            Chapter::LeaderElection => "Leader election",
            Chapter::LogReplication => "Log replication",
            Chapter::Term => "Term",
            Chapter::Timeout => "Timeouts",
            Chapter::ElectionTimeout => "Election and the election timeout",
            Chapter::SplitVote => "Split vote",
            Chapter::Heartbeat => "Log replication and the heartbeat timeout",
            Chapter::Beyond => "Beyond the article",
        }
    }
}

/// Something for the reader to do in the live cluster at the end of a scene ("try it
/// yourself"); it ticks itself when the protocol gets there.
#[derive(Clone, Copy, Debug)]
pub struct Task {
    /// What to do, in English (translated like the captions; in the appendix, under
    /// `task`).
    pub en: Text,
    /// Whether it is done: `start` is the world when the reader left the tour, `now`
    /// the world at the cursor.
    pub done: fn(start: &World, now: &World) -> bool,
}

/// A scripted scene.
#[derive(Clone, Debug)]
pub struct Scene {
    /// Deep-link id (`?scene=...`).
    pub id: &'static str,
    /// The article's section it tells.
    pub chapter: Chapter,
    /// Title, in English (translated like the captions).
    pub title_en: &'static str,
    /// Nodes, seed and settings.
    pub setup: Setup,
    /// Interventions, in time order.
    pub cues: Vec<Cue>,
    /// States to reach, in order: the scene's steps.
    pub waypoints: Vec<Waypoint>,
    /// What to try in the live cluster afterwards, if anything.
    pub task: Option<Task>,
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
    /// Each reached waypoint's caption values, read from the world as it was reached.
    fills: Vec<Vec<Fill>>,
}

impl SceneRun {
    /// Plays `scene`'s script into a new timeline and returns both, the timeline's
    /// cursor at time 0 (after the cues of time 0).
    pub fn new(scene: Scene) -> Result<(SceneRun, Timeline), SetupError> {
        let mut timeline = Timeline::new(&scene.setup)?;
        let mut run = SceneRun {
            scene,
            reached: Vec::new(),
            fills: Vec::new(),
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

    /// The moment the `i`-th waypoint (from 0) was reached, if it was.
    #[must_use]
    pub fn moment(&self, i: usize) -> Option<Moment> {
        self.reached.get(i).copied()
    }

    /// The `i`-th waypoint's caption values (from 0), read from the world at its moment
    /// (empty if it was not reached).
    #[must_use]
    pub fn fill(&self, i: usize) -> &[Fill] {
        self.fills.get(i).map_or(&[], Vec::as_slice)
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
                self.fills.push((w.fill)(timeline.world()));
            } else {
                break;
            }
        }
    }
}

mod tour;
pub use tour::{all, by_id, ids, split_vote};
