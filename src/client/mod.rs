//! The SMTP client engine, sans-IO: a session spec in, bytes and explained events out,
//! with the negotiation (what the server offered, what the client used, why) as data.
//!
//! Files: `spec.rs` (what the client is asked to do, and every check on it before
//! anything is sent), `session.rs` (the engine, in stages that own their data),
//! `state.rs` (the table of what each awaited reply leads to), `transaction.rs` (one
//! MAIL … DATA transaction), `session/auth_step.rs` (AUTH inside the session),
//! `auth.rs` (the SASL exchange of one AUTH command), `negotiation.rs` and
//! `decision.rs` (what the server offered, what the client used, why), `message.rs`,
//! `header.rs` and `address.rs` (the message text), `event.rs` and `outcome.rs` (what
//! the engine reports).

pub mod address;
pub mod auth;
mod decision;
mod error;
mod event;
mod header;
mod message;
mod negotiation;
mod outcome;
mod session;
mod spec;
mod state;
mod timeouts;
mod transaction;

pub use decision::{Choice, Decision, Topic};
pub use error::SpecError;
pub use event::{ClientEvent, ClientEventKind, ReplyMeaning};
pub use message::TransferEncoding;
pub use outcome::{Outcome, Refusal};
pub use session::Client;
pub use spec::{
    AuthSpec, ClientSpec, EightBitPolicy, Header, HelloMode, MessageSpec, PipeliningMode, RawLine,
    RelayMessage, Step,
};
