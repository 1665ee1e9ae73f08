//! Problems with a spec, found before anything is sent: the client never puts a value
//! on the wire that could break the protocol (a CR, LF or NUL could inject a command or
//! a header line), so such values are refused locally with a clear reason.

/// A problem with the spec, found before anything is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecError(pub String);

impl core::fmt::Display for SpecError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SpecError {}

/// Refuses `value` when it holds CR, LF or NUL, naming the field and the octet.
pub fn reject_line_breaks(what: &str, value: &str) -> Result<(), SpecError> {
    match value.bytes().find(|b| matches!(b, b'\r' | b'\n' | 0)) {
        None => Ok(()),
        Some(octet) => {
            let name = match octet {
                b'\r' => "CR",
                b'\n' => "LF",
                _ => "NUL",
            };
            Err(SpecError(format!(
                "{what} contains {name} (0x{octet:02X}); refused before sending: a line break or NUL \
                 in it could inject commands or header lines (RFC 5321 §2.3.8, §4.1.1)"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_offending_octet() {
        assert!(reject_line_breaks("x", "fine\ttab").is_ok());
        let error = reject_line_breaks("the Subject", "a\r\nRCPT TO:<x@y>").unwrap_err();
        assert!(
            error.0.starts_with("the Subject contains CR (0x0D)"),
            "{error}"
        );
        assert!(reject_line_breaks("x", "a\nb")
            .unwrap_err()
            .0
            .contains("LF"));
        assert!(reject_line_breaks("x", "a\0b")
            .unwrap_err()
            .0
            .contains("NUL"));
    }
}
