//! Membership changes (paper §6; Ongaro's thesis §4): the configurations in the log, a
//! leader's changes, learners catching up, leaving a joint configuration, and a leader
//! that is no longer a voter stepping down.

use alloc::vec::Vec;
use core::fmt;

use super::{CatchUp, Node, Progress, Quorum, RoleState};
use crate::event::{ConfigEntry, Event, RoleChangeCause};
use crate::log::{Log, LogRange, Payload};
use crate::membership::{ConfigStep, Membership};
use crate::types::{Instant, LogIndex, NodeId};

/// A change a caller asks a leader for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MembershipChange {
    /// Add a server: it joins as a learner at once, and becomes a voter once it has
    /// caught up (thesis §4.2.1), through a joint configuration or as a single-server
    /// step (`Config::joint_consensus`).
    Add(NodeId),
    /// Remove a server, the leader included. A learner leaves at once; a voter as soon
    /// as no other voting change is uncommitted.
    Remove(NodeId),
}

/// Why a leader refused a membership change. Nothing changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeError {
    /// Only a leader changes the configuration; `leader` is who this node thinks leads.
    NotLeader {
        /// The known leader of the current term.
        leader: Option<NodeId>,
    },
    /// The server to add is already a member.
    AlreadyMember(NodeId),
    /// The server to remove is not a member.
    NotMember(NodeId),
    /// Removing this server would leave no voter.
    LastVoter(NodeId),
}

impl fmt::Display for ChangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChangeError::NotLeader { leader: Some(l) } => write!(f, "not the leader; {l} is"),
            ChangeError::NotLeader { leader: None } => {
                f.write_str("not the leader, and no leader is known")
            }
            ChangeError::AlreadyMember(id) => write!(f, "{id} is already a member"),
            ChangeError::NotMember(id) => write!(f, "{id} is not a member"),
            ChangeError::LastVoter(id) => write!(f, "{id} is the last voter"),
        }
    }
}

/// One configuration entry of the log, with the configuration it leads to.
#[derive(Clone, Debug)]
struct Change {
    index: LogIndex,
    step: ConfigStep,
    /// It changes who votes (learners coming and going do not).
    voting: bool,
    after: Membership,
}

/// The configurations a node's log holds: a base (the bootstrap list, or a snapshot's
/// configuration) and each configuration entry after it. The latest is in effect,
/// committed or not (paper §6); a truncation falls back to the one before.
#[derive(Clone, Debug)]
pub(crate) struct ConfigLog {
    base: Membership,
    changes: Vec<Change>,
}

impl ConfigLog {
    /// The configurations of a log whose prefix up to the base is `base`.
    pub(crate) fn rebuild<C>(base: Membership, log: &Log<C>) -> ConfigLog {
        let mut configs = ConfigLog {
            base,
            changes: Vec::new(),
        };
        configs.scan(
            log,
            LogRange {
                first: log.first_index(),
                last: log.last_index(),
            },
        );
        configs
    }

    /// Takes in the configuration entries among `range` of `log`.
    pub(crate) fn scan<C>(&mut self, log: &Log<C>, range: LogRange) -> Option<ConfigEntry> {
        let mut last = None;
        for (index, entry) in log.iter_range(range) {
            if let Payload::Config(step) = entry.payload {
                let before = self.latest();
                let voting = step.changes_voters(before);
                let after = before.after(step);
                self.changes.push(Change {
                    index,
                    step,
                    voting,
                    after,
                });
                last = Some(ConfigEntry { index, step });
            }
        }
        last
    }

    /// The configuration in effect.
    #[inline(never)]
    pub(crate) fn latest(&self) -> &Membership {
        self.changes.last().map_or(&self.base, |c| &c.after)
    }

    /// The index of the latest configuration entry (0 when only the base).
    fn latest_index(&self) -> LogIndex {
        self.changes.last().map_or(LogIndex(0), |c| c.index)
    }

    /// Whether an entry after `committed` changes who votes.
    fn voting_change_after(&self, committed: LogIndex) -> bool {
        self.changes
            .iter()
            .rev()
            .take_while(|c| c.index > committed)
            .any(|c| c.voting)
    }

    /// The configuration entries in `from..=to`, oldest first.
    fn between(&self, after: LogIndex, to: LogIndex) -> impl Iterator<Item = ConfigEntry> + '_ {
        let start = self.changes.partition_point(|c| c.index <= after);
        self.changes
            .get(start..)
            .unwrap_or(&[])
            .iter()
            .take_while(move |c| c.index <= to)
            .map(|c| ConfigEntry {
                index: c.index,
                step: c.step,
            })
    }

    /// Whether an entry after `index` is a configuration entry: the cheap test the
    /// commit path makes before looking further.
    pub(crate) fn has_change_after(&self, index: LogIndex) -> bool {
        self.latest_index() > index
    }

    /// The configuration in effect at `index` (the latest entry at or before it).
    #[inline(never)]
    pub(crate) fn at(&self, index: LogIndex) -> &Membership {
        let upto = self.changes.partition_point(|c| c.index <= index);
        match upto.checked_sub(1).and_then(|k| self.changes.get(k)) {
            Some(c) => &c.after,
            None => &self.base,
        }
    }

    /// The log is compacted up to `index`, where `membership` is in effect: it becomes
    /// the base, and the entries it covers are forgotten.
    pub(crate) fn compact(&mut self, index: LogIndex, membership: &Membership) {
        self.base = membership.clone();
        self.changes.retain(|c| c.index > index);
    }

    /// Forgets the configuration entries from `from` on; returns the last one removed.
    pub(crate) fn truncate_from(&mut self, from: LogIndex) -> Option<ConfigEntry> {
        let keep = self.changes.partition_point(|c| c.index < from);
        let reverted = self.changes.get(keep).map(|c| ConfigEntry {
            index: c.index,
            step: c.step,
        });
        self.changes.truncate(keep);
        reverted
    }
}

impl<C: Clone> Node<C> {
    /// Asks this leader to change the configuration (see [`MembershipChange`]). The
    /// change goes on in the background: events tell when a learner is added, caught
    /// up and promoted, when a joint configuration is entered and left, and when each
    /// configuration commits.
    ///
    /// Only one voting change is uncommitted at a time, and in single-server mode a
    /// leader first commits an entry of its own term (the fix for the single-server
    /// bug, thesis §4.1); a removal waits for both, appending a no-op if the leader's
    /// term has no entry yet. `UnsafeRules::unchecked_membership_changes` lifts both.
    pub fn change_membership(
        &mut self,
        now: Instant,
        change: MembershipChange,
    ) -> Result<(), ChangeError> {
        self.advance_clock(now);
        let RoleState::Leader(state) = &self.role else {
            return Err(ChangeError::NotLeader {
                leader: self.leader,
            });
        };
        let latest = self.configs.latest();
        match change {
            MembershipChange::Add(node) => {
                if latest.contains(node) || node == self.id {
                    return Err(ChangeError::AlreadyMember(node));
                }
                // A learner changes no majority: it may join at any time.
                self.append_config(ConfigStep::AddLearner(node));
            }
            MembershipChange::Remove(node) => {
                if !latest.contains(node) {
                    return Err(ChangeError::NotMember(node));
                }
                if latest.is_learner(node) {
                    self.append_config(ConfigStep::Remove(node));
                } else {
                    let remaining = latest
                        .voters()
                        .iter()
                        .filter(|&&v| v != node && !state.removals.contains(&v))
                        .count();
                    if remaining == 0 {
                        return Err(ChangeError::LastVoter(node));
                    }
                    if let RoleState::Leader(state) = &mut self.role
                        && !state.removals.contains(&node)
                    {
                        state.removals.push(node);
                    }
                }
            }
        }
        self.advance_membership();
        Ok(())
    }

    /// A leader appends a configuration entry: it takes effect at once.
    fn append_config(&mut self, step: ConfigStep) {
        self.append_as_leader(Payload::Config(step));
    }

    /// Takes in configuration entries just appended to the log at `range` (by this
    /// leader or from one): the node uses the latest configuration from now on.
    #[cold]
    #[inline(never)]
    pub(super) fn configs_appended(&mut self, range: LogRange) {
        let before = self.configs.latest_index();
        self.configs.scan(&self.persistent.log, range);
        if self.configs.latest_index() == before {
            return;
        }
        let appended: Vec<ConfigEntry> = self.configs.between(before, range.last).collect();
        for entry in appended {
            self.emit(Event::ConfigurationAppended(entry));
        }
        self.refresh_progress();
    }

    /// Configuration entries from `from` on were truncated away.
    pub(super) fn configs_truncated(&mut self, from: LogIndex) {
        if let Some(entry) = self.configs.truncate_from(from) {
            self.emit(Event::ConfigurationReverted(entry));
            self.refresh_progress();
        }
    }

    /// The commit index moved from `from` to `to`: tell the configurations that
    /// committed, and let a leader take its next membership step.
    #[cold]
    #[inline(never)]
    pub(super) fn configs_committed(&mut self, from: LogIndex) {
        let to = self.commit_index;
        let committed: Vec<ConfigEntry> = self.configs.between(from, to).collect();
        for entry in &committed {
            self.emit(Event::ConfigurationCommitted(*entry));
        }
        if !committed.is_empty() || self.membership_work_waits() {
            self.advance_membership();
        }
    }

    /// Whether a leader has a membership step waiting for a commit.
    fn membership_work_waits(&self) -> bool {
        match &self.role {
            RoleState::Leader(state) => state.membership_pending,
            _ => false,
        }
    }

    /// A leader's next membership step, if one is due: step down from a committed
    /// configuration it does not vote in, leave a committed joint configuration,
    /// remove a voter, or promote a caught-up learner.
    ///
    /// Then the commit rule is tried again. A configuration is used as soon as it is
    /// appended (paper §6), so the entry just appended may already be on a majority of
    /// the configuration it leads to: when the leader is that configuration's only
    /// voter (it removed the last other one, or C_new is itself alone), its own log is
    /// the majority, and no acknowledgement would ever come to commit the entry.
    pub(super) fn advance_membership(&mut self) {
        self.take_membership_step();
        self.maybe_commit();
    }

    fn take_membership_step(&mut self) {
        let RoleState::Leader(state) = &self.role else {
            return;
        };
        let latest = self.configs.latest();
        let settled = self.configs.latest_index() <= self.commit_index;
        if !settled && self.persistent.log.last_term() != self.term() {
            // A configuration from an earlier term commits only under an entry of this
            // term (§5.4.2): append one, so a change left half done is finished.
            self.append_as_leader(Payload::Noop);
            return;
        }
        if settled && !latest.is_voter(self.id) {
            // Paper §6: the leader steps down once it has committed C_new, having
            // managed a cluster it was not part of while it committed it.
            let term = self.term();
            self.become_follower(term, None, RoleChangeCause::RemovedFromConfiguration);
            return;
        }
        if settled && latest.is_joint() {
            self.append_config(ConfigStep::LeaveJoint);
            return;
        }
        let removal = state.removals.iter().copied().find(|&n| latest.is_voter(n));
        let promotion = state
            .rounds
            .iter()
            .find(|(n, c)| c.caught_up && latest.is_learner(*n))
            .map(|(n, _)| *n);
        let wanted = removal.map(|n| (n, false)).or(promotion.map(|n| (n, true)));
        let Some((node, add)) = wanted else {
            self.set_membership_pending(false);
            return;
        };
        let checked = !self.config.unsafe_rules.unchecked_membership_changes;
        if checked && self.configs.voting_change_after(self.commit_index) {
            // One voting change at a time: wait for the last one to commit.
            self.set_membership_pending(true);
            return;
        }
        let joint = self.config.joint_consensus;
        if joint && latest.is_joint() {
            // Even unchecked, a second joint change cannot start inside the first: the
            // entry would change nothing. It waits for C_new.
            self.set_membership_pending(true);
            return;
        }
        if checked && !joint && self.persistent.log.term_at(self.commit_index) != Some(self.term())
        {
            // The single-server fix: commit an entry of this term first.
            if self.persistent.log.last_term() != self.term() {
                self.append_as_leader(Payload::Noop);
            }
            self.set_membership_pending(true);
            return;
        }
        let step = match (joint, add) {
            (true, _) => ConfigStep::EnterJoint { node, add },
            (false, true) => ConfigStep::PromoteLearner(node),
            (false, false) => ConfigStep::Remove(node),
        };
        if let RoleState::Leader(state) = &mut self.role {
            state.removals.retain(|&n| n != node);
        }
        let before = self.configs.latest().clone();
        self.append_config(step);
        // Unchecked, the next change may follow at once; checked, it waits. Only a step
        // that changed the configuration can lead to another, so this ends.
        self.set_membership_pending(true);
        if !checked && *self.configs.latest() != before {
            self.advance_membership();
        }
    }

    fn set_membership_pending(&mut self, pending: bool) {
        if let RoleState::Leader(state) = &mut self.role {
            state.membership_pending = pending;
        }
    }

    /// A learner answered a successful AppendEntries up to `matched`: a round of
    /// catching up ends there when it reached the round's target (thesis §4.2.1).
    #[cold]
    #[inline(never)]
    pub(super) fn learner_progressed(&mut self, learner: NodeId, matched: LogIndex) {
        let now = self.now;
        let last = self.persistent.log.last_index();
        let round_limit = self.config.election_timeout_min;
        let RoleState::Leader(state) = &mut self.role else {
            return;
        };
        let Some((_, round)) = state.rounds.iter_mut().find(|(n, _)| *n == learner) else {
            return;
        };
        if round.caught_up || matched < round.target {
            return;
        }
        if now.since(round.started) < round_limit {
            round.caught_up = true;
            let rounds = round.round;
            self.emit(Event::LearnerCaughtUp {
                learner,
                index: matched,
                rounds,
            });
            self.advance_membership();
        } else {
            // Too slow: the learner would stall commitment as a voter. Try again from
            // where the leader is now.
            *round = CatchUp {
                round: round.round.saturating_add(1),
                ..CatchUp::starting(last, now)
            };
        }
    }

    /// Brings a leader's progress in line with the configuration in effect: a follower
    /// per member, flagged by the halves it votes in.
    pub(super) fn refresh_progress(&mut self) {
        let now = self.now;
        let last = self.persistent.log.last_index();
        let me = self.id;
        let RoleState::Leader(state) = &mut self.role else {
            return;
        };
        let latest = self.configs.latest();
        let mut progress: Vec<Progress> = Vec::new();
        for node in latest.members().filter(|&n| n != me) {
            let mut p = state
                .progress
                .iter()
                .find(|p| p.node == node)
                .copied()
                .unwrap_or_else(|| Progress::new(node, last.next()));
            p.voter = latest.voters().binary_search(&node).is_ok();
            p.outgoing_voter = latest.outgoing().binary_search(&node).is_ok();
            progress.push(p);
        }
        // A round per learner: kept while it stays a learner, started for a new one.
        state.rounds.retain(|(n, _)| latest.is_learner(*n));
        for &l in latest.learners() {
            if l != me && !state.rounds.iter().any(|(n, _)| *n == l) {
                state.rounds.push((l, CatchUp::starting(last, now)));
            }
        }
        let self_voter = latest.voters().binary_search(&me).is_ok();
        state.quorum = Quorum {
            new: latest.quorum(),
            old: if latest.is_joint() {
                latest.outgoing().len() / 2 + 1
            } else {
                0
            },
            self_voter,
            self_outgoing_voter: latest.outgoing().binary_search(&me).is_ok(),
            plain: self_voter && !latest.is_joint() && progress.iter().all(|p| p.voter),
        };
        state.progress = progress;
    }
}
