//! Drives a `Server` with byte strings: fed whole, line by line or one byte at a time,
//! taking the output after every call as a transport would.

#![allow(dead_code)]

use esmtp_playground::server::{Delivery, Peer, Server, ServerConfig, ServerEvent, StoreOutcome};

/// 2026-11-28T09:00:00Z.
pub const START: u64 = 1_795_856_400_000;

/// A fresh server with its greeting already collected.
pub fn server(config: ServerConfig) -> Server {
    let mut server = Server::new(
        config,
        Peer {
            address: "192.0.2.10".into(),
        },
        START,
        2026,
    );
    let greeting = server.take_output();
    assert!(greeting.starts_with(b"220 "));
    server
}

/// How input is split into `receive` calls.
#[derive(Clone, Copy, Debug)]
pub enum Split {
    Whole,
    Lines,
    Bytes,
}

pub const SPLITS: [Split; 3] = [Split::Whole, Split::Lines, Split::Bytes];

/// Feeds `input` split as asked and returns everything the server sent.
pub fn feed(server: &mut Server, input: &[u8], split: Split) -> Vec<u8> {
    let mut output = Vec::new();
    let chunks: Vec<&[u8]> = match split {
        Split::Whole => vec![input],
        Split::Lines => input.split_inclusive(|&b| b == b'\n').collect(),
        Split::Bytes => input.chunks(1).collect(),
    };
    for chunk in chunks {
        server.receive(chunk, START + 1_000);
        confirm_stored(server);
        output.extend(server.take_output());
    }
    output
}

/// Stands in for a store that keeps every message: confirms each one the server waits
/// for (the copies stay queued for `deliveries`).
pub fn confirm_stored(server: &mut Server) {
    while server.is_awaiting_store() {
        server.handle_stored(StoreOutcome::Stored);
    }
}

/// Runs `input` through a fresh server; returns the output as text.
pub fn run(config: &ServerConfig, input: &[u8], split: Split) -> String {
    let mut server = server(config.clone());
    String::from_utf8_lossy(&feed(&mut server, input, split)).into_owned()
}

/// Runs and returns the server too, for its events and deliveries.
pub fn run_keep(config: &ServerConfig, input: &[u8]) -> (String, Server) {
    let mut server = server(config.clone());
    let output = feed(&mut server, input, Split::Whole);
    (String::from_utf8_lossy(&output).into_owned(), server)
}

/// The last line of every reply (`250 ...`, not `250-...`), CRLF removed.
pub fn final_lines(output: &str) -> Vec<&str> {
    output
        .split("\r\n")
        .filter(|line| line.len() >= 4 && line.as_bytes().get(3) == Some(&b' '))
        .collect()
}

/// The three-digit code of every reply.
pub fn codes(output: &str) -> Vec<&str> {
    final_lines(output)
        .into_iter()
        .filter_map(|line| line.get(..3))
        .collect()
}

pub fn events(server: &mut Server) -> Vec<ServerEvent> {
    std::iter::from_fn(|| server.poll_event()).collect()
}

pub fn deliveries(server: &mut Server) -> Vec<Delivery> {
    std::iter::from_fn(|| server.poll_delivery()).collect()
}

/// EHLO + MAIL + RCPT prefix used by many cases.
pub const ENVELOPE: &str =
    "EHLO client.example.net\r\nMAIL FROM:<alice@example.net>\r\nRCPT TO:<bob@example.org>\r\n";
