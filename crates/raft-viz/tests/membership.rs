//! Servers joining and leaving (paper §6) and snapshots (§7), as the page shows them:
//! the commands, the picture (learners, the joint configuration, nodes that leave, the
//! snapshot's block), `snapshot()` and the share link.

use raft_sim::Op;
use raft_sim::raft_core::NodeId;
use raft_viz::app::App;
use raft_viz::command::{Command, CommandError};
use raft_viz::options::{self, Options};
use raft_viz::snapshot::Snapshot;

fn sandbox(nodes: usize, seed: u64) -> App {
    let o = Options {
        seed: Some(seed),
        nodes,
        ..Options::default()
    };
    let mut a = App::new(&o, 0).expect("valid");
    a.command(Command::Speed(1.0)).expect("valid");
    a
}

/// Plays virtual time (speed 1, 16 ms frames) until `done`, at most `max_ms`.
fn until(a: &mut App, max_ms: f64, done: impl Fn(&App) -> bool) -> bool {
    let mut spent = 0.0;
    while spent < max_ms {
        if done(a) {
            return true;
        }
        a.tick(16.0);
        spent += 16.0;
    }
    done(a)
}

fn leader(a: &App) -> Option<NodeId> {
    a.world().leader()
}

fn node<'a>(s: &'a Snapshot, name: &str) -> &'a raft_viz::snapshot::NodeSnapshot {
    s.nodes.iter().find(|n| n.name == name).expect("listed")
}

#[test]
fn an_added_server_catches_up_as_a_learner_then_votes_section_6() {
    let mut a = sandbox(3, 4);
    assert!(until(&mut a, 3_000.0, |a| leader(a).is_some()));
    a.command(Command::Client {
        op: Op::Set(7),
        to: None,
    })
    .expect("sent");
    a.command(Command::AddNode).expect("a leader takes it");
    // At once: a fourth circle, drawn as a learner (hollow), and the ring has room.
    let f = a.frame();
    assert_eq!(f.nodes.len(), 4);
    let d = f.nodes.iter().find(|n| n.name == "D").expect("drawn");
    assert!(d.learner, "a new server has no vote yet");
    assert_eq!(
        d.timer, None,
        "a learner never stands: no election timer is drawn"
    );
    assert!(
        a.stage().node(3).is_some(),
        "the stage is laid out for four"
    );
    assert!(node(&Snapshot::of(&a), "D").learner);
    // Then it holds the log, and once C_new commits it is a voter like the rest.
    let voter = |a: &App| {
        let s = Snapshot::of(a);
        let d = node(&s, "D");
        !d.learner
            && d.value == 7
            && s.nodes.iter().all(|n| {
                n.config
                    .as_ref()
                    .is_some_and(|c| c.voters.len() == 4 && c.outgoing.is_empty())
            })
    };
    assert!(until(&mut a, 5_000.0, voter), "D never became a voter");
    let f = a.frame();
    assert!(f.nodes.iter().all(|n| !n.learner));
    assert!(
        f.nodes.iter().any(|n| n.name == "D" && n.timer.is_some()),
        "a voting follower's timer shows"
    );
}

#[test]
fn while_the_configuration_is_joint_the_picture_names_both_halves_section_6() {
    let mut a = sandbox(3, 5);
    assert!(until(&mut a, 3_000.0, |a| leader(a).is_some()));
    assert_eq!(a.frame().joint, None);
    a.command(Command::AddNode).expect("taken");
    // Step event by event: C_old,new lasts only a few messages at full speed.
    a.command(Command::Pause).expect("valid");
    let mut seen = None;
    for _ in 0..5_000 {
        a.command(Command::Step).expect("valid");
        if let Some(j) = a.frame().joint {
            seen = Some(j);
            break;
        }
    }
    assert_eq!(seen.as_deref(), Some("C_old,new: A B C → A B C D"));
}

#[test]
fn a_removed_leader_leaves_the_picture_and_the_rest_elect_a_new_one_section_6() {
    let mut a = sandbox(5, 6);
    assert!(until(&mut a, 3_000.0, |a| leader(a).is_some()));
    let old = leader(&a).expect("elected");
    a.command(Command::RemoveNode(old)).expect("taken");
    let gone = |a: &App| {
        let f = a.frame();
        f.nodes.len() == 4 && f.nodes.iter().all(|n| n.id != old)
    };
    assert!(
        until(&mut a, 5_000.0, gone),
        "the old leader is still drawn"
    );
    assert!(a.stage().node(4).is_none(), "the ring has four places now");
    assert!(
        until(&mut a, 5_000.0, |a| leader(a).is_some_and(|l| l != old)),
        "no new leader"
    );
    let s = Snapshot::of(&a);
    let name = raft_sim::node_name(old);
    assert_eq!(node(&s, &name).role, "removed");
    // The log table lost the row too: no cell belongs to the removed server.
    assert!(a.frame().cells.iter().all(|c| c.node != old));
}

#[test]
fn a_snapshot_is_a_block_at_the_head_of_the_log_row_section_7() {
    let mut a = sandbox(3, 7);
    assert!(until(&mut a, 3_000.0, |a| leader(a).is_some()));
    let l = leader(&a).expect("elected");
    for v in 1..=4 {
        a.command(Command::Client {
            op: Op::Set(v),
            to: None,
        })
        .expect("sent");
        assert!(until(&mut a, 3_000.0, |a| Snapshot::of(a)
            .nodes
            .iter()
            .all(|n| n.value == v)));
    }
    a.command(Command::Snapshot(l))
        .expect("applied entries to compact");
    let s = Snapshot::of(&a);
    let compacted = node(&s, &raft_sim::node_name(l)).snapshot_index;
    assert!(compacted >= 4, "{compacted}");
    let f = a.frame();
    let row: Vec<_> = f.cells.iter().filter(|c| c.node == l).collect();
    let block = row.first().expect("the row has cells");
    assert_eq!((block.col, block.span), (0, compacted as usize));
    assert_eq!(block.label, format!("≤{compacted}"));
    // The entries the snapshot replaced are not drawn again beside it.
    assert!(row.iter().skip(1).all(|c| c.col >= compacted as usize));
    // Twice in a row is refused, with a reason, and changes nothing.
    assert!(matches!(
        a.command(Command::Snapshot(l)),
        Err(CommandError::Refused(raft_sim::ActionError::Snapshot(..)))
    ));
}

#[test]
fn a_follower_that_was_down_gets_the_snapshot_when_it_restarts_section_7() {
    let mut a = sandbox(3, 8);
    assert!(until(&mut a, 3_000.0, |a| leader(a).is_some()));
    let l = leader(&a).expect("elected");
    let down = a
        .world()
        .ids()
        .iter()
        .copied()
        .find(|&id| id != l)
        .expect("a follower");
    a.command(Command::Crash(down)).expect("crashed");
    for v in 1..=3 {
        a.command(Command::Client {
            op: Op::Set(v),
            to: None,
        })
        .expect("sent");
        assert!(until(&mut a, 3_000.0, |a| a
            .world()
            .server(l)
            .is_some_and(|s| s.machine().value() == v)));
    }
    a.command(Command::Snapshot(l)).expect("compacted");
    a.command(Command::Restart(down)).expect("restarted");
    let name = raft_sim::node_name(down);
    let installed = |a: &App| {
        let s = Snapshot::of(a);
        let n = node(&s, &name);
        n.snapshot_index >= 3 && n.value == 3
    };
    assert!(until(&mut a, 5_000.0, installed), "no InstallSnapshot");
}

#[test]
fn a_share_link_replays_servers_added_after_the_start_section_6() {
    let mut a = sandbox(3, 9);
    assert!(until(&mut a, 3_000.0, |a| leader(a).is_some()));
    a.command(Command::AddNode).expect("taken");
    assert!(until(&mut a, 3_000.0, |a| a.world().ids().len() == 4));
    let q = raft_viz::share::query(&a);
    assert!(q.contains("nodes=3"), "{q}");
    let (o, notices) = options::parse(&q, |_| false);
    assert!(notices.is_empty(), "{notices:?}");
    let mut b = raft_viz::share::open(&o, 0, &mut Vec::new()).expect("opens");
    b.command(Command::Pause).expect("valid");
    assert_eq!(b.world().ids().len(), 4);
    assert_eq!(
        Snapshot::of(&b).nodes.len(),
        Snapshot::of(&a).nodes.len(),
        "the same cluster"
    );
}

#[test]
fn adding_and_removing_is_refused_with_a_reason_when_it_cannot_be_done() {
    // No leader yet: nobody to ask.
    let mut a = sandbox(3, 10);
    a.command(Command::Pause).expect("valid");
    assert!(a.command(Command::AddNode).is_err());
    // A full cluster: nine servers is the most the page draws.
    let mut b = sandbox(9, 11);
    assert!(until(&mut b, 3_000.0, |a| leader(a).is_some()));
    assert!(b.command(Command::AddNode).is_err(), "nine is the most");
}

#[test]
fn a_learner_is_filled_paler_and_keeps_the_followers_bare_rim_section_6() {
    use raft_viz::paint::{Call, Recorder};
    let mut a = sandbox(3, 12);
    assert!(until(&mut a, 3_000.0, |a| leader(a).is_some()));
    a.command(Command::AddNode).expect("taken");
    let f = a.frame();
    let d = f.nodes.iter().find(|n| n.name == "D").expect("drawn");
    assert!(d.learner);
    let mut rec = Recorder::default();
    raft_viz::draw::draw(&f, a.stage(), &raft_viz::theme::LIGHT, &mut rec);
    let around_d: Vec<_> = rec
        .calls
        .iter()
        .filter_map(|c| match c {
            Call::Circle {
                center,
                radius,
                fill,
                stroke,
            } if center.distance(d.at) < 0.5 && *radius >= d.radius => Some((*fill, *stroke)),
            _ => None,
        })
        .collect();
    assert_eq!(
        around_d,
        [(Some(raft_viz::theme::LIGHT.learner_fill), None)],
        "one disc, the learner's fill, and no rim: the rim is the role's (a follower's is bare)"
    );
}

#[test]
fn the_inspector_calls_a_learner_a_learner_until_it_votes_section_6() {
    let mut a = sandbox(3, 13);
    assert!(until(&mut a, 3_000.0, |a| leader(a).is_some()));
    a.command(Command::AddNode).expect("taken");
    let d = NodeId(3);
    let lines = raft_viz::inspect::node_lines(a.world(), d, raft_viz::lang::Lang::En);
    assert_eq!(
        lines.first().map(String::as_str),
        Some("D: Learner (no vote yet)")
    );
    let voter = |a: &App| a.world().server(d).is_some_and(|s| !s.is_learner());
    assert!(until(&mut a, 5_000.0, voter));
    let lines = raft_viz::inspect::node_lines(a.world(), d, raft_viz::lang::Lang::En);
    assert_eq!(lines.first().map(String::as_str), Some("D: Follower"));
}
