//! The application state behind the page, as plain Rust: the timeline, the tour
//! scene playing on it (if any), playback, selection, and every [`Command`].

use core::time::Duration;

mod checks;
mod diagram_view;
mod partitions;
mod tour_moves;

pub use self::partitions::split_minority;

use self::checks::{election_timeout, network};

use raft_sim::raft_core::{Instant, NodeId};
use raft_sim::scene::{self, SceneRun};

use crate::tour::{TaskRun, Tour};
use raft_sim::{Action, Protocol, Setup, Timeline, World};

use crate::command::{Command, CommandError, Outcome};
use crate::lang::Lang;
use crate::layout::Point;
use crate::options::{DEFAULT_SPEED, MAX_SPEED, MIN_SPEED, Options};
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
/// The app is in the tour while it holds a [`Tour`], in the sandbox otherwise. A tour
/// scene's cues are recorded actions of its timeline ([`SceneRun`]), so playing,
/// seeking, stepping and going live keep the scene and its captions; the tour's own
/// commands (`Tour`, `Next`, `Prev`, `Replay`) move between its steps. "Try it
/// yourself" (`Try`), or any command that changes the world (a crash, a client write,
/// a partition...), leaves the tour where the cursor is: the world stays exactly as it
/// is, the scene's later cues are forgotten ([`Timeline::fork`]), and the scene's task,
/// if it has one, is checked from then on. `TourMode` goes back to the step the
/// reader left.
#[derive(Debug)]
pub struct App {
    timeline: Timeline,
    /// The tour, while the reader is in it; dropped by "try it yourself".
    tour: Option<Tour>,
    /// Where the reader left the tour (scene index, step), to go back to.
    left_tour: Option<(usize, usize)>,
    /// The task taken from the tour into the sandbox, if any.
    task: Option<TaskRun>,
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
    /// The diagram's zoom: its span, once the reader chose one (else the tour's step
    /// or the default).
    diagram_span: Option<Duration>,
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
            let timeline = new_timeline(options.nodes, seed, options.protocol)?;
            return Ok(App::from_timeline(timeline, Origin::Sandbox, options));
        };
        let (run, timeline, origin) = play_scene(id)?;
        let mut app = App::from_timeline(timeline, origin, options);
        let index = crate::tour::index_of(id).unwrap_or(0);
        let mut tour = Tour::new(run, index);
        let step = options.step.unwrap_or(0);
        if options.autoplay {
            tour.play(&mut app.timeline, step);
        } else {
            tour.show(&mut app.timeline, step);
        }
        app.playing = false;
        app.tour = Some(tour);
        Ok(app)
    }

    /// An app showing `timeline` (its cursor where it is), built from `origin`: a
    /// shared run rebuilt by [`Timeline::replay`], say. Playback and language come
    /// from `options`; the seed and the size from the timeline.
    pub fn from_timeline(mut timeline: Timeline, origin: Origin, options: &Options) -> App {
        timeline.set_history_capacity(HISTORY_RECORDS);
        let nodes = view::present(timeline.world());
        let entries = view::longest_log(timeline.world());
        App {
            seed: timeline.world().seed(),
            timeline,
            tour: None,
            left_tour: None,
            task: None,
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
            diagram_span: None,
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
        self.tour.as_ref().map(Tour::run)
    }

    /// The tour, if the reader is in it.
    pub fn tour(&self) -> Option<&Tour> {
        self.tour.as_ref()
    }

    /// The task taken from the tour into the sandbox, if any.
    pub fn task(&self) -> Option<&TaskRun> {
        self.task.as_ref()
    }

    /// Where this run's world came from.
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// The seed of this run.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The protocol switches the world at the cursor runs.
    pub fn protocol(&self) -> Protocol {
        Protocol::of(self.world().config())
    }

    /// The protocol a new sandbox run starts with: the one in force, so that a new
    /// size or seed keeps what the reader switched on; from the tour, Basic (a scene's
    /// switches belong to the scene).
    fn next_protocol(&self) -> Protocol {
        match self.tour {
            Some(_) => Protocol::default(),
            None => self.protocol(),
        }
    }

    /// Whether it is playing (in the tour: whether a step is playing).
    pub fn playing(&self) -> bool {
        match &self.tour {
            Some(t) => t.is_playing(),
            None => self.playing,
        }
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

    /// Why the selection came about, in the reader's language (see
    /// [`why::of_subject`](crate::why::of_subject)).
    pub fn why(&self) -> Option<crate::why::Why> {
        let subject = match self.selection? {
            Selection::Node(id) => crate::why::Subject::Node(id),
            Selection::Message(id) => crate::why::Subject::Message(id),
            Selection::Event(seq) => crate::why::Subject::Event(seq),
        };
        let now = self.timeline.world().now();
        crate::why::of_subject(self.timeline.history(), now, subject, self.lang)
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
        // Servers join and leave while the cluster runs (paper §6): the ring is laid
        // out for those in the picture.
        let nodes = view::present(self.world());
        if self.stage.suits(entries) && nodes == self.nodes {
            return false;
        }
        self.nodes = nodes;
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
        if let Some(tour) = self.tour.as_mut() {
            // The tour's pace, scaled by the speed (`speed=1` plays 15 times faster).
            let scaled = wall_ms * self.speed / DEFAULT_SPEED;
            return tour.tick(&mut self.timeline, scaled) || redraw;
        }
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
        if redraw && let Some(task) = self.task.as_mut() {
            task.check(self.timeline.world());
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
        if !self.playing() {
            return None;
        }
        let world = self.world();
        let moving = world.flights().next().is_some();
        let cadence: f64 = if moving { 33.0 } else { 100.0 };
        let until_event = world.next_event_time().map_or(f64::INFINITY, |t| {
            t.as_micros().saturating_sub(world.now().as_micros()) as f64 / 1_000.0 / self.pace()
        });
        Some(cadence.min(until_event).max(0.0))
    }

    /// The picture at the cursor.
    pub fn frame(&self) -> Frame<'_> {
        let t = self.timeline();
        // In the tour, what the step's caption talks about is marked, once it is
        // shown (while it plays, the picture is the story).
        let mut frame = view::frame(
            t.world(),
            t.history(),
            &self.stage,
            self.selection,
            self.subjects(),
        );
        frame.client.label = self.lang.tr("client");
        frame.votes_label = self.lang.tr("votes {0}");
        frame.needs_label = self.lang.tr("needs > {0}");
        frame.snapshot_label = self.lang.tr("snapshot");
        frame
    }

    /// A click or tap at `p` (CSS pixels): selects what is there, or clears.
    pub fn click(&mut self, p: Point) -> Option<Selection> {
        let hit = view::hit(&self.frame(), p);
        self.selection = hit;
        self.dirty = true;
        hit
    }

    /// Virtual time per real time: the speed, or in the tour its pace.
    fn pace(&self) -> f64 {
        match &self.tour {
            Some(_) => crate::tour::TOUR_PACE * self.speed / DEFAULT_SPEED,
            None => self.speed,
        }
    }

    /// Carries out a command; refused, it changes nothing.
    pub fn command(&mut self, cmd: Command) -> Result<Outcome, CommandError> {
        self.dirty = true;
        let outcome = self.carry_out(cmd)?;
        self.relayout();
        if let Some(task) = self.task.as_mut() {
            task.check(self.timeline.world());
        }
        Ok(outcome)
    }

    fn carry_out(&mut self, cmd: Command) -> Result<Outcome, CommandError> {
        if let Some(tour) = self.tour.as_mut() {
            match cmd {
                Command::Play | Command::Toggle if !tour.is_playing() => {
                    return self.next_step();
                }
                Command::Pause | Command::Toggle => {
                    tour.pause();
                    return Ok(Outcome::Done);
                }
                _ => {}
            }
        }
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
                self.follow_cursor();
            }
            Command::Back => {
                self.pause_here();
                self.timeline.step_back();
                self.follow_cursor();
            }
            Command::Seek(t) => {
                if t > self.timeline.frontier().after(MAX_REPLAY) {
                    return Err(CommandError::SeekTooFar);
                }
                self.owed_us = 0.0;
                self.timeline.seek(t);
                self.follow_cursor();
            }
            Command::Live => {
                self.timeline.go_live();
                self.follow_cursor();
            }
            Command::Crash(id) => self.act(Action::Crash(id))?,
            Command::Restart(id) => self.act(Action::Restart(id))?,
            Command::Timeout(id) => self.act(Action::TimeoutNow(id))?,
            Command::AddNode => self.act(Action::AddServer)?,
            Command::RemoveNode(id) => self.act(Action::RemoveServer(id))?,
            Command::Snapshot(id) => self.act(Action::TakeSnapshot(id))?,
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
            Command::Protocol(protocol) => {
                // The same switches again would record an action that changes nothing.
                if protocol != self.protocol() {
                    self.act(Action::SetProtocol(protocol))?;
                }
            }
            Command::Nodes(count) => {
                if !(1..=raft_sim::MAX_NODES).contains(&count) {
                    return Err(CommandError::NodeCount);
                }
                let timeline = new_timeline(count, self.seed, self.next_protocol())?;
                self.reset(timeline, Origin::Sandbox);
                return Ok(Outcome::NewRun);
            }
            Command::Seed(seed) => {
                let timeline = new_timeline(self.nodes, seed, self.next_protocol())?;
                self.reset(timeline, Origin::Sandbox);
                return Ok(Outcome::NewRun);
            }
            Command::Select(selection) => {
                self.check_selection(selection)?;
                self.selection = selection;
            }
            Command::Zoom(factor) => self.zoom(factor),
            Command::Tour { scene, step, play } => return self.open_tour(&scene, step, play),
            Command::Next => return self.next_step(),
            Command::Prev => return self.prev_step(),
            Command::Replay => {
                let tour = self.tour.as_mut().ok_or(CommandError::NotInTour)?;
                let step = tour.step();
                tour.play(&mut self.timeline, step);
            }
            Command::Try => {
                if self.tour.is_none() {
                    return Err(CommandError::NotInTour);
                }
                self.leave_tour();
                return Ok(Outcome::Moved);
            }
            Command::TourMode => {
                if self.tour.is_none() {
                    let (index, step) = self.left_tour.unwrap_or((0, 0));
                    let id = crate::tour::id_at(index).unwrap_or(crate::options::FIRST_SCENE);
                    return self.open_tour(id, step, false);
                }
                return Ok(Outcome::Done);
            }
            Command::SandboxMode(seed) => {
                let timeline = new_timeline(self.nodes.max(3), seed, self.next_protocol())?;
                self.reset(timeline, Origin::Sandbox);
                self.playing = true;
                return Ok(Outcome::NewRun);
            }
            Command::Lang(lang) => {
                self.lang = lang;
                return Ok(Outcome::NewLang);
            }
        }
        Ok(Outcome::Done)
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
        // Checked first: a refused action must not leave the tour.
        if self.tour.is_some() {
            self.timeline.world().check(&action)?;
            self.leave_tour();
        }
        self.timeline.act(action)?;
        Ok(())
    }

    fn reset(&mut self, mut timeline: Timeline, origin: Origin) {
        timeline.set_history_capacity(HISTORY_RECORDS);
        self.nodes = view::present(timeline.world());
        self.seed = timeline.world().seed();
        self.timeline = timeline;
        self.history_reserved = false;
        self.tour = None;
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

/// A sandbox run's setup: the default one with this size, seed and protocol.
pub fn sandbox_setup(nodes: usize, seed: u64, protocol: Protocol) -> Setup {
    let mut setup = Setup {
        nodes,
        seed,
        ..Setup::default()
    };
    protocol.apply_to(&mut setup.raft);
    setup
}

/// A sandbox timeline (see [`sandbox_setup`]).
fn new_timeline(nodes: usize, seed: u64, protocol: Protocol) -> Result<Timeline, CommandError> {
    Ok(Timeline::new(&sandbox_setup(nodes, seed, protocol))?)
}
