//! The world runs a real cluster: election, a client write, faults, determinism.

use core::time::Duration;
use raft_sim::raft_core::{NodeId, Role};
use raft_sim::{Action, NetworkSettings, Op, Record, Setup, World};

fn world(seed: u64) -> World {
    World::new(&Setup {
        seed,
        ..Setup::default()
    })
    .expect("valid setup")
}

#[test]
fn five_nodes_elect_a_leader_and_set_5_reaches_every_value_article_log_replication() {
    let mut w = world(3);
    assert!(w.run_until(Duration::from_secs(2), |w| w.leader().is_some()));
    w.apply(&Action::ClientRequest {
        op: Op::Set(5),
        to: None,
    })
    .expect("valid");
    assert!(w.run_until(Duration::from_secs(3), |w| {
        w.servers().iter().all(|s| s.machine().value() == 5)
    }));
    assert_eq!(w.clients()[0].completed_count(), 1);
    assert_eq!(w.checker().total(), 0, "{:?}", w.checker().violations());
}

#[test]
fn same_seed_same_history_different_seed_different_history() {
    let run = |seed| {
        let mut w = world(seed);
        w.advance(Duration::from_millis(500));
        w.apply(&Action::ClientRequest {
            op: Op::Add(2),
            to: Some(NodeId(1)),
        })
        .expect("valid");
        w.advance(Duration::from_secs(2));
        w.take_records()
    };
    assert_eq!(run(11), run(11));
    assert_ne!(run(11), run(12));
}

#[test]
fn crashing_the_leader_elects_another_in_a_higher_term_section_5_2() {
    let mut w = world(5);
    assert!(w.run_until(Duration::from_secs(2), |w| w.leader().is_some()));
    let old = w.leader().expect("leader");
    let old_term = w.node(old).expect("up").term();
    w.apply(&Action::Crash(old)).expect("valid");
    assert!(w.run_until(Duration::from_secs(3), |w| {
        w.leader().is_some_and(|l| l != old)
    }));
    let new = w.leader().expect("leader");
    assert!(w.node(new).expect("up").term() > old_term);
    w.apply(&Action::Restart(old)).expect("valid");
    w.advance(Duration::from_secs(1));
    assert_eq!(w.node(old).expect("up").role(), Role::Follower);
    assert_eq!(w.checker().total(), 0);
}

#[test]
fn lossy_network_still_commits_and_records_drops() {
    let mut w = world(9);
    w.apply(&Action::SetNetwork(NetworkSettings {
        loss_ppm: 100_000,
        duplicate_ppm: 50_000,
        reorder_ppm: 50_000,
        ..NetworkSettings::default()
    }))
    .expect("valid");
    for i in 0..20 {
        w.apply(&Action::ClientRequest {
            op: Op::Add(1),
            to: None,
        })
        .expect("valid");
        w.advance(Duration::from_millis(300 + i));
    }
    // Every write answered, then every node applies all twenty.
    assert!(w.run_until(Duration::from_secs(30), World::clients_idle));
    assert_eq!(w.clients()[0].completed_count(), 20);
    assert!(w.run_until(Duration::from_secs(5), |w| {
        w.servers().iter().all(|s| s.machine().value() == 20)
    }));
    let drops = w
        .take_records()
        .iter()
        .filter(|i| matches!(i.record, Record::Dropped { .. }))
        .count();
    assert!(drops > 0);
    assert_eq!(w.checker().total(), 0, "{:?}", w.checker().violations());
}

#[test]
fn nodes_are_named_by_letters_as_in_the_article() {
    use raft_sim::node_name;
    let names: Vec<String> = (0..5).map(|i| node_name(NodeId(i))).collect();
    assert_eq!(names, ["A", "B", "C", "D", "E"]);
    assert_eq!(node_name(NodeId(25)), "Z");
    assert_eq!(node_name(NodeId(26)), "AA");
    assert_eq!(node_name(NodeId(27)), "AB");
    assert_eq!(node_name(NodeId(26 + 26 * 26)), "AAA");
}
