//! Share and embed: the link that reproduces this run ([`crate::share::query`]) in the
//! address bar and the clipboard, the `<iframe>` snippet, and the clipboard writes
//! with their "copied" / "copy it yourself" messages.

use wasm_bindgen::prelude::*;

use super::dom::{self, concat, escape_html, focus_select, message_of, set_value};
use super::page::Page;
use crate::command::Command;
use raft_sim::raft_core::Instant;

/// The callbacks of a clipboard write and the messages they flash.
pub struct Clipboard {
    /// The messages for the pending write: (done, failed).
    messages: (String, String),
    copied: Closure<dyn FnMut(JsValue)>,
    failed: Closure<dyn FnMut(JsValue)>,
}

impl core::fmt::Debug for Clipboard {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Clipboard")
    }
}

impl Clipboard {
    /// `copied(ok)` runs when a write is done or has failed (it should call
    /// [`Page::copied`]).
    pub fn new(copied: fn(JsValue), failed: fn(JsValue)) -> Clipboard {
        Clipboard {
            messages: (String::new(), String::new()),
            copied: Closure::<dyn FnMut(JsValue)>::new(copied),
            failed: Closure::<dyn FnMut(JsValue)>::new(failed),
        }
    }
}

impl Page {
    /// The page's address without its query, and the query of a link that
    /// reproduces this run paused at this moment.
    fn share_link(&mut self) -> Result<(String, String), String> {
        let href = self.window.location().href().map_err(|e| message_of(&e))?;
        let base = href.split(['?', '#']).next().unwrap_or("").to_owned();
        // `at=` counts whole milliseconds: move on to the next one (simulating less
        // than a millisecond), so the link shows exactly what is on screen.
        let us = self.app.world().now().as_micros();
        let at_step = self
            .app
            .tour()
            .is_some_and(|t| t.is_done(self.app.timeline()));
        if !at_step && !us.is_multiple_of(1_000) {
            let next = Instant::from_micros((us / 1_000 + 1) * 1_000);
            self.command(Command::Seek(next))?;
        }
        Ok((base, crate::share::query(&self.app)))
    }

    /// In the tour, on the page itself (not an embed), keeps the address bar on the
    /// step shown (`?scene=…&step=…`), so that a reader can copy or reload it, and on
    /// `?mode=sandbox` once the reader has left the tour. Checked every frame; writes
    /// only when that changes.
    pub fn reflect_tour(&mut self) {
        if self.mode != crate::options::Controls::All {
            return;
        }
        let query = match self.app.tour() {
            // Between two steps: wait for the next one.
            Some(t) if !t.is_done(self.app.timeline()) => return,
            Some(t) => {
                let shown = Some((t.index(), t.step()));
                if shown == self.reflected {
                    return;
                }
                self.reflected = shown;
                concat(&["?", &crate::share::query(&self.app)])
            }
            // Left the tour: a reload opens the sandbox (the share button gives the run).
            None if self.reflected.is_some() => {
                self.reflected = None;
                String::from("?mode=sandbox")
            }
            None => return,
        };
        if let Ok(h) = self.window.history() {
            let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&query));
        }
    }

    /// Puts the link in the address bar and copies it.
    pub fn share(&mut self) -> Result<(), String> {
        let (_, query) = self.share_link()?;
        let location = self.window.location();
        let path = location.pathname().map_err(|e| message_of(&e))?;
        let relative = concat(&[&path, "?", &query]);
        self.window
            .history()
            .and_then(|h| h.replace_state_with_url(&JsValue::NULL, "", Some(&relative)))
            .map_err(|e| message_of(&e))?;
        let href = location.href().map_err(|e| message_of(&e))?;
        let ok = self.say("Link copied: it reproduces this exact run.");
        let no = self.say("The link is in the address bar: copy it from there.");
        self.copy(&href, ok, no);
        Ok(())
    }

    /// Shows the `<iframe>` snippet for this run, selected.
    pub fn embed(&mut self) -> Result<(), String> {
        let (base, query) = self.share_link()?;
        let src = concat(&[&base, "?", &query, "&controls=minimal"]);
        let snippet = concat(&[
            "<iframe src=\"",
            &escape_html(&src),
            // Responsive: the post's full width, the height from the aspect ratio.
            "\" style=\"width:100%;aspect-ratio:16/10;border:0\" title=\"Raft, visualized\" loading=\"lazy\"></iframe>",
        ]);
        let area = dom::get_element(&self.document, "rv-embed-code").map_err(|e| message_of(&e))?;
        set_value(&area, &snippet);
        self.notices.close_overlays();
        self.notices.toggle_overlay("rv-embed");
        focus_select(&area);
        Ok(())
    }

    /// Copies the embed snippet.
    pub fn copy_embed(&mut self) {
        if let Some(t) = self.document.get_element_by_id("rv-embed-code") {
            focus_select(&t);
            let ok = self.say("Snippet copied.");
            let no = self.say("Select the snippet and copy it.");
            self.copy(&dom::value_of(&t), ok, no);
        }
    }

    /// Copies `text`; `ok` or `failed` is flashed when the browser answers.
    fn copy(&mut self, text: &str, ok: String, failed: String) {
        let navigator = self.window.navigator();
        let available = js_sys::Reflect::get(&navigator, &"clipboard".into())
            .is_ok_and(|c| !c.is_undefined() && !c.is_null());
        if !available {
            self.flash(&failed, true);
            return;
        }
        let c = &mut self.clipboard;
        c.messages = (ok, failed);
        let _ = navigator
            .clipboard()
            .write_text(text)
            .then2(&c.copied, &c.failed);
    }

    /// A clipboard write ended: flashes its message.
    pub fn copied(&mut self, ok: bool) {
        let (done, failed) = &self.clipboard.messages;
        let m = if ok { done.clone() } else { failed.clone() };
        self.flash(&m, !ok);
    }
}
