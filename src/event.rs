//! Events: what an engine did and why. Every engine step yields one, carrying a short
//! explanation and the RFC section it follows, so the page can show the reasoning next
//! to the bytes.

use serde::Serialize;

/// One explained step of an engine. `K` is the engine's own typed event kind.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event<K> {
    /// Virtual time of the step, in milliseconds since the Unix epoch.
    pub at: u64,
    /// What happened, as a typed value.
    pub kind: K,
    /// One line for a learner: what and why.
    pub explanation: String,
    /// The RFC section followed, e.g. `RFC 5321 §4.1.1.1`.
    pub rfc: &'static str,
}

impl<K> Event<K> {
    /// An event at `at`.
    pub fn new(at: u64, kind: K, explanation: impl Into<String>, rfc: &'static str) -> Self {
        Self {
            at,
            kind,
            explanation: explanation.into(),
            rfc,
        }
    }
}
