//! `serve` and `send` over a real loopback TCP port: the message our client wrote is
//! the message our server stored, byte for byte, behind one Received header.

mod cli_support;

use cli_support::{run, Served};

/// The message as it went on the wire, rebuilt from `send`'s transcript: the C: lines
/// after the 354 up to the lone ".", with dot-stuffing undone.
fn message_from_send_transcript(transcript: &str) -> Vec<u8> {
    let mut message = Vec::new();
    let mut in_data = false;
    for line in transcript.lines() {
        if line.starts_with("S: 354") {
            in_data = true;
        } else if in_data {
            let Some(text) = line.strip_prefix("C: ") else {
                continue;
            };
            if text == "." {
                break;
            }
            let text = text.strip_prefix('.').unwrap_or(text);
            message.extend_from_slice(text.as_bytes());
            message.extend_from_slice(b"\r\n");
        }
    }
    message
}

#[test]
fn send_to_serve_stores_exactly_what_was_sent() {
    let served = Served::start("roundtrip", &["--local-domain", "example.org"]);
    let output = run(&[
        "send",
        "--server",
        &served.address,
        "--from",
        "alice@example.net",
        "--to",
        "bob@example.org",
        "--body",
        "Hi Bob,\n.leading dot\nÉté 8-bit\n",
        "--timeout",
        "20",
    ]);
    let transcript = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{transcript}");
    assert!(transcript.contains("C: ..leading dot"), "{transcript}");
    assert!(transcript.contains("S: 221 2.0.0"), "{transcript}");

    let sent = message_from_send_transcript(&transcript);
    let sent_text = String::from_utf8_lossy(&sent).into_owned();
    assert!(
        sent_text.contains("\r\nFrom: alice@example.net\r\n"),
        "{sent_text}"
    );
    let folder = served.maildir.join("bob@example.org");
    let files: Vec<_> = std::fs::read_dir(&folder).unwrap().collect();
    assert_eq!(files.len(), 1);
    let stored = std::fs::read(files[0].as_ref().unwrap().path()).unwrap();
    let stored_text = String::from_utf8_lossy(&stored);
    assert!(
        stored_text.starts_with("Received: from client.example.net ([127.0.0.1])\r\n"),
        "{stored_text}"
    );
    // What was stored is our Received header followed by exactly the octets sent.
    assert!(stored.ends_with(&sent), "{stored_text}");
    let trace = &stored_text[..stored.len() - sent.len()];
    assert_eq!(trace.matches("Received: ").count(), 1, "{trace}");
    assert!(
        !trace.contains("\r\n\r\n"),
        "only a trace header was added: {trace}"
    );

    let index = std::fs::read_to_string(served.maildir.join("index.jsonl")).unwrap();
    assert!(
        index.contains("\"recipient\":\"bob@example.org\""),
        "{index}"
    );
    assert!(index.contains("\"local\":true"), "{index}");
    let server_side = served.transcript_containing("# The server has taken responsibility");
    assert!(
        server_side.contains("C: MAIL FROM:<alice@example.net>"),
        "{server_side}"
    );
    assert!(
        server_side.contains("# The server has taken responsibility"),
        "{server_side}"
    );
}

#[test]
fn bcc_recipients_get_a_copy_but_no_header() {
    let served = Served::start("bcc", &[]);
    let output = run(&[
        "send",
        "--server",
        &served.address,
        "--from",
        "alice@example.net",
        "--to",
        "to@example.org",
        "--cc",
        "cc@example.org",
        "--bcc",
        "hidden@example.org",
    ]);
    assert!(output.status.success());
    for who in ["to@example.org", "cc@example.org", "hidden@example.org"] {
        let folder = served.maildir.join(who);
        let file = std::fs::read_dir(&folder).unwrap().next().unwrap().unwrap();
        let text = std::fs::read_to_string(file.path()).unwrap();
        assert!(!text.contains("hidden@"), "{who}: {text}");
        assert!(text.contains("Cc: cc@example.org\r\n"), "{who}: {text}");
    }
}

#[test]
fn display_names_and_quoted_commas_in_address_flags() {
    let served = Served::start("names", &[]);
    let output = run(&[
        "send",
        "--server",
        &served.address,
        "--from",
        "Alice Example <alice@example.net>",
        "--to",
        r#""Smith, Bob" <bob@example.org>,carol@example.org"#,
    ]);
    let transcript = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{transcript}");
    assert!(
        transcript.contains("C: MAIL FROM:<alice@example.net>"),
        "{transcript}"
    );
    for who in ["bob@example.org", "carol@example.org"] {
        let file = std::fs::read_dir(served.maildir.join(who))
            .unwrap()
            .next()
            .unwrap()
            .unwrap();
        let text = std::fs::read_to_string(file.path()).unwrap();
        assert!(
            text.contains("\r\nFrom: Alice Example <alice@example.net>\r\n"),
            "{who}: {text}"
        );
        assert!(
            text.contains("\r\nTo: \"Smith, Bob\" <bob@example.org>, carol@example.org\r\n"),
            "{who}: {text}"
        );
    }
}

#[test]
fn config_file_sets_the_engine_configuration() {
    let config = std::env::temp_dir().join(format!("esmtp-cli-config-{}.json", std::process::id()));
    std::fs::write(
        &config,
        r#"{"hostname": "mx.config.example", "extensions": {"pipelining": false}}"#,
    )
    .unwrap();
    let served = Served::start("config", &["--config", config.to_str().unwrap()]);
    let mut stream = cli_support::connect(&served.address);
    // One command at a time: this server does not offer PIPELINING.
    let mut replies = cli_support::read_until(&mut stream, "\r\n");
    cli_support::write(&mut stream, b"EHLO c.example\r\n");
    replies.push_str(&cli_support::read_until(&mut stream, "\r\n250 "));
    cli_support::write(&mut stream, b"QUIT\r\n");
    replies.push_str(&cli_support::read_to_close(&mut stream));
    std::fs::remove_file(&config).unwrap();
    assert!(replies.starts_with("220 mx.config.example "), "{replies}");
    assert!(
        replies.contains("250-mx.config.example Hello c.example\r\n"),
        "{replies}"
    );
    assert!(!replies.contains("PIPELINING"), "{replies}");
    assert!(
        replies.ends_with("221 2.0.0 mx.config.example closing connection\r\n"),
        "{replies}"
    );
}

#[test]
fn send_with_auth_to_serve_relays_with_esmtpa_for_every_mechanism() {
    // DIGEST-MD5 is the interesting one: `send` puts `smtp/127.0.0.1` (the host it
    // connected to) in the digest-uri, and `serve` accepts it because it adds its listen
    // address to the digest-uri aliases.
    let served = Served::start("auth", &["--user", "tim:tanstaaftanstaaf"]);
    for mechanism in ["PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5", "auto"] {
        let to = format!("{}@elsewhere.example", mechanism.to_ascii_lowercase());
        let output = run(&[
            "send",
            "--server",
            &served.address,
            "--from",
            "alice@example.net",
            "--to",
            &to,
            "--auth",
            mechanism,
            "--user",
            "tim",
            "--password",
            "tanstaaftanstaaf",
            "--timeout",
            "20",
        ]);
        let transcript = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(output.status.success(), "{mechanism}: {transcript}");
        assert!(
            transcript.contains("S: 235 2.7.0"),
            "{mechanism}: {transcript}"
        );
        assert!(
            transcript.contains("SASL client: "),
            "{mechanism}: {transcript}"
        );
        let folder = served.maildir.join(&to);
        let file = std::fs::read_dir(&folder).unwrap().next().unwrap().unwrap();
        let text = std::fs::read_to_string(file.path()).unwrap();
        assert!(text.contains(" with ESMTPA id "), "{mechanism}: {text}");
    }
    let wrong = run(&[
        "send",
        "--server",
        &served.address,
        "--from",
        "alice@example.net",
        "--to",
        "bob@example.org",
        "--auth",
        "DIGEST-MD5",
        "--user",
        "tim",
        "--password",
        "wrong",
        "--timeout",
        "20",
    ]);
    assert_eq!(wrong.status.code(), Some(1));
    let transcript = String::from_utf8_lossy(&wrong.stdout).into_owned();
    assert!(transcript.contains("S: 535 5.7.8"), "{transcript}");
    assert!(transcript.contains("C: QUIT"), "{transcript}");
}
