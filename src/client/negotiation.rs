//! The negotiation rules, as pure functions: given what the server offered (its EHLO
//! capabilities), what the message needs and what the spec allows, each returns the
//! choice and a [`Decision`] that says why. `Err` carries the decision not to send.

use super::decision::{Choice, Decision};
use super::dsn::MessageDsn;
use super::message::{BodyTraits, TransferEncoding};
use super::spec::{EightBitPolicy, PipeliningMode};
use crate::protocol::{Capabilities, Parameter};

/// The body's transfer encoding (RFC 6152 §3, RFC 2045 §6.7), or the refusal to send an
/// 8-bit body to a server without 8BITMIME when the spec says so.
pub fn encoding(
    traits: BodyTraits,
    capabilities: &Capabilities,
    policy: EightBitPolicy,
) -> Result<(TransferEncoding, Decision), Decision> {
    let offered_8bit = capabilities.has("8BITMIME");
    let offered = if offered_8bit {
        "8BITMIME"
    } else {
        "no 8BITMIME"
    };
    let (encoding, why, rfc) = if traits.needs_encoding() {
        (
            TransferEncoding::QuotedPrintable,
            "The body has a line over 998 octets or a control octet: quoted-printable keeps every line short and 7-bit.",
            "RFC 5321 §4.5.3.1.6",
        )
    } else if !traits.eight_bit {
        (
            TransferEncoding::SevenBit,
            "The body is 7-bit ASCII, so no BODY parameter is needed.",
            "RFC 6152 §3",
        )
    } else if offered_8bit {
        (
            TransferEncoding::EightBit,
            "The body has 8-bit octets and the server offers 8BITMIME: BODY=8BITMIME.",
            "RFC 6152 §3",
        )
    } else if policy == EightBitPolicy::Downgrade {
        (
            TransferEncoding::QuotedPrintable,
            "The body has 8-bit octets but the server lacks 8BITMIME: downgraded to quoted-printable, as the spec allows.",
            "RFC 6152 §3",
        )
    } else {
        return Err(Decision::new(
            Choice::RefuseEightBit,
            offered,
            "not sent",
            "The body has 8-bit octets, the server lacks 8BITMIME and the spec says refuse: the message is not sent.",
            "RFC 6152 §3",
        ));
    };
    let body_8bitmime = encoding == TransferEncoding::EightBit;
    let used = format!(
        "Content-Transfer-Encoding: {}{}",
        encoding.header_value(),
        if body_8bitmime { ", BODY=8BITMIME" } else { "" }
    );
    let choice = Choice::Encode {
        encoding,
        body_8bitmime,
    };
    Ok((encoding, Decision::new(choice, offered, used, why, rfc)))
}

/// `SIZE=<octets>` when the server offers SIZE (RFC 1870 §6), nothing when it does not,
/// and the refusal to send when the message is over the advertised limit.
pub fn size(
    octets: u64,
    capabilities: &Capabilities,
) -> Result<(Option<Parameter>, Decision), Decision> {
    match capabilities.size() {
        None => Ok((
            None,
            Decision::new(
                Choice::NoSizeParameter { octets },
                "no SIZE",
                "none",
                format!(
                    "The server did not offer SIZE, so the {octets}-octet size is not declared."
                ),
                "RFC 1870 §6",
            ),
        )),
        Some(Some(limit)) if octets > limit => Err(Decision::new(
            Choice::TooBig { octets, limit },
            format!("SIZE {limit}"),
            "not sent",
            format!(
                "The message is {octets} octets, over the server's limit of {limit}: not sent."
            ),
            "RFC 1870 §6",
        )),
        Some(limit) => {
            let offered = limit.map_or_else(|| "SIZE".to_owned(), |l| format!("SIZE {l}"));
            let why = format!(
                "SIZE={octets} because the server offered {offered}: it can refuse a too-big message before it is sent."
            );
            let decision = Decision::new(
                Choice::DeclareSize { octets },
                offered,
                format!("SIZE={octets}"),
                why,
                "RFC 1870 §6",
            );
            Ok((Some(Parameter::new("SIZE", octets.to_string())), decision))
        }
    }
}

/// Pipelining when offered and allowed (RFC 2920 §3). `first_group` is how many
/// commands the first group holds, for the explanation.
pub fn pipelining(
    capabilities: &Capabilities,
    mode: PipeliningMode,
    first_group: usize,
) -> (bool, Decision) {
    let offered = capabilities.has("PIPELINING");
    let offered_text = if offered {
        "PIPELINING"
    } else {
        "no PIPELINING"
    };
    let (use_it, why) = match (offered, mode) {
        (false, _) => (
            false,
            "The server did not offer PIPELINING: one command, one reply.",
        ),
        (true, PipeliningMode::Off) => (
            false,
            "PIPELINING is offered but switched off in the spec: lock-step.",
        ),
        (true, PipeliningMode::Auto) => (
            true,
            "The server offers PIPELINING: MAIL, RCPT… and DATA go as one group, saving round trips.",
        ),
    };
    let (choice, used) = if use_it {
        (
            Choice::Pipeline {
                commands: first_group,
            },
            format!("a first group of {first_group} commands"),
        )
    } else {
        (Choice::LockStep, "lock-step".to_owned())
    };
    let decision = Decision::new(choice, offered_text, used, why, "RFC 2920 §3");
    (use_it, decision)
}

/// The DSN parameters go only to a server that offered DSN (RFC 3461 §4); `None` when
/// the message asks for no notification, so there is nothing to decide.
pub(crate) fn dsn(request: &MessageDsn, capabilities: &Capabilities) -> Option<(bool, Decision)> {
    if !request.is_requested() {
        return None;
    }
    let asked = request.summary();
    let decision = if capabilities.has("DSN") {
        Decision::new(
            Choice::RequestDsn,
            "DSN",
            asked.clone(),
            format!(
                "The server offers DSN, so {asked} go on MAIL FROM and RCPT TO: it will report \
                 as asked, or say \"relayed\" when it passes the mail to a host without DSN."
            ),
            "RFC 3461 §4",
        )
    } else {
        Decision::new(
            Choice::DsnNotOffered,
            "no DSN",
            "none",
            format!(
                "The server did not offer DSN, so {asked} may not be sent (a server would \
                 answer 555); the message goes without them and only a failure is reported, \
                 in whatever form the server chooses."
            ),
            "RFC 3461 §4",
        )
    };
    Some((decision.choice == Choice::RequestDsn, decision))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offering(lines: &[&str]) -> Capabilities {
        Capabilities::from_ehlo_lines(lines.iter().copied())
    }

    const EIGHT_BIT: BodyTraits = BodyTraits {
        eight_bit: true,
        long_line: false,
        control: false,
    };

    #[test]
    fn encoding_table() {
        let with = offering(&["8BITMIME"]);
        let without = offering(&["PIPELINING"]);
        let long = BodyTraits {
            long_line: true,
            ..EIGHT_BIT
        };
        let cases = [
            (
                BodyTraits::default(),
                &with,
                EightBitPolicy::Refuse,
                Some(TransferEncoding::SevenBit),
            ),
            (
                BodyTraits::default(),
                &without,
                EightBitPolicy::Refuse,
                Some(TransferEncoding::SevenBit),
            ),
            (
                EIGHT_BIT,
                &with,
                EightBitPolicy::Refuse,
                Some(TransferEncoding::EightBit),
            ),
            (
                EIGHT_BIT,
                &without,
                EightBitPolicy::Downgrade,
                Some(TransferEncoding::QuotedPrintable),
            ),
            (EIGHT_BIT, &without, EightBitPolicy::Refuse, None),
            (
                long,
                &with,
                EightBitPolicy::Refuse,
                Some(TransferEncoding::QuotedPrintable),
            ),
        ];
        for (traits, caps, policy, expected) in cases {
            let got = encoding(traits, caps, policy).ok().map(|(e, _)| e);
            assert_eq!(got, expected, "{traits:?} {policy:?}");
        }
        let (_, decision) = encoding(EIGHT_BIT, &with, EightBitPolicy::Refuse).unwrap();
        assert_eq!(
            decision.used,
            "Content-Transfer-Encoding: 8bit, BODY=8BITMIME"
        );
        let refusal = encoding(EIGHT_BIT, &without, EightBitPolicy::Refuse).unwrap_err();
        assert_eq!(refusal.choice, Choice::RefuseEightBit);
    }

    #[test]
    fn size_declared_refused_or_absent() {
        let (parameter, decision) = size(2345, &offering(&["SIZE 10240000"])).unwrap();
        assert_eq!(parameter.unwrap().to_string(), "SIZE=2345");
        assert_eq!(
            decision.why,
            "SIZE=2345 because the server offered SIZE 10240000: it can refuse a too-big message before it is sent."
        );
        assert!(size(2345, &offering(&["SIZE"])).unwrap().0.is_some());
        assert!(size(2345, &offering(&[])).unwrap().0.is_none());
        assert!(
            size(1000, &offering(&["SIZE 1000"])).is_ok(),
            "at the limit is fine"
        );
        let too_big = size(1001, &offering(&["SIZE 1000"])).unwrap_err();
        assert_eq!(
            too_big.choice,
            Choice::TooBig {
                octets: 1001,
                limit: 1000
            }
        );
    }

    #[test]
    fn pipelining_needs_offer_and_permission() {
        let offered = offering(&["PIPELINING"]);
        assert!(pipelining(&offered, PipeliningMode::Auto, 3).0);
        assert!(!pipelining(&offered, PipeliningMode::Off, 3).0);
        assert!(!pipelining(&offering(&[]), PipeliningMode::Auto, 3).0);
    }
}
