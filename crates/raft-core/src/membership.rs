//! Who votes, and what a majority is.
//!
//! Kept apart so that membership changes (joint consensus, paper §6) only have to change
//! this type: every quorum decision in the node goes through [`Membership::is_quorum`].

use alloc::vec::Vec;

use crate::types::NodeId;

/// The voting members of the cluster, sorted, without duplicates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    voters: Vec<NodeId>,
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

impl Membership {
    /// The membership made of `voters`, which must contain `me`.
    pub fn new(me: NodeId, voters: &[NodeId]) -> Result<Membership, MembershipError> {
        if voters.is_empty() {
            return Err(MembershipError::Empty);
        }
        // Insertion sort: clusters are small, and it is far less code than `sort`. No
        // indexing (`min` tells the compiler the position is in range): no panic path.
        let mut sorted: Vec<NodeId> = Vec::with_capacity(voters.len());
        for &v in voters {
            let at = sorted.iter().position(|&s| s > v).unwrap_or(sorted.len());
            sorted.insert(at.min(sorted.len()), v);
        }
        if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
            return Err(MembershipError::Duplicate(w[0]));
        }
        if sorted.binary_search(&me).is_err() {
            return Err(MembershipError::SelfNotMember(me));
        }
        Ok(Membership { voters: sorted })
    }

    /// All voters, sorted.
    #[must_use]
    pub fn voters(&self) -> &[NodeId] {
        &self.voters
    }

    /// Whether `id` is a voter.
    #[must_use]
    pub fn contains(&self, id: NodeId) -> bool {
        self.voters.binary_search(&id).is_ok()
    }

    /// The smallest number of voters that is more than half.
    #[must_use]
    pub fn quorum(&self) -> usize {
        self.voters.len() / 2 + 1
    }

    /// Whether `count` voters form a majority.
    #[must_use]
    pub fn is_quorum(&self, count: usize) -> bool {
        count >= self.quorum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majority_is_more_than_half_as_in_the_article() {
        let ids = |n: u32| (0..n).map(NodeId).collect::<Vec<_>>();
        // Four nodes: two votes are not more than n/2 (the article's split vote).
        let four = Membership::new(NodeId(0), &ids(4)).expect("valid");
        assert!(!four.is_quorum(2));
        assert!(four.is_quorum(3));
        let five = Membership::new(NodeId(0), &ids(5)).expect("valid");
        assert_eq!(five.quorum(), 3);
        let one = Membership::new(NodeId(0), &ids(1)).expect("valid");
        assert!(one.is_quorum(1));
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
}
