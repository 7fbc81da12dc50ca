//! Page options from the URL (`?scene=split-vote&step=3&lang=zh`, `?seed=42&nodes=5`):
//! every bad value becomes a notice and falls back to its default; nothing is fatal.
//!
//! The page opens on the tour (its first scene, or `scene=`, at `step=`) unless the URL
//! names sandbox settings (`seed`, `nodes`, `protocol`, `a`) without a scene, or
//! `mode=sandbox`.

use raft_sim::Protocol;

use crate::lang::Lang;
use crate::num::parse_decimal;
use crate::protocol::ParamError;
use crate::share::percent_decode;

/// Slowest playback: a thousandth of real time.
pub const MIN_SPEED: f64 = 0.001;
/// Fastest playback: real time.
pub const MAX_SPEED: f64 = 1.0;
/// Default playback speed: 1/15 of real time, so a 150–300 ms election timeout takes a
/// few seconds to watch and a 10–20 ms message visibly travels.
pub const DEFAULT_SPEED: f64 = 1.0 / 15.0;

/// Which controls show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Controls {
    /// Everything (the sandbox).
    #[default]
    All,
    /// Play/pause, speed and the timeline only (embeds).
    Minimal,
    /// Just the canvas.
    None,
}

/// Colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeChoice {
    /// Follow `prefers-color-scheme`.
    #[default]
    Auto,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

/// The options a page starts with.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// A tour scene to open, by id (the tour's first when the URL asks for no
    /// sandbox).
    pub scene: Option<String>,
    /// The tour step to open (from 0; the URL's `step=` counts from 1).
    pub step: Option<usize>,
    /// Cluster size, 1 to 9.
    pub nodes: usize,
    /// The seed; `None` means "draw a fresh one" (at the web edge).
    pub seed: Option<u64>,
    /// Playback speed, virtual time per real time.
    pub speed: f64,
    /// Language.
    pub lang: Lang,
    /// Start playing at once.
    pub autoplay: bool,
    /// Which controls show.
    pub controls: Controls,
    /// Colour theme.
    pub theme: ThemeChoice,
    /// The encoded actions of a shared run (`share::decode` reads them).
    pub actions: Option<String>,
    /// The virtual time, in ms, a shared link points at.
    pub at_ms: Option<u64>,
    /// The protocol a sandbox run starts with (`protocol=`, see
    /// [`crate::protocol`]); a tour scene sets its own.
    pub protocol: Protocol,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            scene: None,
            step: None,
            nodes: 5,
            seed: None,
            speed: DEFAULT_SPEED,
            lang: Lang::En,
            autoplay: true,
            controls: Controls::All,
            theme: ThemeChoice::Auto,
            actions: None,
            at_ms: None,
            protocol: Protocol::default(),
        }
    }
}

/// Parses a query string (with or without the leading `?`). Returns the options and one
/// notice per value that was refused, in the chosen language.
pub fn parse(query: &str, known_scene: impl Fn(&str) -> bool) -> (Options, Vec<String>) {
    let pairs: Vec<(String, String)> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    let mut o = Options::default();
    let mut notices = Vec::new();
    // The language first, so that the other notices use it.
    if let Some((_, v)) = pairs.iter().find(|(k, _)| k == "lang") {
        match Lang::parse(v) {
            Some(l) => o.lang = l,
            None => notices.push(notice("lang", v, "use en or zh; showing English.")),
        }
    }
    let lang = o.lang;
    let mut sandbox = false;
    let mut autoplay_named = false;
    // The `protocol=` value, refused below if a scene opens.
    let mut protocol_named: Option<&str> = None;
    for (k, v) in &pairs {
        // One table row per option: its name and its notice in both languages. A
        // single push of a looked-up text is smaller than a push per option.
        let Some(&(_, key, en)) = OPTIONS.iter().find(|row| row.0 == k) else {
            let mut n = k.clone();
            n.push_str(": ");
            n.push_str(lang.tr("unknown option, ignored."));
            notices.push(n);
            continue;
        };
        let taken = match key {
            Key::Lang => true,
            Key::Scene => {
                let known = known_scene(v);
                if known {
                    o.scene = Some(v.clone());
                }
                known
            }
            Key::Step => set(
                &mut o.step,
                v.parse::<usize>()
                    .ok()
                    .filter(|n| (1..=99).contains(n))
                    .map(|n| Some(n - 1)),
            ),
            Key::Mode => match v.as_str() {
                "sandbox" => {
                    sandbox = true;
                    true
                }
                "tour" => true,
                _ => false,
            },
            Key::Nodes => {
                sandbox = true;
                set(&mut o.nodes, v.parse().ok().filter(|n| (1..=9).contains(n)))
            }
            Key::Seed => {
                sandbox = true;
                set(&mut o.seed, v.parse().ok().map(Some))
            }
            Key::Speed => set(&mut o.speed, parse_speed(v)),
            Key::Autoplay => {
                autoplay_named = true;
                set(&mut o.autoplay, parse_bool(v))
            }
            Key::Controls => set(
                &mut o.controls,
                match v.as_str() {
                    "all" | "" => Some(Controls::All),
                    "minimal" => Some(Controls::Minimal),
                    "none" => Some(Controls::None),
                    _ => None,
                },
            ),
            Key::Theme => set(
                &mut o.theme,
                match v.as_str() {
                    "auto" | "" => Some(ThemeChoice::Auto),
                    "light" => Some(ThemeChoice::Light),
                    "dark" => Some(ThemeChoice::Dark),
                    _ => None,
                },
            ),
            Key::Actions => {
                sandbox = true;
                set(&mut o.actions, Some(Some(v.clone())))
            }
            Key::Protocol => {
                sandbox = true;
                protocol_named = Some(v);
                match crate::protocol::parse_param(v) {
                    Ok(p) => set(&mut o.protocol, Some(p)),
                    Err(ParamError::Unknown) => false,
                    // A bad number gets its own notice: the list of names would not
                    // say what is wrong.
                    Err(ParamError::Threshold) => {
                        notices.push(notice(
                            k,
                            v,
                            lang.tr("snapshot-every is a whole number of entries from 0 (never) to 10000; using basic."),
                        ));
                        continue;
                    }
                }
            }
            Key::At => set(
                &mut o.at_ms,
                v.parse().ok().filter(|ms| *ms <= 24 * 3_600_000).map(Some),
            ),
        };
        if !taken {
            notices.push(notice(k, v, lang.tr(en)));
        }
    }
    if o.scene.is_none() && !sandbox {
        o.scene = Some(String::from(FIRST_SCENE));
    }
    if let (Some(_), Some(v)) = (&o.scene, protocol_named) {
        o.protocol = Protocol::default();
        notices.push(notice(
            "protocol",
            v,
            lang.tr("a tour scene sets its own switches; ignored."),
        ));
    }
    // A tour step opens as it is (a deep link shows that exact state) unless the URL
    // asks to play it.
    if o.scene.is_some() && o.actions.is_none() && !autoplay_named {
        o.autoplay = false;
    }
    (o, notices)
}

/// The tour's first scene, where the page opens by default.
pub const FIRST_SCENE: &str = "consensus";

/// What an option sets (the rows of [`OPTIONS`]).
#[derive(Clone, Copy)]
enum Key {
    Lang,
    Scene,
    Step,
    Mode,
    Nodes,
    Seed,
    Speed,
    Autoplay,
    Controls,
    Theme,
    Actions,
    At,
    Protocol,
}

/// The options: URL name, what it sets, and the notice (in English; [`Lang::tr`]) for
/// a value that is refused. `lang`'s notice is written apart, before the language is
/// known.
const OPTIONS: [(&str, Key, &str); 13] = [
    ("lang", Key::Lang, ""),
    ("scene", Key::Scene, "no such scene, ignored."),
    (
        "step",
        Key::Step,
        "a step is a whole number from 1; opening the first.",
    ),
    ("mode", Key::Mode, "use tour or sandbox."),
    ("nodes", Key::Nodes, "a cluster has 1 to 9 nodes; using 5."),
    (
        "seed",
        Key::Seed,
        "the seed is a whole number; using a fresh one.",
    ),
    (
        "speed",
        Key::Speed,
        "speed is between 1/1000 and 1 (e.g. 1/20 or 0.05); using 1/15.",
    ),
    ("autoplay", Key::Autoplay, "use 1 or 0."),
    ("controls", Key::Controls, "use all, minimal or none."),
    ("theme", Key::Theme, "use light, dark or auto."),
    ("a", Key::Actions, ""),
    (
        "at",
        Key::At,
        "at is a time in milliseconds; starting at 0.",
    ),
    (
        "protocol",
        Key::Protocol,
        "use basic, full, unsafe, or switch names joined by commas, and snapshot-every=N (e.g. pre-vote,check-quorum,snapshot-every=20; also noop, immediate, single-server, fixed-timeout, no-log-check, commit-old-terms, two-changes, snapshot-drops-log); using basic.",
    ),
];

/// Stores `value` if there is one; says whether there was.
fn set<T>(slot: &mut T, value: Option<T>) -> bool {
    let taken = value.is_some();
    if let Some(v) = value {
        *slot = v;
    }
    taken
}

/// `key=value: why`, by concatenation (a `format!` per notice costs more code).
fn notice(key: &str, value: &str, why: &str) -> String {
    let mut n = String::with_capacity(key.len() + value.len() + why.len() + 3);
    n.push_str(key);
    n.push('=');
    n.push_str(value);
    n.push_str(": ");
    n.push_str(why);
    n
}

/// `1`, `0.05`, `1/20`, within [1/1000, 1].
pub fn parse_speed(v: &str) -> Option<f64> {
    let value = match v.split_once('/') {
        Some((a, b)) => {
            let (a, b) = (parse_decimal(a)?, parse_decimal(b)?);
            if b == 0.0 {
                return None;
            }
            a / b
        }
        None => parse_decimal(v)?,
    };
    (value.is_finite() && (MIN_SPEED - 1e-12..=MAX_SPEED + 1e-12).contains(&value))
        .then(|| crate::num::clamp(value, MIN_SPEED, MAX_SPEED))
}

/// A speed as [`parse_speed`] reads it: `1/15` for the usual fractions, else a
/// decimal (the values of the page's speed select too).
pub fn speed_param(speed: f64) -> String {
    let inverse = 1.0 / speed;
    if (speed - 1.0).abs() < 1e-9 {
        String::from("1")
    } else if (inverse - inverse.round()).abs() < 1e-6 {
        let mut s = String::from("1/");
        crate::num::push_u64(&mut s, inverse.round() as u64);
        s
    } else {
        crate::num::decimal(speed, 6)
    }
}

fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "true" | "yes" | "" => Some(true),
        "0" | "false" | "no" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_q(q: &str) -> (Options, Vec<String>) {
        parse(q, |s| s == "split-vote")
    }

    #[test]
    fn no_query_opens_the_tours_first_step_paused() {
        let (o, n) = parse_q("");
        assert_eq!(
            o,
            Options {
                scene: Some(String::from(FIRST_SCENE)),
                autoplay: false,
                ..Options::default()
            }
        );
        assert!(n.is_empty());
    }

    #[test]
    fn sandbox_settings_or_mode_sandbox_open_the_sandbox() {
        for q in [
            "mode=sandbox",
            "seed=4",
            "nodes=3",
            "a=",
            "mode=sandbox&lang=zh",
            "protocol=full",
        ] {
            let (o, n) = parse_q(q);
            assert!(n.is_empty(), "{q}: {n:?}");
            assert_eq!(o.scene, None, "{q}");
            assert!(o.autoplay, "{q}: the sandbox plays");
        }
        let (o, _) = parse_q("step=3&autoplay=1");
        assert_eq!(
            (o.scene.as_deref(), o.step, o.autoplay),
            (Some(FIRST_SCENE), Some(2), true)
        );
        let (o, n) = parse_q("step=0");
        assert_eq!((o.step, n.len()), (None, 1));
        let (o, n) = parse_q("mode=films");
        assert_eq!((o.scene.as_deref(), n.len()), (Some(FIRST_SCENE), 1));
    }

    #[test]
    fn good_values_are_taken() {
        let (o, n) = parse_q(
            "?scene=split-vote&nodes=4&seed=42&speed=1/20&lang=zh&autoplay=0&controls=minimal&theme=dark&at=1500",
        );
        assert!(n.is_empty(), "{n:?}");
        assert_eq!(o.scene.as_deref(), Some("split-vote"));
        assert_eq!(
            (o.nodes, o.seed, o.lang, o.autoplay),
            (4, Some(42), Lang::Zh, false)
        );
        assert!((o.speed - 0.05).abs() < 1e-12);
        assert_eq!(
            (o.controls, o.theme, o.at_ms),
            (Controls::Minimal, ThemeChoice::Dark, Some(1500))
        );
    }

    #[test]
    fn bad_values_give_a_notice_and_the_default() {
        for q in [
            "nodes=0",
            "nodes=50",
            "nodes=abc",
            "speed=abc",
            "speed=2",
            "speed=1/0",
            "scene=nope",
            "seed=-1",
            "theme=pink",
            "wat=1",
            "protocol=fancy",
            "protocol=custom",
            "protocol=pre-vote,,noop",
            "protocol=snapshot-every=-3",
            "protocol=pre-vote,snapshot-every=10001",
        ] {
            // With `mode=sandbox`, so that no bad value opens the tour instead.
            let (o, n) = parse_q(&format!("mode=sandbox&{q}"));
            assert_eq!(n.len(), 1, "{q}: {n:?}");
            assert_eq!(o.nodes, 5, "{q}");
            assert!((o.speed - DEFAULT_SPEED).abs() < 1e-12, "{q}");
            assert_eq!(o.scene, None, "{q}");
        }
        crate::lang::install_bundled();
        let (_, n) = parse_q("lang=zh&nodes=50");
        assert!(n[0].contains("节点"), "notices follow the language: {n:?}");
    }

    #[test]
    fn a_protocol_is_a_preset_or_a_list_of_switches_and_only_for_the_sandbox() {
        use raft_sim::{Preset, Switch};
        let (o, n) = parse_q("protocol=full");
        assert!(n.is_empty(), "{n:?}");
        assert_eq!((o.scene, o.protocol), (None, Preset::Full.protocol()));
        let (o, n) = parse_q("seed=3&protocol=pre-vote,check-quorum");
        assert!(n.is_empty(), "{n:?}");
        assert_eq!(
            o.protocol,
            Protocol::default()
                .with(Switch::PreVote, true)
                .with(Switch::CheckQuorum, true)
        );
        let (o, n) = parse_q("protocol=warp");
        assert_eq!((o.protocol, n.len()), (Protocol::default(), 1));
        assert!(
            n[0].starts_with("protocol=warp: use basic, full, unsafe"),
            "{n:?}"
        );
        // The threshold is an item of the list; a bad one says what is wrong with it.
        let (o, n) = parse_q("protocol=single-server,snapshot-every=20");
        assert!(n.is_empty(), "{n:?}");
        assert_eq!(
            o.protocol,
            Protocol::default()
                .with(Switch::SingleServer, true)
                .with_snapshot_every(20)
        );
        for bad in [
            "snapshot-every=ten",
            "noop,snapshot-every=1e3",
            "snapshot-every=20000",
        ] {
            let (o, n) = parse_q(&format!("protocol={bad}"));
            assert_eq!((o.protocol, n.len()), (Protocol::default(), 1), "{bad}");
            assert_eq!(o.scene, None, "{bad}: still the sandbox");
            let want = format!(
                "protocol={bad}: snapshot-every is a whole number of entries from 0 (never) to {}; using basic.",
                raft_sim::MAX_SNAPSHOT_EVERY
            );
            assert_eq!(n[0], want);
        }
        // A scene sets its own switches: the option is refused, with a notice.
        let (o, n) = parse_q("scene=split-vote&protocol=unsafe");
        assert_eq!(o.scene.as_deref(), Some("split-vote"));
        assert_eq!((o.protocol, n.len()), (Protocol::default(), 1), "{n:?}");
    }

    #[test]
    fn speeds_are_fractions_or_decimals_within_range() {
        assert_eq!(parse_speed("1"), Some(1.0));
        assert_eq!(parse_speed("1/1000"), Some(0.001));
        assert_eq!(parse_speed("0.5"), Some(0.5));
        assert_eq!(parse_speed("1/1001"), None);
        assert_eq!(parse_speed("NaN"), None);
        assert_eq!(parse_speed("inf"), None);
    }

    #[test]
    fn percent_escapes_are_decoded_without_panicking() {
        assert_eq!(percent_decode("1%2F20"), "1/20");
        assert_eq!(percent_decode("a+b"), "a b");
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("%E4%B8%AD"), "中");
        assert_eq!(percent_decode("%41%4a%+5%4"), "AJ\u{5}%4");
        assert_eq!(percent_decode("%%41"), "%A");
    }
}
