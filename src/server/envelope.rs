//! The mail transaction: MAIL FROM with its parameters, RCPT TO with relay control and
//! the recipient limit, DATA, and judging the message at the end of data.

use super::config::{BareLfPolicy, Role, UndeclaredEightBitPolicy};
use super::data::{DataReceiver, ReceivedData};
use super::delivery::{self, Destination, Envelope, Protocol, StoreOutcome, Trace};
use super::event::ServerEventKind;
use super::session::{Greeting, Server};
use super::smtputf8;
use super::stage::{MessageText, Stage, Step};
use super::state::{State, Trigger};
use super::store_wait::StoreWait;
use super::transaction::Transaction;
use crate::protocol::{
    Body, DeclaredSize, ForwardPath, MailParameters, Parameter, RcptParameters, ReplyKind,
    ReversePath, MAX_TEXT_LINE,
};

/// Storage cap for one message when no SIZE limit is set, so memory stays bounded.
pub const HARD_MESSAGE_CAP: usize = 64 * 1024 * 1024;

impl Server {
    pub(super) fn mail(&mut self, from: ReversePath, parameters: &[Parameter]) {
        let greeting = match self.stage.greeting() {
            Some(greeting) if self.allows(Trigger::Mail) => greeting.clone(),
            _ => {
                self.transition(Trigger::Mail);
                return;
            }
        };
        let auth_offered = self.ehlo_session() && self.config.offers_auth();
        if !auth_offered && parameters.iter().any(|p| p.keyword == "AUTH") {
            let kind = ReplyKind::UnknownParameter;
            let explanation = "AUTH= belongs to the AUTH extension (RFC 4954 §5), which this \
                               session did not offer, so it is an unknown parameter (RFC 5321 \
                               §4.1.1.11).";
            self.reply(kind, "Error: AUTH= without the AUTH extension", explanation);
            return;
        }
        let read = match MailParameters::parse(parameters, self.offered_parameters()) {
            Ok(read) => read,
            Err(error) => return self.refuse_parameter(&error),
        };
        let sender = match &from {
            ReversePath::Mailbox(mailbox) => Some(mailbox),
            ReversePath::Null => None,
        };
        if let Some((kind, text, why)) = self.utf8_address_refusal(sender, read.smtputf8, "sender")
        {
            self.reply(kind, text, why);
            return;
        }
        if let (Some(declared), Some(limit)) = (read.size, self.config.max_message_size) {
            if declared.exceeds(limit) {
                self.reply(
                    ReplyKind::MessageTooBig,
                    ReplyKind::MessageTooBig.default_text(),
                    format!(
                        "The client declared {} octets; this server takes at most {limit} (RFC 1870 §6).",
                        describe_size(declared)
                    ),
                );
                return;
            }
        }
        if let Some(value) = read.auth.clone() {
            if let Err(explanation) = self.read_submitter(&value) {
                self.reply(
                    ReplyKind::SyntaxError,
                    "Error: AUTH= is not valid xtext",
                    explanation,
                );
                return;
            }
        }
        let explanation = mail_explanation(&from, &read);
        let transaction = Box::new(Transaction::new(greeting, from, read));
        self.enter(
            Trigger::Mail,
            Stage::InTransaction(transaction, Step::ExpectRcpt),
        );
        self.reply(ReplyKind::SenderOk, "Ok", explanation);
    }

    /// RCPT TO in the transaction in progress: refused (parameters, SMTPUTF8, the
    /// recipient limit, relaying) or added to its recipients.
    pub(super) fn rcpt(&mut self, to: ForwardPath, parameters: &[Parameter]) {
        let Some(transaction) = self.transaction_for(Trigger::Rcpt) else {
            return;
        };
        let utf8 = transaction.parameters.smtputf8;
        let accepted = transaction.recipients.len();
        let read = match RcptParameters::parse(parameters, self.offered_parameters()) {
            Ok(read) => read,
            Err(error) => return self.refuse_parameter(&error),
        };
        let recipient = match &to {
            ForwardPath::Mailbox(mailbox) => Some(mailbox),
            ForwardPath::Postmaster => None,
        };
        if let Some((kind, text, why)) = self.utf8_address_refusal(recipient, utf8, "recipient") {
            self.reply(kind, text, why);
            return;
        }
        if accepted >= self.config.max_recipients {
            let explanation = format!(
                "This server takes at most {} recipients per message; those accepted are kept and \
                 the client sends the rest in another transaction.",
                self.config.max_recipients
            );
            self.reply(
                ReplyKind::TooManyRecipients,
                "Error: too many recipients",
                explanation,
            );
            return;
        }
        if let Some(refusal) = self.relay_refusal(&to) {
            if let Some(transaction) = self.stage.transaction_mut() {
                transaction.refused_recipients = transaction.refused_recipients.saturating_add(1);
            }
            self.reply(
                ReplyKind::RelayDenied,
                format!("{to}: Relay access denied"),
                refusal,
            );
            return;
        }
        self.transition(Trigger::Rcpt);
        let mut explanation = self.rcpt_explanation(&to);
        if let ForwardPath::Mailbox(mailbox) = &to {
            explanation.push_str(&smtputf8::utf8_address_note(mailbox));
        }
        explanation.push_str(&super::dsn::rcpt_note(&read.dsn));
        if let Some(transaction) = self.stage.transaction_mut() {
            transaction.recipients.push(to);
            transaction.recipient_dsn.push(read.dsn);
        }
        self.reply(ReplyKind::RecipientOk, "Ok", explanation);
    }

    /// Why relaying to `to` is refused, or `None` when the recipient is local or the
    /// client may relay (RFC 5321 §3.6.2: relaying only for known clients).
    fn relay_refusal(&self, to: &ForwardPath) -> Option<String> {
        let ForwardPath::Mailbox(mailbox) = to else {
            return None;
        };
        let domain = mailbox.domain.as_str();
        if self.config.is_local_domain(domain)
            || self.host.holds(domain)
            || self.host.relay_allowed()
            || self.identity.is_some()
            || self.config.is_trusted_client(&self.peer.address)
            || self.config.open_relay
        {
            return None;
        }
        let host_says = self
            .host
            .relay_check
            .as_ref()
            .map(|check| format!(" {}", check.explanation))
            .unwrap_or_default();
        Some(format!(
            "{domain} is not a local domain and the client ({}) has neither authenticated nor \
             is it a trusted address, so passing the mail on would make this an open relay.{host_says}",
            self.peer.address
        ))
    }

    fn rcpt_explanation(&self, to: &ForwardPath) -> String {
        let ForwardPath::Mailbox(mailbox) = to else {
            return "<Postmaster> must always be accepted (RFC 5321 §4.1.1.3).".into();
        };
        let domain = mailbox.domain.as_str();
        if self.config.is_local_domain(domain) {
            format!("{domain} is local: the message will go to this mailbox.")
        } else if self.host.holds(domain) {
            format!(
                "{domain}'s own server is offline; this host holds its mail in the outbound \
                 queue until it is collected (ETRN, ATRN)."
            )
        } else if self.identity.is_some() {
            format!("{domain} is remote; relaying is allowed because the client authenticated.")
        } else if self.config.is_trusted_client(&self.peer.address) {
            format!(
                "{domain} is remote; relaying is allowed because {} is a trusted client.",
                self.peer.address
            )
        } else if let Some(check) = self.host.relay_check.as_ref().filter(|c| c.allowed) {
            format!(
                "{domain} is remote; relaying is allowed: {}",
                check.explanation
            )
        } else {
            format!(
                "{domain} is remote; relaying is allowed only because the open-relay switch is on."
            )
        }
    }

    pub(super) fn data_command(&mut self) {
        if let Some((text, why)) = self.data_refused_by_chunking() {
            self.reply(ReplyKind::ChunkingOutOfSequence, text, why);
            return;
        }
        let refused_recipients = self.stage.transaction().map_or(0, |t| t.refused_recipients);
        if self.state() == State::ExpectRcpt && refused_recipients > 0 {
            self.reply(
                ReplyKind::NoValidRecipients,
                "Error: no valid recipients",
                "Every RCPT TO of this transaction was refused, so there is nobody to deliver to \
                 (RFC 5321 §3.3).",
            );
            return;
        }
        let cap = self
            .config
            .max_message_size
            .and_then(|size| usize::try_from(size).ok())
            .unwrap_or(HARD_MESSAGE_CAP)
            .min(HARD_MESSAGE_CAP);
        let normalise = self.config.strictness.bare_lf == BareLfPolicy::Normalise;
        let text = MessageText {
            receiver: DataReceiver::new(cap, MAX_TEXT_LINE, normalise),
            started: self.now,
        };
        if !self.enter_step(Trigger::Data, Step::ReceivingData(text)) {
            return;
        }
        if let (
            Some(DeclaredSize::Octets(expected)),
            Stage::InTransaction(_, Step::ReceivingData(text)),
        ) = (self.declared_size(), &mut self.stage)
        {
            text.receiver.reserve(expected);
        }
        self.reply_kind(
            ReplyKind::StartMailInput,
            ReplyKind::StartMailInput.explanation(),
        );
    }

    /// SIZE= of the transaction in progress, if MAIL FROM declared one.
    fn declared_size(&self) -> Option<DeclaredSize> {
        self.stage.transaction().and_then(|t| t.parameters.size)
    }

    /// The final "." arrived: refuse the whole message or accept and deliver it.
    pub(super) fn end_of_data(&mut self, received: ReceivedData) {
        let Some(transaction) = self.end_transaction(Trigger::EndOfData) else {
            return;
        };
        let refusal = self.judge(&received, &transaction);
        match refusal {
            Some((kind, text, why)) => {
                let explanation = format!("{why} Nothing of the message was delivered.");
                self.reply(kind, text, explanation);
            }
            None => self.accept(transaction, received),
        }
    }

    /// The first rule the message breaks, with the reply text and the reason.
    fn judge(
        &self,
        received: &ReceivedData,
        transaction: &Transaction,
    ) -> Option<(ReplyKind, String, String)> {
        let findings = received.findings;
        let bare_lf = findings.bare_lf && self.config.strictness.bare_lf == BareLfPolicy::Reject;
        if bare_lf || findings.bare_cr {
            let which = if bare_lf { "LF" } else { "CR" };
            return Some((
                ReplyKind::BadMessageContent,
                format!("Error: bare <{which}> received"),
                format!(
                    "The message contains a bare {which}; only CRLF ends a line (RFC 5321 §2.3.8), \
                     and accepting other endings is what SMTP smuggling exploits."
                ),
            ));
        }
        if findings.long_line {
            return Some((
                ReplyKind::DataLineTooLong,
                "Error: message line too long".into(),
                format!(
                    "A text line was longer than {MAX_TEXT_LINE} octets including CRLF (RFC 5321 §4.5.3.1.6)."
                ),
            ));
        }
        if findings.over_cap {
            return Some((
                ReplyKind::MessageTooBig,
                ReplyKind::MessageTooBig.default_text().into(),
                format!(
                    "{} octets arrived, more than this server takes; it stopped storing at the \
                     limit, read to the end of data, then refused (RFC 1870 §6).",
                    received.octets
                ),
            ));
        }
        let declared_8bit = transaction.parameters.body == Some(Body::EightBitMime);
        let utf8_headers_only =
            transaction.parameters.smtputf8 && smtputf8::body_is_seven_bit(&received.text);
        if findings.eight_bit
            && !declared_8bit
            && !utf8_headers_only
            && self.config.strictness.undeclared_eight_bit == UndeclaredEightBitPolicy::Reject
        {
            return Some((
                ReplyKind::EightBitNotDeclared,
                ReplyKind::EightBitNotDeclared.default_text().into(),
                "The message has octets above 127 but MAIL FROM did not say BODY=8BITMIME \
                 (RFC 6152 §3)."
                    .into(),
            ));
        }
        None
    }

    /// Queues one copy per recipient for the driver to store. The reply waits for the
    /// driver's [`Server::handle_stored`]: a 250 promises the message is stored, so it
    /// is only sent once it is.
    pub(super) fn accept(&mut self, transaction: Transaction, received: ReceivedData) {
        let id = self.entropy.hex_upper(10);
        let recipients: Vec<String> = transaction
            .recipients
            .iter()
            .map(ToString::to_string)
            .collect();
        self.emit(
            ServerEventKind::MessageAccepted {
                id: id.clone(),
                octets: received.octets,
                recipients,
            },
            format!(
                "Message of {} octets accepted with id {id}.",
                received.octets
            ),
            "RFC 5321 §4.1.1.4",
        );
        let (text, bcc_removed) = self.submission_text(received.text);
        self.deliver(&id, &transaction, text, bcc_removed);
        if let Stage::ExpectMail(greeting) = &self.stage {
            self.stage = Stage::AwaitingStore(StoreWait::new(id), greeting.clone());
        }
    }

    /// The driver stored every copy of the message, or could not: answer the end of
    /// data accordingly, then go on with the input that arrived meanwhile.
    pub(super) fn stored(&mut self, id: &str, outcome: StoreOutcome) {
        match outcome {
            StoreOutcome::Stored => {
                // Postfix's hard error limit counts errors "without delivering mail".
                self.errors = 0;
                self.reply(
                    ReplyKind::Queued,
                    format!("Ok: queued as {id}"),
                    ReplyKind::Queued.explanation(),
                );
            }
            StoreOutcome::Failed { reason } => {
                self.refuse_unstored(ReplyKind::StoreFailed, &reason)
            }
            StoreOutcome::NoSpace { reason } => self.refuse_unstored(ReplyKind::StoreFull, &reason),
        }
    }

    fn refuse_unstored(&mut self, kind: ReplyKind, reason: &str) {
        let explanation = format!(
            "Storing the message failed ({reason}); nothing of it was kept. {}",
            kind.explanation()
        );
        self.reply(kind, kind.default_text(), explanation);
    }

    /// In the submission role, the Bcc header goes (RFC 5322 §3.6.3). Returns the text
    /// and whether a Bcc field was removed.
    fn submission_text(&mut self, text: Vec<u8>) -> (Vec<u8>, bool) {
        if self.config.role != Role::Submission {
            return (text, false);
        }
        let (kept, removed) = delivery::strip_blind_copies(&text);
        let bcc_removed = !removed.is_empty();
        let explanation = if removed.is_empty() {
            "Submission role: the message had no Bcc header to remove.".to_owned()
        } else {
            "Submission role: the Bcc header is removed so no recipient sees the blind copies; \
             the Bcc recipients still get the message through their RCPT TO."
                .to_owned()
        };
        self.emit(
            ServerEventKind::BlindCopiesRemoved { removed },
            explanation,
            "RFC 5322 §3.6.3",
        );
        (kept, bcc_removed)
    }

    fn deliver(&mut self, id: &str, transaction: &Transaction, text: Vec<u8>, bcc_removed: bool) {
        let (Greeting::Ehlo(helo) | Greeting::Helo(helo)) = &transaction.greeting;
        let ehlo = matches!(transaction.greeting, Greeting::Ehlo(_));
        let protocol = match (ehlo, self.identity.is_some(), self.tls.is_some()) {
            (true, true, true) => Protocol::Esmtpsa,
            (true, false, true) => Protocol::Esmtps,
            (true, true, false) => Protocol::Esmtpa,
            (true, false, false) => Protocol::Esmtp,
            (false, _, _) => Protocol::Smtp,
        };
        let protocol = if transaction.parameters.smtputf8 {
            protocol.with_smtputf8()
        } else {
            protocol
        };
        let single_recipient = match transaction.recipients.as_slice() {
            [only] => Some(only),
            _ => None,
        };
        let received = Trace {
            helo,
            client_address: &self.peer.address,
            host: &self.config.hostname,
            protocol,
            id,
            single_recipient,
            at: self.now,
        }
        .header();
        let envelope = Envelope {
            id,
            from: &transaction.from,
            recipients: &transaction.recipients,
            mail_dsn: &transaction.parameters.dsn,
            recipient_dsn: &transaction.recipient_dsn,
            at: self.now,
        };
        let config = &self.config;
        let copies = delivery::copies(
            &envelope,
            &received,
            text,
            bcc_removed,
            &config.hostname,
            |d| config.is_local_domain(d),
        );
        for copy in copies {
            self.record_copy(&copy);
            self.deliveries.push_back(copy);
        }
    }

    fn record_copy(&mut self, copy: &delivery::Delivery) {
        let place = match &copy.destination {
            Destination::Mailbox => format!("the mailbox of {}", copy.recipient),
            Destination::Outbound { domain } => {
                let count = self.queued.entry(domain.clone()).or_insert(0);
                *count = count.saturating_add(1);
                format!("the outbound queue for {domain}")
            }
        };
        self.emit(
            ServerEventKind::CopyDelivered {
                id: copy.id.clone(),
                recipient: copy.recipient.clone(),
                destination: copy.destination.clone(),
                headers: copy.headers.clone(),
            },
            format!(
                "A copy for {} goes to {place}, with headers {}.",
                copy.recipient,
                copy.headers.join(", ")
            ),
            "RFC 5321 §4.4",
        );
    }
}

fn describe_size(size: DeclaredSize) -> String {
    match size {
        DeclaredSize::Octets(octets) => octets.to_string(),
        DeclaredSize::BeyondU64 => "more than 18446744073709551615".into(),
    }
}

fn mail_explanation(from: &ReversePath, read: &MailParameters) -> String {
    let mut explanation = match from {
        ReversePath::Null => {
            "Transaction started with the null reverse-path <>: a bounce, which must never be \
             answered with another bounce."
                .to_owned()
        }
        ReversePath::Mailbox(_) => format!("Transaction started; bounces would go to {from}."),
    };
    if let Some(size) = read.size {
        explanation.push_str(&format!(" Declared size: {} octets.", describe_size(size)));
    }
    if let Some(body) = read.body {
        explanation.push_str(match body {
            Body::SevenBit => " Body declared 7-bit.",
            Body::EightBitMime => " Body declared 8BITMIME: 8-bit octets may follow.",
            Body::BinaryMime => " Body declared BINARYMIME: any octets, sent only with BDAT.",
        });
    }
    if let Some(auth) = &read.auth {
        explanation.push_str(&format!(
            " AUTH={auth} names the original submitter (RFC 4954 §5)."
        ));
    }
    if read.smtputf8 {
        explanation.push_str(
            " SMTPUTF8: the addresses and header fields of this message may be UTF-8 \
             (RFC 6531 §3.4, RFC 6532).",
        );
        if let ReversePath::Mailbox(mailbox) = from {
            explanation.push_str(&smtputf8::utf8_address_note(mailbox));
        }
    }
    explanation.push_str(&super::dsn::mail_note(&read.dsn));
    explanation
}
