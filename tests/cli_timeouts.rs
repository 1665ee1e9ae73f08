//! The idle timeout and the connection bound, for real over TCP.

mod cli_support;

use cli_support::{connect, read_to_close, read_until, write, Served};

#[test]
fn half_a_line_then_silence_gets_421_4_4_2() {
    let served = Served::start("idle", &["--idle-timeout", "1"]);
    let mut stream = connect(&served.address);
    let greeting = read_until(&mut stream, "\r\n");
    assert!(greeting.starts_with("220 "), "{greeting}");
    write(&mut stream, b"EHLO half.example\r\nMAIL FROM:<a@exa");
    let rest = read_to_close(&mut stream);
    assert!(rest.contains("250 SMTPUTF8\r\n"), "{rest}");
    assert!(rest.ends_with("\r\n"), "{rest}");
    let last = rest.lines().last().unwrap();
    assert!(last.starts_with("421 4.4.2 "), "{rest}");
}

#[test]
fn connections_over_the_bound_get_421_and_the_first_is_still_served() {
    let served = Served::start("bound", &["--max-connections", "1"]);
    let mut first = connect(&served.address);
    assert!(read_until(&mut first, "\r\n").starts_with("220 "));
    let mut second = connect(&served.address);
    let refused = read_to_close(&mut second);
    assert!(refused.starts_with("421 4.3.2 "), "{refused}");
    write(&mut first, b"NOOP\r\n");
    assert!(read_until(&mut first, "\r\n").starts_with("250 "));
    write(&mut first, b"QUIT\r\n");
    assert!(read_to_close(&mut first).starts_with("221 "));
}
