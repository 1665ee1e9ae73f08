//! The server's state machine as data. Every transition the server makes is a row of
//! `TRANSITIONS`; the engine looks commands up here before acting, and the page draws
//! its state diagram from the same table. This file knows nothing else about SMTP.

use serde::Serialize;

use crate::protocol::ReplyKind;

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
    /// After an accepted `BDAT n`: the next n octets are message, whatever they hold
    /// (RFC 3030 §2).
    ReceivingChunk,
    /// A chunk was read and was not the last: BDAT goes on (or RSET abandons it);
    /// MAIL, RCPT and DATA are out of sequence (RFC 3030 §2).
    ExpectChunk,
    /// After a 334 challenge: every line is an AUTH response (base64 or `*`), not a
    /// command, until the exchange ends (RFC 4954 §4).
    Authenticating,
    /// After `220` to STARTTLS: the next octets are a TLS handshake, which the driver
    /// runs; no line is read until it completes (RFC 3207 §4).
    ExpectTlsHandshake,
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
    /// BDAT accepted: its octets come next (RFC 3030 §2).
    Bdat,
    /// A chunk's octets were all read and it was not the last.
    ChunkRead,
    /// The LAST chunk was read and the message judged.
    LastChunk,
    /// RSET.
    Rset,
    /// AUTH (or a response line) was answered with a 334 challenge.
    AuthChallenge,
    /// The AUTH exchange ended: 235, a failure reply, or `*` cancelled it.
    AuthDone,
    /// STARTTLS was answered `220`.
    StartTls,
    /// The TLS handshake completed: everything said in the clear is forgotten.
    TlsEstablished,
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
    ReceivingChunk,
    ExpectChunk,
    Authenticating,
    ExpectTlsHandshake,
];
const GREETED: &[State] = &[
    ExpectHello,
    ExpectMail,
    ExpectRcpt,
    ExpectRcptOrData,
    ExpectChunk,
];
const AFTER_HELLO: &[State] = &[ExpectMail, ExpectRcpt, ExpectRcptOrData, ExpectChunk];

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
        from: &[ExpectRcptOrData, ExpectChunk],
        trigger: Trigger::Bdat,
        to: ReceivingChunk,
        rfc: "RFC 3030 §2",
    },
    Transition {
        from: &[ReceivingChunk],
        trigger: Trigger::ChunkRead,
        to: ExpectChunk,
        rfc: "RFC 3030 §2",
    },
    Transition {
        from: &[ReceivingChunk],
        trigger: Trigger::LastChunk,
        to: ExpectMail,
        rfc: "RFC 3030 §2",
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
        from: &[ExpectMail],
        trigger: Trigger::StartTls,
        to: ExpectTlsHandshake,
        rfc: "RFC 3207 §4",
    },
    Transition {
        from: &[ExpectTlsHandshake],
        trigger: Trigger::TlsEstablished,
        to: ExpectHello,
        rfc: "RFC 3207 §4.2",
    },
    Transition {
        from: OPEN,
        trigger: Trigger::Close,
        to: Closed,
        rfc: "RFC 5321 §4.1.1.10",
    },
];

impl State {
    /// The state's name for people, as the page's diagram and the events show it.
    pub const fn label(self) -> &'static str {
        match self {
            ExpectHello => "expect EHLO/HELO",
            ExpectMail => "expect MAIL",
            ExpectRcpt => "expect RCPT",
            ExpectRcptOrData => "expect RCPT or DATA",
            ReceivingData => "receiving data",
            ReceivingChunk => "receiving chunk",
            ExpectChunk => "expect BDAT",
            Authenticating => "authenticating",
            ExpectTlsHandshake => "expect TLS handshake",
            Closed => "closed",
        }
    }

    /// What the server waits for in this state, in one sentence.
    pub const fn meaning(self) -> &'static str {
        match self {
            ExpectHello => "The greeting was sent; the client must say EHLO or HELO first.",
            ExpectMail => "Greeted: MAIL starts a transaction (AUTH and other session commands may come first).",
            ExpectRcpt => "MAIL was accepted; a transaction needs at least one accepted RCPT.",
            ExpectRcptOrData => "At least one recipient was accepted: more RCPT, or DATA.",
            ReceivingData => "After 354 every line is message text until CRLF.CRLF.",
            ReceivingChunk => "After BDAT n the next n octets are message, read by count, not by line.",
            ExpectChunk => "A chunk was read: more BDAT until one says LAST, or RSET to abandon the message.",
            Authenticating => "After a 334 challenge every line is an AUTH response, not a command.",
            ExpectTlsHandshake => "After 220 to STARTTLS the next octets are a TLS handshake, not a command.",
            Closed => "The session is over; nothing more is read.",
        }
    }
}

impl Trigger {
    /// What moved the machine, for people.
    pub const fn label(self) -> &'static str {
        match self {
            Trigger::Hello => "EHLO/HELO accepted",
            Trigger::Mail => "MAIL accepted",
            Trigger::Rcpt => "RCPT accepted",
            Trigger::Data => "DATA → 354",
            Trigger::EndOfData => "final dot",
            Trigger::Bdat => "BDAT accepted",
            Trigger::ChunkRead => "chunk read",
            Trigger::LastChunk => "LAST chunk read",
            Trigger::Rset => "RSET",
            Trigger::AuthChallenge => "334 challenge",
            Trigger::AuthDone => "AUTH ended",
            Trigger::StartTls => "220 to STARTTLS",
            Trigger::TlsEstablished => "TLS handshake done",
            Trigger::Close => "QUIT or 421",
        }
    }
}

/// A state with its words for people, as the page lists them.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct StateLabel {
    /// The state as it crosses to JS (`expectHello`).
    pub name: State,
    /// Its name for people.
    pub label: &'static str,
    /// What the server waits for in it.
    pub meaning: &'static str,
}

/// A trigger with its words for people.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct TriggerLabel {
    /// The trigger as it crosses to JS (`authChallenge`).
    pub name: Trigger,
    /// Its name for people.
    pub label: &'static str,
}

/// The words for people of the whole machine, as the page's Step view shows them.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Labels {
    /// Every state's words.
    pub states: Vec<StateLabel>,
    /// Every trigger's words.
    pub triggers: Vec<TriggerLabel>,
    /// What a command the table has no row for earns: the 503 and its RFC section.
    pub otherwise: String,
}

/// Every state's and trigger's words for people, for the page's Step view.
pub fn labels() -> Labels {
    let states = STATES
        .iter()
        .map(|&name| StateLabel {
            name,
            label: name.label(),
            meaning: name.meaning(),
        })
        .collect();
    let triggers = TRIGGERS
        .iter()
        .map(|&name| TriggerLabel {
            name,
            label: name.label(),
        })
        .collect();
    let kind = ReplyKind::BadSequence;
    let otherwise = format!("Anything else earns {} ({}).", kind.code(), kind.rfc());
    Labels {
        states,
        triggers,
        otherwise,
    }
}

/// Every trigger, in declaration order.
pub const TRIGGERS: &[Trigger] = &[
    Trigger::Hello,
    Trigger::Mail,
    Trigger::Rcpt,
    Trigger::Data,
    Trigger::EndOfData,
    Trigger::Bdat,
    Trigger::ChunkRead,
    Trigger::LastChunk,
    Trigger::Rset,
    Trigger::AuthChallenge,
    Trigger::AuthDone,
    Trigger::StartTls,
    Trigger::TlsEstablished,
    Trigger::Close,
];

/// Every state, in the order the page lays them out.
pub const STATES: &[State] = &[
    ExpectHello,
    ExpectMail,
    ExpectRcpt,
    ExpectRcptOrData,
    ReceivingData,
    ReceivingChunk,
    ExpectChunk,
    Authenticating,
    ExpectTlsHandshake,
    Closed,
];

/// Where `trigger` leads from `state`, or `None` if the table has no such row.
pub(crate) fn next_state(state: State, trigger: Trigger) -> Option<State> {
    TRANSITIONS
        .iter()
        .find(|row| row.trigger == trigger && row.from.contains(&state))
        .map(|row| row.to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_and_trigger_has_its_own_words_for_people() {
        let Labels {
            states,
            triggers,
            otherwise,
        } = labels();
        assert_eq!(states.len(), STATES.len());
        assert_eq!(otherwise, "Anything else earns 503 (RFC 5321 §4.1.4).");
        for row in TRANSITIONS {
            assert!(
                TRIGGERS.contains(&row.trigger),
                "{:?} is listed",
                row.trigger
            );
        }
        let mut words: Vec<&str> = states.iter().map(|s| s.label).collect();
        words.extend(triggers.iter().map(|t| t.label));
        let count = words.len();
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), count, "no two share a label");
        assert!(states.iter().all(|s| s.meaning.ends_with('.')));
    }

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
        assert_eq!(
            next_state(ExpectMail, Trigger::StartTls),
            Some(ExpectTlsHandshake)
        );
        assert_eq!(next_state(ExpectHello, Trigger::StartTls), None);
        assert_eq!(next_state(ExpectRcpt, Trigger::StartTls), None);
        assert_eq!(
            next_state(ExpectTlsHandshake, Trigger::TlsEstablished),
            Some(ExpectHello)
        );
        assert_eq!(next_state(ExpectTlsHandshake, Trigger::Mail), None);
        assert_eq!(next_state(ExpectRcpt, Trigger::Bdat), None);
        assert_eq!(next_state(ExpectChunk, Trigger::Bdat), Some(ReceivingChunk));
        assert_eq!(next_state(ExpectChunk, Trigger::Mail), None);
        assert_eq!(next_state(ExpectChunk, Trigger::Data), None);
        assert_eq!(next_state(ExpectChunk, Trigger::Rset), Some(ExpectMail));
        assert_eq!(
            next_state(ReceivingChunk, Trigger::LastChunk),
            Some(ExpectMail)
        );
    }
}
