//! Fuzz-style properties: whatever a peer or a user sends, the SASL code answers with a
//! reply or an explanation and never panics.
#![cfg(not(target_arch = "wasm32"))]

use esmtp_playground::client::sasl_exchange::{AuthSpec, ClientAuth};
use esmtp_playground::entropy::Entropy;
use esmtp_playground::protocol::ReplyKind;
use esmtp_playground::sasl::calculator::{self, DecodeRequest, EncodeRequest};
use esmtp_playground::sasl::digest_md5::directives::{quote, Directives};
use esmtp_playground::sasl::{base64, xtext, Mechanism};
use esmtp_playground::server::sasl_exchange::{AuthPolicy, ServerAuth};
use proptest::prelude::*;

fn mechanism_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("PLAIN".to_owned()),
        Just("LOGIN".to_owned()),
        Just("CRAM-MD5".to_owned()),
        Just("DIGEST-MD5".to_owned()),
        Just("SCRAM-SHA-1".to_owned()),
        Just("SCRAM-SHA-256".to_owned()),
        Just("XOAUTH2".to_owned()),
        Just("OAUTHBEARER".to_owned()),
        "[A-Za-z0-9-]{0,12}",
    ]
}

/// Lines a client might send: raw bytes, base64 of raw bytes, and DIGEST-MD5-looking
/// directive soup in base64 (so the mechanisms' parsers are reached, not only base64).
fn client_line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..64),
        proptest::collection::vec(any::<u8>(), 0..300)
            .prop_map(|b| base64::encode(&b).into_bytes()),
        "[a-z=\",\\\\ -]{0,120}".prop_map(|s| base64::encode(s.as_bytes()).into_bytes()),
        Just(b"*".to_vec()),
        Just(Vec::new()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn server_auth_never_panics(
        name in mechanism_name(),
        initial in proptest::option::of("[A-Za-z0-9+/=*!]{0,40}"),
        lines in proptest::collection::vec(client_line(), 0..5),
        seed in any::<u64>(),
        now in any::<u64>(),
        plaintext in any::<bool>(),
    ) {
        let policy = AuthPolicy { plaintext_needs_secure_channel: plaintext, ..AuthPolicy::default() };
        let (mut auth, step) = ServerAuth::start(&policy, "mx.example.org", &name, initial.as_deref(), now, &mut Entropy::from_seed(seed));
        let mut finished = step.is_finished();
        for line in &lines {
            let step = auth.respond(line);
            // After the end every line is a bad sequence, never a success.
            if finished {
                prop_assert_eq!(step.reply.code, ReplyKind::BadSequence.code());
            }
            finished = finished || step.is_finished();
            prop_assert!(step.reply.code.value() >= 235);
        }
    }

    #[test]
    fn client_auth_never_panics(
        mechanism in prop_oneof![Just("auto".to_owned()), mechanism_name()],
        offered in proptest::collection::vec(mechanism_name(), 0..5),
        replies in proptest::collection::vec(("[2-5][0-9][0-9]", "[ -~]{0,80}"), 0..5),
    ) {
        let spec = AuthSpec { mechanism, ..AuthSpec::default() };
        if let Ok((mut client, _)) = ClientAuth::start(&spec, &offered, "mx", &mut Entropy::from_seed(1)) {
            for (code, text) in replies {
                let code = esmtp_playground::protocol::ReplyCode::new(code.parse().unwrap_or(500)).unwrap();
                let reply = esmtp_playground::protocol::Reply::new(code, None, text);
                client.on_reply(&reply);
            }
        }
    }

    #[test]
    fn client_survives_random_base64_challenges(
        mechanism in prop_oneof![Just(Mechanism::Plain), Just(Mechanism::Login), Just(Mechanism::CramMd5), Just(Mechanism::DigestMd5)],
        challenges in proptest::collection::vec(client_line(), 0..4),
    ) {
        let spec = AuthSpec { mechanism: mechanism.name().into(), ..AuthSpec::default() };
        let (mut client, _) = ClientAuth::start(&spec, &[], "mx", &mut Entropy::from_seed(1)).unwrap();
        for challenge in challenges {
            let text = String::from_utf8_lossy(&challenge).into_owned();
            client.on_reply(&ReplyKind::AuthContinue.reply_with(text));
        }
    }

    #[test]
    fn decoders_never_panic(text in "\\PC{0,200}", bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
        let _ = base64::decode(&text);
        let _ = xtext::decode(&text);
        let _ = xtext::parse_auth_parameter(&text);
        let _ = Directives::parse(&text);
        let lossy = String::from_utf8_lossy(&bytes).into_owned();
        let _ = Directives::parse(&lossy);
        let _ = base64::decode(&lossy);
    }

    #[test]
    fn base64_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        prop_assert_eq!(base64::decode(&base64::encode(&bytes)).unwrap(), bytes);
    }

    #[test]
    fn xtext_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
        prop_assert_eq!(xtext::decode(&xtext::encode(&bytes)).unwrap(), bytes);
    }

    #[test]
    fn quoted_values_round_trip(value in "[^\\x00-\\x08\\x0a-\\x1f\\x7f]{0,60}") {
        let parsed = Directives::parse(&format!("realm={}", quote(&value))).unwrap();
        prop_assert_eq!(parsed.single("realm").unwrap(), Some(value.as_str()));
    }

    #[test]
    fn calculator_never_panics(
        input in "\\PC{0,120}",
        encoded in proptest::collection::vec(any::<u8>(), 0..120),
        mechanism in proptest::option::of(mechanism_name()),
        password in proptest::option::of("\\PC{0,20}"),
        challenge in proptest::option::of("\\PC{0,60}"),
        user in "\\PC{0,20}",
        nonce in proptest::option::of("[ -~]{0,20}"),
        cnonce in proptest::option::of("[ -~]{0,20}"),
    ) {
        for input in [input.clone(), base64::encode(&encoded), format!("AUTH PLAIN {}", base64::encode(&encoded))] {
            let _ = calculator::decode(&DecodeRequest { input, mechanism: mechanism.clone(), password: password.clone(), challenge: challenge.clone() });
        }
        let _ = calculator::encode(&EncodeRequest {
            mechanism: mechanism.clone().unwrap_or_default(),
            user,
            password: password.unwrap_or_default(),
            authzid: None,
            challenge,
            realm: None,
            nonce,
            cnonce: cnonce.clone(),
            host: Some(input),
            service: None,
            login_initial_response: false,
            salt: cnonce.clone(),
            iterations: Some(2),
            port: Some(587),
        });
    }
}
