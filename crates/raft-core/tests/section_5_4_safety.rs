//! §5.4 of the Raft paper: safety.
//!
//! §5.4.1, the election restriction: a voter denies its vote if its own log is more
//! up-to-date than the candidate's ("If the logs have last entries with different terms,
//! then the log with the later term is more up-to-date. If the logs end with the same
//! term, then whichever log is longer is more up-to-date.").
//! §5.4.2 and Figure 8: a leader only commits entries of its current term by counting
//! replicas; older entries commit indirectly.
//! Figure 3: Leader Completeness and State Machine Safety, watched by the harness.

mod common;

use core::time::Duration;
use std::collections::{BTreeMap, BTreeSet};

use common::*;
use raft_core::testkit::Cluster;
use raft_core::{
    CommitBasis, Config, Entry, Event, LogEnd, LogIndex, NodeId, Payload, PersistentState, Rng,
    Role, Term, UnsafeRules, VoteRefusal,
};

// ----- §5.4.1 election restriction -----

/// What a voter holding `voter_log` (at term 5, no vote) answers a term-6 candidate
/// whose log ends at (`last_index`, `last_term`).
fn vote_on(voter_log: &[u64], last_index: u64, last_term: u64) -> (bool, Vec<Event>) {
    let mut v = follower(1, 3, 5, voter_log);
    v.step(ms(1), request_vote(0, 1, 6, last_index, last_term))
        .expect("well formed");
    let ready = v.take_ready();
    let granted = ready.messages.iter().any(|m| {
        matches!(
            m.body,
            raft_core::Body::RequestVoteResponse { granted: true, .. }
        )
    });
    assert_eq!(v.term(), Term(6), "the term is adopted either way");
    assert_eq!(
        v.voted_for().is_some(),
        granted,
        "voted_for matches the answer"
    );
    (granted, ready.events)
}

#[test]
fn a_voter_refuses_a_candidate_whose_last_term_is_older_section_5_4_1() {
    // Voter [1, 1, 3]; candidate much longer but ending in term 2.
    let (granted, events) = vote_on(&[1, 1, 3], 9, 2);
    assert!(!granted);
    // The refusal names both ends compared: (2, 9) against the voter's (3, 3).
    assert!(events.contains(&Event::VoteRefused {
        candidate: NodeId(0),
        term: Term(6),
        pre_vote: false,
        reason: VoteRefusal::LogNotUpToDate {
            candidate: LogEnd {
                term: Term(2),
                index: LogIndex(9),
            },
            own: LogEnd {
                term: Term(3),
                index: LogIndex(3),
            },
        },
    }));
}

#[test]
fn a_voter_refuses_a_candidate_with_the_same_last_term_but_a_shorter_log_section_5_4_1() {
    let (granted, events) = vote_on(&[1, 1, 3, 3], 3, 3);
    assert!(!granted);
    let end = |term, index| LogEnd {
        term: Term(term),
        index: LogIndex(index),
    };
    assert!(events.iter().any(|e| matches!(
        e,
        Event::VoteRefused {
            reason: VoteRefusal::LogNotUpToDate { candidate, own },
            ..
        } if *candidate == end(3, 3) && *own == end(3, 4)
    )));
}

#[test]
fn a_voter_grants_a_candidate_with_a_later_last_term_or_an_equal_or_longer_log_section_5_4_1() {
    assert!(
        vote_on(&[1, 1, 3, 3], 2, 4).0,
        "later last term wins, though shorter"
    );
    assert!(vote_on(&[1, 1, 3, 3], 4, 3).0, "identical logs");
    assert!(vote_on(&[1, 1, 3, 3], 5, 3).0, "same last term, longer");
    assert!(vote_on(&[], 0, 0).0, "empty logs");
    assert!(
        !vote_on(&[1], 0, 0).0,
        "an empty log is behind any non-empty one"
    );
}

#[test]
fn with_the_check_skipped_a_voter_grants_a_stale_candidate_unsafe_rules() {
    let config = Config {
        unsafe_rules: UnsafeRules {
            skip_log_up_to_date_check: true,
            ..UnsafeRules::default()
        },
        ..Config::default()
    };
    let mut v = node_from(1, 3, config, state(5, None, &[1, 1, 3]));
    v.step(ms(1), request_vote(0, 1, 6, 1, 1)).expect("ok");
    assert_eq!(v.voted_for(), Some(NodeId(0)));
}

// ----- Figure 8 -----

/// The five servers of Figure 8, S1..S5.
const S1: NodeId = NodeId(0);
const S2: NodeId = NodeId(1);
const S3: NodeId = NodeId(2);
const S4: NodeId = NodeId(3);
const S5: NodeId = NodeId(4);

fn cmd(c: &Cluster<u64>, id: NodeId, index: u64) -> Option<u64> {
    let n = c.node(id)?;
    match &n.log().get(LogIndex(index))?.payload {
        Payload::Command(x) => Some(*x),
        Payload::Noop | Payload::Config(_) => None,
    }
}

fn term_at(c: &Cluster<u64>, id: NodeId, index: u64) -> Option<Term> {
    c.node(id)?.log().term_at(LogIndex(index))
}

fn role(c: &Cluster<u64>, id: NodeId) -> Role {
    c.node(id).expect("live").role()
}

/// The command written in term 2 at index 2 (Figure 8's yellow entry), the one in term
/// 3 (blue) and the one in term 4 (red).
const TERM2_CMD: u64 = 222;
const TERM3_CMD: u64 = 333;
const TERM4_CMD: u64 = 444;

/// Drives the cluster through Figure 8 (a)-(c) from five servers holding one entry of
/// term 1. Returns the cluster in state (c): S1 leads term 4, the term-2 entry is stored
/// on S1, S2 and S3 (a majority), S4 and S5 are down, S5's log holds the term-3 entry.
fn figure_8_to_c(config: Config) -> Cluster<u64> {
    let start: Vec<PersistentState<u64>> = (0..5).map(|_| state(1, None, &[1])).collect();
    let mut c: Cluster<u64> = Cluster::with_logs(config, 8, &start);

    // (a) S1 leads term 2 and replicates the entry at index 2 to S2 only.
    force_win(&mut c, S1, Duration::from_millis(10));
    assert_eq!(c.node(S1).expect("live").term(), Term(2));
    c.run_for(Duration::from_millis(5));
    c.propose(S1, TERM2_CMD).expect("S1 leads");
    for to in [S3, S4, S5] {
        c.cut_link(S1, to);
    }
    assert!(
        c.run_until(Duration::from_millis(100), |c| term_at(c, S2, 2)
            == Some(Term(2)))
    );
    c.run_for(Duration::from_millis(2));
    assert_eq!(term_at(&c, S3, 2), None);
    assert!(
        c.node(S1).expect("live").commit_index() < LogIndex(2),
        "2 of 5 copies commit nothing"
    );

    // (b) S1 crashes; S5 is elected for term 3 by S3, S4 and itself, accepts a different
    // entry at index 2, and crashes before sending it.
    c.crash(S1);
    c.heal();
    force_win(&mut c, S5, Duration::from_millis(10));
    assert_eq!(c.node(S5).expect("live").term(), Term(3));
    c.run_for(Duration::from_millis(3));
    c.propose(S5, TERM3_CMD).expect("S5 leads");
    c.crash(S5);
    assert_eq!(
        c.storage(S5).expect("slot").log.term_at(LogIndex(2)),
        Some(Term(3)),
        "S5 persisted the term-3 entry"
    );

    // (c) S1 restarts and is elected for term 4 (S4 and S5 are down, so it needs both S2
    // and S3; S3 already voted for S5 in term 3, so the first try fails).
    c.crash(S4);
    c.restart(S1);
    c.timeout_now(S1);
    c.run_for(Duration::from_millis(5));
    assert_eq!(c.node(S1).expect("live").term(), Term(3));
    assert_eq!(role(&c, S1), Role::Candidate, "2 votes of 5");
    force_win(&mut c, S1, Duration::from_millis(10));
    assert_eq!(c.node(S1).expect("live").term(), Term(4));
    // S1 continues replication: the term-2 entry reaches S3.
    assert!(c.run_until(Duration::from_millis(20), |c| {
        term_at(c, S3, 2) == Some(Term(2))
    }));
    c.run_for(Duration::from_millis(2));
    let progress = c
        .node(S1)
        .expect("live")
        .progress()
        .expect("leader")
        .to_vec();
    let matched: BTreeSet<NodeId> = progress
        .iter()
        .filter(|p| p.match_index >= LogIndex(2))
        .map(|p| p.node)
        .collect();
    assert_eq!(
        matched,
        [S2, S3].into(),
        "the term-2 entry is on S1, S2 and S3: a majority"
    );
    c
}

/// Figure 8 (d): S1 crashes, S5 restarts (with S4) and is elected, with votes from S2, S3
/// and S4 (its last term, 3, beats their 2), and overwrites index 2 with its term-3 entry.
fn figure_8_d(c: &mut Cluster<u64>) {
    c.crash(S1);
    c.restart(S4);
    c.restart(S5);
    // Term 4 is taken (S2 and S3 voted for S1); S5 needs a second try, in term 5.
    c.timeout_now(S5);
    c.run_for(Duration::from_millis(5));
    assert_ne!(role(c, S5), Role::Leader);
    force_win(c, S5, Duration::from_millis(10));
    assert_eq!(c.node(S5).expect("live").term(), Term(5));
    // It replicates its log and commits a new entry of its own term.
    c.propose(S5, 555).expect("S5 leads");
    c.run_for(Duration::from_millis(150));
    for id in [S2, S3, S4] {
        assert_eq!(cmd(c, id, 2), Some(TERM3_CMD), "{id}: index 2 overwritten");
    }
    assert_eq!(c.node(S5).expect("live").commit_index(), LogIndex(3));
}

#[test]
fn figure_8_c_a_leader_does_not_commit_an_old_term_entry_stored_on_a_majority_section_5_4_2() {
    let mut c = figure_8_to_c(Config::default());
    assert_eq!(
        c.node(S1).expect("live").commit_index(),
        LogIndex(0),
        "the term-2 entry is on a majority but not committed"
    );
    // Even after more heartbeats, with nothing of term 4 in the log. S1 says why, once:
    // index 2 is on three of five, but of term 2, not its term 4.
    c.run_for(Duration::from_millis(200));
    assert_eq!(c.node(S1).expect("live").commit_index(), LogIndex(0));
    let withheld: Vec<Event> = c
        .events
        .iter()
        .filter(|(_, id, e)| *id == S1 && matches!(e, Event::CommitWithheld { term: Term(4), .. }))
        .map(|(_, _, e)| *e)
        .collect();
    assert_eq!(
        withheld,
        [Event::CommitWithheld {
            index: LogIndex(2),
            entry_term: Term(2),
            term: Term(4),
            holders: 3,
            voters: 5,
        }]
    );
    assert!(!c.committed().contains_key(&LogIndex(2)));
    assert_no_violations(&mut c);
}

#[test]
fn figure_8_d_with_safe_rules_overwriting_the_uncommitted_term_2_entry_is_harmless() {
    let mut c = figure_8_to_c(Config::default());
    figure_8_d(&mut c);
    assert_eq!(
        c.committed().get(&LogIndex(2)).map(|e| e.term),
        Some(Term(3)),
        "index 2 was only ever committed with the term-3 entry"
    );
    assert_no_violations(&mut c);
}

#[test]
fn figure_8_e_an_entry_of_term_4_on_a_majority_commits_both_and_s5_cannot_win() {
    let mut c = figure_8_to_c(Config::default());
    c.propose(S1, TERM4_CMD).expect("S1 leads");
    // Step by step: the commit index stays 0 until the term-4 entry is on a majority,
    // then jumps to 3, taking the term-2 entry with it.
    let mut commits = Vec::new();
    let done = c.run_until(Duration::from_millis(100), |c| {
        let ci = c.node(S1).expect("live").commit_index();
        // With S4 and S5 down, a majority of five is S1, S2 and S3.
        let on_majority = [S2, S3]
            .iter()
            .all(|&id| term_at(c, id, 3) == Some(Term(4)));
        commits.push((ci, on_majority));
        ci > LogIndex(0)
    });
    assert!(done, "the term-4 entry committed");
    assert!(
        commits
            .iter()
            .all(|&(ci, on_majority)| ci == LogIndex(0) || on_majority),
        "commit advanced before the term-4 entry was on a majority: {commits:?}"
    );
    assert_eq!(c.node(S1).expect("live").commit_index(), LogIndex(3));
    assert!(
        c.events.iter().any(|(_, id, e)| *id == S1
            && *e
                == Event::CommitAdvanced {
                    from: LogIndex(0),
                    to: LogIndex(3),
                    basis: CommitBasis::Majority {
                        holders: 3,
                        voters: 5
                    },
                }),
        "the commit index jumped from 0 to 3, on S1, S2 and S3 of five"
    );
    assert_eq!(
        c.committed().get(&LogIndex(2)).map(|e| e.term),
        Some(Term(2))
    );

    // Now S1 crashes and S5 tries to become leader: S2 and S3 refuse, their logs end in
    // term 4.
    c.crash(S1);
    c.restart(S4);
    c.restart(S5);
    for _ in 0..3 {
        c.timeout_now(S5);
        c.run_for(Duration::from_millis(5));
        assert_ne!(role(&c, S5), Role::Leader, "S5 must not win");
    }
    for voter in [S2, S3] {
        assert!(
            c.events.iter().any(|(_, id, e)| *id == voter
                && matches!(
                    e,
                    Event::VoteRefused {
                        candidate: S5,
                        reason: VoteRefusal::LogNotUpToDate { .. },
                        ..
                    }
                )),
            "{voter} refused S5 for its log"
        );
    }
    // The cluster recovers with a leader that holds both entries.
    let leader = elect(&mut c, Duration::from_secs(3));
    assert!(leader == S2 || leader == S3, "{leader}");
    c.run_for(Duration::from_millis(300));
    for id in [S2, S3, S4, S5] {
        assert_eq!(cmd(&c, id, 2), Some(TERM2_CMD), "{id}");
        assert_eq!(cmd(&c, id, 3), Some(TERM4_CMD), "{id}");
    }
    assert_no_violations(&mut c);
}

#[test]
fn figure_8_with_old_terms_committed_by_counting_a_committed_entry_is_overwritten_unsafe() {
    let config = Config {
        unsafe_rules: UnsafeRules {
            commit_old_terms_by_counting: true,
            ..UnsafeRules::default()
        },
        ..Config::default()
    };
    let mut c = figure_8_to_c(config);
    assert_eq!(
        c.node(S1).expect("live").commit_index(),
        LogIndex(2),
        "the unsafe rule commits the term-2 entry by counting replicas"
    );
    assert_eq!(
        c.committed()
            .get(&LogIndex(2))
            .and_then(|e| match e.payload {
                Payload::Command(x) => Some(x),
                Payload::Noop | Payload::Config(_) => None,
            }),
        Some(TERM2_CMD)
    );
    assert!(
        c.violations.is_empty(),
        "nothing wrong yet: {:?}",
        c.violations
    );
    figure_8_d(&mut c);
    assert!(
        c.violations
            .iter()
            .any(|v| v.starts_with("State Machine Safety")),
        "the harness reports the overwritten committed entry: {:?}",
        c.violations
    );
}

// ----- skipping the up-to-date check -----

/// Three nodes; node 0 leads and commits two entries with node 1 while node 2 is down.
/// Node 0 then crashes and node 2, with an empty log, tries to become leader.
fn stale_candidate(config: Config) -> Cluster<u64> {
    let mut c: Cluster<u64> = Cluster::new(3, config, 12);
    force_win(&mut c, NodeId(0), Duration::from_millis(10));
    c.crash(NodeId(2));
    c.propose(NodeId(0), 1).expect("leader");
    c.propose(NodeId(0), 2).expect("leader");
    c.run_for(Duration::from_millis(150));
    assert_eq!(c.node(NodeId(1)).expect("live").commit_index(), LogIndex(2));
    c.crash(NodeId(0));
    c.restart(NodeId(2));
    c.timeout_now(NodeId(2));
    c.run_for(Duration::from_millis(5));
    c
}

#[test]
fn with_the_up_to_date_check_a_stale_node_cannot_win_and_committed_entries_survive_section_5_4_1() {
    let mut c = stale_candidate(Config::default());
    assert_ne!(role(&c, NodeId(2)), Role::Leader);
    assert!(c.events.iter().any(|(_, id, e)| *id == NodeId(1)
        && matches!(
            e,
            Event::VoteRefused {
                candidate: NodeId(2),
                reason: VoteRefusal::LogNotUpToDate { .. },
                ..
            }
        )));
    let leader = elect(&mut c, Duration::from_secs(3));
    assert_eq!(leader, NodeId(1), "only the up-to-date node can win");
    c.propose(leader, 3).expect("leader");
    c.run_for(Duration::from_millis(300));
    assert_eq!(c.applied_commands(NodeId(2)), vec![1, 2, 3]);
    assert_no_violations(&mut c);
}

#[test]
fn skipping_the_up_to_date_check_lets_a_stale_node_win_and_overwrite_committed_entries_unsafe() {
    let config = Config {
        unsafe_rules: UnsafeRules {
            skip_log_up_to_date_check: true,
            ..UnsafeRules::default()
        },
        ..Config::default()
    };
    let mut c = stale_candidate(config);
    assert_eq!(
        role(&c, NodeId(2)),
        Role::Leader,
        "node 1 voted for the empty log"
    );
    c.propose(NodeId(2), 99).expect("leader");
    c.run_for(Duration::from_millis(200));
    assert_eq!(
        c.node(NodeId(1)).expect("live").log().len(),
        1,
        "node 1's committed entries were replaced"
    );
    assert!(
        c.events
            .iter()
            .any(|(_, id, e)| *id == NodeId(1) && matches!(e, Event::CommitRolledBack { .. }))
    );
    assert!(
        c.violations
            .iter()
            .any(|v| v.starts_with("Leader Completeness")),
        "{:?}",
        c.violations
    );
    assert!(
        c.violations
            .iter()
            .any(|v| v.starts_with("State Machine Safety")),
        "{:?}",
        c.violations
    );
}

// ----- Leader Completeness under random crashes -----

/// Checks every live leader holds every entry committed in its term or earlier, and
/// records the entries leaders have committed (with the term they were committed in).
fn check_leader_completeness(
    c: &Cluster<u64>,
    committed: &mut BTreeMap<LogIndex, (Entry<u64>, Term)>,
) {
    for &id in c.ids() {
        let Some(n) = c.node(id) else { continue };
        if n.role() != Role::Leader {
            continue;
        }
        for (i, e) in n.log().iter().take_while(|(i, _)| *i <= n.commit_index()) {
            let (known, _) = committed.entry(i).or_insert((e.clone(), n.term()));
            assert_eq!(known, e, "State Machine Safety at {i} ({id})");
        }
        for (i, (e, t)) in committed.iter() {
            if *t <= n.term() {
                assert_eq!(
                    n.log().get(*i),
                    Some(e),
                    "Leader Completeness: {id}, leader of {:?}, lacks {i} committed in {t:?}",
                    n.term()
                );
            }
        }
    }
}

#[test]
fn after_many_random_crashes_every_leader_holds_all_committed_entries_figure_3() {
    for seed in [1u64, 2, 3] {
        let mut c: Cluster<u64> = Cluster::new(5, Config::default(), seed);
        let mut rng = Rng::new(seed * 7919);
        let mut committed = BTreeMap::new();
        let mut next_cmd = 0;
        for _ in 0..150 {
            let pick = NodeId(rng.in_range(0, 5) as u32);
            match rng.in_range(0, 8) {
                0 => {
                    let live = c.ids().iter().filter(|&&id| c.node(id).is_some()).count();
                    if live > 3 || rng.in_range(0, 4) == 0 {
                        c.crash(pick);
                    }
                }
                1 | 2 => c.restart(pick),
                3 => {
                    if let Some(l) = c.leader() {
                        c.crash(l);
                    }
                }
                _ => {
                    if let Some(l) = c.leader() {
                        next_cmd += 1;
                        let _ = c.propose(l, next_cmd);
                        check_leader_completeness(&c, &mut committed);
                    }
                }
            }
            let end = c.now().after(Duration::from_millis(rng.in_range(10, 400)));
            while c.now() < end {
                if !c.step_next() {
                    break;
                }
                check_leader_completeness(&c, &mut committed);
            }
            c.run_until_time(end);
        }
        for id in 0..5 {
            c.restart(NodeId(id));
        }
        c.run_for(Duration::from_secs(3));
        check_leader_completeness(&c, &mut committed);
        let leaders: BTreeSet<Term> = c
            .events
            .iter()
            .filter_map(|(_, _, e)| match e {
                Event::RoleChanged {
                    term,
                    to: Role::Leader,
                    ..
                } => Some(*term),
                _ => None,
            })
            .collect();
        assert!(
            leaders.len() >= 5,
            "seed {seed}: only {} leaders",
            leaders.len()
        );
        assert!(
            committed.len() >= 20,
            "seed {seed}: only {} entries committed",
            committed.len()
        );
        assert_no_violations(&mut c);
        // Nothing committed was lost: the final leader holds it all.
        let leader = elect(&mut c, Duration::from_secs(3));
        let log = c.node(leader).expect("live").log();
        for (i, (e, _)) in &committed {
            assert_eq!(log.get(*i), Some(e), "seed {seed}: final leader lacks {i}");
        }
    }
}
