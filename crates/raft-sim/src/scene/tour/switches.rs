//! Beyond the article, two of Raft's extensions, each shown without and then with its
//! switch: pre-vote (thesis §9.6) against a rejoining server's inflated term, and
//! check-quorum (thesis §6.2) against a leader left in a minority.

use alloc::vec::Vec;

use raft_core::Role;

use super::super::{Chapter, MessageKind, Scene, Subject, Text, Waypoint, no_fill};
use super::{
    A, B, C, D, E, cue, fills, first_to_time_out, follows, leader_and_term, leader_fill,
    leader_term_fill, leads, list, num, role, setup, term,
};
use crate::action::Action;
use crate::command::Op;
use crate::protocol::Protocol;
use crate::world::World;

/// E alone on one side, the four others on the other.
fn cut_off_e() -> Action {
    Action::Partition(alloc::vec![alloc::vec![A, B, C, D], alloc::vec![E]])
}

/// E is on its own side of a partition.
#[inline(never)]
fn e_cut_off(w: &World) -> bool {
    w.links().is_cut(A, E)
}

#[inline(never)]
fn pre_vote_on(w: &World) -> bool {
    w.config().pre_vote
}

/// A partitioned server's elections inflate its term; back on the network it deposes a
/// healthy leader. Then pre-vote keeps its term where it was (thesis §9.6).
#[must_use]
pub fn pre_vote() -> Scene {
    let mut cues: Vec<_> = first_to_time_out(A, 5);
    cues.push(cue(600, cut_off_e()));
    cues.push(cue(
        900,
        Action::ClientRequest {
            op: Op::Set(5),
            to: Some(A),
        },
    ));
    cues.push(cue(2_500, Action::Heal));
    cues.push(cue(
        3_500,
        Action::SetProtocol(Protocol {
            pre_vote: true,
            ..Protocol::default()
        }),
    ));
    cues.push(cue(3_600, cut_off_e()));
    cues.push(cue(5_600, Action::Heal));
    Scene {
        id: "pre-vote",
        chapter: Chapter::Beyond,
        task: None,
        title_en: "Term inflation and pre-vote",
        setup: setup(5, 24),
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
                        id: "inflating",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(E)],
                        fill: |w| fills(&[num(term(w, E).0), num(term(w, A).0)]),
                        reached: |w| e_cut_off(w) && term(w, E).0 >= term(w, A).0 + 4,
                    },
                    Waypoint {
                        id: "deposed",
                        en: Text::Appendix,
                        subjects: &[
                            Subject::Node(E),
                            Subject::Messages(MessageKind::VoteRequest),
                        ],
                        fill: |w| fills(&[num(term(w, A).0)]),
                        reached: |w| {
                            !e_cut_off(w) && !pre_vote_on(w) && term(w, A).0 > 1 && !leads(w, A)
                        },
                    },
                    Waypoint {
                        id: "new-leader",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(E)],
                        fill: |w| fills(&[leader_fill(w), leader_term_fill(w)]),
                        reached: |w| {
                            !pre_vote_on(w)
                                && leader_and_term(w).is_some_and(|(l, t)| l != E && t.0 > 1)
                        },
                    },
                    Waypoint {
                        id: "pre-vote",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(E)],
                        fill: |w| fills(&[num(term(w, E).0)]),
                        reached: |w| {
                            pre_vote_on(w) && e_cut_off(w) && role(w, E) == Some(Role::PreCandidate)
                        },
                    },
                    Waypoint {
                        id: "kept",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(E)],
                        fill: |w| fills(&[leader_fill(w), leader_term_fill(w)]),
                        reached: |w| {
                            pre_vote_on(w)
                                && !e_cut_off(w)
                                && w.leader().is_some_and(|l| follows(w, E, l))
                        },
                    },
                ]
            },
        ),
    }
}

#[inline(never)]
fn check_quorum_on(w: &World) -> bool {
    w.config().check_quorum
}

/// A leader cut off in a minority goes on believing it leads; with check-quorum it
/// steps down once a majority stops answering (thesis §6.2).
#[must_use]
pub fn check_quorum() -> Scene {
    let mut cues: Vec<_> = first_to_time_out(A, 5);
    cues.push(cue(
        600,
        Action::Partition(alloc::vec![alloc::vec![A, B], alloc::vec![C, D, E]]),
    ));
    // C times out first on the majority side.
    cues.push(cue(600, Action::SetElectionTimer(C, super::ms(800))));
    cues.push(cue(2_000, Action::Heal));
    cues.push(cue(
        2_500,
        Action::SetProtocol(Protocol {
            check_quorum: true,
            ..Protocol::default()
        }),
    ));
    cues.push(cue(
        2_600,
        Action::Partition(alloc::vec![alloc::vec![C, D], alloc::vec![A, B, E]]),
    ));
    Scene {
        id: "check-quorum",
        chapter: Chapter::Beyond,
        task: None,
        title_en: "A Leader in the minority and check-quorum",
        setup: setup(5, 25),
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
                        id: "stale",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(A), Subject::Node(C)],
                        fill: |w| fills(&[num(term(w, A).0), num(term(w, C).0)]),
                        reached: |w| leads(w, A) && leads(w, C) && term(w, C) > term(w, A),
                    },
                    Waypoint {
                        id: "majority-leader",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(A), Subject::Node(B), Subject::Node(E)],
                        fill: |w| fills(&[leader_fill(w), leader_term_fill(w), num(term(w, C).0)]),
                        reached: |w| {
                            check_quorum_on(w)
                                && leads(w, C)
                                && leader_and_term(w)
                                    .is_some_and(|(l, t)| [A, B, E].contains(&l) && t > term(w, C))
                        },
                    },
                    Waypoint {
                        id: "steps-down",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(C)],
                        fill: no_fill,
                        reached: |w| check_quorum_on(w) && role(w, C) == Some(Role::Follower),
                    },
                ]
            },
        ),
    }
}
