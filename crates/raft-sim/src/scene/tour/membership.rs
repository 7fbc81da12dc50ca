//! Beyond the article, the paper's §6 and §7: a server joins (a learner catching up,
//! then joint consensus), the leader removes itself, and a follower too far behind is
//! brought up to date by InstallSnapshot.

use raft_core::{Membership, NodeId, Role};

use super::super::{Chapter, MessageKind, Scene, Subject, Text, Waypoint, no_fill};
use super::{
    A, B, C, D, E, all_values, cue, fills, first_to_time_out, flying, is_down, leader_and_term,
    leader_fill, leader_term_fill, leads, list, log_len, num, role, setup, term, term_at, timer,
    value,
};
use crate::action::Action;
use crate::command::Op;
use crate::world::World;

/// `id`'s latest configuration (committed or not), while it runs.
#[inline(never)]
fn members(w: &World, id: NodeId) -> Option<&Membership> {
    w.node(id).map(raft_core::Node::members)
}

/// `id`'s committed configuration, while it runs.
#[inline(never)]
fn committed(w: &World, id: NodeId) -> Option<&Membership> {
    w.node(id).map(raft_core::Node::committed_members)
}

/// The last index `id`'s snapshot covers (0: none).
#[inline(never)]
fn compacted(w: &World, id: NodeId) -> u64 {
    w.server(id)
        .map_or(0, |s| s.storage().log.snapshot_index().0)
}

/// The four a removed A leaves.
const FOUR: &[Subject] = &[
    Subject::Node(B),
    Subject::Node(C),
    Subject::Node(D),
    Subject::Node(E),
];

const CLIENT_SET_5: Action = Action::ClientRequest {
    op: Op::Set(5),
    to: Some(A),
};

/// A fourth server joins a running cluster of three (§6).
#[must_use]
pub fn add_server() -> Scene {
    let mut cues = first_to_time_out(A, 3);
    cues.extend_from_slice(const { &[cue(400, CLIENT_SET_5), cue(900, Action::AddServer)] });
    Scene {
        id: "add-server",
        chapter: Chapter::Beyond,
        task: None,
        title_en: "A server joins",
        setup: setup(3, 21),
        cues,
        waypoints: list(
            const {
                &[
                    Waypoint {
                        id: "leader",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(A)],
                        fill: no_fill,
                        reached: |w| leads(w, A) && all_values(w, 5),
                    },
                    Waypoint {
                        id: "learner",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(D), Subject::Messages(MessageKind::Append)],
                        fill: no_fill,
                        reached: |w| {
                            members(w, A).is_some_and(|m| m.is_learner(D))
                                && log_len(w, D) < log_len(w, A)
                        },
                    },
                    Waypoint {
                        id: "joint",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(A), Subject::Node(D)],
                        fill: no_fill,
                        reached: |w| members(w, A).is_some_and(Membership::is_joint),
                    },
                    Waypoint {
                        id: "new",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(D)],
                        fill: no_fill,
                        reached: |w| {
                            committed(w, A).is_some_and(|m| !m.is_joint() && m.voters().len() == 4)
                                && value(w, D) == 5
                        },
                    },
                ]
            },
        ),
    }
}

/// The leader is asked to remove itself (§6): it steps down once C_new commits.
#[must_use]
pub fn remove_leader() -> Scene {
    let mut cues = first_to_time_out(A, 5);
    cues.extend_from_slice(const { &[cue(400, CLIENT_SET_5), cue(900, Action::RemoveServer(A))] });
    Scene {
        id: "remove-leader",
        chapter: Chapter::Beyond,
        task: None,
        title_en: "The leader leaves",
        setup: setup(5, 22),
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
                        id: "joint",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(A)],
                        fill: no_fill,
                        reached: |w| members(w, A).is_some_and(Membership::is_joint),
                    },
                    Waypoint {
                        id: "gone",
                        en: Text::Appendix,
                        subjects: FOUR,
                        fill: no_fill,
                        reached: |w| w.server(A).is_some_and(crate::Server::is_removed),
                    },
                    Waypoint {
                        id: "new-leader",
                        en: Text::Appendix,
                        subjects: FOUR,
                        fill: |w| fills(&[leader_fill(w), leader_term_fill(w)]),
                        reached: |w| w.leader().is_some_and(|l| l != A),
                    },
                ]
            },
        ),
    }
}

/// A follower down while the leader compacts its log comes back too far behind: the
/// leader sends it its snapshot (§7).
#[must_use]
pub fn install_snapshot() -> Scene {
    let mut cues = first_to_time_out(A, 3);
    cues.extend_from_slice(
        const {
            &[
                cue(300, Action::Crash(C)),
                cue(
                    400,
                    Action::ClientRequest {
                        op: Op::Set(1),
                        to: Some(A),
                    },
                ),
                cue(
                    500,
                    Action::ClientRequest {
                        op: Op::Add(2),
                        to: Some(A),
                    },
                ),
                cue(
                    600,
                    Action::ClientRequest {
                        op: Op::Add(3),
                        to: Some(A),
                    },
                ),
                cue(
                    700,
                    Action::ClientRequest {
                        op: Op::Add(4),
                        to: Some(A),
                    },
                ),
                cue(1_000, Action::TakeSnapshot(A)),
                cue(1_300, Action::Restart(C)),
            ]
        },
    );
    Scene {
        id: "install-snapshot",
        chapter: Chapter::Beyond,
        task: None,
        title_en: "Catching up by snapshot",
        setup: setup(3, 23),
        cues,
        waypoints: list(
            const {
                &[
                    Waypoint {
                        id: "down",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(C)],
                        fill: no_fill,
                        reached: |w| is_down(w, C) && value(w, B) == 10,
                    },
                    Waypoint {
                        id: "compacted",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(A)],
                        fill: |w| fills(&[num(value(w, A).unsigned_abs()), num(compacted(w, A))]),
                        reached: |w| compacted(w, A) > 0,
                    },
                    Waypoint {
                        id: "install",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(C), Subject::Messages(MessageKind::Append)],
                        fill: no_fill,
                        reached: |w| {
                            !is_down(w, C) && flying(w, raft_core::MessageKind::SnapshotRequest)
                        },
                    },
                    Waypoint {
                        id: "installed",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(C)],
                        fill: |w| {
                            fills(&[num(value(w, C).unsigned_abs()), num(compacted(w, C) + 1)])
                        },
                        reached: |w| {
                            compacted(w, C) > 0
                                && value(w, C) == 10
                                && role(w, C) == Some(Role::Follower)
                        },
                    },
                ]
            },
        ),
    }
}

/// Thesis §4.1's single-server change bug, with the switch that lifts its fix: a leader
/// changes the configuration before an entry of its own term has committed, while an
/// older leader's uncommitted change is still about, and two majorities that do not
/// overlap commit conflicting entries.
#[must_use]
pub fn single_server_bug() -> Scene {
    let mut s = setup(4, 25);
    s.raft.joint_consensus = false;
    s.raft.unsafe_rules.unchecked_membership_changes = true;
    let mut cues = first_to_time_out(A, 4);
    cues.extend_from_slice(
        const {
            &[
                cue(400, CLIENT_SET_5),
                cue(800, Action::AddServer),
                // B times out first once A is out of reach; D, once removed, late.
                timer(810, B, 1_100),
                timer(810, C, 1_600),
                timer(810, D, 1_600),
            ]
        },
    );
    cues.push(cue(
        810,
        Action::Partition(alloc::vec![alloc::vec![A, E], alloc::vec![B, C, D]]),
    ));
    cues.extend_from_slice(
        const { &[cue(1_300, Action::RemoveServer(D)), timer(1_300, D, 3_000)] },
    );
    cues.push(cue(
        1_700,
        Action::Partition(alloc::vec![alloc::vec![A, D, E], alloc::vec![B, C]]),
    ));
    cues.push(cue(2_500, Action::Heal));
    Scene {
        id: "single-server-bug",
        chapter: Chapter::Beyond,
        task: None,
        title_en: "The single-server change bug",
        setup: s,
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
                        id: "promoted",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(A), Subject::Node(E)],
                        fill: no_fill,
                        reached: |w| {
                            members(w, A).is_some_and(|m| m.is_voter(E))
                                && log_len(w, E) == log_len(w, A)
                        },
                    },
                    Waypoint {
                        id: "b-leads",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(B)],
                        fill: |w| fills(&[num(term(w, B).0)]),
                        reached: |w| leads(w, B),
                    },
                    Waypoint {
                        id: "b-removes",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(B), Subject::Node(C), Subject::Node(D)],
                        fill: |w| fills(&[num(term(w, B).0)]),
                        reached: |w| committed(w, B).is_some_and(|m| !m.contains(D)),
                    },
                    Waypoint {
                        id: "e-wins",
                        en: Text::Appendix,
                        subjects: &[Subject::Node(A), Subject::Node(D), Subject::Node(E)],
                        fill: |w| fills(&[leader_fill(w), leader_term_fill(w)]),
                        reached: |w| leader_and_term(w).is_some_and(|(l, t)| l != B && t.0 > 2),
                    },
                    Waypoint {
                        id: "overwritten",
                        en: Text::Appendix,
                        subjects: &[
                            Subject::Entry { node: B, index: 2 },
                            Subject::Entry { node: C, index: 2 },
                        ],
                        fill: |w| fills(&[leader_fill(w)]),
                        reached: |w| {
                            term_at(w, B, 2) == term_at(w, A, 2)
                                && term_at(w, C, 2) == term_at(w, A, 2)
                        },
                    },
                ]
            },
        ),
    }
}
