//! Recording one leg of a connection: every octet with its sending and receiving host,
//! every engine event tagged with its connection and host, and what the world must act
//! on (deliveries, ETRN flush requests, a TURN/ATRN reversal, POP3 logins and updates).

use super::line_client::LineClient;
use super::timeline::{ConnectionId, WorldEntry};
use crate::client::{Client, ClientEvent};
use crate::loopback::{Direction, LinkObserver};
use crate::pop3::{Pop3EventKind, Pop3Server, UpdateOutcome};
use crate::server::{Delivery, ReversalCommand, Server, ServerEventKind, StoreOutcome};
use crate::time::Millis;

/// What the engines of one leg reported, besides what goes in the timeline.
#[derive(Default)]
pub(super) struct Collected {
    pub(super) deliveries: Vec<Delivery>,
    pub(super) flushes: Vec<Vec<String>>,
    pub(super) reversal: Option<(ReversalCommand, Vec<String>)>,
    pub(super) logins: Vec<String>,
    pub(super) pop3_updates: Vec<UpdateOutcome>,
    /// Set before the leg: the server's host cannot store mail now (it defers), so
    /// the message gets `452 4.3.1` and nothing is filed.
    pub(super) storage_full: bool,
}

/// An engine whose events the world records.
pub(super) trait Drain {
    fn drain_into(
        &mut self,
        connection: ConnectionId,
        host: &str,
        entries: &mut Vec<WorldEntry>,
        collected: &mut Collected,
    );
}

impl Drain for Client {
    fn drain_into(
        &mut self,
        connection: ConnectionId,
        host: &str,
        entries: &mut Vec<WorldEntry>,
        _: &mut Collected,
    ) {
        while let Some(event) = self.poll_event() {
            entries.push(client_entry(connection, host, event));
        }
    }
}

fn client_entry(connection: ConnectionId, host: &str, event: ClientEvent) -> WorldEntry {
    WorldEntry::SmtpClient {
        connection,
        host: host.to_owned(),
        event,
    }
}

impl Drain for Server {
    fn drain_into(
        &mut self,
        connection: ConnectionId,
        host: &str,
        entries: &mut Vec<WorldEntry>,
        collected: &mut Collected,
    ) {
        // Copies first: the world files them at once, so the 250 joins these events.
        while let Some(delivery) = self.poll_delivery() {
            if !collected.storage_full {
                collected.deliveries.push(delivery);
            }
        }
        self.handle_stored(if collected.storage_full {
            StoreOutcome::NoSpace {
                reason: "the host's disk is full".into(),
            }
        } else {
            StoreOutcome::Stored
        });
        while let Some(event) = self.poll_event() {
            match &event.kind {
                ServerEventKind::FlushRequested { domains } => {
                    collected.flushes.push(domains.clone());
                }
                ServerEventKind::RolesReversed { command, domains } => {
                    collected.reversal = Some((*command, domains.clone()));
                }
                _ => {}
            }
            entries.push(WorldEntry::SmtpServer {
                connection,
                host: host.to_owned(),
                event,
            });
        }
    }
}

impl Drain for Pop3Server {
    fn drain_into(
        &mut self,
        connection: ConnectionId,
        host: &str,
        entries: &mut Vec<WorldEntry>,
        collected: &mut Collected,
    ) {
        while let Some(event) = self.poll_event() {
            match &event.kind {
                Pop3EventKind::LoggedIn { address, .. } => collected.logins.push(address.clone()),
                Pop3EventKind::MaildropUpdated { outcome } => {
                    collected.pop3_updates.push(outcome.clone());
                }
                _ => {}
            }
            entries.push(WorldEntry::Pop3Server {
                connection,
                host: host.to_owned(),
                event,
            });
        }
    }
}

impl Drain for LineClient {
    fn drain_into(&mut self, _: ConnectionId, _: &str, _: &mut Vec<WorldEntry>, _: &mut Collected) {
    }
}

/// Records one leg of a connection: bytes with their hosts, events, and what the
/// world must act on. Stops the leg when the roles reverse.
pub(super) struct LegRecorder<'a> {
    pub(super) connection: ConnectionId,
    pub(super) client_host: String,
    pub(super) server_host: String,
    pub(super) entries: &'a mut Vec<WorldEntry>,
    pub(super) collected: Collected,
}

impl<C: Drain, S: Drain> LinkObserver<C, S> for LegRecorder<'_> {
    fn bytes(&mut self, at: Millis, direction: Direction, octets: &[u8]) {
        let (from, to) = match direction {
            Direction::ClientToServer => (&self.client_host, &self.server_host),
            Direction::ServerToClient => (&self.server_host, &self.client_host),
        };
        self.entries.push(WorldEntry::Bytes {
            connection: self.connection,
            at,
            from: from.clone(),
            to: to.clone(),
            octets: octets.to_vec(),
        });
    }

    fn drain(&mut self, client: &mut C, server: &mut S) -> bool {
        client.drain_into(
            self.connection,
            &self.client_host,
            self.entries,
            &mut self.collected,
        );
        server.drain_into(
            self.connection,
            &self.server_host,
            self.entries,
            &mut self.collected,
        );
        self.collected.reversal.is_none()
    }
}
