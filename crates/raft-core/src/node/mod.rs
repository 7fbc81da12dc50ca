//! The Raft node: state, constructors, read access and the role transitions shared by
//! election and replication.

mod compaction;
mod election;
mod membership;
mod replication;
mod validate;

use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use crate::config::{Config, ConfigError};
use crate::event::{Event, Role, RoleChangeCause};
use crate::log::{Log, LogRange};
use crate::membership::{Membership, MembershipError};
use crate::message::{Body, Message};
use crate::ready::Ready;
use crate::rng::Rng;
use crate::storage::{HardState, PersistOp, PersistentState};
use crate::types::{Instant, LogIndex, NodeId, Term, micros};

pub use membership::{ChangeError, MembershipChange};
pub use validate::{Malformed, StepError};

use membership::ConfigLog;

/// One Raft server, after Figure 2 of the paper, as a sans-IO state machine.
///
/// # Contract
///
/// A `Node` does no I/O, reads no clock and draws no OS randomness. The caller owns
/// the network, the storage and the clock; the node only reacts to inputs and queues
/// outputs.
///
/// **Inputs** (each takes `now`, the caller's current virtual time):
/// - [`step`](Node::step): a message from another node arrived. Stale, duplicated,
///   reordered and malformed messages are all allowed: they are answered or ignored as
///   the paper says, and a message that makes no sense is refused with a [`StepError`].
///   The node never panics on any message.
/// - [`handle_timeout`](Node::handle_timeout): call it when `now` reaches
///   [`next_deadline`](Node::next_deadline) (calling it early or late is harmless; a
///   timer fires only when due). A follower or candidate whose election timeout elapsed
///   starts an election; a leader sends heartbeats.
/// - [`propose`](Node::propose): a client command. Only a leader accepts it.
/// - [`timeout_now`](Node::timeout_now), [`set_election_deadline`](Node::set_election_deadline):
///   teaching and testing interventions on the election timer.
///
/// **Outputs**: after any input, [`take_ready`](Node::take_ready) returns a [`Ready`]:
/// persistent-state changes, messages to send, newly committed entries and events. The
/// caller must make `persist` durable *before* sending `messages` (a vote or an
/// acknowledgement must never outlive a crash that forgets it), then may apply
/// `committed` to its state machine in order. Outputs accumulate until taken.
///
/// **Entries are lent, not copied**: `persist` and `committed` name log indexes, and the
/// caller reads the entries from [`log`](Node::log) before its next input. The node
/// copies a command only into each AppendEntries that carries it; for a large command,
/// pick a shared type (`Arc<[u8]>`, `bytes::Bytes`) and a copy is a reference count.
///
/// **Time**: `now` must not go backwards; if it does, the node keeps its latest time.
/// Election timeouts are drawn uniformly from `[election_timeout_min,
/// election_timeout_max)` by the node's own generator, seeded by the caller, so one seed
/// reproduces a run exactly.
///
/// **Crash and restart**: drop the node, keep its [`PersistentState`] (built by applying
/// `persist` operations, or read with [`persistent`](Node::persistent)), and call
/// [`Node::restart`]. Everything else is volatile, as in Figure 2.
///
/// **Call order**: any input, then `take_ready`, in any interleaving; a single thread.
#[derive(Clone)]
pub struct Node<C> {
    id: NodeId,
    config: Config,
    /// The configurations in the log; the latest is in effect.
    configs: ConfigLog,
    persistent: PersistentState<C>,
    /// Volatile on all servers.
    commit_index: LogIndex,
    role: RoleState,
    /// The leader of the current term, when known.
    leader: Option<NodeId>,
    /// When this node last accepted an AppendEntries from a current leader.
    last_leader_contact: Option<Instant>,
    /// A snapshot arriving in chunks from the leader (Figure 13).
    incoming: Option<compaction::IncomingSnapshot>,
    now: Instant,
    election_deadline: Instant,
    rng: Rng,
    ready: Ready<C>,
}

impl<C> fmt::Debug for Node<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Node")
            .field("id", &self.id)
            .field("role", &self.role())
            .field("term", &self.term())
            .field("voted_for", &self.voted_for())
            .field("last_index", &self.persistent.log.last_index())
            .field("commit_index", &self.commit_index)
            .finish_non_exhaustive()
    }
}

/// Role-specific volatile state.
#[derive(Clone, Debug)]
enum RoleState {
    Follower,
    PreCandidate(VoteTally),
    Candidate(VoteTally),
    Leader(LeaderState),
}

/// Votes a (pre-)candidate has received, its own included.
#[derive(Clone, Debug, Default)]
struct VoteTally {
    granted: Vec<NodeId>,
    refused: Vec<NodeId>,
}

impl VoteTally {
    fn record(&mut self, voter: NodeId, granted: bool) {
        if self.granted.contains(&voter) || self.refused.contains(&voter) {
            return; // a duplicated reply counts once
        }
        if granted {
            self.granted.push(voter);
        } else {
            self.refused.push(voter);
        }
    }
}

/// Volatile state on leaders (Figure 2), plus the leader's timers and the membership
/// work it has in hand.
#[derive(Clone, Debug)]
struct LeaderState {
    /// One per member other than the leader, learners included, in id order.
    progress: Vec<Progress>,
    heartbeat_deadline: Instant,
    /// With check-quorum: when the leader next checks that a majority answered.
    quorum_check_deadline: Instant,
    /// The majorities the commit rule needs, from the configuration in effect.
    quorum: Quorum,
    /// Voters a caller asked to remove, waiting for their turn.
    removals: Vec<NodeId>,
    /// Each learner's current round of catching up (thesis §4.2.1), by learner. Kept
    /// apart from `progress`, which every acknowledgement reads.
    rounds: Vec<(NodeId, CatchUp)>,
    /// A membership step waits for a commit (see `advance_membership`).
    membership_pending: bool,
    /// Followers being sent the snapshot: (follower, the snapshot's last index, the
    /// offset of the next chunk).
    snapshot_sends: Vec<(NodeId, LogIndex, u64)>,
    /// The highest index a majority stored that the commit rule held back for its older
    /// term (§5.4.2), so that `Event::CommitWithheld` is told once per index.
    withheld: LogIndex,
}

/// What a leader's commit rule counts, kept in step with the configuration in effect.
#[derive(Clone, Debug, Default)]
struct Quorum {
    /// Voters needed in the configuration in effect (C_new while joint).
    new: usize,
    /// Voters needed in C_old while joint; 0 otherwise.
    old: usize,
    /// The leader votes in the configuration in effect...
    self_voter: bool,
    /// ... and in C_old while joint. A leader being removed counts itself in neither
    /// once the change is appended (paper §6).
    self_outgoing_voter: bool,
    /// Every follower and the leader vote, and no joint change is under way: the
    /// common case, counted without looking at flags.
    plain: bool,
}

/// A leader's view of one follower.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The follower.
    pub node: NodeId,
    /// Index of the next log entry to send to it.
    pub next_index: LogIndex,
    /// Index of the highest log entry known to be replicated on it.
    pub match_index: LogIndex,
    /// An AppendEntries is on its way and unanswered; the leader waits for the reply
    /// (or the next heartbeat) before sending more.
    pub in_flight: bool,
    /// AppendEntries carrying entries sent to it and not yet answered (counted for
    /// `Config::max_inflight_appends`; every reply answers one).
    pub inflight_appends: u32,
    /// It answered since the last check-quorum round.
    pub recently_active: bool,
    /// When it last answered an AppendEntries (the leader's lease counts these).
    pub last_heard: Option<Instant>,
    /// It votes in the configuration in effect (C_new while joint).
    pub voter: bool,
    /// It votes in C_old while a joint change lasts.
    pub outgoing_voter: bool,
}

impl Progress {
    /// A follower the leader knows nothing about yet.
    fn new(node: NodeId, next_index: LogIndex) -> Progress {
        Progress {
            node,
            next_index,
            match_index: LogIndex(0),
            in_flight: false,
            inflight_appends: 0,
            recently_active: true,
            last_heard: None,
            voter: false,
            outgoing_voter: false,
        }
    }
}

/// A round of a learner catching up: it must reach `target` (the leader's last index
/// when the round started) within the minimum election timeout to count as caught up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CatchUp {
    /// The index the round must reach.
    pub target: LogIndex,
    /// When the round started.
    pub started: Instant,
    /// The learner finished a round in time and may be promoted.
    pub caught_up: bool,
    /// Which round this is, from 1.
    pub round: u32,
}

impl CatchUp {
    fn starting(target: LogIndex, started: Instant) -> CatchUp {
        CatchUp {
            target,
            started,
            caught_up: false,
            round: 1,
        }
    }
}

/// Why a node could not be created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewNodeError {
    /// The configuration is unusable.
    Config(ConfigError),
    /// The member list is unusable.
    Membership(MembershipError),
}

impl fmt::Display for NewNodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NewNodeError::Config(e) => write!(f, "bad configuration: {e}"),
            NewNodeError::Membership(MembershipError::Empty) => f.write_str("no members"),
            NewNodeError::Membership(MembershipError::Duplicate(id)) => {
                write!(f, "{id} is listed twice")
            }
            NewNodeError::Membership(MembershipError::SelfNotMember(id)) => {
                write!(f, "{id} is not among the members")
            }
        }
    }
}

/// Why a proposal was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProposeError {
    /// Only a leader takes proposals; `leader` is who this node thinks leads, if anyone.
    NotLeader {
        /// The known leader of the current term.
        leader: Option<NodeId>,
    },
}

impl fmt::Display for ProposeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProposeError::NotLeader { leader: Some(l) } => {
                write!(f, "not the leader; {l} is")
            }
            ProposeError::NotLeader { leader: None } => {
                f.write_str("not the leader, and no leader is known")
            }
        }
    }
}

/// Why a timer intervention does not apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimerError {
    /// A leader has no election timer.
    IsLeader,
    /// A learner, or a server outside the configuration, never campaigns.
    NotVoter,
}

impl fmt::Display for TimerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimerError::IsLeader => "a leader has no election timer",
            TimerError::NotVoter => "a server that does not vote never campaigns",
        })
    }
}

impl<C: Clone> Node<C> {
    /// A fresh node: term 0, no vote, empty log, follower, election timer started at
    /// `now`. `seed` fixes its election timeouts. `members` are the voters the cluster
    /// boots with, this node among them.
    pub fn new(
        id: NodeId,
        members: &[NodeId],
        config: Config,
        seed: u64,
        now: Instant,
    ) -> Result<Node<C>, NewNodeError> {
        Membership::new(id, members).map_err(NewNodeError::Membership)?;
        Node::restart(id, members, config, seed, now, PersistentState::default())
    }

    /// A fresh server for an existing cluster, which waits to be added
    /// ([`change_membership`](Node::change_membership) on the leader). `cluster` is the
    /// list the cluster booted with (this node not among them): the configuration
    /// entries it will receive are steps from there.
    pub fn join(
        id: NodeId,
        cluster: &[NodeId],
        config: Config,
        seed: u64,
        now: Instant,
    ) -> Result<Node<C>, NewNodeError> {
        Node::restart(id, cluster, config, seed, now, PersistentState::default())
    }

    /// A node recovering from a crash with the state it had persisted. It starts as a
    /// follower with commit index 0, as Figure 2 prescribes. `members` is the list the
    /// cluster booted with; the node's configuration is the latest in its log after
    /// it, which may since have added or removed this node.
    pub fn restart(
        id: NodeId,
        members: &[NodeId],
        config: Config,
        seed: u64,
        now: Instant,
        persisted: PersistentState<C>,
    ) -> Result<Node<C>, NewNodeError> {
        config.validate().map_err(NewNodeError::Config)?;
        let base = match &persisted.snapshot {
            Some(s) => s.membership.clone(),
            None => Membership::of_voters(members).map_err(NewNodeError::Membership)?,
        };
        let configs = ConfigLog::rebuild(base, &persisted.log);
        // What a snapshot holds is committed: the state machine restarts from it
        // (`Node::snapshot`), not from index 1.
        let commit_index = persisted.log.snapshot_index();
        let mut node = Node {
            id,
            config,
            configs,
            persistent: persisted,
            commit_index,
            role: RoleState::Follower,
            leader: None,
            last_leader_contact: None,
            incoming: None,
            now,
            election_deadline: now,
            rng: Rng::new(seed),
            ready: Ready::default(),
        };
        node.reset_election_timer();
        Ok(node)
    }

    /// Takes the outputs accumulated since the last call.
    pub fn take_ready(&mut self) -> Ready<C> {
        core::mem::take(&mut self.ready)
    }

    /// Moves the accumulated outputs into `out`, which must have been handled: its
    /// old contents are cleared and its buffers are reused here, so a caller looping
    /// over inputs allocates nothing for outputs once warmed up.
    pub fn take_ready_into(&mut self, out: &mut Ready<C>) {
        out.persist.clear();
        out.messages.clear();
        out.committed = LogRange::EMPTY;
        out.restore = false;
        out.events.clear();
        core::mem::swap(&mut self.ready, out);
    }

    /// Whether outputs are waiting.
    #[must_use]
    pub fn has_ready(&self) -> bool {
        !self.ready.is_empty()
    }
}

/// Read access: everything a drawing or a checker needs.
impl<C> Node<C> {
    /// This node's id.
    #[must_use]
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The configuration in effect: the latest in the log, committed or not (§6).
    #[must_use]
    pub fn members(&self) -> &Membership {
        self.configs.latest()
    }

    /// The configuration as of the commit index: the latest one that is committed.
    #[must_use]
    pub fn committed_members(&self) -> &Membership {
        self.configs.at(self.commit_index)
    }

    /// The current role.
    ///
    /// Not inlined: callers read it in many places (a front end especially), and one
    /// body is smaller than a copy of the match at each.
    #[must_use]
    #[inline(never)]
    pub fn role(&self) -> Role {
        match self.role {
            RoleState::Follower => Role::Follower,
            RoleState::PreCandidate(_) => Role::PreCandidate,
            RoleState::Candidate(_) => Role::Candidate,
            RoleState::Leader(_) => Role::Leader,
        }
    }

    /// The current term.
    #[must_use]
    pub fn term(&self) -> Term {
        self.persistent.hard_state.current_term
    }

    /// Whom this node voted for in the current term.
    #[must_use]
    pub fn voted_for(&self) -> Option<NodeId> {
        self.persistent.hard_state.voted_for
    }

    /// The voters that granted this (pre-)candidate their vote, itself included; empty
    /// in other roles.
    #[must_use]
    pub fn votes_granted(&self) -> &[NodeId] {
        match &self.role {
            RoleState::PreCandidate(t) | RoleState::Candidate(t) => &t.granted,
            _ => &[],
        }
    }

    /// The voters that refused this (pre-)candidate; empty in other roles.
    #[must_use]
    pub fn votes_refused(&self) -> &[NodeId] {
        match &self.role {
            RoleState::PreCandidate(t) | RoleState::Candidate(t) => &t.refused,
            _ => &[],
        }
    }

    /// The log.
    #[must_use]
    pub fn log(&self) -> &Log<C> {
        &self.persistent.log
    }

    /// Index of the highest entry known to be committed.
    #[must_use]
    pub fn commit_index(&self) -> LogIndex {
        self.commit_index
    }

    /// The persistent state (term, vote, log): what survives a crash.
    #[must_use]
    pub fn persistent(&self) -> &PersistentState<C> {
        &self.persistent
    }

    /// The leader of the current term as far as this node knows (itself if leader).
    #[must_use]
    pub fn leader(&self) -> Option<NodeId> {
        self.leader
    }

    /// The node's latest notion of time.
    #[must_use]
    pub fn now(&self) -> Instant {
        self.now
    }

    /// When the election timer fires; `None` for a leader.
    #[must_use]
    pub fn election_deadline(&self) -> Option<Instant> {
        match self.role {
            RoleState::Leader(_) => None,
            _ => Some(self.election_deadline),
        }
    }

    /// When a leader sends its next heartbeat; `None` for other roles.
    #[must_use]
    pub fn heartbeat_deadline(&self) -> Option<Instant> {
        match &self.role {
            RoleState::Leader(l) => Some(l.heartbeat_deadline),
            _ => None,
        }
    }

    /// The earliest time at which [`handle_timeout`](Node::handle_timeout) has work.
    #[must_use]
    pub fn next_deadline(&self) -> Instant {
        match &self.role {
            RoleState::Leader(l) if self.config.check_quorum => {
                l.heartbeat_deadline.min(l.quorum_check_deadline)
            }
            RoleState::Leader(l) => l.heartbeat_deadline,
            _ => self.election_deadline,
        }
    }

    /// A leader's next and match index for each follower; `None` for other roles.
    #[must_use]
    pub fn progress(&self) -> Option<&[Progress]> {
        match &self.role {
            RoleState::Leader(l) => Some(&l.progress),
            _ => None,
        }
    }

    /// A leader's current round of catching up for the learner `id`, if it leads and
    /// `id` is a learner.
    #[must_use]
    pub fn catch_up(&self, id: NodeId) -> Option<CatchUp> {
        match &self.role {
            RoleState::Leader(l) => l.rounds.iter().find(|(n, _)| *n == id).map(|(_, c)| *c),
            _ => None,
        }
    }
}

impl<C: Clone> Node<C> {
    /// Fires every timer that is due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.advance_clock(now);
        if let RoleState::Leader(_) = self.role {
            self.leader_tick();
        } else if self.now >= self.election_deadline {
            if self.may_campaign() {
                self.start_election(RoleChangeCause::ElectionTimeout);
            } else {
                // A learner or an outsider waits for a leader; it never campaigns.
                self.reset_election_timer();
            }
        }
    }

    /// Makes the election timer fire now (a teaching intervention: "this node times
    /// out"). A leader has no election timer.
    pub fn timeout_now(&mut self, now: Instant) -> Result<(), TimerError> {
        self.advance_clock(now);
        if let RoleState::Leader(_) = self.role {
            return Err(TimerError::IsLeader);
        }
        if !self.may_campaign() {
            return Err(TimerError::NotVoter);
        }
        self.start_election(RoleChangeCause::ForcedTimeout);
        Ok(())
    }

    /// Moves the election timer to fire at `deadline` (used by scripted scenes, e.g.
    /// two nodes timing out together). A leader has no election timer.
    pub fn set_election_deadline(&mut self, deadline: Instant) -> Result<(), TimerError> {
        if let RoleState::Leader(_) = self.role {
            return Err(TimerError::IsLeader);
        }
        self.election_deadline = deadline.max(self.now);
        Ok(())
    }

    /// Replaces the configuration (timeouts, switches). Timers already running keep
    /// their deadlines; the new timing applies from each timer's next reset.
    pub fn set_config(&mut self, config: Config) -> Result<(), ConfigError> {
        config.validate()?;
        self.config = config;
        Ok(())
    }

    /// Handles one incoming message (see the type's contract).
    pub fn step(&mut self, now: Instant, msg: Message<C>) -> Result<(), StepError> {
        self.advance_clock(now);
        validate::check(self, &msg)?;
        let from = msg.from;
        let term = msg.term;

        // Pre-vote traffic may carry a term ahead of ours without us adopting it
        // (thesis §9.6): a request asks about a hypothetical term; a granted reply
        // echoes it.
        let is_pre_vote_probe = match &msg.body {
            Body::RequestVote { pre_vote, .. } => *pre_vote,
            Body::RequestVoteResponse { granted, pre_vote } => *pre_vote && *granted,
            _ => false,
        };

        if term > self.term() && !is_pre_vote_probe {
            if let Body::RequestVote { .. } = msg.body
                && self.disregards_vote_request(from)
            {
                // A live leader exists, so a disruptive candidate neither raises our
                // term nor gets a vote (paper §6).
                self.emit(Event::VoteRefused {
                    candidate: from,
                    term,
                    pre_vote: false,
                    reason: crate::event::VoteRefusal::LeaderStillActive,
                });
                return Ok(());
            }
            let from_leader = matches!(
                msg.body,
                Body::AppendEntries { .. } | Body::InstallSnapshot(_)
            );
            let leader = from_leader.then_some(from);
            self.become_follower(term, leader, RoleChangeCause::HigherTerm(from));
        }

        match msg.body {
            Body::RequestVote {
                last_log_index,
                last_log_term,
                pre_vote,
            } => self.handle_request_vote(from, term, last_log_index, last_log_term, pre_vote),
            Body::RequestVoteResponse { granted, pre_vote } => {
                self.handle_vote_response(from, term, granted, pre_vote);
            }
            Body::AppendEntries {
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
            } => {
                return self.handle_append_entries(
                    from,
                    term,
                    prev_log_index,
                    prev_log_term,
                    entries,
                    leader_commit,
                );
            }
            Body::AppendEntriesResponse(outcome) => {
                return self.handle_append_response(from, term, outcome);
            }
            Body::InstallSnapshot(chunk) => {
                return self.handle_install_snapshot(from, term, *chunk);
            }
            Body::InstallSnapshotResponse {
                last_index,
                received,
                done,
            } => {
                return self.handle_snapshot_response(from, term, last_index, received, done);
            }
        }
        Ok(())
    }

    // ----- shared machinery -----

    /// A reply that does not fit: from an older term, or to a role this node left.
    fn ignore_reply(&mut self, from: NodeId, term: Term) {
        let reason = if term < self.term() {
            crate::event::IgnoreReason::Stale
        } else {
            crate::event::IgnoreReason::UnexpectedInRole
        };
        self.emit(Event::MessageIgnored { from, reason });
    }

    fn advance_clock(&mut self, now: Instant) {
        self.now = self.now.max(now);
    }

    fn emit(&mut self, event: Event) {
        self.ready.events.push(event);
    }

    fn send(&mut self, to: NodeId, term: Term, body: Body<C>) {
        self.ready.messages.push(Message {
            from: self.id,
            to,
            term,
            body,
        });
    }

    /// The voters other than this node, in both halves of a joint configuration.
    fn voting_peers(&self) -> impl Iterator<Item = NodeId> + '_ {
        let me = self.id;
        let m = self.configs.latest();
        m.members().filter(move |&p| p != me && m.is_voter(p))
    }

    /// Draws a fresh election timeout and restarts the timer from now.
    fn reset_election_timer(&mut self) {
        let min = micros(self.config.election_timeout_min);
        let timeout = if self.config.unsafe_rules.fixed_election_timeout {
            min
        } else {
            self.rng
                .in_range(min, micros(self.config.election_timeout_max))
        };
        self.election_deadline = self.now.after(Duration::from_micros(timeout));
    }

    /// Sets term and vote together, recording the change for persistence.
    fn set_hard_state(&mut self, term: Term, voted_for: Option<NodeId>) {
        let old = self.persistent.hard_state;
        if old.current_term == term && old.voted_for == voted_for {
            return;
        }
        if term != old.current_term {
            self.emit(Event::TermChanged {
                from: old.current_term,
                to: term,
            });
        }
        let hs = HardState {
            current_term: term,
            voted_for,
        };
        self.persistent.hard_state = hs;
        self.ready.persist.push(PersistOp::HardState(hs));
    }

    fn set_role(&mut self, role: RoleState, cause: RoleChangeCause) {
        let from = self.role();
        self.role = role;
        let to = self.role();
        if from != to {
            self.emit(Event::RoleChanged {
                term: self.term(),
                from,
                to,
                cause,
            });
        }
    }

    /// Figure 2, all servers: "If RPC request or response contains term T > currentTerm:
    /// set currentTerm = T, convert to follower". Also used when a candidate discovers
    /// the leader of its own term. The election timer restarts, as in the article.
    fn become_follower(&mut self, term: Term, leader: Option<NodeId>, cause: RoleChangeCause) {
        if term > self.term() {
            self.set_hard_state(term, None);
        }
        self.leader = leader;
        self.set_role(RoleState::Follower, cause);
        self.reset_election_timer();
    }

    /// A candidate or follower accepts `leader` as the leader of `term` (its own).
    fn recognize_leader(&mut self, leader: NodeId, term: Term) -> Result<(), StepError> {
        match self.role {
            RoleState::Leader(_) => return Err(StepError::SecondLeaderInTerm(leader)),
            RoleState::Candidate(_) | RoleState::PreCandidate(_) => {
                self.become_follower(
                    term,
                    Some(leader),
                    RoleChangeCause::LeaderDiscovered(leader),
                );
            }
            RoleState::Follower => {
                self.leader = Some(leader);
                self.reset_election_timer();
            }
        }
        self.last_leader_contact = Some(self.now);
        Ok(())
    }

    /// Whether this server may start an election: it votes in its latest configuration
    /// (paper §6: a server uses the latest configuration in its log), or that
    /// configuration comes from an entry it does not know to be committed and the
    /// committed configuration counts it. Thesis §4.2.2: "a server that is not part of
    /// its own latest configuration should still start new elections, as it might
    /// still be needed until the C_new entry is committed (as in Figure 4.6). It does
    /// not count its own vote in elections unless it is part of its latest
    /// configuration." Figure 4.6 is the stall this prevents: a server removes itself
    /// from {itself, S2} and is alone in holding C_new; S2 needs its vote, which it
    /// refuses for S2's shorter log, so only it can lead. A server standing on the
    /// committed configuration only asks for a pre-vote first (see `start_election`):
    /// without one, its elections kept deposing the leader of the configuration it is
    /// leaving through voters that still count it (a lagging follower, which a removal
    /// it has not received does not reach), and more runs of the fault campaign stalled
    /// than it cured (132 of 100,000 seeds unconverged against 85).
    fn may_campaign(&self) -> bool {
        self.members().is_voter(self.id)
            || (self.configs.has_change_after(self.commit_index)
                && self.committed_members().is_voter(self.id))
    }

    /// Whether a vote request with a higher term from `candidate` is disruptive and is
    /// ignored (paper §6): a current leader exists as far as this node knows, and the
    /// candidate is outside this node's configuration (a removed server, whose timeouts
    /// must not disrupt the cluster) or check-quorum is on (then for every candidate).
    fn disregards_vote_request(&self, candidate: NodeId) -> bool {
        (self.config.check_quorum || !self.members().is_voter(candidate))
            && self.leader_lease_active()
    }

    /// Whether a current leader exists as far as this node knows: a follower heard from
    /// its leader within the minimum election timeout, or this node leads and heard
    /// from a majority (itself included) within it. "If a leader is able to get
    /// heartbeats to its cluster, then it will not be deposed by larger term numbers."
    fn leader_lease_active(&self) -> bool {
        match &self.role {
            RoleState::Follower => self.heard_from_leader_recently(),
            RoleState::Leader(state) => {
                let min = self.config.election_timeout_min;
                let now = self.now;
                let me = self.id;
                self.members().has_quorum(|id| {
                    id == me
                        || state.progress.iter().any(|p| {
                            p.node == id && p.last_heard.is_some_and(|t| now.since(t) < min)
                        })
                })
            }
            _ => false,
        }
    }

    fn heard_from_leader_recently(&self) -> bool {
        self.leader.is_some()
            && self
                .last_leader_contact
                .is_some_and(|t| self.now.since(t) < self.config.election_timeout_min)
    }
}
