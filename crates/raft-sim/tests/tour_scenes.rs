//! Every tour scene, played step by step as the reader plays it (`SceneRun::new`, then
//! `Timeline::seek_moment` to each step's moment): at each step the protocol's own
//! state is what the caption says. Then what holds for every step of every scene
//! (subjects, placeholders, Back), and each scene's task done in the sandbox.
//!
//! Article steps are cited by section (the article's headings); the paper's by section
//! ("In Search of an Understandable Consensus Algorithm", Ongaro and Ousterhout).

use std::collections::BTreeSet;
use std::time::Duration;

use raft_sim::network::Endpoint;
use raft_sim::raft_core::{Body, Instant, LogIndex, MessageKind as Kind, NodeId, Payload, Role};
use raft_sim::scene::{self, Fill, MessageKind, Scene, SceneRun, Subject};
use raft_sim::{Action, Op, Packet, Property, Timeline, World};

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);
const C: NodeId = NodeId(2);
const D: NodeId = NodeId(3);
const E: NodeId = NodeId(4);

// ----- playing a scene -----

/// Plays scene `id` as the tour does and returns its run, the world at each step (in
/// order) and the timeline, left at the last step. Checks the steps' ids.
fn play(id: &str, steps: &[&str]) -> (SceneRun, Vec<World>, Timeline) {
    let scene = scene::by_id(id).expect("a scene");
    let (run, mut tl) = SceneRun::new(scene).expect("valid scene");
    assert!(run.is_complete(), "{id}: every waypoint is reached");
    let ids: Vec<&str> = run.reached().map(|(w, _)| w.id).collect();
    assert_eq!(ids, steps, "{id}: the steps, in order");
    let mut worlds = Vec::new();
    for (w, m) in run.reached() {
        tl.seek_moment(m.at, m.steps);
        assert!((w.reached)(tl.world()), "{id}/{}", w.id);
        worlds.push(tl.world().clone());
    }
    (run, worlds, tl)
}

fn role(w: &World, id: NodeId) -> Option<Role> {
    w.node(id).map(|n| n.role())
}

/// The current term (the saved one while down).
fn term(w: &World, id: NodeId) -> u64 {
    w.server(id)
        .map_or(0, |s| s.storage().hard_state.current_term.0)
}

fn voted_for(w: &World, id: NodeId) -> Option<NodeId> {
    w.server(id).and_then(|s| s.storage().hard_state.voted_for)
}

fn votes(w: &World, id: NodeId) -> usize {
    w.node(id).map_or(0, |n| n.votes_granted().len())
}

fn refused(w: &World, id: NodeId) -> usize {
    w.node(id).map_or(0, |n| n.votes_refused().len())
}

fn down(w: &World, id: NodeId) -> bool {
    w.server(id).is_none_or(|s| s.is_down())
}

fn leads(w: &World, id: NodeId) -> bool {
    role(w, id) == Some(Role::Leader)
}

fn follows(w: &World, id: NodeId, leader: NodeId) -> bool {
    w.node(id)
        .is_some_and(|n| n.role() == Role::Follower && n.leader() == Some(leader))
}

fn leaders(w: &World) -> Vec<NodeId> {
    w.ids().iter().copied().filter(|&id| leads(w, id)).collect()
}

fn value(w: &World, id: NodeId) -> i64 {
    w.server(id).map_or(0, |s| s.machine().value())
}

fn commit(w: &World, id: NodeId) -> u64 {
    w.node(id).map_or(0, |n| n.commit_index().0)
}

fn log_len(w: &World, id: NodeId) -> u64 {
    w.server(id).map_or(0, |s| s.storage().log.last_index().0)
}

/// The term of `id`'s entry at `index`, if it has one.
fn at(w: &World, id: NodeId, index: u64) -> Option<u64> {
    w.server(id)
        .and_then(|s| s.storage().log.term_at(LogIndex(index)))
        .map(|t| t.0)
}

/// The operation of `id`'s entry at `index`, if it is a command.
fn op_at(w: &World, id: NodeId, index: u64) -> Option<Op> {
    let s = w.server(id)?;
    match &s.storage().log.get(LogIndex(index))?.payload {
        Payload::Command(c) => Some(c.op),
        Payload::Noop | Payload::Config(_) => None,
    }
}

fn last_term(w: &World, id: NodeId) -> u64 {
    w.server(id).map_or(0, |s| s.storage().log.last_term().0)
}

/// How many servers hold an entry of `term` at `index`.
fn holders(w: &World, index: u64, term: u64) -> usize {
    w.ids()
        .iter()
        .filter(|&&id| at(w, id, index) == Some(term))
        .count()
}

fn majority(w: &World) -> usize {
    w.ids().len() / 2 + 1
}

fn in_flight(w: &World, kind: Kind) -> usize {
    w.flights()
        .filter(|f| matches!(&f.packet, Packet::Raft(m) if m.kind() == kind))
        .count()
}

fn appends_with_entries(w: &World) -> usize {
    w.flights()
        .filter(|f| {
            matches!(&f.packet, Packet::Raft(m)
                if matches!(&m.body, Body::AppendEntries { entries, .. } if !entries.is_empty()))
        })
        .count()
}

fn client_acked(w: &World) -> Option<i64> {
    w.clients()
        .first()
        .and_then(|c| c.last_completed())
        .map(|c| c.value)
}

fn all(w: &World, pred: impl Fn(NodeId) -> bool) -> bool {
    w.ids().iter().all(|&id| pred(id))
}

/// The numbers a step's caption shows.
fn nums(run: &SceneRun, step: usize) -> Vec<i64> {
    run.fill(step)
        .iter()
        .map(|f| match *f {
            Fill::Num(n) => n,
            Fill::Node(id) => -1 - i64::from(id.0),
        })
        .collect()
}

/// A node as a caption shows it (see [`nums`]).
fn node(id: NodeId) -> i64 {
    -1 - i64::from(id.0)
}

// ----- the article, section by section -----

/// 什么是分布式一致性: a single node A storing a value; a client updates it.
#[test]
fn consensus_one_node_stores_the_clients_value_article_what_is_consensus() {
    let (run, w, _) = play(
        "consensus",
        &["one-node", "alone", "request", "stored", "answered", "many"],
    );
    assert_eq!(w[0].ids().len(), 1);
    assert_eq!(role(&w[0], A), Some(Role::Follower));
    assert_eq!(value(&w[0], A), 0);
    // A cluster of one is its own majority: it elects itself.
    assert!(leads(&w[1], A));
    assert_eq!(nums(&run, 1), [1]);
    assert_eq!(log_len(&w[2], A), 0, "the request is still on its way");
    assert!(
        w[2].flights()
            .any(|f| matches!(f.packet, Packet::Request { .. }))
    );
    assert_eq!((value(&w[3], A), commit(&w[3], A)), (5, 1));
    assert_eq!(nums(&run, 3), [5]);
    assert_eq!(client_acked(&w[4]), Some(5));
    assert_eq!(value(&w[5], A), 5);
}

/// 什么是分布式一致性 (the three states): Follower, Candidate, Leader.
#[test]
fn states_a_follower_becomes_candidate_then_leader_article_three_states() {
    let (_, w, _) = play(
        "states",
        &["followers", "candidate", "leader", "one-leader"],
    );
    assert!(all(&w[0], |id| role(&w[0], id) == Some(Role::Follower)));
    assert!(all(&w[0], |id| term(&w[0], id) == 0));
    assert_eq!(role(&w[1], B), Some(Role::Candidate));
    assert_eq!(voted_for(&w[1], B), Some(B));
    assert_eq!(role(&w[1], A), Some(Role::Follower));
    assert_eq!(leaders(&w[2]), [B]);
    assert!(follows(&w[3], A, B) && follows(&w[3], C, B));
    assert_eq!(leaders(&w[3]), [B], "one leader at a time");
}

/// Leader选举: all start as followers; one times out, becomes candidate, asks for
/// votes and wins with more than n/2.
#[test]
fn election_a_candidate_wins_with_more_than_half_the_votes_article_leader_election() {
    let (run, w, _) = play(
        "election",
        &[
            "followers",
            "candidate",
            "votes",
            "leader",
            "followers-follow",
        ],
    );
    assert!(all(&w[0], |id| role(&w[0], id) == Some(Role::Follower)));
    assert!(all(&w[0], |id| {
        w[0].node(id).and_then(|n| n.election_deadline()).is_some()
    }));
    assert_eq!(role(&w[1], A), Some(Role::Candidate));
    assert_eq!((term(&w[1], A), votes(&w[1], A)), (1, 1));
    assert!(in_flight(&w[1], Kind::VoteRequest) >= 2);
    assert_eq!(
        (voted_for(&w[2], B), voted_for(&w[2], C)),
        (Some(A), Some(A))
    );
    assert_eq!(
        role(&w[2], A),
        Some(Role::Candidate),
        "the replies are still on their way"
    );
    assert!(leads(&w[3], A));
    assert_eq!(nums(&run, 3), [2]);
    assert!(2 * nums(&run, 3)[0] > 3, "2 votes of 3 is more than n/2");
    assert!(follows(&w[4], B, A) && follows(&w[4], C, A));
}

/// 日志复制流程, the article's seven steps.
#[test]
fn replication_follows_the_seven_steps_article_log_replication() {
    let (run, w, _) = play(
        "replication",
        &[
            "leader",
            "request",
            "replicate",
            "majority",
            "leader-commits",
            "tell-followers",
            "followers-commit",
            "agreed",
        ],
    );
    assert!(leads(&w[0], A));
    // 1. The client's change reaches the leader, which appends it, uncommitted.
    assert_eq!((log_len(&w[1], A), commit(&w[1], A)), (1, 0));
    assert_eq!(op_at(&w[1], A, 1), Some(Op::Set(5)));
    assert_eq!((log_len(&w[1], B), log_len(&w[1], C)), (0, 0));
    // 2. The leader sends it to the followers.
    assert_eq!(appends_with_entries(&w[2]), 2);
    // 3. It waits for a majority: here C holds it, and A has not committed.
    assert_eq!(holders(&w[3], 1, 1), 2);
    assert_eq!(commit(&w[3], A), 0);
    assert_eq!(nums(&run, 3), [2]);
    // 4. The leader commits and updates its value.
    assert_eq!((commit(&w[4], A), value(&w[4], A)), (1, 5));
    assert_eq!((commit(&w[4], B), commit(&w[4], C)), (0, 0));
    // 5. It tells the followers.
    assert!(w[5].flights().any(|f| matches!(&f.packet, Packet::Raft(m)
        if matches!(m.body, Body::AppendEntries { leader_commit, .. } if leader_commit.0 == 1))));
    // 6. The followers commit.
    assert_eq!(
        [value(&w[6], B), value(&w[6], C)]
            .iter()
            .filter(|&&v| v == 5)
            .count(),
        1
    );
    // 7. The cluster agrees.
    assert!(all(&w[7], |id| value(&w[7], id) == 5 && commit(&w[7], id) == 1));
}

/// term选举周期: one leader at most per term; terms only grow.
#[test]
fn terms_a_new_leader_takes_a_higher_term_and_the_old_one_adopts_it_article_term() {
    let (run, w, _) = play(
        "terms",
        &[
            "term-1",
            "crash",
            "candidate",
            "term-2",
            "restart",
            "rejoin",
        ],
    );
    assert_eq!((leaders(&w[0]), term(&w[0], A)), (vec![A], 1));
    assert!(down(&w[1], A));
    assert_eq!((term(&w[1], B), term(&w[1], C)), (1, 1));
    assert_eq!((role(&w[2], C), term(&w[2], C)), (Some(Role::Candidate), 2));
    assert_eq!(nums(&run, 2), [node(C), 2]);
    assert_eq!((leaders(&w[3]), term(&w[3], C)), (vec![C], 2));
    assert!(
        !down(&w[4], A) && term(&w[4], A) == 1,
        "A restarts with its saved term"
    );
    assert_eq!(nums(&run, 4), [1, 2]);
    assert!(follows(&w[5], A, C) && term(&w[5], A) == 2);
    // Terms never go down, and no term had two leaders (Election Safety, §5.2).
    for pair in w.windows(2) {
        assert!(all(&pair[1], |id| term(&pair[1], id) >= term(&pair[0], id)));
    }
    assert_eq!(w[5].checker().first_broken(Property::ElectionSafety), None);
}

/// timeout: a random election timeout (150-300 ms), and the heartbeat timeout.
#[test]
fn timeouts_are_random_and_heartbeats_keep_the_leader_article_timeout() {
    let (run, w, _) = play(
        "timeouts",
        &[
            "election-timeout",
            "first",
            "leader",
            "heartbeat-timeout",
            "reset",
        ],
    );
    let deadlines: BTreeSet<u64> = w[0]
        .servers()
        .iter()
        .filter_map(|s| s.node()?.election_deadline())
        .map(|d| d.as_micros())
        .collect();
    assert_eq!(deadlines.len(), 3, "three different timeouts");
    assert!(deadlines.iter().all(|&d| (150_000..300_000).contains(&d)));
    assert_eq!(nums(&run, 0), [150, 300]);
    let candidates: Vec<NodeId> = w[1]
        .ids()
        .iter()
        .copied()
        .filter(|&id| role(&w[1], id) == Some(Role::Candidate))
        .collect();
    assert_eq!(candidates, [C], "the shortest timer ends first, alone");
    assert_eq!(leaders(&w[2]), [C]);
    assert!(w[3].flights().any(|f| f.from == Endpoint::Node(C)
        && matches!(&f.packet, Packet::Raft(m) if m.kind() == Kind::AppendRequest)));
    assert_eq!(nums(&run, 3), [50]);
    // A second later, still term 1: every heartbeat pushed the followers' timers on.
    assert!(w[4].now().as_micros() >= 1_200_000);
    assert!(all(&w[4], |id| term(&w[4], id) == 1));
    for id in [A, B] {
        let deadline = w[4]
            .node(id)
            .and_then(|n| n.election_deadline())
            .expect("a timer");
        assert!(deadline > w[4].now(), "{id:?}'s timer is in the future");
    }
}

/// 选举和选举timeout, the four steps.
#[test]
fn election_timeout_four_steps_article_election_and_election_timeout() {
    let (run, w, _) = play(
        "election-timeout",
        &["timeout", "adopt", "majority", "replication"],
    );
    // 1. Timeout, term + 1, a vote for itself, requests to the others.
    assert_eq!(
        (role(&w[0], C), term(&w[0], C), votes(&w[0], C)),
        (Some(Role::Candidate), 1, 1)
    );
    assert_eq!(in_flight(&w[0], Kind::VoteRequest), 4);
    assert_eq!(nums(&run, 0), [1, 1]);
    // 2. A receiver adopts the higher term and, not having voted in it, votes.
    let voters: Vec<NodeId> = [A, B, D, E]
        .into_iter()
        .filter(|&id| term(&w[1], id) == 1 && voted_for(&w[1], id) == Some(C))
        .collect();
    assert_eq!(voters.len(), 1);
    // 3. A majority makes C leader.
    assert!(leads(&w[2], C));
    assert_eq!(nums(&run, 2), [3, 5]);
    // 4. Replication begins.
    assert!([A, B, D, E].iter().all(|&id| follows(&w[3], id, C)));
}

/// 选举分裂: four nodes; B and C time out together; A votes B, D votes C; two votes is
/// not more than n/2; a new term; one wins.
#[test]
fn split_vote_two_candidates_tie_then_one_wins_a_later_term_article_split_vote() {
    let (run, w, _) = play(
        "split-vote",
        &[
            "candidates",
            "votes-split",
            "no-majority",
            "new-term",
            "leader",
        ],
    );
    let t = term(&w[0], B);
    assert_eq!(
        (role(&w[0], B), role(&w[0], C)),
        (Some(Role::Candidate), Some(Role::Candidate))
    );
    assert_eq!(term(&w[0], C), t);
    assert_eq!(
        (voted_for(&w[1], A), voted_for(&w[1], D)),
        (Some(B), Some(C))
    );
    assert_eq!((votes(&w[1], B), votes(&w[1], C)), (2, 2));
    assert_eq!(nums(&run, 1), [2]);
    // Two of four is not more than n/2 = 2: nobody leads term t.
    assert_eq!((votes(&w[2], B), refused(&w[2], B)), (2, 2));
    assert_eq!((votes(&w[2], C), refused(&w[2], C)), (2, 2));
    assert!(leaders(&w[2]).is_empty());
    assert_eq!(nums(&run, 2), [2, 2]);
    assert!(term(&w[3], B) > t && role(&w[3], B) == Some(Role::Candidate));
    assert!(
        leaders(&w[3]).is_empty(),
        "no leader was ever elected in term {t}"
    );
    assert_eq!(leaders(&w[4]), [B]);
    assert!(term(&w[4], B) > t);
    assert_eq!(nums(&run, 4), [node(B), 2]);
}

/// 日志复制和心跳timeout: set 5 goes out with the next heartbeat; a majority acks; the
/// leader commits and tells the client and the followers.
#[test]
fn heartbeat_carries_set_5_then_the_leader_commits_and_tells_all_article_heartbeat() {
    let (run, w, _) = play(
        "heartbeat",
        &[
            "leader",
            "waiting",
            "sent",
            "committed",
            "client-told",
            "followers-told",
        ],
    );
    assert!(leads(&w[0], A) && in_flight(&w[0], Kind::AppendRequest) == 2);
    assert_eq!(nums(&run, 0), [50]);
    // 1. Appended, but not sent until the heartbeat timeout.
    assert_eq!((log_len(&w[1], A), appends_with_entries(&w[1])), (1, 0));
    assert_eq!((log_len(&w[1], B), log_len(&w[1], C)), (0, 0));
    assert_eq!(appends_with_entries(&w[2]), 2);
    let wait = w[2].now().since(w[1].now());
    assert!(
        wait <= Duration::from_millis(50),
        "sent with the next heartbeat ({wait:?})"
    );
    // 2. Committed on a majority's acks.
    assert_eq!((commit(&w[3], A), value(&w[3], A)), (1, 5));
    assert!(holders(&w[3], 1, 1) >= 2);
    // 3. The client, then the followers.
    assert_eq!(client_acked(&w[4]), Some(5));
    assert!(all(&w[5], |id| value(&w[5], id) == 5));
}

// ----- beyond the article -----

/// A leader crash: the followers time out, a new leader in a higher term keeps the
/// committed entry (§5.2, §5.4), the old leader restarts and follows.
#[test]
fn crash_a_new_leader_in_a_higher_term_and_the_old_one_follows_paper_5_2() {
    let (run, w, _) = play(
        "crash",
        &[
            "leader",
            "crash",
            "candidate",
            "new-leader",
            "restart",
            "follows",
        ],
    );
    assert!(leads(&w[0], A) && all(&w[0], |id| value(&w[0], id) == 5));
    assert!(down(&w[1], A));
    assert_eq!((role(&w[2], C), term(&w[2], C)), (Some(Role::Candidate), 2));
    assert_eq!(leaders(&w[3]), [C]);
    assert_eq!(nums(&run, 3), [3, node(C), 2]);
    assert_eq!(
        at(&w[3], C, 1),
        Some(1),
        "the committed set 5 is in the new leader's log"
    );
    assert!(!down(&w[4], A) && term(&w[4], A) == 1 && at(&w[4], A, 1) == Some(1));
    assert!(follows(&w[5], A, C) && term(&w[5], A) == 2);
}

/// A partition 2 | 3: two leaders in different terms; only the majority commits; on
/// healing the minority's uncommitted entry is replaced (§5.3).
#[test]
fn partition_the_minority_cannot_commit_and_healing_rolls_it_back_paper_5_3() {
    let (run, w, _) = play(
        "partition",
        &[
            "leader",
            "split",
            "second-leader",
            "majority-commits",
            "minority-stuck",
            "healed",
            "rolled-back",
            "converged",
        ],
    );
    assert!(leads(&w[0], A));
    assert!(w[1].links().is_cut(A, C) && !w[1].links().is_cut(A, B));
    assert!(leads(&w[2], A) && leads(&w[2], C));
    assert_eq!((term(&w[2], A), term(&w[2], C)), (1, 2));
    assert_eq!(nums(&run, 2), [node(C), 2, 1]);
    assert_eq!((value(&w[3], C), commit(&w[3], C)), (7, 1));
    assert!(holders(&w[3], 1, 2) >= 3);
    // The minority's entry: on A and B, two of five, never committed.
    assert_eq!(op_at(&w[4], A, 1), Some(Op::Set(5)));
    assert_eq!((holders(&w[4], 1, 1), commit(&w[4], A)), (2, 0));
    assert!(leads(&w[4], A));
    assert!(!w[5].links().any_cut() && leads(&w[5], A));
    // Rolled back: A's index 1 is now the leader's set 7 of term 2.
    assert!(follows(&w[6], A, C));
    assert_eq!(
        (at(&w[6], A, 1), op_at(&w[6], A, 1)),
        (Some(2), Some(Op::Set(7)))
    );
    assert!(all(&w[7], |id| value(&w[7], id) == 5));
    assert_eq!(client_acked(&w[7]), Some(5));
    assert_eq!(nums(&run, 7), [node(C), 2, 5]);
}

/// The steps of Figure 8 both scenes share: (a) to the election of (c).
fn figure_8_common(w: &[World]) {
    // B led term 1; index 1 is committed everywhere.
    assert!(all(&w[0], |id| at(&w[0], id, 1) == Some(1)
        && value(&w[0], id) == 1));
    // (a) A leads term 2; index 2 (term 2) only on A and B.
    assert!(leads(&w[1], A) && term(&w[1], A) == 2);
    assert_eq!((at(&w[1], A, 2), at(&w[1], B, 2)), (Some(2), Some(2)));
    assert_eq!(holders(&w[1], 2, 2), 2);
    assert!(commit(&w[1], A) < 2);
    // (b) A down; E leads term 3 with C's and D's votes, B refused.
    assert!(down(&w[2], A) && leads(&w[2], E) && term(&w[2], E) == 3);
    assert_eq!(
        (voted_for(&w[2], C), voted_for(&w[2], D)),
        (Some(E), Some(E))
    );
    assert_ne!(voted_for(&w[2], B), Some(E));
    // E appended a different entry at index 2 (term 3) and crashed with it alone.
    assert!(down(&w[3], E));
    assert_eq!((at(&w[3], E, 2), holders(&w[3], 2, 3)), (Some(3), 1));
    // (c) A leads term 4, with B, C and D.
    assert!(leads(&w[4], A) && term(&w[4], A) == 4);
    assert!([B, C, D].iter().all(|&id| voted_for(&w[4], id) == Some(A)));
}

/// The paper's Figure 8 (§5.4.2) with the current-term rule: at (c) index 2 is on a
/// majority but not committed; at (e) an entry of A's term commits it; E can then no
/// longer win.
#[test]
fn figure_8_an_old_terms_entry_commits_only_through_the_current_term_paper_5_4_2() {
    let (run, w, tl) = play(
        "figure-8",
        &[
            "start",
            "a",
            "b",
            "b-entry",
            "c-leader",
            "c",
            "d-risk",
            "e-entry",
            "e-committed",
            "e-safe",
            "e-new-leader",
        ],
    );
    assert!(!tl.setup().raft.append_noop_on_election);
    assert!(!tl.setup().raft.unsafe_rules.any());
    figure_8_common(&w);
    assert_eq!(nums(&run, 0), [1]);
    assert_eq!(nums(&run, 4), [3, 4]);
    // (c) On a majority, yet not committed: it is not of A's term.
    assert!(holders(&w[5], 2, 2) >= majority(&w[5]));
    assert!(commit(&w[5], A) < 2 && term(&w[5], A) == 4);
    assert_eq!(nums(&run, 5), [2, 4, 4]);
    // (d) E could still be elected by B, C and D: its last term beats theirs.
    assert!(commit(&w[6], A) < 2);
    assert!(
        [B, C, D]
            .iter()
            .all(|&id| last_term(&w[6], E) > last_term(&w[6], id))
    );
    // (e) An entry of term 4 at index 3, then on a majority: index 3 and 2 commit.
    assert_eq!(at(&w[7], A, 3), Some(4));
    assert!(commit(&w[7], A) < 2);
    assert!(holders(&w[8], 3, 4) >= majority(&w[8]));
    assert!(commit(&w[8], A) >= 3 && value(&w[8], A) == 2);
    assert_eq!(nums(&run, 8), [3]);
    // Now E cannot win: its log is behind a majority's.
    assert!(down(&w[9], A) && role(&w[9], E) == Some(Role::Candidate));
    assert!(refused(&w[9], E) >= 3);
    assert_eq!(nums(&run, 9)[1..], [3, 4]);
    let l = leaders(&w[10]);
    assert!(l.len() == 1 && l[0] != A && l[0] != E);
    assert_eq!(at(&w[10], E, 2), Some(2), "E's term-3 entry was replaced");
    assert_eq!(w[10].checker().total(), 0);
}

/// Figure 8 without the current-term rule (§5.4.2): A commits the old entry by counting
/// at (c); at (d) E is elected and overwrites it; the checker reports Leader
/// Completeness and State Machine Safety broken.
#[test]
fn figure_8_unsafe_an_entry_committed_by_counting_is_overwritten_paper_5_4_2() {
    let (run, w, tl) = play(
        "figure-8-unsafe",
        &[
            "start",
            "a",
            "b",
            "b-entry",
            "c-leader",
            "c-counted",
            "d-crash",
            "d-leader",
            "d-overwritten",
            "violation",
        ],
    );
    assert!(tl.setup().raft.unsafe_rules.commit_old_terms_by_counting);
    figure_8_common(&w);
    // (c) Committed by counting: index 2 is of term 2, A's term is 4.
    assert!(holders(&w[5], 2, 2) >= majority(&w[5]));
    assert!(commit(&w[5], A) >= 2 && at(&w[5], A, 2) == Some(2) && term(&w[5], A) == 4);
    assert_eq!(w[5].checker().total(), 0, "nothing is wrong yet");
    // (d) A down, E back; E wins without the committed entry.
    assert!(down(&w[6], A) && !down(&w[6], E));
    assert!(leads(&w[7], E) && at(&w[7], E, 2) == Some(3));
    assert_eq!(nums(&run, 7), [5, 3, 2]);
    assert!(
        w[7].checker()
            .first_broken(Property::LeaderCompleteness)
            .is_some()
    );
    // E overwrites index 2 on B, C and D.
    assert_eq!((holders(&w[8], 2, 3), holders(&w[8], 2, 2)), (4, 1));
    let v = &w[9];
    assert!(v.checker().total() > 0);
    assert!(
        v.checker()
            .first_broken(Property::StateMachineSafety)
            .is_some()
    );
    assert_eq!(
        nums(&run, 9),
        [i64::try_from(v.checker().total()).expect("small")]
    );
}

/// Without the election restriction (§5.4.1) a server lacking a committed entry wins
/// and overwrites it.
#[test]
fn unsafe_vote_a_stale_candidate_wins_and_overwrites_a_committed_entry_paper_5_4_1() {
    let (run, w, tl) = play(
        "unsafe-vote",
        &[
            "switch",
            "committed",
            "stale-candidate",
            "stale-leader",
            "violation",
        ],
    );
    assert!(tl.setup().raft.unsafe_rules.skip_log_up_to_date_check);
    assert!(leads(&w[0], A) && w[0].checker().total() == 0);
    assert!(down(&w[1], C) && value(&w[1], A) == 5 && value(&w[1], B) == 5);
    assert!(down(&w[2], A) && role(&w[2], C) == Some(Role::Candidate) && log_len(&w[2], C) == 0);
    assert_eq!(
        nums(&run, 2),
        [i64::try_from(term(&w[2], C)).expect("small")]
    );
    assert!(leads(&w[3], C) && log_len(&w[3], C) == 0 && voted_for(&w[3], B) == Some(C));
    assert!(w[4].checker().total() > 0 && value(&w[4], B) == 9);
    assert!(
        w[4].checker()
            .first_broken(Property::LeaderCompleteness)
            .is_some()
    );
}

/// The same election timeout everywhere (§5.2, why it is random): split votes repeat
/// term after term and no leader is elected; liveness, not safety, is lost.
#[test]
fn unsafe_timeouts_equal_timers_collide_every_term_and_no_leader_wins_paper_5_2() {
    let (run, w, tl) = play(
        "unsafe-timeouts",
        &[
            "same-timeout",
            "term-1",
            "no-votes",
            "term-2",
            "still-none",
            "still-safe",
        ],
    );
    assert!(tl.setup().raft.unsafe_rules.fixed_election_timeout);
    let deadlines: BTreeSet<u64> = w[0]
        .servers()
        .iter()
        .filter_map(|s| s.node()?.election_deadline())
        .map(|d| d.as_micros())
        .collect();
    assert_eq!(deadlines.into_iter().collect::<Vec<_>>(), [150_000]);
    assert_eq!(nums(&run, 0), [150]);
    let candidates_in = |w: &World, t: u64| {
        all(w, |id| {
            role(w, id) == Some(Role::Candidate) && term(w, id) == t && voted_for(w, id) == Some(id)
        })
    };
    assert!(candidates_in(&w[1], 1));
    assert!(candidates_in(&w[2], 1) && all(&w[2], |id| refused(&w[2], id) == 4));
    assert!(candidates_in(&w[3], 2));
    assert!(candidates_in(&w[4], 8));
    assert_eq!(nums(&run, 4), [8]);
    for world in &w {
        assert!(leaders(world).is_empty(), "never a leader");
        assert_eq!(world.checker().total(), 0, "and never unsafe");
    }
}

/// Paper §6: a new server catches up as a learner before it votes, then joins through
/// the joint configuration C_old,new.
#[test]
fn add_server_a_learner_catches_up_then_joint_consensus_makes_it_a_voter_paper_6() {
    let (run, w, _) = play("add-server", &["leader", "learner", "joint", "new"]);
    assert_eq!(w[0].ids().len(), 3);
    assert!(leads(&w[0], A) && all(&w[0], |id| value(&w[0], id) == 5));
    // A learner: listed by the leader, no vote, the log still arriving.
    let m = |w: &World| w.node(A).expect("runs").members().clone();
    assert!(m(&w[1]).is_learner(D) && !m(&w[1]).is_voter(D));
    assert_eq!(m(&w[1]).voters(), [A, B, C]);
    assert!(log_len(&w[1], D) < log_len(&w[1], A));
    assert!(w[1].server(D).is_some_and(raft_sim::Server::is_learner));
    // Caught up, it enters C_old,new: both majorities count.
    assert!(m(&w[2]).is_joint());
    assert_eq!(m(&w[2]).outgoing(), [A, B, C]);
    assert_eq!(m(&w[2]).voters(), [A, B, C, D]);
    // C_new committed: four voters, D among them, with the value.
    let committed = w[3].node(A).expect("runs").committed_members();
    assert!(!committed.is_joint());
    assert_eq!(committed.voters(), [A, B, C, D]);
    assert_eq!(value(&w[3], D), 5);
    assert!(nums(&run, 3).is_empty());
}

/// Paper §6: a leader removed from the configuration steps down once C_new commits,
/// and the rest elect a leader among themselves.
#[test]
fn remove_leader_the_leader_steps_down_once_c_new_commits_paper_6() {
    let (run, w, _) = play("remove-leader", &["leader", "joint", "gone", "new-leader"]);
    assert!(leads(&w[0], A));
    assert_eq!(nums(&run, 0), [1]);
    let m = w[1].node(A).expect("runs").members().clone();
    assert!(
        m.is_joint() && leads(&w[1], A),
        "A leads while C_old,new lasts"
    );
    assert_eq!(m.outgoing(), [A, B, C, D, E]);
    assert_eq!(m.voters(), [B, C, D, E]);
    assert!(w[2].server(A).is_some_and(raft_sim::Server::is_removed));
    assert!(w[2].node(A).is_none(), "a removed server no longer runs");
    // A committed C_new but left before its next AppendEntries told the others.
    assert!(
        [B, C, D, E]
            .iter()
            .all(|&id| commit(&w[2], id) < log_len(&w[2], id))
    );
    let l = w[3].leader().expect("a new leader");
    assert!(l != A && term(&w[3], l) > term(&w[0], A));
    assert_eq!(nums(&run, 3), [node(l), term(&w[3], l) as i64]);
    // The committed configuration the new leader serves has four voters.
    let c = w[3].node(l).expect("runs").committed_members();
    assert_eq!(c.voters(), [B, C, D, E]);
}

/// Thesis §4.1's single-server bug: with the rule that a leader first commits an entry
/// of its own term lifted, an older leader's uncommitted change (E's promotion) and a
/// newer leader's committed one (D's removal) have majorities that do not overlap, and
/// the committed removal is overwritten.
#[test]
fn single_server_bug_two_changes_without_overlapping_majorities_lose_a_committed_entry_thesis_4_1()
{
    let (run, w, tl) = play(
        "single-server-bug",
        &[
            "leader",
            "promoted",
            "b-leads",
            "b-removes",
            "e-wins",
            "overwritten",
        ],
    );
    assert!(tl.setup().raft.unsafe_rules.unchecked_membership_changes);
    assert!(!tl.setup().raft.joint_consensus, "single-server changes");
    assert!(leads(&w[0], A) && [A, B, C, D].iter().all(|&id| value(&w[0], id) == 5));
    assert_eq!(nums(&run, 0), [1]);
    // A's newest configuration has E voting; only A and E hold it.
    let five = w[1].node(A).expect("runs").members().clone();
    assert_eq!(five.voters(), [A, B, C, D, E]);
    assert!(!five.is_joint());
    assert!([B, C, D].iter().all(|&id| log_len(&w[1], id) == 1));
    // B wins term 2 in A B C D, then removes D with nothing of term 2 committed.
    assert!(leads(&w[2], B) && term(&w[2], B) == 2);
    assert_eq!(nums(&run, 2), [2]);
    assert_eq!(commit(&w[2], B), 1, "B has committed nothing of term 2");
    let three = w[3].node(B).expect("runs").committed_members().clone();
    assert_eq!(three.voters(), [A, B, C]);
    assert_eq!(at(&w[3], C, 2), Some(2), "C holds the removal");
    assert_eq!(log_len(&w[3], D), 1, "D never hears of it");
    assert_eq!(w[3].checker().total(), 0, "nothing is wrong yet");
    // A server of A's configuration wins term 3 with D's vote: a majority of five
    // that shares no server with B and C, the majority that committed the removal.
    let l = w[4].leader().expect("a leader");
    assert!([A, E].contains(&l) && term(&w[4], l) == 3);
    assert_eq!(voted_for(&w[4], D), Some(l));
    assert_eq!(nums(&run, 4), [node(l), 3]);
    assert!(
        w[4].checker()
            .first_broken(Property::LeaderCompleteness)
            .is_some()
    );
    // Healed, the new leader overwrites the committed removal on B and C.
    assert!([B, C].iter().all(|&id| at(&w[5], id, 2) == Some(1)));
    assert!(
        w[5].checker()
            .first_broken(Property::StateMachineSafety)
            .is_some()
    );
    assert_eq!(nums(&run, 5), [node(l)]);
}

/// The same script with the rule on (thesis §4.1's fix): B first commits an entry of
/// term 2, on C and D, before it removes D. D's log then ends in term 2, so it could no
/// longer vote for A's or E's, which ends in term 1 (§5.4.1), and nothing is lost.
#[test]
fn single_server_bug_the_fix_commits_an_entry_of_the_leaders_term_first_thesis_4_1() {
    let mut scene = scene::by_id("single-server-bug").expect("a scene");
    scene.setup.raft.unsafe_rules.unchecked_membership_changes = false;
    let (run, mut tl) = SceneRun::new(scene).expect("valid scene");
    assert!(!run.is_complete(), "the bug's steps are not reached");
    tl.seek(Instant::from_millis(1_600));
    let w = tl.world();
    assert!(leads(w, B));
    assert_eq!(at(w, D, 2), Some(2), "D holds B's term-2 entry");
    assert!(commit(w, B) >= 2, "committed before the removal");
    tl.seek(Instant::from_millis(4_000));
    let w = tl.world();
    assert_eq!(w.checker().total(), 0);
    let l = w.leader().expect("a leader");
    assert!(
        [B, C].iter().all(|&id| at(w, id, 2) == Some(2)),
        "B's entries stand"
    );
    assert_ne!(
        voted_for(w, D),
        Some(E),
        "{l:?} leads; D voted for no server of term 1's log"
    );
}

/// Paper §7: a follower whose missing entries the leader has compacted away is sent
/// the leader's snapshot (InstallSnapshot) and goes on from there.
#[test]
fn install_snapshot_a_follower_behind_the_leaders_snapshot_installs_it_paper_7() {
    let (run, w, _) = play(
        "install-snapshot",
        &["down", "compacted", "install", "installed"],
    );
    assert!(down(&w[0], C));
    assert_eq!((value(&w[0], A), value(&w[0], B)), (10, 10));
    let compacted = |w: &World, id| {
        w.server(id)
            .map_or(0, |s| s.storage().log.snapshot_index().0)
    };
    let si = compacted(&w[1], A);
    assert!(si >= 4, "the four writes are in the snapshot: {si}");
    assert_eq!(nums(&run, 1), [10, si as i64]);
    assert!(!down(&w[2], C));
    assert!(log_len(&w[2], C) < si, "C lacks entries A no longer has");
    assert!(w[2].flights().any(|f| matches!(&f.packet, Packet::Raft(m)
        if matches!(m.body, Body::InstallSnapshot(_)))));
    assert_eq!(compacted(&w[3], C), si);
    assert_eq!(value(&w[3], C), 10);
    assert!(follows(&w[3], C, A));
    assert_eq!(nums(&run, 3), [10, si as i64 + 1]);
}

/// Thesis §9.6: a partitioned server's elections inflate its term and, back on the
/// network, depose a healthy leader; with pre-vote its term stays where it was.
#[test]
fn pre_vote_a_rejoining_server_deposes_the_leader_without_it_and_not_with_it_thesis_9_6() {
    let (run, w, tl) = play(
        "pre-vote",
        &[
            "leader",
            "inflating",
            "deposed",
            "new-leader",
            "pre-vote",
            "kept",
        ],
    );
    assert!(leads(&w[0], A));
    let (e, others) = (term(&w[1], E), term(&w[1], A));
    assert!(
        e >= others + 4,
        "E's term climbs alone: {e} against {others}"
    );
    assert_eq!(nums(&run, 1), [e as i64, others as i64]);
    assert!(
        !tl.setup().raft.pre_vote,
        "the scene starts without pre-vote"
    );
    // Healed, E's term reaches A, which steps down.
    assert!(!leads(&w[2], A) && term(&w[2], A) >= e);
    let l = leaders(&w[3]);
    assert_eq!(l.len(), 1);
    assert_ne!(l[0], E, "E lacks the committed set 5");
    let before = term(&w[3], l[0]);
    assert!(before > e, "the new leader's term is past E's: {before}");
    // With pre-vote: E asks first, and its term does not move.
    assert!(w[4].config().pre_vote);
    assert_eq!(role(&w[4], E), Some(Role::PreCandidate));
    assert!(term(&w[4], E) <= before);
    // Back on the network, nobody's term moved: E follows the same leader.
    assert!(follows(&w[5], E, l[0]));
    assert_eq!(term(&w[5], l[0]), before, "no election was lost to E");
    assert_eq!(nums(&run, 5), [node(l[0]), before as i64]);
}

/// Thesis §6.2: a leader cut off in a minority keeps acting as leader without
/// check-quorum; with it, it steps down once no majority answers.
#[test]
fn check_quorum_a_leader_in_a_minority_steps_down_only_with_check_quorum_thesis_6_2() {
    let (run, w, mut tl) = play(
        "check-quorum",
        &["leader", "stale", "majority-leader", "steps-down"],
    );
    assert!(leads(&w[0], A));
    assert!(
        leads(&w[1], A) && leads(&w[1], C),
        "two leaders without check-quorum"
    );
    assert!(term(&w[1], C) > term(&w[1], A));
    assert_eq!(
        nums(&run, 1),
        [term(&w[1], A) as i64, term(&w[1], C) as i64]
    );
    assert!(!tl.setup().raft.check_quorum);
    // C led the healed cluster just before the second cut.
    tl.seek(Instant::from_millis(2_590));
    assert!(leads(tl.world(), C), "C leads before it is cut off");
    let led = term(tl.world(), C);
    // The majority elects a leader while C, cut off, still leads its term.
    assert!(w[2].config().check_quorum);
    let l = leaders(&w[2]);
    assert_eq!(l.len(), 2, "for a moment, two leaders: {l:?}");
    let new = *l.iter().find(|&&id| id != C).expect("a new leader");
    assert!([A, B, E].contains(&new) && term(&w[2], new) > led);
    assert_eq!(
        nums(&run, 2),
        [node(new), term(&w[2], new) as i64, led as i64]
    );
    // Then C steps down by itself, not for a higher term: one leader.
    assert_eq!(role(&w[3], C), Some(Role::Follower));
    assert_eq!(term(&w[3], C), led, "no higher term reached C");
    assert_eq!(leaders(&w[3]), [new]);
}

/// The hand-over: a plain five-node cluster elects a leader.
#[test]
fn sandbox_a_plain_cluster_elects_a_leader_and_hands_over_paper_5_2() {
    let (run, w, tl) = play("sandbox", &["cluster", "leader", "your-turn"]);
    assert_eq!(tl.setup().nodes, 5);
    assert!(!tl.setup().raft.unsafe_rules.any());
    assert!(all(&w[0], |id| role(&w[0], id) == Some(Role::Follower)));
    assert_eq!(leaders(&w[1]), [E]);
    assert_eq!(nums(&run, 1), [node(E), 1]);
    assert!([A, B, C, D].iter().all(|&id| follows(&w[2], id, E)));
    assert!(
        run.scene()
            .waypoints
            .last()
            .and_then(|w| w.en.bundled("sandbox", w.id))
            .is_some_and(|en| en.contains("sandbox"))
    );
}

// ----- every step of every scene -----

/// The placeholders `{0}`, `{1}`... a caption uses (they must be 0..n).
fn placeholders(en: &str) -> usize {
    let used: Vec<usize> = (0..10)
        .filter(|i| en.contains(&format!("{{{i}}}")))
        .collect();
    assert!(
        used.iter().enumerate().all(|(k, &i)| k == i),
        "{en:?} numbers them 0..n"
    );
    used.len()
}

#[test]
fn every_captions_placeholders_are_filled_by_its_step() {
    for s in scene::all() {
        let (run, _) = SceneRun::new(s).expect("valid scene");
        for (i, (w, _)) in run.reached().enumerate() {
            let en = w.en.bundled(run.scene().id, w.id).unwrap_or_default();
            assert_eq!(
                placeholders(en),
                run.fill(i).len(),
                "{}/{}: {:?} with {:?}",
                run.scene().id,
                w.id,
                en,
                run.fill(i)
            );
        }
    }
}

fn kind_of(k: MessageKind) -> Option<Kind> {
    match k {
        MessageKind::VoteRequest => Some(Kind::VoteRequest),
        MessageKind::VoteReply => Some(Kind::VoteResponse),
        MessageKind::Append => Some(Kind::AppendRequest),
        MessageKind::AppendReply => Some(Kind::AppendResponse),
        MessageKind::Client => None,
    }
}

/// Subjects name what exists at their step: nodes of the cluster, entries in that
/// node's log, messages in flight; and only overview steps have none.
#[test]
fn every_steps_subjects_exist_at_that_step() {
    let mut without = Vec::new();
    for s in scene::all() {
        let id = s.id;
        let (run, mut tl) = SceneRun::new(s).expect("valid scene");
        for (w, m) in run.reached() {
            tl.seek_moment(m.at, m.steps);
            let world = tl.world();
            if w.subjects.is_empty() {
                without.push(format!("{id}/{}", w.id));
            }
            for subject in w.subjects {
                let ok = match *subject {
                    Subject::Node(n) => world.server(n).is_some(),
                    Subject::Entry { node, index } => index >= 1 && log_len(world, node) >= index,
                    Subject::Messages(MessageKind::Client) => world
                        .flights()
                        .any(|f| matches!(f.packet, Packet::Request { .. } | Packet::Reply { .. })),
                    Subject::Messages(k) => kind_of(k).is_some_and(|k| in_flight(world, k) > 0),
                    Subject::Client => !world.clients().is_empty(),
                };
                assert!(ok, "{id}/{}: {subject:?} is not there at {}", w.id, m.at);
            }
        }
    }
    // The overview steps: a closing thought, a scene's switch, the checker's verdict,
    // the hand-over.
    assert_eq!(
        without,
        [
            "consensus/many",
            "unsafe-vote/switch",
            "unsafe-timeouts/still-safe",
            "sandbox/your-turn",
        ]
    );
}

#[test]
fn key_steps_name_what_their_captions_talk_about() {
    let subjects = |id: &str, step: &str| {
        let s = scene::by_id(id).expect("a scene");
        s.waypoints
            .iter()
            .find(|w| w.id == step)
            .map(|w| w.subjects.to_vec())
            .expect("a step")
    };
    assert_eq!(
        subjects("split-vote", "candidates"),
        [
            Subject::Node(B),
            Subject::Node(C),
            Subject::Messages(MessageKind::VoteRequest)
        ]
    );
    assert_eq!(
        subjects("split-vote", "votes-split"),
        [
            Subject::Node(A),
            Subject::Node(D),
            Subject::Messages(MessageKind::VoteReply)
        ]
    );
    assert!(subjects("replication", "majority").contains(&Subject::Entry { node: C, index: 1 }));
    assert!(subjects("heartbeat", "waiting").contains(&Subject::Client));
    assert_eq!(
        subjects("figure-8", "c"),
        [A, B, C, D].map(|node| Subject::Entry { node, index: 2 })
    );
    assert!(subjects("partition", "rolled-back").contains(&Subject::Entry { node: A, index: 1 }));
    assert!(
        subjects("figure-8-unsafe", "d-overwritten")
            .contains(&Subject::Entry { node: B, index: 2 })
    );
}

/// Back restores the exact earlier state: going to step k + 1 and back to step k gives
/// the very world first seen at step k, for every step of every scene.
#[test]
fn back_restores_the_exact_world_of_every_step() {
    for s in scene::all() {
        let id = s.id;
        let (run, mut tl) = SceneRun::new(s).expect("valid scene");
        let moments: Vec<_> = run.reached().map(|(_, m)| m).collect();
        let mut first_seen = Vec::new();
        for m in &moments {
            tl.seek_moment(m.at, m.steps);
            first_seen.push(format!("{:?}", tl.world()));
        }
        for k in (0..moments.len().saturating_sub(1)).rev() {
            let (next, here) = (moments[k + 1], moments[k]);
            tl.seek_moment(next.at, next.steps);
            assert_eq!(
                format!("{:?}", tl.world()),
                first_seen[k + 1],
                "{id} step {}",
                k + 2
            );
            tl.seek_moment(here.at, here.steps);
            assert_eq!(
                format!("{:?}", tl.world()),
                first_seen[k],
                "{id}: back to step {}",
                k + 1
            );
        }
    }
}

// ----- tasks, done in the sandbox -----

/// The scene played to its end and handed over: the timeline live at the last step.
fn hand_over(id: &str) -> (Scene, Timeline) {
    let scene = scene::by_id(id).expect("a scene");
    let (run, mut tl) = SceneRun::new(scene.clone()).expect("valid scene");
    let last = run.reached().last().map(|(_, m)| m).expect("a step");
    tl.seek_moment(last.at, last.steps);
    tl.fork();
    (scene, tl)
}

/// Plays on until the task is done or `limit` passes; returns whether it was.
fn play_until_done(scene: &Scene, start: &World, tl: &mut Timeline, limit: Duration) -> bool {
    let task = scene.task.expect("a task");
    let end = tl.now().after(limit);
    while tl.now() < end {
        if (task.done)(start, tl.world()) {
            return true;
        }
        if !tl.step_forward() {
            break;
        }
    }
    (task.done)(start, tl.world())
}

fn task_starts_undone(id: &str) -> (Scene, World, Timeline) {
    let (scene, tl) = hand_over(id);
    let start = tl.world().clone();
    let task = scene.task.expect("a task");
    assert!(
        !(task.done)(&start, &start),
        "{id}: not done before the reader acts"
    );
    (scene, start, tl)
}

#[test]
fn the_scenes_with_a_task_are_the_key_ones() {
    let with: Vec<&str> = scene::all()
        .iter()
        .filter(|s| s.task.is_some())
        .map(|s| s.id)
        .collect();
    assert_eq!(
        with,
        [
            "terms",
            "split-vote",
            "heartbeat",
            "crash",
            "partition",
            "unsafe-timeouts",
            "sandbox"
        ]
    );
}

#[test]
fn terms_task_crashing_the_leader_starts_a_new_term() {
    let (scene, start, mut tl) = task_starts_undone("terms");
    let leader = start.leader().expect("a leader");
    tl.act(Action::Crash(leader)).expect("crash");
    assert!(play_until_done(
        &scene,
        &start,
        &mut tl,
        Duration::from_secs(3)
    ));
    assert!(
        tl.world()
            .leader()
            .is_some_and(|l| term(tl.world(), l) > term(&start, leader))
    );
}

#[test]
fn split_vote_task_two_followers_timed_out_together_split_the_vote() {
    let (scene, start, mut tl) = task_starts_undone("split-vote");
    // A moment later, as a reader would act: every node has heard of the leader's term.
    tl.advance_to(tl.now().after(Duration::from_millis(200)));
    let leader = start.leader().expect("a leader");
    let followers: Vec<NodeId> = start
        .ids()
        .iter()
        .copied()
        .filter(|&id| id != leader)
        .collect();
    tl.act(Action::TimeoutNow(followers[0])).expect("time out");
    tl.act(Action::TimeoutNow(followers[2])).expect("time out");
    assert!(play_until_done(
        &scene,
        &start,
        &mut tl,
        Duration::from_millis(1)
    ));
}

#[test]
fn heartbeat_task_set_5_commits_with_a_follower_down() {
    let (scene, start, mut tl) = task_starts_undone("heartbeat");
    tl.act(Action::Crash(B)).expect("crash");
    tl.act(Action::ClientRequest {
        op: Op::Set(5),
        to: Some(A),
    })
    .expect("request");
    assert!(play_until_done(
        &scene,
        &start,
        &mut tl,
        Duration::from_secs(2)
    ));
    assert!(commit(tl.world(), A) > commit(&start, A));
}

#[test]
fn crash_task_three_of_five_elect_a_leader_with_two_down() {
    let (scene, start, mut tl) = task_starts_undone("crash");
    let leader = start.leader().expect("a leader");
    let other = start
        .ids()
        .iter()
        .copied()
        .find(|&id| id != leader)
        .expect("a follower");
    tl.act(Action::Crash(leader)).expect("crash");
    tl.act(Action::Crash(other)).expect("crash");
    assert!(play_until_done(
        &scene,
        &start,
        &mut tl,
        Duration::from_secs(3)
    ));
}

#[test]
fn partition_task_the_cut_off_leader_rejoins_after_healing() {
    let (scene, start, mut tl) = task_starts_undone("partition");
    let leader = start.leader().expect("a leader");
    let rest: Vec<NodeId> = start
        .ids()
        .iter()
        .copied()
        .filter(|&id| id != leader)
        .collect();
    tl.act(Action::Partition(vec![vec![leader], rest]))
        .expect("partition");
    // Cut off, it is not done: the old leader has not rejoined.
    assert!(!play_until_done(
        &scene,
        &start,
        &mut tl,
        Duration::from_secs(1)
    ));
    tl.act(Action::Heal).expect("heal");
    assert!(play_until_done(
        &scene,
        &start,
        &mut tl,
        Duration::from_secs(2)
    ));
}

#[test]
fn unsafe_timeouts_task_one_timeout_by_hand_breaks_the_tie() {
    let (scene, start, mut tl) = task_starts_undone("unsafe-timeouts");
    tl.act(Action::TimeoutNow(C)).expect("time out");
    assert!(play_until_done(
        &scene,
        &start,
        &mut tl,
        Duration::from_secs(1)
    ));
    assert!(leads(tl.world(), C));
}

#[test]
fn sandbox_task_an_acknowledged_write_outlives_its_leader() {
    let (scene, start, mut tl) = task_starts_undone("sandbox");
    let leader = start.leader().expect("a leader");
    tl.act(Action::ClientRequest {
        op: Op::Set(3),
        to: Some(leader),
    })
    .expect("request");
    tl.advance_to(tl.now().after(Duration::from_millis(300)));
    assert_eq!(client_acked(tl.world()), Some(3));
    assert!(
        !play_until_done(&scene, &start, &mut tl, Duration::ZERO),
        "the leader still leads"
    );
    tl.act(Action::Crash(leader)).expect("crash");
    assert!(play_until_done(
        &scene,
        &start,
        &mut tl,
        Duration::from_secs(3)
    ));
}

/// The tour's order without building scenes (the menu, Next and Back use it) names
/// exactly the scenes `all()` builds, in the same order, and each id finds its scene.
#[test]
fn scene_ids_list_the_tour_in_order_and_each_finds_its_scene() {
    let built: Vec<&str> = scene::all().iter().map(|s| s.id).collect();
    let listed: Vec<&str> = scene::ids().collect();
    assert_eq!(listed, built);
    assert_eq!(listed.first(), Some(&"consensus"));
    assert_eq!(listed.last(), Some(&"sandbox"));
    for id in listed {
        assert_eq!(scene::by_id(id).map(|s| s.id), Some(id));
    }
    assert!(scene::by_id("no-such-scene").is_none());
}
