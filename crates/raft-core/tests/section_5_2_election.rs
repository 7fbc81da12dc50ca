//! §5.2 of the Raft paper: leader election, with the extensions that change it
//! (pre-vote, check-quorum, and the fixed-timeout teaching switch).
//!
//! Figure 2, "Followers": "If election timeout elapses without receiving AppendEntries RPC
//! from current leader or granting vote to candidate: convert to candidate." "Candidates":
//! "On conversion to candidate, start election: increment currentTerm, vote for self,
//! reset election timer, send RequestVote RPCs to all other servers. If votes received
//! from majority of servers: become leader. If AppendEntries RPC received from new leader:
//! convert to follower. If election timeout elapses: start new election."
//! "RequestVote RPC / Receiver implementation": grant "if votedFor is null or
//! candidateId, and candidate's log is at least as up-to-date as receiver's log".

mod common;

use core::time::Duration;
use std::collections::BTreeSet;

use common::*;
use raft_core::testkit::Cluster;
use raft_core::{
    Body, Config, Event, HardState, Instant, LogEnd, LogIndex, Message, MessageKind, Node, NodeId,
    PersistOp, PersistentState, Role, RoleChangeCause, Term, UnsafeRules, VoteRefusal,
};

fn fresh(id: u32, n: u32, config: Config, seed: u64) -> Node<u64> {
    Node::new(NodeId(id), &ids(n), config, seed, ms(0)).expect("valid node")
}

fn deadline(node: &Node<u64>) -> Instant {
    node.election_deadline().expect("not a leader")
}

fn vote_grants(ready: &raft_core::Ready<u64>) -> Vec<(NodeId, bool)> {
    ready
        .messages
        .iter()
        .filter_map(|m| match m.body {
            Body::RequestVoteResponse { granted, .. } => Some((m.to, granted)),
            _ => None,
        })
        .collect()
}

fn leaders_by_term(c: &Cluster<u64>) -> Vec<(Term, NodeId)> {
    c.events
        .iter()
        .filter_map(|(_, id, e)| match e {
            Event::RoleChanged {
                term,
                to: Role::Leader,
                ..
            } => Some((*term, *id)),
            _ => None,
        })
        .collect()
}

// ----- election timeout and becoming a candidate -----

#[test]
fn a_follower_times_out_within_150_to_300_ms_with_the_default_config_section_5_2() {
    let (mut lo, mut hi) = (u64::MAX, 0);
    for seed in 0..500 {
        let d = deadline(&fresh(0, 3, Config::default(), seed)).as_micros();
        assert!(
            (150_000..300_000).contains(&d),
            "seed {seed}: timeout {d} µs"
        );
        lo = lo.min(d);
        hi = hi.max(d);
    }
    // Uniform over the range: 500 draws cover most of it.
    assert!(lo < 160_000 && hi > 290_000, "range seen {lo}..{hi} µs");

    // The timer fires exactly at its deadline, not before.
    let mut n = fresh(0, 3, Config::default(), 3);
    let d = deadline(&n);
    n.handle_timeout(Instant::from_micros(d.as_micros() - 1));
    assert_eq!(n.role(), Role::Follower);
    assert!(!n.has_ready(), "nothing happens before the deadline");
    n.handle_timeout(d);
    assert_eq!(n.role(), Role::Candidate);
}

#[test]
fn a_timed_out_follower_increments_its_term_votes_for_itself_and_asks_every_peer_section_5_2() {
    let mut n = node_from(0, 5, Config::default(), state(2, Some(3), &[1, 1, 2]));
    let _ = n.take_ready();
    let t = deadline(&n);
    n.handle_timeout(t);
    let ready = n.take_ready();

    assert_eq!(n.role(), Role::Candidate);
    assert_eq!(n.term(), Term(3), "currentTerm + 1");
    assert_eq!(n.voted_for(), Some(NodeId(0)), "votes for itself");
    assert_eq!(n.votes_granted(), &[NodeId(0)]);
    assert_eq!(
        ready.persist,
        vec![PersistOp::HardState(HardState {
            current_term: Term(3),
            voted_for: Some(NodeId(0)),
        })],
        "the new term and self-vote are persisted"
    );
    let expected: Vec<Message<u64>> = (1..5).map(|p| request_vote(0, p, 3, 3, 2)).collect();
    assert_eq!(
        ready.messages, expected,
        "RequestVote to every peer with the last log index and term"
    );
    assert!(ready.events.contains(&Event::RoleChanged {
        term: Term(3),
        from: Role::Follower,
        to: Role::Candidate,
        cause: RoleChangeCause::ElectionTimeout,
    }));
    // The election timer is reset to a fresh random timeout.
    let d = deadline(&n).as_micros() - t.as_micros();
    assert!((150_000..300_000).contains(&d), "{d} µs");
}

#[test]
fn a_candidate_whose_election_times_out_starts_a_new_election_in_the_next_term_section_5_2() {
    let mut n = candidate(0, 5, 4, &[1], ms(0));
    let t = deadline(&n);
    n.handle_timeout(t);
    let ready = n.take_ready();
    assert_eq!((n.role(), n.term()), (Role::Candidate, Term(5)));
    assert_eq!(ready.messages.len(), 4);
    assert!(ready.messages.iter().all(|m| m.term == Term(5)));
}

// ----- voting -----

#[test]
fn a_voter_grants_at_most_one_vote_per_term_first_come_first_served_section_5_2() {
    let mut v = follower(2, 3, 0, &[]);
    v.step(ms(1), request_vote(0, 2, 1, 0, 0)).expect("ok");
    assert_eq!(vote_grants(&v.take_ready()), vec![(NodeId(0), true)]);
    assert_eq!(v.voted_for(), Some(NodeId(0)));

    v.step(ms(2), request_vote(1, 2, 1, 0, 0)).expect("ok");
    let ready = v.take_ready();
    assert_eq!(vote_grants(&ready), vec![(NodeId(1), false)]);
    assert!(ready.events.contains(&Event::VoteRefused {
        candidate: NodeId(1),
        term: Term(1),
        pre_vote: false,
        reason: VoteRefusal::AlreadyVoted(NodeId(0)),
    }));
    assert!(ready.persist.is_empty());
    assert_eq!(v.voted_for(), Some(NodeId(0)), "the vote is not moved");

    // A retransmitted request from the same candidate gets the same answer, and the
    // event says it is the vote already cast.
    v.step(ms(3), request_vote(0, 2, 1, 0, 0)).expect("ok");
    let ready = v.take_ready();
    assert_eq!(vote_grants(&ready), vec![(NodeId(0), true)]);
    assert!(
        ready
            .events
            .iter()
            .any(|e| matches!(e, Event::VoteGranted { again: true, .. }))
    );

    // In a new term the voter may vote again.
    v.step(ms(4), request_vote(1, 2, 2, 0, 0)).expect("ok");
    assert_eq!(vote_grants(&v.take_ready()), vec![(NodeId(1), true)]);
    assert_eq!((v.term(), v.voted_for()), (Term(2), Some(NodeId(1))));
}

#[test]
fn a_granted_vote_is_persisted_in_the_same_ready_as_the_reply_figure_2() {
    let mut v = follower(1, 3, 0, &[]);
    v.step(ms(1), request_vote(0, 1, 1, 0, 0)).expect("ok");
    let ready = v.take_ready();
    assert_eq!(ready.messages, vec![vote_response(1, 0, 1, true)]);
    let vote = HardState {
        current_term: Term(1),
        voted_for: Some(NodeId(0)),
    };
    // Ready's contract: `persist` is made durable before `messages` are sent. The vote
    // must therefore be among the persist ops of the very Ready that carries the reply.
    let mut disk = PersistentState::default();
    for op in &ready.persist {
        disk.apply(op, v.persistent());
    }
    assert_eq!(
        disk.hard_state, vote,
        "the vote is durable before the reply leaves"
    );
    assert_eq!(ready.persist.last(), Some(&PersistOp::HardState(vote)));
}

#[test]
fn granting_a_vote_restarts_the_voters_election_timer_refusing_does_not_figure_2() {
    // The voter is already in the candidates' term, so only the grant itself can move
    // its timer (adopting a higher term restarts it too).
    let mut v = follower(2, 3, 2, &[]);
    let first = deadline(&v);
    assert!(first >= ms(150));
    // 1 ms before the timer would fire, a granted vote restarts it: the new deadline is
    // a fresh timeout after the grant, later than the old one.
    let t = Instant::from_micros(first.as_micros() - 1_000);
    v.step(t, request_vote(0, 2, 2, 0, 0)).expect("ok");
    assert_eq!(v.voted_for(), Some(NodeId(0)));
    let granted_at = deadline(&v);
    assert!(
        granted_at >= t.after(Duration::from_millis(150))
            && granted_at < t.after(Duration::from_millis(300)),
        "deadline {granted_at} after granting at {t} (was {first})"
    );
    // A refused request (vote already given in this term) leaves the timer alone.
    v.step(t, request_vote(1, 2, 2, 0, 0)).expect("ok");
    assert_eq!(
        vote_grants(&v.take_ready()),
        vec![(NodeId(0), true), (NodeId(1), false)]
    );
    assert_eq!(deadline(&v), granted_at);
    // So does a stale one.
    v.step(t, request_vote(1, 2, 1, 0, 0)).expect("ok");
    assert_eq!(vote_grants(&v.take_ready()), vec![(NodeId(1), false)]);
    assert_eq!(deadline(&v), granted_at);
    // And a refusal for the log (§5.4.1) in the same term does too.
    let mut w = follower(2, 3, 2, &[1]);
    let before = deadline(&w);
    w.step(ms(100), request_vote(0, 2, 2, 0, 0)).expect("ok");
    assert_eq!(vote_grants(&w.take_ready()), vec![(NodeId(0), false)]);
    assert_eq!(deadline(&w), before);
}

#[test]
fn a_majority_is_more_than_half_so_two_of_four_votes_are_not_enough_section_5_2() {
    // Four nodes: own vote + one grant = 2 = n/2, not a majority (the article's split vote).
    let mut c4 = candidate(0, 4, 1, &[], ms(0));
    c4.step(ms(1), vote_response(1, 0, 1, true)).expect("ok");
    let ready = c4.take_ready();
    assert_eq!(c4.role(), Role::Candidate, "2 of 4 votes");
    assert!(ready.events.contains(&Event::VoteCounted {
        voter: NodeId(1),
        granted: true,
        pre_vote: false,
        votes: 2,
        needed: 3,
    }));
    // A duplicated grant from the same voter counts once.
    c4.step(ms(1), vote_response(1, 0, 1, true)).expect("ok");
    assert_eq!(
        c4.role(),
        Role::Candidate,
        "a duplicate is not a second vote"
    );
    c4.step(ms(2), vote_response(2, 0, 1, false)).expect("ok");
    assert_eq!(c4.role(), Role::Candidate);
    c4.step(ms(3), vote_response(3, 0, 1, true)).expect("ok");
    assert_eq!(c4.role(), Role::Leader, "3 of 4 votes");

    // Five nodes: 3 votes win; three nodes: 2 votes win.
    let mut c5 = candidate(0, 5, 1, &[], ms(0));
    c5.step(ms(1), vote_response(3, 0, 1, true)).expect("ok");
    assert_eq!(c5.role(), Role::Candidate);
    c5.step(ms(1), vote_response(4, 0, 1, true)).expect("ok");
    assert_eq!(c5.role(), Role::Leader);
    let mut c3 = candidate(0, 3, 1, &[], ms(0));
    c3.step(ms(1), vote_response(2, 0, 1, true)).expect("ok");
    assert_eq!(c3.role(), Role::Leader);
}

#[test]
fn a_new_leader_immediately_sends_empty_heartbeats_to_every_peer_figure_2() {
    let mut c = candidate(0, 3, 2, &[1, 1], ms(0));
    c.step(ms(1), vote_response(1, 0, 2, true)).expect("ok");
    let ready = c.take_ready();
    assert_eq!(c.role(), Role::Leader);
    assert_eq!(c.leader(), Some(NodeId(0)));
    assert_eq!(
        ready.messages,
        vec![
            append(0, 1, 2, (2, 1), &[], 0),
            append(0, 2, 2, (2, 1), &[], 0)
        ]
    );
}

#[test]
fn a_candidate_steps_down_on_append_entries_from_a_leader_of_its_term_section_5_2() {
    let mut cand = candidate(0, 3, 3, &[1], ms(0));
    cand.step(ms(5), append(1, 0, 3, (1, 1), &[], 0))
        .expect("ok");
    let ready = cand.take_ready();
    assert_eq!(cand.role(), Role::Follower);
    assert_eq!(cand.term(), Term(3), "same term");
    assert_eq!(cand.leader(), Some(NodeId(1)));
    assert!(ready.events.contains(&Event::RoleChanged {
        term: Term(3),
        from: Role::Candidate,
        to: Role::Follower,
        cause: RoleChangeCause::LeaderDiscovered(NodeId(1)),
    }));
    assert_eq!(ready.messages, vec![append_ok(0, 1, 3, 1)]);

    // An AppendEntries from an older term does not make it step down.
    let mut cand = candidate(0, 3, 3, &[1], ms(0));
    cand.step(ms(5), append(1, 0, 2, (1, 1), &[], 0))
        .expect("ok");
    assert_eq!(cand.role(), Role::Candidate);
}

#[test]
fn a_split_vote_in_four_nodes_elects_no_one_and_a_later_term_elects_a_leader_section_5_2() {
    let mut c: Cluster<u64> = Cluster::new(4, Config::default(), 11);
    // Nodes 0 and 1 time out together; 2 and 3 much later.
    c.set_election_deadline(NodeId(0), ms(10));
    c.set_election_deadline(NodeId(1), ms(10));
    c.set_election_deadline(NodeId(2), ms(1_000));
    c.set_election_deadline(NodeId(3), ms(1_000));
    c.advance(Duration::from_millis(10));
    assert_eq!(c.node(NodeId(0)).expect("live").role(), Role::Candidate);
    assert_eq!(c.node(NodeId(1)).expect("live").role(), Role::Candidate);
    // Node 2 hears only node 0 and node 3 only node 1: two votes each.
    c.drop_where(|m| {
        m.kind() == MessageKind::VoteRequest
            && ((m.from, m.to) == (NodeId(0), NodeId(3))
                || (m.from, m.to) == (NodeId(1), NodeId(2)))
    });
    c.run_for(Duration::from_millis(20));
    assert!(c.leaders().is_empty(), "2 of 4 votes elect no one");
    assert_eq!(c.node(NodeId(0)).expect("live").votes_granted().len(), 2);
    assert_eq!(c.node(NodeId(1)).expect("live").votes_granted().len(), 2);

    let leader = elect(&mut c, Duration::from_secs(2));
    let term = c.node(leader).expect("live").term();
    assert!(term >= Term(2), "a new election in a higher term: {term:?}");
    assert!(
        leaders_by_term(&c).iter().all(|&(t, _)| t != Term(1)),
        "nobody led term 1"
    );
    assert!(c.events.iter().any(|(_, _, e)| matches!(
        e,
        Event::ElectionStarted {
            term: Term(2),
            pre_vote: false
        }
    )));
    assert_no_violations(&mut c);
}

#[test]
fn a_single_node_cluster_elects_itself_and_commits_alone_section_5_2() {
    let mut c: Cluster<u64> = Cluster::new(1, Config::default(), 3);
    let leader = elect(&mut c, Duration::from_millis(300));
    assert_eq!(leader, NodeId(0));
    let n = c.node(leader).expect("live");
    assert_eq!(n.term(), Term(1));
    assert!(c.now() >= ms(150), "it waited for its election timeout");
    c.propose(leader, 7).expect("leader");
    assert_eq!(c.node(leader).expect("live").commit_index(), LogIndex(1));
    assert_eq!(c.applied_commands(leader), vec![7]);
}

#[test]
fn the_leader_sends_heartbeats_every_50_ms_and_followers_do_not_time_out_section_5_2() {
    let mut c: Cluster<u64> = Cluster::new(5, Config::default(), 21);
    let leader = elect(&mut c, Duration::from_secs(1));
    let term = c.node(leader).expect("live").term();
    let elections_before = c
        .events
        .iter()
        .filter(|(_, _, e)| matches!(e, Event::ElectionStarted { .. }))
        .count();

    let sent = run_recording(&mut c, Duration::from_secs(3), |_| {});
    let elections_after = c
        .events
        .iter()
        .filter(|(_, _, e)| matches!(e, Event::ElectionStarted { .. }))
        .count();
    assert_eq!(elections_before, elections_after, "nobody timed out");
    assert_eq!(c.leader(), Some(leader));
    for &id in c.ids() {
        assert_eq!(c.node(id).expect("live").term(), term, "{id}");
    }
    for &f in c.ids().iter().filter(|&&id| id != leader) {
        let times: Vec<Instant> = sent
            .iter()
            .filter(|(_, m)| {
                m.from == leader && m.to == f && m.kind() == MessageKind::AppendRequest
            })
            .map(|(t, _)| *t)
            .collect();
        assert!(times.len() >= 59, "{f}: {} heartbeats in 3 s", times.len());
        for w in times.windows(2) {
            assert_eq!(w[1].since(w[0]), Duration::from_millis(50), "{f}: {w:?}");
        }
    }
}

// ----- randomness and determinism -----

#[test]
fn election_timeouts_are_randomized_across_seeds_section_5_2() {
    let deadlines: BTreeSet<Instant> = (0..50)
        .map(|seed| deadline(&fresh(0, 5, Config::default(), seed)))
        .collect();
    assert!(
        deadlines.len() >= 45,
        "only {} distinct timeouts",
        deadlines.len()
    );
    // Each redrawn timeout of one node is random too.
    let mut n = fresh(0, 3, Config::default(), 1);
    let mut drawn = BTreeSet::new();
    for round in 1..=20u64 {
        let now = ms(1_000 * round);
        n.timeout_now(now).expect("not a leader");
        drawn.insert(deadline(&n).since(now));
    }
    assert!(drawn.len() >= 18, "{drawn:?}");
}

#[test]
fn the_same_seed_reproduces_the_same_run_and_a_different_seed_does_not_section_5_2() {
    fn run(seed: u64) -> Cluster<u64> {
        let mut c: Cluster<u64> = Cluster::new(5, Config::default(), seed);
        let leader = elect(&mut c, Duration::from_secs(2));
        for x in 0..5 {
            c.propose(leader, x).expect("leader");
            c.run_for(Duration::from_millis(30));
        }
        c.crash(leader);
        c.run_for(Duration::from_secs(1));
        c
    }
    let a = run(99);
    let b = run(99);
    assert!(a.events.len() > 50);
    assert_eq!(a.events, b.events, "same seed, same events");
    assert_eq!(a.now(), b.now());
    let other = run(100);
    assert_ne!(a.events, other.events, "another seed, another run");
}

#[test]
fn same_seed_nodes_draw_identical_timeouts_section_5_2() {
    let a = fresh(3, 5, Config::default(), 1234);
    let b = fresh(3, 5, Config::default(), 1234);
    assert_eq!(a.election_deadline(), b.election_deadline());
}

// ----- extensions -----

#[test]
fn with_fixed_election_timeout_every_node_draws_the_minimum_unsafe_rules() {
    let config = Config {
        unsafe_rules: UnsafeRules {
            fixed_election_timeout: true,
            ..UnsafeRules::default()
        },
        ..Config::default()
    };
    for seed in 0..20 {
        assert_eq!(
            deadline(&fresh(0, 3, config.clone(), seed)),
            ms(150),
            "seed {seed}"
        );
    }
    // In a cluster everybody times out at once: every node starts an election at 150 ms.
    let mut c: Cluster<u64> = Cluster::new(5, config, 8);
    c.run_until_time(ms(150));
    let starters: BTreeSet<NodeId> = c
        .events
        .iter()
        .filter(|(t, _, e)| *t == ms(150) && matches!(e, Event::ElectionStarted { .. }))
        .map(|(_, id, _)| *id)
        .collect();
    assert_eq!(starters.len(), 5);
}

fn prevote_config(pre_vote: bool) -> Config {
    Config {
        pre_vote,
        ..Config::default()
    }
}

/// Elects a leader in 5 nodes, isolates a follower for two seconds, heals, makes the
/// isolated node time out at once (so that its vote requests reach the others before the
/// leader's next heartbeat reaches it), and lets the cluster settle. Returns (cluster,
/// old leader, isolated node, term before).
fn rejoin_after_partition(pre_vote: bool) -> (Cluster<u64>, NodeId, NodeId, Term) {
    let mut c: Cluster<u64> = Cluster::new(5, prevote_config(pre_vote), 31);
    let leader = elect(&mut c, Duration::from_secs(2));
    c.run_for(Duration::from_millis(100));
    let term = c.node(leader).expect("live").term();
    let loner = NodeId((leader.0 + 1) % 5);
    let rest: Vec<NodeId> = c.ids().iter().copied().filter(|&id| id != loner).collect();
    c.partition(&[&rest, &[loner]]);
    c.run_for(Duration::from_secs(2));
    c.heal();
    c.timeout_now(loner);
    c.run_for(Duration::from_secs(1));
    (c, leader, loner, term)
}

#[test]
fn with_pre_vote_a_rejoining_node_neither_raises_the_term_nor_deposes_the_leader_thesis_9_6() {
    let (mut c, leader, loner, term) = rejoin_after_partition(true);
    assert_eq!(c.leader(), Some(leader), "the leader kept its job");
    for &id in c.ids() {
        assert_eq!(c.node(id).expect("live").term(), term, "{id}");
    }
    assert!(
        c.events
            .iter()
            .any(|(_, id, e)| *id == loner
                && matches!(e, Event::ElectionStarted { pre_vote: true, .. })),
        "the isolated node did time out (and only pre-voted)"
    );
    assert!(!c.events.iter().any(|(_, id, e)| *id == loner
        && matches!(
            e,
            Event::ElectionStarted {
                pre_vote: false,
                ..
            }
        )));
    assert_eq!(c.node(loner).expect("live").role(), Role::Follower);
    // The others refused its pre-votes because they hear from a live leader.
    assert!(c.events.iter().any(|(_, _, e)| matches!(
        e,
        Event::VoteRefused {
            candidate,
            pre_vote: true,
            reason: VoteRefusal::LeaderStillActive,
            ..
        } if *candidate == loner
    )));
    assert_no_violations(&mut c);
}

#[test]
fn a_pre_vote_is_refused_while_a_leader_is_heard_and_granted_after_thesis_9_6() {
    let prevote = |from: u32, term: u64| Message {
        from: NodeId(from),
        to: NodeId(1),
        term: Term(term),
        body: Body::RequestVote {
            last_log_index: LogIndex(2),
            last_log_term: Term(2),
            pre_vote: true,
        },
    };
    let mut f = node_from(1, 3, prevote_config(true), state(2, None, &[1, 2]));
    f.step(ms(10), append(0, 1, 2, (2, 2), &[], 2)).expect("ok");
    let _ = f.take_ready();
    f.step(ms(60), prevote(2, 3)).expect("ok");
    let ready = f.take_ready();
    assert!(ready.events.contains(&Event::VoteRefused {
        candidate: NodeId(2),
        term: Term(3),
        pre_vote: true,
        reason: VoteRefusal::LeaderStillActive,
    }));
    assert_eq!(vote_grants(&ready), vec![(NodeId(2), false)]);
    assert_eq!(
        ready.messages[0].term,
        Term(2),
        "a refusal carries the voter's term"
    );
    // A pre-vote never changes the voter's term or vote, granted or not.
    assert_eq!((f.term(), f.voted_for()), (Term(2), None));
    assert!(ready.persist.is_empty());
    // Once the leader has been silent for the minimum election timeout, it is granted.
    f.step(ms(10 + 150), prevote(2, 3)).expect("ok");
    let ready = f.take_ready();
    assert_eq!(vote_grants(&ready), vec![(NodeId(2), true)]);
    assert_eq!(
        ready.messages[0].term,
        Term(3),
        "a grant echoes the asked term"
    );
    assert_eq!((f.term(), f.voted_for()), (Term(2), None));
    assert!(ready.persist.is_empty());
}

#[test]
fn without_pre_vote_a_rejoining_node_raises_the_term_and_deposes_the_leader_section_5_2() {
    let (mut c, leader, loner, term) = rejoin_after_partition(false);
    let loner_term = c.node(loner).expect("live").term();
    assert!(
        loner_term > term,
        "the isolated node campaigned: {loner_term:?}"
    );
    assert!(
        c.events.iter().any(|(_, id, e)| *id == leader
            && matches!(
                e,
                Event::RoleChanged {
                    from: Role::Leader,
                    cause: RoleChangeCause::HigherTerm(_),
                    ..
                }
            )),
        "the old leader was deposed by the higher term"
    );
    let new_leader = elect(&mut c, Duration::from_secs(2));
    assert!(c.node(new_leader).expect("live").term() > term);
    assert_no_violations(&mut c);
}

#[test]
fn with_pre_vote_a_lone_node_never_raises_its_own_term_thesis_9_6() {
    let mut n = fresh(0, 3, prevote_config(true), 5);
    for round in 1..=5u64 {
        let t = deadline(&n);
        n.handle_timeout(t);
        let ready = n.take_ready();
        assert_eq!(n.role(), Role::PreCandidate, "round {round}");
        assert_eq!(n.term(), Term(0), "a pre-vote does not touch the term");
        assert!(ready.persist.is_empty(), "nothing to persist");
        assert_eq!(ready.messages.len(), 2);
        for m in &ready.messages {
            assert_eq!(m.term, Term(1), "asks about the next term");
            assert!(matches!(m.body, Body::RequestVote { pre_vote: true, .. }));
        }
    }
    // Two pre-vote grants of three make it a real candidate.
    let t = deadline(&n);
    n.handle_timeout(t);
    let _ = n.take_ready();
    n.step(
        t,
        Message {
            from: NodeId(1),
            to: NodeId(0),
            term: Term(1),
            body: Body::RequestVoteResponse {
                granted: true,
                pre_vote: true,
            },
        },
    )
    .expect("ok");
    assert_eq!((n.role(), n.term()), (Role::Candidate, Term(1)));
}

fn cq_config() -> Config {
    Config {
        check_quorum: true,
        ..Config::default()
    }
}

#[test]
fn with_check_quorum_a_leader_cut_off_from_the_majority_steps_down_section_6() {
    let mut c: Cluster<u64> = Cluster::new(5, cq_config(), 41);
    let leader = elect(&mut c, Duration::from_secs(2));
    // While connected it keeps its job.
    c.run_for(Duration::from_secs(2));
    assert_eq!(c.leader(), Some(leader));
    let term = c.node(leader).expect("live").term();

    let rest: Vec<NodeId> = c.ids().iter().copied().filter(|&id| id != leader).collect();
    c.partition(&[&[leader], &rest]);
    let cut_at = c.now();
    // Counting which followers answered runs every election_timeout_max (300 ms), so a
    // leader notices the loss at the second check after the cut at the latest.
    let limit = Duration::from_millis(2 * 300 + 50);
    let stepped_down = c.run_until(limit, |c| {
        c.node(leader).is_some_and(|n| n.role() != Role::Leader)
    });
    assert!(stepped_down, "still leading {limit:?} after the cut");
    let (at, event) = c
        .events
        .iter()
        .rev()
        .find(|(_, id, e)| *id == leader && matches!(e, Event::RoleChanged { .. }))
        .map(|(t, _, e)| (*t, *e))
        .expect("a role change");
    assert_eq!(
        event,
        Event::RoleChanged {
            term,
            from: Role::Leader,
            to: Role::Follower,
            cause: RoleChangeCause::QuorumLost,
        }
    );
    assert!(
        at.since(cut_at) >= Duration::from_millis(150),
        "not before a timeout"
    );
}

#[test]
fn without_check_quorum_a_cut_off_leader_keeps_leading_section_5_2() {
    let mut c: Cluster<u64> = Cluster::new(5, Config::default(), 41);
    let leader = elect(&mut c, Duration::from_secs(2));
    let rest: Vec<NodeId> = c.ids().iter().copied().filter(|&id| id != leader).collect();
    c.partition(&[&[leader], &rest]);
    c.run_for(Duration::from_secs(2));
    assert_eq!(
        c.node(leader).expect("live").role(),
        Role::Leader,
        "the paper's basic algorithm has no quorum check"
    );
}

#[test]
fn with_check_quorum_a_follower_that_heard_a_leader_recently_ignores_a_disruptive_vote_section_6() {
    let mut f = node_from(1, 3, cq_config(), state(2, None, &[1, 2]));
    f.step(ms(10), append(0, 1, 2, (2, 2), &[], 2)).expect("ok");
    let _ = f.take_ready();
    let before = observe(&f);
    // Node 2 (equally up-to-date) asks for a vote in term 3, 50 ms after the heartbeat.
    f.step(ms(60), request_vote(2, 1, 3, 2, 2)).expect("ok");
    let ready = f.take_ready();
    assert!(ready.messages.is_empty(), "no vote, no reply");
    assert!(ready.persist.is_empty(), "no term change");
    assert!(ready.events.contains(&Event::VoteRefused {
        candidate: NodeId(2),
        term: Term(3),
        pre_vote: false,
        reason: VoteRefusal::LeaderStillActive,
    }));
    assert_eq!(observe(&f), before);

    // After the minimum election timeout without a heartbeat, the same request wins.
    f.step(ms(10 + 150), request_vote(2, 1, 3, 2, 2))
        .expect("ok");
    let ready = f.take_ready();
    assert_eq!(vote_grants(&ready), vec![(NodeId(2), true)]);
    assert_eq!(f.term(), Term(3));

    // Without check-quorum the request is granted at once.
    let mut g = follower(1, 3, 2, &[1, 2]);
    g.step(ms(10), append(0, 1, 2, (2, 2), &[], 2)).expect("ok");
    g.step(ms(60), request_vote(2, 1, 3, 2, 2)).expect("ok");
    assert_eq!(g.term(), Term(3));
    assert_eq!(g.voted_for(), Some(NodeId(2)));
}

/// Issue 13: a leader whose heartbeats reach a majority is not deposed by a larger term
/// (paper §6: "if a leader is able to get heartbeats to its cluster, then it will not be
/// deposed by larger term numbers").
#[test]
fn with_check_quorum_a_leader_heard_by_a_majority_ignores_a_disruptive_vote_section_6() {
    let mut l = leader_with(0, 3, 2, &[1, 2], ms(0), cq_config());
    // Node 1 acknowledges a heartbeat at 10 ms: with the leader, a majority of three.
    l.step(ms(10), append_ok(1, 0, 2, 2)).expect("ok");
    let _ = l.take_ready();
    let before = observe(&l);
    // Node 2, cut off long enough to reach term 5, asks for a vote 50 ms later.
    l.step(ms(60), request_vote(2, 0, 5, 2, 2)).expect("ok");
    let ready = l.take_ready();
    assert!(ready.messages.is_empty(), "no vote, no reply");
    assert!(ready.persist.is_empty(), "no term change");
    assert!(ready.events.contains(&Event::VoteRefused {
        candidate: NodeId(2),
        term: Term(5),
        pre_vote: false,
        reason: VoteRefusal::LeaderStillActive,
    }));
    assert_eq!(observe(&l), before);
    assert_eq!((l.role(), l.term()), (Role::Leader, Term(2)));

    // No majority heard within the minimum election timeout: no lease, and the higher
    // term wins as Figure 2 says.
    l.step(ms(10 + 150), request_vote(2, 0, 5, 2, 2))
        .expect("ok");
    let ready = l.take_ready();
    assert_eq!(vote_grants(&ready), vec![(NodeId(2), true)]);
    assert_eq!((l.role(), l.term()), (Role::Follower, Term(5)));

    // Without check-quorum the leader steps down at once.
    let mut m = leader(0, 3, 2, &[1, 2], ms(0));
    m.step(ms(10), append_ok(1, 0, 2, 2)).expect("ok");
    m.step(ms(60), request_vote(2, 0, 5, 2, 2)).expect("ok");
    assert_eq!((m.role(), m.term()), (Role::Follower, Term(5)));
}

/// Issue 13: a leader that has heard only from a minority has no lease.
#[test]
fn with_check_quorum_a_leader_heard_by_a_minority_has_no_lease_section_6() {
    let mut l = leader_with(0, 5, 2, &[1, 2], ms(0), cq_config());
    // One of four followers answers: two of five is not a majority.
    l.step(ms(10), append_ok(1, 0, 2, 2)).expect("ok");
    let _ = l.take_ready();
    l.step(ms(60), request_vote(2, 0, 5, 2, 2)).expect("ok");
    assert_eq!((l.role(), l.term()), (Role::Follower, Term(5)));
}

/// Issue 13 / thesis §9.6: with pre-vote and check-quorum together, a follower cut off
/// for seconds rejoins without raising anyone's term, and the leader keeps leading.
#[test]
fn with_pre_vote_and_check_quorum_a_partitioned_node_rejoins_without_raising_a_term_thesis_9_6() {
    let config = Config {
        pre_vote: true,
        check_quorum: true,
        ..Config::default()
    };
    let mut c: Cluster<u64> = Cluster::new(5, config, 77);
    let leader = elect(&mut c, Duration::from_secs(2));
    let term = c.node(leader).expect("live").term();
    let loner = c
        .ids()
        .iter()
        .copied()
        .find(|&id| id != leader)
        .expect("a follower");
    let rest: Vec<NodeId> = c.ids().iter().copied().filter(|&id| id != loner).collect();
    c.partition(&[&[loner], &rest]);
    c.run_for(Duration::from_secs(3));
    assert_eq!(
        c.node(loner).expect("live").term(),
        term,
        "pre-vote kept its term"
    );
    c.heal();
    c.run_for(Duration::from_secs(2));
    assert_eq!(c.leader(), Some(leader), "the same leader");
    for &id in c.ids() {
        assert_eq!(
            c.node(id).expect("live").term(),
            term,
            "{id:?} kept the term"
        );
    }
    assert_eq!(c.node(loner).expect("live").role(), Role::Follower);
    assert_no_violations(&mut c);
}

#[test]
fn a_granted_vote_names_the_terms_and_the_log_ends_it_compared_figure_2_request_vote() {
    // Figure 2, RequestVote receiver: the request's term 3 is not older than the voter's
    // 3; the voter has not voted in term 3; the candidate's log, ending at (2, 4), is at
    // least as up-to-date as the voter's, ending at (2, 3). The event carries all three,
    // for the page's rule panel to show.
    let mut v = follower(1, 3, 3, &[1, 2, 2]);
    v.step(ms(1), request_vote(0, 1, 3, 4, 2)).expect("ok");
    let ready = v.take_ready();
    assert!(ready.events.contains(&Event::VoteGranted {
        candidate: NodeId(0),
        term: Term(3),
        pre_vote: false,
        again: false,
        candidate_log: LogEnd {
            term: Term(2),
            index: LogIndex(4),
        },
        own_log: LogEnd {
            term: Term(2),
            index: LogIndex(3),
        },
    }));
    // A request of an older term is refused with the voter's term (§5.1).
    v.step(ms(2), request_vote(2, 1, 2, 9, 2)).expect("ok");
    assert!(v.take_ready().events.contains(&Event::VoteRefused {
        candidate: NodeId(2),
        term: Term(2),
        pre_vote: false,
        reason: VoteRefusal::StaleTerm { current: Term(3) },
    }));
}
