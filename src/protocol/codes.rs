//! The one table of replies the engines send. Each row names a condition, its reply code,
//! its RFC 3463 enhanced code, the default text, the RFC section that mandates it and a
//! one-line explanation for learners. No other file writes a reply code literal.

use super::reply::{EnhancedCode, Reply, ReplyCode};

macro_rules! reply_table {
    ($(
        $(#[$doc:meta])*
        $name:ident => $code:literal, $enhanced:expr, $text:literal, $rfc:literal, $why:literal;
    )*) => {
        /// Every condition a server engine can answer with.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub enum ReplyKind {
            $( $(#[$doc])* $name, )*
        }

        impl ReplyKind {
            /// Every row, in table order (for documentation and tests).
            pub const ALL: &'static [ReplyKind] = &[$(ReplyKind::$name),*];

            /// The three-digit code.
            pub const fn code(self) -> ReplyCode {
                match self {
                    $( ReplyKind::$name => ReplyCode::__from_table($code), )*
                }
            }

            /// The enhanced status code, if the condition has one. Greeting, HELO/EHLO
            /// and 3yz replies never carry one (RFC 2034 §4).
            pub const fn enhanced(self) -> Option<EnhancedCode> {
                match self {
                    $( ReplyKind::$name => $enhanced, )*
                }
            }

            /// The text sent when the caller has nothing more specific to say.
            pub(crate) const fn default_text(self) -> &'static str {
                match self {
                    $( ReplyKind::$name => $text, )*
                }
            }

            /// The RFC section that defines this reply.
            pub const fn rfc(self) -> &'static str {
                match self {
                    $( ReplyKind::$name => $rfc, )*
                }
            }

            /// Why a server answers this way, for learners.
            pub const fn explanation(self) -> &'static str {
                match self {
                    $( ReplyKind::$name => $why, )*
                }
            }
        }
    };
}

impl ReplyCode {
    /// Only for the table below, whose literals are all in range (checked by a test).
    #[doc(hidden)]
    pub(crate) const fn __from_table(value: u16) -> Self {
        match Self::new(value) {
            Some(code) => code,
            None => Self::__from_table(500),
        }
    }
}

const fn e(class: u8, subject: u16, detail: u16) -> Option<EnhancedCode> {
    Some(EnhancedCode::new(class, subject, detail))
}

reply_table! {
    /// The 220 banner.
    Greeting => 220, None, "ESMTP service ready", "RFC 5321 §4.3.1",
        "The server announces itself; the client must wait for this before sending anything.";
    /// 220 to STARTTLS: the next octets on the connection are a TLS handshake.
    ReadyToStartTls => 220, e(2, 0, 0), "Ready to start TLS", "RFC 3207 §4",
        "The client starts the TLS handshake next; once it completes, both sides forget everything said in the clear and begin again with EHLO.";
    /// 221 after QUIT.
    Closing => 221, e(2, 0, 0), "Bye", "RFC 5321 §4.1.1.10",
        "QUIT is answered with 221 and the server closes the connection.";
    /// 235 after a successful AUTH.
    AuthSucceeded => 235, e(2, 7, 0), "Authentication successful", "RFC 4954 §6",
        "The SASL exchange finished and the credentials were right.";
    /// 250 to HELO/EHLO (no enhanced code).
    Hello => 250, None, "Hello", "RFC 5321 §4.1.1.1",
        "The server accepts the client's greeting; after EHLO the extra lines list the extensions.";
    /// Generic 250.
    Ok => 250, e(2, 0, 0), "Ok", "RFC 5321 §4.2.2", "The command was accepted.";
    /// 250 to MAIL FROM.
    SenderOk => 250, e(2, 1, 0), "Sender ok", "RFC 5321 §4.1.1.2",
        "MAIL FROM starts a transaction and records the reverse-path (where bounces go).";
    /// 250 to RCPT TO.
    RecipientOk => 250, e(2, 1, 5), "Recipient ok", "RFC 5321 §4.1.1.3",
        "The server will accept mail for this forward-path.";
    /// 250 at the end of DATA.
    Queued => 250, e(2, 0, 0), "Ok: queued", "RFC 5321 §4.1.1.4",
        "The server has taken responsibility for the message.";
    /// 250 to a BDAT chunk that is not the last (RFC 3030 §2).
    ChunkReceived => 250, e(2, 0, 0), "Ok: chunk received", "RFC 3030 §2",
        "The chunk's octets were all read; the client sends the next BDAT.";
    /// 250 to RSET.
    ResetOk => 250, e(2, 0, 0), "Ok", "RFC 5321 §4.1.1.5",
        "RSET abandons the current transaction; the session itself stays.";
    /// 250 to NOOP.
    NoopOk => 250, e(2, 0, 0), "Ok", "RFC 5321 §4.1.1.9", "NOOP does nothing but must be answered.";
    /// 252 to VRFY when the server will not say.
    CannotVerify => 252, e(2, 1, 5), "Cannot VRFY user, but will accept message and attempt delivery",
        "RFC 5321 §3.5.3",
        "Servers usually refuse to confirm addresses (spammers harvest them) but must not claim 'unknown'.";
    /// 214 help text.
    Help => 214, e(2, 0, 0), "See RFC 5321", "RFC 5321 §4.1.1.8", "HELP returns human-readable hints.";
    /// 334 AUTH continuation (no enhanced code: 3yz).
    AuthContinue => 334, None, "", "RFC 4954 §4",
        "The server sends a base64 challenge and waits for the client's base64 response line.";
    /// 251 to ETRN: nothing queued for that node.
    EtrnNoMessages => 251, e(2, 0, 0), "No messages waiting for node", "RFC 1985 §5",
        "The outbound queue holds nothing for the domain the client named.";
    /// 250 to `ETRN #queue`: the named queue is being run.
    EtrnQueueStarted => 250, e(2, 0, 0), "OK, queuing for node started", "RFC 1985 §5",
        "The server starts delivering the named queue; the mail arrives over a new connection it opens.";
    /// 252 to ETRN: delivery started, count withheld.
    EtrnPendingStartedUncounted => 252, e(2, 0, 0), "OK, pending messages for node started", "RFC 1985 §5",
        "Mail is waiting and delivery has started; this server does not say how much (RFC 1985 leaves that to it).";
    /// 250 to TURN in legacy mode: the roles reverse.
    TurnAccepted => 250, e(2, 0, 0), "OK, turning around", "RFC 821 §4.1.1",
        "The server becomes the client on this connection and sends the mail held for the domain the client named in HELO/EHLO.";
    /// 250 to ATRN: the roles reverse.
    AtrnReversing => 250, e(2, 0, 0), "OK, now reversing the connection", "RFC 2645 §4.2",
        "The authenticated client's mail is waiting: the server becomes the client on this connection and sends it.";
    /// 450 to ATRN: a requested domain is not the client's.
    AtrnRefused => 450, e(4, 7, 1), "ATRN request refused", "RFC 2645 §4.2",
        "The client asked for a domain its account is not authorised to collect.";
    /// 451 to ATRN: the queue cannot be handed over right now.
    AtrnUnavailable => 451, e(4, 3, 0), "Unable to process ATRN request now", "RFC 2645 §4.2",
        "The server cannot reverse the connection at the moment (the queue is busy); the client may try again later.";
    /// 453 to ATRN: nothing queued.
    AtrnNoMail => 453, e(4, 3, 0), "You have no mail", "RFC 2645 §4.2",
        "Nothing is queued for the client's domains, so the connection is not reversed.";
    /// 253 to ETRN: n messages queued, delivery started.
    EtrnPendingStarted => 253, e(2, 0, 0), "pending messages for node started", "RFC 1985 §5",
        "The server says how many queued messages it now starts delivering.";
    /// 354 after DATA.
    StartMailInput => 354, None, "End data with <CR><LF>.<CR><LF>", "RFC 5321 §4.1.1.4",
        "The server is ready for the message; only CRLF . CRLF ends it.";
    /// 421 when the idle timer fires.
    IdleTimeout => 421, e(4, 4, 2), "Timeout exceeded, closing connection", "RFC 5321 §4.5.3.2.7",
        "The client said nothing for longer than the server waits; the server closes with 421.";
    /// 421 after too many errors.
    TooManyErrors => 421, e(4, 7, 0), "Too many errors, closing connection", "RFC 5321 §4.2.2",
        "Servers limit how many bad commands one session may send, then close with 421.";
    /// 421 shutting down / service not available.
    ServiceUnavailable => 421, e(4, 3, 2), "Service not available, closing connection",
        "RFC 5321 §3.8", "A 421 may be sent at any time when the server must close.";
    /// 451 at the end of data: the copies could not be stored, none was kept.
    StoreFailed => 451, e(4, 3, 0), "Error: local error in processing, message not stored", "RFC 5321 §4.2.3",
        "The server could not write the message to its store, so it keeps nothing and says so: the client keeps the message and tries again later.";
    /// 452 at the end of data: no room left to store the copies, none was kept.
    StoreFull => 452, e(4, 3, 1), "Error: insufficient system storage, message not stored", "RFC 5321 §4.2.3",
        "The server's store is full, so it keeps nothing and says so: the client keeps the message and tries again later.";
    /// 452 too many recipients.
    TooManyRecipients => 452, e(4, 5, 3), "Too many recipients", "RFC 5321 §4.5.3.1.10",
        "The recipient buffer is full; recipients already accepted are kept and the client sends the rest later.";
    /// 454 temporary AUTH failure.
    AuthTemporaryFailure => 454, e(4, 7, 0), "Temporary authentication failure", "RFC 4954 §6",
        "Authentication could not be completed now; try again later.";
    /// 454 to STARTTLS when the server offers TLS but cannot start it now.
    TlsNotAvailable => 454, e(4, 7, 0), "TLS not available due to temporary reason", "RFC 3207 §4",
        "The server lists STARTTLS but cannot start TLS right now (say its certificate cannot be loaded); the client may go on in the clear or try later.";
    /// 458 to ETRN: the server cannot queue for that node.
    EtrnUnableToQueue => 458, e(4, 3, 0), "Unable to queue messages for node", "RFC 1985 §5",
        "The server has no queue of that name (this playground keeps one queue per domain only).";
    /// 459 to ETRN: the node may not be flushed.
    EtrnNodeNotAllowed => 459, e(4, 7, 1), "Node not allowed", "RFC 1985 §5",
        "The named domain is not one the server queues for (mail for a local domain is delivered at once).";
    /// 500 unknown command.
    CommandUnrecognized => 500, e(5, 5, 2), "Command unrecognized", "RFC 5321 §4.2.4",
        "The server does not know this verb.";
    /// 500 command line too long.
    LineTooLong => 500, e(5, 5, 2), "Line too long", "RFC 5321 §4.5.3.1.4",
        "A command line may be at most 512 octets including CRLF.";
    /// 500 AUTH response line too long.
    AuthLineTooLong => 500, e(5, 5, 6), "Authentication exchange line is too long", "RFC 4954 §4",
        "An AUTH response line may be at most 12288 octets.";
    /// 500 command line ended with a bare LF.
    BareLfInCommand => 500, e(5, 5, 2), "Bare <LF> received; commands end with <CR><LF>",
        "RFC 5321 §2.3.8",
        "CRLF is the only line ending SMTP recognises; a line ending in LF alone is refused (SMTP smuggling defence).";
    /// 501 a NUL, control or 8-bit octet in a command's arguments.
    BadOctetInCommand => 501, e(5, 5, 2), "Invalid character in command", "RFC 5321 §2.4",
        "Without SMTPUTF8 a command is printable US-ASCII; NUL, control and 8-bit octets have no place in it.";
    /// 501 generic syntax error in parameters.
    SyntaxError => 501, e(5, 5, 4), "Syntax error in parameters or arguments", "RFC 5321 §4.2.2",
        "The verb is known but its arguments do not follow the grammar.";
    /// 501 bad sender address syntax.
    BadSenderSyntax => 501, e(5, 1, 7), "Bad sender address syntax", "RFC 5321 §4.1.2",
        "The reverse-path does not follow RFC 5321's Path grammar.";
    /// 501 bad recipient address syntax.
    BadRecipientSyntax => 501, e(5, 1, 3), "Bad recipient address syntax", "RFC 5321 §4.1.2",
        "The forward-path does not follow RFC 5321's Path grammar.";
    /// 501 path component over a length limit.
    PathTooLong => 501, e(5, 5, 4), "Path too long", "RFC 5321 §4.5.3.1",
        "Local-part ≤ 64, domain ≤ 255 and path ≤ 256 octets.";
    /// 501 AUTH cancelled with `*`.
    AuthCancelled => 501, e(5, 0, 0), "Authentication cancelled", "RFC 4954 §4",
        "The client sent '*' to abandon the SASL exchange.";
    /// 501 base64 could not be decoded.
    AuthBadBase64 => 501, e(5, 5, 2), "Cannot decode base64", "RFC 4954 §4",
        "Every AUTH response must be valid base64.";
    /// 501 initial response to a server-first mechanism.
    AuthUnexpectedInitialResponse => 501, e(5, 7, 0), "Initial response not allowed for this mechanism",
        "RFC 4954 §4", "CRAM-MD5 and DIGEST-MD5 start with a server challenge, so an initial response is a protocol error.";
    /// 502 command not implemented (obsolete or switched off).
    NotImplemented => 502, e(5, 5, 1), "Command not implemented", "RFC 5321 §4.2.4",
        "The verb exists but this server does not implement it.";
    /// 503 bad sequence of commands.
    BadSequence => 503, e(5, 5, 1), "Bad sequence of commands", "RFC 5321 §4.1.4",
        "The command is valid but not in this state (e.g. RCPT before MAIL).";
    /// 503 for DATA, MAIL or RCPT inside a BDAT transaction, BDAT after a failed chunk
    /// (RFC 3030 §2), or DATA after BODY=BINARYMIME (RFC 3030 §3).
    ChunkingOutOfSequence => 503, e(5, 5, 1), "Bad sequence of commands", "RFC 3030 §2",
        "DATA and BDAT cannot be mixed in one transaction, and after a failed chunk only RSET \
         clears it.";
    /// 504 unknown AUTH mechanism or parameter.
    ParameterNotImplemented => 504, e(5, 5, 4), "Command parameter not implemented", "RFC 5321 §4.2.4",
        "The server does not support this parameter value (e.g. an AUTH mechanism it does not offer).";
    /// 530 authentication required.
    AuthRequired => 530, e(5, 7, 0), "Authentication required", "RFC 4954 §6",
        "This server accepts the command only after AUTH.";
    /// 534 mechanism too weak.
    AuthMechanismTooWeak => 534, e(5, 7, 9), "Authentication mechanism is too weak", "RFC 4954 §6",
        "Policy requires a stronger mechanism.";
    /// 535 bad credentials.
    AuthInvalidCredentials => 535, e(5, 7, 8), "Authentication credentials invalid", "RFC 4954 §6",
        "The SASL exchange completed but the user name or password was wrong.";
    /// 538 encryption required for this mechanism.
    AuthEncryptionRequired => 538, e(5, 7, 11), "Encryption required for requested authentication mechanism",
        "RFC 4954 §6", "Plaintext mechanisms reveal the password; real servers allow them only after STARTTLS.";
    /// 550 relay denied.
    RelayDenied => 550, e(5, 7, 1), "Relay access denied", "RFC 5321 §3.6.2",
        "The recipient's domain is not local and the client is neither authenticated nor trusted, so relaying is refused.";
    /// 550 8-bit data without BODY=8BITMIME.
    EightBitNotDeclared => 550, e(5, 6, 0), "Message contains 8-bit data but BODY=8BITMIME was not declared",
        "RFC 6152 §3", "Without BODY=8BITMIME a client may only send 7-bit text.";
    /// 553 a UTF-8 address in a transaction whose MAIL FROM did not say SMTPUTF8.
    NonAsciiAddress => 553, e(5, 6, 7), "Non-ASCII addresses not permitted for that sender/recipient",
        "RFC 6531 §3.5",
        "A UTF-8 address may appear only in a transaction whose MAIL FROM carries SMTPUTF8; without it every address is ASCII.";
    /// 550 malformed message content (bare CR/LF).
    BadMessageContent => 550, e(5, 5, 2), "Message contains bare CR or LF", "RFC 5321 §2.3.8",
        "CRLF is the only line ending; bare CR or LF are refused to prevent SMTP smuggling.";
    /// 500 message line too long.
    DataLineTooLong => 500, e(5, 5, 2), "Message line too long", "RFC 5321 §4.5.3.1.6",
        "A text line may be at most 1000 octets including CRLF.";
    /// 552 message too big.
    MessageTooBig => 552, e(5, 3, 4), "Message size exceeds fixed maximum message size", "RFC 1870 §6",
        "The declared or actual size is over the server's SIZE limit.";
    /// 554 no valid recipients.
    NoValidRecipients => 554, e(5, 5, 1), "No valid recipients", "RFC 5321 §3.3",
        "DATA needs at least one accepted recipient.";
    /// 554 pipelining without PIPELINING (Postfix-style).
    ImproperPipelining => 554, e(5, 5, 0), "Improper use of SMTP command pipelining", "RFC 2920 §3.1",
        "The client sent commands ahead of replies although the server did not offer PIPELINING.";
    /// 555 unknown MAIL/RCPT parameter.
    UnknownParameter => 555, e(5, 5, 4), "Unsupported parameter", "RFC 5321 §4.1.1.11",
        "The server does not recognise this MAIL/RCPT parameter.";
}

impl ReplyKind {
    /// The reply with its default text.
    pub fn reply(self) -> Reply {
        Reply::new(self.code(), self.enhanced(), self.default_text())
    }

    /// The reply with a specific text.
    pub fn reply_with(self, text: impl Into<String>) -> Reply {
        Reply::new(self.code(), self.enhanced(), text)
    }

    /// A multi-line reply of this kind.
    pub(crate) fn reply_lines(self, lines: Vec<String>) -> Reply {
        Reply::multiline(self.code(), self.enhanced(), lines)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_has_a_consistent_code_and_enhanced_class() {
        for kind in ReplyKind::ALL {
            let code = kind.code().value();
            assert!((200..=599).contains(&code), "{kind:?}");
            if let Some(enhanced) = kind.enhanced() {
                assert_eq!(u16::from(enhanced.class), code / 100, "{kind:?}");
            }
            if (300..400).contains(&code) || *kind == ReplyKind::Greeting {
                assert!(
                    kind.enhanced().is_none(),
                    "{kind:?} must not carry an enhanced code"
                );
            }
            assert!(kind.rfc().starts_with("RFC "), "{kind:?}");
        }
    }

    #[test]
    fn table_rows_render_as_wire_text() {
        assert_eq!(
            ReplyKind::RelayDenied.reply().to_string(),
            "550 5.7.1 Relay access denied\r\n"
        );
        assert_eq!(
            ReplyKind::StartMailInput.reply().to_string(),
            "354 End data with <CR><LF>.<CR><LF>\r\n"
        );
    }
}
