//! Messages no correct peer sends (the `Node` contract: "a message that makes no sense is
//! refused with a `StepError`", and "Refused messages change nothing").
//!
//! Each case checks the exact error, that every observable part of the node (role, term,
//! vote, log, commit index, leader, votes, progress, timers, persistent state) is the
//! same afterwards, and that the node produced no output at all: no reply, no persist op,
//! no event. Several malformed messages carry a term above the node's, so that adopting
//! it by mistake would show.

mod common;

use common::*;
use raft_core::{
    Entry, LogIndex, Malformed, Message, Node, NodeId, Payload, Role, StepError, Term,
};

/// Node 0 of 3, a follower in term 3 with log [1, 2, 2], commit index 2, following node 1.
fn settled_follower() -> Node<u64> {
    let mut f = follower(0, 3, 3, &[1, 2, 2]);
    f.step(ms(1), append(1, 0, 3, (3, 2), &[], 2)).expect("ok");
    let _ = f.take_ready();
    assert_eq!(f.commit_index(), LogIndex(2));
    assert_eq!(f.leader(), Some(NodeId(1)));
    f
}

/// Node 0 of 3, the leader of term 3 with log [1, 2, 2, 3]; node 1 has acknowledged 3.
fn settled_leader() -> Node<u64> {
    let mut l = leader(0, 3, 3, &[1, 2, 2], ms(0));
    l.propose(ms(1), 7).expect("leader");
    l.step(ms(2), append_ok(1, 0, 3, 3)).expect("ok");
    let _ = l.take_ready();
    l
}

fn assert_refused(mut node: Node<u64>, msg: Message<u64>, expected: StepError, what: &str) {
    let before = observe(&node);
    let result = node.step(ms(100), msg);
    assert_eq!(result, Err(expected), "{what}");
    assert_eq!(
        observe(&node),
        before,
        "{what}: the refused message changed the node"
    );
    let ready = node.take_ready();
    assert!(
        ready.is_empty(),
        "{what}: the node produced output {ready:?}"
    );
}

fn entry(term: u64) -> Entry<u64> {
    Entry {
        term: Term(term),
        payload: Payload::Command(1),
    }
}

#[test]
fn a_message_to_another_node_is_refused_and_changes_nothing() {
    let mut m = request_vote(1, 0, 9, 9, 9);
    m.to = NodeId(2);
    assert_refused(
        settled_follower(),
        m,
        StepError::NotForThisNode(NodeId(2)),
        "to node 2",
    );
    let mut m = append(1, 0, 9, (0, 0), &[], 0);
    m.to = NodeId(42);
    assert_refused(
        settled_follower(),
        m,
        StepError::NotForThisNode(NodeId(42)),
        "to node 42",
    );
}

#[test]
fn a_reply_from_a_non_member_is_refused_and_changes_nothing() {
    for (what, m) in [
        ("vote response", vote_response(7, 0, 9, true)),
        ("append response", append_ok(7, 0, 9, 1)),
    ] {
        assert_refused(
            settled_follower(),
            m.clone(),
            StepError::UnknownSender(NodeId(7)),
            what,
        );
        assert_refused(
            settled_leader(),
            m,
            StepError::UnknownSender(NodeId(7)),
            what,
        );
    }
}

#[test]
fn a_request_from_outside_the_configuration_is_answered_thesis_4_1() {
    // A leader's configuration may name this node before this node has appended it, so
    // a server answers requests from servers it does not know (thesis §4.1).
    let mut f = follower(0, 3, 3, &[1, 2, 2]);
    f.step(ms(1), append(7, 0, 4, (3, 2), &[4], 0))
        .expect("an AppendEntries from outside is taken");
    assert_eq!(f.leader(), Some(NodeId(7)));
    assert_eq!(f.log().last_index(), LogIndex(4));
}

#[test]
fn a_message_from_the_node_itself_is_refused_and_changes_nothing() {
    assert_refused(
        settled_follower(),
        request_vote(0, 0, 9, 9, 9),
        StepError::UnknownSender(NodeId(0)),
        "a vote request from itself",
    );
    assert_refused(
        settled_leader(),
        append_ok(0, 0, 3, 4),
        StepError::UnknownSender(NodeId(0)),
        "an ack from itself",
    );
}

#[test]
fn a_message_with_term_0_is_refused_and_changes_nothing() {
    let zero = StepError::Malformed(Malformed::ZeroTerm);
    for (what, m) in [
        ("RequestVote", request_vote(1, 0, 0, 0, 0)),
        ("AppendEntries", append(1, 0, 0, (0, 0), &[], 0)),
        ("vote response", vote_response(1, 0, 0, true)),
        ("append response", append_ok(1, 0, 0, 0)),
    ] {
        assert_refused(settled_follower(), m.clone(), zero, what);
        assert_refused(settled_leader(), m, zero, what);
    }
}

#[test]
fn impossible_log_positions_are_refused_and_change_nothing() {
    let bad = StepError::Malformed(Malformed::ImpossibleLogPosition);
    let cases = [
        ("empty log with a last term", request_vote(2, 0, 9, 0, 1)),
        ("entries without a last term", request_vote(2, 0, 9, 5, 0)),
        (
            "last term after the request's term",
            request_vote(2, 0, 9, 5, 10),
        ),
        ("index 0 with a term", append(2, 0, 9, (0, 2), &[], 0)),
        ("index with term 0", append(2, 0, 9, (2, 0), &[], 0)),
        (
            "previous term after the leader's",
            append(2, 0, 9, (2, 10), &[], 0),
        ),
    ];
    for (what, m) in cases {
        assert_refused(settled_follower(), m, bad, what);
    }
    // A rejection whose hint points at index 0, or past the rejected position.
    assert_refused(
        settled_leader(),
        append_rejected(1, 0, 3, 3, None, 0),
        bad,
        "hint at index 0",
    );
    assert_refused(
        settled_leader(),
        append_rejected(1, 0, 3, 3, Some(2), 5),
        bad,
        "hint past prev_log_index + 1",
    );
    assert_refused(
        settled_leader(),
        append_rejected(1, 0, 9, 3, None, 9),
        bad,
        "hint past prev_log_index + 1, higher term",
    );
}

#[test]
fn entries_from_the_future_are_refused_and_change_nothing() {
    assert_refused(
        settled_follower(),
        append(1, 0, 4, (3, 2), &[4, 5], 4),
        StepError::Malformed(Malformed::EntryFromTheFuture),
        "an entry of term 5 sent in term 4",
    );
}

#[test]
fn decreasing_entry_terms_are_refused_and_change_nothing() {
    let bad = StepError::Malformed(Malformed::EntryTermsDecrease);
    assert_refused(
        settled_follower(),
        append(1, 0, 9, (3, 2), &[4, 3], 0),
        bad,
        "terms 4 then 3",
    );
    assert_refused(
        settled_follower(),
        append(1, 0, 9, (3, 2), &[1], 0),
        bad,
        "an entry older than the previous one",
    );
    assert_refused(
        settled_follower(),
        append_raw(1, 0, 9, (0, 0), vec![entry(0)], 0),
        bad,
        "an entry of term 0",
    );
}

#[test]
fn an_index_overflow_is_refused_and_changes_nothing() {
    let bad = StepError::Malformed(Malformed::IndexOverflow);
    assert_refused(
        settled_follower(),
        append_raw(1, 0, 9, (u64::MAX, 1), vec![entry(1)], 0),
        bad,
        "one entry after u64::MAX",
    );
    assert_refused(
        settled_follower(),
        append_raw(1, 0, 9, (u64::MAX - 1, 1), vec![entry(1), entry(1)], 0),
        bad,
        "two entries after u64::MAX - 1",
    );
}

#[test]
fn a_success_ack_beyond_the_leaders_log_is_refused_and_changes_nothing() {
    let bad = StepError::Malformed(Malformed::MatchBeyondLog);
    assert_refused(settled_leader(), append_ok(1, 0, 3, 5), bad, "match 5 of 4");
    assert_refused(
        settled_leader(),
        append_ok(2, 0, 3, u64::MAX),
        bad,
        "match u64::MAX",
    );
}

#[test]
fn a_second_leader_claiming_the_same_term_is_refused_and_changes_nothing_figure_3() {
    assert_refused(
        settled_leader(),
        append(1, 0, 3, (0, 0), &[], 0),
        StepError::SecondLeaderInTerm(NodeId(1)),
        "heartbeat",
    );
    assert_refused(
        settled_leader(),
        append(2, 0, 3, (3, 2), &[3], 3),
        StepError::SecondLeaderInTerm(NodeId(2)),
        "conflicting entries",
    );
}

#[test]
fn extreme_but_well_formed_values_are_handled_without_refusal_or_panic() {
    // A heartbeat far beyond the log: a normal rejection.
    let mut f = settled_follower();
    f.step(ms(5), append(1, 0, 3, (u64::MAX, 3), &[], u64::MAX))
        .expect("well formed");
    let ready = f.take_ready();
    assert_eq!(
        ready.messages,
        vec![append_rejected(0, 1, 3, u64::MAX, None, 4)]
    );
    assert_eq!(f.commit_index(), LogIndex(2));
    // leaderCommit u64::MAX on a matching heartbeat: commit only up to the last entry.
    f.step(ms(6), append(1, 0, 3, (3, 2), &[], u64::MAX))
        .expect("well formed");
    assert_eq!(f.commit_index(), LogIndex(3));
    // A candidate claiming a huge log gets the vote: it is "at least as up-to-date".
    let mut f = settled_follower();
    f.step(ms(500), request_vote(2, 0, u64::MAX, u64::MAX, u64::MAX))
        .expect("well formed");
    assert_eq!((f.term(), f.voted_for()), (Term(u64::MAX), Some(NodeId(2))));
    // And that node's term cannot be incremented past the end: it saturates, no panic.
    f.timeout_now(ms(900)).expect("not a leader");
    assert_eq!(f.term(), Term(u64::MAX));
}

#[test]
fn a_refused_message_does_not_reset_the_election_timer_or_adopt_a_leader() {
    // A candidate must not step down for a malformed AppendEntries of a higher term.
    let cand = candidate(0, 3, 3, &[1], ms(0));
    let m = append(1, 0, 9, (1, 1), &[9, 8], 9);
    assert_refused(
        cand,
        m,
        StepError::Malformed(Malformed::EntryTermsDecrease),
        "candidate",
    );
    let cand = candidate(0, 3, 3, &[1], ms(0));
    let mut m = vote_response(1, 0, 3, true);
    m.from = NodeId(5);
    assert_refused(
        cand,
        m,
        StepError::UnknownSender(NodeId(5)),
        "a vote from a stranger",
    );
}

#[test]
fn a_refused_ack_does_not_count_as_a_sign_of_life_for_check_quorum() {
    // With check-quorum the leader clears each follower's "recently active" flag at every
    // check (every 300 ms). A refused message must not set it again, or a faulty peer
    // could keep a cut-off leader in office.
    let config = raft_core::Config {
        check_quorum: true,
        ..raft_core::Config::default()
    };
    let mut l = leader_with(0, 3, 3, &[1, 2, 2], ms(0), config);
    l.step(ms(2), append_ok(1, 0, 3, 3)).expect("ok");
    l.handle_timeout(ms(300));
    let _ = l.take_ready();
    assert_eq!(l.role(), Role::Leader);
    let progress = l.progress().expect("leader");
    assert!(
        progress.iter().all(|p| !p.recently_active),
        "flags cleared by the check: {progress:?}"
    );
    assert_refused(
        l,
        append_ok(2, 0, 3, 99),
        StepError::Malformed(Malformed::MatchBeyondLog),
        "bogus ack after a quorum check",
    );
}
