//! What a 250 from `serve --maildir` promises, over real TCP: a copy that cannot be
//! stored answers 451 with nothing kept, a crash mid-write leaves no partial copy where
//! mail is read, and distinct mailboxes get distinct folders.

mod cli_support;

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cli_support::{connect, read_until, write, Served};

/// Reads one whole reply (up to its last line, `NNN text`).
fn reply(stream: &mut TcpStream) -> String {
    let mut text = String::new();
    loop {
        let line = read_until(stream, "\r\n");
        assert!(!line.is_empty(), "connection closed; so far {text:?}");
        text.push_str(&line);
        let last = text
            .trim_end()
            .lines()
            .last()
            .unwrap_or_default()
            .to_owned();
        if last.len() >= 4 && last.as_bytes()[3] == b' ' {
            return text;
        }
    }
}

fn command(stream: &mut TcpStream, line: &str) -> String {
    write(stream, format!("{line}\r\n").as_bytes());
    reply(stream)
}

/// A session up to the reply to the final "."; returns that reply.
fn send_message(address: &str, recipients: &[&str], body: &[u8]) -> String {
    let mut stream = connect(address);
    assert!(reply(&mut stream).starts_with("220 "));
    assert!(command(&mut stream, "EHLO test.example").starts_with("250"));
    assert!(command(&mut stream, "MAIL FROM:<a@example.net>").starts_with("250 "));
    for recipient in recipients {
        let answer = command(&mut stream, &format!("RCPT TO:<{recipient}>"));
        assert!(answer.starts_with("250 "), "{recipient}: {answer}");
    }
    assert!(command(&mut stream, "DATA").starts_with("354 "));
    write(&mut stream, body);
    write(&mut stream, b".\r\n");
    reply(&mut stream)
}

/// Every `.eml` under `root`, outside `.tmp`.
fn visible_copies(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for folder in std::fs::read_dir(root).into_iter().flatten().flatten() {
        if folder.file_name() == ".tmp" || !folder.path().is_dir() {
            continue;
        }
        for file in std::fs::read_dir(folder.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            found.push(file.path());
        }
    }
    found
}

#[test]
fn a_recipient_folder_that_is_a_file_gets_451_and_nothing_is_kept() {
    let served = Served::start("store-fail", &["--local-domain", "example.org"]);
    std::fs::write(served.maildir.join("blocked@example.org"), b"not a folder").unwrap();
    let answer = send_message(
        &served.address,
        &["first@example.org", "blocked@example.org"],
        b"Subject: x\r\n\r\nbody\r\n",
    );
    assert!(answer.starts_with("451 4.3.0 "), "{answer}");
    assert!(
        visible_copies(&served.maildir).is_empty(),
        "the first copy was removed too"
    );
    assert!(!served.maildir.join("index.jsonl").exists());
    let transcript = served.transcript_containing("could not store");
    assert!(
        transcript.contains(
            "could not store the message, nothing kept: the copy for blocked@example.org"
        ),
        "{transcript}"
    );
    let next = send_message(
        &served.address,
        &["first@example.org"],
        b"Subject: y\r\n\r\nbody\r\n",
    );
    assert!(next.starts_with("250 2.0.0 "), "{next}");
    assert_eq!(visible_copies(&served.maildir).len(), 1);
}

#[test]
fn look_alike_mailboxes_get_their_own_folders() {
    let served = Served::start("store-names", &["--local-domain", "example.org"]);
    let recipients = ["a/b@example.org", "a_b@example.org", "a?b@example.org"];
    let answer = send_message(&served.address, &recipients, b"Subject: x\r\n\r\nbody\r\n");
    assert!(answer.starts_with("250 "), "{answer}");
    let mut folders: Vec<String> = visible_copies(&served.maildir)
        .iter()
        .map(|p| {
            p.parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    folders.sort();
    assert_eq!(
        folders,
        ["a%2Fb@example.org", "a%3Fb@example.org", "a_b@example.org"]
    );
}

#[test]
fn a_crash_mid_write_leaves_no_partial_copy_and_a_restart_clears_the_rest() {
    let served = Served::start("store-crash", &["--local-domain", "example.org"]);
    let line = format!("{}\r\n", "x".repeat(998));
    let body = format!("Subject: big\r\n\r\n{}", line.repeat(5_000));
    let address = served.address.clone();
    let sender = {
        let body = body.clone();
        std::thread::spawn(move || {
            // The server dies before it answers: an empty reply panics in this thread.
            let _ = std::panic::catch_unwind(|| {
                for round in 0..50 {
                    let recipient = format!("r{round}@example.org");
                    send_message(
                        &address,
                        &[&recipient, "other@example.org"],
                        body.as_bytes(),
                    );
                }
            });
        })
    };
    let tmp = served.maildir.join(".tmp");
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::fs::read_dir(&tmp).map_or(0, Iterator::count) == 0 {
        assert!(
            Instant::now() < deadline,
            "the server never started writing"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    let maildir = served.kill_keeping_maildir();
    let _ = sender.join();
    let full = body.len() + 1;
    for copy in visible_copies(&maildir) {
        let length = std::fs::metadata(&copy).unwrap().len() as usize;
        assert!(
            length > full && length < full + 400,
            "{copy:?} is partial: {length} octets"
        );
    }
    let restarted = Served::start_in(maildir, &[], None);
    assert_eq!(
        std::fs::read_dir(restarted.maildir.join(".tmp"))
            .unwrap()
            .count(),
        0
    );
}
