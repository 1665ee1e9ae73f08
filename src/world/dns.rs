//! The world's simulated DNS: a zone of MX, A and CNAME records, and which hosts answer
//! on port 25. Pure data and a resolver over it: no sockets, no caches, no clock. The
//! router ([`super::routing`]) asks it what RFC 5321 §5.1 needs and records every
//! answer as a world event.
//!
//! A zone as JSON (every field optional):
//!
//! ```json
//! { "mx": [{ "name": "example.org", "preference": 10, "exchange": "mx1.example.org" },
//!          { "name": "nomail.example", "preference": 0, "exchange": "." }],
//!   "a": [{ "name": "mx1.example.org", "address": "192.0.2.10" }],
//!   "cname": [{ "name": "mail.example.org", "target": "example.org" }],
//!   "hosts": [{ "host": "mx1.example.org", "state": "refused" }] }
//! ```
//!
//! A name with no record of any type does not exist (NXDOMAIN); a name with records,
//! but none of the type asked, exists with no data. A null MX (RFC 7505) is an MX whose
//! exchange is `.`.

use serde::{Deserialize, Serialize};

/// Longest CNAME chain followed; past it the name counts as not resolvable (a loop).
pub const MAX_CNAME_CHAIN: usize = 8;

/// One MX record: mail for `name` goes to `exchange`; lower preference first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct MxRecord {
    /// The owner name (the mail domain).
    pub name: String,
    /// Lower is tried first (RFC 5321 §5.1).
    pub preference: u16,
    /// The host that takes the mail, or `.` for a null MX (RFC 7505).
    pub exchange: String,
}

impl MxRecord {
    /// True for RFC 7505's "this domain accepts no mail": the exchange is the root.
    pub fn is_null(&self) -> bool {
        self.exchange.trim() == "."
    }
}

/// One A record: `name` has this IPv4 address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ARecord {
    /// The owner name.
    pub name: String,
    /// The address, as the hosts' `address` fields write it.
    pub address: String,
}

/// One CNAME record: `name` is an alias of `target`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CnameRecord {
    /// The alias.
    pub name: String,
    /// The canonical name.
    pub target: String,
}

/// How a host answers a connection to its SMTP port.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum HostState {
    /// It accepts connections and mail.
    #[default]
    Up,
    /// Nothing listens, or the line is down: the connection is refused.
    Refused,
    /// It talks, but cannot store mail now: after the message text it answers
    /// `452 4.3.1` (its disk is full), a temporary failure.
    Deferring,
}

impl HostState {
    /// The state's name as the scenario writes it: `up`, `refused`, `deferring`.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Refused => "refused",
            Self::Deferring => "deferring",
        }
    }
}

/// The state a host starts in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct HostAvailability {
    /// The host's name (as in the scenario's hosts).
    pub host: String,
    /// How it answers.
    pub state: HostState,
}

/// The zone every host of the world resolves against.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DnsZone {
    /// MX records.
    pub mx: Vec<MxRecord>,
    /// A records.
    pub a: Vec<ARecord>,
    /// CNAME records.
    pub cname: Vec<CnameRecord>,
    /// Hosts that do not start up (the rest are up).
    pub hosts: Vec<HostAvailability>,
}

/// The record type asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum QueryType {
    /// Mail exchangers.
    Mx,
    /// An IPv4 address.
    A,
}

impl QueryType {
    /// As written in a zone file and in `dig`'s output.
    pub fn label(self) -> &'static str {
        match self {
            QueryType::Mx => "MX",
            QueryType::A => "A",
        }
    }
}

/// What one question got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Answer {
    /// The name is an alias: ask again for the target.
    Cname {
        /// The canonical name.
        target: String,
    },
    /// MX records, in zone order.
    Mx {
        /// The records.
        records: Vec<MxRecord>,
    },
    /// Addresses.
    A {
        /// The addresses.
        addresses: Vec<String>,
    },
    /// The name exists but has no record of the type asked.
    NoData,
    /// The name does not exist.
    NxDomain,
    /// A CNAME chain longer than [`MAX_CNAME_CHAIN`] (a loop, most likely).
    CnameLoop,
}

impl Answer {
    /// The answer in one short line, as the diagram labels it.
    pub fn summary(&self) -> String {
        match self {
            Answer::Cname { target } => format!("CNAME {target}"),
            Answer::Mx { records } => records
                .iter()
                .map(|r| format!("{} {}", r.preference, r.exchange))
                .collect::<Vec<_>>()
                .join(", "),
            Answer::A { addresses } => addresses.join(", "),
            Answer::NoData => "no records of that type".into(),
            Answer::NxDomain => "NXDOMAIN".into(),
            Answer::CnameLoop => "CNAME chain too long".into(),
        }
    }
}

/// One question and its answer, as the resolver asked it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lookup {
    /// The name asked about.
    pub name: String,
    /// The type asked for.
    pub query: QueryType,
    /// The answer.
    pub answer: Answer,
}

/// Names compare without case and without a trailing dot (RFC 1035 §2.3.3).
pub fn same_name(a: &str, b: &str) -> bool {
    normal(a).eq_ignore_ascii_case(normal(b))
}

fn normal(name: &str) -> &str {
    let name = name.trim();
    name.strip_suffix('.')
        .filter(|n| !n.is_empty())
        .unwrap_or(name)
}

impl DnsZone {
    /// True when the zone has no records: the world then routes by its hosts'
    /// configuration alone.
    pub fn is_empty(&self) -> bool {
        self.mx.is_empty() && self.a.is_empty() && self.cname.is_empty()
    }

    /// True when the zone has no records and marks no host: a scenario without DNS.
    pub fn is_unset(&self) -> bool {
        self.is_empty() && self.hosts.is_empty()
    }

    /// True when `name` owns any record.
    pub fn knows(&self, name: &str) -> bool {
        self.mx.iter().any(|r| same_name(&r.name, name))
            || self.a.iter().any(|r| same_name(&r.name, name))
            || self.cname.iter().any(|r| same_name(&r.name, name))
    }

    /// The state `host` starts in.
    pub fn initial_state(&self, host: &str) -> HostState {
        self.hosts
            .iter()
            .find(|h| same_name(&h.host, host))
            .map_or(HostState::Up, |h| h.state)
    }

    /// One question, answered from the zone alone (no CNAME followed).
    pub fn query(&self, name: &str, query: QueryType) -> Answer {
        if let Some(alias) = self.cname.iter().find(|r| same_name(&r.name, name)) {
            return Answer::Cname {
                target: normal(&alias.target).to_owned(),
            };
        }
        let answer = match query {
            QueryType::Mx => {
                let records: Vec<MxRecord> = self
                    .mx
                    .iter()
                    .filter(|r| same_name(&r.name, name))
                    .cloned()
                    .collect();
                (!records.is_empty()).then_some(Answer::Mx { records })
            }
            QueryType::A => {
                let addresses: Vec<String> = self
                    .a
                    .iter()
                    .filter(|r| same_name(&r.name, name))
                    .map(|r| r.address.clone())
                    .collect();
                (!addresses.is_empty()).then_some(Answer::A { addresses })
            }
        };
        match answer {
            Some(answer) => answer,
            None if self.knows(name) => Answer::NoData,
            None => Answer::NxDomain,
        }
    }

    /// Asks for `query` records of `name`, following CNAMEs (RFC 5321 §5.1: the
    /// canonical name is then processed as if it were the name asked). Returns every
    /// question asked, the last one's answer being the result, and the canonical name.
    pub fn resolve(&self, name: &str, query: QueryType) -> (Vec<Lookup>, String) {
        let mut lookups = Vec::new();
        let mut current = normal(name).to_owned();
        loop {
            if lookups.len() > MAX_CNAME_CHAIN {
                lookups.push(Lookup {
                    name: current.clone(),
                    query,
                    answer: Answer::CnameLoop,
                });
                return (lookups, current);
            }
            let answer = self.query(&current, query);
            let next = match &answer {
                Answer::Cname { target } => Some(target.clone()),
                _ => None,
            };
            lookups.push(Lookup {
                name: current.clone(),
                query,
                answer,
            });
            match next {
                Some(target) => current = target,
                None => return (lookups, current),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone() -> DnsZone {
        serde_json::from_str(
            r#"{
              "mx": [{ "name": "example.org", "preference": 20, "exchange": "mx2.example.org" },
                     { "name": "Example.ORG.", "preference": 10, "exchange": "mx1.example.org" },
                     { "name": "nomail.example", "preference": 0, "exchange": "." }],
              "a": [{ "name": "mx1.example.org", "address": "192.0.2.10" },
                    { "name": "plain.example", "address": "192.0.2.30" }],
              "cname": [{ "name": "alias.example", "target": "example.org." },
                        { "name": "loop1.example", "target": "loop2.example" },
                        { "name": "loop2.example", "target": "loop1.example" }],
              "hosts": [{ "host": "mx1.example.org", "state": "refused" }]
            }"#,
        )
        .unwrap()
    }

    #[test]
    fn mx_records_match_without_case_or_trailing_dot() {
        let Answer::Mx { records } = zone().query("example.org", QueryType::Mx) else {
            panic!("MX records expected");
        };
        assert_eq!(records.len(), 2);
        assert_eq!(records[1].exchange, "mx1.example.org");
    }

    #[test]
    fn a_name_without_the_type_is_nodata_and_an_unknown_one_nxdomain() {
        let zone = zone();
        assert_eq!(zone.query("plain.example", QueryType::Mx), Answer::NoData);
        assert_eq!(
            zone.query("nowhere.example", QueryType::Mx),
            Answer::NxDomain
        );
        assert_eq!(
            zone.query("mx2.example.org", QueryType::A),
            Answer::NxDomain
        );
    }

    #[test]
    fn cnames_are_followed_to_the_canonical_name() {
        let (lookups, canonical) = zone().resolve("alias.example", QueryType::Mx);
        assert_eq!(canonical, "example.org");
        assert_eq!(lookups.len(), 2);
        assert_eq!(
            lookups[0].answer,
            Answer::Cname {
                target: "example.org".into()
            }
        );
        assert!(matches!(lookups[1].answer, Answer::Mx { .. }));
    }

    #[test]
    fn a_cname_loop_stops() {
        let (lookups, _) = zone().resolve("loop1.example", QueryType::A);
        assert_eq!(lookups.len(), MAX_CNAME_CHAIN + 2);
        assert_eq!(lookups.last().unwrap().answer, Answer::CnameLoop);
    }

    #[test]
    fn null_mx_and_host_states() {
        let zone = zone();
        let Answer::Mx { records } = zone.query("nomail.example", QueryType::Mx) else {
            panic!("MX records expected");
        };
        assert!(records[0].is_null());
        assert_eq!(zone.initial_state("MX1.example.org"), HostState::Refused);
        assert_eq!(zone.initial_state("mx2.example.org"), HostState::Up);
    }
}
