//! The paper's Figure 8 (§5.4.2): why a leader commits an entry of an earlier term only
//! through one of its own term. Five servers S1..S5 are A..E here.
//!
//! The script, with only what a user could do: B leads term 1 and commits set 1 at
//! index 1 everywhere. (a) A is timed out by hand and wins term 2; a partition keeps
//! C, D and E from the client's set 2 at index 2, which only B copies; A crashes, the
//! network heals. (b) E's timer ends first and it wins term 3 with C's and D's votes
//! (B refuses: its log is more up to date); the client, unanswered, retries set 2,
//! which E appends at index 2 in term 3; E crashes before sending it. (c) A restarts
//! and is timed out twice (C and D already voted in term 3) and wins term 4; its first
//! AppendEntries bring its term-2 entry to C and D. With the current-term rule, a
//! majority holding it is not enough: index 2 stays uncommitted. (e) The client's
//! retry reaches A, which appends it at index 3 in term 4; a majority stores it and
//! index 3 commits, and index 2 with it. Then A crashes and E, restarted, cannot win:
//! its log ends in term 3, theirs in term 4.
//!
//! Without the rule (`commit_old_terms_by_counting`), A commits index 2 at (c) by
//! counting; then (d) A crashes, E restarts and wins term 5 (its last term, 3, beats
//! their 2) and overwrites index 2 on the others: the checker reports it.
//!
//! `append_noop_on_election` stays off (the default). With it on, A's election in
//! term 4 would append an entry of term 4 at once, which its first AppendEntries would
//! carry to C and D together with index 2: the moment of (c), on a majority but not
//! committed, would never be seen.

use alloc::vec;
use alloc::vec::Vec;

use raft_core::{Role, Term};

use super::super::{Chapter, Cue, Scene, Subject, Text, Waypoint, no_fill};
use super::{
    A, B, C, D, E, commit, cue, fills, first_to_time_out, holders, is_down, leader_fill,
    leader_term_fill, leads, list, num, role, setup, term, term_at, value,
};
use crate::action::Action;
use crate::checker::Property;
use crate::command::Op;
use crate::world::World;

/// The script: what a user could do, in time order. `unsafe_` adds (d).
fn script(unsafe_: bool) -> Vec<Cue> {
    let mut cues = first_to_time_out(B, 5);
    cues.extend_from_slice(
        const {
            &[
                cue(
                    300,
                    Action::ClientRequest {
                        op: Op::Set(1),
                        to: Some(B),
                    },
                ),
                // (a) A is timed out by hand and wins term 2.
                cue(500, Action::TimeoutNow(A)),
            ]
        },
    );
    // Only B can hear A; E's timer will run out first on the other side.
    cues.push(cue(600, Action::Partition(vec![vec![A, B], vec![C, D, E]])));
    cues.extend_from_slice(
        const {
            &[
                cue(
                    600,
                    Action::ClientRequest {
                        op: Op::Set(2),
                        to: Some(A),
                    },
                ),
                super::timer(600, C, 1_200),
                super::timer(600, D, 1_200),
                super::timer(600, E, 760),
                cue(700, Action::Crash(A)),
                cue(700, Action::Heal),
                super::timer(700, B, 1_200),
                // (b) E has appended the client's retry (at 1241 ms) and crashes before
                // its next heartbeat (1289 ms) would send it.
                cue(1_250, Action::Crash(E)),
                // (c) A restarts; its first try, in term 3, cannot win (C and D voted
                // for E in term 3); the second, in term 4, does.
                cue(1_260, Action::Restart(A)),
                cue(1_270, Action::TimeoutNow(A)),
                cue(1_320, Action::TimeoutNow(A)),
            ]
        },
    );
    cues.extend_from_slice(if unsafe_ {
        // (d) A crashes with index 2 committed by counting; E restarts, learns term 4
        // from A's last heartbeat, still on its way, and is timed out by hand.
        const {
            &[
                cue(1_500, Action::Crash(A)),
                cue(1_510, Action::Restart(E)),
                cue(1_520, Action::TimeoutNow(E)),
            ]
        }
    } else {
        // After (e), the same crash and restart cannot elect E.
        const {
            &[
                cue(2_000, Action::Crash(A)),
                cue(2_010, Action::Restart(E)),
                cue(2_020, Action::TimeoutNow(E)),
            ]
        }
    });
    cues
}

/// The world at (a): A leads term 2, index 2 (term 2) on A and B only.
fn at_a(w: &World) -> bool {
    leads(w, A)
        && term(w, A) == Term(2)
        && term_at(w, B, 2) == Some(Term(2))
        && holders(w, 2, Term(2)) == 2
}

/// Every server holds set 1, committed, at index 1.
fn at_start(w: &World) -> bool {
    w.ids().iter().all(|&id| value(w, id) == 1)
}

/// Every server's index 1, for the first step.
const FIRST_ENTRIES: &[Subject] = &[
    Subject::Entry { node: A, index: 1 },
    Subject::Entry { node: B, index: 1 },
    Subject::Entry { node: C, index: 1 },
    Subject::Entry { node: D, index: 1 },
    Subject::Entry { node: E, index: 1 },
];

/// The waypoints from (a) to (c), shared by both scenes.
const COMMON: [Waypoint; 4] = [
    Waypoint {
        id: "a",
        en: Text::Appendix,
        subjects: &[
            Subject::Node(A),
            Subject::Entry { node: A, index: 2 },
            Subject::Entry { node: B, index: 2 },
        ],
        fill: |w| fills(&[num(term(w, A).0)]),
        reached: at_a,
    },
    Waypoint {
        id: "b",
        en: Text::Appendix,
        subjects: &[Subject::Node(A), Subject::Node(E)],
        fill: |w| fills(&[num(term(w, E).0)]),
        reached: |w| is_down(w, A) && leads(w, E) && term(w, E) == Term(3),
    },
    Waypoint {
        id: "b-entry",
        en: Text::Appendix,
        subjects: &[Subject::Client, Subject::Entry { node: E, index: 2 }],
        fill: |w| fills(&[num(entry_term(w, E, 2))]),
        reached: |w| term_at(w, E, 2) == Some(Term(3)) && is_down(w, E),
    },
    Waypoint {
        id: "c-leader",
        en: Text::Appendix,
        subjects: &[Subject::Node(A)],
        fill: |w| fills(&[num(term(w, E).0), num(term(w, A).0)]),
        reached: |w| leads(w, A) && term(w, A) == Term(4),
    },
];

/// The term of the entry at `index` in `id`'s log, as a number (0 if none).
fn entry_term(w: &World, id: raft_core::NodeId, index: u64) -> u64 {
    term_at(w, id, index).map_or(0, |t| t.0)
}

/// The term of the last entry in `id`'s log, as a number.
fn last_term(w: &World, id: raft_core::NodeId) -> u64 {
    w.server(id).map_or(0, |s| s.storage().log.last_term().0)
}

/// Index 2 of term 2 is on a majority.
fn index_2_on_majority(w: &World) -> bool {
    holders(w, 2, Term(2)) >= 3
}

/// Figure 8 with the current-term rule (the default, safe, configuration).
#[must_use]
pub fn figure_8() -> Scene {
    let cues = script(false);
    let mut waypoints = list(
        const {
            &[Waypoint {
                id: "start",
                en: Text::Appendix,
                subjects: FIRST_ENTRIES,
                fill: |w| fills(&[num(entry_term(w, B, 1))]),
                reached: at_start,
            }]
        },
    );
    waypoints.extend_from_slice(&COMMON);
    waypoints.extend_from_slice(
        const {
            &[
                Waypoint {
                    id: "c",
                    en: Text::Appendix,
                    subjects: &[
                        Subject::Entry { node: A, index: 2 },
                        Subject::Entry { node: B, index: 2 },
                        Subject::Entry { node: C, index: 2 },
                        Subject::Entry { node: D, index: 2 },
                    ],
                    fill: |w| {
                        fills(&[
                            num(entry_term(w, A, 2)),
                            num(holders(w, 2, Term(2)) as u64),
                            num(term(w, A).0),
                        ])
                    },
                    reached: |w| leads(w, A) && holders(w, 2, Term(2)) >= 4 && commit(w, A) < 2,
                },
                Waypoint {
                    id: "d-risk",
                    en: Text::Appendix,
                    subjects: &[Subject::Entry { node: E, index: 2 }],
                    fill: |w| fills(&[num(entry_term(w, E, 2)), num(entry_term(w, B, 2))]),
                    reached: |w| {
                        index_2_on_majority(w) && commit(w, A) < 2 && w.now() >= super::ms(1_600)
                    },
                },
                Waypoint {
                    id: "e-entry",
                    en: Text::Appendix,
                    subjects: &[Subject::Client, Subject::Entry { node: A, index: 3 }],
                    fill: |w| fills(&[num(term(w, A).0)]),
                    reached: |w| term_at(w, A, 3) == Some(Term(4)),
                },
                Waypoint {
                    id: "e-committed",
                    en: Text::Appendix,
                    subjects: &[
                        Subject::Entry { node: A, index: 2 },
                        Subject::Entry { node: A, index: 3 },
                    ],
                    fill: |w| fills(&[num(commit(w, A))]),
                    reached: |w| commit(w, A) >= 3,
                },
                Waypoint {
                    id: "e-safe",
                    en: Text::Appendix,
                    subjects: &[
                        Subject::Node(E),
                        Subject::Node(B),
                        Subject::Node(C),
                        Subject::Node(D),
                    ],
                    fill: |w| {
                        fills(&[
                            num(term(w, E).0),
                            num(last_term(w, E)),
                            num(last_term(w, B)),
                        ])
                    },
                    reached: |w| {
                        is_down(w, A)
                            && role(w, E) == Some(Role::Candidate)
                            && term(w, E).0 >= 5
                            && w.node(E).is_some_and(|n| n.votes_refused().len() >= 3)
                    },
                },
                Waypoint {
                    id: "e-new-leader",
                    en: Text::Appendix,
                    subjects: &[Subject::Entry { node: E, index: 2 }],
                    fill: |w| fills(&[leader_fill(w), leader_term_fill(w)]),
                    reached: |w| w.leader().is_some() && term_at(w, E, 2) == Some(Term(2)),
                },
            ]
        },
    );
    Scene {
        id: "figure-8",
        chapter: Chapter::Beyond,
        task: None,
        title_en: "Figure 8: committing an older term's entry",
        setup: setup(5, 8),
        cues,
        waypoints,
    }
}

/// Figure 8 without the current-term rule: the old entry is committed by counting, then
/// overwritten.
#[must_use]
pub fn figure_8_unsafe() -> Scene {
    let mut s = setup(5, 8);
    s.raft.unsafe_rules.commit_old_terms_by_counting = true;
    let cues = script(true);
    let mut waypoints = list(
        const {
            &[Waypoint {
                id: "start",
                en: Text::Appendix,
                subjects: FIRST_ENTRIES,
                fill: no_fill,
                reached: at_start,
            }]
        },
    );
    waypoints.extend_from_slice(&COMMON);
    waypoints.extend_from_slice(
        const {
            &[
                Waypoint {
                    id: "c-counted",
                    en: Text::Appendix,
                    subjects: &[
                        Subject::Entry { node: A, index: 2 },
                        Subject::Entry { node: B, index: 2 },
                        Subject::Entry { node: C, index: 2 },
                        Subject::Entry { node: D, index: 2 },
                    ],
                    fill: |w| {
                        fills(&[num(entry_term(w, A, 2)), num(holders(w, 2, Term(2)) as u64)])
                    },
                    reached: |w| leads(w, A) && holders(w, 2, Term(2)) >= 4 && commit(w, A) >= 2,
                },
                Waypoint {
                    id: "d-crash",
                    en: Text::Appendix,
                    subjects: &[Subject::Node(A), Subject::Node(E)],
                    fill: no_fill,
                    reached: |w| is_down(w, A) && !is_down(w, E),
                },
                Waypoint {
                    id: "d-leader",
                    en: Text::Appendix,
                    subjects: &[Subject::Node(E), Subject::Entry { node: E, index: 2 }],
                    fill: |w| {
                        fills(&[
                            num(term(w, E).0),
                            num(entry_term(w, E, 2)),
                            num(entry_term(w, B, 2)),
                        ])
                    },
                    reached: |w| leads(w, E),
                },
                Waypoint {
                    id: "d-overwritten",
                    en: Text::Appendix,
                    subjects: &[
                        Subject::Entry { node: B, index: 2 },
                        Subject::Entry { node: C, index: 2 },
                        Subject::Entry { node: D, index: 2 },
                    ],
                    fill: |w| fills(&[num(entry_term(w, E, 2))]),
                    reached: |w| leads(w, E) && holders(w, 2, Term(3)) == 4,
                },
                Waypoint {
                    id: "violation",
                    en: Text::Appendix,
                    subjects: &[Subject::Entry { node: E, index: 2 }],
                    fill: |w| fills(&[num(w.checker().total())]),
                    reached: |w| {
                        w.checker()
                            .first_broken(Property::LeaderCompleteness)
                            .is_some()
                            && w.checker()
                                .first_broken(Property::StateMachineSafety)
                                .is_some()
                    },
                },
            ]
        },
    );
    Scene {
        id: "figure-8-unsafe",
        chapter: Chapter::Beyond,
        task: None,
        title_en: "Figure 8 without the current-term rule",
        setup: s,
        cues,
        waypoints,
    }
}
