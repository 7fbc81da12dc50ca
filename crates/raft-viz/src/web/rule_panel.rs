//! The rule panel (`#rv-rules`): why the selection happened, in the reader's language
//! ("Why (§5.4.2): Not committed: ..."), over the paper's Figure 2 in our own words,
//! with the line of the rule in use marked (`data-lit`). One card under the side
//! column, in the tour and in the sandbox alike.
//! Figure 2's text ([`Book::Figure2`]) is fetched the first time a reader opens it.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use super::dom::{concat, find, set_flag, set_text};
use crate::app::App;
use crate::lang::{Book, Lang};
use crate::narrate::text::say;
use crate::view::Selection;

/// The card and what it shows.
#[derive(Debug)]
pub struct RulePanel {
    why: Element,
    /// Figure 2's box (`<details>`) and where its lines go.
    figure: Element,
    body: Element,
    /// The selection, history length and language its text was written for.
    key: Option<(Option<Selection>, u64, Lang)>,
    /// The rule marked, by its id.
    lit: Option<&'static str>,
}

impl RulePanel {
    /// The card of `doc`, if the page has one.
    pub fn bind(doc: &Document) -> Option<RulePanel> {
        Some(RulePanel {
            why: find::<Element>(doc, "rv-why")?,
            figure: find::<Element>(doc, "rv-fig2")?,
            body: find::<Element>(doc, "rv-fig2-body")?,
            key: None,
            lit: None,
        })
    }

    /// Figure 2's box, to listen for its `toggle`.
    pub fn figure(&self) -> &Element {
        &self.figure
    }

    /// Figure 2 was opened: fetches its text the first time, then fills it in.
    pub fn opened(&self) {
        if !self.figure.has_attribute("open") || self.body.child_element_count() > 0 {
            return;
        }
        super::catalogue::load(Book::Figure2, |outcome| {
            super::with_page(|p| match outcome {
                Ok(()) => p.figure_2_arrived(),
                Err(m) => p.notice(&m),
            });
        });
    }

    /// Writes Figure 2's lines, once its text is installed: a heading per box, a line
    /// per rule, each naming the rules it states (`data-rule`), in `lang` (and
    /// relabelled with the page, through `data-l`).
    pub fn fill(&mut self, doc: &Document, lang: Lang) {
        if self.body.child_element_count() > 0 {
            return;
        }
        for (key, english) in Book::Figure2.entries() {
            // After the line's place: `h` for a box's heading, or the rules it states.
            let rules = key.split_once(' ').map_or("", |(_, r)| r);
            let heading = rules == "h";
            let Ok(el) = doc.create_element(if heading { "h3" } else { "p" }) else {
                continue;
            };
            if !heading && !rules.is_empty() {
                let _ = el.set_attribute("data-rule", rules);
            }
            let _ = el.set_attribute("data-l", english);
            el.set_text_content(Some(lang.tr(english)));
            let _ = self.body.append_child(&el);
        }
        // Mark the rule in use again, now that its line exists.
        self.key = None;
        self.lit = None;
    }

    /// Brings the card up to date: its reason and its marked rule.
    pub fn sync(&mut self, doc: &Document, app: &App) {
        // The world's place in the history: it moves as the run goes on and when the
        // timeline is scrubbed back (the history itself stays as long).
        let key = (app.selection(), app.world().record_seq(), app.lang());
        if self.key == Some(key) {
            return;
        }
        self.key = Some(key);
        let lang = app.lang();
        let why = app.why();
        let text = match &why {
            Some(w) => say!(lang, "Why ({0}): {1}", w.cite(), &w.text),
            None => String::from(
                lang.tr("Select a node, a message or a mark to see the rule behind it."),
            ),
        };
        set_text(&self.why, &text);
        let rule = why.map(|w| w.rule_id());
        if rule == self.lit {
            return;
        }
        // The previous rule's line is unmarked and the new one's marked.
        for (id, on) in [(self.lit, false), (rule, true)] {
            let Some(id) = id else { continue };
            let selector = concat(&["#rv-fig2-body [data-rule~=\"", id, "\"]"]);
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
