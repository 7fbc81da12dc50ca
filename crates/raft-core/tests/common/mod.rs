//! Helpers shared by the per-section test files: building logs, nodes in a given role,
//! hand-made messages, and a snapshot of everything observable about a node.
//!
//! Each test file compiles this module separately and uses a subset of it.
#![allow(dead_code)]

use core::time::Duration;

use raft_core::testkit::Cluster;
use raft_core::{
    AppendOutcome, Body, Config, ConflictHint, Entry, HardState, Instant, Log, LogIndex, LogRange,
    Message, Node, NodeId, Payload, PersistentState, Progress, Role, Term,
};

/// Node ids `0..n`.
pub fn ids(n: u32) -> Vec<NodeId> {
    (0..n).map(NodeId).collect()
}

/// `ms` milliseconds after the origin.
pub fn ms(ms: u64) -> Instant {
    Instant::from_millis(ms)
}

/// The log indexes `first..=last`.
pub fn run(first: u64, last: u64) -> LogRange {
    LogRange {
        first: LogIndex(first),
        last: LogIndex(last),
    }
}

/// The entry a test cluster holds at `index` in `term`. The payload depends only on
/// (index, term), so two logs holding the same index and term hold the same entry, as
/// the Log Matching property requires of any real history.
pub fn entry_at(index: u64, term: u64) -> Entry<u64> {
    Entry {
        term: Term(term),
        payload: Payload::Command(term * 1_000 + index),
    }
}

/// A log holding entries of the given terms at indexes 1, 2, ...
pub fn log_of_terms(terms: &[u64]) -> Log<u64> {
    Log::from_entries(
        terms
            .iter()
            .enumerate()
            .map(|(i, &t)| entry_at(i as u64 + 1, t))
            .collect(),
    )
}

/// The terms of a log's entries, in order.
pub fn terms_of(log: &Log<u64>) -> Vec<u64> {
    log.iter().map(|(_, e)| e.term.0).collect()
}

/// Persistent state with the given current term, vote and log terms.
pub fn state(term: u64, voted_for: Option<u32>, log_terms: &[u64]) -> PersistentState<u64> {
    PersistentState {
        hard_state: HardState {
            current_term: Term(term),
            voted_for: voted_for.map(NodeId),
        },
        snapshot: None,
        log: log_of_terms(log_terms),
    }
}

/// Node `id` of an `n`-node cluster restarted at time 0 from `persisted`.
pub fn node_from(id: u32, n: u32, config: Config, persisted: PersistentState<u64>) -> Node<u64> {
    Node::restart(
        NodeId(id),
        &ids(n),
        config,
        42 + u64::from(id),
        ms(0),
        persisted,
    )
    .expect("valid test node")
}

/// A follower `id` of an `n`-node cluster, default config, at `term` with a log of
/// `log_terms` and no vote; its (empty) start-up outputs are taken.
pub fn follower(id: u32, n: u32, term: u64, log_terms: &[u64]) -> Node<u64> {
    let mut node = node_from(id, n, Config::default(), state(term, None, log_terms));
    let _ = node.take_ready();
    node
}

/// A candidate: a follower at `term - 1` forced to time out at `now`, so it campaigns in
/// `term`. Outputs taken.
pub fn candidate(id: u32, n: u32, term: u64, log_terms: &[u64], now: Instant) -> Node<u64> {
    candidate_with(id, n, term, log_terms, now, Config::default())
}

/// [`candidate`] with a chosen configuration.
pub fn candidate_with(
    id: u32,
    n: u32,
    term: u64,
    log_terms: &[u64],
    now: Instant,
    config: Config,
) -> Node<u64> {
    assert!(term >= 1);
    let mut node = node_from(id, n, config, state(term - 1, None, log_terms));
    node.timeout_now(now).expect("a follower can time out");
    assert_eq!(node.role(), Role::Candidate);
    assert_eq!(node.term(), Term(term));
    let _ = node.take_ready();
    node
}

/// A leader of `term`: a candidate that received a vote from every peer at `now`.
/// Outputs (including the initial heartbeats) taken.
pub fn leader(id: u32, n: u32, term: u64, log_terms: &[u64], now: Instant) -> Node<u64> {
    leader_with(id, n, term, log_terms, now, Config::default())
}

/// [`leader`] with a chosen configuration.
pub fn leader_with(
    id: u32,
    n: u32,
    term: u64,
    log_terms: &[u64],
    now: Instant,
    config: Config,
) -> Node<u64> {
    let mut node = candidate_with(id, n, term, log_terms, now, config);
    for peer in ids(n).into_iter().filter(|&p| p != NodeId(id)) {
        if node.role() == Role::Leader {
            break;
        }
        node.step(now, vote_response(peer.0, id, term, true))
            .expect("a well-formed vote");
    }
    assert_eq!(node.role(), Role::Leader);
    let _ = node.take_ready();
    node
}

pub fn request_vote(
    from: u32,
    to: u32,
    term: u64,
    last_index: u64,
    last_term: u64,
) -> Message<u64> {
    Message {
        from: NodeId(from),
        to: NodeId(to),
        term: Term(term),
        body: Body::RequestVote {
            last_log_index: LogIndex(last_index),
            last_log_term: Term(last_term),
            pre_vote: false,
        },
    }
}

pub fn vote_response(from: u32, to: u32, term: u64, granted: bool) -> Message<u64> {
    Message {
        from: NodeId(from),
        to: NodeId(to),
        term: Term(term),
        body: Body::RequestVoteResponse {
            granted,
            pre_vote: false,
        },
    }
}

/// AppendEntries carrying `entry_terms` (built with [`entry_at`]) after
/// `(prev_index, prev_term)`.
pub fn append(
    from: u32,
    to: u32,
    term: u64,
    (prev_index, prev_term): (u64, u64),
    entry_terms: &[u64],
    leader_commit: u64,
) -> Message<u64> {
    let entries = entry_terms
        .iter()
        .enumerate()
        .map(|(i, &t)| entry_at(prev_index + i as u64 + 1, t))
        .collect();
    append_raw(
        from,
        to,
        term,
        (prev_index, prev_term),
        entries,
        leader_commit,
    )
}

/// AppendEntries with exactly the given entries.
pub fn append_raw(
    from: u32,
    to: u32,
    term: u64,
    (prev_index, prev_term): (u64, u64),
    entries: Vec<Entry<u64>>,
    leader_commit: u64,
) -> Message<u64> {
    Message {
        from: NodeId(from),
        to: NodeId(to),
        term: Term(term),
        body: Body::AppendEntries {
            prev_log_index: LogIndex(prev_index),
            prev_log_term: Term(prev_term),
            entries,
            leader_commit: LogIndex(leader_commit),
        },
    }
}

pub fn append_ok(from: u32, to: u32, term: u64, match_index: u64) -> Message<u64> {
    Message {
        from: NodeId(from),
        to: NodeId(to),
        term: Term(term),
        body: Body::AppendEntriesResponse(AppendOutcome::Success {
            match_index: LogIndex(match_index),
        }),
    }
}

pub fn append_rejected(
    from: u32,
    to: u32,
    term: u64,
    prev_index: u64,
    hint_term: Option<u64>,
    hint_first: u64,
) -> Message<u64> {
    Message {
        from: NodeId(from),
        to: NodeId(to),
        term: Term(term),
        body: Body::AppendEntriesResponse(AppendOutcome::Rejected {
            prev_log_index: LogIndex(prev_index),
            hint: ConflictHint {
                term: hint_term.map(Term),
                first_index: LogIndex(hint_first),
            },
        }),
    }
}

/// Everything a caller can observe about a node's protocol state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observable {
    pub role: Role,
    pub term: Term,
    pub voted_for: Option<NodeId>,
    pub log: Log<u64>,
    pub commit_index: LogIndex,
    pub leader: Option<NodeId>,
    pub votes_granted: Vec<NodeId>,
    pub votes_refused: Vec<NodeId>,
    pub progress: Option<Vec<Progress>>,
    pub election_deadline: Option<Instant>,
    pub heartbeat_deadline: Option<Instant>,
    pub persistent: PersistentState<u64>,
}

pub fn observe(node: &Node<u64>) -> Observable {
    Observable {
        role: node.role(),
        term: node.term(),
        voted_for: node.voted_for(),
        log: node.log().clone(),
        commit_index: node.commit_index(),
        leader: node.leader(),
        votes_granted: node.votes_granted().to_vec(),
        votes_refused: node.votes_refused().to_vec(),
        progress: node.progress().map(<[Progress]>::to_vec),
        election_deadline: node.election_deadline(),
        heartbeat_deadline: node.heartbeat_deadline(),
        persistent: node.persistent().clone(),
    }
}

/// Runs the cluster until a leader exists, or panics.
pub fn elect(c: &mut Cluster<u64>, limit: Duration) -> NodeId {
    assert!(
        c.run_until(limit, |c| c.leader().is_some()),
        "no leader within {limit:?}"
    );
    c.leader().expect("a leader was just seen")
}

/// Forces `id` to time out and runs until it leads; panics if it does not win.
pub fn force_win(c: &mut Cluster<u64>, id: NodeId, limit: Duration) {
    c.timeout_now(id);
    assert!(
        c.run_until(limit, |c| c
            .node(id)
            .is_some_and(|n| n.role() == Role::Leader)),
        "{id} did not win its forced election"
    );
}

/// Runs the cluster for `d`, recording every message that is put in flight, with the
/// time it was sent. `on_step` runs after each step (for dropping messages, say).
pub fn run_recording(
    c: &mut Cluster<u64>,
    d: Duration,
    mut on_step: impl FnMut(&mut Cluster<u64>),
) -> Vec<(Instant, Message<u64>)> {
    let end = c.now().after(d);
    let mut seen = c.in_flight().iter().map(|m| m.seq).max();
    let mut out = Vec::new();
    loop {
        let next = c
            .in_flight()
            .iter()
            .map(|m| m.deliver_at)
            .chain(
                c.ids()
                    .iter()
                    .filter_map(|&id| c.node(id).map(Node::next_deadline)),
            )
            .min();
        match next {
            Some(t) if t <= end => {
                c.step_next();
            }
            _ => break,
        }
        for m in c.in_flight() {
            if seen.is_none_or(|s| m.seq > s) {
                out.push((c.now(), m.msg.clone()));
            }
        }
        seen = c.in_flight().iter().map(|m| m.seq).max().max(seen);
        on_step(c);
    }
    c.run_until_time(end);
    out
}

/// Panics with the list if the harness saw any Figure 3 violation.
pub fn assert_no_violations(c: &mut Cluster<u64>) {
    c.check_log_matching();
    assert!(c.violations.is_empty(), "violations: {:#?}", c.violations);
}
