//! What a node hands back after an input.

use alloc::vec::Vec;

use crate::event::Event;
use crate::log::LogRange;
use crate::message::Message;
use crate::storage::PersistOp;

/// The outputs accumulated since the last [`Node::take_ready`](crate::Node::take_ready).
///
/// Handle them in field order: make `persist` durable, then send `messages`, then apply
/// `committed`. `events` only describe what happened.
///
/// Entries are lent by index: `persist` and `committed` name them, and the caller reads
/// them from [`Node::log`](crate::Node::log) before its next input to the node. Every
/// index they name is in that log, holding the entry it held when it was named: when the
/// log is truncated before the outputs are taken, the node cuts the pending names short
/// (entries replaced before anyone saw them need not be stored, nor applied).
#[derive(Clone, Debug)]
pub struct Ready<C> {
    /// Changes to persistent state, oldest first.
    pub persist: Vec<PersistOp>,
    /// Messages to send.
    pub messages: Vec<Message<C>>,
    /// Before applying `committed`: the node installed a snapshot from its leader, so
    /// the state machine must first be reset to [`Node::snapshot`](crate::Node::snapshot)
    /// (Figure 13, step 8). `committed` then continues after the snapshot.
    pub restore: bool,
    /// Newly committed entries, to apply in index order: read them with
    /// [`Log::iter_range`](crate::Log::iter_range).
    pub committed: LogRange,
    /// What happened, oldest first.
    pub events: Vec<Event>,
}

impl<C> Default for Ready<C> {
    fn default() -> Self {
        Ready {
            persist: Vec::new(),
            messages: Vec::new(),
            restore: false,
            committed: LogRange::EMPTY,
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
            && !self.restore
            && self.events.is_empty()
    }
}
