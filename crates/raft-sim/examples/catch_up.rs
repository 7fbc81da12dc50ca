//! Flow control, measured (issue 11): a follower 10,000 entries behind catches up over
//! a slow link (120 ms each way, so every heartbeat leaves before the last reply is
//! back). Prints the AppendEntries sent to it and the entries they carried, per entry
//! it needed, without a limit (the article's rhythm: entries ride every heartbeat) and
//! with `Config::max_inflight_appends = 1` (etcd's `MaxInflightMsgs`).
//!
//! ```text
//! cargo run --release -p raft-sim --example catch_up
//! ```

use std::time::Duration;

use raft_sim::network::PacketSummary;
use raft_sim::raft_core::{MessageKind, NodeId};
use raft_sim::{Action, Endpoint, Record, Setup, World};

const BEHIND: u64 = 10_000;

fn run(limit: u32) -> (u64, u64, Duration) {
    let mut setup = Setup {
        nodes: 5,
        seed: 5,
        ..Setup::default()
    };
    setup.raft.max_inflight_appends = limit;
    setup.raft.replicate_immediately = true;
    let Ok(mut w) = World::new(&setup) else {
        return (0, 0, Duration::ZERO);
    };
    w.set_recording(false);
    w.run_until(Duration::from_secs(3), |w| w.leader().is_some());
    let Some(leader) = w.leader() else {
        return (0, 0, Duration::ZERO);
    };
    let behind = NodeId((leader.0 + 1) % 5);
    let _ = w.apply(&Action::Crash(behind));
    // The leader's log grows by BEHIND entries while it is down.
    while w.node(leader).map_or(0, |n| n.commit_index().0) < BEHIND {
        for _ in 0..100 {
            let _ = w.client_request(raft_sim::ClientId(0), raft_sim::Op::Add(1));
        }
        w.advance(Duration::from_millis(100));
    }
    let target = w.node(leader).map_or(0, |n| n.log().last_index().0);
    for (a, b) in [(leader, behind), (behind, leader)] {
        let _ = w.apply(&Action::SetLinkLatency {
            from: a,
            to: b,
            latency: Some(Duration::from_millis(120)),
        });
    }
    w.set_recording(true);
    w.take_records();
    let start = w.now();
    let _ = w.apply(&Action::Restart(behind));
    let (mut messages, mut entries) = (0, 0);
    while w.node(behind).map_or(0, |n| n.log().last_index().0) < target {
        w.advance(Duration::from_millis(50));
        for item in w.take_records() {
            if let Record::Sent {
                to: Endpoint::Node(to),
                packet:
                    PacketSummary::Raft {
                        kind: MessageKind::AppendRequest,
                        entries: n,
                        ..
                    },
                ..
            } = item.record
                && to == behind
            {
                messages += 1;
                entries += u64::from(n);
            }
        }
    }
    (messages, entries, w.now().since(start))
}

fn main() {
    for limit in [0, 1] {
        let (messages, entries, took) = run(limit);
        let per = |x: u64| x as f64 / BEHIND as f64;
        println!(
            "catch-up of {BEHIND} entries, max_inflight_appends={limit}: \
             appends={messages} ({:.3} per entry) entry_copies={entries} ({:.3} per entry) \
             in {:.1} s virtual",
            per(messages),
            per(entries),
            took.as_secs_f64()
        );
    }
}
