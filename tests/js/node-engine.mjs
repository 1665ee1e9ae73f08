// The page's engine in Node, for the tests that check page data (preset highlights, tour
// files) against real runs: the full build for scenarios and the world, the TLS build
// (www/pkg/tls/) for a scenario with TLS, as the page chooses (the engine's `scenarioModule`).
// Needs www/pkg (scripts/test builds it before the JS unit tests).

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPreset } from '../../www/js/presets.js';
import { applyPatch } from '../../www/js/scenario.js';
import { buildModel } from '../../www/js/transcript.js';

const PKG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../www/pkg');

async function load(name) {
  const glue = await import(path.join(PKG, `${name}.js`));
  await glue.default({ module_or_path: await readFile(path.join(PKG, `${name}_bg.wasm`)) });
  return glue;
}

let full = null;
let tls = null;
let first = null;

/** The full engine module (every export), loaded once. */
export function fullEngine() {
  if (!full) full = load('esmtp_playground');
  return full;
}

/** The first view's module (no TLS, no SCRAM or OAuth mechanisms), loaded once. */
export function firstViewEngine() {
  if (!first) first = load('esmtp_playground_first');
  return first;
}

/** The engines with TLS, loaded once. */
export function tlsEngine() {
  if (!tls) tls = load('tls/esmtp_playground_tls');
  return tls;
}

/** Runs preset `id` as the page does; resolves to `{scenario, timeline, model}`. */
export async function runPreset(id) {
  const engine = await fullEngine();
  const preset = await loadPreset(id);
  if (!preset) throw new Error(`no preset ${id}`);
  const scenario = applyPatch(engine.defaultScenario(), preset.patch);
  const timeline = (engine.scenarioModule(scenario) === 'tls' ? await tlsEngine() : engine).runScenario(scenario);
  return { scenario, timeline, model: buildModel(timeline, scenario) };
}
