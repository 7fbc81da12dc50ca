//! The raft-viz front end.
//!
//! Today this crate only draws a placeholder frame (a title and five follower circles):
//! the simulator and the real drawing come in later work. Its shape is the one the rest
//! will grow into:
//!
//! - [`layout`] is plain Rust (no DOM), compiled and tested natively;
//! - `web` (only on `wasm32`) owns the canvas and everything that touches the browser.

pub mod layout;

#[cfg(target_arch = "wasm32")]
pub mod web;
