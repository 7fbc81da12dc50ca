//! Browser tests: `cargo test --target wasm32-unknown-unknown -p raft-viz` runs them in
//! headless Chromium through wasm-bindgen-test-runner (see `.cargo/config.toml`).
#![cfg(target_arch = "wasm32")]

use raft_viz::web;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::HtmlCanvasElement;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn placeholder_sizes_the_canvas_for_the_device_pixel_ratio() -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let body = document.body().ok_or("no body")?;
    let canvas: HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
    canvas.set_attribute("style", "display: block; width: 321px; height: 203px")?;
    body.append_child(&canvas)?;

    web::draw_placeholder(&canvas)?;

    let ratio = window.device_pixel_ratio();
    let rect = canvas.get_bounding_client_rect();
    assert_eq!(rect.width(), 321.0);
    assert_eq!(rect.height(), 203.0);
    assert_eq!(f64::from(canvas.width()), (321.0 * ratio).round());
    assert_eq!(f64::from(canvas.height()), (203.0 * ratio).round());
    assert!(
        document.get_element_by_id(web::ERROR_ID).is_none(),
        "drawing reported an error"
    );
    body.remove_child(&canvas)?;
    Ok(())
}
