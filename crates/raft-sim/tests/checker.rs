//! The checker catches what an unsafe rule breaks, and stays silent when safe.

use core::time::Duration;
use raft_sim::raft_core::{NodeId, Role, UnsafeRules};
use raft_sim::{Action, Op, Property, Record, Setup, World};

/// Three nodes. A follower F misses a committed write while crashed; then the leader
/// crashes, F returns and times out first. Only the election restriction (§5.4.1) keeps
/// F, whose log lacks the committed entry, from winning G's vote.
fn stale_candidate_scenario(rules: UnsafeRules) -> (World, NodeId) {
    let mut setup = Setup {
        nodes: 3,
        seed: 12,
        ..Setup::default()
    };
    setup.raft.unsafe_rules = rules;
    let mut w = World::new(&setup).expect("valid");
    assert!(w.run_until(Duration::from_secs(3), |w| w.leader().is_some()));
    let leader = w.leader().expect("leader");
    let f = NodeId((leader.0 + 1) % 3);
    w.apply(&Action::Crash(f)).expect("valid");
    w.apply(&Action::ClientRequest {
        op: Op::Set(5),
        to: Some(leader),
    })
    .expect("valid");
    assert!(
        w.run_until(Duration::from_secs(3), World::clients_idle),
        "set 5 commits on two of three"
    );
    w.apply(&Action::Crash(leader)).expect("valid");
    w.apply(&Action::Restart(f)).expect("valid");
    w.apply(&Action::TimeoutNow(f)).expect("valid");
    w.advance(Duration::from_millis(100));
    (w, f)
}

#[test]
fn the_election_restriction_keeps_a_stale_node_from_leading_section_5_4_1() {
    let (w, f) = stale_candidate_scenario(UnsafeRules::default());
    assert_ne!(w.node(f).map(|n| n.role()), Some(Role::Leader));
    assert_eq!(w.checker().total(), 0);
}

#[test]
fn voting_without_the_log_check_is_caught_as_a_leader_completeness_violation() {
    let rules = UnsafeRules {
        skip_log_up_to_date_check: true,
        ..UnsafeRules::default()
    };
    let (mut w, f) = stale_candidate_scenario(rules);
    assert_eq!(w.node(f).map(|n| n.role()), Some(Role::Leader));
    let v = w.checker().violations().first().copied().expect("caught");
    assert_eq!(v.property, Property::LeaderCompleteness);
    assert_eq!(v.node, f);
    assert!(v.to_string().contains("Leader Completeness"));
    // The violation is a value in the history, and the world keeps running.
    assert!(
        w.take_records()
            .iter()
            .any(|i| matches!(i.record, Record::Violation(_)))
    );
    w.advance(Duration::from_secs(1));
}

#[test]
fn a_stale_leader_overwriting_a_committed_write_loses_an_acknowledged_write() {
    let rules = UnsafeRules {
        skip_log_up_to_date_check: true,
        ..UnsafeRules::default()
    };
    let (mut w, f) = stale_candidate_scenario(rules);
    // The new leader takes a write; replicating it overwrites "set 5" on G.
    w.apply(&Action::ClientRequest {
        op: Op::Set(9),
        to: Some(f),
    })
    .expect("valid");
    w.advance(Duration::from_secs(2));
    let broken: Vec<Property> = w
        .checker()
        .violations()
        .iter()
        .map(|v| v.property)
        .collect();
    assert!(broken.contains(&Property::StateMachineSafety), "{broken:?}");
    assert!(
        broken.contains(&Property::AcknowledgedWriteKept),
        "{broken:?}"
    );
}
