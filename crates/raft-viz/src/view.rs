//! What to draw at the world's current time: a plain description of the picture,
//! computed from the simulator's state and recent history. Drawing (`draw.rs`) and
//! hit-testing read it; nothing here touches the DOM.

use raft_sim::history::{History, Record};
use raft_sim::network::{Endpoint, Flight, Packet, PacketSummary};
use raft_sim::raft_core::{Instant, MessageKind, NodeId, Payload, Role};
use raft_sim::scene::{MessageKind as Kind, Subject};
use raft_sim::{MsgId, Op, World};

use crate::layout::Point;
use crate::stage::Stage;

/// How long, in virtual time, a lost message's cross stays visible.
pub const LOSS_FADE_US: u64 = 30_000;

/// The shape of a message: what kind of RPC it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// RequestVote and its reply: a diamond.
    Vote,
    /// AppendEntries and its reply: a circle.
    Append,
    /// Client request and reply: a square.
    Client,
    /// InstallSnapshot and its reply: a wide block, like the snapshot at the head of a
    /// log row.
    Snapshot,
}

/// How the tour's spotlight treats an item: with no spotlight everything is
/// `Normal`; with one, what the caption names is `Lit` and the rest `Dim`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// No spotlight.
    Normal,
    /// Named by the caption: marked.
    Lit,
    /// Not named: faded.
    Dim,
}

impl Focus {
    /// `Lit` or `Dim` by `lit` under a spotlight on `subjects`; `Normal` without one.
    pub fn of(subjects: &[Subject], lit: bool) -> Focus {
        match (subjects.is_empty(), lit) {
            (true, _) => Focus::Normal,
            (false, true) => Focus::Lit,
            (false, false) => Focus::Dim,
        }
    }
}

/// How the tour's spotlight treats a message of this look: lit when the caption names
/// its kind.
pub fn message_focus(subjects: &[Subject], shape: Shape, request: bool) -> Focus {
    let kind = match (shape, request) {
        (Shape::Vote, true) => Kind::VoteRequest,
        (Shape::Vote, false) => Kind::VoteReply,
        (Shape::Append, true) => Kind::Append,
        (Shape::Append, false) => Kind::AppendReply,
        (Shape::Client, _) => Kind::Client,
        // Snapshots are replication: the tour's "AppendEntries" spotlight takes them.
        (Shape::Snapshot, true) => Kind::Append,
        (Shape::Snapshot, false) => Kind::AppendReply,
    };
    Focus::of(subjects, subjects.contains(&Subject::Messages(kind)))
}

/// One node as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeView<'a> {
    /// Its id.
    pub id: NodeId,
    /// A, B, C...
    pub name: &'a str,
    /// Centre.
    pub at: Point,
    /// Radius.
    pub radius: f64,
    /// Its role, or `None` when crashed.
    pub role: Option<Role>,
    /// Current term (from storage when crashed).
    pub term: u64,
    /// Its copy of the value.
    pub value: i64,
    /// Votes granted to it (candidates).
    pub votes: usize,
    /// The voters it counts (n: a win needs more than n/2 votes).
    pub voters: usize,
    /// A learner: it receives entries but has no vote yet (paper §6, a new server
    /// catching up), or it waits to be added. Drawn hollow; the rim stays the role's.
    pub learner: bool,
    /// Election timer: time left as a fraction of the longest timeout (0..=1).
    pub timer: Option<f64>,
    /// Leader: time to the next heartbeat as a fraction of the interval.
    pub heartbeat: Option<f64>,
    /// Selected by the user.
    pub selected: bool,
    /// The tour's spotlight.
    pub focus: Focus,
}

/// One message as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageView {
    /// Its id.
    pub id: MsgId,
    /// Where it is now.
    pub at: Point,
    /// Vote, append or client.
    pub shape: Shape,
    /// A request (filled) or a reply (hollow).
    pub request: bool,
    /// For replies: granted / success (`Some(false)` is drawn crossed out).
    pub ok: Option<bool>,
    /// An AppendEntries with no entries.
    pub heartbeat: bool,
    /// Lost: how faded the loss mark is (0 = just lost, 1 = gone).
    pub lost: Option<f64>,
    /// Selected by the user.
    pub selected: bool,
    /// The tour's spotlight.
    pub focus: Focus,
}

/// One log entry as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct CellView {
    /// Whose log.
    pub node: NodeId,
    /// Row (the node's place among those still in the picture).
    pub row: usize,
    /// Visible column.
    pub col: usize,
    /// The entry's term.
    pub term: u64,
    /// Short label: `5` for set 5, `+1` for add 1, `·` for a no-op; for a snapshot,
    /// `≤7`, the last index it covers.
    pub label: String,
    /// Columns it covers: 1 for an entry; a snapshot's block covers the visible
    /// indexes it replaced (paper §7), at the head of the row.
    pub span: usize,
    /// Committed on that node.
    pub committed: bool,
    /// The tour's spotlight.
    pub focus: Focus,
}

/// The client as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientView {
    /// Centre.
    pub at: Point,
    /// The request it waits on (`set 5`), if any.
    pub waiting: Option<Op>,
    /// The value of its last acknowledged write.
    pub last_value: Option<i64>,
    /// Its caption ("client"; the app puts it in the reader's language).
    pub label: &'static str,
    /// The tour's spotlight.
    pub focus: Focus,
}

/// Everything to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame<'a> {
    /// Virtual time.
    pub now: Instant,
    /// Nodes, by id.
    pub nodes: Vec<NodeView<'a>>,
    /// Messages in flight and recently lost.
    pub messages: Vec<MessageView>,
    /// Log entries in the visible window.
    pub cells: Vec<CellView>,
    /// Index of the first visible column.
    pub first_index: u64,
    /// Per row: the node's commit index.
    pub commit: Vec<u64>,
    /// The client.
    pub client: ClientView,
    /// Cut links, as segments between node centres (one per unordered pair).
    pub cuts: Vec<(Point, Point)>,
    /// Safety violations found so far.
    pub violations: u64,
    /// A candidate's vote count, a template: `{0}` is the votes received (the app puts
    /// it in the reader's language, as [`Frame::needs_label`]).
    pub votes_label: &'static str,
    /// What a candidate needs to win, a template: `{0}` is n/2 (a win needs more).
    pub needs_label: &'static str,
    /// The word on a snapshot's block when it is wide enough ("snapshot", in the
    /// reader's language).
    pub snapshot_label: &'static str,
    /// While the leader's configuration is joint (paper §6, C_old,new): the old and
    /// the new voters, "C_old,new: A B C → A B C D".
    pub joint: Option<String>,
}

/// The template of [`Frame::votes_label`], in English.
pub const VOTES_LABEL: &str = "votes {0}";
/// The template of [`Frame::needs_label`], in English.
pub const NEEDS_LABEL: &str = "needs > {0}";
/// [`Frame::snapshot_label`], in English.
pub const SNAPSHOT_LABEL: &str = "snapshot";

/// What is selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// A node.
    Node(NodeId),
    /// A message.
    Message(MsgId),
    /// An event of the history, by its sequence number (a mark of the space-time
    /// diagram).
    Event(u64),
}

/// Builds the frame for the world's current time. `subjects` is what the tour's
/// caption talks about: those items are lit and the rest dimmed (none: no spotlight).
pub fn frame<'a>(
    world: &'a World,
    history: &History,
    stage: &Stage,
    selection: Option<Selection>,
    subjects: &[Subject],
) -> Frame<'a> {
    let now = world.now();
    let config = world.config();
    let max_timeout = config.election_timeout_max.as_micros().max(1) as f64;
    let heartbeat = config.heartbeat_interval.as_micros().max(1) as f64;
    let cluster = world.ids().len();
    // A server that a committed configuration removed has left the picture: the ring's
    // slots (and the log table's rows) go to the others, in id order.
    let slots = slots(world);
    let slot = |id: NodeId| slots.get(id.0 as usize).copied().flatten();

    let nodes: Vec<NodeView<'a>> = world
        .servers()
        .iter()
        .filter(|s| !s.is_removed())
        .enumerate()
        .map(|(i, s)| {
            let at = stage.node(i).unwrap_or(stage.ring.center);
            let node = s.node();
            let left = |deadline: Instant, span: f64| {
                crate::num::clamp(
                    deadline.as_micros().saturating_sub(now.as_micros()) as f64 / span,
                    0.0,
                    1.0,
                )
            };
            NodeView {
                id: s.id(),
                name: s.name(),
                at,
                radius: stage.ring.node_radius,
                role: node.map(raft_sim::raft_core::Node::role),
                term: node.map_or(s.storage().hard_state.current_term.0, |n| n.term().0),
                value: s.machine().value(),
                votes: node.map_or(0, |n| n.votes_granted().len()),
                voters: node.map_or(cluster, |n| n.members().voters().len()),
                learner: s.is_learner(),
                timer: node
                    // A learner never stands (§6): no timer to watch.
                    .filter(|_| !s.is_learner())
                    .and_then(|n| n.election_deadline())
                    .map(|d| left(d, max_timeout)),
                heartbeat: node
                    .and_then(|n| n.heartbeat_deadline())
                    .map(|d| left(d, heartbeat)),
                selected: selection == Some(Selection::Node(s.id())),
                focus: Focus::of(subjects, subjects.contains(&Subject::Node(s.id()))),
            }
        })
        .collect();

    let place = |e: Endpoint| match e {
        Endpoint::Node(id) => slot(id)
            .and_then(|i| stage.node(i))
            .unwrap_or(stage.ring.center),
        Endpoint::Client(_) => stage.client,
    };
    // Messages travel from rim to rim, so a dot never covers a node's name.
    let radius = |e: Endpoint| match e {
        Endpoint::Node(_) => stage.ring.node_radius,
        Endpoint::Client(_) => stage.client_half,
    };
    let path =
        |from: Endpoint, to: Endpoint| rim_to_rim(place(from), radius(from), place(to), radius(to));
    let mut messages: Vec<MessageView> = world
        .flights()
        .map(|f| {
            let (a, b) = path(f.from, f.to);
            message_view(f, now, a, b, selection)
        })
        .collect();
    messages.extend(lost_messages(history, now, &path));
    for m in &mut messages {
        m.focus = message_focus(subjects, m.shape, m.request);
    }

    let (mut cells, first_index, commit) = log_cells(world, stage.logs.columns);
    for c in &mut cells {
        let entry = Subject::Entry {
            node: c.node,
            index: first_index + c.col as u64,
        };
        c.focus = Focus::of(subjects, subjects.contains(&entry));
    }

    let client = world.clients().first();
    let client = ClientView {
        at: stage.client,
        waiting: client.and_then(|c| c.outstanding().map(|o| o.op)),
        last_value: client.and_then(|c| c.last_completed().map(|d| d.value)),
        label: "client",
        focus: Focus::of(subjects, subjects.contains(&Subject::Client)),
    };

    let joint = world
        .leader()
        .and_then(|l| world.node(l))
        .map(raft_sim::raft_core::Node::members)
        .filter(|m| m.is_joint())
        .map(|m| {
            let mut text = String::from("C_old,new:");
            for (i, list) in [m.outgoing(), m.voters()].into_iter().enumerate() {
                if i == 1 {
                    text.push_str(" →");
                }
                for &id in list {
                    text.push(' ');
                    text.push_str(&raft_sim::node_name(id));
                }
            }
            text
        });

    let mut cuts = Vec::new();
    let ids = world.ids();
    for (i, &a) in ids.iter().enumerate() {
        // `get`, not a range index: no panic path in the module.
        for &b in ids.get(i + 1..).unwrap_or_default() {
            if world.links().is_cut(a, b) || world.links().is_cut(b, a) {
                cuts.push((place(Endpoint::Node(a)), place(Endpoint::Node(b))));
            }
        }
    }

    Frame {
        now,
        nodes,
        messages,
        cells,
        first_index,
        commit,
        client,
        cuts,
        violations: world.checker().total(),
        votes_label: VOTES_LABEL,
        needs_label: NEEDS_LABEL,
        snapshot_label: SNAPSHOT_LABEL,
        joint,
    }
}

/// The segment from `a` to `b` without the circles of radius `ra` around `a` and `rb`
/// around `b` (centre to centre when they overlap).
fn rim_to_rim(a: Point, ra: f64, b: Point, rb: f64) -> (Point, Point) {
    let d = a.distance(b);
    if d.is_nan() || d <= ra + rb {
        return (a, b);
    }
    let (ux, uy) = ((b.x - a.x) / d, (b.y - a.y) / d);
    (
        Point {
            x: a.x + ux * ra,
            y: a.y + uy * ra,
        },
        Point {
            x: b.x - ux * rb,
            y: b.y - uy * rb,
        },
    )
}

fn lerp(a: Point, b: Point, t: f64) -> Point {
    Point {
        x: a.x + (b.x - a.x) * t,
        y: a.y + (b.y - a.y) * t,
    }
}

fn message_view(
    f: &Flight,
    now: Instant,
    from: Point,
    to: Point,
    selection: Option<Selection>,
) -> MessageView {
    let (shape, request, ok, heartbeat) = describe(&f.packet);
    MessageView {
        id: f.id,
        at: lerp(from, to, f.progress_at(now)),
        shape,
        request,
        ok,
        heartbeat,
        lost: None,
        selected: selection == Some(Selection::Message(f.id)),
        focus: Focus::Normal,
    }
}

/// Shape, request or reply, success, heartbeat.
pub fn describe(p: &Packet) -> (Shape, bool, Option<bool>, bool) {
    look_of(&p.summary())
}

/// Messages lost within the fade window, drawn as fading crosses where they were lost.
fn lost_messages(
    history: &History,
    now: Instant,
    path: &dyn Fn(Endpoint, Endpoint) -> (Point, Point),
) -> Vec<MessageView> {
    let fade_from = Instant::from_micros(now.as_micros().saturating_sub(LOSS_FADE_US));
    let mut out = Vec::new();
    // Sends of lost messages happened at most a few latencies earlier.
    let scan_from = Instant::from_micros(fade_from.as_micros().saturating_sub(200_000));
    let recent: Vec<_> = history.between(scan_from, now).collect();
    for item in recent.iter().rev() {
        if item.at < fade_from {
            break;
        }
        let Record::Dropped { id, .. } = item.record else {
            continue;
        };
        let sent = recent.iter().rev().find_map(|s| match &s.record {
            Record::Sent {
                id: sid,
                from,
                to,
                packet,
                arrive_at,
                ..
            } if *sid == id => Some((s.at, *from, *to, *packet, *arrive_at)),
            _ => None,
        });
        let Some((sent_at, from, to, packet, arrive_at)) = sent else {
            continue;
        };
        let span = arrive_at
            .as_micros()
            .saturating_sub(sent_at.as_micros())
            .max(1) as f64;
        let t = crate::num::clamp(
            item.at.as_micros().saturating_sub(sent_at.as_micros()) as f64 / span,
            0.0,
            1.0,
        );
        let (shape, request, ..) = look_of(&packet);
        out.push(MessageView {
            id,
            at: {
                let (a, b) = path(from, to);
                lerp(a, b, t)
            },
            shape,
            request,
            ok: None,
            heartbeat: false,
            lost: Some(
                now.as_micros().saturating_sub(item.at.as_micros()) as f64 / LOSS_FADE_US as f64,
            ),
            selected: false,
            focus: Focus::Normal,
        });
    }
    out
}

/// How a message looks, from its summary in the history: its shape, whether it is a
/// request, for a reply whether it was granted or succeeded, and whether it is an
/// empty AppendEntries. The cluster view and the diagram both read it.
pub fn look_of(packet: &PacketSummary) -> (Shape, bool, Option<bool>, bool) {
    match *packet {
        PacketSummary::Raft {
            kind, entries, ok, ..
        } => match kind {
            MessageKind::VoteRequest => (Shape::Vote, true, None, false),
            MessageKind::VoteResponse => (Shape::Vote, false, ok, false),
            MessageKind::AppendRequest => (Shape::Append, true, None, entries == 0),
            MessageKind::AppendResponse => (Shape::Append, false, ok, false),
            MessageKind::SnapshotRequest => (Shape::Snapshot, true, None, false),
            // A reply that asks for more chunks is not a failure: only `done` tells.
            MessageKind::SnapshotResponse => (Shape::Snapshot, false, None, false),
        },
        PacketSummary::Request { .. } => (Shape::Client, true, None, false),
        PacketSummary::Reply { reply, .. } => (
            Shape::Client,
            false,
            Some(matches!(reply, raft_sim::Reply::Done { .. })),
            false,
        ),
    }
}

/// The last index of the longest log (a crashed node counts its stored log): what
/// the stage sizes the log table for.
pub fn longest_log(world: &World) -> u64 {
    world
        .servers()
        .iter()
        .map(|s| s.storage().log.last_index().0)
        .max()
        .unwrap_or(0)
}

/// The visible window of every node's log (a crashed node shows its stored log).
fn log_cells(world: &World, columns: usize) -> (Vec<CellView>, u64, Vec<u64>) {
    let last = longest_log(world);
    let first = last.saturating_sub(columns.max(1) as u64 - 1).max(1);
    let mut cells = Vec::new();
    let mut commit = Vec::new();
    for (row, s) in world
        .servers()
        .iter()
        .filter(|s| !s.is_removed())
        .enumerate()
    {
        let committed_to = s.node().map_or(0, |n| n.commit_index().0);
        commit.push(committed_to);
        let log = &s.storage().log;
        let compacted = log.snapshot_index().0;
        if compacted >= first {
            cells.push(CellView {
                node: s.id(),
                row,
                col: 0,
                term: log.snapshot_term().0,
                label: {
                    let mut l = String::from("≤");
                    crate::num::push_u64(&mut l, compacted);
                    l
                },
                span: (compacted - first + 1) as usize,
                committed: true,
                focus: Focus::Normal,
            });
        }
        for (index, entry) in log.iter() {
            if index.0 < first {
                continue;
            }
            let label = match &entry.payload {
                Payload::Noop => "·".to_owned(),
                Payload::Config(step) => config_label(*step),
                Payload::Command(c) => match c.op {
                    // "5" for set 5, "+1"/"-1" for add.
                    Op::Set(v) => crate::num::i64_text(v),
                    Op::Add(n) => {
                        let mut s = String::from(if n < 0 { "" } else { "+" });
                        crate::num::push_i64(&mut s, n);
                        s
                    }
                },
            };
            cells.push(CellView {
                node: s.id(),
                row,
                col: (index.0 - first) as usize,
                span: 1,
                term: entry.term.0,
                label,
                committed: index.0 <= committed_to,
                focus: Focus::Normal,
            });
        }
    }
    (cells, first, commit)
}

/// Each server's slot on the ring and row in the log table, by id: `None` for one a
/// committed configuration removed (it has left the picture).
fn slots(world: &World) -> Vec<Option<usize>> {
    let mut next = 0;
    world
        .servers()
        .iter()
        .map(|s| {
            (!s.is_removed()).then(|| {
                next += 1;
                next - 1
            })
        })
        .collect()
}

/// How many servers are in the picture: all but those a committed configuration
/// removed. The stage is laid out for them.
pub fn present(world: &World) -> usize {
    world.servers().iter().filter(|s| !s.is_removed()).count()
}

/// What is under the point `p` (messages first, they sit on top).
pub fn hit(frame: &Frame<'_>, p: Point) -> Option<Selection> {
    let message_radius = frame
        .nodes
        .first()
        .map_or(8.0, |n| (n.radius * 0.3).max(9.0));
    frame
        .messages
        .iter()
        .filter(|m| m.lost.is_none())
        .find(|m| m.at.distance(p) <= message_radius)
        .map(|m| Selection::Message(m.id))
        .or_else(|| {
            frame
                .nodes
                .iter()
                .find(|n| n.at.distance(p) <= n.radius * 1.1)
                .map(|n| Selection::Node(n.id))
        })
}

/// Whether the picture changes with time by itself (something moves or drains).
pub fn is_animating(frame: &Frame<'_>) -> bool {
    !frame.messages.is_empty()
        || frame
            .nodes
            .iter()
            .any(|n| n.timer.is_some() || n.heartbeat.is_some())
}

/// A configuration entry's short, language-neutral label for a log cell: "+D" a learner
/// joins, "D↑" it becomes a voter, "−D" a server leaves, "J+D" / "J−D" a joint
/// configuration is entered, "J✓" it is left.
pub(crate) fn config_label(step: raft_sim::raft_core::ConfigStep) -> String {
    use raft_sim::raft_core::ConfigStep;
    // Pieces pushed, not `format!`: the formatting machinery is bytes the page need
    // not carry for this.
    let (before, node, after) = match step {
        ConfigStep::AddLearner(n) => ("+", Some(n), ""),
        ConfigStep::PromoteLearner(n) => ("", Some(n), "↑"),
        ConfigStep::Remove(n) => ("−", Some(n), ""),
        ConfigStep::EnterJoint { node, add: true } => ("J+", Some(node), ""),
        ConfigStep::EnterJoint { node, add: false } => ("J−", Some(node), ""),
        ConfigStep::LeaveJoint => ("J✓", None, ""),
    };
    let mut out = String::from(before);
    if let Some(n) = node {
        out.push_str(&raft_sim::node_name(n));
    }
    out.push_str(after);
    out
}
