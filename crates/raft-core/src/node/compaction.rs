//! Log compaction (paper §7): taking a snapshot, and InstallSnapshot (Figure 13) from a
//! leader to a follower that needs entries the leader no longer has.

use alloc::boxed::Box;
use alloc::vec::Vec;

use super::{Node, RoleState};
use crate::event::{CommitBasis, Event};
use crate::message::Body;
use crate::snapshot::{Snapshot, SnapshotChunk, SnapshotError};
use crate::storage::PersistOp;
use crate::types::{Instant, LogIndex, NodeId, Term};

use super::StepError;
use super::membership::ConfigLog;

/// A snapshot a follower is receiving, chunk by chunk (volatile: a crash loses it, and
/// the leader starts over).
#[derive(Clone, Debug)]
pub(super) struct IncomingSnapshot {
    chunk: SnapshotChunk,
}

impl<C: Clone> Node<C> {
    /// The latest snapshot, if the log was ever compacted.
    #[must_use]
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.persistent.snapshot.as_ref()
    }

    /// Whether the log holds `Config::snapshot_threshold` entries or more up to
    /// `applied` since the last snapshot: the caller should then take one with
    /// [`compact`](Node::compact). Always false when the threshold is 0.
    #[must_use]
    pub fn snapshot_due(&self, applied: LogIndex) -> bool {
        let threshold = self.config.snapshot_threshold;
        threshold > 0
            && applied.min(self.commit_index).0
                >= self.persistent.log.snapshot_index().0 + threshold
    }

    /// Compacts the log up to `applied` (paper §7): `data` is the caller's state machine
    /// after applying every entry up to it. The snapshot records the term of `applied`
    /// and the configuration in effect there; the entries up to it leave the log, and a
    /// `PersistOp::SaveSnapshot` asks the caller to store it in their place.
    ///
    /// With `UnsafeRules::snapshot_discards_log_suffix`, the entries after `applied`
    /// are dropped too, acknowledged or not: the bug the checker must catch.
    pub fn compact(
        &mut self,
        now: Instant,
        applied: LogIndex,
        data: Vec<u8>,
    ) -> Result<(), SnapshotError> {
        self.advance_clock(now);
        let log = &self.persistent.log;
        if applied <= log.snapshot_index() {
            return Err(SnapshotError::AlreadyCompacted(log.snapshot_index()));
        }
        if applied > self.commit_index {
            return Err(SnapshotError::NotCommitted(applied));
        }
        let Some(last_term) = log.term_at(applied) else {
            return Err(SnapshotError::NotCommitted(applied));
        };
        let snapshot = Snapshot {
            last_index: applied,
            last_term,
            membership: self.configs.at(applied).clone(),
            data,
        };
        let bytes = snapshot.data.len() as u64;
        self.store_snapshot(snapshot);
        self.emit(Event::SnapshotTaken {
            last_index: applied,
            last_term,
            bytes,
        });
        if self.config.unsafe_rules.snapshot_discards_log_suffix
            && self.persistent.log.last_index() > applied
        {
            self.truncate_log_from(applied.next());
        }
        Ok(())
    }

    /// Keeps `snapshot` as the latest, compacts the log to it and asks the caller to
    /// persist both. Pending outputs name only entries the log still holds.
    fn store_snapshot(&mut self, snapshot: Snapshot) {
        let index = snapshot.last_index;
        self.persistent
            .log
            .compact_to(snapshot.last_index, snapshot.last_term);
        self.configs.compact(index, &snapshot.membership);
        self.persistent.snapshot = Some(snapshot);
        self.ready.persist.retain_mut(|op| match op {
            PersistOp::AppendLog(range) => {
                *range = range.after(index);
                !range.is_empty()
            }
            _ => true,
        });
        self.ready.committed = self.ready.committed.after(index);
        self.ready.persist.push(PersistOp::SaveSnapshot(index));
    }

    /// A leader sends the follower at `slot` the next chunk of its snapshot, because
    /// the entries it needs are compacted away.
    pub(super) fn send_snapshot_chunk(&mut self, slot: usize) {
        let term = self.term();
        let chunk_bytes = self.config.snapshot_chunk_bytes.max(1);
        let Some(snap) = self.persistent.snapshot.as_ref() else {
            return;
        };
        let RoleState::Leader(state) = &mut self.role else {
            return;
        };
        let Some(p) = state.progress.get_mut(slot) else {
            return;
        };
        p.in_flight = true;
        let peer = p.node;
        let offset = state
            .snapshot_sends
            .iter()
            .find(|(n, i, _)| *n == peer && *i == snap.last_index)
            .map_or(0, |(_, _, o)| *o);
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(snap.data.len());
        let end = start.saturating_add(chunk_bytes).min(snap.data.len());
        let chunk = SnapshotChunk {
            last_index: snap.last_index,
            last_term: snap.last_term,
            membership: snap.membership.clone(),
            offset: start as u64,
            data: snap.data.get(start..end).unwrap_or(&[]).to_vec(),
            done: end == snap.data.len(),
        };
        if start == 0 {
            self.emit(Event::SnapshotSent {
                to: peer,
                last_index: chunk.last_index,
                bytes: snap.data.len() as u64,
            });
        }
        self.send(peer, term, Body::InstallSnapshot(Box::new(chunk)));
    }

    /// Figure 13, InstallSnapshot receiver. A higher term has already been adopted.
    pub(super) fn handle_install_snapshot(
        &mut self,
        leader: NodeId,
        term: Term,
        chunk: SnapshotChunk,
    ) -> Result<(), StepError> {
        // 1. Reply immediately if term < currentTerm.
        if term < self.term() {
            let current = self.term();
            self.reply_snapshot(leader, current, chunk.last_index, 0, false);
            return Ok(());
        }
        self.recognize_leader(leader, term)?;
        let last_index = chunk.last_index;
        if last_index <= self.commit_index {
            // Its entries are committed here already: nothing to install.
            self.incoming = None;
            self.reply_snapshot(leader, term, last_index, 0, true);
            return Ok(());
        }
        // 2. A first chunk starts a new snapshot; 3. later ones continue it at their
        // offset. A chunk that does not continue (lost, repeated) is answered with
        // what is held, so the leader sends from there.
        match &mut self.incoming {
            Some(inc) if inc.chunk.last_index == last_index && chunk.offset > 0 => {
                if chunk.offset == inc.chunk.data.len() as u64 {
                    inc.chunk.data.extend_from_slice(&chunk.data);
                    inc.chunk.done = chunk.done;
                }
            }
            _ if chunk.offset == 0 => self.incoming = Some(IncomingSnapshot { chunk }),
            _ => self.incoming = None,
        }
        let (received, done) = match &self.incoming {
            Some(inc) if inc.chunk.last_index == last_index => {
                (inc.chunk.data.len() as u64, inc.chunk.done)
            }
            _ => (0, false),
        };
        if !done {
            // 4. Reply and wait for more data chunks.
            self.reply_snapshot(leader, term, last_index, received, false);
            return Ok(());
        }
        let Some(IncomingSnapshot { chunk }) = self.incoming.take() else {
            return Ok(());
        };
        // 5. Save the snapshot, in place of any older one; 6. keep the log entries after
        // its last entry if the log holds that entry, 7. else discard the whole log;
        // 8. the caller resets its state machine from it (`Ready::restore`), and the
        // node uses the snapshot's configuration.
        let snapshot = Snapshot {
            last_index: chunk.last_index,
            last_term: chunk.last_term,
            membership: chunk.membership,
            data: chunk.data,
        };
        let last_term = snapshot.last_term;
        self.store_snapshot(snapshot);
        self.configs = ConfigLog::rebuild(
            self.persistent
                .snapshot
                .as_ref()
                .map_or_else(Default::default, |s| s.membership.clone()),
            &self.persistent.log,
        );
        let from = self.commit_index;
        self.commit_index = last_index;
        self.ready.restore = true;
        self.emit(Event::SnapshotInstalled {
            from: leader,
            last_index,
            last_term,
        });
        self.emit(Event::CommitAdvanced {
            from,
            to: last_index,
            basis: CommitBasis::Snapshot,
        });
        self.reply_snapshot(leader, term, last_index, received, true);
        Ok(())
    }

    fn reply_snapshot(
        &mut self,
        leader: NodeId,
        term: Term,
        last_index: LogIndex,
        received: u64,
        done: bool,
    ) {
        self.send(
            leader,
            term,
            Body::InstallSnapshotResponse {
                last_index,
                received,
                done,
            },
        );
    }

    /// A leader hears how far a follower got with its snapshot.
    pub(super) fn handle_snapshot_response(
        &mut self,
        from: NodeId,
        term: Term,
        last_index: LogIndex,
        received: u64,
        done: bool,
    ) -> Result<(), StepError> {
        let current = self.term();
        let now = self.now;
        let snapshot_index = self.persistent.log.snapshot_index();
        let RoleState::Leader(state) = &mut self.role else {
            self.ignore_reply(from, term);
            return Ok(());
        };
        if term < current {
            self.ignore_reply(from, term);
            return Ok(());
        }
        let Some(slot) = state.progress.iter().position(|p| p.node == from) else {
            return Err(StepError::UnknownSender(from));
        };
        if last_index > snapshot_index {
            return Err(StepError::Malformed(super::Malformed::MatchBeyondLog));
        }
        let Some(p) = state.progress.get_mut(slot) else {
            return Err(StepError::UnknownSender(from));
        };
        p.recently_active = true;
        p.last_heard = Some(now);
        // Only a reply that moves the transfer on sends more at once: a duplicated or
        // late one would otherwise start a second chain of chunks beside the first
        // (a lost chunk is sent again with the next heartbeat).
        let recorded = state
            .snapshot_sends
            .iter()
            .find(|(n, i, _)| *n == from && *i == last_index)
            .map(|(_, _, o)| *o);
        let moves_on = if done {
            last_index > p.match_index
        } else {
            last_index == snapshot_index && recorded != Some(received)
        };
        if !moves_on {
            self.ignore_reply(from, term);
            return Ok(());
        }
        p.in_flight = false;
        state
            .snapshot_sends
            .retain(|(n, i, _)| *n != from || (*i == snapshot_index && !done));
        if done {
            p.match_index = last_index;
            if p.next_index <= last_index {
                p.next_index = last_index.next();
            }
            self.maybe_commit();
        } else {
            match state.snapshot_sends.iter_mut().find(|(n, _, _)| *n == from) {
                Some(send) => send.2 = received,
                None => state.snapshot_sends.push((from, last_index, received)),
            }
        }
        // The next chunk, or the entries after the snapshot, go out at once.
        self.send_append_entries_to_slot(slot);
        Ok(())
    }
}
