//! Pictures to take away, for a teacher's slides: what the page asks for, the run
//! rebuilt from its share link, the names of the downloads, and the space-time diagram
//! as SVG (the canvas's own drawing, through [`SvgPainter`]).
//!
//! The page's wasm carries none of this but [`Kind::name`]: the pictures are made by a
//! module of their own (`web/takeaway.rs`, the `raft-viz-takeaway` binary), fetched the
//! first time a reader asks for one, so that the page's first load does not carry
//! them. That module is handed the run as its share link ([`crate::share::query`]) and
//! rebuilds it with [`reopen`]: a run is reproduced exactly by its link, so the picture
//! is of the very run on the page.

use raft_sim::raft_core::Instant;

use crate::app::{App, Origin};
use crate::command::Command;
use crate::diagram::{self, Scale, Window};
use crate::num::push_u64;
use crate::svg::SvgPainter;
use crate::theme::Theme;

/// What to take away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The cluster's frame, as PNG at twice its CSS size.
    Png,
    /// The diagram's visible window, as SVG.
    Svg,
    /// A WebM video of the cluster: the tour's step again, or the sandbox's last
    /// seconds.
    Record,
}

impl Kind {
    const NAMES: [(&'static str, Kind); 3] = [
        ("png", Kind::Png),
        ("svg", Kind::Svg),
        ("record", Kind::Record),
    ];

    /// Its name between the page and the takeaway module: `png`, `svg` or `record`.
    pub fn name(self) -> &'static str {
        Kind::NAMES.iter().find(|n| n.1 == self).map_or("", |n| n.0)
    }

    /// The kind [`Kind::name`] names.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::NAMES.iter().find(|n| n.0 == name).map(|n| n.1)
    }
}

/// The run a share link's query describes ([`crate::share::query`]), rebuilt
/// ([`crate::share::open`]) and moved to exactly `at`. `Err` says why the link
/// cannot be read.
pub fn reopen(run: &str, at: Instant) -> Result<App, String> {
    let (options, refused) = crate::options::parse(run, |id| raft_sim::scene::by_id(id).is_some());
    let mut notices = Vec::new();
    let mut app =
        crate::share::open(&options, 0, &mut notices).map_err(|e| e.describe(options.lang))?;
    if let Some(problem) = refused.into_iter().chain(notices).next() {
        return Err(problem);
    }
    if app.world().now() != at {
        app.command(Command::Seek(at))
            .map_err(|e| e.describe(options.lang))?;
    }
    Ok(app)
}

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

/// The diagram of `window` as an SVG document of `width` × `height`, its text in
/// `family`, the client's lane named `client`.
pub fn diagram_svg(
    app: &App,
    window: Window,
    (width, height): (f64, f64),
    theme: &Theme,
    family: &str,
    client: &str,
) -> String {
    let d = diagram::build(app.world(), app.timeline().history(), window);
    let scale = Scale::of(&d, width, height);
    let mut svg = SvgPainter::new(width, height, family);
    diagram::draw::draw(
        &d,
        &scale,
        theme,
        app.selection(),
        app.subjects(),
        client,
        &mut svg,
    );
    svg.finish()
}
