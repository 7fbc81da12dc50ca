//! The typed record of everything that happened, with times and ids.

use alloc::collections::VecDeque;

use raft_core::{Event, Instant, LogIndex, NodeId};

use crate::action::Action;
use crate::checker::Violation;
use crate::command::{ClientId, Op};
use crate::network::{DropReason, Endpoint, MsgId, PacketSummary};

/// Which timer fired.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TimerKind {
    /// A follower's or candidate's election timeout.
    Election,
    /// A leader's heartbeat.
    Heartbeat,
}

/// One thing that happened.
#[derive(Clone, Debug, PartialEq)]
pub enum Record {
    /// A message left `from`; it arrives at `arrive_at` unless lost first.
    Sent {
        /// Its id, to follow it to delivery.
        id: MsgId,
        /// Sender.
        from: Endpoint,
        /// Receiver.
        to: Endpoint,
        /// What it is.
        packet: PacketSummary,
        /// When it is due.
        arrive_at: Instant,
        /// A network-made duplicate.
        duplicate: bool,
    },
    /// A message reached its receiver.
    Delivered {
        /// Its id.
        id: MsgId,
    },
    /// A message was lost.
    Dropped {
        /// Its id.
        id: MsgId,
        /// Why.
        reason: DropReason,
    },
    /// A node's timer fired.
    TimerFired {
        /// The node.
        node: NodeId,
        /// Which timer.
        timer: TimerKind,
    },
    /// Something happened inside a node (role, term, votes, log, commit).
    Node {
        /// The node.
        node: NodeId,
        /// What.
        event: Event,
    },
    /// A node applied a committed entry to its value.
    Applied {
        /// The node.
        node: NodeId,
        /// The entry's index.
        index: LogIndex,
        /// The value afterwards.
        value: i64,
    },
    /// A node crashed.
    Crashed(NodeId),
    /// A node restarted from its persistent state.
    Restarted(NodeId),
    /// A new server started, waiting to be added to the cluster.
    ServerStarted(NodeId),
    /// A committed configuration left the server out: it stopped for good.
    ServerRemoved(NodeId),
    /// A node installed its leader's snapshot: its state machine was reset to it.
    Restored {
        /// The node.
        node: NodeId,
        /// The snapshot's last index.
        index: LogIndex,
        /// The value afterwards.
        value: i64,
    },
    /// The client sent (or re-sent) a request.
    ClientSent {
        /// The client.
        client: ClientId,
        /// Request number.
        seq: u64,
        /// Operation.
        op: Op,
        /// The node asked.
        to: NodeId,
        /// A retry of an earlier send.
        retry: bool,
    },
    /// The client received the answer that its request is committed.
    ClientAcked {
        /// The client.
        client: ClientId,
        /// Request number.
        seq: u64,
        /// The entry's index.
        index: LogIndex,
        /// The value after it.
        value: i64,
    },
    /// A user, scene or campaign intervened.
    Action(Action),
    /// The checker found a safety violation.
    Violation(Violation),
}

/// A record with its time and its position in the world's sequence of records.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// Position: records of one world are numbered 0, 1, 2, ... in order.
    pub seq: u64,
    /// When.
    pub at: Instant,
    /// What.
    pub record: Record,
}

/// A bounded history: at most `capacity` items; the oldest go first.
#[derive(Clone, Debug)]
pub struct History {
    items: VecDeque<Item>,
    capacity: usize,
    /// How many items were dropped from the front.
    forgotten: u64,
}

impl History {
    /// An empty history keeping at most `capacity` items.
    #[must_use]
    pub fn new(capacity: usize) -> History {
        History {
            items: VecDeque::new(),
            capacity: capacity.max(1),
            forgotten: 0,
        }
    }

    /// Changes the bound to `capacity`, forgetting the oldest items beyond it.
    pub fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity.max(1);
        while self.items.len() > self.capacity {
            self.items.pop_front();
            self.forgotten += 1;
        }
    }

    /// Allocates the whole ring now, so that running on never grows its memory: a page
    /// that plays for hours keeps the footprint it had after its first second.
    pub fn reserve_all(&mut self) {
        let missing = self.capacity.saturating_sub(self.items.len());
        self.items.reserve_exact(missing);
    }

    /// Appends an item, forgetting the oldest if full.
    pub fn push(&mut self, item: Item) {
        if self.items.len() == self.capacity {
            self.items.pop_front();
            self.forgotten += 1;
        }
        self.items.push_back(item);
    }

    /// The sequence number the next item must have.
    #[must_use]
    pub fn next_seq(&self) -> u64 {
        self.items.back().map_or(self.forgotten, |i| i.seq + 1)
    }

    /// Forgets every item with `seq >= from` (a fork of the timeline).
    pub fn truncate_from_seq(&mut self, from: u64) {
        while self.items.back().is_some_and(|i| i.seq >= from) {
            self.items.pop_back();
        }
    }

    /// All kept items, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Item> + ExactSizeIterator + '_ {
        self.items.iter()
    }

    /// Kept items with `at` in `[from, to]`.
    pub fn between(
        &self,
        from: Instant,
        to: Instant,
    ) -> impl DoubleEndedIterator<Item = &Item> + '_ {
        let start = self.items.partition_point(|i| i.at < from);
        let end = self.items.partition_point(|i| i.at <= to);
        self.items.range(start..end.max(start))
    }

    /// Number of kept items.
    #[must_use]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing is kept.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many old items were forgotten to respect the bound.
    #[must_use]
    pub fn forgotten(&self) -> u64 {
        self.forgotten
    }

    /// The most items kept.
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}
