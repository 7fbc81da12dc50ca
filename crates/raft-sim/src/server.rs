//! One simulated server: a raft-core node (while up), its durable storage, its copy of
//! the value, and the client requests it promised to answer.

use alloc::string::String;
use alloc::vec::Vec;

use raft_core::{LogIndex, Node, NodeId, PersistentState, Term};

use crate::command::{ClientId, Command, StateMachine};

/// A server of the simulated cluster.
#[derive(Clone, Debug)]
pub struct Server {
    pub(crate) id: NodeId,
    pub(crate) name: String,
    /// `None` while crashed.
    pub(crate) node: Option<Node<Command>>,
    /// Durable state, rebuilt only from the node's persist operations.
    pub(crate) storage: PersistentState<Command>,
    /// Volatile: rebuilt from the log after a restart, as the paper's state machine.
    pub(crate) machine: StateMachine,
    /// Volatile: client requests this server proposed (and in which term) and must
    /// answer.
    pub(crate) pending: Vec<(ClientId, u64, Term)>,
    pub(crate) restarts: u32,
    /// It belongs to a committed configuration (the boot list, or one that added it).
    pub(crate) joined: bool,
    /// A committed configuration left it out after it had joined: it stopped for good.
    pub(crate) removed: bool,
    /// Where the leader asked to add it appended the addition (index and term); `None`
    /// for a server the cluster booted with.
    pub(crate) addition: Option<(LogIndex, Term)>,
}

impl Server {
    /// It stops for good (a committed configuration left it out, or its addition can
    /// never commit): no node, nothing to answer. One body for every way of leaving.
    #[inline(never)]
    pub(crate) fn leave(&mut self) {
        self.removed = true;
        self.node = None;
        self.pending.clear();
    }

    /// Its id.
    #[must_use]
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// Its display name (A, B, C, ...).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The Raft node, unless crashed.
    #[must_use]
    pub fn node(&self) -> Option<&Node<Command>> {
        self.node.as_ref()
    }

    /// Whether it is crashed.
    #[must_use]
    pub fn is_down(&self) -> bool {
        self.node.is_none()
    }

    /// What survives a crash.
    #[must_use]
    pub fn storage(&self) -> &PersistentState<Command> {
        &self.storage
    }

    /// Its copy of the value.
    #[must_use]
    pub fn machine(&self) -> &StateMachine {
        &self.machine
    }

    /// Whether it left the cluster (its removal committed): it no longer runs.
    #[must_use]
    pub fn is_removed(&self) -> bool {
        self.removed
    }

    /// Whether a committed configuration has included it (false for a server still
    /// waiting to be added).
    #[must_use]
    pub fn has_joined(&self) -> bool {
        self.joined
    }

    /// Whether it is a learner (paper §6): running, it receives entries but has no
    /// vote, by its own latest configuration, or it waits to be added. A voter whose
    /// removal it has appended is neither.
    #[must_use]
    pub fn is_learner(&self) -> bool {
        self.node.as_ref().is_some_and(|n| {
            let m = n.members();
            m.is_learner(self.id) || (!self.joined && !m.is_voter(self.id))
        })
    }

    /// How many times it restarted.
    #[must_use]
    pub fn restarts(&self) -> u32 {
        self.restarts
    }
}

/// The display name of node `id`: A, B, C, ... as in the article, then AA, AB, ...
/// (a cluster has at most [`MAX_NODES`](crate::MAX_NODES) nodes; the rest is only so
/// that no id is nameless). Letters only: no number formatting.
#[must_use]
pub fn node_name(id: NodeId) -> String {
    let mut letters = Vec::new();
    let mut n = id.0;
    loop {
        letters.push(b'A' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    letters.iter().rev().map(|&b| char::from(b)).collect()
}
