//! The words the page shows for a world event: a title (the row's heading) and a
//! detail line (who, what, when). Written here, once, from the typed event, so the page
//! renders them as they are and never re-derives them from the event's fields. Times
//! read as the page's clock does: `09:30:00.720` (UTC) and `31 min 00 s`.

use super::timeline::{ConnectionKind, MxChoice, WorldEvent};
use crate::time::{Millis, MINUTE, SECOND};

const DAY: Millis = 24 * 60 * MINUTE;

impl WorldEvent {
    /// The row's heading: "Connection opens", "The clock jumps 31 min 00 s", "Relay
    /// denied", "DNS: MX? example.org".
    pub fn title(&self) -> String {
        match self {
            Self::ConnectionOpened { .. } => "Connection opens".into(),
            Self::ConnectionClosed => "Connection closes".into(),
            Self::ClockAdvanced { from, to } => {
                format!(
                    "The clock jumps {}",
                    duration_text(to.saturating_sub(*from))
                )
            }
            Self::QueueTaken { .. } => "Queue taken".into(),
            Self::QueueRestored { .. } => "Queue restored".into(),
            Self::RolesReversed { command, .. } => {
                format!("Roles reversed ({})", command.keyword())
            }
            Self::RelayWindowOpened { .. } => "Relay window opens".into(),
            Self::RelayChecked { allowed: true, .. } => "Relay allowed".into(),
            Self::RelayChecked { allowed: false, .. } => "Relay denied".into(),
            Self::DnsLookup { query, name, .. } => format!("DNS: {}? {name}", query.label()),
            Self::RouteChosen { .. } => "Exchangers in order".into(),
            Self::ConnectionRefused { .. } => "Connection refused".into(),
            Self::HostStateChanged { .. } => "Host state".into(),
            Self::RetryScheduled { .. } => "Retry scheduled".into(),
            Self::Bounced { .. } => "Bounced".into(),
            Self::NoticeFiled { .. } => "Notice filed".into(),
            Self::NotificationWritten { .. } => "Delivery status notification".into(),
            Self::Problem { .. } => "Problem".into(),
        }
    }

    /// The row's detail line (empty when the title says it all): "mail.example.net
    /// retries example.org at 09:30:00.720 (1 failed so far)".
    pub fn detail(&self) -> String {
        match self {
            Self::ConnectionOpened { from, to } => format!("{from} → {to}"),
            Self::ConnectionClosed => String::new(),
            Self::ClockAdvanced { from, to } => {
                format!("{} → {}", clock_text(*from), clock_text(*to))
            }
            Self::QueueTaken {
                host,
                domains,
                copies,
            } => format!(
                "{copies} {} for {} leave {host}'s queue",
                if *copies == 1 { "copy" } else { "copies" },
                domains.join(", ")
            ),
            Self::QueueRestored { host, copies } => format!(
                "{copies} {} back into {host}'s queue",
                if *copies == 1 {
                    "copy goes"
                } else {
                    "copies go"
                }
            ),
            Self::RolesReversed { client, server, .. } => {
                format!("{client} is now the client, {server} the server")
            }
            Self::RelayWindowOpened { address, until, .. } => {
                format!("{address} may relay until {}", clock_text(*until))
            }
            Self::RelayChecked { .. } => String::new(),
            Self::DnsLookup { host, summary, .. } => format!("{host} asks; answer: {summary}"),
            Self::RouteChosen { host, order, .. } => format!("{host}: {}", route_text(order)),
            Self::ConnectionRefused { from, to, address } => {
                format!("{from} → {to} ({address}): refused")
            }
            Self::HostStateChanged { host, state } => format!("{host}: {}", state.keyword()),
            Self::RetryScheduled {
                host,
                domain,
                at,
                attempts,
            } => format!(
                "{host} retries {domain} at {} ({attempts} failed so far)",
                clock_text(*at)
            ),
            Self::Bounced {
                recipients, reply, ..
            } => format!("{}: {reply}", recipients.join(", ")),
            Self::NoticeFiled {
                host,
                recipient,
                mailbox,
            } => format!(
                "to {recipient} ({}) at {host}",
                if *mailbox { "mailbox" } else { "queued" }
            ),
            Self::NotificationWritten {
                host,
                to,
                action,
                recipients,
            } => format!(
                "{host} → {to}: {} for {}",
                action.keyword(),
                recipients.join(", ")
            ),
            Self::Problem { what } => what.clone(),
        }
    }
}

impl ConnectionKind {
    /// How the connection list names the kind: `SMTP`, `FLUSH`, `POP3`, `RELAY`, `NOTICE`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Smtp => "SMTP",
            Self::Flush => "FLUSH",
            Self::Pop3 => "POP3",
            Self::Relay => "RELAY",
            Self::Notice => "NOTICE",
        }
    }
}

/// "10 mx1.example.org (192.0.2.10) → 20 mx2.example.org".
fn route_text(order: &[MxChoice]) -> String {
    let choices: Vec<String> = order
        .iter()
        .map(|choice| match &choice.address {
            Some(address) => format!("{} {} ({address})", choice.preference, choice.exchange),
            None => format!("{} {}", choice.preference, choice.exchange),
        })
        .collect();
    choices.join(" → ")
}

/// "09:00:00.040": the UTC time of day of a virtual instant, to the millisecond.
pub(crate) fn clock_text(at: Millis) -> String {
    let of_day = at % DAY;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        of_day / (60 * MINUTE),
        of_day % (60 * MINUTE) / MINUTE,
        of_day % MINUTE / SECOND,
        of_day % SECOND
    )
}

/// "31 min 00 s", "5 s": a span in whole seconds.
pub(crate) fn duration_text(span: Millis) -> String {
    let minutes = span / MINUTE;
    let seconds = span % MINUTE / SECOND;
    if minutes > 0 {
        format!("{minutes} min {seconds:02} s")
    } else {
        format!("{seconds} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsn::Action;
    use crate::server::ReversalCommand;

    const NINE: Millis = 1_795_856_400_000; // 2026-11-28 09:00:00 UTC

    #[test]
    fn clock_and_duration_read_like_the_page() {
        assert_eq!(clock_text(NINE + 40), "09:00:00.040");
        assert_eq!(clock_text(NINE + 30 * MINUTE + 720), "09:30:00.720");
        assert_eq!(duration_text(31 * MINUTE), "31 min 00 s");
        assert_eq!(duration_text(61 * MINUTE + 5 * SECOND), "61 min 05 s");
        assert_eq!(duration_text(5_999), "5 s");
    }

    #[test]
    fn titles_name_the_event_and_its_decisive_value() {
        let jump = WorldEvent::ClockAdvanced {
            from: NINE,
            to: NINE + 31 * MINUTE,
        };
        assert_eq!(jump.title(), "The clock jumps 31 min 00 s");
        assert_eq!(jump.detail(), "09:00:00.000 → 09:31:00.000");
        let denied = WorldEvent::RelayChecked {
            host: "mail.isp.example".into(),
            address: "192.0.2.7".into(),
            allowed: false,
        };
        assert_eq!(denied.title(), "Relay denied");
        assert_eq!(denied.detail(), "");
        let turn = WorldEvent::RolesReversed {
            command: ReversalCommand::Turn,
            client: "mx.isp.example".into(),
            server: "attacker.example.net".into(),
        };
        assert_eq!(turn.title(), "Roles reversed (TURN)");
        assert_eq!(
            turn.detail(),
            "mx.isp.example is now the client, attacker.example.net the server"
        );
    }

    #[test]
    fn details_count_and_list_what_the_event_carries() {
        let taken = |copies| WorldEvent::QueueTaken {
            host: "mx.isp.example".into(),
            domains: vec!["dialup.example".into(), "other.example".into()],
            copies,
        };
        assert_eq!(
            taken(1).detail(),
            "1 copy for dialup.example, other.example leave mx.isp.example's queue"
        );
        assert_eq!(
            taken(2).detail(),
            "2 copies for dialup.example, other.example leave mx.isp.example's queue"
        );
        let route = WorldEvent::RouteChosen {
            host: "mail.example.net".into(),
            domain: "example.org".into(),
            order: vec![
                MxChoice {
                    preference: 10,
                    exchange: "mx1.example.org".into(),
                    address: Some("192.0.2.10".into()),
                },
                MxChoice {
                    preference: 20,
                    exchange: "mx2.example.org".into(),
                    address: None,
                },
            ],
        };
        assert_eq!(
            route.detail(),
            "mail.example.net: 10 mx1.example.org (192.0.2.10) → 20 mx2.example.org"
        );
        let filed = WorldEvent::NoticeFiled {
            host: "mail.example.net".into(),
            recipient: "alice@example.net".into(),
            mailbox: true,
        };
        assert_eq!(filed.title(), "Notice filed");
        assert_eq!(
            filed.detail(),
            "to alice@example.net (mailbox) at mail.example.net"
        );
        let written = WorldEvent::NotificationWritten {
            host: "mx.isp.example".into(),
            to: "alice@example.net".into(),
            action: Action::Delayed,
            recipients: vec!["bob@example.org".into()],
        };
        assert_eq!(
            written.detail(),
            "mx.isp.example → alice@example.net: delayed for bob@example.org"
        );
        assert_eq!(ConnectionKind::Notice.label(), "NOTICE");
    }
}
