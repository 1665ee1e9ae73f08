//! The bounds of `serve` against hostile load, over real TCP: connections from one
//! address, a client trickling a line, and a --max-connections the open-file limit
//! cannot honour.

mod cli_support;

use std::io::Write;
use std::time::Duration;

use cli_support::{connect, read_to_close, read_until, write, Served};

#[test]
fn one_address_cannot_take_every_slot() {
    let served = Served::start(
        "per-client",
        &["--max-connections", "4", "--max-per-client", "2"],
    );
    let mut first = connect(&served.address);
    let mut second = connect(&served.address);
    assert!(read_until(&mut first, "\r\n").starts_with("220 "));
    assert!(read_until(&mut second, "\r\n").starts_with("220 "));
    let mut third = connect(&served.address);
    let refused = read_to_close(&mut third);
    assert!(refused.starts_with("421 4.3.2 "), "{refused}");
    assert!(
        refused.contains("from your address (2 at once)"),
        "{refused}"
    );
    drop(first);
    // The slot comes back once the server has seen the close.
    let mut again = None;
    for _ in 0..100 {
        let mut stream = connect(&served.address);
        let greeting = read_until(&mut stream, "\r\n");
        if greeting.starts_with("220 ") {
            again = Some(stream);
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(again.is_some(), "the freed slot was never given back");
    write(&mut second, b"QUIT\r\n");
    assert!(read_to_close(&mut second).starts_with("221 "));
}

#[test]
fn a_line_trickled_an_octet_at_a_time_meets_the_command_deadline() {
    let served = Served::start("trickle", &["--command-deadline", "2"]);
    let mut stream = connect(&served.address);
    assert!(read_until(&mut stream, "\r\n").starts_with("220 "));
    let mut reader = stream.try_clone().unwrap();
    let trickler = std::thread::spawn(move || {
        for octet in b"EHLO a-very-slow-client.example.net\r\n" {
            if stream.write_all(&[*octet]).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    let answer = read_to_close(&mut reader);
    assert!(answer.starts_with("421 4.4.2 "), "{answer}");
    let _ = trickler.join();
    let transcript = served.transcript_containing("command deadline");
    assert!(transcript.contains("the command deadline"), "{transcript}");
}

#[test]
fn max_connections_beyond_the_open_file_limit_is_refused_at_start() {
    let maildir = std::env::temp_dir().join(format!("esmtp-cli-nofile-{}", std::process::id()));
    let output = Served::command(&maildir, &["--max-connections", "100"], Some(64))
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&maildir);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--max-connections 100 needs about 232 open files"),
        "{stderr}"
    );
    assert!(stderr.contains("may open 64"), "{stderr}");
}

#[test]
fn a_crowd_over_a_low_open_file_limit_is_refused_and_served_after() {
    let maildir = std::env::temp_dir().join(format!("esmtp-cli-crowd-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&maildir);
    let served = Served::start_in(
        maildir,
        &["--max-connections", "10", "--max-per-client", "10"],
        Some(64),
    );
    let crowd: Vec<_> = (0..60)
        .filter_map(|_| std::net::TcpStream::connect(&served.address).ok())
        .collect();
    drop(crowd);
    let mut stream = connect(&served.address);
    let mut greeting = read_until(&mut stream, "\r\n");
    for _ in 0..100 {
        if greeting.starts_with("220 ") {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
        stream = connect(&served.address);
        greeting = read_until(&mut stream, "\r\n");
    }
    assert!(greeting.starts_with("220 "), "{greeting}");
    write(&mut stream, b"QUIT\r\n");
    assert!(read_to_close(&mut stream).starts_with("221 "));
}

#[test]
fn a_stdout_nobody_reads_stalls_no_session() {
    use std::io::BufRead;
    let maildir = std::env::temp_dir().join(format!("esmtp-cli-stall-{}", std::process::id()));
    let mut child = Served::command(&maildir, &[], None)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Read the first line only; the pipe then fills and is never drained.
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let address = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    let noops = b"NOOP\r\n".repeat(2_000);
    for _ in 0..20 {
        let mut stream = connect(&address);
        assert!(read_until(&mut stream, "\r\n").starts_with("220 "));
        write(&mut stream, b"EHLO c.example\r\n");
        read_until(&mut stream, "250 ");
        write(&mut stream, &noops);
        write(&mut stream, b"QUIT\r\n");
        let answers = read_to_close(&mut stream);
        assert!(
            answers.ends_with("221 2.0.0 Bye\r\n") || answers.contains("\r\n221 "),
            "{}",
            &answers[answers.len().saturating_sub(200)..]
        );
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&maildir);
}

#[test]
fn message_text_is_summarised_in_the_transcript() {
    let served = Served::start("summary", &[]);
    let mut stream = connect(&served.address);
    assert!(read_until(&mut stream, "\r\n").starts_with("220 "));
    let mut session =
        b"EHLO c.example\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n"
            .to_vec();
    write(&mut stream, &session);
    read_until(&mut stream, "354 ");
    session.clear();
    for n in 0..10_000 {
        session.extend_from_slice(format!("line number {n}\r\n").as_bytes());
    }
    session.extend_from_slice(b".\r\nQUIT\r\n");
    write(&mut stream, &session);
    assert!(read_to_close(&mut stream).contains("221 "));
    let transcript = served.transcript_containing("connection closed");
    assert!(
        transcript.contains("lines of message text not shown"),
        "{transcript}"
    );
    assert!(transcript.contains("C: line number 0\n"));
    assert!(transcript.contains("C: line number 9999\n"));
    assert!(!transcript.contains("C: line number 5000\n"));
}
