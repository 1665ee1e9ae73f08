//! A scripted POP3 client for the world: sends its lines one at a time, each after the
//! previous response is complete (RFC 1939 §3: one command, one response), and closes
//! after the response to the last. It reads single-line responses and, after a `+OK`
//! to a command that answers with several lines (LIST and UIDL without argument, RETR,
//! TOP, CAPA), reads to the terminating `.` line. It makes no choices of its own: the
//! lines are the scenario's, bad ones included.

use std::collections::VecDeque;

use crate::loopback::Endpoint;
use crate::time::Millis;

/// The longest response line kept while waiting for its end; the rest is dropped, so
/// memory stays bounded whatever the server sends.
const MAX_KEPT_LINE: usize = 4096;

/// What the client reads next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Greeting,
    /// The status line of a response; `true` when a `+OK` starts a multi-line body.
    Status {
        multiline: bool,
    },
    /// Body lines up to the terminating `.`.
    Body,
    /// The response to the last line arrived: nothing more to do.
    Done,
}

/// A POP3 client that plays a list of lines.
#[derive(Debug)]
pub struct LineClient {
    lines: VecDeque<String>,
    line: Vec<u8>,
    expect: Expect,
    output: Vec<u8>,
    closed: bool,
}

impl LineClient {
    /// A client that will send `lines` (without line endings), one per response.
    pub fn new(lines: Vec<String>) -> Self {
        Self {
            lines: lines.into(),
            line: Vec::new(),
            expect: Expect::Greeting,
            output: Vec::new(),
            closed: false,
        }
    }

    fn send_next(&mut self) {
        match self.lines.pop_front() {
            Some(line) => {
                self.expect = Expect::Status {
                    multiline: answers_with_lines(&line),
                };
                self.output.extend_from_slice(line.as_bytes());
                self.output.extend_from_slice(b"\r\n");
            }
            None => {
                self.expect = Expect::Done;
                self.closed = true;
            }
        }
    }

    fn on_line(&mut self, line: &[u8]) {
        match self.expect {
            Expect::Greeting => self.send_next(),
            Expect::Status { multiline } => {
                if multiline && line.starts_with(b"+OK") {
                    self.expect = Expect::Body;
                } else {
                    self.send_next();
                }
            }
            Expect::Body => {
                if line == b"." {
                    self.send_next();
                }
            }
            Expect::Done => {}
        }
    }
}

/// True for the commands whose `+OK` is followed by lines and a final `.` (RFC 1939
/// §5, RFC 2449 §5).
fn answers_with_lines(line: &str) -> bool {
    let mut words = line.split_ascii_whitespace();
    let verb = words.next().unwrap_or_default().to_ascii_uppercase();
    let has_argument = words.next().is_some();
    match verb.as_str() {
        "RETR" | "TOP" | "CAPA" => true,
        "LIST" | "UIDL" => !has_argument,
        _ => false,
    }
}

impl Endpoint for LineClient {
    fn take_output(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.output)
    }

    fn receive(&mut self, input: &[u8], _now: Millis) {
        for &byte in input {
            if self.closed {
                return;
            }
            if byte == b'\n' {
                let mut line = core::mem::take(&mut self.line);
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                self.on_line(&line);
            } else if self.line.len() < MAX_KEPT_LINE {
                self.line.push(byte);
            }
        }
    }

    fn handle_close(&mut self, _now: Millis) {
        self.closed = true;
    }

    fn handle_timeout(&mut self, _now: Millis) {}

    fn poll_timeout(&self) -> Option<Millis> {
        None
    }

    fn is_closed(&self) -> bool {
        self.closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_for_each_response_and_reads_bodies_to_the_dot() {
        let mut client = LineClient::new(vec!["LIST".into(), "QUIT".into()]);
        assert!(client.take_output().is_empty(), "waits for the greeting");
        client.receive(b"+OK ready\r\n", 0);
        assert_eq!(client.take_output(), b"LIST\r\n");
        client.receive(b"+OK 1 messages\r\n1 120\r\n", 0);
        assert!(client.take_output().is_empty(), "body not finished");
        client.receive(b".\r\n", 0);
        assert_eq!(client.take_output(), b"QUIT\r\n");
        client.receive(b"+OK bye\r\n", 0);
        assert!(client.is_closed());
    }

    #[test]
    fn an_error_to_a_multiline_command_has_no_body() {
        let mut client = LineClient::new(vec!["RETR 9".into(), "QUIT".into()]);
        client.receive(b"+OK ready\r\n", 0);
        client.take_output();
        client.receive(b"-ERR no such message\r\n", 0);
        assert_eq!(client.take_output(), b"QUIT\r\n");
    }
}
