//! Property tests over random schedules: 3 to 5 nodes, messages delivered out of order,
//! dropped, duplicated and replayed, clocks advanced, nodes crashed and restarted,
//! partitions cut and healed, commands proposed and malformed messages injected.
//!
//! Safety (the paper's Figure 3) must hold after every action; liveness (§5.2: a leader
//! is elected once a majority can talk) must hold once the faults stop; and the harness's
//! safety watcher must catch the violations that the unsafe teaching rules allow
//! (§5.4.1, §5.4.2 and Figure 8).

use core::time::Duration;

use proptest::prelude::*;
use raft_core::testkit::Cluster;
use raft_core::{
    AppendOutcome, Body, Config, ConflictHint, Entry, LogIndex, Message, Node, NodeId, Payload,
    Rng, Role, StepError, Term, UnsafeRules,
};

// ----- actions -----

/// A message no correct peer can send; [`Node::step`] must refuse it and change nothing.
#[derive(Clone, Debug)]
enum Corruption {
    ZeroTerm,
    FromItself,
    FromNonMember(u32),
    VoteImpossibleLastLog { index_zero: bool },
    VoteLastTermFromTheFuture,
    AppendImpossiblePrev { index_zero: bool },
    AppendPrevTermFromTheFuture,
    AppendEntryFromTheFuture,
    AppendEntryTermZero,
    AppendEntryTermsDecrease,
    AppendIndexOverflow,
    RejectHintIndexZero,
    RejectHintBeyondPrev,
}

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
    /// Propose a fresh command on a node (refused unless it leads).
    Propose(u32),
    /// Propose a fresh command on the current leader, if any.
    ProposeToLeader,
    /// Node `i` goes to group `groups[i] % 3`.
    Partition(Vec<u8>),
    CutLink(u32, u32),
    Heal,
    TimeoutNow(u32),
    /// Re-send an old message seen earlier in the run (stale, delayed or duplicated).
    Replay(usize),
    /// Inject a message no correct peer sends, built from random numbers.
    InjectMalformed {
        to: u32,
        from: u32,
        term: u64,
        a: u64,
        b: u64,
        corruption: Corruption,
    },
    /// Step an arbitrary message (any fields, any values) into a copy of a node: it must
    /// not panic. Arbitrary well-formed messages would be Byzantine, so they stay out of
    /// the cluster.
    StepArbitraryOnCopy(u32, Message<u64>),
}

fn arb_node_id() -> impl Strategy<Value = NodeId> {
    prop_oneof![8 => (0u32..6).prop_map(NodeId), 1 => any::<u32>().prop_map(NodeId)]
}

fn arb_u64() -> impl Strategy<Value = u64> {
    prop_oneof![6 => 0u64..12, 2 => 0u64..1_000, 1 => Just(u64::MAX), 1 => any::<u64>()]
}

fn arb_entry() -> impl Strategy<Value = Entry<u64>> {
    (arb_u64(), proptest::option::of(any::<u64>())).prop_map(|(t, c)| Entry {
        term: Term(t),
        payload: c.map_or(Payload::Noop, Payload::Command),
    })
}

fn arb_message() -> impl Strategy<Value = Message<u64>> {
    let body = prop_oneof![
        (arb_u64(), arb_u64(), any::<bool>()).prop_map(|(i, t, pre_vote)| Body::RequestVote {
            last_log_index: LogIndex(i),
            last_log_term: Term(t),
            pre_vote,
        }),
        (any::<bool>(), any::<bool>())
            .prop_map(|(granted, pre_vote)| Body::RequestVoteResponse { granted, pre_vote }),
        (
            arb_u64(),
            arb_u64(),
            proptest::collection::vec(arb_entry(), 0..5),
            arb_u64()
        )
            .prop_map(|(i, t, entries, c)| Body::AppendEntries {
                prev_log_index: LogIndex(i),
                prev_log_term: Term(t),
                entries,
                leader_commit: LogIndex(c),
            }),
        arb_u64().prop_map(|m| Body::AppendEntriesResponse(AppendOutcome::Success {
            match_index: LogIndex(m)
        })),
        (arb_u64(), proptest::option::of(arb_u64()), arb_u64()).prop_map(|(p, t, f)| {
            Body::AppendEntriesResponse(AppendOutcome::Rejected {
                prev_log_index: LogIndex(p),
                hint: ConflictHint {
                    term: t.map(Term),
                    first_index: LogIndex(f),
                },
            })
        }),
    ];
    (arb_node_id(), arb_node_id(), arb_u64(), body).prop_map(|(from, to, term, body)| Message {
        from,
        to,
        term: Term(term),
        body,
    })
}

fn arb_corruption() -> impl Strategy<Value = Corruption> {
    prop_oneof![
        Just(Corruption::ZeroTerm),
        Just(Corruption::FromItself),
        (5u32..1_000).prop_map(Corruption::FromNonMember),
        any::<bool>().prop_map(|index_zero| Corruption::VoteImpossibleLastLog { index_zero }),
        Just(Corruption::VoteLastTermFromTheFuture),
        any::<bool>().prop_map(|index_zero| Corruption::AppendImpossiblePrev { index_zero }),
        Just(Corruption::AppendPrevTermFromTheFuture),
        Just(Corruption::AppendEntryFromTheFuture),
        Just(Corruption::AppendEntryTermZero),
        Just(Corruption::AppendEntryTermsDecrease),
        Just(Corruption::AppendIndexOverflow),
        Just(Corruption::RejectHintIndexZero),
        Just(Corruption::RejectHintBeyondPrev),
    ]
}

fn arb_action() -> impl Strategy<Value = Action> {
    prop_oneof![
        12 => any::<usize>().prop_map(Action::Deliver),
        3 => any::<usize>().prop_map(Action::Drop),
        2 => any::<usize>().prop_map(Action::Duplicate),
        10 => (1u8..20).prop_map(Action::StepNext),
        4 => (0u64..400).prop_map(Action::Advance),
        4 => (0u64..600).prop_map(Action::RunFor),
        2 => any::<u32>().prop_map(Action::Crash),
        3 => any::<u32>().prop_map(Action::Restart),
        2 => any::<u32>().prop_map(Action::Propose),
        5 => Just(Action::ProposeToLeader),
        2 => proptest::collection::vec(0u8..3, 5).prop_map(Action::Partition),
        1 => (any::<u32>(), any::<u32>()).prop_map(|(a, b)| Action::CutLink(a, b)),
        3 => Just(Action::Heal),
        2 => any::<u32>().prop_map(Action::TimeoutNow),
        3 => any::<usize>().prop_map(Action::Replay),
        2 => (any::<u32>(), any::<u32>(), 1u64..20, any::<u64>(), any::<u64>(), arb_corruption())
            .prop_map(|(to, from, term, a, b, corruption)| Action::InjectMalformed {
                to, from, term, a, b, corruption
            }),
        2 => (any::<u32>(), arb_message()).prop_map(|(n, m)| Action::StepArbitraryOnCopy(n, m)),
    ]
}

fn arb_config() -> impl Strategy<Value = Config> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop_oneof![Just(1usize), Just(3), Just(64)],
    )
        .prop_map(|(pre_vote, check_quorum, noop, immediate, max)| Config {
            pre_vote,
            check_quorum,
            append_noop_on_election: noop,
            replicate_immediately: immediate,
            max_entries_per_append: max,
            ..Config::default()
        })
}

// ----- the simulation under test -----

struct Sim {
    c: Cluster<u64>,
    n: u32,
    /// Messages seen in flight so far (bounded), for replays.
    history: Vec<Message<u64>>,
    last_seq_seen: Option<u64>,
    next_command: u64,
    /// Per node: the highest term seen, and the vote cast in it.
    hard: Vec<(Term, Option<NodeId>)>,
}

const HISTORY: usize = 512;

impl Sim {
    fn new(n: u32, config: Config, seed: u64) -> Sim {
        let mut c = Cluster::new(n, config, seed);
        c.record_events = false;
        Sim {
            c,
            n,
            history: Vec::new(),
            last_seq_seen: None,
            next_command: 1,
            hard: vec![(Term(0), None); n as usize],
        }
    }

    fn id(&self, k: u32) -> NodeId {
        NodeId(k % self.n)
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
            Action::Crash(k) => self.c.crash(self.id(*k)),
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
            Action::InjectMalformed {
                to,
                from,
                term,
                a,
                b,
                corruption,
            } => {
                let msg = malformed(
                    self.id(*to),
                    self.id(*from),
                    *term,
                    *a,
                    *b,
                    corruption,
                    self.n,
                );
                if let Some(node) = self.c.node(msg.to) {
                    refused_and_unchanged(node, self.c.now(), &msg)?;
                }
                self.c.inject(msg);
            }
            Action::StepArbitraryOnCopy(k, msg) => {
                if let Some(node) = self.c.node(self.id(*k)) {
                    let mut copy = node.clone();
                    let _ = copy.step(self.c.now(), msg.clone());
                    let _ = copy.take_ready();
                    let _ = copy.propose(self.c.now(), 0);
                    copy.handle_timeout(self.c.now().after(Duration::from_secs(1)));
                    let _ = copy.take_ready();
                }
            }
        }
        self.record_history();
        self.check()
    }

    /// Figure 3, plus the persistent-state rules of Figure 2.
    fn check(&mut self) -> Result<(), String> {
        self.c.check_log_matching();
        if !self.c.violations.is_empty() {
            return Err(format!("Figure 3 violated: {:#?}", self.c.violations));
        }
        // State Machine Safety, from the applied side: every node applied a contiguous
        // sequence from index 1, and any two sequences agree where both exist, so each
        // one is a prefix of the other.
        let ids = self.c.ids().to_vec();
        for &a in &ids {
            for (i, c) in self.c.applied(a).iter().enumerate() {
                if c.index != LogIndex(i as u64 + 1) {
                    return Err(format!("{a} applied {:?} at position {i}", c.index));
                }
            }
        }
        for (i, &a) in ids.iter().enumerate() {
            for &b in &ids[i + 1..] {
                let (xa, xb) = (self.c.applied_commands(a), self.c.applied_commands(b));
                let common = xa.len().min(xb.len());
                if xa[..common] != xb[..common] {
                    return Err(format!(
                        "State Machine Safety: {a} applied {xa:?}, {b} applied {xb:?}"
                    ));
                }
            }
        }
        for &id in &ids {
            let Some(node) = self.c.node(id) else {
                continue;
            };
            let slot = &mut self.hard[id.0 as usize];
            let (term, vote) = (node.term(), node.voted_for());
            // currentTerm only grows, even across a crash (Figure 2: persistent).
            if term < slot.0 {
                return Err(format!(
                    "{id}'s term went back from {:?} to {term:?}",
                    slot.0
                ));
            }
            // votedFor: at most one candidate per term (§5.2), even across a crash.
            if term == slot.0
                && let (Some(before), Some(now)) = (slot.1, vote)
                && before != now
            {
                return Err(format!("{id} voted for {before} and {now} in {term:?}"));
            }
            if term > slot.0 || vote.is_some() {
                *slot = (term, vote);
            }
            if node.commit_index() > node.log().last_index() {
                return Err(format!("{id} committed past the end of its log"));
            }
            if node.role() == Role::Leader && node.leader() != Some(id) {
                return Err(format!("leader {id} does not know it leads"));
            }
        }
        Ok(())
    }

    /// Heals, restarts everyone and runs `d` of fault-free time.
    fn settle(&mut self, d: Duration) {
        self.c.heal();
        for id in self.c.ids().to_vec() {
            self.c.restart(id);
        }
        self.c.run_for(d);
    }
}

/// Builds a message that validation must refuse, from random numbers.
fn malformed(
    to: NodeId,
    from: NodeId,
    term: u64,
    a: u64,
    b: u64,
    corruption: &Corruption,
    n: u32,
) -> Message<u64> {
    let from = if from == to {
        NodeId((to.0 + 1) % n)
    } else {
        from
    };
    let t = term.max(2);
    let small = |x: u64| 1 + x % 50;
    let vote = |i: u64, lt: u64| Body::RequestVote {
        last_log_index: LogIndex(i),
        last_log_term: Term(lt),
        pre_vote: a.is_multiple_of(2),
    };
    let append = |pi: u64, pt: u64, entry_terms: &[u64]| Body::AppendEntries {
        prev_log_index: LogIndex(pi),
        prev_log_term: Term(pt),
        entries: entry_terms
            .iter()
            .map(|&et| Entry {
                term: Term(et),
                payload: Payload::Command(b),
            })
            .collect(),
        leader_commit: LogIndex(b % 100),
    };
    let reject = |p: u64, f: u64| {
        Body::AppendEntriesResponse(AppendOutcome::Rejected {
            prev_log_index: LogIndex(p),
            hint: ConflictHint {
                term: None,
                first_index: LogIndex(f),
            },
        })
    };
    let (from, term, body) = match corruption {
        Corruption::ZeroTerm => (from, 0, vote(small(a), 1)),
        Corruption::FromItself => (to, t, vote(small(a), 1)),
        // A reply: requests from outside the configuration are answered (thesis §4.1).
        Corruption::FromNonMember(x) => (
            NodeId(n + x),
            t,
            Body::RequestVoteResponse {
                granted: true,
                pre_vote: a.is_multiple_of(2),
            },
        ),
        Corruption::VoteImpossibleLastLog { index_zero: true } => (from, t, vote(0, 1 + a % t)),
        Corruption::VoteImpossibleLastLog { index_zero: false } => (from, t, vote(small(a), 0)),
        Corruption::VoteLastTermFromTheFuture => (from, t, vote(small(a), t + 1 + a % 5)),
        Corruption::AppendImpossiblePrev { index_zero: true } => {
            (from, t, append(0, 1 + a % t, &[t]))
        }
        Corruption::AppendImpossiblePrev { index_zero: false } => {
            (from, t, append(small(a), 0, &[t]))
        }
        Corruption::AppendPrevTermFromTheFuture => (from, t, append(small(a), t + 1, &[])),
        Corruption::AppendEntryFromTheFuture => (from, t, append(small(a), 1, &[1, t + 1])),
        Corruption::AppendEntryTermZero => (from, t, append(0, 0, &[0])),
        Corruption::AppendEntryTermsDecrease => (from, t, append(small(a), 1, &[t, t - 1])),
        Corruption::AppendIndexOverflow => (from, t, append(u64::MAX - a % 2, 1, &[1, 1, t])),
        Corruption::RejectHintIndexZero => (from, t, reject(small(a), 0)),
        Corruption::RejectHintBeyondPrev => {
            let p = small(a);
            (from, t, reject(p, p + 2 + b % 10))
        }
    };
    Message {
        from,
        to,
        term: Term(term),
        body,
    }
}

/// The contract: a refused message changes nothing and produces no output.
fn refused_and_unchanged(
    node: &Node<u64>,
    now: raft_core::Instant,
    msg: &Message<u64>,
) -> Result<(), String> {
    let mut copy = node.clone();
    let had_ready = copy.has_ready();
    let result = copy.step(now, msg.clone());
    match result {
        Err(StepError::Malformed(_) | StepError::UnknownSender(_)) => {}
        other => return Err(format!("{msg:?} was not refused as malformed: {other:?}")),
    }
    let same = copy.role() == node.role()
        && copy.term() == node.term()
        && copy.voted_for() == node.voted_for()
        && copy.log() == node.log()
        && copy.commit_index() == node.commit_index()
        && copy.leader() == node.leader()
        && copy.election_deadline() == node.election_deadline()
        && copy.progress() == node.progress()
        && copy.has_ready() == had_ready;
    if same {
        Ok(())
    } else {
        Err(format!("refusing {msg:?} changed {:?}", node.id()))
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
    /// State Machine Safety) and Figure 2's persistent-state rules hold after every action
    /// of any schedule of delays, reordering, loss, duplication, replays, crashes,
    /// partitions and malformed input; no input panics a node; a malformed message is
    /// refused and changes nothing.
    #[test]
    fn figure_3_safety_holds_under_any_schedule_of_faults_section_5(
        n in 3u32..=5,
        seed in any::<u64>(),
        config in arb_config(),
        actions in proptest::collection::vec(arb_action(), 1..200),
    ) {
        let r = run_schedule(n, config, seed, &actions);
        prop_assert!(r.is_ok(), "{}", r.err().unwrap_or_default());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    /// §5.2 liveness: whatever happened before, once every node is up and every link is
    /// healed, 5 s of virtual time elect exactly one leader, known to all, in a term all
    /// agree on. §5.3: the leader then forces the followers' logs to duplicate its own.
    /// (An empty AppendEntries does not remove a follower's extra uncommitted entries,
    /// Figure 2 rule 3, so the logs are compared after the leader's next entry.)
    #[test]
    fn after_faults_stop_one_leader_is_elected_and_all_logs_converge_section_5_2_and_5_3(
        n in 3u32..=5,
        seed in any::<u64>(),
        config in arb_config(),
        actions in proptest::collection::vec(arb_action(), 1..200),
    ) {
        let r = run_schedule(n, config, seed, &actions);
        prop_assert!(r.is_ok(), "{}", r.as_ref().err().cloned().unwrap_or_default());
        let mut sim = r.map_err(TestCaseError::fail)?;
        sim.settle(Duration::from_secs(5));
        let checked = sim.check();
        prop_assert!(checked.is_ok(), "{}", checked.err().unwrap_or_default());
        let leaders = sim.c.leaders();
        prop_assert_eq!(leaders.len(), 1, "leaders after 5 s: {:?}", leaders);
        let (leader, term) = leaders[0];
        let ids = sim.c.ids().to_vec();
        for &id in &ids {
            let node = sim.c.node(id).expect("restarted");
            prop_assert_eq!(node.term(), term, "{} disagrees on the term", id);
            prop_assert_eq!(node.leader(), Some(leader), "{} does not know the leader", id);
        }

        let last = u64::MAX;
        sim.c.propose(leader, last).map_err(|e| TestCaseError::fail(e.to_string()))?;
        sim.c.run_for(Duration::from_secs(1));
        let checked = sim.check();
        prop_assert!(checked.is_ok(), "{}", checked.err().unwrap_or_default());
        prop_assert_eq!(sim.c.leaders(), vec![(leader, term)]);
        let leader_log = sim.c.node(leader).map(|n| n.log().clone());
        let leader_applied = sim.c.applied_commands(leader);
        prop_assert_eq!(leader_applied.last(), Some(&last));
        for &id in &ids {
            let log = sim.c.node(id).map(|n| n.log().clone());
            prop_assert!(log == leader_log, "{}'s log differs from the leader's", id);
            prop_assert_eq!(sim.c.applied_commands(id), leader_applied.clone());
        }
    }
}

// ----- the watcher catches the unsafe rules -----

/// A random schedule drawn from the node's own generator, biased towards what breaks the
/// unsafe rules: crashes and restarts, proposals and partitions.
fn random_schedule(rng: &mut Rng, len: usize) -> Vec<Action> {
    (0..len)
        .map(|_| {
            let k = rng.next_u64();
            let node = (k >> 8) as u32;
            match rng.in_range(0, 100) {
                0..=19 => Action::RunFor(rng.in_range(0, 400)),
                20..=34 => Action::StepNext(rng.in_range(1, 20) as u8),
                35..=44 => Action::Deliver(k as usize),
                45..=49 => Action::Drop(k as usize),
                50..=59 => Action::Crash(node),
                60..=71 => Action::Restart(node),
                72..=84 => Action::ProposeToLeader,
                85..=89 => Action::Partition((0..5).map(|i| (k >> (8 * i)) as u8).collect()),
                90..=94 => Action::Heal,
                _ => Action::TimeoutNow(node),
            }
        })
        .collect()
}

/// Searches seeds in order for a schedule that makes the watcher report a violation;
/// returns the first seed and the violation.
fn search_for_violation(unsafe_rules: UnsafeRules, seeds: u64) -> Option<(u64, String)> {
    for seed in 0..seeds {
        let mut rng = Rng::new(seed);
        let n = 3 + (seed % 3) as u32;
        let config = Config {
            unsafe_rules,
            ..Config::default()
        };
        let actions = random_schedule(&mut rng, 150);
        let mut sim = Sim::new(n, config, seed);
        for a in &actions {
            if let Err(e) = sim.apply(a) {
                return Some((seed, e));
            }
        }
        sim.settle(Duration::from_secs(2));
        if let Err(e) = sim.check() {
            return Some((seed, e));
        }
    }
    None
}

/// §5.4.1: without the "at least as up-to-date" check a server missing committed entries
/// can win an election and overwrite them. The search must find such a run.
#[test]
fn unsafe_rule_skip_log_up_to_date_check_is_caught_by_the_watcher_section_5_4_1() {
    let found = search_for_violation(
        UnsafeRules {
            skip_log_up_to_date_check: true,
            ..UnsafeRules::default()
        },
        2_000,
    );
    let (seed, violation) = found.expect("no violation found in 2000 seeds");
    println!("found at seed {seed}: {violation}");
    assert!(
        violation.contains("Leader Completeness") || violation.contains("State Machine Safety"),
        "seed {seed}: {violation}"
    );
}

/// §5.4.2, Figure 8: committing an entry of an earlier term once a majority stores it lets
/// a later leader overwrite a committed entry. The search must find such a run.
#[test]
fn unsafe_rule_commit_old_terms_by_counting_is_caught_by_the_watcher_section_5_4_2() {
    let found = search_for_violation(
        UnsafeRules {
            commit_old_terms_by_counting: true,
            ..UnsafeRules::default()
        },
        5_000,
    );
    let (seed, violation) = found.expect("no violation found in 5000 seeds");
    println!("found at seed {seed}: {violation}");
    assert!(
        violation.contains("Leader Completeness") || violation.contains("State Machine Safety"),
        "seed {seed}: {violation}"
    );
}

/// The same search with every safety rule on finds nothing (so the two searches above
/// fail for the rule's sake, not the search's).
#[test]
fn the_same_search_with_all_safety_rules_on_finds_no_violation_section_5_4() {
    let found = search_for_violation(UnsafeRules::default(), 300);
    assert!(found.is_none(), "{found:?}");
}

/// The checker itself must be able to fail: a node whose term goes back (as after a
/// restart that lost its persistent state) is reported.
#[test]
fn property_checker_reports_a_term_going_back_figure_2() {
    let mut sim = Sim::new(3, Config::default(), 1);
    assert!(sim.check().is_ok());
    sim.hard[0] = (Term(9), None);
    assert!(sim.check().is_err());
}
