//! The sandbox's protocol panel (`#rv-protocol` in `index.html`): a preset menu, one
//! checkbox per switch and a number box for the snapshot threshold, kept in step with
//! the protocol at the cursor. The controls (`controls.rs`) call
//! [`ProtocolPanel::show`] only when that protocol or the language changed, or after an
//! input; the menu, the boxes and the number send `data-set="preset"`,
//! `data-set="switch"` and `data-set="snapshotEvery"` (`dispatch.rs`).

use raft_sim::{Protocol, Switch};
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlInputElement};

use super::dom::{find, set_flag, set_text, set_value};
use crate::lang::Lang;
use crate::num::u64_text;
use crate::protocol::{preset_hint, preset_label};

/// The panel's elements.
#[derive(Debug)]
pub struct ProtocolPanel {
    root: Element,
    /// The preset's name beside the card's title, seen while the card is closed.
    name: Element,
    preset: Element,
    hint: Element,
    /// The checkboxes, each with the switch its `value` names (the page groups them
    /// safe, then unsafe, not in [`Switch::ALL`]'s order).
    boxes: Vec<(Switch, HtmlInputElement)>,
    /// The snapshot threshold, in entries (0: never).
    every: HtmlInputElement,
}

impl ProtocolPanel {
    /// Finds the panel's elements; `None` when the page has no protocol panel.
    pub fn bind(doc: &Document) -> Option<ProtocolPanel> {
        let root: Element = find(doc, "rv-protocol")?;
        let list = root.query_selector_all("[data-set=switch]").ok()?;
        let mut boxes = Vec::with_capacity(Switch::ALL.len());
        for i in 0..list.length() {
            let input = list.item(i)?.dyn_into::<HtmlInputElement>().ok()?;
            boxes.push((Switch::parse(&input.value())?, input));
        }
        Some(ProtocolPanel {
            name: find(doc, "rv-proto-name")?,
            preset: find(doc, "rv-preset")?,
            hint: find(doc, "rv-preset-hint")?,
            every: find(doc, "rv-snapshot-every")?,
            root,
            boxes,
        })
    }

    /// Shows `p`: the preset (or "Custom") in the menu and the title, what it means,
    /// every switch's box and the threshold.
    pub fn show(&self, p: &Protocol, lang: Lang) {
        set_text(&self.name, preset_label(p, lang));
        set_value(&self.preset, p.name());
        set_text(&self.hint, preset_hint(p, lang));
        // The card turns red while any rule is broken (style.css).
        set_flag(&self.root, "data-unsafe", p.unsafe_rules.any());
        for (s, input) in &self.boxes {
            let on = p.get(*s);
            if input.checked() != on {
                input.set_checked(on);
            }
        }
        let every = u64_text(p.snapshot_every);
        if self.every.value() != every {
            self.every.set_value(&every);
        }
    }
}
