//! `raftviz.snapshot()` and `raftviz.scenes()` as JS objects: [`Snapshot`] and
//! [`SceneSummary`] written key by key onto plain objects, with their camelCase keys
//! in the README's order and `null` for nothing.
//!
//! Written directly with js-sys rather than through serde: one small call per field
//! here costs the page's wasm about 1.5 KB gzipped less than serde-wasm-bindgen's
//! generic serializer did for the same objects (the page weight is a budget).
//! Whole numbers go out as JS numbers (`as f64`): exact up to 2^53, which no term,
//! index or message id reaches.

use js_sys::{Array, Object, Reflect};
use raft_sim::Protocol;
use wasm_bindgen::JsValue;

use crate::snapshot::{
    DiagramSnapshot, MessageSnapshot, NodeSnapshot, SNAPSHOT_EVERY_KEY, SWITCH_KEYS, SceneSummary,
    Snapshot,
};

/// A plain JS object being filled in, one key after another.
struct Obj(Object);

impl Obj {
    fn new() -> Obj {
        Obj(Object::new())
    }

    fn set(self, key: &str, value: &JsValue) -> Obj {
        // Setting a property of a fresh plain object cannot fail.
        let _ = Reflect::set(&self.0, &JsValue::from_str(key), value);
        self
    }

    fn num(self, key: &str, n: f64) -> Obj {
        self.set(key, &JsValue::from_f64(n))
    }

    fn flag(self, key: &str, b: bool) -> Obj {
        self.set(key, &JsValue::from_bool(b))
    }

    fn text(self, key: &str, t: &str) -> Obj {
        self.set(key, &JsValue::from_str(t))
    }

    /// A string, or `null`.
    fn maybe(self, key: &str, t: Option<&str>) -> Obj {
        self.set(key, &t.map_or(JsValue::NULL, JsValue::from_str))
    }

    fn texts(self, key: &str, list: &[String]) -> Obj {
        self.set(key, &list_of(list, |s| JsValue::from_str(s)))
    }

    fn done(self) -> JsValue {
        self.0.into()
    }
}

/// An array of `items`, each made by `f`.
fn list_of<T>(items: &[T], f: impl Fn(&T) -> JsValue) -> JsValue {
    items.iter().map(f).collect::<Array>().into()
}

/// `raftviz.snapshot()`.
pub fn snapshot(s: &Snapshot) -> JsValue {
    Obj::new()
        .num("timeMs", s.time_ms)
        .text("seed", &s.seed)
        .flag("playing", s.playing)
        .num("speed", s.speed)
        .flag("live", s.live)
        .maybe("leader", s.leader.as_deref())
        .set("nodes", &list_of(&s.nodes, node))
        .set("messages", &list_of(&s.messages, message))
        .flag("safe", s.safe)
        .texts("violations", &s.violations)
        .maybe("scene", s.scene.as_deref())
        .set(
            "tour",
            &s.tour.as_ref().map_or(JsValue::NULL, |t| {
                Obj::new()
                    .text("scene", t.scene)
                    .num("step", t.step as f64)
                    .num("steps", t.steps as f64)
                    .text("caption", &t.caption)
                    .text("title", &t.title)
                    .texts("subjects", &t.subjects)
                    .flag("done", t.done)
                    .done()
            }),
        )
        .set(
            "task",
            &s.task.as_ref().map_or(JsValue::NULL, |t| {
                Obj::new().text("text", &t.text).flag("done", t.done).done()
            }),
        )
        .set("protocol", &protocol(&s.protocol))
        .set(
            "why",
            &s.why.as_ref().map_or(JsValue::NULL, |w| {
                Obj::new()
                    .text("rule", w.rule)
                    .text("cite", w.cite)
                    .text("text", &w.text)
                    .done()
            }),
        )
        .done()
}

/// The diagram's geometry, for `snapshot().diagram`.
pub fn diagram(d: &DiagramSnapshot) -> JsValue {
    Obj::new()
        .num("fromMs", d.from_ms)
        .num("toMs", d.to_ms)
        .num("left", d.left)
        .num("right", d.right)
        .num("top", d.top)
        .num("laneHeight", d.lane_height)
        .done()
}

/// A protocol: its preset's name and the safe switches by [`SWITCH_KEYS`], the unsafe
/// ones in `unsafe`.
fn protocol(p: &Protocol) -> JsValue {
    let r = &p.unsafe_rules;
    let rules = Obj::new()
        .flag(SWITCH_KEYS[4], r.fixed_election_timeout)
        .flag(SWITCH_KEYS[5], r.skip_log_up_to_date_check)
        .flag(SWITCH_KEYS[6], r.commit_old_terms_by_counting)
        .flag(SWITCH_KEYS[8], r.unchecked_membership_changes)
        .flag(SWITCH_KEYS[9], r.snapshot_discards_log_suffix)
        .done();
    Obj::new()
        .text("preset", p.name())
        .flag(SWITCH_KEYS[0], p.pre_vote)
        .flag(SWITCH_KEYS[1], p.check_quorum)
        .flag(SWITCH_KEYS[2], p.noop_on_election)
        .flag(SWITCH_KEYS[3], p.replicate_immediately)
        .flag(SWITCH_KEYS[7], !p.single_server_changes)
        .num(SNAPSHOT_EVERY_KEY, p.snapshot_every as f64)
        .set("unsafe", &rules)
        .done()
}

fn node(n: &NodeSnapshot) -> JsValue {
    Obj::new()
        .text("name", &n.name)
        .text("role", n.role)
        .flag("learner", n.learner)
        .num("snapshotIndex", n.snapshot_index as f64)
        .set(
            "config",
            &n.config.as_ref().map_or(JsValue::NULL, |c| {
                Obj::new()
                    .texts("voters", &c.voters)
                    .texts("outgoing", &c.outgoing)
                    .texts("learners", &c.learners)
                    .done()
            }),
        )
        .num("term", n.term as f64)
        .maybe("votedFor", n.voted_for.as_deref())
        .texts("votes", &n.votes)
        .num("value", n.value as f64)
        .num("commitIndex", n.commit_index as f64)
        .set(
            "log",
            &list_of(&n.log, |e| {
                Obj::new()
                    .num("index", e.index as f64)
                    .num("term", e.term as f64)
                    .text("command", &e.command)
                    .flag("committed", e.committed)
                    .done()
            }),
        )
        .set(
            "timerMs",
            &n.timer_ms.map_or(JsValue::NULL, JsValue::from_f64),
        )
        .done()
}

fn message(m: &MessageSnapshot) -> JsValue {
    Obj::new()
        .num("id", m.id as f64)
        .text("from", &m.from)
        .text("to", &m.to)
        .text("kind", m.kind)
        .set("ok", &m.ok.map_or(JsValue::NULL, JsValue::from_bool))
        .flag("heartbeat", m.heartbeat)
        .num("sentMs", m.sent_ms)
        .num("arriveMs", m.arrive_ms)
        .num("x", m.x)
        .num("y", m.y)
        .done()
}

/// `raftviz.scenes()`.
pub fn scenes(list: &[SceneSummary]) -> JsValue {
    list_of(list, |s| {
        Obj::new()
            .text("id", s.id)
            .text("title", &s.title)
            .text("chapter", &s.chapter)
            .num("steps", s.steps as f64)
            .done()
    })
}
