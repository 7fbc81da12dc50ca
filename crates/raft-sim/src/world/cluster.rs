//! Servers joining and leaving (paper §6), and snapshots (paper §7): the actions that
//! ask a leader for a membership change or a server for a snapshot, and what the world
//! does when a configuration commits or a node installs a snapshot.

use raft_core::{MembershipChange, Node, NodeId, PersistentState};

use super::{World, node_seed};
use crate::MAX_NODES;
use crate::action::ActionError;
use crate::command::StateMachine;
use crate::history::Record;
use crate::server::{Server, node_name};

impl World {
    pub(super) fn check_add_server(&self) -> Result<(), ActionError> {
        if self.servers.len() >= MAX_NODES {
            return Err(ActionError::Full);
        }
        // A new id is never a member, so a leader always takes it.
        self.leader().map(|_| ()).ok_or(ActionError::NoLeader)
    }

    /// Starts server `n` (the next id) waiting to be added, and asks the leader.
    pub(super) fn add_server(&mut self) {
        let Some(leader) = self.leader() else {
            return;
        };
        let id = NodeId(self.servers.len() as u32);
        let Ok(node) = Node::join(
            id,
            &self.bootstrap,
            self.config.clone(),
            node_seed(self.seed, id, 0),
            self.now,
        ) else {
            return;
        };
        let now = self.now;
        // A new server joins as a learner at once: its addition is the leader's last entry.
        let addition = self.node_mut(leader).and_then(|l| {
            l.change_membership(now, MembershipChange::Add(id)).ok()?;
            Some((l.log().last_index(), l.log().last_term()))
        });
        self.servers.push(Server {
            id,
            name: node_name(id),
            node: Some(node),
            storage: PersistentState::default(),
            machine: StateMachine::default(),
            pending: alloc::vec::Vec::new(),
            restarts: 0,
            joined: false,
            removed: false,
            addition,
        });
        self.ids.push(id);
        self.checker.add_node();
        self.record(Record::ServerStarted(id));
        self.drain(leader);
    }

    pub(super) fn check_ask_leader(&self, change: MembershipChange) -> Result<(), ActionError> {
        let leader = self.leader().ok_or(ActionError::NoLeader)?;
        // Asked of a copy: the leader's answer depends on its whole configuration.
        let mut copy = self.node(leader).cloned().ok_or(ActionError::NoLeader)?;
        copy.change_membership(self.now, change)
            .map_err(ActionError::Membership)
    }

    pub(super) fn ask_leader(&mut self, change: MembershipChange) {
        let Some(leader) = self.leader() else {
            return;
        };
        let now = self.now;
        if let Some(node) = self.node_mut(leader) {
            let _ = node.change_membership(now, change);
        }
        self.drain(leader);
    }

    pub(super) fn check_snapshot(&self, id: NodeId) -> Result<(), ActionError> {
        let (Some(server), Some(node)) = (self.server(id), self.node(id)) else {
            return Err(ActionError::NodeDown(id));
        };
        let compacted = node.log().snapshot_index();
        if server.machine.last_applied() <= compacted {
            return Err(ActionError::Snapshot(
                id,
                raft_core::SnapshotError::AlreadyCompacted(compacted),
            ));
        }
        Ok(())
    }

    /// Server `id` snapshots what it has applied.
    pub(super) fn take_snapshot(&mut self, id: NodeId) {
        let now = self.now;
        let Some(server) = self.servers.get_mut(id.0 as usize) else {
            return;
        };
        let applied = server.machine.last_applied();
        let data = server.machine.encode();
        if let Some(node) = server.node.as_mut() {
            let _ = node.compact(now, applied, data);
        }
        self.drain(id);
    }

    /// Whether the world may stop a server on what a committed configuration says: it
    /// trusts a committed configuration to be final, which Raft guarantees (Leader
    /// Completeness) but `UnsafeRules::unchecked_membership_changes` does not. With
    /// that switch on, a server left out keeps running, as one does until its operator
    /// gets round to it, and it can still vote: thesis §4.1's bug needs such a voter.
    fn stops_left_out_servers(&self) -> bool {
        !self.config.unsafe_rules.unchecked_membership_changes
    }

    /// After node `id` committed a configuration, or took office: a server that has
    /// joined and that the committed configuration leaves out stops for good ("leaves
    /// the picture"; see [`World::stops_left_out_servers`]); one it includes has joined.
    pub(super) fn configuration_committed(&mut self, id: NodeId) {
        let Some(node) = self.node(id) else {
            return;
        };
        let commit = node.commit_index();
        if commit <= self.config_commit {
            return;
        }
        let members = node.committed_members().clone();
        self.config_commit = commit;
        let stops = self.stops_left_out_servers();
        let mut gone = alloc::vec::Vec::new();
        for s in &mut self.servers {
            if s.removed {
                continue;
            }
            if members.contains(s.id) {
                s.joined = true;
            } else if s.joined && stops {
                s.leave();
                gone.push(s.id);
            }
        }
        for g in gone {
            let now = self.now;
            self.checker
                .on_leadership(now, g, None, &mut self.step_violations);
            self.record(Record::ServerRemoved(g));
        }
    }

    /// After node `id` took in entries or a commit: a server started but not yet joined
    /// whose addition that node committed has joined; one whose addition is lost for
    /// good stops, as an operator gives up a failed join (it would otherwise sit outside
    /// the cluster for ever, campaigning or sending clients to a leader long gone).
    ///
    /// Lost for good means that the node committed an entry of a later term than the
    /// addition's without holding the addition. Every later leader holds that entry
    /// (Leader Completeness), and a log's terms never decrease, so no log that a leader
    /// could have holds the addition past it or at an index it overwrote: it can never
    /// commit. A leader that merely lacks the addition is not enough: a later leader
    /// that holds it may still commit it. (The world used to stop such a server as
    /// soon as a leader without its addition took office; when the addition then
    /// committed, and promoted the server, the cluster waited for ever on a voter
    /// powered off.) The reasoning is Raft's: with the unsafe switch that breaks it,
    /// the world gives up no join ([`World::stops_left_out_servers`]).
    pub(super) fn settle_joins(&mut self, id: NodeId) {
        let stops = self.stops_left_out_servers();
        for k in 0..self.servers.len() {
            let Some(joined) = self.join_verdict(id, k).filter(|&j| j || stops) else {
                continue;
            };
            let Some(s) = self.servers.get_mut(k) else {
                continue;
            };
            if joined {
                s.joined = true;
            } else {
                s.leave();
                let gone = s.id;
                self.record(Record::ServerRemoved(gone));
            }
        }
    }

    /// What node `id`'s log says of server `k`'s pending addition (see
    /// [`World::settle_joins`]): `Some(true)` committed, `Some(false)` lost for good,
    /// `None` undecided (or no addition pending).
    fn join_verdict(&self, id: NodeId, k: usize) -> Option<bool> {
        let node = self.node(id)?;
        let s = self.servers.get(k).filter(|s| !s.joined && !s.removed)?;
        let (index, term) = s.addition?;
        let log = node.log();
        match log.term_at(index) {
            // Held: joined once committed, undecided until then.
            Some(t) if t == term => (node.commit_index() >= index).then_some(true),
            // Compacted: the configuration the snapshot committed tells.
            None if index < log.snapshot_index() => Some(node.committed_members().contains(s.id)),
            // Not held (another entry there, or none).
            _ => log
                .term_at(node.commit_index())
                .is_some_and(|t| t > term)
                .then_some(false),
        }
    }

    fn node_mut(&mut self, id: NodeId) -> Option<&mut Node<crate::command::Command>> {
        self.servers
            .get_mut(id.0 as usize)
            .and_then(|s| s.node.as_mut())
    }
}
