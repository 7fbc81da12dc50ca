//! Beyond the article: a leader's crash, a network partition, two of the unsafe
//! switches, and the hand-over to the sandbox.

use alloc::vec;

use raft_core::{Payload, Role, Term};

use super::super::{Chapter, Fill, MessageKind, Scene, Subject, Task, Text, Waypoint, no_fill};
use super::{
    A, B, C, D, E, all_values, candidate_fill, client_acked, commit, cue, fills, first_to_time_out,
    follows, is_down, leader_and_term, leader_fill, leader_term_fill, leads, list, log_len,
    max_term, new_term_leader, num, old_leader_gone, quorum, role, setup, term, term_at, value,
};
use crate::action::Action;
use crate::command::Op;
use crate::world::World;

/// All five nodes of a five-node scene.
const FIVE: &[Subject] = &[
    Subject::Node(A),
    Subject::Node(B),
    Subject::Node(C),
    Subject::Node(D),
    Subject::Node(E),
];

/// The leader and at least one more server are down, and a leader exists in a newer
/// term.
fn leader_and_one_more_down(start: &World, now: &World) -> bool {
    let down = now.ids().iter().filter(|&&id| is_down(now, id)).count();
    down >= 2 && old_leader_gone(start, now) && new_term_leader(start, now).is_some()
}

/// A leader crashes; the followers time out; a new leader in a higher term; the old
/// one restarts and follows.
#[must_use]
pub fn crash() -> Scene {
    let mut cues = first_to_time_out(A, 5);
    cues.extend_from_slice(
        const {
            &[
                cue(
                    400,
                    Action::ClientRequest {
                        op: Op::Set(5),
                        to: Some(A),
                    },
                ),
                cue(700, Action::Crash(A)),
                cue(1_500, Action::Restart(A)),
            ]
        },
    );
    Scene {
        id: "crash",
        chapter: Chapter::Beyond,
        task: Some(Task {
            en: Text::Appendix,
            done: leader_and_one_more_down,
        }),
        title_en: "A Leader crashes",
        setup: setup(5, 10),
        cues,
        waypoints: list(
            const {
                &[
                    Waypoint {
                        id: "leader",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(A)],
                        fill: |w| fills(&[num(term(w, A).0)]),
                        reached: |w| leads(w, A) && all_values(w, 5),
                    },
                    Waypoint {
                        id: "crash",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(A)],
                        fill: no_fill,
                        reached: |w| is_down(w, A),
                    },
                    Waypoint {
                        id: "candidate",
                        en: Text::Appendix,
                        subjects: &[
                            Subject::Node(C),
                            Subject::Messages(MessageKind::VoteRequest),
                        ],
                        fill: |w| fills(&[candidate_fill(w), num(term(w, C).0)]),
                        reached: |w| role(w, C) == Some(Role::Candidate),
                    },
                    Waypoint {
                        id: "new-leader",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(C)],
                        fill: |w| {
                            fills(&[num(quorum(w) as u64), leader_fill(w), leader_term_fill(w)])
                        },
                        reached: |w| leader_and_term(w).is_some_and(|(_, t)| t.0 >= 2),
                    },
                    Waypoint {
                        id: "restart",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(A), Subject::Entry { node: A, index: 1 }],
                        fill: |w| fills(&[num(term(w, A).0), leader_term_fill(w)]),
                        reached: |w| !is_down(w, A) && term(w, A) < max_term(w),
                    },
                    Waypoint {
                        id: "follows",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(A), Subject::Node(C)],
                        fill: |w| fills(&[leader_fill(w), leader_term_fill(w)]),
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

/// `start`'s leader, never restarted, follows a newer leader on a healed network.
fn old_leader_rejoined(start: &World, now: &World) -> bool {
    let Some(old) = start.leader() else {
        return false;
    };
    let restarts = |w: &World| w.server(old).map_or(0, crate::Server::restarts);
    !now.links().any_cut()
        && restarts(now) == restarts(start)
        && new_term_leader(start, now).is_some_and(|l| l != old && follows(now, old, l))
}

/// Beyond the article: a network partition of five nodes, 2 | 3.
#[must_use]
pub fn partition() -> Scene {
    let mut cues = first_to_time_out(A, 5);
    cues.push(cue(600, Action::Partition(vec![vec![A, B], vec![C, D, E]])));
    cues.extend_from_slice(
        const {
            &[
                // C times out first on the majority side.
                cue(600, Action::SetElectionTimer(C, super::ms(800))),
                cue(600, Action::SetElectionTimer(D, super::ms(1_000))),
                cue(600, Action::SetElectionTimer(E, super::ms(1_000))),
                // A write on the majority side, then one at A.
                cue(
                    900,
                    Action::ClientRequest {
                        op: Op::Set(7),
                        to: Some(C),
                    },
                ),
                cue(
                    900,
                    Action::ClientRequest {
                        op: Op::Set(5),
                        to: Some(A),
                    },
                ),
                cue(2_500, Action::Heal),
            ]
        },
    );
    Scene {
        id: "partition",
        chapter: Chapter::Beyond,
        task: Some(Task {
            en: Text::Appendix,
            done: old_leader_rejoined,
        }),
        title_en: "Network partition",
        setup: setup(5, 11),
        cues,
        waypoints: list(
            const {
                &[
                    Waypoint {
                        id: "leader",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(A)],
                        fill: |w| fills(&[num(term(w, A).0)]),
                        reached: |w| leads(w, A),
                    },
                    Waypoint {
                        id: "split",
                        en: Text::Appendix,
                        subjects: FIVE,
                        fill: no_fill,
                        reached: |w| w.links().is_cut(A, C) && leads(w, A),
                    },
                    Waypoint {
                        id: "second-leader",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(C), Subject::Node(A)],
                        fill: |w| fills(&[Fill::Node(C), num(term(w, C).0), num(term(w, A).0)]),
                        reached: |w| leads(w, A) && leads(w, C) && term(w, C) > term(w, A),
                    },
                    Waypoint {
                        id: "majority-commits",
                        en: Text::Appendix,
                        subjects: &[Subject::Client, Subject::Entry { node: C, index: 1 }],
                        fill: no_fill,
                        reached: |w| value(w, C) == 7,
                    },
                    Waypoint {
                        id: "minority-stuck",
                        en: Text::Appendix,
                        subjects: &[
                            Subject::Client,
                            Subject::Entry { node: A, index: 1 },
                            Subject::Entry { node: B, index: 1 },
                        ],
                        fill: no_fill,
                        reached: |w| log_len(w, B) >= 1 && commit(w, A) == 0 && leads(w, A),
                    },
                    Waypoint {
                        id: "healed",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(A), Subject::Node(C)],
                        fill: |w| fills(&[num(term(w, A).0)]),
                        reached: |w| !w.links().any_cut() && leads(w, A),
                    },
                    Waypoint {
                        id: "rolled-back",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(A), Subject::Entry { node: A, index: 1 }],
                        fill: |w| fills(&[num(term(w, C).0)]),
                        reached: |w| follows(w, A, C) && term_at(w, A, 1) == Some(term(w, C)),
                    },
                    Waypoint {
                        id: "converged",
                        en: Text::Appendix,
                        subjects: &[Subject::Client],
                        fill: |w| {
                            let index = w
                                .clients()
                                .first()
                                .and_then(|c| c.last_completed())
                                .map_or(0, |c| c.index.0);
                            fills(&[leader_fill(w), num(index), Fill::Num(value(w, A))])
                        },
                        reached: |w| {
                            all_values(w, 5) && w.clients_idle() && client_acked(w) == Some(5)
                        },
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
                        id: "switch",
                        en: Text::Appendix,
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| leads(w, A),
                    },
                    Waypoint {
                        id: "committed",
                        en: Text::Appendix,
                        subjects: &[
                            Subject::Node(C),
                            Subject::Entry { node: A, index: 1 },
                            Subject::Entry { node: B, index: 1 },
                        ],
                        fill: no_fill,
                        reached: |w| value(w, A) == 5 && value(w, B) == 5,
                    },
                    Waypoint {
                        id: "stale-candidate",
                        en: Text::Appendix,
                        subjects: &[
                            Subject::Node(C),
                            Subject::Messages(MessageKind::VoteRequest),
                        ],
                        fill: |w| fills(&[num(term(w, C).0)]),
                        reached: |w| role(w, C) == Some(Role::Candidate) && log_len(w, C) == 0,
                    },
                    Waypoint {
                        id: "stale-leader",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(B), Subject::Node(C)],
                        fill: no_fill,
                        reached: |w| leads(w, C),
                    },
                    Waypoint {
                        id: "violation",
                        en: Text::Appendix,
                        subjects: &[Subject::Entry { node: B, index: 1 }],
                        fill: no_fill,
                        reached: |w| w.checker().total() > 0 && value(w, B) == 9,
                    },
                ]
            },
        ),
    }
}

/// No leader in `start`, one in `now`.
fn leader_elected(start: &World, now: &World) -> bool {
    start.leader().is_none() && now.leader().is_some()
}

/// Every running node is a candidate of term `t` (and there is one at least).
fn all_candidates_in(w: &World, t: u64) -> bool {
    w.servers().iter().all(|s| {
        s.node()
            .is_some_and(|n| n.role() == Role::Candidate && n.term() == Term(t))
    })
}

/// Beyond the article: the same election timeout everywhere (liveness, §5.2).
#[must_use]
pub fn unsafe_timeouts() -> Scene {
    let mut s = setup(5, 15);
    s.raft.unsafe_rules.fixed_election_timeout = true;
    Scene {
        id: "unsafe-timeouts",
        chapter: Chapter::Beyond,
        task: Some(Task {
            en: Text::Appendix,
            done: leader_elected,
        }),
        title_en: "Without random timeouts",
        setup: s,
        cues: vec![],
        waypoints: list(
            const {
                &[
                    Waypoint {
                        id: "same-timeout",
                        en: Text::Appendix,
                        subjects: FIVE,
                        fill: |w| fills(&[num(w.config().election_timeout_min.as_millis() as u64)]),
                        reached: |w| {
                            w.ids()
                                .iter()
                                .all(|&id| role(w, id) == Some(Role::Follower))
                        },
                    },
                    Waypoint {
                        id: "term-1",
                        en: Text::Appendix,
                        subjects: &[Subject::Messages(MessageKind::VoteRequest)],
                        fill: |w| fills(&[num(max_term(w).0)]),
                        reached: |w| all_candidates_in(w, 1),
                    },
                    Waypoint {
                        id: "no-votes",
                        en: Text::Appendix,
                        subjects: FIVE,
                        fill: |w| fills(&[num(max_term(w).0)]),
                        reached: |w| {
                            all_candidates_in(w, 1)
                                && w.servers()
                                    .iter()
                                    .all(|s| s.node().is_some_and(|n| n.votes_refused().len() == 4))
                        },
                    },
                    Waypoint {
                        id: "term-2",
                        en: Text::Appendix,
                        subjects: &[Subject::Messages(MessageKind::VoteRequest)],
                        fill: |w| fills(&[num(max_term(w).0)]),
                        reached: |w| all_candidates_in(w, 2),
                    },
                    Waypoint {
                        id: "still-none",
                        en: Text::Appendix,
                        subjects: FIVE,
                        fill: |w| fills(&[num(max_term(w).0)]),
                        reached: |w| all_candidates_in(w, 8),
                    },
                    Waypoint {
                        id: "still-safe",
                        en: Text::Appendix,
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| all_candidates_in(w, 9) && w.checker().total() == 0,
                    },
                ]
            },
        ),
    }
}

/// A write acknowledged in the sandbox is in the log of a leader of a newer term, and
/// `start`'s leader is gone.
fn write_survives_leader_change(start: &World, now: &World) -> bool {
    let acked = |w: &World| {
        w.clients()
            .first()
            .map_or(0, crate::Client::completed_count)
    };
    let Some(done) = now
        .clients()
        .first()
        .and_then(crate::Client::last_completed)
    else {
        return false;
    };
    let kept = |l| {
        now.node(l)
            .and_then(|n| n.log().get(done.index))
            .is_some_and(|e| matches!(e.payload, Payload::Command(c) if c.seq == done.seq))
    };
    old_leader_gone(start, now)
        && acked(now) > acked(start)
        && new_term_leader(start, now).is_some_and(kept)
}

/// The hand-over: a plain five-node cluster that elects a leader, then the reader's.
#[must_use]
pub fn sandbox() -> Scene {
    Scene {
        id: "sandbox",
        chapter: Chapter::Beyond,
        task: Some(Task {
            en: Text::Appendix,
            done: write_survives_leader_change,
        }),
        title_en: "Over to you",
        setup: setup(5, 16),
        cues: vec![],
        waypoints: list(
            const {
                &[
                    Waypoint {
                        id: "cluster",
                        en: Text::Appendix,
                        subjects: FIVE,
                        fill: no_fill,
                        reached: |w| {
                            w.ids()
                                .iter()
                                .all(|&id| role(w, id) == Some(Role::Follower))
                        },
                    },
                    Waypoint {
                        id: "leader",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(E)],
                        fill: |w| fills(&[leader_fill(w), leader_term_fill(w)]),
                        reached: |w| w.leader().is_some(),
                    },
                    Waypoint {
                        id: "your-turn",
                        en: Text::Appendix,
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| {
                            w.leader().is_some_and(|l| {
                                w.ids().iter().all(|&id| id == l || follows(w, id, l))
                            })
                        },
                    },
                ]
            },
        ),
    }
}
