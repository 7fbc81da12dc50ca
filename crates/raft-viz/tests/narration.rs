//! The event feed tells real runs in plain sentences, in English and Chinese.

use std::time::Duration;

use raft_sim::history::{History, Item, Record, TimerKind};
use raft_sim::network::{Endpoint, NetworkSettings, PacketSummary};
use raft_sim::raft_core::{Config, Event, Instant, MessageKind, NodeId, Role, Term};
use raft_sim::{Action, Op, Property, Setup, Timeline, Violation, World};
use raft_viz::lang::Lang;
use raft_viz::narrate::{narrate, narrate_recent};

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);
const C: NodeId = NodeId(2);

/// A world and the history of everything it recorded.
struct Run {
    world: World,
    history: History,
}

impl Run {
    fn new(setup: Setup) -> Run {
        Run {
            world: World::new(&setup).expect("valid setup"),
            history: History::new(100_000),
        }
    }

    fn seed(seed: u64) -> Run {
        Run::new(Setup {
            seed,
            ..Setup::default()
        })
    }

    fn collect(&mut self) {
        for item in self.world.take_records() {
            self.history.push(item);
        }
    }

    fn until(&mut self, limit_ms: u64, pred: impl FnMut(&World) -> bool) -> bool {
        let ok = self.world.run_until(Duration::from_millis(limit_ms), pred);
        self.collect();
        ok
    }

    fn advance(&mut self, ms: u64) {
        self.world.advance(Duration::from_millis(ms));
        self.collect();
    }

    fn apply(&mut self, action: Action) {
        self.world.apply(&action).expect("action applies");
        self.collect();
    }

    fn elect(&mut self) -> NodeId {
        assert!(
            self.until(5_000, World::is_converged),
            "a leader is elected"
        );
        self.world.leader().expect("a leader")
    }

    /// Every sentence told so far, oldest first.
    fn feed(&self, lang: Lang) -> Vec<String> {
        raft_viz::lang::install_bundled();
        narrate_recent(
            &self.history,
            &self.world,
            lang,
            self.world.now(),
            usize::MAX,
        )
        .into_iter()
        .map(|(_, s)| s)
        .collect()
    }

    fn items(&self) -> impl Iterator<Item = &Item> {
        self.history.iter()
    }
}

fn has(feed: &[String], part: &str) -> bool {
    feed.iter().any(|s| s.contains(part))
}

fn assert_has(feed: &[String], part: &str) {
    assert!(
        has(feed, part),
        "no sentence contains {part:?} in:\n{}",
        feed.join("\n")
    );
}

fn is_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// §5.2: a timeout, the votes with the values each voter compared, the win.
#[test]
fn an_election_tells_the_candidate_the_votes_with_their_reasons_and_the_winner() {
    let mut run = Run::seed(1);
    let leader = run.elect();
    let feed = run.feed(Lang::En);
    let l = raft_sim::node_name(leader);
    assert_has(
        &feed,
        &format!("{l}: Became candidate for term 1: no leader heard within my election timeout"),
    );
    let vote = feed
        .iter()
        .find(|s| s.contains(": Granted the vote: term 1 ≥ my term 1 ✓; no vote yet in term 1 ✓"))
        .expect("a vote is told with its checks");
    assert!(
        vote.contains(&format!("{l}'s log (last term 0, index 0)")),
        "{vote}"
    );
    assert_has(
        &feed,
        &format!("{l}: Became leader of term 1: votes from a majority"),
    );
}

/// A node's event is told in the rule panel's words: one text for an event, in the
/// feed as in the panel (Figure 2's rules, with the values compared).
#[test]
fn the_feed_tells_a_nodes_event_in_the_words_of_its_rule_panel() {
    let mut run = Run::seed(2);
    let leader = run.elect();
    run.apply(Action::ClientRequest {
        op: Op::Set(5),
        to: Some(leader),
    });
    assert!(run.until(3_000, |w| w.clients_idle()));
    raft_viz::lang::install_bundled();
    let mut told = 0;
    for item in run.items() {
        let Record::Node { node, event } = &item.record else {
            continue;
        };
        for lang in [Lang::En, Lang::Zh] {
            let Some(s) = narrate(item, &run.world, lang) else {
                continue;
            };
            let why = raft_viz::why::of_event(event, lang).expect("a told event has its rule");
            let name = raft_sim::node_name(*node);
            let sep = if lang == Lang::En { ": " } else { "：" };
            assert_eq!(s, format!("{name}{sep}{}", why.text));
            told += 1;
        }
    }
    assert!(told > 20, "{told} sentences compared");
}

#[test]
fn a_deciding_vote_is_told_alone_but_folded_into_the_win_in_the_feed() {
    let mut run = Run::seed(1);
    run.elect();
    let deciding = run
        .items()
        .find(|i| {
            matches!(i.record, Record::Node { event: Event::VoteCounted { granted: true, votes, needed, .. }, .. } if votes == needed)
        })
        .expect("a deciding vote is recorded");
    let s = narrate(deciding, &run.world, Lang::En).expect("told");
    assert!(s.contains("vote: 3 of the 3 needed"), "{s}");
    assert!(!has(&run.feed(Lang::En), "3 of the 3 needed"));
    // Votes that decide nothing are noise.
    let undecided = run
        .items()
        .find(|i| {
            matches!(i.record, Record::Node { event: Event::VoteCounted { votes, needed, .. }, .. } if votes < needed)
        })
        .expect("an undecided count is recorded");
    assert_eq!(narrate(undecided, &run.world, Lang::En), None);
}

#[test]
fn a_set_is_told_from_the_client_to_every_value() {
    let mut run = Run::seed(2);
    let leader = run.elect();
    run.apply(Action::ClientRequest {
        op: Op::Set(5),
        to: Some(leader),
    });
    assert!(run.until(3_000, |w| w.clients_idle()
        && w.servers().iter().all(|s| s.machine().value() == 5)));
    let feed = run.feed(Lang::En);
    let l = raft_sim::node_name(leader);
    assert_has(&feed, &format!("The client sends set 5 to {l}"));
    assert_has(
        &feed,
        &format!("{l}: Appended the client's command at 1, in my term "),
    );
    assert_has(
        &feed,
        &format!("{l}: Committed up to index 1: it is on 3 of 5 servers, a majority ✓"),
    );
    assert_has(
        &feed,
        &format!(": Appended entries 1 from {l}: my log matched its entry before them ✓"),
    );
    assert_has(
        &feed,
        "The client is told set 5 is committed at index 1; the value is 5",
    );
    for name in ["A", "B", "C", "D", "E"] {
        assert_has(&feed, &format!("{name}'s value is now 5"));
    }
}

#[test]
fn the_chinese_feed_tells_the_same_events_in_the_articles_words() {
    let mut run = Run::seed(2);
    let leader = run.elect();
    run.apply(Action::ClientRequest {
        op: Op::Set(5),
        to: Some(leader),
    });
    assert!(run.until(3_000, |w| w.clients_idle()
        && w.servers().iter().all(|s| s.machine().value() == 5)));
    let feed = run.feed(Lang::Zh);
    assert!(feed.iter().all(|s| is_chinese(s)), "{}", feed.join("\n"));
    assert_has(&feed, "成为 term 1 的 Candidate");
    assert_has(&feed, "的 Leader：获得多数选票");
    assert_has(&feed, "投出选票");
    assert_has(&feed, "客户端向");
    assert_has(&feed, "的值更新为 5");
    assert!(!has(&feed, "Became"), "no English in the Chinese feed");
}

#[test]
fn heartbeats_timers_and_deliveries_are_noise() {
    let mut run = Run::seed(3);
    run.elect();
    let quiet_from = run.world.now();
    run.advance(1_000);
    let mut heartbeats = 0;
    for item in run.items().filter(|i| i.at > quiet_from) {
        assert_eq!(narrate(item, &run.world, Lang::En), None, "{item:?}");
        if let Record::Sent {
            packet:
                PacketSummary::Raft {
                    kind: MessageKind::AppendRequest,
                    entries: 0,
                    ..
                },
            ..
        }
        | Record::TimerFired {
            timer: TimerKind::Heartbeat,
            ..
        } = item.record
        {
            heartbeats += 1;
        }
    }
    assert!(heartbeats > 50, "a second of heartbeats was checked");
    let recent = narrate_recent(&run.history, &run.world, Lang::En, run.world.now(), 5);
    assert!(recent.iter().all(|(at, _)| *at <= quiet_from));
}

#[test]
fn the_recent_feed_is_the_newest_sentences_in_order_up_to_the_time_asked() {
    let mut run = Run::seed(4);
    let leader = run.elect();
    let elected_at = run.world.now();
    run.advance(100);
    run.apply(Action::ClientRequest {
        op: Op::Add(-3),
        to: Some(leader),
    });
    run.advance(1_000);
    let all = narrate_recent(
        &run.history,
        &run.world,
        Lang::En,
        run.world.now(),
        usize::MAX,
    );
    let last3 = narrate_recent(&run.history, &run.world, Lang::En, run.world.now(), 3);
    assert_eq!(last3.as_slice(), &all[all.len() - 3..]);
    assert!(all.windows(2).all(|w| w[0].0 <= w[1].0), "oldest first");
    assert!(has(
        &all.iter().map(|(_, s)| s.clone()).collect::<Vec<_>>(),
        "add -3"
    ));
    let before = narrate_recent(&run.history, &run.world, Lang::En, elected_at, usize::MAX);
    assert!(!before.is_empty() && before.iter().all(|(at, _)| *at <= elected_at));
    assert!(!before.iter().any(|(_, s)| s.contains("add -3")));
    assert!(narrate_recent(&run.history, &run.world, Lang::En, run.world.now(), 0).is_empty());
}

#[test]
fn a_refused_vote_says_why_and_a_forced_timeout_is_told() {
    let mut run = Run::seed(5);
    run.apply(Action::TimeoutNow(B));
    run.apply(Action::TimeoutNow(C));
    run.advance(40);
    let feed = run.feed(Lang::En);
    assert_has(
        &feed,
        "B: Became candidate for term 1: told to time out now",
    );
    assert_has(
        &feed,
        "C: Refused the vote: I already voted for C in term 1 ✗",
    );
    let zh = run.feed(Lang::Zh);
    assert_has(&zh, "C：拒绝投票：我在 term 1 已经投给了 C ✗");
    assert_has(&zh, "B：成为 term 1 的 Candidate：被要求立即超时");
}

#[test]
fn a_returning_node_with_a_stale_log_is_refused_votes_and_catches_up() {
    let mut run = Run::seed(6);
    run.elect();
    let rest: Vec<NodeId> = (1..5).map(NodeId).collect();
    run.apply(Action::Partition(vec![vec![A], rest.clone()]));
    assert!(run.until(3_000, |w| w.leader().is_some_and(|l| l != A)));
    let leader = run.world.leader().expect("majority leader");
    run.apply(Action::ClientRequest {
        op: Op::Set(7),
        to: Some(leader),
    });
    assert!(run.until(3_000, |w| w.clients_idle()));
    run.advance(600); // A keeps timing out alone, raising its term
    run.apply(Action::Heal);
    assert!(run.until(5_000, |w| w.is_converged()
        && w.servers().iter().all(|s| s.machine().value() == 7)));
    let feed = run.feed(Lang::En);
    assert_has(&feed, "The network is split: A | B C D E");
    // Losses at the cut are told once per link, not at every heartbeat and election.
    let healed = feed
        .iter()
        .position(|s| s.starts_with("The network is healed"))
        .expect("heal told");
    let cut = |from: &str, to: &str| {
        feed[..healed]
            .iter()
            .filter(|s| {
                s.starts_with(&format!("{from}'s "))
                    && s.contains(&format!(" to {to} was lost: the link is cut"))
            })
            .count()
    };
    let l = raft_sim::node_name(leader);
    assert_eq!(cut(&l, "A"), 1, "{l}'s entries to A");
    assert_eq!(cut("A", "B"), 1, "A's vote requests to B");
    assert_has(&feed, "The network is healed");
    assert_has(&feed, ": Refused the vote: A's log (last term ");
    assert_has(&feed, ") is less up-to-date than mine (");
    assert_has(&feed, "A's value is now 7");
    // Any window is the end of the whole feed, repeats settled the same way.
    let all = narrate_recent(
        &run.history,
        &run.world,
        Lang::En,
        run.world.now(),
        usize::MAX,
    );
    for k in 1..=all.len() {
        let window = narrate_recent(&run.history, &run.world, Lang::En, run.world.now(), k);
        assert_eq!(window.as_slice(), &all[all.len() - k..], "window of {k}");
    }
}

#[test]
fn a_redirected_request_is_told_as_a_resend() {
    let mut run = Run::seed(7);
    let leader = run.elect();
    let follower = NodeId((leader.0 + 1) % 5);
    run.apply(Action::ClientRequest {
        op: Op::Set(9),
        to: Some(follower),
    });
    assert!(run.until(3_000, |w| w.clients_idle()));
    let (f, l) = (raft_sim::node_name(follower), raft_sim::node_name(leader));
    let feed = run.feed(Lang::En);
    assert_has(&feed, &format!("The client sends set 9 to {f}"));
    assert_has(
        &feed,
        &format!("{f} tells the client it is not the leader; {l} is"),
    );
    assert_has(&feed, &format!("The client sends set 9 again, now to {l}"));
    assert_has(
        &run.feed(Lang::Zh),
        &format!("客户端重新发送 set 9，这次发给 {l}"),
    );
}

#[test]
fn interventions_are_told_and_crashes_by_their_records() {
    let mut run = Run::seed(8);
    run.elect();
    run.apply(Action::SetElectionTimeout {
        min: Duration::from_millis(200),
        max: Duration::from_micros(400_500),
    });
    run.apply(Action::SetNetwork(NetworkSettings {
        latency_min: Duration::from_millis(5),
        latency_max: Duration::from_millis(30),
        loss_ppm: 50_000,
        duplicate_ppm: 2_500,
        reorder_ppm: 0,
    }));
    run.apply(Action::CutLink {
        from: A,
        to: B,
        both: true,
    });
    run.apply(Action::SetLinkLatency {
        from: B,
        to: C,
        latency: Some(Duration::from_millis(80)),
    });
    run.apply(Action::Crash(C));
    run.apply(Action::Restart(C));
    let feed = run.feed(Lang::En);
    assert_has(&feed, "Election timeout changed to 200 ms–400.5 ms");
    assert_has(
        &feed,
        "Network settings changed: latency 5 ms–30 ms, loss 5%, duplication 0.25%, reordering 0%",
    );
    assert_has(&feed, "The link A ↔ B is cut");
    assert_has(&feed, "Latency B → C fixed at 80 ms");
    assert_has(&feed, "C crashed");
    assert_has(&feed, "C restarted with its saved term, vote and log");
    let zh = run.feed(Lang::Zh);
    assert_has(&zh, "选举超时改为 200 ms–400.5 ms");
    assert_has(&zh, "丢包 5%");
    assert_has(&zh, "C 崩溃了");
}

#[test]
fn lost_votes_are_told_but_lost_heartbeats_are_not() {
    let mut run = Run::new(Setup {
        seed: 9,
        network: NetworkSettings {
            loss_ppm: 300_000,
            ..NetworkSettings::default()
        },
        ..Setup::default()
    });
    run.elect();
    run.advance(2_000);
    let heartbeat_losses = run
        .items()
        .filter(|i| matches!(i.record, Record::Dropped { .. }))
        .count();
    assert!(heartbeat_losses > 20, "many messages were lost");
    let feed = run.feed(Lang::En);
    assert!(!has(&feed, "heartbeat"), "{}", feed.join("\n"));
    assert!(!has(&feed, "AppendEntries reply"));
    assert_has(&feed, "vote");
    assert!(
        feed.iter()
            .any(|s| s.contains("vote request to") && s.ends_with("was lost")
                || s.contains("vote reply to") && s.ends_with("was lost")),
        "{}",
        feed.join("\n")
    );
}

#[test]
fn a_message_dropped_by_the_user_is_told_whatever_it_was() {
    let mut run = Run::seed(10);
    run.elect();
    run.advance(10);
    let heartbeat = run
        .world
        .flights()
        .find(|f| matches!(f.from, Endpoint::Node(_)))
        .map(|f| (f.id, f.from, f.to))
        .expect("a message in flight");
    run.apply(Action::DropMessage(heartbeat.0));
    let feed = run.feed(Lang::En);
    let last = feed.last().expect("told");
    assert!(last.starts_with("You dropped "), "{last}");
    let drop = run.items().last().expect("recorded");
    assert_eq!(
        narrate(drop, &run.world, Lang::En).as_deref(),
        Some("You dropped a message"),
        "alone, the record does not say what the message was"
    );
}

#[test]
fn a_violation_is_a_warning_with_the_property_name() {
    let run = Run::seed(11);
    let item = Item {
        seq: 0,
        at: Instant::from_millis(5),
        record: Record::Violation(Violation {
            property: Property::ElectionSafety,
            at: Instant::from_millis(5),
            node: B,
            other: Some(C),
            term: Some(Term(3)),
            index: None,
        }),
    };
    let en = narrate(&item, &run.world, Lang::En).expect("told");
    assert_eq!(en, "⚠ Election Safety broken at B (vs C, term 3)");
    raft_viz::lang::install_bundled();
    let zh = narrate(&item, &run.world, Lang::Zh).expect("told");
    assert!(
        zh.starts_with("⚠ 违反 Election Safety") && zh.contains("与 C"),
        "{zh}"
    );
}

#[test]
fn pre_vote_rounds_ask_whether_a_node_could_win() {
    let mut run = Run::new(Setup {
        seed: 12,
        raft: Config {
            pre_vote: true,
            ..Config::default()
        },
        ..Setup::default()
    });
    let leader = run.elect();
    let l = raft_sim::node_name(leader);
    let feed = run.feed(Lang::En);
    assert_has(
        &feed,
        &format!(
            "{l}: Became pre-candidate for term 1: no leader heard within my election timeout"
        ),
    );
    assert_has(
        &feed,
        &format!(": Would vote for {l} in term 1 (pre-vote): a later term than mine ✓"),
    );
    assert_has(
        &feed,
        &format!("{l}: A majority would vote for me: the real election of term 1 begins"),
    );
    assert_has(&run.feed(Lang::Zh), "预投票中愿意在 term 1 投给");
}

#[test]
fn a_world_stepped_back_hears_nothing_of_what_it_has_not_processed() {
    let mut timeline = Timeline::new(&Setup {
        seed: 1,
        ..Setup::default()
    })
    .expect("timeline");
    timeline.advance_to(Instant::from_millis(1_000));
    let win = timeline
        .history()
        .iter()
        .find(|i| {
            matches!(
                i.record,
                Record::Node {
                    event: Event::RoleChanged {
                        to: Role::Leader,
                        ..
                    },
                    ..
                }
            )
        })
        .cloned()
        .expect("a leader by 1 s");
    while timeline.world().record_seq() > win.seq {
        timeline.step_back();
    }
    let feed: Vec<String> =
        narrate_recent(timeline.history(), timeline.world(), Lang::En, win.at, 100)
            .into_iter()
            .map(|(_, s)| s)
            .collect();
    assert_has(&feed, "Became candidate");
    assert!(!has(&feed, "Became leader"), "{}", feed.join("\n"));
}
