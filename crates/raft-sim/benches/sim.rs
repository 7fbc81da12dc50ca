//! Simulator speed: virtual time per wall-clock second, and seek latency.
//!
//! `cargo bench -p raft-sim --bench sim` prints criterion's figures, then a summary:
//! `raft-sim: realtime_factor=... (virtual s per wall s, median) seek_ms_median=...`.
//! Budgets: realtime factor at least 10,000 (5 nodes, 10 client writes per second, 5%
//! loss, history recorded); seek to a random point of a 10-minute history at most 5 ms.

use std::hint::black_box;
use std::time::Instant as WallClock;

use criterion::{Criterion, Throughput, criterion_group};
use raft_sim::raft_core::{Instant, Rng};
use raft_sim::{Action, NetworkSettings, Op, Setup, Timeline, World};

const VIRTUAL_SECONDS: u64 = 60;

fn lossy_setup(seed: u64) -> Setup {
    Setup {
        seed,
        network: NetworkSettings {
            loss_ppm: 50_000,
            ..NetworkSettings::default()
        },
        ..Setup::default()
    }
}

/// Simulates `VIRTUAL_SECONDS` with a client write every 100 ms; records history.
fn simulate_minute(seed: u64) -> World {
    let mut w = World::new(&lossy_setup(seed)).expect("valid setup");
    let mut records = 0usize;
    for tick in 1..=VIRTUAL_SECONDS * 10 {
        w.advance_to(Instant::from_millis(tick * 100));
        let _ = w.apply(&Action::ClientRequest {
            op: Op::Add(1),
            to: None,
        });
        // Drain records as the timeline would, so they are produced and moved.
        records += w.take_records().len();
    }
    black_box(records);
    w
}

/// A 10-minute timeline with the same load.
fn ten_minute_timeline() -> Timeline {
    let mut t = Timeline::new(&lossy_setup(7)).expect("valid setup");
    for tick in 1..=6_000u64 {
        t.advance_to(Instant::from_millis(tick * 100));
        let _ = t.act(Action::ClientRequest {
            op: Op::Add(1),
            to: None,
        });
    }
    t
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("world");
    g.sample_size(10);
    g.throughput(Throughput::Elements(VIRTUAL_SECONDS));
    g.bench_function("virtual_seconds_5_nodes_10_writes_per_s_5pct_loss", |b| {
        let mut seed = 0;
        b.iter(|| {
            seed += 1;
            simulate_minute(seed)
        });
    });
    g.finish();

    let mut t = ten_minute_timeline();
    let mut rng = Rng::new(99);
    let mut g = c.benchmark_group("timeline");
    g.bench_function("seek_random_point_of_10_minutes", |b| {
        b.iter(|| {
            let at = Instant::from_micros(rng.in_range(0, 600_000_000));
            t.seek(at);
            black_box(t.now())
        });
    });
    g.finish();
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn summary() {
    let factors: Vec<f64> = (0..7)
        .map(|seed| {
            let start = WallClock::now();
            black_box(simulate_minute(1_000 + seed));
            VIRTUAL_SECONDS as f64 / start.elapsed().as_secs_f64()
        })
        .collect();
    let mut t = ten_minute_timeline();
    let mut rng = Rng::new(5);
    let seeks: Vec<f64> = (0..201)
        .map(|_| {
            let at = Instant::from_micros(rng.in_range(0, 600_000_000));
            let start = WallClock::now();
            t.seek(at);
            start.elapsed().as_secs_f64() * 1_000.0
        })
        .collect();
    println!(
        "raft-sim: realtime_factor={:.0} (virtual s per wall s, median of 7 minutes) seek_ms_median={:.3} (201 random seeks in a 10-minute history, {} snapshots)",
        median(factors),
        median(seeks),
        t.snapshot_count()
    );
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    summary();
}
