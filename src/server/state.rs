//! The server's state machine as data. Every transition the server makes is a row of
//! `TRANSITIONS`; the engine looks commands up here before acting, and the page draws
//! its state diagram from the same table. This file knows nothing else about SMTP.

use serde::Serialize;

/// Where a server session is, named for what it expects next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum State {
    /// Greeting sent; waiting for EHLO or HELO.
    ExpectHello,
    /// Greeted; waiting for MAIL (or AUTH and other session commands).
    ExpectMail,
    /// MAIL accepted; waiting for the first accepted RCPT.
    ExpectRcpt,
    /// At least one recipient accepted; more RCPT or DATA.
    ExpectRcptOrData,
    /// After 354: reading message text until CRLF.CRLF.
    ReceivingData,
    /// After a 334 challenge: every line is an AUTH response (base64 or `*`), not a
    /// command, until the exchange ends (RFC 4954 §4).
    Authenticating,
    /// Connection closed; nothing more is read.
    Closed,
}

/// What moves the machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Trigger {
    /// EHLO or HELO accepted.
    Hello,
    /// MAIL FROM accepted.
    Mail,
    /// RCPT TO accepted.
    Rcpt,
    /// DATA answered 354.
    Data,
    /// The final "." was read and the message judged.
    EndOfData,
    /// RSET.
    Rset,
    /// AUTH (or a response line) was answered with a 334 challenge.
    AuthChallenge,
    /// The AUTH exchange ended: 235, a failure reply, or `*` cancelled it.
    AuthDone,
    /// QUIT, a 421 or a fatal error.
    Close,
}

/// One row of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Transition {
    /// States the trigger is allowed in.
    pub from: &'static [State],
    /// What happened.
    pub trigger: Trigger,
    /// Where the machine goes.
    pub to: State,
    /// The RFC section that says so.
    pub rfc: &'static str,
}

use State::*;

const OPEN: &[State] = &[
    ExpectHello,
    ExpectMail,
    ExpectRcpt,
    ExpectRcptOrData,
    ReceivingData,
    Authenticating,
];
const GREETED: &[State] = &[ExpectHello, ExpectMail, ExpectRcpt, ExpectRcptOrData];
const AFTER_HELLO: &[State] = &[ExpectMail, ExpectRcpt, ExpectRcptOrData];

/// Every legal transition. A trigger not listed for the current state is a
/// "bad sequence of commands" (503, RFC 5321 §4.1.4).
pub const TRANSITIONS: &[Transition] = &[
    Transition {
        from: GREETED,
        trigger: Trigger::Hello,
        to: ExpectMail,
        rfc: "RFC 5321 §4.1.4",
    },
    Transition {
        from: &[ExpectMail],
        trigger: Trigger::Mail,
        to: ExpectRcpt,
        rfc: "RFC 5321 §4.1.1.2",
    },
    Transition {
        from: &[ExpectRcpt, ExpectRcptOrData],
        trigger: Trigger::Rcpt,
        to: ExpectRcptOrData,
        rfc: "RFC 5321 §4.1.1.3",
    },
    Transition {
        from: &[ExpectRcptOrData],
        trigger: Trigger::Data,
        to: ReceivingData,
        rfc: "RFC 5321 §4.1.1.4",
    },
    Transition {
        from: &[ReceivingData],
        trigger: Trigger::EndOfData,
        to: ExpectMail,
        rfc: "RFC 5321 §4.1.1.4",
    },
    Transition {
        from: AFTER_HELLO,
        trigger: Trigger::Rset,
        to: ExpectMail,
        rfc: "RFC 5321 §4.1.1.5",
    },
    Transition {
        from: &[ExpectHello],
        trigger: Trigger::Rset,
        to: ExpectHello,
        rfc: "RFC 5321 §4.1.1.5",
    },
    Transition {
        from: &[ExpectMail],
        trigger: Trigger::AuthChallenge,
        to: Authenticating,
        rfc: "RFC 4954 §4",
    },
    Transition {
        from: &[Authenticating],
        trigger: Trigger::AuthChallenge,
        to: Authenticating,
        rfc: "RFC 4954 §4",
    },
    Transition {
        from: &[Authenticating],
        trigger: Trigger::AuthDone,
        to: ExpectMail,
        rfc: "RFC 4954 §6",
    },
    Transition {
        from: OPEN,
        trigger: Trigger::Close,
        to: Closed,
        rfc: "RFC 5321 §4.1.1.10",
    },
];

/// Every state, in the order the page lays them out.
pub const STATES: &[State] = &[
    ExpectHello,
    ExpectMail,
    ExpectRcpt,
    ExpectRcptOrData,
    ReceivingData,
    Authenticating,
    Closed,
];

/// Where `trigger` leads from `state`, or `None` if the table has no such row.
pub fn next_state(state: State, trigger: Trigger) -> Option<State> {
    TRANSITIONS
        .iter()
        .find(|row| row.trigger == trigger && row.from.contains(&state))
        .map(|row| row.to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_encodes_the_rfc_order() {
        assert_eq!(next_state(ExpectHello, Trigger::Mail), None);
        assert_eq!(next_state(ExpectMail, Trigger::Rcpt), None);
        assert_eq!(next_state(ExpectRcpt, Trigger::Data), None);
        assert_eq!(
            next_state(ExpectRcptOrData, Trigger::Data),
            Some(ReceivingData)
        );
        assert_eq!(
            next_state(ExpectRcptOrData, Trigger::Hello),
            Some(ExpectMail)
        );
        assert_eq!(next_state(Closed, Trigger::Hello), None);
        assert_eq!(
            next_state(ExpectMail, Trigger::AuthChallenge),
            Some(Authenticating)
        );
        assert_eq!(next_state(ExpectRcpt, Trigger::AuthChallenge), None);
        assert_eq!(next_state(Authenticating, Trigger::Mail), None);
        assert_eq!(
            next_state(Authenticating, Trigger::AuthDone),
            Some(ExpectMail)
        );
        assert_eq!(next_state(Authenticating, Trigger::Close), Some(Closed));
    }
}
