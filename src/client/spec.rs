//! What the client is asked to do: a plain serde struct used by the page, the loopback
//! and the command line alike.

use serde::{Deserialize, Serialize};

/// How the client greets the server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HelloMode {
    /// EHLO, falling back to HELO on 500/502 (RFC 5321 §3.2).
    #[default]
    Ehlo,
    /// Plain HELO: no extensions.
    Helo,
}

/// The message to send. Addresses are plain `local@domain`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct MessageSpec {
    /// Header From and envelope sender.
    pub from: String,
    /// To recipients.
    pub to: Vec<String>,
    /// Cc recipients.
    pub cc: Vec<String>,
    /// Bcc recipients: on the envelope only, never in the header.
    pub bcc: Vec<String>,
    /// Subject.
    pub subject: String,
    /// The body, any line endings (normalised to CRLF).
    pub body: String,
}

impl Default for MessageSpec {
    fn default() -> Self {
        Self {
            from: "alice@example.net".into(),
            to: vec!["bob@example.org".into()],
            cc: Vec::new(),
            bcc: Vec::new(),
            subject: "Hello from the ESMTP playground".into(),
            body: "Hi Bob,\n\nThis message crossed an in-memory SMTP connection.\n.A line starting with a dot is stuffed.\n\nAlice\n".into(),
        }
    }
}

/// A whole client session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ClientSpec {
    /// The name sent in EHLO/HELO.
    pub hostname: String,
    /// EHLO or HELO.
    pub hello: HelloMode,
    /// The message.
    pub message: MessageSpec,
}

impl Default for ClientSpec {
    fn default() -> Self {
        Self {
            hostname: "client.example.net".into(),
            hello: HelloMode::Ehlo,
            message: MessageSpec::default(),
        }
    }
}
