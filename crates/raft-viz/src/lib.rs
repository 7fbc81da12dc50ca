//! The raft-viz front end.
//!
//! Everything that decides what to show is plain Rust, compiled and tested natively:
//! [`stage`] and [`layout`] (geometry), [`view`] (what to draw at the current time, and
//! hit-testing), [`draw`] (how, through the [`paint::Painter`] trait), [`theme`]
//! (colours). `web` (only on `wasm32`) owns the canvas, the DOM controls, the animation
//! loop and the JS API.

pub mod app;
pub mod command;
pub mod diagram;
pub mod draw;
pub mod export;
pub mod inspect;
pub mod lang;
pub mod layout;
pub mod narrate;
pub mod num;
pub mod options;
pub mod paint;
pub mod protocol;
pub mod share;
pub mod snapshot;
pub mod stage;
pub mod svg;
pub mod theme;
pub mod tour;
pub mod view;
pub mod why;

#[cfg(target_arch = "wasm32")]
pub mod web;
