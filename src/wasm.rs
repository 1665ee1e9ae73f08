//! The WebAssembly binding: a thin adapter from JS values to the engines and back.
//! No protocol logic lives here. Every entry point returns a JS `Error` with a clear
//! message for bad input instead of trapping.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::loopback::{self, Scenario};

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("could not convert the result for JavaScript: {e}")))
}

/// Runs a scenario (`{server, client, clientAddress, startTime, seed, latencyMs}`, every
/// field optional) over the in-memory loopback and returns its timeline.
#[wasm_bindgen(js_name = runScenario)]
pub fn run_scenario(scenario: JsValue) -> Result<JsValue, JsError> {
    let scenario: Scenario = if scenario.is_undefined() || scenario.is_null() {
        Scenario::default()
    } else {
        serde_wasm_bindgen::from_value(scenario)
            .map_err(|e| JsError::new(&format!("invalid scenario: {e}")))?
    };
    let timeline =
        loopback::run(&scenario).map_err(|e| JsError::new(&format!("scenario cannot run: {e}")))?;
    to_js(&timeline)
}

/// The default scenario, as a plain JS object the page can edit and pass back.
#[wasm_bindgen(js_name = defaultScenario)]
pub fn default_scenario() -> Result<JsValue, JsError> {
    to_js(&Scenario::default())
}

/// The crate version, for the page footer.
#[wasm_bindgen(js_name = engineVersion)]
pub fn engine_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The SASL calculator's encoder: `{mechanism, user, password, authzid?, challenge?,
/// realm?, nonce?, cnonce?, host?, service?, loginInitialResponse?}` →
/// `{mechanism, clientLines, exchange: [{from, line, decoded}], digest, trace}`.
/// See `sasl::calculator::EncodeRequest` for which fields each mechanism needs.
#[wasm_bindgen(js_name = saslEncode)]
pub fn sasl_encode(request: JsValue) -> Result<JsValue, JsError> {
    let request: crate::sasl::calculator::EncodeRequest =
        serde_wasm_bindgen::from_value(request)
            .map_err(|e| JsError::new(&format!("invalid SASL encode request: {e}")))?;
    let result =
        crate::sasl::calculator::encode(&request).map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&result)
}

/// The SASL calculator's decoder: `{input, mechanism?, password?, challenge?}` where
/// `input` is base64 or a log line (`AUTH PLAIN …`, `334 …`, with or without swaks'
/// arrows) → `{source, base64, octets, mechanism, interpretation, problems, trace}`.
#[wasm_bindgen(js_name = saslDecode)]
pub fn sasl_decode(request: JsValue) -> Result<JsValue, JsError> {
    let request: crate::sasl::calculator::DecodeRequest =
        serde_wasm_bindgen::from_value(request)
            .map_err(|e| JsError::new(&format!("invalid SASL decode request: {e}")))?;
    let result =
        crate::sasl::calculator::decode(&request).map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&result)
}

// ---------------------------------------------------------------------------------------
// Multi-host world (issue 7: ETRN, TURN, POP-before-SMTP). Thin glue over crate::world.
// ---------------------------------------------------------------------------------------

/// The world presets: `[{name, title, explanation}]`, in the order to list them.
#[wasm_bindgen(js_name = worldPresets)]
pub fn world_presets() -> Result<JsValue, JsError> {
    to_js(&crate::world::presets())
}

/// The preset called `name` as an editable scenario object (`{name, explanation,
/// startTime, seed, latencyMs, hosts, steps}`), to pass back to `runWorld`.
#[wasm_bindgen(js_name = worldPreset)]
pub fn world_preset(name: &str) -> Result<JsValue, JsError> {
    let scenario = crate::world::preset(name)
        .ok_or_else(|| JsError::new(&format!("no world preset is called '{name}'")))?;
    to_js(&scenario)
}

/// Runs a world: a preset's name (a string) or a scenario object. Returns the
/// WorldTimeline: `{name, explanation, hosts, connections, graph, entries, mailstores,
/// startTime, endTime, truncated}`.
#[wasm_bindgen(js_name = runWorld)]
pub fn run_world(scenario_or_preset: JsValue) -> Result<JsValue, JsError> {
    let scenario = match scenario_or_preset.as_string() {
        Some(name) => crate::world::preset(&name)
            .ok_or_else(|| JsError::new(&format!("no world preset is called '{name}'")))?,
        None => serde_wasm_bindgen::from_value(scenario_or_preset)
            .map_err(|e| JsError::new(&format!("invalid world scenario: {e}")))?,
    };
    let timeline = crate::world::run_world(&scenario)
        .map_err(|e| JsError::new(&format!("world cannot run: {e}")))?;
    to_js(&timeline)
}
