//! The page's side of the pictures to take away ("Save picture", "Save diagram",
//! "Record"): it says what to make, and the takeaway module makes it
//! ([`takeaway`](super::takeaway), its own wasm). `index.html` defines
//! `raftTakeaway(kind, run, client)`, which fetches the module on its first call
//! (`www/takeaway.js`), so that the page's first load carries none of it.
//!
//! The module is handed the run as its share link ([`crate::share::query`]) and
//! reads the rest from the page; what it throws is an English text of the catalogue,
//! told here in the reader's language.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::dom::{err, message_of};
use super::page::Page;
use crate::export::Kind;

impl Page {
    /// A reader asks for a picture of the run as it is now.
    pub fn take_away(&mut self, kind: Kind) -> Result<(), JsValue> {
        let lang = self.app.lang();
        let take_away: Function = Reflect::get(&self.window, &"raftTakeaway".into())?
            .dyn_into()
            .map_err(|_| err("this page has no raftTakeaway"))?;
        let made: Promise = take_away
            .call3(
                &JsValue::NULL,
                &kind.name().into(),
                &crate::share::query(&self.app).into(),
                &lang.tr("client").into(),
            )?
            .dyn_into()?;
        let _ = made.catch(&self.takeaway_failed);
        Ok(())
    }

    /// The module could not make the picture (or could not be fetched): the reader is
    /// told why.
    pub fn takeaway_failed(&self, why: &JsValue) {
        self.notice(self.app.lang().tr(&message_of(why)));
    }
}
