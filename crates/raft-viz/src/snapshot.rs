//! What `window.raftviz.snapshot()` returns: the visible state as plain data, built by
//! [`Snapshot::of`]; the web layer makes it into JS objects (`web/js_snapshot.rs`).

use raft_sim::raft_core::{Payload, Role};
use raft_sim::scene::{MessageKind, Subject};
use raft_sim::{Endpoint, Protocol, node_name};

use crate::app::App;
use crate::diagram::{self, Diagram, Scale};
use crate::lang::Lang;
use crate::narrate::text::Arg;
use crate::num::u64_text;
use crate::view::config_label;
use crate::view::{self, Shape};

/// The visible state, for hosts and tests.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Virtual time, ms.
    pub time_ms: f64,
    /// The seed (a string: JavaScript numbers lose precision past 2^53).
    pub seed: String,
    /// Playing or paused.
    pub playing: bool,
    /// Playback speed.
    pub speed: f64,
    /// At the live end of the timeline.
    pub live: bool,
    /// The leader with the highest term, if any.
    pub leader: Option<String>,
    /// Every node.
    pub nodes: Vec<NodeSnapshot>,
    /// Messages in flight.
    pub messages: Vec<MessageSnapshot>,
    /// No safety violation so far.
    pub safe: bool,
    /// The violations, described.
    pub violations: Vec<String>,
    /// The tour scene, if any.
    pub scene: Option<String>,
    /// The reader's place in the tour, `None` in the sandbox.
    pub tour: Option<TourSnapshot>,
    /// The task taken from the tour into the sandbox, if any.
    pub task: Option<TaskSnapshot>,
    /// The protocol switches in force at the cursor.
    pub protocol: Protocol,
    /// Why the selection came about (the rule panel), if something is selected and a
    /// rule explains it.
    pub why: Option<WhySnapshot>,
}

/// Where the space-time diagram puts things, for hosts that point at it (and tests
/// that click its lines and marks): the window's times and their x, and the lanes'
/// places, in CSS pixels of the diagram's canvas.
#[derive(Debug, Clone, PartialEq)]
pub struct DiagramSnapshot {
    /// The window's left edge, ms.
    pub from_ms: f64,
    /// Its right edge ("now" outside the tour), ms.
    pub to_ms: f64,
    /// The x of `from_ms`.
    pub left: f64,
    /// The x of `to_ms`.
    pub right: f64,
    /// The y of the first lane's top edge, and each lane's height: lane `i` (the
    /// nodes in id order, then the client's if it is drawn) is centred on
    /// `top + lane_height * (i + 0.5)`.
    pub top: f64,
    /// See `top`.
    pub lane_height: f64,
}

impl DiagramSnapshot {
    /// The snapshot of diagram `d` drawn at `scale`.
    pub fn of(d: &Diagram, scale: &Scale) -> DiagramSnapshot {
        DiagramSnapshot {
            from_ms: d.window.from.as_micros() as f64 / 1_000.0,
            to_ms: d.window.to.as_micros() as f64 / 1_000.0,
            left: scale.x(d.window.from),
            right: scale.x(d.window.to),
            top: diagram::AXIS_HEIGHT,
            lane_height: scale.lane_height(),
        }
    }
}

/// The rule behind the selection, in a [`Snapshot`].
#[derive(Debug, Clone, PartialEq)]
pub struct WhySnapshot {
    /// The rule's id (`"current-term-only"`).
    pub rule: &'static str,
    /// Where the paper states it (`"§5.4.2"`).
    pub cite: &'static str,
    /// What it compared, in the reader's language.
    pub text: String,
}

/// The JS names of the switches, in [`Switch::ALL`](raft_sim::Switch::ALL)'s order:
/// `snapshot().protocol` shows the safe ones beside `preset` and the unsafe ones in
/// `unsafe`; `command({type: "protocol", switches})` takes them all side by side.
/// `joint` is the inverse of [`Switch::SingleServer`](raft_sim::Switch::SingleServer):
/// JS says which way membership changes, `true` the paper's joint consensus.
pub const SWITCH_KEYS: [&str; 10] = [
    "preVote",
    "checkQuorum",
    "noop",
    "immediate",
    "fixedElectionTimeout",
    "skipLogUpToDateCheck",
    "commitOldTermsByCounting",
    "joint",
    "uncheckedMembershipChanges",
    "snapshotDiscardsLogSuffix",
];

/// The JS name of the snapshot threshold, beside the switches.
pub const SNAPSHOT_EVERY_KEY: &str = "snapshotEvery";

/// The tour's state in a [`Snapshot`].
#[derive(Debug, Clone, PartialEq)]
pub struct TourSnapshot {
    /// The scene's id.
    pub scene: &'static str,
    /// The step, from 1.
    pub step: usize,
    /// How many steps the scene has.
    pub steps: usize,
    /// The step's caption, in the reader's language.
    pub caption: String,
    /// The scene's title, in the reader's language.
    pub title: String,
    /// What the caption talks about: node names ("B"), message kinds (as in
    /// [`MessageSnapshot::kind`], "client" for the client's), log entries ("A[2]"),
    /// "client".
    pub subjects: Vec<String>,
    /// Whether the step is shown at its moment (not playing toward it).
    pub done: bool,
}

/// A task in a [`Snapshot`].
#[derive(Debug, Clone, PartialEq)]
pub struct TaskSnapshot {
    /// What to do, in the reader's language.
    pub text: String,
    /// Whether it is done.
    pub done: bool,
}

/// One scene of the tour, as `raftviz.scenes()` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct SceneSummary {
    /// Its id (`?scene=`).
    pub id: &'static str,
    /// Its title, in the reader's language.
    pub title: String,
    /// Its chapter's heading, in the reader's language.
    pub chapter: String,
    /// How many steps it has.
    pub steps: usize,
}

/// The tour's scenes in order, in `lang`.
pub fn scenes(lang: Lang) -> Vec<SceneSummary> {
    crate::tour::scenes()
        .iter()
        .map(|s| SceneSummary {
            id: s.id,
            title: lang.tr(s.title_en).to_owned(),
            chapter: lang.tr(s.chapter.title_en()).to_owned(),
            steps: s.waypoints.len(),
        })
        .collect()
}

/// How a subject is named in a [`TourSnapshot`].
pub fn subject_name(s: &Subject) -> String {
    match *s {
        Subject::Node(id) => node_name(id),
        Subject::Messages(kind) => String::from(match kind {
            MessageKind::VoteRequest => "requestVote",
            MessageKind::VoteReply => "voteReply",
            MessageKind::Append => "appendEntries",
            MessageKind::AppendReply => "appendReply",
            MessageKind::Client => "client",
        }),
        Subject::Entry { node, index } => {
            let mut t = node_name(node);
            t.push('[');
            crate::num::push_u64(&mut t, index);
            t.push(']');
            t
        }
        Subject::Client => String::from("client"),
    }
}

/// One node in a [`Snapshot`].
#[derive(Debug, Clone, PartialEq)]
pub struct NodeSnapshot {
    /// A, B, C...
    pub name: String,
    /// follower, precandidate, candidate, leader, crashed, or removed (a committed
    /// configuration left it out, paper §6: it has left the cluster for good).
    pub role: &'static str,
    /// A learner (paper §6): it receives entries but has no vote yet, or it waits to
    /// be added.
    pub learner: bool,
    /// The last index its snapshot covers (paper §7), 0 with none; its `log` starts
    /// after it.
    pub snapshot_index: u64,
    /// The configuration it uses (its latest, committed or not), while it runs.
    pub config: Option<ConfigSnapshot>,
    /// Current term.
    pub term: u64,
    /// Vote in the current term.
    pub voted_for: Option<String>,
    /// Votes received (candidates).
    pub votes: Vec<String>,
    /// Its value.
    pub value: i64,
    /// Commit index.
    pub commit_index: u64,
    /// The log.
    pub log: Vec<EntrySnapshot>,
    /// When the election timer fires, ms (none for leaders and crashed nodes).
    pub timer_ms: Option<f64>,
}

/// A configuration in a [`Snapshot`] (paper §6).
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigSnapshot {
    /// The voters (C_new while joint).
    pub voters: Vec<String>,
    /// While joint, C_old's voters (both majorities count); else empty.
    pub outgoing: Vec<String>,
    /// The learners.
    pub learners: Vec<String>,
}

/// One log entry in a [`Snapshot`].
#[derive(Debug, Clone, PartialEq)]
pub struct EntrySnapshot {
    /// Index.
    pub index: u64,
    /// Term.
    pub term: u64,
    /// "set 5", "add 1" or "noop".
    pub command: String,
    /// Committed on this node.
    pub committed: bool,
}

/// One message in a [`Snapshot`].
#[derive(Debug, Clone, PartialEq)]
pub struct MessageSnapshot {
    /// Id (for `drop`).
    pub id: u64,
    /// Sender name.
    pub from: String,
    /// Receiver name.
    pub to: String,
    /// requestVote, voteReply, appendEntries, appendReply, clientRequest, clientReply.
    pub kind: &'static str,
    /// Granted / success, for replies.
    pub ok: Option<bool>,
    /// An empty AppendEntries.
    pub heartbeat: bool,
    /// Sent at, ms.
    pub sent_ms: f64,
    /// Arrives at, ms.
    pub arrive_ms: f64,
    /// Where its dot is on the cluster's canvas, CSS pixels.
    pub x: f64,
    /// See `x`.
    pub y: f64,
}

impl Snapshot {
    /// The visible state of `app` at its cursor.
    pub fn of(app: &App) -> Snapshot {
        let w = app.world();
        let nodes = w
            .servers()
            .iter()
            .map(|s| {
                let n = s.node();
                let commit = n.map_or(0, |n| n.commit_index().0);
                let hard = &s.storage().hard_state;
                let members = n.map(raft_sim::raft_core::Node::members);
                let names = |ids: &[raft_sim::raft_core::NodeId]| -> Vec<String> {
                    ids.iter().copied().map(node_name).collect()
                };
                NodeSnapshot {
                    name: s.name().to_owned(),
                    learner: s.is_learner(),
                    snapshot_index: s.storage().log.snapshot_index().0,
                    config: members.map(|m| ConfigSnapshot {
                        voters: names(m.voters()),
                        outgoing: names(m.outgoing()),
                        learners: names(m.learners()),
                    }),
                    role: match n.map(raft_sim::raft_core::Node::role) {
                        None if s.is_removed() => "removed",
                        None => "crashed",
                        Some(Role::Follower) => "follower",
                        Some(Role::PreCandidate) => "precandidate",
                        Some(Role::Candidate) => "candidate",
                        Some(Role::Leader) => "leader",
                    },
                    term: hard.current_term.0,
                    voted_for: hard.voted_for.map(node_name),
                    votes: n.map_or(Vec::new(), |n| {
                        n.votes_granted().iter().copied().map(node_name).collect()
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
                                Payload::Noop => String::from("noop"),
                                Payload::Config(step) => {
                                    let mut text = String::from("config ");
                                    text.push_str(&config_label(*step));
                                    text
                                }
                                Payload::Command(c) => {
                                    let mut text = String::new();
                                    Arg::Op(c.op).push_to(&mut text);
                                    text
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
        let end = |e: Endpoint| match e {
            Endpoint::Node(id) => node_name(id),
            Endpoint::Client(_) => String::from("client"),
        };
        // Where each dot is drawn on the cluster's canvas.
        let frame = app.frame();
        let dot = |id| {
            frame
                .messages
                .iter()
                .find(|m| m.id == id && m.lost.is_none())
                .map_or((f64::NAN, f64::NAN), |m| (m.at.x, m.at.y))
        };
        let messages = w
            .flights()
            .map(|f| {
                let (shape, request, ok, heartbeat) = view::describe(&f.packet);
                let (x, y) = dot(f.id);
                MessageSnapshot {
                    x,
                    y,
                    id: f.id.0,
                    from: end(f.from),
                    to: end(f.to),
                    kind: match (shape, request) {
                        (Shape::Vote, true) => "requestVote",
                        (Shape::Vote, false) => "voteReply",
                        (Shape::Append, true) => "appendEntries",
                        (Shape::Append, false) => "appendReply",
                        (Shape::Client, true) => "clientRequest",
                        (Shape::Client, false) => "clientReply",
                        (Shape::Snapshot, true) => "installSnapshot",
                        (Shape::Snapshot, false) => "snapshotReply",
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
            seed: u64_text(app.seed()),
            playing: app.playing(),
            speed: app.speed(),
            live: app.timeline().is_live(),
            leader: w.leader().map(node_name),
            nodes,
            messages,
            safe: checker.total() == 0,
            violations: checker
                .violations()
                .iter()
                .map(|v| crate::narrate::violation(v, Lang::En))
                .collect(),
            scene: app.scene().map(|s| s.scene().id.to_owned()),
            tour: app.tour().map(|t| TourSnapshot {
                scene: t.scene().id,
                step: t.step() + 1,
                steps: t.steps(),
                caption: t.caption(app.lang()),
                title: app.lang().tr(t.scene().title_en).to_owned(),
                subjects: t.subjects().iter().map(subject_name).collect(),
                done: t.is_done(app.timeline()),
            }),
            task: app.task().map(|t| TaskSnapshot {
                text: app.lang().tr(t.text_en()).to_owned(),
                done: t.is_done(),
            }),
            protocol: app.protocol(),
            why: app.why().map(|w| WhySnapshot {
                rule: w.rule_id(),
                cite: w.cite(),
                text: w.text,
            }),
        }
    }
}
