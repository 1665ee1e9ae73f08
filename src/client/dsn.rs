//! What the client asks of delivery status notifications (RFC 3461): the spec's
//! `dsn` settings, checked, and the per-message request they become: `RET=`/`ENVID=`
//! for MAIL FROM and `NOTIFY=`/`ORCPT=` for each RCPT TO. A relayed message carries
//! the request it was accepted with. Whether the parameters go on the wire is decided
//! from the EHLO reply (`negotiation::dsn`): only when the server offered DSN.

use serde::{Deserialize, Serialize};

use super::error::SpecError;
use crate::dsn::parameters::{MailDsn, RcptDsn, MAX_ENVID};
use crate::dsn::{Notify, OriginalRecipient, Ret};
use crate::protocol::{Mailbox, Parameter};
use crate::sasl::xtext;

/// The spec's DSN settings; all empty asks for nothing (no parameter is sent).
///
/// ```json
/// { "ret": "HDRS", "envid": "QQ314159", "notify": "SUCCESS,FAILURE", "orcpt": true }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DsnSpec {
    /// `RET=FULL` or `RET=HDRS`; `null` for none.
    pub ret: Option<Ret>,
    /// `ENVID=`: printable ASCII, xtext-encoded on the wire; `null` for none.
    pub envid: Option<String>,
    /// `NOTIFY=` for every recipient: `NEVER` or a list of `SUCCESS`, `FAILURE`,
    /// `DELAY`; `null` for none.
    pub notify: Option<Notify>,
    /// Send `ORCPT=rfc822;<recipient>` with each RCPT TO.
    pub orcpt: bool,
}

impl DsnSpec {
    /// Refuses an ENVID that is too long once encoded or not printable ASCII.
    pub(crate) fn check(&self) -> Result<(), SpecError> {
        let Some(envid) = &self.envid else {
            return Ok(());
        };
        let printable = envid.bytes().all(|b| (b' '..=b'~').contains(&b));
        if !printable || envid.is_empty() || xtext::encode(envid.as_bytes()).len() > MAX_ENVID {
            return Err(SpecError::EnvelopeId {
                given: envid.clone(),
                max: MAX_ENVID,
            });
        }
        Ok(())
    }
}

/// The DSN request of one message: its MAIL half and each recipient's RCPT half.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct MessageDsn {
    /// `RET=` and `ENVID=`.
    pub mail: MailDsn,
    /// `NOTIFY=` and `ORCPT=` per recipient address (`local@domain`).
    pub recipients: Vec<(String, RcptDsn)>,
}

impl MessageDsn {
    /// The request a spec makes for these recipients.
    pub(crate) fn of_spec(spec: &DsnSpec, recipients: &[Mailbox]) -> Self {
        let mail = MailDsn {
            ret: spec.ret,
            envid: spec.envid.clone(),
        };
        let recipients = recipients
            .iter()
            .map(|mailbox| {
                let address = mailbox.to_string();
                let rcpt = RcptDsn {
                    notify: spec.notify,
                    orcpt: spec.orcpt.then(|| OriginalRecipient::rfc822(&address)),
                };
                (address, rcpt)
            })
            .collect();
        Self { mail, recipients }
    }

    /// True when any parameter would be sent.
    pub(crate) fn is_requested(&self) -> bool {
        !self.mail.is_empty() || self.recipients.iter().any(|(_, rcpt)| !rcpt.is_empty())
    }

    /// `RET=` and `ENVID=` (xtext) for MAIL FROM.
    pub(crate) fn mail_parameters(&self) -> Vec<Parameter> {
        let ret = self
            .mail
            .ret
            .map(|ret| Parameter::new("RET", ret.to_string()));
        let envid = self
            .mail
            .envid
            .as_ref()
            .map(|id| Parameter::new("ENVID", xtext::encode(id.as_bytes())));
        ret.into_iter().chain(envid).collect()
    }

    /// `NOTIFY=` and `ORCPT=` (xtext) for this recipient's RCPT TO.
    pub(crate) fn rcpt_parameters(&self, mailbox: &Mailbox) -> Vec<Parameter> {
        let address = mailbox.to_string();
        let Some((_, rcpt)) = self.recipients.iter().find(|(a, _)| *a == address) else {
            return Vec::new();
        };
        let notify = rcpt
            .notify
            .map(|notify| Parameter::new("NOTIFY", notify.to_string()));
        let orcpt = rcpt
            .orcpt
            .as_ref()
            .map(|orcpt| Parameter::new("ORCPT", orcpt.encoded()));
        notify.into_iter().chain(orcpt).collect()
    }

    /// The parameters in words, for the negotiation row: `RET=HDRS ENVID=x NOTIFY=…`.
    pub(crate) fn summary(&self) -> String {
        let mut words: Vec<String> = self
            .mail_parameters()
            .iter()
            .map(ToString::to_string)
            .collect();
        let mut notify: Vec<String> = Vec::new();
        for (_, rcpt) in &self.recipients {
            if let Some(value) = rcpt.notify.map(|n| format!("NOTIFY={n}")) {
                if !notify.contains(&value) {
                    notify.push(value);
                }
            }
        }
        words.extend(notify);
        if self.recipients.iter().any(|(_, rcpt)| rcpt.orcpt.is_some()) {
            words.push("ORCPT=rfc822;…".into());
        }
        words.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::path::parse_forward_path;
    use crate::protocol::ForwardPath;

    fn mailbox(text: &str) -> Mailbox {
        match parse_forward_path(text).unwrap().into_owned() {
            ForwardPath::Mailbox(mailbox) => mailbox,
            ForwardPath::Postmaster => unreachable!(),
        }
    }

    #[test]
    fn spec_becomes_wire_parameters() {
        let spec = DsnSpec {
            ret: Some(Ret::Hdrs),
            envid: Some("id=1".into()),
            notify: Some(Notify::parse("SUCCESS,FAILURE").unwrap()),
            orcpt: true,
        };
        let bob = mailbox("<bob+x@example.org>");
        let request = MessageDsn::of_spec(&spec, std::slice::from_ref(&bob));
        let mail: Vec<String> = request
            .mail_parameters()
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(mail, ["RET=HDRS", "ENVID=id+3D1"]);
        let rcpt: Vec<String> = request
            .rcpt_parameters(&bob)
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(
            rcpt,
            ["NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;bob+2Bx@example.org"]
        );
        assert!(request.is_requested());
        assert!(!MessageDsn::of_spec(&DsnSpec::default(), &[bob]).is_requested());
    }

    #[test]
    fn envid_must_be_printable_and_short() {
        let bad = |envid: &str| DsnSpec {
            envid: Some(envid.into()),
            ..DsnSpec::default()
        };
        assert!(bad("ok-id").check().is_ok());
        assert!(bad("caf\u{e9}").check().is_err());
        assert!(bad(&"=".repeat(40)).check().is_err(), "120 once encoded");
        assert!(bad("").check().is_err());
    }
}
