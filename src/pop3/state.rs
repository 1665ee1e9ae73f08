//! The POP3 session's state machine as data (RFC 1939 §3): AUTHORIZATION, then
//! TRANSACTION once the client has identified itself, then UPDATE after QUIT. Every
//! transition is a row of `TRANSITIONS`; the engine looks each command up here before
//! acting, and the page can draw the state diagram from the same table. This file knows
//! nothing else about POP3.

use serde::Serialize;

/// Where a POP3 session is, named for what it expects next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum State {
    /// AUTHORIZATION: greeting sent; waiting for USER, APOP, CAPA or QUIT.
    Authorization,
    /// AUTHORIZATION after an accepted USER: waiting for PASS (or QUIT, CAPA).
    ExpectPass,
    /// TRANSACTION: the maildrop is open; STAT, LIST, RETR, TOP, DELE, NOOP, RSET, QUIT.
    Transaction,
    /// UPDATE: after QUIT in TRANSACTION, deletions are applied; then the server closes.
    Update,
    /// Connection closed; nothing more is read.
    Closed,
}

/// What moves the machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Trigger {
    /// USER named a known maildrop.
    UserAccepted,
    /// USER named an unknown maildrop.
    UserRejected,
    /// PASS matched.
    PassAccepted,
    /// PASS did not match.
    PassRejected,
    /// APOP digest matched.
    ApopAccepted,
    /// APOP unknown user, wrong digest, or not offered.
    ApopRejected,
    /// CAPA.
    Capa,
    /// STAT.
    Stat,
    /// LIST.
    List,
    /// RETR.
    Retr,
    /// TOP.
    Top,
    /// DELE.
    Dele,
    /// NOOP.
    Noop,
    /// RSET.
    Rset,
    /// QUIT.
    Quit,
    /// UPDATE finished: deletions applied.
    UpdateDone,
    /// The connection ends without QUIT: autologout, too many errors, or the client left.
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

const AUTHORIZATION: &[State] = &[Authorization, ExpectPass];

const fn row(from: &'static [State], trigger: Trigger, to: State, rfc: &'static str) -> Transition {
    Transition {
        from,
        trigger,
        to,
        rfc,
    }
}

/// Every legal transition. USER and APOP are allowed only right after the greeting or
/// a failed USER/PASS, PASS only right after an accepted USER (RFC 1939 §7). A trigger
/// with no row for the current state is answered `-ERR` and leaves the state as it is
/// (RFC 1939 §3).
pub const TRANSITIONS: &[Transition] = &[
    row(
        &[Authorization],
        Trigger::UserAccepted,
        ExpectPass,
        "RFC 1939 §7",
    ),
    row(
        &[Authorization],
        Trigger::UserRejected,
        Authorization,
        "RFC 1939 §7",
    ),
    row(
        &[ExpectPass],
        Trigger::PassAccepted,
        Transaction,
        "RFC 1939 §7",
    ),
    row(
        &[ExpectPass],
        Trigger::PassRejected,
        Authorization,
        "RFC 1939 §7",
    ),
    row(
        &[Authorization],
        Trigger::ApopAccepted,
        Transaction,
        "RFC 1939 §7",
    ),
    row(
        &[Authorization],
        Trigger::ApopRejected,
        Authorization,
        "RFC 1939 §7",
    ),
    row(
        &[Authorization],
        Trigger::Capa,
        Authorization,
        "RFC 2449 §5",
    ),
    row(&[ExpectPass], Trigger::Capa, ExpectPass, "RFC 2449 §5"),
    row(&[Transaction], Trigger::Capa, Transaction, "RFC 2449 §5"),
    row(&[Transaction], Trigger::Stat, Transaction, "RFC 1939 §5"),
    row(&[Transaction], Trigger::List, Transaction, "RFC 1939 §5"),
    row(&[Transaction], Trigger::Retr, Transaction, "RFC 1939 §5"),
    row(&[Transaction], Trigger::Top, Transaction, "RFC 1939 §7"),
    row(&[Transaction], Trigger::Dele, Transaction, "RFC 1939 §5"),
    row(&[Transaction], Trigger::Noop, Transaction, "RFC 1939 §5"),
    row(&[Transaction], Trigger::Rset, Transaction, "RFC 1939 §5"),
    row(AUTHORIZATION, Trigger::Quit, Closed, "RFC 1939 §4"),
    row(&[Transaction], Trigger::Quit, Update, "RFC 1939 §6"),
    row(&[Update], Trigger::UpdateDone, Closed, "RFC 1939 §6"),
    row(
        &[Authorization, ExpectPass, Transaction],
        Trigger::Close,
        Closed,
        "RFC 1939 §6",
    ),
];

/// The row `trigger` takes from `state`, if any.
pub fn transition(state: State, trigger: Trigger) -> Option<&'static Transition> {
    TRANSITIONS
        .iter()
        .find(|row| row.trigger == trigger && row.from.contains(&state))
}

/// Where `trigger` leads from `state`, or `None` if the table has no such row.
pub(crate) fn next_state(state: State, trigger: Trigger) -> Option<State> {
    transition(state, trigger).map(|row| row.to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_encodes_rfc_1939_states() {
        assert_eq!(next_state(Authorization, Trigger::PassAccepted), None);
        assert_eq!(next_state(Authorization, Trigger::Stat), None);
        assert_eq!(
            next_state(ExpectPass, Trigger::PassAccepted),
            Some(Transaction)
        );
        assert_eq!(next_state(Transaction, Trigger::UserAccepted), None);
        assert_eq!(next_state(ExpectPass, Trigger::UserAccepted), None);
        assert_eq!(next_state(ExpectPass, Trigger::ApopAccepted), None);
        assert_eq!(next_state(Transaction, Trigger::Quit), Some(Update));
        assert_eq!(next_state(ExpectPass, Trigger::Quit), Some(Closed));
        assert_eq!(next_state(Update, Trigger::Close), None);
        assert_eq!(next_state(Closed, Trigger::Noop), None);
    }

    #[test]
    fn every_trigger_from_every_state_has_at_most_one_row() {
        let states = [Authorization, ExpectPass, Transaction, Update, Closed];
        for row in TRANSITIONS {
            for state in states {
                let count = TRANSITIONS
                    .iter()
                    .filter(|other| other.trigger == row.trigger && other.from.contains(&state))
                    .count();
                assert!(count <= 1, "{:?} from {state:?}", row.trigger);
            }
        }
    }
}
