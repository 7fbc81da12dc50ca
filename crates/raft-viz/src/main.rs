//! The entry point that trunk builds (see `index.html` at the workspace root).

#[cfg(target_arch = "wasm32")]
fn main() {
    raft_viz::web::install_panic_hook();
    if let Err(err) = raft_viz::web::start() {
        raft_viz::web::report_error(&err);
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!("raft-viz runs in the browser: build and serve it with ./scripts/serve.sh");
}
