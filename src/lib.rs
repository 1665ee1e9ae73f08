//! ESMTP Playground: sans-IO SMTP server and client engines that run natively, in Node
//! and in the browser (WebAssembly), plus an in-memory loopback that pairs them and
//! records every byte and every decision.
//!
//! - [`protocol`]: commands, replies and their code table, paths, extensions, readers.
//! - [`server`] and [`client`]: the two engines. Bytes in; bytes and events out. Time
//!   and randomness are inputs.
//! - [`sasl`]: SMTP AUTH mechanisms.
//! - [`dsn`]: delivery status notifications (RFC 3461 parameters, RFC 3464 reports).
//! - [`form_options`]: what the page's forms offer and say for each setting.
//! - [`loopback`]: runs a scenario and returns its timeline.
//! - [`links`]: cause and effect in a timeline (which event wrote and read which line).
//! - [`sequence`]: a run as a sequence diagram, laid out once, rendered as SVG and text.
//! - [`scripted`]: a client that sends fixed octets (bare LF, silence) instead of the engine.
//! - [`mailstore`]: the mailboxes and outbound queues accepted mail lands in.
//! - [`sorted_map`]: why keyed collections are sorted `Vec`s (`litemap`).
//! - [`world`]: several hosts and connections on one clock (ETRN, TURN, POP-before-SMTP).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod analyze;
pub mod client;
pub mod dsn;
pub mod entropy;
pub(crate) mod event;
pub mod form_options;
pub mod links;
pub mod loopback;
pub(crate) mod mailstore;
#[cfg(not(target_arch = "wasm32"))]
pub mod native;
pub(crate) mod octets;
pub mod pop3;
pub mod protocol;
pub mod sasl;
pub(crate) mod scenario_limits;
pub mod scripted;
pub mod sequence;
pub mod server;
pub(crate) mod sorted_map;
pub mod time;
pub mod tls;
pub(crate) mod variant_names;
pub mod world;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
