//! The header section of a message (RFC 5322 §2.2): listing field names, laying out
//! where each field and the body sit, and removing fields. Used to strip Bcc in the
//! submission role (RFC 5322 §3.6.3) and to show the learner each copy's header fields
//! as the octets they are. Works on octets; never panics on odd input.

use serde::Serialize;

use crate::protocol::encoded_words;

/// The header fields of `message`: every line up to the first empty line. A line
/// starting with SP or HTAB continues the previous field (folding, RFC 5322 §2.2.3).
fn header_lines(message: &[u8]) -> (Vec<&[u8]>, usize) {
    let mut lines = Vec::new();
    let mut offset = 0;
    for line in message.split_inclusive(|&b| b == b'\n') {
        let content = trim_line_end(line);
        if content.is_empty() {
            break;
        }
        lines.push(line);
        offset += line.len();
    }
    (lines, offset)
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn is_continuation(line: &[u8]) -> bool {
    matches!(line.first(), Some(b' ' | b'\t'))
}

fn field_name(line: &[u8]) -> Option<&[u8]> {
    let colon = line.iter().position(|&b| b == b':')?;
    let name = line.get(..colon)?;
    (!name.is_empty()).then_some(name)
}

/// The names of the header fields, in order, as written.
pub(crate) fn field_names(message: &[u8]) -> Vec<String> {
    let (lines, _) = header_lines(message);
    lines
        .into_iter()
        .filter(|line| !is_continuation(line))
        .filter_map(field_name)
        .map(|name| String::from_utf8_lossy(name).into_owned())
        .collect()
}

/// One header field of a message: its octets `start..end`, folded lines and line endings
/// included (the delivery's `headers` lists the field names).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldSpan {
    /// Offset of its first octet in the message.
    pub start: usize,
    /// Offset just past its last line's line ending.
    pub end: usize,
}

/// Where a message's header fields and body sit, as octet offsets into the message
/// (RFC 5322 §2.1: fields, an empty line, the body), so a view slices the octets it
/// already has instead of parsing them again.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageLayout {
    /// Every line of the header section, as fields: a line starting with SP or HTAB
    /// continues the field before it (folding, RFC 5322 §2.2.3).
    pub fields: Vec<FieldSpan>,
    /// The trace field the receiving server added (RFC 5321 §4.4), with why it is
    /// there; `None` for a message no server received (a notice a host wrote).
    pub added_field: Option<AddedField>,
    /// The index in `fields` of the first Bcc field, if the copy still has one (a
    /// submission server removes it, RFC 5322 §3.6.3).
    pub bcc_field: Option<usize>,
    /// What the copy's header says of blind copies: a Bcc field kept, removed by this
    /// server, or absent.
    pub bcc_note: BccNote,
    /// Where the body starts, just past the empty line that ends the header section;
    /// `None` when the message has no empty line (header fields only, no body).
    pub body_start: Option<usize>,
    /// The first Subject field's value, unfolded (RFC 5322 §2.2.3), trimmed and with
    /// its RFC 2047 encoded-words decoded (those that cannot be read stay as written),
    /// as lossy UTF-8 like every text the engine shows; `None` when there is none.
    pub subject: Option<String>,
    /// The Subject field whose encoded-words were decoded, and what it reads as: the
    /// field travels as `=?UTF-8?B?…?=`, which a reader of the raw copy cannot read.
    /// `None` when the Subject reads as written (or there is none).
    pub decoded_subject: Option<DecodedSubject>,
}

/// A Subject field that reads differently from its octets, and the sentence a view
/// shows beside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DecodedSubject {
    /// Its index in the layout's `fields`.
    pub index: usize,
    /// What a mail reader shows for it.
    pub text: String,
    /// The RFC section on how encoded-words are read.
    pub rfc: &'static str,
}

/// The field a receiving server added to a copy, and the sentence a view shows beside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct AddedField {
    /// Its index in the layout's `fields`.
    pub index: usize,
    /// Why it is there, in a few words.
    pub text: &'static str,
    /// The RFC section that asks for it.
    pub rfc: &'static str,
}

/// Whether a copy's header still names blind-copy recipients.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum BccState {
    /// A Bcc field is in the copy.
    Kept,
    /// This server removed the Bcc fields (the submission role).
    Removed,
    /// The message had none.
    Absent,
}

/// A copy's Bcc state with the sentence a view shows for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct BccNote {
    /// Kept, removed or absent.
    pub state: BccState,
    /// What that means for the recipients.
    pub text: &'static str,
    /// RFC 5322 §3.6.3, where Bcc is described.
    pub rfc: &'static str,
}

impl BccNote {
    fn of(state: BccState) -> Self {
        let text = match state {
            BccState::Kept => {
                "A Bcc header is present in this copy: whoever reads it sees who got blind copies."
            }
            BccState::Removed => {
                "The server removed the Bcc header (submission role): no recipient sees who got \
                 blind copies, and those recipients still get theirs through RCPT TO."
            }
            BccState::Absent => "No Bcc header: Bcc recipients travel on the envelope only.",
        };
        Self {
            state,
            text,
            rfc: "RFC 5322 §3.6.3",
        }
    }
}

impl Default for BccNote {
    fn default() -> Self {
        Self::of(BccState::Absent)
    }
}

impl MessageLayout {
    /// Marks the copy's first field as the trace field this server prepended
    /// (`Received:`, RFC 5321 §4.4), whatever the text holds after it.
    pub(crate) fn mark_trace_field(&mut self) {
        self.added_field = (!self.fields.is_empty()).then_some(AddedField {
            index: 0,
            text: "added by the server",
            rfc: "RFC 5321 §4.4",
        });
    }

    /// Records that this server removed the text's Bcc fields before laying it out.
    pub(crate) fn mark_bcc_removed(&mut self) {
        self.bcc_note = BccNote::of(BccState::Removed);
    }

    /// The layout of the message made of `parts` one after the other (a server's trace
    /// field, then the text it received). Every part but the last ends with a line
    /// ending, as a header field does.
    pub(crate) fn of(parts: &[&[u8]]) -> Self {
        let mut layout = Self::default();
        let mut subject: Option<Vec<u8>> = None;
        let mut in_subject = false;
        let mut subject_index = 0usize;
        let mut offset = 0usize;
        'parts: for part in parts {
            for line in part.split_inclusive(|&b| b == b'\n') {
                let start = offset;
                offset = offset.saturating_add(line.len());
                if trim_line_end(line).is_empty() {
                    layout.body_start = Some(offset);
                    break 'parts;
                }
                match layout.fields.last_mut() {
                    Some(field) if is_continuation(line) => field.end = offset,
                    _ => {
                        let name = field_name(line).unwrap_or_default();
                        in_subject = subject.is_none() && name.eq_ignore_ascii_case(b"Subject");
                        if in_subject {
                            subject_index = layout.fields.len();
                        }
                        if layout.bcc_field.is_none() && name.eq_ignore_ascii_case(b"Bcc") {
                            layout.bcc_field = Some(layout.fields.len());
                        }
                        layout.fields.push(FieldSpan { start, end: offset });
                    }
                }
                if in_subject {
                    subject.get_or_insert_with(Vec::new).extend_from_slice(line);
                }
            }
        }
        if let Some(field) = subject {
            let written = unfolded_value(&field);
            let decoded = encoded_words::decode(&written);
            if decoded != written {
                layout.decoded_subject = Some(DecodedSubject {
                    index: subject_index,
                    text: format!("reads as \u{201c}{decoded}\u{201d}"),
                    rfc: "RFC 2047 §6",
                });
            }
            layout.subject = Some(decoded);
        }
        if layout.bcc_field.is_some() {
            layout.bcc_note = BccNote::of(BccState::Kept);
        }
        layout
    }
}

/// The value of one field's octets: after the colon, line breaks removed (unfolding
/// removes each CRLF that precedes WSP), trimmed, lossy UTF-8.
fn unfolded_value(field: &[u8]) -> String {
    let value = field
        .iter()
        .position(|&b| b == b':')
        .and_then(|colon| field.get(colon.saturating_add(1)..))
        .unwrap_or_default();
    let joined: Vec<u8> = value
        .iter()
        .copied()
        .filter(|&b| b != b'\r' && b != b'\n')
        .collect();
    String::from_utf8_lossy(joined.trim_ascii()).into_owned()
}

/// `message` without the header fields named in `names` (case-insensitive), with the
/// removed fields' text (unfolded lines joined, line endings dropped) for the events.
pub(crate) fn remove_fields(message: &[u8], names: &[&str]) -> (Vec<u8>, Vec<String>) {
    let (lines, header_end) = header_lines(message);
    let mut kept = Vec::with_capacity(message.len());
    let mut removed: Vec<String> = Vec::new();
    let mut dropping = false;
    for line in lines {
        if !is_continuation(line) {
            dropping = field_name(line).is_some_and(|name| {
                names
                    .iter()
                    .any(|wanted| name.eq_ignore_ascii_case(wanted.as_bytes()))
            });
            if dropping {
                removed.push(String::new());
            }
        }
        if dropping {
            if let Some(text) = removed.last_mut() {
                text.push_str(&String::from_utf8_lossy(trim_line_end(line)));
            }
        } else {
            kept.extend_from_slice(line);
        }
    }
    kept.extend_from_slice(message.get(header_end..).unwrap_or_default());
    (kept, removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MESSAGE: &[u8] = b"From: a@example.net\r\nTo: b@example.org\r\nBcc: c@example.org,\r\n d@example.com\r\nSubject: hi\r\n\r\nBcc: in the body stays\r\n";

    #[test]
    fn lists_field_names() {
        assert_eq!(field_names(MESSAGE), ["From", "To", "Bcc", "Subject"]);
    }

    #[test]
    fn removes_folded_bcc_but_not_the_body() {
        let (kept, removed) = remove_fields(MESSAGE, &["bcc", "Resent-Bcc"]);
        assert_eq!(
            kept,
            b"From: a@example.net\r\nTo: b@example.org\r\nSubject: hi\r\n\r\nBcc: in the body stays\r\n"
        );
        assert_eq!(removed, ["Bcc: c@example.org, d@example.com"]);
    }

    #[test]
    fn the_layout_says_whether_bcc_was_kept_removed_or_absent() {
        assert_eq!(MessageLayout::of(&[MESSAGE]).bcc_note.state, BccState::Kept);
        let (kept, _) = remove_fields(MESSAGE, &["Bcc"]);
        let mut removed = MessageLayout::of(&[&kept]);
        assert_eq!(removed.bcc_note.state, BccState::Absent);
        removed.mark_bcc_removed();
        assert_eq!(removed.bcc_note.state, BccState::Removed);
        assert_eq!(removed.bcc_note.rfc, "RFC 5322 §3.6.3");
    }

    #[test]
    fn the_trace_field_is_marked_only_when_there_is_one() {
        let mut layout = MessageLayout::of(&[b"Received: from x\r\n", MESSAGE]);
        layout.mark_trace_field();
        assert_eq!(layout.added_field.map(|added| added.index), Some(0));
        let mut empty = MessageLayout::of(&[b"\r\nbody"]);
        empty.mark_trace_field();
        assert_eq!(empty.added_field, None);
    }

    fn spans(layout: &MessageLayout) -> Vec<(usize, usize)> {
        layout.fields.iter().map(|f| (f.start, f.end)).collect()
    }

    #[test]
    fn lays_out_folded_fields_and_the_body() {
        let layout = MessageLayout::of(&[MESSAGE]);
        assert_eq!(spans(&layout), [(0, 21), (21, 40), (40, 77), (77, 90)]);
        assert_eq!(
            MESSAGE.get(40..77),
            Some(&b"Bcc: c@example.org,\r\n d@example.com\r\n"[..])
        );
        assert_eq!(layout.body_start, Some(92));
        assert_eq!(MESSAGE.get(92..), Some(&b"Bcc: in the body stays\r\n"[..]));
        assert_eq!(layout.subject.as_deref(), Some("hi"));
        assert_eq!(
            layout.bcc_field,
            Some(2),
            "the field, not the body's Bcc: line"
        );
        assert_eq!(layout.added_field, None);
    }

    #[test]
    fn offsets_run_on_across_the_trace_field_and_the_text() {
        let trace = b"Received: from a\r\n\tby b; Thu, 1 Jan 1970\r\n";
        let layout = MessageLayout::of(&[trace, b"Subject: =?x?= a\r\n  folded\r\n\r\n"]);
        assert_eq!(spans(&layout), [(0, 42), (42, 70)]);
        assert_eq!(layout.body_start, Some(72));
        assert_eq!(layout.subject.as_deref(), Some("=?x?= a  folded"));
        assert_eq!(layout.bcc_field, None);
    }

    #[test]
    fn the_subject_reads_with_its_encoded_words_decoded() {
        let folded = MessageLayout::of(&[
            b"Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n =?ISO-8859-1?Q?_aus_K=F6ln?= !\r\n\r\n",
        ]);
        assert_eq!(folded.subject.as_deref(), Some("Grüße aus Köln !"));
        let unknown = MessageLayout::of(&[b"Subject: =?KOI8-R?Q?x?=\r\n\r\n"]);
        assert_eq!(unknown.subject.as_deref(), Some("=?KOI8-R?Q?x?="));
    }

    #[test]
    fn a_decoded_subject_names_its_field_and_what_it_reads_as() {
        let layout = MessageLayout::of(&[
            b"Received: x\r\n",
            b"From: a\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n\r\nbody",
        ]);
        let decoded = layout.decoded_subject.expect("the Subject was encoded");
        assert_eq!(decoded.index, 2);
        assert_eq!(decoded.text, "reads as \u{201c}Grüße\u{201d}");
        assert_eq!(decoded.rfc, "RFC 2047 §6");
        for plain in [
            &b"Subject: hi\r\n\r\n"[..],
            b"Subject: =?KOI8-R?Q?x?=\r\n\r\n",
            b"To: b\r\n\r\n",
        ] {
            assert_eq!(
                MessageLayout::of(&[plain]).decoded_subject,
                None,
                "reads as written"
            );
        }
    }

    #[test]
    fn no_body_no_separator_and_bare_lf() {
        let no_body = MessageLayout::of(&[b"Subject: s\r\n\r\n"]);
        assert_eq!(no_body.body_start, Some(14));
        let no_separator = MessageLayout::of(&[b"Subject: s\r\nTo: b"]);
        assert_eq!(spans(&no_separator), [(0, 12), (12, 17)]);
        assert_eq!(no_separator.body_start, None);
        let bare_lf = MessageLayout::of(&[b"Subject: one\n two\nX: y\n\nbody\n"]);
        assert_eq!(spans(&bare_lf), [(0, 18), (18, 23)]);
        assert_eq!(bare_lf.body_start, Some(24));
        assert_eq!(bare_lf.subject.as_deref(), Some("one two"));
    }

    #[test]
    fn odd_lines_stay_visible_as_fields() {
        let layout = MessageLayout::of(&[
            b" folded first\r\nNoColon\r\nsubject:\xff\r\nSubject: second\r\n",
        ]);
        assert_eq!(spans(&layout), [(0, 15), (15, 24), (24, 35), (35, 52)]);
        assert_eq!(
            layout.subject.as_deref(),
            Some("\u{fffd}"),
            "the first Subject counts"
        );
        assert_eq!(layout.body_start, None);
        assert_eq!(MessageLayout::of(&[]), MessageLayout::default());
        assert_eq!(MessageLayout::of(&[b"\r\nbody"]).body_start, Some(2));
    }

    #[test]
    fn message_without_body_or_headers() {
        assert_eq!(remove_fields(b"", &["Bcc"]), (Vec::new(), Vec::new()));
        let (kept, removed) = remove_fields(b"Bcc: x\r\n", &["Bcc"]);
        assert!(kept.is_empty());
        assert_eq!(removed, ["Bcc: x"]);
        assert_eq!(
            field_names(b" folded first\r\nNoColon\r\n"),
            Vec::<String>::new()
        );
    }
}
