//! Browser tests: `cargo test --target wasm32-unknown-unknown -p raft-viz` runs them in
//! headless Chromium through wasm-bindgen-test-runner (see `.cargo/config.toml`).
#![cfg(target_arch = "wasm32")]

use raft_viz::paint::Painter;
use raft_viz::web::{self, canvas::CanvasPainter, runner::Pending};
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Document, Element, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> Result<Document, JsValue> {
    web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))
}

/// A stage like index.html's: a sized container holding `canvas#raft-canvas`.
fn mount_stage() -> Result<Element, JsValue> {
    let doc = document()?;
    let stage = doc.create_element("div")?;
    stage.set_attribute("style", "position: relative; width: 400px; height: 300px")?;
    let canvas = doc.create_element("canvas")?;
    canvas.set_id(web::CANVAS_ID);
    canvas.set_attribute(
        "style",
        "position: absolute; inset: 0; width: 100%; height: 100%",
    )?;
    stage.append_child(&canvas)?;
    doc.body().ok_or("no body")?.append_child(&stage)?;
    Ok(stage)
}

/// Resolves on the next animation frame.
async fn next_frame() -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let _ = window.request_animation_frame(&resolve);
    });
    JsFuture::from(promise).await.map(|_| ())
}

async fn frames(n: usize) -> Result<(), JsValue> {
    for _ in 0..n {
        next_frame().await?;
    }
    Ok(())
}

fn json(text: &str) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(text)
}

/// `window.raftviz[name]`, called with `args`.
fn call_api(name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let api = js_sys::Reflect::get(&window, &"raftviz".into())?;
    let f: js_sys::Function = js_sys::Reflect::get(&api, &name.into())?.dyn_into()?;
    match args {
        [] => f.call0(&api),
        [a] => f.call1(&api, a),
        _ => Err("at most one argument".into()),
    }
}

fn get(value: &JsValue, path: &[&str]) -> Result<JsValue, JsValue> {
    let mut v = value.clone();
    for key in path {
        v = match key.parse::<u32>() {
            Ok(i) => js_sys::Reflect::get_u32(&v, i)?,
            Err(_) => js_sys::Reflect::get(&v, &(*key).into())?,
        };
    }
    Ok(v)
}

#[wasm_bindgen_test]
fn the_canvas_painter_sizes_the_backing_store_for_the_pixel_ratio() -> Result<(), JsValue> {
    let doc = document()?;
    let canvas: HtmlCanvasElement = doc.create_element("canvas")?.dyn_into()?;
    canvas.set_attribute("style", "display: block; width: 321px; height: 203px")?;
    doc.body().ok_or("no body")?.append_child(&canvas)?;

    let mut painter = CanvasPainter::new(&canvas, "sans-serif", true)?;
    assert!(painter.begin(321.0, 203.0, 2.0));
    assert_eq!((canvas.width(), canvas.height()), (642, 406));
    painter.clear("#123456");
    painter.text(
        "A",
        raft_viz::layout::Point { x: 10.0, y: 10.0 },
        12.0,
        "#000",
        raft_viz::paint::Align::Left,
        true,
    );

    let ratio = web_sys::window().ok_or("no window")?.device_pixel_ratio();
    let rect = canvas.get_bounding_client_rect();
    assert!(painter.begin(rect.width(), rect.height(), ratio));
    assert_eq!(f64::from(canvas.width()), (321.0 * ratio).round());
    assert_eq!(f64::from(canvas.height()), (203.0 * ratio).round());
    // A 1.5 ratio rounds the backing store, and the frame still maps onto all of it.
    assert!(painter.begin(321.0, 203.0, 1.5));
    assert_eq!((canvas.width(), canvas.height()), (482, 305));
    assert!(!painter.begin(0.0, 0.0, 2.0), "nothing to draw on");
    canvas.remove();
    Ok(())
}

#[wasm_bindgen_test]
async fn the_loop_requests_no_frame_when_paused_and_drawn() -> Result<(), JsValue> {
    let stage = mount_stage()?;
    web::start_with("?autoplay=0&seed=1&controls=none")?;
    frames(3).await?;
    let (pending, stats) = web::loop_state().ok_or("not running")?;
    assert_eq!(pending, Pending::Nothing, "{stats:?}");
    assert!(stats.draws >= 1, "the first frame was drawn: {stats:?}");
    frames(6).await?;
    let (_, later) = web::loop_state().ok_or("not running")?;
    assert_eq!(later.frames, stats.frames, "no frames while paused");
    assert_eq!(later.requests, stats.requests);

    // Playing wakes the loop; pausing lets it sleep again.
    call_api("command", &[json(r#"{"type":"play"}"#)?])?;
    frames(4).await?;
    let (pending, playing) = web::loop_state().ok_or("not running")?;
    assert!(playing.frames > later.frames, "{playing:?}");
    assert_ne!(pending, Pending::Nothing);
    call_api("command", &[json(r#"{"type":"pause"}"#)?])?;
    frames(3).await?;
    assert_eq!(web::loop_state().ok_or("not running")?.0, Pending::Nothing);
    web::stop();
    assert!(web::loop_state().is_none());
    stage.remove();
    Ok(())
}

/// An object's own keys, in order.
fn keys(value: &JsValue) -> Vec<String> {
    js_sys::Object::keys(value.unchecked_ref::<js_sys::Object>())
        .iter()
        .filter_map(|k| k.as_string())
        .collect()
}

#[wasm_bindgen_test]
async fn snapshots_are_plain_objects_with_camel_case_keys_in_order() -> Result<(), JsValue> {
    // (The snapshot types serialize by hand, as maps: this is the shape JS relies on.)
    let stage = mount_stage()?;
    web::start_with("?autoplay=0&seed=5&at=3000&controls=none")?;
    // A client request, then steps until the leader's log holds it.
    call_api("command", &[json(r#"{"type":"set","value":-7}"#)?])?;
    let mut snap = call_api("snapshot", &[])?;
    for _ in 0..200 {
        if get(&snap, &["nodes", "2", "log", "length"])?.as_f64() != Some(0.0) {
            break;
        }
        call_api("command", &[json(r#"{"type":"step"}"#)?])?;
        snap = call_api("snapshot", &[])?;
    }
    assert_eq!(
        js_sys::Object::get_prototype_of(&snap),
        js_sys::Object::get_prototype_of(&js_sys::Object::new()),
        "a plain object, not a Map"
    );
    #[rustfmt::skip]
    assert_eq!(keys(&snap), [
        "timeMs", "seed", "playing", "speed", "live", "leader", "nodes", "messages", "safe",
        "violations", "scene", "tour", "task", "protocol", "why", "diagram",
    ]);
    let protocol = get(&snap, &["protocol"])?;
    #[rustfmt::skip]
    assert_eq!(keys(&protocol), [
        "preset", "preVote", "checkQuorum", "noop", "immediate", "joint", "snapshotEvery",
        "unsafe",
    ]);
    #[rustfmt::skip]
    assert_eq!(keys(&get(&protocol, &["unsafe"])?), [
        "fixedElectionTimeout", "skipLogUpToDateCheck", "commitOldTermsByCounting",
        "uncheckedMembershipChanges", "snapshotDiscardsLogSuffix",
    ]);
    assert_eq!(get(&protocol, &["joint"])?.as_bool(), Some(true));
    assert_eq!(get(&protocol, &["snapshotEvery"])?.as_f64(), Some(0.0));
    assert_eq!(
        get(&protocol, &["preset"])?.as_string().as_deref(),
        Some("basic")
    );
    assert_eq!(get(&protocol, &["preVote"])?.as_bool(), Some(false));
    assert!(get(&snap, &["scene"])?.is_null(), "None is null");
    assert!(get(&snap, &["tour"])?.is_null(), "no tour in the sandbox");
    let nodes: js_sys::Array = get(&snap, &["nodes"])?.dyn_into()?;
    #[rustfmt::skip]
    assert_eq!(keys(&nodes.get(0)), [
        "name", "role", "learner", "snapshotIndex", "config", "term", "votedFor", "votes",
        "value", "commitIndex", "log", "timerMs",
    ]);
    assert_eq!(
        keys(&get(&nodes.get(0), &["config"])?),
        ["voters", "outgoing", "learners"]
    );
    assert_eq!(get(&nodes.get(0), &["learner"])?.as_bool(), Some(false));
    assert_eq!(get(&nodes.get(0), &["snapshotIndex"])?.as_f64(), Some(0.0));
    assert_eq!(get(&nodes.get(0), &["term"])?.as_f64(), Some(1.0));
    let leader = nodes
        .iter()
        .find(|n| {
            get(n, &["role"])
                .ok()
                .and_then(|r| r.as_string())
                .as_deref()
                == Some("leader")
        })
        .ok_or("no leader at 3 s")?;
    assert!(
        get(&leader, &["timerMs"])?.is_null(),
        "a leader has no timer"
    );
    let entry = get(&leader, &["log", "0"])?;
    assert_eq!(keys(&entry), ["index", "term", "command", "committed"]);
    assert_eq!(get(&entry, &["index"])?.as_f64(), Some(1.0));
    let message = get(&snap, &["messages", "0"])?;
    #[rustfmt::skip]
    assert_eq!(keys(&message), [
        "id", "from", "to", "kind", "ok", "heartbeat", "sentMs", "arriveMs", "x", "y",
    ]);
    web::stop();
    stage.remove();
    Ok(())
}

#[wasm_bindgen_test]
async fn the_tour_shows_in_the_snapshot_and_its_scenes_are_listed_in_order() -> Result<(), JsValue>
{
    // Issue 10: `snapshot().tour` and `raftviz.scenes()`.
    let stage = mount_stage()?;
    web::start_with("?scene=split-vote&step=3&controls=none")?;
    let snap = call_api("snapshot", &[])?;
    let tour = get(&snap, &["tour"])?;
    #[rustfmt::skip]
    assert_eq!(keys(&tour), ["scene", "step", "steps", "caption", "title", "subjects", "done"]);
    assert_eq!(get(&tour, &["step"])?.as_f64(), Some(3.0));
    assert_eq!(get(&tour, &["done"])?.as_bool(), Some(true));
    call_api("command", &[json(r#"{"type":"prev"}"#)?])?;
    let snap = call_api("snapshot", &[])?;
    assert_eq!(get(&snap, &["tour", "step"])?.as_f64(), Some(2.0));
    let scenes: js_sys::Array = call_api("scenes", &[])?.dyn_into()?;
    assert!(scenes.length() >= 14, "{} scenes", scenes.length());
    assert_eq!(keys(&scenes.get(0)), ["id", "title", "chapter", "steps"]);
    assert_eq!(
        get(&scenes.get(0), &["id"])?.as_string().as_deref(),
        Some("consensus")
    );
    call_api("command", &[json(r#"{"type":"try"}"#)?])?;
    assert!(
        get(&call_api("snapshot", &[])?, &["tour"])?.is_null(),
        "in the sandbox"
    );
    web::stop();
    stage.remove();
    Ok(())
}

#[wasm_bindgen_test]
async fn the_js_api_round_trips_commands_and_snapshots() -> Result<(), JsValue> {
    let stage = mount_stage()?;
    web::start_with("?autoplay=0&seed=3&nodes=5&controls=none")?;
    let window = web_sys::window().ok_or("no window")?;
    let api = js_sys::Reflect::get(&window, &"raftviz".into())?;
    assert_eq!(
        get(&api, &["version"])?.as_string().as_deref(),
        Some(env!("CARGO_PKG_VERSION"))
    );

    let snap = call_api("snapshot", &[])?;
    assert_eq!(get(&snap, &["seed"])?.as_string().as_deref(), Some("3"));
    assert_eq!(get(&snap, &["playing"])?.as_bool(), Some(false));
    assert_eq!(get(&snap, &["nodes", "length"])?.as_f64(), Some(5.0));
    assert!(get(&snap, &["leader"])?.is_null(), "no leader at time 0");
    assert!(get(&snap, &["timeMs"])?.as_f64().is_some());

    let ok = call_api("command", &[json(r#"{"type":"crash","node":"A"}"#)?])?;
    assert_eq!(ok.as_bool(), Some(true));
    call_api("command", &[json(r#"{"type":"set","value":5}"#)?])?;
    call_api(
        "command",
        &[json(
            r#"{"type":"partition","groups":[["B","C"],["D","E"]]}"#,
        )?],
    )?;
    call_api("command", &[json(r#"{"type":"speed","value":0.05}"#)?])?;
    let snap = call_api("snapshot", &[])?;
    assert_eq!(
        get(&snap, &["nodes", "0", "role"])?.as_string().as_deref(),
        Some("crashed")
    );
    assert_eq!(
        get(&snap, &["nodes", "1", "role"])?.as_string().as_deref(),
        Some("follower")
    );
    assert_eq!(get(&snap, &["speed"])?.as_f64(), Some(0.05));
    assert_eq!(get(&snap, &["safe"])?.as_bool(), Some(true));

    // The protocol: a preset, then switches on top of it; missing ones keep theirs.
    call_api(
        "command",
        &[json(r#"{"type":"protocol","preset":"full"}"#)?],
    )?;
    let protocol = get(&call_api("snapshot", &[])?, &["protocol"])?;
    assert_eq!(
        get(&protocol, &["preset"])?.as_string().as_deref(),
        Some("full")
    );
    assert_eq!(get(&protocol, &["checkQuorum"])?.as_bool(), Some(true));
    call_api(
        "command",
        &[json(
            r#"{"type":"protocol","switches":{"checkQuorum":false,"skipLogUpToDateCheck":true}}"#,
        )?],
    )?;
    let protocol = get(&call_api("snapshot", &[])?, &["protocol"])?;
    assert_eq!(
        get(&protocol, &["preset"])?.as_string().as_deref(),
        Some("custom")
    );
    assert_eq!(get(&protocol, &["preVote"])?.as_bool(), Some(true), "kept");
    assert_eq!(get(&protocol, &["checkQuorum"])?.as_bool(), Some(false));
    assert_eq!(
        get(&protocol, &["unsafe", "skipLogUpToDateCheck"])?.as_bool(),
        Some(true)
    );
    assert_eq!(
        get(&protocol, &["snapshotEvery"])?.as_f64(),
        Some(8.0),
        "Full's, kept"
    );
    // `joint: false` is single-server changes; the threshold is a number.
    call_api(
        "command",
        &[json(
            r#"{"type":"protocol","switches":{"joint":false,"snapshotEvery":20,"snapshotDiscardsLogSuffix":true}}"#,
        )?],
    )?;
    let protocol = get(&call_api("snapshot", &[])?, &["protocol"])?;
    assert_eq!(get(&protocol, &["joint"])?.as_bool(), Some(false));
    assert_eq!(get(&protocol, &["snapshotEvery"])?.as_f64(), Some(20.0));
    assert_eq!(
        get(&protocol, &["unsafe", "snapshotDiscardsLogSuffix"])?.as_bool(),
        Some(true)
    );
    assert_eq!(
        get(&protocol, &["unsafe", "uncheckedMembershipChanges"])?.as_bool(),
        Some(false)
    );

    // Malformed objects and refused commands throw Errors that say why.
    for bad in [
        r#"{"type":"warp"}"#,
        r#"{"type":"crash"}"#,
        r#"{"type":"crash","node":"Z"}"#,
        r#"{"type":"speed","value":7}"#,
        r#"{"type":"protocol"}"#,
        r#"{"type":"protocol","preset":"custom"}"#,
        r#"{"type":"protocol","switches":{"preVote":1}}"#,
        r#"{"type":"protocol","switches":{"snapshotEvery":-5}}"#,
        r#""play""#,
    ] {
        let thrown = call_api("command", &[json(bad)?])
            .err()
            .ok_or(format!("{bad} was accepted"))?;
        let error: js_sys::Error = thrown.dyn_into()?;
        let message = String::from(error.message());
        assert!(message.starts_with("raftviz.command: "), "{bad}: {message}");
    }
    web::stop();
    assert!(js_sys::Reflect::get(&window, &"raftviz".into())?.is_undefined());
    stage.remove();
    Ok(())
}

#[wasm_bindgen_test]
fn the_command_reader_reads_every_command_and_its_fields() -> Result<(), JsValue> {
    use raft_viz::web::api::{UiCommand as U, read_command, type_name};
    let s = |v: &str| String::from(v);
    let good = [
        (r#"{"type":"play"}"#, U::Play {}),
        (r#"{"type":"pause","extra":1}"#, U::Pause {}),
        (r#"{"type":"toggle"}"#, U::Toggle {}),
        (r#"{"type":"speed","value":0.05}"#, U::Speed { value: 0.05 }),
        (r#"{"type":"step"}"#, U::Step {}),
        (r#"{"type":"back"}"#, U::Back {}),
        (r#"{"type":"seek","ms":1200}"#, U::Seek { ms: 1200.0 }),
        (r#"{"type":"live"}"#, U::Live {}),
        (r#"{"type":"crash","node":"A"}"#, U::Crash { node: s("A") }),
        (
            r#"{"type":"restart","node":"b"}"#,
            U::Restart { node: s("b") },
        ),
        (
            r#"{"type":"timeout","node":"2"}"#,
            U::Timeout { node: s("2") },
        ),
        (r#"{"type":"addNode"}"#, U::AddNode {}),
        (
            r#"{"type":"removeNode","node":"A"}"#,
            U::RemoveNode { node: s("A") },
        ),
        (
            r#"{"type":"snapshot","node":"c"}"#,
            U::Snapshot { node: s("c") },
        ),
        (
            r#"{"type":"set","value":5}"#,
            U::Set {
                value: 5,
                node: None,
            },
        ),
        (
            r#"{"type":"set","value":-5,"node":"C"}"#,
            U::Set {
                value: -5,
                node: Some(s("C")),
            },
        ),
        (
            r#"{"type":"add","value":1,"node":null}"#,
            U::Add {
                value: 1,
                node: None,
            },
        ),
        (r#"{"type":"drop","message":12}"#, U::Drop { message: 12 }),
        (
            r#"{"type":"partition","groups":[["A","B"],["C","D","E"]]}"#,
            U::Partition {
                groups: vec![vec![s("A"), s("B")], vec![s("C"), s("D"), s("E")]],
            },
        ),
        (
            r#"{"type":"partition","groups":[]}"#,
            U::Partition { groups: vec![] },
        ),
        (
            r#"{"type":"cut","from":"A","to":"B"}"#,
            U::Cut {
                from: s("A"),
                to: s("B"),
                both: None,
            },
        ),
        (
            r#"{"type":"cut","from":"A","to":"B","both":false}"#,
            U::Cut {
                from: s("A"),
                to: s("B"),
                both: Some(false),
            },
        ),
        (r#"{"type":"heal"}"#, U::Heal {}),
        (
            r#"{"type":"network","loss":0.1}"#,
            U::Network {
                loss: Some(0.1),
                latency_min: None,
                latency_max: None,
                duplicate: None,
                reorder: None,
            },
        ),
        (
            r#"{"type":"network","latencyMin":5,"latencyMax":30,"duplicate":0,"reorder":0.5}"#,
            U::Network {
                loss: None,
                latency_min: Some(5.0),
                latency_max: Some(30.0),
                duplicate: Some(0.0),
                reorder: Some(0.5),
            },
        ),
        (
            r#"{"type":"timeouts","min":150,"max":300}"#,
            U::Timeouts {
                min: 150.0,
                max: 300.0,
            },
        ),
        (r#"{"type":"nodes","count":3}"#, U::Nodes { count: 3 }),
        (r#"{"type":"seed","seed":42}"#, U::Seed { seed: 42 }),
        (
            r#"{"type":"select","node":"A"}"#,
            U::Select {
                message: None,
                node: Some(s("A")),
                event: None,
            },
        ),
        (
            r#"{"type":"select","message":3}"#,
            U::Select {
                message: Some(3),
                node: None,
                event: None,
            },
        ),
        (
            r#"{"type":"select","event":345}"#,
            U::Select {
                message: None,
                node: None,
                event: Some(345),
            },
        ),
        (
            r#"{"type":"select"}"#,
            U::Select {
                message: None,
                node: None,
                event: None,
            },
        ),
        (
            r#"{"type":"tour","scene":"split-vote","step":3}"#,
            U::Tour {
                scene: s("split-vote"),
                step: Some(3),
                play: None,
            },
        ),
        (r#"{"type":"next"}"#, U::Next {}),
        (r#"{"type":"prev"}"#, U::Prev {}),
        (r#"{"type":"replay"}"#, U::Replay {}),
        (r#"{"type":"try"}"#, U::Try {}),
        (
            r#"{"type":"mode","mode":"tour"}"#,
            U::Mode { mode: s("tour") },
        ),
        (r#"{"type":"lang","lang":"zh"}"#, U::Lang { lang: s("zh") }),
        (
            r#"{"type":"protocol","preset":"full"}"#,
            U::Protocol {
                preset: Some(s("full")),
                switches: None,
            },
        ),
        (
            r#"{"type":"protocol","switches":{"preVote":true,"noop":false,"fixedElectionTimeout":true}}"#,
            U::Protocol {
                preset: None,
                switches: Some(web::api::SwitchChange(
                    [
                        Some(true),
                        None,
                        Some(false),
                        None,
                        Some(true),
                        None,
                        None,
                        None,
                        None,
                        None,
                    ],
                    None,
                )),
            },
        ),
        (
            // `joint` is single-server changes turned around, at the edge.
            r#"{"type":"protocol","preset":"full","switches":{"joint":false,"uncheckedMembershipChanges":true,"snapshotEvery":20}}"#,
            U::Protocol {
                preset: Some(s("full")),
                switches: Some(web::api::SwitchChange(
                    [
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                        Some(true),
                        Some(true),
                        None,
                    ],
                    Some(20),
                )),
            },
        ),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for (text, want) in good {
        let read =
            read_command(&json(text)?).map_err(|e| JsValue::from_str(&format!("{text}: {e}")))?;
        assert_eq!(read, want, "{text}");
        seen.insert(type_name(&read));
    }
    assert_eq!(seen.len(), 33, "every variant is exercised: {seen:?}");
    let bad = [
        r#"{"type":"warp"}"#,
        r#"{}"#,
        r#"{"type":5}"#,
        r#"{"type":"crash"}"#,
        r#"{"type":"crash","node":1}"#,
        r#"{"type":"set","value":"5"}"#,
        r#"{"type":"set","value":1.5}"#,
        r#"{"type":"drop","message":-1}"#,
        r#"{"type":"nodes","count":2.5}"#,
        r#"{"type":"partition","groups":[["A"],"B"]}"#,
        r#"{"type":"cut","from":"A","to":"B","both":"yes"}"#,
        r#"{"type":"protocol","switches":{"preVote":"yes"}}"#,
        r#"{"type":"protocol","switches":{"quorum":true}}"#,
        r#"{"type":"protocol","switches":null,"preset":7}"#,
        r#"{"type":"protocol","switches":{"unsafe":{"noop":true}}}"#,
        r#"{"type":"protocol","switches":true}"#,
        r#"{"type":"protocol","switches":{"joint":0}}"#,
        r#"{"type":"protocol","switches":{"singleServer":true}}"#,
        r#"{"type":"protocol","switches":{"snapshotEvery":-1}}"#,
        r#"{"type":"protocol","switches":{"snapshotEvery":2.5}}"#,
        r#"{"type":"protocol","switches":{"snapshotEvery":10001}}"#,
        r#"{"type":"protocol","switches":{"snapshotEvery":"8"}}"#,
        r#"{"type":"protocol","switches":{"snapshotEvery":null}}"#,
        r#"{"type":"removeNode"}"#,
        r#"{"type":"snapshot","node":1}"#,
        r#""play""#,
        "42",
        "null",
    ];
    for text in bad {
        assert!(read_command(&json(text)?).is_err(), "{text} was read");
    }
    Ok(())
}

#[wasm_bindgen_test]
fn a_failed_start_and_an_error_are_shown_on_the_page() -> Result<(), JsValue> {
    web::stop();
    // No canvas on the page: the start fails with a message naming it.
    let error = web::start_with("?seed=1")
        .err()
        .ok_or("started without a canvas")?;
    let message = String::from(error.dyn_into::<js_sys::Error>()?.message());
    assert!(message.contains(web::CANVAS_ID), "{message}");
    assert!(web::loop_state().is_none());

    web::show_error("something broke");
    let doc = document()?;
    let overlay = doc.get_element_by_id(web::ERROR_ID).ok_or("no overlay")?;
    assert!(!overlay.has_attribute("hidden"));
    let text = overlay.text_content().unwrap_or_default();
    assert!(text.contains("something broke"), "{text}");
    overlay.remove();
    Ok(())
}

#[wasm_bindgen_test]
async fn bad_url_values_become_notices_and_the_page_still_starts() -> Result<(), JsValue> {
    let stage = mount_stage()?;
    web::start_with("?nodes=50&speed=fast&autoplay=0")?;
    let doc = document()?;
    let bar = doc
        .get_element_by_id(web::notices::NOTICES_ID)
        .ok_or("no notice bar")?;
    assert_eq!(bar.child_element_count(), 2, "one notice per bad value");
    let snap = call_api("snapshot", &[])?;
    assert_eq!(get(&snap, &["nodes", "length"])?.as_f64(), Some(5.0));
    web::stop();
    bar.remove();
    stage.remove();
    Ok(())
}
