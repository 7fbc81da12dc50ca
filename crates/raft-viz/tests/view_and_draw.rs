//! What is drawn follows the simulator, in the article's style (native tests).

use core::time::Duration;
use raft_sim::raft_core::{NodeId, Role};
use raft_sim::scene::{MessageKind, Subject};
use raft_sim::{Action, History, NetworkSettings, Op, Setup, Timeline, World};
use raft_viz::draw::{DIM, draw};
use raft_viz::layout::Point;
use raft_viz::paint::{Call, Recorder, Stroke};
use raft_viz::stage::Stage;
use raft_viz::theme::LIGHT;
use raft_viz::view::{self, Focus, Frame, NodeView, Selection, Shape};

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
    let stage = Stage::new(5, 1280.0, 800.0, 0);
    let f = view::frame(&w, &empty_history(), &stage, None, &[]);
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

/// Every circle or arc stroked around `at`: (radius, stroke).
fn rings(rec: &Recorder, at: Point) -> Vec<(f64, Stroke)> {
    rec.calls
        .iter()
        .filter_map(|c| match c {
            Call::Circle {
                center,
                radius,
                stroke: Some(s),
                ..
            }
            | Call::Arc {
                center,
                radius,
                stroke: s,
                ..
            } if *center == at => Some((*radius, *s)),
            _ => None,
        })
        .collect()
}

/// The strokes at or outside the rim of `n` (radius ≥ 0.9 r): what reads as a border.
fn at_the_rim(rec: &Recorder, n: &NodeView<'_>) -> Vec<Stroke> {
    rings(rec, n.at)
        .into_iter()
        .filter(|(r, _)| *r >= n.radius * 0.9)
        .map(|(_, s)| s)
        .collect()
}

fn drawn(f: &Frame<'_>, stage: &Stage) -> Recorder {
    let mut rec = Recorder::default();
    draw(f, stage, &LIGHT, &mut rec);
    rec
}

fn first_with(f: &Frame<'_>, role: Role) -> NodeView<'static> {
    let n = f.nodes.iter().find(|n| n.role == Some(role)).expect("role");
    NodeView {
        name: "",
        ..n.clone()
    }
}

#[test]
fn the_rim_belongs_to_the_role_alone_design_md_article_three_states() {
    // DESIGN.md: follower no border, candidate dashed, leader solid; "nothing else
    // (timer, heartbeat, selection) may draw a ring there that could read as a border".
    let mut w = world(2);
    let stage = Stage::new(5, 1280.0, 800.0, 0);
    assert!(w.run_until(Duration::from_secs(2), |w| {
        w.servers()
            .iter()
            .any(|s| s.node().is_some_and(|n| n.role() == Role::Candidate))
    }));
    // A follower is selected too: its selection mark must not be a ring either.
    let follower = view::frame(&w, &empty_history(), &stage, None, &[])
        .nodes
        .iter()
        .find(|n| n.role == Some(Role::Follower))
        .expect("follower")
        .id;
    let f = view::frame(
        &w,
        &empty_history(),
        &stage,
        Some(Selection::Node(follower)),
        &[],
    );
    let rec = drawn(&f, &stage);
    let cand = first_with(&f, Role::Candidate);
    let b = at_the_rim(&rec, &cand);
    assert_eq!(b.len(), 1, "one border: {b:?}");
    assert!(b[0].dash.is_some(), "candidate border is dashed");
    assert!(
        rings(&rec, cand.at)
            .iter()
            .any(|(r, _)| (r - cand.radius).abs() < 4.0)
    );
    for n in f.nodes.iter().filter(|n| n.role == Some(Role::Follower)) {
        assert!(
            at_the_rim(&rec, n).is_empty(),
            "{}: a follower is a plain filled circle, even selected",
            n.name
        );
    }

    assert!(w.run_until(Duration::from_secs(2), |w| w.leader().is_some()));
    let f = view::frame(&w, &empty_history(), &stage, None, &[]);
    let rec = drawn(&f, &stage);
    let leader = first_with(&f, Role::Leader);
    let b = at_the_rim(&rec, &leader);
    assert_eq!(
        b.len(),
        1,
        "one border, the heartbeat is not at the rim: {b:?}"
    );
    assert!(
        b[0].dash.is_none() && b[0].width >= 3.0,
        "leader border is solid"
    );
    assert!(leader.heartbeat.is_some() && leader.timer.is_none());
    for n in f.nodes.iter().filter(|n| n.role == Some(Role::Follower)) {
        assert!(at_the_rim(&rec, n).is_empty(), "{}", n.name);
    }
}

#[test]
fn the_election_timer_and_the_heartbeat_run_inside_the_circle_design_md() {
    // DESIGN.md: "election timer inside the circle ... the leader's heartbeat rhythm
    // visible without a ring on the rim".
    let mut w = world(2);
    let stage = Stage::new(5, 390.0, 844.0, 0);
    let f = view::frame(&w, &empty_history(), &stage, None, &[]);
    let rec = drawn(&f, &stage);
    for n in &f.nodes {
        let left = n.timer.expect("a follower's timer");
        let arcs: Vec<_> = rec
            .calls
            .iter()
            .filter_map(|c| match c {
                Call::Arc {
                    center,
                    radius,
                    start,
                    end,
                    stroke,
                } if *center == n.at => Some((*radius, end - start, *stroke)),
                _ => None,
            })
            .collect();
        assert_eq!(arcs.len(), 1, "{}", n.name);
        let (radius, sweep, stroke) = arcs[0];
        assert!(
            radius + stroke.width / 2.0 < n.radius * 0.85,
            "{}: inside",
            n.name
        );
        assert!(
            (sweep - core::f64::consts::TAU * left).abs() < 1e-9,
            "drains"
        );
        assert_eq!(stroke.color, LIGHT.timer);
        // On a faint full track, inside too.
        assert!(
            rings(&rec, n.at)
                .iter()
                .any(|(r, s)| *r == radius && s.color == LIGHT.timer_track)
        );
    }
    assert!(w.run_until(Duration::from_secs(2), |w| w.leader().is_some()));
    let f = view::frame(&w, &empty_history(), &stage, None, &[]);
    let rec = drawn(&f, &stage);
    let leader = first_with(&f, Role::Leader);
    let beat: Vec<_> = rings(&rec, leader.at)
        .into_iter()
        .filter(|(_, s)| s.color == LIGHT.heartbeat)
        .collect();
    assert_eq!(beat.len(), 1, "the heartbeat countdown, in its own colour");
    assert!(beat[0].0 < leader.radius * 0.85);
    assert_ne!(LIGHT.heartbeat, LIGHT.timer);
}

/// The first frame with a candidate in a cluster of `nodes`, drawn.
fn candidate_label(
    nodes: usize,
    templates: (&'static str, &'static str),
) -> (NodeView<'static>, Vec<String>) {
    let mut w = World::new(&Setup {
        seed: 3,
        nodes,
        ..Setup::default()
    })
    .expect("valid");
    assert!(w.run_until(Duration::from_secs(2), |w| {
        w.servers()
            .iter()
            .any(|s| s.node().is_some_and(|n| n.role() == Role::Candidate))
    }));
    let stage = Stage::new(nodes, 1280.0, 800.0, 0);
    let mut f = view::frame(&w, &empty_history(), &stage, None, &[]);
    (f.votes_label, f.needs_label) = templates;
    let rec = drawn(&f, &stage);
    let texts = rec.texts().into_iter().map(String::from).collect();
    (first_with(&f, Role::Candidate), texts)
}

#[test]
fn a_candidate_shows_its_votes_and_that_a_win_needs_more_than_n_over_2_article_split_vote() {
    // The article: a candidate wins with more than n/2 votes; with four nodes two votes
    // each are not enough.
    let english = (view::VOTES_LABEL, view::NEEDS_LABEL);
    let (c, texts) = candidate_label(4, english);
    assert_eq!(c.voters, 4);
    let want = format!("votes {} · needs > 2", c.votes);
    assert!(texts.contains(&want), "{want:?} in {texts:?}");
    let (c, texts) = candidate_label(5, english);
    let want = format!("votes {} · needs > 2.5", c.votes);
    assert!(texts.contains(&want), "{want:?} in {texts:?}");
    // In Chinese, with the article's words.
    raft_viz::lang::install_bundled();
    let zh = raft_viz::lang::Lang::Zh;
    let (c, texts) = candidate_label(4, (zh.tr(view::VOTES_LABEL), zh.tr(view::NEEDS_LABEL)));
    let want = format!("得票 {} · 需 > 2", c.votes);
    assert!(texts.contains(&want), "{want:?} in {texts:?}");
    // Followers and leaders show no count.
    let (_, texts) = candidate_label(3, english);
    assert_eq!(texts.iter().filter(|t| t.starts_with("votes")).count(), 1);
}

#[test]
fn with_every_log_empty_the_ring_takes_the_canvas_and_no_log_table_is_drawn_design_md() {
    // DESIGN.md: "no half-empty canvas while logs are empty".
    for (w, h) in [
        (1280.0, 800.0),
        (945.0, 745.0),
        (390.0, 844.0),
        (390.0, 490.0),
    ] {
        let empty = Stage::new(5, w, h, 0);
        let full = Stage::new(5, w, h, 1);
        assert_eq!(empty.logs.columns, 0);
        assert!(full.logs.columns >= 4, "{w}x{h}: room for a few entries");
        assert!(
            empty.ring.node_radius >= full.ring.node_radius
                && empty.ring.ring_radius >= full.ring.ring_radius,
            "{w}x{h}: the ring is no smaller without a table"
        );
        // The ring sits in the middle of the whole canvas, not of a part of it.
        let off = |s: &Stage| {
            Point {
                x: w / 2.0,
                y: h / 2.0,
            }
            .distance(s.ring.center)
        };
        assert!(off(&empty) < 0.1 * w.min(h), "{w}x{h}");
        assert!(off(&full) > off(&empty), "{w}x{h}");
    }
    // Where the table would squeeze the ring, the nodes grow without it.
    for (w, h) in [(390.0, 490.0), (374.0, 420.0)] {
        let (empty, full) = (Stage::new(5, w, h, 0), Stage::new(5, w, h, 20));
        assert!(
            empty.ring.node_radius > full.ring.node_radius * 1.1,
            "{w}x{h}"
        );
    }
    // Drawn: no index header, no row names: each name once, on its node.
    let stage = Stage::new(5, 390.0, 844.0, 0);
    let w = world(1);
    let f = view::frame(&w, &empty_history(), &stage, None, &[]);
    let rec = drawn(&f, &stage);
    let texts = rec.texts();
    assert_eq!(texts.iter().filter(|t| **t == "A").count(), 1);
    assert!(!texts.contains(&"1"), "no index header: {texts:?}");
    assert!(
        !rec.calls
            .iter()
            .any(|c| matches!(c, Call::Rect { fill: None, .. }))
    );
}

#[test]
fn the_app_lays_the_stage_out_again_when_the_first_entry_arrives() {
    use raft_viz::command::Command;
    use raft_viz::options::Options;
    let options = Options {
        seed: Some(4),
        speed: 1.0,
        ..Options::default()
    };
    let mut app = raft_viz::app::App::new(&options, 0).expect("app");
    app.resize(390.0, 490.0);
    let before = app.stage().clone();
    assert_eq!(before.logs.columns, 0);
    for _ in 0..200 {
        app.tick(20.0);
        if app.world().leader().is_some() {
            break;
        }
    }
    assert!(app.world().leader().is_some());
    assert_eq!(view::longest_log(app.world()), 0);
    assert_eq!(app.stage().logs.columns, 0);
    app.command(Command::Client {
        op: Op::Set(5),
        to: None,
    })
    .expect("sent");
    for _ in 0..100 {
        app.tick(20.0);
        if view::longest_log(app.world()) > 0 {
            break;
        }
    }
    assert!(view::longest_log(app.world()) > 0);
    app.tick(1.0);
    assert!(app.stage().logs.columns > 0, "the table appears");
    assert!(app.stage().ring.node_radius < before.ring.node_radius);
    let f = app.frame();
    let rec = drawn(&f, app.stage());
    assert!(rec.calls.iter().any(|c| matches!(c, Call::Rect { .. })));
}

#[test]
fn messages_move_from_sender_to_receiver_and_are_told_apart_by_shape() {
    let mut w = world(3);
    let stage = Stage::new(5, 1280.0, 800.0, 0);
    assert!(w.run_until(Duration::from_secs(2), |w| w.flights().next().is_some()));
    let flight = w.flights().next().expect("in flight").clone();
    let positions: Vec<_> = (0..3)
        .map(|_| {
            let f = view::frame(&w, &empty_history(), &stage, None, &[]);
            let m = f.messages.iter().find(|m| m.id == flight.id).map(|m| m.at);
            w.advance(Duration::from_millis(3));
            m
        })
        .collect();
    let p: Vec<_> = positions.into_iter().flatten().collect();
    assert!(p.len() >= 2, "the message stays in flight for a few ms");
    assert_ne!(p[0], p[1], "and moves");
    let f = view::frame(&w, &empty_history(), &stage, None, &[]);
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
    let stage = Stage::new(5, 1280.0, 800.0, view::longest_log(&w));
    let f = view::frame(&w, &empty_history(), &stage, None, &[]);
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
    let f = view::frame(&w, &empty_history(), &stage, None, &[]);
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
    let stage = Stage::new(5, 800.0, 600.0, view::longest_log(&w));
    let f = view::frame(&w, &empty_history(), &stage, None, &[]);
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
    // Crossed out: two lines through its centre; no timer, no border.
    let through = |a: &Point, b: &Point| {
        ((a.x + b.x) / 2.0 - c.at.x).abs() < 1e-6 && ((a.y + b.y) / 2.0 - c.at.y).abs() < 1e-6
    };
    let lines = rec
        .calls
        .iter()
        .filter(|call| matches!(call, Call::Line(a, b, _) if through(a, b)))
        .count();
    assert_eq!(lines, 2);
    assert!(rings(&rec, c.at).is_empty());
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
    let stage = Stage::new(5, 1280.0, 800.0, 0);
    let mut seen = false;
    for ms in 1..2_000 {
        t.advance_to(raft_sim::raft_core::Instant::from_millis(ms));
        let f = view::frame(t.world(), t.history(), &stage, None, &[]);
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
    let stage = Stage::new(5, 1280.0, 800.0, 0);
    let f = view::frame(&w, &empty_history(), &stage, None, &[]);
    let b = f.nodes[1].at;
    assert_eq!(view::hit(&f, b), Some(Selection::Node(NodeId(1))));
    assert_eq!(view::hit(&f, Point { x: 1.0, y: 1.0 }), None);
    assert!(w.run_until(Duration::from_secs(2), |w| w.flights().next().is_some()));
    w.advance(Duration::from_millis(5));
    let f = view::frame(&w, &empty_history(), &stage, None, &[]);
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
    let stage = Stage::new(5, 1280.0, 800.0, 0);
    let f = view::frame(&w, &empty_history(), &stage, None, &[]);
    assert_eq!(f.cuts.len(), 6, "2 × 3 cut pairs");
}

#[test]
fn requests_are_filled_and_replies_hollow_whatever_the_colour() {
    // DESIGN.md: "request vs response, vote vs append distinguishable without colour".
    let mut w = world(3);
    assert!(w.run_until(Duration::from_secs(2), |w| {
        w.flights().any(|f| {
            matches!(
                f.packet,
                raft_sim::network::Packet::Raft(ref m)
                    if matches!(m.body, raft_sim::raft_core::Body::RequestVoteResponse { .. })
            )
        }) && w.flights().any(|f| view::describe(&f.packet).1)
    }));
    let stage = Stage::new(5, 1280.0, 800.0, 0);
    let f = view::frame(&w, &empty_history(), &stage, None, &[]);
    let rec = drawn(&f, &stage);
    for m in f.messages.iter().filter(|m| m.shape == Shape::Vote) {
        let diamond = rec
            .calls
            .iter()
            .find_map(|c| match c {
                Call::Polygon(pts, fill, stroke) if (pts[0].x - m.at.x).abs() < 1e-9 => {
                    Some((*fill, *stroke))
                }
                _ => None,
            })
            .expect("a diamond");
        if m.request {
            assert_eq!(diamond, (Some(LIGHT.vote), None), "a request is filled");
        } else {
            assert_eq!(diamond.0, Some(LIGHT.background), "a reply is hollow");
            assert!(diamond.1.is_some());
        }
    }
    assert!(f.messages.iter().any(|m| !m.request));
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
    let stage = Stage::new(5, 1280.0, 800.0, view::longest_log(&w));
    let f = view::frame(&w, &empty_history(), &stage, None, &[]);
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
    let stage = Stage::new(5, 1280.0, 800.0, 0);
    let r = stage.ring.node_radius;
    for _ in 0..400 {
        w.advance(Duration::from_millis(5));
        let f = view::frame(&w, &empty_history(), &stage, None, &[]);
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

/// A world with a leader, an entry on every log, and messages in flight.
fn busy_world() -> World {
    let mut w = world(4);
    assert!(w.run_until(Duration::from_secs(2), |w| w.leader().is_some()));
    w.apply(&Action::ClientRequest {
        op: Op::Set(5),
        to: None,
    })
    .expect("valid");
    assert!(w.run_until(Duration::from_secs(2), World::clients_idle));
    assert!(w.run_until(Duration::from_secs(1), |w| w.flights().count() >= 2));
    w
}

#[test]
fn the_tours_spotlight_marks_what_the_caption_names_and_dims_the_rest_design_md() {
    // DESIGN.md: each scene "highlights what its caption names".
    let w = busy_world();
    let stage = Stage::new(5, 1280.0, 800.0, view::longest_log(&w));
    let plain = view::frame(&w, &empty_history(), &stage, None, &[]);
    let kind = plain
        .messages
        .iter()
        .find(|m| m.lost.is_none())
        .expect("flight");
    let kind_subject = match (kind.shape, kind.request) {
        (Shape::Vote, true) => MessageKind::VoteRequest,
        (Shape::Vote, false) => MessageKind::VoteReply,
        (Shape::Append | Shape::Snapshot, true) => MessageKind::Append,
        (Shape::Append | Shape::Snapshot, false) => MessageKind::AppendReply,
        (Shape::Client, _) => MessageKind::Client,
    };
    let subjects = [
        Subject::Node(NodeId(1)),
        Subject::Messages(kind_subject),
        Subject::Entry {
            node: NodeId(2),
            index: 1,
        },
        Subject::Client,
    ];
    let f = view::frame(&w, &empty_history(), &stage, None, &subjects);
    for n in &f.nodes {
        let want = if n.id == NodeId(1) {
            Focus::Lit
        } else {
            Focus::Dim
        };
        assert_eq!(n.focus, want, "{}", n.name);
    }
    for m in f.messages.iter().filter(|m| m.lost.is_none()) {
        let same = (m.shape, m.request) == (kind.shape, kind.request);
        assert_eq!(m.focus == Focus::Lit, same, "{m:?}");
        assert_eq!(m.focus == Focus::Dim, !same, "{m:?}");
    }
    for c in &f.cells {
        let want = if c.row == 2 && f.first_index + c.col as u64 == 1 {
            Focus::Lit
        } else {
            Focus::Dim
        };
        assert_eq!(c.focus, want, "{c:?}");
    }
    assert_eq!(f.client.focus, Focus::Lit);

    let rec = drawn(&f, &stage);
    let b = &f.nodes[1];
    // A lit node sits on a soft glow, a filled disc wider than the node (no ring).
    assert!(rec.calls.iter().any(|c| matches!(c,
        Call::Circle { center, radius, fill: Some(fill), stroke: None }
            if *center == b.at && *radius > b.radius * 1.2 && *fill == LIGHT.spot)));
    assert!(
        at_the_rim(&rec, b).is_empty(),
        "B is a follower: still no border"
    );
    // The rest is faded.
    assert!(rec.calls.contains(&Call::Alpha(DIM)));
    // The lit cell has a heavier outline than the others.
    let widths: Vec<f64> = rec
        .calls
        .iter()
        .filter_map(|c| match c {
            Call::Rect {
                stroke: Some(s),
                width,
                ..
            } if *width < stage.logs.cell_width => Some(s.width),
            _ => None,
        })
        .collect();
    let heavy = widths.iter().filter(|w| **w >= 2.0).count();
    assert_eq!(heavy, 1, "{widths:?}");
    // Lit messages are drawn bigger than without a spotlight.
    let extent = |rec: &Recorder, at: Point| {
        rec.calls
            .iter()
            .filter_map(|c| match c {
                Call::Circle {
                    center,
                    radius,
                    fill,
                    ..
                } if *center == at && *fill != Some(LIGHT.spot) => Some(*radius),
                Call::Polygon(pts, ..) if pts.len() == 4 && (pts[0].x - at.x).abs() < 1e-9 => {
                    Some(at.y - pts[0].y)
                }
                Call::Rect {
                    top_left, width, ..
                } if (top_left.x + width / 2.0 - at.x).abs() < 1e-9 => Some(width / 2.0),
                _ => None,
            })
            .fold(0.0, f64::max)
    };
    let lit = f
        .messages
        .iter()
        .find(|m| m.focus == Focus::Lit)
        .expect("lit");
    let normal = plain
        .messages
        .iter()
        .find(|m| m.id == lit.id)
        .expect("same");
    assert!(extent(&rec, lit.at) > extent(&drawn(&plain, &stage), normal.at));
}

#[test]
fn an_empty_subject_list_is_no_spotlight_and_changes_nothing() {
    let w = busy_world();
    let stage = Stage::new(5, 1280.0, 800.0, view::longest_log(&w));
    let f = view::frame(&w, &empty_history(), &stage, None, &[]);
    assert!(f.nodes.iter().all(|n| n.focus == Focus::Normal));
    assert!(f.messages.iter().all(|m| m.focus == Focus::Normal));
    assert!(f.cells.iter().all(|c| c.focus == Focus::Normal));
    assert_eq!(f.client.focus, Focus::Normal);
    let rec = drawn(&f, &stage);
    assert!(
        !rec.calls.iter().any(|c| matches!(c, Call::Alpha(_))),
        "no fading"
    );
    assert!(
        !rec.calls.iter().any(|c| matches!(c,
        Call::Circle { fill: Some(x), .. } | Call::Rect { fill: Some(x), .. } if *x == LIGHT.spot))
    );
}
