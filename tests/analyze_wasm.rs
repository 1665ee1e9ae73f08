//! `analyzeTranscript` through the wasm API, as the page will call it (run with
//! `cargo test --target wasm32-unknown-unknown --test analyze_wasm --features analyze-page`):
//! a pasted text, a dropped capture as a `Uint8Array`, options, and an `Error` for junk;
//! and the Analyze view's exports: the page's view, "Open in playground" and share text.
#![cfg(all(target_arch = "wasm32", feature = "analyze-page"))]

use esmtp_playground::wasm::{
    analysis_scenario, analyze_for_page, analyze_transcript, shareable_transcript,
};
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

#[wasm_bindgen_test]
fn the_page_view_ties_each_finding_to_a_line() {
    let view = analyze_for_page(SWAKS_CRAM.into(), options("wrong")).unwrap();
    assert_eq!(
        field(&view, &["formatLabel"]).as_string().unwrap(),
        "swaks output"
    );
    assert_eq!(field(&view, &["counts", "errors"]).as_f64(), Some(1.0));
    let finding = js_sys::Array::from(&field(&view, &["findings"])).get(0);
    let index = field(&finding, &["index"]).as_f64().unwrap() as u32;
    let line = js_sys::Array::from(&field(&view, &["lines"])).get(index);
    assert_eq!(field(&line, &["n"]).as_f64(), Some(13.0));
    assert_eq!(field(&line, &["role"]).as_string().unwrap(), "saslResponse");
    let note = field(&line, &["note"]).as_f64().unwrap() as u32;
    let note = js_sys::Array::from(&field(&view, &["notes"])).get(note);
    assert_eq!(field(&note, &["rfc"]).as_string().unwrap(), "RFC 4954 §4");
}

#[wasm_bindgen_test]
fn open_in_playground_gives_a_scenario_that_runs() {
    let imported = analysis_scenario(SWAKS_CRAM.into(), options("S3cret-pw")).unwrap();
    let scenario = field(&imported, &["scenario"]);
    assert_eq!(
        field(&scenario, &["client", "auth", "mechanism"])
            .as_string()
            .unwrap(),
        "CRAM-MD5"
    );
    let timeline = esmtp_playground::wasm::run_scenario(scenario).unwrap();
    assert_eq!(
        js_sys::Array::from(&field(&timeline, &["deliveries"])).length(),
        1
    );
}

#[wasm_bindgen_test]
fn share_text_masks_secrets_unless_asked_to_keep_them() {
    let masked = shareable_transcript(SWAKS_CRAM.into(), JsValue::NULL, false).unwrap();
    let text = field(&masked, &["text"]).as_string().unwrap();
    assert_eq!(field(&masked, &["masked"]).as_f64(), Some(2.0));
    assert!(!text.contains("YWxpY2UgMWZkOGU5ZWEwNWJhYmJjZTgxMWU3Njc3ZDk4YzJiZDk="));
    let kept = shareable_transcript(SWAKS_CRAM.into(), JsValue::NULL, true).unwrap();
    assert_eq!(field(&kept, &["text"]).as_string().unwrap(), SWAKS_CRAM);
}
