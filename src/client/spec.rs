//! What the client is asked to do: a plain serde struct used by the page, the loopback
//! and the command line alike. JSON field names are camelCase; every field of
//! [`ClientSpec`] and [`MessageSpec`] is optional and falls back to the default.
//!
//! ```json
//! {
//!   "hostname": "client.example.net",
//!   "hello": "EHLO",
//!   "pipelining": "auto",
//!   "eightBit": "downgrade",
//!   "quitAfter": null,
//!   "auth": { "mechanism": "auto", "user": "alice", "password": "S3cret-pw",
//!             "authzid": null, "loginInitialResponse": false,
//!             "preference": ["DIGEST-MD5", "CRAM-MD5", "PLAIN", "LOGIN"],
//!             "realm": null, "serverName": null },
//!   "rawLines": [{ "after": "greeting", "line": "XYZZY" }],
//!   "message": {
//!     "from": "alice@example.net",
//!     "to": ["bob@example.org"], "cc": [], "bcc": [],
//!     "subject": "Hello", "date": null, "messageId": null,
//!     "headers": [{ "name": "X-Mailer", "value": "playground" }],
//!     "body": "Hi Bob,\n"
//!   }
//! }
//! ```
//!
//! `hello`: `EHLO` | `HELO`; `pipelining`: `auto` | `off`; `eightBit`: `downgrade` |
//! `refuse`; `quitAfter` and `rawLines[].after`: `greeting` | `ehlo` | `auth` | `mail` |
//! `rcpt` | `data`. `auth` is `null` (no AUTH) or an [`AuthSpec`]: `mechanism` is
//! `auto` | `PLAIN` | `LOGIN` | `CRAM-MD5` | `DIGEST-MD5`.

use serde::{Deserialize, Serialize};

pub use super::auth::AuthSpec;

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

/// Whether to pipeline when the server offers PIPELINING (RFC 2920).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PipeliningMode {
    /// Pipeline MAIL, RCPT… and DATA when the server offers it.
    #[default]
    Auto,
    /// Always lock-step: one command, one reply.
    Off,
}

/// What to do with an 8-bit body when the server does not offer 8BITMIME (RFC 6152).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EightBitPolicy {
    /// Re-encode the body as quoted-printable (RFC 2045 §6.7), which is 7-bit.
    #[default]
    Downgrade,
    /// Do not send the message, and say why.
    Refuse,
}

/// A point in the session, after the reply to that step: where the client may stop
/// (like swaks's `--quit-after`) or send raw lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Step {
    /// After the 220 greeting.
    Greeting,
    /// After the EHLO (or HELO) reply.
    Ehlo,
    /// After the AUTH exchange (235 or not); the same point as `ehlo` when the spec asks
    /// for no AUTH.
    Auth,
    /// After the reply to MAIL FROM.
    Mail,
    /// After the replies to every RCPT TO of the first transaction.
    Rcpt,
    /// After the final reply to the first message (no later transaction for recipients
    /// deferred by a 452).
    Data,
}

impl Step {
    /// The name used in explanations.
    pub fn name(self) -> &'static str {
        match self {
            Self::Greeting => "greeting",
            Self::Ehlo => "EHLO",
            Self::Auth => "AUTH",
            Self::Mail => "MAIL",
            Self::Rcpt => "RCPT",
            Self::Data => "DATA",
        }
    }
}

/// A line sent exactly as typed at a chosen point, for experiments: the server's answer
/// is shown and the session goes on. The text may hold any characters except CR, LF and
/// NUL: the engine adds the CRLF itself, so a line can never smuggle a second command
/// or a bare line ending; a spec with CR, LF or NUL in a raw line is refused before
/// anything is sent (split it into several lines instead).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawLine {
    /// Sent after the reply to this step.
    pub after: Step,
    /// The line, without line ending.
    pub line: String,
}

/// One extra header field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Header {
    /// Field name: printable ASCII without `:` (RFC 5322 §2.2).
    pub name: String,
    /// Unfolded value; folded or encoded by the engine. No CR, LF or NUL.
    pub value: String,
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
    /// Subject; non-ASCII text is sent as RFC 2047 encoded-words.
    pub subject: String,
    /// The Date header as written; `None` formats the injected clock (RFC 5322 §3.3).
    pub date: Option<String>,
    /// The Message-ID (with or without angle brackets); `None` generates one from the
    /// seed and the client hostname.
    pub message_id: Option<String>,
    /// Extra header fields, in order, after the standard ones.
    pub headers: Vec<Header>,
    /// The body, any line endings (normalised to CRLF), any Unicode.
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
            date: None,
            message_id: None,
            headers: Vec::new(),
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
    /// Pipeline when offered, or never.
    pub pipelining: PipeliningMode,
    /// 8-bit body and no 8BITMIME: downgrade or refuse.
    pub eight_bit: EightBitPolicy,
    /// Stop with QUIT after this step, like swaks's `--quit-after`.
    pub quit_after: Option<Step>,
    /// Lines sent as typed at chosen points.
    pub raw_lines: Vec<RawLine>,
    /// Authenticate with SMTP AUTH after EHLO (RFC 4954); `None` (JSON `null`) for no
    /// AUTH.
    pub auth: Option<AuthSpec>,
}

impl Default for ClientSpec {
    fn default() -> Self {
        Self {
            hostname: "client.example.net".into(),
            hello: HelloMode::Ehlo,
            message: MessageSpec::default(),
            pipelining: PipeliningMode::Auto,
            eight_bit: EightBitPolicy::Downgrade,
            quit_after: None,
            raw_lines: Vec::new(),
            auth: None,
        }
    }
}
