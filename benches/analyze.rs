//! How long the transcript analyzer takes on a 10,000-line swaks log (one EHLO, then
//! transactions of MAIL, RCPT, DATA and a message, each line judged), and on the same
//! session as a pcap-free C:/S: paste. Prints lines/s; no assertions.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use esmtp_playground::analyze::{analyze, Options};

/// A swaks-style log of `lines` lines or a little more.
fn swaks_log(lines: usize) -> String {
    let mut log = String::from(
        "=== Trying 127.0.0.1:2525...\n<-  220 mx.example.org ESMTP\n -> EHLO client.example\n\
         <-  250-mx.example.org\n<-  250-PIPELINING\n<-  250-SIZE 10240000\n<-  250 8BITMIME\n",
    );
    let mut count = 7;
    let mut id = 0;
    while count < lines {
        id += 1;
        log.push_str(&format!(
            " -> MAIL FROM:<alice@example.net> SIZE=1200\n<-  250 2.1.0 Ok\n -> RCPT TO:<bob{id}@example.org>\n\
             <-  250 2.1.5 Ok\n -> DATA\n<-  354 End data with <CR><LF>.<CR><LF>\n -> Subject: message {id}\n -> \n"
        ));
        for line in 0..20 {
            log.push_str(&format!(
                " -> Line {line} of the message body, plain ASCII text.\n"
            ));
        }
        log.push_str(" -> .\n<-  250 2.0.0 Ok: queued\n");
        count += 30;
    }
    log.push_str(" -> QUIT\n<-  221 2.0.0 Bye\n");
    log
}

fn analysis(c: &mut Criterion) {
    let log = swaks_log(10_000);
    let lines = log.lines().count() as u64;
    let cs = log.replace(" -> ", "C: ").replace("<-  ", "S: ");
    let findings = analyze(log.as_bytes(), &Options::default()).map(|a| a.findings.len());
    println!(
        "{lines}-line swaks log, {} octets: {findings:?} findings",
        log.len()
    );
    let mut group = c.benchmark_group("analyze_10000_lines");
    group.throughput(Throughput::Elements(lines));
    group.bench_function("swaks", |b| {
        b.iter(|| analyze(black_box(log.as_bytes()), &Options::default()))
    });
    group.bench_function("cs", |b| {
        b.iter(|| analyze(black_box(cs.as_bytes()), &Options::default()))
    });
    group.finish();
}

criterion_group!(benches, analysis);
criterion_main!(benches);
