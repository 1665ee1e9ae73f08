//! The SMTP client engine, sans-IO: a session spec in, bytes and explained events out,
//! with the negotiation (what the server offered, what the client used, why) as data.
//!
//! - `spec.rs`: what the client is asked to do, and every check on it before anything
//!   is sent ([`SpecError`]).
//! - `session.rs`: the engine, in stages that own their data; `state.rs`: the table of
//!   what each awaited reply leads to.
//! - `transaction.rs`: one MAIL … DATA transaction; `session/transaction_step.rs`: its
//!   commands and replies; `session/plan.rs`: the message plan (encoding, SIZE,
//!   pipelining) from `negotiation.rs`, recorded as `decision.rs` entries.
//! - `session/auth_command.rs`: the AUTH command inside the session;
//!   `sasl_exchange.rs`: one AUTH exchange (the mechanism's client half, base64, the
//!   `334` framing).
//! - `international.rs`: what UTF-8 addresses and IDN domains need (SMTPUTF8, A-labels).
//! - `message.rs`, `header.rs`, `address.rs`: the message text; `event.rs`,
//!   `outcome.rs`: what the engine reports; `timeouts.rs`: RFC 5321 §4.5.3.2 timers.

pub mod address;
mod chunks;
mod decision;
mod dsn;
mod error;
mod event;
mod header;
mod international;
mod message;
mod negotiation;
mod outcome;
pub mod sasl_exchange;
mod session;
mod spec;
mod state;
mod timeouts;
mod transaction;

pub use decision::{Choice, Decision, Topic};
pub use dsn::DsnSpec;
pub use error::SpecError;
pub use event::{ClientEvent, ClientEventKind, ReplyMeaning};
pub use message::TransferEncoding;
pub use outcome::{Outcome, Refusal, Withheld};
pub use session::Client;
pub use spec::{
    AuthSpec, ChunkingMode, ClientSpec, EightBitPolicy, Header, HelloMode, MessageSpec,
    PipeliningMode, RawLine, RelayMessage, Step, TlsPolicy,
};
#[cfg(not(target_arch = "wasm32"))]
pub(crate) use state::answers_message;
