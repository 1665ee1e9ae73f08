//! The page's wasm adapters (serverTransitions, ManualSession), run in wasm
//! (`cargo test --target wasm32-unknown-unknown`, Node by default).
#![cfg(target_arch = "wasm32")]

use esmtp_playground::wasm::{server_transitions, ManualSession};
use js_sys::{Array, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

fn field(value: &JsValue, name: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(name)).unwrap()
}

fn text_of(step: &JsValue) -> String {
    let octets: Vec<u8> = Array::from(&field(step, "octets"))
        .iter()
        .map(|n| n.as_f64().unwrap() as u8)
        .collect();
    String::from_utf8(octets).unwrap()
}

fn state_of(step: &JsValue) -> String {
    field(step, "state").as_string().unwrap()
}

/// The suggested lines' texts (`nextLines[].line`).
fn next_lines_of(step: &JsValue) -> Vec<String> {
    Array::from(&field(step, "nextLines"))
        .iter()
        .map(|next| field(&next, "line").as_string().unwrap())
        .collect()
}

#[wasm_bindgen_test]
fn transitions_table_is_the_engines() {
    let rows = Array::from(&server_transitions().unwrap());
    assert_eq!(
        rows.length() as usize,
        esmtp_playground::server::state::TRANSITIONS.len()
    );
    let first = rows.get(0);
    assert_eq!(field(&first, "trigger").as_string().unwrap(), "hello");
    assert_eq!(field(&first, "to").as_string().unwrap(), "expectMail");
    assert!(Array::is_array(&field(&first, "from")));
}

#[wasm_bindgen_test]
fn manual_session_answers_line_by_line_and_delivers() {
    let mut session = ManualSession::new(JsValue::UNDEFINED).unwrap();
    let greeting = session.take().unwrap();
    assert!(text_of(&greeting).starts_with("220 mx.example.org"));
    assert_eq!(state_of(&greeting), "expectHello");
    assert_eq!(next_lines_of(&greeting)[0], "EHLO client.example.net");

    let ehlo = session.send(b"EHLO me.example\r\n").unwrap();
    assert!(text_of(&ehlo).contains("250-PIPELINING\r\n"));
    assert_eq!(state_of(&ehlo), "expectMail");
    assert!(next_lines_of(&ehlo).contains(&"MAIL FROM:<alice@example.net>".to_string()));

    // Split across calls: the engine buffers the partial line.
    assert_eq!(text_of(&session.send(b"MAIL FROM:<a@exa").unwrap()), "");
    assert!(text_of(&session.send(b"mple.net>\r\n").unwrap()).starts_with("250 "));
    assert!(text_of(&session.send(b"RCPT TO:<bob@example.org>\r\n").unwrap()).starts_with("250 "));
    assert!(text_of(&session.send(b"DATA\r\n").unwrap()).starts_with("354 "));
    let done = session.send(b"Subject: x\r\n\r\nhi\r\n.\r\n").unwrap();
    assert!(text_of(&done).contains("queued as"));
    assert_eq!(Array::from(&field(&done, "deliveries")).length(), 1);

    let quit = session.send(b"QUIT\r\n").unwrap();
    assert!(text_of(&quit).starts_with("221 "));
    assert_eq!(field(&quit, "closed").as_bool(), Some(true));
    assert!(next_lines_of(&quit).is_empty());
}

#[wasm_bindgen_test]
fn manual_session_times_out_and_refuses_bad_config() {
    let mut session = ManualSession::new(JsValue::UNDEFINED).unwrap();
    session.take().unwrap();
    let idle = session.wait(10.0 * 60.0 * 1000.0).unwrap();
    assert!(text_of(&idle).starts_with("421 "));
    assert_eq!(field(&idle, "closed").as_bool(), Some(true));

    let bad = js_sys::JSON::parse(r#"{"server":{"maxRecipients":"many"}}"#).unwrap();
    assert!(ManualSession::new(bad).is_err());
}
