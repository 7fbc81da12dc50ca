//! Leader election (paper §5.2, §5.4.1; pre-vote from the thesis §9.6).

use alloc::vec;
use alloc::vec::Vec;

use super::{LeaderState, Node, RoleState, VoteTally};
use crate::event::{Event, IgnoreReason, LogEnd, RoleChangeCause, VoteRefusal};
use crate::message::Body;
use crate::types::{LogIndex, NodeId, Term};

impl<C: Clone> Node<C> {
    /// The election timer fired: start a pre-vote round or a real election.
    ///
    /// A server outside its own latest configuration, which stands only because it may
    /// still be needed until that configuration commits (thesis §4.2.2, see
    /// `may_campaign`), always starts with a pre-vote (thesis §9.6), pre-vote switched on
    /// or not: it is the disruptive server of thesis §4.2.3, which no longer receives
    /// heartbeats and times out while a leader of the new configuration is alive. A
    /// voter that heard from that leader within the minimum election timeout refuses
    /// the pre-vote, so the server raises no one's term; where no leader is heard (as
    /// in Figure 4.6, where it is the only server that can lead), it wins the pre-vote
    /// and then the election.
    pub(super) fn start_election(&mut self, cause: RoleChangeCause) {
        if self.config.pre_vote || !self.members().is_voter(self.id) {
            self.start_pre_vote(cause);
        } else {
            self.campaign(cause);
        }
    }

    /// Asks the peers whether they would vote for us in the next term, without raising
    /// our own term.
    fn start_pre_vote(&mut self, cause: RoleChangeCause) {
        let term = self.term().next();
        self.leader = None;
        self.emit(Event::ElectionStarted {
            term,
            pre_vote: true,
        });
        let tally = VoteTally {
            granted: vec![self.id],
            refused: vec![],
        };
        self.set_role(RoleState::PreCandidate(tally), cause);
        self.reset_election_timer();
        self.request_votes(term, true);
        if self.wins_with(&[self.id]) {
            self.campaign(RoleChangeCause::PreVoteWon);
        }
    }

    /// Figure 2, candidates, on conversion: increment currentTerm, vote for self, reset
    /// the election timer, send RequestVote to all other servers.
    fn campaign(&mut self, cause: RoleChangeCause) {
        let term = self.term().next();
        self.set_hard_state(term, Some(self.id));
        self.leader = None;
        self.emit(Event::ElectionStarted {
            term,
            pre_vote: false,
        });
        let tally = VoteTally {
            granted: vec![self.id],
            refused: vec![],
        };
        self.set_role(RoleState::Candidate(tally), cause);
        self.reset_election_timer();
        self.request_votes(term, false);
        // A one-node cluster is its own majority.
        if self.wins_with(&[self.id]) {
            self.become_leader();
        }
    }

    fn request_votes(&mut self, term: Term, pre_vote: bool) {
        let last_log_index = self.persistent.log.last_index();
        let last_log_term = self.persistent.log.last_term();
        let peers: Vec<NodeId> = self.voting_peers().collect();
        for peer in peers {
            self.send(
                peer,
                term,
                Body::RequestVote {
                    last_log_index,
                    last_log_term,
                    pre_vote,
                },
            );
        }
    }

    /// Figure 2, RequestVote receiver. By now a higher term has been adopted, so `term`
    /// is at most ours unless this is a pre-vote.
    pub(super) fn handle_request_vote(
        &mut self,
        candidate: NodeId,
        term: Term,
        last_log_index: LogIndex,
        last_log_term: Term,
        pre_vote: bool,
    ) {
        let log = &self.persistent.log;
        let own_log = LogEnd {
            term: log.last_term(),
            index: log.last_index(),
        };
        let candidate_log = LogEnd {
            term: last_log_term,
            index: last_log_index,
        };
        let log_ok = self.config.unsafe_rules.skip_log_up_to_date_check
            || log.is_up_to_date(last_log_index, last_log_term);
        let not_up_to_date = VoteRefusal::LogNotUpToDate {
            candidate: candidate_log,
            own: own_log,
        };
        let current = self.term();
        let voted = self.voted_for();
        let refusal = if pre_vote {
            // Grant a pre-vote only for a later term, an up-to-date log, and when no
            // leader has been heard from recently.
            if term <= current {
                Some(VoteRefusal::StaleTerm { current })
            } else if self.heard_from_leader_recently() || matches!(self.role, RoleState::Leader(_))
            {
                Some(VoteRefusal::LeaderStillActive)
            } else if !log_ok {
                Some(not_up_to_date)
            } else {
                None
            }
        } else if term < current {
            Some(VoteRefusal::StaleTerm { current })
        } else if let Some(other) = voted.filter(|&v| v != candidate) {
            Some(VoteRefusal::AlreadyVoted(other))
        } else if !log_ok {
            Some(not_up_to_date)
        } else {
            None
        };

        let granted = refusal.is_none();
        let event = match refusal {
            None => Event::VoteGranted {
                candidate,
                term,
                pre_vote,
                again: !pre_vote && voted == Some(candidate),
                candidate_log,
                own_log,
            },
            Some(reason) => Event::VoteRefused {
                candidate,
                term,
                pre_vote,
                reason,
            },
        };
        if granted && !pre_vote {
            self.set_hard_state(current, Some(candidate));
            // Figure 2: granting a vote restarts the election timer.
            self.reset_election_timer();
        }
        self.emit(event);
        // A granted pre-vote echoes the asked term; anything else carries ours.
        let reply_term = if pre_vote && granted {
            term
        } else {
            self.term()
        };
        self.send(
            candidate,
            reply_term,
            Body::RequestVoteResponse { granted, pre_vote },
        );
    }

    /// A reply to our vote request. Higher terms have already made us a follower.
    pub(super) fn handle_vote_response(
        &mut self,
        voter: NodeId,
        term: Term,
        granted: bool,
        pre_vote: bool,
    ) {
        let current = self.term();
        let needed = self.members().quorum();
        let tally = match (&mut self.role, pre_vote) {
            (RoleState::PreCandidate(t), true)
                if (granted && term == current.next()) || (!granted && term == current) =>
            {
                t
            }
            (RoleState::Candidate(t), false) if term == current => t,
            _ => {
                let reason = if term < current {
                    IgnoreReason::Stale
                } else {
                    IgnoreReason::UnexpectedInRole
                };
                self.emit(Event::MessageIgnored {
                    from: voter,
                    reason,
                });
                return;
            }
        };
        tally.record(voter, granted);
        let votes = tally.granted.len();
        let won = self
            .configs
            .latest()
            .has_quorum(|id| tally.granted.contains(&id));
        self.emit(Event::VoteCounted {
            voter,
            granted,
            pre_vote,
            votes,
            needed,
        });
        if won {
            if pre_vote {
                self.campaign(RoleChangeCause::PreVoteWon);
            } else {
                self.become_leader();
            }
        }
    }

    /// Whether the servers in `granted` form a majority of the configuration in effect
    /// (of both halves while joint).
    fn wins_with(&self, granted: &[NodeId]) -> bool {
        self.members().has_quorum(|id| granted.contains(&id))
    }

    /// Figure 2, leaders, upon election: initialize nextIndex and matchIndex, then send
    /// initial empty AppendEntries (heartbeat) to each server (learners included).
    pub(super) fn become_leader(&mut self) {
        let state = LeaderState {
            progress: Vec::new(),
            heartbeat_deadline: self.now,
            quorum_check_deadline: self.now.after(self.config.election_timeout_max),
            quorum: super::Quorum::default(),
            removals: Vec::new(),
            rounds: Vec::new(),
            snapshot_sends: Vec::new(),
            withheld: LogIndex(0),
            membership_pending: false,
        };
        self.leader = Some(self.id);
        self.set_role(RoleState::Leader(state), RoleChangeCause::WonElection);
        self.refresh_progress();
        if self.config.append_noop_on_election {
            self.append_as_leader(crate::log::Payload::Noop);
        }
        self.broadcast_append_entries();
        self.maybe_commit();
        // A joint configuration left behind by the previous leader is finished here.
        self.advance_membership();
    }
}
