//! STARTTLS on the client (RFC 3207) against the real server engine, with the TLS
//! handshake stood in for (both engines are told it completed): the policies, the
//! re-EHLO, the stripped STARTTLS, an injected reply, and implicit TLS.

use esmtp_playground::client::{
    AuthSpec, Choice, Client, ClientEventKind, ClientSpec, TlsPolicy, Topic,
};
use esmtp_playground::server::{Peer, Server, ServerConfig, StartTlsOffer};
use esmtp_playground::tls::TlsSummary;

const START: u64 = 1_795_856_400_000;

/// What travels from the server to the client; a middlebox may rewrite it.
type Middlebox = fn(Vec<u8>) -> Vec<u8>;

struct Pair {
    client: Client,
    server: Server,
    /// Every octet the client wrote, in the clear as the engines see it.
    client_wrote: Vec<u8>,
    kinds: Vec<ClientEventKind>,
    handshakes: usize,
}

fn spec(tls: TlsPolicy) -> ClientSpec {
    ClientSpec {
        tls,
        auth: Some(AuthSpec {
            mechanism: "PLAIN".into(),
            ..AuthSpec::default()
        }),
        ..ClientSpec::default()
    }
}

fn server_config(starttls: StartTlsOffer) -> ServerConfig {
    ServerConfig {
        starttls,
        auth_requires_tls: starttls == StartTlsOffer::Offered,
        ..ServerConfig::default()
    }
}

fn run(spec: ClientSpec, config: ServerConfig, middlebox: Middlebox) -> Pair {
    let peer = Peer {
        address: "192.0.2.10".into(),
    };
    let mut pair = Pair {
        client: Client::new(spec, START, 7).expect("valid spec"),
        server: Server::new(config, peer, START, 9),
        client_wrote: Vec::new(),
        kinds: Vec::new(),
        handshakes: 0,
    };
    for round in 0..200 {
        let now = START + round;
        let to_client = middlebox(pair.server.take_output());
        if !to_client.is_empty() {
            pair.client.receive(&to_client, now);
        }
        let to_server = pair.client.take_output();
        pair.client_wrote.extend_from_slice(&to_server);
        if !to_server.is_empty() {
            pair.server.receive(&to_server, now);
            while pair.server.is_awaiting_store() {
                pair.server
                    .handle_stored(esmtp_playground::server::StoreOutcome::Stored);
            }
        }
        if pair.client.tls_pending() && pair.server.tls_pending() {
            pair.handshakes += 1;
            pair.server.tls_established(TlsSummary::for_tests(), now);
            pair.client.tls_established(TlsSummary::for_tests(), now);
        }
        while let Some(event) = pair.client.poll_event() {
            pair.kinds.push(event.kind);
        }
        if pair.client.is_closed() {
            break;
        }
    }
    pair
}

fn unchanged(octets: Vec<u8>) -> Vec<u8> {
    octets
}

/// A tampering middlebox: the EHLO reply loses its STARTTLS line (it becomes an
/// unknown keyword of the same length, as real ones do: `250-XXXXXXXA`).
fn strip_starttls(octets: Vec<u8>) -> Vec<u8> {
    String::from_utf8_lossy(&octets)
        .replace("STARTTLS", "XXXXXXXA")
        .into_bytes()
}

fn tls_choices(pair: &Pair) -> Vec<Choice> {
    pair.client
        .decisions()
        .iter()
        .filter(|d| d.topic == Topic::Tls)
        .map(|d| d.choice.clone())
        .collect()
}

fn wrote(pair: &Pair) -> String {
    String::from_utf8_lossy(&pair.client_wrote).into_owned()
}

#[test]
fn required_starttls_then_ehlo_again_then_auth_and_the_message() {
    let pair = run(
        spec(TlsPolicy::Required),
        server_config(StartTlsOffer::Offered),
        unchanged,
    );
    assert_eq!(pair.handshakes, 1);
    assert_eq!(tls_choices(&pair), [Choice::StartTls]);
    let text = wrote(&pair);
    let ehlo = text.match_indices("EHLO ").count();
    assert_eq!(ehlo, 2, "EHLO before and after TLS: {text}");
    let starttls = text.find("STARTTLS\r\n").unwrap();
    let auth = text.find("AUTH PLAIN").unwrap();
    assert!(starttls < auth, "no password before TLS");
    assert!(pair.client.outcome().undelivered.is_empty(), "{text}");
    assert!(pair.client.tls().is_some());
    assert!(pair
        .kinds
        .iter()
        .any(|k| matches!(k, ClientEventKind::TlsEstablished { .. })));
}

#[test]
fn a_stripped_starttls_stops_a_required_client_before_the_password() {
    let pair = run(
        spec(TlsPolicy::Required),
        server_config(StartTlsOffer::Offered),
        strip_starttls,
    );
    assert_eq!(
        tls_choices(&pair),
        [Choice::StartTlsNotOffered { required: true }]
    );
    let text = wrote(&pair);
    assert!(!text.contains("AUTH") && !text.contains("MAIL"), "{text}");
    assert!(text.ends_with("QUIT\r\n"));
    assert_eq!(pair.handshakes, 0);
}

#[test]
fn a_stripped_starttls_lets_an_opportunistic_client_send_the_password_in_the_clear() {
    let config = ServerConfig {
        auth_requires_tls: false,
        ..server_config(StartTlsOffer::Offered)
    };
    let pair = run(spec(TlsPolicy::Opportunistic), config, strip_starttls);
    assert_eq!(
        tls_choices(&pair),
        [Choice::StartTlsNotOffered { required: false }]
    );
    assert!(
        wrote(&pair).contains("AUTH PLAIN "),
        "the password went in the clear"
    );
    assert!(pair.client.outcome().undelivered.is_empty());
}

#[test]
fn never_stays_in_the_clear_and_says_so() {
    let config = ServerConfig {
        auth_requires_tls: false,
        ..server_config(StartTlsOffer::Offered)
    };
    let pair = run(spec(TlsPolicy::Never), config, unchanged);
    assert_eq!(tls_choices(&pair), [Choice::StartTlsNotWanted]);
    assert!(!wrote(&pair).contains("STARTTLS"));
}

#[test]
fn a_refused_starttls_stops_required_and_lets_opportunistic_go_on() {
    let config = ServerConfig {
        auth_requires_tls: false,
        ..server_config(StartTlsOffer::Unavailable)
    };
    let required = run(spec(TlsPolicy::Required), config.clone(), unchanged);
    assert_eq!(
        tls_choices(&required),
        [
            Choice::StartTls,
            Choice::StartTlsRefused {
                code: 454,
                required: true
            }
        ]
    );
    assert!(!wrote(&required).contains("MAIL"));
    let opportunistic = run(spec(TlsPolicy::Opportunistic), config, unchanged);
    assert_eq!(
        tls_choices(&opportunistic),
        [
            Choice::StartTls,
            Choice::StartTlsRefused {
                code: 454,
                required: false
            }
        ]
    );
    assert!(opportunistic.client.outcome().undelivered.is_empty());
}

#[test]
fn a_reply_injected_behind_the_220_is_discarded() {
    let mut client = Client::new(spec(TlsPolicy::Required), START, 7).unwrap();
    client.receive(b"220 mx.example.org ESMTP\r\n", START);
    client.take_output();
    client.receive(b"250-mx.example.org\r\n250 STARTTLS\r\n", START);
    assert_eq!(client.take_output(), b"STARTTLS\r\n");
    client.receive(b"220 2.0.0 Ready\r\n250-evil\r\n250 AUTH PLAIN\r\n", START);
    assert!(client.tls_pending());
    let discarded: Vec<u64> = std::iter::from_fn(|| client.poll_event())
        .filter_map(|e| match e.kind {
            ClientEventKind::PlaintextDiscarded { octets } => Some(octets),
            _ => None,
        })
        .collect();
    assert_eq!(discarded, [26]);
    client.tls_established(TlsSummary::for_tests(), START + 1);
    assert_eq!(client.take_output(), b"EHLO client.example.net\r\n");
    assert!(client.capabilities().extensions.is_empty(), "forgotten");
}

#[test]
fn implicit_tls_needs_no_starttls() {
    let mut client = Client::new(spec(TlsPolicy::Required), START, 7).unwrap();
    client.tls_established(TlsSummary::for_tests(), START);
    client.receive(b"220 mx.example.org ESMTP\r\n", START);
    client.take_output();
    client.receive(b"250-mx.example.org\r\n250 AUTH PLAIN\r\n", START);
    let output = String::from_utf8(client.take_output()).unwrap();
    assert!(output.starts_with("AUTH PLAIN"), "{output}");
    let choices: Vec<Choice> = client
        .decisions()
        .iter()
        .map(|d| d.choice.clone())
        .collect();
    assert!(choices.contains(&Choice::ImplicitTls));
}
