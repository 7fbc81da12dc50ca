//! Every waypoint of every scene is reached by the protocol itself.

use raft_sim::raft_core::{Instant, Node, NodeId, Role};
use raft_sim::scene::{self, Chapter, SceneRun, Text};

#[test]
fn split_vote_scene_reaches_every_waypoint_article_split_vote() {
    let (run, mut tl) = SceneRun::new(scene::split_vote()).expect("valid scene");
    assert!(run.is_complete());
    let times: Vec<_> = run.reached().map(|(_, m)| m).collect();
    assert_eq!(times.len(), 5);
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    // B and C became candidates at the same instant (their timers were set together).
    assert_eq!(times[0].at, Instant::from_millis(100));
    tl.go_live();
    assert_eq!(tl.world().checker().total(), 0);
}

#[test]
fn a_scene_starts_at_time_zero_with_its_cues_recorded_in_the_timeline_article_split_vote() {
    let (run, mut tl) = SceneRun::new(scene::split_vote()).expect("valid scene");
    assert_eq!(tl.now(), Instant::ZERO);
    assert_eq!(run.passed(tl.world()), 0, "no waypoint at time 0");
    // The cues are the timeline's own actions: seeking replays them, before the
    // scene was ever played forward.
    assert_eq!(tl.actions().len(), run.scene().cues.len());
    tl.seek(Instant::from_millis(160));
    for id in [NodeId(1), NodeId(2)] {
        let role = tl.world().node(id).map(Node::role);
        assert_eq!(role, Some(Role::Candidate), "{id:?} at 160 ms");
    }
    // By then both have their two votes and neither has a majority.
    assert_eq!(
        run.current_waypoint(tl.world()).map(|w| w.id),
        Some("no-majority")
    );
}

#[test]
fn seeking_to_each_waypoint_of_each_scene_lands_where_it_holds() {
    for s in scene::all() {
        let id = s.id;
        let (run, _) = SceneRun::new(s).expect("valid scene");
        for (i, (w, m)) in run.reached().enumerate() {
            // A fresh timeline for each seek, as a fresh page load.
            let (_, mut tl) = SceneRun::new(run.scene().clone()).expect("valid scene");
            tl.seek(m.at);
            assert!((w.reached)(tl.world()), "{id}/{}: not so at {}", w.id, m.at);
            assert_eq!(run.passed(tl.world()), i + 1, "{id}/{}", w.id);
        }
    }
}

#[test]
fn the_tour_follows_the_articles_sections_then_goes_beyond() {
    use Chapter::*;
    let order: Vec<(&str, Chapter)> = scene::all().iter().map(|s| (s.id, s.chapter)).collect();
    assert_eq!(
        order,
        [
            ("consensus", Consensus),
            ("states", Consensus),
            ("election", LeaderElection),
            ("replication", LogReplication),
            ("terms", Term),
            ("timeouts", Timeout),
            ("election-timeout", ElectionTimeout),
            ("split-vote", SplitVote),
            ("heartbeat", Heartbeat),
            ("crash", Beyond),
            ("partition", Beyond),
            ("figure-8", Beyond),
            ("figure-8-unsafe", Beyond),
            ("unsafe-vote", Beyond),
            ("unsafe-timeouts", Beyond),
            ("add-server", Beyond),
            ("remove-leader", Beyond),
            ("single-server-bug", Beyond),
            ("install-snapshot", Beyond),
            ("pre-vote", Beyond),
            ("check-quorum", Beyond),
            ("sandbox", Beyond),
        ]
    );
    // Chapters in the menu's order, each scene's within its chapter.
    assert!(order.windows(2).all(|w| w[0].1 <= w[1].1));
    assert_eq!(Chapter::ALL.len(), 9);
    for s in scene::all() {
        assert!(
            s.cues.windows(2).all(|c| c[0].at <= c[1].at),
            "{}: cues in time order",
            s.id
        );
    }
}

#[test]
fn every_scene_reaches_every_waypoint_in_order_and_only_unsafe_ones_break_safety() {
    let ids: Vec<&str> = scene::all().iter().map(|s| s.id).collect();
    assert_eq!(ids.len(), 22);
    assert!(scene::by_id("nope").is_none());
    for s in scene::all() {
        let id = s.id;
        // The same timeout everywhere breaks liveness (no leader), not safety.
        let rules = s.setup.raft.unsafe_rules;
        let unsafe_rules = rules.skip_log_up_to_date_check
            || rules.commit_old_terms_by_counting
            || rules.unchecked_membership_changes;
        let (run, mut tl) = SceneRun::new(s).expect("valid scene");
        tl.go_live();
        assert!(
            run.is_complete(),
            "scene {id} stopped after {:?}",
            run.reached().last().map(|(w, _)| w.id)
        );
        let times: Vec<_> = run.reached().map(|(_, m)| m).collect();
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
/// (`tests/chinese.rs` there). The article's chapters carry their English, which the
/// page shows at once; the chapter beyond it keeps its English in the appendix, which
/// the page fetches when a reader first opens one of its scenes.
#[test]
fn every_scene_has_a_title_and_every_waypoint_a_caption_the_articles_compiled_in() {
    for s in scene::all() {
        assert!(!s.title_en.is_empty(), "{}", s.id);
        let beyond = s.chapter == Chapter::Beyond;
        let items = s.waypoints.iter().map(|w| (w.id, w.en));
        for (item, en) in items.chain(s.task.map(|t| ("task", t.en))) {
            assert_eq!(en == Text::Appendix, beyond, "{}/{item}", s.id);
            let text = en.bundled(s.id, item).unwrap_or_default();
            assert!(text.len() > 10, "{}/{item}: {text:?}", s.id);
        }
    }
}

/// Every entry of the appendix is a caption or a task some scene tells: none is left
/// behind by a renamed waypoint.
#[test]
fn every_appendix_entry_belongs_to_a_scene() {
    let mut keys = Vec::new();
    for s in scene::all() {
        keys.extend(s.waypoints.iter().map(|w| format!("{}/{}", s.id, w.id)));
        keys.push(format!("{}/task", s.id));
    }
    let entries: Vec<&str> = scene::APPENDIX
        .split("\n\n")
        .filter_map(|e| e.lines().find(|l| !l.starts_with('#')))
        .collect();
    assert!(entries.len() > 60, "{} entries", entries.len());
    for key in entries {
        assert!(keys.iter().any(|k| k == key), "{key} is no scene's");
    }
}

#[test]
fn seek_moment_lands_on_each_waypoint_exactly_forward_and_back() {
    // The tour's Next and Back: a step is the moment its waypoint was reached.
    for s in scene::all() {
        let id = s.id;
        let (run, mut tl) = SceneRun::new(s).expect("valid scene");
        let moments: Vec<_> = run.reached().map(|(_, m)| m).collect();
        for (i, m) in moments.iter().enumerate() {
            tl.seek_moment(m.at, m.steps);
            assert_eq!(scene::Moment::of(tl.world()), *m, "{id} step {i}");
            assert_eq!(run.passed(tl.world()), i + 1, "{id} step {i}");
        }
        for (i, m) in moments.iter().enumerate().rev() {
            tl.seek_moment(m.at, m.steps);
            assert_eq!(scene::Moment::of(tl.world()), *m, "{id} back to step {i}");
            assert_eq!(run.passed(tl.world()), i + 1, "{id} back to step {i}");
        }
    }
}
