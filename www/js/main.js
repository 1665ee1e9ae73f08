// Wires the page together: loads the engine, runs the default scenario on load and on
// "Run", and shows the transcript or a readable error. No protocol logic here.

import { byId } from './dom.js';
import { loadEngine } from './engine.js';
import { fillForm, scenarioFromForm } from './scenario-form.js';
import { renderTranscript } from './transcript.js';

const view = {
  form: byId('scenario-form'),
  fields: { sender: byId('sender'), recipients: byId('recipients') },
  run: byId('run'),
  reset: byId('reset'),
  status: byId('status'),
  error: byId('error'),
  transcript: byId('transcript'),
  version: byId('engine-version'),
};

let engine = null;
let baseScenario = null;
/** Counts finished runs; tests wait on `data-runs` of the transcript to change. */
let runs = 0;

function showError(message) {
  view.error.textContent = message;
  view.error.hidden = false;
}

function clearError() {
  view.error.textContent = '';
  view.error.hidden = true;
}

function summary(timeline, lines) {
  const delivered = timeline.deliveries.length;
  const messages = delivered === 1 ? '1 message accepted' : `${delivered} messages accepted`;
  const cut = timeline.truncated ? ' The run stopped at a safety limit.' : '';
  return `Session over: ${lines.length} lines, ${messages}.${cut}`;
}

function runCurrent() {
  clearError();
  let timeline;
  const scenario = scenarioFromForm(view.fields, baseScenario);
  try {
    timeline = engine.run(scenario);
  } catch (error) {
    view.transcript.replaceChildren();
    view.status.textContent = 'The scenario did not run.';
    showError(error instanceof Error ? error.message : String(error));
    return;
  }
  const lines = renderTranscript(view.transcript, timeline, scenario.startTime);
  view.status.textContent = summary(timeline, lines);
  runs += 1;
  view.transcript.dataset.runs = String(runs);
}

function handleSubmit(event) {
  event.preventDefault();
  runCurrent();
}

function handleReset() {
  fillForm(view.fields, baseScenario);
  runCurrent();
}

async function start() {
  try {
    engine = await loadEngine();
    baseScenario = engine.defaultScenario();
  } catch (error) {
    view.status.textContent = 'The engine is not available.';
    showError(error instanceof Error ? error.message : String(error));
    document.documentElement.dataset.engine = 'failed';
    return;
  }
  view.version.textContent = engine.version;
  fillForm(view.fields, baseScenario);
  view.form.addEventListener('submit', handleSubmit);
  view.reset.addEventListener('click', handleReset);
  view.run.disabled = false;
  view.reset.disabled = false;
  document.documentElement.dataset.engine = 'ready';
  runCurrent();
}

start();
