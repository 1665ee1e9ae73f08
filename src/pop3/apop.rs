//! APOP (RFC 1939 §7): the server's greeting carries a unique timestamp; the client
//! proves it knows the shared secret by sending MD5(timestamp + secret) in lower-case
//! hex, so the secret itself never crosses the wire. This file computes the digest and
//! records each step as a trace, octets shown as visible ASCII and hex, the way the SASL
//! mechanisms show theirs.

use md5::{Digest, Md5};
use serde::Serialize;

use crate::entropy::Entropy;
use crate::time::{Millis, SECOND};

const RFC: &str = "RFC 1939 §7";

/// One step of the digest computation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApopTraceStep {
    /// Short name of the value, e.g. `timestamp`.
    pub label: &'static str,
    /// What the value is and where it comes from.
    pub explanation: String,
    /// The RFC section.
    pub rfc: &'static str,
    /// The octets, printable ASCII as is and anything else as `\xNN`.
    pub ascii: String,
    /// The octets in lower-case hex, space separated.
    pub hex: String,
}

impl ApopTraceStep {
    fn new(label: &'static str, explanation: impl Into<String>, octets: &[u8]) -> Self {
        Self {
            label,
            explanation: explanation.into(),
            rfc: RFC,
            ascii: visible_ascii(octets),
            hex: spaced_hex(octets),
        }
    }
}

/// The whole APOP check, step by step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApopTrace {
    /// Inputs, the computed digest and the client's digest, in order.
    pub steps: Vec<ApopTraceStep>,
    /// The digest the server expects, lower-case hex.
    pub expected: String,
    /// True when the client's digest matched.
    pub matched: bool,
}

/// Builds the greeting timestamp, `<random.seconds@host>`: RFC 1939 §7 asks for a
/// value unique to this greeting (its example uses process id and clock). The random
/// part comes from the seeded [`Entropy`], so a scenario reproduces it.
pub(crate) fn banner_timestamp(entropy: &mut Entropy, now: Millis, hostname: &str) -> String {
    let random = entropy.next_u64() % 100_000;
    format!("<{random}.{}@{hostname}>", now / SECOND)
}

/// MD5(timestamp + secret) in lower-case hex.
pub(crate) fn digest_hex(timestamp: &str, secret: &str) -> String {
    let mut md5 = Md5::new();
    md5.update(timestamp.as_bytes());
    md5.update(secret.as_bytes());
    plain_hex(&md5.finalize())
}

/// Checks a client's `APOP` digest against the secret and records every step. Hex
/// digits are compared without regard to case: RFC 1939 asks clients for lower case,
/// and accepting upper case costs nothing.
pub fn verify(timestamp: &str, secret: &str, client_digest: &str) -> ApopTrace {
    let mut input = timestamp.as_bytes().to_vec();
    input.extend_from_slice(secret.as_bytes());
    let expected = digest_hex(timestamp, secret);
    let raw_digest = Md5::digest(&input);
    let matched = expected.eq_ignore_ascii_case(client_digest);
    let verdict = if matched {
        "The client's digest equals the server's: the client knows the secret."
    } else {
        "The client's digest differs from the server's: wrong secret (or a different timestamp)."
    };
    let steps = vec![
        ApopTraceStep::new(
            "timestamp",
            "The <...> string from the server's greeting, unique to this session.",
            timestamp.as_bytes(),
        ),
        ApopTraceStep::new(
            "shared secret",
            "The secret the server stores for this user; it never crosses the wire.",
            secret.as_bytes(),
        ),
        ApopTraceStep::new(
            "digest input",
            "The timestamp immediately followed by the secret, no separator.",
            &input,
        ),
        ApopTraceStep::new(
            "server's MD5",
            format!("MD5 of the input: 16 octets, sent as 32 lower-case hex digits {expected}."),
            &raw_digest,
        ),
        ApopTraceStep::new(
            "client's digest",
            format!("The hex digest the client sent in APOP. {verdict}"),
            client_digest.as_bytes(),
        ),
    ];
    ApopTrace {
        steps,
        expected,
        matched,
    }
}

fn plain_hex(octets: &[u8]) -> String {
    octets.iter().map(|octet| format!("{octet:02x}")).collect()
}

fn spaced_hex(octets: &[u8]) -> String {
    octets
        .iter()
        .map(|octet| format!("{octet:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn visible_ascii(octets: &[u8]) -> String {
    octets
        .iter()
        .map(|&octet| {
            if (0x20..=0x7e).contains(&octet) {
                char::from(octet).to_string()
            } else {
                format!("\\x{octet:02x}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_TIMESTAMP: &str = "<1896.697170952@dbc.mtview.ca.us>";

    #[test]
    fn rfc_1939_example_digest() {
        assert_eq!(
            digest_hex(RFC_TIMESTAMP, "tanstaaf"),
            "c4c9334bac560ecc979e58001b3e22fb"
        );
        let trace = verify(
            RFC_TIMESTAMP,
            "tanstaaf",
            "c4c9334bac560ecc979e58001b3e22fb",
        );
        assert!(trace.matched);
        let server = &trace.steps[3];
        assert_eq!(
            server.hex,
            "c4 c9 33 4b ac 56 0e cc 97 9e 58 00 1b 3e 22 fb"
        );
        assert!(server.ascii.starts_with("\\xc4\\xc93K"), "{}", server.ascii);
        assert_eq!(
            trace.steps[2].ascii,
            "<1896.697170952@dbc.mtview.ca.us>tanstaaf"
        );
        assert!(trace.steps[0].hex.starts_with("3c 31 38 39 36 2e"));
    }

    #[test]
    fn wrong_digest_does_not_match_and_case_is_ignored() {
        assert!(
            !verify(
                RFC_TIMESTAMP,
                "tanstaafl",
                "c4c9334bac560ecc979e58001b3e22fb"
            )
            .matched
        );
        assert!(
            verify(
                RFC_TIMESTAMP,
                "tanstaaf",
                "C4C9334BAC560ECC979E58001B3E22FB"
            )
            .matched
        );
    }

    #[test]
    fn banner_is_reproducible_from_the_seed() {
        let a = banner_timestamp(&mut Entropy::from_seed(3), 1_795_831_497_000, "pop.example");
        let b = banner_timestamp(&mut Entropy::from_seed(3), 1_795_831_497_000, "pop.example");
        assert_eq!(a, b);
        assert!(
            a.starts_with('<') && a.ends_with(".1795831497@pop.example>"),
            "{a}"
        );
    }
}
