//! Commands waiting for their replies, in the order sent: replies pair with them in
//! that order, as pipelining requires (RFC 2920 §3).

use std::collections::VecDeque;

use crate::analyze::expect::Sent;

/// Commands waiting for their replies, in order. The oldest synchronisation point
/// among them is found without a scan, so a log whose replies are missing stays linear.
#[derive(Debug, Default)]
pub(super) struct Awaiting {
    commands: VecDeque<(u64, usize, Sent)>,
    synchronisation_points: VecDeque<u64>,
    next_id: u64,
}

impl Awaiting {
    pub(super) fn push(&mut self, (line, sent): (usize, Sent)) {
        let id = self.next_id;
        self.next_id += 1;
        if sent.is_synchronisation_point() {
            self.synchronisation_points.push_back(id);
        }
        self.commands.push_back((id, line, sent));
    }

    pub(super) fn pop(&mut self) -> Option<(usize, Sent)> {
        let (id, line, sent) = self.commands.pop_front()?;
        if self.synchronisation_points.front() == Some(&id) {
            self.synchronisation_points.pop_front();
        }
        Some((line, sent))
    }

    /// The line and command of the oldest waiting synchronisation point.
    pub(super) fn first_synchronisation_point(&self) -> Option<(usize, &Sent)> {
        let id = *self.synchronisation_points.front()?;
        let first = self.commands.front()?.0;
        // Ids are consecutive in `commands`, so the offset is the index.
        let index = usize::try_from(id.checked_sub(first)?).ok()?;
        self.commands
            .get(index)
            .map(|(_, line, sent)| (*line, sent))
    }

    /// Retypes the oldest waiting line as `sent` and returns what it was: a line the
    /// client pipelined behind AUTH is what the server reads as the SASL response once
    /// it sends 334.
    pub(super) fn retype_first(&mut self, sent: Sent) -> Option<Sent> {
        let synchronises = sent.is_synchronisation_point();
        let (id, _, first) = self.commands.front_mut()?;
        let id = *id;
        let was = first.is_synchronisation_point();
        let old = core::mem::replace(first, sent);
        if synchronises && !was {
            self.synchronisation_points.push_front(id);
        } else if was && !synchronises {
            self.synchronisation_points.retain(|point| *point != id);
        }
        Some(old)
    }

    pub(super) fn first_line(&self) -> Option<usize> {
        self.commands.front().map(|(_, line, _)| *line)
    }

    pub(super) fn len(&self) -> usize {
        self.commands.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn awaiting_finds_the_oldest_synchronisation_point_and_forgets_answered_ones() {
        let mut awaiting = Awaiting::default();
        awaiting.push((1, Sent::Mail));
        awaiting.push((2, Sent::Data));
        awaiting.push((3, Sent::Rcpt));
        awaiting.push((4, Sent::Quit));
        assert_eq!(
            awaiting.first_synchronisation_point(),
            Some((2, &Sent::Data))
        );
        assert_eq!(awaiting.pop(), Some((1, Sent::Mail)));
        assert_eq!(
            awaiting.first_synchronisation_point(),
            Some((2, &Sent::Data))
        );
        assert_eq!(awaiting.pop(), Some((2, Sent::Data)));
        assert_eq!(
            awaiting.first_synchronisation_point(),
            Some((4, &Sent::Quit))
        );
        assert_eq!(awaiting.first_line(), Some(3));
        assert_eq!(awaiting.len(), 2);
    }

    #[test]
    fn a_retyped_line_becomes_a_synchronisation_point() {
        let mut awaiting = Awaiting::default();
        awaiting.push((1, Sent::Mail));
        awaiting.push((2, Sent::Quit));
        assert_eq!(awaiting.retype_first(Sent::SaslResponse), Some(Sent::Mail));
        assert_eq!(
            awaiting.first_synchronisation_point(),
            Some((1, &Sent::SaslResponse))
        );
        assert_eq!(awaiting.retype_first(Sent::Rcpt), Some(Sent::SaslResponse));
        assert_eq!(
            awaiting.first_synchronisation_point(),
            Some((2, &Sent::Quit))
        );
    }
}
