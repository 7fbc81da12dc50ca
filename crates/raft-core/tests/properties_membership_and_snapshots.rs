//! Property tests over random schedules that change the membership and compact logs
//! while the faults of `properties.rs` go on: messages delivered out of order, dropped,
//! duplicated and replayed, clocks advanced, nodes crashed and restarted, partitions cut
//! and healed, commands proposed; and with them servers added through the leader,
//! servers removed through the leader (the leader included), changes asked of servers
//! that do not lead, and snapshots taken on any live node. Configurations mix joint
//! consensus (paper §6) and single-server changes (thesis §4.1), with small snapshot
//! thresholds and chunk sizes (§7, Figure 13).
//!
//! After every action: Election Safety (one leader per term, across configurations),
//! Log Matching, State Machine Safety and Leader Completeness (no two servers apply
//! different entries at one index, a committed entry is never lost from a server that
//! committed it, a snapshot holds exactly what every server applied up to it), each index
//! applied once and in order across snapshots and restarts, and a running node's commit
//! index never goes back. Once the faults stop and every server is up and reachable, a
//! leader exists, every server of its committed configuration has applied what it
//! committed, and no configuration change is left uncommitted or half done.
//!
//! The checks must be able to fail: the unsafe rules `unchecked_membership_changes` and
//! `snapshot_discards_log_suffix` make them report a lost committed entry.
//!
//! Two liveness bugs these schedules found, each with a property and a deterministic
//! reproduction after the properties (both fixed on the core's side, and now run):
//! - a leader that removes itself and loses leadership before C_new commits never
//!   campaigned again, while the others still needed its vote (thesis §4.2.2): about 2%
//!   of schedules never elected a leader again (fixed in 576c028: such a server stands,
//!   through a pre-vote);
//! - a leader left as the only member by a removal never committed it until a client
//!   wrote (§6): about 2% of schedules ended with a change uncommitted (fixed in
//!   6a03fa7: the commit rule runs after each configuration step).
//!
//! The first liveness property spares the leader its own removal and checks changes
//! after one client write; the two after it drop those allowances.

use core::time::Duration;
use std::collections::BTreeMap;

use proptest::prelude::*;
use raft_core::testkit::{Cluster, Machine};
use raft_core::{
    ChangeError, Config, LogIndex, MembershipChange, Message, NodeId, Rng, Role, Term, UnsafeRules,
};

/// The most servers a schedule creates (the first ones and those added later).
const MAX_SERVERS: usize = 7;

// ----- actions -----

#[derive(Clone, Debug)]
enum Action {
    /// Deliver in-flight message `k % len` now (out of order).
    Deliver(usize),
    /// Drop in-flight message `k % len`.
    Drop(usize),
    /// Send in-flight message `k % len` a second time.
    Duplicate(usize),
    /// Deliver messages or fire timers in time order, `k` times.
    StepNext(u8),
    /// Move the clock by `ms` without delivering anything; due timers fire.
    Advance(u64),
    /// Run the cluster normally for `ms`.
    RunFor(u64),
    Crash(u32),
    Restart(u32),
    /// Propose a fresh command on a server (refused unless it leads).
    Propose(u32),
    /// Propose a fresh command on the current leader, if any.
    ProposeToLeader,
    /// Server `i` goes to group `groups[i] % 3`.
    Partition(Vec<u8>),
    CutLink(u32, u32),
    Heal,
    TimeoutNow(u32),
    /// Re-send an old message seen earlier in the run (stale chunks and entries too).
    Replay(usize),
    /// Start a fresh server and ask the leader to add it.
    AddServer,
    /// Ask the leader to add server `k` (a removed or idle one; a member is refused).
    Add(u32),
    /// Ask the leader to remove server `k` (itself included).
    Remove(u32),
    /// Ask the leader to remove itself.
    RemoveLeader,
    /// Ask server `on` (leader or not) to add (`true`) or remove server `target`.
    ChangeOn {
        on: u32,
        add: bool,
        target: u32,
    },
    /// Server `k` snapshots its state machine now (§7).
    Snapshot(u32),
}

fn arb_action() -> impl Strategy<Value = Action> {
    prop_oneof![
        12 => any::<usize>().prop_map(Action::Deliver),
        3 => any::<usize>().prop_map(Action::Drop),
        2 => any::<usize>().prop_map(Action::Duplicate),
        10 => (1u8..20).prop_map(Action::StepNext),
        4 => (0u64..400).prop_map(Action::Advance),
        5 => (0u64..600).prop_map(Action::RunFor),
        2 => any::<u32>().prop_map(Action::Crash),
        3 => any::<u32>().prop_map(Action::Restart),
        2 => any::<u32>().prop_map(Action::Propose),
        6 => Just(Action::ProposeToLeader),
        2 => proptest::collection::vec(0u8..3, MAX_SERVERS).prop_map(Action::Partition),
        1 => (any::<u32>(), any::<u32>()).prop_map(|(a, b)| Action::CutLink(a, b)),
        3 => Just(Action::Heal),
        2 => any::<u32>().prop_map(Action::TimeoutNow),
        2 => any::<usize>().prop_map(Action::Replay),
        3 => Just(Action::AddServer),
        1 => any::<u32>().prop_map(Action::Add),
        3 => any::<u32>().prop_map(Action::Remove),
        1 => Just(Action::RemoveLeader),
        1 => (any::<u32>(), any::<bool>(), any::<u32>())
            .prop_map(|(on, add, target)| Action::ChangeOn { on, add, target }),
        4 => any::<u32>().prop_map(Action::Snapshot),
    ]
}

fn arb_config() -> impl Strategy<Value = Config> {
    (
        any::<bool>(),
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        prop_oneof![Just(0u64), Just(2), Just(5), Just(20)],
        prop_oneof![Just(1usize), Just(5), Just(1024)],
        prop_oneof![Just(1usize), Just(3), Just(64)],
        prop_oneof![Just(0u32), Just(1), Just(3)],
    )
        .prop_map(
            |(
                joint,
                (pre_vote, check_quorum, noop, immediate),
                threshold,
                chunk,
                max,
                inflight,
            )| {
                Config {
                    joint_consensus: joint,
                    pre_vote,
                    check_quorum,
                    append_noop_on_election: noop,
                    replicate_immediately: immediate,
                    snapshot_threshold: threshold,
                    snapshot_chunk_bytes: chunk,
                    max_entries_per_append: max,
                    max_inflight_appends: inflight,
                    ..Config::default()
                }
            },
        )
}

// ----- the simulation under test -----

struct Sim {
    c: Cluster<u64>,
    /// Messages seen in flight so far (bounded), for replays.
    history: Vec<Message<u64>>,
    last_seq_seen: Option<u64>,
    next_command: u64,
    /// Per server: the highest term seen, and the vote cast in it.
    hard: Vec<(Term, Option<NodeId>)>,
    /// Per server: its commit index when last checked, while it runs (cleared on a
    /// crash: a restarted server starts again from its snapshot).
    commit_seen: Vec<Option<LogIndex>>,
    /// The state machine's digest after each index, as first seen on any server, from
    /// its applied state or from a snapshot it holds.
    digests: BTreeMap<LogIndex, u64>,
    /// Never ask a leader to remove itself (the liveness property that runs, around a
    /// known bug: see the ignored tests).
    spare_leader: bool,
}

const HISTORY: usize = 512;

impl Sim {
    fn new(n: u32, config: Config, seed: u64) -> Sim {
        let mut c = Cluster::new(n, config, seed);
        c.record_events = false;
        Sim {
            c,
            history: Vec::new(),
            last_seq_seen: None,
            next_command: 1,
            hard: vec![(Term(0), None); n as usize],
            commit_seen: vec![None; n as usize],
            digests: BTreeMap::new(),
            spare_leader: false,
        }
    }

    fn id(&self, k: u32) -> NodeId {
        NodeId(k % self.c.ids().len() as u32)
    }

    fn record_history(&mut self) {
        let last = self.last_seq_seen;
        for m in self.c.in_flight() {
            if last.is_none_or(|l| m.seq > l) {
                self.history.push(m.msg.clone());
                self.last_seq_seen = Some(m.seq);
            }
        }
        if self.history.len() > HISTORY {
            let excess = self.history.len() - HISTORY;
            self.history.drain(..excess);
        }
    }

    fn crash(&mut self, id: NodeId) {
        self.c.crash(id);
        self.commit_seen[id.0 as usize] = None;
    }

    /// Asks `on` for `change` and checks the answer against what `on` knew before:
    /// only a leader changes the configuration, an addition is a learner at once, a
    /// learner's removal takes effect at once, and every refusal names the real reason.
    fn change(&mut self, on: NodeId, change: MembershipChange) -> Result<(), String> {
        let leads = self.c.node(on).is_some_and(|n| n.role() == Role::Leader);
        if self.spare_leader && leads && change == MembershipChange::Remove(on) {
            return Ok(());
        }
        let before = self
            .c
            .node(on)
            .map(|n| (n.role(), n.members().clone(), n.leader()));
        let result = self.c.change_membership(on, change);
        let after = self.c.node(on).map(|n| n.members().clone());
        let fits = match (&before, result, change) {
            (None, Err(ChangeError::NotLeader { leader: None }), _) => true,
            (Some((role, _, leader)), Err(ChangeError::NotLeader { leader: l }), _) => {
                *role != Role::Leader && l == *leader
            }
            (Some((Role::Leader, m, _)), Ok(()), MembershipChange::Add(x)) => {
                !m.contains(x) && after.is_some_and(|a| a.is_learner(x))
            }
            (Some((Role::Leader, m, _)), Ok(()), MembershipChange::Remove(x)) => {
                m.contains(x) && (!m.is_learner(x) || after.is_some_and(|a| !a.contains(x)))
            }
            (Some((Role::Leader, m, _)), Err(ChangeError::AlreadyMember(x)), _) => {
                m.contains(x) || x == on
            }
            (Some((Role::Leader, m, _)), Err(ChangeError::NotMember(x)), _) => !m.contains(x),
            (Some((Role::Leader, m, _)), Err(ChangeError::LastVoter(x)), _) => m.is_voter(x),
            _ => false,
        };
        if fits {
            Ok(())
        } else {
            Err(format!(
                "{on} answered {change:?} with {result:?}, knowing {before:?}"
            ))
        }
    }

    fn apply(&mut self, action: &Action) -> Result<(), String> {
        let len = self.c.in_flight().len();
        match action {
            Action::Deliver(k) if len > 0 => {
                self.c.deliver(k % len);
            }
            Action::Drop(k) if len > 0 => {
                self.c.drop_message(k % len);
            }
            Action::Duplicate(k) if len > 0 => {
                self.c.duplicate(k % len);
            }
            Action::Deliver(_) | Action::Drop(_) | Action::Duplicate(_) => {}
            Action::StepNext(k) => {
                for _ in 0..*k {
                    self.c.step_next();
                }
            }
            Action::Advance(ms) => self.c.advance(Duration::from_millis(*ms)),
            Action::RunFor(ms) => self.c.run_for(Duration::from_millis(*ms)),
            Action::Crash(k) => self.crash(self.id(*k)),
            Action::Restart(k) => self.c.restart(self.id(*k)),
            Action::Propose(k) => {
                let cmd = self.next_command;
                self.next_command += 1;
                let _ = self.c.propose(self.id(*k), cmd);
            }
            Action::ProposeToLeader => {
                if let Some(l) = self.c.leader() {
                    let cmd = self.next_command;
                    self.next_command += 1;
                    self.c
                        .propose(l, cmd)
                        .map_err(|e| format!("the leader refused a proposal: {e}"))?;
                }
            }
            Action::Partition(groups) => {
                let mut sets: Vec<Vec<NodeId>> = vec![Vec::new(); 3];
                for (i, id) in self.c.ids().to_vec().into_iter().enumerate() {
                    sets[usize::from(groups.get(i).copied().unwrap_or(0) % 3)].push(id);
                }
                let refs: Vec<&[NodeId]> = sets.iter().map(Vec::as_slice).collect();
                self.c.partition(&refs);
            }
            Action::CutLink(a, b) => self.c.cut_link(self.id(*a), self.id(*b)),
            Action::Heal => self.c.heal(),
            Action::TimeoutNow(k) => self.c.timeout_now(self.id(*k)),
            Action::Replay(k) => {
                if !self.history.is_empty() {
                    let m = self.history[k % self.history.len()].clone();
                    self.c.inject(m);
                }
            }
            Action::AddServer => {
                if let Some(l) = self.c.leader()
                    && self.c.ids().len() < MAX_SERVERS
                {
                    let new = self.c.add_server();
                    self.hard.push((Term(0), None));
                    self.commit_seen.push(None);
                    self.change(l, MembershipChange::Add(new))?;
                }
            }
            Action::Add(k) => {
                if let Some(l) = self.c.leader() {
                    self.change(l, MembershipChange::Add(self.id(*k)))?;
                }
            }
            Action::Remove(k) => {
                if let Some(l) = self.c.leader() {
                    self.change(l, MembershipChange::Remove(self.id(*k)))?;
                }
            }
            Action::RemoveLeader => {
                if let Some(l) = self.c.leader() {
                    self.change(l, MembershipChange::Remove(l))?;
                }
            }
            Action::ChangeOn { on, add, target } => {
                let target = self.id(*target);
                let change = if *add {
                    MembershipChange::Add(target)
                } else {
                    MembershipChange::Remove(target)
                };
                self.change(self.id(*on), change)?;
            }
            Action::Snapshot(k) => {
                // Refusals (nothing new applied since the last snapshot) change nothing.
                let _ = self.c.snapshot(self.id(*k));
            }
        }
        self.record_history();
        self.check()
    }

    /// Records the digest of the state after `index`, or compares it with the one seen.
    fn agree_on_digest(&mut self, who: &str, index: LogIndex, digest: u64) -> Result<(), String> {
        match self.digests.get(&index) {
            Some(&d) if d != digest => Err(format!(
                "State Machine Safety: {who} holds a state after {index} that differs from another server's"
            )),
            Some(_) => Ok(()),
            None => {
                self.digests.insert(index, digest);
                Ok(())
            }
        }
    }

    /// Figure 3 and the rules above, after every action.
    fn check(&mut self) -> Result<(), String> {
        self.c.check_log_matching();
        if !self.c.violations.is_empty() {
            return Err(format!("Figure 3 violated: {:#?}", self.c.violations));
        }
        let ids = self.c.ids().to_vec();
        let mut leader_terms: Vec<(Term, NodeId)> = Vec::new();
        for &id in &ids {
            // Applied once each, in order, since the last restart (the harness also
            // checks each index against the state machine's last applied one).
            for w in self.c.applied(id).windows(2) {
                if w[1].index <= w[0].index {
                    return Err(format!("{id} applied {} after {}", w[1].index, w[0].index));
                }
            }
            let Some(node) = self.c.node(id) else {
                continue;
            };
            let slot = id.0 as usize;
            let commit = node.commit_index();
            let log = node.log();
            if commit > log.last_index() {
                return Err(format!("{id} committed past the end of its log"));
            }
            if let Some(before) = self.commit_seen[slot]
                && commit < before
            {
                return Err(format!(
                    "{id}'s commit index went back from {before} to {commit} while it ran"
                ));
            }
            self.commit_seen[slot] = Some(commit);
            // The state machine holds exactly the committed prefix: nothing committed is
            // left unapplied, nothing is applied twice.
            let machine = self.c.machine(id).unwrap_or_default();
            if machine.last_applied != commit {
                return Err(format!(
                    "{id} committed up to {commit} but its state machine is at {}",
                    machine.last_applied
                ));
            }
            // A committed entry is never lost: this server's log holds every entry known
            // committed (by any server) up to its own commit index, past its snapshot.
            for (index, entry) in self.c.committed().range(log.first_index()..commit.next()) {
                if log.get(*index) != Some(entry) {
                    return Err(format!(
                        "State Machine Safety: {id} lost committed {index}: holds {:?}, {entry:?} was committed",
                        log.get(*index)
                    ));
                }
            }
            let snapshot = node.snapshot().map(|s| {
                (
                    s.last_index,
                    s.last_term,
                    Machine::decode(&s.data),
                    s.membership.clone(),
                )
            });
            let (role, term, vote) = (node.role(), node.term(), node.voted_for());
            if role == Role::Leader {
                if node.leader() != Some(id) {
                    return Err(format!("leader {id} does not know it leads"));
                }
                leader_terms.push((term, id));
            }
            if let Some((index, snap_term, data, membership)) = snapshot {
                if index > commit {
                    return Err(format!("{id} holds a snapshot past its commit index"));
                }
                let Some(m) = data.filter(|m| m.last_applied == index) else {
                    return Err(format!("{id}'s snapshot at {index} holds another state"));
                };
                self.agree_on_digest(&format!("{id}'s snapshot"), index, m.digest)?;
                if let Some(e) = self.c.committed().get(&index)
                    && e.term != snap_term
                {
                    return Err(format!(
                        "{id}'s snapshot says {index} has {snap_term:?}, {:?} was committed there",
                        e.term
                    ));
                }
                if membership.voters().is_empty() {
                    return Err(format!("{id}'s snapshot at {index} has no voters"));
                }
            }
            self.agree_on_digest(&format!("{id}"), machine.last_applied, machine.digest)?;
            let hard = &mut self.hard[slot];
            // currentTerm only grows, even across a crash (Figure 2: persistent).
            if term < hard.0 {
                return Err(format!(
                    "{id}'s term went back from {:?} to {term:?}",
                    hard.0
                ));
            }
            // votedFor: at most one candidate per term (§5.2), even across a crash.
            if term == hard.0
                && let (Some(before), Some(now)) = (hard.1, vote)
                && before != now
            {
                return Err(format!("{id} voted for {before} and {now} in {term:?}"));
            }
            if term > hard.0 || vote.is_some() {
                *hard = (term, vote);
            }
        }
        // Election Safety among the live leaders, whatever configuration each is in
        // (the harness also checks every election as it happens).
        leader_terms.sort();
        for w in leader_terms.windows(2) {
            if w[0].0 == w[1].0 {
                return Err(format!(
                    "Election Safety: {} and {} both lead {:?}",
                    w[0].1, w[1].1, w[0].0
                ));
            }
        }
        Ok(())
    }

    /// Heals, restarts every server and runs `d` of fault-free time.
    fn settle(&mut self, d: Duration) {
        self.c.heal();
        for id in self.c.ids().to_vec() {
            self.c.restart(id);
        }
        self.c.run_for(d);
    }

    /// The liveness claim after the faults stopped (see the module doc).
    fn converged(&mut self, before_any_write: bool) -> Result<(), String> {
        self.check()?;
        let leaders = self.c.leaders();
        let [(leader, term)] = leaders[..] else {
            return Err(format!("leaders once healed: {leaders:?}"));
        };
        if before_any_write {
            let l = self.c.node(leader).ok_or("the leader is up")?;
            let (latest, committed) = (l.members().clone(), l.committed_members().clone());
            if latest != committed || latest.is_joint() || !latest.learners().is_empty() {
                return Err(format!(
                    "without a client write, a change is left undone: latest {latest:?}, committed {committed:?}, last index {}, commit index {}",
                    l.log().last_index(),
                    l.commit_index()
                ));
            }
        }
        let last = u64::MAX;
        self.c
            .propose(leader, last)
            .map_err(|e| format!("the leader refused a write: {e}"))?;
        self.c.run_for(Duration::from_secs(1));
        self.check()?;
        let leaders = self.c.leaders();
        if leaders != [(leader, term)] {
            return Err(format!("leadership moved without faults: {leaders:?}"));
        }
        let l = self.c.node(leader).ok_or("the leader is up")?;
        let (latest, committed) = (l.members().clone(), l.committed_members().clone());
        if latest != committed || latest.is_joint() || !latest.learners().is_empty() {
            return Err(format!(
                "a change is left undone: latest {latest:?}, committed {committed:?}"
            ));
        }
        let commit = l.commit_index();
        let top = self.c.machine(leader).unwrap_or_default();
        if self.c.applied_commands(leader).last() != Some(&last) {
            return Err("the final write did not commit".into());
        }
        for id in committed.members() {
            let n = self.c.node(id).ok_or_else(|| format!("{id} is not up"))?;
            if n.term() != term || n.leader() != Some(leader) {
                return Err(format!(
                    "{id} is in {:?} and follows {:?}, not {leader} in {term:?}",
                    n.term(),
                    n.leader()
                ));
            }
            let m = self.c.machine(id).unwrap_or_default();
            if m != top || n.commit_index() != commit {
                return Err(format!(
                    "{id} applied up to {} (commit {}), the leader {} (commit {commit})",
                    m.last_applied,
                    n.commit_index(),
                    top.last_applied
                ));
            }
        }
        Ok(())
    }
}

fn run_schedule(n: u32, config: Config, seed: u64, actions: &[Action]) -> Result<Sim, String> {
    let mut sim = Sim::new(n, config, seed);
    for (i, a) in actions.iter().enumerate() {
        sim.apply(a)
            .map_err(|e| format!("after action {i} ({a:?}): {e}"))?;
    }
    Ok(sim)
}

// ----- properties -----

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Figure 3 (Election Safety, Leader Append-Only, Log Matching, Leader Completeness,
    /// State Machine Safety), each index applied once, commit indexes that never go back
    /// and Figure 2's persistent-state rules hold after every action of any schedule that
    /// mixes faults with servers added and removed (§6, thesis §4) and snapshots (§7).
    #[test]
    fn safety_holds_while_servers_join_and_leave_and_logs_are_compacted_sections_6_and_7(
        n in 1u32..=5,
        seed in any::<u64>(),
        config in arb_config(),
        actions in proptest::collection::vec(arb_action(), 1..160),
    ) {
        let r = run_schedule(n, config, seed, &actions);
        prop_assert!(r.is_ok(), "{}", r.err().unwrap_or_default());
    }
}

/// The liveness claim for one schedule: run it, heal, restart everyone, run 10 s of
/// fault-free time, then [`Sim::converged`] (which, `before_any_write`, also wants every
/// change committed before it proposes its final write).
fn live_after(
    n: u32,
    config: Config,
    seed: u64,
    actions: &[Action],
    spare_leader: bool,
    before_any_write: bool,
) -> Result<(), String> {
    let mut sim = Sim::new(n, config, seed);
    sim.spare_leader = spare_leader;
    for (i, a) in actions.iter().enumerate() {
        sim.apply(a)
            .map_err(|e| format!("after action {i} ({a:?}): {e}"))?;
    }
    sim.settle(Duration::from_secs(10));
    sim.converged(before_any_write)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    /// Liveness (§5.2, §6, §7): whatever happened before, once every server is up and every
    /// link healed, 10 s of virtual time give one leader; a write to it commits; every
    /// server of its committed configuration follows it and has applied exactly what it
    /// committed (through entries or a snapshot); and the leader's latest configuration
    /// is committed, not joint, and without learners left waiting for promotion.
    ///
    /// Here no leader is asked to remove itself (`Sim::spare_leader`): with that, about
    /// 2% of schedules stall for good, a known bug (see the ignored property below and
    /// the ignored test after it). Every other change stays in the schedules.
    #[test]
    fn after_faults_stop_a_leader_commits_and_every_member_catches_up_sections_6_and_7(
        n in 1u32..=5,
        seed in any::<u64>(),
        config in arb_config(),
        actions in proptest::collection::vec(arb_action(), 1..160),
    ) {
        let r = live_after(n, config, seed, &actions, true, false);
        prop_assert!(r.is_ok(), "{}", r.err().unwrap_or_default());
    }

    /// The same liveness claim when leaders may also be asked to remove themselves.
    #[test]
    fn after_faults_stop_a_leader_commits_even_after_leaders_removed_themselves_thesis_4_2_2(
        n in 1u32..=5,
        seed in any::<u64>(),
        config in arb_config(),
        actions in proptest::collection::vec(arb_action(), 1..160),
    ) {
        let r = live_after(n, config, seed, &actions, false, false);
        prop_assert!(r.is_ok(), "{}", r.err().unwrap_or_default());
    }

    /// The same liveness claim, with every configuration change committed before any
    /// client write: a change must not wait for a client to finish (§6).
    #[test]
    fn after_faults_stop_every_change_commits_without_a_client_write_section_6(
        n in 1u32..=5,
        seed in any::<u64>(),
        config in arb_config(),
        actions in proptest::collection::vec(arb_action(), 1..160),
    ) {
        let r = live_after(n, config, seed, &actions, true, true);
        prop_assert!(r.is_ok(), "{}", r.err().unwrap_or_default());
    }
}

/// The second liveness bug the schedules found, fixed in 6a03fa7 (the commit rule runs
/// after each configuration step): 62 of 3,000 random schedules, the leader
/// spared its own removal, every one ending with the leader as the only member of its
/// latest configuration): when a configuration entry leaves the leader as the only
/// server (it removed the last other voter, single-server `Remove` or joint
/// `LeaveJoint`), the entry takes effect at once, and the leader alone is a majority,
/// but nothing makes it look at its commit index again: the removed server's
/// acknowledgements are refused (it is no longer a member), heartbeats go to no one,
/// and `maybe_commit` runs only on an acknowledgement or a proposal. So the change, and
/// any entry before it, stays uncommitted until some client writes; the committed
/// configuration stays the old one (joint, or with the removed server), and with the
/// single-server rule no further change may start. Paper §6: a leader that appends
/// C_new commits it under C_new's rules, here its own vote; etcd's
/// TestCommitAfterRemoveNode checks the same (`switchToConfig` calls `maybeCommit`).
#[test]
fn a_leader_left_alone_by_a_removal_commits_it_without_a_client_write_section_6() {
    for joint in [false, true] {
        let config = Config {
            joint_consensus: joint,
            ..Config::default()
        };
        let mut c = Cluster::<u64>::new(2, config, 5);
        assert!(c.run_until(Duration::from_secs(2), |c| c.leader().is_some()));
        let l = c.leader().expect("a leader");
        let other = NodeId(1 - l.0);
        c.propose(l, 1).expect("the leader takes writes");
        c.run_for(Duration::from_millis(300));
        c.change_membership(l, MembershipChange::Remove(other))
            .expect("a follower can be removed");
        c.run_for(Duration::from_secs(5));
        let n = c.node(l).expect("up");
        assert_eq!(n.members().voters(), &[l][..], "joint {joint}");
        assert_eq!(
            n.commit_index(),
            n.log().last_index(),
            "joint {joint}: 5 s later the leader, alone, has not committed its own log; committed configuration {:?}",
            n.committed_members()
        );
        assert_eq!(n.committed_members(), n.members(), "joint {joint}");
    }
}

/// The stall, deterministically, with no crash: two voters, the leader removes itself,
/// its heartbeats are lost for a while (the other server times out and campaigns), then
/// the network heals for good. Twenty seeds, single-server and joint changes.
///
/// The liveness bug the schedules found (68 of 3,000 random schedules of
/// `random_schedule` with random configurations stall, every one of them in this shape;
/// 0 of 3,000 when no leader removes itself).
///
/// A leader L removes itself: it appends C_new without itself (single-server
/// `Remove(L)`, or `LeaveJoint` after a committed C_old,new), which takes effect at once
/// (§6: a server uses the latest configuration in its log). Before C_new reaches the
/// others, L loses leadership (a crash, or just a higher term after lost heartbeats).
/// Now L's latest configuration has no L, so `Node::may_campaign` is false and L never
/// stands again; the others still use the configuration before C_new, where L votes, and
/// need L's vote for a majority (two voters, or the C_old half of a joint
/// configuration); but L refuses it, as its log (holding C_new) is more up to date
/// (§5.4.1). No server can ever win: the cluster is unavailable for good with every
/// server up and every link healed.
///
/// Ongaro's thesis §4.2.2 names this case: "a server that is not part of its own latest
/// configuration should still start new elections, as it might still be needed until the
/// C_new entry is committed [...]. It does not count its own vote in elections unless it
/// is part of its latest configuration." With that rule L would campaign, win the other
/// server's vote (its log is the more up to date), commit C_new and step down.
#[test]
fn a_leader_that_removed_itself_and_lost_leadership_still_lets_the_cluster_elect_thesis_4_2_2() {
    for joint in [false, true] {
        for seed in 0..20 {
            let config = Config {
                joint_consensus: joint,
                ..Config::default()
            };
            let mut c = Cluster::<u64>::new(2, config, seed);
            assert!(c.run_until(Duration::from_secs(2), |c| c.leader().is_some()));
            let l = c.leader().expect("a leader");
            let other = NodeId(1 - l.0);
            c.propose(l, 1).expect("the leader takes writes");
            c.run_for(Duration::from_millis(200));
            c.change_membership(l, MembershipChange::Remove(l))
                .expect("a leader may remove itself");
            // Until C_new (without l) is in l's log, and no further.
            assert!(c.run_until(Duration::from_secs(2), |c| {
                c.node(l).is_some_and(|n| !n.members().contains(l))
            }));
            let c_new_at = c.node(l).expect("up").log().last_index();
            // l's messages are lost until the other server has campaigned in a higher term.
            c.drop_where(|m| m.from == l);
            c.cut_link(l, other);
            let term = c.node(l).expect("up").term();
            assert!(c.run_until(Duration::from_secs(2), |c| {
                c.node(l).is_some_and(|n| n.term() > term)
            }));
            assert!(
                c.node(other).expect("up").log().last_index() < c_new_at,
                "joint {joint}, seed {seed}: C_new never reached {other}"
            );
            c.heal();
            c.run_for(Duration::from_secs(10));
            let leaders = c.leaders();
            assert_eq!(
                leaders.len(),
                1,
                "joint {joint}, seed {seed}: no leader 10 s after healing; {l} at {:?}, {other} at {:?}",
                c.node(l).map(|n| (n.role(), n.term(), n.members().clone())),
                c.node(other)
                    .map(|n| (n.role(), n.term(), n.members().clone())),
            );
            c.check_log_matching();
            assert!(c.violations.is_empty(), "{:#?}", c.violations);
        }
    }
}

// ----- the checks catch the unsafe rules -----

/// A random schedule drawn from the node's own generator, biased towards what breaks the
/// unsafe rules: removals and additions, snapshots, crashes, proposals and partitions.
fn random_schedule(rng: &mut Rng, len: usize) -> Vec<Action> {
    (0..len)
        .map(|_| {
            let k = rng.next_u64();
            let node = (k >> 8) as u32;
            match rng.in_range(0, 100) {
                0..=14 => Action::RunFor(rng.in_range(0, 400)),
                15..=29 => Action::StepNext(rng.in_range(1, 20) as u8),
                30..=39 => Action::Deliver(k as usize),
                40..=43 => Action::Drop(k as usize),
                44..=50 => Action::Crash(node),
                51..=59 => Action::Restart(node),
                60..=71 => Action::ProposeToLeader,
                72..=76 => Action::Partition((0..7).map(|i| (k >> (8 * i)) as u8).collect()),
                77..=80 => Action::Heal,
                81..=83 => Action::TimeoutNow(node),
                84..=88 => Action::Remove(node),
                89..=91 => Action::AddServer,
                92..=93 => Action::Add(node),
                _ => Action::Snapshot(node),
            }
        })
        .collect()
}

/// Searches seeds in order for a schedule after which the checks report a violation;
/// returns the first seed and the violation.
fn search_for_violation(
    config: impl Fn(u64) -> Config,
    seeds: std::ops::Range<u64>,
    wanted: impl Fn(&str) -> bool,
) -> Option<(u64, String)> {
    for seed in seeds {
        let mut rng = Rng::new(seed);
        let n = 3 + (seed % 3) as u32;
        let actions = random_schedule(&mut rng, 150);
        let mut sim = Sim::new(n, config(seed), seed);
        let mut found = actions.iter().find_map(|a| sim.apply(a).err());
        if found.is_none() {
            sim.settle(Duration::from_secs(2));
            found = sim.check().err();
        }
        if let Some(e) = found.filter(|e| wanted(e)) {
            return Some((seed, e));
        }
    }
    None
}

/// A violation of Figure 3 that loses or contradicts a committed entry (not only a
/// leader shortening its own log, which `snapshot_discards_log_suffix` also does).
fn loses_committed_entries(violation: &str) -> bool {
    ["Leader Completeness", "State Machine Safety"]
        .iter()
        .any(|p| violation.contains(p))
}

/// Thesis §4.1: with two voting changes uncommitted at once (or a change before the new
/// leader's first entry commits), two majorities need not overlap and two leaders can
/// commit different entries at one index. The search must find such a run.
#[test]
fn unsafe_rule_unchecked_membership_changes_is_caught_by_the_checks_thesis_4_1() {
    let found = search_for_violation(
        |_| Config {
            joint_consensus: false,
            unsafe_rules: UnsafeRules {
                unchecked_membership_changes: true,
                ..UnsafeRules::default()
            },
            ..Config::default()
        },
        0..2_000,
        loses_committed_entries,
    );
    let (seed, violation) = found.expect("no violation found in 2000 seeds");
    println!("found at seed {seed}: {violation}");
}

/// §7: a snapshot that also drops the entries after it can remove an entry from the very
/// majority that committed it. The search must find such a run.
#[test]
fn unsafe_rule_snapshot_discards_log_suffix_is_caught_by_the_checks_section_7() {
    let found = search_for_violation(
        |seed| Config {
            snapshot_threshold: [2, 3, 5][(seed % 3) as usize],
            snapshot_chunk_bytes: 5,
            joint_consensus: seed % 2 == 0,
            unsafe_rules: UnsafeRules {
                snapshot_discards_log_suffix: true,
                ..UnsafeRules::default()
            },
            ..Config::default()
        },
        0..2_000,
        loses_committed_entries,
    );
    let (seed, violation) = found.expect("no violation found in 2000 seeds");
    println!("found at seed {seed}: {violation}");
}

/// The same searches with every safety rule on find nothing (so the two above fail for
/// the rule's sake, not the search's).
#[test]
fn the_same_searches_with_all_safety_rules_on_find_no_violation_sections_6_and_7() {
    for joint in [false, true] {
        let found = search_for_violation(
            |seed| Config {
                snapshot_threshold: [0, 2, 3, 5][(seed % 4) as usize],
                snapshot_chunk_bytes: 5,
                joint_consensus: joint,
                ..Config::default()
            },
            0..150,
            |_| true,
        );
        assert!(found.is_none(), "joint {joint}: {found:?}");
    }
}

/// The checks themselves must be able to fail: a commit index that goes back, and a
/// snapshot that disagrees with what was applied, are reported.
#[test]
fn the_checks_report_a_commit_index_going_back_and_a_snapshot_that_disagrees() {
    let mut sim = Sim::new(3, Config::default(), 1);
    sim.c.run_for(Duration::from_secs(1));
    let leader = sim.c.leader().expect("a leader in 1 s");
    sim.c.propose(leader, 5).expect("the leader takes writes");
    sim.c.run_for(Duration::from_secs(1));
    assert!(sim.check().is_ok(), "{:?}", sim.check());
    let commit = sim.c.node(leader).expect("up").commit_index();
    sim.commit_seen[leader.0 as usize] = Some(commit.next());
    assert!(sim.check().is_err(), "a commit index going back");

    let mut sim = Sim::new(3, Config::default(), 1);
    sim.c.run_for(Duration::from_secs(1));
    let leader = sim.c.leader().expect("a leader in 1 s");
    sim.c.propose(leader, 5).expect("the leader takes writes");
    sim.c.run_for(Duration::from_secs(1));
    let at = sim.c.machine(leader).expect("up");
    sim.c
        .snapshot(leader)
        .expect("something applied to compact");
    sim.digests.insert(at.last_applied, at.digest ^ 1);
    let e = sim.check().expect_err("a snapshot holding another state");
    assert!(e.contains("State Machine Safety"), "{e}");
}
