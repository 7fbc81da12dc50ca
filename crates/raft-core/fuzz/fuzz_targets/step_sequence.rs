//! Decodes the fuzzer's bytes into a cluster configuration and a sequence of harness
//! actions (deliver, drop, duplicate, replay, advance time, crash, restart, propose,
//! partition, heal, force timeouts) and arbitrary messages, runs them on a
//! `raft_core::testkit::Cluster`, and panics only when a safety property of the paper's
//! Figure 3 is violated (or when the node itself panics, which its contract forbids).
//!
//! Arbitrary messages are stepped into a copy of a node (any field, any value: the node
//! must not panic) and injected into the cluster only when the node refuses them: a
//! well-formed forged message would be a Byzantine fault, which Raft does not tolerate,
//! so it cannot count as a violation.

#![no_main]

use core::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use raft_core::testkit::Cluster;
use raft_core::{
    AppendOutcome, Body, Config, ConflictHint, Entry, LogIndex, Message, NodeId, Payload, Term,
};

#[derive(Arbitrary, Debug)]
struct Input {
    nodes: u8,
    seed: u64,
    pre_vote: bool,
    check_quorum: bool,
    append_noop_on_election: bool,
    replicate_immediately: bool,
    small_batches: bool,
    actions: Vec<Action>,
}

#[derive(Arbitrary, Debug)]
enum Action {
    Deliver(u16),
    Drop(u16),
    Duplicate(u16),
    StepNext(u8),
    Advance(u16),
    RunFor(u16),
    Crash(u8),
    Restart(u8),
    Propose(u8),
    ProposeToLeader,
    Partition([u8; 5]),
    CutLink(u8, u8),
    Heal,
    TimeoutNow(u8),
    SetElectionDeadline(u8, u16),
    Replay(u16),
    Message(FuzzMessage),
}

#[derive(Arbitrary, Debug)]
struct FuzzMessage {
    from: u32,
    to: u32,
    term: u64,
    body: FuzzBody,
}

#[derive(Arbitrary, Debug)]
enum FuzzBody {
    RequestVote {
        last_log_index: u64,
        last_log_term: u64,
        pre_vote: bool,
    },
    RequestVoteResponse {
        granted: bool,
        pre_vote: bool,
    },
    AppendEntries {
        prev_log_index: u64,
        prev_log_term: u64,
        entries: Vec<(u64, Option<u64>)>,
        leader_commit: u64,
    },
    Success {
        match_index: u64,
    },
    Rejected {
        prev_log_index: u64,
        hint_term: Option<u64>,
        hint_first_index: u64,
    },
}

impl FuzzMessage {
    /// Small ids and terms are the interesting ones; keep them likely.
    fn to_message(&self, n: u32) -> Message<u64> {
        let id = |x: u32| {
            if x < 256 {
                NodeId(x % (n + 2))
            } else {
                NodeId(x)
            }
        };
        let body = match &self.body {
            FuzzBody::RequestVote {
                last_log_index,
                last_log_term,
                pre_vote,
            } => Body::RequestVote {
                last_log_index: LogIndex(*last_log_index),
                last_log_term: Term(*last_log_term),
                pre_vote: *pre_vote,
            },
            FuzzBody::RequestVoteResponse { granted, pre_vote } => Body::RequestVoteResponse {
                granted: *granted,
                pre_vote: *pre_vote,
            },
            FuzzBody::AppendEntries {
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
            } => Body::AppendEntries {
                prev_log_index: LogIndex(*prev_log_index),
                prev_log_term: Term(*prev_log_term),
                entries: entries
                    .iter()
                    .take(16)
                    .map(|&(t, c)| Entry {
                        term: Term(t),
                        payload: c.map_or(Payload::Noop, Payload::Command),
                    })
                    .collect(),
                leader_commit: LogIndex(*leader_commit),
            },
            FuzzBody::Success { match_index } => {
                Body::AppendEntriesResponse(AppendOutcome::Success {
                    match_index: LogIndex(*match_index),
                })
            }
            FuzzBody::Rejected {
                prev_log_index,
                hint_term,
                hint_first_index,
            } => Body::AppendEntriesResponse(AppendOutcome::Rejected {
                prev_log_index: LogIndex(*prev_log_index),
                hint: ConflictHint {
                    term: hint_term.map(Term),
                    first_index: LogIndex(*hint_first_index),
                },
            }),
        };
        Message {
            from: id(self.from),
            to: id(self.to),
            term: Term(self.term),
            body,
        }
    }
}

const MAX_ACTIONS: usize = 400;
const MAX_HISTORY: usize = 256;

fn run(input: &Input) {
    let n = 3 + u32::from(input.nodes % 3);
    let config = Config {
        pre_vote: input.pre_vote,
        check_quorum: input.check_quorum,
        append_noop_on_election: input.append_noop_on_election,
        replicate_immediately: input.replicate_immediately,
        max_entries_per_append: if input.small_batches { 2 } else { 64 },
        ..Config::default()
    };
    let mut c: Cluster<u64> = Cluster::new(n, config, input.seed);
    c.record_events = false;
    let node = |k: u8| NodeId(u32::from(k) % n);
    let mut history: Vec<Message<u64>> = Vec::new();
    let mut last_seq: Option<u64> = None;
    let mut next_command = 1u64;
    // Per node: the highest term seen and the vote cast in it (Figure 2's persistent
    // state, which Election Safety rests on).
    let mut hard: Vec<(Term, Option<NodeId>)> = vec![(Term(0), None); n as usize];

    for action in input.actions.iter().take(MAX_ACTIONS) {
        let len = c.in_flight().len();
        match action {
            Action::Deliver(k) if len > 0 => {
                c.deliver(usize::from(*k) % len);
            }
            Action::Drop(k) if len > 0 => {
                c.drop_message(usize::from(*k) % len);
            }
            Action::Duplicate(k) if len > 0 && len < 1_000 => {
                c.duplicate(usize::from(*k) % len);
            }
            Action::Deliver(_) | Action::Drop(_) | Action::Duplicate(_) => {}
            Action::StepNext(k) => {
                for _ in 0..*k % 32 {
                    c.step_next();
                }
            }
            Action::Advance(ms) => c.advance(Duration::from_millis(u64::from(*ms % 1_000))),
            Action::RunFor(ms) => c.run_for(Duration::from_millis(u64::from(*ms % 1_000))),
            Action::Crash(k) => c.crash(node(*k)),
            Action::Restart(k) => c.restart(node(*k)),
            Action::Propose(k) => {
                let _ = c.propose(node(*k), next_command);
                next_command += 1;
            }
            Action::ProposeToLeader => {
                if let Some(l) = c.leader() {
                    let _ = c.propose(l, next_command);
                    next_command += 1;
                }
            }
            Action::Partition(groups) => {
                let mut sets: Vec<Vec<NodeId>> = vec![Vec::new(); 3];
                for (i, id) in c.ids().to_vec().into_iter().enumerate() {
                    sets[usize::from(groups[i % 5] % 3)].push(id);
                }
                let refs: Vec<&[NodeId]> = sets.iter().map(Vec::as_slice).collect();
                c.partition(&refs);
            }
            Action::CutLink(a, b) => c.cut_link(node(*a), node(*b)),
            Action::Heal => c.heal(),
            Action::TimeoutNow(k) => c.timeout_now(node(*k)),
            Action::SetElectionDeadline(k, ms) => {
                let at = c.now().after(Duration::from_millis(u64::from(*ms % 1_000)));
                c.set_election_deadline(node(*k), at);
            }
            Action::Replay(k) if !history.is_empty() => {
                let m = history[usize::from(*k) % history.len()].clone();
                c.inject(m);
            }
            Action::Replay(_) => {}
            Action::Message(fm) => {
                let msg = fm.to_message(n);
                let refused = match c.node(msg.to) {
                    Some(target) => {
                        let mut copy = target.clone();
                        let r = copy.step(c.now(), msg.clone());
                        let _ = copy.take_ready();
                        copy.handle_timeout(c.now().after(Duration::from_secs(1)));
                        let _ = copy.take_ready();
                        r.is_err()
                    }
                    None => false,
                };
                if refused {
                    c.inject(msg);
                }
            }
        }

        for m in c.in_flight() {
            if last_seq.is_none_or(|l| m.seq > l) {
                history.push(m.msg.clone());
                last_seq = Some(m.seq);
            }
        }
        if history.len() > MAX_HISTORY {
            let excess = history.len() - MAX_HISTORY;
            history.drain(..excess);
        }

        check(&mut c, &mut hard);
    }
}

/// Figure 3's safety properties and the persistent-state rules of Figure 2 they rest
/// on; the only panics this target raises itself.
fn check(c: &mut Cluster<u64>, hard: &mut [(Term, Option<NodeId>)]) {
    c.check_log_matching();
    assert!(
        c.violations.is_empty(),
        "safety violated: {:#?}",
        c.violations
    );
    // State Machine Safety on what was applied: any two nodes agree where both applied.
    let ids = c.ids().to_vec();
    for (i, &a) in ids.iter().enumerate() {
        for &b in &ids[i + 1..] {
            let (xa, xb) = (c.applied(a), c.applied(b));
            let common = xa.len().min(xb.len());
            assert!(
                xa[..common] == xb[..common],
                "State Machine Safety: {a} and {b} applied different entries"
            );
        }
    }
    for &id in &ids {
        let Some(node) = c.node(id) else { continue };
        let slot = &mut hard[id.0 as usize];
        let (term, vote) = (node.term(), node.voted_for());
        assert!(
            term >= slot.0,
            "{id}'s currentTerm went back (lost across a crash?)"
        );
        if term == slot.0
            && let (Some(before), Some(now)) = (slot.1, vote)
        {
            assert_eq!(before, now, "{id} voted twice in {term:?}");
        }
        if term > slot.0 || vote.is_some() {
            *slot = (term, vote);
        }
    }
}

fuzz_target!(|input: Input| {
    run(&input);
});
