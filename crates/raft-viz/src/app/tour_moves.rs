//! The tour's moves on an [`App`]: opening a scene at a step, Next and Back across
//! scenes, following the cursor, and leaving for the sandbox.

use super::{App, play_scene};
use crate::command::{CommandError, Outcome};
use crate::tour::{TaskRun, Tour};

impl App {
    /// Opens the tour at scene `id`'s step `step` (from 0), shown or played: on the
    /// same run if the tour is in that scene, else on the scene's new run.
    pub(super) fn open_tour(
        &mut self,
        id: &str,
        step: usize,
        play: bool,
    ) -> Result<Outcome, CommandError> {
        if let Some(tour) = self.tour.as_mut().filter(|t| t.scene().id == id) {
            if play {
                tour.play(&mut self.timeline, step);
            } else {
                tour.show(&mut self.timeline, step);
            }
            return Ok(Outcome::Moved);
        }
        let (run, timeline, origin) = play_scene(id)?;
        let index = crate::tour::index_of(id).unwrap_or(0);
        self.reset(timeline, origin);
        let mut tour = Tour::new(run, index);
        if play {
            tour.play(&mut self.timeline, step);
        } else {
            tour.show(&mut self.timeline, step);
        }
        self.playing = false;
        self.tour = Some(tour);
        self.task = None;
        Ok(Outcome::NewRun)
    }

    /// The tour's next step, or the next scene's first (played); at the tour's very
    /// end, nothing.
    pub(super) fn next_step(&mut self) -> Result<Outcome, CommandError> {
        let tour = self.tour.as_mut().ok_or(CommandError::NotInTour)?;
        if tour.resume_or_next(&mut self.timeline) {
            return Ok(Outcome::Moved);
        }
        let next = tour.index() + 1;
        match crate::tour::id_at(next) {
            Some(id) => self.open_tour(id, 0, true),
            None => Ok(Outcome::Done),
        }
    }

    /// The tour's previous step, shown at once, or the previous scene's last.
    pub(super) fn prev_step(&mut self) -> Result<Outcome, CommandError> {
        let tour = self.tour.as_mut().ok_or(CommandError::NotInTour)?;
        if tour.step() > 0 {
            let step = tour.step() - 1;
            tour.show(&mut self.timeline, step);
            return Ok(Outcome::Moved);
        }
        let Some(prev) = tour.index().checked_sub(1) else {
            // The tour's first step: shown again from its start.
            tour.show(&mut self.timeline, 0);
            return Ok(Outcome::Moved);
        };
        match crate::tour::id_at(prev) {
            Some(id) => self.open_tour(id, usize::MAX, false),
            None => Ok(Outcome::Done),
        }
    }

    /// In the tour, after the cursor moved by other means: the step follows it.
    pub(super) fn follow_cursor(&mut self) {
        if let Some(tour) = self.tour.as_mut() {
            tour.follow(&self.timeline);
        }
    }

    /// Leaves the tour where the cursor is: same world, no later cues, the scene's
    /// task from here.
    pub(super) fn leave_tour(&mut self) {
        if let Some(tour) = self.tour.take() {
            self.timeline.fork();
            self.left_tour = Some((tour.index(), tour.step()));
            let scene = tour.scene();
            self.task = scene
                .task
                .map(|t| TaskRun::new(t, scene.id, self.timeline.world()));
            self.playing = false;
            self.owed_us = 0.0;
        }
    }
}
