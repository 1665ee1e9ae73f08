//! Wire-level SMTP shared by both engines: commands, replies and their code table,
//! paths, extensions, bounded readers for lines and replies, and RFC 2047 encoded-words.

pub(crate) mod codes;
pub(crate) mod command;
pub(crate) mod encoded_words;
pub(crate) mod enhanced;
pub(crate) mod extension;
pub mod idn;
pub(crate) mod line_reader;
pub(crate) mod parameters;
pub(crate) mod path;
pub(crate) mod reply;
pub(crate) mod reply_reader;

pub use codes::ReplyKind;
pub use command::{Command, CommandError, Parameter};
pub use enhanced::EnhancedMeaning;
pub use extension::{Capabilities, Extension};
pub use line_reader::{Line, LineEnding, LineInfo, LineReader};
pub use parameters::{Body, DeclaredSize, MailParameters, OfferedParameters, RcptParameters};
pub use path::{Domain, ForwardPath, Mailbox, ReversePath};
pub use reply::{EnhancedCode, Reply, ReplyClass, ReplyCode};
pub use reply_reader::{ReplyReader, ReplyStatus};

/// Longest command line, CRLF included (RFC 5321 §4.5.3.1.4).
pub const MAX_COMMAND_LINE: usize = 512;
/// Longest text line in DATA, CRLF included (RFC 5321 §4.5.3.1.6).
pub const MAX_TEXT_LINE: usize = 1000;
/// Longest AUTH continuation line, CRLF included (RFC 4954 §4).
pub const MAX_AUTH_LINE: usize = 12_288;
