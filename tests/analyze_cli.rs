//! `esmtp-playground lint`, run as a real process: the annotated transcript, `--json`,
//! and the exit codes (0 no error, 1 an error found, 2 unusable input with one line on
//! stderr).
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BINARY: &str = env!("CARGO_BIN_EXE_esmtp-playground");

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/analyze/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn lint(args: &[&str]) -> Output {
    Command::new(BINARY)
        .arg("lint")
        .args(args)
        .output()
        .expect("the binary runs")
}

fn lint_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(BINARY)
        .arg("lint")
        .args(args)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = input.to_vec();
    // Written from another thread while this one reads stdout, so neither pipe fills
    // up; the binary stops reading at its input cap, so a broken pipe is expected.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().expect("the binary ends");
    let _ = writer.join();
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

#[test]
fn a_clean_session_exits_0_and_prints_the_annotated_transcript() {
    let output = lint(&[&fixture("swaks-clean.txt")]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = text(&output.stdout);
    assert!(stdout.starts_with("format: swaks\n"), "{stdout}");
    assert!(
        stdout.contains("    4 C: EHLO client.example\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("    3 S: 220 mx.example.org ESMTP Playground\n"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("0 error(s), 0 warning(s), 0 note(s)\n"),
        "{stdout}"
    );
    assert!(output.stderr.is_empty());
}

#[test]
fn an_error_finding_exits_1_and_is_printed_under_its_line() {
    let output = lint(&[&fixture("bad-size-over-limit.txt")]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("   14 C: MAIL FROM:<alice@example.net> SIZE=20971520\n      ^ error (RFC 1870 §6): SIZE=20971520"),
        "{stdout}"
    );
}

#[test]
fn json_has_format_lines_and_findings_with_input_line_numbers() {
    let output = lint(&[
        "--json",
        "--password",
        "wrong",
        &fixture("curl-cram-md5.txt"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["format"], "curl");
    let line = &json["lines"][0];
    assert_eq!(
        (line["n"].as_u64(), line["side"].as_str()),
        (Some(5), Some("server"))
    );
    assert_eq!(line["text"], "220 mx.example.org ESMTP Playground");
    let finding = json["findings"]
        .as_array()
        .and_then(|all| all.iter().find(|f| f["severity"] == "error"))
        .expect("an error finding");
    assert_eq!(finding["line"], 15);
    assert_eq!(finding["rfc"], "RFC 2195 §2");
    assert!(finding["message"]
        .as_str()
        .is_some_and(|m| m.contains("HMAC-MD5")));
}

#[test]
fn format_flag_and_standard_input() {
    let input = std::fs::read(fixture("cs-send-annotated.txt")).expect("fixture");
    let output = lint_stdin(&["--format", "cs"], &input);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(text(&output.stdout).starts_with("format: cs\n"));
}

#[test]
fn unusable_input_exits_2_with_one_line_on_stderr() {
    for output in [
        lint_stdin(&[], b"\x00\x01\x02 binary junk \xff\xfe"),
        lint_stdin(&[], b"just some prose\nwith no SMTP in it\n"),
        lint(&["/nonexistent/transcript.txt"]),
        lint(&[&fixture("nodemailer-logger-only.txt")]),
        lint(&["--format", "klingon", &fixture("swaks-clean.txt")]),
    ] {
        assert_eq!(output.status.code(), Some(2));
        let stderr = text(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn a_huge_paste_is_cut_with_a_clear_message() {
    let session = std::fs::read(fixture("swaks-clean.txt")).expect("fixture");
    let mut input = Vec::with_capacity(50 * 1024 * 1024 + session.len());
    input.extend_from_slice(&session);
    while input.len() < 50 * 1024 * 1024 {
        input.extend_from_slice(b" -> NOOP\n<-  250 2.0.0 Ok\n");
    }
    let output = lint_stdin(&["--json"], &input);
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let cut = json["findings"].as_array().and_then(|all| {
        all.iter().find(|f| {
            f["message"]
                .as_str()
                .is_some_and(|m| m.contains("only the first"))
        })
    });
    assert!(cut.is_some(), "{:?}", json["findings"]);
}

#[test]
fn a_capture_with_several_connections_lists_them_and_marks_the_one_shown() {
    let output = lint(&["--connection", "2", &fixture("pcap-two-connections.pcap")]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let listing: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("connections"))
        .skip(1)
        .take_while(|l| l.contains(" packets"))
        .collect();
    assert_eq!(listing.len(), 2, "{stdout}");
    assert!(listing[0].starts_with("    1  127.0.0.1:"), "{stdout}");
    assert!(!listing[0].ends_with("<- shown"), "{stdout}");
    assert!(listing[1].ends_with("<- shown"), "{stdout}");
    let json: Value = serde_json::from_slice(
        &lint(&[
            "--json",
            "--connection",
            "2",
            &fixture("pcap-two-connections.pcap"),
        ])
        .stdout,
    )
    .expect("JSON");
    assert_eq!(json["connection"], 2);
    assert_eq!(json["connections"].as_array().map(Vec::len), Some(2));
}
