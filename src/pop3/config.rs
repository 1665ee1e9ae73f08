//! POP3 server configuration: a plain serde struct. The maildrops come from the caller:
//! the multi-host runner passes in what the SMTP server delivered to each user.

use serde::{Deserialize, Serialize};

use crate::time::{Millis, MINUTE};

/// The shortest autologout timer RFC 1939 §3 allows: ten minutes.
pub const MIN_AUTOLOGOUT: Millis = 10 * MINUTE;

/// One user: credentials and the maildrop's messages, oldest first (message 1 first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pop3User {
    /// The maildrop name, as given in USER or APOP (compared exactly).
    pub name: String,
    /// The password for PASS, which is also the shared secret for APOP.
    pub password: String,
    /// The messages, each as stored (CRLF line endings).
    pub messages: Vec<Vec<u8>>,
}

impl Pop3User {
    /// A user with an empty maildrop.
    pub fn new(name: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            password: password.into(),
            messages: Vec::new(),
        }
    }

    /// The same user with these messages.
    pub fn with_messages(mut self, messages: Vec<Vec<u8>>) -> Self {
        self.messages = messages;
        self
    }
}

/// Everything a POP3 server engine needs to know.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Pop3Config {
    /// The name in the greeting and the APOP timestamp.
    pub hostname: String,
    /// Users and their maildrops.
    pub users: Vec<Pop3User>,
    /// Whether the greeting carries an APOP timestamp.
    pub apop: bool,
    /// Use exactly this timestamp instead of a random one, e.g. RFC 1939 §7's
    /// `<1896.697170952@dbc.mtview.ca.us>` to replay the RFC's example.
    pub fixed_timestamp: Option<String>,
    /// Idle time before autologout; values under ten minutes are raised to ten
    /// (RFC 1939 §3: the timer MUST be at least 10 minutes).
    pub autologout_ms: Millis,
    /// Bad commands tolerated before the server closes the connection.
    pub max_errors: u32,
}

impl Default for Pop3Config {
    fn default() -> Self {
        Self {
            hostname: "pop.example.org".into(),
            users: Vec::new(),
            apop: true,
            fixed_timestamp: None,
            autologout_ms: MIN_AUTOLOGOUT,
            max_errors: 20,
        }
    }
}

impl Pop3Config {
    /// The user called `name`, if any.
    pub fn user(&self, name: &str) -> Option<&Pop3User> {
        self.users.iter().find(|user| user.name == name)
    }

    /// The autologout timer actually used: the configured one, at least ten minutes.
    pub(crate) fn effective_autologout(&self) -> Millis {
        self.autologout_ms.max(MIN_AUTOLOGOUT)
    }
}
