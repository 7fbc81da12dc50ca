//! Everything that touches the browser: the canvas, the page's error box, the panic hook.
//!
//! Colours come from CSS custom properties on the canvas (`--node-fill`, ...), so
//! `www/style.css` owns the light and dark themes.

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{CanvasRenderingContext2d, Document, HtmlCanvasElement, Window};

use crate::layout;

/// The id of the canvas in `index.html`.
pub const CANVAS_ID: &str = "raft-canvas";
/// The id of the element that shows errors in `index.html` (created if missing).
pub const ERROR_ID: &str = "raft-error";

/// Number of nodes in the placeholder frame.
const PLACEHOLDER_NODES: usize = 5;

thread_local! {
    /// The window `resize` listener, kept alive here (not leaked) for the page's lifetime.
    static RESIZE_LISTENER: RefCell<Option<Closure<dyn FnMut()>>> = const { RefCell::new(None) };
}

/// Installs a panic hook that logs to the console (console_error_panic_hook) and also
/// shows the message on the page, so a panic never leaves a silently frozen canvas.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_error(&format!("raft-viz crashed: {info}"));
    }));
}

/// Finds the canvas, draws the placeholder frame and redraws it when the window resizes.
pub fn start() -> Result<(), JsValue> {
    let window = window()?;
    let document = document(&window)?;
    let canvas = document
        .get_element_by_id(CANVAS_ID)
        .ok_or_else(|| JsValue::from_str(&format!("no element with id \"{CANVAS_ID}\"")))?
        .dyn_into::<HtmlCanvasElement>()
        .map_err(|_| JsValue::from_str(&format!("#{CANVAS_ID} is not a <canvas>")))?;
    draw_placeholder(&canvas)?;

    let listener = Closure::<dyn FnMut()>::new(move || {
        if let Err(err) = draw_placeholder(&canvas) {
            report_error(&err);
        }
    });
    window.add_event_listener_with_callback("resize", listener.as_ref().unchecked_ref())?;
    RESIZE_LISTENER.with(|slot| slot.replace(Some(listener)));
    Ok(())
}

/// Sizes `canvas` for its CSS size × `devicePixelRatio` and draws the placeholder:
/// the title and five follower circles A–E. It runs no Raft: the simulator comes later.
pub fn draw_placeholder(canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
    let window = window()?;
    let (css_width, css_height) = fit_to_css_size(&window, canvas)?;
    let ctx = context_2d(canvas)?;
    let ratio = device_pixel_ratio(&window);
    let theme = Theme::read(&window, canvas)?;

    // Draw in CSS pixels; the transform maps them to device pixels.
    ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0)?;
    ctx.clear_rect(0.0, 0.0, css_width, css_height);
    ctx.set_fill_style_str(&theme.background);
    ctx.fill_rect(0.0, 0.0, css_width, css_height);

    let title_size = (css_width.min(css_height) * 0.08).clamp(18.0, 40.0);
    let title_band = title_size * 2.2;
    let note_band = title_size * 1.6;

    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    ctx.set_fill_style_str(&theme.text);
    ctx.set_font(&format!("600 {title_size}px {}", theme.font));
    ctx.fill_text("Raft", css_width / 2.0, title_band / 2.0)?;

    let ring_height = (css_height - title_band - note_band).max(0.0);
    let ring = layout::ring(PLACEHOLDER_NODES, css_width, ring_height);
    let label_size = (ring.node_radius * 0.8).max(8.0);
    for (index, centre) in ring.nodes.iter().enumerate() {
        let (x, y) = (centre.x, centre.y + title_band);
        // A follower, as in the article: a solid circle with no border.
        ctx.begin_path();
        ctx.arc(x, y, ring.node_radius, 0.0, std::f64::consts::TAU)?;
        ctx.set_fill_style_str(&theme.node_fill);
        ctx.fill();
        ctx.set_fill_style_str(&theme.node_text);
        ctx.set_font(&format!("600 {label_size}px {}", theme.font));
        ctx.fill_text(&layout::node_name(index), x, y)?;
    }

    ctx.set_fill_style_str(&theme.muted);
    ctx.set_font(&format!("{}px {}", title_size * 0.6, theme.font));
    ctx.fill_text(
        "simulator coming next",
        css_width / 2.0,
        css_height - note_band / 2.0,
    )?;
    Ok(())
}

/// Shows `err` on the page and in the console.
pub fn report_error(err: &JsValue) {
    let message = err
        .as_string()
        .or_else(|| {
            err.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{err:?}"));
    console_error(&message);
    show_error(&message);
}

/// Puts `message` in the page's error box (creating it if needed). Never fails: if there
/// is no document at all, the console is the only place left.
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
            element.set_id(ERROR_ID);
            if let Some(body) = document.body() {
                // Best effort: if this fails too the console still has the message.
                let _ = body.append_child(&element);
            }
            element
        }
    };
    let _ = element.set_attribute("role", "alert");
    element.set_text_content(Some(message));
    let _ = element.remove_attribute("hidden");
}

/// Colours and font read from the canvas's CSS custom properties, with fallbacks.
#[derive(Debug)]
struct Theme {
    background: String,
    text: String,
    muted: String,
    node_fill: String,
    node_text: String,
    font: String,
}

impl Theme {
    fn read(window: &Window, canvas: &HtmlCanvasElement) -> Result<Self, JsValue> {
        let style = window.get_computed_style(canvas)?;
        let get = |name: &str, fallback: &str| {
            style
                .as_ref()
                .and_then(|s| s.get_property_value(name).ok())
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| fallback.to_owned())
        };
        Ok(Self {
            background: get("--canvas-bg", "#ffffff"),
            text: get("--text", "#1f2328"),
            muted: get("--muted", "#6e7781"),
            node_fill: get("--node-fill", "#8fb3d9"),
            node_text: get("--node-text", "#0d1b2a"),
            font: get("--canvas-font", "system-ui, sans-serif"),
        })
    }
}

/// Sets the canvas backing store to its CSS size × `devicePixelRatio`; returns the CSS size.
fn fit_to_css_size(window: &Window, canvas: &HtmlCanvasElement) -> Result<(f64, f64), JsValue> {
    let rect = canvas.get_bounding_client_rect();
    let (width, height) = (rect.width(), rect.height());
    let (backing_width, backing_height) =
        layout::backing_size(width, height, device_pixel_ratio(window));
    if canvas.width() != backing_width {
        canvas.set_width(backing_width);
    }
    if canvas.height() != backing_height {
        canvas.set_height(backing_height);
    }
    Ok((width, height))
}

fn context_2d(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, JsValue> {
    canvas
        .get_context("2d")?
        .ok_or_else(|| JsValue::from_str("this browser gives no 2D canvas context"))?
        .dyn_into::<CanvasRenderingContext2d>()
        .map_err(|_| JsValue::from_str("getContext(\"2d\") returned something else"))
}

fn device_pixel_ratio(window: &Window) -> f64 {
    let ratio = window.device_pixel_ratio();
    if ratio.is_finite() && ratio > 0.0 {
        ratio
    } else {
        1.0
    }
}

fn window() -> Result<Window, JsValue> {
    web_sys::window().ok_or_else(|| JsValue::from_str("no global window"))
}

fn document(window: &Window) -> Result<Document, JsValue> {
    window
        .document()
        .ok_or_else(|| JsValue::from_str("the window has no document"))
}

fn console_error(message: &str) {
    web_sys::console::error_1(&JsValue::from_str(message));
}
