//! The article's sections on what consensus is and on log replication: one server
//! storing a value; the seven steps of replication; the entry that travels with the
//! next heartbeat.

use alloc::vec;

use raft_core::Role;

use super::super::{
    Chapter, Cue, Fill, MessageKind, Scene, Subject, Task, Text, Waypoint, no_fill,
};
use super::{
    A, B, C, all_values, append_with_entries_in_flight, client_acked, client_message_in_flight,
    commit, commit_news_in_flight, cue, fills, first_to_time_out, holders, is_down, leads, list,
    log_len, num, role, setup, term, value,
};
use crate::action::Action;
use crate::command::Op;
use crate::world::World;

const fn set_5_at(at: u64) -> Cue {
    cue(
        at,
        Action::ClientRequest {
            op: Op::Set(5),
            to: Some(A),
        },
    )
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
        cues: vec![set_5_at(400)],
        waypoints: list(
            const {
                &[
                    Waypoint {
                        id: "one-node",
                        en: Text::Inline(
                            "Meet A, a server that keeps a single value. A client will ask it to change that value.",
                        ),
                        subjects: &[Subject::Node(A), Subject::Client],
                        fill: no_fill,
                        reached: |w| role(w, A) == Some(Role::Follower),
                    },
                    Waypoint {
                        id: "alone",
                        en: Text::Inline(
                            "A has nobody to ask, so it is a majority by itself: when its timer runs out it becomes Leader of term {0}.",
                        ),
                        subjects: &[Subject::Node(A)],
                        fill: |w| fills(&[num(term(w, A).0)]),
                        reached: |w| leads(w, A),
                    },
                    Waypoint {
                        id: "request",
                        en: Text::Inline("The client sends A the command set 5."),
                        subjects: &[Subject::Client, Subject::Messages(MessageKind::Client)],
                        fill: no_fill,
                        reached: client_message_in_flight,
                    },
                    Waypoint {
                        id: "stored",
                        en: Text::Inline(
                            "A records the command in its log, commits it and now holds {0}.",
                        ),
                        subjects: &[Subject::Node(A), Subject::Entry { node: A, index: 1 }],
                        fill: |w| fills(&[Fill::Num(value(w, A))]),
                        reached: |w| value(w, A) == 5,
                    },
                    Waypoint {
                        id: "answered",
                        en: Text::Inline(
                            "A answers the client: done. With one server, agreeing is trivial.",
                        ),
                        subjects: &[Subject::Client],
                        fill: no_fill,
                        reached: |w| client_acked(w) == Some(5),
                    },
                    Waypoint {
                        id: "many",
                        en: Text::Inline(
                            "With several servers, every copy must end up the same, even when some fail. Raft is a way to get there.",
                        ),
                        subjects: &[],
                        fill: no_fill,
                        reached: |w| w.now() >= super::ms(900),
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
    cues.push(set_5_at(400));
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
                        en: Text::Inline(
                            "A is Leader. Each change becomes an entry in the log, and an entry starts out uncommitted.",
                        ),
                        subjects: &[Subject::Node(A)],
                        fill: no_fill,
                        reached: |w| leads(w, A),
                    },
                    Waypoint {
                        id: "request",
                        en: Text::Inline(
                            "1. The client sends set 5 to A. A appends it at index {0}, uncommitted (dashed).",
                        ),
                        subjects: &[Subject::Client, Subject::Entry { node: A, index: 1 }],
                        fill: |w| fills(&[num(log_len(w, A))]),
                        reached: |w| log_len(w, A) >= 1 && commit(w, A) == 0,
                    },
                    Waypoint {
                        id: "replicate",
                        en: Text::Inline(
                            "2. A copies the entry to the Followers inside its AppendEntries.",
                        ),
                        subjects: &[
                            Subject::Entry { node: A, index: 1 },
                            Subject::Messages(MessageKind::Append),
                        ],
                        fill: no_fill,
                        reached: append_with_entries_in_flight,
                    },
                    Waypoint {
                        id: "majority",
                        en: Text::Inline(
                            "3. A waits for a majority. C has stored the entry: {0} of 3 servers hold it now.",
                        ),
                        subjects: &[
                            Subject::Entry { node: A, index: 1 },
                            Subject::Entry { node: C, index: 1 },
                            Subject::Messages(MessageKind::AppendReply),
                        ],
                        fill: |w| fills(&[num(holders(w, 1, term(w, A)) as u64)]),
                        reached: |w| log_len(w, C) >= 1 && commit(w, A) == 0,
                    },
                    Waypoint {
                        id: "leader-commits",
                        en: Text::Inline(
                            "4. The acks are in: A commits the entry (filled) and its own value becomes {0}.",
                        ),
                        subjects: &[Subject::Node(A), Subject::Entry { node: A, index: 1 }],
                        fill: |w| fills(&[Fill::Num(value(w, A))]),
                        reached: |w| value(w, A) == 5,
                    },
                    Waypoint {
                        id: "tell-followers",
                        en: Text::Inline(
                            "5. A's next AppendEntries tells the Followers that index {0} is committed.",
                        ),
                        subjects: &[Subject::Messages(MessageKind::Append)],
                        fill: |w| fills(&[num(commit(w, A))]),
                        reached: |w| commit_news_in_flight(w, 1),
                    },
                    Waypoint {
                        id: "followers-commit",
                        en: Text::Inline("6. The Followers commit the entry too and apply set 5."),
                        subjects: &[
                            Subject::Entry { node: B, index: 1 },
                            Subject::Entry { node: C, index: 1 },
                        ],
                        fill: no_fill,
                        reached: |w| value(w, B) == 5 || value(w, C) == 5,
                    },
                    Waypoint {
                        id: "agreed",
                        en: Text::Inline("7. Every server holds {0}: the cluster agrees."),
                        subjects: &[Subject::Node(A), Subject::Node(B), Subject::Node(C)],
                        fill: |w| fills(&[Fill::Num(value(w, A))]),
                        reached: |w| all_values(w, 5),
                    },
                ]
            },
        ),
    }
}

/// Whether a follower is down while the leader committed past `start`'s commit index
/// and holds 5.
fn committed_5_with_one_down(start: &World, now: &World) -> bool {
    let before = start.leader().map_or(0, |l| commit(start, l));
    now.leader().is_some_and(|l| {
        commit(now, l) > before
            && value(now, l) == 5
            && now.ids().iter().any(|&id| is_down(now, id))
    })
}

/// Section 9: log replication and heartbeat — set 5 travels with the next heartbeat.
#[must_use]
pub fn heartbeat() -> Scene {
    let mut cues = first_to_time_out(A, 3);
    cues.push(set_5_at(437));
    Scene {
        id: "heartbeat",
        chapter: Chapter::Heartbeat,
        task: Some(Task {
            en: Text::Inline(
                "Crash one Follower, then send set 5: it still commits, with two of three servers.",
            ),
            done: committed_5_with_one_down,
        }),
        title_en: "Log replication and heartbeat",
        setup: setup(3, 9),
        cues,
        waypoints: list(
            const {
                &[
                    Waypoint {
                        id: "leader",
                        en: Text::Inline(
                            "A is Leader. Every {0} ms, its heartbeat timeout, it sends AppendEntries to B and C.",
                        ),
                        subjects: &[Subject::Node(A), Subject::Messages(MessageKind::Append)],
                        fill: |w| fills(&[num(w.config().heartbeat_interval.as_millis() as u64)]),
                        reached: |w| leads(w, A),
                    },
                    Waypoint {
                        id: "waiting",
                        en: Text::Inline(
                            "1. The client sends set 5. A appends it to its log and keeps it until the next heartbeat.",
                        ),
                        subjects: &[Subject::Client, Subject::Entry { node: A, index: 1 }],
                        fill: no_fill,
                        reached: |w| log_len(w, A) >= 1 && !append_with_entries_in_flight(w),
                    },
                    Waypoint {
                        id: "sent",
                        en: Text::Inline(
                            "The heartbeat timeout comes: this time the AppendEntries carry set 5 to both Followers.",
                        ),
                        subjects: &[Subject::Messages(MessageKind::Append)],
                        fill: no_fill,
                        reached: append_with_entries_in_flight,
                    },
                    Waypoint {
                        id: "committed",
                        en: Text::Inline(
                            "2. A majority has acked, so A commits set 5 at index {0}.",
                        ),
                        subjects: &[
                            Subject::Node(A),
                            Subject::Entry { node: A, index: 1 },
                            Subject::Messages(MessageKind::AppendReply),
                        ],
                        fill: |w| fills(&[num(commit(w, A))]),
                        reached: |w| value(w, A) == 5,
                    },
                    Waypoint {
                        id: "client-told",
                        en: Text::Inline("3. A tells the client that set 5 is committed."),
                        subjects: &[Subject::Client],
                        fill: no_fill,
                        reached: |w| client_acked(w) == Some(5),
                    },
                    Waypoint {
                        id: "followers-told",
                        en: Text::Inline(
                            "With its next heartbeat, A tells B and C to commit too. Now all three hold {0}.",
                        ),
                        subjects: &[Subject::Node(B), Subject::Node(C)],
                        fill: |w| fills(&[Fill::Num(value(w, B))]),
                        reached: |w| all_values(w, 5),
                    },
                ]
            },
        ),
    }
}
