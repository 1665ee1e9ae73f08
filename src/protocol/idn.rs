//! Internationalized domain names: a domain's two spellings. The U-label form
//! (`bücher.example`) is what people write and what SMTPUTF8 allows in MAIL and RCPT
//! (RFC 6531 §3.3); the A-label form (`xn--bcher-kva.example`, Punycode behind `xn--`,
//! RFC 5890 §2.3.2.1) is the ASCII one DNS holds and every session without SMTPUTF8
//! must carry. The conversion (UTS #46 mapping, then IDNA 2008 checks, RFC 5891) is the
//! `idna` crate's.

use core::fmt;
use serde::Serialize;

/// A domain that is not a valid internationalized domain name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct IdnError;

impl fmt::Display for IdnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a domain whose labels convert to valid A-labels (IDNA, RFC 5891 §4; UTS #46)")
    }
}

/// Both spellings of one domain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainForms {
    /// The U-label form, as people read it (`bücher.example`).
    pub unicode: String,
    /// The A-label form, ASCII (`xn--bcher-kva.example`).
    pub ascii: String,
}

impl DomainForms {
    /// Both forms of `domain`, whichever form it is written in.
    pub fn of(domain: &str) -> Result<Self, IdnError> {
        let ascii = to_ascii(domain)?;
        let (unicode, checked) = idna::domain_to_unicode(&ascii);
        checked.map_err(|_| IdnError)?;
        Ok(Self { unicode, ascii })
    }
}

/// The A-label form of `domain` (lower case, as UTS #46 maps it), within DNS's
/// length limits; an error for a name no A-label can spell.
pub fn to_ascii(domain: &str) -> Result<String, IdnError> {
    idna::domain_to_ascii_strict(domain).map_err(|_| IdnError)
}

/// True when `domain` is internationalized: it has a non-ASCII character (a U-label)
/// or an `xn--` label (an A-label).
pub fn is_internationalized(domain: &str) -> bool {
    !domain.is_ascii()
        || domain.split('.').any(|label| {
            label
                .get(..4)
                .is_some_and(|prefix| prefix.eq_ignore_ascii_case("xn--"))
        })
}

/// True when `a` and `b` name the same domain: compared case-insensitively (RFC 5321
/// §2.4), in A-label form when either is not ASCII, so `bücher.example` matches
/// `xn--bcher-kva.example`.
pub fn same_domain(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    match (to_ascii(a), to_ascii(b)) {
        (Ok(a), Ok(b)) => a.eq_ignore_ascii_case(&b),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_both_ways() {
        let forms = DomainForms::of("bücher.example").unwrap();
        assert_eq!(forms.ascii, "xn--bcher-kva.example");
        assert_eq!(forms.unicode, "bücher.example");
        assert_eq!(DomainForms::of("xn--bcher-kva.example").unwrap(), forms);
        let chinese = DomainForms::of("例子.广告").unwrap();
        assert_eq!(chinese.ascii, "xn--fsqu00a.xn--4rr70v");
    }

    #[test]
    fn maps_case_and_refuses_what_no_a_label_spells() {
        assert_eq!(to_ascii("BÜCHER.Example").unwrap(), "xn--bcher-kva.example");
        for bad in [
            "a b.example",
            "-bücher.example",
            "bü_cher.example",
            "xn--a.example",
        ] {
            assert_eq!(to_ascii(bad), Err(IdnError), "{bad}");
        }
    }

    #[test]
    fn tells_internationalized_names_and_compares_across_forms() {
        assert!(is_internationalized("bücher.example"));
        assert!(is_internationalized("XN--bcher-kva.example"));
        assert!(!is_internationalized("example.org"));
        assert!(same_domain("bücher.example", "XN--BCHER-KVA.example"));
        assert!(same_domain("Example.ORG", "example.org"));
        assert!(!same_domain("bücher.example", "bucher.example"));
    }
}
