//! The article page's entry point (`article.html`): one wasm instance for all its live
//! figures ([`raft_viz::web::figures`]). A binary of its own, so that the main page's
//! wasm carries none of this code and the article's none of the main page's controls.

#[cfg(target_arch = "wasm32")]
fn main() {
    raft_viz::web::install_panic_hook();
    let started =
        raft_viz::web::dom::document().and_then(|doc| raft_viz::web::figures::start(&doc));
    if let Err(err) = started {
        raft_viz::web::report_error(&err);
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!("raft-viz-figures runs in the browser, on article.html: build it with trunk");
}
