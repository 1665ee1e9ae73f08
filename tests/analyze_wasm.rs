//! `analyzeTranscript` through the wasm API, as the page will call it (run with
//! `cargo test --target wasm32-unknown-unknown --test analyze_wasm --features analyze-page`):
//! a pasted text, a dropped capture as a `Uint8Array`, options, and an `Error` for junk.
#![cfg(all(target_arch = "wasm32", feature = "analyze-page"))]

use esmtp_playground::wasm::analyze_transcript;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const SWAKS_CRAM: &str = include_str!("fixtures/analyze/swaks-cram-md5.txt");
const CAPTURE: &[u8] = include_bytes!("fixtures/analyze/pcap-swaks-cram-md5.pcap");

fn field(object: &JsValue, path: &[&str]) -> JsValue {
    path.iter().fold(object.clone(), |value, key| {
        js_sys::Reflect::get(&value, &JsValue::from_str(key)).unwrap()
    })
}

fn options(password: &str) -> JsValue {
    let object = js_sys::Object::new();
    js_sys::Reflect::set(&object, &"password".into(), &password.into()).unwrap();
    js_sys::Reflect::set(&object, &"format".into(), &"auto".into()).unwrap();
    object.into()
}

fn findings(analysis: &JsValue) -> Vec<(f64, String, String)> {
    js_sys::Array::from(&field(analysis, &["findings"]))
        .iter()
        .map(|f| {
            (
                field(&f, &["line"]).as_f64().unwrap(),
                field(&f, &["severity"]).as_string().unwrap(),
                field(&f, &["rfc"]).as_string().unwrap(),
            )
        })
        .collect()
}

#[wasm_bindgen_test]
fn a_pasted_swaks_log_with_a_wrong_password() {
    let analysis = analyze_transcript(SWAKS_CRAM.into(), options("wrong")).unwrap();
    assert_eq!(field(&analysis, &["format"]).as_string().unwrap(), "swaks");
    let first = js_sys::Array::from(&field(&analysis, &["lines"])).get(0);
    assert_eq!(field(&first, &["n"]).as_f64(), Some(3.0));
    assert_eq!(field(&first, &["side"]).as_string().unwrap(), "server");
    assert_eq!(
        findings(&analysis),
        vec![(13.0, "error".to_owned(), "RFC 2195 §2".to_owned())]
    );
}

#[wasm_bindgen_test]
fn a_dropped_capture_as_octets() {
    let octets = js_sys::Uint8Array::from(CAPTURE);
    let analysis = analyze_transcript(octets.into(), options("S3cret-pw")).unwrap();
    assert_eq!(field(&analysis, &["format"]).as_string().unwrap(), "pcap");
    assert_eq!(
        js_sys::Array::from(&field(&analysis, &["connections"])).length(),
        1
    );
    assert_eq!(
        findings(&analysis),
        vec![(12.0, "note".to_owned(), "RFC 2195 §2".to_owned())]
    );
}

#[wasm_bindgen_test]
fn junk_is_an_error_with_a_message() {
    let error = analyze_transcript("no smtp here".into(), JsValue::UNDEFINED).unwrap_err();
    let message = js_sys::Reflect::get(&error.into(), &"message".into()).unwrap();
    assert!(message
        .as_string()
        .unwrap()
        .contains("does not look like an SMTP session"));
    assert!(analyze_transcript(JsValue::from(42), JsValue::NULL).is_err());
}
