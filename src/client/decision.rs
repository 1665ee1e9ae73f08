//! The negotiation, as data: for each topic, what the server offered, what the client
//! used and why. The page shows this list next to the bytes; every entry is also
//! emitted as an event when it is made.

use serde::Serialize;

use super::message::TransferEncoding;
use crate::protocol::idn::DomainForms;
use crate::sasl::Mechanism;

/// What a decision is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Topic {
    /// EHLO or HELO (RFC 5321 §3.2, §4.1.1.1).
    Greeting,
    /// SIZE (RFC 1870).
    Size,
    /// The body's transfer encoding and BODY= (RFC 6152, RFC 2045).
    Body,
    /// PIPELINING (RFC 2920).
    Pipelining,
    /// CHUNKING: BDAT or DATA (RFC 3030).
    Chunking,
    /// How recipients were spread over transactions (RFC 5321 §4.5.3.1.10).
    Recipients,
    /// SMTP AUTH: which SASL mechanism, or why none (RFC 4954).
    Auth,
    /// STARTTLS or implicit TLS, or why the session stays in the clear (RFC 3207,
    /// RFC 8314).
    Tls,
    /// SMTPUTF8 and the form of internationalized domains on the wire (RFC 6531,
    /// RFC 5890).
    SmtpUtf8,
    /// Delivery status notifications: RET=, ENVID=, NOTIFY=, ORCPT= (RFC 3461).
    Dsn,
}

/// The choice made, with its figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "choice", rename_all = "camelCase")]
pub enum Choice {
    /// EHLO was answered 250: extensions are known.
    Ehlo {
        /// How many extensions were listed.
        extensions: usize,
    },
    /// HELO, as the spec asked: no extensions.
    Helo,
    /// EHLO got 500/502, so HELO was sent and the server treated as having none.
    HeloFallback,
    /// `SIZE=<octets>` declared on MAIL FROM.
    DeclareSize {
        /// The message size in octets.
        octets: u64,
    },
    /// No SIZE parameter: the server did not offer SIZE.
    NoSizeParameter {
        /// The message size in octets.
        octets: u64,
    },
    /// The message is bigger than the server's limit: not sent.
    TooBig {
        /// The message size in octets.
        octets: u64,
        /// The server's advertised limit.
        limit: u64,
    },
    /// The body goes with this transfer encoding.
    Encode {
        /// The encoding used.
        encoding: TransferEncoding,
        /// Whether `BODY=8BITMIME` is declared (JSON `body8bitmime`).
        #[serde(rename = "body8bitmime")]
        body_8bitmime: bool,
    },
    /// 8-bit body, no 8BITMIME, and the spec says refuse: not sent.
    RefuseEightBit,
    /// MAIL, RCPT… (and DATA) go as one group.
    Pipeline {
        /// Commands in the first group.
        commands: usize,
    },
    /// One command, one reply.
    LockStep,
    /// The message goes in BDAT chunks (RFC 3030 §2).
    Chunks {
        /// How many BDAT commands.
        chunks: usize,
        /// Octets per chunk (the last may be shorter).
        #[serde(rename = "chunkSize")]
        chunk_size: usize,
    },
    /// The message goes after DATA, dot-stuffed, ended by the lone dot.
    Data,
    /// Recipients refused with 452 go in a following transaction.
    NextTransaction {
        /// How many recipients move.
        recipients: usize,
    },
    /// AUTH with this mechanism (the user's pick, or the strongest offered).
    Authenticate {
        /// The SASL mechanism.
        mechanism: Mechanism,
    },
    /// The spec asks for AUTH but the EHLO reply lists no AUTH: not sent.
    AuthNotOffered,
    /// "auto", but no mechanism of the preference list is offered: not sent.
    NoCommonMechanism,
    /// STARTTLS sent: offered, and the policy asks for TLS.
    StartTls,
    /// The connection was encrypted from its first octet (RFC 8314 §3.3): no STARTTLS.
    ImplicitTls,
    /// STARTTLS offered, but the policy says never: the session stays in the clear.
    StartTlsNotWanted,
    /// STARTTLS not offered. Required: the client stops before sending anything that
    /// matters (a man in the middle may have removed it). Opportunistic: it goes on in
    /// the clear.
    StartTlsNotOffered {
        /// True when the policy required TLS, so the session stops.
        required: bool,
    },
    /// `SMTPUTF8` on MAIL FROM: an address has a UTF-8 local-part and the server
    /// offers SMTPUTF8.
    UseSmtpUtf8,
    /// An address has a UTF-8 local-part and the server does not offer SMTPUTF8: not
    /// sent (RFC 6531 §3.2; no downgrade).
    RefuseSmtpUtf8,
    /// An internationalized domain of the envelope, and the form the wire carries.
    IdnDomain {
        /// Both forms, `{unicode, ascii}` (boxed: most decisions are not about a domain).
        forms: Box<DomainForms>,
        /// True when the U-label goes on the wire (the message uses SMTPUTF8), false
        /// when the A-label does.
        #[serde(rename = "uLabelOnWire")]
        u_label_on_wire: bool,
    },
    /// STARTTLS was answered with something other than 220.
    StartTlsRefused {
        /// The reply code.
        code: u16,
        /// True when the policy required TLS, so the session stops.
        required: bool,
    },
    /// The message asks for notifications and the server offers DSN: the parameters go
    /// on MAIL FROM and RCPT TO.
    RequestDsn,
    /// The message asks for notifications but the server does not offer DSN: the
    /// parameters are left out and the message goes without them.
    DsnNotOffered,
}

impl Choice {
    /// The topic this choice belongs to.
    pub fn topic(&self) -> Topic {
        match self {
            Self::Ehlo { .. } | Self::Helo | Self::HeloFallback => Topic::Greeting,
            Self::DeclareSize { .. } | Self::NoSizeParameter { .. } | Self::TooBig { .. } => {
                Topic::Size
            }
            Self::Encode { .. } | Self::RefuseEightBit => Topic::Body,
            Self::Pipeline { .. } | Self::LockStep => Topic::Pipelining,
            Self::Chunks { .. } | Self::Data => Topic::Chunking,
            Self::NextTransaction { .. } => Topic::Recipients,
            Self::Authenticate { .. } | Self::AuthNotOffered | Self::NoCommonMechanism => {
                Topic::Auth
            }
            Self::StartTls
            | Self::ImplicitTls
            | Self::StartTlsNotWanted
            | Self::StartTlsNotOffered { .. }
            | Self::StartTlsRefused { .. } => Topic::Tls,
            Self::UseSmtpUtf8 | Self::RefuseSmtpUtf8 | Self::IdnDomain { .. } => Topic::SmtpUtf8,
            Self::RequestDsn | Self::DsnNotOffered => Topic::Dsn,
        }
    }
}

/// One negotiated decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    /// What it is about.
    pub topic: Topic,
    /// The typed choice (`choice` tag plus its figures).
    #[serde(flatten)]
    pub choice: Choice,
    /// What the server offered, as it said it (e.g. `SIZE 10240000`, or `nothing`).
    pub offered: String,
    /// What the client used on the wire (e.g. `SIZE=2345`, or `none`).
    pub used: String,
    /// Why, in one sentence.
    pub why: String,
    /// The RFC section that governs it.
    pub rfc: &'static str,
}

impl Decision {
    /// A decision; the topic comes from the choice.
    pub fn new(
        choice: Choice,
        offered: impl Into<String>,
        used: impl Into<String>,
        why: impl Into<String>,
        rfc: &'static str,
    ) -> Self {
        Self {
            topic: choice.topic(),
            choice,
            offered: offered.into(),
            used: used.into(),
            why: why.into(),
            rfc,
        }
    }
}
