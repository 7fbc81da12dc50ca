//! The protocol panel's behaviour below the DOM: a protocol command is a recorded
//! action on the timeline, new runs keep the protocol, share links carry it (the
//! starting one as `protocol=`, changes in `a=`), the snapshot and the feed show it.

use raft_sim::raft_core::Instant;
use raft_sim::{Action, Preset, Protocol, Switch};
use raft_viz::app::{App, Origin};
use raft_viz::command::{Command, Outcome};
use raft_viz::lang::{Lang, install_bundled};
use raft_viz::narrate::narrate_recent;
use raft_viz::options::{self, Options};
use raft_viz::share;
use raft_viz::snapshot::Snapshot;

fn app(seed: u64) -> App {
    App::new(
        &Options {
            seed: Some(seed),
            speed: 1.0,
            ..Options::default()
        },
        0,
    )
    .expect("valid")
}

/// Plays `ms` of real time in 16 ms frames.
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

fn set_protocols(app: &App) -> Vec<Protocol> {
    app.timeline()
        .actions()
        .iter()
        .filter_map(|s| match s.action {
            Action::SetProtocol(p) => Some(p),
            _ => None,
        })
        .collect()
}

#[test]
fn a_protocol_command_is_a_recorded_action_and_the_same_switches_again_record_nothing() {
    let mut a = app(3);
    play(&mut a, 300);
    assert_eq!(Snapshot::of(&a).protocol, Protocol::default());
    let full = Preset::Full.protocol();
    assert_eq!(a.command(Command::Protocol(full)), Ok(Outcome::Done));
    assert_eq!(a.protocol(), full);
    assert_eq!(Snapshot::of(&a).protocol, full);
    assert_eq!(set_protocols(&a), [full]);
    a.command(Command::Protocol(full)).expect("valid");
    assert_eq!(set_protocols(&a), [full], "no second action");
    // Seeking back before the change shows the protocol in force then.
    a.command(Command::Seek(Instant::from_millis(100)))
        .expect("seek");
    assert_eq!(a.protocol(), Protocol::default());
    a.command(Command::Live).expect("live");
    assert_eq!(a.protocol(), full);
}

#[test]
fn a_protocol_command_in_the_tour_leaves_it_like_any_change_to_the_world() {
    let (mut a, _) = open_query("scene=split-vote&step=2");
    assert!(a.tour().is_some());
    a.command(Command::Protocol(Preset::Full.protocol()))
        .expect("valid");
    assert!(a.tour().is_none(), "left for the sandbox");
    assert_eq!(a.origin(), Origin::Scene("split-vote"));
    assert_eq!(a.protocol(), Preset::Full.protocol());
}

#[test]
fn a_new_size_or_seed_keeps_the_protocol_and_the_sandbox_switch_from_the_tour_starts_basic() {
    let mut a = app(5);
    let custom = Protocol::default().with(Switch::PreVote, true);
    a.command(Command::Protocol(custom)).expect("valid");
    a.command(Command::Nodes(3)).expect("valid");
    assert_eq!(a.protocol(), custom);
    a.command(Command::Seed(9)).expect("valid");
    assert_eq!(a.protocol(), custom);
    assert!(a.timeline().actions().is_empty(), "a start, not an action");

    // The unsafe-vote scene runs without the log check; a fresh sandbox does not.
    let (mut a, _) = open_query("scene=unsafe-vote");
    assert!(a.protocol().unsafe_rules.skip_log_up_to_date_check);
    a.command(Command::SandboxMode(4)).expect("valid");
    assert_eq!(a.protocol(), Protocol::default());
}

#[test]
fn a_share_link_names_the_starting_protocol_and_carries_later_changes_as_actions() {
    let (mut a, notices) = open_query("seed=11&nodes=5&protocol=full&speed=1");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(a.protocol(), Preset::Full.protocol());
    play(&mut a, 600);
    let changed = Preset::Full.protocol().with(Switch::CheckQuorum, false);
    a.command(Command::Protocol(changed)).expect("valid");
    play(&mut a, 600);
    let ms = a.world().now().as_micros() / 1_000;
    a.command(Command::Seek(Instant::from_millis(ms)))
        .expect("seek");

    let query = share::query(&a);
    assert!(
        query.starts_with("seed=11&nodes=5&protocol=full&a="),
        "{query}"
    );
    let (copy, notices) = open_query(&query);
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(copy.protocol(), changed);
    assert_eq!(set_protocols(&copy), [changed]);
    assert_eq!(
        Protocol::of(&copy.timeline().setup().raft),
        Preset::Full.protocol()
    );
    assert_eq!(Snapshot::of(&copy).nodes, Snapshot::of(&a).nodes);
}

#[test]
fn a_custom_starting_protocol_is_written_as_its_switches_and_basic_not_at_all() {
    let (a, _) = open_query("seed=2&protocol=check-quorum,noop");
    let q = share::query(&a);
    assert!(
        q.starts_with("seed=2&nodes=5&protocol=check-quorum,noop&at="),
        "{q}"
    );
    let (a, _) = open_query("seed=2&protocol=basic");
    assert!(!share::query(&a).contains("protocol"));
    let (a, _) = open_query("seed=2&protocol=unsafe");
    assert!(share::query(&a).contains("&protocol=unsafe&"));
}

#[test]
fn a_bad_protocol_option_is_a_notice_and_the_run_starts_basic() {
    let (a, notices) = open_query("seed=2&protocol=paxos");
    assert_eq!(a.protocol(), Protocol::default());
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].starts_with("protocol=paxos: "), "{notices:?}");
    // A tour scene keeps its own switches.
    let (a, notices) = open_query("scene=unsafe-timeouts&protocol=full");
    assert!(a.protocol().unsafe_rules.fixed_election_timeout);
    assert!(!a.protocol().pre_vote);
    assert_eq!(notices.len(), 1, "{notices:?}");
}

#[test]
fn the_feed_tells_when_the_protocol_changed_in_both_languages() {
    install_bundled();
    let mut a = app(7);
    play(&mut a, 400);
    a.command(Command::Protocol(Preset::Full.protocol()))
        .expect("valid");
    let told = |a: &App, lang| {
        let now = a.world().now();
        narrate_recent(a.timeline().history(), a.world(), lang, now, 3)
            .into_iter()
            .map(|(_, s)| s)
            .collect::<Vec<_>>()
    };
    let en = told(&a, Lang::En);
    assert!(
        en.iter().any(|s| s
            == "Protocol changed to Full: Pre-vote, Check-quorum, No-op on election, Immediate replication, a snapshot every 8 entries"),
        "{en:?}"
    );
    let zh = told(&a, Lang::Zh);
    assert!(
        zh.iter().any(|s| s.starts_with("协议改为完整：预投票")),
        "{zh:?}"
    );
    a.command(Command::Protocol(Protocol::default()))
        .expect("valid");
    let en = told(&a, Lang::En);
    assert!(
        en.iter()
            .any(|s| s == "Protocol changed to Basic: no extensions"),
        "{en:?}"
    );
}

#[test]
fn single_server_changes_and_a_threshold_start_from_the_url_and_round_trip_through_a_share_link() {
    let (mut a, notices) = open_query("seed=12&protocol=pre-vote,single-server,snapshot-every=20");
    assert!(notices.is_empty(), "{notices:?}");
    let start = Protocol::default()
        .with(Switch::PreVote, true)
        .with(Switch::SingleServer, true)
        .with_snapshot_every(20);
    assert_eq!(a.protocol(), start);
    let raft = &a.timeline().setup().raft;
    assert!(!raft.joint_consensus);
    assert_eq!(raft.snapshot_threshold, 20);
    play(&mut a, 500);
    // Later: joint consensus again, a new threshold and the two new unsafe rules.
    let changed = start
        .with(Switch::SingleServer, false)
        .with(Switch::TwoChanges, true)
        .with(Switch::SnapshotDropsLog, true)
        .with_snapshot_every(5);
    a.command(Command::Protocol(changed)).expect("valid");
    for s in a.world().servers().iter().filter_map(|s| s.node()) {
        assert!(s.config().joint_consensus);
        assert_eq!(s.config().snapshot_threshold, 5);
    }
    assert_eq!(Snapshot::of(&a).protocol, changed);
    play(&mut a, 300);

    let query = share::query(&a);
    assert!(
        query.starts_with("seed=12&nodes=5&protocol=pre-vote,single-server,snapshot-every=20&a="),
        "{query}"
    );
    let (copy, notices) = open_query(&query);
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(Protocol::of(&copy.timeline().setup().raft), start);
    assert_eq!(set_protocols(&copy), [changed]);
    assert_eq!(copy.protocol(), changed);
}

#[test]
fn a_threshold_alone_is_custom_and_told_in_the_feed() {
    install_bundled();
    let mut a = app(8);
    play(&mut a, 300);
    a.command(Command::Protocol(
        Protocol::default().with_snapshot_every(12),
    ))
    .expect("valid");
    assert_eq!(a.protocol().name(), "custom");
    let now = a.world().now();
    let told: Vec<String> = [Lang::En, Lang::Zh]
        .into_iter()
        .filter_map(|lang| {
            narrate_recent(a.timeline().history(), a.world(), lang, now, 2)
                .into_iter()
                .map(|(_, s)| s)
                .find(|s| s.contains("12"))
        })
        .collect();
    assert_eq!(
        told,
        [
            "Protocol changed to Custom: a snapshot every 12 entries",
            "协议改为自定义：每 12 条记录做一次快照"
        ]
    );
}

#[test]
fn a_bad_threshold_in_the_url_is_a_notice_and_the_run_starts_basic() {
    let (a, notices) = open_query("seed=2&protocol=noop,snapshot-every=-1");
    assert_eq!(a.protocol(), Protocol::default());
    assert_eq!(
        notices,
        [
            "protocol=noop,snapshot-every=-1: snapshot-every is a whole number of entries from 0 (never) to 10000; using basic."
        ]
    );
}
