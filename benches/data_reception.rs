//! DATA reception of a 10 MB body, beside Stalwart's smtp-proto receiving the same
//! bytes: find CRLF.CRLF, remove dot-stuffing, store the text. Also the whole server
//! engine taking the same DATA in 64 KiB socket-sized chunks. Prints MB/s.

use std::hint::black_box;

use criterion::{criterion_group, Criterion, Throughput};
use esmtp_playground::protocol::MAX_TEXT_LINE;
use esmtp_playground::server::data::DataReceiver;
use esmtp_playground::server::{Peer, Server, ServerConfig, HARD_MESSAGE_CAP};

const BODY_SIZE: usize = 10 * 1024 * 1024;

/// Header block, then 76-octet lines (base64-like), every 50th starting with a
/// stuffed dot, ending with CRLF.CRLF.
fn body() -> Vec<u8> {
    let mut bytes =
        b"From: alice@example.net\r\nTo: bob@example.org\r\nSubject: bench\r\n\r\n".to_vec();
    let line: Vec<u8> = (0..76)
        .map(|i| b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[i % 64])
        .collect();
    let mut n = 0;
    while bytes.len() < BODY_SIZE {
        if n % 50 == 0 {
            bytes.extend_from_slice(b"..");
        }
        bytes.extend_from_slice(&line);
        bytes.extend_from_slice(b"\r\n");
        n += 1;
    }
    bytes.extend_from_slice(b".\r\n");
    bytes
}

#[inline(never)]
fn ours(body: &[u8]) -> usize {
    let mut receiver = DataReceiver::new(HARD_MESSAGE_CAP, MAX_TEXT_LINE, false);
    let mut input = body;
    receiver
        .receive(&mut input)
        .map_or(0, |done| done.text.len())
}

#[inline(never)]
fn smtp_proto(body: &[u8]) -> usize {
    let mut receiver = smtp_proto::request::receiver::DataReceiver::new();
    let mut text = Vec::new();
    let mut iter = body.iter();
    let done = receiver.ingest(&mut iter, &mut text);
    if done {
        text.len()
    } else {
        0
    }
}

fn whole_server(session: &[u8]) -> usize {
    let config = ServerConfig {
        max_message_size: None,
        ..ServerConfig::default()
    };
    let peer = Peer {
        address: "192.0.2.10".into(),
    };
    let mut server = Server::new(config, peer, 0, 1);
    for chunk in session.chunks(64 * 1024) {
        server.receive(chunk, 0);
    }
    server.poll_delivery().map_or(0, |d| d.message.len())
}

fn data_reception(c: &mut Criterion) {
    let body = body();
    let ours_len = ours(&body);
    assert!(ours_len > BODY_SIZE / 2, "ours received the body");
    assert_eq!(ours_len, smtp_proto(&body), "both store the same text");
    let mut session =
        b"EHLO c.example\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n"
            .to_vec();
    session.extend_from_slice(&body);
    assert!(whole_server(&session) > ours_len, "the server delivered it");

    let mut group = c.benchmark_group("data_reception_10MB");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("esmtp-playground", |b| b.iter(|| ours(black_box(&body))));
    group.bench_function("smtp-proto", |b| b.iter(|| smtp_proto(black_box(&body))));
    group.bench_function("esmtp-playground whole server", |b| {
        b.iter(|| whole_server(black_box(&session)))
    });
    group.finish();
}

criterion_group!(benches, data_reception);

/// `CALLGRIND_RUN=ours` or `=smtp-proto` receives the body once and exits, for a
/// load-independent instruction count:
/// `CALLGRIND_RUN=ours valgrind --tool=callgrind --toggle-collect='*data_reception::ours*' <bench binary>`.
fn main() {
    match std::env::var("CALLGRIND_RUN").as_deref() {
        Ok(side) => {
            let body = body();
            let stored = if side == "ours" {
                ours(black_box(&body))
            } else {
                smtp_proto(black_box(&body))
            };
            println!("{side}: {stored} octets stored of {}", body.len());
        }
        Err(_) => {
            benches();
            Criterion::default().configure_from_args().final_summary();
        }
    }
}
