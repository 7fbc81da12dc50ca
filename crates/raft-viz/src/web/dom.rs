//! Small DOM helpers: lookups that return errors instead of panicking, and owned event
//! listeners that remove themselves when dropped.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Event, EventTarget, Window};

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
    doc.get_element_by_id(id)
        .ok_or_else(|| err(&format!("the page has no element #{id}")))?
        .dyn_into::<T>()
        .map_err(|_| err(&format!("#{id} is not the expected kind of element")))
}

/// Sets `el`'s text only when it differs (a DOM write costs a style and layout pass).
pub fn set_text(el: &Element, text: &str) {
    if el.text_content().as_deref() != Some(text) {
        el.set_text_content(Some(text));
    }
}

/// Shows or hides `el` through its `hidden` attribute, only when that changes.
pub fn set_hidden(el: &Element, hidden: bool) {
    if el.has_attribute("hidden") != hidden {
        let _ = if hidden {
            el.set_attribute("hidden", "")
        } else {
            el.remove_attribute("hidden")
        };
    }
}

/// Sets an attribute only when it differs.
pub fn set_attr(el: &Element, name: &str, value: &str) {
    if el.get_attribute(name).as_deref() != Some(value) {
        let _ = el.set_attribute(name, value);
    }
}

pub use crate::num::decimal;

/// Microseconds as seconds with three decimals: `1.234 s`.
pub fn seconds(us: u64) -> String {
    format!("{}.{:03} s", us / 1_000_000, us / 1_000 % 1_000)
}

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
        let closure = Closure::<dyn FnMut(Event)>::new(f);
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
