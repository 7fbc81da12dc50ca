//! Log replication and commitment (paper §5.3, §5.4.2), heartbeats and check-quorum.

use alloc::vec::Vec;

use super::{Node, RoleState};
use crate::event::{AppendSource, CommitBasis, Event, IgnoreReason, RoleChangeCause};
use crate::log::{Entry, LogRange, Payload};
use crate::message::{AppendOutcome, Body, ConflictHint};
use crate::storage::PersistOp;
use crate::types::{Instant, LogIndex, NodeId, Term};

use super::{ProposeError, StepError};

impl<C: Clone> Node<C> {
    /// Appends a client command to the leader's log (Figure 2, leaders: "If command
    /// received from client: append entry to local log"). It reaches the followers with
    /// the next heartbeat, or at once with `replicate_immediately`. Returns its index.
    pub fn propose(&mut self, now: Instant, command: C) -> Result<LogIndex, ProposeError> {
        self.advance_clock(now);
        if !matches!(self.role, RoleState::Leader(_)) {
            return Err(ProposeError::NotLeader {
                leader: self.leader,
            });
        }
        let index = self.append_as_leader(Payload::Command(command));
        if self.config.replicate_immediately {
            self.send_to_idle_followers();
        }
        self.maybe_commit();
        Ok(index)
    }

    /// Appends several commands at once, as one persist operation and one replication
    /// round: the same as calling [`propose`](Node::propose) for each, but cheaper.
    /// Returns the index of the last one (the current last index if `commands` is
    /// empty).
    pub fn propose_many(
        &mut self,
        now: Instant,
        commands: impl IntoIterator<Item = C>,
    ) -> Result<LogIndex, ProposeError> {
        self.advance_clock(now);
        if !matches!(self.role, RoleState::Leader(_)) {
            return Err(ProposeError::NotLeader {
                leader: self.leader,
            });
        }
        let term = self.term();
        let appended = self
            .persistent
            .log
            .extend(commands.into_iter().map(|c| Entry {
                term,
                payload: Payload::Command(c),
            }));
        if appended.is_empty() {
            return Ok(appended.last);
        }
        self.ready.persist.push(PersistOp::AppendLog(appended));
        self.emit(Event::EntriesAppended {
            first: appended.first,
            last: appended.last,
            term,
            source: AppendSource::Command,
        });
        if self.config.replicate_immediately {
            self.send_to_idle_followers();
        }
        self.maybe_commit();
        Ok(appended.last)
    }

    pub(super) fn append_as_leader(&mut self, payload: Payload<C>) -> LogIndex {
        let term = self.term();
        let is_config = matches!(payload, Payload::Config(_));
        let source = match payload {
            Payload::Config(_) => AppendSource::Configuration,
            Payload::Noop => AppendSource::Noop,
            Payload::Command(_) => AppendSource::Command,
        };
        let index = self.persistent.log.push(Entry { term, payload });
        let appended = LogRange {
            first: index,
            last: index,
        };
        self.ready.persist.push(PersistOp::AppendLog(appended));
        self.emit(Event::EntriesAppended {
            first: index,
            last: index,
            term,
            source,
        });
        if is_config {
            self.configs_appended(appended);
        }
        index
    }

    /// The leader's timers: heartbeats, and with check-quorum the majority check.
    pub(super) fn leader_tick(&mut self) {
        let now = self.now;
        let RoleState::Leader(state) = &mut self.role else {
            return;
        };
        let check_due = self.config.check_quorum && now >= state.quorum_check_deadline;
        if check_due {
            let me = self.id;
            let active = self.configs.latest().has_quorum(|id| {
                id == me
                    || state
                        .progress
                        .iter()
                        .any(|p| p.node == id && p.recently_active)
            });
            if !active {
                let term = self.term();
                self.become_follower(term, None, RoleChangeCause::QuorumLost);
                return;
            }
            for p in &mut state.progress {
                p.recently_active = false;
            }
            state.quorum_check_deadline = now.after(self.config.election_timeout_max);
        }
        if now >= state.heartbeat_deadline {
            self.broadcast_append_entries();
        }
    }

    /// Sends AppendEntries to every follower (heartbeat, carrying any entries they lack)
    /// and restarts the heartbeat timer.
    pub(super) fn broadcast_append_entries(&mut self) {
        let now = self.now;
        let interval = self.config.heartbeat_interval;
        let RoleState::Leader(state) = &mut self.role else {
            return;
        };
        state.heartbeat_deadline = now.after(interval);
        // By position, not by a collected list of ids: sending borrows the node, and a
        // list would be an allocation per heartbeat.
        for slot in 0..state.progress.len() {
            self.send_append_entries_to_slot(slot);
        }
    }

    /// Sends to followers that lack entries and have no request outstanding.
    fn send_to_idle_followers(&mut self) {
        let last = self.persistent.log.last_index();
        let RoleState::Leader(state) = &self.role else {
            return;
        };
        for slot in 0..state.progress.len() {
            let idle = match &self.role {
                RoleState::Leader(state) => state
                    .progress
                    .get(slot)
                    .is_some_and(|p| !p.in_flight && p.next_index <= last),
                _ => false,
            };
            if idle {
                self.send_append_entries_to_slot(slot);
            }
        }
    }

    /// Figure 2, leaders: send AppendEntries with log entries starting at nextIndex.
    fn send_append_entries(&mut self, peer: NodeId) {
        let slot = match &self.role {
            RoleState::Leader(state) => state.progress.iter().position(|p| p.node == peer),
            _ => None,
        };
        if let Some(slot) = slot {
            self.send_append_entries_to_slot(slot);
        }
    }

    /// [`send_append_entries`](Self::send_append_entries) to the follower whose progress
    /// is at `slot`.
    pub(super) fn send_append_entries_to_slot(&mut self, slot: usize) {
        let term = self.term();
        let leader_commit = self.commit_index;
        let max = self.config.max_entries_per_append;
        let compacted = self.persistent.log.snapshot_index();
        let RoleState::Leader(state) = &mut self.role else {
            return;
        };
        let Some(p) = state.progress.get_mut(slot) else {
            return;
        };
        if p.next_index <= compacted {
            // The entries it needs are in the snapshot only (§7).
            self.send_snapshot_chunk(slot);
            return;
        }
        p.in_flight = true;
        let peer = p.node;
        let prev_log_index = p.next_index.prev();
        let log = &self.persistent.log;
        // next_index never exceeds last_index + 1, so the previous entry exists.
        let prev_log_term = log.term_at(prev_log_index).unwrap_or(Term(0));
        // Flow control: past the limit of unanswered appends, only a heartbeat.
        let limit = self.config.max_inflight_appends;
        let entries = if limit > 0 && p.inflight_appends >= limit {
            Vec::new()
        } else {
            log.slice_from(p.next_index, max).to_vec()
        };
        if !entries.is_empty() {
            p.inflight_appends = p.inflight_appends.saturating_add(1);
        }
        self.send(
            peer,
            term,
            Body::AppendEntries {
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
            },
        );
    }

    /// Figure 2, AppendEntries receiver. A higher term has already been adopted.
    pub(super) fn handle_append_entries(
        &mut self,
        leader: NodeId,
        term: Term,
        mut prev_log_index: LogIndex,
        mut prev_log_term: Term,
        mut entries: Vec<Entry<C>>,
        leader_commit: LogIndex,
    ) -> Result<(), StepError> {
        // 1. Reply false if term < currentTerm.
        if term < self.term() {
            // The hint must never point past `prev_log_index + 1`: the stale leader's
            // validation refuses such a reply as malformed, and it would then never learn
            // the higher term this rejection carries (Figure 2, "If RPC request or
            // response contains term T > currentTerm ... convert to follower"). A
            // follower with a longer log than `prev_log_index` used to answer with its
            // own `last_index + 1` here, which left the old leader in charge forever.
            let hint = ConflictHint {
                term: None,
                first_index: self
                    .persistent
                    .log
                    .last_index()
                    .next()
                    .min(prev_log_index.next()),
            };
            let current = self.term();
            self.send(
                leader,
                current,
                Body::AppendEntriesResponse(AppendOutcome::Rejected {
                    prev_log_index,
                    hint,
                }),
            );
            return Ok(());
        }
        self.recognize_leader(leader, term)?;

        // Entries up to this node's snapshot are committed, so they match the leader's
        // (Leader Completeness): the consistency check starts at the snapshot instead,
        // where the node still knows the term. A request from before it is answered
        // with the snapshot's index (the leader may not know this node compacted).
        let snapshot = self.persistent.log.snapshot_index();
        if prev_log_index < snapshot {
            let inside = usize::try_from(snapshot.0 - prev_log_index.0).unwrap_or(usize::MAX);
            if inside >= entries.len() {
                self.send(
                    leader,
                    term,
                    Body::AppendEntriesResponse(AppendOutcome::Success {
                        match_index: snapshot,
                    }),
                );
                return Ok(());
            }
            entries.drain(..inside);
            prev_log_index = snapshot;
            prev_log_term = self.persistent.log.snapshot_term();
        }

        // 2. Reply false if the log has no entry at prevLogIndex whose term matches.
        let log = &self.persistent.log;
        if !log.matches(prev_log_index, prev_log_term) {
            let own_term = log.term_at(prev_log_index);
            let hint = match own_term {
                Some(t) => ConflictHint {
                    term: Some(t),
                    first_index: log.first_index_of_term_run(prev_log_index),
                },
                None => ConflictHint {
                    term: None,
                    first_index: log.last_index().next(),
                },
            };
            self.emit(Event::AppendRejected {
                leader,
                prev_log_index,
                prev_log_term,
                own_term,
            });
            self.send(
                leader,
                term,
                Body::AppendEntriesResponse(AppendOutcome::Rejected {
                    prev_log_index,
                    hint,
                }),
            );
            return Ok(());
        }

        // 3. If an existing entry conflicts with a new one (same index, different
        //    terms), delete it and all that follow. 4. Append entries not already in
        //    the log. Entries already present are left alone, so a stale or duplicated
        //    request never shortens the log.
        let last_new = prev_log_index.plus(entries.len() as u64);
        let mut index = prev_log_index;
        let mut first_to_append = None;
        for (i, entry) in entries.iter().enumerate() {
            index = index.next();
            match self.persistent.log.term_at(index) {
                Some(t) if t == entry.term => continue,
                Some(_) => {
                    self.truncate_log_from(index);
                    first_to_append = Some(i);
                    break;
                }
                None => {
                    first_to_append = Some(i);
                    break;
                }
            }
        }
        if let Some(start) = first_to_append {
            self.append_from_leader(leader, entries, start);
        }

        // 5. If leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of
        //    last new entry).
        let target = leader_commit.min(last_new);
        if target > self.commit_index {
            self.commit_to(target, CommitBasis::LeaderCommit(leader_commit));
        }
        self.send(
            leader,
            term,
            Body::AppendEntriesResponse(AppendOutcome::Success {
                match_index: last_new,
            }),
        );
        Ok(())
    }

    pub(super) fn truncate_log_from(&mut self, from: LogIndex) {
        let last = self.persistent.log.last_index();
        self.persistent.log.truncate_from(from);
        // The pending outputs name only entries the log still holds (see `Ready`).
        self.ready.persist.retain_mut(|op| match op {
            PersistOp::AppendLog(range) => {
                *range = range.before(from);
                !range.is_empty()
            }
            PersistOp::HardState(_)
            | PersistOp::TruncateLog { .. }
            | PersistOp::SaveSnapshot(_) => true,
        });
        self.ready.committed = self.ready.committed.before(from);
        self.ready.persist.push(PersistOp::TruncateLog { from });
        self.emit(Event::EntriesTruncated { from, last });
        self.configs_truncated(from);
        if self.commit_index >= from {
            // Only possible when a leader overwrote committed entries (an unsafe rule or a
            // faulty peer): keep commit_index inside the log and let checkers see it.
            let old = self.commit_index;
            self.commit_index = from.prev();
            self.emit(Event::CommitRolledBack {
                from: old,
                to: self.commit_index,
            });
        }
    }

    /// Moves the message's entries from `start` on into the log (the ones before it are
    /// already there).
    fn append_from_leader(&mut self, leader: NodeId, entries: Vec<Entry<C>>, start: usize) {
        // Noticed while moving, so the common message (no configuration in it) costs no
        // second pass.
        let mut carries_config = false;
        let appended = self.persistent.log.extend(
            entries
                .into_iter()
                .skip(start)
                .inspect(|e| carries_config |= matches!(e.payload, Payload::Config(_))),
        );
        if appended.is_empty() {
            return;
        }
        let Some(term) = self.persistent.log.term_at(appended.last) else {
            return;
        };
        self.ready.persist.push(PersistOp::AppendLog(appended));
        self.emit(Event::EntriesAppended {
            first: appended.first,
            last: appended.last,
            term,
            source: AppendSource::Leader(leader),
        });
        if carries_config {
            self.configs_appended(appended);
        }
    }

    /// Figure 2, leaders: on a reply, update nextIndex and matchIndex, or back up.
    pub(super) fn handle_append_response(
        &mut self,
        from: NodeId,
        term: Term,
        outcome: AppendOutcome,
    ) -> Result<(), StepError> {
        let current = self.term();
        let last_index = self.persistent.log.last_index();
        let stale = term < current;
        let RoleState::Leader(state) = &mut self.role else {
            let reason = if stale {
                IgnoreReason::Stale
            } else {
                IgnoreReason::UnexpectedInRole
            };
            self.emit(Event::MessageIgnored { from, reason });
            return Ok(());
        };
        if stale {
            self.emit(Event::MessageIgnored {
                from,
                reason: IgnoreReason::Stale,
            });
            return Ok(());
        }
        let Some(p) = state.progress.iter_mut().find(|p| p.node == from) else {
            return Err(StepError::UnknownSender(from));
        };
        // Refuse an impossible ack before touching the progress: a refused message must
        // change nothing, and marking the sender `recently_active` first let a bogus ack
        // count as a sign of life for check-quorum.
        if let AppendOutcome::Success { match_index } = outcome
            && match_index > last_index
        {
            return Err(StepError::Malformed(super::Malformed::MatchBeyondLog));
        }
        p.recently_active = true;
        p.last_heard = Some(self.now);
        let limit = self.config.max_inflight_appends;
        match outcome {
            AppendOutcome::Success { match_index } => {
                p.in_flight = false;
                let advanced = match_index > p.match_index;
                // Flow control's window (etcd's inflights): an acknowledgement of new
                // entries frees one append; so does any other reply while the window
                // is full, so that a lost append cannot stall the follower for good.
                if advanced || p.inflight_appends >= limit {
                    p.inflight_appends = p.inflight_appends.saturating_sub(1);
                }
                if advanced {
                    p.match_index = match_index;
                }
                if p.next_index <= p.match_index {
                    p.next_index = p.match_index.next();
                }
                // Under flow control only a reply that moved the follower on sends more
                // at once: a heartbeat's reply would start a second stream beside the
                // first. Without it, the rhythm is as it always was.
                let behind = p.next_index <= last_index && (limit == 0 || advanced);
                if !p.voter && !p.outgoing_voter {
                    self.learner_progressed(from, match_index);
                }
                self.maybe_commit();
                if behind && self.config.replicate_immediately {
                    self.send_append_entries(from);
                }
            }
            AppendOutcome::Rejected {
                prev_log_index,
                hint,
            } => {
                if prev_log_index != p.next_index.prev() {
                    // A late reply to a request we have already moved past.
                    self.emit(Event::MessageIgnored {
                        from,
                        reason: IgnoreReason::Stale,
                    });
                    return Ok(());
                }
                let log = &self.persistent.log;
                // Fast back-up (§5.3): skip the follower's whole conflicting term, or
                // jump to the end of a short log.
                let suggested = match hint.term {
                    Some(t) => log
                        .last_index_of_term(t)
                        .map_or(hint.first_index, LogIndex::next),
                    None => hint.first_index,
                };
                let floor = p.match_index.next();
                let ceiling = p.next_index.prev().max(floor);
                let next = suggested.max(floor).min(ceiling);
                let moved = next != p.next_index;
                p.next_index = next;
                p.in_flight = false;
                // A refusal: whatever was sent from the old next index is moot.
                p.inflight_appends = 0;
                self.emit(Event::NextIndexBackedUp {
                    follower: from,
                    next_index: next,
                });
                // Repairs go out at once rather than waiting for a heartbeat, as long as
                // each one backs up. A follower that refuses at the floor (its log
                // diverges below what it once matched: only an unsafe rule does that)
                // hears again with the next heartbeat: resending at once would loop
                // without end, and every duplicated refusal would start one more loop.
                if moved {
                    self.send_append_entries(from);
                }
            }
        }
        Ok(())
    }

    /// Figure 2, leaders: "If there exists an N such that N > commitIndex, a majority of
    /// matchIndex[i] >= N, and log[N].term == currentTerm: set commitIndex = N" (§5.4.2).
    pub(super) fn maybe_commit(&mut self) {
        let RoleState::Leader(state) = &self.role else {
            return;
        };
        // The quorum-th highest match index (the leader counts with its whole log): the
        // largest value that at least `quorum` of the match indexes reach. Counting is
        // O(n²) in the cluster size, allocation-free, and less code than a sort; only
        // values above the commit index are counted, so the usual acknowledgement of a
        // heartbeat (nothing new matched) costs one pass.
        //
        // The same as `Membership::quorum_index`, on what the leader keeps in its
        // state, so that the common acknowledgement looks nothing up; in the common
        // configuration (every follower votes, no joint change) no flag is read either.
        let own = self.persistent.log.last_index();
        let floor = self.commit_index;
        let quorum = &state.quorum;
        let mut n = if quorum.plain {
            quorum_match(&state.progress, Some(own), Half::All, quorum.new, floor)
        } else {
            let me = quorum.self_voter.then_some(own);
            quorum_match(&state.progress, me, Half::New, quorum.new, floor)
        };
        if quorum.old > 0 {
            let me = quorum.self_outgoing_voter.then_some(own);
            n = n.min(quorum_match(
                &state.progress,
                me,
                Half::Old,
                quorum.old,
                floor,
            ));
        }
        if n <= self.commit_index {
            return;
        }
        // Who holds `n`, for the event: among the voters of the configuration in effect.
        let half = if quorum.plain { Half::All } else { Half::New };
        let me = (quorum.plain || quorum.self_voter).then_some(own);
        let (holders, voters) = holders_of(&state.progress, me, half, n);
        let entry_term = self.persistent.log.term_at(n).unwrap_or_default();
        let term = self.term();
        if entry_term == term || self.config.unsafe_rules.commit_old_terms_by_counting {
            self.commit_to(n, CommitBasis::Majority { holders, voters });
        } else if let RoleState::Leader(state) = &mut self.role
            && state.withheld < n
        {
            state.withheld = n;
            self.emit(Event::CommitWithheld {
                index: n,
                entry_term,
                term,
                holders,
                voters,
            });
        }
    }

    /// Advances the commit index and names the newly committed entries to the caller.
    fn commit_to(&mut self, to: LogIndex, basis: CommitBasis) {
        let from = self.commit_index;
        // Pending committed indexes, when there are any, end at the commit index (a
        // truncation cuts both back to the same place), so the run just grows.
        let pending = self.ready.committed;
        self.ready.committed = LogRange {
            first: if pending.is_empty() {
                from.next()
            } else {
                pending.first
            },
            last: to,
        };
        self.commit_index = to;
        self.emit(Event::CommitAdvanced { from, to, basis });
        let membership_waits = matches!(&self.role, RoleState::Leader(l) if l.membership_pending);
        if membership_waits || self.configs.has_change_after(from) {
            self.configs_committed(from);
        }
    }
}

/// Which followers a majority is counted among.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Half {
    /// Every follower votes (no learner, no joint change).
    All,
    /// The voters of the configuration in effect (C_new while joint).
    New,
    /// The voters of C_old while joint.
    Old,
}

/// How many of the match indexes counted as in [`quorum_match`] reach `index`, and how
/// many are counted: the holders and the voters a commit event names.
fn holders_of(
    progress: &[super::Progress],
    own: Option<LogIndex>,
    half: Half,
    index: LogIndex,
) -> (u32, u32) {
    let counted = progress
        .iter()
        .filter(|p| match half {
            Half::All => true,
            Half::New => p.voter,
            Half::Old => p.outgoing_voter,
        })
        .map(|p| p.match_index)
        .chain(own);
    counted.fold((0, 0), |(h, v), m| (h + u32::from(m >= index), v + 1))
}

/// The largest index above `floor` that at least `quorum` of the match indexes reach:
/// those of the followers in `half`, and `own` (the leader's, when it counts). One
/// function for the three cases, so the page's wasm holds one copy.
fn quorum_match(
    progress: &[super::Progress],
    own: Option<LogIndex>,
    half: Half,
    quorum: usize,
    floor: LogIndex,
) -> LogIndex {
    let counts = |p: &&super::Progress| match half {
        Half::All => true,
        Half::New => p.voter,
        Half::Old => p.outgoing_voter,
    };
    let matched = || {
        progress
            .iter()
            .filter(counts)
            .map(|p| p.match_index)
            .chain(own)
    };
    let mut n = floor;
    for v in matched() {
        if v > n && matched().filter(|&m| m >= v).count() >= quorum {
            n = v;
        }
    }
    n
}
