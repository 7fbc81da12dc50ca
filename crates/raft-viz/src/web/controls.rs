//! The page's controls: plain DOM from `index.html`, kept in step with the [`App`].
//!
//! Buttons carry `data-cmd="..."` and inputs `data-set="..."`; one delegated listener
//! per event kind (in `web/mod.rs`) turns them into commands. This module finds the
//! elements and writes the app's state into them, sparingly: cheap checks every frame,
//! anything that touches many nodes (feed, inspector, strip, time) at most a few times
//! per second, and everything at once after an input (`force`).

use raft_sim::raft_core::{Instant, NodeId, Role};
use raft_sim::{MsgId, Property};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{
    Document, Element, HtmlCanvasElement, HtmlElement, HtmlInputElement, HtmlOptionElement,
    HtmlSelectElement,
};

use super::dom::{decimal, find, get, seconds, set_attr, set_hidden, set_text};
use super::labels::{self, label};
use super::strip::Strip;
use crate::app::App;
use crate::app_ext::{speed_param, split_minority};
use crate::lang::Lang;
use crate::theme::Theme;
use crate::view::Selection;
use crate::{inspect, narrate};

/// Least time between two updates of the slow parts, in ms.
const SLOW_EVERY_MS: f64 = 250.0;
/// Sentences in the event feed.
const FEED_LINES: usize = 8;

/// The toolbar: present in `controls=all` and `controls=minimal`.
#[derive(Debug)]
pub struct Toolbar {
    play: Element,
    play_icon: Element,
    play_label: Element,
    speed: HtmlSelectElement,
    scrub: HtmlInputElement,
    live: Element,
    time: Element,
    strip: Option<Strip>,
}

/// The side panel: present in `controls=all`.
#[derive(Debug)]
pub struct Panel {
    insp_title: Element,
    insp_lines: Element,
    insp_hint: Element,
    insp_node: Element,
    insp_msg: Element,
    crash: Element,
    restart: Element,
    timeout: Element,
    drop: Element,
    cut: HtmlSelectElement,
    badges: Vec<(Element, Element)>,
    feed: Element,
    value: HtmlInputElement,
    split: Element,
    nodes: HtmlSelectElement,
    seed: HtmlInputElement,
    loss: HtmlInputElement,
    lat_min: HtmlInputElement,
    lat_max: HtmlInputElement,
    to_min: HtmlInputElement,
    to_max: HtmlInputElement,
    lang: Option<HtmlSelectElement>,
}

/// What was last written, so unchanged values are not written again.
#[derive(Debug, Default)]
struct Shown {
    playing: Option<bool>,
    time_us: Option<u64>,
    frontier_ms: Option<u64>,
    live: Option<bool>,
    lang: Option<Lang>,
    /// (selection, steps, history length) of the inspector's text.
    inspected: Option<(Option<Selection>, u64, u64)>,
    inspector: Vec<String>,
    /// (cursor µs, steps, history seq) of the feed's text.
    fed: Option<(u64, u64, u64)>,
    feed: Vec<String>,
    violations: Option<u64>,
    /// (selected node, nodes) of the cut select's options.
    cut_for: Option<(Option<NodeId>, usize)>,
}

/// Everything the page shows besides the canvas.
#[derive(Debug)]
pub struct Controls {
    doc: Document,
    toolbar: Option<Toolbar>,
    panel: Option<Panel>,
    shown: Shown,
    last_slow: f64,
}

fn input(doc: &Document, id: &str) -> Result<HtmlInputElement, JsValue> {
    get(doc, id)
}

impl Controls {
    /// Binds the controls in the page. Missing markup (a page with only the canvas)
    /// gives no toolbar or panel, not an error.
    pub fn bind(
        doc: &Document,
        family: &str,
        app: &App,
        want_toolbar: bool,
        want_panel: bool,
    ) -> Result<Controls, JsValue> {
        let toolbar = match find::<Element>(doc, "rv-toolbar") {
            Some(_) if !want_toolbar => None,
            None => None,
            Some(_) => Some(Toolbar {
                play: get(doc, "rv-play")?,
                play_icon: get(doc, "rv-play-icon")?,
                play_label: get(doc, "rv-play-label")?,
                speed: get(doc, "rv-speed")?,
                scrub: input(doc, "rv-scrub")?,
                live: get(doc, "rv-live")?,
                time: get(doc, "rv-time")?,
                strip: match find::<HtmlCanvasElement>(doc, "rv-strip") {
                    Some(c) => Some(Strip::new(&c, family)?),
                    None => None,
                },
            }),
        };
        let panel = match find::<Element>(doc, "rv-panel") {
            Some(_) if !want_panel => None,
            None => None,
            Some(_) => {
                let badges_root: Element = get(doc, "rv-badges")?;
                let mut badges = Vec::new();
                for _ in Property::ALL {
                    let li = doc.create_element("li")?;
                    let name = doc.create_element("span")?;
                    let detail = doc.create_element("small")?;
                    li.append_child(&name)?;
                    li.append_child(&detail)?;
                    badges_root.append_child(&li)?;
                    badges.push((li, detail));
                }
                Some(Panel {
                    insp_title: get(doc, "rv-insp-title")?,
                    insp_lines: get(doc, "rv-insp-lines")?,
                    insp_hint: get(doc, "rv-insp-hint")?,
                    insp_node: get(doc, "rv-insp-node")?,
                    insp_msg: get(doc, "rv-insp-msg")?,
                    crash: get(doc, "rv-crash")?,
                    restart: get(doc, "rv-restart")?,
                    timeout: get(doc, "rv-timeout")?,
                    drop: get(doc, "rv-drop")?,
                    cut: get(doc, "rv-cut")?,
                    badges,
                    feed: get(doc, "rv-feed")?,
                    value: input(doc, "rv-value")?,
                    split: get(doc, "rv-split")?,
                    nodes: get(doc, "rv-nodes")?,
                    seed: input(doc, "rv-seed")?,
                    loss: input(doc, "rv-loss")?,
                    lat_min: input(doc, "rv-lat-min")?,
                    lat_max: input(doc, "rv-lat-max")?,
                    to_min: input(doc, "rv-to-min")?,
                    to_max: input(doc, "rv-to-max")?,
                    lang: find(doc, "rv-lang"),
                })
            }
        };
        let mut controls = Controls {
            doc: doc.clone(),
            toolbar,
            panel,
            shown: Shown::default(),
            last_slow: f64::NEG_INFINITY,
        };
        controls.set_lang(app.lang());
        Ok(controls)
    }

    /// The client's value box.
    pub fn value_box(&self) -> Option<&HtmlInputElement> {
        self.panel.as_ref().map(|p| &p.value)
    }

    /// Relabels everything in `lang`.
    pub fn set_lang(&mut self, lang: Lang) {
        if self.shown.lang == Some(lang) {
            return;
        }
        labels::relabel(&self.doc, lang);
        self.shown = Shown {
            lang: Some(lang),
            ..Shown::default()
        };
        if let Some(l) = self.panel.as_ref().and_then(|p| p.lang.as_ref()) {
            l.set_value(lang.code());
        }
    }

    /// A new run (new seed, size or scene): the strip starts over.
    pub fn new_run(&mut self) {
        if let Some(s) = self.toolbar.as_mut().and_then(|t| t.strip.as_mut()) {
            s.reset();
        }
        self.shown.inspected = None;
        self.shown.fed = None;
        self.shown.violations = None;
    }

    /// The layout changed size.
    pub fn resized(&mut self) {
        if let Some(s) = self.toolbar.as_mut().and_then(|t| t.strip.as_mut()) {
            s.remeasure();
        }
    }

    /// Writes the app's state into the page. `now` is the frame's timestamp (ms);
    /// `force` updates everything at once (after an input, or when the loop sleeps).
    pub fn sync(&mut self, app: &App, theme: &Theme, ratio: f64, now: f64, force: bool) {
        let slow = force || now - self.last_slow >= SLOW_EVERY_MS;
        if slow {
            self.last_slow = now;
        }
        let lang = app.lang();
        if let Some(t) = self.toolbar.as_mut() {
            sync_toolbar(
                t,
                &mut self.shown,
                app,
                theme,
                ratio,
                now,
                slow,
                force,
                lang,
            );
        }
        if let (Some(p), true) = (self.panel.as_ref(), slow) {
            sync_panel(p, &self.doc, &mut self.shown, app, force, lang);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn sync_toolbar(
    t: &mut Toolbar,
    shown: &mut Shown,
    app: &App,
    theme: &Theme,
    ratio: f64,
    now: f64,
    slow: bool,
    force: bool,
    lang: Lang,
) {
    let playing = app.playing();
    if shown.playing != Some(playing) {
        shown.playing = Some(playing);
        set_text(&t.play_icon, if playing { "❚❚" } else { "▶" });
        set_text(
            &t.play_label,
            lang.pick(
                if playing { "Pause" } else { "Play" },
                if playing { "暂停" } else { "播放" },
            ),
        );
        set_attr(
            &t.play,
            "aria-pressed",
            if playing { "true" } else { "false" },
        );
        set_attr(
            &t.play,
            "title",
            lang.pick("Play / pause (Space)", "播放 / 暂停（空格）"),
        );
    }
    if force {
        select_speed(&t.speed, app.speed());
    }
    let live = app.timeline().is_live();
    if shown.live != Some(live) {
        shown.live = Some(live);
        set_attr(&t.live, "aria-pressed", if live { "true" } else { "false" });
    }
    if !slow {
        return;
    }
    let time_us = app.world().now().as_micros();
    if shown.time_us != Some(time_us) {
        shown.time_us = Some(time_us);
        set_text(&t.time, &seconds(time_us));
        t.scrub.set_value_as_number((time_us / 1_000) as f64);
    }
    let frontier_ms = app.timeline().frontier().as_micros() / 1_000;
    if shown.frontier_ms != Some(frontier_ms) {
        shown.frontier_ms = Some(frontier_ms);
        set_attr(&t.scrub, "max", &frontier_ms.to_string());
        t.scrub.set_value_as_number((time_us / 1_000) as f64);
    }
    if let Some(strip) = t.strip.as_mut() {
        strip.update(app, theme, ratio, now, force);
    }
}

/// Shows `speed` in the select, adding an option if the list lacks it.
fn select_speed(select: &HtmlSelectElement, speed: f64) {
    let value = speed_param(speed);
    select.set_value(&value);
    if select.value() != value
        && let Ok(opt) =
            HtmlOptionElement::new_with_text_and_value(&format!("{}×", decimal(speed, 4)), &value)
    {
        let _ = select.add_with_html_option_element(&opt);
        select.set_value(&value);
    }
}

fn sync_panel(p: &Panel, doc: &Document, shown: &mut Shown, app: &App, force: bool, lang: Lang) {
    let world = app.world();
    let history = app.timeline().history();
    let steps = world.steps();
    let seq = history.next_seq();

    // Inspector.
    let selection = app.selection();
    let key = (selection, steps, seq);
    if shown.inspected != Some(key) {
        shown.inspected = Some(key);
        let lines = match selection {
            None => Vec::new(),
            Some(Selection::Node(id)) => inspect::node_lines(world, id, lang),
            Some(Selection::Message(id)) => {
                let lines = inspect::message_lines(world, id, lang);
                if lines.is_empty() {
                    vec![String::from(lang.pick(
                        "This message has arrived or was lost.",
                        "这条消息已送达或已丢失。",
                    ))]
                } else {
                    lines
                }
            }
        };
        let title = match selection {
            None => String::from(label("inspector", lang)),
            Some(Selection::Node(id)) => {
                format!("{} {}", lang.pick("Node", "节点"), raft_sim::node_name(id))
            }
            Some(Selection::Message(MsgId(id))) => {
                format!("{} #{id}", lang.pick("Message", "消息"))
            }
        };
        set_text(&p.insp_title, &title);
        set_list(doc, &p.insp_lines, &mut shown.inspector, &lines);
        set_hidden(&p.insp_hint, selection.is_some());
        let node = match selection {
            Some(Selection::Node(id)) => Some(id),
            _ => None,
        };
        set_hidden(&p.insp_node, node.is_none());
        set_hidden(
            &p.insp_msg,
            !matches!(selection, Some(Selection::Message(_))),
        );
        if let Some(id) = node {
            let role = world.node(id).map(raft_sim::raft_core::Node::role);
            disable(&p.crash, role.is_none());
            disable(&p.restart, role.is_some());
            disable(&p.timeout, matches!(role, None | Some(Role::Leader)));
        }
        if let Some(Selection::Message(id)) = selection {
            disable(&p.drop, world.flight(id).is_none());
        }
        let n = world.ids().len();
        if shown.cut_for != Some((node, n)) {
            shown.cut_for = Some((node, n));
            fill_cut(&p.cut, node, n, lang);
        }
    }

    // Safety badges.
    let checker = world.checker();
    if force || shown.violations != Some(checker.total()) {
        shown.violations = Some(checker.total());
        for (&property, (li, detail)) in Property::ALL.iter().zip(&p.badges) {
            let broken = checker.violations().iter().find(|v| v.property == property);
            let ok = broken.is_none() && checker.first_broken(property).is_none();
            set_attr(li, "class", if ok { "ok" } else { "bad" });
            if let Some(name) = li.first_element_child() {
                set_text(
                    &name,
                    &format!(
                        "{} {}",
                        if ok { "✓" } else { "✗" },
                        labels::property(property, lang)
                    ),
                );
            }
            let text = broken.map(ToString::to_string).unwrap_or_default();
            set_text(detail, &text);
            set_attr(li, "title", &text);
        }
    }

    // Event feed.
    let now = world.now();
    let fed = (now.as_micros(), steps, seq);
    if shown.fed != Some(fed) {
        shown.fed = Some(fed);
        let lines: Vec<String> = narrate::narrate_recent(history, world, lang, now, FEED_LINES)
            .into_iter()
            .rev()
            .map(|(at, s)| format!("{}\t{s}", time_label(at)))
            .collect();
        set_list(doc, &p.feed, &mut shown.feed, &lines);
    }

    if force {
        let n = world.ids().len();
        let k = split_minority(n);
        set_text(
            &p.split,
            &format!("{} {k}|{}", lang.pick("Split", "分区"), n.saturating_sub(k)),
        );
        disable(&p.split, n < 3);
        p.nodes.set_value(&n.to_string());
        let active = doc.active_element();
        let idle = |el: &HtmlInputElement| active.as_ref() != Some(el.as_ref());
        if idle(&p.seed) {
            p.seed.set_value(&app.seed().to_string());
        }
        let net = world.network();
        let config = world.config();
        let ms = |d: core::time::Duration| decimal(d.as_micros() as f64 / 1_000.0, 3);
        for (el, v) in [
            (&p.loss, decimal(f64::from(net.loss_ppm) / 10_000.0, 4)),
            (&p.lat_min, ms(net.latency_min)),
            (&p.lat_max, ms(net.latency_max)),
            (&p.to_min, ms(config.election_timeout_min)),
            (&p.to_max, ms(config.election_timeout_max)),
        ] {
            if idle(el) && el.value() != v {
                el.set_value(&v);
            }
        }
    }
}

/// `1.234 s`.
fn time_label(at: Instant) -> String {
    seconds(at.as_micros())
}

fn disable(el: &Element, disabled: bool) {
    if el.has_attribute("disabled") != disabled {
        let _ = if disabled {
            el.set_attribute("disabled", "")
        } else {
            el.remove_attribute("disabled")
        };
    }
}

/// Makes `root`'s `<li>` children show `lines`, touching only what changed. A line
/// `time\ttext` shows `time` through the item's `data-t` attribute (styled by CSS).
fn set_list(doc: &Document, root: &Element, shown: &mut Vec<String>, lines: &[String]) {
    if shown.as_slice() == lines {
        return;
    }
    let children = root.children();
    for (i, line) in lines.iter().enumerate() {
        if shown.get(i) == Some(line) {
            continue;
        }
        let li = match children.item(i as u32) {
            Some(li) => li,
            None => match doc.create_element("li") {
                Ok(li) => {
                    let _ = root.append_child(&li);
                    li
                }
                Err(_) => return,
            },
        };
        match line.split_once('\t') {
            Some((time, text)) => {
                let _ = li.set_attribute("data-t", time);
                li.set_text_content(Some(text));
            }
            None => li.set_text_content(Some(line)),
        }
    }
    while root.child_element_count() as usize > lines.len() {
        match root.last_element_child() {
            Some(last) => last.remove(),
            None => break,
        }
    }
    *shown = lines.to_vec();
}

/// The "cut link to…" select: the other nodes of the cluster.
fn fill_cut(cut: &HtmlSelectElement, node: Option<NodeId>, n: usize, lang: Lang) {
    cut.set_inner_html("");
    if let Ok(first) = HtmlOptionElement::new_with_text_and_value(label("cutTo", lang), "") {
        let _ = cut.add_with_html_option_element(&first);
    }
    let Some(from) = node else {
        return;
    };
    for i in 0..n {
        if i == from.0 as usize {
            continue;
        }
        let name = raft_sim::node_name(NodeId(i as u32));
        let text = format!("{} ↮ {name}", raft_sim::node_name(from));
        if let Ok(opt) = HtmlOptionElement::new_with_text_and_value(&text, &i.to_string()) {
            let _ = cut.add_with_html_option_element(&opt);
        }
    }
}

/// Focuses an element (the value box on `S`), selecting its text.
pub fn focus_select(el: &HtmlInputElement) {
    let _ = el.unchecked_ref::<HtmlElement>().focus();
    el.select();
}
