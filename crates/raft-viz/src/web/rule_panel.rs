//! The rule panel (`#rv-fig2`): why the selection happened, in the reader's language
//! ("Why (§5.4.2): Not committed: ..."), over the paper's Figure 2 in our own words,
//! with the line of the rule in use marked (`data-lit`). One card, shown in the tour's
//! column in the tour and in the side panel in the sandbox: it moves with the mode.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use super::dom::{concat, find, set_flag, set_text};
use crate::app::App;
use crate::narrate::text::say;
use crate::view::Selection;

/// The card and what it shows.
#[derive(Debug)]
pub struct RulePanel {
    card: Element,
    why: Element,
    /// Where it sits now: in the tour's column (`true`) or the side panel.
    in_tour: Option<bool>,
    /// The selection, history length and language its text was written for.
    key: Option<(Option<Selection>, u64, crate::lang::Lang)>,
    /// The rule marked, by its id.
    lit: Option<&'static str>,
}

impl RulePanel {
    /// The card of `doc`, if the page has one.
    pub fn bind(doc: &Document) -> Option<RulePanel> {
        Some(RulePanel {
            card: find::<Element>(doc, "rv-fig2")?,
            why: find::<Element>(doc, "rv-why")?,
            in_tour: None,
            key: None,
            lit: None,
        })
    }

    /// Brings the card up to date: its place, its reason and its marked rule.
    pub fn sync(&mut self, doc: &Document, app: &App) {
        let in_tour = app.tour().is_some();
        if self.in_tour != Some(in_tour) {
            self.in_tour = Some(in_tour);
            let home = if in_tour { "rv-tour" } else { "rv-panel" };
            if let Some(parent) = find::<Element>(doc, home) {
                // In the panel it follows the inspector; in the tour it ends the card.
                let after = doc
                    .query_selector("#rv-panel > section[aria-live]")
                    .ok()
                    .flatten()
                    .filter(|_| !in_tour)
                    .and_then(|s| s.next_sibling());
                let _ = parent.insert_before(&self.card, after.as_ref());
            }
        }
        let key = (
            app.selection(),
            app.timeline().history().next_seq(),
            app.lang(),
        );
        if self.key == Some(key) {
            return;
        }
        self.key = Some(key);
        let lang = app.lang();
        let why = app.why();
        let text = match &why {
            Some(w) => say!(lang, "Why ({0}): {1}", w.cite(), &w.text),
            None => String::from(lang.tr(
                "Select a node, a message or a mark of the diagram to see the rule behind it.",
            )),
        };
        set_text(&self.why, &text);
        let rule = why.map(|w| w.rule_id());
        if rule == self.lit {
            return;
        }
        for (id, on) in [(self.lit, false), (rule, true)] {
            let Some(id) = id else { continue };
            let selector = concat(&["#rv-fig2 [data-rule~=\"", id, "\"]"]);
            if let Ok(list) = doc.query_selector_all(&selector) {
                for i in 0..list.length() {
                    if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                        set_flag(&el, "data-lit", on);
                    }
                }
            }
        }
        self.lit = rule;
    }
}
