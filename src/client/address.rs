//! An address as a person writes it in From, To or Cc: `alice@example.net`, or with a
//! display name, `Alice Example <alice@example.net>` or `"Smith, John" <john@example.net>`
//! (RFC 5322 §3.4 name-addr), the way mail programs and nodemailer take them.
//!
//! WHY two forms out of one input: the envelope carries the mailbox alone (RFC 5321
//! §4.1.2 has no place for a name), while the header keeps the name, written as atoms, as
//! a quoted string, or as RFC 2047 encoded-words when it is not ASCII.

use super::error::{reject_line_breaks, SpecError};
use super::header;
use super::international;
use crate::protocol::Mailbox;

/// A parsed address: the mailbox for the envelope, and what the header shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NamedAddress {
    /// The display name as the person meant it (quotes and escapes removed), if any.
    pub display_name: Option<String>,
    /// The address itself, for MAIL FROM / RCPT TO.
    pub mailbox: Mailbox,
    /// The address as typed (without angle brackets), for the header: RFC 5321 and 5322
    /// spell a mailbox the same way.
    address_text: String,
}

impl NamedAddress {
    /// Reads `address` or `name <address>`. `role` ("From", "recipient") names the
    /// field in errors.
    pub fn parse(text: &str, role: &str) -> Result<Self, SpecError> {
        reject_line_breaks(&format!("the {role} address"), text)?;
        let text = text.trim();
        let (display_name, address_text) = match split_name_addr(text) {
            Some((name, address)) => (unquote_name(name, role, text)?, address.trim()),
            None => (None, text),
        };
        let mailbox = Mailbox::parse(address_text).map_err(|problem| SpecError::Address {
            role: role.to_owned(),
            text: text.to_owned(),
            problem,
        })?;
        Ok(Self {
            display_name,
            mailbox,
            address_text: address_text.to_owned(),
        })
    }

    /// The header form: `alice@example.net`, `Alice Example <alice@example.net>`,
    /// `"Smith, John" <john@example.net>` or `=?UTF-8?B?…?= <…>` (RFC 5322 §3.4,
    /// RFC 2047 §5 rule 3: an encoded-word may stand for a word of a phrase). The
    /// address goes as typed in a message that uses SMTPUTF8 (`smtputf8`), otherwise
    /// with its domain's A-label, as in the envelope.
    pub(crate) fn header_form(&self, smtputf8: bool) -> String {
        let address = if smtputf8 || self.mailbox.domain.as_str().is_ascii() {
            self.address_text.clone()
        } else {
            international::on_the_wire(self.mailbox.clone(), false).to_string()
        };
        match &self.display_name {
            None => address,
            Some(name) => format!("{} <{address}>", phrase(name)),
        }
    }
}

/// Splits an address list as a person types it: at commas outside double quotes, so
/// `"Smith, Bob" <bob@example.org>, carol@example.org` is two addresses (RFC 5322 §3.4
/// address-list). Empty items are dropped.
pub fn split_address_list(text: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' if quoted => {
                current.push(c);
                current.extend(chars.next());
            }
            ',' if !quoted => items.push(std::mem::take(&mut current)),
            _ => {
                quoted ^= c == '"';
                current.push(c);
            }
        }
    }
    items.push(current);
    items
        .into_iter()
        .map(|item| item.trim().to_owned())
        .filter(|item| !item.is_empty())
        .collect()
}

/// `name <address>` → (name, address); `None` when the text has no angle-addr at its end.
/// The last `<` starts the angle-addr: a quoted name may hold a `<`, a mailbox may not
/// (outside a quoted local-part, which this form does not support inside brackets).
fn split_name_addr(text: &str) -> Option<(&str, &str)> {
    let inner = text.strip_suffix('>')?;
    let open = inner.rfind('<')?;
    Some((inner.get(..open)?, inner.get(open + 1..)?))
}

/// The display name without its quotes and escapes; `None` for an empty one (`<a@b>`).
fn unquote_name(name: &str, role: &str, whole: &str) -> Result<Option<String>, SpecError> {
    let name = name.trim();
    let unquoted = match name
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    {
        Some(quoted) => unescape(quoted),
        None => name.to_owned(),
    };
    if let Some(bad) = unquoted.chars().find(|c| c.is_control()) {
        return Err(SpecError::DisplayName {
            role: role.to_owned(),
            text: whole.to_owned(),
            character: bad,
        });
    }
    Ok((!unquoted.is_empty()).then_some(unquoted))
}

/// Undoes quoted-pair (`\x` → `x`, RFC 5322 §3.2.1).
fn unescape(quoted: &str) -> String {
    let mut out = String::with_capacity(quoted.len());
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    out
}

/// The name as a phrase: plain atoms when every word is atext, a quoted string when it
/// holds specials such as `,` or `.`, encoded-words when it is not ASCII.
fn phrase(name: &str) -> String {
    if !name.is_ascii() {
        return header::encoded_words(name);
    }
    let atoms = name
        .split(' ')
        .all(|word| !word.is_empty() && word.bytes().all(is_atext));
    if atoms {
        return name.to_owned();
    }
    let mut quoted = String::with_capacity(name.len() + 2);
    quoted.push('"');
    for c in name.chars() {
        if matches!(c, '"' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    quoted
}

/// RFC 5322 §3.2.3 atext.
fn is_atext(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> NamedAddress {
        NamedAddress::parse(text, "From").unwrap()
    }

    #[test]
    fn a_bare_address_has_no_name_and_stays_as_typed() {
        let address = parsed("  alice@example.net ");
        assert_eq!(address.display_name, None);
        assert_eq!(address.mailbox.to_string(), "alice@example.net");
        assert_eq!(address.header_form(false), "alice@example.net");
    }

    #[test]
    fn a_name_of_atoms_is_written_as_typed() {
        let address = parsed("Alice Example <alice@example.net>");
        assert_eq!(address.display_name.as_deref(), Some("Alice Example"));
        assert_eq!(address.mailbox.to_string(), "alice@example.net");
        assert_eq!(
            address.header_form(false),
            "Alice Example <alice@example.net>"
        );
    }

    #[test]
    fn angle_brackets_without_a_name_give_the_bare_address() {
        let address = parsed("<alice@example.net>");
        assert_eq!(address.display_name, None);
        assert_eq!(address.header_form(false), "alice@example.net");
    }

    #[test]
    fn a_name_with_specials_is_quoted() {
        let address = parsed("Smith, John <john@example.net>");
        assert_eq!(address.display_name.as_deref(), Some("Smith, John"));
        assert_eq!(
            address.header_form(false),
            "\"Smith, John\" <john@example.net>"
        );
        assert_eq!(
            parsed("J. Smith <j@example.net>").header_form(false),
            "\"J. Smith\" <j@example.net>"
        );
    }

    #[test]
    fn a_quoted_name_is_unquoted_then_quoted_again_with_its_escapes() {
        let address = parsed(r#""Bob \"the\" <Builder>" <bob@example.net>"#);
        assert_eq!(
            address.display_name.as_deref(),
            Some(r#"Bob "the" <Builder>"#)
        );
        assert_eq!(address.mailbox.to_string(), "bob@example.net");
        assert_eq!(
            address.header_form(false),
            r#""Bob \"the\" <Builder>" <bob@example.net>"#
        );
    }

    #[test]
    fn a_name_that_is_not_ascii_becomes_an_encoded_word() {
        let address = parsed("Jürgen Groß <jg@example.de>");
        let form = address.header_form(false);
        assert_eq!(form, "=?UTF-8?B?SsO8cmdlbiBHcm/Dnw==?= <jg@example.de>");
        assert!(form.is_ascii());
    }

    #[test]
    fn a_bad_mailbox_inside_the_brackets_is_refused_with_the_whole_text() {
        let error = NamedAddress::parse("Alice <alice>", "From").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("From address 'Alice <alice>': "),
            "{error}"
        );
        assert!(NamedAddress::parse("Alice alice@example.net", "From").is_err());
        assert!(NamedAddress::parse("Alice <alice@example.net", "From").is_err());
    }

    #[test]
    fn a_list_splits_at_commas_outside_quotes_only() {
        assert_eq!(
            split_address_list(r#""Smith, Bob" <bob@example.org>, carol@example.org,, "#),
            [r#""Smith, Bob" <bob@example.org>"#, "carol@example.org"]
        );
        assert_eq!(
            split_address_list(r#""a \", b" <a@example.org>,c@example.org"#),
            [r#""a \", b" <a@example.org>"#, "c@example.org"]
        );
        assert!(split_address_list(" , ").is_empty());
    }

    #[test]
    fn control_characters_and_line_breaks_are_refused() {
        assert!(NamedAddress::parse("Al\tice <a@example.net>", "From").is_err());
        let error = NamedAddress::parse("Alice\r\nBcc: x@y <a@example.net>", "From").unwrap_err();
        assert!(error.to_string().contains("CR"), "{error}");
    }
}
