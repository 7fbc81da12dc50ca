//! Typed events: what happened inside a node, for narration and for checkers.

use crate::membership::ConfigStep;
use crate::types::{LogIndex, NodeId, Term};

/// The role of a node (paper §5.1, Figure 4; `PreCandidate` only with pre-vote).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Passive: answers leaders and candidates.
    Follower,
    /// Asking whether it could win an election, without raising its term yet.
    PreCandidate,
    /// Asking for votes in its term.
    Candidate,
    /// Handles clients and replicates the log.
    Leader,
}

/// Why a node changed role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleChangeCause {
    /// Its election timeout elapsed.
    ElectionTimeout,
    /// It was told to time out now.
    ForcedTimeout,
    /// Its pre-vote round found a majority.
    PreVoteWon,
    /// It received votes from a majority.
    WonElection,
    /// It saw a higher term in a message from this node.
    HigherTerm(NodeId),
    /// A leader of its own term contacted it.
    LeaderDiscovered(NodeId),
    /// As a leader it did not hear from a majority within an election timeout.
    QuorumLost,
    /// As a leader it committed a configuration it is not a voter of (paper §6: "the
    /// leader steps down once it has committed the C_new log entry").
    RemovedFromConfiguration,
}

/// Where a log ends: its last entry's term and index, which §5.4.1 compares (an empty
/// log ends at term 0, index 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LogEnd {
    /// The last entry's term (compared first).
    pub term: Term,
    /// The last entry's index.
    pub index: LogIndex,
}

/// Why a vote was refused, with what the voter compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteRefusal {
    /// The request's term is older than the voter's (for a pre-vote: not newer).
    StaleTerm {
        /// The voter's current term.
        current: Term,
    },
    /// The voter already voted for another candidate in this term.
    AlreadyVoted(NodeId),
    /// The candidate's log is less up-to-date than the voter's (§5.4.1).
    LogNotUpToDate {
        /// Where the candidate's log ends.
        candidate: LogEnd,
        /// Where the voter's log ends.
        own: LogEnd,
    },
    /// The voter heard from a live leader less than an election timeout ago.
    LeaderStillActive,
}

/// Where appended entries came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppendSource {
    /// An AppendEntries from this leader (a follower's append).
    Leader(NodeId),
    /// A client's commands, proposed to this leader.
    Command,
    /// The leader's empty entry of its new term (§8).
    Noop,
    /// A configuration step the leader appended (§6).
    Configuration,
}

/// Why a node's commit index advanced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommitBasis {
    /// A leader's rule (§5.3, §5.4.2): the new commit index is stored on `holders` of
    /// the `voters` of the configuration in effect (a majority; while a change is
    /// joint, of C_old too), and its entry is of the leader's term.
    Majority {
        /// The voters whose logs hold it, the leader included if it votes.
        holders: u32,
        /// The voters of the configuration in effect.
        voters: u32,
    },
    /// A follower's rule (AppendEntries receiver, step 5): the leader's commit index,
    /// capped at the last entry the message brought.
    LeaderCommit(LogIndex),
    /// A snapshot from the leader covers it: only committed entries are compacted.
    Snapshot,
}

/// A configuration step and where it sits in the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConfigEntry {
    /// The entry's index.
    pub index: LogIndex,
    /// What it changes.
    pub step: ConfigStep,
}

/// Why a node ignored a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IgnoreReason {
    /// A reply from an older term, or to a request already superseded.
    Stale,
    /// A reply that does not fit the node's current role.
    UnexpectedInRole,
}

/// Something that happened inside a node. Events never drive the protocol; they explain
/// it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The node changed role.
    RoleChanged {
        /// The node's term after the change.
        term: Term,
        /// The old role.
        from: Role,
        /// The new role.
        to: Role,
        /// Why.
        cause: RoleChangeCause,
    },
    /// The node's current term advanced.
    TermChanged {
        /// The old term.
        from: Term,
        /// The new term.
        to: Term,
    },
    /// The node's election timer fired (or was forced) and it starts an election or,
    /// with pre-vote, a pre-vote round for `term`.
    ElectionStarted {
        /// The term being campaigned for.
        term: Term,
        /// Whether this is only a pre-vote round.
        pre_vote: bool,
    },
    /// The node granted its vote: the request's term was not older than its own, it had
    /// not voted for another candidate in it, and the candidate's log was at least as
    /// up-to-date as its own (Figure 2, RequestVote receiver; §5.2, §5.4.1).
    VoteGranted {
        /// The candidate.
        candidate: NodeId,
        /// The election's term.
        term: Term,
        /// A pre-vote (no state changed).
        pre_vote: bool,
        /// It had already voted for this candidate in this term (a request again).
        again: bool,
        /// Where the candidate's log ends.
        candidate_log: LogEnd,
        /// Where the voter's log ends.
        own_log: LogEnd,
    },
    /// The node refused its vote.
    VoteRefused {
        /// The candidate.
        candidate: NodeId,
        /// The term of the request.
        term: Term,
        /// A pre-vote.
        pre_vote: bool,
        /// Why.
        reason: VoteRefusal,
    },
    /// A candidate counted a reply to its vote request.
    VoteCounted {
        /// The voter.
        voter: NodeId,
        /// Granted or refused.
        granted: bool,
        /// A pre-vote round.
        pre_vote: bool,
        /// Votes granted so far, including its own.
        votes: usize,
        /// Votes needed to win: more than half the cluster.
        needed: usize,
    },
    /// Entries `first..=last` were appended to the node's log.
    EntriesAppended {
        /// The first new index.
        first: LogIndex,
        /// The last new index.
        last: LogIndex,
        /// The term of the last appended entry.
        term: Term,
        /// Where they came from.
        source: AppendSource,
    },
    /// Conflicting entries `from..=last` were removed from the node's log (§5.3).
    EntriesTruncated {
        /// The first removed index.
        from: LogIndex,
        /// The last removed index.
        last: LogIndex,
    },
    /// A follower's consistency check failed on an AppendEntries from `leader`
    /// (Figure 2, AppendEntries receiver, step 2; §5.3).
    AppendRejected {
        /// The leader.
        leader: NodeId,
        /// The index whose term did not match (or was missing).
        prev_log_index: LogIndex,
        /// The term the leader has there.
        prev_log_term: Term,
        /// The term this node has there (`None`: its log is shorter).
        own_term: Option<Term>,
    },
    /// A leader moved a follower's next index back after a rejection.
    NextIndexBackedUp {
        /// The follower.
        follower: NodeId,
        /// The new next index.
        next_index: LogIndex,
    },
    /// The commit index advanced; the entries in between are now committed.
    CommitAdvanced {
        /// The old commit index.
        from: LogIndex,
        /// The new commit index.
        to: LogIndex,
        /// Why.
        basis: CommitBasis,
    },
    /// A leader did not commit `index` although a majority stores it: its entry is of
    /// an older term (§5.4.2, Figure 8). Told once for each such index.
    CommitWithheld {
        /// The index a majority stores.
        index: LogIndex,
        /// Its entry's term.
        entry_term: Term,
        /// The leader's term.
        term: Term,
        /// The voters whose logs hold it, the leader included if it votes.
        holders: u32,
        /// The voters of the configuration in effect.
        voters: u32,
    },
    /// The commit index moved back because committed entries were overwritten. Only an
    /// unsafe rule or a misbehaving leader can cause this; checkers flag it.
    CommitRolledBack {
        /// The old commit index.
        from: LogIndex,
        /// The new commit index.
        to: LogIndex,
    },
    /// A configuration entry was appended to the node's log: the node uses the new
    /// configuration from now on (paper §6).
    ConfigurationAppended(ConfigEntry),
    /// A configuration entry was committed.
    ConfigurationCommitted(ConfigEntry),
    /// An uncommitted configuration entry was removed by a conflicting leader: the node
    /// is back on the configuration before it.
    ConfigurationReverted(ConfigEntry),
    /// A leader saw a learner finish a round of catching up within an election
    /// timeout (thesis §4.2.1): it can be made a voter without stalling commitment.
    LearnerCaughtUp {
        /// The learner.
        learner: NodeId,
        /// The index the round brought it to.
        index: LogIndex,
        /// The rounds it took, this one included.
        rounds: u32,
    },
    /// The node compacted its log into a snapshot (paper §7).
    SnapshotTaken {
        /// The last index it covers.
        last_index: LogIndex,
        /// The term of that entry.
        last_term: Term,
        /// The size of the state machine's data.
        bytes: u64,
    },
    /// A leader started sending its snapshot to a follower that needs compacted
    /// entries (InstallSnapshot, Figure 13).
    SnapshotSent {
        /// The follower.
        to: NodeId,
        /// The snapshot's last index.
        last_index: LogIndex,
        /// The size of its data, sent in chunks.
        bytes: u64,
    },
    /// A follower installed a snapshot from its leader in place of its log.
    SnapshotInstalled {
        /// The leader.
        from: NodeId,
        /// The snapshot's last index.
        last_index: LogIndex,
        /// The term of that entry.
        last_term: Term,
    },
    /// A message was ignored.
    MessageIgnored {
        /// The sender.
        from: NodeId,
        /// Why.
        reason: IgnoreReason,
    },
}
