//! The tour's scenes, in the order of the source article's sections, then beyond it.
//! Each is a setup, a few cues a user could also give, and waypoints the protocol must
//! reach by itself.

use alloc::vec;
use alloc::vec::Vec;
use core::time::Duration;

use raft_core::{Instant, NodeId, Role, Term};

use super::{Chapter, Cue, Scene, Waypoint, no_fill};
use crate::action::Action;
use crate::command::Op;
use crate::world::{Setup, World};

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);
const C: NodeId = NodeId(2);
const D: NodeId = NodeId(3);

fn role(w: &World, id: NodeId) -> Option<Role> {
    w.node(id).map(raft_core::Node::role)
}

fn term(w: &World, id: NodeId) -> Term {
    w.node(id).map_or(Term(0), raft_core::Node::term)
}

fn votes(w: &World, id: NodeId) -> usize {
    w.node(id).map_or(0, |n| n.votes_granted().len())
}

/// The article's split vote: four nodes A, B, C, D; B and C time out together; A votes
/// for B and D for C; two votes each is not more than n/2; after another timeout a new
/// term begins and one of them wins.
#[must_use]
pub fn split_vote() -> Scene {
    Scene {
        id: "split-vote",
        chapter: Chapter::SplitVote,
        task: None,
        title_en: "Split vote",
        setup: Setup {
            nodes: 4,
            seed: 4,
            ..Setup::default()
        },
        cues: cues(
            const {
                &[
                    // B's requests reach A first, C's reach D first.
                    latency(B, A, 10),
                    latency(C, A, 30),
                    latency(C, D, 10),
                    latency(B, D, 30),
                    // B and C time out at the same moment; A and D would wait longer.
                    timer(0, B, 100),
                    timer(0, C, 100),
                    timer(0, A, 1_000),
                    timer(0, D, 1_000),
                    // After voting, A and D keep waiting so that a candidate times out
                    // first, as in the article.
                    timer(135, A, 1_500),
                    timer(135, D, 1_500),
                ]
            },
        ),
        waypoints: list(
            const {
                &[
                    Waypoint {
                        id: "candidates",
                        en: "B and C time out together and become candidates in the same term.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| {
                            role(w, B) == Some(Role::Candidate)
                                && role(w, C) == Some(Role::Candidate)
                                && term(w, B) == term(w, C)
                        },
                    },
                    Waypoint {
                        id: "votes-split",
                        en: "A votes for B and D votes for C: each candidate has 2 of 4 votes.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| {
                            let t = term(w, B);
                            w.node(A).and_then(raft_core::Node::voted_for) == Some(B)
                                && w.node(D).and_then(raft_core::Node::voted_for) == Some(C)
                                && term(w, A) == t
                                && term(w, D) == t
                                && votes(w, B) == 2
                                && votes(w, C) == 2
                        },
                    },
                    Waypoint {
                        id: "no-majority",
                        en: "All replies are in. Two votes is not more than n/2 = 2: nobody wins; both wait for a timeout.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| {
                            // Every reply is in: two granted and two refused for each.
                            let settled = |id| {
                                w.node(id).is_some_and(|n| {
                                    n.role() == Role::Candidate
                                        && n.votes_granted().len() == 2
                                        && n.votes_refused().len() == 2
                                })
                            };
                            w.leader().is_none() && settled(B) && settled(C)
                        },
                    },
                    Waypoint {
                        id: "new-term",
                        en: "A candidate times out again: a new term and a new election begin.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| term(w, B).0 >= 2 || term(w, C).0 >= 2,
                    },
                    Waypoint {
                        id: "leader",
                        en: "One of them collects more than n/2 votes and becomes leader.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| {
                            matches!(w.leader(), Some(l) if l == B || l == C)
                                && w.node(w.leader().unwrap_or(A))
                                    .is_some_and(|n| n.term().0 >= 2)
                        },
                    },
                ]
            },
        ),
    }
}

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
const SCENES: [(&str, MakeScene); 11] = [
    ("consensus", consensus),
    ("states", states),
    ("election", election),
    ("replication", replication),
    ("terms", terms),
    ("timeouts", timeouts),
    ("election-timeout", election_steps),
    ("split-vote", split_vote),
    ("heartbeat", heartbeat),
    ("partition", partition),
    ("unsafe-vote", unsafe_vote),
];

/// Looks a scene up by its deep-link id.
#[must_use]
pub fn by_id(id: &str) -> Option<Scene> {
    SCENES
        .iter()
        .find(|(k, _)| *k == id)
        .map(|(_, make)| make())
}

/// A scene's waypoints from a constant table. The waypoints are written as `const`
/// slices so that the wasm copies them as data rather than storing every field of
/// every waypoint with its own instructions.
#[inline(never)]
fn list(waypoints: &'static [Waypoint]) -> Vec<Waypoint> {
    waypoints.to_vec()
}

const fn ms(t: u64) -> Instant {
    Instant::from_millis(t)
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

/// Cues from a constant table (copied as data, like [`list`]'s waypoints).
#[inline(never)]
fn cues(cues: &'static [Cue]) -> Vec<Cue> {
    cues.to_vec()
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

const fn cue(at: u64, action: Action) -> Cue {
    Cue { at: ms(at), action }
}

fn setup(nodes: usize, seed: u64) -> Setup {
    Setup {
        nodes,
        seed,
        ..Setup::default()
    }
}

fn leads(w: &World, id: NodeId) -> bool {
    role(w, id) == Some(Role::Leader)
}

fn follows(w: &World, id: NodeId, leader: NodeId) -> bool {
    w.node(id)
        .is_some_and(|n| n.role() == Role::Follower && n.leader() == Some(leader))
}

fn value(w: &World, id: NodeId) -> i64 {
    w.server(id).map_or(0, |s| s.machine().value())
}

fn all_values(w: &World, v: i64) -> bool {
    w.servers().iter().all(|s| s.machine().value() == v)
}

fn log_len(w: &World, id: NodeId) -> u64 {
    w.server(id).map_or(0, |s| s.storage().log.last_index().0)
}

fn commit(w: &World, id: NodeId) -> u64 {
    w.node(id).map_or(0, |n| n.commit_index().0)
}

/// Section 1: one node storing a value, updated by a client.
#[must_use]
pub fn consensus() -> Scene {
    Scene {
        id: "consensus",
        chapter: Chapter::Consensus,
        task: None,
        title_en: "What is distributed consensus?",
        setup: setup(1, 1),
        cues: vec![cue(
            400,
            Action::ClientRequest {
                op: Op::Set(5),
                to: Some(A),
            },
        )],
        waypoints: list(
            const {
                &[
                    Waypoint {
                        id: "one-node",
                        en: "A single server A stores one value. A client can update it.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| role(w, A) == Some(Role::Follower),
                    },
                    Waypoint {
                        id: "alone",
                        en: "Alone, A is its own majority: after its timeout it leads a cluster of one.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| leads(w, A),
                    },
                    Waypoint {
                        id: "stored",
                        en: "The client sends set 5 and A stores it. With one node agreement is trivial; with several, they must agree. That is what Raft is for.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| value(w, A) == 5,
                    },
                ]
            },
        ),
    }
}

/// Section 2: the three states and their drawings.
#[must_use]
pub fn states() -> Scene {
    Scene {
        id: "states",
        chapter: Chapter::Consensus,
        task: None,
        title_en: "Follower, candidate, leader",
        setup: setup(3, 2),
        cues: first_to_time_out(B, 3),
        waypoints: list(
            const {
                &[
                    Waypoint {
                        id: "followers",
                        en: "Every node starts as a follower: a solid circle. Followers only answer.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| {
                            w.ids()
                                .iter()
                                .all(|&id| role(w, id) == Some(Role::Follower))
                        },
                    },
                    Waypoint {
                        id: "candidate",
                        en: "B hears nothing before its timeout and becomes a candidate: a solid circle with a dashed border.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| role(w, B) == Some(Role::Candidate),
                    },
                    Waypoint {
                        id: "leader",
                        en: "With a majority of votes B becomes the leader: a solid circle with a solid border. It handles all client requests.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| leads(w, B),
                    },
                ]
            },
        ),
    }
}

/// Section 3: leader election.
#[must_use]
pub fn election() -> Scene {
    Scene {
        id: "election",
        chapter: Chapter::LeaderElection,
        task: None,
        title_en: "Leader election",
        setup: setup(3, 3),
        cues: first_to_time_out(A, 3),
        waypoints: list(
            const {
                &[
                    Waypoint {
                        id: "followers",
                        en: "All nodes start as followers, each with its own election timer (the arc).",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| {
                            w.ids()
                                .iter()
                                .all(|&id| role(w, id) == Some(Role::Follower))
                        },
                    },
                    Waypoint {
                        id: "candidate",
                        en: "A hears from no leader in time: it becomes a candidate, votes for itself and asks the others for votes.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| {
                            role(w, A) == Some(Role::Candidate)
                                && w.node(A).and_then(|n| n.voted_for()) == Some(A)
                        },
                    },
                    Waypoint {
                        id: "votes",
                        en: "B and C reply with their votes.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| {
                            [B, C]
                                .iter()
                                .all(|&id| w.node(id).and_then(|n| n.voted_for()) == Some(A))
                        },
                    },
                    Waypoint {
                        id: "leader",
                        en: "A has more than n/2 votes: it becomes the leader. From now on every change goes through it.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| leads(w, A),
                    },
                    Waypoint {
                        id: "followers-follow",
                        en: "A's heartbeats reach B and C, which now follow A.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| follows(w, B, A) && follows(w, C, A),
                    },
                ]
            },
        ),
    }
}

/// Section 4: log replication, the article's seven steps.
#[must_use]
pub fn replication() -> Scene {
    let mut cues = first_to_time_out(A, 3);
    cues.push(cue(
        400,
        Action::ClientRequest {
            op: Op::Set(5),
            to: Some(A),
        },
    ));
    Scene {
        id: "replication",
        chapter: Chapter::LogReplication,
        task: None,
        title_en: "Log replication",
        setup: setup(3, 4),
        cues,
        waypoints: list(
            const {
                &[
                    Waypoint {
                        id: "leader",
                        en: "A leads. Every change is added as a log entry, first uncommitted.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| leads(w, A),
                    },
                    Waypoint {
                        id: "request",
                        en: "1. The client sends set 5 to the leader, which appends it to its log (uncommitted: dashed).",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| log_len(w, A) >= 1 && commit(w, A) == 0,
                    },
                    Waypoint {
                        id: "replicated",
                        en: "2–3. The leader replicates the entry to the followers and waits for a majority to store it.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| {
                            (log_len(w, B) >= 1 || log_len(w, C) >= 1) && commit(w, A) == 0
                        },
                    },
                    Waypoint {
                        id: "leader-commits",
                        en: "4. A majority has it: the leader commits the entry (filled) and its value becomes 5.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| value(w, A) == 5,
                    },
                    Waypoint {
                        id: "followers-commit",
                        en: "5–7. The leader tells the followers the entry is committed; they commit it too. The cluster agrees on 5.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| all_values(w, 5),
                    },
                ]
            },
        ),
    }
}

/// Section 5: terms.
#[must_use]
pub fn terms() -> Scene {
    let mut cues = first_to_time_out(A, 3);
    cues.push(cue(700, Action::Crash(A)));
    cues.push(cue(2_000, Action::Restart(A)));
    Scene {
        id: "terms",
        chapter: Chapter::Term,
        task: None,
        title_en: "Terms",
        setup: setup(3, 5),
        cues,
        waypoints: list(
            const {
                &[
                    Waypoint {
                        id: "term-1",
                        en: "A leads term 1. A term is an election period with at most one leader.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| leads(w, A) && term(w, A) == Term(1),
                    },
                    Waypoint {
                        id: "crash",
                        en: "A crashes. Its followers stop hearing heartbeats.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| w.server(A).is_some_and(|s| s.is_down()),
                    },
                    Waypoint {
                        id: "term-2",
                        en: "Another node times out and is elected in a higher term: terms only grow.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| {
                            w.leader()
                                .and_then(|l| w.node(l))
                                .is_some_and(|n| n.term().0 >= 2)
                        },
                    },
                    Waypoint {
                        id: "rejoin",
                        en: "A comes back with its old term, sees the higher one and follows the new leader.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| {
                            w.leader().is_some_and(|l| {
                                l != A && follows(w, A, l) && term(w, A) == term(w, l)
                            })
                        },
                    },
                ]
            },
        ),
    }
}

/// Section 6: the two timeouts.
#[must_use]
pub fn timeouts() -> Scene {
    Scene {
        id: "timeouts",
        chapter: Chapter::Timeout,
        task: None,
        title_en: "Two timeouts",
        setup: setup(3, 6),
        cues: vec![],
        waypoints: list(
            const {
                &[
                    Waypoint {
                        id: "election-timeout",
                        en: "The election timeout is random, between 150 and 300 ms: see how the arcs differ. Randomness makes it unlikely that two nodes become candidates together.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| {
                            let d: Vec<_> = w
                                .servers()
                                .iter()
                                .filter_map(|s| s.node()?.election_deadline())
                                .collect();
                            matches!(d[..], [a, b, c] if a != b && b != c && a != c)
                        },
                    },
                    Waypoint {
                        id: "leader",
                        en: "The first to time out is elected leader.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| w.leader().is_some(),
                    },
                    Waypoint {
                        id: "heartbeat-timeout",
                        en: "The leader sends a heartbeat every 50 ms (the heartbeat timeout); each one resets the followers' election timers, so no new election starts.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| {
                            w.now() >= Instant::from_millis(1_200)
                                && w.leader().is_some()
                                && w.servers()
                                    .iter()
                                    .all(|s| s.node().is_some_and(|n| n.term() == Term(1)))
                        },
                    },
                ]
            },
        ),
    }
}

/// Section 7: election and election timeout, the article's four steps (five nodes).
#[must_use]
pub fn election_steps() -> Scene {
    Scene {
        id: "election-timeout",
        chapter: Chapter::ElectionTimeout,
        task: None,
        title_en: "Election and election timeout",
        setup: setup(5, 7),
        cues: first_to_time_out(C, 5),
        waypoints: list(
            const {
                &[
                    Waypoint {
                        id: "timeout",
                        en: "1. C's election timeout elapses: it becomes a candidate, term + 1, votes for itself (vote count 1) and sends vote requests.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| role(w, C) == Some(Role::Candidate) && term(w, C) == Term(1),
                    },
                    Waypoint {
                        id: "adopt",
                        en: "2. Each receiver sees a higher term, adopts it and resets its timer; not having voted in this term, it votes for C.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| {
                            [A, B, D, E]
                                .iter()
                                .filter(|&&id| {
                                    term(w, id) == Term(1)
                                        && w.node(id).and_then(|n| n.voted_for()) == Some(C)
                                })
                                .count()
                                >= 2
                        },
                    },
                    Waypoint {
                        id: "majority",
                        en: "3. With votes from a majority (3 of 5), C becomes leader.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| leads(w, C),
                    },
                    Waypoint {
                        id: "replication",
                        en: "4. The term's election is over; the leader now sends log updates (and heartbeats) to the followers.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| [A, B, D, E].iter().all(|&id| follows(w, id, C)),
                    },
                ]
            },
        ),
    }
}

/// Section 9: log replication and heartbeat — set 5 travels with the next heartbeat.
#[must_use]
pub fn heartbeat() -> Scene {
    let mut cues = first_to_time_out(A, 3);
    cues.push(cue(
        437,
        Action::ClientRequest {
            op: Op::Set(5),
            to: Some(A),
        },
    ));
    Scene {
        id: "heartbeat",
        chapter: Chapter::Heartbeat,
        task: None,
        title_en: "Log replication and heartbeat",
        setup: setup(3, 9),
        cues,
        waypoints: list(
            const {
                &[
                    Waypoint {
                        id: "leader",
                        en: "A leads and sends a heartbeat to its followers every 50 ms.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| leads(w, A),
                    },
                    Waypoint {
                        id: "waiting",
                        en: "1. The client sends set 5. A appends it and waits for the next heartbeat to send it.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| log_len(w, A) >= 1 && !append_with_entries_in_flight(w),
                    },
                    Waypoint {
                        id: "sent",
                        en: "At the next heartbeat, the AppendEntries carry set 5 to the followers.",
                        subjects: &[],
                        fill: no_fill,
                        reached: append_with_entries_in_flight,
                    },
                    Waypoint {
                        id: "committed",
                        en: "2. A majority acknowledged: the leader commits set 5.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| value(w, A) == 5,
                    },
                    Waypoint {
                        id: "answered",
                        en: "3. The leader answers the client and, with the next heartbeat, tells the followers to commit.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| {
                            all_values(w, 5)
                                && w.clients()
                                    .first()
                                    .and_then(|c| c.last_completed())
                                    .is_some_and(|c| c.value == 5)
                        },
                    },
                ]
            },
        ),
    }
}

fn append_with_entries_in_flight(w: &World) -> bool {
    w.flights().any(|f| {
        matches!(&f.packet, crate::network::Packet::Raft(m)
            if matches!(&m.body, raft_core::Body::AppendEntries { entries, .. } if !entries.is_empty()))
    })
}

/// Beyond the article: a network partition of five nodes, 2 | 3.
#[must_use]
pub fn partition() -> Scene {
    let mut cues = first_to_time_out(A, 5);
    cues.push(cue(600, Action::Partition(vec![vec![A, B], vec![C, D, E]])));
    cues.push(cue(
        700,
        Action::ClientRequest {
            op: Op::Set(5),
            to: Some(A),
        },
    ));
    cues.push(cue(3_000, Action::Heal));
    Scene {
        id: "partition",
        chapter: Chapter::Beyond,
        task: None,
        title_en: "Network partition",
        setup: setup(5, 11),
        cues,
        waypoints: list(
            const {
                &[
                    Waypoint {
                        id: "leader",
                        en: "A leads five nodes.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| leads(w, A),
                    },
                    Waypoint {
                        id: "split",
                        en: "The network splits: A and B on one side, C, D and E on the other.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| w.links().is_cut(A, C) && leads(w, A),
                    },
                    Waypoint {
                        id: "minority-stuck",
                        en: "The client's set 5 reaches A, but A can reach only B: two of five is no majority, so it never commits.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| log_len(w, A) >= 1 && commit(w, A) == 0,
                    },
                    Waypoint {
                        id: "two-leaders",
                        en: "C, D and E stop hearing A and elect a leader in a higher term. Two leaders, but in different terms, and only one can commit.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| {
                            leads(w, A)
                                && [C, D, E]
                                    .iter()
                                    .any(|&id| leads(w, id) && term(w, id) > term(w, A))
                        },
                    },
                    Waypoint {
                        id: "healed",
                        en: "The partition heals: A sees the higher term, steps down and follows the new leader.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| {
                            !w.links().any_cut()
                                && role(w, A) == Some(Role::Follower)
                                && w.leader().is_some_and(|l| l != A && l != B)
                        },
                    },
                    Waypoint {
                        id: "converged",
                        en: "The client's retried set 5 commits under the new leader; A's uncommitted copy is replaced. Every node holds 5.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| all_values(w, 5) && w.clients_idle(),
                    },
                ]
            },
        ),
    }
}

/// Beyond the article: what the election restriction (§5.4.1) prevents. With the unsafe
/// switch on, a node whose log lacks a committed entry wins, and the checker turns red.
#[must_use]
pub fn unsafe_vote() -> Scene {
    let mut s = setup(3, 12);
    s.raft.unsafe_rules.skip_log_up_to_date_check = true;
    let mut cues = first_to_time_out(A, 3);
    cues.extend_from_slice(
        const {
            &[
                cue(500, Action::Crash(C)),
                cue(
                    600,
                    Action::ClientRequest {
                        op: Op::Set(5),
                        to: Some(A),
                    },
                ),
                cue(1_200, Action::Crash(A)),
                cue(1_300, Action::Restart(C)),
                cue(1_310, Action::TimeoutNow(C)),
                cue(
                    1_600,
                    Action::ClientRequest {
                        op: Op::Set(9),
                        to: Some(C),
                    },
                ),
            ]
        },
    );
    Scene {
        id: "unsafe-vote",
        chapter: Chapter::Beyond,
        task: None,
        title_en: "Without the election restriction",
        setup: s,
        cues,
        waypoints: list(
            const {
                &[
                    Waypoint {
                        id: "committed",
                        en: "C is down. A and B commit set 5: two of three is a majority.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| value(w, A) == 5 && value(w, B) == 5,
                    },
                    Waypoint {
                        id: "stale-candidate",
                        en: "A crashes; C returns with an empty log and asks for votes.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| role(w, C) == Some(Role::Candidate) && log_len(w, C) == 0,
                    },
                    Waypoint {
                        id: "stale-leader",
                        en: "This switch turns the log check off, so B votes for C, and C leads without the committed entry.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| leads(w, C),
                    },
                    Waypoint {
                        id: "violation",
                        en: "The checker flags it: Leader Completeness is broken, and set 9 overwrites the acknowledged set 5.",
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| w.checker().total() > 0 && value(w, B) == 9,
                    },
                ]
            },
        ),
    }
}
