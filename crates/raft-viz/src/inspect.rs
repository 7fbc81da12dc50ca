//! The inspector panel: a node's or a message's state, as short lines of text in the
//! chosen language. Times are in milliseconds of virtual time.

use raft_sim::network::{DropReason, Endpoint, Packet, Reply};
use raft_sim::raft_core::{AppendOutcome, Body, NodeId, Role};
use raft_sim::{MsgId, World, node_name};

use crate::lang::Lang;
use crate::narrate::text::{Arg, render_into};
use crate::narrate::{endpoint_name, entry_count, push_payload, say};

/// Entries of an AppendEntries listed by name; more are only counted.
const LIST_ENTRIES: usize = 4;

/// Describes node `id`: role, term, vote, votes received, leader, log, value, timer and,
/// for a leader, each follower's nextIndex and matchIndex. Empty for an unknown id.
pub fn node_lines(world: &World, id: NodeId, lang: Lang) -> Vec<String> {
    let Some(server) = world.server(id) else {
        return Vec::new();
    };
    let n = server.name();
    let none = lang.tr("nobody");
    let Some(node) = server.node() else {
        let stored = server.storage();
        let v = stored
            .hard_state
            .voted_for
            .map_or(Arg::Str(none), Arg::Node);
        let e = entry_count(stored.log.len(), lang);
        return vec![
            say!(lang, "{0}: crashed", n),
            say!(
                lang,
                "Stored: term {0}, voted for {1}, log of {2}",
                stored.hard_state.current_term,
                v,
                &e
            ),
        ];
    };
    let role = match node.role() {
        // A learner follows too, but without a vote (paper §6): it says so.
        Role::Follower if server.is_learner() => lang.tr("Learner (no vote yet)"),
        Role::Follower => "Follower",
        Role::PreCandidate => lang.tr("Pre-candidate (pre-vote)"),
        Role::Candidate => "Candidate",
        Role::Leader => "Leader",
    };
    let v = node.voted_for().map_or(Arg::Str(none), Arg::Node);
    let mut lines = vec![
        say!(lang, "{0}: {1}", n, role),
        say!(lang, "Term: {0}", node.term()),
        say!(lang, "Voted for: {0}", v),
    ];
    match node.role() {
        Role::Candidate | Role::PreCandidate => {
            let mut got = String::new();
            for (k, id) in node.votes_granted().iter().enumerate() {
                if k > 0 {
                    got.push_str(lang.pick(", ", "、"));
                }
                Arg::Node(*id).push_to(&mut got);
            }
            let needed = node.members().quorum();
            lines.push(say!(lang, "Votes received: {0} ({1} needed)", &got, needed));
        }
        Role::Follower => lines.push(match node.leader() {
            Some(l) => say!(lang, "Follows leader {0}", l),
            None => lang.tr("Knows no leader").into(),
        }),
        Role::Leader => {}
    }
    lines.push(say!(
        lang,
        "Log: last index {0}, committed up to {1}",
        node.log().last_index(),
        node.commit_index()
    ));
    lines.push(say!(lang, "Value: {0}", server.machine().value()));
    let left = |deadline: raft_sim::raft_core::Instant| deadline.since(world.now());
    if let Some(d) = node.heartbeat_deadline() {
        lines.push(say!(lang, "Next heartbeat in {0}", left(d)));
    } else if let Some(d) = node.election_deadline().filter(|_| !server.is_learner()) {
        lines.push(say!(lang, "Election timeout in {0}", left(d)));
    }
    for p in node.progress().unwrap_or_default() {
        lines.push(say!(
            lang,
            "{0}: nextIndex {1}, matchIndex {2}",
            p.node,
            p.next_index,
            p.match_index
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
    lines.push(say!(lang, "{0} → {1}", &from, &to));
    if let Packet::Raft(m) = &f.packet {
        lines.push(say!(lang, "Term: {0}", m.term));
        match &m.body {
            Body::RequestVote {
                last_log_index,
                last_log_term,
                ..
            } => {
                lines.push(say!(
                    lang,
                    "Candidate's last entry: index {0}, term {1}",
                    *last_log_index,
                    *last_log_term
                ));
            }
            Body::AppendEntries {
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
            } => {
                lines.push(say!(
                    lang,
                    "After index {0} (term {1}); leader committed up to {2}",
                    *prev_log_index,
                    *prev_log_term,
                    *leader_commit
                ));
                if !entries.is_empty() {
                    let mut listed = String::new();
                    for (k, e) in entries.iter().take(LIST_ENTRIES).enumerate() {
                        if k > 0 {
                            listed.push_str(", ");
                        }
                        push_payload(&mut listed, &e.payload, lang);
                        render_into(&mut listed, " (term {0})", &[Arg::from(e.term)]);
                    }
                    if entries.len() > LIST_ENTRIES {
                        listed.push_str(", …");
                    }
                    lines.push(say!(lang, "Entries: {0}", &listed));
                }
            }
            Body::InstallSnapshot(chunk) => {
                let voters = names(chunk.membership.voters());
                lines.push(say!(
                    lang,
                    "The snapshot's configuration: voters {0}",
                    &voters
                ));
            }
            Body::RequestVoteResponse { .. }
            | Body::AppendEntriesResponse(_)
            | Body::InstallSnapshotResponse { .. } => {}
        }
    }
    lines.push(say!(
        lang,
        "Sent at {0}, arrives at {1}",
        f.sent_at,
        f.arrive_at
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
            if reason == Some(DropReason::LinkCut) {
                say!(lang, "Will be lost at {0}: the link is cut", at)
            } else {
                say!(lang, "Will be lost at {0}: random loss", at)
            }
        }
        _ if cut_now => lang.tr("Will be lost on arrival: the link is cut").into(),
        _ if receiver_down => say!(
            lang,
            "Will be lost on arrival unless {0} restarts first: it is down",
            &to
        ),
        _ => lang.tr("Will arrive").into(),
    });
    if f.duplicate {
        lines.push(lang.tr("A duplicate made by the network").into());
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
                say!(lang, "RequestVote{0}", pre)
            }
            Body::RequestVoteResponse { granted, pre_vote } => {
                let pre = if *pre_vote {
                    lang.pick(" (pre-vote)", "（预投票）")
                } else {
                    ""
                };
                let verdict = if *granted {
                    lang.tr("granted")
                } else {
                    lang.tr("refused")
                };
                say!(lang, "Vote reply{0}: {1}", pre, verdict)
            }
            Body::AppendEntries { entries, .. } if entries.is_empty() => {
                lang.tr("AppendEntries: heartbeat").into()
            }
            Body::AppendEntries { entries, .. } => {
                let e = entry_count(entries.len(), lang);
                say!(lang, "AppendEntries: {0}", &e)
            }
            Body::InstallSnapshot(chunk) => say!(
                lang,
                "InstallSnapshot: up to index {0} (term {1}), bytes {2} to {3}{4}",
                chunk.last_index,
                chunk.last_term,
                chunk.offset,
                chunk.offset + chunk.data.len() as u64,
                if chunk.done {
                    lang.tr(", the last chunk")
                } else {
                    ""
                }
            ),
            Body::InstallSnapshotResponse {
                last_index,
                received,
                done: true,
            } => say!(
                lang,
                "InstallSnapshot reply: installed up to index {0} ({1} bytes)",
                *last_index,
                *received
            ),
            Body::InstallSnapshotResponse {
                received,
                done: false,
                ..
            } => say!(
                lang,
                "InstallSnapshot reply: has {0} bytes, send the rest",
                *received
            ),
            Body::AppendEntriesResponse(AppendOutcome::Success { match_index }) => say!(
                lang,
                "AppendEntries reply: success, match index {0}",
                *match_index
            ),
            Body::AppendEntriesResponse(AppendOutcome::Rejected {
                prev_log_index,
                hint,
            }) => match hint.term {
                Some(t) => say!(
                    lang,
                    "AppendEntries reply: failure at index {0}; its term {1} starts at index {2}",
                    *prev_log_index,
                    t,
                    hint.first_index
                ),
                None => say!(
                    lang,
                    "AppendEntries reply: failure at index {0}; its log ends before, next try index {1}",
                    *prev_log_index,
                    hint.first_index
                ),
            },
        },
        Packet::Request { seq, op } => say!(lang, "Client request #{0}: {1}", *seq, *op),
        Packet::Reply { reply, .. } => match reply {
            Reply::Done { index, value } => say!(
                lang,
                "Reply to the client: committed at index {0}, value {1}",
                *index,
                *value
            ),
            Reply::NotLeader { leader: Some(l) } => {
                say!(lang, "Reply to the client: not the leader; try {0}", *l)
            }
            Reply::NotLeader { leader: None } => lang
                .tr("Reply to the client: not the leader; no leader known")
                .into(),
        },
    }
}

/// "A, B, C".
fn names(ids: &[NodeId]) -> String {
    let mut out = String::new();
    for (k, &id) in ids.iter().enumerate() {
        if k > 0 {
            out.push_str(", ");
        }
        out.push_str(&node_name(id));
    }
    out
}
