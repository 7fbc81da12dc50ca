//! Throughput of the core alone: a 5-node cluster in memory, driven only through the
//! public `Node` API, elects a leader and commits 10,000 proposals.
//!
//! The loop is what a real single-threaded caller does, minus the I/O: one FIFO queue of
//! messages (the network, zero latency, no loss), `take_ready` after every input, every
//! `PersistOp` applied to the node's `PersistentState` before its messages are queued
//! (its entries copied from the node's log, as a storage layer would write them), and
//! committed entries applied to a toy state machine (a checksum). Time is virtual:
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
//! Each runs with three command types: `u64` (a number, the cheapest case), `Vec<u8>`
//! (64 bytes on the heap: every copy is an allocation and a memcpy) and `Arc<[u8]>` (the
//! same 64 bytes shared: a copy is a reference count). The client's commands are built
//! before the run starts, so what is counted is the cluster's own work.
//!
//! Reports, through criterion, each `u64` and `Vec<u8>` run as two throughputs
//! ("messages_stepped": `Node::step` calls; "entries_committed": committed entries),
//! then one summary line per workload from its own timing of a few runs, with
//! - `allocations_per_message`: heap allocations and reallocations during the run
//!   (counted by `stats_alloc` as the global allocator) per message stepped;
//! - `entry_copies_per_command`: clones of a command during the run per command
//!   committed, with 5 nodes (not counted for `u64`, whose clone is a plain copy).
//!
//! Run with `cargo bench -p raft-core --bench cluster`.

use std::alloc::System;
use std::collections::VecDeque;
use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant as WallClock};

use criterion::{Criterion, Throughput};
use raft_core::{Config, Instant, Message, Node, NodeId, PersistentState, Ready, Role};
use stats_alloc::{Region, StatsAlloc};

#[global_allocator]
static ALLOCATOR: StatsAlloc<System> = StatsAlloc::system();

const NODES: u32 = 5;
const ENTRIES: u64 = 10_000;
/// Commands the client proposes per round, for the headline and the second workload.
const BATCH: u64 = 100;
const SINGLE: u64 = 1;
const BATCH_EVERY: Duration = Duration::from_millis(1);
/// Bytes in one heap command.
const COMMAND_BYTES: usize = 64;

/// Clones of counted commands since the counter was last read.
static COMMAND_CLONES: AtomicU64 = AtomicU64::new(0);

/// What the client proposes: built from its sequence number, checked by a checksum.
trait Command: Clone + 'static {
    const NAME: &'static str;
    /// Whether clones of it are counted in `COMMAND_CLONES`.
    const COUNTED: bool;
    fn make(seq: u64) -> Self;
    fn checksum(&self) -> u64;
}

impl Command for u64 {
    const NAME: &'static str = "u64";
    const COUNTED: bool = false;
    fn make(seq: u64) -> Self {
        seq
    }
    fn checksum(&self) -> u64 {
        *self
    }
}

/// 64 bytes on the heap, the sequence number in the first eight.
fn command_bytes(seq: u64) -> Vec<u8> {
    let mut bytes = vec![0u8; COMMAND_BYTES];
    bytes[..8].copy_from_slice(&seq.to_le_bytes());
    bytes
}

fn bytes_checksum(bytes: &[u8]) -> u64 {
    bytes
        .first_chunk::<8>()
        .map_or(0, |head| u64::from_le_bytes(*head))
}

/// A `Vec<u8>` command whose clones are counted.
#[derive(Debug, PartialEq, Eq)]
struct HeapCommand(Vec<u8>);

impl Clone for HeapCommand {
    fn clone(&self) -> Self {
        COMMAND_CLONES.fetch_add(1, Ordering::Relaxed);
        HeapCommand(self.0.clone())
    }
}

impl Command for HeapCommand {
    const NAME: &'static str = "Vec<u8>";
    const COUNTED: bool = true;
    fn make(seq: u64) -> Self {
        HeapCommand(command_bytes(seq))
    }
    fn checksum(&self) -> u64 {
        bytes_checksum(&self.0)
    }
}

/// An `Arc<[u8]>` command (shared bytes) whose clones are counted.
#[derive(Debug, PartialEq, Eq)]
struct SharedCommand(Arc<[u8]>);

impl Clone for SharedCommand {
    fn clone(&self) -> Self {
        COMMAND_CLONES.fetch_add(1, Ordering::Relaxed);
        SharedCommand(Arc::clone(&self.0))
    }
}

impl Command for SharedCommand {
    const NAME: &'static str = "Arc<[u8]>";
    const COUNTED: bool = true;
    fn make(seq: u64) -> Self {
        SharedCommand(command_bytes(seq).into())
    }
    fn checksum(&self) -> u64 {
        bytes_checksum(&self.0)
    }
}

/// What one run did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct RunStats {
    /// Messages handed to `Node::step`.
    stepped: u64,
    /// Entries committed (and applied on every node).
    committed: u64,
    /// Virtual time the run took.
    virtual_micros: u64,
    /// Heap allocations and reallocations during the run.
    allocations: u64,
    /// Clones of commands during the run (0 when not counted).
    command_clones: u64,
}

struct Sim<C> {
    nodes: Vec<Node<C>>,
    storage: Vec<PersistentState<C>>,
    /// Entries applied and a checksum of them, per node: the "state machine".
    applied: Vec<(u64, u64)>,
    network: VecDeque<Message<C>>,
    now: Instant,
    stepped: u64,
    ready: Ready<C>,
    /// A node cut off from everyone (its messages are lost, its timers stopped).
    down: Option<usize>,
}

impl<C: Command> Sim<C> {
    fn new(config: &Config, seed: u64) -> Sim<C> {
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
            storage: (0..NODES).map(|_| PersistentState::default()).collect(),
            applied: vec![(0, 0); NODES as usize],
            network: VecDeque::with_capacity(1024),
            now: Instant::ZERO,
            stepped: 0,
            ready: Ready::default(),
            down: None,
        }
    }

    /// The caller's duty after every input: persist, then send, then apply.
    fn handle_ready(&mut self, i: usize) {
        // Reuse one set of output buffers across every input, as a long-running caller
        // would (`take_ready_into`).
        let mut ready = std::mem::take(&mut self.ready);
        let node = &mut self.nodes[i];
        node.take_ready_into(&mut ready);
        // New and committed entries are lent by index: read from the node's log.
        for op in &ready.persist {
            self.storage[i].apply(op, node.persistent());
        }
        self.network.extend(ready.messages.drain(..));
        let (count, sum) = &mut self.applied[i];
        for (_, entry) in node.log().iter_range(ready.committed) {
            *count += 1;
            if let raft_core::Payload::Command(x) = &entry.payload {
                *sum = sum.wrapping_add(x.checksum());
            }
        }
        self.ready = ready;
    }

    /// Delivers messages FIFO until the network is quiet.
    fn deliver_all(&mut self) {
        while let Some(msg) = self.network.pop_front() {
            let to = msg.to.0 as usize;
            if self
                .down
                .is_some_and(|d| d == to || d == msg.from.0 as usize)
            {
                continue;
            }
            // A refusal would be a bug in this loop, not load: count it all the same.
            let _ = self.nodes[to].step(self.now, msg);
            self.stepped += 1;
            self.handle_ready(to);
        }
    }

    fn next_deadline(&self) -> Instant {
        self.nodes
            .iter()
            .enumerate()
            .filter(|&(i, _)| self.down != Some(i))
            .map(|(_, n)| n.next_deadline())
            .min()
            .expect("nodes")
    }

    /// Moves the clock to `t` and fires every due timer.
    fn advance_to(&mut self, t: Instant) {
        self.now = self.now.max(t);
        for i in 0..self.nodes.len() {
            if self.down != Some(i) && self.nodes[i].next_deadline() <= self.now {
                self.nodes[i].handle_timeout(self.now);
                self.handle_ready(i);
            }
        }
    }

    /// Runs timers and votes until a leader exists; returns it.
    fn elect(&mut self) -> usize {
        loop {
            self.deliver_all();
            if let Some(l) = self.leader() {
                return l;
            }
            let t = self.next_deadline();
            self.advance_to(t);
        }
    }

    /// The client hands the leader up to `batch` of `commands` in one call, as a batch
    /// that arrives together would be.
    fn propose_batch(&mut self, leader: usize, commands: &mut VecDeque<C>, batch: u64) {
        let n = usize::try_from(batch).map_or(commands.len(), |b| b.min(commands.len()));
        self.nodes[leader]
            .propose_many(self.now, commands.drain(..n))
            .expect("the leader takes proposals");
        self.handle_ready(leader);
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
fn run_cluster<C: Command>(seed: u64, batch: u64) -> RunStats {
    // The client's commands exist before the cluster does: only the cluster is counted.
    let mut commands: VecDeque<C> = (0..ENTRIES).map(C::make).collect();
    let region = Region::new(&ALLOCATOR);
    let clones_before = COMMAND_CLONES.load(Ordering::Relaxed);
    let mut sim = Sim::<C>::new(&config(), seed);
    // Election: nothing but timers and votes.
    let leader = sim.elect();

    let mut next_batch = sim.now;
    while sim.applied.iter().any(|&(count, _)| count < ENTRIES) {
        sim.deliver_all();
        // The network is quiet: jump to the next timer or client batch.
        let timer = sim.next_deadline();
        let t = if commands.is_empty() {
            timer
        } else {
            timer.min(next_batch)
        };
        sim.advance_to(t);
        if !commands.is_empty() && sim.now >= next_batch {
            assert_eq!(
                sim.nodes[leader].role(),
                Role::Leader,
                "the leader changed under load"
            );
            sim.propose_batch(leader, &mut commands, batch);
            next_batch = sim.now.after(BATCH_EVERY);
        }
    }
    let expected_sum = ENTRIES * (ENTRIES - 1) / 2;
    for &(count, sum) in &sim.applied {
        assert_eq!((count, sum), (ENTRIES, expected_sum), "a node diverged");
    }
    let heap = region.change();
    let command_clones = if C::COUNTED {
        COMMAND_CLONES.load(Ordering::Relaxed) - clones_before
    } else {
        0
    };
    RunStats {
        stepped: sim.stepped,
        committed: ENTRIES,
        virtual_micros: sim.now.as_micros(),
        allocations: (heap.allocations + heap.reallocations) as u64,
        command_clones,
    }
}

/// What a follower 10,000 entries behind costs to catch up (issue 11's flow-control
/// workload): the messages stepped and the entry copies made, per entry it receives,
/// from the moment it is back until it has applied everything.
#[derive(Clone, Copy, Debug, PartialEq)]
struct CatchUp {
    messages_per_entry: f64,
    copies_per_entry: f64,
}

/// A follower is cut off while the others commit `ENTRIES` (100 per round), then comes
/// back; `limit` is `Config::max_inflight_appends` (0: none, the article's rhythm).
fn catch_up(limit: u32) -> CatchUp {
    let config = Config {
        max_inflight_appends: limit,
        ..config()
    };
    let mut commands: VecDeque<HeapCommand> = (0..ENTRIES).map(HeapCommand::make).collect();
    let mut sim = Sim::<HeapCommand>::new(&config, SEED);
    let leader = sim.elect();
    let behind = (leader + 1) % NODES as usize;
    sim.down = Some(behind);
    let mut next_batch = sim.now;
    let caught_up = |sim: &Sim<HeapCommand>, i: usize| sim.applied[i].0 >= ENTRIES;
    while (0..NODES as usize).any(|i| i != behind && !caught_up(&sim, i)) {
        sim.deliver_all();
        let timer = sim.next_deadline();
        let t = if commands.is_empty() {
            timer
        } else {
            timer.min(next_batch)
        };
        sim.advance_to(t);
        if !commands.is_empty() && sim.now >= next_batch {
            sim.propose_batch(leader, &mut commands, BATCH);
            next_batch = sim.now.after(BATCH_EVERY);
        }
    }
    // Back: count from here.
    sim.down = None;
    let (stepped, clones) = (sim.stepped, COMMAND_CLONES.load(Ordering::Relaxed));
    while !caught_up(&sim, behind) {
        sim.deliver_all();
        let t = sim.next_deadline();
        sim.advance_to(t);
    }
    let entries = ENTRIES as f64;
    CatchUp {
        messages_per_entry: (sim.stepped - stepped) as f64 / entries,
        copies_per_entry: (COMMAND_CLONES.load(Ordering::Relaxed) - clones) as f64 / entries,
    }
}

const SEED: u64 = 42;

fn benches<C: Command>(c: &mut Criterion, batch: u64, stats: RunStats) {
    let name = if C::NAME == "u64" {
        String::new()
    } else {
        format!(", {}", C::NAME)
    };
    let mut group = c.benchmark_group(format!(
        "raft-core cluster (5 nodes, 10k proposals, {batch} per round{name})"
    ));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(stats.stepped));
    group.bench_function("messages_stepped", |b| {
        b.iter(|| black_box(run_cluster::<C>(black_box(SEED), batch)));
    });
    group.throughput(Throughput::Elements(stats.committed));
    group.bench_function("entries_committed", |b| {
        b.iter(|| black_box(run_cluster::<C>(black_box(SEED), batch)));
    });
    group.finish();
}

fn summary<C: Command>(batch: u64, stats: RunStats) {
    const RUNS: usize = 11;
    let mut secs: Vec<f64> = (0..RUNS)
        .map(|_| {
            let start = WallClock::now();
            let s = black_box(run_cluster::<C>(black_box(SEED), batch));
            let elapsed = start.elapsed().as_secs_f64();
            assert_eq!(s, stats, "runs are deterministic");
            elapsed
        })
        .collect();
    secs.sort_by(f64::total_cmp);
    let median = secs[RUNS / 2];
    let copies = if C::COUNTED {
        format!(
            "{:.2}",
            stats.command_clones as f64 / stats.committed as f64
        )
    } else {
        "-".to_owned()
    };
    println!(
        "raft-core cluster ({batch} per round, {}): messages_stepped_per_sec={:.0} \
         entries_committed_per_sec={:.0} allocations_per_message={:.3} \
         entry_copies_per_command={copies} (median of {RUNS} runs; {} messages and {} \
         entries per run, {:.3} ms wall, {:.1} ms virtual)",
        C::NAME,
        stats.stepped as f64 / median,
        stats.committed as f64 / median,
        stats.allocations as f64 / stats.stepped as f64,
        stats.stepped,
        stats.committed,
        median * 1e3,
        stats.virtual_micros as f64 / 1e3,
    );
}

/// Every workload: (checked once, then) timed by criterion and summarised.
fn workload<C: Command>(criterion: Option<&mut Criterion>, batch: u64, timed: bool) {
    let stats = run_cluster::<C>(SEED, batch);
    if let Some(c) = criterion {
        benches::<C>(c, batch, stats);
    }
    if timed {
        summary::<C>(batch, stats);
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    // `cargo bench` passes --bench; `cargo test --benches` does not, and then one
    // checked run of each workload is enough.
    let timed = std::env::args().any(|a| a == "--bench");
    for batch in [BATCH, SINGLE] {
        workload::<u64>(Some(&mut criterion), batch, timed);
        workload::<HeapCommand>(Some(&mut criterion), batch, timed);
        workload::<SharedCommand>(None, batch, timed);
    }
    // Counts, not times: deterministic, so one run each.
    for limit in [0, 1] {
        let c = catch_up(limit);
        assert_eq!(c, catch_up(limit), "runs are deterministic");
        println!(
            "raft-core catch-up (a follower {ENTRIES} entries behind, max_inflight_appends={limit}): \
             messages_per_entry={:.3} entry_copies_per_entry={:.3}",
            c.messages_per_entry, c.copies_per_entry
        );
    }
    criterion.final_summary();
}
