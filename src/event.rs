//! Events: what an engine did and why. Every engine step yields one, carrying a short
//! explanation and the RFC section it follows, so the page can show the reasoning next
//! to the bytes. An event that put octets on the wire also names them ([`Event::wrote`]),
//! so cause and effect are recorded by the engine, never guessed afterwards.

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
    /// The octets this step wrote, as a range of its engine's output stream; `None` when
    /// it wrote nothing. Recorders turn it into links to writes and lines, so it does not
    /// cross to JavaScript itself.
    #[serde(skip)]
    pub wrote: Option<StreamSpan>,
    /// The peer's octets this step was handling (a command line, or the message text up
    /// to its final dot), as a range of the engine's input stream; `None` for steps on a
    /// timer or a close. Like `wrote`, for recorders only.
    #[serde(skip)]
    pub read: Option<StreamSpan>,
}

impl<K> Event<K> {
    /// An event at `at` that wrote nothing.
    pub fn new(at: u64, kind: K, explanation: impl Into<String>, rfc: &'static str) -> Self {
        Self {
            at,
            kind,
            explanation: explanation.into(),
            rfc,
            wrote: None,
            read: None,
        }
    }

    /// The same event, naming the octets it wrote.
    pub(crate) fn with_wrote(mut self, wrote: Option<StreamSpan>) -> Self {
        self.wrote = wrote;
        self
    }

    /// The same event, naming the peer's octets it was handling.
    pub(crate) fn with_read(mut self, read: Option<StreamSpan>) -> Self {
        self.read = read;
        self
    }
}

/// A range of one direction's octet stream: octet `start` up to, not including, `end`,
/// counted from the first octet ever sent that way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct StreamSpan {
    /// Offset of the first octet.
    pub start: u64,
    /// Offset just past the last octet.
    pub end: u64,
}

impl StreamSpan {
    /// True when `offset` lies inside the span.
    pub fn contains(&self, offset: u64) -> bool {
        (self.start..self.end).contains(&offset)
    }
}

/// An engine's output buffer that numbers every octet it has ever written, so the event
/// that explains a write can name exactly those octets.
///
/// The rule the engines follow: write, then emit the event that explains the write. The
/// engine's `emit` calls [`Output::claim`], which hands the octets written since the
/// previous claim to that event; events that wrote nothing claim nothing.
#[derive(Clone, Debug, Default)]
pub struct Output {
    pending: Vec<u8>,
    /// Octets written before `pending` (already taken by the driver).
    taken: u64,
    /// Offset up to which octets belong to an event already.
    claimed: u64,
}

impl Output {
    /// An empty stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends octets to send.
    pub fn extend_from_slice(&mut self, octets: &[u8]) {
        self.pending.extend_from_slice(octets);
    }

    /// Hands the octets written since the last call to the driver.
    pub fn take(&mut self) -> Vec<u8> {
        let octets = core::mem::take(&mut self.pending);
        self.taken = self.taken.saturating_add(octets.len() as u64);
        octets
    }

    /// True when nothing waits to be taken.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Offset just past the last octet written.
    pub fn written(&self) -> u64 {
        self.taken.saturating_add(self.pending.len() as u64)
    }

    /// The octets written since the previous claim, for the event about to be emitted.
    pub fn claim(&mut self) -> Option<StreamSpan> {
        let end = self.written();
        let start = core::mem::replace(&mut self.claimed, end);
        (end > start).then_some(StreamSpan { start, end })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_claim_names_the_octets_written_since_the_last() {
        let mut output = Output::new();
        assert_eq!(output.claim(), None);
        output.extend_from_slice(b"250 ok\r\n");
        assert_eq!(output.claim(), Some(StreamSpan { start: 0, end: 8 }));
        assert_eq!(output.claim(), None);
        assert_eq!(output.take(), b"250 ok\r\n");
        output.extend_from_slice(b"221 bye\r\n");
        let span = output.claim();
        assert_eq!(span, Some(StreamSpan { start: 8, end: 17 }));
        assert!(span.is_some_and(|s| s.contains(8) && !s.contains(17)));
    }

    #[test]
    fn taking_does_not_move_the_offsets() {
        let mut output = Output::new();
        output.extend_from_slice(b"EHLO a\r\n");
        assert!(!output.is_empty());
        assert_eq!(output.take().len(), 8);
        assert!(output.is_empty());
        assert_eq!(output.written(), 8);
        assert_eq!(output.claim(), Some(StreamSpan { start: 0, end: 8 }));
    }
}
