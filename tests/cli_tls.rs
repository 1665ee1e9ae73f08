//! TLS through the real binary: `serve` with STARTTLS or implicit TLS and `send` with
//! each TLS flag, certificates made by the test (rcgen): a test CA, a leaf for
//! 127.0.0.1, one for another name and an expired one. Bad input (garbage instead of a
//! ClientHello, a peer that closes mid-handshake) ends with a clear error and a closed
//! connection.

mod cli_support;

use std::path::{Path, PathBuf};

use cli_support::{connect, read_to_close, run, write, Served};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, SanType};

/// A test CA and leaf certificates it signed, written as PEM files in a fresh folder.
struct Pki {
    dir: PathBuf,
}

impl Pki {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("esmtp-tls-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let ca_key = KeyPair::generate().unwrap();
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.distinguished_name
            .push(rcgen::DnType::CommonName, "Playground Test CA");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        std::fs::write(dir.join("ca.pem"), ca_cert.pem()).unwrap();
        let issuer = Issuer::new(ca, ca_key);
        let leaf = |file: &str, san: SanType, expired: bool| {
            let key = KeyPair::generate().unwrap();
            let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
            params.subject_alt_names = vec![san];
            params
                .distinguished_name
                .push(rcgen::DnType::CommonName, "mx.example.org");
            if expired {
                params.not_before = rcgen::date_time_ymd(2020, 1, 1);
                params.not_after = rcgen::date_time_ymd(2021, 1, 1);
            }
            let cert = params.signed_by(&key, &issuer).unwrap();
            std::fs::write(dir.join(format!("{file}.pem")), cert.pem()).unwrap();
            std::fs::write(dir.join(format!("{file}.key")), key.serialize_pem()).unwrap();
        };
        let loopback = SanType::IpAddress("127.0.0.1".parse().unwrap());
        leaf("good", loopback.clone(), false);
        leaf("expired", loopback, true);
        leaf(
            "other",
            SanType::DnsName("other.example".try_into().unwrap()),
            false,
        );
        Self { dir }
    }

    fn path(&self, file: &str) -> String {
        self.dir.join(file).display().to_string()
    }

    /// `--tls-cert X.pem --tls-key X.key` for one leaf.
    fn serve_flags(&self, leaf: &str) -> Vec<String> {
        vec![
            "--tls-cert".into(),
            self.path(&format!("{leaf}.pem")),
            "--tls-key".into(),
            self.path(&format!("{leaf}.key")),
        ]
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn serve(name: &str, flags: &[String]) -> Served {
    let mut all: Vec<&str> = vec!["--user", "alice:S3cret-pw"];
    all.extend(flags.iter().map(String::as_str));
    Served::start(name, &all)
}

/// `send` to `server` with `extra` flags; returns (exit code, stdout, stderr).
fn send(server: &Served, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "send",
        "--server",
        &server.address,
        "--from",
        "alice@example.org",
        "--to",
        "bob@example.org",
        "--body",
        "Over TLS.",
        "--auth",
        "PLAIN",
        "--user",
        "alice",
        "--password",
        "S3cret-pw",
        "--timeout",
        "20",
    ];
    args.extend_from_slice(extra);
    let output = run(&args);
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn stored(maildir: &Path) -> Vec<String> {
    let folder = maildir.join("bob@example.org");
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|entry| std::fs::read_to_string(entry.path()).unwrap())
        .collect()
}

#[test]
fn starttls_with_a_trusted_ca_then_auth_and_the_message() {
    let pki = Pki::new("starttls");
    let mut flags = pki.serve_flags("good");
    flags.push("--auth-requires-tls".into());
    let server = serve("tls-starttls", &flags);
    let ca = pki.path("ca.pem");
    let (code, stdout, stderr) = send(&server, &["--starttls", "--ca-file", &ca]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("C: STARTTLS"), "{stdout}");
    assert!(stdout.contains("-- encryption starts"), "{stdout}");
    assert!(
        stdout.contains("C~ AUTH PLAIN"),
        "the password went encrypted"
    );
    assert!(!stdout.contains("C: AUTH"), "{stdout}");
    assert!(
        stdout.contains("certificate verified against the CA certificates in"),
        "{stdout}"
    );
    assert!(stdout.contains("issuer CN=Playground Test CA"), "{stdout}");
    assert!(
        stdout.contains("TLS: TLSv1.3, TLS13_") && stdout.contains(", key exchange X25519"),
        "X25519 is the first group on both sides: {stdout}"
    );
    let messages = stored(&server.maildir);
    assert_eq!(messages.len(), 1);
    assert!(messages[0].contains("with ESMTPSA"), "{}", messages[0]);
    let transcript = server.transcript_containing("S~ 221");
    assert!(transcript.contains("S: 250-STARTTLS"), "{transcript}");
    assert!(transcript.contains("key exchange X25519"), "{transcript}");
}

#[test]
fn implicit_tls_on_both_sides() {
    let pki = Pki::new("implicit");
    let mut flags = pki.serve_flags("good");
    flags.push("--tls-on-connect".into());
    let server = serve("tls-implicit", &flags);
    let ca = pki.path("ca.pem");
    let (code, stdout, stderr) = send(&server, &["--tls-on-connect", "--ca-file", &ca]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        !stdout.contains("C~ STARTTLS") && !stdout.contains("C: "),
        "{stdout}"
    );
    assert!(
        stdout.contains("S~ 220 "),
        "the greeting came encrypted: {stdout}"
    );
    assert_eq!(stored(&server.maildir).len(), 1);
}

#[test]
fn required_starttls_against_a_server_without_tls_stops_before_auth() {
    let server = serve("tls-none", &[]);
    let (code, stdout, stderr) = send(&server, &["--starttls", "--insecure"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stderr.contains("STARTTLS was not offered"), "{stderr}");
    assert!(!stdout.contains("C: AUTH"), "{stdout}");
    assert!(stored(&server.maildir).is_empty());
}

#[test]
fn opportunistic_starttls_goes_on_in_the_clear_without_it() {
    let server = serve("tls-optional", &[]);
    let (code, stdout, _) = send(&server, &["--starttls-optional"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("C: AUTH PLAIN"), "{stdout}");
}

#[test]
fn a_certificate_for_another_name_is_refused() {
    let pki = Pki::new("name");
    let server = serve("tls-name", &pki.serve_flags("other"));
    let ca = pki.path("ca.pem");
    let (code, stdout, stderr) = send(&server, &["--starttls", "--ca-file", &ca]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stderr.contains("does not name the host connected to"),
        "{stderr}"
    );
    assert!(
        !stdout.contains("C: AUTH") && !stdout.contains("C~ AUTH"),
        "{stdout}"
    );
    assert!(stored(&server.maildir).is_empty());
    let transcript = server.transcript_containing("connection closed");
    assert!(transcript.contains("TLS handshake failed"), "{transcript}");
}

#[test]
fn an_expired_certificate_is_refused() {
    let pki = Pki::new("expired");
    let server = serve("tls-expired", &pki.serve_flags("expired"));
    let ca = pki.path("ca.pem");
    let (code, _, stderr) = send(&server, &["--starttls", "--ca-file", &ca]);
    assert_eq!(code, 1);
    assert!(stderr.contains("validity period has ended"), "{stderr}");
}

#[test]
fn an_unknown_ca_is_refused_and_insecure_accepts_it_with_a_warning() {
    let pki = Pki::new("insecure");
    let server = serve("tls-insecure", &pki.serve_flags("good"));
    let (code, _, stderr) = send(&server, &["--starttls"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("--ca-file"), "{stderr}");
    let (code, stdout, stderr) = send(&server, &["--starttls", "--insecure"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stderr.contains("warning: --insecure"), "{stderr}");
    assert!(stdout.contains("NOT verified"), "{stdout}");
}

#[test]
fn garbage_instead_of_a_client_hello_closes_the_connection() {
    let pki = Pki::new("garbage");
    let mut flags = pki.serve_flags("good");
    flags.push("--tls-on-connect".into());
    let server = serve("tls-garbage", &flags);
    let mut stream = connect(&server.address);
    write(
        &mut stream,
        b"EHLO attacker.example\r\nMAIL FROM:<x@example.net>\r\n",
    );
    let answer = read_to_close(&mut stream);
    assert!(!answer.contains("250"), "no SMTP in the clear: {answer:?}");
    let transcript = server.transcript_containing("connection closed");
    assert!(transcript.contains("TLS handshake failed"), "{transcript}");
    assert!(!transcript.contains("C: EHLO"), "{transcript}");
}

#[test]
fn a_client_that_closes_mid_handshake_is_reported() {
    let pki = Pki::new("midway");
    let mut flags = pki.serve_flags("good");
    flags.push("--tls-on-connect".into());
    let server = serve("tls-midway", &flags);
    let mut stream = connect(&server.address);
    // The first octets of a TLS record header (handshake, TLS 1.0 record version).
    write(&mut stream, &[0x16, 0x03, 0x01]);
    drop(stream);
    let transcript = server.transcript_containing("connection closed");
    assert!(
        transcript.contains("closed the connection during the TLS handshake"),
        "{transcript}"
    );
}

#[test]
fn tls_flags_that_do_not_go_together_are_usage_errors() {
    let output = run(&["serve", "--listen", "127.0.0.1:0", "--tls-on-connect"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--tls-on-connect needs"), "{stderr}");
    let output = run(&[
        "send",
        "--server",
        "127.0.0.1:1",
        "--from",
        "a@example.org",
        "--to",
        "b@example.org",
        "--insecure",
    ]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_self_signed_server_prints_its_fingerprint() {
    let mut child = std::process::Command::new(cli_support::BINARY)
        .args(["serve", "--listen", "127.0.0.1:0", "--tls-self-signed"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stderr, &mut line).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.contains("STARTTLS offered"), "{line}");
    assert!(line.contains("self-signed"), "{line}");
    let fingerprint = line.rsplit("SHA-256 ").next().unwrap().trim();
    assert_eq!(fingerprint.len(), 95, "{line}");
}

/// Reads until the peer closes; true when it did (end of stream), false when the safety
/// read timeout of `connect` ran out first.
fn closed_by_peer(stream: &mut std::net::TcpStream) -> bool {
    let mut buffer = [0u8; 4096];
    loop {
        match std::io::Read::read(stream, &mut buffer) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

#[test]
fn a_stalled_handshake_is_closed_after_the_handshake_timeout() {
    let server = serve(
        "tls-stall",
        &[
            "--tls-self-signed".into(),
            "--tls-on-connect".into(),
            "--tls-handshake-timeout".into(),
            "1".into(),
        ],
    );
    let mut silent = connect(&server.address);
    assert!(
        closed_by_peer(&mut silent),
        "the server closed the connection"
    );
    let transcript = server.transcript_containing("connection closed");
    assert!(
        transcript.contains("TLS handshake failed: the TLS handshake did not complete within 1 s"),
        "{transcript}"
    );
}

#[test]
fn send_gives_up_on_a_server_that_stalls_the_handshake() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let holder = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        // Read the ClientHello, answer nothing, wait for the client to give up.
        closed_by_peer(&mut stream)
    });
    let output = run(&[
        "send",
        "--server",
        &address,
        "--from",
        "a@example.org",
        "--to",
        "b@example.org",
        "--tls-on-connect",
        "--insecure",
        "--tls-handshake-timeout",
        "1",
        "--timeout",
        "20",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the TLS handshake did not complete within 1 s"),
        "{stderr}"
    );
    assert!(holder.join().unwrap(), "send closed the connection");
}

#[test]
fn over_the_limit_on_an_implicit_tls_port_the_421_comes_inside_tls() {
    use esmtp_playground::native::tls_door::{TlsRole, TlsSetup, Wire};
    use esmtp_playground::tls::config::{client_config, native_provider, Trust};
    let server = serve(
        "tls-full",
        &[
            "--tls-self-signed".into(),
            "--tls-on-connect".into(),
            "--max-connections".into(),
            "1".into(),
        ],
    );
    // Holds the only slot: connected, silent, in its handshake.
    let _holder = connect(&server.address);
    server.transcript_containing("connection from");
    let mut refused = connect(&server.address);
    let setup = TlsSetup {
        role: TlsRole::Client {
            tls: client_config(&Trust::Insecure, native_provider()).unwrap(),
            server_name: "127.0.0.1".into(),
        },
        implicit: true,
        handshake_timeout: std::time::Duration::from_secs(20),
    };
    let mut wire = Wire::new(&mut refused);
    let (summary, early) = wire
        .handshake(&setup)
        .expect("the refused client gets a handshake");
    assert_eq!(summary.key_exchange_group.as_deref(), Some("X25519"));
    let mut plaintext = early;
    let mut buffer = [0u8; 4096];
    while let Ok(Some(octets)) = wire.read(&mut buffer) {
        plaintext.extend(octets);
    }
    let text = String::from_utf8_lossy(&plaintext);
    assert!(
        text.starts_with("421 4.3.2 mx.example.org Too many connections (1 at once)"),
        "{text:?}"
    );
    assert!(text.ends_with("\r\n"), "one whole reply: {text:?}");
    let transcript = server.transcript_containing("S~ 421");
    assert!(transcript.contains("S~ 421 4.3.2"), "{transcript}");
    assert!(!transcript.contains("S: 421"), "{transcript}");
}

#[test]
fn past_the_refusal_handshakes_an_implicit_tls_port_closes_without_a_reply() {
    let server = serve(
        "tls-flood",
        &[
            "--tls-self-signed".into(),
            "--tls-on-connect".into(),
            "--max-connections".into(),
            "1".into(),
        ],
    );
    // One connection holds the only slot; two more from the same address are refused
    // and stall in their refusal handshakes, which is all one address may hold.
    let _holder = connect(&server.address);
    let _stalled = [connect(&server.address), connect(&server.address)];
    let mut flood = connect(&server.address);
    let mut answer = Vec::new();
    let ended = std::io::Read::read_to_end(&mut flood, &mut answer);
    assert!(ended.is_ok(), "closed by the server: {ended:?}");
    assert!(answer.is_empty(), "no reply at all: {answer:?}");
    let transcript = server.transcript_containing("closed without a reply");
    assert!(
        transcript.contains("too many refused TLS handshakes already running"),
        "{transcript}"
    );
}

#[test]
fn the_handshake_deadline_holds_after_starttls_too() {
    let server = serve(
        "tls-stall-starttls",
        &[
            "--tls-self-signed".into(),
            "--tls-handshake-timeout".into(),
            "1".into(),
        ],
    );
    let mut stream = connect(&server.address);
    cli_support::read_until(&mut stream, "220 ");
    write(&mut stream, b"EHLO stall.example\r\n");
    cli_support::read_until(&mut stream, "250 ");
    write(&mut stream, b"STARTTLS\r\n");
    let ready = cli_support::read_until(&mut stream, "\r\n");
    assert!(ready.starts_with("220 2.0.0"), "{ready:?}");
    assert!(
        closed_by_peer(&mut stream),
        "the server closed the connection"
    );
    let transcript = server.transcript_containing("connection closed");
    assert!(
        transcript.contains("the TLS handshake did not complete within 1 s"),
        "{transcript}"
    );
}
