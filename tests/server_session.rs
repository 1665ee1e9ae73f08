//! Server behaviour, driven with byte strings: the EHLO reply, the switches, the
//! session commands, relay control, limits, timeouts and the strictness switches.

mod server_support;

use esmtp_playground::server::{
    BareLfPolicy, EhloMode, ServerConfig, ServerEventKind, State, Strictness,
    UnofferedPipeliningPolicy, TRANSITIONS,
};
use server_support::{
    codes, events, feed, final_lines, run, run_keep, server, Split, ENVELOPE, START,
};

fn ehlo_lines(config: &ServerConfig) -> Vec<String> {
    run(config, b"EHLO client.example.net\r\n", Split::Whole)
        .split("\r\n")
        .filter(|line| !line.is_empty())
        .map(|line| line.get(4..).unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn ehlo_lists_extensions_in_postfix_order() {
    let mut config = ServerConfig::default();
    assert_eq!(
        ehlo_lines(&config)[1..],
        [
            "PIPELINING",
            "SIZE 10240000",
            "AUTH PLAIN LOGIN CRAM-MD5 DIGEST-MD5",
            "ENHANCEDSTATUSCODES",
            "8BITMIME",
            "SMTPUTF8"
        ]
    );
    config.extensions.vrfy = true;
    config.extensions.etrn = true;
    config.max_message_size = None;
    assert_eq!(
        ehlo_lines(&config)[1..],
        [
            "PIPELINING",
            "SIZE",
            "VRFY",
            "ETRN",
            "AUTH PLAIN LOGIN CRAM-MD5 DIGEST-MD5",
            "ENHANCEDSTATUSCODES",
            "8BITMIME",
            "SMTPUTF8"
        ]
    );
    config.extensions.pipelining = false;
    config.extensions.size = false;
    config.extensions.eight_bit_mime = false;
    config.extensions.auth = false;
    config.extensions.smtputf8 = false;
    assert_eq!(
        ehlo_lines(&config)[1..],
        ["VRFY", "ETRN", "ENHANCEDSTATUSCODES"]
    );
}

#[test]
fn enhanced_codes_on_every_reply_but_greeting_and_hello_or_on_none() {
    let input = format!("{ENVELOPE}DATA\r\nhi\r\n.\r\nFOO\r\nQUIT\r\n");
    let on = run(&ServerConfig::default(), input.as_bytes(), Split::Whole);
    for line in final_lines(&on)
        .into_iter()
        .filter(|l| !l.starts_with("354"))
    {
        let has_code =
            line.get(4..5).is_some_and(|c| c == &line[..1]) && line.as_bytes()[5] == b'.';
        let is_hello = line.starts_with("250 SMTPUTF8");
        assert_eq!(has_code, !is_hello, "{line}");
    }
    let mut config = ServerConfig::default();
    config.extensions.enhanced_status_codes = false;
    let off = run(&config, input.as_bytes(), Split::Whole);
    assert!(final_lines(&off).contains(&"250 Ok"), "{off}");
    assert!(
        final_lines(&off).contains(&"500 Unknown command 'FOO'"),
        "{off}"
    );
    assert!(
        !off.contains(" 2.0.0 ") && !off.contains(" 5.5.2 "),
        "{off}"
    );
}

#[test]
fn helo_only_server_refuses_ehlo_with_500_or_502() {
    for (mode, code) in [
        (EhloMode::HeloOnlyUnrecognized, "500"),
        (EhloMode::HeloOnlyNotImplemented, "502"),
    ] {
        let config = ServerConfig {
            ehlo_mode: mode,
            ..ServerConfig::default()
        };
        let output = run(
            &config,
            b"EHLO a.example\r\nHELO a.example\r\nMAIL FROM:<a@b.example> SIZE=10\r\nMAIL FROM:<a@b.example>\r\n",
            Split::Whole,
        );
        assert_eq!(codes(&output), [code, "250", "555", "250"], "{output}");
        assert!(
            !output.contains("5.5."),
            "a pre-ESMTP server sends no enhanced codes: {output}"
        );
    }
}

#[test]
fn second_ehlo_resets_the_transaction() {
    let input = format!("{ENVELOPE}EHLO again.example\r\nDATA\r\nRCPT TO:<bob@example.org>\r\n");
    let output = run(&ServerConfig::default(), input.as_bytes(), Split::Whole);
    assert_eq!(
        codes(&output),
        ["250", "250", "250", "250", "503", "503"],
        "{output}"
    );
}

#[test]
fn nothing_is_read_after_quit() {
    let mut server = server(ServerConfig::default());
    let output = feed(
        &mut server,
        b"QUIT\r\nNOOP\r\nEHLO x.example\r\n",
        Split::Whole,
    );
    assert_eq!(output, b"221 2.0.0 mx.example.org closing connection\r\n");
    assert!(server.is_closed());
    assert!(feed(&mut server, b"NOOP\r\n", Split::Whole).is_empty());
}

#[test]
fn retired_verbs_are_explained() {
    let (output, mut server) = run_keep(
        &ServerConfig::default(),
        b"SEND FROM:<a@b.example>\r\nSOML FROM:<a@b.example>\r\nSAML FROM:<a@b.example>\r\nTURN\r\n",
    );
    assert_eq!(codes(&output), ["502"; 4]);
    let explained = events(&mut server)
        .into_iter()
        .filter(|e| matches!(e.kind, ServerEventKind::ReplySent { .. }))
        .filter(|e| e.explanation.contains("RFC 2821"))
        .count();
    assert_eq!(explained, 4);
}

#[test]
fn vrfy_help_and_noop_work_before_hello() {
    let mut config = ServerConfig::default();
    config.extensions.vrfy = true;
    let output = run(
        &config,
        b"VRFY bob\r\nHELP\r\nNOOP\r\nRSET\r\n",
        Split::Bytes,
    );
    assert_eq!(codes(&output), ["252", "214", "250", "250"], "{output}");
    assert!(output.starts_with("252 2.1.5 bob: Cannot VRFY user"));
    assert!(
        output
            .contains("214-2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT HELP VRFY\r\n"),
        "{output}"
    );
}

fn relay_config() -> ServerConfig {
    let mut config = ServerConfig {
        trusted_clients: vec!["192.0.2.10".into()],
        ..ServerConfig::default()
    };
    config.extensions.etrn = true;
    config
}

#[test]
fn etrn_reports_what_this_session_queued() {
    let input = "EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<x@remote.example>\r\n\
                 RCPT TO:<y@sub.remote.example>\r\nDATA\r\nhi\r\n.\r\n\
                 ETRN remote.example\r\nETRN @remote.example\r\nETRN other.example\r\n\
                 ETRN example.org\r\nETRN #queue\r\nETRN bad..name\r\n\
                 MAIL FROM:<>\r\nETRN remote.example\r\n";
    let output = run(&relay_config(), input.as_bytes(), Split::Lines);
    let lines = final_lines(&output);
    assert_eq!(
        lines[6],
        "253 2.0.0 1 pending messages for node remote.example started"
    );
    assert_eq!(
        lines[7],
        "253 2.0.0 2 pending messages for node @remote.example started"
    );
    assert!(
        lines[8].starts_with("251 2.0.0 No messages waiting"),
        "{output}"
    );
    assert!(lines[9].starts_with("459 4.7.1"), "{output}");
    assert!(lines[10].starts_with("458 4.3.0"), "{output}");
    assert!(lines[11].starts_with("501 5.5.4"), "{output}");
    assert!(lines[13].starts_with("503 5.5.1 Error: MAIL transaction in progress"));
}

#[test]
fn relaying_needs_authentication_trust_or_the_open_relay_switch() {
    let input =
        "EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<x@remote.example>\r\n".to_owned();
    let denied = run(&ServerConfig::default(), input.as_bytes(), Split::Whole);
    assert_eq!(codes(&denied), ["250", "250", "550"]);
    assert_eq!(
        codes(&run(&relay_config(), input.as_bytes(), Split::Whole))[2],
        "250"
    );
    let open = ServerConfig {
        open_relay: true,
        ..ServerConfig::default()
    };
    assert_eq!(codes(&run(&open, input.as_bytes(), Split::Whole))[2], "250");

    let mut server = server(ServerConfig::default());
    server.mark_authenticated(esmtp_playground::sasl::Identity::user("alice"));
    let input = format!("{input}DATA\r\nhi\r\n.\r\n");
    let output = feed(&mut server, input.as_bytes(), Split::Whole);
    assert_eq!(
        codes(&String::from_utf8_lossy(&output)),
        ["250", "250", "250", "354", "250"]
    );
    let copy = server.poll_delivery().unwrap();
    assert!(String::from_utf8_lossy(&copy.message.to_vec()).contains("with ESMTPA id"));
    assert!(!copy.local);
}

#[test]
fn postmaster_and_rfc_path_forms_are_accepted() {
    let input = "EHLO c.example\r\nMAIL FROM:<>\r\nRCPT TO:<Postmaster>\r\n\
                 RCPT TO:<\"john doe\"@example.org>\r\nRCPT TO:<@relay.example,@b.example:joe@example.org>\r\n\
                 MAIL FROM:<a@b.example> AUTH=<>\r\nRSET\r\nMAIL FROM:<a@b.example> AUTH=a+2Bb@b.example BODY=8BITMIME SIZE=0\r\n";
    let output = run(&ServerConfig::default(), input.as_bytes(), Split::Whole);
    assert_eq!(
        codes(&output),
        ["250", "250", "250", "250", "250", "503", "250", "250"],
        "{output}"
    );
}

#[test]
fn recipients_over_the_limit_get_452_and_the_others_are_kept() {
    let config = ServerConfig {
        max_recipients: 2,
        ..ServerConfig::default()
    };
    let input = "EHLO c.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<r1@example.org>\r\n\
                 RCPT TO:<r2@example.org>\r\nRCPT TO:<r3@example.org>\r\nDATA\r\nhi\r\n.\r\n";
    let (output, mut server) = run_keep(&config, input.as_bytes());
    assert_eq!(
        codes(&output),
        ["250", "250", "250", "250", "452", "354", "250"]
    );
    assert!(output.contains("452 4.5.3"));
    let recipients: Vec<_> = server_support::deliveries(&mut server)
        .into_iter()
        .map(|d| d.recipient)
        .collect();
    assert_eq!(recipients, ["r1@example.org", "r2@example.org"]);
}

#[test]
fn accepted_message_gets_received_header_and_queue_id() {
    let input = format!("{ENVELOPE}DATA\r\nSubject: hi\r\n\r\n..dot\r\n.\r\n");
    let (output, mut server) = run_keep(&ServerConfig::default(), input.as_bytes());
    let queued = final_lines(&output)[4];
    let id = queued.strip_prefix("250 2.0.0 Ok: queued as ").unwrap();
    assert_eq!(id.len(), 10);
    let copy = server.poll_delivery().unwrap();
    let text = String::from_utf8(copy.message.to_vec()).unwrap();
    assert_eq!(
        text,
        format!(
            "Received: from client.example.net ([192.0.2.10])\r\n\tby mx.example.org with ESMTP id {id}\r\n\
             \tfor <bob@example.org>;\r\n\tSat, 28 Nov 2026 09:00:01 +0000\r\nSubject: hi\r\n\r\n.dot\r\n"
        )
    );
    assert_eq!(copy.headers, ["Received", "Subject"]);

    let two = "HELO c.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<r1@example.org>\r\nRCPT TO:<r2@example.org>\r\nDATA\r\nx\r\n.\r\n";
    let (_, mut server) = run_keep(&ServerConfig::default(), two.as_bytes());
    let text = String::from_utf8(server.poll_delivery().unwrap().message.to_vec()).unwrap();
    assert!(
        text.contains("with SMTP id") && !text.contains("for <"),
        "{text}"
    );
}

#[test]
fn submission_role_removes_bcc_and_events_show_each_copy() {
    let message = "From: a@example.org\r\nTo: r1@example.org\r\nBcc: r2@example.org\r\nSubject: s\r\n\r\nBcc: body line\r\n.\r\n";
    let input = format!(
        "EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<r1@example.org>\r\nRCPT TO:<r2@example.org>\r\nDATA\r\n{message}"
    );
    for (role, keeps_bcc) in [
        (esmtp_playground::server::Role::Submission, false),
        (esmtp_playground::server::Role::Mx, true),
    ] {
        let config = ServerConfig {
            role,
            ..ServerConfig::default()
        };
        let (_, mut server) = run_keep(&config, input.as_bytes());
        let log = events(&mut server);
        let copies: Vec<_> = log
            .iter()
            .filter_map(|e| match &e.kind {
                ServerEventKind::CopyDelivered {
                    recipient, headers, ..
                } => Some((recipient.clone(), headers.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(copies.len(), 2);
        for (_, headers) in &copies {
            assert_eq!(headers.contains(&"Bcc".to_owned()), keeps_bcc, "{role:?}");
        }
        let removed = log.iter().find_map(|e| match &e.kind {
            ServerEventKind::BlindCopiesRemoved { removed } => Some(removed.clone()),
            _ => None,
        });
        assert_eq!(removed.is_some(), !keeps_bcc);
        let copy = server.poll_delivery().unwrap();
        let text = String::from_utf8(copy.message.to_vec()).unwrap();
        assert_eq!(text.contains("\r\nBcc: r2@example.org\r\n"), keeps_bcc);
        assert!(text.contains("Bcc: body line"), "the body is never touched");
    }
}

#[test]
fn size_is_counted_during_data_and_storage_stops_at_the_limit() {
    let config = ServerConfig {
        max_message_size: Some(100),
        ..ServerConfig::default()
    };
    let mut server = server(config);
    feed(
        &mut server,
        format!("{ENVELOPE}DATA\r\n").as_bytes(),
        Split::Whole,
    );
    for _ in 0..1000 {
        feed(&mut server, &[b'z'; 70], Split::Whole);
        feed(&mut server, b"\r\n", Split::Whole);
        assert!(server.buffered_message() <= 100);
    }
    let end = feed(&mut server, b".\r\nNOOP\r\n", Split::Whole);
    assert_eq!(
        String::from_utf8(end).unwrap(),
        "552 5.3.4 Message size exceeds fixed maximum message size\r\n250 2.0.0 Ok\r\n"
    );
    assert!(server.poll_delivery().is_none());
}

#[test]
fn unlimited_size_advertises_bare_size_and_takes_any_declaration() {
    let config = ServerConfig {
        max_message_size: None,
        ..ServerConfig::default()
    };
    let output = run(
        &config,
        b"EHLO c.example\r\nMAIL FROM:<a@b.example> SIZE=99999999999999999999\r\n",
        Split::Whole,
    );
    assert!(output.contains("250-SIZE\r\n"));
    assert_eq!(codes(&output), ["250", "250"]);
}

#[test]
fn body_parameter_needs_8bitmime() {
    let mut config = ServerConfig::default();
    config.extensions.eight_bit_mime = false;
    config.extensions.size = false;
    let output = run(
        &config,
        b"EHLO c.example\r\nMAIL FROM:<a@b.example> BODY=8BITMIME\r\nMAIL FROM:<a@b.example> SIZE=1\r\n",
        Split::Whole,
    );
    assert_eq!(codes(&output), ["250", "555", "555"]);
    assert!(output.contains("555 5.5.4"));
}

#[test]
fn declared_8bit_passes_the_strict_8bit_check() {
    let mut config = ServerConfig::default();
    config.strictness.undeclared_eight_bit =
        esmtp_playground::server::UndeclaredEightBitPolicy::Reject;
    let input = "EHLO c.example\r\nMAIL FROM:<a@b.example> BODY=8BITMIME\r\nRCPT TO:<bob@example.org>\r\nDATA\r\nSubject: \u{e9}\r\n.\r\n";
    assert_eq!(
        codes(&run(&config, input.as_bytes(), Split::Bytes)),
        ["250", "250", "250", "354", "250"]
    );
    let accepting = run(
        &ServerConfig::default(),
        input.replace(" BODY=8BITMIME", "").as_bytes(),
        Split::Whole,
    );
    assert_eq!(
        codes(&accepting)[4],
        "250",
        "default accepts undeclared 8-bit"
    );
}

#[test]
fn error_limit_closes_with_421() {
    let config = ServerConfig {
        max_errors: 3,
        ..ServerConfig::default()
    };
    let (output, server) = run_keep(&config, b"FOO\r\nBAR\r\nBAZ\r\nNOOP\r\n");
    assert_eq!(codes(&output), ["500", "500", "500", "421"]);
    assert!(output.ends_with("421 4.7.0 mx.example.org Error: too many errors\r\n"));
    assert!(server.is_closed());

    let default = "FOO\r\n".repeat(25);
    let output = run(&ServerConfig::default(), default.as_bytes(), Split::Lines);
    assert_eq!(codes(&output).len(), 21, "20 errors, then 421");
}

#[test]
fn a_delivered_message_resets_the_error_count() {
    let config = ServerConfig {
        max_errors: 3,
        ..ServerConfig::default()
    };
    let input = format!("FOO\r\nBAR\r\n{ENVELOPE}DATA\r\nx\r\n.\r\nFOO\r\nBAR\r\nNOOP\r\n");
    let (output, server) = run_keep(&config, input.as_bytes());
    assert!(!output.contains("421"), "{output}");
    assert_eq!(server.error_count(), 2);
}

#[test]
fn idle_timeout_closes_with_421() {
    let mut server = server(ServerConfig::default());
    assert_eq!(server.poll_timeout(), Some(START + 300_000));
    server.handle_timeout(START + 299_999);
    assert!(server.take_output().is_empty());
    feed(&mut server, b"NOOP\r\n", Split::Whole);
    let deadline = server.poll_timeout().unwrap();
    assert_eq!(deadline, START + 1_000 + 300_000);
    server.handle_timeout(deadline);
    let output = String::from_utf8(server.take_output()).unwrap();
    assert!(output.starts_with("421 4.4.2 mx.example.org"), "{output}");
    assert_eq!(server.state(), State::Closed);
    assert_eq!(server.poll_timeout(), None);
}

#[test]
fn unoffered_pipelining_is_tolerated_or_refused_like_postfix() {
    let mut config = ServerConfig::default();
    config.extensions.pipelining = false;
    let input = b"EHLO c.example\r\nNOOP\r\nNOOP\r\nNOOP\r\n";
    assert_eq!(
        codes(&run(&config, input, Split::Whole)),
        ["250", "250", "250", "250"]
    );
    config.strictness.unoffered_pipelining = UnofferedPipeliningPolicy::Reject;
    let (output, server) = run_keep(&config, input);
    assert_eq!(codes(&output), ["250", "554"]);
    assert!(output.contains("554 5.5.0"));
    assert!(server.is_closed());
    // A client that waits for every reply is fine.
    assert_eq!(
        codes(&run(&config, input, Split::Lines)),
        ["250", "250", "250", "250"]
    );
    // With PIPELINING offered, a batch is allowed.
    config.extensions.pipelining = true;
    assert_eq!(
        codes(&run(&config, input, Split::Whole)),
        ["250", "250", "250", "250"]
    );
}

#[test]
fn pipelined_batch_is_answered_in_order() {
    let input = format!("{ENVELOPE}RCPT TO:<x@remote.example>\r\nRCPT TO:<carol@example.org>\r\nDATA\r\nhi\r\n.\r\nQUIT\r\n");
    for split in server_support::SPLITS {
        let output = run(&ServerConfig::default(), input.as_bytes(), split);
        assert_eq!(
            codes(&output),
            ["250", "250", "250", "550", "250", "354", "250", "221"],
            "{split:?}"
        );
    }
}

#[test]
fn bare_lf_can_be_normalised_like_postfix() {
    let config = ServerConfig {
        strictness: Strictness {
            bare_lf: BareLfPolicy::Normalise,
            ..Strictness::default()
        },
        ..ServerConfig::default()
    };
    let input =
        "EHLO c.example\nMAIL FROM:<a@b.example>\nRCPT TO:<bob@example.org>\nDATA\na\nb\r\n.\r\n";
    let (output, mut server) = run_keep(&config, input.as_bytes());
    assert_eq!(
        codes(&output),
        ["250", "250", "250", "354", "250"],
        "{output}"
    );
    let text = String::from_utf8(server.poll_delivery().unwrap().message.to_vec()).unwrap();
    assert!(text.ends_with("\r\na\r\nb\r\n"), "{text:?}");
}

#[test]
fn config_reads_camel_case_json_with_defaults() {
    let config: ServerConfig = serde_json::from_str(
        r#"{"hostname":"mail.test","localDomains":["test"],"trustedClients":["10.0.0.1"],
            "role":"submission","ehloMode":"heloOnlyNotImplemented","maxMessageSize":null,
            "extensions":{"vrfy":true},"strictness":{"bareLf":"normalise","unofferedPipelining":"reject",
            "undeclaredEightBit":"reject"},"openRelay":true}"#,
    )
    .unwrap();
    assert_eq!(config.hostname, "mail.test");
    assert_eq!(config.max_recipients, 100);
    assert!(config.extensions.vrfy && config.extensions.pipelining);
    assert_eq!(config.ehlo_mode, EhloMode::HeloOnlyNotImplemented);
    let back = serde_json::to_value(&config).unwrap();
    assert_eq!(back["strictness"]["bareLf"], "normalise");
}

#[test]
fn transition_table_serialises_for_the_page() {
    let json = serde_json::to_value(TRANSITIONS).unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), TRANSITIONS.len());
    assert_eq!(rows[0]["trigger"], "hello");
    assert_eq!(rows[0]["to"], "expectMail");
    assert!(rows
        .iter()
        .all(|row| row["rfc"].as_str().unwrap().starts_with("RFC ")));
}
