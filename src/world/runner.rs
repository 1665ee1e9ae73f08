//! Plays a [`WorldScenario`]: each step opens a connection between two hosts and runs
//! their engines over [`exchange`] on the shared clock; what the engines report
//! (see [`super::recorder`]) is acted on here: deliveries filed, queues flushed over
//! new connections, roles reversed, relay windows opened.

mod bounce;

use litemap::LiteMap;

use super::dns::{DnsZone, HostState};
use super::host::{batch, Host};
use super::line_client::LineClient;
use super::recorder::{Collected, Drain, LegRecorder};
use super::timeline::{
    ConnectionId, ConnectionKind, ConnectionSummary, GraphEdge, HostSummary, RelayInterval,
    WorldEntry, WorldEvent, WorldTimeline,
};
use super::{ScenarioError, WorldScenario, WorldStep, MAX_CONNECTIONS};
use crate::client::{Client, ClientSpec, Step};
use crate::loopback::{exchange, Endpoint, ExchangeEnd};
use crate::mailstore::StoredMessage;
use crate::pop3::Pop3Server;
use crate::server::{Delivery, Peer, ReversalCommand, Server};
use crate::time::{Millis, MINUTE};

// A child of the runner: it drives the running world's private state.
#[path = "queue_run.rs"]
mod queue_run;

/// Runs the scenario to the end of its script (and every connection it triggers).
pub fn run_world(scenario: &WorldScenario) -> Result<WorldTimeline, ScenarioError> {
    crate::scenario_limits::check_world(scenario).map_err(ScenarioError::TooLarge)?;
    let mut world = World::new(scenario)?;
    for step in &scenario.steps {
        if world.connections.len() >= MAX_CONNECTIONS {
            world.truncated = true;
            break;
        }
        match step {
            WorldStep::Smtp {
                from,
                to,
                client,
                purpose,
            } => {
                let (from, to) = (world.host_index(from)?, world.host_index(to)?);
                world.smtp(from, to, client, purpose)?;
            }
            WorldStep::Pop3 {
                from,
                to,
                lines,
                purpose,
            } => {
                let (from, to) = (world.host_index(from)?, world.host_index(to)?);
                world.pop3(from, to, lines, purpose);
            }
            WorldStep::Deliver {
                from,
                domains,
                purpose,
            } => {
                let from = world.host_index(from)?;
                world.deliver(from, domains, purpose);
            }
            WorldStep::HostState {
                host,
                state,
                reason,
            } => {
                let host = world.host_index(host)?;
                world.set_state(host, *state, reason);
            }
            WorldStep::Wait { ms, reason } => world.wait(*ms, reason),
        }
    }
    Ok(world.finish(scenario))
}

struct World {
    hosts: Vec<Host>,
    now: Millis,
    latency: Millis,
    seed: u64,
    entries: Vec<WorldEntry>,
    connections: Vec<ConnectionSummary>,
    relay_windows: Vec<RelayInterval>,
    truncated: bool,
    /// The zone every host resolves against.
    dns: DnsZone,
    /// Each host's state, by index: up, refusing connections, or deferring.
    states: Vec<HostState>,
    /// Queued domains waiting for a retry.
    deferred: Vec<queue_run::Deferred>,
    /// Delivery attempts so far (bounded by `queue_run::MAX_DELIVERY_ATTEMPTS`).
    attempts: usize,
    retry_ms: Millis,
    give_up_ms: Millis,
    /// How long a copy waits in a queue before its sender is warned (0: never).
    delay_warning_ms: Millis,
    /// The copies already warned about, by host index, queue id and recipient.
    warned: Vec<(usize, String, String)>,
}

impl World {
    fn new(scenario: &WorldScenario) -> Result<Self, ScenarioError> {
        let mut hosts: Vec<Host> = Vec::new();
        for spec in &scenario.hosts {
            if hosts
                .iter()
                .any(|h| h.name().eq_ignore_ascii_case(&spec.name))
            {
                return Err(ScenarioError::DuplicateHost {
                    name: spec.name.clone(),
                });
            }
            hosts.push(Host::new(spec.clone()));
        }
        let states = hosts
            .iter()
            .map(|h| scenario.dns.initial_state(h.name()))
            .collect();
        Ok(Self {
            hosts,
            now: scenario.start_time,
            latency: scenario.latency_ms,
            seed: scenario.seed,
            entries: Vec::new(),
            connections: Vec::new(),
            relay_windows: Vec::new(),
            truncated: false,
            dns: scenario.dns.clone(),
            states,
            deferred: Vec::new(),
            attempts: 0,
            retry_ms: scenario.retry_ms,
            give_up_ms: scenario.give_up_ms,
            delay_warning_ms: scenario.delay_warning_ms,
            warned: Vec::new(),
        })
    }

    fn host_index(&self, name: &str) -> Result<usize, ScenarioError> {
        self.hosts
            .iter()
            .position(|h| h.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| ScenarioError::UnknownHost {
                name: name.to_owned(),
            })
    }

    fn host_name(&self, index: usize) -> String {
        self.hosts
            .get(index)
            .map(|h| h.name().to_owned())
            .unwrap_or_default()
    }

    fn address(&self, index: usize) -> String {
        self.hosts
            .get(index)
            .map(|h| h.spec.address.clone())
            .unwrap_or_default()
    }

    /// A seed per connection, so connections differ but runs repeat.
    fn seed_for(&self, connection: ConnectionId) -> u64 {
        self.seed
            .wrapping_add(u64::from(connection).wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    /// A problem on `connection`: the event carries the text, which is also its
    /// explanation.
    fn problem(&mut self, connection: ConnectionId, what: String, rfc: &'static str) {
        let event = WorldEvent::Problem { what: what.clone() };
        self.note(Some(connection), event, what, rfc);
    }

    fn note(
        &mut self,
        connection: Option<ConnectionId>,
        event: WorldEvent,
        explanation: impl Into<String>,
        rfc: &'static str,
    ) {
        self.entries.push(WorldEntry::World {
            at: self.now,
            connection,
            title: event.title(),
            detail: event.detail(),
            event,
            explanation: explanation.into(),
            rfc,
        });
    }

    fn open(
        &mut self,
        from: usize,
        to: usize,
        kind: ConnectionKind,
        purpose: &str,
        triggered_by: Option<ConnectionId>,
    ) -> ConnectionId {
        let id = ConnectionId::try_from(self.connections.len() + 1).unwrap_or(ConnectionId::MAX);
        let (from_name, to_name) = (self.host_name(from), self.host_name(to));
        self.connections.push(ConnectionSummary {
            id,
            from: from_name.clone(),
            to: to_name.clone(),
            kind,
            kind_label: kind.label(),
            purpose: purpose.to_owned(),
            triggered_by,
            opened_at: self.now,
            closed_at: self.now,
            reversed_at: None,
        });
        let explanation = if purpose.is_empty() {
            format!("{from_name} connects to {to_name}.")
        } else {
            format!("{from_name} connects to {to_name}: {purpose}")
        };
        self.note(
            Some(id),
            WorldEvent::ConnectionOpened {
                from: from_name,
                to: to_name,
            },
            explanation,
            "RFC 5321 §3.1",
        );
        id
    }

    fn close(&mut self, id: ConnectionId) {
        let now = self.now;
        if let Some(summary) = self.connections.iter_mut().find(|c| c.id == id) {
            summary.closed_at = now;
        }
        self.note(
            Some(id),
            WorldEvent::ConnectionClosed,
            "The connection is closed.",
            "RFC 5321 §3.8",
        );
    }

    /// Lets `ms` pass; deferred mail falling due meanwhile is tried at its time.
    fn wait(&mut self, ms: Millis, reason: &str) {
        let end = self.now.saturating_add(ms);
        let mut retried = false;
        while let Some(due) = self.next_due(end) {
            if self.connections.len() >= MAX_CONNECTIONS {
                self.truncated = true;
                break;
            }
            if due.due > self.now {
                let reason = format!("the retry for {} falls due", due.domain);
                self.advance(due.due - self.now, &reason);
            }
            self.retry(due);
            retried = true;
        }
        if end > self.now || !retried {
            self.advance(end.saturating_sub(self.now), reason);
        }
    }

    fn advance(&mut self, ms: Millis, reason: &str) {
        let from = self.now;
        self.now = self.now.saturating_add(ms);
        let explanation = format!(
            "{} minutes pass{}",
            ms / MINUTE,
            if reason.is_empty() {
                ".".to_owned()
            } else {
                format!(": {reason}")
            }
        );
        self.note(
            None,
            WorldEvent::ClockAdvanced { from, to: self.now },
            explanation,
            "",
        );
    }

    /// Runs one leg between two engines and records it.
    fn leg<C: Drain + Endpoint, S: Drain + Endpoint>(
        &mut self,
        id: ConnectionId,
        client_host: usize,
        server_host: usize,
        client: &mut C,
        server: &mut S,
    ) -> Collected {
        let storage_full = self.states.get(server_host) == Some(&HostState::Deferring);
        let mut recorder = LegRecorder {
            connection: id,
            client_host: self.host_name(client_host),
            server_host: self.host_name(server_host),
            entries: &mut self.entries,
            collected: Collected {
                storage_full,
                ..Collected::default()
            },
        };
        let end = exchange(client, server, &mut self.now, self.latency, &mut recorder);
        if end == ExchangeEnd::Truncated {
            self.truncated = true;
        }
        recorder.collected
    }

    /// The domains among `held` that no other host's server delivers: the holder
    /// cannot pass their mail on.
    fn unreachable(&self, holder: usize, held: &[String]) -> Vec<String> {
        held.iter()
            .filter(|domain| {
                !self
                    .hosts
                    .iter()
                    .enumerate()
                    .any(|(index, host)| index != holder && host.serves(domain))
            })
            .cloned()
            .collect()
    }

    /// A new SMTP server session on `host` for a client at `peer`, told what the host
    /// knows; `None` when the host runs no SMTP server.
    fn smtp_server(&mut self, host: usize, peer: usize, id: ConnectionId) -> Option<Server> {
        let peer_address = self.address(peer);
        let now = self.now;
        let seed = self.seed_for(id);
        let target = self.hosts.get(host)?;
        let config = target.smtp()?.clone();
        let mut inputs = target.server_inputs(&peer_address, now);
        inputs.unreachable_domains = self.unreachable(host, &inputs.held_domains);
        let decision = target.relay_decision(&peer_address, now);
        let name = target.name().to_owned();
        if let Some(decision) = decision {
            self.note(
                Some(id),
                WorldEvent::RelayChecked {
                    host: name,
                    address: peer_address.clone(),
                    allowed: decision.allowed,
                },
                decision.explanation,
                "",
            );
        }
        let mut server = Server::new(
            config,
            Peer {
                address: peer_address,
            },
            now,
            seed,
        );
        server.set_host_inputs(inputs);
        Some(server)
    }

    fn file(&mut self, host: usize, deliveries: &[Delivery]) {
        if let Some(host) = self.hosts.get_mut(host) {
            for delivery in deliveries {
                host.store.store(delivery);
            }
        }
    }

    fn smtp(
        &mut self,
        from: usize,
        to: usize,
        spec: &ClientSpec,
        purpose: &str,
    ) -> Result<(), ScenarioError> {
        let id = self.open(from, to, ConnectionKind::Smtp, purpose, None);
        if self.states.get(to) == Some(&HostState::Refused) {
            let what = format!("{} is down: connection refused.", self.host_name(to));
            self.problem(id, what, "");
            self.close(id);
            return Ok(());
        }
        let Some(mut server) = self.smtp_server(to, from, id) else {
            self.refuse_connection(id, to, "SMTP");
            return Ok(());
        };
        let message = &spec.message;
        let mut spec = spec.clone();
        if spec.hostname == ClientSpec::default().hostname {
            spec.hostname = self.host_name(from);
        }
        let mut client =
            Client::new(spec, self.now, self.seed_for(id) ^ 0x5EED_C11E).map_err(|error| {
                ScenarioError::ConnectionClient {
                    connection: id,
                    error,
                }
            })?;
        let mut collected = self.leg(id, from, to, &mut client, &mut server);
        for delivery in &mut collected.deliveries {
            delivery.bcc = message.is_blind_copy(&delivery.recipient);
        }
        self.file(to, &collected.deliveries);
        if let Some((command, domains)) = collected.reversal {
            let tail = server.take_output();
            self.record_tail(id, to, from, tail);
            self.reversed(id, to, from, command, &domains);
        }
        self.close(id);
        self.report_deliveries(id, to, &collected.deliveries);
        for domains in collected.flushes {
            if self.connections.len() >= MAX_CONNECTIONS {
                self.truncated = true;
                break;
            }
            self.flush(to, &domains, id);
        }
        Ok(())
    }

    /// The reply that reversed the roles was still to be sent when the leg stopped.
    fn record_tail(&mut self, id: ConnectionId, from: usize, to: usize, octets: Vec<u8>) {
        if octets.is_empty() {
            return;
        }
        self.entries.push(WorldEntry::Bytes {
            connection: id,
            at: self.now,
            from: self.host_name(from),
            to: self.host_name(to),
            octets,
        });
        self.now = self.now.saturating_add(self.latency);
    }

    /// TURN/ATRN: on connection `id`, `isp` (the old server) now sends `customer` (the
    /// old client, now a server that greets first) the mail held for `domains`.
    fn reversed(
        &mut self,
        id: ConnectionId,
        isp: usize,
        customer: usize,
        command: ReversalCommand,
        domains: &[String],
    ) {
        let now = self.now;
        if let Some(summary) = self.connections.iter_mut().find(|c| c.id == id) {
            summary.reversed_at = Some(now);
        }
        let (client_name, server_name) = (self.host_name(isp), self.host_name(customer));
        self.note(
            Some(id),
            WorldEvent::RolesReversed {
                command,
                client: client_name.clone(),
                server: server_name.clone(),
            },
            format!(
                "{server_name} now answers as the SMTP server on this connection and greets with \
                 220; {client_name} becomes the client and sends what it holds for {}.",
                domains.join(", ")
            ),
            command.rfc(),
        );
        let copies = self.take(isp, domains, Some(id));
        self.relay_leg(id, isp, customer, copies);
    }

    /// ETRN: `isp` opens a new connection to the server of each domain and delivers
    /// its queue there (RFC 1985 §4).
    fn flush(&mut self, isp: usize, domains: &[String], trigger: ConnectionId) {
        let mut by_target: LiteMap<usize, Vec<String>> = LiteMap::new();
        for domain in domains {
            if self.dns.knows(domain) {
                let purpose =
                    format!("delivering the queue for {domain} after ETRN on connection {trigger}");
                self.deliver_domain(isp, domain, Some(trigger), ConnectionKind::Flush, &purpose);
                continue;
            }
            let target = self
                .hosts
                .iter()
                .enumerate()
                .position(|(index, host)| index != isp && host.serves(domain));
            match target {
                Some(index) => by_target.entry(index).or_default().push(domain.clone()),
                None => {
                    let what =
                        format!("No server for {domain} is reachable; its mail stays queued.");
                    self.problem(trigger, what, "RFC 1985 §4");
                }
            }
        }
        for (target, domains) in by_target {
            let purpose = format!(
                "delivering the queue for {} after ETRN on connection {trigger}",
                domains.join(", ")
            );
            let id = self.open(isp, target, ConnectionKind::Flush, &purpose, Some(trigger));
            let copies = self.take(isp, &domains, Some(id));
            self.relay_leg(id, isp, target, copies);
            self.close(id);
        }
    }

    fn take(
        &mut self,
        host: usize,
        domains: &[String],
        id: Option<ConnectionId>,
    ) -> Vec<StoredMessage> {
        let Some(source) = self.hosts.get_mut(host) else {
            return Vec::new();
        };
        let copies = source.take_queued(domains);
        let name = source.name().to_owned();
        let count = copies.len();
        self.note(
            id,
            WorldEvent::QueueTaken {
                host: name.clone(),
                domains: domains.to_vec(),
                copies: count,
            },
            format!(
                "{name} takes {count} queued {} for {} out of its queue to deliver.",
                if count == 1 { "copy" } else { "copies" },
                domains.join(", ")
            ),
            "RFC 5321 §4.5.4.1",
        );
        copies
    }

    /// `client_host` delivers `copies` to `server_host` over connection `id`: a relay
    /// client (one transaction per message), or a bare greeting and QUIT when there is
    /// nothing to send. Copies not accepted go back in the queue.
    fn relay_leg(
        &mut self,
        id: ConnectionId,
        client_host: usize,
        server_host: usize,
        copies: Vec<StoredMessage>,
    ) {
        let Some(mut server) = self.smtp_server(server_host, client_host, id) else {
            let what = format!(
                "{} runs no SMTP server, so it cannot take the mail.",
                self.host_name(server_host)
            );
            self.problem(id, what, "");
            self.restore(client_host, copies, id);
            return;
        };
        let hostname = self.host_name(client_host);
        let seed = self.seed_for(id) ^ 0x5EED_C11E;
        let client = if copies.is_empty() {
            let spec = ClientSpec {
                hostname: hostname.clone(),
                quit_after: Some(Step::Greeting),
                ..ClientSpec::default()
            };
            Client::new(spec, self.now, seed)
        } else {
            Client::relay(&hostname, &batch(&copies), self.now, seed)
        };
        let mut client = match client {
            Ok(client) => client,
            Err(error) => {
                let what = format!("The stored mail cannot be sent: {error}");
                self.problem(id, what, "");
                self.restore(client_host, copies, id);
                return;
            }
        };
        let mut collected = self.leg(id, client_host, server_host, &mut client, &mut server);
        mark_blind_copies(&mut collected.deliveries, &copies);
        self.file(server_host, &collected.deliveries);
        let dsn_offered = client.capabilities().has("DSN");
        let back = self.settle(
            id,
            (client_host, server_host),
            copies,
            client.outcome(),
            dsn_offered,
        );
        self.restore(client_host, back, id);
        self.report_deliveries(id, server_host, &collected.deliveries);
    }

    fn restore(&mut self, host: usize, copies: Vec<StoredMessage>, id: ConnectionId) {
        if copies.is_empty() {
            return;
        }
        let count = copies.len();
        let name = self.host_name(host);
        if let Some(source) = self.hosts.get_mut(host) {
            source.restore(copies);
        }
        self.note(
            Some(id),
            WorldEvent::QueueRestored {
                host: name.clone(),
                copies: count,
            },
            format!(
                "{count} undelivered {} back in {name}'s queue for a later try.",
                if count == 1 { "copy goes" } else { "copies go" }
            ),
            "RFC 5321 §4.5.4.1",
        );
    }

    /// Host `to` runs no server for `service`: the connection is refused, which the
    /// timeline records as a problem before closing it.
    fn refuse_connection(&mut self, id: u32, to: usize, service: &str) {
        let what = format!(
            "{} runs no {service} server: connection refused.",
            self.host_name(to)
        );
        self.problem(id, what, "");
        self.close(id);
    }

    fn pop3(&mut self, from: usize, to: usize, lines: &[String], purpose: &str) {
        let id = self.open(from, to, ConnectionKind::Pop3, purpose, None);
        let Some(config) = self.hosts.get(to).and_then(Host::pop3_config) else {
            self.refuse_connection(id, to, "POP3");
            return;
        };
        let mut server = Pop3Server::new(config, self.address(from), self.now, self.seed_for(id));
        let mut client = LineClient::new(lines.to_vec());
        let collected = self.leg(id, from, to, &mut client, &mut server);
        for address in collected.logins {
            self.open_relay_window(to, &address, id);
        }
        for outcome in collected.pop3_updates {
            if let Some(host) = self.hosts.get_mut(to) {
                host.apply_pop3_update(&outcome);
            }
        }
        self.close(id);
    }

    fn open_relay_window(&mut self, host: usize, address: &str, id: ConnectionId) {
        let now = self.now;
        let Some(target) = self.hosts.get_mut(host) else {
            return;
        };
        if !target.spec.pop_before_smtp {
            return;
        }
        let until = target.relay_window.authorised(address, now);
        let name = target.name().to_owned();
        let minutes = until.saturating_sub(now) / MINUTE;
        self.relay_windows.push(RelayInterval {
            host: name.clone(),
            address: address.to_owned(),
            opened_at: now,
            closes_at: until,
        });
        self.note(
            Some(id),
            WorldEvent::RelayWindowOpened {
                host: name.clone(),
                address: address.to_owned(),
                until,
            },
            format!(
                "POP-before-SMTP: {name} lets {address} relay for the next {minutes} minutes because \
                 it just logged in to POP3. Anyone who sends from (or forges) that address may relay \
                 too; SMTP AUTH (RFC 4954) replaced this scheme."
            ),
            "",
        );
    }

    fn finish(self, scenario: &WorldScenario) -> WorldTimeline {
        let hosts = self
            .hosts
            .iter()
            .map(|host| HostSummary {
                name: host.name().to_owned(),
                label: host.spec.label.clone(),
                address: host.spec.address.clone(),
                services: [
                    host.spec.smtp.as_ref().map(|_| "smtp".to_owned()),
                    host.spec.pop3.as_ref().map(|_| "pop3".to_owned()),
                ]
                .into_iter()
                .flatten()
                .collect(),
            })
            .collect();
        let graph = graph(&self.connections);
        // Inserted one by one, not collected: collecting a map sorts the pairs with the
        // standard library's stable sort (3 KB of the page's wasm). Same result: the
        // last store of a repeated name wins either way.
        let mut mailstores = LiteMap::new();
        for host in self.hosts {
            mailstores.insert(host.spec.name, host.store);
        }
        WorldTimeline {
            name: scenario.name.clone(),
            explanation: scenario.explanation.clone(),
            hosts,
            connections: self.connections,
            graph,
            relay_window_states: super::relay_state::states(&self.entries, &self.relay_windows),
            entries: self.entries,
            relay_windows: self.relay_windows,
            mailstores,
            start_time: scenario.start_time,
            end_time: self.now,
            truncated: self.truncated,
        }
    }
}

/// Who connected to whom, in order of first contact; a reversed connection also counts
/// as an edge the other way (mail flowed that way on it).
fn graph(connections: &[ConnectionSummary]) -> Vec<GraphEdge> {
    let mut edges: Vec<GraphEdge> = Vec::new();
    let mut add = |from: &str, to: &str, id: ConnectionId| match edges
        .iter_mut()
        .find(|e| e.from == from && e.to == to)
    {
        Some(edge) => edge.connections.push(id),
        None => edges.push(GraphEdge {
            from: from.to_owned(),
            to: to.to_owned(),
            connections: vec![id],
        }),
    };
    for connection in connections {
        add(&connection.from, &connection.to, connection.id);
        if connection.reversed_at.is_some() {
            add(&connection.to, &connection.from, connection.id);
        }
    }
    edges
}

/// A relayed copy reached a Bcc recipient when the queued copy it came from did: the
/// relaying client passes on what the first client knew (its envelope is the same).
fn mark_blind_copies(deliveries: &mut [Delivery], relayed: &[StoredMessage]) {
    for delivery in deliveries {
        delivery.bcc = relayed
            .iter()
            .any(|copy| copy.bcc && copy.recipient == delivery.recipient);
    }
}
