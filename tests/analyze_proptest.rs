//! Properties of the transcript analyzer: it never panics, whatever the input, and a
//! paste gives the same findings whatever line endings it has.
#![cfg(not(target_arch = "wasm32"))]

use esmtp_playground::analyze::{analyze, Format, Options};
use proptest::prelude::*;

const SAMPLES: [&str; 6] = [
    "swaks-clean.txt",
    "bad-rcpt-after-452.txt",
    "nodemailer-login.txt",
    "cs-send-annotated.txt",
    "bad-multiline-unfinished.txt",
    "bad-auth-plain-nuls.txt",
];

fn sample(index: usize) -> String {
    let name = SAMPLES[index % SAMPLES.len()];
    let path = format!(
        "{}/tests/fixtures/analyze/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).expect("fixture")
}

/// SMTP-looking lines in every marker style, with junk mixed in.
fn line() -> impl Strategy<Value = String> {
    let body = prop_oneof![
        Just("220 mx ESMTP".to_owned()),
        Just("250-PIPELINING".to_owned()),
        Just("250 8BITMIME".to_owned()),
        Just("EHLO x".to_owned()),
        Just("MAIL FROM:<a@b> SIZE=99999999999 BODY=8BITMIME".to_owned()),
        Just("RCPT TO:<c@d>".to_owned()),
        Just("DATA".to_owned()),
        Just("354 go".to_owned()),
        Just(".".to_owned()),
        Just("AUTH PLAIN AGEAYg==".to_owned()),
        Just("AUTH CRAM-MD5".to_owned()),
        Just("334 PDE+".to_owned()),
        "[ -~]{0,40}",
        "\\PC{0,20}",
    ];
    let marker = prop_oneof![
        Just(""),
        Just("C: "),
        Just("S: "),
        Just(" -> "),
        Just("<-  "),
        Just("> "),
        Just("< "),
        Just("send: b'"),
        Just("reply: b'"),
        Just("[2026-01-01 00:00:00] DEBUG [x] C: "),
    ];
    (marker, body).prop_map(|(marker, body)| format!("{marker}{body}"))
}

fn options(password: Option<String>) -> Options {
    Options {
        password,
        ..Options::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn never_panics_on_arbitrary_octets(input in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = analyze(&input, &options(Some("pw".into())));
        for format in [Format::Swaks, Format::Smtplib, Format::Curl, Format::Cs, Format::Nodemailer, Format::Raw, Format::Pcap] {
            let _ = analyze(&input, &Options { format: Some(format), ..Options::default() });
        }
    }

    #[test]
    fn never_panics_on_smtp_like_lines(lines in proptest::collection::vec(line(), 0..60)) {
        let _ = analyze(lines.join("\n").as_bytes(), &options(Some("pw".into())));
    }

    #[test]
    fn never_panics_on_a_cut_or_spliced_sample(index in 0usize..6, cut in 0usize..4000, insert in line()) {
        let text = sample(index);
        let cut = text.char_indices().map(|(i, _)| i).find(|i| *i >= cut.min(text.len())).unwrap_or(text.len());
        let (head, tail) = text.split_at(cut);
        let _ = analyze(head.as_bytes(), &options(None));
        let _ = analyze(format!("{head}{insert}\n{tail}").as_bytes(), &options(Some("S3cret-pw".into())));
    }

    #[test]
    fn never_panics_on_damaged_captures(
        which in 0usize..5,
        cut in 0usize..8000,
        flips in proptest::collection::vec((0usize..8000, any::<u8>()), 0..20),
    ) {
        let name = [
            "pcap-swaks-cram-md5.pcap",
            "pcapng-swaks-cram-md5.pcapng",
            "pcap-starttls-aiosmtpd.pcap",
            "pcap-big-endian.pcap",
            "pcap-starttls-split-records.pcap",
        ][which];
        let path = format!("{}/tests/fixtures/analyze/{name}", env!("CARGO_MANIFEST_DIR"));
        let mut octets = std::fs::read(path).expect("fixture");
        for (at, value) in flips {
            let len = octets.len();
            if let Some(octet) = octets.get_mut(24 + at % len.saturating_sub(24).max(1)) {
                *octet = value;
            }
        }
        octets.truncate(cut.max(4));
        let _ = analyze(&octets, &options(Some("pw".into())));
    }

    #[test]
    fn same_findings_whatever_the_line_endings(index in 0usize..6, ending in prop_oneof![Just("\r\n"), Just("\r"), Just("\n")], trailing in any::<bool>()) {
        let text = sample(index);
        let lf = text.replace("\r\n", "\n").replace('\r', "");
        let mut converted = lf.trim_end_matches('\n').replace('\n', ending);
        if trailing {
            converted.push_str(ending);
        }
        let expected = analyze(lf.as_bytes(), &options(Some("S3cret-pw".into())));
        let got = analyze(converted.as_bytes(), &options(Some("S3cret-pw".into())));
        match (expected, got) {
            (Ok(expected), Ok(got)) => {
                prop_assert_eq!(expected.format, got.format);
                prop_assert_eq!(expected.findings, got.findings);
            }
            (expected, got) => prop_assert_eq!(expected.is_ok(), got.is_ok()),
        }
    }
}
