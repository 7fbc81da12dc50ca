//! The guided tour on the app, natively: where the page opens, Next / Back / Replay
//! between waypoints, deep links to a step, "try it yourself" and the tasks
//! (DESIGN.md, "The tour"; issue 10).

use raft_sim::scene::{self, Moment};
use raft_viz::app::App;
use raft_viz::command::{Command, CommandError, Outcome};
use raft_viz::options;
use raft_viz::snapshot::Snapshot;

fn open(query: &str) -> App {
    // The page fetches the appendix (the captions beyond the article) when it needs it.
    raft_viz::lang::install_bundled();
    let (o, notices) = options::parse(query, |id| scene::by_id(id).is_some());
    assert!(notices.is_empty(), "{query}: {notices:?}");
    App::new(&o, 7).expect("valid")
}

/// Plays until the tour's step stops playing (at most a minute of frames).
fn finish_step(app: &mut App) {
    for _ in 0..4_000 {
        if !app.playing() {
            return;
        }
        app.tick(16.0);
    }
    panic!("the step never finished playing");
}

fn moment(app: &App) -> Moment {
    Moment::of(app.world())
}

fn step_moment(app: &App, i: usize) -> Moment {
    app.scene()
        .and_then(|s| s.moment(i))
        .expect("the step was reached")
}

#[test]
fn the_page_opens_on_the_tours_first_step_and_sandbox_settings_open_the_sandbox() {
    let a = open("");
    let t = Snapshot::of(&a).tour.expect("in the tour");
    assert_eq!((t.scene, t.step), ("consensus", 1));
    assert!(t.done, "shown at its moment, paused");
    assert!(!a.playing());
    for q in ["mode=sandbox", "seed=3", "nodes=4", "seed=3&nodes=3&a="] {
        assert!(
            Snapshot::of(&open(q)).tour.is_none(),
            "{q} opens the sandbox"
        );
    }
    assert!(Snapshot::of(&open("mode=tour")).tour.is_some());
}

#[test]
fn a_deep_link_opens_that_exact_step_article_split_vote() {
    let a = open("scene=split-vote&step=3");
    let t = Snapshot::of(&a).tour.expect("in the tour");
    assert_eq!((t.scene, t.step, t.done), ("split-vote", 3, true));
    assert_eq!(moment(&a), step_moment(&a, 2));
    // Each candidate holds two of the four votes: not more than n/2.
    let s = Snapshot::of(&a);
    assert_eq!(s.nodes[1].role, "candidate");
    assert_eq!(s.nodes[2].role, "candidate");
    assert_eq!(s.nodes[1].votes.len(), 2);
    assert_eq!(s.nodes[2].votes.len(), 2);
    assert!(s.leader.is_none());
    // A step past the end opens the last.
    let last = open("scene=split-vote&step=99");
    let t = Snapshot::of(&last).tour.expect("in the tour");
    assert_eq!(t.step, t.steps);
}

#[test]
fn next_plays_to_the_next_waypoint_at_the_tours_pace_and_stops_exactly_there() {
    let mut a = open("scene=election");
    let start = a.world().now();
    assert_eq!(a.command(Command::Next), Ok(Outcome::Moved));
    assert!(a.playing(), "the step plays");
    assert!(!Snapshot::of(&a).tour.expect("tour").done);
    a.tick(16.0);
    assert!(a.world().now() > start, "animated, not jumped");
    assert!(
        moment(&a) < step_moment(&a, 1),
        "one frame does not reach it"
    );
    finish_step(&mut a);
    assert_eq!(moment(&a), step_moment(&a, 1));
    let t = Snapshot::of(&a).tour.expect("tour");
    assert_eq!((t.step, t.done), (2, true));
}

/// The snapshot without where the dots are drawn: the log table keeps the width the
/// longest log needed, so going back draws the same state in a wider layout.
fn state(a: &App) -> Snapshot {
    let mut s = Snapshot::of(a);
    for m in &mut s.messages {
        (m.x, m.y) = (0.0, 0.0);
    }
    s
}

#[test]
fn back_restores_exactly_the_state_first_seen_at_each_step_in_every_scene() {
    for s in scene::all() {
        let mut a = open(&format!("scene={}", s.id));
        let steps = Snapshot::of(&a).tour.expect("tour").steps;
        let mut seen = vec![state(&a)];
        for _ in 1..steps {
            a.command(Command::Next).expect("next");
            finish_step(&mut a);
            seen.push(state(&a));
        }
        for i in (0..steps - 1).rev() {
            a.command(Command::Prev).expect("prev");
            assert!(!a.playing(), "Back is at once");
            assert_eq!(state(&a), seen[i], "{} step {}", s.id, i + 1);
        }
    }
}

#[test]
fn replay_plays_the_current_step_again_to_the_same_state() {
    let mut a = open("scene=heartbeat&step=3");
    let here = state(&a);
    a.command(Command::Replay).expect("replay");
    assert!(a.playing());
    assert_eq!(moment(&a), step_moment(&a, 1), "from the step before");
    finish_step(&mut a);
    assert_eq!(state(&a), here);
}

#[test]
fn next_at_a_scenes_end_opens_the_next_scene_and_back_returns_to_its_last_step() {
    let mut a = open("scene=consensus&step=99");
    let last = Snapshot::of(&a);
    assert_eq!(a.command(Command::Next), Ok(Outcome::NewRun));
    let t = Snapshot::of(&a).tour.expect("tour");
    assert_eq!((t.scene, t.step), ("states", 1));
    finish_step(&mut a);
    assert_eq!(a.command(Command::Prev), Ok(Outcome::NewRun));
    assert_eq!(Snapshot::of(&a), last);
}

#[test]
fn the_scene_order_follows_the_article_then_goes_beyond_it() {
    let ids: Vec<&str> = raft_viz::tour::scenes().iter().map(|s| s.id).collect();
    let article = [
        "consensus",
        "states",
        "election",
        "replication",
        "terms",
        "timeouts",
        "election-timeout",
        "split-vote",
        "heartbeat",
    ];
    assert_eq!(ids[..article.len()], article);
    let chapters: Vec<_> = raft_viz::tour::scenes().iter().map(|s| s.chapter).collect();
    assert!(chapters.windows(2).all(|w| w[0] <= w[1]), "{chapters:?}");
}

#[test]
fn try_it_yourself_continues_from_the_same_nodes_terms_and_logs_without_the_scenes_later_cues() {
    let mut a = open("scene=split-vote&step=2");
    let before = Snapshot::of(&a);
    assert_eq!(a.command(Command::Try), Ok(Outcome::Moved));
    let after = Snapshot::of(&a);
    assert!(after.tour.is_none(), "in the sandbox");
    assert_eq!(after.nodes, before.nodes);
    assert_eq!(after.messages, before.messages);
    assert_eq!(after.time_ms, before.time_ms);
    // The scene's later cues are forgotten: nothing is stamped after the cursor.
    let now = a.world().now();
    assert!(a.timeline().actions().iter().all(|x| x.at <= now));
    // And the way back leads to the step the reader left.
    a.command(Command::TourMode).expect("back to the tour");
    let t = Snapshot::of(&a).tour.expect("tour");
    assert_eq!((t.scene, t.step), ("split-vote", 2));
    assert_eq!(Snapshot::of(&a).nodes, before.nodes);
}

#[test]
fn a_world_changing_command_in_the_tour_goes_on_in_the_sandbox_and_a_refused_one_stays() {
    let mut a = open("scene=election&step=2");
    // Restarting a running node is refused: still in the tour.
    let refused = a.command(Command::Restart(raft_sim::raft_core::NodeId(1)));
    assert!(
        matches!(refused, Err(CommandError::Refused(_))),
        "{refused:?}"
    );
    assert!(a.tour().is_some());
    a.command(Command::Crash(raft_sim::raft_core::NodeId(1)))
        .expect("crash");
    assert!(a.tour().is_none());
    assert_eq!(Snapshot::of(&a).nodes[1].role, "crashed");
}

#[test]
fn tour_commands_outside_the_tour_are_refused_and_change_nothing() {
    let mut a = open("seed=5");
    let before = Snapshot::of(&a);
    for c in [Command::Next, Command::Prev, Command::Replay, Command::Try] {
        assert_eq!(a.command(c.clone()), Err(CommandError::NotInTour), "{c:?}");
    }
    assert_eq!(Snapshot::of(&a), before);
}

#[test]
fn a_scenes_task_shows_at_its_last_step_and_is_checked_in_the_sandbox() {
    let with_task: Vec<_> = scene::all()
        .into_iter()
        .filter(|s| s.task.is_some())
        .collect();
    assert!(with_task.len() >= 4, "tasks at the end of the key scenes");
    for s in with_task {
        let mut a = open(&format!("scene={}&step=99", s.id));
        a.command(Command::Try).expect("try");
        let task = Snapshot::of(&a).task.expect("the task came along");
        assert!(!task.done, "{}: not done before the reader acts", s.id);
        let en = s.task.map(|t| raft_viz::tour::english(s.id, "task", t.en));
        assert!(task.text.len() > 10, "{}: {:?}", s.id, task.text);
        assert_eq!(Some(task.text.as_str()), en);
    }
}

#[test]
fn the_snapshot_tells_the_step_its_caption_and_its_subjects() {
    let a = open("scene=split-vote&step=1");
    let t = Snapshot::of(&a).tour.expect("tour");
    assert_eq!(t.title, "Split vote");
    assert!(
        t.caption.contains('B') && t.caption.contains('C'),
        "{}",
        t.caption
    );
    assert!(
        !t.caption.contains('{'),
        "placeholders filled: {}",
        t.caption
    );
    assert!(t.subjects.iter().any(|s| s == "B"), "{:?}", t.subjects);
    assert!(t.subjects.iter().any(|s| s == "C"), "{:?}", t.subjects);
    let sandbox = Snapshot::of(&open("seed=1"));
    assert!(sandbox.tour.is_none() && sandbox.task.is_none());
}

#[test]
fn opening_a_step_with_autoplay_plays_it_from_the_step_before() {
    let mut a = open("scene=heartbeat&step=2&autoplay=1");
    assert!(a.playing());
    assert_eq!(moment(&a), step_moment(&a, 0));
    finish_step(&mut a);
    assert_eq!(moment(&a), step_moment(&a, 1));
}

#[test]
fn space_in_the_tour_goes_on_and_pauses_a_playing_step() {
    let mut a = open("scene=election");
    a.command(Command::Toggle).expect("toggle");
    assert!(a.playing(), "Space plays the next step");
    a.tick(16.0);
    a.command(Command::Toggle).expect("toggle");
    assert!(!a.playing(), "and pauses it");
    a.command(Command::Toggle).expect("toggle");
    finish_step(&mut a);
    assert_eq!(moment(&a), step_moment(&a, 1), "resumed to the same step");
}
