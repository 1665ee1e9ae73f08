//! Where `serve --maildir DIR` puts accepted mail: one file per copy per recipient,
//! `DIR/<mailbox folder>/<queue id>.eml`, exactly the octets the engine stored (Received
//! header first), plus one JSON line per copy in `DIR/index.jsonl`.
//!
//! Copies with the very same octets (one message to several recipients: the Received
//! header names none of them) are written once and hard-linked into each folder.
//!
//! What a 250 promises: every copy of the message was written to `DIR/.tmp/`, flushed to
//! disk (`fsync`), then linked into its folder under its final name (the maildir
//! convention: a file is either absent or whole, never half-written where a reader
//! looks), the folders flushed too, and the index lines appended. If any step fails for
//! any copy, every copy of the message is removed again and the engine answers 451 (452
//! when the disk is full): nothing of a refused message stays. A crash can leave files
//! only in `DIR/.tmp/`, which [`Maildir::open`] empties.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use super::NativeError;
use crate::dsn::parameters::DsnRequest;
use crate::server::{Delivery, StoreOutcome};

/// Copies of one message to the same recipient (a repeated RCPT) get `-2`, `-3`... up
/// to this many.
const MAX_DUPLICATES: u32 = 1000;

/// Where copies are written before they are linked into place; the folder encoding never
/// starts with a dot, so no mailbox folder can be named like this.
const TMP: &str = ".tmp";

/// Tells temporary files of one process apart (with the queue id and process id).
static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A folder of delivered messages.
#[derive(Clone, Debug)]
pub struct Maildir {
    root: PathBuf,
}

/// One line of `index.jsonl`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IndexLine<'a> {
    id: &'a str,
    envelope_from: &'a str,
    recipient: &'a str,
    local: bool,
    file: String,
    octets: usize,
    /// The DSN parameters the copy was accepted with (RFC 3461).
    dsn: &'a DsnRequest,
}

/// Why a message could not be stored; every copy written so far has been removed.
#[derive(Debug)]
pub struct StoreError {
    /// The recipient whose copy failed, when one did.
    pub recipient: Option<String>,
    /// What the operating system said.
    pub error: std::io::Error,
}

impl StoreError {
    /// The outcome the engine answers with: 452 4.3.1 for a full disk or quota, else
    /// 451 4.3.0.
    pub fn outcome(&self) -> StoreOutcome {
        let reason = self.to_string();
        match self.error.kind() {
            ErrorKind::StorageFull | ErrorKind::QuotaExceeded => StoreOutcome::NoSpace { reason },
            _ => StoreOutcome::Failed { reason },
        }
    }
}

impl core::fmt::Display for StoreError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match &self.recipient {
            Some(recipient) => write!(f, "the copy for {recipient}: {}", self.error),
            None => write!(f, "{}", self.error),
        }
    }
}

/// A copy written to `.tmp/`, then linked into place.
struct Staged {
    temporary: PathBuf,
    placed: Option<PathBuf>,
}

impl Maildir {
    /// Creates the folder if needed, and removes what a crash left half-written.
    pub fn open(root: &Path) -> Result<Self, NativeError> {
        let tmp = root.join(TMP);
        fs::create_dir_all(&tmp).map_err(|e| {
            NativeError::Io(format!("cannot create maildir {}: {e}", root.display()))
        })?;
        let entries = fs::read_dir(&tmp)
            .map_err(|e| NativeError::Io(format!("cannot read {}: {e}", tmp.display())))?;
        for entry in entries.flatten() {
            let _ = fs::remove_file(entry.path());
        }
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    /// Stores every copy of one message, all or nothing; returns their paths in order.
    pub fn store_message(&self, copies: &[Delivery]) -> Result<Vec<PathBuf>, StoreError> {
        let mut staged: Vec<Staged> = Vec::with_capacity(copies.len());
        let result = self.stage_and_place(copies, &mut staged);
        if result.is_err() {
            for copy in &staged {
                if let Some(placed) = &copy.placed {
                    let _ = fs::remove_file(placed);
                }
                let _ = fs::remove_file(&copy.temporary);
            }
        }
        result
    }

    fn stage_and_place(
        &self,
        copies: &[Delivery],
        staged: &mut Vec<Staged>,
    ) -> Result<Vec<PathBuf>, StoreError> {
        let tmp = self.root.join(TMP);
        for (index, copy) in copies.iter().enumerate() {
            // Copies with the very same octets share one file, linked into each folder.
            let earlier = copies
                .iter()
                .zip(staged.iter())
                .take(index)
                .find(|(other, _)| other.message.is_shared_with(&copy.message));
            if let Some((_, stage)) = earlier {
                let temporary = stage.temporary.clone();
                staged.push(Staged {
                    temporary,
                    placed: None,
                });
                continue;
            }
            let temporary = tmp.join(temporary_name(&copy.id));
            staged.push(Staged {
                temporary: temporary.clone(),
                placed: None,
            });
            write_synced(&temporary, copy).map_err(|e| failed(copy, e))?;
        }
        let mut folders: Vec<PathBuf> = Vec::new();
        for (copy, stage) in copies.iter().zip(staged.iter_mut()) {
            let folder = self.root.join(folder_name(&copy.recipient));
            fs::create_dir_all(&folder).map_err(|e| failed(copy, e))?;
            let placed =
                link_unique(&stage.temporary, &folder, &copy.id).map_err(|e| failed(copy, e))?;
            stage.placed = Some(placed);
            if !folders.contains(&folder) {
                folders.push(folder);
            }
        }
        for folder in &folders {
            sync_folder(folder).map_err(|error| StoreError {
                recipient: None,
                error,
            })?;
        }
        let paths: Vec<PathBuf> = staged.iter().filter_map(|s| s.placed.clone()).collect();
        self.append_index(copies, &paths)
            .map_err(|error| StoreError {
                recipient: None,
                error,
            })?;
        for stage in staged.iter() {
            let _ = fs::remove_file(&stage.temporary);
        }
        Ok(paths)
    }

    /// One append for the whole message: `O_APPEND` keeps concurrent connections' lines
    /// whole, and the message's lines together.
    fn append_index(&self, copies: &[Delivery], paths: &[PathBuf]) -> std::io::Result<()> {
        let mut text = String::new();
        for (copy, path) in copies.iter().zip(paths) {
            let relative = path
                .strip_prefix(&self.root)
                .unwrap_or(path)
                .display()
                .to_string();
            let line = IndexLine {
                id: &copy.id,
                envelope_from: &copy.envelope_from,
                recipient: &copy.recipient,
                local: copy.local,
                file: relative,
                octets: copy.message.len(),
                dsn: &copy.dsn,
            };
            text.push_str(&serde_json::to_string(&line).map_err(std::io::Error::other)?);
            text.push('\n');
        }
        let mut index = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.root.join("index.jsonl"))?;
        index.write_all(text.as_bytes())?;
        index.sync_data()
    }
}

fn failed(copy: &Delivery, error: std::io::Error) -> StoreError {
    StoreError {
        recipient: Some(copy.recipient.clone()),
        error,
    }
}

fn temporary_name(id: &str) -> String {
    let count = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{id}.{}.{count}", std::process::id())
}

/// Writes the copy's parts (trace header, shared text) and flushes them to the disk.
fn write_synced(path: &Path, copy: &Delivery) -> std::io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
    for part in copy.message.parts() {
        file.write_all(part)?;
    }
    file.sync_all()
}

/// Links the finished file into `folder` under the first free name: a hard link never
/// replaces an existing file, so two copies can never take the same name.
fn link_unique(temporary: &Path, folder: &Path, id: &str) -> std::io::Result<PathBuf> {
    for copy in 1..=MAX_DUPLICATES {
        let name = if copy == 1 {
            format!("{id}.eml")
        } else {
            format!("{id}-{copy}.eml")
        };
        let path = folder.join(name);
        match fs::hard_link(temporary, &path) {
            Ok(()) => return Ok(path),
            Err(error) if error.kind() == ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        }
    }
    Err(std::io::Error::other("too many copies of one message"))
}

/// Makes the new directory entries durable (a file's `fsync` does not cover its name).
fn sync_folder(folder: &Path) -> std::io::Result<()> {
    File::open(folder)?.sync_all()
}

/// A recipient address as a folder name, reversibly: the domain lower-cased (domains are
/// case-insensitive), then every octet outside `[a-z0-9@._+-]`, and a leading dot,
/// written `%XX` (upper-case hex), so distinct mailboxes never share a folder, the name
/// stays inside DIR (no `/`, never `.` or `..`), and it means the same on a
/// case-insensitive file system.
pub fn folder_name(recipient: &str) -> String {
    let canonical = match recipient.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_ascii_lowercase()),
        None => recipient.to_owned(),
    };
    let mut name = String::with_capacity(canonical.len());
    for (index, octet) in canonical.bytes().enumerate() {
        let plain = octet.is_ascii_lowercase()
            || octet.is_ascii_digit()
            || b"@_+-".contains(&octet)
            || (octet == b'.' && index > 0);
        if plain {
            name.push(char::from(octet));
        } else {
            name.push_str(&format!("%{octet:02X}"));
        }
    }
    if name.is_empty() {
        name.push_str("%00");
    }
    name
}

/// The recipient a folder name stands for (the inverse of [`folder_name`], up to the
/// domain's case); `None` for a name [`folder_name`] never makes.
pub fn recipient_of(folder: &str) -> Option<String> {
    if folder == "%00" {
        return Some(String::new());
    }
    let mut octets = Vec::with_capacity(folder.len());
    let mut rest = folder.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        if first == b'%' {
            let hex = tail.get(..2)?;
            let text = core::str::from_utf8(hex).ok()?;
            octets.push(u8::from_str_radix(text, 16).ok()?);
            rest = tail.get(2..)?;
        } else {
            octets.push(first);
            rest = tail;
        }
    }
    String::from_utf8(octets).ok()
}

// Test code only: its unwraps run on fixed test inputs.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::CopyText;
    use std::sync::Arc;

    #[test]
    fn folder_names_stay_inside_the_root_and_never_collide() {
        assert_eq!(folder_name("bob@Example.org"), "bob@example.org");
        assert_eq!(folder_name("Bob@x"), "%42ob@x");
        assert_eq!(folder_name("\"../../etc\"@x"), "%22..%2F..%2Fetc%22@x");
        assert_eq!(folder_name(".hidden@x"), "%2Ehidden@x");
        assert_eq!(folder_name(""), "%00");
        let names: Vec<String> = [
            "a/b@example.org",
            "a_b@example.org",
            "a?b@example.org",
            "a%2Fb@example.org",
        ]
        .iter()
        .map(|r| folder_name(r))
        .collect();
        for (i, a) in names.iter().enumerate() {
            for b in names.iter().skip(i + 1) {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn folder_names_decode_to_the_recipient() {
        for recipient in [
            "a/b@example.org",
            "\"x y\"@example.org",
            "é@example.org",
            "a%b@x",
            ".x@y",
            "Bob@x",
            "",
        ] {
            assert_eq!(
                recipient_of(&folder_name(recipient)).as_deref(),
                Some(recipient)
            );
        }
        assert_eq!(recipient_of("%4"), None);
        assert_eq!(recipient_of("%GG"), None);
    }

    fn scratch(name: &str) -> PathBuf {
        let root =
            std::env::temp_dir().join(format!("esmtp-maildir-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        root
    }

    fn delivery(recipient: &str) -> Delivery {
        Delivery {
            id: "ABC".into(),
            envelope_from: "a@x".into(),
            recipient: recipient.into(),
            local: true,
            destination: crate::server::delivery::Destination::Mailbox,
            headers: vec!["Received".into()],
            layout: Default::default(),
            bcc: false,
            dsn: Default::default(),
            accepted_at: 0,
            message: CopyText::new("Received: x\r\n".into(), Arc::new(b"\r\nbody\r\n".to_vec())),
        }
    }

    #[test]
    fn stores_copies_and_index_lines() {
        let root = scratch("ok");
        let maildir = Maildir::open(&root).unwrap();
        let paths = maildir
            .store_message(&[delivery("b@y"), delivery("b@y")])
            .unwrap();
        assert_eq!(fs::read(&paths[0]).unwrap(), b"Received: x\r\n\r\nbody\r\n");
        assert!(paths[1].ends_with("b@y/ABC-2.eml"), "{:?}", paths[1]);
        let index = fs::read_to_string(root.join("index.jsonl")).unwrap();
        assert_eq!(index.lines().count(), 2);
        assert!(index.contains("\"recipient\":\"b@y\""));
        assert_eq!(fs::read_dir(root.join(TMP)).unwrap().count(), 0);
        fs::remove_dir_all(root).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn copies_of_the_same_octets_are_one_file_linked_into_each_folder() {
        use std::os::unix::fs::MetadataExt;
        let root = scratch("shared");
        let maildir = Maildir::open(&root).unwrap();
        let first = delivery("one@y");
        let second = Delivery {
            recipient: "two@y".into(),
            ..first.clone()
        };
        let own = delivery("three@y");
        let paths = maildir.store_message(&[first, second, own]).unwrap();
        let inode = |p: &PathBuf| fs::metadata(p).unwrap().ino();
        assert_eq!(inode(&paths[0]), inode(&paths[1]));
        assert_ne!(inode(&paths[0]), inode(&paths[2]));
        assert_eq!(
            fs::metadata(&paths[0]).unwrap().nlink(),
            2,
            "no link left in .tmp"
        );
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn a_failed_copy_removes_every_copy_of_the_message() {
        let root = scratch("fail");
        let maildir = Maildir::open(&root).unwrap();
        fs::write(root.join("blocked@y"), b"a file, not a folder").unwrap();
        let error = maildir
            .store_message(&[delivery("first@y"), delivery("blocked@y")])
            .unwrap_err();
        assert_eq!(error.recipient.as_deref(), Some("blocked@y"));
        assert!(matches!(error.outcome(), StoreOutcome::Failed { .. }));
        assert_eq!(fs::read_dir(root.join("first@y")).unwrap().count(), 0);
        assert_eq!(fs::read_dir(root.join(TMP)).unwrap().count(), 0);
        assert!(!root.join("index.jsonl").exists());
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn opening_clears_what_a_crash_left_half_written() {
        let root = scratch("crash");
        fs::create_dir_all(root.join(TMP)).unwrap();
        fs::write(root.join(TMP).join("ABC.1.0"), b"Received: trunc").unwrap();
        Maildir::open(&root).unwrap();
        assert_eq!(fs::read_dir(root.join(TMP)).unwrap().count(), 0);
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn a_full_disk_is_a_452() {
        let error = StoreError {
            recipient: None,
            error: std::io::Error::from(ErrorKind::StorageFull),
        };
        assert!(matches!(error.outcome(), StoreOutcome::NoSpace { .. }));
    }
}
