//! Persistent state and crash recovery (Figure 2, "Persistent state on all servers:
//! (Updated on stable storage before responding to RPCs) currentTerm, votedFor, log[]";
//! "Volatile state on all servers: commitIndex, lastApplied"; §5.1, §5.2).
//!
//! These tests rebuild a node's storage only from the `PersistOp`s it hands out, the way
//! a real storage layer would, and restart nodes from that storage.

mod common;

use core::time::Duration;

use common::*;
use raft_core::testkit::Cluster;
use raft_core::{
    Config, Event, Instant, LogIndex, Message, Node, NodeId, PersistOp, PersistentState, Rng, Role,
    Term, VoteRefusal,
};

/// A tiny network that owns the storage of each node, built only from persist ops, and
/// checks after every input that the storage equals what the node believes it persisted.
struct Net {
    n: u32,
    config: Config,
    now: Instant,
    nodes: Vec<Option<Node<u64>>>,
    disks: Vec<PersistentState<u64>>,
    queue: Vec<(Instant, Message<u64>)>,
    rng: Rng,
    ops: [usize; 4],
    restarts: u64,
    /// Whether outputs are taken only after some inputs, so that they pile up.
    lazy: bool,
    /// What each node applied since it last started, from the `committed` ranges.
    applied: Vec<Vec<raft_core::Entry<u64>>>,
    /// Entries applied in all, across restarts.
    applied_total: usize,
}

impl Net {
    fn new(n: u32, seed: u64) -> Net {
        let config = Config {
            max_entries_per_append: 3,
            ..Config::default()
        };
        let nodes = (0..n)
            .map(|i| {
                Some(
                    Node::new(
                        NodeId(i),
                        &ids(n),
                        config.clone(),
                        seed + u64::from(i),
                        ms(0),
                    )
                    .expect("valid"),
                )
            })
            .collect();
        Net {
            n,
            config,
            now: ms(0),
            nodes,
            disks: vec![PersistentState::default(); n as usize],
            queue: Vec::new(),
            rng: Rng::new(seed),
            ops: [0; 4],
            restarts: 0,
            lazy: false,
            applied: vec![Vec::new(); n as usize],
            applied_total: 0,
        }
    }

    /// After an input to node `i`: take its outputs, or (when lazy) sometimes leave them.
    fn after_input(&mut self, i: usize) {
        if !self.lazy || self.rng.in_range(0, 2) == 0 {
            self.drain(i);
        }
    }

    /// Takes node `i`'s outputs: persist (checking the rebuilt storage), then send.
    fn drain(&mut self, i: usize) {
        let Some(node) = self.nodes[i].as_mut() else {
            return;
        };
        let ready = node.take_ready();
        for op in &ready.persist {
            self.disks[i].apply(op, node.persistent());
            self.ops[match op {
                PersistOp::HardState(_) => 0,
                PersistOp::TruncateLog { .. } => 1,
                PersistOp::AppendLog { .. } => 2,
                PersistOp::SaveSnapshot(_) => 3,
            }] += 1;
        }
        assert_eq!(
            &self.disks[i],
            node.persistent(),
            "node {i}: storage rebuilt from persist ops differs from the node's state"
        );
        // The committed run continues what was applied, and the log holds all of it.
        let committed = ready.committed;
        if !committed.is_empty() {
            let applied = &mut self.applied[i];
            assert_eq!(
                committed.first.0,
                applied.len() as u64 + 1,
                "node {i}: committed entries continue the applied ones"
            );
            let entries = node.log().range(committed);
            assert_eq!(entries.len() as u64, committed.len(), "node {i}: all lent");
            applied.extend_from_slice(entries);
            self.applied_total += entries.len();
        }
        for m in ready.messages {
            let delay = self.rng.in_range(500, 8_000);
            self.queue
                .push((self.now.after(Duration::from_micros(delay)), m));
        }
    }

    fn step_random(&mut self) {
        let i = self.rng.in_range(0, u64::from(self.n)) as usize;
        match self.rng.in_range(0, 20) {
            // Deliver the earliest message, or a random one (reordering).
            0..=9 if !self.queue.is_empty() => {
                let k = if self.rng.in_range(0, 4) == 0 {
                    self.rng.in_range(0, self.queue.len() as u64) as usize
                } else {
                    (0..self.queue.len())
                        .min_by_key(|&k| self.queue[k].0)
                        .expect("non-empty")
                };
                let (at, msg) = if self.rng.in_range(0, 10) == 0 {
                    self.queue[k].clone() // duplicate: deliver a copy, keep the original
                } else {
                    self.queue.remove(k)
                };
                self.now = self.now.max(at);
                let to = msg.to.0 as usize;
                if let Some(node) = self.nodes[to].as_mut() {
                    let _ = node.step(self.now, msg);
                    self.after_input(to);
                }
            }
            10 if !self.queue.is_empty() => {
                let k = self.rng.in_range(0, self.queue.len() as u64) as usize;
                self.queue.remove(k);
            }
            11..=13 => {
                self.now = self
                    .now
                    .after(Duration::from_millis(self.rng.in_range(1, 40)));
                for j in 0..self.n as usize {
                    if let Some(node) = self.nodes[j].as_mut()
                        && node.next_deadline() <= self.now
                    {
                        node.handle_timeout(self.now);
                        self.after_input(j);
                    }
                }
            }
            14..=16 => {
                if let Some(node) = self.nodes[i].as_mut() {
                    let _ = node.propose(self.now, self.rng.next_u64() % 1000);
                    self.after_input(i);
                }
            }
            17 => self.nodes[i] = None,
            _ => {
                if self.nodes[i].is_none() {
                    self.restarts += 1;
                    let node = Node::restart(
                        NodeId(i as u32),
                        &ids(self.n),
                        self.config.clone(),
                        self.restarts * 1_000 + i as u64,
                        self.now,
                        self.disks[i].clone(),
                    )
                    .expect("valid");
                    assert_eq!(node.persistent(), &self.disks[i]);
                    self.nodes[i] = Some(node);
                    self.applied[i].clear();
                }
            }
        }
    }
}

#[test]
fn storage_rebuilt_only_from_persist_ops_equals_the_nodes_persistent_state_figure_2() {
    let mut totals = [0; 3];
    for seed in 1..=4 {
        let mut net = Net::new(3, seed);
        for _ in 0..4_000 {
            net.step_random();
        }
        for (t, n) in totals.iter_mut().zip(net.ops) {
            *t += n;
        }
        let longest = net.disks.iter().map(|d| d.log.len()).max().unwrap_or(0);
        assert!(longest >= 10, "seed {seed}: logs stayed short ({longest})");
    }
    let [hard, truncate, append] = totals;
    assert!(hard > 20, "term/vote changes exercised: {hard}");
    assert!(append > 50, "appends exercised: {append}");
    assert!(truncate > 0, "conflict truncation exercised: {truncate}");
}

#[test]
fn outputs_taken_late_still_rebuild_storage_and_lend_every_committed_entry_figure_2() {
    // A caller may take outputs after several inputs, so that they pile up (with the
    // log changing under them). Storage rebuilt from the ops must still equal the node's
    // state, and every committed run must be in the log and continue what was applied.
    let (mut appends, mut applied) = (0, 0);
    for seed in 1..=4 {
        let mut net = Net::new(3, seed);
        net.lazy = true;
        for _ in 0..4_000 {
            net.step_random();
        }
        appends += net.ops[2];
        applied += net.applied_total;
    }
    assert!(appends > 50, "appends exercised: {appends}");
    assert!(applied > 50, "commits exercised: {applied}");
}

#[test]
fn a_restarted_node_keeps_term_vote_and_log_and_forgets_commit_index_and_role_figure_2() {
    let mut c: Cluster<u64> = Cluster::new(3, Config::default(), 6);
    let leader = elect(&mut c, Duration::from_secs(1));
    for x in 1..=3 {
        c.propose(leader, x).expect("leader");
    }
    c.run_for(Duration::from_millis(200));
    let follower = NodeId((leader.0 + 1) % 3);
    for id in [leader, follower] {
        let n = c.node(id).expect("live");
        assert_eq!(n.commit_index(), LogIndex(3), "{id}");
    }
    let before_leader = observe(c.node(leader).expect("live"));
    let before_follower = observe(c.node(follower).expect("live"));

    for (id, before) in [(leader, before_leader), (follower, before_follower)] {
        c.crash(id);
        c.restart(id);
        let n = c.node(id).expect("restarted");
        assert_eq!(n.term(), before.term, "{id}: term kept");
        assert_eq!(n.voted_for(), before.voted_for, "{id}: vote kept");
        assert_eq!(n.log(), &before.log, "{id}: log kept");
        assert_eq!(
            n.commit_index(),
            LogIndex(0),
            "{id}: commit index is volatile"
        );
        assert_eq!(n.role(), Role::Follower, "{id}: restarts as follower");
        assert_eq!(n.leader(), None, "{id}: the leader is volatile");
        assert!(c.applied(id).is_empty());
    }
    assert_eq!(
        c.node(leader).expect("live").voted_for(),
        Some(leader),
        "the old leader voted for itself"
    );
    // The cluster carries on; the restarted nodes learn the commit index again and
    // re-apply the entries from the start.
    elect(&mut c, Duration::from_secs(2));
    let l = c.leader().expect("leader");
    c.propose(l, 4).expect("leader");
    c.run_for(Duration::from_millis(200));
    for id in [leader, follower] {
        assert_eq!(c.applied_commands(id), vec![1, 2, 3, 4], "{id}");
    }
    assert_no_violations(&mut c);
}

#[test]
fn a_node_that_voted_then_crashed_does_not_vote_for_another_candidate_in_that_term_figure_2() {
    let mut v = Node::<u64>::new(NodeId(2), &ids(3), Config::default(), 1, ms(0)).expect("ok");
    let mut disk = PersistentState::default();
    v.step(ms(5), request_vote(0, 2, 3, 0, 0)).expect("ok");
    let ready = v.take_ready();
    for op in &ready.persist {
        disk.apply(op, v.persistent());
    }
    assert_eq!(ready.messages, vec![vote_response(2, 0, 3, true)]);
    drop(v);

    // Restart from what was persisted; node 1 asks in the same term.
    let mut v = Node::restart(NodeId(2), &ids(3), Config::default(), 2, ms(10), disk).expect("ok");
    assert_eq!((v.term(), v.voted_for()), (Term(3), Some(NodeId(0))));
    v.step(ms(11), request_vote(1, 2, 3, 0, 0)).expect("ok");
    let ready = v.take_ready();
    assert_eq!(ready.messages, vec![vote_response(2, 1, 3, false)]);
    assert!(ready.events.contains(&Event::VoteRefused {
        candidate: NodeId(1),
        term: Term(3),
        pre_vote: false,
        reason: VoteRefusal::AlreadyVoted(NodeId(0)),
    }));
    // The original candidate's retransmission is still granted.
    v.step(ms(12), request_vote(0, 2, 3, 0, 0)).expect("ok");
    assert_eq!(v.take_ready().messages, vec![vote_response(2, 0, 3, true)]);
}

#[test]
fn a_node_restarted_without_the_vote_persisted_would_vote_twice_so_the_op_is_required() {
    // The counterpart of the test above: the vote lives only in the HardState op. A
    // storage that drops it lets the node vote again, which is why the contract says
    // to persist before sending.
    let mut v = Node::<u64>::new(NodeId(2), &ids(3), Config::default(), 1, ms(0)).expect("ok");
    v.step(ms(5), request_vote(0, 2, 3, 0, 0)).expect("ok");
    let ready = v.take_ready();
    let mut disk = PersistentState::default();
    for op in ready
        .persist
        .iter()
        .filter(|op| !matches!(op, PersistOp::HardState(_)))
    {
        disk.apply(op, v.persistent());
    }
    let mut v = Node::restart(NodeId(2), &ids(3), Config::default(), 2, ms(10), disk).expect("ok");
    v.step(ms(11), request_vote(1, 2, 3, 0, 0)).expect("ok");
    assert_eq!(v.take_ready().messages, vec![vote_response(2, 1, 3, true)]);
}

#[test]
fn a_crashed_and_restarted_follower_catches_up_section_5_3() {
    let mut c: Cluster<u64> = Cluster::new(5, Config::default(), 17);
    let leader = elect(&mut c, Duration::from_secs(1));
    c.propose(leader, 1).expect("leader");
    c.run_for(Duration::from_millis(150));
    let f = NodeId((leader.0 + 2) % 5);
    c.crash(f);
    for x in 2..=11 {
        c.propose(leader, x).expect("leader");
        c.run_for(Duration::from_millis(20));
    }
    c.run_for(Duration::from_millis(150));
    assert_eq!(c.node(leader).expect("live").commit_index(), LogIndex(11));
    assert_eq!(
        c.storage(f).expect("slot").log.len(),
        1,
        "it missed 10 entries"
    );

    c.restart(f);
    c.run_for(Duration::from_millis(300));
    assert_eq!(
        c.leader(),
        Some(leader),
        "the restart did not disturb the leader"
    );
    let n = c.node(f).expect("live");
    assert_eq!(n.log(), c.node(leader).expect("live").log());
    assert_eq!(n.commit_index(), LogIndex(11));
    assert_eq!(c.applied_commands(f), (1..=11).collect::<Vec<u64>>());
    assert_eq!(
        c.storage(f).expect("slot"),
        n.persistent(),
        "and the catch-up was persisted"
    );
    assert_no_violations(&mut c);
}
