//! Every waypoint of every scene is reached by the protocol itself.

use core::time::Duration;
use raft_sim::raft_core::Instant;
use raft_sim::scene::{self, SceneRun};

#[test]
fn split_vote_scene_reaches_every_waypoint_article_split_vote() {
    let (mut run, mut tl) = SceneRun::new(scene::split_vote()).expect("valid scene");
    while !run.is_complete() {
        let id = run.next_waypoint().map(|w| w.id);
        assert!(
            run.run_to_next_waypoint(&mut tl, Duration::from_secs(5))
                .is_some(),
            "waypoint {id:?} not reached"
        );
    }
    let times: Vec<_> = run.reached().map(|(_, t)| t).collect();
    assert_eq!(times.len(), 5);
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    // B and C became candidates at the same instant (their timers were set together).
    assert_eq!(times[0], Instant::from_millis(100));
    assert!(run.is_complete());
    assert_eq!(tl.world().checker().total(), 0);
}

#[test]
fn every_scene_reaches_every_waypoint_in_order_and_only_unsafe_ones_break_safety() {
    let ids: Vec<&str> = scene::all().iter().map(|s| s.id).collect();
    assert_eq!(ids.len(), 11);
    assert!(scene::by_id("nope").is_none());
    for s in scene::all() {
        let id = s.id;
        let unsafe_rules = s.setup.raft.unsafe_rules.any();
        let (mut run, mut tl) = SceneRun::new(s).expect("valid scene");
        run.advance_to(&mut tl, Instant::from_millis(10_000));
        assert!(
            run.is_complete(),
            "scene {id} stopped before {:?}",
            run.next_waypoint().map(|w| w.id)
        );
        let times: Vec<_> = run.reached().map(|(_, t)| t).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{id}: {times:?}");
        if unsafe_rules {
            assert!(
                tl.world().checker().total() > 0,
                "scene {id} must show a violation"
            );
        } else {
            assert_eq!(tl.world().checker().total(), 0, "scene {id}");
        }
        assert_eq!(scene::by_id(id).map(|s| s.id), Some(id));
    }
}

/// The Chinese of each caption is checked where it lives, in raft-viz's catalogue
/// (`tests/chinese.rs` there).
#[test]
fn every_scene_has_a_title_and_every_waypoint_a_caption() {
    for s in scene::all() {
        assert!(!s.title_en.is_empty(), "{}", s.id);
        for w in &s.waypoints {
            assert!(!w.en.is_empty(), "{}/{}", s.id, w.id);
        }
    }
}
