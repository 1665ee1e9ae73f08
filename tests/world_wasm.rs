//! The world's wasm exports as JavaScript sees them: presets by name or as objects in,
//! plain JS data out. No `run_in_browser`: runs in Node and, with
//! `WASM_BINDGEN_USE_BROWSER=1`, in headless Chromium.

#![cfg(target_arch = "wasm32")]

use esmtp_playground::wasm::{run_world, world_preset, world_presets};
use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn get(object: &JsValue, key: &str) -> JsValue {
    let value = Reflect::get(object, &JsValue::from_str(key)).unwrap();
    assert!(!value.is_undefined(), "missing key {key}");
    value
}

fn array(value: JsValue) -> Array {
    value.dyn_into().unwrap()
}

/// `host: line` for every line sent on `connection`, decoded from the JS data only.
fn transcript(timeline: &JsValue, connection: u32) -> Vec<String> {
    let mut lines = Vec::new();
    for entry in array(get(timeline, "entries")).iter() {
        if get(&entry, "type").as_string().as_deref() != Some("bytes")
            || get(&entry, "connection").as_f64() != Some(f64::from(connection))
        {
            continue;
        }
        let from = get(&entry, "from").as_string().unwrap();
        let octets: Vec<u8> = array(get(&entry, "octets"))
            .iter()
            .map(|octet| octet.as_f64().unwrap() as u8)
            .collect();
        for line in String::from_utf8(octets).unwrap().split_terminator("\r\n") {
            lines.push(format!("{from}: {line}"));
        }
    }
    lines
}

fn mailbox_len(timeline: &JsValue, host: &str, mailbox: &str) -> u32 {
    let store = get(&get(timeline, "mailstores"), host);
    let mailboxes = get(&store, "mailboxes");
    let messages = Reflect::get(&mailboxes, &JsValue::from_str(mailbox)).unwrap();
    if messages.is_undefined() {
        0
    } else {
        array(messages).length()
    }
}

#[wasm_bindgen_test]
fn presets_are_listed_with_explanations() {
    let presets = array(world_presets().unwrap());
    let names: Vec<String> = presets
        .iter()
        .map(|p| get(&p, "name").as_string().unwrap())
        .collect();
    for expected in [
        "etrn",
        "etrn-nothing-waiting",
        "turn-refused",
        "atrn",
        "turn-hijack",
        "pop-before-smtp",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    for preset in presets.iter() {
        assert!(get(&preset, "explanation").as_string().unwrap().len() > 80);
    }
}

#[wasm_bindgen_test]
fn etrn_runs_by_name_and_fills_the_customer_mailbox() {
    let timeline = run_world(JsValue::from_str("etrn")).unwrap();
    let connections = array(get(&timeline, "connections"));
    assert_eq!(connections.length(), 4);
    let flush = connections.get(3);
    assert_eq!(get(&flush, "kind").as_string().as_deref(), Some("flush"));
    assert_eq!(get(&flush, "triggeredBy").as_f64(), Some(3.0));
    let etrn = transcript(&timeline, 3);
    assert!(
        etrn.contains(
            &"mx.isp.example: 253 2.0.0 2 pending messages for node dialup.example started"
                .to_owned()
        ),
        "{etrn:?}"
    );
    assert_eq!(
        mailbox_len(&timeline, "mail.dialup.example", "bob@dialup.example"),
        1
    );
    assert_eq!(
        mailbox_len(&timeline, "mail.dialup.example", "carol@dialup.example"),
        1
    );
    let isp_queue = get(
        &get(&get(&timeline, "mailstores"), "mx.isp.example"),
        "outbound",
    );
    assert!(
        Reflect::get(&isp_queue, &JsValue::from_str("dialup.example"))
            .unwrap()
            .is_undefined()
    );
    assert_eq!(array(get(&timeline, "graph")).length(), 3);
}

#[wasm_bindgen_test]
fn pop_before_smtp_denies_allows_then_denies() {
    let timeline = run_world(JsValue::from_str("pop-before-smtp")).unwrap();
    let rcpt_replies: Vec<String> = [1, 3, 4, 5]
        .into_iter()
        .map(|connection| {
            transcript(&timeline, connection)
                .into_iter()
                .find(|line| line.contains(": 550 5.7.1") || line.contains(": 250 2.1.5"))
                .unwrap()
        })
        .collect();
    assert!(rcpt_replies[0].ends_with("550 5.7.1 <friend@elsewhere.example>: Relay access denied"));
    assert!(rcpt_replies[1].ends_with("250 2.1.5 Ok"));
    assert!(
        rcpt_replies[2].ends_with("250 2.1.5 Ok"),
        "a neighbour behind the same NAT relays too"
    );
    assert!(rcpt_replies[3].ends_with("550 5.7.1 <friend@elsewhere.example>: Relay access denied"));
    let pop = transcript(&timeline, 2);
    assert!(pop
        .iter()
        .any(|line| line == "laptop.example.net: PASS wonderland"));
}

#[wasm_bindgen_test]
fn atrn_turns_the_connection_around_after_auth() {
    let timeline = run_world(JsValue::from_str("atrn")).unwrap();
    let third = array(get(&timeline, "connections")).get(2);
    assert!(get(&third, "reversedAt").as_f64().is_some());
    assert!(transcript(&timeline, 2)
        .contains(&"mx.isp.example: 530 5.7.0 Authentication required".to_owned()));
    assert_eq!(
        mailbox_len(&timeline, "mail.dialup.example", "bob@dialup.example"),
        1
    );
}

#[wasm_bindgen_test]
fn an_edited_preset_object_runs_and_bad_input_is_an_error() {
    let scenario = world_preset("turn-hijack").unwrap();
    let timeline = run_world(scenario).unwrap();
    assert_eq!(
        mailbox_len(&timeline, "attacker.example.net", "bob@dialup.example"),
        1
    );
    let unknown = run_world(JsValue::from_str("no-such-preset")).unwrap_err();
    let message = js_sys::Error::from(JsValue::from(unknown)).message();
    assert!(String::from(message).contains("no world preset"));
    assert!(run_world(JsValue::from_f64(7.0)).is_err());
}
