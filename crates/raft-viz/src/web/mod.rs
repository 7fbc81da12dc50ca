//! Everything that touches the browser (compiled for `wasm32` only).
//!
//! [`start`] reads the URL's options and builds the page ([`page`]): the [`App`], the
//! canvas ([`canvas`]), the animation loop and what wakes it ([`runner`]), the DOM
//! controls ([`controls`], [`strip`], [`protocol_panel`], [`labels`]) and the JS API
//! ([`api`]). The whole
//! page state is one [`Page`] in a thread-local; every callback ([`events`]) reaches it
//! through `with_page`, and every closure and listener is owned by it (dropped, and
//! removed from the DOM, by [`stop`]): nothing is leaked with `forget`.
//!
//! A command travels one way: a button, key or form control is parsed once into a
//! [`dispatch::PageAction`] or [`dispatch::Setting`], and `raftviz.command` into an
//! [`api::UiCommand`]; each becomes a typed [`Command`](crate::command::Command) for
//! [`App::command`](crate::app::App::command), whose refusal is told in the reader's
//! language. Share and embed are [`links`]; notices and overlays [`notices`]; a panic
//! or a failed start shows the error overlay ([`panic`]).
//!
//! [`App`]: crate::app::App
//! [`Page`]: page::Page

pub mod api;
pub mod canvas;
pub mod catalogue;
pub mod controls;
pub mod diagram;
pub mod dispatch;
pub mod dom;
pub mod events;
pub mod figure;
pub mod figures;
pub mod js_snapshot;
pub mod labels;
pub mod links;
pub mod notices;
pub mod page;
pub mod panic;
pub mod pictures;
pub mod protocol_panel;
pub mod rule_panel;
pub mod runner;
pub mod strip;
pub mod takeaway;
pub mod tour_card;

/// The heap: talc, sized to grow with the wasm memory, instead of the standard library's
/// dlmalloc. It is several kilobytes smaller in the page's wasm (the page weight is a
/// budget) and faster; the page is single-threaded, which is what this form assumes.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use std::cell::{Cell, RefCell};

use raft_sim::raft_core::NodeId;
use wasm_bindgen::prelude::*;

pub use self::page::CANVAS_ID;
use self::page::Page;
pub use self::panic::{ERROR_ID, install_panic_hook, report_error, show_error};
use self::runner::{LoopStats, Pending};

thread_local! {
    static PAGE: RefCell<Option<Page>> = const { RefCell::new(None) };
    /// Set by the panic hook: from then on every callback returns at once.
    static DEAD: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` on the page, unless there is none, it is busy (a re-entrant event), or
/// the program panicked.
fn with_page<R>(f: impl FnOnce(&mut Page) -> R) -> Option<R> {
    if DEAD.with(Cell::get) {
        return None;
    }
    PAGE.with(|cell| {
        let mut guard = cell.try_borrow_mut().ok()?;
        let page = guard.as_mut()?;
        Some(f(page))
    })
}

/// After a panic: every callback returns at once, and the loop stops. The page may be
/// borrowed by the code that panicked; then its loop is stopped anyway (no callback
/// runs it again).
fn set_dead() {
    DEAD.with(|d| d.set(true));
    let _ = PAGE.try_with(|cell| {
        if let Ok(mut page) = cell.try_borrow_mut()
            && let Some(page) = page.as_mut()
        {
            page.runner.stop();
        }
    });
}

/// Stops the animation loop for good (after a fatal error).
fn stop_loop() {
    let _ = with_page(|p| p.runner.stop());
}

/// Starts the page from `location.search`; in Chinese, once the Chinese text has been
/// fetched ([`catalogue`]).
pub fn start() -> Result<(), JsValue> {
    let query = dom::window()?.location().search()?;
    if catalogue::wanted(&query) && !crate::lang::Book::Chinese.installed() {
        catalogue::load(crate::lang::Book::Chinese, |outcome| {
            let started = dom::window()
                .and_then(|w| w.location().search())
                .and_then(|q| start_with(&q));
            match (started, outcome) {
                (Err(e), _) => report_error(&e),
                (Ok(()), Err(m)) => drop(with_page(|p| p.notice(&m))),
                (Ok(()), Ok(())) => {}
            }
        });
        return Ok(());
    }
    start_with(&query)
}

/// Starts the page with this query string (tests pass their own). Replaces a page
/// already running.
pub fn start_with(query: &str) -> Result<(), JsValue> {
    stop();
    DEAD.with(|d| d.set(false));
    let page = Page::new(query)?;
    // `stop` emptied the cell; `try_borrow_mut` keeps a `RefCell` panic out of the module.
    PAGE.with(|cell| {
        if let Ok(mut p) = cell.try_borrow_mut() {
            *p = Some(page);
        }
    });
    with_page(Page::wire).unwrap_or(Ok(()))
}

/// Stops the page: cancels the loop, removes every listener and `window.raftviz`.
pub fn stop() {
    let page = PAGE.with(|cell| cell.try_borrow_mut().ok().and_then(|mut p| p.take()));
    drop(page);
}

/// What the loop waits for and its counters (`None` when not running).
pub fn loop_state() -> Option<(Pending, LoopStats)> {
    with_page(|p| (p.runner.pending(), p.runner.stats()))
}

/// A node's id from its name, for tests.
pub fn node_id(name: &str) -> Option<NodeId> {
    with_page(|p| p.app.node_id(name).ok()).flatten()
}

/// A seed from the browser's random source (`crypto.getRandomValues`), six digits so
/// that it reads well aloud.
fn fresh_seed() -> Result<u64, String> {
    getrandom::u64()
        .map(|r| r % 1_000_000)
        // The error's own text would bring integer formatting into the module.
        .map_err(|_| String::from("no random source (crypto.getRandomValues)"))
}
