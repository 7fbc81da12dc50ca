//! The application state behind the page, as plain Rust: the timeline (or a tour
//! scene), playback, selection and every user command. The web layer only forwards
//! time, clicks and commands here and draws what [`App::frame`] returns.

use core::time::Duration;

use raft_sim::raft_core::{Instant, NodeId, Role};
use raft_sim::scene::{self, SceneRun};
use raft_sim::{
    Action, ActionError, MsgId, NetworkSettings, Op, Setup, SetupError, Timeline, World,
};
use serde::Deserialize;

use crate::lang::Lang;
// The renderer rather than `format!`/`to_string`: each of those sites costs wasm code.
use crate::layout::Point;
use crate::narrate::say;
use crate::narrate::text::{Arg, render};
use crate::options::{MAX_SPEED, MIN_SPEED, Options};
pub use crate::snapshot::{EntrySnapshot, MessageSnapshot, NodeSnapshot, Snapshot};
use crate::stage::Stage;
use crate::view::{self, Frame, Selection};

/// A user command, from a button, a key, a click or `window.raftviz.command(...)`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum UiCommand {
    /// Start playing.
    Play,
    /// Stop playing.
    Pause,
    /// Play or pause.
    Toggle,
    /// Set the speed (virtual time per real time, 0.001 to 1).
    Speed {
        /// The speed.
        value: f64,
    },
    /// Process the next event.
    Step,
    /// Undo the last event.
    Back,
    /// Move to a virtual time, in ms.
    Seek {
        /// The time.
        ms: f64,
    },
    /// Jump to the live end of the timeline.
    Live,
    /// Crash a node (by name, e.g. "A").
    Crash {
        /// Node name.
        node: String,
    },
    /// Restart a crashed node.
    Restart {
        /// Node name.
        node: String,
    },
    /// Make a node's election timeout elapse now.
    Timeout {
        /// Node name.
        node: String,
    },
    /// The client sends `set value`.
    Set {
        /// The value.
        value: i64,
        /// The node to ask first.
        #[serde(default)]
        node: Option<String>,
    },
    /// The client sends `add value`.
    Add {
        /// The increment.
        value: i64,
        /// The node to ask first.
        #[serde(default)]
        node: Option<String>,
    },
    /// Drop a message in flight.
    Drop {
        /// Its id.
        message: u64,
    },
    /// Split the nodes into groups that cannot talk.
    Partition {
        /// Groups of node names.
        groups: Vec<Vec<String>>,
    },
    /// Cut one link.
    Cut {
        /// From.
        from: String,
        /// To.
        to: String,
        /// Both directions (default true).
        #[serde(default)]
        both: Option<bool>,
    },
    /// Restore every link.
    Heal,
    /// Change the network.
    Network {
        /// Loss probability, 0 to 1.
        #[serde(default)]
        loss: Option<f64>,
        /// Shortest latency, ms.
        #[serde(default, rename = "latencyMin")]
        latency_min: Option<f64>,
        /// Longest latency, ms.
        #[serde(default, rename = "latencyMax")]
        latency_max: Option<f64>,
        /// Duplication probability, 0 to 1.
        #[serde(default)]
        duplicate: Option<f64>,
        /// Reordering probability, 0 to 1.
        #[serde(default)]
        reorder: Option<f64>,
    },
    /// Change the election timeout range, ms.
    Timeouts {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// A new cluster of this size (same seed).
    Nodes {
        /// 1 to 9.
        count: usize,
    },
    /// A new run with this seed.
    Seed {
        /// The seed.
        seed: u64,
    },
    /// Select a node or a message (or nothing).
    Select {
        /// A node name.
        #[serde(default)]
        node: Option<String>,
        /// A message id.
        #[serde(default)]
        message: Option<u64>,
    },
    /// Open a tour scene.
    Scene {
        /// Its id.
        id: String,
    },
    /// Leave the tour for the free sandbox, keeping the current state.
    Sandbox,
    /// Change the language.
    Lang {
        /// `en` or `zh`.
        lang: String,
    },
}

/// Why a command was refused. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandError(pub String);

impl core::fmt::Display for CommandError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The whole application state.
#[derive(Debug)]
pub struct App {
    timeline: Timeline,
    /// The tour scene driving the timeline, if any; dropped by "try it yourself".
    scene: Option<SceneRun>,
    seed: u64,
    nodes: usize,
    playing: bool,
    speed: f64,
    /// Virtual microseconds owed to the clock (fractions carry between frames).
    owed_us: f64,
    selection: Option<Selection>,
    lang: Lang,
    stage: Stage,
    /// Something changed that the next frame must show.
    dirty: bool,
    /// Whether this timeline's history ring is allocated (see [`App::reserve_history`]).
    history_reserved: bool,
}

/// The longest wall-clock gap one tick accounts for (a hidden tab must not fast-forward).
const MAX_TICK_MS: f64 = 250.0;

impl App {
    /// An app for these options; `fresh_seed` is used when the options name none.
    pub fn new(options: &Options, fresh_seed: u64) -> Result<App, CommandError> {
        let seed = options.seed.unwrap_or(fresh_seed);
        let (scene, timeline) = match options.scene.as_deref().and_then(scene::by_id) {
            Some(s) => {
                let (run, mut t) = SceneRun::new(s).map_err(|e| setup_error(e, options.lang))?;
                t.set_history_capacity(HISTORY_RECORDS);
                (Some(run), t)
            }
            None => (None, new_timeline(options.nodes, seed, options.lang)?),
        };
        let nodes = timeline.world().ids().len();
        let seed = timeline.world().seed();
        Ok(App {
            timeline,
            scene,
            seed,
            nodes,
            playing: options.autoplay,
            speed: options.speed,
            owed_us: 0.0,
            selection: None,
            lang: options.lang,
            stage: Stage::new(nodes, 800.0, 500.0),
            dirty: true,
            history_reserved: false,
        })
    }

    /// Allocates the whole history ring of the current timeline, once (the web layer
    /// calls it every frame, after drawing: a no-op but after a new run, scene or seed).
    pub fn reserve_history(&mut self) {
        if !self.history_reserved {
            self.timeline.reserve_history();
            self.history_reserved = true;
        }
    }

    /// The timeline being shown.
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    /// The world at the cursor.
    pub fn world(&self) -> &World {
        self.timeline().world()
    }

    /// The running scene, if in the tour.
    pub fn scene(&self) -> Option<&SceneRun> {
        self.scene.as_ref()
    }

    /// The seed of this run.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Whether it is playing.
    pub fn playing(&self) -> bool {
        self.playing
    }

    /// Playback speed.
    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// The language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The selection.
    pub fn selection(&self) -> Option<Selection> {
        self.selection
    }

    /// The stage layout.
    pub fn stage(&self) -> &Stage {
        &self.stage
    }

    /// The canvas changed size (CSS pixels).
    pub fn resize(&mut self, width: f64, height: f64) {
        let stage = Stage::new(self.nodes, width, height);
        if stage != self.stage {
            self.stage = stage;
            self.dirty = true;
        }
    }

    /// Marks the picture as needing a redraw (theme change, say).
    pub fn invalidate(&mut self) {
        self.dirty = true;
    }

    /// Advances playback by `wall_ms` of real time. Returns whether to redraw.
    pub fn tick(&mut self, wall_ms: f64) -> bool {
        let mut redraw = core::mem::take(&mut self.dirty);
        if self.playing && wall_ms.is_finite() && wall_ms > 0.0 {
            self.owed_us += wall_ms.min(MAX_TICK_MS) * 1_000.0 * self.speed;
            let whole = self.owed_us.floor();
            if whole >= 1.0 {
                self.owed_us -= whole;
                let target = self.now().after(Duration::from_micros(whole as u64));
                self.advance_to(target);
                redraw = true;
            }
        }
        redraw
    }

    /// How long the page may wait before the next frame, in real ms: `None` when
    /// nothing will change by itself (paused and drawn), else the time until something
    /// visibly moves: a message in flight wants smooth motion, a draining timer much
    /// less, and an event must not be drawn late.
    pub fn next_frame_in_ms(&self) -> Option<f64> {
        if self.dirty {
            return Some(0.0);
        }
        if !self.playing {
            return None;
        }
        let world = self.world();
        let moving = world.flights().next().is_some();
        let cadence: f64 = if moving { 33.0 } else { 100.0 };
        let until_event = world.next_event_time().map_or(f64::INFINITY, |t| {
            t.as_micros().saturating_sub(world.now().as_micros()) as f64 / 1_000.0 / self.speed
        });
        Some(cadence.min(until_event).max(0.0))
    }

    /// The picture at the cursor.
    pub fn frame(&self) -> Frame<'_> {
        let t = self.timeline();
        let mut frame = view::frame(t.world(), t.history(), &self.stage, self.selection);
        frame.client.label = self.lang.tr("client");
        frame
    }

    /// A click or tap at `p` (CSS pixels): selects what is there, or clears.
    pub fn click(&mut self, p: Point) -> Option<Selection> {
        let hit = view::hit(&self.frame(), p);
        self.selection = hit;
        self.dirty = true;
        hit
    }

    /// Carries out a command.
    pub fn command(&mut self, cmd: UiCommand) -> Result<(), CommandError> {
        self.dirty = true;
        match cmd {
            UiCommand::Play => self.playing = true,
            UiCommand::Pause => self.playing = false,
            UiCommand::Toggle => self.playing = !self.playing,
            UiCommand::Speed { value } => {
                if !(value.is_finite() && (MIN_SPEED..=MAX_SPEED).contains(&value)) {
                    // MIN_SPEED and MAX_SPEED written out (tests/app.rs checks the text).
                    return Err(CommandError("speed must be between 0.001 and 1".into()));
                }
                self.speed = value;
            }
            UiCommand::Step => {
                self.playing = false;
                self.owed_us = 0.0;
                match &mut self.scene {
                    None => {
                        self.timeline.step_forward();
                    }
                    Some(s) => {
                        let next = self
                            .timeline
                            .world()
                            .next_event_time()
                            .unwrap_or(self.timeline.now());
                        s.advance_to(&mut self.timeline, next);
                    }
                }
            }
            UiCommand::Back => {
                self.playing = false;
                self.owed_us = 0.0;
                self.sandbox_mut().step_back();
            }
            UiCommand::Seek { ms } => {
                if !(ms.is_finite() && ms >= 0.0) {
                    return Err(CommandError("seek needs a time in ms, 0 or more".into()));
                }
                self.owed_us = 0.0;
                let t = Instant::from_micros((ms * 1_000.0) as u64);
                self.sandbox_mut().seek(t);
            }
            UiCommand::Live => self.sandbox_mut().go_live(),
            UiCommand::Crash { node } => {
                let id = self.node_id(&node)?;
                self.act(Action::Crash(id))?;
            }
            UiCommand::Restart { node } => {
                let id = self.node_id(&node)?;
                self.act(Action::Restart(id))?;
            }
            UiCommand::Timeout { node } => {
                let id = self.node_id(&node)?;
                self.act(Action::TimeoutNow(id))?;
            }
            UiCommand::Set { value, node } => {
                let to = node.map(|n| self.node_id(&n)).transpose()?;
                self.act(Action::ClientRequest {
                    op: Op::Set(value),
                    to,
                })?;
            }
            UiCommand::Add { value, node } => {
                let to = node.map(|n| self.node_id(&n)).transpose()?;
                self.act(Action::ClientRequest {
                    op: Op::Add(value),
                    to,
                })?;
            }
            UiCommand::Drop { message } => self.act(Action::DropMessage(MsgId(message)))?,
            UiCommand::Partition { groups } => {
                // Loops, not `collect::<Result<..>>`: one generic instantiation less.
                let mut ids = Vec::with_capacity(groups.len());
                for g in &groups {
                    let mut group = Vec::with_capacity(g.len());
                    for n in g {
                        group.push(self.node_id(n)?);
                    }
                    ids.push(group);
                }
                let groups = ids;
                self.act(Action::Partition(groups))?;
            }
            UiCommand::Cut { from, to, both } => {
                let (from, to) = (self.node_id(&from)?, self.node_id(&to)?);
                if from == to {
                    return Err(CommandError("a link joins two different nodes".into()));
                }
                self.act(Action::CutLink {
                    from,
                    to,
                    both: both.unwrap_or(true),
                })?;
            }
            UiCommand::Heal => self.act(Action::Heal)?,
            UiCommand::Network {
                loss,
                latency_min,
                latency_max,
                duplicate,
                reorder,
            } => {
                let mut n: NetworkSettings = self.world().network().clone();
                n.loss_ppm = ppm(loss, n.loss_ppm)?;
                n.duplicate_ppm = ppm(duplicate, n.duplicate_ppm)?;
                n.reorder_ppm = ppm(reorder, n.reorder_ppm)?;
                n.latency_min = latency_ms(latency_min, n.latency_min)?;
                n.latency_max = latency_ms(latency_max, n.latency_max)?;
                if n.latency_max < n.latency_min {
                    return Err(CommandError(
                        "the longest latency must not be shorter than the shortest".into(),
                    ));
                }
                self.act(Action::SetNetwork(n))?;
            }
            UiCommand::Timeouts { min, max } => {
                self.act(Action::SetElectionTimeout {
                    min: election_ms(min)?,
                    max: election_ms(max)?,
                })?;
            }
            UiCommand::Nodes { count } => {
                if !(1..=raft_sim::MAX_NODES).contains(&count) {
                    return Err(CommandError("a cluster has 1 to 9 nodes".into()));
                }
                self.reset(count, self.seed)?;
            }
            UiCommand::Seed { seed } => self.reset(self.nodes, seed)?,
            UiCommand::Select { node, message } => {
                self.selection = match (node, message) {
                    (Some(n), _) => Some(Selection::Node(self.node_id(&n)?)),
                    (None, Some(m)) => Some(Selection::Message(MsgId(m))),
                    (None, None) => None,
                };
            }
            UiCommand::Scene { id } => {
                let s = scene::by_id(&id)
                    .ok_or_else(|| CommandError(render("no scene called {0}", &[Arg::Str(&id)])))?;
                let (run, mut timeline) =
                    SceneRun::new(s).map_err(|e| setup_error(e, self.lang))?;
                timeline.set_history_capacity(HISTORY_RECORDS);
                self.nodes = timeline.world().ids().len();
                self.seed = timeline.world().seed();
                self.timeline = timeline;
                self.history_reserved = false;
                self.scene = Some(run);
                self.owed_us = 0.0;
                self.selection = None;
                self.stage = Stage::new(self.nodes, self.stage.width, self.stage.height);
            }
            UiCommand::Sandbox => self.scene = None,
            UiCommand::Lang { lang } => {
                self.lang =
                    Lang::parse(&lang).ok_or_else(|| CommandError("use en or zh".into()))?;
            }
        }
        Ok(())
    }

    fn now(&self) -> Instant {
        self.timeline().now()
    }

    fn advance_to(&mut self, t: Instant) {
        match &mut self.scene {
            None => self.timeline.advance_to(t),
            Some(s) => s.advance_to(&mut self.timeline, t),
        }
    }

    /// The sandbox timeline; any user intervention ends the tour's script ("try it
    /// yourself"), keeping the world as it is.
    fn sandbox_mut(&mut self) -> &mut Timeline {
        self.scene = None;
        &mut self.timeline
    }

    fn act(&mut self, action: Action) -> Result<(), CommandError> {
        let lang = self.lang;
        self.sandbox_mut()
            .act(action)
            .map_err(|e| action_error(e, lang))
    }

    fn reset(&mut self, nodes: usize, seed: u64) -> Result<(), CommandError> {
        self.timeline = new_timeline(nodes, seed, self.lang)?;
        self.history_reserved = false;
        self.scene = None;
        self.nodes = nodes;
        self.seed = seed;
        self.selection = None;
        self.owed_us = 0.0;
        self.stage = Stage::new(nodes, self.stage.width, self.stage.height);
        Ok(())
    }

    /// A node id from a name ("A", "b") or an index ("0").
    pub fn node_id(&self, name: &str) -> Result<NodeId, CommandError> {
        let name = name.trim();
        let n = self.world().ids().len();
        let index = match name.as_bytes() {
            [c] if c.is_ascii_alphabetic() => Some(usize::from(c.to_ascii_uppercase() - b'A')),
            _ => name.parse::<usize>().ok(),
        };
        match index {
            Some(i) if i < n => Ok(NodeId(i as u32)),
            _ => Err(CommandError(render(
                "no node \"{0}\" in a cluster of {1}",
                &[Arg::Str(name), Arg::Num(n as u64)],
            ))),
        }
    }

    /// The visible state as plain data (for `window.raftviz.snapshot()`).
    pub fn snapshot(&self) -> Snapshot {
        let w = self.world();
        let nodes = w
            .servers()
            .iter()
            .map(|s| {
                let n = s.node();
                let commit = n.map_or(0, |n| n.commit_index().0);
                let name = |id: NodeId| raft_sim::node_name(id);
                NodeSnapshot {
                    name: s.name().to_owned(),
                    role: match n.map(raft_sim::raft_core::Node::role) {
                        None => "crashed",
                        Some(Role::Follower) => "follower",
                        Some(Role::PreCandidate) => "precandidate",
                        Some(Role::Candidate) => "candidate",
                        Some(Role::Leader) => "leader",
                    },
                    term: s.storage().hard_state.current_term.0,
                    voted_for: s.storage().hard_state.voted_for.map(name),
                    votes: n.map_or(Vec::new(), |n| {
                        n.votes_granted().iter().map(|&v| name(v)).collect()
                    }),
                    value: s.machine().value(),
                    commit_index: commit,
                    log: s
                        .storage()
                        .log
                        .iter()
                        .map(|(i, e)| EntrySnapshot {
                            index: i.0,
                            term: e.term.0,
                            command: match &e.payload {
                                raft_sim::raft_core::Payload::Noop => String::from("noop"),
                                raft_sim::raft_core::Payload::Command(c) => {
                                    render("{0}", &[Arg::Op(c.op)])
                                }
                            },
                            committed: i.0 <= commit,
                        })
                        .collect(),
                    timer_ms: n
                        .and_then(|n| n.election_deadline())
                        .map(|d| d.as_micros() as f64 / 1_000.0),
                }
            })
            .collect();
        let messages = w
            .flights()
            .map(|f| {
                let (shape, request, ok, heartbeat) = view::describe(&f.packet);
                let end = |e: raft_sim::Endpoint| match e {
                    raft_sim::Endpoint::Node(id) => raft_sim::node_name(id),
                    raft_sim::Endpoint::Client(_) => String::from("client"),
                };
                MessageSnapshot {
                    id: f.id.0,
                    from: end(f.from),
                    to: end(f.to),
                    kind: match (shape, request) {
                        (view::Shape::Vote, true) => "requestVote",
                        (view::Shape::Vote, false) => "voteReply",
                        (view::Shape::Append, true) => "appendEntries",
                        (view::Shape::Append, false) => "appendReply",
                        (view::Shape::Client, true) => "clientRequest",
                        (view::Shape::Client, false) => "clientReply",
                    },
                    ok,
                    heartbeat,
                    sent_ms: f.sent_at.as_micros() as f64 / 1_000.0,
                    arrive_ms: f.arrive_at.as_micros() as f64 / 1_000.0,
                }
            })
            .collect();
        let checker = w.checker();
        Snapshot {
            time_ms: w.now().as_micros() as f64 / 1_000.0,
            seed: render("{0}", &[Arg::Num(self.seed)]),
            playing: self.playing,
            speed: self.speed,
            live: self.timeline().is_live(),
            leader: w.leader().map(raft_sim::node_name),
            nodes,
            messages,
            safe: checker.total() == 0,
            violations: checker
                .violations()
                .iter()
                .map(|v| crate::narrate::violation(v, Lang::En))
                .collect(),
            scene: self.scene.as_ref().map(|s| s.scene().id.to_owned()),
        }
    }
}

/// History records the page keeps (about 2.5 MB; some minutes of virtual time for five
/// nodes). The web layer allocates them all right after the first frame
/// ([`App::reserve_history`]), so memory stays flat however long the page runs without
/// delaying the first frame. Older moments stay reachable by seeking; only their records
/// (feed lines) are gone.
pub const HISTORY_RECORDS: usize = 32_768;

fn new_timeline(nodes: usize, seed: u64, lang: Lang) -> Result<Timeline, CommandError> {
    let mut timeline = Timeline::new(&Setup {
        nodes,
        seed,
        ..Setup::default()
    })
    .map_err(|e| setup_error(e, lang))?;
    timeline.set_history_capacity(HISTORY_RECORDS);
    Ok(timeline)
}

/// A probability for [`UiCommand::Network`] in parts per million (`None` keeps `old`).
/// Out of line, as are the two below: each is called more than once in `App::command`.
#[inline(never)]
fn ppm(p: Option<f64>, old: u32) -> Result<u32, CommandError> {
    match p {
        None => Ok(old),
        Some(p) if p.is_finite() && (0.0..=1.0).contains(&p) => Ok((p * 1e6).round() as u32),
        Some(_) => Err(CommandError("probabilities are between 0 and 1".into())),
    }
}

/// A latency in ms for [`UiCommand::Network`] (`None` keeps `old`).
#[inline(never)]
fn latency_ms(v: Option<f64>, old: Duration) -> Result<Duration, CommandError> {
    match v {
        None => Ok(old),
        Some(v) if v.is_finite() && (0.0..=10_000.0).contains(&v) => {
            Ok(Duration::from_micros((v * 1_000.0) as u64))
        }
        Some(_) => Err(CommandError("latency is 0 to 10,000 ms".into())),
    }
}

/// An election timeout bound in ms for [`UiCommand::Timeouts`].
#[inline(never)]
fn election_ms(v: f64) -> Result<Duration, CommandError> {
    if v.is_finite() && (1.0..=60_000.0).contains(&v) {
        Ok(Duration::from_micros((v * 1_000.0) as u64))
    } else {
        Err(CommandError("timeouts are 1 to 60,000 ms".into()))
    }
}

/// A refused action, in the reader's language: raft-sim's own `Display` is English and
/// would bring integer formatting into the wasm module.
fn action_error(e: ActionError, lang: Lang) -> CommandError {
    CommandError(match e {
        ActionError::NoSuchNode(id) => say!(lang, "there is no {0}", id),
        ActionError::NodeDown(id) => say!(lang, "{0} is crashed", id),
        ActionError::NodeUp(id) => say!(lang, "{0} is already running", id),
        ActionError::IsLeader(id) => {
            say!(lang, "{0} is the leader and has no election timer", id)
        }
        ActionError::NoSuchMessage(id) => say!(lang, "message #{0} is no longer in flight", id.0),
        ActionError::BadSettings => say!(lang, "those settings are impossible"),
    })
}

/// A world that could not be built (the front end checks sizes and settings before, so
/// this is a bug if it shows).
fn setup_error(e: SetupError, lang: Lang) -> CommandError {
    CommandError(match e {
        SetupError::NodeCount(n) => say!(lang, "a cluster has 1 to 9 nodes, not {0}", n),
        _ => say!(
            lang,
            "the simulation could not be set up with these settings"
        ),
    })
}
