//! The client's per-command timers, RFC 5321 §4.5.3.2. Each is the longest the client
//! waits for one reply before it gives up and closes the connection. The timers run on
//! the injected clock: the caller asks [`super::Client::poll_timeout`] when the next one
//! expires and calls [`super::Client::handle_timeout`] then. After DATA the engine
//! hands the whole message to the caller in one block and cannot see a write stall; a
//! BDAT chunk that is not the last waits for its own reply, with the data-block timer.

use crate::time::{Millis, MINUTE};

/// Initial 220 message: 5 minutes (§4.5.3.2.1).
pub(crate) const GREETING: Millis = 5 * MINUTE;
/// MAIL command: 5 minutes (§4.5.3.2.2).
pub(crate) const MAIL: Millis = 5 * MINUTE;
/// RCPT command: 5 minutes (§4.5.3.2.3).
pub(crate) const RCPT: Millis = 5 * MINUTE;
/// DATA initiation, waiting for 354: 2 minutes (§4.5.3.2.4).
pub(crate) const DATA_INITIATION: Millis = 2 * MINUTE;
/// Data block: 3 minutes (§4.5.3.2.5), for the reply to a BDAT chunk that is not the
/// last (RFC 3030 names no timer of its own).
pub(crate) const DATA_BLOCK: Millis = 3 * MINUTE;
/// DATA termination, waiting for the reply to "." : 10 minutes (§4.5.3.2.6).
pub(crate) const DATA_TERMINATION: Millis = 10 * MINUTE;
/// Commands the RFC gives no figure for (EHLO, HELO, RSET, QUIT, raw lines): the same
/// 5 minutes as MAIL, which is what Postfix's `smtp_helo_timeout` and
/// `smtp_rset_timeout` default to.
pub(crate) const OTHER: Millis = 5 * MINUTE;
