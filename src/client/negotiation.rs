//! The negotiation rules, as pure functions: given what the server offered (its EHLO
//! capabilities), what the message needs and what the spec allows, each returns the
//! choice and a [`Decision`] that says why. `Err` carries the decision not to send.

use super::decision::{Choice, Decision};
use super::dsn::MessageDsn;
use super::international::Needs;
use super::message::{BodyTraits, TransferEncoding};
use super::spec::{ChunkingMode, EightBitPolicy, PipeliningMode};
use crate::protocol::idn::DomainForms;
use crate::protocol::{Capabilities, Parameter};
use std::num::NonZeroUsize;

/// True when the message goes in BDAT chunks: the server offered CHUNKING and the spec
/// does not switch it off (RFC 3030 §2).
pub fn chunks_possible(capabilities: &Capabilities, mode: ChunkingMode) -> bool {
    mode == ChunkingMode::Auto && capabilities.has("CHUNKING")
}

/// The body's transfer encoding (RFC 6152 §3, RFC 2045 §6.7, RFC 3030 §3), or the
/// refusal to send an 8-bit body to a server without 8BITMIME when the spec says so.
/// `chunks` says the message goes in BDAT chunks, which a binary body needs.
pub fn encoding(
    traits: BodyTraits,
    capabilities: &Capabilities,
    policy: EightBitPolicy,
    chunks: bool,
) -> Result<(TransferEncoding, Decision), Decision> {
    if traits.needs_encoding() && chunks && capabilities.has("BINARYMIME") {
        let choice = Choice::Encode {
            encoding: TransferEncoding::Binary,
            body_8bitmime: false,
        };
        let decision = Decision::new(
            choice,
            "BINARYMIME with CHUNKING",
            "Content-Transfer-Encoding: binary, BODY=BINARYMIME",
            "The body has a line over 998 octets or a control octet, and the server offers \
             BINARYMIME: it goes as it is, in BDAT chunks, with no quoted-printable.",
            "RFC 3030 §3",
        );
        return Ok((TransferEncoding::Binary, decision));
    }
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

/// `SMTPUTF8` when an address has a UTF-8 local-part and the server offers it (RFC 6531
/// §3.4), the refusal to send when it does not (§3.2: no downgrade is done), and for
/// each internationalized domain the form the wire carries. A message whose local-parts
/// are ASCII never carries the parameter: its domains go as A-labels.
pub fn smtputf8(
    needs: &Needs,
    capabilities: &Capabilities,
) -> Result<(Option<Parameter>, Vec<Decision>), Decision> {
    let offered = if capabilities.has("SMTPUTF8") {
        "SMTPUTF8"
    } else {
        "no SMTPUTF8"
    };
    let mut decisions = Vec::new();
    let parameter = match (&needs.utf8_address, capabilities.has("SMTPUTF8")) {
        (None, _) => None,
        (Some(address), false) => {
            return Err(Decision::new(
                Choice::RefuseSmtpUtf8,
                offered,
                "not sent",
                format!(
                    "{address} has a UTF-8 local-part and the server does not offer SMTPUTF8, \
                     so the message cannot be sent. An A-label spells a domain in ASCII, never \
                     a local-part, and downgrading (RFC 6530 §7) rewrites the addresses, which \
                     this client does not do. The options: an ASCII address for this \
                     correspondent, or a server that offers SMTPUTF8."
                ),
                "RFC 6531 §3.2",
            ))
        }
        (Some(address), true) => {
            decisions.push(Decision::new(
                Choice::UseSmtpUtf8,
                offered,
                "SMTPUTF8",
                format!(
                    "{address} has a UTF-8 local-part, which has no ASCII form, and the server \
                     offers SMTPUTF8: MAIL FROM says SMTPUTF8, the addresses go as written and \
                     the header fields may be UTF-8 (RFC 6532)."
                ),
                "RFC 6531 §3.4",
            ));
            Some(Parameter {
                keyword: "SMTPUTF8".to_owned(),
                value: None,
            })
        }
    };
    let u_label_on_wire = parameter.is_some();
    decisions.extend(
        needs
            .domains
            .iter()
            .map(|forms| idn_decision(forms, offered, u_label_on_wire)),
    );
    Ok((parameter, decisions))
}

/// Which form of one internationalized domain the wire carries, and why.
fn idn_decision(forms: &DomainForms, offered: &str, u_label_on_wire: bool) -> Decision {
    let (used, why, rfc) = if u_label_on_wire {
        (
            format!("{} (U-label)", forms.unicode),
            format!(
                "{} ↔ {}: the message uses SMTPUTF8, so the domain may go as its U-label, as \
                 written; DNS still looks up the A-label.",
                forms.unicode, forms.ascii
            ),
            "RFC 6531 §3.3",
        )
    } else {
        (
            format!("{} (A-label)", forms.ascii),
            format!(
                "{} ↔ {}: every local-part is ASCII, so no SMTPUTF8 is needed; the domain goes \
                 as its A-label, the ASCII form every SMTP server and DNS take, in the envelope \
                 and the header alike.",
                forms.unicode, forms.ascii
            ),
            "RFC 5890 §2.3.2.1",
        )
    };
    let choice = Choice::IdnDomain {
        forms: Box::new(forms.clone()),
        u_label_on_wire,
    };
    Decision::new(choice, offered, used, why, rfc)
}

/// BDAT chunks of `chunk_size` octets when CHUNKING is offered and allowed (RFC 3030
/// §2): the chunk size, or `None` for DATA. No decision when CHUNKING is not offered:
/// DATA is then the only way, as it always was.
pub fn chunking(
    capabilities: &Capabilities,
    mode: ChunkingMode,
    chunk_size: NonZeroUsize,
    octets: u64,
) -> (Option<NonZeroUsize>, Option<Decision>) {
    if !capabilities.has("CHUNKING") {
        return (None, None);
    }
    if mode == ChunkingMode::Off {
        let decision = Decision::new(
            Choice::Data,
            "CHUNKING",
            "DATA",
            "CHUNKING is offered but switched off in the spec: DATA, with dot-stuffing and \
             the final dot.",
            "RFC 5321 §4.1.1.4",
        );
        return (None, Some(decision));
    }
    let size = chunk_size.get();
    let chunks = usize::try_from(octets)
        .unwrap_or(usize::MAX)
        .div_ceil(size)
        .max(1);
    let plural = if chunks == 1 { "" } else { "s" };
    let decision = Decision::new(
        Choice::Chunks {
            chunks,
            chunk_size: size,
        },
        "CHUNKING",
        format!("{chunks} BDAT chunk{plural} of at most {size} octets"),
        format!(
            "The server offers CHUNKING: the {octets} octets go in BDAT chunks, each line \
             saying how many octets follow, so nothing is dot-stuffed and no final dot is \
             needed; the last BDAT says LAST."
        ),
        "RFC 3030 §2",
    );
    (Some(chunk_size), Some(decision))
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
    use crate::protocol::Mailbox;

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
            let got = encoding(traits, caps, policy, false).ok().map(|(e, _)| e);
            assert_eq!(got, expected, "{traits:?} {policy:?}");
        }
        let (_, decision) = encoding(EIGHT_BIT, &with, EightBitPolicy::Refuse, false).unwrap();
        assert_eq!(
            decision.used,
            "Content-Transfer-Encoding: 8bit, BODY=8BITMIME"
        );
        let refusal = encoding(EIGHT_BIT, &without, EightBitPolicy::Refuse, false).unwrap_err();
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

    fn needs(addresses: &[&str]) -> Needs {
        let mailboxes: Vec<Mailbox> = addresses
            .iter()
            .map(|a| Mailbox::parse(a).unwrap())
            .collect();
        Needs::of(&mailboxes)
    }

    #[test]
    fn smtputf8_only_when_needed_and_refused_when_not_offered() {
        let offered = offering(&["SMTPUTF8"]);
        let ascii = needs(&["alice@example.net"]);
        assert_eq!(smtputf8(&ascii, &offered), Ok((None, Vec::new())));
        let utf8 = needs(&["jörg@bücher.example"]);
        let (parameter, decisions) = smtputf8(&utf8, &offered).unwrap();
        assert_eq!(parameter.unwrap().to_string(), "SMTPUTF8");
        assert_eq!(decisions[0].choice, Choice::UseSmtpUtf8);
        assert_eq!(decisions[1].used, "bücher.example (U-label)");
        let refusal = smtputf8(&utf8, &offering(&["8BITMIME"])).unwrap_err();
        assert_eq!(refusal.choice, Choice::RefuseSmtpUtf8);
        assert!(refusal.why.contains("RFC 6530 §7"), "{}", refusal.why);
    }

    #[test]
    fn an_idn_domain_with_ascii_local_parts_goes_as_its_a_label() {
        let idn = needs(&["bob@bücher.example"]);
        for caps in [offering(&["SMTPUTF8"]), offering(&[])] {
            let (parameter, decisions) = smtputf8(&idn, &caps).unwrap();
            assert_eq!(parameter, None);
            assert_eq!(decisions.len(), 1);
            assert_eq!(decisions[0].used, "xn--bcher-kva.example (A-label)");
        }
    }

    #[test]
    fn pipelining_needs_offer_and_permission() {
        let offered = offering(&["PIPELINING"]);
        assert!(pipelining(&offered, PipeliningMode::Auto, 3).0);
        assert!(!pipelining(&offered, PipeliningMode::Off, 3).0);
        assert!(!pipelining(&offering(&[]), PipeliningMode::Auto, 3).0);
    }

    #[test]
    fn chunking_needs_offer_and_permission_and_counts_chunks() {
        let offered = offering(&["CHUNKING"]);
        let hundred = NonZeroUsize::new(100).expect("not zero");
        let (size, decision) = chunking(&offered, ChunkingMode::Auto, hundred, 250);
        assert_eq!(size, Some(hundred));
        assert_eq!(
            decision.map(|d| d.choice),
            Some(Choice::Chunks {
                chunks: 3,
                chunk_size: 100,
            })
        );
        let (size, decision) = chunking(&offered, ChunkingMode::Off, hundred, 250);
        assert_eq!(
            (size, decision.map(|d| d.choice)),
            (None, Some(Choice::Data))
        );
        assert_eq!(
            chunking(&offering(&[]), ChunkingMode::Auto, hundred, 250),
            (None, None)
        );
    }

    #[test]
    fn a_binary_body_goes_as_is_only_with_binarymime_and_bdat() {
        let binary = BodyTraits {
            control: true,
            ..BodyTraits::default()
        };
        let both = offering(&["CHUNKING", "BINARYMIME"]);
        let got = |caps: &Capabilities, chunks| {
            encoding(binary, caps, EightBitPolicy::Downgrade, chunks)
                .ok()
                .map(|(e, _)| e)
        };
        assert_eq!(got(&both, true), Some(TransferEncoding::Binary));
        assert_eq!(got(&both, false), Some(TransferEncoding::QuotedPrintable));
        assert_eq!(
            got(&offering(&["CHUNKING"]), true),
            Some(TransferEncoding::QuotedPrintable)
        );
    }
}
