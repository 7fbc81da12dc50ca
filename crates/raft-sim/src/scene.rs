//! Scripted scenes for the tour: a setup, timed interventions (cues), and waypoints
//! that name states the narration waits for.
//!
//! A scene never draws a state the protocol did not reach: cues only do what a user
//! could do (set a timer, a link's latency, a partition, a client command), and each
//! waypoint is a predicate on the world that the protocol itself must make true.

use alloc::vec;
use alloc::vec::Vec;
use core::time::Duration;

use raft_core::{Instant, NodeId, Role, Term};

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
    /// Caption in English.
    pub en: &'static str,
    /// Caption in Chinese (the article's language).
    pub zh: &'static str,
    /// Whether the world has reached it.
    pub reached: fn(&World) -> bool,
}

/// A scripted scene.
#[derive(Clone, Debug)]
pub struct Scene {
    /// Deep-link id (`?scene=...`).
    pub id: &'static str,
    /// Title in English.
    pub title_en: &'static str,
    /// Title in Chinese.
    pub title_zh: &'static str,
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

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);
const C: NodeId = NodeId(2);
const D: NodeId = NodeId(3);

fn role(w: &World, id: NodeId) -> Option<Role> {
    w.node(id).map(raft_core::Node::role)
}

fn term(w: &World, id: NodeId) -> Term {
    w.node(id).map_or(Term(0), raft_core::Node::term)
}

fn votes(w: &World, id: NodeId) -> usize {
    w.node(id).map_or(0, |n| n.votes_granted().len())
}

/// Every scene, in tour order.
#[must_use]
pub fn all() -> Vec<Scene> {
    vec![split_vote()]
}

/// Looks a scene up by its deep-link id.
#[must_use]
pub fn by_id(id: &str) -> Option<Scene> {
    all().into_iter().find(|s| s.id == id)
}

/// The article's split vote: four nodes A, B, C, D; B and C time out together; A votes
/// for B and D for C; two votes each is not more than n/2; after another timeout a new
/// term begins and one of them wins.
#[must_use]
pub fn split_vote() -> Scene {
    let ms = Instant::from_millis;
    let lat = |from, to, millis| Cue {
        at: ms(0),
        action: Action::SetLinkLatency {
            from,
            to,
            latency: Some(Duration::from_millis(millis)),
        },
    };
    let timer = |at, id, fire_ms| Cue {
        at,
        action: Action::SetElectionTimer(id, ms(fire_ms)),
    };
    Scene {
        id: "split-vote",
        title_en: "Split vote",
        title_zh: "选举分裂",
        setup: Setup {
            nodes: 4,
            seed: 4,
            ..Setup::default()
        },
        cues: vec![
            // B's requests reach A first, C's reach D first.
            lat(B, A, 10),
            lat(C, A, 30),
            lat(C, D, 10),
            lat(B, D, 30),
            // B and C time out at the same moment; A and D would wait longer.
            timer(ms(0), B, 100),
            timer(ms(0), C, 100),
            timer(ms(0), A, 1_000),
            timer(ms(0), D, 1_000),
            // After voting, A and D keep waiting so that a candidate times out first,
            // as in the article.
            timer(ms(135), A, 1_500),
            timer(ms(135), D, 1_500),
        ],
        waypoints: vec![
            Waypoint {
                id: "candidates",
                en: "B and C time out together and become candidates in the same term.",
                zh: "节点B、C同时超时，在同一个term成为Candidate。",
                reached: |w| {
                    role(w, B) == Some(Role::Candidate)
                        && role(w, C) == Some(Role::Candidate)
                        && term(w, B) == term(w, C)
                },
            },
            Waypoint {
                id: "votes-split",
                en: "A votes for B and D votes for C: each candidate has 2 of 4 votes.",
                zh: "节点A投票给B，节点D投票给C：每个Candidate都只有4票中的2票。",
                reached: |w| {
                    let t = term(w, B);
                    w.node(A).and_then(raft_core::Node::voted_for) == Some(B)
                        && w.node(D).and_then(raft_core::Node::voted_for) == Some(C)
                        && term(w, A) == t
                        && term(w, D) == t
                        && votes(w, B) == 2
                        && votes(w, C) == 2
                },
            },
            Waypoint {
                id: "no-majority",
                en: "All replies are in. Two votes is not more than n/2 = 2: nobody wins; both wait for a timeout.",
                zh: "2票不大于n/2=2：没有节点成为Leader，只能等待超时。",
                reached: |w| {
                    // Every reply is in: two granted and two refused for each.
                    let settled = |id| {
                        w.node(id).is_some_and(|n| {
                            n.role() == Role::Candidate
                                && n.votes_granted().len() == 2
                                && n.votes_refused().len() == 2
                        })
                    };
                    w.leader().is_none() && settled(B) && settled(C)
                },
            },
            Waypoint {
                id: "new-term",
                en: "A candidate times out again: a new term and a new election begin.",
                zh: "Candidate再次超时：开始新的term和新一轮选举。",
                reached: |w| term(w, B).0 >= 2 || term(w, C).0 >= 2,
            },
            Waypoint {
                id: "leader",
                en: "One of them collects more than n/2 votes and becomes leader.",
                zh: "其中一个获得超过n/2的选票，成为Leader。",
                reached: |w| {
                    matches!(w.leader(), Some(l) if l == B || l == C)
                        && w.node(w.leader().unwrap_or(A))
                            .is_some_and(|n| n.term().0 >= 2)
                },
            },
        ],
    }
}
