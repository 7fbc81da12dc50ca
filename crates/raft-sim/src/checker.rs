//! The safety checker: the properties of the paper's Figure 3, plus "no acknowledged
//! client write is ever lost", checked as the world advances.
//!
//! Logs are mirrored as chains of prefix digests (`h[i] = mix(h[i-1], term, command)`),
//! so comparing two whole prefixes costs one integer comparison and every check is
//! O(log n) per event. A violation is a value, never a panic.

use crate::vec_map::VecMap;
use alloc::vec::Vec;
use core::fmt;

use raft_core::{ConfigStep, Entry, Instant, Log, LogIndex, NodeId, Payload, PersistOp, Term};

use crate::command::{ClientId, Command, mix};

/// A safety property of Raft (Figure 3) or of the client contract.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum Property {
    /// At most one leader can be elected in a given term.
    ElectionSafety,
    /// A leader never overwrites or deletes entries in its log.
    LeaderAppendOnly,
    /// Two logs with an entry of the same index and term are identical up to it.
    LogMatching,
    /// A committed entry is present in the logs of all later leaders.
    LeaderCompleteness,
    /// No two servers apply different entries at the same index.
    StateMachineSafety,
    /// Once the client was told a write is committed, it stays committed.
    AcknowledgedWriteKept,
}

impl Property {
    /// All properties, in the paper's order.
    pub const ALL: [Property; 6] = [
        Property::ElectionSafety,
        Property::LeaderAppendOnly,
        Property::LogMatching,
        Property::LeaderCompleteness,
        Property::StateMachineSafety,
        Property::AcknowledgedWriteKept,
    ];

    /// The property's name as the paper gives it.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Property::ElectionSafety => "Election Safety",
            Property::LeaderAppendOnly => "Leader Append-Only",
            Property::LogMatching => "Log Matching",
            Property::LeaderCompleteness => "Leader Completeness",
            Property::StateMachineSafety => "State Machine Safety",
            Property::AcknowledgedWriteKept => "Acknowledged writes kept",
        }
    }
}

/// One broken property: what, where and when.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Violation {
    /// Which property.
    pub property: Property,
    /// When it was detected.
    pub at: Instant,
    /// The node where it showed.
    pub node: NodeId,
    /// The other node involved, if any.
    pub other: Option<NodeId>,
    /// The term involved, if any.
    pub term: Option<Term>,
    /// The log index involved, if any.
    pub index: Option<LogIndex>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} broken at {}: {}",
            self.property.name(),
            self.at,
            self.node
        )?;
        if let Some(o) = self.other {
            write!(f, " vs {o}")?;
        }
        if let Some(t) = self.term {
            write!(f, ", {t}")?;
        }
        if let Some(i) = self.index {
            write!(f, ", {i}")?;
        }
        Ok(())
    }
}

/// Most violations kept in detail; further ones are only counted.
const KEEP: usize = 64;

/// Watches a world and records violations.
#[derive(Clone, Debug, Default)]
pub struct Checker {
    /// Per node: prefix digests of its log (`chains[n][i-1]` covers entries 1..=i).
    chains: Vec<Vec<u64>>,
    /// Per node: the term it leads, if it is a leader.
    leading: Vec<Option<Term>>,
    leader_of_term: VecMap<Term, NodeId>,
    /// (index, term) → prefix digest, as first seen on any node (Log Matching).
    seen: VecMap<(LogIndex, Term), u64>,
    /// Per node: the last index it applied (a snapshot's, after a restore or restart).
    applied: Vec<LogIndex>,
    /// The committed prefix: digest of entries 1..=i at position i-1.
    committed: Vec<u64>,
    /// Acknowledged writes: (client, seq) → index.
    acked: VecMap<(ClientId, u64), LogIndex>,
    violations: Vec<Violation>,
    total: u64,
    first_by_property: VecMap<Property, Instant>,
}

/// Digest of one entry given the digest of the prefix before it.
fn chain_step(prev: u64, entry: &Entry<Command>) -> u64 {
    let payload = match &entry.payload {
        Payload::Noop => 0x6E6F_6F70,
        Payload::Command(c) => c.digest(),
        Payload::Config(step) => config_digest(*step),
    };
    mix(prev, mix(entry.term.0, payload))
}

/// A digest of a configuration step, distinct for each step.
fn config_digest(step: ConfigStep) -> u64 {
    let (kind, node) = match step {
        ConfigStep::AddLearner(n) => (1, n.0),
        ConfigStep::PromoteLearner(n) => (2, n.0),
        ConfigStep::Remove(n) => (3, n.0),
        ConfigStep::EnterJoint { node, add: true } => (4, node.0),
        ConfigStep::EnterJoint { node, add: false } => (5, node.0),
        ConfigStep::LeaveJoint => (6, 0),
    };
    mix(0x636F_6E66, (kind << 32) | u64::from(node))
}

impl Checker {
    /// A checker for `nodes` nodes with empty logs.
    #[must_use]
    pub fn new(nodes: usize) -> Checker {
        // Every field spelled out: `..Checker::default()` would build (and drop) a
        // second set of vectors, and `vec![x; n]` clones through a generic loop.
        Checker {
            chains: core::iter::repeat_with(Vec::new).take(nodes).collect(),
            leading: core::iter::repeat_n(None, nodes).collect(),
            applied: core::iter::repeat_n(LogIndex(0), nodes).collect(),
            leader_of_term: VecMap::new(),
            seen: VecMap::new(),
            committed: Vec::new(),
            acked: VecMap::new(),
            violations: Vec::new(),
            total: 0,
            first_by_property: VecMap::new(),
        }
    }

    /// Violations found, oldest first (at most 64 kept; see [`total`](Checker::total)).
    #[must_use]
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// How many violations were found in all.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Whether the property has held so far, and if not, when it first broke.
    #[must_use]
    pub fn first_broken(&self, p: Property) -> Option<Instant> {
        self.first_by_property.get(&p).copied()
    }

    /// The number of entries known committed.
    #[must_use]
    pub fn committed_len(&self) -> usize {
        self.committed.len()
    }

    /// Acknowledged writes and the index each was committed at.
    pub fn acknowledged(&self) -> impl Iterator<Item = ((ClientId, u64), LogIndex)> + '_ {
        self.acked.iter().map(|(k, v)| (*k, *v))
    }

    fn report(&mut self, v: Violation) -> Option<Violation> {
        self.total += 1;
        self.first_by_property.get_or_insert(v.property, v.at);
        if self.violations.len() < KEEP {
            self.violations.push(v);
        }
        Some(v)
    }

    fn violation(at: Instant, property: Property, node: NodeId) -> Violation {
        Violation {
            property,
            at,
            node,
            other: None,
            term: None,
            index: None,
        }
    }

    /// A node's log changed: `op` from its `Ready`, whose entries `log` (the node's
    /// log) lends. Returns a violation if one showed.
    pub fn on_persist(
        &mut self,
        at: Instant,
        node: NodeId,
        op: &PersistOp,
        log: &Log<Command>,
        out: &mut Vec<Violation>,
    ) {
        let n = node.0 as usize;
        match *op {
            PersistOp::HardState(_) => {}
            PersistOp::TruncateLog { from } => {
                if let Some(term) = self.leading.get(n).copied().flatten() {
                    let v = Violation {
                        term: Some(term),
                        index: Some(from),
                        ..Self::violation(at, Property::LeaderAppendOnly, node)
                    };
                    out.extend(self.report(v));
                }
                if let Some(chain) = self.chains.get_mut(n) {
                    chain.truncate(usize::try_from(from.0.saturating_sub(1)).unwrap_or(usize::MAX));
                }
            }
            PersistOp::SaveSnapshot(index) => {
                // The chain keeps digesting the compacted prefix. A snapshot that
                // replaced the whole log (Figure 13, step 7) holds the committed prefix.
                let Some(chain) = self.chains.get_mut(n) else {
                    return;
                };
                let len = usize::try_from(index.0).unwrap_or(usize::MAX);
                let agrees = len > 0
                    && chain.get(len - 1).is_some()
                    && chain.get(len - 1) == self.committed.get(len - 1);
                if !agrees && let Some(prefix) = self.committed.get(..len) {
                    chain.clear();
                    chain.extend_from_slice(prefix);
                }
            }
            PersistOp::AppendLog(range) => {
                let Some(chain) = self.chains.get_mut(n) else {
                    return;
                };
                chain.truncate(
                    usize::try_from(range.first.0.saturating_sub(1)).unwrap_or(usize::MAX),
                );
                let mut found = Vec::new();
                for e in log.range(range) {
                    let prev = chain.last().copied().unwrap_or(0);
                    let h = chain_step(prev, e);
                    chain.push(h);
                    let index = LogIndex(chain.len() as u64);
                    let first_seen = *self.seen.get_or_insert((index, e.term), h);
                    if first_seen != h {
                        found.push(Violation {
                            term: Some(e.term),
                            index: Some(index),
                            ..Self::violation(at, Property::LogMatching, node)
                        });
                    }
                }
                for v in found {
                    out.extend(self.report(v));
                }
            }
        }
    }

    /// A server joined the world (its id is the next one), with an empty log.
    pub fn add_node(&mut self) {
        self.chains.push(Vec::new());
        self.leading.push(None);
        self.applied.push(LogIndex(0));
    }

    /// Node `node` restarted: its state machine holds what its snapshot holds, up to
    /// `applied`, and applies from there.
    pub fn on_restart(&mut self, node: NodeId, applied: LogIndex) {
        if let Some(a) = self.applied.get_mut(node.0 as usize) {
            *a = applied;
        }
    }

    /// Node `node` installed a snapshot up to `index` from its leader.
    pub fn on_restore(&mut self, node: NodeId, index: LogIndex) {
        self.on_restart(node, index);
    }

    /// A node became leader of `term` (or stopped leading, with `None`).
    pub fn on_leadership(
        &mut self,
        at: Instant,
        node: NodeId,
        term: Option<Term>,
        out: &mut Vec<Violation>,
    ) {
        let n = node.0 as usize;
        if let Some(slot) = self.leading.get_mut(n) {
            *slot = term;
        }
        let Some(term) = term else {
            return;
        };
        match self.leader_of_term.get(&term) {
            Some(&other) if other != node => {
                let v = Violation {
                    other: Some(other),
                    term: Some(term),
                    ..Self::violation(at, Property::ElectionSafety, node)
                };
                out.extend(self.report(v));
            }
            _ => {
                self.leader_of_term.insert(term, node);
            }
        }
        // Every entry committed so far was committed in an earlier term: the new
        // leader's log must hold that whole prefix.
        let len = self.committed.len();
        if len > 0 {
            let holds = self
                .chains
                .get(n)
                .and_then(|c| c.get(len - 1))
                .is_some_and(|h| Some(h) == self.committed.last());
            if !holds {
                let v = Violation {
                    term: Some(term),
                    index: Some(LogIndex(len as u64)),
                    ..Self::violation(at, Property::LeaderCompleteness, node)
                };
                out.extend(self.report(v));
            }
        }
    }

    /// A node applied the entry at `index` (its log holds it). A server applies each
    /// index once, in order, across snapshots and restarts: applying one again, or
    /// skipping one, breaks State Machine Safety as surely as a different entry.
    pub fn on_apply(
        &mut self,
        at: Instant,
        node: NodeId,
        index: LogIndex,
        out: &mut Vec<Violation>,
    ) {
        if let Some(last) = self.applied.get_mut(node.0 as usize) {
            let expected = last.next();
            *last = index;
            if index != expected {
                let v = Violation {
                    index: Some(index),
                    ..Self::violation(at, Property::StateMachineSafety, node)
                };
                out.extend(self.report(v));
            }
        }
        let Some(&h) = self.chains.get(node.0 as usize).and_then(|c| {
            c.get(
                usize::try_from(index.0)
                    .unwrap_or(usize::MAX)
                    .wrapping_sub(1),
            )
        }) else {
            return;
        };
        let pos = usize::try_from(index.0.saturating_sub(1)).unwrap_or(usize::MAX);
        if pos == self.committed.len() {
            self.committed.push(h);
        } else if let Some(&known) = self.committed.get(pos)
            && known != h
        {
            let v = Violation {
                index: Some(index),
                ..Self::violation(at, Property::StateMachineSafety, node)
            };
            out.extend(self.report(v));
            // An acknowledged write at or after this index may now be gone.
            let lost: Vec<LogIndex> = self
                .acked
                .values()
                .copied()
                .filter(|i| *i >= index)
                .collect();
            for i in lost.into_iter().take(1) {
                let v = Violation {
                    index: Some(i),
                    ..Self::violation(at, Property::AcknowledgedWriteKept, node)
                };
                out.extend(self.report(v));
            }
        }
    }

    /// The client was told its request `seq` is committed at `index`.
    pub fn on_ack(&mut self, client: ClientId, seq: u64, index: LogIndex) {
        self.acked.insert((client, seq), index);
    }

    /// Checks, at the end of a run, that every acknowledged write is in `node`'s log
    /// with the committed content. Returns the number missing.
    pub fn count_lost_writes(
        &mut self,
        at: Instant,
        node: NodeId,
        log: &Log<Command>,
        out: &mut Vec<Violation>,
    ) -> u64 {
        let mut lost = 0;
        let missing: Vec<LogIndex> = self
            .acked
            .iter()
            .filter(|((client, seq), index)| {
                if **index <= log.snapshot_index() {
                    // Compacted: the node's prefix up to it must be the committed one.
                    let pos = usize::try_from(index.0.saturating_sub(1)).unwrap_or(usize::MAX);
                    let chain = self.chains.get(node.0 as usize).and_then(|c| c.get(pos));
                    return chain.is_none() || chain != self.committed.get(pos);
                }
                !log.get(**index).is_some_and(|e| {
                    matches!(&e.payload, Payload::Command(c) if c.client == *client && c.seq == *seq)
                })
            })
            .map(|(_, i)| *i)
            .collect();
        for index in missing {
            lost += 1;
            let v = Violation {
                index: Some(index),
                ..Self::violation(at, Property::AcknowledgedWriteKept, node)
            };
            out.extend(self.report(v));
        }
        lost
    }
}
