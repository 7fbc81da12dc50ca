//! Typed identifiers, terms, log indexes and virtual time.
//!
//! Raft juggles several kinds of `u64`; mixing a term up with an index is a classic bug,
//! so each one gets its own type. All arithmetic saturates: a malformed message carrying
//! `u64::MAX` must not be able to panic a node.

use core::fmt;
use core::time::Duration;

/// The identity of one server in the cluster.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct NodeId(pub u32);

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "node {}", self.0)
    }
}

/// An election term (paper §5.1). Terms only grow; `Term(0)` is "before any election"
/// and never appears on the wire.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct Term(pub u64);

impl Term {
    /// The term that follows this one.
    #[must_use]
    pub const fn next(self) -> Term {
        Term(self.0.saturating_add(1))
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "term {}", self.0)
    }
}

/// A position in the replicated log. The first entry has index 1; `LogIndex(0)` is the
/// empty prefix, which every log matches.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct LogIndex(pub u64);

impl LogIndex {
    /// The index just after this one.
    #[must_use]
    pub const fn next(self) -> LogIndex {
        LogIndex(self.0.saturating_add(1))
    }

    /// The index just before this one (`LogIndex(0)` stays 0).
    #[must_use]
    pub const fn prev(self) -> LogIndex {
        LogIndex(self.0.saturating_sub(1))
    }

    /// This index moved forward by `n` entries, saturating.
    #[must_use]
    pub const fn plus(self, n: u64) -> LogIndex {
        LogIndex(self.0.saturating_add(n))
    }
}

impl fmt::Display for LogIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "index {}", self.0)
    }
}

/// A point in virtual time, in microseconds since an origin the caller chooses.
///
/// The node never reads a clock: every input carries the caller's `now`. Time handed to
/// a node must not go backwards; if it does, the node keeps its latest time instead.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct Instant(pub u64);

impl Instant {
    /// The origin of time.
    pub const ZERO: Instant = Instant(0);

    /// An instant `ms` milliseconds after the origin.
    #[must_use]
    pub const fn from_millis(ms: u64) -> Instant {
        Instant(ms.saturating_mul(1_000))
    }

    /// An instant `us` microseconds after the origin.
    #[must_use]
    pub const fn from_micros(us: u64) -> Instant {
        Instant(us)
    }

    /// Microseconds since the origin.
    #[must_use]
    pub const fn as_micros(self) -> u64 {
        self.0
    }

    /// Milliseconds since the origin, as a float, for display.
    #[must_use]
    pub fn as_millis_f64(self) -> f64 {
        self.0 as f64 / 1_000.0
    }

    /// `self + d`, saturating at the end of time.
    #[must_use]
    pub fn after(self, d: Duration) -> Instant {
        Instant(self.0.saturating_add(micros(d)))
    }

    /// The time from `earlier` to `self`, or zero if `earlier` is later.
    #[must_use]
    pub fn since(self, earlier: Instant) -> Duration {
        Duration::from_micros(self.0.saturating_sub(earlier.0))
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03} ms", self.0 / 1_000, self.0 % 1_000)
    }
}

/// A duration in whole microseconds, saturating.
pub(crate) fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}
