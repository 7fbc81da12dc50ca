//! The panic hook and the error overlay: a panic or a failed start is shown on the
//! page, never left as a silently frozen canvas.

use wasm_bindgen::prelude::*;

use super::dom::{concat, escape_html, message_of};

/// The id of the error overlay in `index.html` (created if missing).
pub const ERROR_ID: &str = "raft-error";

/// Installs a panic hook that logs to the console (console_error_panic_hook), stops
/// the animation loop and shows the message on the page.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        super::set_dead();
        console_error_panic_hook::hook(info);
        show_error(&format!(
            "raft-viz stopped after an internal error.\n{info}"
        ));
    }));
}

/// Shows `err` as a fatal error: on the page and in the console; the loop stops.
pub fn report_error(err: &JsValue) {
    let message = message_of(err);
    web_sys::console::error_1(&JsValue::from_str(&message));
    super::stop_loop();
    show_error(&concat(&["raft-viz could not start: ", &message]));
}

/// Puts `message` in the error overlay (creating it if needed), with a reload link.
/// Never fails: without a document, the console is the only place left.
pub fn show_error(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let element = match document.get_element_by_id(ERROR_ID) {
        Some(element) => element,
        None => {
            let Ok(element) = document.create_element("div") else {
                return;
            };
            let _ = element.set_attribute("id", ERROR_ID);
            let _ = element.set_attribute("class", "error-overlay");
            if let Some(body) = document.body() {
                let _ = body.append_child(&element);
            }
            element
        }
    };
    let _ = element.set_attribute("role", "alert");
    // One `innerHTML` write (the message escaped) rather than an element at a time.
    element.set_inner_html(&concat(&[
        "<p>",
        &escape_html(message),
        "</p><a href=\"\">Reload the page</a>",
    ]));
    let _ = element.remove_attribute("hidden");
}
