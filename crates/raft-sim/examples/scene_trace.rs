//! Prints a scene's waypoints and the node events of its first seconds:
//! `cargo run -p raft-sim --example scene_trace -- split-vote`.
use raft_sim::raft_core::Instant;
use raft_sim::scene::{self, SceneRun};
use raft_sim::{Record, node_name};

fn main() {
    let id = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "split-vote".into());
    let Some(scene) = scene::by_id(&id) else {
        eprintln!("no scene {id}");
        std::process::exit(2);
    };
    let (run, mut tl) = match SceneRun::new(scene) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    tl.seek(Instant::from_millis(3_000));
    for (w, m) in run.reached() {
        println!("{}  waypoint {}: {}", m.at, w.id, w.en);
    }
    for item in tl.history().iter() {
        if let Record::Node { node, event } = &item.record {
            println!("{}  {} {:?}", item.at, node_name(*node), event);
        }
    }
}
