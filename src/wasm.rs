//! The WebAssembly binding: a thin adapter from JS values to the engines and back.
//! No protocol logic lives here. Every entry point returns a JS `Error` with a clear
//! message for bad input instead of trapping.
//!
//! One naming rule for everything that crosses to JavaScript: every field and every
//! variant name is camelCase (`localPart`, `"clientToServer"`, `"expectHello"`,
//! `{type: "stateChanged"}`), except protocol keywords in their wire spelling, all
//! capitals (`"EHLO"`, `"CRAM-MD5"`). A variant with data is an object whose tag field
//! (`type`, or `verb`, `keyword`, `kind`, `choice`, `problem`) holds its name.
//! tests/js_naming.rs checks it.
//!
//! The exports only the page's tabs use (the world, the SASL calculator, the manual
//! session, the state table, the sequence diagram) are behind the `tabs` feature: the page's first-view module
//! is built without it, so the world, POP3 and the calculator stay out of the wasm the
//! first view loads (scripts/lib/setup.sh, FIRST_VIEW_MODULE).
//!
//! TLS in the loopback is compiled only with the `tls-page` feature: the page's TLS
//! module (www/pkg/tls/, TLS_MODULE) exports the same `runScenario` and
//! `sequenceDiagram`, which there run STARTTLS and implicit TLS with real records; the
//! other modules refuse a scenario that uses TLS with a clear error.
//!
//! SCRAM, XOAUTH2 and OAUTHBEARER run only with the `scram-oauth` feature, which the
//! first view's module is built without: it refuses a scenario that may use one with a
//! clear error, and `scenarioModule` tells the page which module to run it in.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::loopback::{self, Scenario};

/// talc in place of std's dlmalloc: the page is single-threaded, and talc's wasm
/// allocator is the smaller of the two (about 3 KB gzip less in the page's module).
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Results cross to JavaScript as JSON text, parsed by the JS engine's own `JSON.parse`.
/// WHY: serde-wasm-bindgen builds the JS objects call by call and monomorphises that
/// serializer per result type; serde_json's writer is smaller, and so is the JS glue
/// (measured: about 27 KB less wasm, 9 KB less gzip, 700 B less glue). The shapes are
/// those of serde-wasm-bindgen's `json_compatible` mode: maps as objects, `None` as
/// `null`, integers as numbers (beyond 2^53 they round where that mode failed).
///
/// The serde_json error is not formatted: its `Display` links `std::io::Error`'s, and
/// with it the text of every `io::ErrorKind` (measured: 3.0 KB wasm, 1.0 KB gzip). Our
/// result types cannot fail to serialize (no custom errors, every map key a string),
/// and writing into a `Vec<u8>` never fails, so the message has nothing to lose.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let conversion_error = |step: &str| {
        JsError::new(&format!(
            "could not convert the result for JavaScript: {step}"
        ))
    };
    let mut json = Vec::with_capacity(JSON_CAPACITY);
    serde_json::to_writer(&mut json, value).map_err(|_| conversion_error("serde_json failed"))?;
    let json = std::str::from_utf8(&json).map_err(|_| conversion_error("not UTF-8"))?;
    js_sys::JSON::parse(json).map_err(|_| conversion_error("JSON.parse failed"))
}

/// The JSON buffer's first size: a default session's timeline fits, so it is written
/// without growing (growing copied it over and over: about a tenth of runScenario).
const JSON_CAPACITY: usize = 64 * 1024;

/// Reads an input object with serde-wasm-bindgen, straight from the JS value. (Reading
/// through `JSON.stringify` and serde_json was measured too: its deserializer is larger
/// than serde-wasm-bindgen's, whose type checks happen in JS.) `what` names the input in
/// the error ("invalid scenario: ...").
fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("invalid {what}: {e}")))
}

/// Which engine module runs the scenario: `"first"` (the first view's), `"full"` (it may
/// use SCRAM, XOAUTH2 or OAUTHBEARER) or `"tls"` (it uses TLS). Every module answers the
/// same, so the page asks the engine it has rather than repeat the rule.
#[wasm_bindgen(js_name = scenarioModule)]
pub fn scenario_module(scenario: JsValue) -> Result<String, JsError> {
    let scenario: Scenario = from_js(scenario, "scenario")?;
    Ok(scenario.module().name().to_owned())
}

/// Runs a scenario (`{server, client, clientAddress, startTime, seed, latencyMs}`, every
/// field optional) over the in-memory loopback and returns its timeline.
#[wasm_bindgen(js_name = runScenario)]
pub fn run_scenario(scenario: JsValue) -> Result<JsValue, JsError> {
    let scenario: Scenario = if scenario.is_undefined() || scenario.is_null() {
        Scenario::default()
    } else {
        from_js(scenario, "scenario")?
    };
    let timeline =
        loopback::run(&scenario).map_err(|e| JsError::new(&format!("scenario cannot run: {e}")))?;
    let value = to_js(&timeline)?;
    attach_octets(&value, &timeline.octet_layout())
        .map_err(|_| JsError::new("could not convert the result for JavaScript: octets"))?;
    Ok(value)
}

/// Puts the timeline's octets on the parsed JSON, which leaves them out
/// ([`crate::octets`]): one `Uint8Array` holds them all, each bytes entry's `octets` and
/// each delivered copy's `message` is a view of it (copies of one message share theirs).
fn attach_octets(value: &JsValue, layout: &loopback::OctetLayout) -> Result<(), JsValue> {
    let buffer = octet_buffer(&layout.gathered.buffer)?;
    let view = |range: &std::ops::Range<usize>| -> Result<JsValue, JsValue> {
        let bound = |at: usize| u32::try_from(at).map_err(|_| JsValue::NULL);
        Ok(buffer
            .subarray(bound(range.start)?, bound(range.end)?)
            .into())
    };
    let entries = js_sys::Array::from(&js_sys::Reflect::get(value, &"entries".into())?);
    let octets = JsValue::from_str("octets");
    for (entry, range) in &layout.writes {
        let index = u32::try_from(*entry).map_err(|_| JsValue::NULL)?;
        js_sys::Reflect::set(&entries.get(index), &octets, &view(range)?)?;
    }
    let deliveries = js_sys::Array::from(&js_sys::Reflect::get(value, &"deliveries".into())?);
    let message = JsValue::from_str("message");
    for (index, range) in (0u32..).zip(&layout.copies) {
        js_sys::Reflect::set(&deliveries.get(index), &message, &view(range)?)?;
    }
    Ok(())
}

/// A new `Uint8Array` holding a copy of `octets`. WHY `set` into a fresh array:
/// `Uint8Array::from` (`new Uint8Array(view of the wasm memory)`) copied several times
/// slower in Chromium (about 0.09 against 0.013 ms for 23 KB), a sixth of runScenario.
fn octet_buffer(octets: &[u8]) -> Result<js_sys::Uint8Array, JsValue> {
    let length = u32::try_from(octets.len()).map_err(|_| JsValue::NULL)?;
    let buffer = js_sys::Uint8Array::new_with_length(length);
    buffer.copy_from(octets);
    Ok(buffer)
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
#[cfg(feature = "tabs")]
#[wasm_bindgen(js_name = saslEncode)]
pub fn sasl_encode(request: JsValue) -> Result<JsValue, JsError> {
    let request: crate::sasl::calculator::EncodeRequest = from_js(request, "SASL encode request")?;
    let result =
        crate::sasl::calculator::encode(&request).map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&result)
}

/// How many random octets `saslCnonce` needs: the page draws them, the engine makes
/// the nonce (randomness is an input).
#[cfg(feature = "tabs")]
#[wasm_bindgen(js_name = saslCnonceOctets)]
pub fn sasl_cnonce_octets() -> usize {
    crate::sasl::calculator::CNONCE_RANDOM_OCTETS
}

/// A fresh client nonce for `saslEncode`'s `cnonce` from `saslCnonceOctets()` random
/// octets.
#[cfg(feature = "tabs")]
#[wasm_bindgen(js_name = saslCnonce)]
pub fn sasl_cnonce(random: &[u8]) -> Result<String, JsError> {
    crate::sasl::calculator::client_nonce(random).map_err(|e| JsError::new(&e.to_string()))
}

/// The SASL calculator's decoder: `{input, mechanism?, password?, challenge?}` where
/// `input` is base64 or a log line (`AUTH PLAIN …`, `334 …`, with or without swaks'
/// arrows) → `{source, base64, octets, mechanism, interpretation, problems, trace}`.
#[cfg(feature = "tabs")]
#[wasm_bindgen(js_name = saslDecode)]
pub fn sasl_decode(request: JsValue) -> Result<JsValue, JsError> {
    let request: crate::sasl::calculator::DecodeRequest = from_js(request, "SASL decode request")?;
    let result =
        crate::sasl::calculator::decode(&request).map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&result)
}

// ---------------------------------------------------------------------------------------
// Page adapters: the state table for step mode and a live server for manual
// mode. Thin wrappers over the engine's own API; no protocol logic.
// ---------------------------------------------------------------------------------------

/// The server's transition table (`[{from: [State], trigger, to, rfc}]`), so the page
/// draws its state diagram from the very rows the engine runs.
#[cfg(feature = "tabs")]
#[wasm_bindgen(js_name = serverTransitions)]
pub fn server_transitions() -> Result<JsValue, JsError> {
    to_js(&crate::server::state::TRANSITIONS)
}

/// What one manual-mode step produced, for the page.
#[cfg(feature = "tabs")]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ManualStep {
    /// Virtual time after the step.
    at: crate::time::Millis,
    /// Octets the server sent back.
    octets: Vec<u8>,
    /// Everything the server reported.
    events: Vec<crate::server::ServerEvent>,
    /// Messages it accepted.
    deliveries: Vec<crate::server::Delivery>,
    /// Its state now.
    state: crate::server::State,
    /// Lines that fit this state, for the page's suggestion chips.
    next_lines: Vec<crate::server::next_lines::NextLine>,
    /// True once the session is over.
    closed: bool,
}

/// A server engine held across calls, for typing client lines by hand ("telnet to port
/// 25"). Virtual time advances by the scenario's latency on every `send`.
#[cfg(feature = "tabs")]
#[wasm_bindgen]
pub struct ManualSession {
    server: crate::server::Server,
    /// The server's configuration, kept to suggest the lines it accepts next.
    config: crate::server::config::ServerConfig,
    now: crate::time::Millis,
    latency: crate::time::Millis,
}

#[cfg(feature = "tabs")]
#[wasm_bindgen]
impl ManualSession {
    /// Starts a session from a scenario object (its `server`, `clientAddress`,
    /// `startTime`, `seed` and `latencyMs` are used). The greeting is ready at once:
    /// call `take()` to read it.
    #[wasm_bindgen(constructor)]
    pub fn new(scenario: JsValue) -> Result<ManualSession, JsError> {
        let scenario: Scenario = if scenario.is_undefined() || scenario.is_null() {
            Scenario::default()
        } else {
            from_js(scenario, "scenario")?
        };
        let peer = crate::server::Peer {
            address: scenario.client_address.clone(),
        };
        let config = scenario.server.clone();
        let server =
            crate::server::Server::new(scenario.server, peer, scenario.start_time, scenario.seed);
        Ok(Self {
            server,
            config,
            now: scenario.start_time,
            latency: scenario.latency_ms.max(1),
        })
    }

    /// Collects what the server has sent and reported so far.
    pub fn take(&mut self) -> Result<JsValue, JsError> {
        // Copies first: the page keeps them at once, so the 250 joins this step's events.
        let mut deliveries = Vec::new();
        while let Some(delivery) = self.server.poll_delivery() {
            deliveries.push(delivery);
        }
        self.server
            .handle_stored(crate::server::StoreOutcome::Stored);
        let mut events = Vec::new();
        while let Some(event) = self.server.poll_event() {
            events.push(event);
        }
        to_js(&ManualStep {
            at: self.now,
            octets: self.server.take_output(),
            events,
            deliveries,
            state: self.server.state(),
            next_lines: crate::server::next_lines::next_lines(self.server.state(), &self.config),
            closed: self.server.is_closed(),
        })
    }

    /// Feeds octets typed by the user (the page adds the CRLF) and returns the answer.
    pub fn send(&mut self, octets: &[u8]) -> Result<JsValue, JsError> {
        self.now = self.now.saturating_add(self.latency);
        self.server.receive(octets, self.now);
        self.take()
    }

    /// Lets `ms` of virtual time pass (to see the idle timeout fire).
    pub fn wait(&mut self, ms: f64) -> Result<JsValue, JsError> {
        let ms = if ms.is_finite() && ms > 0.0 {
            ms as crate::time::Millis
        } else {
            0
        };
        self.now = self.now.saturating_add(ms);
        self.server.handle_timeout(self.now);
        self.take()
    }

    /// The client hangs up.
    pub fn close(&mut self) -> Result<JsValue, JsError> {
        self.server.handle_close(self.now);
        self.take()
    }
}

// ---------------------------------------------------------------------------------------
// Multi-host world (ETRN, TURN, POP-before-SMTP). Thin glue over crate::world.
// ---------------------------------------------------------------------------------------

/// The world presets: `[{name, title, explanation}]`, in the order to list them.
#[cfg(feature = "tabs")]
#[wasm_bindgen(js_name = worldPresets)]
pub fn world_presets() -> Result<JsValue, JsError> {
    to_js(&crate::world::presets())
}

/// The preset called `name` as an editable scenario object (`{name, explanation,
/// startTime, seed, latencyMs, hosts, steps}`), to pass back to `runWorld`.
#[cfg(feature = "tabs")]
#[wasm_bindgen(js_name = worldPreset)]
pub fn world_preset(name: &str) -> Result<JsValue, JsError> {
    let scenario = crate::world::preset(name)
        .ok_or_else(|| JsError::new(&format!("no world preset is called '{name}'")))?;
    to_js(&scenario)
}

/// Runs a world: a preset's name (a string) or a scenario object. Returns the
/// WorldTimeline: `{name, explanation, hosts, connections, graph, entries, relayWindows,
/// relayWindowStates, mailstores, startTime, endTime, truncated}`.
#[cfg(feature = "tabs")]
#[wasm_bindgen(js_name = runWorld)]
pub fn run_world(scenario_or_preset: JsValue) -> Result<JsValue, JsError> {
    let scenario = match scenario_or_preset.as_string() {
        Some(name) => crate::world::preset(&name)
            .ok_or_else(|| JsError::new(&format!("no world preset is called '{name}'")))?,
        None => from_js(scenario_or_preset, "world scenario")?,
    };
    let timeline = crate::world::run_world(&scenario)
        .map_err(|e| JsError::new(&format!("world cannot run: {e}")))?;
    to_js(&timeline)
}

// ---------------------------------------------------------------------------------------
// Sequence diagrams (crate::sequence): the layout and both renderings, computed once.
// ---------------------------------------------------------------------------------------

/// A run as a sequence diagram, for the Sequence tab and its exports.
#[cfg(any(feature = "tabs", feature = "tls-page"))]
#[derive(Serialize)]
struct SequenceExport {
    /// The laid-out diagram: lifelines, lanes, arrows and phases with their coordinates.
    diagram: crate::sequence::Diagram,
    /// The same as a self-contained SVG file.
    svg: String,
    /// The same as monospace text.
    text: String,
}

#[cfg(any(feature = "tabs", feature = "tls-page"))]
fn sequence_export(diagram: crate::sequence::Diagram) -> Result<JsValue, JsError> {
    let svg = crate::sequence::svg::render(&diagram);
    let text = crate::sequence::text::render(&diagram);
    to_js(&SequenceExport { diagram, svg, text })
}

/// Runs a scenario (as `runScenario` takes it) and returns its sequence diagram:
/// `{diagram: {title, description, lifelines, lanes, arrows, phases, omitted, width,
/// height, bodyTop}, svg, text}`. The run is deterministic, so `arrows[i].write` is an
/// index in the `writes` of the timeline `runScenario` returns for the same scenario.
/// The TLS module has it too, for scenarios that use TLS.
#[cfg(any(feature = "tabs", feature = "tls-page"))]
#[wasm_bindgen(js_name = sequenceDiagram)]
pub fn sequence_diagram(scenario: JsValue) -> Result<JsValue, JsError> {
    let scenario: Scenario = if scenario.is_undefined() || scenario.is_null() {
        Scenario::default()
    } else {
        from_js(scenario, "scenario")?
    };
    let timeline =
        loopback::run(&scenario).map_err(|e| JsError::new(&format!("scenario cannot run: {e}")))?;
    sequence_export(crate::sequence::single::diagram(
        &timeline,
        scenario.start_time,
    ))
}

/// A world run (a preset's name or a scenario object, as `runWorld` takes it) as a
/// sequence diagram, one lane per connection under each host: `{diagram, svg, text}`,
/// `arrows[i].write` being an index in the world timeline's `entries`.
#[cfg(feature = "tabs")]
#[wasm_bindgen(js_name = worldSequenceDiagram)]
pub fn world_sequence_diagram(scenario_or_preset: JsValue) -> Result<JsValue, JsError> {
    let scenario = match scenario_or_preset.as_string() {
        Some(name) => crate::world::preset(&name)
            .ok_or_else(|| JsError::new(&format!("no world preset is called '{name}'")))?,
        None => from_js(scenario_or_preset, "world scenario")?,
    };
    let timeline = crate::world::run_world(&scenario)
        .map_err(|e| JsError::new(&format!("world cannot run: {e}")))?;
    sequence_export(crate::sequence::world::diagram(&timeline))
}

// ---------------------------------------------------------------------------------------
// Display facts for the page's forms and step mode, so the page lists nothing itself.
// ---------------------------------------------------------------------------------------

/// The server's states in the order the page lays them out; the first is where every
/// session starts. Only the Step tab draws them, so the first view's module leaves it out.
#[cfg(feature = "tabs")]
#[wasm_bindgen(js_name = serverStates)]
pub fn server_states() -> Result<JsValue, JsError> {
    to_js(&crate::server::state::STATES)
}

/// Words for people for every server state and trigger: `{states: [{name, label,
/// meaning}], triggers: [{name, label}], otherwise}`, so the Step view shows no code
/// names and states no reply code (the Step tab's, like `serverStates`).
#[cfg(feature = "tabs")]
#[wasm_bindgen(js_name = serverStateLabels)]
pub fn server_state_labels() -> Result<JsValue, JsError> {
    to_js(&crate::server::state::labels())
}

/// Every enum setting's allowed values: `{"server.strictness.bareLf": [{value, label}],
/// …}`, keyed by the setting's path in the scenario.
#[wasm_bindgen(js_name = formOptions)]
pub fn form_options() -> Result<JsValue, JsError> {
    js_sys::JSON::parse(crate::form_options::FORM_OPTIONS_JSON)
        .map_err(|_| JsError::new("the form options are not valid JSON"))
}

/// Each setting's label and help text for the forms: `{"server.role": {label, help},
/// …}`, keyed like `formOptions()`.
#[wasm_bindgen(js_name = formFields)]
pub fn form_fields() -> Result<JsValue, JsError> {
    js_sys::JSON::parse(crate::form_options::FORM_FIELDS_JSON)
        .map_err(|_| JsError::new("the form fields are not valid JSON"))
}

/// Splits an address list as typed (at commas outside double quotes, RFC 5322 §3.4),
/// the same way the client engine reads one.
#[wasm_bindgen(js_name = splitAddressList)]
pub fn split_address_list(text: &str) -> Result<JsValue, JsError> {
    to_js(&crate::client::address::split_address_list(text))
}

/// Judges a real transcript or capture: `input` is the pasted text (a string) or a
/// dropped file's octets (a `Uint8Array`); `options` is `{format, password}`, both
/// optional (`format`: `auto`, `swaks`, `smtplib`, `curl`, `cs`, `nodemailer`, `raw`
/// or `pcap`). Returns `{format, lines: [{n, side, text, role, ending, origin}],
/// findings: [{line, severity, rfc, message}]}`; an input that is no SMTP session at
/// all is an `Error` saying so.
///
/// Built only with the `analyze-page` feature: the analyzer and its capture parsers add
/// about 48 KB gzip, and the page has no view for them yet, so the page's module leaves
/// them out (`lint` on the command line has them always).
#[cfg(feature = "analyze-page")]
#[wasm_bindgen(js_name = analyzeTranscript)]
pub fn analyze_transcript(input: JsValue, options: JsValue) -> Result<JsValue, JsError> {
    to_js(&analyze_input(input, &options)?)
}

/// The same analysis shaped for the page's Analyze view: `{format, formatLabel, lines:
/// [{n, side, text, role, ending, origin, note, findings}], notes: [{text, rfc}],
/// groups: [{first, count, side, messageText, label}], findings: [{line, severity, rfc,
/// message, index}], counts: {errors, warnings, notes}, connections, negotiation:
/// [{keyword, value, rfc, explanation, client}], sasl: [{mechanism, steps: [{index, n,
/// kind, label, text, decoded, decodeError}]}]}`, each step's `decoded` as `saslDecode` returns
/// it; a line's `note`
/// is an index into `notes` (see `analyze::view`).
#[cfg(feature = "analyze-page")]
#[wasm_bindgen(js_name = analyzeForPage)]
pub fn analyze_for_page(input: JsValue, options: JsValue) -> Result<JsValue, JsError> {
    let password = analyze_options(&options)?.password;
    let analysis = analyze_input(input, &options)?;
    to_js(&crate::analyze::view::view(&analysis, password.as_deref()))
}

/// "Open in playground": the analysed session as a scenario for `runScenario`, with
/// what it could not carry over: `{scenario, notes: [string]}`. The options' password,
/// when given, is the one the scenario logs in with.
#[cfg(feature = "analyze-page")]
#[wasm_bindgen(js_name = analysisScenario)]
pub fn analysis_scenario(input: JsValue, options: JsValue) -> Result<JsValue, JsError> {
    let password = analyze_options(&options)?.password;
    let analysis = analyze_input(input, &options)?;
    to_js(&crate::analyze::to_scenario::to_scenario(
        &analysis,
        password.as_deref(),
    ))
}

/// The text for a share link: `{text, masked, fromCapture}`. A text log comes back as
/// it is and a capture as `C:`/`S:` lines, with every AUTH secret masked unless
/// `includeSecrets` (see `analyze::mask`).
#[cfg(feature = "analyze-page")]
#[wasm_bindgen(js_name = shareableTranscript)]
pub fn shareable_transcript(
    input: JsValue,
    options: JsValue,
    include_secrets: bool,
) -> Result<JsValue, JsError> {
    let octets = input_octets(input)?;
    let options = analyze_options(&options)?;
    let shareable = crate::analyze::mask::shareable(&octets, &options, include_secrets)
        .map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&shareable)
}

/// The Analyze form's facts: `{formats: [{name, label}], maxInput}`.
#[cfg(feature = "analyze-page")]
#[wasm_bindgen(js_name = analyzeInputFacts)]
pub fn analyze_input_facts() -> Result<JsValue, JsError> {
    to_js(&crate::analyze::view::input_facts())
}

#[cfg(feature = "analyze-page")]
fn analyze_input(input: JsValue, options: &JsValue) -> Result<crate::analyze::Analysis, JsError> {
    let octets = input_octets(input)?;
    let options = analyze_options(options)?;
    crate::analyze::analyze(&octets, &options).map_err(|e| JsError::new(&e.to_string()))
}

/// A pasted text (a string) or a dropped file's octets (a `Uint8Array`).
#[cfg(feature = "analyze-page")]
fn input_octets(input: JsValue) -> Result<Vec<u8>, JsError> {
    match input.as_string() {
        Some(text) => Ok(text.into_bytes()),
        None if input.is_instance_of::<js_sys::Uint8Array>() => {
            Ok(js_sys::Uint8Array::new(&input).to_vec())
        }
        None => Err(JsError::new("the analysis takes a string or a Uint8Array")),
    }
}

#[cfg(feature = "analyze-page")]
fn analyze_options(options: &JsValue) -> Result<crate::analyze::Options, JsError> {
    if options.is_undefined() || options.is_null() {
        Ok(crate::analyze::Options::default())
    } else {
        from_js(options.clone(), "analyze options")
    }
}
