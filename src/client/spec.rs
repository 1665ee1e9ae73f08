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
//! `hello`: `EHLO` | `HELO`; `pipelining` and `chunking`: `auto` | `off` (`chunkSize`:
//! octets per BDAT chunk, default 65536); `eightBit`: `downgrade` |
//! `refuse`; `quitAfter` and `rawLines[].after`: `greeting` | `ehlo` | `auth` | `mail` |
//! `rcpt` | `data`. `auth` is `null` (no AUTH) or an [`AuthSpec`]: `mechanism` is
//! `auto` | `PLAIN` | `LOGIN` | `CRAM-MD5` | `DIGEST-MD5`.

use crate::variant_names::by_name;
use serde::{Deserialize, Serialize};

use super::address::NamedAddress;
use super::dsn::{DsnSpec, MessageDsn};
use super::error::{reject_line_breaks, SpecError};
use super::international::{self, Needs};
use super::message::Draft;
pub use super::sasl_exchange::AuthSpec;
use crate::dsn::parameters::{MailDsn, RcptDsn};
use crate::protocol::path::parse_reverse_path;
use crate::protocol::path::PathError;
use crate::protocol::{Domain, Mailbox, ReversePath};
use crate::sasl::Mechanism;
use crate::time::Millis;

/// Most raw lines a spec may carry, and the longest one: enough for any experiment,
/// small enough to keep a shared link and the engine's memory small.
const MAX_RAW_LINES: usize = 64;
const MAX_RAW_LINE: usize = 4096;
/// Longest user name, password, authzid, realm or server name a spec may carry:
/// ample for any real account, small enough to keep the engine's memory small.
const MAX_AUTH_FIELD: usize = 1024;

/// How the client greets the server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum HelloMode {
    /// EHLO, falling back to HELO on 500/502 (RFC 5321 §3.2).
    #[default]
    Ehlo,
    /// Plain HELO: no extensions.
    Helo,
}

by_name!(HelloMode { Ehlo = "EHLO", Helo = "HELO" });

/// Whether to pipeline when the server offers PIPELINING (RFC 2920).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum PipeliningMode {
    /// Pipeline MAIL, RCPT… and DATA when the server offers it.
    #[default]
    Auto,
    /// Always lock-step: one command, one reply.
    Off,
}

by_name!(PipeliningMode { Auto = "auto", Off = "off" });

/// Whether to send the message in BDAT chunks when the server offers CHUNKING (RFC 3030).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum ChunkingMode {
    /// BDAT chunks of [`ClientSpec::chunk_size`] octets when the server offers CHUNKING.
    #[default]
    Auto,
    /// Always DATA, with dot-stuffing and the final dot.
    Off,
}

by_name!(ChunkingMode { Auto = "auto", Off = "off" });

/// The largest chunk a spec may ask for: a chunk is held whole on both sides.
pub const MAX_CHUNK_SIZE: u32 = 10 * 1024 * 1024;

/// When the client uses STARTTLS (RFC 3207).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum TlsPolicy {
    /// Never: the session stays in the clear even when STARTTLS is offered.
    #[default]
    Never,
    /// When offered; without it (or when it is refused) the session goes on in the
    /// clear, which a man in the middle can force by removing it (RFC 3207 §6).
    Opportunistic,
    /// Always: when STARTTLS is not offered or refused the client stops with QUIT,
    /// before any password or message crosses the network in the clear.
    Required,
}

by_name!(TlsPolicy { Never = "never", Opportunistic = "opportunistic", Required = "required" });

/// What to do with an 8-bit body when the server does not offer 8BITMIME (RFC 6152).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum EightBitPolicy {
    /// Re-encode the body as quoted-printable (RFC 2045 §6.7), which is 7-bit.
    #[default]
    Downgrade,
    /// Do not send the message, and say why.
    Refuse,
}

by_name!(EightBitPolicy { Downgrade = "downgrade", Refuse = "refuse" });

/// A point in the session, after the reply to that step: where the client may stop
/// (like swaks's `--quit-after`) or send raw lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
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

by_name!(Step { Greeting = "greeting", Ehlo = "ehlo", Auth = "auth", Mail = "mail", Rcpt = "rcpt", Data = "data" });

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
    /// STARTTLS: never, when offered, or required.
    pub tls: TlsPolicy,
    /// BDAT when CHUNKING is offered, or always DATA.
    pub chunking: ChunkingMode,
    /// Octets per BDAT chunk (the last may be shorter), 1 to [`MAX_CHUNK_SIZE`].
    pub chunk_size: u32,
    /// Delivery status notifications to ask for when the server offers DSN (RFC 3461).
    pub dsn: DsnSpec,
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
            tls: TlsPolicy::Never,
            chunking: ChunkingMode::Auto,
            chunk_size: 64 * 1024,
            dsn: DsnSpec::default(),
        }
    }
}

/// One stored message an MTA passes on: the envelope it was accepted with and its
/// text as stored (trace headers included). See [`super::Client::relay`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelayMessage {
    /// The envelope sender as stored: `<>` or `<local@domain>` (brackets optional).
    pub envelope_from: String,
    /// The envelope recipients, `local@domain` (brackets optional).
    pub recipients: Vec<String>,
    /// The message text, CRLF line endings.
    pub text: Vec<u8>,
    /// The `RET=`/`ENVID=` it was accepted with.
    pub dsn: MailDsn,
    /// The `NOTIFY=`/`ORCPT=` of each recipient, in the order of `recipients`.
    pub recipient_dsn: Vec<RcptDsn>,
}

/// A message checked and ready for its transaction: the envelope and the text.
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    /// The envelope as the wire carries it (A-label domains unless SMTPUTF8 is needed).
    pub sender: ReversePath,
    pub recipients: Vec<Mailbox>,
    pub draft: Draft,
    /// What the addresses need from SMTPUTF8, and their internationalized domains.
    pub needs: Needs,
    pub dsn: MessageDsn,
}

impl Prepared {
    /// Checks the whole spec (addresses, hostname, header values and raw lines may not
    /// hold CR, LF or NUL, and must parse) and builds the message, so nothing malformed
    /// or injected can reach the wire. `now` dates the message unless the spec gives a
    /// Date; `message_id` is used unless the spec gives one.
    pub(crate) fn of_spec(
        spec: &ClientSpec,
        now: Millis,
        message_id: &str,
    ) -> Result<Self, SpecError> {
        check_hostname(&spec.hostname)?;
        let sender = parse_address(&spec.message.from, "From")?;
        let recipients = distinct_recipients(&spec.message)?;
        check_raw_lines(&spec.raw_lines)?;
        if !(1..=MAX_CHUNK_SIZE).contains(&spec.chunk_size) {
            return Err(SpecError::ChunkSize {
                given: spec.chunk_size,
            });
        }
        if let Some(auth) = &spec.auth {
            check_auth(auth)?;
        }
        spec.dsn.check()?;
        let draft = Draft::new(&spec.message, now, message_id)?;
        let needs = Needs::of(core::iter::once(&sender).chain(&recipients));
        let mut envelope =
            Self::on_the_wire(ReversePath::Mailbox(sender), recipients, draft, needs);
        // Keyed by the addresses as the wire carries them (A-label domains without SMTPUTF8).
        envelope.dsn = MessageDsn::of_spec(&spec.dsn, &envelope.recipients);
        Ok(envelope)
    }

    /// The envelope in the form the wire carries (see [`international::on_the_wire`]).
    fn on_the_wire(
        sender: ReversePath,
        recipients: Vec<Mailbox>,
        draft: Draft,
        needs: Needs,
    ) -> Self {
        let smtputf8 = needs.smtputf8();
        let sender = match sender {
            ReversePath::Mailbox(mailbox) => {
                ReversePath::Mailbox(international::on_the_wire(mailbox, smtputf8))
            }
            ReversePath::Null => ReversePath::Null,
        };
        let recipients = recipients
            .into_iter()
            .map(|mailbox| international::on_the_wire(mailbox, smtputf8))
            .collect();
        Self {
            sender,
            recipients,
            draft,
            needs,
            dsn: MessageDsn::default(),
        }
    }

    /// Checks a stored message for relaying; its text goes as stored.
    pub(crate) fn of_relay(message: &RelayMessage) -> Result<Self, SpecError> {
        let from = message.envelope_from.trim();
        let bracketed = if from.starts_with('<') {
            from.to_owned()
        } else {
            format!("<{from}>")
        };
        reject_line_breaks("the envelope sender", &bracketed)?;
        let sender = parse_reverse_path(&bracketed)
            .map(ReversePath::into_owned)
            .map_err(|problem| SpecError::EnvelopeSender {
                text: from.to_owned(),
                problem,
            })?;
        let recipients = message
            .recipients
            .iter()
            .map(|r| {
                parse_address(
                    r.trim().trim_start_matches('<').trim_end_matches('>'),
                    "recipient",
                )
            })
            .collect::<Result<Vec<Mailbox>, SpecError>>()?;
        if recipients.is_empty() {
            return Err(SpecError::RelayWithoutRecipient);
        }
        let sender_mailbox = match &sender {
            ReversePath::Mailbox(mailbox) => Some(mailbox),
            ReversePath::Null => None,
        };
        let needs = Needs::of(sender_mailbox.into_iter().chain(&recipients));
        let draft = Draft::verbatim(message.text.clone());
        let mut envelope = Self::on_the_wire(sender, recipients, draft, needs);
        envelope.dsn = MessageDsn {
            mail: message.dsn.clone(),
            recipients: envelope
                .recipients
                .iter()
                .zip(
                    message
                        .recipient_dsn
                        .iter()
                        .cloned()
                        .chain(core::iter::repeat_with(RcptDsn::default)),
                )
                .map(|(mailbox, rcpt)| (mailbox.to_string(), rcpt))
                .collect(),
        };
        Ok(envelope)
    }
}

/// The name for EHLO/HELO: a domain or address literal, on one line.
pub(crate) fn check_hostname(hostname: &str) -> Result<(), SpecError> {
    reject_line_breaks("the client hostname", hostname)?;
    if !hostname.is_ascii() {
        return Err(SpecError::ClientHostname {
            name: hostname.to_owned(),
            problem: PathError::Syntax(
                "an ASCII name: EHLO takes a domain's A-label form (RFC 6531 §3.7.1)",
            ),
        });
    }
    Domain::parse(hostname)
        .map(drop)
        .map_err(|problem| SpecError::ClientHostname {
            name: hostname.to_owned(),
            problem,
        })
}

/// The envelope mailbox of a From, To, Cc or Bcc entry (a display name stays in the header).
fn parse_address(text: &str, role: &str) -> Result<Mailbox, SpecError> {
    NamedAddress::parse(text, role).map(|address| address.mailbox)
}

/// One envelope recipient per distinct address of To, Cc and Bcc, in that order.
fn distinct_recipients(message: &MessageSpec) -> Result<Vec<Mailbox>, SpecError> {
    let mut recipients: Vec<Mailbox> = Vec::new();
    for address in message.to.iter().chain(&message.cc).chain(&message.bcc) {
        let mailbox = parse_address(address, "recipient")?;
        // Domains are case-insensitive, local-parts are not (RFC 5321 §2.4).
        let same = |known: &Mailbox| {
            known.local_part == mailbox.local_part
                && known
                    .domain
                    .as_str()
                    .eq_ignore_ascii_case(mailbox.domain.as_str())
        };
        if !recipients.iter().any(same) {
            recipients.push(mailbox);
        }
    }
    if recipients.is_empty() {
        return Err(SpecError::NoRecipient);
    }
    Ok(recipients)
}

fn check_raw_lines(raw_lines: &[RawLine]) -> Result<(), SpecError> {
    if raw_lines.len() > MAX_RAW_LINES {
        return Err(SpecError::TooManyRawLines { max: MAX_RAW_LINES });
    }
    for (index, raw) in raw_lines.iter().enumerate() {
        reject_line_breaks(&format!("raw line {}", index + 1), &raw.line)?;
        if raw.line.len() > MAX_RAW_LINE {
            return Err(SpecError::RawLineTooLong {
                line: index + 1,
                octets: raw.line.len(),
                max: MAX_RAW_LINE,
            });
        }
    }
    Ok(())
}

/// The spec's AUTH part is checked before anything is sent: a mechanism name the
/// client does not know, or absurdly long fields, are the user's mistake, not the
/// server's.
fn check_auth(auth: &AuthSpec) -> Result<(), SpecError> {
    let known =
        auth.mechanism.eq_ignore_ascii_case("auto") || Mechanism::parse(&auth.mechanism).is_some();
    if !known {
        return Err(SpecError::UnknownMechanism {
            name: auth.mechanism.clone(),
        });
    }
    let fields = [
        ("user", Some(&auth.user)),
        ("password", Some(&auth.password)),
        ("authzid", auth.authzid.as_ref()),
        ("realm", auth.realm.as_ref()),
        ("serverName", auth.server_name.as_ref()),
    ];
    for (field, value) in fields {
        if value.is_some_and(|v| v.len() > MAX_AUTH_FIELD) {
            return Err(SpecError::AuthFieldTooLong {
                field,
                max: MAX_AUTH_FIELD,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec_to(to: &[&str]) -> ClientSpec {
        ClientSpec {
            message: MessageSpec {
                to: to.iter().map(|t| (*t).to_owned()).collect(),
                ..MessageSpec::default()
            },
            ..ClientSpec::default()
        }
    }

    fn prepared(spec: &ClientSpec) -> Result<Prepared, SpecError> {
        Prepared::of_spec(spec, 0, "id@client.example.net")
    }

    #[test]
    fn recipients_are_distinct_with_case_insensitive_domains_only() {
        let mut spec = spec_to(&["Bob@Example.org", "bob@example.org", "Bob@EXAMPLE.ORG"]);
        spec.message.bcc = vec!["carol@example.org".into()];
        let recipients: Vec<String> = prepared(&spec)
            .expect("valid spec")
            .recipients
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            recipients,
            ["Bob@Example.org", "bob@example.org", "carol@example.org"]
        );
    }

    #[test]
    fn each_check_names_its_cause() {
        assert_eq!(prepared(&spec_to(&[])).unwrap_err(), SpecError::NoRecipient);
        let mut spec = spec_to(&["bob@example.org"]);
        spec.hostname = "bad host".into();
        assert!(matches!(
            prepared(&spec).unwrap_err(),
            SpecError::ClientHostname { name, .. } if name == "bad host"
        ));
        let mut spec = spec_to(&["bob@example.org"]);
        spec.raw_lines = vec![
            RawLine {
                after: Step::Greeting,
                line: "x".repeat(MAX_RAW_LINE + 1),
            };
            2
        ];
        assert_eq!(
            prepared(&spec).unwrap_err(),
            SpecError::RawLineTooLong {
                line: 1,
                octets: MAX_RAW_LINE + 1,
                max: MAX_RAW_LINE
            }
        );
        spec.raw_lines = vec![
            RawLine {
                after: Step::Greeting,
                line: "NOOP".into(),
            };
            MAX_RAW_LINES + 1
        ];
        assert_eq!(
            prepared(&spec).unwrap_err(),
            SpecError::TooManyRawLines { max: MAX_RAW_LINES }
        );
        let mut spec = spec_to(&["bob@example.org"]);
        spec.auth = Some(AuthSpec {
            realm: Some("r".repeat(MAX_AUTH_FIELD + 1)),
            ..AuthSpec::default()
        });
        assert_eq!(
            prepared(&spec).unwrap_err(),
            SpecError::AuthFieldTooLong {
                field: "realm",
                max: MAX_AUTH_FIELD
            }
        );
    }

    #[test]
    fn relayed_messages_take_brackets_or_none_and_need_a_recipient() {
        let message = RelayMessage {
            envelope_from: " <> ".into(),
            recipients: vec!["<bob@example.org>".into(), "carol@example.org".into()],
            text: b"Subject: hi\r\n\r\nHi\r\n".to_vec(),
            dsn: MailDsn::default(),
            recipient_dsn: Vec::new(),
        };
        let ready = Prepared::of_relay(&message).expect("valid message");
        assert_eq!(ready.sender, ReversePath::Null);
        assert_eq!(ready.recipients.len(), 2);
        let no_one = RelayMessage {
            recipients: Vec::new(),
            ..message.clone()
        };
        assert_eq!(
            Prepared::of_relay(&no_one).unwrap_err(),
            SpecError::RelayWithoutRecipient
        );
        let injected = RelayMessage {
            envelope_from: "a@example.net>\r\nRCPT TO:<eve@example.org".into(),
            ..message
        };
        assert!(matches!(
            Prepared::of_relay(&injected).unwrap_err(),
            SpecError::LineBreak { octet: b'\r', .. }
        ));
    }
}
