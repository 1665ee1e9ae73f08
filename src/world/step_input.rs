//! How a [`WorldStep`] is read: one flat object whose `type` names the step, the same
//! JSON the derived, internally tagged form reads and writes.
//!
//! WHY not the derive: serde reads an internally tagged enum by first buffering the
//! whole object in its private `Content` tree, then reading the variant from that tree;
//! every type under the step (the whole `ClientSpec`) is then compiled a second time for
//! that tree reader. In the page's World wasm module that cost 35 KB raw, 12 KB gzip
//! (measured 2026-11-28, see the commit). Reading the fields straight into one struct
//! avoids the buffer; the step's shape, defaults and error messages stay as they were.

use serde::Deserialize;

use super::{HostState, WorldStep};
use crate::client::ClientSpec;
use crate::time::Millis;

/// Which step an object describes (its `type`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
enum StepKind {
    Smtp,
    Pop3,
    Deliver,
    HostState,
    Wait,
}

/// Every field any step has; [`WorldStep`]'s variants say which are needed.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StepInput {
    #[serde(rename = "type")]
    kind: StepKind,
    from: Option<String>,
    to: Option<String>,
    #[serde(default)]
    client: Box<ClientSpec>,
    #[serde(default)]
    purpose: String,
    lines: Option<Vec<String>>,
    #[serde(default)]
    domains: Vec<String>,
    host: Option<String>,
    state: Option<HostState>,
    ms: Option<Millis>,
    #[serde(default)]
    reason: String,
}

/// A field the step's type needs but the object lacks, worded as serde words it.
fn missing(field: &str) -> String {
    format!("missing field `{field}`")
}

impl TryFrom<StepInput> for WorldStep {
    type Error = String;

    fn try_from(input: StepInput) -> Result<Self, String> {
        Ok(match input.kind {
            StepKind::Smtp => WorldStep::Smtp {
                from: input.from.ok_or_else(|| missing("from"))?,
                to: input.to.ok_or_else(|| missing("to"))?,
                client: input.client,
                purpose: input.purpose,
            },
            StepKind::Pop3 => WorldStep::Pop3 {
                from: input.from.ok_or_else(|| missing("from"))?,
                to: input.to.ok_or_else(|| missing("to"))?,
                lines: input.lines.ok_or_else(|| missing("lines"))?,
                purpose: input.purpose,
            },
            StepKind::Deliver => WorldStep::Deliver {
                from: input.from.ok_or_else(|| missing("from"))?,
                domains: input.domains,
                purpose: input.purpose,
            },
            StepKind::HostState => WorldStep::HostState {
                host: input.host.ok_or_else(|| missing("host"))?,
                state: input.state.ok_or_else(|| missing("state"))?,
                reason: input.reason,
            },
            StepKind::Wait => WorldStep::Wait {
                ms: input.ms.ok_or_else(|| missing("ms"))?,
                reason: input.reason,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<WorldStep, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn every_step_type_reads_back_what_it_writes() {
        let steps = [
            WorldStep::Smtp {
                from: "a.example".into(),
                to: "b.example".into(),
                client: Box::default(),
                purpose: "send".into(),
            },
            WorldStep::Pop3 {
                from: "a.example".into(),
                to: "b.example".into(),
                lines: vec!["USER alice".into(), "QUIT".into()],
                purpose: String::new(),
            },
            WorldStep::Deliver {
                from: "a.example".into(),
                domains: vec!["example.org".into()],
                purpose: "route by MX".into(),
            },
            WorldStep::HostState {
                host: "b.example".into(),
                state: HostState::Refused,
                reason: "line down".into(),
            },
            WorldStep::Wait {
                ms: 60_000,
                reason: "lunch".into(),
            },
        ];
        for step in steps {
            let json = serde_json::to_string(&step).unwrap();
            assert_eq!(read(&json), Ok(step), "{json}");
        }
    }

    #[test]
    fn optional_fields_default_and_unknown_ones_are_ignored() {
        let step = read(r#"{"type":"smtp","from":"a","to":"b","note":1}"#).unwrap();
        assert_eq!(
            step,
            WorldStep::Smtp {
                from: "a".into(),
                to: "b".into(),
                client: Box::default(),
                purpose: String::new(),
            }
        );
    }

    #[test]
    fn a_missing_required_field_or_unknown_type_is_named() {
        let error = read(r#"{"type":"pop3","from":"a","to":"b"}"#).unwrap_err();
        assert!(error.starts_with("missing field `lines`"), "{error}");
        let error = read(r#"{"type":"wait"}"#).unwrap_err();
        assert!(error.starts_with("missing field `ms`"), "{error}");
        let error = read(r#"{"type":"fly","ms":1}"#).unwrap_err();
        assert!(error.starts_with("unknown variant `fly`"), "{error}");
        let error = read(r#"{"ms":1}"#).unwrap_err();
        assert!(error.starts_with("missing field `type`"), "{error}");
    }
}
