//! Captures: real pcap/pcapng files of sessions on 127.0.0.1 (tcpdump on lo) and
//! copies edited by tests/fixtures/analyze/make_pcap_variants.py: reassembly with
//! out-of-order and retransmitted segments, several connections, a capture that turns
//! to TLS after STARTTLS, and damaged files.

use esmtp_playground::analyze::{analyze, Analysis, AnalyzeError, Format, Options, Role, Severity};

fn capture(name: &str, connection: Option<usize>) -> Result<Analysis, AnalyzeError> {
    let path = format!(
        "{}/tests/fixtures/analyze/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let octets = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let options = Options {
        password: Some("S3cret-pw".into()),
        connection,
        ..Options::default()
    };
    analyze(&octets, &options)
}

fn texts(analysis: &Analysis) -> Vec<(usize, String)> {
    analysis
        .lines
        .iter()
        .map(|l| (l.n, l.text.clone()))
        .collect()
}

#[test]
fn a_clean_capture_reads_as_the_session_with_packet_numbers() {
    let analysis = capture("pcap-swaks-cram-md5.pcap", None).expect("analysis");
    assert_eq!(analysis.format, Format::Pcap);
    let lines = texts(&analysis);
    assert_eq!(
        lines.first(),
        Some(&(4, "220 mx.example.org ESMTP Playground".to_owned()))
    );
    assert!(lines.contains(&(6, "EHLO client.example".to_owned())));
    assert_eq!(
        lines.last(),
        Some(&(23, "221 2.0.0 mx.example.org closing connection".to_owned()))
    );
    assert!(!analysis.has_errors(), "{:#?}", analysis.findings);
    assert!(analysis
        .findings
        .iter()
        .any(|f| f.rfc == "RFC 2195 §2" && f.message.contains("matches")));
}

#[test]
fn pcapng_reads_the_same_as_pcap() {
    let pcap = capture("pcap-swaks-cram-md5.pcap", None).expect("pcap");
    let pcapng = capture("pcapng-swaks-cram-md5.pcapng", None).expect("pcapng");
    assert_eq!(texts(&pcap), texts(&pcapng));
    assert_eq!(pcap.findings, pcapng.findings);
}

#[test]
fn out_of_order_and_retransmitted_segments_are_put_back_in_order() {
    let clean = capture("pcap-swaks-cram-md5.pcap", None).expect("clean");
    let edited = capture("pcap-reordered-retransmitted.pcap", None).expect("edited");
    let text = |a: &Analysis| a.lines.iter().map(|l| l.text.clone()).collect::<Vec<_>>();
    assert_eq!(text(&clean), text(&edited));
    assert!(!edited.has_errors(), "{:#?}", edited.findings);
}

#[test]
fn several_connections_are_listed_and_one_is_chosen() {
    let first = capture("pcap-two-connections.pcap", None).expect("first");
    assert_eq!(first.connections.len(), 2);
    assert!(first.lines.iter().any(|l| l.text == "EHLO one.example"));
    let second = capture("pcap-two-connections.pcap", Some(2)).expect("second");
    assert!(second.lines.iter().any(|l| l.text == "ehlo client.example"));
    assert!(second.findings.iter().any(|f| f
        .message
        .contains("2 TCP connections; this is connection 2")));
    assert!(capture("pcap-two-connections.pcap", Some(3)).is_err());
}

#[test]
fn after_starttls_the_rest_is_opaque_tls() {
    let analysis = capture("pcap-starttls-aiosmtpd.pcap", None).expect("analysis");
    let first_tls = analysis
        .lines
        .iter()
        .position(|l| l.role == Role::Tls)
        .expect("TLS lines");
    let before = analysis.lines.get(first_tls - 1).expect("the 220");
    assert_eq!(before.text, "220 Ready to start TLS");
    assert!(analysis.lines[first_tls..]
        .iter()
        .all(|l| l.role == Role::Tls));
    assert!(analysis.lines[first_tls]
        .text
        .starts_with("[TLS handshake record"));
    let note = analysis
        .findings
        .iter()
        .find(|f| f.rfc == "RFC 3207 §4")
        .expect("a note");
    assert_eq!((note.severity, note.line), (Severity::Note, 18));
    assert!(!analysis.has_errors());
}

#[test]
fn damaged_captures_give_a_message_not_a_panic() {
    let truncated = capture("pcap-truncated.pcap", None).expect("what was readable");
    assert!(truncated
        .findings
        .iter()
        .any(|f| f.severity == Severity::Warning && f.message.contains("cut short")));
    let header_only = analyze(b"\xd4\xc3\xb2\xa1\x02\x00", &Options::default());
    assert!(
        matches!(header_only, Err(AnalyzeError::BadCapture(_))),
        "{header_only:?}"
    );
    let pcapng_header_only = analyze(b"\x0a\x0d\x0d\x0a\x1c\x00", &Options::default());
    assert!(pcapng_header_only.is_err());
}

#[test]
fn a_big_endian_pcap_reads_the_same_as_little_endian() {
    let little = capture("pcap-swaks-cram-md5.pcap", None).expect("little-endian");
    let big = capture("pcap-big-endian.pcap", None).expect("big-endian");
    assert_eq!(big.format, Format::Pcap);
    assert_eq!(texts(&little), texts(&big));
    assert_eq!(little.findings, big.findings);
}

#[test]
fn tls_records_split_across_segments_are_framed_across_them() {
    let whole = capture("pcap-starttls-aiosmtpd.pcap", None).expect("whole");
    let split = capture("pcap-starttls-split-records.pcap", None).expect("split");
    let tls = |a: &Analysis| {
        a.lines
            .iter()
            .filter(|l| l.role == Role::Tls)
            .map(|l| (l.side, l.text.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(tls(&whole), tls(&split));
    assert!(tls(&split)
        .iter()
        .all(|(_, text)| text.starts_with("[TLS ") && text.ends_with(" octets]")));
    // The ClientHello was cut inside its record header: it shows once, on the packet
    // that completed it (one packet later than in the unsplit capture).
    let hello = |a: &Analysis| {
        a.lines
            .iter()
            .find(|l| l.role == Role::Tls)
            .map(|l| (l.n, l.text.clone()))
    };
    assert_eq!(
        hello(&split),
        Some((19, "[TLS handshake record, 512 octets]".to_owned()))
    );
    assert_eq!(hello(&whole).map(|(n, _)| n), Some(18));
    assert!(!split.has_errors(), "{:#?}", split.findings);
}

#[test]
fn a_pipelined_group_in_one_packet_reads_as_three_commands() {
    let analysis = capture("pcap-swaks-pipeline-plain.pcap", None).expect("analysis");
    let group: Vec<&str> = analysis
        .lines
        .iter()
        .filter(|l| l.n == 11)
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(
        group,
        [
            "MAIL FROM:<alice@example.net>",
            "RCPT TO:<bob@example.org>",
            "DATA"
        ]
    );
    assert!(!analysis.has_errors(), "{:#?}", analysis.findings);
    assert!(analysis
        .findings
        .iter()
        .any(|f| f.rfc == "RFC 4616 §2" && f.message.contains("is the one given")));
}
