//! The session commands: EHLO/HELO, RSET, NOOP, QUIT, VRFY, EXPN, HELP, ETRN and the
//! verbs this server does not implement. MAIL, RCPT and DATA are in `envelope.rs`.

use super::config::EhloMode;
use super::session::{Greeting, Server};
use super::stage::Stage;
use super::state::Trigger;
use crate::protocol::command::ObsoleteVerb;
use crate::protocol::{Command, Extension, ReplyKind};

impl Server {
    pub(super) fn handle_command(&mut self, command: Command) {
        match command {
            Command::Ehlo { domain } => self.ehlo(domain),
            Command::Helo { domain } => self.hello(Greeting::Helo(domain)),
            Command::Mail { from, parameters } => self.mail(from, &parameters),
            Command::Rcpt { to, parameters } => self.rcpt(to, &parameters),
            Command::Data => self.data_command(),
            Command::Bdat { size, last } => self.bdat(size, last),
            Command::Rset => self.rset(),
            Command::Noop => self.reply_kind(
                ReplyKind::NoopOk,
                "NOOP does nothing; the server must still answer 250.",
            ),
            Command::Quit => self.quit(),
            Command::Vrfy { argument } => self.vrfy(&argument),
            Command::Expn { .. } => self.reply(
                ReplyKind::NotImplemented,
                "Error: EXPN command is disabled",
                "EXPN would reveal who is on a mailing list; servers usually switch it off \
                 (RFC 5321 §3.5.2, §7.3).",
            ),
            Command::Help { .. } => self.help(),
            Command::Etrn { argument } => self.etrn(&argument),
            Command::Auth {
                mechanism,
                initial_response,
            } => self.auth_command(&mechanism, initial_response.as_deref()),
            Command::StartTls => self.starttls(),
            Command::Obsolete { which } => self.obsolete(which),
            Command::Turn => self.turn(),
            Command::Atrn { domains } => self.atrn(&domains),
        }
    }

    fn obsolete(&mut self, which: ObsoleteVerb) {
        let verb = Command::<String>::Obsolete { which }.verb();
        self.reply(
            ReplyKind::NotImplemented,
            format!("Error: {verb} is not implemented"),
            format!(
                "{verb} delivered to a user's terminal in RFC 821; RFC 2821 retired SEND, SOML \
                 and SAML and RFC 5321 Appendix F.3 keeps them out."
            ),
        );
    }

    fn ehlo(&mut self, domain: String) {
        match self.config.ehlo_mode {
            EhloMode::Esmtp => self.hello(Greeting::Ehlo(domain)),
            EhloMode::HeloOnlyUnrecognized => self.reply(
                ReplyKind::CommandUnrecognized,
                "Error: command not recognized",
                "This server predates ESMTP (RFC 821) and does not know EHLO; the client should \
                 fall back to HELO (RFC 5321 §3.2).",
            ),
            EhloMode::HeloOnlyNotImplemented => self.reply(
                ReplyKind::NotImplemented,
                "Error: command not implemented",
                "This server refuses EHLO, so it offers no extensions; the client should fall \
                 back to HELO (RFC 5321 §3.2).",
            ),
        }
    }

    /// EHLO or HELO: greets the client and resets any transaction (RFC 5321 §4.1.4).
    /// The greeting enters with the stage, replacing an earlier one.
    fn hello(&mut self, greeting: Greeting) {
        let had_transaction = self.stage.transaction().is_some();
        if !self.enter(Trigger::Hello, Stage::ExpectMail(greeting.clone())) {
            return;
        }
        let (lines, explanation) = match &greeting {
            Greeting::Ehlo(domain) => (
                self.ehlo_lines(domain),
                "EHLO: the server names itself and lists its extensions, one per line, in \
                 Postfix's order.",
            ),
            Greeting::Helo(domain) => (
                vec![format!("{} Hello {domain}", self.config.hostname)],
                "HELO: plain SMTP, so no extensions are listed and none may be used.",
            ),
        };
        let mut explanation = explanation.to_owned();
        if had_transaction {
            explanation.push_str(" The transaction in progress was reset (RFC 5321 §4.1.4).");
        }
        let reply = ReplyKind::Hello.reply_lines(lines);
        self.send(ReplyKind::Hello, reply, explanation);
    }

    /// The EHLO lines, in Postfix's order: PIPELINING, SIZE, VRFY, ETRN, STARTTLS, AUTH,
    /// ENHANCEDSTATUSCODES, 8BITMIME, DSN, SMTPUTF8, CHUNKING (BINARYMIME after it).
    fn ehlo_lines(&self, domain: &str) -> Vec<String> {
        let switches = &self.config.extensions;
        let mut lines = vec![format!("{} Hello {domain}", self.config.hostname)];
        let auth = self
            .config
            .auth
            .advertised()
            .filter(|_| self.config.offers_auth() && self.auth_allowed_now());
        let offered = [
            switches.pipelining.then_some(Extension::Pipelining),
            switches
                .size
                .then_some(Extension::Size(self.config.max_message_size)),
            switches.vrfy.then_some(Extension::Vrfy),
            switches.etrn.then_some(Extension::Etrn),
            self.host.atrn.enabled.then_some(Extension::Atrn),
            (self.config.offers_starttls() && self.tls.is_none()).then_some(Extension::StartTls),
            auth,
            switches
                .enhanced_status_codes
                .then_some(Extension::EnhancedStatusCodes),
            switches.eight_bit_mime.then_some(Extension::EightBitMime),
            switches.smtputf8.then_some(Extension::SmtpUtf8),
            switches.chunking.then_some(Extension::Chunking),
            (switches.chunking && switches.binary_mime).then_some(Extension::BinaryMime),
            switches.dsn.then_some(Extension::Dsn),
        ];
        lines.extend(offered.into_iter().flatten().map(|e| e.to_string()));
        lines
    }

    fn rset(&mut self) {
        if self.transition(Trigger::Rset) {
            self.reply_kind(
                ReplyKind::ResetOk,
                "RSET abandons the transaction (sender, recipients, data); the greeting stays.",
            );
        }
    }

    fn quit(&mut self) {
        let text = format!("{} closing connection", self.config.hostname);
        self.reply(
            ReplyKind::Closing,
            text,
            "QUIT ends the session; anything the client sends after it is not read.",
        );
        self.close();
    }

    fn vrfy(&mut self, argument: &str) {
        if !self.config.extensions.vrfy {
            self.reply(
                ReplyKind::NotImplemented,
                "Error: VRFY command is disabled",
                "VRFY lets anyone test which addresses exist, so it is switched off (like \
                 Postfix disable_vrfy_command = yes); RFC 5321 §3.5.3 allows 502.",
            );
            return;
        }
        let shown = argument.get(..64).unwrap_or(argument);
        self.reply(
            ReplyKind::CannotVerify,
            format!("{shown}: Cannot VRFY user, but will accept message and attempt delivery"),
            ReplyKind::CannotVerify.explanation(),
        );
    }

    fn help(&mut self) {
        let mut commands = String::from("Commands: HELO MAIL RCPT DATA RSET NOOP QUIT HELP");
        if self.config.speaks_esmtp() {
            commands.insert_str("Commands: ".len(), "EHLO ");
        }
        if self.config.extensions.vrfy {
            commands.push_str(" VRFY");
        }
        if self.config.extensions.etrn && self.config.speaks_esmtp() {
            commands.push_str(" ETRN");
        }
        if self.config.extensions.chunking && self.config.speaks_esmtp() {
            commands.push_str(" BDAT");
        }
        let lines = vec![commands, "See RFC 5321 §4.1 for each command".to_owned()];
        let reply = ReplyKind::Help.reply_lines(lines);
        self.send(
            ReplyKind::Help,
            reply,
            ReplyKind::Help.explanation().to_owned(),
        );
    }
}
