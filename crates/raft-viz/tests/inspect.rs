//! The inspector describes real nodes and messages of a running world.

use std::time::Duration;

use raft_sim::network::{Endpoint, Packet};
use raft_sim::raft_core::{Body, NodeId};
use raft_sim::{Action, MsgId, Op, Setup, World, node_name};
use raft_viz::inspect;

/// The inspector's lines for a node, with the Chinese catalogue installed.
fn node_lines(w: &World, id: NodeId, lang: Lang) -> Vec<String> {
    raft_viz::lang::install_bundled();
    inspect::node_lines(w, id, lang)
}

/// The inspector's lines for a message, with the Chinese catalogue installed.
fn message_lines(w: &World, id: MsgId, lang: Lang) -> Vec<String> {
    raft_viz::lang::install_bundled();
    inspect::message_lines(w, id, lang)
}
use raft_viz::lang::Lang;

fn world(seed: u64) -> World {
    World::new(&Setup {
        seed,
        ..Setup::default()
    })
    .expect("valid setup")
}

fn elected(seed: u64) -> (World, NodeId) {
    let mut w = world(seed);
    assert!(w.run_until(Duration::from_secs(5), World::is_converged));
    let leader = w.leader().expect("a leader");
    (w, leader)
}

fn has(lines: &[String], part: &str) -> bool {
    lines.iter().any(|l| l.contains(part))
}

fn assert_has(lines: &[String], part: &str) {
    assert!(
        has(lines, part),
        "no line contains {part:?} in:\n{}",
        lines.join("\n")
    );
}

#[test]
fn a_leader_shows_its_term_heartbeat_and_each_followers_progress() {
    let (mut w, leader) = elected(1);
    w.apply(&Action::ClientRequest {
        op: Op::Set(5),
        to: Some(leader),
    })
    .expect("request");
    assert!(w.run_until(Duration::from_secs(2), |w| w.clients_idle()));
    let term = w.node(leader).expect("up").term().0;
    let lines = node_lines(&w, leader, Lang::En);
    let l = node_name(leader);
    assert_eq!(lines[0], format!("{l}: Leader"));
    assert_has(&lines, &format!("Term: {term}"));
    assert_has(&lines, &format!("Voted for: {l}"));
    assert_has(&lines, "Log: last index 1, committed up to 1");
    assert_has(&lines, "Value: 5");
    assert_has(&lines, "Next heartbeat in ");
    let progress: Vec<&String> = lines.iter().filter(|l| l.contains("nextIndex")).collect();
    assert_eq!(progress.len(), 4, "one line per follower");
    assert!(
        progress
            .iter()
            .all(|p| p.ends_with("nextIndex 2, matchIndex 1")),
        "{progress:?}"
    );
    assert!(!has(&lines, "Election timeout"));
}

#[test]
fn a_follower_shows_its_leader_and_election_timer() {
    let (w, leader) = elected(2);
    let follower = NodeId((leader.0 + 1) % 5);
    let lines = node_lines(&w, follower, Lang::En);
    assert_eq!(lines[0], format!("{}: Follower", node_name(follower)));
    assert_has(&lines, &format!("Follows leader {}", node_name(leader)));
    let timer = lines
        .iter()
        .find(|l| l.starts_with("Election timeout in "))
        .expect("a timer line");
    let deadline = w
        .node(follower)
        .and_then(|n| n.election_deadline())
        .expect("timer");
    let left = deadline.since(w.now()).as_micros() as f64 / 1000.0;
    let shown: f64 = timer["Election timeout in ".len()..]
        .trim_end_matches(" ms")
        .parse()
        .expect("milliseconds");
    assert!((shown - left).abs() < 0.001, "{timer} vs {left}");
    assert!(!has(&lines, "nextIndex"));
}

#[test]
fn a_candidate_shows_the_votes_it_has() {
    let mut w = world(3);
    w.apply(&Action::TimeoutNow(NodeId(1))).expect("time out");
    let lines = node_lines(&w, NodeId(1), Lang::En);
    assert_eq!(lines[0], "B: Candidate");
    assert_has(&lines, "Term: 1");
    assert_has(&lines, "Voted for: B");
    assert_has(&lines, "Votes received: B (3 needed)");
    let zh = node_lines(&w, NodeId(1), Lang::Zh);
    assert_has(&zh, "收到的选票：B（需要 3 票）");
}

#[test]
fn a_crashed_node_shows_what_it_stored() {
    let (mut w, leader) = elected(4);
    w.apply(&Action::ClientRequest {
        op: Op::Add(3),
        to: Some(leader),
    })
    .expect("request");
    assert!(w.run_until(Duration::from_secs(2), |w| w.clients_idle()));
    let term = w.node(leader).expect("up").term().0;
    w.apply(&Action::Crash(leader)).expect("crash");
    let l = node_name(leader);
    let lines = node_lines(&w, leader, Lang::En);
    assert_eq!(
        lines,
        [
            format!("{l}: crashed"),
            format!("Stored: term {term}, voted for {l}, log of 1 entry"),
        ]
    );
    let zh = node_lines(&w, leader, Lang::Zh);
    assert_eq!(zh[0], format!("{l}：已崩溃"));
    assert_eq!(zh[1], format!("已保存：term {term}，投票给 {l}，1 条日志"));
}

#[test]
fn unknown_ids_describe_nothing() {
    let w = world(5);
    assert!(node_lines(&w, NodeId(9), Lang::En).is_empty());
    assert!(message_lines(&w, MsgId(12345), Lang::En).is_empty());
}

#[test]
fn the_chinese_inspector_uses_the_articles_words() {
    let (w, leader) = elected(6);
    let lines = node_lines(&w, leader, Lang::Zh);
    assert_has(&lines, "term：");
    assert_has(&lines, "投票给：");
    assert_has(&lines, "日志：最后 index 0，已提交到 index 0");
    assert_has(&lines, "下次心跳：");
    let follower = NodeId((leader.0 + 1) % 5);
    assert_has(&node_lines(&w, follower, Lang::Zh), "选举超时：");
}

#[test]
fn a_vote_request_in_flight_shows_its_route_term_and_times() {
    let mut w = world(7);
    w.apply(&Action::TimeoutNow(NodeId(1))).expect("time out");
    let f = w
        .flights()
        .find(|f| f.to == Endpoint::Node(NodeId(0)))
        .expect("B asks A for a vote");
    let lines = message_lines(&w, f.id, Lang::En);
    assert_eq!(lines[0], "RequestVote");
    assert_eq!(lines[1], "B → A");
    assert_has(&lines, "Term: 1");
    assert_has(&lines, "Candidate's last entry: index 0, term 0");
    let sent = format!("Sent at {} ms", f.sent_at.as_micros() / 1000);
    assert!(lines.iter().any(|l| l.starts_with(&sent)), "{lines:?}");
    assert_has(&lines, "Will arrive");
    let zh = message_lines(&w, f.id, Lang::Zh);
    assert_eq!(zh[0], "选举请求 RequestVote");
    assert_has(&zh, "发送于");
}

#[test]
fn a_message_across_a_cut_link_will_be_lost() {
    let (mut w, leader) = elected(8);
    let others: Vec<NodeId> = (0..5).map(NodeId).filter(|&n| n != leader).collect();
    w.apply(&Action::Partition(vec![vec![leader], others]))
        .expect("partition");
    assert!(w.run_until(Duration::from_millis(200), |w| {
        w.flights().any(|f| f.lost_at.is_some())
    }));
    let f = w
        .flights()
        .find(|f| f.lost_at.is_some())
        .expect("a doomed message");
    let lines = message_lines(&w, f.id, Lang::En);
    assert_eq!(lines[0], "AppendEntries: heartbeat");
    assert!(
        lines
            .last()
            .is_some_and(|l| l.starts_with("Will be lost at ") && l.ends_with(": the link is cut")),
        "{lines:?}"
    );
}

#[test]
fn entries_replies_and_client_messages_are_described() {
    let (mut w, leader) = elected(9);
    let l = node_name(leader);
    w.apply(&Action::ClientRequest {
        op: Op::Set(5),
        to: Some(leader),
    })
    .expect("request");
    let request = w
        .flights()
        .find(|f| matches!(f.packet, Packet::Request { .. }))
        .expect("the client's request")
        .id;
    let lines = message_lines(&w, request, Lang::En);
    assert_eq!(lines[0], "Client request #1: set 5");
    assert_eq!(lines[1], format!("the client → {l}"));
    assert_eq!(
        message_lines(&w, request, Lang::Zh)[1],
        format!("客户端 → {l}")
    );

    let with_entries = |w: &World| {
        w.flights().find_map(|f| match &f.packet {
            Packet::Raft(m) if matches!(&m.body, Body::AppendEntries { entries, .. } if !entries.is_empty()) => Some(f.id),
            _ => None,
        })
    };
    assert!(w.run_until(Duration::from_secs(1), |w| with_entries(w).is_some()));
    let id = with_entries(&w).expect("entries in flight");
    let lines = message_lines(&w, id, Lang::En);
    assert_eq!(lines[0], "AppendEntries: 1 entry");
    assert_has(&lines, "After index 0 (term 0); leader committed up to 0");
    assert_has(&lines, "Entries: set 5 (term ");

    let success = |w: &World| {
        w.flights().find_map(|f| match &f.packet {
            Packet::Raft(m) if matches!(m.body, Body::AppendEntriesResponse(raft_sim::raft_core::AppendOutcome::Success { match_index }) if match_index.0 == 1) => Some(f.id),
            _ => None,
        })
    };
    assert!(w.run_until(Duration::from_secs(1), |w| success(w).is_some()));
    let lines = message_lines(&w, success(&w).expect("a reply"), Lang::En);
    assert_eq!(lines[0], "AppendEntries reply: success, match index 1");

    let done = |w: &World| {
        w.flights()
            .find(|f| matches!(f.packet, Packet::Reply { .. }))
            .map(|f| f.id)
    };
    assert!(w.run_until(Duration::from_secs(1), |w| done(w).is_some()));
    let lines = message_lines(&w, done(&w).expect("the answer"), Lang::En);
    assert_eq!(
        lines[0],
        "Reply to the client: committed at index 1, value 5"
    );
}
