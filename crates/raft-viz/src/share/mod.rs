//! Share links: the query string that rebuilds a run exactly ([`query`], read back by
//! [`open`]), with percent-encoding, and its part `a=`, the run's actions as a short,
//! URL-safe text ([`encode`], [`decode`]; `actions.rs`).
//!
//! # The query
//! A sandbox run is `seed=S&nodes=N&a=ACTIONS&at=MS&autoplay=0`, with
//! `&protocol=P` after `nodes` when it started with other switches than Basic's (the
//! protocol's URL form, [`crate::protocol`]; a change during the run is an action in
//! `a=`); a tour step is
//! `scene=ID&step=N` (from 1), and a moment of a tour scene between two steps
//! `scene=ID&at=MS&autoplay=0` (its cues are the scene's own); a run that began in a
//! scene and left it is `scene=ID&a=ACTIONS&at=MS&autoplay=0` (the scene's setup, then
//! every action, cues included). `speed=` and `lang=zh` follow when they are not the
//! defaults. `at` is the cursor, in whole milliseconds.

mod actions;

pub use actions::{MAX, ShareError, decode, encode};

use raft_sim::raft_core::Instant;
use raft_sim::{Protocol, Timeline};

use crate::app::{App, MAX_REPLAY, Origin, sandbox_setup};
use crate::command::{Command, CommandError};
use crate::lang::Lang;
use crate::narrate::text::say;
use crate::num::push_u64;
use crate::options::{DEFAULT_SPEED, Options, speed_param};

/// The query string (without `?`) of a link that rebuilds `app`'s run and shows it
/// paused at the cursor (see the module documentation).
pub fn query(app: &App) -> String {
    let mut q = String::new();
    if let Some(t) = app.tour().filter(|t| t.is_done(app.timeline())) {
        q.push_str("scene=");
        q.push_str(&percent_encode(t.scene().id));
        q.push_str("&step=");
        push_u64(&mut q, t.step() as u64 + 1);
        push_lang(&mut q, app.lang());
        return q;
    }
    let actions = match app.origin() {
        Origin::Sandbox => {
            q.push_str("seed=");
            push_u64(&mut q, app.seed());
            q.push_str("&nodes=");
            // The run's first size: servers added later are actions the link replays.
            push_u64(&mut q, app.timeline().setup().nodes as u64);
            let start = Protocol::of(&app.timeline().setup().raft);
            if start != Protocol::default() {
                // Names and commas only: nothing to percent-encode.
                q.push_str("&protocol=");
                q.push_str(&crate::protocol::param(&start));
            }
            true
        }
        Origin::Scene(id) => {
            q.push_str("scene=");
            q.push_str(&percent_encode(id));
            // In the scene, the actions are its cues: the scene's id says them.
            app.scene().is_none()
        }
    };
    if actions && !app.timeline().actions().is_empty() {
        q.push_str("&a=");
        q.push_str(&percent_encode(&encode(app.timeline().actions())));
    }
    q.push_str("&at=");
    push_u64(&mut q, app.world().now().as_micros() / 1_000);
    q.push_str("&autoplay=0");
    if (app.speed() - DEFAULT_SPEED).abs() > 1e-9 {
        q.push_str("&speed=");
        q.push_str(&speed_param(app.speed()));
    }
    push_lang(&mut q, app.lang());
    q
}

/// `&lang=zh` for Chinese; English is the default.
fn push_lang(q: &mut String, lang: Lang) {
    if lang == Lang::Zh {
        q.push_str("&lang=zh");
    }
}

/// Opens the run that `options` (a page's URL) describe: a new sandbox or tour scene
/// ([`App::new`]), or a shared run (`a=`, `at=`) rebuilt by [`Timeline::replay`].
/// What cannot be used is said in `notices`, in the reader's language, and the rest is
/// used: a broken `a=` starts a new run, actions past [`MAX_REPLAY`] or refused by the
/// world are left out, and `at=` goes no further than [`MAX_REPLAY`].
pub fn open(
    options: &Options,
    fresh_seed: u64,
    notices: &mut Vec<String>,
) -> Result<App, CommandError> {
    let lang = options.lang;
    let limit = Instant::ZERO.after(MAX_REPLAY);
    let at = options.at_ms.map(|ms| Instant::from_millis(ms).min(limit));
    let Some(text) = options.actions.as_deref() else {
        let mut app = App::new(options, fresh_seed)?;
        if let Some(at) = at {
            app.command(Command::Seek(at))?;
        }
        return Ok(app);
    };
    let (setup, origin) = match options.scene.as_deref().and_then(raft_sim::scene::by_id) {
        Some(s) => (s.setup, Origin::Scene(s.id)),
        None => (
            sandbox_setup(
                options.nodes,
                options.seed.unwrap_or(fresh_seed),
                options.protocol,
            ),
            Origin::Sandbox,
        ),
    };
    let mut actions = match decode(text, setup.nodes) {
        Ok(actions) => actions,
        Err(e) => {
            notices.push(say!(
                lang,
                "a=: {0}; starting a new run.",
                &e.describe(lang)
            ));
            return App::new(options, fresh_seed);
        }
    };
    if origin == Origin::Sandbox && options.seed.is_none() && !actions.is_empty() {
        notices.push(String::from(lang.tr(
            "a=: a shared run needs its seed; the actions are replayed on a fresh one.",
        )));
    }
    let recorded = actions.len();
    actions.retain(|a| a.at <= limit);
    let until = at.unwrap_or_else(|| actions.last().map_or(Instant::ZERO, |a| a.at));
    let (timeline, refused) = Timeline::replay(&setup, &actions, until)?;
    let skipped = recorded - actions.len() + refused;
    if skipped > 0 {
        notices.push(say!(
            lang,
            "a=: {0} shared action(s) could not be replayed and were skipped.",
            skipped
        ));
    }
    Ok(App::from_timeline(timeline, origin, options))
}

/// Percent-encodes everything but the URL's unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

/// Decodes `%xx` escapes and `+` as space; invalid escapes are kept as written.
/// Iterates instead of indexing and parses hex by hand: the indexing and
/// `from_str_radix` versions linked in panic and error paths.
pub fn percent_decode(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let mut ahead = bytes.clone();
                let pair = (ahead.next(), ahead.next().and_then(hex));
                // `%+f` decodes to 0x0f, as `u8::from_str_radix("+f", 16)` did before.
                match (
                    pair.0
                        .and_then(|b| if b == b'+' { Some(0) } else { hex(b) }),
                    pair.1,
                ) {
                    (Some(hi), Some(lo)) => {
                        out.push(hi << 4 | lo);
                        bytes = ahead;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The value of one hex digit.
fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}
