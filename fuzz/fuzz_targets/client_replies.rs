//! The client engine's reply reader fed whatever a server might send, in arbitrary
//! splits, with timers firing: never panic, output bounded.
#![no_main]

use esmtp_playground::client::{Client, ClientSpec};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut client) = Client::new(ClientSpec::default(), 0, 7) else {
        return;
    };
    let mut input = data;
    let mut output = 0usize;
    while let Some((&length, tail)) = input.split_first() {
        let take = usize::from(length).min(tail.len());
        let (chunk, after) = tail.split_at(take);
        input = after;
        client.receive(chunk, u64::from(length));
        if length % 5 == 0 {
            if let Some(deadline) = client.poll_timeout() {
                client.handle_timeout(deadline);
            }
        }
        output += client.take_output().len();
        while client.poll_event().is_some() {}
    }
    client.handle_close(1_000_000);
    while client.poll_event().is_some() {}
    assert!(output <= 64 * 1024 * 1024);
});
