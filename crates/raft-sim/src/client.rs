//! The client of the article: sends `set`/`add` requests one at a time, follows
//! redirects to the leader, retries on silence, and counts a write done only when a
//! server answers that it is committed.

use alloc::vec::Vec;
use core::time::Duration;

use raft_core::{Instant, LogIndex, NodeId};

use crate::command::{ClientId, Op};

/// Client timing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientSettings {
    /// How long to wait for an answer before asking another node.
    pub retry_after: Duration,
    /// How long to wait before asking again after "not the leader, and I know no leader".
    pub redirect_backoff: Duration,
}

impl Default for ClientSettings {
    fn default() -> Self {
        ClientSettings {
            retry_after: Duration::from_millis(600),
            redirect_backoff: Duration::from_millis(50),
        }
    }
}

/// The request the client is waiting on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outstanding {
    /// Request number.
    pub seq: u64,
    /// Operation.
    pub op: Op,
    /// The node last asked.
    pub target: NodeId,
    /// When the client gives up waiting and asks again.
    pub deadline: Instant,
    /// How many times it was sent.
    pub attempts: u32,
    /// When it was first sent.
    pub first_sent: Instant,
    /// At the deadline, send to `target` (after a back-off) rather than give up on it.
    pub resend_at_deadline: bool,
}

/// A request that finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Completed {
    /// Request number.
    pub seq: u64,
    /// Operation.
    pub op: Op,
    /// Where it was committed.
    pub index: LogIndex,
    /// The value after it.
    pub value: i64,
    /// When it was first sent.
    pub sent_at: Instant,
    /// When the answer came.
    pub acked_at: Instant,
}

/// The client's state.
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) id: ClientId,
    pub(crate) settings: ClientSettings,
    /// Oldest first. A `Vec`, not a `VecDeque`: it holds a few clicks at most, and a
    /// `Vec` of plain values clones (for every timeline snapshot) with one copy.
    pub(crate) queue: Vec<(Op, Option<NodeId>)>,
    pub(crate) outstanding: Option<Outstanding>,
    pub(crate) next_seq: u64,
    pub(crate) leader_guess: Option<NodeId>,
    pub(crate) last_completed: Option<Completed>,
    pub(crate) completed_count: u64,
}

impl Client {
    pub(crate) fn new(id: ClientId, settings: ClientSettings) -> Client {
        Client {
            id,
            settings,
            queue: Vec::new(),
            outstanding: None,
            next_seq: 1,
            leader_guess: None,
            last_completed: None,
            completed_count: 0,
        }
    }

    /// Its id.
    #[must_use]
    pub fn id(&self) -> ClientId {
        self.id
    }

    /// The request in progress.
    #[must_use]
    pub fn outstanding(&self) -> Option<&Outstanding> {
        self.outstanding.as_ref()
    }

    /// Requests waiting their turn.
    pub fn queued(&self) -> impl Iterator<Item = Op> + '_ {
        self.queue.iter().map(|(op, _)| *op)
    }

    /// The last request answered.
    #[must_use]
    pub fn last_completed(&self) -> Option<&Completed> {
        self.last_completed.as_ref()
    }

    /// How many requests were answered.
    #[must_use]
    pub fn completed_count(&self) -> u64 {
        self.completed_count
    }

    /// Whether it has nothing in progress or waiting.
    #[must_use]
    pub fn is_idle(&self) -> bool {
        self.outstanding.is_none() && self.queue.is_empty()
    }

    /// Where the client currently believes the leader is.
    #[must_use]
    pub fn leader_guess(&self) -> Option<NodeId> {
        self.leader_guess
    }
}
