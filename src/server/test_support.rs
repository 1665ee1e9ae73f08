//! Helpers the server's unit tests share: a session greeted with EHLO, and the last
//! reply line it wrote.

use super::{Peer, Server, ServerConfig};

/// A session on `config`, greeted with `EHLO client.example`, its output taken.
pub(super) fn greeted_with(config: ServerConfig) -> Server {
    let peer = Peer {
        address: "192.0.2.1".into(),
    };
    let mut server = Server::new(config, peer, 0, 1);
    server.receive(b"EHLO client.example\r\n", 0);
    server.take_output();
    server
}

/// The last line the server wrote since its output was last taken.
pub(super) fn last_reply(server: &mut Server) -> String {
    let output = String::from_utf8_lossy(&server.take_output()).into_owned();
    output.lines().last().unwrap_or_default().to_owned()
}
