//! Real exchanges with Postfix 3.7 + Cyrus SASL (captured with swaks; see
//! tests/fixtures/postfix-3.7-cyrus/README.md). User alice, password S3cret-pw. Our
//! mechanisms must recompute what the real client sent and what the real server
//! answered, byte for byte.

use esmtp_playground::client::sasl_exchange::{AuthSpec, ClientAuth, ClientAuthStep};
use esmtp_playground::entropy::Entropy;
use esmtp_playground::protocol::{Command, ReplyKind};
use esmtp_playground::sasl::cram_md5::{self, CramMd5Server};
use esmtp_playground::sasl::digest_md5::{
    self, directives::Directives, DigestClientSettings, DigestInputs, DigestMd5Client,
    DigestMd5Server,
};
use esmtp_playground::sasl::trace::{Side, Trace};
use esmtp_playground::sasl::{
    base64, ClientMechanism, ServerContext, ServerMechanism, ServerStep, UserCredential,
};
use esmtp_playground::server::sasl_exchange::{AuthPolicy, ServerAuth};

const PLAIN: &str = include_str!("fixtures/postfix-3.7-cyrus/swaks-auth-PLAIN.txt");
const LOGIN: &str = include_str!("fixtures/postfix-3.7-cyrus/swaks-auth-LOGIN.txt");
const CRAM: &str = include_str!("fixtures/postfix-3.7-cyrus/swaks-auth-CRAM-MD5.txt");
const DIGEST: &str = include_str!("fixtures/postfix-3.7-cyrus/swaks-auth-DIGEST-MD5.txt");

/// The AUTH part of a swaks transcript: from the `AUTH` line to the 235, as
/// (client?, text) pairs.
fn auth_lines(transcript: &str) -> Vec<(bool, String)> {
    let mut lines = Vec::new();
    let mut inside = false;
    for raw in transcript.lines() {
        let (client, text) = if let Some(text) = raw.strip_prefix(" -> ") {
            (true, text)
        } else if let Some(text) = raw.strip_prefix("<-  ") {
            (false, text)
        } else if raw == " -> " {
            (true, "")
        } else {
            continue;
        };
        if client && text.starts_with("AUTH ") {
            inside = true;
        }
        if inside {
            lines.push((client, text.to_owned()));
            if text.starts_with("235 ") {
                break;
            }
        }
    }
    lines
}

fn challenge_of(line: &str) -> Vec<u8> {
    base64::decode(line.strip_prefix("334 ").unwrap()).unwrap()
}

fn alice() -> Vec<UserCredential> {
    vec![UserCredential {
        name: "alice".into(),
        password: "S3cret-pw".into(),
    }]
}

fn fixture_policy() -> AuthPolicy {
    AuthPolicy {
        users: alice(),
        realm: "example.org".into(),
        digest_uri_aliases: vec!["127.0.0.1".into()],
        ..AuthPolicy::default()
    }
}

fn spec(mechanism: &str) -> AuthSpec {
    AuthSpec {
        mechanism: mechanism.into(),
        ..AuthSpec::default()
    }
}

const OFFERED: [&str; 4] = ["PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5"];

fn offered() -> Vec<String> {
    OFFERED.iter().map(|m| (*m).to_owned()).collect()
}

#[test]
fn transcripts_are_what_we_expect() {
    assert_eq!(auth_lines(PLAIN).len(), 2);
    assert_eq!(auth_lines(LOGIN).len(), 6);
    assert_eq!(auth_lines(CRAM).len(), 4);
    assert_eq!(auth_lines(DIGEST).len(), 6);
}

#[test]
fn plain_client_line_and_server_reply_match_postfix() {
    let lines = auth_lines(PLAIN);
    let (_, command) = ClientAuth::start(
        &spec("PLAIN"),
        &offered(),
        "127.0.0.1",
        &mut Entropy::from_seed(1),
    )
    .unwrap();
    assert_eq!(command.to_string(), lines[0].1);
    let Command::Auth {
        mechanism,
        initial_response,
    } = command
    else {
        panic!()
    };
    let (_, step) = ServerAuth::start(
        &fixture_policy(),
        "mx.example.org",
        &mechanism,
        initial_response.as_deref(),
        0,
        &mut Entropy::from_seed(1),
    );
    assert_eq!(step.reply.to_string().trim_end(), lines[1].1);
}

#[test]
fn login_exchange_matches_postfix_line_for_line() {
    let lines = auth_lines(LOGIN);
    let (mut client, command) = ClientAuth::start(
        &spec("LOGIN"),
        &offered(),
        "127.0.0.1",
        &mut Entropy::from_seed(1),
    )
    .unwrap();
    assert_eq!(command.to_string(), lines[0].1);
    let (mut server, mut step) = ServerAuth::start(
        &fixture_policy(),
        "mx.example.org",
        "LOGIN",
        None,
        0,
        &mut Entropy::from_seed(1),
    );
    for pair in lines[1..].chunks(2) {
        assert_eq!(step.reply.to_string().trim_end(), pair[0].1, "server line");
        if let Some((_, client_text)) = pair.get(1) {
            let ClientAuthStep::Send { line, .. } = client.on_reply(&step.reply) else {
                panic!()
            };
            assert_eq!(String::from_utf8(line).unwrap().trim_end(), client_text);
            step = server.respond(client_text.as_bytes());
        }
    }
    assert_eq!(step.reply.code, ReplyKind::AuthSucceeded.code());
}

#[test]
fn cram_md5_digest_recomputes_from_the_capture() {
    let lines = auth_lines(CRAM);
    let challenge = challenge_of(&lines[1].1);
    assert_eq!(challenge, b"<793293156.669387@mx.example.org>");
    let mut trace = Trace::new();
    let response = cram_md5::respond("alice", "S3cret-pw", &challenge, Side::Client, &mut trace);
    assert_eq!(base64::encode(&response), lines[2].1);
    assert_eq!(response, b"alice 69e33d8ff456d94f9c1c2d2a28eede39");

    // Our client driver sends the same line for the same challenge.
    let (mut client, _) = ClientAuth::start(
        &spec("CRAM-MD5"),
        &offered(),
        "127.0.0.1",
        &mut Entropy::from_seed(1),
    )
    .unwrap();
    let reply = ReplyKind::AuthContinue.reply_with(lines[1].1.strip_prefix("334 ").unwrap());
    let ClientAuthStep::Send { line, .. } = client.on_reply(&reply) else {
        panic!()
    };
    assert_eq!(String::from_utf8(line).unwrap().trim_end(), lines[2].1);

    // Our server, given Postfix's challenge, accepts swaks' answer.
    let users = alice();
    let context = cyrus_context(&users);
    let mut server = CramMd5Server::new(String::from_utf8(challenge).unwrap());
    server.start(None, &context, &mut trace);
    let decoded = base64::decode(&lines[2].1).unwrap();
    assert!(matches!(
        server.step(&decoded, &context, &mut trace),
        ServerStep::Success(_)
    ));
}

fn cyrus_context(users: &[UserCredential]) -> ServerContext<'_> {
    ServerContext {
        users,
        allow_authzid: false,
        hostname: "mx.example.org",
        realm: "example.org",
        digest_uri_aliases: &[],
    }
}

#[test]
fn digest_md5_response_and_rspauth_recompute_from_the_capture() {
    let lines = auth_lines(DIGEST);
    let challenge = challenge_of(&lines[1].1);
    let response = base64::decode(&lines[2].1).unwrap();
    let rspauth_line = challenge_of(&lines[3].1);
    let directives = Directives::parse(core::str::from_utf8(&response).unwrap()).unwrap();
    let get = |name: &str| directives.single(name).unwrap().unwrap().to_owned();
    let inputs = DigestInputs {
        username: get("username"),
        realm: get("realm"),
        password: "S3cret-pw".into(),
        nonce: get("nonce"),
        cnonce: get("cnonce"),
        nc: get("nc"),
        qop: get("qop"),
        digest_uri: get("digest-uri"),
        authzid: None,
        utf8: true,
    };
    let values = digest_md5::compute(&inputs, Side::Client, &mut Trace::new());
    assert_eq!(values.response, get("response"));
    assert_eq!(values.response, "e1c44e314deda918b06cc6360c649598");
    assert_eq!(
        format!("rspauth={}", values.rspauth).as_bytes(),
        rspauth_line.as_slice()
    );

    // Our client, with swaks' cnonce and host, computes the same response and accepts
    // Cyrus' rspauth with an empty line, as swaks did.
    let mut client = DigestMd5Client::new(DigestClientSettings {
        username: "alice".into(),
        password: "S3cret-pw".into(),
        authzid: None,
        realm: None,
        host: "127.0.0.1".into(),
        service: "smtp".into(),
        cnonce: get("cnonce"),
    });
    let mut trace = Trace::new();
    let ours = client.step(&challenge, &mut trace).unwrap();
    let ours = Directives::parse(core::str::from_utf8(&ours).unwrap()).unwrap();
    assert_eq!(
        ours.single("response").unwrap(),
        Some(get("response").as_str())
    );
    assert_eq!(client.step(&rspauth_line, &mut trace).unwrap(), b"");
    assert_eq!(lines[4], (true, String::new()));
}

#[test]
fn digest_md5_server_accepts_swaks_response_for_cyrus_nonce() {
    let lines = auth_lines(DIGEST);
    let challenge =
        Directives::parse(core::str::from_utf8(&challenge_of(&lines[1].1)).unwrap()).unwrap();
    let nonce = challenge.single("nonce").unwrap().unwrap().to_owned();
    let users = alice();
    let aliases = vec!["127.0.0.1".to_owned()];
    let context = ServerContext {
        digest_uri_aliases: &aliases,
        ..cyrus_context(&users)
    };
    let mut server = DigestMd5Server::new(nonce);
    let mut trace = Trace::new();
    let ServerStep::Challenge(ours) = server.start(None, &context, &mut trace) else {
        panic!()
    };
    // Same directives as Cyrus, in our order.
    let ours = Directives::parse(core::str::from_utf8(&ours).unwrap()).unwrap();
    for name in ["nonce", "realm", "qop", "charset", "algorithm"] {
        assert_eq!(
            ours.single(name).unwrap(),
            challenge.single(name).unwrap(),
            "{name}"
        );
    }
    let response = base64::decode(&lines[2].1).unwrap();
    let ServerStep::Challenge(rspauth) = server.step(&response, &context, &mut trace) else {
        panic!("{:#?}", trace.entries().last());
    };
    assert_eq!(format!("334 {}", base64::encode(&rspauth)), lines[3].1);
    assert!(matches!(
        server.step(b"", &context, &mut trace),
        ServerStep::Success(_)
    ));
    // Without the 127.0.0.1 alias the digest-uri names another host and is refused.
    let strict = cyrus_context(&users);
    let mut server = DigestMd5Server::new(challenge.single("nonce").unwrap().unwrap().to_owned());
    server.start(None, &strict, &mut trace);
    let ServerStep::Failure(failure) = server.step(&response, &strict, &mut trace) else {
        panic!()
    };
    assert!(failure.explanation.contains("127.0.0.1"), "{failure}");
}
