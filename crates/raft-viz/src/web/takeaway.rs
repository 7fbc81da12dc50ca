//! The takeaway module: the pictures a teacher takes away for slides, made in a wasm
//! of their own (the `raft-viz-takeaway` binary) that the page fetches the first time
//! a reader asks for one (`web/pictures.rs`, `www/takeaway.js`), so that its first
//! load does not carry them.
//!
//! # Contract
//! - [`take_away`] is handed what to make ([`Kind::name`]), the run as its share link's
//!   query, and the client's name in the reader's language (this module has no
//!   catalogue). It rebuilds the run at the page's exact moment ([`export::reopen`]) and
//!   downloads the file, named by [`export::file_name`]:
//!   - `png`: the cluster's frame drawn at twice its CSS size;
//!   - `svg`: the diagram of the page's window;
//!   - `record`: a WebM of the page's own canvas, by the browser's `MediaRecorder`,
//!     while the page plays the tour's step again (or the sandbox's last
//!     [`RECORD_LAST_MS`] of real time, then goes back to where it was, playing or
//!     not as before). Asked again while it records, it stops early.
//! - What the link does not say (the moment to the µs, the diagram's window, the
//!   sizes on screen, the theme, whether the page plays or tours) is read from the page
//!   as a host would: its JS API (`window.raftviz`) and its elements. The page is driven
//!   through that API too.
//! - A failure is thrown as an `Error` whose message is an English text of the
//!   catalogue ([`told`]): the page tells it in the reader's language.
//! - Nothing is kept but the recording under way (or the last one, whose video URL is
//!   freed with it).

use std::cell::RefCell;

use js_sys::{Function, JSON, Reflect};
use raft_sim::raft_core::Instant;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Blob, Document, Event, HtmlCanvasElement, HtmlElement, MediaRecorder, Url};

use super::canvas::CanvasPainter;
use super::dom::{self, Listener, concat, err};
use super::page::{CANVAS_ID, css_var};
use crate::diagram::Window;
use crate::export::{self, Kind};
use crate::num::decimal;
use crate::theme::{DARK, LIGHT};

/// The PNG's pixels per CSS pixel.
const PNG_SCALE: f64 = 2.0;
/// How much real time of the sandbox a recording plays again.
pub const RECORD_LAST_MS: f64 = 10_000.0;
/// The longest recording, in real ms (a tour step lasts at most a few seconds).
const RECORD_AT_MOST_MS: f64 = 30_000.0;
/// Frames per second captured from the canvas.
const RECORD_FPS: f64 = 30.0;
/// How often a recording checks whether its scene has played, in real ms.
const POLL_MS: i32 = 50;

thread_local! {
    static RECORDING: RefCell<Option<Recording>> = const { RefCell::new(None) };
}

/// A failure the reader is told of: `en` is a text of the catalogue, which the page
/// shows in the reader's language.
fn told(en: &str) -> JsValue {
    err(en)
}

/// Makes and downloads a `kind` picture of the run `run` (a share link's query), the
/// client's lane named `client`.
pub fn take_away(kind: &str, run: &str, client: &str) -> Result<(), JsValue> {
    let kind = Kind::parse(kind).ok_or_else(|| err(&concat(&["no such picture: ", kind])))?;
    if kind == Kind::Record && stop_recording() {
        return Ok(());
    }
    let snapshot = snapshot()?;
    let field = |name: &str| Reflect::get(&snapshot, &name.into());
    let at_ms = field("timeMs")?
        .as_f64()
        .ok_or_else(|| err("the page has no time"))?;
    let at = Instant::from_micros((at_ms * 1_000.0).round() as u64);
    let app = export::reopen(run, at).map_err(|e| err(&e))?;
    let doc = dom::document()?;
    let dark = doc
        .document_element()
        .is_some_and(|html| html.get_attribute("data-theme").as_deref() == Some("dark"));
    let theme = if dark { &DARK } else { &LIGHT };
    let stage: HtmlCanvasElement = dom::get(&doc, CANVAS_ID)?;
    let family = css_var(&dom::window()?, &stage, "--canvas-font");
    let stage_size = (
        f64::from(stage.client_width()),
        f64::from(stage.client_height()),
    );
    match kind {
        Kind::Png => {
            let mut app = app;
            let (w, h) = stage_size;
            app.resize(w, h);
            let canvas: HtmlCanvasElement = doc.create_element("canvas")?.dyn_into()?;
            let mut painter = CanvasPainter::new(&canvas, &family, true)?;
            if !painter.begin(w, h, PNG_SCALE) {
                return Err(err("the picture is empty: the canvas has no size"));
            }
            crate::draw::draw(&app.frame(), app.stage(), theme, &mut painter);
            let url = canvas.to_data_url()?;
            download(&doc, &url, &export::file_name(&app, "png"))
        }
        Kind::Svg => {
            // Where the page's diagram is: null while it is hidden.
            let shown = field("diagram")?;
            let ms = |name: &str| Reflect::get(&shown, &name.into()).ok()?.as_f64();
            let (Some(from), Some(to)) = (ms("fromMs"), ms("toMs")) else {
                return Err(told("Show the diagram first."));
            };
            let us = |ms: f64| Instant::from_micros((ms * 1_000.0).round() as u64);
            let window = Window {
                from: us(from),
                to: us(to),
            };
            let rect = dom::get_element(&doc, "rv-diagram")?.get_bounding_client_rect();
            let svg = export::diagram_svg(
                &app,
                window,
                (rect.width(), rect.height()),
                theme,
                &family,
                client,
            );
            let url = concat(&[
                "data:image/svg+xml;charset=utf-8,",
                &crate::share::percent_encode(&svg),
            ]);
            download(&doc, &url, &export::file_name(&app, "svg"))
        }
        Kind::Record => {
            let tour = !field("tour")?.is_null();
            let playing = field("playing")?.is_truthy();
            let name = export::file_name(&app, "webm");
            record(&stage, at, tour, playing, name, app.speed())
        }
    }
}

/// Downloads `href` as `name`, through a link clicked at once.
fn download(doc: &Document, href: &str, name: &str) -> Result<(), JsValue> {
    let a: HtmlElement = doc.create_element("a")?.dyn_into()?;
    a.set_attribute("href", href)?;
    a.set_attribute("download", name)?;
    a.set_hidden(true);
    doc.body()
        .ok_or_else(|| err("the page has no body"))?
        .append_child(&a)?;
    a.click();
    a.remove();
    Ok(())
}

/// Where a recording stops.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Until {
    /// The tour's step has played to its moment.
    StepShown,
    /// The sandbox's cursor is back where it was.
    Moment(Instant),
}

/// A recording under way (or just finished: kept until the next one, since its
/// listener is what ends it). The recorder is started without a time slice, so the
/// whole video arrives in one `dataavailable` event once it stops.
struct Recording {
    recorder: MediaRecorder,
    until: Until,
    started_ms: f64,
    name: String,
    /// Whether the page played before (it plays while recording).
    playing: bool,
    stopping: bool,
    /// The finished video's object URL, freed with the recording (freeing it at once
    /// could cancel the download it started).
    url: Option<String>,
    _data: Listener,
    /// The interval that checks whether the scene has played, and its callback.
    poll: Option<(i32, Closure<dyn FnMut()>)>,
}

impl Drop for Recording {
    fn drop(&mut self) {
        self.clear_poll();
        if let Some(url) = &self.url {
            let _ = Url::revoke_object_url(url);
        }
    }
}

impl Recording {
    fn clear_poll(&mut self) {
        if let (Some((id, _)), Ok(w)) = (self.poll.take(), dom::window()) {
            w.clear_interval_with_handle(id);
        }
    }
}

/// The page's JS API, `window.raftviz`, and its function `name`.
fn api(name: &str) -> Result<(JsValue, Function), JsValue> {
    let window: JsValue = dom::window()?.into();
    let api = Reflect::get(&window, &"raftviz".into())?;
    let f = Reflect::get(&api, &name.into())?.dyn_into()?;
    Ok((api, f))
}

/// A command to the page, through `raftviz.command` (given as JSON).
fn command(json: &str) -> Result<(), JsValue> {
    let (api, command) = api("command")?;
    command.call1(&api, &JSON::parse(json)?)?;
    Ok(())
}

/// The page's `raftviz.snapshot()`.
fn snapshot() -> Result<JsValue, JsValue> {
    let (api, snapshot) = api("snapshot")?;
    snapshot.call0(&api)
}

/// A field of the page's `raftviz.snapshot()`.
fn snapshot_field(name: &str) -> Result<JsValue, JsValue> {
    Reflect::get(&snapshot()?, &name.into())
}

/// A seek of the page to `t` exactly (the API takes ms, and truncates to the µs).
fn seek(t: Instant) -> Result<(), JsValue> {
    let ms = (t.as_micros() as f64 + 0.5) / 1_000.0;
    command(&concat(&[
        "{\"type\":\"seek\",\"ms\":",
        &decimal(ms, 4),
        "}",
    ]))
}

fn now_ms() -> f64 {
    dom::window()
        .ok()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Starts recording `stage` while the page plays the scene again: the tour's step
/// (`tour`), or the last seconds of the sandbox up to `at` (at `speed`), after which
/// it plays on if it was `playing`.
fn record(
    stage: &HtmlCanvasElement,
    at: Instant,
    tour: bool,
    playing: bool,
    name: String,
    speed: f64,
) -> Result<(), JsValue> {
    if !MediaRecorder::is_type_supported("video/webm") {
        return Err(told("This browser cannot record WebM video."));
    }
    let until = if tour {
        command("{\"type\":\"replay\"}")?;
        Until::StepShown
    } else {
        let back_us = RECORD_LAST_MS * 1_000.0 * speed;
        let start = (at.as_micros() as f64 - back_us).max(0.0);
        seek(Instant::from_micros(start as u64))?;
        command("{\"type\":\"play\"}")?;
        Until::Moment(at)
    };
    let stream = stage.capture_stream_with_frame_request_rate(RECORD_FPS)?;
    let recorder = MediaRecorder::new_with_media_stream(&stream)?;
    let data = Listener::new(&recorder, "dataavailable", on_recorded)?;
    let check = Closure::<dyn FnMut()>::new(check);
    let id = dom::window()?.set_interval_with_callback_and_timeout_and_arguments_0(
        check.as_ref().unchecked_ref(),
        POLL_MS,
    )?;
    recorder.start()?;
    RECORDING.with(|r| {
        // The last recording goes, its video URL freed.
        *r.borrow_mut() = Some(Recording {
            recorder,
            until,
            started_ms: now_ms(),
            name,
            playing,
            stopping: false,
            url: None,
            _data: data,
            poll: Some((id, check)),
        });
    });
    set_pressed(true);
    Ok(())
}

/// Stops the recording under way, if any; false if there is none.
fn stop_recording() -> bool {
    RECORDING.with(|r| {
        let mut r = r.borrow_mut();
        let Some(rec) = r.as_mut().filter(|rec| !rec.stopping) else {
            return false;
        };
        rec.stopping = true;
        rec.clear_poll();
        let _ = rec.recorder.stop();
        // The sandbox goes back to exactly where it was, playing or not as before.
        if let Until::Moment(t) = rec.until {
            let _ = seek(t);
            if !rec.playing {
                let _ = command("{\"type\":\"pause\"}");
            }
        }
        true
    })
}

/// Every [`POLL_MS`] while recording: stops once the scene has played.
fn check() {
    let until = RECORDING.with(|r| r.borrow().as_ref().map(|rec| (rec.until, rec.started_ms)));
    let Some((until, started_ms)) = until else {
        return;
    };
    let done = match until {
        Until::StepShown => snapshot_field("tour").is_ok_and(|tour| {
            tour.is_null() || Reflect::get(&tour, &"done".into()).is_ok_and(|d| d.is_truthy())
        }),
        Until::Moment(t) => snapshot_field("timeMs")
            .ok()
            .and_then(|ms| ms.as_f64())
            .is_none_or(|ms| ms * 1_000.0 + 0.5 >= t.as_micros() as f64),
    };
    if done || now_ms() - started_ms > RECORD_AT_MOST_MS {
        stop_recording();
    }
}

/// The recorder stopped and handed over the whole video: it is downloaded.
fn on_recorded(event: Event) {
    let video = Reflect::get(&event, &"data".into())
        .ok()
        .and_then(|d| d.dyn_into::<Blob>().ok());
    RECORDING.with(|r| {
        let mut r = r.borrow_mut();
        let (Some(rec), Some(video)) = (r.as_mut(), video) else {
            return;
        };
        rec.stopping = true;
        let saved = Url::create_object_url_with_blob(&video).and_then(|url| {
            download(&dom::document()?, &url, &rec.name)?;
            Ok(url)
        });
        match saved {
            Ok(url) => rec.url = Some(url),
            Err(e) => web_sys::console::error_1(&e),
        }
    });
    set_pressed(false);
}

/// The page's record button is pressed while a recording runs.
fn set_pressed(on: bool) {
    if let Some(b) = dom::document()
        .ok()
        .and_then(|d| d.get_element_by_id("rv-record"))
    {
        dom::set_attr(&b, "aria-pressed", if on { "true" } else { "false" });
    }
}
