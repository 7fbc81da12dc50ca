//! The takeaway module's entry point ([`raft_viz::web::takeaway`]): the pictures to take
//! away, in a wasm of their own that the main page fetches the first time a reader asks
//! for one (`www/takeaway.js` loads it and calls `take_away`).

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::*;

/// Makes and downloads a `kind` picture (`png`, `svg` or `record`) of the run `run`
/// (a share link's query), the client's lane named `client`.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn take_away(kind: &str, run: &str, client: &str) -> Result<(), JsValue> {
    raft_viz::web::takeaway::take_away(kind, run, client)
}

#[cfg(target_arch = "wasm32")]
fn main() {
    raft_viz::web::install_panic_hook();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!("raft-viz-takeaway runs in the browser, loaded by the page: build it with trunk");
}
