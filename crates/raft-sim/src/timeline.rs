//! Time travel: seek to any earlier moment, replay, and fork the timeline by acting in
//! the past.
//!
//! A timeline is a seed plus a list of actions, each stamped with the virtual time and
//! the number of events processed before it. Because the world is deterministic, that
//! list reproduces the run; snapshots (clones of the world) only make seeking fast:
//! seeking restores the latest snapshot at or before the target and replays from there.
//!
//! # Memory bound
//! At most [`MAX_SNAPSHOTS`] snapshots are kept. When the list is full, every other
//! snapshot is dropped and the spacing doubles, so a run of length `T` keeps snapshots
//! about `T / 32` apart and a seek replays at most that much virtual time. The history
//! keeps at most [`Timeline::HISTORY_CAPACITY`] records (older ones are forgotten; the
//! state at those times can still be reached, only their records are gone). Total
//! memory is therefore at most `MAX_SNAPSHOTS` world copies (each growing with the log)
//! plus the bounded history plus the action list.

use alloc::vec::Vec;
use core::time::Duration;

use raft_core::Instant;

use crate::action::{Action, ActionError};
use crate::history::History;
use crate::world::{Setup, SetupError, World};

/// Most snapshots kept at once.
pub const MAX_SNAPSHOTS: usize = 64;

/// An action in a timeline, with exactly when it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamped {
    /// Virtual time.
    pub at: Instant,
    /// Events the world had processed before it.
    pub after_steps: u64,
    /// The action.
    pub action: Action,
}

#[derive(Clone, Debug)]
struct Snapshot {
    world: World,
    /// Index of the first action not yet applied in `world`.
    next_action: usize,
}

/// A world with its past: history, snapshots, and the actions that made it.
#[derive(Clone, Debug)]
pub struct Timeline {
    setup: Setup,
    current: World,
    next_action: usize,
    actions: Vec<Stamped>,
    snapshots: Vec<Snapshot>,
    snapshot_every: Duration,
    history: History,
    /// The furthest point this branch has been simulated to.
    frontier: Instant,
    frontier_steps: u64,
}

impl Timeline {
    /// Records kept in the history at most.
    pub const HISTORY_CAPACITY: usize = 250_000;

    /// Bounds the history to `capacity` records (the oldest go first); the browser keeps
    /// far fewer than [`Self::HISTORY_CAPACITY`].
    pub fn set_history_capacity(&mut self, capacity: usize) {
        self.history.set_capacity(capacity);
    }

    /// Allocates the history's whole ring now (see [`History::reserve_all`]).
    pub fn reserve_history(&mut self) {
        self.history.reserve_all();
    }

    /// A new timeline at time 0.
    pub fn new(setup: &Setup) -> Result<Timeline, SetupError> {
        let world = World::new(setup)?;
        Ok(Timeline {
            setup: setup.clone(),
            snapshots: alloc::vec![Snapshot {
                world: world.snapshot(),
                next_action: 0,
            }],
            current: world,
            next_action: 0,
            actions: Vec::new(),
            snapshot_every: Duration::from_secs(1),
            history: History::new(Self::HISTORY_CAPACITY),
            frontier: Instant::ZERO,
            frontier_steps: 0,
        })
    }

    /// Rebuilds a timeline from a seed (in `setup`) and a list of actions (a share
    /// link), then puts the cursor at `until`. Each action is applied where it is
    /// stamped, as [`Timeline::act`] stamped it: at its time, after its count of
    /// events. An action the world refuses is left out, as a live session would never
    /// have recorded it. Returns the timeline and how many actions were left out.
    pub fn replay(
        setup: &Setup,
        actions: &[Stamped],
        until: Instant,
    ) -> Result<(Timeline, usize), SetupError> {
        let mut t = Timeline::new(setup)?;
        let mut refused = 0;
        for a in actions {
            t.move_to(a.at, a.after_steps);
            if t.act(a.action.clone()).is_err() {
                refused += 1;
            }
        }
        t.seek(until);
        Ok((t, refused))
    }

    /// Moves the cursor forward to time `at` with `steps` events processed (where an
    /// action stamped so happened): the events before `at`, then those at `at` until
    /// the count is reached. Stamps that do not fit the run (a hand-edited link) stop
    /// at whichever comes first.
    fn move_to(&mut self, at: Instant, steps: u64) {
        while self.current.steps() < steps {
            match self.current.next_event_time() {
                Some(t) if t <= at => {
                    self.step_forward();
                }
                _ => break,
            }
        }
        self.current.set_clock(at);
        self.extend_frontier();
    }

    /// The setup it started from.
    #[must_use]
    pub fn setup(&self) -> &Setup {
        &self.setup
    }

    /// The world at the cursor.
    #[must_use]
    pub fn world(&self) -> &World {
        &self.current
    }

    /// The cursor's time.
    #[must_use]
    pub fn now(&self) -> Instant {
        self.current.now()
    }

    /// The furthest time simulated on this branch ("live").
    #[must_use]
    pub fn frontier(&self) -> Instant {
        self.frontier
    }

    /// Whether the cursor is at the live end.
    #[must_use]
    pub fn is_live(&self) -> bool {
        self.current.steps() >= self.frontier_steps && self.current.now() >= self.frontier
    }

    /// The history of this branch up to the frontier.
    #[must_use]
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The actions of this branch.
    #[must_use]
    pub fn actions(&self) -> &[Stamped] {
        &self.actions
    }

    /// How many snapshots are held (see the memory bound).
    #[must_use]
    pub fn snapshot_count(&self) -> usize {
        self.snapshots.len()
    }

    /// Moves the cursor forward to `t` (replaying this branch's actions on the way).
    /// A `t` earlier than the cursor seeks back instead.
    pub fn advance_to(&mut self, t: Instant) {
        if t < self.current.now() {
            self.seek(t);
            return;
        }
        loop {
            let mut stop = match self.actions.get(self.next_action) {
                Some(a) if a.at <= t => a.at,
                _ => t,
            };
            // Pause at the next snapshot time on the way, if there is one ahead.
            let next_snapshot = self.next_snapshot_time();
            if next_snapshot > self.current.now() {
                stop = stop.min(next_snapshot);
            }
            if let Some(a) = self.actions.get(self.next_action).filter(|a| a.at <= stop) {
                // Replay up to exactly the event count the action followed.
                while self.current.steps() < a.after_steps {
                    match self.current.next_event_time() {
                        Some(nt) if nt <= a.at => {
                            self.current.step();
                        }
                        _ => break,
                    }
                }
                self.current.set_clock(a.at);
                // A recorded action that no longer applies is skipped (a hand-edited
                // share link); it cannot panic.
                let _ = self.current.apply(&a.action);
                self.next_action += 1;
            } else {
                self.current.advance_to(stop);
            }
            self.collect_records();
            self.maybe_snapshot();
            if self.current.now() >= t
                && self.actions.get(self.next_action).is_none_or(|a| a.at > t)
            {
                break;
            }
        }
        self.extend_frontier();
    }

    /// Processes exactly one more event (or the next recorded action, if it comes
    /// first). Returns false when nothing is left to do.
    pub fn step_forward(&mut self) -> bool {
        if let Some(a) = self.actions.get(self.next_action)
            && a.after_steps <= self.current.steps()
        {
            self.current.set_clock(a.at);
            let _ = self.current.apply(&a.action);
            self.next_action += 1;
        } else if self.current.step().is_none() {
            return false;
        }
        self.collect_records();
        self.maybe_snapshot();
        self.extend_frontier();
        true
    }

    /// Goes back to the moment before the last event processed.
    pub fn step_back(&mut self) {
        let target = self.current.steps().saturating_sub(1);
        self.seek_to_step(target);
    }

    /// Moves the cursor to time `t`, earlier or later.
    pub fn seek(&mut self, t: Instant) {
        let pos = self
            .snapshots
            .partition_point(|s| s.world.now() <= t)
            .saturating_sub(1);
        // Restore a snapshot when going back, or when one lies between here and `t`
        // (replaying from it is shorter).
        let ahead = self
            .snapshots
            .get(pos)
            .is_some_and(|s| s.world.steps() > self.current.steps());
        if t < self.current.now() || ahead {
            self.restore(pos);
        }
        self.advance_to(t);
    }

    /// Moves the cursor to just after the `n`-th event of this branch.
    pub fn seek_to_step(&mut self, n: u64) {
        if n < self.current.steps() {
            let pos = self
                .snapshots
                .partition_point(|s| s.world.steps() <= n)
                .saturating_sub(1);
            self.restore(pos);
        }
        while self.current.steps() < n {
            if !self.step_forward() {
                break;
            }
        }
    }

    /// Moves the cursor to exactly the moment time `at` with `steps` events processed,
    /// earlier or later: where a tour waypoint was reached, which can be between two
    /// events of one instant, or just after an action with no event since. Actions
    /// stamped at or before the moment are applied; events after it are not.
    pub fn seek_moment(&mut self, at: Instant, steps: u64) {
        let here = (self.current.now(), self.current.steps());
        if (at, steps) < here {
            let pos = self
                .snapshots
                .partition_point(|s| (s.world.now(), s.world.steps()) <= (at, steps))
                .saturating_sub(1);
            self.restore(pos);
        }
        loop {
            let action_due = self
                .actions
                .get(self.next_action)
                .is_some_and(|a| a.at <= at && a.after_steps <= self.current.steps());
            let event_due = self.current.steps() < steps
                && self.current.next_event_time().is_some_and(|t| t <= at);
            if !(action_due || event_due) || !self.step_forward() {
                break;
            }
        }
        if self.current.now() < at {
            self.current.set_clock(at);
            self.extend_frontier();
        }
    }

    /// Back to the live end.
    pub fn go_live(&mut self) {
        let (t, steps) = (self.frontier, self.frontier_steps);
        self.advance_to(t);
        while self.current.steps() < steps && self.step_forward() {}
    }

    /// Applies an action at the cursor. In the past, this forks: the branch's later
    /// actions, snapshots and records are discarded.
    pub fn act(&mut self, action: Action) -> Result<(), ActionError> {
        if !self.is_live() {
            self.fork_here();
        }
        let stamped = Stamped {
            at: self.current.now(),
            after_steps: self.current.steps(),
            action,
        };
        self.current.apply(&stamped.action)?;
        self.actions.truncate(self.next_action);
        self.actions.push(stamped);
        self.next_action += 1;
        self.collect_records();
        self.extend_frontier();
        Ok(())
    }

    /// Makes the cursor the live end, as acting here would: this branch's later
    /// actions, snapshots and records are discarded. Leaving a tour scene ("try it
    /// yourself") does this, so that the scene's later cues do not play on.
    pub fn fork(&mut self) {
        if !self.is_live() {
            self.fork_here();
        }
    }

    fn fork_here(&mut self) {
        let now = self.current.now();
        let steps = self.current.steps();
        self.actions.truncate(self.next_action);
        self.snapshots
            .retain(|s| s.world.steps() <= steps && s.world.now() <= now);
        self.history.truncate_from_seq(self.current.record_seq());
        self.frontier = now;
        self.frontier_steps = steps;
    }

    fn restore(&mut self, pos: usize) {
        if let Some(s) = self.snapshots.get(pos) {
            self.current = s.world.snapshot();
            self.next_action = s.next_action;
        }
    }

    fn extend_frontier(&mut self) {
        if self.current.steps() >= self.frontier_steps {
            self.frontier_steps = self.current.steps();
            self.frontier = self.frontier.max(self.current.now());
        }
    }

    /// Moves new records into the history; records already there (a replay) are
    /// skipped by their sequence numbers.
    fn collect_records(&mut self) {
        let next = self.history.next_seq();
        for item in self.current.take_records() {
            if item.seq >= next {
                self.history.push(item);
            }
        }
    }

    fn next_snapshot_time(&self) -> Instant {
        self.snapshots
            .last()
            .map_or(Instant::ZERO, |s| s.world.now())
            .after(self.snapshot_every)
    }

    fn maybe_snapshot(&mut self) {
        let last = self
            .snapshots
            .last()
            .map(|s| (s.world.now(), s.world.steps()));
        let due = last.is_none_or(|(t, steps)| {
            self.current.now() >= t.after(self.snapshot_every) && self.current.steps() > steps
        });
        if !due {
            return;
        }
        self.snapshots.push(Snapshot {
            world: self.current.snapshot(),
            next_action: self.next_action,
        });
        if self.snapshots.len() > MAX_SNAPSHOTS {
            // Keep the first and every other one after it; space future ones wider.
            let mut i = 0;
            self.snapshots.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.snapshot_every *= 2;
        }
    }
}
