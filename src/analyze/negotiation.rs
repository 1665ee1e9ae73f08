//! The Analyze view's negotiation table: each extension the server offered in its
//! (last) EHLO reply, what it allows, and what the client of the analysed session did
//! with it, read from the commands it sent.

use serde::Serialize;

use super::judge::{AnnotatedLine, Role};
use super::line::Ending;
use crate::protocol::{Capabilities, Command, Extension};

/// One offered extension.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferedRow {
    /// The EHLO keyword, as on the wire (`8BITMIME`).
    pub keyword: String,
    /// Its parameters as offered (`10240000`, `PLAIN LOGIN`), empty for none.
    pub value: String,
    /// The RFC that defines it.
    pub rfc: &'static str,
    /// What it lets a client do.
    pub explanation: String,
    /// What this session's client did with it.
    pub client: String,
}

/// What the client's commands show.
#[derive(Default)]
struct ClientUse {
    sizes: Vec<String>,
    bodies: Vec<String>,
    auth: Option<String>,
    starttls: bool,
    pipelined: usize,
    /// Some MAIL FROM carried SMTPUTF8.
    smtputf8: bool,
    /// A MAIL or RCPT address was UTF-8.
    utf8_address: bool,
    /// A header field of a message was UTF-8 (RFC 6532).
    utf8_header: bool,
    /// Each BDAT: its size and whether it said LAST.
    chunks: Vec<(u64, bool)>,
    /// DATA was sent.
    data: bool,
}

/// The rows, in the order offered; empty when the session has no EHLO extension list.
pub fn rows(lines: &[AnnotatedLine]) -> Vec<OfferedRow> {
    let Some(ehlo) = lines.iter().rposition(|line| {
        line.role == Role::Command
            && matches!(
                Command::parse(line.text.as_bytes()),
                Ok(Command::Ehlo { .. })
            )
    }) else {
        return Vec::new();
    };
    let reply = reply_after(lines, ehlo);
    let offered =
        Capabilities::from_ehlo_lines(reply.iter().skip(1).filter_map(|line| line.get(4..)));
    let used = client_use(lines);
    offered
        .extensions
        .iter()
        .map(|extension| OfferedRow {
            keyword: extension.keyword().to_owned(),
            value: value_of(extension),
            rfc: extension.rfc(),
            explanation: extension.explanation(),
            client: client_column(extension, &used),
        })
        .collect()
}

fn value_of(extension: &Extension) -> String {
    let line = extension.to_string();
    line.get(extension.keyword().len()..)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

fn client_use(lines: &[AnnotatedLine]) -> ClientUse {
    let mut used = ClientUse::default();
    let mut previous_was_command = false;
    let mut in_header_section = false;
    for line in lines {
        let is_command = line.role == Role::Command;
        if is_command && previous_was_command {
            used.pipelined += 1;
        }
        if matches!(line.role, Role::Command | Role::Reply) {
            previous_was_command = is_command;
        }
        if matches!(line.role, Role::MessageText | Role::ChunkData) && in_header_section {
            used.utf8_header |= !line.text.is_ascii();
            in_header_section = !(line.text.is_empty() && line.ending != Ending::Missing);
        }
        if !is_command {
            continue;
        }
        match Command::parse(line.text.as_bytes()) {
            Ok(Command::Mail { from, parameters }) => {
                in_header_section = true;
                used.utf8_address |= !from.to_string().is_ascii();
                for parameter in parameters {
                    let value = parameter.value.unwrap_or_default();
                    match parameter.keyword.as_str() {
                        "SIZE" => used.sizes.push(value),
                        "BODY" => used.bodies.push(value),
                        "SMTPUTF8" => used.smtputf8 = true,
                        _ => {}
                    }
                }
            }
            Ok(Command::Rcpt { to, .. }) => used.utf8_address |= !to.to_string().is_ascii(),
            Ok(Command::Data) => used.data = true,
            Ok(Command::Bdat { size, last }) => used.chunks.push((size, last)),
            Ok(Command::Auth { mechanism, .. }) => used.auth = Some(mechanism),
            Ok(Command::StartTls) => used.starttls = true,
            _ => {}
        }
    }
    used
}

fn client_column(extension: &Extension, used: &ClientUse) -> String {
    match extension {
        Extension::Pipelining if used.pipelined > 0 => format!(
            "Sent a command without waiting for the previous reply {} time(s).",
            used.pipelined
        ),
        Extension::Pipelining => "Waited for every reply before the next command.".into(),
        Extension::Size(_) if !used.sizes.is_empty() => {
            format!("Declared SIZE={} on MAIL FROM.", used.sizes.join(", SIZE="))
        }
        Extension::Size(_) => "Declared no size on MAIL FROM.".into(),
        Extension::EightBitMime if !used.bodies.is_empty() => {
            format!(
                "Declared BODY={} on MAIL FROM.",
                used.bodies.join(", BODY=")
            )
        }
        Extension::EightBitMime => "Sent no BODY= parameter (the message counts as 7-bit).".into(),
        Extension::Auth(_) => match &used.auth {
            Some(mechanism) => format!("Authenticated with AUTH {mechanism}."),
            None => "Did not authenticate.".into(),
        },
        Extension::StartTls if used.starttls => "Switched to TLS with STARTTLS.".into(),
        Extension::StartTls => "Stayed in the clear (no STARTTLS).".into(),
        Extension::SmtpUtf8 => smtputf8_column(used),
        Extension::Chunking if !used.chunks.is_empty() => chunking_column(&used.chunks),
        Extension::Chunking if used.data => {
            "Sent the message after DATA, dot-stuffed, instead of in BDAT chunks.".into()
        }
        Extension::BinaryMime if used.bodies.iter().any(|b| b == "BINARYMIME") => {
            "Declared BODY=BINARYMIME: the body went as it is, in BDAT chunks.".into()
        }
        Extension::BinaryMime => "Sent no binary body (no BODY=BINARYMIME).".into(),
        _ => "Not used in this session.".into(),
    }
}

/// Whether the client declared SMTPUTF8, and whether the session needed it: a UTF-8
/// address or header field (RFC 6531 §3.4, RFC 6532).
fn smtputf8_column(used: &ClientUse) -> String {
    let needs = match (used.utf8_address, used.utf8_header) {
        (true, true) => Some("an address and a header field are"),
        (true, false) => Some("an address is"),
        (false, true) => Some("a header field is"),
        (false, false) => None,
    };
    match (used.smtputf8, needs) {
        (true, Some(what)) => {
            format!("Declared SMTPUTF8 on MAIL FROM: {what} UTF-8, which only SMTPUTF8 allows.")
        }
        (true, None) => "Declared SMTPUTF8 on MAIL FROM, though every address and header field is ASCII (allowed, not needed).".into(),
        (false, Some(what)) => {
            format!("Sent UTF-8 without declaring SMTPUTF8 on MAIL FROM: {what} UTF-8.")
        }
        (false, None) => "Not needed: every address and header field is ASCII, so MAIL FROM carries no SMTPUTF8 (only a message that needs it declares it).".into(),
    }
}

/// The BDAT chunks, by size, the last one marked.
fn chunking_column(chunks: &[(u64, bool)]) -> String {
    let sizes: Vec<String> = chunks
        .iter()
        .map(|(size, last)| {
            if *last {
                format!("{size} LAST")
            } else {
                size.to_string()
            }
        })
        .collect();
    format!(
        "Sent the message in {} BDAT chunk(s) ({} octets): no dot-stuffing, no final dot.",
        chunks.len(),
        sizes.join(", ")
    )
}

/// The reply lines that answer the command at `index`: the first reply after it, up
/// to its last line (`250 ` rather than `250-`).
pub(super) fn reply_after(lines: &[AnnotatedLine], index: usize) -> Vec<&str> {
    let mut reply = Vec::new();
    for line in lines.iter().skip(index + 1) {
        match line.role {
            Role::Reply => {
                reply.push(line.text.as_str());
                if line.text.get(3..4) != Some("-") {
                    break;
                }
            }
            _ if reply.is_empty() => continue,
            _ => break,
        }
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{analyze, Options};

    #[test]
    fn rows_say_what_was_offered_and_what_the_client_did() {
        let log = std::fs::read_to_string("tests/fixtures/analyze/swaks-cram-md5.txt").unwrap();
        let analysis = analyze(log.as_bytes(), &Options::default()).unwrap();
        let rows = rows(&analysis.lines);
        let keywords: Vec<&str> = rows.iter().map(|r| r.keyword.as_str()).collect();
        assert_eq!(
            keywords,
            [
                "PIPELINING",
                "SIZE",
                "AUTH",
                "ENHANCEDSTATUSCODES",
                "8BITMIME"
            ]
        );
        assert_eq!(rows[1].value, "10240000");
        assert_eq!(rows[2].client, "Authenticated with AUTH CRAM-MD5.");
        assert_eq!(
            rows[0].client,
            "Waited for every reply before the next command."
        );
        assert_eq!(
            rows[4].client,
            "Sent no BODY= parameter (the message counts as 7-bit)."
        );
    }

    #[test]
    fn pipelined_commands_and_declared_parameters_show() {
        let log = "S: 220 mx\nC: EHLO c.example\nS: 250-mx\nS: 250-PIPELINING\nS: 250-SIZE 1000\nS: 250 8BITMIME\nC: MAIL FROM:<a@b.example> SIZE=10 BODY=8BITMIME\nC: RCPT TO:<c@d.example>\nC: DATA\nS: 250 ok\nS: 250 ok\nS: 354 go\nC: .\nS: 250 ok\n";
        let analysis = analyze(log.as_bytes(), &Options::default()).unwrap();
        let rows = rows(&analysis.lines);
        assert_eq!(
            rows[0].client,
            "Sent a command without waiting for the previous reply 2 time(s)."
        );
        assert_eq!(rows[1].client, "Declared SIZE=10 on MAIL FROM.");
        assert_eq!(rows[2].client, "Declared BODY=8BITMIME on MAIL FROM.");
    }

    fn row(log: &str, keyword: &str) -> String {
        let analysis = analyze(log.as_bytes(), &Options::default()).unwrap();
        rows(&analysis.lines)
            .into_iter()
            .find(|row| row.keyword == keyword)
            .unwrap_or_else(|| panic!("no {keyword} row"))
            .client
    }

    const UTF8_EHLO: &str =
        "S: 220 mx\nC: EHLO c.example\nS: 250-mx\nS: 250-8BITMIME\nS: 250-SMTPUTF8\nS: 250 CHUNKING\n";

    #[test]
    fn smtputf8_is_used_when_mail_from_declares_it_and_says_why() {
        let utf8 = format!("{UTF8_EHLO}C: MAIL FROM:<jörg@bücher.example> SMTPUTF8\nS: 250 ok\n");
        assert_eq!(
            row(&utf8, "SMTPUTF8"),
            "Declared SMTPUTF8 on MAIL FROM: an address is UTF-8, which only SMTPUTF8 allows."
        );
        let header = format!("{UTF8_EHLO}C: MAIL FROM:<a@b.example> SMTPUTF8\nS: 250 ok\nC: RCPT TO:<c@d.example>\nS: 250 ok\nC: DATA\nS: 354 go\nC: Subject: Grüße\nC: \nC: hi\nC: .\nS: 250 ok\n");
        assert!(row(&header, "SMTPUTF8").contains("a header field is UTF-8"));
        let ascii = format!("{UTF8_EHLO}C: MAIL FROM:<a@b.example>\nS: 250 ok\nC: RCPT TO:<c@d.example>\nS: 250 ok\nC: DATA\nS: 354 go\nC: Subject: hi\nC: \nC: Grüße in the body\nC: .\nS: 250 ok\n");
        assert!(
            row(&ascii, "SMTPUTF8")
                .starts_with("Not needed: every address and header field is ASCII"),
            "an 8-bit body is 8BITMIME's business"
        );
        assert!(row(&ascii, "CHUNKING").starts_with("Sent the message after DATA"));
    }

    #[test]
    fn real_sessions_from_send_and_smtplib() {
        let fixture =
            |name: &str| std::fs::read_to_string(format!("tests/fixtures/analyze/{name}")).unwrap();
        let bdat = fixture("cs-send-bdat.txt");
        assert_eq!(
            row(&bdat, "CHUNKING"),
            "Sent the message in 4 BDAT chunk(s) (100, 100, 100, 5 LAST octets): no dot-stuffing, no final dot."
        );
        assert!(row(&bdat, "SMTPUTF8").starts_with("Not needed"));
        assert_eq!(
            row(&bdat, "BINARYMIME"),
            "Sent no binary body (no BODY=BINARYMIME)."
        );
        assert_eq!(
            row(&fixture("cs-send-smtputf8.txt"), "SMTPUTF8"),
            "Declared SMTPUTF8 on MAIL FROM: an address and a header field are UTF-8, which only SMTPUTF8 allows."
        );
        assert!(row(&fixture("smtplib-smtputf8.txt"), "SMTPUTF8").starts_with("Declared SMTPUTF8"));
    }

    #[test]
    fn chunking_lists_the_chunks() {
        let log = format!("{UTF8_EHLO}C: MAIL FROM:<a@b.example>\nS: 250 ok\nC: RCPT TO:<c@d.example>\nS: 250 ok\nC: BDAT 5\nC: abc\nS: 250 ok\nC: BDAT 0 LAST\nS: 250 ok\n");
        assert_eq!(
            row(&log, "CHUNKING"),
            "Sent the message in 2 BDAT chunk(s) (5, 0 LAST octets): no dot-stuffing, no final dot."
        );
    }

    #[test]
    fn helo_sessions_have_no_rows() {
        let analysis = analyze(b"S: 220 mx\nC: HELO c\nS: 250 mx\n", &Options::default()).unwrap();
        assert!(rows(&analysis.lines).is_empty());
    }
}
