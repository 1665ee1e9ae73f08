//! The SMTP server engine (RFC 5321), sans-IO.

pub mod auth;
pub mod config;
pub mod data;
pub mod event;
pub mod session;
pub mod state;

pub use config::{ExtensionSwitches, ServerConfig};
pub use event::{ServerEvent, ServerEventKind};
pub use session::{Delivery, Peer, Server};
pub use state::State;
