//! The simulated network and faults behave as a user would expect.

use core::time::Duration;
use raft_sim::raft_core::{Instant, NodeId, Role};
use raft_sim::{
    Action, ActionError, DropReason, Endpoint, MsgId, NetworkSettings, Op, Packet, Record, Reply,
    Setup, World,
};

fn world(nodes: usize, seed: u64) -> World {
    World::new(&Setup {
        nodes,
        seed,
        ..Setup::default()
    })
    .expect("valid setup")
}

/// A server other than `leader`.
fn some_follower(w: &World, leader: NodeId) -> NodeId {
    w.ids()
        .iter()
        .copied()
        .find(|&i| i != leader)
        .expect("follower")
}

fn elect(w: &mut World) -> NodeId {
    assert!(w.run_until(Duration::from_secs(3), |w| w.leader().is_some()));
    w.leader().expect("leader")
}

#[test]
fn messages_take_between_min_and_max_latency_and_are_followed_to_delivery() {
    let mut w = world(3, 1);
    w.advance(Duration::from_secs(1));
    let records = w.take_records();
    let mut checked = 0;
    for item in &records {
        if let Record::Sent { id, arrive_at, .. } = item.record {
            let latency = arrive_at.since(item.at);
            assert!(latency >= Duration::from_millis(10) && latency <= Duration::from_millis(20));
            if let Some(d) = records
                .iter()
                .find(|i| matches!(i.record, Record::Delivered { id: x } if x == id))
            {
                assert_eq!(d.at, arrive_at);
                checked += 1;
            }
        }
    }
    assert!(checked > 20);
}

#[test]
fn flights_interpolate_from_send_to_arrival() {
    let mut w = world(3, 2);
    w.run_until(Duration::from_secs(2), |w| w.flights().next().is_some());
    let f = w.flights().next().expect("a message in flight").clone();
    assert_eq!(f.progress_at(f.sent_at), 0.0);
    assert_eq!(f.progress_at(f.arrive_at), 1.0);
    let mid = Instant::from_micros((f.sent_at.as_micros() + f.arrive_at.as_micros()) / 2);
    assert!((f.progress_at(mid) - 0.5).abs() < 0.01);
}

#[test]
fn a_minority_partition_cannot_elect_or_commit_and_healing_converges_section_5_2() {
    let mut w = world(5, 3);
    let leader = elect(&mut w);
    let others: Vec<NodeId> = w.ids().iter().copied().filter(|&i| i != leader).collect();
    // The leader and one follower on one side, three on the other.
    let minority = vec![leader, others[0]];
    let majority = others[1..].to_vec();
    w.apply(&Action::Partition(vec![minority.clone(), majority.clone()]))
        .expect("valid");
    w.apply(&Action::ClientRequest {
        op: Op::Set(7),
        to: Some(leader),
    })
    .expect("valid");
    w.advance(Duration::from_secs(3));
    // The old leader still thinks it leads but cannot commit set 7.
    let old = w.node(leader).expect("up");
    assert_eq!(old.role(), Role::Leader);
    assert!(
        w.servers()
            .iter()
            .all(|s| s.machine().value() != 7 || majority.contains(&s.id()))
    );
    let new_leader = w.leader().expect("the majority elected a leader");
    assert!(majority.contains(&new_leader));
    w.apply(&Action::Heal).expect("valid");
    assert!(w.run_until(Duration::from_secs(10), |w| w.is_converged()
        && w.clients_idle()));
    assert_eq!(w.checker().total(), 0);
}

#[test]
fn a_one_way_cut_drops_only_that_direction() {
    let mut w = world(3, 4);
    elect(&mut w);
    w.take_records();
    w.apply(&Action::CutLink {
        from: NodeId(0),
        to: NodeId(1),
        both: false,
    })
    .expect("valid");
    w.advance(Duration::from_secs(1));
    let records = w.take_records();
    let sent: Vec<_> = records
        .iter()
        .filter_map(|i| match i.record {
            Record::Sent {
                id,
                from: Endpoint::Node(f),
                to: Endpoint::Node(t),
                ..
            } => Some((id, f, t)),
            _ => None,
        })
        .collect();
    let dropped = |id: MsgId| {
        records
            .iter()
            .any(|i| matches!(i.record, Record::Dropped { id: x, reason: DropReason::LinkCut } if x == id))
    };
    for (id, f, t) in sent {
        if (f, t) == (NodeId(0), NodeId(1)) {
            assert!(dropped(id), "0→1 must be cut");
        } else if (f, t) == (NodeId(1), NodeId(0)) {
            assert!(!dropped(id), "1→0 still works");
        }
    }
}

#[test]
fn dropping_a_message_by_id_removes_it_and_says_why() {
    let mut w = world(3, 5);
    w.run_until(Duration::from_secs(2), |w| w.flights().next().is_some());
    let id = w.flights().next().expect("in flight").id;
    w.apply(&Action::DropMessage(id)).expect("valid");
    assert!(w.flight(id).is_none());
    assert_eq!(
        w.apply(&Action::DropMessage(id)),
        Err(ActionError::NoSuchMessage(id))
    );
    assert!(w.take_records().iter().any(|i| matches!(
        i.record,
        Record::Dropped { id: x, reason: DropReason::DroppedByUser } if x == id
    )));
}

#[test]
fn a_crashed_node_drops_arrivals_and_restarts_with_its_persistent_state() {
    let mut w = world(3, 6);
    let leader = elect(&mut w);
    w.apply(&Action::ClientRequest {
        op: Op::Set(5),
        to: Some(leader),
    })
    .expect("valid");
    assert!(w.run_until(Duration::from_secs(2), World::clients_idle));
    let follower = some_follower(&w, leader);
    let term = w.node(follower).expect("up").term();
    w.apply(&Action::Crash(follower)).expect("valid");
    assert_eq!(
        w.apply(&Action::Crash(follower)),
        Err(ActionError::NodeDown(follower))
    );
    w.advance(Duration::from_millis(200));
    assert!(w.take_records().iter().any(|i| matches!(
        i.record,
        Record::Dropped {
            reason: DropReason::ReceiverDown,
            ..
        }
    )));
    w.apply(&Action::Restart(follower)).expect("valid");
    let n = w.node(follower).expect("restarted");
    assert_eq!(n.term(), term, "term survives a crash");
    assert_eq!(n.log().last_index().0, 1, "the log survives a crash");
    assert_eq!(n.commit_index().0, 0, "the commit index does not");
    assert_eq!(w.server(follower).expect("exists").machine().value(), 0);
    assert!(w.run_until(Duration::from_secs(2), |w| {
        w.server(follower).is_some_and(|s| s.machine().value() == 5)
    }));
}

#[test]
fn a_follower_redirects_the_client_to_the_leader() {
    let mut w = world(5, 7);
    let leader = elect(&mut w);
    let follower = some_follower(&w, leader);
    w.advance(Duration::from_millis(200));
    w.take_records();
    w.apply(&Action::ClientRequest {
        op: Op::Set(5),
        to: Some(follower),
    })
    .expect("valid");
    assert!(w.run_until(Duration::from_secs(2), World::clients_idle));
    let records = w.take_records();
    let redirected = records.iter().any(|i| matches!(
        i.record,
        Record::Sent { packet: raft_sim::network::PacketSummary::Reply { reply: Reply::NotLeader { leader: Some(l) }, .. }, .. } if l == leader
    ));
    assert!(redirected, "the follower names the leader");
    let sent_to_leader = records
        .iter()
        .any(|i| matches!(i.record, Record::ClientSent { to, retry: true, .. } if to == leader));
    assert!(sent_to_leader);
    assert_eq!(w.clients()[0].last_completed().map(|c| c.value), Some(5));
}

#[test]
fn a_lost_reply_is_retried_and_applied_once_section_8() {
    let mut w = world(3, 8);
    let leader = elect(&mut w);
    w.apply(&Action::ClientRequest {
        op: Op::Add(5),
        to: Some(leader),
    })
    .expect("valid");
    // Drop the first reply to the client as soon as it is sent.
    let mut dropped = false;
    while !dropped {
        w.step();
        let reply = w
            .flights()
            .find(|f| matches!(f.packet, Packet::Reply { .. }))
            .map(|f| f.id);
        if let Some(id) = reply {
            w.apply(&Action::DropMessage(id)).expect("valid");
            dropped = true;
        }
    }
    assert!(w.run_until(Duration::from_secs(3), World::clients_idle));
    assert!(w.run_until(Duration::from_secs(1), |w| {
        w.servers().iter().all(|s| s.machine().value() == 5)
    }));
    assert_eq!(w.clients()[0].completed_count(), 1);
}

#[test]
fn bad_actions_are_refused_without_changing_anything() {
    let mut w = world(3, 9);
    let steps = w.steps();
    assert_eq!(
        w.apply(&Action::Crash(NodeId(7))),
        Err(ActionError::NoSuchNode(NodeId(7)))
    );
    assert_eq!(
        w.apply(&Action::Restart(NodeId(1))),
        Err(ActionError::NodeUp(NodeId(1)))
    );
    assert_eq!(
        w.apply(&Action::SetNetwork(NetworkSettings {
            loss_ppm: 2_000_000,
            ..NetworkSettings::default()
        })),
        Err(ActionError::BadSettings)
    );
    assert_eq!(
        w.apply(&Action::SetElectionTimeout {
            min: Duration::from_millis(300),
            max: Duration::from_millis(100)
        }),
        Err(ActionError::BadSettings)
    );
    assert_eq!(w.steps(), steps);
    assert!(w.take_records().is_empty());
    let leader = elect(&mut w);
    assert_eq!(
        w.apply(&Action::TimeoutNow(leader)),
        Err(ActionError::IsLeader(leader))
    );
}

#[test]
fn duplication_delivers_copies_that_raft_tolerates() {
    let mut w = world(3, 10);
    w.apply(&Action::SetNetwork(NetworkSettings {
        duplicate_ppm: 500_000,
        ..NetworkSettings::default()
    }))
    .expect("valid");
    for i in 0..5 {
        w.apply(&Action::ClientRequest {
            op: Op::Add(i),
            to: None,
        })
        .expect("valid");
    }
    assert!(w.run_until(Duration::from_secs(10), World::clients_idle));
    let dups = w
        .take_records()
        .iter()
        .filter(|i| {
            matches!(
                i.record,
                Record::Sent {
                    duplicate: true,
                    ..
                }
            )
        })
        .count();
    assert!(dups > 10);
    assert!(w.run_until(Duration::from_secs(1), |w| {
        w.servers().iter().all(|s| s.machine().value() == 10)
    }));
    assert_eq!(w.checker().total(), 0);
}

/// `check` answers what `apply` would, without changing anything: the page asks it
/// before leaving the tour for an action, so a refused action keeps the reader's place.
#[test]
fn check_answers_as_apply_would_and_changes_nothing() {
    let mut w = world(3, 4);
    let leader = elect(&mut w);
    let follower = some_follower(&w, leader);
    w.apply(&Action::Crash(follower)).expect("valid");
    let actions = [
        Action::Crash(follower),
        Action::Restart(follower),
        Action::Restart(leader),
        Action::TimeoutNow(leader),
        Action::TimeoutNow(follower),
        Action::Crash(NodeId(7)),
        Action::Partition(vec![vec![leader], vec![NodeId(9)]]),
        Action::SetElectionTimeout {
            min: Duration::from_millis(300),
            max: Duration::from_millis(100),
        },
        Action::Heal,
        Action::SetProtocol(raft_sim::Preset::Full.protocol()),
        Action::Crash(leader),
    ];
    w.take_records();
    for action in &actions {
        let before = format!("{w:?}");
        let checked = w.check(action);
        assert_eq!(
            format!("{w:?}"),
            before,
            "check changed the world: {action:?}"
        );
        let mut copy = w.snapshot();
        assert_eq!(copy.apply(action), checked, "{action:?}");
    }
    assert_eq!(
        w.check(&Action::Crash(follower)),
        Err(ActionError::NodeDown(follower))
    );
    assert!(w.check(&Action::Crash(leader)).is_ok());
}
