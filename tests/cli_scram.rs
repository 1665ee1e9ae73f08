//! `serve --auth-mechanisms` with SCRAM through the real binary: our `send --auth auto`
//! picks SCRAM-SHA-256, both sides prove the password, and the message is stored.

mod cli_support;

use cli_support::{run, Served};

#[test]
fn serve_offers_scram_and_send_auto_picks_scram_sha_256() {
    let server = Served::start(
        "scram-auto",
        &[
            "--user",
            "alice:S3cret-pw",
            "--auth-mechanisms",
            "scram-sha-1,SCRAM-SHA-256,PLAIN",
        ],
    );
    let output = run(&[
        "send",
        "--server",
        &server.address,
        "--from",
        "alice@example.org",
        "--to",
        "bob@example.org",
        "--auth",
        "auto",
        "--user",
        "alice",
        "--password",
        "S3cret-pw",
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("S: 250-AUTH SCRAM-SHA-1 SCRAM-SHA-256 PLAIN"),
        "in the order given: {stdout}"
    );
    assert!(stdout.contains("C: AUTH SCRAM-SHA-256 "), "{stdout}");
    assert!(
        stdout.contains("The ServerSignature matches the client's own"),
        "{stdout}"
    );
    let transcript = server.transcript_containing("stored");
    assert!(transcript.contains("S: 235 2.7.0"), "{transcript}");
    let stored = std::fs::read_dir(server.maildir.join("bob@example.org"))
        .map(Iterator::count)
        .unwrap_or(0);
    assert_eq!(stored, 1);
}

#[test]
fn an_unknown_mechanism_is_a_usage_error() {
    let output = run(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--auth-mechanisms",
        "PLAIN,SCRAM-SHA-512",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("'SCRAM-SHA-512' is not one of PLAIN, LOGIN"),
        "{stderr}"
    );
}
