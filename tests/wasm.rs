//! The wasm adapter as JavaScript sees it: plain JS objects in, plain JS data out, and a
//! thrown `Error` with a readable message for bad input (never a trap).
//!
//! No `run_in_browser` here on purpose: the same tests run in Node
//! (`cargo test --target wasm32-unknown-unknown --test wasm`) and, with
//! `WASM_BINDGEN_USE_BROWSER=1`, in headless Chromium.

#![cfg(target_arch = "wasm32")]

use esmtp_playground::wasm::{default_scenario, engine_version, run_scenario};
use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

/// `object[key]`, panicking with the key's name when it is missing (tests only).
fn get(object: &JsValue, key: &str) -> JsValue {
    let value = Reflect::get(object, &JsValue::from_str(key)).unwrap();
    assert!(!value.is_undefined(), "missing key {key}");
    value
}

fn set(object: &JsValue, key: &str, value: impl Into<JsValue>) {
    Reflect::set(object, &JsValue::from_str(key), &value.into()).unwrap();
}

/// The timeline's bytes entries as swaks-style lines, `C: ...` / `S: ...`, decoded from
/// the JS data only (the page does the same work in JavaScript).
fn transcript(timeline: &JsValue) -> Vec<String> {
    let entries: Array = get(timeline, "entries").dyn_into().unwrap();
    let mut lines = Vec::new();
    for entry in entries.iter() {
        if get(&entry, "type").as_string().as_deref() != Some("bytes") {
            continue;
        }
        let prefix = match get(&entry, "direction").as_string().as_deref() {
            Some("clientToServer") => "C: ",
            Some("serverToClient") => "S: ",
            other => panic!("unexpected direction {other:?}"),
        };
        // Octets cross as bytes: a Uint8Array view of the timeline's one buffer.
        let octets = get(&entry, "octets")
            .dyn_into::<js_sys::Uint8Array>()
            .expect("octets as a Uint8Array")
            .to_vec();
        let text = String::from_utf8(octets).unwrap();
        for line in text.split_terminator("\r\n") {
            lines.push(format!("{prefix}{line}"));
        }
    }
    lines
}

/// The server's reply to EHLO: the `S:` lines after `C: EHLO ...` up to the first `250 `
/// line (RFC 5321 §4.2.1: `250-` on every line but the last).
fn ehlo_reply(lines: &[String]) -> Vec<&str> {
    let start = lines
        .iter()
        .position(|line| line.starts_with("C: EHLO "))
        .expect("an EHLO command");
    let mut reply = Vec::new();
    for line in &lines[start + 1..] {
        if !line.starts_with("S: ") {
            break;
        }
        reply.push(line.as_str());
        if !line.starts_with("S: 250-") {
            break;
        }
    }
    reply
}

/// The default scenario (as the page gets it) with `client.message[key]` replaced.
fn default_with_message_field(key: &str, value: impl Into<JsValue>) -> JsValue {
    let scenario = default_scenario().unwrap();
    set(&get(&get(&scenario, "client"), "message"), key, value);
    scenario
}

/// The message of the JS `Error` a failing call returned.
fn error_message(result: Result<JsValue, wasm_bindgen::JsError>) -> String {
    let error = JsValue::from(result.expect_err("bad input must be rejected"));
    assert!(error.is_instance_of::<js_sys::Error>(), "a real JS Error");
    String::from(error.unchecked_into::<js_sys::Error>().message())
}

#[wasm_bindgen_test]
fn default_scenario_runs_a_whole_session() {
    let timeline = run_scenario(default_scenario().unwrap()).unwrap();
    let lines = transcript(&timeline);
    assert_eq!(
        lines.first().map(String::as_str),
        Some("S: 220 mx.example.org ESMTP Playground")
    );
    assert!(lines.contains(&"C: EHLO client.example.net".to_owned()));
    let ehlo = ehlo_reply(&lines);
    assert_eq!(
        ehlo.first().copied(),
        Some("S: 250-mx.example.org Hello client.example.net"),
        "{lines:?}"
    );
    assert!(
        ehlo.last().is_some_and(|line| line.starts_with("S: 250 ")),
        "the EHLO reply ends with a \"250 \" line: {ehlo:?}"
    );
    for keyword in ["PIPELINING", "8BITMIME"] {
        assert!(
            ehlo.iter().any(|line| line.get(7..) == Some(keyword)),
            "{keyword} in {ehlo:?}"
        );
    }
    assert!(lines.contains(&"C: RCPT TO:<bob@example.org>".to_owned()));
    assert_eq!(
        lines.last().map(String::as_str),
        Some("S: 221 2.0.0 mx.example.org closing connection")
    );
    assert_eq!(get(&timeline, "truncated").as_bool(), Some(false));
    assert_eq!(Array::from(&get(&timeline, "deliveries")).length(), 1);
}

#[wasm_bindgen_test]
fn every_line_crosses_with_the_event_that_wrote_it_and_its_notes() {
    let timeline = run_scenario(JsValue::UNDEFINED).unwrap();
    let entries = Array::from(&get(&timeline, "entries"));
    let writes = Array::from(&get(&timeline, "writes"));
    let bytes = entries
        .iter()
        .filter(|e| get(e, "type").as_string().as_deref() == Some("bytes"))
        .count();
    assert_eq!(writes.length() as usize, bytes, "one write per bytes entry");
    let mut extension_notes = Vec::new();
    for write in writes.iter() {
        for line in Array::from(&get(&write, "lines")).iter() {
            let event = get(&line, "event")
                .as_f64()
                .expect("every line has a writer");
            let entry = entries.get(event as u32);
            assert!(!get(&get(&entry, "event"), "explanation").is_undefined());
            // Lines without notes leave the field out.
            let notes = Reflect::get(&line, &"notes".into()).unwrap();
            if notes.is_undefined() {
                continue;
            }
            for note in Array::from(&notes).iter() {
                if let Some(keyword) = Reflect::get(&note, &"extension".into())
                    .unwrap()
                    .as_string()
                {
                    extension_notes.push((keyword, get(&note, "rfc").as_string().unwrap()));
                }
            }
        }
    }
    assert!(
        extension_notes.contains(&("PIPELINING".to_owned(), "RFC 2920".to_owned())),
        "{extension_notes:?}"
    );
    assert_eq!(
        Array::from(&get(&timeline, "links")).length(),
        entries.length(),
        "links run parallel to entries"
    );
}

#[wasm_bindgen_test]
fn undefined_means_the_default_scenario() {
    let from_default = run_scenario(default_scenario().unwrap()).unwrap();
    let from_undefined = run_scenario(JsValue::UNDEFINED).unwrap();
    assert_eq!(
        JSON::stringify(&from_default).unwrap(),
        JSON::stringify(&from_undefined).unwrap()
    );
}

#[wasm_bindgen_test]
fn edited_envelope_reaches_the_wire() {
    let scenario = default_with_message_field("from", "carol@example.net");
    let to = Array::of2(&"dave@example.org".into(), &"erin@example.org".into());
    set(&get(&get(&scenario, "client"), "message"), "to", to);
    let lines = transcript(&run_scenario(scenario).unwrap());
    assert!(
        // The client may add parameters (SIZE=, BODY=) after the path.
        lines
            .iter()
            .any(|line| line.starts_with("C: MAIL FROM:<carol@example.net>")),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"C: RCPT TO:<dave@example.org>".to_owned()),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"C: RCPT TO:<erin@example.org>".to_owned()),
        "{lines:?}"
    );
    assert!(!lines.contains(&"C: RCPT TO:<bob@example.org>".to_owned()));
}

#[wasm_bindgen_test]
fn copies_of_one_message_share_one_view_of_the_octets() {
    let scenario = JsValue::from(Object::new());
    let to = Array::of2(&"dave@example.org".into(), &"erin@example.org".into());
    let message = Object::new();
    set(&message, "to", to);
    let client = Object::new();
    set(&client, "message", message);
    set(&scenario, "client", client);
    let timeline = run_scenario(scenario).unwrap();
    let copies: Vec<js_sys::Uint8Array> = Array::from(&get(&timeline, "deliveries"))
        .iter()
        .map(|copy| {
            get(&copy, "message")
                .dyn_into()
                .expect("message as a Uint8Array")
        })
        .collect();
    assert_eq!(copies.len(), 2);
    let text = String::from_utf8(copies[0].to_vec()).unwrap();
    assert!(
        text.starts_with("Received: from client.example.net"),
        "{text}"
    );
    assert!(
        text.ends_with("\r\n") && !text.ends_with("\r\n.\r\n"),
        "{text}"
    );
    assert_eq!(copies[0].byte_offset(), copies[1].byte_offset());
    assert_eq!(copies[0].length(), copies[1].length());
    // One buffer under every view: the writes' octets, then the text once.
    let first_write = Array::from(&get(&timeline, "entries"))
        .iter()
        .find(|e| get(e, "type").as_string().as_deref() == Some("bytes"))
        .map(|e| get(&e, "octets").dyn_into::<js_sys::Uint8Array>().unwrap())
        .unwrap();
    assert_eq!(first_write.buffer(), copies[0].buffer());
    assert_eq!(
        first_write.buffer().byte_length(),
        copies[0].byte_offset() + copies[0].length()
    );
}

#[wasm_bindgen_test]
fn partial_object_is_filled_with_defaults() {
    let scenario = Object::new();
    set(&scenario, "seed", 99.0);
    let lines = transcript(&run_scenario(scenario.into()).unwrap());
    assert_eq!(
        lines.last().map(String::as_str),
        Some("S: 221 2.0.0 mx.example.org closing connection")
    );
}

#[wasm_bindgen_test]
fn seed_of_the_wrong_type_is_a_clear_error() {
    let scenario = Object::new();
    set(&scenario, "seed", "x");
    let message = error_message(run_scenario(scenario.into()));
    assert!(message.starts_with("invalid scenario:"), "{message}");
}

#[wasm_bindgen_test]
fn non_object_scenario_is_a_clear_error() {
    let message = error_message(run_scenario(JsValue::from_str("hello")));
    assert!(message.starts_with("invalid scenario:"), "{message}");
}

#[wasm_bindgen_test]
fn malformed_sender_is_a_clear_error_and_the_module_still_works() {
    let scenario = default_with_message_field("from", "not an address");
    let message = error_message(run_scenario(scenario));
    assert!(
        message.starts_with("scenario cannot run: client: From address 'not an address'"),
        "{message}"
    );
    // No trap: the module answers the next call normally.
    assert!(run_scenario(JsValue::UNDEFINED).is_ok());
}

#[wasm_bindgen_test]
fn no_recipient_is_a_clear_error() {
    let scenario = default_with_message_field("to", Array::new());
    let message = error_message(run_scenario(scenario));
    assert!(message.contains("at least one recipient"), "{message}");
}

#[wasm_bindgen_test]
fn same_seed_same_output_other_seed_other_queue_id() {
    let with_seed = |seed: f64| {
        let scenario = default_scenario().unwrap();
        set(&scenario, "seed", seed);
        JSON::stringify(&run_scenario(scenario).unwrap()).unwrap()
    };
    assert_eq!(with_seed(7.0), with_seed(7.0));
    assert_ne!(with_seed(7.0), with_seed(8.0));
}

#[wasm_bindgen_test]
fn engine_version_is_the_crate_version() {
    assert_eq!(engine_version(), env!("CARGO_PKG_VERSION"));
}
