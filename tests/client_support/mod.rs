//! A scripted server for client tests: it answers each command line the client sends
//! with a reply chosen by the test, reads DATA and BDAT chunks like a server would, and feeds the
//! replies back whole, line by line or one octet at a time.
#![allow(dead_code)]

use esmtp_playground::client::{Client, ClientEvent, ClientEventKind, ClientSpec};

pub const START: u64 = 1_795_856_400_000;

/// How replies are cut before they reach the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    Whole,
    Lines,
    Bytes,
}

pub const SPLITS: [Split; 3] = [Split::Whole, Split::Lines, Split::Bytes];

/// Answers RCPT TO: gets the address and its position in the transaction.
pub type RcptRule = Box<dyn FnMut(&str, usize) -> String>;

/// Replies by verb.
pub struct Script {
    pub greeting: String,
    pub ehlo: String,
    pub helo: String,
    pub mail: String,
    pub rcpt: RcptRule,
    pub data: String,
    pub end_of_data: String,
    pub rset: String,
    pub quit: String,
    pub other: String,
    /// Replies to AUTH and to each continuation line after a 334, in order; once
    /// used up, `other` answers.
    pub auth: Vec<String>,
}

pub const POSTFIX_EHLO: &str = "250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250 CHUNKING\r\n";

/// Postfix's EHLO reply with CHUNKING discarded (`smtpd_discard_ehlo_keywords =
/// chunking`): the default script, so a test's message goes after DATA; tests of BDAT
/// use [`POSTFIX_EHLO`].
pub const POSTFIX_EHLO_WITHOUT_CHUNKING: &str = "250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 DSN\r\n";

impl Default for Script {
    fn default() -> Self {
        Self {
            greeting: "220 mx.example.org ESMTP\r\n".into(),
            ehlo: POSTFIX_EHLO_WITHOUT_CHUNKING.into(),
            helo: "250 mx.example.org\r\n".into(),
            mail: "250 2.1.0 Ok\r\n".into(),
            rcpt: Box::new(|_, _| "250 2.1.5 Ok\r\n".into()),
            data: "354 End data with <CR><LF>.<CR><LF>\r\n".into(),
            end_of_data: "250 2.0.0 Ok: queued as 1234\r\n".into(),
            rset: "250 2.0.0 Ok\r\n".into(),
            quit: "221 2.0.0 Bye\r\n".into(),
            other: "502 5.5.2 Error: command not recognized\r\n".into(),
            auth: Vec::new(),
        }
    }
}

/// Everything a run produced.
pub struct Run {
    pub client: Client,
    /// Every octet the client sent.
    pub sent: Vec<u8>,
    /// Command lines the client sent, in order (DATA text excluded).
    pub commands: Vec<String>,
    /// Each message received after 354, dot-unstuffed, CRLF kept.
    pub messages: Vec<Vec<u8>>,
    /// Every client event.
    pub events: Vec<ClientEvent>,
    /// Writes the client made (one per `take_output` that returned octets).
    pub writes: usize,
}

impl Run {
    pub fn kinds(&self) -> Vec<&ClientEventKind> {
        self.events.iter().map(|e| &e.kind).collect()
    }

    pub fn verbs(&self) -> Vec<String> {
        self.commands
            .iter()
            .map(|c| c.split([' ', ':']).next().unwrap_or("").to_owned())
            .collect()
    }

    pub fn message_text(&self, index: usize) -> String {
        String::from_utf8(self.messages[index].clone()).unwrap()
    }

    pub fn explanations(&self) -> String {
        self.events
            .iter()
            .map(|e| e.explanation.clone())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

struct Fake {
    script: Script,
    buffer: Vec<u8>,
    in_data: bool,
    message: Vec<u8>,
    rcpt_index: usize,
    commands: Vec<String>,
    messages: Vec<Vec<u8>>,
    in_auth: bool,
    auth_index: usize,
    /// Octets still due for the BDAT chunk being read, and whether it is the LAST.
    chunk_left: usize,
    chunk_last: bool,
}

impl Fake {
    /// Takes the BDAT chunk's octets from the buffer; once whole, the reply: the DATA
    /// reply when it refuses (as a server refuses BDAT without recipients), otherwise
    /// 250 per chunk and the end-of-data reply for the LAST.
    fn read_chunk(&mut self) -> Option<String> {
        let take = self.chunk_left.min(self.buffer.len());
        let octets: Vec<u8> = self.buffer.drain(..take).collect();
        self.message.extend_from_slice(&octets);
        self.chunk_left -= take;
        if self.chunk_left > 0 {
            return None;
        }
        if !self.script.data.starts_with("354") {
            self.message.clear();
            return Some(self.script.data.clone());
        }
        if !self.chunk_last {
            return Some("250 2.0.0 Ok: chunk received\r\n".into());
        }
        self.messages.push(std::mem::take(&mut self.message));
        Some(self.script.end_of_data.clone())
    }

    fn next_auth_reply(&mut self) -> String {
        let reply = self
            .script
            .auth
            .get(self.auth_index)
            .cloned()
            .unwrap_or_else(|| self.script.other.clone());
        self.auth_index += 1;
        self.in_auth = reply.starts_with("334");
        reply
    }

    fn answer(&mut self, octets: &[u8]) -> String {
        self.buffer.extend_from_slice(octets);
        let mut out = String::new();
        loop {
            if self.chunk_left > 0 {
                match self.read_chunk() {
                    Some(reply) => out.push_str(&reply),
                    None => break,
                }
                continue;
            }
            let Some(at) = self.buffer.windows(2).position(|w| w == b"\r\n") else {
                break;
            };
            let line: Vec<u8> = self.buffer.drain(..at + 2).collect();
            let line = &line[..line.len() - 2];
            if self.in_data {
                if line == b"." {
                    self.in_data = false;
                    self.messages.push(std::mem::take(&mut self.message));
                    out.push_str(&self.script.end_of_data);
                } else {
                    let unstuffed = line.strip_prefix(b".").unwrap_or(line);
                    self.message.extend_from_slice(unstuffed);
                    self.message.extend_from_slice(b"\r\n");
                }
                continue;
            }
            let text = String::from_utf8_lossy(line).into_owned();
            self.commands.push(text.clone());
            let upper = text.to_ascii_uppercase();
            let reply = if self.in_auth || upper.starts_with("AUTH ") {
                self.next_auth_reply()
            } else if upper.starts_with("EHLO ") {
                self.script.ehlo.clone()
            } else if upper.starts_with("HELO ") {
                self.script.helo.clone()
            } else if upper.starts_with("MAIL FROM:") {
                self.rcpt_index = 0;
                self.script.mail.clone()
            } else if let Some(rest) = upper.strip_prefix("RCPT TO:<") {
                let address = rest.split('>').next().unwrap_or("").to_ascii_lowercase();
                self.rcpt_index += 1;
                (self.script.rcpt)(&address, self.rcpt_index)
            } else if upper == "DATA" {
                let reply = self.script.data.clone();
                if reply.starts_with("354") {
                    self.in_data = true;
                }
                reply
            } else if let Some(args) = upper.strip_prefix("BDAT ") {
                let mut words = args.split(' ');
                self.chunk_left = words.next().and_then(|n| n.parse().ok()).unwrap_or(0);
                self.chunk_last = words.next() == Some("LAST");
                if self.chunk_left > 0 {
                    continue;
                }
                self.read_chunk().unwrap_or_default()
            } else if upper == "RSET" {
                self.script.rset.clone()
            } else if upper == "QUIT" {
                self.script.quit.clone()
            } else {
                self.script.other.clone()
            };
            out.push_str(&reply);
        }
        out
    }
}

fn feed(client: &mut Client, octets: &[u8], split: Split, now: u64) {
    match split {
        Split::Whole => client.receive(octets, now),
        Split::Lines => {
            for line in octets.split_inclusive(|b| *b == b'\n') {
                client.receive(line, now);
            }
        }
        Split::Bytes => {
            for byte in octets {
                client.receive(std::slice::from_ref(byte), now);
            }
        }
    }
}

/// Every LF the client sends is preceded by CR, and every CR is followed by LF.
pub fn assert_crlf_only(octets: &[u8]) {
    for (at, byte) in octets.iter().enumerate() {
        if *byte == b'\n' {
            assert_eq!(
                at.checked_sub(1).map(|p| octets[p]),
                Some(b'\r'),
                "bare LF at {at}"
            );
        }
        if *byte == b'\r' {
            assert_eq!(octets.get(at + 1), Some(&b'\n'), "bare CR at {at}");
        }
    }
}

/// Runs `spec` against `script` until the client stops sending.
pub fn run(spec: ClientSpec, script: Script, split: Split) -> Run {
    let mut client = Client::new(spec, START, 7).expect("valid spec");
    let mut fake = Fake {
        script,
        buffer: Vec::new(),
        in_data: false,
        message: Vec::new(),
        rcpt_index: 0,
        commands: Vec::new(),
        messages: Vec::new(),
        in_auth: false,
        auth_index: 0,
        chunk_left: 0,
        chunk_last: false,
    };
    let mut now = START;
    let mut sent = Vec::new();
    let mut events = Vec::new();
    let mut writes = 0;
    let greeting = fake.script.greeting.clone();
    feed(&mut client, greeting.as_bytes(), split, now);
    for _ in 0..1000 {
        let out = client.take_output();
        if out.is_empty() {
            break;
        }
        writes += 1;
        sent.extend_from_slice(&out);
        now += 10;
        let replies = fake.answer(&out);
        if client.is_closed() {
            break;
        }
        feed(&mut client, replies.as_bytes(), split, now);
    }
    while let Some(event) = client.poll_event() {
        events.push(event);
    }
    assert_crlf_only(&sent);
    for event in &events {
        assert!(event.rfc.starts_with("RFC "), "{event:?}");
        assert!(!event.explanation.is_empty(), "{event:?}");
    }
    Run {
        client,
        sent,
        commands: fake.commands,
        messages: fake.messages,
        events,
        writes,
    }
}

/// Runs the same spec and script with every split and checks they agree on the bytes
/// the client sent; returns the whole-reply run.
pub fn run_all_splits(spec: &ClientSpec, script: impl Fn() -> Script) -> Run {
    let whole = run(spec.clone(), script(), Split::Whole);
    for split in [Split::Lines, Split::Bytes] {
        let other = run(spec.clone(), script(), split);
        assert_eq!(
            String::from_utf8_lossy(&other.sent),
            String::from_utf8_lossy(&whole.sent),
            "{split:?}"
        );
        assert_eq!(
            other.client.decisions(),
            whole.client.decisions(),
            "{split:?}"
        );
    }
    whole
}
