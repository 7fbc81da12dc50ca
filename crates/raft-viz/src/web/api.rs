//! `window.raftviz`: the JS API for host pages and tests.
//!
//! ```js
//! raftviz.version                       // "0.1.0"
//! raftviz.snapshot()                    // { timeMs, seed, playing, speed, live, leader,
//!                                       //   nodes: [...], messages: [...], safe, violations, scene,
//!                                       //   tour: { scene, step, steps, caption, title, subjects, done } | null,
//!                                       //   task: { text, done } | null,
//!                                       //   protocol: { preset, preVote, checkQuorum, noop, immediate,
//!                                       //     joint, snapshotEvery,
//!                                       //     unsafe: { fixedElectionTimeout, skipLogUpToDateCheck,
//!                                       //       commitOldTermsByCounting, uncheckedMembershipChanges,
//!                                       //       snapshotDiscardsLogSuffix } } }
//! raftviz.scenes()                      // [{ id, title, chapter, steps }], in tour order
//! raftviz.command({ type: "crash", node: "A" })   // true, or throws an Error
//! ```
//!
//! `snapshot()` is [`App::snapshot`](crate::app::App::snapshot) through
//! serde-wasm-bindgen (JSON-compatible: `null` for nothing). `command(obj)` reads a
//! [`UiCommand`], applies it, wakes the loop and returns `true`; a malformed object or
//! a refused command throws an `Error` saying why.
//!
//! Commands are read by [`read_command`], by hand, not by a serde derive: the derived
//! deserializer of an internally tagged enum alone weighs about 20 KB of gzipped wasm,
//! a fifth of the page's budget. It is table-driven: one list, [`ui_commands!`], says
//! each command's `type`, its fields, their JS names and Rust types; the macro makes
//! from it the [`UiCommand`] enum, the table of fields one reader checks, the builder
//! that moves the values read into the variant, and [`type_name`]. Nothing has to agree
//! by position by hand. A [`UiCommand`] names nodes as the page's user does ("A", "b",
//! "2"); [`UiCommand::into_command`] turns it into the crate's typed [`Command`].

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::Window;

use raft_sim::{MAX_SNAPSHOT_EVERY, MsgId, Op, Preset, Switch};

use super::dom::concat;
use crate::app::App;
use crate::command::{Command, CommandError, NetworkChange, duration_ms, instant_ms};
use crate::lang::Lang;
use crate::snapshot::{SNAPSHOT_EVERY_KEY, SWITCH_KEYS};
use crate::view::Selection;

/// The installed API; dropping it removes `window.raftviz`.
pub struct Api {
    window: Window,
    _snapshot: Closure<dyn FnMut() -> Result<JsValue, JsValue>>,
    _command: Closure<dyn FnMut(JsValue) -> Result<bool, JsValue>>,
    _scenes: Closure<dyn FnMut() -> Result<JsValue, JsValue>>,
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
        scenes: fn() -> Result<JsValue, JsValue>,
    ) -> Result<Api, JsValue> {
        let snapshot = Closure::<dyn FnMut() -> Result<JsValue, JsValue>>::new(snapshot);
        let command = Closure::<dyn FnMut(JsValue) -> Result<bool, JsValue>>::new(command);
        let scenes = Closure::<dyn FnMut() -> Result<JsValue, JsValue>>::new(scenes);
        let api = js_sys::Object::new();
        js_sys::Reflect::set(&api, &"snapshot".into(), snapshot.as_ref())?;
        js_sys::Reflect::set(&api, &"command".into(), command.as_ref())?;
        js_sys::Reflect::set(&api, &"scenes".into(), scenes.as_ref())?;
        js_sys::Reflect::set(&api, &"version".into(), &env!("CARGO_PKG_VERSION").into())?;
        js_sys::Object::freeze(&api);
        js_sys::Reflect::set(window, &GLOBAL.into(), &api)?;
        Ok(Api {
            window: window.clone(),
            _snapshot: snapshot,
            _command: command,
            _scenes: scenes,
        })
    }
}

impl Drop for Api {
    fn drop(&mut self) {
        let _ = js_sys::Reflect::delete_property(&self.window, &GLOBAL.into());
    }
}

/// What a field holds, for the reader: each field's Rust type says it ([`FieldType`]).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Str,
    Bool,
    Groups,
    Num,
    Int,
    Uint,
    Switches,
}

/// What each [`Kind`] expects, for error messages.
const EXPECTED: [&str; 7] = [
    "a string",
    "a boolean",
    "arrays of node names",
    "a number",
    "a whole number from -2^53 to 2^53",
    "a whole number from 0 to 2^53",
    "an object like {preVote: true, joint: false, snapshotEvery: 8}",
];

/// The values read from a command's fields, each in the slot of its position: strings
/// and numbers in their arrays, the one boolean and the one list of groups apart.
#[derive(Default)]
struct Values {
    s: [Option<String>; MAX_FIELDS],
    n: [Option<f64>; MAX_FIELDS],
    b: Option<bool>,
    g: Option<Vec<Vec<String>>>,
    w: Option<SwitchChange>,
}

/// Some protocol switches, as `switches: {preVote: true, fixedElectionTimeout: false,
/// snapshotEvery: 8}` names them: per switch of [`Switch::ALL`], its new value, or
/// `None` to keep it (`joint: false` is already read as single-server changes on),
/// then the new snapshot threshold, if any.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SwitchChange(pub [Option<bool>; 10], pub Option<u64>);

/// A Rust type a command field may have: what the reader expects of the JS value,
/// whether it may be missing, and where its value was read to.
trait FieldType: Sized + Default {
    const KIND: Kind;
    const OPTIONAL: bool = false;
    /// The value read for field `i`, if there was one.
    fn read(v: &mut Values, i: usize) -> Option<Self>;
    /// The value for field `i` (a required field was checked present by the reader).
    fn take(v: &mut Values, i: usize) -> Self {
        Self::read(v, i).unwrap_or_default()
    }
}

impl FieldType for String {
    const KIND: Kind = Kind::Str;
    fn read(v: &mut Values, i: usize) -> Option<Self> {
        v.s.get_mut(i)?.take()
    }
}

impl FieldType for f64 {
    const KIND: Kind = Kind::Num;
    fn read(v: &mut Values, i: usize) -> Option<Self> {
        *v.n.get(i)?
    }
}

impl FieldType for i64 {
    const KIND: Kind = Kind::Int;
    fn read(v: &mut Values, i: usize) -> Option<Self> {
        f64::read(v, i).map(|n| n as i64)
    }
}

impl FieldType for u64 {
    const KIND: Kind = Kind::Uint;
    fn read(v: &mut Values, i: usize) -> Option<Self> {
        f64::read(v, i).map(|n| n as u64)
    }
}

impl FieldType for usize {
    const KIND: Kind = Kind::Uint;
    // Past `usize` (2^32 here) saturates: the app refuses it like any count over 9.
    fn read(v: &mut Values, i: usize) -> Option<Self> {
        f64::read(v, i).map(|n| n as usize)
    }
}

impl FieldType for bool {
    const KIND: Kind = Kind::Bool;
    fn read(v: &mut Values, _: usize) -> Option<Self> {
        v.b
    }
}

impl FieldType for Vec<Vec<String>> {
    const KIND: Kind = Kind::Groups;
    fn read(v: &mut Values, _: usize) -> Option<Self> {
        v.g.take()
    }
}

impl FieldType for SwitchChange {
    const KIND: Kind = Kind::Switches;
    fn read(v: &mut Values, _: usize) -> Option<Self> {
        v.w.take()
    }
}

impl<T: FieldType> FieldType for Option<T> {
    const KIND: Kind = T::KIND;
    const OPTIONAL: bool = true;
    fn read(v: &mut Values, i: usize) -> Option<Self> {
        Some(T::read(v, i))
    }
}

/// A field of the table: its JS name, kind, and whether it may be missing.
type Field = (&'static str, Kind, bool);

/// The commands, once: `Variant "type" { field "jsName": Type, ... }`, in the order
/// shown for an unknown `type`. Makes [`UiCommand`], `FIELDS`, `NAMES`, `build` and
/// [`type_name`] from it.
macro_rules! ui_commands {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident $name:literal { $( $(#[doc = $fdoc:literal])* $field:ident $js:literal : $ty:ty ),* $(,)? }
    ),* $(,)?) => {
        /// A command as `window.raftviz.command` takes it: `{type: "crash", node: "A"}`.
        #[derive(Debug, Clone, PartialEq)]
        pub enum UiCommand {
            $( $(#[doc = $doc])* $variant { $( $(#[doc = $fdoc])* $field: $ty ),* } ),*
        }

        /// Every command's `type`, space-separated, in the order of [`FIELDS`].
        const NAMES: &str = concat!($($name, " "),*);

        /// The fields of each command of [`NAMES`], in order.
        static FIELDS: &[&[Field]] = &[
            $( &[ $( ($js, <$ty as FieldType>::KIND, <$ty as FieldType>::OPTIONAL) ),* ] ),*
        ];

        /// The `type` string of a command (the inverse of [`read_command`]'s dispatch).
        pub fn type_name(c: &UiCommand) -> &'static str {
            match c {
                $( UiCommand::$variant { .. } => $name ),*
            }
        }

        /// Command `c` of [`NAMES`] from the values read for its fields.
        #[inline(never)]
        fn build(c: usize, v: &mut Values) -> Option<UiCommand> {
            let mut n = 0;
            $(
                if c == n {
                    #[allow(unused_mut, unused_variables)]
                    let mut i = 0;
                    return Some(UiCommand::$variant {
                        $( $field: { i += 1; FieldType::take(v, i - 1) } ),*
                    });
                }
                n += 1;
            )*
            let _ = n;
            None
        }
    };
}

/// Most fields of one command.
const MAX_FIELDS: usize = 5;

ui_commands! {
    /// Start playing.
    Play "play" {},
    /// Stop playing.
    Pause "pause" {},
    /// Play or pause.
    Toggle "toggle" {},
    /// Set the speed (virtual time per real time, 0.001 to 1).
    Speed "speed" { value "value": f64 },
    /// Process the next event.
    Step "step" {},
    /// Undo the last event.
    Back "back" {},
    /// Move to a virtual time.
    Seek "seek" {
        /// In ms.
        ms "ms": f64,
    },
    /// Jump to the live end of the timeline.
    Live "live" {},
    /// Crash a node.
    Crash "crash" {
        /// Its name ("A") or index ("0").
        node "node": String,
    },
    /// Restart a crashed node.
    Restart "restart" {
        /// Its name.
        node "node": String,
    },
    /// Make a node's election timeout elapse now.
    Timeout "timeout" {
        /// Its name.
        node "node": String,
    },
    /// Start a server and ask the leader to add it (paper §6).
    AddNode "addNode" {},
    /// Ask the leader to remove a server (itself included).
    RemoveNode "removeNode" {
        /// Its name.
        node "node": String,
    },
    /// A node snapshots what it has applied (paper §7).
    Snapshot "snapshot" {
        /// Its name.
        node "node": String,
    },
    /// The client sends `set value`.
    Set "set" {
        /// The value.
        value "value": i64,
        /// The node to ask first.
        node "node": Option<String>,
    },
    /// The client sends `add value`.
    Add "add" {
        /// The increment.
        value "value": i64,
        /// The node to ask first.
        node "node": Option<String>,
    },
    /// Drop a message in flight.
    Drop "drop" {
        /// Its id (`snapshot().messages[i].id`).
        message "message": u64,
    },
    /// Split the nodes into groups that cannot talk.
    Partition "partition" {
        /// Groups of node names.
        groups "groups": Vec<Vec<String>>,
    },
    /// Cut one link.
    Cut "cut" {
        /// From.
        from "from": String,
        /// To.
        to "to": String,
        /// Both directions (default true).
        both "both": Option<bool>,
    },
    /// Restore every link.
    Heal "heal" {},
    /// Change the network.
    Network "network" {
        /// Loss probability, 0 to 1.
        loss "loss": Option<f64>,
        /// Shortest latency, ms.
        latency_min "latencyMin": Option<f64>,
        /// Longest latency, ms.
        latency_max "latencyMax": Option<f64>,
        /// Duplication probability, 0 to 1.
        duplicate "duplicate": Option<f64>,
        /// Reordering probability, 0 to 1.
        reorder "reorder": Option<f64>,
    },
    /// Change the election timeout range, ms.
    Timeouts "timeouts" {
        /// Lower bound.
        min "min": f64,
        /// Upper bound.
        max "max": f64,
    },
    /// A new cluster of this size (same seed).
    Nodes "nodes" {
        /// 1 to 9.
        count "count": usize,
    },
    /// A new run with this seed.
    Seed "seed" {
        /// The seed.
        seed "seed": u64,
    },
    /// Select a node, a message or an event of the history (or nothing).
    Select "select" {
        /// A message id.
        message "message": Option<u64>,
        /// A node name.
        node "node": Option<String>,
        /// An event's sequence number in the history (a mark of the diagram).
        event "event": Option<u64>,
    },

    /// Open the tour at a scene's step.
    Tour "tour" {
        /// The scene's id.
        scene "scene": String,
        /// The step, from 1 (default 1).
        step "step": Option<usize>,
        /// Play the step from the one before (default: show it at once).
        play "play": Option<bool>,
    },
    /// The tour's next step.
    Next "next" {},
    /// The tour's previous step.
    Prev "prev" {},
    /// Play the tour's current step again.
    Replay "replay" {},
    /// Leave the tour and go on in the sandbox from exactly here.
    Try "try" {},
    /// Switch between the tour and a new sandbox.
    Mode "mode" {
        /// `tour` or `sandbox`.
        mode "mode": String,
    },
    /// Change the language.
    Lang "lang" {
        /// `en` or `zh`.
        lang "lang": String,
    },
    /// Change the protocol: a preset, then (or else) some switches on top of it (or
    /// of the protocol in force).
    Protocol "protocol" {
        /// `basic`, `full` or `unsafe`.
        preset "preset": Option<String>,
        /// The switches (and the snapshot threshold) to change; the others keep their
        /// value.
        switches "switches": Option<SwitchChange>,
    },
}

/// The largest integer a JS number holds exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// Reads field `key` of `obj`, the command's field number `i`, into `v`: one path for
/// every field of every command.
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
            let read = match kind {
                Kind::Str => {
                    let text = x.as_string();
                    let ok = text.is_some();
                    if let Some(slot) = v.s.get_mut(i) {
                        *slot = text;
                    }
                    ok
                }
                Kind::Bool => {
                    v.b = x.as_bool();
                    v.b.is_some()
                }
                Kind::Groups => {
                    v.g = groups(&x);
                    v.g.is_some()
                }
                Kind::Switches => {
                    let mut change = SwitchChange::default();
                    let read = switches(&x, &mut change)?;
                    v.w = Some(change);
                    read
                }
                _ => {
                    let n = x.as_f64().filter(|&n| {
                        kind == Kind::Num
                            || (n.fract() == 0.0
                                && n >= if kind == Kind::Int { -MAX_SAFE } else { 0.0 }
                                && n <= MAX_SAFE)
                    });
                    if let Some(slot) = v.n.get_mut(i) {
                        *slot = n;
                    }
                    n.is_some()
                }
            };
            if read {
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

/// Reads the switches `x` names into `change`, by their [`SWITCH_KEYS`] (flat: the
/// unsafe ones beside the others), and the threshold by [`SNAPSHOT_EVERY_KEY`].
/// `joint` is turned around here, at the edge, into single-server changes. `Ok(false)`
/// when `x` is no object; an unknown key or a value of the wrong kind is an error
/// naming it.
fn switches(x: &JsValue, change: &mut SwitchChange) -> Result<bool, String> {
    if !x.is_object() || js_sys::Array::is_array(x) {
        return Ok(false);
    }
    for key in js_sys::Object::keys(x.unchecked_ref::<js_sys::Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        let value = js_sys::Reflect::get(x, &JsValue::from_str(&key)).unwrap_or_default();
        let bad = |expected: &str| {
            concat(&[
                "invalid value for `switches.",
                &key,
                "`: expected ",
                expected,
            ])
        };
        if key == SNAPSHOT_EVERY_KEY {
            let n = value
                .as_f64()
                .filter(|n| n.fract() == 0.0 && (0.0..=MAX_SNAPSHOT_EVERY as f64).contains(n));
            // A whole number in range: the cast is exact.
            change.1 = Some(
                n.ok_or_else(|| bad("a whole number of entries from 0 (never) to 10000"))? as u64,
            );
            continue;
        }
        let Some(i) = SWITCH_KEYS.iter().position(|k| *k == key) else {
            return Err(concat(&[
                "unknown key `",
                &key,
                // SWITCH_KEYS and SNAPSHOT_EVERY_KEY, as a test checks.
                "` in `switches`: use preVote, checkQuorum, noop, immediate, \
                 fixedElectionTimeout, skipLogUpToDateCheck, commitOldTermsByCounting, joint, \
                 uncheckedMembershipChanges, snapshotDiscardsLogSuffix, snapshotEvery",
            ]));
        };
        let on = value.as_bool().ok_or_else(|| bad("a boolean"))?;
        if let Some(slot) = change.0.get_mut(i) {
            // `joint` is single-server changes turned around.
            *slot = Some(on != (i == Switch::SingleServer as usize));
        }
    }
    Ok(true)
}

/// `x` as an array, if it is one.
fn array(x: &JsValue) -> Option<&js_sys::Array> {
    x.dyn_ref::<js_sys::Array>()
}

/// An array of arrays of strings.
fn groups(x: &JsValue) -> Option<Vec<Vec<String>>> {
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

/// Reads a command object (`{type: "crash", node: "A"}`): `type` picks the variant,
/// fields are camelCase, optional ones may be missing, `null` or `undefined`, and
/// unknown fields are ignored.
pub fn read_command(obj: &JsValue) -> Result<UiCommand, String> {
    if !obj.is_object() {
        return Err(String::from(
            "invalid type: expected an object like {type: \"play\"}",
        ));
    }
    let mut v = Values::default();
    read_field(obj, ("type", Kind::Str, false), 0, &mut v)?;
    let ty = String::take(&mut v, 0);
    let c = NAMES.split_ascii_whitespace().position(|name| name == ty);
    let Some((c, fields)) = c.and_then(|c| Some((c, *FIELDS.get(c)?))) else {
        return Err(concat(&[
            "unknown variant `",
            &ty,
            "`: use one of ",
            NAMES.trim_end(),
        ]));
    };
    for (i, &field) in fields.iter().enumerate() {
        read_field(obj, field, i, &mut v)?;
    }
    build(c, &mut v).ok_or_else(|| String::from("unknown command"))
}

impl UiCommand {
    /// The typed command, with node names looked up in `app`'s cluster and times in ms
    /// turned into virtual time.
    pub fn into_command(self, app: &App) -> Result<Command, CommandError> {
        let node = |name: &str| app.node_id(name);
        let ms = |v: f64, e: CommandError| duration_ms(v).ok_or(e);
        let ms_opt = |v: Option<f64>| v.map(|v| ms(v, CommandError::Latency)).transpose();
        Ok(match self {
            UiCommand::Play {} => Command::Play,
            UiCommand::Pause {} => Command::Pause,
            UiCommand::Toggle {} => Command::Toggle,
            UiCommand::Speed { value } => Command::Speed(value),
            UiCommand::Step {} => Command::Step,
            UiCommand::Back {} => Command::Back,
            UiCommand::Seek { ms } => Command::Seek(instant_ms(ms).ok_or(CommandError::SeekTime)?),
            UiCommand::Live {} => Command::Live,
            UiCommand::Crash { node: n } => Command::Crash(node(&n)?),
            UiCommand::Restart { node: n } => Command::Restart(node(&n)?),
            UiCommand::Timeout { node: n } => Command::Timeout(node(&n)?),
            UiCommand::AddNode {} => Command::AddNode,
            UiCommand::RemoveNode { node: n } => Command::RemoveNode(node(&n)?),
            UiCommand::Snapshot { node: n } => Command::Snapshot(node(&n)?),
            UiCommand::Set { value, node: n } => Command::Client {
                op: Op::Set(value),
                to: n.map(|n| node(&n)).transpose()?,
            },
            UiCommand::Add { value, node: n } => Command::Client {
                op: Op::Add(value),
                to: n.map(|n| node(&n)).transpose()?,
            },
            UiCommand::Drop { message } => Command::Drop(MsgId(message)),
            UiCommand::Partition { groups } => {
                let mut ids = Vec::with_capacity(groups.len());
                for g in &groups {
                    let mut group = Vec::with_capacity(g.len());
                    for n in g {
                        group.push(node(n)?);
                    }
                    ids.push(group);
                }
                Command::Partition(ids)
            }
            UiCommand::Cut { from, to, both } => Command::Cut {
                from: node(&from)?,
                to: node(&to)?,
                both: both.unwrap_or(true),
            },
            UiCommand::Heal {} => Command::Heal,
            UiCommand::Network {
                loss,
                latency_min,
                latency_max,
                duplicate,
                reorder,
            } => Command::Network(NetworkChange {
                loss,
                latency_min: ms_opt(latency_min)?,
                latency_max: ms_opt(latency_max)?,
                duplicate,
                reorder,
            }),
            UiCommand::Timeouts { min, max } => Command::Timeouts {
                min: ms(min, CommandError::ElectionTimeout)?,
                max: ms(max, CommandError::ElectionTimeout)?,
            },
            UiCommand::Nodes { count } => Command::Nodes(count),
            UiCommand::Seed { seed } => Command::Seed(seed),
            UiCommand::Select {
                message,
                node: n,
                event,
            } => Command::Select(match (n, message, event) {
                (Some(n), _, _) => Some(Selection::Node(node(&n)?)),
                (None, Some(m), _) => Some(Selection::Message(MsgId(m))),
                (None, None, Some(seq)) => Some(Selection::Event(seq)),
                (None, None, None) => None,
            }),

            UiCommand::Tour { scene, step, play } => Command::Tour {
                scene,
                step: step.unwrap_or(1).saturating_sub(1),
                play: play.unwrap_or(false),
            },
            UiCommand::Next {} => Command::Next,
            UiCommand::Prev {} => Command::Prev,
            UiCommand::Replay {} => Command::Replay,
            UiCommand::Try {} => Command::Try,
            UiCommand::Mode { mode } => match mode.as_str() {
                "tour" => Command::TourMode,
                "sandbox" => Command::SandboxMode(super::fresh_seed().unwrap_or(1)),
                _ => return Err(CommandError::Mode),
            },
            UiCommand::Lang { lang } => {
                Command::Lang(Lang::parse(&lang).ok_or(CommandError::Lang)?)
            }
            UiCommand::Protocol { preset, switches } => {
                if preset.is_none() && switches.is_none() {
                    return Err(CommandError::NoProtocol);
                }
                let mut p = match preset {
                    Some(name) => Preset::parse(&name).ok_or(CommandError::Preset)?.protocol(),
                    None => app.protocol(),
                };
                let change = switches.unwrap_or_default();
                for (s, on) in Switch::ALL.into_iter().zip(change.0) {
                    if let Some(on) = on {
                        p.set(s, on);
                    }
                }
                if let Some(every) = change.1 {
                    p.snapshot_every = every;
                }
                Command::Protocol(p)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn the_tables_and_build_agree_on_the_order() {
        assert_eq!(NAMES.split_ascii_whitespace().count(), FIELDS.len());
        for (c, name) in NAMES.split_ascii_whitespace().enumerate() {
            let built = build(c, &mut Values::default()).map(|c| type_name(&c));
            assert_eq!(built, Some(name));
            assert!(FIELDS[c].len() <= MAX_FIELDS);
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
            (
                r#"{"type":"protocol","switches":{"preVote":1}}"#,
                "invalid value for `switches.preVote`: expected a boolean",
            ),
            (
                r#"{"type":"protocol","switches":[true]}"#,
                "invalid value for `switches`: expected an object like \
                 {preVote: true, joint: false, snapshotEvery: 8}",
            ),
            (
                r#"{"type":"protocol","switches":{"joint":"no"}}"#,
                "invalid value for `switches.joint`: expected a boolean",
            ),
            (
                r#"{"type":"protocol","preset":3}"#,
                "invalid value for `preset`: expected a string",
            ),
        ] {
            let value = js_sys::JSON::parse(text)?;
            assert_eq!(read_command(&value), Err(String::from(want)), "{text}");
        }
        // The keys an unknown one is told to use are SWITCH_KEYS and the threshold's.
        let mut keys = SWITCH_KEYS.to_vec();
        keys.push(SNAPSHOT_EVERY_KEY);
        let unknown = read_command(&js_sys::JSON::parse(
            r#"{"type":"protocol","switches":{"prevote":true}}"#,
        )?);
        assert_eq!(
            unknown,
            Err(format!(
                "unknown key `prevote` in `switches`: use {}",
                keys.join(", ")
            ))
        );
        for n in ["-1", "8.5", "10001", "\"8\"", "true", "null", "1e300"] {
            let text = format!(r#"{{"type":"protocol","switches":{{"snapshotEvery":{n}}}}}"#);
            assert_eq!(
                read_command(&js_sys::JSON::parse(&text)?),
                Err(String::from(
                    "invalid value for `switches.snapshotEvery`: expected a whole number of \
                     entries from 0 (never) to 10000"
                )),
                "{text}"
            );
        }
        let read = read_command(&js_sys::JSON::parse(
            r#"{"type":"protocol","switches":{"checkQuorum":true,"commitOldTermsByCounting":false,
                "joint":false,"snapshotDiscardsLogSuffix":true,"snapshotEvery":10000}}"#,
        )?);
        let mut want = [None; 10];
        want[1] = Some(true);
        want[6] = Some(false);
        want[7] = Some(true); // joint: false is single-server changes on
        want[9] = Some(true);
        assert_eq!(
            read,
            Ok(UiCommand::Protocol {
                preset: None,
                switches: Some(SwitchChange(want, Some(10_000))),
            })
        );
        let read = read_command(&js_sys::JSON::parse(
            r#"{"type":"protocol","switches":{"joint":true,"snapshotEvery":0}}"#,
        )?);
        let mut want = [None; 10];
        want[7] = Some(false);
        assert_eq!(
            read,
            Ok(UiCommand::Protocol {
                preset: None,
                switches: Some(SwitchChange(want, Some(0))),
            })
        );
        let unknown = read_command(&js_sys::JSON::parse(r#"{"type":"warp"}"#)?);
        assert!(unknown.is_err_and(|e| e.starts_with("unknown variant `warp`: use one of play ")));
        Ok(())
    }
}
