//! A finding: one deviation from the RFCs (or a remark), tied to an input line.

use core::fmt;
use serde::Serialize;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The RFC is broken: a peer may refuse or misread the session.
    Error,
    /// Allowed but risky or unusual.
    Warning,
    /// Worth knowing; nothing is wrong.
    Note,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Note => "note",
        })
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// 1-based line number in the input (for a capture: the packet number).
    pub line: usize,
    /// How bad it is.
    pub severity: Severity,
    /// The RFC section that says so.
    pub rfc: &'static str,
    /// One sentence: what is wrong and why.
    pub message: String,
}

impl Finding {
    /// An error on `line`.
    pub fn error(line: usize, rfc: &'static str, message: impl Into<String>) -> Self {
        Self::new(line, Severity::Error, rfc, message)
    }

    /// A warning on `line`.
    pub fn warning(line: usize, rfc: &'static str, message: impl Into<String>) -> Self {
        Self::new(line, Severity::Warning, rfc, message)
    }

    /// A note on `line`.
    pub fn note(line: usize, rfc: &'static str, message: impl Into<String>) -> Self {
        Self::new(line, Severity::Note, rfc, message)
    }

    fn new(line: usize, severity: Severity, rfc: &'static str, message: impl Into<String>) -> Self {
        Self {
            line,
            severity,
            rfc,
            message: message.into(),
        }
    }
}
