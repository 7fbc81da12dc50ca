//! The event feed: one plain sentence per interesting history record, in English or
//! Chinese (the source article's vocabulary: Leader, Follower, Candidate, term, 日志...).
//!
//! What is left out, to keep the feed readable: message sends and deliveries (the canvas
//! shows them; only a "not the leader" answer to the client is told), timer firings (the
//! role change or election that follows says it), term changes without a role change,
//! ignored messages, vote counts that decide nothing, and interventions whose effect is
//! told by the record that follows them (crash, restart, time out, client request, drop).
//!
//! Lost messages: every message the user drops is told. A heartbeat or an AppendEntries
//! reply that the network loses (at random, at a cut link, or at a crashed receiver) is
//! not: the leader sends another within a heartbeat interval, and a partition or a
//! crash would otherwise flood the feed. Other messages (votes, entries, client
//! traffic) lost at random are told each time. Those lost at a cut link or a crashed
//! receiver are told the first time each link (sender → receiver) loses one since the
//! last intervention; the repeats (the leader resending entries every heartbeat, an
//! isolated candidate asking again every election) are not.
//!
//! [`narrate`] sees one record. [`narrate_recent`] also sees the history around it, and
//! so can give a won election its vote count, fold an election start or a deciding vote
//! into the role change that immediately follows it, tell what a lost message was (alone,
//! a loss is told only if the user dropped it) and leave out repeated losses.

use core::time::Duration;

use raft_sim::history::{History, Item, Record};
use raft_sim::network::{DropReason, Endpoint, PacketSummary, Reply};
use raft_sim::raft_core::{
    Event, Instant, LogIndex, MessageKind, NodeId, Payload, Role, RoleChangeCause, VoteRefusal,
};
use raft_sim::{Action, ClientId, Command, MsgId, World, node_name};

use crate::lang::Lang;

/// `format!` in the chosen language: `say!(lang, "english {x}", "中文 {x}")`.
macro_rules! say {
    ($lang:expr, $en:literal, $zh:literal $(,)?) => {
        $crate::narrate::format_in($lang, format_args!($en), format_args!($zh))
    };
}
pub(crate) use say;

/// Formats the sentence of `lang`: one formatting call for both languages (a `format!`
/// per branch doubles the code at each of the hundred-odd sentences).
pub(crate) fn format_in(
    lang: Lang,
    en: core::fmt::Arguments<'_>,
    zh: core::fmt::Arguments<'_>,
) -> String {
    alloc_format(match lang {
        Lang::En => en,
        Lang::Zh => zh,
    })
}

fn alloc_format(args: core::fmt::Arguments<'_>) -> String {
    let mut s = String::new();
    let _ = core::fmt::Write::write_fmt(&mut s, args);
    s
}

/// How many records [`narrate_recent`] reads back at most to find the send of a lost
/// message, or an older repeat of a loss.
const SEARCH_LIMIT: usize = 5_000;

/// What a record's neighbours in the history tell about it.
#[derive(Default)]
struct Context<'a> {
    /// The record just before.
    before: Option<&'a Item>,
    /// The record just after.
    after: Option<&'a Item>,
    /// For a lost message: its sender, receiver and content.
    sent: Option<(Endpoint, Endpoint, PacketSummary)>,
}

/// One sentence for a history record, or `None` when the record is noise (see the
/// module documentation for what is left out).
pub fn narrate(item: &Item, world: &World, lang: Lang) -> Option<String> {
    narrate_in(item, &Context::default(), world, lang)
}

/// The latest `max` sentences for records at or before `up_to` (and already produced by
/// `world`, the world at the cursor), oldest first, each with its time. Scans backwards
/// from `up_to` and stops once `max` are found (and repeated losses among them are
/// settled).
pub fn narrate_recent(
    history: &History,
    world: &World,
    lang: Lang,
    up_to: Instant,
    max: usize,
) -> Vec<(Instant, String)> {
    if max == 0 {
        return Vec::new();
    }
    // Sentences found, newest first; `None` marks one withdrawn as a repeat.
    let mut found: Vec<Option<(Instant, String)>> = Vec::new();
    let mut told = 0;
    // Told losses at a cut link or a down receiver whose older repeat (since the last
    // intervention) has not been seen yet, by link, with their slot in `found`.
    let mut pending: Vec<((Endpoint, Endpoint), usize)> = Vec::new();
    // Once `max` are told: the slot of the oldest of the newest `max`.
    let mut cutoff: Option<usize> = None;
    let mut extra = 0;
    // Records the world has not produced yet (it was stepped back) are skipped.
    let reached = world.record_seq();
    let mut items = history
        .between(Instant::ZERO, up_to)
        .rev()
        .skip_while(|i| i.seq >= reached)
        .peekable();
    let mut after = None;
    while let Some(item) = items.next() {
        if told >= max {
            let c = *cutoff.get_or_insert_with(|| {
                let mut told_slots = found.iter().enumerate().filter(|(_, s)| s.is_some());
                told_slots.nth(max - 1).map_or(0, |(i, _)| i)
            });
            // Done when no sentence among the newest `max` may still be a repeat.
            extra += 1;
            if pending.iter().all(|&(_, slot)| slot > c) || extra > SEARCH_LIMIT {
                break;
            }
        }
        let sent = match item.record {
            Record::Dropped { id, .. } => find_sent(history, item, id),
            _ => None,
        };
        let link = match (&item.record, sent) {
            (
                Record::Dropped {
                    reason: DropReason::LinkCut | DropReason::ReceiverDown,
                    ..
                },
                Some((from, to, packet)),
            ) if !routine(packet) => Some((from, to)),
            _ => None,
        };
        if matches!(
            item.record,
            Record::Action(_) | Record::Crashed(_) | Record::Restarted(_)
        ) {
            pending.clear();
        }
        if let Some(pos) = link.and_then(|l| pending.iter().position(|p| p.0 == l)) {
            // An older loss on the same link: the newer one was a repeat.
            let (_, slot) = pending.swap_remove(pos);
            if found.get_mut(slot).and_then(Option::take).is_some() {
                told -= 1;
                cutoff = None;
            }
        }
        let ctx = Context {
            before: items.peek().copied(),
            after,
            sent,
        };
        if let Some(s) = narrate_in(item, &ctx, world, lang) {
            if let Some(l) = link {
                pending.push((l, found.len()));
            }
            found.push(Some((item.at, s)));
            told += 1;
        }
        after = Some(item);
    }
    let mut out: Vec<_> = found.into_iter().flatten().take(max).collect();
    out.reverse();
    out
}

/// The send record of message `id`, lost at `drop`. Message ids grow in send order, so
/// the search stops at the first earlier send with a smaller id.
fn find_sent(
    history: &History,
    drop: &Item,
    id: MsgId,
) -> Option<(Endpoint, Endpoint, PacketSummary)> {
    history
        .between(Instant::ZERO, drop.at)
        .rev()
        .skip_while(|i| i.seq >= drop.seq)
        .take(SEARCH_LIMIT)
        .find_map(|i| match i.record {
            Record::Sent {
                id: s,
                from,
                to,
                packet,
                ..
            } if s <= id => Some((s == id).then_some((from, to, packet))),
            _ => None,
        })
        .flatten()
}

fn narrate_in(item: &Item, ctx: &Context<'_>, world: &World, lang: Lang) -> Option<String> {
    Some(match &item.record {
        Record::Node { node, event } => return node_event(*node, event, ctx, world, lang),
        Record::Applied { node, index, value } => {
            let n = node_name(*node);
            let noop = world
                .server(*node)
                .and_then(|s| s.storage().log.get(*index))
                .is_some_and(|e| e.payload == Payload::Noop);
            if noop {
                return None;
            }
            say!(lang, "{n}'s value is now {value}", "{n} 的值更新为 {value}")
        }
        Record::Crashed(id) => {
            let n = node_name(*id);
            say!(lang, "{n} crashed", "{n} 崩溃了")
        }
        Record::Restarted(id) => {
            let n = node_name(*id);
            say!(
                lang,
                "{n} restarted with its saved term, vote and log",
                "{n} 重启，恢复了保存的 term、投票和日志"
            )
        }
        Record::ClientSent {
            client,
            op,
            to,
            retry,
            ..
        } => {
            let (c, to) = (client_name(*client, lang, true), node_name(*to));
            if *retry {
                say!(
                    lang,
                    "{c} sends {op} again, now to {to}",
                    "{c}重新发送 {op}，这次发给 {to}"
                )
            } else {
                say!(lang, "{c} sends {op} to {to}", "{c}向 {to} 发送 {op}")
            }
        }
        Record::ClientAcked {
            client,
            seq,
            index,
            value,
        } => {
            let c = client_name(*client, lang, true);
            let i = index.0;
            match find_op(world, *client, *seq, *index) {
                Some(op) => say!(
                    lang,
                    "{c} is told {op} is committed at index {i}; the value is {value}",
                    "{c}收到回复：{op} 已在 index {i} 提交，值为 {value}"
                ),
                None => say!(
                    lang,
                    "{c} is told request #{seq} is committed at index {i}; the value is {value}",
                    "{c}收到回复：请求 #{seq} 已在 index {i} 提交，值为 {value}"
                ),
            }
        }
        Record::Sent {
            from: Endpoint::Node(from),
            packet:
                PacketSummary::Reply {
                    reply: Reply::NotLeader { leader },
                    ..
                },
            to,
            ..
        } => {
            let (n, c) = (node_name(*from), endpoint_name(*to, lang));
            match leader {
                Some(l) => {
                    let l = node_name(*l);
                    say!(
                        lang,
                        "{n} tells {c} it is not the leader; {l} is",
                        "{n} 告诉{c}自己不是 Leader，Leader 是 {l}"
                    )
                }
                None => say!(
                    lang,
                    "{n} tells {c} it is not the leader and knows no leader",
                    "{n} 告诉{c}自己不是 Leader，也不知道谁是 Leader"
                ),
            }
        }
        Record::Dropped { reason, .. } => return dropped(*reason, ctx.sent, lang),
        Record::Action(action) => return intervention(action, world, lang),
        Record::Violation(v) => {
            let (p, n) = (v.property.name(), node_name(v.node));
            let mut parts = Vec::new();
            if let Some(o) = v.other {
                let o = node_name(o);
                parts.push(say!(lang, "vs {o}", "与 {o}"));
            }
            if let Some(t) = v.term {
                parts.push(format!("term {}", t.0));
            }
            if let Some(i) = v.index {
                parts.push(format!("index {}", i.0));
            }
            let detail = parts.join(lang.pick(", ", "，"));
            if detail.is_empty() {
                say!(lang, "⚠ {p} broken at {n}", "⚠ 违反 {p}：{n}")
            } else {
                say!(
                    lang,
                    "⚠ {p} broken at {n} ({detail})",
                    "⚠ 违反 {p}：{n}（{detail}）"
                )
            }
        }
        Record::Sent { .. } | Record::Delivered { .. } | Record::TimerFired { .. } => {
            return None;
        }
    })
}

fn node_event(
    node: NodeId,
    event: &Event,
    ctx: &Context<'_>,
    world: &World,
    lang: Lang,
) -> Option<String> {
    let n = node_name(node);
    // Whether the next record is this node's, and a role change.
    let (next_is_mine, next_is_role_change) = match ctx.after.map(|i| &i.record) {
        Some(Record::Node { node: m, event }) if *m == node => {
            (true, matches!(event, Event::RoleChanged { .. }))
        }
        _ => (false, false),
    };
    Some(match *event {
        Event::RoleChanged {
            term, to, cause, ..
        } => role_change(node, term.0, to, cause, ctx, world, lang),
        Event::ElectionStarted { term, pre_vote } => {
            if next_is_role_change {
                return None; // the role change tells it
            }
            let t = term.0;
            if pre_vote {
                say!(
                    lang,
                    "{n} asks whether it could win term {t}",
                    "{n} 询问自己能否赢得 term {t} 的选举（预投票）"
                )
            } else {
                say!(
                    lang,
                    "{n} starts an election for term {t}: votes for itself and asks for votes",
                    "{n} 开始 term {t} 的选举：先给自己投一票，再向其他节点发送选举请求"
                )
            }
        }
        Event::VoteGranted {
            candidate,
            term,
            pre_vote,
        } => {
            let (c, t) = (node_name(candidate), term.0);
            if pre_vote {
                say!(
                    lang,
                    "{n} would vote for {c} in term {t} (pre-vote)",
                    "{n} 表示会投票给 {c}（term {t} 预投票）"
                )
            } else {
                say!(
                    lang,
                    "{n} votes for {c} in term {t}",
                    "{n} 投票给 {c}（term {t}）"
                )
            }
        }
        Event::VoteRefused {
            candidate,
            term,
            pre_vote,
            reason,
        } => {
            let (c, t) = (node_name(candidate), term.0);
            let why = match reason {
                VoteRefusal::AlreadyVoted(v) => {
                    let v = node_name(v);
                    say!(lang, "already voted for {v}", "已经投票给 {v}")
                }
                VoteRefusal::LogNotUpToDate => {
                    say!(lang, "{c}'s log is not up to date", "{c} 的日志不够新")
                }
                VoteRefusal::StaleTerm => say!(lang, "stale term", "term 已过期"),
                VoteRefusal::LeaderStillActive => {
                    say!(lang, "its leader is still active", "Leader 仍然活跃")
                }
            };
            let pre = if pre_vote {
                lang.pick(" (pre-vote)", " 预投票")
            } else {
                ""
            };
            say!(
                lang,
                "{n} refuses to vote for {c} in term {t}{pre}: {why}",
                "{n} 拒绝投票给 {c}（term {t}{pre}）：{why}"
            )
        }
        Event::VoteCounted {
            voter,
            granted,
            pre_vote,
            votes,
            needed,
        } => {
            // Only the vote that makes a majority decides something; when the node's
            // next record is its consequence, that record tells it.
            let total = world.ids().len();
            if !granted || votes != needed || next_is_mine {
                return None;
            }
            let v = node_name(voter);
            if pre_vote {
                say!(
                    lang,
                    "{v}'s pre-vote gives {n} a majority ({votes} of {total})",
                    "{v} 的预投票让 {n} 获得大多数（{total} 票中的 {votes} 票）"
                )
            } else {
                say!(
                    lang,
                    "{v}'s vote gives {n} a majority ({votes} of {total})",
                    "{v} 的投票让 {n} 获得大多数选票（{total} 票中的 {votes} 票）"
                )
            }
        }
        Event::EntriesAppended { first, last, term } => {
            let r = range(first, last);
            let log = world.server(node).map(|s| &s.storage().log);
            let entries: Option<Vec<String>> = (first.0..=last.0)
                .take(4)
                .map(|i| log.and_then(|l| l.get(LogIndex(i))))
                .map(|e| e.map(|e| payload_text(&e.payload, lang)))
                .collect();
            // The stored entries may have been replaced since: check the last one's term.
            let current = log
                .and_then(|l| l.get(last))
                .is_some_and(|e| e.term == term);
            let count = last.0.checked_sub(first.0).map(|d| d.saturating_add(1));
            match entries {
                Some(ops) if current && count == Some(ops.len() as u64) => {
                    let ops = ops.join(", ");
                    say!(
                        lang,
                        "{n} appended {ops} at index {r}",
                        "{n} 在 index {r} 追加日志：{ops}"
                    )
                }
                _ => say!(lang, "{n} appended entries {r}", "{n} 追加了日志 {r}"),
            }
        }
        Event::EntriesTruncated { from, last } => {
            let r = range(from, last);
            say!(
                lang,
                "{n} removed conflicting entries {r} from its log",
                "{n} 删除了冲突的日志 {r}"
            )
        }
        Event::AppendRejected {
            leader,
            prev_log_index,
        } => {
            let (l, i) = (node_name(leader), prev_log_index.0);
            say!(
                lang,
                "{n} rejects {l}'s entries: its log does not match at index {i}",
                "{n} 拒绝了 {l} 的日志：index {i} 处不匹配"
            )
        }
        Event::NextIndexBackedUp {
            follower,
            next_index,
        } => {
            let (f, i) = (node_name(follower), next_index.0);
            say!(
                lang,
                "{n} will retry {f} from index {i}",
                "{n} 将从 index {i} 开始重新向 {f} 复制日志"
            )
        }
        Event::CommitAdvanced { to, .. } => {
            let i = to.0;
            say!(
                lang,
                "{n} committed up to index {i}",
                "{n} 提交（commit）到 index {i}"
            )
        }
        Event::CommitRolledBack { from, to } => {
            let (a, b) = (from.0, to.0);
            say!(
                lang,
                "⚠ {n}'s commit index went back from {a} to {b}: committed entries were overwritten",
                "⚠ {n} 的 commit index 从 {a} 退回到 {b}：已提交的日志被覆盖了"
            )
        }
        Event::TermChanged { .. } | Event::MessageIgnored { .. } => return None,
    })
}

fn role_change(
    node: NodeId,
    t: u64,
    to: Role,
    cause: RoleChangeCause,
    ctx: &Context<'_>,
    world: &World,
    lang: Lang,
) -> String {
    let n = node_name(node);
    let how = if cause == RoleChangeCause::ForcedTimeout {
        lang.pick("was made to time out", "被强制超时")
    } else {
        lang.pick("timed out", "选举超时")
    };
    match (to, cause) {
        (Role::Leader, _) => {
            let total = world.ids().len();
            // The vote that decided it is the record just before, when known.
            let votes = ctx.before.and_then(|i| match i.record {
                Record::Node {
                    node: counted_by,
                    event:
                        Event::VoteCounted {
                            votes,
                            pre_vote: false,
                            ..
                        },
                } if node == counted_by => Some(votes),
                _ => None,
            });
            match votes {
                Some(v) => say!(
                    lang,
                    "{n} won the election with {v} of {total} votes and leads term {t}",
                    "{n} 获得 {total} 票中的 {v} 票，赢得选举，成为 term {t} 的 Leader"
                ),
                None => say!(
                    lang,
                    "{n} won the election with a majority and leads term {t}",
                    "{n} 获得大多数选票，赢得选举，成为 term {t} 的 Leader"
                ),
            }
        }
        (Role::Candidate, RoleChangeCause::PreVoteWon) => say!(
            lang,
            "{n} won the pre-vote and became a candidate for term {t}",
            "{n} 通过预投票，转变为 Candidate，开始 term {t} 的选举"
        ),
        (Role::Candidate, _) => say!(
            lang,
            "{n} {how} and became a candidate for term {t}",
            "{n} {how}，转变为 Candidate，开始 term {t} 的选举"
        ),
        (Role::PreCandidate, _) => {
            let t = t.saturating_add(1);
            say!(
                lang,
                "{n} {how} and asks whether it could win term {t}",
                "{n} {how}，先询问自己能否赢得 term {t} 的选举（预投票）"
            )
        }
        (Role::Follower, RoleChangeCause::HigherTerm(x)) => {
            let x = node_name(x);
            say!(
                lang,
                "{n} saw a higher term ({t}) from {x} and became a follower",
                "{n} 从 {x} 看到更高的 term {t}，转变为 Follower"
            )
        }
        (Role::Follower, RoleChangeCause::LeaderDiscovered(x)) => {
            let x = node_name(x);
            say!(
                lang,
                "{n} discovered leader {x} and became a follower",
                "{n} 发现了 Leader {x}，转变为 Follower"
            )
        }
        (Role::Follower, RoleChangeCause::QuorumLost) => say!(
            lang,
            "{n} stepped down: lost its quorum",
            "{n} 下台：联系不上大多数节点（失去 quorum）"
        ),
        (Role::Follower, _) => say!(
            lang,
            "{n} became a follower in term {t}",
            "{n} 转变为 Follower（term {t}）"
        ),
    }
}

fn dropped(
    reason: DropReason,
    sent: Option<(Endpoint, Endpoint, PacketSummary)>,
    lang: Lang,
) -> Option<String> {
    let user = reason == DropReason::DroppedByUser;
    let Some((from, to, packet)) = sent else {
        // Unknown content: it may have been a heartbeat.
        return user.then(|| say!(lang, "You dropped a message", "你丢弃了一条消息"));
    };
    if routine(packet) && !user {
        return None;
    }
    let (f, r, k) = (
        endpoint_name(from, lang),
        endpoint_name(to, lang),
        packet_kind(packet, lang),
    );
    let what = say!(lang, "{f}'s {k} to {r}", "{f} 发给 {r} 的{k}");
    Some(match reason {
        DropReason::DroppedByUser => say!(lang, "You dropped {what}", "你丢弃了{what}"),
        DropReason::Lost => upper_first(say!(lang, "{what} was lost", "{what}丢失了")),
        DropReason::LinkCut => upper_first(say!(
            lang,
            "{what} was lost: the link is cut",
            "{what}丢失了：链路被切断"
        )),
        DropReason::ReceiverDown => upper_first(say!(
            lang,
            "{what} was lost: {r} is down",
            "{what}丢失了：{r} 已崩溃"
        )),
    })
}

/// A heartbeat or an AppendEntries reply: resent or superseded within a heartbeat.
fn routine(packet: PacketSummary) -> bool {
    matches!(
        packet,
        PacketSummary::Raft {
            kind: MessageKind::AppendRequest,
            entries: 0,
            ..
        } | PacketSummary::Raft {
            kind: MessageKind::AppendResponse,
            ..
        }
    )
}

fn intervention(action: &Action, world: &World, lang: Lang) -> Option<String> {
    Some(match action {
        // The records that follow tell these.
        Action::Crash(_)
        | Action::Restart(_)
        | Action::TimeoutNow(_)
        | Action::ClientRequest { .. }
        | Action::DropMessage(_) => return None,
        Action::SetElectionTimer(id, at) => {
            let (n, t) = (node_name(*id), ms(at.as_micros()));
            say!(
                lang,
                "{n}'s election timer is set to fire at {t}",
                "{n} 的选举计时器被设为在 {t} 超时"
            )
        }
        Action::Partition(groups) => {
            let mut shown: Vec<String> = groups
                .iter()
                .filter(|g| !g.is_empty())
                .map(|g| names(g))
                .collect();
            // Nodes in no group are isolated: each is a group of its own.
            for id in world.ids() {
                if !groups.iter().flatten().any(|g| g == id) {
                    shown.push(node_name(*id));
                }
            }
            let s = shown.join(" | ");
            say!(lang, "The network is split: {s}", "网络被分区：{s}")
        }
        Action::CutLink { from, to, both } => {
            let (a, b) = (node_name(*from), node_name(*to));
            let arrow = if *both { "↔" } else { "→" };
            say!(
                lang,
                "The link {a} {arrow} {b} is cut",
                "{a} {arrow} {b} 的链路被切断"
            )
        }
        Action::Heal => say!(
            lang,
            "The network is healed: all links restored",
            "网络恢复：所有链路重新连通"
        ),
        Action::SetLinkLatency { from, to, latency } => {
            let (a, b) = (node_name(*from), node_name(*to));
            match latency {
                Some(d) => {
                    let d = dur(*d);
                    say!(
                        lang,
                        "Latency {a} → {b} fixed at {d}",
                        "{a} → {b} 的延迟固定为 {d}"
                    )
                }
                None => say!(
                    lang,
                    "Latency {a} → {b} back to normal",
                    "{a} → {b} 的延迟恢复正常"
                ),
            }
        }
        Action::SetNetwork(s) => {
            let (lo, hi) = (dur(s.latency_min), dur(s.latency_max));
            let (l, d, r) = (pct(s.loss_ppm), pct(s.duplicate_ppm), pct(s.reorder_ppm));
            say!(
                lang,
                "Network settings changed: latency {lo}–{hi}, loss {l}, duplication {d}, reordering {r}",
                "网络设置已更改：延迟 {lo}–{hi}，丢包 {l}，重复 {d}，乱序 {r}"
            )
        }
        Action::SetElectionTimeout { min, max } => {
            let (lo, hi) = (dur(*min), dur(*max));
            say!(
                lang,
                "Election timeout changed to {lo}–{hi}",
                "选举超时改为 {lo}–{hi}"
            )
        }
    })
}

/// The operation of the client's request `seq`, from any log holding it at `index`.
fn find_op(world: &World, client: ClientId, seq: u64, index: LogIndex) -> Option<raft_sim::Op> {
    world
        .servers()
        .iter()
        .find_map(|s| match s.storage().log.get(index) {
            Some(e) => match &e.payload {
                Payload::Command(c) if c.client == client && c.seq == seq => Some(c.op),
                _ => None,
            },
            None => None,
        })
}

/// "set 5", or a no-op entry.
pub(crate) fn payload_text(p: &Payload<Command>, lang: Lang) -> String {
    match p {
        Payload::Command(c) => c.op.to_string(),
        Payload::Noop => lang.pick("a no-op", "空操作（no-op）").to_string(),
    }
}

/// What kind of message a summary describes, as a noun phrase.
pub(crate) fn packet_kind(p: PacketSummary, lang: Lang) -> String {
    match p {
        PacketSummary::Raft {
            kind,
            entries,
            pre_vote,
            ..
        } => match kind {
            MessageKind::VoteRequest if pre_vote => {
                lang.pick("pre-vote request", "预投票请求").into()
            }
            MessageKind::VoteRequest => lang.pick("vote request", "选举请求").into(),
            MessageKind::VoteResponse => lang.pick("vote reply", "选举响应").into(),
            MessageKind::AppendRequest if entries == 0 => lang.pick("heartbeat", "心跳").into(),
            MessageKind::AppendRequest => {
                let e = entry_count(entries as usize, lang);
                say!(lang, "AppendEntries ({e})", "日志复制请求（{e}）")
            }
            MessageKind::AppendResponse => lang.pick("AppendEntries reply", "日志复制响应").into(),
        },
        PacketSummary::Request { op, .. } => say!(lang, "request {op}", "请求 {op}"),
        PacketSummary::Reply { .. } => lang.pick("reply", "回复").into(),
    }
}

/// "1 entry", "3 entries", "3 条日志".
pub(crate) fn entry_count(k: usize, lang: Lang) -> String {
    match (lang, k) {
        (Lang::En, 1) => "1 entry".into(),
        (Lang::En, _) => format!("{k} entries"),
        (Lang::Zh, _) => format!("{k} 条日志"),
    }
}

/// A node's letter, or the client.
pub(crate) fn endpoint_name(e: Endpoint, lang: Lang) -> String {
    match e {
        Endpoint::Node(id) => node_name(id),
        Endpoint::Client(c) => client_name(c, lang, false),
    }
}

/// "the client" (the visualization has one; load generators number the others).
fn client_name(c: ClientId, lang: Lang, start: bool) -> String {
    let id = c.0;
    match (c.0, start) {
        (0, true) => lang.pick("The client", "客户端").into(),
        (0, false) => lang.pick("the client", "客户端").into(),
        _ => say!(lang, "client {id}", "客户端 {id}"),
    }
}

/// Node letters separated by spaces.
fn names(ids: &[NodeId]) -> String {
    ids.iter()
        .map(|i| node_name(*i))
        .collect::<Vec<_>>()
        .join(" ")
}

/// "3", or "3–5".
fn range(a: LogIndex, b: LogIndex) -> String {
    if a == b {
        a.0.to_string()
    } else {
        format!("{}–{}", a.0, b.0)
    }
}

/// Microseconds as milliseconds: "12 ms", "12.5 ms".
pub(crate) fn ms(us: u64) -> String {
    let (whole, frac) = (us / 1_000, us % 1_000);
    if frac == 0 {
        format!("{whole} ms")
    } else {
        let f = format!("{frac:03}");
        format!("{whole}.{} ms", f.trim_end_matches('0'))
    }
}

/// A duration as milliseconds.
pub(crate) fn dur(d: Duration) -> String {
    ms(u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// Parts per million as a percentage: "5%", "0.5%".
fn pct(ppm: u32) -> String {
    let (whole, frac) = (ppm / 10_000, ppm % 10_000);
    if frac == 0 {
        format!("{whole}%")
    } else {
        let f = format!("{frac:04}");
        format!("{whole}.{}%", f.trim_end_matches('0'))
    }
}

/// Capitalizes an English sentence that starts with "the client".
fn upper_first(s: String) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_lowercase() => c.to_uppercase().chain(chars).collect(),
        _ => s,
    }
}
