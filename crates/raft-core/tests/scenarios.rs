//! Deterministic multi-node scenarios driven through the test harness, one per behaviour
//! of the Raft paper ("In Search of an Understandable Consensus Algorithm", Ongaro and
//! Ousterhout, 2014) and of the article's steps. Every scenario that keeps the safety
//! rules on also asserts that the harness's Figure 3 watcher saw no violation.

use core::time::Duration;
use std::collections::BTreeSet;

use raft_core::testkit::Cluster;
use raft_core::{
    Config, Entry, Event, HardState, Log, LogIndex, Message, MessageKind, NodeId, Payload,
    PersistentState, Role, Term,
};

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);
const C: NodeId = NodeId(2);
const D: NodeId = NodeId(3);

fn ids(n: u32) -> Vec<NodeId> {
    (0..n).map(NodeId).collect()
}

fn assert_safe(c: &mut Cluster<u64>) {
    c.check_log_matching();
    assert!(c.violations.is_empty(), "violations: {:#?}", c.violations);
}

fn term_of(c: &Cluster<u64>, id: NodeId) -> Term {
    c.node(id).expect("node is live").term()
}

fn log_of(c: &Cluster<u64>, id: NodeId) -> Log<u64> {
    c.node(id).expect("node is live").log().clone()
}

fn commands_in_log(log: &Log<u64>) -> Vec<u64> {
    log.iter()
        .filter_map(|(_, e)| match e.payload {
            Payload::Command(x) => Some(x),
            Payload::Noop | Payload::Config(_) => None,
        })
        .collect()
}

fn logs_equal(c: &Cluster<u64>, nodes: &[NodeId]) -> bool {
    let Some(first) = nodes.first().and_then(|&id| c.node(id)) else {
        return false;
    };
    nodes
        .iter()
        .all(|&id| c.node(id).is_some_and(|n| n.log() == first.log()))
}

fn elect(c: &mut Cluster<u64>, limit: Duration) -> NodeId {
    assert!(
        c.run_until(limit, |c| c.leader().is_some()),
        "no leader within {limit:?}"
    );
    c.leader().expect("a leader was just seen")
}

/// Makes `id` time out until it wins an election (it may need more than one term when
/// the voters already voted in the next one).
fn force_win(c: &mut Cluster<u64>, id: NodeId) {
    for _ in 0..4 {
        c.timeout_now(id);
        if c.run_until(Duration::from_millis(20), |c| c.leader() == Some(id)) {
            return;
        }
    }
    panic!("{id} could not win an election");
}

/// Delivers the first in-flight message matching `pred`; panics if there is none (the
/// scripted schedule expected it).
fn deliver_where(c: &mut Cluster<u64>, what: &str, pred: impl Fn(&Message<u64>) -> bool) {
    let k = c
        .in_flight()
        .iter()
        .position(|m| pred(&m.msg))
        .unwrap_or_else(|| panic!("expected an in-flight message: {what}"));
    assert!(c.deliver(k));
}

fn is_vote_request(from: NodeId, to: NodeId) -> impl Fn(&Message<u64>) -> bool {
    move |m| m.from == from && m.to == to && m.kind() == MessageKind::VoteRequest
}

/// Counts the distinct AppendEntries requests addressed to each of `targets` that enter
/// the network while the cluster runs until `pred` holds (or `limit` passes).
fn run_counting_appends(
    c: &mut Cluster<u64>,
    targets: &[NodeId],
    limit: Duration,
    pred: impl Fn(&Cluster<u64>) -> bool,
) -> (bool, Vec<usize>) {
    let mut seen: Vec<BTreeSet<u64>> = vec![BTreeSet::new(); targets.len()];
    let mut record = |c: &Cluster<u64>| {
        for m in c.in_flight() {
            if m.msg.kind() == MessageKind::AppendRequest
                && let Some(i) = targets.iter().position(|&t| t == m.msg.to)
            {
                seen[i].insert(m.seq);
            }
        }
    };
    record(c);
    let done = c.run_until(limit, |c| {
        record(c);
        pred(c)
    });
    (done, seen.iter().map(BTreeSet::len).collect())
}

// ----- §5.2 leader election -----

/// §5.2: "a candidate wins an election if it receives votes from a majority"; each server
/// votes for at most one candidate per term, so at most one wins; the winner's heartbeats
/// then bring every server to its term. Checked over many seeds.
#[test]
fn initial_election_five_nodes_exactly_one_leader_within_a_second_and_all_agree_on_term_section_5_2()
 {
    for seed in 0..40 {
        let mut c: Cluster<u64> = Cluster::new(5, Config::default(), seed);
        let leader = elect(&mut c, Duration::from_secs(1));
        assert!(c.now().as_micros() <= 1_000_000, "seed {seed}: too slow");
        assert_eq!(c.leaders().len(), 1, "seed {seed}: {:?}", c.leaders());
        let term = term_of(&c, leader);
        // One heartbeat interval plus the network delay later, everyone follows it.
        c.run_for(Duration::from_millis(60));
        assert_eq!(c.leaders(), vec![(leader, term)], "seed {seed}");
        for id in ids(5) {
            let n = c.node(id).expect("live");
            assert_eq!(n.term(), term, "seed {seed}: {id} disagrees on the term");
            assert_eq!(
                n.leader(),
                Some(leader),
                "seed {seed}: {id} knows no leader"
            );
            if id != leader {
                assert_eq!(n.role(), Role::Follower, "seed {seed}: {id}");
            }
        }
        assert_safe(&mut c);
    }
}

/// §5.2: "Leaders send periodic heartbeats ... to all followers in order to maintain their
/// authority": with a healthy network no follower times out, so the term never moves.
#[test]
fn heartbeats_keep_a_stable_leader_and_term_for_ten_seconds_section_5_2() {
    let mut c: Cluster<u64> = Cluster::new(5, Config::default(), 3);
    let leader = elect(&mut c, Duration::from_secs(1));
    let term = term_of(&c, leader);
    let elections_before = c
        .events
        .iter()
        .filter(|(_, _, e)| matches!(e, Event::ElectionStarted { .. }))
        .count();
    c.run_for(Duration::from_secs(10));
    assert_eq!(c.leaders(), vec![(leader, term)]);
    let elections_after = c
        .events
        .iter()
        .filter(|(_, _, e)| matches!(e, Event::ElectionStarted { .. }))
        .count();
    assert_eq!(elections_before, elections_after, "a follower timed out");
    assert_safe(&mut c);
}

/// §5.2: when followers stop hearing from the leader they start a new election in a
/// higher term; §5.4.1 makes the new leader hold every committed entry; Figure 2 makes a
/// restarted server a follower that the new leader brings up to date (§5.3).
#[test]
fn reelection_after_leader_crash_new_leader_higher_term_old_leader_rejoins_as_follower_section_5_2()
{
    let mut c: Cluster<u64> = Cluster::new(5, Config::default(), 11);
    let old = elect(&mut c, Duration::from_secs(1));
    let old_term = term_of(&c, old);
    for x in 1..=3 {
        c.propose(old, x).expect("leader accepts");
    }
    assert!(c.run_until(Duration::from_millis(500), |c| {
        ids(5).iter().all(|&id| c.applied_commands(id) == [1, 2, 3])
    }));

    c.crash(old);
    assert!(
        c.run_until(Duration::from_secs(2), |c| c
            .leaders()
            .iter()
            .any(|&(_, t)| t > old_term)),
        "no new leader after the crash"
    );
    let new = c.leader().expect("new leader");
    assert_ne!(new, old);
    let new_term = term_of(&c, new);
    assert!(new_term > old_term);
    // Leader Completeness (§5.4): the committed entries survived.
    assert_eq!(commands_in_log(&log_of(&c, new)), vec![1, 2, 3]);
    for x in 4..=5 {
        c.propose(new, x).expect("new leader accepts");
    }
    let live: Vec<NodeId> = ids(5).into_iter().filter(|&id| id != old).collect();
    assert!(c.run_until(Duration::from_millis(500), |c| {
        live.iter()
            .all(|&id| c.applied_commands(id) == [1, 2, 3, 4, 5])
    }));

    c.restart(old);
    let restarted = c.node(old).expect("restarted");
    assert_eq!(
        restarted.role(),
        Role::Follower,
        "Figure 2: restart as follower"
    );
    assert_eq!(restarted.term(), old_term, "currentTerm is persistent");
    assert_eq!(
        restarted.commit_index(),
        LogIndex(0),
        "commitIndex is volatile"
    );
    assert!(
        c.run_until(Duration::from_secs(1), |c| {
            c.applied_commands(old) == [1, 2, 3, 4, 5] && logs_equal(c, &ids(5))
        }),
        "the old leader did not catch up"
    );
    let rejoined = c.node(old).expect("live");
    assert_eq!(rejoined.role(), Role::Follower);
    assert_eq!(rejoined.term(), new_term);
    assert_eq!(rejoined.leader(), Some(new));
    assert_eq!(c.leaders(), vec![(new, new_term)]);
    assert_safe(&mut c);
}

/// §5.2: a candidate needs votes from a majority of the full cluster, so two live servers
/// of five never elect a leader however long they try; their terms keep rising (§5.2:
/// "each candidate will time out and start a new election by incrementing its term").
#[test]
fn no_leader_without_a_majority_three_of_five_crashed_section_5_2() {
    let mut c: Cluster<u64> = Cluster::new(5, Config::default(), 5);
    for id in [C, D, NodeId(4)] {
        c.crash(id);
    }
    let leader_seen = c.run_until(Duration::from_secs(10), |c| !c.leaders().is_empty());
    assert!(!leader_seen, "a minority elected {:?}", c.leaders());
    for id in [A, B] {
        let n = c.node(id).expect("live");
        assert_ne!(n.role(), Role::Leader);
        assert!(
            n.term() >= Term(5),
            "{id} stopped campaigning: {:?}",
            n.term()
        );
    }
    let elections = c
        .events
        .iter()
        .filter(|(_, _, e)| matches!(e, Event::ElectionStarted { .. }))
        .count();
    assert!(elections >= 10, "only {elections} elections in 10 s");
    assert_safe(&mut c);
}

/// §5.2 with a network partition instead of crashes: the two servers that still reach
/// each other never elect a leader, and no isolated server does either.
#[test]
fn no_leader_without_a_majority_three_of_five_partitioned_away_section_5_2() {
    let mut c: Cluster<u64> = Cluster::new(5, Config::default(), 8);
    // A and B together; C, D and E each alone.
    c.partition(&[&[A, B]]);
    let leader_seen = c.run_until(Duration::from_secs(10), |c| !c.leaders().is_empty());
    assert!(
        !leader_seen,
        "elected without a majority: {:?}",
        c.leaders()
    );
    for id in ids(5) {
        assert!(term_of(&c, id) >= Term(5), "{id} stopped campaigning");
    }
    // Healing restores a majority, and a leader follows.
    c.heal();
    elect(&mut c, Duration::from_secs(2));
    assert_eq!(c.leaders().len(), 1);
    assert_safe(&mut c);
}

/// §5.2 after a leader existed: the leader and two followers are cut off from each other
/// and from the remaining two; those two never elect a leader among themselves.
#[test]
fn no_leader_among_two_survivors_after_the_leader_is_partitioned_away_section_5_2() {
    let mut c: Cluster<u64> = Cluster::new(5, Config::default(), 21);
    let leader = elect(&mut c, Duration::from_secs(1));
    let term = term_of(&c, leader);
    let followers: Vec<NodeId> = ids(5).into_iter().filter(|&i| i != leader).collect();
    let pair = [followers[0], followers[1]];
    c.partition(&[&pair]);
    let pair_leader = c.run_until(Duration::from_secs(10), |c| {
        pair.iter()
            .any(|&id| c.node(id).is_some_and(|n| n.role() == Role::Leader))
    });
    assert!(!pair_leader, "two of five elected a leader");
    for id in pair {
        assert!(term_of(&c, id) > term, "{id} never campaigned");
    }
    assert_safe(&mut c);
}

/// Check-quorum (paper §6 on disruptive servers; Ongaro's thesis §6.2): a leader that has
/// not heard from a majority within an election timeout steps down.
#[test]
fn check_quorum_leader_cut_off_from_majority_steps_down_section_6() {
    let config = Config {
        check_quorum: true,
        ..Config::default()
    };
    let mut c: Cluster<u64> = Cluster::new(5, config, 4);
    let leader = elect(&mut c, Duration::from_secs(1));
    c.partition(&[&[leader]]);
    assert!(
        c.run_until(Duration::from_secs(1), |c| c
            .node(leader)
            .is_some_and(|n| n.role() != Role::Leader)),
        "an isolated leader kept leading"
    );
    assert_safe(&mut c);
}

// ----- §5.3 log replication -----

/// §5.3: "once the entry has been safely replicated [on a majority] the leader applies the
/// entry"; a crashed follower does not block progress, and after restarting it is
/// brought up to date by the AppendEntries consistency check.
#[test]
fn agreement_with_one_follower_down_commits_on_the_rest_and_it_catches_up_section_5_3() {
    let mut c: Cluster<u64> = Cluster::new(5, Config::default(), 13);
    let leader = elect(&mut c, Duration::from_secs(1));
    let down = ids(5)
        .into_iter()
        .find(|&i| i != leader)
        .expect("a follower");
    c.propose(leader, 100).expect("leader accepts");
    assert!(c.run_until(Duration::from_millis(300), |c| {
        ids(5).iter().all(|&id| c.applied_commands(id) == [100])
    }));

    c.crash(down);
    let expected: Vec<u64> = (100..=110).collect();
    for x in 101..=110 {
        c.propose(leader, x).expect("leader accepts");
        c.run_for(Duration::from_millis(20));
    }
    let live: Vec<NodeId> = ids(5).into_iter().filter(|&i| i != down).collect();
    assert!(
        c.run_until(Duration::from_millis(500), |c| live
            .iter()
            .all(|&id| c.applied_commands(id) == expected)),
        "four of five did not commit"
    );
    assert!(c.storage(down).expect("slot").log.last_index() == LogIndex(1));

    c.restart(down);
    assert!(
        c.run_until(Duration::from_secs(1), |c| {
            c.applied_commands(down) == expected && logs_equal(c, &ids(5))
        }),
        "the restarted follower did not catch up"
    );
    assert_eq!(c.leaders().len(), 1);
    assert_eq!(c.leader(), Some(leader), "the restart disturbed the leader");
    assert_safe(&mut c);
}

/// §5.3 (Figure 7) and §5.4.1: a leader partitioned into a minority keeps accepting
/// commands but cannot commit them; the majority elects a new leader and commits other
/// entries; after the partition heals, the old leader steps down (§5.1: a higher term)
/// and "the leader handles inconsistencies by forcing the followers' logs to duplicate
/// its own": the uncommitted entries are truncated and every log converges.
#[test]
fn deposed_leader_uncommitted_entries_are_overwritten_after_heal_section_5_3() {
    let mut c: Cluster<u64> = Cluster::new(5, Config::default(), 17);
    let old = elect(&mut c, Duration::from_secs(1));
    let old_term = term_of(&c, old);
    c.propose(old, 1).expect("leader accepts");
    assert!(c.run_until(Duration::from_millis(300), |c| {
        ids(5).iter().all(|&id| c.applied_commands(id) == [1])
    }));

    let others: Vec<NodeId> = ids(5).into_iter().filter(|&i| i != old).collect();
    let minority = [old, others[0]];
    let majority = [others[1], others[2], others[3]];
    c.partition(&[&minority, &majority]);
    for x in [901, 902, 903] {
        c.propose(old, x)
            .expect("the deposed leader still takes commands");
    }
    assert!(
        c.run_until(Duration::from_secs(2), |c| c
            .leaders()
            .iter()
            .any(|&(id, t)| majority.contains(&id) && t > old_term)),
        "the majority elected no leader"
    );
    let new = c.leader().expect("new leader");
    for x in [2, 3, 4] {
        c.propose(new, x).expect("new leader accepts");
    }
    c.run_for(Duration::from_millis(300));
    for id in majority {
        assert_eq!(c.applied_commands(id), [1, 2, 3, 4], "{id}");
    }
    // The minority replicated the entries but never committed them.
    for id in minority {
        assert_eq!(commands_in_log(&log_of(&c, id)), [1, 901, 902, 903], "{id}");
        assert_eq!(
            c.applied_commands(id),
            [1],
            "{id} applied an uncommitted entry"
        );
    }
    assert_eq!(c.node(old).expect("live").role(), Role::Leader);

    c.heal();
    assert!(
        c.run_until(Duration::from_secs(1), |c| {
            logs_equal(c, &ids(5))
                && ids(5)
                    .iter()
                    .all(|&id| c.applied_commands(id) == [1, 2, 3, 4])
        }),
        "the logs did not converge"
    );
    let final_log = log_of(&c, new);
    assert_eq!(commands_in_log(&final_log), [1, 2, 3, 4]);
    let deposed = c.node(old).expect("live");
    assert_eq!(deposed.role(), Role::Follower);
    assert_eq!(deposed.term(), term_of(&c, new));
    for id in minority {
        assert!(
            c.events.iter().any(|(_, n, e)| *n == id
                && matches!(e, Event::EntriesTruncated { from, .. } if *from == LogIndex(2))),
            "{id} never truncated its uncommitted entries"
        );
    }
    assert!(
        c.committed()
            .values()
            .all(|e| !matches!(e.payload, Payload::Command(x) if x > 900)),
        "an entry of the deposed leader was committed"
    );
    assert_eq!(c.leaders().len(), 1);
    assert_safe(&mut c);
}

fn log_of_runs(runs: &[(u64, usize)], first_command: u64) -> Log<u64> {
    let mut entries = Vec::new();
    let mut x = first_command;
    for &(term, len) in runs {
        for _ in 0..len {
            entries.push(Entry {
                term: Term(term),
                payload: Payload::Command(x),
            });
            x += 1;
        }
    }
    Log::from_entries(entries)
}

fn state(term: u64, log: Log<u64>) -> PersistentState<u64> {
    PersistentState {
        hard_state: HardState {
            current_term: Term(term),
            voted_for: None,
        },
        snapshot: None,
        log,
    }
}

/// §5.3, end: "the follower can include the term of the conflicting entry and the first
/// index it stores for that term. With this information, the leader can decrement
/// nextIndex to bypass all of the conflicting entries in that term; one AppendEntries RPC
/// will be required for each term with conflicting entries, rather than one RPC per
/// entry." Logs in the style of Figure 7, hundreds of entries long.
#[test]
fn leader_backs_up_over_hundreds_of_divergent_entries_in_few_appends_figure_7_section_5_3() {
    // Common prefix of 10 entries in term 1.
    let leader_log = log_of_runs(&[(1, 10), (4, 50), (6, 300)], 0);
    // Follower B: longer than the leader, 400 entries of terms 2 and 3 it never shares.
    let b_log = log_of_runs(&[(1, 10), (2, 200), (3, 200)], 0);
    // Follower C: shares term 4, then 250 entries of term 5 the leader never had.
    let c_log = log_of_runs(&[(1, 10), (4, 50), (5, 250)], 0);
    let (b_divergent, c_divergent) = (400_usize, 250_usize);
    let states = [state(6, leader_log), state(3, b_log), state(5, c_log)];
    let mut c: Cluster<u64> = Cluster::with_logs(Config::default(), 1, &states);
    c.timeout_now(A);
    let leader = elect(&mut c, Duration::from_millis(100));
    assert_eq!(leader, A, "only A's log is up to date (§5.4.1)");
    c.propose(A, 10_000).expect("leader accepts");

    let (converged, appends) = run_counting_appends(&mut c, &[B, C], Duration::from_secs(3), |c| {
        logs_equal(c, &ids(3))
    });
    assert!(converged, "the logs did not converge");
    let rejections = |id: NodeId| {
        c.events
            .iter()
            .filter(|(_, n, e)| *n == id && matches!(e, Event::AppendRejected { .. }))
            .count()
    };
    // One rejection per conflicting term (plus one for B's extra length at most).
    assert!(rejections(B) <= 3, "B rejected {} times", rejections(B));
    assert!(rejections(C) <= 2, "C rejected {} times", rejections(C));
    // Per-entry back-up would need one AppendEntries per divergent entry.
    assert!(
        appends[0] * 10 < b_divergent && appends[1] * 10 < c_divergent,
        "AppendEntries sent to B, C: {appends:?} for {b_divergent}, {c_divergent} divergent entries"
    );
    assert!(c.run_until(Duration::from_secs(1), |c| {
        ids(3).iter().all(|&id| c.applied_commands(id).len() == 361)
    }));
    assert_safe(&mut c);
}

/// The same fast back-up after a real partition: a deposed leader accumulated hundreds of
/// uncommitted entries while the majority committed hundreds of others (§5.3, §5.4).
#[test]
fn leader_backs_up_quickly_over_a_deposed_leaders_long_uncommitted_log_section_5_3() {
    const N: u64 = 300;
    let mut c: Cluster<u64> = Cluster::new(5, Config::default(), 29);
    let old = elect(&mut c, Duration::from_secs(1));
    let old_term = term_of(&c, old);
    c.propose(old, 0).expect("leader accepts");
    c.run_for(Duration::from_millis(200));
    let others: Vec<NodeId> = ids(5).into_iter().filter(|&i| i != old).collect();
    let minority = [old, others[0]];
    let majority = [others[1], others[2], others[3]];
    c.partition(&[&minority, &majority]);
    for x in 1..=N {
        c.propose(old, 1_000 + x).expect("deposed leader accepts");
    }
    assert!(c.run_until(Duration::from_secs(2), |c| {
        c.leaders()
            .iter()
            .any(|&(id, t)| majority.contains(&id) && t > old_term)
    }));
    let new = c.leader().expect("new leader");
    for x in 1..=N {
        c.propose(new, 2_000 + x).expect("new leader accepts");
    }
    assert!(c.run_until(Duration::from_secs(3), |c| {
        majority
            .iter()
            .all(|&id| c.applied_commands(id).len() == 1 + N as usize)
    }));
    assert_eq!(
        log_of(&c, others[0]).last_index(),
        LogIndex(1 + N),
        "the minority follower replicated the doomed entries"
    );

    // The new leader itself never advanced its nextIndex for the minority, so it would
    // simply overwrite from index 2. Crash it as the partition heals: the next leader
    // (one of the two other majority servers, whose logs are more up to date) starts
    // with nextIndex = 302 for everyone and has to back up over 300 divergent entries.
    c.crash(new);
    c.heal();
    let live: Vec<NodeId> = ids(5).into_iter().filter(|&i| i != new).collect();
    let (converged, appends) =
        run_counting_appends(&mut c, &minority, Duration::from_secs(3), |c| {
            logs_equal(c, &live)
        });
    assert!(converged, "the logs did not converge");
    let third = c.leader().expect("a leader");
    assert!(majority.contains(&third) && third != new);
    let divergent = N as usize;
    assert!(
        appends.iter().all(|&a| a * 10 < divergent),
        "AppendEntries to the minority: {appends:?} for {divergent} divergent entries each"
    );
    for id in minority {
        let backed_up = c
            .events
            .iter()
            .filter(|(_, n, e)| {
                *n == third
                    && matches!(e, Event::NextIndexBackedUp { follower, .. } if *follower == id)
            })
            .count();
        assert!(
            (1..=2).contains(&backed_up),
            "{third} backed up {backed_up} times for {id}"
        );
    }
    let expected: Vec<u64> = std::iter::once(0).chain(2_001..=2_000 + N).collect();
    assert_eq!(commands_in_log(&log_of(&c, old)), expected);
    assert_safe(&mut c);
}

/// §5.2 and the article's split-vote step: B and C time out at the same instant; A votes
/// for B and D for C, so each has 2 of 4 votes, not a majority. Neither wins; the
/// randomized timeouts then start a new term, which one server wins.
#[test]
fn split_vote_four_nodes_neither_wins_with_two_of_four_then_a_later_term_elects_section_5_2() {
    let mut c: Cluster<u64> = Cluster::new(4, Config::default(), 2);
    // Both time out at the same instant (no virtual time passes while the scene is
    // scripted, so A's and D's own timers stay out of the way).
    c.timeout_now(B);
    c.timeout_now(C);
    let split_term = term_of(&c, B);
    assert_eq!(split_term, term_of(&c, C), "both campaign in the same term");
    assert_eq!(c.node(B).expect("live").role(), Role::Candidate);
    assert_eq!(c.node(C).expect("live").role(), Role::Candidate);

    // A hears B first, D hears C first.
    deliver_where(&mut c, "B asks A", is_vote_request(B, A));
    deliver_where(&mut c, "C asks D", is_vote_request(C, D));
    deliver_where(&mut c, "B asks D", is_vote_request(B, D));
    deliver_where(&mut c, "C asks A", is_vote_request(C, A));
    deliver_where(&mut c, "B asks C", is_vote_request(B, C));
    deliver_where(&mut c, "C asks B", is_vote_request(C, B));
    assert_eq!(c.node(A).expect("live").voted_for(), Some(B));
    assert_eq!(c.node(D).expect("live").voted_for(), Some(C));
    // Deliver every reply.
    while let Some(k) = c
        .in_flight()
        .iter()
        .position(|m| m.msg.kind() == MessageKind::VoteResponse)
    {
        c.deliver(k);
    }
    for (cand, voter) in [(B, A), (C, D)] {
        let n = c.node(cand).expect("live");
        assert_eq!(n.role(), Role::Candidate, "{cand} won with 2 of 4");
        assert_eq!(n.term(), split_term);
        let mut granted = n.votes_granted().to_vec();
        granted.sort();
        let mut expected = vec![cand, voter];
        expected.sort();
        assert_eq!(granted, expected, "{cand}'s votes");
    }
    assert!(c.leaders().is_empty());

    // No leader in the split term, ever; a later term elects exactly one.
    let leader = elect(&mut c, Duration::from_secs(2));
    let term = term_of(&c, leader);
    assert!(term > split_term, "won in the split term {term:?}");
    assert!(
        !c.events.iter().any(|(_, _, e)| matches!(
            e,
            Event::RoleChanged { to: Role::Leader, term, .. } if *term == split_term
        )),
        "someone won the split term"
    );
    assert_eq!(c.leaders().len(), 1);
    assert_safe(&mut c);
}

/// §5.4.2 and Figure 8: a leader never commits an entry of an earlier term by counting
/// replicas. S1 (term 2) replicates index 2 to S2 only and crashes; S5 wins term 3 with
/// S3 and S4, appends its own index 2 and crashes; S1 wins term 4 and copies its index 2
/// to S3, a majority, yet must not mark it committed, because S5 can still win term 5
/// and overwrite it. Once S1 commits an entry of term 4, index 2 is committed with it.
#[test]
fn figure_8_leader_does_not_commit_old_term_entry_by_counting_replicas_section_5_4_2() {
    let (s1, s2, s3, s4, s5) = (A, B, C, D, NodeId(4));
    let mut c: Cluster<u64> = Cluster::new(5, Config::default(), 31);
    // (a) S1 leads term 1 and commits index 1 everywhere, so terms line up with Figure 8.
    force_win(&mut c, s1);
    c.propose(s1, 1).expect("leader");
    assert!(c.run_until(Duration::from_millis(200), |c| {
        ids(5).iter().all(|&i| c.applied_commands(i) == [1])
    }));
    // S1 re-elected in term 2 (it crashes and comes back at once, then times out first).
    c.crash(s1);
    c.restart(s1);
    force_win(&mut c, s1);
    let t2 = term_of(&c, s1);
    // S1 appends index 2 and it reaches S2 only.
    c.partition(&[&[s1, s2], &[s3, s4, s5]]);
    c.propose(s1, 2).expect("leader");
    c.run_for(Duration::from_millis(60));
    assert_eq!(log_of(&c, s2).last_index(), LogIndex(2));
    // (b) S1 crashes; S5 wins the next term with S3 and S4 and appends its own index 2.
    c.crash(s1);
    c.partition(&[&[s3, s4, s5]]);
    force_win(&mut c, s5);
    let t3 = term_of(&c, s5);
    assert!(t3 > t2);
    c.partition(&[&[s5]]);
    c.propose(s5, 3).expect("leader");
    c.crash(s5);
    // (c) S1 restarts and wins the next term with S2, S3, S4; it replicates index 2 (of
    // term t2) to S3: now on a majority.
    c.restart(s1);
    c.partition(&[&[s1, s2, s3, s4]]);
    force_win(&mut c, s1);
    let t4 = term_of(&c, s1);
    assert!(t4 > t3);
    c.run_for(Duration::from_millis(60));
    for id in [s1, s2, s3] {
        assert_eq!(log_of(&c, id).term_at(LogIndex(2)), Some(t2), "{id}");
    }
    // (S1 restarted with commitIndex 0 and has no entry of term t4 yet, so it commits
    // nothing at all; the others still know index 1 from before.)
    for id in [s1, s2, s3, s4] {
        assert!(
            c.node(id).expect("live").commit_index() < LogIndex(2),
            "§5.4.2: {id} committed an entry of an earlier term by counting replicas"
        );
    }
    assert!(!c.committed().contains_key(&LogIndex(2)));
    // (d) Safe: S1 commits an entry of its own term, and index 2 with it.
    c.propose(s1, 4).expect("leader");
    assert!(c.run_until(Duration::from_millis(200), |c| {
        c.node(s1).is_some_and(|n| n.commit_index() == LogIndex(3))
    }));
    assert_eq!(c.applied_commands(s1), [1, 2, 4]);
    // S5 can no longer win: its last term t3 is older than the majority's t4.
    c.restart(s5);
    c.heal();
    assert!(c.run_until(Duration::from_secs(1), |c| logs_equal(c, &ids(5))));
    assert_eq!(commands_in_log(&log_of(&c, s5)), [1, 2, 4]);
    assert_safe(&mut c);
}

/// The same Figure 8 schedule with the unsafe rule of committing old-term entries by
/// counting: S1 commits index 2 in step (c), then S5 wins term 5 and overwrites it. The
/// harness must flag the violation (State Machine Safety / Leader Completeness).
#[test]
fn figure_8_with_commit_by_counting_unsafe_rule_the_watcher_catches_the_overwrite_section_5_4_2() {
    let (s1, s2, s3, s4, s5) = (A, B, C, D, NodeId(4));
    let mut config = Config::default();
    config.unsafe_rules.commit_old_terms_by_counting = true;
    let mut c: Cluster<u64> = Cluster::new(5, config, 31);
    force_win(&mut c, s1);
    c.propose(s1, 1).expect("leader");
    c.run_for(Duration::from_millis(200));
    c.crash(s1);
    c.restart(s1);
    force_win(&mut c, s1);
    c.partition(&[&[s1, s2], &[s3, s4, s5]]);
    c.propose(s1, 2).expect("leader");
    c.run_for(Duration::from_millis(60));
    c.crash(s1);
    c.partition(&[&[s3, s4, s5]]);
    force_win(&mut c, s5);
    c.partition(&[&[s5]]);
    c.propose(s5, 3).expect("leader");
    c.crash(s5);
    c.restart(s1);
    c.partition(&[&[s1, s2, s3, s4]]);
    force_win(&mut c, s1);
    c.run_for(Duration::from_millis(60));
    assert_eq!(
        c.node(s1).expect("live").commit_index(),
        LogIndex(2),
        "the unsafe rule commits index 2 by counting"
    );
    assert!(c.violations.is_empty(), "nothing is wrong yet");
    // (d) S1 crashes before replicating further; S5 wins with S2, S3, S4 (its last term
    // is later than theirs) and overwrites the committed index 2.
    c.crash(s1);
    c.restart(s5);
    c.partition(&[&[s2, s3, s4, s5]]);
    force_win(&mut c, s5);
    c.run_for(Duration::from_millis(200));
    c.check_log_matching();
    assert!(
        c.violations
            .iter()
            .any(|v| v.starts_with("Leader Completeness") && v.contains("index 2")),
        "S5 won without the committed index 2 and the watcher did not notice: {:?}",
        c.violations
    );
    assert!(
        c.violations
            .iter()
            .any(|v| v.starts_with("State Machine Safety")),
        "a committed entry was overwritten without the watcher noticing: {:?}",
        c.violations
    );
}
