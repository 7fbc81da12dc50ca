//! Share links: every action round-trips, bad text is refused with a reason, nothing
//! panics, links stay short, and a decoded link replays the same run.

use std::time::Duration;

use raft_sim::raft_core::{Instant, NodeId, Rng};
use raft_sim::{
    Action, MAX_SNAPSHOT_EVERY, MsgId, NetworkSettings, Op, Preset, Protocol, Setup, Stamped,
    Switch, Timeline,
};
use raft_viz::app::{App, Origin, split_minority};
use raft_viz::command::{Command, NetworkChange};
use raft_viz::options::{self, Options, speed_param};
use raft_viz::share::{self, MAX, ShareError, decode, encode};
use raft_viz::snapshot::Snapshot;

const N: usize = 5;

fn at(us: u64, steps: u64, action: Action) -> Stamped {
    Stamped {
        at: Instant(us),
        after_steps: steps,
        action,
    }
}

/// One of every action, with awkward values.
fn every_action() -> Vec<Stamped> {
    let n = NodeId;
    let actions = vec![
        Action::Crash(n(0)),
        Action::Restart(n(4)),
        Action::TimeoutNow(n(2)),
        Action::SetElectionTimer(n(3), Instant(123_456_789)),
        Action::SetElectionTimer(n(1), Instant::from_millis(900)),
        Action::ClientRequest {
            op: Op::Set(5),
            to: None,
        },
        Action::ClientRequest {
            op: Op::Add(-42),
            to: Some(n(4)),
        },
        Action::ClientRequest {
            op: Op::Set(i64::MIN),
            to: Some(n(0)),
        },
        Action::ClientRequest {
            op: Op::Add(i64::MAX),
            to: None,
        },
        Action::DropMessage(MsgId(987_654)),
        Action::Partition(vec![vec![n(0), n(1)], vec![n(2), n(3), n(4)]]),
        Action::Partition(vec![vec![], vec![n(2)], vec![], vec![n(4), n(0)]]),
        Action::Partition(vec![]),
        Action::CutLink {
            from: n(1),
            to: n(3),
            both: false,
        },
        Action::CutLink {
            from: n(4),
            to: n(0),
            both: true,
        },
        Action::Heal,
        Action::SetLinkLatency {
            from: n(0),
            to: n(1),
            latency: Some(Duration::from_micros(12_345)),
        },
        Action::SetLinkLatency {
            from: n(2),
            to: n(1),
            latency: Some(Duration::from_millis(80)),
        },
        Action::SetLinkLatency {
            from: n(2),
            to: n(1),
            latency: Some(Duration::ZERO),
        },
        Action::SetLinkLatency {
            from: n(3),
            to: n(4),
            latency: None,
        },
        Action::SetNetwork(NetworkSettings {
            latency_min: Duration::from_micros(7_001),
            latency_max: Duration::from_millis(45),
            loss_ppm: 123_456,
            duplicate_ppm: 1_000_000,
            reorder_ppm: 1,
        }),
        Action::SetNetwork(NetworkSettings::default()),
        Action::SetElectionTimeout {
            min: Duration::from_millis(150),
            max: Duration::from_micros(300_001),
        },
        Action::SetProtocol(Preset::Full.protocol()),
        Action::SetProtocol(Preset::Unsafe.protocol()),
        Action::SetProtocol(Protocol::default()),
        Action::SetProtocol(
            Protocol::default()
                .with(Switch::CheckQuorum, true)
                .with(Switch::CommitOldTermsByCounting, true),
        ),
        Action::SetProtocol(
            Protocol::default()
                .with(Switch::SingleServer, true)
                .with(Switch::TwoChanges, true)
                .with(Switch::SnapshotDropsLog, true)
                .with_snapshot_every(20),
        ),
        Action::SetProtocol(Protocol::default().with_snapshot_every(MAX_SNAPSHOT_EVERY)),
    ];
    let mut t = 0;
    actions
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            t += 1_000 * (i as u64 % 3) + 7 * (i as u64 % 2);
            at(t, 10 * i as u64, a)
        })
        .collect()
}

#[test]
fn every_action_round_trips() {
    let actions = every_action();
    let text = encode(&actions);
    assert_eq!(decode(&text, N), Ok(actions.clone()));
    for a in &actions {
        let one = std::slice::from_ref(a);
        assert_eq!(decode(&encode(one), N).as_deref(), Ok(one), "{a:?}");
    }
    // Extremes of time and steps.
    let far = vec![
        at(MAX, MAX, Action::Heal),
        at(MAX, MAX, Action::Crash(NodeId(4))),
    ];
    assert_eq!(decode(&encode(&far), N), Ok(far));
}

#[test]
fn the_text_uses_only_url_unreserved_characters() {
    let text = encode(&every_action());
    assert!(
        text.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c)),
        "{text}"
    );
}

#[test]
fn no_actions_is_a_short_text_and_an_empty_text_is_no_actions() {
    assert_eq!(decode(&encode(&[]), N), Ok(vec![]));
    assert!(encode(&[]).len() <= 1);
    assert_eq!(decode("", N), Ok(vec![]));
}

#[test]
fn a_fifty_action_session_is_well_under_two_thousand_characters() {
    let mut rng = Rng::new(7);
    let mut t = 0;
    let mut steps = 0;
    let mut session = Vec::new();
    for i in 0..50u64 {
        t += rng.in_range(50_000, 3_000_000); // arbitrary microseconds apart
        steps += rng.in_range(10, 2_000);
        let node = NodeId(rng.in_range(0, N as u64) as u32);
        let action = match i % 7 {
            0 => Action::ClientRequest {
                op: Op::Set(rng.in_range(0, 1000) as i64),
                to: None,
            },
            1 => Action::Crash(node),
            2 => Action::Restart(node),
            3 => Action::TimeoutNow(node),
            4 => Action::Partition(vec![
                vec![NodeId(0), NodeId(1)],
                vec![NodeId(2), NodeId(3), NodeId(4)],
            ]),
            5 => Action::Heal,
            _ => Action::SetNetwork(NetworkSettings {
                loss_ppm: 100_000,
                ..NetworkSettings::default()
            }),
        };
        session.push(at(t, steps, action));
    }
    let text = encode(&session);
    assert!(text.len() < 800, "{} characters: {text}", text.len());
    assert_eq!(decode(&text, N), Ok(session));
}

#[test]
fn a_node_outside_the_cluster_is_refused_with_its_item_number() {
    let text = encode(&[
        at(1_000, 1, Action::Heal),
        at(2_000, 2, Action::Crash(NodeId(5))),
    ]);
    let err = decode(&text, N).expect_err("node 5 of 5");
    assert_eq!(
        err,
        ShareError::NoSuchNode {
            item: 2,
            node: 5,
            nodes: 5
        }
    );
    assert!(err.to_string().contains("shared action 2"), "{err}");
    assert!(err.to_string().contains("node 5"), "{err}");
    assert!(decode(&text, 6).is_ok(), "fine in a 6-node cluster");
    // The same for a client request's target and a partition member.
    for a in [
        Action::ClientRequest {
            op: Op::Set(1),
            to: Some(NodeId(7)),
        },
        Action::Partition(vec![vec![NodeId(0)], vec![NodeId(9)]]),
        Action::CutLink {
            from: NodeId(0),
            to: NodeId(5),
            both: true,
        },
    ] {
        let err = decode(&encode(&[at(0, 0, a)]), N).expect_err("no such node");
        assert!(
            matches!(err, ShareError::NoSuchNode { item: 1, .. }),
            "{err:?}"
        );
    }
}

#[test]
fn actions_out_of_order_are_refused() {
    let earlier = encode(&[at(5_000, 10, Action::Heal), at(4_999, 10, Action::Heal)]);
    assert_eq!(decode(&earlier, N), Err(ShareError::OutOfOrder { item: 2 }));
    let fewer_steps = encode(&[at(5_000, 10, Action::Heal), at(6_000, 9, Action::Heal)]);
    assert_eq!(
        decode(&fewer_steps, N),
        Err(ShareError::OutOfOrder { item: 2 })
    );
    let same = encode(&[at(5_000, 10, Action::Heal), at(5_000, 10, Action::Heal)]);
    assert!(
        decode(&same, N).is_ok(),
        "two actions at the same moment are fine"
    );
}

#[test]
fn absurd_values_are_refused() {
    let absurd = [
        at(MAX + 1, 0, Action::Heal),
        at(0, MAX + 1, Action::Heal),
        at(0, 0, Action::DropMessage(MsgId(u64::MAX))),
        at(0, 0, Action::SetElectionTimer(NodeId(0), Instant(u64::MAX))),
        at(
            0,
            0,
            Action::SetNetwork(NetworkSettings {
                loss_ppm: 1_000_001,
                ..NetworkSettings::default()
            }),
        ),
        at(
            0,
            0,
            Action::SetElectionTimeout {
                min: Duration::from_secs(u64::MAX),
                max: Duration::from_secs(1),
            },
        ),
        at(0, 0, Action::Partition(vec![vec![]; 17])),
        at(
            0,
            0,
            Action::SetProtocol(Protocol::default().with_snapshot_every(MAX_SNAPSHOT_EVERY + 1)),
        ),
        at(
            0,
            0,
            Action::SetProtocol(Protocol::default().with_snapshot_every(u64::MAX)),
        ),
    ];
    for a in absurd {
        let err = decode(&encode(std::slice::from_ref(&a)), N).expect_err("absurd");
        assert!(
            matches!(err, ShareError::Absurd { item: 1, .. }),
            "{a:?}: {err:?}"
        );
        assert!(err.to_string().starts_with("shared action 1: "), "{err}");
    }
    // A number of 65 bits (12 digits that go on, then one of 16 or more): past u64.
    let long = format!("BAA{}Q", "g".repeat(12));
    assert_eq!(
        decode(&long, N),
        Err(ShareError::Absurd {
            item: 1,
            what: "a number is far too long"
        })
    );
    // The same with the top digit's four bits: u64::MAX as a tag, read and refused as
    // an action this version does not know.
    let top = format!("BAA{}P", "_".repeat(12));
    assert!(matches!(
        decode(&top, N),
        Err(ShareError::UnknownAction {
            item: 1,
            tag: u64::MAX
        })
    ));
    // A protocol with an eleventh switch: this page knows ten (`B`, time 0, steps 0,
    // tag 12 `M`, then 1024 = `ggB`).
    assert_eq!(
        decode("BAAMggBA", N),
        Err(ShareError::Absurd {
            item: 1,
            what: "a protocol switch this page does not know"
        })
    );
    // The threshold follows the switches: pre-vote (`B`) every 20 entries (`U`), and
    // a threshold is required.
    assert_eq!(
        decode("BAAMBU", N),
        Ok(vec![at(
            0,
            0,
            Action::SetProtocol(
                Protocol::default()
                    .with(Switch::PreVote, true)
                    .with_snapshot_every(20)
            )
        )])
    );
    assert_eq!(decode("BAAMB", N), Err(ShareError::Truncated { item: 1 }));
    let err = decode("BAAMAx4J", N).expect_err("10001");
    assert_eq!(
        err.to_string(),
        "shared action 1: a snapshot threshold above 10000 entries"
    );
}

#[test]
fn foreign_text_is_refused_with_a_reason() {
    assert_eq!(decode("C", N), Err(ShareError::Version), "version 2");
    assert!(matches!(
        decode("BA.", N),
        Err(ShareError::BadChar { item: 1, ch: '.' })
    ));
    assert!(matches!(
        decode("BAAé", N),
        Err(ShareError::BadChar { item: 1, ch: 'é' })
    ));
    // Tag 31 is not an action.
    assert!(matches!(
        decode("BAAf", N),
        Err(ShareError::UnknownAction { item: 1, tag: 31 })
    ));
    // A number that never ends.
    let long = format!("BA{}", "_".repeat(40));
    assert!(matches!(
        decode(&long, N),
        Err(ShareError::Absurd { item: 1, .. })
    ));
}

#[test]
fn truncated_links_are_refused_or_are_a_prefix_of_the_run() {
    let actions = every_action();
    let text = encode(&actions);
    for cut in 0..text.len() {
        match decode(&text[..cut], N) {
            Ok(prefix) => assert!(actions.starts_with(&prefix), "cut at {cut}"),
            Err(e) => assert!(
                matches!(e, ShareError::Truncated { .. } | ShareError::Version),
                "cut at {cut}: {e:?}"
            ),
        }
    }
}

#[test]
fn garbage_never_panics_and_what_decodes_is_valid() {
    const CHARS: &[char] = &[
        'A',
        'B',
        'C',
        'f',
        'g',
        'z',
        '0',
        '9',
        '-',
        '_',
        '.',
        '~',
        ' ',
        '%',
        '=',
        '&',
        'é',
        '中',
        '\0',
        '\u{10FFFF}',
    ];
    let mut rng = Rng::new(99);
    let valid = encode(&every_action());
    let check = |s: &str| {
        if let Ok(actions) = decode(s, N) {
            assert!(actions.windows(2).all(|w| w[0].at <= w[1].at));
            for a in &actions {
                let nodes: Vec<NodeId> = match &a.action {
                    Action::Crash(x) | Action::Restart(x) | Action::TimeoutNow(x) => vec![*x],
                    Action::SetElectionTimer(x, _) => vec![*x],
                    Action::ClientRequest { to, .. } => to.iter().copied().collect(),
                    Action::Partition(g) => g.iter().flatten().copied().collect(),
                    Action::CutLink { from, to, .. } | Action::SetLinkLatency { from, to, .. } => {
                        vec![*from, *to]
                    }
                    _ => vec![],
                };
                assert!(nodes.iter().all(|x| (x.0 as usize) < N), "{s:?}");
            }
            // What decodes re-encodes to something that decodes the same.
            assert_eq!(decode(&encode(&actions), N), Ok(actions));
        }
    };
    for _ in 0..20_000 {
        // Random text, mostly from the alphabet.
        let len = rng.in_range(0, 60) as usize;
        let s: String = (0..len)
            .map(|_| CHARS[rng.in_range(0, CHARS.len() as u64) as usize])
            .collect();
        check(&s);
        check(&format!("B{s}"));
        // A valid link with one character changed.
        let mut chars: Vec<char> = valid.chars().collect();
        let i = rng.in_range(0, chars.len() as u64) as usize;
        chars[i] = CHARS[rng.in_range(0, CHARS.len() as u64) as usize];
        check(&chars.into_iter().collect::<String>());
    }
}

#[test]
fn a_decoded_link_replays_the_same_run() {
    let setup = Setup {
        seed: 42,
        ..Setup::default()
    };
    let mut original = Timeline::new(&setup).expect("timeline");
    original.advance_to(Instant::from_millis(800));
    let leader = original.world().leader().expect("a leader by 800 ms");
    original
        .act(Action::ClientRequest {
            op: Op::Set(5),
            to: Some(leader),
        })
        .expect("request");
    original.advance_to(Instant(1_234_567));
    original.act(Action::Crash(leader)).expect("crash");
    original.advance_to(Instant(2_000_001));
    original
        .act(Action::ClientRequest {
            op: Op::Add(-2),
            to: None,
        })
        .expect("request");
    original.advance_to(Instant::from_millis(4_000));

    let text = encode(original.actions());
    let actions = decode(&text, setup.nodes).expect("decodes");
    let (replay, refused) =
        Timeline::replay(&setup, &actions, Instant::from_millis(4_000)).expect("replay");
    assert_eq!(refused, 0);
    let (a, b) = (original.world(), replay.world());
    assert_eq!(a.steps(), b.steps());
    assert_eq!(a.record_seq(), b.record_seq());
    for (x, y) in a.servers().iter().zip(b.servers()) {
        assert_eq!(x.storage(), y.storage());
        assert_eq!(x.machine().value(), y.machine().value());
    }
    assert_eq!(
        b.clients()[0].last_completed().map(|c| c.value),
        Some(3),
        "set 5 then add -2"
    );
}

#[test]
fn every_error_reads_as_before() {
    let cases = [
        (
            ShareError::Version,
            "the shared run is not in a format this page reads",
        ),
        (
            ShareError::BadChar { item: 3, ch: '中' },
            "shared action 3: unexpected character '中'",
        ),
        (
            ShareError::Truncated { item: 1 },
            "shared action 1 is cut short (an incomplete link?)",
        ),
        (
            ShareError::NoSuchNode {
                item: 2,
                node: 7,
                nodes: 5,
            },
            "shared action 2 names node 7, but the cluster has 5 nodes",
        ),
        (
            ShareError::OutOfOrder { item: 4 },
            "shared action 4 happens before the one preceding it",
        ),
        (
            ShareError::Absurd {
                item: 5,
                what: "a {0} probability",
            },
            "shared action 5: a {0} probability",
        ),
        (
            ShareError::UnknownAction { item: 6, tag: 99 },
            "shared action 6 is of an unknown kind (99)",
        ),
    ];
    for (err, text) in cases {
        assert_eq!(err.to_string(), text);
    }
}

fn options(seed: u64, nodes: usize) -> Options {
    Options {
        seed: Some(seed),
        nodes,
        speed: 1.0,
        ..Options::default()
    }
}

/// Plays `ms` of real time at speed 1 in 16 ms frames.
fn play(app: &mut App, ms: u32) {
    for _ in 0..ms / 16 {
        app.tick(16.0);
    }
}

/// Opens a link's query as the page does.
fn open_query(query: &str) -> (App, Vec<String>) {
    let (o, mut notices) = options::parse(query, |id| raft_sim::scene::by_id(id).is_some());
    let app = share::open(&o, 0, &mut notices).expect("opens");
    (app, notices)
}

#[test]
fn a_shared_link_reopens_the_exact_run_paused_at_its_moment() {
    let mut app = App::new(&options(7, 5), 0).expect("app");
    play(&mut app, 700);
    let client = |op| Command::Client { op, to: None };
    app.command(client(Op::Set(5))).expect("set");
    play(&mut app, 200);
    // Actions after single steps: the cursor sits between events of one instant.
    for _ in 0..3 {
        app.command(Command::Step).expect("step");
    }
    let leader = app.world().leader().unwrap_or(NodeId(0));
    app.command(Command::Crash(leader)).expect("crash");
    app.command(Command::Play).expect("play");
    play(&mut app, 500);
    app.command(Command::Split).expect("partition");
    app.command(Command::Network(NetworkChange {
        loss: Some(0.1),
        latency_min: Some(Duration::from_micros(12_345)),
        latency_max: Some(Duration::from_millis(30)),
        ..NetworkChange::default()
    }))
    .expect("network");
    app.command(Command::Timeouts {
        min: Duration::from_millis(200),
        max: Duration::from_millis(400),
    })
    .expect("timeouts");
    play(&mut app, 400);
    app.command(Command::Heal).expect("heal");
    app.command(Command::Client {
        op: Op::Add(2),
        to: Some(NodeId(1)),
    })
    .expect("add");
    play(&mut app, 600);
    assert!(app.timeline().actions().len() >= 7);
    // The link counts whole milliseconds: compare at one.
    let at_ms = app.world().now().as_micros() / 1_000;
    app.command(Command::Seek(Instant::from_millis(at_ms)))
        .expect("seek");

    let query = share::query(&app);
    assert!(query.starts_with("seed=7&nodes=5&a="), "{query}");
    let (copy, notices) = open_query(&query);
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(copy.origin(), Origin::Sandbox);
    assert_eq!(copy.timeline().actions(), app.timeline().actions());
    assert_eq!(copy.world().steps(), app.world().steps());
    let mut original = Snapshot::of(&app);
    original.playing = false;
    // The original's frontier lies past the whole millisecond it was cut back to.
    original.live = Snapshot::of(&copy).live;
    assert_eq!(Snapshot::of(&copy), original);
    assert_eq!(
        copy.timeline().history().next_seq(),
        app.timeline().history().next_seq()
    );
}

#[test]
fn a_scene_link_names_the_scene_and_its_moment_and_keeps_its_cues() {
    let (mut app, _) = open_query("scene=split-vote&autoplay=0");
    app.command(Command::Seek(Instant::from_millis(160)))
        .expect("seek");
    let query = share::query(&app);
    assert_eq!(query, "scene=split-vote&at=160&autoplay=0");
    let (copy, notices) = open_query(&query);
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(Snapshot::of(&copy), Snapshot::of(&app));
    assert_eq!(Snapshot::of(&copy).scene.as_deref(), Some("split-vote"));

    // Leaving the scene with an action: the link carries every action, cues included,
    // on the scene's setup, and reopens in the sandbox.
    app.command(Command::Crash(NodeId(0))).expect("crash");
    app.command(Command::Seek(Instant::from_millis(400)))
        .expect("seek");
    let query = share::query(&app);
    assert!(query.starts_with("scene=split-vote&a="), "{query}");
    let (copy, notices) = open_query(&query);
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(copy.origin(), Origin::Scene("split-vote"));
    assert!(copy.scene().is_none());
    assert_eq!(Snapshot::of(&copy).nodes, Snapshot::of(&app).nodes);
}

#[test]
fn a_broken_or_partial_link_says_what_was_left_out_and_opens_the_rest() {
    let (app, notices) = open_query("seed=3&a=%21%21");
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].starts_with("a=: "), "{notices:?}");
    assert!(app.timeline().actions().is_empty());
    // A crash of a node that is already down is refused by the world: left out.
    let crash = |us| at(us, 0, Action::Crash(NodeId(1)));
    let text = encode(&[crash(1_000), crash(2_000)]);
    let (app, notices) = open_query(&format!("seed=3&nodes=3&a={text}"));
    assert_eq!(app.timeline().actions().len(), 1);
    assert_eq!(
        notices,
        ["a=: 1 shared action(s) could not be replayed and were skipped."]
    );
}

#[test]
fn a_share_query_names_seed_nodes_actions_time_and_speed() {
    let mut app = App::new(&options(42, 3), 0).expect("app");
    play(&mut app, 320);
    let q = share::query(&app);
    assert!(q.starts_with("seed=42&nodes=3&at="), "{q}");
    assert!(q.ends_with("&autoplay=0&speed=1"), "{q}");
    app.command(Command::Speed(0.05)).expect("speed");
    assert!(share::query(&app).ends_with("&speed=1/20"));
    assert_eq!(speed_param(0.05), "1/20");
    assert_eq!(speed_param(1.0), "1");
    assert_eq!(speed_param(0.3), "0.3");
}

#[test]
fn presets_split_the_leader_with_a_minority_and_isolate_it() {
    let mut app = App::new(&options(3, 5), 0).expect("app");
    assert!(app.isolate_groups().is_err(), "no leader yet");
    play(&mut app, 1_000);
    let leader = app.world().leader().expect("a leader after a second");
    let groups = app.split_groups().expect("split");
    assert_eq!((groups[0].len(), groups[1].len()), (2, 3));
    assert_eq!(groups[0][0], leader);
    let groups = app.isolate_groups().expect("isolate");
    assert_eq!(groups[0], [leader]);
    assert_eq!(groups[1].len(), 4);
    assert_eq!([1, 2, 3, 4, 5, 9].map(split_minority), [1, 1, 1, 1, 2, 4]);
    let small = App::new(&options(3, 2), 0).expect("app");
    assert!(small.split_groups().is_err());
}
