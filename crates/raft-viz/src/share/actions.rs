//! The `a=` part of a share link: a run's actions as a short, URL-safe text.
//!
//! # Format (version 1)
//!
//! The text is a sequence of numbers (each below 2^64), written as little-endian base-32
//! digits in the URL-safe base-64 alphabet `A–Z a–z 0–9 - _` (digit values 0–63): a digit's low
//! five bits are data, and a value of 32 or more means "more digits follow". So 0–31
//! take one character (`A`…`Z`, `a`…`f`), 32–1023 two, and so on. No separators are
//! needed. The other unreserved characters (`.` and `~`) are never used.
//!
//! Three kinds of number are written:
//! - *count*: the number itself (node ids, steps, message ids, probabilities in ppm);
//! - *time*: microseconds `t` as `2·t/1000` when `t` is whole milliseconds, else as
//!   `2·t + 1` (durations and instants; whole milliseconds are common in settings);
//! - *signed*: zigzag, `0, -1, 1, -2…` as `0, 1, 2, 3…`.
//!
//! The text is the version (`1`, so it starts with `B`), then one item per action:
//!
//! ```text
//! item = at:time  after_steps:count  tag:count  fields
//! tag  fields
//!  0   Crash           node
//!  1   Restart         node
//!  2   TimeoutNow      node
//!  3   SetElectionTimer node, deadline:time
//!  4   ClientRequest   value:signed, 2·to + kind   (to: 0 = none, else node+1;
//!                                                  kind: 0 = set, 1 = add)
//!  5   DropMessage     message id
//!  6   Partition       group count, then per group: size, nodes
//!  7   CutLink         from, to, both (0 or 1)
//!  8   Heal            —
//!  9   SetLinkLatency  from, to, latency (0 = none, else time + 1)
//! 10   SetNetwork      latency_min:time, latency_max:time, loss, duplicate, reorder (ppm)
//! 11   SetElectionTimeout min:time, max:time
//! 12   SetProtocol     switches, snapshot_every
//!                      (switches: bit i set when switch i of raft_sim::Switch::ALL is
//!                      on: pre-vote is bit 0, commit-old-terms bit 6, single-server
//!                      bit 7, two-changes bit 8, snapshot-drops-log bit 9; a bit past
//!                      the last switch is refused. snapshot_every: a count, 0 = never,
//!                      at most raft_sim::MAX_SNAPSHOT_EVERY)
//! 13   AddServer       —   (the next node id exists from here on)
//! 14   RemoveServer    node
//! 15   TakeSnapshot    node
//! ```
//!
//! Times are absolute, so decoding can refuse actions out of order. An empty text is an
//! empty list. Decoding checks every value (node ids below the cluster size, times and
//! counts below [`MAX`], probabilities at most one) and never panics.

use core::fmt;
use core::time::Duration;

use raft_sim::raft_core::{Instant, NodeId};
use raft_sim::{Action, MAX_SNAPSHOT_EVERY, MsgId, NetworkSettings, Op, Protocol, Stamped, Switch};

use crate::lang::Lang;
use crate::narrate::text::{Arg, render_in};

/// The format version written first.
const VERSION: u64 = 1;

/// The largest time (in µs), step count or message id accepted: about 11.6 days of
/// virtual time; anything larger is not from a real session.
pub const MAX: u64 = 1_000_000_000_000;

/// What is wrong with a protocol's snapshot threshold over [`MAX_SNAPSHOT_EVERY`].
const THRESHOLD_TOO_LARGE: &str = "a snapshot threshold above 10000 entries";

/// Most groups in a partition, and most nodes in a group.
const MAX_GROUPS: u64 = 16;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Why a share text was refused. Items are numbered from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareError {
    /// Not version 1 of this format.
    Version,
    /// A character outside the alphabet.
    BadChar {
        /// The item being read.
        item: usize,
        /// The character.
        ch: char,
    },
    /// The text ends inside an item.
    Truncated {
        /// The item.
        item: usize,
    },
    /// A node the cluster does not have.
    NoSuchNode {
        /// The item.
        item: usize,
        /// The node id.
        node: u64,
        /// The cluster size.
        nodes: usize,
    },
    /// An action earlier in time (or in steps) than the one before it.
    OutOfOrder {
        /// The item.
        item: usize,
    },
    /// An impossible value.
    Absurd {
        /// The item.
        item: usize,
        /// What is wrong.
        what: &'static str,
    },
    /// An action this version does not know.
    UnknownAction {
        /// The item.
        item: usize,
        /// Its tag.
        tag: u64,
    },
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(Lang::En))
    }
}

impl ShareError {
    /// What is wrong with the link, in `lang`.
    pub fn describe(&self, lang: Lang) -> String {
        let mut ch_text = [0u8; 4];
        let (template, args): (&str, [Arg<'_>; 3]) = match *self {
            ShareError::Version => (
                "the shared run is not in a format this page reads",
                [Arg::Num(0); 3],
            ),
            ShareError::BadChar { item, ch } => (
                "shared action {0}: unexpected character '{1}'",
                [
                    Arg::from(item),
                    Arg::Str(ch.encode_utf8(&mut ch_text)),
                    Arg::Num(0),
                ],
            ),
            ShareError::Truncated { item } => (
                "shared action {0} is cut short (an incomplete link?)",
                [Arg::from(item), Arg::Num(0), Arg::Num(0)],
            ),
            ShareError::NoSuchNode { item, node, nodes } => (
                "shared action {0} names node {1}, but the cluster has {2} nodes",
                [Arg::from(item), Arg::Num(node), Arg::from(nodes)],
            ),
            ShareError::OutOfOrder { item } => (
                "shared action {0} happens before the one preceding it",
                [Arg::from(item), Arg::Num(0), Arg::Num(0)],
            ),
            ShareError::Absurd { item, what } => (
                "shared action {0}: {1}",
                [Arg::from(item), Arg::Str(what), Arg::Num(0)],
            ),
            ShareError::UnknownAction { item, tag } => (
                "shared action {0} is of an unknown kind ({1})",
                [Arg::from(item), Arg::Num(tag), Arg::Num(0)],
            ),
        };
        render_in(lang, template, &args)
    }
}

impl std::error::Error for ShareError {}

/// Encodes actions (in the order a timeline records them) as share text.
pub fn encode(actions: &[Stamped]) -> String {
    let mut w = String::with_capacity(1 + actions.len() * 10);
    put(&mut w, VERSION);
    for s in actions {
        put_time(&mut w, s.at.as_micros());
        put(&mut w, s.after_steps);
        put_action(&mut w, &s.action);
    }
    w
}

/// Decodes share text for a cluster of `nodes` nodes.
pub fn decode(s: &str, nodes: usize) -> Result<Vec<Stamped>, ShareError> {
    let mut r = Reader {
        text: s,
        pos: 0,
        item: 0,
        nodes,
    };
    let mut out: Vec<Stamped> = Vec::new();
    if s.is_empty() {
        return Ok(out);
    }
    if r.num().ok() != Some(VERSION) {
        return Err(ShareError::Version);
    }
    while r.pos < s.len() {
        r.item += 1;
        let at = Instant(r.time()?);
        let after_steps = r.count(MAX)?;
        if out
            .last()
            .is_some_and(|p| at < p.at || after_steps < p.after_steps)
        {
            return Err(ShareError::OutOfOrder { item: r.item });
        }
        let action = r.action()?;
        out.push(Stamped {
            at,
            after_steps,
            action,
        });
    }
    Ok(out)
}

fn put(w: &mut String, mut v: u64) {
    loop {
        let d = (v & 31) as usize;
        v >>= 5;
        if v == 0 {
            w.push(char::from(ALPHABET[d]));
            return;
        }
        w.push(char::from(ALPHABET[d | 32]));
    }
}

/// The *time* code of `us` microseconds. (Past `u64::MAX / 2` µs, half a million
/// years, it saturates; the reader refuses anything above [`MAX`] anyway.)
fn time_code(us: u64) -> u64 {
    if us.is_multiple_of(1000) {
        us / 1000 * 2
    } else {
        us.saturating_mul(2) | 1
    }
}

fn dur_code(d: Duration) -> u64 {
    time_code(u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

fn put_time(w: &mut String, us: u64) {
    put(w, time_code(us));
}

fn put_dur(w: &mut String, d: Duration) {
    put(w, dur_code(d));
}

fn put_node(w: &mut String, id: NodeId) {
    put(w, id.0.into());
}

fn put_action(w: &mut String, a: &Action) {
    match a {
        Action::Crash(n) => {
            put(w, 0);
            put_node(w, *n);
        }
        Action::Restart(n) => {
            put(w, 1);
            put_node(w, *n);
        }
        Action::TimeoutNow(n) => {
            put(w, 2);
            put_node(w, *n);
        }
        Action::SetElectionTimer(n, at) => {
            put(w, 3);
            put_node(w, *n);
            put_time(w, at.as_micros());
        }
        Action::ClientRequest { op, to } => {
            put(w, 4);
            let (value, kind) = match *op {
                Op::Set(v) => (v, 0),
                Op::Add(v) => (v, 1),
            };
            put(w, zigzag(value));
            let to = to.map_or(0, |n| u64::from(n.0) + 1);
            put(w, to * 2 + kind);
        }
        Action::DropMessage(id) => {
            put(w, 5);
            put(w, id.0);
        }
        Action::Partition(groups) => {
            put(w, 6);
            put(w, groups.len() as u64);
            for g in groups {
                put(w, g.len() as u64);
                for n in g {
                    put_node(w, *n);
                }
            }
        }
        Action::CutLink { from, to, both } => {
            put(w, 7);
            put_node(w, *from);
            put_node(w, *to);
            put(w, u64::from(*both));
        }
        Action::Heal => put(w, 8),
        Action::SetLinkLatency { from, to, latency } => {
            put(w, 9);
            put_node(w, *from);
            put_node(w, *to);
            put(w, latency.map_or(0, |d| dur_code(d) + 1));
        }
        Action::SetNetwork(s) => {
            put(w, 10);
            put_dur(w, s.latency_min);
            put_dur(w, s.latency_max);
            put(w, s.loss_ppm.into());
            put(w, s.duplicate_ppm.into());
            put(w, s.reorder_ppm.into());
        }
        Action::SetElectionTimeout { min, max } => {
            put(w, 11);
            put_dur(w, *min);
            put_dur(w, *max);
        }
        Action::SetProtocol(p) => {
            put(w, 12);
            let mut bits = 0;
            for (i, s) in Switch::ALL.into_iter().enumerate() {
                if p.get(s) {
                    bits |= 1 << i;
                }
            }
            put(w, bits);
            put(w, p.snapshot_every);
        }
        Action::AddServer => put(w, 13),
        Action::RemoveServer(n) => {
            put(w, 14);
            put_node(w, *n);
        }
        Action::TakeSnapshot(n) => {
            put(w, 15);
            put_node(w, *n);
        }
    }
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(u: u64) -> i64 {
    ((u >> 1) as i64) ^ -((u & 1) as i64)
}

struct Reader<'a> {
    text: &'a str,
    pos: usize,
    item: usize,
    nodes: usize,
}

impl Reader<'_> {
    fn absurd(&self, what: &'static str) -> ShareError {
        ShareError::Absurd {
            item: self.item,
            what,
        }
    }

    fn digit(&mut self) -> Result<u8, ShareError> {
        let Some(&b) = self.text.as_bytes().get(self.pos) else {
            return Err(ShareError::Truncated { item: self.item });
        };
        let d = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => {
                // Every byte before this one was ASCII, so this is a character boundary.
                let ch = self.text.get(self.pos..).and_then(|r| r.chars().next());
                return Err(ShareError::BadChar {
                    item: self.item,
                    ch: ch.unwrap_or('?'),
                });
            }
        };
        self.pos += 1;
        Ok(d)
    }

    /// One number, up to 64 bits: 13 digits, the last holding the top 4 bits.
    fn num(&mut self) -> Result<u64, ShareError> {
        let mut v = 0u64;
        for k in 0..13 {
            let d = self.digit()?;
            let bits = u64::from(d & 31);
            if k == 12 && bits > 15 {
                break;
            }
            v |= bits << (5 * k);
            if d < 32 {
                return Ok(v);
            }
        }
        Err(self.absurd("a number is far too long"))
    }

    fn count(&mut self, max: u64) -> Result<u64, ShareError> {
        match self.num()? {
            v if v <= max => Ok(v),
            _ => Err(self.absurd("a number is too large")),
        }
    }

    /// Microseconds from a *time* code.
    fn micros(&self, code: u64) -> Result<u64, ShareError> {
        let us = if code.is_multiple_of(2) {
            (code / 2).checked_mul(1000)
        } else {
            Some(code / 2)
        };
        match us {
            Some(us) if us <= MAX => Ok(us),
            _ => Err(self.absurd("a time is too large")),
        }
    }

    fn time(&mut self) -> Result<u64, ShareError> {
        let code = self.num()?;
        self.micros(code)
    }

    fn dur(&mut self) -> Result<Duration, ShareError> {
        self.time().map(Duration::from_micros)
    }

    fn node(&mut self) -> Result<NodeId, ShareError> {
        let v = self.num()?;
        self.node_id(v)
    }

    fn node_id(&self, v: u64) -> Result<NodeId, ShareError> {
        match u32::try_from(v) {
            Ok(id) if (id as usize) < self.nodes => Ok(NodeId(id)),
            _ => Err(ShareError::NoSuchNode {
                item: self.item,
                node: v,
                nodes: self.nodes,
            }),
        }
    }

    fn ppm(&mut self) -> Result<u32, ShareError> {
        match u32::try_from(self.num()?) {
            Ok(v) if v <= 1_000_000 => Ok(v),
            _ => Err(self.absurd("a probability is above one")),
        }
    }

    fn action(&mut self) -> Result<Action, ShareError> {
        let tag = self.count(u64::MAX)?;
        Ok(match tag {
            0 => Action::Crash(self.node()?),
            1 => Action::Restart(self.node()?),
            2 => Action::TimeoutNow(self.node()?),
            3 => Action::SetElectionTimer(self.node()?, Instant(self.time()?)),
            4 => {
                let value = unzigzag(self.count(u64::MAX)?);
                let code = self.num()?;
                let to = match code / 2 {
                    0 => None,
                    n => Some(self.node_id(n - 1)?),
                };
                let op = if code.is_multiple_of(2) {
                    Op::Set(value)
                } else {
                    Op::Add(value)
                };
                Action::ClientRequest { op, to }
            }
            5 => Action::DropMessage(MsgId(self.count(MAX)?)),
            6 => {
                let n = self.count(MAX_GROUPS)?;
                let mut groups = Vec::new();
                for _ in 0..n {
                    let size = self.count(MAX_GROUPS)?;
                    let group = (0..size).map(|_| self.node()).collect::<Result<_, _>>()?;
                    groups.push(group);
                }
                Action::Partition(groups)
            }
            7 => {
                let (from, to) = (self.node()?, self.node()?);
                let both = match self.num()? {
                    0 => false,
                    1 => true,
                    _ => return Err(self.absurd("a link cut is neither one-way nor both ways")),
                };
                Action::CutLink { from, to, both }
            }
            8 => Action::Heal,
            9 => {
                let (from, to) = (self.node()?, self.node()?);
                let latency = match self.num()? {
                    0 => None,
                    code => Some(Duration::from_micros(self.micros(code - 1)?)),
                };
                Action::SetLinkLatency { from, to, latency }
            }
            10 => Action::SetNetwork(NetworkSettings {
                latency_min: self.dur()?,
                latency_max: self.dur()?,
                loss_ppm: self.ppm()?,
                duplicate_ppm: self.ppm()?,
                reorder_ppm: self.ppm()?,
            }),
            11 => Action::SetElectionTimeout {
                min: self.dur()?,
                max: self.dur()?,
            },
            12 => {
                let bits = self.count(MAX)?;
                if bits >> Switch::ALL.len() != 0 {
                    return Err(self.absurd("a protocol switch this page does not know"));
                }
                let every = match self.num()? {
                    n if n <= MAX_SNAPSHOT_EVERY => n,
                    _ => return Err(self.absurd(THRESHOLD_TOO_LARGE)),
                };
                let mut p = Protocol::default().with_snapshot_every(every);
                for (i, s) in Switch::ALL.into_iter().enumerate() {
                    p.set(s, bits & 1 << i != 0);
                }
                Action::SetProtocol(p)
            }
            13 => {
                if self.nodes >= raft_sim::MAX_NODES {
                    return Err(self.absurd("a server is added to a full cluster"));
                }
                self.nodes += 1;
                Action::AddServer
            }
            14 => Action::RemoveServer(self.node()?),
            15 => Action::TakeSnapshot(self.node()?),
            tag => {
                return Err(ShareError::UnknownAction {
                    item: self.item,
                    tag,
                });
            }
        })
    }
}
