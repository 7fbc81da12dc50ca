//! Small DOM helpers: lookups that return errors instead of panicking, and owned event
//! listeners that remove themselves when dropped.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{
    Document, Element, Event, EventTarget, HtmlElement, HtmlInputElement, HtmlSelectElement,
    HtmlTextAreaElement, Window,
};

/// A JS error value with `message`.
pub fn err(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

/// The global window.
pub fn window() -> Result<Window, JsValue> {
    web_sys::window().ok_or_else(|| err("no global window"))
}

/// The window's document.
pub fn document() -> Result<Document, JsValue> {
    window()?
        .document()
        .ok_or_else(|| err("the window has no document"))
}

/// The element with `id`, as a `T`, if present and of that type.
pub fn find<T: JsCast>(doc: &Document, id: &str) -> Option<T> {
    doc.get_element_by_id(id)?.dyn_into::<T>().ok()
}

/// The element with `id`, as a `T`, or an error naming what is missing.
pub fn get<T: JsCast>(doc: &Document, id: &str) -> Result<T, JsValue> {
    get_element(doc, id)?
        .dyn_into::<T>()
        .map_err(|_| err(&concat(&["#", id, " is not the expected kind of element"])))
}

/// The untyped part of [`get`], shared by its copies for each element type.
#[inline(never)]
pub fn get_element(doc: &Document, id: &str) -> Result<Element, JsValue> {
    doc.get_element_by_id(id)
        .ok_or_else(|| err(&concat(&["the page has no element #", id])))
}

/// `parts` joined: how the page's messages are put together (see the size rules in
/// ARCHITECTURE.md).
#[inline(never)]
pub fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

/// A form control's `value` (input, select or textarea; empty for anything else).
pub fn value_of(el: &Element) -> String {
    if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
        input.value()
    } else if let Some(select) = el.dyn_ref::<HtmlSelectElement>() {
        select.value()
    } else if let Some(area) = el.dyn_ref::<HtmlTextAreaElement>() {
        area.value()
    } else {
        String::new()
    }
}

/// Sets a form control's `value` (see [`value_of`]).
pub fn set_value(el: &Element, value: &str) {
    if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
        input.set_value(value);
    } else if let Some(select) = el.dyn_ref::<HtmlSelectElement>() {
        select.set_value(value);
    } else if let Some(area) = el.dyn_ref::<HtmlTextAreaElement>() {
        area.set_value(value);
    }
}

/// Sets `el`'s text only when it differs (a DOM write costs a style and layout pass).
pub fn set_text(el: &Element, text: &str) {
    if el.text_content().as_deref() != Some(text) {
        el.set_text_content(Some(text));
    }
}

/// Shows or hides `el` through its `hidden` attribute, only when that changes.
pub fn set_hidden(el: &Element, hidden: bool) {
    set_flag(el, "hidden", hidden);
}

/// Gives `el` the empty boolean attribute `name` (`hidden`, `disabled`) or takes it
/// away, only when that changes.
pub fn set_flag(el: &Element, name: &str, on: bool) {
    if el.has_attribute(name) != on {
        let _ = if on {
            el.set_attribute(name, "")
        } else {
            el.remove_attribute(name)
        };
    }
}

/// Sets an attribute only when it differs.
pub fn set_attr(el: &Element, name: &str, value: &str) {
    if el.get_attribute(name).as_deref() != Some(value) {
        let _ = el.set_attribute(name, value);
    }
}

/// Focuses `el` and, for an `<input>` or `<textarea>`, selects its text.
pub fn focus_select(el: &Element) {
    if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
        let _ = input.focus();
        input.select();
    } else if let Some(area) = el.dyn_ref::<HtmlTextAreaElement>() {
        let _ = area.focus();
        area.select();
    } else if let Some(el) = el.dyn_ref::<HtmlElement>() {
        let _ = el.focus();
    }
}

/// Text with the characters HTML reserves escaped (one escaper for the page and the
/// SVG export).
pub use crate::svg::escape as escape_html;

/// Turns a thrown JS value into a readable message.
pub fn message_of(value: &JsValue) -> String {
    if let Some(e) = value.dyn_ref::<js_sys::Error>() {
        return String::from(e.message());
    }
    value
        .as_string()
        .or_else(|| js_sys::JSON::stringify(value).ok().map(String::from))
        .unwrap_or_else(|| String::from("an error that is neither an Error nor a string"))
}

/// An event listener that is removed from its target when dropped (never leaked).
pub struct Listener {
    target: EventTarget,
    kind: &'static str,
    closure: Closure<dyn FnMut(Event)>,
}

impl core::fmt::Debug for Listener {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Listener({})", self.kind)
    }
}

impl Listener {
    /// Listens for `kind` events on `target`.
    pub fn new(
        target: &EventTarget,
        kind: &'static str,
        f: impl FnMut(Event) + 'static,
    ) -> Result<Listener, JsValue> {
        Self::with_closure(target, kind, Closure::<dyn FnMut(Event)>::new(f))
    }

    /// The part of [`Listener::new`] that does not depend on the closure's type: one
    /// copy in the wasm rather than one per listener.
    #[inline(never)]
    fn with_closure(
        target: &EventTarget,
        kind: &'static str,
        closure: Closure<dyn FnMut(Event)>,
    ) -> Result<Listener, JsValue> {
        target.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref())?;
        Ok(Listener {
            target: target.clone(),
            kind,
            closure,
        })
    }

    /// Moves the listener to another target (a new media query, say).
    pub fn retarget(&mut self, target: &EventTarget) -> Result<(), JsValue> {
        let f = self.closure.as_ref().unchecked_ref();
        self.target
            .remove_event_listener_with_callback(self.kind, f)?;
        target.add_event_listener_with_callback(self.kind, f)?;
        self.target = target.clone();
        Ok(())
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.kind, self.closure.as_ref().unchecked_ref());
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn texts_are_joined_and_escaped() {
        assert_eq!(concat(&["a", "", "bc"]), "abc");
        assert_eq!(concat(&[]), "");
        assert_eq!(
            escape_html("a&b \"c\" <d> 中"),
            "a&amp;b &quot;c&quot; &lt;d&gt; 中"
        );
    }
}
