//! The SMTP server engine (RFC 5321), sans-IO.
//!
//! [`Server`] runs one session; [`ServerConfig`] says what it offers and how strictly it
//! reads; [`state::TRANSITIONS`] is the state machine as data (the page draws it).

pub mod auth;
mod authenticate;
mod commands;
pub mod config;
pub mod data;
pub mod delivery;
mod envelope;
pub mod event;
pub mod headers;
pub mod session;
pub mod state;

pub use config::{
    BareLfPolicy, EhloMode, ExtensionSwitches, Role, ServerConfig, Strictness,
    UndeclaredEightBitPolicy, UnofferedPipeliningPolicy,
};
pub use delivery::{Delivery, Destination};
pub use envelope::HARD_MESSAGE_CAP;
pub use event::{ServerEvent, ServerEventKind};
pub use session::{Peer, Server};
pub use state::{State, Transition, Trigger, TRANSITIONS};
