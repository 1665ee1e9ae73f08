//! Where `serve --maildir DIR` puts accepted mail: one file per copy per recipient,
//! `DIR/<recipient>/<queue id>.eml`, exactly the octets the engine stored (Received
//! header first), plus one JSON line per copy in `DIR/index.jsonl`. Tests compare these
//! files byte for byte with what a client sent.

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::NativeError;
use crate::server::Delivery;

/// Copies of one message to the same recipient (a repeated RCPT) get `-2`, `-3`... up
/// to this many.
const MAX_DUPLICATES: u32 = 1000;

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
}

impl Maildir {
    /// Creates the folder if needed.
    pub fn open(root: &Path) -> Result<Self, NativeError> {
        fs::create_dir_all(root).map_err(|e| {
            NativeError::Io(format!("cannot create maildir {}: {e}", root.display()))
        })?;
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    /// Writes one copy; returns its path.
    pub fn store(&self, delivery: &Delivery) -> std::io::Result<PathBuf> {
        let folder = self.root.join(folder_name(&delivery.recipient));
        fs::create_dir_all(&folder)?;
        let path = create_unique(&folder, &delivery.id, &delivery.message)?;
        let relative = path
            .strip_prefix(&self.root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let line = IndexLine {
            id: &delivery.id,
            envelope_from: &delivery.envelope_from,
            recipient: &delivery.recipient,
            local: delivery.local,
            file: relative,
            octets: delivery.message.len(),
        };
        let mut json = serde_json::to_string(&line).map_err(std::io::Error::other)?;
        json.push('\n');
        // One append per line: O_APPEND keeps concurrent connections' lines whole.
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.root.join("index.jsonl"))?
            .write_all(json.as_bytes())?;
        Ok(path)
    }
}

fn create_unique(folder: &Path, id: &str, message: &[u8]) -> std::io::Result<PathBuf> {
    for copy in 1..=MAX_DUPLICATES {
        let name = if copy == 1 {
            format!("{id}.eml")
        } else {
            format!("{id}-{copy}.eml")
        };
        let path = folder.join(name);
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                file.write_all(message)?;
                return Ok(path);
            }
            Err(error) if error.kind() == ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        }
    }
    Err(std::io::Error::other("too many copies of one message"))
}

/// A recipient address as a safe folder name: anything but `[A-Za-z0-9@._+-]` becomes
/// `_`, and a leading dot too, so a quoted local part like `"../x"` stays inside DIR.
/// Lower-cased, since domains are case-insensitive.
pub fn folder_name(recipient: &str) -> String {
    let mut name: String = recipient
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "@._+-".contains(c) {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if name.starts_with('.') || name.is_empty() {
        name.insert(0, '_');
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_stay_inside_the_root() {
        assert_eq!(folder_name("Bob@Example.org"), "bob@example.org");
        assert_eq!(folder_name("\"../../etc\"@x"), "_.._.._etc_@x");
        assert_eq!(folder_name(".hidden@x"), "_.hidden@x");
        assert_eq!(folder_name(""), "_");
    }

    #[test]
    fn stores_copies_and_index_lines() {
        let root = std::env::temp_dir().join(format!("esmtp-maildir-{}", std::process::id()));
        let maildir = Maildir::open(&root).unwrap();
        let delivery = Delivery {
            id: "ABC".into(),
            envelope_from: "a@x".into(),
            recipient: "b@y".into(),
            local: true,
            destination: crate::server::delivery::Destination::Mailbox,
            headers: vec!["Received".into()],
            message: b"Received: x\r\n\r\nbody\r\n".to_vec(),
        };
        let first = maildir.store(&delivery).unwrap();
        let second = maildir.store(&delivery).unwrap();
        assert_eq!(fs::read(&first).unwrap(), delivery.message);
        assert!(second.ends_with("b@y/ABC-2.eml"), "{second:?}");
        let index = fs::read_to_string(root.join("index.jsonl")).unwrap();
        assert_eq!(index.lines().count(), 2);
        assert!(index.contains("\"recipient\":\"b@y\""));
        fs::remove_dir_all(root).unwrap();
    }
}
