//! §7 of the Raft paper, "Log compaction", and Figure 13 (InstallSnapshot).
//!
//! "Each server takes snapshots independently, covering just the committed entries in
//! its log. [...] the snapshot also includes the last included index [...] and the last
//! included term [...] To enable cluster membership changes, the snapshot also includes
//! the latest configuration in the log as of last included index." The leader "must
//! occasionally send snapshots to followers that lag behind", in chunks; the follower
//! keeps the entries after the snapshot if its log holds the snapshot's last entry, and
//! otherwise discards its whole log.
//!
//! The cluster tests port the snapshot tests of MIT 6.824's Raft lab (2D): SnapshotBasic,
//! SnapshotInstall, SnapshotInstallUnreliable, SnapshotInstallCrash,
//! SnapshotInstallUnCrash, SnapshotAllCrash and SnapshotInit. The harness's state
//! machine is a digest of every applied entry, so "servers agree" means equal digests.

mod common;

use core::time::Duration;

use common::*;
use raft_core::testkit::{Cluster, Machine};
use raft_core::{
    Body, Config, Event, LogIndex, Membership, Message, NodeId, PersistOp, Rng, Role, Snapshot,
    SnapshotChunk, SnapshotError, Term,
};

const SECOND: Duration = Duration::from_secs(1);
const THRESHOLD: u64 = 10;

fn config() -> Config {
    Config {
        snapshot_threshold: THRESHOLD,
        snapshot_chunk_bytes: 5,
        ..Config::default()
    }
}

/// Proposes `n` commands to the current leader (electing one if needed), one at a time
/// and waiting for each to commit, like the lab's `one()`.
fn write(c: &mut Cluster<u64>, n: u64, from: u64) {
    for k in 0..n {
        let mut done = false;
        for _ in 0..20 {
            let Some(leader) = c.leader() else {
                c.run_for(SECOND / 2);
                continue;
            };
            if let Ok(index) = c.propose(leader, from + k)
                && c.run_until(SECOND, |c| {
                    c.node(leader)
                        .is_some_and(|n| n.commit_index() >= index && n.role() == Role::Leader)
                })
            {
                done = true;
                break;
            }
        }
        assert!(done, "command {} never committed", from + k);
    }
}

/// The harness's state machines of the live nodes agree wherever they applied the same
/// index, and every live node reached `at_least`.
fn machines_agree(c: &Cluster<u64>, at_least: LogIndex) {
    let machines: Vec<(NodeId, Machine)> = c
        .ids()
        .iter()
        .filter(|&&id| c.node(id).is_some())
        .filter_map(|&id| c.machine(id).map(|m| (id, m)))
        .collect();
    for (id, m) in &machines {
        assert!(
            m.last_applied >= at_least,
            "{id} applied only up to {}",
            m.last_applied
        );
    }
    let top = machines.iter().map(|(_, m)| m.last_applied).min();
    if let Some(top) = top {
        let same: Vec<_> = machines
            .iter()
            .filter(|(_, m)| m.last_applied == top)
            .map(|(_, m)| m.digest)
            .collect();
        assert!(
            same.windows(2).all(|w| w[0] == w[1]),
            "state machines differ"
        );
    }
}

/// No log holds more than the threshold plus what is still in flight.
fn logs_bounded(c: &Cluster<u64>, slack: usize) {
    for &id in c.ids() {
        if let Some(n) = c.node(id) {
            assert!(
                n.log().len() <= THRESHOLD as usize + slack,
                "{id}'s log holds {} entries",
                n.log().len()
            );
        }
    }
}

fn installs(c: &Cluster<u64>, id: NodeId) -> usize {
    c.events
        .iter()
        .filter(|(_, n, e)| *n == id && matches!(e, Event::SnapshotInstalled { .. }))
        .count()
}

/// Drops about one message in `one_in` at random (the lab's unreliable network).
fn unreliable(c: &mut Cluster<u64>, rng: &mut Rng, one_in: u64) {
    c.drop_where(|_| rng.in_range(0, one_in) == 0);
}

#[test]
fn snapshot_basic_logs_stay_bounded_and_servers_agree_6824_2d() {
    let mut c = Cluster::<u64>::new(3, config(), 11);
    elect(&mut c, SECOND);
    write(&mut c, 60, 0);
    c.run_for(SECOND);
    logs_bounded(&c, 2);
    machines_agree(&c, LogIndex(60));
    for &id in c.ids() {
        let n = c.node(id).expect("up");
        assert!(n.snapshot().is_some(), "{id} took snapshots");
        assert!(n.log().snapshot_index() >= LogIndex(50));
    }
    assert_no_violations(&mut c);
}

#[test]
fn snapshot_install_a_follower_behind_the_leaders_snapshot_gets_it_6824_2d() {
    let mut c = Cluster::<u64>::new(3, config(), 12);
    let leader = elect(&mut c, SECOND);
    let behind = c.ids().iter().copied().find(|&i| i != leader).expect("one");
    let ids = c.ids().to_vec();
    let rest: Vec<NodeId> = ids.iter().copied().filter(|&i| i != behind).collect();
    c.partition(&[&rest, &[behind]]);
    write(&mut c, 35, 0);
    let l = c.leader().expect("leader");
    assert!(
        c.node(l).expect("up").log().snapshot_index()
            > c.node(behind).expect("up").log().last_index(),
        "the leader compacted past the follower's log"
    );
    c.heal();
    write(&mut c, 1, 100);
    c.run_for(SECOND);
    assert!(installs(&c, behind) >= 1, "it received InstallSnapshot");
    machines_agree(&c, LogIndex(36));
    logs_bounded(&c, 2);
    assert_no_violations(&mut c);
}

#[test]
fn snapshot_install_unreliable_loses_no_chunk_for_good_6824_2d() {
    let mut c = Cluster::<u64>::new(3, config(), 13);
    let mut rng = Rng::new(5);
    let leader = elect(&mut c, SECOND);
    let behind = c.ids().iter().copied().find(|&i| i != leader).expect("one");
    for round in 0..4 {
        c.crash(behind);
        for k in 0..25 {
            let Some(l) = c.leader() else {
                c.run_for(SECOND / 2);
                continue;
            };
            let _ = c.propose(l, round * 1000 + k);
            for _ in 0..30 {
                c.step_next();
                unreliable(&mut c, &mut rng, 10);
            }
        }
        c.restart(behind);
        let end = c.now().after(2 * SECOND);
        while c.now() < end {
            c.step_next();
            unreliable(&mut c, &mut rng, 10);
        }
    }
    c.run_for(2 * SECOND);
    write(&mut c, 1, 9999);
    c.run_for(SECOND);
    let top = c
        .leader()
        .and_then(|l| c.node(l))
        .map(|n| n.commit_index())
        .expect("a leader");
    machines_agree(&c, top);
    assert!(installs(&c, behind) >= 1);
    assert_no_violations(&mut c);
}

#[test]
fn snapshot_install_crash_a_restarted_follower_catches_up_from_a_snapshot_6824_2d() {
    for unreliable_net in [false, true] {
        let mut c = Cluster::<u64>::new(5, config(), 14);
        let mut rng = Rng::new(9);
        elect(&mut c, SECOND);
        for round in 0..3u64 {
            let leader = c.leader().expect("leader");
            let victim = c.ids().iter().copied().find(|&i| i != leader).expect("one");
            c.crash(victim);
            write(&mut c, 25, round * 100);
            if unreliable_net {
                for _ in 0..200 {
                    c.step_next();
                    unreliable(&mut c, &mut rng, 8);
                }
            }
            c.restart(victim);
            write(&mut c, 1, round * 100 + 99);
            c.run_for(SECOND);
            assert!(
                installs(&c, victim) >= 1,
                "round {round}, unreliable {unreliable_net}: {victim} installed a snapshot"
            );
        }
        let top = c
            .leader()
            .and_then(|l| c.node(l))
            .map(|n| n.commit_index())
            .expect("leader");
        machines_agree(&c, top);
        logs_bounded(&c, 3);
        assert_no_violations(&mut c);
    }
}

#[test]
fn snapshot_all_crash_servers_restart_from_their_snapshots_not_from_index_1_6824_2d() {
    let mut c = Cluster::<u64>::new(3, config(), 15);
    elect(&mut c, SECOND);
    for round in 0..4u64 {
        write(&mut c, 15, round * 100);
        let ids = c.ids().to_vec();
        let snaps: Vec<LogIndex> = ids
            .iter()
            .map(|&id| c.node(id).expect("up").log().snapshot_index())
            .collect();
        for &id in &ids {
            c.crash(id);
        }
        for (&id, &snap) in ids.iter().zip(&snaps) {
            c.restart(id);
            let n = c.node(id).expect("restarted");
            assert_eq!(
                n.commit_index(),
                snap,
                "round {round}: {id} restarts at its snapshot"
            );
            assert_eq!(
                c.machine(id).map(|m| m.last_applied),
                Some(snap),
                "its state machine comes back from the snapshot"
            );
        }
        elect(&mut c, 2 * SECOND);
        write(&mut c, 1, round * 100 + 50);
        // A restarted server never applies an entry the snapshot already holds: the
        // harness records a violation if it applies out of order or twice.
        for &id in &ids {
            assert!(
                c.applied(id).iter().all(|a| a.index > snaps[id.0 as usize]),
                "{id} applied again from before its snapshot"
            );
        }
    }
    let top = c
        .leader()
        .and_then(|l| c.node(l))
        .map(|n| n.commit_index())
        .expect("leader");
    c.run_for(SECOND);
    machines_agree(&c, top);
    assert_no_violations(&mut c);
}

#[test]
fn snapshot_init_a_restarted_server_can_snapshot_again_at_once_6824_2d() {
    let mut c = Cluster::<u64>::new(3, config(), 16);
    elect(&mut c, SECOND);
    write(&mut c, THRESHOLD + 1, 0);
    let ids = c.ids().to_vec();
    for &id in &ids {
        c.crash(id);
    }
    for &id in &ids {
        c.restart(id);
    }
    elect(&mut c, 2 * SECOND);
    write(&mut c, 1, 500);
    // Snapshot on request right after the restart, then crash and restart again.
    for &id in &ids {
        let applied = c.machine(id).map(|m| m.last_applied);
        match c.snapshot(id) {
            Ok(()) | Err(SnapshotError::AlreadyCompacted(_)) => {}
            Err(e) => panic!("{id} at {applied:?}: {e}"),
        }
    }
    for &id in &ids {
        c.crash(id);
        c.restart(id);
    }
    elect(&mut c, 2 * SECOND);
    write(&mut c, 1, 501);
    c.run_for(SECOND);
    machines_agree(&c, LogIndex(THRESHOLD + 3));
    assert_no_violations(&mut c);
}

#[test]
fn a_snapshot_records_the_last_index_term_and_configuration_section_7() {
    let mut c = Cluster::<u64>::new(3, Config::default(), 17);
    let leader = elect(&mut c, SECOND);
    write(&mut c, 4, 0);
    let n = c.node(leader).expect("up");
    let term = n.term();
    let applied = c.machine(leader).expect("up").last_applied;
    c.snapshot(leader).expect("compacted");
    let n = c.node(leader).expect("up");
    let snap = n.snapshot().expect("taken");
    assert_eq!(snap.last_index, applied);
    assert_eq!(snap.last_term, term);
    assert_eq!(snap.membership.voters(), &ids(3)[..]);
    assert_eq!(Machine::decode(&snap.data), c.machine(leader));
    assert!(
        n.log().is_empty(),
        "every committed entry is in the snapshot"
    );
    assert_eq!(n.log().last_index(), applied);
    // Storage rebuilt from the persist operations holds the same.
    assert_eq!(c.storage(leader), Some(n.persistent()));
}

#[test]
fn only_committed_entries_are_compacted_section_7() {
    let mut n = leader(0, 3, 2, &[1, 2], ms(0));
    n.propose(ms(1), 9).expect("leader");
    assert_eq!(n.commit_index(), LogIndex(0));
    assert_eq!(
        n.compact(ms(2), LogIndex(1), vec![1]),
        Err(SnapshotError::NotCommitted(LogIndex(1)))
    );
    // Once a majority has entry 3 (of this term), everything up to it commits.
    n.step(ms(3), append_ok(1, 0, 2, 3)).expect("ack");
    assert_eq!(n.commit_index(), LogIndex(3));
    n.compact(ms(4), LogIndex(2), vec![7]).expect("committed");
    assert_eq!(n.log().first_index(), LogIndex(3), "entry 3 stays");
    assert_eq!(
        n.compact(ms(5), LogIndex(2), vec![7]),
        Err(SnapshotError::AlreadyCompacted(LogIndex(2)))
    );
    let ready = n.take_ready();
    assert!(
        ready
            .persist
            .contains(&PersistOp::SaveSnapshot(LogIndex(2)))
    );
}

fn chunk(last_index: u64, last_term: u64, offset: u64, data: &[u8], done: bool) -> Body<u64> {
    Body::InstallSnapshot(Box::new(SnapshotChunk {
        last_index: LogIndex(last_index),
        last_term: Term(last_term),
        membership: Membership::new(NodeId(0), &ids(3)).expect("valid"),
        offset,
        data: data.to_vec(),
        done,
    }))
}

fn msg(from: u32, to: u32, term: u64, body: Body<u64>) -> Message<u64> {
    Message {
        from: NodeId(from),
        to: NodeId(to),
        term: Term(term),
        body,
    }
}

fn snapshot_replies(ready_messages: &[Message<u64>]) -> Vec<(u64, bool)> {
    ready_messages
        .iter()
        .filter_map(|m| match m.body {
            Body::InstallSnapshotResponse { received, done, .. } => Some((received, done)),
            _ => None,
        })
        .collect()
}

#[test]
fn install_snapshot_takes_chunks_in_order_and_answers_a_gap_with_what_it_holds_figure_13() {
    let mut f = follower(0, 3, 3, &[1, 1]);
    f.step(ms(1), msg(1, 0, 3, chunk(8, 2, 0, b"abc", false)))
        .expect("first chunk");
    // A chunk from further on (one was lost): the follower says it holds 3 bytes.
    f.step(ms(2), msg(1, 0, 3, chunk(8, 2, 6, b"ghi", true)))
        .expect("gap");
    f.step(ms(3), msg(1, 0, 3, chunk(8, 2, 3, b"def", false)))
        .expect("next");
    f.step(ms(4), msg(1, 0, 3, chunk(8, 2, 6, b"gh", true)))
        .expect("last");
    let ready = f.take_ready();
    assert_eq!(
        snapshot_replies(&ready.messages),
        vec![(3, false), (3, false), (6, false), (8, true)]
    );
    assert!(
        ready.restore,
        "the state machine is reset from the snapshot"
    );
    let snap = f.snapshot().expect("installed");
    assert_eq!(snap.data, b"abcdefgh");
    assert_eq!(snap.last_index, LogIndex(8));
    // Figure 13, step 7: its log [1, 1] does not hold (8, 2): the whole log goes.
    assert!(f.log().is_empty());
    assert_eq!(f.log().last_index(), LogIndex(8));
    assert_eq!(f.commit_index(), LogIndex(8));
    assert!(
        ready
            .persist
            .contains(&PersistOp::SaveSnapshot(LogIndex(8)))
    );
}

#[test]
fn a_follower_holding_the_snapshots_last_entry_keeps_the_entries_after_it_figure_13_step_6() {
    let mut f = follower(0, 3, 3, &[1, 2, 2, 3, 3]);
    f.step(ms(1), msg(1, 0, 3, chunk(3, 2, 0, b"xy", true)))
        .expect("installed");
    assert_eq!(f.log().first_index(), LogIndex(4));
    assert_eq!(terms_of(f.log()), vec![3, 3]);
    assert_eq!(f.commit_index(), LogIndex(3));
}

#[test]
fn install_snapshot_from_a_stale_leader_is_refused_and_a_known_prefix_is_not_reinstalled_figure_13()
{
    let mut f = follower(0, 3, 5, &[1, 2, 2]);
    f.step(ms(1), msg(1, 0, 4, chunk(2, 2, 0, b"old", true)))
        .expect("stale");
    let ready = f.take_ready();
    assert_eq!(
        ready.messages[0].term,
        Term(5),
        "1. reply immediately with its term"
    );
    assert!(f.snapshot().is_none());
    // A snapshot of entries the follower has already committed changes nothing.
    f.step(ms(2), append(1, 0, 5, (3, 2), &[], 3))
        .expect("commit");
    let _ = f.take_ready();
    f.step(ms(3), msg(1, 0, 5, chunk(2, 2, 0, b"s", true)))
        .expect("known");
    let ready = f.take_ready();
    assert_eq!(snapshot_replies(&ready.messages), vec![(0, true)]);
    assert!(f.snapshot().is_none() && !ready.restore);
    assert_eq!(f.log().len(), 3);
}

#[test]
fn a_restarted_node_starts_at_its_snapshot_with_its_configuration_section_7() {
    let mut state = state(4, None, &[1, 2, 3, 4]);
    let four = Membership::new(NodeId(0), &ids(4)).expect("valid");
    state.log.compact_to(LogIndex(3), Term(3));
    state.snapshot = Some(Snapshot {
        last_index: LogIndex(3),
        last_term: Term(3),
        membership: four.clone(),
        data: vec![1, 2, 3],
    });
    let n = node_from(0, 3, Config::default(), state);
    assert_eq!(n.commit_index(), LogIndex(3));
    assert_eq!(
        n.members(),
        &four,
        "the snapshot's configuration, not the boot list"
    );
    assert_eq!(n.log().last_index(), LogIndex(4));
}

#[test]
fn a_leader_sends_a_follower_behind_its_snapshot_install_snapshot_in_chunks_section_7() {
    let mut c = Cluster::<u64>::new(3, config(), 18);
    let leader = elect(&mut c, SECOND);
    let behind = c.ids().iter().copied().find(|&i| i != leader).expect("one");
    c.crash(behind);
    write(&mut c, 25, 0);
    c.restart(behind);
    let sent = run_recording(&mut c, SECOND, |_| {});
    let chunks: Vec<&SnapshotChunk> = sent
        .iter()
        .filter_map(|(_, m)| match &m.body {
            Body::InstallSnapshot(ch) if m.to == behind => Some(&**ch),
            _ => None,
        })
        .collect();
    assert!(
        chunks.len() >= 3,
        "16 bytes in 5-byte chunks: {}",
        chunks.len()
    );
    assert!(chunks.iter().all(|ch| ch.data.len() <= 5));
    assert!(chunks.last().is_some_and(|ch| ch.done));
    assert_eq!(installs(&c, behind), 1);
    assert_no_violations(&mut c);
}

#[test]
fn an_append_from_before_a_followers_snapshot_is_checked_from_the_snapshot_on_section_7() {
    // The follower compacted up to 3 (committed there); the leader, not knowing, sends
    // from index 1. The prefix is committed, so it matches: the follower takes the new
    // entries after its snapshot, and a request wholly inside it is acknowledged up to it.
    let mut f = follower(0, 3, 3, &[1, 2, 2]);
    f.step(ms(1), append(1, 0, 3, (3, 2), &[], 3))
        .expect("commit 3");
    f.compact(ms(2), LogIndex(3), vec![9]).expect("committed");
    let _ = f.take_ready();
    f.step(ms(3), append(1, 0, 3, (1, 1), &[2, 2, 3], 3))
        .expect("from before the snapshot");
    let ready = f.take_ready();
    assert!(matches!(
        ready.messages[0].body,
        Body::AppendEntriesResponse(raft_core::AppendOutcome::Success {
            match_index: LogIndex(4)
        })
    ));
    assert_eq!(f.log().last_index(), LogIndex(4));
    assert_eq!(terms_of(f.log()), vec![3]);
    f.step(ms(4), append(1, 0, 3, (0, 0), &[1, 2], 3))
        .expect("inside the snapshot");
    let ready = f.take_ready();
    assert!(matches!(
        ready.messages[0].body,
        Body::AppendEntriesResponse(raft_core::AppendOutcome::Success {
            match_index: LogIndex(3)
        })
    ));
    assert_eq!(f.log().last_index(), LogIndex(4), "nothing lost");
}
