//! Internationalized domain names: a domain's two spellings. The U-label form
//! (`bücher.example`) is what people write and what SMTPUTF8 allows in MAIL and RCPT
//! (RFC 6531 §3.3); the A-label form (`xn--bcher-kva.example`, Punycode behind `xn--`,
//! RFC 5890 §2.3.2.1) is the ASCII one DNS holds and every session without SMTPUTF8
//! must carry. With the `uts46` feature the conversion (UTS #46 mapping, then the IDNA
//! 2008 checks of RFC 5891) is the `idna` crate's; without it (the page's first-view
//! module, where that crate's Unicode data would cost 74 KB gzip) each label is
//! lower-cased and converted with Punycode alone (RFC 3492), which gives the same
//! A-label for a name already in U-label form but does not refuse unusual ones.

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
        let unicode = backend::to_unicode(&ascii)?;
        Ok(Self { unicode, ascii })
    }
}

/// The A-label form of `domain` (lower case), within DNS's length limits; an error for
/// a name no A-label can spell.
pub fn to_ascii(domain: &str) -> Result<String, IdnError> {
    backend::to_ascii(domain)
}

#[cfg(feature = "uts46")]
mod backend {
    use super::IdnError;

    /// UTS #46 processing with the STD3 rules and DNS length checks (RFC 5891 §4).
    pub(super) fn to_ascii(domain: &str) -> Result<String, IdnError> {
        idna::domain_to_ascii_strict(domain).map_err(|_| IdnError)
    }

    pub(super) fn to_unicode(ascii: &str) -> Result<String, IdnError> {
        let (unicode, checked) = idna::domain_to_unicode(ascii);
        checked.map(|()| unicode).map_err(|_| IdnError)
    }
}

#[cfg(not(feature = "uts46"))]
mod backend {
    use super::IdnError;

    /// Longest label and name in DNS (RFC 1035 §2.3.4), name without its final dot.
    const MAX_LABEL: usize = 63;
    const MAX_NAME: usize = 253;

    /// Each label ASCII-lower-cased and, when not ASCII, `xn--` and its Punycode. A
    /// non-ASCII upper-case letter is refused rather than mapped (Unicode lower-casing
    /// would bring its tables into the module; a U-label has no upper case, RFC 5892).
    pub(super) fn to_ascii(domain: &str) -> Result<String, IdnError> {
        let labels = domain
            .split('.')
            .map(|label| {
                let label = label.to_ascii_lowercase();
                if label.is_ascii() {
                    return Ok(label);
                }
                // A U-label neither starts nor ends with a hyphen (RFC 5891 §4.2.3.1).
                let hyphen = label.starts_with('-') || label.ends_with('-');
                if hyphen || label.chars().any(char::is_uppercase) {
                    return Err(IdnError);
                }
                punycode::encode(&label)
                    .map(|code| format!("xn--{code}"))
                    .map_err(|()| IdnError)
            })
            .collect::<Result<Vec<String>, IdnError>>()?;
        let fits = labels
            .iter()
            .all(|label| (1..=MAX_LABEL).contains(&label.len()));
        let ascii = labels.join(".");
        (fits && ascii.len() <= MAX_NAME)
            .then_some(ascii)
            .ok_or(IdnError)
    }

    /// Each `xn--` label decoded; it must decode to something that is not ASCII.
    pub(super) fn to_unicode(ascii: &str) -> Result<String, IdnError> {
        let labels = ascii
            .split('.')
            .map(|label| match label.get(..4) {
                Some(prefix) if prefix.eq_ignore_ascii_case("xn--") => {
                    let code = label.get(4..).unwrap_or_default().to_ascii_lowercase();
                    match punycode::decode(&code) {
                        Ok(decoded) if !decoded.is_ascii() => Ok(decoded),
                        _ => Err(IdnError),
                    }
                }
                _ => Ok(label.to_ascii_lowercase()),
            })
            .collect::<Result<Vec<String>, IdnError>>()?;
        Ok(labels.join("."))
    }
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

    #[cfg(feature = "uts46")]
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
