//! A POP3 server engine (RFC 1939, with CAPA from RFC 2449), sans-IO like the SMTP
//! engines, and the POP-before-SMTP relay window it feeds.
//!
//! - [`Pop3Server`]: one session; greeting with an APOP timestamp, USER/PASS and APOP,
//!   STAT, LIST, RETR, TOP, DELE, NOOP, RSET, QUIT, CAPA.
//! - [`state`]: AUTHORIZATION → TRANSACTION → UPDATE as a transition table.
//! - [`codes`]: the `+OK`/`-ERR` reply table.
//! - [`apop`]: the MD5 digest and its trace.
//! - [`RelayWindow`]: addresses that logged in recently may relay (POP-before-SMTP).

pub(crate) mod apop;
pub(crate) mod codes;
pub(crate) mod command;
pub(crate) mod config;
pub(crate) mod event;
pub(crate) mod maildrop;
pub(crate) mod relay_window;
pub(crate) mod reply;
pub(crate) mod session;
pub(crate) mod state;

pub use apop::{ApopTrace, ApopTraceStep};
pub use codes::{Pop3ReplyKind, Status};
pub use command::{Pop3Command, Pop3CommandError, MAX_ARGUMENT, MAX_POP3_LINE};
pub use config::{Pop3Config, Pop3User, MIN_AUTOLOGOUT};
pub use event::{Pop3Event, Pop3EventKind};
pub use maildrop::UpdateOutcome;
pub use relay_window::{RelayDecision, RelayWindow, DEFAULT_RELAY_WINDOW};
pub use reply::Pop3Reply;
pub use session::Pop3Server;
pub use state::State;
