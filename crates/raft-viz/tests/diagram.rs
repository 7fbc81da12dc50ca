//! The space-time diagram's model, read from the history of real runs with message
//! loss, a crash and a partition (issue 12): its lanes agree with a forward replay of
//! every role and term change, its lines with the sends, deliveries and losses, and a
//! click on a line or a mark selects that message or that event.

use core::time::Duration;
use std::collections::BTreeMap;

use raft_sim::history::Record;
use raft_sim::network::{Endpoint, MsgId};
use raft_sim::raft_core::{Event, Instant, NodeId, Role};
use raft_sim::{Action, NetworkSettings, Op, Setup, Timeline};
use raft_viz::diagram::{
    self, Diagram, Fate, LaneState, MarkKind, Scale, Window, build, line_ends, mark_at,
};
use raft_viz::layout::Point;
use raft_viz::paint::Recorder;
use raft_viz::theme::LIGHT;
use raft_viz::view::Selection;

fn ms(n: u64) -> Instant {
    Instant::from_micros(n * 1_000)
}

/// A five-node run with 15% loss, a client write, the first leader crashed at 1.5 s
/// and restarted at 2.5 s, and E cut off from 3 s to 4 s; 5 s in all.
fn faulty_run() -> Timeline {
    let mut t = Timeline::new(&Setup {
        seed: 7,
        ..Setup::default()
    })
    .expect("valid setup");
    t.act(Action::SetNetwork(NetworkSettings {
        loss_ppm: 150_000,
        ..NetworkSettings::default()
    }))
    .expect("settings");
    t.advance_to(ms(1_000));
    t.act(Action::ClientRequest {
        op: Op::Set(5),
        to: None,
    })
    .expect("client");
    t.advance_to(ms(1_500));
    let leader = t.world().leader().expect("a leader within 1.5 s");
    t.act(Action::Crash(leader)).expect("crash");
    t.advance_to(ms(2_500));
    t.act(Action::Restart(leader)).expect("restart");
    t.advance_to(ms(3_000));
    let ids = t.world().ids().to_vec();
    let e = ids[4];
    t.act(Action::Partition(vec![ids[..4].to_vec(), vec![e]]))
        .expect("partition");
    t.advance_to(ms(4_000));
    t.act(Action::Heal).expect("heal");
    t.advance_to(ms(5_000));
    t
}

/// Each node's state after every history item, by a forward replay from the start:
/// an independent reading to check the diagram's backward walk against.
fn states_by_replay(t: &Timeline) -> BTreeMap<NodeId, Vec<(Instant, LaneState)>> {
    let mut out: BTreeMap<NodeId, Vec<(Instant, LaneState)>> = BTreeMap::new();
    let mut now: BTreeMap<NodeId, (Role, u64, bool)> = t
        .world()
        .ids()
        .iter()
        .map(|&id| (id, (Role::Follower, 0, true)))
        .collect();
    for item in t.history().iter() {
        let (node, next) = match &item.record {
            Record::Node { node, event } => {
                let Some(&(role, term, up)) = now.get(node) else {
                    continue;
                };
                match event {
                    Event::RoleChanged { to, .. } => (*node, (*to, term, up)),
                    Event::TermChanged { to, .. } => (*node, (role, to.0, up)),
                    _ => continue,
                }
            }
            Record::Crashed(node) => {
                let (role, term, _) = now[node];
                (*node, (role, term, false))
            }
            Record::Restarted(node) => {
                let (_, term, _) = now[node];
                (*node, (Role::Follower, term, true))
            }
            _ => continue,
        };
        now.insert(node, next);
        let (role, term, up) = next;
        let state = if up {
            LaneState::Up { role, term }
        } else {
            LaneState::Down
        };
        out.entry(node).or_default().push((item.at, state));
    }
    out
}

fn state_at(changes: &[(Instant, LaneState)], t: Instant) -> LaneState {
    changes.iter().rev().find(|(at, _)| *at <= t).map_or(
        LaneState::Up {
            role: Role::Follower,
            term: 0,
        },
        |(_, s)| *s,
    )
}

#[test]
fn lanes_follow_every_role_and_term_change_through_a_crash_and_a_partition_figure_2() {
    let t = faulty_run();
    let replay = states_by_replay(&t);
    // Windows that start before, inside and after the faults.
    for from in [0, 1_200, 1_700, 2_600, 3_300, 4_100] {
        let window = Window {
            from: ms(from),
            to: ms(5_000),
        };
        let d = build(t.world(), t.history(), window);
        assert_eq!(d.lanes.len(), 5);
        for lane in &d.lanes {
            assert_eq!(lane.spans.first().map(|s| s.from), Some(window.from));
            assert_eq!(lane.spans.last().map(|s| s.to), Some(window.to));
            assert!(lane.spans.windows(2).all(|p| p[0].to == p[1].from));
            let changes = replay.get(&lane.node).map_or(&[][..], Vec::as_slice);
            for span in &lane.spans {
                // The state in the middle of every span is what the replay says.
                let mid = Instant::from_micros((span.from.as_micros() + span.to.as_micros()) / 2);
                assert_eq!(
                    span.state,
                    state_at(changes, mid),
                    "node {:?} at {mid:?} (window from {from} ms)",
                    lane.node
                );
            }
        }
    }
    // The crashed leader's lane: leader, then down for a second, then a follower.
    let crashed = t
        .history()
        .iter()
        .find_map(|i| match i.record {
            Record::Crashed(n) => Some(n),
            _ => None,
        })
        .expect("a crash");
    let d = build(
        t.world(),
        t.history(),
        Window {
            from: ms(1_000),
            to: ms(3_000),
        },
    );
    let lane = d
        .lanes
        .iter()
        .find(|l| l.node == crashed)
        .expect("its lane");
    let states: Vec<LaneState> = lane.spans.iter().map(|s| s.state).collect();
    assert!(
        matches!(
            states[0],
            LaneState::Up {
                role: Role::Leader,
                ..
            }
        ),
        "{states:?}"
    );
    let down = lane
        .spans
        .iter()
        .find(|s| s.state == LaneState::Down)
        .expect("down");
    assert_eq!((down.from, down.to), (ms(1_500), ms(2_500)));
    assert!(
        d.marks
            .iter()
            .any(|m| m.kind == MarkKind::Crash && m.at == ms(1_500))
    );
    assert!(
        d.marks
            .iter()
            .any(|m| m.kind == MarkKind::Restart && m.at == ms(2_500))
    );
}

#[test]
fn the_cut_off_node_campaigns_alone_in_rising_terms_and_its_requests_are_lost_section_5_2() {
    let t = faulty_run();
    let e = t.world().ids()[4];
    let d = build(
        t.world(),
        t.history(),
        Window {
            from: ms(3_000),
            to: ms(4_000),
        },
    );
    let lane = d.lanes.iter().find(|l| l.node == e).expect("E's lane");
    let candidate_terms: Vec<u64> = lane
        .spans
        .iter()
        .filter_map(|s| match s.state {
            LaneState::Up {
                role: Role::Candidate,
                term,
            } => Some(term),
            _ => None,
        })
        .collect();
    assert!(candidate_terms.len() >= 2, "{:?}", lane.spans);
    assert!(candidate_terms.windows(2).all(|p| p[0] < p[1]));
    let timeouts = d
        .marks
        .iter()
        .filter(|m| m.node == e && m.kind == MarkKind::Timeout)
        .count();
    assert!(timeouts >= 2);
    // Its vote requests never arrive: every one ends in a loss.
    let from_e: Vec<_> = d
        .lines
        .iter()
        .filter(|l| l.from == Endpoint::Node(e) && l.shape == raft_viz::view::Shape::Vote)
        .collect();
    assert!(!from_e.is_empty());
    assert!(from_e.iter().all(|l| l.fate == Fate::Lost), "{from_e:?}");
}

/// Where each message of the history went: delivered at, lost at, or neither.
fn fates(t: &Timeline) -> BTreeMap<MsgId, (Instant, Fate)> {
    let mut out = BTreeMap::new();
    for item in t.history().iter() {
        match item.record {
            Record::Delivered { id } => {
                out.insert(id, (item.at, Fate::Delivered));
            }
            Record::Dropped { id, .. } => {
                out.insert(id, (item.at, Fate::Lost));
            }
            _ => {}
        }
    }
    out
}

#[test]
fn every_line_ends_where_its_message_was_delivered_or_lost_or_at_now_in_flight() {
    let mut t = faulty_run();
    // Stop in the middle of traffic: some messages are still on their way.
    while t.world().flights().next().is_none() {
        let next = t.world().now().after(Duration::from_millis(1));
        t.advance_to(next);
    }
    let now = t.world().now();
    let window = Window {
        from: ms(4_000),
        to: now,
    };
    let d = build(t.world(), t.history(), window);
    let fates = fates(&t);
    let mut seen = [0usize; 3];
    for line in &d.lines {
        assert!(line.end >= window.from && line.end <= now);
        match fates.get(&line.id) {
            Some(&(at, fate)) => {
                assert_eq!((line.end, line.fate), (at, fate), "{line:?}");
                seen[if fate == Fate::Lost { 1 } else { 0 }] += 1;
            }
            None => {
                assert_eq!((line.end, line.fate), (now, Fate::InFlight));
                assert!(t.world().flight(line.id).is_some(), "in flight: {line:?}");
                seen[2] += 1;
            }
        }
    }
    assert!(
        seen.iter().all(|&n| n > 0),
        "delivered, lost, in flight: {seen:?}"
    );
    // And every message in flight has its line.
    for f in t.world().flights() {
        assert!(
            d.lines.iter().any(|l| l.id == f.id),
            "{:?} has no line",
            f.id
        );
    }
    // The client's write and its answer have a lane of their own.
    let d = build(
        t.world(),
        t.history(),
        Window {
            from: ms(900),
            to: ms(1_500),
        },
    );
    assert!(d.client);
}

fn scale(d: &Diagram) -> Scale {
    Scale::of(d, 900.0, 180.0)
}

#[test]
fn a_click_on_a_line_selects_its_message_and_on_a_mark_its_event() {
    let t = faulty_run();
    let d = build(
        t.world(),
        t.history(),
        diagram::window(t.world().now(), diagram::DEFAULT_SPAN, None),
    );
    assert_eq!(d.window.to, t.world().now(), "the window ends at now");
    let s = scale(&d);
    let mut checked = 0;
    for line in d.lines.iter().filter(|l| !l.heartbeat).take(20) {
        let (a, b) = line_ends(&d, &s, line).expect("both lanes shown");
        let mid = Point {
            x: (a.x + b.x) / 2.0,
            y: (a.y + b.y) / 2.0,
        };
        let hit = diagram::hit(&d, &s, mid);
        // Lines cross; the nearest at that point must at least be a message whose
        // line passes within a few pixels, and the line's own id when it is alone.
        if let Some(Selection::Message(id)) = hit {
            let other = d.lines.iter().find(|l| l.id == id).expect("a line");
            let (c, e) = line_ends(&d, &s, other).expect("ends");
            let cross = (e.x - c.x) * (mid.y - c.y) - (e.y - c.y) * (mid.x - c.x);
            let len = ((e.x - c.x).powi(2) + (e.y - c.y).powi(2)).sqrt();
            assert!(cross.abs() / len.max(1.0) <= 4.0 + 1e-9);
            checked += usize::from(id == line.id);
        }
    }
    assert!(checked > 5, "{checked} lines picked by their own midpoint");
    let m = d.marks.last().expect("marks");
    let at = mark_at(&d, &s, m).expect("on a lane");
    assert!(matches!(
        diagram::hit(&d, &s, at),
        Some(Selection::Event(_))
    ));
    // Far from everything, nothing.
    assert_eq!(diagram::hit(&d, &s, Point { x: 450.0, y: 179.0 }), None);
}

#[test]
fn the_tour_window_spans_the_step_with_room_either_side() {
    let w = diagram::window(ms(300), diagram::DEFAULT_SPAN, Some((ms(200), ms(800))));
    assert!(w.from < ms(200) && w.to > ms(800));
    let w = diagram::window(ms(0), diagram::DEFAULT_SPAN, Some((ms(0), ms(0))));
    assert!(w.to > w.from);
    let w = diagram::window(ms(100_000), Duration::from_secs(3600), None);
    assert_eq!(w.span_us(), diagram::MAX_SPAN.as_micros() as u64);
}

#[test]
fn the_drawing_names_every_lane_and_marks_the_selected_line() {
    let t = faulty_run();
    let d = build(
        t.world(),
        t.history(),
        diagram::window(t.world().now(), diagram::DEFAULT_SPAN, None),
    );
    let s = scale(&d);
    let chosen = d.lines.iter().find(|l| !l.heartbeat).expect("a line");
    let mut rec = Recorder::default();
    diagram::draw::draw(
        &d,
        &s,
        &LIGHT,
        Some(Selection::Message(chosen.id)),
        &[],
        "client",
        &mut rec,
    );
    let texts = rec.texts();
    for name in ["A", "B", "C", "D", "E"] {
        assert!(texts.contains(&name), "{texts:?}");
    }
    assert!(texts.iter().any(|t| t.ends_with(" ms")));
    let (a, b) = line_ends(&d, &s, chosen).expect("ends");
    let selected = rec.calls.iter().any(|c| {
        matches!(c, raft_viz::paint::Call::Line(p, q, st)
            if *p == a && *q == b && st.color == LIGHT.selection)
    });
    assert!(
        selected,
        "the selected line is drawn in the selection colour"
    );
}

/// Checks that `svg` is one well-formed element tree (every tag closed in order,
/// attribute values quoted) and returns the tag names seen.
fn well_formed(svg: &str) -> Vec<String> {
    let mut open: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("every tag ends") + start;
        let tag = &rest[start + 1..end];
        assert_eq!(
            tag.matches('"').count() % 2,
            0,
            "quotes balanced in <{tag}>"
        );
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop().as_deref(), Some(name), "closing order");
        } else {
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if !tag.ends_with('/') {
                open.push(name.clone());
            }
            seen.push(name);
        }
        // Text between tags has no bare '<' or '&' that is not an entity.
        let text = &rest[end + 1
            ..rest[end + 1..]
                .find('<')
                .map_or(rest.len(), |i| i + end + 1)];
        assert!(!text.contains('>'), "{text}");
        rest = &rest[end + 1..];
    }
    assert!(open.is_empty(), "unclosed: {open:?}");
    seen
}

fn sandbox_app() -> raft_viz::app::App {
    let o = raft_viz::options::Options {
        seed: Some(42),
        ..raft_viz::options::Options::default()
    };
    let mut app = raft_viz::app::App::new(&o, 0).expect("valid");
    app.command(raft_viz::command::Command::Seek(ms(2_000)))
        .expect("seek");
    app
}

#[test]
fn the_svg_export_is_the_diagram_drawn_as_a_well_formed_document_named_after_the_seed() {
    let app = sandbox_app();
    let svg = raft_viz::export::diagram_svg(
        &app,
        app.diagram_window(),
        (800.0, 170.0),
        &LIGHT,
        "\"Noto Sans\", sans-serif",
        "client",
    );
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"170\"")
    );
    let tags = well_formed(&svg);
    assert_eq!(tags.first().map(String::as_str), Some("svg"));
    let lines = tags.iter().filter(|t| *t == "line").count();
    let d = app.diagram();
    assert!(
        lines >= d.lines.len(),
        "{lines} <line>s for {} messages",
        d.lines.len()
    );
    for name in ["A", "B", "C", "D", "E"] {
        assert!(svg.contains(&format!(">{name}</text>")), "lane {name}");
    }
    assert!(svg.contains("&quot;Noto Sans&quot;"));
    assert_eq!(
        raft_viz::export::file_name(&app, "svg"),
        "raft-seed-42-2000ms.svg"
    );
}

#[test]
fn a_tour_pictures_name_says_its_scene_and_step() {
    let (o, _) = raft_viz::options::parse("scene=figure-8&step=3", |id| {
        raft_sim::scene::by_id(id).is_some()
    });
    let app = raft_viz::app::App::new(&o, 0).expect("valid");
    let name = raft_viz::export::file_name(&app, "png");
    assert!(
        name.starts_with("figure-8-step-3-") && name.ends_with("ms.png"),
        "{name}"
    );
}

/// The takeaway module draws its pictures of the run it rebuilds from the page's share
/// link (`export::reopen`): that run must be the page's, to the µs, or the picture would
/// show another one. Checked on a sandbox the reader changed (a crash, a partition, a
/// client write, each replayed from the link) at a moment between two milliseconds,
/// and on a tour step (the Figure 8 scene, §5.4.2).
#[test]
fn a_run_rebuilt_from_its_share_link_draws_the_same_pictures() {
    use raft_viz::command::Command;
    let mut sandbox = sandbox_app();
    for cmd in [
        Command::Crash(NodeId(0)),
        Command::Seek(Instant::from_micros(2_600_000)),
        Command::Partition(vec![vec![NodeId(1), NodeId(2)], vec![NodeId(3), NodeId(4)]]),
        Command::Seek(Instant::from_micros(3_400_000)),
        Command::Heal,
        Command::Seek(Instant::from_micros(4_123_457)),
    ] {
        sandbox.command(cmd).expect("the reader's change");
    }
    assert!(!sandbox.timeline().actions().is_empty());
    let (o, _) = raft_viz::options::parse("scene=figure-8&step=4", |id| {
        raft_sim::scene::by_id(id).is_some()
    });
    let tour = raft_viz::app::App::new(&o, 0).expect("valid");
    for app in [sandbox, tour] {
        let at = app.world().now();
        let link = raft_viz::share::query(&app);
        let copy = raft_viz::export::reopen(&link, at).expect("the link opens");
        assert_eq!(copy.world().now(), at, "{link}");
        let window = app.diagram_window();
        let svg = |a: &raft_viz::app::App| {
            raft_viz::export::diagram_svg(a, window, (800.0, 200.0), &LIGHT, "serif", "client")
        };
        assert_eq!(svg(&copy), svg(&app), "{link}");
        assert_eq!(
            raft_viz::export::file_name(&copy, "png"),
            raft_viz::export::file_name(&app, "png")
        );
        let frame = |a: &raft_viz::app::App| {
            let mut r = Recorder::default();
            raft_viz::draw::draw(&a.frame(), a.stage(), &LIGHT, &mut r);
            format!("{r:?}")
        };
        assert_eq!(frame(&copy), frame(&app), "{link}");
    }
}

#[test]
fn a_link_the_takeaway_module_cannot_read_is_an_error_not_a_picture() {
    let at = Instant::from_micros(1_000);
    assert!(raft_viz::export::reopen("scene=no-such-scene", at).is_err());
    assert!(raft_viz::export::reopen("seed=1&a=%%%", at).is_err());
}
