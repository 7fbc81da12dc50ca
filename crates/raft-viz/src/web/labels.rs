//! The interface's words, in English; their Chinese is in `www/zh.txt` ([`Lang::tr`]). Elements carry `data-l="key"` (their
//! text) or `data-lt="key"` (their `title` and `aria-label`); [`relabel`] fills them in.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use crate::lang::Lang;

/// `(key, English)`.
const LABELS: &[(&str, &str)] = &[
    ("speed", "Speed"),
    ("back", "Step back (←)"),
    ("step", "Step forward (→)"),
    ("scrub", "Timeline"),
    ("live", "Live"),
    ("liveT", "Jump to the live end (L)"),
    ("inspector", "Inspector"),
    ("hint", "Click a node or a message to inspect it."),
    ("crash", "Crash"),
    ("restart", "Restart"),
    ("timeout", "Time out"),
    ("cutTo", "Cut link to…"),
    ("drop", "Drop"),
    ("safety", "Safety"),
    ("events", "Events"),
    ("client", "Client"),
    ("value", "Value"),
    ("set", "set"),
    ("add", "add"),
    ("faults", "Partitions"),
    ("isolate", "Isolate leader"),
    ("heal", "Heal"),
    ("cluster", "Cluster"),
    ("nodes", "Nodes"),
    ("seed", "Seed"),
    ("newSeed", "New seed"),
    ("network", "Network and timeouts"),
    ("loss", "Loss %"),
    ("latMin", "Latency min ms"),
    ("latMax", "Latency max ms"),
    ("toMin", "Election timeout min ms"),
    ("toMax", "Election timeout max ms"),
    ("share", "Share"),
    (
        "shareT",
        "Put a link to this exact run in the address bar and copy it",
    ),
    ("embed", "Embed"),
    ("embedT", "An iframe snippet for a blog post"),
    ("help", "Keyboard shortcuts (?)"),
    ("lang", "Language"),
    ("shortcuts", "Keyboard shortcuts"),
    ("close", "Close"),
    ("copy", "Copy"),
    ("embedTitle", "Embed this run"),
    (
        "embedHint",
        "Paste this into a web page. It shows play/pause, speed and the timeline.",
    ),
    ("kPlay", "play / pause"),
    ("kStep", "step back / forward"),
    ("kLive", "jump to live"),
    ("kNode", "crash / restart / time out the selected node"),
    ("kSet", "focus the client's value box"),
    ("kHeal", "heal all partitions"),
    ("kSplit", "split: the leader in the minority"),
    ("kEsc", "deselect, close"),
    ("kHelp", "this help"),
    ("dismiss", "Dismiss"),
    (
        "canvas",
        "A Raft cluster: nodes, messages between them, and each node's log",
    ),
];

/// The text for `key` in `lang` (the key itself if unknown).
pub fn label(key: &str, lang: Lang) -> &str {
    LABELS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(key, |&(_, en)| lang.tr(en))
}

/// Fills every `data-l` / `data-lt` element under `root` in `lang`, and the page's
/// `lang` attribute.
pub fn relabel(doc: &Document, lang: Lang) {
    if let Some(html) = doc.document_element() {
        let _ = html.set_attribute("lang", lang.pick("en", "zh-CN"));
    }
    for (selector, attr) in [("[data-l]", "data-l"), ("[data-lt]", "data-lt")] {
        let Ok(list) = doc.query_selector_all(selector) else {
            continue;
        };
        for i in 0..list.length() {
            let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            let Some(key) = el.get_attribute(attr) else {
                continue;
            };
            let text = label(&key, lang);
            if attr == "data-l" {
                super::dom::set_text(&el, text);
            } else {
                let _ = el.set_attribute("title", text);
                let _ = el.set_attribute("aria-label", text);
            }
        }
    }
}

/// A safety property's name.
pub fn property(p: raft_sim::Property, lang: Lang) -> &'static str {
    lang.tr(p.name())
}
