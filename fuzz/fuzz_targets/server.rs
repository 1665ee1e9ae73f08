//! The SMTP server engine fed arbitrary octets in arbitrary splits, with the clock and
//! the storage outcome driven by the input too. The only rules: never panic, memory
//! bounded (held line, message text and held input within their limits), and after
//! close nothing more is sent.
#![no_main]

use esmtp_playground::server::{Peer, Server, ServerConfig, StoreOutcome, HARD_MESSAGE_CAP};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let mut config = ServerConfig::default();
    config.max_message_size = Some(4096);
    config.strictness.bare_lf = if control & 1 == 0 {
        esmtp_playground::server::BareLfPolicy::Reject
    } else {
        esmtp_playground::server::BareLfPolicy::Normalise
    };
    let peer = Peer {
        address: "192.0.2.1".into(),
    };
    let mut server = Server::new(config, peer, 0, u64::from(control));
    let mut now = 0u64;
    // Chunks: a length octet, then that many octets (the split is part of the input).
    let mut input = rest;
    while let Some((&length, tail)) = input.split_first() {
        let take = usize::from(length).min(tail.len());
        let (chunk, after) = tail.split_at(take);
        input = after;
        now += u64::from(length) * 997;
        server.receive(chunk, now);
        if server.is_awaiting_store() {
            let outcome = match length % 3 {
                0 => StoreOutcome::Stored,
                1 => StoreOutcome::Failed {
                    reason: "fuzz".into(),
                },
                _ => StoreOutcome::NoSpace {
                    reason: "fuzz".into(),
                },
            };
            while server.poll_delivery().is_some() {}
            server.handle_stored(outcome);
        }
        if length % 7 == 0 {
            if let Some(deadline) = server.poll_timeout() {
                server.handle_timeout(deadline);
            }
        }
        assert!(server.buffered_input() <= 12_288);
        assert!(server.buffered_message() <= HARD_MESSAGE_CAP);
        let closed = server.is_closed();
        let _ = server.take_output();
        while server.poll_event().is_some() {}
        if closed {
            server.receive(b"NOOP\r\n", now);
            assert!(server.take_output().is_empty(), "output after close");
        }
    }
});
