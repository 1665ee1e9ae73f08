// Validates every tour file (www/tours/*.json, listed in www/tours/index.json): its shape
// (js/tours.js `tourProblems`), and against the engine's real runs that each step's preset,
// scenario or World preset runs, its highlight names lines of that run and its Negotiation
// rows are extensions the server offered. Adding a tour needs no code, and this test
// tells its author what is wrong with it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';
import { resolveHighlight } from '../../www/js/line-highlight.js';
import { PRESET_LIST } from '../../www/js/presets.js';
import { applyPatch } from '../../www/js/scenario.js';
import { stepTab, stepUrl, tourProblems, worldLines } from '../../www/js/tours.js';
import { buildModel } from '../../www/js/transcript.js';
import { worldItems } from '../../www/js/world.js';
import { fullEngine, runPreset } from './node-engine.mjs';

const TOURS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../www/tours');
const PRESET_IDS = PRESET_LIST.map((preset) => preset.id);
const readJson = (name) => JSON.parse(readFileSync(path.join(TOURS, name), 'utf8'));
const index = readJson('index.json');
const tours = index.tours.map((id) => ({ id, tour: readJson(`${id}.json`) }));

test('index.json lists every tour file once, and each file says its own id', () => {
  const files = readdirSync(TOURS)
    .filter((name) => name.endsWith('.json') && name !== 'index.json')
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
  assert.deepEqual([...index.tours].sort(), files);
  assert.equal(new Set(index.tours).size, index.tours.length);
  for (const { id, tour } of tours) assert.equal(tour.id, id);
});

test('the tours the playground promises are there', () => {
  const titles = tours.map(({ tour }) => tour.title);
  for (const wanted of [
    'What EHLO negotiates',
    '8BITMIME and SIZE',
    'To, Cc and Bcc at the envelope',
    'Relay restriction and SMTP AUTH',
    'PLAIN vs CRAM-MD5 vs DIGEST-MD5',
    'The dial-up era: ETRN, TURN and POP-before-SMTP',
    'What RFC 2821 changed',
  ]) {
    assert.ok(titles.includes(wanted), `a tour titled “${wanted}”`);
  }
});

test('every tour file has the shape js/tours.js reads', () => {
  for (const { id, tour } of tours) assert.deepEqual(tourProblems(tour, PRESET_IDS), [], id);
});

test('the shape check names what is wrong', () => {
  const step = { title: 'T', text: 'One. Two.', rfc: 'RFC 5321', preset: 'esmtp' };
  const problems = (tour) => tourProblems(tour, PRESET_IDS).join('\n');
  assert.equal(problems({ id: 'x', title: 'X', summary: 'S', steps: [step, step] }), '');
  assert.match(problems({ id: 'x', title: 'X', summary: 'S', steps: [step] }), /at least two steps/);
  assert.match(problems({ id: 'x', title: 'X', summary: 'S', steps: [step, { ...step, preset: 'nope' }] }), /no preset “nope”/);
  assert.match(problems({ id: 'x', title: 'X', summary: 'S', steps: [step, { ...step, world: 'etrn' }] }), /exactly one of preset/);
  assert.match(
    problems({ id: 'x', title: 'X', summary: 'S', steps: [step, { ...step, tab: 'sasl', highlight: { text: 'A' } }] }),
    /highlight applies/,
  );
  assert.match(
    problems({ id: 'x', title: 'X', summary: 'S', steps: [step, { ...step, highlight: { txt: 'A' } }] }),
    /unknown selector key “txt”/,
  );
  assert.match(problems({ id: 'x', title: 'X', summary: 'S', steps: [step, { ...step, rfc: 'see above' }] }), /rfc names an RFC/);
  assert.match(problems({ id: 'x', title: 'X', summary: 'S', steps: [step, { ...step, text: 'No full stop' }] }), /one to four sentences/);
  assert.match(problems({ id: 'x', title: 'X', summary: 'S', steps: [step, { ...step, colour: 'red' }] }), /unknown key “colour”/);
});

/** The run a step shows: `{lines, negotiation}`. */
async function runStep(step) {
  const engine = await fullEngine();
  if (step.world !== undefined) {
    return { lines: worldLines(worldItems(engine.runWorld(step.world))), negotiation: [] };
  }
  if (step.preset !== undefined) {
    const { model, timeline } = await runPreset(step.preset);
    return { lines: model.lines, negotiation: timeline.negotiation || [] };
  }
  const scenario = applyPatch(engine.defaultScenario(), step.scenario);
  const timeline = engine.runScenario(scenario);
  return { lines: buildModel(timeline, scenario).lines, negotiation: timeline.negotiation || [] };
}

test('every step runs against the real engines, and what it highlights is in that run', async () => {
  const worlds = (await fullEngine()).worldPresets().map((preset) => preset.name);
  for (const { id, tour } of tours) {
    for (const [i, step] of tour.steps.entries()) {
      const where = `${id} step ${i + 1}`;
      if (step.world !== undefined) assert.ok(worlds.includes(step.world), `${where}: World preset ${step.world} exists`);
      const run = await runStep(step);
      if (step.highlight) {
        const ranges = resolveHighlight(run.lines, step.highlight);
        const selectors = Array.isArray(step.highlight) ? step.highlight : [step.highlight];
        assert.ok(ranges.length > 0, `${where}: its highlight names lines`);
        for (const selector of selectors) {
          assert.ok(resolveHighlight(run.lines, selector).length > 0, `${where}: ${JSON.stringify(selector)} names a line`);
        }
      }
      for (const keyword of step.rows || []) {
        assert.ok(
          run.negotiation.some((row) => row.keyword === keyword),
          `${where}: the server offered ${keyword}`,
        );
      }
      if (stepTab(step) === 'transcript') assert.ok(step.highlight, `${where}: a transcript step highlights lines`);
    }
  }
});

test('a step link keeps embed and names the tour and step', () => {
  assert.equal(stepUrl('https://p.example/?embed=1&preset=x#s=abc', 'ehlo', 3), 'https://p.example/?embed=1&tour=ehlo&step=3');
  assert.equal(stepUrl('https://p.example/index.html?lines=2', 'dial-up', 1), 'https://p.example/index.html?tour=dial-up&step=1');
});
