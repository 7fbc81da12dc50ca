//! Fetches the Chinese catalogue (`zh.txt`, beside the page; see [`crate::lang`]) the
//! first time a reader picks Chinese. English readers never download it.
//!
//! The fetch's promise callbacks are kept in a thread-local, not leaked: they stay
//! after it settles (a few hundred bytes, not worth freeing from inside themselves) and
//! are dropped when a later fetch replaces them, from an input event, never while JS
//! may still call them. A request while a fetch is on its way is dropped: the first
//! one's `done` covers it.

use core::cell::RefCell;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::Response;

use super::dom::{self, message_of};
use crate::lang::{self, Lang};
use crate::num::u64_text;

/// The catalogue's URL, relative to the page (trunk copies `www/zh.txt` there).
const URL: &str = "zh.txt";

/// What to do once the fetch has settled: `Err` carries a message for a notice.
type Done = fn(Result<(), String>);

thread_local! {
    /// The fetch on its way: its callbacks and what to do when it settles.
    static PENDING: RefCell<Option<Pending>> = const { RefCell::new(None) };
}

struct Pending {
    /// `None` once it has settled.
    done: Option<Done>,
    on_response: Closure<dyn FnMut(JsValue)>,
    on_text: Closure<dyn FnMut(JsValue)>,
    on_error: Closure<dyn FnMut(JsValue)>,
}

/// Whether `query` asks for Chinese (`lang=zh`): then the page waits for the catalogue
/// before it starts, so that its first picture, notices and controls are in Chinese.
pub fn wanted(query: &str) -> bool {
    // Not `options::parse`: that is generic over its scene check, and a second copy of
    // it would cost more than this loop. A `lang` value that needs percent-decoding is
    // not a language anyway.
    query
        .trim_start_matches('?')
        .split('&')
        .filter_map(|p| p.split_once('='))
        .any(|(k, v)| k == "lang" && Lang::parse(v) == Some(Lang::Zh))
}

/// Fetches and installs the catalogue, then calls `done` (also when it fails, with a
/// message: the page then stays in English). Calls `done` at once if it is installed,
/// and not at all if a fetch is already on its way.
pub fn load(done: Done) {
    if lang::chinese_installed() {
        done(Ok(()));
        return;
    }
    // No borrow here can overlap another (each callback runs alone).
    let on_its_way = PENDING.with(|p| {
        p.try_borrow()
            .map_or(true, |p| p.as_ref().is_some_and(|p| p.done.is_some()))
    });
    if on_its_way {
        return;
    }
    let promise = match dom::window() {
        Ok(w) => w.fetch_with_str(URL),
        Err(e) => {
            done(Err(message_of(&e)));
            return;
        }
    };
    let pending = Pending {
        done: Some(done),
        on_response: Closure::new(|response: JsValue| {
            let text = response
                .dyn_into::<Response>()
                .map_err(|_| String::from("not a response"))
                .and_then(|r| {
                    if r.ok() {
                        r.text().map_err(|e| message_of(&e))
                    } else {
                        Err(dom::concat(&["HTTP ", &u64_text(u64::from(r.status()))]))
                    }
                });
            match text {
                Ok(text) => PENDING.with(|p| {
                    if let Some(p) = p.try_borrow().ok().as_ref().and_then(|p| p.as_ref()) {
                        let _ = text.then2(&p.on_text, &p.on_error);
                    }
                }),
                Err(e) => settle(Err(e)),
            }
        }),
        on_text: Closure::new(|text: JsValue| {
            let text = text.as_string().unwrap_or_default();
            settle(
                lang::install_chinese(text)
                    .map(drop)
                    .map_err(|e| e.describe()),
            );
        }),
        on_error: Closure::new(|e: JsValue| settle(Err(message_of(&e)))),
    };
    let _ = promise.then2(&pending.on_response, &pending.on_error);
    PENDING.with(|p| {
        if let Ok(mut p) = p.try_borrow_mut() {
            *p = Some(pending);
        }
    });
}

/// Ends the fetch: calls its `done`, once.
fn settle(outcome: Result<(), String>) {
    let done = PENDING.with(|p| {
        p.try_borrow_mut()
            .ok()
            .and_then(|mut p| p.as_mut().and_then(|p| p.done.take()))
    });
    if let Some(done) = done {
        done(outcome.map_err(|e| {
            dom::concat(&[
                "Chinese text could not be loaded (",
                URL,
                ": ",
                &e,
                "); showing English.",
            ])
        }));
    }
}
