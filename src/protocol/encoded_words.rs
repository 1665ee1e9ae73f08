//! RFC 2047 encoded-words in unstructured header text (a Subject): `=?charset?B?…?=`
//! and `=?charset?Q?…?=` decoded to the text they stand for, so a view shows what the
//! sender typed. Only the charsets that need no conversion tables: UTF-8, US-ASCII and
//! ISO-8859-1 (each octet is the code point); a browser-free engine keeps its size
//! without a crate of charset tables. Anything else (an unknown charset, bad base64 or
//! Q text, a malformed word, octets invalid in their charset, control characters) stays
//! as written. One pass over the text, output no longer than a small multiple of it,
//! never a panic.

use base64::Engine as _;

/// A charset decodable without tables (RFC 2047 §3: named as in the IANA registry,
/// case-insensitive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Charset {
    Utf8,
    UsAscii,
    Latin1,
}

impl Charset {
    /// The charset a word names, its RFC 2231 `*language` suffix ignored.
    fn named(name: &str) -> Option<Self> {
        let name = name.split_once('*').map_or(name, |(charset, _)| charset);
        [
            ("UTF-8", Self::Utf8),
            ("US-ASCII", Self::UsAscii),
            ("ISO-8859-1", Self::Latin1),
        ]
        .into_iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(name))
        .map(|(_, charset)| charset)
    }

    /// The text `octets` stand for, or `None` when they are not valid in the charset
    /// or hold a control character a one-line view cannot show.
    fn text(self, octets: Vec<u8>) -> Option<String> {
        let text = match self {
            Self::Utf8 => String::from_utf8(octets).ok()?,
            Self::UsAscii if octets.is_ascii() => String::from_utf8(octets).ok()?,
            Self::UsAscii => return None,
            Self::Latin1 => octets.into_iter().map(char::from).collect(),
        };
        (!text.chars().any(|c| c.is_control() && c != '\t')).then_some(text)
    }
}

/// One encoded-word (RFC 2047 §2): its charset and the octets its text encodes.
struct Word {
    charset: Charset,
    octets: Vec<u8>,
}

/// `=?charset?encoding?encoded-text?=` as a whole token, or `None` when it is not one
/// this decoder can read.
fn word(token: &str) -> Option<Word> {
    let inner = token.strip_prefix("=?")?.strip_suffix("?=")?;
    let mut parts = inner.split('?');
    let (charset, encoding, text) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || text.is_empty() {
        return None;
    }
    let charset = Charset::named(charset)?;
    let octets = match encoding {
        "B" | "b" => base64::engine::general_purpose::STANDARD
            .decode(text)
            .ok()?,
        "Q" | "q" => q_octets(text)?,
        _ => return None,
    };
    Some(Word { charset, octets })
}

/// The "Q" encoding (RFC 2047 §4.2): `_` is a space, `=XX` an octet in hex, any other
/// printable ASCII character but `?` stands for itself.
fn q_octets(text: &str) -> Option<Vec<u8>> {
    let mut octets = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(byte) = bytes.next() {
        octets.push(match byte {
            b'_' => b' ',
            b'=' => {
                let high = char::from(bytes.next()?).to_digit(16)?;
                let low = char::from(bytes.next()?).to_digit(16)?;
                u8::try_from(high * 16 + low).ok()?
            }
            b'!'..=b'~' if byte != b'?' => byte,
            _ => return None,
        });
    }
    Some(octets)
}

/// A piece of the text as written: white space, or a run of anything else.
fn pieces(text: &str) -> impl Iterator<Item = (bool, &str)> {
    let is_space = |c: char| c == ' ' || c == '\t';
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let space = is_space(first);
        let end = rest
            .find(|c: char| is_space(c) != space)
            .unwrap_or(rest.len());
        let (piece, after) = rest.split_at(end);
        rest = after;
        Some((space, piece))
    })
}

/// Adjacent encoded-words of one charset, read together, and the white space before
/// them.
struct Run<'a> {
    charset: Charset,
    octets: Vec<u8>,
    /// The words and the white space between them, as written.
    written: String,
    gap_before: &'a str,
}

impl Run<'_> {
    /// Writes the run's text, or the run as written when it cannot be read; the white
    /// space before it goes when it follows a decoded run. True when it was decoded.
    fn write(self, out: &mut String, after_decoded: bool) -> bool {
        match self.charset.text(self.octets) {
            Some(text) => {
                if !after_decoded {
                    out.push_str(self.gap_before);
                }
                out.push_str(&text);
                true
            }
            None => {
                out.push_str(self.gap_before);
                out.push_str(&self.written);
                false
            }
        }
    }
}

/// `text` with its encoded-words decoded. Words of one charset separated only by white
/// space are joined before their octets are read, so a character split across two
/// words still reads; white space between two decoded words is dropped (RFC 2047
/// §6.2), all other white space kept.
pub(crate) fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run: Option<Run<'_>> = None;
    let mut gap = "";
    let mut after_decoded = false;
    for (space, piece) in pieces(text) {
        if space {
            gap = piece;
            continue;
        }
        let next = word(piece);
        if let (Some(next), Some(run)) = (&next, run.as_mut()) {
            if next.charset == run.charset {
                run.octets.extend_from_slice(&next.octets);
                run.written.push_str(gap);
                run.written.push_str(piece);
                gap = "";
                continue;
            }
        }
        if let Some(ended) = run.take() {
            after_decoded = ended.write(&mut out, after_decoded);
        }
        match next {
            Some(Word { charset, octets }) => {
                run = Some(Run {
                    charset,
                    octets,
                    written: piece.to_owned(),
                    gap_before: gap,
                });
            }
            None => {
                out.push_str(gap);
                out.push_str(piece);
                after_decoded = false;
            }
        }
        gap = "";
    }
    if let Some(ended) = run {
        ended.write(&mut out, after_decoded);
    }
    out.push_str(gap);
    out
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn rfc_2047_section_8_examples() {
        assert_eq!(decode("=?US-ASCII?Q?Keith_Moore?="), "Keith Moore");
        assert_eq!(
            decode("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?="),
            "Keld Jørn Simonsen"
        );
        assert_eq!(decode("=?ISO-8859-1?Q?Andr=E9?= Pirard"), "André Pirard");
        assert_eq!(decode("=?ISO-8859-1?Q?a?="), "a");
        assert_eq!(decode("=?ISO-8859-1?Q?a?= b"), "a b");
        assert_eq!(decode("=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?="), "ab");
        assert_eq!(decode("=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?="), "ab");
        // Folded across lines, then unfolded: the white space still goes.
        assert_eq!(decode("=?ISO-8859-1?Q?a?= \t =?ISO-8859-1?Q?b?="), "ab");
        assert_eq!(decode("=?ISO-8859-1?Q?a_b?="), "a b");
        // ISO-8859-2 needs a table: that word stays, with the space before it.
        assert_eq!(
            decode("=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?="),
            "a =?ISO-8859-2?Q?_b?="
        );
        assert_eq!(
            decode(
                "=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?= \
                 =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?="
            ),
            "If you can read this yo =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?="
        );
    }

    #[test]
    fn b_words_in_utf8_and_case_insensitive_names() {
        assert_eq!(decode("=?UTF-8?B?R3LDvMOfZQ==?="), "Grüße");
        assert_eq!(decode("=?utf-8?b?R3LDvMOfZQ==?="), "Grüße");
        assert_eq!(
            decode("=?UTF-8*de?B?R3LDvMOfZQ==?="),
            "Grüße",
            "RFC 2231 language"
        );
        assert_eq!(decode("Re: =?UTF-8?B?R3LDvMOfZQ==?= !"), "Re: Grüße !");
    }

    #[test]
    fn adjacent_words_join_even_across_a_split_character() {
        // "ü" is C3 BC: one word ends after C3, the next starts with BC.
        assert_eq!(decode("=?UTF-8?Q?Gr=C3?= =?UTF-8?Q?=BC=C3=9Fe?="), "Grüße");
        assert_eq!(
            decode("=?UTF-8?B?R3LDvMOfZSBhdXMg?= =?UTF-8?B?TcO8bmNoZW4=?="),
            "Grüße aus München"
        );
        // Different charsets, both decodable: the space between them still goes.
        assert_eq!(decode("=?ISO-8859-1?Q?=E9?= =?UTF-8?Q?=C3=A9?="), "éé");
    }

    #[test]
    fn q_words_with_underscore_and_escaped_question_mark() {
        assert_eq!(decode("=?UTF-8?Q?Why_not=3F?="), "Why not?");
        assert_eq!(decode("=?UTF-8?q?a=3db?="), "a=b", "lower-case hex");
    }

    #[test]
    fn what_cannot_be_read_stays_as_written() {
        for written in [
            "=?KOI8-R?B?8tXT08vJyg==?=", // unknown charset
            "=?UTF-8?B?R3LDvMOfZQ=?=",   // bad base64
            "=?UTF-8?Q?a=4?=",           // cut escape
            "=?UTF-8?Q?a=ZZ?=",          // not hex
            "=?UTF-8?X?abc?=",           // unknown encoding
            "=?UTF-8?B??=",              // empty text
            "=?UTF-8?Q?a?b?=",           // a fifth part
            "=??Q?a?=",                  // no charset
            "=?UTF-8?B?/w==?=",          // invalid UTF-8
            "=?US-ASCII?Q?caf=E9?=",     // not ASCII
            "=?UTF-8?Q?line=0Abreak?=",  // a control character
            "=?UTF-8?Q?a?=b",            // not a whole token
            "x=?UTF-8?Q?a?=",            // not a whole token
            "=?=",
            "=?",
            "",
            "  plain  text  ",
        ] {
            assert_eq!(decode(written), written);
        }
        // A run that fails keeps its inner white space too.
        assert_eq!(
            decode("=?UTF-8?Q?=FF?=  =?UTF-8?Q?a?= b"),
            "=?UTF-8?Q?=FF?=  =?UTF-8?Q?a?= b"
        );
        // One bad word beside a good one of another charset: only the good one reads.
        assert_eq!(
            decode("=?UTF-8?B?R3LDvMOfZQ==?= =?KOI8-R?Q?x?="),
            "Grüße =?KOI8-R?Q?x?="
        );
    }

    #[test]
    fn non_ascii_and_stray_markers_stay_and_spaces_around_a_word_are_kept() {
        for text in ["=?\u{fffd}?Q?\u{e9}?=", "=?UTF-8?Q?é?=", "?=?=", "=?=?="] {
            assert_eq!(decode(text), text);
        }
        assert_eq!(decode("\t=?UTF-8?Q?_?=\t"), "\t \t");
    }
}
