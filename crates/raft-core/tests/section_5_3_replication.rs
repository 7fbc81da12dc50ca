//! §5.3 of the Raft paper: log replication.
//!
//! Figure 2, "AppendEntries RPC / Receiver implementation": 1. reply false if term <
//! currentTerm; 2. reply false if log doesn't contain an entry at prevLogIndex whose term
//! matches prevLogTerm; 3. if an existing entry conflicts with a new one (same index but
//! different terms), delete the existing entry and all that follow it; 4. append any new
//! entries not already in the log; 5. if leaderCommit > commitIndex, set commitIndex =
//! min(leaderCommit, index of last new entry). And Figure 7: how a new leader repairs the
//! followers' logs (a)-(f).

mod common;

use core::time::Duration;

use common::*;
use raft_core::testkit::Cluster;
use raft_core::{
    AppendOutcome, Body, CommitBasis, Config, ConflictHint, Event, Instant, LogEnd, LogIndex,
    Message, MessageKind, NodeId, PersistOp, PersistentState, Ready, Role, Term, VoteRefusal,
};

fn only_reply(ready: &Ready<u64>) -> Message<u64> {
    assert_eq!(ready.messages.len(), 1, "{:?}", ready.messages);
    ready.messages[0].clone()
}

fn append_requests_with_entries(ready: &Ready<u64>) -> Vec<(NodeId, Vec<u64>)> {
    ready
        .messages
        .iter()
        .filter_map(|m| match &m.body {
            Body::AppendEntries { entries, .. } if !entries.is_empty() => {
                Some((m.to, entries.iter().map(|e| e.term.0).collect()))
            }
            _ => None,
        })
        .collect()
}

// ----- the consistency check -----

#[test]
fn append_entries_is_rejected_when_the_previous_entry_is_missing_figure_2_step_2() {
    let mut f = follower(1, 3, 1, &[1, 1]);
    let before = observe(&f);
    f.step(ms(1), append(0, 1, 2, (5, 1), &[2], 0)).expect("ok");
    let ready = f.take_ready();
    assert_eq!(
        only_reply(&ready),
        append_rejected(1, 0, 2, 5, None, 3),
        "rejected; the hint says the log ends at 2"
    );
    // The event names what was compared: the leader's term 1 at index 5, and no entry
    // there in this log.
    assert!(ready.events.contains(&Event::AppendRejected {
        leader: NodeId(0),
        prev_log_index: LogIndex(5),
        prev_log_term: Term(1),
        own_term: None,
    }));
    assert_eq!(f.log(), &before.log, "nothing appended");
    assert_eq!(f.commit_index(), LogIndex(0));
}

#[test]
fn append_entries_is_rejected_when_the_previous_entry_has_another_term_figure_2_step_2() {
    let mut f = follower(1, 3, 2, &[1, 2, 2, 2]);
    let before = observe(&f);
    f.step(ms(1), append(0, 1, 3, (4, 3), &[3], 4)).expect("ok");
    let ready = f.take_ready();
    assert_eq!(
        only_reply(&ready),
        append_rejected(1, 0, 3, 4, Some(2), 2),
        "rejected; the hint names the conflicting term and where it starts"
    );
    assert!(ready.events.contains(&Event::AppendRejected {
        leader: NodeId(0),
        prev_log_index: LogIndex(4),
        prev_log_term: Term(3),
        own_term: Some(Term(2)),
    }));
    assert!(
        ready
            .persist
            .iter()
            .all(|op| matches!(op, PersistOp::HardState(_)))
    );
    assert_eq!(f.log(), &before.log);
    assert_eq!(f.commit_index(), LogIndex(0), "no commit on a failed check");
}

#[test]
fn append_entries_matching_at_index_0_is_always_accepted_figure_2() {
    let mut f = follower(1, 3, 0, &[]);
    f.step(ms(1), append(0, 1, 1, (0, 0), &[1, 1], 0))
        .expect("ok");
    let ready = f.take_ready();
    assert_eq!(only_reply(&ready), append_ok(1, 0, 1, 2));
    assert_eq!(terms_of(f.log()), vec![1, 1]);
}

// ----- conflicts and duplicates -----

/// The ready's changes to the log (not to term and vote), in order.
fn log_ops(ready: &Ready<u64>) -> Vec<&PersistOp> {
    ready
        .persist
        .iter()
        .filter(|op| !matches!(op, PersistOp::HardState(_)))
        .collect()
}

#[test]
fn a_conflicting_entry_and_all_that_follow_it_are_deleted_figure_2_step_3() {
    let mut f = follower(1, 3, 2, &[1, 1, 2, 2, 2]);
    f.step(ms(1), append(0, 1, 3, (2, 1), &[3], 0)).expect("ok");
    let ready = f.take_ready();
    assert_eq!(terms_of(f.log()), vec![1, 1, 3]);
    assert_eq!(only_reply(&ready), append_ok(1, 0, 3, 3));
    assert_eq!(
        log_ops(&ready),
        vec![
            &PersistOp::TruncateLog { from: LogIndex(3) },
            &PersistOp::AppendLog(run(3, 3)),
        ]
    );
    assert!(ready.events.contains(&Event::EntriesTruncated {
        from: LogIndex(3),
        last: LogIndex(5),
    }));
}

#[test]
fn outputs_taken_after_a_conflict_name_only_entries_the_log_still_holds_figure_2_step_3() {
    // Outputs are lent by index. Here the follower appends 1..=2 from the term-1 leader
    // and commits 1, then, before its caller takes anything, the term-2 leader replaces
    // index 2 and commits it. The pending append is cut to index 1, so a storage layer
    // never reads the replaced entry, and the committed run names the entries to apply.
    let mut f = follower(1, 3, 1, &[]);
    f.step(ms(1), append(0, 1, 1, (0, 0), &[1, 1], 1))
        .expect("ok");
    f.step(ms(2), append(2, 1, 2, (1, 1), &[2], 2)).expect("ok");
    let ready = f.take_ready();
    assert_eq!(
        log_ops(&ready),
        vec![
            &PersistOp::AppendLog(run(1, 1)),
            &PersistOp::TruncateLog { from: LogIndex(2) },
            &PersistOp::AppendLog(run(2, 2)),
        ]
    );
    let mut disk = PersistentState::default();
    for op in &ready.persist {
        disk.apply(op, f.persistent());
    }
    assert_eq!(&disk, f.persistent(), "storage rebuilt from the ops");
    assert_eq!(ready.committed, run(1, 2));
    assert_eq!(
        f.log().range(ready.committed),
        &[entry_at(1, 1), entry_at(2, 2)],
        "what to apply: index 1 from term 1 and index 2 from term 2"
    );
}

#[test]
fn a_commit_rolled_back_before_the_outputs_are_taken_is_not_handed_out_figure_2() {
    // Only a faulty leader overwrites a committed entry; the node then keeps its commit
    // index inside its log. If that happens before the outputs are taken, the committed
    // run names the entry now at the index, not the one that was replaced.
    let mut f = follower(1, 3, 1, &[]);
    f.step(ms(1), append(0, 1, 1, (0, 0), &[1, 1], 2))
        .expect("ok");
    f.step(ms(2), append(2, 1, 2, (1, 1), &[2], 1)).expect("ok");
    let ready = f.take_ready();
    assert!(ready.events.contains(&Event::CommitRolledBack {
        from: LogIndex(2),
        to: LogIndex(1),
    }));
    assert_eq!(f.commit_index(), LogIndex(1));
    assert_eq!(ready.committed, run(1, 1));
    assert_eq!(f.log().range(ready.committed), &[entry_at(1, 1)]);
}

#[test]
fn a_stale_or_duplicated_append_entries_never_deletes_matching_entries_figure_2_step_3() {
    let mut f = follower(1, 3, 1, &[]);
    // The leader of term 1 sends entries 1..=4 in one request, after an earlier request
    // with only entries 1..=2 that arrives late.
    f.step(ms(1), append(0, 1, 1, (0, 0), &[1, 1, 1, 1], 0))
        .expect("ok");
    let _ = f.take_ready();
    f.step(ms(2), append(0, 1, 1, (0, 0), &[1, 1], 0))
        .expect("ok");
    let ready = f.take_ready();
    assert_eq!(terms_of(f.log()), vec![1, 1, 1, 1], "nothing removed");
    assert!(ready.persist.is_empty(), "nothing to persist");
    assert_eq!(
        only_reply(&ready),
        append_ok(1, 0, 1, 2),
        "success, matching up to what this request carried"
    );
    // The same duplicate of the whole request changes nothing either.
    f.step(ms(3), append(0, 1, 1, (0, 0), &[1, 1, 1, 1], 0))
        .expect("ok");
    let ready = f.take_ready();
    assert!(ready.persist.is_empty());
    assert_eq!(terms_of(f.log()), vec![1, 1, 1, 1]);
}

#[test]
fn only_the_entries_not_yet_in_the_log_are_appended_figure_2_step_4() {
    let mut f = follower(1, 3, 1, &[1, 1]);
    f.step(ms(1), append(0, 1, 1, (1, 1), &[1, 1, 1], 0))
        .expect("ok");
    let ready = f.take_ready();
    assert_eq!(terms_of(f.log()), vec![1, 1, 1, 1]);
    assert_eq!(ready.persist, vec![PersistOp::AppendLog(run(3, 4))]);
    assert_eq!(
        f.log().range(run(3, 4)),
        &[entry_at(3, 1), entry_at(4, 1)],
        "the op names the entries it lends"
    );
}

// ----- commitment -----

#[test]
fn a_follower_commits_up_to_min_of_leader_commit_and_its_last_new_entry_figure_2_step_5() {
    let mut f = follower(1, 3, 1, &[1, 1, 1, 1, 1]);
    // Only entries up to 3 are vouched for by this request, although the follower holds
    // 5 and the leader has committed 5.
    f.step(ms(1), append(0, 1, 1, (2, 1), &[1], 5)).expect("ok");
    let ready = f.take_ready();
    assert_eq!(f.commit_index(), LogIndex(3));
    assert_eq!(
        f.log()
            .iter_range(ready.committed)
            .map(|(i, _)| i.0)
            .collect::<Vec<_>>(),
        vec![1, 2, 3],
        "committed entries handed out in order"
    );
    // Step 5: min(leaderCommit 5, the last new entry 3).
    assert!(ready.events.contains(&Event::CommitAdvanced {
        from: LogIndex(0),
        to: LogIndex(3),
        basis: CommitBasis::LeaderCommit(LogIndex(5)),
    }));
    // A heartbeat that matches at 5 with leaderCommit 4.
    f.step(ms(2), append(0, 1, 1, (5, 1), &[], 4)).expect("ok");
    assert_eq!(f.commit_index(), LogIndex(4));
    // A lower leaderCommit never moves it back.
    f.step(ms(3), append(0, 1, 1, (5, 1), &[], 2)).expect("ok");
    assert_eq!(f.commit_index(), LogIndex(4));
    // leaderCommit beyond the log: only up to the last new entry.
    f.step(ms(4), append(0, 1, 1, (5, 1), &[], 99)).expect("ok");
    assert_eq!(f.commit_index(), LogIndex(5));
    let ready = f.take_ready();
    assert_eq!(
        f.log()
            .iter_range(ready.committed)
            .map(|(i, _)| i.0)
            .collect::<Vec<_>>(),
        vec![4, 5]
    );
}

#[test]
fn a_leader_commits_an_entry_of_its_term_once_a_majority_stores_it_section_5_3() {
    let mut l = leader(0, 5, 2, &[1], ms(0));
    let idx = l.propose(ms(1), 42).expect("leader");
    assert_eq!(idx, LogIndex(2));
    l.step(ms(2), append_ok(1, 0, 2, 2)).expect("ok");
    assert_eq!(l.commit_index(), LogIndex(0), "2 of 5 is no majority");
    l.step(ms(2), append_ok(2, 0, 2, 2)).expect("ok");
    assert_eq!(l.commit_index(), LogIndex(2), "3 of 5 store it");
    let ready = l.take_ready();
    assert_eq!(
        l.log()
            .iter_range(ready.committed)
            .map(|(i, _)| i.0)
            .collect::<Vec<_>>(),
        vec![1, 2],
        "the earlier entry commits with it (Log Matching)"
    );
}

#[test]
fn a_late_smaller_ack_never_moves_match_index_back_figure_2() {
    // Figure 2: matchIndex "increases monotonically". An ack of an older request that
    // arrives after a newer one must not lower it (or the next index).
    let mut l = leader(0, 5, 2, &[1, 1, 1], ms(0));
    l.step(ms(1), append_ok(1, 0, 2, 3)).expect("ok");
    l.step(ms(2), append_ok(1, 0, 2, 1)).expect("ok");
    let p = l
        .progress()
        .expect("leader")
        .iter()
        .find(|p| p.node == NodeId(1))
        .copied()
        .expect("node 1");
    assert_eq!((p.match_index, p.next_index), (LogIndex(3), LogIndex(4)));
    // The kept match index still counts towards a majority: node 1 plus one more
    // follower plus the leader hold the new entry of term 2 at index 4.
    l.propose(ms(3), 5).expect("leader");
    l.step(ms(4), append_ok(1, 0, 2, 4)).expect("ok");
    l.step(ms(4), append_ok(2, 0, 2, 1)).expect("ok");
    assert_eq!(l.commit_index(), LogIndex(0), "only 2 of 5 hold index 4");
    l.step(ms(5), append_ok(3, 0, 2, 4)).expect("ok");
    assert_eq!(l.commit_index(), LogIndex(4));
}

// ----- the article's rhythm -----

/// A leader of term 1 in 3 nodes whose initial heartbeats have been answered.
fn idle_leader(config: Config) -> raft_core::Node<u64> {
    let mut l = leader_with(0, 3, 1, &[], ms(0), config);
    l.step(ms(1), append_ok(1, 0, 1, 0)).expect("ok");
    l.step(ms(1), append_ok(2, 0, 1, 0)).expect("ok");
    let _ = l.take_ready();
    l
}

#[test]
fn by_default_a_proposed_entry_waits_for_the_next_heartbeat_article_rhythm() {
    let mut l = idle_leader(Config::default());
    let hb = l.heartbeat_deadline().expect("leader");
    assert_eq!(hb, ms(50));
    l.propose(ms(10), 7).expect("leader");
    let ready = l.take_ready();
    assert!(
        ready.messages.is_empty(),
        "not sent at once: {:?}",
        ready.messages
    );
    assert_eq!(
        ready.persist,
        vec![PersistOp::AppendLog(run(1, 1))],
        "but appended to the leader's log and persisted"
    );
    assert_eq!(
        l.log().range(run(1, 1)),
        &[raft_core::Entry {
            term: Term(1),
            payload: raft_core::Payload::Command(7),
        }]
    );
    l.handle_timeout(Instant::from_micros(hb.as_micros() - 1));
    assert!(!l.has_ready(), "still nothing just before the heartbeat");
    l.handle_timeout(hb);
    let ready = l.take_ready();
    assert_eq!(
        append_requests_with_entries(&ready),
        vec![(NodeId(1), vec![1]), (NodeId(2), vec![1])],
        "the heartbeat carries it"
    );
}

#[test]
fn with_replicate_immediately_a_proposed_entry_is_sent_at_once_config() {
    let mut l = idle_leader(Config {
        replicate_immediately: true,
        ..Config::default()
    });
    l.propose(ms(10), 7).expect("leader");
    let ready = l.take_ready();
    assert_eq!(
        append_requests_with_entries(&ready),
        vec![(NodeId(1), vec![1]), (NodeId(2), vec![1])]
    );
}

#[test]
fn in_a_cluster_a_proposal_commits_on_followers_one_heartbeat_after_the_leader_section_5_3() {
    let mut c: Cluster<u64> = Cluster::new(3, Config::default(), 4);
    let leader = elect(&mut c, Duration::from_secs(1));
    c.run_for(Duration::from_millis(5));
    c.propose(leader, 9).expect("leader");
    let hb = c
        .node(leader)
        .expect("live")
        .heartbeat_deadline()
        .expect("leader");
    let follower = NodeId((leader.0 + 1) % 3);
    c.run_until_time(Instant::from_micros(hb.as_micros() - 1));
    assert_eq!(c.node(follower).expect("live").log().len(), 0);
    // Heartbeat at hb, reply at hb + 2 ms: the leader commits.
    c.run_until_time(hb.after(Duration::from_millis(2)));
    assert_eq!(c.node(leader).expect("live").commit_index(), LogIndex(1));
    assert_eq!(c.node(follower).expect("live").log().len(), 1);
    assert_eq!(c.node(follower).expect("live").commit_index(), LogIndex(0));
    // The next heartbeat tells the followers.
    c.run_until_time(hb.after(Duration::from_millis(52)));
    assert_eq!(c.node(follower).expect("live").commit_index(), LogIndex(1));
    assert_eq!(c.applied_commands(follower), vec![9]);
    assert_no_violations(&mut c);
}

// ----- fast back-up -----

#[test]
fn the_leader_backs_up_past_a_whole_conflicting_term_using_the_hint_section_5_3() {
    // Leader [1,2,2,3,3]; follower holds term 2 up to index 6. The follower rejects at 5
    // with hint (term 2, first index 2); the leader's last term-2 entry is 3, so it
    // retries at next index 4 in one step.
    let mut l = leader(0, 3, 4, &[1, 2, 2, 3, 3], ms(0));
    l.step(ms(1), append_rejected(1, 0, 4, 5, Some(2), 2))
        .expect("ok");
    let ready = l.take_ready();
    assert!(ready.events.contains(&Event::NextIndexBackedUp {
        follower: NodeId(1),
        next_index: LogIndex(4),
    }));
    assert_eq!(
        ready.messages,
        vec![append(0, 1, 4, (3, 2), &[3, 3], 0)],
        "the repair is sent at once"
    );
    // A term the leader never had: back up to the start of the follower's run.
    let mut l = leader(0, 3, 4, &[1, 3, 3, 3], ms(0));
    l.step(ms(1), append_rejected(2, 0, 4, 4, Some(2), 2))
        .expect("ok");
    assert_eq!(
        l.take_ready().messages,
        vec![append(0, 2, 4, (1, 1), &[3, 3, 3], 0)]
    );
    // A short follower log: jump to its end.
    let mut l = leader(0, 3, 4, &[1, 1, 1, 1, 1, 1], ms(0));
    l.step(ms(1), append_rejected(1, 0, 4, 6, None, 3))
        .expect("ok");
    assert_eq!(
        l.take_ready().messages,
        vec![append(0, 1, 4, (2, 1), &[1, 1, 1, 1], 0)]
    );
}

#[test]
fn repairing_200_divergent_entries_takes_a_handful_of_round_trips_not_200_section_5_3() {
    let mut follower_log = vec![1];
    follower_log.extend(std::iter::repeat_n(2, 100));
    follower_log.extend(std::iter::repeat_n(3, 100));
    let mut leader_log = vec![1];
    leader_log.extend(std::iter::repeat_n(4, 150));
    let states: Vec<PersistentState<u64>> = vec![
        state(4, None, &leader_log),
        state(3, None, &follower_log),
        state(4, None, &leader_log),
    ];
    let mut c: Cluster<u64> = Cluster::with_logs(Config::default(), 1, &states);
    let (l, f) = (NodeId(0), NodeId(1));
    c.timeout_now(l);
    let sent = run_recording(&mut c, Duration::from_millis(400), |_| {});
    assert_eq!(c.leader(), Some(l));
    assert_eq!(
        c.node(f).expect("live").log(),
        c.node(l).expect("live").log(),
        "follower repaired"
    );
    let appends = sent
        .iter()
        .filter(|(_, m)| m.from == l && m.to == f && m.kind() == MessageKind::AppendRequest)
        .count();
    let rejections = c
        .events
        .iter()
        .filter(|(_, id, e)| *id == f && matches!(e, Event::AppendRejected { .. }))
        .count();
    // One rejection per conflicting term (§5.3), then the entries in batches of 64.
    assert_eq!(rejections, 2, "terms 3 and 2 are skipped whole");
    assert!(
        appends <= 12,
        "{appends} AppendEntries to repair 200 divergent entries"
    );
    assert_no_violations(&mut c);
}

// ----- Figure 7 -----

/// The leader's log in Figure 7 and the six follower logs (a)-(f), with plausible
/// current terms (the highest term each has seen).
const FIG7_LEADER: &[u64] = &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
const FIG7_FOLLOWERS: [(&str, u64, &[u64]); 6] = [
    ("a", 6, &[1, 1, 1, 4, 4, 5, 5, 6, 6]),
    ("b", 4, &[1, 1, 1, 4]),
    ("c", 6, &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6]),
    ("d", 7, &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7]),
    ("e", 4, &[1, 1, 1, 4, 4, 4, 4]),
    ("f", 3, &[1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3]),
];

/// Node 0 holds the leader's log at term 7; nodes 1-6 hold (a)-(f). Node 0 is forced to
/// time out (becoming the candidate of term 8), wins, and replicates one new entry of
/// term 8. Returns the cluster after it settled.
fn figure_7() -> Cluster<u64> {
    let mut states = vec![state(7, None, FIG7_LEADER)];
    states.extend(
        FIG7_FOLLOWERS
            .iter()
            .map(|&(_, t, log)| state(t, None, log)),
    );
    let mut c: Cluster<u64> = Cluster::with_logs(Config::default(), 7, &states);
    force_win(&mut c, NodeId(0), Duration::from_millis(20));
    assert_eq!(c.node(NodeId(0)).expect("live").term(), Term(8));
    let idx = c.propose(NodeId(0), 8_011).expect("leader");
    assert_eq!(idx, LogIndex(11));
    c.run_for(Duration::from_millis(300));
    assert_eq!(
        c.leader(),
        Some(NodeId(0)),
        "the leader of term 8 kept its job"
    );
    c
}

/// Where a log of these terms ends.
fn end_of(terms: &[u64]) -> LogEnd {
    LogEnd {
        term: Term(terms.last().copied().unwrap_or(0)),
        index: LogIndex(terms.len() as u64),
    }
}

fn fig7_leader_final_terms() -> Vec<u64> {
    let mut t = FIG7_LEADER.to_vec();
    t.push(8);
    t
}

#[test]
fn figure_7_the_leader_of_term_8_wins_with_votes_from_a_b_e_f_and_not_c_d() {
    let c = figure_7();
    for (k, &(name, _, _)) in FIG7_FOLLOWERS.iter().enumerate() {
        let id = NodeId(k as u32 + 1);
        let vote = c.events.iter().find_map(|(_, who, e)| match e {
            Event::VoteGranted {
                candidate: NodeId(0),
                term: Term(8),
                ..
            } if *who == id => Some(None),
            Event::VoteRefused {
                candidate: NodeId(0),
                term: Term(8),
                reason,
                ..
            } if *who == id => Some(Some(*reason)),
            _ => None,
        });
        let expected = match name {
            // (c) and (d) hold more entries of term 6, or entries of term 7: their logs
            // are more up-to-date than the leader's, which ends at (6, 10) (§5.4.1).
            "c" | "d" => Some(Some(VoteRefusal::LogNotUpToDate {
                candidate: end_of(FIG7_LEADER),
                own: end_of(FIG7_FOLLOWERS[k].2),
            })),
            _ => Some(None),
        };
        assert_eq!(vote, expected, "follower ({name})");
    }
}

/// Checks that follower `name` of Figure 7 ends with exactly the leader's log, that the
/// entries removed from it are the expected ones, and that the leader needed at most
/// `max_rejections` failed consistency checks to find the match point.
fn check_figure_7_follower(name: &str, truncated: Option<(u64, u64)>, max_rejections: usize) {
    let mut c = figure_7();
    let k = FIG7_FOLLOWERS
        .iter()
        .position(|&(n, _, _)| n == name)
        .expect("a case of Figure 7");
    let id = NodeId(k as u32 + 1);
    let leader_log = c.node(NodeId(0)).expect("live").log().clone();
    assert_eq!(terms_of(&leader_log), fig7_leader_final_terms());
    let node = c.node(id).expect("live");
    assert_eq!(
        terms_of(node.log()),
        terms_of(&leader_log),
        "follower ({name}) holds the leader's log"
    );
    assert_eq!(node.log(), &leader_log, "follower ({name}): same entries");
    assert_eq!(node.role(), Role::Follower);
    assert_eq!(node.term(), Term(8));
    assert_eq!(
        node.commit_index(),
        LogIndex(11),
        "follower ({name}) learned the commit"
    );
    let truncations: Vec<(u64, u64)> = c
        .events
        .iter()
        .filter_map(|(_, who, e)| match e {
            Event::EntriesTruncated { from, last } if *who == id => Some((from.0, last.0)),
            _ => None,
        })
        .collect();
    assert_eq!(
        truncations,
        truncated.into_iter().collect::<Vec<_>>(),
        "follower ({name}): removed entries"
    );
    let rejections = c
        .events
        .iter()
        .filter(|(_, who, e)| *who == id && matches!(e, Event::AppendRejected { .. }))
        .count();
    assert!(
        rejections <= max_rejections,
        "follower ({name}): {rejections} rejections"
    );
    assert_no_violations(&mut c);
}

#[test]
fn figure_7_a_missing_entries_are_filled_in() {
    check_figure_7_follower("a", None, 1);
}

#[test]
fn figure_7_b_missing_entries_are_filled_in() {
    check_figure_7_follower("b", None, 1);
}

#[test]
fn figure_7_c_the_extra_uncommitted_entry_is_removed() {
    check_figure_7_follower("c", Some((11, 11)), 0);
}

#[test]
fn figure_7_d_the_extra_entries_of_term_7_are_removed() {
    check_figure_7_follower("d", Some((11, 12)), 0);
}

#[test]
fn figure_7_e_the_divergent_entries_of_term_4_are_replaced() {
    // One rejection for the missing tail, one for the conflicting term-4 run.
    check_figure_7_follower("e", Some((6, 7)), 2);
}

#[test]
fn figure_7_f_the_divergent_entries_of_terms_2_and_3_are_replaced() {
    // One rejection per conflicting term (3, then 2).
    check_figure_7_follower("f", Some((4, 11)), 2);
}

#[test]
fn figure_7_every_follower_ends_with_the_leaders_log_and_the_new_entry_commits() {
    let mut c = figure_7();
    let leader_log = c.node(NodeId(0)).expect("live").log().clone();
    for id in 1..7 {
        assert_eq!(
            c.node(NodeId(id)).expect("live").log(),
            &leader_log,
            "follower ({})",
            FIG7_FOLLOWERS[id as usize - 1].0
        );
    }
    assert_eq!(
        c.node(NodeId(0)).expect("live").commit_index(),
        LogIndex(11)
    );
    assert_eq!(
        c.committed().get(&LogIndex(11)).map(|e| e.term),
        Some(Term(8))
    );
    assert_no_violations(&mut c);
}

#[test]
fn a_success_reply_reports_the_match_index_of_the_request_figure_2() {
    let mut f = follower(1, 3, 1, &[]);
    f.step(ms(1), append(0, 1, 1, (0, 0), &[1, 1, 1], 0))
        .expect("ok");
    assert_eq!(
        only_reply(&f.take_ready()).body,
        Body::AppendEntriesResponse(AppendOutcome::Success {
            match_index: LogIndex(3)
        })
    );
    // The hint type is what the leader reads on a rejection.
    let hint = ConflictHint {
        term: None,
        first_index: LogIndex(4),
    };
    f.step(ms(2), append(0, 1, 1, (9, 1), &[], 0)).expect("ok");
    assert_eq!(
        only_reply(&f.take_ready()).body,
        Body::AppendEntriesResponse(AppendOutcome::Rejected {
            prev_log_index: LogIndex(9),
            hint,
        })
    );
}
