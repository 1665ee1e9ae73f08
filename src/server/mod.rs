//! The SMTP server engine (RFC 5321), sans-IO.
//!
//! [`Server`] runs one session; [`ServerConfig`] says what it offers and how strictly it
//! reads; [`state::TRANSITIONS`] is the state machine as data (the page draws it).

pub(crate) mod atrn;
mod auth_command;
mod bdat;
mod commands;
pub mod config;
pub mod data;
mod data_scan;
pub(crate) mod delivery;
mod dsn;
mod envelope;
pub(crate) mod etrn;
pub(crate) mod event;
pub(crate) mod headers;
pub(crate) mod host_inputs;
// The manual session's suggestions: only the page's tabs module uses them.
#[cfg(any(all(target_arch = "wasm32", feature = "tabs"), test))]
pub(crate) mod next_lines;
pub mod sasl_exchange;
pub mod session;
mod smtputf8;
mod stage;
mod starttls;
pub mod state;
mod store_wait;
#[cfg(test)]
mod test_support;
mod transaction;
mod turn;

pub use atrn::{AtrnAccount, AtrnPolicy};
pub use config::{
    BareLfPolicy, EhloMode, ExtensionSwitches, Role, ServerConfig, StartTlsOffer, Strictness,
    UndeclaredEightBitPolicy, UnofferedPipeliningPolicy,
};
pub use delivery::{CopyText, Delivery, Destination, StoreOutcome};
pub use envelope::HARD_MESSAGE_CAP;
pub use etrn::{parse_etrn_argument, EtrnArgumentError, EtrnGrant, EtrnPolicy, EtrnTarget};
pub use event::{ReversalCommand, ServerEvent, ServerEventKind};
pub use headers::{AddedField, BccNote, BccState, DecodedSubject, FieldSpan, MessageLayout};
pub use host_inputs::{HostInputs, RelayCheck};
pub use session::{Peer, Server};
pub use state::{State, Transition, Trigger, TRANSITIONS};
