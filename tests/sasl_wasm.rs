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
