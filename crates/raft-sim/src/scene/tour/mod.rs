//! The tour's scenes, in the order of the source article's sections, then beyond it.
//! Each is a setup, a few cues a user could also give, and waypoints the protocol must
//! reach by itself.
//!
//! Code map: this module holds the order ([`SCENES`]) and the small readings of a world
//! that captions and predicates share; the article's nine sections are in
//! `replication.rs` (consensus, log replication, the heartbeat) and `elections.rs` (the
//! three states, election, terms, timeouts, the split vote); `beyond.rs` holds faults,
//! two unsafe switches and the sandbox; `figure8.rs` the paper's Figure 8, with the
//! current-term rule and without; `membership.rs` the paper's §6 and §7 (a server
//! joins, the leader leaves, a snapshot catches a follower up).

mod beyond;
mod elections;
mod figure8;
mod membership;
mod replication;
mod switches;

use alloc::vec::Vec;
use core::time::Duration;

use raft_core::{Instant, NodeId, Role, Term};

use super::{Cue, Fill, Scene, Waypoint};
use crate::action::Action;
use crate::network::Packet;
use crate::world::{Setup, World};

pub use elections::split_vote;

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);
const C: NodeId = NodeId(2);
const D: NodeId = NodeId(3);
const E: NodeId = NodeId(4);

/// Every scene, in tour order: the article's sections, then beyond it.
#[must_use]
pub fn all() -> Vec<Scene> {
    SCENES.iter().map(|(_, make)| make()).collect()
}

/// A scene's constructor.
type MakeScene = fn() -> Scene;

/// Every scene's deep-link id and constructor, in tour order ([`all`] builds them all;
/// [`by_id`] only the one asked for).
const SCENES: [(&str, MakeScene); 22] = [
    ("consensus", replication::consensus),
    ("states", elections::states),
    ("election", elections::election),
    ("replication", replication::replication),
    ("terms", elections::terms),
    ("timeouts", elections::timeouts),
    ("election-timeout", elections::election_steps),
    ("split-vote", split_vote),
    ("heartbeat", replication::heartbeat),
    ("crash", beyond::crash),
    ("partition", beyond::partition),
    ("figure-8", figure8::figure_8),
    ("figure-8-unsafe", figure8::figure_8_unsafe),
    ("unsafe-vote", beyond::unsafe_vote),
    ("unsafe-timeouts", beyond::unsafe_timeouts),
    ("add-server", membership::add_server),
    ("remove-leader", membership::remove_leader),
    ("single-server-bug", membership::single_server_bug),
    ("install-snapshot", membership::install_snapshot),
    ("pre-vote", switches::pre_vote),
    ("check-quorum", switches::check_quorum),
    ("sandbox", beyond::sandbox),
];

/// Every scene's deep-link id, in tour order, without building the scenes.
pub fn ids() -> impl ExactSizeIterator<Item = &'static str> {
    SCENES.iter().map(|(id, _)| *id)
}

/// Looks a scene up by its deep-link id.
#[must_use]
pub fn by_id(id: &str) -> Option<Scene> {
    SCENES
        .iter()
        .find(|(k, _)| *k == id)
        .map(|(_, make)| make())
}

// ----- building scenes -----

/// A scene's waypoints from a constant table. The waypoints are written as `const`
/// slices so that the wasm copies them as data rather than storing every field of
/// every waypoint with its own instructions.
#[inline(never)]
fn list(waypoints: &'static [Waypoint]) -> Vec<Waypoint> {
    waypoints.to_vec()
}

/// A caption's placeholder values, for a waypoint's `fill`: one copy of the
/// allocation for every caption, rather than a `vec!` expansion in each.
#[inline(never)]
fn fills(values: &[Fill]) -> Vec<Fill> {
    values.to_vec()
}

/// Cues from a constant table (copied as data, like [`list`]'s waypoints).
#[inline(never)]
fn cues(cues: &'static [Cue]) -> Vec<Cue> {
    cues.to_vec()
}

const fn ms(t: u64) -> Instant {
    Instant::from_millis(t)
}

const fn cue(at: u64, action: Action) -> Cue {
    Cue { at: ms(at), action }
}

/// At time 0, messages from `from` to `to` take `millis` ms.
const fn latency(from: NodeId, to: NodeId, millis: u64) -> Cue {
    cue(
        0,
        Action::SetLinkLatency {
            from,
            to,
            latency: Some(Duration::from_millis(millis)),
        },
    )
}

/// At `at_ms`, `id`'s election timer is set to fire at `fire_ms`.
const fn timer(at_ms: u64, id: NodeId, fire_ms: u64) -> Cue {
    cue(at_ms, Action::SetElectionTimer(id, ms(fire_ms)))
}

/// Cues at time 0 that let `first` time out first (at 120 ms) and hold the others back
/// (at 1 s): the article's pictures name the node that becomes candidate.
fn first_to_time_out(first: NodeId, nodes: u32) -> Vec<Cue> {
    (0..nodes)
        .map(NodeId)
        .map(|id| Cue {
            at: ms(0),
            action: Action::SetElectionTimer(id, ms(if id == first { 120 } else { 1_000 })),
        })
        .collect()
}

fn setup(nodes: usize, seed: u64) -> Setup {
    Setup {
        nodes,
        seed,
        ..Setup::default()
    }
}

// ----- reading a world: for predicates and captions -----
//
// Not inlined: every caption's and predicate's closure calls these, and one body each
// keeps the page's wasm smaller (a waypoint is read once per event, not in a hot loop).

/// A number for a caption.
#[inline(never)]
fn num(n: u64) -> Fill {
    Fill::Num(i64::try_from(n).unwrap_or(i64::MAX))
}

#[inline(never)]
fn role(w: &World, id: NodeId) -> Option<Role> {
    w.node(id).map(raft_core::Node::role)
}

/// The node's current term: its saved one while it is down.
#[inline(never)]
fn term(w: &World, id: NodeId) -> Term {
    w.server(id)
        .map_or(Term(0), |s| s.storage().hard_state.current_term)
}

#[inline(never)]
fn voted_for(w: &World, id: NodeId) -> Option<NodeId> {
    w.server(id).and_then(|s| s.storage().hard_state.voted_for)
}

/// Votes a candidate has counted, its own included.
#[inline(never)]
fn votes(w: &World, id: NodeId) -> usize {
    w.node(id).map_or(0, |n| n.votes_granted().len())
}

#[inline(never)]
fn is_down(w: &World, id: NodeId) -> bool {
    w.server(id).is_none_or(crate::Server::is_down)
}

#[inline(never)]
fn leads(w: &World, id: NodeId) -> bool {
    role(w, id) == Some(Role::Leader)
}

#[inline(never)]
fn follows(w: &World, id: NodeId, leader: NodeId) -> bool {
    w.node(id)
        .is_some_and(|n| n.role() == Role::Follower && n.leader() == Some(leader))
}

#[inline(never)]
fn value(w: &World, id: NodeId) -> i64 {
    w.server(id).map_or(0, |s| s.machine().value())
}

#[inline(never)]
fn all_values(w: &World, v: i64) -> bool {
    w.servers().iter().all(|s| s.machine().value() == v)
}

/// The last index of the node's log (kept while it is down).
#[inline(never)]
fn log_len(w: &World, id: NodeId) -> u64 {
    w.server(id).map_or(0, |s| s.storage().log.last_index().0)
}

/// The term of the entry at `index` in the node's log (kept while it is down).
#[inline(never)]
fn term_at(w: &World, id: NodeId, index: u64) -> Option<Term> {
    w.server(id)
        .and_then(|s| s.storage().log.term_at(raft_core::LogIndex(index)))
}

/// How many servers' logs hold an entry of `term` at `index`.
#[inline(never)]
fn holders(w: &World, index: u64, term: Term) -> usize {
    w.ids()
        .iter()
        .filter(|&&id| term_at(w, id, index) == Some(term))
        .count()
}

#[inline(never)]
fn commit(w: &World, id: NodeId) -> u64 {
    w.node(id).map_or(0, |n| n.commit_index().0)
}

/// The highest term any server has reached.
#[inline(never)]
fn max_term(w: &World) -> Term {
    w.ids()
        .iter()
        .map(|&id| term(w, id))
        .max()
        .unwrap_or(Term(0))
}

/// The leader with the highest term, and that term.
#[inline(never)]
fn leader_and_term(w: &World) -> Option<(NodeId, Term)> {
    w.leader().map(|l| (l, term(w, l)))
}

/// The leader, for a caption (`A` if there is none: the predicates make sure there is).
#[inline(never)]
fn leader_fill(w: &World) -> Fill {
    Fill::Node(w.leader().unwrap_or(A))
}

/// The leader's term, for a caption.
#[inline(never)]
fn leader_term_fill(w: &World) -> Fill {
    num(leader_and_term(w).map_or(0, |(_, t)| t.0))
}

/// The first candidate (by id), for a caption (`A` if there is none: the predicates make
/// sure there is).
#[inline(never)]
fn candidate_fill(w: &World) -> Fill {
    let first = w
        .ids()
        .iter()
        .copied()
        .find(|&id| role(w, id) == Some(Role::Candidate));
    Fill::Node(first.unwrap_or(A))
}

/// Votes a winner needs: more than n/2.
#[inline(never)]
fn quorum(w: &World) -> usize {
    w.ids().len() / 2 + 1
}

/// The running nodes in `role` in term `t`.
#[inline(never)]
fn count_in(w: &World, role_: Role, t: Term) -> usize {
    w.servers()
        .iter()
        .filter_map(crate::Server::node)
        .filter(|n| n.role() == role_ && n.term() == t)
        .count()
}

/// Whether a message of this kind is in flight.
#[inline(never)]
fn flying(w: &World, kind: raft_core::MessageKind) -> bool {
    w.flights()
        .any(|f| matches!(&f.packet, Packet::Raft(m) if m.kind() == kind))
}

/// Whether an AppendEntries carrying entries is in flight.
#[inline(never)]
fn append_with_entries_in_flight(w: &World) -> bool {
    w.flights().any(|f| {
        matches!(&f.packet, Packet::Raft(m)
            if matches!(&m.body, raft_core::Body::AppendEntries { entries, .. } if !entries.is_empty()))
    })
}

/// Whether an AppendEntries telling a commit index of at least `index` is in flight
/// to a node that has not committed that far.
#[inline(never)]
fn commit_news_in_flight(w: &World, index: u64) -> bool {
    w.flights().any(|f| {
        let to_behind = match f.to {
            crate::network::Endpoint::Node(id) => commit(w, id) < index,
            crate::network::Endpoint::Client(_) => false,
        };
        to_behind
            && matches!(&f.packet, Packet::Raft(m)
                if matches!(&m.body, raft_core::Body::AppendEntries { leader_commit, .. } if leader_commit.0 >= index))
    })
}

/// Whether a client request or answer is in flight.
#[inline(never)]
fn client_message_in_flight(w: &World) -> bool {
    w.flights()
        .any(|f| matches!(f.packet, Packet::Request { .. } | Packet::Reply { .. }))
}

/// The value of the client's last answered write, if any.
#[inline(never)]
fn client_acked(w: &World) -> Option<i64> {
    w.clients()
        .first()
        .and_then(|c| c.last_completed())
        .map(|c| c.value)
}

// ----- tasks: what the reader tries after a scene -----

/// A leader exists in a term above every term of `start`.
fn new_term_leader(start: &World, now: &World) -> Option<NodeId> {
    let (l, t) = leader_and_term(now)?;
    (t > max_term(start)).then_some(l)
}

/// `start`'s leader (if it had one) is down or leads no longer.
fn old_leader_gone(start: &World, now: &World) -> bool {
    start
        .leader()
        .is_none_or(|old| is_down(now, old) || !leads(now, old))
}
