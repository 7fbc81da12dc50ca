//! Pictures to take away, for a teacher's slides: the cluster's frame as a PNG at
//! twice its size, the space-time diagram of the visible window as SVG, and a short
//! WebM recording of the cluster (the tour's step played again, or the sandbox's last
//! seconds) made by the browser's `MediaRecorder`. Files are named by
//! [`export::file_name`](crate::export::file_name).

use raft_sim::raft_core::Instant;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Blob, BlobPropertyBag, Event, HtmlCanvasElement, HtmlElement, MediaRecorder, Url};

use super::canvas::CanvasPainter;
use super::dom::{Listener, err, message_of};
use super::page::Page;
use crate::command::Command;
use crate::export;

/// The PNG's pixels per CSS pixel.
const PNG_SCALE: f64 = 2.0;
/// How much real time of the sandbox a recording plays again.
const RECORD_LAST_MS: f64 = 10_000.0;
/// The longest recording, in real ms (a tour step lasts at most a few seconds).
const RECORD_AT_MOST_MS: f64 = 30_000.0;
/// Frames per second captured from the canvas.
const RECORD_FPS: f64 = 30.0;

/// Where a recording stops.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Until {
    /// The tour's step has played to its waypoint.
    StepShown,
    /// The sandbox's cursor is back where it was.
    Moment(Instant),
}

/// A recording under way (or just finished: kept until the next one, since its own
/// `stop` listener is what ends it).
pub struct Recording {
    recorder: MediaRecorder,
    chunks: js_sys::Array,
    until: Until,
    started_ms: f64,
    name: String,
    /// Whether the sandbox was playing before (it plays while recording).
    was_playing: bool,
    stopping: bool,
    /// The finished video's object URL, freed with the recording (freeing it at once
    /// could cancel the download it started).
    url: Option<String>,
    _listeners: [Listener; 2],
}

impl Drop for Recording {
    fn drop(&mut self) {
        if let Some(url) = &self.url {
            let _ = Url::revoke_object_url(url);
        }
    }
}

impl core::fmt::Debug for Recording {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Recording")
            .field("name", &self.name)
            .field("stopping", &self.stopping)
            .finish()
    }
}

/// Downloads `href` as `name`, through a link clicked at once.
fn download(doc: &web_sys::Document, href: &str, name: &str) -> Result<(), JsValue> {
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

impl Page {
    /// "Save picture": the cluster's frame at twice its CSS size, as PNG.
    pub fn save_png(&mut self) -> Result<(), JsValue> {
        let canvas: HtmlCanvasElement = self.document.create_element("canvas")?.dyn_into()?;
        let family = super::page::css_var(&self.window, &self.canvas, "--canvas-font");
        let mut painter = CanvasPainter::new(&canvas, &family, true)?;
        let (w, h) = self.size;
        if !painter.begin(w, h, PNG_SCALE) {
            return Err(err("the picture is empty: the canvas has no size"));
        }
        crate::draw::draw(
            &self.app.frame(),
            self.app.stage(),
            self.theme,
            &mut painter,
        );
        let url = canvas.to_data_url()?;
        download(&self.document, &url, &export::file_name(&self.app, "png"))
    }

    /// "SVG": the space-time diagram of the visible window.
    pub fn save_svg(&mut self) -> Result<(), JsValue> {
        let pane = self
            .diagram
            .as_mut()
            .ok_or_else(|| err("this page has no diagram"))?;
        let scale = pane.scale(&self.app);
        let family = super::page::css_var(&self.window, &self.canvas, "--canvas-font");
        let svg = export::diagram_svg(&self.app, scale.width, scale.height, self.theme, &family);
        let url = super::dom::concat(&[
            "data:image/svg+xml;charset=utf-8,",
            &crate::share::percent_encode(&svg),
        ]);
        download(&self.document, &url, &export::file_name(&self.app, "svg"))
    }

    /// "Record": plays the tour's step again, or the sandbox's last seconds, while the
    /// browser records the canvas; pressed again, stops early.
    pub fn record(&mut self, now_ms: f64) -> Result<(), JsValue> {
        if let Some(r) = self.recording.as_mut().filter(|r| !r.stopping) {
            r.stopping = true;
            return r.recorder.stop();
        }
        if !MediaRecorder::is_type_supported("video/webm") {
            return Err(err(self
                .app
                .lang()
                .tr("This browser cannot record WebM video.")));
        }
        let was_playing = self.app.playing();
        let until = if self.app.tour().is_some() {
            self.command(Command::Replay).map_err(|e| err(&e))?;
            Until::StepShown
        } else {
            let target = self.app.world().now();
            let back_us = RECORD_LAST_MS * 1_000.0 * self.app.speed();
            let start = (target.as_micros() as f64 - back_us).max(0.0);
            self.command(Command::Seek(Instant::from_micros(start as u64)))
                .map_err(|e| err(&e))?;
            self.command(Command::Play).map_err(|e| err(&e))?;
            Until::Moment(target)
        };
        let stream = self
            .canvas
            .capture_stream_with_frame_request_rate(RECORD_FPS)?;
        let recorder = MediaRecorder::new_with_media_stream(&stream)?;
        let target: &web_sys::EventTarget = &recorder;
        let listeners = [
            Listener::new(
                target,
                "dataavailable",
                super::events::on_record_data as fn(Event),
            )?,
            Listener::new(target, "stop", super::events::on_record_stop as fn(Event))?,
        ];
        recorder.start()?;
        self.recording = Some(Recording {
            recorder,
            chunks: js_sys::Array::new(),
            until,
            started_ms: now_ms,
            name: export::file_name(&self.app, "webm"),
            was_playing,
            stopping: false,
            url: None,
            _listeners: listeners,
        });
        self.sync_record_button();
        Ok(())
    }

    /// Each frame: stops the recording once its scene has played.
    pub(super) fn check_recording(&mut self, now_ms: f64) {
        let Some(r) = self.recording.as_mut().filter(|r| !r.stopping) else {
            return;
        };
        let done = match r.until {
            Until::StepShown => self.app.tour().is_none_or(|t| !t.is_playing()),
            Until::Moment(t) => self.app.world().now() >= t,
        };
        if !(done || now_ms - r.started_ms > RECORD_AT_MOST_MS) {
            return;
        }
        r.stopping = true;
        let stopped = r.recorder.stop();
        // The sandbox goes back to exactly where it was, playing or not as before.
        if let Until::Moment(t) = r.until {
            let was_playing = r.was_playing;
            let _ = self.app.command(Command::Seek(t));
            if !was_playing {
                let _ = self.app.command(Command::Pause);
            }
        }
        if let Err(e) = stopped {
            self.notice(&message_of(&e));
        }
    }

    /// A piece of the recording arrived.
    pub(super) fn record_data(&mut self, data: JsValue) {
        if let Some(r) = self.recording.as_ref() {
            r.chunks.push(&data);
        }
    }

    /// The recorder stopped: the video is downloaded.
    pub(super) fn record_stopped(&mut self) {
        let Some(r) = self.recording.as_mut() else {
            return;
        };
        r.stopping = true;
        let chunks = core::mem::replace(&mut r.chunks, js_sys::Array::new());
        let name = r.name.clone();
        let saved = (|| -> Result<String, JsValue> {
            let options = BlobPropertyBag::new();
            options.set_type("video/webm");
            let blob = Blob::new_with_blob_sequence_and_options(&chunks, &options)?;
            let url = Url::create_object_url_with_blob(&blob)?;
            download(&self.document, &url, &name)?;
            Ok(url)
        })();
        if let (Ok(url), Some(r)) = (&saved, self.recording.as_mut()) {
            r.url = Some(url.clone());
        }
        if let Err(e) = saved {
            self.notice(&message_of(&e));
        }
        self.sync_record_button();
        self.runner.wake();
    }

    /// The record button is pressed while a recording runs.
    fn sync_record_button(&self) {
        if let Some(b) = self.document.get_element_by_id("rv-record") {
            let on = self.recording.as_ref().is_some_and(|r| !r.stopping);
            super::dom::set_attr(&b, "aria-pressed", if on { "true" } else { "false" });
        }
    }
}
