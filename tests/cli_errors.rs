//! Bad flags, unreachable servers and busy ports: a non-zero exit code and one line on
//! stderr saying what is wrong.

mod cli_support;

use std::net::TcpListener;

use cli_support::run;

fn one_line_stderr(output: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr:?}");
    stderr
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let output = run(&["serve", "--no-such-flag"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = one_line_stderr(&output);
    assert!(stderr.contains("--no-such-flag"), "{stderr}");
}

#[test]
fn missing_subcommand_and_bad_values_are_usage_errors() {
    for args in [
        &[][..],
        &["serve", "--max-connections", "0"],
        &["serve", "--idle-timeout", "soon"],
        &["serve", "--user", "nocolon"],
        &["send", "--server", "127.0.0.1:1"],
    ] {
        let output = run(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        one_line_stderr(&output);
    }
}

#[test]
fn bad_addresses_are_refused_before_connecting() {
    let output = run(&[
        "send",
        "--server",
        "127.0.0.1:1",
        "--from",
        "not an address",
        "--to",
        "b@example.org",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(one_line_stderr(&output).contains("From address"));
}

#[test]
fn auth_with_an_unknown_mechanism_is_a_usage_error() {
    let output = run(&[
        "send",
        "--server",
        "127.0.0.1:1",
        "--from",
        "a@example.net",
        "--to",
        "b@example.org",
        "--auth",
        "GSSAPI",
        "--user",
        "u",
        "--password",
        "p",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(one_line_stderr(&output).contains("\"GSSAPI\" is not a mechanism"));
}

#[test]
fn auth_against_a_server_without_auth_fails_with_the_reason() {
    use std::io::{BufRead, BufReader, Write};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut writer = stream.try_clone().unwrap();
        let mut reader = BufReader::new(stream);
        writer.write_all(b"220 mx.example.org ESMTP\r\n").unwrap();
        let mut seen = Vec::new();
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 0 {
            let verb = line.split_whitespace().next().unwrap_or("").to_owned();
            let reply: &[u8] = match verb.as_str() {
                "EHLO" => b"250-mx.example.org\r\n250 8BITMIME\r\n",
                "QUIT" => b"221 2.0.0 Bye\r\n",
                _ => b"502 5.5.2 Error\r\n",
            };
            writer.write_all(reply).unwrap();
            seen.push(verb.clone());
            line.clear();
            if verb == "QUIT" {
                break;
            }
        }
        seen
    });
    let output = run(&[
        "send",
        "--server",
        &address,
        "--from",
        "a@example.net",
        "--to",
        "b@example.org",
        "--auth",
        "PLAIN",
        "--user",
        "u",
        "--password",
        "p",
        "--timeout",
        "20",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(one_line_stderr(&output).contains("lists no AUTH"));
    assert_eq!(server.join().unwrap(), ["EHLO", "QUIT"]);
}

#[test]
fn unreachable_server_exits_3() {
    // Bind then drop: the port is now very likely closed, so the connect is refused.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = format!("127.0.0.1:{port}");
    let output = run(&[
        "send",
        "--server",
        &server,
        "--from",
        "a@example.net",
        "--to",
        "b@example.org",
        "--timeout",
        "5",
    ]);
    assert_eq!(output.status.code(), Some(3));
    let stderr = one_line_stderr(&output);
    assert!(
        stderr.contains(&format!("cannot connect to {server}")),
        "{stderr}"
    );
}

#[test]
fn busy_port_exits_3() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let output = run(&["serve", "--listen", &address]);
    assert_eq!(output.status.code(), Some(3));
    let stderr = one_line_stderr(&output);
    assert!(
        stderr.contains(&format!("cannot listen on {address}")),
        "{stderr}"
    );
    assert!(stderr.to_lowercase().contains("in use"), "{stderr}");
}

#[test]
fn unreadable_config_is_a_usage_error() {
    let output = run(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--config",
        "/nonexistent/x.json",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(one_line_stderr(&output).contains("cannot read --config"));
}

#[test]
fn user_accounts_are_the_auth_accounts() {
    // --user replaces the configured accounts: the RFC 4616 vector for tim logs in,
    // and the default account (alice) does not.
    let served = cli_support::Served::start("auth-users", &["--user", "tim:tanstaaftanstaaf"]);
    let mut stream = cli_support::connect(&served.address);
    cli_support::read_until(&mut stream, "\r\n");
    cli_support::write(&mut stream, b"EHLO c.example\r\n");
    let ehlo = cli_support::read_until(&mut stream, "250 ");
    assert!(
        ehlo.contains("250-AUTH PLAIN LOGIN CRAM-MD5 DIGEST-MD5\r\n"),
        "{ehlo}"
    );
    cli_support::write(&mut stream, b"AUTH PLAIN AGFsaWNlAFMzY3JldC1wdw==\r\n");
    let refused = cli_support::read_until(&mut stream, "\r\n");
    assert!(refused.starts_with("535 5.7.8"), "{refused}");
    cli_support::write(&mut stream, b"AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n");
    let accepted = cli_support::read_until(&mut stream, "\r\n");
    assert!(accepted.starts_with("235 2.7.0"), "{accepted}");
    cli_support::write(&mut stream, b"QUIT\r\n");
    cli_support::read_to_close(&mut stream);
}
