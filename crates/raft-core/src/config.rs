//! Timing and behaviour switches of a node.

use core::fmt;
use core::time::Duration;

/// How a node behaves. [`Config::default`] is the article's and the paper's setting:
/// election timeout uniform in [150, 300) ms, heartbeat every 50 ms, new entries sent
/// with the next heartbeat, no optional extensions, every safety rule on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Lower bound of the randomized election timeout (inclusive).
    pub election_timeout_min: Duration,
    /// Upper bound of the randomized election timeout (exclusive).
    pub election_timeout_max: Duration,
    /// How often a leader sends AppendEntries, empty or not.
    pub heartbeat_interval: Duration,
    /// `false` (the article's rhythm): a new entry goes out with the next heartbeat.
    /// `true`: the leader sends it to every idle follower at once.
    pub replicate_immediately: bool,
    /// Most entries carried by one AppendEntries.
    pub max_entries_per_append: usize,
    /// Flow control (etcd's `MaxInflightMsgs`): most AppendEntries carrying entries a
    /// leader keeps unanswered per follower; past it, a heartbeat goes out empty. 0: no
    /// limit, the article's rhythm, where every heartbeat carries what the follower
    /// lacks, answered or not.
    pub max_inflight_appends: u32,
    /// Entries since the last snapshot at which [`Node::snapshot_due`](crate::Node::snapshot_due)
    /// says the caller should compact the log (paper §7); 0 never.
    pub snapshot_threshold: u64,
    /// Bytes of snapshot data per InstallSnapshot chunk (Figure 13's `offset`/`data`).
    pub snapshot_chunk_bytes: usize,
    /// A new leader appends an empty entry of its term, so that entries of earlier terms
    /// commit without waiting for a client (paper §8).
    pub append_noop_on_election: bool,
    /// Pre-vote (Ongaro's thesis §9.6): before raising its term a would-be candidate asks
    /// whether it could win; a partitioned node then cannot disrupt the cluster on return.
    pub pre_vote: bool,
    /// Check-quorum: a leader that has not heard from a majority within an election
    /// timeout steps down, and a vote request with a higher term is ignored by a follower
    /// that has heard from a leader within the minimum election timeout, and by a leader
    /// that has heard from a majority within it (paper §6, disruptive servers).
    pub check_quorum: bool,
    /// How a voter joins or leaves: `true` (the paper's §6) through a joint
    /// configuration C_old,new that needs majorities of both; `false` one server at a time
    /// (Ongaro's thesis §4.1), where any two majorities overlap without a joint step.
    pub joint_consensus: bool,
    /// Teaching switches that each break one safety rule. All off by default.
    pub unsafe_rules: UnsafeRules,
}

/// Each switch turns off one rule that the paper needs for safety or liveness, so that a
/// checker can show what goes wrong without it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UnsafeRules {
    /// Every node uses `election_timeout_min`, not a random timeout: split votes repeat
    /// (paper §5.2 explains why the timeout is random).
    pub fixed_election_timeout: bool,
    /// Grant votes without the "candidate's log is at least as up-to-date" check (§5.4.1):
    /// a leader can be elected without committed entries, and overwrite them.
    pub skip_log_up_to_date_check: bool,
    /// Commit an entry of an earlier term as soon as a majority stores it (Figure 8): a
    /// later leader can overwrite it.
    pub commit_old_terms_by_counting: bool,
    /// Let a leader append a configuration change while another is uncommitted, and
    /// before it has committed an entry of its own term (thesis §4.1 and its bug fix):
    /// two changes in flight can form majorities that do not overlap.
    pub unchecked_membership_changes: bool,
    /// A snapshot drops the log entries after it as well, acknowledged or not (§7 keeps
    /// them): entries a majority stored can vanish from the majority.
    pub snapshot_discards_log_suffix: bool,
}

impl UnsafeRules {
    /// True if any safety rule is switched off.
    #[must_use]
    pub const fn any(&self) -> bool {
        self.fixed_election_timeout
            || self.skip_log_up_to_date_check
            || self.commit_old_terms_by_counting
            || self.unchecked_membership_changes
            || self.snapshot_discards_log_suffix
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            election_timeout_min: Duration::from_millis(150),
            election_timeout_max: Duration::from_millis(300),
            heartbeat_interval: Duration::from_millis(50),
            replicate_immediately: false,
            max_entries_per_append: 64,
            max_inflight_appends: 0,
            snapshot_threshold: 0,
            snapshot_chunk_bytes: 1024,
            append_noop_on_election: false,
            pre_vote: false,
            check_quorum: false,
            joint_consensus: true,
            unsafe_rules: UnsafeRules::default(),
        }
    }
}

/// Why a [`Config`] cannot run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// The minimum election timeout is zero.
    ZeroElectionTimeout,
    /// The election timeout range is empty: the maximum must exceed the minimum.
    EmptyElectionTimeoutRange,
    /// The heartbeat interval is zero, or not shorter than the minimum election
    /// timeout, so followers would time out between heartbeats.
    HeartbeatNotShorterThanElectionTimeout,
    /// `max_entries_per_append` is zero: the log could never be replicated.
    ZeroBatch,
    /// `snapshot_chunk_bytes` is zero: a snapshot could never be sent.
    ZeroChunk,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConfigError::ZeroElectionTimeout => "the election timeout must be positive",
            ConfigError::EmptyElectionTimeoutRange => {
                "the maximum election timeout must exceed the minimum"
            }
            ConfigError::HeartbeatNotShorterThanElectionTimeout => {
                "the heartbeat interval must be positive and shorter than the election timeout"
            }
            ConfigError::ZeroBatch => "an AppendEntries must be allowed at least one entry",
            ConfigError::ZeroChunk => "an InstallSnapshot chunk must hold at least one byte",
        })
    }
}

impl Config {
    /// Checks that the settings can work together.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.election_timeout_min.is_zero() {
            return Err(ConfigError::ZeroElectionTimeout);
        }
        if self.election_timeout_max <= self.election_timeout_min {
            return Err(ConfigError::EmptyElectionTimeoutRange);
        }
        if self.heartbeat_interval.is_zero() || self.heartbeat_interval >= self.election_timeout_min
        {
            return Err(ConfigError::HeartbeatNotShorterThanElectionTimeout);
        }
        if self.max_entries_per_append == 0 {
            return Err(ConfigError::ZeroBatch);
        }
        if self.snapshot_chunk_bytes == 0 {
            return Err(ConfigError::ZeroChunk);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_is_the_articles_timing() {
        let c = Config::default();
        assert_eq!(c.election_timeout_min, Duration::from_millis(150));
        assert_eq!(c.election_timeout_max, Duration::from_millis(300));
        assert_eq!(c.heartbeat_interval, Duration::from_millis(50));
        assert!(!c.replicate_immediately);
        assert!(!c.unsafe_rules.any());
        assert_eq!(c.validate(), Ok(()));
    }

    #[test]
    fn impossible_timings_are_refused() {
        let mut c = Config {
            heartbeat_interval: Duration::from_millis(200),
            ..Config::default()
        };
        assert_eq!(
            c.validate(),
            Err(ConfigError::HeartbeatNotShorterThanElectionTimeout)
        );
        c.heartbeat_interval = Duration::from_millis(50);
        c.election_timeout_max = c.election_timeout_min;
        assert_eq!(c.validate(), Err(ConfigError::EmptyElectionTimeoutRange));
        c.election_timeout_min = Duration::ZERO;
        assert_eq!(c.validate(), Err(ConfigError::ZeroElectionTimeout));
    }
}
