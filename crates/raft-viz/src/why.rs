//! Why an event happened: the rule that fired ([`Rule`], from the core's
//! `Event::rule`), where the paper states it, and the values it compared, in the
//! reader's language. The values come from the event itself; nothing here re-derives
//! what the node decided.

use raft_sim::network::PacketSummary;
use raft_sim::raft_core::{
    AppendSource, CommitBasis, Event, Figure2Box, Instant, MessageKind, NodeId, Role,
    RoleChangeCause, Rule, VoteRefusal,
};
use raft_sim::{Endpoint, History, Item, MsgId, Record};

use crate::lang::Lang;
use crate::narrate::text::{Arg, render, say};

/// The reason for one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Why {
    /// The rule that fired.
    pub rule: Rule,
    /// What it compared, with its verdict, in the reader's language.
    pub text: String,
}

impl Why {
    /// The rule's id at the JS edge (`snapshot().why.rule`).
    pub fn rule_id(&self) -> &'static str {
        rule_id(self.rule)
    }

    /// Where the paper states the rule (`"§5.4.2"`).
    pub fn cite(&self) -> &'static str {
        self.rule.cite()
    }

    /// The box of Figure 2 that holds the rule, if it is one of Figure 2's.
    pub fn figure_2(&self) -> Option<Figure2Box> {
        self.rule.figure_2()
    }
}

/// A rule's id for the JS API: stable, lower case.
pub fn rule_id(rule: Rule) -> &'static str {
    match rule {
        Rule::VoteStaleTerm => "vote-stale-term",
        Rule::VoteAlreadyCast => "vote-already-cast",
        Rule::VoteLogNotUpToDate => "vote-log-not-up-to-date",
        Rule::VoteGranted => "vote-granted",
        Rule::AppendConsistencyCheck => "append-consistency-check",
        Rule::AppendConflict => "append-conflict",
        Rule::AppendNewEntries => "append-new-entries",
        Rule::AppendLeaderCommit => "append-leader-commit",
        Rule::HigherTerm => "higher-term",
        Rule::ElectionTimeout => "election-timeout",
        Rule::StartElection => "start-election",
        Rule::MajorityOfVotes => "majority-of-votes",
        Rule::NewLeader => "new-leader",
        Rule::ClientCommand => "client-command",
        Rule::Heartbeat => "heartbeat",
        Rule::SendEntries => "send-entries",
        Rule::DecrementNextIndex => "decrement-next-index",
        Rule::CommitRule => "commit-rule",
        Rule::CurrentTermOnly => "current-term-only",
        Rule::NoopEntry => "noop-entry",
        Rule::Membership => "membership",
        Rule::LeaderStillActive => "leader-still-active",
        Rule::Snapshot => "snapshot",
        Rule::PreVote => "pre-vote",
        Rule::CheckQuorum => "check-quorum",
    }
}

/// What the rule panel explains: an event of the history (by its `seq`), a node's
/// latest event, or a message, by the event its sender recorded as it sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The history record numbered `seq`.
    Event(u64),
    /// A node's latest event with a reason, up to `now`.
    Node(NodeId),
    /// A message.
    Message(MsgId),
}

/// Why `subject` came about, reading the history up to `now` (the timeline's cursor).
/// A message's reason is the event its sender recorded at the moment it sent it, if that
/// event is the one such a message answers for (a vote request: its election; a reply
/// to one: the vote; a refusal of entries: the consistency check); `None` otherwise (a
/// heartbeat, or entries sent on the leader's timer, record no event).
pub fn of_subject(history: &History, now: Instant, subject: Subject, lang: Lang) -> Option<Why> {
    let upto = || history.iter().filter(move |i| i.at <= now);
    let event_of = |i: &Item| match &i.record {
        Record::Node { node, event } => Some((*node, *event)),
        _ => None,
    };
    let event = match subject {
        Subject::Event(seq) => upto().rev().find(|i| i.seq == seq).and_then(event_of)?.1,
        Subject::Node(id) => {
            upto()
                .rev()
                .filter_map(event_of)
                .find(|(n, e)| *n == id && e.rule().is_some())?
                .1
        }
        Subject::Message(id) => {
            // From the newest: a message in flight was sent recently.
            let (seq, at, from, packet) = upto().rev().find_map(|i| match &i.record {
                Record::Sent {
                    id: m,
                    from: Endpoint::Node(from),
                    packet,
                    ..
                } if *m == id => Some((i.seq, i.at, *from, *packet)),
                _ => None,
            })?;
            let answered = upto()
                .rev()
                .filter(|i| i.seq < seq && i.at == at)
                .filter_map(event_of)
                .find(|(n, e)| *n == from && answers_for(&packet, e));
            match answered {
                Some((_, event)) => event,
                // A leader's AppendEntries answers no event: the leader's rules send
                // it, a heartbeat or the entries from the follower's nextIndex on.
                None => return of_append_request(&packet, lang),
            }
        }
    };
    of_event(&event, lang)
}

/// Why a leader sent an AppendEntries: a heartbeat while idle, or entries a follower
/// lacks (Figure 2, Rules for Servers: Leaders). `None` for any other message.
fn of_append_request(packet: &PacketSummary, lang: Lang) -> Option<Why> {
    let PacketSummary::Raft {
        kind: MessageKind::AppendRequest,
        term,
        entries,
        ..
    } = *packet
    else {
        return None;
    };
    Some(if entries == 0 {
        Why {
            rule: Rule::Heartbeat,
            text: say!(
                lang,
                "Heartbeat of the term {0} leader: an empty AppendEntries, so that no follower times out",
                term
            ),
        }
    } else {
        Why {
            rule: Rule::SendEntries,
            text: say!(
                lang,
                "AppendEntries of term {0} with {1} entries: what the follower lacks from its nextIndex on",
                term,
                u64::from(entries)
            ),
        }
    })
}

/// Whether `event` is what made its node send `packet`.
fn answers_for(packet: &PacketSummary, event: &Event) -> bool {
    let PacketSummary::Raft { kind, .. } = *packet else {
        return false;
    };
    matches!(
        (kind, event),
        (MessageKind::VoteRequest, Event::ElectionStarted { .. })
            | (
                MessageKind::VoteResponse,
                Event::VoteGranted { .. } | Event::VoteRefused { .. }
            )
            | (
                MessageKind::AppendResponse,
                Event::AppendRejected { .. } | Event::EntriesAppended { .. },
            )
            | (MessageKind::SnapshotRequest, Event::SnapshotSent { .. })
    )
}

/// Why a node did `event` (its sentences speak as that node: "my term"); `None` when
/// no rule asks for it (see `Event::rule`).
pub fn of_event(event: &Event, lang: Lang) -> Option<Why> {
    let rule = event.rule()?;
    let text = match *event {
        Event::RoleChanged {
            term, to, cause, ..
        } => match cause {
            RoleChangeCause::ElectionTimeout | RoleChangeCause::ForcedTimeout => {
                // A pre-candidate stands for the next term without raising its own.
                let (role, term) = if to == Role::PreCandidate {
                    (lang.tr("pre-candidate"), term.next())
                } else {
                    (lang.tr("candidate"), term)
                };
                if cause == RoleChangeCause::ForcedTimeout {
                    say!(
                        lang,
                        "Became {0} for term {1}: told to time out now",
                        role,
                        term
                    )
                } else {
                    say!(
                        lang,
                        "Became {0} for term {1}: no leader heard within my election timeout",
                        role,
                        term
                    )
                }
            }
            RoleChangeCause::PreVoteWon => say!(
                lang,
                "A majority would vote for me: the real election of term {0} begins",
                term
            ),
            RoleChangeCause::WonElection => {
                say!(
                    lang,
                    "Became leader of term {0}: votes from a majority",
                    term
                )
            }
            RoleChangeCause::HigherTerm(from) => say!(
                lang,
                "Became follower: {0}'s term {1} is newer than mine",
                from,
                term
            ),
            RoleChangeCause::LeaderDiscovered(from) => say!(
                lang,
                "Became follower: {0} leads term {1}, my term",
                from,
                term
            ),
            RoleChangeCause::QuorumLost => say!(
                lang,
                "Stepped down: no answer from a majority within an election timeout"
            ),
            RoleChangeCause::RemovedFromConfiguration => {
                say!(lang, "Stepped down: I committed a configuration without me")
            }
        },
        Event::ElectionStarted {
            term,
            pre_vote: false,
        } => say!(
            lang,
            "Started an election: term {0}, a vote for myself, a request to every other server",
            term
        ),
        Event::ElectionStarted { term, .. } => say!(
            lang,
            "Asked whether a majority would vote for me in term {0}, without raising my term",
            term
        ),
        Event::VoteGranted {
            candidate,
            term,
            again,
            pre_vote,
            candidate_log,
            own_log,
        } => {
            // One set of values, three wordings: the checks a pre-vote, a repeated
            // vote and a first vote each make.
            let template = if pre_vote {
                lang.tr(
                    "Would vote for {1} in term {0} (pre-vote): a later term than mine ✓; no leader heard lately ✓; {1}'s log (last term {2}, index {3}) is at least as up-to-date as mine ({4}, {5}) ✓",
                )
            } else if again {
                lang.tr(
                    "Granted the vote: term {0} ≥ my term {0} ✓; I already voted for {1} in term {0}, the same candidate ✓; {1}'s log (last term {2}, index {3}) is at least as up-to-date as mine ({4}, {5}) ✓",
                )
            } else {
                lang.tr(
                    "Granted the vote: term {0} ≥ my term {0} ✓; no vote yet in term {0} ✓; {1}'s log (last term {2}, index {3}) is at least as up-to-date as mine ({4}, {5}) ✓",
                )
            };
            render(
                template,
                &[
                    Arg::from(term),
                    Arg::from(candidate),
                    Arg::from(candidate_log.term),
                    Arg::from(candidate_log.index),
                    Arg::from(own_log.term),
                    Arg::from(own_log.index),
                ],
            )
        }
        Event::VoteRefused {
            candidate,
            term,
            reason,
            ..
        } => match reason {
            VoteRefusal::StaleTerm { current } => say!(
                lang,
                "Refused the vote: term {0} is not newer than my term {1} ✗",
                term,
                current
            ),
            VoteRefusal::AlreadyVoted(other) => say!(
                lang,
                "Refused the vote: I already voted for {0} in term {1} ✗",
                other,
                term
            ),
            VoteRefusal::LogNotUpToDate {
                candidate: theirs,
                own,
            } => say!(
                lang,
                "Refused the vote: {0}'s log (last term {1}, index {2}) is less up-to-date than mine ({3}, {4}) ✗",
                candidate,
                theirs.term,
                theirs.index,
                own.term,
                own.index
            ),
            VoteRefusal::LeaderStillActive => say!(
                lang,
                "Refused the vote: I heard from a live leader less than an election timeout ago ✗"
            ),
        },
        Event::VoteCounted {
            voter,
            granted,
            votes,
            needed,
            ..
        } => {
            if granted {
                say!(
                    lang,
                    "Counted {0}'s vote: {1} of the {2} needed",
                    voter,
                    votes,
                    needed
                )
            } else {
                say!(
                    lang,
                    "{0} refused its vote: {1} of the {2} needed",
                    voter,
                    votes,
                    needed
                )
            }
        }
        Event::EntriesAppended {
            first,
            last,
            term,
            source,
        } => {
            let range = Arg::Range(first.0, last.0);
            match source {
                AppendSource::Leader(leader) => say!(
                    lang,
                    "Appended entries {0} from {1}: my log matched its entry before them ✓",
                    range,
                    leader
                ),
                AppendSource::Command => say!(
                    lang,
                    "Appended the client's command at {0}, in my term {1}",
                    range,
                    term
                ),
                AppendSource::Noop => say!(
                    lang,
                    "Appended an empty entry of my new term {0} at {1}",
                    term,
                    range
                ),
                AppendSource::Configuration => say!(
                    lang,
                    "Appended a configuration step at {0}: in effect at once, committed or not",
                    range
                ),
            }
        }
        Event::EntriesTruncated { from, last } => say!(
            lang,
            "Deleted entries {0}: they conflict with the leader's",
            Arg::Range(from.0, last.0)
        ),
        Event::AppendRejected {
            prev_log_index,
            prev_log_term,
            own_term,
            ..
        } => match own_term {
            Some(mine) => say!(
                lang,
                "Refused AppendEntries: no entry at index {0} with term {1} (mine: term {2}) ✗",
                prev_log_index,
                prev_log_term,
                mine
            ),
            None => say!(
                lang,
                "Refused AppendEntries: no entry at index {0} with term {1} (my log is shorter) ✗",
                prev_log_index,
                prev_log_term
            ),
        },
        Event::NextIndexBackedUp {
            follower,
            next_index,
        } => say!(
            lang,
            "{0}'s log did not match: its next index goes back to {1}, and I retry",
            follower,
            next_index
        ),
        Event::CommitAdvanced { to, basis, .. } => match basis {
            CommitBasis::Majority { holders, voters } => say!(
                lang,
                "Committed up to index {0}: it is on {1} of {2} servers, a majority ✓, and of my term ✓",
                to,
                u64::from(holders),
                u64::from(voters)
            ),
            CommitBasis::LeaderCommit(leader_commit) => say!(
                lang,
                "Committed up to index {0}: the leader's commit index is {1}",
                to,
                leader_commit
            ),
            CommitBasis::Snapshot => say!(
                lang,
                "Committed up to index {0}: the leader's snapshot covers it",
                to
            ),
        },
        Event::CommitWithheld {
            index,
            entry_term,
            term,
            holders,
            voters,
        } => say!(
            lang,
            "Not committed: index {0} is on {1} of {2} servers but has term {3} < current term {4} (the Figure 8 rule)",
            index,
            u64::from(holders),
            u64::from(voters),
            entry_term,
            term
        ),
        Event::ConfigurationAppended(c) => say!(
            lang,
            "Uses the configuration at index {0} from now on, committed or not: {1}",
            c.index,
            &crate::narrate::config_change(c.step, lang)
        ),
        Event::ConfigurationCommitted(c) => say!(
            lang,
            "The configuration at index {0} is committed: {1}",
            c.index,
            &crate::narrate::config_change(c.step, lang)
        ),
        Event::ConfigurationReverted(c) => say!(
            lang,
            "The configuration at index {0} was deleted with conflicting entries: back to the one before",
            c.index
        ),
        Event::LearnerCaughtUp {
            learner, rounds, ..
        } => say!(
            lang,
            "{0} caught up within an election timeout (in {1} rounds): it can become a voter",
            learner,
            u64::from(rounds)
        ),
        Event::SnapshotTaken { last_index, .. } => say!(
            lang,
            "Compacted my log up to index {0} into a snapshot: committed entries only",
            last_index
        ),
        Event::SnapshotSent { to, last_index, .. } => say!(
            lang,
            "Sends {0} my snapshot up to index {1}: it needs entries I compacted away",
            to,
            last_index
        ),
        Event::SnapshotInstalled {
            from, last_index, ..
        } => say!(
            lang,
            "Installed {0}'s snapshot up to index {1} in place of my log",
            from,
            last_index
        ),
        Event::TermChanged { .. }
        | Event::CommitRolledBack { .. }
        | Event::MessageIgnored { .. } => return None,
    };
    Some(Why { rule, text })
}
