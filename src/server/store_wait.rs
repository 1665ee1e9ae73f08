//! The reply to an accepted message waits for the driver to store its copies (a 250
//! promises they are stored). Meanwhile the session reads nothing: input that arrives
//! (pipelined commands after the final ".") is held, bounded, and read once the reply
//! is sent. The session is then in `Stage::AwaitingStore`, which holds the wait (and
//! the greeting the session goes back to `ExpectMail` with).

use super::session::MAX_HELD_INPUT;

/// The accepted message whose reply waits for the store, and the input that arrived
/// meanwhile (pipelined commands after the final "."), read once it is stored.
#[derive(Clone, Debug)]
pub(super) struct StoreWait {
    /// The message's queue id, named in its 250.
    pub(super) id: String,
    /// Input kept until the reply, at most [`MAX_HELD_INPUT`] octets.
    pub(super) held: Vec<u8>,
    /// More input arrived than [`MAX_HELD_INPUT`]; the excess was dropped.
    pub(super) overflowed: bool,
}

impl StoreWait {
    pub(super) fn new(id: String) -> Self {
        Self {
            id,
            held: Vec::new(),
            overflowed: false,
        }
    }

    /// Keeps input that arrived before the reply, up to the bound.
    pub(super) fn hold(&mut self, input: &[u8]) {
        let room = MAX_HELD_INPUT.saturating_sub(self.held.len());
        let kept = input.get(..room).unwrap_or(input);
        self.held.extend_from_slice(kept);
        self.overflowed |= kept.len() < input.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_is_held_up_to_the_bound_and_the_excess_is_noted() {
        let mut wait = StoreWait::new("ABC".into());
        wait.hold(b"NOOP\r\n");
        assert_eq!(wait.held, b"NOOP\r\n");
        assert!(!wait.overflowed);
        wait.hold(&vec![b'x'; MAX_HELD_INPUT]);
        assert_eq!(wait.held.len(), MAX_HELD_INPUT);
        assert!(wait.overflowed);
        assert_eq!(wait.id, "ABC");
    }
}
