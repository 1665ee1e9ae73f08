//! The calculator through the wasm API, as the page calls it (run with
//! `cargo test --target wasm32-unknown-unknown --test sasl_wasm`).
#![cfg(target_arch = "wasm32")]

use esmtp_playground::wasm::{sasl_decode, sasl_encode};
use serde::Serialize;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

fn js<T: Serialize>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap()
}

fn field(object: &JsValue, path: &[&str]) -> JsValue {
    path.iter().fold(object.clone(), |value, key| {
        js_sys::Reflect::get(&value, &JsValue::from_str(key)).unwrap()
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Encode<'a> {
    mechanism: &'a str,
    user: &'a str,
    password: &'a str,
    challenge: Option<&'a str>,
}

#[wasm_bindgen_test]
fn encode_plain_and_cram_md5_vectors() {
    let plain = sasl_encode(js(&Encode {
        mechanism: "PLAIN",
        user: "tim",
        password: "tanstaaftanstaaf",
        challenge: None,
    }))
    .unwrap();
    let lines = field(&plain, &["clientLines"]);
    let first = js_sys::Reflect::get(&lines, &JsValue::from(0)).unwrap();
    assert_eq!(
        first.as_string().unwrap(),
        "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm"
    );

    let cram = sasl_encode(js(&Encode {
        mechanism: "CRAM-MD5",
        user: "tim",
        password: "tanstaaftanstaaf",
        challenge: Some("<1896.697170952@postoffice.reston.mci.net>"),
    }))
    .unwrap();
    let lines = field(&cram, &["clientLines"]);
    let second = js_sys::Reflect::get(&lines, &JsValue::from(1)).unwrap();
    assert_eq!(
        second.as_string().unwrap(),
        "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"
    );
}

#[derive(Serialize)]
struct Decode<'a> {
    input: &'a str,
}

#[derive(Serialize)]
struct DecodeWithPassword<'a> {
    input: &'a str,
    password: &'a str,
    challenge: Option<&'a str>,
}

fn text(object: &JsValue, path: &[&str]) -> String {
    field(object, path).as_string().unwrap_or_default()
}

#[wasm_bindgen_test]
fn decode_gives_a_verdict_for_the_rfc_2195_vector_and_a_wrong_password() {
    let request = |password| DecodeWithPassword {
        input: "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw",
        password,
        challenge: Some("<1896.697170952@postoffice.reston.mci.net>"),
    };
    let right = sasl_decode(js(&request("tanstaaftanstaaf"))).unwrap();
    assert_eq!(text(&right, &["verdict", "outcome"]), "matches");
    assert_eq!(
        text(&right, &["verdict", "text"]),
        "✓ \"tanstaaftanstaaf\" produces this response for user \"tim\""
    );
    let wrong = sasl_decode(js(&request("wrong"))).unwrap();
    assert_eq!(text(&wrong, &["verdict", "outcome"]), "differs");
    assert!(text(&wrong, &["verdict", "text"]).contains("expected "));
}

#[wasm_bindgen_test]
fn decode_checks_a_digest_md5_response_and_names_what_differs() {
    let response = "Y2hhcnNldD11dGYtOCx1c2VybmFtZT0iY2hyaXMiLHJlYWxtPSJlbHdvb2QuaW5ub3NvZnQuY29tIixub25jZT0iT0E2TUc5dEVRR20yaGgiLG5jPTAwMDAwMDAxLGNub25jZT0iT0E2TUhYaDZWcVRyUmsiLGRpZ2VzdC11cmk9ImltYXAvZWx3b29kLmlubm9zb2Z0LmNvbSIscmVzcG9uc2U9ZDM4OGRhZDkwZDRiYmQ3NjBhMTUyMzIxZjIxNDNhZjcscW9wPWF1dGg=";
    let right = sasl_decode(js(&DecodeWithPassword {
        input: response,
        password: "secret",
        challenge: None,
    }))
    .unwrap();
    assert_eq!(text(&right, &["verdict", "outcome"]), "matches");
    let wrong = sasl_decode(js(&DecodeWithPassword {
        input: response,
        password: "wrong",
        challenge: None,
    }))
    .unwrap();
    assert_eq!(text(&wrong, &["interpretation", "check", "differs"]), "HA1");
}

#[derive(Serialize)]
struct EncodeDigest<'a> {
    mechanism: &'a str,
    user: &'a str,
    password: &'a str,
    challenge: &'a str,
    cnonce: &'a str,
    host: &'a str,
    service: &'a str,
}

#[wasm_bindgen_test]
fn digest_md5_encode_with_a_cnonce_gives_the_rfc_2831_response() {
    let result = sasl_encode(js(&EncodeDigest {
        mechanism: "DIGEST-MD5",
        user: "chris",
        password: "secret",
        challenge: "realm=\"elwood.innosoft.com\",nonce=\"OA6MG9tEQGm2hh\",qop=\"auth\",algorithm=md5-sess,charset=utf-8",
        cnonce: "OA6MHXh6VqTrRk",
        host: "elwood.innosoft.com",
        service: "imap",
    }))
    .unwrap();
    assert_eq!(
        text(&result, &["digest", "response"]),
        "d388dad90d4bbd760a152321f2143af7"
    );
}

#[wasm_bindgen_test]
fn decode_a_log_line_and_explain_bad_input() {
    let decoded = sasl_decode(js(&Decode {
        input: "AUTH PLAIN VXJzZWwAS3VydAB4aXBqM3BsbXE=",
    }))
    .unwrap();
    assert_eq!(
        field(&decoded, &["interpretation", "authzid"])
            .as_string()
            .unwrap(),
        "Ursel"
    );
    assert_eq!(
        field(&decoded, &["octets", "visible"]).as_string().unwrap(),
        "Ursel␀Kurt␀xipj3plmq"
    );
    let error = sasl_decode(js(&Decode { input: "dGlt!" })).unwrap_err();
    let message = JsValue::from(error);
    let text = field(&message, &["message"]).as_string().unwrap();
    assert!(text.contains("position 4"), "{text}");
    assert!(sasl_decode(JsValue::from_str("not an object")).is_err());
}

#[wasm_bindgen_test]
fn a_fresh_cnonce_is_made_from_as_many_random_octets_as_the_engine_asks_for() {
    use esmtp_playground::wasm::{sasl_cnonce, sasl_cnonce_octets};
    let random: Vec<u8> = (0..sasl_cnonce_octets()).map(|i| i as u8).collect();
    let cnonce = sasl_cnonce(&random).unwrap();
    assert_eq!(cnonce, "000102030405060708090a0b");
    assert!(sasl_cnonce(&random[1..]).is_err());
}
