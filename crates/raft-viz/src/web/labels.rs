//! The page's labels. Their English is written once, in `index.html`: an element with
//! `data-l` has its text translated, one with `data-lt` its `aria-label` and, if it has
//! one, its `title` (its `aria-label`, or `title`, in the html is the English; the
//! canvas's label is one of them). [`relabel`] keeps the
//! English in the attribute the first time it runs and writes [`Lang::tr`] of it.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use super::dom::concat;
use crate::lang::Lang;

/// Writes every `data-l` / `data-lt` element in `lang`, and the page's `lang` attribute.
pub fn relabel(doc: &Document, lang: Lang) {
    if let Some(html) = doc.document_element() {
        let _ = html.set_attribute("lang", lang.pick("en", "zh-CN"));
    }
    for attr in ["data-l", "data-lt"] {
        let Ok(list) = doc.query_selector_all(&concat(&["[", attr, "]"])) else {
            continue;
        };
        let text_label = attr == "data-l";
        for i in 0..list.length() {
            let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            let english = match el.get_attribute(attr) {
                Some(en) if !en.is_empty() => en,
                // The first time: the English is what the html shows; keep it.
                _ => {
                    let en = if text_label {
                        el.text_content()
                    } else {
                        el.get_attribute("aria-label")
                            .or_else(|| el.get_attribute("title"))
                    };
                    let en = String::from(en.unwrap_or_default().trim());
                    let _ = el.set_attribute(attr, &en);
                    en
                }
            };
            let text = lang.tr(&english);
            if text_label {
                super::dom::set_text(&el, text);
            } else {
                if el.has_attribute("title") {
                    let _ = el.set_attribute("title", text);
                }
                let _ = el.set_attribute("aria-label", text);
            }
        }
    }
}

/// A safety property's name.
pub fn property(p: raft_sim::Property, lang: Lang) -> &'static str {
    lang.tr(p.name())
}
