//! `window.raftviz`: the JS API for host pages and tests.
//!
//! ```js
//! raftviz.version                       // "0.1.0"
//! raftviz.snapshot()                    // { timeMs, seed, playing, speed, live, leader,
//!                                       //   nodes: [...], messages: [...], safe, violations, scene }
//! raftviz.command({ type: "crash", node: "A" })   // true, or throws an Error
//! ```
//!
//! `snapshot()` is [`App::snapshot`](crate::app::App::snapshot) through
//! serde-wasm-bindgen (JSON-compatible: `null` for nothing). `command(obj)` reads a
//! [`UiCommand`], applies it, wakes the loop and returns `true`; a malformed object or
//! a refused command throws an `Error` saying why.
//!
//! Commands are read by [`read_command`], by hand, not by `UiCommand`'s serde
//! derive: the derived deserializer of that internally tagged enum alone weighs about
//! 20 KB of gzipped wasm, a fifth of the page's budget. The browser tests check that
//! both accept and refuse the same objects, and [`type_name`]'s exhaustive match makes
//! a new variant a compile error here until it is readable.

use wasm_bindgen::prelude::*;
use web_sys::Window;

use super::dom::concat;
use crate::app::UiCommand;

/// The installed API; dropping it removes `window.raftviz`.
pub struct Api {
    window: Window,
    _snapshot: Closure<dyn FnMut() -> Result<JsValue, JsValue>>,
    _command: Closure<dyn FnMut(JsValue) -> Result<bool, JsValue>>,
}

impl core::fmt::Debug for Api {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Api")
    }
}

/// The property name on `window`.
pub const GLOBAL: &str = "raftviz";

impl Api {
    /// Sets `window.raftviz`, forwarding to `snapshot` and `command`.
    pub fn install(
        window: &Window,
        snapshot: fn() -> Result<JsValue, JsValue>,
        command: fn(JsValue) -> Result<bool, JsValue>,
    ) -> Result<Api, JsValue> {
        let snapshot = Closure::<dyn FnMut() -> Result<JsValue, JsValue>>::new(snapshot);
        let command = Closure::<dyn FnMut(JsValue) -> Result<bool, JsValue>>::new(command);
        let api = js_sys::Object::new();
        js_sys::Reflect::set(&api, &"snapshot".into(), snapshot.as_ref())?;
        js_sys::Reflect::set(&api, &"command".into(), command.as_ref())?;
        js_sys::Reflect::set(&api, &"version".into(), &env!("CARGO_PKG_VERSION").into())?;
        js_sys::Object::freeze(&api);
        js_sys::Reflect::set(window, &GLOBAL.into(), &api)?;
        Ok(Api {
            window: window.clone(),
            _snapshot: snapshot,
            _command: command,
        })
    }
}

impl Drop for Api {
    fn drop(&mut self) {
        let _ = js_sys::Reflect::delete_property(&self.window, &GLOBAL.into());
    }
}

/// The `type` string of a command (the inverse of [`read_command`]'s dispatch; its
/// exhaustive match keeps the reader complete).
pub fn type_name(c: &UiCommand) -> &'static str {
    match c {
        UiCommand::Play => "play",
        UiCommand::Pause => "pause",
        UiCommand::Toggle => "toggle",
        UiCommand::Speed { .. } => "speed",
        UiCommand::Step => "step",
        UiCommand::Back => "back",
        UiCommand::Seek { .. } => "seek",
        UiCommand::Live => "live",
        UiCommand::Crash { .. } => "crash",
        UiCommand::Restart { .. } => "restart",
        UiCommand::Timeout { .. } => "timeout",
        UiCommand::Set { .. } => "set",
        UiCommand::Add { .. } => "add",
        UiCommand::Drop { .. } => "drop",
        UiCommand::Partition { .. } => "partition",
        UiCommand::Cut { .. } => "cut",
        UiCommand::Heal => "heal",
        UiCommand::Network { .. } => "network",
        UiCommand::Timeouts { .. } => "timeouts",
        UiCommand::Nodes { .. } => "nodes",
        UiCommand::Seed { .. } => "seed",
        UiCommand::Select { .. } => "select",
        UiCommand::Scene { .. } => "scene",
        UiCommand::Sandbox => "sandbox",
        UiCommand::Lang { .. } => "lang",
    }
}

/// Reads a command object (`{type: "crash", node: "A"}`), as `UiCommand`'s serde
/// derive would: `type` picks the variant, fields are camelCase, optional ones may be
/// missing, `null` or `undefined`, and unknown fields are ignored.
pub fn read_command(v: &JsValue) -> Result<UiCommand, String> {
    if !v.is_object() {
        return Err(String::from(
            "invalid type: expected an object like {type: \"play\"}",
        ));
    }
    let f = Fields(v);
    let ty = f.string("type")?;
    Ok(match ty.as_str() {
        "play" => UiCommand::Play,
        "pause" => UiCommand::Pause,
        "toggle" => UiCommand::Toggle,
        "speed" => UiCommand::Speed {
            value: f.number("value")?,
        },
        "step" => UiCommand::Step,
        "back" => UiCommand::Back,
        "seek" => UiCommand::Seek {
            ms: f.number("ms")?,
        },
        "live" => UiCommand::Live,
        "crash" => UiCommand::Crash {
            node: f.string("node")?,
        },
        "restart" => UiCommand::Restart {
            node: f.string("node")?,
        },
        "timeout" => UiCommand::Timeout {
            node: f.string("node")?,
        },
        "set" => UiCommand::Set {
            value: f.int("value")?,
            node: f.opt(Fields::string, "node")?,
        },
        "add" => UiCommand::Add {
            value: f.int("value")?,
            node: f.opt(Fields::string, "node")?,
        },
        "drop" => UiCommand::Drop {
            message: f.unsigned("message")?,
        },
        "partition" => UiCommand::Partition {
            groups: f.groups("groups")?,
        },
        "cut" => UiCommand::Cut {
            from: f.string("from")?,
            to: f.string("to")?,
            both: f.opt(Fields::boolean, "both")?,
        },
        "heal" => UiCommand::Heal,
        "network" => UiCommand::Network {
            loss: f.opt(Fields::number, "loss")?,
            latency_min: f.opt(Fields::number, "latencyMin")?,
            latency_max: f.opt(Fields::number, "latencyMax")?,
            duplicate: f.opt(Fields::number, "duplicate")?,
            reorder: f.opt(Fields::number, "reorder")?,
        },
        "timeouts" => UiCommand::Timeouts {
            min: f.number("min")?,
            max: f.number("max")?,
        },
        "nodes" => UiCommand::Nodes {
            count: usize::try_from(f.unsigned("count")?)
                .map_err(|_| String::from("invalid value for `count`"))?,
        },
        "seed" => UiCommand::Seed {
            seed: f.unsigned("seed")?,
        },
        "select" => UiCommand::Select {
            node: f.opt(Fields::string, "node")?,
            message: f.opt(Fields::unsigned, "message")?,
        },
        "scene" => UiCommand::Scene {
            id: f.string("id")?,
        },
        "sandbox" => UiCommand::Sandbox,
        "lang" => UiCommand::Lang {
            lang: f.string("lang")?,
        },
        other => {
            return Err(concat(&[
                "unknown variant `",
                other,
                "`: use play, pause, toggle, speed, step, back, seek, live, crash, restart, timeout, set, add, drop, partition, cut, heal, network, timeouts, nodes, seed, select, scene, sandbox or lang",
            ]));
        }
    })
}

/// The fields of a command object. The readers are `#[inline(never)]`: inlined, each
/// of their ~40 calls in [`read_command`] carried its own copy of the lookup and error path.
struct Fields<'a>(&'a JsValue);

/// The largest integer a JS number holds exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

impl Fields<'_> {
    #[inline(never)]
    fn get(&self, key: &str) -> Result<JsValue, String> {
        js_sys::Reflect::get(self.0, &JsValue::from_str(key))
            .map_err(|_| concat(&["cannot read field `", key, "`"]))
    }

    fn missing(key: &str) -> String {
        concat(&["missing field `", key, "`"])
    }

    /// "invalid type for `key`: expected {what}".
    fn invalid(key: &str, what: &str) -> String {
        concat(&["invalid type for `", key, "`: expected ", what])
    }

    fn present(&self, key: &str) -> Result<JsValue, String> {
        let v = self.get(key)?;
        if v.is_undefined() {
            Err(Self::missing(key))
        } else {
            Ok(v)
        }
    }

    fn opt<T>(
        &self,
        read: fn(&Self, &str) -> Result<T, String>,
        key: &str,
    ) -> Result<Option<T>, String> {
        let v = self.get(key)?;
        if v.is_undefined() || v.is_null() {
            Ok(None)
        } else {
            read(self, key).map(Some)
        }
    }

    #[inline(never)]
    fn string(&self, key: &str) -> Result<String, String> {
        self.present(key)?
            .as_string()
            .ok_or_else(|| Self::invalid(key, "a string"))
    }

    #[inline(never)]
    fn boolean(&self, key: &str) -> Result<bool, String> {
        self.present(key)?
            .as_bool()
            .ok_or_else(|| Self::invalid(key, "a boolean"))
    }

    #[inline(never)]
    fn number(&self, key: &str) -> Result<f64, String> {
        self.present(key)?
            .as_f64()
            .ok_or_else(|| Self::invalid(key, "a number"))
    }

    #[inline(never)]
    fn integer(&self, key: &str, min: f64) -> Result<f64, String> {
        let n = self.number(key)?;
        if n.fract() != 0.0 || !(min..=MAX_SAFE).contains(&n) {
            return Err(concat(&[
                "invalid value for `",
                key,
                "`: expected a whole number from ",
                if min < 0.0 { "-2^53" } else { "0" },
                " to 2^53",
            ]));
        }
        Ok(n)
    }

    fn int(&self, key: &str) -> Result<i64, String> {
        self.integer(key, -MAX_SAFE).map(|n| n as i64)
    }

    fn unsigned(&self, key: &str) -> Result<u64, String> {
        self.integer(key, 0.0).map(|n| n as u64)
    }

    #[inline(never)]
    fn groups(&self, key: &str) -> Result<Vec<Vec<String>>, String> {
        let bad = || Self::invalid(key, "arrays of node names");
        let outer = self.present(key)?;
        if !js_sys::Array::is_array(&outer) {
            return Err(bad());
        }
        // Loops, not nested `collect::<Result<..>>`: fewer generic instantiations.
        let mut groups = Vec::new();
        for g in js_sys::Array::from(&outer).iter() {
            if !js_sys::Array::is_array(&g) {
                return Err(bad());
            }
            let mut group = Vec::new();
            for n in js_sys::Array::from(&g).iter() {
                group.push(n.as_string().ok_or_else(bad)?);
            }
            groups.push(group);
        }
        Ok(groups)
    }
}
