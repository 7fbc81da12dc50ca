//! Prints a scene's steps (waypoint, moment, caption with its numbers filled in,
//! subjects), then what happened until a little after the last one: node events,
//! actions, client messages, crashes, violations.
//!
//! `cargo run -p raft-sim --example scene_trace -- split-vote` (every scene: `--all`;
//! only the steps: add `--steps`; a longer trace: add `--until 5000`, in ms).
use raft_sim::raft_core::Instant;
use raft_sim::scene::{self, Fill, SceneRun};
use raft_sim::{Packet, Record, node_name};

/// The caption with its placeholders filled, as the front end shows it in English.
fn filled(template: &str, fill: &[Fill]) -> String {
    let mut out = template.to_string();
    for (i, f) in fill.iter().enumerate() {
        let value = match *f {
            Fill::Num(n) => n.to_string(),
            Fill::Node(id) => node_name(id),
        };
        out = out.replace(&format!("{{{i}}}"), &value);
    }
    out
}

fn trace(id: &str, steps_only: bool, until_ms: Option<u64>) {
    let Some(scene) = scene::by_id(id) else {
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
    let s = run.scene();
    println!("== {} ({:?}): {}", s.id, s.chapter, s.title_en);
    for (i, (w, m)) in run.reached().enumerate() {
        println!(
            "{:>12}  step {} {}: {}\n{:>14}subjects {:?}",
            m.at.to_string(),
            i + 1,
            w.id,
            filled(w.en.bundled(s.id, w.id).unwrap_or("?"), run.fill(i)),
            "",
            w.subjects
        );
    }
    if !run.is_complete() {
        let missing: Vec<_> = s.waypoints.iter().skip(run.reached().count()).collect();
        println!(
            "INCOMPLETE: not reached {:?}",
            missing.iter().map(|w| w.id).collect::<Vec<_>>()
        );
    }
    if let Some(t) = &s.task {
        println!("task: {}", t.en.bundled(s.id, "task").unwrap_or("?"));
    }
    if steps_only {
        return;
    }
    let last = run.reached().last().map_or(Instant::ZERO, |(_, m)| m.at);
    let until = until_ms.map_or(last.after(core::time::Duration::from_millis(300)), |ms| {
        Instant::from_millis(ms)
    });
    tl.seek(until);
    for item in tl.history().iter() {
        let line = match &item.record {
            Record::Node { node, event } => format!("{} {:?}", node_name(*node), event),
            Record::Action(a) => format!("ACTION {a:?}"),
            Record::Crashed(id) => format!("{} crashed", node_name(*id)),
            Record::Restarted(id) => format!("{} restarted", node_name(*id)),
            Record::Violation(v) => format!("VIOLATION {v}"),
            Record::ClientSent { seq, op, to, .. } => {
                format!("client sends #{seq} {op} to {}", node_name(*to))
            }
            Record::ClientAcked {
                seq, index, value, ..
            } => {
                format!("client acked #{seq} at {index}: value {value}")
            }
            Record::Applied { node, index, value } => {
                format!("{} applied {index}: value {value}", node_name(*node))
            }
            _ => continue,
        };
        println!("{:>12}  {line}", item.at.to_string());
    }
    let w = tl.world();
    for s in w.servers() {
        let log: Vec<String> = s
            .storage()
            .log
            .iter()
            .map(|(i, e)| format!("{}:t{}", i.0, e.term.0))
            .collect();
        println!(
            "{} {:?} term {} commit {} value {} log [{}]",
            s.name(),
            s.node().map(|n| n.role()),
            s.storage().hard_state.current_term.0,
            s.node().map_or(0, |n| n.commit_index().0),
            s.machine().value(),
            log.join(" ")
        );
    }
    let flying = w
        .flights()
        .filter(|f| matches!(f.packet, Packet::Request { .. }))
        .count();
    println!(
        "checker total {}; client requests in flight {flying}",
        w.checker().total()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let steps_only = args.iter().any(|a| a == "--steps");
    let until_ms = args
        .iter()
        .position(|a| a == "--until")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok());
    if args.iter().any(|a| a == "--all") {
        for s in scene::all() {
            trace(s.id, steps_only, until_ms);
        }
        return;
    }
    let id = args
        .iter()
        .find(|a| !a.starts_with("--") && a.parse::<u64>().is_err())
        .map_or("split-vote", String::as_str);
    trace(id, steps_only, until_ms);
}
