//! SASLprep (RFC 4013) of a SCRAM password: the same typed password must give the same
//! octets on both sides, so before hashing, non-ASCII spaces become SP, characters
//! "commonly mapped to nothing" (soft hyphen, zero-width joiners…) vanish, the text is
//! NFKC-normalised ("Ⅸ" → "IX", "ﬁ" → "fi") and control characters, unassigned code
//! points and mixed-direction text are refused (RFC 5802 §2.2, Normalize()). ASCII
//! passwords come out unchanged. The tables are the `stringprep` crate's, behind the
//! `saslprep` feature (Cargo.toml says why a build may leave them out).

use std::borrow::Cow;

use super::trace::{Side, Trace};
use super::{FailureKind, SaslFailure};

const RFC: &str = "RFC 4013 §2";

/// The prepared password, traced when SASLprep changed it; a password SASLprep refuses
/// is a failure (RFC 5802 §2.2: the exchange must not go on with it).
#[cfg(feature = "saslprep")]
pub fn prepare_password<'a>(
    password: &'a str,
    side: Side,
    trace: &mut Trace,
) -> Result<Cow<'a, str>, SaslFailure> {
    let prepared = stringprep::saslprep(password).map_err(|error| {
        SaslFailure::new(
            FailureKind::Unsupported,
            format!("SASLprep refuses the password: {error}"),
            RFC,
        )
    })?;
    if prepared != password {
        trace.value(
            side,
            "SASLprep(password)",
            prepared.as_bytes(),
            "The password as SCRAM hashes it: non-ASCII spaces mapped to SP, invisible characters removed, NFKC-normalised, so every client that types it sends the same octets.",
            RFC,
        );
    }
    Ok(prepared)
}

/// Without the `saslprep` feature: printable ASCII is what SASLprep would give; any
/// other password is hashed as typed, and the trace says so.
#[cfg(not(feature = "saslprep"))]
pub fn prepare_password<'a>(
    password: &'a str,
    side: Side,
    trace: &mut Trace,
) -> Result<Cow<'a, str>, SaslFailure> {
    if password.bytes().any(|b| b.is_ascii_control()) {
        return Err(SaslFailure::new(
            FailureKind::Unsupported,
            "SASLprep refuses the password: it has a control character",
            RFC,
        ));
    }
    if !password.is_ascii() {
        trace.note(
            side,
            "SASLprep(password)",
            "This build has no SASLprep tables: the non-ASCII password is hashed as typed, which equals SASLprep's result only when the password is already in its NFKC form.",
            RFC,
        );
    }
    Ok(Cow::Borrowed(password))
}

#[cfg(all(test, feature = "saslprep"))]
mod tests {
    use super::*;

    fn prepared(password: &str) -> Result<String, SaslFailure> {
        prepare_password(password, Side::Client, &mut Trace::new()).map(Cow::into_owned)
    }

    #[test]
    fn rfc_4013_section_3_examples() {
        // "I<U+00AD>X" → "IX" (soft hyphen mapped to nothing), "user" unchanged,
        // "<U+00AA>" → "a" and "<U+2168>" → "IX" (NFKC), "<U+0007>" and
        // "<U+0627><U+0031>" refused (control character, bidirectional rule).
        assert_eq!(prepared("I\u{00AD}X").unwrap(), "IX");
        assert_eq!(prepared("user").unwrap(), "user");
        assert_eq!(prepared("USER").unwrap(), "USER");
        assert_eq!(prepared("\u{00AA}").unwrap(), "a");
        assert_eq!(prepared("\u{2168}").unwrap(), "IX");
        assert!(prepared("\u{0007}").is_err());
        assert!(prepared("\u{0627}\u{0031}").is_err());
    }

    #[test]
    fn a_non_ascii_space_becomes_sp_and_the_change_is_traced() {
        let mut trace = Trace::new();
        let out = prepare_password("pass\u{00A0}word", Side::Server, &mut trace).unwrap();
        assert_eq!(out, "pass word");
        assert_eq!(trace.entries().len(), 1);
        let mut quiet = Trace::new();
        prepare_password("S3cret-pw", Side::Client, &mut quiet).unwrap();
        assert!(quiet.entries().is_empty());
    }
}
