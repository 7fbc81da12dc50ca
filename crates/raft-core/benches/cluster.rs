//! Throughput of the core alone: a 5-node cluster in memory, driven only through the
//! public `Node` API, elects a leader and commits 10,000 proposals.
//!
//! The loop is what a real single-threaded caller does, minus the I/O: one FIFO queue of
//! messages (the network, zero latency, no loss), `take_ready` after every input, every
//! `PersistOp` applied to the node's `PersistentState` before its messages are queued,
//! and committed entries applied to a toy state machine (a checksum). Time is virtual:
//! when the queue is empty the clock jumps to the next event, which is either a node's
//! deadline (election timeout, heartbeat) or the client's next batch.
//!
//! Workload (the headline): `replicate_immediately: true` (a leader sends new entries at
//! once instead of waiting for the next heartbeat, as a throughput-minded deployment
//! would), default timing (heartbeat 50 ms, up to 64 entries per AppendEntries), and a
//! client that proposes a batch of 100 commands every millisecond of virtual time. A
//! second workload proposes one command per millisecond, so that almost every message
//! carries one entry: it measures the per-message overhead rather than the per-entry cost.
//!
//! Reports, through criterion, each run as two throughputs ("messages_stepped":
//! `Node::step` calls; "entries_committed": committed entries), then one summary line per
//! workload from its own timing of a few runs. Run with
//! `cargo bench -p raft-core --bench cluster`.

use std::collections::VecDeque;
use std::hint::black_box;
use std::time::{Duration, Instant as WallClock};

use criterion::{Criterion, Throughput};
use raft_core::{Config, Instant, Message, Node, NodeId, PersistentState, Ready, Role};

const NODES: u32 = 5;
const ENTRIES: u64 = 10_000;
/// Commands the client proposes per round, for the headline and the second workload.
const BATCH: u64 = 100;
const SINGLE: u64 = 1;
const BATCH_EVERY: Duration = Duration::from_millis(1);

/// What one run did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct RunStats {
    /// Messages handed to `Node::step`.
    stepped: u64,
    /// Entries committed (and applied on every node).
    committed: u64,
    /// Virtual time the run took.
    virtual_micros: u64,
}

struct Sim {
    nodes: Vec<Node<u64>>,
    storage: Vec<PersistentState<u64>>,
    /// Entries applied and a checksum of them, per node: the "state machine".
    applied: Vec<(u64, u64)>,
    network: VecDeque<Message<u64>>,
    now: Instant,
    stepped: u64,
    ready: Ready<u64>,
}

impl Sim {
    fn new(config: &Config, seed: u64) -> Sim {
        let ids: Vec<NodeId> = (0..NODES).map(NodeId).collect();
        let nodes = ids
            .iter()
            .map(|&id| {
                Node::new(
                    id,
                    &ids,
                    config.clone(),
                    seed.wrapping_add(u64::from(id.0)),
                    Instant::ZERO,
                )
                .expect("valid configuration")
            })
            .collect();
        Sim {
            nodes,
            storage: vec![PersistentState::default(); NODES as usize],
            applied: vec![(0, 0); NODES as usize],
            network: VecDeque::with_capacity(1024),
            now: Instant::ZERO,
            stepped: 0,
            ready: Ready::default(),
        }
    }

    /// The caller's duty after every input: persist, then send, then apply.
    fn handle_ready(&mut self, i: usize) {
        // Reuse one set of output buffers across every input, as a long-running caller
        // would (`take_ready_into`).
        let mut ready = std::mem::take(&mut self.ready);
        self.nodes[i].take_ready_into(&mut ready);
        for op in &ready.persist {
            self.storage[i].apply(op);
        }
        self.network.extend(ready.messages.drain(..));
        let (count, sum) = &mut self.applied[i];
        for c in &ready.committed {
            *count += 1;
            if let raft_core::Payload::Command(x) = c.entry.payload {
                *sum = sum.wrapping_add(x);
            }
        }
        self.ready = ready;
    }

    /// Delivers messages FIFO until the network is quiet.
    fn deliver_all(&mut self) {
        while let Some(msg) = self.network.pop_front() {
            let to = msg.to.0 as usize;
            // A refusal would be a bug in this loop, not load: count it all the same.
            let _ = self.nodes[to].step(self.now, msg);
            self.stepped += 1;
            self.handle_ready(to);
        }
    }

    fn next_deadline(&self) -> Instant {
        self.nodes
            .iter()
            .map(Node::next_deadline)
            .min()
            .expect("nodes")
    }

    /// Moves the clock to `t` and fires every due timer.
    fn advance_to(&mut self, t: Instant) {
        self.now = self.now.max(t);
        for i in 0..self.nodes.len() {
            if self.nodes[i].next_deadline() <= self.now {
                self.nodes[i].handle_timeout(self.now);
                self.handle_ready(i);
            }
        }
    }

    fn leader(&self) -> Option<usize> {
        self.nodes.iter().position(|n| n.role() == Role::Leader)
    }
}

fn config() -> Config {
    Config {
        replicate_immediately: true,
        ..Config::default()
    }
}

/// Elects a leader, then commits `ENTRIES` proposals, `batch` per round, on every node.
fn run_cluster(seed: u64, batch: u64) -> RunStats {
    let mut sim = Sim::new(&config(), seed);
    // Election: nothing but timers and votes.
    let leader = loop {
        sim.deliver_all();
        if let Some(l) = sim.leader() {
            break l;
        }
        let t = sim.next_deadline();
        sim.advance_to(t);
    };

    let mut proposed = 0u64;
    let mut next_batch = sim.now;
    while sim.applied.iter().any(|&(count, _)| count < ENTRIES) {
        sim.deliver_all();
        // The network is quiet: jump to the next timer or client batch.
        let timer = sim.next_deadline();
        let t = if proposed < ENTRIES {
            timer.min(next_batch)
        } else {
            timer
        };
        sim.advance_to(t);
        if proposed < ENTRIES && sim.now >= next_batch {
            assert_eq!(
                sim.nodes[leader].role(),
                Role::Leader,
                "the leader changed under load"
            );
            // A batch arrives together, so the client hands it over in one call.
            let n = batch.min(ENTRIES - proposed);
            sim.nodes[leader]
                .propose_many(sim.now, proposed..proposed + n)
                .expect("the leader takes proposals");
            sim.handle_ready(leader);
            proposed += n;
            next_batch = sim.now.after(BATCH_EVERY);
        }
    }
    let expected_sum = ENTRIES * (ENTRIES - 1) / 2;
    for &(count, sum) in &sim.applied {
        assert_eq!((count, sum), (ENTRIES, expected_sum), "a node diverged");
    }
    RunStats {
        stepped: sim.stepped,
        committed: ENTRIES,
        virtual_micros: sim.now.as_micros(),
    }
}

const SEED: u64 = 42;

fn benches(c: &mut Criterion, batch: u64, stats: RunStats) {
    let mut group = c.benchmark_group(format!(
        "raft-core cluster (5 nodes, 10k proposals, {batch} per round)"
    ));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(stats.stepped));
    group.bench_function("messages_stepped", |b| {
        b.iter(|| black_box(run_cluster(black_box(SEED), batch)));
    });
    group.throughput(Throughput::Elements(stats.committed));
    group.bench_function("entries_committed", |b| {
        b.iter(|| black_box(run_cluster(black_box(SEED), batch)));
    });
    group.finish();
}

fn summary(label: &str, batch: u64, stats: RunStats) {
    const RUNS: usize = 11;
    let mut secs: Vec<f64> = (0..RUNS)
        .map(|_| {
            let start = WallClock::now();
            let s = black_box(run_cluster(black_box(SEED), batch));
            let elapsed = start.elapsed().as_secs_f64();
            assert_eq!(s, stats, "runs are deterministic");
            elapsed
        })
        .collect();
    secs.sort_by(f64::total_cmp);
    let median = secs[RUNS / 2];
    println!(
        "{label}: messages_stepped_per_sec={:.0} entries_committed_per_sec={:.0} \
         (median of {RUNS} runs; {batch} proposals per round; {} messages and {} entries \
         per run, {:.3} ms wall, {:.1} ms virtual)",
        stats.stepped as f64 / median,
        stats.committed as f64 / median,
        stats.stepped,
        stats.committed,
        median * 1e3,
        stats.virtual_micros as f64 / 1e3,
    );
}

fn main() {
    let batched = run_cluster(SEED, BATCH);
    let single = run_cluster(SEED, SINGLE);
    let mut criterion = Criterion::default().configure_from_args();
    benches(&mut criterion, BATCH, batched);
    benches(&mut criterion, SINGLE, single);
    criterion.final_summary();
    // `cargo bench` passes --bench; `cargo test --benches` does not, and then the two
    // check runs above are enough.
    if std::env::args().any(|a| a == "--bench") {
        summary("raft-core cluster", BATCH, batched);
        summary("raft-core cluster (one command per round)", SINGLE, single);
    }
}
