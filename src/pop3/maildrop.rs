//! A maildrop as one POP3 session sees it: the messages present when the session
//! entered TRANSACTION, numbered from 1, and which of them are marked as deleted.
//! Marks only become deletions in the UPDATE state (RFC 1939 §6).

use serde::Serialize;

use super::reply::wire_size;

/// Why a message number cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageError {
    /// No message has that number.
    NoSuchMessage,
    /// The message is marked as deleted.
    AlreadyDeleted,
}

/// What the UPDATE state did, so the store can drop the same messages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOutcome {
    /// Whose maildrop.
    pub user: String,
    /// Zero-based indices (into the user's message list) of the removed messages, ascending.
    pub deleted: Vec<usize>,
    /// Messages left in the maildrop.
    pub remaining: usize,
}

/// The open maildrop of one session.
#[derive(Clone, Debug)]
pub struct Maildrop {
    user: String,
    messages: Vec<Vec<u8>>,
    marked: Vec<bool>,
}

impl Maildrop {
    /// Opens `user`'s maildrop holding `messages`.
    pub fn new(user: impl Into<String>, messages: Vec<Vec<u8>>) -> Self {
        let marked = vec![false; messages.len()];
        Self {
            user: user.into(),
            messages,
            marked,
        }
    }

    /// (messages, octets) not marked as deleted: the STAT drop listing. Sizes are
    /// [`wire_size`]s.
    pub(crate) fn stat(&self) -> (usize, usize) {
        self.live().fold((0, 0), |(count, octets), (_, message)| {
            (
                count.saturating_add(1),
                octets.saturating_add(wire_size(message)),
            )
        })
    }

    /// (number, size) of each message not marked as deleted: the LIST scan listing.
    pub fn scan(&self) -> Vec<(usize, usize)> {
        self.live()
            .map(|(index, message)| (index.saturating_add(1), wire_size(message)))
            .collect()
    }

    /// Message `number` (from 1), unless it is missing or marked.
    pub fn get(&self, number: u32) -> Result<&[u8], MessageError> {
        let index = Self::index(number)?;
        let message = self
            .messages
            .get(index)
            .ok_or(MessageError::NoSuchMessage)?;
        if self.marked.get(index).copied().unwrap_or(false) {
            return Err(MessageError::AlreadyDeleted);
        }
        Ok(message)
    }

    /// Marks message `number` as deleted.
    pub(crate) fn mark_deleted(&mut self, number: u32) -> Result<(), MessageError> {
        self.get(number)?;
        let index = Self::index(number)?;
        if let Some(mark) = self.marked.get_mut(index) {
            *mark = true;
        }
        Ok(())
    }

    /// Unmarks every message (RSET).
    pub fn reset(&mut self) {
        self.marked.iter_mut().for_each(|mark| *mark = false);
    }

    /// Applies the marks (UPDATE state) and reports what was removed.
    pub fn update(&self) -> UpdateOutcome {
        let deleted: Vec<usize> = self
            .marked
            .iter()
            .enumerate()
            .filter(|(_, marked)| **marked)
            .map(|(index, _)| index)
            .collect();
        UpdateOutcome {
            user: self.user.clone(),
            remaining: self.messages.len().saturating_sub(deleted.len()),
            deleted,
        }
    }

    fn live(&self) -> impl Iterator<Item = (usize, &Vec<u8>)> {
        self.messages
            .iter()
            .enumerate()
            .filter(|(index, _)| !self.marked.get(*index).copied().unwrap_or(false))
    }

    fn index(number: u32) -> Result<usize, MessageError> {
        usize::try_from(number)
            .ok()
            .and_then(|number| number.checked_sub(1))
            .ok_or(MessageError::NoSuchMessage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_hide_messages_until_reset() {
        let mut drop = Maildrop::new("u", vec![b"ab\r\n".to_vec(), b"cde\r\n".to_vec()]);
        assert_eq!(drop.stat(), (2, 9));
        assert_eq!(drop.get(0), Err(MessageError::NoSuchMessage));
        assert_eq!(drop.get(3), Err(MessageError::NoSuchMessage));
        assert_eq!(drop.mark_deleted(1), Ok(()));
        assert_eq!(drop.mark_deleted(1), Err(MessageError::AlreadyDeleted));
        assert_eq!(drop.stat(), (1, 5));
        assert_eq!(drop.scan(), vec![(2, 5)]);
        assert_eq!(drop.update().deleted, vec![0]);
        drop.reset();
        assert_eq!(drop.stat(), (2, 9));
        assert_eq!(drop.update().remaining, 2);
    }
}
