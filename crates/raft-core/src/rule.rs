//! The rules that make a node act, named so that a front end can say why something
//! happened: each [`Event`] maps to the rule that fired ([`Event::rule`]); a rule knows
//! where the paper states it ([`Rule::cite`]) and which box of the paper's Figure 2
//! holds it ([`Rule::figure_2`]). The values a rule compared travel in the event itself
//! (a vote's log ends, a rejection's terms), so nothing here re-derives them.

use crate::event::{AppendSource, CommitBasis, Event, RoleChangeCause, VoteRefusal};

/// The four boxes of the paper's Figure 2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Figure2Box {
    /// State: what each server keeps, persistent and volatile.
    State,
    /// AppendEntries RPC: its arguments, results and receiver rules.
    AppendEntries,
    /// RequestVote RPC: its arguments, results and receiver rules.
    RequestVote,
    /// Rules for Servers: all servers, followers, candidates, leaders.
    RulesForServers,
}

/// A rule of the protocol: one line of Figure 2, or one of the paper's (and Ongaro's
/// thesis's) rules beyond it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    /// RequestVote receiver 1: refuse a request of an older term.
    VoteStaleTerm,
    /// RequestVote receiver 2, its first half: refuse while votedFor names another
    /// candidate in this term.
    VoteAlreadyCast,
    /// RequestVote receiver 2, its second half: refuse a candidate whose log is less
    /// up-to-date (§5.4.1).
    VoteLogNotUpToDate,
    /// RequestVote receiver 2: grant the vote.
    VoteGranted,
    /// AppendEntries receiver 2: refuse when the log has no entry at prevLogIndex whose
    /// term is prevLogTerm (the consistency check).
    AppendConsistencyCheck,
    /// AppendEntries receiver 3: delete an entry that conflicts with a new one, and all
    /// that follow it.
    AppendConflict,
    /// AppendEntries receiver 4: append the new entries not already in the log.
    AppendNewEntries,
    /// AppendEntries receiver 5: commitIndex = min(leaderCommit, index of the last new
    /// entry).
    AppendLeaderCommit,
    /// All servers: a term T > currentTerm sets currentTerm = T and makes a follower.
    HigherTerm,
    /// Followers and candidates: an election timeout with no leader heard (or no
    /// election won) starts an election.
    ElectionTimeout,
    /// Candidates: an election increments currentTerm, votes for itself, resets the
    /// timer and asks every other server for its vote.
    StartElection,
    /// Candidates: votes from a majority make a leader.
    MajorityOfVotes,
    /// Candidates: an AppendEntries from a leader of the term makes a follower.
    NewLeader,
    /// Leaders: a client's command is appended to the leader's log.
    ClientCommand,
    /// Leaders: upon election, and then whenever idle, an empty AppendEntries (a
    /// heartbeat) to each server, so that no election timeout elapses.
    Heartbeat,
    /// Leaders: a follower whose nextIndex is at or below the last log index gets an
    /// AppendEntries with the entries from nextIndex on.
    SendEntries,
    /// Leaders: an AppendEntries refused for an inconsistent log moves nextIndex back
    /// and retries.
    DecrementNextIndex,
    /// Leaders: commitIndex = N when a majority's matchIndex reaches N ...
    CommitRule,
    /// ... and log[N].term is the current term: an older term's entry is not committed
    /// by counting replicas (§5.4.2, Figure 8).
    CurrentTermOnly,
    /// A new leader appends an empty entry of its term, so that it learns what is
    /// committed soon (§8).
    NoopEntry,
    /// Membership changes (§6; single-server changes: thesis §4.1).
    Membership,
    /// A server that hears from a live leader disregards a RequestVote (§6), so that a
    /// removed server cannot disrupt the cluster.
    LeaderStillActive,
    /// Log compaction and InstallSnapshot (§7, Figure 13).
    Snapshot,
    /// Pre-vote: ask first whether an election could be won (thesis §9.6).
    PreVote,
    /// Check-quorum: a leader that stops hearing from a majority steps down (thesis
    /// §6.2).
    CheckQuorum,
}

impl Rule {
    /// Every rule, in the order above.
    pub const ALL: [Rule; 25] = [
        Rule::VoteStaleTerm,
        Rule::VoteAlreadyCast,
        Rule::VoteLogNotUpToDate,
        Rule::VoteGranted,
        Rule::AppendConsistencyCheck,
        Rule::AppendConflict,
        Rule::AppendNewEntries,
        Rule::AppendLeaderCommit,
        Rule::HigherTerm,
        Rule::ElectionTimeout,
        Rule::StartElection,
        Rule::MajorityOfVotes,
        Rule::NewLeader,
        Rule::ClientCommand,
        Rule::Heartbeat,
        Rule::SendEntries,
        Rule::DecrementNextIndex,
        Rule::CommitRule,
        Rule::CurrentTermOnly,
        Rule::NoopEntry,
        Rule::Membership,
        Rule::LeaderStillActive,
        Rule::Snapshot,
        Rule::PreVote,
        Rule::CheckQuorum,
    ];

    /// Where the paper (or Ongaro's thesis, "thesis §…") states it.
    #[must_use]
    pub fn cite(self) -> &'static str {
        match self {
            Rule::VoteStaleTerm | Rule::HigherTerm => "§5.1",
            Rule::VoteAlreadyCast
            | Rule::VoteGranted
            | Rule::ElectionTimeout
            | Rule::StartElection
            | Rule::MajorityOfVotes
            | Rule::NewLeader
            | Rule::Heartbeat => "§5.2",
            Rule::AppendConsistencyCheck
            | Rule::AppendConflict
            | Rule::AppendNewEntries
            | Rule::AppendLeaderCommit
            | Rule::ClientCommand
            | Rule::SendEntries
            | Rule::DecrementNextIndex
            | Rule::CommitRule => "§5.3",
            Rule::VoteLogNotUpToDate => "§5.4.1",
            Rule::CurrentTermOnly => "§5.4.2",
            Rule::Membership | Rule::LeaderStillActive => "§6",
            Rule::NoopEntry => "§8",
            Rule::Snapshot => "§7",
            Rule::PreVote => "thesis §9.6",
            Rule::CheckQuorum => "thesis §6.2",
        }
    }

    /// The box of Figure 2 that states it; `None` for the rules beyond Figure 2.
    #[must_use]
    pub fn figure_2(self) -> Option<Figure2Box> {
        match self {
            Rule::VoteStaleTerm
            | Rule::VoteAlreadyCast
            | Rule::VoteLogNotUpToDate
            | Rule::VoteGranted => Some(Figure2Box::RequestVote),
            Rule::AppendConsistencyCheck
            | Rule::AppendConflict
            | Rule::AppendNewEntries
            | Rule::AppendLeaderCommit => Some(Figure2Box::AppendEntries),
            Rule::HigherTerm
            | Rule::ElectionTimeout
            | Rule::StartElection
            | Rule::MajorityOfVotes
            | Rule::NewLeader
            | Rule::ClientCommand
            | Rule::Heartbeat
            | Rule::SendEntries
            | Rule::DecrementNextIndex
            | Rule::CommitRule
            | Rule::CurrentTermOnly => Some(Figure2Box::RulesForServers),
            Rule::Membership
            | Rule::NoopEntry
            | Rule::LeaderStillActive
            | Rule::Snapshot
            | Rule::PreVote
            | Rule::CheckQuorum => None,
        }
    }
}

impl Event {
    /// The rule that made the node do this; `None` for what no rule asks for (a term
    /// change, which the role change or the election beside it explains; an ignored
    /// message; a commit index going back, which only an unsafe rule causes).
    #[must_use]
    pub fn rule(&self) -> Option<Rule> {
        Some(match *self {
            Event::RoleChanged { cause, .. } => match cause {
                RoleChangeCause::ElectionTimeout | RoleChangeCause::ForcedTimeout => {
                    Rule::ElectionTimeout
                }
                RoleChangeCause::PreVoteWon => Rule::PreVote,
                RoleChangeCause::WonElection => Rule::MajorityOfVotes,
                RoleChangeCause::HigherTerm(_) => Rule::HigherTerm,
                RoleChangeCause::LeaderDiscovered(_) => Rule::NewLeader,
                RoleChangeCause::QuorumLost => Rule::CheckQuorum,
                RoleChangeCause::RemovedFromConfiguration => Rule::Membership,
            },
            Event::ElectionStarted { pre_vote: true, .. }
            | Event::VoteGranted { pre_vote: true, .. } => Rule::PreVote,
            Event::ElectionStarted { .. } => Rule::StartElection,
            Event::VoteGranted { .. } => Rule::VoteGranted,
            Event::VoteRefused { reason, .. } => match reason {
                VoteRefusal::StaleTerm { .. } => Rule::VoteStaleTerm,
                VoteRefusal::AlreadyVoted(_) => Rule::VoteAlreadyCast,
                VoteRefusal::LogNotUpToDate { .. } => Rule::VoteLogNotUpToDate,
                VoteRefusal::LeaderStillActive => Rule::LeaderStillActive,
            },
            Event::VoteCounted { .. } => Rule::MajorityOfVotes,
            Event::EntriesAppended { source, .. } => match source {
                AppendSource::Leader(_) => Rule::AppendNewEntries,
                AppendSource::Command => Rule::ClientCommand,
                AppendSource::Noop => Rule::NoopEntry,
                AppendSource::Configuration => Rule::Membership,
            },
            Event::EntriesTruncated { .. } => Rule::AppendConflict,
            Event::AppendRejected { .. } => Rule::AppendConsistencyCheck,
            Event::NextIndexBackedUp { .. } => Rule::DecrementNextIndex,
            Event::CommitAdvanced { basis, .. } => match basis {
                CommitBasis::Majority { .. } => Rule::CommitRule,
                CommitBasis::LeaderCommit(_) => Rule::AppendLeaderCommit,
                CommitBasis::Snapshot => Rule::Snapshot,
            },
            Event::CommitWithheld { .. } => Rule::CurrentTermOnly,
            Event::ConfigurationAppended(_)
            | Event::ConfigurationCommitted(_)
            | Event::ConfigurationReverted(_)
            | Event::LearnerCaughtUp { .. } => Rule::Membership,
            Event::SnapshotTaken { .. }
            | Event::SnapshotSent { .. }
            | Event::SnapshotInstalled { .. } => Rule::Snapshot,
            Event::TermChanged { .. }
            | Event::CommitRolledBack { .. }
            | Event::MessageIgnored { .. } => return None,
        })
    }
}
