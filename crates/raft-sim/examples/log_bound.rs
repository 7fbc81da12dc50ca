//! The log-memory budget of issue 11: a 5-node cluster, one hour of virtual time, a
//! client writing 10 times a second, a snapshot every 1,000 entries. Prints the longest
//! log any server held and whether it stayed under 2,000 entries (paper §7: the log's
//! memory is bounded by the threshold plus what is in flight).
//!
//! ```text
//! cargo run --release -p raft-sim --example log_bound [-- SECONDS THRESHOLD]
//! ```

use std::process::ExitCode;
use std::time::Duration;

use raft_sim::{Action, Op, Setup, World};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(3_600);
    let threshold: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let mut setup = Setup {
        nodes: 5,
        seed: 11,
        ..Setup::default()
    };
    setup.raft.snapshot_threshold = threshold;
    let Ok(mut world) = World::new(&setup) else {
        eprintln!("log_bound: the setup is invalid");
        return ExitCode::from(2);
    };
    world.set_recording(false);
    let (mut longest, mut snapshots) = (0usize, 0u64);
    for k in 0..seconds * 10 {
        let _ = world.apply(&Action::ClientRequest {
            op: Op::Add(1),
            to: None,
        });
        world.advance(Duration::from_millis(100));
        for s in world.servers() {
            if let Some(n) = s.node() {
                longest = longest.max(n.log().len());
            }
        }
        if k % 600 == 0 {
            snapshots = world
                .servers()
                .iter()
                .filter_map(|s| s.node())
                .map(|n| n.log().snapshot_index().0)
                .max()
                .unwrap_or(0);
        }
    }
    let value = world.servers().first().map_or(0, |s| s.machine().value());
    let violations = world.checker().total();
    let ok = longest < 2 * threshold as usize && violations == 0;
    println!(
        "seconds={seconds} threshold={threshold} longest_log={longest} \
         last_snapshot_index={snapshots} value={value} violations={violations} {}",
        if ok { "ok" } else { "OVER" }
    );
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
