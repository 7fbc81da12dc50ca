//! What floats over the page: the notice bar (lasting notices, and the one passing
//! "flash" that replaces the previous one), and the help and embed overlays.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, HtmlElement, Window};

use super::dom::{concat, escape_html, set_hidden};
use crate::lang::Lang;

/// The id of the notice bar (created if missing).
pub const NOTICES_ID: &str = "rv-notices";
/// The id of the passing notice.
const FLASH_ID: &str = "rv-flash";
/// The overlays, by id.
pub const OVERLAYS: [&str; 2] = ["rv-help", "rv-embed"];
/// How long a passing notice ("link copied") stays, in ms.
const FLASH_MS: i32 = 6_000;

/// The notice bar and the passing notice's timer. Dropping it clears the timer.
pub struct Notices {
    window: Window,
    document: Document,
    root: Element,
    flash_timer: Option<i32>,
    flash_over: Closure<dyn FnMut()>,
}

impl core::fmt::Debug for Notices {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Notices")
    }
}

impl Notices {
    /// Notices shown in `root` (the bar is created there if the page lacks one);
    /// `flash_over` runs when a passing notice's time is up (it should call
    /// [`Notices::flash_over`]).
    pub fn new(window: &Window, document: &Document, root: &Element, flash_over: fn()) -> Self {
        Notices {
            window: window.clone(),
            document: document.clone(),
            root: root.clone(),
            flash_timer: None,
            flash_over: Closure::<dyn FnMut()>::new(flash_over),
        }
    }

    /// A lasting notice (bad URL values and the like), with a dismiss button.
    pub fn notice(&self, text: &str, lang: Lang) {
        let _ = self.add(text, None, lang);
    }

    /// A passing message (a refused command, "link copied"); replaces the previous one.
    pub fn flash(&mut self, text: &str, error: bool, lang: Lang) {
        if let Some(old) = self.document.get_element_by_id(FLASH_ID) {
            old.remove();
        }
        if self.add(text, Some(error), lang).is_ok() {
            if let Some(id) = self.flash_timer.take() {
                self.window.clear_timeout_with_handle(id);
            }
            self.flash_timer = self
                .window
                .set_timeout_with_callback_and_timeout_and_arguments_0(
                    self.flash_over.as_ref().unchecked_ref(),
                    FLASH_MS,
                )
                .ok();
        }
    }

    /// The passing notice's time is up.
    pub fn flash_over(&mut self) {
        self.flash_timer = None;
        if let Some(el) = self.document.get_element_by_id(FLASH_ID) {
            el.remove();
        }
    }

    /// Adds a notice to the bar: a lasting one (`flash` is `None`), or the passing
    /// one, an error or not.
    fn add(&self, text: &str, flash: Option<bool>, lang: Lang) -> Result<(), JsValue> {
        let doc = &self.document;
        let bar = match doc.get_element_by_id(NOTICES_ID) {
            Some(bar) => bar,
            None => {
                let bar = doc.create_element("div")?;
                bar.set_attribute("id", NOTICES_ID)?;
                bar.set_attribute("class", "notices")?;
                self.root.prepend_with_node_1(&bar)?;
                bar
            }
        };
        let notice = doc.create_element("div")?;
        let (class, role) = match flash {
            None => ("notice", "status"),
            Some(false) => ("notice info", "status"),
            Some(true) => ("notice error", "alert"),
        };
        notice.set_attribute("class", class)?;
        notice.set_attribute("role", role)?;
        if flash.is_some() {
            notice.set_attribute("id", FLASH_ID)?;
        }
        // The text and its dismiss button in one `innerHTML` write (the text escaped).
        notice.set_inner_html(&concat(&[
            "<span>",
            &escape_html(text),
            "</span><button type=\"button\" class=\"dismiss\" data-cmd=\"dismiss\" aria-label=\"",
            lang.tr("Dismiss"),
            "\">×</button>",
        ]));
        bar.append_child(&notice)?;
        Ok(())
    }

    /// Opens the overlay `id` if closed (focusing its first button), else closes it.
    pub fn toggle_overlay(&self, id: &str) {
        if let Some(el) = self.document.get_element_by_id(id) {
            let open = el.has_attribute("hidden");
            set_hidden(&el, !open);
            if open
                && let Some(button) = el
                    .query_selector_all("button")
                    .ok()
                    .and_then(|list| list.item(0))
                    .and_then(|b| b.dyn_into::<HtmlElement>().ok())
            {
                let _ = button.focus();
            }
        }
    }

    /// Closes the overlays; returns whether one was open.
    pub fn close_overlays(&self) -> bool {
        let mut closed = false;
        for id in OVERLAYS {
            if let Some(el) = self.document.get_element_by_id(id)
                && !el.has_attribute("hidden")
            {
                set_hidden(&el, true);
                closed = true;
            }
        }
        closed
    }
}

impl Drop for Notices {
    fn drop(&mut self) {
        if let Some(id) = self.flash_timer.take() {
            self.window.clear_timeout_with_handle(id);
        }
    }
}
