//! First end-to-end checks of the core through the test harness.

use core::time::Duration;
use raft_core::testkit::Cluster;
use raft_core::{Config, NodeId, Role};

#[test]
fn five_nodes_elect_one_leader_and_commit_set_5_section_5_2_and_5_3() {
    let mut c: Cluster<u64> = Cluster::new(5, Config::default(), 7);
    assert!(c.run_until(Duration::from_secs(2), |c| c.leader().is_some()));
    let leader = c.leader().expect("leader");
    assert_eq!(c.leaders().len(), 1);
    c.propose(leader, 5).expect("leader accepts");
    c.run_for(Duration::from_millis(200));
    for id in 0..5 {
        assert_eq!(c.applied_commands(NodeId(id)), vec![5], "node {id}");
    }
    assert!(c.violations.is_empty(), "{:?}", c.violations);
    let roles: Vec<Role> = (0..5)
        .map(|i| c.node(NodeId(i)).expect("live").role())
        .collect();
    assert_eq!(roles.iter().filter(|r| **r == Role::Leader).count(), 1);
}
