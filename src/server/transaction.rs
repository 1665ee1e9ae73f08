//! The mail transaction in progress (RFC 5321 §3.3): it begins when MAIL is accepted,
//! so it always has its reverse-path, and RSET, EHLO/HELO, STARTTLS and the end of the
//! message end it. The stage carries it (`Stage::InTransaction`, with the step it has
//! reached), so a stage outside a transaction has none and a transaction step cannot
//! lack one. A command that goes on with it gets it through `Server::transaction_for`,
//! one that ends it through `Server::end_transaction`; both answer the table's 503
//! when the table has no row for the command.

use super::bdat::Chunked;
use super::session::Greeting;
use crate::dsn::parameters::RcptDsn;
use crate::protocol::{ForwardPath, MailParameters, ReversePath};

/// One mail transaction, from its accepted MAIL on.
#[derive(Clone, Debug)]
pub(super) struct Transaction {
    /// The EHLO/HELO the transaction began under: the Received header's `from` and
    /// protocol; RSET and the end of the message hand it back to `ExpectMail`.
    pub greeting: Greeting,
    /// The reverse-path MAIL FROM gave (`<>` for a bounce).
    pub from: ReversePath,
    pub parameters: MailParameters,
    pub recipients: Vec<ForwardPath>,
    /// Each accepted recipient's DSN parameters, in the order of `recipients`.
    pub recipient_dsn: Vec<RcptDsn>,
    /// RCPTs refused in this transaction: DATA then says 554 rather than 503.
    pub refused_recipients: u32,
    /// The message so far, once BDAT was used (RFC 3030 §2), between chunks: while a
    /// chunk is read, `Step::ReceivingChunk` holds it.
    pub chunked: Option<Chunked>,
}

impl Transaction {
    /// The transaction an accepted `MAIL FROM:<from>` with `parameters` begins after
    /// `greeting`: no recipient yet and no message text.
    pub(super) fn new(greeting: Greeting, from: ReversePath, parameters: MailParameters) -> Self {
        Self {
            greeting,
            from,
            parameters,
            recipients: Vec::new(),
            recipient_dsn: Vec::new(),
            refused_recipients: 0,
            chunked: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::server::test_support::greeted_with;
    use crate::server::{Server, ServerConfig};

    fn greeted() -> Server {
        greeted_with(ServerConfig::default())
    }

    fn from(server: &Server) -> Option<String> {
        server.stage.transaction().map(|t| t.from.to_string())
    }

    #[test]
    fn a_transaction_begins_with_the_accepted_mail_and_its_reverse_path() {
        let mut server = greeted();
        assert_eq!(from(&server), None);
        server.receive(b"MAIL FROM:<>\r\n", 0);
        assert_eq!(from(&server).as_deref(), Some("<>"));
        server.receive(b"RCPT TO:<b@example.org>\r\n", 0);
        let recipients = server.stage.transaction().map(|t| t.recipients.len());
        assert_eq!(recipients, Some(1));
    }

    #[test]
    fn a_refused_mail_begins_none_and_rset_or_hello_ends_it() {
        let mut server = greeted();
        server.receive(b"MAIL FROM:<a@example.org> SIZE=x\r\n", 0);
        assert_eq!(from(&server), None);
        server.receive(b"MAIL FROM:<a@example.org>\r\nRSET\r\n", 0);
        assert_eq!(from(&server), None);
        server.receive(b"MAIL FROM:<a@example.org>\r\nEHLO again\r\n", 0);
        assert_eq!(from(&server), None);
    }

    #[test]
    fn the_end_of_data_ends_it() {
        let mut server = greeted();
        server.receive(
            b"MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nDATA\r\nhi\r\n.\r\n",
            0,
        );
        assert_eq!(from(&server), None);
        assert!(server.is_awaiting_store());
    }
}
