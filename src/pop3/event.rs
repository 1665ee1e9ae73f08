//! What the POP3 server engine reports, step by step.

use serde::Serialize;

use super::apop::ApopTrace;
use super::codes::{Pop3ReplyKind, Status};
use super::command::Pop3Command;
use super::maildrop::UpdateOutcome;
use super::state::State;

/// A POP3 server event: what happened, with its explanation (see [`crate::event::Event`]).
pub type Pop3Event = crate::event::Event<Pop3EventKind>;

/// The typed part of a POP3 server event.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Pop3EventKind {
    /// A command line was read and parsed.
    CommandReceived {
        /// The parsed command.
        command: Pop3Command,
    },
    /// A line could not be parsed as a command.
    CommandRejected {
        /// The line as received (lossy UTF-8, at most the line limit).
        line: String,
    },
    /// A reply was queued for sending.
    ReplySent {
        /// Which table row.
        kind: Pop3ReplyKind,
        /// `+OK` or `-ERR`.
        status: Status,
        /// The status line as sent, without CRLF.
        status_line: String,
        /// For multi-line replies, the body lines sent (before the terminating dot).
        body_lines: Option<usize>,
    },
    /// The state machine moved.
    StateChanged {
        /// Before.
        from: State,
        /// After.
        to: State,
    },
    /// An APOP digest was checked; the trace shows every input and the result.
    ApopChecked {
        /// The maildrop named.
        user: String,
        /// Step-by-step digest computation.
        trace: ApopTrace,
    },
    /// Login succeeded: feed `address` to a
    /// [`RelayWindow`](super::relay_window::RelayWindow) for POP-before-SMTP.
    LoggedIn {
        /// The maildrop opened.
        user: String,
        /// The client's address as the transport reported it.
        address: String,
    },
    /// Login failed (unknown user, wrong password or digest).
    LoginFailed {
        /// The name the client gave.
        user: String,
    },
    /// The UPDATE state removed the marked messages; the store should drop them too.
    MaildropUpdated {
        /// Which messages went.
        outcome: UpdateOutcome,
    },
    /// The autologout timer fired: the server closes without a reply and without UPDATE.
    AutoLogout,
    /// The connection is closed; nothing more will be read.
    Closed,
}
