//! Who votes, who only listens, and what a majority is (paper §6, thesis §4).
//!
//! Every quorum decision in the node goes through [`Membership::has_quorum`] or
//! [`Membership::quorum_index`], so that a joint configuration (C_old,new) needs
//! majorities of both of its halves everywhere at once: elections, commitment,
//! check-quorum and the leader's lease.

use alloc::vec::Vec;

use crate::types::{LogIndex, NodeId};

/// A configuration: the voters, the voters of the configuration being left while a
/// joint change lasts, and the learners (servers that receive entries without voting).
/// Every list is sorted and without duplicates, and no server is both a learner and a
/// voter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Membership {
    voters: Vec<NodeId>,
    outgoing: Vec<NodeId>,
    learners: Vec<NodeId>,
}

/// Why a member list cannot form a cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MembershipError {
    /// No members at all.
    Empty,
    /// A node id appears twice.
    Duplicate(NodeId),
    /// The local node is not one of the members.
    SelfNotMember(NodeId),
}

/// One step from a configuration to the next, as a log entry carries it. A step names
/// what changes rather than the whole new list, so an entry stays small and cheap to
/// copy; every server reaches the same configuration because it applies the same steps
/// to the same prefix (Log Matching).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConfigStep {
    /// A new server joins as a learner: it receives entries but does not vote.
    AddLearner(NodeId),
    /// Single-server change (thesis §4.1): a caught-up learner becomes a voter.
    PromoteLearner(NodeId),
    /// Single-server change: a voter or a learner leaves.
    Remove(NodeId),
    /// Joint consensus (paper §6): enter C_old,new, where C_new is C_old with `node`
    /// added (a learner promoted) or removed.
    EnterJoint {
        /// The server that joins or leaves the voters.
        node: NodeId,
        /// Joins (true) or leaves (false).
        add: bool,
    },
    /// Joint consensus: leave C_old,new for C_new.
    LeaveJoint,
}

impl ConfigStep {
    /// Whether the step changes who votes (a learner coming or going does not).
    #[must_use]
    pub fn changes_voters(self, before: &Membership) -> bool {
        match self {
            ConfigStep::AddLearner(_) => false,
            ConfigStep::Remove(n) => before.is_voter(n),
            ConfigStep::PromoteLearner(_)
            | ConfigStep::EnterJoint { .. }
            | ConfigStep::LeaveJoint => true,
        }
    }
}

fn insert_sorted(list: &mut Vec<NodeId>, id: NodeId) {
    if let Err(at) = list.binary_search(&id) {
        list.insert(at, id);
    }
}

fn remove_sorted(list: &mut Vec<NodeId>, id: NodeId) -> bool {
    match list.binary_search(&id) {
        Ok(at) => {
            list.remove(at);
            true
        }
        Err(_) => false,
    }
}

/// The largest index that at least a majority of `voters` has reached, where
/// `reached(id)` is what `id` has; `None` when `voters` is empty.
fn majority_index(voters: &[NodeId], reached: &impl Fn(NodeId) -> LogIndex) -> Option<LogIndex> {
    let quorum = voters.len() / 2 + 1;
    // O(n²) over a handful of voters, allocation-free.
    voters
        .iter()
        .map(|&v| reached(v))
        .filter(|&candidate| voters.iter().filter(|&&v| reached(v) >= candidate).count() >= quorum)
        .max()
}

fn majority(voters: &[NodeId], yes: &dyn Fn(NodeId) -> bool) -> bool {
    voters.iter().filter(|&&v| yes(v)).count() > voters.len() / 2
}

impl Membership {
    /// The configuration of no one: a server that waits to be added to a cluster.
    pub const EMPTY: Membership = Membership {
        voters: Vec::new(),
        outgoing: Vec::new(),
        learners: Vec::new(),
    };

    /// The configuration whose voters are `voters`, which must contain `me`.
    pub fn new(me: NodeId, voters: &[NodeId]) -> Result<Membership, MembershipError> {
        let m = Membership::of_voters(voters)?;
        if m.voters.binary_search(&me).is_err() {
            return Err(MembershipError::SelfNotMember(me));
        }
        Ok(m)
    }

    /// The configuration whose voters are `voters`.
    pub fn of_voters(voters: &[NodeId]) -> Result<Membership, MembershipError> {
        if voters.is_empty() {
            return Err(MembershipError::Empty);
        }
        let mut sorted: Vec<NodeId> = Vec::with_capacity(voters.len());
        for &v in voters {
            match sorted.binary_search(&v) {
                Ok(_) => return Err(MembershipError::Duplicate(v)),
                Err(at) => sorted.insert(at, v),
            }
        }
        Ok(Membership {
            voters: sorted,
            ..Membership::EMPTY
        })
    }

    /// Rebuilds a configuration from its three lists, as a snapshot stores it; `None`
    /// when the lists overlap where they must not.
    #[must_use]
    pub fn from_parts(
        voters: &[NodeId],
        outgoing: &[NodeId],
        learners: &[NodeId],
    ) -> Option<Membership> {
        let mut m = Membership::EMPTY;
        for &v in voters {
            insert_sorted(&mut m.voters, v);
        }
        for &v in outgoing {
            insert_sorted(&mut m.outgoing, v);
        }
        for &l in learners {
            if m.is_voter(l) {
                return None;
            }
            insert_sorted(&mut m.learners, l);
        }
        Some(m)
    }

    /// The voters (C_new while a joint change lasts), sorted.
    #[must_use]
    pub fn voters(&self) -> &[NodeId] {
        &self.voters
    }

    /// The voters of the configuration being left (C_old) while a joint change lasts;
    /// empty otherwise.
    #[must_use]
    pub fn outgoing(&self) -> &[NodeId] {
        &self.outgoing
    }

    /// The learners, sorted.
    #[must_use]
    pub fn learners(&self) -> &[NodeId] {
        &self.learners
    }

    /// Whether a joint change (C_old,new) is in effect.
    #[must_use]
    pub fn is_joint(&self) -> bool {
        !self.outgoing.is_empty()
    }

    /// Whether `id` votes, in either half of a joint configuration.
    #[must_use]
    #[inline(never)]
    pub fn is_voter(&self, id: NodeId) -> bool {
        self.voters.binary_search(&id).is_ok() || self.outgoing.binary_search(&id).is_ok()
    }

    /// Whether `id` is a learner.
    #[must_use]
    #[inline(never)]
    pub fn is_learner(&self, id: NodeId) -> bool {
        self.learners.binary_search(&id).is_ok()
    }

    /// Whether `id` belongs to the configuration at all (voter or learner).
    #[must_use]
    #[inline(never)]
    pub fn contains(&self, id: NodeId) -> bool {
        self.is_voter(id) || self.is_learner(id)
    }

    /// Every server of the configuration, sorted, each once: those a leader replicates to.
    pub fn members(&self) -> impl Iterator<Item = NodeId> + '_ {
        // Merged by insertion, not `sort`: a handful of ids, and far less code in the
        // page's wasm than the standard sort.
        let mut all = self.voters.clone();
        for &id in self.outgoing.iter().chain(&self.learners) {
            insert_sorted(&mut all, id);
        }
        all.into_iter()
    }

    /// The smallest number of voters that is more than half of the voters (of C_new
    /// while joint): what the narration calls "votes needed".
    #[must_use]
    pub fn quorum(&self) -> usize {
        self.voters.len() / 2 + 1
    }

    /// Whether the servers for which `yes` holds form a majority: of the voters, and
    /// while joint of C_old too. No voters at all never form a majority.
    #[must_use]
    pub fn has_quorum(&self, yes: impl Fn(NodeId) -> bool) -> bool {
        self.has_quorum_dyn(&yes)
    }

    /// [`has_quorum`](Membership::has_quorum) behind a reference: one copy of the code
    /// for every caller's closure.
    fn has_quorum_dyn(&self, yes: &dyn Fn(NodeId) -> bool) -> bool {
        !self.voters.is_empty()
            && majority(&self.voters, yes)
            && (self.outgoing.is_empty() || majority(&self.outgoing, yes))
    }

    /// The largest index a majority has reached (of both halves while joint), where
    /// `reached(id)` is what server `id` has: the commit rule's N (Figure 2). Index 0
    /// when there are no voters.
    #[must_use]
    pub fn quorum_index(&self, reached: impl Fn(NodeId) -> LogIndex) -> LogIndex {
        let new = majority_index(&self.voters, &reached).unwrap_or(LogIndex(0));
        match majority_index(&self.outgoing, &reached) {
            Some(old) => new.min(old),
            None => new,
        }
    }

    /// The configuration after `step`. A step that does not fit (adding a member,
    /// promoting a voter, leaving a joint change that is not there) changes nothing:
    /// a correct leader never sends one, and no input may make a node panic.
    #[must_use]
    pub fn after(&self, step: ConfigStep) -> Membership {
        let mut m = self.clone();
        match step {
            ConfigStep::AddLearner(n) => {
                if !m.contains(n) {
                    insert_sorted(&mut m.learners, n);
                }
            }
            ConfigStep::PromoteLearner(n) => {
                if remove_sorted(&mut m.learners, n) {
                    insert_sorted(&mut m.voters, n);
                }
            }
            ConfigStep::Remove(n) => {
                remove_sorted(&mut m.voters, n);
                remove_sorted(&mut m.outgoing, n);
                remove_sorted(&mut m.learners, n);
            }
            ConfigStep::EnterJoint { node, add } => {
                if m.is_joint() {
                    return m;
                }
                m.outgoing = m.voters.clone();
                if add {
                    if remove_sorted(&mut m.learners, node) {
                        insert_sorted(&mut m.voters, node);
                    }
                } else {
                    remove_sorted(&mut m.voters, node);
                }
            }
            ConfigStep::LeaveJoint => m.outgoing.clear(),
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: u32) -> Vec<NodeId> {
        (0..n).map(NodeId).collect()
    }

    #[test]
    fn majority_is_more_than_half_as_in_the_article() {
        // Four nodes: two votes are not more than n/2 (the article's split vote).
        let four = Membership::new(NodeId(0), &ids(4)).expect("valid");
        assert!(!four.has_quorum(|id| id.0 < 2));
        assert!(four.has_quorum(|id| id.0 < 3));
        let five = Membership::new(NodeId(0), &ids(5)).expect("valid");
        assert_eq!(five.quorum(), 3);
        let one = Membership::new(NodeId(0), &ids(1)).expect("valid");
        assert!(one.has_quorum(|id| id == NodeId(0)));
        assert!(!Membership::EMPTY.has_quorum(|_| true));
    }

    #[test]
    fn bad_member_lists_are_refused() {
        assert_eq!(Membership::new(NodeId(0), &[]), Err(MembershipError::Empty));
        assert_eq!(
            Membership::new(NodeId(0), &[NodeId(0), NodeId(1), NodeId(1)]),
            Err(MembershipError::Duplicate(NodeId(1)))
        );
        assert_eq!(
            Membership::new(NodeId(5), &[NodeId(0)]),
            Err(MembershipError::SelfNotMember(NodeId(5)))
        );
    }

    #[test]
    fn a_joint_configuration_needs_majorities_of_both_halves_section_6() {
        // C_old = {0,1,2}; C_new = {0,1,2,3} with 3 promoted from learner.
        let old = Membership::new(NodeId(0), &ids(3)).expect("valid");
        let with_learner = old.after(ConfigStep::AddLearner(NodeId(3)));
        assert!(with_learner.is_learner(NodeId(3)) && !with_learner.is_voter(NodeId(3)));
        let joint = with_learner.after(ConfigStep::EnterJoint {
            node: NodeId(3),
            add: true,
        });
        assert!(joint.is_joint());
        assert_eq!(joint.outgoing(), &ids(3)[..]);
        assert_eq!(joint.voters(), &ids(4)[..]);
        // {2,3}: half of C_new and a minority of C_old. {0,1}: a majority of C_old
        // but only half of C_new. {0,1,3}: majorities of both.
        assert!(!joint.has_quorum(|id| id.0 >= 2));
        assert!(!joint.has_quorum(|id| id.0 <= 1));
        assert!(joint.has_quorum(|id| id.0 != 2));
        let new = joint.after(ConfigStep::LeaveJoint);
        assert!(!new.is_joint());
        assert_eq!(new.voters(), &ids(4)[..]);
        // Commitment while removing 2: C_old alone has index 5 on a majority ({0,2}),
        // but C_new = {0,1} has only 1 on both of its servers.
        let leaving = old.after(ConfigStep::EnterJoint {
            node: NodeId(2),
            add: false,
        });
        let reached = |id: NodeId| LogIndex([5, 1, 5][id.0 as usize]);
        assert_eq!(old.quorum_index(reached), LogIndex(5));
        assert_eq!(leaving.quorum_index(reached), LogIndex(1));
    }

    #[test]
    fn steps_that_do_not_fit_change_nothing() {
        let m = Membership::new(NodeId(0), &ids(3)).expect("valid");
        assert_eq!(m.after(ConfigStep::AddLearner(NodeId(1))), m);
        assert_eq!(m.after(ConfigStep::PromoteLearner(NodeId(1))), m);
        assert_eq!(m.after(ConfigStep::LeaveJoint), m);
        assert_eq!(m.after(ConfigStep::Remove(NodeId(7))), m);
        let joint = m.after(ConfigStep::EnterJoint {
            node: NodeId(2),
            add: false,
        });
        assert_eq!(
            joint.after(ConfigStep::EnterJoint {
                node: NodeId(1),
                add: false
            }),
            joint,
            "one joint change at a time"
        );
        assert_eq!(joint.members().collect::<Vec<_>>(), ids(3));
        assert_eq!(joint.after(ConfigStep::LeaveJoint).voters(), &ids(2)[..]);
    }
}
