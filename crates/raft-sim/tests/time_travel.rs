//! Seeking, stepping back and forking reproduce exactly the states the live run had.

use raft_sim::raft_core::{Instant, NodeId};
use raft_sim::{Action, MAX_SNAPSHOTS, NetworkSettings, Op, Record, Setup, Timeline, World};

/// What a viewer sees of a world, compared across runs.
fn fingerprint(w: &World) -> String {
    let mut s = format!("t={} steps={} ", w.now().as_micros(), w.steps());
    for srv in w.servers() {
        match srv.node() {
            Some(n) => {
                s += &format!(
                    "[{} {:?} {} {:?} {} {} v={}] ",
                    srv.name(),
                    n.role(),
                    n.term().0,
                    n.voted_for(),
                    n.log().last_index().0,
                    n.commit_index().0,
                    srv.machine().value()
                )
            }
            None => s += &format!("[{} down] ", srv.name()),
        }
    }
    for f in w.flights() {
        s += &format!("<{} {}>", f.id.0, f.arrive_at.as_micros());
    }
    s
}

fn busy_timeline(seed: u64) -> Timeline {
    let mut t = Timeline::new(&Setup {
        seed,
        ..Setup::default()
    })
    .expect("valid");
    t.act(Action::SetNetwork(NetworkSettings {
        loss_ppm: 50_000,
        ..NetworkSettings::default()
    }))
    .expect("valid");
    for i in 0..30u64 {
        t.advance_to(Instant::from_millis(200 + i * 150));
        t.act(Action::ClientRequest {
            op: Op::Add(1),
            to: None,
        })
        .expect("valid");
        if i == 10 {
            let leader = t.world().leader().unwrap_or(NodeId(0));
            t.act(Action::Crash(leader)).expect("valid");
        }
    }
    t.advance_to(Instant::from_millis(8_000));
    t
}

#[test]
fn seeking_back_then_forward_reproduces_every_recorded_moment() {
    let mut live = busy_timeline(21);
    // Fingerprints at several instants, from a second, independent live run.
    let mut reference = busy_timeline(21);
    let checkpoints = [300u64, 1_700, 2_999, 4_567, 7_999];
    let mut expected = Vec::new();
    for &ms in &checkpoints {
        reference.seek(Instant::from_millis(ms));
        expected.push(fingerprint(reference.world()));
    }
    // Seek in a scrambled order on the other timeline.
    for &k in &[3usize, 0, 4, 1, 2, 0] {
        live.seek(Instant::from_millis(checkpoints[k]));
        assert_eq!(
            fingerprint(live.world()),
            expected[k],
            "at {} ms",
            checkpoints[k]
        );
    }
    live.go_live();
    assert!(live.is_live());
    assert_eq!(live.now(), Instant::from_millis(8_000));
}

#[test]
fn step_back_undoes_exactly_one_event() {
    let mut t = busy_timeline(5);
    t.seek(Instant::from_millis(2_000));
    let before = fingerprint(t.world());
    assert!(t.step_forward());
    assert_ne!(fingerprint(t.world()), before);
    t.step_back();
    assert_eq!(fingerprint(t.world()), before);
}

#[test]
fn acting_in_the_past_forks_and_drops_the_old_future() {
    let mut t = busy_timeline(8);
    let old_actions = t.actions().len();
    t.seek(Instant::from_millis(1_000));
    assert!(!t.is_live());
    t.act(Action::Crash(NodeId(2))).expect("valid");
    assert!(t.is_live(), "the fork point is the new live end");
    assert!(t.actions().len() < old_actions);
    assert!(
        t.history()
            .iter()
            .all(|i| i.at <= Instant::from_millis(1_000))
    );
    t.advance_to(Instant::from_millis(3_000));
    assert!(t.world().server(NodeId(2)).expect("exists").is_down());
    // The forked branch replays deterministically too.
    let (replayed, refused) =
        Timeline::replay(t.setup(), t.actions(), Instant::from_millis(3_000)).expect("valid");
    assert_eq!(refused, 0);
    assert_eq!(fingerprint(replayed.world()), fingerprint(t.world()));
}

#[test]
fn history_follows_a_message_from_send_to_delivery() {
    let mut t = busy_timeline(2);
    t.go_live();
    let sent: Vec<_> = t
        .history()
        .iter()
        .filter_map(|i| match i.record {
            Record::Sent { id, arrive_at, .. } => Some((id, i.at, arrive_at)),
            _ => None,
        })
        .collect();
    assert!(sent.len() > 100);
    let (id, sent_at, arrive_at) = sent[50];
    let fate = t
        .history()
        .iter()
        .find(|i| matches!(i.record, Record::Delivered { id: d } | Record::Dropped { id: d, .. } if d == id))
        .expect("every old message was delivered or dropped");
    assert!(fate.at >= sent_at);
    if matches!(fate.record, Record::Delivered { .. }) {
        assert_eq!(fate.at, arrive_at);
    }
}

#[test]
fn snapshots_stay_bounded_over_a_long_run() {
    let mut t = Timeline::new(&Setup::default()).expect("valid");
    for s in 1..=600u64 {
        t.advance_to(Instant::from_millis(s * 1_000));
        if s % 5 == 0 {
            t.act(Action::ClientRequest {
                op: Op::Set(s as i64),
                to: None,
            })
            .expect("valid");
        }
    }
    assert!(t.snapshot_count() <= MAX_SNAPSHOTS);
    assert!(t.snapshot_count() >= MAX_SNAPSHOTS / 4);
    t.seek(Instant::from_millis(123_456));
    assert_eq!(t.now(), Instant::from_millis(123_456));
}

#[test]
fn a_small_history_forgets_old_records_but_every_moment_stays_reachable() {
    // The browser keeps a small, preallocated history (flat memory): old records go,
    // old states can still be sought, and the kept records are the newest ones.
    let mut reference = busy_timeline(5);
    reference.advance_to(Instant::from_millis(12_000));
    reference.seek(Instant::from_millis(1_234));
    let expected = fingerprint(reference.world());

    let mut small = busy_timeline(5);
    small.set_history_capacity(500);
    small.reserve_history();
    assert_eq!(small.history().len(), 500);
    let forgotten = small.history().forgotten();
    small.advance_to(Instant::from_millis(12_000));
    assert_eq!(
        small.history().len(),
        500,
        "the bound holds while running on"
    );
    assert!(small.history().forgotten() > forgotten);
    let newest = small.history().iter().last().map(|i| i.seq);
    assert_eq!(Some(small.history().next_seq() - 1), newest);
    small.seek(Instant::from_millis(1_234));
    assert_eq!(fingerprint(small.world()), expected);
}
