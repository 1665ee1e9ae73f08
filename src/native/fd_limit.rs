//! Whether the process may open enough files for `--max-connections`: each connection
//! holds its socket and, while storing, one file or folder at a time, and the process
//! needs a few of its own. Read from `/proc/self/limits` (Linux); elsewhere the check is
//! skipped and the accept loop's back-off covers a shortage.

use super::NativeError;

/// Descriptors the process needs besides its connections (stdio, the listener, the
/// maildir index, the allocator's and the runtime's own).
const RESERVED: u64 = 32;
/// Descriptors one connection may hold at once (its socket, one file being stored).
const PER_CONNECTION: u64 = 2;

/// Descriptors `max_connections` need.
pub fn needed(max_connections: usize) -> u64 {
    u64::try_from(max_connections)
        .unwrap_or(u64::MAX)
        .saturating_mul(PER_CONNECTION)
        .saturating_add(RESERVED)
}

/// The soft open-file limit, when the system says.
pub fn soft_limit() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    parse_soft_limit(&text)
}

fn parse_soft_limit(limits: &str) -> Option<u64> {
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let soft = line
        .strip_prefix("Max open files")?
        .split_whitespace()
        .next()?;
    match soft {
        "unlimited" => Some(u64::MAX),
        number => number.parse().ok(),
    }
}

/// Refuses a `--max-connections` the open-file limit cannot honour, naming both.
pub fn check(max_connections: usize) -> Result<(), NativeError> {
    let Some(limit) = soft_limit() else {
        return Ok(());
    };
    let needed = needed(max_connections);
    if needed > limit {
        return Err(NativeError::Usage(format!(
            "--max-connections {max_connections} needs about {needed} open files, but this \
             process may open {limit} (ulimit -n); lower --max-connections to {} or raise \
             the limit",
            limit.saturating_sub(RESERVED) / PER_CONNECTION
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_soft_limit_line() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units\n\
                      Max cpu time              unlimited            unlimited            seconds\n\
                      Max open files            1024                 524288               files\n";
        assert_eq!(parse_soft_limit(limits), Some(1024));
        assert_eq!(
            parse_soft_limit("Max open files  unlimited unlimited files\n"),
            Some(u64::MAX)
        );
        assert_eq!(parse_soft_limit("nothing here\n"), None);
        assert_eq!(needed(16), 64);
    }
}
