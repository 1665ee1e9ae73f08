//! Every finding the analyzer must catch, each from a real or hand-edited sample in
//! tests/fixtures/analyze/ (its README says how each was made), and every clean
//! session from a well-behaved peer linting without an error.

use esmtp_playground::analyze::line::Ending;
use esmtp_playground::analyze::{analyze, Analysis, Format, Options, Role, Severity};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/analyze/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn lint(name: &str, password: Option<&str>) -> Analysis {
    let options = Options {
        format: None,
        password: password.map(str::to_owned),
        connection: None,
    };
    analyze(&fixture(name), &options).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Asserts a finding of `severity` from `rfc` whose message contains `words`, on `line`.
fn expect(
    name: &str,
    password: Option<&str>,
    severity: Severity,
    rfc: &str,
    words: &str,
    line: usize,
) {
    let analysis = lint(name, password);
    let found = analysis.findings.iter().any(|f| {
        f.severity == severity && f.rfc == rfc && f.message.contains(words) && f.line == line
    });
    assert!(
        found,
        "{name}: no {severity} {rfc} \"{words}\" on line {line} in {:#?}",
        analysis.findings
    );
}

const CLEAN: [(&str, Format); 18] = [
    ("swaks-clean.txt", Format::Swaks),
    ("swaks-pipeline-raw.txt", Format::Swaks),
    ("swaks-raw-relay-refused.txt", Format::Swaks),
    ("swaks-cram-md5.txt", Format::Swaks),
    ("swaks-login.txt", Format::Swaks),
    ("swaks-plain-raw.txt", Format::Swaks),
    ("swaks-digest-pipeline.txt", Format::Swaks),
    ("swaks-aiosmtpd.txt", Format::Swaks),
    ("curl-clean.txt", Format::Curl),
    ("curl-cram-md5.txt", Format::Curl),
    ("curl-aiosmtpd.txt", Format::Curl),
    ("smtplib-debug1.txt", Format::Smtplib),
    ("smtplib-debug1-plain.txt", Format::Smtplib),
    ("smtplib-debug2-cram-md5.txt", Format::Smtplib),
    ("smtplib-aiosmtpd.txt", Format::Smtplib),
    ("nodemailer-clean.txt", Format::Nodemailer),
    ("nodemailer-login.txt", Format::Nodemailer),
    ("nodemailer-aiosmtpd-plain.txt", Format::Nodemailer),
];

#[test]
fn clean_sessions_from_real_peers_have_no_error_and_their_format_is_recognised() {
    for (name, format) in CLEAN.into_iter().chain([
        ("nodemailer-aiosmtpd.txt", Format::Nodemailer),
        ("cs-send-annotated.txt", Format::Cs),
        ("raw-telnet.txt", Format::Raw),
        ("cs-rfc5321-d1.txt", Format::Cs),
        ("cs-rfc5321-d1-timestamps.txt", Format::Cs),
        ("swaks-starttls-aiosmtpd.txt", Format::Swaks),
        ("cs-send-bdat.txt", Format::Cs),
        ("pcap-send-bdat.pcap", Format::Pcap),
        ("cs-send-smtputf8.txt", Format::Cs),
        ("smtplib-smtputf8.txt", Format::Smtplib),
    ]) {
        let analysis = lint(name, Some("S3cret-pw"));
        assert_eq!(analysis.format, format, "{name}");
        let errors: Vec<_> = analysis
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        assert!(
            analysis.lines.len() > 10,
            "{name}: only {} lines read",
            analysis.lines.len()
        );
    }
}

#[test]
fn a_log_that_just_stops_gets_a_note_not_an_error() {
    expect(
        "curl-clean.txt",
        None,
        Severity::Note,
        "RFC 5321 §4.1.1.10",
        "without QUIT",
        21,
    );
    assert!(!lint("curl-clean.txt", None).has_errors());
}

#[test]
fn order_of_commands() {
    expect(
        "bad-mail-before-ehlo.txt",
        None,
        Severity::Error,
        "RFC 5321 §4.1.4",
        "MAIL before EHLO/HELO",
        4,
    );
    expect(
        "bad-data-no-rcpt.txt",
        None,
        Severity::Error,
        "RFC 5321 §4.1.1.4",
        "DATA with no accepted RCPT",
        15,
    );
}

#[test]
fn pipelining() {
    expect(
        "bad-pipelining-not-offered.txt",
        None,
        Severity::Error,
        "RFC 2920 §3",
        "did not offer PIPELINING",
        12,
    );
    expect(
        "bad-command-after-data.txt",
        None,
        Severity::Error,
        "RFC 2920 §3.1",
        "before the reply to DATA on line 19",
        20,
    );
}

#[test]
fn server_replies() {
    expect(
        "bad-250-to-data.txt",
        None,
        Severity::Error,
        "RFC 5321 §4.3.2",
        "250 to DATA",
        16,
    );
    expect(
        "bad-multiline-unfinished.txt",
        None,
        Severity::Error,
        "RFC 5321 §4.2.1",
        "never ends",
        5,
    );
    expect(
        "bad-code-outside-set.txt",
        None,
        Severity::Error,
        "RFC 5321 §4.2.1",
        "second digit",
        14,
    );
    // The broken marker does not shift later replies onto the wrong commands.
    let errors = lint("bad-multiline-unfinished.txt", None)
        .findings
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    assert_eq!(errors, 1);
}

#[test]
fn extensions_and_envelope() {
    expect(
        "bad-8bit-without-body.txt",
        None,
        Severity::Error,
        "RFC 6152 §3",
        "did not declare BODY=8BITMIME",
        19,
    );
    expect(
        "bad-8bit-not-offered.txt",
        None,
        Severity::Error,
        "RFC 6152 §3",
        "did not offer 8BITMIME",
        23,
    );
    expect(
        "bad-size-over-limit.txt",
        None,
        Severity::Error,
        "RFC 1870 §6",
        "SIZE=20971520 is larger than the 10240000",
        14,
    );
    expect(
        "bad-rcpt-after-452.txt",
        None,
        Severity::Error,
        "RFC 5321 §4.5.3.1.10",
        "after the server's 452",
        17,
    );
}

#[test]
fn bdat_chunks_are_message_octets_and_their_rules_are_judged() {
    for name in ["cs-send-bdat.txt", "pcap-send-bdat.pcap"] {
        let analysis = lint(name, None);
        assert!(
            analysis.findings.is_empty(),
            "{name}: {:#?}",
            analysis.findings
        );
        let roles: Vec<(&str, Role)> = analysis
            .lines
            .iter()
            .filter(|line| line.text.starts_with("BDAT ") || line.role == Role::ChunkData)
            .map(|line| (line.text.as_str(), line.role))
            .collect();
        let commands: Vec<&str> = roles
            .iter()
            .filter(|(_, role)| *role == Role::Command)
            .map(|(text, _)| *text)
            .collect();
        assert_eq!(
            commands,
            ["BDAT 100", "BDAT 100", "BDAT 100", "BDAT 5 LAST"],
            "{name}: each BDAT found, mid-line ones too"
        );
        let chunk_octets: usize = analysis
            .lines
            .iter()
            .filter(|line| line.role == Role::ChunkData)
            .map(|line| line.text.len() + if line.ending == Ending::Missing { 0 } else { 2 })
            .sum();
        assert_eq!(chunk_octets, 305, "{name}: SIZE=305 octets in chunks");
    }
    expect(
        "bad-bdat-not-offered.txt",
        None,
        Severity::Error,
        "RFC 3030 §2",
        "did not offer CHUNKING",
        33,
    );
    expect(
        "bad-data-after-bdat.txt",
        None,
        Severity::Error,
        "RFC 3030 §2",
        "DATA after BDAT in the same transaction",
        46,
    );
    expect(
        "bad-data-after-bdat.txt",
        None,
        Severity::Warning,
        "RFC 3030 §2",
        "no BDAT LAST",
        60,
    );
    expect(
        "bad-cut-inside-chunk.txt",
        None,
        Severity::Error,
        "RFC 3030 §2",
        "ends inside a BDAT chunk",
        41,
    );
}

#[test]
fn smtputf8_addresses_need_the_parameter() {
    expect(
        "swaks-utf8-sender-refused.txt",
        None,
        Severity::Error,
        "RFC 6531 §3.4",
        "MAIL FROM:<jörg@bücher.example> is a UTF-8 address, but MAIL FROM did not declare SMTPUTF8",
        14,
    );
}

#[test]
fn octets_and_lengths() {
    let name = "bad-octets.txt";
    expect(
        name,
        None,
        Severity::Error,
        "RFC 5321 §2.3.8",
        "bare LF",
        19,
    );
    expect(
        name,
        None,
        Severity::Error,
        "RFC 5321 §2.3.8",
        "bare CR",
        19,
    );
    expect(name, None, Severity::Error, "RFC 5321 §4.5.2", "NUL", 19);
    expect(
        name,
        None,
        Severity::Error,
        "RFC 5321 §4.5.3.1.6",
        "1200 octets",
        19,
    );
    expect(
        name,
        None,
        Severity::Error,
        "RFC 5321 §4.5.3.1.4",
        "512-octet limit",
        12,
    );
    expect(
        "bad-dot-without-crlf.txt",
        None,
        Severity::Error,
        "RFC 5321 §4.1.1.4",
        "no CRLF after it",
        19,
    );
    expect(
        "bad-cut-inside-data.txt",
        None,
        Severity::Error,
        "RFC 5321 §4.1.1.4",
        "never ended with CRLF.CRLF",
        24,
    );
}

#[test]
fn auth_encoding() {
    expect(
        "bad-auth-base64.txt",
        None,
        Severity::Error,
        "RFC 4954 §4",
        "not base64",
        11,
    );
    expect(
        "bad-auth-plain-nuls.txt",
        None,
        Severity::Error,
        "RFC 4616 §2",
        "exactly 2 NUL octets",
        11,
    );
    expect(
        "bad-login-prompt.txt",
        None,
        Severity::Warning,
        "draft-murchison-sasl-login §2",
        "\"User Name\"",
        12,
    );
}

#[test]
fn auth_placement() {
    expect(
        "bad-auth-before-ehlo.txt",
        None,
        Severity::Error,
        "RFC 4954 §4",
        "AUTH before EHLO",
        4,
    );
    expect(
        "bad-auth-in-transaction.txt",
        None,
        Severity::Error,
        "RFC 4954 §4",
        "during a mail transaction",
        13,
    );
    expect(
        "bad-auth-not-offered.txt",
        None,
        Severity::Error,
        "RFC 4954 §4",
        "did not offer this mechanism",
        11,
    );
    expect(
        "bad-auth-clear-with-starttls.txt",
        None,
        Severity::Warning,
        "RFC 4954 §4",
        "offered STARTTLS",
        12,
    );
}

#[test]
fn digests_are_recomputed_with_the_password() {
    expect(
        "swaks-cram-md5.txt",
        Some("S3cret-pw"),
        Severity::Note,
        "RFC 2195 §2",
        "matches the given password",
        13,
    );
    expect(
        "swaks-cram-md5.txt",
        Some("wrong"),
        Severity::Error,
        "RFC 2195 §2",
        "is not HMAC-MD5",
        13,
    );
    expect(
        "curl-cram-md5.txt",
        Some("wrong"),
        Severity::Error,
        "RFC 2195 §2",
        "is not HMAC-MD5",
        15,
    );
    expect(
        "smtplib-debug2-cram-md5.txt",
        Some("wrong"),
        Severity::Error,
        "RFC 2195 §2",
        "is not HMAC-MD5",
        12,
    );
    expect(
        "swaks-digest-pipeline.txt",
        Some("S3cret-pw"),
        Severity::Note,
        "RFC 2831 §2.1.2.1",
        "matches",
        13,
    );
    expect(
        "swaks-digest-pipeline.txt",
        Some("wrong"),
        Severity::Error,
        "RFC 2831 §2.1.2.1",
        "HA1 =",
        13,
    );
    expect(
        "swaks-digest-pipeline.txt",
        Some("wrong"),
        Severity::Error,
        "RFC 2831 §2.1.3",
        "rspauth",
        14,
    );
}

#[test]
fn plain_and_login_passwords_are_compared() {
    expect(
        "swaks-plain-raw.txt",
        Some("S3cret-pw"),
        Severity::Note,
        "RFC 4616 §2",
        "is the one given",
        26,
    );
    expect(
        "swaks-plain-raw.txt",
        Some("wrong"),
        Severity::Warning,
        "RFC 4616 §2",
        "differs",
        26,
    );
    expect(
        "swaks-login.txt",
        Some("wrong"),
        Severity::Warning,
        "draft-murchison-sasl-login §2",
        "differs",
        15,
    );
    expect(
        "nodemailer-login.txt",
        Some("S3cret-pw"),
        Severity::Note,
        "draft-murchison-sasl-login §2",
        "masks the password",
        18,
    );
}

#[test]
fn a_raw_line_whose_side_is_guessed_gets_a_note() {
    let text = String::from_utf8(fixture("raw-telnet.txt")).expect("UTF-8");
    let edited = text.replace("QUIT\n", "XYZZY frobnicate\nQUIT\n");
    let analysis = analyze(edited.as_bytes(), &Options::default()).expect("analysis");
    assert_eq!(analysis.format, Format::Raw);
    let note = analysis
        .findings
        .iter()
        .find(|f| f.rfc == "RFC 5321 §2.3.7")
        .expect("a note");
    assert_eq!((note.severity, note.line), (Severity::Note, 20));
}

#[test]
fn commands_sent_without_waiting_at_auth_and_quit() {
    expect(
        "bad-command-after-auth.txt",
        None,
        Severity::Error,
        "RFC 4954 §4",
        "MAIL was sent before the reply to AUTH on line 11",
        12,
    );
    // The server read the pipelined MAIL as the SASL response and refused it; the QUIT
    // after that is a command again, not taken for more SASL.
    let analysis = lint("bad-command-after-auth.txt", None);
    let errors: Vec<_> = analysis
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    expect(
        "bad-command-after-quit.txt",
        None,
        Severity::Error,
        "RFC 2920 §3.1",
        "NOOP was sent before the reply to QUIT on line 29",
        30,
    );
}

#[test]
fn swaks_raw_dumps_of_pipelined_writes_give_every_line_its_terminator() {
    let analysis = lint("swaks-pipeline-raw.txt", Some("S3cret-pw"));
    assert_eq!(analysis.format, Format::Swaks);
    let unknown: Vec<_> = analysis
        .lines
        .iter()
        .filter(|l| l.ending != esmtp_playground::analyze::line::Ending::CrLf)
        .collect();
    assert!(unknown.is_empty(), "{unknown:#?}");
    assert!(analysis
        .findings
        .iter()
        .any(|f| f.rfc == "RFC 2195 §2" && f.message.contains("matches")));
}
