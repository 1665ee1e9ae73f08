//! A sending MTA's queue run: what the runner does with a routing [`plan`] while the
//! world runs. Each lookup and choice becomes a world event; a refused connection or a
//! 4xx moves on to the next exchanger; a 5xx (at RCPT or after the message text)
//! bounces (an RFC 3464 report to the sender); what is left waits in the queue for a
//! retry on the world clock, until the give-up time. A child of the runner because it drives the running world's
//! private state (hosts, clock, connections).

use super::super::dns::HostState;
use super::super::notice::{CopyReport, Reason};
use super::super::routing::{lookup_explanation, plan, Decision, Failure, Sender};
use super::super::timeline::WorldEntry;
use super::super::timeline::{ConnectionId, ConnectionKind, MxChoice, WorldEvent};
use super::World;
use crate::client::{Client, ClientEvent, ClientEventKind};
use crate::dsn::Action;
use crate::mailstore::StoredMessage;
use crate::protocol::{EnhancedCode, ReplyClass};
use crate::time::Millis;

/// Most delivery attempts (one per domain per try) a run makes; past it the run is cut
/// short, so a long wait with a short retry interval stays bounded.
pub(super) const MAX_DELIVERY_ATTEMPTS: usize = 256;

/// The shortest retry interval honoured, so retries always move the clock.
const MIN_RETRY_MS: Millis = 1000;

/// A queued domain waiting for its next try.
#[derive(Clone, Debug)]
pub(super) struct Deferred {
    /// The sending host's index.
    pub host: usize,
    /// The recipient domain.
    pub domain: String,
    /// When the first try failed.
    pub since: Millis,
    /// Tries so far.
    pub attempts: u32,
    /// When the next is due.
    pub due: Millis,
}

/// What one round of tries for a domain left over.
struct Tried {
    /// The copies no exchanger took, all for temporary reasons.
    left: Vec<StoredMessage>,
    /// The last temporary failure, for a delay notice.
    last: Option<Reason>,
    /// When the first try failed.
    since: Millis,
    /// Tries so far, this one included.
    attempts: u32,
}

impl World {
    /// The `deliver` step: `host` routes each queued domain (all when `domains` is
    /// empty).
    pub(super) fn deliver(&mut self, host: usize, domains: &[String], purpose: &str) {
        let queued: Vec<String> = match self.hosts.get(host) {
            Some(h) if domains.is_empty() => h.store.outbound.keys().cloned().collect(),
            Some(_) => domains.iter().map(|d| d.to_ascii_lowercase()).collect(),
            None => return,
        };
        if queued.is_empty() {
            let name = self.host_name(host);
            let what = format!("{name} has nothing queued to deliver.");
            self.note(None, WorldEvent::Problem { what: what.clone() }, what, "");
        }
        for domain in queued {
            self.deliver_domain(host, &domain, None, ConnectionKind::Relay, purpose);
        }
    }

    /// Routes and delivers what `host` holds for `domain`; a flush after ETRN passes
    /// the connection that asked for it as `trigger`.
    pub(super) fn deliver_domain(
        &mut self,
        host: usize,
        domain: &str,
        trigger: Option<ConnectionId>,
        kind: ConnectionKind,
        purpose: &str,
    ) {
        let earlier = self
            .deferred
            .iter()
            .position(|d| d.host == host && d.domain.eq_ignore_ascii_case(domain))
            .map(|index| self.deferred.remove(index));
        if self.attempts >= MAX_DELIVERY_ATTEMPTS {
            self.truncated = true;
            return;
        }
        self.attempts += 1;
        let Some(source) = self.hosts.get(host) else {
            return;
        };
        if source.store.queued_for(domain).is_empty() {
            let what = format!("{} has nothing queued for {domain}.", source.name());
            self.note(
                trigger,
                WorldEvent::Problem { what: what.clone() },
                what,
                "",
            );
            return;
        }
        let (name, address) = (source.name().to_owned(), source.spec.address.clone());
        let seed = self.seed ^ u64::from(self.attempts as u32).wrapping_mul(0xA24B_AED4_963E_E407);
        let sender = Sender {
            name: &name,
            address: &address,
        };
        let plan = plan(&self.dns, domain, sender, seed);
        for lookup in &plan.lookups {
            let (explanation, rfc) = lookup_explanation(lookup);
            let event = WorldEvent::DnsLookup {
                host: name.clone(),
                name: lookup.name.clone(),
                query: lookup.query,
                answer: lookup.answer.clone(),
                summary: lookup.answer.summary(),
            };
            self.note(trigger, event, explanation, rfc);
        }
        let domains = [domain.to_owned()];
        match plan.decision {
            Decision::Bounce(failure) => {
                let copies = self.take(host, &domains, trigger);
                self.bounce_for(host, copies, &failure, trigger);
            }
            Decision::Try { order, explanation } => {
                let event = WorldEvent::RouteChosen {
                    host: name,
                    domain: domain.to_owned(),
                    order: order.clone(),
                };
                self.note(trigger, event, explanation, "RFC 5321 §5.1");
                let copies = self.take(host, &domains, trigger);
                let (left, last) =
                    self.try_exchangers(host, &order, copies, trigger, kind, purpose);
                let tried = Tried {
                    left,
                    last,
                    since: earlier.as_ref().map_or(self.now, |d| d.since),
                    attempts: earlier.map_or(1, |d| d.attempts.saturating_add(1)),
                };
                self.defer(host, domain, tried, trigger);
            }
        }
    }

    /// Tries each exchanger in turn until no copy is left to try; returns what is left
    /// and the last temporary failure.
    fn try_exchangers(
        &mut self,
        host: usize,
        order: &[MxChoice],
        mut copies: Vec<StoredMessage>,
        trigger: Option<ConnectionId>,
        kind: ConnectionKind,
        purpose: &str,
    ) -> (Vec<StoredMessage>, Option<Reason>) {
        let mut last = None;
        for choice in order {
            if copies.is_empty() {
                break;
            }
            if self.connections.len() >= super::MAX_CONNECTIONS {
                self.truncated = true;
                break;
            }
            let Some(target) = self.reachable(host, choice, trigger) else {
                last = Some(unreachable_reason(choice));
                continue;
            };
            let purpose = if purpose.is_empty() {
                format!(
                    "delivering to {} (MX {}) for {}",
                    choice.exchange,
                    choice.preference,
                    domains_of(&copies)
                )
            } else {
                purpose.to_owned()
            };
            let id = self.open(host, target, kind, &purpose, trigger);
            let temporary = self.relay_attempt(id, host, target, copies);
            self.close(id);
            if !temporary.is_empty() {
                last = Some(self.last_transient_reply(id));
                let failed: Vec<&str> = temporary.iter().map(|c| c.recipient.as_str()).collect();
                let what = format!(
                    "{} did not take the mail for {} for now (a 4xx reply): the sender tries the \
                     next exchanger, if there is one.",
                    choice.exchange,
                    failed.join(", ")
                );
                self.note(
                    Some(id),
                    WorldEvent::Problem { what: what.clone() },
                    what,
                    "RFC 5321 §5.1",
                );
            }
            copies = temporary;
        }
        (copies, last)
    }

    /// The last 4yz the sending host received on connection `id` (`X.0.0` with no
    /// quoted reply when the session ended without one).
    fn last_transient_reply(&self, id: ConnectionId) -> Reason {
        self.entries
            .iter()
            .rev()
            .find_map(|entry| match entry {
                WorldEntry::SmtpClient {
                    connection,
                    event:
                        ClientEvent {
                            kind: ClientEventKind::ReplyReceived { reply, .. },
                            ..
                        },
                    ..
                } if *connection == id && reply.code.class() == ReplyClass::TransientNegative => {
                    Some(Reason::from_reply(reply))
                }
                _ => None,
            })
            .unwrap_or(Reason {
                status: EnhancedCode::new(4, 0, 0),
                reply: None,
            })
    }

    /// The host behind `choice`, or `None` after recording why it cannot be reached.
    fn reachable(
        &mut self,
        from: usize,
        choice: &MxChoice,
        trigger: Option<ConnectionId>,
    ) -> Option<usize> {
        let from_name = self.host_name(from);
        let Some(address) = choice.address.clone() else {
            let what = format!(
                "{} has no address, so {from_name} cannot connect to it; it tries the next \
                 exchanger.",
                choice.exchange
            );
            self.note(
                trigger,
                WorldEvent::Problem { what: what.clone() },
                what,
                "RFC 5321 §5.1",
            );
            return None;
        };
        let target = self
            .hosts
            .iter()
            .position(|h| h.spec.address == address && h.smtp().is_some());
        let up = target.is_some_and(|t| self.states.get(t) != Some(&HostState::Refused));
        if let (Some(target), true) = (target, up) {
            return Some(target);
        }
        let event = WorldEvent::ConnectionRefused {
            from: from_name.clone(),
            to: choice.exchange.clone(),
            address: address.clone(),
        };
        let explanation = format!(
            "{from_name} connects to {} ({address}) on port 25: connection refused. A refused \
             connection is a temporary failure, so it tries the next exchanger.",
            choice.exchange
        );
        self.note(trigger, event, explanation, "RFC 5321 §5.1");
        None
    }

    /// One session delivering `copies` from `client_host` to `server_host`: what was
    /// refused for good bounces, what was taken is reported as its senders asked, and
    /// the temporary failures are returned.
    fn relay_attempt(
        &mut self,
        id: ConnectionId,
        client_host: usize,
        server_host: usize,
        copies: Vec<StoredMessage>,
    ) -> Vec<StoredMessage> {
        let Some(mut server) = self.smtp_server(server_host, client_host, id) else {
            return copies;
        };
        let hostname = self.host_name(client_host);
        let seed = self.seed_for(id) ^ 0x5EED_C11E;
        let mut client = match Client::relay(&hostname, &super::batch(&copies), self.now, seed) {
            Ok(client) => client,
            Err(error) => {
                let what = format!("The stored mail cannot be sent: {error}");
                self.problem(id, what, "");
                return copies;
            }
        };
        let mut collected = self.leg(id, client_host, server_host, &mut client, &mut server);
        super::mark_blind_copies(&mut collected.deliveries, &copies);
        self.file(server_host, &collected.deliveries);
        let dsn_offered = client.capabilities().has("DSN");
        let temporary = self.settle(
            id,
            (client_host, server_host),
            copies,
            client.outcome(),
            dsn_offered,
        );
        self.report_deliveries(id, server_host, &collected.deliveries);
        temporary
    }

    /// The host's own reason to give up on `copies` without asking an exchanger (or
    /// after asking too long): they bounce with `failure`'s reply.
    fn bounce_for(
        &mut self,
        host: usize,
        copies: Vec<StoredMessage>,
        failure: &Failure,
        connection: Option<ConnectionId>,
    ) {
        let reason = Reason::own(&failure.reply, failure.status);
        let failed = copies.into_iter().map(|c| (c, reason.clone())).collect();
        let reports = self.give_up(host, failed, None, Some(failure), connection);
        self.notify(connection, host, &reports, None);
    }

    /// Puts what is left back in the queue with a retry on the world clock, or bounces
    /// it when the sender has tried for longer than the scenario's give-up time; copies
    /// queued for longer than the warning time get their one delay notice.
    fn defer(&mut self, host: usize, domain: &str, tried: Tried, trigger: Option<ConnectionId>) {
        let Tried {
            left,
            last,
            since,
            attempts,
        } = tried;
        if left.is_empty() {
            return;
        }
        if self.now.saturating_sub(since) >= self.give_up_ms {
            let hours = self.give_up_ms / 3_600_000;
            let failure = Failure {
                reply: format!("421 4.4.7 Delivery time expired: no exchanger for {domain} took the mail in {hours} hours"),
                status: EnhancedCode::new(4, 4, 7),
                explanation: format!(
                    "Every try for {domain} failed temporarily for {hours} hours, the time this \
                     host keeps mail before it gives up."
                ),
                rfc: "RFC 5321 §4.5.4.1",
            };
            self.bounce_for(host, left, &failure, trigger);
            return;
        }
        let count = left.len();
        let name = self.host_name(host);
        let due = self.now.saturating_add(self.retry_ms.max(MIN_RETRY_MS));
        let waiting = left.clone();
        if let Some(source) = self.hosts.get_mut(host) {
            source.restore(left);
        }
        self.deferred.push(Deferred {
            host,
            domain: domain.to_owned(),
            since,
            attempts,
            due,
        });
        let minutes = self.retry_ms.max(MIN_RETRY_MS) / crate::time::MINUTE;
        let event = WorldEvent::RetryScheduled {
            host: name.clone(),
            domain: domain.to_owned(),
            at: due,
            attempts,
        };
        let explanation = format!(
            "No exchanger for {domain} took the mail, and every failure was temporary: {count} \
             {} stay{} in {name}'s queue and {name} tries again in {minutes} minutes.",
            if count == 1 { "copy" } else { "copies" },
            if count == 1 { "s" } else { "" },
        );
        self.note(trigger, event, explanation, "RFC 5321 §4.5.4.1");
        let until = since.saturating_add(self.give_up_ms);
        self.warn_delayed(host, &waiting, last, until, trigger);
    }

    /// Copies of `waiting` that have been queued for the warning time and were not
    /// warned about yet get a `delayed` notice, sent once (RFC 3464 §2.3.3), saying
    /// the last failure and until when the host keeps trying.
    fn warn_delayed(
        &mut self,
        host: usize,
        waiting: &[StoredMessage],
        last: Option<Reason>,
        until: Millis,
        trigger: Option<ConnectionId>,
    ) {
        if self.delay_warning_ms == 0 {
            return;
        }
        let mut reports = Vec::new();
        for copy in waiting {
            let key = (host, copy.id.clone(), copy.recipient.clone());
            let queued_for = self.now.saturating_sub(copy.arrived_at);
            if queued_for < self.delay_warning_ms || self.warned.contains(&key) {
                continue;
            }
            self.warned.push(key);
            reports.push(CopyReport {
                copy: copy.clone(),
                action: Action::Delayed,
                reason: last.clone(),
                remote_mta: None,
            });
        }
        self.notify(trigger, host, &reports, Some(until));
    }

    /// The `hostState` step.
    pub(super) fn set_state(&mut self, host: usize, state: HostState, reason: &str) {
        if let Some(slot) = self.states.get_mut(host) {
            *slot = state;
        }
        let name = self.host_name(host);
        let what = match state {
            HostState::Up => "is up: it accepts connections and mail",
            HostState::Refused => "goes down: connections to it are refused",
            HostState::Deferring => {
                "cannot store mail for now: it answers 452 4.3.1 after the message text"
            }
        };
        let explanation = if reason.is_empty() {
            format!("{name} {what}.")
        } else {
            format!("{name} {what}: {reason}.")
        };
        let event = WorldEvent::HostStateChanged { host: name, state };
        self.note(None, event, explanation, "");
    }

    /// The earliest retry due by `until`, taken off the list.
    pub(super) fn next_due(&mut self, until: Millis) -> Option<Deferred> {
        let index = self
            .deferred
            .iter()
            .enumerate()
            .filter(|(_, d)| d.due <= until)
            .min_by_key(|(_, d)| d.due)
            .map(|(index, _)| index)?;
        Some(self.deferred.remove(index))
    }

    /// Puts a retry taken by [`World::next_due`] back, for [`World::deliver_domain`]
    /// to find it and carry its first failure time on.
    pub(super) fn retry(&mut self, due: Deferred) {
        let (host, domain) = (due.host, due.domain.clone());
        self.deferred.push(due);
        let purpose = format!("retrying the deferred mail for {domain}");
        self.deliver_domain(host, &domain, None, ConnectionKind::Relay, &purpose);
    }
}

/// Why `choice` could not be reached: no address (4.4.4, unable to route) or a refused
/// connection (4.4.1, no answer from host; RFC 3463 §3.5). No SMTP reply to quote.
fn unreachable_reason(choice: &MxChoice) -> Reason {
    let detail = if choice.address.is_some() { 1 } else { 4 };
    Reason {
        status: EnhancedCode::new(4, 4, detail),
        reply: None,
    }
}

/// `a.example, b.example`: the recipient domains of `copies`, each once.
fn domains_of(copies: &[StoredMessage]) -> String {
    let mut domains: Vec<&str> = Vec::new();
    for copy in copies {
        let domain = copy.recipient.rsplit_once('@').map_or("", |(_, d)| d);
        if !domains.contains(&domain) {
            domains.push(domain);
        }
    }
    domains.join(", ")
}
