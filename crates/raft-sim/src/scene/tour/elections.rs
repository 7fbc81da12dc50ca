//! The article's sections on elections: the three states, leader election, terms, the
//! two timeouts, election and the election timeout, the split vote.

use alloc::vec;
use alloc::vec::Vec;

use raft_core::{MessageKind as Kind, Role, Term};

use super::super::{Chapter, Fill, MessageKind, Scene, Subject, Task, Text, Waypoint, no_fill};
use super::{
    A, B, C, D, E, candidate_fill, cue, cues, fills, first_to_time_out, flying, follows, is_down,
    latency, leader_and_term, leader_fill, leader_term_fill, leads, list, max_term,
    new_term_leader, num, old_leader_gone, quorum, role, setup, term, timer, voted_for, votes,
};
use crate::action::Action;
use crate::world::World;

/// Section 2: the three states and their drawings.
#[must_use]
pub fn states() -> Scene {
    Scene {
        id: "states",
        chapter: Chapter::Consensus,
        task: None,
        title_en: "Follower, Candidate, Leader",
        setup: setup(3, 2),
        cues: first_to_time_out(B, 3),
        waypoints: list(
            const {
                &[
                    Waypoint {
                        id: "followers",
                        en: Text::Inline(
                            "Every server begins as a Follower, drawn as a solid circle. A Follower starts nothing; it only answers.",
                        ),
                        subjects: &[Subject::Node(A), Subject::Node(B), Subject::Node(C)],
                        fill: no_fill,
                        reached: |w| {
                            w.ids()
                                .iter()
                                .all(|&id| role(w, id) == Some(Role::Follower))
                        },
                    },
                    Waypoint {
                        id: "candidate",
                        en: Text::Inline(
                            "B heard from no Leader before its timer ran out, so it turns Candidate: a solid circle with a dashed outline.",
                        ),
                        subjects: &[
                            Subject::Node(B),
                            Subject::Messages(MessageKind::VoteRequest),
                        ],
                        fill: no_fill,
                        reached: |w| role(w, B) == Some(Role::Candidate),
                    },
                    Waypoint {
                        id: "leader",
                        en: Text::Inline(
                            "B wins the vote and becomes Leader: a solid circle with a solid outline. It serves the clients and drives replication.",
                        ),
                        subjects: &[Subject::Node(B)],
                        fill: no_fill,
                        reached: |w| leads(w, B),
                    },
                    Waypoint {
                        id: "one-leader",
                        en: Text::Inline(
                            "A and C get B's heartbeat and stay Followers of B. Normally there is one Leader at a time.",
                        ),
                        subjects: &[Subject::Node(A), Subject::Node(C)],
                        fill: no_fill,
                        reached: |w| follows(w, A, B) && follows(w, C, B),
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
                        en: Text::Inline(
                            "All servers start as Followers. Each one runs its own election timer, the arc around it.",
                        ),
                        subjects: &[Subject::Node(A), Subject::Node(B), Subject::Node(C)],
                        fill: no_fill,
                        reached: |w| {
                            w.ids()
                                .iter()
                                .all(|&id| role(w, id) == Some(Role::Follower))
                        },
                    },
                    Waypoint {
                        id: "candidate",
                        en: Text::Inline(
                            "A's timer runs out with no Leader heard. A becomes Candidate in term {0}, votes for itself and asks B and C.",
                        ),
                        subjects: &[
                            Subject::Node(A),
                            Subject::Messages(MessageKind::VoteRequest),
                        ],
                        fill: |w| fills(&[num(term(w, A).0)]),
                        reached: |w| {
                            role(w, A) == Some(Role::Candidate) && voted_for(w, A) == Some(A)
                        },
                    },
                    Waypoint {
                        id: "votes",
                        en: Text::Inline(
                            "Neither B nor C has voted in term {0} yet, so both grant A their vote.",
                        ),
                        subjects: &[
                            Subject::Node(B),
                            Subject::Node(C),
                            Subject::Messages(MessageKind::VoteReply),
                        ],
                        fill: |w| fills(&[num(term(w, A).0)]),
                        reached: |w| [B, C].iter().all(|&id| voted_for(w, id) == Some(A)),
                    },
                    Waypoint {
                        id: "leader",
                        en: Text::Inline(
                            "With {0} of 3 votes, more than n/2, A becomes Leader. From now on every change starts at A.",
                        ),
                        subjects: &[Subject::Node(A)],
                        fill: |w| fills(&[num(quorum(w) as u64)]),
                        reached: |w| leads(w, A),
                    },
                    Waypoint {
                        id: "followers-follow",
                        en: Text::Inline("A's first heartbeats reach B and C, and they follow A."),
                        subjects: &[Subject::Node(B), Subject::Node(C)],
                        fill: no_fill,
                        reached: |w| follows(w, B, A) && follows(w, C, A),
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
    cues.extend_from_slice(
        const {
            &[
                cue(700, Action::Crash(A)),
                // Once A's last heartbeat is in, B waits longer, so that C's first
                // election is not a split vote.
                timer(750, B, 1_100),
                cue(2_000, Action::Restart(A)),
            ]
        },
    );
    Scene {
        id: "terms",
        chapter: Chapter::Term,
        task: Some(Task {
            en: Text::Inline("Crash the Leader and watch a new term begin."),
            done: |start, now| old_leader_gone(start, now) && new_term_leader(start, now).is_some(),
        }),
        title_en: "Terms",
        setup: setup(3, 5),
        cues,
        waypoints: list(
            const {
                &[
                    Waypoint {
                        id: "term-1",
                        en: Text::Inline(
                            "A is Leader of term {0}. A term is one election period, with at most one Leader.",
                        ),
                        subjects: &[Subject::Node(A)],
                        fill: |w| fills(&[num(term(w, A).0)]),
                        reached: |w| leads(w, A) && term(w, A) == Term(1),
                    },
                    Waypoint {
                        id: "crash",
                        en: Text::Inline(
                            "A crashes. B and C hear no more heartbeats, though they are still in term {0}.",
                        ),
                        subjects: &[Subject::Node(A)],
                        fill: |w| fills(&[num(term(w, B).0)]),
                        reached: |w| is_down(w, A),
                    },
                    Waypoint {
                        id: "candidate",
                        en: Text::Inline(
                            "{0} times out first and opens term {1}: each new election moves the term up by one.",
                        ),
                        subjects: &[
                            Subject::Node(C),
                            Subject::Messages(MessageKind::VoteRequest),
                        ],
                        fill: |w| fills(&[candidate_fill(w), num(term(w, C).0)]),
                        reached: |w| role(w, C) == Some(Role::Candidate),
                    },
                    Waypoint {
                        id: "term-2",
                        en: Text::Inline("{0} wins and leads term {1}. Terms only ever grow."),
                        subjects: &[Subject::Node(C)],
                        fill: |w| fills(&[leader_fill(w), leader_term_fill(w)]),
                        reached: |w| leader_and_term(w).is_some_and(|(_, t)| t.0 >= 2),
                    },
                    Waypoint {
                        id: "restart",
                        en: Text::Inline(
                            "A restarts with the term it saved, {0}; it has not heard that term {1} began.",
                        ),
                        subjects: &[Subject::Node(A)],
                        fill: |w| fills(&[num(term(w, A).0), leader_term_fill(w)]),
                        reached: |w| !is_down(w, A) && term(w, A) < max_term(w),
                    },
                    Waypoint {
                        id: "rejoin",
                        en: Text::Inline(
                            "A gets a message of term {0}, takes the higher term and becomes a Follower of {1}.",
                        ),
                        subjects: &[Subject::Node(A), Subject::Node(C)],
                        fill: |w| fills(&[leader_term_fill(w), leader_fill(w)]),
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
                        en: Text::Inline(
                            "Raft runs on two timers. The election timeout is drawn at random between {0} and {1} ms: see how the arcs differ.",
                        ),
                        subjects: &[Subject::Node(A), Subject::Node(B), Subject::Node(C)],
                        fill: |w| {
                            let c = w.config();
                            fills(&[
                                num(c.election_timeout_min.as_millis() as u64),
                                num(c.election_timeout_max.as_millis() as u64),
                            ])
                        },
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
                        id: "first",
                        en: Text::Inline(
                            "Being random, the timers rarely end together. {0}'s ends first, so it alone becomes Candidate.",
                        ),
                        subjects: &[
                            Subject::Node(C),
                            Subject::Messages(MessageKind::VoteRequest),
                        ],
                        fill: |w| fills(&[candidate_fill(w)]),
                        reached: |w| role(w, C) == Some(Role::Candidate),
                    },
                    Waypoint {
                        id: "leader",
                        en: Text::Inline("{0} collects the votes and becomes Leader of term {1}."),
                        subjects: &[Subject::Node(C)],
                        fill: |w| fills(&[leader_fill(w), leader_term_fill(w)]),
                        reached: |w| w.leader().is_some(),
                    },
                    Waypoint {
                        id: "heartbeat-timeout",
                        en: Text::Inline(
                            "The other timer is the heartbeat timeout: every {0} ms the Leader sends AppendEntries, empty or not.",
                        ),
                        subjects: &[Subject::Messages(MessageKind::Append)],
                        fill: |w| fills(&[num(w.config().heartbeat_interval.as_millis() as u64)]),
                        reached: |w| {
                            w.leader().is_some()
                                && w.now() >= super::ms(400)
                                && flying(w, Kind::AppendRequest)
                        },
                    },
                    Waypoint {
                        id: "reset",
                        en: Text::Inline(
                            "Each heartbeat restarts the Followers' election timers, so no election starts while the Leader lives.",
                        ),
                        subjects: &[Subject::Node(A), Subject::Node(C)],
                        fill: no_fill,
                        reached: |w| {
                            w.now() >= super::ms(1_200)
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
                        en: Text::Inline(
                            "1. C's election timeout runs out: C turns Candidate, term + 1 = {0}, votes for itself (count {1}) and requests votes.",
                        ),
                        subjects: &[
                            Subject::Node(C),
                            Subject::Messages(MessageKind::VoteRequest),
                        ],
                        fill: |w| fills(&[num(term(w, C).0), num(votes(w, C) as u64)]),
                        reached: |w| role(w, C) == Some(Role::Candidate) && term(w, C) == Term(1),
                    },
                    Waypoint {
                        id: "adopt",
                        en: Text::Inline(
                            "2. A receiver behind in term moves up to term {0} and restarts its timer; it has no vote in this term yet, so it votes C.",
                        ),
                        subjects: &[
                            Subject::Messages(MessageKind::VoteRequest),
                            Subject::Messages(MessageKind::VoteReply),
                        ],
                        fill: |w| fills(&[num(term(w, C).0)]),
                        reached: |w| {
                            [A, B, D, E]
                                .iter()
                                .any(|&id| term(w, id) == Term(1) && voted_for(w, id) == Some(C))
                        },
                    },
                    Waypoint {
                        id: "majority",
                        en: Text::Inline(
                            "3. With {0} of {1} votes, more than n/2, C becomes Leader.",
                        ),
                        subjects: &[Subject::Node(C)],
                        fill: |w| fills(&[num(quorum(w) as u64), num(w.ids().len() as u64)]),
                        reached: |w| leads(w, C),
                    },
                    Waypoint {
                        id: "replication",
                        en: Text::Inline(
                            "4. This term's election is done. C sends AppendEntries to the Followers, and log replication begins.",
                        ),
                        subjects: &[Subject::Node(C), Subject::Messages(MessageKind::Append)],
                        fill: no_fill,
                        reached: |w| {
                            [A, B, D, E].iter().all(|&id| follows(w, id, C))
                                && flying(w, Kind::AppendRequest)
                        },
                    },
                ]
            },
        ),
    }
}

/// Whether two or more candidates share a term above `start`'s, with no leader in it.
fn split_vote_happened(start: &World, now: &World) -> bool {
    let t = max_term(now);
    t > max_term(start) && super::count_in(now, Role::Candidate, t) >= 2 && {
        super::count_in(now, Role::Leader, t) == 0
    }
}

/// The article's split vote: four nodes A, B, C, D; B and C time out together; A votes
/// for B and D for C; two votes each is not more than n/2; after another timeout a new
/// term begins and one of them wins.
#[must_use]
pub fn split_vote() -> Scene {
    Scene {
        id: "split-vote",
        chapter: Chapter::SplitVote,
        task: Some(Task {
            en: Text::Inline(
                "With four nodes, make a split vote happen: time out two Followers at once from the inspector.",
            ),
            done: split_vote_happened,
        }),
        title_en: "Split vote",
        setup: setup(4, 4),
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
                        en: Text::Inline(
                            "B and C time out together and become Candidates in term {0}.",
                        ),
                        subjects: &[
                            Subject::Node(B),
                            Subject::Node(C),
                            Subject::Messages(MessageKind::VoteRequest),
                        ],
                        fill: |w| fills(&[num(term(w, B).0)]),
                        reached: |w| {
                            role(w, B) == Some(Role::Candidate)
                                && role(w, C) == Some(Role::Candidate)
                                && term(w, B) == term(w, C)
                        },
                    },
                    Waypoint {
                        id: "votes-split",
                        en: Text::Inline(
                            "B's request reaches A first and C's reaches D first: A votes B, D votes C. Each has {0} of 4 votes.",
                        ),
                        subjects: &[
                            Subject::Node(A),
                            Subject::Node(D),
                            Subject::Messages(MessageKind::VoteReply),
                        ],
                        fill: |w| fills(&[num(votes(w, B) as u64)]),
                        reached: |w| {
                            let t = term(w, B);
                            voted_for(w, A) == Some(B)
                                && voted_for(w, D) == Some(C)
                                && term(w, A) == t
                                && term(w, D) == t
                                && votes(w, B) == 2
                                && votes(w, C) == 2
                        },
                    },
                    Waypoint {
                        id: "no-majority",
                        en: Text::Inline(
                            "{0} votes is not more than n/2 = {1}. Neither becomes Leader; both wait for their election timeout.",
                        ),
                        subjects: &[Subject::Node(B), Subject::Node(C)],
                        fill: |w| fills(&[num(votes(w, B) as u64), num(w.ids().len() as u64 / 2)]),
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
                        en: Text::Inline(
                            "{0} times out first, moves to term {1} and asks for votes again.",
                        ),
                        subjects: &[
                            Subject::Node(B),
                            Subject::Messages(MessageKind::VoteRequest),
                        ],
                        fill: |w| fills(&[Fill::Node(B), num(term(w, B).0)]),
                        reached: |w| term(w, B).0 >= 2 && role(w, B) == Some(Role::Candidate),
                    },
                    Waypoint {
                        id: "leader",
                        en: Text::Inline(
                            "This time {0} gets more than n/2 votes and leads term {1}.",
                        ),
                        subjects: &[Subject::Node(B)],
                        fill: |w| fills(&[leader_fill(w), leader_term_fill(w)]),
                        reached: |w| {
                            leader_and_term(w).is_some_and(|(l, t)| (l == B || l == C) && t.0 >= 2)
                        },
                    },
                ]
            },
        ),
    }
}
