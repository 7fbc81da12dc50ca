//! What the browser layer needs from [`App`] beyond `app.rs`, as plain Rust (tested
//! natively): rebuilding a shared run, the partition presets, the share link's query,
//! and the timeline strip's marks.
//!
//! `App`'s fields are private to `app.rs`, so a shared run is rebuilt here through
//! [`App::command`] alone: the cursor is moved to exactly where each recorded action
//! happened (its virtual time *and* the number of events processed before it), then the
//! action is issued as the matching [`UiCommand`]. The unit tests check the result
//! against [`raft_sim::Timeline::replay`].

use raft_sim::history::{History, Record};
use raft_sim::raft_core::{Event, Instant, NodeId, Role};
use raft_sim::{Action, Setup, Stamped};

use crate::app::{App, CommandError, UiCommand};
use crate::lang::Lang;
use crate::num::push_u64;
use crate::options::{DEFAULT_SPEED, Options};

/// The longest virtual time a shared link may ask to simulate at start-up (10 minutes):
/// a hand-made `at=` cannot hang the page.
pub const MAX_REPLAY_MS: u64 = 10 * 60 * 1_000;

/// A time in µs as the `ms` that [`App::command`] turns back into exactly those µs
/// (it truncates `ms * 1000`).
pub fn us_to_ms(us: u64) -> f64 {
    let ms = us as f64 / 1_000.0;
    if (ms * 1_000.0) as u64 == us {
        ms
    } else {
        (us as f64 + 0.25) / 1_000.0
    }
}

/// How many nodes the "split" preset puts with the leader: the largest minority
/// (2 of 5, 1 of 3, 4 of 9), at least 1.
pub fn split_minority(nodes: usize) -> usize {
    (nodes.saturating_sub(1) / 2).max(1)
}

impl App {
    /// An app for `options` whose run is rebuilt from a shared link: the seed and the
    /// node count from the options, then `actions` in order, then the cursor at
    /// `options.at_ms` (or the live end). Returns the app and how many actions could
    /// not be replayed (kinds a link cannot carry, or refused); refused ones are skipped
    /// as [`raft_sim::Timeline::replay`] skips them.
    pub fn replayed(
        options: &Options,
        fresh_seed: u64,
        actions: &[Stamped],
    ) -> Result<(App, usize), CommandError> {
        let sandbox = Options {
            scene: None,
            autoplay: false,
            ..options.clone()
        };
        let mut app = App::new(&sandbox, fresh_seed)?;
        let limit = Instant::from_micros(MAX_REPLAY_MS * 1_000);
        let mut skipped = 0;
        for stamped in actions {
            if stamped.at > limit {
                skipped += 1;
                continue;
            }
            app.move_to(stamped.at, stamped.after_steps)?;
            match app.action_command(&stamped.action) {
                Some(cmd) => {
                    if app.command(cmd).is_err() {
                        skipped += 1;
                    }
                }
                None => skipped += 1,
            }
        }
        let end = app.world().now();
        match options.at_ms {
            Some(ms) => {
                let at = ms.min(MAX_REPLAY_MS);
                app.command(UiCommand::Seek {
                    ms: us_to_ms(at * 1_000),
                })?;
            }
            None => app.command(UiCommand::Seek {
                ms: us_to_ms(end.as_micros()),
            })?,
        }
        app.command(if options.autoplay {
            UiCommand::Play
        } else {
            UiCommand::Pause
        })?;
        Ok((app, skipped))
    }

    /// Puts the cursor at virtual time `at` with exactly `steps` events processed, as
    /// a recorded action expects (see [`Stamped`]): every event before `at`, then events
    /// at `at` one by one.
    fn move_to(&mut self, at: Instant, steps: u64) -> Result<(), CommandError> {
        let us = at.as_micros();
        if us > 0 && us - 1 > self.world().now().as_micros() {
            self.command(UiCommand::Seek {
                ms: us_to_ms(us - 1),
            })?;
        }
        while self.world().steps() < steps {
            match self.world().next_event_time() {
                Some(t) if t <= at => {
                    let before = self.world().steps();
                    self.command(UiCommand::Step)?;
                    if self.world().steps() == before {
                        break;
                    }
                }
                _ => break,
            }
        }
        if self.world().now() < at {
            self.command(UiCommand::Seek { ms: us_to_ms(us) })?;
        }
        Ok(())
    }

    /// The command that performs `action`, if a command can.
    fn action_command(&self, action: &Action) -> Option<UiCommand> {
        let name = |id: &NodeId| index_name(id.0 as usize);
        Some(match action {
            Action::Crash(id) => UiCommand::Crash { node: name(id) },
            Action::Restart(id) => UiCommand::Restart { node: name(id) },
            Action::TimeoutNow(id) => UiCommand::Timeout { node: name(id) },
            Action::ClientRequest { op, to } => match *op {
                raft_sim::Op::Set(value) => UiCommand::Set {
                    value,
                    node: to.as_ref().map(name),
                },
                raft_sim::Op::Add(value) => UiCommand::Add {
                    value,
                    node: to.as_ref().map(name),
                },
            },
            Action::DropMessage(id) => UiCommand::Drop { message: id.0 },
            Action::Partition(groups) => UiCommand::Partition {
                groups: groups
                    .iter()
                    .map(|g| g.iter().map(name).collect())
                    .collect(),
            },
            Action::CutLink { from, to, both } => UiCommand::Cut {
                from: name(from),
                to: name(to),
                both: Some(*both),
            },
            Action::Heal => UiCommand::Heal,
            Action::SetNetwork(n) => UiCommand::Network {
                loss: Some(f64::from(n.loss_ppm) / 1e6),
                latency_min: Some(us_to_ms(n.latency_min.as_micros() as u64)),
                latency_max: Some(us_to_ms(n.latency_max.as_micros() as u64)),
                duplicate: Some(f64::from(n.duplicate_ppm) / 1e6),
                reorder: Some(f64::from(n.reorder_ppm) / 1e6),
            },
            Action::SetElectionTimeout { min, max } => UiCommand::Timeouts {
                min: us_to_ms(min.as_micros() as u64),
                max: us_to_ms(max.as_micros() as u64),
            },
            Action::SetElectionTimer(..) | Action::SetLinkLatency { .. } => return None,
        })
    }

    /// Whether the seed and the node count alone rebuild this run's world (not so for
    /// a tour scene, which has its own setup).
    pub fn reproducible(&self) -> bool {
        self.scene().is_none()
            && *self.timeline().setup()
                == (Setup {
                    nodes: self.world().ids().len(),
                    seed: self.seed(),
                    ..Setup::default()
                })
    }

    /// The query string (without `?`) of a link that reproduces this run at this
    /// moment, paused there: `encoded` is the actions as `share::encode` gives them.
    /// Only meaningful when [`App::reproducible`].
    pub fn share_query(&self, encoded: &str) -> String {
        // Pushed piece by piece: `format!` sites cost wasm code.
        let mut q = String::from("seed=");
        push_u64(&mut q, self.seed());
        q.push_str("&nodes=");
        push_u64(&mut q, self.world().ids().len() as u64);
        if !encoded.is_empty() {
            q.push_str("&a=");
            q.push_str(&percent_encode(encoded));
        }
        q.push_str("&at=");
        push_u64(&mut q, self.world().now().as_micros() / 1_000);
        q.push_str("&autoplay=0");
        if (self.speed() - DEFAULT_SPEED).abs() > 1e-9 {
            q.push_str("&speed=");
            q.push_str(&speed_param(self.speed()));
        }
        if self.lang() == Lang::Zh {
            q.push_str("&lang=zh");
        }
        q
    }

    /// The "split" preset: the leader (or A, before any election) and the next
    /// [`split_minority`]` - 1` nodes after it, against the rest.
    pub fn split_command(&self) -> Result<UiCommand, CommandError> {
        let n = self.world().ids().len();
        if n < 3 {
            return Err(CommandError(String::from(
                self.lang().tr("a split needs at least 3 nodes"),
            )));
        }
        let first = self.world().leader().map_or(0, |id| id.0 as usize);
        let k = split_minority(n);
        let minority: Vec<usize> = (0..k).map(|i| (first + i) % n).collect();
        let majority: Vec<usize> = (0..n).filter(|i| !minority.contains(i)).collect();
        let names = |g: Vec<usize>| g.into_iter().map(index_name).collect();
        Ok(UiCommand::Partition {
            groups: vec![names(minority), names(majority)],
        })
    }

    /// The "isolate leader" preset: the leader alone, the rest together.
    pub fn isolate_leader_command(&self) -> Result<UiCommand, CommandError> {
        let leader = self.world().leader().ok_or_else(|| {
            CommandError(String::from(
                self.lang().tr("there is no leader to isolate yet"),
            ))
        })?;
        let rest = self
            .world()
            .ids()
            .iter()
            .filter(|&&id| id != leader)
            .map(|id| index_name(id.0 as usize))
            .collect();
        Ok(UiCommand::Partition {
            groups: vec![vec![index_name(leader.0 as usize)], rest],
        })
    }
}

/// A node's index as [`App::node_id`] reads it ("0", "1", ...), without `core::fmt`.
fn index_name(i: usize) -> String {
    let mut s = String::new();
    push_u64(&mut s, i as u64);
    s
}

/// `1/15` for the usual fractions, else a decimal (the form `options::parse_speed`
/// reads, and the speed select's values).
pub fn speed_param(speed: f64) -> String {
    let inverse = 1.0 / speed;
    if (speed - 1.0).abs() < 1e-9 {
        String::from("1")
    } else if (inverse - inverse.round()).abs() < 1e-6 {
        let mut s = String::from("1/");
        push_u64(&mut s, inverse.round() as u64);
        s
    } else {
        crate::num::decimal(speed, 6)
    }
}

/// Percent-encodes everything but the URL's unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

/// One mark on the timeline strip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A node became leader of `term`.
    Elected {
        /// When.
        at: Instant,
        /// The term it leads.
        term: u64,
    },
    /// A node crashed.
    Crash(Instant),
    /// The client sent a new write (not a retry).
    Write(Instant),
    /// The checker found a violation.
    Violation(Instant),
}

impl Mark {
    /// When it happened.
    pub fn at(self) -> Instant {
        match self {
            Mark::Elected { at, .. } | Mark::Crash(at) | Mark::Write(at) | Mark::Violation(at) => {
                at
            }
        }
    }
}

/// The timeline strip's marks, read from the history incrementally.
#[derive(Debug, Default)]
pub struct Marks {
    /// The marks, in time order.
    pub marks: Vec<Mark>,
    /// The first history sequence number not yet read.
    next_seq: u64,
}

impl Marks {
    /// Most marks kept (later ones are not shown; the strip is a few hundred pixels).
    pub const MAX: usize = 20_000;

    /// Reads what the history gained since the last call; starts over when the history
    /// was cut back (a fork) or replaced. Returns whether anything changed.
    pub fn update(&mut self, history: &History) -> bool {
        let next = history.next_seq();
        if next == self.next_seq {
            return false;
        }
        if next < self.next_seq {
            self.clear();
        }
        let from = self.next_seq;
        let fresh: Vec<&raft_sim::Item> =
            history.iter().rev().take_while(|i| i.seq >= from).collect();
        for item in fresh.into_iter().rev() {
            if self.marks.len() >= Self::MAX {
                break;
            }
            let mark = match &item.record {
                Record::Node {
                    event:
                        Event::RoleChanged {
                            to: Role::Leader,
                            term,
                            ..
                        },
                    ..
                } => Mark::Elected {
                    at: item.at,
                    term: term.0,
                },
                Record::Crashed(_) => Mark::Crash(item.at),
                Record::ClientSent { retry: false, .. } => Mark::Write(item.at),
                Record::Violation(_) => Mark::Violation(item.at),
                _ => continue,
            };
            self.marks.push(mark);
        }
        self.next_seq = next;
        true
    }

    /// Forgets everything (a new run).
    pub fn clear(&mut self) {
        self.marks.clear();
        self.next_seq = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft_sim::Timeline;

    fn options(seed: u64, nodes: usize) -> Options {
        Options {
            seed: Some(seed),
            nodes,
            speed: 1.0,
            ..Options::default()
        }
    }

    /// Plays `ms` of real time at speed 1 in 16 ms frames.
    fn play(app: &mut App, ms: u32) {
        for _ in 0..ms / 16 {
            app.tick(16.0);
        }
    }

    #[test]
    fn microseconds_survive_the_trip_through_milliseconds() {
        for us in [
            0,
            1,
            999,
            1_001,
            1_234_567,
            150_000,
            9_999_999,
            123_456_789_012,
        ] {
            let ms = us_to_ms(us);
            assert_eq!((ms * 1_000.0) as u64, us, "{us}");
        }
    }

    #[test]
    fn a_replayed_run_matches_the_original_and_timeline_replay() {
        let o = options(7, 5);
        let mut app = App::new(&o, 0).expect("app");
        play(&mut app, 700);
        app.command(UiCommand::Set {
            value: 5,
            node: None,
        })
        .expect("set");
        play(&mut app, 200);
        // Actions after single steps: the cursor sits between events of one instant.
        for _ in 0..3 {
            app.command(UiCommand::Step).expect("step");
        }
        let leader = app.world().leader().map_or(0, |l| l.0);
        app.command(UiCommand::Crash {
            node: leader.to_string(),
        })
        .expect("crash");
        app.command(UiCommand::Play).expect("play");
        play(&mut app, 500);
        app.command(app.split_command().expect("split"))
            .expect("partition");
        app.command(UiCommand::Network {
            loss: Some(0.1),
            latency_min: Some(12.345),
            latency_max: Some(30.0),
            duplicate: None,
            reorder: None,
        })
        .expect("network");
        app.command(UiCommand::Timeouts {
            min: 200.0,
            max: 400.0,
        })
        .expect("timeouts");
        play(&mut app, 400);
        app.command(UiCommand::Heal).expect("heal");
        app.command(UiCommand::Add {
            value: 2,
            node: Some(String::from("B")),
        })
        .expect("add");
        play(&mut app, 600);

        let actions = app.timeline().actions().to_vec();
        assert!(actions.len() >= 7, "{actions:?}");
        let at_ms = app.world().now().as_micros() / 1_000;
        // The cursor is at a whole millisecond only by chance: compare at the link's time.
        app.command(UiCommand::Seek { ms: at_ms as f64 })
            .expect("seek");
        let shared = Options {
            at_ms: Some(at_ms),
            autoplay: false,
            ..o.clone()
        };
        let (copy, skipped) = App::replayed(&shared, 0, &actions).expect("replay");
        assert_eq!(skipped, 0);
        assert_eq!(copy.timeline().actions(), &actions[..]);
        assert_eq!(copy.world().steps(), app.world().steps());
        let mut original = app.snapshot();
        original.playing = false;
        // The original's frontier lies past the whole millisecond it was cut back to.
        original.live = copy.snapshot().live;
        assert_eq!(copy.snapshot(), original);

        let setup = Setup {
            nodes: 5,
            seed: 7,
            ..Setup::default()
        };
        let end = actions.last().map_or(Instant::ZERO, |a| a.at);
        let mut reference = Timeline::replay(&setup, &actions, end).expect("timeline");
        reference.seek(Instant::from_micros(at_ms * 1_000));
        assert_eq!(reference.world().steps(), copy.world().steps());
        assert_eq!(reference.world().now(), copy.world().now());
        assert_eq!(
            reference.history().next_seq(),
            copy.timeline().history().next_seq()
        );
    }

    #[test]
    fn a_share_query_names_seed_nodes_actions_and_time() {
        let mut app = App::new(&options(42, 3), 0).expect("app");
        play(&mut app, 320);
        let q = app.share_query("x y");
        assert!(q.starts_with("seed=42&nodes=3&a=x%20y&at="), "{q}");
        assert!(q.contains("&autoplay=0&speed=1"), "{q}");
        assert!(app.reproducible());
        app.command(UiCommand::Speed { value: 0.05 })
            .expect("speed");
        assert!(app.share_query("").contains("&speed=1/20"));
    }

    #[test]
    fn presets_split_the_leader_with_a_minority_and_isolate_it() {
        let mut app = App::new(&options(3, 5), 0).expect("app");
        assert!(app.isolate_leader_command().is_err(), "no leader yet");
        play(&mut app, 1_000);
        let leader = app.world().leader().expect("a leader after a second").0;
        match app.split_command().expect("split") {
            UiCommand::Partition { groups } => {
                assert_eq!(groups[0].len(), 2);
                assert_eq!(groups[1].len(), 3);
                assert_eq!(groups[0][0], leader.to_string());
            }
            other => panic!("{other:?}"),
        }
        match app.isolate_leader_command().expect("isolate") {
            UiCommand::Partition { groups } => {
                assert_eq!(groups[0], vec![leader.to_string()]);
                assert_eq!(groups[1].len(), 4);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!([1, 2, 3, 4, 5, 9].map(split_minority), [1, 1, 1, 1, 2, 4]);
        let small = App::new(&options(3, 2), 0).expect("app");
        assert!(small.split_command().is_err());
    }

    #[test]
    fn marks_follow_the_history_and_start_over_on_a_new_run() {
        let mut app = App::new(&options(5, 5), 0).expect("app");
        let mut marks = Marks::default();
        play(&mut app, 1_000);
        assert!(marks.update(app.timeline().history()));
        assert!(
            marks
                .marks
                .iter()
                .any(|m| matches!(m, Mark::Elected { .. }))
        );
        assert!(!marks.update(app.timeline().history()), "nothing new");
        app.command(UiCommand::Crash {
            node: String::from("A"),
        })
        .expect("crash");
        marks.update(app.timeline().history());
        assert!(matches!(marks.marks.last(), Some(Mark::Crash(_))));
        app.command(UiCommand::Seed { seed: 6 }).expect("reset");
        marks.update(app.timeline().history());
        assert!(marks.marks.is_empty(), "{:?}", marks.marks);
        assert!(marks.marks.windows(2).all(|w| w[0].at() <= w[1].at()));
    }

    #[test]
    fn speeds_read_as_fractions() {
        assert_eq!(speed_param(0.05), "1/20");
        assert_eq!(speed_param(1.0), "1");
        assert_eq!(speed_param(0.3), "0.3");
    }
}
