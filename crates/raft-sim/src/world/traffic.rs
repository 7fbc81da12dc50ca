//! Messages on the wire, timers, and what servers and clients do with them.

use core::cmp::Reverse;
use core::time::Duration;

use raft_core::{Event, LogIndex, NodeId, Payload, Role};

use super::{Due, World};
use crate::command::{ClientId, Command, Op, StateMachine};
use crate::history::{Record, TimerKind};
use crate::network::{DropReason, Endpoint, Flight, MsgId, PPM, Packet, Reply};

impl World {
    /// Puts a message on the wire: draws its latency and fate, schedules its arrival or
    /// loss, and records it. The network may also make a duplicate.
    pub(super) fn send(&mut self, from: Endpoint, to: Endpoint, packet: Packet) {
        // Four draws per message, always, so that changing one probability does not
        // shift the rest of the run's randomness.
        let latency_roll = self.rng.next_u64();
        let loss_roll = self.rng.in_range(0, u64::from(PPM));
        let dup_roll = self.rng.in_range(0, u64::from(PPM));
        let reorder_roll = self.rng.in_range(0, u64::from(PPM));
        let duplicate = dup_roll < u64::from(self.network.duplicate_ppm);
        // Copy the packet (AppendEntries carry entries) only when the network duplicates it.
        let copy = duplicate.then(|| packet.clone());
        self.send_copy(
            from,
            to,
            packet,
            latency_roll,
            loss_roll,
            reorder_roll,
            false,
        );
        if let Some(packet) = copy {
            let latency_roll = self.rng.next_u64();
            let reorder_roll = self.rng.in_range(0, u64::from(PPM));
            self.send_copy(
                from,
                to,
                packet,
                latency_roll,
                loss_roll,
                reorder_roll,
                true,
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn send_copy(
        &mut self,
        from: Endpoint,
        to: Endpoint,
        packet: Packet,
        latency_roll: u64,
        loss_roll: u64,
        reorder_roll: u64,
        duplicate: bool,
    ) {
        let min = micros(self.network.latency_min);
        let max = micros(self.network.latency_max).max(min);
        let fixed = match (from, to) {
            (Endpoint::Node(a), Endpoint::Node(b)) => self.links.latency(a, b).map(micros),
            _ => None,
        };
        let mut latency = fixed.unwrap_or_else(|| {
            let span = max - min;
            if span == 0 {
                min
            } else {
                // `span + 1` wraps to 0 only for the full range, where any roll fits.
                min + latency_roll
                    .checked_rem(span.wrapping_add(1))
                    .unwrap_or(latency_roll)
            }
        });
        if fixed.is_none() && reorder_roll < u64::from(self.network.reorder_ppm) {
            // Held back by up to twice the maximum latency: later messages overtake it.
            latency += (latency_roll >> 20) % (2 * max + 1);
        }
        let sent_at = self.now;
        let arrive_at = sent_at.after(Duration::from_micros(latency));
        let cut = match (from, to) {
            (Endpoint::Node(a), Endpoint::Node(b)) => self.links.is_cut(a, b),
            _ => false,
        };
        let lost = if cut {
            // Drawn as reaching the cut midway.
            Some((
                sent_at.after(Duration::from_micros(latency / 2)),
                DropReason::LinkCut,
            ))
        } else if loss_roll < u64::from(self.network.loss_ppm) {
            let fraction = 30 + (loss_roll % 41); // 30..=70 % of the way
            Some((
                sent_at.after(Duration::from_micros(latency * fraction / 100)),
                DropReason::Lost,
            ))
        } else {
            None
        };
        let id = MsgId(self.next_msg);
        self.next_msg += 1;
        let summary = packet.summary();
        let due = match lost {
            Some((t, _)) => (t, Due::Lose(id)),
            None => (arrive_at, Due::Arrive(id)),
        };
        self.agenda.push(Reverse((due.0, id.0, due.1)));
        self.flights.insert(
            id,
            Flight {
                id,
                from,
                to,
                sent_at,
                arrive_at,
                lost_at: lost.map(|(t, _)| t),
                lost_reason: lost.map(|(_, r)| r),
                duplicate,
                packet,
            },
        );
        self.record(Record::Sent {
            id,
            from,
            to,
            packet: summary,
            arrive_at,
            duplicate,
        });
    }

    pub(super) fn lose(&mut self, id: MsgId) {
        if let Some(f) = self.flights.remove(&id) {
            let reason = f.lost_reason.unwrap_or(DropReason::Lost);
            self.record(Record::Dropped { id, reason });
        }
    }

    pub(super) fn arrive(&mut self, id: MsgId) {
        let Some(flight) = self.flights.remove(&id) else {
            return; // removed by the user meanwhile
        };
        match flight.to {
            Endpoint::Node(to) => {
                let down = self.server(to).is_none_or(|s| s.is_down());
                let cut = match flight.from {
                    Endpoint::Node(from) => self.links.is_cut(from, to),
                    Endpoint::Client(_) => false,
                };
                if down || cut {
                    let reason = if down {
                        DropReason::ReceiverDown
                    } else {
                        DropReason::LinkCut
                    };
                    self.record(Record::Dropped { id, reason });
                    return;
                }
                self.record(Record::Delivered { id });
                match flight.packet {
                    Packet::Raft(msg) => {
                        let now = self.now;
                        if let Some(node) = self
                            .servers
                            .get_mut(to.0 as usize)
                            .and_then(|s| s.node.as_mut())
                        {
                            // A refused message changes nothing; the node stays as it was.
                            let _ = node.step(now, msg);
                        }
                        self.drain(to);
                    }
                    Packet::Request { seq, op } => {
                        if let Endpoint::Client(c) = flight.from {
                            self.serve_request(to, c, seq, op);
                        }
                    }
                    Packet::Reply { .. } => {}
                }
            }
            Endpoint::Client(c) => {
                self.record(Record::Delivered { id });
                if let (Packet::Reply { seq, reply }, Endpoint::Node(from)) =
                    (flight.packet, flight.from)
                {
                    self.client_reply(c, from, seq, reply);
                }
            }
        }
    }

    pub(super) fn fire_node_timer(&mut self, id: NodeId) {
        let now = self.now;
        let Some(node) = self
            .servers
            .get_mut(id.0 as usize)
            .and_then(|s| s.node.as_mut())
        else {
            return;
        };
        let timer = if node.role() == Role::Leader {
            TimerKind::Heartbeat
        } else {
            TimerKind::Election
        };
        node.handle_timeout(now);
        self.record(Record::TimerFired { node: id, timer });
        self.drain(id);
    }

    /// Takes a node's outputs: persist, send, apply, record, check.
    pub(super) fn drain(&mut self, id: NodeId) {
        let now = self.now;
        let i = id.0 as usize;
        let Some(node) = self.servers.get_mut(i).and_then(|s| s.node.as_mut()) else {
            return;
        };
        let ready = node.take_ready();
        let term = node.term();
        // A node steps down before it can truncate (it never truncates as leader), and
        // takes office before it appends as leader: tell the checker in that order.
        let stepped_down = ready.events.iter().any(|e| {
            matches!(e, Event::RoleChanged { from: Role::Leader, to, .. } if *to != Role::Leader)
        });
        if stepped_down {
            self.checker
                .on_leadership(now, id, None, &mut self.step_violations);
        }
        // New and committed entries are lent by index: read from the node's log.
        let Some(server) = self.servers.get_mut(i) else {
            return;
        };
        let Some(node) = server.node.as_ref() else {
            return;
        };
        for op in &ready.persist {
            server.storage.apply(op, node.persistent());
            self.checker
                .on_persist(now, id, op, node.log(), &mut self.step_violations);
        }
        // Figure 13, step 8: the state machine is reset from the installed snapshot.
        let restored = if ready.restore {
            node.snapshot().and_then(|s| StateMachine::decode(&s.data))
        } else {
            None
        };
        if let Some(machine) = restored {
            let (index, value) = (machine.last_applied(), machine.value());
            server.machine = machine;
            self.checker.on_restore(id, index);
            self.record(Record::Restored {
                node: id,
                index,
                value,
            });
        }
        let config_committed = ready.events.iter().any(|e| {
            matches!(
                e,
                Event::ConfigurationCommitted(_)
                    | Event::RoleChanged {
                        to: Role::Leader,
                        ..
                    }
            )
        });
        for ev in &ready.events {
            if let Event::RoleChanged {
                to: Role::Leader, ..
            } = *ev
            {
                self.checker
                    .on_leadership(now, id, Some(term), &mut self.step_violations);
            }
            self.record(Record::Node {
                node: id,
                event: *ev,
            });
        }
        for msg in ready.messages {
            self.send(
                Endpoint::Node(msg.from),
                Endpoint::Node(msg.to),
                Packet::Raft(msg),
            );
        }
        for index in ready.committed.indexes() {
            let Some(server) = self.servers.get_mut(i) else {
                break;
            };
            let Some(payload) = server
                .node
                .as_ref()
                .and_then(|n| n.log().get(index))
                .map(|e| &e.payload)
            else {
                break;
            };
            let command = match payload {
                Payload::Command(cmd) => Some(*cmd),
                Payload::Noop | Payload::Config(_) => None,
            };
            let applied = server.machine.apply(index, command.as_ref());
            let value = server.machine.value();
            self.checker
                .on_apply(now, id, index, &mut self.step_violations);
            self.record(Record::Applied {
                node: id,
                index,
                value,
            });
            if let (Some(cmd), Some(applied)) = (command, applied) {
                self.answer_if_pending(id, &cmd, index, applied.value);
            }
        }
        // Joins first: an addition and a removal of the same server may commit at once.
        self.settle_joins(id);
        if config_committed {
            self.configuration_committed(id);
        }
        self.snapshot_if_due(id);
    }

    /// Compacts node `id`'s log when its threshold says so (paper §7).
    fn snapshot_if_due(&mut self, id: NodeId) {
        let due = self
            .servers
            .get(id.0 as usize)
            .and_then(|s| Some((s.node.as_ref()?, s.machine.last_applied())))
            .is_some_and(|(n, applied)| n.snapshot_due(applied));
        if due {
            self.take_snapshot(id);
        }
    }

    /// A server answers the client once the request it proposed is applied.
    fn answer_if_pending(&mut self, id: NodeId, cmd: &Command, index: LogIndex, value: i64) {
        let Some(server) = self.servers.get_mut(id.0 as usize) else {
            return;
        };
        let pending = &mut server.pending;
        let Some(pos) = pending
            .iter()
            .position(|&(c, s, _)| c == cmd.client && s == cmd.seq)
        else {
            return;
        };
        pending.swap_remove(pos);
        self.send(
            Endpoint::Node(id),
            Endpoint::Client(cmd.client),
            Packet::Reply {
                seq: cmd.seq,
                reply: Reply::Done { index, value },
            },
        );
    }

    /// A server receives a client request: a leader proposes it (once), others redirect.
    fn serve_request(&mut self, id: NodeId, client: ClientId, seq: u64, op: Op) {
        let now = self.now;
        let Some(server) = self.servers.get_mut(id.0 as usize) else {
            return;
        };
        let Some(node) = server.node.as_mut() else {
            return;
        };
        if node.role() != Role::Leader {
            let leader = node.leader();
            self.send(
                Endpoint::Node(id),
                Endpoint::Client(client),
                Packet::Reply {
                    seq,
                    reply: Reply::NotLeader { leader },
                },
            );
            return;
        }
        if let Some(done) = server.machine.session(client).filter(|s| s.seq >= seq) {
            // Already applied: answer from the session (a retry whose reply was lost).
            let (index, value) = (done.index, done.value);
            self.send(
                Endpoint::Node(id),
                Endpoint::Client(client),
                Packet::Reply {
                    seq,
                    reply: Reply::Done { index, value },
                },
            );
            return;
        }
        let term = node.term();
        if server.pending.contains(&(client, seq, term)) {
            return; // already proposed in this term; the answer will come
        }
        // Proposed in an earlier term (or never): propose again. An entry of the current
        // term is what lets earlier ones commit (§5.4.2); the state machine applies the
        // request once however often it is in the log.
        let command = Command { client, seq, op };
        if node.propose(now, command).is_ok() {
            server.pending.retain(|&(c, s, _)| (c, s) != (client, seq));
            server.pending.push((client, seq, term));
        }
        self.drain(id);
    }

    /// The client hears back.
    fn client_reply(&mut self, c: ClientId, from: NodeId, seq: u64, reply: Reply) {
        let now = self.now;
        let next = self.next_node_after(from);
        let Some(client) = self.clients.get_mut(c.0 as usize) else {
            return;
        };
        let Some(out) = client.outstanding.filter(|o| o.seq == seq) else {
            return; // a late or duplicated answer to something already settled
        };
        match reply {
            Reply::Done { index, value } => {
                client.leader_guess = Some(from);
                client.outstanding = None;
                client.completed_count += 1;
                client.last_completed = Some(crate::client::Completed {
                    seq,
                    op: out.op,
                    index,
                    value,
                    sent_at: out.first_sent,
                    acked_at: now,
                });
                self.checker.on_ack(c, seq, index);
                self.record(Record::ClientAcked {
                    client: c,
                    seq,
                    index,
                    value,
                });
                self.start_next_request(c);
            }
            Reply::NotLeader { leader: Some(l) } if l != from => {
                client.leader_guess = Some(l);
                self.send_request(c, l, true);
            }
            Reply::NotLeader { .. } => {
                // No leader known: wait a little, then ask the next node.
                let backoff = client.settings.redirect_backoff;
                client.leader_guess = None;
                if let Some(o) = client.outstanding.as_mut() {
                    o.target = next;
                    o.deadline = now.after(backoff);
                    o.resend_at_deadline = true;
                }
            }
        }
    }

    /// A client's timer: resend after a back-off, or give up waiting and try another
    /// node.
    pub(super) fn client_timer(&mut self, c: ClientId) {
        let Some(client) = self.clients.get(c.0 as usize) else {
            return;
        };
        let Some(out) = client.outstanding else {
            return;
        };
        let target = if out.resend_at_deadline {
            out.target
        } else {
            self.next_node_after(out.target)
        };
        self.send_request(c, target, true);
    }

    /// Starts the client's next queued request, if it is idle.
    pub(super) fn start_next_request(&mut self, c: ClientId) {
        let now = self.now;
        let first = self.ids.first().copied().unwrap_or(NodeId(0));
        let Some(client) = self.clients.get_mut(c.0 as usize) else {
            return;
        };
        if client.outstanding.is_some() {
            return;
        }
        if client.queue.is_empty() {
            return;
        }
        let (op, to) = client.queue.remove(0);
        let seq = client.next_seq;
        client.next_seq += 1;
        let target = to.or(client.leader_guess).unwrap_or(first);
        client.outstanding = Some(crate::client::Outstanding {
            seq,
            op,
            target,
            deadline: now,
            attempts: 0,
            first_sent: now,
            resend_at_deadline: true,
        });
        self.send_request(c, target, false);
    }

    fn send_request(&mut self, c: ClientId, to: NodeId, retry: bool) {
        let now = self.now;
        let Some(client) = self.clients.get_mut(c.0 as usize) else {
            return;
        };
        let retry_after = client.settings.retry_after;
        let Some(out) = client.outstanding.as_mut() else {
            return;
        };
        out.target = to;
        out.attempts += 1;
        out.deadline = now.after(retry_after);
        out.resend_at_deadline = false;
        let (seq, op) = (out.seq, out.op);
        self.record(Record::ClientSent {
            client: c,
            seq,
            op,
            to,
            retry,
        });
        self.send(
            Endpoint::Client(c),
            Endpoint::Node(to),
            Packet::Request { seq, op },
        );
    }

    fn next_node_after(&self, id: NodeId) -> NodeId {
        let n = self.ids.len() as u32;
        NodeId((id.0 + 1) % n.max(1))
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}
