//! The protocol's switches change live: `Action::SetProtocol` reaches every running
//! node and every node restarted later, is recorded, and replays like any action.

use core::time::Duration;

use raft_sim::raft_core::{Event, Instant, NodeId, Payload, Role, RoleChangeCause};
use raft_sim::{
    Action, History, Item, Op, Preset, Protocol, Record, Setup, Switch, Timeline, World,
};

fn world(nodes: usize, seed: u64) -> World {
    World::new(&Setup {
        nodes,
        seed,
        ..Setup::default()
    })
    .expect("valid setup")
}

fn elect(w: &mut World) -> NodeId {
    assert!(w.run_until(Duration::from_secs(3), |w| w.leader().is_some()));
    w.leader().expect("leader")
}

/// The elections started in `records`: (node, pre-vote round?).
fn elections(records: &[Item]) -> Vec<(NodeId, bool)> {
    records
        .iter()
        .filter_map(|i| match i.record {
            Record::Node {
                node,
                event: Event::ElectionStarted { pre_vote, .. },
            } => Some((node, pre_vote)),
            _ => None,
        })
        .collect()
}

fn pre_vote() -> Protocol {
    Protocol::default().with(Switch::PreVote, true)
}

#[test]
fn switching_on_pre_vote_mid_run_makes_the_next_election_start_with_a_pre_vote_round() {
    let mut w = world(5, 21);
    let leader = elect(&mut w);
    let first = elections(&w.take_records());
    assert!(
        !first.is_empty() && first.iter().all(|&(_, pre)| !pre),
        "Basic campaigns without pre-vote: {first:?}"
    );

    w.apply(&Action::SetProtocol(pre_vote())).expect("valid");
    w.apply(&Action::Crash(leader)).expect("valid");
    assert!(w.run_until(Duration::from_secs(3), |w| {
        w.leader().is_some_and(|l| l != leader)
    }));
    let records = w.take_records();
    let later = elections(&records);
    assert_eq!(
        later.first().map(|&(_, pre)| pre),
        Some(true),
        "the first election after the switch is a pre-vote round: {later:?}"
    );
    assert!(
        records.iter().any(|i| matches!(
            i.record,
            Record::Node {
                event: Event::RoleChanged {
                    to: Role::PreCandidate,
                    ..
                },
                ..
            }
        )),
        "a node became a pre-candidate"
    );
    assert_eq!(w.checker().total(), 0);
}

#[test]
fn every_running_node_and_every_node_restarted_later_runs_the_new_protocol() {
    let mut w = world(3, 5);
    elect(&mut w);
    let down = NodeId(2);
    w.apply(&Action::Crash(down)).expect("valid");
    let full = Preset::Full.protocol();
    w.apply(&Action::SetProtocol(full)).expect("valid");
    assert_eq!(Protocol::of(w.config()), full);
    for s in w.servers().iter().filter_map(|s| s.node()) {
        assert_eq!(Protocol::of(s.config()), full, "{:?}", s.id());
    }
    // The timing is the world's, untouched by the switches.
    assert_eq!(
        w.config().election_timeout_min,
        Duration::from_millis(150),
        "timing kept"
    );
    w.apply(&Action::Restart(down)).expect("valid");
    let restarted = w.node(down).expect("running");
    assert_eq!(Protocol::of(restarted.config()), full);
    let records = w.take_records();
    assert!(
        records
            .iter()
            .any(|i| i.record == Record::Action(Action::SetProtocol(full))),
        "the change is recorded"
    );
}

#[test]
fn check_quorum_switched_on_makes_an_isolated_leader_step_down() {
    let mut w = world(5, 8);
    let leader = elect(&mut w);
    let rest: Vec<NodeId> = w.ids().iter().copied().filter(|&i| i != leader).collect();
    w.apply(&Action::SetProtocol(
        Protocol::default().with(Switch::CheckQuorum, true),
    ))
    .expect("valid");
    w.apply(&Action::Partition(vec![vec![leader], rest]))
        .expect("valid");
    assert!(
        w.run_until(Duration::from_secs(2), |w| {
            w.node(leader).is_some_and(|n| n.role() != Role::Leader)
        }),
        "the isolated leader steps down without a majority"
    );
    assert!(w.take_records().iter().any(|i| matches!(
        i.record,
        Record::Node {
            node,
            event: Event::RoleChanged {
                cause: RoleChangeCause::QuorumLost,
                ..
            },
        } if node == leader
    )));
}

#[test]
fn a_noop_on_election_switched_on_puts_an_empty_entry_in_the_next_leaders_log() {
    let mut w = world(3, 13);
    let leader = elect(&mut w);
    let noops = |w: &World, id: NodeId| {
        w.node(id).map_or(0, |n| {
            n.log()
                .iter()
                .filter(|(_, e)| matches!(e.payload, Payload::Noop))
                .count()
        })
    };
    assert_eq!(noops(&w, leader), 0, "Basic appends nothing on election");
    w.apply(&Action::SetProtocol(
        Protocol::default().with(Switch::NoopOnElection, true),
    ))
    .expect("valid");
    w.apply(&Action::Crash(leader)).expect("valid");
    assert!(w.run_until(Duration::from_secs(3), |w| {
        w.leader().is_some_and(|l| l != leader)
    }));
    let next = w.leader().expect("leader");
    assert_eq!(noops(&w, next), 1);
}

/// What a viewer sees of a world, compared across runs.
fn fingerprint(w: &World) -> String {
    let mut s = format!("t={} steps={} ", w.now().as_micros(), w.steps());
    for srv in w.servers() {
        match srv.node() {
            Some(n) => {
                s += &format!(
                    "[{} {:?} {} {:?} {} {} v={} {:?}] ",
                    srv.name(),
                    n.role(),
                    n.term().0,
                    n.voted_for(),
                    n.log().last_index().0,
                    n.commit_index().0,
                    srv.machine().value(),
                    Protocol::of(n.config()),
                )
            }
            None => s += &format!("[{} down] ", srv.name()),
        }
    }
    s
}

fn records(h: &History) -> Vec<Item> {
    h.iter().cloned().collect()
}

#[test]
fn replaying_a_run_with_set_protocol_reproduces_it_exactly() {
    let setup = Setup {
        seed: 31,
        ..Setup::default()
    };
    let mut t = Timeline::new(&setup).expect("valid");
    t.advance_to(Instant::from_millis(700));
    t.act(Action::SetProtocol(Preset::Full.protocol()))
        .expect("valid");
    for i in 0..6u64 {
        t.advance_to(Instant::from_millis(900 + i * 250));
        t.act(Action::ClientRequest {
            op: Op::Add(1),
            to: None,
        })
        .expect("valid");
        if i == 2 {
            let leader = t.world().leader().unwrap_or(NodeId(0));
            t.act(Action::Crash(leader)).expect("valid");
        }
    }
    t.advance_to(Instant::from_millis(2_400));
    t.act(Action::SetProtocol(pre_vote())).expect("valid");
    t.advance_to(Instant::from_millis(4_000));

    let (again, refused) =
        Timeline::replay(&setup, t.actions(), Instant::from_millis(4_000)).expect("valid");
    assert_eq!(refused, 0);
    assert_eq!(fingerprint(again.world()), fingerprint(t.world()));
    assert_eq!(records(again.history()), records(t.history()));
    assert_eq!(Protocol::of(again.world().config()), pre_vote());
}

#[test]
fn seeking_to_before_the_change_shows_the_protocol_in_force_then() {
    let mut t = Timeline::new(&Setup {
        seed: 4,
        ..Setup::default()
    })
    .expect("valid");
    t.advance_to(Instant::from_millis(500));
    t.act(Action::SetProtocol(Preset::Unsafe.protocol()))
        .expect("valid");
    t.advance_to(Instant::from_millis(1_500));
    assert_eq!(
        Protocol::of(t.world().config()).preset(),
        Some(Preset::Unsafe)
    );
    t.seek(Instant::from_millis(300));
    assert_eq!(Protocol::of(t.world().config()), Protocol::default());
    for s in t.world().servers().iter().filter_map(|s| s.node()) {
        assert_eq!(Protocol::of(s.config()), Protocol::default());
    }
    t.seek(Instant::from_millis(1_000));
    assert_eq!(Protocol::of(t.world().config()), Preset::Unsafe.protocol());
}

#[test]
fn set_protocol_reaches_running_nodes_with_single_server_changes_and_the_threshold() {
    let mut w = world(3, 17);
    elect(&mut w);
    for s in w.servers().iter().filter_map(|s| s.node()) {
        assert!(
            s.config().joint_consensus,
            "Basic: the paper's joint consensus"
        );
        assert_eq!(s.config().snapshot_threshold, 0, "Basic never compacts");
    }
    let p = Protocol::default()
        .with(Switch::SingleServer, true)
        .with(Switch::TwoChanges, true)
        .with(Switch::SnapshotDropsLog, true)
        .with_snapshot_every(20);
    w.apply(&Action::SetProtocol(p)).expect("valid");
    for s in w.servers().iter().filter_map(|s| s.node()) {
        let c = s.config();
        assert!(!c.joint_consensus, "{:?}", s.id());
        assert_eq!(c.snapshot_threshold, 20);
        assert!(c.unsafe_rules.unchecked_membership_changes);
        assert!(c.unsafe_rules.snapshot_discards_log_suffix);
        assert_eq!(Protocol::of(c), p);
    }
    // And back: every switch off is the paper's Raft again.
    w.apply(&Action::SetProtocol(Protocol::default()))
        .expect("valid");
    for s in w.servers().iter().filter_map(|s| s.node()) {
        assert!(s.config().joint_consensus);
        assert_eq!(s.config().snapshot_threshold, 0);
        assert!(!s.config().unsafe_rules.any());
    }
}

#[test]
fn under_full_the_leader_compacts_after_the_no_op_and_seven_writes() {
    // Why FULL_SNAPSHOT_EVERY is 8: a reader's handful of writes makes the leader take
    // a snapshot within a few virtual seconds, a minute of the sandbox at 1/15 speed.
    let mut setup = Setup {
        nodes: 5,
        seed: 3,
        ..Setup::default()
    };
    Preset::Full.protocol().apply_to(&mut setup.raft);
    let mut w = World::new(&setup).expect("valid setup");
    let leader = elect(&mut w);
    let start = w.now();
    let compacted = |w: &World| {
        w.node(leader)
            .is_some_and(|n| n.log().snapshot_index().0 >= 8)
    };
    for i in 0..7 {
        assert!(!compacted(&w), "not compacted after {i} writes");
        w.apply(&Action::ClientRequest {
            op: Op::Set(i),
            to: Some(leader),
        })
        .expect("valid");
        assert!(w.run_until(Duration::from_secs(2), World::clients_idle));
    }
    assert!(w.run_until(Duration::from_millis(200), compacted));
    let took = w.now().as_micros() - start.as_micros();
    assert!(
        took < 4_000_000,
        "{took} µs of virtual time: over a minute at 1/15 speed"
    );
    assert_eq!(raft_sim::FULL_SNAPSHOT_EVERY, 8);
}
