//! What the space-time diagram shows for a window of virtual time, read from the
//! simulator's history at the moment it is drawn (nothing is copied or kept between
//! draws): one lane per node shaded by its role and term, one line per message from
//! its send to its delivery, its loss or "now", and a mark per event worth a click.

use raft_sim::history::{History, Record};
use raft_sim::network::{Endpoint, MsgId};
use raft_sim::raft_core::{Event, Instant, NodeId, Role};
use raft_sim::{Item, World};

use crate::view::Shape;

/// A stretch of virtual time: what the diagram spans, left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The left edge.
    pub from: Instant,
    /// The right edge.
    pub to: Instant,
}

impl Window {
    /// Its length in µs (at least 1, so that scales never divide by zero).
    pub fn span_us(self) -> u64 {
        self.to
            .as_micros()
            .saturating_sub(self.from.as_micros())
            .max(1)
    }
}

/// What a node was doing over a stretch of its lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaneState {
    /// Running, in this role and term.
    Up {
        /// Its role.
        role: Role,
        /// Its current term.
        term: u64,
    },
    /// Crashed.
    Down,
    /// Not in the cluster: not started yet, or removed.
    Absent,
}

/// One stretch of a lane in one state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Where it begins.
    pub from: Instant,
    /// Where it ends.
    pub to: Instant,
    /// The node's state meanwhile.
    pub state: LaneState,
}

/// A node's lane: its spans, in time order, covering the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lane {
    /// The node.
    pub node: NodeId,
    /// Its states along the window.
    pub spans: Vec<Span>,
}

/// How a message's line ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// It reached its receiver.
    Delivered,
    /// The network lost it: the line ends in a cross.
    Lost,
    /// Still travelling at "now": the line stops there.
    InFlight,
}

/// One message: a slanted line from its sender's lane to its receiver's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// Its id: the same as its dot's in the cluster view.
    pub id: MsgId,
    /// Sender.
    pub from: Endpoint,
    /// Receiver.
    pub to: Endpoint,
    /// When it left.
    pub sent: Instant,
    /// When it was due.
    pub arrive_at: Instant,
    /// Where its line ends: its delivery, its loss, or now.
    pub end: Instant,
    /// How it ended.
    pub fate: Fate,
    /// Vote, append, client or snapshot (the cluster view's shapes).
    pub shape: Shape,
    /// A request (solid line) or a reply (dashed).
    pub request: bool,
    /// For replies: granted / success.
    pub ok: Option<bool>,
    /// An AppendEntries with no entries.
    pub heartbeat: bool,
}

impl Line {
    /// How far along its way it got, 0..=1 (1 when delivered).
    pub fn reach(&self) -> f64 {
        if self.fate == Fate::Delivered {
            return 1.0;
        }
        let whole = self
            .arrive_at
            .as_micros()
            .saturating_sub(self.sent.as_micros())
            .max(1);
        let got = self.end.as_micros().saturating_sub(self.sent.as_micros());
        crate::num::clamp(got as f64 / whole as f64, 0.0, 1.0)
    }
}

/// What a mark on a lane stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkKind {
    /// The election timer ran out: the node starts an election (or a pre-vote).
    Timeout,
    /// It granted a vote.
    Vote,
    /// It became leader.
    Elected,
    /// It appended entries.
    Append,
    /// Its commit index advanced.
    Commit,
    /// As leader it held a commit back: an entry of an older term (§5.4.2).
    Withheld,
    /// It crashed.
    Crash,
    /// It restarted.
    Restart,
}

/// An event on a node's lane, by its place in the history (to select it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// The history item's sequence number.
    pub seq: u64,
    /// Whose lane.
    pub node: NodeId,
    /// When.
    pub at: Instant,
    /// What.
    pub kind: MarkKind,
}

/// The whole diagram for a window.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagram {
    /// The window it spans.
    pub window: Window,
    /// "Now": the world's time; nothing is drawn after it.
    pub now: Instant,
    /// One lane per node that was in the cluster in the window, in id order.
    pub lanes: Vec<Lane>,
    /// Whether the client sent or received anything in the window (a lane for it).
    pub client: bool,
    /// The messages, in send order.
    pub lines: Vec<Line>,
    /// The marks, in time order.
    pub marks: Vec<Mark>,
}

/// Reads the diagram of `window` from `world` (its state at "now") and `history`.
///
/// Lanes are found by walking back from the world's present state through the window's
/// role, term, crash and membership records; a line needs its `Sent` record, looked for
/// as far back as a message can travel (three times the longest latency: reordering
/// holds a message back by up to twice it).
pub fn build(world: &World, history: &History, window: Window) -> Diagram {
    let now = world.now();
    let to = window.to.min(now);
    let lookback = (3 * world.network().latency_max.as_micros() as u64).max(100_000);
    let scan_from = Instant::from_micros(window.from.as_micros().saturating_sub(lookback));
    let items = || history.between(scan_from, to);
    let in_window = |at: Instant| at >= window.from;

    let mut lines: Vec<Line> = Vec::new();
    let mut marks = Vec::new();
    let mut client = false;
    for item in items() {
        match &item.record {
            Record::Sent {
                id,
                from,
                to: dest,
                packet,
                arrive_at,
                ..
            } => {
                let (shape, request, ok, heartbeat) = crate::view::look_of(packet);
                lines.push(Line {
                    id: *id,
                    from: *from,
                    to: *dest,
                    sent: item.at,
                    arrive_at: *arrive_at,
                    end: to,
                    fate: Fate::InFlight,
                    shape,
                    request,
                    ok,
                    heartbeat,
                });
            }
            Record::Delivered { id } | Record::Dropped { id, .. } => {
                // Ids are handed out in send order, so the lines are sorted by id.
                if let Ok(i) = lines.binary_search_by_key(id, |l| l.id) {
                    lines[i].end = item.at;
                    lines[i].fate = if matches!(item.record, Record::Delivered { .. }) {
                        Fate::Delivered
                    } else {
                        Fate::Lost
                    };
                }
            }
            _ => {}
        }
        if in_window(item.at)
            && let Some(mark) = mark_of(item)
        {
            marks.push(mark);
        }
    }
    lines.retain(|l| l.end >= window.from);
    for l in &lines {
        client |= matches!(l.from, Endpoint::Client(_)) || matches!(l.to, Endpoint::Client(_));
    }

    let lanes = world
        .servers()
        .iter()
        .filter_map(|s| {
            let state = if s.is_removed() {
                LaneState::Absent
            } else {
                match s.node() {
                    Some(n) => LaneState::Up {
                        role: n.role(),
                        term: n.term().0,
                    },
                    None => LaneState::Down,
                }
            };
            let spans = lane_spans(history, s.id(), state, window, now);
            let seen = spans.iter().any(|sp| sp.state != LaneState::Absent);
            seen.then_some(Lane {
                node: s.id(),
                spans,
            })
        })
        .collect();

    Diagram {
        window,
        now,
        lanes,
        client,
        lines,
        marks,
    }
}

/// The mark a history item makes, if any.
fn mark_of(item: &Item) -> Option<Mark> {
    let (node, kind) = match &item.record {
        Record::Crashed(node) => (*node, MarkKind::Crash),
        Record::Restarted(node) => (*node, MarkKind::Restart),
        Record::Node { node, event } => (
            *node,
            match event {
                // The timer ran out and the node campaigns: the event the rule names.
                Event::ElectionStarted { .. } => MarkKind::Timeout,
                Event::VoteGranted { .. } => MarkKind::Vote,
                Event::RoleChanged {
                    to: Role::Leader, ..
                } => MarkKind::Elected,
                Event::EntriesAppended { .. } => MarkKind::Append,
                Event::CommitAdvanced { .. } => MarkKind::Commit,
                Event::CommitWithheld { .. } => MarkKind::Withheld,
                _ => return None,
            },
        ),
        _ => return None,
    };
    Some(Mark {
        seq: item.seq,
        node,
        at: item.at,
        kind,
    })
}

/// A lane's spans over `[from, to]`, walking back from its state at `now` (the world's
/// time, at or after `to`).
fn lane_spans(
    history: &History,
    node: NodeId,
    at_now: LaneState,
    window: Window,
    now: Instant,
) -> Vec<Span> {
    let (from, to) = (window.from, window.to.min(now));
    let mut spans = Vec::new();
    let mut state = at_now;
    let mut end = now;
    for item in history.between(from, now).rev() {
        let before = match &item.record {
            Record::Node { node: n, event } if *n == node => match (*event, state) {
                (Event::RoleChanged { from: role, .. }, LaneState::Up { term, .. }) => {
                    LaneState::Up { role, term }
                }
                (Event::TermChanged { from: t, .. }, LaneState::Up { role, .. }) => {
                    LaneState::Up { role, term: t.0 }
                }
                _ => continue,
            },
            Record::Restarted(n) if *n == node => LaneState::Down,
            Record::ServerStarted(n) if *n == node => LaneState::Absent,
            Record::Crashed(n) | Record::ServerRemoved(n) if *n == node => {
                up_before(history, node, item.seq)
            }
            _ => continue,
        };
        if before == state {
            continue;
        }
        // Changes at one instant (a new term and a new role) leave no empty span.
        if item.at < to && item.at < end {
            spans.push(Span {
                from: item.at,
                to: end.min(to),
                state,
            });
        }
        state = before;
        end = item.at;
    }
    spans.push(Span {
        from,
        to: end.min(to),
        state,
    });
    spans.reverse();
    spans
}

/// A node's role and term just before history item `seq` (a crash or its removal),
/// from its latest role and term changes before it; a follower of term 0 when the
/// history no longer holds them.
fn up_before(history: &History, node: NodeId, seq: u64) -> LaneState {
    let mut role = None;
    let mut term = None;
    for item in history.iter().rev().skip_while(|i| i.seq >= seq) {
        if let Record::Node { node: n, event } = &item.record
            && *n == node
        {
            match event {
                Event::RoleChanged { to, term: t, .. } => {
                    role.get_or_insert(*to);
                    term.get_or_insert(t.0);
                }
                Event::TermChanged { to, .. } => {
                    term.get_or_insert(to.0);
                }
                _ => {}
            }
        }
        if role.is_some() && term.is_some() {
            break;
        }
    }
    LaneState::Up {
        role: role.unwrap_or(Role::Follower),
        term: term.unwrap_or(0),
    }
}
