//! Refusing messages that no correct peer could send, before they touch any state.

use core::fmt;

use super::Node;
use crate::message::{AppendOutcome, Body, Message};
use crate::types::{NodeId, Term};

/// Why [`Node::step`] refused a message. Refused messages change nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepError {
    /// The message is addressed to another node.
    NotForThisNode(NodeId),
    /// A reply from a server outside this node's configuration, or a message from this
    /// node itself. Requests from outside are answered: a new leader's configuration
    /// can name this node before this node has heard of the leader (thesis §4.1).
    UnknownSender(NodeId),
    /// The message contradicts itself or the protocol.
    Malformed(Malformed),
    /// A second leader claimed this leader's own term: two leaders in one term would
    /// break Election Safety, so the message is refused.
    SecondLeaderInTerm(NodeId),
}

/// What was wrong with a malformed message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Malformed {
    /// Term 0 is before any election and never sent.
    ZeroTerm,
    /// A log position (index 0) claimed a nonzero term, or vice versa.
    ImpossibleLogPosition,
    /// An entry's term is later than the leader's term.
    EntryFromTheFuture,
    /// Entry terms go down along the message, or below `prev_log_term`.
    EntryTermsDecrease,
    /// `prev_log_index` plus the entries overflows.
    IndexOverflow,
    /// A follower claimed to match entries the leader does not have.
    MatchBeyondLog,
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepError::NotForThisNode(to) => write!(f, "message addressed to {to}"),
            StepError::UnknownSender(from) => write!(f, "message from non-member {from}"),
            StepError::Malformed(m) => write!(f, "malformed message: {m:?}"),
            StepError::SecondLeaderInTerm(from) => {
                write!(f, "{from} claims leadership of this leader's own term")
            }
        }
    }
}

/// Checks everything about a message that does not depend on the receiver's state
/// beyond its identity.
pub(super) fn check<C: Clone>(node: &Node<C>, msg: &Message<C>) -> Result<(), StepError> {
    if msg.to != node.id {
        return Err(StepError::NotForThisNode(msg.to));
    }
    if msg.from == node.id || (!msg.is_request() && !node.members().contains(msg.from)) {
        return Err(StepError::UnknownSender(msg.from));
    }
    if msg.term == Term(0) {
        return Err(StepError::Malformed(Malformed::ZeroTerm));
    }
    match &msg.body {
        Body::RequestVote {
            last_log_index,
            last_log_term,
            ..
        } => {
            if (last_log_index.0 == 0) != (last_log_term.0 == 0) || *last_log_term > msg.term {
                return Err(StepError::Malformed(Malformed::ImpossibleLogPosition));
            }
        }
        Body::AppendEntries {
            prev_log_index,
            prev_log_term,
            entries,
            ..
        } => {
            if (prev_log_index.0 == 0) != (prev_log_term.0 == 0) || *prev_log_term > msg.term {
                return Err(StepError::Malformed(Malformed::ImpossibleLogPosition));
            }
            if prev_log_index.0.checked_add(entries.len() as u64).is_none() {
                return Err(StepError::Malformed(Malformed::IndexOverflow));
            }
            let mut previous = *prev_log_term;
            for e in entries {
                if e.term > msg.term {
                    return Err(StepError::Malformed(Malformed::EntryFromTheFuture));
                }
                if e.term < previous || e.term == Term(0) {
                    return Err(StepError::Malformed(Malformed::EntryTermsDecrease));
                }
                previous = e.term;
            }
        }
        Body::AppendEntriesResponse(AppendOutcome::Rejected {
            prev_log_index,
            hint,
        }) => {
            if hint.first_index.0 == 0 || hint.first_index > prev_log_index.next() {
                return Err(StepError::Malformed(Malformed::ImpossibleLogPosition));
            }
        }
        Body::InstallSnapshot(chunk) => {
            if chunk.last_index.0 == 0 || chunk.last_term.0 == 0 {
                return Err(StepError::Malformed(Malformed::ImpossibleLogPosition));
            }
            if chunk.last_term > msg.term {
                return Err(StepError::Malformed(Malformed::EntryFromTheFuture));
            }
            if chunk.offset.checked_add(chunk.data.len() as u64).is_none() {
                return Err(StepError::Malformed(Malformed::IndexOverflow));
            }
        }
        Body::RequestVoteResponse { .. }
        | Body::AppendEntriesResponse(_)
        | Body::InstallSnapshotResponse { .. } => {}
    }
    Ok(())
}
