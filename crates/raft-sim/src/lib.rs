//! A deterministic world for [`raft_core`]: a virtual clock, a simulated network with
//! faults, clients, a typed history, time travel, a safety checker and scripted scenes.
//!
//! One `u64` seed determines everything: the same seed and the same actions at the same
//! virtual times give the same run, natively and in the browser. The crate is
//! `no_std` + `alloc` and knows nothing of the browser.
//!
//! Code map: [`World`] (`world/`) runs the cluster; [`network`] describes what travels;
//! [`Action`] is every intervention; [`Protocol`] (`protocol.rs`) the rule switches a
//! world runs, with their presets; [`history`] the typed records; [`Checker`] the
//! safety properties of the paper's Figure 3; [`Timeline`] time travel and forks;
//! [`scene`] the scripted tour scenes.

#![no_std]
#![deny(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

mod action;
pub mod checker;
mod client;
pub mod command;
pub mod history;
pub mod network;
pub mod protocol;
pub mod scene;
mod server;
pub mod timeline;
mod vec_map;
mod world;

pub use action::{Action, ActionError};
pub use checker::{Checker, Property, Violation};
pub use client::{Client, ClientSettings, Completed, Outstanding};
pub use command::{ClientId, Command, Op, StateMachine};
pub use history::{History, Item, Record, TimerKind};
pub use network::{DropReason, Endpoint, Flight, MsgId, NetworkSettings, Packet, Reply};
pub use protocol::{FULL_SNAPSHOT_EVERY, MAX_SNAPSHOT_EVERY, Preset, Protocol, Switch};
pub use server::{Server, node_name};
pub use timeline::{MAX_SNAPSHOTS, Stamped, Timeline};
pub use world::{MAX_NODES, Setup, SetupError, World};

pub use raft_core;
