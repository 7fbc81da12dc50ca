//! Fault campaign: many seeds of random crashes, restarts, partitions, loss,
//! duplication, reordering, membership changes (servers added and removed, the leader
//! included), snapshots and client load; then everything heals and the cluster must
//! recover. Each seed also picks joint or single-server changes and a snapshot
//! threshold. Safety is checked throughout by the world's checker.
//!
//! ```text
//! cargo run --release -p raft-sim --example campaign -- --seeds N [--nodes K]
//!     [--seconds S] [--unsafe fixed-timeout|no-log-check|commit-old-terms|
//!                            two-changes|snapshot-drops-log]
//!     [--first SEED] [--threads T] [--verbose]
//! ```
//! The last line is exactly
//! `seeds=N violations=V lost_writes=L unconverged=U p99_recovery_ms=X`.
//! Without `--unsafe` it exits non-zero when V, L or U is non-zero. With `--unsafe` it
//! exits non-zero when it found nothing (the checker must catch every broken rule).

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use raft_sim::raft_core::{Instant, Membership, NodeId, Rng, UnsafeRules};
use raft_sim::{Action, ClientId, NetworkSettings, Op, Property, Setup, World};

#[derive(Clone, Debug)]
struct Options {
    seeds: u64,
    first: u64,
    nodes: usize,
    seconds: u64,
    rules: UnsafeRules,
    variant: Option<String>,
    threads: usize,
    verbose: bool,
}

fn parse() -> Result<Options, String> {
    let mut o = Options {
        seeds: 100,
        first: 1,
        nodes: 5,
        seconds: 60,
        rules: UnsafeRules::default(),
        variant: None,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        verbose: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        let number = |s: String, name: &str| {
            s.parse::<u64>()
                .map_err(|_| format!("{name} wants a whole number, not {s:?}"))
        };
        match a.as_str() {
            "--seeds" => o.seeds = number(value("--seeds")?, "--seeds")?,
            "--first" => o.first = number(value("--first")?, "--first")?,
            "--nodes" => o.nodes = number(value("--nodes")?, "--nodes")? as usize,
            "--seconds" => o.seconds = number(value("--seconds")?, "--seconds")?,
            "--threads" => o.threads = (number(value("--threads")?, "--threads")? as usize).max(1),
            "--verbose" => o.verbose = true,
            "--unsafe" => {
                let v = value("--unsafe")?;
                match v.as_str() {
                    "fixed-timeout" => o.rules.fixed_election_timeout = true,
                    "no-log-check" => o.rules.skip_log_up_to_date_check = true,
                    "commit-old-terms" => o.rules.commit_old_terms_by_counting = true,
                    "two-changes" => o.rules.unchecked_membership_changes = true,
                    "snapshot-drops-log" => o.rules.snapshot_discards_log_suffix = true,
                    _ => {
                        return Err(format!(
                            "unknown variant {v:?}: fixed-timeout, no-log-check, commit-old-terms, \
                             two-changes or snapshot-drops-log"
                        ));
                    }
                }
                o.variant = Some(v);
            }
            _ => return Err(format!("unknown argument {a:?}")),
        }
    }
    if !(1..=raft_sim::MAX_NODES).contains(&o.nodes) {
        return Err(format!("--nodes must be 1 to {}", raft_sim::MAX_NODES));
    }
    Ok(o)
}

/// What one seed found.
#[derive(Clone, Debug, Default)]
struct Outcome {
    violations: u64,
    lost_writes: u64,
    unconverged: bool,
    recovery_ms: Option<u64>,
    first_violation: Option<String>,
}

const CLIENTS: usize = 3;

fn run_seed(seed: u64, o: &Options) -> Outcome {
    let mut setup = Setup {
        nodes: o.nodes,
        seed,
        clients: CLIENTS,
        ..Setup::default()
    };
    setup.raft.unsafe_rules = o.rules;
    // The campaign's own choices come from a generator seeded apart from the world's.
    let mut rng = Rng::new(seed ^ 0xC0FF_EE00_D15E_A5E5);
    setup.raft.joint_consensus = rng.in_range(0, 2) == 0;
    setup.raft.snapshot_threshold = [0, 4, 16, 64][rng.in_range(0, 4) as usize];
    setup.raft.snapshot_chunk_bytes = [8, 64, 1024][rng.in_range(0, 3) as usize];
    let Ok(mut world) = World::new(&setup) else {
        return Outcome {
            unconverged: true,
            ..Outcome::default()
        };
    };
    world.set_recording(false);
    let end = Instant::from_millis(o.seconds * 1_000);
    let mut next_fault = Instant::from_millis(rng.in_range(200, 2_000));
    let mut next_write = Instant::from_millis(100);
    let mut write_no = 0i64;
    while world.now() < end {
        let t = next_fault.min(next_write).min(end);
        world.advance_to(t);
        if t >= end {
            break;
        }
        if t == next_write {
            write_no += 1;
            let client = ClientId(rng.in_range(0, CLIENTS as u64) as u32);
            let op = if rng.in_range(0, 3) == 0 {
                Op::Set(write_no)
            } else {
                Op::Add(1)
            };
            let _ = world.client_request(client, op);
            next_write = t.after(Duration::from_millis(rng.in_range(50, 250)));
        }
        if t == next_fault {
            let ids: Vec<NodeId> = world.ids().to_vec();
            let _ = world.apply(&random_fault(&mut rng, &world, &ids));
            next_fault = t.after(Duration::from_millis(rng.in_range(200, 2_000)));
        }
    }
    // Heal everything and stop adding load; pending client requests still finish.
    let healed_at = world.now();
    for id in world.ids().to_vec() {
        // A server that left the cluster is refused: it stays gone.
        let _ = world.apply(&Action::Restart(id));
    }
    let _ = world.apply(&Action::Heal);
    let _ = world.apply(&Action::SetNetwork(NetworkSettings::default()));
    let converged = world.run_until(Duration::from_secs(60), World::is_converged);
    if !converged && o.verbose {
        describe(seed, &world);
    }
    let recovery_ms = converged.then(|| world.now().since(healed_at).as_millis() as u64);
    // Liveness for clients too: every request sent or queued before the heal is
    // eventually answered.
    let answered = world.run_until(Duration::from_secs(120), World::clients_idle);
    if !answered && o.verbose {
        println!("seed {seed}: client requests never answered");
        describe(seed, &world);
    }
    let mut outcome = Outcome {
        unconverged: !converged || !answered,
        recovery_ms,
        ..Outcome::default()
    };
    if converged && let Some(leader) = world.leader().and_then(|l| world.node(l)) {
        let log = leader.log().clone();
        let mut sink = Vec::new();
        let mut checker = world.checker().clone();
        outcome.lost_writes = checker.count_lost_writes(world.now(), leader.id(), &log, &mut sink);
    }
    let checker = world.checker();
    let acked_lost = checker
        .violations()
        .iter()
        .filter(|v| v.property == Property::AcknowledgedWriteKept)
        .count() as u64;
    outcome.lost_writes += acked_lost;
    outcome.violations = checker.total() - acked_lost.min(checker.total());
    outcome.first_violation = checker.violations().first().map(|v| v.to_string());
    outcome
}

/// Prints why a world has not converged.
fn describe(seed: u64, w: &World) {
    println!("seed {seed} at {}: not converged", w.now());
    let ids = |l: &[NodeId]| {
        l.iter()
            .map(|id| id.0.to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    let config = |m: &Membership| {
        let mut text = format!("{{{}}}", ids(m.voters()));
        if m.is_joint() {
            text += &format!("+old{{{}}}", ids(m.outgoing()));
        }
        if !m.learners().is_empty() {
            text += &format!("+learners{{{}}}", ids(m.learners()));
        }
        text
    };
    for s in w.servers() {
        match s.node() {
            Some(n) => println!(
                "  {} {:?} {} voted={:?} leader={:?} last={}/{} commit={} applied={} \
                 config={} committed={}",
                s.name(),
                n.role(),
                n.term(),
                n.voted_for(),
                n.leader(),
                n.log().last_index(),
                n.log().last_term(),
                n.commit_index(),
                s.machine().last_applied(),
                config(n.members()),
                config(n.committed_members()),
            ),
            None if s.is_removed() => println!("  {} removed", s.name()),
            None => println!("  {} down", s.name()),
        }
    }
    for c in w.clients() {
        println!("  client {:?}: outstanding {:?}", c.id(), c.outstanding());
    }
}

fn random_fault(rng: &mut Rng, world: &World, ids: &[NodeId]) -> Action {
    let pick = |rng: &mut Rng| ids[rng.in_range(0, ids.len() as u64) as usize];
    match rng.in_range(0, 13) {
        // Membership and compaction: a server joins, one leaves (the leader as likely
        // as any), or one snapshots now. Refusals (no leader, a full world) are fine.
        10 => Action::AddServer,
        11 => Action::RemoveServer(pick(rng)),
        12 => Action::TakeSnapshot(pick(rng)),
        0 | 1 => Action::Crash(pick(rng)),
        2 | 3 => {
            // Restart a crashed node if there is one.
            let down: Vec<NodeId> = ids
                .iter()
                .copied()
                .filter(|&id| world.server(id).is_some_and(|s| s.is_down()))
                .collect();
            match down.len() {
                0 => Action::TimeoutNow(pick(rng)),
                n => Action::Restart(down[rng.in_range(0, n as u64) as usize]),
            }
        }
        4 => {
            let mut groups = vec![Vec::new(), Vec::new()];
            for &id in ids {
                groups[rng.in_range(0, 2) as usize].push(id);
            }
            Action::Partition(groups)
        }
        5 => Action::CutLink {
            from: pick(rng),
            to: pick(rng),
            both: rng.in_range(0, 2) == 0,
        },
        6 => Action::Heal,
        7 => Action::SetNetwork(NetworkSettings {
            loss_ppm: rng.in_range(0, 200_000) as u32,
            duplicate_ppm: rng.in_range(0, 50_000) as u32,
            reorder_ppm: rng.in_range(0, 100_000) as u32,
            ..NetworkSettings::default()
        }),
        8 => Action::TimeoutNow(pick(rng)),
        _ => Action::SetNetwork(NetworkSettings::default()),
    }
}

fn main() -> ExitCode {
    let o = match parse() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("campaign: {e}");
            return ExitCode::from(2);
        }
    };
    let next = AtomicU64::new(0);
    let results: Vec<(u64, Outcome)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..o.threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        if k >= o.seeds {
                            break;
                        }
                        let seed = o.first + k;
                        mine.push((seed, run_seed(seed, &o)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut results = results;
    results.sort_by_key(|(seed, _)| *seed);

    let (mut v, mut l, mut u) = (0u64, 0u64, 0u64);
    let mut recoveries = Vec::new();
    let mut first_bad: Option<u64> = None;
    for (seed, r) in &results {
        v += r.violations;
        l += r.lost_writes;
        u += u64::from(r.unconverged);
        if let Some(ms) = r.recovery_ms {
            recoveries.push(ms);
        }
        let bad = r.violations > 0 || r.lost_writes > 0 || r.unconverged;
        if bad {
            first_bad.get_or_insert(*seed);
            if o.verbose || o.variant.is_none() {
                println!(
                    "seed {seed}: violations={} lost_writes={} unconverged={} first: {}",
                    r.violations,
                    r.lost_writes,
                    r.unconverged,
                    r.first_violation.as_deref().unwrap_or("-")
                );
            }
        }
    }
    recoveries.sort_unstable();
    let p99 = if recoveries.is_empty() {
        0
    } else {
        recoveries[((recoveries.len() * 99).div_ceil(100)).saturating_sub(1)]
    };
    if let (Some(variant), Some(seed)) = (&o.variant, first_bad) {
        println!(
            "unsafe variant {variant}: first caught at seed {seed} ({} seeds from --first {})",
            seed - o.first + 1,
            o.first
        );
    }
    println!(
        "seeds={} violations={v} lost_writes={l} unconverged={u} p99_recovery_ms={p99}",
        results.len()
    );
    let found = v + l + u > 0;
    match (&o.variant, found) {
        (None, false) | (Some(_), true) => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}
