//! §5.1 of the Raft paper: terms and roles.
//!
//! "Each server stores a current term number, which increases monotonically over time.
//! [...] If one server's current term is smaller than the other's, then it updates its
//! current term to the larger value. If a candidate or leader discovers that its term is
//! out of date, it immediately reverts to follower state. If a server receives a request
//! with a stale term number, it rejects the request." Figure 2, "Rules for Servers / All
//! Servers": "If RPC request or response contains term T > currentTerm: set currentTerm =
//! T, convert to follower."

mod common;

use core::time::Duration;

use common::*;
use raft_core::testkit::Cluster;
use raft_core::{
    AppendOutcome, Body, Config, Event, IgnoreReason, LogIndex, Message, Node, NodeId, PersistOp,
    Rng, Role, RoleChangeCause, Term, VoteRefusal,
};

/// A node in `role` at term 3 in a 3-node cluster, id 0, log `[1, 2]`.
fn node_in_role(role: Role) -> Node<u64> {
    match role {
        Role::Follower => follower(0, 3, 3, &[1, 2]),
        Role::Candidate => candidate(0, 3, 3, &[1, 2], ms(0)),
        Role::Leader => leader(0, 3, 3, &[1, 2], ms(0)),
        Role::PreCandidate => unreachable!("not used here"),
    }
}

/// Every kind of message, sent by node 1 to node 0 with term 7, each well formed.
fn higher_term_messages() -> Vec<(&'static str, Message<u64>)> {
    vec![
        ("RequestVote", request_vote(1, 0, 7, 2, 2)),
        ("RequestVote response", vote_response(1, 0, 7, false)),
        ("AppendEntries", append(1, 0, 7, (2, 2), &[], 0)),
        (
            "AppendEntries response (rejected)",
            append_rejected(1, 0, 7, 2, None, 1),
        ),
        ("AppendEntries response (success)", append_ok(1, 0, 7, 0)),
    ]
}

#[test]
fn every_node_starts_as_a_follower_in_term_0_with_no_vote_and_an_empty_log_section_5_1() {
    let node: Node<u64> =
        Node::new(NodeId(2), &ids(5), Config::default(), 9, ms(0)).expect("valid node");
    assert_eq!(node.role(), Role::Follower);
    assert_eq!(node.term(), Term(0));
    assert_eq!(node.voted_for(), None);
    assert!(node.log().is_empty());
    assert_eq!(node.commit_index(), LogIndex(0));
    assert_eq!(node.leader(), None);

    let c: Cluster<u64> = Cluster::new(5, Config::default(), 1);
    for &id in c.ids() {
        let n = c.node(id).expect("live");
        assert_eq!((n.role(), n.term()), (Role::Follower, Term(0)), "{id}");
        assert_eq!(n.voted_for(), None, "{id}");
    }
    assert!(c.leaders().is_empty());
}

#[test]
fn terms_only_grow_through_elections_crashes_and_partitions_section_5_1() {
    let mut c: Cluster<u64> = Cluster::new(5, Config::default(), 77);
    let mut rng = Rng::new(2024);
    let mut last_seen = [Term(0); 5];
    let mut max_term = Term(0);
    for round in 0..200 {
        match rng.in_range(0, 10) {
            0 => {
                let id = NodeId(rng.in_range(0, 5) as u32);
                c.crash(id);
            }
            1 | 2 => {
                let id = NodeId(rng.in_range(0, 5) as u32);
                c.restart(id);
            }
            3 => {
                let a = NodeId(rng.in_range(0, 5) as u32);
                let b = NodeId(rng.in_range(0, 5) as u32);
                c.partition(&[&[a, b]]);
            }
            4 => c.heal(),
            5 => {
                if let Some(l) = c.leader() {
                    let _ = c.propose(l, round);
                }
            }
            _ => {}
        }
        c.run_for(Duration::from_millis(rng.in_range(5, 150)));
        for id in 0..5u32 {
            // A crashed node's term is whatever it persisted; a live one reports it.
            let term = c.node(NodeId(id)).map_or_else(
                || c.storage(NodeId(id)).expect("slot").hard_state.current_term,
                Node::term,
            );
            assert!(
                term >= last_seen[id as usize],
                "node {id}: term went from {:?} to {term:?} in round {round}",
                last_seen[id as usize]
            );
            last_seen[id as usize] = term;
            max_term = max_term.max(term);
        }
    }
    assert!(max_term > Term(3), "the run should hold several elections");
    for (_, id, e) in &c.events {
        if let Event::TermChanged { from, to } = e {
            assert!(to > from, "{id}: TermChanged from {from} to {to}");
        }
    }
    assert_no_violations(&mut c);
}

#[test]
fn any_message_with_a_higher_term_makes_every_role_adopt_it_and_become_follower_figure_2() {
    for role in [Role::Follower, Role::Candidate, Role::Leader] {
        for (what, msg) in higher_term_messages() {
            let mut node = node_in_role(role);
            assert_eq!(node.term(), Term(3));
            let is_append = matches!(msg.body, Body::AppendEntries { .. });
            node.step(ms(1), msg)
                .unwrap_or_else(|e| panic!("{role:?} refused {what}: {e}"));
            let ready = node.take_ready();
            assert_eq!(node.term(), Term(7), "{role:?} on {what}");
            assert_eq!(node.role(), Role::Follower, "{role:?} on {what}");
            assert!(
                ready.events.contains(&Event::TermChanged {
                    from: Term(3),
                    to: Term(7)
                }),
                "{role:?} on {what}: {:?}",
                ready.events
            );
            // The new term is made durable, with the vote of the old term forgotten (or
            // given to the requester in the new term).
            let hs = ready
                .persist
                .iter()
                .find_map(|op| match op {
                    PersistOp::HardState(hs) => Some(*hs),
                    _ => None,
                })
                .unwrap_or_else(|| panic!("{role:?} on {what}: term not persisted"));
            assert_eq!(hs.current_term, Term(7));
            assert_ne!(hs.voted_for, Some(NodeId(0)), "{role:?} on {what}");
            if role != Role::Follower {
                assert!(
                    ready.events.contains(&Event::RoleChanged {
                        term: Term(7),
                        from: role,
                        to: Role::Follower,
                        cause: RoleChangeCause::HigherTerm(NodeId(1)),
                    }),
                    "{role:?} on {what}: {:?}",
                    ready.events
                );
            }
            if is_append {
                assert_eq!(node.leader(), Some(NodeId(1)), "{role:?} on {what}");
            }
        }
    }
}

#[test]
fn a_follower_rejecting_a_stale_append_answers_with_a_hint_the_old_leader_accepts_section_5_1() {
    // The follower is ahead in both term and log: the rejection's conflict hint must
    // still be one the (stale) leader's validation accepts, or the leader would never
    // learn the higher term from it.
    let mut f = follower(1, 3, 5, &[1, 5, 5, 5, 5, 5]);
    f.step(ms(1), append(0, 1, 1, (1, 1), &[], 1))
        .expect("a stale request is answered, not refused");
    let ready = f.take_ready();
    assert_eq!(ready.messages.len(), 1);
    let reply = ready.messages[0].clone();
    assert_eq!(
        reply.term,
        Term(5),
        "the rejection carries the current term"
    );
    assert!(matches!(
        reply.body,
        Body::AppendEntriesResponse(AppendOutcome::Rejected { .. })
    ));

    let mut old_leader = leader(0, 3, 1, &[1], ms(0));
    old_leader
        .step(ms(2), reply)
        .expect("the old leader must accept the rejection");
    assert_eq!(old_leader.term(), Term(5));
    assert_eq!(old_leader.role(), Role::Follower);
}

#[test]
fn a_deposed_leader_that_only_hears_rejections_steps_down_section_5_1() {
    // Node 0 leads term 1 with a short log; it is partitioned while nodes 1 and 2 elect a
    // new leader and commit more entries. After healing, the new leader's own messages to
    // node 0 are lost, so node 0 can only learn of the new term from the rejections of
    // its heartbeats. Figure 2: it must convert to follower on those responses.
    let (a, b, cc) = (NodeId(0), NodeId(1), NodeId(2));
    let mut c: Cluster<u64> = Cluster::new(3, Config::default(), 5);
    force_win(&mut c, a, Duration::from_millis(50));
    c.propose(a, 1).expect("leader");
    c.run_for(Duration::from_millis(150));
    assert_eq!(c.node(b).expect("live").commit_index(), LogIndex(1));

    c.partition(&[&[a], &[b, cc]]);
    force_win(&mut c, b, Duration::from_millis(50));
    for x in 10..15 {
        c.propose(b, x).expect("leader");
    }
    c.run_for(Duration::from_millis(120));
    assert_eq!(c.node(cc).expect("live").commit_index(), LogIndex(6));
    assert_eq!(c.node(a).expect("live").role(), Role::Leader, "still stale");

    c.heal();
    c.cut_link(b, a);
    let stepped_down = c.run_until(Duration::from_millis(200), |c| {
        c.node(a).is_some_and(|n| n.role() == Role::Follower)
    });
    assert!(
        stepped_down,
        "the stale leader ignored rejections carrying term {:?}",
        c.node(b).expect("live").term()
    );
    assert_eq!(
        c.node(a).expect("live").term(),
        c.node(b).expect("live").term()
    );
    assert_no_violations(&mut c);
}

#[test]
fn a_stale_request_vote_is_refused_with_the_current_term_and_changes_nothing_section_5_1() {
    let mut n = follower(0, 3, 5, &[1, 2]);
    let before = observe(&n);
    n.step(ms(10), request_vote(1, 0, 4, 9, 4))
        .expect("answered");
    let ready = n.take_ready();
    assert_eq!(
        ready.messages,
        vec![vote_response(0, 1, 5, false)],
        "rejection carrying term 5"
    );
    assert!(ready.persist.is_empty());
    assert!(ready.events.contains(&Event::VoteRefused {
        candidate: NodeId(1),
        term: Term(4),
        pre_vote: false,
        reason: VoteRefusal::StaleTerm { current: Term(5) },
    }));
    assert_eq!(observe(&n), before);
}

#[test]
fn a_stale_append_entries_is_rejected_with_the_current_term_and_does_not_reset_the_timer_section_5_1()
 {
    let mut n = follower(0, 3, 5, &[1, 2]);
    let before = observe(&n);
    n.step(ms(100), append(1, 0, 4, (2, 2), &[4], 2))
        .expect("answered");
    let ready = n.take_ready();
    assert_eq!(ready.messages.len(), 1);
    let reply = &ready.messages[0];
    assert_eq!((reply.to, reply.term), (NodeId(1), Term(5)));
    assert!(
        matches!(
            reply.body,
            Body::AppendEntriesResponse(AppendOutcome::Rejected { .. })
        ),
        "{reply:?}"
    );
    assert!(
        ready.persist.is_empty(),
        "no entry appended, no term change"
    );
    assert_eq!(
        observe(&n),
        before,
        "log, commit index, leader and election timer untouched"
    );
}

#[test]
fn a_stale_vote_grant_is_not_counted_section_5_1() {
    let mut cand = candidate(0, 3, 4, &[1], ms(0));
    let before = observe(&cand);
    cand.step(ms(1), vote_response(1, 0, 3, true))
        .expect("answered");
    let ready = cand.take_ready();
    assert!(ready.events.contains(&Event::MessageIgnored {
        from: NodeId(1),
        reason: IgnoreReason::Stale
    }));
    assert!(ready.messages.is_empty() && ready.persist.is_empty());
    assert_eq!(
        cand.role(),
        Role::Candidate,
        "one stale vote must not elect it"
    );
    assert_eq!(observe(&cand), before);
}

#[test]
fn a_stale_append_response_does_not_move_the_leaders_progress_section_5_1() {
    let mut l = leader(0, 3, 4, &[1, 1], ms(0));
    let before = observe(&l);
    // A success from term 3 claiming the whole log: it must not count towards commit.
    l.step(ms(1), append_ok(1, 0, 3, 2)).expect("answered");
    l.step(ms(1), append_ok(2, 0, 3, 2)).expect("answered");
    // And a stale rejection must not move nextIndex back.
    l.step(ms(1), append_rejected(1, 0, 3, 2, None, 1))
        .expect("answered");
    let ready = l.take_ready();
    assert_eq!(
        ready
            .events
            .iter()
            .filter(|e| matches!(
                e,
                Event::MessageIgnored {
                    reason: IgnoreReason::Stale,
                    ..
                }
            ))
            .count(),
        3
    );
    assert!(ready.messages.is_empty() && ready.persist.is_empty());
    assert_eq!(l.commit_index(), LogIndex(0));
    assert_eq!(observe(&l), before);
}

#[test]
fn a_vote_response_to_a_follower_is_ignored_section_5_1() {
    let mut f = follower(0, 3, 4, &[1]);
    let before = observe(&f);
    f.step(ms(1), vote_response(1, 0, 4, true))
        .expect("answered");
    f.step(ms(1), vote_response(2, 0, 3, true))
        .expect("answered");
    let ready = f.take_ready();
    assert!(ready.messages.is_empty() && ready.persist.is_empty());
    assert_eq!(f.role(), Role::Follower);
    assert_eq!(observe(&f), before);
}
