//! The simulated network: what travels, how long it takes, and which links are cut.

use crate::vec_map::VecMap;
use core::time::Duration;

use raft_core::{Instant, Message, MessageKind, NodeId, Term};

use crate::command::{ClientId, Command, Op};

/// Raft messages carry the simulator's command type.
pub type RaftMessage = Message<Command>;

/// Identity of one message in flight (unique within a world, never reused).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct MsgId(pub u64);

/// A participant on the network.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Endpoint {
    /// A Raft server.
    Node(NodeId),
    /// The client.
    Client(ClientId),
}

/// What a client hears back.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Reply {
    /// The request was committed and applied at `index`; the value is now `value`.
    Done {
        /// The log index of the request's entry (of its first application, for a retry).
        index: raft_core::LogIndex,
        /// The state machine's value right after applying it.
        value: i64,
    },
    /// This node is not the leader; `leader` is its best guess.
    NotLeader {
        /// The known leader, if any.
        leader: Option<NodeId>,
    },
}

/// The content of a message on the simulated network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Packet {
    /// Between Raft servers.
    Raft(RaftMessage),
    /// Client to server: please apply `op` (request `seq`).
    Request {
        /// The client's request number.
        seq: u64,
        /// The operation.
        op: Op,
    },
    /// Server to client: the answer to request `seq`.
    Reply {
        /// The request answered.
        seq: u64,
        /// The answer.
        reply: Reply,
    },
}

/// A short description of a packet, kept in the history (a full copy would cost memory
/// for every heartbeat).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PacketSummary {
    /// A Raft message.
    Raft {
        /// Its kind.
        kind: MessageKind,
        /// Its term.
        term: Term,
        /// Entries carried (AppendEntries only).
        entries: u32,
        /// Granted/success for replies; `None` for requests.
        ok: Option<bool>,
        /// A pre-vote request or reply.
        pre_vote: bool,
    },
    /// A client request.
    Request {
        /// Request number.
        seq: u64,
        /// Operation.
        op: Op,
    },
    /// A reply to the client.
    Reply {
        /// Request number.
        seq: u64,
        /// Answer.
        reply: Reply,
    },
}

impl Packet {
    /// The summary kept in the history.
    #[must_use]
    pub fn summary(&self) -> PacketSummary {
        use raft_core::{AppendOutcome, Body};
        match self {
            Packet::Raft(m) => {
                let (entries, ok, pre_vote) = match &m.body {
                    Body::RequestVote { pre_vote, .. } => (0, None, *pre_vote),
                    Body::RequestVoteResponse { granted, pre_vote } => {
                        (0, Some(*granted), *pre_vote)
                    }
                    Body::AppendEntries { entries, .. } => (
                        u32::try_from(entries.len()).unwrap_or(u32::MAX),
                        None,
                        false,
                    ),
                    Body::AppendEntriesResponse(o) => {
                        (0, Some(matches!(o, AppendOutcome::Success { .. })), false)
                    }
                    Body::InstallSnapshot(_) => (0, None, false),
                    Body::InstallSnapshotResponse { done, .. } => (0, Some(*done), false),
                };
                PacketSummary::Raft {
                    kind: m.kind(),
                    term: m.term,
                    entries,
                    ok,
                    pre_vote,
                }
            }
            Packet::Request { seq, op } => PacketSummary::Request { seq: *seq, op: *op },
            Packet::Reply { seq, reply } => PacketSummary::Reply {
                seq: *seq,
                reply: *reply,
            },
        }
    }
}

/// A message travelling from `from` to `to`.
#[derive(Clone, Debug)]
pub struct Flight {
    /// Its identity.
    pub id: MsgId,
    /// Sender.
    pub from: Endpoint,
    /// Receiver.
    pub to: Endpoint,
    /// When it left.
    pub sent_at: Instant,
    /// When it arrives, unless lost first.
    pub arrive_at: Instant,
    /// When it will be lost on the way (random loss or a cut link), if it will.
    pub lost_at: Option<Instant>,
    /// Why it will be lost.
    pub lost_reason: Option<DropReason>,
    /// A second copy made by the network's duplication.
    pub duplicate: bool,
    /// The content.
    pub packet: Packet,
}

impl Flight {
    /// How far along its path it is at `t`, from 0 (sent) to 1 (arrived).
    #[must_use]
    pub fn progress_at(&self, t: Instant) -> f64 {
        let span = self
            .arrive_at
            .as_micros()
            .saturating_sub(self.sent_at.as_micros());
        if span == 0 {
            return 1.0;
        }
        let done = t.as_micros().saturating_sub(self.sent_at.as_micros());
        // `done` is never negative; min, not clamp: see clippy.toml.
        (done as f64 / span as f64).min(1.0)
    }
}

/// Why a message never arrived.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DropReason {
    /// Random loss.
    Lost,
    /// The link was cut (partition).
    LinkCut,
    /// The receiver was crashed when it arrived.
    ReceiverDown,
    /// The user removed it.
    DroppedByUser,
}

/// One in a million: probabilities are integers so that settings compare exactly and
/// behave identically everywhere.
pub const PPM: u32 = 1_000_000;

/// Network behaviour, changeable while running.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkSettings {
    /// Shortest one-way delay.
    pub latency_min: Duration,
    /// Longest one-way delay (the delay is uniform in between).
    pub latency_max: Duration,
    /// Probability of losing a message, in parts per million.
    pub loss_ppm: u32,
    /// Probability of delivering a message twice, in parts per million.
    pub duplicate_ppm: u32,
    /// Probability of holding a message back (up to twice the maximum latency extra),
    /// so that it arrives after later ones, in parts per million.
    pub reorder_ppm: u32,
}

impl Default for NetworkSettings {
    /// Slow enough to watch messages travel when played back slowed down, and well
    /// under the election timeout, as Raft needs (broadcast time ≪ election timeout).
    fn default() -> Self {
        NetworkSettings {
            latency_min: Duration::from_millis(10),
            latency_max: Duration::from_millis(20),
            loss_ppm: 0,
            duplicate_ppm: 0,
            reorder_ppm: 0,
        }
    }
}

/// Which node-to-node links are cut, and per-link latency overrides.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Links {
    /// Bit `to` of `cut[from]` is set when messages from `from` to `to` are dropped.
    cut: [u16; 16],
    latency: VecMap<(NodeId, NodeId), Duration>,
}

impl Links {
    /// Whether the link `from → to` is cut.
    #[must_use]
    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        match (self.cut.get(from.0 as usize), to.0) {
            (Some(row), t) if t < 16 => row & (1 << t) != 0,
            _ => false,
        }
    }

    /// Cuts or restores `from → to`.
    pub fn set_cut(&mut self, from: NodeId, to: NodeId, cut: bool) {
        if let Some(row) = self.cut.get_mut(from.0 as usize)
            && to.0 < 16
        {
            if cut {
                *row |= 1 << to.0;
            } else {
                *row &= !(1 << to.0);
            }
        }
    }

    /// Whether any link is cut.
    #[must_use]
    pub fn any_cut(&self) -> bool {
        self.cut.iter().any(|r| *r != 0)
    }

    /// Restores every link (latency overrides stay).
    pub fn heal(&mut self) {
        self.cut = [0; 16];
    }

    /// A fixed latency for `from → to`, or `None` to use the network's.
    #[must_use]
    pub fn latency(&self, from: NodeId, to: NodeId) -> Option<Duration> {
        self.latency.get(&(from, to)).copied()
    }

    /// Sets or clears a fixed latency for `from → to`.
    pub fn set_latency(&mut self, from: NodeId, to: NodeId, latency: Option<Duration>) {
        match latency {
            Some(d) => {
                self.latency.insert((from, to), d);
            }
            None => {
                self.latency.remove(&(from, to));
            }
        }
    }
}
