//! Runs one engine on one TCP connection: write what it wants to send, read with a
//! socket timeout taken from the engine's own deadline (`poll_timeout`), feed the octets
//! or the time back in, until the engine says the session is closed. A thread per
//! connection; memory per connection is one read buffer plus whatever the engine keeps
//! (bounded by the engine).

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

use super::clock::now_ms;
use super::engine::Engine;
use super::transcript::{Side, Transcript};

/// Octets read from the socket at a time.
const READ_CHUNK: usize = 64 * 1024;

/// How the socket is used around the engine.
#[derive(Clone, Copy, Debug)]
pub struct DriverOptions {
    /// Which side the engine plays (its output is shown under this marker).
    pub local: Side,
    /// Wait at most this long for the peer when the engine has no deadline of its own;
    /// `None` waits for ever.
    pub transport_timeout: Option<Duration>,
    /// Give up writing to a peer that does not read after this long.
    pub write_timeout: Duration,
}

/// Why the driver stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ending {
    /// The engine finished the session (QUIT, 421, ...).
    EngineClosed,
    /// The transport timeout passed with no octet from the peer.
    PeerSilent,
}

/// Drives `engine` on `stream` until the session is over. `after_step` runs after each
/// step, e.g. to store the messages a server accepted.
pub fn drive<E: Engine>(
    stream: &mut TcpStream,
    engine: &mut E,
    transcript: &mut Transcript,
    options: DriverOptions,
    after_step: &mut dyn FnMut(&mut E, &mut Transcript),
) -> Ending {
    let peer = match options.local {
        Side::Client => Side::Server,
        Side::Server => Side::Client,
    };
    // A failure here only loses the bound, which the engine's own timer still gives.
    let _ = stream.set_write_timeout(Some(options.write_timeout));
    let _ = stream.set_nodelay(true);
    let mut buffer = vec![0u8; READ_CHUNK];
    let ending = loop {
        // The hook first: a server stores a message, then the engine answers its end
        // of data, and only then is the output taken.
        after_step(engine, transcript);
        let output = engine.take_output();
        transcript.step(options.local, engine.take_notes(), &output);
        if !output.is_empty() {
            if let Err(error) = stream.write_all(&output) {
                transcript.info(&format!("write failed: {error}"));
                engine.handle_close(now_ms());
            }
        }
        transcript.flush();
        if engine.is_closed() {
            break Ending::EngineClosed;
        }
        let deadline = engine.poll_timeout();
        let wait = match deadline {
            Some(at) => match at.checked_sub(now_ms()) {
                Some(left) if left > 0 => Some(Duration::from_millis(left)),
                _ => {
                    engine.handle_timeout(now_ms());
                    continue;
                }
            },
            None => options.transport_timeout,
        };
        // A zero timeout is an error for the socket API; a millisecond is as good.
        let _ = stream.set_read_timeout(wait.map(|w| w.max(Duration::from_millis(1))));
        match stream.read(&mut buffer) {
            Ok(0) => {
                transcript.info(&format!("{} closed the connection", describe(peer)));
                engine.handle_close(now_ms());
            }
            Ok(count) => {
                let octets = buffer.get(..count).unwrap_or_default();
                transcript.octets(peer, octets);
                engine.receive(octets, now_ms());
            }
            Err(error) if is_timeout(&error) => {
                if deadline.is_some() {
                    engine.handle_timeout(now_ms());
                } else {
                    transcript.info(&format!(
                        "no octet from the {} within the timeout; giving up",
                        describe(peer)
                    ));
                    engine.handle_close(now_ms());
                    let output = engine.take_output();
                    transcript.step(options.local, engine.take_notes(), &output);
                    break Ending::PeerSilent;
                }
            }
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(error) => {
                transcript.info(&format!("read failed: {error}"));
                engine.handle_close(now_ms());
            }
        }
    };
    let _ = stream.shutdown(Shutdown::Write);
    transcript.finish();
    ending
}

fn is_timeout(error: &std::io::Error) -> bool {
    matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

fn describe(side: Side) -> &'static str {
    match side {
        Side::Client => "client",
        Side::Server => "server",
    }
}
