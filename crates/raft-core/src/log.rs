//! The replicated log (paper §5.3).

use alloc::vec::Vec;

use crate::membership::ConfigStep;
use crate::types::{LogIndex, Term};

/// What an entry carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Payload<C> {
    /// An empty entry a new leader may append to commit earlier terms (paper §8).
    Noop,
    /// A client command for the replicated state machine.
    Command(C),
    /// A configuration change (paper §6): it takes effect on each server as soon as
    /// the server appends it, committed or not.
    Config(ConfigStep),
}

/// One log entry: the term in which a leader created it, and its payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry<C> {
    /// The leader's term when the entry was created.
    pub term: Term,
    /// The command (or no-op) to apply.
    pub payload: Payload<C>,
}

/// The log indexes `first..=last`, a run of entries named without copying them; empty
/// when `last < first`. A caller reads the entries from [`Log::range`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogRange {
    /// The first index in the run.
    pub first: LogIndex,
    /// The last index in the run.
    pub last: LogIndex,
}

impl LogRange {
    /// The run with no index in it.
    pub const EMPTY: LogRange = LogRange {
        first: LogIndex(1),
        last: LogIndex(0),
    };

    /// Whether the run holds no index.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.last < self.first
    }

    /// How many indexes the run holds.
    #[must_use]
    pub fn len(&self) -> u64 {
        (self.last.0 + 1).saturating_sub(self.first.0)
    }

    /// The indexes of the run, in order.
    pub fn indexes(self) -> impl DoubleEndedIterator<Item = LogIndex> {
        (self.first.0..=self.last.0).map(LogIndex)
    }

    /// The run without the indexes up to `index` (empty if it ends there).
    #[must_use]
    pub fn after(self, index: LogIndex) -> LogRange {
        if self.first > index {
            self
        } else if self.last > index {
            LogRange {
                first: index.next(),
                ..self
            }
        } else {
            LogRange::EMPTY
        }
    }

    /// The run cut short so that it ends before `index` (empty if it starts there).
    #[must_use]
    pub fn before(self, index: LogIndex) -> LogRange {
        if self.last < index {
            self
        } else if self.first < index {
            LogRange {
                last: index.prev(),
                ..self
            }
        } else {
            LogRange::EMPTY
        }
    }
}

/// A node's log. Entry `i` (1-based) is stored at position `i - 1 - offset`.
///
/// `offset` and `offset_term` are the last index and term of the prefix compacted into
/// a snapshot (paper §7); zero while nothing is compacted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Log<C> {
    entries: Vec<Entry<C>>,
    offset: LogIndex,
    offset_term: Term,
}

impl<C> Default for Log<C> {
    fn default() -> Self {
        Log {
            entries: Vec::new(),
            offset: LogIndex(0),
            offset_term: Term(0),
        }
    }
}

impl<C> Log<C> {
    /// An empty log.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A log holding `entries` at indexes 1, 2, ...
    #[must_use]
    pub fn from_entries(entries: Vec<Entry<C>>) -> Self {
        Log {
            entries,
            ..Log::default()
        }
    }

    /// The last index the snapshot covers (0 when nothing is compacted).
    #[must_use]
    pub fn snapshot_index(&self) -> LogIndex {
        self.offset
    }

    /// The term of the entry at [`snapshot_index`](Log::snapshot_index).
    #[must_use]
    pub fn snapshot_term(&self) -> Term {
        self.offset_term
    }

    /// Compacts the log into a snapshot ending at (`index`, `term`) (paper §7, and
    /// Figure 13 steps 6 and 7): if the log holds that entry, the entries after it stay;
    /// otherwise the whole log goes. Returns how many entries were dropped.
    pub fn compact_to(&mut self, index: LogIndex, term: Term) -> usize {
        if index <= self.offset {
            return 0;
        }
        let dropped = if self.matches(index, term) {
            let n = usize::try_from(index.0 - self.offset.0)
                .unwrap_or(usize::MAX)
                .min(self.entries.len());
            self.entries.drain(..n);
            n
        } else {
            let n = self.entries.len();
            self.entries.clear();
            n
        };
        self.offset = index;
        self.offset_term = term;
        dropped
    }

    /// The index of the first stored entry (the last index + 1 when none is stored).
    #[must_use]
    pub fn first_index(&self) -> LogIndex {
        self.offset.next()
    }

    /// The index of the last entry, or 0 for an empty log.
    #[must_use]
    pub fn last_index(&self) -> LogIndex {
        self.offset.plus(self.entries.len() as u64)
    }

    /// The term of the last entry, or 0 for an empty log.
    #[must_use]
    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(self.offset_term, |e| e.term)
    }

    /// The term of the entry at `index`, `Some(Term(0))` for index 0, `None` past the
    /// end (or inside a compacted prefix).
    #[must_use]
    pub fn term_at(&self, index: LogIndex) -> Option<Term> {
        if index == self.offset {
            return Some(self.offset_term);
        }
        self.get(index).map(|e| e.term)
    }

    /// The entry at `index`, if stored.
    #[must_use]
    pub fn get(&self, index: LogIndex) -> Option<&Entry<C>> {
        let pos = self.position(index)?;
        self.entries.get(pos)
    }

    /// Up to `max` entries starting at `from`; empty when `from` is past the end.
    #[must_use]
    pub fn slice_from(&self, from: LogIndex, max: usize) -> &[Entry<C>] {
        match self.position(from) {
            Some(pos) if pos < self.entries.len() => {
                let end = pos.saturating_add(max).min(self.entries.len());
                self.entries.get(pos..end).unwrap_or(&[])
            }
            _ => &[],
        }
    }

    /// The entries at the indexes of `range`, oldest first: as many of them as are
    /// stored (all of them for a range a [`Ready`](crate::Ready) names).
    #[must_use]
    pub fn range(&self, range: LogRange) -> &[Entry<C>] {
        if range.is_empty() {
            return &[];
        }
        self.slice_from(
            range.first,
            usize::try_from(range.len()).unwrap_or(usize::MAX),
        )
    }

    /// The entries of `range` with their indexes, oldest first (see [`Log::range`]).
    pub fn iter_range(
        &self,
        range: LogRange,
    ) -> impl DoubleEndedIterator<Item = (LogIndex, &Entry<C>)> + '_ {
        let first = range.first;
        self.range(range)
            .iter()
            .enumerate()
            .map(move |(i, e)| (first.plus(i as u64), e))
    }

    /// Whether the log holds an entry at `index` with `term` (index 0 always matches):
    /// the AppendEntries consistency check.
    #[must_use]
    pub fn matches(&self, index: LogIndex, term: Term) -> bool {
        self.term_at(index) == Some(term)
    }

    /// Whether a log ending at (`last_index`, `last_term`) is at least as up-to-date as
    /// this one (paper §5.4.1): a later last term wins; equal terms compare length.
    #[must_use]
    pub fn is_up_to_date(&self, last_index: LogIndex, last_term: Term) -> bool {
        (last_term, last_index) >= (self.last_term(), self.last_index())
    }

    /// The first index holding an entry of `term`, searching backwards from `from`
    /// while the term stays the same. Used for the fast log back-up hint.
    #[must_use]
    pub fn first_index_of_term_run(&self, from: LogIndex) -> LogIndex {
        let Some(term) = self.term_at(from) else {
            return from;
        };
        let mut index = from;
        while index > self.offset.next() && self.term_at(index.prev()) == Some(term) {
            index = index.prev();
        }
        index
    }

    /// The last index holding an entry of `term`, if any.
    #[must_use]
    pub fn last_index_of_term(&self, term: Term) -> Option<LogIndex> {
        // Terms never decrease along a log, so a binary search finds the run's end.
        let after = self.entries.partition_point(|e| e.term <= term);
        if after == 0 {
            return None;
        }
        let pos = after - 1;
        self.entries
            .get(pos)
            .is_some_and(|e| e.term == term)
            .then(|| self.offset.plus(pos as u64 + 1))
    }

    /// Appends one entry and returns its index.
    pub fn push(&mut self, entry: Entry<C>) -> LogIndex {
        self.entries.push(entry);
        self.last_index()
    }

    /// Appends `entries` in order, moving them in; returns the indexes they got.
    pub fn extend(&mut self, entries: impl IntoIterator<Item = Entry<C>>) -> LogRange {
        let first = self.last_index().next();
        self.entries.extend(entries);
        LogRange {
            first,
            last: self.last_index(),
        }
    }

    /// Removes the entry at `from` and all that follow; returns how many were removed.
    pub fn truncate_from(&mut self, from: LogIndex) -> usize {
        match self.position(from) {
            Some(pos) if pos < self.entries.len() => {
                let removed = self.entries.len() - pos;
                self.entries.truncate(pos);
                removed
            }
            _ => 0,
        }
    }

    /// Every stored entry with its index, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (LogIndex, &Entry<C>)> + '_ {
        let offset = self.offset;
        self.entries
            .iter()
            .enumerate()
            .map(move |(i, e)| (offset.plus(i as u64 + 1), e))
    }

    /// Number of stored entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no entry is stored.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn position(&self, index: LogIndex) -> Option<usize> {
        if index <= self.offset {
            return None;
        }
        usize::try_from(index.0 - self.offset.0 - 1).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn a_range_cut_before_an_index_keeps_what_comes_earlier() {
        let run = LogRange {
            first: LogIndex(3),
            last: LogIndex(6),
        };
        assert_eq!(run.len(), 4);
        assert_eq!(
            run.indexes().map(|i| i.0).collect::<Vec<_>>(),
            vec![3, 4, 5, 6]
        );
        assert_eq!(LogRange::EMPTY.indexes().count(), 0);
        assert_eq!(run.before(LogIndex(9)), run);
        assert_eq!(run.before(LogIndex(5)).last, LogIndex(4));
        assert!(run.before(LogIndex(3)).is_empty());
        assert!(run.before(LogIndex(1)).is_empty());
        assert_eq!(LogRange::EMPTY.len(), 0);
    }

    fn log_of_terms(terms: &[u64]) -> Log<()> {
        Log::from_entries(
            terms
                .iter()
                .map(|&t| Entry {
                    term: Term(t),
                    payload: Payload::Noop,
                })
                .collect(),
        )
    }

    #[test]
    fn index_zero_matches_every_log() {
        let log = log_of_terms(&[]);
        assert!(log.matches(LogIndex(0), Term(0)));
        assert!(!log.matches(LogIndex(1), Term(1)));
        assert_eq!(log.last_index(), LogIndex(0));
        assert_eq!(log.last_term(), Term(0));
    }

    #[test]
    fn up_to_date_compares_last_term_then_length_section_5_4_1() {
        let log = log_of_terms(&[1, 1, 2]);
        assert!(log.is_up_to_date(LogIndex(1), Term(3)), "later term wins");
        assert!(log.is_up_to_date(LogIndex(3), Term(2)), "same log");
        assert!(log.is_up_to_date(LogIndex(4), Term(2)), "longer, same term");
        assert!(
            !log.is_up_to_date(LogIndex(2), Term(2)),
            "shorter, same term"
        );
        assert!(
            !log.is_up_to_date(LogIndex(9), Term(1)),
            "earlier term loses"
        );
    }

    #[test]
    fn term_runs_and_truncation() {
        let mut log = log_of_terms(&[1, 1, 4, 4, 4, 5]);
        assert_eq!(log.first_index_of_term_run(LogIndex(5)), LogIndex(3));
        assert_eq!(log.first_index_of_term_run(LogIndex(2)), LogIndex(1));
        assert_eq!(log.last_index_of_term(Term(4)), Some(LogIndex(5)));
        assert_eq!(log.last_index_of_term(Term(3)), None);
        assert_eq!(log.last_index_of_term(Term(9)), None);
        assert_eq!(log.slice_from(LogIndex(5), 10).len(), 2);
        assert_eq!(log.slice_from(LogIndex(7), 10).len(), 0);
        assert_eq!(log.slice_from(LogIndex(0), 10).len(), 0);
        let run = LogRange {
            first: LogIndex(2),
            last: LogIndex(4),
        };
        assert_eq!(
            log.iter_range(run)
                .map(|(i, e)| (i.0, e.term.0))
                .collect::<Vec<_>>(),
            vec![(2, 1), (3, 4), (4, 4)]
        );
        assert!(log.range(LogRange::EMPTY).is_empty());
        assert_eq!(log.truncate_from(LogIndex(4)), 3);
        assert_eq!(log.last_index(), LogIndex(3));
        assert_eq!(log.truncate_from(LogIndex(9)), 0);
        assert_eq!(
            log.iter().map(|(i, e)| (i.0, e.term.0)).collect::<Vec<_>>(),
            vec![(1, 1), (2, 1), (3, 4)]
        );
    }

    #[test]
    fn compaction_keeps_the_suffix_after_a_matching_entry_or_drops_the_log_section_7() {
        let mut log = log_of_terms(&[1, 1, 2, 2, 3]);
        assert_eq!(log.compact_to(LogIndex(3), Term(2)), 3);
        assert_eq!(log.snapshot_index(), LogIndex(3));
        assert_eq!(log.first_index(), LogIndex(4));
        assert_eq!(log.last_index(), LogIndex(5));
        assert_eq!(
            log.term_at(LogIndex(3)),
            Some(Term(2)),
            "the snapshot's last term"
        );
        assert_eq!(log.term_at(LogIndex(2)), None, "compacted away");
        assert!(log.get(LogIndex(3)).is_none());
        assert_eq!(log.get(LogIndex(5)).map(|e| e.term), Some(Term(3)));
        assert_eq!(log.first_index_of_term_run(LogIndex(4)), LogIndex(4));
        assert_eq!(log.compact_to(LogIndex(2), Term(1)), 0, "never backwards");
        // A snapshot the log does not match (Figure 13, step 7): discard the log.
        assert_eq!(log.compact_to(LogIndex(9), Term(4)), 2);
        assert!(log.is_empty());
        assert_eq!(log.last_index(), LogIndex(9));
        assert_eq!(log.last_term(), Term(4));
        let run = LogRange {
            first: LogIndex(3),
            last: LogIndex(6),
        };
        assert_eq!(run.after(LogIndex(4)).first, LogIndex(5));
        assert!(run.after(LogIndex(6)).is_empty());
        assert_eq!(run.after(LogIndex(1)), run);
    }
}
