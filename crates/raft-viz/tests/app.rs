//! The application controller, natively: playback, commands, snapshot.

use core::time::Duration;

use raft_sim::raft_core::{Instant, NodeId};
use raft_sim::{MsgId, Op};
use raft_viz::app::App;
use raft_viz::command::{Command, CommandError, NetworkChange, Outcome};
use raft_viz::options::{self, Options};
use raft_viz::snapshot::Snapshot;

fn app(seed: u64) -> App {
    let o = Options {
        seed: Some(seed),
        ..Options::default()
    };
    App::new(&o, 0).expect("valid")
}

fn run(app: &mut App, wall_ms: f64) {
    let mut left = wall_ms;
    while left > 0.0 {
        let step = left.min(16.0);
        app.tick(step);
        left -= step;
    }
}

#[test]
fn playback_advances_virtual_time_at_the_chosen_speed() {
    let mut a = app(1);
    assert!(a.playing());
    run(&mut a, 1_500.0); // 1.5 s of wall time at 1/15 speed = 100 ms virtual
    let t = Snapshot::of(&a).time_ms;
    assert!((99.0..=101.0).contains(&t), "{t}");
    a.command(Command::Speed(1.0)).expect("valid");
    run(&mut a, 100.0);
    let t2 = Snapshot::of(&a).time_ms;
    assert!((t2 - t - 100.0).abs() < 1.5, "{t} {t2}");
}

#[test]
fn a_hidden_tab_does_not_fast_forward() {
    let mut a = app(1);
    a.tick(60_000.0);
    assert!(Snapshot::of(&a).time_ms <= 250.0 / 15.0 + 0.01);
}

#[test]
fn paused_and_drawn_means_no_frames_are_needed() {
    let mut a = app(2);
    a.command(Command::Pause).expect("valid");
    assert_eq!(
        a.next_frame_in_ms(),
        Some(0.0),
        "the pause itself must be drawn"
    );
    assert!(a.tick(16.0));
    assert_eq!(a.next_frame_in_ms(), None);
    let t = Snapshot::of(&a).time_ms;
    assert!(!a.tick(1_000.0));
    assert_eq!(Snapshot::of(&a).time_ms, t);
    a.command(Command::Play).expect("valid");
    assert!(a.next_frame_in_ms().is_some());
}

#[test]
fn frames_while_playing_are_paced_not_every_refresh() {
    let mut a = app(3);
    a.tick(16.0);
    let d = a.next_frame_in_ms().expect("playing");
    assert!(d > 0.0 && d <= 100.0, "{d}");
}

#[test]
fn the_sandbox_elects_a_leader_within_a_few_seconds_of_watching() {
    let mut a = app(4);
    run(&mut a, 8_000.0);
    assert!(Snapshot::of(&a).leader.is_some());
}

#[test]
fn commands_by_node_name_crash_restart_and_set_5() {
    let mut a = app(5);
    a.command(Command::Speed(1.0)).expect("valid");
    run(&mut a, 1_000.0);
    let leader = Snapshot::of(&a).leader.expect("leader");
    let id = a.node_id(&leader).expect("a node");
    a.command(Command::Crash(id)).expect("valid");
    assert_eq!(
        Snapshot::of(&a)
            .nodes
            .iter()
            .find(|n| n.name == leader)
            .map(|n| n.role),
        Some("crashed")
    );
    assert_eq!(
        a.node_id(&leader.to_lowercase()),
        Ok(id),
        "names are case-insensitive"
    );
    a.command(Command::Restart(id)).expect("valid");
    a.command(Command::Client {
        op: Op::Set(5),
        to: None,
    })
    .expect("valid");
    run(&mut a, 3_000.0);
    let s = Snapshot::of(&a);
    assert!(
        s.nodes.iter().all(|n| n.value == 5),
        "{:?}",
        s.nodes.iter().map(|n| n.value).collect::<Vec<_>>()
    );
    assert!(
        s.nodes
            .iter()
            .all(|n| n.log.iter().any(|e| e.command == "set 5" && e.committed))
    );
    assert!(s.safe);
}

#[test]
fn bad_commands_are_refused_with_their_reason_and_change_nothing() {
    let mut a = app(6);
    let before = Snapshot::of(&a);
    for (cmd, why) in [
        (
            Command::Crash(NodeId(25)),
            CommandError::Refused(raft_sim::ActionError::NoSuchNode(NodeId(25))),
        ),
        (Command::Speed(5.0), CommandError::Speed),
        (Command::Speed(f64::NAN), CommandError::Speed),
        (Command::Nodes(0), CommandError::NodeCount),
        (Command::Nodes(50), CommandError::NodeCount),
        (
            Command::Seek(Instant::from_millis(11 * 60 * 1_000)),
            CommandError::SeekTooFar,
        ),
        (
            Command::Cut {
                from: NodeId(0),
                to: NodeId(0),
                both: true,
            },
            CommandError::SameNode,
        ),
        (
            Command::Network(NetworkChange {
                loss: Some(2.0),
                ..NetworkChange::default()
            }),
            CommandError::Probability,
        ),
        (
            Command::Network(NetworkChange {
                latency_min: Some(Duration::from_millis(30)),
                latency_max: Some(Duration::from_millis(10)),
                ..NetworkChange::default()
            }),
            CommandError::LatencyOrder,
        ),
        (
            Command::Timeouts {
                min: Duration::ZERO,
                max: Duration::from_millis(100),
            },
            CommandError::ElectionTimeout,
        ),
        (
            Command::Tour {
                scene: "nope".into(),
                step: 0,
                play: false,
            },
            CommandError::NoScene("nope".into()),
        ),
        (
            Command::Drop(MsgId(999_999)),
            CommandError::Refused(raft_sim::ActionError::NoSuchMessage(MsgId(999_999))),
        ),
    ] {
        assert_eq!(a.command(cmd.clone()), Err(why), "{cmd:?}");
    }
    let after = Snapshot::of(&a);
    assert_eq!(before.nodes, after.nodes);
    assert_eq!(before.time_ms, after.time_ms);
}

#[test]
fn the_same_seed_reproduces_the_same_run() {
    let (mut a, mut b) = (app(7), app(7));
    run(&mut a, 5_000.0);
    run(&mut b, 5_000.0);
    assert_eq!(Snapshot::of(&a), Snapshot::of(&b));
    b.command(Command::Seed(8)).expect("valid");
    run(&mut b, 5_000.0);
    assert_ne!(Snapshot::of(&a).nodes, Snapshot::of(&b).nodes);
}

#[test]
fn stepping_back_and_forward_and_going_live() {
    let mut a = app(9);
    run(&mut a, 3_000.0);
    a.command(Command::Pause).expect("valid");
    let here = Snapshot::of(&a);
    a.command(Command::Step).expect("valid");
    a.command(Command::Back).expect("valid");
    assert_eq!(Snapshot::of(&a).nodes, here.nodes);
    a.command(Command::Seek(Instant::from_millis(10)))
        .expect("valid");
    assert!(!Snapshot::of(&a).live);
    a.command(Command::Live).expect("valid");
    assert!(Snapshot::of(&a).live);
}

#[test]
fn opening_a_scene_and_taking_over_with_an_action() {
    let (o, notices) = options::parse("scene=split-vote&seed=1", |id| {
        raft_sim::scene::by_id(id).is_some()
    });
    assert!(notices.is_empty());
    let mut a = App::new(&o, 0).expect("valid");
    assert_eq!(Snapshot::of(&a).scene.as_deref(), Some("split-vote"));
    assert_eq!(Snapshot::of(&a).nodes.len(), 4);
    a.command(Command::Next).expect("valid");
    run(&mut a, 10_000.0);
    assert!(a.scene().is_some_and(|s| s.passed(a.world()) >= 2));
    a.command(Command::Crash(NodeId(0))).expect("valid");
    assert_eq!(
        Snapshot::of(&a).scene,
        None,
        "acting leaves the tour for the sandbox"
    );
    assert_eq!(Snapshot::of(&a).nodes.len(), 4, "keeping the world");
}

/// Issue 9: seeking in a scene before it has played kept neither the scene nor its
/// cues. The article's split vote: at 160 ms, B and C are candidates.
#[test]
fn seeking_in_a_scene_before_playing_it_keeps_the_scene_and_its_cues_article_split_vote() {
    let (o, _) = options::parse("scene=split-vote&autoplay=0", |id| {
        raft_sim::scene::by_id(id).is_some()
    });
    let mut fresh = App::new(&o, 0).expect("valid");
    fresh
        .command(Command::Seek(Instant::from_millis(160)))
        .expect("seek");
    let s = Snapshot::of(&fresh);
    assert_eq!(s.scene.as_deref(), Some("split-vote"), "still in the scene");
    let roles: Vec<&str> = s.nodes.iter().map(|n| n.role).collect();
    assert_eq!(roles[1..3], ["candidate", "candidate"], "{roles:?}");
    // The same moment reached by one event at a time.
    let mut stepped = App::new(&o, 0).expect("valid");
    while stepped.world().next_event_time() <= Some(Instant::from_millis(160)) {
        stepped.command(Command::Step).expect("step");
    }
    stepped
        .command(Command::Seek(Instant::from_millis(160)))
        .expect("seek");
    assert_eq!(Snapshot::of(&stepped).nodes, s.nodes);
    // Stepping back keeps the scene too.
    fresh.command(Command::Back).expect("back");
    assert!(fresh.scene().is_some());
}

/// Issue 9: every waypoint of every scene holds when a fresh page seeks to its time.
#[test]
fn seeking_to_each_waypoints_time_from_a_fresh_load_shows_that_waypoint() {
    for scene in raft_sim::scene::all() {
        let o = Options {
            scene: Some(scene.id.to_owned()),
            autoplay: false,
            ..Options::default()
        };
        let reached: Vec<_> = App::new(&o, 0)
            .expect("valid")
            .scene()
            .expect("a scene")
            .reached()
            .map(|(w, m)| (*w, m))
            .collect();
        assert_eq!(reached.len(), scene.waypoints.len(), "{}", scene.id);
        for (i, (w, m)) in reached.into_iter().enumerate() {
            let mut a = App::new(&o, 0).expect("valid");
            a.command(Command::Seek(m.at)).expect("seek");
            let run = a.scene().expect("still in the scene");
            assert!((w.reached)(a.world()), "{}/{} at {}", scene.id, w.id, m.at);
            assert_eq!(run.passed(a.world()), i + 1, "{}/{}", scene.id, w.id);
            assert_eq!(
                run.current_waypoint(a.world()).map(|c| c.id),
                Some(w.id),
                "{}",
                scene.id
            );
        }
    }
}

#[test]
fn a_new_run_and_a_new_language_are_told_apart_from_other_commands() {
    let mut a = app(11);
    assert_eq!(a.command(Command::Pause), Ok(Outcome::Done));
    assert_eq!(a.command(Command::Seed(12)), Ok(Outcome::NewRun));
    assert_eq!(a.command(Command::Nodes(3)), Ok(Outcome::NewRun));
    assert_eq!(
        a.command(Command::Tour {
            scene: "split-vote".into(),
            step: 0,
            play: false
        }),
        Ok(Outcome::NewRun)
    );
    assert_eq!(
        a.command(Command::Lang(raft_viz::lang::Lang::Zh)),
        Ok(Outcome::NewLang)
    );
}

#[test]
fn resizing_changes_the_layout_and_clicks_select_nodes() {
    let mut a = app(10);
    a.resize(1280.0, 800.0);
    let at = a.stage().node(2).expect("node");
    assert_eq!(
        a.click(at),
        Some(raft_viz::view::Selection::Node(NodeId(2)))
    );
    a.resize(390.0, 700.0);
    assert_ne!(a.stage().node(2), Some(at));
}

#[test]
fn the_client_is_labelled_in_the_readers_language() {
    use raft_viz::draw::draw;
    use raft_viz::paint::Recorder;
    use raft_viz::theme::LIGHT;

    let mut a = app(3);
    let texts = |a: &App| {
        let mut rec = Recorder::default();
        draw(&a.frame(), a.stage(), &LIGHT, &mut rec);
        rec.texts()
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    assert!(texts(&a).iter().any(|t| t == "client"));
    raft_viz::lang::install_bundled();
    a.command(Command::Lang(raft_viz::lang::Lang::Zh))
        .expect("zh");
    let zh = texts(&a);
    assert!(zh.iter().any(|t| t == "客户端"), "{zh:?}");
    assert!(!zh.iter().any(|t| t == "client"), "{zh:?}");
}

#[test]
fn refusals_name_what_was_wrong_in_the_readers_language() {
    let a = app(6);
    let en = raft_viz::lang::Lang::En;
    assert_eq!(
        CommandError::Speed.describe(en),
        "speed must be between 0.001 and 1"
    );
    assert_eq!(
        a.node_id(" Z ").map_err(|e| e.describe(en)),
        Err(String::from("no node \"Z\" in a cluster of 5"))
    );
    assert_eq!(
        CommandError::NoScene("nope".into()).describe(en),
        "no scene called nope"
    );
    raft_viz::lang::install_bundled();
    let zh = CommandError::SameNode.describe(raft_viz::lang::Lang::Zh);
    assert!(!zh.contains("link"), "{zh}");
    assert_eq!(
        Snapshot::of(&a).seed,
        "6",
        "the seed is a decimal string in the snapshot"
    );
}
