//! The POP3 server engine fed arbitrary octets in arbitrary splits: never panic, held
//! line bounded, nothing sent after close.
#![no_main]

use esmtp_playground::pop3::{Pop3Config, Pop3Server, MAX_POP3_LINE};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut server = Pop3Server::new(Pop3Config::default(), "192.0.2.7", 0, 5);
    let _ = server.take_output();
    let mut input = data;
    while let Some((&length, tail)) = input.split_first() {
        let take = usize::from(length).min(tail.len());
        let (chunk, after) = tail.split_at(take);
        input = after;
        server.receive(chunk, u64::from(length) * 1000);
        if length % 7 == 0 {
            server.handle_timeout(u64::from(length) * 60_000);
        }
        let _ = server.take_output();
        while server.poll_event().is_some() {}
        assert!(server.buffered() <= MAX_POP3_LINE);
    }
});
