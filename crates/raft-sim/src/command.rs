//! The replicated state machine of the article: one value, updated by `set` and `add`.

use crate::vec_map::VecMap;
use alloc::vec::Vec;
use core::fmt;

use raft_core::LogIndex;

/// A client's identity.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct ClientId(pub u32);

/// An operation on the value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Op {
    /// Replace the value (the article's "set 5").
    Set(i64),
    /// Add to the value.
    Add(i64),
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Set(v) => write!(f, "set {v}"),
            Op::Add(n) => write!(f, "add {n}"),
        }
    }
}

/// The command stored in the log: the operation plus the client's request identity, so
/// that a retried request is applied once (paper §8).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Command {
    /// Who asked.
    pub client: ClientId,
    /// The client's request number; requests of one client are numbered 1, 2, ...
    pub seq: u64,
    /// What to do.
    pub op: Op,
}

impl Command {
    /// A stable 64-bit digest, identical on every platform (used by the checker).
    #[must_use]
    pub fn digest(&self) -> u64 {
        let (tag, arg) = match self.op {
            Op::Set(v) => (1u64, v as u64),
            Op::Add(n) => (2u64, n as u64),
        };
        mix(mix(mix(u64::from(self.client.0), self.seq), tag), arg)
    }
}

/// A 64-bit mixing step (from SplitMix64's finalizer).
#[must_use]
pub fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_add(0x9E37_79B9_7F4A_7C15).wrapping_add(a << 6);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One node's copy of the value, with what it has applied.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StateMachine {
    value: i64,
    last_applied: LogIndex,
    /// For each client, its highest applied request.
    sessions: VecMap<ClientId, Session>,
}

/// A client's latest applied request, remembered so that a retry is not applied twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Session {
    /// The request number.
    pub seq: u64,
    /// The value it produced.
    pub value: i64,
    /// Where it was applied.
    pub index: LogIndex,
}

/// The result of applying one command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The value after the command (or after its first application, for a retry).
    pub value: i64,
    /// Whether this was a retry of a request already applied (and so skipped).
    pub duplicate: bool,
}

impl StateMachine {
    /// The current value.
    #[must_use]
    pub fn value(&self) -> i64 {
        self.value
    }

    /// The index of the last applied entry.
    #[must_use]
    pub fn last_applied(&self) -> LogIndex {
        self.last_applied
    }

    /// The client's latest applied request.
    #[must_use]
    pub fn session(&self, client: ClientId) -> Option<Session> {
        self.sessions.get(&client).copied()
    }

    /// The state machine as snapshot data (paper §7): the value, the last applied
    /// index, then each client's session, all little-endian.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(20 + 28 * self.sessions.len());
        out.extend_from_slice(&self.value.to_le_bytes());
        out.extend_from_slice(&self.last_applied.0.to_le_bytes());
        out.extend_from_slice(&(self.sessions.len() as u32).to_le_bytes());
        for (client, s) in self.sessions.iter() {
            out.extend_from_slice(&client.0.to_le_bytes());
            out.extend_from_slice(&s.seq.to_le_bytes());
            out.extend_from_slice(&s.value.to_le_bytes());
            out.extend_from_slice(&s.index.0.to_le_bytes());
        }
        out
    }

    /// The state machine that [`encode`](StateMachine::encode) wrote; `None` for data
    /// it could not have written.
    #[must_use]
    pub fn decode(data: &[u8]) -> Option<StateMachine> {
        let mut r = Reader(data);
        let value = i64::from_le_bytes(r.take()?);
        let last_applied = LogIndex(u64::from_le_bytes(r.take()?));
        let count = u32::from_le_bytes(r.take()?);
        let mut sessions = VecMap::new();
        for _ in 0..count {
            let client = ClientId(u32::from_le_bytes(r.take()?));
            let seq = u64::from_le_bytes(r.take()?);
            let value = i64::from_le_bytes(r.take()?);
            let index = LogIndex(u64::from_le_bytes(r.take()?));
            sessions.insert(client, Session { seq, value, index });
        }
        r.0.is_empty().then_some(StateMachine {
            value,
            last_applied,
            sessions,
        })
    }

    /// Applies the entry at `index` (a no-op entry passes `None`).
    pub fn apply(&mut self, index: LogIndex, command: Option<&Command>) -> Option<Applied> {
        self.last_applied = index;
        let cmd = command?;
        if let Some(s) = self.sessions.get(&cmd.client)
            && cmd.seq <= s.seq
        {
            return Some(Applied {
                value: s.value,
                duplicate: true,
            });
        }
        self.value = match cmd.op {
            Op::Set(v) => v,
            Op::Add(n) => self.value.saturating_add(n),
        };
        self.sessions.insert(
            cmd.client,
            Session {
                seq: cmd.seq,
                value: self.value,
                index,
            },
        );
        Some(Applied {
            value: self.value,
            duplicate: false,
        })
    }
}

/// Reads fixed-size fields off the front of snapshot data.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_of_the_state_machine_restores_it_exactly_section_7() {
        let mut sm = StateMachine::default();
        for (k, client) in [(1, 0), (2, 1), (3, 0)] {
            let cmd = Command {
                client: ClientId(client),
                seq: k,
                op: Op::Add(k as i64),
            };
            sm.apply(LogIndex(k), Some(&cmd));
        }
        let data = sm.encode();
        assert_eq!(StateMachine::decode(&data), Some(sm.clone()));
        assert_eq!(StateMachine::decode(&data[..data.len() - 1]), None);
        let mut longer = data.clone();
        longer.push(0);
        assert_eq!(StateMachine::decode(&longer), None, "nothing may trail");
        // A retry after the restore is still recognized as one.
        let mut restored = StateMachine::decode(&data).expect("valid");
        let retry = Command {
            client: ClientId(0),
            seq: 3,
            op: Op::Add(3),
        };
        assert_eq!(
            restored
                .apply(LogIndex(4), Some(&retry))
                .map(|a| a.duplicate),
            Some(true)
        );
    }

    #[test]
    fn set_then_add_and_retries_apply_once() {
        let mut sm = StateMachine::default();
        let c = ClientId(0);
        let set5 = Command {
            client: c,
            seq: 1,
            op: Op::Set(5),
        };
        let add2 = Command {
            client: c,
            seq: 2,
            op: Op::Add(2),
        };
        assert_eq!(sm.apply(LogIndex(1), Some(&set5)).map(|a| a.value), Some(5));
        assert_eq!(sm.apply(LogIndex(2), Some(&add2)).map(|a| a.value), Some(7));
        let again = sm.apply(LogIndex(3), Some(&add2)).expect("applied");
        assert!(again.duplicate);
        assert_eq!(sm.value(), 7, "a retried add is not applied twice (§8)");
        assert_eq!(sm.last_applied(), LogIndex(3));
        assert_ne!(set5.digest(), add2.digest());
    }
}
