//! The DIGEST-MD5 directive list (RFC 2831 §7.1, the HTTP/1.1 `#rule`):
//! `name=value` pairs separated by commas, optional spaces and tabs around them, empty
//! list elements allowed, values either a token or a quoted string in which a
//! backslash escapes the next character. Names are case-insensitive.

use core::fmt;
use serde::Serialize;

/// Most directives one message may carry; real ones have about ten.
pub const MAX_DIRECTIVES: usize = 64;

/// One `name=value` pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Directive {
    /// The name, lower-cased.
    pub name: String,
    /// The value with quotes removed and escapes resolved.
    pub value: String,
    /// Whether it was a quoted string on the wire.
    pub quoted: bool,
}

/// Why a directive list could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "camelCase")]
pub enum DirectiveError {
    /// A name was expected (a token) but something else came.
    ExpectedName {
        /// Character position.
        position: usize,
        /// What was found.
        found: char,
    },
    /// A name was not followed by `=`.
    MissingEquals {
        /// Character position after the name.
        position: usize,
        /// The name.
        name: String,
    },
    /// `name=` with nothing after it.
    MissingValue {
        /// Character position after the `=`.
        position: usize,
        /// The name.
        name: String,
    },
    /// A quoted string that never ends (or ends in a lone backslash).
    UnterminatedQuote {
        /// Position of the opening quote.
        position: usize,
        /// The directive's name.
        name: String,
    },
    /// A control character inside a quoted string.
    ControlCharacter {
        /// Character position.
        position: usize,
    },
    /// Something other than `,` after a value.
    ExpectedComma {
        /// Character position.
        position: usize,
        /// What was found.
        found: char,
    },
    /// A single-valued directive appeared twice (RFC 2831 §2.1.1/§2.1.2: "MUST NOT
    /// occur more than once").
    Duplicate {
        /// The directive's name.
        name: String,
    },
    /// More than [`MAX_DIRECTIVES`] directives.
    TooMany,
}

impl fmt::Display for DirectiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ExpectedName { position, found } => write!(
                f,
                "expected a directive name at position {position} but found {found:?}"
            ),
            Self::MissingEquals { position, name } => write!(
                f,
                "directive \"{name}\" is not followed by '=' (position {position})"
            ),
            Self::MissingValue { position, name } => write!(
                f,
                "directive \"{name}\" has no value after '=' (position {position})"
            ),
            Self::UnterminatedQuote { position, name } => write!(
                f,
                "the quoted value of \"{name}\" opened at position {position} is never closed"
            ),
            Self::ControlCharacter { position } => write!(
                f,
                "control character inside a quoted string at position {position}"
            ),
            Self::ExpectedComma { position, found } => write!(
                f,
                "expected ',' between directives at position {position} but found {found:?}"
            ),
            Self::Duplicate { name } => write!(
                f,
                "directive \"{name}\" appears more than once; it may occur only once"
            ),
            Self::TooMany => write!(f, "more than {MAX_DIRECTIVES} directives"),
        }
    }
}

/// A parsed directive list, in wire order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Directives {
    list: Vec<Directive>,
}

/// RFC 2616 §2.2 separators, which may not appear in a token.
fn is_separator(character: char) -> bool {
    matches!(
        character,
        '(' | ')'
            | '<'
            | '>'
            | '@'
            | ','
            | ';'
            | ':'
            | '\\'
            | '"'
            | '/'
            | '['
            | ']'
            | '?'
            | '='
            | '{'
            | '}'
            | ' '
            | '\t'
    )
}

fn is_token_char(character: char) -> bool {
    character.is_ascii() && !character.is_ascii_control() && !is_separator(character)
}

struct Cursor<'a> {
    chars: core::iter::Peekable<core::iter::Enumerate<core::str::Chars<'a>>>,
    length: usize,
}

impl Cursor<'_> {
    fn skip_spaces(&mut self) {
        while self
            .chars
            .next_if(|(_, c)| *c == ' ' || *c == '\t')
            .is_some()
        {}
    }

    fn peek(&mut self) -> Option<(usize, char)> {
        self.chars.peek().copied()
    }

    fn position(&mut self) -> usize {
        self.peek().map_or(self.length, |(position, _)| position)
    }

    fn token(&mut self) -> String {
        let mut token = String::new();
        while let Some((_, character)) = self.chars.next_if(|(_, c)| is_token_char(*c)) {
            token.push(character);
        }
        token
    }

    fn quoted(&mut self, opened_at: usize, name: &str) -> Result<String, DirectiveError> {
        let unterminated = || DirectiveError::UnterminatedQuote {
            position: opened_at,
            name: name.to_owned(),
        };
        let mut value = String::new();
        loop {
            match self.chars.next() {
                None => return Err(unterminated()),
                Some((_, '"')) => return Ok(value),
                Some((_, '\\')) => match self.chars.next() {
                    Some((_, escaped)) => value.push(escaped),
                    None => return Err(unterminated()),
                },
                Some((position, c)) if c.is_ascii_control() && c != '\t' => {
                    return Err(DirectiveError::ControlCharacter { position })
                }
                Some((_, c)) => value.push(c),
            }
        }
    }
}

impl Directives {
    /// Parses a whole directive list.
    pub fn parse(text: &str) -> Result<Self, DirectiveError> {
        let mut cursor = Cursor {
            chars: text.chars().enumerate().peekable(),
            length: text.chars().count(),
        };
        let mut list = Vec::new();
        loop {
            cursor.skip_spaces();
            match cursor.peek() {
                None => break,
                Some((_, ',')) => {
                    cursor.chars.next();
                    continue;
                }
                Some(_) => {}
            }
            if list.len() >= MAX_DIRECTIVES {
                return Err(DirectiveError::TooMany);
            }
            list.push(Self::parse_one(&mut cursor)?);
            cursor.skip_spaces();
            match cursor.chars.next() {
                None | Some((_, ',')) => {}
                Some((position, found)) => {
                    return Err(DirectiveError::ExpectedComma { position, found })
                }
            }
        }
        Ok(Self { list })
    }

    fn parse_one(cursor: &mut Cursor<'_>) -> Result<Directive, DirectiveError> {
        let name_at = cursor.position();
        let name = cursor.token().to_ascii_lowercase();
        if name.is_empty() {
            let found = cursor.peek().map_or(' ', |(_, c)| c);
            return Err(DirectiveError::ExpectedName {
                position: name_at,
                found,
            });
        }
        cursor.skip_spaces();
        let equals_at = cursor.position();
        if cursor.chars.next_if(|(_, c)| *c == '=').is_none() {
            return Err(DirectiveError::MissingEquals {
                position: equals_at,
                name,
            });
        }
        cursor.skip_spaces();
        let value_at = cursor.position();
        if cursor.chars.next_if(|(_, c)| *c == '"').is_some() {
            let value = cursor.quoted(value_at, &name)?;
            return Ok(Directive {
                name,
                value,
                quoted: true,
            });
        }
        let value = cursor.token();
        if value.is_empty() {
            return Err(DirectiveError::MissingValue {
                position: value_at,
                name,
            });
        }
        Ok(Directive {
            name,
            value,
            quoted: false,
        })
    }

    /// Every directive in wire order.
    pub fn iter(&self) -> impl Iterator<Item = &Directive> {
        self.list.iter()
    }

    /// Every value of a directive that may repeat (e.g. `realm` in a challenge).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.list
            .iter()
            .filter(|directive| directive.name == name)
            .map(|directive| directive.value.as_str())
            .collect()
    }

    /// The value of a single-valued directive; a second occurrence is an error.
    pub fn single(&self, name: &str) -> Result<Option<&str>, DirectiveError> {
        match self.all(name).as_slice() {
            [] => Ok(None),
            [value] => Ok(Some(value)),
            _ => Err(DirectiveError::Duplicate {
                name: name.to_owned(),
            }),
        }
    }

    /// Checks that none of `names` appears twice.
    pub fn check_single(&self, names: &[&str]) -> Result<(), DirectiveError> {
        names
            .iter()
            .try_for_each(|name| self.single(name).map(|_| ()))
    }
}

/// Writes `value` as a quoted string, escaping `"` and `\` (RFC 2831 §7.2).
pub fn quote(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('"');
    for character in value.chars() {
        if character == '"' || character == '\\' {
            quoted.push('\\');
        }
        quoted.push(character);
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_rfc_2831_challenge() {
        let directives = Directives::parse(
            "realm=\"elwood.innosoft.com\",nonce=\"OA6MG9tEQGm2hh\",qop=\"auth\",algorithm=md5-sess,charset=utf-8",
        )
        .unwrap();
        assert_eq!(
            directives.single("realm").unwrap(),
            Some("elwood.innosoft.com")
        );
        assert_eq!(directives.single("algorithm").unwrap(), Some("md5-sess"));
        assert_eq!(directives.iter().count(), 5);
    }

    #[test]
    fn handles_spaces_empty_elements_escapes_and_case() {
        let directives =
            Directives::parse(" , Realm = \"a\\\"b\\\\c\" ,, nc=00000001 ,\tqop=auth,").unwrap();
        assert_eq!(directives.single("realm").unwrap(), Some("a\"b\\c"));
        assert_eq!(directives.single("nc").unwrap(), Some("00000001"));
        assert_eq!(directives.iter().count(), 3);
        assert_eq!(Directives::parse("").unwrap().iter().count(), 0);
    }

    #[test]
    fn quote_round_trips() {
        let text = format!("username={}", quote("a\"b\\c"));
        let directives = Directives::parse(&text).unwrap();
        assert_eq!(directives.single("username").unwrap(), Some("a\"b\\c"));
    }

    #[test]
    fn duplicates_are_found_only_when_asked() {
        let directives = Directives::parse("realm=\"a\",realm=\"b\",nonce=\"x\"").unwrap();
        assert_eq!(directives.all("realm"), vec!["a", "b"]);
        assert_eq!(
            directives.check_single(&["nonce", "realm"]),
            Err(DirectiveError::Duplicate {
                name: "realm".into()
            })
        );
    }
}
