//! The deterministic world: a cluster of raft-core nodes, a virtual clock, a simulated
//! network, clients, the safety checker, and the records of everything that happens.

mod actions;
mod cluster;
mod traffic;

use alloc::collections::BinaryHeap;

use crate::vec_map::VecMap;
use alloc::vec::Vec;
use core::cmp::Reverse;
use core::fmt;
use core::time::Duration;

use raft_core::{Config, ConfigError, Instant, LogIndex, Node, NodeId, PersistentState, Rng, Role};

use crate::checker::{Checker, Violation};
use crate::client::{Client, ClientSettings};
use crate::command::{ClientId, StateMachine, mix};
use crate::history::{Item, Record};
use crate::network::{Flight, Links, MsgId, NetworkSettings, PPM};
use crate::server::{Server, node_name};

/// The most nodes a world holds (the visualization's limit).
pub const MAX_NODES: usize = 9;

/// How to build a world.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setup {
    /// Number of servers, 1 to [`MAX_NODES`].
    pub nodes: usize,
    /// The one seed from which all randomness derives.
    pub seed: u64,
    /// Every node's Raft configuration.
    pub raft: Config,
    /// The network.
    pub network: NetworkSettings,
    /// Client timing.
    pub client: ClientSettings,
    /// Number of clients (the visualization has one; load generators use more).
    pub clients: usize,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            nodes: 5,
            seed: 1,
            raft: Config::default(),
            network: NetworkSettings::default(),
            client: ClientSettings::default(),
            clients: 1,
        }
    }
}

/// Why a world could not be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetupError {
    /// The node count is outside 1..=9.
    NodeCount(usize),
    /// The client count is outside 1..=16.
    ClientCount(usize),
    /// The Raft configuration is unusable.
    Config(ConfigError),
    /// A probability above one or an empty latency range.
    Network,
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetupError::NodeCount(n) => {
                write!(f, "a cluster has 1 to {MAX_NODES} nodes, not {n}")
            }
            SetupError::ClientCount(n) => write!(f, "1 to 16 clients, not {n}"),
            SetupError::Config(e) => write!(f, "{e}"),
            SetupError::Network => f.write_str("impossible network settings"),
        }
    }
}

/// Something scheduled on the agenda.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Due {
    /// A message reaches its receiver.
    Arrive(MsgId),
    /// A message is lost on the way.
    Lose(MsgId),
}

/// What [`World::step`] processed next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Next {
    Agenda,
    Node(NodeId),
    Client(ClientId),
}

/// A simulated Raft cluster. Cloning it is a snapshot.
///
/// Everything that happens is decided by the seed and the actions applied: the same
/// seed and the same actions at the same times give the same run, on every platform.
/// Events at the same instant are ordered: message arrivals and losses first (in send
/// order), then node timers (by node id), then client timers.
#[derive(Clone, Debug)]
pub struct World {
    now: Instant,
    seed: u64,
    config: Config,
    network: NetworkSettings,
    links: Links,
    rng: Rng,
    /// Every server's id, added ones included.
    ids: Vec<NodeId>,
    /// The servers the cluster booted with: a configuration entry is a step from them.
    bootstrap: Vec<NodeId>,
    /// The highest commit index at which a node committed a configuration: who is in
    /// the cluster follows the newest committed configuration only, never a lagging
    /// node's older one.
    config_commit: LogIndex,
    servers: Vec<Server>,
    clients: Vec<Client>,
    flights: VecMap<MsgId, Flight>,
    agenda: BinaryHeap<Reverse<(Instant, u64, Due)>>,
    next_msg: u64,
    checker: Checker,
    records: Vec<Item>,
    record_seq: u64,
    recording: bool,
    steps: u64,
    /// Found during the current step; recorded when it ends.
    step_violations: Vec<Violation>,
    /// Found since the last `take_new_violations`.
    new_violations: Vec<Violation>,
}

impl World {
    /// A world of fresh followers at time 0.
    pub fn new(setup: &Setup) -> Result<World, SetupError> {
        if !(1..=MAX_NODES).contains(&setup.nodes) {
            return Err(SetupError::NodeCount(setup.nodes));
        }
        if !(1..=16).contains(&setup.clients) {
            return Err(SetupError::ClientCount(setup.clients));
        }
        setup.raft.validate().map_err(SetupError::Config)?;
        validate_network(&setup.network)?;
        let ids: Vec<NodeId> = (0..setup.nodes as u32).map(NodeId).collect();
        let mut servers = Vec::with_capacity(ids.len());
        for &id in &ids {
            let node = Node::new(
                id,
                &ids,
                setup.raft.clone(),
                node_seed(setup.seed, id, 0),
                Instant::ZERO,
            )
            .map_err(|e| match e {
                raft_core::NewNodeError::Config(c) => SetupError::Config(c),
                raft_core::NewNodeError::Membership(_) => SetupError::NodeCount(setup.nodes),
            })?;
            servers.push(Server {
                id,
                name: node_name(id),
                node: Some(node),
                storage: PersistentState::default(),
                machine: StateMachine::default(),
                pending: Vec::new(),
                restarts: 0,
                joined: true,
                removed: false,
                addition: None,
            });
        }
        let clients = (0..setup.clients as u32)
            .map(|c| Client::new(ClientId(c), setup.client.clone()))
            .collect();
        Ok(World {
            now: Instant::ZERO,
            seed: setup.seed,
            config: setup.raft.clone(),
            network: setup.network.clone(),
            links: Links::default(),
            rng: Rng::new(mix(setup.seed, 0x006E_6574_776F_726B)),
            checker: Checker::new(ids.len()),
            bootstrap: ids.clone(),
            config_commit: LogIndex(0),
            ids,
            servers,
            clients,
            flights: VecMap::new(),
            agenda: BinaryHeap::new(),
            next_msg: 0,
            records: Vec::new(),
            record_seq: 0,
            recording: true,
            steps: 0,
            step_violations: Vec::new(),
            new_violations: Vec::new(),
        })
    }

    // ----- queries -----

    /// The virtual time.
    #[must_use]
    pub fn now(&self) -> Instant {
        self.now
    }

    /// The seed.
    #[must_use]
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The node ids, in order.
    #[must_use]
    pub fn ids(&self) -> &[NodeId] {
        &self.ids
    }

    /// All servers, by id.
    #[must_use]
    pub fn servers(&self) -> &[Server] {
        &self.servers
    }

    /// One server.
    #[must_use]
    pub fn server(&self, id: NodeId) -> Option<&Server> {
        self.servers.get(id.0 as usize)
    }

    /// A running node.
    ///
    /// Not inlined: the page reads nodes in a great many places (view, inspector,
    /// narration, scenes), and one body keeps its wasm smaller.
    #[must_use]
    #[inline(never)]
    pub fn node(&self, id: NodeId) -> Option<&Node<crate::command::Command>> {
        self.server(id).and_then(Server::node)
    }

    /// The clients.
    #[must_use]
    pub fn clients(&self) -> &[Client] {
        &self.clients
    }

    /// Messages in flight, in send order.
    pub fn flights(&self) -> impl Iterator<Item = &Flight> + '_ {
        self.flights.values()
    }

    /// One message in flight.
    #[must_use]
    pub fn flight(&self, id: MsgId) -> Option<&Flight> {
        self.flights.get(&id)
    }

    /// The Raft configuration in force.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The network settings in force.
    #[must_use]
    pub fn network(&self) -> &NetworkSettings {
        &self.network
    }

    /// Link cuts and latency overrides.
    #[must_use]
    pub fn links(&self) -> &Links {
        &self.links
    }

    /// The safety checker.
    #[must_use]
    pub fn checker(&self) -> &Checker {
        &self.checker
    }

    /// Events processed so far.
    #[must_use]
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The running leader with the highest term, if any. (Not inlined, as
    /// [`World::node`]: the page asks for it in many places.)
    #[must_use]
    #[inline(never)]
    pub fn leader(&self) -> Option<NodeId> {
        self.servers
            .iter()
            .filter_map(Server::node)
            .filter(|n| n.role() == Role::Leader)
            .max_by_key(|n| n.term())
            .map(Node::id)
    }

    /// Whether the cluster has settled: every server of the leader's configuration up,
    /// following that leader in one term, and holding the leader's whole log. Servers
    /// outside it (ones that left, or were started but never added) are not part of
    /// the cluster.
    ///
    /// Commit indexes are not compared: a new leader learns what is committed only when
    /// an entry of its own term commits (§5.4.2), so without client traffic (and without
    /// `append_noop_on_election`, §8) they may legitimately differ forever. For the same
    /// reason a follower may keep entries past the leader's last one: entries a former
    /// leader appended that never reached the others. They are from earlier terms and
    /// not committed (Leader Completeness: the leader holds every committed entry), and
    /// a follower deletes them only when an entry of the leader's conflicts with them
    /// (Figure 2, AppendEntries receiver, step 3), so a leader with nothing to append
    /// leaves them there forever. What must agree is the leader's log: by Log Matching,
    /// a follower holding the leader's last entry holds the leader's whole log.
    #[must_use]
    pub fn is_converged(&self) -> bool {
        let Some(leader) = self.leader().and_then(|l| self.node(l)) else {
            return false;
        };
        let (term, log) = (leader.term(), leader.log());
        let members = leader.members();
        self.servers
            .iter()
            .filter(|s| !s.removed && members.contains(s.id))
            .all(|s| {
                s.node().is_some_and(|n| {
                    n.term() == term
                        && n.leader() == Some(leader.id())
                        && n.log().matches(log.last_index(), log.last_term())
                })
            })
    }

    /// Whether every client has nothing in progress or waiting.
    #[must_use]
    pub fn clients_idle(&self) -> bool {
        self.clients.iter().all(Client::is_idle)
    }

    /// The next time something is scheduled, if anything is.
    #[must_use]
    pub fn next_event_time(&self) -> Option<Instant> {
        self.next_due().map(|(t, _)| t)
    }

    /// A copy for the timeline's snapshots: the world as it is, without the records
    /// not yet taken. The timeline takes them before every snapshot, so there are
    /// none; not copying them keeps the code that copies every kind of record out of
    /// the browser's wasm (`clone` copies them).
    pub fn snapshot(&self) -> World {
        debug_assert!(
            self.records.is_empty(),
            "records are taken before a snapshot"
        );
        World {
            now: self.now,
            seed: self.seed,
            config: self.config.clone(),
            network: self.network.clone(),
            links: self.links.clone(),
            rng: self.rng.clone(),
            ids: self.ids.clone(),
            bootstrap: self.bootstrap.clone(),
            config_commit: self.config_commit,
            servers: self.servers.clone(),
            clients: self.clients.clone(),
            flights: self.flights.clone(),
            agenda: self.agenda.clone(),
            next_msg: self.next_msg,
            checker: self.checker.clone(),
            records: Vec::new(),
            record_seq: self.record_seq,
            recording: self.recording,
            steps: self.steps,
            step_violations: self.step_violations.clone(),
            new_violations: self.new_violations.clone(),
        }
    }

    // ----- records -----

    /// Turns recording of history items on or off (off for fast batch runs; the
    /// checker runs either way).
    pub fn set_recording(&mut self, on: bool) {
        self.recording = on;
    }

    /// Takes the records produced since the last call.
    pub fn take_records(&mut self) -> Vec<Item> {
        core::mem::take(&mut self.records)
    }

    /// The sequence number the next record will get.
    #[must_use]
    pub fn record_seq(&self) -> u64 {
        self.record_seq
    }

    /// Takes the violations found since the last call.
    pub fn take_new_violations(&mut self) -> Vec<Violation> {
        core::mem::take(&mut self.new_violations)
    }

    fn record(&mut self, record: Record) {
        let seq = self.record_seq;
        self.record_seq += 1;
        if self.recording {
            self.records.push(Item {
                seq,
                at: self.now,
                record,
            });
        }
    }

    // ----- running -----

    /// Processes the next scheduled event; returns its time, or `None` if nothing is
    /// scheduled (every node crashed and nothing in flight).
    pub fn step(&mut self) -> Option<Instant> {
        let (t, next) = self.next_due()?;
        self.now = self.now.max(t);
        self.steps += 1;
        match next {
            Next::Agenda => {
                if let Some(Reverse((_, _, due))) = self.agenda.pop() {
                    match due {
                        Due::Arrive(id) => self.arrive(id),
                        Due::Lose(id) => self.lose(id),
                    }
                }
            }
            Next::Node(id) => self.fire_node_timer(id),
            Next::Client(c) => self.client_timer(c),
        }
        self.flush_violations();
        Some(t)
    }

    /// Processes every event up to and including `t`, then sets the clock to `t`.
    pub fn advance_to(&mut self, t: Instant) {
        while let Some(next) = self.next_event_time() {
            if next > t {
                break;
            }
            self.step();
        }
        self.now = self.now.max(t);
    }

    /// Moves the clock to `t` without processing anything (replay of an action that
    /// was applied between two events of the same instant).
    pub(crate) fn set_clock(&mut self, t: Instant) {
        self.now = self.now.max(t);
    }

    /// Advances by `d`.
    pub fn advance(&mut self, d: Duration) {
        self.advance_to(self.now.after(d));
    }

    /// Steps until `pred` holds or `limit` passes; returns whether it held.
    pub fn run_until(&mut self, limit: Duration, mut pred: impl FnMut(&World) -> bool) -> bool {
        let end = self.now.after(limit);
        loop {
            if pred(self) {
                return true;
            }
            match self.next_event_time() {
                Some(t) if t <= end => {
                    self.step();
                }
                _ => {
                    self.now = self.now.max(end);
                    return pred(self);
                }
            }
        }
    }

    fn next_due(&self) -> Option<(Instant, Next)> {
        let mut best: Option<(Instant, Next)> = self
            .agenda
            .peek()
            .map(|Reverse((t, _, _))| (*t, Next::Agenda));
        let mut consider = |t: Instant, n: Next| {
            if best.is_none_or(|(bt, _)| t < bt) {
                best = Some((t, n));
            }
        };
        for s in &self.servers {
            if let Some(node) = &s.node {
                consider(node.next_deadline(), Next::Node(s.id));
            }
        }
        for c in &self.clients {
            if let Some(o) = c.outstanding() {
                consider(o.deadline, Next::Client(c.id()));
            }
        }
        best
    }

    fn flush_violations(&mut self) {
        if self.step_violations.is_empty() {
            return;
        }
        let found = core::mem::take(&mut self.step_violations);
        for v in &found {
            self.record(Record::Violation(*v));
        }
        self.new_violations.extend(found);
    }
}

/// The seed of node `id`'s generator after `restarts` restarts.
fn node_seed(seed: u64, id: NodeId, restarts: u32) -> u64 {
    mix(mix(seed, u64::from(id.0) + 1), u64::from(restarts))
}

fn validate_network(n: &NetworkSettings) -> Result<(), SetupError> {
    if n.loss_ppm > PPM || n.duplicate_ppm > PPM || n.reorder_ppm > PPM {
        return Err(SetupError::Network);
    }
    if n.latency_max < n.latency_min || n.latency_max > Duration::from_secs(60) {
        return Err(SetupError::Network);
    }
    Ok(())
}
