//! The transcript and capture importer on arbitrary input: format recognition, then each
//! reader forced in turn (swaks, smtplib, curl, C:/S:, nodemailer, raw, pcap/pcapng with
//! TCP reassembly), with a password so the SASL digest checks run too. Never panic.
#![no_main]

use esmtp_playground::analyze::{analyze, Format, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let formats = [
        None,
        Some(Format::Swaks),
        Some(Format::Smtplib),
        Some(Format::Curl),
        Some(Format::Cs),
        Some(Format::Nodemailer),
        Some(Format::Raw),
        Some(Format::Pcap),
    ];
    for format in formats {
        let options = Options {
            format,
            password: Some("secret".into()),
            connection: None,
        };
        let _ = analyze(data, &options);
    }
});
