//! A Raft node after Figure 2 of the paper ("In Search of an Understandable Consensus
//! Algorithm", Ongaro and Ousterhout, 2014), as a sans-IO, deterministic state machine.
//!
//! The node does no I/O and reads no clock: time, messages and the random seed come in
//! from the caller, and messages, persistent-state changes, committed entries and events
//! go out. See [`Node`] for the contract. The crate is `no_std` + `alloc`, so it runs
//! unchanged inside a simulator, a browser or a test.
//!
//! Code map: [`Node`] (`node/`) holds the state and the transitions: `election.rs`
//! (§5.2, §5.4.1, pre-vote), `replication.rs` (§5.3, §5.4.2, heartbeats,
//! check-quorum), `validate.rs` (messages no correct peer sends). [`Log`] is the log,
//! [`PersistentState`] what survives a crash, [`Membership`] what a majority is.

#![no_std]
#![deny(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

mod config;
mod event;
mod log;
mod membership;
mod message;
mod node;
mod ready;
mod rng;
mod rule;
mod snapshot;
mod storage;
mod types;

#[cfg(feature = "testkit")]
pub mod testkit;

pub use config::{Config, ConfigError, UnsafeRules};
pub use event::{
    AppendSource, CommitBasis, ConfigEntry, Event, IgnoreReason, LogEnd, Role, RoleChangeCause,
    VoteRefusal,
};
pub use log::{Entry, Log, LogRange, Payload};
pub use membership::{ConfigStep, Membership, MembershipError};
pub use message::{AppendOutcome, Body, ConflictHint, Message, MessageKind};
pub use node::{
    CatchUp, ChangeError, Malformed, MembershipChange, NewNodeError, Node, Progress, ProposeError,
    StepError, TimerError,
};
pub use ready::Ready;
pub use rng::Rng;
pub use rule::{Figure2Box, Rule};
pub use snapshot::{Snapshot, SnapshotChunk, SnapshotError};
pub use storage::{HardState, PersistOp, PersistentState};
pub use types::{Instant, LogIndex, NodeId, Term};
