//! A small deterministic multi-node harness for tests, benchmarks and fuzzing
//! (feature `testkit`).
//!
//! It wires [`Node`]s together through an in-memory network with a virtual clock. Every
//! message waits in an in-flight list until it is delivered, dropped or duplicated,
//! either by the caller (to force a schedule) or by [`Cluster::step_next`] (earliest
//! first, ties broken by send order). A node's storage is rebuilt only from the
//! [`PersistOp`]s it emitted, so a crash and restart loses exactly the volatile state.
//!
//! The harness also watches the safety properties of the paper's Figure 3 as it runs and
//! records any violation in [`Cluster::violations`].
//!
//! Each node's state machine is a [`Machine`]: the last applied index and a digest of
//! every entry applied up to it (from each entry's `Debug` text, so any command type
//! works). Its 16 bytes are what a snapshot holds (paper §7); the harness takes one
//! whenever [`Node::snapshot_due`] says so, or on [`Cluster::snapshot`].

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use crate::{
    Config, Entry, Event, Instant, LogIndex, Message, Node, NodeId, PersistentState, ProposeError,
    Role, Term,
};

/// A message on its way.
#[derive(Clone, Debug)]
pub struct InFlight<C> {
    /// When it arrives if nothing else happens to it.
    pub deliver_at: Instant,
    /// Send order, for deterministic ties.
    pub seq: u64,
    /// The message.
    pub msg: Message<C>,
}

/// An entry a node applied to its state machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied<C> {
    /// Its index.
    pub index: LogIndex,
    /// The entry (the harness keeps a copy).
    pub entry: Entry<C>,
}

/// A node's state machine in the harness: what it applied, as an index and a digest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Machine {
    /// The last applied index.
    pub last_applied: LogIndex,
    /// A digest of every entry applied, in order, up to `last_applied`.
    pub digest: u64,
}

impl Machine {
    /// Its snapshot data: 16 bytes.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16);
        out.extend_from_slice(&self.last_applied.0.to_le_bytes());
        out.extend_from_slice(&self.digest.to_le_bytes());
        out
    }

    /// The machine a snapshot's data holds, if it is 16 bytes.
    #[must_use]
    pub fn decode(data: &[u8]) -> Option<Machine> {
        let index = u64::from_le_bytes(data.get(..8)?.try_into().ok()?);
        let digest = u64::from_le_bytes(data.get(8..16)?.try_into().ok()?);
        Some(Machine {
            last_applied: LogIndex(index),
            digest,
        })
    }

    fn apply<C: core::fmt::Debug>(&mut self, index: LogIndex, entry: &Entry<C>) {
        use core::fmt::Write;
        let mut h = Fnv(self.digest ^ 0xcbf2_9ce4_8422_2325);
        let _ = write!(h, "{index:?}{entry:?}");
        self.last_applied = index;
        self.digest = h.0;
    }
}

/// FNV-1a over formatted text.
struct Fnv(u64);

impl core::fmt::Write for Fnv {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for b in s.bytes() {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        Ok(())
    }
}

#[derive(Clone, Debug)]
struct Slot<C> {
    node: Option<Node<C>>,
    storage: PersistentState<C>,
    machine: Machine,
    applied: Vec<Applied<C>>,
    restarts: u64,
    /// The voters it booted with (empty for a server added later).
    bootstrap: Vec<NodeId>,
}

/// A cluster of nodes `0..n` on an in-memory network.
#[derive(Clone, Debug)]
pub struct Cluster<C> {
    now: Instant,
    config: Config,
    seed: u64,
    ids: Vec<NodeId>,
    slots: Vec<Slot<C>>,
    in_flight: Vec<InFlight<C>>,
    next_seq: u64,
    /// One-way links that drop everything sent over them: (from, to).
    cut: Vec<(NodeId, NodeId)>,
    latency: Duration,
    /// Every event emitted, with the node and time.
    pub events: Vec<(Instant, NodeId, Event)>,
    /// Whether to record events (off in benchmarks).
    pub record_events: bool,
    /// Messages handed to `Node::step` so far.
    pub stepped: u64,
    /// Safety violations seen so far (Figure 3), in plain words.
    pub violations: Vec<String>,
    leader_of_term: BTreeMap<Term, NodeId>,
    committed: BTreeMap<LogIndex, Entry<C>>,
    /// The digest of the applied prefix at each index, as the first node to apply it
    /// saw it: every other node must agree (State Machine Safety, across snapshots).
    digests: BTreeMap<LogIndex, u64>,
}

impl<C: Clone + PartialEq + core::fmt::Debug> Cluster<C> {
    /// `n` fresh nodes with ids `0..n`, all using `config`; node `i` gets seed
    /// `seed + i`. Messages take 1 ms.
    ///
    /// # Panics
    /// If `config` is invalid or `n` is 0: a test set-up error.
    #[must_use]
    pub fn new(n: u32, config: Config, seed: u64) -> Cluster<C> {
        Self::with_logs(
            config,
            seed,
            &(0..n)
                .map(|_| PersistentState::default())
                .collect::<Vec<_>>(),
        )
    }

    /// Nodes `0..states.len()` restarted from the given persistent states.
    ///
    /// # Panics
    /// If `config` is invalid or `states` is empty: a test set-up error.
    #[must_use]
    pub fn with_logs(config: Config, seed: u64, states: &[PersistentState<C>]) -> Cluster<C> {
        let ids: Vec<NodeId> = (0..states.len() as u32).map(NodeId).collect();
        let slots = states
            .iter()
            .enumerate()
            .map(|(i, st)| {
                let node = Node::restart(
                    ids[i],
                    &ids,
                    config.clone(),
                    seed.wrapping_add(i as u64),
                    Instant::ZERO,
                    st.clone(),
                )
                .unwrap_or_else(|e| panic!("test cluster set-up: {e}"));
                Slot {
                    node: Some(node),
                    storage: st.clone(),
                    machine: restored(st),
                    applied: Vec::new(),
                    restarts: 0,
                    bootstrap: ids.clone(),
                }
            })
            .collect();
        Cluster {
            now: Instant::ZERO,
            config,
            seed,
            ids,
            slots,
            in_flight: Vec::new(),
            next_seq: 0,
            cut: Vec::new(),
            latency: Duration::from_millis(1),
            events: Vec::new(),
            record_events: true,
            stepped: 0,
            violations: Vec::new(),
            leader_of_term: BTreeMap::new(),
            committed: BTreeMap::new(),
            digests: BTreeMap::new(),
        }
    }

    /// Sets the one-way message delay used for messages sent from now on.
    pub fn set_latency(&mut self, latency: Duration) {
        self.latency = latency;
    }

    /// The virtual time.
    #[must_use]
    pub fn now(&self) -> Instant {
        self.now
    }

    /// All node ids.
    #[must_use]
    pub fn ids(&self) -> &[NodeId] {
        &self.ids
    }

    /// The node, unless crashed.
    #[must_use]
    pub fn node(&self, id: NodeId) -> Option<&Node<C>> {
        self.slot(id).and_then(|s| s.node.as_ref())
    }

    /// The node's durable state as rebuilt from its persist operations.
    #[must_use]
    pub fn storage(&self, id: NodeId) -> Option<&PersistentState<C>> {
        self.slot(id).map(|s| &s.storage)
    }

    /// The node's state machine (kept across crashes only through snapshots).
    #[must_use]
    pub fn machine(&self, id: NodeId) -> Option<Machine> {
        self.slot(id).map(|s| s.machine)
    }

    /// Asks `id` to snapshot its state machine now (paper §7, "on request").
    pub fn snapshot(&mut self, id: NodeId) -> Result<(), crate::SnapshotError> {
        let now = self.now;
        let Some(slot) = self.slot_mut(id) else {
            return Ok(());
        };
        let machine = slot.machine;
        let Some(node) = slot.node.as_mut() else {
            return Ok(());
        };
        let result = node.compact(now, machine.last_applied, machine.encode());
        self.drain(id);
        result
    }

    /// Entries the node applied, in order, since its last (re)start.
    #[must_use]
    pub fn applied(&self, id: NodeId) -> &[Applied<C>] {
        self.slot(id).map_or(&[], |s| &s.applied)
    }

    /// The commands the node applied since its last (re)start, in order.
    #[must_use]
    pub fn applied_commands(&self, id: NodeId) -> Vec<C> {
        self.applied(id)
            .iter()
            .filter_map(|c| match &c.entry.payload {
                crate::Payload::Command(cmd) => Some(cmd.clone()),
                crate::Payload::Noop | crate::Payload::Config(_) => None,
            })
            .collect()
    }

    /// Every live leader with its term.
    #[must_use]
    pub fn leaders(&self) -> Vec<(NodeId, Term)> {
        self.live_nodes()
            .filter(|n| n.role() == Role::Leader)
            .map(|n| (n.id(), n.term()))
            .collect()
    }

    /// The live leader with the highest term, if any.
    #[must_use]
    pub fn leader(&self) -> Option<NodeId> {
        self.leaders()
            .into_iter()
            .max_by_key(|&(_, t)| t)
            .map(|(id, _)| id)
    }

    /// Messages on their way, in send order.
    #[must_use]
    pub fn in_flight(&self) -> &[InFlight<C>] {
        &self.in_flight
    }

    /// Entries known committed, by index (from every node's commit output).
    #[must_use]
    pub fn committed(&self) -> &BTreeMap<LogIndex, Entry<C>> {
        &self.committed
    }

    /// Hands a command to `id`.
    pub fn propose(&mut self, id: NodeId, command: C) -> Result<LogIndex, ProposeError> {
        let now = self.now;
        let Some(node) = self.node_mut(id) else {
            return Err(ProposeError::NotLeader { leader: None });
        };
        let result = node.propose(now, command);
        self.drain(id);
        result
    }

    /// Starts a new, empty server that waits to be added (its id is the next free
    /// one) and returns its id. Ask the leader with
    /// [`change_membership`](Cluster::change_membership).
    pub fn add_server(&mut self) -> NodeId {
        let id = NodeId(self.slots.len() as u32);
        let bootstrap = self
            .slots
            .first()
            .map_or_else(Vec::new, |s| s.bootstrap.clone());
        let node = Node::join(
            id,
            &bootstrap,
            self.config.clone(),
            self.seed.wrapping_add(u64::from(id.0)),
            self.now,
        )
        .ok();
        self.ids.push(id);
        self.slots.push(Slot {
            node,
            storage: PersistentState::default(),
            machine: Machine::default(),
            applied: Vec::new(),
            restarts: 0,
            bootstrap,
        });
        id
    }

    /// Asks `id` (a leader) for a membership change.
    pub fn change_membership(
        &mut self,
        id: NodeId,
        change: crate::MembershipChange,
    ) -> Result<(), crate::ChangeError> {
        let now = self.now;
        let Some(node) = self.node_mut(id) else {
            return Err(crate::ChangeError::NotLeader { leader: None });
        };
        let result = node.change_membership(now, change);
        self.drain(id);
        result
    }

    /// Forces `id`'s election timeout now (no effect on a leader or a crashed node).
    pub fn timeout_now(&mut self, id: NodeId) {
        let now = self.now;
        if let Some(node) = self.node_mut(id) {
            let _ = node.timeout_now(now);
        }
        self.drain(id);
    }

    /// Moves `id`'s election timer (no effect on a leader or a crashed node).
    pub fn set_election_deadline(&mut self, id: NodeId, at: Instant) {
        if let Some(node) = self.node_mut(id) {
            let _ = node.set_election_deadline(at);
        }
    }

    /// Crashes `id`: its volatile state is gone; messages to it are dropped on arrival.
    pub fn crash(&mut self, id: NodeId) {
        if let Some(slot) = self.slot_mut(id) {
            slot.node = None;
            slot.applied.clear();
        }
    }

    /// Restarts a crashed `id` from the state it persisted.
    pub fn restart(&mut self, id: NodeId) {
        let now = self.now;
        let config = self.config.clone();
        let seed = self.seed;
        let Some(slot) = self.slot_mut(id) else {
            return;
        };
        let ids = slot.bootstrap.clone();
        if slot.node.is_some() {
            return;
        }
        slot.restarts += 1;
        let node_seed = seed
            .wrapping_add(u64::from(id.0))
            .wrapping_add(slot.restarts.wrapping_mul(0x9E37_79B9));
        slot.machine = restored(&slot.storage);
        slot.node = Node::restart(id, &ids, config, node_seed, now, slot.storage.clone()).ok();
    }

    /// Cuts every link between different groups (both ways). Nodes in no group are
    /// cut off from everyone.
    pub fn partition(&mut self, groups: &[&[NodeId]]) {
        self.cut.clear();
        let group_of = |id: NodeId| groups.iter().position(|g| g.contains(&id));
        for &a in &self.ids {
            for &b in &self.ids {
                if a != b && (group_of(a).is_none() || group_of(a) != group_of(b)) {
                    self.cut.push((a, b));
                }
            }
        }
    }

    /// Cuts the link from `from` to `to` (one way).
    pub fn cut_link(&mut self, from: NodeId, to: NodeId) {
        if !self.cut.contains(&(from, to)) {
            self.cut.push((from, to));
        }
    }

    /// Restores every link.
    pub fn heal(&mut self) {
        self.cut.clear();
    }

    /// Delivers the in-flight message at position `k` now (out of order if you like).
    /// Returns false if there is none.
    pub fn deliver(&mut self, k: usize) -> bool {
        if k >= self.in_flight.len() {
            return false;
        }
        let m = self.in_flight.remove(k);
        self.deliver_message(m.msg);
        true
    }

    /// Drops the in-flight message at position `k`.
    pub fn drop_message(&mut self, k: usize) -> bool {
        if k >= self.in_flight.len() {
            return false;
        }
        self.in_flight.remove(k);
        true
    }

    /// Drops every in-flight message matching `pred`.
    pub fn drop_where(&mut self, mut pred: impl FnMut(&Message<C>) -> bool) {
        self.in_flight.retain(|m| !pred(&m.msg));
    }

    /// Sends a copy of the in-flight message at position `k` again.
    pub fn duplicate(&mut self, k: usize) -> bool {
        let Some(m) = self.in_flight.get(k).cloned() else {
            return false;
        };
        let seq = self.next_seq;
        self.next_seq += 1;
        self.in_flight.push(InFlight { seq, ..m });
        true
    }

    /// Injects an arbitrary message, as if it had been sent (for malformed-input tests).
    pub fn inject(&mut self, msg: Message<C>) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.in_flight.push(InFlight {
            deliver_at: self.now,
            seq,
            msg,
        });
    }

    /// Moves the clock forward by `d` without delivering anything, then fires every
    /// timer that became due (in id order).
    pub fn advance(&mut self, d: Duration) {
        self.now = self.now.after(d);
        for id in self.ids.clone() {
            self.fire_if_due(id);
        }
    }

    /// Processes the earliest pending thing: a message arrival or a timer. Advances
    /// the clock to it. Returns false when nothing is pending (all nodes crashed).
    pub fn step_next(&mut self) -> bool {
        let msg_at = self
            .in_flight
            .iter()
            .enumerate()
            .min_by_key(|(_, m)| (m.deliver_at, m.seq))
            .map(|(k, m)| (m.deliver_at, k));
        let timer_at = self.live_nodes().map(|n| (n.next_deadline(), n.id())).min();
        match (msg_at, timer_at) {
            (Some((t, k)), timer) if timer.is_none_or(|(tt, _)| t <= tt) => {
                self.now = self.now.max(t);
                self.deliver(k)
            }
            (_, Some((t, id))) => {
                self.now = self.now.max(t);
                self.fire_if_due(id);
                true
            }
            _ => false,
        }
    }

    /// Runs [`step_next`](Cluster::step_next) until `d` of virtual time has passed.
    pub fn run_for(&mut self, d: Duration) {
        let end = self.now.after(d);
        self.run_until_time(end);
    }

    /// Runs until virtual time `end`.
    pub fn run_until_time(&mut self, end: Instant) {
        loop {
            let next = self.next_event_time();
            match next {
                Some(t) if t <= end => {
                    self.step_next();
                }
                _ => break,
            }
        }
        self.now = self.now.max(end);
    }

    /// Runs until `pred` holds or `limit` of virtual time passes; returns whether it held.
    pub fn run_until(&mut self, limit: Duration, mut pred: impl FnMut(&Self) -> bool) -> bool {
        let end = self.now.after(limit);
        while !pred(self) {
            match self.next_event_time() {
                Some(t) if t <= end => {
                    self.step_next();
                }
                _ => return pred(self),
            }
        }
        true
    }

    /// Checks Log Matching over all live nodes' logs: if two logs hold an entry with the
    /// same index and term, they are identical up to there. Recorded as a violation.
    pub fn check_log_matching(&mut self) {
        let logs: Vec<(NodeId, &crate::Log<C>)> =
            self.live_nodes().map(|n| (n.id(), n.log())).collect();
        let mut found = Vec::new();
        for (i, (a, la)) in logs.iter().enumerate() {
            for (b, lb) in &logs[i + 1..] {
                let common = la.last_index().min(lb.last_index());
                // The highest index where both hold the same term...
                let mut k = common;
                while k.0 > 0 && la.term_at(k) != lb.term_at(k) {
                    k = k.prev();
                }
                // ...and everything before it that both still hold must be identical.
                let start = la.first_index().max(lb.first_index());
                let same = (start.0..=k.0).all(|i| la.get(LogIndex(i)) == lb.get(LogIndex(i)));
                if !same {
                    found.push(format!(
                        "Log Matching: {a} and {b} agree on the term at {k} but differ before it"
                    ));
                }
            }
        }
        self.violations.extend(found);
    }

    // ----- internals -----

    fn slot(&self, id: NodeId) -> Option<&Slot<C>> {
        self.slots.get(id.0 as usize)
    }

    fn slot_mut(&mut self, id: NodeId) -> Option<&mut Slot<C>> {
        self.slots.get_mut(id.0 as usize)
    }

    fn node_mut(&mut self, id: NodeId) -> Option<&mut Node<C>> {
        self.slot_mut(id).and_then(|s| s.node.as_mut())
    }

    fn live_nodes(&self) -> impl Iterator<Item = &Node<C>> + '_ {
        self.slots.iter().filter_map(|s| s.node.as_ref())
    }

    fn next_event_time(&self) -> Option<Instant> {
        let msg = self.in_flight.iter().map(|m| m.deliver_at).min();
        let timer = self.live_nodes().map(Node::next_deadline).min();
        match (msg, timer) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn fire_if_due(&mut self, id: NodeId) {
        let now = self.now;
        let Some(node) = self.node_mut(id) else {
            return;
        };
        if node.next_deadline() <= now {
            node.handle_timeout(now);
            self.drain(id);
        }
    }

    fn deliver_message(&mut self, msg: Message<C>) {
        let to = msg.to;
        let now = self.now;
        let Some(node) = self.node_mut(to) else {
            return; // crashed: the message is lost
        };
        // Refused messages change nothing; the harness only counts them.
        let _ = node.step(now, msg);
        self.stepped += 1;
        self.drain(to);
    }

    /// Takes a node's outputs: persist, queue messages, apply commits, check safety.
    fn drain(&mut self, id: NodeId) {
        let now = self.now;
        let latency = self.latency;
        let Some(slot) = self.slots.get_mut(id.0 as usize) else {
            return;
        };
        let Some(node) = slot.node.as_mut() else {
            return;
        };
        let ready = node.take_ready();
        let (role, term) = (node.role(), node.term());
        for op in &ready.persist {
            slot.storage.apply(op, node.persistent());
        }
        let mut applying_problems = Vec::new();
        if ready.restore {
            match node.snapshot().and_then(|s| Machine::decode(&s.data)) {
                Some(m) => slot.machine = m,
                None => {
                    applying_problems.push(format!("{id} was told to restore a snapshot it lacks"))
                }
            }
            if let Some(&d) = self.digests.get(&slot.machine.last_applied)
                && d != slot.machine.digest
            {
                applying_problems.push(format!(
                    "State Machine Safety: {id} installed a snapshot at {} that differs from what others applied",
                    slot.machine.last_applied
                ));
            }
        }
        let first_applied = slot.applied.len();
        for (index, e) in node.log().iter_range(ready.committed) {
            if index != slot.machine.last_applied.next() {
                // Applied twice, or a gap: a server applies each entry exactly once,
                // in order, across snapshots and restarts.
                applying_problems.push(format!(
                    "{id} applied {index} after {}",
                    slot.machine.last_applied
                ));
            }
            slot.machine.apply(index, e);
            match self.digests.get(&index) {
                Some(&d) if d != slot.machine.digest => applying_problems.push(format!(
                    "State Machine Safety: {id}'s state after {index} differs from another server's"
                )),
                Some(_) => {}
                None => {
                    self.digests.insert(index, slot.machine.digest);
                }
            }
            slot.applied.push(Applied {
                index,
                entry: e.clone(),
            });
        }
        let snapshot_due = node.snapshot_due(slot.machine.last_applied);
        self.violations.extend(applying_problems);
        let log_snapshot = (role == Role::Leader).then(|| node.log().clone());

        for msg in ready.messages {
            if self.cut.contains(&(msg.from, msg.to)) {
                continue;
            }
            let seq = self.next_seq;
            self.next_seq += 1;
            self.in_flight.push(InFlight {
                deliver_at: now.after(latency),
                seq,
                msg,
            });
        }

        // State Machine Safety: no two nodes apply different entries at one index.
        let applied = self
            .slots
            .get(id.0 as usize)
            .map_or(&[][..], |s| s.applied.get(first_applied..).unwrap_or(&[]));
        for c in applied {
            match self.committed.get(&c.index) {
                Some(e) if *e != c.entry => self.violations.push(format!(
                    "State Machine Safety: {id} committed {:?} at {} where {:?} was committed",
                    c.entry, c.index, e
                )),
                Some(_) => {}
                None => {
                    self.committed.insert(c.index, c.entry.clone());
                }
            }
        }
        for ev in &ready.events {
            match *ev {
                Event::RoleChanged {
                    to: Role::Leader, ..
                } => {
                    // Election Safety: at most one leader per term.
                    if let Some(&other) = self.leader_of_term.get(&term)
                        && other != id
                    {
                        self.violations.push(format!(
                            "Election Safety: {id} and {other} both lead {term}"
                        ));
                    }
                    self.leader_of_term.insert(term, id);
                    // Leader Completeness: a new leader holds every committed entry.
                    if let Some(log) = &log_snapshot {
                        let compacted = log.snapshot_index();
                        for (index, entry) in self.committed.range(compacted.next()..) {
                            if log.get(*index) != Some(entry) {
                                self.violations.push(format!(
                                    "Leader Completeness: new leader {id} of {term} lacks committed {index}"
                                ));
                                break;
                            }
                        }
                    }
                }
                Event::EntriesTruncated { from, .. } if role == Role::Leader => {
                    self.violations.push(format!(
                        "Leader Append-Only: leader {id} truncated its log at {from}"
                    ));
                }
                _ => {}
            }
        }
        if self.record_events {
            self.events
                .extend(ready.events.into_iter().map(|e| (now, id, e)));
        }
        if snapshot_due {
            let _ = self.snapshot(id);
        }
    }
}

/// The state machine a server restarts with: its snapshot's, or the empty one.
fn restored<C>(storage: &PersistentState<C>) -> Machine {
    storage
        .snapshot
        .as_ref()
        .and_then(|s| Machine::decode(&s.data))
        .unwrap_or_default()
}
