//! What a node hands back after an input.

use alloc::vec::Vec;

use crate::event::Event;
use crate::log::Entry;
use crate::message::Message;
use crate::storage::PersistOp;
use crate::types::LogIndex;

/// An entry that became committed and may be applied to the state machine, in log order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Committed<C> {
    /// Its index.
    pub index: LogIndex,
    /// The entry.
    pub entry: Entry<C>,
}

/// The outputs accumulated since the last [`Node::take_ready`](crate::Node::take_ready).
///
/// Handle them in field order: make `persist` durable, then send `messages`, then apply
/// `committed`. `events` only describe what happened.
#[derive(Clone, Debug)]
pub struct Ready<C> {
    /// Changes to persistent state, oldest first.
    pub persist: Vec<PersistOp<C>>,
    /// Messages to send.
    pub messages: Vec<Message<C>>,
    /// Newly committed entries, in index order.
    pub committed: Vec<Committed<C>>,
    /// What happened, oldest first.
    pub events: Vec<Event>,
}

impl<C> Default for Ready<C> {
    fn default() -> Self {
        Ready {
            persist: Vec::new(),
            messages: Vec::new(),
            committed: Vec::new(),
            events: Vec::new(),
        }
    }
}

impl<C> Ready<C> {
    /// Whether there is nothing to do.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.persist.is_empty()
            && self.messages.is_empty()
            && self.committed.is_empty()
            && self.events.is_empty()
    }
}
