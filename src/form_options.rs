//! The allowed values of every enum setting in a scenario, with a label each, so the
//! page's forms offer exactly what the engines accept. Keyed by the setting's path in
//! the scenario (`"server.strictness.bareLf"`), written as the scenario's JSON names it.
//!
//! The page gets [`FORM_OPTIONS_JSON`], a constant: building the lists from the typed
//! values at run time costs about 2 KB of gzipped wasm. The tests build the same lists
//! from the engines' types (`typed`), where `choices!` matches every variant (a variant
//! added without a label does not compile) and checks each value against serde, and
//! require the constant to equal them.

/// Every enum setting's choices, `{path: [{value, label}]}` (`value` `null` for "none").
pub const FORM_OPTIONS_JSON: &str = r#"{
  "client.hello": [{"value": "EHLO", "label": "EHLO (ESMTP, falls back to HELO)"}, {"value": "HELO", "label": "HELO (no extensions)"}],
  "client.pipelining": [{"value": "auto", "label": "auto (when offered)"}, {"value": "off", "label": "off (lock-step)"}],
  "client.eightBit": [{"value": "downgrade", "label": "downgrade to quoted-printable"}, {"value": "refuse", "label": "refuse to send"}],
  "client.quitAfter": [{"value": null, "label": "(none: the whole session)"}, {"value": "greeting", "label": "greeting"}, {"value": "ehlo", "label": "EHLO"}, {"value": "auth", "label": "AUTH"}, {"value": "mail", "label": "MAIL"}, {"value": "rcpt", "label": "RCPT"}, {"value": "data", "label": "DATA"}],
  "client.rawLines.after": [{"value": "greeting", "label": "greeting"}, {"value": "ehlo", "label": "EHLO"}, {"value": "auth", "label": "AUTH"}, {"value": "mail", "label": "MAIL"}, {"value": "rcpt", "label": "RCPT"}, {"value": "data", "label": "DATA"}],
  "client.auth.mechanism": [{"value": "auto", "label": "auto (strongest offered)"}, {"value": "PLAIN", "label": "PLAIN"}, {"value": "LOGIN", "label": "LOGIN"}, {"value": "CRAM-MD5", "label": "CRAM-MD5"}, {"value": "DIGEST-MD5", "label": "DIGEST-MD5"}, {"value": "SCRAM-SHA-1", "label": "SCRAM-SHA-1"}, {"value": "SCRAM-SHA-256", "label": "SCRAM-SHA-256"}, {"value": "XOAUTH2", "label": "XOAUTH2"}, {"value": "OAUTHBEARER", "label": "OAUTHBEARER"}],
  "server.auth.mechanisms": [{"value": "PLAIN", "label": "PLAIN"}, {"value": "LOGIN", "label": "LOGIN"}, {"value": "CRAM-MD5", "label": "CRAM-MD5"}, {"value": "DIGEST-MD5", "label": "DIGEST-MD5"}, {"value": "SCRAM-SHA-1", "label": "SCRAM-SHA-1"}, {"value": "SCRAM-SHA-256", "label": "SCRAM-SHA-256"}, {"value": "XOAUTH2", "label": "XOAUTH2"}, {"value": "OAUTHBEARER", "label": "OAUTHBEARER"}],
  "server.ehloMode": [{"value": "esmtp", "label": "ESMTP (EHLO lists extensions)"}, {"value": "heloOnlyUnrecognized", "label": "HELO only: EHLO gets 500"}, {"value": "heloOnlyNotImplemented", "label": "HELO only: EHLO gets 502"}],
  "server.role": [{"value": "mx", "label": "mx (port 25)"}, {"value": "submission", "label": "submission (port 587, removes Bcc)"}],
  "server.strictness.bareLf": [{"value": "reject", "label": "reject"}, {"value": "normalise", "label": "normalise to CRLF"}],
  "server.strictness.unofferedPipelining": [{"value": "tolerate", "label": "tolerate"}, {"value": "reject", "label": "reject (554, close)"}],
  "server.strictness.undeclaredEightBit": [{"value": "accept", "label": "accept"}, {"value": "reject", "label": "reject (550)"}]
}"#;

/// The lists built from the engines' types, for the tests to check the constant against.
#[cfg(test)]
pub(crate) mod typed {
    use serde::Serialize;

    use crate::client::{EightBitPolicy, HelloMode, PipeliningMode, Step};
    use crate::sasl::Mechanism;
    use crate::server::{
        BareLfPolicy, EhloMode, Role, UndeclaredEightBitPolicy, UnofferedPipeliningPolicy,
    };

    /// One allowed value and what to call it.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize)]
    pub struct Choice {
        /// The value as the scenario's JSON writes it.
        pub value: serde_json::Value,
        /// A short label for a drop-down.
        pub label: &'static str,
    }

    /// `choices!(Type { Variant => "label", … })`: every variant of `Type` with its label
    /// and its value as serde writes it, checked for completeness at compile time.
    macro_rules! choices {
        ($ty:ident { $($variant:ident => $label:expr),+ $(,)? }) => {{
            #[allow(dead_code)]
            fn every_variant_is_listed(value: $ty) {
                match value {
                    $($ty::$variant)|+ => {}
                }
            }
            vec![$(Choice { value: serde_json::to_value($ty::$variant).unwrap(), label: $label }),+]
        }};
    }

    /// Every enum setting of a scenario and its choices. Serialises as one object whose
    /// keys are the settings' paths.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize)]
    pub struct FormOptions {
        /// How the client greets.
        #[serde(rename = "client.hello")]
        pub hello: Vec<Choice>,
        /// Whether the client pipelines.
        #[serde(rename = "client.pipelining")]
        pub pipelining: Vec<Choice>,
        /// An 8-bit body and a server without 8BITMIME.
        #[serde(rename = "client.eightBit")]
        pub eight_bit: Vec<Choice>,
        /// Where the client stops (`null`: after the whole session).
        #[serde(rename = "client.quitAfter")]
        pub quit_after: Vec<Choice>,
        /// Where a raw line may go.
        #[serde(rename = "client.rawLines.after")]
        pub raw_line_after: Vec<Choice>,
        /// The client's AUTH mechanism: `auto` or a registered name.
        #[serde(rename = "client.auth.mechanism")]
        pub auth_mechanism: Vec<Choice>,
        /// The mechanisms a server may offer.
        #[serde(rename = "server.auth.mechanisms")]
        pub server_mechanisms: Vec<Choice>,
        /// The server's answer to EHLO.
        #[serde(rename = "server.ehloMode")]
        pub ehlo_mode: Vec<Choice>,
        /// MX or submission.
        #[serde(rename = "server.role")]
        pub role: Vec<Choice>,
        /// Bare LF policy.
        #[serde(rename = "server.strictness.bareLf")]
        pub bare_lf: Vec<Choice>,
        /// Commands ahead of replies without PIPELINING.
        #[serde(rename = "server.strictness.unofferedPipelining")]
        pub unoffered_pipelining: Vec<Choice>,
        /// 8-bit text without `BODY=8BITMIME`.
        #[serde(rename = "server.strictness.undeclaredEightBit")]
        pub undeclared_eight_bit: Vec<Choice>,
    }

    /// The choices, as the engines define them.
    pub fn form_options() -> FormOptions {
        FormOptions {
            hello: hello_modes(),
            pipelining: choices!(PipeliningMode {
                Auto => "auto (when offered)",
                Off => "off (lock-step)",
            }),
            eight_bit: choices!(EightBitPolicy {
                Downgrade => "downgrade to quoted-printable",
                Refuse => "refuse to send",
            }),
            quit_after: quit_after(),
            raw_line_after: steps(),
            auth_mechanism: auth_mechanisms(),
            server_mechanisms: Mechanism::ALL.iter().map(|&m| named(m.name())).collect(),
            ehlo_mode: choices!(EhloMode {
                Esmtp => "ESMTP (EHLO lists extensions)",
                HeloOnlyUnrecognized => "HELO only: EHLO gets 500",
                HeloOnlyNotImplemented => "HELO only: EHLO gets 502",
            }),
            role: choices!(Role {
                Mx => "mx (port 25)",
                Submission => "submission (port 587, removes Bcc)",
            }),
            bare_lf: choices!(BareLfPolicy {
                Reject => "reject",
                Normalise => "normalise to CRLF",
            }),
            unoffered_pipelining: choices!(UnofferedPipeliningPolicy {
                Tolerate => "tolerate",
                Reject => "reject (554, close)",
            }),
            undeclared_eight_bit: choices!(UndeclaredEightBitPolicy {
                Accept => "accept",
                Reject => "reject (550)",
            }),
        }
    }

    /// A value written as the wire writes it, labelled with itself.
    fn named(name: &'static str) -> Choice {
        Choice {
            value: name.into(),
            label: name,
        }
    }

    fn hello_modes() -> Vec<Choice> {
        choices!(HelloMode {
            Ehlo => "EHLO (ESMTP, falls back to HELO)",
            Helo => "HELO (no extensions)",
        })
    }

    fn steps() -> Vec<Choice> {
        choices!(Step {
            Greeting => "greeting",
            Ehlo => "EHLO",
            Auth => "AUTH",
            Mail => "MAIL",
            Rcpt => "RCPT",
            Data => "DATA",
        })
    }

    fn quit_after() -> Vec<Choice> {
        let whole = Choice {
            value: serde_json::Value::Null,
            label: "(none: the whole session)",
        };
        std::iter::once(whole).chain(steps()).collect()
    }

    fn auth_mechanisms() -> Vec<Choice> {
        let auto = Choice {
            value: "auto".into(),
            label: "auto (strongest offered)",
        };
        let each = Mechanism::ALL.iter().map(|m| named(m.name()));
        std::iter::once(auto).chain(each).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::typed::*;
    use super::FORM_OPTIONS_JSON;
    use crate::loopback::Scenario;

    /// The value at `path` in the default scenario's JSON, if the path exists there.
    fn default_at(path: &str) -> Option<serde_json::Value> {
        let mut value = serde_json::to_value(Scenario::default()).ok()?;
        for key in path.split('.') {
            value = match value {
                serde_json::Value::Array(items) => items.into_iter().next()?,
                other => other.get(key)?.clone(),
            };
        }
        Some(value)
    }

    #[test]
    fn the_constant_is_what_the_types_give() {
        let constant: serde_json::Value = serde_json::from_str(FORM_OPTIONS_JSON).unwrap();
        assert_eq!(constant, serde_json::to_value(form_options()).unwrap());
    }

    #[test]
    fn every_path_names_a_setting_and_its_default_is_a_choice() {
        let options = serde_json::to_value(form_options()).unwrap();
        for (path, choices) in options.as_object().unwrap() {
            let values: Vec<_> = choices
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["value"].clone())
                .collect();
            assert!(!values.is_empty(), "{path}");
            if let Some(default) = default_at(path) {
                let defaults = match default {
                    serde_json::Value::Array(items) => items,
                    one => vec![one],
                };
                for item in defaults {
                    assert!(
                        values.contains(&item),
                        "{path}: default {item} is not offered"
                    );
                }
            }
        }
    }

    /// Each value reads back as the setting's type.
    #[test]
    fn each_choice_reads_back_as_the_setting() {
        fn all<T: serde::de::DeserializeOwned>(choices: &[Choice]) {
            for choice in choices {
                assert!(
                    serde_json::from_value::<T>(choice.value.clone()).is_ok(),
                    "{choice:?}"
                );
            }
        }
        use crate::client::{HelloMode, Step};
        let options = form_options();
        all::<HelloMode>(&options.hello);
        all::<Option<Step>>(&options.quit_after);
        all::<crate::sasl::Mechanism>(&options.server_mechanisms);
        all::<crate::server::BareLfPolicy>(&options.bare_lf);
        let values: Vec<_> = options
            .auth_mechanism
            .iter()
            .map(|c| c.value.clone())
            .collect();
        assert_eq!(
            values,
            [
                "auto",
                "PLAIN",
                "LOGIN",
                "CRAM-MD5",
                "DIGEST-MD5",
                "SCRAM-SHA-1",
                "SCRAM-SHA-256",
                "XOAUTH2",
                "OAUTHBEARER"
            ]
        );
        assert!(options.quit_after[0].value.is_null());
    }
}
