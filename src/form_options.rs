//! The allowed values of every enum setting in a scenario, with a label each, so the
//! page's forms offer exactly what the engines accept. Keyed by the setting's path in
//! the scenario (`"server.strictness.bareLf"`), written as the scenario's JSON names it.
//! Each list is made by [`choices!`], which also matches every variant, so a variant
//! added to an engine's type without a label here does not compile.

use serde::Serialize;

use crate::client::{EightBitPolicy, HelloMode, PipeliningMode, Step};
use crate::sasl::Mechanism;
use crate::server::{
    BareLfPolicy, EhloMode, Role, UndeclaredEightBitPolicy, UnofferedPipeliningPolicy,
};

/// One allowed value and what to call it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Choice<T> {
    /// The value as the scenario holds it.
    pub value: T,
    /// A short label for a drop-down.
    pub label: &'static str,
}

/// `choices!(Type { Variant => "label", … })`: every variant of `Type` with its label,
/// checked for completeness at compile time.
macro_rules! choices {
    ($ty:ident { $($variant:ident => $label:expr),+ $(,)? }) => {{
        #[allow(dead_code)]
        fn every_variant_is_listed(value: $ty) {
            match value {
                $($ty::$variant)|+ => {}
            }
        }
        vec![$(Choice { value: $ty::$variant, label: $label }),+]
    }};
}

/// Every enum setting of a scenario and its choices. Serialises as one object whose
/// keys are the settings' paths.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FormOptions {
    /// How the client greets.
    #[serde(rename = "client.hello")]
    pub hello: Vec<Choice<HelloMode>>,
    /// Whether the client pipelines.
    #[serde(rename = "client.pipelining")]
    pub pipelining: Vec<Choice<PipeliningMode>>,
    /// An 8-bit body and a server without 8BITMIME.
    #[serde(rename = "client.eightBit")]
    pub eight_bit: Vec<Choice<EightBitPolicy>>,
    /// Where the client stops (`null`: after the whole session).
    #[serde(rename = "client.quitAfter")]
    pub quit_after: Vec<Choice<Option<Step>>>,
    /// Where a raw line may go.
    #[serde(rename = "client.rawLines.after")]
    pub raw_line_after: Vec<Choice<Step>>,
    /// The client's AUTH mechanism: `auto` or a registered name.
    #[serde(rename = "client.auth.mechanism")]
    pub auth_mechanism: Vec<Choice<&'static str>>,
    /// The mechanisms a server may offer.
    #[serde(rename = "server.auth.mechanisms")]
    pub server_mechanisms: Vec<Choice<Mechanism>>,
    /// The server's answer to EHLO.
    #[serde(rename = "server.ehloMode")]
    pub ehlo_mode: Vec<Choice<EhloMode>>,
    /// MX or submission.
    #[serde(rename = "server.role")]
    pub role: Vec<Choice<Role>>,
    /// Bare LF policy.
    #[serde(rename = "server.strictness.bareLf")]
    pub bare_lf: Vec<Choice<BareLfPolicy>>,
    /// Commands ahead of replies without PIPELINING.
    #[serde(rename = "server.strictness.unofferedPipelining")]
    pub unoffered_pipelining: Vec<Choice<UnofferedPipeliningPolicy>>,
    /// 8-bit text without `BODY=8BITMIME`.
    #[serde(rename = "server.strictness.undeclaredEightBit")]
    pub undeclared_eight_bit: Vec<Choice<UndeclaredEightBitPolicy>>,
}

/// The choices, as the engines define them.
pub fn form_options() -> FormOptions {
    FormOptions {
        hello: choices!(HelloMode {
            Ehlo => "EHLO (ESMTP, falls back to HELO)",
            Helo => "HELO (no extensions)",
        }),
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
        server_mechanisms: Mechanism::ALL
            .iter()
            .map(|&mechanism| Choice {
                value: mechanism,
                label: mechanism.name(),
            })
            .collect(),
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

fn steps() -> Vec<Choice<Step>> {
    choices!(Step {
        Greeting => "greeting",
        Ehlo => "EHLO",
        Auth => "AUTH",
        Mail => "MAIL",
        Rcpt => "RCPT",
        Data => "DATA",
    })
}

fn quit_after() -> Vec<Choice<Option<Step>>> {
    let whole = Choice {
        value: None,
        label: "(none: the whole session)",
    };
    let each = steps().into_iter().map(|choice| Choice {
        value: Some(choice.value),
        label: choice.label,
    });
    std::iter::once(whole).chain(each).collect()
}

fn auth_mechanisms() -> Vec<Choice<&'static str>> {
    let auto = Choice {
        value: "auto",
        label: "auto (strongest offered)",
    };
    let each = Mechanism::ALL.iter().map(|mechanism| Choice {
        value: mechanism.name(),
        label: mechanism.name(),
    });
    std::iter::once(auto).chain(each).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
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

    #[test]
    fn each_choice_reads_back_as_the_setting() {
        let options = form_options();
        for choice in &options.bare_lf {
            let text = serde_json::to_string(&choice.value).unwrap();
            assert_eq!(
                serde_json::from_str::<BareLfPolicy>(&text).unwrap(),
                choice.value
            );
        }
        let labels: Vec<_> = options.auth_mechanism.iter().map(|c| c.value).collect();
        assert_eq!(labels, ["auto", "PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5"]);
        assert_eq!(options.quit_after.first().map(|c| c.value), Some(None));
    }
}
