//! The page's callbacks: plain `fn`s that the browser calls (events, the loop, the
//! watchers, the JS API) and that reach the [`Page`](super::page::Page) through
//! `with_page`. Callbacks of one signature share one closure type: one copy of its
//! code and JS shim in the wasm.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Element, Event, KeyboardEvent, MouseEvent};

use super::dispatch::{PageAction, Setting};
use super::dom::{concat, err};
use super::page::Page;
use super::runner::Watch;
use super::with_page;
use crate::snapshot::Snapshot;

/// An animation frame.
pub fn on_frame(timestamp: f64) {
    with_page(|p| p.frame(timestamp));
}

/// The loop's wait is over.
pub fn on_timeout() {
    with_page(|p| p.runner.timeout_fired());
}

/// A watcher reports.
pub fn on_watch(w: Watch) {
    with_page(|p| p.watch(w));
}

/// A passing notice's time is up.
pub fn on_flash_over() {
    with_page(|p| p.notices.flash_over());
}

/// A clipboard write is done.
pub fn on_copied(_: JsValue) {
    with_page(|p| p.copied(true));
}

/// A clipboard write failed.
pub fn on_copy_failed(_: JsValue) {
    with_page(|p| p.copied(false));
}

/// The element an event happened on, if it is one.
pub(super) fn target_element(event: &Event) -> Option<Element> {
    event.target()?.dyn_into::<Element>().ok()
}

/// A click anywhere on the page: an overlay's backdrop closes it; a button's
/// `data-cmd` is parsed into its action.
pub fn on_click(event: Event) {
    let Some(target) = target_element(&event) else {
        return;
    };
    if target.matches(".overlay").unwrap_or(false) {
        with_page(|p| p.notices.close_overlays());
        return;
    }
    let Some(el) = target.closest("[data-cmd]").ok().flatten() else {
        return;
    };
    if el.has_attribute("disabled") {
        return;
    }
    if let Some(action) = el
        .get_attribute("data-cmd")
        .and_then(|c| PageAction::parse(&c))
    {
        with_page(|p| p.perform(action, Some(&el)));
    }
}

/// A form control's `change`.
pub fn on_change(event: Event) {
    on_setting(event, false);
}

/// A form control's `input` (while dragging the timeline).
pub fn on_input(event: Event) {
    on_setting(event, true);
}

fn on_setting(event: Event, live: bool) {
    let Some(el) = target_element(&event).and_then(|t| t.closest("[data-set]").ok().flatten())
    else {
        return;
    };
    if let Some(setting) = el
        .get_attribute("data-set")
        .and_then(|s| Setting::parse(&s))
    {
        with_page(|p| p.setting(setting, &el, live));
    }
}

/// A key press.
pub fn on_key(event: Event) {
    if let Some(event) = event.dyn_ref::<KeyboardEvent>() {
        with_page(|p| p.key(event));
    }
}

/// A click on the canvas.
pub fn on_canvas_click(event: Event) {
    let Some(event) = event.dyn_ref::<MouseEvent>() else {
        return;
    };
    with_page(|p| {
        let rect = p.canvas.get_bounding_client_rect();
        let x = f64::from(event.client_x()) - rect.left();
        let y = f64::from(event.client_y()) - rect.top();
        p.click(x, y);
    });
}

/// `raftviz.snapshot()`.
pub fn api_snapshot() -> Result<JsValue, JsValue> {
    with_page(|p| {
        let mut snap = Snapshot::of(&p.app);
        // Out of view or in a hidden tab the clock stands still: not playing.
        snap.playing &= !p.runner.blocked();
        let out = super::js_snapshot::snapshot(&snap);
        // The diagram as drawn (`null` on pages without one, or while it is hidden).
        let diagram = p.diagram.as_mut().and_then(|pane| pane.snapshot(&p.app));
        let diagram = diagram.map_or(JsValue::NULL, |d| super::js_snapshot::diagram(&d));
        js_sys::Reflect::set(&out, &JsValue::from_str("diagram"), &diagram)?;
        Ok(out)
    })
    .unwrap_or_else(|| Err(err("raftviz is not running (or is busy)")))
}

/// A pointer went down or up on the canvas: touch and pen only (a mouse drag is no
/// swipe).
pub fn on_pointer(event: Event) {
    let Some(e) = event.dyn_ref::<web_sys::PointerEvent>() else {
        return;
    };
    if e.pointer_type() == "mouse" {
        return;
    }
    let down = event.type_() == "pointerdown";
    let (x, y) = (f64::from(e.client_x()), f64::from(e.client_y()));
    with_page(|p| p.pointer(x, y, down));
}

/// `raftviz.scenes()`: the tour's scenes in order, in the reader's language.
pub fn api_scenes() -> Result<JsValue, JsValue> {
    let lang = with_page(|p| p.app.lang()).unwrap_or_default();
    Ok(super::js_snapshot::scenes(&crate::snapshot::scenes(lang)))
}

/// `raftviz.command(obj)`: read at the edge, typed, then carried out.
pub fn api_command(value: JsValue) -> Result<bool, JsValue> {
    super::api::read_command(&value)
        .and_then(|cmd| {
            with_page(|p| {
                let cmd = cmd.into_command(&p.app).map_err(|e| p.describe(&e))?;
                p.command(cmd)
            })
            .unwrap_or_else(|| Err(String::from("raftviz is not running (or is busy)")))
        })
        .map_err(|e| err(&concat(&["raftviz.command: ", &e])))?;
    Ok(true)
}

/// A pointer on the space-time diagram: a press, a drag (seeks), a pinch (zooms), a
/// release (a click when it did not move).
pub fn on_diagram_pointer(event: Event) {
    let Some(e) = event.dyn_ref::<web_sys::PointerEvent>() else {
        return;
    };
    with_page(|p| {
        let Some(pane) = p.diagram.as_mut() else {
            return;
        };
        let rect = pane.canvas().get_bounding_client_rect();
        let x = f64::from(e.client_x()) - rect.left();
        let y = f64::from(e.client_y()) - rect.top();
        let cmd = match event.type_().as_str() {
            "pointerdown" => {
                pane.down(e, x, y, &p.app);
                None
            }
            "pointermove" => pane.moved(e, x, y, &p.app),
            "pointerup" => {
                if let Some(at) = pane.up(e) {
                    p.diagram_click(at);
                }
                None
            }
            _ => {
                pane.cancel(e);
                None
            }
        };
        if let Some(cmd) = cmd
            && let Err(m) = p.command(cmd)
        {
            p.flash(&m, true);
        }
    });
}

/// The wheel on the diagram: zooms its time axis.
pub fn on_diagram_wheel(event: Event) {
    let Some(e) = event.dyn_ref::<web_sys::WheelEvent>() else {
        return;
    };
    event.prevent_default();
    if let Some(cmd) = super::diagram::DiagramPane::wheel(e) {
        with_page(|p| {
            if let Err(m) = p.command(cmd) {
                p.flash(&m, true);
            }
        });
    }
}

/// Figure 2's box in the rule panel opened or closed.
pub fn on_figure_2_toggle(_: Event) {
    with_page(Page::figure_2_toggled);
}

/// The takeaway module could not make a picture.
pub fn on_takeaway_failed(why: JsValue) {
    with_page(|p| p.takeaway_failed(&why));
}
