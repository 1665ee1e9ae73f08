//! The DIGEST-MD5 values (RFC 2831 §2.1.2.1): A1, A2, the `response` a client sends
//! and the `rspauth` a server answers, every intermediate traced. Client, server and
//! the calculator's check all compute through [`compute`], so they cannot disagree.

use md5::{Digest as _, Md5};
use serde::Serialize;

use super::{RFC_RESPONSE_VALUE, RFC_RSPAUTH};
use crate::sasl::lower_hex;
use crate::sasl::trace::{Side, Trace};

/// H(octets) = 16-octet MD5.
fn h(octets: &[u8]) -> [u8; 16] {
    Md5::digest(octets).into()
}

/// Strings in DIGEST-MD5 hashes are ISO 8859-1 when every character fits, UTF-8
/// otherwise, if the peer announced `charset=utf-8` (RFC 2831 §2.1.2.1).
pub(crate) fn hash_form(text: &str, utf8_announced: bool) -> Vec<u8> {
    let latin1: Option<Vec<u8>> = text
        .chars()
        .map(|character| u8::try_from(u32::from(character)).ok())
        .collect();
    match latin1 {
        Some(octets) if utf8_announced => octets,
        _ => text.as_bytes().to_vec(),
    }
}

/// Everything that goes into the response and rspauth values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DigestInputs {
    /// The user name.
    pub username: String,
    /// The realm (empty if the response had none).
    pub realm: String,
    /// The password.
    pub password: String,
    /// The server's nonce.
    pub nonce: String,
    /// The client's nonce.
    pub cnonce: String,
    /// Nonce count, 8 hex digits.
    pub nc: String,
    /// Quality of protection; always `auth` here.
    pub qop: String,
    /// `serv-type/host[/serv-name]`.
    pub digest_uri: String,
    /// Identity to act as, if any.
    pub authzid: Option<String>,
    /// Whether `charset=utf-8` was announced (changes how strings are hashed).
    pub utf8: bool,
}

/// The computed values: the response the client sends and the rspauth the server
/// answers, as lower-case hex.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DigestValues {
    /// HEX(H(user:realm:password)).
    pub user_realm_password_hash: String,
    /// HEX(H(A1)).
    pub ha1: String,
    /// HEX(H(A2)) for the response.
    pub ha2: String,
    /// The `response=` value.
    pub response: String,
    /// The `rspauth=` value.
    pub rspauth: String,
}

/// Computes response and rspauth, tracing every intermediate value.
pub fn compute(inputs: &DigestInputs, side: Side, trace: &mut Trace) -> DigestValues {
    let mut user_realm_password = hash_form(&inputs.username, inputs.utf8);
    user_realm_password.push(b':');
    user_realm_password.extend(hash_form(&inputs.realm, inputs.utf8));
    user_realm_password.push(b':');
    user_realm_password.extend(hash_form(&inputs.password, inputs.utf8));
    trace.value(
        side,
        "user:realm:password",
        &user_realm_password,
        "The secret that both sides can compute: user name, realm and password joined by colons.",
        RFC_RESPONSE_VALUE,
    );
    let urp_hash = h(&user_realm_password);
    trace.value(
        side,
        "H(user:realm:password)",
        &urp_hash,
        format!(
            "MD5 of the line above: {} (16 binary octets, not hex, go into A1).",
            lower_hex(&urp_hash)
        ),
        RFC_RESPONSE_VALUE,
    );
    let mut a1 = urp_hash.to_vec();
    a1.extend(format!(":{}:{}", inputs.nonce, inputs.cnonce).as_bytes());
    if let Some(authzid) = inputs.authzid.as_deref().filter(|a| !a.is_empty()) {
        a1.push(b':');
        a1.extend(authzid.as_bytes());
    }
    trace.value(side, "A1", &a1,
        "A1 = H(user:realm:password) : nonce : cnonce [: authzid] (md5-sess: the session key mixes in both nonces).",
        RFC_RESPONSE_VALUE);
    let ha1 = lower_hex(&h(&a1));
    trace.value(
        side,
        "HA1",
        ha1.as_bytes(),
        format!("HEX(H(A1)) = {ha1}"),
        RFC_RESPONSE_VALUE,
    );
    let ha2 = hashed_a2(inputs, "AUTHENTICATE", "A2", "HA2", side, trace);
    let response = kd(&ha1, inputs, &ha2, "response", side, trace);
    let rsp_ha2 = hashed_a2(inputs, "", "A2 (rspauth)", "HA2 (rspauth)", side, trace);
    let rspauth = kd(&ha1, inputs, &rsp_ha2, "rspauth", side, trace);
    DigestValues {
        user_realm_password_hash: lower_hex(&urp_hash),
        ha1,
        ha2,
        response,
        rspauth,
    }
}

fn hashed_a2(
    inputs: &DigestInputs,
    method: &str,
    label: &str,
    hash_label: &str,
    side: Side,
    trace: &mut Trace,
) -> String {
    let a2 = format!("{method}:{}", inputs.digest_uri);
    let why = if method.is_empty() {
        "For rspauth, A2 = \":\" digest-uri (no method), so the server's proof differs from the client's."
    } else {
        "A2 = \"AUTHENTICATE:\" digest-uri (qop=auth adds nothing more)."
    };
    trace.value(side, label, a2.as_bytes(), why, RFC_RESPONSE_VALUE);
    let hashed = lower_hex(&h(a2.as_bytes()));
    trace.value(
        side,
        hash_label,
        hashed.as_bytes(),
        format!("HEX(H({label})) = {hashed}"),
        RFC_RESPONSE_VALUE,
    );
    hashed
}

fn kd(
    ha1: &str,
    inputs: &DigestInputs,
    ha2: &str,
    label: &str,
    side: Side,
    trace: &mut Trace,
) -> String {
    let data = format!(
        "{ha1}:{}:{}:{}:{}:{ha2}",
        inputs.nonce, inputs.nc, inputs.cnonce, inputs.qop
    );
    trace.value(
        side,
        format!("KD input ({label})"),
        data.as_bytes(),
        "KD(k, s) = H(k:s) with k = HA1 and s = nonce:nc:cnonce:qop:HA2, all in hex.",
        RFC_RESPONSE_VALUE,
    );
    let value = lower_hex(&h(data.as_bytes()));
    let rfc = if label == "rspauth" {
        RFC_RSPAUTH
    } else {
        RFC_RESPONSE_VALUE
    };
    trace.value(
        side,
        label,
        value.as_bytes(),
        format!("{label} = HEX(KD(...)) = {value}"),
        rfc,
    );
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc_inputs(nonce: &str, cnonce: &str, uri: &str) -> DigestInputs {
        DigestInputs {
            username: "chris".into(),
            realm: "elwood.innosoft.com".into(),
            password: "secret".into(),
            nonce: nonce.into(),
            cnonce: cnonce.into(),
            nc: "00000001".into(),
            qop: "auth".into(),
            digest_uri: uri.into(),
            authzid: None,
            utf8: true,
        }
    }

    #[test]
    fn rfc_2831_imap_example_with_intermediates() {
        let mut trace = Trace::new();
        let values = compute(
            &rfc_inputs(
                "OA6MG9tEQGm2hh",
                "OA6MHXh6VqTrRk",
                "imap/elwood.innosoft.com",
            ),
            Side::Client,
            &mut trace,
        );
        assert_eq!(
            values.user_realm_password_hash,
            "eb5a750053e4d2c34aa84bbc9b0b6ee7"
        );
        assert_eq!(values.ha1, "a2549853149b0536f01f0b850c643c57");
        assert_eq!(values.ha2, "15e3594677e51ade69715d1cb7d207ba");
        assert_eq!(values.response, "d388dad90d4bbd760a152321f2143af7");
        assert_eq!(values.rspauth, "ea40f60335c427b5527b84dbabcdfffd");
        for label in [
            "H(user:realm:password)",
            "A1",
            "HA1",
            "A2",
            "HA2",
            "response",
            "rspauth",
        ] {
            assert!(trace.find(label).is_some(), "trace lacks {label}");
        }
    }

    #[test]
    fn hash_form_uses_latin1_only_when_it_fits_and_utf8_was_announced() {
        assert_eq!(hash_form("é", true), vec![0xe9]);
        assert_eq!(hash_form("é", false), "é".as_bytes());
        assert_eq!(hash_form("€", true), "€".as_bytes());
    }
}
