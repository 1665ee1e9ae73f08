//! Reads the page's input objects (scenarios, SASL calculator requests, world
//! scenarios) from JS values into the engines' serde types.
//!
//! WHY not serde-wasm-bindgen: the input readers were the largest part of the page's
//! wasm that is not engine code. serde-wasm-bindgen gives every struct and enum its own
//! copy of its object walker (`deserialize_struct`, `deserialize_enum`, key lookups),
//! and its error messages format floats, which links Rust's whole float printer. Here
//! every `deserialize_*` forwards to one small `deserialize_any` per visitor, the JS
//! inspection is non-generic ([`classify`]), and errors never print a float. Measured
//! on the first-load module (2026-11-28, after wasm-opt -Oz): 387,332 B (162,860 gzip -9)
//! with serde-wasm-bindgen, 358,196 B (150,205 gzip) with this reader; its JS glue
//! shrank from 5,668 to 4,187 B gzip.
//!
//! Accepted input is JSON data as JS values: `null`/`undefined`, booleans, numbers,
//! strings, arrays and plain objects. Enums: `"Variant"` or `{"Variant": payload}`
//! (serde's external tagging); internally tagged enums read through objects as usual.

use std::fmt;

use js_sys::{Array, Object};
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use wasm_bindgen::{JsCast, JsValue};

/// Reads a `T` from a JS value.
pub(crate) fn from_value<T: de::DeserializeOwned>(value: JsValue) -> Result<T, InputError> {
    T::deserialize(JsInput(value))
}

/// Why an input could not be read, as one line of text for the page.
#[derive(Debug)]
pub(crate) struct InputError(String);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

impl de::Error for InputError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self(message.to_string())
    }

    // The two messages that name the unexpected value are rewritten so a float is never
    // printed (see the module documentation).
    fn invalid_type(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Self(format!(
            "invalid type: {}, expected {expected}",
            Shown(unexpected)
        ))
    }

    fn invalid_value(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Self(format!(
            "invalid value: {}, expected {expected}",
            Shown(unexpected)
        ))
    }
}

/// `serde::de::Unexpected` in words, with no float formatting.
struct Shown<'a>(de::Unexpected<'a>);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use de::Unexpected as U;
        match self.0 {
            U::Bool(value) => write!(f, "boolean `{value}`"),
            U::Unsigned(value) => write!(f, "integer `{value}`"),
            U::Signed(value) => write!(f, "integer `{value}`"),
            U::Float(_) => f.write_str("a number that is not a whole number"),
            U::Char(value) => write!(f, "character `{value}`"),
            U::Str(value) => write!(f, "string \"{value}\""),
            U::Bytes(_) => f.write_str("bytes"),
            U::Unit => f.write_str("null"),
            U::Option => f.write_str("an optional value"),
            U::NewtypeStruct => f.write_str("a newtype struct"),
            U::Seq => f.write_str("an array"),
            U::Map => f.write_str("an object"),
            U::Enum => f.write_str("an enum"),
            U::UnitVariant | U::NewtypeVariant | U::TupleVariant | U::StructVariant => {
                f.write_str("an enum variant")
            }
            U::Other(other) => f.write_str(other),
        }
    }
}

/// What a JS value is, looked at once, outside any generic code.
enum Kind {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    String(String),
    Array(Array),
    /// An object's own `[key, value]` pairs (`Object.entries`).
    Object(Array),
    Other,
}

/// Integers up to 2^53 - 1 are exact in a JS number.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

fn classify(value: JsValue) -> Kind {
    if value.is_null() || value.is_undefined() {
        Kind::Null
    } else if let Some(flag) = value.as_bool() {
        Kind::Bool(flag)
    } else if let Some(number) = value.as_f64() {
        if number.fract() != 0.0 || number.abs() > MAX_SAFE_INTEGER {
            Kind::Float(number)
        } else if number >= 0.0 {
            Kind::Unsigned(number as u64)
        } else {
            Kind::Signed(number as i64)
        }
    } else if let Some(text) = value.as_string() {
        Kind::String(text)
    } else if Array::is_array(&value) {
        Kind::Array(value.unchecked_into())
    } else if value.is_object() && !value.is_function() {
        Kind::Object(Object::entries(value.unchecked_ref()))
    } else {
        Kind::Other
    }
}

/// One JS value being read.
struct JsInput(JsValue);

impl<'de> de::Deserializer<'de> for JsInput {
    type Error = InputError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        match classify(self.0) {
            Kind::Null => visitor.visit_unit(),
            Kind::Bool(flag) => visitor.visit_bool(flag),
            Kind::Unsigned(number) => visitor.visit_u64(number),
            Kind::Signed(number) => visitor.visit_i64(number),
            Kind::Float(number) => visitor.visit_f64(number),
            Kind::String(text) => visitor.visit_string(text),
            Kind::Array(array) => visitor.visit_seq(Elements::new(array)),
            Kind::Object(entries) => visitor.visit_map(Entries::new(entries)),
            Kind::Other => Err(de::Error::custom(
                "a value that is not JSON data (a function, symbol or bigint)",
            )),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, InputError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, InputError> {
        visitor.visit_enum(Variant::read(self.0)?)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        visitor.visit_unit()
    }

    // Each of these calls only the visitor method its type needs, so a struct's reader
    // does not carry serde's unused `visit_seq`, nor a number's the string path.
    // The look at the value is a non-generic helper, so the per-visitor part is one call.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, InputError> {
        let entries = expect_object(self.0, &visitor)?;
        visitor.visit_map(entries)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        let entries = expect_object(self.0, &visitor)?;
        visitor.visit_map(entries)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        let elements = expect_array(self.0, &visitor)?;
        visitor.visit_seq(elements)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        let text = expect_string(self.0, &visitor)?;
        visitor.visit_string(text)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        let flag = expect_bool(self.0, &visitor)?;
        visitor.visit_bool(flag)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        match classify(self.0) {
            Kind::Unsigned(number) => visitor.visit_u64(number),
            Kind::Signed(number) => visitor.visit_i64(number),
            other => Err(mismatch(other, &visitor)),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        match classify(self.0) {
            Kind::Null => visitor.visit_unit(),
            other => Err(mismatch(other, &visitor)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, InputError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, InputError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, InputError> {
        self.deserialize_unit(visitor)
    }

    serde::forward_to_deserialize_any! { i128 u128 f32 f64 }
}

#[inline(never)]
fn expect_object(value: JsValue, expected: &dyn de::Expected) -> Result<Entries, InputError> {
    match classify(value) {
        Kind::Object(entries) => Ok(Entries::new(entries)),
        other => Err(mismatch(other, expected)),
    }
}

#[inline(never)]
fn expect_array(value: JsValue, expected: &dyn de::Expected) -> Result<Elements, InputError> {
    match classify(value) {
        Kind::Array(array) => Ok(Elements::new(array)),
        other => Err(mismatch(other, expected)),
    }
}

#[inline(never)]
fn expect_string(value: JsValue, expected: &dyn de::Expected) -> Result<String, InputError> {
    match classify(value) {
        Kind::String(text) => Ok(text),
        other => Err(mismatch(other, expected)),
    }
}

#[inline(never)]
fn expect_bool(value: JsValue, expected: &dyn de::Expected) -> Result<bool, InputError> {
    match classify(value) {
        Kind::Bool(flag) => Ok(flag),
        other => Err(mismatch(other, expected)),
    }
}

/// The error for a value of the wrong kind, outside any generic code.
fn mismatch(kind: Kind, expected: &dyn de::Expected) -> InputError {
    use de::Unexpected as U;
    let unexpected = match &kind {
        Kind::Null => U::Unit,
        Kind::Bool(flag) => U::Bool(*flag),
        Kind::Unsigned(number) => U::Unsigned(*number),
        Kind::Signed(number) => U::Signed(*number),
        Kind::Float(number) => U::Float(*number),
        Kind::String(text) => U::Str(text),
        Kind::Array(_) => U::Seq,
        Kind::Object(_) => U::Map,
        Kind::Other => U::Other("a value that is not JSON data"),
    };
    de::Error::invalid_type(unexpected, expected)
}

/// An array's elements, in order.
struct Elements {
    array: Array,
    next: u32,
}

impl Elements {
    fn new(array: Array) -> Self {
        Self { array, next: 0 }
    }
}

impl<'de> de::SeqAccess<'de> for Elements {
    type Error = InputError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, InputError> {
        if self.next >= self.array.length() {
            return Ok(None);
        }
        let element = self.array.get(self.next);
        self.next += 1;
        seed.deserialize(JsInput(element)).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        usize::try_from(self.array.length().saturating_sub(self.next)).ok()
    }
}

/// An object's own keys and values (`Object.entries`), in order.
struct Entries {
    entries: Array,
    next: u32,
    value: JsValue,
}

impl Entries {
    fn new(entries: Array) -> Self {
        Self {
            entries,
            next: 0,
            value: JsValue::UNDEFINED,
        }
    }
}

impl Entries {
    /// The next key, its value kept for `next_value_seed`; non-generic.
    #[inline(never)]
    fn next_key(&mut self) -> Option<String> {
        if self.next >= self.entries.length() {
            return None;
        }
        let pair: Array = self.entries.get(self.next).unchecked_into();
        self.next += 1;
        self.value = pair.get(1);
        Some(pair.get(0).as_string().unwrap_or_default())
    }
}

impl<'de> de::MapAccess<'de> for Entries {
    type Error = InputError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, InputError> {
        match self.next_key() {
            Some(key) => seed.deserialize(key.into_deserializer()).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, InputError> {
        let value = std::mem::replace(&mut self.value, JsValue::UNDEFINED);
        seed.deserialize(JsInput(value))
    }
}

/// An externally tagged enum value: `"Variant"` (no payload) or `{"Variant": payload}`.
struct Variant {
    tag: String,
    payload: JsValue,
}

impl Variant {
    #[inline(never)]
    fn read(value: JsValue) -> Result<Self, InputError> {
        match classify(value) {
            Kind::String(tag) => Ok(Self {
                tag,
                payload: JsValue::UNDEFINED,
            }),
            Kind::Object(entries) if entries.length() == 1 => {
                let pair: Array = entries.get(0).unchecked_into();
                Ok(Self {
                    tag: pair.get(0).as_string().unwrap_or_default(),
                    payload: pair.get(1),
                })
            }
            _ => Err(de::Error::custom(
                "expected a variant name or an object with exactly one key",
            )),
        }
    }
}

impl<'de> de::EnumAccess<'de> for Variant {
    type Error = InputError;
    type Variant = JsInput;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, JsInput), InputError> {
        let tag = seed.deserialize(self.tag.into_deserializer())?;
        Ok((tag, JsInput(self.payload)))
    }
}

impl<'de> de::VariantAccess<'de> for JsInput {
    type Error = InputError;

    fn unit_variant(self) -> Result<(), InputError> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, InputError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, InputError> {
        de::Deserializer::deserialize_any(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, InputError> {
        de::Deserializer::deserialize_any(self, visitor)
    }
}
