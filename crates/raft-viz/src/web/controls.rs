//! The page's controls: plain DOM from `index.html`, kept in step with the [`App`].
//!
//! Buttons carry `data-cmd="..."` and inputs `data-set="..."`; one delegated listener
//! per event kind (in `web/mod.rs`) turns them into commands. This module finds the
//! elements and writes the app's state into them, sparingly: cheap checks every frame,
//! anything that touches many nodes (feed, inspector, strip, time) at most a few times
//! per second, and everything at once after an input (`force`).

use raft_sim::raft_core::{NodeId, Role};
use raft_sim::{MsgId, Property};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, HtmlCanvasElement, HtmlInputElement};

use super::dom::{
    concat, find, get, get_element, set_attr, set_flag, set_hidden, set_text, set_value, value_of,
};
use super::labels;
use super::protocol_panel::ProtocolPanel;
use super::strip::Strip;
use crate::app::App;
use crate::app::split_minority;
use crate::lang::Lang;
use crate::narrate::text::{Arg, render_into, say};
use crate::num::{decimal, push_seconds, u64_text};
use crate::options::speed_param;
use crate::theme::Theme;
use crate::view::Selection;
use crate::{inspect, narrate};

/// Least time between two updates of the slow parts, in ms.
const SLOW_EVERY_MS: f64 = 250.0;
/// Sentences in the event feed.
const FEED_LINES: usize = 8;

// Form controls are kept as `Element`s and read and written through `dom::value_of` /
// `dom::set_value`, which take inputs, selects and text areas alike.

/// The toolbar: present in `controls=all` and `controls=minimal`.
#[derive(Debug)]
pub struct Toolbar {
    play: Element,
    play_icon: Element,
    play_label: Element,
    speed: Element,
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
    snapshot: Element,
    add_node: Element,
    drop: Element,
    cut: Element,
    /// Per property: the item, its name and its detail.
    badges: Vec<(Element, Element, Element)>,
    feed: Element,
    value: Element,
    split: Element,
    nodes: Element,
    seed: Element,
    loss: Element,
    lat_min: Element,
    lat_max: Element,
    to_min: Element,
    to_max: Element,
    lang: Option<Element>,
    protocol: Option<ProtocolPanel>,
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
    /// The inspector's lines, each ended by `\n` (see [`set_list`]).
    inspector: String,
    /// (cursor µs, steps, history seq) of the feed's text.
    fed: Option<(u64, u64, u64)>,
    /// The feed's lines, as `inspector`.
    feed: String,
    violations: Option<u64>,
    /// (selected node, nodes) of the cut select's options.
    cut_for: Option<(Option<NodeId>, usize)>,
    /// The protocol the protocol panel shows.
    protocol: Option<raft_sim::Protocol>,
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
                play: get_element(doc, "rv-play")?,
                play_icon: get_element(doc, "rv-play-icon")?,
                play_label: get_element(doc, "rv-play-label")?,
                speed: get_element(doc, "rv-speed")?,
                scrub: get(doc, "rv-scrub")?,
                live: get_element(doc, "rv-live")?,
                time: get_element(doc, "rv-time")?,
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
                let badges_root = get_element(doc, "rv-badges")?;
                let mut badges = Vec::new();
                for _ in Property::ALL {
                    let li = doc.create_element("li")?;
                    let name = doc.create_element("span")?;
                    let detail = doc.create_element("small")?;
                    li.append_child(&name)?;
                    li.append_child(&detail)?;
                    badges_root.append_child(&li)?;
                    badges.push((li, name, detail));
                }
                let el = |id| get_element(doc, id);
                Some(Panel {
                    insp_title: el("rv-insp-title")?,
                    insp_lines: el("rv-insp-lines")?,
                    insp_hint: el("rv-insp-hint")?,
                    insp_node: el("rv-insp-node")?,
                    insp_msg: el("rv-insp-msg")?,
                    crash: el("rv-crash")?,
                    restart: el("rv-restart")?,
                    timeout: el("rv-timeout")?,
                    snapshot: el("rv-snapshot")?,
                    add_node: el("rv-add-node")?,
                    drop: el("rv-drop")?,
                    cut: el("rv-cut")?,
                    badges,
                    feed: el("rv-feed")?,
                    value: el("rv-value")?,
                    split: el("rv-split")?,
                    nodes: el("rv-nodes")?,
                    seed: el("rv-seed")?,
                    loss: el("rv-loss")?,
                    lat_min: el("rv-lat-min")?,
                    lat_max: el("rv-lat-max")?,
                    to_min: el("rv-to-min")?,
                    to_max: el("rv-to-max")?,
                    lang: find(doc, "rv-lang"),
                    protocol: ProtocolPanel::bind(doc),
                })
            }
        };
        let mut controls = Controls {
            doc: doc.clone(),
            toolbar,
            panel,
            // The html is written in English: an English page needs no relabelling
            // before its first frame (the first one to Chinese keeps the English).
            shown: Shown {
                lang: Some(Lang::En),
                ..Shown::default()
            },
            last_slow: f64::NEG_INFINITY,
        };
        controls.set_lang(app.lang());
        Ok(controls)
    }

    /// The client's value box.
    pub fn value_box(&self) -> Option<&Element> {
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
            set_value(l, lang.code());
        }
    }

    /// Writes every text in `lang` again, even if it is the language shown (its
    /// catalogue has just arrived).
    pub fn relabel(&mut self, lang: Lang) {
        self.shown.lang = None;
        self.set_lang(lang);
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
                &self.doc,
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
        // The panel is hidden in the tour: nothing to write there.
        if let (Some(p), true, None) = (self.panel.as_ref(), slow, app.tour()) {
            sync_panel(p, &self.doc, &mut self.shown, app, force, lang);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn sync_toolbar(
    t: &mut Toolbar,
    doc: &Document,
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
            lang.tr(if playing { "Pause" } else { "Play" }),
        );
        set_attr(
            &t.play,
            "aria-pressed",
            if playing { "true" } else { "false" },
        );
        set_attr(&t.play, "title", lang.tr("Play / pause (Space)"));
    }
    if force {
        select_speed(doc, &t.speed, app.speed());
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
    let scrub_to = (time_us / 1_000) as f64;
    if shown.time_us != Some(time_us) {
        shown.time_us = Some(time_us);
        let mut time = String::new();
        push_seconds(&mut time, time_us);
        set_text(&t.time, &time);
        t.scrub.set_value_as_number(scrub_to);
    }
    let frontier_ms = app.timeline().frontier().as_micros() / 1_000;
    if shown.frontier_ms != Some(frontier_ms) {
        shown.frontier_ms = Some(frontier_ms);
        set_attr(&t.scrub, "max", &u64_text(frontier_ms));
        t.scrub.set_value_as_number(scrub_to);
    }
    if let Some(strip) = t.strip.as_mut() {
        strip.update(app, theme, ratio, now, force);
    }
}

/// Shows `speed` in the select, adding an option if the list lacks it.
fn select_speed(doc: &Document, select: &Element, speed: f64) {
    let value = speed_param(speed);
    set_value(select, &value);
    if value_of(select) != value
        && let Ok(opt) = doc.create_element("option")
    {
        opt.set_text_content(Some(&concat(&[&decimal(speed, 4), "×"])));
        let _ = opt.set_attribute("value", &value);
        let _ = select.append_child(&opt);
        set_value(select, &value);
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
            Some(Selection::Message(id)) => inspect::message_lines(world, id, lang),
            // The rule panel says what an event was and why.
            Some(Selection::Event(_)) => Vec::new(),
        };
        let mut text = String::new();
        for line in &lines {
            text.push_str(line);
            text.push('\n');
        }
        let title = match selection {
            // Through `say!` like the others, not a copy of `tr`'s text by hand.
            None => say!(lang, "Inspector"),
            Some(Selection::Node(id)) => say!(lang, "Node {0}", id),
            Some(Selection::Message(MsgId(id))) => {
                if lines.is_empty() {
                    text.push_str(lang.tr("This message has arrived or was lost."));
                    text.push('\n');
                }
                say!(lang, "Message #{0}", id)
            }
            // An event: the rule panel says what it was, and why.
            Some(Selection::Event(_)) => say!(lang, "Inspector"),
        };
        set_text(&p.insp_title, &title);
        set_list(doc, &p.insp_lines, &mut shown.inspector, text);
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
            disable(&p.snapshot, role.is_none());
        }
        if let Some(Selection::Message(id)) = selection {
            disable(&p.drop, world.flight(id).is_none());
        }
        let n = world.ids().len();
        disable(&p.add_node, n >= raft_sim::MAX_NODES);
        if shown.cut_for != Some((node, n)) {
            shown.cut_for = Some((node, n));
            fill_cut(&p.cut, node, n, lang);
        }
    }

    // Safety badges.
    let checker = world.checker();
    if force || shown.violations != Some(checker.total()) {
        shown.violations = Some(checker.total());
        for (&property, (li, name, detail)) in Property::ALL.iter().zip(&p.badges) {
            let broken = checker.violations().iter().find(|v| v.property == property);
            let ok = broken.is_none() && checker.first_broken(property).is_none();
            set_attr(li, "class", if ok { "ok" } else { "bad" });
            set_text(
                name,
                &concat(&[
                    if ok { "✓ " } else { "✗ " },
                    labels::property(property, lang),
                ]),
            );
            // The feed's sentence, in the reader's language.
            let text = broken
                .map(|v| narrate::violation(v, lang))
                .unwrap_or_default();
            set_text(detail, &text);
            set_attr(li, "title", &text);
        }
    }

    // Event feed.
    let now = world.now();
    let fed = (now.as_micros(), steps, seq);
    if shown.fed != Some(fed) {
        shown.fed = Some(fed);
        let mut text = String::new();
        for (at, s) in narrate::narrate_recent(history, world, lang, now, FEED_LINES)
            .iter()
            .rev()
        {
            push_seconds(&mut text, at.as_micros());
            text.push('\t');
            text.push_str(s);
            text.push('\n');
        }
        set_list(doc, &p.feed, &mut shown.feed, text);
    }

    // Protocol: a copy of its switches and threshold to compare; the panel is written when they
    // change (a command, a seek across a change) and after an input (`force`), which
    // puts back a box whose click was refused.
    let protocol = app.protocol();
    if let Some(panel) = p.protocol.as_ref()
        && (force || shown.protocol != Some(protocol))
    {
        shown.protocol = Some(protocol);
        panel.show(&protocol, lang);
    }

    if force {
        let n = world.ids().len();
        let k = split_minority(n);
        set_text(
            &p.split,
            &say!(lang, "Split {0}|{1}", k, n.saturating_sub(k)),
        );
        disable(&p.split, n < 3);
        set_value(&p.nodes, &u64_text(n as u64));
        let active = doc.active_element();
        let idle = |el: &Element| active.as_ref() != Some(el);
        if idle(&p.seed) {
            set_value(&p.seed, &u64_text(app.seed()));
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
            if idle(el) && value_of(el) != v {
                set_value(el, &v);
            }
        }
    }
}

fn disable(el: &Element, disabled: bool) {
    set_flag(el, "disabled", disabled);
}

/// Makes `root`'s `<li>` children show `lines`, touching only what changed. `lines` holds
/// one line after another, each ended by `\n`; `shown` is what was shown last.
/// A line `time\ttext` shows `time` through the item's `data-t` attribute (styled by
/// CSS).
fn set_list(doc: &Document, root: &Element, shown: &mut String, lines: String) {
    if *shown == lines {
        return;
    }
    // A static list of the children, as they were before the changes below.
    let Ok(children) = root.query_selector_all(":scope > *") else {
        return;
    };
    let mut before = shown.split_terminator('\n');
    let mut count = 0u32;
    for line in lines.split_terminator('\n') {
        let i = count;
        count += 1;
        if before.next() == Some(line) {
            continue;
        }
        let li = match children.item(i) {
            Some(li) => li.unchecked_into::<Element>(),
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
    for i in count..children.length() {
        if let Some(extra) = children.item(i) {
            extra.unchecked_into::<Element>().remove();
        }
    }
    *shown = lines;
}

/// The "cut link to…" select: the other nodes of the cluster. Written as one
/// `innerHTML` (a fixed label and node names, nothing to escape).
fn fill_cut(cut: &Element, node: Option<NodeId>, n: usize, lang: Lang) {
    let mut html = concat(&["<option value=\"\">", lang.tr("Cut link to…"), "</option>"]);
    if let Some(from) = node {
        for i in 0..n {
            if i == from.0 as usize {
                continue;
            }
            render_into(
                &mut html,
                "<option value=\"{0}\">{1} ↮ {2}</option>",
                &[Arg::from(i), Arg::Node(from), Arg::Node(NodeId(i as u32))],
            );
        }
    }
    cut.set_inner_html(&html);
}
