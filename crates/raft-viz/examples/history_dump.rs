//! Prints, for a dozen seeded sandbox runs driven through `App` with faults, client
//! writes, steps, seeks into the past (forks) and a shared-link replay, every history
//! record and the snapshot after each phase. Two builds that must behave the same print
//! byte-identical output:
//! `cargo run --release -p raft-viz --example history_dump > a.txt`.

use core::time::Duration;

use raft_sim::raft_core::{Instant, NodeId};
use raft_sim::{MsgId, Op};
use raft_viz::app::App;
use raft_viz::command::{Command, CommandError, NetworkChange};
use raft_viz::options::Options;
use raft_viz::snapshot::Snapshot;

fn play(app: &mut App, wall_ms: u32) {
    for _ in 0..wall_ms / 16 {
        app.tick(16.0);
    }
}

fn cmd(app: &mut App, c: Command) {
    report(app.command(c).map(drop));
}

fn report(r: Result<(), CommandError>) {
    match r {
        Ok(()) => println!("cmd: ok"),
        Err(e) => println!("cmd: refused: {e}"),
    }
}

/// A command on the node named `name`, as the JS API gives it.
fn on(app: &mut App, name: &str, c: fn(NodeId) -> Command) {
    let r = app
        .node_id(name)
        .and_then(|id| app.command(c(id)).map(drop));
    report(r);
}

fn dump(app: &App, phase: &str) {
    println!("== {phase} at {}", app.world().now());
    println!("{:?}", Snapshot::of(app));
}

fn run(seed: u64) {
    let nodes = 3 + (seed as usize % 7);
    println!("#### seed {seed}, {nodes} nodes");
    let o = Options {
        seed: Some(seed),
        nodes,
        speed: 1.0,
        ..Options::default()
    };
    let mut app = App::new(&o, 0).expect("app");
    play(&mut app, 900);
    dump(&app, "elected");
    let set = Op::Set(seed as i64);
    cmd(&mut app, Command::Client { op: set, to: None });
    play(&mut app, 300);
    let leader = app.world().leader().unwrap_or(NodeId(0));
    cmd(&mut app, Command::Crash(leader));
    for _ in 0..5 {
        cmd(&mut app, Command::Step);
    }
    cmd(&mut app, Command::Back);
    cmd(&mut app, Command::Play);
    play(&mut app, 700);
    dump(&app, "re-elected");
    match app.command(Command::Split) {
        Ok(_) => println!("cmd: ok"),
        Err(e) => println!("split refused: {e}"),
    }
    cmd(
        &mut app,
        Command::Network(NetworkChange {
            loss: Some(0.1),
            latency_min: Some(Duration::from_millis(5)),
            latency_max: Some(Duration::from_micros(25_500)),
            duplicate: Some(0.05),
            reorder: Some(0.05),
        }),
    );
    cmd(
        &mut app,
        Command::Client {
            op: Op::Add(3),
            to: Some(NodeId(1)),
        },
    );
    play(&mut app, 600);
    cmd(&mut app, Command::Heal);
    cmd(&mut app, Command::Restart(leader));
    cmd(
        &mut app,
        Command::Timeouts {
            min: Duration::from_millis(200),
            max: Duration::from_millis(400),
        },
    );
    play(&mut app, 800);
    dump(&app, "healed");
    // Into the past, and a fork there.
    let back = app.world().now().as_micros() / 2_000;
    cmd(&mut app, Command::Seek(Instant::from_millis(back)));
    dump(&app, "sought back");
    cmd(
        &mut app,
        Command::Cut {
            from: NodeId(0),
            to: NodeId(2),
            both: false,
        },
    );
    on(&mut app, "C", Command::Timeout);
    cmd(&mut app, Command::Play);
    play(&mut app, 900);
    match app.command(Command::IsolateLeader) {
        Ok(_) => println!("cmd: ok"),
        Err(e) => println!("isolate refused: {e}"),
    }
    cmd(
        &mut app,
        Command::Client {
            op: Op::Set(-7),
            to: Some(NodeId(0)),
        },
    );
    play(&mut app, 900);
    cmd(&mut app, Command::Drop(MsgId(1)));
    on(&mut app, "Z", Command::Crash);
    dump(&app, "forked");
    cmd(&mut app, Command::Live);
    dump(&app, "live");
    for item in app.timeline().history().iter() {
        println!("{} {} {:?}", item.seq, item.at, item.record);
    }
    let query = raft_viz::share::query(&app);
    println!("share {query}");
    let (shared, mut notices) =
        raft_viz::options::parse(&query, |id| raft_sim::scene::by_id(id).is_some());
    match raft_viz::share::open(&shared, 0, &mut notices) {
        Ok(copy) => {
            println!("replayed, {notices:?}");
            dump(&copy, "replayed");
        }
        Err(e) => println!("replay refused: {e}"),
    }
}

fn main() {
    for seed in [1, 2, 3, 4, 5, 7, 11, 42, 99, 123, 2024, 777_777] {
        run(seed);
    }
    for scene in raft_sim::scene::all() {
        let o = Options {
            scene: Some(scene.id.to_owned()),
            speed: 1.0,
            ..Options::default()
        };
        let mut app = App::new(&o, 0).expect("scene");
        println!("#### scene {}", scene.id);
        for _ in 0..6 {
            play(&mut app, 1_000);
            dump(&app, "scene");
        }
        for item in app.timeline().history().iter() {
            println!("{} {} {:?}", item.seq, item.at, item.record);
        }
    }
}
