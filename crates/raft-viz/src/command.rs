//! What the page asks of the [`App`](crate::app::App), typed: a [`Command`] in, an
//! [`Outcome`] or a [`CommandError`] out.
//!
//! Commands carry ids, times and durations, never names or strings of numbers: the JS
//! API and the DOM controls turn what a person typed into a `Command` at the edge
//! (`web/api.rs`, `web/dispatch.rs`), and refuse what does not parse there, with a
//! [`CommandError`] as well. The error is a value; [`CommandError::describe`] says it in
//! the reader's language.

use core::time::Duration;

use raft_sim::raft_core::{ChangeError, Instant, NodeId, SnapshotError};
use raft_sim::{ActionError, MsgId, Op, Protocol, SetupError};

use crate::lang::Lang;
use crate::narrate::text::say;
use crate::view::Selection;

/// One thing a person (a button, a key, a click, `raftviz.command`) asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Start playing.
    Play,
    /// Stop playing.
    Pause,
    /// Play or pause.
    Toggle,
    /// Virtual time per real time, [`MIN_SPEED`](crate::options::MIN_SPEED) to
    /// [`MAX_SPEED`](crate::options::MAX_SPEED).
    Speed(f64),
    /// Process the next event, paused.
    Step,
    /// Undo the last event, paused.
    Back,
    /// Move the cursor to this virtual time.
    Seek(Instant),
    /// Jump to the live end of the timeline.
    Live,
    /// Crash a node.
    Crash(NodeId),
    /// Restart a crashed node.
    Restart(NodeId),
    /// Make a node's election timeout elapse now.
    Timeout(NodeId),
    /// Start a new server and ask the leader to add it (paper §6: it joins as a
    /// learner, catches up, then becomes a voter).
    AddNode,
    /// Ask the leader to remove a server (the leader itself included, §6).
    RemoveNode(NodeId),
    /// A node snapshots what it has applied and drops that part of its log (§7).
    Snapshot(NodeId),
    /// The client sends `op`, to `to` first (else to the node it thinks leads).
    Client {
        /// `set v` or `add v`.
        op: Op,
        /// The node asked first.
        to: Option<NodeId>,
    },
    /// Drop a message in flight.
    Drop(MsgId),
    /// Split the nodes into groups that cannot talk.
    Partition(Vec<Vec<NodeId>>),
    /// The "split" preset: the leader and a minority against the rest
    /// ([`split_minority`](crate::app::split_minority)).
    Split,
    /// The "isolate leader" preset: the leader alone against the rest.
    IsolateLeader,
    /// Cut the link `from` → `to` (and back, if `both`).
    Cut {
        /// One end.
        from: NodeId,
        /// The other end.
        to: NodeId,
        /// Both directions.
        both: bool,
    },
    /// Restore every link.
    Heal,
    /// Change some of the network's settings.
    Network(NetworkChange),
    /// The election timeout range.
    Timeouts {
        /// Lower bound.
        min: Duration,
        /// Upper bound.
        max: Duration,
    },
    /// Run these protocol switches from now on (a recorded action; the same switches
    /// again change nothing). The page and the JS API work out the whole protocol from
    /// a preset or a change of some switches at the edge.
    Protocol(Protocol),
    /// A new sandbox cluster of this size (same seed).
    Nodes(usize),
    /// A new sandbox run with this seed.
    Seed(u64),
    /// Select a node, a message or an event of the history, or nothing.
    Select(Option<Selection>),
    /// Zoom the space-time diagram's time axis by this factor (above 1: zoom out).
    Zoom(f64),
    /// Open the tour at a scene's step (from 0): shown at once, or (`play`) played
    /// from the step before it.
    Tour {
        /// The scene's id.
        scene: String,
        /// The step, from 0 (past the last: the last).
        step: usize,
        /// Play the step rather than show it.
        play: bool,
    },
    /// The tour's next step; after a scene's last step, the next scene's first.
    Next,
    /// The tour's previous step, shown at once; before a scene's first step, the
    /// previous scene's last.
    Prev,
    /// Play the tour's current step again.
    Replay,
    /// Leave the tour and go on in the sandbox from exactly this state ("try it
    /// yourself"), with the scene's task, if it has one.
    Try,
    /// Back to the tour: where the reader left it, else its first step.
    TourMode,
    /// A new sandbox run with this seed (the Tour | Sandbox switch).
    SandboxMode(u64),
    /// Change the language.
    Lang(Lang),
}

/// The settings a [`Command::Network`] changes; `None` keeps the current one.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NetworkChange {
    /// Loss probability, 0 to 1.
    pub loss: Option<f64>,
    /// Shortest latency.
    pub latency_min: Option<Duration>,
    /// Longest latency.
    pub latency_max: Option<Duration>,
    /// Duplication probability, 0 to 1.
    pub duplicate: Option<f64>,
    /// Reordering probability, 0 to 1.
    pub reorder: Option<f64>,
}

/// What a carried-out command changed beyond the picture (which is always redrawn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The run goes on.
    Done,
    /// A new run (seed, size or scene): whatever was read from the old one starts over.
    NewRun,
    /// Another step or scene of the tour, or the switch between tour and sandbox, on
    /// the same run: the tour's card is to be written again.
    Moved,
    /// The language changed: every label is to be written again.
    NewLang,
}

/// Why a command was refused. Nothing changed.
#[derive(Debug, Clone, PartialEq)]
pub enum CommandError {
    /// A speed outside [`MIN_SPEED`](crate::options::MIN_SPEED) to
    /// [`MAX_SPEED`](crate::options::MAX_SPEED).
    Speed,
    /// A seek to a time that is not a time (negative, not a number).
    SeekTime,
    /// A seek further past the live end than [`MAX_REPLAY`](crate::app::MAX_REPLAY).
    SeekTooFar,
    /// An event the history does not hold (never recorded, or forgotten).
    NoSuchEvent(u64),
    /// A node name the cluster does not have.
    NoSuchNode {
        /// The name as given.
        name: String,
        /// The cluster's size.
        nodes: usize,
    },
    /// A link from a node to itself.
    SameNode,
    /// A probability outside 0 to 1.
    Probability,
    /// A latency outside 0 to 10 s.
    Latency,
    /// A longest latency shorter than the shortest.
    LatencyOrder,
    /// An election timeout outside 1 ms to 60 s.
    ElectionTimeout,
    /// A cluster size outside 1 to [`MAX_NODES`](raft_sim::MAX_NODES).
    NodeCount,
    /// No scene has this id.
    NoScene(String),
    /// A tour command outside the tour.
    NotInTour,
    /// A mode other than tour or sandbox.
    Mode,
    /// A language other than `en` and `zh`.
    Lang,
    /// A protocol preset other than `basic`, `full` and `unsafe`.
    Preset,
    /// A protocol command that names neither a preset nor a switch.
    NoProtocol,
    /// The split preset on fewer than 3 nodes.
    SplitTooSmall,
    /// The isolate preset before any leader.
    NoLeader,
    /// The world refused the action.
    Refused(ActionError),
    /// The world could not be built (the page checks sizes and settings before, so
    /// this is a bug if it shows).
    Setup(SetupError),
}

impl CommandError {
    /// What is wrong, in `lang`.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            CommandError::Speed => say!(lang, "speed must be between 0.001 and 1"),
            CommandError::SeekTime => say!(lang, "seek needs a time in ms, 0 or more"),
            CommandError::SeekTooFar => {
                say!(lang, "a seek goes at most 10 minutes past the live end")
            }
            CommandError::NoSuchEvent(seq) => say!(lang, "no event {0} in the history", *seq),
            CommandError::NoSuchNode { name, nodes } => say!(
                lang,
                "no node \"{0}\" in a cluster of {1}",
                name.as_str(),
                *nodes
            ),
            CommandError::SameNode => say!(lang, "a link joins two different nodes"),
            CommandError::Probability => say!(lang, "probabilities are between 0 and 1"),
            CommandError::Latency => say!(lang, "latency is 0 to 10,000 ms"),
            CommandError::LatencyOrder => say!(
                lang,
                "the longest latency must not be shorter than the shortest"
            ),
            CommandError::ElectionTimeout => say!(lang, "timeouts are 1 to 60,000 ms"),
            CommandError::NodeCount => say!(lang, "a cluster has 1 to 9 nodes"),
            CommandError::NoScene(id) => say!(lang, "no scene called {0}", id.as_str()),
            CommandError::NotInTour => say!(lang, "that works only in the tour"),
            CommandError::Mode => say!(lang, "use tour or sandbox."),
            CommandError::Lang => say!(lang, "use en or zh"),
            CommandError::Preset => say!(lang, "the presets are basic, full and unsafe"),
            CommandError::NoProtocol => {
                say!(lang, "name a preset or some switches to change")
            }
            CommandError::SplitTooSmall => say!(lang, "a split needs at least 3 nodes"),
            CommandError::NoLeader => say!(lang, "there is no leader to isolate yet"),
            CommandError::Refused(e) => match *e {
                ActionError::NoSuchNode(id) => say!(lang, "there is no {0}", id),
                ActionError::NodeDown(id) => say!(lang, "{0} is crashed", id),
                ActionError::NodeUp(id) => say!(lang, "{0} is already running", id),
                ActionError::IsLeader(id) => {
                    say!(lang, "{0} is the leader and has no election timer", id)
                }
                ActionError::NoSuchMessage(id) => {
                    say!(lang, "message #{0} is no longer in flight", id.0)
                }
                ActionError::BadSettings => say!(lang, "those settings are impossible"),
                ActionError::Full => say!(lang, "a cluster has at most 9 servers"),
                ActionError::NoLeader => say!(lang, "there is no leader to ask yet"),
                ActionError::Membership(c) => match c {
                    ChangeError::NotLeader { .. } => say!(lang, "there is no leader to ask yet"),
                    ChangeError::AlreadyMember(id) => say!(lang, "{0} is already a member", id),
                    ChangeError::NotMember(id) => say!(lang, "{0} is not a member", id),
                    ChangeError::LastVoter(id) => {
                        say!(lang, "{0} is the last voter: a cluster needs one", id)
                    }
                },
                ActionError::Removed(id) => say!(lang, "{0} has left the cluster", id),
                ActionError::Snapshot(id, SnapshotError::NotCommitted(_)) => {
                    say!(lang, "{0} has nothing committed to snapshot yet", id)
                }
                ActionError::Snapshot(id, SnapshotError::AlreadyCompacted(i)) => say!(
                    lang,
                    "{0}'s snapshot already covers everything it applied (up to index {1})",
                    id,
                    i
                ),
            },
            CommandError::Setup(SetupError::NodeCount(n)) => {
                say!(lang, "a cluster has 1 to 9 nodes, not {0}", *n)
            }
            CommandError::Setup(_) => say!(
                lang,
                "the simulation could not be set up with these settings"
            ),
        }
    }
}

impl core::fmt::Display for CommandError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.describe(Lang::En))
    }
}

impl From<ActionError> for CommandError {
    fn from(e: ActionError) -> Self {
        CommandError::Refused(e)
    }
}

impl From<SetupError> for CommandError {
    fn from(e: SetupError) -> Self {
        CommandError::Setup(e)
    }
}

/// A time in ms as people and the JS API give it, as an [`Instant`] (whole µs,
/// truncated); `None` for a negative or non-finite one.
pub fn instant_ms(ms: f64) -> Option<Instant> {
    (ms.is_finite() && ms >= 0.0).then(|| Instant::from_micros((ms * 1_000.0) as u64))
}

/// A duration in ms as people and the JS API give it (whole µs, truncated); `None` for
/// a negative or non-finite one.
pub fn duration_ms(ms: f64) -> Option<Duration> {
    instant_ms(ms).map(|t| Duration::from_micros(t.as_micros()))
}
