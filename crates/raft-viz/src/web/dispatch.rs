//! What the page's buttons, keys and form controls ask for, parsed once from their
//! `data-cmd` / `data-set` names into a [`PageAction`] or a [`Setting`], and carried
//! out: most become a [`Command`] for the app; the rest (share, overlays, notices) are
//! the page's own. What a person typed is read and checked here, at the edge: a bad
//! value gets a message in the reader's language and changes nothing.

use core::time::Duration;

use raft_sim::raft_core::NodeId;
use raft_sim::{Op, Preset, Switch};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, KeyboardEvent};

use super::dom::{focus_select, message_of, set_value, value_of};
use super::page::Page;
use crate::command::{Command, CommandError, NetworkChange, duration_ms, instant_ms};
use crate::export::Kind;
use crate::lang::Lang;
use crate::num::parse_decimal;
use crate::options::{Controls as ControlsMode, parse_speed};
use crate::protocol::parse_threshold;
use crate::view::Selection;

/// What a button (`data-cmd="…"`) or a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageAction {
    /// Play or pause.
    Toggle,
    /// One event back.
    Back,
    /// One event forward.
    Step,
    /// To the live end.
    Live,
    /// Crash the selected node.
    Crash,
    /// Restart the selected node.
    Restart,
    /// Time the selected node out.
    Timeout,
    /// Add a server.
    AddNode,
    /// Remove the selected node.
    RemoveNode,
    /// The selected node takes a snapshot.
    Snapshot,
    /// Drop the selected message.
    Drop,
    /// The client sends `set` with the value box's number.
    Set,
    /// The client sends `add` with it.
    Add,
    /// The split preset.
    Split,
    /// The isolate-leader preset.
    Isolate,
    /// Heal every link.
    Heal,
    /// A new run on a fresh seed.
    NewSeed,
    /// The share link.
    Share,
    /// The embed snippet.
    Embed,
    /// Copy the embed snippet.
    CopyEmbed,
    /// The keyboard help.
    Help,
    /// Close the overlays.
    Close,
    /// Dismiss the notice the button is in.
    Dismiss,
    /// Focus the client's value box (key `s`).
    FocusValue,
    /// Close an overlay, or else clear the selection (Escape).
    Escape,
    /// The tour's next step.
    Next,
    /// The tour's previous step.
    Prev,
    /// Play the tour's step again.
    Replay,
    /// A step dot: show its step (`data-step`).
    Dot,
    /// Go on in the sandbox from here.
    Try,
    /// The switch: the tour.
    ModeTour,
    /// The switch: a new sandbox.
    ModeSandbox,
    /// The diagram's time axis: a shorter span.
    ZoomIn,
    /// A longer span.
    ZoomOut,
    /// Take a picture away: the cluster as PNG, the diagram as SVG, or a WebM.
    TakeAway(Kind),
}

/// The buttons' `data-cmd` names.
const BUTTONS: [(&str, PageAction); 35] = [
    ("next", PageAction::Next),
    ("prev", PageAction::Prev),
    ("replay", PageAction::Replay),
    ("dot", PageAction::Dot),
    ("try", PageAction::Try),
    ("modeTour", PageAction::ModeTour),
    ("modeSandbox", PageAction::ModeSandbox),
    ("toggle", PageAction::Toggle),
    ("back", PageAction::Back),
    ("step", PageAction::Step),
    ("live", PageAction::Live),
    ("crash", PageAction::Crash),
    ("restart", PageAction::Restart),
    ("timeout", PageAction::Timeout),
    ("addNode", PageAction::AddNode),
    ("removeNode", PageAction::RemoveNode),
    ("snapshot", PageAction::Snapshot),
    ("drop", PageAction::Drop),
    ("set", PageAction::Set),
    ("add", PageAction::Add),
    ("split", PageAction::Split),
    ("isolate", PageAction::Isolate),
    ("heal", PageAction::Heal),
    ("newSeed", PageAction::NewSeed),
    ("share", PageAction::Share),
    ("embed", PageAction::Embed),
    ("copyEmbed", PageAction::CopyEmbed),
    ("help", PageAction::Help),
    ("close", PageAction::Close),
    ("dismiss", PageAction::Dismiss),
    ("zoomIn", PageAction::ZoomIn),
    ("zoomOut", PageAction::ZoomOut),
    ("savePng", PageAction::TakeAway(Kind::Png)),
    ("saveSvg", PageAction::TakeAway(Kind::Svg)),
    ("record", PageAction::TakeAway(Kind::Record)),
];

/// The keys (letters in lower case): most press a button.
const KEYS: [(&str, PageAction); 12] = [
    (" ", PageAction::Toggle),
    ("ArrowLeft", PageAction::Back),
    ("ArrowRight", PageAction::Step),
    ("l", PageAction::Live),
    ("c", PageAction::Crash),
    ("r", PageAction::Restart),
    ("t", PageAction::Timeout),
    ("h", PageAction::Heal),
    ("p", PageAction::Split),
    ("?", PageAction::Help),
    ("s", PageAction::FocusValue),
    ("Escape", PageAction::Escape),
];

impl PageAction {
    /// The action of a `data-cmd` name.
    pub fn parse(name: &str) -> Option<PageAction> {
        BUTTONS.iter().find(|(n, _)| *n == name).map(|&(_, a)| a)
    }

    /// The action of a key (`KeyboardEvent.key`; letters in either case).
    pub fn of_key(key: &str) -> Option<PageAction> {
        let lower;
        let key = if key.len() == 1 {
            lower = key.to_ascii_lowercase();
            &lower
        } else {
            key
        };
        KEYS.iter().find(|(k, _)| *k == key).map(|&(_, a)| a)
    }
}

/// What an input or select (`data-set="…"`) sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// Playback speed.
    Speed,
    /// The timeline's slider (scrubs while dragging).
    Seek,
    /// Cluster size.
    Nodes,
    /// The seed.
    Seed,
    /// Loss and latency.
    Network,
    /// Election timeouts.
    Timeouts,
    /// "Cut link to…".
    Cut,
    /// The language.
    Lang,
    /// The chapter menu: a tour scene.
    Scene,
    /// The protocol panel's preset menu.
    Preset,
    /// One of the protocol panel's checkboxes (its `value` names the switch).
    Switch,
    /// The protocol panel's snapshot threshold, in entries (0: never).
    SnapshotEvery,
}

impl Setting {
    /// The setting of a `data-set` name.
    pub fn parse(name: &str) -> Option<Setting> {
        Some(match name {
            "speed" => Setting::Speed,
            "seek" => Setting::Seek,
            "nodes" => Setting::Nodes,
            "seed" => Setting::Seed,
            "network" => Setting::Network,
            "timeouts" => Setting::Timeouts,
            "cut" => Setting::Cut,
            "lang" => Setting::Lang,
            "scene" => Setting::Scene,
            "preset" => Setting::Preset,
            "switch" => Setting::Switch,
            "snapshotEvery" => Setting::SnapshotEvery,
            _ => return None,
        })
    }
}

impl Page {
    /// Carries out a button's or a key's action; a refusal is flashed. `el` is the
    /// button clicked, if any.
    pub fn perform(&mut self, action: PageAction, el: Option<&Element>) {
        if let Err(e) = self.try_perform(action, el) {
            self.flash(&e, true);
        }
    }

    fn try_perform(&mut self, action: PageAction, el: Option<&Element>) -> Result<(), String> {
        let in_tour = self.app.tour().is_some();
        let cmd = match action {
            PageAction::Toggle => Command::Toggle,
            // In the tour the arrows go from step to step.
            PageAction::Back if in_tour => Command::Prev,
            PageAction::Step if in_tour => Command::Next,
            PageAction::Back => Command::Back,
            PageAction::Step => Command::Step,
            PageAction::Next => Command::Next,
            PageAction::Prev => Command::Prev,
            PageAction::Replay => Command::Replay,
            PageAction::Try => Command::Try,
            PageAction::ModeTour => Command::TourMode,
            PageAction::ModeSandbox => Command::SandboxMode(super::fresh_seed()?),
            PageAction::Dot => {
                let step = el
                    .and_then(|e| e.get_attribute("data-step"))
                    .and_then(|s| s.parse::<usize>().ok());
                match (step, self.app.tour()) {
                    (Some(step), Some(t)) => Command::Tour {
                        scene: String::from(t.scene().id),
                        step,
                        play: false,
                    },
                    _ => return Ok(()),
                }
            }
            PageAction::Live => Command::Live,
            PageAction::Crash => Command::Crash(self.selected_node()?),
            PageAction::Restart => Command::Restart(self.selected_node()?),
            PageAction::Timeout => Command::Timeout(self.selected_node()?),
            PageAction::AddNode => Command::AddNode,
            PageAction::RemoveNode => Command::RemoveNode(self.selected_node()?),
            PageAction::Snapshot => Command::Snapshot(self.selected_node()?),
            PageAction::Drop => match self.app.selection() {
                Some(Selection::Message(id)) => Command::Drop(id),
                _ => return Err(self.say("Select a message first.")),
            },
            PageAction::Set => self.client(Op::Set)?,
            PageAction::Add => self.client(Op::Add)?,
            PageAction::Split => Command::Split,
            PageAction::Isolate => Command::IsolateLeader,
            PageAction::Heal => Command::Heal,
            PageAction::NewSeed => Command::Seed(super::fresh_seed()?),
            PageAction::Share => return self.share(),
            PageAction::Embed => return self.embed(),
            PageAction::CopyEmbed => {
                self.copy_embed();
                return Ok(());
            }
            PageAction::Help => {
                self.notices.toggle_overlay("rv-help");
                return Ok(());
            }
            PageAction::Close => {
                self.notices.close_overlays();
                return Ok(());
            }
            PageAction::Dismiss => {
                if let Some(notice) = el.and_then(|e| e.parent_element()) {
                    notice.remove();
                }
                return Ok(());
            }
            PageAction::FocusValue => {
                if let Some(b) = self.controls.value_box()
                    && self.mode == ControlsMode::All
                {
                    focus_select(b);
                }
                return Ok(());
            }
            PageAction::Escape => {
                if self.notices.close_overlays() {
                    return Ok(());
                }
                Command::Select(None)
            }
            PageAction::ZoomIn => Command::Zoom(0.5),
            PageAction::ZoomOut => Command::Zoom(2.0),
            PageAction::TakeAway(kind) => return self.take_away(kind).map_err(|e| message_of(&e)),
        };
        self.command(cmd)
    }

    /// A key press: the action of its key, unless it goes to a text box or a select
    /// (there, Escape leaves the box).
    pub fn key(&mut self, event: &KeyboardEvent) {
        if event.ctrl_key() || event.meta_key() || event.alt_key() {
            return;
        }
        let key = event.key();
        // Keys go to text boxes and selects; the timeline's slider keeps its arrows
        // but not Space.
        let target = event.target().and_then(|t| t.dyn_into::<Element>().ok());
        let slider = target
            .as_ref()
            .is_some_and(|el| el.get_attribute("type").as_deref() == Some("range"));
        let typing = !(slider && key == " ")
            && target
                .map(|el| el.tag_name())
                .is_some_and(|tag| matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
        if typing {
            if key == "Escape"
                && let Some(el) = self
                    .document
                    .active_element()
                    .and_then(|e| e.dyn_into::<HtmlElement>().ok())
            {
                let _ = el.blur();
                self.notices.close_overlays();
            }
            return;
        }
        let Some(action) = PageAction::of_key(&key) else {
            return;
        };
        // The page must not scroll on Space or the arrows, nor a focused button click.
        event.prevent_default();
        self.perform(action, None);
    }

    /// An input or select changed (`live`: while dragging, `input` events).
    pub fn setting(&mut self, setting: Setting, el: &Element, live: bool) {
        // Only the timeline scrubs while dragging; the rest act on `change`.
        if live != (setting == Setting::Seek) {
            return;
        }
        if let Err(e) = self.try_setting(setting, el) {
            self.flash(&e, true);
            // Show the app's actual value again.
            self.after_input();
        }
    }

    fn try_setting(&mut self, setting: Setting, el: &Element) -> Result<(), String> {
        let value = value_of(el);
        let value = value.trim();
        let cmd = match setting {
            Setting::Speed => match parse_speed(value) {
                Some(v) => Command::Speed(v),
                None => return Err(self.say("Unknown speed.")),
            },
            Setting::Seek => match parse_decimal(value).and_then(instant_ms) {
                Some(t) => Command::Seek(t),
                None => return Ok(()),
            },
            Setting::Nodes => match value
                .parse::<u64>()
                .ok()
                .and_then(|n| usize::try_from(n).ok())
            {
                Some(count) => Command::Nodes(count),
                None => return Err(self.say("A cluster has 1 to 9 nodes.")),
            },
            Setting::Seed => match value.parse::<u64>() {
                Ok(seed) => Command::Seed(seed),
                Err(_) => return Err(self.say("The seed is a whole number, 0 or more.")),
            },
            Setting::Network => self.network()?,
            Setting::Timeouts => {
                let e = CommandError::ElectionTimeout;
                let (min, max) = (self.ms("rv-to-min", &e)?, self.ms("rv-to-max", &e)?);
                Command::Timeouts { min, max }
            }
            Setting::Cut => {
                let to = match (self.app.selection(), value) {
                    (_, "") => None,
                    (Some(Selection::Node(from)), to) => Some((from, self.app.node_id(to))),
                    _ => return Err(self.say("Select a node first.")),
                };
                set_value(el, "");
                match to {
                    None => return Ok(()),
                    Some((from, to)) => Command::Cut {
                        from,
                        to: to.map_err(|e| self.describe(&e))?,
                        both: true,
                    },
                }
            }
            Setting::Lang => {
                Command::Lang(Lang::parse(value).ok_or_else(|| self.describe(&CommandError::Lang))?)
            }
            Setting::Scene => Command::Tour {
                scene: String::from(value),
                step: 0,
                play: true,
            },
            // "custom" names no switches: the menu only shows it.
            Setting::Preset => match Preset::parse(value) {
                Some(p) => Command::Protocol(p.protocol()),
                None => return Err(self.describe(&CommandError::Preset)),
            },
            Setting::Switch => {
                let on = el
                    .dyn_ref::<HtmlInputElement>()
                    .is_some_and(HtmlInputElement::checked);
                match Switch::parse(value) {
                    Some(s) => Command::Protocol(self.app.protocol().with(s, on)),
                    None => return Err(self.describe(&CommandError::NoProtocol)),
                }
            }
            Setting::SnapshotEvery => match parse_threshold(value) {
                Some(n) => Command::Protocol(self.app.protocol().with_snapshot_every(n)),
                None => {
                    return Err(self.say(
                        "The snapshot threshold is a whole number of entries, 0 (never) to 10000.",
                    ));
                }
            },
        };
        self.command(cmd)
    }

    /// `en` in the reader's language.
    pub fn say(&self, en: &str) -> String {
        String::from(self.app.lang().tr(en))
    }

    fn selected_node(&self) -> Result<NodeId, String> {
        match self.app.selection() {
            Some(Selection::Node(id)) => Ok(id),
            _ => Err(self.say("Select a node first (click it).")),
        }
    }

    /// The client's request with the value box's number.
    fn client(&self, op: fn(i64) -> Op) -> Result<Command, String> {
        let text = self
            .controls
            .value_box()
            .map_or_else(|| String::from("5"), value_of);
        let Ok(value) = text.trim().parse::<i64>() else {
            return Err(self.say("The client sends whole numbers: type one in the box."));
        };
        Ok(Command::Client {
            op: op(value),
            to: None,
        })
    }

    /// The number typed in the box `id`.
    fn number(&self, id: &str) -> Result<f64, String> {
        self.document
            .get_element_by_id(id)
            .and_then(|i| parse_decimal(&value_of(&i)))
            .filter(|v| v.is_finite())
            .ok_or_else(|| self.say("Type a number."))
    }

    /// The duration in ms typed in the box `id`; `negative` tells a negative one.
    fn ms(&self, id: &str, negative: &CommandError) -> Result<Duration, String> {
        let v = self.number(id)?;
        duration_ms(v).ok_or_else(|| self.describe(negative))
    }

    fn network(&self) -> Result<Command, String> {
        let loss = self.number("rv-loss")?;
        if !(0.0..=100.0).contains(&loss) {
            return Err(self.say("Loss is 0 to 100 %."));
        }
        Ok(Command::Network(NetworkChange {
            loss: Some(loss / 100.0),
            latency_min: Some(self.ms("rv-lat-min", &CommandError::Latency)?),
            latency_max: Some(self.ms("rv-lat-max", &CommandError::Latency)?),
            duplicate: None,
            reorder: None,
        }))
    }
}
