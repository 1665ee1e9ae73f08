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
