//! §6 of the Raft paper, "Cluster membership changes", and Ongaro's thesis §4.
//!
//! "In order to ensure safety, configuration changes must use a two-phase approach. [...]
//! the cluster first switches to a transitional configuration we call joint consensus;
//! once the joint consensus has been committed, the system then transitions to the new
//! configuration." A server "always uses the latest configuration in its log, regardless
//! of whether the entry is committed". New servers join "as non-voting members", the
//! leader "steps down (returns to follower state) once it has committed the C_new log
//! entry" when it is not part of it, and "servers disregard RequestVote RPCs when they
//! believe a current leader exists". The thesis adds single-server changes (§4.1), with
//! the rule that a leader commits an entry of its term before its first change, and
//! rounds of catching up for a new server (§4.2.1).

mod common;

use core::time::Duration;

use common::*;
use raft_core::testkit::Cluster;
use raft_core::{
    Body, ChangeError, Config, ConfigEntry, ConfigStep, Event, LogIndex, MembershipChange, Message,
    Node, NodeId, Payload, Role, RoleChangeCause, TimerError, UnsafeRules,
};

const SECOND: Duration = Duration::from_secs(1);

fn config(joint: bool) -> Config {
    Config {
        joint_consensus: joint,
        ..Config::default()
    }
}

/// A settled cluster of `n` with a leader and `writes` committed commands.
fn settled(n: u32, config: Config, writes: u64) -> (Cluster<u64>, NodeId) {
    let mut c = Cluster::new(n, config, 7);
    let leader = elect(&mut c, SECOND);
    for k in 0..writes {
        c.propose(leader, 100 + k).expect("the leader takes writes");
    }
    c.run_for(SECOND / 2);
    (c, leader)
}

/// The configuration steps `id` appended, in order.
fn appended_steps(c: &Cluster<u64>, id: NodeId) -> Vec<ConfigStep> {
    c.events
        .iter()
        .filter_map(|(_, n, e)| match e {
            Event::ConfigurationAppended(ConfigEntry { step, .. }) if *n == id => Some(*step),
            _ => None,
        })
        .collect()
}

/// Position in the event list of the first event matching `pred`.
fn first_event(c: &Cluster<u64>, pred: impl Fn(NodeId, &Event) -> bool) -> Option<usize> {
    c.events.iter().position(|(_, n, e)| pred(*n, e))
}

fn voters(c: &Cluster<u64>, id: NodeId) -> Vec<u32> {
    c.node(id)
        .map(|n| n.members().voters().iter().map(|v| v.0).collect())
        .unwrap_or_default()
}

#[test]
fn a_new_server_joins_as_a_learner_and_becomes_a_voter_through_joint_consensus_section_6() {
    let (mut c, leader) = settled(3, config(true), 20);
    let new = c.add_server();
    assert_eq!(
        c.change_membership(leader, MembershipChange::Add(new)),
        Ok(())
    );
    // It takes effect on the leader as soon as it is appended, before any commit.
    let m = c.node(leader).expect("up").members().clone();
    assert!(m.is_learner(new) && !m.is_voter(new));
    c.run_for(SECOND);
    assert_eq!(
        appended_steps(&c, leader),
        vec![
            ConfigStep::AddLearner(new),
            ConfigStep::EnterJoint {
                node: new,
                add: true
            },
            ConfigStep::LeaveJoint,
        ]
    );
    let caught_up = first_event(
        &c,
        |_, e| matches!(e, Event::LearnerCaughtUp { learner, rounds: 1, .. } if *learner == new),
    )
    .expect("the learner caught up");
    let joint = first_event(&c, |n, e| {
        n == leader
            && matches!(
                e,
                Event::ConfigurationAppended(ConfigEntry {
                    step: ConfigStep::EnterJoint { .. },
                    ..
                })
            )
    })
    .expect("joint entered");
    assert!(caught_up < joint, "promoted only once caught up");
    for id in c.ids().to_vec() {
        assert_eq!(voters(&c, id), vec![0, 1, 2, 3], "{id}'s configuration");
        assert!(!c.node(id).expect("up").members().is_joint());
    }
    // The new server holds the whole log, and applied the commands.
    assert_eq!(c.applied_commands(new), c.applied_commands(leader));
    assert_eq!(c.applied_commands(new).len(), 20);
    // It never campaigned.
    assert!(
        first_event(&c, |n, e| n == new
            && matches!(e, Event::ElectionStarted { .. }))
        .is_none()
    );
    // A write now needs 3 of 4.
    c.propose(leader, 999).expect("leader");
    c.run_for(SECOND / 4);
    assert_eq!(c.applied_commands(new).last(), Some(&999));
    assert_no_violations(&mut c);
}

#[test]
fn in_single_server_mode_a_caught_up_learner_is_promoted_in_one_step_thesis_4_1() {
    let (mut c, leader) = settled(3, config(false), 5);
    let new = c.add_server();
    c.change_membership(leader, MembershipChange::Add(new))
        .expect("added");
    c.run_for(SECOND);
    assert_eq!(
        appended_steps(&c, leader),
        vec![ConfigStep::AddLearner(new), ConfigStep::PromoteLearner(new)]
    );
    for id in c.ids().to_vec() {
        assert_eq!(voters(&c, id), vec![0, 1, 2, 3]);
    }
    assert_no_violations(&mut c);
}

#[test]
fn a_follower_uses_a_configuration_as_soon_as_it_appends_it_section_6() {
    let (mut c, leader) = settled(3, config(true), 1);
    let follower = c.ids().iter().copied().find(|&i| i != leader).expect("one");
    let new = c.add_server();
    c.change_membership(leader, MembershipChange::Add(new))
        .expect("added");
    // Run until the follower has the entry, and check it is not yet committed there.
    assert!(c.run_until(SECOND, |c| {
        c.node(follower)
            .is_some_and(|n| n.members().is_learner(new))
    }));
    let f = c.node(follower).expect("up");
    let at = f.log().last_index();
    assert!(matches!(
        f.log().get(at).map(|e| &e.payload),
        Some(Payload::Config(ConfigStep::AddLearner(_)))
    ));
    assert!(f.commit_index() < at, "in effect before it commits");
}

#[test]
fn a_joint_configuration_commits_only_with_majorities_of_both_halves_section_6() {
    let (mut c, leader) = settled(3, config(true), 1);
    let others: Vec<NodeId> = c.ids().iter().copied().filter(|&i| i != leader).collect();
    let (keep, drop) = (others[0], others[1]);
    // C_old = {leader, keep, drop}; C_new = {leader, keep}. Cut `keep` off: C_old still
    // has a majority (leader, drop), C_new does not.
    c.partition(&[&[leader, drop], &[keep]]);
    c.change_membership(leader, MembershipChange::Remove(drop))
        .expect("removal asked");
    c.run_for(SECOND / 2);
    let l = c.node(leader).expect("up");
    assert!(l.members().is_joint(), "entered C_old,new");
    let joint_at = l.log().last_index();
    assert!(
        c.node(drop).expect("up").log().last_index() >= joint_at,
        "a majority of C_old has it"
    );
    assert!(
        l.commit_index() < joint_at,
        "but C_new has no majority: not committed"
    );
    c.heal();
    c.run_for(SECOND);
    let l = c.node(leader).expect("up");
    assert!(!l.members().is_joint(), "left the joint configuration");
    assert_eq!(voters(&c, leader), {
        let mut v = vec![leader.0, keep.0];
        v.sort_unstable();
        v
    });
    assert_no_violations(&mut c);
}

#[test]
fn only_one_voting_change_is_uncommitted_at_a_time_thesis_4_1() {
    for joint in [false, true] {
        let (mut c, leader) = settled(5, config(joint), 1);
        let others: Vec<NodeId> = c.ids().iter().copied().filter(|&i| i != leader).collect();
        c.change_membership(leader, MembershipChange::Remove(others[0]))
            .expect("first");
        c.change_membership(leader, MembershipChange::Remove(others[1]))
            .expect("second, queued");
        let steps = appended_steps(&c, leader);
        assert_eq!(
            steps.len(),
            1,
            "joint {joint}: only the first is appended: {steps:?}"
        );
        c.run_for(SECOND);
        // Every voting entry commits before the next is appended.
        let mut last_voting_append: Option<LogIndex> = None;
        for (_, n, e) in &c.events {
            if *n != leader {
                continue;
            }
            match e {
                Event::ConfigurationAppended(entry) => {
                    assert!(
                        last_voting_append.is_none(),
                        "joint {joint}: {entry:?} appended while {last_voting_append:?} was uncommitted"
                    );
                    last_voting_append = Some(entry.index);
                }
                Event::ConfigurationCommitted(entry) if Some(entry.index) == last_voting_append => {
                    last_voting_append = None;
                }
                _ => {}
            }
        }
        assert_eq!(voters(&c, leader).len(), 3, "joint {joint}: both removed");
        assert_no_violations(&mut c);
    }
}

#[test]
fn in_single_server_mode_a_new_leader_commits_an_entry_of_its_term_before_a_change_thesis_4_1() {
    let (mut c, old) = settled(3, config(false), 2);
    // A new leader in a new term, with no entry of its own yet (no no-op on election).
    let new_leader = c.ids().iter().copied().find(|&i| i != old).expect("one");
    force_win(&mut c, new_leader, SECOND);
    let l = c.node(new_leader).expect("up");
    assert_ne!(l.log().last_term(), l.term(), "no entry of its term yet");
    let victim = c
        .ids()
        .iter()
        .copied()
        .find(|&i| i != new_leader)
        .expect("one");
    c.change_membership(new_leader, MembershipChange::Remove(victim))
        .expect("asked");
    let l = c.node(new_leader).expect("up");
    assert!(
        matches!(
            l.log().get(l.log().last_index()).map(|e| &e.payload),
            Some(Payload::Noop)
        ),
        "it appends a no-op first, not the change"
    );
    c.run_for(SECOND);
    assert_eq!(
        appended_steps(&c, new_leader),
        vec![ConfigStep::Remove(victim)]
    );
    assert_eq!(voters(&c, new_leader).len(), 2);
    assert_no_violations(&mut c);
}

#[test]
fn unchecked_changes_let_two_voting_changes_be_uncommitted_at_once() {
    let mut cfg = config(false);
    cfg.unsafe_rules = UnsafeRules {
        unchecked_membership_changes: true,
        ..UnsafeRules::default()
    };
    let (mut c, leader) = settled(5, cfg, 1);
    let others: Vec<NodeId> = c.ids().iter().copied().filter(|&i| i != leader).collect();
    c.change_membership(leader, MembershipChange::Remove(others[0]))
        .expect("first");
    c.change_membership(leader, MembershipChange::Remove(others[1]))
        .expect("second");
    assert_eq!(
        appended_steps(&c, leader),
        vec![ConfigStep::Remove(others[0]), ConfigStep::Remove(others[1])],
        "both appended at once, neither committed"
    );
}

#[test]
fn a_leader_not_in_the_new_configuration_steps_down_once_it_commits_it_section_6() {
    for joint in [true, false] {
        let (mut c, leader) = settled(3, config(joint), 3);
        c.change_membership(leader, MembershipChange::Remove(leader))
            .expect("asked");
        c.run_for(SECOND / 2);
        let stepped_down = first_event(&c, |n, e| {
            n == leader
                && matches!(
                    e,
                    Event::RoleChanged {
                        cause: RoleChangeCause::RemovedFromConfiguration,
                        ..
                    }
                )
        })
        .unwrap_or_else(|| panic!("joint {joint}: the leader stepped down"));
        // It committed C_new before stepping down.
        let committed_new = c.events[..stepped_down].iter().any(|(_, n, e)| {
            *n == leader
                && matches!(
                    e,
                    Event::ConfigurationCommitted(ConfigEntry {
                        step: ConfigStep::LeaveJoint | ConfigStep::Remove(_),
                        ..
                    })
                )
        });
        assert!(committed_new, "joint {joint}: C_new committed first");
        c.run_for(SECOND);
        let new_leader = c.leader().expect("a new leader among the rest");
        assert_ne!(new_leader, leader);
        assert!(!c.node(new_leader).expect("up").members().contains(leader));
        // The removed server never campaigns again.
        let n = c.node(leader).expect("up");
        assert_eq!(n.role(), Role::Follower);
        let campaigns_after = c.events[stepped_down..]
            .iter()
            .filter(|(_, n, e)| *n == leader && matches!(e, Event::ElectionStarted { .. }))
            .count();
        assert_eq!(campaigns_after, 0, "joint {joint}");
        let writes = c.applied_commands(new_leader).len();
        c.propose(new_leader, 77)
            .expect("the new leader takes writes");
        c.run_for(SECOND / 4);
        assert_eq!(c.applied_commands(new_leader).len(), writes + 1);
        assert_no_violations(&mut c);
    }
}

#[test]
fn a_leader_left_the_only_voter_commits_at_once_section_6() {
    // A configuration is used as soon as it is appended (§6): when the change leaves the
    // leader its only voter, the leader's own log is the majority, and nothing else
    // (no follower is left to acknowledge anything) would ever commit the change.
    for joint in [true, false] {
        let (mut c, leader) = settled(2, config(joint), 3);
        let other = c.ids().iter().copied().find(|&i| i != leader).expect("two");
        c.change_membership(leader, MembershipChange::Remove(other))
            .expect("asked");
        if joint {
            // C_old,new = {leader, other} + {leader}: it needs `other`, which acknowledges
            // it; only then does the leader append C_new = {leader}.
            assert!(c.run_until(SECOND, |c| {
                c.node(leader).is_some_and(|n| !n.members().is_joint())
            }));
        }
        // Nothing more from the removed server: it is shut down.
        c.crash(other);
        c.run_for(SECOND / 2);
        let l = c.node(leader).expect("up");
        assert_eq!(voters(&c, leader), vec![leader.0], "joint {joint}");
        assert_eq!(l.role(), Role::Leader);
        assert_eq!(
            l.commit_index(),
            l.log().last_index(),
            "joint {joint}: C_new = {{leader}} committed"
        );
        let committed_new = c.events.iter().any(|(_, n, e)| {
            *n == leader
                && matches!(
                    e,
                    Event::ConfigurationCommitted(ConfigEntry {
                        step: ConfigStep::LeaveJoint | ConfigStep::Remove(_),
                        ..
                    })
                )
        });
        assert!(committed_new, "joint {joint}");
        // And it goes on taking writes alone.
        let writes = c.applied_commands(leader).len();
        c.propose(leader, 55).expect("leader");
        c.run_for(SECOND / 4);
        assert_eq!(c.applied_commands(leader).len(), writes + 1);
        assert_no_violations(&mut c);
    }
}

#[test]
fn a_server_alone_in_holding_its_own_removal_still_stands_for_election_thesis_4_2_2() {
    // Thesis Figure 4.6: S1 removes itself from {S1, S2} and is alone in holding C_new,
    // then restarts. S2 still uses {S1, S2} and needs S1's vote, which S1 refuses for
    // S2's shorter log: only S1 can lead, so it must campaign although its latest
    // configuration leaves it out ("it might still be needed until the C_new entry is
    // committed").
    for joint in [true, false] {
        let (mut c, s1) = settled(2, config(joint), 3);
        let s2 = c.ids().iter().copied().find(|&i| i != s1).expect("two");
        if joint {
            // S2 acknowledges C_old,new; S1 commits it and appends C_new = {S2}, which
            // goes out with the next heartbeat: cut S2 off before that.
            c.change_membership(s1, MembershipChange::Remove(s1))
                .expect("asked");
            assert!(c.run_until(SECOND, |c| {
                c.node(s1).is_some_and(|n| !n.members().is_joint())
            }));
            c.partition(&[&[s1], &[s2]]);
        } else {
            c.partition(&[&[s1], &[s2]]);
            c.change_membership(s1, MembershipChange::Remove(s1))
                .expect("asked");
        }
        c.run_for(SECOND / 10);
        assert_eq!(voters(&c, s1), vec![s2.0], "joint {joint}: S1 holds C_new");
        assert!(c.node(s2).expect("up").members().is_voter(s1));
        c.crash(s1);
        c.restart(s1);
        c.heal();
        let restarted = c.events.len();
        // S1 leads long enough to commit C_new, steps down, and S2 leads {S2} alone.
        assert!(
            c.run_until(5 * SECOND, |c| c.leader() == Some(s2)
                && voters(c, s2) == vec![s2.0]),
            "joint {joint}: the cluster elected a leader"
        );
        let s1_led = c.events[restarted..].iter().any(|(_, n, e)| {
            *n == s1
                && matches!(
                    e,
                    Event::RoleChanged {
                        to: Role::Leader,
                        ..
                    }
                )
        });
        assert!(s1_led, "joint {joint}: S1, outside C_new, won an election");
        let n2 = c.node(s2).expect("up");
        assert!(!n2.members().is_joint());
        assert!(n2.committed_members().voters() == [s2], "C_new committed");
        c.propose(s2, 42).expect("S2 leads");
        c.run_for(SECOND / 4);
        assert_eq!(c.applied_commands(s2).last(), Some(&42));
        assert_no_violations(&mut c);
    }
}

/// Delivers every AppendEntries from `from` to `to` without its entries: `to` hears from
/// its leader but receives nothing new.
fn strip_entries(c: &mut Cluster<u64>, from: NodeId, to: NodeId) {
    let carries = |m: &Message<u64>| {
        m.from == from
            && m.to == to
            && matches!(&m.body, Body::AppendEntries { entries, .. } if !entries.is_empty())
    };
    let stripped: Vec<Message<u64>> = c
        .in_flight()
        .iter()
        .filter(|m| carries(&m.msg))
        .map(|m| {
            let mut msg = m.msg.clone();
            if let Body::AppendEntries { entries, .. } = &mut msg.body {
                entries.clear();
            }
            msg
        })
        .collect();
    c.drop_where(carries);
    for m in stripped {
        c.inject(m);
    }
}

#[test]
fn a_server_standing_outside_its_latest_configuration_asks_for_a_pre_vote_thesis_4_2_3() {
    // {X, L, Y} in single-server mode. Leader X removes itself; L receives the change,
    // Y does not. X crashes and L leads {L, Y}; Y lags behind (it hears from L but
    // receives nothing new), so it still counts X. X restarts holding its own
    // uncommitted removal and stands for election (thesis §4.2.2), but as the
    // disruptive server of §4.2.3 it first asks for a pre-vote, which Y refuses while it
    // hears from L. A real election would have raised Y's term, and Y's next answer would
    // have deposed L, again and again while Y catches up.
    let (mut c, x) = settled(3, config(false), 3);
    let others: Vec<NodeId> = c.ids().iter().copied().filter(|&i| i != x).collect();
    let (l, y) = (others[0], others[1]);
    c.cut_link(x, y);
    c.change_membership(x, MembershipChange::Remove(x))
        .expect("asked");
    assert!(c.run_until(SECOND, |c| {
        !c.node(l).is_some_and(|n| n.members().is_voter(x))
    }));
    c.crash(x);
    c.heal();
    let mut led = false;
    let end = c.now().after(2 * SECOND);
    while c.now() < end && c.step_next() {
        strip_entries(&mut c, l, y);
        led |= c.leader() == Some(l);
        if led && c.node(x).is_none() {
            c.restart(x);
        }
    }
    assert!(led, "L leads {{L, Y}}");
    let nx = c.node(x).expect("up");
    assert!(!nx.members().is_voter(x), "X holds its removal");
    assert!(nx.committed_members().is_voter(x), "not known committed");
    assert!(
        c.node(y).expect("up").members().is_voter(x),
        "Y still counts X"
    );
    let term = c.node(l).expect("up").term();
    let restarted = c.events.len();
    let end = c.now().after(2 * SECOND);
    while c.now() < end && c.step_next() {
        strip_entries(&mut c, l, y);
    }
    let nl = c.node(l).expect("up");
    assert_eq!(nl.role(), Role::Leader, "L was never deposed");
    assert_eq!(nl.term(), term);
    assert_eq!(c.node(y).expect("up").term(), term);
    assert!(
        c.node(x).expect("up").term() <= term,
        "pre-votes raise no term"
    );
    let pre_votes = c.events[restarted..]
        .iter()
        .filter(|(_, n, e)| *n == x && matches!(e, Event::ElectionStarted { pre_vote: true, .. }))
        .count();
    assert!(pre_votes > 0, "X stood for election, with pre-votes");
    assert_no_violations(&mut c);
}

#[test]
fn a_server_outside_the_configuration_cannot_disrupt_a_live_leader_section_6() {
    // Node 0 of {0,1,2}, a follower of node 1 in term 3, heard from it at 1 ms.
    let mut f = follower(0, 3, 3, &[1, 2, 2]);
    f.step(ms(1), append(1, 0, 3, (3, 2), &[], 2)).expect("ok");
    let _ = f.take_ready();
    // A removed server (7, not a voter here) times out and asks for votes in term 9:
    // without check-quorum, the follower still disregards it while its leader is live.
    f.step(ms(50), request_vote(7, 0, 9, 3, 2))
        .expect("answered");
    assert_eq!(f.term().0, 3, "term not raised");
    assert_eq!(f.voted_for(), None);
    // A voter's request is not disregarded (the article's basic Raft).
    let mut g = f.clone();
    g.step(ms(50), request_vote(2, 0, 9, 3, 2))
        .expect("answered");
    assert_eq!(g.term().0, 9);
    // Once the minimum election timeout has passed without the leader, it listens.
    f.step(ms(1 + 150), request_vote(7, 0, 9, 3, 2))
        .expect("answered");
    assert_eq!(f.term().0, 9);
}

#[test]
fn a_server_waiting_to_be_added_never_campaigns_thesis_4_2_1() {
    let mut n: Node<u64> =
        Node::join(NodeId(5), &ids(3), Config::default(), 3, ms(0)).expect("a joining server");
    assert!(!n.members().contains(NodeId(5)));
    for k in 1..20 {
        n.handle_timeout(ms(k * 100));
    }
    assert_eq!(n.role(), Role::Follower);
    assert_eq!(n.term().0, 0);
    assert!(n.take_ready().messages.is_empty());
    assert_eq!(n.timeout_now(ms(3_000)), Err(TimerError::NotVoter));
}

#[test]
fn a_slow_learner_is_promoted_only_after_a_round_within_an_election_timeout_thesis_4_2_1() {
    // One entry per heartbeat: 40 entries take 2 s to send, far beyond one round.
    let cfg = Config {
        max_entries_per_append: 1,
        ..config(true)
    };
    let (mut c, leader) = settled(3, cfg, 40);
    let target = c.node(leader).expect("up").log().last_index();
    let new = c.add_server();
    c.change_membership(leader, MembershipChange::Add(new))
        .expect("added");
    c.run_for(SECOND);
    assert!(
        c.node(leader).expect("up").members().is_learner(new),
        "still a learner after 1 s"
    );
    c.run_for(3 * SECOND);
    let (_, _, e) = c
        .events
        .iter()
        .find(|(_, _, e)| matches!(e, Event::LearnerCaughtUp { .. }))
        .expect("caught up in the end");
    let Event::LearnerCaughtUp { index, rounds, .. } = e else {
        unreachable!()
    };
    assert!(*index > target, "it holds the whole log");
    assert!(*rounds >= 2, "the first round was too slow to count");
    assert!(c.node(leader).expect("up").members().is_voter(new));
    assert_no_violations(&mut c);
}

#[test]
fn a_new_leader_finishes_a_joint_change_its_predecessor_started_section_6() {
    let (mut c, leader) = settled(5, config(true), 1);
    let others: Vec<NodeId> = c.ids().iter().copied().filter(|&i| i != leader).collect();
    c.change_membership(leader, MembershipChange::Remove(others[0]))
        .expect("asked");
    // Let the joint entry reach the others, then crash the leader before it leaves.
    assert!(c.run_until(SECOND, |c| {
        others[1..]
            .iter()
            .all(|&o| c.node(o).is_some_and(|n| n.members().is_joint()))
    }));
    c.crash(leader);
    c.run_for(2 * SECOND);
    let new_leader = c.leader().expect("a new leader");
    c.propose(new_leader, 5).expect("leader");
    c.run_for(SECOND);
    let n = c.node(new_leader).expect("up");
    assert!(!n.members().is_joint(), "the new leader left C_old,new");
    assert!(!n.members().contains(others[0]));
    assert_no_violations(&mut c);
}

#[test]
fn bad_change_requests_are_refused_and_change_nothing() {
    let (mut c, leader) = settled(3, config(true), 1);
    let follower = c.ids().iter().copied().find(|&i| i != leader).expect("one");
    assert_eq!(
        c.change_membership(follower, MembershipChange::Add(NodeId(9))),
        Err(ChangeError::NotLeader {
            leader: Some(leader)
        })
    );
    assert_eq!(
        c.change_membership(leader, MembershipChange::Add(follower)),
        Err(ChangeError::AlreadyMember(follower))
    );
    assert_eq!(
        c.change_membership(leader, MembershipChange::Remove(NodeId(9))),
        Err(ChangeError::NotMember(NodeId(9)))
    );
    let mut one = Cluster::<u64>::new(1, config(true), 1);
    let only = elect(&mut one, SECOND);
    assert_eq!(
        one.change_membership(only, MembershipChange::Remove(only)),
        Err(ChangeError::LastVoter(only))
    );
    assert!(appended_steps(&c, leader).is_empty());
}
