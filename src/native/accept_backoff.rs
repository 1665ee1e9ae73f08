//! What the accept loop does when `accept` fails (too many open files, no memory for a
//! socket): wait before trying again, longer each time up to a second, and log once per
//! interval with a count instead of a line per failure, so a resource shortage costs
//! neither a core nor the disk.

use std::time::{Duration, Instant};

/// First wait after a failure.
const FIRST_WAIT: Duration = Duration::from_millis(10);
/// Longest wait between attempts.
const LONGEST_WAIT: Duration = Duration::from_secs(1);
/// At most one log line per this long.
const LOG_INTERVAL: Duration = Duration::from_secs(10);

/// The accept loop's memory of recent failures.
#[derive(Debug)]
pub struct AcceptBackoff {
    wait: Duration,
    last_log: Option<Instant>,
    unlogged: u64,
}

impl Default for AcceptBackoff {
    fn default() -> Self {
        Self {
            wait: FIRST_WAIT,
            last_log: None,
            unlogged: 0,
        }
    }
}

/// What to do after one failed `accept`.
#[derive(Debug, PartialEq, Eq)]
pub struct AfterFailure {
    /// Sleep this long before the next `accept`.
    pub wait: Duration,
    /// Print this line, if it is time to.
    pub log: Option<String>,
}

impl AcceptBackoff {
    /// An `accept` failed at `now` with `error`.
    pub fn failed(&mut self, now: Instant, error: &std::io::Error) -> AfterFailure {
        self.unlogged = self.unlogged.saturating_add(1);
        let due = self
            .last_log
            .is_none_or(|last| now.duration_since(last) >= LOG_INTERVAL);
        let log = due.then(|| {
            let count = core::mem::take(&mut self.unlogged);
            self.last_log = Some(now);
            format!(
                "accept failed {count} time(s) since the last report: {error} (waiting up to {} ms between attempts)",
                LONGEST_WAIT.as_millis()
            )
        });
        let wait = self.wait;
        self.wait = (self.wait * 2).min(LONGEST_WAIT);
        AfterFailure { wait, log }
    }

    /// An `accept` succeeded: the next failure starts from the short wait again.
    pub fn succeeded(&mut self) {
        self.wait = FIRST_WAIT;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_to_a_second_and_logs_are_one_per_interval() {
        let mut backoff = AcceptBackoff::default();
        let start = Instant::now();
        let error = std::io::Error::other("Too many open files");
        let first = backoff.failed(start, &error);
        assert_eq!(first.wait, FIRST_WAIT);
        assert!(first.log.unwrap().contains("1 time(s)"));
        let mut waits = Vec::new();
        for _ in 0..10 {
            let after = backoff.failed(start + Duration::from_secs(1), &error);
            assert_eq!(after.log, None);
            waits.push(after.wait);
        }
        assert_eq!(waits.last(), Some(&LONGEST_WAIT));
        assert!(waits.windows(2).all(|w| w[0] <= w[1]));
        let later = backoff.failed(start + LOG_INTERVAL, &error);
        assert!(later.log.unwrap().contains("11 time(s)"));
        backoff.succeeded();
        assert_eq!(backoff.failed(start, &error).wait, FIRST_WAIT);
    }
}
