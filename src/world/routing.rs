//! Mail routing by DNS (RFC 5321 §5.1, RFC 7505): a sending MTA resolves the recipient
//! domain against the world's zone, puts the mail exchangers in the order to try them,
//! and delivers its queue to the first that takes it.
//!
//! [`plan`] is pure: the lookups and the decision (try these exchangers in this order,
//! or bounce at once). The runner's queue run (`runner/queue_run.rs`) acts on it.

use super::dns::{same_name, Answer, DnsZone, Lookup, MxRecord, QueryType};
use super::timeline::MxChoice;
use crate::entropy::Entropy;
use crate::protocol::EnhancedCode;

/// Why mail is returned to its sender without a try.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Failure {
    /// The reply, as the bounce quotes it (`556 5.1.10 …`).
    pub reply: String,
    /// The enhanced status code.
    pub status: EnhancedCode,
    /// One sentence for the learner.
    pub explanation: String,
    /// The section that says so.
    pub rfc: &'static str,
}

/// What the sending MTA does with a domain's mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Decision {
    /// Try these exchangers in this order.
    Try {
        /// The order.
        order: Vec<MxChoice>,
        /// Why this order.
        explanation: String,
    },
    /// Return the mail to its sender now.
    Bounce(Failure),
}

/// The lookups made and the decision reached for one domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Plan {
    /// Every question asked, in order.
    pub lookups: Vec<Lookup>,
    /// The decision.
    pub decision: Decision,
}

/// The sending MTA, as the routing rules need it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Sender<'a> {
    /// Its host name.
    pub name: &'a str,
    /// Its address.
    pub address: &'a str,
}

/// Resolves `domain` for `sender` (RFC 5321 §5.1): MX records (CNAMEs followed), a null
/// MX or a missing domain bounce, no MX falls back to the A record as an implicit MX,
/// exchangers sorted by preference with equal ones in an order drawn from `seed`, and
/// when the sender is itself an exchanger only more preferred ones are kept.
pub(super) fn plan(zone: &DnsZone, domain: &str, sender: Sender<'_>, seed: u64) -> Plan {
    let (mut lookups, canonical) = zone.resolve(domain, QueryType::Mx);
    let last = lookups.last().map(|l| l.answer.clone());
    let records = match last {
        Some(Answer::Mx { records }) if records.iter().any(MxRecord::is_null) => {
            return bounce(lookups, null_mx(domain));
        }
        Some(Answer::Mx { records }) => records,
        Some(Answer::NoData) => {
            let (more, _) = zone.resolve(&canonical, QueryType::A);
            let has_address = matches!(more.last().map(|l| &l.answer), Some(Answer::A { .. }));
            lookups.extend(more);
            if !has_address {
                return bounce(lookups, no_route(domain));
            }
            vec![MxRecord {
                name: canonical.clone(),
                preference: 0,
                exchange: canonical.clone(),
            }]
        }
        Some(Answer::CnameLoop) => return bounce(lookups, no_route(domain)),
        _ => return bounce(lookups, no_such_domain(domain)),
    };
    let implicit = records.len() == 1 && records.iter().all(|r| r.exchange == canonical);
    let mut order = addresses(zone, &records, &mut lookups);
    shuffle_equal(&mut order, seed);
    let listed = describe(&order);
    let own = order
        .iter()
        .filter(|c| is_self(c, sender))
        .map(|c| c.preference)
        .min();
    let mut explanation = if implicit && lookups.iter().any(|l| l.query == QueryType::A) {
        format!(
            "{domain} has no MX record but an address: it is its own mail exchanger \
             (an implicit MX with preference 0)."
        )
    } else {
        format!("The mail exchangers for {domain}, most preferred (lowest number) first: {listed}.")
    };
    if has_ties(&order) {
        explanation.push_str(
            " Exchangers with the same preference are tried in a random order (drawn from the \
             scenario's seed), which spreads the load between them.",
        );
    }
    if let Some(own) = own {
        order.retain(|c| c.preference < own);
        if order.is_empty() {
            return bounce(lookups, loops_back(domain, sender.name, own));
        }
        explanation.push_str(&format!(
            " {} is itself an exchanger (preference {own}), so it may pass the mail only to a \
             more preferred one: {}. Handing it to an equal or less preferred exchanger could \
             send it round in a loop.",
            sender.name,
            describe(&order)
        ));
    }
    Plan {
        lookups,
        decision: Decision::Try { order, explanation },
    }
}

fn bounce(lookups: Vec<Lookup>, failure: Failure) -> Plan {
    Plan {
        lookups,
        decision: Decision::Bounce(failure),
    }
}

fn null_mx(domain: &str) -> Failure {
    Failure {
        reply: format!("556 5.1.10 Recipient address rejected: {domain} accepts no mail (null MX)"),
        status: EnhancedCode::new(5, 1, 10),
        explanation: format!(
            "{domain} publishes a null MX (`0 .`): it says it accepts no mail at all. The sender \
             does not try any host and returns the mail at once with 556 5.1.10."
        ),
        rfc: "RFC 7505 §4.1",
    }
}

fn no_such_domain(domain: &str) -> Failure {
    Failure {
        reply: format!("550 5.1.2 Host or domain name not found: {domain} (NXDOMAIN)"),
        status: EnhancedCode::new(5, 1, 2),
        explanation: format!(
            "{domain} does not exist in the DNS, so there is nobody to deliver to: the mail goes \
             back to its sender with 5.1.2 (bad destination system address)."
        ),
        rfc: "RFC 5321 §5.1",
    }
}

fn no_route(domain: &str) -> Failure {
    Failure {
        reply: format!("550 5.4.4 Unable to route: {domain} has no MX and no address"),
        status: EnhancedCode::new(5, 4, 4),
        explanation: format!(
            "{domain} exists but has neither MX records nor an address to use as an implicit MX: \
             there is no route, and the mail goes back to its sender."
        ),
        rfc: "RFC 5321 §5.1",
    }
}

fn loops_back(domain: &str, me: &str, own: u16) -> Failure {
    Failure {
        reply: format!("554 5.4.6 Mail for {domain} loops back to myself"),
        status: EnhancedCode::new(5, 4, 6),
        explanation: format!(
            "{me} is the most preferred exchanger for {domain} (preference {own}) but does not \
             deliver it itself: after dropping every exchanger at its own preference or worse, \
             none is left. The zone or the host's configuration is wrong."
        ),
        rfc: "RFC 5321 §5.1",
    }
}

/// The exchangers with their addresses, each looked up once (and its lookups kept).
fn addresses(zone: &DnsZone, records: &[MxRecord], lookups: &mut Vec<Lookup>) -> Vec<MxChoice> {
    let mut order: Vec<MxChoice> = Vec::new();
    let mut sorted = records.to_vec();
    sorted.sort_by_key(|r| r.preference);
    for record in sorted {
        if order
            .iter()
            .any(|c| same_name(&c.exchange, &record.exchange))
        {
            continue;
        }
        let known = lookups.iter().rev().find_map(|l| match &l.answer {
            Answer::A { addresses } if same_name(&l.name, &record.exchange) => {
                Some(addresses.first().cloned())
            }
            _ => None,
        });
        let address = match known {
            Some(address) => address,
            None => {
                let (asked, _) = zone.resolve(&record.exchange, QueryType::A);
                let address = match asked.last().map(|l| &l.answer) {
                    Some(Answer::A { addresses }) => addresses.first().cloned(),
                    _ => None,
                };
                lookups.extend(asked);
                address
            }
        };
        order.push(MxChoice {
            preference: record.preference,
            exchange: record.exchange.trim_end_matches('.').to_owned(),
            address,
        });
    }
    order
}

/// Shuffles each run of equal preferences (Fisher–Yates over a seeded generator).
fn shuffle_equal(order: &mut [MxChoice], seed: u64) {
    let mut entropy = Entropy::from_seed(seed);
    let mut start = 0;
    while start < order.len() {
        let preference = order.get(start).map(|c| c.preference);
        let end = order
            .iter()
            .skip(start)
            .position(|c| Some(c.preference) != preference)
            .map_or(order.len(), |n| start + n);
        if let Some(group) = order.get_mut(start..end) {
            for i in (1..group.len()).rev() {
                let j = (entropy.next_u64() % (i as u64 + 1)) as usize;
                group.swap(i, j);
            }
        }
        start = end;
    }
}

fn has_ties(order: &[MxChoice]) -> bool {
    order
        .windows(2)
        .any(|pair| matches!(pair, [a, b] if a.preference == b.preference))
}

fn is_self(choice: &MxChoice, sender: Sender<'_>) -> bool {
    same_name(&choice.exchange, sender.name) || choice.address.as_deref() == Some(sender.address)
}

/// `10 mx1.example.org, 20 mx2.example.org`.
fn describe(order: &[MxChoice]) -> String {
    order
        .iter()
        .map(|c| format!("{} {}", c.preference, c.exchange))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The explanation of one lookup, for its world event.
pub(super) fn lookup_explanation(lookup: &Lookup) -> (String, &'static str) {
    let Lookup {
        name,
        query,
        answer,
    } = lookup;
    let query = query.label();
    match answer {
        Answer::Cname { target } => (
            format!(
                "{name} is an alias (CNAME) of {target}: the sender asks again for {target} and \
                 treats it as if it were the name it started with."
            ),
            "RFC 5321 §5.1",
        ),
        Answer::Mx { records } if records.iter().any(MxRecord::is_null) => (
            format!("{name}'s MX is `0 .`, a null MX: the domain declares that it takes no mail."),
            "RFC 7505 §3",
        ),
        Answer::Mx { records } => (
            format!(
                "{name} has {} MX record{}: {}.",
                records.len(),
                if records.len() == 1 { "" } else { "s" },
                answer.summary()
            ),
            "RFC 5321 §5.1",
        ),
        Answer::A { addresses } => (
            format!("{name} has the address {}.", addresses.join(", ")),
            "RFC 5321 §5.1",
        ),
        Answer::NoData => (
            format!("{name} exists but has no {query} record."),
            "RFC 5321 §5.1",
        ),
        Answer::NxDomain => (
            format!("{name} does not exist (NXDOMAIN)."),
            "RFC 5321 §5.1",
        ),
        Answer::CnameLoop => (
            format!("{name}: the CNAME chain does not end; the sender stops following it."),
            "RFC 5321 §5.1",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::dns::ARecord;

    fn record(name: &str, preference: u16, exchange: &str) -> MxRecord {
        MxRecord {
            name: name.into(),
            preference,
            exchange: exchange.into(),
        }
    }

    fn a(name: &str, address: &str) -> ARecord {
        ARecord {
            name: name.into(),
            address: address.into(),
        }
    }

    const OUTSIDER: Sender<'static> = Sender {
        name: "mail.example.net",
        address: "198.51.100.5",
    };

    fn order(plan: &Plan) -> Vec<(u16, String)> {
        match &plan.decision {
            Decision::Try { order, .. } => order
                .iter()
                .map(|c| (c.preference, c.exchange.clone()))
                .collect(),
            Decision::Bounce(failure) => panic!("bounced: {failure:?}"),
        }
    }

    #[test]
    fn exchangers_are_tried_lowest_preference_first() {
        let zone = DnsZone {
            mx: vec![
                record("d.example", 20, "b.example"),
                record("d.example", 10, "a.example"),
            ],
            a: vec![a("a.example", "192.0.2.1"), a("b.example", "192.0.2.2")],
            ..DnsZone::default()
        };
        let plan = plan(&zone, "d.example", OUTSIDER, 1);
        assert_eq!(
            order(&plan),
            [(10, "a.example".into()), (20, "b.example".into())]
        );
    }
}
