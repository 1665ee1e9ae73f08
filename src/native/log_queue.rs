//! The transcript's way to stdout: connection threads hand finished chunks to one writer
//! thread through a queue bounded in octets, and never wait. When stdout does not keep
//! up (a pipe nobody reads, a slow terminal) chunks are dropped and counted, and the
//! writer says how many once it can write again, so a stalled stdout stalls no session
//! and costs no unbounded memory.

use std::io::Write;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, OnceLock};

/// Most octets waiting to be written; past it, chunks are dropped.
pub const MAX_QUEUED_OCTETS: usize = 8 * 1024 * 1024;
/// Most chunks waiting (each a connection's step).
const MAX_QUEUED_CHUNKS: usize = 4096;

#[derive(Debug, Default)]
struct Counters {
    queued: AtomicUsize,
    dropped: AtomicU64,
}

/// A queue in front of one output, written by its own thread.
#[derive(Clone, Debug)]
pub struct LogQueue {
    sender: SyncSender<Vec<u8>>,
    counters: Arc<Counters>,
}

impl LogQueue {
    /// Starts the writer thread for `out`.
    pub fn start(out: Box<dyn Write + Send>) -> Self {
        let (sender, receiver) = sync_channel(MAX_QUEUED_CHUNKS);
        let counters = Arc::new(Counters::default());
        let shared = Arc::clone(&counters);
        let spawned = std::thread::Builder::new()
            .name("transcript".into())
            .spawn(move || write_out(receiver, out, &shared));
        if let Err(error) = spawned {
            eprintln!("cannot start the transcript writer: {error}");
        }
        Self { sender, counters }
    }

    /// The queue for stdout, shared by the whole process.
    pub fn stdout() -> Self {
        static STDOUT: OnceLock<LogQueue> = OnceLock::new();
        STDOUT
            .get_or_init(|| Self::start(Box::new(std::io::stdout())))
            .clone()
    }

    /// Queues one chunk, or drops it when the queue is full. Never blocks.
    pub fn push(&self, chunk: Vec<u8>) {
        let size = chunk.len();
        let queued = self.counters.queued.fetch_add(size, Ordering::AcqRel);
        if queued.saturating_add(size) > MAX_QUEUED_OCTETS || self.sender.try_send(chunk).is_err() {
            self.counters.queued.fetch_sub(size, Ordering::AcqRel);
            self.counters.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Chunks dropped so far (the writer thread reports them itself).
    #[cfg(test)]
    pub fn dropped(&self) -> u64 {
        self.counters.dropped.load(Ordering::Relaxed)
    }

    /// A `Write` for a [`super::transcript::Transcript`]: each flush queues one chunk.
    pub fn writer(&self) -> QueueWriter {
        QueueWriter {
            queue: self.clone(),
            pending: Vec::new(),
        }
    }
}

fn write_out(receiver: Receiver<Vec<u8>>, mut out: Box<dyn Write + Send>, counters: &Counters) {
    let mut reported = 0u64;
    for chunk in receiver {
        counters.queued.fetch_sub(chunk.len(), Ordering::AcqRel);
        let dropped = counters.dropped.load(Ordering::Relaxed);
        if dropped > reported {
            let note = format!(
                "-- {} transcript chunk(s) dropped: the output was not keeping up\n",
                dropped - reported
            );
            reported = dropped;
            let _ = out.write_all(note.as_bytes());
        }
        // A closed stdout must not stop the server; the transcript is best effort.
        let _ = out.write_all(&chunk);
        let _ = out.flush();
    }
}

/// Gathers a transcript's writes and queues them as one chunk on `flush`.
#[derive(Debug)]
pub struct QueueWriter {
    queue: LogQueue,
    pending: Vec<u8>,
}

impl Write for QueueWriter {
    fn write(&mut self, octets: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(octets);
        Ok(octets.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            self.queue.push(core::mem::take(&mut self.pending));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Barrier, Mutex};

    /// An output that blocks until the test lets it go, then records.
    struct Gate {
        barrier: Arc<Barrier>,
        seen: Arc<Mutex<Vec<u8>>>,
        first: bool,
    }

    impl Write for Gate {
        fn write(&mut self, octets: &[u8]) -> std::io::Result<usize> {
            if self.first {
                self.first = false;
                self.barrier.wait();
            }
            self.seen.lock().unwrap().extend_from_slice(octets);
            Ok(octets.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_stalled_output_drops_and_counts_instead_of_blocking() {
        let barrier = Arc::new(Barrier::new(2));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let queue = LogQueue::start(Box::new(Gate {
            barrier: Arc::clone(&barrier),
            seen: Arc::clone(&seen),
            first: true,
        }));
        let chunk = vec![b'x'; 1024 * 1024];
        // The writer holds the first chunk at the gate; the rest fill the queue.
        for _ in 0..20 {
            queue.push(chunk.clone());
        }
        assert!(queue.dropped() >= 20 - 1 - MAX_QUEUED_OCTETS as u64 / (1024 * 1024));
        barrier.wait();
        for _ in 0..1000 {
            if queue.counters.queued.load(Ordering::Acquire) == 0 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        queue.push(b"after\n".to_vec());
        for _ in 0..500 {
            if seen.lock().unwrap().ends_with(b"after\n") {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let text = String::from_utf8_lossy(&seen.lock().unwrap()).into_owned();
        assert!(
            text.contains("chunk(s) dropped"),
            "{}",
            &text[text.len() - 200..]
        );
        assert!(text.ends_with("after\n"));
    }
}
