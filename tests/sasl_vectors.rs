//! The RFC test vectors from REFERENCE.md, through the mechanisms, the server and
//! client AUTH drivers and the calculator.

use esmtp_playground::client::sasl_exchange::{AuthSpec, ClientAuth, ClientAuthStep};
use esmtp_playground::entropy::Entropy;
use esmtp_playground::protocol::ReplyKind;
use esmtp_playground::sasl::calculator::{self, DecodeRequest, EncodeRequest, Interpretation};
use esmtp_playground::sasl::cram_md5::{self, CramMd5Server};
use esmtp_playground::sasl::digest_md5::{
    self, DigestClientSettings, DigestInputs, DigestMd5Client,
};
use esmtp_playground::sasl::trace::{Side, Trace};
use esmtp_playground::sasl::{
    base64, lower_hex, ClientMechanism, Mechanism, ServerContext, ServerMechanism, ServerStep,
    UserCredential,
};
use esmtp_playground::server::sasl_exchange::{AuthOutcome, AuthPolicy, AuthStep, ServerAuth};

const NOW: u64 = 1_795_856_400_000;
const CRAM_CHALLENGE: &str = "<1896.697170952@postoffice.reston.mci.net>";

fn user(name: &str, password: &str) -> UserCredential {
    UserCredential {
        name: name.into(),
        password: password.into(),
    }
}

fn policy(users: Vec<UserCredential>) -> AuthPolicy {
    AuthPolicy {
        users,
        ..AuthPolicy::default()
    }
}

fn server_start(
    policy: &AuthPolicy,
    mechanism: &str,
    initial: Option<&str>,
) -> (ServerAuth, AuthStep) {
    ServerAuth::start(
        policy,
        "mx.example.org",
        mechanism,
        initial,
        NOW,
        &mut Entropy::from_seed(9),
    )
}

#[test]
fn plain_rfc_4616_examples_encode() {
    for (authzid, authcid, password, expected) in [
        (
            "",
            "tim",
            "tanstaaftanstaaf",
            "AHRpbQB0YW5zdGFhZnRhbnN0YWFm",
        ),
        ("Ursel", "Kurt", "xipj3plmq", "VXJzZWwAS3VydAB4aXBqM3BsbXE="),
    ] {
        let result = calculator::encode(&EncodeRequest {
            mechanism: "PLAIN".into(),
            user: authcid.into(),
            password: password.into(),
            authzid: Some(authzid.into()),
            ..EncodeRequest::default()
        })
        .unwrap();
        assert_eq!(result.client_lines, vec![format!("AUTH PLAIN {expected}")]);
        let message = result
            .trace
            .find("PLAIN message")
            .unwrap()
            .octets
            .as_ref()
            .unwrap();
        assert_eq!(message.base64, expected);
    }
}

#[test]
fn plain_rfc_4616_examples_on_the_server() {
    let tim = policy(vec![
        user("tim", "tanstaaftanstaaf"),
        user("Kurt", "xipj3plmq"),
    ]);
    let (_, step) = server_start(&tim, "PLAIN", Some("AHRpbQB0YW5zdGFhZnRhbnN0YWFm"));
    assert_eq!(
        step.reply.to_string(),
        "235 2.7.0 Authentication successful\r\n"
    );
    // Ursel ≠ Kurt: the RFC's server refuses; a server that allows proxying accepts.
    let (_, step) = server_start(&tim, "PLAIN", Some("VXJzZWwAS3VydAB4aXBqM3BsbXE="));
    assert!(step.reply.to_string().starts_with("535 5.7.8 "));
    assert!(step.explanation.contains("Ursel"), "{}", step.explanation);
    let proxy = AuthPolicy {
        allow_authzid: true,
        ..tim.clone()
    };
    let (_, step) = server_start(&proxy, "PLAIN", Some("VXJzZWwAS3VydAB4aXBqM3BsbXE="));
    let AuthOutcome::Succeeded { identity: user, .. } = step.outcome else {
        panic!("expected success, got {step:?}");
    };
    assert_eq!(
        (user.authcid.as_str(), user.authzid.as_deref()),
        ("Kurt", Some("Ursel"))
    );
}

#[test]
fn plain_rfc_4954_example() {
    // S: 334 / C: AUTH PLAIN dGVzdAB0ZXN0ADEyMzQ= / S: 235 2.7.0 (authzid = authcid = test)
    let (_, step) = server_start(
        &policy(vec![user("test", "1234")]),
        "PLAIN",
        Some("dGVzdAB0ZXN0ADEyMzQ="),
    );
    assert_eq!(
        step.reply.to_string(),
        "235 2.7.0 Authentication successful\r\n"
    );
}

#[test]
fn cram_md5_rfc_2195_example() {
    assert_eq!(
        base64::encode(CRAM_CHALLENGE.as_bytes()),
        "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+"
    );
    let mut trace = Trace::new();
    let response = cram_md5::respond(
        "tim",
        "tanstaaftanstaaf",
        CRAM_CHALLENGE.as_bytes(),
        Side::Client,
        &mut trace,
    );
    assert_eq!(
        base64::encode(&response),
        "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"
    );
    let digest = trace
        .find("HMAC-MD5 digest")
        .unwrap()
        .octets
        .as_ref()
        .unwrap();
    assert_eq!(lower_hex(&digest.raw), "b913a602c7eda7a495b4e6e7334d3890");
    assert_eq!(
        trace.find("key").unwrap().octets.as_ref().unwrap().raw,
        b"tanstaaftanstaaf"
    );
    assert_eq!(
        trace
            .find("challenge")
            .unwrap()
            .octets
            .as_ref()
            .unwrap()
            .raw,
        CRAM_CHALLENGE.as_bytes()
    );

    let users = vec![user("tim", "tanstaaftanstaaf")];
    let context = ServerContext {
        users: &users,
        allow_authzid: false,
        hostname: "postoffice.reston.mci.net",
        realm: "",
        digest_uri_aliases: &[],
    };
    let mut server = CramMd5Server::new(CRAM_CHALLENGE.into());
    let mut trace = Trace::new();
    assert_eq!(
        server.start(None, &context, &mut trace),
        ServerStep::Challenge(CRAM_CHALLENGE.as_bytes().to_vec())
    );
    assert!(matches!(
        server.step(&response, &context, &mut trace),
        ServerStep::Success(_)
    ));
}

#[test]
fn cram_md5_calculator_encodes_and_checks_the_rfc_example() {
    let encoded = calculator::encode(&EncodeRequest {
        mechanism: "CRAM-MD5".into(),
        user: "tim".into(),
        password: "tanstaaftanstaaf".into(),
        challenge: Some("334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+".into()),
        ..EncodeRequest::default()
    })
    .unwrap();
    assert_eq!(
        encoded.client_lines,
        vec![
            "AUTH CRAM-MD5",
            "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"
        ]
    );
    for (password, matches) in [("tanstaaftanstaaf", true), ("wrong", false)] {
        let decoded = calculator::decode(&DecodeRequest {
            input: "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw".into(),
            mechanism: None,
            password: Some(password.into()),
            challenge: Some(CRAM_CHALLENGE.into()),
        })
        .unwrap();
        let Interpretation::CramResponse { user, check, .. } = decoded.interpretation else {
            panic!("expected a CRAM-MD5 response");
        };
        assert_eq!(user, "tim");
        let check = check.unwrap();
        assert_eq!(check.matches, matches);
        assert!(
            decoded.problems.is_empty(),
            "a wrong password is a verdict, not bad input"
        );
        assert_eq!(decoded.verdict.is_failed_check(), !matches);
    }
}

fn rfc_2831(nonce: &str, cnonce: &str, service: &str) -> DigestInputs {
    DigestInputs {
        username: "chris".into(),
        realm: "elwood.innosoft.com".into(),
        password: "secret".into(),
        nonce: nonce.into(),
        cnonce: cnonce.into(),
        nc: "00000001".into(),
        qop: "auth".into(),
        digest_uri: format!("{service}/elwood.innosoft.com"),
        authzid: None,
        utf8: true,
    }
}

fn trace_hex(trace: &Trace, label: &str) -> String {
    let octets = &trace.find(label).unwrap().octets.as_ref().unwrap().raw;
    if octets.len() == 16 {
        lower_hex(octets)
    } else {
        String::from_utf8(octets.clone()).unwrap()
    }
}

#[test]
fn digest_md5_rfc_2831_imap_example_intermediates() {
    let mut trace = Trace::new();
    let values = digest_md5::compute(
        &rfc_2831("OA6MG9tEQGm2hh", "OA6MHXh6VqTrRk", "imap"),
        Side::Client,
        &mut trace,
    );
    assert_eq!(
        trace_hex(&trace, "H(user:realm:password)"),
        "eb5a750053e4d2c34aa84bbc9b0b6ee7"
    );
    assert_eq!(trace_hex(&trace, "HA1"), "a2549853149b0536f01f0b850c643c57");
    assert_eq!(trace_hex(&trace, "HA2"), "15e3594677e51ade69715d1cb7d207ba");
    assert_eq!(
        trace_hex(&trace, "response"),
        "d388dad90d4bbd760a152321f2143af7"
    );
    assert_eq!(
        trace_hex(&trace, "rspauth"),
        "ea40f60335c427b5527b84dbabcdfffd"
    );
    assert_eq!(
        trace_hex(&trace, "A2"),
        "AUTHENTICATE:imap/elwood.innosoft.com"
    );
    let a1 = &trace.find("A1").unwrap().octets.as_ref().unwrap().raw;
    assert!(a1.ends_with(b":OA6MG9tEQGm2hh:OA6MHXh6VqTrRk"));
    assert_eq!(a1.len(), 16 + ":OA6MG9tEQGm2hh:OA6MHXh6VqTrRk".len());
    assert_eq!(values.response, "d388dad90d4bbd760a152321f2143af7");
}

#[test]
fn digest_md5_rfc_2831_acap_example() {
    let mut trace = Trace::new();
    let values = digest_md5::compute(
        &rfc_2831("OA9BSXrbuRhWay", "OA9BSuZWMSpW8m", "acap"),
        Side::Client,
        &mut trace,
    );
    assert_eq!(values.response, "6084c6db3fede7352c551284490fd0fc");
    assert_eq!(values.rspauth, "2f0b3d7c3c2e486600ef710726aa2eae");
}

#[test]
fn digest_md5_client_reproduces_the_rfc_exchange() {
    let mut client = DigestMd5Client::new(DigestClientSettings {
        username: "chris".into(),
        password: "secret".into(),
        authzid: None,
        realm: None,
        host: "elwood.innosoft.com".into(),
        service: "imap".into(),
        cnonce: "OA6MHXh6VqTrRk".into(),
    });
    let mut trace = Trace::new();
    let challenge = b"realm=\"elwood.innosoft.com\",nonce=\"OA6MG9tEQGm2hh\",qop=\"auth\",algorithm=md5-sess,charset=utf-8";
    let response = client.step(challenge, &mut trace).unwrap();
    assert_eq!(
        String::from_utf8(response).unwrap(),
        "charset=utf-8,username=\"chris\",realm=\"elwood.innosoft.com\",nonce=\"OA6MG9tEQGm2hh\",nc=00000001,cnonce=\"OA6MHXh6VqTrRk\",digest-uri=\"imap/elwood.innosoft.com\",response=d388dad90d4bbd760a152321f2143af7,qop=auth"
    );
    let last = client
        .step(b"rspauth=ea40f60335c427b5527b84dbabcdfffd", &mut trace)
        .unwrap();
    assert!(last.is_empty());
}

#[test]
fn digest_md5_calculator_reproduces_both_rfc_examples() {
    for (service, nonce, cnonce, response, rspauth) in [
        (
            "imap",
            "OA6MG9tEQGm2hh",
            "OA6MHXh6VqTrRk",
            "d388dad90d4bbd760a152321f2143af7",
            "ea40f60335c427b5527b84dbabcdfffd",
        ),
        (
            "acap",
            "OA9BSXrbuRhWay",
            "OA9BSuZWMSpW8m",
            "6084c6db3fede7352c551284490fd0fc",
            "2f0b3d7c3c2e486600ef710726aa2eae",
        ),
    ] {
        let result = calculator::encode(&EncodeRequest {
            mechanism: "DIGEST-MD5".into(),
            user: "chris".into(),
            password: "secret".into(),
            realm: Some("elwood.innosoft.com".into()),
            nonce: Some(nonce.into()),
            cnonce: Some(cnonce.into()),
            host: Some("elwood.innosoft.com".into()),
            service: Some(service.into()),
            ..EncodeRequest::default()
        })
        .unwrap();
        let digest = result.digest.unwrap();
        assert_eq!(
            (digest.response.as_str(), digest.rspauth.as_str()),
            (response, rspauth)
        );
        assert_eq!(result.client_lines.len(), 3);
        assert_eq!(result.client_lines.last().unwrap(), "");
    }
}

#[test]
fn login_prompts_and_initial_response() {
    let tim = policy(vec![user("tim", "tanstaaftanstaaf")]);
    let (_, step) = server_start(&tim, "LOGIN", None);
    assert_eq!(step.reply.to_string(), "334 VXNlcm5hbWU6\r\n");
    let (mut auth, step) = server_start(&tim, "LOGIN", Some("dGlt"));
    assert_eq!(step.reply.to_string(), "334 UGFzc3dvcmQ6\r\n");
    let step = auth.respond(base64::encode(b"tanstaaftanstaaf").as_bytes());
    assert_eq!(
        step.reply.to_string(),
        "235 2.7.0 Authentication successful\r\n"
    );
    let encoded = calculator::encode(&EncodeRequest {
        mechanism: "LOGIN".into(),
        user: "tim".into(),
        password: "tanstaaftanstaaf".into(),
        login_initial_response: true,
        ..EncodeRequest::default()
    })
    .unwrap();
    assert_eq!(
        encoded.client_lines,
        vec!["AUTH LOGIN dGlt", "dGFuc3RhYWZ0YW5zdGFhZg=="]
    );
}

/// Runs a client against a server, line by line, and returns the client's last step.
fn pair(
    spec: &AuthSpec,
    server_policy: &AuthPolicy,
    tamper: impl Fn(&mut String),
) -> (ClientAuthStep, Vec<String>) {
    let offered: Vec<String> = server_policy
        .mechanisms
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let mut client_entropy = Entropy::from_seed(11);
    let (mut client, command) =
        ClientAuth::start(spec, &offered, "mx.example.org", &mut client_entropy).unwrap();
    let esmtp_playground::protocol::Command::Auth {
        mechanism,
        initial_response,
    } = command
    else {
        panic!("not an AUTH command");
    };
    let mut wire = vec![format!(
        "C: AUTH {mechanism} {}",
        initial_response.clone().unwrap_or_default()
    )];
    let (mut server, mut step) =
        server_start(server_policy, &mechanism, initial_response.as_deref());
    loop {
        let mut reply = step.reply.clone();
        if let Some(line) = reply.lines.first_mut() {
            tamper(line);
        }
        wire.push(format!("S: {}", reply.to_string().trim_end()));
        let client_step = client.on_reply(&reply);
        match &client_step {
            ClientAuthStep::Send { line, .. } | ClientAuthStep::Cancel { line, .. } => {
                let text = String::from_utf8(line.clone()).unwrap();
                wire.push(format!("C: {}", text.trim_end()));
                step = server.respond(text.trim_end().as_bytes());
            }
            _ => return (client_step, wire),
        }
    }
}

#[test]
fn every_mechanism_works_client_to_server() {
    let server_policy = AuthPolicy {
        mechanisms: Mechanism::ALL.to_vec(),
        ..AuthPolicy::default()
    };
    for (mechanism, login_ir) in [
        ("PLAIN", false),
        ("LOGIN", false),
        ("LOGIN", true),
        ("CRAM-MD5", false),
        ("DIGEST-MD5", false),
        ("SCRAM-SHA-1", false),
        ("SCRAM-SHA-256", false),
        ("auto", false),
    ] {
        let spec = AuthSpec {
            mechanism: mechanism.into(),
            login_initial_response: login_ir,
            ..AuthSpec::default()
        };
        let (last, wire) = pair(&spec, &server_policy, |_| {});
        assert!(
            matches!(last, ClientAuthStep::Succeeded { .. }),
            "{mechanism}: {wire:#?}"
        );
    }
}

#[test]
fn wrong_password_ends_in_535_for_every_mechanism() {
    for mechanism in Mechanism::ALL {
        let spec = AuthSpec {
            mechanism: mechanism.name().into(),
            password: "not-it".into(),
            ..AuthSpec::default()
        };
        let every = AuthPolicy {
            mechanisms: Mechanism::ALL.to_vec(),
            ..AuthPolicy::default()
        };
        let (last, wire) = pair(&spec, &every, |_| {});
        let ClientAuthStep::Failed { reply, .. } = last else {
            panic!("{mechanism}: {wire:#?}");
        };
        assert_eq!(
            reply.code,
            ReplyKind::AuthInvalidCredentials.code(),
            "{mechanism}"
        );
    }
}

#[test]
fn forged_rspauth_makes_the_client_cancel() {
    let spec = AuthSpec {
        mechanism: "DIGEST-MD5".into(),
        ..AuthSpec::default()
    };
    let forge = |line: &mut String| {
        let decoded = base64::decode(line).unwrap_or_default();
        if decoded.starts_with(b"rspauth=") {
            *line = base64::encode(b"rspauth=00000000000000000000000000000000");
        }
    };
    let (last, wire) = pair(&spec, &AuthPolicy::default(), forge);
    assert!(wire.iter().any(|l| l == "C: *"), "{wire:#?}");
    let ClientAuthStep::Failed { reply, explanation } = last else {
        panic!("{wire:#?}");
    };
    assert_eq!(reply.to_string(), "501 5.0.0 Authentication cancelled\r\n");
    assert!(explanation.contains("cancellation"), "{explanation}");
}
