//! One naming rule for everything that crosses to JavaScript (src/wasm.rs states it):
//! every field and every variant name is camelCase, except protocol keywords written as
//! the wire writes them (all capitals: `EHLO`, `CRAM-MD5`, `TURN`). This test serialises a full
//! timeline, a scenario and every world timeline through a serializer that records each
//! field name, each variant name and each `type` tag, and checks them all.

use std::collections::BTreeSet;
use std::fmt;

use serde::ser::{self, Serialize, Serializer};

use esmtp_playground::analyze::view::view;
use esmtp_playground::analyze::{analyze, Options};
use esmtp_playground::client::{AuthSpec, TlsPolicy};
use esmtp_playground::form_options::FORM_OPTIONS_JSON;
use esmtp_playground::loopback::{run, Middlebox, Scenario};
use esmtp_playground::scripted::ScriptStep;
use esmtp_playground::server::state::{STATES, TRANSITIONS};
use esmtp_playground::server::StartTlsOffer;
use esmtp_playground::world::{preset, presets, run_world};

/// Fields whose string value is a variant name (internally tagged enums).
const TAG_FIELDS: &[&str] = &["type", "choice", "problem", "kind", "verb", "keyword"];

#[derive(Default)]
struct Names {
    fields: BTreeSet<String>,
    variants: BTreeSet<String>,
}

impl Names {
    fn of<T: Serialize>(value: &T) -> Self {
        let mut names = Names::default();
        value.serialize(Check { names: &mut names }).unwrap();
        names
    }

    fn breaking_the_rule(&self) -> Vec<String> {
        let fields = self.fields.iter().filter(|name| !is_camel_case(name));
        let variants = self
            .variants
            .iter()
            .filter(|name| !is_camel_case(name) && !is_wire_keyword(name));
        fields
            .map(|name| format!("field {name}"))
            .chain(variants.map(|name| format!("variant {name}")))
            .collect()
    }
}

/// A protocol keyword as the wire spells it: capitals, digits and hyphens (`8BITMIME`
/// starts with a digit).
fn is_wire_keyword(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase() || c.is_ascii_digit())
        && name.contains(|c: char| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
}

/// `camelCase`, or a dotted path of such names (the keys of `formOptions()`).
fn is_camel_case(name: &str) -> bool {
    name.split('.').all(|part| {
        let mut chars = part.chars();
        chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_alphanumeric())
    })
}

/// Records names; the values themselves are walked and dropped.
struct Check<'a> {
    names: &'a mut Names,
}

impl Check<'_> {
    fn variant(self, variant: &str) {
        self.names.variants.insert(variant.to_owned());
    }

    fn walk<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), fmt::Error> {
        value.serialize(Check {
            names: &mut *self.names,
        })
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), fmt::Error> {
        self.names.fields.insert(key.to_owned());
        if TAG_FIELDS.contains(&key) {
            if let Ok(serde_json::Value::String(tag)) = serde_json::to_value(value) {
                self.names.variants.insert(tag);
            }
        }
        self.walk(value)
    }
}

macro_rules! ignore_scalars {
    ($($method:ident: $ty:ty),* $(,)?) => {
        $(fn $method(self, _: $ty) -> Result<(), fmt::Error> { Ok(()) })*
    };
}

impl<'a> Serializer for Check<'a> {
    type Ok = ();
    type Error = fmt::Error;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    ignore_scalars!(
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_f32: f32, serialize_f64: f64, serialize_char: char,
        serialize_str: &str, serialize_bytes: &[u8],
    );

    fn serialize_none(self) -> Result<(), fmt::Error> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(mut self, value: &T) -> Result<(), fmt::Error> {
        self.walk(value)
    }
    fn serialize_unit(self) -> Result<(), fmt::Error> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), fmt::Error> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), fmt::Error> {
        self.variant(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        mut self,
        _: &'static str,
        value: &T,
    ) -> Result<(), fmt::Error> {
        self.walk(value)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        mut self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), fmt::Error> {
        self.names.variants.insert(variant.to_owned());
        self.walk(value)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, fmt::Error> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, fmt::Error> {
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, fmt::Error> {
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, fmt::Error> {
        self.names.variants.insert(variant.to_owned());
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, fmt::Error> {
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, fmt::Error> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, fmt::Error> {
        self.names.variants.insert(variant.to_owned());
        Ok(self)
    }
}

impl ser::SerializeSeq for Check<'_> {
    type Ok = ();
    type Error = fmt::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), fmt::Error> {
        self.walk(value)
    }
    fn end(self) -> Result<(), fmt::Error> {
        Ok(())
    }
}

impl ser::SerializeTuple for Check<'_> {
    type Ok = ();
    type Error = fmt::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), fmt::Error> {
        self.walk(value)
    }
    fn end(self) -> Result<(), fmt::Error> {
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Check<'_> {
    type Ok = ();
    type Error = fmt::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), fmt::Error> {
        self.walk(value)
    }
    fn end(self) -> Result<(), fmt::Error> {
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Check<'_> {
    type Ok = ();
    type Error = fmt::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), fmt::Error> {
        self.walk(value)
    }
    fn end(self) -> Result<(), fmt::Error> {
        Ok(())
    }
}

/// Map keys are data (mailbox addresses, host names, form paths), not names: only the
/// values are walked.
impl ser::SerializeMap for Check<'_> {
    type Ok = ();
    type Error = fmt::Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, _: &T) -> Result<(), fmt::Error> {
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), fmt::Error> {
        self.walk(value)
    }
    fn end(self) -> Result<(), fmt::Error> {
        Ok(())
    }
}

impl ser::SerializeStruct for Check<'_> {
    type Ok = ();
    type Error = fmt::Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), fmt::Error> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), fmt::Error> {
        Ok(())
    }
}

impl ser::SerializeStructVariant for Check<'_> {
    type Ok = ();
    type Error = fmt::Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), fmt::Error> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), fmt::Error> {
        Ok(())
    }
}

/// Sessions that between them reach most event kinds: the default (pipelined ESMTP),
/// AUTH with each mechanism, a bad address, a scripted smuggling attempt, TLS.
fn scenarios() -> Vec<Scenario> {
    let mut out = vec![Scenario::default()];
    for mechanism in ["PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5"] {
        let mut scenario = Scenario::default();
        scenario.client.auth = Some(AuthSpec {
            mechanism: mechanism.into(),
            ..AuthSpec::default()
        });
        out.push(scenario);
    }
    let mut refused = Scenario::default();
    refused.client.message.to = vec!["someone@elsewhere.example".into()];
    out.push(refused);
    let scripted = Scenario {
        script: Some(vec![
            ScriptStep::Send("EHLO x\r\nMAIL FROM:<a@example.net>\r\n".into()),
            ScriptStep::Send("RCPT TO:<bob@example.org>\r\nDATA\r\n".into()),
            ScriptStep::Send("Hi\n.\r\n".into()),
            ScriptStep::Wait(1_000),
            ScriptStep::Close(true),
        ]),
        ..Scenario::default()
    };
    out.push(scripted);
    out.extend(tls_scenarios());
    out
}

/// TLS in the loopback: STARTTLS with AUTH, implicit TLS, a stripped STARTTLS, and a
/// handshake that fails (the certificate does not name the server).
fn tls_scenarios() -> Vec<Scenario> {
    let mut starttls = Scenario::default();
    starttls.server.starttls = StartTlsOffer::Offered;
    starttls.server.auth_requires_tls = true;
    starttls.client.tls = TlsPolicy::Required;
    starttls.client.auth = Some(AuthSpec {
        mechanism: "PLAIN".into(),
        ..AuthSpec::default()
    });
    let implicit = Scenario {
        implicit_tls: true,
        ..starttls.clone()
    };
    let stripped = Scenario {
        middlebox: Middlebox::StripStarttls,
        ..starttls.clone()
    };
    let mut failing = starttls.clone();
    failing.server.hostname = "mx.elsewhere.test".into();
    vec![starttls, implicit, stripped, failing]
}

fn assert_follows_rule(what: &str, names: &Names) {
    let broken = names.breaking_the_rule();
    assert!(broken.is_empty(), "{what}: {broken:#?}");
}

#[test]
fn scenarios_and_timelines_follow_the_rule() {
    for scenario in scenarios() {
        assert_follows_rule("scenario", &Names::of(&scenario));
        let timeline = run(&scenario).unwrap();
        let names = Names::of(&timeline);
        assert!(names.variants.len() > 3, "the walk reached the events");
        assert_follows_rule("timeline", &names);
    }
}

#[test]
fn world_timelines_follow_the_rule() {
    for info in presets() {
        let scenario = preset(&info.name).unwrap();
        assert_follows_rule("world scenario", &Names::of(&scenario));
        assert_follows_rule("world timeline", &Names::of(&run_world(&scenario).unwrap()));
    }
    assert_follows_rule("world presets", &Names::of(&presets()));
}

#[test]
fn page_facts_follow_the_rule() {
    let options: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(FORM_OPTIONS_JSON).unwrap();
    for (path, choices) in &options {
        assert!(is_camel_case(path), "{path}");
        for choice in choices.as_array().unwrap() {
            let keys: Vec<_> = choice.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["label", "value"], "{path}");
            if let Some(value) = choice["value"].as_str() {
                assert!(
                    is_camel_case(value) || is_wire_keyword(value),
                    "{path}: {value}"
                );
            }
        }
    }
    assert_follows_rule("states", &Names::of(&STATES));
    assert_follows_rule("transitions", &Names::of(&TRANSITIONS));
}

#[test]
fn the_analyze_view_follows_the_rule() {
    let fixtures = format!("{}/tests/fixtures/analyze", env!("CARGO_MANIFEST_DIR"));
    for name in [
        "swaks-cram-md5.txt",
        "swaks-login.txt",
        "swaks-plain-raw.txt",
    ] {
        let input = std::fs::read(format!("{fixtures}/{name}")).unwrap();
        let options = Options {
            password: Some("S3cret-pw".into()),
            ..Options::default()
        };
        let analysis = analyze(&input, &options).unwrap();
        let names = Names::of(&view(&analysis, options.password.as_deref()));
        assert!(names.fields.contains("sasl"), "{name}: the SASL steps");
        assert_follows_rule(name, &names);
    }
}

#[test]
fn the_check_sees_a_snake_case_field_and_a_pascal_case_variant() {
    #[derive(serde::Serialize)]
    enum Kind {
        LoudNoise,
    }
    #[derive(serde::Serialize)]
    struct Bad {
        local_part: Kind,
    }
    let names = Names::of(&Bad {
        local_part: Kind::LoudNoise,
    });
    assert_eq!(
        names.breaking_the_rule(),
        ["field local_part", "variant LoudNoise"]
    );
}
