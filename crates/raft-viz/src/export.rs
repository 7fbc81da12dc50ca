//! Pictures to take away: the names the page gives its downloads, and the space-time
//! diagram as SVG (the canvas's own drawing, through [`SvgPainter`]). The PNG of the
//! cluster and the WebM recording are made by the browser (`web/takeaway.rs`).

use crate::app::{App, Origin};
use crate::diagram::{self, Scale};
use crate::num::push_u64;
use crate::svg::SvgPainter;
use crate::theme::Theme;

/// The file name of a picture or a recording of `app` as it is now: the scene and its
/// step (or the seed) and the virtual time, e.g. `figure-8-step-4-1234ms.png` or
/// `raft-seed-42-5000ms.webm`.
pub fn file_name(app: &App, ext: &str) -> String {
    let mut name = String::new();
    match (app.origin(), app.tour()) {
        (Origin::Scene(id), Some(tour)) => {
            name.push_str(id);
            name.push_str("-step-");
            push_u64(&mut name, tour.step() as u64 + 1);
        }
        (Origin::Scene(id), None) => name.push_str(id),
        (Origin::Sandbox, _) => {
            name.push_str("raft-seed-");
            push_u64(&mut name, app.seed());
        }
    }
    name.push('-');
    push_u64(&mut name, app.world().now().as_micros() / 1_000);
    name.push_str("ms.");
    name.push_str(ext);
    name
}

/// The diagram of the visible window as an SVG document of `width` × `height`.
pub fn diagram_svg(app: &App, width: f64, height: f64, theme: &Theme, family: &str) -> String {
    let d = app.diagram();
    let scale = Scale::of(&d, width, height);
    let mut svg = SvgPainter::new(width, height, family);
    diagram::draw::draw(
        &d,
        &scale,
        theme,
        app.selection(),
        app.subjects(),
        app.lang().tr("client"),
        &mut svg,
    );
    svg.finish()
}
