//! Server configuration: a plain serde struct shared by the page, the loopback and the
//! TCP front door. Defaults follow the RFCs.

use serde::{Deserialize, Serialize};

/// Which extensions the EHLO reply lists. Each can be switched off so a learner can see
/// what an older server does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExtensionSwitches {
    /// RFC 2920.
    pub pipelining: bool,
    /// RFC 1870.
    pub size: bool,
    /// RFC 6152.
    pub eight_bit_mime: bool,
    /// RFC 2034.
    pub enhanced_status_codes: bool,
    /// Whether VRFY is listed (RFC 5321 §3.5).
    pub vrfy: bool,
    /// RFC 1985.
    pub etrn: bool,
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
        }
    }
}

/// Everything a server engine needs to know about itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ServerConfig {
    /// The name in the greeting, the EHLO reply and Received headers.
    pub hostname: String,
    /// Text after the hostname in the 220 greeting.
    pub greeting: String,
    /// Domains this server delivers to locally.
    pub local_domains: Vec<String>,
    /// Extensions advertised.
    pub extensions: ExtensionSwitches,
    /// Largest message accepted, in octets; `None` means no announced limit (an internal
    /// cap still bounds memory).
    pub max_message_size: Option<u64>,
    /// Recipients per transaction (RFC 5321 §4.5.3.1.8 asks for at least 100).
    pub max_recipients: usize,
    /// Bad commands tolerated before 421 (Postfix: `smtpd_hard_error_limit` = 20).
    pub max_errors: u32,
    /// Idle time before 421, in milliseconds (RFC 5321 §4.5.3.2.7: at least 5 minutes).
    pub idle_timeout_ms: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            hostname: "mx.example.org".into(),
            greeting: "ESMTP Playground".into(),
            local_domains: vec!["example.org".into()],
            extensions: ExtensionSwitches::default(),
            max_message_size: Some(10_240_000),
            max_recipients: 100,
            max_errors: 20,
            idle_timeout_ms: 5 * crate::time::MINUTE,
        }
    }
}

impl ServerConfig {
    /// True if `domain` is one of the local domains (case-insensitive).
    pub fn is_local_domain(&self, domain: &str) -> bool {
        self.local_domains
            .iter()
            .any(|local| local.eq_ignore_ascii_case(domain))
    }
}
