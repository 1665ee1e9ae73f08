//! Runs one engine on one TCP connection: write what it wants to send, read with a
//! socket timeout taken from the engine's own deadline (`poll_timeout`), feed the octets
//! or the time back in, until the engine says the session is closed. A thread per
//! connection; memory per connection is one read buffer plus whatever the engine keeps
//! (bounded by the engine). With TLS configured, the socket is read and written through
//! a [`Wire`]: the handshake runs before any SMTP (implicit TLS) or when the engine
//! says STARTTLS was accepted, and the transcript marks where encryption starts.

use std::io::{ErrorKind, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use super::clock::now_ms;
use super::engine::Engine;
use super::tls_door::{TlsSetup, Wire};
use super::transcript::{Side, Transcript};

/// Octets read from the socket at a time.
const READ_CHUNK: usize = 64 * 1024;

/// How the socket is used around the engine.
#[derive(Clone, Debug)]
pub struct DriverOptions {
    /// Which side the engine plays (its output is shown under this marker).
    pub local: Side,
    /// The session must progress (a whole reply or command read, something written)
    /// within this long, whatever the engine's own timers allow: a peer that says
    /// nothing, or drips a reply a line at a time, is given up on. `None` leaves the
    /// bounds to the engine's timers.
    pub transport_timeout: Option<Duration>,
    /// Give up writing to a peer that does not read after this long: a bound on each
    /// whole write, not on each system call, so a peer that reads a little now and
    /// then cannot stretch it.
    pub write_timeout: Duration,
    /// TLS for this connection, if any: implicit, or after STARTTLS.
    pub tls: Option<TlsSetup>,
}

/// Why the driver stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ending {
    /// The engine finished the session (QUIT, 421, ...).
    EngineClosed,
    /// The TLS handshake failed (an untrusted or expired certificate, a peer that does
    /// not speak TLS, a stall): the connection was closed.
    TlsFailed {
        /// What went wrong.
        error: String,
    },
    /// The transport timeout passed without the session progressing.
    PeerSilent {
        /// What the local side was waiting for: `the greeting`, the reply to a command
        /// (`MAIL`), or to the end of data.
        waiting_for: String,
    },
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
    let _ = stream.set_nodelay(true);
    let mut wire = Wire::new(stream);
    let mut tls_failure = None;
    if let Some(setup) = options.tls.as_ref().filter(|setup| setup.implicit) {
        tls_failure = start_tls(&mut wire, setup, engine, transcript, peer).err();
    }
    let mut buffer = vec![0u8; READ_CHUNK];
    let mut progressed_at = Instant::now();
    let mut waiting_for = String::from("the greeting");
    let ending = loop {
        transcript.set_message_text(engine.in_message_text());
        // The hook first: a server stores a message, then the engine answers its end
        // of data, and only then is the output taken.
        after_step(engine, transcript);
        let output = engine.take_output();
        let notes = engine.take_notes();
        if !notes.is_empty() || !output.is_empty() {
            progressed_at = Instant::now();
        }
        if let Some(step) = last_step(&output) {
            waiting_for = step;
        }
        transcript.step(options.local, notes, &output);
        if !output.is_empty() {
            let octets = wire.encode(&output);
            if let Err(error) = write_within(wire.stream(), &octets, options.write_timeout) {
                transcript.info(&format!("write failed: {error}"));
                engine.handle_close(now_ms());
            }
        }
        transcript.flush();
        if engine.is_closed() {
            break match tls_failure {
                Some(error) => Ending::TlsFailed { error },
                None => Ending::EngineClosed,
            };
        }
        if engine.tls_pending() && !wire.is_encrypted() {
            match options.tls.as_ref() {
                Some(setup) => {
                    tls_failure = start_tls(&mut wire, setup, engine, transcript, peer).err();
                }
                None => {
                    transcript.info("STARTTLS was accepted but no TLS is configured; closing");
                    engine.handle_close(now_ms());
                }
            }
            progressed_at = Instant::now();
            continue;
        }
        let deadline = engine.poll_timeout();
        let engine_wait = match deadline {
            Some(at) => match at.checked_sub(now_ms()) {
                Some(left) if left > 0 => Some(Duration::from_millis(left)),
                _ => {
                    engine.handle_timeout(now_ms());
                    continue;
                }
            },
            None => None,
        };
        let progress_wait = options
            .transport_timeout
            .map(|bound| bound.saturating_sub(progressed_at.elapsed()));
        if progress_wait == Some(Duration::ZERO) {
            break give_up(engine, transcript, &options, peer, waiting_for);
        }
        let wait = match (engine_wait, progress_wait) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        // A zero timeout is an error for the socket API; a millisecond is as good.
        let _ = wire
            .stream()
            .set_read_timeout(wait.map(|w| w.max(Duration::from_millis(1))));
        match wire.read(&mut buffer) {
            Ok(None) => {
                transcript.info(&format!("{} closed the connection", describe(peer)));
                engine.handle_close(now_ms());
            }
            // A TLS record still incomplete: nothing for the engine yet.
            Ok(Some(octets)) if octets.is_empty() => {}
            Ok(Some(octets)) => {
                transcript.set_message_text(engine.in_message_text());
                transcript.octets(peer, &octets);
                engine.receive(&octets, now_ms());
            }
            Err(error) if is_timeout(&error) => {
                if deadline.is_some_and(|at| now_ms() >= at) {
                    engine.handle_timeout(now_ms());
                }
            }
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(error) => {
                transcript.info(&format!("read failed: {error}"));
                engine.handle_close(now_ms());
            }
        }
    };
    wire.close();
    let _ = wire.stream().shutdown(Shutdown::Write);
    transcript.finish();
    ending
}

/// Runs the TLS handshake and tells the engine; the transcript shows what was
/// negotiated and marks where encryption starts. A failed handshake closes the session
/// and says why.
fn start_tls<E: Engine>(
    wire: &mut Wire<'_>,
    setup: &TlsSetup,
    engine: &mut E,
    transcript: &mut Transcript,
    peer: Side,
) -> Result<(), String> {
    transcript.info("TLS handshake starts");
    transcript.flush();
    match wire.handshake(setup) {
        Ok((summary, early)) => {
            for line in summary.lines() {
                transcript.info(&format!("TLS: {line}"));
            }
            transcript.info("encryption starts: lines marked with ~ travel encrypted");
            transcript.set_encrypted(true);
            engine.tls_established(summary, now_ms());
            if !early.is_empty() {
                transcript.octets(peer, &early);
                engine.receive(&early, now_ms());
            }
            Ok(())
        }
        Err(error) => {
            transcript.info(&format!("TLS handshake failed: {error}; closing"));
            engine.handle_close(now_ms());
            Err(error.to_string())
        }
    }
}

/// Writes all of `octets` within `limit`, however the peer reads.
fn write_within(stream: &mut TcpStream, mut octets: &[u8], limit: Duration) -> std::io::Result<()> {
    let deadline = Instant::now() + limit;
    while !octets.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::Error::new(
                ErrorKind::TimedOut,
                format!(
                    "the peer did not read the reply within {} s",
                    limit.as_secs()
                ),
            ));
        }
        stream.set_write_timeout(Some(left.max(Duration::from_millis(1))))?;
        match stream.write(octets) {
            Ok(0) => return Err(ErrorKind::WriteZero.into()),
            Ok(written) => octets = octets.get(written..).unwrap_or_default(),
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(error) if is_timeout(&error) => {
                return Err(std::io::Error::new(
                    ErrorKind::TimedOut,
                    format!(
                        "the peer did not read the reply within {} s",
                        limit.as_secs()
                    ),
                ))
            }
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// The transport timeout fired: say what was awaited, and close the engine.
fn give_up<E: Engine>(
    engine: &mut E,
    transcript: &mut Transcript,
    options: &DriverOptions,
    peer: Side,
    waiting_for: String,
) -> Ending {
    transcript.info(&format!(
        "no complete answer from the {} to {waiting_for} within {} s; giving up",
        describe(peer),
        options.transport_timeout.unwrap_or_default().as_secs()
    ));
    engine.handle_close(now_ms());
    let output = engine.take_output();
    transcript.step(options.local, engine.take_notes(), &output);
    Ending::PeerSilent { waiting_for }
}

/// What the peer now owes an answer to, from the last line the local side wrote: a
/// command verb (`MAIL`), the end of data, or `None` when nothing was written.
fn last_step(output: &[u8]) -> Option<String> {
    let text = output.strip_suffix(b"\r\n").unwrap_or(output);
    if text.is_empty() {
        return None;
    }
    let line = text.rsplit(|&b| b == b'\n').next().unwrap_or(text);
    let word = line
        .split(|&b| b == b' ' || b == b':')
        .next()
        .unwrap_or(line);
    Some(if line == b"." {
        "the end of data".to_owned()
    } else if !word.is_empty() && word.len() <= 10 && word.iter().all(u8::is_ascii_uppercase) {
        String::from_utf8_lossy(word).into_owned()
    } else {
        "the last line sent".to_owned()
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn a_peer_reading_a_little_now_and_then_cannot_stretch_a_write() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut writer = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (mut reader, _) = listener.accept().unwrap();
        let trickle = std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            for _ in 0..40 {
                if matches!(reader.read(&mut buffer), Ok(0) | Err(_)) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        let octets = vec![b'x'; 64 * 1024 * 1024];
        let error = write_within(&mut writer, &octets, Duration::from_secs(1)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::TimedOut);
        assert!(error.to_string().contains("within 1 s"), "{error}");
        drop(writer);
        trickle.join().unwrap();
    }

    #[test]
    fn the_awaited_step_is_named_from_the_last_line_written() {
        assert_eq!(last_step(b""), None);
        assert_eq!(last_step(b"EHLO c.example\r\n").as_deref(), Some("EHLO"));
        assert_eq!(
            last_step(b"MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\n").as_deref(),
            Some("RCPT")
        );
        assert_eq!(
            last_step(b"Subject: x\r\n\r\nbody\r\n.\r\n").as_deref(),
            Some("the end of data")
        );
        assert_eq!(
            last_step(b"dGVzdA==\r\n").as_deref(),
            Some("the last line sent")
        );
    }
}
