//! Flow control: how much a leader sends a follower that is behind. The paper leaves it
//! open ("the leader retries AppendEntries"); etcd bounds the AppendEntries in flight
//! per follower (`MaxInflightMsgs`). `Config::max_inflight_appends` does the same here:
//! past the limit a heartbeat goes out empty, and entries resume as replies come back.
//! 0 keeps the article's rhythm, where every heartbeat carries what the follower lacks.

mod common;

use core::time::Duration;

use common::*;
use raft_core::testkit::Cluster;
use raft_core::{Body, Config, Message, NodeId};

fn entries_sent_to(sent: &[(raft_core::Instant, Message<u64>)], to: NodeId) -> Vec<usize> {
    sent.iter()
        .filter(|(_, m)| m.to == to)
        .filter_map(|(_, m)| match &m.body {
            Body::AppendEntries { entries, .. } => Some(entries.len()),
            _ => None,
        })
        .collect()
}

/// A 3-node cluster whose follower `slow` answers only after `delay`: its appends stay
/// in flight across several heartbeats. Returns the entries of every AppendEntries the
/// leader sent it while 200 entries waited.
fn appends_to_a_slow_follower(limit: u32) -> (Vec<usize>, Cluster<u64>, NodeId) {
    let config = Config {
        max_entries_per_append: 10,
        max_inflight_appends: limit,
        ..Config::default()
    };
    let mut c = Cluster::<u64>::new(3, config, 5);
    let leader = elect(&mut c, Duration::from_secs(1));
    let slow = c.ids().iter().copied().find(|&i| i != leader).expect("one");
    // Every message takes 60 ms: the next heartbeat (50 ms) leaves before the reply.
    c.set_latency(Duration::from_millis(60));
    for k in 0..200 {
        c.propose(leader, k).expect("leader");
    }
    let sent = run_recording(&mut c, Duration::from_secs(2), |_| {});
    (entries_sent_to(&sent, slow), c, slow)
}

#[test]
fn without_a_limit_every_heartbeat_carries_entries_answered_or_not() {
    let (sizes, _, _) = appends_to_a_slow_follower(0);
    assert!(sizes.len() > 10, "{sizes:?}");
    assert!(
        sizes.iter().all(|&n| n > 0),
        "the article's rhythm: entries with every heartbeat: {sizes:?}"
    );
}

#[test]
fn with_a_limit_of_one_a_heartbeat_waits_for_the_reply_before_sending_more() {
    let (limited, mut c, slow) = appends_to_a_slow_follower(1);
    let (unlimited, _, _) = appends_to_a_slow_follower(0);
    let carried = |v: &[usize]| v.iter().sum::<usize>();
    assert!(
        limited.contains(&0),
        "some heartbeats go out empty while an append is unanswered: {limited:?}"
    );
    assert!(
        carried(&limited) < carried(&unlimited),
        "fewer entry copies: {} against {}",
        carried(&limited),
        carried(&unlimited)
    );
    // It still catches up: flow control delays, it never starves.
    c.set_latency(Duration::from_millis(1));
    c.run_for(Duration::from_secs(5));
    let leader = c.leader().expect("leader");
    assert_eq!(
        c.node(slow).expect("up").log().last_index(),
        c.node(leader).expect("up").log().last_index()
    );
    assert_no_violations(&mut c);
}

#[test]
fn a_lost_append_does_not_stall_a_limited_follower() {
    let config = Config {
        max_inflight_appends: 1,
        ..Config::default()
    };
    let mut c = Cluster::<u64>::new(3, config, 6);
    let leader = elect(&mut c, Duration::from_secs(1));
    let f = c.ids().iter().copied().find(|&i| i != leader).expect("one");
    c.propose(leader, 1).expect("leader");
    // Lose everything the leader sends `f` for a while: its append is never answered.
    c.cut_link(leader, f);
    c.run_for(Duration::from_millis(100));
    c.heal();
    c.propose(leader, 2).expect("leader");
    c.run_for(Duration::from_secs(1));
    assert_eq!(c.node(f).expect("up").log().last_index().0, 2);
}
