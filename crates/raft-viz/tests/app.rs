//! The application controller, natively: playback, commands, snapshot.

use raft_viz::app::{App, UiCommand};
use raft_viz::options::{self, Options};

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
    let t = a.snapshot().time_ms;
    assert!((99.0..=101.0).contains(&t), "{t}");
    a.command(UiCommand::Speed { value: 1.0 }).expect("valid");
    run(&mut a, 100.0);
    let t2 = a.snapshot().time_ms;
    assert!((t2 - t - 100.0).abs() < 1.5, "{t} {t2}");
}

#[test]
fn a_hidden_tab_does_not_fast_forward() {
    let mut a = app(1);
    a.tick(60_000.0);
    assert!(a.snapshot().time_ms <= 250.0 / 15.0 + 0.01);
}

#[test]
fn paused_and_drawn_means_no_frames_are_needed() {
    let mut a = app(2);
    a.command(UiCommand::Pause).expect("valid");
    assert_eq!(
        a.next_frame_in_ms(),
        Some(0.0),
        "the pause itself must be drawn"
    );
    assert!(a.tick(16.0));
    assert_eq!(a.next_frame_in_ms(), None);
    let t = a.snapshot().time_ms;
    assert!(!a.tick(1_000.0));
    assert_eq!(a.snapshot().time_ms, t);
    a.command(UiCommand::Play).expect("valid");
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
    assert!(a.snapshot().leader.is_some());
}

#[test]
fn commands_by_node_name_crash_restart_and_set_5() {
    let mut a = app(5);
    a.command(UiCommand::Speed { value: 1.0 }).expect("valid");
    run(&mut a, 1_000.0);
    let leader = a.snapshot().leader.expect("leader");
    a.command(UiCommand::Crash {
        node: leader.clone(),
    })
    .expect("valid");
    assert_eq!(
        a.snapshot()
            .nodes
            .iter()
            .find(|n| n.name == leader)
            .map(|n| n.role),
        Some("crashed")
    );
    a.command(UiCommand::Restart {
        node: leader.to_lowercase(),
    })
    .expect("names are case-insensitive");
    a.command(UiCommand::Set {
        value: 5,
        node: None,
    })
    .expect("valid");
    run(&mut a, 3_000.0);
    let s = a.snapshot();
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
fn bad_commands_are_refused_with_a_message_and_change_nothing() {
    let mut a = app(6);
    let before = a.snapshot();
    for cmd in [
        UiCommand::Crash { node: "Z".into() },
        UiCommand::Crash { node: "".into() },
        UiCommand::Speed { value: 5.0 },
        UiCommand::Speed { value: f64::NAN },
        UiCommand::Nodes { count: 0 },
        UiCommand::Nodes { count: 50 },
        UiCommand::Seek { ms: -1.0 },
        UiCommand::Cut {
            from: "A".into(),
            to: "A".into(),
            both: None,
        },
        UiCommand::Network {
            loss: Some(2.0),
            latency_min: None,
            latency_max: None,
            duplicate: None,
            reorder: None,
        },
        UiCommand::Timeouts {
            min: 300.0,
            max: 100.0,
        },
        UiCommand::Scene { id: "nope".into() },
        UiCommand::Lang { lang: "fr".into() },
        UiCommand::Drop { message: 999_999 },
    ] {
        let err = a.command(cmd.clone()).expect_err("refused");
        assert!(!err.0.is_empty(), "{cmd:?}");
    }
    let after = a.snapshot();
    assert_eq!(before.nodes, after.nodes);
    assert_eq!(before.time_ms, after.time_ms);
}

#[test]
fn the_same_seed_reproduces_the_same_run() {
    let (mut a, mut b) = (app(7), app(7));
    run(&mut a, 5_000.0);
    run(&mut b, 5_000.0);
    assert_eq!(a.snapshot(), b.snapshot());
    b.command(UiCommand::Seed { seed: 8 }).expect("valid");
    run(&mut b, 5_000.0);
    assert_ne!(a.snapshot().nodes, b.snapshot().nodes);
}

#[test]
fn stepping_back_and_forward_and_going_live() {
    let mut a = app(9);
    run(&mut a, 3_000.0);
    a.command(UiCommand::Pause).expect("valid");
    let here = a.snapshot();
    a.command(UiCommand::Step).expect("valid");
    a.command(UiCommand::Back).expect("valid");
    assert_eq!(a.snapshot().nodes, here.nodes);
    a.command(UiCommand::Seek { ms: 10.0 }).expect("valid");
    assert!(!a.snapshot().live);
    a.command(UiCommand::Live).expect("valid");
    assert!(a.snapshot().live);
}

#[test]
fn opening_a_scene_and_taking_over_with_an_action() {
    let (o, notices) = options::parse("scene=split-vote&seed=1", |id| {
        raft_sim::scene::by_id(id).is_some()
    });
    assert!(notices.is_empty());
    let mut a = App::new(&o, 0).expect("valid");
    assert_eq!(a.snapshot().scene.as_deref(), Some("split-vote"));
    assert_eq!(a.snapshot().nodes.len(), 4);
    a.command(UiCommand::Speed { value: 1.0 }).expect("valid");
    run(&mut a, 150.0);
    assert!(a.scene().is_some_and(|s| s.reached().count() >= 1));
    a.command(UiCommand::Crash { node: "A".into() })
        .expect("valid");
    assert_eq!(
        a.snapshot().scene,
        None,
        "acting leaves the tour for the sandbox"
    );
    assert_eq!(a.snapshot().nodes.len(), 4, "keeping the world");
}

#[test]
fn resizing_changes_the_layout_and_clicks_select_nodes() {
    let mut a = app(10);
    a.resize(1280.0, 800.0);
    let at = a.stage().node(2).expect("node");
    assert_eq!(
        a.click(at),
        Some(raft_viz::view::Selection::Node(
            raft_sim::raft_core::NodeId(2)
        ))
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
    raft_viz::lang::install_bundled_chinese();
    a.command(UiCommand::Lang { lang: "zh".into() })
        .expect("zh");
    let zh = texts(&a);
    assert!(zh.iter().any(|t| t == "客户端"), "{zh:?}");
    assert!(!zh.iter().any(|t| t == "client"), "{zh:?}");
}

#[test]
fn refusals_name_what_was_wrong() {
    let mut a = app(6);
    let text = |a: &mut App, cmd: UiCommand| a.command(cmd).expect_err("refused").0;
    assert_eq!(
        text(&mut a, UiCommand::Speed { value: 5.0 }),
        "speed must be between 0.001 and 1"
    );
    assert_eq!(
        text(&mut a, UiCommand::Crash { node: " Z ".into() }),
        "no node \"Z\" in a cluster of 5"
    );
    assert_eq!(
        text(&mut a, UiCommand::Scene { id: "nope".into() }),
        "no scene called nope"
    );
    assert_eq!(
        a.snapshot().seed,
        "6",
        "the seed is a decimal string in the snapshot"
    );
}
