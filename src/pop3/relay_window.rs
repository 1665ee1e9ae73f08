//! POP-before-SMTP (no RFC): after a successful POP3 login the SMTP server lets the
//! client's address relay for a while. Daemons such as pop-before-smtp, DRAC and
//! poprelayd keep the address for 30 minutes. Sans-IO like the engines: the caller
//! passes the time in.
//!
//! The scheme trusts the source address alone, so anyone who shares it (behind the same
//! NAT) or forges it may relay too; SMTP AUTH (RFC 4954) authenticates the session
//! itself and replaced it.

use litemap::LiteMap;

use serde::Serialize;

use crate::time::{Millis, MINUTE};

/// How long a POP3 login lets its address relay, as the common daemons default to.
pub const DEFAULT_RELAY_WINDOW: Millis = 30 * MINUTE;

const CAVEAT: &str = "POP-before-SMTP trusts the source address alone: anyone who shares \
or forges it relays too, which is why SMTP AUTH (RFC 4954) replaced it.";

/// The answer to "may this address relay now?", with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelayDecision {
    /// True when the address may relay.
    pub allowed: bool,
    /// When the address's window ends (or ended), if it ever logged in.
    pub expires_at: Option<Millis>,
    /// One line for a learner.
    pub explanation: String,
}

/// Addresses that logged in to POP3 recently, each with the end of its window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelayWindow {
    duration: Millis,
    #[serde(serialize_with = "crate::sorted_map::as_object")]
    expiries: LiteMap<String, Millis>,
}

impl Default for RelayWindow {
    fn default() -> Self {
        Self::new(DEFAULT_RELAY_WINDOW)
    }
}

impl RelayWindow {
    /// A window in which a login lets its address relay for `duration` milliseconds.
    pub fn new(duration: Millis) -> Self {
        Self {
            duration,
            expiries: LiteMap::new(),
        }
    }

    /// Records a successful POP3 login from `address` at `now` and returns when its
    /// window ends. A new login restarts the window. Windows already over are dropped,
    /// so memory holds only the addresses currently allowed.
    pub fn authorised(&mut self, address: &str, now: Millis) -> Millis {
        self.prune(now);
        let expires = now.saturating_add(self.duration);
        self.expiries.insert(address.to_owned(), expires);
        expires
    }

    /// True when `address` logged in within the window.
    pub fn allows(&self, address: &str, now: Millis) -> bool {
        self.decide(address, now).allowed
    }

    /// Whether `address` may relay at `now`, and why.
    pub fn decide(&self, address: &str, now: Millis) -> RelayDecision {
        let expires_at = self.expiries.get(address).copied();
        let (allowed, reason) = match expires_at {
            Some(end) if now < end => (
                true,
                format!(
                    "{address} logged in to POP3 recently; relaying is allowed for {} more.",
                    minutes_and_seconds(end.saturating_sub(now))
                ),
            ),
            Some(end) => (
                false,
                format!(
                    "{address}'s POP3 login window ended {} ago; relaying is denied until it logs in again.",
                    minutes_and_seconds(now.saturating_sub(end))
                ),
            ),
            None => (
                false,
                format!("No POP3 login from {address} is recorded; relaying is denied."),
            ),
        };
        RelayDecision {
            allowed,
            expires_at,
            explanation: format!("{reason} {CAVEAT}"),
        }
    }

    /// Forgets windows that ended before `now`.
    pub fn prune(&mut self, now: Millis) {
        self.expiries.retain(|_, end| now < *end);
    }

    /// True when no address is remembered.
    pub fn is_empty(&self) -> bool {
        self.expiries.is_empty()
    }
}

fn minutes_and_seconds(span: Millis) -> String {
    let seconds = span / 1000;
    format!("{} min {:02} s", seconds / 60, seconds % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_opens_on_login_and_closes_after_the_duration() {
        let mut window = RelayWindow::default();
        let login = 1_000_000;
        assert!(!window.allows("192.0.2.7", login));
        assert_eq!(
            window.authorised("192.0.2.7", login),
            login + DEFAULT_RELAY_WINDOW
        );
        assert!(window.allows("192.0.2.7", login + DEFAULT_RELAY_WINDOW - 1));
        assert!(!window.allows("192.0.2.8", login));
        let after = window.decide("192.0.2.7", login + DEFAULT_RELAY_WINDOW);
        assert!(!after.allowed);
        assert!(
            after.explanation.contains("ended 0 min 00 s ago"),
            "{}",
            after.explanation
        );
        assert!(after.explanation.contains("SMTP AUTH"));
    }
}
