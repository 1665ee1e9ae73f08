//! The handshake's own deadline on a real socket: a peer that connects and says
//! nothing ends the handshake with a clear error once the deadline passes.

use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use esmtp_playground::native::tls_door::{HandshakeError, TlsRole, TlsSetup, Wire};
use esmtp_playground::tls::config::{native_provider, server_config};
use esmtp_playground::tls::self_signed::generate;

#[test]
fn a_stalled_handshake_ends_with_a_timeout_error() {
    let identity = generate("mx.example.org").unwrap();
    let config = server_config(
        identity.certificate_pem.as_bytes(),
        identity.key_pem.as_bytes(),
        native_provider(),
    )
    .unwrap();
    let setup = TlsSetup {
        role: TlsRole::Server(config),
        implicit: true,
        handshake_timeout: Duration::from_millis(200),
    };
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let _silent = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (mut accepted, _) = listener.accept().unwrap();
    let error = Wire::new(&mut accepted).handshake(&setup).unwrap_err();
    assert!(matches!(error, HandshakeError::TimedOut(_)), "{error}");
    assert_eq!(
        error.to_string(),
        "the TLS handshake did not complete within 200 ms"
    );
}
