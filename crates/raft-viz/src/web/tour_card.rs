//! The tour's card: the chapter menu, the scene's title, the step's caption, the step
//! dots, Back / Replay / Next and "try it yourself"; in the sandbox, the task taken from
//! the tour and the way back to it. Plain DOM from `index.html`, written only when what
//! it shows changes (a step, a language, a task ticked).

use wasm_bindgen::prelude::*;
use web_sys::{Document, Element};

use super::dom::{find, get_element, set_attr, set_flag, set_hidden, set_text, set_value};
use crate::app::App;
use crate::lang::Lang;
use crate::narrate::text::{Arg, render};

/// What the card last showed: (mode, scene index, step, done, lang, task done).
type Shown = (bool, usize, usize, bool, Lang, Option<bool>);

/// The card's elements.
#[derive(Debug)]
pub struct TourCard {
    root: Element,
    menu: Element,
    title: Element,
    caption: Element,
    dots: Element,
    counter: Element,
    prev: Element,
    next: Element,
    task: Element,
    task_text: Element,
    /// The sandbox's card for the task taken from the tour, if the page has a panel.
    goal: Option<(Element, Element)>,
    mode_tour: Option<Element>,
    mode_sandbox: Option<Element>,
    /// The scene the dots were built for, and their language.
    dots_for: Option<(usize, usize, Lang)>,
    menu_lang: Option<Lang>,
    shown: Option<Shown>,
}

impl TourCard {
    /// Binds the card, if the page has one.
    pub fn bind(doc: &Document, root: &Element) -> Result<Option<TourCard>, JsValue> {
        if find::<Element>(doc, "rv-tour").is_none() {
            return Ok(None);
        }
        Ok(Some(TourCard {
            root: root.clone(),
            menu: get_element(doc, "rv-menu")?,
            title: get_element(doc, "rv-tour-title")?,
            caption: get_element(doc, "rv-caption")?,
            dots: get_element(doc, "rv-dots")?,
            counter: get_element(doc, "rv-counter")?,
            prev: get_element(doc, "rv-prev")?,
            next: get_element(doc, "rv-next")?,
            task: get_element(doc, "rv-task")?,
            task_text: get_element(doc, "rv-task-text")?,
            goal: find(doc, "rv-goal").zip(find(doc, "rv-goal-text")),
            mode_tour: find(doc, "rv-mode-tour"),
            mode_sandbox: find(doc, "rv-mode-sandbox"),
            dots_for: None,
            menu_lang: None,
            shown: None,
        }))
    }

    /// Writes everything again at the next sync (a new language's text arrived).
    pub fn relabel(&mut self) {
        self.menu_lang = None;
        self.dots_for = None;
        self.shown = None;
    }

    /// Brings the card up to date with `app` (cheap when nothing changed).
    pub fn sync(&mut self, doc: &Document, app: &App) {
        let lang = app.lang();
        let tour = app.tour();
        let shown: Shown = match tour {
            Some(t) => (
                true,
                t.index(),
                t.step(),
                t.is_done(app.timeline()),
                lang,
                None,
            ),
            None => (false, 0, 0, false, lang, app.task().map(|t| t.is_done())),
        };
        if self.shown == Some(shown) {
            return;
        }
        self.shown = Some(shown);
        set_attr(
            &self.root,
            "data-mode",
            if tour.is_some() { "tour" } else { "sandbox" },
        );
        for (el, on) in [(&self.mode_tour, true), (&self.mode_sandbox, false)] {
            if let Some(el) = el {
                set_attr(
                    el,
                    "aria-pressed",
                    if tour.is_some() == on {
                        "true"
                    } else {
                        "false"
                    },
                );
            }
        }
        if self.menu_lang != Some(lang) {
            self.menu_lang = Some(lang);
            fill_menu(doc, &self.menu, lang);
        }
        if let Some((goal, text)) = &self.goal {
            let task = app.task().filter(|_| tour.is_none());
            set_hidden(goal, task.is_none());
            if let Some(task) = task {
                set_text(text, lang.tr(task.text_en()));
                set_attr(
                    goal,
                    "data-done",
                    if task.is_done() { "true" } else { "false" },
                );
            }
        }
        if let Some(t) = tour {
            set_value(&self.menu, t.scene().id);
            set_text(&self.title, lang.tr(t.scene().title_en));
            set_text(&self.caption, &t.caption(lang));
            let steps = t.steps();
            if self.dots_for != Some((t.index(), steps, lang)) {
                self.dots_for = Some((t.index(), steps, lang));
                fill_dots(doc, &self.dots, steps, lang);
            }
            mark_dots(&self.dots, t.step());
            set_text(
                &self.counter,
                &render(
                    lang.tr("Step {0} of {1}"),
                    &[Arg::from(t.step() + 1), Arg::from(steps)],
                ),
            );
            let first = t.index() == 0 && t.step() == 0;
            let last = t.index() + 1 == crate::tour::scene_count() && t.step() + 1 >= steps;
            set_flag(&self.prev, "disabled", first);
            set_flag(&self.next, "disabled", last && shown.3);
            // The task of the scene's last step: what to try in the sandbox.
            let task = t.scene().task.filter(|_| t.step() + 1 >= steps);
            set_hidden(&self.task, task.is_none());
            if let Some(task) = task {
                set_text(
                    &self.task_text,
                    lang.tr(crate::tour::english(t.scene().id, "task", task.en)),
                );
            }
        }
    }
}

/// The chapter menu: one `<optgroup>` per chapter, headed by its title, with its
/// scenes as options.
fn fill_menu(doc: &Document, menu: &Element, lang: Lang) {
    menu.set_inner_html("");
    let mut group: Option<(raft_sim::scene::Chapter, Element)> = None;
    for s in crate::tour::scenes() {
        if group.as_ref().is_none_or(|(c, _)| *c != s.chapter) {
            let Ok(g) = doc.create_element("optgroup") else {
                return;
            };
            set_attr(&g, "label", lang.tr(s.chapter.title_en()));
            let _ = menu.append_child(&g);
            group = Some((s.chapter, g));
        }
        let Ok(o) = doc.create_element("option") else {
            return;
        };
        set_attr(&o, "value", s.id);
        set_text(&o, lang.tr(s.title_en));
        if let Some((_, g)) = &group {
            let _ = g.append_child(&o);
        }
    }
}

/// One dot per step, each a button that shows its step.
fn fill_dots(doc: &Document, dots: &Element, steps: usize, lang: Lang) {
    dots.set_inner_html("");
    for i in 0..steps {
        let (Ok(li), Ok(b)) = (doc.create_element("li"), doc.create_element("button")) else {
            return;
        };
        let mut n = String::new();
        crate::num::push_u64(&mut n, i as u64);
        set_attr(&b, "data-cmd", "dot");
        set_attr(&b, "data-step", &n);
        set_attr(
            &b,
            "aria-label",
            &render(lang.tr("Step {0}"), &[Arg::from(i + 1)]),
        );
        let _ = li.append_child(&b);
        let _ = dots.append_child(&li);
    }
}

/// Marks the current step's dot (and the ones before it as seen).
fn mark_dots(dots: &Element, step: usize) {
    let list = dots.children();
    for i in 0..list.length() {
        let Some(b) = list.item(i).and_then(|li| li.first_element_child()) else {
            continue;
        };
        let i = i as usize;
        set_attr(&b, "aria-current", if i == step { "step" } else { "false" });
        set_flag(&b, "data-seen", i < step);
    }
}
