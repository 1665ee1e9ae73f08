//! `send --chunk-size N` and `send --no-chunking` against our `serve` offering CHUNKING:
//! the wire carries BDAT chunks of the asked size (the last shorter, with LAST) or
//! DATA, and the stored message is the same either way. Bad values are usage errors.

mod cli_support;

use cli_support::{run, Served};

/// A `serve` that offers CHUNKING, through the page's server configuration.
fn chunking_server(name: &str) -> Served {
    let config = std::env::temp_dir().join(format!(
        "esmtp-cli-chunking-{name}-{}.json",
        std::process::id()
    ));
    std::fs::write(&config, r#"{"extensions":{"chunking":true}}"#).unwrap();
    Served::start(
        &format!("chunking-{name}"),
        &[
            "--config",
            config.to_str().unwrap(),
            "--local-domain",
            "example.org",
        ],
    )
}

/// Runs `send` to `served` with `extra` flags; returns its transcript.
fn send(served: &Served, extra: &[&str]) -> String {
    let mut args = vec![
        "send",
        "--server",
        &served.address,
        "--from",
        "alice@example.net",
        "--to",
        "bob@example.org",
        "--body",
        "First line of a body long enough for several small chunks.\n.a line with a dot\nlast line\n",
        "--timeout",
        "20",
    ];
    args.extend_from_slice(extra);
    let output = run(&args);
    let transcript = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{transcript}");
    transcript
}

/// Every BDAT the client sent, as (size, last). A chunk that ends mid-line runs into
/// the next BDAT on one transcript line, so the command is looked for anywhere in it.
fn bdat_commands(transcript: &str) -> Vec<(u64, bool)> {
    transcript
        .lines()
        .filter_map(|line| line.strip_prefix("C: "))
        .filter_map(|line| line.find("BDAT ").map(|at| &line[at + 5..]))
        .map(|rest| {
            let mut words = rest.split(' ');
            let size = words.next().unwrap().parse().unwrap();
            (size, words.next() == Some("LAST"))
        })
        .collect()
}

/// The SIZE= the client declared on MAIL FROM: the message's octets.
fn declared_size(transcript: &str) -> u64 {
    let mail = transcript
        .lines()
        .find(|line| line.starts_with("C: MAIL FROM:"))
        .unwrap();
    let at = mail.find("SIZE=").unwrap();
    mail[at + 5..].split(' ').next().unwrap().parse().unwrap()
}

/// The one stored copy for bob.
fn stored(served: &Served) -> String {
    let folder = served.maildir.join("bob@example.org");
    let file = std::fs::read_dir(folder).unwrap().next().unwrap().unwrap();
    std::fs::read_to_string(file.path()).unwrap()
}

#[test]
fn chunk_size_sets_the_bdat_sizes_on_the_wire() {
    let served = chunking_server("size");
    let transcript = send(&served, &["--chunk-size", "100"]);
    let chunks = bdat_commands(&transcript);
    let total = declared_size(&transcript);
    assert!(chunks.len() >= 3, "{transcript}");
    let (last, rest) = chunks.split_last().unwrap();
    assert!(
        rest.iter().all(|&chunk| chunk == (100, false)),
        "{chunks:?}"
    );
    assert!(last.1 && last.0 <= 100, "{chunks:?}");
    assert_eq!(chunks.iter().map(|c| c.0).sum::<u64>(), total);
    assert!(!transcript.contains("C: DATA"), "{transcript}");
    assert!(
        transcript.contains("C: .a line with a dot"),
        "BDAT sends a leading dot as it is: {transcript}"
    );
    let server_side = served.transcript_containing("LAST");
    assert!(server_side.contains("C: BDAT 100"), "{server_side}");
    assert!(
        stored(&served).contains("\r\n.a line with a dot\r\nlast line\r\n"),
        "{}",
        stored(&served)
    );
}

#[test]
fn by_default_the_message_goes_in_one_last_chunk() {
    let served = chunking_server("default");
    let transcript = send(&served, &[]);
    let chunks = bdat_commands(&transcript);
    assert_eq!(chunks, [(declared_size(&transcript), true)], "{transcript}");
}

#[test]
fn no_chunking_sends_data_although_chunking_is_offered() {
    let served = chunking_server("off");
    let transcript = send(&served, &["--no-chunking"]);
    assert!(transcript.contains("S: 250 CHUNKING"), "{transcript}");
    assert!(bdat_commands(&transcript).is_empty(), "{transcript}");
    assert!(transcript.contains("C: DATA"), "{transcript}");
    assert!(
        transcript.contains("C: ..a line with a dot"),
        "DATA dot-stuffs: {transcript}"
    );
    assert!(stored(&served).contains("\r\n.a line with a dot\r\n"));
}

#[test]
fn bad_chunk_sizes_are_usage_errors() {
    for (value, words) in [
        ("0", "a BDAT chunk must be 1 to"),
        ("10485761", "a BDAT chunk must be 1 to"),
        ("ten", "'ten' is not a number of octets"),
        ("99999999999", "is not a number of octets"),
    ] {
        let output = run(&[
            "send",
            "--server",
            "127.0.0.1:9",
            "--from",
            "alice@example.net",
            "--to",
            "bob@example.org",
            "--chunk-size",
            value,
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{value}: {stderr}");
        assert!(stderr.contains("--chunk-size"), "{value}: {stderr}");
        assert!(stderr.contains(words), "{value}: {stderr}");
        assert!(!stderr.contains("panicked"), "{value}: {stderr}");
        assert!(output.stdout.is_empty(), "nothing was sent for {value}");
    }
    let both = run(&[
        "send",
        "--server",
        "127.0.0.1:9",
        "--from",
        "alice@example.net",
        "--to",
        "bob@example.org",
        "--no-chunking",
        "--chunk-size",
        "100",
    ]);
    assert_eq!(both.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&both.stderr).contains("cannot be used with"));
}
