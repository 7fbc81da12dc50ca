//! Persistent state (Figure 2, "Persistent state on all servers") and the changes to it
//! that a node asks its caller to make durable.

use crate::log::{Log, LogRange};
use crate::snapshot::Snapshot;
use crate::types::{LogIndex, NodeId, Term};

/// The small, frequently rewritten part of persistent state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HardState {
    /// Latest term the server has seen.
    pub current_term: Term,
    /// Candidate that received this server's vote in the current term, if any.
    pub voted_for: Option<NodeId>,
}

/// Everything a server must keep across a crash: current term, vote, the latest
/// snapshot and the log after it (paper §7). A node restarted from this value behaves as
/// the paper requires: roles and leader state start over, and the commit index starts at
/// the snapshot's last index (the state machine is restored from it, not replayed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersistentState<C> {
    /// Current term and vote.
    pub hard_state: HardState,
    /// The latest snapshot, if the log was ever compacted.
    pub snapshot: Option<Snapshot>,
    /// The log after the snapshot.
    pub log: Log<C>,
}

impl<C> Default for PersistentState<C> {
    fn default() -> Self {
        PersistentState {
            hard_state: HardState::default(),
            snapshot: None,
            log: Log::new(),
        }
    }
}

/// One change to persistent state. A caller applies these, in order, to stable storage
/// before it sends any message of the same [`Ready`](crate::Ready).
///
/// New entries are lent, not copied: `AppendLog` names their indexes, and the caller reads
/// them from the node's [`log`](crate::Node::log) while it handles the `Ready` (the node
/// keeps every entry a pending `AppendLog` names, see [`Ready`](crate::Ready)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PersistOp {
    /// Overwrite term and vote.
    HardState(HardState),
    /// Drop the entries from `from` on.
    TruncateLog {
        /// First index removed.
        from: LogIndex,
    },
    /// Append the node's entries at these indexes, which continue the log.
    AppendLog(LogRange),
    /// Store the node's snapshot, which ends at this index, in place of the previous
    /// one, and compact the log up to it (dropping the whole log if it does not hold the
    /// snapshot's last entry).
    SaveSnapshot(LogIndex),
}

impl<C: Clone> PersistentState<C> {
    /// Applies one change, as a storage layer would, copying new entries and snapshots
    /// from `source` (the persistent state of the node whose `Ready` holds `op`,
    /// [`Node::persistent`](crate::Node::persistent)).
    pub fn apply(&mut self, op: &PersistOp, source: &PersistentState<C>) {
        let source_log = &source.log;
        match *op {
            PersistOp::HardState(hs) => self.hard_state = hs,
            PersistOp::TruncateLog { from } => {
                self.log.truncate_from(from);
            }
            PersistOp::AppendLog(range) => {
                // Appends always continue the log; anything else is a caller bug, and a
                // storage layer should not silently misplace entries.
                self.log.truncate_from(range.first);
                if self.log.last_index().next() == range.first {
                    self.log.extend(source_log.range(range).iter().cloned());
                }
            }
            PersistOp::SaveSnapshot(index) => {
                if let Some(snap) = source.snapshot.as_ref().filter(|s| s.last_index == index) {
                    self.log.compact_to(snap.last_index, snap.last_term);
                    self.snapshot = Some(snap.clone());
                }
            }
        }
    }
}
