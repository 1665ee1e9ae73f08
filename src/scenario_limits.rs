//! How large a scenario may be before it runs. A scenario arrives from a shared link
//! (`#s=`), so it is untrusted: a megabyte of JSON naming thousands of recipients for
//! a large body would make the engines record gigabytes (every copy, every octet on the
//! wire, twice over for the page) and exhaust the page's memory. Each bound is checked
//! up front and a refusal names the limit, so the page can say what to shrink.

use core::fmt;

use crate::client::ClientSpec;
use crate::loopback::Scenario;
use crate::world::{WorldScenario, WorldStep};

/// Recipients (To, Cc and Bcc together) of one message.
pub const MAX_RECIPIENTS: usize = 1_000;
/// Octets of one message body.
pub const MAX_BODY_OCTETS: usize = 1024 * 1024;
/// Raw lines of one client, and POP3 command lines of one connection.
pub const MAX_RAW_LINES: usize = 1_000;
/// Octets the copies of every message of the scenario may add up to (body and
/// headers, once per recipient): roughly what the timeline will hold.
pub const MAX_RECORDED_OCTETS: usize = 16 * 1024 * 1024;
/// Steps of a multi-host scenario.
pub const MAX_WORLD_STEPS: usize = 1_000;
/// Records (MX, A and CNAME together) and host states of a world's DNS zone.
pub const MAX_DNS_RECORDS: usize = 1_000;

/// The first limit a scenario goes past.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LimitError {
    /// More than [`MAX_RECIPIENTS`] recipients in one message.
    Recipients {
        /// How many were given.
        count: usize,
    },
    /// A body of more than [`MAX_BODY_OCTETS`].
    Body {
        /// Its size.
        octets: usize,
    },
    /// More than [`MAX_RAW_LINES`] raw or POP3 lines.
    RawLines {
        /// How many were given.
        count: usize,
    },
    /// The copies would add up to more than [`MAX_RECORDED_OCTETS`].
    Recorded {
        /// The estimate.
        octets: usize,
    },
    /// More than [`MAX_WORLD_STEPS`] steps.
    Steps {
        /// How many were given.
        count: usize,
    },
    /// More than [`MAX_DNS_RECORDS`] records in the world's zone.
    DnsRecords {
        /// How many were given.
        count: usize,
    },
}

impl fmt::Display for LimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Recipients { count } => write!(
                f,
                "the scenario names {count} recipients for one message; the limit is {MAX_RECIPIENTS} (recipients)"
            ),
            Self::Body { octets } => write!(
                f,
                "the message body is {octets} octets; the limit is {MAX_BODY_OCTETS} (body size)"
            ),
            Self::RawLines { count } => write!(
                f,
                "the scenario has {count} raw lines for one connection; the limit is {MAX_RAW_LINES} (raw lines)"
            ),
            Self::Recorded { octets } => write!(
                f,
                "the scenario would record about {octets} octets of message copies (recipients × message size); \
                 the limit is {MAX_RECORDED_OCTETS} (total recorded octets)"
            ),
            Self::Steps { count } => write!(
                f,
                "the scenario has {count} steps; the limit is {MAX_WORLD_STEPS} (steps)"
            ),
            Self::DnsRecords { count } => write!(
                f,
                "the DNS zone has {count} records; the limit is {MAX_DNS_RECORDS} (DNS records)"
            ),
        }
    }
}

impl std::error::Error for LimitError {}

/// Checks a single client–server scenario.
pub(crate) fn check_scenario(scenario: &Scenario) -> Result<(), LimitError> {
    let recorded = check_client(&scenario.client)?;
    check_recorded(recorded)
}

/// Checks a multi-host scenario: every step, and the copies of all its messages.
pub(crate) fn check_world(scenario: &WorldScenario) -> Result<(), LimitError> {
    let steps = scenario.steps.len();
    if steps > MAX_WORLD_STEPS {
        return Err(LimitError::Steps { count: steps });
    }
    let dns = &scenario.dns;
    let records = dns.mx.len() + dns.a.len() + dns.cname.len() + dns.hosts.len();
    if records > MAX_DNS_RECORDS {
        return Err(LimitError::DnsRecords { count: records });
    }
    let mut recorded = 0usize;
    for step in &scenario.steps {
        match step {
            WorldStep::Smtp { client, .. } => {
                recorded = recorded.saturating_add(check_client(client)?);
            }
            WorldStep::Pop3 { lines, .. } if lines.len() > MAX_RAW_LINES => {
                return Err(LimitError::RawLines { count: lines.len() });
            }
            WorldStep::Pop3 { .. }
            | WorldStep::Wait { .. }
            | WorldStep::Deliver { .. }
            | WorldStep::HostState { .. } => {}
        }
    }
    check_recorded(recorded)
}

/// Checks one client; returns the octets its message's copies would take.
fn check_client(spec: &ClientSpec) -> Result<usize, LimitError> {
    let message = &spec.message;
    let recipients = message
        .to
        .len()
        .saturating_add(message.cc.len())
        .saturating_add(message.bcc.len());
    if recipients > MAX_RECIPIENTS {
        return Err(LimitError::Recipients { count: recipients });
    }
    let body = message.body.len();
    if body > MAX_BODY_OCTETS {
        return Err(LimitError::Body { octets: body });
    }
    if spec.raw_lines.len() > MAX_RAW_LINES {
        return Err(LimitError::RawLines {
            count: spec.raw_lines.len(),
        });
    }
    let headers: usize = message
        .headers
        .iter()
        .map(|h| h.name.len().saturating_add(h.value.len()))
        .chain(message.to.iter().chain(&message.cc).map(String::len))
        .fold(message.subject.len(), usize::saturating_add);
    let size = body.saturating_add(headers);
    Ok(size.saturating_mul(recipients.max(1)))
}

fn check_recorded(octets: usize) -> Result<(), LimitError> {
    if octets > MAX_RECORDED_OCTETS {
        return Err(LimitError::Recorded { octets });
    }
    Ok(())
}

// Test code only: its unwraps run on fixed test inputs.
#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(recipients: usize, body: usize) -> Scenario {
        let mut scenario = Scenario::default();
        scenario.client.message.to = (0..recipients)
            .map(|n| format!("r{n}@example.org"))
            .collect();
        scenario.client.message.body = "x".repeat(body);
        scenario
    }

    #[test]
    fn the_default_scenario_runs() {
        assert_eq!(check_scenario(&Scenario::default()), Ok(()));
    }

    #[test]
    fn each_limit_is_named() {
        let many = check_scenario(&scenario(MAX_RECIPIENTS + 1, 10)).unwrap_err();
        assert!(many.to_string().contains("(recipients)"), "{many}");
        let big = check_scenario(&scenario(1, MAX_BODY_OCTETS + 1)).unwrap_err();
        assert!(big.to_string().contains("(body size)"), "{big}");
        let recorded = check_scenario(&scenario(100, 200_000)).unwrap_err();
        assert!(
            matches!(recorded, LimitError::Recorded { .. }),
            "{recorded}"
        );
        assert!(recorded.to_string().contains("(total recorded octets)"));
        assert_eq!(check_scenario(&scenario(100, 100_000)), Ok(()));
    }
}
