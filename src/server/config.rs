//! Server configuration: a plain serde struct shared by the page, the loopback and the
//! TCP front door. Defaults follow the RFCs; every strictness switch names the server
//! whose behaviour each of its settings copies, so a learner can reproduce what a real
//! server would answer.

use crate::variant_names::by_name;
use serde::{Deserialize, Serialize};

use super::sasl_exchange::AuthPolicy;

/// Which extensions the EHLO reply lists. Each can be switched off so a learner can see
/// what an older server does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExtensionSwitches {
    /// RFC 2920.
    pub pipelining: bool,
    /// RFC 1870. The limit is [`ServerConfig::max_message_size`].
    pub size: bool,
    /// RFC 6152.
    pub eight_bit_mime: bool,
    /// RFC 2034: when on, every 2xx/4xx/5xx reply except the greeting and the HELO/EHLO
    /// reply carries an RFC 3463 code; when off, none does.
    pub enhanced_status_codes: bool,
    /// Whether VRFY is listed and answered (RFC 5321 §3.5); off → 502 5.5.1, like
    /// Postfix's `disable_vrfy_command = yes`.
    pub vrfy: bool,
    /// RFC 1985.
    pub etrn: bool,
    /// RFC 3461: list `DSN` and take `RET=`, `ENVID=`, `NOTIFY=`, `ORCPT=`. Off → those
    /// parameters get 555 5.5.4.
    pub dsn: bool,
    /// RFC 4954: list `AUTH` with [`ServerConfig::auth`]'s mechanisms and answer the
    /// AUTH command. Off (or no mechanism enabled) → AUTH is not listed and gets 502.
    pub auth: bool,
    /// RFC 6531: UTF-8 addresses in MAIL/RCPT after `SMTPUTF8`, and UTF-8 header fields
    /// (RFC 6532). On by default, as in Postfix 3.7 (`smtputf8_enable = yes`).
    pub smtputf8: bool,
    /// RFC 3030 §2: list CHUNKING and take the message in BDAT chunks. Off → BDAT is
    /// an unknown command (500), as in a server without it.
    pub chunking: bool,
    /// RFC 3030 §3: list BINARYMIME and accept `BODY=BINARYMIME` (only with CHUNKING).
    pub binary_mime: bool,
}

impl Default for ExtensionSwitches {
    fn default() -> Self {
        Self {
            pipelining: true,
            size: true,
            eight_bit_mime: true,
            enhanced_status_codes: true,
            vrfy: false,
            etrn: false,
            dsn: false,
            auth: true,
            smtputf8: true,
            chunking: false,
            binary_mime: false,
        }
    }
}

/// What the server does with mail once accepted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum Role {
    /// A mail exchanger (port 25): relays or delivers the message as received.
    #[default]
    Mx,
    /// A submission server (port 587, RFC 6409): removes the Bcc header before the
    /// message goes anywhere (RFC 5322 §3.6.3), as Python's `send_message()` does on
    /// the client side.
    Submission,
}

by_name!(Role { Mx = "mx", Submission = "submission" });

/// Whether the server speaks ESMTP.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum EhloMode {
    /// EHLO is answered with the extension list (RFC 5321 §4.1.1.1).
    #[default]
    Esmtp,
    /// A pre-ESMTP server that does not know the verb: EHLO → `500` (RFC 821 servers;
    /// RFC 1869 §4.5 says the client then falls back to HELO).
    HeloOnlyUnrecognized,
    /// A server that knows the verb but refuses it: EHLO → `502`.
    HeloOnlyNotImplemented,
}

by_name!(EhloMode { Esmtp = "esmtp", HeloOnlyUnrecognized = "heloOnlyUnrecognized", HeloOnlyNotImplemented = "heloOnlyNotImplemented" });

/// What to do with a LF that has no CR before it (RFC 5321 §2.3.8 allows only CRLF).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum BareLfPolicy {
    /// Refuse: a command line with a bare LF gets `500 5.5.2`, a message containing one
    /// gets `550 5.5.2` at the end of data. Like Postfix `smtpd_forbid_bare_newline =
    /// reject` and KumoMTA `invalid_line_endings = "Deny"` (both answer at once and
    /// Postfix also disconnects; we answer at the end of data so the session goes on).
    #[default]
    Reject,
    /// Accept and store the LF as CRLF. Like Postfix `smtpd_forbid_bare_newline =
    /// normalize` and KumoMTA `invalid_line_endings = "Fix"`. Bare CR is still refused.
    Normalise,
}

by_name!(BareLfPolicy { Reject = "reject", Normalise = "normalise" });

/// What to do when a client sends commands ahead of replies although PIPELINING was not
/// offered (RFC 2920 §3: a client must not do that).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum UnofferedPipeliningPolicy {
    /// Answer each command in order anyway (RFC 2920 sets no server reaction; Postfix
    /// before 3.9, Exim without `pipelining_connect_advertise_hosts` checks).
    #[default]
    Tolerate,
    /// `554 5.5.0` and close, like Postfix 3.9's `smtpd_forbid_unauth_pipelining = yes`.
    Reject,
}

by_name!(UnofferedPipeliningPolicy { Tolerate = "tolerate", Reject = "reject" });

/// What to do with 8-bit octets in a message declared (or defaulted) as 7-bit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum UndeclaredEightBitPolicy {
    /// Accept it as is, like Postfix and Exim, which pass 8-bit text through unchecked.
    #[default]
    Accept,
    /// Refuse with `550 5.6.0` at the end of data: the strict reading of RFC 6152 §3
    /// (a client may send 8-bit only after `BODY=8BITMIME`).
    Reject,
}

by_name!(UndeclaredEightBitPolicy { Accept = "accept", Reject = "reject" });

/// STARTTLS (RFC 3207): whether the EHLO reply lists it and what the command gets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum StartTlsOffer {
    /// Not listed; the command gets `502 5.5.1`, as from a server without TLS.
    #[default]
    Off,
    /// Listed; the command gets `220 2.0.0` and the driver runs the handshake.
    Offered,
    /// Listed, but the command gets `454 4.7.0`: TLS is configured yet cannot start now
    /// (a certificate that cannot be loaded, say).
    Unavailable,
}

by_name!(StartTlsOffer { Off = "off", Offered = "offered", Unavailable = "unavailable" });

/// How strictly the server reads what it receives.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Strictness {
    /// Bare LF in commands and data.
    pub bare_lf: BareLfPolicy,
    /// Commands sent ahead of replies without PIPELINING.
    pub unoffered_pipelining: UnofferedPipeliningPolicy,
    /// 8-bit data without `BODY=8BITMIME`.
    pub undeclared_eight_bit: UndeclaredEightBitPolicy,
}

/// Everything a server engine needs to know about itself. Every field has a default, so
/// the page may send any subset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ServerConfig {
    /// The name in the greeting, the EHLO reply and Received headers.
    pub hostname: String,
    /// Text after the hostname in the 220 greeting.
    pub greeting: String,
    /// Domains this server delivers to locally (its mailboxes).
    pub local_domains: Vec<String>,
    /// Client addresses allowed to relay without authenticating (Postfix `mynetworks`).
    /// Written as the transport reports them, e.g. `192.0.2.10`.
    pub trusted_clients: Vec<String>,
    /// MX or submission.
    pub role: Role,
    /// ESMTP, or a HELO-only server.
    pub ehlo_mode: EhloMode,
    /// Extensions advertised.
    pub extensions: ExtensionSwitches,
    /// Largest message accepted, in octets; `None` means no announced limit (`SIZE`
    /// with no number; an internal cap of 64 MiB still bounds memory).
    pub max_message_size: Option<u64>,
    /// Recipients per transaction (RFC 5321 §4.5.3.1.8 asks for at least 100).
    pub max_recipients: usize,
    /// Errors (negative replies, except 452 for too many recipients) after which the
    /// server answers `421 4.7.0` and closes; a delivered message resets the count.
    /// Postfix `smtpd_hard_error_limit` = 20.
    pub max_errors: u32,
    /// Idle time before `421 4.4.2`, in milliseconds (RFC 5321 §4.5.3.2.7: at least
    /// 5 minutes).
    pub idle_timeout_ms: u64,
    /// Most time one command line may take from its first octet to its line feed, in
    /// milliseconds, however steadily it trickles in (the idle timer restarts on every
    /// octet; this does not). Past it: `421 4.4.2`.
    pub command_deadline_ms: u64,
    /// Most time the whole message text may take, from the 354 to the final ".", in
    /// milliseconds. Past it: `421 4.4.2`.
    pub data_deadline_ms: u64,
    /// How strictly input is read.
    pub strictness: Strictness,
    /// Relay for anyone: the misconfiguration spammers look for, for demonstration only.
    pub open_relay: bool,
    /// SMTP AUTH (RFC 4954): mechanisms, users, the plaintext policy, DIGEST-MD5 realm
    /// and digest-uri aliases. Listed only when `extensions.auth` is on.
    pub auth: AuthPolicy,
    /// STARTTLS (RFC 3207).
    pub starttls: StartTlsOffer,
    /// AUTH only over TLS, like Postfix's `smtpd_tls_auth_only = yes`: before TLS the
    /// EHLO reply does not list AUTH and the command gets `538 5.7.11` (RFC 4954 §6).
    pub auth_requires_tls: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            hostname: "mx.example.org".into(),
            greeting: "ESMTP Playground".into(),
            local_domains: vec!["example.org".into()],
            trusted_clients: Vec::new(),
            role: Role::default(),
            ehlo_mode: EhloMode::default(),
            extensions: ExtensionSwitches::default(),
            max_message_size: Some(10_240_000),
            max_recipients: 100,
            max_errors: 20,
            idle_timeout_ms: 5 * crate::time::MINUTE,
            command_deadline_ms: crate::time::MINUTE,
            data_deadline_ms: 10 * crate::time::MINUTE,
            strictness: Strictness::default(),
            open_relay: false,
            auth: AuthPolicy::default(),
            starttls: StartTlsOffer::default(),
            auth_requires_tls: false,
        }
    }
}

impl ServerConfig {
    /// True if `domain` is one of the local domains (case-insensitive; a U-label and
    /// its A-label name the same domain).
    pub(crate) fn is_local_domain(&self, domain: &str) -> bool {
        self.local_domains
            .iter()
            .any(|local| crate::protocol::idn::same_domain(local, domain))
    }

    /// True if `address` is a trusted client address.
    pub(crate) fn is_trusted_client(&self, address: &str) -> bool {
        self.trusted_clients
            .iter()
            .any(|trusted| trusted.eq_ignore_ascii_case(address))
    }

    /// True when EHLO is answered with extensions.
    pub(crate) fn speaks_esmtp(&self) -> bool {
        self.ehlo_mode == EhloMode::Esmtp
    }

    /// True when this server lists AUTH in its EHLO reply and answers the command: the
    /// switch is on, a mechanism is enabled and the server speaks ESMTP.
    pub(crate) fn offers_auth(&self) -> bool {
        self.extensions.auth && !self.auth.mechanisms.is_empty() && self.speaks_esmtp()
    }

    /// True when the EHLO reply lists STARTTLS (before TLS only: RFC 3207 §4.2).
    pub fn offers_starttls(&self) -> bool {
        self.starttls != StartTlsOffer::Off && self.speaks_esmtp()
    }

    /// True when replies carry enhanced status codes: the switch is on and the server
    /// speaks ESMTP (a HELO-only server cannot advertise the extension).
    pub(crate) fn sends_enhanced_codes(&self) -> bool {
        self.extensions.enhanced_status_codes && self.speaks_esmtp()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_rfcs() {
        let config = ServerConfig::default();
        assert_eq!(config.max_recipients, 100);
        assert_eq!(config.max_errors, 20);
        assert_eq!(config.idle_timeout_ms, 300_000);
        assert_eq!(config.strictness.bare_lf, BareLfPolicy::Reject);
        assert!(!config.open_relay);
        assert!(config.sends_enhanced_codes());
    }

    #[test]
    fn helo_only_server_sends_no_enhanced_codes() {
        let config = ServerConfig {
            ehlo_mode: EhloMode::HeloOnlyUnrecognized,
            ..ServerConfig::default()
        };
        assert!(!config.sends_enhanced_codes());
    }
}
