//! Each event names the rule that fired (`Event::rule`), where the paper states it
//! (`Rule::cite`) and its box of Figure 2, with the values the rule compared in the
//! event: the page's rule panel shows them as they are. The paper's cases, by section:
//! §5.1 stale terms, §5.2 the vote rules, §5.3 the consistency check and the follower's
//! rules, §5.4.1 the up-to-date check, §5.4.2 the Figure 8 rule.

mod common;

use core::time::Duration;

use common::*;
use raft_core::testkit::Cluster;
use raft_core::{
    AppendSource, CommitBasis, Config, Event, Figure2Box, LogEnd, LogIndex, NodeId, Ready, Rule,
    Term, VoteRefusal,
};

/// The events of `ready` with the rules they name.
fn rules(ready: &Ready<u64>) -> Vec<(Event, Option<Rule>)> {
    ready.events.iter().map(|e| (*e, e.rule())).collect()
}

fn end(term: u64, index: u64) -> LogEnd {
    LogEnd {
        term: Term(term),
        index: LogIndex(index),
    }
}

#[test]
fn the_vote_rules_name_their_line_of_figure_2_and_what_they_compared_section_5_2() {
    // Granted: term 3 is not older than the voter's 3, no vote yet in term 3, and the
    // candidate's log (2, 4) is at least as up-to-date as the voter's (2, 3).
    let mut v = follower(1, 3, 3, &[1, 2, 2]);
    v.step(ms(1), request_vote(0, 1, 3, 4, 2)).expect("ok");
    let granted = Event::VoteGranted {
        candidate: NodeId(0),
        term: Term(3),
        pre_vote: false,
        again: false,
        candidate_log: end(2, 4),
        own_log: end(2, 3),
    };
    assert!(rules(&v.take_ready()).contains(&(granted, Some(Rule::VoteGranted))));
    assert_eq!(Rule::VoteGranted.cite(), "§5.2");
    assert_eq!(Rule::VoteGranted.figure_2(), Some(Figure2Box::RequestVote));
    // Refused: another candidate of the same term, after that vote.
    v.step(ms(2), request_vote(2, 1, 3, 9, 2)).expect("ok");
    let refused = Event::VoteRefused {
        candidate: NodeId(2),
        term: Term(3),
        pre_vote: false,
        reason: VoteRefusal::AlreadyVoted(NodeId(0)),
    };
    assert!(rules(&v.take_ready()).contains(&(refused, Some(Rule::VoteAlreadyCast))));
    // Refused: a request of an older term (§5.1), with the voter's term.
    v.step(ms(3), request_vote(2, 1, 2, 9, 1)).expect("ok");
    let stale = rules(&v.take_ready());
    assert!(stale.contains(&(
        Event::VoteRefused {
            candidate: NodeId(2),
            term: Term(2),
            pre_vote: false,
            reason: VoteRefusal::StaleTerm { current: Term(3) },
        },
        Some(Rule::VoteStaleTerm)
    )));
    assert_eq!(Rule::VoteStaleTerm.cite(), "§5.1");
}

#[test]
fn a_refusal_for_a_less_up_to_date_log_names_both_log_ends_section_5_4_1() {
    // The voter's log ends (3, 3); the candidate's is longer but ends in term 2.
    let mut v = follower(1, 3, 3, &[1, 1, 3]);
    v.step(ms(1), request_vote(0, 1, 4, 9, 2)).expect("ok");
    let refusal = Event::VoteRefused {
        candidate: NodeId(0),
        term: Term(4),
        pre_vote: false,
        reason: VoteRefusal::LogNotUpToDate {
            candidate: end(2, 9),
            own: end(3, 3),
        },
    };
    assert!(rules(&v.take_ready()).contains(&(refusal, Some(Rule::VoteLogNotUpToDate))));
    assert_eq!(Rule::VoteLogNotUpToDate.cite(), "§5.4.1");
}

#[test]
fn the_follower_rules_of_append_entries_name_their_steps_section_5_3() {
    // Step 2, the consistency check: the leader has term 3 at index 4, this log term 2.
    let mut f = follower(1, 3, 3, &[1, 2, 2, 2]);
    f.step(ms(1), append(0, 1, 3, (4, 3), &[3], 4)).expect("ok");
    let rejected = Event::AppendRejected {
        leader: NodeId(0),
        prev_log_index: LogIndex(4),
        prev_log_term: Term(3),
        own_term: Some(Term(2)),
    };
    assert!(rules(&f.take_ready()).contains(&(rejected, Some(Rule::AppendConsistencyCheck))));
    // Steps 3 to 5: index 2 of term 2 matches; index 3 conflicts (term 3 against 2), so
    // 3 and 4 go; 3 and 4 of term 3 are appended; leaderCommit 9 commits up to 4.
    f.step(ms(2), append(0, 1, 3, (2, 2), &[3, 3], 9))
        .expect("ok");
    let events = rules(&f.take_ready());
    let named: Vec<Option<Rule>> = events.iter().map(|(_, r)| *r).collect();
    assert!(named.contains(&Some(Rule::AppendConflict)), "{events:?}");
    assert!(events.contains(&(
        Event::EntriesAppended {
            first: LogIndex(3),
            last: LogIndex(4),
            term: Term(3),
            source: AppendSource::Leader(NodeId(0)),
        },
        Some(Rule::AppendNewEntries)
    )));
    assert!(events.contains(&(
        Event::CommitAdvanced {
            from: LogIndex(0),
            to: LogIndex(4),
            basis: CommitBasis::LeaderCommit(LogIndex(9)),
        },
        Some(Rule::AppendLeaderCommit)
    )));
    for rule in [
        Rule::AppendConsistencyCheck,
        Rule::AppendConflict,
        Rule::AppendNewEntries,
        Rule::AppendLeaderCommit,
    ] {
        assert_eq!(rule.cite(), "§5.3");
        assert_eq!(rule.figure_2(), Some(Figure2Box::AppendEntries));
    }
}

#[test]
fn a_leader_names_the_commit_rule_and_withholds_an_older_terms_entry_section_5_4_2() {
    // Three servers; the leader of term 3 holds an entry of term 2 that both followers
    // store: two of three is a majority, but its term is not the leader's.
    let mut c: Cluster<u64> = Cluster::with_logs(
        Config::default(),
        3,
        &[
            state(2, None, &[1, 2]),
            state(2, None, &[1, 2]),
            state(2, None, &[1, 2]),
        ],
    );
    force_win(&mut c, NodeId(0), Duration::from_millis(20));
    c.run_for(Duration::from_millis(200));
    let withheld: Vec<&Event> = c
        .events
        .iter()
        .filter(|(_, id, e)| *id == NodeId(0) && e.rule() == Some(Rule::CurrentTermOnly))
        .map(|(_, _, e)| e)
        .collect();
    assert_eq!(
        withheld,
        [&Event::CommitWithheld {
            index: LogIndex(2),
            entry_term: Term(2),
            term: Term(3),
            holders: 2,
            voters: 3,
        }],
        "told once, as soon as a majority stores it, with the counts and terms compared"
    );
    assert_eq!(Rule::CurrentTermOnly.cite(), "§5.4.2");
    assert_eq!(
        Rule::CurrentTermOnly.figure_2(),
        Some(Figure2Box::RulesForServers)
    );
    // An entry of term 3 on a majority (the leader and one follower, the first to
    // answer) commits both, by the commit rule.
    c.propose(NodeId(0), 7).expect("leads");
    c.run_for(Duration::from_millis(200));
    let commit = c.events.iter().find_map(|(_, id, e)| match e {
        Event::CommitAdvanced {
            to,
            basis: basis @ CommitBasis::Majority { .. },
            ..
        } if *id == NodeId(0) => Some((*to, *basis, e.rule())),
        _ => None,
    });
    assert_eq!(
        commit,
        Some((
            LogIndex(3),
            CommitBasis::Majority {
                holders: 2,
                voters: 3
            },
            Some(Rule::CommitRule)
        ))
    );
    assert!(
        c.events
            .iter()
            .filter(|(_, id, _)| *id == NodeId(0))
            .any(|(_, _, e)| matches!(
                e,
                Event::EntriesAppended {
                    source: AppendSource::Command,
                    ..
                }
            ) && e.rule() == Some(Rule::ClientCommand))
    );
}

#[test]
fn every_event_of_a_faulty_run_names_a_rule_but_term_changes_and_ignored_messages() {
    // Elections, replication, a crash and a partition: every event a node emits but a
    // term change (which the role change or the election beside it explains), an
    // ignored message and a commit going back (which no safe rule causes) names its
    // rule, and every rule named has a citation.
    let mut c: Cluster<u64> = Cluster::new(5, Config::default(), 3);
    let leader = elect(&mut c, Duration::from_secs(3));
    for k in 0..5 {
        c.propose(leader, k).expect("leads");
    }
    c.run_for(Duration::from_millis(300));
    c.crash(leader);
    c.run_for(Duration::from_secs(2));
    c.restart(leader);
    c.run_for(Duration::from_secs(1));
    assert!(c.events.len() > 30, "{} events", c.events.len());
    for (_, id, e) in &c.events {
        let unexplained = matches!(
            e,
            Event::TermChanged { .. }
                | Event::MessageIgnored { .. }
                | Event::CommitRolledBack { .. }
        );
        match e.rule() {
            None => assert!(unexplained, "{id}: {e:?} names no rule"),
            Some(r) => assert!(r.cite().starts_with('§') || r.cite().starts_with("thesis §")),
        }
    }
}
