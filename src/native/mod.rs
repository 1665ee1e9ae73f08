//! The engines on real sockets: the native front door behind the `esmtp-playground`
//! command-line program. Everything here does I/O (TCP, clock, OS randomness, files);
//! the protocol stays in the sans-IO engines, reached through [`engine::Engine`] so a
//! growing engine API only touches one adapter file.

pub(crate) mod accept_backoff;
pub(crate) mod clock;
pub(crate) mod driver;
pub(crate) mod engine;
pub(crate) mod fd_limit;
pub(crate) mod log_queue;
pub mod maildir;
pub mod sasl_cli;
pub mod send;
pub mod serve;
pub(crate) mod slots;
pub mod tls_door;
pub mod tls_options;
pub(crate) mod transcript;

/// What went wrong outside the protocol: a socket, a file, a flag. One line each.
#[derive(Debug)]
pub enum NativeError {
    /// The listening address could not be bound (busy port, no permission...).
    Bind(String),
    /// The server could not be reached.
    Connect(String),
    /// Bad input given on the command line or in a file it names.
    Usage(String),
    /// Anything else from the operating system.
    Io(String),
}

impl NativeError {
    /// The process exit code for this error: 2 usage, 3 network, 4 other I/O (1 is
    /// kept for "the SMTP peer said no").
    pub fn exit_code(&self) -> u8 {
        match self {
            NativeError::Usage(_) => 2,
            NativeError::Bind(_) | NativeError::Connect(_) => 3,
            NativeError::Io(_) => 4,
        }
    }
}

impl core::fmt::Display for NativeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            NativeError::Bind(m)
            | NativeError::Connect(m)
            | NativeError::Usage(m)
            | NativeError::Io(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for NativeError {}
