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
//! 20 KB of gzipped wasm, a fifth of the page's budget. It is table-driven: `NAMES`
//! and `FIELDS` say which fields each `type` has and of what kind, one reader checks
//! every field, and `build` only moves the values into the variant (one arm per
//! command calling typed readers was ~6 KB of wasm). The browser tests check that both
//! accept and refuse the same objects and that every variant is read, and
//! [`type_name`]'s exhaustive match makes a new variant a compile error here, a
//! reminder to add it to the table.

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
/// exhaustive match is a reminder to add a new variant to `NAMES`).
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

/// What a field holds.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Str,
    Bool,
    Groups,
    Num,
    Int,
    Uint,
}

use Kind::*;

/// What each [`Kind`] expects, for error messages.
const EXPECTED: [&str; 6] = [
    "a string",
    "a boolean",
    "arrays of node names",
    "a number",
    "a whole number from -2^53 to 2^53",
    "a whole number from 0 to 2^53",
];

/// Marks an optional field: missing, `null` and `undefined` read as `None`.
const OPT: bool = true;
const REQ: bool = false;

/// A field: its camelCase name and kind.
type Field = (&'static str, Kind, bool);

const NODE: &[Field] = &[("node", Str, REQ)];
const VALUE_NODE: &[Field] = &[("value", Int, REQ), ("node", Str, OPT)];

/// Every command's `type`, in [`FIELDS`]' and `build`'s order (also the list shown
/// for an unknown one).
const NAMES: &str = "play pause toggle speed step back seek live crash restart timeout set add drop partition cut heal network timeouts nodes seed select scene sandbox lang";

/// The fields of each command of [`NAMES`], in order. The field at position `i` is
/// read into slot `i` of [`Values`] (`s` for a string, `n` for a number); `build`
/// takes a required string from the first position and an optional one (or `cut`'s
/// `to`) from the second.
static FIELDS: [&[Field]; 25] = [
    /* play */ &[],
    /* pause */ &[],
    /* toggle */ &[],
    /* speed */ &[("value", Num, REQ)],
    /* step */ &[],
    /* back */ &[],
    /* seek */ &[("ms", Num, REQ)],
    /* live */ &[],
    /* crash */ NODE,
    /* restart */ NODE,
    /* timeout */ NODE,
    /* set */ VALUE_NODE,
    /* add */ VALUE_NODE,
    /* drop */ &[("message", Uint, REQ)],
    /* partition */ &[("groups", Groups, REQ)],
    /* cut */ &[("from", Str, REQ), ("to", Str, REQ), ("both", Bool, OPT)],
    /* heal */ &[],
    /* network */
    &[
        ("loss", Num, OPT),
        ("latencyMin", Num, OPT),
        ("latencyMax", Num, OPT),
        ("duplicate", Num, OPT),
        ("reorder", Num, OPT),
    ],
    /* timeouts */ &[("min", Num, REQ), ("max", Num, REQ)],
    /* nodes */ &[("count", Uint, REQ)],
    /* seed */ &[("seed", Uint, REQ)],
    /* select */ &[("message", Uint, OPT), ("node", Str, OPT)],
    /* scene */ &[("id", Str, REQ)],
    /* sandbox */ &[],
    /* lang */ &[("lang", Str, REQ)],
];

/// The fields read so far (see [`NAMES`]).
#[derive(Default)]
struct Values {
    s: [Option<String>; 2],
    n: [Option<f64>; 8],
    b: Option<bool>,
    g: Vec<Vec<String>>,
}

/// The largest integer a JS number holds exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// Reads field `key` of `obj` into slot `i` of `v`: one path for every field of every
/// command (per-command code, ~25 arms each calling typed readers, was 6 KB of wasm).
#[inline(never)]
fn read_field(
    obj: &JsValue,
    (key, kind, optional): Field,
    i: usize,
    v: &mut Values,
) -> Result<(), String> {
    let failure = match js_sys::Reflect::get(obj, &JsValue::from_str(key)) {
        Err(_) => "cannot read field `",
        Ok(x) if x.is_undefined() || x.is_null() => {
            if optional {
                return Ok(());
            }
            "missing field `"
        }
        Ok(x) => {
            let ok = match kind {
                Str => {
                    let s = &mut v.s[i & 1];
                    *s = x.as_string();
                    s.is_some()
                }
                Bool => {
                    v.b = x.as_bool();
                    v.b.is_some()
                }
                Groups => groups(&x).map(|g| v.g = g).is_some(),
                _ => {
                    let n = &mut v.n[i & 7];
                    *n = x.as_f64();
                    n.is_some_and(|n| {
                        kind == Num
                            || (n.fract() == 0.0
                                && n >= if kind == Int { -MAX_SAFE } else { 0.0 }
                                && n <= MAX_SAFE)
                    })
                }
            };
            if ok {
                return Ok(());
            }
            "invalid value for `"
        }
    };
    Err(concat(&[
        failure,
        key,
        "`: expected ",
        EXPECTED[kind as usize],
    ]))
}

/// `x` as an array, if it is one.
fn array(x: &JsValue) -> Option<&js_sys::Array> {
    js_sys::Array::is_array(x).then(|| x.unchecked_ref())
}

/// An array of arrays of strings.
fn groups(x: &JsValue) -> Option<Vec<Vec<String>>> {
    // Loops, not nested `collect::<Option<..>>`: fewer generic instantiations.
    let mut groups = Vec::new();
    for g in array(x)?.iter() {
        let mut group = Vec::new();
        for n in array(&g)?.iter() {
            group.push(n.as_string()?);
        }
        groups.push(group);
    }
    Some(groups)
}

/// Reads a command object (`{type: "crash", node: "A"}`), as `UiCommand`'s serde
/// derive would: `type` picks the variant, fields are camelCase, optional ones may be
/// missing, `null` or `undefined`, and unknown fields are ignored.
pub fn read_command(obj: &JsValue) -> Result<UiCommand, String> {
    if !obj.is_object() {
        return Err(String::from(
            "invalid type: expected an object like {type: \"play\"}",
        ));
    }
    let mut v = Values::default();
    read_field(obj, ("type", Str, REQ), 0, &mut v)?;
    let ty = v.s[0].take().unwrap_or_default();
    let c = NAMES.split(' ').position(|name| name == ty).unwrap_or(99);
    let Some(fields) = FIELDS.get(c) else {
        return Err(concat(&["unknown variant `", &ty, "`: use one of ", NAMES]));
    };
    for (i, &field) in fields.iter().enumerate() {
        read_field(obj, field, i, &mut v)?;
    }
    Ok(build(c, &mut v))
}

/// Command `c` of [`NAMES`] from its fields.
#[inline(never)]
fn build(c: usize, v: &mut Values) -> UiCommand {
    // Unpacked once for every arm: a required string is always first, an optional one second.
    let s0 = v.s[0].take().unwrap_or_default();
    let s1 = v.s[1].take();
    let n0 = v.n[0].unwrap_or(0.0);
    match c {
        0 => UiCommand::Play,
        1 => UiCommand::Pause,
        2 => UiCommand::Toggle,
        3 => UiCommand::Speed { value: n0 },
        4 => UiCommand::Step,
        5 => UiCommand::Back,
        6 => UiCommand::Seek { ms: n0 },
        7 => UiCommand::Live,
        8 => UiCommand::Crash { node: s0 },
        9 => UiCommand::Restart { node: s0 },
        10 => UiCommand::Timeout { node: s0 },
        11 => UiCommand::Set {
            value: n0 as i64,
            node: s1,
        },
        12 => UiCommand::Add {
            value: n0 as i64,
            node: s1,
        },
        13 => UiCommand::Drop { message: n0 as u64 },
        14 => UiCommand::Partition {
            groups: core::mem::take(&mut v.g),
        },
        15 => UiCommand::Cut {
            from: s0,
            to: s1.unwrap_or_default(),
            both: v.b,
        },
        16 => UiCommand::Heal,
        17 => UiCommand::Network {
            loss: v.n[0],
            latency_min: v.n[1],
            latency_max: v.n[2],
            duplicate: v.n[3],
            reorder: v.n[4],
        },
        18 => UiCommand::Timeouts {
            min: n0,
            max: v.n[1].unwrap_or(0.0),
        },
        // Past `usize` (2^32 here) saturates: the app refuses it like any count over 9.
        19 => UiCommand::Nodes { count: n0 as usize },
        20 => UiCommand::Seed { seed: n0 as u64 },
        21 => UiCommand::Select {
            node: s1,
            message: v.n[0].map(|n| n as u64),
        },
        22 => UiCommand::Scene { id: s0 },
        23 => UiCommand::Sandbox,
        _ => UiCommand::Lang { lang: s0 },
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn the_tables_and_build_agree_on_the_order() {
        assert_eq!(NAMES.split(' ').count(), FIELDS.len());
        for (c, name) in NAMES.split(' ').enumerate() {
            assert_eq!(type_name(&build(c, &mut Values::default())), name);
        }
    }

    #[wasm_bindgen_test]
    fn errors_name_the_field_and_what_was_expected() -> Result<(), JsValue> {
        for (text, want) in [
            (
                r#"{"type":"crash"}"#,
                "missing field `node`: expected a string",
            ),
            (
                r#"{"type":"crash","node":1}"#,
                "invalid value for `node`: expected a string",
            ),
            (
                r#"{"type":"drop","message":-1}"#,
                "invalid value for `message`: expected a whole number from 0 to 2^53",
            ),
            (
                r#"{"type":"cut","from":"A","to":"B","both":1}"#,
                "invalid value for `both`: expected a boolean",
            ),
            (
                r#"{"type":"partition","groups":[1]}"#,
                "invalid value for `groups`: expected arrays of node names",
            ),
            (r#"{}"#, "missing field `type`: expected a string"),
        ] {
            let value = js_sys::JSON::parse(text)?;
            assert_eq!(read_command(&value), Err(String::from(want)), "{text}");
        }
        let unknown = read_command(&js_sys::JSON::parse(r#"{"type":"warp"}"#)?);
        assert!(unknown.is_err_and(|e| e.starts_with("unknown variant `warp`: use one of play ")));
        Ok(())
    }
}
