//! Setting enums written and read by name: `"auto"`, `"camelCase"` or `"CRAM-MD5"` in
//! JSON and in the page's scenario objects, from one table per enum ([`by_name!`]).
//!
//! WHY not serde's derived enum code: for each enum it brings an enum visitor, a
//! variant visitor and a copy of the deserializer's `deserialize_enum`, and the page's
//! first view reads fifteen such enums from every scenario. Here each enum is read as a
//! string (`#[serde(try_from = "String")]`, one string reader for all) and looked up in
//! its table; it is written from the same table (`#[serde(into = "&'static str")]`), so
//! both directions use the same names (README, "Page weight", has the figures).

use core::fmt;

/// An enum written and read by name; [`by_name!`] implements it.
pub(crate) trait ByName: Sized + Copy + 'static {
    /// Each variant's name, in the order of [`ByName::VALUES`].
    const NAMES: &'static [&'static str];
    /// Every variant.
    const VALUES: &'static [Self];
}

/// A name that is none of the enum's. Worded as serde words it, so an error reads the
/// same as with serde's derived code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownName {
    given: String,
    expected: &'static [&'static str],
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown variant `{}`, expected ", self.given)?;
        match self.expected {
            [] => f.write_str("nothing"),
            [one] => write!(f, "`{one}`"),
            [first, second] => write!(f, "`{first}` or `{second}`"),
            [first, rest @ ..] => {
                write!(f, "one of `{first}`")?;
                rest.iter().try_for_each(|name| write!(f, ", `{name}`"))
            }
        }
    }
}

/// The variant called `name` (exactly, as serde matches names).
pub(crate) fn read<T: ByName>(name: String) -> Result<T, UnknownName> {
    position(&name, T::NAMES)
        .and_then(|index| T::VALUES.get(index).copied())
        .ok_or(UnknownName {
            given: name,
            expected: T::NAMES,
        })
}

/// Where `name` is in `names`; not generic, so every enum shares it.
fn position(name: &str, names: &[&str]) -> Option<usize> {
    names.iter().position(|candidate| *candidate == name)
}

/// Implements [`ByName`], `TryFrom<String>` and `From<Self> for &'static str` for a unit
/// enum from its table of names, for `#[serde(into = "&'static str", try_from =
/// "String")]` on the enum:
///
/// ```ignore
/// by_name!(HelloMode { Ehlo = "EHLO", Helo = "HELO" });
/// ```
macro_rules! by_name {
    ($enum:ident { $($variant:ident = $name:literal),+ $(,)? }) => {
        impl $crate::variant_names::ByName for $enum {
            const NAMES: &'static [&'static str] = &[$($name),+];
            const VALUES: &'static [Self] = &[$(Self::$variant),+];
        }

        impl TryFrom<String> for $enum {
            type Error = $crate::variant_names::UnknownName;

            fn try_from(name: String) -> Result<Self, Self::Error> {
                $crate::variant_names::read(name)
            }
        }

        impl From<$enum> for &'static str {
            fn from(value: $enum) -> Self {
                match value {
                    $($enum::$variant => $name),+
                }
            }
        }
    };
}
pub(crate) use by_name;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{ChunkingMode, EightBitPolicy, HelloMode, PipeliningMode, Step, TlsPolicy};
    use crate::dsn::parameters::Ret;
    use crate::loopback::Middlebox;
    use crate::sasl::Mechanism;
    use crate::server::config::{
        BareLfPolicy, EhloMode, Role, StartTlsOffer, UndeclaredEightBitPolicy,
        UnofferedPipeliningPolicy,
    };
    use serde::{de::DeserializeOwned, Serialize};

    /// Every variant is written as its name and read back from it; other names are
    /// refused with serde's wording.
    fn round_trips<T>()
    where
        T: ByName + Serialize + DeserializeOwned + PartialEq + fmt::Debug,
    {
        assert_eq!(T::NAMES.len(), T::VALUES.len());
        for (name, value) in T::NAMES.iter().zip(T::VALUES) {
            let json = serde_json::to_string(value).unwrap();
            assert_eq!(json, format!("\"{name}\""));
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), *value);
        }
        let error = serde_json::from_str::<T>("\"no such name\"").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("unknown variant `no such name`, expected "),
            "{error}"
        );
        assert!(serde_json::from_str::<T>("7").is_err());
    }

    #[test]
    fn every_setting_enum_round_trips() {
        round_trips::<HelloMode>();
        round_trips::<PipeliningMode>();
        round_trips::<ChunkingMode>();
        round_trips::<TlsPolicy>();
        round_trips::<EightBitPolicy>();
        round_trips::<Step>();
        round_trips::<Role>();
        round_trips::<EhloMode>();
        round_trips::<BareLfPolicy>();
        round_trips::<UnofferedPipeliningPolicy>();
        round_trips::<UndeclaredEightBitPolicy>();
        round_trips::<StartTlsOffer>();
        round_trips::<Middlebox>();
        round_trips::<Ret>();
        round_trips::<Mechanism>();
    }

    #[test]
    fn unknown_names_are_worded_as_serde_words_them() {
        let two = serde_json::from_str::<HelloMode>("\"ehlo\"").unwrap_err();
        assert!(two
            .to_string()
            .starts_with("unknown variant `ehlo`, expected `EHLO` or `HELO`"));
        let three = serde_json::from_str::<StartTlsOffer>("\"on\"").unwrap_err();
        assert!(three
            .to_string()
            .starts_with("unknown variant `on`, expected one of `off`, `offered`, `unavailable`"));
    }
}
