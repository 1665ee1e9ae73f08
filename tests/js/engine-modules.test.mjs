// Which engine module runs a scenario, as the engine says (`scenarioModule`), and what the
// first view's module does with a scenario it leaves to another: it refuses it with a
// readable error. Needs www/pkg (scripts/test builds it before the JS unit tests).

import assert from 'node:assert/strict';
import test from 'node:test';
import { loadPreset } from '../../www/js/presets.js';
import { applyPatch } from '../../www/js/scenario.js';
import { firstViewEngine, fullEngine, tlsEngine } from './node-engine.mjs';

async function presetScenario(engine, id) {
  return applyPatch(engine.defaultScenario(), (await loadPreset(id)).patch);
}

test('every module names the same module for a scenario: first, full for SCRAM or OAuth, tls for TLS', async () => {
  for (const engine of [await firstViewEngine(), await fullEngine(), await tlsEngine()]) {
    assert.equal(engine.scenarioModule(engine.defaultScenario()), 'first');
    assert.equal(engine.scenarioModule(await presetScenario(engine, 'scram-sha-256')), 'full');
    const oauth = applyPatch(engine.defaultScenario(), { client: { auth: { mechanism: 'XOAUTH2' } } });
    assert.equal(engine.scenarioModule(oauth), 'full');
    const both = applyPatch(await presetScenario(engine, 'scram-sha-256'), { implicitTls: true });
    assert.equal(engine.scenarioModule(both), 'tls', 'TLS wins');
  }
});

test("the first view's module refuses a SCRAM scenario with an error; the full and TLS modules run it", async () => {
  const first = await firstViewEngine();
  const scram = await presetScenario(first, 'scram-sha-256');
  assert.throws(
    () => first.runScenario(scram),
    /has SCRAM-SHA-1 \(offered by the server or named by the client\), which only the page's full engine module runs/,
  );
  assert.ok(first.runScenario(first.defaultScenario()).entries.length > 0, 'the module still runs after refusing');
  for (const engine of [await fullEngine(), await tlsEngine()]) {
    const timeline = engine.runScenario(scram);
    assert.equal(timeline.authExchanges[0].mechanism, 'SCRAM-SHA-256');
    assert.equal(timeline.authExchanges[0].outcome.ok, true);
  }
});
