//! Snapshots (paper §7): the state machine's value up to an index, with the term of
//! that index and the configuration in effect there, in place of the log before it.

use alloc::vec::Vec;

use crate::membership::Membership;
use crate::types::{LogIndex, Term};

/// A compacted prefix of the log. `data` is the caller's: the node never reads it, it
/// only keeps it, persists it and sends it to followers that need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// The last index the snapshot replaces.
    pub last_index: LogIndex,
    /// The term of that entry.
    pub last_term: Term,
    /// The configuration in effect at `last_index`.
    pub membership: Membership,
    /// The state machine's value after applying every entry up to `last_index`.
    pub data: Vec<u8>,
}

/// Why a node would not take a snapshot. Nothing changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SnapshotError {
    /// The index is not committed yet: its entry could still be replaced, and the
    /// state machine cannot have applied it.
    NotCommitted(LogIndex),
    /// The log is already compacted up to this index or past it.
    AlreadyCompacted(LogIndex),
}

impl core::fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SnapshotError::NotCommitted(i) => write!(f, "index {} is not committed", i.0),
            SnapshotError::AlreadyCompacted(i) => {
                write!(f, "the log is already compacted up to index {}", i.0)
            }
        }
    }
}

/// One piece of a snapshot on its way to a follower (Figure 13's arguments besides the
/// term and leader id). Boxed inside a message, so that the common messages stay small.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotChunk {
    /// The snapshot replaces all entries up to and including this index.
    pub last_index: LogIndex,
    /// The term of that entry.
    pub last_term: Term,
    /// The configuration in the snapshot.
    pub membership: Membership,
    /// Where this chunk sits in the snapshot's data, in bytes.
    pub offset: u64,
    /// The bytes of the chunk.
    pub data: Vec<u8>,
    /// This is the last chunk.
    pub done: bool,
}
