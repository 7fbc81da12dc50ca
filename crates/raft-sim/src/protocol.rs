//! The protocol a cluster runs: the switches of [`raft_core::Config`] that change Raft's
//! rules (not its timing), as one typed value, with the presets a reader picks from.
//! Besides the on/off switches it carries one number, how often the log is compacted
//! ([`Protocol::snapshot_every`]).
//!
//! A [`Protocol`] is read from a config ([`Protocol::of`]) and written onto one
//! ([`Protocol::apply_to`]); [`Action::SetProtocol`](crate::Action::SetProtocol) changes
//! it on a running world. Each switch also has a short, stable name
//! ([`Switch::name`]), and each preset one ([`Preset::name`]): share links, URL options
//! and the JS API use them, so they must not change.

use raft_core::{Config, UnsafeRules};

/// Which of Raft's optional and unsafe rules a cluster follows. The default is
/// [`Preset::Basic`]: the article's Raft, every switch off.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Protocol {
    /// Pre-vote (`Config::pre_vote`): a would-be candidate first asks whether it could
    /// win, without raising its term.
    pub pre_vote: bool,
    /// Check-quorum (`Config::check_quorum`): a leader that stops hearing from a
    /// majority steps down, and a node that hears from a live leader ignores
    /// disruptive vote requests.
    pub check_quorum: bool,
    /// A new leader appends an empty entry of its term (`Config::append_noop_on_election`).
    pub noop_on_election: bool,
    /// A new entry goes out at once, not with the next heartbeat
    /// (`Config::replicate_immediately`).
    pub replicate_immediately: bool,
    /// Membership changes one server at a time (thesis §4.1), not through a joint
    /// configuration (paper §6): `Config::joint_consensus` is its inverse, so that every
    /// switch off is still the paper's Raft.
    pub single_server_changes: bool,
    /// Entries since the last snapshot at which a node compacts its log (paper §7;
    /// `Config::snapshot_threshold`); 0 never. The page reads at most
    /// [`MAX_SNAPSHOT_EVERY`].
    pub snapshot_every: u64,
    /// The teaching switches that each break one safety rule.
    pub unsafe_rules: UnsafeRules,
}

/// The largest [`Protocol::snapshot_every`] the page's edges (URL, share link, panel,
/// JS API) accept: a session appends far fewer entries, so a larger one would only look
/// like "never", and a bound keeps the numbers a link carries short.
pub const MAX_SNAPSHOT_EVERY: u64 = 10_000;

/// [`Preset::Full`]'s [`Protocol::snapshot_every`]. A reader who presses the client's
/// "set" button a few times sees a compaction soon: the new leader's no-op and seven
/// writes fill the sandbox's eight-column log table (`raft-viz`'s `stage::log_slots`),
/// and the snapshot then takes their place, in view, well within a minute at the
/// sandbox's 1/15 speed.
pub const FULL_SNAPSHOT_EVERY: u64 = 8;

/// A named protocol a reader picks as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// The article's Raft: every switch off (Figure 2 as it stands).
    Basic,
    /// Raft as production systems run it: pre-vote, check-quorum, a no-op entry on
    /// election, immediate replication and log compaction (every
    /// [`FULL_SNAPSHOT_EVERY`] entries), joint consensus, every safety rule on.
    Full,
    /// Basic with every unsafe rule on: what the checker is there to catch.
    Unsafe,
}

/// The name of a protocol that matches no preset.
pub const CUSTOM: &str = "custom";

impl Preset {
    /// Every preset, in the order a menu shows them.
    pub const ALL: [Preset; 3] = [Preset::Basic, Preset::Full, Preset::Unsafe];

    /// The preset's stable name: `basic`, `full` or `unsafe`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Preset::Basic => "basic",
            Preset::Full => "full",
            Preset::Unsafe => "unsafe",
        }
    }

    /// The preset named `name` (as [`Preset::name`] writes it).
    #[must_use]
    pub fn parse(name: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The switches this preset sets.
    #[must_use]
    pub const fn protocol(self) -> Protocol {
        let extensions = matches!(self, Preset::Full);
        let broken = matches!(self, Preset::Unsafe);
        Protocol {
            pre_vote: extensions,
            check_quorum: extensions,
            noop_on_election: extensions,
            replicate_immediately: extensions,
            // Joint consensus is the paper's way, and Full's too.
            single_server_changes: false,
            snapshot_every: if extensions { FULL_SNAPSHOT_EVERY } else { 0 },
            unsafe_rules: UnsafeRules {
                fixed_election_timeout: broken,
                skip_log_up_to_date_check: broken,
                commit_old_terms_by_counting: broken,
                unchecked_membership_changes: broken,
                snapshot_discards_log_suffix: broken,
            },
        }
    }
}

/// One switch of a [`Protocol`], for code that goes through them all (a panel of
/// checkboxes, a share link's bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Switch {
    /// [`Protocol::pre_vote`].
    PreVote,
    /// [`Protocol::check_quorum`].
    CheckQuorum,
    /// [`Protocol::noop_on_election`].
    NoopOnElection,
    /// [`Protocol::replicate_immediately`].
    ReplicateImmediately,
    /// [`UnsafeRules::fixed_election_timeout`].
    FixedElectionTimeout,
    /// [`UnsafeRules::skip_log_up_to_date_check`].
    SkipLogUpToDateCheck,
    /// [`UnsafeRules::commit_old_terms_by_counting`].
    CommitOldTermsByCounting,
    /// [`Protocol::single_server_changes`].
    SingleServer,
    /// [`UnsafeRules::unchecked_membership_changes`].
    TwoChanges,
    /// [`UnsafeRules::snapshot_discards_log_suffix`].
    SnapshotDropsLog,
}

impl Switch {
    /// Every switch: the four extensions, the three first unsafe rules, then the ones
    /// added later, in the order they came (single-server changes, then two more unsafe
    /// rules). A share link stores switch `i` as bit `i`, so this order is part of its
    /// format: a new switch goes at the end.
    pub const ALL: [Switch; 10] = [
        Switch::PreVote,
        Switch::CheckQuorum,
        Switch::NoopOnElection,
        Switch::ReplicateImmediately,
        Switch::FixedElectionTimeout,
        Switch::SkipLogUpToDateCheck,
        Switch::CommitOldTermsByCounting,
        Switch::SingleServer,
        Switch::TwoChanges,
        Switch::SnapshotDropsLog,
    ];

    /// The switch's stable name (for the first three unsafe rules, the fault
    /// campaign's `--unsafe` names too).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Switch::PreVote => "pre-vote",
            Switch::CheckQuorum => "check-quorum",
            Switch::NoopOnElection => "noop",
            Switch::ReplicateImmediately => "immediate",
            Switch::FixedElectionTimeout => "fixed-timeout",
            Switch::SkipLogUpToDateCheck => "no-log-check",
            Switch::CommitOldTermsByCounting => "commit-old-terms",
            Switch::SingleServer => "single-server",
            Switch::TwoChanges => "two-changes",
            Switch::SnapshotDropsLog => "snapshot-drops-log",
        }
    }

    /// The switch named `name` (as [`Switch::name`] writes it).
    #[must_use]
    pub fn parse(name: &str) -> Option<Switch> {
        Switch::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether turning it on breaks a rule Raft needs for safety or liveness.
    #[must_use]
    pub const fn is_unsafe(self) -> bool {
        matches!(
            self,
            Switch::FixedElectionTimeout
                | Switch::SkipLogUpToDateCheck
                | Switch::CommitOldTermsByCounting
                | Switch::TwoChanges
                | Switch::SnapshotDropsLog
        )
    }
}

impl Protocol {
    /// The protocol `config` runs.
    #[must_use]
    pub fn of(config: &Config) -> Protocol {
        Protocol {
            pre_vote: config.pre_vote,
            check_quorum: config.check_quorum,
            noop_on_election: config.append_noop_on_election,
            replicate_immediately: config.replicate_immediately,
            single_server_changes: !config.joint_consensus,
            snapshot_every: config.snapshot_threshold,
            unsafe_rules: config.unsafe_rules,
        }
    }

    /// Writes the switches and the snapshot threshold onto `config`, leaving its timing,
    /// batch and chunk sizes alone.
    pub fn apply_to(&self, config: &mut Config) {
        config.pre_vote = self.pre_vote;
        config.check_quorum = self.check_quorum;
        config.append_noop_on_election = self.noop_on_election;
        config.replicate_immediately = self.replicate_immediately;
        config.joint_consensus = !self.single_server_changes;
        config.snapshot_threshold = self.snapshot_every;
        config.unsafe_rules = self.unsafe_rules;
    }

    /// The preset these switches match exactly, if any.
    #[must_use]
    pub fn preset(&self) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.protocol() == *self)
    }

    /// The preset's name, or [`CUSTOM`] when the switches match none.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.preset().map_or(CUSTOM, Preset::name)
    }

    /// The protocol of the preset named `name`; `None` for [`CUSTOM`] (it names no
    /// switches) and anything else.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Protocol> {
        Preset::parse(name).map(Preset::protocol)
    }

    /// Whether `switch` is on.
    #[must_use]
    pub const fn get(&self, switch: Switch) -> bool {
        match switch {
            Switch::PreVote => self.pre_vote,
            Switch::CheckQuorum => self.check_quorum,
            Switch::NoopOnElection => self.noop_on_election,
            Switch::ReplicateImmediately => self.replicate_immediately,
            Switch::FixedElectionTimeout => self.unsafe_rules.fixed_election_timeout,
            Switch::SkipLogUpToDateCheck => self.unsafe_rules.skip_log_up_to_date_check,
            Switch::CommitOldTermsByCounting => self.unsafe_rules.commit_old_terms_by_counting,
            Switch::SingleServer => self.single_server_changes,
            Switch::TwoChanges => self.unsafe_rules.unchecked_membership_changes,
            Switch::SnapshotDropsLog => self.unsafe_rules.snapshot_discards_log_suffix,
        }
    }

    /// Turns `switch` on or off.
    pub fn set(&mut self, switch: Switch, on: bool) {
        let slot = match switch {
            Switch::PreVote => &mut self.pre_vote,
            Switch::CheckQuorum => &mut self.check_quorum,
            Switch::NoopOnElection => &mut self.noop_on_election,
            Switch::ReplicateImmediately => &mut self.replicate_immediately,
            Switch::FixedElectionTimeout => &mut self.unsafe_rules.fixed_election_timeout,
            Switch::SkipLogUpToDateCheck => &mut self.unsafe_rules.skip_log_up_to_date_check,
            Switch::CommitOldTermsByCounting => &mut self.unsafe_rules.commit_old_terms_by_counting,
            Switch::SingleServer => &mut self.single_server_changes,
            Switch::TwoChanges => &mut self.unsafe_rules.unchecked_membership_changes,
            Switch::SnapshotDropsLog => &mut self.unsafe_rules.snapshot_discards_log_suffix,
        };
        *slot = on;
    }

    /// This protocol with `switch` on or off.
    #[must_use]
    pub fn with(mut self, switch: Switch, on: bool) -> Protocol {
        self.set(switch, on);
        self
    }

    /// This protocol compacting every `entries` entries (0: never).
    #[must_use]
    pub const fn with_snapshot_every(mut self, entries: u64) -> Protocol {
        self.snapshot_every = entries;
        self
    }

    /// The switches that are on, in [`Switch::ALL`]'s order.
    pub fn switches_on(&self) -> impl Iterator<Item = Switch> + '_ {
        Switch::ALL.into_iter().filter(|s| self.get(*s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_basic_and_the_default_config_runs_it() {
        assert_eq!(Protocol::default(), Preset::Basic.protocol());
        assert_eq!(Protocol::of(&Config::default()), Protocol::default());
        assert_eq!(Protocol::default().name(), "basic");
    }

    #[test]
    fn presets_round_trip_through_their_names_and_a_config() {
        for p in Preset::ALL {
            assert_eq!(Preset::parse(p.name()), Some(p));
            assert_eq!(p.protocol().preset(), Some(p));
            assert_eq!(Protocol::from_name(p.name()), Some(p.protocol()));
            let mut config = Config::default();
            p.protocol().apply_to(&mut config);
            assert_eq!(Protocol::of(&config), p.protocol());
            assert_eq!(config.validate(), Ok(()));
            // Every preset changes membership the paper's way.
            assert!(config.joint_consensus, "{p:?}");
        }
        assert_eq!(Protocol::from_name(CUSTOM), None);
        assert_eq!(Protocol::from_name("Full"), None);
    }

    #[test]
    fn the_presets_are_what_their_names_promise() {
        let basic = Preset::Basic.protocol();
        assert_eq!(basic.switches_on().count(), 0);
        assert_eq!(basic.snapshot_every, 0, "the article has no compaction");

        let full = Preset::Full.protocol();
        let on: alloc::vec::Vec<_> = full.switches_on().collect();
        assert_eq!(
            on,
            [
                Switch::PreVote,
                Switch::CheckQuorum,
                Switch::NoopOnElection,
                Switch::ReplicateImmediately
            ]
        );
        assert_eq!(full.snapshot_every, FULL_SNAPSHOT_EVERY);
        assert!(!full.unsafe_rules.any());

        let broken = Preset::Unsafe.protocol();
        let on: alloc::vec::Vec<_> = broken.switches_on().collect();
        let unsafe_ones: alloc::vec::Vec<_> =
            Switch::ALL.into_iter().filter(|s| s.is_unsafe()).collect();
        assert_eq!(on, unsafe_ones);
        assert_eq!(unsafe_ones.len(), 5, "every unsafe rule of the core");
        let r = broken.unsafe_rules;
        assert!(r.unchecked_membership_changes && r.snapshot_discards_log_suffix);
        assert_eq!(broken.snapshot_every, 0);
        // A threshold alone makes a preset custom.
        assert_eq!(basic.with_snapshot_every(8).preset(), None);
        assert_eq!(full.with_snapshot_every(0).preset(), None);
    }

    #[test]
    fn switches_are_named_and_set_one_at_a_time() {
        for s in Switch::ALL {
            assert_eq!(Switch::parse(s.name()), Some(s));
            let p = Protocol::default().with(s, true);
            assert!(p.get(s));
            assert_eq!(p.switches_on().collect::<alloc::vec::Vec<_>>(), [s]);
            assert_eq!(p.name(), CUSTOM, "{s:?} alone is no preset");
            assert_eq!(p.unsafe_rules.any(), s.is_unsafe());
            let mut config = Config::default();
            p.apply_to(&mut config);
            assert_eq!(Protocol::of(&config), p, "{s:?}");
        }
        assert_eq!(Switch::parse("prevote"), None);
        // The stable names, as share links, URLs and the fault campaign write them.
        let names: alloc::vec::Vec<_> = Switch::ALL.into_iter().map(Switch::name).collect();
        assert_eq!(
            names,
            [
                "pre-vote",
                "check-quorum",
                "noop",
                "immediate",
                "fixed-timeout",
                "no-log-check",
                "commit-old-terms",
                "single-server",
                "two-changes",
                "snapshot-drops-log"
            ]
        );
    }

    #[test]
    fn single_server_changes_and_the_threshold_reach_the_config_and_come_back() {
        let p = Protocol::default()
            .with(Switch::SingleServer, true)
            .with_snapshot_every(MAX_SNAPSHOT_EVERY);
        let mut config = Config::default();
        p.apply_to(&mut config);
        assert!(!config.joint_consensus);
        assert_eq!(config.snapshot_threshold, MAX_SNAPSHOT_EVERY);
        assert_eq!(Protocol::of(&config), p);
        Protocol::default().apply_to(&mut config);
        assert!(config.joint_consensus);
        assert_eq!(config.snapshot_threshold, 0);
        // Any number the core takes comes back as it went in.
        let big = Protocol::default().with_snapshot_every(u64::MAX);
        big.apply_to(&mut config);
        assert_eq!(Protocol::of(&config), big);
    }

    #[test]
    fn applying_keeps_the_timing() {
        let mut config = Config {
            election_timeout_min: core::time::Duration::from_millis(400),
            election_timeout_max: core::time::Duration::from_millis(800),
            snapshot_chunk_bytes: 7,
            ..Config::default()
        };
        let before = config.clone();
        Preset::Full.protocol().apply_to(&mut config);
        assert_eq!(config.election_timeout_min, before.election_timeout_min);
        assert_eq!(config.election_timeout_max, before.election_timeout_max);
        assert_eq!(config.heartbeat_interval, before.heartbeat_interval);
        assert_eq!(config.snapshot_chunk_bytes, 7);
        assert!(config.pre_vote && config.check_quorum);
        assert!(config.append_noop_on_election && config.replicate_immediately);
        assert_eq!(config.snapshot_threshold, FULL_SNAPSHOT_EVERY);
    }
}
