//! Command parsing over a realistic corpus, beside Stalwart's smtp-proto doing the same
//! work on the same bytes: split the stream into lines and parse each command, MAIL
//! parameters included. Both parsers borrow from the input (smtp-proto's receiver hands
//! out `Request<Cow<str>>`, ours `Command<&str>`); a third run measures our parse into
//! owned commands, as the server keeps them. Prints commands/s; no assertions.

use std::hint::black_box;

use criterion::{criterion_group, Criterion, Throughput};
use esmtp_playground::protocol::{
    Command, LineReader, MailParameters, OfferedParameters, MAX_COMMAND_LINE,
};

/// One realistic session's commands, as clients send them (swaks, Postfix, smtplib).
const SESSION: &[&str] = &[
    "EHLO client.example.net",
    "MAIL FROM:<alice@example.net> SIZE=48213 BODY=8BITMIME",
    "RCPT TO:<bob@example.org>",
    "RCPT TO:<carol.smith@sub.example.org>",
    "RCPT TO:<\"dave jones\"@example.org>",
    "DATA",
    "RSET",
    "MAIL FROM:<>",
    "RCPT TO:<postmaster@example.org>",
    "NOOP",
    "HELO mail.example.com",
    "MAIL FROM:<bounce-12345-alice=example.net@lists.example.com> BODY=7BIT",
    "RCPT TO:<user+tag@[192.0.2.1]>",
    "VRFY bob",
    "QUIT",
];

fn corpus(copies: usize) -> (Vec<u8>, u64) {
    let mut bytes = Vec::new();
    for _ in 0..copies {
        for line in SESSION {
            bytes.extend_from_slice(line.as_bytes());
            bytes.extend_from_slice(b"\r\n");
        }
    }
    (bytes, (copies * SESSION.len()) as u64)
}

const OFFERED: OfferedParameters = OfferedParameters {
    size: true,
    eight_bit_mime: true,
    smtputf8: true,
    binary_mime: false,
    dsn: true,
};

#[inline(never)]
fn ours(corpus: &[u8]) -> usize {
    let mut reader = LineReader::new(MAX_COMMAND_LINE);
    let mut input = corpus;
    let mut parsed = 0;
    while let Some((line, _)) = reader.next_line(&mut input) {
        if let Ok(command) = Command::parse_borrowed(line) {
            if let Command::Mail { parameters, .. } = &command {
                black_box(MailParameters::parse(parameters, OFFERED).ok());
            }
            black_box(&command);
            parsed += 1;
        }
    }
    parsed
}

#[inline(never)]
fn smtp_proto(corpus: &[u8]) -> usize {
    let mut receiver = smtp_proto::request::receiver::RequestReceiver::default();
    let mut iter = corpus.iter();
    let mut parsed = 0;
    loop {
        match receiver.ingest(&mut iter) {
            Ok(request) => {
                black_box(&request);
                parsed += 1;
            }
            Err(smtp_proto::Error::NeedsMoreData { .. }) => break,
            Err(error) => {
                black_box(error);
            }
        }
    }
    parsed
}

fn command_parsing(c: &mut Criterion) {
    let (bytes, commands) = corpus(1_000);
    assert_eq!(ours(&bytes) as u64, commands, "ours parses every command");
    let refused: Vec<_> = SESSION
        .iter()
        .filter(|line| smtp_proto(format!("{line}\r\n").as_bytes()) == 0)
        .collect();
    println!("smtp-proto refuses {refused:?}; both still read and answer every line");
    let mut group = c.benchmark_group("command_parsing");
    group.throughput(Throughput::Elements(commands));
    group.bench_function("esmtp-playground", |b| b.iter(|| ours(black_box(&bytes))));
    group.bench_function("smtp-proto", |b| b.iter(|| smtp_proto(black_box(&bytes))));
    group.finish();
}

criterion_group!(benches, command_parsing);

/// `CALLGRIND_RUN=ours` or `=smtp-proto` runs that side once over the corpus and exits,
/// for a load-independent instruction count:
/// `CALLGRIND_RUN=ours valgrind --tool=callgrind --toggle-collect='*command_parsing::ours*' <bench binary>`.
fn main() {
    match std::env::var("CALLGRIND_RUN").as_deref() {
        Ok(side) => {
            let (bytes, commands) = corpus(1_000);
            let parsed = if side == "ours" {
                ours(black_box(&bytes))
            } else {
                smtp_proto(black_box(&bytes))
            };
            println!("{side}: {parsed} of {commands} commands parsed");
        }
        Err(_) => {
            benches();
            Criterion::default().configure_from_args().final_summary();
        }
    }
}
