//! Lines a person typing a session by hand can send next ("telnet to port 25"), chosen
//! from the server's state and configuration. The manual session offers them as one-click
//! suggestions, so a learner who does not yet know what comes after `250` sees the
//! commands this server accepts now, each with the reason and the RFC section behind it.

use base64::Engine as _;
use serde::Serialize;

use super::config::ServerConfig;
use super::state::State;
use crate::sasl::Mechanism;

/// One suggested line: the text to type (without CRLF) and why it fits now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NextLine {
    /// The text, as typed; an empty string is the empty line that ends a header block.
    pub line: String,
    /// Why this line is a sensible next step, with the RFC section.
    pub why: &'static str,
}

impl NextLine {
    fn new(line: impl Into<String>, why: &'static str) -> Self {
        Self {
            line: line.into(),
            why,
        }
    }
}

/// The lines that make progress from `state` on a server configured as `config`, most
/// useful first, followed by the commands valid in any greeted state.
pub fn next_lines(state: State, config: &ServerConfig) -> Vec<NextLine> {
    let mut lines = match state {
        State::ExpectHello => hello_lines(),
        State::ExpectMail => mail_lines(config),
        State::ExpectRcpt => vec![recipient_line(config, "bob")],
        State::ExpectRcptOrData => data_lines(config),
        State::ReceivingData => message_lines(),
        State::ExpectChunk => vec![NextLine::new(
            "BDAT 0 LAST",
            "an empty last chunk ends the message (RFC 3030 §2)",
        )],
        State::Authenticating => vec![NextLine::new(
            "*",
            "a lone asterisk cancels the exchange; the server answers 501 (RFC 4954 §4)",
        )],
        State::ReceivingChunk | State::ExpectTlsHandshake | State::Closed => Vec::new(),
    };
    if accepts_session_commands(state) {
        lines.extend(session_lines(state, config));
    }
    lines
}

/// States in which a line is read as a command (not as message text or an AUTH answer).
fn accepts_session_commands(state: State) -> bool {
    matches!(
        state,
        State::ExpectHello
            | State::ExpectMail
            | State::ExpectRcpt
            | State::ExpectRcptOrData
            | State::ExpectChunk
    )
}

fn hello_lines() -> Vec<NextLine> {
    vec![
        NextLine::new(
            "EHLO client.example.net",
            "opens an ESMTP session; the reply lists the extensions (RFC 5321 §4.1.1.1)",
        ),
        NextLine::new(
            "HELO client.example.net",
            "opens a plain SMTP session, without extensions (RFC 5321 §4.1.1.1)",
        ),
    ]
}

fn mail_lines(config: &ServerConfig) -> Vec<NextLine> {
    let mut lines = vec![NextLine::new(
        "MAIL FROM:<alice@example.net>",
        "starts a transaction with the reverse-path (RFC 5321 §4.1.1.2)",
    )];
    if let Some(line) = auth_plain_line(config) {
        lines.push(line);
    }
    lines
}

/// `AUTH PLAIN` with the first configured user's credentials as the initial response,
/// when the server offers PLAIN and has a user.
fn auth_plain_line(config: &ServerConfig) -> Option<NextLine> {
    let auth = &config.auth;
    // Without TLS (the manual session has none) such a server refuses PLAIN anyway.
    let needs_tls = auth.plaintext_needs_secure_channel || config.auth_requires_tls;
    if !config.extensions.auth || needs_tls || !auth.mechanisms.contains(&Mechanism::Plain) {
        return None;
    }
    let user = auth.users.first()?;
    let message = format!("\0{}\0{}", user.name, user.password);
    let encoded = base64::engine::general_purpose::STANDARD.encode(message);
    Some(NextLine::new(
        format!("AUTH PLAIN {encoded}"),
        "logs in as the configured user: base64 of NUL user NUL password (RFC 4616 §2, RFC 4954 §4)",
    ))
}

fn recipient_line(config: &ServerConfig, local_part: &str) -> NextLine {
    let domain = config
        .local_domains
        .first()
        .map_or("example.org", String::as_str);
    NextLine::new(
        format!("RCPT TO:<{local_part}@{domain}>"),
        "names a recipient in one of this server's domains (RFC 5321 §4.1.1.3)",
    )
}

fn data_lines(config: &ServerConfig) -> Vec<NextLine> {
    let mut lines = vec![NextLine::new(
        "DATA",
        "asks to send the message text; the server answers 354 (RFC 5321 §4.1.1.4)",
    )];
    if config.extensions.chunking {
        lines.push(NextLine::new(
            "BDAT 0 LAST",
            "sends the message as chunks instead; here an empty last one (RFC 3030 §2)",
        ));
    }
    lines.push(recipient_line(config, "carol"));
    lines
}

fn message_lines() -> Vec<NextLine> {
    vec![
        NextLine::new(
            "Subject: typed by hand",
            "a header field; the headers come first (RFC 5322 §2.1)",
        ),
        NextLine::new(
            "",
            "the empty line ends the headers; the body follows (RFC 5322 §2.1)",
        ),
        NextLine::new("Hello, Bob.", "a line of the body (RFC 5322 §2.3)"),
        NextLine::new(
            ".",
            "a line with a single dot ends the message text (RFC 5321 §4.1.1.4)",
        ),
    ]
}

/// Commands valid whatever the transaction's state, once the session reads commands.
fn session_lines(state: State, config: &ServerConfig) -> Vec<NextLine> {
    let mut lines = Vec::new();
    if state != State::ExpectHello {
        lines.push(NextLine::new(
            "RSET",
            "abandons the transaction in progress (RFC 5321 §4.1.1.5)",
        ));
    }
    lines.push(NextLine::new(
        "NOOP",
        "does nothing; the server answers 250 (RFC 5321 §4.1.1.9)",
    ));
    if config.extensions.vrfy {
        lines.push(NextLine::new(
            "VRFY bob",
            "asks whether a mailbox exists (RFC 5321 §3.5.1)",
        ));
    }
    lines.push(NextLine::new(
        "HELP",
        "asks the server for help text (RFC 5321 §4.1.1.8)",
    ));
    lines.push(NextLine::new(
        "QUIT",
        "ends the session; the server answers 221 and closes (RFC 5321 §4.1.1.10)",
    ));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(state: State, config: &ServerConfig) -> Vec<String> {
        next_lines(state, config)
            .into_iter()
            .map(|next| next.line)
            .collect()
    }

    #[test]
    fn a_fresh_session_is_offered_the_greetings_first() {
        let lines = texts(State::ExpectHello, &ServerConfig::default());
        assert_eq!(
            lines[..2],
            ["EHLO client.example.net", "HELO client.example.net"]
        );
        assert!(!lines.contains(&"RSET".to_string()), "nothing to reset yet");
        assert_eq!(lines.last().map(String::as_str), Some("QUIT"));
    }

    #[test]
    fn auth_plain_carries_the_configured_user() {
        let config = ServerConfig::default();
        let user = &config.auth.users[0];
        let expected = base64::engine::general_purpose::STANDARD
            .encode(format!("\0{}\0{}", user.name, user.password));
        let lines = texts(State::ExpectMail, &config);
        assert!(
            lines.contains(&format!("AUTH PLAIN {expected}")),
            "{lines:?}"
        );
    }

    #[test]
    fn no_auth_line_when_plain_is_not_offered() {
        let mut config = ServerConfig::default();
        config.auth.mechanisms.retain(|m| *m != Mechanism::Plain);
        let lines = texts(State::ExpectMail, &config);
        assert!(!lines.iter().any(|l| l.starts_with("AUTH")), "{lines:?}");
    }

    #[test]
    fn no_auth_line_when_plain_needs_tls() {
        let config = ServerConfig {
            auth_requires_tls: true,
            ..ServerConfig::default()
        };
        let lines = texts(State::ExpectMail, &config);
        assert!(!lines.iter().any(|l| l.starts_with("AUTH")), "{lines:?}");
    }

    #[test]
    fn recipients_use_the_servers_own_domain() {
        let config = ServerConfig {
            local_domains: vec!["mail.test".into()],
            ..ServerConfig::default()
        };
        assert_eq!(
            texts(State::ExpectRcpt, &config)[0],
            "RCPT TO:<bob@mail.test>"
        );
    }

    #[test]
    fn bdat_is_suggested_only_when_chunking_is_offered() {
        let mut config = ServerConfig::default();
        config.extensions.chunking = false;
        assert!(!texts(State::ExpectRcptOrData, &config).contains(&"BDAT 0 LAST".into()));
        config.extensions.chunking = true;
        assert!(texts(State::ExpectRcptOrData, &config).contains(&"BDAT 0 LAST".into()));
    }

    #[test]
    fn message_text_ends_with_the_dot_and_offers_no_commands() {
        let lines = texts(State::ReceivingData, &ServerConfig::default());
        assert_eq!(lines.last().map(String::as_str), Some("."));
        assert!(
            !lines.contains(&"QUIT".to_string()),
            "QUIT would be message text here"
        );
    }

    #[test]
    fn a_closed_session_suggests_nothing() {
        assert!(texts(State::Closed, &ServerConfig::default()).is_empty());
    }
}
