//! The two RPCs of Figure 2 and their replies, as one-way messages.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::log::Entry;
use crate::snapshot::SnapshotChunk;
use crate::types::{LogIndex, NodeId, Term};

/// One message between two nodes. `term` is the sender's current term, except in a
/// pre-vote request (the term the sender would campaign in) and a granted pre-vote reply
/// (the term that was asked about).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message<C> {
    /// The sender.
    pub from: NodeId,
    /// The receiver.
    pub to: NodeId,
    /// See the type's documentation.
    pub term: Term,
    /// What the message says.
    pub body: Body<C>,
}

/// The content of a [`Message`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body<C> {
    /// RequestVote (§5.2), or a pre-vote probe when `pre_vote` is set.
    RequestVote {
        /// Index of the candidate's last log entry (§5.4.1).
        last_log_index: LogIndex,
        /// Term of the candidate's last log entry.
        last_log_term: Term,
        /// A pre-vote: "would you vote for me?", changing no state.
        pre_vote: bool,
    },
    /// The reply to a RequestVote.
    RequestVoteResponse {
        /// Whether the vote was granted.
        granted: bool,
        /// Whether this answers a pre-vote.
        pre_vote: bool,
    },
    /// AppendEntries (§5.3): replicates entries and doubles as the heartbeat.
    AppendEntries {
        /// Index of the entry just before `entries`.
        prev_log_index: LogIndex,
        /// Term of that entry: the consistency check.
        prev_log_term: Term,
        /// Entries to store (empty for a heartbeat).
        entries: Vec<Entry<C>>,
        /// The leader's commit index.
        leader_commit: LogIndex,
    },
    /// The reply to an AppendEntries.
    AppendEntriesResponse(AppendOutcome),
    /// InstallSnapshot (paper §7, Figure 13): a chunk of the leader's snapshot, for a
    /// follower that needs entries the leader has compacted away.
    InstallSnapshot(Box<SnapshotChunk>),
    /// The reply to an InstallSnapshot. Figure 13's reply carries only the term; this
    /// one also says how far the follower got, so the leader knows what to send next.
    InstallSnapshotResponse {
        /// The `last_index` of the snapshot being sent.
        last_index: LogIndex,
        /// The bytes of it the follower holds, from the start: the next chunk's offset.
        received: u64,
        /// The follower installed the whole snapshot (or already had its entries).
        done: bool,
    },
}

/// How a follower answered an AppendEntries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppendOutcome {
    /// The follower's log now matches the leader's up to `match_index`.
    Success {
        /// `prev_log_index` plus the number of entries carried.
        match_index: LogIndex,
    },
    /// The consistency check failed at `prev_log_index`.
    Rejected {
        /// The `prev_log_index` of the rejected request, so the leader can ignore late
        /// replies to requests it has already superseded.
        prev_log_index: LogIndex,
        /// Where the leader should try next (§5.3, "the leader can decrement nextIndex to
        /// bypass all of the conflicting entries in that term").
        hint: ConflictHint,
    },
}

/// The follower's hint for backing up quickly over a divergent log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConflictHint {
    /// The term of the follower's entry at the rejected index, or `None` if its log is
    /// shorter than that.
    pub term: Option<Term>,
    /// The first index the follower holds of `term`, or its last index + 1 when `term`
    /// is `None`.
    pub first_index: LogIndex,
}

/// The four kinds of message, for drawing and counting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// RequestVote (or pre-vote) request.
    VoteRequest,
    /// RequestVote reply.
    VoteResponse,
    /// AppendEntries request (heartbeat when empty).
    AppendRequest,
    /// AppendEntries reply.
    AppendResponse,
    /// InstallSnapshot request (one chunk).
    SnapshotRequest,
    /// InstallSnapshot reply.
    SnapshotResponse,
}

impl<C> Message<C> {
    /// Which of the four kinds this is.
    #[must_use]
    pub fn kind(&self) -> MessageKind {
        match self.body {
            Body::RequestVote { .. } => MessageKind::VoteRequest,
            Body::RequestVoteResponse { .. } => MessageKind::VoteResponse,
            Body::AppendEntries { .. } => MessageKind::AppendRequest,
            Body::AppendEntriesResponse(_) => MessageKind::AppendResponse,
            Body::InstallSnapshot(_) => MessageKind::SnapshotRequest,
            Body::InstallSnapshotResponse { .. } => MessageKind::SnapshotResponse,
        }
    }

    /// Whether this is a request (as opposed to a reply).
    #[must_use]
    pub fn is_request(&self) -> bool {
        matches!(
            self.kind(),
            MessageKind::VoteRequest | MessageKind::AppendRequest | MessageKind::SnapshotRequest
        )
    }
}
