//! A table of bad inputs and the reply each earns, fed whole, line by line and one byte
//! at a time. After each bad input the session goes on: a NOOP still gets 250.

mod server_support;

use esmtp_playground::server::{ServerConfig, Strictness, UndeclaredEightBitPolicy};
use server_support::{final_lines, run, ENVELOPE, SPLITS};

const EHLO: &str = "EHLO client.example.net\r\n";
const MAIL: &str = "EHLO client.example.net\r\nMAIL FROM:<alice@example.net>\r\n";

/// (name, what comes before, the bad line(s), the reply line it must start with)
fn command_cases() -> Vec<(&'static str, &'static str, Vec<u8>, &'static str)> {
    let long_local = format!("RCPT TO:<{}@example.org>\r\n", "x".repeat(65));
    let long_path = format!("MAIL FROM:<a@{}.example>\r\n", ["abcdefghij"; 26].join("."));
    vec![
        ("unknown verb", "", b"FOO bar\r\n".to_vec(), "500 5.5.2"),
        ("empty line", "", b"\r\n".to_vec(), "500 5.5.2"),
        ("NUL in verb", "", b"NO\0OP\r\n".to_vec(), "500 5.5.2"),
        (
            "NUL in argument",
            "",
            b"HELP x\0y\r\n".to_vec(),
            "501 5.5.2",
        ),
        (
            "8-bit in argument",
            "",
            b"VRFY b\xc3\xb6b\r\n".to_vec(),
            "501 5.5.2",
        ),
        (
            "bare CR in command",
            "",
            b"NOOP\rQUIT\r\n".to_vec(),
            "500 5.5.2",
        ),
        (
            "command line over 512",
            "",
            [vec![b'X'; 600], b"\r\n".to_vec()].concat(),
            "500 5.5.2 Line too long",
        ),
        (
            "bare LF ending",
            "",
            b"HELP\n".to_vec(),
            "500 5.5.2 Bare <LF>",
        ),
        ("EHLO without domain", "", b"EHLO\r\n".to_vec(), "501 5.5.4"),
        (
            "HELO with bad domain",
            "",
            b"HELO -bad-\r\n".to_vec(),
            "501 5.5.4",
        ),
        (
            "MAIL before EHLO",
            "",
            b"MAIL FROM:<a@b.example>\r\n".to_vec(),
            "503 5.5.1 Error: send HELO/EHLO first",
        ),
        (
            "MAIL without brackets",
            EHLO,
            b"MAIL FROM:alice@example.net\r\n".to_vec(),
            "501 5.1.7",
        ),
        (
            "MAIL without FROM:",
            EHLO,
            b"MAIL <a@b.example>\r\n".to_vec(),
            "501 5.5.4",
        ),
        (
            "nested MAIL",
            MAIL,
            b"MAIL FROM:<a@b.example>\r\n".to_vec(),
            "503 5.5.1 Error: nested MAIL command",
        ),
        (
            "unknown MAIL parameter",
            EHLO,
            b"MAIL FROM:<a@b.example> RET=HDRS\r\n".to_vec(),
            "555 5.5.4",
        ),
        (
            "SIZE not digits",
            EHLO,
            b"MAIL FROM:<a@b.example> SIZE=12k\r\n".to_vec(),
            "501 5.5.4",
        ),
        (
            "SIZE empty",
            EHLO,
            b"MAIL FROM:<a@b.example> SIZE=\r\n".to_vec(),
            "501 5.5.4",
        ),
        (
            "SIZE twice",
            EHLO,
            b"MAIL FROM:<a@b.example> SIZE=1 SIZE=2\r\n".to_vec(),
            "501 5.5.4",
        ),
        (
            "SIZE 21 digits",
            EHLO,
            b"MAIL FROM:<a@b.example> SIZE=123456789012345678901\r\n".to_vec(),
            "501 5.5.4",
        ),
        (
            "SIZE beyond u64",
            EHLO,
            b"MAIL FROM:<a@b.example> SIZE=99999999999999999999\r\n".to_vec(),
            "552 5.3.4",
        ),
        (
            "SIZE over limit",
            EHLO,
            b"MAIL FROM:<a@b.example> SIZE=10240001\r\n".to_vec(),
            "552 5.3.4",
        ),
        (
            "BODY unknown value",
            EHLO,
            b"MAIL FROM:<a@b.example> BODY=BINARYMIME\r\n".to_vec(),
            "501 5.5.4",
        ),
        (
            "BODY twice",
            EHLO,
            b"MAIL FROM:<a@b.example> BODY=7BIT BODY=8BITMIME\r\n".to_vec(),
            "501 5.5.4",
        ),
        (
            "parameter with two =",
            EHLO,
            b"MAIL FROM:<a@b.example> SIZE==1\r\n".to_vec(),
            "501 5.5.4",
        ),
        (
            "path over 256",
            EHLO,
            long_path.into_bytes(),
            "501 5.5.4 path is",
        ),
        (
            "RCPT before MAIL",
            EHLO,
            b"RCPT TO:<bob@example.org>\r\n".to_vec(),
            "503 5.5.1 Error: need MAIL command",
        ),
        (
            "local-part over 64",
            MAIL,
            long_local.into_bytes(),
            "501 5.5.4 local-part is 65 octets; the limit is 64",
        ),
        (
            "relay denied",
            MAIL,
            b"RCPT TO:<carol@remote.example>\r\n".to_vec(),
            "550 5.7.1",
        ),
        (
            "relay to address literal",
            MAIL,
            b"RCPT TO:<carol@[192.0.2.99]>\r\n".to_vec(),
            "550 5.7.1",
        ),
        (
            "bad address literal",
            MAIL,
            b"RCPT TO:<a@[999.1.1.1]>\r\n".to_vec(),
            "501 5.1.3",
        ),
        (
            "RCPT parameter",
            MAIL,
            b"RCPT TO:<bob@example.org> NOTIFY=NEVER\r\n".to_vec(),
            "555 5.5.4",
        ),
        (
            "DATA before RCPT",
            MAIL,
            b"DATA\r\n".to_vec(),
            "503 5.5.1 Error: need RCPT command",
        ),
        (
            "DATA after all refused",
            MAIL,
            b"RCPT TO:<c@remote.example>\r\nDATA\r\n".to_vec(),
            "554 5.5.1",
        ),
        (
            "DATA with argument",
            ENVELOPE,
            b"DATA now\r\n".to_vec(),
            "501 5.5.4",
        ),
        (
            "SEND",
            EHLO,
            b"SEND FROM:<a@b.example>\r\n".to_vec(),
            "502 5.5.1",
        ),
        (
            "SOML",
            EHLO,
            b"SOML FROM:<a@b.example>\r\n".to_vec(),
            "502 5.5.1",
        ),
        (
            "SAML",
            EHLO,
            b"SAML FROM:<a@b.example>\r\n".to_vec(),
            "502 5.5.1",
        ),
        ("TURN", EHLO, b"TURN\r\n".to_vec(), "502 5.5.1"),
        ("VRFY disabled", "", b"VRFY bob\r\n".to_vec(), "502 5.5.1"),
        ("EXPN", "", b"EXPN staff\r\n".to_vec(), "502 5.5.1"),
        (
            "ETRN not offered",
            EHLO,
            b"ETRN remote.example\r\n".to_vec(),
            "502 5.5.1",
        ),
        (
            "STARTTLS not offered",
            EHLO,
            b"STARTTLS\r\n".to_vec(),
            "502 5.5.1",
        ),
    ]
}

#[test]
fn every_bad_command_gets_its_reply_and_the_session_goes_on() {
    let config = ServerConfig::default();
    for (name, before, bad, expected) in command_cases() {
        let mut input = before.as_bytes().to_vec();
        input.extend_from_slice(&bad);
        input.extend_from_slice(b"NOOP\r\n");
        for split in SPLITS {
            let output = run(&config, &input, split);
            let lines = final_lines(&output);
            let answer = lines.iter().rev().nth(1).copied().unwrap_or_default();
            assert!(
                answer.starts_with(expected),
                "{name} ({split:?}): got {answer:?}, want {expected:?}\n{output}"
            );
            assert_eq!(
                lines.last().copied(),
                Some("250 2.0.0 Ok"),
                "{name} ({split:?}): the session must go on\n{output}"
            );
        }
    }
}

/// (name, config, message text after DATA, the single reply to the end of data)
fn data_cases() -> Vec<(&'static str, ServerConfig, Vec<u8>, &'static str)> {
    let strict_8bit = ServerConfig {
        strictness: Strictness {
            undeclared_eight_bit: UndeclaredEightBitPolicy::Reject,
            ..Strictness::default()
        },
        ..ServerConfig::default()
    };
    let small = ServerConfig {
        max_message_size: Some(100),
        ..ServerConfig::default()
    };
    let long_line = [vec![b'x'; 999], b"\r\n.\r\n".to_vec()].concat();
    vec![
        (
            "bare LF",
            ServerConfig::default(),
            b"a\nb\r\n.\r\n".to_vec(),
            "550 5.5.2 Error: bare <LF>",
        ),
        (
            "bare CR",
            ServerConfig::default(),
            b"a\rb\r\n.\r\n".to_vec(),
            "550 5.5.2 Error: bare <CR>",
        ),
        (
            "line of 1001 octets",
            ServerConfig::default(),
            long_line,
            "500 5.5.2",
        ),
        (
            "over the SIZE limit",
            small,
            [vec![b'y'; 200], b"\r\n.\r\n".to_vec()].concat(),
            "552 5.3.4",
        ),
        (
            "smuggled <LF>.<LF>",
            ServerConfig::default(),
            b"a\r\n\n.\nMAIL FROM:<x@y.example>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\nb\r\n.\r\n"
                .to_vec(),
            "550 5.5.2",
        ),
        (
            "8-bit without BODY=8BITMIME",
            strict_8bit,
            "Subject: é\r\n\r\n.\r\n".as_bytes().to_vec(),
            "550 5.6.0",
        ),
    ]
}

#[test]
fn bad_message_text_is_refused_once_at_the_end_of_data() {
    for (name, config, text, expected) in data_cases() {
        let mut input = format!("{ENVELOPE}DATA\r\n").into_bytes();
        input.extend_from_slice(&text);
        input.extend_from_slice(b"NOOP\r\n");
        for split in SPLITS {
            let output = run(&config, &input, split);
            let lines = final_lines(&output);
            assert_eq!(
                lines.len(),
                6,
                "{name} ({split:?}): one reply to the data\n{output}"
            );
            let answer = lines.get(4).copied().unwrap_or_default();
            assert!(
                answer.starts_with(expected),
                "{name} ({split:?}): {answer:?}"
            );
            assert_eq!(lines.get(5).copied(), Some("250 2.0.0 Ok"), "{name}");
            assert!(!output.contains("queued"), "{name}: nothing delivered");
        }
    }
}
