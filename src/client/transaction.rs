//! One MAIL … DATA transaction (RFC 5321 §3.3): the replies it waits for, in the order
//! the commands went (several at once when pipelining, RFC 2920), which recipients are
//! still to be sent a RCPT, which were accepted or deferred by a 452, and how far MAIL,
//! DATA and the message got. [`Transaction::on_reply`] records each reply; once every
//! reply of a group is in, [`Transaction::next_step`] says what the session sends next.
//! No I/O and no events: the session turns each step into octets and explanations.

use std::collections::VecDeque;

use super::chunks::{Chunk, Chunks};
use super::spec::Step;
use super::state::{self, Expect, RcptAnswer};
use crate::protocol::{Mailbox, ReplyCode};

/// How far one command of the transaction got.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Progress {
    #[default]
    NotSent,
    Pending,
    Accepted,
    Refused,
}

/// A reply the transaction waits for. RCPT carries its recipient, so the reply is
/// counted for the right one.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Pending {
    Mail,
    Rcpt(Mailbox),
    Data,
    EndOfData,
    /// A BDAT chunk; the LAST one's reply is the message's.
    Chunk {
        last: bool,
    },
    Rset,
}

impl Pending {
    fn expect(&self) -> Expect {
        match self {
            Self::Mail => Expect::Mail,
            Self::Rcpt(_) => Expect::Rcpt,
            Self::Data => Expect::Data,
            Self::EndOfData => Expect::EndOfData,
            Self::Chunk { last: false } => Expect::Chunk,
            Self::Chunk { last: true } => Expect::LastChunk,
            Self::Rset => Expect::Rset,
        }
    }
}

/// One MAIL … DATA transaction.
#[derive(Clone, Debug)]
pub(crate) struct Transaction {
    /// Replies still to come, oldest first.
    pending: VecDeque<Pending>,
    /// Points where the spec may send raw lines or stop; only the first transaction
    /// has them, and each is passed once the session says so.
    checkpoints: Vec<Step>,
    /// Recipients not yet sent a RCPT for (lock-step).
    to_send: VecDeque<Mailbox>,
    mail: Progress,
    accepted: Vec<Mailbox>,
    /// Refused with 452: they go in the next transaction.
    deferred: Vec<Mailbox>,
    data: Progress,
    message: Progress,
    reset_sent: bool,
    /// BDAT instead of DATA: the chunks not yet sent.
    chunks: Option<Chunks>,
    /// A chunk before the last was refused: no more BDAT may go (RFC 3030 §2).
    chunk_refused: bool,
}

/// What the session does next, once no reply is awaited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TransactionStep {
    /// The first transaction reached `Step`: raw lines for it, or quit-after, come
    /// first; then the session calls [`Transaction::pass`].
    Checkpoint(Step),
    /// RCPT TO for this recipient (lock-step).
    Rcpt(Mailbox),
    /// No recipient was accepted: RSET abandons the transaction.
    Reset,
    /// Every recipient answered and one was accepted: DATA.
    Data,
    /// The next BDAT chunk (lock-step: after the previous one's 250).
    Chunk(Chunk),
    /// The message was accepted but these recipients got 452: a new transaction.
    Retry(Vec<Mailbox>),
    /// Nothing more to do in this transaction.
    End(End),
}

/// Why a transaction is over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum End {
    /// MAIL was refused.
    MailRefused,
    /// No recipient accepted, and RSET was answered.
    NothingToDeliver,
    /// DATA was refused.
    DataRefused,
    /// The final reply refused the message.
    MessageRefused,
    /// The message was accepted for every recipient that could take it.
    MessageAccepted,
}

impl End {
    /// The explanation of the command that follows (QUIT or the next message).
    pub(crate) fn explanation(self) -> &'static str {
        match self {
            Self::MailRefused => "MAIL was refused, so the session ends with QUIT.",
            Self::NothingToDeliver => "Nothing to deliver; the session ends with QUIT.",
            Self::DataRefused => "DATA was refused, so the session ends with QUIT.",
            Self::MessageRefused => "The message was refused; the session ends with QUIT.",
            Self::MessageAccepted => "The message was accepted; the session ends with QUIT.",
        }
    }

    /// The RFC section behind it.
    pub(crate) fn rfc(self) -> &'static str {
        match self {
            Self::MailRefused => "RFC 5321 §4.1.1.2",
            Self::DataRefused | Self::MessageRefused => "RFC 5321 §4.1.1.4",
            Self::NothingToDeliver | Self::MessageAccepted => "RFC 5321 §4.1.1.10",
        }
    }
}

/// What a reply to one of the transaction's commands did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Replied {
    /// MAIL was accepted or refused.
    Mail {
        /// True for 2yz.
        accepted: bool,
    },
    /// What became of one recipient.
    Recipient {
        /// The recipient of that RCPT.
        mailbox: Mailbox,
        /// Accepted, deferred, refused, or not tried because MAIL had failed.
        outcome: RcptOutcome,
    },
    /// What follows the reply to DATA.
    Data(AfterData),
    /// A BDAT chunk that was not the last was answered: 2yz or not.
    Chunk {
        /// True for 2yz.
        accepted: bool,
    },
    /// The message's final reply: Ok with the recipients who got it, Err with those who
    /// did not (empty when none was accepted).
    Message(Result<Vec<String>, Vec<String>>),
    /// RSET was answered.
    Reset,
}

/// What became of a RCPT reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RcptOutcome {
    /// MAIL had failed before this pipelined RCPT: it does not count.
    NotTried,
    /// The recipient gets the message.
    Accepted,
    /// 452: it (and, in lock-step, every recipient not yet sent) waits for the next
    /// transaction.
    Deferred,
    /// Refused for good.
    Refused,
}

/// What to do after the reply to DATA.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AfterData {
    /// DATA was refused; `explain` is false when no recipient was accepted anyway.
    Refused { explain: bool },
    /// 354 although no recipient was accepted: only the terminating "." goes.
    EndAtOnce,
    /// 354: the message text goes.
    SendMessage,
}

impl Transaction {
    /// A transaction for `recipients`; `first` is the one the spec's raw lines and
    /// quit-after refer to.
    pub(crate) fn new(recipients: Vec<Mailbox>, first: bool) -> Self {
        let checkpoints = if first {
            vec![Step::Mail, Step::Rcpt, Step::Data]
        } else {
            Vec::new()
        };
        Self {
            pending: VecDeque::new(),
            checkpoints,
            to_send: recipients.into(),
            mail: Progress::NotSent,
            accepted: Vec::new(),
            deferred: Vec::new(),
            data: Progress::NotSent,
            message: Progress::NotSent,
            reset_sent: false,
            chunks: None,
            chunk_refused: false,
        }
    }

    /// The message goes in these BDAT chunks instead of after DATA.
    pub(crate) fn use_chunks(&mut self, chunks: Chunks) {
        self.chunks = Some(chunks);
    }

    /// Every chunk not yet sent, each now waiting for its reply (a pipelined group,
    /// RFC 3030 §4.2). Empty for DATA.
    pub(crate) fn pipeline_chunks(&mut self) -> Vec<Chunk> {
        let group = self
            .chunks
            .as_mut()
            .map(Chunks::take_all)
            .unwrap_or_default();
        for chunk in &group {
            self.chunk_sent(chunk);
        }
        group
    }

    /// The next chunk in lock-step, now waiting for its reply.
    fn next_chunk(&mut self) -> Option<Chunk> {
        let chunk = self.chunks.as_mut()?.next_chunk()?;
        self.chunk_sent(&chunk);
        Some(chunk)
    }

    fn chunk_sent(&mut self, chunk: &Chunk) {
        self.data = Progress::Pending;
        self.pending.push_back(Pending::Chunk { last: chunk.last });
    }

    /// The reply the transaction waits for next, if any.
    pub(crate) fn awaiting(&self) -> Option<Expect> {
        self.pending.front().map(Pending::expect)
    }

    /// MAIL is being sent.
    pub(crate) fn mail_sent(&mut self) {
        self.mail = Progress::Pending;
        self.pending.push_back(Pending::Mail);
    }

    /// Recipients for a pipelined group: every one not yet sent, in order, each now
    /// waiting for its reply.
    pub(crate) fn pipeline_recipients(&mut self) -> Vec<Mailbox> {
        let group: Vec<Mailbox> = self.to_send.drain(..).collect();
        self.pending
            .extend(group.iter().cloned().map(Pending::Rcpt));
        group
    }

    /// DATA is being sent.
    pub(crate) fn data_sent(&mut self) {
        self.data = Progress::Pending;
        self.pending.push_back(Pending::Data);
    }

    /// The reply to the oldest command still waiting, looked up in that command's table
    /// in `state.rs`. `None` when no reply was awaited.
    pub(crate) fn on_reply(&mut self, code: ReplyCode) -> Option<Replied> {
        let replied = match self.pending.pop_front()? {
            Pending::Mail => {
                let accepted = state::MAIL.lookup(code).accepted();
                self.on_mail(accepted);
                Replied::Mail { accepted }
            }
            Pending::Rcpt(mailbox) => {
                let said = match state::RCPT.lookup(code) {
                    RcptAnswer::Accepted => RcptOutcome::Accepted,
                    RcptAnswer::Deferred => RcptOutcome::Deferred,
                    RcptAnswer::Refused => RcptOutcome::Refused,
                };
                let outcome = self.on_rcpt(mailbox.clone(), said);
                Replied::Recipient { mailbox, outcome }
            }
            Pending::Data => Replied::Data(self.on_data(state::DATA.lookup(code).accepted())),
            Pending::EndOfData | Pending::Chunk { last: true } => {
                Replied::Message(self.on_end_of_data(state::MESSAGE.lookup(code).accepted()))
            }
            Pending::Chunk { last: false } => {
                let accepted = state::CHUNK.lookup(code).accepted();
                self.chunk_refused |= !accepted;
                Replied::Chunk { accepted }
            }
            Pending::Rset => Replied::Reset,
        };
        Some(replied)
    }

    /// The reply to MAIL.
    fn on_mail(&mut self, accepted: bool) {
        self.mail = if accepted {
            Progress::Accepted
        } else {
            Progress::Refused
        };
    }

    /// The reply to RCPT for `mailbox`: accepted, deferred (452) or refused.
    fn on_rcpt(&mut self, mailbox: Mailbox, outcome: RcptOutcome) -> RcptOutcome {
        if self.mail == Progress::Refused {
            return RcptOutcome::NotTried;
        }
        match outcome {
            RcptOutcome::Accepted => self.accepted.push(mailbox),
            RcptOutcome::Deferred => {
                self.deferred.push(mailbox);
                // Lock-step: the rest would meet the same full buffer.
                self.deferred.extend(self.to_send.drain(..));
            }
            RcptOutcome::Refused | RcptOutcome::NotTried => {}
        }
        outcome
    }

    /// The reply to DATA: 354 or not. After a 354 the message text (or only the final
    /// ".") goes, and its final reply is awaited.
    fn on_data(&mut self, go_ahead: bool) -> AfterData {
        if !go_ahead {
            self.data = Progress::Refused;
            return AfterData::Refused {
                explain: !self.accepted.is_empty(),
            };
        }
        self.data = Progress::Accepted;
        self.pending.push_back(Pending::EndOfData);
        if self.accepted.is_empty() {
            AfterData::EndAtOnce
        } else {
            AfterData::SendMessage
        }
    }

    /// The final reply to the message. Ok with the recipients who got it, or Err with
    /// those who did not (empty when none was accepted).
    fn on_end_of_data(&mut self, positive: bool) -> Result<Vec<String>, Vec<String>> {
        let accepted: Vec<String> = self.accepted.iter().map(ToString::to_string).collect();
        if positive && !accepted.is_empty() {
            self.message = Progress::Accepted;
            Ok(accepted)
        } else {
            self.message = Progress::Refused;
            Err(accepted)
        }
    }

    /// The session is past `step`: no more raw lines for it and no stop there.
    pub(crate) fn pass(&mut self, step: Step) {
        self.checkpoints.retain(|known| *known != step);
    }

    fn at_checkpoint(&self, step: Step) -> bool {
        self.checkpoints.contains(&step)
    }

    /// What to send next, from what the replies so far said.
    pub(crate) fn next_step(&mut self) -> TransactionStep {
        if self.mail == Progress::Refused {
            return TransactionStep::End(End::MailRefused);
        }
        if self.at_checkpoint(Step::Mail) {
            return TransactionStep::Checkpoint(Step::Mail);
        }
        if let Some(mailbox) = self.to_send.pop_front() {
            self.pending.push_back(Pending::Rcpt(mailbox.clone()));
            return TransactionStep::Rcpt(mailbox);
        }
        if self.at_checkpoint(Step::Rcpt) {
            return TransactionStep::Checkpoint(Step::Rcpt);
        }
        if self.accepted.is_empty() {
            return self.reset_or_end();
        }
        if self.message == Progress::Refused || self.chunk_refused {
            return TransactionStep::End(End::MessageRefused);
        }
        if let Some(chunk) = self.next_chunk() {
            return TransactionStep::Chunk(chunk);
        }
        match self.data {
            Progress::NotSent => {
                self.data_sent();
                return TransactionStep::Data;
            }
            Progress::Refused => return TransactionStep::End(End::DataRefused),
            Progress::Pending | Progress::Accepted => {}
        }
        if self.message == Progress::Refused {
            return TransactionStep::End(End::MessageRefused);
        }
        if self.at_checkpoint(Step::Data) {
            return TransactionStep::Checkpoint(Step::Data);
        }
        let deferred = core::mem::take(&mut self.deferred);
        if deferred.is_empty() {
            TransactionStep::End(End::MessageAccepted)
        } else {
            TransactionStep::Retry(deferred)
        }
    }

    fn reset_or_end(&mut self) -> TransactionStep {
        if self.reset_sent {
            return TransactionStep::End(End::NothingToDeliver);
        }
        self.reset_sent = true;
        self.pending.push_back(Pending::Rset);
        TransactionStep::Reset
    }

    /// When the session ends: recipients not yet sent, deferred, or accepted for a
    /// message that never reached its final reply did not get it. Drains them, so
    /// asking twice counts nobody twice.
    pub(crate) fn undelivered(&mut self) -> Vec<String> {
        let accepted = if self.message == Progress::NotSent {
            core::mem::take(&mut self.accepted)
        } else {
            Vec::new()
        };
        self.deferred
            .drain(..)
            .chain(self.to_send.drain(..))
            .chain(accepted)
            .map(|m| m.to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(value: u16) -> ReplyCode {
        ReplyCode::new(value).expect("valid code")
    }

    fn mailbox(text: &str) -> Mailbox {
        Mailbox::parse(text).expect("valid mailbox")
    }

    fn a() -> Mailbox {
        mailbox("a@example.org")
    }

    fn b() -> Mailbox {
        mailbox("b@example.org")
    }

    /// A message of `of` one-octet chunks.
    fn chunks(of: usize) -> Chunks {
        Chunks::new(&vec![b'x'; of], std::num::NonZeroUsize::MIN)
    }

    /// The number of the chunk `step` sends, if it sends one.
    fn chunk_number(step: TransactionStep) -> Option<(usize, bool)> {
        match step {
            TransactionStep::Chunk(chunk) => Some((chunk.number, chunk.last)),
            _ => None,
        }
    }

    fn recipient(mailbox: Mailbox, outcome: RcptOutcome) -> Option<Replied> {
        Some(Replied::Recipient { mailbox, outcome })
    }

    #[test]
    fn lock_step_happy_path() {
        let mut t = Transaction::new(vec![a(), b()], false);
        t.mail_sent();
        assert_eq!(t.awaiting(), Some(Expect::Mail));
        assert_eq!(
            t.on_reply(code(250)),
            Some(Replied::Mail { accepted: true })
        );
        assert_eq!(t.awaiting(), None);
        assert_eq!(t.next_step(), TransactionStep::Rcpt(a()));
        assert_eq!(t.awaiting(), Some(Expect::Rcpt));
        assert_eq!(t.on_reply(code(250)), recipient(a(), RcptOutcome::Accepted));
        assert_eq!(t.next_step(), TransactionStep::Rcpt(b()));
        assert_eq!(t.on_reply(code(550)), recipient(b(), RcptOutcome::Refused));
        assert_eq!(t.next_step(), TransactionStep::Data);
        assert_eq!(
            t.on_reply(code(354)),
            Some(Replied::Data(AfterData::SendMessage))
        );
        assert_eq!(t.awaiting(), Some(Expect::EndOfData));
        assert_eq!(
            t.on_reply(code(250)),
            Some(Replied::Message(Ok(vec!["a@example.org".to_owned()])))
        );
        assert_eq!(t.next_step(), TransactionStep::End(End::MessageAccepted));
        assert_eq!(t.awaiting(), None);
        assert!(t.undelivered().is_empty());
    }

    #[test]
    fn a_pipelined_group_is_answered_in_order() {
        let mut t = Transaction::new(vec![a(), b()], false);
        t.mail_sent();
        assert_eq!(t.pipeline_recipients(), vec![a(), b()]);
        t.data_sent();
        let expected = [Expect::Mail, Expect::Rcpt, Expect::Rcpt, Expect::Data];
        for (index, expect) in expected.into_iter().enumerate() {
            assert_eq!(t.awaiting(), Some(expect), "reply {index}");
            let reaction = match expect {
                Expect::Mail => code(250),
                Expect::Rcpt => code(250),
                _ => code(354),
            };
            assert!(t.on_reply(reaction).is_some());
        }
        assert_eq!(t.awaiting(), Some(Expect::EndOfData));
    }

    #[test]
    fn first_transaction_stops_at_each_checkpoint_until_passed() {
        let mut t = Transaction::new(vec![a(), b()], true);
        t.mail_sent();
        t.on_reply(code(250));
        assert_eq!(t.next_step(), TransactionStep::Checkpoint(Step::Mail));
        assert_eq!(t.next_step(), TransactionStep::Checkpoint(Step::Mail));
        t.pass(Step::Mail);
        assert_eq!(t.next_step(), TransactionStep::Rcpt(a()));
        t.on_reply(code(250));
        assert_eq!(t.next_step(), TransactionStep::Rcpt(b()));
        t.on_reply(code(250));
        assert_eq!(t.next_step(), TransactionStep::Checkpoint(Step::Rcpt));
        t.pass(Step::Rcpt);
        assert_eq!(t.next_step(), TransactionStep::Data);
        t.on_reply(code(354));
        t.on_reply(code(250));
        assert_eq!(t.next_step(), TransactionStep::Checkpoint(Step::Data));
        t.pass(Step::Data);
        assert_eq!(t.next_step(), TransactionStep::End(End::MessageAccepted));
    }

    #[test]
    fn refused_mail_ends_and_pipelined_rcpts_do_not_count() {
        let mut t = Transaction::new(vec![a(), b()], true);
        t.mail_sent();
        t.pipeline_recipients();
        t.on_reply(code(550));
        assert_eq!(t.on_reply(code(250)), recipient(a(), RcptOutcome::NotTried));
        assert_eq!(t.on_reply(code(250)), recipient(b(), RcptOutcome::NotTried));
        assert_eq!(t.next_step(), TransactionStep::End(End::MailRefused));
        assert!(t.undelivered().is_empty());
    }

    #[test]
    fn no_recipient_means_rset_then_end() {
        let mut t = Transaction::new(vec![a(), b()], false);
        t.mail_sent();
        t.pipeline_recipients();
        t.data_sent();
        t.on_reply(code(250));
        t.on_reply(code(550));
        t.on_reply(code(550));
        assert_eq!(
            t.on_reply(code(554)),
            Some(Replied::Data(AfterData::Refused { explain: false }))
        );
        assert_eq!(t.next_step(), TransactionStep::Reset);
        assert_eq!(t.awaiting(), Some(Expect::Rset));
        assert_eq!(t.on_reply(code(250)), Some(Replied::Reset));
        assert_eq!(t.next_step(), TransactionStep::End(End::NothingToDeliver));
    }

    #[test]
    fn a_354_without_recipients_ends_at_once() {
        let mut t = Transaction::new(vec![a()], false);
        t.mail_sent();
        t.pipeline_recipients();
        t.data_sent();
        t.on_reply(code(250));
        t.on_reply(code(550));
        assert_eq!(
            t.on_reply(code(354)),
            Some(Replied::Data(AfterData::EndAtOnce))
        );
        assert_eq!(
            t.on_reply(code(250)),
            Some(Replied::Message(Err(Vec::new())))
        );
    }

    #[test]
    fn deferral_in_lock_step_takes_the_rest_to_a_retry() {
        let c = mailbox("c@example.org");
        let mut t = Transaction::new(vec![a(), b(), c.clone()], false);
        t.mail_sent();
        t.on_reply(code(250));
        assert_eq!(t.next_step(), TransactionStep::Rcpt(a()));
        t.on_reply(code(250));
        assert_eq!(t.next_step(), TransactionStep::Rcpt(b()));
        assert_eq!(t.on_reply(code(452)), recipient(b(), RcptOutcome::Deferred));
        assert_eq!(t.next_step(), TransactionStep::Data);
        t.on_reply(code(354));
        t.on_reply(code(250));
        assert_eq!(t.next_step(), TransactionStep::Retry(vec![b(), c]));
    }

    #[test]
    fn refused_message_and_refused_data_end_the_transaction() {
        let mut t = Transaction::new(vec![a(), b()], false);
        t.mail_sent();
        t.pipeline_recipients();
        t.data_sent();
        t.on_reply(code(250));
        t.on_reply(code(250));
        t.on_reply(code(250));
        assert_eq!(
            t.on_reply(code(554)),
            Some(Replied::Data(AfterData::Refused { explain: true }))
        );
        assert_eq!(t.next_step(), TransactionStep::End(End::DataRefused));

        let mut t = Transaction::new(vec![a(), b()], false);
        t.mail_sent();
        t.pipeline_recipients();
        t.data_sent();
        t.on_reply(code(250));
        t.on_reply(code(250));
        t.on_reply(code(250));
        t.on_reply(code(354));
        assert_eq!(
            t.on_reply(code(554)),
            Some(Replied::Message(Err(vec![
                "a@example.org".to_owned(),
                "b@example.org".to_owned()
            ])))
        );
        assert_eq!(t.next_step(), TransactionStep::End(End::MessageRefused));
    }

    #[test]
    fn undelivered_counts_each_recipient_once() {
        let mut t = Transaction::new(vec![a(), b()], false);
        t.mail_sent();
        t.on_reply(code(250));
        assert_eq!(t.next_step(), TransactionStep::Rcpt(a()));
        t.on_reply(code(250));
        assert_eq!(
            t.undelivered(),
            vec!["b@example.org".to_owned(), "a@example.org".to_owned()]
        );
        assert!(t.undelivered().is_empty());
    }

    #[test]
    fn chunks_go_one_by_one_in_lock_step_and_the_last_reply_is_the_message() {
        let mut t = Transaction::new(vec![a()], false);
        t.use_chunks(chunks(2));
        t.mail_sent();
        t.on_reply(code(250));
        assert_eq!(t.next_step(), TransactionStep::Rcpt(a()));
        t.on_reply(code(250));
        assert_eq!(chunk_number(t.next_step()), Some((1, false)));
        assert_eq!(t.awaiting(), Some(Expect::Chunk));
        assert_eq!(
            t.on_reply(code(250)),
            Some(Replied::Chunk { accepted: true })
        );
        assert_eq!(chunk_number(t.next_step()), Some((2, true)));
        assert_eq!(t.awaiting(), Some(Expect::LastChunk));
        assert_eq!(
            t.on_reply(code(250)),
            Some(Replied::Message(Ok(vec!["a@example.org".to_owned()])))
        );
        assert_eq!(t.next_step(), TransactionStep::End(End::MessageAccepted));
    }

    #[test]
    fn a_refused_chunk_sends_no_more_and_its_recipients_are_undelivered() {
        let mut t = Transaction::new(vec![a()], false);
        t.use_chunks(chunks(3));
        t.mail_sent();
        t.on_reply(code(250));
        assert_eq!(t.next_step(), TransactionStep::Rcpt(a()));
        t.on_reply(code(250));
        assert_eq!(chunk_number(t.next_step()), Some((1, false)));
        t.on_reply(code(552));
        assert_eq!(t.next_step(), TransactionStep::End(End::MessageRefused));
        assert_eq!(t.undelivered(), vec!["a@example.org".to_owned()]);
        let mut pipelined = Transaction::new(vec![a()], false);
        pipelined.use_chunks(chunks(3));
        pipelined.mail_sent();
        pipelined.pipeline_recipients();
        assert_eq!(pipelined.pipeline_chunks().len(), 3);
        let expected = [Expect::Mail, Expect::Rcpt, Expect::Chunk, Expect::Chunk];
        for expect in expected {
            assert_eq!(pipelined.awaiting(), Some(expect));
            pipelined.on_reply(code(250));
        }
        assert_eq!(pipelined.awaiting(), Some(Expect::LastChunk));
    }

    #[test]
    fn a_reply_with_nothing_pending_changes_nothing() {
        let mut t = Transaction::new(vec![a()], false);
        assert_eq!(t.on_reply(code(250)), None);
        assert_eq!(t.next_step(), TransactionStep::Rcpt(a()));
    }
}
