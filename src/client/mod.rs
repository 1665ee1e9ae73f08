//! The SMTP client engine, sans-IO.

pub mod auth;
pub mod event;
pub mod message;
pub mod session;
pub mod spec;

pub use event::{ClientEvent, ClientEventKind};
pub use session::{Client, SpecError};
pub use spec::{ClientSpec, HelloMode, MessageSpec};
