//! `send --timeout` against hostile fake servers over TCP: one that never speaks, one
//! that drips an endless greeting, one that goes silent after MAIL. Each wait is bounded
//! by --timeout and the error names the step.

mod cli_support;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cli_support::BINARY;

/// Runs `send --timeout 2` against `address`; returns (exit code, stderr). A run still
/// going after 60 s is killed and fails the test: --timeout was not honoured.
fn send_with_timeout(address: &str) -> (Option<i32>, String) {
    let mut child = Command::new(BINARY)
        .args([
            "send",
            "--server",
            address,
            "--from",
            "a@example.net",
            "--to",
            "b@example.org",
        ])
        .args(["--timeout", "2"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("send ignored --timeout 2: still running after 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    (status.code(), stderr)
}

/// A fake server on a free port running `behaviour` for one connection.
fn fake_server(behaviour: fn(TcpStream)) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        if let Ok((stream, _)) = listener.accept() {
            behaviour(stream);
        }
    });
    address
}

#[test]
fn a_silent_server_is_given_up_on_after_the_timeout() {
    let address = fake_server(|stream| {
        std::thread::sleep(Duration::from_secs(30));
        drop(stream);
    });
    let (code, stderr) = send_with_timeout(&address);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("no complete answer to the greeting"),
        "{stderr}"
    );
    assert!(stderr.contains("within --timeout 2 s"), "{stderr}");
}

#[test]
fn a_greeting_dripped_a_line_at_a_time_is_bounded_as_a_whole() {
    let address = fake_server(|mut stream| {
        for _ in 0..120 {
            if stream.write_all(b"220-still greeting\r\n").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    });
    let (code, stderr) = send_with_timeout(&address);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("no complete answer to the greeting"),
        "{stderr}"
    );
}

#[test]
fn a_server_silent_after_mail_is_named_in_the_error() {
    let address = fake_server(|stream| {
        let mut writer = stream.try_clone().unwrap();
        let mut reader = BufReader::new(stream);
        writer.write_all(b"220 fake.example ESMTP\r\n").unwrap();
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 0 {
            if line.starts_with("EHLO") {
                writer.write_all(b"250 fake.example\r\n").unwrap();
            }
            if line.starts_with("MAIL") {
                std::thread::sleep(Duration::from_secs(30));
                return;
            }
            line.clear();
        }
    });
    let (code, stderr) = send_with_timeout(&address);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("no complete answer to MAIL"), "{stderr}");
}
