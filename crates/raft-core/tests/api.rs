//! API conveniences behave exactly like their one-at-a-time counterparts.

use core::time::Duration;
use raft_core::testkit::Cluster;
use raft_core::{Config, Instant, Node, NodeId, Payload, Ready};

#[test]
fn propose_many_appends_and_commits_like_repeated_propose_section_5_3() {
    let mut c: Cluster<u64> = Cluster::new(3, Config::default(), 5);
    assert!(c.run_until(Duration::from_secs(2), |c| c.leader().is_some()));
    let leader = c.leader().expect("leader");
    c.propose(leader, 1).expect("accepted");
    // Through the node directly: three commands in one call.
    let mut node = c.node(leader).expect("up").clone();
    let before = node.log().last_index();
    let last = node
        .propose_many(Instant::from_millis(10_000), [7, 8, 9])
        .expect("leader");
    assert_eq!(last.0, before.0 + 3);
    let cmds: Vec<u64> = node
        .log()
        .iter()
        .filter_map(|(_, e)| match e.payload {
            Payload::Command(x) => Some(x),
            Payload::Noop | Payload::Config(_) => None,
        })
        .collect();
    assert_eq!(cmds, vec![1, 7, 8, 9]);
    let ready = node.take_ready();
    assert_eq!(
        ready.persist.len(),
        1,
        "one persist operation for the batch"
    );
    // An empty batch changes nothing.
    assert_eq!(
        node.propose_many(Instant::from_millis(10_000), [])
            .expect("leader"),
        last
    );
    assert!(!node.has_ready());
}

#[test]
fn propose_many_is_refused_by_a_follower() {
    let ids = [NodeId(0), NodeId(1), NodeId(2)];
    let mut n: Node<u64> =
        Node::new(NodeId(0), &ids, Config::default(), 1, Instant::ZERO).expect("valid");
    assert!(n.propose_many(Instant::ZERO, [1, 2]).is_err());
    assert!(n.log().is_empty());
}

#[test]
fn take_ready_into_gives_the_same_outputs_and_clears_old_ones() {
    let ids = [NodeId(0), NodeId(1), NodeId(2)];
    let mk =
        || Node::<u64>::new(NodeId(0), &ids, Config::default(), 9, Instant::ZERO).expect("valid");
    let (mut a, mut b) = (mk(), mk());
    a.handle_timeout(Instant::from_millis(400));
    b.handle_timeout(Instant::from_millis(400));
    let plain = a.take_ready();
    let mut reused: Ready<u64> = Ready::default();
    // Leftovers from an earlier round must not survive.
    reused.events.push(raft_core::Event::CommitAdvanced {
        from: raft_core::LogIndex(0),
        to: raft_core::LogIndex(0),
        basis: raft_core::CommitBasis::Snapshot,
    });
    b.take_ready_into(&mut reused);
    assert_eq!(plain.messages, reused.messages);
    assert_eq!(plain.persist, reused.persist);
    assert_eq!(plain.events, reused.events);
    assert!(!plain.messages.is_empty());
    assert!(!b.has_ready());
}
