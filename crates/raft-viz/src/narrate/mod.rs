//! The event feed: one plain sentence per interesting history record, in English or
//! Chinese (the source article's vocabulary: Leader, Follower, Candidate, term, 日志...).
//!
//! A node's event is told in the rule panel's words ([`crate::why`]), after the node's
//! name: "B: Refused the vote: C's log (last term 1, index 2) is less up-to-date than
//! mine (2, 3) ✗". One text per event, wherever it shows, with the values its rule
//! compared. The rest (crashes, the client, the network, the user's interventions) is
//! told here.
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
//! so can fold an election start or a deciding vote into the role change that
//! immediately follows it, tell what a lost message was (alone, a loss is told only if
//! the user dropped it) and leave out repeated losses.

use raft_sim::history::{History, Item, Record};
use raft_sim::network::{DropReason, Endpoint, PacketSummary, Reply};
use raft_sim::raft_core::{ConfigStep, Event, Instant, LogIndex, MessageKind, NodeId, Payload};
use raft_sim::{Action, ClientId, Command, MsgId, Violation, World, node_name};

use crate::lang::Lang;

pub(crate) mod text;

use text::Arg;
pub(crate) use text::say;

/// How many records [`narrate_recent`] reads back at most to find the send of a lost
/// message, or an older repeat of a loss.
const SEARCH_LIMIT: usize = 5_000;

/// What a record's neighbours in the history tell about it.
#[derive(Default)]
struct Context<'a> {
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
    let items = history
        .between(Instant::ZERO, up_to)
        .rev()
        .skip_while(|i| i.seq >= reached);
    let mut after = None;
    for item in items {
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
        let ctx = Context { after, sent };
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
        Record::Node { node, event } => return node_event(*node, event, ctx, lang),
        Record::Applied { node, index, value } => {
            let noop = world
                .server(*node)
                .and_then(|s| s.storage().log.get(*index))
                .is_some_and(|e| e.payload == Payload::Noop);
            if noop {
                return None;
            }
            say!(lang, "{0}'s value is now {1}", *node, *value)
        }
        Record::Crashed(id) => say!(lang, "{0} crashed", *id),
        Record::ServerStarted(id) => say!(
            lang,
            "{0} starts with an empty log and waits for the leader to add it",
            *id
        ),
        Record::ServerRemoved(id) => say!(lang, "{0} has left the cluster and stops", *id),
        Record::Restored { node, index, value } => say!(
            lang,
            "{0}'s value is {1} again, restored from the snapshot up to index {2}",
            *node,
            *value,
            *index
        ),
        Record::Restarted(id) => say!(lang, "{0} restarted with its saved term, vote and log", *id),
        Record::ClientSent {
            client,
            op,
            to,
            retry,
            ..
        } => {
            let c = client_name(*client, lang, true);
            if *retry {
                say!(lang, "{0} sends {1} again, now to {2}", &c, *op, *to)
            } else {
                say!(lang, "{0} sends {1} to {2}", &c, *op, *to)
            }
        }
        Record::ClientAcked {
            client,
            seq,
            index,
            value,
        } => {
            let c = client_name(*client, lang, true);
            match find_op(world, *client, *seq, *index) {
                Some(op) => say!(
                    lang,
                    "{0} is told {1} is committed at index {2}; the value is {3}",
                    &c,
                    op,
                    *index,
                    *value
                ),
                None => say!(
                    lang,
                    "{0} is told request #{1} is committed at index {2}; the value is {3}",
                    &c,
                    *seq,
                    *index,
                    *value
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
            let c = endpoint_name(*to, lang);
            match leader {
                Some(l) => say!(
                    lang,
                    "{0} tells {1} it is not the leader; {2} is",
                    *from,
                    &c,
                    *l
                ),
                None => say!(
                    lang,
                    "{0} tells {1} it is not the leader and knows no leader",
                    *from,
                    &c
                ),
            }
        }
        Record::Dropped { reason, .. } => return dropped(*reason, ctx.sent, lang),
        Record::Action(action) => return intervention(action, world, lang),
        Record::Violation(v) => violation(v, lang),
        Record::Sent { .. } | Record::Delivered { .. } | Record::TimerFired { .. } => {
            return None;
        }
    })
}

/// A node's event, told as the rule panel tells it, after the node's name ("B: Granted
/// the vote: term 2 ≥ my term 2 ✓; …"): one text for an event wherever it shows, with
/// the values its rule compared ([`crate::why`]).
fn node_event(node: NodeId, event: &Event, ctx: &Context<'_>, lang: Lang) -> Option<String> {
    // Whether the next record is this node's, and a role change.
    let (next_is_mine, next_is_role_change) = match ctx.after.map(|i| &i.record) {
        Some(Record::Node { node: m, event }) if *m == node => {
            (true, matches!(event, Event::RoleChanged { .. }))
        }
        _ => (false, false),
    };
    match *event {
        // The role change right after says it, with the term.
        Event::ElectionStarted { .. } if next_is_role_change => return None,
        // Only the vote that makes a majority decides something; when the node's next
        // record is its consequence, that record tells it.
        Event::VoteCounted {
            granted,
            votes,
            needed,
            ..
        } if !granted || votes != needed || next_is_mine => return None,
        // No rule asks for it: only an unsafe switch makes it happen.
        Event::CommitRolledBack { from, to } => {
            return Some(say!(
                lang,
                "⚠ {0}'s commit index went back from {1} to {2}: committed entries were overwritten",
                node,
                from,
                to
            ));
        }
        _ => {}
    }
    let why = crate::why::of_event(event, lang)?;
    Some(say!(lang, "{0}: {1}", node, &why.text))
}

/// A configuration step in words: "D joins as a learner", "C_old,new: D joins the voters".
pub(crate) fn config_change(step: ConfigStep, lang: Lang) -> String {
    match step {
        ConfigStep::AddLearner(n) => say!(lang, "{0} joins as a learner", n),
        ConfigStep::PromoteLearner(n) => say!(lang, "{0} becomes a voter", n),
        ConfigStep::Remove(n) => say!(lang, "{0} leaves the cluster", n),
        ConfigStep::EnterJoint { node, add: true } => {
            say!(
                lang,
                "joint consensus C_old,new, with {0} joining the voters",
                node
            )
        }
        ConfigStep::EnterJoint { node, add: false } => {
            say!(
                lang,
                "joint consensus C_old,new, with {0} leaving the voters",
                node
            )
        }
        ConfigStep::LeaveJoint => lang.tr("C_new alone, the joint configuration left").into(),
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
        return user.then(|| lang.tr("You dropped a message").into());
    };
    if routine(packet) && !user {
        return None;
    }
    let (f, r, k) = (
        endpoint_name(from, lang),
        endpoint_name(to, lang),
        packet_kind(packet, lang),
    );
    let what = say!(lang, "{0}'s {1} to {2}", &f, &k, &r);
    let template = match reason {
        DropReason::DroppedByUser => "You dropped {0}",
        DropReason::Lost => "{0} was lost",
        DropReason::LinkCut => "{0} was lost: the link is cut",
        DropReason::ReceiverDown => "{0} was lost: {1} is down",
    };
    // A sentence that starts with "the client" gets its capital.
    let mut s = text::render(lang.tr(template), &[Arg::Str(&what), Arg::Str(&r)]);
    if let Some(first) = s.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    Some(s)
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
        | Action::DropMessage(_)
        | Action::AddServer
        | Action::TakeSnapshot(_) => return None,
        Action::RemoveServer(id) => say!(lang, "The leader is asked to remove {0}", *id),
        Action::SetElectionTimer(id, at) => {
            say!(lang, "{0}'s election timer is set to fire at {1}", *id, *at)
        }
        Action::Partition(groups) => {
            // Groups joined by " | ", their nodes by spaces.
            let mut s = String::new();
            for g in groups.iter().filter(|g| !g.is_empty()) {
                if !s.is_empty() {
                    s.push_str(" | ");
                }
                for (k, id) in g.iter().enumerate() {
                    if k > 0 {
                        s.push(' ');
                    }
                    Arg::Node(*id).push_to(&mut s);
                }
            }
            // Nodes in no group are isolated: each is a group of its own.
            for id in world.ids() {
                if !groups.iter().any(|g| g.contains(id)) {
                    if !s.is_empty() {
                        s.push_str(" | ");
                    }
                    Arg::Node(*id).push_to(&mut s);
                }
            }
            say!(lang, "The network is split: {0}", &s)
        }
        Action::CutLink { from, to, both } => {
            let arrow = if *both { "↔" } else { "→" };
            say!(lang, "The link {0} {1} {2} is cut", *from, arrow, *to)
        }
        Action::Heal => lang.tr("The network is healed: all links restored").into(),
        Action::SetLinkLatency { from, to, latency } => match latency {
            Some(d) => say!(lang, "Latency {0} → {1} fixed at {2}", *from, *to, *d),
            None => say!(lang, "Latency {0} → {1} back to normal", *from, *to),
        },
        Action::SetNetwork(s) => say!(
            lang,
            "Network settings changed: latency {0}–{1}, loss {2}, duplication {3}, reordering {4}",
            s.latency_min,
            s.latency_max,
            Arg::Ppm(s.loss_ppm),
            Arg::Ppm(s.duplicate_ppm),
            Arg::Ppm(s.reorder_ppm)
        ),
        Action::SetElectionTimeout { min, max } => {
            say!(lang, "Election timeout changed to {0}–{1}", *min, *max)
        }
        Action::SetProtocol(p) => say!(
            lang,
            "Protocol changed to {0}: {1}",
            crate::protocol::preset_label(p, lang),
            &crate::protocol::switches_text(p, lang)
        ),
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

/// Appends "set 5", or a no-op entry.
pub(crate) fn push_payload(out: &mut String, p: &Payload<Command>, lang: Lang) {
    match p {
        Payload::Command(c) => Arg::Op(c.op).push_to(out),
        Payload::Noop => out.push_str(lang.tr("a no-op")),
        Payload::Config(step) => {
            out.push_str(lang.tr("a configuration change"));
            out.push_str(" (");
            out.push_str(&crate::view::config_label(*step));
            out.push(')');
        }
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
            MessageKind::VoteRequest if pre_vote => lang.tr("pre-vote request").into(),
            MessageKind::VoteRequest => lang.tr("vote request").into(),
            MessageKind::VoteResponse => lang.tr("vote reply").into(),
            MessageKind::AppendRequest if entries == 0 => lang.tr("heartbeat").into(),
            MessageKind::AppendRequest => {
                let e = entry_count(entries as usize, lang);
                say!(lang, "AppendEntries ({0})", &e)
            }
            MessageKind::AppendResponse => lang.tr("AppendEntries reply").into(),
            MessageKind::SnapshotRequest => lang.tr("InstallSnapshot").into(),
            MessageKind::SnapshotResponse => lang.tr("InstallSnapshot reply").into(),
        },
        PacketSummary::Request { op, .. } => say!(lang, "request {0}", op),
        PacketSummary::Reply { .. } => lang.tr("reply").into(),
    }
}

/// "1 entry", "3 entries", "3 条日志".
pub(crate) fn entry_count(k: usize, lang: Lang) -> String {
    if lang == Lang::En && k == 1 {
        return "1 entry".into();
    }
    say!(lang, "{0} entries", k)
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
    match (c.0, start) {
        (0, true) => lang.tr("The client").into(),
        (0, false) => lang.tr("the client").into(),
        _ => say!(lang, "client {0}", c),
    }
}

/// A safety violation as the feed tells it: "⚠ Election Safety broken at B (vs C,
/// term 3)". Also the snapshot's text for it (in English).
pub fn violation(v: &Violation, lang: Lang) -> String {
    let parts = [
        v.other.map(|o| (lang.tr("vs {0}"), Arg::Node(o))),
        v.term.map(|t| ("term {0}", Arg::from(t))),
        v.index.map(|i| ("index {0}", Arg::from(i))),
    ];
    let mut detail = String::new();
    for (template, arg) in parts.into_iter().flatten() {
        if !detail.is_empty() {
            detail.push_str(lang.pick(", ", "，"));
        }
        text::render_into(&mut detail, template, &[arg]);
    }
    let p = v.property.name();
    if detail.is_empty() {
        say!(lang, "⚠ {0} broken at {1}", p, v.node)
    } else {
        say!(lang, "⚠ {0} broken at {1} ({2})", p, v.node, &detail)
    }
}
