//! The client session's mail transactions: MAIL FROM, the RCPTs and DATA (pipelined
//! as one group when the plan says so), the message text, and what follows each
//! reply. [`Transaction`] (in `client/transaction.rs`) keeps the per-transaction
//! record, the replies it waits for, and says what comes next; this file turns that
//! into commands and events, retries 452-deferred recipients, and moves on to the next
//! relayed message.

use std::ops::ControlFlow::{Break, Continue};

use super::plan::{Payload, Plan};
use super::{Client, InTransaction, Stage};
use crate::client::chunks::Chunk;
use crate::client::decision::{Choice, Decision};
use crate::client::event::{ClientEventKind, ReplyMeaning};
use crate::client::message::TransferEncoding;
use crate::client::outcome::Refusal;
use crate::client::spec::Step;
use crate::client::transaction::{AfterData, RcptOutcome, Replied, Transaction, TransactionStep};
use crate::protocol::{Command, ForwardPath, Mailbox, Parameter, Reply, ReplyClass};

impl Client {
    /// Sends MAIL FROM and, when pipelining, the RCPTs and DATA of the same group; the
    /// transaction waits for their replies.
    pub(super) fn start_transaction(
        &mut self,
        plan: Plan,
        recipients: Vec<Mailbox>,
        first: bool,
    ) -> Stage {
        let mut transaction = Transaction::new(recipients, first);
        let chunks = plan.payload.chunks();
        let chunked = chunks.is_some();
        if let Some(chunks) = chunks {
            transaction.use_chunks(chunks);
        }
        transaction.mail_sent();
        let rcpts_follow = plan.pipelining && (!first || self.group_may_pass(Step::Mail));
        let group = if rcpts_follow {
            transaction.pipeline_recipients()
        } else {
            Vec::new()
        };
        let data_follows = rcpts_follow && (!first || self.group_may_pass(Step::Rcpt));
        let chunks = if data_follows && chunked {
            transaction.pipeline_chunks()
        } else {
            Vec::new()
        };
        if data_follows && !chunked {
            transaction.data_sent();
        }
        self.send_mail(plan.parameters.clone());
        for mailbox in group {
            self.send_rcpt(mailbox, plan.dsn, true);
        }
        for chunk in chunks {
            self.send_chunk(chunk, true);
        }
        if data_follows && !chunked {
            self.send_pipelined(
                Command::Data,
                "RFC 2920 §3.1",
                "DATA ends the pipelined group; its reply comes after the RCPT replies.",
            );
        }
        Stage::Transaction(InTransaction { plan, transaction })
    }

    /// `BDAT n [LAST]` and the chunk's n octets, exactly as they are: the count frames
    /// them, so nothing is dot-stuffed and no final dot follows (RFC 3030 §2).
    fn send_chunk(&mut self, chunk: Chunk, pipelined: bool) {
        let Chunk {
            octets,
            number,
            of,
            last,
        } = chunk;
        let size = octets.len();
        let how = if pipelined {
            "pipelined behind the commands before it (RFC 3030 §4.2)"
        } else {
            "after the 250 to the chunk before it"
        };
        let ending = if last {
            "; LAST says it ends the message"
        } else {
            ""
        };
        let command = Command::Bdat {
            size: size as u64,
            last,
        };
        self.send_command(
            command,
            pipelined,
            "RFC 3030 §2",
            format!("BDAT {size}: chunk {number} of {of}, {how}{ending}."),
        );
        self.queue(
            &octets,
            ClientEventKind::ChunkSent {
                chunk: number,
                of,
                octets: size,
                last,
            },
            format!(
                "Chunk {number} of {of}: {size} octets of message exactly as they are; the \
                 server counts them, so no line is dot-stuffed and no final dot follows."
            ),
            "RFC 3030 §2",
        );
    }

    fn send_mail(&mut self, parameters: Vec<Parameter>) {
        let explanation = if parameters.is_empty() {
            "MAIL FROM starts the transaction with the envelope sender.".to_owned()
        } else {
            let list: Vec<String> = parameters.iter().map(ToString::to_string).collect();
            format!(
                "MAIL FROM starts the transaction, declaring {}.",
                list.join(" ")
            )
        };
        let from = self.message.sender.clone();
        self.send(
            Command::Mail { from, parameters },
            "RFC 5321 §4.1.1.2",
            explanation,
        );
    }

    /// RCPT TO for `mailbox`, with NOTIFY=/ORCPT= when the plan uses `dsn`.
    fn send_rcpt(&mut self, mailbox: Mailbox, dsn: bool, pipelined: bool) {
        let address = mailbox.to_string();
        let parameters = if dsn {
            self.message.dsn.rcpt_parameters(&mailbox)
        } else {
            Vec::new()
        };
        let command = Command::Rcpt {
            to: ForwardPath::Mailbox(mailbox),
            parameters,
        };
        let explanation =
            format!("One RCPT TO per distinct recipient (To, Cc and Bcc alike): {address}.");
        if pipelined {
            self.send_pipelined(command, "RFC 2920 §3.1", explanation);
        } else {
            self.send(command, "RFC 5321 §4.1.1.3", explanation);
        }
    }

    /// A reply to MAIL, RCPT, DATA, the message or RSET: the transaction looks it up
    /// and records it; this says what it meant and sends the message text after a 354.
    /// With no reply awaited it is one nothing asked for.
    pub(super) fn on_transaction_reply(
        &mut self,
        mut in_transaction: InTransaction,
        reply: &Reply,
    ) -> Stage {
        match in_transaction.transaction.on_reply(reply.code) {
            Some(replied) => self.transaction_replied(&in_transaction.plan, replied, reply),
            None => self.unsolicited(),
        }
        Stage::Transaction(in_transaction)
    }

    fn transaction_replied(&mut self, plan: &Plan, replied: Replied, reply: &Reply) {
        match replied {
            Replied::Mail { accepted: true } | Replied::Reset => {}
            Replied::Chunk { accepted: true } => {}
            Replied::Chunk { accepted: false } => self.chunk_refused(reply),
            Replied::Mail { accepted: false } => self.mail_refused(reply),
            Replied::Recipient { mailbox, outcome } => {
                self.recipient_replied(reply, mailbox, outcome);
            }
            Replied::Data(AfterData::SendMessage) => match &plan.payload {
                Payload::AfterData(text) => self.send_message(text, plan.encoding),
                // A chunked transaction sends no DATA, so no 354 answers it.
                Payload::Chunked { .. } => {}
            },
            // Only a confused server says 354 with no recipient: end the data at once so
            // nothing is delivered (RFC 2920 §3.1).
            Replied::Data(AfterData::EndAtOnce) => self.queue(
                b".\r\n",
                ClientEventKind::Failed {
                    reason: "354 without recipients".into(),
                },
                "354 although no recipient was accepted: the client sends only the terminating '.'.".into(),
                "RFC 2920 §3.1",
            ),
            Replied::Data(AfterData::Refused { explain }) => {
                if explain {
                    self.data_refused(reply);
                }
            }
            Replied::Message(Ok(delivered)) => {
                self.outcome.messages_accepted += 1;
                self.outcome.delivered.extend(delivered);
            }
            Replied::Message(Err(undelivered)) => self.message_refused(reply, undelivered),
        }
    }

    /// The message text after 354: already dot-stuffed and ended by CRLF.CRLF.
    fn send_message(&mut self, text: &[u8], encoding: TransferEncoding) {
        let octets = text.len();
        self.queue(
            text,
            ClientEventKind::MessageSent { octets, encoding },
            format!(
                "Message sent: {octets} octets ({}), lines starting with '.' doubled, ended by CRLF.CRLF.",
                encoding.header_value()
            ),
            "RFC 5321 §4.5.2",
        );
    }

    fn mail_refused(&mut self, reply: &Reply) {
        if reply.code.class() == ReplyClass::PermanentNegative {
            let sender = self.message.sender.to_string();
            self.outcome
                .refused_senders
                .push(Refusal::new(sender, reply));
        }
        let meaning = ReplyMeaning::of(reply).summary(reply);
        self.emit(
            ClientEventKind::Failed {
                reason: "sender refused".into(),
            },
            format!("MAIL FROM was refused ({meaning}); the transaction cannot go on."),
            "RFC 5321 §4.1.1.2",
        );
    }

    fn recipient_replied(&mut self, reply: &Reply, mailbox: Mailbox, outcome: RcptOutcome) {
        let address = mailbox.to_string();
        match outcome {
            RcptOutcome::NotTried => {
                self.emit(
                    ClientEventKind::Failed {
                        reason: format!("{address} not tried"),
                    },
                    format!("Reply to the pipelined RCPT for {address}: MAIL had failed, so it does not count."),
                    "RFC 2920 §3.1",
                );
                self.outcome.undelivered.push(address);
            }
            RcptOutcome::Accepted => {}
            RcptOutcome::Deferred => self.emit(
                ClientEventKind::RecipientRefused {
                    address: address.clone(),
                    code: reply.code,
                    deferred: true,
                },
                format!("{address}: 452, the server's recipient buffer is full; it goes in the next transaction."),
                "RFC 5321 §4.5.3.1.10",
            ),
            RcptOutcome::Refused => {
                self.emit(
                    ClientEventKind::RecipientRefused {
                        address: address.clone(),
                        code: reply.code,
                        deferred: false,
                    },
                    format!(
                        "{address} refused ({}); the other recipients still get the message.",
                        ReplyMeaning::of(reply).summary(reply)
                    ),
                    "RFC 5321 §3.3",
                );
                self.outcome.refused.push(Refusal::new(address, reply));
            }
        }
    }

    fn chunk_refused(&mut self, reply: &Reply) {
        let meaning = ReplyMeaning::of(reply).summary(reply);
        self.emit(
            ClientEventKind::Failed {
                reason: "chunk refused".into(),
            },
            format!(
                "A BDAT chunk was refused ({meaning}): the message has failed, and no more \
                 BDAT may follow."
            ),
            "RFC 3030 §2",
        );
    }

    fn data_refused(&mut self, reply: &Reply) {
        let meaning = ReplyMeaning::of(reply).summary(reply);
        self.emit(
            ClientEventKind::Failed {
                reason: "DATA refused".into(),
            },
            format!("DATA was refused ({meaning}); the message is not sent."),
            "RFC 5321 §4.1.1.4",
        );
    }

    fn message_refused(&mut self, reply: &Reply, undelivered: Vec<String>) {
        if !undelivered.is_empty() {
            let meaning = ReplyMeaning::of(reply).summary(reply);
            self.emit(
                ClientEventKind::Failed {
                    reason: "message refused".into(),
                },
                format!("The server refused the message ({meaning})."),
                "RFC 5321 §4.1.1.4",
            );
        }
        if reply.code.class() == ReplyClass::PermanentNegative {
            let refusals = undelivered.iter().map(|a| Refusal::new(a.clone(), reply));
            self.outcome.refused_message.extend(refusals);
        }
        self.outcome.undelivered.extend(undelivered);
    }

    /// Every reply of the group is in: the transaction says what comes next, and this
    /// returns the stage that waits for its reply.
    pub(super) fn transaction_step(&mut self, mut in_transaction: InTransaction) -> Stage {
        loop {
            let plan = &in_transaction.plan;
            match in_transaction.transaction.next_step() {
                TransactionStep::Checkpoint(step) => match self.raw_or_stop(step, in_transaction) {
                    Break(next) => return next,
                    Continue(held) => {
                        in_transaction = held;
                        in_transaction.transaction.pass(step);
                    }
                },
                TransactionStep::Rcpt(mailbox) => {
                    self.send_rcpt(mailbox, plan.dsn, false);
                    return Stage::Transaction(in_transaction);
                }
                TransactionStep::Chunk(chunk) => {
                    self.send_chunk(chunk, false);
                    return Stage::Transaction(in_transaction);
                }
                TransactionStep::Reset => {
                    self.reset();
                    return Stage::Transaction(in_transaction);
                }
                TransactionStep::Data => {
                    self.send(
                        Command::Data,
                        "RFC 5321 §4.1.1.4",
                        "Recipients accepted; DATA asks to send the message.",
                    );
                    return Stage::Transaction(in_transaction);
                }
                TransactionStep::Retry(deferred) => {
                    return self.retry(in_transaction.plan, deferred)
                }
                TransactionStep::End(end) => {
                    return self.next_message_or_quit(in_transaction, end.explanation(), end.rfc())
                }
            }
        }
    }

    /// No RCPT was accepted: no DATA; RSET clears the transaction, then QUIT.
    fn reset(&mut self) {
        self.emit(
            ClientEventKind::Failed {
                reason: "no recipient accepted".into(),
            },
            "No recipient was accepted, so there is nothing to send: RSET, no DATA.",
            "RFC 5321 §3.3",
        );
        self.send(
            Command::Rset,
            "RFC 5321 §4.1.1.5",
            "RSET abandons the transaction.",
        );
    }

    /// Recipients deferred by 452 get the message in a new transaction.
    fn retry(&mut self, plan: Plan, deferred: Vec<Mailbox>) -> Stage {
        let count = deferred.len();
        self.decide(Decision::new(
            Choice::NextTransaction { recipients: count },
            "452 too many recipients",
            format!("another transaction for {count}"),
            format!(
                "{count} {} 452 (recipient buffer full): the message goes to {} in a new transaction.",
                if count == 1 { "recipient got" } else { "recipients got" },
                if count == 1 { "it" } else { "them" }
            ),
            "RFC 5321 §4.5.3.1.10",
        ));
        self.start_transaction(plan, deferred, false)
    }

    /// The transaction is over: start the next relayed message, if any (a fresh plan,
    /// since each message has its own size and octets), or end with QUIT.
    fn next_message_or_quit(
        &mut self,
        ended: InTransaction,
        explanation: &str,
        rfc: &'static str,
    ) -> Stage {
        let Some(next) = self.batch.pop_front() else {
            return self.quit(ended.into(), explanation, rfc);
        };
        let waiting = self.batch.len();
        self.emit(
            ClientEventKind::NextMessage { waiting },
            format!(
                "Next stored message in the same session ({waiting} more after it): a new \
                 transaction starts with MAIL FROM."
            ),
            "RFC 5321 §3.3",
        );
        self.message = next;
        match self.negotiate() {
            Ok(plan) => {
                let recipients = self.message.recipients.clone();
                self.start_transaction(plan, recipients, false)
            }
            Err(refusal) => self.refuse_to_send(ended.into(), refusal),
        }
    }
}
