//! Applying interventions to a world.

use raft_core::{Config, Node, NodeId};

use super::{World, node_seed, validate_network};
use crate::action::{Action, ActionError};
use crate::command::StateMachine;
use crate::history::Record;
use crate::network::DropReason;

impl World {
    /// Applies an action now. On error nothing changed; on success the action is
    /// recorded in the history.
    pub fn apply(&mut self, action: &Action) -> Result<(), ActionError> {
        self.check(action)?;
        self.record(Record::Action(action.clone()));
        let now = self.now;
        match action {
            Action::Crash(id) => {
                if let Some(server) = self.servers.get_mut(id.0 as usize) {
                    server.node = None;
                    server.pending.clear();
                }
                self.checker
                    .on_leadership(now, *id, None, &mut self.step_violations);
                self.record(Record::Crashed(*id));
            }
            Action::Restart(id) => {
                if let Some(server) = self.servers.get_mut(id.0 as usize) {
                    server.restarts += 1;
                    let node = Node::restart(
                        *id,
                        &self.bootstrap,
                        self.config.clone(),
                        node_seed(self.seed, *id, server.restarts),
                        now,
                        server.storage.clone(),
                    );
                    server.node = node.ok();
                    // The state machine is volatile: it restarts from the snapshot, if
                    // any, and the entries after it are applied as they commit again.
                    server.machine = server
                        .storage
                        .snapshot
                        .as_ref()
                        .and_then(|s| StateMachine::decode(&s.data))
                        .unwrap_or_default();
                    let applied = server.machine.last_applied();
                    self.checker.on_restart(*id, applied);
                }
                self.record(Record::Restarted(*id));
            }
            Action::TimeoutNow(id) => {
                if let Some(node) = self
                    .servers
                    .get_mut(id.0 as usize)
                    .and_then(|s| s.node.as_mut())
                {
                    let _ = node.timeout_now(now);
                }
                self.drain(*id);
            }
            Action::SetElectionTimer(id, at) => {
                if let Some(node) = self
                    .servers
                    .get_mut(id.0 as usize)
                    .and_then(|s| s.node.as_mut())
                {
                    let _ = node.set_election_deadline(*at);
                }
            }
            Action::ClientRequest { op, to } => {
                // The visualization's client is client 0.
                if let Some(client) = self.clients.first_mut() {
                    client.queue.push((*op, *to));
                }
                self.start_next_request(crate::command::ClientId(0));
            }
            Action::DropMessage(id) => {
                self.flights.remove(id);
                self.record(Record::Dropped {
                    id: *id,
                    reason: DropReason::DroppedByUser,
                });
            }
            Action::Partition(groups) => {
                self.links.heal();
                let group_of = |id: NodeId| groups.iter().position(|g| g.contains(&id));
                for &a in &self.ids {
                    for &b in &self.ids {
                        if a != b && (group_of(a).is_none() || group_of(a) != group_of(b)) {
                            self.links.set_cut(a, b, true);
                        }
                    }
                }
            }
            Action::CutLink { from, to, both } => {
                self.links.set_cut(*from, *to, true);
                if *both {
                    self.links.set_cut(*to, *from, true);
                }
            }
            Action::Heal => self.links.heal(),
            Action::SetLinkLatency { from, to, latency } => {
                self.links.set_latency(*from, *to, *latency);
            }
            Action::SetNetwork(settings) => self.network = settings.clone(),
            Action::AddServer => self.add_server(),
            Action::RemoveServer(id) => self.ask_leader(raft_core::MembershipChange::Remove(*id)),
            Action::TakeSnapshot(id) => self.take_snapshot(*id),
            Action::SetElectionTimeout { .. } | Action::SetProtocol(_) => {
                let config = self.config_after(action);
                for s in &mut self.servers {
                    if let Some(node) = s.node.as_mut() {
                        let _ = node.set_config(config.clone());
                    }
                }
                // Restarts build their node from this config.
                self.config = config;
            }
        }
        self.flush_violations();
        Ok(())
    }

    /// Queues a request on client `client` (load generators use several clients).
    pub fn client_request(
        &mut self,
        client: crate::command::ClientId,
        op: crate::command::Op,
    ) -> Result<(), ActionError> {
        let c = self
            .clients
            .get_mut(client.0 as usize)
            .ok_or(ActionError::BadSettings)?;
        c.queue.push((op, None));
        self.start_next_request(client);
        self.flush_violations();
        Ok(())
    }

    /// Refuses an action that cannot apply, changing nothing: when this is `Ok`,
    /// [`World::apply`] of the same action succeeds.
    pub fn check(&self, action: &Action) -> Result<(), ActionError> {
        let exists = |id: NodeId| {
            if (id.0 as usize) < self.servers.len() {
                Ok(())
            } else {
                Err(ActionError::NoSuchNode(id))
            }
        };
        let up = |id: NodeId| {
            exists(id)?;
            match self.servers.get(id.0 as usize) {
                Some(s) if s.is_removed() => Err(ActionError::Removed(id)),
                Some(s) if !s.is_down() => Ok(()),
                _ => Err(ActionError::NodeDown(id)),
            }
        };
        match action {
            Action::Crash(id) => up(*id),
            Action::Restart(id) => {
                exists(*id)?;
                match self.servers.get(id.0 as usize) {
                    Some(s) if s.is_removed() => Err(ActionError::Removed(*id)),
                    Some(s) if s.is_down() => Ok(()),
                    _ => Err(ActionError::NodeUp(*id)),
                }
            }
            Action::AddServer => self.check_add_server(),
            Action::RemoveServer(id) => {
                exists(*id)?;
                self.check_ask_leader(raft_core::MembershipChange::Remove(*id))
            }
            Action::TakeSnapshot(id) => {
                up(*id)?;
                self.check_snapshot(*id)
            }
            Action::TimeoutNow(id) | Action::SetElectionTimer(id, _) => {
                up(*id)?;
                match self.node(*id).map(|n| n.election_deadline()) {
                    Some(None) => Err(ActionError::IsLeader(*id)),
                    _ => Ok(()),
                }
            }
            Action::ClientRequest { to, .. } => to.map_or(Ok(()), exists),
            Action::DropMessage(id) => {
                if self.flights.contains_key(id) {
                    Ok(())
                } else {
                    Err(ActionError::NoSuchMessage(*id))
                }
            }
            Action::Partition(groups) => groups.iter().flatten().try_for_each(|id| exists(*id)),
            Action::CutLink { from, to, .. } | Action::SetLinkLatency { from, to, .. } => {
                exists(*from)?;
                exists(*to)
            }
            Action::Heal => Ok(()),
            Action::SetNetwork(n) => validate_network(n).map_err(|_| ActionError::BadSettings),
            // The switches never make a config invalid, but `apply` hands this very
            // config to every node: checked the same way, so the two cannot drift.
            Action::SetElectionTimeout { .. } | Action::SetProtocol(_) => self
                .config_after(action)
                .validate()
                .map_err(|_| ActionError::BadSettings),
        }
    }

    /// The Raft configuration after an action that changes it (the world's own for
    /// any other action).
    fn config_after(&self, action: &Action) -> Config {
        let mut config = self.config.clone();
        match action {
            Action::SetElectionTimeout { min, max } => {
                config.election_timeout_min = *min;
                config.election_timeout_max = *max;
            }
            Action::SetProtocol(protocol) => protocol.apply_to(&mut config),
            _ => {}
        }
        config
    }
}
