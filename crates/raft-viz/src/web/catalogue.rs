//! Fetches a catalogue ([`Book`], beside the page; see [`crate::lang`]) the first time
//! the page needs it: the Chinese when a reader picks Chinese, the appendix when one
//! opens a scene beyond the article, Figure 2 when one opens it in the rule panel. A
//! reader who needs none downloads none.
//!
//! Each book's fetch has its promise callbacks kept in a thread-local, not leaked: they
//! stay after it settles (a few hundred bytes, not worth freeing from inside
//! themselves) and are dropped when a later fetch of that book replaces them, from an
//! input event, never while JS may still call them. A request while a fetch of the
//! same book is on its way is dropped: the first one's `done` covers it.

use core::cell::RefCell;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::Response;

use super::dom::{self, message_of};
use crate::lang::{Book, Lang};
use crate::num::u64_text;

/// What to do once the fetch has settled: `Err` carries a message for a notice.
type Done = fn(Result<(), String>);

thread_local! {
    /// Each book's fetch ([`slot`]): its callbacks and what to do when it settles.
    static PENDING: [RefCell<Option<Pending>>; 3] =
        const { [RefCell::new(None), RefCell::new(None), RefCell::new(None)] };
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

/// `book`'s place in [`PENDING`].
fn slot(book: Book) -> usize {
    match book {
        Book::Chinese => 0,
        Book::Appendix => 1,
        Book::Figure2 => 2,
    }
}

/// Fetches and installs `book`, then calls `done` (also when it fails, with a message
/// for a notice). Calls `done` at once if it is installed, and not at all if a fetch of
/// it is already on its way.
pub fn load(book: Book, done: Done) {
    if book.installed() {
        done(Ok(()));
        return;
    }
    // No borrow here can overlap another (each callback runs alone).
    let on_its_way = PENDING.with(|p| {
        p[slot(book)]
            .try_borrow()
            .map_or(true, |p| p.as_ref().is_some_and(|p| p.done.is_some()))
    });
    if on_its_way {
        return;
    }
    let promise = match dom::window() {
        Ok(w) => w.fetch_with_str(book.file()),
        Err(e) => {
            done(Err(message_of(&e)));
            return;
        }
    };
    let pending = Pending {
        done: Some(done),
        on_response: Closure::new(move |response: JsValue| {
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
                    let pending = p[slot(book)].try_borrow();
                    if let Some(p) = pending.ok().as_ref().and_then(|p| p.as_ref()) {
                        let _ = text.then2(&p.on_text, &p.on_error);
                    }
                }),
                Err(e) => settle(book, Err(e)),
            }
        }),
        on_text: Closure::new(move |text: JsValue| {
            let text = text.as_string().unwrap_or_default();
            settle(book, book.install(text).map(drop).map_err(|e| e.describe()));
        }),
        on_error: Closure::new(move |e: JsValue| settle(book, Err(message_of(&e)))),
    };
    let _ = promise.then2(&pending.on_response, &pending.on_error);
    PENDING.with(|p| {
        if let Ok(mut p) = p[slot(book)].try_borrow_mut() {
            *p = Some(pending);
        }
    });
}

/// Ends `book`'s fetch: calls its `done`, once.
fn settle(book: Book, outcome: Result<(), String>) {
    let done = PENDING.with(|p| {
        p[slot(book)]
            .try_borrow_mut()
            .ok()
            .and_then(|mut p| p.as_mut().and_then(|p| p.done.take()))
    });
    if let Some(done) = done {
        let (what, then) = match book {
            Book::Chinese => ("Chinese text could not be loaded (", "); showing English."),
            Book::Appendix => (
                "The text of the chapter beyond the article could not be loaded (",
                "); its scenes play without captions.",
            ),
            Book::Figure2 => ("Figure 2 could not be loaded (", ")."),
        };
        done(outcome.map_err(|e| dom::concat(&[what, book.file(), ": ", &e, then])));
    }
}
