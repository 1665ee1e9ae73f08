//! The parameters of MAIL and RCPT as this session allows them, and DSN's share of the
//! replies (RFC 3461): which parameter extensions were offered, the one call that
//! refuses a bad parameter (501 for bad syntax or a repeat, 555 for one not offered),
//! and what accepted DSN parameters ask for, for the explanations.

use super::session::Server;
use crate::dsn::parameters::{MailDsn, RcptDsn};
use crate::protocol::parameters::ParameterError;
use crate::protocol::OfferedParameters;

impl Server {
    /// The parameter extensions listed in this session's EHLO reply (none after HELO).
    pub(super) fn offered_parameters(&self) -> OfferedParameters {
        let ehlo = self.ehlo_session();
        let switches = &self.config.extensions;
        OfferedParameters {
            size: ehlo && switches.size,
            eight_bit_mime: ehlo && switches.eight_bit_mime,
            dsn: ehlo && switches.dsn,
            smtputf8: self.smtputf8_offered(),
            binary_mime: self.binary_mime_offered(),
        }
    }

    /// Refuses a MAIL or RCPT whose parameter cannot be accepted; the transaction is
    /// unchanged (RFC 5321 §4.1.1.11).
    pub(super) fn refuse_parameter(&mut self, error: &ParameterError) {
        let explanation = format!("{} {}", error.detail, error.reply.explanation());
        self.reply(error.reply, format!("Error: {}", error.detail), explanation);
    }
}

/// What `RET=` and `ENVID=` ask for, as a sentence to append (empty when absent).
pub(super) fn mail_note(dsn: &MailDsn) -> String {
    let mut note = String::new();
    if let Some(ret) = dsn.ret {
        note.push_str(&format!(
            " RET={ret}: a failure notice returns {} (RFC 3461 §4.3).",
            match ret {
                crate::dsn::Ret::Full => "the whole message",
                crate::dsn::Ret::Hdrs => "only the message's headers",
            }
        ));
    }
    if let Some(envid) = &dsn.envid {
        note.push_str(&format!(
            " ENVID={envid}: quoted back in any notification so the sender can match it \
             (RFC 3461 §4.4)."
        ));
    }
    note
}

/// What `NOTIFY=` and `ORCPT=` ask for, as a sentence to append (empty when absent).
pub(super) fn rcpt_note(dsn: &RcptDsn) -> String {
    let mut note = String::new();
    if let Some(notify) = dsn.notify {
        let asks = if notify == crate::dsn::Notify::Never {
            "no notification at all, not even on failure".to_owned()
        } else {
            format!(
                "a notification on {}",
                notify.to_string().to_ascii_lowercase().replace(',', ", ")
            )
        };
        note.push_str(&format!(" NOTIFY={notify}: {asks} (RFC 3461 §4.1)."));
    }
    if let Some(orcpt) = &dsn.orcpt {
        note.push_str(&format!(
            " ORCPT={orcpt}: the address the sender first gave, quoted in notifications \
             (RFC 3461 §4.2)."
        ));
    }
    note
}
