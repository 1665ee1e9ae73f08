//! Bad-input tables: the DIGEST-MD5 directive parser, DIGEST-MD5 response checks,
//! base64 on every path, and the calculator. Each bad input gets a clean, explained
//! failure.

use esmtp_playground::client::sasl_exchange::{AuthSpec, ClientAuth, ClientAuthStep};
use esmtp_playground::entropy::Entropy;
use esmtp_playground::protocol::ReplyKind;
use esmtp_playground::sasl::base64::{self, Base64Error};
use esmtp_playground::sasl::calculator::{
    self, CalcError, DecodeRequest, EncodeRequest, Interpretation,
};
use esmtp_playground::sasl::digest_md5::directives::{DirectiveError, Directives};
use esmtp_playground::sasl::digest_md5::{self, DigestInputs, DigestMd5Server};
use esmtp_playground::sasl::trace::{Side, Trace};
use esmtp_playground::sasl::{
    FailureKind, ServerContext, ServerMechanism, ServerStep, UserCredential,
};
use esmtp_playground::server::sasl_exchange::{AuthOutcome, AuthPolicy, ServerAuth};

#[test]
fn directive_parser_table() {
    let table: Vec<(&str, DirectiveError)> = vec![
        (
            "realm=\"abc",
            DirectiveError::UnterminatedQuote {
                position: 6,
                name: "realm".into(),
            },
        ),
        (
            "realm=\"abc\\",
            DirectiveError::UnterminatedQuote {
                position: 6,
                name: "realm".into(),
            },
        ),
        (
            "nonce=\"a\"x",
            DirectiveError::ExpectedComma {
                position: 9,
                found: 'x',
            },
        ),
        (
            "nonce",
            DirectiveError::MissingEquals {
                position: 5,
                name: "nonce".into(),
            },
        ),
        (
            "nonce x",
            DirectiveError::MissingEquals {
                position: 6,
                name: "nonce".into(),
            },
        ),
        (
            "nonce=",
            DirectiveError::MissingValue {
                position: 6,
                name: "nonce".into(),
            },
        ),
        (
            "nonce=,qop=auth",
            DirectiveError::MissingValue {
                position: 6,
                name: "nonce".into(),
            },
        ),
        (
            "=abc",
            DirectiveError::ExpectedName {
                position: 0,
                found: '=',
            },
        ),
        (
            "\"x\"=1",
            DirectiveError::ExpectedName {
                position: 0,
                found: '"',
            },
        ),
        (
            "a=b c=d",
            DirectiveError::ExpectedComma {
                position: 4,
                found: 'c',
            },
        ),
        (
            "a=b/c",
            DirectiveError::ExpectedComma {
                position: 3,
                found: '/',
            },
        ),
        (
            "a=\"x\ny\"",
            DirectiveError::ControlCharacter { position: 4 },
        ),
        (
            "é=1",
            DirectiveError::ExpectedName {
                position: 0,
                found: 'é',
            },
        ),
    ];
    for (input, expected) in table {
        assert_eq!(Directives::parse(input), Err(expected.clone()), "{input:?}");
        assert!(!expected.to_string().is_empty());
    }
    let many = "a=b,".repeat(65);
    assert_eq!(Directives::parse(&many), Err(DirectiveError::TooMany));
}

const NONCE: &str = "n0nce";

/// A correct response for alice/S3cret-pw, with one directive replaced or removed.
fn response(replace: &[(&str, Option<&str>)]) -> String {
    let mut directives: Vec<(String, String)> = [
        ("charset", "utf-8"),
        ("username", "\"alice\""),
        ("realm", "\"mx.example.org\""),
        ("nonce", "\"n0nce\""),
        ("nc", "00000001"),
        ("cnonce", "\"c\""),
        ("digest-uri", "\"smtp/mx.example.org\""),
        ("response", "RESPONSE"),
        ("qop", "auth"),
    ]
    .iter()
    .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
    .collect();
    for (name, value) in replace {
        match value {
            Some(value) => match directives.iter_mut().find(|(n, _)| n == name) {
                Some(slot) => slot.1 = (*value).to_owned(),
                None => directives.push(((*name).to_owned(), (*value).to_owned())),
            },
            None => directives.retain(|(n, _)| n != name),
        }
    }
    let value = |name: &str| {
        directives
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim_matches('"').to_owned())
            .unwrap_or_default()
    };
    let inputs = DigestInputs {
        username: value("username"),
        realm: value("realm"),
        password: "S3cret-pw".into(),
        nonce: value("nonce"),
        cnonce: value("cnonce"),
        nc: value("nc"),
        qop: "auth".into(),
        digest_uri: value("digest-uri"),
        authzid: Some(value("authzid")).filter(|a| !a.is_empty()),
        utf8: true,
    };
    let computed = digest_md5::compute(&inputs, Side::Client, &mut Trace::new()).response;
    directives
        .iter()
        .map(|(n, v)| {
            format!(
                "{n}={}",
                if v == "RESPONSE" {
                    computed.as_str()
                } else {
                    v
                }
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn digest_step(text: &str) -> ServerStep {
    let users = vec![UserCredential::default()];
    let context = ServerContext {
        users: &users,
        allow_authzid: false,
        hostname: "mx.example.org",
        realm: "",
        digest_uri_aliases: &[],
    };
    let mut server = DigestMd5Server::new(NONCE.into());
    let mut trace = Trace::new();
    server.start(None, &context, &mut trace);
    server.step(text.as_bytes(), &context, &mut trace)
}

#[test]
fn digest_md5_response_table() {
    assert!(
        matches!(digest_step(&response(&[])), ServerStep::Challenge(c) if c.starts_with(b"rspauth="))
    );
    let duplicate = format!("{},nonce=\"n0nce\"", response(&[]));
    let table: Vec<(String, FailureKind, &str)> = vec![
        (duplicate, FailureKind::Malformed, "more than once"),
        (
            response(&[("username", None)]),
            FailureKind::Malformed,
            "\"username\" is missing",
        ),
        (
            response(&[("cnonce", None)]),
            FailureKind::Malformed,
            "\"cnonce\" is missing",
        ),
        (
            response(&[("nc", None)]),
            FailureKind::Malformed,
            "\"nc\" is missing",
        ),
        (
            response(&[("digest-uri", None)]),
            FailureKind::Malformed,
            "\"digest-uri\" is missing",
        ),
        (
            response(&[("response", None)]),
            FailureKind::Malformed,
            "\"response\" is missing",
        ),
        (
            response(&[("nonce", Some("\"other\""))]),
            FailureKind::Malformed,
            "not the one this server issued",
        ),
        (
            response(&[("nc", Some("00000002"))]),
            FailureKind::Malformed,
            "00000001",
        ),
        (
            response(&[("qop", Some("auth-int"))]),
            FailureKind::Unsupported,
            "auth-int",
        ),
        (
            response(&[("qop", Some("auth-conf"))]),
            FailureKind::Unsupported,
            "auth-conf",
        ),
        (
            response(&[("qop", Some("bogus"))]),
            FailureKind::Malformed,
            "unknown qop",
        ),
        (
            response(&[("charset", Some("iso-8859-1"))]),
            FailureKind::Malformed,
            "utf-8",
        ),
        (
            response(&[("realm", Some("\"elsewhere\""))]),
            FailureKind::Malformed,
            "realm",
        ),
        (
            response(&[("digest-uri", Some("\"imap/mx.example.org\""))]),
            FailureKind::Malformed,
            "service",
        ),
        (
            response(&[("digest-uri", Some("\"smtp/evil.example\""))]),
            FailureKind::Malformed,
            "evil.example",
        ),
        (
            response(&[("cnonce", Some("\"\""))]),
            FailureKind::Malformed,
            "cnonce is empty",
        ),
        (
            response(&[("username", Some("\"bob\""))]),
            FailureKind::BadCredentials,
            "no user",
        ),
        (
            response(&[("response", Some("0123456789abcdef0123456789abcdef"))]),
            FailureKind::BadCredentials,
            "response=",
        ),
        (
            response(&[("authzid", Some("\"root\""))]),
            FailureKind::AuthzidRefused,
            "root",
        ),
        (
            "username=\"alice".into(),
            FailureKind::Malformed,
            "never closed",
        ),
        (
            "\u{7f}".into(),
            FailureKind::Malformed,
            "expected a directive name",
        ),
    ];
    for (input, kind, needle) in table {
        let ServerStep::Failure(failure) = digest_step(&input) else {
            panic!("{input} was accepted");
        };
        assert_eq!(failure.kind, kind, "{input}: {failure}");
        assert!(failure.explanation.contains(needle), "{input}: {failure}");
    }
}

#[test]
fn digest_md5_empty_final_step_is_required() {
    let users = vec![UserCredential::default()];
    let context = ServerContext {
        users: &users,
        allow_authzid: false,
        hostname: "mx.example.org",
        realm: "",
        digest_uri_aliases: &[],
    };
    let mut server = DigestMd5Server::new(NONCE.into());
    let mut trace = Trace::new();
    server.start(None, &context, &mut trace);
    server.step(response(&[]).as_bytes(), &context, &mut trace);
    let ServerStep::Failure(failure) = server.step(b"x", &context, &mut trace) else {
        panic!()
    };
    assert!(failure.explanation.contains("empty"), "{failure}");
}

#[test]
fn digest_md5_client_refuses_bad_challenges_by_cancelling() {
    let table = [
        (
            "nonce=\"a\",nonce=\"b\",algorithm=md5-sess",
            "more than once",
        ),
        ("realm=\"x\",algorithm=md5-sess", "\"nonce\" is missing"),
        ("nonce=\"a\"", "\"algorithm\" is missing"),
        ("nonce=\"a\",algorithm=md5", "md5-sess"),
        (
            "nonce=\"a\",qop=\"auth-int,auth-conf\",algorithm=md5-sess",
            "not \"auth\"",
        ),
        ("nonce=\"a,algorithm=md5-sess", "never closed"),
    ];
    for (challenge, needle) in table {
        let spec = AuthSpec {
            mechanism: "DIGEST-MD5".into(),
            ..AuthSpec::default()
        };
        let (mut client, _) = ClientAuth::start(
            &spec,
            &["DIGEST-MD5".into()],
            "mx",
            &mut Entropy::from_seed(1),
        )
        .unwrap();
        let reply = ReplyKind::AuthContinue.reply_with(base64::encode(challenge.as_bytes()));
        let ClientAuthStep::Cancel { line, explanation } = client.on_reply(&reply) else {
            panic!("{challenge} was answered");
        };
        assert_eq!(line, b"*\r\n");
        assert!(explanation.contains(needle), "{challenge}: {explanation}");
    }
}

#[test]
fn base64_paths_table() {
    let table: &[(&str, Base64Error)] = &[
        (
            "AGFsaWNl!",
            Base64Error::BadCharacter {
                position: 8,
                character: '!',
            },
        ),
        (
            "AGFs aWNl",
            Base64Error::BadCharacter {
                position: 4,
                character: ' ',
            },
        ),
        ("AGFsaWN", Base64Error::WrongLength { length: 7 }),
        ("AG=saWNl", Base64Error::BadPadding { position: 2 }),
        ("AGFsaW===", Base64Error::BadPadding { position: 6 }),
        ("AGFsaWN=", Base64Error::NonZeroTrailingBits { position: 6 }),
    ];
    for (input, expected) in table {
        assert_eq!(base64::decode(input), Err(*expected), "{input}");
        // Server: initial response and continuation line both answer 501 5.5.2 and
        // explain the same way.
        let (_, step) = ServerAuth::start(
            &AuthPolicy::default(),
            "mx",
            "PLAIN",
            Some(input),
            0,
            &mut Entropy::from_seed(1),
        );
        let AuthOutcome::Failed { kind } = &step.outcome else {
            panic!("{input}")
        };
        let explanation = &step.explanation;
        assert_eq!(*kind, ReplyKind::AuthBadBase64);
        assert!(explanation.contains(&expected.to_string()), "{explanation}");
        let (mut auth, _) = ServerAuth::start(
            &AuthPolicy::default(),
            "mx",
            "PLAIN",
            None,
            0,
            &mut Entropy::from_seed(1),
        );
        assert_eq!(
            auth.respond(input.as_bytes()).reply.to_string(),
            "501 5.5.2 Cannot decode base64\r\n"
        );
        // Calculator.
        let error = calculator::decode(&DecodeRequest {
            input: (*input).into(),
            ..DecodeRequest::default()
        })
        .unwrap_err();
        assert!(
            matches!(error, CalcError::NotBase64 { error, .. } if error == *expected),
            "{input}"
        );
        // Client: a 334 that is not base64 makes it cancel.
        let (mut client, _) = ClientAuth::start(
            &AuthSpec {
                mechanism: "CRAM-MD5".into(),
                ..AuthSpec::default()
            },
            &[],
            "mx",
            &mut Entropy::from_seed(1),
        )
        .unwrap();
        let step = client.on_reply(&ReplyKind::AuthContinue.reply_with(*input));
        assert!(matches!(step, ClientAuthStep::Cancel { .. }), "{input}");
    }
}

#[test]
fn calculator_decode_problems_table() {
    let problems = |input: &str, mechanism: Option<&str>| {
        calculator::decode(&DecodeRequest {
            input: input.into(),
            mechanism: mechanism.map(str::to_owned),
            ..DecodeRequest::default()
        })
        .unwrap()
    };
    // PLAIN with one NUL: octets shown, problem explained.
    let one_nul = problems(&base64::encode(b"alice\0pw"), Some("PLAIN"));
    assert_eq!(one_nul.octets.visible, "alice␀pw");
    assert!(
        one_nul.problems[0].contains("has 1"),
        "{:?}",
        one_nul.problems
    );
    // Three NULs.
    let three = problems(&base64::encode(b"a\0b\0c\0d"), Some("plain"));
    assert!(three.problems[0].contains("has 3"));
    // Non-UTF-8 PLAIN part.
    let latin1 = problems(&base64::encode(b"\0j\xf6rg\0pw"), None);
    assert!(
        latin1.problems.iter().any(|p| p.contains("UTF-8")),
        "{:?}",
        latin1.problems
    );
    assert_eq!(latin1.interpretation, Interpretation::Binary);
    // CRAM-MD5 response with a short digest.
    let short = problems(&base64::encode(b"tim b913a602"), Some("CRAM-MD5"));
    assert!(
        short.problems[0].contains("32 hex digits"),
        "{:?}",
        short.problems
    );
    // CRAM-MD5 check needs both password and challenge.
    let half = calculator::decode(&DecodeRequest {
        input: "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw".into(),
        password: Some("x".into()),
        ..DecodeRequest::default()
    })
    .unwrap();
    assert!(half.problems[0].contains("both"), "{:?}", half.problems);
    // Guessing: a LOGIN prompt from a 334 line; DIGEST directives from a swaks line.
    let prompt = problems("<-  334 VXNlcm5hbWU6", None);
    assert_eq!(
        prompt.interpretation,
        Interpretation::LoginPrompt {
            prompt: "Username:".into()
        }
    );
    let rspauth = problems(
        "334 cnNwYXV0aD02NWE2MTIyZjgxZjZmZTk2Nzg2ZGE5NmI0ODBkNjE3ZA==",
        None,
    );
    assert!(matches!(
        rspauth.interpretation,
        Interpretation::DigestDirectives { .. }
    ));
    assert_eq!(
        problems("AUTH PLAIN =", None).interpretation,
        Interpretation::Empty
    );
}

#[test]
fn calculator_errors_table() {
    let decode_error = |input: &str, mechanism: Option<&str>| {
        calculator::decode(&DecodeRequest {
            input: input.into(),
            mechanism: mechanism.map(str::to_owned),
            ..DecodeRequest::default()
        })
        .unwrap_err()
    };
    assert_eq!(decode_error("   ", None), CalcError::EmptyInput);
    assert_eq!(decode_error(" -> ", None), CalcError::EmptyInput);
    assert!(matches!(
        decode_error("AUTH CRAM-MD5", None),
        CalcError::NoData { .. }
    ));
    assert!(matches!(
        decode_error("AUTH GSSAPI abc=", None),
        CalcError::UnknownMechanism { .. }
    ));
    assert!(matches!(
        decode_error("dGlt", Some("NTLM")),
        CalcError::UnknownMechanism { .. }
    ));
    assert!(matches!(
        decode_error(&"A".repeat(calculator::MAX_INPUT + 4), None),
        CalcError::TooLong { .. }
    ));
    let encode_error = |request: EncodeRequest| calculator::encode(&request).unwrap_err();
    let base = EncodeRequest {
        user: "tim".into(),
        password: "pw".into(),
        ..EncodeRequest::default()
    };
    assert!(matches!(
        encode_error(EncodeRequest {
            mechanism: "CRAM-MD5".into(),
            ..base.clone()
        }),
        CalcError::Missing {
            field: "challenge",
            ..
        }
    ));
    assert!(matches!(
        encode_error(EncodeRequest {
            mechanism: "DIGEST-MD5".into(),
            cnonce: Some("c".into()),
            ..base.clone()
        }),
        CalcError::Missing { field: "nonce", .. }
    ));
    assert!(matches!(
        encode_error(EncodeRequest {
            mechanism: "DIGEST-MD5".into(),
            nonce: Some("n".into()),
            ..base.clone()
        }),
        CalcError::Missing {
            field: "cnonce",
            ..
        }
    ));
    assert!(matches!(
        encode_error(EncodeRequest {
            mechanism: "DIGEST-MD5".into(),
            cnonce: Some("c".into()),
            challenge: Some("nonce=\"a".into()),
            ..base.clone()
        }),
        CalcError::Refused { .. }
    ));
    assert!(matches!(
        encode_error(EncodeRequest {
            mechanism: "".into(),
            ..base.clone()
        }),
        CalcError::UnknownMechanism { .. }
    ));
    assert!(matches!(
        encode_error(EncodeRequest {
            mechanism: "PLAIN".into(),
            user: String::new(),
            ..base
        }),
        CalcError::Missing { field: "user", .. }
    ));
    for error in [
        CalcError::EmptyInput,
        CalcError::NoData {
            mechanism: "CRAM-MD5".into(),
        },
    ] {
        assert!(!error.to_string().is_empty());
    }
}
