//! The partition presets: "split" (the leader in the largest minority) and "isolate
//! leader", as the groups a [`Command::Partition`](crate::command::Command) would name.

use raft_sim::raft_core::NodeId;

use super::App;
use crate::command::CommandError;

impl App {
    /// The "split" preset's groups: the leader (or A, before any election) and the
    /// next [`split_minority`]` - 1` nodes after it, against the rest.
    pub fn split_groups(&self) -> Result<Vec<Vec<NodeId>>, CommandError> {
        let n = self.world().ids().len();
        if n < 3 {
            return Err(CommandError::SplitTooSmall);
        }
        let first = self.world().leader().map_or(0, |id| id.0 as usize);
        let k = split_minority(n);
        let id = |i: usize| NodeId(i as u32);
        let minority: Vec<NodeId> = (0..k).map(|i| id((first + i) % n)).collect();
        let majority = (0..n).map(id).filter(|i| !minority.contains(i)).collect();
        Ok(vec![minority, majority])
    }

    /// The "isolate leader" preset's groups: the leader alone, the rest together.
    pub fn isolate_groups(&self) -> Result<Vec<Vec<NodeId>>, CommandError> {
        let leader = self.world().leader().ok_or(CommandError::NoLeader)?;
        let rest = self
            .world()
            .ids()
            .iter()
            .copied()
            .filter(|&id| id != leader)
            .collect();
        Ok(vec![vec![leader], rest])
    }
}

/// How many nodes the "split" preset puts with the leader: the largest minority
/// (2 of 5, 1 of 3, 4 of 9), at least 1.
pub fn split_minority(nodes: usize) -> usize {
    (nodes.saturating_sub(1) / 2).max(1)
}
