//! The SMTP client engine, sans-IO: a session spec in, bytes and explained events out,
//! with the negotiation (what the server offered, what the client used, why) as data.

pub mod address;
pub mod auth;
pub mod decision;
pub mod error;
pub mod event;
pub mod header;
pub mod message;
pub mod negotiation;
pub mod outcome;
pub mod session;
pub mod spec;
mod state;
pub mod timeouts;
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
