//! What is drawn follows the simulator, in the article's style (native tests).

use core::time::Duration;
use raft_sim::raft_core::{NodeId, Role};
use raft_sim::{Action, History, NetworkSettings, Op, Setup, Timeline, World};
use raft_viz::draw::draw;
use raft_viz::paint::{Call, Recorder};
use raft_viz::stage::Stage;
use raft_viz::theme::LIGHT;
use raft_viz::view::{self, Selection, Shape};

fn world(seed: u64) -> World {
    World::new(&Setup {
        seed,
        ..Setup::default()
    })
    .expect("valid")
}

fn empty_history() -> History {
    History::new(16)
}

#[test]
fn the_first_frame_shows_five_followers_with_draining_timers_article_leader_election() {
    let w = world(1);
    let stage = Stage::new(5, 1280.0, 800.0);
    let f = view::frame(&w, &empty_history(), &stage, None);
    assert_eq!(f.nodes.len(), 5);
    assert!(f.nodes.iter().all(|n| n.role == Some(Role::Follower)));
    let names: Vec<&str> = f.nodes.iter().map(|n| n.name).collect();
    assert_eq!(names, ["A", "B", "C", "D", "E"]);
    // Random timeouts: each timer starts at a different length, between half and full.
    let timers: Vec<f64> = f
        .nodes
        .iter()
        .map(|n| n.timer.expect("followers have timers"))
        .collect();
    assert!(timers.iter().all(|t| (0.5..=1.0).contains(t)), "{timers:?}");
    assert!(timers.windows(2).any(|p| p[0] != p[1]));
    assert!(view::is_animating(&f));
}

#[test]
fn followers_have_no_border_candidates_a_dashed_one_and_leaders_a_solid_one() {
    let mut w = world(2);
    let stage = Stage::new(5, 1280.0, 800.0);
    // Run until there is a candidate, then until there is a leader.
    assert!(w.run_until(Duration::from_secs(2), |w| {
        w.servers()
            .iter()
            .any(|s| s.node().is_some_and(|n| n.role() == Role::Candidate))
    }));
    let f = view::frame(&w, &empty_history(), &stage, None);
    let mut rec = Recorder::default();
    draw(&f, &stage, &LIGHT, &mut rec);
    let cand = f
        .nodes
        .iter()
        .find(|n| n.role == Some(Role::Candidate))
        .expect("candidate");
    let borders = |rec: &Recorder, at| {
        rec.calls
            .iter()
            .filter_map(|c| match c {
                Call::Circle {
                    center,
                    fill: None,
                    stroke: Some(s),
                    ..
                } if *center == at => Some(*s),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let b = borders(&rec, cand.at);
    assert_eq!(b.len(), 1);
    assert!(b[0].dash.is_some(), "candidate border is dashed");
    assert!(
        rec.texts()
            .contains(&format!("{}/{}", cand.votes, cand.needed).as_str()),
        "vote count shown"
    );
    for n in f.nodes.iter().filter(|n| n.role == Some(Role::Follower)) {
        assert!(
            borders(&rec, n.at).is_empty(),
            "a follower is a plain filled circle"
        );
    }

    assert!(w.run_until(Duration::from_secs(2), |w| w.leader().is_some()));
    let f = view::frame(&w, &empty_history(), &stage, None);
    let mut rec = Recorder::default();
    draw(&f, &stage, &LIGHT, &mut rec);
    let leader = f
        .nodes
        .iter()
        .find(|n| n.role == Some(Role::Leader))
        .expect("leader");
    let b = borders(&rec, leader.at);
    assert_eq!(b.len(), 1);
    assert!(
        b[0].dash.is_none() && b[0].width >= 3.0,
        "leader border is solid"
    );
    assert!(leader.heartbeat.is_some() && leader.timer.is_none());
}

#[test]
fn messages_move_from_sender_to_receiver_and_are_told_apart_by_shape() {
    let mut w = world(3);
    let stage = Stage::new(5, 1280.0, 800.0);
    assert!(w.run_until(Duration::from_secs(2), |w| w.flights().next().is_some()));
    let flight = w.flights().next().expect("in flight").clone();
    let positions: Vec<_> = (0..3)
        .map(|_| {
            let f = view::frame(&w, &empty_history(), &stage, None);
            let m = f.messages.iter().find(|m| m.id == flight.id).map(|m| m.at);
            w.advance(Duration::from_millis(3));
            m
        })
        .collect();
    let p: Vec<_> = positions.into_iter().flatten().collect();
    assert!(p.len() >= 2, "the message stays in flight for a few ms");
    assert_ne!(p[0], p[1], "and moves");
    let f = view::frame(&w, &empty_history(), &stage, None);
    assert!(f.messages.iter().all(|m| m.lost.is_none()));
    let shapes: Vec<Shape> = f.messages.iter().map(|m| m.shape).collect();
    assert!(shapes.contains(&Shape::Vote), "vote requests are diamonds");
}

#[test]
fn committed_entries_are_filled_and_uncommitted_ones_dashed_article_log_replication() {
    let mut w = world(4);
    assert!(w.run_until(Duration::from_secs(2), |w| w.leader().is_some()));
    let leader = w.leader().expect("leader");
    w.apply(&Action::ClientRequest {
        op: Op::Set(5),
        to: Some(leader),
    })
    .expect("valid");
    // Right after the leader appends set 5, nobody has committed it.
    assert!(w.run_until(Duration::from_secs(1), |w| {
        w.node(leader).is_some_and(|n| n.log().last_index().0 == 1)
    }));
    let stage = Stage::new(5, 1280.0, 800.0);
    let f = view::frame(&w, &empty_history(), &stage, None);
    let cell = f
        .cells
        .iter()
        .find(|c| c.row == leader.0 as usize)
        .expect("leader's entry");
    assert_eq!(cell.label, "5");
    assert!(!cell.committed);
    let mut rec = Recorder::default();
    draw(&f, &stage, &LIGHT, &mut rec);
    let dashed_cells = rec
        .calls
        .iter()
        .filter(|c| matches!(c, Call::Rect { fill: None, stroke: Some(s), .. } if s.dash.is_some()))
        .count();
    assert_eq!(dashed_cells, 1);
    // Once every node applied it, all five cells are committed and every value is 5.
    assert!(w.run_until(Duration::from_secs(2), |w| {
        w.servers().iter().all(|s| s.machine().value() == 5)
    }));
    let f = view::frame(&w, &empty_history(), &stage, None);
    assert_eq!(f.cells.iter().filter(|c| c.committed).count(), 5);
    assert!(f.nodes.iter().all(|n| n.value == 5));
}

#[test]
fn a_crashed_node_is_grey_and_keeps_its_stored_log_and_term() {
    let mut w = world(5);
    assert!(w.run_until(Duration::from_secs(2), |w| w.leader().is_some()));
    w.apply(&Action::ClientRequest {
        op: Op::Set(3),
        to: None,
    })
    .expect("valid");
    assert!(w.run_until(Duration::from_secs(2), World::clients_idle));
    w.apply(&Action::Crash(NodeId(2))).expect("valid");
    let stage = Stage::new(5, 800.0, 600.0);
    let f = view::frame(&w, &empty_history(), &stage, None);
    let c = &f.nodes[2];
    assert_eq!(c.role, None);
    assert!(c.term >= 1);
    assert!(
        f.cells
            .iter()
            .any(|cell| cell.row == 2 && cell.label == "3")
    );
    let mut rec = Recorder::default();
    draw(&f, &stage, &LIGHT, &mut rec);
    assert!(rec.calls.iter().any(|call| matches!(call, Call::Circle { center, fill: Some(fill), .. } if *center == c.at && *fill == LIGHT.crashed_fill)));
}

#[test]
fn lost_messages_leave_a_fading_cross_where_they_were_lost() {
    let mut t = Timeline::new(&Setup {
        seed: 6,
        ..Setup::default()
    })
    .expect("valid");
    t.act(Action::SetNetwork(NetworkSettings {
        loss_ppm: 500_000,
        ..NetworkSettings::default()
    }))
    .expect("valid");
    let stage = Stage::new(5, 1280.0, 800.0);
    let mut seen = false;
    for ms in 1..2_000 {
        t.advance_to(raft_sim::raft_core::Instant::from_millis(ms));
        let f = view::frame(t.world(), t.history(), &stage, None);
        if let Some(m) = f.messages.iter().find(|m| m.lost.is_some()) {
            let fade = m.lost.expect("lost");
            assert!((0.0..=1.0).contains(&fade));
            seen = true;
            break;
        }
    }
    assert!(seen);
}

#[test]
fn clicking_a_node_or_a_message_selects_it() {
    let mut w = world(7);
    let stage = Stage::new(5, 1280.0, 800.0);
    let f = view::frame(&w, &empty_history(), &stage, None);
    let b = f.nodes[1].at;
    assert_eq!(view::hit(&f, b), Some(Selection::Node(NodeId(1))));
    assert_eq!(
        view::hit(&f, raft_viz::layout::Point { x: 1.0, y: 1.0 }),
        None
    );
    assert!(w.run_until(Duration::from_secs(2), |w| w.flights().next().is_some()));
    w.advance(Duration::from_millis(5));
    let f = view::frame(&w, &empty_history(), &stage, None);
    let m = f.messages.first().expect("in flight");
    assert_eq!(view::hit(&f, m.at), Some(Selection::Message(m.id)));
}

#[test]
fn partitions_are_drawn_as_cut_links() {
    let mut w = world(8);
    w.apply(&Action::Partition(vec![
        vec![NodeId(0), NodeId(1)],
        vec![NodeId(2), NodeId(3), NodeId(4)],
    ]))
    .expect("valid");
    let stage = Stage::new(5, 1280.0, 800.0);
    let f = view::frame(&w, &empty_history(), &stage, None);
    assert_eq!(f.cuts.len(), 6, "2 × 3 cut pairs");
}

#[test]
fn log_cells_show_set_values_bare_and_increments_signed() {
    let mut w = world(4);
    assert!(w.run_until(Duration::from_secs(2), |w| w.leader().is_some()));
    let leader = w.leader().expect("leader");
    for op in [Op::Set(-3), Op::Add(2), Op::Add(-1), Op::Add(0)] {
        w.apply(&Action::ClientRequest {
            op,
            to: Some(leader),
        })
        .expect("valid");
        assert!(w.run_until(Duration::from_secs(2), World::clients_idle));
    }
    let stage = Stage::new(5, 1280.0, 800.0);
    let f = view::frame(&w, &empty_history(), &stage, None);
    let labels: Vec<&str> = f
        .cells
        .iter()
        .filter(|c| c.row == leader.0 as usize && c.label != "·")
        .map(|c| c.label.as_str())
        .collect();
    assert_eq!(labels, ["-3", "+2", "-1", "+0"]);
}

#[test]
fn messages_travel_between_the_rims_so_no_dot_covers_a_nodes_name() {
    let mut w = world(4);
    let stage = Stage::new(5, 1280.0, 800.0);
    let r = stage.ring.node_radius;
    for _ in 0..400 {
        w.advance(Duration::from_millis(5));
        let f = view::frame(&w, &empty_history(), &stage, None);
        for m in &f.messages {
            for (i, n) in stage.ring.nodes.iter().enumerate() {
                let d = m.at.distance(*n);
                assert!(
                    d >= r - 1e-6,
                    "message {:?} is inside node {i}'s circle ({d} < {r})",
                    m.id
                );
            }
        }
    }
}
