//! Interventions: everything a user, a scene or a fault campaign can do to a world.
//! Recorded with their times, a list of actions plus the seed reproduces a run.

use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use raft_core::{ChangeError, Instant, NodeId, SnapshotError};

use crate::command::Op;
use crate::network::{MsgId, NetworkSettings};
use crate::protocol::Protocol;

/// One intervention.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Crash a node: it loses its volatile state; its persistent state survives.
    Crash(NodeId),
    /// Restart a crashed node from its persistent state.
    Restart(NodeId),
    /// Make a node's election timeout elapse now.
    TimeoutNow(NodeId),
    /// Move a node's election timer to fire at the given time.
    SetElectionTimer(NodeId, Instant),
    /// The client asks for `op`, first at `to` (or wherever it thinks the leader is).
    ClientRequest {
        /// The operation.
        op: Op,
        /// The node to ask first.
        to: Option<NodeId>,
    },
    /// Remove one message in flight.
    DropMessage(MsgId),
    /// Split the nodes into groups that cannot talk to each other (both ways). Nodes
    /// in no group are isolated.
    Partition(Vec<Vec<NodeId>>),
    /// Cut the link `from → to`, and `to → from` as well when `both`.
    CutLink {
        /// Sender side.
        from: NodeId,
        /// Receiver side.
        to: NodeId,
        /// Cut the reverse direction too.
        both: bool,
    },
    /// Restore every cut link.
    Heal,
    /// Fix the latency of `from → to` (or restore the network's with `None`).
    SetLinkLatency {
        /// Sender side.
        from: NodeId,
        /// Receiver side.
        to: NodeId,
        /// The fixed latency.
        latency: Option<Duration>,
    },
    /// Change loss, latency, duplication and reordering.
    SetNetwork(NetworkSettings),
    /// Change every node's election timeout range (takes effect at each timer's next
    /// reset).
    SetElectionTimeout {
        /// Lower bound.
        min: Duration,
        /// Upper bound (exclusive).
        max: Duration,
    },
    /// Change the protocol's switches (pre-vote, check-quorum, ..., the unsafe rules) on
    /// every running node at once, and on every node restarted later. A switch takes
    /// effect where the node next consults it: pre-vote at the next election, a fixed
    /// timeout at the next timer reset, check-quorum at the leader's next check.
    SetProtocol(Protocol),
    /// Start a new, empty server and ask the leader to add it: it joins as a learner
    /// and becomes a voter once it has caught up (paper §6, thesis §4).
    AddServer,
    /// Ask the leader to remove a server (the leader itself included).
    RemoveServer(NodeId),
    /// A server snapshots its state machine now and compacts its log (paper §7).
    TakeSnapshot(NodeId),
}

/// Why an action could not be applied. The world is unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionError {
    /// No node with this id.
    NoSuchNode(NodeId),
    /// The node is crashed.
    NodeDown(NodeId),
    /// The node is already running.
    NodeUp(NodeId),
    /// A leader has no election timer.
    IsLeader(NodeId),
    /// No such message in flight (it arrived or was dropped).
    NoSuchMessage(MsgId),
    /// The settings are impossible (a probability above one, an empty latency range,
    /// a timeout range Raft cannot work with).
    BadSettings,
    /// The cluster already has the most servers a world holds.
    Full,
    /// No leader is running to ask for a membership change.
    NoLeader,
    /// The leader refused the membership change.
    Membership(ChangeError),
    /// The server left the cluster: it no longer runs.
    Removed(NodeId),
    /// The server would not take a snapshot.
    Snapshot(NodeId, SnapshotError),
}

impl fmt::Display for ActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionError::NoSuchNode(id) => write!(f, "there is no {id}"),
            ActionError::NodeDown(id) => write!(f, "{id} is crashed"),
            ActionError::NodeUp(id) => write!(f, "{id} is already running"),
            ActionError::IsLeader(id) => write!(f, "{id} is the leader and has no election timer"),
            ActionError::NoSuchMessage(id) => {
                write!(f, "message {} is no longer in flight", id.0)
            }
            ActionError::BadSettings => f.write_str("those settings are impossible"),
            ActionError::Full => write!(f, "a cluster has at most {} servers", crate::MAX_NODES),
            ActionError::NoLeader => f.write_str("there is no leader to ask"),
            ActionError::Membership(e) => write!(f, "the leader refused: {e}"),
            ActionError::Removed(id) => write!(f, "{id} has left the cluster"),
            ActionError::Snapshot(id, e) => write!(f, "{id} took no snapshot: {e}"),
        }
    }
}
