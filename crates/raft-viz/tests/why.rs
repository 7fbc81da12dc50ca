//! The rule panel's reasons, as the tour's scenes produce them: each names its rule,
//! cites the paper, and says the values the node compared, in English and Chinese.

use raft_sim::raft_core::{Event, Figure2Box, NodeId, Rule};
use raft_sim::scene::{self, SceneRun};
use raft_sim::{Record, Timeline};
use raft_viz::lang::{Lang, install_bundled};
use raft_viz::why::{self, Why};

const A: NodeId = NodeId(0);

/// A scene played to its end: its timeline at the last step.
fn played(id: &str) -> Timeline {
    let s = scene::by_id(id).expect("a scene");
    let (run, mut tl) = SceneRun::new(s).expect("valid");
    let last = run.reached().last().map(|(_, m)| m).expect("steps");
    tl.seek_moment(last.at, last.steps);
    tl
}

/// The reasons of every event of `node` in the timeline's history, in `lang`.
fn reasons(tl: &Timeline, node: NodeId, lang: Lang) -> Vec<(Event, Why)> {
    tl.history()
        .iter()
        .filter_map(|i| match &i.record {
            Record::Node { node: n, event } if *n == node => {
                why::of_event(event, lang).map(|w| (*event, w))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn in_figure_8_the_leader_says_why_index_2_is_not_committed_section_5_4_2() {
    install_bundled();
    let tl = played("figure-8");
    let en = reasons(&tl, A, Lang::En);
    let (event, withheld) = en
        .iter()
        .find(|(e, _)| matches!(e, Event::CommitWithheld { term, .. } if term.0 == 4))
        .expect("A, leader of term 4, withholds index 2");
    assert_eq!(withheld.rule, Rule::CurrentTermOnly);
    assert_eq!(withheld.cite(), "§5.4.2");
    assert_eq!(withheld.rule_id(), "current-term-only");
    assert_eq!(withheld.figure_2(), Some(Figure2Box::RulesForServers));
    let Event::CommitWithheld { holders, .. } = *event else {
        unreachable!("matched above")
    };
    assert_eq!(
        withheld.text,
        format!(
            "Not committed: index 2 is on {holders} of 5 servers but has term 2 < current term 4 (the Figure 8 rule)"
        )
    );
    let zh = why::of_event(event, Lang::Zh).expect("a reason");
    assert_eq!(zh.rule, withheld.rule);
    assert!(
        zh.text.contains("图 8") && zh.text.contains("term 2 < 当前 term 4"),
        "{}",
        zh.text
    );
    // Then index 3, of term 4, commits on a majority: the commit rule, with its count.
    assert!(en.iter().any(|(_, w)| {
        w.rule == Rule::CommitRule
            && w.text.starts_with("Committed up to index 3: it is on ")
            && w.text
                .contains(" of 5 servers, a majority ✓, and of my term ✓")
    }));
}

#[test]
fn in_the_election_a_voter_says_which_checks_its_vote_passed_section_5_2() {
    install_bundled();
    let tl = played("election");
    // Every voter of the scene's election granted with all three checks told.
    let granted: Vec<Why> = (1..5)
        .map(NodeId)
        .flat_map(|id| reasons(&tl, id, Lang::En))
        .filter(|(e, _)| matches!(e, Event::VoteGranted { .. }))
        .map(|(_, w)| w)
        .collect();
    assert!(!granted.is_empty());
    for w in &granted {
        assert_eq!((w.rule, w.cite()), (Rule::VoteGranted, "§5.2"));
        assert!(
            w.text
                .starts_with("Granted the vote: term 1 ≥ my term 1 ✓; no vote yet in term 1 ✓;"),
            "{}",
            w.text
        );
        assert!(
            w.text
                .ends_with("is at least as up-to-date as mine (0, 0) ✓"),
            "{}",
            w.text
        );
    }
}

#[test]
fn a_refused_append_entries_names_the_index_and_both_terms_section_5_3() {
    install_bundled();
    // In Figure 8 (e), A, leader of term 4, reaches E, whose index 2 is of term 3.
    let tl = played("figure-8");
    let e = NodeId(4);
    let refusals: Vec<Why> = reasons(&tl, e, Lang::En)
        .into_iter()
        .filter(|(_, w)| w.rule == Rule::AppendConsistencyCheck)
        .map(|(_, w)| w)
        .collect();
    let w = refusals.first().expect("E's consistency check fails");
    assert_eq!(
        w.text,
        "Refused AppendEntries: no entry at index 2 with term 2 (mine: term 3) ✗"
    );
    assert_eq!(w.cite(), "§5.3");
    assert_eq!(w.figure_2(), Some(Figure2Box::AppendEntries));
    assert_eq!(w.rule_id(), "append-consistency-check");
}

#[test]
fn every_reason_of_every_scene_has_its_chinese() {
    install_bundled();
    for s in scene::all() {
        let id = s.id;
        let tl = played(id);
        for &node in tl.world().ids() {
            for (event, en) in reasons(&tl, node, Lang::En) {
                let zh = why::of_event(&event, Lang::Zh).expect("the same rule");
                assert_eq!(zh.rule, en.rule);
                assert!(
                    zh.text
                        .chars()
                        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "{id}: {event:?}: {}",
                    zh.text
                );
                assert!(
                    !en.text.contains('{') && !zh.text.contains('{'),
                    "{id}: {}",
                    zh.text
                );
            }
        }
    }
}

#[test]
fn the_panel_explains_a_node_by_its_latest_event_and_a_message_by_its_senders_section_5_4_2() {
    install_bundled();
    let s = scene::by_id("figure-8").expect("a scene");
    let (run, mut tl) = SceneRun::new(s).expect("valid");
    // Step "c": A's copies make a majority, and A withholds the commit at once.
    let (_, c) = run
        .reached()
        .find(|(w, _)| w.id == "c")
        .expect("step c is reached");
    tl.seek_moment(c.at, c.steps);
    let now = tl.world().now();
    // A node is explained by its latest event that has a reason, up to the cursor.
    let node = why::of_subject(tl.history(), now, why::Subject::Node(A), Lang::En)
        .expect("A's latest event has a reason");
    let latest = tl
        .history()
        .iter()
        .filter(|i| i.at <= now)
        .rev()
        .find_map(|i| match &i.record {
            Record::Node { node, event } if *node == A && event.rule().is_some() => Some(*event),
            _ => None,
        })
        .expect("A acted");
    assert_eq!(Some(node), why::of_event(&latest, Lang::En));
    // An event chosen by its history number: A's withheld commit, by the scene's end.
    let last = run.reached().last().map(|(_, m)| m).expect("steps");
    tl.seek_moment(last.at, last.steps);
    let now = tl.world().now();
    let seq = tl
        .history()
        .iter()
        .filter(|i| i.at <= now)
        .rev()
        .find(|i| matches!(i.record, Record::Node { node, event: Event::CommitWithheld { .. } } if node == A))
        .map(|i| i.seq)
        .expect("recorded");
    let by_seq =
        why::of_subject(tl.history(), now, why::Subject::Event(seq), Lang::Zh).expect("a reason");
    assert_eq!(by_seq.rule, Rule::CurrentTermOnly);
    // A vote reply of the scene is explained by the vote its sender cast as it sent it.
    let reply = tl
        .history()
        .iter()
        .filter(|i| i.at <= now)
        .find_map(|i| match &i.record {
            Record::Sent {
                id,
                packet:
                    raft_sim::network::PacketSummary::Raft {
                        kind: raft_sim::raft_core::MessageKind::VoteResponse,
                        ok: Some(true),
                        ..
                    },
                ..
            } => Some(*id),
            _ => None,
        })
        .expect("a granted vote was sent");
    let vote = why::of_subject(tl.history(), now, why::Subject::Message(reply), Lang::En)
        .expect("the vote explains it");
    assert_eq!(vote.rule, Rule::VoteGranted);
    // Nothing selected that the history does not hold: no reason, no panic.
    assert_eq!(
        why::of_subject(tl.history(), now, why::Subject::Event(u64::MAX), Lang::En),
        None
    );
}

#[test]
fn a_leaders_append_entries_says_whether_it_is_a_heartbeat_or_carries_entries_figure_2_leaders() {
    install_bundled();
    // The article's replication scene: the leader's heartbeats, then a client's entry.
    let tl = played("replication");
    let now = tl.world().now();
    let mut found = [false; 2];
    for item in tl.history().iter() {
        let Record::Sent {
            id,
            packet:
                raft_sim::network::PacketSummary::Raft {
                    kind: raft_sim::raft_core::MessageKind::AppendRequest,
                    entries,
                    term,
                    ..
                },
            ..
        } = item.record
        else {
            continue;
        };
        let w = why::of_subject(tl.history(), now, why::Subject::Message(id), Lang::En)
            .expect("every AppendEntries has a reason");
        if entries == 0 {
            assert_eq!((w.rule, w.cite()), (Rule::Heartbeat, "§5.2"));
            assert!(
                w.text
                    .starts_with(&format!("Heartbeat of the term {} leader", term.0))
            );
            found[0] = true;
        } else {
            assert_eq!((w.rule, w.cite()), (Rule::SendEntries, "§5.3"));
            assert!(
                w.text.contains(&format!("with {entries} entries")),
                "{}",
                w.text
            );
            let zh = why::of_subject(tl.history(), now, why::Subject::Message(id), Lang::Zh)
                .expect("zh");
            assert!(
                zh.text.contains("nextIndex") && zh.text.contains("条目"),
                "{}",
                zh.text
            );
            found[1] = true;
        }
        assert_eq!(w.figure_2(), Some(Figure2Box::RulesForServers));
    }
    assert_eq!(found, [true, true], "heartbeats and entries both seen");
}
