//! The inspector panel: a node's or a message's state, as short lines of text in the
//! chosen language. Times are in milliseconds of virtual time.

use raft_sim::network::{DropReason, Endpoint, Packet, Reply};
use raft_sim::raft_core::{AppendOutcome, Body, NodeId, Role};
use raft_sim::{MsgId, World, node_name};

use crate::lang::Lang;
use crate::narrate::{dur, endpoint_name, entry_count, ms, payload_text, say};

/// Entries of an AppendEntries listed by name; more are only counted.
const LIST_ENTRIES: usize = 4;

/// Describes node `id`: role, term, vote, votes received, leader, log, value, timer and,
/// for a leader, each follower's nextIndex and matchIndex. Empty for an unknown id.
pub fn node_lines(world: &World, id: NodeId, lang: Lang) -> Vec<String> {
    let Some(server) = world.server(id) else {
        return Vec::new();
    };
    let n = server.name();
    let none = lang.pick("nobody", "无");
    let Some(node) = server.node() else {
        let stored = server.storage();
        let t = stored.hard_state.current_term.0;
        let v = stored.hard_state.voted_for.map_or(none.into(), node_name);
        let e = entry_count(stored.log.len(), lang);
        return vec![
            say!(lang, "{n}: crashed", "{n}：已崩溃"),
            say!(
                lang,
                "Stored: term {t}, voted for {v}, log of {e}",
                "已保存：term {t}，投票给 {v}，{e}"
            ),
        ];
    };
    let role = match node.role() {
        Role::Follower => "Follower",
        Role::PreCandidate => lang.pick("Pre-candidate (pre-vote)", "Candidate（预投票中）"),
        Role::Candidate => "Candidate",
        Role::Leader => "Leader",
    };
    let t = node.term().0;
    let v = node.voted_for().map_or(none.into(), node_name);
    let mut lines = vec![
        format!("{n}{}{role}", lang.pick(": ", "：")),
        say!(lang, "Term: {t}", "term：{t}"),
        say!(lang, "Voted for: {v}", "投票给：{v}"),
    ];
    match node.role() {
        Role::Candidate | Role::PreCandidate => {
            let got: Vec<String> = node.votes_granted().iter().map(|i| node_name(*i)).collect();
            let got = got.join(lang.pick(", ", "、"));
            let needed = node.members().quorum();
            lines.push(say!(
                lang,
                "Votes received: {got} ({needed} needed)",
                "收到的选票：{got}（需要 {needed} 票）"
            ));
        }
        Role::Follower => lines.push(match node.leader() {
            Some(l) => {
                let l = node_name(l);
                say!(lang, "Follows leader {l}", "跟随的 Leader：{l}")
            }
            None => say!(lang, "Knows no leader", "跟随的 Leader：未知"),
        }),
        Role::Leader => {}
    }
    let (last, commit) = (node.log().last_index().0, node.commit_index().0);
    let value = server.machine().value();
    lines.push(say!(
        lang,
        "Log: last index {last}, committed up to {commit}",
        "日志：最后 index {last}，已提交到 index {commit}"
    ));
    lines.push(say!(lang, "Value: {value}", "值：{value}"));
    let left = |deadline: raft_sim::raft_core::Instant| dur(deadline.since(world.now()));
    if let Some(d) = node.heartbeat_deadline() {
        let d = left(d);
        lines.push(say!(lang, "Next heartbeat in {d}", "下次心跳：{d} 后"));
    } else if let Some(d) = node.election_deadline() {
        let d = left(d);
        lines.push(say!(lang, "Election timeout in {d}", "选举超时：{d} 后"));
    }
    for p in node.progress().unwrap_or_default() {
        let (f, next, matched) = (node_name(p.node), p.next_index.0, p.match_index.0);
        lines.push(say!(
            lang,
            "{f}: nextIndex {next}, matchIndex {matched}",
            "{f}：nextIndex {next}，matchIndex {matched}"
        ));
    }
    lines
}

/// Describes message `id` in flight: kind, sender → receiver, term, content, when it
/// was sent and arrives, and whether it will be lost. Empty for an unknown id (it
/// arrived or was lost).
pub fn message_lines(world: &World, id: MsgId, lang: Lang) -> Vec<String> {
    let Some(f) = world.flight(id) else {
        return Vec::new();
    };
    let mut lines = vec![kind_line(&f.packet, lang)];
    let (from, to) = (endpoint_name(f.from, lang), endpoint_name(f.to, lang));
    lines.push(format!("{from} → {to}"));
    if let Packet::Raft(m) = &f.packet {
        let t = m.term.0;
        lines.push(say!(lang, "Term: {t}", "term：{t}"));
        match &m.body {
            Body::RequestVote {
                last_log_index,
                last_log_term,
                ..
            } => {
                let (i, t) = (last_log_index.0, last_log_term.0);
                lines.push(say!(
                    lang,
                    "Candidate's last entry: index {i}, term {t}",
                    "Candidate 的最后一条日志：index {i}，term {t}"
                ));
            }
            Body::AppendEntries {
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
            } => {
                let (p, pt, c) = (prev_log_index.0, prev_log_term.0, leader_commit.0);
                lines.push(say!(
                    lang,
                    "After index {p} (term {pt}); leader committed up to {c}",
                    "接在 index {p}（term {pt}）之后；Leader 已提交到 index {c}"
                ));
                if !entries.is_empty() {
                    let mut listed: Vec<String> = entries
                        .iter()
                        .take(LIST_ENTRIES)
                        .map(|e| format!("{} (term {})", payload_text(&e.payload, lang), e.term.0))
                        .collect();
                    if entries.len() > LIST_ENTRIES {
                        listed.push("…".into());
                    }
                    let listed = listed.join(", ");
                    lines.push(say!(lang, "Entries: {listed}", "日志：{listed}"));
                }
            }
            Body::RequestVoteResponse { .. } | Body::AppendEntriesResponse(_) => {}
        }
    }
    let (sent, arrive) = (ms(f.sent_at.as_micros()), ms(f.arrive_at.as_micros()));
    lines.push(say!(
        lang,
        "Sent at {sent}, arrives at {arrive}",
        "发送于 {sent}，到达于 {arrive}"
    ));
    let cut_now = match (f.from, f.to) {
        (Endpoint::Node(a), Endpoint::Node(b)) => world.links().is_cut(a, b),
        _ => false,
    };
    let receiver_down = match f.to {
        Endpoint::Node(b) => world.server(b).is_some_and(|s| s.is_down()),
        Endpoint::Client(_) => false,
    };
    lines.push(match (f.lost_at, f.lost_reason) {
        (Some(at), reason) => {
            let at = ms(at.as_micros());
            if reason == Some(DropReason::LinkCut) {
                say!(
                    lang,
                    "Will be lost at {at}: the link is cut",
                    "将在 {at} 丢失：链路被切断"
                )
            } else {
                say!(
                    lang,
                    "Will be lost at {at}: random loss",
                    "将在 {at} 丢失：随机丢包"
                )
            }
        }
        _ if cut_now => say!(
            lang,
            "Will be lost on arrival: the link is cut",
            "到达时会丢失：链路已被切断"
        ),
        _ if receiver_down => say!(
            lang,
            "Will be lost on arrival unless {to} restarts first: it is down",
            "{to} 已崩溃：除非它先重启，否则消息到达时会丢失"
        ),
        _ => lang.pick("Will arrive", "会按时到达").into(),
    });
    if f.duplicate {
        lines.push(
            lang.pick("A duplicate made by the network", "网络复制出的重复消息")
                .into(),
        );
    }
    lines
}

/// The first line of a message's description: what it is.
fn kind_line(packet: &Packet, lang: Lang) -> String {
    match packet {
        Packet::Raft(m) => match &m.body {
            Body::RequestVote { pre_vote, .. } => {
                let pre = if *pre_vote {
                    lang.pick(" (pre-vote)", "（预投票）")
                } else {
                    ""
                };
                say!(lang, "RequestVote{pre}", "选举请求 RequestVote{pre}")
            }
            Body::RequestVoteResponse { granted, pre_vote } => {
                let pre = if *pre_vote {
                    lang.pick(" (pre-vote)", "（预投票）")
                } else {
                    ""
                };
                if *granted {
                    say!(lang, "Vote reply{pre}: granted", "选举响应{pre}：同意")
                } else {
                    say!(lang, "Vote reply{pre}: refused", "选举响应{pre}：拒绝")
                }
            }
            Body::AppendEntries { entries, .. } if entries.is_empty() => {
                say!(lang, "AppendEntries: heartbeat", "AppendEntries：心跳")
            }
            Body::AppendEntries { entries, .. } => {
                let e = entry_count(entries.len(), lang);
                say!(lang, "AppendEntries: {e}", "AppendEntries：{e}")
            }
            Body::AppendEntriesResponse(AppendOutcome::Success { match_index }) => {
                let m = match_index.0;
                say!(
                    lang,
                    "AppendEntries reply: success, match index {m}",
                    "AppendEntries 响应：成功，match index {m}"
                )
            }
            Body::AppendEntriesResponse(AppendOutcome::Rejected {
                prev_log_index,
                hint,
            }) => {
                let (p, i) = (prev_log_index.0, hint.first_index.0);
                match hint.term {
                    Some(t) => {
                        let t = t.0;
                        say!(
                            lang,
                            "AppendEntries reply: failure at index {p}; its term {t} starts at index {i}",
                            "AppendEntries 响应：失败，index {p} 不匹配；冲突的 term {t} 从 index {i} 开始"
                        )
                    }
                    None => say!(
                        lang,
                        "AppendEntries reply: failure at index {p}; its log ends before, next try index {i}",
                        "AppendEntries 响应：失败，日志比 index {p} 短；下次从 index {i} 开始"
                    ),
                }
            }
        },
        Packet::Request { seq, op } => {
            say!(
                lang,
                "Client request #{seq}: {op}",
                "客户端请求 #{seq}：{op}"
            )
        }
        Packet::Reply { reply, .. } => match reply {
            Reply::Done { index, value } => {
                let i = index.0;
                say!(
                    lang,
                    "Reply to the client: committed at index {i}, value {value}",
                    "给客户端的回复：已在 index {i} 提交，值为 {value}"
                )
            }
            Reply::NotLeader { leader: Some(l) } => {
                let l = node_name(*l);
                say!(
                    lang,
                    "Reply to the client: not the leader; try {l}",
                    "给客户端的回复：不是 Leader，请找 {l}"
                )
            }
            Reply::NotLeader { leader: None } => say!(
                lang,
                "Reply to the client: not the leader; no leader known",
                "给客户端的回复：不是 Leader，也不知道谁是 Leader"
            ),
        },
    }
}
