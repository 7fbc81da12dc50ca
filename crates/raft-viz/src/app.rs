//! The application state behind the page, as plain Rust: the timeline, the tour
//! scene playing on it (if any), playback, selection, and every [`Command`].

use core::time::Duration;

use raft_sim::raft_core::{Instant, NodeId};
use raft_sim::scene::{self, SceneRun};
use raft_sim::{Action, NetworkSettings, Setup, Timeline, World};

use crate::command::{Command, CommandError, NetworkChange, Outcome};
use crate::lang::Lang;
use crate::layout::Point;
use crate::options::{MAX_SPEED, MIN_SPEED, Options};
use crate::stage::Stage;
use crate::view::{self, Frame, Selection};

/// Where a run's world came from: what a share link must name to build it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A sandbox cluster: [`Setup::default`] with the app's node count and seed.
    Sandbox,
    /// A tour scene's setup (its cues are actions of the timeline).
    Scene(&'static str),
}

/// The whole application state: a [`Timeline`] and how the page shows it.
///
/// # Contract
/// The web layer owns one `App` and calls it in this order:
/// - **each animation frame:** [`App::tick`] with the real time elapsed (it advances
///   the virtual clock at the speed, and says whether to redraw); if so, draws
///   [`App::frame`]; then [`App::reserve_history`] (a no-op but for the first frame of
///   a run); then asks [`App::next_frame_in_ms`] when to come back (`None`: not until
///   an input).
/// - **on input:** [`App::command`] for a [`Command`], or [`App::click`] for a click
///   on the canvas; both change nothing but the app and mark it for a redraw. A
///   command returns what it changed beyond the picture ([`Outcome`]: a new run, a
///   new language) or, refused, a [`CommandError`]; a refused command changes
///   nothing. [`App::resize`] and [`App::invalidate`] when the canvas or the theme
///   change.
/// - **reads,** at any time and without effect: the getters, [`App::node_id`], and
///   [`Snapshot::of`](crate::snapshot::Snapshot::of).
///
/// Time comes only from `tick` (and seeks): the app reads no clock and no random
/// source, so the same commands at the same ticks give the same run. Nothing here
/// touches the DOM.
///
/// # The tour
/// A tour scene's cues are recorded actions of its timeline ([`SceneRun`]), so
/// playing, seeking, stepping and going live keep the scene and its captions. Any other
/// command that changes the world (a crash, a client write, a partition...) ends the
/// script ("try it yourself"): the world stays as it is, in the sandbox.
#[derive(Debug)]
pub struct App {
    timeline: Timeline,
    /// The tour scene playing on the timeline, if any; dropped by "try it yourself".
    scene: Option<SceneRun>,
    origin: Origin,
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

/// The furthest a seek may go past the live end, and the latest moment a shared link
/// may ask to simulate at start-up (10 minutes): a hand-made link or a typed time
/// cannot hang the page.
pub const MAX_REPLAY: Duration = Duration::from_secs(10 * 60);

impl App {
    /// An app for these options, at time 0: the tour scene they name, else a sandbox
    /// cluster (`fresh_seed` when they name no seed). Shared runs are opened by
    /// [`share::open`](crate::share::open).
    pub fn new(options: &Options, fresh_seed: u64) -> Result<App, CommandError> {
        let Some(id) = options.scene.as_deref() else {
            let seed = options.seed.unwrap_or(fresh_seed);
            let timeline = new_timeline(options.nodes, seed)?;
            return Ok(App::from_timeline(timeline, Origin::Sandbox, options));
        };
        let (run, timeline, origin) = play_scene(id)?;
        let mut app = App::from_timeline(timeline, origin, options);
        app.scene = Some(run);
        Ok(app)
    }

    /// An app showing `timeline` (its cursor where it is), built from `origin`: a
    /// shared run rebuilt by [`Timeline::replay`], say. Playback and language come
    /// from `options`; the seed and the size from the timeline.
    pub fn from_timeline(mut timeline: Timeline, origin: Origin, options: &Options) -> App {
        timeline.set_history_capacity(HISTORY_RECORDS);
        let nodes = timeline.world().ids().len();
        let entries = view::longest_log(timeline.world());
        App {
            seed: timeline.world().seed(),
            timeline,
            scene: None,
            origin,
            nodes,
            playing: options.autoplay,
            speed: options.speed,
            owed_us: 0.0,
            selection: None,
            lang: options.lang,
            stage: Stage::new(nodes, 800.0, 500.0, entries),
            dirty: true,
            history_reserved: false,
        }
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

    /// The tour scene playing, if in the tour.
    pub fn scene(&self) -> Option<&SceneRun> {
        self.scene.as_ref()
    }

    /// Where this run's world came from.
    pub fn origin(&self) -> Origin {
        self.origin
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
        let stage = Stage::new(self.nodes, width, height, view::longest_log(self.world()));
        if stage != self.stage {
            self.stage = stage;
            self.dirty = true;
        }
    }

    /// Lays the stage out again when the log table needs another size (cheap: compares
    /// a number; the stage is rebuilt only when it changes). Returns whether it did.
    fn relayout(&mut self) -> bool {
        let entries = view::longest_log(self.world());
        if self.stage.suits(entries) {
            return false;
        }
        self.stage = Stage::new(self.nodes, self.stage.width, self.stage.height, entries);
        self.dirty = true;
        true
    }

    /// Marks the picture as needing a redraw (theme change, say).
    pub fn invalidate(&mut self) {
        self.dirty = true;
    }

    /// Advances playback by `wall_ms` of real time. Returns whether to redraw.
    pub fn tick(&mut self, wall_ms: f64) -> bool {
        let redraw = self.advance(wall_ms);
        self.relayout() || redraw
    }

    fn advance(&mut self, wall_ms: f64) -> bool {
        let mut redraw = core::mem::take(&mut self.dirty);
        if self.playing && wall_ms.is_finite() && wall_ms > 0.0 {
            self.owed_us += wall_ms.min(MAX_TICK_MS) * 1_000.0 * self.speed;
            let whole = self.owed_us.floor();
            if whole >= 1.0 {
                self.owed_us -= whole;
                let target = self.now().after(Duration::from_micros(whole as u64));
                self.timeline.advance_to(target);
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
        let mut frame = view::frame(t.world(), t.history(), &self.stage, self.selection, &[]);
        frame.client.label = self.lang.tr("client");
        frame.votes_label = self.lang.tr("votes {0}");
        frame.needs_label = self.lang.tr("needs > {0}");
        frame
    }

    /// A click or tap at `p` (CSS pixels): selects what is there, or clears.
    pub fn click(&mut self, p: Point) -> Option<Selection> {
        let hit = view::hit(&self.frame(), p);
        self.selection = hit;
        self.dirty = true;
        hit
    }

    /// Carries out a command; refused, it changes nothing.
    pub fn command(&mut self, cmd: Command) -> Result<Outcome, CommandError> {
        self.dirty = true;
        match cmd {
            Command::Play => self.playing = true,
            Command::Pause => self.playing = false,
            Command::Toggle => self.playing = !self.playing,
            Command::Speed(value) => {
                if !(value.is_finite() && (MIN_SPEED..=MAX_SPEED).contains(&value)) {
                    return Err(CommandError::Speed);
                }
                self.speed = value;
            }
            Command::Step => {
                self.pause_here();
                self.timeline.step_forward();
            }
            Command::Back => {
                self.pause_here();
                self.timeline.step_back();
            }
            Command::Seek(t) => {
                if t > self.timeline.frontier().after(MAX_REPLAY) {
                    return Err(CommandError::SeekTooFar);
                }
                self.owed_us = 0.0;
                self.timeline.seek(t);
            }
            Command::Live => self.timeline.go_live(),
            Command::Crash(id) => self.act(Action::Crash(id))?,
            Command::Restart(id) => self.act(Action::Restart(id))?,
            Command::Timeout(id) => self.act(Action::TimeoutNow(id))?,
            Command::Client { op, to } => self.act(Action::ClientRequest { op, to })?,
            Command::Drop(id) => self.act(Action::DropMessage(id))?,
            Command::Partition(groups) => self.act(Action::Partition(groups))?,
            Command::Split => {
                let groups = self.split_groups()?;
                self.act(Action::Partition(groups))?;
            }
            Command::IsolateLeader => {
                let groups = self.isolate_groups()?;
                self.act(Action::Partition(groups))?;
            }
            Command::Cut { from, to, both } => {
                if from == to {
                    return Err(CommandError::SameNode);
                }
                self.act(Action::CutLink { from, to, both })?;
            }
            Command::Heal => self.act(Action::Heal)?,
            Command::Network(change) => {
                let n = network(self.world().network(), change)?;
                self.act(Action::SetNetwork(n))?;
            }
            Command::Timeouts { min, max } => {
                self.act(Action::SetElectionTimeout {
                    min: election_timeout(min)?,
                    max: election_timeout(max)?,
                })?;
            }
            Command::Nodes(count) => {
                if !(1..=raft_sim::MAX_NODES).contains(&count) {
                    return Err(CommandError::NodeCount);
                }
                self.reset(new_timeline(count, self.seed)?, Origin::Sandbox);
                return Ok(Outcome::NewRun);
            }
            Command::Seed(seed) => {
                self.reset(new_timeline(self.nodes, seed)?, Origin::Sandbox);
                return Ok(Outcome::NewRun);
            }
            Command::Select(selection) => self.selection = selection,
            Command::Scene(id) => {
                self.open_scene(&id)?;
                return Ok(Outcome::NewRun);
            }
            Command::Sandbox => self.scene = None,
            Command::Lang(lang) => {
                self.lang = lang;
                return Ok(Outcome::NewLang);
            }
        }
        Ok(Outcome::Done)
    }

    /// Opens the tour scene `id` at its start.
    fn open_scene(&mut self, id: &str) -> Result<(), CommandError> {
        let (run, timeline, origin) = play_scene(id)?;
        self.reset(timeline, origin);
        self.scene = Some(run);
        Ok(())
    }

    fn now(&self) -> Instant {
        self.timeline().now()
    }

    /// Stops playback where the cursor is (a step forward or back).
    fn pause_here(&mut self) {
        self.playing = false;
        self.owed_us = 0.0;
    }

    /// Applies an action at the cursor. It ends the tour's script ("try it yourself"),
    /// keeping the world as it is.
    fn act(&mut self, action: Action) -> Result<(), CommandError> {
        self.timeline.act(action)?;
        self.scene = None;
        Ok(())
    }

    fn reset(&mut self, mut timeline: Timeline, origin: Origin) {
        timeline.set_history_capacity(HISTORY_RECORDS);
        self.nodes = timeline.world().ids().len();
        self.seed = timeline.world().seed();
        self.timeline = timeline;
        self.history_reserved = false;
        self.scene = None;
        self.origin = origin;
        self.selection = None;
        self.owed_us = 0.0;
        let entries = view::longest_log(self.world());
        self.stage = Stage::new(self.nodes, self.stage.width, self.stage.height, entries);
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
            _ => Err(CommandError::NoSuchNode {
                name: name.into(),
                nodes: n,
            }),
        }
    }

    /// The "split" preset's groups: the leader (or A, before any election) and the
    /// next [`split_minority`]` - 1` nodes after it, against the rest.
    pub fn split_groups(&self) -> Result<Vec<Vec<NodeId>>, CommandError> {
        let n = self.world().ids().len();
        if n < 3 {
            return Err(CommandError::SplitTooSmall);
        }
        let first = self.world().leader().map_or(0, |id| id.0 as usize);
        let k = split_minority(n);
        let id = |i: usize| NodeId(i as u32);
        let minority: Vec<NodeId> = (0..k).map(|i| id((first + i) % n)).collect();
        let majority = (0..n).map(id).filter(|i| !minority.contains(i)).collect();
        Ok(vec![minority, majority])
    }

    /// The "isolate leader" preset's groups: the leader alone, the rest together.
    pub fn isolate_groups(&self) -> Result<Vec<Vec<NodeId>>, CommandError> {
        let leader = self.world().leader().ok_or(CommandError::NoLeader)?;
        let rest = self
            .world()
            .ids()
            .iter()
            .copied()
            .filter(|&id| id != leader)
            .collect();
        Ok(vec![vec![leader], rest])
    }
}

/// How many nodes the "split" preset puts with the leader: the largest minority
/// (2 of 5, 1 of 3, 4 of 9), at least 1.
pub fn split_minority(nodes: usize) -> usize {
    (nodes.saturating_sub(1) / 2).max(1)
}

/// History records the page keeps (about 2.5 MB; some minutes of virtual time for five
/// nodes). The web layer allocates them all right after the first frame
/// ([`App::reserve_history`]), so memory stays flat however long the page runs without
/// delaying the first frame. Older moments stay reachable by seeking; only their records
/// (feed lines) are gone.
pub const HISTORY_RECORDS: usize = 32_768;

/// The tour scene `id`, its script played into a new timeline (see [`SceneRun::new`]).
fn play_scene(id: &str) -> Result<(SceneRun, Timeline, Origin), CommandError> {
    let s = scene::by_id(id).ok_or_else(|| CommandError::NoScene(id.into()))?;
    let origin = Origin::Scene(s.id);
    let (run, timeline) = SceneRun::new(s)?;
    Ok((run, timeline, origin))
}

/// A sandbox timeline: the default setup with this size and seed.
fn new_timeline(nodes: usize, seed: u64) -> Result<Timeline, CommandError> {
    Ok(Timeline::new(&Setup {
        nodes,
        seed,
        ..Setup::default()
    })?)
}

/// The network after `change`, checked.
fn network(now: &NetworkSettings, change: NetworkChange) -> Result<NetworkSettings, CommandError> {
    let mut n = now.clone();
    n.loss_ppm = ppm(change.loss, n.loss_ppm)?;
    n.duplicate_ppm = ppm(change.duplicate, n.duplicate_ppm)?;
    n.reorder_ppm = ppm(change.reorder, n.reorder_ppm)?;
    n.latency_min = latency(change.latency_min, n.latency_min)?;
    n.latency_max = latency(change.latency_max, n.latency_max)?;
    if n.latency_max < n.latency_min {
        return Err(CommandError::LatencyOrder);
    }
    Ok(n)
}

/// A probability in parts per million (`None` keeps `old`). Out of line, as are the
/// two below: each is called more than once.
#[inline(never)]
fn ppm(p: Option<f64>, old: u32) -> Result<u32, CommandError> {
    match p {
        None => Ok(old),
        Some(p) if p.is_finite() && (0.0..=1.0).contains(&p) => Ok((p * 1e6).round() as u32),
        Some(_) => Err(CommandError::Probability),
    }
}

/// A latency of at most 10 s (`None` keeps `old`).
#[inline(never)]
fn latency(v: Option<Duration>, old: Duration) -> Result<Duration, CommandError> {
    match v {
        None => Ok(old),
        Some(v) if v <= Duration::from_secs(10) => Ok(v),
        Some(_) => Err(CommandError::Latency),
    }
}

/// An election timeout bound, 1 ms to 60 s.
#[inline(never)]
fn election_timeout(v: Duration) -> Result<Duration, CommandError> {
    if (Duration::from_millis(1)..=Duration::from_secs(60)).contains(&v) {
        Ok(v)
    } else {
        Err(CommandError::ElectionTimeout)
    }
}
