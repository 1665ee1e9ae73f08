//! Every SASL decoder on arbitrary input: the calculator's decode (base64 or a logged
//! line, read as each mechanism), PLAIN's message parser, CRAM-MD5's response parser,
//! and DIGEST-MD5's challenge and rspauth parsers. Never panic.
#![no_main]

use esmtp_playground::sasl::calculator::{decode, DecodeRequest};
use esmtp_playground::sasl::cram_md5::CramResponse;
use esmtp_playground::sasl::digest_md5::{parse_challenge, parse_rspauth};
use esmtp_playground::sasl::plain::PlainMessage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = PlainMessage::parse(data);
    let _ = CramResponse::parse(data);
    let _ = parse_challenge(data);
    let _ = parse_rspauth(data);
    let text = String::from_utf8_lossy(data).into_owned();
    for mechanism in [
        None,
        Some("PLAIN"),
        Some("LOGIN"),
        Some("CRAM-MD5"),
        Some("DIGEST-MD5"),
    ] {
        let request = DecodeRequest {
            input: text.clone(),
            mechanism: mechanism.map(str::to_owned),
            password: Some("secret".into()),
            challenge: Some("<1.2@host>".into()),
        };
        let _ = decode(&request);
    }
});
