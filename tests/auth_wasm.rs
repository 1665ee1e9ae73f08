//! SMTP AUTH through the wasm API as the page calls it: `runScenario` with an AUTH
//! policy on the server and an AUTH spec on the client (run with
//! `cargo test --target wasm32-unknown-unknown --test auth_wasm`).
#![cfg(target_arch = "wasm32")]

use esmtp_playground::wasm::run_scenario;
use js_sys::{Array, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn get(object: &JsValue, key: &str) -> JsValue {
    let value = Reflect::get(object, &JsValue::from_str(key)).unwrap();
    assert!(!value.is_undefined(), "missing key {key}");
    value
}

fn server_octets(timeline: &JsValue, direction: &str) -> String {
    let entries: Array = get(timeline, "entries").dyn_into().unwrap();
    let mut text = String::new();
    for entry in entries.iter() {
        if get(&entry, "type").as_string().as_deref() != Some("bytes")
            || get(&entry, "direction").as_string().as_deref() != Some(direction)
        {
            continue;
        }
        // Octets cross as a Uint8Array view of the timeline's buffer; these are all ASCII.
        let octets = get(&entry, "octets")
            .dyn_into::<js_sys::Uint8Array>()
            .expect("octets as a Uint8Array")
            .to_vec();
        text.push_str(&String::from_utf8(octets).expect("ASCII octets"));
    }
    text
}

/// Every SASL trace entry of one side's events, as the page receives them.
fn trace_labels(timeline: &JsValue, side_key: &str) -> Vec<String> {
    let entries: Array = get(timeline, "entries").dyn_into().unwrap();
    let mut labels = Vec::new();
    for entry in entries.iter() {
        if get(&entry, "type").as_string().as_deref() != Some(side_key) {
            continue;
        }
        let kind = get(&get(&entry, "event"), "kind");
        if get(&kind, "type").as_string().as_deref() != Some("saslTrace") {
            continue;
        }
        let items: Array = get(&kind, "entries").dyn_into().unwrap();
        for item in items.iter() {
            labels.push(get(&item, "label").as_string().unwrap());
        }
    }
    labels
}

#[wasm_bindgen_test]
fn plain_vector_and_cram_md5_through_run_scenario() {
    let scenario = JSON::parse(
        r#"{
          "server": {"auth": {"users": [{"name": "tim", "password": "tanstaaftanstaaf"}]}},
          "client": {"auth": {"mechanism": "PLAIN", "user": "tim", "password": "tanstaaftanstaaf"},
                     "message": {"to": ["carol@elsewhere.example"]}}
        }"#,
    )
    .unwrap();
    let timeline = run_scenario(scenario).unwrap();
    let client = server_octets(&timeline, "clientToServer");
    let server = server_octets(&timeline, "serverToClient");
    assert!(
        client.contains("AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n"),
        "{client}"
    );
    assert!(server.contains("235 2.7.0"), "{server}");
    let deliveries: Array = get(&timeline, "deliveries").dyn_into().unwrap();
    assert_eq!(deliveries.length(), 1);
    assert!(!trace_labels(&timeline, "client").is_empty());
    assert!(!trace_labels(&timeline, "server").is_empty());

    let cram = JSON::parse(
        r#"{
          "server": {"auth": {"users": [{"name": "tim", "password": "tanstaaftanstaaf"}]}},
          "client": {"auth": {"mechanism": "CRAM-MD5", "user": "tim", "password": "wrong"}}
        }"#,
    )
    .unwrap();
    let timeline = run_scenario(cram).unwrap();
    let server = server_octets(&timeline, "serverToClient");
    assert!(server.contains("\r\n334 "), "{server}");
    assert!(server.contains("535 5.7.8"), "{server}");
    let labels = trace_labels(&timeline, "client");
    assert!(labels.iter().any(|l| l == "HMAC-MD5 digest"), "{labels:?}");
}
