//! The page's TLS module (feature `tls-page`) as JavaScript sees it: `runScenario` with
//! STARTTLS runs real rustls with ring compiled for wasm32, and the timeline carries the
//! TLS entries; the same seed gives the same records. Built without the feature (the
//! other page modules), the same scenario is refused with a clear error.
//!
//! `cargo test --target wasm32-unknown-unknown --test tls_wasm --no-default-features
//! --features tls-page`, and without the feature (Node; scripts/test runs both).

#![cfg(target_arch = "wasm32")]

use esmtp_playground::wasm::run_scenario;
use js_sys::JSON;
#[cfg(feature = "tls-page")]
use js_sys::{Array, Reflect};
#[cfg(feature = "tls-page")]
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

#[cfg(feature = "tls-page")]
fn get(object: &JsValue, key: &str) -> JsValue {
    let value = Reflect::get(object, &JsValue::from_str(key)).unwrap();
    assert!(!value.is_undefined(), "missing key {key}");
    value
}

fn starttls_scenario() -> JsValue {
    JSON::parse(
        r#"{"server": {"starttls": "offered", "authRequiresTls": true},
            "client": {"tls": "required", "auth": {"mechanism": "PLAIN"}}}"#,
    )
    .unwrap()
}

#[cfg(not(feature = "tls-page"))]
#[wasm_bindgen_test]
fn a_module_without_tls_refuses_a_tls_scenario() {
    let error = run_scenario(starttls_scenario()).unwrap_err();
    let message = js_sys::Error::from(JsValue::from(error)).message();
    assert!(
        String::from(message).contains("needs the page's TLS module"),
        "a clear error"
    );
}

#[cfg(feature = "tls-page")]
fn entries_of(timeline: &JsValue, kind: &str) -> Vec<JsValue> {
    let entries: Array = get(timeline, "entries").dyn_into().unwrap();
    entries
        .iter()
        .filter(|entry| get(entry, "type").as_string().as_deref() == Some(kind))
        .collect()
}

#[cfg(feature = "tls-page")]
#[wasm_bindgen_test]
fn starttls_runs_with_real_records_in_the_tls_module() {
    let timeline = run_scenario(starttls_scenario()).unwrap();
    assert_eq!(
        get(&get(&timeline, "tls"), "mode").as_string().as_deref(),
        Some("starttls")
    );
    let established = entries_of(&timeline, "tlsEstablished");
    assert_eq!(established.len(), 1);
    let summary = get(&established[0], "summary");
    assert_eq!(
        get(&summary, "protocolVersion").as_string().as_deref(),
        Some("TLSv1.3")
    );
    assert_eq!(
        get(&get(&summary, "verification"), "against")
            .as_string()
            .as_deref(),
        Some("the playground's test CA")
    );
    let records = entries_of(&timeline, "tlsRecords");
    let first: Array = get(&records[0], "records").dyn_into().unwrap();
    let messages: Array = get(&first.get(0), "handshakeMessages").dyn_into().unwrap();
    assert_eq!(messages.get(0).as_string().as_deref(), Some("ClientHello"));
    let encrypted = entries_of(&timeline, "bytes")
        .into_iter()
        .filter(|entry| {
            Reflect::get(entry, &"encrypted".into())
                .unwrap()
                .as_bool()
                .unwrap_or(false)
        })
        .count();
    assert!(
        encrypted > 4,
        "AUTH, MAIL, the message and QUIT went inside TLS"
    );
    let deliveries: Array = get(&timeline, "deliveries").dyn_into().unwrap();
    assert_eq!(deliveries.length(), 1);
}

#[cfg(feature = "tls-page")]
#[wasm_bindgen_test]
fn the_same_seed_gives_the_same_records_in_wasm() {
    let hex = |timeline: &JsValue| -> Vec<String> {
        entries_of(timeline, "tlsRecords")
            .iter()
            .flat_map(|entry| {
                let records: Array = get(entry, "records").dyn_into().unwrap();
                records
                    .iter()
                    .map(|record| get(&record, "hex").as_string().unwrap())
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let first = hex(&run_scenario(starttls_scenario()).unwrap());
    let again = hex(&run_scenario(starttls_scenario()).unwrap());
    assert!(!first.is_empty());
    assert_eq!(first, again);
}
