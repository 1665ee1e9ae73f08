//! Shared by the tests/cli_*.rs files: run the real binary, find the port it bound.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The binary under test.
pub const BINARY: &str = env!("CARGO_BIN_EXE_esmtp-playground");

/// A `serve` process on an OS-chosen loopback port, killed when dropped.
pub struct Served {
    child: Child,
    /// `127.0.0.1:PORT` as printed on the first stdout line.
    pub address: String,
    /// Everything printed on stdout so far.
    pub stdout: Arc<Mutex<String>>,
    /// The maildir, if one was asked for.
    pub maildir: PathBuf,
}

impl Served {
    /// Starts `serve --listen 127.0.0.1:0 --maildir <fresh dir>` plus `extra` flags.
    pub fn start(name: &str, extra: &[&str]) -> Self {
        let maildir = std::env::temp_dir().join(format!("esmtp-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&maildir);
        Self::start_in(maildir, extra, None)
    }

    /// Starts `serve` on `maildir` as it is (e.g. after a crash), optionally with the
    /// open-file limit lowered to `nofile` (through the shell's `ulimit -n`).
    pub fn start_in(maildir: PathBuf, extra: &[&str], nofile: Option<u32>) -> Self {
        let mut child = Self::command(&maildir, extra, nofile)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start serve");
        let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
        let mut first = String::new();
        reader.read_line(&mut first).expect("first line");
        let address = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_owned();
        let stdout = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stdout);
        std::thread::spawn(move || {
            for line in reader.lines() {
                let Ok(line) = line else { break };
                let mut text = sink.lock().unwrap();
                text.push_str(&line);
                text.push('\n');
            }
        });
        Self {
            child,
            address,
            stdout,
            maildir,
        }
    }

    /// The `serve` command line, through `sh -c 'ulimit -n N; exec ...'` when a limit
    /// is asked for.
    pub fn command(maildir: &std::path::Path, extra: &[&str], nofile: Option<u32>) -> Command {
        let mut command = match nofile {
            Some(limit) => {
                let mut shell = Command::new("sh");
                shell
                    .arg("-c")
                    .arg(format!("ulimit -n {limit} && exec \"$0\" \"$@\""))
                    .arg(BINARY);
                shell
            }
            None => Command::new(BINARY),
        };
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--maildir"])
            .arg(maildir)
            .args(extra);
        command
    }

    /// Kills the server at once (SIGKILL), keeping its maildir for a restart.
    pub fn kill_keeping_maildir(mut self) -> PathBuf {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::mem::take(&mut self.maildir)
    }

    /// The server's transcript so far.
    pub fn transcript(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    /// The transcript once it holds `needle`, waiting at most 10 s. The server prints
    /// from its connection threads and a reader thread copies the pipe, so the text can
    /// arrive a moment after the client has finished; returns what is there either way.
    pub fn transcript_containing(&self, needle: &str) -> String {
        self.transcript_within(needle, Duration::from_secs(10))
    }

    /// The transcript once it holds `needle`, waiting at most `limit`.
    pub fn transcript_within(&self, needle: &str, limit: Duration) -> String {
        let deadline = std::time::Instant::now() + limit;
        loop {
            let text = self.transcript();
            if text.contains(needle) || std::time::Instant::now() >= deadline {
                return text;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !self.maildir.as_os_str().is_empty() {
            let _ = std::fs::remove_dir_all(&self.maildir);
        }
    }
}

/// Runs the binary to completion.
pub fn run(args: &[&str]) -> Output {
    Command::new(BINARY)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run binary")
}

/// A raw TCP client with a safety read timeout (a hung server fails the test instead
/// of hanging it).
pub fn connect(address: &str) -> TcpStream {
    let stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream
}

/// Reads until `needle` appears or the connection ends; returns what was read.
pub fn read_until(stream: &mut TcpStream, needle: &str) -> String {
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains(needle) {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => seen.extend_from_slice(&buffer[..n]),
        }
    }
    String::from_utf8_lossy(&seen).into_owned()
}

/// Reads until the peer closes; returns everything.
pub fn read_to_close(stream: &mut TcpStream) -> String {
    let mut seen = Vec::new();
    let _ = stream.read_to_end(&mut seen);
    String::from_utf8_lossy(&seen).into_owned()
}

/// Writes all of `octets`.
pub fn write(stream: &mut TcpStream, octets: &[u8]) {
    stream.write_all(octets).expect("write");
}
